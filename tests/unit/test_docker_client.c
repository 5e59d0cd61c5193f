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

static int
setup(void **state)
{
	struct docker_config	 cfg = { .backoff_min = 0.02,
	    .backoff_max = 0.1, .request_timeout = 5 };
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
teardown(void **state)
{
	struct t	*t = *state;

	docker_free(t->d);
	curlev_free(t->cv);
	inventory_free(t->inv);
	fake_engine_free(t->fe);
	ev_loop_destroy(t->loop);
	free(t);
	return 0;
}

static int
is_up(void *arg)
{
	struct docker_stats	 st;

	docker_get_stats(((struct t *)arg)->d, &st);
	return st.up;
}

static int
synced(void *arg)
{
	struct t		*t = arg;
	struct docker_stats	 st;

	docker_get_stats(t->d, &st);
	return st.up && st.resyncs > 0 && inventory_count(t->inv) == 4 &&
	    fake_engine_count(t->fe, "GET", P_INSPECT) >= 4 &&
	    st.inspects >= 4;
}

static void
test_connect_list_inspect(void **state)
{
	struct t		*t = *state;
	struct docker_stats	 st;
	struct inv_container	*c;

	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	docker_get_stats(t->d, &st);
	assert_int_equal(st.api, 141);
	assert_int_equal(st.reconnects, 0);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_EVENTS), 1);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 1);
	assert_string_equal(fake_engine_last(t->fe, "GET", P_LIST),
	    P_LIST "?all=1");
	assert_non_null(c = inventory_get(t->inv, WEB));
	assert_string_equal(c->d.name, "web");
	assert_int_equal(fake_engine_streams(t->fe), 1);
}

static int
is_down(void *arg)
{
	return !is_up(arg);
}

static int
reconnected(void *arg)
{
	struct t		*t = arg;
	struct docker_stats	 st;

	docker_get_stats(t->d, &st);
	return st.up && st.reconnects > 0 && st.resyncs >= 2;
}

/* The engine drops every connection: down, then back with a resync. */
static void
test_reconnect_after_close(void **state)
{
	struct t	*t = *state;

	script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, synced, t, 5));
	fake_engine_drop_all(t->fe);
	assert_true(fake_run_until(t->loop, is_down, t, 5));
	assert_true(fake_run_until(t->loop, reconnected, t, 5));
	assert_int_equal(fake_engine_count(t->fe, "GET", P_VERSION), 2);
	assert_int_equal(fake_engine_count(t->fe, "GET", P_LIST), 2);
	assert_int_equal(inventory_count(t->inv), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_list_inspect,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_after_close,
		    setup, teardown),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
