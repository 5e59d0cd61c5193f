/*
 * The remediation executor (remedy_exec.c, remedy_act.c) on a real libev
 * loop, with the real Docker client and inventory, against the fake
 * Engine API of fake_engine.h: a restart that succeeds, Docker refusing
 * (500, 404), a control request slower than the client allows, the
 * engine gone and back, a dry run, dependents, an operator's stop, and
 * an operator's reset after a give-up, directly and through
 * POST /api/v1/containers/{ref}/reset on a real libmicrohttpd on
 * loopback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <ev.h>
#include <unistd.h>

#include "check/health.h"
#include "core/buf.h"
#include "core/metrics.h"
#include "docker/curlev.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "http/api_reset.h"
#include "http/basicauth.h"
#include "http/httpd.h"
#include "remedy/remedy_exec.h"
#include "remedy/remedy_exec_int.h"
#include "docker_harness.h"

#define APP	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"
#define SIDE	"e6c66d8056e671e779e62cd971b1848d719020ec90caf4b9ffed2fdc681587a3"

#define P_VERSION	"/version"
#define P_EVENTS	"/v1.41/events"
#define P_LIST		"/v1.41/containers/json"
#define P_RESTART	"/v1.41/containers/" APP "/restart"
#define P_ANY_CTL	"/v1.41/containers/*/[rsk][ets]*"

struct t {
	struct dh		 h;	/* loop, engine, curlev, inventory, client */
	struct remedy_exec	*rx;
};

/* A running container; `health` is Docker's HEALTHCHECK status. */
static void
serve_container(struct fake_engine *fe, const char *id, const char *name,
    const char *health, const char *labels, const char *netmode)
{
	char	 body[2048], path[160];

	snprintf(body, sizeof(body),
	    "{\"Id\":\"%s\",\"Name\":\"/%s\",\"Image\":\"sha256:1\","
	    "\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":7149,"
	    "\"StartedAt\":\"2026-11-23T13:29:56.2Z\","
	    "\"Health\":{\"Status\":\"%s\",\"FailingStreak\":3,"
	    "\"Log\":[{\"ExitCode\":1,\"Output\":\"down\"}]}},"
	    "\"HostConfig\":{\"NetworkMode\":\"%s\"},"
	    "\"Config\":{\"Image\":\"busybox\",\"Labels\":{%s},"
	    "\"Healthcheck\":{\"Test\":[\"CMD\",\"false\"]}}}",
	    id, name, health, netmode, labels);
	snprintf(path, sizeof(path), "/v1.41/containers/%s/json", id);
	fake_engine_json(fe, "GET", path, 200, body);
}

static void
serve_list(struct fake_engine *fe, int with_side)
{
	char	 body[1024];

	snprintf(body, sizeof(body), "[{\"Id\":\"%s\",\"Names\":[\"/app\"],"
	    "\"Image\":\"busybox\",\"State\":\"running\",\"Labels\":{}}%s]",
	    APP, with_side ? ",{\"Id\":\"" SIDE "\",\"Names\":[\"/side\"],"
	    "\"Image\":\"busybox\",\"State\":\"running\",\"Labels\":{}}" : "");
	fake_engine_json(fe, "GET", P_LIST, 200, body);
}

/* The version and an open events stream. */
static void
script_base(struct fake_engine *fe)
{
	struct fake_reply	 stream = { .status = 200, .stream = 1 };

	fake_engine_json(fe, "GET", P_VERSION, 200,
	    "{\"ApiVersion\":\"1.41\",\"Version\":\"20.10.24\"}");
	fake_engine_reply(fe, "GET", P_EVENTS, &stream);
}

/* One container, "app". */
static void
script_engine(struct fake_engine *fe, const char *health, const char *labels)
{
	script_base(fe);
	serve_list(fe, 0);
	serve_container(fe, APP, "app", health, labels, "none");
}

static int
setup(void **state)
{
	struct t	*t;

	assert_non_null(t = calloc(1, sizeof(*t)));
	dh_init(&t->h);
	*state = t;
	return 0;
}

