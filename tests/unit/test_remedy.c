/*
 * The remediation decision as a pure function of (state, policy, input,
 * now). Every expected time below is worked out by hand from the rules
 * in remedy.h: delay(n) = min(backoff * 2^(n-1), backoff_max), counted
 * from the end of the previous action.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "remedy/remedy.h"

/* ---- helpers ------------------------------------------------------------ */

static void
policy(struct remedy_policy *p, const char *const *kv, size_t n)
{
	struct docker_label	 l[16];
	size_t			 i;

	assert_true(n / 2 <= 16);
	for (i = 0; i < n / 2; i++) {
		l[i].key = (char *)(uintptr_t)kv[2 * i];
		l[i].value = (char *)(uintptr_t)kv[2 * i + 1];
	}
	remedy_policy_build(p, NULL, "web", "busybox", l, n / 2, -1);
	if (!p->valid)
		fprintf(stderr, "policy error: %s\n", p->error);
	assert_true(p->valid);
}

/* on-unhealthy with the built-in numbers: 10s doubling to 5m, reset 10m, 5 in 1h. */
static void
default_policy(struct remedy_policy *p)
{
	static const char *const kv[] = { "hale.restart", "on-unhealthy" };

	policy(p, kv, 2);
}

static struct remedy_input
input(enum remedy_input_kind k)
{
	struct remedy_input	 in;

	memset(&in, 0, sizeof(in));
	in.kind = k;
	in.state = DOCKER_STATE_RUNNING;
	in.signal = -1;
	return in;
}

static struct remedy_decision
step(struct remedy_state *s, const struct remedy_policy *p,
    struct remedy_input in, double now)
{
	return remedy_decide(s, p, &in, now, s);
}

static struct remedy_decision
health(struct remedy_state *s, const struct remedy_policy *p,
    enum docker_health h, double now)
{
	struct remedy_input	 in = input(REMEDY_IN_HEALTH);

	in.health = h;
	return step(s, p, in, now);
}

static struct remedy_decision
tick(struct remedy_state *s, const struct remedy_policy *p, double now)
{
	return step(s, p, input(REMEDY_IN_TICK), now);
}

static struct remedy_decision
result(struct remedy_state *s, const struct remedy_policy *p,
    enum remedy_result r, double now)
{
	struct remedy_input	 in = input(REMEDY_IN_RESULT);

	in.result = r;
	return step(s, p, in, now);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_first_action_is_immediate(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	d = health(&s, &p, DOCKER_HEALTH_HEALTHY, 50);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "not unhealthy");
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.action, REMEDY_ACTION_RESTART);
	assert_int_equal(d.attempt, 1);
	assert_int_equal(d.dry_run, 0);
	assert_int_equal(d.dependent, 0);
	assert_int_equal(s.inflight, REMEDY_INFLIGHT_OWN);
	assert_int_equal(s.nwindow, 1);
	assert_true(s.window[0] == 100);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_BACKOFF);
	assert_true(remedy_next_allowed(&s, 100) == -1);	/* in flight */
	/* A second verdict while the first is in flight: nothing. */
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 101);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "an action is in flight");
	d = tick(&s, &p, 102);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(s.nwindow, 1);
}

static void
test_delay_table(void **state)
{
	struct remedy_policy	 p;
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.backoff", "2s",
		"hale.restart.backoff_max", "5s",
	};

	(void)state;
	default_policy(&p);
	assert_true(remedy_delay(&p, 1) == 10);
	assert_true(remedy_delay(&p, 2) == 20);
	assert_true(remedy_delay(&p, 3) == 40);
	assert_true(remedy_delay(&p, 4) == 80);
	assert_true(remedy_delay(&p, 5) == 160);
	assert_true(remedy_delay(&p, 6) == 300);	/* 320 capped */
	assert_true(remedy_delay(&p, 7) == 300);
	assert_true(remedy_delay(&p, 1000000) == 300);
	policy(&p, kv, 6);
	assert_true(remedy_delay(&p, 1) == 2);
	assert_true(remedy_delay(&p, 2) == 4);
	assert_true(remedy_delay(&p, 3) == 5);
	assert_true(remedy_delay(&p, 4) == 5);
}

