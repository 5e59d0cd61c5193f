/*
 * The Docker client (docker.c on curlev.c) on a real libev loop against
 * the fake Engine API of fake_engine.h: negotiation, list and inspect,
 * the events stream, reconnects, broken replies, control requests.
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
#include <ev.h>

#include "docker/docker.h"
#include "fake_engine.h"

#define WEB	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"
#define OOM	"7c211e2e79e32e13cd1d032af88c4f2ae689bbd56cedd4e22a7143ad7228baa7"
#define CREATED	"0af76ae1d251ecf1b0efa01bd60cacace99e27d49e43a7041a25914bcf4ef1a1"
#define PLAIN	"e6c66d8056e671e779e62cd971b1848d719020ec90caf4b9ffed2fdc681587a3"

#define P_VERSION	"/version"
#define P_EVENTS	"/v1.41/events"
#define P_LIST		"/v1.41/containers/json"
#define P_INSPECT	"/v1.41/containers/*/json"

struct t {
	struct ev_loop		*loop;
	struct fake_engine	*fe;
	struct curlev		*cv;
	struct inventory	*inv;
	struct docker		*d;
};

static char *
fixture(const char *name)
{
	char	 path[1024], *p;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/docker/%s", FIXTURES, name);
	assert_non_null(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	assert_non_null(p = malloc((size_t)n + 1));
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	return p;
}

static void
serve_fixture(struct fake_engine *fe, const char *pattern, const char *name)
{
	char	*body = fixture(name);

	fake_engine_json(fe, "GET", pattern, 200, body);
	free(body);
}

/* A healthy engine: version, an open events stream, list, inspects. */
static void
script_engine(struct fake_engine *fe)
{
	struct fake_reply	 stream = { .status = 200, .stream = 1 };

	serve_fixture(fe, P_VERSION, "version.json");
	fake_engine_reply(fe, "GET", P_EVENTS, &stream);
	serve_fixture(fe, P_LIST, "containers_list.json");
	serve_fixture(fe, "/v1.41/containers/" WEB "/json", "inspect_web.json");
	serve_fixture(fe, "/v1.41/containers/" OOM "/json", "inspect_oom.json");
	serve_fixture(fe, "/v1.41/containers/" CREATED "/json",
	    "inspect_created.json");
	serve_fixture(fe, "/v1.41/containers/" PLAIN "/json",
	    "inspect_plain.json");
}

/* Short backoffs so that reconnects take milliseconds. */
static int
setup_lines(void **state, size_t line_max)
{
	struct docker_config	 cfg = { .backoff_min = 0.02,
	    .backoff_max = 0.1, .request_timeout = 5, .line_max = line_max };
	struct t		*t;
	char			 err[256];

	assert_non_null(t = calloc(1, sizeof(*t)));
	assert_non_null(t->loop = ev_loop_new(EVFLAG_AUTO));
	t->fe = fake_engine_new(t->loop, err, sizeof(err));
	assert_non_null(t->fe);
	assert_non_null(t->cv = curlev_new(t->loop, err, sizeof(err)));
	t->inv = inventory_new(FIXTURES "/docker/proc", NULL, 0, err,
	    sizeof(err));
	assert_non_null(t->inv);
	cfg.host = fake_engine_host(t->fe);
	t->d = docker_new(t->loop, t->cv, t->inv, &cfg, err, sizeof(err));
	assert_non_null(t->d);
	*state = t;
	return 0;
}

static int
setup(void **state)
{
	return setup_lines(state, 0);
}

static int
teardown(void **state)
{
	struct t	*t = *state;

	docker_free(t->d);
	if (t->cv != NULL)
		curlev_free(t->cv);
	inventory_free(t->inv);
	fake_engine_free(t->fe);
	ev_loop_destroy(t->loop);
	free(t);
	return 0;
}

static struct docker_stats
stats(const struct t *t)
{
	struct docker_stats	 st;

	docker_get_stats(t->d, &st);
	return st;
}

static int
is_up(void *arg)
{
	return stats(arg).up;
}

static int
is_down(void *arg)
{
	return !is_up(arg);
}

static int
synced(void *arg)
{
	struct t		*t = arg;
	struct docker_stats	 st = stats(t);

	return st.up && st.resyncs > 0 && inventory_count(t->inv) == 4 &&
	    st.inspects >= 4;
}

/* Waits for the engine to have seen `n` requests matching a pattern. */
struct seen {
	struct t	*t;
	const char	*method;
	const char	*pattern;
	unsigned	 n;
};

static int
seen_enough(void *arg)
{
	struct seen	*s = arg;

	return fake_engine_count(s->t->fe, s->method, s->pattern) >= s->n;
}

static void
wait_requests(struct t *t, const char *method, const char *pattern,
    unsigned n)
{
	struct seen	 s = { t, method, pattern, n };

	assert_true(fake_run_until(t->loop, seen_enough, &s, 5));
}

/* Waits until a counter of docker_stats (at `off`) reaches `n`. */
struct stat_wait {
	struct t	*t;
	size_t		 off;
	uint64_t	 n;
};

static int
stat_reached(void *arg)
{
	struct stat_wait	*w = arg;
	struct docker_stats	 st = stats(w->t);
	uint64_t		 v;

	memcpy(&v, (const char *)&st + w->off, sizeof(v));
	return v >= w->n;
}

static void
wait_stat(struct t *t, size_t off, uint64_t n)
{
	struct stat_wait	 w = { t, off, n };

	assert_true(fake_run_until(t->loop, stat_reached, &w, 5));
}

#define wait_inspects(t, n)	\
	wait_stat(t, offsetof(struct docker_stats, inspects), n)
#define wait_resyncs(t, n)	\
	wait_stat(t, offsetof(struct docker_stats, resyncs), n)
#define wait_events(t, a, n)	wait_stat(t, \
	offsetof(struct docker_stats, events) + (a) * sizeof(uint64_t), n)