/* The client and the executor; `timeout` is the client's request timeout. */
static void
start(struct t *t, int dry_run, double timeout)
{
	char	 err[256];

	dh_client(&t->h, timeout, 0);
	t->rx = remedy_exec_new(t->h.loop, t->h.d, t->h.inv, NULL, NULL, dry_run,
	    err, sizeof(err));
	assert_non_null(t->rx);
	assert_int_equal(inventory_add_observer(t->h.inv, remedy_exec_observe,
	    t->rx), 0);
	docker_set_event_cb(t->h.d, remedy_exec_event, t->rx);
	docker_start(t->h.d);
}

static int
teardown(void **state)
{
	struct t	*t = *state;

	/* The client first, as the daemon does: it cancels what is in flight. */
	docker_free(t->h.d);
	t->h.d = NULL;
	remedy_exec_free(t->rx);
	dh_fini(&t->h);
	free(t);
	return 0;
}

/* The container's "remediation" object, as the API shows it. */
static cJSON *
remediation(struct t *t, const char *id)
{
	cJSON	*o = cJSON_CreateObject(), *r;

	assert_non_null(o);
	remedy_exec_json(t->rx, id, o);
	r = cJSON_DetachItemFromObject(o, "remediation");
	cJSON_Delete(o);
	return r;
}

static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The result of the container's latest attempt; "" if none. */
static char last_result[32];

static const char *
latest(struct t *t, const char *id)
{
	cJSON		*r = remediation(t, id);
	const cJSON	*arr, *a;
	int		 n;

	last_result[0] = '\0';
	if (r == NULL)
		return last_result;
	arr = cJSON_GetObjectItemCaseSensitive(r, "attempts");
	if ((n = cJSON_GetArraySize(arr)) > 0) {
		a = cJSON_GetArrayItem(arr, n - 1);
		snprintf(last_result, sizeof(last_result), "%s",
		    str_of(a, "result") != NULL ? str_of(a, "result") : "?");
	}
	cJSON_Delete(r);
	return last_result;
}

struct wait {
	struct t	*t;
	const char	*id;
	const char	*want;
};

static int
result_is(void *arg)
{
	struct wait	*w = arg;

	return strcmp(latest(w->t, w->id), w->want) == 0;
}

static void
wait_result(struct t *t, const char *id, const char *want, double timeout)
{
	struct wait	 w = { t, id, want };

	if (!fake_run_until(t->h.loop, result_is, &w, timeout))
		fail_msg("latest attempt of %.12s is \"%s\", not \"%s\"", id,
		    latest(t, id), want);
}

static char *
metrics_text(struct t *t)
{
	struct metrics_writer	 w;
	struct buf		 b;

	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	remedy_exec_write_metrics(t->rx, &w);
	assert_false(b.oom);
	return b.data;
}

static void
assert_metric(struct t *t, const char *line)
{
	char	*m = metrics_text(t);

	if (strstr(m, line) == NULL)
		fail_msg("no \"%s\" in:\n%s", line, m);
	free(m);
}

static int
is_up(void *arg)
{
	struct docker_stats	 st;

	docker_get_stats(((struct t *)arg)->h.d, &st);
	return st.up && inventory_get(((struct t *)arg)->h.inv, APP) != NULL;
}

static int
is_down(void *arg)
{
	struct docker_stats	 st;

	docker_get_stats(((struct t *)arg)->h.d, &st);
	return !st.up;
}

#define LABELS_ON	"\"hale.restart\":\"on-unhealthy\""

/* Unhealthy at the first sync: restarted at once, 204 booked as ok. */
static void
restart_ok(void **state)
{
	struct t	*t = *state;
	cJSON		*r;

	script_engine(t->h.fe, "unhealthy", LABELS_ON);
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	start(t, 0, 5);
	wait_result(t, APP, "ok", 5);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 1);
	/* Docker's grace period is the container's (10 s by default). */
	assert_string_equal(fake_engine_last(t->h.fe, "POST", P_RESTART),
	    P_RESTART "?t=10");
	assert_non_null(r = remediation(t, APP));
	assert_string_equal(str_of(r, "state"), "backoff");
	/* A new run: its health is not known yet. */
	assert_string_equal(str_of(r, "health"), "starting");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "enabled")));
	assert_non_null(str_of(r, "next_allowed"));
	cJSON_Delete(r);
	assert_metric(t, "hale_restarts_total{name=\"app\",result=\"ok\"} 1\n");
	assert_metric(t, "hale_remediation_actions_total{name=\"app\","
	    "action=\"restart\",result=\"ok\"} 1\n");
	assert_metric(t, "hale_remediation_state{name=\"app\","
	    "state=\"backoff\"} 1\n");
	assert_metric(t, "hale_remediation_dry_run_enabled 0\n");
	/* Nothing twice: the backoff (10 s) holds the next restart. */
	fake_run_until(t->h.loop, NULL, NULL, 0.3);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 1);
}

