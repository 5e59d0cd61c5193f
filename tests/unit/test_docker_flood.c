/*
 * The Docker client under an event flood, against the fake Engine API:
 * the stream is handled a bounded batch of lines per loop iteration, so
 * the rest of the loop (HTTP, probes) keeps running; repeated events for
 * a container coalesce into one inspect; the queue of containers waiting
 * for an inspect is bounded (the rest is left to a resync); and once the
 * flood ends the table is exact again. A batch is also bounded in time.
 *
 * A test's ev_check watcher counts the events the client applied in
 * each loop iteration; a 5 ms ev_timer stands for the HTTP server and
 * records the longest gap between its runs.
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

#define BATCH		64	/* the clients' event_batch here */
#define CURL_CHUNK	16384	/* libcurl's largest write callback */

static const char *const ids[] = { WEB, OOM, CREATED, PLAIN };
static const char *const actions[] = { "die", "start",
    "exec_start: sh -c true", "health_status: healthy" };

struct watch {
	struct dh	*t;
	ev_check	 check;
	ev_timer	 tick;
	uint64_t	 last_total;
	uint64_t	 max_per_iter;	/* events applied in one iteration */
	double		 last_tick;
	double		 max_gap;	/* seconds between two ticks */
};

static uint64_t
events_total(const struct dh *t)
{
	struct docker_stats	 st = dh_stats(t);
	uint64_t		 n = 0;
	unsigned		 a;

	for (a = 0; a < DOCKER_ACTION_COUNT; a++)
		n += st.events[a];
	return n;
}

static void
on_check(struct ev_loop *loop, ev_check *w, int revents)
{
	struct watch	*wt = w->data;
	uint64_t	 total = events_total(wt->t);

	(void)loop;
	(void)revents;
	if (total - wt->last_total > wt->max_per_iter)
		wt->max_per_iter = total - wt->last_total;
	wt->last_total = total;
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct watch	*wt = w->data;
	double		 now = ev_time();

	(void)loop;
	(void)revents;
	if (now - wt->last_tick > wt->max_gap)
		wt->max_gap = now - wt->last_tick;
	wt->last_tick = now;
}

static void
watch_start(struct watch *wt, struct dh *t)
{
	memset(wt, 0, sizeof(*wt));
	wt->t = t;
	wt->last_total = events_total(t);
	wt->last_tick = ev_time();
	ev_check_init(&wt->check, on_check);
	wt->check.data = wt;
	ev_check_start(t->loop, &wt->check);
	ev_timer_init(&wt->tick, on_tick, 0.005, 0.005);
	wt->tick.data = wt;
	ev_timer_start(t->loop, &wt->tick);
}

static void
watch_stop(struct watch *wt)
{
	ev_check_stop(wt->t->loop, &wt->check);
	ev_timer_stop(wt->t->loop, &wt->tick);
}

/* Line k: the four fixture containers, four actions, over and over. */
static size_t
flood_line(char *out, size_t outlen, unsigned long k, void *arg)
{
	(void)arg;
	dh_event_line(out, outlen, actions[(k / 4) % 4], ids[k % 4], "");
	return strlen(out);
}

/*
 * The most events between two check phases: the batch, the chunk that
 * spent it, and the kept chunk the resume hands over.
 */
static uint64_t
iteration_bound(void)
{
	char	 line[1024];
	size_t	 shortest = (size_t)-1, n;
	unsigned long k;

	for (k = 0; k < 16; k++) {
		n = flood_line(line, sizeof(line), k, NULL);
		if (n < shortest)
			shortest = n;
	}
	return BATCH + 2 * (CURL_CHUNK / shortest + 1);
}

static void
client(struct dh *t, unsigned batch, unsigned max_pending)
{
	struct docker_config	 cfg = { .backoff_min = 0.02,
	    .backoff_max = 0.1, .request_timeout = 5, .event_batch = batch,
	    .max_pending = max_pending };
	char			 err[256];

	cfg.host = fake_engine_host(t->fe);
	t->d = docker_new(t->loop, t->cv, t->inv, &cfg, err, sizeof(err));
	assert_non_null(t->d);
}