static void
start_synced(struct t *t)
{
	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 5));
}

/* An event line for a container, as Docker 20.10 writes it. */
static void
event_line(char *out, size_t outlen, const char *action, const char *id,
    const char *attrs)
{
	snprintf(out, outlen, "{\"status\":\"%s\",\"id\":\"%s\","
	    "\"from\":\"hale-test/busybox\",\"Type\":\"container\","
	    "\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\",\"Attributes\":{%s}},"
	    "\"scope\":\"local\",\"time\":1795440700,"
	    "\"timeNano\":1795440700000000000}\n", action, id, action, id,
	    attrs);
}

/* ---- negotiation ----------------------------------------------------- */

static void
test_connect_list_inspect(void **state)
{
	struct t		*t = *state;
	struct docker_stats	 st;
	struct inv_container	*c;

	start_synced(t);
	st = stats(t);
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

/* Engines from 29 on refuse anything below 1.44: use their minimum. */
static void
test_negotiate_engine_minimum(void **state)
{
	struct t		*t = *state;
	struct fake_reply	 stream = { .stream = 1 };

	fake_engine_json(t->fe, "GET", P_VERSION, 200, "{\"Version\":\"29.0.0\","
	    "\"ApiVersion\":\"1.52\",\"MinAPIVersion\":\"1.44\"}");
	fake_engine_reply(t->fe, "GET", "/v1.44/events", &stream);
	fake_engine_json(t->fe, "GET", "/v1.44/containers/json", 200, "[]");
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, is_up, t, 5));
	wait_requests(t, "GET", "/v1.44/containers/json", 1);
	assert_int_equal(stats(t).api, 144);
	assert_int_equal(fake_engine_count(t->fe, NULL, "/v1.41/*"), 0);
}

