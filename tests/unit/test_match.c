/*
 * The rule matcher that checks and remediation share: its syntax (every
 * error with its JSON path) and its meaning (globs, labels, the empty
 * match).
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

#include "core/buf.h"
#include "core/confjson.h"
#include "core/match.h"

/* Labels as "key", "value" pairs; a NULL value is a label without one. */
struct pairs {
	const char *const	*kv;
	size_t			 n;
};

static const char *
label_of(const void *arg, const char *key)
{
	const struct pairs	*p = arg;
	size_t			 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->kv[2 * i], key) == 0)
			return p->kv[2 * i + 1] != NULL ? p->kv[2 * i + 1] : "";
	return NULL;
}

/* Parses `json` at "m"; the problems go to errs ("" if none). */
static int
parse(struct match *m, const char *json, char *errs, size_t errlen)
{
	struct buf	 b;
	struct confjson	 j;
	cJSON		*v = cJSON_Parse(json);
	int		 rc;

	assert_non_null(v);
	buf_init(&b);
	j.errors = &b;
	j.n = 0;
	rc = match_from_json(m, v, "m", &j);
	snprintf(errs, errlen, "%s", b.data != NULL ? b.data : "");
	assert_int_equal(rc == 0, j.n == 0);
	buf_free(&b);
	cJSON_Delete(v);
	return rc;
}

static int
fits(const char *json, const char *name, const char *image,
    const char *const *kv, size_t npairs)
{
	struct pairs	 p = { kv, npairs };
	struct match	 m;
	char		 errs[256];
	int		 rc;

	assert_int_equal(parse(&m, json, errs, sizeof(errs)), 0);
	rc = match_test(&m, name, image, label_of, &p);
	match_free(&m);
	return rc;
}

static void
test_empty_matches_all(void **state)
{
	static const char *const kv[] = { "tier", "front" };
	struct match		 zero;

	(void)state;
	assert_true(fits("{}", "web", "nginx:1", kv, 1));
	assert_true(fits("{}", NULL, NULL, NULL, 0));
	assert_true(fits("{}", "", "", NULL, 0));
	memset(&zero, 0, sizeof(zero));
	assert_true(match_test(&zero, "x", "y", NULL, NULL));
}

static void
test_globs(void **state)
{
	(void)state;
	assert_true(fits("{\"name\":\"web-*\"}", "web-1", "x", NULL, 0));
	assert_false(fits("{\"name\":\"web-*\"}", "db-1", "x", NULL, 0));
	assert_false(fits("{\"name\":\"web-*\"}", NULL, "x", NULL, 0));
	assert_true(fits("{\"name\":\"web-?\"}", "web-2", "x", NULL, 0));
	assert_false(fits("{\"name\":\"web-?\"}", "web-22", "x", NULL, 0));
	assert_true(fits("{\"name\":\"[dw]*\"}", "db", "x", NULL, 0));
	assert_true(fits("{\"name\":\"a\\\\*\"}", "a*", "x", NULL, 0));
	assert_false(fits("{\"name\":\"a\\\\*\"}", "ab", "x", NULL, 0));
	/* Without flags, * crosses a slash: registry/name:tag images. */
	assert_true(fits("{\"image\":\"*/nginx:*\"}", "w", "reg.example/nginx:1", NULL, 0));
	assert_true(fits("{\"image\":\"*\"}", "w", "a/b/c", NULL, 0));
	assert_false(fits("{\"image\":\"nginx:*\"}", "w", "redis:7", NULL, 0));
	/* Every key given must fit. */
	assert_true(fits("{\"name\":\"w*\",\"image\":\"n*\"}", "web", "nginx", NULL, 0));
	assert_false(fits("{\"name\":\"w*\",\"image\":\"n*\"}", "web", "redis", NULL, 0));
}

