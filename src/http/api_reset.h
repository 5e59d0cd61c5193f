/*
 * api_reset: POST /api/v1/containers/{id-or-name}/reset, the admin
 * endpoint that clears a remediation give-up. Answers 403 when no admin
 * credentials are configured, 401 (with a challenge) without valid ones,
 * 404 for a path that is not a reset or an unknown container, else 200
 * with {"id", "name", "reset": true, "remediation": {...}}.
 */
#ifndef HALE_API_RESET_H
#define HALE_API_RESET_H

#include "core/config.h"
#include "http/auth.h"
#include "http/httpd.h"
#include "remedy/remedy_exec.h"

void	api_reset(struct remedy_exec *, const struct auth_config *,
	    const struct httpd_request *, struct httpd_response *);
/* The admin credentials of a config (pointers into it). */
void	api_reset_auth_config(const struct config *, struct auth_config *);

#endif