/* A newer engine that still speaks ours: we stay at 1.41. */
static void
test_negotiate_newer_engine(void **state)
{
	struct t	*t = *state;

	fake_engine_json(t->fe, "GET", P_VERSION, 200, "{\"Version\":\"25.0.3\","
	    "\"ApiVersion\":\"1.44\",\"MinAPIVersion\":\"1.24\"}");
	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 1);
	assert_int_equal(stats(t).api, 141);
}

/*
 * Failures of the version request, one after the other: each one puts
 * the client in backoff and the next attempt goes on, until one works.
 */
static void
test_version_failures_then_up(void **state)
{
	struct t		*t = *state;
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
	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 10));
	st = stats(t);
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
	struct t	*t = *state;

	start_synced(t);
	fake_engine_drop_all(t->fe);
	assert_true(fake_run_until(t->loop, is_down, t, 5));
	assert_true(fake_run_until(t->loop, is_up, t, 5));
	wait_requests(t, "GET", P_LIST, 2);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	assert_true(stats(t).reconnects >= 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 2);
	assert_int_equal(inventory_count(t->inv), 4);
}

/* The stream ends cleanly (the last chunk): the same path. */
static void
test_reconnect_after_stream_end(void **state)
{
	struct t	*t = *state;

	start_synced(t);
	assert_int_equal(fake_engine_stream_end(t->fe), 1);
	assert_true(fake_run_until(t->loop, is_down, t, 5));
	wait_requests(t, "GET", P_EVENTS, 2);
	assert_true(fake_run_until(t->loop, is_up, t, 5));
}

/* The events request answered with an error document, then a stream. */
static void
test_events_refused_then_stream(void **state)
{
	struct t		*t = *state;
	struct fake_reply	 stream = { .stream = 1 };

	fake_engine_json(t->fe, "GET", P_EVENTS, 500, "{\"message\":\"boom\"}");
	fake_engine_reply(t->fe, "GET", P_EVENTS, &stream);
	start_synced(t);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_EVENTS), 2);
	assert_int_equal(stats(t).reconnects, 1);
}

/*
 * An engine that is not there (connection refused), then is: the
 * client keeps retrying with backoff and comes up when it can.
 */
static void
test_reconnect_after_refused(void **state)
{
	struct t	*t = *state;
	char		 err[256];
	int		 i;

	script_engine(t->fe);
	fake_engine_refuse(t->fe);
	docker_start(t->d);
	fake_run_until(t->loop, NULL, NULL, 0.3);
	assert_false(is_up(t));
	assert_true(stats(t).reconnects >= 2);
	assert_int_equal(fake_engine_count(t->fe, NULL, "*"), 0);
	assert_int_equal(fake_engine_accept(t->fe, err, sizeof(err)), 0);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	/* An engine restart: refused for a while, then back. */
	for (i = 0; i < 2; i++) {
		fake_engine_refuse(t->fe);
		assert_true(fake_run_until(t->loop, is_down, t, 5));
		fake_run_until(t->loop, NULL, NULL, 0.2);
		assert_int_equal(fake_engine_accept(t->fe, err, sizeof(err)),
		    0);
		wait_resyncs(t, 2 + (uint64_t)i);
		assert_true(fake_run_until(t->loop, synced, t, 5));
	}
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 3);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 3);
}

/* ---- broken replies ------------------------------------------------------- */

