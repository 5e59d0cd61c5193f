/* fdlimit: RLIMIT_NOFILE raised to the hard limit, and the budget under it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/resource.h>

#include "daemon/fdlimit.h"

static void
test_raise(void **state)
{
	struct rlimit	rl;
	char		err[128];
	uint64_t	soft;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max > 512 ? 512 : rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	soft = fdlimit_raise(err, sizeof(err));
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_true(rl.rlim_cur == rl.rlim_max);
	assert_true(soft == (rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
	    (uint64_t)rl.rlim_cur));
}

static void
test_budget(void **state)
{
	int	clamped;

	(void)state;
	/* auto: what the reserve and the connections leave */
	assert_int_equal(fdlimit_budget(65536, -1, 100, &clamped),
	    65536 - FDLIMIT_RESERVE - 100);
	assert_false(clamped);
	assert_int_equal(fdlimit_budget(300, -1, 100, &clamped), 0);
	assert_false(clamped);
	/* configured: as given when it fits, else lowered and said */
	assert_int_equal(fdlimit_budget(65536, 1000, 100, &clamped), 1000);
	assert_false(clamped);
	assert_int_equal(fdlimit_budget(1024, 5000, 100, &clamped),
	    1024 - FDLIMIT_RESERVE - 100);
	assert_true(clamped);
	assert_int_equal(fdlimit_budget(1024, 0, 100, &clamped), 0);
	assert_false(clamped);
	/* unknown limit (0): nothing kept */
	assert_int_equal(fdlimit_budget(0, -1, 100, &clamped), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raise),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
