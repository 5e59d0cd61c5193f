/*
 * remedy_exec: the executor's records, inputs and decision step (the
 * callback chain is in remedy_exec.h; carrying out an action is in
 * remedy_act.c).
 *
 * Inputs run remedy_decide() at once, so their order is kept, but a
 * verdict to act is only stored ("todo") and carried out from the
 * container's ev_timer at 0 s: inputs may arrive inside libcurl's write
 * callback (the events stream), where no transfer may be started. The
 * action is counted by the decision itself, so a second input before the
 * timer fires finds it in flight and does not act twice.
 *
 * The views (remedy_view.c, remedy_metrics.c) get plain values from
 * here: remedy_exec_json and remedy_exec_write_metrics gather them.
 */
#include "remedy/remedy_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/procpid.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/id.h"
#include "core/log.h"
#include "check/probe.h"
#include "remedy/remedy_exec_int.h"
#include "remedy/remedy_metrics.h"
#include "remedy/remedy_view.h"

/* ---- clocks ------------------------------------------------------------ */

double
remedy_exec_wall_now(void)
{
	return clock_wall();
}

double
remedy_exec_wall_of(double mono)
{
	if (mono <= 0)
		return 0;
	return remedy_exec_wall_now() - (clock_mono() - mono);
}

/* ---- small helpers -------------------------------------------------------- */

const char *
remedy_exec_name(const struct inv_container *ic, const struct rx_ctr *c)
{
	if (ic != NULL && ic->d.name != NULL && *ic->d.name != '\0')
		return ic->d.name;
	return c->id;
}

struct rx_ctr *
remedy_exec_ctr(struct remedy_exec *rx, const char *id)
{
	struct rx_ctr	*c = NULL;

	if (!id_valid(id))
		return NULL;
	HASH_FIND(hh, rx->table, id, DOCKER_ID_LEN, c);
	return c;
}

static void	timer_cb(struct ev_loop *, ev_timer *, int);
static void	pol_put(struct remedy_exec *, const struct remedy_policy *);

/* Until a container's first policy is built: disabled, no reason. */
static const struct remedy_policy no_policy;
/* The counts of a container never acted on. */
static const uint64_t no_counts[REMEDY_ACTION_COUNT][REMEDY_RESULT_COUNT];
/* A short state is all but the window: nothing may come after it. */
_Static_assert(RX_STATE_SHORT + sizeof(((struct remedy_state *)0)->window) ==
    sizeof(struct remedy_state), "remedy_state's window must come last");

static struct rx_ctr *
ctr_add(struct remedy_exec *rx, const char *id)
{
	struct rx_ctr		*c;
	struct remedy_state	 st;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->st = malloc(RX_STATE_SHORT)) == NULL) {
		free(c);
		return NULL;
	}
	remedy_state_init(&st);
	memcpy(c->st, &st, RX_STATE_SHORT);
	memcpy(c->id, id, DOCKER_ID_LEN + 1);
	c->rx = rx;
	c->pol = &no_policy;
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
	pol_put(rx, c->pol);
	free(c->st);
	free(c->counts);
	free(c->logged_error);
	free(c->hist);
	free(c);
}

int
remedy_exec_hale_check(struct rx_ctr *c, const struct inv_container *ic)
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

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rx_ctr		*c = w->data;
	struct remedy_input	 in;

	(void)loop;
	(void)revents;
	if (c->todo) {
		remedy_act_execute(c);
		arm(c);
		return;
	}
	c->wake_at = 0;
	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_TICK;
	remedy_exec_evaluate(c, &in);
}

/* ---- the decision step ---------------------------------------------------- */

/*
 * remedy_decide() on a whole copy of the state; the window gets its room
 * at its first entry. -1 (the input is lost) if memory ran out then.
 */
static int
state_decide(struct rx_ctr *c, const struct remedy_input *in, double now,
    struct remedy_decision *d)
{
	struct remedy_state	 s, *whole;

	memcpy(&s, c->st, c->st_whole ? sizeof(s) : RX_STATE_SHORT);
	*d = remedy_decide(&s, c->pol, in, now, &s);
	if (s.nwindow > 0 && !c->st_whole) {
		if ((whole = realloc(c->st, sizeof(*whole))) == NULL) {
			log_error("out of memory: remediation input lost",
			    LOG_S("id", c->id));
			return -1;
		}
		c->st = whole;
		c->st_whole = 1;
	}
	memcpy(c->st, &s, c->st_whole ? sizeof(s) : RX_STATE_SHORT);
	return 0;
}

