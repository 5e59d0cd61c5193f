#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkspec.h"

/* -Wwrite-strings: label literals are const, docker_label is not. */
#define S(s)	((char *)(uintptr_t)(s))

struct fixture {
	struct docker_label	 labels[32];
	size_t			 n;
	const char		*ips[2];
	struct checkspec_input	 in;
};

static void
fx_init(struct fixture *f, const char *name, const char *image)
{
	memset(f, 0, sizeof(*f));
	f->ips[0] = "10.1.2.3";
	f->in.name = name;
	f->in.image = image;
	f->in.labels = f->labels;
	f->in.ips = f->ips;
	f->in.nips = 1;
}

static void
fx_label(struct fixture *f, const char *k, const char *v)
{
	f->labels[f->n].key = S(k);
	f->labels[f->n].value = S(v);
	f->n++;
	f->in.nlabels = f->n;
}

static char			 err[CHECKSPEC_ERR_MAX];
static enum checkspec_reject	 why;

static int
resolve(const struct checkspec_rules *rules, struct fixture *f,
    struct checkspec *out)
{
	err[0] = '\0';
	return checkspec_resolve(rules, &f->in, out, err, sizeof(err), &why);
}

/* Resolves a container with one extra label that must be refused. */
static void
expect_reject(const char *k, const char *v, enum checkspec_reject cls,
    const char *needle)
{
	struct fixture		 f;
	struct checkspec	 s;

	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "8080");
	fx_label(&f, k, v);
	if (resolve(NULL, &f, &s) != -1)
		fail_msg("%s=%s was accepted", k, v);
	if (why != cls)
		fail_msg("%s=%s: class %s, want %s (%s)", k, v,
		    checkspec_reject_name(why), checkspec_reject_name(cls), err);
	if (strstr(err, needle) == NULL)
		fail_msg("%s=%s: \"%s\" not in \"%s\"", k, v, needle, err);
	/* A refused check leaves nothing to free or use. */
	assert_int_equal(s.kind, CHECKSPEC_NONE);
	assert_null(s.path);
}

