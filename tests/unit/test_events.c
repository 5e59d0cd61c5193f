/*
 * Events: construction from Docker's events and health states, the
 * restart-loop detector over simulated time, the rate limiter, the ring,
 * the JSON document (exact bytes), the config section and the metrics.
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

#include "remedy/events.h"

#define ID_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define T0	1714557600.0	/* 2024-05-01T10:00:00Z */

struct fixture {
	struct inv_container	 ic;
	struct docker_label	 labels[2];
	char			 name[32], image[32], keys[2][40], vals[2][40];
	struct events		*e;
	struct event		 heard[16];	/* what the listener got */
	size_t			 nheard;	/* recorded or not */
	size_t			 nrecorded;
};

static void
listen(void *arg, const struct event *ev, int recorded)
{
	struct fixture	*f = arg;

	if (recorded)
		f->nrecorded++;
	if (f->nheard < 16)
		f->heard[f->nheard++] = *ev;
}

static struct fixture *
fixture(const char *policy, uint64_t rate_ms)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct events_config	 cfg;

	assert_non_null(f);
	events_config_default(&cfg);
	cfg.rate_ms = rate_ms;
	memcpy(f->ic.d.id, ID_A, sizeof(ID_A));
	snprintf(f->name, sizeof(f->name), "web");
	snprintf(f->image, sizeof(f->image), "busybox");
	f->ic.d.name = f->name;
	f->ic.d.image = f->image;
	f->ic.d.state = DOCKER_STATE_RUNNING;
	f->ic.d.started_at = T0 - 90;
	f->ic.d.restart_count = 0;
	snprintf(f->ic.d.restart_policy, sizeof(f->ic.d.restart_policy), "%s",
	    policy);
	snprintf(f->keys[0], 40, "com.docker.compose.project");
	snprintf(f->vals[0], 40, "shop");
	snprintf(f->keys[1], 40, "com.docker.compose.service");
	snprintf(f->vals[1], 40, "front");
	f->labels[0].key = f->keys[0];
	f->labels[0].value = f->vals[0];
	f->labels[1].key = f->keys[1];
	f->labels[1].value = f->vals[1];
	f->ic.d.labels = f->labels;
	f->ic.d.nlabels = 2;
	assert_non_null(f->e = events_new(&cfg));
	events_set_listener(f->e, listen, f);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	events_free(f->e);
	free(f);
}

static void
docker(struct fixture *f, enum docker_action a, int exit_code, double t)
{
	struct docker_event	 de;

	memset(&de, 0, sizeof(de));
	de.action = a;
	memcpy(de.id, ID_A, sizeof(ID_A));
	de.exit_code = exit_code;
	de.signal = -1;
	de.time = t;
	events_docker(f->e, &de, &f->ic, t);
}

static void
test_exit(void **state)
{
	struct fixture	*f = fixture("always", 0);
	const struct event *ev;

	(void)state;
	f->ic.d.memory_limit = 8388608;
	docker(f, DOCKER_ACTION_DIE, 3, T0);
	assert_int_equal(events_count(f->e), 1);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->kind, EVENT_EXIT);
	assert_int_equal(ev->exit_code, 3);
	/* No OOM report: the limit from the inspect, no usage (cgroup gone). */
	assert_int_equal(ev->mem_limit, 8388608);
	assert_int_equal(ev->mem_usage, -1);
	assert_int_equal(ev->oom_killed, 0);
	assert_int_equal(ev->will_restart, 1);
	assert_true(ev->run_seconds == 90);
	assert_string_equal(ev->name, "web");
	assert_string_equal(ev->project, "shop");
	assert_string_equal(ev->service, "front");
	assert_int_equal(f->nheard, 1);
	/* A clean exit is no event. */
	docker(f, DOCKER_ACTION_START, -1, T0 + 1);
	docker(f, DOCKER_ACTION_DIE, 0, T0 + 2);
	assert_int_equal(events_count(f->e), 1);
	fixture_free(f);
}

static void
test_exit_policy(void **state)
{
	struct fixture	*f = fixture("on-failure", 0);

	(void)state;
	f->ic.d.restart_max_retries = 2;
	f->ic.d.restart_count = 2;	/* retries spent */
	docker(f, DOCKER_ACTION_DIE, 1, T0);
	assert_int_equal(events_at(f->e, 0)->will_restart, 0);
	fixture_free(f);
	f = fixture("", 0);
	docker(f, DOCKER_ACTION_DIE, 1, T0);
	assert_int_equal(events_at(f->e, 0)->will_restart, 0);
	fixture_free(f);
}

