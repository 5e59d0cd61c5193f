#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"

static void
test_text_family_and_samples(void **state)
{
	struct buf		 b, l;
	struct metrics_writer	 w;

	(void)state;
	buf_init(&b);
	buf_init(&l);
	metrics_label(&l, "id", "/docker/abc");
	metrics_label(&l, "name", "web");
	metrics_writer_init(&w, &b, METRICS_TEXT);
	metrics_family(&w, "x_seconds_total", METRICS_COUNTER, "Help \\ text\nline.");
	metrics_sample(&w, "x_seconds_total", l.data, "cpu=\"total\"", 1.5);
	metrics_sample_u64(&w, "x_seconds_total", NULL, NULL, 7);
	metrics_family(&w, "y", METRICS_UNTYPED, "Why.");
	metrics_sample_i64(&w, "y", NULL, "a=\"b\"", -3);
	metrics_finish(&w);
	assert_string_equal(b.data,
	    "# HELP x_seconds_total Help \\\\ text\\nline.\n"
	    "# TYPE x_seconds_total counter\n"
	    "x_seconds_total{id=\"/docker/abc\",name=\"web\",cpu=\"total\"} 1.5\n"
	    "x_seconds_total 7\n"
	    "# HELP y Why.\n"
	    "# TYPE y untyped\n"
	    "y{a=\"b\"} -3\n");
	buf_free(&b);
	buf_free(&l);
}

static void
test_openmetrics_counter_and_eof(void **state)
{
	struct buf		 b;
	struct metrics_writer	 w;

	(void)state;
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_OPENMETRICS);
	metrics_family(&w, "hale_docker_events_total", METRICS_COUNTER, "Say \"hi\".");
	metrics_sample_u64(&w, "hale_docker_events_total", NULL, NULL, 3);
	metrics_family(&w, "z", METRICS_UNTYPED, "Zed.");
	metrics_finish(&w);
	assert_string_equal(b.data,
	    "# HELP hale_docker_events Say \\\"hi\\\".\n"
	    "# TYPE hale_docker_events counter\n"
	    "hale_docker_events_total 3\n"
	    "# HELP z Zed.\n"
	    "# TYPE z unknown\n"
	    "# EOF\n");
	buf_free(&b);
}

static void
test_label_escaping(void **state)
{
	struct buf	 l;

	(void)state;
	buf_init(&l);
	metrics_label(&l, "container_label_x", "a\"b\\c\nd");
	assert_string_equal(l.data, "container_label_x=\"a\\\"b\\\\c\\nd\"");
	buf_reset(&l);
	metrics_label(&l, "e", "");
	assert_string_equal(l.data, "e=\"\"");
	/* Well-formed UTF-8 passes; each ill-formed subpart becomes U+FFFD. */
	buf_reset(&l);
	metrics_label(&l, "interface", "\xff\xfe" "eth\xc3\xa9\"" "\xe2\x82");
	assert_string_equal(l.data, "interface=\"\xef\xbf\xbd\xef\xbf\xbd"
	    "eth\xc3\xa9\\\"\xef\xbf\xbd\"");
	buf_free(&l);
}

/* Labels kept in fixed fields escape the same way, or are emptied whole. */
static void
test_label_fixed(void **state)
{
	char	 d[24];

	(void)state;
	assert_int_equal(metrics_label_fixed(d, sizeof(d), "interface",
	    "\xff\"x"), 0);
	assert_string_equal(d, "interface=\"\xef\xbf\xbd\\\"x\"");
	assert_int_equal(metrics_label_fixed(d, sizeof(d), "interface",
	    "\xff\xff\xff\xff"), -1);
	assert_string_equal(d, "interface=\"\"");
	assert_int_equal(metrics_label_fixed(d, 5, "interface", "x"), -1);
	assert_string_equal(d, "");
}

static void
test_sanitize(void **state)
{
	char	 d[64];

	(void)state;
	assert_int_equal(metrics_sanitize_name(d, sizeof(d),
	    "com.docker.compose.project"), 0);
	assert_string_equal(d, "com_docker_compose_project");
	assert_int_equal(metrics_sanitize_name(d, sizeof(d), "9lives-ü"), 0);
	assert_string_equal(d, "_9lives___");	/* ü is two bytes */
	assert_int_equal(metrics_sanitize_name(d, 4, "abcdef"), -1);
}

static void
test_doubles(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	metrics_put_double(&b, 0.1);
	buf_putc(&b, ' ');
	metrics_put_double(&b, 123456789.0);
	buf_putc(&b, ' ');
	metrics_put_double(&b, 1.0 / 3.0);
	buf_putc(&b, ' ');
	metrics_put_double(&b, NAN);
	buf_putc(&b, ' ');
	metrics_put_double(&b, -INFINITY);
	buf_putc(&b, ' ');
	metrics_put_double(&b, 1e300);
	assert_string_equal(b.data,
	    "0.1 123456789 0.33333333333333331 NaN -Inf 1e+300");
	buf_free(&b);
}