static void
test_status_parse(void **state)
{
	struct checkspec_range	 r[CHECKSPEC_STATUS_MAX];
	size_t			 n;
	char			 e[200];

	(void)state;
	assert_int_equal(checkspec_status_parse("200-399", r, 16, &n, e, sizeof(e)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].lo, 200);
	assert_int_equal(r[0].hi, 399);
	assert_int_equal(checkspec_status_parse(" 200, 204 ,301-302,4xx", r, 16,
	    &n, e, sizeof(e)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(r[0].lo, 200);
	assert_int_equal(r[0].hi, 200);
	assert_int_equal(r[1].lo, 204);
	assert_int_equal(r[2].lo, 301);
	assert_int_equal(r[2].hi, 302);
	assert_int_equal(r[3].lo, 400);
	assert_int_equal(r[3].hi, 499);
	assert_int_equal(checkspec_status_parse("99", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("600", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("300-200", r, 16, &n, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "300-200"));
	assert_int_equal(checkspec_status_parse("200,", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("2000", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("0200", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("20x", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("6xx", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("200-", r, 16, &n, e, sizeof(e)), -1);
	assert_int_equal(checkspec_status_parse("200,201,202", r, 2, &n, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "more than 2"));
}

static void
test_labels_full(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "8080");
	fx_label(&f, "hale.check.path", "/health?full=1");
	fx_label(&f, "hale.check.method", "POST");
	fx_label(&f, "hale.check.host", "web:8080");
	fx_label(&f, "hale.check.expect_status", "200,204");
	fx_label(&f, "hale.check.expect_body", "ok");
	fx_label(&f, "hale.check.interval", "1s");
	fx_label(&f, "hale.check.start_period", "30s");
	fx_label(&f, "hale.check.start_interval", "2s");
	fx_label(&f, "hale.check.rise", "2");
	fx_label(&f, "hale.check.fall", "2");
	fx_label(&f, "hale.check.target", "netns");
	fx_label(&f, "unrelated", "x");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_int_equal(s.kind, CHECKSPEC_HTTP);
	assert_false(s.https);
	assert_int_equal(s.port, 8080);
	assert_string_equal(s.path, "/health?full=1");
	assert_string_equal(s.method, "POST");
	assert_string_equal(s.host, "web:8080");
	assert_int_equal(s.nstatus, 2);
	assert_int_equal(s.status[1].lo, 204);
	assert_true(checkspec_status_match(&s, 204));
	assert_false(checkspec_status_match(&s, 301));
	assert_int_equal(s.interval_ms, 1000);
	assert_int_equal(s.start_period_ms, 30000);
	assert_int_equal(s.start_interval_ms, 2000);
	/* Default timeout: 2s, at most half the shortest interval (1s). */
	assert_int_equal(s.timeout_ms, 500);
	assert_int_equal(s.rise, 2);
	assert_int_equal(s.fall, 2);
	assert_int_equal(s.target, CHECKSPEC_TARGET_NETNS);
	assert_int_equal(s.rule, -1);
	assert_true(s.from_label & (1u << CSF_PORT));
	checkspec_free(&s);
}

static void
test_defaults(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "80");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_string_equal(s.path, "/");
	assert_string_equal(s.method, "GET");
	assert_null(s.host);
	assert_int_equal(s.nstatus, 1);
	assert_int_equal(s.status[0].lo, 200);
	assert_int_equal(s.status[0].hi, 399);
	assert_true(checkspec_status_match(&s, 399));
	assert_false(checkspec_status_match(&s, 400));
	assert_false(checkspec_status_match(&s, 199));
	assert_int_equal(s.interval_ms, 10000);
	assert_int_equal(s.timeout_ms, 2000);
	assert_int_equal(s.start_interval_ms, 10000);
	assert_int_equal(s.start_period_ms, 0);
	assert_int_equal(s.rise, 1);
	assert_int_equal(s.fall, 3);
	assert_int_equal(s.target, CHECKSPEC_TARGET_AUTO);
	assert_true(s.tls_verify);
	checkspec_free(&s);
}

static void
test_https_and_tcp(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "https");
	fx_label(&f, "hale.check.port", "8443");
	fx_label(&f, "hale.check.tls_verify", "false");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_true(s.https);
	assert_false(s.tls_verify);
	assert_string_equal(checkspec_kind_name(&s), "https");
	checkspec_free(&s);

	fx_init(&f, "db", "busybox");
	fx_label(&f, "hale.check", "tcp");
	fx_label(&f, "hale.check.port", "5432");
	fx_label(&f, "hale.check.send", "PING\\r\\n");
	fx_label(&f, "hale.check.expect", "+PONG\\x0d");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_int_equal(s.kind, CHECKSPEC_TCP);
	assert_int_equal(s.send_len, 6);
	assert_memory_equal(s.send, "PING\r\n", 6);
	assert_int_equal(s.expect_len, 6);
	assert_memory_equal(s.expect, "+PONG\r", 6);
	assert_null(s.path);
	checkspec_free(&s);
}

static void
test_no_check(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "com.example", "1");
	fx_label(&f, "hale.checkpoint", "x");	/* not ours */
	assert_int_equal(resolve(NULL, &f, &s), 0);
	fx_label(&f, "hale.check", "none");
	assert_int_equal(resolve(NULL, &f, &s), 0);
}

/* Hostile labels that aim elsewhere: class "target". */
static void
test_reject_target(void **state)
{
	(void)state;
	expect_reject("hale.check.host", "10.0.0.1", CHECKSPEC_REJECT_TARGET,
	    "another address");
	expect_reject("hale.check.host", "evil.example.com",
	    CHECKSPEC_REJECT_TARGET, "another host name");
	expect_reject("hale.check.host", "169.254.169.254:80",
	    CHECKSPEC_REJECT_TARGET, "another address");
	expect_reject("hale.check.host", "0x7f000001", CHECKSPEC_REJECT_TARGET,
	    "another address");
	expect_reject("hale.check.host", "http://10.0.0.1/",
	    CHECKSPEC_REJECT_TARGET, "is a URL");
	expect_reject("hale.check.host", "user@evil", CHECKSPEC_REJECT_TARGET,
	    "is a URL");
	expect_reject("hale.check.path", "http://10.0.0.1:8080/x",
	    CHECKSPEC_REJECT_TARGET, "is a URL");
	expect_reject("hale.check.path", "//evil.example.com/x",
	    CHECKSPEC_REJECT_TARGET, "is a URL");
	expect_reject("hale.check.url", "http://10.0.0.1/",
	    CHECKSPEC_REJECT_TARGET, "hale.check.url: a label cannot aim");
	expect_reject("hale.check.address", "10.0.0.1",
	    CHECKSPEC_REJECT_TARGET, "cannot aim");
	expect_reject("hale.check.target", "10.0.0.1", CHECKSPEC_REJECT_TARGET,
	    "names a place");
	expect_reject("hale.check.port", "10.0.0.1:80", CHECKSPEC_REJECT_TARGET,
	    "own container");
}

/* Values that are merely wrong: class "invalid". */
static void
test_reject_invalid(void **state)
{
	char	 big[2048];

	(void)state;
	expect_reject("hale.check.port", "0", CHECKSPEC_REJECT_INVALID,
	    "hale.check.port: \"0\" is not a port (1-65535)");
	expect_reject("hale.check.port", "65536", CHECKSPEC_REJECT_INVALID,
	    "not a port");
	expect_reject("hale.check.port", "-1", CHECKSPEC_REJECT_INVALID,
	    "not a port");
	expect_reject("hale.check.port", "8080/tcp", CHECKSPEC_REJECT_INVALID,
	    "not a port (1-65535)");
	expect_reject("hale.check.port", "", CHECKSPEC_REJECT_INVALID,
	    "not a port");
	expect_reject("hale.check.interval", "banana", CHECKSPEC_REJECT_INVALID,
	    "hale.check.interval: \"banana\" is not a duration");
	expect_reject("hale.check.interval", "100ms", CHECKSPEC_REJECT_INVALID,
	    "out of range (1s to 24h)");
	expect_reject("hale.check.timeout", "10s", CHECKSPEC_REJECT_INVALID,
	    "hale.check.timeout: 10s must be less than interval (default) 10s");
	expect_reject("hale.check.rise", "0", CHECKSPEC_REJECT_INVALID,
	    "not a count (1-100)");
	expect_reject("hale.check.fall", "1e3", CHECKSPEC_REJECT_INVALID,
	    "not a count");
	expect_reject("hale.check.path", "/a\r\nX-Evil: 1",
	    CHECKSPEC_REJECT_INVALID, "control character");
	expect_reject("hale.check.path", "/a b", CHECKSPEC_REJECT_INVALID,
	    "control character");
	expect_reject("hale.check.path", "health", CHECKSPEC_REJECT_INVALID,
	    "does not start with /");
	expect_reject("hale.check.method", "DELETE", CHECKSPEC_REJECT_INVALID,
	    "not one of GET");
	expect_reject("hale.check.method", "GET\r\n", CHECKSPEC_REJECT_INVALID,
	    "\\x0d\\x0a");
	expect_reject("hale.check.expect_status", "abc",
	    CHECKSPEC_REJECT_INVALID, "not a status code");
	expect_reject("hale.check.expect_body", "~(a", CHECKSPEC_REJECT_INVALID,
	    "not a valid regular expression");
	expect_reject("hale.check.expect_body", "~(a)\\1",
	    CHECKSPEC_REJECT_INVALID, "back-references");
	expect_reject("hale.check.send", "x", CHECKSPEC_REJECT_INVALID,
	    "hale.check.send: only for tcp checks");
	expect_reject("hale.check.intervl", "1s", CHECKSPEC_REJECT_INVALID,
	    "hale.check.intervl: unknown label");
	expect_reject("hale.check.header.X-A", "1", CHECKSPEC_REJECT_INVALID,
	    "only be set in a config rule");
	expect_reject("hale.check.tls_verify", "maybe",
	    CHECKSPEC_REJECT_INVALID, "not true or false");
	expect_reject("hale.check.target", "docker", CHECKSPEC_REJECT_INVALID,
	    "not one of auto");
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	expect_reject("hale.check.path", big, CHECKSPEC_REJECT_INVALID,
	    "longer than 1024 bytes");
	/* A hostile key is quoted and escaped, never printed raw. */
	expect_reject("hale.check.\n=evil", "1", CHECKSPEC_REJECT_INVALID,
	    "\"hale.check.\\x0a=evil\": unknown label");
}

static void
test_reject_missing(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	assert_int_equal(resolve(NULL, &f, &s), -1);
	assert_string_equal(err, "hale.check: http check without a port "
	    "(set hale.check.port)");
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check.port", "80");
	assert_int_equal(resolve(NULL, &f, &s), -1);
	assert_int_equal(why, CHECKSPEC_REJECT_INVALID);
	assert_non_null(strstr(err, "without hale.check"));
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "https");
	fx_label(&f, "hale.check.port", "80");
	fx_label(&f, "hale.check.scheme", "http");
	assert_int_equal(resolve(NULL, &f, &s), -1);
	assert_non_null(strstr(err, "conflicts"));
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "80");
	fx_label(&f, "hale.check.method", "HEAD");
	fx_label(&f, "hale.check.expect_body", "ok");
	assert_int_equal(resolve(NULL, &f, &s), -1);
	assert_string_equal(err, "hale.check.expect_body: a HEAD request has "
	    "no body to match");
}

/* The Host header may name the container itself, nothing else. */
static void
test_host_self(void **state)
{
	static const char *const ok[] = { "localhost", "127.0.0.1:8080",
	    "[::1]", "WEB", "10.1.2.3", "web:80" };
	struct fixture		 f;
	struct checkspec	 s;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		fx_init(&f, "web", "busybox");
		fx_label(&f, "hale.check", "http");
		fx_label(&f, "hale.check.port", "80");
		fx_label(&f, "hale.check.host", ok[i]);
		if (resolve(NULL, &f, &s) != 1)
			fail_msg("host %s refused: %s", ok[i], err);
		assert_string_equal(s.host, ok[i]);
		checkspec_free(&s);
	}
	expect_reject("hale.check.host", "10.1.2.4", CHECKSPEC_REJECT_TARGET,
	    "another address");
}

static char	 bm_err[CHECKSPEC_ERR_MAX];
#define BM(s, b, n)	checkspec_body_match(s, b, n, bm_err, sizeof(bm_err))

static void
test_body_match(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;
	static const char	 body[] = "status: OK\0 trailing ready";

	(void)state;
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "80");
	fx_label(&f, "hale.check.expect_body", "ready");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_false(s.body_regex);
	/* Substrings are found past a NUL byte: the length bounds the body. */
	assert_int_equal(BM(&s, body, sizeof(body) - 1), 1);
	assert_int_equal(BM(&s, body, 10), 0);
	checkspec_free(&s);

	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "80");
	fx_label(&f, "hale.check.expect_body", "~^status: (OK|WARN)$");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_true(s.body_regex);
	assert_string_equal(s.body, "^status: (OK|WARN)$");
	assert_int_equal(BM(&s, "status: WARN", 12), 1);
	assert_int_equal(BM(&s, "status: WARN!", 13), 0);
	/* The length bounds the match: "status: OK" then more. */
	assert_int_equal(BM(&s, "status: OKAY", 10), 1);
	assert_int_equal(BM(&s, "status: FAIL", 12), 0);
	checkspec_free(&s);

	/* Bounded repetitions an operator writes still compile. */
	fx_init(&f, "web", "busybox");
	fx_label(&f, "hale.check", "http");
	fx_label(&f, "hale.check.port", "80");
	fx_label(&f, "hale.check.expect_body", "~^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	assert_int_equal(BM(&s, "10.0.0.1", 8), 1);
	checkspec_free(&s);
}

static struct checkspec_rules *
rules_of(const char *json, char *errs, size_t errslen)
{
	struct checkspec_rules	*r = NULL;
	struct buf		 e;
	cJSON			*j;
	int			 n;

	buf_init(&e);
	j = cJSON_Parse(json);
	assert_non_null(j);
	n = checkspec_rules_from_json(j, "checks", &r, &e);
	cJSON_Delete(j);
	snprintf(errs, errslen, "%s", e.data != NULL ? e.data : "");
	buf_free(&e);
	if (n == 0)
		assert_true(errs[0] == '\0');
	else
		assert_null(r);
	return r;
}

/*
 * Every key given twice, in a rule and in its match: the last one
 * counts and nothing leaks (the unit suite runs under valgrind).
 */
static void
test_rules_repeated_keys(void **state)
{
	struct checkspec_rules	*r;
	struct fixture		 f;
	struct checkspec	 s;
	char			 errs[1024];

	(void)state;
	r = rules_of("[{\"match\":{\"name\":\"x\",\"name\":\"web*\","
	    "\"image\":\"a\",\"image\":\"busy*\",\"label\":\"k=v\",\"label\":\"t\"},"
	    "\"match\":{\"name\":\"w*\",\"name\":\"web\"},"
	    "\"check\":\"tcp\",\"check\":\"http\",\"port\":1,\"port\":80,"
	    "\"path\":\"/a\",\"path\":\"/b\",\"method\":\"HEAD\",\"method\":\"GET\","
	    "\"host\":\"a.example\",\"host\":\"b.example\","
	    "\"headers\":{\"X-A\":\"1\"},\"headers\":{\"X-B\":\"2\",\"X-B\":\"3\"},"
	    "\"expect_status\":[200],\"expect_status\":\"204\","
	    "\"expect_body\":\"~a+\",\"expect_body\":\"~^ok$\","
	    "\"interval\":\"5s\",\"interval\":\"6s\",\"timeout\":\"1s\",\"timeout\":\"2s\","
	    "\"rise\":1,\"rise\":2,\"fall\":1,\"fall\":2,\"target\":\"ip\",\"target\":\"host\","
	    "\"tls_verify\":true,\"tls_verify\":false},"
	    "{\"match\":{},\"check\":\"tcp\",\"port\":5,\"send\":\"a\",\"send\":\"b\","
	    "\"expect\":\"c\",\"expect\":\"d\"}]", errs, sizeof(errs));
	assert_non_null(r);
	assert_int_equal(r->n, 2);
	fx_init(&f, "web", "busybox");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.port, 80);
	assert_string_equal(s.path, "/b");
	assert_string_equal(s.host, "b.example");
	/* The last headers object; a header repeated in it is sent twice. */
	assert_int_equal(s.nheaders, 2);
	assert_string_equal(s.headers[0], "X-B: 2");
	assert_string_equal(s.body, "^ok$");
	assert_int_equal(BM(&s, "ok", 2), 1);
	checkspec_free(&s);
	fx_init(&f, "webx", "busybox");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.kind, CHECKSPEC_TCP);
	assert_int_equal(s.send_len, 1);
	assert_memory_equal(s.send, "b", 1);
	checkspec_free(&s);
	checkspec_rules_free(r);
}

