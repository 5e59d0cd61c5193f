/*
 * The small helpers of src/core that every subsystem shares: error
 * messages, small-file reads, container ids, numbers, quoting, jitter and
 * timestamps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/file.h"
#include "core/id.h"
#include "core/json.h"
#include "core/num.h"
#include "core/quote.h"
#include "core/rand.h"
#include "core/timefmt.h"
#include "core/utf8.h"

static void
test_err(void **state)
{
	char	 e[8];

	(void)state;
	assert_int_equal(err_set(e, sizeof(e), "%s %d", "abc", 42), -1);
	assert_string_equal(e, "abc 42");
	assert_int_equal(err_set(e, sizeof(e), "%s", "much too long"), -1);
	assert_string_equal(e, "much to");
	assert_int_equal(err_set(NULL, 0, "ignored %d", 1), -1);
}

static char *
tmpfile_with(const char *content, size_t len)
{
	static char	 path[64];
	int		 fd;

	snprintf(path, sizeof(path), "/tmp/hale-core-XXXXXX");
	assert_int_not_equal(fd = mkstemp(path), -1);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
test_file(void **state)
{
	char		 small[16], *big, *path;
	size_t		 len = 99, i;
	struct buf	 b;

	(void)state;
	path = tmpfile_with("hello\n", 6);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(small, "hello\n");
	/* Exactly cap - 1 bytes fit; one more does not. */
	assert_int_equal(file_read_at(AT_FDCWD, path, small, 7, &len), 0);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, 6, &len), -1);
	assert_int_equal(errno, EFBIG);
	unlink(path);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), -1);
	assert_int_equal(errno, ENOENT);

	/* Larger than one chunk, and than FILE_SHORT_IS_EOF: read to its end. */
	big = malloc(20000);
	for (i = 0; i < 20000; i++)
		big[i] = (char)('a' + i % 26);
	path = tmpfile_with(big, 20000);
	buf_init(&b);
	buf_puts(&b, ">");
	assert_int_equal(file_read_buf(path, 20000, &b), 0);
	assert_int_equal(b.len, 20001);
	assert_memory_equal(b.data + 1, big, 20000);
	buf_reset(&b);
	assert_int_equal(file_read_buf(path, 19999, &b), -1);
	assert_int_equal(errno, EFBIG);
	buf_free(&b);
	unlink(path);
	free(big);
	buf_init(&b);
	assert_int_equal(file_read_buf("/nonexistent/hale", 10, &b), -1);
	assert_int_equal(errno, ENOENT);
	buf_free(&b);
}

/*
 * What is not a regular file is refused at once, never waited on (alarm:
 * a blocking open would otherwise hang the suite instead of failing it).
 */
