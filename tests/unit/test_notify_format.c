/*
 * Webhook bodies of hale events, exact bytes for each format (golden
 * documents), hostile names, and which webhooks get which events.
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

#include "remedy/events.h"
#include "remedy/notify.h"

#define ID	"4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c4f1c"
#define T0	1714557600.5	/* 2024-05-01T10:00:00.5Z */

static void
exit_event(struct event *ev)
{
	event_init(ev, EVENT_EXIT, ID, NULL, T0);
	snprintf(ev->name, sizeof(ev->name), "web");
	snprintf(ev->image, sizeof(ev->image), "nginx:1.25");
	snprintf(ev->project, sizeof(ev->project), "shop");
	snprintf(ev->service, sizeof(ev->service), "front");
	ev->exit_code = 3;
	ev->oom_killed = 0;
	ev->run_seconds = 90.5;
	ev->will_restart = 1;
	ev->restart_count = 2;
}

/* Renders and returns the body (static); the message in *m. */
static const char *
render(enum notify_format f, const struct event *ev, const char *host,
    struct notify_msg *m)
{
	static char	 out[4096];

	buf_init(&m->body);
	assert_int_equal(notify_render(f, ev, NULL, host, m), 0);
	snprintf(out, sizeof(out), "%s", m->body.data);
	buf_free(&m->body);
	return out;
}

static void
test_json(void **state)
{
	struct notify_msg	 m;
	struct event		 ev;

	(void)state;
	exit_event(&ev);
	assert_string_equal(render(NOTIFY_FMT_JSON, &ev, "node1", &m),
	    "{\"version\":1,\"event\":\"exit\","
	    "\"time\":\"2024-05-01T10:00:00.500000Z\",\"host\":\"node1\","
	    "\"container\":{\"id\":\"" ID "\",\"name\":\"web\","
	    "\"image\":\"nginx:1.25\",\"compose_project\":\"shop\","
	    "\"compose_service\":\"front\"},"
	    "\"exit_code\":3,\"oom_killed\":false,\"run_seconds\":90.5,"
	    "\"will_restart\":true,\"restart_count\":2}");
	assert_string_equal(m.content_type, "application/json");
	assert_string_equal(m.title, "");
	/* An OOM with the cgroup's numbers, no host known. */
	event_init(&ev, EVENT_OOM, ID, NULL, T0);
	ev.oom_killed = 1;
	ev.oom_kills = 2;
	ev.mem_limit = 16777216;
	ev.mem_usage = 16777216;
	assert_string_equal(render(NOTIFY_FMT_JSON, &ev, "", &m),
	    "{\"version\":1,\"event\":\"oom\","
	    "\"time\":\"2024-05-01T10:00:00.500000Z\",\"host\":null,"
	    "\"container\":{\"id\":\"" ID "\"},\"oom_killed\":true,"
	    "\"oom_kills\":2,\"memory_limit_bytes\":16777216,"
	    "\"memory_usage_bytes\":16777216}");
}

static void
test_slack(void **state)
{
	struct notify_msg	 m;
	struct event		 ev;

	(void)state;
	exit_event(&ev);
	assert_string_equal(render(NOTIFY_FMT_SLACK, &ev, "node1", &m),
	    "{\"text\":\"[hale] web (nginx:1.25) on node1 exited with code 3 "
	    "after 90.5 s; Docker will restart it\"}");
	/* Slack's controls in a name are escaped; JSON quotes too. */
	snprintf(ev.name, sizeof(ev.name), "<!channel> a&b \"q\"");
	assert_string_equal(render(NOTIFY_FMT_SLACK, &ev, NULL, &m),
	    "{\"text\":\"[hale] &lt;!channel&gt; a&amp;b \\\"q\\\" (nginx:1.25) "
	    "exited with code 3 after 90.5 s; Docker will restart it\"}");
	event_init(&ev, EVENT_RESTART_LOOP, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "crash");
	ev.restarts = 3;
	ev.window = 600;
	ev.restart_count = 3;
	assert_string_equal(render(NOTIFY_FMT_SLACK, &ev, "node1", &m),
	    "{\"text\":\"[hale] crash on node1 is in a restart loop: 3 restarts "
	    "by Docker in 10m (restart count 3)\"}");
}