static void
test_rules_precedence(void **state)
{
	struct checkspec_rules	*r;
	struct fixture		 f;
	struct checkspec	 s;
	char			 errs[1024];

	(void)state;
	r = rules_of("[{\"match\":{\"name\":\"db-*\"},\"check\":\"tcp\",\"port\":5432},"
	    "{\"match\":{\"image\":\"nginx:*\",\"label\":\"tier=front*\"},"
	    "\"check\":\"http\",\"port\":80,\"path\":\"/healthz\","
	    "\"headers\":{\"X-Probe\":\"hale\"},\"host\":\"www.example.com\","
	    "\"expect_status\":[200,\"300-302\"],\"interval\":\"5s\",\"fall\":4},"
	    "{\"match\":{},\"interval\":\"30s\"}]", errs, sizeof(errs));
	assert_non_null(r);
	assert_int_equal(r->n, 3);

	/* Name glob. */
	fx_init(&f, "db-1", "postgres:16");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.kind, CHECKSPEC_TCP);
	assert_int_equal(s.port, 5432);
	assert_int_equal(s.rule, 0);
	assert_int_equal(s.interval_ms, 10000);	/* first match only */
	checkspec_free(&s);

	/* Image glob and label glob, both required. */
	fx_init(&f, "web", "nginx:1.25");
	/* No tier label: only the catch-all matches, and it has no check. */
	assert_int_equal(resolve(r, &f, &s), 0);
	assert_int_equal(s.kind, CHECKSPEC_NONE);
	fx_label(&f, "tier", "frontend");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.rule, 1);
	assert_string_equal(s.path, "/healthz");
	assert_string_equal(s.host, "www.example.com");	/* config: any name */
	assert_int_equal(s.nheaders, 1);
	assert_string_equal(s.headers[0], "X-Probe: hale");
	assert_int_equal(s.nstatus, 2);
	assert_int_equal(s.status[1].lo, 300);
	assert_int_equal(s.status[1].hi, 302);
	assert_int_equal(s.interval_ms, 5000);
	assert_int_equal(s.fall, 4);
	checkspec_free(&s);

	/* Labels win field by field; the rest of the rule stays. */
	fx_label(&f, "hale.check.path", "/ready");
	fx_label(&f, "hale.check.fall", "2");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_string_equal(s.path, "/ready");
	assert_int_equal(s.fall, 2);
	assert_int_equal(s.interval_ms, 5000);
	assert_int_equal(s.nheaders, 1);
	assert_true(s.from_label & (1u << CSF_PATH));
	assert_false(s.from_label & (1u << CSF_INTERVAL));
	checkspec_free(&s);

	/* hale.check=none switches a rule's check off. */
	fx_label(&f, "hale.check", "none");
	assert_int_equal(resolve(r, &f, &s), 0);

	/* A defaults-only rule plus labels gives a check with its interval. */
	fx_init(&f, "other", "busybox");
	fx_label(&f, "hale.check", "tcp");
	fx_label(&f, "hale.check.port", "9000");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.interval_ms, 30000);
	assert_int_equal(s.timeout_ms, 2000);
	checkspec_free(&s);

	/* A label error names the label even when a rule matched. */
	fx_init(&f, "db-2", "postgres");
	fx_label(&f, "hale.check.interval", "1s");
	fx_label(&f, "hale.check.timeout", "1s");
	assert_int_equal(resolve(r, &f, &s), -1);
	assert_string_equal(err, "hale.check.timeout: 1s must be less than "
	    "hale.check.interval 1s");
	checkspec_rules_free(r);
}