static void
refused(struct t *t, int status, const char *message)
{
	char	 body[128];
	cJSON	*r, *a;

	snprintf(body, sizeof(body), "{\"message\":\"%s\"}", message);
	script_engine(t->h.fe, "unhealthy", LABELS_ON);
	fake_engine_json(t->h.fe, "POST", P_RESTART, status, body);
	start(t, 0, 5);
	wait_result(t, APP, "failed", 5);
	assert_non_null(r = remediation(t, APP));
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "attempts"), 0);
	assert_non_null(str_of(a, "error"));
	assert_non_null(strstr(str_of(a, "error"), message));
	assert_string_equal(str_of(a, "trigger"), "unhealthy");
	cJSON_Delete(r);
	assert_metric(t, "hale_restarts_total{name=\"app\",result=\"failed\"} 1\n");
	assert_metric(t, "hale_restarts_total{name=\"app\",result=\"ok\"} 0\n");
}

static void
engine_500(void **state)
{
	refused(*state, 500, "cannot restart: device busy");
}

static void
engine_404(void **state)
{
	refused(*state, 404, "No such container");
}

/*
 * No answer within the client's limit (request timeout + grace period):
 * a timeout, not a failure.
 */
static void
slow_engine(void **state)
{
	struct t		*t = *state;
	struct fake_reply	 slow = { .status = 204, .delay_ms = 5000 };

	script_engine(t->h.fe, "unhealthy", LABELS_ON ",\"hale.stop.timeout\":\"1\"");
	fake_engine_reply(t->h.fe, "POST", P_RESTART, &slow);
	start(t, 0, 0.4);
	wait_result(t, APP, "pending", 3);
	wait_result(t, APP, "timeout", 4);
	assert_string_equal(fake_engine_last(t->h.fe, "POST", P_RESTART),
	    P_RESTART "?t=1");
	assert_metric(t, "hale_restarts_total{name=\"app\",result=\"timeout\"} 1\n");
}

/*
 * The engine goes away before the action: nothing is sent, nothing is
 * booked, and the action goes out once the engine is back.
 */
static void
engine_gone(void **state)
{
	struct t			*t = *state;
	struct health_transition	 tr = { DOCKER_HEALTH_HEALTHY, DOCKER_HEALTH_UNHEALTHY };
	char				 err[128];

	script_engine(t->h.fe, "healthy", LABELS_ON);
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	start(t, 0, 5);
	assert_true(fake_run_until(t->h.loop, is_up, t, 5));
	assert_string_equal(latest(t, APP), "");
	fake_engine_refuse(t->h.fe);
	assert_true(fake_run_until(t->h.loop, is_down, t, 5));
	/* A hale check says unhealthy while the engine is down. */
	remedy_exec_transition(t->rx, APP, &tr, NULL);
	fake_run_until(t->h.loop, NULL, NULL, 0.3);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 0);
	assert_string_equal(latest(t, APP), "");
	assert_int_equal(fake_engine_accept(t->h.fe, err, sizeof(err)), 0);
	/* REMEDY_RETRY_DELAY later, to an engine that is up again. */
	wait_result(t, APP, "ok", REMEDY_RETRY_DELAY + 3);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 1);
}

