#include "core/timefmt.h"

#include <stdio.h>
#include <time.h>

int
timefmt_rfc3339(double t, int digits, char *dst, size_t len)
{
	long		 scale = digits == TIMEFMT_LOG ? 1000 : 1000000;
	struct tm	 tm;
	time_t		 secs;
	long		 frac;

	if (len > 0)
		dst[0] = '\0';
	/* Past year 9999 RFC 3339 has no form, and time_t may not hold it. */
	if (!(t > 0) || t >= 253402300800.0)
		return -1;
	secs = (time_t)t;
	frac = (long)((t - (double)secs) * (double)scale + 0.5);
	if (frac >= scale) {
		secs++;
		frac -= scale;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	snprintf(dst, len, "%04d-%02d-%02dT%02d:%02d:%02d.%0*ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, digits == TIMEFMT_LOG ? 3 : 6, frac);
	return 0;
}