static void
test_discord(void **state)
{
	struct notify_msg	 m;
	struct event		 ev;

	(void)state;
	event_init(&ev, EVENT_OOM, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "@everyone");
	ev.oom_kills = 1;
	ev.mem_limit = 16777216;
	ev.mem_usage = 16252928;
	assert_string_equal(render(NOTIFY_FMT_DISCORD, &ev, "node1", &m),
	    "{\"content\":\"[hale] @everyone on node1 was OOM-killed (kill 1 in "
	    "its cgroup), memory 15.5 MiB of 16.0 MiB\","
	    "\"allowed_mentions\":{\"parse\":[]}}");
	/* No name known: the short id. Invalid UTF-8 is replaced. */
	event_init(&ev, EVENT_UNHEALTHY, ID, NULL, T0);
	snprintf(ev.source, sizeof(ev.source), "hale");
	assert_string_equal(render(NOTIFY_FMT_DISCORD, &ev, "n\xff", &m),
	    "{\"content\":\"[hale] 4f1c4f1c4f1c on n\xef\xbf\xbd is unhealthy "
	    "(hale check)\",\"allowed_mentions\":{\"parse\":[]}}");
}

static void
test_ntfy(void **state)
{
	struct notify_msg	 m;
	struct event		 ev;

	(void)state;
	exit_event(&ev);
	assert_string_equal(render(NOTIFY_FMT_NTFY, &ev, "node1", &m),
	    "[hale] web (nginx:1.25) on node1 exited with code 3 after 90.5 s; "
	    "Docker will restart it");
	assert_string_equal(m.content_type, "text/plain; charset=utf-8");
	assert_string_equal(m.title, "hale: exit web");
	assert_int_equal(m.priority, 4);
	assert_string_equal(m.tags, "warning,exit");
	/* A header value never carries CR, LF or non-ASCII bytes. */
	snprintf(ev.name, sizeof(ev.name), "a\r\nX-Evil: 1 \xc3\xa9");
	render(NOTIFY_FMT_NTFY, &ev, NULL, &m);
	assert_string_equal(m.title, "hale: exit a??X-Evil: 1 ??");
	event_init(&ev, EVENT_HEALTHY, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "web");
	snprintf(ev.source, sizeof(ev.source), "docker");
	assert_string_equal(render(NOTIFY_FMT_NTFY, &ev, NULL, &m),
	    "[hale] web is healthy again (docker check)");
	assert_int_equal(m.priority, 3);
	assert_string_equal(m.tags, "white_check_mark,healthy");
	event_init(&ev, EVENT_REMEDIATED, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "web");
	snprintf(ev.action, sizeof(ev.action), "restart");
	snprintf(ev.result, sizeof(ev.result), "failed");
	assert_string_equal(render(NOTIFY_FMT_NTFY, &ev, "node1", &m),
	    "[hale] restart of web on node1: failed");
	assert_int_equal(m.priority, 4);
	event_init(&ev, EVENT_GAVE_UP, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "web");
	assert_string_equal(render(NOTIFY_FMT_NTFY, &ev, NULL, &m),
	    "[hale] gave up on web: the remediation budget is spent");
	assert_int_equal(m.priority, 5);
}

/* Renders with a log tail; the body (static). */
static const char *
render_tail(enum notify_format f, const struct event *ev, const char *tail,
    struct notify_msg *m)
{
	static char	 out[8192];

	buf_init(&m->body);
	assert_int_equal(notify_render(f, ev, tail, "node1", m), 0);
	snprintf(out, sizeof(out), "%s", m->body.data);
	buf_free(&m->body);
	return out;
}

static void
unhealthy_event(struct event *ev)
{
	event_init(ev, EVENT_UNHEALTHY, ID, NULL, T0);
	snprintf(ev->name, sizeof(ev->name), "web");
	snprintf(ev->source, sizeof(ev->source), "hale");
	snprintf(ev->health_output, sizeof(ev->health_output), "curl: (7) <refused>");
	snprintf(ev->checks, sizeof(ev->checks),
	    "http netns 127.0.0.1:80/health: status (HTTP 500)\n"
	    "http netns 127.0.0.1:80/health: refused");
}

