/*
 * checkspec_regex: hostile expect_body patterns are refused or bounded,
 * and the patterns users wrote for POSIX EREs mean what they meant.
 * Only outcomes are asserted (refused, matched, gave up), never times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "check/checkspec.h"
#include "check/checkspec_regex.h"

#define BODY	(64 * 1024)	/* the most a probe reads */

/* -1, 0 or 1 as checkspec_regex_match; -2 if the pattern is refused. */
static int
run(const char *pat, const char *body, size_t len, char *err, size_t errlen)
{
	struct checkspec_re	*re;
	int			 rc;

	if (checkspec_regex_compile(pat, &re, err, errlen) == -1)
		return -2;
	rc = checkspec_regex_match(re, body, len, err, errlen);
	checkspec_regex_free(re);
	return rc;
}

static void
refused(const char *pat, const char *why)
{
	struct checkspec_re	*re = (struct checkspec_re *)1;
	char			 err[200];

	assert_int_equal(checkspec_regex_compile(pat, &re, err, sizeof(err)), -1);
	assert_null(re);
	if (strstr(err, why) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", pat, err, why);
}

static void
test_refused(void **state)
{
	char	 big[CHECKSPEC_PATTERN_MAX + 2], deep[2 * RE_NEST_MAX + 8];
	size_t	 i;

	(void)state;
	/* The nested counted repetition that cost glibc gigabytes. */
	refused("(((a{99}){99}){99}){99}", "too large");
	refused("(?:(?:(?:a{65535}){65535}){65535})", "too large");
	for (i = 0; i <= RE_NEST_MAX; i++)
		deep[i] = '(';
	deep[i++] = 'a';
	memset(deep + i, ')', RE_NEST_MAX + 1);
	deep[i + RE_NEST_MAX + 1] = '\0';
	refused(deep, "too deeply nested");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused(big, "1 to 256 bytes");
	refused("", "1 to 256 bytes");
	refused("(a)\\1", "back-references");
	refused("(?<n>a)\\k<n>", "back-references");
	refused("(?<n>a)(?P=n)", "back-references");
	refused("(*UTF)a", "UTF is disabled");
	refused("a\\Cb", "\\C is disabled");
	refused("(a", "missing closing parenthesis");
	refused("[[.a.]]", "not supported");
}

static void
test_bounded(void **state)
{
	static const char *const hostile[] = {
		"(a+)+$", "(a|a)*$", "(a|aa)+$", "(.*a){12}$", "(\\w+\\s?)*$",
		"(*NO_JIT)(a+)+$", "(*NO_JIT)(a|aa)+$", "(*NO_JIT)(.*a){12}$",
		"(*NO_JIT)((((((((((a*)*)*)*)*)*)*)*)*)*)*$",
	};
	char	*body, err[200];
	size_t	 i;

	(void)state;
	assert_non_null(body = malloc(BODY));
	memset(body, 'a', BODY);
	body[BODY - 1] = '!';
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		err[0] = '\0';
		if (run(hostile[i], body, BODY, err, sizeof(err)) != -1)
			fail_msg("%s did not reach a limit", hostile[i]);
		if (strstr(err, "regex gave up") == NULL)
			fail_msg("%s: \"%s\"", hostile[i], err);
	}
	/* The same body still answers patterns that are merely big. */
	assert_int_equal(run("a!$", body, BODY, err, sizeof(err)), 1);
	assert_int_equal(run("^a+!$", body, BODY, err, sizeof(err)), 1);
	assert_int_equal(run("b", body, BODY, err, sizeof(err)), 0);
	assert_int_equal(run("(a|b)+c", body, BODY, err, sizeof(err)), 0);
	free(body);
}

static void
test_posix_meanings(void **state)
{
	static const char	 nul[] = "status\0 ok";
	char			 err[200];

	(void)state;
	/* `.` takes a newline, `$` is the very end only, ^ the very start. */
	assert_int_equal(run("a.b", "a\nb", 3, err, sizeof(err)), 1);
	assert_int_equal(run("ok$", "ok\n", 3, err, sizeof(err)), 0);
	assert_int_equal(run("ok$", "ok", 2, err, sizeof(err)), 1);
	assert_int_equal(run("^ok", "x\nok", 4, err, sizeof(err)), 0);
	/* ERE syntax: classes, intervals, alternation, anchors. */
	assert_int_equal(run("^[[:digit:]]{3}-[[:alpha:]]+$", "123-abc", 7,
	    err, sizeof(err)), 1);
	assert_int_equal(run("\"status\": *\"(up|ok)\"", "{\"status\": \"ok\"}",
	    16, err, sizeof(err)), 1);
	assert_int_equal(run("a{2,3}", "a_a", 3, err, sizeof(err)), 0);
	/* The length bounds the body, NULs included. */
	assert_int_equal(run("ok$", nul, sizeof(nul) - 1, err, sizeof(err)), 1);
	assert_int_equal(run("ok", nul, 6, err, sizeof(err)), 0);
	/* Bytes, not UTF-8: an invalid sequence is just bytes. */
	assert_int_equal(run("\\xff.", "\xff\xfe", 2, err, sizeof(err)), 1);
	assert_int_equal(run("x", NULL, 0, err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_posix_meanings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
