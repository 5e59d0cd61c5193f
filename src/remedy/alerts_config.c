/*
 * alerts_config: the `alertmanager` section of the config file. Pure:
 * every problem is appended with its path ("alertmanager.urls[0]: ...").
 */
#include "remedy/alerts.h"

#include <stdlib.h>
#include <string.h>

#include "core/confjson.h"
#include "remedy/notify.h"

static void
urls_from_json(struct confjson *j, const char *path, const cJSON *v,
    struct alerts_config *cfg)
{
	const cJSON	*e;
	char		 epath[180], tmp[80];

	if (confjson_want_array(j, path, v) == -1)
		return;
	cJSON_ArrayForEach(e, v) {
		confjson_path(epath, sizeof(epath), "%s[%zu]", path, cfg->nurls);
		if (cfg->nurls == ALERTS_AM_MAX) {
			confjson_problem(j, path, "at most %d Alertmanagers",
			    ALERTS_AM_MAX);
			return;
		}
		if (!cJSON_IsString(e) || !notify_url_ok(e->valuestring)) {
			confjson_show(e, tmp, sizeof(tmp));
			confjson_problem(j, epath, "%s is not an http:// or "
			    "https:// URL", tmp);
			continue;
		}
		if ((cfg->urls[cfg->nurls++] = strdup(e->valuestring)) == NULL)
			confjson_problem(j, epath, "out of memory");
	}
}

int
alerts_config_from_json(const cJSON *obj, const char *path,
    struct alerts_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct alerts_config	*cfg;
	const cJSON		*v;
	char			 kpath[160];

	*out = NULL;
	if (confjson_want_object(&j, path, obj) == -1)
		return j.n;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cfg->resend_ms = ALERTS_RESEND_DEFAULT_MS;
	cfg->hold_ms = ALERTS_HOLD_DEFAULT_MS;
	cfg->timeout_ms = ALERTS_TIMEOUT_DEFAULT_MS;
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "urls") == 0)
			urls_from_json(&j, kpath, v, cfg);
		else if (strcmp(v->string, "resend") == 0)
			confjson_want_duration(&j, kpath, v, 1000, 3600000,
			    &cfg->resend_ms);
		else if (strcmp(v->string, "hold") == 0)
			confjson_want_duration(&j, kpath, v, 1000, 86400000,
			    &cfg->hold_ms);
		else if (strcmp(v->string, "timeout") == 0)
			confjson_want_duration(&j, kpath, v, 100, 300000,
			    &cfg->timeout_ms);
		else
			confjson_problem(&j, kpath, "unknown key (urls, resend, "
			    "hold, timeout)");
	}
	if (j.n == 0 && cfg->nurls == 0)
		confjson_problem(&j, path, "needs \"urls\"");
	if (j.n > 0 || errors->oom) {
		alerts_config_free(cfg);
		return j.n > 0 ? j.n : 1;
	}
	*out = cfg;
	return 0;
}

void
alerts_config_free(struct alerts_config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nurls; i++)
		free(cfg->urls[i]);
	free(cfg);
}
