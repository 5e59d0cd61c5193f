/*
 * The web config parser (exporter-toolkit's web-config.yml) and what tls
 * makes of it: the documented examples and exporter-toolkit's own test
 * files parse as they do there, and every bad field is refused with its
 * name in the message. Fixtures: tests/fixtures/webcfg/README.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/tls.h"
#include "http/webcfg.h"

#define DIR	FIXTURES "/webcfg"

static struct webcfg *
load(const char *name)
{
	struct webcfg	*wc;
	char		 path[512], err[512] = "";

	snprintf(path, sizeof(path), "%s/%s", DIR, name);
	wc = webcfg_load(path, err, sizeof(err));
	if (wc == NULL)
		fail_msg("%s: %s", name, err);
	return wc;
}

static void
test_docs_example(void **state)
{
	struct webcfg		*wc = load("docs_web_config.yml");
	struct tls_material	*m;
	char			 err[512];

	(void)state;
	assert_int_equal(wc->tls, 1);
	/* Relative to the web config's directory. */
	assert_string_equal(wc->cert_file, DIR "/server.crt");
	assert_string_equal(wc->key_file, DIR "/server.key");
	assert_null(wc->client_ca_file);
	assert_int_equal(wc->client_auth, WEBCFG_NO_CLIENT_CERT);
	assert_int_equal(wc->min_version, WEBCFG_TLS12);
	assert_int_equal(wc->max_version, WEBCFG_TLS13);
	assert_int_equal(wc->nusers, 2);
	assert_string_equal(wc->users[0].name, "alice");
	assert_string_equal(wc->users[0].hash,
	    "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze");
	assert_string_equal(wc->users[1].name, "bob");
	assert_int_equal(wc->nexcluded, 2);
	assert_string_equal(wc->excluded[1], "/-/ready");
	assert_int_equal(tls_load(wc, &m, err, sizeof(err)), 0);
	assert_non_null(m);
	assert_non_null(strstr(m->cert, "BEGIN CERTIFICATE"));
	assert_null(m->ca);
	assert_string_equal(m->priority, "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:"
	    "+VERS-TLS1.3:+VERS-TLS1.2");
	tls_free(m);
	webcfg_free(wc);
}

static void
test_users(void **state)
{
	struct webcfg	*wc = load("users_noTLS.good.yml");

	(void)state;
	assert_int_equal(wc->tls, 0);
	assert_int_equal(wc->nusers, 4);
	assert_string_equal(wc->users[3].name, "dave");
	webcfg_free(wc);
	wc = load("users_test.yml");
	assert_int_equal(wc->nusers, 1);
	assert_string_equal(wc->users[0].name, "test");
	assert_memory_equal(wc->users[0].hash, "$2b$10$", 7);
	webcfg_free(wc);
}

static void
test_headers(void **state)
{
	struct webcfg	*wc = load("headers.good.yml");

	(void)state;
	assert_int_equal(wc->tls, 0);
	assert_int_equal(wc->nheaders, 5);
	assert_string_equal(wc->headers[0].name, "X-Frame-Options");
	assert_string_equal(wc->headers[0].value, "deny");
	assert_string_equal(wc->headers[1].value,
	    "max-age=31536000; includeSubDomains");
	assert_string_equal(wc->headers[3].value, "1");
	assert_string_equal(wc->headers[4].value,
	    "default-src 'self' *.test.example.net");
	webcfg_free(wc);
}

static void
test_ciphers(void **state)
{
	struct webcfg	*wc = load("all_ciphers.good.yml");
	char		 prio[TLS_PRIORITY_MAX], err[512];

	(void)state;
	assert_int_equal(wc->nciphers, 17);
	assert_int_equal(wc->client_auth, WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN);
	assert_int_equal(tls_priority(wc, prio, sizeof(prio), err,
	    sizeof(err)), 0);
	assert_non_null(strstr(prio, ":-KX-ALL:-CIPHER-ALL:-MAC-ALL"));
	assert_non_null(strstr(prio, ":+ECDHE-RSA"));
	assert_non_null(strstr(prio, ":+RSA"));
	assert_non_null(strstr(prio, ":+AES-256-CBC"));
	assert_non_null(strstr(prio, ":+SHA1"));
	assert_null(strstr(prio, "3DES"));
	assert_null(strstr(prio, "VERS-TLS1.1"));
	webcfg_free(wc);
}

