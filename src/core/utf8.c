#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

int
utf8_seq(const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str;
	unsigned char		 lo = 0x80, hi = 0xbf;
	int			 len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return -1;	/* a continuation byte, C0, C1 or F5..FF */
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n || s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

size_t
utf8_valid_len(const char *s, size_t n)
{
	size_t	 i = 0;
	int	 r;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((r = utf8_seq(s + i, n - i)) < 0)
			break;
		i += (size_t)r;
	}
	return i;
}

void
utf8_append(struct buf *b, const char *s, size_t n)
{
	size_t	 ok;
	int	 r;

	for (;;) {
		ok = utf8_valid_len(s, n);
		buf_append(b, s, ok);
		if (ok == n)
			return;
		r = utf8_seq(s + ok, n - ok);
		buf_puts(b, UTF8_REPLACEMENT);
		s += ok + (size_t)-r;
		n -= ok + (size_t)-r;
	}
}

char *
utf8_dup(const char *s)
{
	struct buf	 b;

	buf_init(&b);
	utf8_append(&b, s, strlen(s));
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);	/* NUL-terminated (or "" when empty) */
}
