#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkspec.h"
#include "core/config.h"
#include "daemon/sections.h"

static struct config_flags no_flags;

/* -Wwrite-strings makes literals const; argv is not. */
#define A(s)	((char *)(uintptr_t)(s))

/* Loads JSON that must fail; returns the error text (static). */
static const char *
errors_of(const char *json)
{
	static char	 text[4096];
	struct buf	 e;
	struct config	*cfg;

	buf_init(&e);
	cfg = config_from_json(json, strlen(json), &no_flags, sections_table, &e);
	assert_null(cfg);
	snprintf(text, sizeof(text), "%s", e.data != NULL ? e.data : "");
	buf_free(&e);
	return text;
}

static struct config *
load_ok(const char *json, const struct config_flags *f)
{
	struct buf	 e;
	struct config	*cfg;

	buf_init(&e);
	cfg = config_from_json(json, json != NULL ? strlen(json) : 0, f,
	    sections_table, &e);
	if (cfg == NULL)
		fail_msg("unexpected errors: %s", e.data);
	buf_free(&e);
	return cfg;
}

static void
test_defaults(void **state)
{
	struct config	*c;

	(void)state;
	unsetenv("DOCKER_HOST");
	c = load_ok(NULL, &no_flags);
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0], ":4253");
	assert_int_equal(c->max_connections_per_ip, 16);
	assert_int_equal(c->header_timeout_ms, 5000);
	assert_string_equal(c->sysfs, "/sys");
	assert_string_equal(c->procfs, "/proc");
	assert_string_equal(c->docker_host, "unix:///var/run/docker.sock");
	assert_int_equal(c->log_level, LOG_LEVEL_INFO);
	assert_int_equal(c->log_format, LOG_FORMAT_LOGFMT);
	assert_int_equal(c->nlabel_allow, 1);
	assert_string_equal(c->label_allow[0], "*");
	assert_int_equal(c->nenv_allow, 0);
	assert_int_equal(c->fs_usage_interval_ms, 60 * 1000);
	assert_int_equal(c->fs_usage_rate, 20000);
	assert_int_equal(c->metrics_min_interval_ms, 1000);
	assert_int_equal(c->metrics_fd_budget, -1);	/* auto */
	assert_int_equal(c->metrics_task_states, 0);	/* as cAdvisor's */
	config_free(c);
}

static void
test_full_file(void **state)
{
	struct config	*c;

	(void)state;
	unsetenv("DOCKER_HOST");
	c = load_ok("{\"web\":{\"listen_addresses\":[\"127.0.0.1:9999\",\"[::1]:9998\"],"
	    "\"max_connections\":5,\"timeout\":\"30s\","
	    "\"max_connections_per_ip\":3,\"header_timeout\":\"2s\"},"
	    "\"log\":{\"level\":\"debug\",\"format\":\"json\"},"
	    "\"paths\":{\"sysfs\":\"/x/sys\",\"procfs\":\"/x/proc\"},"
	    "\"docker\":{\"host\":\"tcp://127.0.0.1:2375\"},"
	    "\"metrics\":{\"container_labels\":[\"a.*\"],\"min_interval\":\"0s\","
	    "\"fd_budget\":0}}",
	    &no_flags);
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[1], "[::1]:9998");
	assert_int_equal(c->max_connections, 5);
	assert_int_equal(c->conn_timeout_ms, 30000);
	assert_int_equal(c->max_connections_per_ip, 3);
	assert_int_equal(c->header_timeout_ms, 2000);
	assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(c->log_format, LOG_FORMAT_JSON);
	assert_string_equal(c->sysfs, "/x/sys");
	assert_string_equal(c->docker_host, "tcp://127.0.0.1:2375");
	assert_int_equal(c->nlabel_allow, 1);
	assert_string_equal(c->label_allow[0], "a.*");
	assert_int_equal(c->metrics_min_interval_ms, 0);
	assert_int_equal(c->metrics_fd_budget, 0);
	config_free(c);
	c = load_ok("{\"metrics\":{\"fd_budget\":\"auto\"}}", &no_flags);
	assert_int_equal(c->metrics_fd_budget, -1);
	config_free(c);
	c = load_ok("{\"metrics\":{\"fd_budget\":4096}}", &no_flags);
	assert_int_equal(c->metrics_fd_budget, 4096);
	config_free(c);
	c = load_ok("{\"metrics\":{\"task_states\":true}}", &no_flags);
	assert_int_equal(c->metrics_task_states, 1);
	config_free(c);
	assert_non_null(strstr(errors_of("{\"metrics\":{\"task_states\":1}}"),
	    "metrics.task_states: 1 is not true or false"));
	assert_non_null(strstr(errors_of(
	    "{\"metrics\":{\"task_states\":\"yes\"}}"),
	    "metrics.task_states: \"yes\" is not true or false"));
}

