/*
 * docker_parse_lines: the events stream's line splitter (see
 * docker_parse.h): chunks in, one callback per complete line, lines
 * over the cap dropped and counted.
 */
#include "docker/docker_parse.h"

#include <stdlib.h>
#include <string.h>

#define LINES_KEEP_CAP	(64 * 1024)	/* free a bigger buffer after use */

void
docker_lines_init(struct docker_lines *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
}

void
docker_lines_free(struct docker_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
	l->skipping = 0;
}

static void
lines_deliver(struct docker_lines *l, const char *p, size_t n,
    docker_line_cb *cb, void *arg)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return;
	l->lines++;
	cb(p, n, arg);
}

/* Appends to the carried partial line; -1 if memory ran out. */
static int
lines_append(struct docker_lines *l, const char *p, size_t n)
{
	size_t	 want, ncap;
	char	*nb;

	want = l->len + n;
	if (want > l->cap) {
		ncap = l->cap > 0 ? l->cap : 4096;
		while (ncap < want)
			ncap *= 2;
		if ((nb = realloc(l->buf, ncap)) == NULL)
			return -1;
		l->buf = nb;
		l->cap = ncap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	return 0;
}

static void
lines_shrink(struct docker_lines *l)
{
	l->len = 0;
	if (l->cap > LINES_KEEP_CAP) {
		free(l->buf);
		l->buf = NULL;
		l->cap = 0;
	}
}

/*
 * A line is being dropped: hand its first bytes (what we carried plus
 * the start of `chunk`) to on_drop, then forget them.
 */
static void
lines_drop(struct docker_lines *l, const char *chunk, size_t seg, void *arg)
{
	char	*tmp;
	size_t	 from_buf, from_chunk;

	l->dropped++;
	if (l->on_drop != NULL && l->keep > 0) {
		from_buf = l->len < l->keep ? l->len : l->keep;
		from_chunk = l->keep - from_buf;
		if (from_chunk > seg)
			from_chunk = seg;
		if (from_chunk == 0)
			l->on_drop(l->buf, from_buf, arg);
		else if (from_buf == 0)
			l->on_drop(chunk, from_chunk, arg);
		else if ((tmp = malloc(from_buf + from_chunk)) != NULL) {
			memcpy(tmp, l->buf, from_buf);
			memcpy(tmp + from_buf, chunk, from_chunk);
			l->on_drop(tmp, from_buf + from_chunk, arg);
			free(tmp);
		}
	}
	lines_shrink(l);
}

int
docker_lines_feed(struct docker_lines *l, const char *chunk, size_t len,
    docker_line_cb *cb, void *arg)
{
	size_t		 max = l->max > 0 ? l->max : DOCKER_LINE_MAX;
	size_t		 seg, step;
	const char	*nl;
	int		 dropped = 0;

	while (len > 0) {
		nl = memchr(chunk, '\n', len);
		seg = nl != NULL ? (size_t)(nl - chunk) : len;
		step = nl != NULL ? seg + 1 : seg;
		if (l->skipping) {
			/* The rest of a dropped line: skip to its newline. */
			if (nl != NULL)
				l->skipping = 0;
		} else if (seg > max - l->len) {
			lines_drop(l, chunk, seg, arg);
			dropped++;
			if (nl == NULL)
				l->skipping = 1;
		} else if (nl == NULL) {
			if (lines_append(l, chunk, seg) == -1) {
				lines_drop(l, chunk, seg, arg);
				dropped++;
				l->skipping = 1;
			}
		} else if (l->len == 0) {
			/* The common case: a whole line inside the chunk, no copy. */
			lines_deliver(l, chunk, seg, cb, arg);
		} else if (lines_append(l, chunk, seg) == -1) {
			lines_drop(l, chunk, seg, arg);
			dropped++;
		} else {
			lines_deliver(l, l->buf, l->len, cb, arg);
			lines_shrink(l);
		}
		chunk += step;
		len -= step;
	}
	return dropped;
}

int
docker_lines_finish(struct docker_lines *l)
{
	int	 pending = l->len > 0 || l->skipping;

	if (l->len > 0)
		l->dropped++;
	lines_shrink(l);
	l->skipping = 0;
	return pending;
}
