/*
 * remedy_act: carrying out what remedy_decide() said, on the loop, and
 * what follows from the result:
 *
 *	timer_cb (todo) ─► remedy_act_execute ─┬► dry run / notify ─► finish
 *	                                      ├► docker_container_ctl (async)
 *	                                      │    └► ctl_done ─► classify ─► finish
 *	                                      └► not sent ─► not_sent (retried later)
 *	finish ─► remedy_exec_evaluate (RESULT) ─► send_doc (webhook)
 *	       └► restart ok or dry run: cascade ─► dependents (DEPENDENCY)
 *
 * A result is a timeout when no HTTP answer came and curl says it timed
 * out: the Docker client allows the grace period plus a margin. Every
 * Docker answer is booked on the container's history (the last
 * REMEDY_HISTORY attempts) and counters, unless the container is gone by
 * then: its ticket then finds nobody home.
 */
#include "remedy/remedy_exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "check/probe.h"
#include "remedy/events.h"

/* ---- history ---------------------------------------------------------- */

/* A new slot, the oldest dropped when full; NULL when memory ran out. */
static struct remedy_attempt *
hist_push(struct rx_ctr *c)
{
	if (c->hist == NULL &&
	    (c->hist = calloc(REMEDY_HISTORY, sizeof(*c->hist))) == NULL)
		return NULL;
	if (c->nhist == REMEDY_HISTORY) {
		memmove(&c->hist[0], &c->hist[1],
		    sizeof(c->hist[0]) * (REMEDY_HISTORY - 1));
		c->nhist--;
	}
	memset(&c->hist[c->nhist], 0, sizeof(c->hist[0]));
	return &c->hist[c->nhist++];
}

/* The newest attempt, if it still waits for its result. */
static struct remedy_attempt *
hist_pending(struct rx_ctr *c)
{
	if (c->nhist > 0 && c->hist[c->nhist - 1].pending)
		return &c->hist[c->nhist - 1];
	return NULL;
}

/* ---- logs and webhooks ------------------------------------------------- */

/* Actions, give-ups, recoveries and resets also go to the event ring. */
static void
record_event(struct rx_ctr *c, const struct inv_container *ic, unsigned event,
    const struct remedy_attempt *a)
{
	const char	*action, *result;
	enum event_kind	 kind;

	if (c->rx->events == NULL)
		return;
	switch (event) {
	case NOTIFY_EV_ACTION:
		kind = EVENT_REMEDIATED;
		break;
	case NOTIFY_EV_GAVE_UP:
		kind = EVENT_GAVE_UP;
		break;
	case NOTIFY_EV_RECOVERED:
		kind = EVENT_RECOVERED;
		break;
	case NOTIFY_EV_RESET:
		kind = EVENT_RESET;
		break;
	default:
		return;
	}
	action = remedy_action_name(a != NULL ? a->action : c->pol->action);
	result = a != NULL && !a->pending ? remedy_result_name(a->result) : NULL;
	events_remedy(c->rx->events, kind, ic, c->id, action, result,
	    remedy_exec_wall_now());
}

static void
send_doc(struct rx_ctr *c, unsigned event, const struct remedy_attempt *a,
    const char *reason, int dry_run)
{
	struct remedy_exec	*rx = c->rx;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct notify_doc	 d;
	struct buf		 b;
	cJSON			*health;
	double			 now = clock_mono(), next;

	record_event(c, ic, event, a);
	if (rx->notify == NULL || notify_webhooks(rx->notify) == 0)
		return;
	memset(&d, 0, sizeof(d));
	d.event = event;
	d.time = remedy_exec_wall_now();
	d.host = rx->host;
	d.id = c->id;
	d.name = ic != NULL ? ic->d.name : NULL;
	d.image = ic != NULL ? ic->d.image : NULL;
	d.action = remedy_action_name(a != NULL ? a->action : c->pol->action);
	d.reason = reason;
	d.dry_run = dry_run;
	if (a != NULL) {
		d.trigger = a->dependent ? "dependency" : "unhealthy";
		d.result = a->pending ? NULL : remedy_result_name(a->result);
		d.error = a->error[0] != '\0' ? a->error : NULL;
		d.attempt = a->attempt;
	} else
		d.attempt = c->st->attempts;
	d.budget_max = c->pol->max;
	d.budget_used = remedy_window_used(c->st, c->pol, now);
	d.window = c->pol->window;
	next = remedy_next_allowed(c->st, now);
	d.next_allowed = next > 0 ? remedy_exec_wall_of(next) : 0;
	health = remedy_view_health(c->st->health, remedy_exec_hale_check(c, ic),
	    ic != NULL ? &ic->d : NULL);
	if (health != NULL && rx->probe != NULL && ic != NULL)
		probe_health_json(rx->probe, ic, health);
	d.health = health;
	buf_init(&b);
	if (notify_document(&d, &b) == 0)
		notify_send(rx->notify, event, b.data, b.len);
	buf_free(&b);
	cJSON_Delete(health);
}