static void
test_client_ca(void **state)
{
	struct webcfg		*wc = load("tls_client_ca.yml");
	struct tls_material	*m;
	char			 err[512];

	(void)state;
	assert_int_equal(wc->client_auth, WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT);
	assert_string_equal(wc->client_ca_file, DIR "/client_ca.pem");
	assert_int_equal(wc->min_version, WEBCFG_TLS13);
	assert_int_equal(wc->http2, 0);
	assert_int_equal(tls_load(wc, &m, err, sizeof(err)), 0);
	assert_non_null(m->ca);
	assert_int_equal(m->client_auth, WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT);
	assert_string_equal(m->priority,
	    "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3");
	tls_free(m);
	webcfg_free(wc);
}

static void
test_sans(void **state)
{
	const char		*y = "tls_server_config:\n  cert_file: server.crt\n"
	    "  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n"
	    "  client_ca_file: client_ca.pem\n"
	    "  client_allowed_sans: [client.example, 10.0.0.1]\n";
	struct webcfg		*wc;
	struct tls_material	*m;
	char			 err[512];

	(void)state;
	wc = webcfg_parse(y, strlen(y), DIR, err, sizeof(err));
	assert_non_null(wc);
	assert_int_equal(wc->nsans, 2);
	assert_string_equal(wc->sans[1], "10.0.0.1");
	assert_int_equal(tls_load(wc, &m, err, sizeof(err)), 0);
	assert_int_equal(m->nsans, 2);
	assert_string_equal(m->sans[0], "client.example");
	tls_free(m);
	webcfg_free(wc);
}

static void
test_empty(void **state)
{
	struct webcfg	*wc;
	const char	*y;
	char		 err[256];

	(void)state;
	wc = webcfg_parse("", 0, NULL, err, sizeof(err));
	assert_non_null(wc);
	assert_int_equal(wc->tls, 0);
	assert_int_equal(wc->nusers, 0);
	webcfg_free(wc);
	/* Sections present but empty, or only settings without a certificate. */
	y = "tls_server_config:\n  min_version: TLS13\nbasic_auth_users: {}\n";
	wc = webcfg_parse(y, strlen(y), NULL, err, sizeof(err));
	assert_non_null(wc);
	assert_int_equal(wc->tls, 0);
	webcfg_free(wc);
}