static void
test_file_not_regular(void **state)
{
	char		 dir[] = "/tmp/hale-file-XXXXXX", path[64], small[16];
	struct buf	 b;
	size_t		 len;
	int		 fd, hold;

	(void)state;
	alarm(10);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No writer: open would block; with O_NONBLOCK it reads as empty. */
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), -1);
	assert_int_equal(errno, FILE_ENOTREG);
	buf_init(&b);
	assert_int_equal(file_read_buf(path, 100, &b), -1);
	assert_int_equal(errno, FILE_ENOTREG);
	/* A writer that never writes: read would block; EAGAIN instead. */
	assert_true((hold = open(path, O_RDWR)) != -1);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), -1);
	assert_int_equal(errno, FILE_ENOTREG);
	assert_int_equal(file_read_buf(path, 100, &b), -1);
	assert_int_equal(errno, FILE_ENOTREG);
	assert_string_equal(file_strerror(errno), "not a regular file");
	close(hold);
	unlink(path);
	assert_int_equal(file_read_at(AT_FDCWD, "/dev/null", small, sizeof(small),
	    &len), -1);
	assert_int_equal(errno, FILE_ENOTREG);
	/* An empty regular file is a value; a 10 MB one is refused by size. */
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(file_read_buf(path, 100, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(ftruncate(fd, 10 << 20), 0);
	close(fd);
	assert_int_equal(file_read_at(AT_FDCWD, path, small, sizeof(small), &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(file_read_buf(path, 100, &b), -1);
	assert_int_equal(errno, EFBIG);
	assert_true(b.len <= 100);
	buf_free(&b);
	unlink(path);
	rmdir(dir);
	alarm(0);
}

static void
test_file_procfs(void **state)
{
	char	 buf[65536];
	size_t	 len;

	(void)state;
	/* A pseudo-file: its size says 0, its reads say what it holds. */
	assert_int_equal(file_read_at(AT_FDCWD, "/proc/self/status", buf,
	    sizeof(buf), &len), 0);
	assert_true(len > 0);
	assert_non_null(strstr(buf, "Pid:"));
}

static void
test_id(void **state)
{
	const char	*ok = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	char		 up[65];

	(void)state;
	assert_true(id_hex64(ok, 64));
	assert_true(id_valid(ok));
	assert_false(id_hex64(ok, 63));
	assert_false(id_valid("abc"));
	assert_false(id_valid(NULL));
	memcpy(up, ok, 65);
	up[10] = 'A';
	assert_false(id_valid(up));
	up[10] = 'g';
	assert_false(id_hex64(up, 64));
	/* 65 hex digits are not an id. */
	assert_false(id_valid("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0"));
}

static void
test_json(void **state)
{
	struct buf	 b;
	cJSON		*o = cJSON_CreateObject();

	(void)state;
	buf_init(&b);
	json_add_time(o, "at", 1714557600.25);
	json_add_time(o, "never", 0);
	json_add_str(o, "name", "we\"b\n");
	json_add_str(o, "none", NULL);
	assert_int_equal(json_emit(o, &b), 0);
	assert_string_equal(b.data, "{\"at\":\"2024-05-01T10:00:00.250000Z\","
	    "\"never\":null,\"name\":\"we\\\"b\\n\",\"none\":null}");
	/* Keys and values from outside come out well-formed, whoever added them. */
	buf_reset(&b);
	o = cJSON_CreateObject();
	json_add_str(o, "name", "web\xff");
	cJSON_AddItemToObject(o, "labels", cJSON_CreateObject());
	cJSON_AddStringToObject(cJSON_GetObjectItem(o, "labels"), "k\xc0",
	    "\xed\xa0\x80");
	assert_int_equal(json_emit(o, &b), 0);
	assert_string_equal(b.data, "{\"name\":\"web\xef\xbf\xbd\","
	    "\"labels\":{\"k\xef\xbf\xbd\":\"\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\"}}");
	/* A view that could not be built is out of memory, not an empty document. */
	buf_reset(&b);
	assert_int_equal(json_emit(NULL, &b), -1);
	assert_true(b.oom);
	buf_free(&b);
}

#define R	UTF8_REPLACEMENT

static void
test_utf8(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "", "" },
		{ "eth0", "eth0" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xf4\x8f\xbf\xbf",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xf4\x8f\xbf\xbf" },
		{ "\xff\xfe", R R },			/* never in UTF-8 */
		{ "\x80x", R "x" },			/* stray continuation */
		{ "\xc0\xaf", R R },			/* overlong '/' */
		{ "\xe0\x80\xaf", R R R },		/* overlong, 3 bytes */
		{ "\xed\xa0\x80", R R R },		/* a surrogate */
		{ "\xf4\x90\x80\x80", R R R R },	/* past U+10FFFF */
		{ "\xe2\x82", R },			/* truncated: one subpart */
		{ "\xe2\x82x", R "x" },
		{ "\xf0\x9f\x90", R },
		{ "a\xc3", "a" R },
	};
	struct buf	 b;
	char		*d;
	size_t		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		utf8_append(&b, cases[i].in, strlen(cases[i].in));
		buf_putc(&b, '\0');
		assert_string_equal(b.data, cases[i].out);
		assert_non_null(d = utf8_dup(cases[i].in));
		assert_string_equal(d, cases[i].out);
		free(d);
		assert_int_equal(utf8_valid_len(cases[i].out,
		    strlen(cases[i].out)), strlen(cases[i].out));
	}
	assert_int_equal(utf8_valid_len("ab\xff" "cd", 5), 2);
	assert_int_equal(utf8_seq("\xe2\x82\xac", 3), 3);
	assert_int_equal(utf8_seq("\xe2\x82\xac", 2), -2);
	assert_int_equal(utf8_seq("\xc3", 4), -1);	/* stops at the NUL */
	buf_free(&b);
}