void
remedy_act_report(struct rx_ctr *c, const struct remedy_decision *d)
{
	struct inv_container	*ic = inventory_get(c->rx->inv, c->id);
	const char		*name = remedy_exec_name(ic, c);

	if (d->events & REMEDY_EV_GAVE_UP) {
		c->give_ups++;
		log_warn("giving up on container: restart budget spent",
		    LOG_S("name", name), LOG_S("id", c->id),
		    LOG_U("actions", c->st->nwindow), LOG_U("max", c->pol->max),
		    LOG_F("window_seconds", c->pol->window),
		    LOG_I("dry_run", d->dry_run));
		send_doc(c, NOTIFY_EV_GAVE_UP, NULL, d->reason, d->dry_run);
	}
	if (d->events & REMEDY_EV_RECOVERED) {
		log_info("container healthy again: remediation resumes",
		    LOG_S("name", name), LOG_S("id", c->id),
		    LOG_F("healthy_for_seconds", c->pol->reset_after));
		send_doc(c, NOTIFY_EV_RECOVERED, NULL,
		    "healthy for reset_after", d->dry_run);
	}
	if (d->events & REMEDY_EV_RESET) {
		log_info("remediation reset by an operator",
		    LOG_S("name", name), LOG_S("id", c->id));
		send_doc(c, NOTIFY_EV_RESET, NULL, "operator reset", d->dry_run);
	}
	if (d->events & REMEDY_EV_BACKOFF_RESET)
		log_debug("backoff reset after continuous health",
		    LOG_S("name", name), LOG_S("id", c->id));
	if (d->events & REMEDY_EV_HOLD)
		log_info("operator is stopping the container: no remediation",
		    LOG_S("name", name), LOG_S("id", c->id));
}

/* ---- carrying out an action ------------------------------------------ */

static void	cascade(struct rx_ctr *, unsigned chain);

static enum remedy_result
classify(int ok, long status, const char *err)
{
	if (ok)
		return REMEDY_RESULT_OK;
	/* No HTTP answer and curl said so: the grace period plus margin ran out. */
	if (status == 0 && err != NULL &&
	    (strstr(err, "timed out") != NULL || strstr(err, "Timeout") != NULL))
		return REMEDY_RESULT_TIMEOUT;
	return REMEDY_RESULT_FAILED;
}

static void
finish(struct rx_ctr *c, struct remedy_attempt *a, enum remedy_result r,
    const char *err, double started, unsigned chain)
{
	struct inv_container	*ic = inventory_get(c->rx->inv, c->id);
	struct remedy_input	 in;

	if (a != NULL) {
		a->pending = 0;
		a->result = r;
		a->duration = clock_mono() - started;
		snprintf(a->error, sizeof(a->error), "%s", err != NULL ? err : "");
	}
	if (c->counts == NULL)
		c->counts = calloc(REMEDY_ACTION_COUNT, sizeof(*c->counts));
	if (c->counts != NULL)	/* else the metric misses it, the log not */
		c->counts[a != NULL ? a->action : c->pol->action][r]++;
	if (r == REMEDY_RESULT_OK || r == REMEDY_RESULT_DRY_RUN)
		log_info(r == REMEDY_RESULT_DRY_RUN ? "dry-run: action not taken" :
		    "remediation action done", LOG_S("name", remedy_exec_name(ic, c)),
		    LOG_S("id", c->id),
		    LOG_S("action", remedy_action_name(a != NULL ? a->action :
		    c->pol->action)),
		    LOG_S("trigger", a != NULL && a->dependent ? "dependency" :
		    "unhealthy"),
		    LOG_U("attempt", a != NULL ? a->attempt : 0),
		    LOG_F("duration_seconds", a != NULL ? a->duration : 0));
	else
		log_warn("remediation action failed", LOG_S("name", remedy_exec_name(ic, c)),
		    LOG_S("id", c->id),
		    LOG_S("action", remedy_action_name(a != NULL ? a->action :
		    c->pol->action)),
		    LOG_S("result", remedy_result_name(r)),
		    LOG_S("err", err != NULL ? err : ""),
		    LOG_F("duration_seconds", a != NULL ? a->duration : 0));
	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_RESULT;
	in.result = r;
	remedy_exec_evaluate(c, &in);
	/* After the result is booked, so the document has the next allowed time. */
	send_doc(c, NOTIFY_EV_ACTION, a, a != NULL && a->dependent ?
	    "the container it depends on was restarted" : "unhealthy",
	    r == REMEDY_RESULT_DRY_RUN);
	if ((r == REMEDY_RESULT_OK || r == REMEDY_RESULT_DRY_RUN) && a != NULL &&
	    a->action == REMEDY_ACTION_RESTART)
		cascade(c, chain);
}

static void
ctl_done(void *arg, int ok, long status, const char *err)
{
	struct rx_ticket	*t = arg;
	struct rx_ctr	*c = t->c;

	TAILQ_REMOVE(&t->rx->tickets, t, entry);
	if (c != NULL) {
		c->ticket = NULL;
		finish(c, hist_pending(c), classify(ok, status, err),
		    ok ? NULL : err, t->started, t->chain);
	}
	free(t);
}