/* As for remediation: an empty match is a rule for every container. */
static void
test_rules_empty_match(void **state)
{
	struct checkspec_rules	*r;
	struct fixture		 f;
	struct checkspec	 s;
	char			 errs[256];

	(void)state;
	r = rules_of("[{\"match\":{},\"check\":\"tcp\",\"port\":7}]", errs,
	    sizeof(errs));
	assert_non_null(r);
	fx_init(&f, "anything", "any/image:tag");
	fx_label(&f, "tier", "front");
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.rule, 0);
	assert_int_equal(s.port, 7);
	checkspec_free(&s);
	fx_init(&f, NULL, NULL);
	assert_int_equal(resolve(r, &f, &s), 1);
	assert_int_equal(s.rule, 0);
	checkspec_free(&s);
	checkspec_rules_free(r);
	/* The matcher's own errors, with the rule's path. */
	assert_null(rules_of("[{\"match\":[]}]", errs, sizeof(errs)));
	assert_string_equal(errs, "checks[0].match: must be an object with name, "
	    "image or label\n");
	assert_null(rules_of("[{\"match\":{\"label\":\"=v\"}}]", errs,
	    sizeof(errs)));
	assert_string_equal(errs, "checks[0].match.label: \"=value\" needs a "
	    "label key\n");
}

