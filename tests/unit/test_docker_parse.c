#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "docker/docker_parse.h"

#define ID_A	"bcf61a66125a15f80697637864d660ceec75293e58df1ce6f3bf97f33bbbe683"
#define ID_WEB	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"

static char *
slurp(const char *name, size_t *len)
{
	char	 path[1024], *p;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/docker/%s", FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static int
ev(const char *json, struct docker_event *e)
{
	char	 err[128] = "";

	return docker_parse_event(json, strlen(json), e, err, sizeof(err));
}

/* A Docker 20.10 event line (legacy and current fields both present). */
static void
mk_event(char *dst, size_t dstlen, const char *action, const char *attrs)
{
	snprintf(dst, dstlen, "{\"status\":\"%s\",\"id\":\"" ID_A "\","
	    "\"from\":\"img\",\"Type\":\"container\",\"Action\":\"%s\","
	    "\"Actor\":{\"ID\":\"" ID_A "\",\"Attributes\":{\"image\":\"img\","
	    "\"name\":\"web\"%s}},\"scope\":\"local\",\"time\":1795436960,"
	    "\"timeNano\":1795436960544755254}", action, action, attrs);
}

static void
test_every_action(void **state)
{
	static const struct {
		const char		*action;
		enum docker_action	 want;
	} t[] = {
		{ "create", DOCKER_ACTION_CREATE },
		{ "start", DOCKER_ACTION_START },
		{ "restart", DOCKER_ACTION_RESTART },
		{ "die", DOCKER_ACTION_DIE },
		{ "stop", DOCKER_ACTION_STOP },
		{ "kill", DOCKER_ACTION_KILL },
		{ "pause", DOCKER_ACTION_PAUSE },
		{ "unpause", DOCKER_ACTION_UNPAUSE },
		{ "oom", DOCKER_ACTION_OOM },
		{ "destroy", DOCKER_ACTION_DESTROY },
		{ "rename", DOCKER_ACTION_RENAME },
		{ "health_status: healthy", DOCKER_ACTION_HEALTH_STATUS },
		{ "update", DOCKER_ACTION_UPDATE },
		{ "attach", DOCKER_ACTION_ATTACH },
		{ "detach", DOCKER_ACTION_DETACH },
		{ "commit", DOCKER_ACTION_COMMIT },
		{ "copy", DOCKER_ACTION_COPY },
		{ "export", DOCKER_ACTION_EXPORT },
		{ "resize", DOCKER_ACTION_RESIZE },
		{ "top", DOCKER_ACTION_TOP },
		{ "exec_create: /bin/sh -c test -f /ok", DOCKER_ACTION_EXEC_CREATE },
		{ "exec_start: /bin/sh -c test -f /ok", DOCKER_ACTION_EXEC_START },
		{ "exec_die", DOCKER_ACTION_EXEC_DIE },
		{ "exec_detach", DOCKER_ACTION_EXEC_DETACH },
		{ "checkpoint", DOCKER_ACTION_OTHER },
		{ "some_future_thing: x", DOCKER_ACTION_OTHER },
	};
	struct docker_event	 e;
	char			 line[1024];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mk_event(line, sizeof(line), t[i].action, "");
		assert_int_equal(ev(line, &e), 0);
		assert_int_equal(e.action, t[i].want);
		assert_string_equal(e.id, ID_A);
		assert_string_equal(e.name, "web");
		assert_string_equal(e.image, "img");
		/* timeNano wins over time; a double keeps microseconds. */
		assert_true(e.time > 1795436960.544754 &&
		    e.time < 1795436960.544756);
	}
	assert_string_equal(docker_action_name(DOCKER_ACTION_HEALTH_STATUS),
	    "health_status");
	assert_string_equal(docker_action_name(DOCKER_ACTION_EXEC_DIE),
	    "exec_die");
	assert_string_equal(docker_action_name(DOCKER_ACTION_OTHER), "other");
	assert_string_equal(docker_action_name((enum docker_action)999), "other");
}

static void
test_event_attributes(void **state)
{
	struct docker_event	 e;
	char			 line[1024];

	(void)state;
	mk_event(line, sizeof(line), "die", ",\"exitCode\":\"137\"");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.exit_code, 137);
	assert_int_equal(e.signal, -1);
	mk_event(line, sizeof(line), "kill", ",\"signal\":\"15\"");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.signal, 15);
	assert_int_equal(e.exit_code, -1);
	mk_event(line, sizeof(line), "rename", ",\"oldName\":\"/web1\"");
	assert_int_equal(ev(line, &e), 0);
	assert_string_equal(e.old_name, "web1");
	assert_string_equal(e.name, "web");
	mk_event(line, sizeof(line), "die", ",\"exitCode\":\"12x\"");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.exit_code, -1);
}