/* Dry run: logged and counted, never sent. */
static void
dry_run(void **state)
{
	struct t	*t = *state;

	script_engine(t->h.fe, "unhealthy", LABELS_ON);
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	start(t, 1, 5);
	wait_result(t, APP, "dry_run", 5);
	fake_run_until(t->h.loop, NULL, NULL, 0.2);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_ANY_CTL), 0);
	assert_metric(t, "hale_remediation_dry_run_total{name=\"app\","
	    "action=\"restart\"} 1\n");
	assert_metric(t, "hale_remediation_dry_run_enabled 1\n");
	/* Reconfigured out of dry run: the next decision would act. */
	remedy_exec_reconfigure(t->rx, NULL, 0);
	assert_metric(t, "hale_remediation_dry_run_enabled 0\n");
}

/* Kill as the action, with the label's signal. */
static void
kill_action(void **state)
{
	struct t	*t = *state;
	const char	*p = "/v1.41/containers/" APP "/kill";

	script_engine(t->h.fe, "unhealthy", LABELS_ON
	    ",\"hale.action\":\"kill\",\"hale.kill.signal\":\"SIGTERM\"");
	fake_engine_json(t->h.fe, "POST", p, 204, NULL);
	start(t, 0, 5);
	wait_result(t, APP, "ok", 5);
	assert_string_equal(fake_engine_last(t->h.fe, "POST", p),
	    "/v1.41/containers/" APP "/kill?signal=15");
}

/* A restart also restarts what shares the container's network. */
static void
dependents(void **state)
{
	struct t	*t = *state;
	const char	*p = "/v1.41/containers/" SIDE "/restart";

	script_base(t->h.fe);
	serve_list(t->h.fe, 1);
	serve_container(t->h.fe, APP, "app", "unhealthy", LABELS_ON, "none");
	serve_container(t->h.fe, SIDE, "side", "healthy", LABELS_ON,
	    "container:" APP);
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	fake_engine_json(t->h.fe, "POST", p, 204, NULL);
	start(t, 0, 5);
	wait_result(t, APP, "ok", 5);
	wait_result(t, SIDE, "ok", 5);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", p), 1);
}

/* An operator's docker stop: the executor holds off. */
static void
operator_stop(void **state)
{
	struct t		*t = *state;
	struct health_transition tr = { DOCKER_HEALTH_HEALTHY, DOCKER_HEALTH_UNHEALTHY };
	const char		*ev = "{\"Type\":\"container\",\"Action\":\"kill\","
	    "\"Actor\":{\"ID\":\"" APP "\",\"Attributes\":{\"name\":\"app\","
	    "\"signal\":\"15\"}},\"time\":1795440700,"
	    "\"timeNano\":1795440700000000000}\n";
	cJSON			*r;

	script_engine(t->h.fe, "healthy", LABELS_ON);
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	start(t, 0, 5);
	assert_true(fake_run_until(t->h.loop, is_up, t, 5));
	fake_run_until(t->h.loop, NULL, NULL, 0.1);
	assert_true(fake_engine_stream_send(t->h.fe, ev, strlen(ev)) >= 1);
	fake_run_until(t->h.loop, NULL, NULL, 0.2);
	remedy_exec_transition(t->rx, APP, &tr, NULL);
	fake_run_until(t->h.loop, NULL, NULL, 0.3);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 0);
	assert_non_null(r = remediation(t, APP));
	assert_non_null(str_of(r, "hold_until"));
	cJSON_Delete(r);
}

/* ---- the reset endpoint on loopback ------------------------------------ */

#define TOKEN	"0123456789abcdef0123456789abcdef"
/* ops:admin-pass; base64("ops:admin-pass"), base64("ops:nope") */
#define ADMIN_HASH "$2b$05$wu9izCt.PQQ5ccb88xPXj.hww/svNZrsIPxnFfHy9sbRGCbG17Aq6"
#define ADMIN_BASIC "Authorization: Basic b3BzOmFkbWluLXBhc3M="
#define ADMIN_WRONG "Authorization: Basic b3BzOm5vcGU="

struct api {
	struct t		*t;
	struct auth_config	 auth;
	struct basicauth	*ba;
	struct httpd		*httpd;
	char			 base[64];
};

static void
api_handler(void *ctx, const struct httpd_request *req,
    struct httpd_response *r)
{
	struct api	*a = ctx;