static void
test_labels(void **state)
{
	static const char *const kv[] = { "tier", "front-1", "bare", NULL,
	    "a=b", "c" };

	(void)state;
	assert_true(fits("{\"label\":\"tier\"}", "w", "i", kv, 3));
	assert_false(fits("{\"label\":\"zone\"}", "w", "i", kv, 3));
	assert_false(fits("{\"label\":\"tier\"}", "w", "i", NULL, 0));
	assert_true(fits("{\"label\":\"tier=front*\"}", "w", "i", kv, 3));
	assert_false(fits("{\"label\":\"tier=back*\"}", "w", "i", kv, 3));
	/* The key is exact, not a glob. */
	assert_false(fits("{\"label\":\"ti*\"}", "w", "i", kv, 3));
	/* A label without a value is "". */
	assert_true(fits("{\"label\":\"bare\"}", "w", "i", kv, 3));
	assert_true(fits("{\"label\":\"bare=\"}", "w", "i", kv, 3));
	assert_false(fits("{\"label\":\"tier=\"}", "w", "i", kv, 3));
	/* The first '=' splits: the key holds none. */
	assert_false(fits("{\"label\":\"a=b=c\"}", "w", "i", kv, 3));
	/* No way to look labels up: no label fits. */
	{
		struct match	 m;
		char		 errs[64];

		assert_int_equal(parse(&m, "{\"label\":\"tier\"}", errs,
		    sizeof(errs)), 0);
		assert_false(match_test(&m, "w", "i", NULL, NULL));
		match_free(&m);
	}
}

static void
error_is(const char *json, const char *want)
{
	struct match	 m;
	char		 errs[512];

	assert_int_equal(parse(&m, json, errs, sizeof(errs)), -1);
	assert_string_equal(errs, want);
	/* Nothing is left behind on failure. */
	assert_null(m.name);
	assert_null(m.image);
	assert_null(m.label_key);
	assert_null(m.label_value);
}

static void
test_errors(void **state)
{
	char	 long_name[400];

	(void)state;
	error_is("[]", "m: must be an object with name, image or label\n");
	error_is("\"web\"", "m: must be an object with name, image or label\n");
	error_is("{\"name\":\"\"}",
	    "m.name: must be a pattern of 1 to 255 characters\n");
	error_is("{\"image\":7}",
	    "m.image: must be a pattern of 1 to 255 characters\n");
	error_is("{\"label\":\"=x\"}", "m.label: \"=value\" needs a label key\n");
	error_is("{\"pod\":\"x\",\"name\":\"ok\"}",
	    "m.pod: unknown key (name, image, label)\n");
	/* Every problem, in order. */
	error_is("{\"name\":null,\"nmae\":\"x\",\"label\":\"\"}",
	    "m.name: must be a pattern of 1 to 255 characters\n"
	    "m.nmae: unknown key (name, image, label)\n"
	    "m.label: must be a pattern of 1 to 255 characters\n");
	/* The limit: 255 bytes pass, 256 do not, for a label's whole "k=v". */
	snprintf(long_name, sizeof(long_name), "{\"name\":\"%0255d\"}", 0);
	assert_true(fits(long_name, "x", "i", NULL, 0) == 0);
	snprintf(long_name, sizeof(long_name), "{\"name\":\"%0256d\"}", 0);
	error_is(long_name, "m.name: must be a pattern of 1 to 255 characters\n");
	snprintf(long_name, sizeof(long_name), "{\"label\":\"k=%0254d\"}", 0);
	error_is(long_name, "m.label: must be a pattern of 1 to 255 characters\n");
	/* A hostile key is cut in the path. */
	snprintf(long_name, sizeof(long_name), "{\"%0100d\":1}", 0);
	{
		struct match	 m;
		char		 errs[512];

		assert_int_equal(parse(&m, long_name, errs, sizeof(errs)), -1);
		assert_int_equal(strlen(errs), strlen("m.") + 64 +
		    strlen(": unknown key (name, image, label)\n"));
	}
}

/* A key given twice: the last one counts, and nothing leaks. */
static void
test_repeated_key(void **state)
{
	(void)state;
	assert_true(fits("{\"name\":\"a*\",\"name\":\"b*\"}", "bee", "i", NULL, 0));
	assert_false(fits("{\"name\":\"a*\",\"name\":\"b*\"}", "ant", "i", NULL, 0));
	assert_true(fits("{\"label\":\"k=v\",\"label\":\"k\"}", "w", "i",
	    (const char *const[]){ "k", "other" }, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_matches_all),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_repeated_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
