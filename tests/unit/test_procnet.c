/* /proc/<pid>/net/dev parser: cAdvisor's field mapping and filtering. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cgroup/procnet.h"

#define HDR \
	"Inter-|   Receive                                                |  Transmit\n" \
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"

static char	err[256];

static void
test_fields(void **state)
{
	struct procnet_iface	ifc[4];
	size_t			n = 99;
	/* Fields 5-8 (fifo frame compressed multicast) and 13-16 are not ours. */
	static const char	buf[] = HDR
	    "    lo: 9999999    9999    0    0    0     0          0         0  9999999    9999    0    0    0     0       0          0\n"
	    "  eth0: 123456789 98765 1 2 70 71 72 73 987654321 56789 3 4 80 81 82 83\n"
	    "  eth1:2718281 828 21 23 0 0 0 0 1732050 807 29 31 0 0 0 0";

	(void)state;
	assert_int_equal(procnet_parse(buf, sizeof(buf) - 1, ifc, 4, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ifc[0].name, "eth0");
	assert_int_equal(ifc[0].rx_bytes, 123456789);
	assert_int_equal(ifc[0].rx_packets, 98765);
	assert_int_equal(ifc[0].rx_errors, 1);
	assert_int_equal(ifc[0].rx_dropped, 2);
	assert_int_equal(ifc[0].tx_bytes, 987654321);
	assert_int_equal(ifc[0].tx_packets, 56789);
	assert_int_equal(ifc[0].tx_errors, 3);
	assert_int_equal(ifc[0].tx_dropped, 4);
	/* No blank after the colon, no trailing newline. */
	assert_string_equal(ifc[1].name, "eth1");
	assert_int_equal(ifc[1].rx_bytes, 2718281);
	assert_int_equal(ifc[1].tx_dropped, 31);
}

