/*
 * num: the one parser of unsigned decimal numbers. Strict: digits only, no
 * sign, no blanks, no base prefixes; overflow is an error. And the one
 * writer of them. Pure.
 */
#ifndef HALE_NUM_H
#define HALE_NUM_H

#include <stddef.h>
#include <stdint.h>

/* s[0..len) as a uint64_t: 0, or -1 when empty, not digits, or too large. */
int	num_parse_u64(const char *s, size_t len, uint64_t *v);
/*
 * A NUL-terminated decimal without leading zeros ("0" itself is fine), in
 * [min, max]: 0, or -1. For values people write (ports, counts, codes).
 */
int	num_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v);
/* v in decimal at dst (room for NUM_U64_MAX bytes, no NUL); returns the end. */
#define NUM_U64_MAX	20
char	*num_format_u64(char *dst, uint64_t v);

#endif