/* The context in each format: health output, hale's checks, the log tail. */
static void
test_context(void **state)
{
	static const char tail[] = "boot <ok>\nrun `x`\npanic: @everyone";
	struct notify_msg	 m;
	struct event		 ev;
	char			 big[3000];

	(void)state;
	unhealthy_event(&ev);
	assert_string_equal(render_tail(NOTIFY_FMT_JSON, &ev, tail, &m),
	    "{\"version\":1,\"event\":\"unhealthy\","
	    "\"time\":\"2024-05-01T10:00:00.500000Z\",\"host\":\"node1\","
	    "\"container\":{\"id\":\"" ID "\",\"name\":\"web\"},"
	    "\"source\":\"hale\",\"health_output\":\"curl: (7) <refused>\","
	    "\"checks\":\"http netns 127.0.0.1:80/health: status (HTTP 500)"
	    "\\nhttp netns 127.0.0.1:80/health: refused\","
	    "\"log_tail\":\"boot <ok>\\nrun `x`\\npanic: @everyone\"}");
	assert_string_equal(render_tail(NOTIFY_FMT_SLACK, &ev, tail, &m),
	    "{\"text\":\"[hale] web on node1 is unhealthy (hale check)\\n"
	    "Healthcheck output: curl: (7) &lt;refused&gt;\\n"
	    "hale's checks:\\n"
	    "http netns 127.0.0.1:80/health: status (HTTP 500)\\n"
	    "http netns 127.0.0.1:80/health: refused\\n"
	    "Last log lines:\\n```\\nboot &lt;ok&gt;\\nrun 'x'\\n"
	    "panic: @everyone\\n```\"}");
	assert_string_equal(render_tail(NOTIFY_FMT_DISCORD, &ev, tail, &m),
	    "{\"content\":\"[hale] web on node1 is unhealthy (hale check)\\n"
	    "Healthcheck output: curl: (7) <refused>\\n"
	    "hale's checks:\\n"
	    "http netns 127.0.0.1:80/health: status (HTTP 500)\\n"
	    "http netns 127.0.0.1:80/health: refused\\n"
	    "Last log lines:\\n```\\nboot <ok>\\nrun 'x'\\n"
	    "panic: @everyone\\n```\",\"allowed_mentions\":{\"parse\":[]}}");
	assert_string_equal(render_tail(NOTIFY_FMT_NTFY, &ev, tail, &m),
	    "[hale] web on node1 is unhealthy (hale check)\n"
	    "Healthcheck output: curl: (7) <refused>\n"
	    "hale's checks:\n"
	    "http netns 127.0.0.1:80/health: status (HTTP 500)\n"
	    "http netns 127.0.0.1:80/health: refused\n"
	    "Last log lines:\nboot <ok>\nrun `x`\npanic: @everyone");
	/* An exit with the memory the OOM report saw. */
	exit_event(&ev);
	ev.mem_limit = 16777216;
	ev.mem_usage = 16252928;
	assert_string_equal(render_tail(NOTIFY_FMT_NTFY, &ev, NULL, &m),
	    "[hale] web (nginx:1.25) on node1 exited with code 3 after 90.5 s, "
	    "memory 15.5 MiB of 16.0 MiB; Docker will restart it");
	/* No tail asked: no field; an empty one fetched: an empty string. */
	exit_event(&ev);
	assert_null(strstr(render_tail(NOTIFY_FMT_JSON, &ev, NULL, &m),
	    "log_tail"));
	assert_non_null(strstr(render_tail(NOTIFY_FMT_JSON, &ev, "", &m),
	    "\"log_tail\":\"\""));
	/* Discord's content stays within its 2000 characters. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[100] = big[2000] = '\n';
	unhealthy_event(&ev);
	{
		cJSON *j = cJSON_Parse(render_tail(NOTIFY_FMT_DISCORD, &ev, big,
		    &m));
		const cJSON *c = cJSON_GetObjectItem(j, "content");

		assert_true(cJSON_IsString(c));
		assert_true(strlen(c->valuestring) <= 2000);
		assert_non_null(strstr(c->valuestring, "Last log lines:\n```\nxxx"));
		cJSON_Delete(j);
	}
}

/* recovered and reset: chat text and ntfy's headers. */
static void
test_recovered_reset(void **state)
{
	struct notify_msg	 m;
	struct event		 ev;

	(void)state;
	event_init(&ev, EVENT_RECOVERED, ID, NULL, T0);
	snprintf(ev.name, sizeof(ev.name), "web");
	assert_string_equal(render(NOTIFY_FMT_SLACK, &ev, "node1", &m),
	    "{\"text\":\"[hale] remediation of web on node1 resumes: healthy "
	    "again after the give-up\"}");
	assert_string_equal(render(NOTIFY_FMT_NTFY, &ev, NULL, &m),
	    "[hale] remediation of web resumes: healthy again after the give-up");
	assert_string_equal(m.tags, "white_check_mark,recovered");
	assert_string_equal(m.title, "hale: recovered web");
	ev.kind = EVENT_RESET;
	assert_string_equal(render(NOTIFY_FMT_DISCORD, &ev, NULL, &m),
	    "{\"content\":\"[hale] remediation of web resumes: an operator "
	    "reset it\",\"allowed_mentions\":{\"parse\":[]}}");
	assert_string_equal(render(NOTIFY_FMT_JSON, &ev, NULL, &m),
	    "{\"version\":1,\"event\":\"reset\","
	    "\"time\":\"2024-05-01T10:00:00.500000Z\",\"host\":null,"
	    "\"container\":{\"id\":\"" ID "\",\"name\":\"web\"}}");
	assert_int_equal(notify_event_bit(&ev), NOTIFY_EV_RESET);
}

/* Which webhooks a hale event goes to (nothing is sent: no loop runs). */
static void
test_routing(void **state)
{
	static const char json[] =
	    "{\"webhooks\": ["
	    " {\"url\": \"http://127.0.0.1:1/json\"},"
	    " {\"url\": \"http://127.0.0.1:1/slack\", \"format\": \"slack\"},"
	    " {\"url\": \"http://127.0.0.1:1/ntfy\", \"format\": \"ntfy\","
	    "  \"events\": [\"oom\", \"restart_loop\"]}]}";
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct notify_config	*cfg = NULL;
	struct notify_stats	 st;
	struct curlev		*cv;
	struct notify		*n;
	struct event		 ev;
	struct buf		 errors;
	cJSON			*root;
	char			 err[128];

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	assert_non_null(cv = curlev_new(loop, err, sizeof(err)));
	buf_init(&errors);
	assert_non_null(root = cJSON_Parse(json));
	assert_int_equal(notify_config_from_json(root, "notify", &cfg, &errors),
	    0);
	cJSON_Delete(root);
	assert_int_equal(cfg->hooks[1].format, NOTIFY_FMT_SLACK);
	assert_int_equal(cfg->hooks[2].events, NOTIFY_EV_OOM |
	    NOTIFY_EV_RESTART_LOOP);
	assert_non_null(n = notify_new(loop, cv, cfg, err, sizeof(err)));
	exit_event(&ev);
	notify_send_event(n, &ev);		/* json, slack */
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 2);
	ev.kind = EVENT_OOM;
	notify_send_event(n, &ev);		/* all three */
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 5);
	ev.kind = EVENT_REMEDIATED;
	notify_send_event(n, &ev);		/* slack: json has its documents */
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 6);
	notify_send(n, NOTIFY_EV_ACTION, "{}", 2);	/* json only */
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 7);
	ev.kind = EVENT_RECOVERED;
	notify_send_event(n, &ev);		/* slack: json has its documents */
	notify_get_stats(n, &st);
	assert_int_equal(st.queued, 8);
	notify_free(n);
	curlev_free(cv);
	notify_config_free(cfg);
	buf_free(&errors);
	ev_loop_destroy(loop);
	curl_global_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_slack),
		cmocka_unit_test(test_discord),
		cmocka_unit_test(test_ntfy),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_recovered_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
