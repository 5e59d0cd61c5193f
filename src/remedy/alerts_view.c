/*
 * alerts_view: the POST body Alertmanager's API v2 takes (a JSON array of
 * {"labels", "annotations", "startsAt", "endsAt"}) and the delivery
 * metric families. Label and annotation values are strings; values not
 * known are left out.
 */
#include "remedy/alerts.h"

#include <stdio.h>

#include "core/json.h"
#include "remedy/alerts_int.h"

static void
add_label(cJSON *o, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		cJSON_AddStringToObject(o, key, v);
}

static void
add_int(cJSON *o, const char *key, double v)
{
	char	 s[32];

	if (v < 0)
		return;
	snprintf(s, sizeof(s), "%.15g", v);
	cJSON_AddStringToObject(o, key, s);
}

static void
add_bool(cJSON *o, const char *key, int v)
{
	if (v >= 0)
		cJSON_AddStringToObject(o, key, v ? "true" : "false");
}

static cJSON *
alert_json(const struct alert *a, double now, uint64_t resend_ms)
{
	const struct event	*ev = &a->ev;
	cJSON			*o, *l, *n;
	double			 ends;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	l = cJSON_AddObjectToObject(o, "labels");
	add_label(l, "alertname", a->alertname);
	add_label(l, "name", ev->name[0] != '\0' ? ev->name : ev->id);
	add_label(l, "image", ev->image);
	add_label(l, "compose_project", ev->project);
	add_label(l, "compose_service", ev->service);
	add_label(l, "instance", a->host);
	add_label(l, "severity", a->severity);
	n = cJSON_AddObjectToObject(o, "annotations");
	add_label(n, "summary", a->summary);
	add_label(n, "container_id", ev->id);
	add_int(n, "exit_code", ev->exit_code);
	add_bool(n, "oom_killed", ev->oom_killed);
	add_int(n, "run_seconds", ev->run_seconds);
	add_bool(n, "will_restart", ev->will_restart);
	add_int(n, "oom_kills", (double)ev->oom_kills);
	add_int(n, "memory_limit_bytes", (double)ev->mem_limit);
	add_int(n, "memory_usage_bytes", (double)ev->mem_usage);
	add_int(n, "restart_count", ev->restart_count);
	add_int(n, "restarts", ev->restarts);
	add_int(n, "window_seconds", ev->window);
	add_label(n, "source", ev->source);
	add_label(n, "health_output", ev->health_output);
	add_label(n, "checks", ev->checks);
	json_add_time(o, "startsAt", a->starts);
	if (a->resolved > 0)
		ends = a->resolved;
	else if (a->held)
		ends = a->ends;
	else
		ends = now + 4.0 * (double)resend_ms / 1000;
	json_add_time(o, "endsAt", ends);
	return o;
}

int
alerts_json(const struct alerts *t, double now, uint64_t resend_ms,
    struct buf *out)
{
	cJSON	*arr, *o;
	size_t	 i;

	if ((arr = cJSON_CreateArray()) == NULL) {
		out->oom = 1;
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		if ((o = alert_json(&t->a[i], now, resend_ms)) == NULL) {
			cJSON_Delete(arr);
			out->oom = 1;
			return -1;
		}
		cJSON_AddItemToArray(arr, o);
	}
	return json_emit(arr, out);
}

void
alertmgr_write_metrics(const struct alertmgr *m, struct metrics_writer *w)
{
	struct alertmgr_stats	 st;

	alertmgr_get_stats(m, &st);
	metrics_family(w, "hale_alertmanager_posts_total", METRICS_COUNTER,
	    "POSTs of the alert list to the Alertmanagers, by result.");
	metrics_sample_u64(w, "hale_alertmanager_posts_total", NULL,
	    "result=\"ok\"", st.ok);
	metrics_sample_u64(w, "hale_alertmanager_posts_total", NULL,
	    "result=\"failed\"", st.failed);
	metrics_family(w, "hale_alerts_firing", METRICS_GAUGE,
	    "Alerts hale has firing at the Alertmanagers.");
	metrics_sample_u64(w, "hale_alerts_firing", NULL, NULL,
	    (uint64_t)st.firing);
}
