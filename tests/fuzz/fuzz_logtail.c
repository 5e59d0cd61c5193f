/*
 * The log stream demultiplexer: the first byte picks the mode and the
 * line bound, the second the byte bound and the third the chunk size;
 * the rest is the logs body. Memory stays within twice the byte bound
 * while feeding; the tail has at most the lines and bytes asked for
 * (the byte bound before ill-formed UTF-8 is replaced by U+FFFD, three
 * bytes each), is valid UTF-8 and holds no control character but tab
 * and newline.
 */
#include "fuzz.h"

#include "core/utf8.h"
#include "docker/logtail.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logtail	 t;
	struct buf	 out;
	size_t		 lines, bytes, chunk, off, n, i, nl = 0;

	if (size < 3)
		return 0;
	lines = 1 + data[0] % 8;
	bytes = 64 + data[1] * 4;
	chunk = 1 + data[2];
	logtail_init(&t, (enum logtail_mode)(data[0] / 8 % 3), lines, bytes);
	for (off = 3; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		logtail_feed(&t, (const char *)data + off, n);
		FUZZ_CHECK(t.kept.len <= 2 * bytes);
	}
	buf_init(&out);
	FUZZ_CHECK(logtail_finish(&t, &out) == 0);
	FUZZ_CHECK(out.len <= 3 * bytes);
	FUZZ_CHECK(utf8_valid_len(out.data, out.len) == out.len);
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n');
		nl += c == '\n';
	}
	FUZZ_CHECK(out.len == 0 || nl < lines);
	buf_free(&out);
	logtail_free(&t);
	return 0;
}
