/*
 * remedy_exec: the executor (callback chain in remedy_exec.h).
 *
 * Inputs run remedy_decide() at once, so their order is kept, but a
 * verdict to act is only stored ("todo") and carried out from the
 * container's ev_timer at 0 s: inputs may arrive inside libcurl's write
 * callback (the events stream), where no transfer may be started. The
 * action is counted by the decision itself, so a second input before the
 * timer fires finds it in flight and does not act twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "cgroup/procpid.h"
#include "core/clock.h"
#include "core/log.h"
#include "check/probe.h"
#include "remedy/remedy_exec.h"

#define API_PREFIX	"/api/v1/containers/"
#define RESET_SUFFIX	"/reset"

struct attempt {
	double			 at;		/* wall clock */
	double			 duration;
	enum remedy_action	 action;
	int			 dependent;
	int			 pending;
	enum remedy_result	 result;
	unsigned		 attempt;
	char			 error[160];
};

struct rx_ctr;

/* One Docker call in flight; outlives its container if need be. */
struct ticket {
	struct remedy_exec	*rx;
	struct rx_ctr		*c;		/* NULL once the container is gone */
	enum remedy_action	 action;
	int			 dependent;
	unsigned		 chain;
	unsigned		 attempt;
	double			 started;	/* monotonic */
	TAILQ_ENTRY(ticket)	 entry;
};

struct rx_ctr {
	char			 id[DOCKER_ID_LEN + 1];
	struct remedy_exec	*rx;
	struct remedy_policy	 pol;
	struct remedy_state	 st;
	char			 logged_error[REMEDY_ERR_MAX];
	int			 is_self;
	ev_timer		 timer;
	double			 wake_at;	/* monotonic; 0 = none */
	int			 todo;		/* a decided action waits for the timer */
	struct remedy_decision	 todo_d;
	unsigned		 todo_chain;
	struct ticket		*ticket;
	enum docker_state	 last_state;
	double			 last_started_at;
	enum docker_health	 docker_seen;
	int			 hale_check;	/* a hale check reported for it */
	unsigned		 not_sent;	/* sends failed in a row */
	unsigned		 chain;		/* last restart chain it took part in */
	const char		*last_reason;	/* last verdict's reason (static) */
	struct attempt		 hist[REMEDY_HISTORY];	/* oldest first */
	unsigned		 nhist;
	uint64_t		 counts[REMEDY_ACTION_COUNT][REMEDY_RESULT_COUNT];
	uint64_t		 give_ups;
	UT_hash_handle		 hh;
};

struct remedy_exec {
	struct ev_loop		*loop;
	struct docker		*docker;
	struct inventory	*inv;
	struct notify		*notify;
	struct probe_engine	*probe;
	const struct config	*cfg;
	int			 dry_run;
	char			 self[DOCKER_ID_LEN + 1];
	char			 host[256];
	struct rx_ctr		*table;
	TAILQ_HEAD(, ticket)	 tickets;
	unsigned		 chain_seq;
	uint64_t		 not_sent;
};

static void	evaluate(struct rx_ctr *, struct remedy_input *);

/* ---- clocks ------------------------------------------------------------ */


static double
wall_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A monotonic instant as wall-clock seconds; 0 stays 0. */
static double
wall_of(double mono)
{
	if (mono <= 0)
		return 0;
	return wall_now() - (clock_mono() - mono);
}

/* ---- small helpers -------------------------------------------------------- */

static const char *
cname(const struct inv_container *ic, const struct rx_ctr *c)
{
	if (ic != NULL && ic->d.name != NULL && *ic->d.name != '\0')
		return ic->d.name;
	return c->id;
}

static enum remedy_health
from_docker(enum docker_health h)
{
	switch (h) {
	case DOCKER_HEALTH_STARTING:
		return REMEDY_HEALTH_STARTING;
	case DOCKER_HEALTH_HEALTHY:
		return REMEDY_HEALTH_HEALTHY;
	case DOCKER_HEALTH_UNHEALTHY:
		return REMEDY_HEALTH_UNHEALTHY;
	case DOCKER_HEALTH_NONE:
		break;
	}
	return REMEDY_HEALTH_NONE;
}

static enum remedy_health
from_status(enum health_status s)
{
	switch (s) {
	case HEALTH_STARTING:
		return REMEDY_HEALTH_STARTING;
	case HEALTH_HEALTHY:
		return REMEDY_HEALTH_HEALTHY;
	case HEALTH_UNHEALTHY:
		return REMEDY_HEALTH_UNHEALTHY;
	case HEALTH_NONE:
	case HEALTH_STATUS_COUNT:
		break;
	}
	return REMEDY_HEALTH_NONE;
}

static struct rx_ctr *
ctr_get(struct remedy_exec *rx, const char *id)
{
	struct rx_ctr	*c = NULL;

	if (!docker_id_valid(id))
		return NULL;
	HASH_FIND(hh, rx->table, id, DOCKER_ID_LEN, c);
	return c;
}

static void	timer_cb(struct ev_loop *, ev_timer *, int);

