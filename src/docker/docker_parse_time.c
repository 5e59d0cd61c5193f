/*
 * docker_parse_time: Docker's RFC 3339 timestamps to unix seconds.
 */
#include "docker/docker_parse.h"

#include <ctype.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Exactly `n` decimal digits at *p; advances p. -1 if not. */
static int
digits(const char **p, int n)
{
	int	 v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

int
docker_parse_time(const char *s, double *out)
{
	int		 y, mo, d, h, mi, sec, oh, om, sign;
	double		 frac = 0, scale = 0.1;
	long long	 days;
	const char	*p = s;

	if (s == NULL)
		return -1;
	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 1 || d > 31 || (*p != 'T' && *p != 't') ||
	    (p++, (h = digits(&p, 2)) < 0) || h > 23 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || mi > 59 || *p++ != ':' ||
	    (sec = digits(&p, 2)) < 0 || sec > 60)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			frac += (*p++ - '0') * scale;
			scale /= 10;
		}
	}
	oh = om = 0;
	sign = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if ((oh = digits(&p, 2)) < 0 || oh > 23 || *p++ != ':' ||
		    (om = digits(&p, 2)) < 0 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	if (y < 1970) {
		/* Go's zero time means "never". */
		*out = 0;
		return 0;
	}
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out = (double)(days * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60)) + frac;
	if (*out < 0)
		*out = 0;
	return 0;
}
