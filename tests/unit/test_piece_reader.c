/*
 * piece_reader: a source's pieces, empty ones among them, read back in
 * any size must be exactly their concatenation; the end is final and a
 * source's failure reaches the caller.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/piece_reader.h"

static const char *const pieces[] = {
	"", "[", "{\"id\":\"a\"}", "", "", ",", "{\"id\":\"b\",\"x\":12345}", "]",
};
#define NPIECES	(sizeof(pieces) / sizeof(pieces[0]))
#define WHOLE	"[{\"id\":\"a\"},{\"id\":\"b\",\"x\":12345}]"

struct source {
	size_t	next;		/* index of the next piece */
	size_t	calls;		/* calls made */
	size_t	fail_at;	/* fail instead of this piece; NPIECES: never */
};

static int
source_next(void *arg, const char **p, size_t *len)
{
	struct source	*s = arg;

	s->calls++;
	if (s->next == s->fail_at)
		return -1;
	if (s->next == NPIECES)
		return 0;
	*p = pieces[s->next];
	*len = strlen(pieces[s->next]);
	s->next++;
	return 1;
}

static void
test_any_read_size(void **state)
{
	struct piece_reader	 r;
	struct source		 src;
	char			 out[128];
	size_t			 max, len, calls;
	ssize_t			 n;

	(void)state;
	for (max = 1; max <= sizeof(WHOLE) + 1; max++) {
		memset(&src, 0, sizeof(src));
		src.fail_at = NPIECES + 1;
		piece_reader_init(&r, source_next, &src);
		len = 0;
		while ((n = piece_reader_read(&r, out + len, max)) > 0) {
			assert_true((size_t)n <= max);
			/* A short read only at the end. */
			if ((size_t)n < max)
				assert_int_equal(len + n, strlen(WHOLE));
			len += n;
			assert_true(len < sizeof(out));
		}
		assert_int_equal(n, 0);
		assert_int_equal(len, strlen(WHOLE));
		assert_memory_equal(out, WHOLE, len);
		/* The end is final: the source is not asked again. */
		calls = src.calls;
		assert_int_equal(piece_reader_read(&r, out, max), 0);
		assert_int_equal(piece_reader_fill(&r), 0);
		assert_int_equal(src.calls, calls);
	}
}

static void
test_fill_leaves_bytes_in_place(void **state)
{
	struct piece_reader	 r;
	struct source		 src = { .fail_at = NPIECES + 1 };

	(void)state;
	piece_reader_init(&r, source_next, &src);
	/* The leading empty piece is skipped. */
	assert_int_equal(piece_reader_fill(&r), 1);
	assert_int_equal(r.left, 1);
	assert_memory_equal(r.p, "[", 1);
	/* A consumer takes from p and left; the next fill moves on. */
	r.p++;
	r.left--;
	assert_int_equal(piece_reader_fill(&r), 1);
	assert_int_equal(r.left, strlen("{\"id\":\"a\"}"));
}

static void
test_source_failure(void **state)
{
	struct piece_reader	 r;
	struct source		 src = { .fail_at = 5 };
	char			 out[4];
	ssize_t			 n;
	size_t			 len = 0;

	(void)state;
	piece_reader_init(&r, source_next, &src);
	/*
	 * "[{\"id\":\"a\"}" comes in full reads; the read that meets the
	 * failure returns -1 (the response is aborted), and so does the next.
	 */
	while ((n = piece_reader_read(&r, out, sizeof(out))) > 0)
		len += n;
	assert_int_equal(n, -1);
	assert_int_equal(len, 8);
	assert_int_equal(piece_reader_read(&r, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_read_size),
		cmocka_unit_test(test_fill_leaves_bytes_in_place),
		cmocka_unit_test(test_source_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
