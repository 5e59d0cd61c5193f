/*
 * utf8: the one check that text from outside (interface names from
 * procfs, names and labels from a Docker-compatible engine) is UTF-8
 * before a writer that promises UTF-8 emits it: the exposition (whose
 * parsers reject a whole scrape for one bad byte), the JSON views (cJSON
 * copies bytes as they are) and the log.
 *
 * Each ill-formed sequence (a stray continuation byte, a truncated or
 * overlong sequence, a surrogate, a code point past U+10FFFF) becomes one
 * U+FFFD REPLACEMENT CHARACTER per maximal subpart, as the Unicode
 * standard recommends (and as browsers, Python and Go do). U+FFFD is a
 * plain character to Prometheus, JSON and logfmt alike, needs no escape,
 * and shows a reader that a byte was lost; a \xHH spelling would be an
 * invalid escape in a label value.
 */
#ifndef HALE_UTF8_H
#define HALE_UTF8_H

#include <stddef.h>

#include "core/buf.h"

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/*
 * The sequence starting at s[0] (n > 0 bytes available): its length (1
 * to 4) when well formed, or minus the length of the ill-formed subpart
 * to replace by one U+FFFD (-1 to -3). It stops at the first byte out
 * of place, so a NUL-terminated string may pass n = 4.
 */
int	utf8_seq(const char *s, size_t n);
/* The length of the longest well-formed prefix of s[0..n). */
size_t	utf8_valid_len(const char *s, size_t n);
/* Appends s[0..n) to b with each ill-formed subpart replaced. */
void	utf8_append(struct buf *b, const char *s, size_t n);
/*
 * A malloc'ed, NUL-terminated copy of the NUL-terminated s with each
 * ill-formed subpart replaced; NULL when out of memory.
 */
char	*utf8_dup(const char *s);

#endif
