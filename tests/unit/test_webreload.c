/*
 * webreload without a server: a broken web config at reload keeps the
 * running one and sets the metric to 0 (logged once), an unchanged file
 * changes nothing, basic auth users are refused by this build, and no
 * file at all is plain HTTP. Switching the server itself is
 * tests/integration/test_tls.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/webreload.h"

static char	 dir[] = "/tmp/hale-webreload.XXXXXX";
static char	 path[256];

static void
put(const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void
test_bad_reload_keeps(void **state)
{
	struct webreload	 r;
	struct scrape		 s;
	char			 err[512];

	(void)state;
	put("http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
	assert_int_equal(webreload_init(&r, path, err, sizeof(err)), 0);
	assert_null(r.tls);
	scrape_init(&s);
	assert_int_equal(webreload_start(&r, EV_DEFAULT, NULL, NULL, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.web_reload_ok, 1);
	assert_true(s.web_reload_ok_at > 0);

	put("http_server_config:\n  headerz: {}\n");
	webreload_reload(&r, path);
	assert_int_equal(s.web_reload_ok, 0);
	assert_non_null(strstr(r.logged, "http_server_config.headerz: unknown field"));
	assert_non_null(r.wc);
	assert_int_equal(r.wc->nheaders, 1);
	assert_string_equal(r.wc->headers[0].value, "deny");

	/* The same file again: nothing to restart, the metric is 1 again. */
	put("http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
	webreload_reload(&r, path);
	assert_int_equal(s.web_reload_ok, 1);
	assert_string_equal(r.logged, "");
	assert_int_equal(r.wc->nheaders, 1);

	/* A field haled refuses: kept too. */
	put("basic_auth_excluded_paths: [/metrics]\n");
	webreload_reload(&r, path);
	assert_int_equal(s.web_reload_ok, 0);
	assert_non_null(strstr(r.logged, "basic_auth_excluded_paths: "));
	assert_int_equal(r.wc->nheaders, 1);

	/* A certificate that is not there: also kept. */
	put("tls_server_config:\n  cert_file: absent.crt\n  key_file: absent.key\n");
	webreload_reload(&r, path);
	assert_int_equal(s.web_reload_ok, 0);
	assert_non_null(strstr(r.logged, "tls_server_config.cert_file: "));
	assert_null(r.tls);
	webreload_stop(&r);
	webreload_free(&r);
	scrape_free(&s);
}

static void
test_users_applied(void **state)
{
	struct webreload	 r;
	struct basicauth	*ba;
	struct scrape		 s;
	char			 err[512] = "";

	(void)state;
	put("basic_auth_users:\n  alice: "
	    "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n");
	assert_int_equal(webreload_init(&r, path, err, sizeof(err)), 0);
	assert_non_null(ba = basicauth_new(EV_DEFAULT, err, sizeof(err)));
	assert_int_equal(basicauth_users(ba, BASICAUTH_WEB), 0);
	scrape_init(&s);
	assert_int_equal(webreload_start(&r, EV_DEFAULT, NULL, ba, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(basicauth_users(ba, BASICAUTH_WEB), 1);

	/* Refused at reload: the running users stay. */
	put("basic_auth_users:\n  bob: "
	    "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n"
	    "basic_auth_excluded_paths: [/metrics]\n");
	webreload_reload(&r, path);
	assert_int_equal(s.web_reload_ok, 0);
	assert_int_equal(basicauth_users(ba, BASICAUTH_WEB), 1);

	webreload_stop(&r);
	webreload_free(&r);
	basicauth_free(ba);
	scrape_free(&s);
}

static void
test_no_file(void **state)
{
	struct webreload	 r;
	struct httpd_web	 web;
	char			 err[512];

	(void)state;
	assert_int_equal(webreload_init(&r, NULL, err, sizeof(err)), 0);
	webreload_web(&r, &web);
	assert_null(web.tls);
	assert_int_equal(web.nheaders, 0);
	webreload_free(&r);
	assert_int_equal(webreload_init(&r, "/nonexistent/web.yml", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/web.yml: "));
	webreload_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_reload_keeps),
		cmocka_unit_test(test_users_applied),
		cmocka_unit_test(test_no_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