/*
 * Unhealthy again right after every restart: each action waits delay(n)
 * after the previous one ended. Budget 64 in 30 days, so only the
 * backoff is at work. Restarts take 1 s.
 */
static void
test_backoff_doubles_to_cap(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.max", "64",
		"hale.restart.window", "30d",
	};
	static const double delays[] = { 10, 20, 40, 80, 160, 300, 300, 300 };
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	double			 t = 1000, end;
	size_t			 i;

	(void)state;
	policy(&p, kv, 6);
	remedy_state_init(&s);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, t);
	assert_int_equal(d.verdict, REMEDY_ACT);
	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		end = t + 1;
		d = result(&s, &p, REMEDY_RESULT_OK, end);
		assert_int_equal(d.verdict, REMEDY_NONE);
		/* Restarted: the old verdict is void, the check starts over. */
		assert_int_equal(s.health, DOCKER_HEALTH_STARTING);
		assert_true(d.wake_at == 0);
		assert_true(remedy_next_allowed(&s, end) == end + delays[i]);
		/* Unhealthy again 2 s later: wait for the backoff. */
		d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, end + 2);
		assert_int_equal(d.verdict, REMEDY_NONE);
		assert_string_equal(d.reason, "backoff");
		assert_true(d.wake_at == end + delays[i]);
		/* A tick a moment early does nothing; on time it acts. */
		d = tick(&s, &p, end + delays[i] - 0.001);
		assert_int_equal(d.verdict, REMEDY_NONE);
		assert_true(d.wake_at == end + delays[i]);
		t = end + delays[i];
		d = tick(&s, &p, t);
		assert_int_equal(d.verdict, REMEDY_ACT);
		assert_int_equal(d.attempt, i + 2);
	}
	assert_int_equal(s.attempts, 9);
	assert_int_equal(s.nwindow, 9);
}

static void
test_reset_after_continuous_health(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	/* Two restarts: attempts 2, next delay would be 40 s. */
	assert_int_equal(health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100).verdict,
	    REMEDY_ACT);
	result(&s, &p, REMEDY_RESULT_OK, 101);
	assert_int_equal(health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 111).verdict,
	    REMEDY_ACT);
	result(&s, &p, REMEDY_RESULT_OK, 112);
	assert_int_equal(s.attempts, 2);
	/* Healthy at 200; interrupted at 500; healthy again from 501. */
	d = health(&s, &p, DOCKER_HEALTH_HEALTHY, 200);
	assert_true(d.wake_at == 800);		/* 200 + reset_after */
	health(&s, &p, DOCKER_HEALTH_STARTING, 500);
	d = health(&s, &p, DOCKER_HEALTH_HEALTHY, 501);
	assert_true(d.wake_at == 1101);
	d = tick(&s, &p, 800);
	assert_int_equal(d.events & REMEDY_EV_BACKOFF_RESET, 0);
	assert_int_equal(s.attempts, 2);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_BACKOFF);
	/* A healthy report repeated does not restart the clock. */
	health(&s, &p, DOCKER_HEALTH_HEALTHY, 900);
	d = tick(&s, &p, 1100.999);
	assert_int_equal(s.attempts, 2);
	d = tick(&s, &p, 1101);
	assert_int_equal(d.events, REMEDY_EV_BACKOFF_RESET);
	assert_int_equal(s.attempts, 0);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_OK);
	assert_true(d.wake_at == 0);
	/* The next failure acts at once, as attempt 1, with a 10 s backoff after. */
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 1200);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 1);
	result(&s, &p, REMEDY_RESULT_OK, 1201);
	assert_true(remedy_next_allowed(&s, 1201) == 1211);
	/* The budget window still holds all three starts. */
	assert_int_equal(remedy_window_used(&s, &p, 1201), 3);
}

