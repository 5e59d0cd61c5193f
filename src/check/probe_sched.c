/*
 * probe_sched: when each check probes next. The first probe of a run at a
 * random point of its interval, each next one the interval ± jitter after
 * the last one started (start_interval while the start period lasts),
 * and every due time rounded to a grid (probe_align) so that checks due
 * within a fraction of a second of each other fire in the same loop
 * iteration: a probe that wakes an idle CPU on its own costs about twice
 * as much as one of a batch (bench/README.md, idle cost), and the jitter
 * still spreads the checks over the slots of their interval.
 *
 * The engine re-arms a check's timer only when its probe is over, and
 * the timeout is always shorter than the interval: one probe in flight
 * per check.
 */
#include "check/probe.h"

#include <math.h>

#include "check/probe_check.h"

#define MIN_DELAY	0.001
#define SLACK_MAX	1.0		/* s */
#define SLACK_MIN	(1.0 / 1024)	/* s; below this, no grid */
#define SLACK_DIV	8		/* at most 1/8 of the interval */
#define SLACK_BATCH	16		/* about this many probes a step, at most */

double
probe_jitter(struct rand_state *r, double interval, double frac)
{
	return interval * (1.0 + frac * (2.0 * rand_unit(r) - 1.0));
}

double
probe_first_delay(struct rand_state *r, double interval)
{
	return interval * rand_unit(r);
}

/*
 * The grid of an interval: the largest power-of-two fraction of a second
 * up to 1 s and up to interval / 8 (1 s -> 125 ms, 4 s -> 500 ms, 8 s and
 * up -> 1 s), so a probe moves by at most 1/16 of its interval, less
 * than the ±10% jitter. Powers of two nest, so checks of different
 * intervals still share slots, and they are exact in binary: rounding a
 * time to them adds no error.
 *
 * And small enough that a step holds about SLACK_BATCH probes at the
 * engine's rate: past a dozen probes a wakeup is shared well enough,
 * while a larger batch only makes its probes wait for each other (their
 * durations include it) and blocks the loop longer (1,000 checks every
 * 10 s: 125 ms steps of ~12 probes, not 1 s steps of 100).
 */
double
probe_slack(double interval, double rate)
{
	double	 q, most = interval / SLACK_DIV;

	if (rate > 0 && SLACK_BATCH / rate < most)
		most = SLACK_BATCH / rate;
	for (q = SLACK_MAX; q >= SLACK_MIN; q /= 2)
		if (q <= most)
			return q;
	return 0;
}

/*
 * t to the nearest point of a grid (a step from probe_slack; 0 = none).
 * Nearest, not up: the next due time is measured from the moment the
 * probe really started, a little after its grid point, and rounding that
 * up would add a step to every period. With nearest, an interval that is a multiple of the
 * grid (whole seconds, and 1, 1.5, 2, 2.5 s...) keeps its period: exactly
 * without jitter, on average with it.
 */
double
probe_align(double t, double step)
{
	return step > 0 ? floor(t / step + 0.5) * step : t;
}

static double
current_interval(const struct check *ck, double now)
{
	uint64_t	 ms = health_in_start_period(&ck->health, &ck->params, now) ?
	    ck->spec.start_interval_ms : ck->spec.interval_ms;

	return (double)ms / 1000.0;
}

/* The timer for `when` (ev_now time) on the interval's grid. */
static void
arm(struct check *ck, double when, double interval)
{
	struct ev_loop	*loop = ck->eng->env.loop;
	double		 delay = probe_align(when,
	    probe_slack(interval, ck->eng->rate)) - ev_now(loop);

	ev_timer_stop(loop, &ck->timer);
	ev_timer_set(&ck->timer, delay > MIN_DELAY ? delay : MIN_DELAY, 0.);
	ev_timer_start(loop, &ck->timer);
}

int
probe_can_probe(const struct check *ck)
{
	return ck->active && !ck->paused &&
	    (ck->target.how != CHECKSPEC_TARGET_NETNS || ck->pid > 0);
}

void
probe_schedule_first(struct check *ck)
{
	struct probe_engine	*eng = ck->eng;
	double			 now = ev_now(eng->env.loop);
	double			 iv;

	ev_timer_stop(eng->env.loop, &ck->timer);
	if (!probe_can_probe(ck))
		return;
	iv = current_interval(ck, now);
	arm(ck, now + probe_first_delay(&eng->rng, iv), iv);
}

void
probe_schedule_next(struct check *ck)
{
	struct probe_engine	*eng = ck->eng;
	double			 iv;

	if (!probe_can_probe(ck))
		return;
	iv = current_interval(ck, ev_now(eng->env.loop));
	arm(ck, ck->probe_start + probe_jitter(&eng->rng, iv, eng->jitter), iv);
}