/* docker stop / restart / kill: kill before die; not a failure, not a policy restart. */
static void
test_requested_stop(void **state)
{
	struct fixture	*f = fixture("always", 0);

	(void)state;
	docker(f, DOCKER_ACTION_KILL, -1, T0);
	docker(f, DOCKER_ACTION_DIE, 137, T0 + 0.1);
	docker(f, DOCKER_ACTION_STOP, -1, T0 + 0.2);
	docker(f, DOCKER_ACTION_START, -1, T0 + 0.3);
	docker(f, DOCKER_ACTION_RESTART, -1, T0 + 0.3);
	assert_int_equal(events_count(f->e), 0);
	assert_int_equal(events_docker_restarts(f->e, ID_A), 0);
	/* The next crash is one again. */
	docker(f, DOCKER_ACTION_DIE, 2, T0 + 5);
	docker(f, DOCKER_ACTION_START, -1, T0 + 5.1);
	assert_int_equal(events_count(f->e), 1);
	assert_int_equal(events_docker_restarts(f->e, ID_A), 1);
	fixture_free(f);
}

static void
crash(struct fixture *f, double t)
{
	docker(f, DOCKER_ACTION_DIE, 3, t);
	docker(f, DOCKER_ACTION_START, -1, t + 0.1);
}

static size_t
count_kind(struct fixture *f, enum event_kind k)
{
	size_t	 i, n = 0;

	for (i = 0; i < events_count(f->e); i++)
		if (events_at(f->e, i)->kind == k)
			n++;
	return n;
}

static void
test_restart_loop(void **state)
{
	struct fixture	*f = fixture("always", 0);
	const struct event *ev;

	(void)state;
	crash(f, T0);
	crash(f, T0 + 1);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 0);
	crash(f, T0 + 3);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 1);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->kind, EVENT_RESTART_LOOP);
	assert_int_equal(ev->restarts, 3);
	assert_int_equal(ev->restart_count, 0);	/* as last inspected */
	assert_true(ev->window == 600);
	/* Still looping: reported once. */
	crash(f, T0 + 10);
	crash(f, T0 + 30);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 1);
	assert_int_equal(events_docker_restarts(f->e, ID_A), 5);
	/* Calm for longer than the window, then a new loop. */
	crash(f, T0 + 1000);
	crash(f, T0 + 1001);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 1);
	crash(f, T0 + 1002);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 2);
	/* Spread out: three in more than the window are no loop. */
	fixture_free(f);
	f = fixture("always", 0);
	crash(f, T0);
	crash(f, T0 + 400);
	crash(f, T0 + 800);
	crash(f, T0 + 1200);
	assert_int_equal(count_kind(f, EVENT_RESTART_LOOP), 0);
	fixture_free(f);
}

static void
test_oom(void **state)
{
	struct fixture	*f = fixture("no", 0);
	const struct event *ev;

	(void)state;
	docker(f, DOCKER_ACTION_OOM, -1, T0);
	docker(f, DOCKER_ACTION_DIE, 137, T0 + 0.01);
	assert_int_equal(events_count(f->e), 2);
	ev = events_at(f->e, 1);
	assert_int_equal(ev->kind, EVENT_OOM);
	assert_int_equal(ev->oom_killed, 1);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->kind, EVENT_EXIT);
	assert_int_equal(ev->exit_code, 137);
	assert_int_equal(ev->oom_killed, 1);
	assert_int_equal(ev->will_restart, 0);
	fixture_free(f);
}