static void
test_budget_gives_up_and_recovers(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.backoff", "2s",
		"hale.restart.max", "2",
		"hale.restart.window", "1h",
		"hale.restart.reset_after", "60s",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	policy(&p, kv, 10);
	remedy_state_init(&s);
	assert_int_equal(health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100).verdict,
	    REMEDY_ACT);
	result(&s, &p, REMEDY_RESULT_OK, 101);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 110);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 2);
	result(&s, &p, REMEDY_RESULT_OK, 111);
	/* Third time: delay(2) = 4 s has passed, but 2 starts in the hour. */
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 120);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(d.events, REMEDY_EV_GAVE_UP);
	assert_string_equal(d.reason, "budget spent: giving up");
	assert_int_equal(s.gave_up, 1);
	assert_true(s.gave_up_at == 120);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_GAVE_UP);
	assert_true(remedy_next_allowed(&s, 120) == -1);
	/* Sticky: no second give-up event, no action, even after the window. */
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 130);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(d.events, 0);
	assert_string_equal(d.reason,
	    "gave up: waiting for health or an operator reset");
	d = tick(&s, &p, 100 + 3600 + 10);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(s.nwindow, 0);		/* the window slid empty */
	assert_int_equal(s.gave_up, 1);
	/* Healthy for reset_after (60 s) ends it. */
	d = health(&s, &p, DOCKER_HEALTH_HEALTHY, 5000);
	assert_true(d.wake_at == 5060);
	d = tick(&s, &p, 5059);
	assert_int_equal(s.gave_up, 1);
	d = tick(&s, &p, 5060);
	assert_int_equal(d.events, REMEDY_EV_RECOVERED | REMEDY_EV_BACKOFF_RESET);
	assert_int_equal(s.gave_up, 0);
	assert_int_equal(s.attempts, 0);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_OK);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 5100);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 1);
}

/* Recovering from a give-up does not refill the budget: the window slides. */
static void
test_recovery_keeps_the_window(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.backoff", "1s",
		"hale.restart.max", "2",
		"hale.restart.reset_after", "60s",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	policy(&p, kv, 8);
	remedy_state_init(&s);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	result(&s, &p, REMEDY_RESULT_OK, 101);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 200);
	result(&s, &p, REMEDY_RESULT_OK, 201);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 300);
	assert_int_equal(d.events, REMEDY_EV_GAVE_UP);
	health(&s, &p, DOCKER_HEALTH_HEALTHY, 310);
	d = tick(&s, &p, 370);
	assert_true((d.events & REMEDY_EV_RECOVERED) != 0);
	/* Starts at 100 and 200 are still within the hour before 400. */
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 400);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(d.events, REMEDY_EV_GAVE_UP);
	/* Sticky again until healthy for reset_after; by 3805 both starts left the hour. */
	health(&s, &p, DOCKER_HEALTH_HEALTHY, 3700);
	tick(&s, &p, 3760);
	assert_int_equal(s.gave_up, 0);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 3805);
	assert_int_equal(d.verdict, REMEDY_ACT);	/* window empty at 3805 */
}

static void
test_operator_reset(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.max", "1",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	policy(&p, kv, 4);
	remedy_state_init(&s);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	result(&s, &p, REMEDY_RESULT_FAILED, 101);
	/* Failed: still unhealthy; after delay(1) = 10 s the budget is spent. */
	d = tick(&s, &p, 111);
	assert_int_equal(d.events, REMEDY_EV_GAVE_UP);
	d = step(&s, &p, input(REMEDY_IN_RESET), 120);
	assert_int_equal(d.events, REMEDY_EV_RESET);
	/* Reset clears give-up, backoff and budget: acts at once. */
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 1);
	assert_int_equal(s.nwindow, 1);
	assert_int_equal(s.gave_up, 0);
}