void
remedy_exec_evaluate(struct rx_ctr *c, struct remedy_input *in)
{
	struct remedy_exec	*rx = c->rx;
	struct inv_container	*ic = inventory_get(rx->inv, c->id);
	struct remedy_decision	 d;
	double			 now = clock_mono();

	in->state = ic != NULL ? ic->d.state : DOCKER_STATE_UNKNOWN;
	in->is_self = c->is_self;
	in->dry_run = rx->dry_run;
	if (state_decide(c, in, now, &d) == -1)
		return;
	if (d.reason != c->last_reason && d.verdict == REMEDY_NONE &&
	    c->pol->valid && c->pol->mode == REMEDY_MODE_ON_UNHEALTHY &&
	    c->st->health == DOCKER_HEALTH_UNHEALTHY)
		log_debug("unhealthy container left alone",
		    LOG_S("name", remedy_exec_name(ic, c)), LOG_S("id", c->id),
		    LOG_S("reason", d.reason));
	c->last_reason = d.reason;
	remedy_act_report(c, &d);
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
	remedy_exec_evaluate(c, &in);
}

static void
feed_health(struct rx_ctr *c, enum docker_health h)
{
	struct remedy_input	 in;

	memset(&in, 0, sizeof(in));
	in.kind = REMEDY_IN_HEALTH;
	in.health = h;
	remedy_exec_evaluate(c, &in);
}

/* ---- policies -------------------------------------------------------------- */

/* The interned copy of *p, made if need be; NULL if memory ran out. */
static const struct remedy_policy *
pol_get(struct remedy_exec *rx, const struct remedy_policy *p)
{
	struct rx_pol	*x;

	HASH_FIND(hh, rx->pols, p, sizeof(*p), x);
	if (x == NULL) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return NULL;
		memcpy(&x->p, p, sizeof(x->p));	/* padding too: the key */
		HASH_ADD(hh, rx->pols, p, sizeof(x->p), x);
	}
	x->refs++;
	return &x->p;
}

static void
pol_put(struct remedy_exec *rx, const struct remedy_policy *p)
{
	struct rx_pol	*x;

	if (p == &no_policy)
		return;
	HASH_FIND(hh, rx->pols, p, sizeof(*p), x);
	if (x != NULL && --x->refs == 0) {
		HASH_DEL(rx->pols, x);
		free(x);
	}
}

static void
build_policy(struct remedy_exec *rx, struct rx_ctr *c,
    const struct inv_container *ic)
{
	struct remedy_policy		 p;
	const struct remedy_policy	*old = c->pol;

	/* The whole struct is set (build starts with a memset): a key. */
	remedy_policy_build(&p, rx->rules, ic->d.name, ic->d.image,
	    ic->d.labels, ic->d.nlabels, ic->d.stop_timeout);
	if ((c->pol = pol_get(rx, &p)) == NULL) {
		log_error("out of memory: container not remediated",
		    LOG_S("id", c->id));
		c->pol = &no_policy;
	}
	pol_put(rx, old);
	if (!c->pol->valid) {
		if (c->logged_error == NULL ||
		    strcmp(c->logged_error, c->pol->error) != 0) {
			log_warn("remediation disabled for container: invalid policy",
			    LOG_S("name", remedy_exec_name(ic, c)), LOG_S("id", c->id),
			    LOG_S("reason", c->pol->error));
			free(c->logged_error);
			c->logged_error = strdup(c->pol->error);
		}
	} else {
		free(c->logged_error);
		c->logged_error = NULL;
	}
	c->is_self = rx->self[0] != '\0' && strcmp(rx->self, c->id) == 0;
}

/* ---- inputs ------------------------------------------------------------- */

void
remedy_exec_observe(void *arg, struct inv_container *ic, enum inv_change ch)
{
	struct remedy_exec	*rx = arg;
	struct rx_ctr		*c = remedy_exec_ctr(rx, ic->d.id);
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
	if (!remedy_exec_hale_check(c, ic) &&
	    (ch == INV_ADDED || ic->d.health != c->docker_seen))
		feed_health(c, ic->d.health);
	c->docker_seen = ic->d.health;
	feed(c, REMEDY_IN_TICK);
}

