/*
 * The Docker client (docker*.c on curlev.c) on a real libev loop against
 * the fake Engine API: negotiation, list and inspect, the events stream,
 * reconnects, broken replies, the inspect queue.
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

/* ---- negotiation ----------------------------------------------------- */

static void
test_connect_list_inspect(void **state)
{
	struct dh		*t = *state;
	struct docker_stats	 st;
	struct inv_container	*c;

	dh_start_synced(t);
	st = dh_stats(t);
	assert_int_equal(st.api, 141);
	assert_int_equal(st.reconnects, 0);
	assert_int_equal(st.request_errors, 0);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_EVENTS), 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 1);
	assert_string_equal(fake_engine_last(t->fe, "GET", P_LIST),
	    P_LIST "?all=1");
	/* Only container events, and (over a unix socket) a `since`. */
	assert_non_null(strstr(fake_engine_last(t->fe, "GET", P_EVENTS),
	    "?filters=%7B%22type%22%3A%5B%22container%22%5D%7D&since="));
	assert_non_null(c = inventory_get(t->inv, WEB));
	assert_string_equal(c->d.name, "web");
	assert_int_equal(fake_engine_streams(t->fe), 1);
	/* A second start changes nothing. */
	docker_start(t->d);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 1);
}

/*
 * Until the first list is reconciled, the client vouches for no container
 * and the walk of the cgroup tree is not to stand in for it either, unless
 * Docker never answered.
 */
static void
test_listing_pending_until_listed(void **state)
{
	struct dh		*t = *state;
	struct docker_stats	 st;

	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	dh_start_synced(t);
	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_LISTED);
	/* Streaming, the list not back yet. */
	memset(&st, 0, sizeof(st));
	st.up = 1;
	st.conn_failures = 3;
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	st.up = 0;
	assert_int_equal(docker_listing(&st), DOCKER_UNREACHABLE);
}

/* True once the list is reconciled and `arg`'s three quick inspects are in. */
static int
listed_three_inspected(void *arg)
{
	struct docker_stats	 st = dh_stats(arg);

	return st.resyncs > 0 && st.inspects >= 3;
}

/*
 * The first sync is done when the inspects its list asked for are in:
 * until the last one answers, the client vouches for no container, or
 * one would show without its labels.
 */
static void
test_listing_pending_until_inspected(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow = { .delay_ms = 400 };
	struct docker_stats	 st;
	char			*web = dh_fixture("inspect_web.json");

	/* Tried before dh_script_engine's route for the same path. */
	slow.body = web;
	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &slow);
	free(web);
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, listed_three_inspected, t, 5));
	st = dh_stats(t);
	assert_int_equal(st.resyncs, 1);
	assert_null(inventory_get(t->inv, WEB));
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_LISTED);
	assert_non_null(inventory_get(t->inv, WEB));
}

/* An inspect of the first sync that fails still ends it. */
static void
test_listing_after_failed_inspect(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 fail = { .status = 500, .delay_ms = 200,
	    .body = "{\"message\":\"x\"}" };
	struct docker_stats	 st;

	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &fail);
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, listed_three_inspected, t, 5));
	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	dh_wait_inspects(t, 4);
	st = dh_stats(t);
	assert_int_equal(st.request_errors, 1);
	assert_null(inventory_get(t->inv, WEB));
	assert_int_equal(docker_listing(&st), DOCKER_LISTED);
}

static int
four_inspected(void *arg)
{
	return dh_stats(arg).inspects >= 4;
}

/*
 * An inspect in flight when the first list comes may predate it: the
 * first sync waits for the one after it.
 */
static void
test_listing_waits_past_inflight(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow_list = { .delay_ms = 200 };
	struct fake_reply	 early = { .delay_ms = 300 };
	struct fake_reply	 later = { .delay_ms = 600 };
	struct docker_stats	 st;
	char			*list = dh_fixture("containers_list.json");
	char			*web = dh_fixture("inspect_web.json");
	char			 line[1024];

	slow_list.body = list;
	early.body = later.body = web;
	fake_engine_reply(t->fe, "GET", P_LIST, &slow_list);
	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &early);
	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &later);
	free(list);
	free(web);
	dh_script_engine(t->fe);
	docker_start(t->d);
	dh_wait_requests(t, "GET", P_LIST, 1);
	/* An event while the list is out: its inspect goes first. */
	dh_event_line(line, sizeof(line), "start", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 1);
	assert_int_equal(dh_stats(t).resyncs, 0);
	/* The early one and the three others are in; the later is out. */
	assert_true(fake_run_until(t->loop, four_inspected, t, 5));
	st = dh_stats(t);
	assert_int_equal(st.resyncs, 1);
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	st = dh_stats(t);
	assert_int_equal(st.inspects, 4);
	assert_int_equal(docker_listing(&st), DOCKER_LISTING_PENDING);
	dh_wait_inspects(t, 5);
	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_LISTED);
}