static int
setup_batched(void **state)
{
	dh_setup_bare(state);
	client(*state, BATCH, 0);
	return 0;
}

static int
setup_unbounded_batch(void **state)
{
	dh_setup_bare(state);
	client(*state, 1000000, 0);
	return 0;
}

static int
setup_small_queue(void **state)
{
	dh_setup_bare(state);
	client(*state, 0, 8);
	return 0;
}

/* The states the inspects gave, to compare with after the flood. */
struct snapshot {
	struct dh		*t;
	enum docker_state	 state[4];
};

static void
snapshot_take(struct snapshot *s, struct dh *t)
{
	struct inv_container	*c;
	unsigned		 i;

	s->t = t;
	for (i = 0; i < 4; i++) {
		assert_non_null(c = inventory_get(t->inv, ids[i]));
		s->state[i] = c->d.state;
	}
}

static int
snapshot_holds(void *arg)
{
	struct snapshot		*s = arg;
	struct inv_container	*c;
	unsigned		 i;

	if (inventory_count(s->t->inv) != 4)
		return 0;
	for (i = 0; i < 4; i++)
		if ((c = inventory_get(s->t->inv, ids[i])) == NULL ||
		    c->d.state != s->state[i])
			return 0;
	return 1;
}

struct until_events {
	struct dh	*t;
	uint64_t	 n;
};

static int
events_reached(void *arg)
{
	struct until_events	*u = arg;

	return events_total(u->t) >= u->n;
}

/* The table settles on what inspect says, and stays there. */
static void
assert_exact_after(struct dh *t, struct snapshot *s)
{
	assert_true(fake_run_until(t->loop, snapshot_holds, s, 5));
	fake_run_until(t->loop, NULL, NULL, 0.1);
	assert_true(snapshot_holds(s));
}

/*
 * 20,000 lines written at once: applied a batch per iteration, every
 * one counted, their inspects coalesced, the table exact afterwards.
 */
static void
test_burst_batched(void **state)
{
	struct dh		*t = *state;
	struct watch		 wt;
	struct snapshot		 snap;
	struct until_events	 until = { t, 0 };
	struct docker_stats	 st;
	unsigned		 inspects;

	dh_start_synced(t);
	snapshot_take(&snap, t);
	inspects = fake_engine_count(t->fe, "GET", P_INSPECT);
	until.n = events_total(t) + 20000;
	watch_start(&wt, t);
	assert_int_equal(fake_engine_stream_burst(t->fe, flood_line, NULL,
	    20000), 1);
	assert_true(fake_run_until(t->loop, events_reached, &until, 10));
	watch_stop(&wt);
	st = dh_stats(t);
	assert_true(st.stream_pauses >= 20000 / iteration_bound());
	print_message("max per iteration %llu, bound %llu, gap %.3f s, pauses %llu\n", (unsigned long long)wt.max_per_iter, (unsigned long long)iteration_bound(), wt.max_gap, (unsigned long long)dh_stats(t).stream_pauses);
	assert_true(wt.max_per_iter <= iteration_bound());
	assert_true(wt.max_per_iter > 0);
	assert_int_equal(st.event_errors, 0);
	assert_true(st.events_coalesced > 0);
	assert_int_equal(st.events_dropped, 0);
	/* Far fewer inspects than events: one queued per container. */
	assert_true(fake_engine_count(t->fe, "GET", P_INSPECT) - inspects <
	    20000 / 10);
	assert_exact_after(t, &snap);
}

/*
 * Lines as fast as the socket takes them until 20,000 are applied (half
 * a second here, seconds under valgrind): the other watchers keep
 * running, each iteration handles a bounded batch, and the table is
 * exact once the flood stops.
 */
