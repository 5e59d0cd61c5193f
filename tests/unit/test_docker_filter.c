/* docker_filter: the engine-side filters query argument. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "docker/docker_filter.h"

/* Percent-decodes q in place, so the tests compare readable JSON. */
static char *
decode(char *q)
{
	char	*r = q, *w = q;
	unsigned v;

	while (*r != '\0') {
		if (*r == '%') {
			assert_int_equal(sscanf(r + 1, "%2x", &v), 1);
			*w++ = (char)v;
			r += 3;
		} else {
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789-._~", *r));
			*w++ = *r++;
		}
	}
	*w = '\0';
	return q;
}

static void
test_type_only(void **state)
{
	char	 q[DOCKER_FILTER_MAX];

	(void)state;
	assert_int_equal(docker_filter_query("container", NULL, 0, q, sizeof(q)), 0);
	/* What the events request always sent. */
	assert_string_equal(q, "%7B%22type%22%3A%5B%22container%22%5D%7D");
	assert_int_equal(docker_filter_query(NULL, NULL, 0, q, sizeof(q)), 0);
	assert_string_equal(q, "");
}

static void
test_labels(void **state)
{
	const char *const	 l[] = { "com.docker.compose.project=shop", "tier" };
	char			 q[DOCKER_FILTER_MAX];

	(void)state;
	assert_int_equal(docker_filter_query("container", l, 2, q, sizeof(q)), 0);
	assert_string_equal(decode(q), "{\"type\":[\"container\"],\"label\":"
	    "[\"com.docker.compose.project=shop\",\"tier\"]}");
	assert_int_equal(docker_filter_query(NULL, l, 1, q, sizeof(q)), 0);
	assert_string_equal(decode(q),
	    "{\"label\":[\"com.docker.compose.project=shop\"]}");
}

static void
test_hostile_values(void **state)
{
	/* Quotes, backslashes, &, #, spaces, UTF-8: escaped, never structure. */
	const char *const	 l[] = { "a=\"],\"x\":[\"", "b=c&all=0#f g\\h", "é=ü" };
	char			 q[DOCKER_FILTER_MAX];

	(void)state;
	assert_int_equal(docker_filter_query(NULL, l, 3, q, sizeof(q)), 0);
	assert_null(strpbrk(q, "&#\" \\"));
	assert_string_equal(decode(q), "{\"label\":[\"a=\\\"],\\\"x\\\":[\\\"\","
	    "\"b=c&all=0#f g\\\\h\",\"é=ü\"]}");
}

static void
test_too_long(void **state)
{
	const char *const	 l[] = { "com.docker.compose.project=shop" };
	char			 q[40];

	(void)state;
	assert_int_equal(docker_filter_query("container", l, 1, q, sizeof(q)), -1);
	assert_string_equal(q, "");
	assert_int_equal(docker_filter_query(NULL, NULL, 0, q, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_only),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
