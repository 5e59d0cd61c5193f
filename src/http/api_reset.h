/*
 * api_reset: POST /api/v1/containers/{id-or-name}/reset, the admin
 * endpoint that clears a remediation give-up. Answers 403 when no admin
 * credentials are configured, 401 (with a challenge) without valid ones,
 * 429 or 503 as basicauth says for Basic credentials (checked there, off
 * the loop; the request may wait suspended and come back),
 * 404 for a path that is not a reset or an unknown container, else 200
 * with {"id", "name", "reset": true, "remediation": {...}}.
 */
#ifndef HALE_API_RESET_H
#define HALE_API_RESET_H

#include "http/auth.h"
#include "http/basicauth.h"
#include "http/httpd.h"
#include "remedy/remedy_exec.h"

void	api_reset(struct remedy_exec *, const struct auth_config *,
	    struct basicauth *, const struct httpd_request *,
	    struct httpd_response *);

#endif