void
remedy_exec_event(void *arg, const struct docker_event *ev)
{
	struct remedy_exec	*rx = arg;
	struct rx_ctr		*c = remedy_exec_ctr(rx, ev->id);
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
		remedy_exec_evaluate(c, &in);
		break;
	case DOCKER_ACTION_START:
		feed(c, REMEDY_IN_STARTED);
		break;
	case DOCKER_ACTION_HEALTH_STATUS:
		ic = inventory_get(rx->inv, c->id);
		if (ev->health == DOCKER_HEALTH_NONE || remedy_exec_hale_check(c, ic))
			break;
		/* The observer may have fed this already: same value, no harm. */
		if (ev->health != c->docker_seen || ic == NULL) {
			c->docker_seen = ev->health;
			feed_health(c, ev->health);
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
	struct rx_ctr		*c = remedy_exec_ctr(rx, id);

	(void)last;
	if (c == NULL)
		return;
	c->hale_check = 1;
	feed_health(c, tr->to);
}

enum remedy_reset
remedy_exec_reset(struct remedy_exec *rx, const char *ref,
    const struct inv_container **found)
{
	struct inv_container	*ic;
	struct rx_ctr		*c;

	*found = NULL;
	if (strchr(ref, '/') != NULL || (ic = inventory_find(rx->inv, ref)) == NULL ||
	    (c = remedy_exec_ctr(rx, ic->d.id)) == NULL)
		return REMEDY_RESET_UNKNOWN;
	feed(c, REMEDY_IN_RESET);
	*found = ic;
	return REMEDY_RESET_OK;
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
    struct inventory *inv, struct notify *notify,
    const struct remedy_config *rules, int dry_run, char *err, size_t errlen)
{
	struct remedy_exec	*rx;
	struct inv_container	*ic;

	if ((rx = calloc(1, sizeof(*rx))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	rx->loop = loop;
	rx->docker = docker;
	rx->inv = inv;
	rx->notify = notify;
	rx->rules = rules;
	rx->dry_run = dry_run;
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
	struct rx_ctr		*c, *tmp;
	struct rx_ticket	*t;

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
remedy_exec_reconfigure(struct remedy_exec *rx,
    const struct remedy_config *rules, int dry_run)
{
	struct rx_ctr		*c, *tmp;
	struct inv_container	*ic;

	rx->rules = rules;
	if (dry_run != rx->dry_run)
		log_info(dry_run ? "remediation dry-run on" :
		    "remediation dry-run off");
	rx->dry_run = dry_run;
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
remedy_exec_set_events(struct remedy_exec *rx, struct events *ev)
{
	rx->events = ev;
}

/* ---- what the views show ------------------------------------------------ */

int
remedy_exec_view(struct remedy_exec *rx, const char *id, struct remedy_view *v)
{
	struct rx_ctr		*c = rx != NULL ? remedy_exec_ctr(rx, id) : NULL;
	double			 now = clock_mono(), next;

	memset(v, 0, sizeof(*v));
	if (c == NULL)
		return -1;
	v->pol = c->pol;
	v->st = c->st;
	v->attempts = c->hist;
	v->nattempts = c->nhist;
	v->last_decision = c->last_reason;
	v->self = c->is_self;
	v->dry_run = rx->dry_run;
	v->budget_used = remedy_window_used(c->st, c->pol, now);
	next = remedy_next_allowed(c->st, now);
	v->next_allowed = next > 0 ? remedy_exec_wall_of(next) : 0;
	v->gave_up_at = c->st->gave_up ? remedy_exec_wall_of(c->st->gave_up_at) : 0;
	v->hold_until = c->st->hold_until > now ?
	    remedy_exec_wall_of(c->st->hold_until) : 0;
	return 0;
}

void
remedy_exec_json(struct remedy_exec *rx, const char *id, cJSON *container)
{
	struct remedy_view	 v;
	cJSON			*o;

	if (remedy_exec_view(rx, id, &v) == -1 ||
	    (o = cJSON_AddObjectToObject(container, "remediation")) == NULL)
		return;
	remedy_view_json(&v, o);
}

static void
metrics_row(struct remedy_exec *rx, const struct rx_ctr *c, double now,
    struct remedy_metrics_row *row)
{
	double	 next = remedy_next_allowed(c->st, now);

	row->name = remedy_exec_name(inventory_get(rx->inv, c->id), c);
	row->enabled = c->pol->valid && c->pol->mode == REMEDY_MODE_ON_UNHEALTHY &&
	    !c->is_self;
	row->valid = c->pol->valid;
	row->phase = remedy_phase(c->st);
	row->next_allowed = next > 0 ? remedy_exec_wall_of(next) : next;
	row->counts = c->counts != NULL ?
	    (const uint64_t (*)[REMEDY_RESULT_COUNT])c->counts : no_counts;
	row->give_ups = c->give_ups;
}

void
remedy_exec_write_metrics(struct remedy_exec *rx, struct metrics_writer *w)
{
	struct remedy_metrics_row	*rows;
	const struct rx_ctr		*c;
	size_t				 n = 0;
	double				 now = clock_mono();

	rows = calloc(HASH_COUNT(rx->table) + 1, sizeof(*rows));
	if (rows == NULL) {
		w->out->oom = 1;
		return;
	}
	for (c = rx->table; c != NULL; c = c->hh.next)
		metrics_row(rx, c, now, &rows[n++]);
	remedy_metrics_write(w, rows, n, rx->dry_run);
	free(rows);
}