/* Engines from 29 on refuse anything below 1.44: use their minimum. */
static void
test_negotiate_engine_minimum(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 stream = { .stream = 1 };

	fake_engine_json(t->fe, "GET", P_VERSION, 200, "{\"Version\":\"29.0.0\","
	    "\"ApiVersion\":\"1.52\",\"MinAPIVersion\":\"1.44\"}");
	fake_engine_reply(t->fe, "GET", "/v1.44/events", &stream);
	fake_engine_json(t->fe, "GET", "/v1.44/containers/json", 200, "[]");
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_is_up, t, 5));
	dh_wait_requests(t, "GET", "/v1.44/containers/json", 1);
	assert_int_equal(dh_stats(t).api, 144);
	assert_int_equal(fake_engine_count(t->fe, NULL, "/v1.41/*"), 0);
}

/* A newer engine that still speaks ours: we stay at 1.41. */
static void
test_negotiate_newer_engine(void **state)
{
	struct dh	*t = *state;

	fake_engine_json(t->fe, "GET", P_VERSION, 200, "{\"Version\":\"25.0.3\","
	    "\"ApiVersion\":\"1.44\",\"MinAPIVersion\":\"1.24\"}");
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 1);
	assert_int_equal(dh_stats(t).api, 141);
}

/*
 * Failures of the version request, one after the other: each one puts
 * the client in backoff and the next attempt goes on, until one works.
 */
static void
test_version_failures_then_up(void **state)
{
	struct dh		*t = *state;
	struct docker_stats	 st;
	struct fake_reply	 big = { .status = 200 };
	char			*pad;

	assert_non_null(pad = malloc(70 * 1024));
	memset(pad, ' ', 70 * 1024 - 1);
	pad[0] = '{';
	pad[70 * 1024 - 2] = '}';
	pad[70 * 1024 - 1] = '\0';
	big.body = pad;
	fake_engine_json(t->fe, "GET", P_VERSION, 500,
	    "{\"message\":\"engine starting\"}");
	fake_engine_json(t->fe, "GET", P_VERSION, 200, "{\"ApiVersion\":5}");
	fake_engine_json(t->fe, "GET", P_VERSION, 200, "not json at all");
	fake_engine_json(t->fe, "GET", P_VERSION, 200,
	    "{\"ApiVersion\":\"1.20\",\"MinAPIVersion\":\"1.12\"}");
	fake_engine_reply(t->fe, "GET", P_VERSION, &big);
	free(pad);
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_synced, t, 10));
	st = dh_stats(t);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 6);
	assert_int_equal(st.request_errors, 5);
	assert_int_equal(st.reconnects, 5);
	assert_int_equal(st.api, 141);
}

/* ---- reconnects ------------------------------------------------------ */

/* The engine drops every connection: down, then back with a resync. */
static void
test_reconnect_after_close(void **state)
{
	struct dh	*t = *state;

	dh_start_synced(t);
	fake_engine_drop_all(t->fe);
	assert_true(fake_run_until(t->loop, dh_is_down, t, 5));
	assert_true(fake_run_until(t->loop, dh_is_up, t, 5));
	dh_wait_requests(t, "GET", P_LIST, 2);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	assert_true(dh_stats(t).reconnects >= 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 2);
	assert_int_equal(inventory_count(t->inv), 4);
}

/* The stream ends cleanly (the last chunk): the same path. */
static void
test_reconnect_after_stream_end(void **state)
{
	struct dh	*t = *state;

	dh_start_synced(t);
	assert_int_equal(fake_engine_stream_end(t->fe), 1);
	assert_true(fake_run_until(t->loop, dh_is_down, t, 5));
	dh_wait_requests(t, "GET", P_EVENTS, 2);
	assert_true(fake_run_until(t->loop, dh_is_up, t, 5));
}

