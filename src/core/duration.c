/* duration: parse and print Go-style durations. */
#include "core/duration.h"

#include <stdio.h>
#include <string.h>

/* Ten years: anything longer is a typo, and it keeps the sums far from overflow. */
#define DURATION_MAX_MS	(10ULL * 366 * 24 * 3600 * 1000)

static const struct {
	const char	*unit;
	uint64_t	 ms;
} units[] = {
	{ "ms", 1 },		/* before "m", so "5ms" is not read as "5m" + "s" */
	{ "s", 1000 },
	{ "m", 60 * 1000 },
	{ "h", 3600 * 1000 },
	{ "d", 24 * 3600 * 1000 },
};

static int
parse_unit(const char **p, uint64_t *mult)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		n = strlen(units[i].unit);
		if (strncmp(*p, units[i].unit, n) == 0) {
			*p += n;
			*mult = units[i].ms;
			return 0;
		}
	}
	return -1;
}

int
duration_parse(const char *s, uint64_t *ms)
{
	uint64_t	 total = 0, num, mult;
	const char	*p = s;

	if (s == NULL || *s == '\0')
		return -1;
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			return -1;
		for (num = 0; *p >= '0' && *p <= '9'; p++) {
			num = num * 10 + (uint64_t)(*p - '0');
			if (num > DURATION_MAX_MS)
				return -1;
		}
		if (parse_unit(&p, &mult) == -1)
			return -1;
		if (num > DURATION_MAX_MS / mult)
			return -1;
		total += num * mult;
		if (total > DURATION_MAX_MS)
			return -1;
	}
	*ms = total;
	return 0;
}

void
duration_format(uint64_t ms, char *dst, size_t dstlen)
{
	size_t	 i, off = 0;

	if (ms == 0) {
		snprintf(dst, dstlen, "0s");
		return;
	}
	dst[0] = '\0';
	/* Largest unit first; skip "d" so output reads like Go's (25h, not 1d1h). */
	for (i = sizeof(units) / sizeof(units[0]) - 1; i-- > 0 && off < dstlen;) {
		uint64_t q = ms / units[i].ms;

		if (q == 0)
			continue;
		ms -= q * units[i].ms;
		off += (size_t)snprintf(dst + off, dstlen - off, "%llu%s",
		    (unsigned long long)q, units[i].unit);
	}
}