static void
test_rules_errors(void **state)
{
	char	 errs[2048];

	(void)state;
	assert_null(rules_of("[{\"match\":{\"name\":\"x\"},\"check\":\"http\","
	    "\"port\":80,\"interval\":\"10x\"}]", errs, sizeof(errs)));
	assert_string_equal(errs, "checks[0].interval: \"10x\" is not a "
	    "duration (like 10s, 500ms, 1m)\n");
	assert_null(rules_of("[{\"match\":{}},{\"check\":\"tcp\",\"port\":0,"
	    "\"bogus\":1,\"path\":\"/x\"}]", errs, sizeof(errs)));
	assert_string_equal(errs,
	    "checks[1].port: \"0\" is not a port (1-65535)\n"
	    "checks[1].bogus: unknown key\n"
	    "checks[1]: needs \"match\" (an empty object matches every container)\n"
	    "checks[1].path: only for http checks\n");
	assert_null(rules_of("[{\"match\":{\"name\":\"\",\"pod\":\"x\"},"
	    "\"headers\":{\"Host\":\"x\",\"X-A\":\"a\\r\\nb\",\"bad name\":\"v\"},"
	    "\"timeout\":\"5s\",\"interval\":\"5s\"}]", errs, sizeof(errs)));
	assert_string_equal(errs,
	    "checks[0].match.name: must be a pattern of 1 to 255 characters\n"
	    "checks[0].match.pod: unknown key (name, image, label)\n"
	    "checks[0].headers.Host: is set by hale (use the host key for Host)\n"
	    "checks[0].headers.X-A: holds a control character\n"
	    "checks[0].headers.bad name: is not a header name\n"
	    "checks[0].timeout: 5s must be less than checks[0].interval 5s\n");
	assert_null(rules_of("{\"match\":{}}", errs, sizeof(errs)));
	assert_string_equal(errs, "checks: must be an array of rules\n");
	assert_null(rules_of("[]", errs, sizeof(errs)));
	assert_string_equal(errs, "");
}

