/*
 * Webhooks: the JSON document (exact bytes), the config section with
 * its error messages, and the bounded queue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/timefmt.h"
#include "remedy/notify.h"

static void
test_document(void **state)
{
	struct notify_doc	 d;
	struct buf		 b;
	cJSON			*health;

	(void)state;
	health = cJSON_Parse("{\"status\":\"unhealthy\",\"source\":\"hale\"}");
	assert_non_null(health);
	memset(&d, 0, sizeof(d));
	d.event = NOTIFY_EV_ACTION;
	d.time = 1714557600.25;		/* 2024-05-01T10:00:00.25Z */
	d.host = "node1";
	d.id = "4f1c";
	d.name = "we\"b\n";		/* escaped by cJSON */
	d.image = "busybox";
	d.action = "restart";
	d.trigger = "unhealthy";
	d.result = "failed";
	d.error = "HTTP 500: {\"message\":\"boom\"}";
	d.reason = "unhealthy";
	d.attempt = 2;
	d.budget_max = 5;
	d.budget_used = 2;
	d.window = 3600;
	d.next_allowed = 1714557620;
	d.health = health;
	buf_init(&b);
	assert_int_equal(notify_document(&d, &b), 0);
	assert_string_equal(b.data,
	    "{\"version\":1,\"event\":\"action\","
	    "\"time\":\"2024-05-01T10:00:00.250000Z\",\"host\":\"node1\","
	    "\"container\":{\"id\":\"4f1c\",\"name\":\"we\\\"b\\n\","
	    "\"image\":\"busybox\"},"
	    "\"action\":\"restart\",\"trigger\":\"unhealthy\",\"result\":\"failed\","
	    "\"error\":\"HTTP 500: {\\\"message\\\":\\\"boom\\\"}\","
	    "\"reason\":\"unhealthy\",\"attempt\":2,"
	    "\"budget\":{\"max\":5,\"used\":2,\"window_seconds\":3600},"
	    "\"next_allowed\":\"2024-05-01T10:00:20.000000Z\",\"dry_run\":false,"
	    "\"health\":{\"status\":\"unhealthy\",\"source\":\"hale\"}}");
	/* A give-up: no result, no next action, no health known. */
	memset(&d, 0, sizeof(d));
	d.event = NOTIFY_EV_GAVE_UP;
	d.time = 1714557600;
	d.id = "4f1c";
	d.action = "restart";
	d.reason = "budget spent: giving up";
	d.attempt = 5;
	d.budget_max = 5;
	d.budget_used = 5;
	d.window = 3600;
	d.dry_run = 1;
	buf_reset(&b);
	assert_int_equal(notify_document(&d, &b), 0);
	assert_string_equal(b.data,
	    "{\"version\":1,\"event\":\"gave_up\","
	    "\"time\":\"2024-05-01T10:00:00.000000Z\",\"host\":null,"
	    "\"container\":{\"id\":\"4f1c\",\"name\":null,\"image\":null},"
	    "\"action\":\"restart\",\"trigger\":null,\"result\":null,"
	    "\"error\":null,\"reason\":\"budget spent: giving up\",\"attempt\":5,"
	    "\"budget\":{\"max\":5,\"used\":5,\"window_seconds\":3600},"
	    "\"next_allowed\":null,\"dry_run\":true,\"health\":null}");
	buf_free(&b);
	cJSON_Delete(health);
}

static void
test_time_text(void **state)
{
	char	 s[64];

	(void)state;
	timefmt_rfc3339(0, TIMEFMT_API, s, sizeof(s));
	assert_string_equal(s, "");
	timefmt_rfc3339(86400.9999996, TIMEFMT_API, s, sizeof(s));
	assert_string_equal(s, "1970-01-02T00:00:01.000000Z");
	timefmt_rfc3339(951782400.5, TIMEFMT_API, s, sizeof(s));	/* leap day 2000 */
	assert_string_equal(s, "2000-02-29T00:00:00.500000Z");
}

static void
test_events(void **state)
{
	(void)state;
	assert_int_equal(notify_event_parse("action"), NOTIFY_EV_ACTION);
	assert_int_equal(notify_event_parse("gave_up"), NOTIFY_EV_GAVE_UP);
	assert_int_equal(notify_event_parse("recovered"), NOTIFY_EV_RECOVERED);
	assert_int_equal(notify_event_parse("reset"), NOTIFY_EV_RESET);
	assert_int_equal(notify_event_parse("Action"), 0);
	assert_int_equal(notify_event_parse(""), 0);
	assert_string_equal(notify_event_name(NOTIFY_EV_GAVE_UP), "gave_up");
}

static struct notify_config *
parse(const char *json, struct buf *errors, int *n)
{
	struct notify_config	*cfg = NULL;
	cJSON			*root = cJSON_Parse(json);

	assert_non_null(root);
	buf_reset(errors);
	*n = notify_config_from_json(root, "notify", &cfg, errors);
	cJSON_Delete(root);
	return cfg;
}

