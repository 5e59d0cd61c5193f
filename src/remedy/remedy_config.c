/*
 * remedy_config: the `remediation` section of the config file, JSON to
 * a checked struct remedy_config and back to nothing. Pure; every
 * problem is appended to the caller's buffer with its path
 * ("remediation.rules[2].backoff: ..."). A rule's own keys are parsed
 * in remedy_policy.c, one setting's value in remedy_value.c.
 */
#include "remedy/remedy_policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/confjson.h"

void
remedy_config_free(struct remedy_config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	remedy_settings_free(cfg->defaults, cfg->ndefaults);
	for (i = 0; i < cfg->nrules; i++)
		remedy_rule_free(&cfg->rules[i]);
	free(cfg->rules);
	free(cfg);
}

static void
json_rules(struct confjson *j, const char *path, const cJSON *arr,
    struct remedy_config *cfg)
{
	const cJSON	*e;
	char		 epath[96];
	int		 n = cJSON_GetArraySize(arr);

	if (confjson_want_array(j, path, arr) == -1)
		return;
	if (n > REMEDY_RULES_MAX) {
		confjson_problem(j, path, "at most %d rules", REMEDY_RULES_MAX);
		return;
	}
	if (n == 0)
		return;
	if ((cfg->rules = calloc((size_t)n, sizeof(*cfg->rules))) == NULL) {
		confjson_problem(j, path, "out of memory");
		return;
	}
	cJSON_ArrayForEach(e, arr) {
		confjson_path(epath, sizeof(epath), "%s[%zu]", path,
		    cfg->nrules);
		remedy_rule_from_json(j, epath, e, &cfg->rules[cfg->nrules++]);
	}
}

int
remedy_config_from_json(const cJSON *obj, const char *path,
    struct remedy_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct remedy_config	*cfg;
	const cJSON		*v;
	char			 kpath[160], err[REMEDY_ERR_MAX];

	*out = NULL;
	if (confjson_want_object(&j, path, obj) == -1)
		return j.n;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "dry_run") == 0) {
			confjson_want_bool(&j, kpath, v, &cfg->dry_run);
		} else if (strcmp(v->string, "rules") == 0)
			json_rules(&j, kpath, v, cfg);
		else if (remedy_setting_known(v->string))
			remedy_setting_from_json(&j, kpath, v, cfg->defaults,
			    &cfg->ndefaults);
		else
			confjson_problem(&j, kpath, "unknown key");
	}
	/* Its message names the full path already. */
	if (j.n == 0 && remedy_config_check(cfg, err, sizeof(err)) == -1) {
		buf_printf(errors, "%s\n", err);
		j.n++;
	}
	if (j.n > 0 || errors->oom) {
		remedy_config_free(cfg);
		return j.n > 0 ? j.n : 1;
	}
	*out = cfg;
	return 0;
}
