/*
 * Remediation policy: labels (hostile), config rules and defaults, their
 * precedence, and every rejection with its exact message. Also the
 * config.c side: the `remediation`, `notify` and web.admin_* keys and
 * --dry-run.
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

#include "core/config.h"
#include "remedy/notify.h"
#include "remedy/remedy.h"

static void
build(struct remedy_policy *p, const struct remedy_config *cfg,
    const char *name, const char *image, const char *const *kv, size_t n,
    int stop_timeout)
{
	struct docker_label	 l[16];
	size_t			 i;

	assert_true(n / 2 <= 16);
	for (i = 0; i < n / 2; i++) {
		l[i].key = (char *)(uintptr_t)kv[2 * i];
		l[i].value = (char *)(uintptr_t)kv[2 * i + 1];
	}
	remedy_policy_build(p, cfg, name, image, l, n / 2, stop_timeout);
}

/* Expects the labels to be refused with exactly `msg`. */
static void
refused(const char *const *kv, size_t n, const char *msg)
{
	struct remedy_policy	 p;

	build(&p, NULL, "web", "img", kv, n, -1);
	assert_false(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	assert_string_equal(p.error, msg);
}

static void
test_builtin_defaults(void **state)
{
	struct remedy_policy	 p;
	int			 f;

	(void)state;
	build(&p, NULL, "web", "img", NULL, 0, -1);
	assert_true(p.valid);
	assert_string_equal(p.error, "");
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	assert_int_equal(p.action, REMEDY_ACTION_RESTART);
	assert_int_equal(p.stop_timeout, 10);
	assert_int_equal(p.kill_signal, 9);
	assert_true(p.backoff == 10);
	assert_true(p.backoff_max == 300);
	assert_true(p.reset_after == 600);
	assert_int_equal(p.max, 5);
	assert_true(p.window == 3600);
	assert_int_equal(p.ndepends, 0);
	assert_int_equal(p.rule, -1);
	for (f = 0; f < RF_COUNT; f++)
		assert_int_equal(p.origin[f], REMEDY_FROM_BUILTIN);
	/* The container's own StopTimeout is the fallback. */
	build(&p, NULL, "web", "img", NULL, 0, 42);
	assert_int_equal(p.stop_timeout, 42);
}

static void
test_all_labels(void **state)
{
	static const char *const kv[] = {
		"hale.restart", "on-unhealthy",
		"hale.action", "kill",
		"hale.stop.timeout", "1m",
		"hale.kill.signal", "SIGUSR1",
		"hale.restart.backoff", "2s",
		"hale.restart.backoff_max", "1m30s",
		"hale.restart.reset_after", "1h",
		"hale.restart.max", "7",
		"hale.restart.window", "2h",
		"hale.depends_on", "vpn,db",
		"com.example.other", "ignored",
		"hale.check.port", "8080",	/* the checks' namespace: not ours */
	};
	struct remedy_policy	 p;

	(void)state;
	build(&p, NULL, "web", "img", kv, 24, 3);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(p.action, REMEDY_ACTION_KILL);
	assert_int_equal(p.stop_timeout, 60);
	assert_int_equal(p.kill_signal, 10);
	assert_true(p.backoff == 2);
	assert_true(p.backoff_max == 90);
	assert_true(p.reset_after == 3600);
	assert_int_equal(p.max, 7);
	assert_true(p.window == 7200);
	assert_int_equal(p.ndepends, 2);
	assert_string_equal(p.depends_on[0], "vpn");
	assert_string_equal(p.depends_on[1], "db");
	assert_int_equal(p.origin[RF_MAX], REMEDY_FROM_LABEL);
	assert_int_equal(p.origin[RF_STOP_TIMEOUT], REMEDY_FROM_LABEL);
}

static void
test_autoheal_compat(void **state)
{
	static const char *const on[] = {
		"autoheal", "true", "autoheal.stop.timeout", "20",
	};
	static const char *const off[] = { "autoheal", "False" };
	static const char *const both[] = {
		"autoheal", "true", "hale.restart", "never",
		"autoheal.stop.timeout", "20", "hale.stop.timeout", "5",
	};
	static const char *const bad[] = { "autoheal", "yes" };
	static const char *const badt[] = {
		"autoheal", "true", "autoheal.stop.timeout", "20s5",
	};
	struct remedy_policy	 p;

	(void)state;
	build(&p, NULL, "web", "img", on, 4, -1);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(p.origin[RF_RESTART], REMEDY_FROM_AUTOHEAL);
	assert_int_equal(p.stop_timeout, 20);
	build(&p, NULL, "web", "img", off, 2, -1);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	assert_int_equal(p.origin[RF_RESTART], REMEDY_FROM_AUTOHEAL);
	/* hale.* wins over autoheal.*, whatever the label order. */
	build(&p, NULL, "web", "img", both, 8, -1);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	assert_int_equal(p.stop_timeout, 5);
	refused(bad, 2, "label autoheal: \"yes\" is not true or false");
	refused(badt, 4, "label autoheal.stop.timeout: \"20s5\" is not a "
	    "duration (like 10s, 5m, 1h30m)");
}

static void
test_rejections(void **state)
{
	static const char *const restart[] = { "hale.restart", "sometimes" };
	static const char *const action[] = { "hale.action", "reboot" };
	static const char *const banana[] = { "hale.restart.backoff", "banana" };
	static const char *const zero[] = { "hale.restart.backoff", "0s" };
	static const char *const neg[] = { "hale.restart.window", "-5m" };
	static const char *const max0[] = { "hale.restart.max", "0" };
	static const char *const max65[] = { "hale.restart.max", "65" };
	static const char *const max05[] = { "hale.restart.max", "05" };
	static const char *const maxp[] = { "hale.restart.max", "+5" };
	static const char *const sig[] = { "hale.kill.signal", "SIGFOO" };
	static const char *const sig0[] = { "hale.kill.signal", "0" };
	static const char *const typo[] = { "hale.restart.maxx", "3" };
	static const char *const typo2[] = { "hale.stop.timeuot", "3" };
	static const char *const hostile[] = { "hale.restart", "on\n\"x\\\x7f" };
	static const char *const half[] = { "hale.stop.timeout", "1500ms" };
	static const char *const big[] = { "hale.stop.timeout", "3601" };
	static const char *const minus[] = { "hale.stop.timeout", "-1" };
	static const char *const empty[] = { "hale.restart", "" };
	static const char *const dep1[] = { "hale.depends_on", "a b" };
	static const char *const dep2[] = { "hale.depends_on", "a,,b" };
	static const char *const dep3[] = { "hale.depends_on", "-a" };
	static const char *const dep4[] = {
		"hale.depends_on", "a,b,c,d,e,f,g,h,i",
	};
	static const char *const bmax[] = {
		"hale.restart.backoff", "10m", "hale.restart.backoff_max", "5m",
	};

	(void)state;
	refused(restart, 2, "label hale.restart: \"sometimes\" is not one of "
	    "on-unhealthy, never");
	refused(action, 2, "label hale.action: \"reboot\" is not one of restart, "
	    "stop, kill, notify");
	refused(banana, 2, "label hale.restart.backoff: \"banana\" is not a "
	    "duration (like 10s, 5m, 1h30m)");
	refused(zero, 2, "label hale.restart.backoff: \"0s\" is out of range "
	    "(1s to 24h)");
	refused(neg, 2, "label hale.restart.window: \"-5m\" is not a duration "
	    "(like 10s, 5m, 1h30m)");
	refused(max0, 2, "label hale.restart.max: \"0\" is not a whole number "
	    "from 1 to 64");
	refused(max65, 2, "label hale.restart.max: \"65\" is not a whole number "
	    "from 1 to 64");
	refused(max05, 2, "label hale.restart.max: \"05\" is not a whole number "
	    "from 1 to 64");
	refused(maxp, 2, "label hale.restart.max: \"+5\" is not a whole number "
	    "from 1 to 64");
	refused(sig, 2, "label hale.kill.signal: \"SIGFOO\" is not a signal name "
	    "(SIGKILL, TERM) or number (1-64)");
	refused(sig0, 2, "label hale.kill.signal: \"0\" is not a signal name "
	    "(SIGKILL, TERM) or number (1-64)");
	refused(typo, 2, "label hale.restart.maxx: unknown label");
	refused(typo2, 2, "label hale.stop.timeuot: unknown label");
	/* Control bytes, quotes and backslashes never reach the message. */
	refused(hostile, 2, "label hale.restart: \"on\\x0a\\x22x\\x5c\\x7f\" is not one of "
	    "on-unhealthy, never");
	refused(half, 2, "label hale.stop.timeout: \"1500ms\" is not a whole "
	    "number of seconds");
	refused(big, 2, "label hale.stop.timeout: \"3601\" is out of range "
	    "(0 to 3600 seconds)");
	refused(minus, 2, "label hale.stop.timeout: \"-1\" is not a duration "
	    "(like 10s, 5m, 1h30m)");
	refused(empty, 2, "label hale.restart: \"\" is not one of on-unhealthy, "
	    "never");
	refused(dep1, 2, "label hale.depends_on: \"a b\" is not a "
	    "comma-separated list of container names");
	refused(dep2, 2, "label hale.depends_on: \"a,,b\" is not a "
	    "comma-separated list of container names");
	refused(dep3, 2, "label hale.depends_on: \"-a\" is not a "
	    "comma-separated list of container names");
	refused(dep4, 2, "label hale.depends_on: names at most 8 containers");
	refused(bmax, 4, "label hale.restart.backoff_max: 5m is less than the "
	    "backoff (10m)");
}

static void
test_long_and_odd_values(void **state)
{
	struct remedy_policy	 p;
	struct docker_label	 l[1];
	char			*v, *k;

	(void)state;
	/* 300 bytes: refused before any parsing. */
	v = malloc(301);
	assert_non_null(v);
	memset(v, 'a', 300);
	v[300] = '\0';
	l[0].key = (char *)(uintptr_t)"hale.restart";
	l[0].value = v;
	remedy_policy_build(&p, NULL, "web", "img", l, 1, -1);
	assert_false(p.valid);
	assert_string_equal(p.error, "label hale.restart: value is too long "
	    "(300 bytes)");
	/* A huge unknown key in our namespace: named, but cut. */
	k = malloc(2001);
	assert_non_null(k);
	memcpy(k, "hale.restart.", 13);
	memset(k + 13, 'x', 2000 - 13);
	k[2000] = '\0';
	l[0].key = k;
	l[0].value = (char *)(uintptr_t)"1";
	remedy_policy_build(&p, NULL, "web", "img", l, 1, -1);
	assert_false(p.valid);
	assert_true(strlen(p.error) < 120);
	assert_true(strncmp(p.error, "label hale.restart.xxx", 22) == 0);
	assert_non_null(strstr(p.error, "...: unknown label"));
	/* A backoff above the default cap just lifts the cap. */
	l[0].key = (char *)(uintptr_t)"hale.restart.backoff";
	l[0].value = (char *)(uintptr_t)"10m";
	remedy_policy_build(&p, NULL, "web", "img", l, 1, -1);
	assert_true(p.valid);
	assert_true(p.backoff_max == 600);
	free(v);
	free(k);
}

static void
test_signals(void **state)
{
	(void)state;
	assert_int_equal(remedy_signal_parse("SIGKILL"), 9);
	assert_int_equal(remedy_signal_parse("kill"), 9);
	assert_int_equal(remedy_signal_parse("TERM"), 15);
	assert_int_equal(remedy_signal_parse("sigusr1"), 10);
	assert_int_equal(remedy_signal_parse("9"), 9);
	assert_int_equal(remedy_signal_parse("64"), 64);
	assert_int_equal(remedy_signal_parse("65"), -1);
	assert_int_equal(remedy_signal_parse("0"), -1);
	assert_int_equal(remedy_signal_parse("09"), -1);
	assert_int_equal(remedy_signal_parse(""), -1);
	assert_int_equal(remedy_signal_parse("SIG"), -1);
	assert_int_equal(remedy_signal_parse("SIGKILLX"), -1);
	assert_int_equal(remedy_signal_parse("9x"), -1);
	assert_string_equal(remedy_signal_name(15), "SIGTERM");
	assert_string_equal(remedy_signal_name(9), "SIGKILL");
	assert_null(remedy_signal_name(40));
	assert_null(remedy_signal_name(0));
}

/* ---- config -------------------------------------------------------------- */

static struct remedy_config *
parse(const char *json, struct buf *errors, int *n)
{
	struct remedy_config	*cfg = NULL;
	cJSON			*root = cJSON_Parse(json);

	assert_non_null(root);
	buf_reset(errors);
	*n = remedy_config_from_json(root, "remediation", &cfg, errors);
	cJSON_Delete(root);
	return cfg;
}

static void
config_error(const char *json, const char *want)
{
	struct buf		 errors;
	struct remedy_config	*cfg;
	int			 n;

	buf_init(&errors);
	cfg = parse(json, &errors, &n);
	assert_null(cfg);
	assert_true(n >= 1);
	assert_non_null(errors.data);
	assert_string_equal(errors.data, want);
	buf_free(&errors);
}

static void
test_config_rules(void **state)
{
	static const char json[] =
	    "{\"dry_run\": true, \"restart\": \"on-unhealthy\", "
	    "\"backoff\": \"30s\", \"max\": 3, \"stop_timeout\": 25,"
	    " \"rules\": ["
	    "  {\"match\": {\"name\": \"db-*\"}, \"restart\": \"never\"},"
	    "  {\"match\": {\"label\": \"tier=front*\"}, \"max\": 10,"
	    "   \"action\": \"stop\"},"
	    "  {\"match\": {\"image\": \"redis:*\", \"label\": \"cache\"},"
	    "   \"backoff\": \"1m\"}]}";
	static const char *const front[] = { "tier", "frontend" };
	static const char *const cache[] = { "cache", "" };
	static const char *const relabel[] = { "hale.restart", "on-unhealthy" };
	struct buf		 errors;
	struct remedy_config	*cfg;
	struct remedy_policy	 p;
	int			 n;

	(void)state;
	buf_init(&errors);
	cfg = parse(json, &errors, &n);
	assert_int_equal(n, 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->dry_run, 1);
	assert_int_equal(cfg->ndefaults, 4);
	assert_int_equal(cfg->nrules, 3);
	/* Defaults from the config: on-unhealthy everywhere. */
	build(&p, cfg, "web", "nginx", NULL, 0, 8);
	assert_true(p.valid);
	assert_int_equal(p.mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(p.origin[RF_RESTART], REMEDY_FROM_CONFIG);
	assert_true(p.backoff == 30);
	assert_int_equal(p.max, 3);
	assert_int_equal(p.stop_timeout, 25);	/* config beats StopTimeout */
	assert_int_equal(p.rule, -1);
	/* Rule 0 by name. */
	build(&p, cfg, "db-1", "postgres", NULL, 0, -1);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	assert_int_equal(p.origin[RF_RESTART], REMEDY_FROM_RULE);
	assert_int_equal(p.rule, 0);
	/* The first match wins: db-2 with the tier label still gets rule 0. */
	build(&p, cfg, "db-2", "postgres", front, 2, -1);
	assert_int_equal(p.rule, 0);
	assert_int_equal(p.max, 3);
	/* Rule 1 by label glob. */
	build(&p, cfg, "web", "nginx", front, 2, -1);
	assert_int_equal(p.rule, 1);
	assert_int_equal(p.max, 10);
	assert_int_equal(p.action, REMEDY_ACTION_STOP);
	assert_true(p.backoff == 30);
	/* Rule 2 needs image and label both. */
	build(&p, cfg, "c", "redis:7", NULL, 0, -1);
	assert_int_equal(p.rule, -1);
	build(&p, cfg, "c", "redis:7", cache, 2, -1);
	assert_int_equal(p.rule, 2);
	assert_true(p.backoff == 60);
	/* Labels beat rules. */
	build(&p, cfg, "db-1", "postgres", relabel, 2, -1);
	assert_int_equal(p.rule, 0);
	assert_int_equal(p.mode, REMEDY_MODE_ON_UNHEALTHY);
	assert_int_equal(p.origin[RF_RESTART], REMEDY_FROM_LABEL);
	remedy_config_free(cfg);
	buf_free(&errors);
}

static void
test_config_errors(void **state)
{
	(void)state;
	config_error("{\"backoff\": \"banana\"}",
	    "remediation.backoff: \"banana\" is not a duration "
	    "(like 10s, 5m, 1h30m)\n");
	config_error("{\"max\": 1.5}",
	    "remediation.max: 1.5 is not a string or a whole number\n");
	config_error("{\"max\": 100}",
	    "remediation.max: \"100\" is not a whole number from 1 to 64\n");
	config_error("{\"bogus\": 1}", "remediation.bogus: unknown key\n");
	config_error("{\"dry_run\": \"yes\"}",
	    "remediation.dry_run: \"yes\" is not true or false\n");
	config_error("{\"rules\": [{\"restart\": \"never\"}]}",
	    "remediation.rules[0]: needs a \"match\" object\n");
	config_error("{\"rules\": [{\"match\": {\"nmae\": \"x\"}}]}",
	    "remediation.rules[0].match.nmae: unknown key (name, image, label)\n");
	config_error("{\"rules\": [{\"match\": {\"name\": \"\"}}]}",
	    "remediation.rules[0].match.name: must be a pattern of 1 to 255 "
	    "characters\n");
	config_error("{\"rules\": [{\"match\": {\"label\": \"=x\"}}]}",
	    "remediation.rules[0].match.label: \"=value\" needs a label key\n");
	config_error("{\"rules\": [{\"match\": []}]}",
	    "remediation.rules[0].match: must be an object with name, image or "
	    "label\n");
	config_error("{\"rules\": {}}", "remediation.rules: {} is not an array\n");
	config_error("{\"rules\": [{\"match\": {\"name\": \"a\"}},"
	    " {\"match\": {\"name\": \"b\"}, \"backoff\": \"10m\","
	    " \"backoff_max\": \"1m\"}]}",
	    "remediation.rules[1].backoff_max: 1m is less than the backoff "
	    "(10m)\n");
	config_error("{\"backoff_max\": \"5s\", \"backoff\": \"6s\"}",
	    "remediation.backoff_max: 5s is less than the backoff (6s)\n");
	config_error("[]", "remediation: [] is not an object\n");
}

/* As for checks: an empty match is a rule for every container. */
static void
test_config_empty_match(void **state)
{
	static const char *const front[] = { "tier", "frontend" };
	struct buf		 errors;
	struct remedy_config	*cfg;
	struct remedy_policy	 p;
	int			 n;

	(void)state;
	buf_init(&errors);
	cfg = parse("{\"rules\": [{\"match\": {\"name\": \"db-*\"}, "
	    "\"restart\": \"never\"}, {\"match\": {}, \"max\": 7}]}",
	    &errors, &n);
	assert_int_equal(n, 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->nrules, 2);
	build(&p, cfg, "web", "nginx", NULL, 0, -1);
	assert_true(p.valid);
	assert_int_equal(p.rule, 1);
	assert_int_equal(p.max, 7);
	assert_int_equal(p.origin[RF_MAX], REMEDY_FROM_RULE);
	build(&p, cfg, "", "", front, 2, -1);
	assert_int_equal(p.rule, 1);
	build(&p, cfg, NULL, NULL, NULL, 0, -1);
	assert_int_equal(p.rule, 1);
	/* The first match still wins. */
	build(&p, cfg, "db-1", "postgres", NULL, 0, -1);
	assert_int_equal(p.rule, 0);
	assert_int_equal(p.mode, REMEDY_MODE_NEVER);
	remedy_config_free(cfg);
	buf_free(&errors);
}

/* Through config.c: the keys it hands over, and the flags. */
static void
test_config_file(void **state)
{
	static const char good[] =
	    "{\"remediation\": {\"restart\": \"on-unhealthy\"},"
	    " \"notify\": {\"webhooks\": [{\"url\": \"http://127.0.0.1:9/h\"}]},"
	    " \"web\": {\"admin_token\": \"0123456789abcdef0123\"}}";
	static const char bad[] =
	    "{\"remediation\": {\"max\": 0},"
	    " \"web\": {\"admin_token\": \"short\", \"admin_user\": \"ops\"}}";
	struct config_flags	 f;
	struct config		*cfg;
	struct buf		 errors;

	(void)state;
	memset(&f, 0, sizeof(f));
	buf_init(&errors);
	cfg = config_from_json(good, strlen(good), &f, &errors);
	assert_non_null(cfg);
	assert_non_null(cfg->remediation);
	assert_int_equal(cfg->remediation->ndefaults, 1);
	assert_non_null(cfg->notify);
	assert_int_equal(cfg->notify->nhooks, 1);
	assert_string_equal(cfg->admin_token, "0123456789abcdef0123");
	assert_int_equal(cfg->dry_run, 0);
	config_free(cfg);
	/* --dry-run */
	f.dry_run = 1;
	cfg = config_from_json(good, strlen(good), &f, &errors);
	assert_non_null(cfg);
	assert_int_equal(cfg->dry_run, 1);
	config_free(cfg);
	f.dry_run = 0;
	cfg = config_from_json(bad, strlen(bad), &f, &errors);
	assert_null(cfg);
	assert_string_equal(errors.data,
	    "remediation.max: \"0\" is not a whole number from 1 to 64\n"
	    "web.admin_token: must be 16 to 256 characters\n"
	    "web.admin_password_hash: web.admin_user and "
	    "web.admin_password_hash go together\n");
	buf_free(&errors);
}

static void
test_dry_run_flag(void **state)
{
	struct config_flags	 f;
	char			 err[128];
	char			*argv[] = { (char *)(uintptr_t)"haled",
				    (char *)(uintptr_t)"--dry-run", NULL };
	char			*bad[] = { (char *)(uintptr_t)"haled",
				    (char *)(uintptr_t)"--dry-run=1", NULL };

	(void)state;
	assert_int_equal(config_parse_flags(2, argv, &f, err, sizeof(err)), 0);
	assert_int_equal(f.dry_run, 1);
	assert_int_equal(config_parse_flags(2, bad, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "--dry-run takes no value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_all_labels),
		cmocka_unit_test(test_autoheal_compat),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_long_and_odd_values),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_config_rules),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_empty_match),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_dry_run_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