static void
test_health_events(void **state)
{
	struct docker_event	 e;
	char			 line[1024];

	(void)state;
	mk_event(line, sizeof(line), "health_status: healthy", "");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.health, DOCKER_HEALTH_HEALTHY);
	mk_event(line, sizeof(line), "health_status: unhealthy", "");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.health, DOCKER_HEALTH_UNHEALTHY);
	mk_event(line, sizeof(line), "health_status: starting", "");
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(e.health, DOCKER_HEALTH_STARTING);
	/* Podman: bare action, status in the attributes ... */
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":"
	    "\"health_status\",\"Actor\":{\"ID\":\"" ID_A "\",\"Attributes\":"
	    "{\"health_status\":\"healthy\",\"name\":\"pod1\"}},\"time\":5}",
	    &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_HEALTH_STATUS);
	assert_int_equal(e.health, DOCKER_HEALTH_HEALTHY);
	assert_true(e.time == 5.0);
	/* ... or top-level HealthStatus. */
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":"
	    "\"health_status\",\"HealthStatus\":\"unhealthy\",\"Actor\":"
	    "{\"ID\":\"" ID_A "\"}}", &e), 0);
	assert_int_equal(e.health, DOCKER_HEALTH_UNHEALTHY);
	/* No status anywhere: still a health event, status unknown. */
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":"
	    "\"health_status\",\"Actor\":{\"ID\":\"" ID_A "\"}}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_HEALTH_STATUS);
	assert_int_equal(e.health, DOCKER_HEALTH_NONE);
}

static void
test_podman_spellings(void **state)
{
	struct docker_event	 e;

	(void)state;
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":\"died\","
	    "\"Actor\":{\"ID\":\"" ID_A "\",\"Attributes\":"
	    "{\"containerExitCode\":\"3\"}}}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_DIE);
	assert_int_equal(e.exit_code, 3);
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":\"remove\","
	    "\"Actor\":{\"ID\":\"" ID_A "\"}}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_DESTROY);
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":\"cleanup\","
	    "\"Actor\":{\"ID\":\"" ID_A "\"}}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_OTHER);
}