/* "all", a list, a comma string (the flags' form) and the env prefixes. */
static void
test_container_labels_and_env(void **state)
{
	static const char	 bad[] = "{\"metrics\":{\"container_env\":"
	    "[\"A=B\"],\"fs_usage_interval\":\"10ms\"}}";
	struct config_flags	 f;
	struct config		*c;
	struct buf		 errors;

	(void)state;
	c = load_ok("{\"metrics\":{\"container_labels\":\"all\","
	    "\"container_env\":[\"APP_\",\"TZ\"],"
	    "\"fs_usage_interval\":\"0s\",\"fs_usage_rate\":500}}",
	    &no_flags);
	assert_int_equal(c->nlabel_allow, 1);
	assert_string_equal(c->label_allow[0], "*");
	assert_int_equal(c->nenv_allow, 2);
	assert_string_equal(c->env_allow[1], "TZ");
	assert_int_equal(c->fs_usage_interval_ms, 0);
	assert_int_equal(c->fs_usage_rate, 500);
	config_free(c);
	memset(&f, 0, sizeof(f));
	f.container_labels = "com.docker.*,team";
	f.container_env = "";
	c = load_ok("{\"metrics\":{\"container_env\":[\"X\"]}}", &f);
	assert_int_equal(c->nlabel_allow, 2);
	assert_string_equal(c->label_allow[1], "team");
	assert_int_equal(c->nenv_allow, 0);
	config_free(c);
	f.container_labels = "";
	c = load_ok(NULL, &f);
	assert_int_equal(c->nlabel_allow, 0);
	config_free(c);
	buf_init(&errors);
	c = config_from_json(bad, strlen(bad), &no_flags, NULL, &errors);
	assert_null(c);
	assert_non_null(strstr(errors.data, "metrics.container_env[0]: holds"));
	assert_non_null(strstr(errors.data, "metrics.fs_usage_interval: must"));
	buf_free(&errors);
}