static void
test_flood_loop_responsive(void **state)
{
	struct dh		*t = *state;
	struct watch		 wt;
	struct snapshot		 snap;
	struct until_events	 until = { t, 0 };

	dh_start_synced(t);
	snapshot_take(&snap, t);
	until.n = events_total(t) + 20000;
	watch_start(&wt, t);
	fake_engine_stream_flood(t->fe, flood_line, NULL);
	assert_true(fake_run_until(t->loop, events_reached, &until, 30));
	fake_engine_stream_flood_stop(t->fe);
	watch_stop(&wt);
	/* The engine wrote ahead of the client: a flood it was. */
	assert_true(fake_engine_flood_lines(t->fe) > until.n);
	print_message("max per iteration %llu, bound %llu, gap %.3f s, pauses %llu\n", (unsigned long long)wt.max_per_iter, (unsigned long long)iteration_bound(), wt.max_gap, (unsigned long long)dh_stats(t).stream_pauses);
	assert_true(wt.max_per_iter <= iteration_bound());
	assert_true(wt.max_gap < 0.1);
	assert_true(dh_stats(t).stream_pauses > 0);
	/* What was written before the stop is all applied. */
	until.n = fake_engine_flood_lines(t->fe);
	assert_true(fake_run_until(t->loop, events_reached, &until, 10));
	assert_exact_after(t, &snap);
}

/*
 * A batch too large to matter: 20,000 lines take far more than the 5 ms
 * a loop iteration may spend on them, so the clock pauses the stream.
 */
static void
test_burst_time_bounded(void **state)
{
	struct dh		*t = *state;
	struct snapshot		 snap;
	struct until_events	 until = { t, 0 };

	dh_start_synced(t);
	snapshot_take(&snap, t);
	until.n = events_total(t) + 20000;
	fake_engine_stream_burst(t->fe, flood_line, NULL, 20000);
	assert_true(fake_run_until(t->loop, events_reached, &until, 10));
	assert_true(dh_stats(t).stream_pauses > 0);
	assert_exact_after(t, &snap);
}

/* Line k: a start of a container nobody knows, a new id each time. */
static size_t
stranger_line(char *out, size_t outlen, unsigned long k, void *arg)
{
	char	 id[DOCKER_ID_LEN + 1];

	(void)arg;
	snprintf(id, sizeof(id), "%064lx", 0xabc000UL + k);
	dh_event_line(out, outlen, "start", id, "");
	return strlen(out);
}

/*
 * Events for 200 containers at once with room for 8: 8 inspects, the
 * rest counted as dropped and left to one resync, which lists again.
 */
static void
test_pending_bounded(void **state)
{
	struct dh		*t = *state;
	struct snapshot		 snap;
	struct until_events	 until = { t, 0 };
	struct docker_stats	 st;
	unsigned		 lists, before;

	dh_start_synced(t);
	snapshot_take(&snap, t);
	lists = fake_engine_count(t->fe, "GET", P_LIST);
	before = fake_engine_count(t->fe, "GET", "/v1.41/containers/00*/json");
	until.n = events_total(t) + 200;
	fake_engine_stream_burst(t->fe, stranger_line, NULL, 200);
	assert_true(fake_run_until(t->loop, events_reached, &until, 5));
	fake_run_until(t->loop, NULL, NULL, 0.1);
	st = dh_stats(t);
	assert_int_equal(st.events_dropped, 200 - 8);
	assert_int_equal(fake_engine_count(t->fe, "GET",
	    "/v1.41/containers/00*/json") - before, 8);
	/* One resync for all of them, a second later. */
	dh_wait_requests(t, "GET", P_LIST, lists + 1);
	fake_run_until(t->loop, NULL, NULL, 0.2);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), lists + 1);
	assert_exact_after(t, &snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_burst_batched,
		    setup_batched, dh_teardown),
		cmocka_unit_test_setup_teardown(test_flood_loop_responsive,
		    setup_batched, dh_teardown),
		cmocka_unit_test_setup_teardown(test_burst_time_bounded,
		    setup_unbounded_batch, dh_teardown),
		cmocka_unit_test_setup_teardown(test_pending_bounded,
		    setup_small_queue, dh_teardown),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
