/*
 * routes and scrape: every endpoint through the real server, with the
 * modules it reads wired as main.c wires them: the Docker client against
 * the fake engine, the inventory, the probe engine, the remediation
 * executor (dry run), webhooks (none) and the collector on a fixture
 * cgroup tree. The HTTP client runs in a forked child (http_client.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cJSON.h>
#include <ev.h>

#include "cgroup/collector.h"
#include "check/probe.h"
#include "core/log.h"
#include "docker_harness.h"
#include "http/basicauth.h"
#include "http/httpd.h"
#include "http/routes.h"
#include "http/scrape.h"
#include "http_client.h"
#include "remedy/notify.h"
#include "remedy/events.h"
#include "remedy/remedy_exec.h"

#define FIX	FIXTURES "/cgroup/v2-systemd/"
#define BODY_MAX	(4 * 1024 * 1024)

struct rt {
	struct dh		*t;
	struct cgroup_env	 env;
	struct collector	*col;
	struct probe_engine	*probes;
	struct notify		*notify;
	struct remedy_exec	*rx;
	struct events		*events;
	struct scrape		 scrape;
	struct routes_ctx	 rc;
	struct httpd		*httpd;
	int			 port;
	char			 addr[64];
	char			*body;		/* the last response's decoded body */
	size_t			 body_len;
};

/* As main.c: every inventory change reaches the checks and the remediation. */
static void
inventory_changed(void *arg, struct inv_container *c, enum inv_change ch)
{
	struct rt	*r = arg;

	probe_observe(r->probes, c, ch);
	remedy_exec_observe(r->rx, c, ch);
}

static void
wire(struct rt *r)
{
	struct dh	*t = r->t;

	scrape_init(&r->scrape);
	r->scrape.src.collector = r->col;
	r->scrape.src.docker = t->d;
	r->scrape.src.inv = t->inv;
	r->scrape.src.probes = r->probes;
	r->scrape.src.rx = r->rx;
	r->scrape.src.notify = r->notify;
	r->scrape.src.events = r->events;
	r->scrape.min_interval = 0;
	r->scrape.reload_ok = 1;
	r->scrape.reload_ok_at = 1700000000;
	r->rc.scrape = &r->scrape;
	r->rc.inv = t->inv;
	r->rc.probes = r->probes;
	r->rc.rx = r->rx;
	r->rc.events = r->events;
	r->rc.docker = t->d;
	r->rc.started_at = 1700000000;
	r->rc.ready = 1;
}

static int
setup(void **state)
{
	struct rt		*r = calloc(1, sizeof(*r));
	struct probe_options	 po;
	struct httpd_options	 o;
	const char		*addrs[1];
	void			*st;
	char			 err[256];

	assert_non_null(r);
	assert_int_equal(dh_setup(&st), 0);
	r->t = st;
	assert_int_equal(cgroup_env_init(&r->env, FIX "sys", FIX "proc", err,
	    sizeof(err)), 0);
	assert_non_null(r->col = collector_new(&r->env));
	memset(&po, 0, sizeof(po));
	po.loop = r->t->loop;
	po.curlev = r->t->cv;
	po.inv = r->t->inv;
	po.procfs = FIX "proc";
	po.netns = -1;
	assert_non_null(r->probes = probe_engine_new(&po, err, sizeof(err)));
	assert_non_null(r->notify = notify_new(r->t->loop, r->t->cv, NULL, err,
	    sizeof(err)));
	r->rx = remedy_exec_new(r->t->loop, r->t->d, r->t->inv, r->notify,
	    NULL, 1, err, sizeof(err));
	assert_non_null(r->rx);
	assert_non_null(r->events = events_new(NULL));
	assert_int_equal(inventory_add_observer(r->t->inv, inventory_changed, r),
	    0);
	wire(r);
	r->port = hc_free_port();
	snprintf(r->addr, sizeof(r->addr), "127.0.0.1:%d", r->port);
	addrs[0] = r->addr;
	memset(&o, 0, sizeof(o));
	o.listen = addrs;
	o.nlisten = 1;
	o.max_connections = 8;
	o.timeout_seconds = 5;
	r->httpd = httpd_start(r->t->loop, &o, routes_table, &r->rc, err,
	    sizeof(err));
	if (r->httpd == NULL)
		fail_msg("httpd_start: %s", err);
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct rt	*r = *state;
	void		*st = r->t;

	httpd_stop(r->httpd);
	docker_free(r->t->d);		/* first: its callbacks point into rx */
	r->t->d = NULL;
	remedy_exec_free(r->rx);
	events_free(r->events);
	probe_engine_free(r->probes);
	notify_free(r->notify);
	collector_free(r->col);
	scrape_free(&r->scrape);
	free(r->body);
	free(r);
	return dh_teardown(&st);
}