/* A list cut mid-JSON: counted, no crash, listed again after a pause. */
static void
test_list_cut_mid_json(void **state)
{
	struct t		*t = *state;
	struct fake_reply	 cut = { .cut = 1, .cut_at = 100 };
	char			*list = fixture("containers_list.json");

	cut.body = list;
	fake_engine_reply(t->fe, "GET", P_LIST, &cut);
	fake_engine_json(t->fe, "GET", P_LIST, 200, list);
	free(list);
	start_synced(t);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 2);
	assert_int_equal(stats(t).request_errors, 1);
	assert_int_equal(stats(t).resyncs, 1);
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
	struct t	*t = *state;
	char		 line[1024];

	start_synced(t);
	event_line(line, sizeof(line), "die", PLAIN, "\"exitCode\":\"1\"");
	assert_int_equal(fake_engine_stream_send(t->fe, line, 40), 1);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	/* Meanwhile three containers went away. */
	fake_engine_clear(t->fe);
	script_engine(t->fe);
	fake_engine_clear(t->fe);
	serve_fixture(t->fe, P_VERSION, "version.json");
	fake_engine_reply(t->fe, "GET", P_EVENTS,
	    &(struct fake_reply){ .stream = 1 });
	fake_engine_json(t->fe, "GET", P_LIST, 200, ONE_LIST);
	serve_fixture(t->fe, "/v1.41/containers/" WEB "/json",
	    "inspect_web.json");
	fake_engine_drop_all(t->fe);
	assert_true(fake_run_until(t->loop, is_down, t, 5));
	assert_int_equal(stats(t).event_errors, 1);
	assert_true(fake_run_until(t->loop, is_up, t, 5));
	wait_requests(t, "GET", P_LIST, 2);
	wait_inspects(t, 5);
	assert_int_equal(inventory_count(t->inv), 1);
	assert_non_null(inventory_get(t->inv, WEB));
	assert_int_equal(stats(t).events[DOCKER_ACTION_DIE], 0);
}

/* Inspect replies that are not usable: unreadable, another id, 404. */
static void
test_inspect_malformed(void **state)
{
	struct t	*t = *state;

	fake_engine_json(t->fe, "GET", "/v1.41/containers/" PLAIN "/json", 200,
	    "{\"Id\": \"" PLAIN "\", \"State\": ");
	fake_engine_json(t->fe, "GET", "/v1.41/containers/" OOM "/json", 404,
	    "{\"message\":\"No such container\"}");
	serve_fixture(t->fe, "/v1.41/containers/" CREATED "/json",
	    "inspect_web.json");
	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, is_up, t, 5));
	wait_inspects(t, 4);
	assert_int_equal(inventory_count(t->inv), 1);
	assert_non_null(inventory_get(t->inv, WEB));
	assert_int_equal(stats(t).request_errors, 2);
}

/* A list that is not JSON: counted, retried after a pause. */
static void
test_list_malformed(void **state)
{
	struct t	*t = *state;

	fake_engine_json(t->fe, "GET", P_LIST, 200, "[{\"Id\": 42");
	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	assert_int_equal(stats(t).request_errors, 1);
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
	struct t		*t = *state;
	struct seen_events	 seen = { 0 };
	struct inv_container	*c;
	char			 line[1024];
	size_t			 n;

	docker_set_event_cb(t->d, on_event, &seen);
	start_synced(t);
	event_line(line, sizeof(line), "die", WEB, "\"exitCode\":\"137\","
	    "\"name\":\"web\"");
	n = strlen(line);
	assert_int_equal(fake_engine_stream_send(t->fe, line, 17), 1);
	fake_run_until(t->loop, NULL, NULL, 0.02);
	assert_int_equal(seen.n, 0);
	fake_engine_stream_send(t->fe, line + 17, 60);
	fake_run_until(t->loop, NULL, NULL, 0.02);
	assert_int_equal(seen.n, 0);
	fake_engine_stream_send(t->fe, line + 77, n - 77);
	wait_events(t, DOCKER_ACTION_DIE, 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, DOCKER_ACTION_DIE);
	assert_string_equal(seen.last_id, WEB);
	/* The event adjusted the record until the inspect it asked for. */
	assert_non_null(c = inventory_get(t->inv, WEB));
	wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	wait_inspects(t, 5);
	assert_int_equal(stats(t).event_errors, 0);
}