/* The cgroup's signal and Docker's oom event for one kill: one event. */
static void
test_oom_both_sources(void **state)
{
	struct fixture	*f = fixture("always", 0);
	const struct event *ev;

	(void)state;
	events_cgroup_oom(f->e, &f->ic, ID_A, 1, 16777216, 16700000, T0);
	docker(f, DOCKER_ACTION_OOM, -1, T0 + 0.05);
	assert_int_equal(events_count(f->e), 1);
	assert_int_equal(f->nheard, 1);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->oom_kills, 1);
	assert_int_equal(ev->mem_limit, 16777216);
	assert_int_equal(ev->mem_usage, 16700000);
	assert_string_equal(ev->name, "web");
	docker(f, DOCKER_ACTION_DIE, 137, T0 + 0.06);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->kind, EVENT_EXIT);
	assert_int_equal(ev->oom_killed, 1);
	/* The exit carries what the cgroup's OOM report said. */
	assert_int_equal(ev->mem_limit, 16777216);
	assert_int_equal(ev->mem_usage, 16700000);
	docker(f, DOCKER_ACTION_START, -1, T0 + 0.2);
	/* The next kill, Docker first this time: its event gets the counts. */
	docker(f, DOCKER_ACTION_OOM, -1, T0 + 2);
	events_cgroup_oom(f->e, &f->ic, ID_A, 2, 16777216, 16000000, T0 + 2.01);
	assert_int_equal(count_kind(f, EVENT_OOM), 2);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->kind, EVENT_OOM);
	assert_int_equal(ev->oom_kills, 2);
	assert_int_equal(ev->mem_usage, 16000000);
	/* Only the cgroup (Docker's event lost): still reported. */
	events_cgroup_oom(f->e, &f->ic, ID_A, 3, -1, 5, T0 + 4);
	assert_int_equal(count_kind(f, EVENT_OOM), 3);
	assert_int_equal(events_at(f->e, 0)->mem_limit, -1);
	/* And a Docker event much later is a kill of its own. */
	docker(f, DOCKER_ACTION_OOM, -1, T0 + 60);
	assert_int_equal(count_kind(f, EVENT_OOM), 4);
	fixture_free(f);
}

/* A watched cgroup: Docker's oom first waits for the count, or not long. */
static void
test_oom_held(void **state)
{
	struct fixture	*f = fixture("no", 0);
	const struct event *ev;

	(void)state;
	events_set_oom_watched(f->e, ID_A, 1);
	docker(f, DOCKER_ACTION_OOM, -1, T0);
	assert_int_equal(events_count(f->e), 0);
	assert_int_equal(events_held(f->e), 1);
	events_flush(f->e, T0 + 0.1);			/* not yet */
	assert_int_equal(events_count(f->e), 0);
	events_cgroup_oom(f->e, &f->ic, ID_A, 1, 16777216, 9, T0 + 0.2);
	assert_int_equal(events_held(f->e), 0);
	assert_int_equal(events_count(f->e), 1);
	assert_int_equal(f->nheard, 1);
	ev = events_at(f->e, 0);
	assert_int_equal(ev->oom_kills, 1);		/* delivered with the count */
	assert_int_equal(ev->mem_usage, 9);
	assert_true(ev->time == T0);			/* Docker's time */
	/* The count never comes: recorded without it after the wait. */
	docker(f, DOCKER_ACTION_OOM, -1, T0 + 10);
	events_flush(f->e, T0 + 10 + EVENTS_OOM_WAIT_SECONDS);
	assert_int_equal(events_count(f->e), 2);
	assert_int_equal(events_at(f->e, 0)->oom_kills, -1);
	/* A held one is freed with the container. */
	docker(f, DOCKER_ACTION_OOM, -1, T0 + 20);
	events_forget(f->e, ID_A);
	assert_int_equal(events_held(f->e), 0);
	fixture_free(f);
}

/* No record yet: the event's own attributes name the container. */
static void
test_no_record(void **state)
{
	struct fixture		*f = fixture("no", 0);
	struct docker_event	 de;

	(void)state;
	memset(&de, 0, sizeof(de));
	de.action = DOCKER_ACTION_OOM;
	memcpy(de.id, ID_B, sizeof(ID_B));
	snprintf(de.name, sizeof(de.name), "hog");
	snprintf(de.image, sizeof(de.image), "busybox");
	events_docker(f->e, &de, NULL, T0);
	assert_int_equal(events_count(f->e), 1);
	assert_string_equal(events_at(f->e, 0)->name, "hog");
	assert_int_equal(events_at(f->e, 0)->restart_count, -1);
	fixture_free(f);
}

static void
test_health(void **state)
{
	struct fixture		*f = fixture("no", 0);
	struct docker_event	 de;

	(void)state;
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_STARTING, 0, NULL, T0);
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_HEALTHY, 0, NULL, T0 + 1);
	assert_int_equal(events_count(f->e), 0);	/* not healthy *again* */
	memset(&de, 0, sizeof(de));
	de.action = DOCKER_ACTION_HEALTH_STATUS;
	memcpy(de.id, ID_A, sizeof(ID_A));
	de.health = DOCKER_HEALTH_UNHEALTHY;
	de.time = T0 + 2;
	events_docker(f->e, &de, &f->ic, T0 + 2);
	events_docker(f->e, &de, &f->ic, T0 + 3);	/* still unhealthy */
	assert_int_equal(events_count(f->e), 1);
	assert_int_equal(events_at(f->e, 0)->kind, EVENT_UNHEALTHY);
	assert_string_equal(events_at(f->e, 0)->source, "docker");
	/* hale's check speaks: Docker's is no longer heard. */
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_HEALTHY, 1, NULL, T0 + 4);
	assert_int_equal(events_at(f->e, 0)->kind, EVENT_HEALTHY);
	assert_string_equal(events_at(f->e, 0)->source, "hale");
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_UNHEALTHY, 0, NULL, T0 + 5);
	assert_int_equal(events_count(f->e), 2);
	fixture_free(f);
}