/* Each bad file, and what its message must say (the field first). */
static const struct {
	const char	*yaml;
	const char	*want;
} bad[] = {
	{ "foo: 1\n", "foo: unknown field" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n  bogus: 1\n",
	    "tls_server_config.bogus: unknown field" },
	{ "http_server_config:\n  bogus: 1\n",
	    "http_server_config.bogus: unknown field" },
	{ "tls_server_config:\n  cert_file: a\n",
	    "tls_server_config.key_file: missing" },
	{ "tls_server_config:\n  key_file: a\n",
	    "tls_server_config.cert_file: missing" },
	{ "tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n",
	    "tls_server_config.cert_file: missing" },
	{ "tls_server_config:\n  cert_file: a\n  cert: b\n  key_file: c\n",
	    "tls_server_config.cert: set together with cert_file" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  min_version: TLS14\n",
	    "tls_server_config.min_version: \"TLS14\" is not one of" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  max_version: SSL3\n",
	    "tls_server_config.max_version: \"SSL3\" is not one of" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  max_version: TLS11\n",
	    "tls_server_config.min_version: TLS12 is above max_version TLS11" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  cipher_suites: [TLS_INVENTED_CIPHER]\n",
	    "tls_server_config.cipher_suites[0]: \"TLS_INVENTED_CIPHER\" is not "
	    "a cipher suite" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  cipher_suites:\n  - TLS_RSA_WITH_AES_128_CBC_SHA\n"
	    "  - TLS_RSA_WITH_RC4_128_SHA\n",
	    "tls_server_config.cipher_suites[1]: \"TLS_RSA_WITH_RC4_128_SHA\"" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  cipher_suites: TLS_RSA_WITH_AES_128_CBC_SHA\n",
	    "tls_server_config.cipher_suites: must be a list, not a scalar" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  curve_preferences: [CurveP999]\n",
	    "tls_server_config.curve_preferences[0]: \"CurveP999\" is not one of" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  client_auth_type: Sometimes\n",
	    "tls_server_config.client_auth_type: \"Sometimes\" is not one of" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  client_ca_file: c\n",
	    "tls_server_config.client_ca_file: set, but client_auth_type is "
	    "NoClientCert" },
	{ "tls_server_config:\n  cert_file: [a]\n  key_file: b\n",
	    "tls_server_config.cert_file: must be a string, not a list" },
	{ "tls_server_config:\n  cert_file: \"a\\0b\"\n  key_file: b\n",
	    "tls_server_config.cert_file: holds a NUL character" },
	{ "tls_server_config: 5\n",
	    "tls_server_config: must be a mapping, not a scalar" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  prefer_server_cipher_suites: maybe\n",
	    "tls_server_config.prefer_server_cipher_suites: must be true or false" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  client_allowed_sans: x\n",
	    "tls_server_config.client_allowed_sans: must be a list, not a scalar" },
	{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
	    "  client_allowed_sans: [\"\"]\n",
	    "tls_server_config.client_allowed_sans[0]: is empty" },
	{ "http_server_config:\n  http2: 3\n",
	    "http_server_config.http2: must be true or false" },
	{ "http_server_config:\n  headers:\n    Authorization: x\n",
	    "http_server_config.headers.Authorization: this header cannot be "
	    "configured" },
	{ "http_server_config:\n  headers:\n    Content-Type: text/html\n",
	    "http_server_config.headers.Content-Type: this header cannot be" },
	{ "http_server_config:\n  headers:\n    x-frame-options: deny\n",
	    "http_server_config.headers.x-frame-options: this header cannot be" },
	{ "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
	    "http_server_config.headers.X-Frame-Options: must be deny or "
	    "sameorigin" },
	{ "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
	    "http_server_config.headers.X-Content-Type-Options: must be nosniff" },
	{ "http_server_config:\n  headers:\n"
	    "    X-XSS-Protection: \"1\\r\\nSet-Cookie: a=b\"\n",
	    "http_server_config.headers.X-XSS-Protection: holds a control" },
	{ "http_server_config:\n  headers: [a]\n",
	    "http_server_config.headers: must be a mapping, not a list" },
	{ "basic_auth_users:\n  alice: plaintext\n",
	    "basic_auth_users.alice: is not a bcrypt hash" },
	{ "basic_auth_users:\n  alice:\n",
	    "basic_auth_users.alice: needs a bcrypt hash" },
	{ "basic_auth_users:\n  alice: "
	    "$2y$03$1DpfPeqF9HzHJt.EWswy1exHluGfbhnn3yXhR7Xes6m3WJqFg0Wby\n",
	    "basic_auth_users.alice: bcrypt cost 3" },
	{ "basic_auth_users:\n  alice: "
	    "$6$saltsalt$As4wrv0kZlfch1du9WeH7qhskyLriQWySXrZzynnvi46\n",
	    "basic_auth_users.alice: is not a bcrypt hash" },
	{ "basic_auth_users:\n  \"a:b\": "
	    "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n",
	    "basic_auth_users: user \"a:b\"" },
	{ "basic_auth_users:\n  a: "
	    "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n"
	    "  a: $2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n",
	    "basic_auth_users: key \"a\" appears twice" },
	{ "basic_auth_users: [alice]\n",
	    "basic_auth_users: must be a mapping, not a list" },
	{ "basic_auth_excluded_paths: [healthz]\n",
	    "basic_auth_excluded_paths[0]: \"healthz\" does not start with /" },
	{ "rate_limit:\n  burst: 1\n", "rate_limit: not supported" },
	{ "tls_server_config: [\n", "line " },
	{ "- a\n- b\n", "must be a mapping, not a list" },
};

