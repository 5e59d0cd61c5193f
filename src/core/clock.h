/*
 * clock: the monotonic clock in seconds, for durations and deadlines,
 * and the wall clock (unix seconds), for what a reader is shown.
 */
#ifndef HALE_CLOCK_H
#define HALE_CLOCK_H

double	clock_mono(void);
double	clock_wall(void);

#endif