static struct rx_ctr *
ctr_add(struct remedy_exec *rx, const char *id)
{
	struct rx_ctr	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c->id, id, DOCKER_ID_LEN + 1);
	c->rx = rx;
	remedy_state_init(&c->st);
	ev_timer_init(&c->timer, timer_cb, 0., 0.);
	c->timer.data = c;
	c->last_state = DOCKER_STATE_UNKNOWN;
	c->docker_seen = DOCKER_HEALTH_NONE;
	HASH_ADD(hh, rx->table, id, DOCKER_ID_LEN, c);
	return c;
}

static void
ctr_free(struct remedy_exec *rx, struct rx_ctr *c)
{
	ev_timer_stop(rx->loop, &c->timer);
	if (c->ticket != NULL)
		c->ticket->c = NULL;	/* the answer will find nobody home */
	HASH_DEL(rx->table, c);
	free(c);
}

static int
has_hale_check(struct rx_ctr *c, const struct inv_container *ic)
{
	enum health_source	 src = HEALTH_SOURCE_NONE;

	size_t			 i;

	/* Before the engine's first sync: a hale.check label says it all. */
	for (i = 0; !c->hale_check && ic != NULL && i < ic->d.nlabels; i++)
		if (strcmp(ic->d.labels[i].key, "hale.check") == 0 &&
		    strcmp(ic->d.labels[i].value, "none") != 0)
			c->hale_check = 1;
	/* Sticky: right after a restart the engine may not have resynced yet. */
	if (!c->hale_check && c->rx->probe != NULL && ic != NULL) {
		probe_health_status(c->rx->probe, ic, &src);
		if (src == HEALTH_SOURCE_HALE)
			c->hale_check = 1;
	}
	return c->hale_check;
}

/* ---- history and counters ------------------------------------------------ */

static struct attempt *
hist_push(struct rx_ctr *c)
{
	if (c->nhist == REMEDY_HISTORY) {
		memmove(&c->hist[0], &c->hist[1],
		    sizeof(c->hist[0]) * (REMEDY_HISTORY - 1));
		c->nhist--;
	}
	memset(&c->hist[c->nhist], 0, sizeof(c->hist[0]));
	return &c->hist[c->nhist++];
}

/* The newest attempt, if it still waits for its result. */
static struct attempt *
hist_pending(struct rx_ctr *c)
{
	if (c->nhist > 0 && c->hist[c->nhist - 1].pending)
		return &c->hist[c->nhist - 1];
	return NULL;
}

/* ---- timers ------------------------------------------------------------ */

static void
arm(struct rx_ctr *c)
{
	double	 delay;

	ev_timer_stop(c->rx->loop, &c->timer);
	if (c->todo)
		delay = 0;
	else if (c->wake_at > 0)
		delay = c->wake_at - clock_mono();
	else
		return;
	/* A hair late rather than early: decide() compares with `now`. */
	ev_timer_set(&c->timer, delay > 0 ? delay + 0.001 : 0., 0.);
	ev_timer_start(c->rx->loop, &c->timer);
}

/* ---- notifications ----------------------------------------------------- */

