/*
 * probe_json: the engine's view in the API, the `health` object of a
 * container: the combined status and its source, Docker's own verdict,
 * and a `check` object (settings, target, streaks, the last results
 * oldest first, or why the check was refused), and the same values as
 * plain fields for the status page (probe_check_view).
 */
#include "check/probe.h"

#include <stdio.h>
#include <string.h>

#include "check/probe_check.h"
#include "core/json.h"

static void
put(cJSON *o, const char *key, cJSON *v)
{
	if (v == NULL)
		return;
	if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static cJSON *
results_json(const struct check *ck)
{
	const struct probe_result	*r;
	cJSON				*a, *o;
	size_t				 i, h = ck->eng->history;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	/* Oldest first, as Docker's State.Health.Log. */
	for (i = 0; i < ck->nring; i++) {
		r = &ck->ring[(ck->head + h - ck->nring + i) % h];
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "result", probe_class_name(r->cls));
		cJSON_AddItemToObject(o, "time", json_time(r->time));
		cJSON_AddNumberToObject(o, "duration_seconds", r->duration);
		if (r->http_status > 0)
			cJSON_AddNumberToObject(o, "status_code", (double)r->http_status);
		else
			cJSON_AddNullToObject(o, "status_code");
		cJSON_AddStringToObject(o, "message", r->msg);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* "netns 127.0.0.1:8080": how and where the probe connects. */
static void
target_text(const struct check *ck, char *out, size_t len)
{
	snprintf(out, len, "%s %s:%u", checkspec_target_name(ck->target.how),
	    ck->target.host, ck->target.port);
}

static cJSON *
check_json(const struct check *ck)
{
	cJSON	*o;
	char	 t[96];

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (!ck->active) {
		cJSON_AddStringToObject(o, "state", "refused");
		cJSON_AddStringToObject(o, "error", ck->error);
		cJSON_AddStringToObject(o, "reason", ck->reject != CHECKSPEC_REJECT_NONE ?
		    checkspec_reject_name(ck->reject) : "unreachable");
		return o;
	}
	cJSON_AddStringToObject(o, "state", ck->paused ? "paused" : "active");
	checkspec_to_json(&ck->spec, o);
	target_text(ck, t, sizeof(t));
	put(o, "target", cJSON_CreateString(t));
	cJSON_AddNumberToObject(o, "ok_streak", ck->health.ok_streak);
	cJSON_AddNumberToObject(o, "failing_streak", ck->health.fail_streak);
	cJSON_AddItemToObject(o, "since", json_time(ck->health.since));
	cJSON_AddNullToObject(o, "error");
	return o;
}

void
probe_check_text(void *engine, const struct inv_container *c, size_t last,
    struct buf *out)
{
	struct probe_engine		*eng = engine;
	const struct check		*ck = probe_find_check(eng, c->d.id);
	const struct probe_result	*r;
	size_t				 i, h, k;

	if (ck == NULL || !ck->active)
		return;
	h = ck->eng->history;
	k = ck->nring < last ? ck->nring : last;
	/* Newest first: the one that decided comes on top. */
	for (i = 0; i < k; i++) {
		r = &ck->ring[(ck->head + h - 1 - i) % h];
		if (out->len > 0)
			buf_putc(out, '\n');
		buf_printf(out, "%s %s %s:%u%s: %s", checkspec_kind_name(&ck->spec),
		    checkspec_target_name(ck->target.how), ck->target.host,
		    ck->target.port, ck->spec.path != NULL ? ck->spec.path : "",
		    probe_class_name(r->cls));
		if (r->msg[0] != '\0')
			buf_printf(out, " (%s)", r->msg);
	}
}

void
probe_health_json(void *engine, const struct inv_container *c, cJSON *h)
{
	struct probe_engine	*eng = engine;
	const struct check	*ck = probe_find_check(eng, c->d.id);
	enum health_source	 src;
	enum docker_health	 st;

	if (h == NULL || ck == NULL || (!ck->active && ck->error == NULL))
		return;
	put(h, "check", check_json(ck));
	if (!ck->active)
		return;
	st = probe_health_status(eng, c, &src);
	/* Docker's own verdict stays visible next to ours. */
	put(h, "docker_status", cJSON_CreateString(docker_health_name(probe_docker_status(c))));
	put(h, "status", cJSON_CreateString(docker_health_name(st)));
	put(h, "source", cJSON_CreateString(health_source_name(src)));
	put(h, "failing_streak", cJSON_CreateNumber(ck->health.fail_streak));
	put(h, "ok_streak", cJSON_CreateNumber(ck->health.ok_streak));
	put(h, "last_results", results_json(ck));
}

int
probe_check_view(struct probe_engine *eng, const struct inv_container *c,
    struct probe_check_view *v)
{
	const struct check	*ck = probe_find_check(eng, c->d.id);
	size_t			 h = eng->history;

	memset(v, 0, sizeof(*v));
	v->status = probe_health_status(eng, c, &v->source);
	if (ck == NULL || (!ck->active && ck->error == NULL))
		return -1;
	if (!ck->active) {
		v->state = "refused";
		v->error = ck->error;
		return 0;
	}
	v->state = ck->paused ? "paused" : "active";
	v->kind = checkspec_kind_name(&ck->spec);
	v->path = ck->spec.kind == CHECKSPEC_HTTP ? ck->spec.path : NULL;
	target_text(ck, v->target, sizeof(v->target));
	v->fail_streak = ck->health.fail_streak;
	v->ok_streak = ck->health.ok_streak;
	if (ck->nring > 0) {
		v->have_last = 1;
		v->last = ck->ring[(ck->head + h - 1) % h];
	}
	return 0;
}
