/*
 * timefmt: the one RFC 3339 writer. The JSON API and notifications write
 * microseconds (TIMEFMT_API); log lines write milliseconds (TIMEFMT_LOG).
 * Always UTC with a "Z".
 */
#ifndef HALE_TIMEFMT_H
#define HALE_TIMEFMT_H

#include <stddef.h>

#define TIMEFMT_API	6	/* 2026-11-23T13:32:03.148211Z */
#define TIMEFMT_LOG	3	/* 2026-11-23T13:32:03.148Z */
#define TIMEFMT_MAX	40	/* room for any of them, NUL included */

/*
 * Seconds since the epoch as RFC 3339 with `digits` (3 or 6) fractional
 * digits, rounded to the nearest. Writes "" and returns -1 for t <= 0 (a
 * time that was never set) or a time gmtime cannot represent.
 */
int	timefmt_rfc3339(double t, int digits, char *dst, size_t len);

#endif