static void
test_errors_name_the_path(void **state)
{
	const char	*e;

	(void)state;
	e = errors_of("{\"metrics\":{\"min_interval\":\"10x\"}}");
	assert_non_null(strstr(e, "metrics.min_interval: \"10x\" is not a duration"));
	e = errors_of("{\"web\":{\"listen_addresses\":[\":80\",\"nope\",7]}}");
	assert_non_null(strstr(e, "web.listen_addresses[1]: \"nope\" is not [HOST]:PORT"));
	assert_non_null(strstr(e, "web.listen_addresses[2]: 7 is not a string"));
	e = errors_of("{\"web\":{\"max_connections_per_ip\":-1}}");
	assert_non_null(strstr(e, "web.max_connections_per_ip: -1 is out of range"));
	e = errors_of("{\"web\":{\"header_timeout\":\"10ms\"}}");
	assert_non_null(strstr(e, "web.header_timeout: "));
	e = errors_of("{\"web\":{\"max_connections\":0}}");
	assert_non_null(strstr(e, "web.max_connections: 0 is out of range"));
	e = errors_of("{\"web\":{\"max_connections\":\"5\"}}");
	assert_non_null(strstr(e, "web.max_connections: \"5\" is not an integer"));
	/* beyond any integer type: out of range, not undefined behaviour */
	e = errors_of("{\"web\":{\"max_connections\":1e300}}");
	assert_non_null(strstr(e, "web.max_connections: 1e+300 is out of range"));
	e = errors_of("{\"web\":{\"max_connections\":1.5}}");
	assert_non_null(strstr(e, "web.max_connections: 1.5 is not an integer"));
	e = errors_of("{\"log\":{\"level\":\"loud\"}}");
	assert_non_null(strstr(e, "log.level: \"loud\" is not one of"));
	e = errors_of("{\"paths\":{\"sysfs\":\"relative\"}}");
	assert_non_null(strstr(e, "paths.sysfs: \"relative\" is not an absolute path"));
	e = errors_of("{\"docker\":{\"host\":\"http://x\"}}");
	assert_non_null(strstr(e, "docker.host: \"http://x\" is not unix:///PATH"));
	e = errors_of("{\"metrics\":{\"min_interval\":\"2m\"}}");
	assert_non_null(strstr(e, "metrics.min_interval: \"2m\" is out of range (0s to 1m)"));
	e = errors_of("{\"metrics\":{\"fd_budget\":-1}}");
	assert_non_null(strstr(e, "metrics.fd_budget: -1 is out of range"));
	e = errors_of("{\"metrics\":{\"fd_budget\":\"many\"}}");
	assert_non_null(strstr(e, "metrics.fd_budget: \"many\" is not an integer"));
}

/*
 * Numbers no field can hold, in every number-taking field: an error
 * naming the field, and no cast out of range (the sanitizer build's
 * UBSan would report one).
 */
static void
test_huge_numbers(void **state)
{
	static const char *const nums[] = { "1e300", "-1e300", "1e999", "2.5" };
	char		 json[1024];
	const char	*e;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		snprintf(json, sizeof(json), "{\"web\":{\"max_connections\":%s},"
		    "\"checks\":[{\"match\":{},\"check\":\"http\",\"port\":%s,"
		    "\"rise\":%s,\"fall\":%s}],"
		    "\"remediation\":{\"max_restarts\":%s,\"backoff\":%s},"
		    "\"notify\":{\"retries\":%s,\"queue_max\":%s}}",
		    nums[i], nums[i], nums[i], nums[i], nums[i], nums[i], nums[i],
		    nums[i]);
		e = errors_of(json);
		if (strstr(e, "web.max_connections: ") == NULL ||
		    strstr(e, "checks[0].port: ") == NULL ||
		    strstr(e, "checks[0].rise: ") == NULL ||
		    strstr(e, "remediation.backoff: ") == NULL ||
		    strstr(e, "notify.retries: ") == NULL ||
		    strstr(e, "notify.queue_max: ") == NULL)
			fail_msg("%s: %s", nums[i], e);
	}
	e = errors_of("{\"web\":{\"max_connections\":1e300}}");
	assert_non_null(strstr(e, "web.max_connections: 1e+300 is out of range"));
	e = errors_of("{\"web\":{\"max_connections\":-1e300}}");
	assert_non_null(strstr(e, "web.max_connections: -1e+300 is out of range"));
}

static void
test_unknown_keys_and_types(void **state)
{
	const char	*e;

	(void)state;
	e = errors_of("{\"wbe\":{}}");
	assert_non_null(strstr(e, "wbe: unknown key"));
	e = errors_of("{\"web\":{\"listen\":[]}}");
	assert_non_null(strstr(e, "web.listen: unknown key"));
	e = errors_of("{\"web\":[]}");
	assert_non_null(strstr(e, "web: [] is not an object"));
	e = errors_of("[1,2]");
	assert_non_null(strstr(e, "must hold a JSON object"));
	e = errors_of("{\"web\": {");
	assert_non_null(strstr(e, "invalid JSON"));
}