	api_reset(a->t->rx, &a->auth, a->ba, req, r);
}

static void
api_start(struct api *a, struct t *t)
{
	static const struct httpd_route routes[] = {
		{ "POST", "/api/v1/containers/", 1, api_handler },
		{ NULL, NULL, 0, NULL },
	};
	struct httpd_options	 o;
	char			 listen[32], err[256];
	const char		*l[1] = { listen };
	int			 i, port;

	memset(a, 0, sizeof(*a));
	a->t = t;
	a->auth.token = TOKEN;
	assert_non_null(a->ba = basicauth_new(t->h.loop, err, sizeof(err)));
	memset(&o, 0, sizeof(o));
	o.listen = l;
	o.nlisten = 1;
	o.max_connections = 8;
	o.timeout_seconds = 5;
	for (i = 0; i < 20 && a->httpd == NULL; i++) {
		port = 20000 + (int)((getpid() * 7 + i * 131) % 20000);
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		a->httpd = httpd_start(t->h.loop, &o, routes, a, err, sizeof(err));
		snprintf(a->base, sizeof(a->base), "http://127.0.0.1:%d", port);
	}
	assert_non_null(a->httpd);
}

struct call {
	struct buf	 body;
	long		 status;
	int		 done;
	char		 challenge[128];
};

static size_t
call_body(char *p, size_t size, size_t n, void *arg)
{
	buf_append(&((struct call *)arg)->body, p, size * n);
	return size * n;
}

static size_t
call_header(char *p, size_t size, size_t n, void *arg)
{
	struct call	*c = arg;

	if (size * n > 18 && strncasecmp(p, "WWW-Authenticate:", 17) == 0)
		snprintf(c->challenge, sizeof(c->challenge), "%.*s",
		    (int)(size * n), p);
	return size * n;
}

static void
call_done(CURL *easy, CURLcode rc, void *arg)
{
	struct call	*c = arg;

	assert_int_equal(rc, CURLE_OK);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &c->status);
	curl_easy_cleanup(easy);
	c->done = 1;
}

static int
call_finished(void *arg)
{
	return ((struct call *)arg)->done;
}

/* POSTs `path` with `auth` (NULL = no Authorization); the status. */
static long
api_post(struct api *a, const char *path, const char *auth, struct call *c)
{
	struct curl_slist	*h = NULL;
	CURL			*easy;
	char			 url[256], err[128];

	memset(c, 0, sizeof(*c));
	buf_init(&c->body);
	snprintf(url, sizeof(url), "%s%s", a->base, path);
	assert_non_null(easy = curl_easy_init());
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_POST, 1L);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, call_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, call_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, c);
	if (auth != NULL) {
		h = curl_slist_append(h, auth);
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
	}
	assert_int_equal(curlev_add(a->t->h.cv, easy, call_done, c, err,
	    sizeof(err)), 0);
	assert_true(fake_run_until(a->t->h.loop, call_finished, c, 5));
	curl_slist_free_all(h);
	buf_putc(&c->body, '\0');
	return c->status;
}

static void
assert_body_has(struct call *c, const char *want)
{
	if (strstr(c->body.data, want) == NULL)
		fail_msg("no %s in %s", want, c->body.data);
}

/* Budget of one spent: gave up; the operator's reset lets it act again. */
/* One restart, unhealthy again, backoff over, budget of one spent. */
static void
give_up(struct t *t)
{
	struct health_transition	 tr = { DOCKER_HEALTH_STARTING, DOCKER_HEALTH_UNHEALTHY };
	cJSON				*r;

	script_engine(t->h.fe, "unhealthy", LABELS_ON
	    ",\"hale.restart.max\":\"1\",\"hale.restart.backoff\":\"1s\"");
	fake_engine_json(t->h.fe, "POST", P_RESTART, 204, NULL);
	start(t, 0, 5);
	wait_result(t, APP, "ok", 5);
	remedy_exec_transition(t->rx, APP, &tr, NULL);
	fake_run_until(t->h.loop, NULL, NULL, 1.5);
	assert_non_null(r = remediation(t, APP));
	assert_string_equal(str_of(r, "state"), "gave_up");
	assert_non_null(str_of(r, "gave_up_at"));
	cJSON_Delete(r);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 1);
}

