#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/duration.h"

static uint64_t
ok(const char *s)
{
	uint64_t	 ms = 12345;

	assert_int_equal(duration_parse(s, &ms), 0);
	return ms;
}

static void
test_units(void **state)
{
	(void)state;
	assert_int_equal(ok("0"), 0);
	assert_int_equal(ok("0s"), 0);
	assert_int_equal(ok("250ms"), 250);
	assert_int_equal(ok("10s"), 10000);
	assert_int_equal(ok("5m"), 300000);
	assert_int_equal(ok("2h"), 7200000);
	assert_int_equal(ok("1d"), 86400000);
	assert_int_equal(ok("1m30s"), 90000);
	assert_int_equal(ok("1h2m3s4ms"), 3723004);
}

static void
test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "10", "10x", "s", "-5s", "1.5s", " 10s", "10s ", "10 s",
		"5mss", "99999999999999999999s", "4000d", "1m-1s",
	};
	uint64_t	 ms = 777;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(duration_parse(bad[i], &ms), -1);
		assert_int_equal(ms, 777);	/* untouched on error */
	}
	assert_int_equal(duration_parse(NULL, &ms), -1);
}

static void
test_format(void **state)
{
	char	 b[32];

	(void)state;
	duration_format(0, b, sizeof(b));
	assert_string_equal(b, "0s");
	duration_format(90000, b, sizeof(b));
	assert_string_equal(b, "1m30s");
	duration_format(3723004, b, sizeof(b));
	assert_string_equal(b, "1h2m3s4ms");
	duration_format(25 * 3600 * 1000ULL, b, sizeof(b));
	assert_string_equal(b, "25h");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