static void
test_config(void **state)
{
	static const char json[] =
	    "{\"retries\": 2, \"queue_max\": 3, \"webhooks\": ["
	    " {\"url\": \"https://hooks.example.com/x?y=1\","
	    "  \"events\": [\"gave_up\", \"reset\"],"
	    "  \"headers\": {\"Authorization\": \"Bearer abc\", \"X-A\": \"b\"},"
	    "  \"timeout\": \"2s\"},"
	    " {\"url\": \"http://127.0.0.1:8080/\"}]}";
	struct buf		 errors;
	struct notify_config	*cfg;
	int			 n;

	(void)state;
	buf_init(&errors);
	cfg = parse(json, &errors, &n);
	assert_int_equal(n, 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->retries, 2);
	assert_int_equal(cfg->queue_max, 3);
	assert_int_equal(cfg->nhooks, 2);
	assert_string_equal(cfg->hooks[0].url, "https://hooks.example.com/x?y=1");
	assert_int_equal(cfg->hooks[0].events,
	    NOTIFY_EV_GAVE_UP | NOTIFY_EV_RESET);
	assert_int_equal(cfg->hooks[0].nheaders, 2);
	assert_string_equal(cfg->hooks[0].headers[0], "Authorization: Bearer abc");
	assert_string_equal(cfg->hooks[0].headers[1], "X-A: b");
	assert_int_equal(cfg->hooks[0].timeout_ms, 2000);
	assert_int_equal(cfg->hooks[1].events, NOTIFY_EV_ALL);
	assert_int_equal(cfg->hooks[1].timeout_ms, NOTIFY_TIMEOUT_DEFAULT_MS);
	notify_config_free(cfg);
	/* Defaults. */
	cfg = parse("{}", &errors, &n);
	assert_int_equal(n, 0);
	assert_int_equal(cfg->retries, NOTIFY_RETRIES_DEFAULT);
	assert_int_equal(cfg->queue_max, NOTIFY_QUEUE_DEFAULT);
	assert_int_equal(cfg->nhooks, 0);
	notify_config_free(cfg);
	buf_free(&errors);
}

static void
config_error(const char *json, const char *want)
{
	struct buf		 errors;
	struct notify_config	*cfg;
	int			 n;

	buf_init(&errors);
	cfg = parse(json, &errors, &n);
	assert_null(cfg);
	assert_true(n >= 1);
	assert_string_equal(errors.data, want);
	buf_free(&errors);
}

static void
test_config_errors(void **state)
{
	(void)state;
	config_error("{\"webhooks\": [{\"url\": \"ftp://x/\"}]}",
	    "notify.webhooks[0].url: \"ftp://x/\" is not an http:// or https:// "
	    "URL\n");
	config_error("{\"webhooks\": [{\"url\": \"http:///path\"}]}",
	    "notify.webhooks[0].url: \"http:///path\" is not an http:// or "
	    "https:// URL\n");
	config_error("{\"webhooks\": [{\"url\": \"http://a b/\"}]}",
	    "notify.webhooks[0].url: \"http://a b/\" is not an http:// or "
	    "https:// URL\n");
	config_error("{\"webhooks\": [{}]}",
	    "notify.webhooks[0]: needs a \"url\"\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"events\": "
	    "[\"action\", \"boom\"]}]}",
	    "notify.webhooks[0].events[1]: \"boom\" is not one of action, "
	    "gave_up, recovered, reset, oom, exit, restart_loop, unhealthy, "
	    "healthy\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"format\": "
	    "\"teams\"}]}",
	    "notify.webhooks[0].format: \"teams\" is not one of json, slack, "
	    "discord, ntfy\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"events\": []}]}",
	    "notify.webhooks[0].events: is empty (leave it out for every "
	    "event)\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"headers\": "
	    "{\"Bad Name\": \"v\"}}]}",
	    "notify.webhooks[0].headers.Bad Name: is not a valid header name\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"headers\": "
	    "{\"X-A\": \"v\\r\\nInjected: 1\"}}]}",
	    "notify.webhooks[0].headers.X-A: must be 1 to 1024 printable "
	    "characters\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"headers\": "
	    "{\"Content-Type\": \"text/plain\"}}]}",
	    "notify.webhooks[0].headers.Content-Type: is set by hale\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"timeout\": "
	    "\"1h\"}]}",
	    "notify.webhooks[0].timeout: \"1h\" is not a duration from 100ms "
	    "to 5m\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"uri\": 1}]}",
	    "notify.webhooks[0].uri: unknown key (url, name, format, "
	    "events, headers, timeout, log_tail)\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"log_tail\": "
	    "\"yes\"}]}",
	    "notify.webhooks[0].log_tail: must be true or false\n");
	config_error("{\"webhooks\": [{\"url\": \"http://h/\", \"name\": \"\"}]}",
	    "notify.webhooks[0].name: \"\" is not a string of 1 to 64 "
	    "characters\n");
	config_error("{\"retries\": -1}",
	    "notify.retries: -1 is not a whole number from 0 to 20\n");
	config_error("{\"queue_max\": 0}", "notify.queue_max: must be at least 1\n");
	config_error("{\"hooks\": []}",
	    "notify.hooks: unknown key (webhooks, retries, queue_max, "
	    "log_tail)\n");
	config_error("{\"log_tail\": {\"lines\": 0}}",
	    "notify.log_tail.lines: must be at least 1\n");
	config_error("{\"log_tail\": {\"max_bytes\": 100000}}",
	    "notify.log_tail.max_bytes: 100000 is not a whole number from 0 "
	    "to 65536\n");
	config_error("{\"log_tail\": {\"timeout\": \"1m\"}}",
	    "notify.log_tail.timeout: \"1m\" is not a duration from 100ms "
	    "to 30s\n");
	config_error("{\"webhooks\": {}}", "notify.webhooks: {} is not an array\n");
}

