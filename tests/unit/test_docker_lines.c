#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "docker/docker_parse.h"

/* Collects delivered lines, joined with '|', plus their count. */
struct sink {
	char	 joined[4096];
	size_t	 n;
	size_t	 biggest;
	char	 first_byte_of_biggest;
	char	 last_byte_of_biggest;
};

static void
collect(const char *line, size_t len, void *arg)
{
	struct sink	*s = arg;
	size_t		 used = strlen(s->joined);

	s->n++;
	if (len > s->biggest) {
		s->biggest = len;
		s->first_byte_of_biggest = line[0];
		s->last_byte_of_biggest = line[len - 1];
	}
	if (len < 256 && used + len + 2 < sizeof(s->joined)) {
		if (used > 0)
			s->joined[used++] = '|';
		memcpy(s->joined + used, line, len);
		s->joined[used + len] = '\0';
	}
}

static int
feed(struct docker_lines *l, const char *s, struct sink *k)
{
	return docker_lines_feed(l, s, strlen(s), collect, k);
}

static void
test_split_across_chunks(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };

	(void)state;
	docker_lines_init(&l, 0);
	assert_int_equal(feed(&l, "{\"status\":\"sta", &k), 0);
	assert_int_equal(k.n, 0);
	assert_int_equal(feed(&l, "rt\"}", &k), 0);
	assert_int_equal(k.n, 0);
	assert_int_equal(feed(&l, "\n", &k), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.joined, "{\"status\":\"start\"}");
	assert_int_equal(docker_lines_finish(&l), 0);
	assert_int_equal(l.dropped, 0);
	docker_lines_free(&l);
}

static void
test_several_lines_one_chunk(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };

	(void)state;
	docker_lines_init(&l, 0);
	/* Three lines, an empty one, a CRLF one, and the start of a fifth. */
	assert_int_equal(feed(&l, "a\nbb\n\nccc\r\ndd", &k), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.joined, "a|bb|ccc");
	assert_int_equal(feed(&l, "d\n", &k), 0);
	assert_string_equal(k.joined, "a|bb|ccc|ddd");
	assert_int_equal(l.lines, 4);
	docker_lines_free(&l);
}

static void
test_one_byte_chunks(void **state)
{
	const char		*s = "{\"a\":1}\n{\"b\":22}\nxyz\n";
	struct docker_lines	 l;
	struct sink		 k = { 0 };
	size_t			 i;

	(void)state;
	docker_lines_init(&l, 0);
	for (i = 0; s[i] != '\0'; i++)
		assert_int_equal(docker_lines_feed(&l, s + i, 1, collect, &k), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.joined, "{\"a\":1}|{\"b\":22}|xyz");
	docker_lines_free(&l);
}

/* A line of exactly the default cap (1 MiB) passes, in uneven chunks. */
static void
test_line_of_one_mib(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };
	size_t			 n = DOCKER_LINE_MAX, off, step;
	char			*big;

	(void)state;
	assert_int_equal(DOCKER_LINE_MAX, 1048576);
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[0] = '<';
	big[n - 1] = '>';
	big[n] = '\n';
	docker_lines_init(&l, 0);
	for (off = 0; off < n + 1; off += step) {
		step = 16384 - 7;
		if (step > n + 1 - off)
			step = n + 1 - off;
		assert_int_equal(docker_lines_feed(&l, big + off, step, collect,
		    &k), 0);
	}
	assert_int_equal(k.n, 1);
	assert_int_equal(k.biggest, n);
	assert_int_equal(k.first_byte_of_biggest, '<');
	assert_int_equal(k.last_byte_of_biggest, '>');
	assert_int_equal(l.dropped, 0);
	/* The big buffer is given back once the line is out. */
	assert_null(l.buf);
	docker_lines_free(&l);
	free(big);
}

/* One byte over the cap: dropped, counted, the next line still arrives. */
static void
test_line_over_cap(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };
	size_t			 n = DOCKER_LINE_MAX + 1, off, step;
	char			*big;
	int			 dropped = 0;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'y', n);
	docker_lines_init(&l, 0);
	assert_int_equal(feed(&l, "before\n", &k), 0);
	for (off = 0; off < n; off += step) {
		step = n - off < 10000 ? n - off : 10000;
		dropped += docker_lines_feed(&l, big + off, step, collect, &k);
	}
	assert_int_equal(dropped, 1);
	/* The rest of the oversized line is skipped up to its newline. */
	assert_int_equal(feed(&l, "yyyy\nafter\n", &k), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.joined, "before|after");
	assert_int_equal(l.dropped, 1);
	docker_lines_free(&l);
	free(big);
}

