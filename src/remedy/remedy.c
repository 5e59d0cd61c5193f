/*
 * remedy: the decision, one pure step at a time (rules in remedy.h).
 *
 *	remedy_decide(state, policy, input, now)
 *	  1. book-keeping of the input (health, result, operator stop, ...)
 *	  2. expiries: the window slides, holds end, continuous health
 *	     for reset_after clears the backoff and a give-up
 *	  3. verdict: dependency restart, or act on unhealthy, or wait
 *	  4. wake_at: the earliest moment a TICK could change the answer
 *
 * An action is counted when it is decided, not when Docker answers, so
 * the budget holds even if results arrive late or never.
 */
#include "remedy/remedy.h"

#include <math.h>
#include <string.h>

#include "core/id.h"

void
remedy_state_init(struct remedy_state *s)
{
	memset(s, 0, sizeof(*s));
	s->health = DOCKER_HEALTH_NONE;
}

const char *
remedy_phase_name(enum remedy_phase p)
{
	switch (p) {
	case REMEDY_PHASE_OK:
		return "ok";
	case REMEDY_PHASE_BACKOFF:
		return "backoff";
	case REMEDY_PHASE_GAVE_UP:
		return "gave_up";
	case REMEDY_PHASE_COUNT:
		break;
	}
	return "?";
}

const char *
remedy_result_name(enum remedy_result r)
{
	switch (r) {
	case REMEDY_RESULT_OK:
		return "ok";
	case REMEDY_RESULT_FAILED:
		return "failed";
	case REMEDY_RESULT_TIMEOUT:
		return "timeout";
	case REMEDY_RESULT_DRY_RUN:
		return "dry_run";
	case REMEDY_RESULT_COUNT:
		break;
	}
	return "?";
}

double
remedy_delay(const struct remedy_policy *p, unsigned n)
{
	double	 d = p->backoff;

	/* Doubling stops at the cap, so no overflow however large n gets. */
	while (n-- > 1 && d < p->backoff_max)
		d *= 2;
	return d < p->backoff_max ? d : p->backoff_max;
}

enum remedy_phase
remedy_phase(const struct remedy_state *s)
{
	if (s->gave_up)
		return REMEDY_PHASE_GAVE_UP;
	return s->attempts > 0 ? REMEDY_PHASE_BACKOFF : REMEDY_PHASE_OK;
}

unsigned
remedy_window_used(const struct remedy_state *s, const struct remedy_policy *p,
    double now)
{
	unsigned	 i, n = 0;

	for (i = 0; i < s->nwindow; i++)
		if (s->window[i] > now - p->window)
			n++;
	return n;
}

double
remedy_next_allowed(const struct remedy_state *s, double now)
{
	double	 t;

	if (s->gave_up || s->inflight != REMEDY_INFLIGHT_NONE)
		return -1;
	t = s->next_allowed > s->defer_until ? s->next_allowed : s->defer_until;
	return t > now ? t : 0;
}

/* ---- step 1: what the input says ---------------------------------------- */

static void
observe_health(struct remedy_state *s, enum docker_health h, double now)
{
	if (h == DOCKER_HEALTH_HEALTHY) {
		if (s->health != DOCKER_HEALTH_HEALTHY || s->healthy_since == 0)
			s->healthy_since = now;
	} else
		s->healthy_since = 0;
	s->health = h;
}

/* A fresh run: the start period applies again, stale verdicts are void. */
static void
new_run(struct remedy_state *s)
{
	s->health = DOCKER_HEALTH_STARTING;
	s->healthy_since = 0;
	s->hold_until = 0;
}

static void
finish_action(struct remedy_state *s, const struct remedy_policy *p,
    enum remedy_result r, double now)
{
	enum remedy_inflight	 was = s->inflight;

	if (was == REMEDY_INFLIGHT_NONE)
		return;			/* a stray result: nothing in flight */
	s->inflight = REMEDY_INFLIGHT_NONE;
	s->last_finish = now;
	if (r != REMEDY_RESULT_DRY_RUN)
		s->own_until = now + REMEDY_OWN_GRACE;
	if (was == REMEDY_INFLIGHT_OWN)
		s->next_allowed = now + remedy_delay(p, s->attempts);
	/* Restarted: whatever the check said was about the old process. */
	if (r == REMEDY_RESULT_OK && s->inflight_action == REMEDY_ACTION_RESTART)
		new_run(s);
}

/* The action could not be sent: it never happened. */
static void
take_back(struct remedy_state *s, double now)
{
	if (s->inflight == REMEDY_INFLIGHT_OWN) {
		if (s->attempts > 0)
			s->attempts--;
		if (s->nwindow > 0)
			s->nwindow--;
	}
	if (s->inflight != REMEDY_INFLIGHT_NONE)
		s->defer_until = now + REMEDY_RETRY_DELAY;
	s->inflight = REMEDY_INFLIGHT_NONE;
}