/* What a full disk leaves: an empty file, or one cut inside a value. */
static void
test_cut_short_json(void **state)
{
	const char	*e;

	(void)state;
	e = errors_of("");
	assert_non_null(strstr(e, "(root): empty (0 bytes, no JSON object)"));
	e = errors_of(" \n\t");
	assert_non_null(strstr(e, "(root): empty (3 bytes"));
	e = errors_of("{\"web\": {\"admin_token\": \"abc");
	assert_non_null(strstr(e, "ends inside a value after 28 bytes"));
	e = errors_of("{\"web\": {\"timeout\": \"1s\"}   ");
	assert_non_null(strstr(e, "ends inside a value after 28 bytes"));
	/* An escaped quote does not end the string; a closed one is whole. */
	e = errors_of("{\"a\": \"x\\\"}");
	assert_non_null(strstr(e, "ends inside a value"));
	e = errors_of("{\"a\": 1,}");
	assert_non_null(strstr(e, "invalid JSON near byte"));
	assert_null(strstr(e, "ends inside"));
	e = errors_of("{\"a\": [1}]}");
	assert_non_null(strstr(e, "invalid JSON near byte"));
}

static void
test_all_errors_reported(void **state)
{
	const char	*e;
	int		 lines = 0;

	(void)state;
	e = errors_of("{\"log\":{\"level\":\"x\",\"format\":\"y\"},\"bogus\":1}");
	for (; *e != '\0'; e++)
		lines += *e == '\n';
	assert_int_equal(lines, 3);
}

static void
test_flags_win(void **state)
{
	struct config_flags	 f;
	struct config		*c;
	char			 err[128];
	char			*argv[] = { A("haled"), A("--web.listen-address=127.0.0.1:1"),
	    A("--web.listen-address"), A("127.0.0.1:2"), A("--log.level=warn"),
	    A("--docker.host=unix:///run/x.sock"), A("--path.sysfs"), A("/fx"), NULL };

	(void)state;
	setenv("DOCKER_HOST", "unix:///env.sock", 1);
	assert_int_equal(config_parse_flags(8, argv, &f, err, sizeof(err)), 0);
	c = load_ok("{\"log\":{\"level\":\"debug\"},\"web\":{\"listen_addresses\":[\":3\"]}}", &f);
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[0], "127.0.0.1:1");
	assert_string_equal(c->listen[1], "127.0.0.1:2");
	assert_int_equal(c->log_level, LOG_LEVEL_WARN);
	assert_string_equal(c->docker_host, "unix:///run/x.sock");
	assert_string_equal(c->sysfs, "/fx");
	config_free(c);
	/* Without the flag, the environment beats the file. */
	memset(&f, 0, sizeof(f));
	c = load_ok("{\"docker\":{\"host\":\"unix:///file.sock\"}}", &f);
	assert_string_equal(c->docker_host, "unix:///env.sock");
	config_free(c);
	unsetenv("DOCKER_HOST");
}