static void
reset_after_give_up(void **state)
{
	struct t			*t = *state;
	const struct inv_container	*ic;

	give_up(t);
	assert_metric(t, "hale_remediation_give_ups_total{name=\"app\"} 1\n");
	assert_metric(t, "hale_remediation_state{name=\"app\","
	    "state=\"gave_up\"} 1\n");

	assert_int_equal(remedy_exec_reset(t->rx, "nosuch", &ic),
	    REMEDY_RESET_UNKNOWN);
	assert_null(ic);
	assert_int_equal(remedy_exec_reset(t->rx, "app/x", &ic),
	    REMEDY_RESET_UNKNOWN);
	assert_int_equal(remedy_exec_reset(t->rx, "app", &ic), REMEDY_RESET_OK);
	assert_non_null(ic);
	assert_string_equal(ic->d.id, APP);
	/* Still unhealthy: it acts again at once. */
	fake_run_until(t->h.loop, NULL, NULL, 0.5);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 2);
	wait_result(t, APP, "ok", 5);
}

/*
 * web.admin_user: the hash is checked on basicauth's worker while the
 * request waits, and once right it comes from the cache.
 */
static void
api_basic(struct api *a)
{
	struct basicauth_stats	 st;
	struct call		 c;

	a->auth.user = "ops";
	a->auth.hash = ADMIN_HASH;
	assert_int_equal(basicauth_set_admin(a->ba, "ops", ADMIN_HASH, NULL, 0),
	    0);
	assert_int_equal(api_post(a, "/api/v1/containers/app/reset", ADMIN_WRONG,
	    &c), 401);
	assert_non_null(strstr(c.challenge, "Basic realm=\"hale\""));
	buf_free(&c.body);
	assert_int_equal(api_post(a, "/api/v1/containers/app/reset", ADMIN_BASIC,
	    &c), 200);
	assert_body_has(&c, "\"reset\":true");
	buf_free(&c.body);
	basicauth_get_stats(a->ba, &st);
	assert_int_equal(st.hashed, 2);
	assert_int_equal(st.denied, 1);
	assert_int_equal(st.ok, 1);
	assert_int_equal(api_post(a, "/api/v1/containers/app/reset", ADMIN_BASIC,
	    &c), 200);
	buf_free(&c.body);
	basicauth_get_stats(a->ba, &st);
	assert_int_equal(st.hashed, 2);
	assert_int_equal(st.cached, 1);
	/* A bearer token still works beside the user. */
	a->auth.token = TOKEN;
	assert_int_equal(api_post(a, "/api/v1/containers/app/reset",
	    "Authorization: Bearer " TOKEN, &c), 200);
	buf_free(&c.body);
	a->auth.token = NULL;
}

/* The same reset through the admin endpoint, with its refusals. */
static void
reset_endpoint(void **state)
{
	struct t			*t = *state;
	struct api			 a;
	struct call			 c;
	const char			*bearer = "Authorization: Bearer " TOKEN;

	give_up(t);
	api_start(&a, t);

	assert_int_equal(api_post(&a, "/api/v1/containers/app/reset", NULL,
	    &c), 401);
	assert_body_has(&c, "\"authentication required\"");
	assert_non_null(strstr(c.challenge, "Bearer"));
	buf_free(&c.body);
	assert_int_equal(api_post(&a, "/api/v1/containers/app/reset",
	    "Authorization: Bearer wrong-token-wrong-token-wrong", &c), 401);
	buf_free(&c.body);
	assert_int_equal(api_post(&a, "/api/v1/containers/nosuch/reset",
	    bearer, &c), 404);
	assert_body_has(&c, "\"no such container\"");
	buf_free(&c.body);
	assert_int_equal(api_post(&a, "/api/v1/containers/app/x/reset",
	    bearer, &c), 404);
	buf_free(&c.body);
	assert_int_equal(api_post(&a, "/api/v1/containers/app/restart",
	    bearer, &c), 404);
	assert_body_has(&c, "\"not found\"");
	buf_free(&c.body);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 1);

	assert_int_equal(api_post(&a, "/api/v1/containers/app/reset", bearer,
	    &c), 200);
	assert_body_has(&c, "\"id\":\"" APP "\"");
	assert_body_has(&c, "\"name\":\"app\"");
	assert_body_has(&c, "\"reset\":true");
	assert_body_has(&c, "\"remediation\":{");
	buf_free(&c.body);
	fake_run_until(t->h.loop, NULL, NULL, 0.3);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_RESTART), 2);

	/* No credentials configured: the endpoint is off. */
	a.auth.token = NULL;
	assert_int_equal(api_post(&a, "/api/v1/containers/app/reset", bearer,
	    &c), 403);
	buf_free(&c.body);
	api_basic(&a);
	httpd_stop(a.httpd);
	basicauth_free(a.ba);
}

