/*
 * html: escaping text for HTML element content and quoted attributes.
 */
#include "core/html.h"

#include <string.h>

#include "core/utf8.h"

static const char *
entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

void
html_escape_n(struct buf *b, const char *s, size_t n)
{
	const char	*e;
	size_t		 i = 0, run = 0;
	int		 r;

	/* Plain runs are copied at once, so the cost is linear in n. */
	while (i < n) {
		if ((unsigned char)s[i] >= 0x80) {
			if ((r = utf8_seq(s + i, n - i)) > 0) {
				i += (size_t)r;
				continue;
			}
			buf_append(b, s + run, i - run);
			buf_puts(b, UTF8_REPLACEMENT);
			i += (size_t)-r;
			run = i;
			continue;
		}
		if ((e = entity(s[i])) == NULL) {
			i++;
			continue;
		}
		buf_append(b, s + run, i - run);
		buf_puts(b, e);
		run = ++i;
	}
	buf_append(b, s + run, i - run);
}

void
html_escape(struct buf *b, const char *s)
{
	if (s != NULL)
		html_escape_n(b, s, strlen(s));
}

void
html_escape_max(struct buf *b, const char *s, size_t max)
{
	size_t	 n, cut;
	int	 r;

	if (s == NULL)
		return;
	if ((n = strnlen(s, max + 1)) <= max) {
		html_escape_n(b, s, n);
		return;
	}
	/* Back off to the start of the sequence the cut falls in. */
	cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80 &&
	    max - cut < 3)
		cut--;
	if (cut < max && (r = utf8_seq(s + cut, 4)) > 0 &&
	    cut + (size_t)r <= max)
		cut = max;
	html_escape_n(b, s, cut);
	buf_puts(b, "\xe2\x80\xa6");	/* U+2026 HORIZONTAL ELLIPSIS */
}