/* A small configured cap, the oversized line ending inside one chunk. */
static void
test_small_cap_same_chunk(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };

	(void)state;
	docker_lines_init(&l, 4);
	assert_int_equal(feed(&l, "abcd\nabcde\nab", &k), 1);
	assert_int_equal(feed(&l, "cde\nxy\n", &k), 1);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.joined, "abcd|xy");
	assert_int_equal(l.dropped, 2);
	docker_lines_free(&l);
}

static void
test_truncated_at_eof(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };

	(void)state;
	docker_lines_init(&l, 0);
	assert_int_equal(feed(&l, "{\"ok\":1}\n{\"cut\":", &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(docker_lines_finish(&l), 1);
	assert_int_equal(l.dropped, 1);
	assert_int_equal(k.n, 1);
	/* Reset: a new stream starts clean. */
	assert_int_equal(feed(&l, "x\n", &k), 0);
	assert_string_equal(k.joined, "{\"ok\":1}|x");
	assert_int_equal(docker_lines_finish(&l), 0);
	docker_lines_free(&l);
}

/* EOF in the middle of an oversized line: reported, counted once. */
static void
test_eof_while_skipping(void **state)
{
	struct docker_lines	 l;
	struct sink		 k = { 0 };

	(void)state;
	docker_lines_init(&l, 3);
	assert_int_equal(feed(&l, "abcdef", &k), 1);
	assert_int_equal(docker_lines_finish(&l), 1);
	assert_int_equal(l.dropped, 1);
	assert_int_equal(feed(&l, "ok\n", &k), 0);
	assert_string_equal(k.joined, "ok");
	docker_lines_free(&l);
}

/* Dropped lines hand their first `keep` bytes to on_drop. */
struct drop_ctx {
	struct sink	 k;		/* first: collect() sees a sink */
	char		 prefix[3][16];
	size_t		 n;
};

static void
on_drop(const char *p, size_t len, void *arg)
{
	struct drop_ctx	*d = arg;

	assert_true(d->n < 3 && len < sizeof(d->prefix[0]));
	memcpy(d->prefix[d->n], p, len);
	d->prefix[d->n][len] = '\0';
	d->n++;
}

static void
test_drop_prefix(void **state)
{
	struct drop_ctx		 d;
	struct docker_lines	 l;

	(void)state;
	memset(&d, 0, sizeof(d));
	docker_lines_init(&l, 8);
	l.on_drop = on_drop;
	l.keep = 6;
	/* Over the cap within one chunk: the prefix comes from the chunk. */
	assert_int_equal(docker_lines_feed(&l, "0123456789\nok\n", 14, collect,
	    &d), 1);
	/* Carried over two chunks: part from the buffer, part from the chunk. */
	assert_int_equal(docker_lines_feed(&l, "abc", 3, collect, &d), 0);
	assert_int_equal(docker_lines_feed(&l, "defghijkl", 9, collect, &d), 1);
	assert_int_equal(docker_lines_feed(&l, "mn\n", 3, collect, &d), 0);
	/* Carried bytes alone fill the prefix. */
	assert_int_equal(docker_lines_feed(&l, "ABCDEFG", 7, collect, &d), 0);
	assert_int_equal(docker_lines_feed(&l, "HI\n", 3, collect, &d), 1);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.prefix[0], "012345");
	assert_string_equal(d.prefix[1], "abcdef");
	assert_string_equal(d.prefix[2], "ABCDEF");
	assert_string_equal(d.k.joined, "ok");
	docker_lines_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_across_chunks),
		cmocka_unit_test(test_several_lines_one_chunk),
		cmocka_unit_test(test_one_byte_chunks),
		cmocka_unit_test(test_line_of_one_mib),
		cmocka_unit_test(test_line_over_cap),
		cmocka_unit_test(test_small_cap_same_chunk),
		cmocka_unit_test(test_truncated_at_eof),
		cmocka_unit_test(test_eof_while_skipping),
		cmocka_unit_test(test_drop_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