/* GETs `path` with extra header lines; the response head (caller frees). */
static char *
get(struct rt *r, const char *method, const char *path, const char *headers)
{
	char	 req[1024];
	char	*resp, *end;
	size_t	 len, blen;

	snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n%s"
	    "Connection: close\r\n\r\n", method, path, headers);
	resp = hc_request(r->t->loop, r->port, req, &len);
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	if ((end = strstr(resp, "\r\n\r\n")) == NULL)
		return resp;
	end[2] = '\0';
	blen = len - (size_t)(end + 4 - resp);
	assert_non_null(r->body = malloc(BODY_MAX + 1));
	if (strcasestr(resp, "Transfer-Encoding: chunked") != NULL)
		assert_int_equal(hc_dechunk_n(end + 4, blen, r->body, BODY_MAX,
		    &r->body_len), 0);
	else {
		memcpy(r->body, end + 4, blen);
		r->body_len = blen;
	}
	r->body[r->body_len] = '\0';
	return resp;
}

static char *
gunzip(const char *in, size_t len)
{
	z_stream	 z;
	char		*out = malloc(BODY_MAX + 1);

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = BODY_MAX;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	out[z.total_out] = '\0';
	inflateEnd(&z);
	return out;
}

static void
test_landing_health_ready(void **state)
{
	struct rt	*r = *state;
	char		*h;

	h = get(r, "GET", "/", "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strcasestr(h, "Content-Type: text/html; charset=utf-8"));
	assert_non_null(strstr(r->body, "<h1>haled</h1>"));
	assert_non_null(strstr(r->body, "href=\"/metrics\""));
	/* The status page: no script may run, whatever a value holds. */
	assert_non_null(strcasestr(h, "Content-Security-Policy: default-src "
	    "'none'; style-src 'unsafe-inline';"));
	assert_non_null(strcasestr(h, "X-Content-Type-Options: nosniff"));
	assert_non_null(strstr(r->body, "<meta http-equiv=\"refresh\""));
	assert_non_null(strstr(r->body, "<section id=\"containers\">"));
	assert_null(strcasestr(r->body, "<script"));
	free(h);
	h = get(r, "GET", "/healthz", "");
	assert_string_equal(r->body, "ok\n");
	free(h);
	/* Started, Docker's first sync not done: not ready yet. */
	h = get(r, "GET", "/readyz", "");
	assert_non_null(strstr(h, "HTTP/1.1 503"));
	assert_string_equal(r->body, "waiting for docker\n");
	free(h);
	dh_start_synced(r->t);
	h = get(r, "GET", "/readyz", "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_string_equal(r->body, "ready\n");
	free(h);
	r->rc.ready = 0;
	h = get(r, "GET", "/readyz", "");
	assert_non_null(strstr(h, "HTTP/1.1 503"));
	assert_string_equal(r->body, "starting\n");
	free(h);
}

/* Before Docker is listed: the containers found in the cgroup tree. */
static void
test_metrics_from_the_cgroup_tree(void **state)
{
	struct rt	*r = *state;
	char		*h = get(r, "GET", "/metrics", "");

	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strcasestr(h, "Content-Type: text/plain; version=0.0.4; "
	    "charset=utf-8"));
	assert_non_null(strcasestr(h, "Vary: Accept, Accept-Encoding"));
	assert_non_null(strstr(r->body, "hale_build_info{version=\""));
	assert_non_null(strstr(r->body, "\nhale_config_last_reload_successful 1\n"));
	assert_non_null(strstr(r->body,
	    "\nhale_config_last_reload_success_timestamp_seconds 1700000000\n"));
	assert_non_null(strstr(r->body, "\nprocess_cpu_seconds_total "));
	assert_non_null(strstr(r->body, "container_cpu_usage_seconds_total{"));
	assert_non_null(strstr(r->body, "\nhale_docker_up 0\n"));
	assert_non_null(strstr(r->body, "\nhale_scrape_duration_seconds "));
	assert_null(strstr(r->body, "# EOF"));
	free(h);
}

static void
test_metrics_openmetrics_and_gzip(void **state)
{
	struct rt	*r = *state;
	char		*h, *text;

	h = get(r, "GET", "/metrics", "Accept: application/openmetrics-text;"
	    "version=1.0.0\r\n");
	assert_non_null(strcasestr(h, "Content-Type: application/openmetrics-text; "
	    "version=1.0.0; charset=utf-8"));
	assert_non_null(strstr(r->body, "# TYPE hale_build_info gauge\n"));
	assert_int_equal(strcmp(r->body + r->body_len - 6, "# EOF\n"), 0);
	free(h);
	h = get(r, "GET", "/metrics", "Accept-Encoding: gzip\r\n");
	assert_non_null(strcasestr(h, "Content-Encoding: gzip"));
	text = gunzip(r->body, r->body_len);
	assert_non_null(strstr(text, "hale_build_info{version=\""));
	assert_non_null(strstr(text, "container_cpu_usage_seconds_total{"));
	free(text);
	free(h);
}

/* Within metrics.min_interval the same document is served again. */
static void
test_metrics_cache(void **state)
{
	struct rt	*r = *state;
	char		*h, *first;

	r->scrape.min_interval = 60;
	free(get(r, "GET", "/metrics", ""));
	first = strdup(r->body);
	h = get(r, "GET", "/metrics", "");
	assert_string_equal(r->body, first);
	free(h);
	scrape_invalidate(&r->scrape);
	r->scrape.reload_ok = 0;
	h = get(r, "GET", "/metrics", "");
	assert_non_null(strstr(r->body, "\nhale_config_last_reload_successful 0\n"));
	free(h);
	free(first);
}

/*
 * A change of the inventory ends the cache at once: a container that went
 * is gone from the next scrape, however long min_interval is.
 */
static void
test_metrics_cache_inventory_change(void **state)
{
	struct rt	*r = *state;
	char		*first;

	dh_start_synced(r->t);
	r->scrape.min_interval = 60;
	free(get(r, "GET", "/metrics", ""));
	assert_non_null(strstr(r->body, PLAIN));
	first = strdup(r->body);
	free(get(r, "GET", "/metrics", ""));
	assert_string_equal(r->body, first);
	assert_int_equal(inventory_remove(r->t->inv, PLAIN), 0);
	free(get(r, "GET", "/metrics", ""));
	assert_null(strstr(r->body, PLAIN));
	assert_non_null(strstr(r->body, WEB));
	free(first);
}

/*
 * The streamed list is byte for byte "[", each container as its own
 * document would show it, joined by ",", and "]".
 */
static void
test_containers_list_pieces(void **state)
{
	struct rt	*r = *state;
	cJSON		*root, *e;
	char		*list, *want, path[160];
	size_t		 len = 0;
	int		 i, n;

	dh_start_synced(r->t);
	free(get(r, "GET", "/api/v1/containers", ""));
	assert_non_null(list = strdup(r->body));
	assert_non_null(root = cJSON_Parse(list));
	assert_true((n = cJSON_GetArraySize(root)) >= 2);
	assert_non_null(want = malloc(strlen(list) + 1));
	want[len++] = '[';
	for (i = 0; i < n; i++) {
		e = cJSON_GetObjectItem(cJSON_GetArrayItem(root, i), "id");
		assert_true(cJSON_IsString(e));
		snprintf(path, sizeof(path), "/api/v1/containers/%s",
		    e->valuestring);
		free(get(r, "GET", path, ""));
		assert_true(len + r->body_len + 2 <= strlen(list));
		if (i > 0)
			want[len++] = ',';
		memcpy(want + len, r->body, r->body_len);
		len += r->body_len;
	}
	want[len++] = ']';
	want[len] = '\0';
	assert_string_equal(list, want);
	cJSON_Delete(root);
	free(want);
	free(list);
}

/* Once Docker is listed: the API and the metrics name its containers. */
static void
test_containers_api(void **state)
{
	struct rt	*r = *state;
	char		*h;

	dh_start_synced(r->t);
	h = get(r, "GET", "/api/v1/containers", "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strcasestr(h, "Content-Type: application/json"));
	assert_non_null(strstr(r->body, "\"id\":\"" WEB "\""));
	assert_non_null(strstr(r->body, "\"id\":\"" PLAIN "\""));
	free(h);
	h = get(r, "GET", "/api/v1/containers/" WEB, "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_int_equal(r->body[0], '{');
	assert_non_null(strstr(r->body, "\"id\":\"" WEB "\""));
	assert_non_null(strstr(r->body, "\"remediation\":{"));
	free(h);
	h = get(r, "GET", "/api/v1/containers/no-such-one", "");
	assert_non_null(strstr(h, "HTTP/1.1 404"));
	assert_string_equal(r->body, "{\"error\":\"no such container\"}");
	free(h);
	h = get(r, "GET", "/metrics", "");
	assert_non_null(strstr(r->body, "\nhale_docker_up 1\n"));
	assert_non_null(strstr(r->body, "container_cpu_usage_seconds_total{id=\"/\""));
	free(h);	/* The status page shows them with their remediation, Docker up. */
	h = get(r, "GET", "/", "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(r->body, "<code>c7b1f16919c4</code>"));
	assert_non_null(strstr(r->body, "<code>e6c66d8056e6</code>"));
	assert_non_null(strstr(r->body, "<tr><th>Remediation</th><td>"));
	assert_non_null(strstr(r->body, "<span class=\"badge up\">up</span>"));
	free(h);
}

/* Without credentials configured the admin endpoint is off. */
static void
test_reset_is_off_without_credentials(void **state)
{
	struct rt	*r = *state;
	char		*h;

	dh_start_synced(r->t);
	h = get(r, "POST", "/api/v1/containers/" WEB "/reset", "");
	assert_non_null(strstr(h, "HTTP/1.1 403"));
	assert_non_null(strstr(r->body, "admin endpoints are off"));
	free(h);
	r->rc.auth.token = "0123456789abcdef0123";
	h = get(r, "POST", "/api/v1/containers/" WEB "/reset", "");
	assert_non_null(strstr(h, "HTTP/1.1 401"));
	assert_non_null(strcasestr(h, "WWW-Authenticate: Bearer"));
	free(h);
	h = get(r, "POST", "/api/v1/containers/" WEB "/reset",
	    "Authorization: Bearer 0123456789abcdef0123\r\n");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(r->body, "\"reset\":true"));
	free(h);
}

/*
 * Web-wide users through routes_gate: every route needs one but /healthz
 * and /readyz (or what web.unauthenticated_paths says), the metrics say
 * so, and the admin endpoint keeps its own credentials.
 */
static void
test_web_users(void **state)
{
	static const struct basicauth_user	 u = { "scraper",
	    "$2b$04$WGx51KRenjPDZiymsFUl4e8vW3.7rIjx20pVJY53p2X5lIKFin56q" };
	static const char *const		 open[] = { "/metrics" };
	struct rt	*r = *state;
	const char	*cred = "Authorization: Basic c2NyYXBlcjpzY3JhcGUtcGFzcw==\r\n";
	char		 err[128], *h;

	dh_start_synced(r->t);
	assert_non_null(r->rc.ba = basicauth_new(r->t->loop, err, sizeof(err)));
	r->scrape.src.auth = r->rc.ba;
	httpd_set_gate(r->httpd, routes_gate, &r->rc);
	assert_int_equal(basicauth_set_users(r->rc.ba, &u, 1, err, sizeof(err)),
	    0);
	h = get(r, "GET", "/api/v1/containers", "");
	assert_non_null(strstr(h, "HTTP/1.1 401"));
	assert_non_null(strstr(h, "WWW-Authenticate: Basic realm=\"hale\""));
	free(h);
	h = get(r, "GET", "/", "");
	assert_non_null(strstr(h, "HTTP/1.1 401"));
	free(h);
	h = get(r, "GET", "/healthz", "");
	assert_non_null(strstr(h, "HTTP/1.1 200"));
	free(h);
	h = get(r, "GET", "/readyz", "");
	assert_non_null(strstr(h, "HTTP/1.1 200"));
	free(h);
	h = get(r, "GET", "/api/v1/containers", cred);
	assert_non_null(strstr(h, "HTTP/1.1 200"));
	free(h);
	h = get(r, "GET", "/metrics", cred);
	assert_non_null(strstr(h, "HTTP/1.1 200"));
	assert_non_null(strstr(r->body,
	    "hale_http_auth_attempts_total{result=\"ok\"} 1\n"));
	assert_non_null(strstr(r->body,
	    "hale_http_auth_attempts_total{result=\"cached\"} 1\n"));
	assert_non_null(strstr(r->body,
	    "hale_http_auth_attempts_total{result=\"missing\"} 2\n"));
	assert_non_null(strstr(r->body, "hale_http_auth_cache_entries 1\n"));
	free(h);
	/* The admin endpoint: its own credentials, not the web users'. */
	h = get(r, "POST", "/api/v1/containers/" WEB "/reset", cred);
	assert_non_null(strstr(h, "HTTP/1.1 403"));
	free(h);
	r->rc.auth.token = "0123456789abcdef0123";
	h = get(r, "POST", "/api/v1/containers/" WEB "/reset",
	    "Authorization: Bearer 0123456789abcdef0123\r\n");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	free(h);
	/* Other open paths: /metrics open, /healthz no longer. */
	assert_int_equal(basicauth_set_open_paths(r->rc.ba, open, 1, err,
	    sizeof(err)), 0);
	h = get(r, "GET", "/metrics", "");
	assert_non_null(strstr(h, "HTTP/1.1 200"));
	free(h);
	h = get(r, "GET", "/healthz", "");
	assert_non_null(strstr(h, "HTTP/1.1 401"));
	free(h);
	httpd_stop(r->httpd);
	r->httpd = NULL;
	basicauth_free(r->rc.ba);
	r->rc.ba = NULL;
}

#define ID_E	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

static void
test_events_api(void **state)
{
	struct rt	*r = *state;
	struct event	 ev;
	char		*h;

	event_init(&ev, EVENT_EXIT, ID_E, NULL, 1714557600);
	snprintf(ev.name, sizeof(ev.name), "crash");
	ev.exit_code = 3;
	events_record(r->events, &ev);
	event_init(&ev, EVENT_OOM, ID_E, NULL, 1714557601);
	snprintf(ev.name, sizeof(ev.name), "crash");
	events_record(r->events, &ev);
	h = get(r, "GET", "/api/v1/events", "");
	assert_non_null(strstr(h, "HTTP/1.1 200 OK"));
	assert_non_null(strcasestr(h, "Content-Type: application/json"));
	assert_non_null(strstr(r->body, "{\"events\":[{\"kind\":\"oom\""));
	free(h);
	h = get(r, "GET", "/api/v1/events?kind=exit&container=crash", "");
	assert_non_null(strstr(r->body, "\"exit_code\":3"));
	assert_null(strstr(r->body, "\"oom\""));
	free(h);
	h = get(r, "GET", "/api/v1/events?container=%63rash&kind=oom", "");
	assert_non_null(strstr(r->body, "\"kind\":\"oom\""));
	free(h);
	h = get(r, "GET", "/api/v1/events?kind=bogus", "");
	assert_non_null(strstr(h, "HTTP/1.1 400"));
	assert_non_null(strstr(r->body, "unknown kind"));
	free(h);
	h = get(r, "GET", "/metrics", "");
	assert_non_null(strstr(r->body, "\nhale_events_total{kind=\"exit\"} 1\n"));
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_landing_health_ready, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_metrics_from_the_cgroup_tree,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_openmetrics_and_gzip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_cache, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_metrics_cache_inventory_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_containers_list_pieces,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_containers_api, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_is_off_without_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_web_users, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events_api, setup, teardown),
	};

	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