/*
 * An operator's kill or stop. SIGHUP/USR1/USR2 usually ask for a reload:
 * hold off briefly. Anything else may be a stop: hold until the next
 * start (or die, which leaves the container not running anyway), with a
 * safety expiry in case the signal was not meant to stop it.
 */
static void
operator_stop(struct remedy_state *s, int sig, double now, unsigned *events)
{
	double	 until;
	int	 held = now < s->hold_until;

	if (s->inflight != REMEDY_INFLIGHT_NONE || now < s->own_until)
		return;			/* our own action's events */
	if (sig == 1 || sig == 10 || sig == 12)
		until = now + REMEDY_HOLD_SIGNAL;
	else
		until = now + REMEDY_HOLD_MAX;
	if (until > s->hold_until)
		s->hold_until = until;
	/*
	 * One stop brings several events (docker stop: kill 15, kill 9 after
	 * its timeout; rm -f: kill, then stop): one hold, reported once.
	 */
	if (!held)
		*events |= REMEDY_EV_HOLD;
}

static void
operator_reset(struct remedy_state *s, unsigned *events)
{
	s->gave_up = 0;
	s->gave_up_at = 0;
	s->attempts = 0;
	s->nwindow = 0;
	s->next_allowed = 0;
	s->defer_until = 0;
	*events |= REMEDY_EV_RESET;
}

/* ---- step 2: time passing --------------------------------------------- */

static void
slide_window(struct remedy_state *s, const struct remedy_policy *p, double now)
{
	unsigned	 i, keep = 0;

	for (i = 0; i < s->nwindow; i++)
		if (s->window[i] > now - p->window)
			s->window[keep++] = s->window[i];
	s->nwindow = keep;
}

static void
expire(struct remedy_state *s, const struct remedy_policy *p, double now,
    unsigned *events)
{
	slide_window(s, p, now);
	if (s->hold_until > 0 && now >= s->hold_until)
		s->hold_until = 0;
	if (s->healthy_since > 0 && now - s->healthy_since >= p->reset_after) {
		if (s->gave_up) {
			s->gave_up = 0;
			s->gave_up_at = 0;
			*events |= REMEDY_EV_RECOVERED;
		}
		if (s->attempts > 0) {
			s->attempts = 0;
			s->next_allowed = 0;
			*events |= REMEDY_EV_BACKOFF_RESET;
		}
	}
}

/* ---- step 3: the verdict ------------------------------------------------ */

static const char *
state_reason(enum docker_state st)
{
	switch (st) {
	case DOCKER_STATE_RUNNING:
		return NULL;
	case DOCKER_STATE_PAUSED:
		return "container is paused";
	case DOCKER_STATE_RESTARTING:
		return "docker is restarting it (restart policy)";
	case DOCKER_STATE_REMOVING:
		return "container is being removed";
	case DOCKER_STATE_CREATED:
		return "container was never started";
	case DOCKER_STATE_EXITED:
	case DOCKER_STATE_DEAD:
		return "container is not running";
	case DOCKER_STATE_UNKNOWN:
	case DOCKER_STATE_COUNT:
		break;
	}
	return "container state unknown";
}

/* Why nothing may be done to this container now; NULL if something may. */
static const char *
blocked(const struct remedy_state *s, const struct remedy_input *in,
    double now)
{
	const char	*r;

	if (in->is_self)
		return "hale's own container";
	if ((r = state_reason(in->state)) != NULL)
		return r;
	if (s->hold_until > now)
		return "an operator is stopping it";
	if (s->inflight != REMEDY_INFLIGHT_NONE)
		return "an action is in flight";
	return NULL;
}

static void
commit(struct remedy_state *s, struct remedy_decision *d,
    enum remedy_action a, enum remedy_inflight kind, double now)
{
	d->verdict = REMEDY_ACT;
	d->action = a;
	s->inflight = kind;
	s->inflight_action = a;
	s->last_action = now;
	s->defer_until = 0;
	if (kind == REMEDY_INFLIGHT_OWN) {
		s->attempts++;
		/* slide_window ran in this step: nwindow < max <= capacity. */
		s->window[s->nwindow++] = now;
	}
	d->attempt = s->attempts;
}

static void
verdict_dependency(struct remedy_state *s, const struct remedy_policy *p,
    const struct remedy_input *in, double now, struct remedy_decision *d)
{
	if (!p->valid) {
		d->reason = "policy invalid";
		return;
	}
	if (p->mode == REMEDY_MODE_NEVER &&
	    p->origin[RF_RESTART] >= REMEDY_FROM_RULE) {
		d->reason = "restart=never set for this container";
		return;
	}
	if ((d->reason = blocked(s, in, now)) != NULL)
		return;
	commit(s, d, REMEDY_ACTION_RESTART, REMEDY_INFLIGHT_DEPENDENT, now);
	d->dependent = 1;
	d->reason = "the container it depends on was restarted";
}

