/*
 * alerts: the table of alerts for Alertmanager and its POST body (see
 * alerts.h for the flow). Pure: events and times in, JSON out.
 *
 * An alert is one container and one alertname. Its labels and
 * annotations are taken from the event that last fired it.
 */
#include "remedy/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "remedy/notify.h"

#define TEXT_MAX	512

struct alert {
	const char	*alertname;	/* static */
	const char	*severity;	/* static */
	int		 held;		/* ends `hold` after the last event */
	struct event	 ev;		/* the last one that fired it */
	char		 host[256];
	char		 summary[TEXT_MAX];
	double		 starts;
	double		 ends;		/* held: the end of the hold */
	double		 resolved;	/* 0: firing */
};

struct alerts {
	struct alert	*a;
	size_t		 n;
	size_t		 cap;
};

static const struct {
	enum event_kind	 kind;
	const char	*alertname;
	const char	*severity;
	int		 held;
} rules[] = {
	{ EVENT_UNHEALTHY, "HaleContainerUnhealthy", "warning", 0 },
	{ EVENT_GAVE_UP, "HaleRemediationGaveUp", "critical", 0 },
	{ EVENT_OOM, "HaleContainerOOMKilled", "critical", 1 },
	{ EVENT_EXIT, "HaleContainerExited", "warning", 1 },
	{ EVENT_RESTART_LOOP, "HaleContainerRestartLoop", "critical", 1 },
};
#define NRULES	(sizeof(rules) / sizeof(rules[0]))

struct alerts *
alerts_new(void)
{
	return calloc(1, sizeof(struct alerts));
}

void
alerts_free(struct alerts *t)
{
	if (t == NULL)
		return;
	free(t->a);
	free(t);
}

static struct alert *
find(struct alerts *t, const char *id, const char *alertname)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->a[i].ev.id, id) == 0 &&
		    strcmp(t->a[i].alertname, alertname) == 0)
			return &t->a[i];
	return NULL;
}

static struct alert *
add(struct alerts *t)
{
	struct alert	*a;
	size_t		 cap;

	if (t->n == ALERTS_MAX)
		return NULL;
	if (t->n == t->cap) {
		cap = t->cap > 0 ? t->cap * 2 : 16;
		if ((a = realloc(t->a, cap * sizeof(*a))) == NULL)
			return NULL;
		t->a = a;
		t->cap = cap;
	}
	a = &t->a[t->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

static int
fire(struct alerts *t, size_t r, const struct event *ev, const char *host,
    double now, uint64_t hold_ms)
{
	struct alert	*a = find(t, ev->id, rules[r].alertname);
	struct buf	 b;

	if (a == NULL) {
		if ((a = add(t)) == NULL)
			return 0;
		a->alertname = rules[r].alertname;
		a->severity = rules[r].severity;
		a->held = rules[r].held;
	}
	if (a->resolved > 0 || a->starts == 0)
		a->starts = ev->time > 0 ? ev->time : now;
	a->resolved = 0;
	a->ev = *ev;
	snprintf(a->host, sizeof(a->host), "%s", host != NULL ? host : "");
	a->ends = a->held ? now + (double)hold_ms / 1000 : 0;
	buf_init(&b);
	notify_event_text(ev, host, &b);
	/* Without the "[hale] " of chat lines: Alertmanager names the sender. */
	snprintf(a->summary, sizeof(a->summary), "%s",
	    b.len > 7 ? b.data + 7 : "");
	buf_free(&b);
	return 1;
}

static int
resolve(struct alerts *t, const char *id, const char *alertname, double now)
{
	struct alert	*a = find(t, id, alertname);

	if (a == NULL || a->resolved > 0)
		return 0;
	a->resolved = now;
	return 1;
}

int
alerts_observe(struct alerts *t, const struct event *ev, const char *host,
    double now, uint64_t hold_ms)
{
	size_t	 r;

	if (ev->kind == EVENT_HEALTHY)
		return resolve(t, ev->id, "HaleContainerUnhealthy", now) |
		    resolve(t, ev->id, "HaleRemediationGaveUp", now);
	for (r = 0; r < NRULES; r++)
		if (rules[r].kind == ev->kind)
			return fire(t, r, ev, host, now, hold_ms);
	return 0;
}

int
alerts_forget(struct alerts *t, const char *id, double now)
{
	size_t	 i;
	int	 changed = 0;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->a[i].ev.id, id) == 0 && t->a[i].resolved == 0) {
			t->a[i].resolved = now;
			changed = 1;
		}
	return changed;
}

int
alerts_tick(struct alerts *t, double now, uint64_t resend_ms)
{
	double	 keep = 4.0 * (double)resend_ms / 1000;
	size_t	 i;
	int	 changed = 0;

	for (i = 0; i < t->n;) {
		struct alert *a = &t->a[i];

		if (a->resolved == 0 && a->held && now >= a->ends) {
			a->resolved = a->ends;
			changed = 1;
		}
		if (a->resolved > 0 && now - a->resolved > keep) {
			t->a[i] = t->a[--t->n];
			changed = 1;
			continue;
		}
		i++;
	}
	return changed;
}

size_t
alerts_firing(const struct alerts *t)
{
	size_t	 i, n = 0;

	for (i = 0; i < t->n; i++)
		if (t->a[i].resolved == 0)
			n++;
	return n;
}

/* ---- the POST body ------------------------------------------------------ */

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
