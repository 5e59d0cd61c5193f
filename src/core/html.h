/*
 * html: the one escape for text from outside (container names, images,
 * labels, check reasons, event fields) that goes into an HTML page. The
 * five characters that can end a text node or an attribute value
 * (& < > " ') become character references, so the same escape is safe
 * in element content and in quoted attributes; ill-formed UTF-8 becomes
 * U+FFFD as core/utf8 spells it, so the page is valid UTF-8 whatever an
 * engine sends.
 */
#ifndef HALE_HTML_H
#define HALE_HTML_H

#include <stddef.h>

#include "core/buf.h"

/* Appends s[0..n) escaped. */
void	html_escape_n(struct buf *, const char *s, size_t n);
/* Appends the NUL-terminated s escaped; NULL appends nothing. */
void	html_escape(struct buf *, const char *s);
/*
 * As html_escape, but at most `max` bytes of s, cut before a UTF-8
 * sequence that would not fit, then "…" when something was left out.
 */
void	html_escape_max(struct buf *, const char *s, size_t max);

#endif