static void
test_old_and_new_fields(void **state)
{
	struct docker_event	 e;

	(void)state;
	/* Only the legacy fields (before API 1.22 added Type/Action/Actor). */
	assert_int_equal(ev("{\"status\":\"start\",\"id\":\"" ID_A "\","
	    "\"from\":\"busybox\",\"time\":1700000000}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_START);
	assert_string_equal(e.id, ID_A);
	assert_string_equal(e.image, "busybox");
	assert_true(e.time == 1700000000.0);
	/* Only the current fields (API 1.52 drops the legacy ones). */
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":\"stop\","
	    "\"Actor\":{\"ID\":\"" ID_A "\",\"Attributes\":{\"image\":"
	    "\"nginx\",\"name\":\"n1\"}},\"scope\":\"local\"}", &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_STOP);
	assert_string_equal(e.image, "nginx");
	assert_string_equal(e.name, "n1");
	assert_true(e.time == 0.0);
	/* Legacy image event: not a container. */
	assert_int_equal(ev("{\"status\":\"pull\",\"id\":\"busybox:latest\","
	    "\"time\":1}", &e), 1);
}

static void
test_other_types_and_prune(void **state)
{
	struct docker_event	 e;

	(void)state;
	assert_int_equal(ev("{\"Type\":\"network\",\"Action\":\"connect\","
	    "\"Actor\":{\"ID\":\"abc\"}}", &e), 1);
	assert_int_equal(ev("{\"Type\":\"image\",\"Action\":\"delete\"}", &e),
	    1);
	assert_int_equal(ev("{\"Type\":\"container\",\"Action\":\"prune\","
	    "\"Actor\":{\"ID\":\"\",\"Attributes\":{\"reclaimed\":\"0\"}}}",
	    &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_PRUNE);
	assert_string_equal(e.id, "");
}

static void
test_malformed_events(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"Type\":\"container\",\"Action\":\"start\"",	/* truncated */
		"[1,2,3]",
		"\"start\"",
		"{\"Type\":\"container\",\"Actor\":{\"ID\":\"" ID_A "\"}}",
		/* 63 hex digits */
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":"
		    "\"bcf61a66125a15f80697637864d660ceec75293e58df1ce6f3bf97f33bbbe68\"}}",
		/* upper case */
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":"
		    "\"BCF61A66125A15F80697637864D660CEEC75293E58DF1CE6F3BF97F33BBBE683\"}}",
		/* id is a number */
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":7}}",
		/* Action is not a string */
		"{\"Type\":\"container\",\"Action\":{},\"Actor\":{\"ID\":\"" ID_A "\"}}",
		/* prune is the only action without an id */
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"\"}}",
	};
	struct docker_event	 e;
	char			 err[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(docker_parse_event(bad[i], strlen(bad[i]), &e,
		    err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	/* The length is respected: a valid prefix followed by junk is fine. */
	{
		const char *s = "{\"status\":\"start\",\"id\":\"" ID_A "\"}GARBAGE";

		assert_int_equal(docker_parse_event(s, strlen(s) - 7, &e, err,
		    sizeof(err)), 0);
		assert_int_equal(e.action, DOCKER_ACTION_START);
	}
}

static void
test_long_attributes_truncated(void **state)
{
	struct docker_event	 e;
	char			*line, name[2000];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	line = malloc(4096);
	assert_non_null(line);
	snprintf(line, 4096, "{\"Type\":\"container\",\"Action\":\"rename\","
	    "\"Actor\":{\"ID\":\"" ID_A "\",\"Attributes\":{\"name\":\"%s\"}}}",
	    name);
	assert_int_equal(ev(line, &e), 0);
	assert_int_equal(strlen(e.name), sizeof(e.name) - 1);
	free(line);
}

/* The captured Docker 20.10 stream: every line parses, actions add up. */
static void
test_salvage(void **state)
{
	struct docker_event	 e;
	char			 line[1024];
	size_t			 cut;

	(void)state;
	/* The start of a Docker 20.10 line, cut inside the attributes. */
	mk_event(line, sizeof(line), "start", ",\"big\":\"vvvv");
	cut = (size_t)(strstr(line, "\"big\"") - line) + 8;
	assert_int_equal(docker_event_salvage(line, cut, &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_START);
	assert_string_equal(e.id, ID_A);
	/* API 1.52 layout: no legacy fields. A label named ID comes later. */
	snprintf(line, sizeof(line), "{\"Type\":\"container\",\"Action\":"
	    "\"health_status: unhealthy\",\"Actor\":{\"ID\":\"" ID_A "\","
	    "\"Attributes\":{\"ID\":\"" ID_WEB "\",\"x\":\"yyyy");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_HEALTH_STATUS);
	assert_string_equal(e.id, ID_A);
	/* A hostile value cannot forge a key: its quotes are escaped. */
	snprintf(line, sizeof(line), "{\"Type\":\"container\",\"Action\":"
	    "\"exec_start: echo \\\"ID\\\":\\\"" ID_WEB "\"");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), -1);
	/* Cut before the id, another type, an id of the wrong length. */
	snprintf(line, sizeof(line), "{\"status\":\"start\",\"i");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), -1);
	snprintf(line, sizeof(line), "{\"Type\":\"network\",\"Action\":"
	    "\"connect\",\"Actor\":{\"ID\":\"" ID_A "\"");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), 1);
	snprintf(line, sizeof(line), "{\"id\":\"abc\"");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), -1);
	/* No Action in the prefix: an id alone is enough, action OTHER. */
	snprintf(line, sizeof(line), "{\"id\":\"" ID_A "\",\"from\":\"x");
	assert_int_equal(docker_event_salvage(line, strlen(line), &e), 0);
	assert_int_equal(e.action, DOCKER_ACTION_OTHER);
}

