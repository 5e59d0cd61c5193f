/*
 * remedy_policy_int: what the policy's three files share, and nothing
 * outside them includes: remedy_value.c (one setting's value),
 * remedy_policy.c (the build and the config rules) and remedy_config.c
 * (the config section).
 */
#ifndef HALE_REMEDY_POLICY_INT_H
#define HALE_REMEDY_POLICY_INT_H

#include <stddef.h>

#include <cJSON.h>

#include "core/confjson.h"
#include "remedy/remedy.h"

#define STOP_TIMEOUT_MAX	3600		/* seconds */
#define STOP_TIMEOUT_DEFAULT	10		/* Docker's own default */

/* ---- remedy_value.c ----------------------------------------------------- */

/* Parses `v` for field `f` into `p`. -1 with a message (without the key). */
int	remedy_value_apply(struct remedy_policy *p, enum remedy_field f,
	    enum remedy_origin o, const char *v, char *err, size_t errlen);
/* The field a setting key names; -1 if none. */
int	remedy_field_by_key(const char *key);
/* Checks one JSON setting and appends it to set[*nset]. */
void	remedy_setting_from_json(struct confjson *, const char *path,
	    const cJSON *v, struct remedy_setting *set, size_t *nset);
void	remedy_settings_free(struct remedy_setting *, size_t n);

/* ---- remedy_policy.c ---------------------------------------------------- */

/* One element of remediation.rules: its "match" and its settings. */
void	remedy_rule_from_json(struct confjson *, const char *path,
	    const cJSON *o, struct remedy_rule *r);
void	remedy_rule_free(struct remedy_rule *);

#endif
