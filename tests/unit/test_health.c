#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "check/health.h"

/*
 * Feeds a string of results, one per second starting at t0 + 1:
 * '+' success, '-' failure. Returns the status after each step as a
 * string of letters: s starting, h healthy, u unhealthy.
 */
static const char *
run(struct health *h, const struct health_params *p, double t0,
    const char *seq)
{
	static char		 out[128];
	struct health_transition tr;
	size_t			 i;

	for (i = 0; seq[i] != '\0' && i < sizeof(out) - 1; i++) {
		health_observe(h, p, seq[i] == '+', t0 + (double)(i + 1), &tr);
		out[i] = "nshu"[h->status];
	}
	out[i] = '\0';
	return out;
}

static void
test_reset(void **state)
{
	struct health	 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.ok_streak = 7;
	h.fail_streak = 9;
	h.status = DOCKER_HEALTH_UNHEALTHY;
	health_reset(&h, 100.0, 105.0);
	assert_int_equal(h.status, DOCKER_HEALTH_STARTING);
	assert_int_equal(h.ok_streak, 0);
	assert_int_equal(h.fail_streak, 0);
	assert_true(h.start == 100.0);
	assert_true(h.since == 105.0);
}

/* Defaults rise 1, fall 3, no start period: Docker's behaviour. */
static void
test_docker_like(void **state)
{
	struct health_params	 p = { 0, 1, 3 };
	struct health		 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_string_equal(run(&h, &p, 0, "--+---+"), "sshhhuh");
}

static void
test_rise_fall(void **state)
{
	struct health_params	 p = { 0, 2, 2 };
	struct health		 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	/* 2 successes to healthy, 2 failures to unhealthy, 2 to recover. */
	assert_string_equal(run(&h, &p, 0, "++--++"), "shhuuh");
	assert_int_equal(h.ok_streak, 2);
	assert_int_equal(h.fail_streak, 0);
	assert_int_equal(h.transitions, 3);
}

/* Alternating results never reach a threshold of 2: the state holds. */
static void
test_flapping(void **state)
{
	struct health_params	 p = { 0, 2, 2 };
	struct health		 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_string_equal(run(&h, &p, 0, "+-+-+-+-"), "ssssssss");
	assert_string_equal(run(&h, &p, 10, "++"), "sh");
	assert_string_equal(run(&h, &p, 20, "-+-+-+-+-+"), "hhhhhhhhhh");
	assert_string_equal(run(&h, &p, 40, "--"), "hu");
	assert_string_equal(run(&h, &p, 50, "+-+-+-"), "uuuuuu");
	assert_int_equal(h.ok_streak, 0);
	assert_int_equal(h.fail_streak, 1);
}

/*
 * start_period 5 s from t=0: failures at t=1..4 are ignored (the one at
 * t=5 is outside: 5 - 0 < 5 is false), so fall 2 is reached at t=6.
 */
static void
test_start_period_ignores_failures(void **state)
{
	struct health_params	 p = { 5000, 1, 2 };
	struct health		 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_string_equal(run(&h, &p, 0, "------"), "sssssu");
	assert_int_equal(h.ignored, 4);
	assert_int_equal(h.fail_streak, 2);
}

/* rise successes inside the start period end it early. */
static void
test_start_period_success(void **state)
{
	struct health_params	 p = { 60000, 3, 1 };
	struct health		 h;
	struct health_transition tr;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_string_equal(run(&h, &p, 0, "+-++"), "ssss");
	assert_true(health_in_start_period(&h, &p, 4.0));
	assert_int_equal(health_observe(&h, &p, 1, 5.0, &tr), 1);
	assert_int_equal(tr.from, DOCKER_HEALTH_STARTING);
	assert_int_equal(tr.to, DOCKER_HEALTH_HEALTHY);
	assert_false(health_in_start_period(&h, &p, 6.0));
	/* Healthy now: a failure counts even inside the start period. */
	assert_int_equal(health_observe(&h, &p, 0, 6.0, &tr), 1);
	assert_int_equal(tr.from, DOCKER_HEALTH_HEALTHY);
	assert_int_equal(tr.to, DOCKER_HEALTH_UNHEALTHY);
}

/* A restart brings back starting and a fresh start period. */
static void
test_restart_reset(void **state)
{
	struct health_params	 p = { 3000, 1, 1 };
	struct health		 h;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_string_equal(run(&h, &p, 10, "-"), "u");
	health_reset(&h, 100, 100);
	assert_int_equal(h.status, DOCKER_HEALTH_STARTING);
	assert_string_equal(run(&h, &p, 100, "--+"), "ssh");
	assert_string_equal(run(&h, &p, 103, "-"), "u");
}

/* Exactly one transition reported per change, none for repeats. */
static void
test_transitions_once(void **state)
{
	struct health_params	 p = { 0, 1, 1 };
	struct health		 h;
	struct health_transition tr;

	(void)state;
	memset(&h, 0, sizeof(h));
	health_reset(&h, 0, 0);
	assert_int_equal(health_observe(&h, &p, 1, 1, &tr), 1);
	assert_int_equal(health_observe(&h, &p, 1, 2, &tr), 0);
	assert_int_equal(health_observe(&h, &p, 1, 3, &tr), 0);
	assert_int_equal(health_observe(&h, &p, 0, 4, &tr), 1);
	assert_int_equal(tr.to, DOCKER_HEALTH_UNHEALTHY);
	assert_int_equal(health_observe(&h, &p, 0, 5, &tr), 0);
	assert_int_equal(h.transitions, 2);
	assert_true(h.since == 4.0);
}

static void
test_combine(void **state)
{
	enum health_source	 src;

	(void)state;
	assert_int_equal(health_combine(1, DOCKER_HEALTH_UNHEALTHY, DOCKER_HEALTH_HEALTHY, &src),
	    DOCKER_HEALTH_UNHEALTHY);
	assert_int_equal(src, HEALTH_SOURCE_HALE);
	assert_int_equal(health_combine(1, DOCKER_HEALTH_NONE, DOCKER_HEALTH_HEALTHY, &src),
	    DOCKER_HEALTH_STARTING);
	assert_int_equal(health_combine(0, DOCKER_HEALTH_HEALTHY, DOCKER_HEALTH_UNHEALTHY, &src),
	    DOCKER_HEALTH_UNHEALTHY);
	assert_int_equal(src, HEALTH_SOURCE_DOCKER);
	assert_int_equal(health_combine(0, DOCKER_HEALTH_NONE, DOCKER_HEALTH_NONE, &src),
	    DOCKER_HEALTH_NONE);
	assert_int_equal(src, HEALTH_SOURCE_NONE);
	assert_int_equal(docker_health_value(DOCKER_HEALTH_HEALTHY), 1);
	assert_int_equal(docker_health_value(DOCKER_HEALTH_STARTING), 0);
	assert_int_equal(docker_health_value(DOCKER_HEALTH_UNHEALTHY), 0);
	assert_int_equal(docker_health_value(DOCKER_HEALTH_NONE), -1);
	assert_string_equal(docker_health_name(DOCKER_HEALTH_UNHEALTHY), "unhealthy");
	assert_string_equal(health_source_name(HEALTH_SOURCE_HALE), "hale");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_docker_like),
		cmocka_unit_test(test_rise_fall),
		cmocka_unit_test(test_flapping),
		cmocka_unit_test(test_start_period_ignores_failures),
		cmocka_unit_test(test_start_period_success),
		cmocka_unit_test(test_restart_reset),
		cmocka_unit_test(test_transitions_once),
		cmocka_unit_test(test_combine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