static void
test_to_json(void **state)
{
	struct fixture		 f;
	struct checkspec	 s;
	cJSON			*o;
	char			*txt;

	(void)state;
	fx_init(&f, "db", "busybox");
	fx_label(&f, "hale.check", "tcp");
	fx_label(&f, "hale.check.port", "6379");
	fx_label(&f, "hale.check.send", "PING\\r\\n");
	assert_int_equal(resolve(NULL, &f, &s), 1);
	o = cJSON_CreateObject();
	checkspec_to_json(&s, o);
	txt = cJSON_PrintUnformatted(o);
	assert_string_equal(txt, "{\"check\":\"tcp\",\"port\":6379,"
	    "\"target\":\"auto\",\"send\":\"PING\\\\r\\\\n\","
	    "\"interval_seconds\":10,\"timeout_seconds\":2,"
	    "\"start_period_seconds\":0,\"start_interval_seconds\":10,"
	    "\"rise\":1,\"fall\":3,\"rule\":null,\"labels\":true}");
	free(txt);
	cJSON_Delete(o);
	checkspec_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_labels_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_https_and_tcp),
		cmocka_unit_test(test_no_check),
		cmocka_unit_test(test_reject_target),
		cmocka_unit_test(test_reject_invalid),
		cmocka_unit_test(test_reject_missing),
		cmocka_unit_test(test_host_self),
		cmocka_unit_test(test_body_match),
		cmocka_unit_test(test_rules_precedence),
		cmocka_unit_test(test_rules_repeated_keys),
		cmocka_unit_test(test_rules_empty_match),
		cmocka_unit_test(test_rules_errors),
		cmocka_unit_test(test_to_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
