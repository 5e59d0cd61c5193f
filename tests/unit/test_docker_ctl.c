/*
 * The Docker client's control requests (docker_ctl.c), its metric
 * families, and curlev on its own, on a real libev loop against the
 * fake Engine API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "docker_harness.h"

/* ---- control requests --------------------------------------------------------- */

struct ctl_result {
	int	 calls;
	int	 ok;
	long	 status;
	char	 err[256];
};

static void
on_ctl(void *arg, int ok, long status, const char *err)
{
	struct ctl_result	*r = arg;

	r->calls++;
	r->ok = ok;
	r->status = status;
	snprintf(r->err, sizeof(r->err), "%s", err);
}

static int
ctl_answered(void *arg)
{
	return ((struct ctl_result *)arg)->calls > 0;
}

/*
 * A restart Docker answers only after the grace period: the loop keeps
 * serving the events stream and inspects meanwhile.
 */
static void
test_ctl_slow_restart(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow = { .status = 204, .delay_ms = 400 };
	struct ctl_result	 res = { 0 };
	char			 err[256], line[1024];

	dh_start_synced(t);
	fake_engine_reply(t->fe, "POST", "/v1.41/containers/" WEB "/restart",
	    &slow);
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_RESTART, 3,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	dh_wait_requests(t, "POST", "/v1.41/containers/*/restart", 1);
	assert_string_equal(fake_engine_last(t->fe, "POST",
	    "/v1.41/containers/*/restart"),
	    "/v1.41/containers/" WEB "/restart?t=3");
	dh_event_line(line, sizeof(line), "die", WEB, "\"exitCode\":\"0\"");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_events(t, DOCKER_ACTION_DIE, 1);
	dh_wait_inspects(t, 5);
	assert_int_equal(res.calls, 0);
	assert_true(fake_run_until(t->loop, ctl_answered, &res, 5));
	assert_int_equal(res.ok, 1);
	assert_int_equal(res.status, 204);
}

static void
test_ctl_answers(void **state)
{
	struct dh		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	dh_start_synced(t);
	/* stop: 304, already stopped, is what was wanted. */
	fake_engine_json(t->fe, "POST", "/v1.41/containers/*/stop", 304, NULL);
	assert_int_equal(docker_container_ctl(t->d, OOM, DOCKER_CTL_STOP, -1,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	assert_true(fake_run_until(t->loop, ctl_answered, &res, 5));
	assert_int_equal(res.ok, 1);
	assert_int_equal(res.status, 304);
	assert_string_equal(fake_engine_last(t->fe, "POST", "*/stop"),
	    "/v1.41/containers/" OOM "/stop");
	/* kill with a signal; Docker says no. */
	memset(&res, 0, sizeof(res));
	fake_engine_json(t->fe, "POST", "/v1.41/containers/*/kill", 409,
	    "{\"message\":\"Container is not running\"}");
	assert_int_equal(docker_container_ctl(t->d, OOM, DOCKER_CTL_KILL, 0,
	    "SIGTERM", on_ctl, &res, err, sizeof(err)), 0);
	assert_true(fake_run_until(t->loop, ctl_answered, &res, 5));
	assert_int_equal(res.ok, 0);
	assert_int_equal(res.status, 409);
	assert_non_null(strstr(res.err, "Container is not running"));
	assert_string_equal(fake_engine_last(t->fe, "POST", "*/kill"),
	    "/v1.41/containers/" OOM "/kill?signal=SIGTERM");
	/* The engine hangs up: a transport error, no status. */
	memset(&res, 0, sizeof(res));
	fake_engine_reply(t->fe, "POST", "/v1.41/containers/*/restart",
	    &(struct fake_reply){ .hangup = 1 });
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_RESTART, -1,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	assert_true(fake_run_until(t->loop, ctl_answered, &res, 5));
	assert_int_equal(res.ok, 0);
	assert_int_equal(res.status, 0);
	assert_true(res.err[0] != '\0');
}

static void
test_ctl_refused(void **state)
{
	struct dh		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_RESTART, 1,
	    NULL, on_ctl, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "docker is not connected");
	dh_start_synced(t);
	assert_int_equal(docker_container_ctl(t->d, "web", DOCKER_CTL_RESTART,
	    1, NULL, on_ctl, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "not a container id");
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_KILL, 0,
	    "KILL&x=1", on_ctl, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "bad signal name");
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_KILL, 0,
	    "", on_ctl, &res, err, sizeof(err)), -1);
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_KILL, 0,
	    "SIGAAAAAAAAAAAAAAAAAAAAAA", on_ctl, &res, err, sizeof(err)), -1);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(res.calls, 0);
	assert_int_equal(fake_engine_count(t->fe, "POST", "*"), 0);
}