static void
test_bad_flags(void **state)
{
	struct config_flags	 f;
	struct buf		 e;
	char			 err[128];
	char			*a1[] = { A("haled"), A("--nope"), NULL };
	char			*a2[] = { A("haled"), A("--log.level"), NULL };
	char			*a3[] = { A("haled"), A("--version=1"), NULL };
	char			*a4[] = { A("haled"), A("--log.level=loud"), NULL };

	(void)state;
	assert_int_equal(config_parse_flags(2, a1, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown flag \"--nope\""));
	assert_int_equal(config_parse_flags(2, a2, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--log.level needs a value"));
	assert_int_equal(config_parse_flags(2, a3, &f, err, sizeof(err)), -1);
	/* A bad flag value is a config error that names the flag. */
	assert_int_equal(config_parse_flags(2, a4, &f, err, sizeof(err)), 0);
	buf_init(&e);
	assert_null(config_from_json(NULL, 0, &f, sections_table, &e));
	assert_non_null(strstr(e.data, "--log.level: \"loud\" is not one of"));
	buf_free(&e);
}

static void
test_missing_files(void **state)
{
	struct config_flags	 f;
	struct buf		 e;
	struct config		*c;

	(void)state;
	memset(&f, 0, sizeof(f));
	buf_init(&e);
	f.config_file = "/nonexistent/hale.json";
	assert_null(config_load(&f, sections_table, &e));
	assert_non_null(strstr(e.data, "/nonexistent/hale.json: cannot open"));
	buf_free(&e);
	f.config_file = FIXTURES "/../../etc/hale.json";	/* the shipped example */
	c = config_load(&f, sections_table, &e);
	if (c == NULL)
		fail_msg("shipped example invalid: %s", e.data);
	config_free(c);
	buf_free(&e);
}

static void
test_listen_syntax(void **state)
{
	char	 err[64];

	(void)state;
	assert_int_equal(config_check_listen(":4253", err, sizeof(err)), 0);
	assert_int_equal(config_check_listen("0.0.0.0:1", err, sizeof(err)), 0);
	assert_int_equal(config_check_listen("[::]:65535", err, sizeof(err)), 0);
	assert_int_equal(config_check_listen("localhost:80", err, sizeof(err)), 0);
	assert_int_equal(config_check_listen("4253", err, sizeof(err)), -1);
	assert_int_equal(config_check_listen(":0", err, sizeof(err)), -1);
	assert_int_equal(config_check_listen(":65536", err, sizeof(err)), -1);
	assert_int_equal(config_check_listen("::1:80", err, sizeof(err)), -1);
	assert_int_equal(config_check_listen("[::1:80", err, sizeof(err)), -1);
	assert_int_equal(config_check_listen("h:80x", err, sizeof(err)), -1);
}

/* web.unauthenticated_paths: exact paths, every bad one named. */
static void
test_unauthenticated_paths(void **state)
{
	struct config		*c;
	const char *const	*p = NULL;
	size_t			 n = 99;
	const char		*e;

	(void)state;
	c = load_ok(NULL, &no_flags);
	assert_int_equal(sections_open_paths(c, &p, &n), 0);
	config_free(c);
	c = load_ok("{\"web\":{\"unauthenticated_paths\":[\"/healthz\","
	    "\"/metrics\"]}}", &no_flags);
	assert_int_equal(sections_open_paths(c, &p, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "/metrics");
	config_free(c);
	c = load_ok("{\"web\":{\"unauthenticated_paths\":[]}}", &no_flags);
	assert_int_equal(sections_open_paths(c, &p, &n), 1);
	assert_int_equal(n, 0);
	config_free(c);
	e = errors_of("{\"web\":{\"unauthenticated_paths\":[\"/ok\","
	    "\"metrics\",3,\"/a b\"]}}");
	assert_non_null(strstr(e, "web.unauthenticated_paths[1]: must be a "
	    "path starting with '/'"));
	assert_non_null(strstr(e, "web.unauthenticated_paths[2]: 3 is not a "
	    "string"));
	assert_non_null(strstr(e, "web.unauthenticated_paths[3]: must be "
	    "printable ASCII"));
	assert_null(strstr(e, "[0]"));
	e = errors_of("{\"web\":{\"unauthenticated_paths\":\"/healthz\"}}");
	assert_non_null(strstr(e, "web.unauthenticated_paths: "));
}

/* `checks`: rules parsed by checkspec.c, errors with their path. */
static void
test_checks_rules(void **state)
{
	struct config			*c;
	const struct checkspec_rules	*r;
	const char			*e;

	(void)state;
	unsetenv("DOCKER_HOST");
	c = load_ok("{\"checks\":[{\"match\":{\"name\":\"web-*\"},"
	    "\"check\":\"http\",\"port\":8080,\"interval\":\"5s\"},"
	    "{\"match\":{},\"check\":\"none\"}]}", &no_flags);
	r = sections_checks(c);
	assert_non_null(r);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->v[0].match.name, "web-*");
	assert_int_equal(r->v[0].spec.port, 8080);
	assert_int_equal(r->v[0].spec.interval_ms, 5000);
	config_free(c);
	c = load_ok("{\"checks\":[]}", &no_flags);
	assert_null(sections_checks(c));
	config_free(c);
	e = errors_of("{\"checks\":[{\"match\":{},\"port\":80},"
	    "{\"match\":{},\"check\":\"http\",\"interval\":\"10x\"}],"
	    "\"log\":{\"level\":\"x\"}}");
	assert_string_equal(e, "checks[1].interval: \"10x\" is not a duration "
	    "(like 10s, 500ms, 1m)\n"
	    "log.level: \"x\" is not one of debug, info, warn, error\n");
	e = errors_of("{\"checks\":{\"match\":{}}}");
	assert_string_equal(e, "checks: must be an array of rules\n");
}

static void
test_docker_scope(void **state)
{
	struct config_flags	 f;
	struct config		*c;
	const char		*e;
	char			 err[128];
	char			*argv[] = { A("haled"), A("--docker.scope=project"), NULL };
	char			*bad[] = { A("haled"), A("--docker.scope=mine"), NULL };
	struct buf		 eb;

	(void)state;
	c = load_ok(NULL, &no_flags);
	assert_int_equal(c->docker_scope_project, 0);
	assert_int_equal(c->ndocker_label_filter, 0);
	config_free(c);
	c = load_ok("{\"docker\":{\"scope\":\"project\",\"label_filter\":"
	    "[\"tier=web\",\"hale.watch\",\"odd=a\\\"b\"]}}", &no_flags);
	assert_int_equal(c->docker_scope_project, 1);
	assert_int_equal(c->ndocker_label_filter, 3);
	assert_string_equal(c->docker_label_filter[0], "tier=web");
	assert_string_equal(c->docker_label_filter[1], "hale.watch");
	assert_string_equal(c->docker_label_filter[2], "odd=a\"b");
	config_free(c);
	/* The flag wins over the file. */
	assert_int_equal(config_parse_flags(2, argv, &f, err, sizeof(err)), 0);
	c = load_ok("{\"docker\":{\"scope\":\"all\"}}", &f);
	assert_int_equal(c->docker_scope_project, 1);
	config_free(c);
	assert_int_equal(config_parse_flags(2, bad, &f, err, sizeof(err)), 0);
	buf_init(&eb);
	assert_null(config_from_json(NULL, 0, &f, sections_table, &eb));
	assert_non_null(strstr(eb.data, "--docker.scope: \"mine\" is not all or project"));
	buf_free(&eb);

	e = errors_of("{\"docker\":{\"scope\":\"stack\"}}");
	assert_string_equal(e, "docker.scope: \"stack\" is not all or project\n");
	e = errors_of("{\"docker\":{\"scope\":1}}");
	assert_non_null(strstr(e, "docker.scope: 1 is not a string"));
	e = errors_of("{\"docker\":{\"label_filter\":\"tier=web\"}}");
	assert_non_null(strstr(e, "docker.label_filter: \"tier=web\" is not an array"));
	e = errors_of("{\"docker\":{\"label_filter\":[\"\",\"=v\",\"a\\nb\",3]}}");
	assert_non_null(strstr(e, "docker.label_filter[0]: must be \"key\" or \"key=value\""));
	assert_non_null(strstr(e, "docker.label_filter[1]: must be"));
	assert_non_null(strstr(e, "docker.label_filter[2]: holds a control character"));
	assert_non_null(strstr(e, "docker.label_filter[3]: 3 is not a string"));
	e = errors_of("{\"docker\":{\"label_filter\":[\"a\",\"b\",\"c\",\"d\","
	    "\"e\",\"f\",\"g\",\"h\",\"i\"]}}");
	assert_non_null(strstr(e, "docker.label_filter[8]: at most 8 label filters"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_container_labels_and_env),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_errors_name_the_path),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_unknown_keys_and_types),
		cmocka_unit_test(test_cut_short_json),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_flags_win),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_listen_syntax),
		cmocka_unit_test(test_checks_rules),
		cmocka_unit_test(test_unauthenticated_paths),
		cmocka_unit_test(test_docker_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