static void
test_rate_limit(void **state)
{
	struct fixture		*f = fixture("no", 60000);
	struct events_stats	 st;

	(void)state;
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_UNHEALTHY, 1, NULL, T0);
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_HEALTHY, 1, NULL, T0 + 10);
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_UNHEALTHY, 1, NULL, T0 + 20);
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_HEALTHY, 1, NULL, T0 + 30);
	events_health(f->e, &f->ic, ID_A, DOCKER_HEALTH_UNHEALTHY, 1, NULL, T0 + 61);
	events_get_stats(f->e, &st);
	assert_int_equal(st.recorded[EVENT_UNHEALTHY], 2);
	assert_int_equal(st.suppressed[EVENT_UNHEALTHY], 1);
	assert_int_equal(st.recorded[EVENT_HEALTHY], 1);
	assert_int_equal(st.suppressed[EVENT_HEALTHY], 1);
	assert_int_equal(f->nrecorded, 3);
	assert_int_equal(f->nheard, 5);	/* the listener hears the held back too */
	/* Per container: another one is not held back. */
	events_remedy(f->e, EVENT_GAVE_UP, NULL, ID_B, "restart", NULL, T0 + 62);
	events_remedy(f->e, EVENT_GAVE_UP, NULL, ID_A, "restart", NULL, T0 + 62);
	events_get_stats(f->e, &st);
	assert_int_equal(st.recorded[EVENT_GAVE_UP], 2);
	fixture_free(f);
}

static void
test_ring(void **state)
{
	struct events_config	 cfg;
	struct events		*e;
	struct event		 ev;
	int			 i;

	(void)state;
	events_config_default(&cfg);
	cfg.ring_size = 3;
	cfg.rate_ms = 0;
	assert_non_null(e = events_new(&cfg));
	for (i = 0; i < 5; i++) {
		event_init(&ev, EVENT_EXIT, ID_A, NULL, T0 + i);
		ev.exit_code = i;
		assert_int_equal(events_record(e, &ev), 1);
	}
	assert_int_equal(events_count(e), 3);
	assert_int_equal(events_at(e, 0)->exit_code, 4);
	assert_int_equal(events_at(e, 2)->exit_code, 2);
	assert_null(events_at(e, 3));
	cfg.ring_size = 2;
	assert_int_equal(events_reconfigure(e, &cfg), 0);
	assert_int_equal(events_count(e), 2);
	assert_int_equal(events_at(e, 0)->exit_code, 4);
	assert_int_equal(events_at(e, 1)->exit_code, 3);
	cfg.ring_size = 10;
	assert_int_equal(events_reconfigure(e, &cfg), 0);
	event_init(&ev, EVENT_OOM, ID_A, NULL, T0 + 9);
	events_record(e, &ev);
	assert_int_equal(events_count(e), 3);
	assert_int_equal(events_at(e, 0)->kind, EVENT_OOM);
	assert_int_equal(events_at(e, 2)->exit_code, 3);
	events_free(e);
}