/* The events request answered with an error document, then a stream. */
static void
test_events_refused_then_stream(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 stream = { .stream = 1 };

	fake_engine_json(t->fe, "GET", P_EVENTS, 500, "{\"message\":\"boom\"}");
	fake_engine_reply(t->fe, "GET", P_EVENTS, &stream);
	dh_start_synced(t);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_EVENTS), 2);
	assert_int_equal(dh_stats(t).reconnects, 1);
}

/*
 * An engine that is not there (connection refused), then is: the
 * client keeps retrying with backoff and comes up when it can.
 */
static void
test_reconnect_after_refused(void **state)
{
	struct dh		*t = *state;
	struct docker_stats	 st;
	char			 err[256];
	int			 i;

	dh_script_engine(t->fe);
	fake_engine_refuse(t->fe);
	docker_start(t->d);
	fake_run_until(t->loop, NULL, NULL, 0.3);
	assert_false(dh_is_up(t));
	assert_true(dh_stats(t).reconnects >= 2);
	st = dh_stats(t);
	assert_int_equal(docker_listing(&st), DOCKER_UNREACHABLE);
	assert_int_equal(fake_engine_count(t->fe, NULL, "*"), 0);
	assert_int_equal(fake_engine_accept(t->fe, err, sizeof(err)), 0);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	/* An engine restart: refused for a while, then back. */
	for (i = 0; i < 2; i++) {
		fake_engine_refuse(t->fe);
		assert_true(fake_run_until(t->loop, dh_is_down, t, 5));
		fake_run_until(t->loop, NULL, NULL, 0.2);
		/* Listed once: the inventory stays the truth while down. */
		st = dh_stats(t);
		assert_int_equal(docker_listing(&st), DOCKER_LISTED);
		assert_int_equal(fake_engine_accept(t->fe, err, sizeof(err)),
		    0);
		dh_wait_resyncs(t, 2 + (uint64_t)i);
		assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	}
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 3);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 3);
}

/* ---- broken replies ------------------------------------------------------- */

/* A list cut mid-JSON: counted, no crash, listed again after a pause. */
static void
test_list_cut_mid_json(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 cut = { .cut = 1, .cut_at = 100 };
	char			*list = dh_fixture("containers_list.json");

	cut.body = list;
	fake_engine_reply(t->fe, "GET", P_LIST, &cut);
	fake_engine_json(t->fe, "GET", P_LIST, 200, list);
	free(list);
	dh_start_synced(t);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 2);
	assert_int_equal(dh_stats(t).request_errors, 1);
	assert_int_equal(dh_stats(t).resyncs, 1);
}

#define ONE_LIST	"[{\"Id\":\"" WEB "\",\"Names\":[\"/web\"]," \
	"\"State\":\"running\",\"Status\":\"Up 2 minutes\"}]"

/*
 * The stream cut in the middle of an event line: the partial line is
 * counted, the client reconnects, and the table matches what the
 * engine lists after the reconnect.
 */
static void
test_stream_cut_mid_line(void **state)
{
	struct dh	*t = *state;
	char		 line[1024];

	dh_start_synced(t);
	dh_event_line(line, sizeof(line), "die", PLAIN, "\"exitCode\":\"1\"");
	assert_int_equal(fake_engine_stream_send(t->fe, line, 40), 1);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	/* Meanwhile three containers went away. */
	fake_engine_clear(t->fe);
	dh_script_engine(t->fe);
	fake_engine_clear(t->fe);
	dh_serve_fixture(t->fe, P_VERSION, "version.json");
	fake_engine_reply(t->fe, "GET", P_EVENTS,
	    &(struct fake_reply){ .stream = 1 });
	fake_engine_json(t->fe, "GET", P_LIST, 200, ONE_LIST);
	dh_serve_fixture(t->fe, "/v1.41/containers/" WEB "/json",
	    "inspect_web.json");
	fake_engine_drop_all(t->fe);
	assert_true(fake_run_until(t->loop, dh_is_down, t, 5));
	assert_int_equal(dh_stats(t).event_errors, 1);
	assert_true(fake_run_until(t->loop, dh_is_up, t, 5));
	dh_wait_requests(t, "GET", P_LIST, 2);
	dh_wait_inspects(t, 5);
	assert_int_equal(inventory_count(t->inv), 1);
	assert_non_null(inventory_get(t->inv, WEB));
	assert_int_equal(dh_stats(t).events[DOCKER_ACTION_DIE], 0);
}