static enum docker_ctl
ctl_of(enum remedy_action a)
{
	switch (a) {
	case REMEDY_ACTION_STOP:
		return DOCKER_CTL_STOP;
	case REMEDY_ACTION_KILL:
		return DOCKER_CTL_KILL;
	case REMEDY_ACTION_RESTART:
	case REMEDY_ACTION_NOTIFY:
	case REMEDY_ACTION_COUNT:
		break;
	}
	return DOCKER_CTL_RESTART;
}

static void
not_sent(struct rx_ctr *c, const char *err)
{
	struct remedy_input	 in;
	struct remedy_attempt		*a;

	c->rx->not_sent++;
	/* Once per outage, not every retry. */
	if (c->not_sent++ == 0)
		log_warn("remediation action could not be sent, retrying",
		    LOG_S("id", c->id), LOG_S("err", err));
	else
		log_debug("remediation action could not be sent, retrying",
		    LOG_S("id", c->id), LOG_S("err", err),
		    LOG_U("tries", c->not_sent));
	/* It never happened: forget the attempt as the decision does. */
	if ((a = hist_pending(c)) != NULL)
		c->nhist--;
	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_NOT_SENT;
	remedy_exec_evaluate(c, &in);
}

void
remedy_act_execute(struct rx_ctr *c)
{
	struct remedy_exec	*rx = c->rx;
	struct remedy_decision	 d = c->todo_d;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct remedy_attempt		*a;
	struct rx_ticket		*t;
	char			 sig[8], err[256];
	double			 started = clock_mono();

	c->todo = 0;
	if ((a = hist_push(c)) == NULL) {
		not_sent(c, "out of memory");
		return;
	}
	a->at = remedy_exec_wall_now();
	a->action = d.action;
	a->dependent = d.dependent;
	a->attempt = d.attempt;
	a->pending = 1;
	log_info(d.dry_run ? "dry-run: would act on container" :
	    "acting on container", LOG_S("name", remedy_exec_name(ic, c)),
	    LOG_S("id", c->id), LOG_S("action", remedy_action_name(d.action)),
	    LOG_S("reason", d.reason), LOG_U("attempt", d.attempt),
	    LOG_I("stop_timeout", c->pol->stop_timeout));
	if (d.dry_run) {
		finish(c, a, REMEDY_RESULT_DRY_RUN, NULL, started, c->todo_chain);
		return;
	}
	if (d.action == REMEDY_ACTION_NOTIFY) {
		finish(c, a, REMEDY_RESULT_OK, NULL, started, c->todo_chain);
		return;
	}
	if (rx->docker == NULL) {
		not_sent(c, "no docker client");
		return;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		not_sent(c, "out of memory");
		return;
	}
	t->rx = rx;
	t->c = c;
	t->action = d.action;
	t->dependent = d.dependent;
	t->chain = c->todo_chain;
	t->attempt = d.attempt;
	t->started = started;
	snprintf(sig, sizeof(sig), "%d", c->pol->kill_signal);
	if (docker_container_ctl(rx->docker, c->id, ctl_of(d.action),
	    c->pol->stop_timeout, d.action == REMEDY_ACTION_KILL ? sig : NULL,
	    ctl_done, t, err, sizeof(err)) == -1) {
		free(t);
		not_sent(c, err);
		return;
	}
	TAILQ_INSERT_TAIL(&rx->tickets, t, entry);
	c->ticket = t;
	c->not_sent = 0;
}

/* Restarts what shares the restarted container's network or depends on it. */
static void
cascade(struct rx_ctr *parent, unsigned chain)
{
	struct remedy_exec	*rx = parent->rx;
	struct inv_container	*pic = inventory_get(rx->inv, parent->id), *x;
	struct rx_ctr		*c;
	struct remedy_input	 in;

	for (x = inventory_first(rx->inv); x != NULL; x = inventory_next(x)) {
		if (strcmp(x->d.id, parent->id) == 0 ||
		    (c = remedy_exec_ctr(rx, x->d.id)) == NULL || c->chain == chain)
			continue;
		if (!remedy_is_dependent(x->d.network_mode, c->pol, parent->id,
		    pic != NULL ? pic->d.name : NULL))
			continue;
		c->chain = chain;
		c->todo_chain = chain;
		memset(&in, 0, sizeof(in));
		in.kind = REMEDY_IN_DEPENDENCY;
		remedy_exec_evaluate(c, &in);
		if (!c->todo)
			log_info("dependent container not restarted",
			    LOG_S("name", remedy_exec_name(x, c)), LOG_S("parent",
			    remedy_exec_name(pic, parent)), LOG_S("reason",
			    c->last_reason != NULL ? c->last_reason : ""));
		else
			log_info("restarting dependent container",
			    LOG_S("name", remedy_exec_name(x, c)), LOG_S("parent",
			    remedy_exec_name(pic, parent)));
	}
}
