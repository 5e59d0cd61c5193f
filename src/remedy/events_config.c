/*
 * events_config: the `events` section of the config file (ring size,
 * rate limit, restart-loop threshold). Pure: every problem is appended
 * to the caller's buffer with its path ("events.ring_size: ...").
 */
#include "remedy/events.h"

#include <stdlib.h>
#include <string.h>

#include "core/confjson.h"

#define RATE_MAX_MS	(24ULL * 3600 * 1000)
#define WINDOW_MIN_MS	1000ULL
#define WINDOW_MAX_MS	(24ULL * 3600 * 1000)

static void
loop_from_json(struct confjson *j, const char *path, const cJSON *o,
    struct events_config *cfg)
{
	const cJSON	*v;
	char		 kpath[160];

	if (confjson_want_object(j, path, o) == -1)
		return;
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "restarts") == 0) {
			confjson_want_count(j, kpath, v, EVENTS_LOOP_RESTARTS_MAX,
			    &cfg->loop_restarts);
			if (cfg->loop_restarts < 2)
				confjson_problem(j, kpath, "must be at least 2");
		} else if (strcmp(v->string, "window") == 0)
			confjson_want_duration(j, kpath, v, WINDOW_MIN_MS,
			    WINDOW_MAX_MS, &cfg->loop_window_ms);
		else
			confjson_problem(j, kpath, "unknown key (restarts, window)");
	}
}

int
events_config_from_json(const cJSON *obj, const char *path,
    struct events_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct events_config	*cfg;
	const cJSON		*v;
	char			 kpath[160];

	*out = NULL;
	if (confjson_want_object(&j, path, obj) == -1)
		return j.n;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	events_config_default(cfg);
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "ring_size") == 0) {
			confjson_want_count(&j, kpath, v, EVENTS_RING_MAX,
			    &cfg->ring_size);
			if (cfg->ring_size == 0)
				confjson_problem(&j, kpath, "must be at least 1");
		} else if (strcmp(v->string, "rate_limit") == 0)
			confjson_want_duration(&j, kpath, v, 0, RATE_MAX_MS,
			    &cfg->rate_ms);
		else if (strcmp(v->string, "restart_loop") == 0)
			loop_from_json(&j, kpath, v, cfg);
		else
			confjson_problem(&j, kpath, "unknown key (ring_size, "
			    "rate_limit, restart_loop)");
	}
	if (j.n > 0 || errors->oom) {
		free(cfg);
		return j.n > 0 ? j.n : 1;
	}
	*out = cfg;
	return 0;
}

void
events_config_free(struct events_config *cfg)
{
	free(cfg);
}