/* Two lines in one chunk, a malformed one, an image event, a destroy. */
static void
test_event_lines_mixed(void **state)
{
	struct t	*t = *state;
	char		 a[1024], b[1024], chunk[4096];

	start_synced(t);
	event_line(a, sizeof(a), "pause", WEB, "");
	event_line(b, sizeof(b), "destroy", PLAIN, "");
	snprintf(chunk, sizeof(chunk), "%s{\"status\": nope\n"
	    "{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"x\"}}\n"
	    "%s", a, b);
	fake_engine_stream_send(t->fe, chunk, strlen(chunk));
	wait_events(t, DOCKER_ACTION_DESTROY, 1);
	assert_int_equal(stats(t).events[DOCKER_ACTION_PAUSE], 1);
	assert_int_equal(stats(t).event_errors, 1);
	assert_null(inventory_get(t->inv, PLAIN));
	assert_int_equal(inventory_count(t->inv), 3);
}

static int
setup_short_lines(void **state)
{
	return setup_lines(state, 1024);
}

/*
 * Lines over the cap: one whose start names its container (inspected
 * instead), one that names none (everything is listed again).
 */
static void
test_event_line_too_long(void **state)
{
	struct t	*t = *state;
	char		 line[8192], attrs[4096], junk[3000];

	start_synced(t);
	memset(attrs, 'x', sizeof(attrs));
	memcpy(attrs, "\"big\":\"", 7);
	attrs[sizeof(attrs) - 2] = '"';
	attrs[sizeof(attrs) - 1] = '\0';
	event_line(line, sizeof(line), "start", WEB, attrs);
	assert_true(strlen(line) > 1024);
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_events(t, DOCKER_ACTION_START, 1);
	assert_int_equal(stats(t).event_errors, 1);
	wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	/* No id in its first bytes: a new list, after a pause. */
	memset(junk, 'y', sizeof(junk));
	junk[sizeof(junk) - 1] = '\n';
	fake_engine_stream_send(t->fe, junk, sizeof(junk));
	wait_requests(t, "GET", P_LIST, 2);
	assert_int_equal(stats(t).event_errors, 2);
	wait_resyncs(t, 2);
	assert_int_equal(stats(t).resyncs, 2);
}

/* ---- inspect queue ---------------------------------------------------------- */

/*
 * Events while an inspect of the same container is in flight: a die
 * asks for one more inspect after it; a destroy drops its reply.
 */