/* A container labelled with a bad value: no action, the API says why. */
static void
invalid_policy(void **state)
{
	struct t	*t = *state;
	cJSON		*r;

	script_engine(t->h.fe, "unhealthy", LABELS_ON
	    ",\"hale.restart.max\":\"lots\"");
	start(t, 0, 5);
	assert_true(fake_run_until(t->h.loop, is_up, t, 5));
	fake_run_until(t->h.loop, NULL, NULL, 0.2);
	assert_non_null(r = remediation(t, APP));
	assert_string_equal(str_of(r, "state"), "invalid");
	assert_non_null(strstr(str_of(r, "error"), "hale.restart.max"));
	cJSON_Delete(r);
	assert_int_equal(fake_engine_count(t->h.fe, "POST", P_ANY_CTL), 0);
	assert_metric(t, "hale_remediation_policy_invalid{name=\"app\"} 1\n");
	assert_null(remediation(t, SIDE));
}

static int
both_known(void *arg)
{
	struct t	*t = arg;

	return remedy_exec_ctr(t->rx, APP) != NULL &&
	    remedy_exec_ctr(t->rx, SIDE) != NULL;
}

/*
 * Containers whose policies come out the same share one copy; another
 * policy is another copy; the copies go with their last container.
 */
static void
shared_policies(void **state)
{
	struct t		*t = *state;
	struct rx_ctr		*a, *b;

	script_base(t->h.fe);
	serve_list(t->h.fe, 1);
	serve_container(t->h.fe, APP, "app", "healthy", LABELS_ON, "none");
	serve_container(t->h.fe, SIDE, "side", "healthy", LABELS_ON, "none");
	start(t, 0, 5);
	assert_true(fake_run_until(t->h.loop, both_known, t, 5));
	a = remedy_exec_ctr(t->rx, APP);
	b = remedy_exec_ctr(t->rx, SIDE);
	assert_ptr_equal(a->pol, b->pol);
	assert_int_equal(a->pol->mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(HASH_COUNT(t->rx->pols), 1);

	/* One changes (an inspect after an event would do the same). */
	assert_non_null(inventory_get(t->h.inv, SIDE));
	{
		struct docker_inspect	 d;

		memset(&d, 0, sizeof(d));
		memcpy(d.id, SIDE, DOCKER_ID_LEN + 1);
		d.name = strdup("side");
		d.state = DOCKER_STATE_RUNNING;
		d.stop_timeout = -1;
		assert_non_null(inventory_upsert(t->h.inv, &d));
	}
	assert_true(a->pol != b->pol);
	assert_int_equal(b->pol->mode, REMEDY_MODE_NEVER);
	assert_int_equal(a->pol->mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(HASH_COUNT(t->rx->pols), 2);
	assert_int_equal(inventory_remove(t->h.inv, SIDE), 0);
	assert_int_equal(HASH_COUNT(t->rx->pols), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(restart_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(engine_500, setup, teardown),
		cmocka_unit_test_setup_teardown(engine_404, setup, teardown),
		cmocka_unit_test_setup_teardown(slow_engine, setup, teardown),
		cmocka_unit_test_setup_teardown(engine_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_action, setup, teardown),
		cmocka_unit_test_setup_teardown(dependents, setup, teardown),
		cmocka_unit_test_setup_teardown(operator_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_after_give_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(reset_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(invalid_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_policies, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