static void
test_never_acts_when_not_running(void **state)
{
	static const struct {
		enum docker_state	 st;
		const char		*reason;
	} cases[] = {
		{ DOCKER_STATE_PAUSED, "container is paused" },
		{ DOCKER_STATE_RESTARTING, "docker is restarting it (restart policy)" },
		{ DOCKER_STATE_REMOVING, "container is being removed" },
		{ DOCKER_STATE_EXITED, "container is not running" },
		{ DOCKER_STATE_DEAD, "container is not running" },
		{ DOCKER_STATE_CREATED, "container was never started" },
		{ DOCKER_STATE_UNKNOWN, "container state unknown" },
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;
	size_t			 i;

	(void)state;
	default_policy(&p);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		remedy_state_init(&s);
		in = input(REMEDY_IN_HEALTH);
		in.health = DOCKER_HEALTH_UNHEALTHY;
		in.state = cases[i].st;
		d = step(&s, &p, in, 100);
		assert_int_equal(d.verdict, REMEDY_NONE);
		assert_string_equal(d.reason, cases[i].reason);
		assert_int_equal(s.attempts, 0);
		assert_int_equal(s.nwindow, 0);
		assert_int_equal(s.health, DOCKER_HEALTH_UNHEALTHY);
		/* Running again (unpaused): the same verdict now acts. */
		d = tick(&s, &p, 101);
		assert_int_equal(d.verdict, REMEDY_ACT);
	}
}

static void
test_never_acts_on_self_off_invalid(void **state)
{
	static const char *const bad[] = {
		"hale.restart", "on-unhealthy", "hale.restart.max", "lots",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;
	struct docker_label	 l[2];

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	in = input(REMEDY_IN_HEALTH);
	in.health = DOCKER_HEALTH_UNHEALTHY;
	in.is_self = 1;
	d = step(&s, &p, in, 100);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "hale's own container");
	/* The default: hale watches but never acts. */
	remedy_policy_build(&p, NULL, "web", "img", NULL, 0, -1);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	remedy_state_init(&s);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "remediation off (restart=never)");
	/* Invalid labels: off, with the reason in the policy. */
	l[0].key = (char *)(uintptr_t)bad[0];
	l[0].value = (char *)(uintptr_t)bad[1];
	l[1].key = (char *)(uintptr_t)bad[2];
	l[1].value = (char *)(uintptr_t)bad[3];
	remedy_policy_build(&p, NULL, "web", "img", l, 2, -1);
	assert_false(p.valid);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 101);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "policy invalid");
}

static void
test_dry_run_simulates(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.backoff", "2s",
		"hale.restart.max", "2",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;

	(void)state;
	policy(&p, kv, 6);
	remedy_state_init(&s);
	in = input(REMEDY_IN_HEALTH);
	in.health = DOCKER_HEALTH_UNHEALTHY;
	in.dry_run = 1;
	d = step(&s, &p, in, 100);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.dry_run, 1);
	in = input(REMEDY_IN_RESULT);
	in.result = REMEDY_RESULT_DRY_RUN;
	in.dry_run = 1;
	d = step(&s, &p, in, 100);
	/* Nothing was restarted: still unhealthy, wait delay(1) = 2 s. */
	assert_int_equal(s.health, DOCKER_HEALTH_UNHEALTHY);
	assert_true(d.wake_at == 102);
	assert_true(s.own_until == 0);		/* no events of ours to ignore */
	in = input(REMEDY_IN_TICK);
	in.dry_run = 1;
	d = step(&s, &p, in, 102);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.dry_run, 1);
	assert_int_equal(d.attempt, 2);
	in = input(REMEDY_IN_RESULT);
	in.result = REMEDY_RESULT_DRY_RUN;
	in.dry_run = 1;
	d = step(&s, &p, in, 102);
	assert_true(d.wake_at == 106);
	in = input(REMEDY_IN_TICK);
	in.dry_run = 1;
	d = step(&s, &p, in, 106);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_int_equal(d.events, REMEDY_EV_GAVE_UP);
	assert_int_equal(d.dry_run, 1);
}