static void
test_num(void **state)
{
	char		 out[NUM_U64_MAX + 1], *end;
	uint64_t	 v = 7;

	(void)state;
	assert_int_equal(num_parse_u64("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num_parse_u64("18446744073709551616", 20, &v), -1);
	assert_int_equal(num_parse_u64("99999999999999999999", 20, &v), -1);
	assert_int_equal(num_parse_u64("", 0, &v), -1);
	assert_int_equal(num_parse_u64("12a", 3, &v), -1);
	assert_int_equal(num_parse_u64("-1", 2, &v), -1);
	assert_int_equal(num_parse_u64(" 1", 2, &v), -1);
	assert_int_equal(num_parse_u64("123456", 3, &v), 0);
	assert_int_equal(v, 123);

	assert_int_equal(num_parse_range("8080", 1, 65535, &v), 0);
	assert_int_equal(v, 8080);
	assert_int_equal(num_parse_range("0", 0, 5, &v), 0);
	assert_int_equal(num_parse_range("0", 1, 5, &v), -1);
	assert_int_equal(num_parse_range("65536", 1, 65535, &v), -1);
	assert_int_equal(num_parse_range("080", 1, 65535, &v), -1);
	assert_int_equal(num_parse_range("", 0, 5, &v), -1);
	assert_int_equal(num_parse_range("+5", 0, 5, &v), -1);
	assert_int_equal(num_parse_range("123456789012345678901234", 0, UINT64_MAX, &v), -1);

	/* The writer, read back by the parser; it writes no NUL. */
	memset(out, 'x', sizeof(out));
	assert_ptr_equal(num_format_u64(out, 0), out + 1);
	assert_memory_equal(out, "0x", 2);
	end = num_format_u64(out, UINT64_MAX);
	assert_int_equal(end - out, NUM_U64_MAX);
	assert_memory_equal(out, "18446744073709551615", NUM_U64_MAX);
	end = num_format_u64(out, 1000000007);
	assert_int_equal(num_parse_u64(out, (size_t)(end - out), &v), 0);
	assert_int_equal(v, 1000000007);
}

static void
test_quote(void **state)
{
	char	 q[QUOTE_MAX], tiny[12];
	char	 long_[100];

	(void)state;
	quote_value("web-1", q, sizeof(q));
	assert_string_equal(q, "\"web-1\"");
	quote_value("on\n\"x\\\x7f", q, sizeof(q));
	assert_string_equal(q, "\"on\\x0a\\x22x\\x5c\\x7f\"");
	quote_value("\xc3\xa9", q, sizeof(q));
	assert_string_equal(q, "\"\\xc3\\xa9\"");
	memset(long_, 'a', 99);
	long_[99] = '\0';
	quote_value(long_, q, sizeof(q));
	assert_int_equal(strlen(q), 2 + QUOTE_SHOW + 3);
	assert_string_equal(q + 1 + QUOTE_SHOW, "...\"");
	/* Every byte escaped: still fits QUOTE_MAX. */
	memset(long_, '\x01', 99);
	quote_value(long_, q, sizeof(q));
	assert_int_equal(strlen(q), 2 + 4 * QUOTE_SHOW + 3);
	/* A small buffer cuts, never overflows, and still closes the quote. */
	quote_value(long_, tiny, sizeof(tiny));
	assert_true(strlen(tiny) < sizeof(tiny));
	assert_int_equal(tiny[strlen(tiny) - 1], '"');
	quote_value("x", tiny, 4);
	assert_string_equal(tiny, "");
}

static void
test_rand(void **state)
{
	struct rand_state	 a = { 42 }, b = { 42 }, c;
	double			 u, sum = 0;
	int			 i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_true(rand_next(&a) == rand_next(&b));
	for (i = 0; i < 10000; i++) {
		u = rand_unit(&a);
		assert_true(u >= 0 && u < 1);
		sum += u;
	}
	/* Uniform: the mean of 10,000 draws is 0.5 within 0.02. */
	assert_true(sum / 10000 > 0.48 && sum / 10000 < 0.52);
	rand_seed(&c);
	rand_seed(&a);
	assert_true(a.s != c.s || rand_next(&a) != rand_next(&c));
}

static void
test_timefmt(void **state)
{
	char	 t[TIMEFMT_MAX];

	(void)state;
	assert_int_equal(timefmt_rfc3339(1714557600.25, TIMEFMT_API, t, sizeof(t)), 0);
	assert_string_equal(t, "2024-05-01T10:00:00.250000Z");
	assert_int_equal(timefmt_rfc3339(1714557600.25, TIMEFMT_LOG, t, sizeof(t)), 0);
	assert_string_equal(t, "2024-05-01T10:00:00.250Z");
	/* Rounds to the nearest, carrying into the seconds. */
	timefmt_rfc3339(1714557600.9999996, TIMEFMT_API, t, sizeof(t));
	assert_string_equal(t, "2024-05-01T10:00:01.000000Z");
	timefmt_rfc3339(1714557600.9996, TIMEFMT_LOG, t, sizeof(t));
	assert_string_equal(t, "2024-05-01T10:00:01.000Z");
	assert_int_equal(timefmt_rfc3339(0, TIMEFMT_API, t, sizeof(t)), -1);
	assert_string_equal(t, "");
	assert_int_equal(timefmt_rfc3339(-5, TIMEFMT_API, t, sizeof(t)), -1);
	assert_int_equal(timefmt_rfc3339(1e300, TIMEFMT_API, t, sizeof(t)), -1);
	assert_string_equal(t, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_not_regular),
		cmocka_unit_test(test_file_procfs),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_rand),
		cmocka_unit_test(test_timefmt),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