static void
test_events_fixture(void **state)
{
	struct docker_event	 e;
	size_t			 len, counts[DOCKER_ACTION_COUNT] = { 0 }, n = 0;
	char			*text, *p, *nl, err[128];

	(void)state;
	text = slurp("events_20.10.jsonl", &len);
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_int_equal(docker_parse_event(p, (size_t)(nl - p), &e, err,
		    sizeof(err)), 0);
		counts[e.action]++;
		n++;
	}
	/* Counted with jq: the Action up to its colon, sorted, uniq -c. */
	assert_int_equal(n, 107);
	assert_int_equal(counts[DOCKER_ACTION_CREATE], 5);
	assert_int_equal(counts[DOCKER_ACTION_START], 5);
	assert_int_equal(counts[DOCKER_ACTION_DIE], 3);
	assert_int_equal(counts[DOCKER_ACTION_KILL], 5);
	assert_int_equal(counts[DOCKER_ACTION_STOP], 2);
	assert_int_equal(counts[DOCKER_ACTION_DESTROY], 1);
	assert_int_equal(counts[DOCKER_ACTION_RENAME], 1);
	assert_int_equal(counts[DOCKER_ACTION_HEALTH_STATUS], 3);
	assert_int_equal(counts[DOCKER_ACTION_EXEC_CREATE], 26);
	assert_int_equal(counts[DOCKER_ACTION_EXEC_START], 26);
	assert_int_equal(counts[DOCKER_ACTION_EXEC_DIE], 25);
	assert_int_equal(counts[DOCKER_ACTION_OOM], 1);
	assert_int_equal(counts[DOCKER_ACTION_PAUSE], 1);
	assert_int_equal(counts[DOCKER_ACTION_UNPAUSE], 1);
	assert_int_equal(counts[DOCKER_ACTION_RESTART], 1);
	assert_int_equal(counts[DOCKER_ACTION_ATTACH], 1);
	assert_int_equal(counts[DOCKER_ACTION_OTHER], 0);
	free(text);
}

