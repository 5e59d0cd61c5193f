/*
 * alerts: the table of alerts for Alertmanager (see alerts.h for the
 * flow; the POST body is written in alerts_view.c). Pure: events and
 * times in, the table out.
 *
 * An alert is one container and one alertname. Its labels and
 * annotations are taken from the event that last fired it.
 */
#include "remedy/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remedy/alerts_int.h"
#include "remedy/notify.h"

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

	if (ev->kind == EVENT_RECOVERED || ev->kind == EVENT_RESET)
		return resolve(t, ev->id, "HaleRemediationGaveUp", now);
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
