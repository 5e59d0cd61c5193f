/*
 * rand: the one generator of the jitter that spreads reconnects and probe
 * schedules (splitmix64). Not for secrets. Each user keeps its own state,
 * so tests seed it and get the same sequence every run.
 */
#ifndef HALE_RAND_H
#define HALE_RAND_H

#include <stdint.h>

struct rand_state {
	uint64_t	s;
};

/* A seed that differs between processes and starts (getrandom, else time and pid). */
void		rand_seed(struct rand_state *);
uint64_t	rand_next(struct rand_state *);
/* Uniform in [0, 1). */
double		rand_unit(struct rand_state *);

#endif