/* Inspect replies that are not usable: unreadable, another id, 404. */
static void
test_inspect_malformed(void **state)
{
	struct dh	*t = *state;

	fake_engine_json(t->fe, "GET", "/v1.41/containers/" PLAIN "/json", 200,
	    "{\"Id\": \"" PLAIN "\", \"State\": ");
	fake_engine_json(t->fe, "GET", "/v1.41/containers/" OOM "/json", 404,
	    "{\"message\":\"No such container\"}");
	dh_serve_fixture(t->fe, "/v1.41/containers/" CREATED "/json",
	    "inspect_web.json");
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_is_up, t, 5));
	dh_wait_inspects(t, 4);
	assert_int_equal(inventory_count(t->inv), 1);
	assert_non_null(inventory_get(t->inv, WEB));
	assert_int_equal(dh_stats(t).request_errors, 2);
}

/* A list that is not JSON: counted, retried after a pause. */
static void
test_list_malformed(void **state)
{
	struct dh	*t = *state;

	fake_engine_json(t->fe, "GET", P_LIST, 200, "[{\"Id\": 42");
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
	assert_int_equal(dh_stats(t).request_errors, 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 2);
}

/* ---- events ------------------------------------------------------------- */

struct seen_events {
	unsigned	 n;
	char		 last_id[DOCKER_ID_LEN + 1];
	enum docker_action last;
};

static void
on_event(void *arg, const struct docker_event *ev)
{
	struct seen_events	*s = arg;

	s->n++;
	s->last = ev->action;
	memcpy(s->last_id, ev->id, sizeof(s->last_id));
}

/* One event line in three chunks, cut inside a key and a value. */
static void
test_event_split_across_chunks(void **state)
{
	struct dh		*t = *state;
	struct seen_events	 seen = { 0 };
	struct inv_container	*c;
	char			 line[1024];
	size_t			 n;

	docker_set_event_cb(t->d, on_event, &seen);
	dh_start_synced(t);
	dh_event_line(line, sizeof(line), "die", WEB, "\"exitCode\":\"137\","
	    "\"name\":\"web\"");
	n = strlen(line);
	assert_int_equal(fake_engine_stream_send(t->fe, line, 17), 1);
	fake_run_until(t->loop, NULL, NULL, 0.02);
	assert_int_equal(seen.n, 0);
	fake_engine_stream_send(t->fe, line + 17, 60);
	fake_run_until(t->loop, NULL, NULL, 0.02);
	assert_int_equal(seen.n, 0);
	fake_engine_stream_send(t->fe, line + 77, n - 77);
	dh_wait_events(t, DOCKER_ACTION_DIE, 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, DOCKER_ACTION_DIE);
	assert_string_equal(seen.last_id, WEB);
	/* The event adjusted the record until the inspect it asked for. */
	assert_non_null(c = inventory_get(t->inv, WEB));
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	dh_wait_inspects(t, 5);
	assert_int_equal(dh_stats(t).event_errors, 0);
}

/* Two lines in one chunk, a malformed one, an image event, a destroy. */
static void
test_event_lines_mixed(void **state)
{
	struct dh	*t = *state;
	char		 a[1024], b[1024], chunk[4096];

	dh_start_synced(t);
	dh_event_line(a, sizeof(a), "pause", WEB, "");
	dh_event_line(b, sizeof(b), "destroy", PLAIN, "");
	snprintf(chunk, sizeof(chunk), "%s{\"status\": nope\n"
	    "{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"x\"}}\n"
	    "%s", a, b);
	fake_engine_stream_send(t->fe, chunk, strlen(chunk));
	dh_wait_events(t, DOCKER_ACTION_DESTROY, 1);
	assert_int_equal(dh_stats(t).events[DOCKER_ACTION_PAUSE], 1);
	assert_int_equal(dh_stats(t).event_errors, 1);
	assert_null(inventory_get(t->inv, PLAIN));
	assert_int_equal(inventory_count(t->inv), 3);
}

static int
setup_short_lines(void **state)
{
	return dh_setup_lines(state, 1024);
}

