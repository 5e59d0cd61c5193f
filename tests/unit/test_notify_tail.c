/*
 * Log tails for events: GET /containers/{id}/logs against the fake
 * engine on a real socket (a multiplexed reply, an error, a reply slower
 * than the timeout), and notify holding an event for it: webhooks
 * without log_tail get it at once, the others when the tail came or the
 * timeout ended the wait.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "core/clock.h"
#include "docker_harness.h"
#include "remedy/events.h"
#include "remedy/notify.h"

#define P_LOGS	"/v1.41/containers/*/logs"

struct tail_result {
	int	 calls;
	int	 got;		/* text was given */
	char	 text[4096];
	char	 err[256];
};

static void
on_tail(void *arg, const char *text, size_t len, const char *err)
{
	struct tail_result	*r = arg;

	r->calls++;
	r->got = text != NULL;
	snprintf(r->text, sizeof(r->text), "%.*s", (int)len, text != NULL ?
	    text : "");
	snprintf(r->err, sizeof(r->err), "%s", err);
}

static int
tail_answered(void *arg)
{
	return ((struct tail_result *)arg)->calls > 0;
}

/* Two frames, stdout and stderr, as Docker sends them without a TTY. */
static const char mux[] =
    "\x01\0\0\0\0\0\0\x0c" "hello there\n"
    "\x02\0\0\0\0\0\0\x0a" "exiting 3\n";

static void
test_logs_mux(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 r = { .body = mux, .body_len = sizeof(mux) - 1,
	    .headers = "Content-Type: application/vnd.docker.multiplexed-stream\r\n" };
	struct tail_result	 res = { 0 };
	char			 err[256];

	dh_start_synced(t);
	fake_engine_reply(t->fe, "GET", P_LOGS, &r);
	assert_non_null(docker_container_logs(t->d, WEB, 5, 4096, 2.0, on_tail,
	    &res, err, sizeof(err)));
	assert_true(fake_run_until(t->loop, tail_answered, &res, 5));
	assert_int_equal(res.got, 1);
	assert_string_equal(res.text, "hello there\nexiting 3");
	assert_string_equal(fake_engine_last(t->fe, "GET", P_LOGS),
	    "/v1.41/containers/" WEB "/logs?stdout=1&stderr=1&tail=5&"
	    "timestamps=0");
	/* A bad id never reaches the engine. */
	assert_null(docker_container_logs(t->d, "../x", 5, 4096, 2.0, on_tail,
	    &res, err, sizeof(err)));
	assert_string_equal(err, "not a container id");
}

/* The json-file driver absent: Docker's message, no text. */
static void
test_logs_error(void **state)
{
	struct dh		*t = *state;
	struct tail_result	 res = { 0 };
	char			 err[256];

	dh_start_synced(t);
	fake_engine_json(t->fe, "GET", P_LOGS, 501,
	    "{\"message\":\"configured logging driver does not support reading\"}");
	assert_non_null(docker_container_logs(t->d, WEB, 5, 4096, 2.0, on_tail,
	    &res, err, sizeof(err)));
	assert_true(fake_run_until(t->loop, tail_answered, &res, 5));
	assert_int_equal(res.got, 0);
	assert_non_null(strstr(res.err, "HTTP 501"));
}

/* Slower than the timeout: answered without text when the timeout ends. */
static void
test_logs_timeout(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow = { .body = mux, .body_len = sizeof(mux) - 1,
	    .delay_ms = 3000 };
	struct tail_result	 res = { 0 };
	char			 err[256];
	double			 t0;

	dh_start_synced(t);
	fake_engine_reply(t->fe, "GET", P_LOGS, &slow);
	t0 = clock_mono();
	assert_non_null(docker_container_logs(t->d, WEB, 5, 4096, 0.3, on_tail,
	    &res, err, sizeof(err)));
	assert_true(fake_run_until(t->loop, tail_answered, &res, 5));
	assert_int_equal(res.got, 0);
	assert_true(clock_mono() - t0 < 1.5);
	assert_non_null(strstr(res.err, "timed out"));
}

static struct notify_config *
parse(const char *json)
{
	struct notify_config	*cfg;
	struct buf		 errors;
	cJSON			*j = cJSON_Parse(json);

	assert_non_null(j);
	buf_init(&errors);
	assert_int_equal(notify_config_from_json(j, "notify", &cfg, &errors), 0);
	buf_free(&errors);
	cJSON_Delete(j);
	return cfg;
}

struct queued {
	struct notify	*n;
	size_t		 want;
};

static int
queued(void *arg)
{
	struct queued		*q = arg;
	struct notify_stats	 st;

	notify_get_stats(q->n, &st);
	return st.queued >= q->want;
}

/*
 * Webhook 0 (no log_tail) gets the exit at once; webhook 1 (log_tail)
 * after the slow logs request timed out, without the tail. The
 * receivers (port 1) refuse: the documents stay queued, retrying.
 */
static void
test_notify_waits_for_tail(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow = { .body = mux, .body_len = sizeof(mux) - 1,
	    .delay_ms = 3000 };
	struct notify_config	*cfg;
	struct notify_stats	 st;
	struct notify		*n;
	struct event		 ev;
	struct queued		 q;
	char			 err[256];
	double			 t0;

	dh_start_synced(t);
	fake_engine_reply(t->fe, "GET", P_LOGS, &slow);
	cfg = parse("{\"retries\": 20, \"log_tail\": {\"timeout\": \"300ms\"},"
	    " \"webhooks\": ["
	    " {\"url\": \"http://127.0.0.1:1/a\", \"events\": [\"exit\"]},"
	    " {\"url\": \"http://127.0.0.1:1/b\", \"log_tail\": true}]}");
	n = notify_new(t->loop, t->cv, cfg, err, sizeof(err));
	assert_non_null(n);
	notify_set_docker(n, t->d, t->inv);
	event_init(&ev, EVENT_EXIT, WEB, NULL, 1714557600.5);
	ev.exit_code = 3;
	t0 = clock_mono();
	notify_send_event(n, &ev);
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 1);
	q.n = n;
	q.want = 2;
	assert_true(fake_run_until(t->loop, queued, &q, 5));
	assert_true(clock_mono() - t0 >= 0.25);
	assert_true(clock_mono() - t0 < 1.5);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LOGS), 1);
	notify_get_stats(n, &st);
	assert_int_equal(st.tails_timeout, 1);
	assert_int_equal(st.tails_ok, 0);
	/* A healthy event wants no tail: both at once. */
	event_init(&ev, EVENT_HEALTHY, WEB, NULL, 1714557601.5);
	notify_send_event(n, &ev);
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 3);		/* webhook 0 takes exit only */
	/* An event still waiting is dropped when Docker goes. */
	event_init(&ev, EVENT_EXIT, WEB, NULL, 1714557602.5);
	notify_send_event(n, &ev);
	notify_set_docker(n, NULL, NULL);
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 4);
	assert_int_equal(st.dropped, 1);
	notify_free(n);
	notify_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logs_mux, dh_setup,
		    dh_teardown),
		cmocka_unit_test_setup_teardown(test_logs_error, dh_setup,
		    dh_teardown),
		cmocka_unit_test_setup_teardown(test_logs_timeout, dh_setup,
		    dh_teardown),
		cmocka_unit_test_setup_teardown(test_notify_waits_for_tail,
		    dh_setup, dh_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