static void
test_json(void **state)
{
	struct fixture	*f = fixture("always", 0);
	struct buf	 b;

	(void)state;
	snprintf(f->name, sizeof(f->name), "we\"b");
	docker(f, DOCKER_ACTION_DIE, 3, T0 + 0.5);
	events_remedy(f->e, EVENT_REMEDIATED, NULL, ID_B, "restart", "ok", T0 + 1);
	buf_init(&b);
	assert_int_equal(events_json(f->e, NULL, NULL, &b), 0);
	assert_string_equal(b.data,
	    "{\"events\":[{\"kind\":\"remediated\","
	    "\"time\":\"2024-05-01T10:00:01.000000Z\","
	    "\"container\":{\"id\":\"" ID_B "\"},"
	    "\"action\":\"restart\",\"result\":\"ok\"},"
	    "{\"kind\":\"exit\",\"time\":\"2024-05-01T10:00:00.500000Z\","
	    "\"container\":{\"id\":\"" ID_A "\",\"name\":\"we\\\"b\","
	    "\"image\":\"busybox\",\"compose_project\":\"shop\","
	    "\"compose_service\":\"front\"},"
	    "\"exit_code\":3,\"oom_killed\":false,\"run_seconds\":90.5,"
	    "\"will_restart\":true,\"restart_count\":0}]}");
	buf_reset(&b);
	assert_int_equal(events_json(f->e, "we\"b", NULL, &b), 0);
	assert_non_null(strstr(b.data, "\"exit\""));
	assert_null(strstr(b.data, "remediated"));
	buf_reset(&b);
	assert_int_equal(events_json(f->e, "bbbb", NULL, &b), 0);
	assert_null(strstr(b.data, "\"exit\""));
	assert_non_null(strstr(b.data, "remediated"));
	buf_reset(&b);
	assert_int_equal(events_json(f->e, NULL, "oom", &b), 0);
	assert_string_equal(b.data, "{\"events\":[]}");
	buf_reset(&b);
	assert_int_equal(events_json(f->e, NULL, "exit", &b), 0);
	assert_non_null(strstr(b.data, "\"exit_code\":3"));
	buf_free(&b);
	fixture_free(f);
}

static void
test_forget(void **state)
{
	struct fixture	*f = fixture("always", 0);

	(void)state;
	crash(f, T0);
	assert_int_equal(events_docker_restarts(f->e, ID_A), 1);
	docker(f, DOCKER_ACTION_DESTROY, -1, T0 + 1);
	assert_int_equal(events_docker_restarts(f->e, ID_A), 0);
	assert_int_equal(events_count(f->e), 1);	/* the ring keeps history */
	fixture_free(f);
}

static int
parse(const char *json, struct events_config **out, struct buf *errors)
{
	cJSON	*v = cJSON_Parse(json);
	int	 n;

	assert_non_null(v);
	buf_reset(errors);
	n = events_config_from_json(v, "events", out, errors);
	cJSON_Delete(v);
	return n;
}

static void
test_config(void **state)
{
	struct events_config	*c;
	struct buf		 err;

	(void)state;
	buf_init(&err);
	assert_int_equal(parse("{}", &c, &err), 0);
	assert_int_equal(c->ring_size, EVENTS_RING_DEFAULT);
	assert_int_equal(c->rate_ms, 60000);
	assert_int_equal(c->loop_restarts, 3);
	assert_int_equal(c->loop_window_ms, 600000);
	events_config_free(c);
	assert_int_equal(parse("{\"ring_size\": 50, \"rate_limit\": \"0s\", "
	    "\"restart_loop\": {\"restarts\": 5, \"window\": \"2m\"}}", &c, &err), 0);
	assert_int_equal(c->ring_size, 50);
	assert_int_equal(c->rate_ms, 0);
	assert_int_equal(c->loop_restarts, 5);
	assert_int_equal(c->loop_window_ms, 120000);
	events_config_free(c);
	assert_int_equal(parse("{\"ring_size\": 0, \"rate_limit\": 5, "
	    "\"restart_loop\": {\"restarts\": 1, \"window\": \"1ms\", \"x\": 1}, "
	    "\"y\": true}", &c, &err), 6);
	assert_null(c);
	assert_string_equal(err.data,
	    "events.ring_size: must be at least 1\n"
	    "events.rate_limit: 5 is not a duration from 0s to 24h\n"
	    "events.restart_loop.restarts: must be at least 2\n"
	    "events.restart_loop.window: \"1ms\" is not a duration from 1s to 24h\n"
	    "events.restart_loop.x: unknown key (restarts, window)\n"
	    "events.y: unknown key (ring_size, rate_limit, restart_loop)\n");
	buf_free(&err);
}

static void
test_metrics(void **state)
{
	struct fixture		*f = fixture("always", 0);
	struct metrics_writer	 w;
	struct buf		 b;

	(void)state;
	crash(f, T0);
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	events_write_metrics(f->e, NULL, &w);
	assert_non_null(strstr(b.data, "hale_events_total{kind=\"exit\"} 1\n"));
	assert_non_null(strstr(b.data, "hale_events_total{kind=\"oom\"} 0\n"));
	assert_non_null(strstr(b.data,
	    "hale_events_suppressed_total{kind=\"exit\"} 0\n"));
	buf_free(&b);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_exit_policy),
		cmocka_unit_test(test_requested_stop),
		cmocka_unit_test(test_restart_loop),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_oom_both_sources),
		cmocka_unit_test(test_oom_held),
		cmocka_unit_test(test_no_record),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