/* What metrics_put_double promises, the slow way. */
static void
ref_double(char *out, size_t len, double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		snprintf(out, len, "%.0f", v);
		return;
	}
	snprintf(out, len, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, len, "%.17g", v);
}

static void
check_double(struct buf *b, double v)
{
	char	want[40];

	buf_reset(b);
	metrics_put_double(b, v);
	ref_double(want, sizeof(want), v);
	if (strcmp(b->data, want) != 0)
		fail_msg("%a: %s, want %s", v, b->data, want);
}

/* The integer path for 1 <= |v| < 1e15 writes what printf would. */
static void
test_doubles_like_printf(void **state)
{
	static const double	 edges[] = {
		1.5, 1.05, 9.999999999999999, 9.9999999999999995,
		99999999999999.9, 999999999999999.9, 999999999999999.4,
		1099511627776.125, 4503599627370495.5, 2251799813685248.5,
		1.0000000000000002, 2.0000000000000004, 3.0000000000000004,
		1796648041.123456789, 1700000000.5, 1700000000.000001,
		0.999999999999999, 1e15 + 0.5, 123.456, 1.1, 2.2, 3.3,
	};
	struct buf	 b;
	uint64_t	 x = 0x9e3779b97f4a7c15ULL, bits;
	double		 v;
	size_t		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		check_double(&b, edges[i]);
		check_double(&b, -edges[i]);
		check_double(&b, nextafter(edges[i], 0));
		check_double(&b, nextafter(edges[i], 1e300));
	}
	for (i = 0; i < 300000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 3) {
		case 0:		/* a start time with nanoseconds */
			v = 1.6e9 + (double)(x % 400000000000000000ULL) / 1e9;
			break;
		case 1:		/* any bits from 1 to 2^53 */
			bits = (x & 0x800fffffffffffffULL) |
			    ((uint64_t)(1023 + (x >> 52) % 53) << 52);
			memcpy(&v, &bits, sizeof(v));
			break;
		default:	/* a few decimals, as people write them */
			v = (double)(x % 100000000) / 1000.0 + 1;
			break;
		}
		check_double(&b, v);
	}
	buf_free(&b);
}

static void
test_scaled(void **state)
{
	struct buf		 b;
	struct metrics_writer	 w;

	(void)state;
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	metrics_sample_scaled(&w, "a", NULL, NULL, 0, 9);
	metrics_sample_scaled(&w, "a", NULL, NULL, 1500000000, 9);
	metrics_sample_scaled(&w, "a", NULL, NULL, 1, 9);
	metrics_sample_scaled(&w, "a", NULL, NULL, 123456789012, 9);
	metrics_sample_scaled(&w, "a", NULL, NULL, 42000000, 6);
	metrics_sample_scaled(&w, "a", NULL, NULL, 1000010, 6);
	metrics_sample_scaled(&w, "a", NULL, NULL, UINT64_MAX, 9);
	metrics_sample_scaled(&w, "a", NULL, NULL, 7, 0);
	assert_string_equal(b.data,
	    "a 0\na 1.5\na 0.000000001\na 123.456789012\na 42\na 1.00001\n"
	    "a 18446744073.709551615\na 7\n");
	buf_free(&b);
}

static void
test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(metrics_negotiate(NULL), METRICS_TEXT);
	assert_int_equal(metrics_negotiate("*/*"), METRICS_TEXT);
	/* Prometheus 2.x default */
	assert_int_equal(metrics_negotiate(
	    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
	    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
	    METRICS_OPENMETRICS);
	/* Prometheus 3 default */
	assert_int_equal(metrics_negotiate(
	    "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
	    "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;"
	    "escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"),
	    METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("application/openmetrics-text"),
	    METRICS_TEXT);	/* no version = 0.0.1 */
	assert_int_equal(metrics_negotiate(
	    "text/plain;version=0.0.4, application/openmetrics-text; version=1.0.0; q=0.2"),
	    METRICS_TEXT);
	assert_int_equal(metrics_negotiate(";;;,,,=q=;version"), METRICS_TEXT);
}

static void
test_accepts_gzip(void **state)
{
	(void)state;
	assert_true(metrics_accepts_gzip("gzip, deflate"));
	assert_true(metrics_accepts_gzip("br;q=1, gzip;q=0.5"));
	assert_false(metrics_accepts_gzip("gzip;q=0"));
	assert_false(metrics_accepts_gzip("identity"));
	assert_false(metrics_accepts_gzip(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_family_and_samples),
		cmocka_unit_test(test_openmetrics_counter_and_eof),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_label_fixed),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_doubles_like_printf),
		cmocka_unit_test(test_scaled),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_accepts_gzip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