/* Freed with a control request in flight: its callback never runs. */
static void
test_free_with_requests_in_flight(void **state)
{
	struct dh		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	dh_start_synced(t);
	fake_engine_reply(t->fe, "POST", "*",
	    &(struct fake_reply){ .status = 204, .delay_ms = 2000 });
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_KILL, 0,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	dh_wait_requests(t, "POST", "*", 1);
	docker_free(t->d);
	t->d = NULL;
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(res.calls, 0);
}

/* ---- metrics ---------------------------------------------------------------- */

static void
test_metrics(void **state)
{
	struct dh		*t = *state;
	struct metrics_writer	 w;
	struct buf		 b;
	char			 line[1024];

	dh_start_synced(t);
	dh_event_line(line, sizeof(line), "die", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_events(t, DOCKER_ACTION_DIE, 1);
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	docker_write_metrics(t->d, &w);
	metrics_finish(&w);
	buf_putc(&b, '\0');
	assert_false(b.oom);
	assert_non_null(strstr(b.data, "\nhale_docker_up 1\n"));
	assert_non_null(strstr(b.data,
	    "\nhale_docker_events_total{action=\"die\"} 1\n"));
	assert_non_null(strstr(b.data, "\nhale_docker_reconnects_total 0\n"));
	assert_non_null(strstr(b.data, "\nhale_docker_event_errors_total 0\n"));
	buf_free(&b);
}

/* ---- curlev alone ------------------------------------------------------------ */

struct xfer {
	struct curlev	*cv;
	CURLcode	 rc;
	int		 calls;
	int		 readd;		/* curlev_add from done: -1 expected */
	char		 err[128];
};

static void
on_xfer(CURL *easy, CURLcode rc, void *arg)
{
	struct xfer	*x = arg;

	x->calls++;
	x->rc = rc;
	x->readd = curlev_add(x->cv, easy, on_xfer, x, x->err, sizeof(x->err));
	curl_easy_cleanup(easy);
}

static CURL *
easy_for(struct dh *t, const char *path)
{
	CURL	*e;
	char	 url[256];

	assert_non_null(e = curl_easy_init());
	snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, fake_engine_path(t->fe));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	return e;
}

/* Pending transfers at curlev_free: reported aborted, no new ones taken. */
static void
test_curlev_free_aborts(void **state)
{
	struct dh	*t = *state;
	struct xfer	 x = { 0 };
	CURL		*e, *other;
	char		 err[128];

	docker_free(t->d);
	t->d = NULL;
	fake_engine_reply(t->fe, "GET", "/slow",
	    &(struct fake_reply){ .delay_ms = 5000, .body = "{}" });
	x.cv = t->cv;
	e = easy_for(t, "/slow");
	assert_int_equal(curlev_add(t->cv, e, on_xfer, &x, err, sizeof(err)), 0);
	dh_wait_requests(t, "GET", "/slow", 1);
	other = easy_for(t, "/other");
	assert_int_equal(curlev_remove(t->cv, other), -1);
	curl_easy_cleanup(other);
	if (t->cv != NULL)
		curlev_free(t->cv);
	t->cv = NULL;
	assert_int_equal(x.calls, 1);
	assert_int_equal(x.rc, CURLE_ABORTED_BY_CALLBACK);
	assert_int_equal(x.readd, -1);
	assert_string_equal(x.err, "shutting down");
}

/* A transfer removed by its owner: done is not called. */
static void
test_curlev_remove(void **state)
{
	struct dh	*t = *state;
	struct xfer	 x = { 0 };
	CURL		*e;
	char		 err[128];

	fake_engine_reply(t->fe, "GET", "/slow",
	    &(struct fake_reply){ .delay_ms = 5000, .body = "{}" });
	x.cv = t->cv;
	e = easy_for(t, "/slow");
	assert_int_equal(curlev_add(t->cv, e, on_xfer, &x, err, sizeof(err)), 0);
	dh_wait_requests(t, "GET", "/slow", 1);
	assert_int_equal(curlev_remove(t->cv, e), 0);
	curl_easy_cleanup(e);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(x.calls, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, dh_setup, dh_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ctl_slow_restart),
		T(test_ctl_answers),
		T(test_ctl_refused),
		T(test_free_with_requests_in_flight),
		T(test_metrics),
		T(test_curlev_free_aborts),
		T(test_curlev_remove),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
