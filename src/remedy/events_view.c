/*
 * events_view: an event as JSON, the GET /api/v1/events document and the
 * event metric families. Context fields that are not known are left out.
 */
#include "remedy/events.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/timefmt.h"

static int
add_text(cJSON *o, const char *key, const char *s)
{
	if (s[0] == '\0')
		return 0;
	return cJSON_AddStringToObject(o, key, s) != NULL ? 0 : -1;
}

static int
add_num(cJSON *o, const char *key, double v)
{
	if (v < 0)
		return 0;
	return cJSON_AddNumberToObject(o, key, v) != NULL ? 0 : -1;
}

static int
add_bool(cJSON *o, const char *key, int v)
{
	if (v < 0)
		return 0;
	return cJSON_AddBoolToObject(o, key, v) != NULL ? 0 : -1;
}

static cJSON *
container_json(const struct event *ev)
{
	cJSON	*c;

	if ((c = cJSON_CreateObject()) == NULL)
		return NULL;
	if (add_text(c, "id", ev->id) == -1 ||
	    add_text(c, "name", ev->name) == -1 ||
	    add_text(c, "image", ev->image) == -1 ||
	    add_text(c, "compose_project", ev->project) == -1 ||
	    add_text(c, "compose_service", ev->service) == -1) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

cJSON *
event_json(const struct event *ev)
{
	cJSON	*o, *c;
	char	 t[40];

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	timefmt_rfc3339(ev->time, 6, t, sizeof(t));
	if (cJSON_AddStringToObject(o, "kind", event_kind_name(ev->kind)) == NULL ||
	    cJSON_AddStringToObject(o, "time", t) == NULL ||
	    (c = container_json(ev)) == NULL)
		goto fail;
	cJSON_AddItemToObject(o, "container", c);
	if (add_num(o, "exit_code", ev->exit_code) == -1 ||
	    add_bool(o, "oom_killed", ev->oom_killed) == -1 ||
	    add_num(o, "run_seconds", ev->run_seconds) == -1 ||
	    add_bool(o, "will_restart", ev->will_restart) == -1 ||
	    add_num(o, "oom_kills", (double)ev->oom_kills) == -1 ||
	    add_num(o, "memory_limit_bytes", (double)ev->mem_limit) == -1 ||
	    add_num(o, "memory_usage_bytes", (double)ev->mem_usage) == -1 ||
	    add_num(o, "restart_count", ev->restart_count) == -1 ||
	    add_num(o, "restarts", ev->restarts) == -1 ||
	    add_num(o, "window_seconds", ev->window) == -1 ||
	    add_text(o, "source", ev->source) == -1 ||
	    add_text(o, "action", ev->action) == -1 ||
	    add_text(o, "result", ev->result) == -1 ||
	    add_text(o, "health_output", ev->health_output) == -1 ||
	    add_text(o, "checks", ev->checks) == -1)
		goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

/* Full id, id prefix, or name (with or without Docker's leading '/'). */
static int
matches(const struct event *ev, const char *ref)
{
	if (*ref == '/')
		ref++;
	if (*ref == '\0')
		return 0;
	return strcmp(ev->name, ref) == 0 ||
	    strncmp(ev->id, ref, strlen(ref)) == 0;
}

int
events_json(const struct events *e, const char *container, const char *kind,
    struct buf *out)
{
	const struct event	*ev;
	cJSON			*root, *arr, *o;
	size_t			 i;
	int			 k = kind != NULL ? event_kind_parse(kind) : -1;

	if ((root = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(root, "events")) == NULL)
		goto fail;
	for (i = 0; (ev = events_at(e, i)) != NULL; i++) {
		if ((kind != NULL && (int)ev->kind != k) ||
		    (container != NULL && !matches(ev, container)))
			continue;
		if ((o = event_json(ev)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
	}
	/* Valid UTF-8 whatever the names hold. */
	return json_emit(root, out);
fail:
	cJSON_Delete(root);
	return -1;
}

static void
by_kind(struct metrics_writer *w, const char *name, const char *help,
    const uint64_t *v)
{
	char	 extra[48];
	int	 k;

	metrics_family(w, name, METRICS_COUNTER, help);
	for (k = 0; k < EVENT_KIND_COUNT; k++) {
		snprintf(extra, sizeof(extra), "kind=\"%s\"", event_kind_name(k));
		metrics_sample_u64(w, name, NULL, extra, v[k]);
	}
}

void
events_write_metrics(const struct events *e, struct inventory *inv,
    struct metrics_writer *w)
{
	struct events_stats	 st;
	struct inv_container	*c;
	struct buf		 l;

	events_get_stats(e, &st);
	by_kind(w, "hale_events_total",
	    "Events recorded, by kind (GET /api/v1/events shows the recent ones).",
	    st.recorded);
	by_kind(w, "hale_events_suppressed_total",
	    "Events not recorded because one of the same kind for the same "
	    "container was within events.rate_limit.", st.suppressed);
	if (inv == NULL)
		return;
	metrics_family(w, "hale_docker_restarts_total", METRICS_COUNTER,
	    "Restarts of a container by Docker's restart policy that hale saw "
	    "(not the ones an operator or hale asked for).");
	buf_init(&l);
	for (c = inventory_first(inv); c != NULL; c = inventory_next(c)) {
		/*
		 * Alive under Docker's supervision only: a restart loop is
		 * running or restarting between its starts, and a container
		 * that stopped for good leaves /metrics as its cgroup
		 * families do.
		 */
		if (c->d.state != DOCKER_STATE_RUNNING &&
		    c->d.state != DOCKER_STATE_RESTARTING &&
		    c->d.state != DOCKER_STATE_PAUSED)
			continue;
		buf_reset(&l);
		metrics_label(&l, "name", c->d.name != NULL ? c->d.name : "");
		metrics_sample_u64(w, "hale_docker_restarts_total", l.data, NULL,
		    events_docker_restarts(e, c->d.id));
	}
	buf_free(&l);
}
