#include "core/num.h"

#include <string.h>

int
num_parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t	acc = 0;
	unsigned	d;
	size_t		i;

	if (len == 0)
		return -1;
	/*
	 * 19 digits stay below 2^64 (10^19 - 1 < 1.8 * 10^19): counters,
	 * almost every number read, need no per-digit overflow check.
	 */
	if (len <= 19) {
		for (i = 0; i < len; i++) {
			d = (unsigned)(unsigned char)s[i] - '0';
			if (d > 9)
				return -1;
			acc = acc * 10 + d;
		}
		*v = acc;
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return -1;
		acc = acc * 10 + d;
	}
	*v = acc;
	return 0;
}

int
num_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t	 n;
	size_t		 len = strnlen(s, 21);

	if (len > 20 || (s[0] == '0' && len > 1) ||
	    num_parse_u64(s, len, &n) == -1 || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

char *
num_format_u64(char *dst, uint64_t v)
{
	char	 tmp[NUM_U64_MAX];
	size_t	 i = sizeof(tmp);

	/* Hand-rolled: this runs for most samples of every scrape. */
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(dst, tmp + i, sizeof(tmp) - i);
	return dst + (sizeof(tmp) - i);
}
