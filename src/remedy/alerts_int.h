/*
 * alerts_int: the alert table's records, shared by the table (alerts.c)
 * and its view (alerts_view.c).
 */
#ifndef HALE_ALERTS_INT_H
#define HALE_ALERTS_INT_H

#include "remedy/alerts.h"

#define ALERTS_TEXT_MAX	512

struct alert {
	const char	*alertname;	/* static */
	const char	*severity;	/* static */
	int		 held;		/* ends `hold` after the last event */
	struct event	 ev;		/* the last one that fired it */
	char		 host[256];
	char		 summary[ALERTS_TEXT_MAX];
	double		 starts;
	double		 ends;		/* held: the end of the hold */
	double		 resolved;	/* 0: firing */
};

struct alerts {
	struct alert	*a;
	size_t		 n;
	size_t		 cap;
};

#endif
