/*
 * notify_view: what the webhooks show: the JSON document of one event
 * (times in RFC 3339 with microseconds, as the whole API writes them) and
 * the delivery metric families. Pure: values in, text out.
 */
#include "remedy/notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/timefmt.h"

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
add_time(cJSON *o, const char *k, double t)
{
	char	 s[TIMEFMT_MAX];

	add_str(o, k, timefmt_rfc3339(t, TIMEFMT_API, s, sizeof(s)) == 0 ?
	    s : NULL);
}

int
notify_document(const struct notify_doc *d, struct buf *out)
{
	cJSON	*o, *c, *b;
	char	*s;

	if ((o = cJSON_CreateObject()) == NULL) {
		out->oom = 1;
		return -1;
	}
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "event", notify_event_name(d->event));
	add_time(o, "time", d->time);
	add_str(o, "host", d->host);
	if ((c = cJSON_AddObjectToObject(o, "container")) != NULL) {
		add_str(c, "id", d->id);
		add_str(c, "name", d->name);
		add_str(c, "image", d->image);
	}
	add_str(o, "action", d->action);
	add_str(o, "trigger", d->trigger);
	add_str(o, "result", d->result);
	add_str(o, "error", d->error);
	add_str(o, "reason", d->reason);
	cJSON_AddNumberToObject(o, "attempt", d->attempt);
	if ((b = cJSON_AddObjectToObject(o, "budget")) != NULL) {
		cJSON_AddNumberToObject(b, "max", d->budget_max);
		cJSON_AddNumberToObject(b, "used", d->budget_used);
		cJSON_AddNumberToObject(b, "window_seconds", d->window);
	}
	add_time(o, "next_allowed", d->next_allowed);
	cJSON_AddBoolToObject(o, "dry_run", d->dry_run);
	if (d->health != NULL)
		cJSON_AddItemToObject(o, "health",
		    cJSON_Duplicate(d->health, 1));
	else
		cJSON_AddNullToObject(o, "health");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL) {
		out->oom = 1;
		return -1;
	}
	buf_puts(out, s);
	free(s);
	return out->oom ? -1 : 0;
}

void
notify_view_metrics(struct metrics_writer *w, const struct notify_stats *st)
{
	static const char	*const names[] = { "ok", "retry", "failed", "dropped" };
	uint64_t		 v[4];
	size_t			 i;
	char			 l[32];

	v[0] = st->ok;
	v[1] = st->retry;
	v[2] = st->failed;
	v[3] = st->dropped;
	metrics_family(w, "hale_webhook_deliveries_total", METRICS_COUNTER,
	    "Webhook delivery attempts by result: ok, retry (a try failed, "
	    "another follows), failed (last try failed), dropped (queue full).");
	for (i = 0; i < 4; i++) {
		snprintf(l, sizeof(l), "result=\"%s\"", names[i]);
		metrics_sample_u64(w, "hale_webhook_deliveries_total", l, NULL,
		    v[i]);
	}
	metrics_family(w, "hale_webhook_queue_length", METRICS_GAUGE,
	    "Webhook documents waiting for delivery or in flight.");
	metrics_sample_u64(w, "hale_webhook_queue_length", NULL, NULL,
	    (uint64_t)st->queued);
}