/*
 * Lines over the cap: one whose start names its container (inspected
 * instead), one that names none (everything is listed again).
 */
static void
test_event_line_too_long(void **state)
{
	struct dh	*t = *state;
	char		 line[8192], attrs[4096], junk[3000];

	dh_start_synced(t);
	memset(attrs, 'x', sizeof(attrs));
	memcpy(attrs, "\"big\":\"", 7);
	attrs[sizeof(attrs) - 2] = '"';
	attrs[sizeof(attrs) - 1] = '\0';
	dh_event_line(line, sizeof(line), "start", WEB, attrs);
	assert_true(strlen(line) > 1024);
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_events(t, DOCKER_ACTION_START, 1);
	assert_int_equal(dh_stats(t).event_errors, 1);
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	/* No id in its first bytes: a new list, after a pause. */
	memset(junk, 'y', sizeof(junk));
	junk[sizeof(junk) - 1] = '\n';
	fake_engine_stream_send(t->fe, junk, sizeof(junk));
	dh_wait_requests(t, "GET", P_LIST, 2);
	assert_int_equal(dh_stats(t).event_errors, 2);
	dh_wait_resyncs(t, 2);
	assert_int_equal(dh_stats(t).resyncs, 2);
}

/* ---- inspect queue ---------------------------------------------------------- */

/*
 * Events while an inspect of the same container is in flight: a die
 * asks for one more inspect after it; a destroy drops its reply.
 */
static void
test_inspect_coalesce_and_cancel(void **state)
{
	struct dh		*t = *state;
	struct fake_reply	 slow = { .delay_ms = 150 };
	char			*doc, line[1024];

	dh_start_synced(t);
	fake_engine_clear(t->fe);
	doc = dh_fixture("inspect_web.json");
	slow.body = doc;
	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &slow);
	free(doc);
	dh_event_line(line, sizeof(line), "restart", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	dh_event_line(line, sizeof(line), "die", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_event_line(line, sizeof(line), "unpause", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_inspects(t, 6);
	assert_int_equal(fake_engine_count(t->fe, "GET",
	    "/v1.41/containers/" WEB "/json"), 3);
	assert_non_null(inventory_get(t->inv, WEB));
	/* In flight, then destroyed: the late reply must not bring it back. */
	dh_event_line(line, sizeof(line), "start", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 4);
	dh_event_line(line, sizeof(line), "destroy", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	dh_wait_inspects(t, 7);
	assert_null(inventory_get(t->inv, WEB));
	assert_int_equal(inventory_count(t->inv), 3);
}

/* An inspect the engine answers with an error: counted, listed again. */
static void
test_inspect_error_resyncs(void **state)
{
	struct dh	*t = *state;

	dh_start_synced(t);
	fake_engine_clear(t->fe);
	dh_script_engine(t->fe);
	fake_engine_clear(t->fe);
	dh_serve_fixture(t->fe, P_LIST, "containers_list.json");
	fake_engine_json(t->fe, "GET", P_INSPECT, 500, "{\"message\":\"x\"}");
	{
		char	 line[1024];

		dh_event_line(line, sizeof(line), "start", WEB, "");
		fake_engine_stream_send(t->fe, line, strlen(line));
	}
	dh_wait_inspects(t, 5);
	assert_int_equal(dh_stats(t).request_errors, 1);
	dh_wait_requests(t, "GET", P_LIST, 2);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, dh_setup, dh_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_connect_list_inspect),
		T(test_negotiate_engine_minimum),
		T(test_negotiate_newer_engine),
		T(test_version_failures_then_up),
		T(test_reconnect_after_close),
		T(test_reconnect_after_stream_end),
		T(test_events_refused_then_stream),
		T(test_reconnect_after_refused),
		T(test_listing_pending_until_listed),
		T(test_listing_pending_until_inspected),
		T(test_listing_after_failed_inspect),
		T(test_listing_waits_past_inflight),
		T(test_list_cut_mid_json),
		T(test_stream_cut_mid_line),
		T(test_inspect_malformed),
		T(test_list_malformed),
		T(test_event_split_across_chunks),
		T(test_event_lines_mixed),
		cmocka_unit_test_setup_teardown(test_event_line_too_long,
		    setup_short_lines, dh_teardown),
		T(test_inspect_coalesce_and_cancel),
		T(test_inspect_error_resyncs),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