/* The drops are counted per destination, named by the URL's host. */
static void
test_dest_counts(struct notify *n)
{
	const struct post_dest	*d;
	const struct post_dest	*lists[1];
	struct metrics_writer	 w;
	struct buf		 out;
	size_t			 count;

	d = notify_dests(n, &count);
	assert_int_equal(count, 2);
	assert_string_equal(d[0].name, "127.0.0.1:1");
	assert_string_equal(d[1].name, "127.0.0.1:1#2");
	assert_int_equal(d[0].n[POST_DROPPED], 0);
	assert_int_equal(d[1].n[POST_DROPPED], 3);
	buf_init(&out);
	metrics_writer_init(&w, &out, METRICS_TEXT);
	lists[0] = d;
	post_write_metrics(&w, lists, &count, 1);
	assert_non_null(strstr(out.data, "hale_notify_deliveries_total{type="
	    "\"webhook\",destination=\"127.0.0.1:1#2\",result=\"dropped\"} 3\n"));
	assert_non_null(strstr(out.data, "hale_notify_deliveries_total{type="
	    "\"webhook\",destination=\"127.0.0.1:1\",result=\"timeout\"} 0\n"));
	buf_free(&out);
}

/* Names: the config's, else host[:port] without user info; unique. */
static void
test_dest_names(void **state)
{
	struct post_dest	 d[4] = { 0 };

	(void)state;
	post_dest_init(&d[0], "webhook", NULL, "https://u:pw@hooks.example:8443/x?y",
	    d, 0);
	assert_string_equal(d[0].name, "hooks.example:8443");
	post_dest_init(&d[1], "webhook", "chat", "http://h/", d, 1);
	assert_string_equal(d[1].name, "chat");
	post_dest_init(&d[2], "webhook", "chat", "http://h/", d, 2);
	assert_string_equal(d[2].name, "chat#2");
	post_dest_init(&d[3], "webhook", "chat#2", "http://h/", d, 3);
	assert_string_equal(d[3].name, "chat#2#2");
	assert_int_equal(post_classify(CURLE_OPERATION_TIMEDOUT, 0), POST_TIMEOUT);
	assert_int_equal(post_classify(CURLE_OK, 204), POST_OK);
	assert_int_equal(post_classify(CURLE_OK, 500), POST_ERROR);
	assert_int_equal(post_classify(CURLE_COULDNT_CONNECT, 0), POST_ERROR);
}

/* The queue: a webhook's documents beyond queue_max are dropped and counted. */
static void
test_queue_bound(void **state)
{
	static const char json[] =
	    "{\"queue_max\": 3, \"webhooks\": ["
	    " {\"url\": \"http://127.0.0.1:1/a\", \"events\": [\"gave_up\"]},"
	    " {\"url\": \"http://127.0.0.1:1/b\"}]}";
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct curlev		*cv;
	struct notify		*n;
	struct notify_config	*cfg;
	struct notify_stats	 st;
	struct buf		 errors;
	char			 err[128];
	int			 i, nerr;

	(void)state;
	assert_non_null(loop);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	cv = curlev_new(loop, err, sizeof(err));
	assert_non_null(cv);
	buf_init(&errors);
	cfg = parse(json, &errors, &nerr);
	assert_non_null(cfg);
	n = notify_new(loop, cv, cfg, err, sizeof(err));
	assert_non_null(n);
	assert_int_equal(notify_webhooks(n), 2);
	/* Not run: nothing leaves, the queues fill. */
	for (i = 0; i < 5; i++)
		notify_send(n, NOTIFY_EV_ACTION, "{}", 2);
	notify_send(n, NOTIFY_EV_GAVE_UP, "{}", 2);
	notify_get_stats(n, &st);
	/* Hook a: 1 gave_up; hook b: 3 kept of 6, 3 dropped. */
	assert_int_equal(st.queued, 4);
	assert_int_equal(st.dropped, 3);
	assert_int_equal(st.ok, 0);
	test_dest_counts(n);
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
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_time_text),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_dest_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
