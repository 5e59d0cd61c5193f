/*
 * logtail: Docker's multiplexed log stream and a TTY's raw bytes to the
 * last lines, fed in pieces, bounded whatever arrives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "docker/logtail.h"

/* A frame: the 8-byte header and the payload, appended to `b`. */
static void
frame(struct buf *b, int stream, const char *payload)
{
	size_t		 n = strlen(payload);
	unsigned char	 h[8] = { (unsigned char)stream, 0, 0, 0,
	    (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	    (unsigned char)(n >> 8), (unsigned char)n };

	buf_append(b, h, sizeof(h));
	buf_append(b, payload, n);
}

/* Feeds `in` in pieces of `step` bytes; returns the finished tail. */
static void
run(enum logtail_mode mode, size_t lines, size_t bytes, const struct buf *in,
    size_t step, const char *want)
{
	struct logtail	 t;
	struct buf	 out;
	size_t		 i, k;

	logtail_init(&t, mode, lines, bytes);
	for (i = 0; i < in->len; i += k) {
		k = in->len - i < step ? in->len - i : step;
		logtail_feed(&t, in->data + i, k);
	}
	buf_init(&out);
	assert_int_equal(logtail_finish(&t, &out), 0);
	buf_putc(&out, '\0');
	assert_string_equal(out.data, want);
	buf_free(&out);
	logtail_free(&t);
}

/* stdout and stderr frames, split at every byte boundary. */
static void
test_mux_split(void **state)
{
	struct buf	 in;
	size_t		 step;

	(void)state;
	buf_init(&in);
	frame(&in, 1, "one\n");
	frame(&in, 2, "two\nthr");
	frame(&in, 1, "ee\n");
	frame(&in, 1, "four\n");
	for (step = 1; step <= in.len; step++) {
		run(LOGTAIL_AUTO, 20, 4096, &in, step, "one\ntwo\nthree\nfour");
		run(LOGTAIL_MUX, 2, 4096, &in, step, "three\nfour");
	}
	buf_free(&in);
}

/* A frame larger than the byte bound keeps its end, from a line start. */
static void
test_frame_over_bound(void **state)
{
	struct buf	 in, big;
	int		 i;

	(void)state;
	buf_init(&in);
	buf_init(&big);
	for (i = 0; i < 500; i++)
		buf_printf(&big, "line %03d\n", i);	/* 9 bytes each */
	frame(&in, 1, big.data);
	frame(&in, 2, "last\n");
	/* 40 bytes: "...98\n" partial, then 499, then last. */
	run(LOGTAIL_AUTO, 20, 40, &in, 7, "line 497\nline 498\nline 499\nlast");
	run(LOGTAIL_AUTO, 20, 40, &in, in.len, "line 497\nline 498\nline 499\n"
	    "last");
	run(LOGTAIL_AUTO, 2, 4096, &in, 100, "line 499\nlast");
	buf_free(&in);
	buf_free(&big);
}

/* A garbage header after good frames: what came before is kept. */
static void
test_garbage_header(void **state)
{
	struct buf	 in;

	(void)state;
	buf_init(&in);
	frame(&in, 1, "good\n");
	buf_append(&in, "\x07\0\0\0\0\0\0\x05" "bad\n!", 13);
	frame(&in, 1, "unseen\n");
	run(LOGTAIL_AUTO, 20, 4096, &in, 3, "good");
	run(LOGTAIL_MUX, 20, 4096, &in, 100, "good");
	buf_free(&in);
	/*
	 * No frame header first: raw bytes (a TTY) when detecting, nothing
	 * at all when multiplexed was said.
	 */
	buf_init(&in);
	buf_append(&in, "\x01\x02\0\0\0\0\0\0hello\n", 14);
	run(LOGTAIL_AUTO, 20, 4096, &in, 3, "????????hello");
	run(LOGTAIL_MUX, 20, 4096, &in, 100, "");
	buf_free(&in);
	/* Forced multiplexed: raw text is garbage from the first byte. */
	buf_init(&in);
	buf_puts(&in, "hello world\n");
	run(LOGTAIL_MUX, 20, 4096, &in, 5, "");
	buf_free(&in);
}

/* A TTY: raw bytes, CRLF line ends, control characters made visible. */
static void
test_tty_raw(void **state)
{
	struct buf	 in;
	size_t		 step;

	(void)state;
	buf_init(&in);
	buf_puts(&in, "a\r\nb\x1b[31mred\r\nc\n");
	for (step = 1; step <= in.len; step++) {
		run(LOGTAIL_AUTO, 20, 4096, &in, step, "a\nb?[31mred\nc");
		run(LOGTAIL_RAW, 1, 4096, &in, step, "c");
	}
	buf_free(&in);
	/* Shorter than a header. */
	buf_init(&in);
	buf_puts(&in, "hi");
	run(LOGTAIL_AUTO, 20, 4096, &in, 1, "hi");
	buf_free(&in);
	/* Ill-formed UTF-8 is replaced, a last line without newline kept. */
	buf_init(&in);
	frame(&in, 1, "caf\xc3\xa9\n\xff tail");
	run(LOGTAIL_AUTO, 20, 4096, &in, 3, "caf\xc3\xa9\n\xef\xbf\xbd tail");
	buf_free(&in);
}

/* Memory stays within twice the bound, whatever the stream's length. */
static void
test_bounded(void **state)
{
	struct logtail	 t;
	char		 chunk[1000];
	int		 i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	logtail_init(&t, LOGTAIL_RAW, 20, 4096);
	for (i = 0; i < 10000; i++) {
		logtail_feed(&t, chunk, sizeof(chunk));
		assert_true(t.kept.len <= 2 * 4096);
	}
	logtail_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mux_split),
		cmocka_unit_test(test_frame_over_bound),
		cmocka_unit_test(test_garbage_header),
		cmocka_unit_test(test_tty_raw),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