static void
test_ignored(void **state)
{
	struct procnet_iface	ifc[8];
	size_t			n;
	static const char	buf[] = HDR
	    "lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "LOOP9: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "veth1a2b3c: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "docker0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "Docker_gwbridge: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "nerdctl0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
	    "ens3: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0\n"
	    "ve0: 7 1 0 0 0 0 0 0 8 1 0 0 0 0 0 0\n"
	    "bond0: 9 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n";

	(void)state;
	assert_int_equal(procnet_parse(buf, sizeof(buf) - 1, ifc, 8, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ifc[0].name, "ens3");
	assert_int_equal(ifc[0].rx_bytes, 5);
	assert_string_equal(ifc[1].name, "ve0");
	assert_string_equal(ifc[2].name, "bond0");
	assert_int_equal(ifc[2].tx_bytes, 10);

	assert_int_equal(procnet_ignored("lo"), 1);
	assert_int_equal(procnet_ignored("Lo0"), 1);
	assert_int_equal(procnet_ignored("VETHx"), 1);
	assert_int_equal(procnet_ignored("l"), 0);
	assert_int_equal(procnet_ignored("eth0"), 0);
	assert_int_equal(procnet_ignored(""), 0);
}

static void
test_invalid(void **state)
{
	struct procnet_iface	ifc[2];
	size_t			n;
	static const char *const bad[] = {
		/* 15 fields on an ignored interface still invalidates the file */
		HDR "lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0\n",
		HDR "eth0 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
		HDR ": 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 x 0 0 0 0 0 0\n",
		HDR "eth0: 18446744073709551616 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
		HDR "averyveryverylongname0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n\n",
		HDR "eth0: 1 1 0 0 0 0 0 0",	/* truncated */
		"only one header line\n",
		"",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 77;
		assert_int_equal(procnet_parse(bad[i], strlen(bad[i]), ifc, 2,
		    &n, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
}

static void
test_headers_only_and_bound(void **state)
{
	struct procnet_iface	ifc[PROCNET_MAX_IFACES];
	char			buf[8192];
	size_t			n, len, i;

	(void)state;
	/* Only loopback, or nothing: valid and empty. */
	assert_int_equal(procnet_parse(HDR, strlen(HDR), ifc, 2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);

	/* 40 interfaces, room for 32: the first 32 are kept, the file is valid. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s", HDR);
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "eth%zu: %zu 1 0 0 0 0 0 0 %zu 1 0 0 0 0 0 0\n", i, i,
		    i + 1000);
	assert_int_equal(procnet_parse(buf, len, ifc, PROCNET_MAX_IFACES, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, PROCNET_MAX_IFACES);
	assert_string_equal(ifc[31].name, "eth31");
	assert_int_equal(ifc[31].rx_bytes, 31);
	assert_int_equal(ifc[31].tx_bytes, 1031);
	/* A 15-character name (IFNAMSIZ - 1) fits. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", HDR,
	    "abcdefghijklmno: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n");
	assert_int_equal(procnet_parse(buf, len, ifc, 2, &n, err,
	    sizeof(err)), 0);
	assert_string_equal(ifc[0].name, "abcdefghijklmno");
}

/*
 * Counters are scanned and converted in one pass, and runs of spaces are
 * skipped eight bytes at a time: blanks of every kind at every offset,
 * numbers at the 19/20-digit edge, a bad byte hidden in a run.
 */
static void
test_padding_and_digits(void **state)
{
	struct procnet_iface	ifc[2];
	size_t			n, len, i, pad;
	char			buf[2048];
	static const char *const bad[] = {
		HDR "eth0:        x 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
		HDR "eth0: 1 1 0 0 0 0 0 0\t\t\t\t\t\t\t\t\t1x 1 0 0 0 0 0 0\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0        \x01\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\x00\n",
		HDR "eth0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 -0\n",
	};

	(void)state;
	/* Every run length from 1 to 20, on both sides of each counter. */
	for (pad = 1; pad <= 20; pad++) {
		len = (size_t)snprintf(buf, sizeof(buf), "%s%*seth0:", HDR,
		    (int)pad, "");
		for (i = 0; i < 16; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%*s%zu", (int)(pad + i % 3), "", i + 100 * pad);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%*s",
		    (int)pad, "");
		assert_int_equal(procnet_parse(buf, len, ifc, 2, &n, err,
		    sizeof(err)), 0);
		assert_int_equal(n, 1);
		assert_string_equal(ifc[0].name, "eth0");
		assert_int_equal(ifc[0].rx_bytes, 100 * pad);
		assert_int_equal(ifc[0].rx_dropped, 3 + 100 * pad);
		assert_int_equal(ifc[0].tx_bytes, 8 + 100 * pad);
		assert_int_equal(ifc[0].tx_dropped, 11 + 100 * pad);
	}
	/* Tabs and CRs inside runs of spaces. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", HDR,
	    "eth1:    \t   7 \r      1 0 0 0 0 0 0\t      \t 9 1 0 0 0 0 0 "
	    "\t   5   \r\n");
	assert_int_equal(procnet_parse(buf, len, ifc, 2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ifc[0].rx_bytes, 7);
	assert_int_equal(ifc[0].tx_bytes, 9);
	assert_int_equal(ifc[0].tx_dropped, 0);
	/* 2^64 - 1 fits; leading zeros past 19 digits are still a number. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", HDR,
	    "eth2: 18446744073709551615 000000000000000000000000042 0 0 0 0 0 "
	    "0 9999999999999999999 1 0 0 0 0 0 0\n");
	assert_int_equal(procnet_parse(buf, len, ifc, 2, &n, err,
	    sizeof(err)), 0);
	assert_true(ifc[0].rx_bytes == UINT64_MAX);
	assert_int_equal(ifc[0].rx_packets, 42);
	assert_true(ifc[0].tx_bytes == UINT64_C(9999999999999999999));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* strlen would stop at the NUL of the fourth case. */
		len = i == 3 ? strlen(bad[i]) + 2 : strlen(bad[i]);
		assert_int_equal(procnet_parse(bad[i], len, ifc, 2, &n, err,
		    sizeof(err)), -1);
		assert_string_equal(err, "eth0: bad counter");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_headers_only_and_bound),
		cmocka_unit_test(test_padding_and_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
