/* clock: the monotonic clock in seconds, for durations and deadlines. */
#ifndef HALE_CLOCK_H
#define HALE_CLOCK_H

double	clock_mono(void);

#endif
