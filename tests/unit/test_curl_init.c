#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/curlev.h"

/*
 * Resident KiB of this process's mappings of libcrypto, or -1 if none is
 * mapped (libcurl built without an OpenSSL-based libssh2).
 */
static long
crypto_rss_kib(void)
{
	FILE	*f;
	char	 line[1024];
	long	 sum = -1, v;
	int	 in = 0;

	assert_non_null(f = fopen("/proc/self/smaps", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, " kB\n") == NULL &&
		    strncmp(line, "VmFlags:", 8) != 0) {
			in = strstr(line, "/libcrypto.so") != NULL;
			if (in && sum < 0)
				sum = 0;
		} else if (in && sscanf(line, "Rss: %ld kB", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

/*
 * curl_global_init() alone grows libcrypto's resident pages by ~1.4 MiB
 * (OpenSSL initialised by libssh2_init(0)); curlev_global_init() must
 * leave them where loading left them. The bound is a quarter of that
 * growth, far above page-level noise.
 */
static void
test_no_openssl_init(void **state)
{
	long	 before, after;

	(void)state;
	if ((before = crypto_rss_kib()) < 0)
		skip();
	assert_int_equal(curlev_global_init(), CURLE_OK);
	after = crypto_rss_kib();
	curl_global_cleanup();
	print_message("libcrypto resident: %ld KiB before, %ld after\n",
	    before, after);
	assert_true(after - before < 360);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_openssl_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