static void
test_time(void **state)
{
	double	 t;

	(void)state;
	assert_int_equal(docker_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_true(t == 0);
	assert_int_equal(docker_parse_time("2000-03-01T00:00:00Z", &t), 0);
	assert_true(t == 951868800.0);
	assert_int_equal(docker_parse_time("2024-02-29T12:00:00.5Z", &t), 0);
	assert_true(t == 1709208000.5);
	assert_int_equal(docker_parse_time("2026-11-23T14:30:03+01:00", &t), 0);
	assert_true(t == 1795440603.0);
	assert_int_equal(docker_parse_time("2026-11-23T13:30:03.642707722Z",
	    &t), 0);
	assert_true(t > 1795440603.642707 && t < 1795440603.642709);
	assert_int_equal(docker_parse_time("0001-01-01T00:00:00Z", &t), 0);
	assert_true(t == 0);
	assert_int_equal(docker_parse_time("2024-02-29 12:00:00Z", &t), -1);
	assert_int_equal(docker_parse_time("2024-13-01T00:00:00Z", &t), -1);
	assert_int_equal(docker_parse_time("2024-01-01T00:00:00", &t), -1);
	assert_int_equal(docker_parse_time("2024-01-01T00:00:00.Z", &t), -1);
	assert_int_equal(docker_parse_time("2024-01-01T00:00:00Zjunk", &t), -1);
	assert_int_equal(docker_parse_time("", &t), -1);
	assert_int_equal(docker_parse_time(NULL, &t), -1);
}

static void
test_inspect_fixture_healthcheck(void **state)
{
	struct docker_inspect	 in;
	size_t			 len;
	char			*text, err[128];

	(void)state;
	text = slurp("inspect_web.json", &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	assert_string_equal(in.id, ID_WEB);
	assert_string_equal(in.name, "web");
	assert_string_equal(in.image, "hale-test/busybox");
	assert_string_equal(in.image_id, "sha256:100d32f2f071d45e61144ab85885"
	    "501bb4b290c90083ab3189a5a215b0ab945d");
	assert_int_equal(in.state, DOCKER_STATE_RUNNING);
	assert_int_equal(in.pid, 7348);
	assert_string_equal(in.started_at_text, "2026-11-23T13:30:03.642707722Z");
	assert_true(in.started_at > 1795440603.642707 &&
	    in.started_at < 1795440603.642709);
	assert_true(in.created > 1795440603.421550 &&
	    in.created < 1795440603.421552);
	assert_true(in.finished_at == 0);
	assert_int_equal(in.nlabels, 3);
	assert_string_equal(in.labels[0].key, "com.docker.compose.project");
	assert_string_equal(in.labels[0].value, "demo");
	assert_string_equal(in.labels[1].key, "com.docker.compose.service");
	assert_string_equal(in.labels[1].value, "web");
	assert_string_equal(in.labels[2].key, "hostile");
	assert_string_equal(in.labels[2].value, "a\"b\\c\nd");
	assert_string_equal(in.network_mode, "none");
	assert_int_equal(in.restart_count, 0);
	assert_string_equal(in.restart_policy, "unless-stopped");
	assert_int_equal(in.stop_timeout, 7);
	assert_true(in.hc.present);
	assert_int_equal(in.hc.ntest, 2);
	assert_string_equal(in.hc.test[0], "CMD-SHELL");
	assert_string_equal(in.hc.test[1], "test -f /ok");
	assert_true(in.hc.interval == 1.0);
	assert_true(in.hc.timeout == 2.0);
	assert_true(in.hc.start_period == 3.0);
	assert_int_equal(in.hc.retries, 2);
	assert_int_equal(in.health, DOCKER_HEALTH_UNHEALTHY);
	assert_int_equal(in.failing_streak, 13);
	assert_int_equal(in.nlog, 5);
	assert_int_equal(in.log[0].exit_code, 1);
	assert_true(in.log[0].start > 1795440615.308219 &&
	    in.log[0].start < 1795440615.308220);
	assert_true(in.log[4].end > 1795440619.624732 &&
	    in.log[4].end < 1795440619.624733);
	assert_string_equal(in.log[4].output, "");
	assert_int_equal(in.nnetworks, 1);
	assert_string_equal(in.networks[0].name, "none");
	assert_string_equal(in.networks[0].ip, "");
	assert_int_equal(in.nports, 0);
	docker_inspect_free(&in);
	assert_null(in.name);
	free(text);
}

/*
 * A HEALTHCHECK with an element over DOCKER_HC_TEST_BYTES, a non-string
 * element and more than DOCKER_HC_TEST_MAX elements: the inspect still
 * parses, the long element is cut at a character boundary, and every
 * element cut or left out is counted.
 */
static void
test_inspect_healthcheck_long(void **state)
{
	struct docker_inspect	 in;
	size_t			 len, i;
	char			*text, err[128];

	(void)state;
	text = slurp("inspect_hc_long.json", &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	assert_string_equal(in.name, "web");
	assert_true(in.hc.present);
	assert_int_equal(in.hc.ntest, DOCKER_HC_TEST_MAX);
	assert_string_equal(in.hc.test[0], "CMD-SHELL");
	/* 8191 bytes: the cut fell inside a 3-byte character. */
	assert_int_equal(strlen(in.hc.test[1]), DOCKER_HC_TEST_BYTES - 1);
	assert_memory_equal(in.hc.test[1], "echo xxx", 8);
	for (i = 5; i < DOCKER_HC_TEST_BYTES - 1; i++)
		assert_true(in.hc.test[1][i] == 'x');
	assert_string_equal(in.hc.test[2], "a0");
	assert_string_equal(in.hc.test[DOCKER_HC_TEST_MAX - 1], "a61");
	/* The long one, the number 7, and a62..a69. */
	assert_int_equal(in.hc.test_cut, 10);
	docker_inspect_free(&in);
	free(text);
}

static void
test_inspect_fixture_states(void **state)
{
	struct docker_inspect	 in;
	size_t			 len;
	char			*text, err[128];

	(void)state;
	text = slurp("inspect_oom.json", &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	assert_string_equal(in.name, "oom");
	assert_int_equal(in.state, DOCKER_STATE_EXITED);
	assert_int_equal(in.pid, 0);
	assert_int_equal(in.exit_code, 137);
	assert_true(in.oom_killed);
	assert_false(in.hc.present);
	assert_int_equal(in.health, DOCKER_HEALTH_NONE);
	assert_int_equal(in.nlabels, 0);
	assert_int_equal(in.stop_timeout, -1);
	assert_string_equal(in.restart_policy, "no");
	assert_int_equal(in.memory_limit, 8388608);	/* HostConfig.Memory */
	docker_inspect_free(&in);
	free(text);

	text = slurp("inspect_created.json", &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	assert_int_equal(in.state, DOCKER_STATE_CREATED);
	assert_true(in.started_at == 0);
	assert_string_equal(in.started_at_text, "");
	docker_inspect_free(&in);
	free(text);

	text = slurp("inspect_plain.json", &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	assert_int_equal(in.state, DOCKER_STATE_RUNNING);
	assert_int_equal(in.pid, 7149);
	docker_inspect_free(&in);
	free(text);
}

/* Written from the v1.41 schema: ports, networks, old-style State. */
static void
test_inspect_ports_networks(void **state)
{
	static const char json[] =
	    "{\"Id\":\"" ID_A "\",\"Name\":\"/api\",\"RestartCount\":3,"
	    "\"State\":{\"Running\":true,\"Paused\":true,\"Pid\":99,"
	    "\"StartedAt\":\"2024-02-29T12:00:00Z\",\"Health\":{\"Status\":"
	    "\"starting\",\"FailingStreak\":0,\"Log\":[{\"Start\":"
	    "\"2024-02-29T12:00:01Z\",\"End\":\"2024-02-29T12:00:02Z\","
	    "\"ExitCode\":0,\"Output\":\"ok\\n\"}]}},"
	    "\"Config\":{\"Image\":\"api:1\",\"Healthcheck\":{\"Test\":[\"NONE\"]}},"
	    "\"HostConfig\":{\"NetworkMode\":\"bridge\",\"RestartPolicy\":"
	    "{\"Name\":\"on-failure\",\"MaximumRetryCount\":5}},"
	    "\"NetworkSettings\":{\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\","
	    "\"HostPort\":\"8080\"},{\"HostIp\":\"::\",\"HostPort\":\"8080\"}],"
	    "\"53/udp\":null,\"bad\":null,\"99999/tcp\":null},"
	    "\"Networks\":{\"bridge\":{\"IPAddress\":\"10.0.0.2\","
	    "\"GlobalIPv6Address\":\"fd00::2\"},\"other\":{\"IPAddress\":\"\"}}}}";
	struct docker_inspect	 in;
	char			 err[128];

	(void)state;
	assert_int_equal(docker_parse_inspect(json, sizeof(json) - 1, &in, err,
	    sizeof(err)), 0);
	assert_string_equal(in.name, "api");
	/* No State.Status: Paused wins over Running, as Docker reports it. */
	assert_int_equal(in.state, DOCKER_STATE_PAUSED);
	assert_int_equal(in.restart_count, 3);
	assert_string_equal(in.restart_policy, "on-failure");
	assert_int_equal(in.restart_max_retries, 5);
	assert_false(in.hc.present);	/* ["NONE"] */
	assert_int_equal(in.health, DOCKER_HEALTH_STARTING);
	assert_int_equal(in.nlog, 1);
	assert_string_equal(in.log[0].output, "ok\n");
	assert_true(in.log[0].end - in.log[0].start == 1.0);
	assert_int_equal(in.nports, 3);
	assert_int_equal(in.ports[0].container_port, 80);
	assert_string_equal(in.ports[0].proto, "tcp");
	assert_string_equal(in.ports[0].host_ip, "0.0.0.0");
	assert_int_equal(in.ports[0].host_port, 8080);
	assert_string_equal(in.ports[1].host_ip, "::");
	assert_int_equal(in.ports[2].container_port, 53);
	assert_string_equal(in.ports[2].proto, "udp");
	assert_int_equal(in.ports[2].host_port, 0);
	assert_int_equal(in.nnetworks, 2);
	assert_string_equal(in.networks[0].name, "bridge");
	assert_string_equal(in.networks[0].ip, "10.0.0.2");
	assert_string_equal(in.networks[0].ip6, "fd00::2");
	assert_string_equal(in.networks[1].ip, "");
	docker_inspect_free(&in);
}

static void
test_inspect_label_caps(void **state)
{
	struct docker_inspect	 in;
	struct docker_label	*l;
	size_t			 cap = 4 * 1024 * 1024, i, len;
	char			*json, err[128], *big;

	(void)state;
	json = malloc(cap);
	assert_non_null(json);
	big = malloc(DOCKER_LABEL_VALUE_MAX + 2);
	assert_non_null(big);
	memset(big, 'v', DOCKER_LABEL_VALUE_MAX + 1);
	big[DOCKER_LABEL_VALUE_MAX + 1] = '\0';
	len = (size_t)snprintf(json, cap, "{\"Id\":\"" ID_A "\",\"Name\":\"/x\","
	    "\"State\":{\"Status\":\"running\",\"Pid\":1},\"Config\":{\"Labels\":{"
	    "\"zz\":\"dup1\",\"zz\":\"dup2\",\"num\":5,\"toolong\":\"%s\"",
	    big);
	/* 600 more labels: only DOCKER_LABELS_MAX are kept in total. */
	for (i = 0; i < 600; i++)
		len += (size_t)snprintf(json + len, cap - len,
		    ",\"k%03zu\":\"\\\"quoted\\\\\\n\"", i);
	len += (size_t)snprintf(json + len, cap - len, "}}}");
	assert_true(len < cap);
	assert_int_equal(docker_parse_inspect(json, len, &in, err,
	    sizeof(err)), 0);
	/* zz twice (one dropped), num (not a string) and toolong dropped. */
	assert_int_equal(in.nlabels + in.labels_dropped, 604);
	assert_true(in.nlabels <= DOCKER_LABELS_MAX);
	assert_int_equal(in.nlabels, DOCKER_LABELS_MAX - 1);
	for (i = 1; i < in.nlabels; i++)
		assert_true(strcmp(in.labels[i - 1].key, in.labels[i].key) < 0);
	l = &in.labels[0];
	assert_string_equal(l->key, "k000");
	assert_string_equal(l->value, "\"quoted\\\n");
	l = &in.labels[in.nlabels - 1];
	assert_string_equal(l->key, "zz");
	assert_string_equal(l->value, "dup1");
	docker_inspect_free(&in);
	free(big);
	free(json);
}

static void
test_inspect_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"{\"Id\":\"xyz\",\"State\":{}}",
		"{\"Id\":\"" ID_A "\"}",		/* no State */
		"{\"Id\":\"" ID_A "\",\"State\":7}",
	};
	struct docker_inspect	 in;
	char			 err[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(docker_parse_inspect(bad[i], strlen(bad[i]),
		    &in, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
		assert_null(in.name);
	}
}

static void
test_list_fixture(void **state)
{
	struct docker_list	 l;
	size_t			 len;
	char			*text, err[128];

	(void)state;
	text = slurp("containers_list.json", &len);
	assert_int_equal(docker_parse_containers_list(text, len, &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[0].id, ID_WEB);
	assert_string_equal(l.items[0].name, "web");
	assert_int_equal(l.items[0].state, DOCKER_STATE_RUNNING);
	assert_int_equal(l.items[0].health, DOCKER_HEALTH_UNHEALTHY);
	assert_string_equal(l.items[1].name, "oom");
	assert_int_equal(l.items[1].state, DOCKER_STATE_EXITED);
	assert_string_equal(l.items[2].name, "created");
	assert_int_equal(l.items[2].state, DOCKER_STATE_CREATED);
	assert_string_equal(l.items[3].name, "plain");
	assert_int_equal(l.items[3].health, DOCKER_HEALTH_NONE);
	docker_list_free(&l);
	free(text);

	/* Bad entries are skipped, a bad document is an error. */
	text = strdup("[{\"Id\":\"nope\"},{\"Id\":\"" ID_A "\",\"Names\":"
	    "[\"/a\"],\"State\":\"paused\",\"Status\":\"Up 1s (health: "
	    "starting)\"},7]");
	assert_int_equal(docker_parse_containers_list(text, strlen(text), &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "a");
	assert_int_equal(l.items[0].state, DOCKER_STATE_PAUSED);
	assert_int_equal(l.items[0].health, DOCKER_HEALTH_STARTING);
	docker_list_free(&l);
	free(text);
	assert_int_equal(docker_parse_containers_list("{}", 2, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("[", 1, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("[]", 2, &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	docker_list_free(&l);

	/*
	 * Parsed an element at a time: brackets and commas inside strings,
	 * escaped quotes, nesting and scalars between the elements.
	 */
	text = strdup(" [ \"x,]\\\"}\" , [1,[2]] ,{\"Id\":\"" ID_A "\",\"Names\":"
	    "[\"/a]\\\",{\"],\"Labels\":{\"k\":\"}\"}} , null,-1.5e3 ]\n");
	assert_int_equal(docker_parse_containers_list(text, strlen(text), &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "a]\",{");
	docker_list_free(&l);
	free(text);
	/* A bad element anywhere, a missing comma or ']', spoil the reply. */
	assert_int_equal(docker_parse_containers_list("[{},{\"a\"}]", 11, &l,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "container list is not valid JSON");
	assert_int_equal(docker_parse_containers_list("[{} {}]", 7, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("[{},]", 5, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("[{}", 3, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("[\"a\\\"]", 6, &l,
	    err, sizeof(err)), -1);
	assert_int_equal(docker_parse_containers_list("{}", 2, &l, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "container list is not a JSON array");
}

static void
test_version_and_negotiation(void **state)
{
	struct docker_version	 v;
	size_t			 len;
	char			*text, err[256];

	(void)state;
	text = slurp("version.json", &len);
	assert_int_equal(docker_parse_version(text, len, &v, err, sizeof(err)),
	    0);
	assert_int_equal(v.api, 141);
	assert_int_equal(v.min_api, 112);
	assert_string_equal(v.version, "20.10.24+dfsg1");
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), 141);
	free(text);

	assert_int_equal(docker_api_parse("1.41"), 141);
	assert_int_equal(docker_api_parse("1.24"), 124);
	assert_int_equal(docker_api_parse("1.411"), -1);
	assert_int_equal(docker_api_parse("1."), -1);
	assert_int_equal(docker_api_parse("x"), -1);
	assert_int_equal(docker_api_parse(NULL), -1);

	/* Newer engine, old minimum: our maximum. */
	v.api = 150; v.min_api = 124;
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), 141);
	/* Older engine: its maximum. */
	v.api = 130; v.min_api = 0;
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), 130);
	/* Engine 29+ refusing < 1.44: its minimum. */
	v.api = 151; v.min_api = 144;
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), 144);
	/* Too old, too new. */
	v.api = 123; v.min_api = 112;
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), -1);
	v.api = 160; v.min_api = 153;
	assert_int_equal(docker_api_negotiate(&v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1.53"));

	assert_int_equal(docker_parse_version("{\"Version\":\"1\"}", 15, &v,
	    err, sizeof(err)), -1);
	assert_int_equal(docker_parse_version("nope", 4, &v, err, sizeof(err)),
	    -1);
}

static void
test_endpoint(void **state)
{
	struct docker_endpoint	 ep;
	char			 err[128], longpath[200];

	(void)state;
	assert_int_equal(docker_endpoint_parse("unix:///var/run/docker.sock",
	    &ep, err, sizeof(err)), 0);
	assert_string_equal(ep.socket_path, "/var/run/docker.sock");
	assert_string_equal(ep.base_url, "http://localhost");
	assert_int_equal(docker_endpoint_parse("/run/podman/podman.sock", &ep,
	    err, sizeof(err)), 0);
	assert_string_equal(ep.socket_path, "/run/podman/podman.sock");
	assert_int_equal(docker_endpoint_parse("tcp://127.0.0.1:2375", &ep,
	    err, sizeof(err)), 0);
	assert_string_equal(ep.socket_path, "");
	assert_string_equal(ep.base_url, "http://127.0.0.1:2375");
	assert_int_equal(docker_endpoint_parse("tcp://[::1]:2375", &ep, err,
	    sizeof(err)), 0);
	assert_string_equal(ep.base_url, "http://[::1]:2375");
	assert_int_equal(docker_endpoint_parse("tcp://proxy:2375", &ep, err,
	    sizeof(err)), 0);

	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath, "unix:///", 8);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(docker_endpoint_parse(longpath, &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("unix://rel/sock", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("http://x:1", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("tcp://host", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("tcp://:80", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("tcp://h:0", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("tcp://h:65536", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("tcp://h/x:80", &ep, err,
	    sizeof(err)), -1);
	assert_int_equal(docker_endpoint_parse("", &ep, err, sizeof(err)), -1);
}

static void
test_names(void **state)
{
	enum docker_health	 h;

	(void)state;
	assert_int_equal(docker_state_parse("removing"), DOCKER_STATE_REMOVING);
	assert_int_equal(docker_state_parse("dead"), DOCKER_STATE_DEAD);
	assert_int_equal(docker_state_parse("restarting"),
	    DOCKER_STATE_RESTARTING);
	assert_int_equal(docker_state_parse("zombie"), DOCKER_STATE_UNKNOWN);
	assert_string_equal(docker_state_name(DOCKER_STATE_EXITED), "exited");
	assert_int_equal(docker_health_parse(" healthy", &h), 0);
	assert_int_equal(h, DOCKER_HEALTH_HEALTHY);
	assert_int_equal(docker_health_parse("sick", &h), -1);
	assert_true(id_valid(ID_A));
	assert_false(id_valid(ID_A "0"));
	assert_false(id_valid("bcf61a"));
	assert_false(id_valid(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_action),
		cmocka_unit_test(test_event_attributes),
		cmocka_unit_test(test_health_events),
		cmocka_unit_test(test_podman_spellings),
		cmocka_unit_test(test_old_and_new_fields),
		cmocka_unit_test(test_other_types_and_prune),
		cmocka_unit_test(test_malformed_events),
		cmocka_unit_test(test_long_attributes_truncated),
		cmocka_unit_test(test_salvage),
		cmocka_unit_test(test_events_fixture),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_inspect_fixture_healthcheck),
		cmocka_unit_test(test_inspect_healthcheck_long),
		cmocka_unit_test(test_inspect_fixture_states),
		cmocka_unit_test(test_inspect_ports_networks),
		cmocka_unit_test(test_inspect_label_caps),
		cmocka_unit_test(test_inspect_malformed),
		cmocka_unit_test(test_list_fixture),
		cmocka_unit_test(test_version_and_negotiation),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