static void
test_operator_stop_holds(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	/* docker stop: SIGTERM, then the check fails while it shuts down. */
	in = input(REMEDY_IN_STOPPING);
	in.signal = 15;
	d = step(&s, &p, in, 100);
	assert_int_equal(d.events, REMEDY_EV_HOLD);
	/* Its SIGKILL after the stop timeout: the same hold, not reported again. */
	in.signal = 9;
	d = step(&s, &p, in, 100.5);
	assert_int_equal(d.events, 0);
	assert_true(s.hold_until == 100.5 + REMEDY_HOLD_MAX);
	in.signal = 15;
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 101);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "an operator is stopping it");
	assert_true(d.wake_at == 100.5 + REMEDY_HOLD_MAX);
	/* It exited: never acted on, and no hold is needed any more. */
	in = input(REMEDY_IN_TICK);
	in.state = DOCKER_STATE_EXITED;
	assert_int_equal(step(&s, &p, in, 105).verdict, REMEDY_NONE);
	/* Started again by the operator: a new run, the old verdict is void. */
	step(&s, &p, input(REMEDY_IN_STARTED), 200);
	assert_true(s.hold_until == 0);
	assert_int_equal(s.health, DOCKER_HEALTH_STARTING);
	d = tick(&s, &p, 201);
	assert_int_equal(d.verdict, REMEDY_NONE);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 230);
	assert_int_equal(d.verdict, REMEDY_ACT);
	/* A later stop is a new hold, reported again. */
	result(&s, &p, REMEDY_RESULT_OK, 231);
	in = input(REMEDY_IN_STOPPING);
	in.signal = 15;
	d = step(&s, &p, in, 231 + REMEDY_OWN_GRACE + 1);
	assert_int_equal(d.events, REMEDY_EV_HOLD);
}

static void
test_reload_signal_holds_briefly(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	in = input(REMEDY_IN_STOPPING);
	in.signal = 1;			/* SIGHUP: a reload */
	step(&s, &p, in, 100);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 101);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_true(d.wake_at == 130);
	d = tick(&s, &p, 130);
	assert_int_equal(d.verdict, REMEDY_ACT);
}

/* kill/stop events caused by our own restart are not an operator's. */
static void
test_own_events_ignored(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	in = input(REMEDY_IN_STOPPING);
	in.signal = 15;
	d = step(&s, &p, in, 100.5);		/* in flight */
	assert_int_equal(d.events, 0);
	result(&s, &p, REMEDY_RESULT_OK, 102);
	d = step(&s, &p, in, 102 + REMEDY_OWN_GRACE - 0.5);	/* late delivery */
	assert_int_equal(d.events, 0);
	assert_true(s.hold_until == 0);
	d = step(&s, &p, in, 102 + REMEDY_OWN_GRACE + 0.5);
	assert_int_equal(d.events, REMEDY_EV_HOLD);
}

static void
test_not_sent_is_taken_back(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	d = step(&s, &p, input(REMEDY_IN_NOT_SENT), 100);
	assert_int_equal(s.attempts, 0);
	assert_int_equal(s.nwindow, 0);
	assert_int_equal(s.inflight, REMEDY_INFLIGHT_NONE);
	assert_string_equal(d.reason, "docker unreachable: retrying");
	assert_true(d.wake_at == 100 + REMEDY_RETRY_DELAY);
	d = tick(&s, &p, 100 + REMEDY_RETRY_DELAY);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 1);
}

static void
test_failed_and_timeout_keep_trying(void **state)
{
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	default_policy(&p);
	remedy_state_init(&s);
	health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	d = result(&s, &p, REMEDY_RESULT_FAILED, 101);
	/* Still unhealthy as far as we know: try again after delay(1). */
	assert_int_equal(s.health, DOCKER_HEALTH_UNHEALTHY);
	assert_true(d.wake_at == 111);
	d = tick(&s, &p, 111);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.attempt, 2);
	d = result(&s, &p, REMEDY_RESULT_TIMEOUT, 141);
	assert_true(d.wake_at == 161);		/* 141 + delay(2) */
	/* A result with nothing in flight changes nothing. */
	d = result(&s, &p, REMEDY_RESULT_OK, 150);
	assert_true(s.next_allowed == 161);
	assert_int_equal(s.health, DOCKER_HEALTH_UNHEALTHY);
}

