/*
 * The events stream splitter: the first byte picks the line cap, the
 * second the chunk size, the rest is the stream. Every line delivered
 * must be non-empty, within the cap and
 * free of '\n'; every salvaged prefix within `keep`; and the splitter's
 * count matches the lines delivered.
 */
#include "fuzz.h"

#include "docker/docker_parse.h"

struct seen {
	size_t	 max;
	size_t	 keep;
	uint64_t lines;
};

static void
on_line(const char *line, size_t len, void *arg)
{
	struct seen		*s = arg;
	struct docker_event	 ev;
	char			 err[256];

	FUZZ_CHECK(len > 0 && len <= s->max);
	FUZZ_CHECK(memchr(line, '\n', len) == NULL);
	s->lines++;
	(void)docker_parse_event(line, len, &ev, err, sizeof(err));
}

static void
on_drop(const char *line, size_t len, void *arg)
{
	struct seen		*s = arg;
	struct docker_event	 ev;

	FUZZ_CHECK(len <= s->keep);
	(void)docker_event_salvage(line, len, &ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_lines	 l;
	struct seen		 s;
	size_t			 chunk, off, n;
	char			*copy;

	if (size < 2)
		return 0;
	s.max = 1 + data[0] * 4u;
	s.keep = s.max / 2;
	s.lines = 0;
	chunk = 1 + data[1] % 64u;
	data += 2;
	size -= 2;
	docker_lines_init(&l, s.max);
	l.on_drop = on_drop;
	l.keep = s.keep;
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		copy = fuzz_bytes(data + off, n);
		(void)docker_lines_feed(&l, copy, n, on_line, &s);
		free(copy);
	}
	(void)docker_lines_finish(&l);
	FUZZ_CHECK(l.lines == s.lines);
	docker_lines_free(&l);
	return 0;
}
