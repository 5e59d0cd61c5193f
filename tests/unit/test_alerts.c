/*
 * Alertmanager alerts: firing and resolve sequences over simulated time
 * (exact POST bodies), the hold of point events, the resend horizon, and
 * the config section.
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

#include "remedy/alerts.h"

#define ID	"4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c"
#define T0	1714557600.0	/* 2024-05-01T10:00:00Z */
#define RESEND	60000
#define HOLD	900000

static void
ev_of(struct event *ev, enum event_kind k, double t)
{
	event_init(ev, k, ID, NULL, t);
	snprintf(ev->name, sizeof(ev->name), "web");
	snprintf(ev->image, sizeof(ev->image), "nginx");
	snprintf(ev->service, sizeof(ev->service), "front");
}

static char *
body(struct alerts *t, double now)
{
	static char	 s[8192];
	struct buf	 b;

	buf_init(&b);
	assert_int_equal(alerts_json(t, now, RESEND, &b), 0);
	snprintf(s, sizeof(s), "%s", b.data);
	buf_free(&b);
	return s;
}

#define LABELS(name, sev) "\"labels\":{\"alertname\":\"" name "\"," \
	"\"name\":\"web\",\"image\":\"nginx\",\"compose_service\":\"front\"," \
	"\"instance\":\"node1\",\"severity\":\"" sev "\"}"

static void
test_unhealthy_then_healthy(void **state)
{
	struct alerts	*t = alerts_new();
	struct event	 ev;

	(void)state;
	assert_non_null(t);
	ev_of(&ev, EVENT_UNHEALTHY, T0);
	snprintf(ev.source, sizeof(ev.source), "hale");
	snprintf(ev.health_output, sizeof(ev.health_output), "down");
	snprintf(ev.checks, sizeof(ev.checks), "tcp netns 127.0.0.1:80: refused");
	assert_int_equal(alerts_observe(t, &ev, "node1", T0, HOLD), 1);
	assert_int_equal(alerts_firing(t), 1);
	/* Firing: endsAt 4 resends ahead of each POST; the context annotated. */
	assert_string_equal(body(t, T0 + 1),
	    "[{" LABELS("HaleContainerUnhealthy", "warning") ","
	    "\"annotations\":{\"summary\":\"web (nginx) on node1 is unhealthy "
	    "(hale check)\",\"container_id\":\"" ID "\",\"source\":\"hale\","
	    "\"health_output\":\"down\","
	    "\"checks\":\"tcp netns 127.0.0.1:80: refused\"},"
	    "\"startsAt\":\"2024-05-01T10:00:00.000000Z\","
	    "\"endsAt\":\"2024-05-01T10:04:01.000000Z\"}]");
	assert_int_equal(alerts_tick(t, T0 + 3600, RESEND), 0);
	assert_non_null(strstr(body(t, T0 + 3600),
	    "\"endsAt\":\"2024-05-01T11:04:00.000000Z\""));
	/* Healthy again: resolved, endsAt the time it resolved. */
	ev_of(&ev, EVENT_HEALTHY, T0 + 3700);
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 3700, HOLD), 1);
	assert_int_equal(alerts_firing(t), 0);
	assert_non_null(strstr(body(t, T0 + 3701),
	    "\"startsAt\":\"2024-05-01T10:00:00.000000Z\","
	    "\"endsAt\":\"2024-05-01T11:01:40.000000Z\""));
	/* A second healthy changes nothing. */
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 3710, HOLD), 0);
	/* Posted for 4 resends more, then forgotten. */
	assert_int_equal(alerts_tick(t, T0 + 3700 + 200, RESEND), 0);
	assert_int_equal(alerts_tick(t, T0 + 3700 + 241, RESEND), 1);
	assert_string_equal(body(t, T0 + 4000), "[]");
	alerts_free(t);
}