static void
test_inspect_coalesce_and_cancel(void **state)
{
	struct t		*t = *state;
	struct fake_reply	 slow = { .delay_ms = 150 };
	char			*doc, line[1024];

	start_synced(t);
	fake_engine_clear(t->fe);
	doc = fixture("inspect_web.json");
	slow.body = doc;
	fake_engine_reply(t->fe, "GET", "/v1.41/containers/" WEB "/json",
	    &slow);
	free(doc);
	event_line(line, sizeof(line), "restart", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 2);
	event_line(line, sizeof(line), "die", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	event_line(line, sizeof(line), "unpause", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_inspects(t, 6);
	assert_int_equal(fake_engine_count(t->fe, "GET",
	    "/v1.41/containers/" WEB "/json"), 3);
	assert_non_null(inventory_get(t->inv, WEB));
	/* In flight, then destroyed: the late reply must not bring it back. */
	event_line(line, sizeof(line), "start", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_requests(t, "GET", "/v1.41/containers/" WEB "/json", 4);
	event_line(line, sizeof(line), "destroy", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_inspects(t, 7);
	assert_null(inventory_get(t->inv, WEB));
	assert_int_equal(inventory_count(t->inv), 3);
}

/* An inspect the engine answers with an error: counted, listed again. */
static void
test_inspect_error_resyncs(void **state)
{
	struct t	*t = *state;

	start_synced(t);
	fake_engine_clear(t->fe);
	script_engine(t->fe);
	fake_engine_clear(t->fe);
	serve_fixture(t->fe, P_LIST, "containers_list.json");
	fake_engine_json(t->fe, "GET", P_INSPECT, 500, "{\"message\":\"x\"}");
	{
		char	 line[1024];

		event_line(line, sizeof(line), "start", WEB, "");
		fake_engine_stream_send(t->fe, line, strlen(line));
	}
	wait_inspects(t, 5);
	assert_int_equal(stats(t).request_errors, 1);
	wait_requests(t, "GET", P_LIST, 2);
}

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
	struct t		*t = *state;
	struct fake_reply	 slow = { .status = 204, .delay_ms = 400 };
	struct ctl_result	 res = { 0 };
	char			 err[256], line[1024];

	start_synced(t);
	fake_engine_reply(t->fe, "POST", "/v1.41/containers/" WEB "/restart",
	    &slow);
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_RESTART, 3,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	wait_requests(t, "POST", "/v1.41/containers/*/restart", 1);
	assert_string_equal(fake_engine_last(t->fe, "POST",
	    "/v1.41/containers/*/restart"),
	    "/v1.41/containers/" WEB "/restart?t=3");
	event_line(line, sizeof(line), "die", WEB, "\"exitCode\":\"0\"");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_events(t, DOCKER_ACTION_DIE, 1);
	wait_inspects(t, 5);
	assert_int_equal(res.calls, 0);
	assert_true(fake_run_until(t->loop, ctl_answered, &res, 5));
	assert_int_equal(res.ok, 1);
	assert_int_equal(res.status, 204);
}

static void
test_ctl_answers(void **state)
{
	struct t		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	start_synced(t);
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
	struct t		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_RESTART, 1,
	    NULL, on_ctl, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "docker is not connected");
	start_synced(t);
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
	struct t		*t = *state;
	struct ctl_result	 res = { 0 };
	char			 err[256];

	start_synced(t);
	fake_engine_reply(t->fe, "POST", "*",
	    &(struct fake_reply){ .status = 204, .delay_ms = 2000 });
	assert_int_equal(docker_container_ctl(t->d, WEB, DOCKER_CTL_KILL, 0,
	    NULL, on_ctl, &res, err, sizeof(err)), 0);
	wait_requests(t, "POST", "*", 1);
	docker_free(t->d);
	t->d = NULL;
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(res.calls, 0);
}

/* ---- metrics ---------------------------------------------------------------- */

static void
test_metrics(void **state)
{
	struct t		*t = *state;
	struct metrics_writer	 w;
	struct buf		 b;
	char			 line[1024];

	start_synced(t);
	event_line(line, sizeof(line), "die", WEB, "");
	fake_engine_stream_send(t->fe, line, strlen(line));
	wait_events(t, DOCKER_ACTION_DIE, 1);
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
easy_for(struct t *t, const char *path)
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
	struct t	*t = *state;
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
	wait_requests(t, "GET", "/slow", 1);
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
	struct t	*t = *state;
	struct xfer	 x = { 0 };
	CURL		*e;
	char		 err[128];

	fake_engine_reply(t->fe, "GET", "/slow",
	    &(struct fake_reply){ .delay_ms = 5000, .body = "{}" });
	x.cv = t->cv;
	e = easy_for(t, "/slow");
	assert_int_equal(curlev_add(t->cv, e, on_xfer, &x, err, sizeof(err)), 0);
	wait_requests(t, "GET", "/slow", 1);
	assert_int_equal(curlev_remove(t->cv, e), 0);
	curl_easy_cleanup(e);
	fake_run_until(t->loop, NULL, NULL, 0.05);
	assert_int_equal(x.calls, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

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
		T(test_list_cut_mid_json),
		T(test_stream_cut_mid_line),
		T(test_inspect_malformed),
		T(test_list_malformed),
		T(test_event_split_across_chunks),
		T(test_event_lines_mixed),
		cmocka_unit_test_setup_teardown(test_event_line_too_long,
		    setup_short_lines, teardown),
		T(test_inspect_coalesce_and_cancel),
		T(test_inspect_error_resyncs),
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