static void
test_other_actions(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy", "hale.action", "kill",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;

	(void)state;
	policy(&p, kv, 4);
	remedy_state_init(&s);
	d = health(&s, &p, DOCKER_HEALTH_UNHEALTHY, 100);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.action, REMEDY_ACTION_KILL);
	/* A kill is not a restart: the verdict stands until Docker says start. */
	result(&s, &p, REMEDY_RESULT_OK, 100.1);
	assert_int_equal(s.health, DOCKER_HEALTH_UNHEALTHY);
}

static void
test_dependency_restart(void **state)
{
	static const char *const never[] = { "hale.restart", "never" };
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;

	(void)state;
	/* No labels at all: the default "never" does not block dependents. */
	remedy_policy_build(&p, NULL, "app", "img", NULL, 0, -1);
	remedy_state_init(&s);
	d = step(&s, &p, input(REMEDY_IN_DEPENDENCY), 100);
	assert_int_equal(d.verdict, REMEDY_ACT);
	assert_int_equal(d.action, REMEDY_ACTION_RESTART);
	assert_int_equal(d.dependent, 1);
	assert_int_equal(s.inflight, REMEDY_INFLIGHT_DEPENDENT);
	/* Not its own failure: no attempt, no budget, no backoff. */
	assert_int_equal(s.attempts, 0);
	assert_int_equal(s.nwindow, 0);
	result(&s, &p, REMEDY_RESULT_OK, 101);
	assert_true(s.next_allowed == 0);
	assert_int_equal(remedy_phase(&s), REMEDY_PHASE_OK);
	/* Paused, or explicitly never: left alone. */
	in = input(REMEDY_IN_DEPENDENCY);
	in.state = DOCKER_STATE_PAUSED;
	assert_int_equal(step(&s, &p, in, 200).verdict, REMEDY_NONE);
	policy(&p, never, 2);
	d = step(&s, &p, input(REMEDY_IN_DEPENDENCY), 201);
	assert_int_equal(d.verdict, REMEDY_NONE);
	assert_string_equal(d.reason, "restart=never set for this container");
}

