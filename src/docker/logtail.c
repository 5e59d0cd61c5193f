/* logtail: the multiplexed or raw log stream to its last lines (logtail.h). */
#include "docker/logtail.h"

#include <string.h>

#include "core/utf8.h"

void
logtail_init(struct logtail *t, enum logtail_mode mode, size_t max_lines,
    size_t max_bytes)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->max_lines = max_lines;
	t->max_bytes = max_bytes;
	buf_init(&t->kept);
}

void
logtail_free(struct logtail *t)
{
	buf_free(&t->kept);
}

/* Payload bytes: appended, the front dropped past twice the bound. */
static void
keep(struct logtail *t, const char *p, size_t n)
{
	size_t	 drop;

	if (n > t->max_bytes) {
		p += n - t->max_bytes;
		n = t->max_bytes;
		t->cut = 1;
	}
	buf_append(&t->kept, p, n);
	if (t->kept.len > 2 * t->max_bytes) {
		drop = t->kept.len - t->max_bytes;
		memmove(t->kept.data, t->kept.data + drop, t->kept.len - drop);
		t->kept.len -= drop;
		t->kept.data[t->kept.len] = '\0';
		t->cut = 1;
	}
}

static int
header_ok(const unsigned char *h)
{
	return h[0] <= 2 && h[1] == 0 && h[2] == 0 && h[3] == 0;
}

void
logtail_feed(struct logtail *t, const char *p, size_t n)
{
	size_t	 k;

	while (n > 0 && !t->bad) {
		if (t->mode == LOGTAIL_RAW) {
			keep(t, p, n);
			return;
		}
		if (t->left > 0) {
			k = n < t->left ? n : (size_t)t->left;
			keep(t, p, k);
			t->left -= k;
			p += k;
			n -= k;
			continue;
		}
		k = sizeof(t->hdr) - t->hdrlen;
		if (k > n)
			k = n;
		memcpy(t->hdr + t->hdrlen, p, k);
		t->hdrlen += k;
		p += k;
		n -= k;
		if (t->hdrlen < sizeof(t->hdr))
			return;
		t->hdrlen = 0;
		if (!header_ok(t->hdr)) {
			if (t->mode == LOGTAIL_MUX) {
				t->bad = 1;
				return;
			}
			/* A TTY's raw bytes: what was taken for a header is text. */
			t->mode = LOGTAIL_RAW;
			keep(t, (const char *)t->hdr, sizeof(t->hdr));
			continue;
		}
		t->mode = LOGTAIL_MUX;
		t->left = (uint64_t)t->hdr[4] << 24 | (uint64_t)t->hdr[5] << 16 |
		    (uint64_t)t->hdr[6] << 8 | t->hdr[7];
	}
}

/* Start of the last max_lines lines in s[0..n) (a final newline ends one). */
static size_t
last_lines(const char *s, size_t n, size_t max_lines)
{
	size_t	 i = n, lines = 0;

	if (i > 0 && s[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (s[i - 1] == '\n' && ++lines == max_lines)
			return i;
		i--;
	}
	return 0;
}

int
logtail_finish(struct logtail *t, struct buf *out)
{
	const char	*s;
	size_t		 n, start, i, len0 = out->len;
	struct buf	 u;

	/* Fewer than 8 bytes and no frame: a TTY's short output. */
	if (t->mode == LOGTAIL_AUTO && t->hdrlen > 0 && !t->bad)
		keep(t, (const char *)t->hdr, t->hdrlen);
	if (t->kept.oom)
		return -1;
	s = t->kept.data;
	n = t->kept.len;
	if (n == 0)
		return 0;		/* nothing kept: no buffer either */
	start = 0;
	if (n > t->max_bytes) {
		start = n - t->max_bytes;
		t->cut = 1;
	}
	if (t->cut) {
		/* The first line is partial: drop it if a whole one follows. */
		for (i = start; i < n && s[i] != '\n'; i++)
			;
		if (i + 1 < n)
			start = i + 1;
	}
	start += last_lines(s + start, n - start, t->max_lines);
	while (n > start && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	buf_init(&u);
	utf8_append(&u, s + start, n - start);
	for (i = 0; i < u.len; i++) {
		unsigned char c = (unsigned char)u.data[i];

		if (c == '\r' && i + 1 < u.len && u.data[i + 1] == '\n')
			continue;
		buf_putc(out, c < 0x20 && c != '\t' && c != '\n' ? '?' :
		    (c == 0x7f ? '?' : (char)c));
	}
	if (u.oom)
		out->oom = 1;
	buf_free(&u);
	return out->oom ? -1 : (out->len >= len0 ? 0 : -1);
}