static cJSON *
health_doc(struct rx_ctr *c, const struct inv_container *ic)
{
	cJSON	*h, *arr, *e;
	size_t	 i;
	char	 out[201];

	if ((h = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(h, "status", remedy_health_name(c->st.health));
	cJSON_AddStringToObject(h, "source", has_hale_check(c, ic) ? "hale" :
	    ic != NULL && ic->d.hc.present ? "docker" : "none");
	if (ic != NULL && ic->d.hc.present) {
		cJSON_AddNumberToObject(h, "docker_failing_streak",
		    ic->d.failing_streak);
		arr = cJSON_AddArrayToObject(h, "docker_last_results");
		for (i = 0; arr != NULL && i < ic->d.nlog; i++) {
			if ((e = cJSON_CreateObject()) == NULL)
				break;
			cJSON_AddNumberToObject(e, "exit_code",
			    ic->d.log[i].exit_code);
			snprintf(out, sizeof(out), "%s", ic->d.log[i].output != NULL ?
			    ic->d.log[i].output : "");
			cJSON_AddStringToObject(e, "output", out);
			cJSON_AddItemToArray(arr, e);
		}
	}
	if (c->rx->probe != NULL && ic != NULL)
		probe_health_json(c->rx->probe, ic, h);
	return h;
}

static void
send_doc(struct rx_ctr *c, unsigned event, const struct attempt *a,
    const char *reason, int dry_run)
{
	struct remedy_exec	*rx = c->rx;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct notify_doc	 d;
	struct buf		 b;
	cJSON			*health;
	double			 now = clock_mono(), next;

	if (rx->notify == NULL || notify_webhooks(rx->notify) == 0)
		return;
	memset(&d, 0, sizeof(d));
	d.event = event;
	d.time = wall_now();
	d.host = rx->host;
	d.id = c->id;
	d.name = ic != NULL ? ic->d.name : NULL;
	d.image = ic != NULL ? ic->d.image : NULL;
	d.action = remedy_action_name(a != NULL ? a->action : c->pol.action);
	d.reason = reason;
	d.dry_run = dry_run;
	if (a != NULL) {
		d.trigger = a->dependent ? "dependency" : "unhealthy";
		d.result = a->pending ? NULL : remedy_result_name(a->result);
		d.error = a->error[0] != '\0' ? a->error : NULL;
		d.attempt = a->attempt;
	} else
		d.attempt = c->st.attempts;
	d.budget_max = c->pol.max;
	d.budget_used = remedy_window_used(&c->st, &c->pol, now);
	d.window = c->pol.window;
	next = remedy_next_allowed(&c->st, now);
	d.next_allowed = next > 0 ? wall_of(next) : 0;
	health = health_doc(c, ic);
	d.health = health;
	buf_init(&b);
	if (notify_document(&d, &b) == 0)
		notify_send(rx->notify, event, b.data, b.len);
	buf_free(&b);
	cJSON_Delete(health);
}

/* Logs and announces what a decision says happened. */
static void
report(struct rx_ctr *c, const struct remedy_decision *d)
{
	struct inv_container	*ic = inventory_get(c->rx->inv, c->id);
	const char		*name = cname(ic, c);

	if (d->events & REMEDY_EV_GAVE_UP) {
		c->give_ups++;
		log_warn("giving up on container: restart budget spent",
		    LOG_S("name", name), LOG_S("id", c->id),
		    LOG_U("actions", c->st.nwindow), LOG_U("max", c->pol.max),
		    LOG_F("window_seconds", c->pol.window),
		    LOG_I("dry_run", d->dry_run));
		send_doc(c, NOTIFY_EV_GAVE_UP, NULL, d->reason, d->dry_run);
	}
	if (d->events & REMEDY_EV_RECOVERED) {
		log_info("container healthy again: remediation resumes",
		    LOG_S("name", name), LOG_S("id", c->id),
		    LOG_F("healthy_for_seconds", c->pol.reset_after));
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
finish(struct rx_ctr *c, struct attempt *a, enum remedy_result r,
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
	c->counts[a != NULL ? a->action : c->pol.action][r]++;
	if (r == REMEDY_RESULT_OK || r == REMEDY_RESULT_DRY_RUN)
		log_info(r == REMEDY_RESULT_DRY_RUN ? "dry-run: action not taken" :
		    "remediation action done", LOG_S("name", cname(ic, c)),
		    LOG_S("id", c->id),
		    LOG_S("action", remedy_action_name(a != NULL ? a->action :
		    c->pol.action)),
		    LOG_S("trigger", a != NULL && a->dependent ? "dependency" :
		    "unhealthy"),
		    LOG_U("attempt", a != NULL ? a->attempt : 0),
		    LOG_F("duration_seconds", a != NULL ? a->duration : 0));
	else
		log_warn("remediation action failed", LOG_S("name", cname(ic, c)),
		    LOG_S("id", c->id),
		    LOG_S("action", remedy_action_name(a != NULL ? a->action :
		    c->pol.action)),
		    LOG_S("result", remedy_result_name(r)),
		    LOG_S("err", err != NULL ? err : ""),
		    LOG_F("duration_seconds", a != NULL ? a->duration : 0));
	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_RESULT;
	in.result = r;
	evaluate(c, &in);
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
	struct ticket	*t = arg;
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
	struct attempt		*a;

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
	evaluate(c, &in);
}

static void
execute(struct rx_ctr *c)
{
	struct remedy_exec	*rx = c->rx;
	struct remedy_decision	 d = c->todo_d;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct attempt		*a;
	struct ticket		*t;
	char			 sig[8], err[256];
	double			 started = clock_mono();

	c->todo = 0;
	a = hist_push(c);
	a->at = wall_now();
	a->action = d.action;
	a->dependent = d.dependent;
	a->attempt = d.attempt;
	a->pending = 1;
	log_info(d.dry_run ? "dry-run: would act on container" :
	    "acting on container", LOG_S("name", cname(ic, c)),
	    LOG_S("id", c->id), LOG_S("action", remedy_action_name(d.action)),
	    LOG_S("reason", d.reason), LOG_U("attempt", d.attempt),
	    LOG_I("stop_timeout", c->pol.stop_timeout));
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
	snprintf(sig, sizeof(sig), "%d", c->pol.kill_signal);
	if (docker_container_ctl(rx->docker, c->id, ctl_of(d.action),
	    c->pol.stop_timeout, d.action == REMEDY_ACTION_KILL ? sig : NULL,
	    ctl_done, t, err, sizeof(err)) == -1) {
		free(t);
		not_sent(c, err);
		return;
	}
	TAILQ_INSERT_TAIL(&rx->tickets, t, entry);
	c->ticket = t;
	c->not_sent = 0;
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rx_ctr		*c = w->data;
	struct remedy_input	 in;

	(void)loop;
	(void)revents;
	if (c->todo) {
		execute(c);
		arm(c);
		return;
	}
	c->wake_at = 0;
	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_TICK;
	evaluate(c, &in);
}

/* ---- the decision step ---------------------------------------------------- */

static void
evaluate(struct rx_ctr *c, struct remedy_input *in)
{
	struct remedy_exec	*rx = c->rx;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct remedy_decision	 d;
	double			 now = clock_mono();

	in->state = ic != NULL ? ic->d.state : DOCKER_STATE_UNKNOWN;
	in->is_self = c->is_self;
	in->dry_run = rx->dry_run;
	d = remedy_decide(&c->st, &c->pol, in, now, &c->st);
	if (d.reason != c->last_reason && d.verdict == REMEDY_NONE &&
	    c->pol.valid && c->pol.mode == REMEDY_MODE_ON_UNHEALTHY &&
	    c->st.health == REMEDY_HEALTH_UNHEALTHY)
		log_debug("unhealthy container left alone",
		    LOG_S("name", cname(ic, c)), LOG_S("id", c->id),
		    LOG_S("reason", d.reason));
	c->last_reason = d.reason;
	report(c, &d);
	if (d.verdict == REMEDY_ACT) {
		c->todo = 1;
		c->todo_d = d;
		if (!d.dependent)
			c->chain = c->todo_chain = ++rx->chain_seq;
	}
	c->wake_at = d.wake_at;
	arm(c);
}

static void
feed(struct rx_ctr *c, enum remedy_input_kind kind)
{
	struct remedy_input	 in;

	memset(&in, 0, sizeof(in));
	in.kind = kind;
	evaluate(c, &in);
}

static void
feed_health(struct rx_ctr *c, enum remedy_health h)
{
	struct remedy_input	 in;

	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_HEALTH;
	in.health = h;
	evaluate(c, &in);
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
		    (c = ctr_get(rx, x->d.id)) == NULL || c->chain == chain)
			continue;
		if (!remedy_is_dependent(x->d.network_mode, &c->pol, parent->id,
		    pic != NULL ? pic->d.name : NULL))
			continue;
		c->chain = chain;
		c->todo_chain = chain;
		memset(&in, 0, sizeof(in));
		in.kind = REMEDY_IN_DEPENDENCY;
		evaluate(c, &in);
		if (!c->todo)
			log_info("dependent container not restarted",
			    LOG_S("name", cname(x, c)), LOG_S("parent",
			    cname(pic, parent)), LOG_S("reason",
			    c->last_reason != NULL ? c->last_reason : ""));
		else
			log_info("restarting dependent container",
			    LOG_S("name", cname(x, c)), LOG_S("parent",
			    cname(pic, parent)));
	}
}

/* ---- policies -------------------------------------------------------------- */

static void
build_policy(struct remedy_exec *rx, struct rx_ctr *c,
    const struct inv_container *ic)
{
	remedy_policy_build(&c->pol, rx->cfg != NULL ? rx->cfg->remediation :
	    NULL, ic->d.name, ic->d.image, ic->d.labels, ic->d.nlabels,
	    ic->d.stop_timeout);
	if (!c->pol.valid) {
		if (strcmp(c->logged_error, c->pol.error) != 0) {
			log_warn("remediation disabled for container: invalid policy",
			    LOG_S("name", cname(ic, c)), LOG_S("id", c->id),
			    LOG_S("reason", c->pol.error));
			snprintf(c->logged_error, sizeof(c->logged_error), "%s",
			    c->pol.error);
		}
	} else
		c->logged_error[0] = '\0';
	c->is_self = rx->self[0] != '\0' && strcmp(rx->self, c->id) == 0;
}

/* ---- inputs ------------------------------------------------------------- */

void
remedy_exec_observe(void *arg, struct inv_container *ic, enum inv_change ch)
{
	struct remedy_exec	*rx = arg;
	struct rx_ctr		*c = ctr_get(rx, ic->d.id);
	int			 new_run = 0;

	if (ch == INV_REMOVED) {
		if (c != NULL)
			ctr_free(rx, c);
		return;
	}
	if (c == NULL) {
		if ((c = ctr_add(rx, ic->d.id)) == NULL) {
			log_error("out of memory: container not remediated",
			    LOG_S("id", ic->d.id));
			return;
		}
		ch = INV_ADDED;
	}
	build_policy(rx, c, ic);
	/* A new run: into running from a stop, or a new start time. */
	if (ch == INV_UPDATED && ic->d.state == DOCKER_STATE_RUNNING &&
	    c->last_state != DOCKER_STATE_RUNNING &&
	    c->last_state != DOCKER_STATE_PAUSED)
		new_run = 1;
	if (ic->d.started_at > 0 && c->last_started_at > 0 &&
	    ic->d.started_at != c->last_started_at)
		new_run = 1;
	c->last_state = ic->d.state;
	if (ic->d.started_at > 0)
		c->last_started_at = ic->d.started_at;
	if (new_run)
		feed(c, REMEDY_IN_STARTED);
	/* Docker's HEALTHCHECK, on its changes only: a stale verdict must not count twice. */
	if (!has_hale_check(c, ic) &&
	    (ch == INV_ADDED || ic->d.health != c->docker_seen))
		feed_health(c, from_docker(ic->d.health));
	c->docker_seen = ic->d.health;
	feed(c, REMEDY_IN_TICK);
}

void
remedy_exec_event(void *arg, const struct docker_event *ev)
{
	struct remedy_exec	*rx = arg;
	struct rx_ctr		*c = ctr_get(rx, ev->id);
	struct inv_container	*ic;
	struct remedy_input	 in;

	if (c == NULL)
		return;
	memset(&in, 0, sizeof(in));
	switch (ev->action) {
	case DOCKER_ACTION_KILL:
	case DOCKER_ACTION_STOP:
		in.kind = REMEDY_IN_STOPPING;
		in.signal = ev->action == DOCKER_ACTION_KILL ? ev->signal : -1;
		evaluate(c, &in);
		break;
	case DOCKER_ACTION_START:
		feed(c, REMEDY_IN_STARTED);
		break;
	case DOCKER_ACTION_HEALTH_STATUS:
		ic = inventory_get(rx->inv, c->id);
		if (ev->health == DOCKER_HEALTH_NONE || has_hale_check(c, ic))
			break;
		/* The observer may have fed this already: same value, no harm. */
		if (ev->health != c->docker_seen || ic == NULL) {
			c->docker_seen = ev->health;
			feed_health(c, from_docker(ev->health));
		}
		break;
	default:
		break;
	}
}

void
remedy_exec_transition(void *arg, const char *id,
    const struct health_transition *tr, const struct probe_result *last)
{
	struct remedy_exec	*rx = arg;
	struct rx_ctr		*c = ctr_get(rx, id);

	(void)last;
	if (c == NULL)
		return;
	c->hale_check = 1;
	feed_health(c, from_status(tr->to));
}

void
remedy_exec_health(struct remedy_exec *rx, const char *id,
    enum health_status s, enum health_source src)
{
	struct rx_ctr	*c = ctr_get(rx, id);

	if (c == NULL)
		return;
	if (src == HEALTH_SOURCE_HALE)
		c->hale_check = 1;
	feed_health(c, from_status(s));
}

int
remedy_exec_reset(struct remedy_exec *rx, const char *ref, char *err,
    size_t errlen)
{
	struct inv_container	*ic = inventory_find(rx->inv, ref);
	struct rx_ctr		*c;

	if (ic == NULL || (c = ctr_get(rx, ic->d.id)) == NULL) {
		snprintf(err, errlen, "no such container");
		return -1;
	}
	feed(c, REMEDY_IN_RESET);
	return 0;
}

/* ---- construction ------------------------------------------------------ */

/* hale's own container: see cgroup_self_container. */
static void
detect_self(struct remedy_exec *rx)
{
	const char	*how;

	if (cgroup_self_container("/proc", rx->self, sizeof(rx->self),
	    &how) == 0)
		log_info("running in a container: never remediating it",
		    LOG_S("id", rx->self), LOG_S("from", how));
}

struct remedy_exec *
remedy_exec_new(struct ev_loop *loop, struct docker *docker,
    struct inventory *inv, struct notify *notify, const struct config *cfg,
    char *err, size_t errlen)
{
	struct remedy_exec	*rx;
	struct inv_container	*ic;

	if ((rx = calloc(1, sizeof(*rx))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rx->loop = loop;
	rx->docker = docker;
	rx->inv = inv;
	rx->notify = notify;
	rx->cfg = cfg;
	rx->dry_run = cfg != NULL && cfg->dry_run;
	TAILQ_INIT(&rx->tickets);
	if (gethostname(rx->host, sizeof(rx->host) - 1) == -1)
		rx->host[0] = '\0';
	detect_self(rx);
	if (rx->dry_run)
		log_info("remediation in dry-run mode: actions are logged and "
		    "counted, never taken");
	for (ic = inventory_first(inv); ic != NULL; ic = inventory_next(ic))
		remedy_exec_observe(rx, ic, INV_ADDED);
	return rx;
}

void
remedy_exec_free(struct remedy_exec *rx)
{
	struct rx_ctr	*c, *tmp;
	struct ticket	*t;

	if (rx == NULL)
		return;
	HASH_ITER(hh, rx->table, c, tmp)
		ctr_free(rx, c);
	/* docker_free() came first: these answers will never come. */
	while ((t = TAILQ_FIRST(&rx->tickets)) != NULL) {
		TAILQ_REMOVE(&rx->tickets, t, entry);
		free(t);
	}
	free(rx);
}

void
remedy_exec_reconfigure(struct remedy_exec *rx, const struct config *cfg)
{
	struct rx_ctr		*c, *tmp;
	struct inv_container	*ic;
	int			 dry = cfg != NULL && cfg->dry_run;

	rx->cfg = cfg;
	if (dry != rx->dry_run)
		log_info(dry ? "remediation dry-run on" : "remediation dry-run off");
	rx->dry_run = dry;
	HASH_ITER(hh, rx->table, c, tmp) {
		if ((ic = inventory_get(rx->inv, c->id)) == NULL)
			continue;
		build_policy(rx, c, ic);
		feed(c, REMEDY_IN_TICK);
	}
}

void
remedy_exec_set_probe(struct remedy_exec *rx, struct probe_engine *eng)
{
	rx->probe = eng;
}

void
remedy_exec_set_self(struct remedy_exec *rx, const char *id)
{
	struct rx_ctr	*c, *tmp;

	snprintf(rx->self, sizeof(rx->self), "%s",
	    id != NULL && docker_id_valid(id) ? id : "");
	HASH_ITER(hh, rx->table, c, tmp)
		c->is_self = rx->self[0] != '\0' && strcmp(rx->self, c->id) == 0;
}

const char *
remedy_exec_self(const struct remedy_exec *rx)
{
	return rx->self;
}

/* ---- API ------------------------------------------------------------------ */

static void
add_time(cJSON *o, const char *key, double wall)
{
	char	 s[64];

	notify_time_text(wall, s, sizeof(s));
	if (s[0] != '\0')
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static void
policy_json(const struct remedy_policy *p, cJSON *o)
{
	cJSON		*arr, *src;
	const char	*sig = remedy_signal_name(p->kill_signal);
	char		 num[16];
	size_t		 i;
	int		 f;

	cJSON_AddStringToObject(o, "restart", remedy_mode_name(p->mode));
	cJSON_AddStringToObject(o, "action", remedy_action_name(p->action));
	cJSON_AddNumberToObject(o, "stop_timeout_seconds", p->stop_timeout);
	snprintf(num, sizeof(num), "%d", p->kill_signal);
	cJSON_AddStringToObject(o, "kill_signal", sig != NULL ? sig : num);
	cJSON_AddNumberToObject(o, "backoff_seconds", p->backoff);
	cJSON_AddNumberToObject(o, "backoff_max_seconds", p->backoff_max);
	cJSON_AddNumberToObject(o, "reset_after_seconds", p->reset_after);
	cJSON_AddNumberToObject(o, "max", p->max);
	cJSON_AddNumberToObject(o, "window_seconds", p->window);
	if ((arr = cJSON_AddArrayToObject(o, "depends_on")) != NULL)
		for (i = 0; i < p->ndepends; i++)
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(p->depends_on[i]));
	if (p->rule >= 0)
		cJSON_AddNumberToObject(o, "rule", p->rule);
	else
		cJSON_AddNullToObject(o, "rule");
	if ((src = cJSON_AddObjectToObject(o, "from")) != NULL)
		for (f = 0; f < RF_COUNT; f++)
			cJSON_AddStringToObject(src,
			    remedy_field_name((enum remedy_field)f),
			    remedy_origin_name(p->origin[f]));
}

static cJSON *
attempts_json(const struct rx_ctr *c)
{
	cJSON	*arr, *e;
	unsigned i;

	if ((arr = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < c->nhist; i++) {
		const struct attempt *a = &c->hist[i];

		if ((e = cJSON_CreateObject()) == NULL)
			break;
		add_time(e, "time", a->at);
		cJSON_AddStringToObject(e, "action", remedy_action_name(a->action));
		cJSON_AddStringToObject(e, "trigger", a->dependent ? "dependency" :
		    "unhealthy");
		cJSON_AddNumberToObject(e, "attempt", a->attempt);
		if (a->pending) {
			cJSON_AddStringToObject(e, "result", "pending");
			cJSON_AddNullToObject(e, "duration_seconds");
		} else {
			cJSON_AddStringToObject(e, "result",
			    remedy_result_name(a->result));
			cJSON_AddNumberToObject(e, "duration_seconds", a->duration);
		}
		if (a->error[0] != '\0')
			cJSON_AddStringToObject(e, "error", a->error);
		else
			cJSON_AddNullToObject(e, "error");
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

static const char *
state_text(const struct rx_ctr *c)
{
	if (!c->pol.valid)
		return "invalid";
	if (c->pol.mode != REMEDY_MODE_ON_UNHEALTHY)
		return "off";
	return remedy_phase_name(remedy_phase(&c->st));
}

static void
ctr_json(struct rx_ctr *c, cJSON *o)
{
	double	 now = clock_mono(), next;
	cJSON	*p, *b;

	cJSON_AddBoolToObject(o, "enabled", c->pol.valid &&
	    c->pol.mode == REMEDY_MODE_ON_UNHEALTHY && !c->is_self);
	cJSON_AddStringToObject(o, "state", state_text(c));
	if (c->pol.valid)
		cJSON_AddNullToObject(o, "error");
	else
		cJSON_AddStringToObject(o, "error", c->pol.error);
	if ((p = cJSON_AddObjectToObject(o, "policy")) != NULL)
		policy_json(&c->pol, p);
	cJSON_AddStringToObject(o, "health", remedy_health_name(c->st.health));
	cJSON_AddBoolToObject(o, "self", c->is_self);
	cJSON_AddBoolToObject(o, "dry_run", c->rx->dry_run);
	cJSON_AddBoolToObject(o, "in_flight",
	    c->st.inflight != REMEDY_INFLIGHT_NONE);
	cJSON_AddNumberToObject(o, "attempts_since_reset", c->st.attempts);
	if ((b = cJSON_AddObjectToObject(o, "budget")) != NULL) {
		cJSON_AddNumberToObject(b, "max", c->pol.max);
		cJSON_AddNumberToObject(b, "used",
		    remedy_window_used(&c->st, &c->pol, now));
		cJSON_AddNumberToObject(b, "window_seconds", c->pol.window);
	}
	next = remedy_next_allowed(&c->st, now);
	add_time(o, "next_allowed", next > 0 ? wall_of(next) : 0);
	add_time(o, "gave_up_at", c->st.gave_up ? wall_of(c->st.gave_up_at) : 0);
	add_time(o, "hold_until", c->st.hold_until > now ?
	    wall_of(c->st.hold_until) : 0);
	if (c->last_reason != NULL)
		cJSON_AddStringToObject(o, "last_decision", c->last_reason);
	else
		cJSON_AddNullToObject(o, "last_decision");
	cJSON_AddItemToObject(o, "attempts", attempts_json(c));
}

void
remedy_exec_json(struct remedy_exec *rx, const char *id, cJSON *container)
{
	struct rx_ctr	*c = ctr_get(rx, id);
	cJSON		*o;

	if (c == NULL || (o = cJSON_AddObjectToObject(container,
	    "remediation")) == NULL)
		return;
	ctr_json(c, o);
}

void
remedy_exec_auth_config(const struct config *cfg, struct auth_config *a)
{
	a->token = cfg->admin_token;
	a->user = cfg->admin_user;
	a->hash = cfg->admin_password_hash;
}

static void
json_error(struct httpd_response *r, unsigned status, const char *msg)
{
	cJSON	*o;
	char	*s;

	r->status = status;
	r->content_type = "application/json";
	buf_reset(&r->body);
	if ((o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "error", msg);
	if ((s = cJSON_PrintUnformatted(o)) != NULL) {
		buf_puts(&r->body, s);
		buf_putc(&r->body, '\n');
		free(s);
	}
	cJSON_Delete(o);
}

void
remedy_exec_http_reset(struct remedy_exec *rx, const struct auth_config *a,
    const struct httpd_request *req, struct httpd_response *r)
{
	const char		*path = httpd_request_path(req);
	char			 ref[DOCKER_NAME_MAX + 1], err[64];
	size_t			 plen = strlen(API_PREFIX), slen = strlen(RESET_SUFFIX);
	size_t			 n;
	struct inv_container	*ic;
	cJSON			*o;
	char			*s;

	switch (auth_check(a, httpd_request_header(req, "Authorization"))) {
	case AUTH_OFF:
		json_error(r, 403, "admin endpoints are off: set web.admin_token "
		    "or web.admin_user and web.admin_password_hash");
		return;
	case AUTH_MISSING:
	case AUTH_DENIED:
		log_warn("admin request refused", LOG_S("path", path));
		json_error(r, 401, "authentication required");
		httpd_add_header(r, "WWW-Authenticate", auth_challenge(a));
		return;
	case AUTH_OK:
		break;
	}
	n = strlen(path);
	if (n <= plen + slen || strncmp(path, API_PREFIX, plen) != 0 ||
	    strcmp(path + n - slen, RESET_SUFFIX) != 0 ||
	    n - plen - slen >= sizeof(ref)) {
		json_error(r, 404, "not found");
		return;
	}
	memcpy(ref, path + plen, n - plen - slen);
	ref[n - plen - slen] = '\0';
	if (strchr(ref, '/') != NULL || (ic = inventory_find(rx->inv, ref)) == NULL ||
	    remedy_exec_reset(rx, ic->d.id, err, sizeof(err)) == -1) {
		json_error(r, 404, "no such container");
		return;
	}
	if ((o = cJSON_CreateObject()) == NULL) {
		json_error(r, 500, "out of memory");
		return;
	}
	cJSON_AddStringToObject(o, "id", ic->d.id);
	cJSON_AddStringToObject(o, "name", ic->d.name != NULL ? ic->d.name : "");
	cJSON_AddBoolToObject(o, "reset", 1);
	remedy_exec_json(rx, ic->d.id, o);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL) {
		json_error(r, 500, "out of memory");
		return;
	}
	r->status = 200;
	r->content_type = "application/json";
	buf_reset(&r->body);
	buf_puts(&r->body, s);
	buf_putc(&r->body, '\n');
	free(s);
}

/* ---- metrics ------------------------------------------------------------ */

static int
enabled(const struct rx_ctr *c)
{
	return c->pol.valid && c->pol.mode == REMEDY_MODE_ON_UNHEALTHY &&
	    !c->is_self;
}

/* `name="..."` of a container, escaped. */
static void
name_label(struct remedy_exec *rx, const struct rx_ctr *c, struct buf *l)
{
	buf_reset(l);
	metrics_label(l, "name", cname(inventory_get(rx->inv, c->id), c));
}

static void
write_restarts(struct remedy_exec *rx, struct metrics_writer *w, struct buf *l)
{
	static const enum remedy_result shown[] = {
		REMEDY_RESULT_OK, REMEDY_RESULT_FAILED, REMEDY_RESULT_TIMEOUT,
	};
	struct rx_ctr	*c, *tmp;
	char		 extra[32];
	uint64_t	*v;
	size_t		 i;

	metrics_family(w, "hale_restarts_total", METRICS_COUNTER,
	    "Container restarts hale asked Docker for (own and dependency), "
	    "by result: ok, failed (Docker refused), timeout.");
	HASH_ITER(hh, rx->table, c, tmp) {
		v = c->counts[REMEDY_ACTION_RESTART];
		if (!enabled(c) && v[0] + v[1] + v[2] == 0)
			continue;
		name_label(rx, c, l);
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
			snprintf(extra, sizeof(extra), "result=\"%s\"",
			    remedy_result_name(shown[i]));
			metrics_sample_u64(w, "hale_restarts_total", l->data,
			    extra, v[shown[i]]);
		}
	}
}

static void
write_actions(struct remedy_exec *rx, struct metrics_writer *w, struct buf *l)
{
	struct rx_ctr	*c, *tmp;
	char		 extra[64];
	int		 a, r;

	metrics_family(w, "hale_remediation_actions_total", METRICS_COUNTER,
	    "Remediation actions by kind and result; dry_run counts actions "
	    "only pretended.");
	HASH_ITER(hh, rx->table, c, tmp)
		for (a = 0; a < REMEDY_ACTION_COUNT; a++)
			for (r = 0; r < REMEDY_RESULT_COUNT; r++) {
				if (c->counts[a][r] == 0)
					continue;
				name_label(rx, c, l);
				snprintf(extra, sizeof(extra),
				    "action=\"%s\",result=\"%s\"",
				    remedy_action_name((enum remedy_action)a),
				    remedy_result_name((enum remedy_result)r));
				metrics_sample_u64(w, "hale_remediation_actions_total",
				    l->data, extra, c->counts[a][r]);
			}
	metrics_family(w, "hale_remediation_dry_run_total", METRICS_COUNTER,
	    "Actions dry-run mode logged instead of taking, by action.");
	HASH_ITER(hh, rx->table, c, tmp)
		for (a = 0; a < REMEDY_ACTION_COUNT; a++) {
			if (c->counts[a][REMEDY_RESULT_DRY_RUN] == 0)
				continue;
			name_label(rx, c, l);
			snprintf(extra, sizeof(extra), "action=\"%s\"",
			    remedy_action_name((enum remedy_action)a));
			metrics_sample_u64(w, "hale_remediation_dry_run_total",
			    l->data, extra, c->counts[a][REMEDY_RESULT_DRY_RUN]);
		}
}

static void
write_states(struct remedy_exec *rx, struct metrics_writer *w, struct buf *l)
{
	struct rx_ctr	*c, *tmp;
	char		 extra[32];
	double		 now = clock_mono(), next;
	int		 p;

	metrics_family(w, "hale_remediation_state", METRICS_GAUGE,
	    "Remediation state of containers with restart=on-unhealthy, one "
	    "series per state (ok, backoff, gave_up), 1 on the current one.");
	HASH_ITER(hh, rx->table, c, tmp) {
		if (!enabled(c))
			continue;
		name_label(rx, c, l);
		for (p = 0; p < REMEDY_PHASE_COUNT; p++) {
			snprintf(extra, sizeof(extra), "state=\"%s\"",
			    remedy_phase_name((enum remedy_phase)p));
			metrics_sample_u64(w, "hale_remediation_state", l->data,
			    extra, remedy_phase(&c->st) == (enum remedy_phase)p);
		}
	}
	metrics_family(w, "hale_remediation_next_allowed_timestamp_seconds",
	    METRICS_GAUGE, "When the next remediation action may start (unix "
	    "seconds); 0 when it may start at once. Absent while given up or "
	    "in flight.");
	HASH_ITER(hh, rx->table, c, tmp) {
		if (!enabled(c) || (next = remedy_next_allowed(&c->st, now)) < 0)
			continue;
		name_label(rx, c, l);
		metrics_sample(w, "hale_remediation_next_allowed_timestamp_seconds",
		    l->data, NULL, next > 0 ? wall_of(next) : 0);
	}
	metrics_family(w, "hale_remediation_give_ups_total", METRICS_COUNTER,
	    "Times hale gave up on a container because its budget was spent.");
	HASH_ITER(hh, rx->table, c, tmp) {
		if (!enabled(c) && c->give_ups == 0)
			continue;
		name_label(rx, c, l);
		metrics_sample_u64(w, "hale_remediation_give_ups_total", l->data,
		    NULL, c->give_ups);
	}
	metrics_family(w, "hale_remediation_policy_invalid", METRICS_GAUGE,
	    "1 for containers whose remediation labels were rejected "
	    "(remediation is off for them; the API says why).");
	HASH_ITER(hh, rx->table, c, tmp) {
		if (c->pol.valid)
			continue;
		name_label(rx, c, l);
		metrics_sample_u64(w, "hale_remediation_policy_invalid", l->data,
		    NULL, 1);
	}
}

void
remedy_exec_write_metrics(struct remedy_exec *rx, struct metrics_writer *w)
{
	struct buf	 l;

	buf_init(&l);
	write_restarts(rx, w, &l);
	write_actions(rx, w, &l);
	write_states(rx, w, &l);
	buf_free(&l);
	metrics_family(w, "hale_remediation_dry_run_enabled", METRICS_GAUGE,
	    "1 if remediation only pretends (--dry-run or remediation.dry_run).");
	metrics_sample_u64(w, "hale_remediation_dry_run_enabled", NULL, NULL,
	    (uint64_t)rx->dry_run);
}

void
remedy_exec_get_stats(const struct remedy_exec *rx,
    struct remedy_exec_stats *st)
{
	const struct rx_ctr	*c;
	int			 a, r;

	memset(st, 0, sizeof(*st));
	for (c = rx->table; c != NULL; c = c->hh.next) {
		for (a = 0; a < REMEDY_ACTION_COUNT; a++)
			for (r = 0; r < REMEDY_RESULT_COUNT; r++)
				st->actions[a][r] += c->counts[a][r];
		st->give_ups += c->give_ups;
		st->containers++;
		if (c->st.inflight != REMEDY_INFLIGHT_NONE)
			st->in_flight++;
	}
	st->not_sent = rx->not_sent;
}
