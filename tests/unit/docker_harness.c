/*
 * docker_harness: what the tests of the Docker client share: a client,
 * its curlev and inventory on a fresh libev loop, a fake engine scripted
 * with the fixtures of tests/fixtures/docker, and waits on what the
 * client and the engine have done (see docker_harness.h).
 */
#include "docker_harness.h"

#include "cgroup/procpid.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
dh_fixture(const char *name)
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

void
dh_serve_fixture(struct fake_engine *fe, const char *pattern, const char *name)
{
	char	*body = dh_fixture(name);

	fake_engine_json(fe, "GET", pattern, 200, body);
	free(body);
}

/* A healthy engine: version, an open events stream, list, inspects. */
void
dh_script_engine(struct fake_engine *fe)
{
	struct fake_reply	 stream = { .status = 200, .stream = 1 };

	dh_serve_fixture(fe, P_VERSION, "version.json");
	fake_engine_reply(fe, "GET", P_EVENTS, &stream);
	dh_serve_fixture(fe, P_LIST, "containers_list.json");
	dh_serve_fixture(fe, "/v1.41/containers/" WEB "/json", "inspect_web.json");
	dh_serve_fixture(fe, "/v1.41/containers/" OOM "/json", "inspect_oom.json");
	dh_serve_fixture(fe, "/v1.41/containers/" CREATED "/json",
	    "inspect_created.json");
	dh_serve_fixture(fe, "/v1.41/containers/" PLAIN "/json",
	    "inspect_plain.json");
}

void
dh_init(struct dh *t)
{
	char	 err[256];

	memset(t, 0, sizeof(*t));
	assert_non_null(t->loop = ev_loop_new(EVFLAG_AUTO));
	t->fe = fake_engine_new(t->loop, err, sizeof(err));
	assert_non_null(t->fe);
	assert_non_null(t->cv = curlev_new(t->loop, err, sizeof(err)));
	t->inv = inventory_new(cgroup_id_resolve, FIXTURES "/docker/proc", NULL,
	    0, err, sizeof(err));
	assert_non_null(t->inv);
}

void
dh_fini(struct dh *t)
{
	docker_free(t->d);
	if (t->cv != NULL)
		curlev_free(t->cv);
	inventory_free(t->inv);
	fake_engine_free(t->fe);
	ev_loop_destroy(t->loop);
}

int
dh_setup_bare(void **state)
{
	struct dh	*t;

	assert_non_null(t = malloc(sizeof(*t)));
	dh_init(t);
	*state = t;
	return 0;
}

void
dh_client(struct dh *t, double request_timeout, size_t line_max)
{
	struct docker_config	 cfg = { .backoff_min = 0.02,
	    .backoff_max = 0.1, .request_timeout = request_timeout,
	    .line_max = line_max };
	char			 err[256];

	cfg.host = fake_engine_host(t->fe);
	t->d = docker_new(t->loop, t->cv, t->inv, &cfg, err, sizeof(err));
	assert_non_null(t->d);
}

int
dh_setup_lines(void **state, size_t line_max)
{
	dh_setup_bare(state);
	dh_client(*state, 5, line_max);
	return 0;
}

int
dh_setup(void **state)
{
	return dh_setup_lines(state, 0);
}

int
dh_teardown(void **state)
{
	struct dh	*t = *state;

	dh_fini(t);
	free(t);
	return 0;
}

struct docker_stats
dh_stats(const struct dh *t)
{
	struct docker_stats	 st;

	docker_get_stats(t->d, &st);
	return st;
}

int
dh_is_up(void *arg)
{
	return dh_stats(arg).up;
}

int
dh_is_down(void *arg)
{
	return !dh_is_up(arg);
}

int
dh_synced(void *arg)
{
	struct dh		*t = arg;
	struct docker_stats	 st = dh_stats(t);

	return st.up && st.resyncs > 0 && inventory_count(t->inv) == 4 &&
	    st.inspects >= 4;
}

/* Waits for the engine to have seen `n` requests matching a pattern. */
struct seen {
	struct dh	*t;
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

void
dh_wait_requests(struct dh *t, const char *method, const char *pattern,
    unsigned n)
{
	struct seen	 s = { t, method, pattern, n };

	assert_true(fake_run_until(t->loop, seen_enough, &s, 5));
}

/* Waits until a counter of docker_stats (at `off`) reaches `n`. */
struct stat_wait {
	struct dh	*t;
	size_t		 off;
	uint64_t	 n;
};

static int
stat_reached(void *arg)
{
	struct stat_wait	*w = arg;
	struct docker_stats	 st = dh_stats(w->t);
	uint64_t		 v;

	memcpy(&v, (const char *)&st + w->off, sizeof(v));
	return v >= w->n;
}

void
dh_wait_stat(struct dh *t, size_t off, uint64_t n)
{
	struct stat_wait	 w = { t, off, n };

	assert_true(fake_run_until(t->loop, stat_reached, &w, 5));
}

void
dh_start_synced(struct dh *t)
{
	dh_script_engine(t->fe);
	docker_start(t->d);
	assert_true(fake_run_until(t->loop, dh_synced, t, 5));
}

/* An event line for a container, as Docker 20.10 writes it. */
void
dh_event_line(char *out, size_t outlen, const char *action, const char *id,
    const char *attrs)
{
	snprintf(out, outlen, "{\"status\":\"%s\",\"id\":\"%s\","
	    "\"from\":\"hale-test/busybox\",\"Type\":\"container\","
	    "\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\",\"Attributes\":{%s}},"
	    "\"scope\":\"local\",\"time\":1795440700,"
	    "\"timeNano\":1795440700000000000}\n", action, id, action, id,
	    attrs);
}