static void
verdict_own(struct remedy_state *s, const struct remedy_policy *p,
    const struct remedy_input *in, double now, struct remedy_decision *d)
{
	if (!p->valid) {
		d->reason = "policy invalid";
		return;
	}
	if (p->mode != REMEDY_MODE_ON_UNHEALTHY) {
		d->reason = "remediation off (restart=never)";
		return;
	}
	if ((d->reason = blocked(s, in, now)) != NULL)
		return;
	if (s->health != DOCKER_HEALTH_UNHEALTHY) {
		d->reason = "not unhealthy";
		return;
	}
	if (s->gave_up) {
		d->reason = "gave up: waiting for health or an operator reset";
		return;
	}
	if (now < s->defer_until) {
		d->reason = "docker unreachable: retrying";
		d->wake_at = s->defer_until;
		return;
	}
	if (now < s->next_allowed) {
		d->reason = "backoff";
		d->wake_at = s->next_allowed;
		return;
	}
	if (s->nwindow >= p->max || s->nwindow >= REMEDY_BUDGET_MAX) {
		s->gave_up = 1;
		s->gave_up_at = now;
		d->events |= REMEDY_EV_GAVE_UP;
		d->reason = "budget spent: giving up";
		return;
	}
	commit(s, d, p->action, REMEDY_INFLIGHT_OWN, now);
	d->reason = "unhealthy";
}

/* ---- step 4: when to look again ----------------------------------------- */

static void
wake_min(struct remedy_decision *d, double t)
{
	if (t > 0 && t < HUGE_VAL && (d->wake_at == 0 || t < d->wake_at))
		d->wake_at = t;
}

static void
plan_wake(const struct remedy_state *s, const struct remedy_policy *p,
    double now, struct remedy_decision *d)
{
	/* The reset_after deadline changes the phase even without input. */
	if (s->healthy_since > 0 && (s->attempts > 0 || s->gave_up))
		wake_min(d, s->healthy_since + p->reset_after);
	/* A hold ending may unblock an unhealthy container. */
	if (s->hold_until > now && s->health == DOCKER_HEALTH_UNHEALTHY)
		wake_min(d, s->hold_until);
}

struct remedy_decision
remedy_decide(const struct remedy_state *st, const struct remedy_policy *p,
    const struct remedy_input *in, double now, struct remedy_state *out)
{
	struct remedy_state	 s = *st;
	struct remedy_decision	 d;

	memset(&d, 0, sizeof(d));
	d.dry_run = in->dry_run;
	switch (in->kind) {
	case REMEDY_IN_HEALTH:
		observe_health(&s, in->health, now);
		break;
	case REMEDY_IN_RESULT:
		finish_action(&s, p, in->result, now);
		break;
	case REMEDY_IN_NOT_SENT:
		take_back(&s, now);
		break;
	case REMEDY_IN_STOPPING:
		operator_stop(&s, in->signal, now, &d.events);
		break;
	case REMEDY_IN_STARTED:
		new_run(&s);
		break;
	case REMEDY_IN_RESET:
		operator_reset(&s, &d.events);
		break;
	case REMEDY_IN_TICK:
	case REMEDY_IN_DEPENDENCY:
		break;
	}
	expire(&s, p, now, &d.events);
	if (in->kind == REMEDY_IN_DEPENDENCY)
		verdict_dependency(&s, p, in, now, &d);
	else
		verdict_own(&s, p, in, now, &d);
	plan_wake(&s, p, now, &d);
	*out = s;
	return d;
}

/* ---- dependents ------------------------------------------------------- */

int
remedy_is_dependent(const char *network_mode, const struct remedy_policy *dep,
    const char *parent_id, const char *parent_name)
{
	const char	*ref;
	size_t		 i, n;

	if (network_mode != NULL && strncmp(network_mode, "container:", 10) == 0) {
		ref = network_mode + 10;
		n = strlen(ref);
		if (parent_name != NULL && *parent_name != '\0' &&
		    strcmp(ref + (*ref == '/'), parent_name) == 0)
			return 1;
		/*
		 * Docker stores the id; a user may have given a prefix, which
		 * is hex as it is a prefix of a valid id.
		 */
		if (parent_id != NULL && n >= 12 && n <= DOCKER_ID_LEN &&
		    id_valid(parent_id) && strncmp(parent_id, ref, n) == 0)
			return 1;
	}
	if (dep != NULL && dep->valid && parent_name != NULL && *parent_name != '\0')
		for (i = 0; i < dep->ndepends; i++)
			if (strcmp(dep->depends_on[i], parent_name) == 0)
				return 1;
	return 0;
}