static void
test_bad(void **state)
{
	struct webcfg	*wc;
	char		 err[512];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		wc = webcfg_parse(bad[i].yaml, strlen(bad[i].yaml), "/etc", err,
		    sizeof(err));
		if (wc != NULL)
			fail_msg("accepted: %s", bad[i].yaml);
		if (strstr(err, bad[i].want) != err &&
		    strstr(bad[i].want, "line ") == NULL)
			fail_msg("for %s\nwant: %s\ngot:  %s", bad[i].yaml,
			    bad[i].want, err);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("for %s\nwant: %s\ngot:  %s", bad[i].yaml,
			    bad[i].want, err);
	}
}

/* A bad hash is a secret that went wrong: never in the message. */
static void
test_hash_not_echoed(void **state)
{
	const char	*y = "basic_auth_users:\n  alice: hunter2-secret\n";
	char		 err[512];

	(void)state;
	assert_null(webcfg_parse(y, strlen(y), NULL, err, sizeof(err)));
	assert_null(strstr(err, "hunter2"));
}

static struct tls_material *
tls_from(const char *yaml, char *err, size_t errlen)
{
	struct webcfg		*wc;
	struct tls_material	*m = NULL;

	wc = webcfg_parse(yaml, strlen(yaml), DIR, err, errlen);
	assert_non_null(wc);
	if (tls_load(wc, &m, err, errlen) == -1)
		m = NULL;
	webcfg_free(wc);
	return m;
}

static void
test_tls_files(void **state)
{
	struct tls_material	*m;
	struct webcfg		*wc;
	char			 err[512];

	(void)state;
	assert_null(tls_from("tls_server_config:\n  cert_file: nonexistent.crt\n"
	    "  key_file: server.key\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tls_server_config.cert_file: " DIR
	    "/nonexistent.crt: "));
	assert_null(tls_from("tls_server_config:\n  cert_file: server.crt\n"
	    "  key_file: other.key\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tls_server_config.key_file: "));
	assert_null(tls_from("tls_server_config:\n  cert_file: server.key\n"
	    "  key_file: server.key\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tls_server_config.cert_file: "));
	assert_null(tls_from("tls_server_config:\n  cert_file: server.crt\n"
	    "  key_file: server.key\n  client_auth_type: RequireAnyClientCert\n"
	    "  client_ca_file: server.key\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tls_server_config.client_ca_file: "));
	assert_null(tls_from("tls_server_config:\n  cert_file: server.crt\n"
	    "  key_file: README\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tls_server_config.key_file: "));
	/* No TLS: nothing to load, no error. */
	wc = webcfg_parse("basic_auth_users: {}\n", 21, DIR, err, sizeof(err));
	assert_non_null(wc);
	m = (struct tls_material *)wc;	/* anything but NULL */
	assert_int_equal(tls_load(wc, &m, err, sizeof(err)), 0);
	assert_null(m);
	webcfg_free(wc);
}

static void
test_load_errors(void **state)
{
	char	 err[512];

	(void)state;
	assert_null(webcfg_load(DIR "/absent.yml", err, sizeof(err)));
	assert_non_null(strstr(err, DIR "/absent.yml: "));
	assert_null(webcfg_load(DIR, err, sizeof(err)));
}

static void
test_equal(void **state)
{
	struct webcfg	*a = load("tls_client_ca.yml"), *b = load("tls_client_ca.yml");
	struct webcfg	*c = load("docs_web_config.yml");

	(void)state;
	assert_int_equal(webcfg_equal(a, b), 1);
	assert_int_equal(webcfg_equal(a, c), 0);
	webcfg_free(a);
	webcfg_free(b);
	webcfg_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_example),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_ciphers),
		cmocka_unit_test(test_client_ca),
		cmocka_unit_test(test_sans),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hash_not_echoed),
		cmocka_unit_test(test_tls_files),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