static void
test_is_dependent(void **state)
{
	static const char *const kv[] = { "hale.depends_on", "db,/web" };
	const char		*id =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct remedy_policy	 p, none;
	struct docker_label	 l[1];

	(void)state;
	remedy_policy_build(&none, NULL, "x", "img", NULL, 0, -1);
	assert_int_equal(remedy_is_dependent("container:web", &none, id, "web"), 1);
	assert_int_equal(remedy_is_dependent("container:/web", &none, id, "web"), 1);
	assert_int_equal(remedy_is_dependent("container:webx", &none, id, "web"), 0);
	assert_int_equal(remedy_is_dependent(
	    "container:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    &none, id, "web"), 1);
	assert_int_equal(remedy_is_dependent("container:0123456789ab", &none, id,
	    "web"), 1);
	assert_int_equal(remedy_is_dependent("container:0123456789a", &none, id,
	    "web"), 0);		/* under 12: too short to be sure */
	assert_int_equal(remedy_is_dependent("container:0123456789ac", &none, id,
	    "web"), 0);
	assert_int_equal(remedy_is_dependent("bridge", &none, id, "web"), 0);
	assert_int_equal(remedy_is_dependent(NULL, &none, id, "web"), 0);
	l[0].key = (char *)(uintptr_t)kv[0];
	l[0].value = (char *)(uintptr_t)kv[1];
	remedy_policy_build(&p, NULL, "app", "img", l, 1, -1);
	assert_true(p.valid);
	assert_int_equal(p.ndepends, 2);
	assert_int_equal(remedy_is_dependent("none", &p, id, "web"), 1);
	assert_int_equal(remedy_is_dependent("none", &p, id, "db"), 1);
	assert_int_equal(remedy_is_dependent("none", &p, id, "cache"), 0);
	assert_int_equal(remedy_is_dependent("none", &p, id, ""), 0);
}

/*
 * A flapping container fed pseudo-random health, results and ticks for a
 * simulated day: no window of `window` seconds ever holds more than
 * `max` starts, and no action starts while another is in flight.
 */
static void
test_budget_never_exceeded_when_flapping(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.restart.backoff", "1s",
		"hale.restart.backoff_max", "4s",
		"hale.restart.max", "3",
		"hale.restart.window", "10m",
		"hale.restart.reset_after", "20s",
	};
	struct remedy_policy	 p;
	struct remedy_state	 s;
	struct remedy_decision	 d;
	struct remedy_input	 in;
	double			 acts[4096], t = 1000;
	size_t			 nacts = 0, i, j, inwin;
	uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
	int			 inflight = 0, resets = 0;

	(void)state;
	policy(&p, kv, 12);
	remedy_state_init(&s);
	while (t < 1000 + 86400 && nacts < 4096) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		t += (double)((rng >> 33) % 7000) / 1000.0;
		switch ((rng >> 20) % 6) {
		case 0:
		case 1:
			in = input(REMEDY_IN_HEALTH);
			in.health = DOCKER_HEALTH_UNHEALTHY;
			break;
		case 2:
			in = input(REMEDY_IN_HEALTH);
			in.health = DOCKER_HEALTH_HEALTHY;
			break;
		case 3:
			in = input(REMEDY_IN_RESULT);
			in.result = (rng >> 40) % 2 ? REMEDY_RESULT_OK :
			    REMEDY_RESULT_FAILED;
			break;
		case 4:
			in = input(REMEDY_IN_STARTED);
			break;
		default:
			in = input(REMEDY_IN_TICK);
			break;
		}
		if (in.kind == REMEDY_IN_RESULT)
			inflight = 0;
		d = step(&s, &p, in, t);
		if (d.events & REMEDY_EV_RECOVERED)
			resets++;
		if (d.verdict != REMEDY_ACT)
			continue;
		assert_int_equal(inflight, 0);
		inflight = 1;
		acts[nacts++] = t;
	}
	assert_true(nacts > 20);		/* it did flap and act */
	assert_true(resets > 0);		/* and gave up, and recovered */
	for (i = 0; i < nacts; i++) {
		for (inwin = 0, j = 0; j <= i; j++)
			if (acts[j] > acts[i] - 600)
				inwin++;
		assert_true(inwin <= 3);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(remedy_phase_name(REMEDY_PHASE_OK), "ok");
	assert_string_equal(remedy_phase_name(REMEDY_PHASE_BACKOFF), "backoff");
	assert_string_equal(remedy_phase_name(REMEDY_PHASE_GAVE_UP), "gave_up");
	assert_string_equal(remedy_result_name(REMEDY_RESULT_TIMEOUT), "timeout");
	assert_string_equal(remedy_result_name(REMEDY_RESULT_DRY_RUN), "dry_run");
	assert_string_equal(docker_health_name(DOCKER_HEALTH_UNHEALTHY),
	    "unhealthy");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_action_is_immediate),
		cmocka_unit_test(test_delay_table),
		cmocka_unit_test(test_backoff_doubles_to_cap),
		cmocka_unit_test(test_reset_after_continuous_health),
		cmocka_unit_test(test_budget_gives_up_and_recovers),
		cmocka_unit_test(test_recovery_keeps_the_window),
		cmocka_unit_test(test_operator_reset),
		cmocka_unit_test(test_never_acts_when_not_running),
		cmocka_unit_test(test_never_acts_on_self_off_invalid),
		cmocka_unit_test(test_dry_run_simulates),
		cmocka_unit_test(test_operator_stop_holds),
		cmocka_unit_test(test_reload_signal_holds_briefly),
		cmocka_unit_test(test_own_events_ignored),
		cmocka_unit_test(test_not_sent_is_taken_back),
		cmocka_unit_test(test_failed_and_timeout_keep_trying),
		cmocka_unit_test(test_other_actions),
		cmocka_unit_test(test_dependency_restart),
		cmocka_unit_test(test_is_dependent),
		cmocka_unit_test(test_budget_never_exceeded_when_flapping),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
