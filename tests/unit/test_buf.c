#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void
test_append_and_printf(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "abc");
	buf_printf(&b, "-%d-%s", 42, "x");
	buf_putc(&b, '!');
	assert_string_equal(b.data, "abc-42-x!");
	assert_int_equal(b.len, 9);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

static void
test_integers(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	buf_put_u64(&b, 0);
	buf_putc(&b, ' ');
	buf_put_u64(&b, UINT64_MAX);
	buf_putc(&b, ' ');
	buf_put_i64(&b, INT64_MIN);
	buf_putc(&b, ' ');
	buf_put_i64(&b, -7);
	assert_string_equal(b.data,
	    "0 18446744073709551615 -9223372036854775808 -7");
	buf_free(&b);
}

static void
test_growth_keeps_content(void **state)
{
	struct buf	 b;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 10000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	assert_int_equal(b.data[10000], '\0');
	assert_false(b.oom);
	buf_free(&b);
}

static void
test_overflow_sets_oom(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "x");
	assert_int_equal(buf_reserve(&b, SIZE_MAX - 1), -1);
	assert_true(b.oom);
	buf_puts(&b, "more");		/* a no-op once oom is set */
	assert_int_equal(b.len, 1);
	buf_free(&b);
}

static void
test_steal(void **state)
{
	struct buf	 b;
	size_t		 len;
	char		*p;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "hello");
	p = buf_steal(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_printf),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_overflow_sets_oom),
		cmocka_unit_test(test_steal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
