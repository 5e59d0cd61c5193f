/*
 * quote: a value from outside (a label, a header, a name) made fit for an
 * error message, a log line or the API: in double quotes, at most
 * QUOTE_SHOW bytes of it, every byte outside printable ASCII and the quote
 * and backslash as \xHH, "..." when cut. A hostile value can then neither
 * forge fields nor flood anything.
 */
#ifndef HALE_QUOTE_H
#define HALE_QUOTE_H

#include <stddef.h>

#define QUOTE_SHOW	48
/* Room for the longest result: quotes, 48 bytes of \xHH, "...", NUL. */
#define QUOTE_MAX	(2 + QUOTE_SHOW * 4 + 3 + 1)

/* Writes the quoted form of s into dst (always NUL-terminated). */
void	quote_value(const char *s, char *dst, size_t dstlen);

#endif