static void
test_point_events_hold(void **state)
{
	struct alerts	*t = alerts_new();
	struct event	 ev;

	(void)state;
	ev_of(&ev, EVENT_OOM, T0);
	ev.oom_kills = 1;
	ev.mem_limit = 16777216;
	ev.oom_killed = 1;
	assert_int_equal(alerts_observe(t, &ev, "node1", T0, HOLD), 1);
	assert_string_equal(body(t, T0),
	    "[{" LABELS("HaleContainerOOMKilled", "critical") ","
	    "\"annotations\":{\"summary\":\"web (nginx) on node1 was OOM-killed "
	    "(kill 1 in its cgroup), limit 16.0 MiB\",\"container_id\":\"" ID "\","
	    "\"oom_killed\":\"true\",\"oom_kills\":\"1\","
	    "\"memory_limit_bytes\":\"16777216\"},"
	    "\"startsAt\":\"2024-05-01T10:00:00.000000Z\","
	    "\"endsAt\":\"2024-05-01T10:15:00.000000Z\"}]");
	/* Again 5 min later: the same alert, held longer, same start. */
	ev.time = T0 + 300;
	ev.oom_kills = 2;
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 300, HOLD), 1);
	assert_non_null(strstr(body(t, T0 + 300),
	    "\"startsAt\":\"2024-05-01T10:00:00.000000Z\","
	    "\"endsAt\":\"2024-05-01T10:20:00.000000Z\""));
	assert_non_null(strstr(body(t, T0 + 300), "\"oom_kills\":\"2\""));
	/* The hold ends: resolved at its end. */
	assert_int_equal(alerts_tick(t, T0 + 1199, RESEND), 0);
	assert_int_equal(alerts_firing(t), 1);
	assert_int_equal(alerts_tick(t, T0 + 1200, RESEND), 1);
	assert_int_equal(alerts_firing(t), 0);
	/* An exit and a loop: two alerts more, by alertname. */
	ev_of(&ev, EVENT_EXIT, T0 + 2000);
	ev.exit_code = 3;
	alerts_observe(t, &ev, "node1", T0 + 2000, HOLD);
	ev_of(&ev, EVENT_RESTART_LOOP, T0 + 2001);
	ev.restarts = 3;
	ev.window = 600;
	alerts_observe(t, &ev, "node1", T0 + 2001, HOLD);
	assert_int_equal(alerts_firing(t), 2);
	assert_non_null(strstr(body(t, T0 + 2001),
	    "\"alertname\":\"HaleContainerRestartLoop\""));
	assert_non_null(strstr(body(t, T0 + 2001), "\"exit_code\":\"3\""));
	/* Remediated events make no alert; the container removed resolves all. */
	ev_of(&ev, EVENT_REMEDIATED, T0 + 2002);
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 2002, HOLD), 0);
	assert_int_equal(alerts_forget(t, ID, T0 + 2003), 1);
	assert_int_equal(alerts_firing(t), 0);
	alerts_free(t);
}

static void
test_gave_up(void **state)
{
	struct alerts	*t = alerts_new();
	struct event	 ev;

	(void)state;
	ev_of(&ev, EVENT_UNHEALTHY, T0);
	alerts_observe(t, &ev, "node1", T0, HOLD);
	ev_of(&ev, EVENT_GAVE_UP, T0 + 60);
	alerts_observe(t, &ev, "node1", T0 + 60, HOLD);
	assert_int_equal(alerts_firing(t), 2);
	ev_of(&ev, EVENT_HEALTHY, T0 + 120);
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 120, HOLD), 1);
	assert_int_equal(alerts_firing(t), 0);
	/* Unhealthy again after a resolve: a new start. */
	ev_of(&ev, EVENT_UNHEALTHY, T0 + 180);
	alerts_observe(t, &ev, "node1", T0 + 180, HOLD);
	assert_non_null(strstr(body(t, T0 + 180),
	    "\"startsAt\":\"2024-05-01T10:03:00.000000Z\""));
	/* A recovery or an operator's reset resolves the give-up only. */
	ev_of(&ev, EVENT_GAVE_UP, T0 + 190);
	alerts_observe(t, &ev, "node1", T0 + 190, HOLD);
	assert_int_equal(alerts_firing(t), 2);
	ev_of(&ev, EVENT_RESET, T0 + 200);
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 200, HOLD), 1);
	assert_int_equal(alerts_firing(t), 1);
	ev_of(&ev, EVENT_GAVE_UP, T0 + 210);
	alerts_observe(t, &ev, "node1", T0 + 210, HOLD);
	ev_of(&ev, EVENT_RECOVERED, T0 + 220);
	assert_int_equal(alerts_observe(t, &ev, "node1", T0 + 220, HOLD), 1);
	assert_int_equal(alerts_firing(t), 1);
	alerts_free(t);
}

static int
parse(const char *json, struct alerts_config **out, struct buf *errors)
{
	cJSON	*v = cJSON_Parse(json);
	int	 n;

	assert_non_null(v);
	buf_reset(errors);
	n = alerts_config_from_json(v, "alertmanager", out, errors);
	cJSON_Delete(v);
	return n;
}

static void
test_config(void **state)
{
	struct alerts_config	*c;
	struct buf		 err;

	(void)state;
	buf_init(&err);
	assert_int_equal(parse("{\"urls\": [\"http://127.0.0.1:9093\", "
	    "\"https://am2:9093/\"], \"resend\": \"30s\", \"hold\": \"5m\"}",
	    &c, &err), 0);
	assert_int_equal(c->nurls, 2);
	assert_string_equal(c->urls[1], "https://am2:9093/");
	assert_int_equal(c->resend_ms, 30000);
	assert_int_equal(c->hold_ms, 300000);
	assert_int_equal(c->timeout_ms, ALERTS_TIMEOUT_DEFAULT_MS);
	alerts_config_free(c);
	assert_int_equal(parse("{}", &c, &err), 1);
	assert_string_equal(err.data, "alertmanager: needs \"urls\"\n");
	assert_int_equal(parse("{\"urls\": [\"ftp://x\", 3], \"resend\": \"0s\", "
	    "\"x\": 1}", &c, &err), 4);
	assert_null(c);
	assert_string_equal(err.data,
	    "alertmanager.urls[0]: \"ftp://x\" is not an http:// or https:// URL\n"
	    "alertmanager.urls[0]: 3 is not an http:// or https:// URL\n"
	    "alertmanager.resend: \"0s\" is not a duration from 1s to 1h\n"
	    "alertmanager.x: unknown key (urls, resend, hold, timeout)\n");
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhealthy_then_healthy),
		cmocka_unit_test(test_point_events_hold),
		cmocka_unit_test(test_gave_up),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
