/*
 * notify_view: what the webhooks show: the JSON document of one event
 * (times in RFC 3339 with microseconds, as the whole API writes them) and
 * the delivery metric families. Pure: values in, text out.
 */
#include "remedy/notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/json.h"

int
notify_document(const struct notify_doc *d, struct buf *out)
{
	cJSON	*o, *c, *b;

	if ((o = cJSON_CreateObject()) == NULL) {
		out->oom = 1;
		return -1;
	}
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "event", notify_event_name(d->event));
	json_add_time(o, "time", d->time);
	json_add_str(o, "host", d->host);
	if ((c = cJSON_AddObjectToObject(o, "container")) != NULL) {
		json_add_str(c, "id", d->id);
		json_add_str(c, "name", d->name);
		json_add_str(c, "image", d->image);
	}
	json_add_str(o, "action", d->action);
	json_add_str(o, "trigger", d->trigger);
	json_add_str(o, "result", d->result);
	json_add_str(o, "error", d->error);
	json_add_str(o, "reason", d->reason);
	cJSON_AddNumberToObject(o, "attempt", d->attempt);
	if ((b = cJSON_AddObjectToObject(o, "budget")) != NULL) {
		cJSON_AddNumberToObject(b, "max", d->budget_max);
		cJSON_AddNumberToObject(b, "used", d->budget_used);
		cJSON_AddNumberToObject(b, "window_seconds", d->window);
	}
	json_add_time(o, "next_allowed", d->next_allowed);
	cJSON_AddBoolToObject(o, "dry_run", d->dry_run);
	if (d->health != NULL)
		cJSON_AddItemToObject(o, "health",
		    cJSON_Duplicate(d->health, 1));
	else
		cJSON_AddNullToObject(o, "health");
	return json_emit(o, out);
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
	metrics_family(w, "hale_notify_log_tails_total", METRICS_COUNTER,
	    "Containers' last log lines asked of Docker for events, by result: "
	    "ok, error (delivered without), timeout (delivered without).");
	metrics_sample_u64(w, "hale_notify_log_tails_total", "result=\"ok\"",
	    NULL, st->tails_ok);
	metrics_sample_u64(w, "hale_notify_log_tails_total",
	    "result=\"error\"", NULL, st->tails_error);
	metrics_sample_u64(w, "hale_notify_log_tails_total",
	    "result=\"timeout\"", NULL, st->tails_timeout);
}
