#include "core/rand.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void
rand_seed(struct rand_state *r)
{
	struct timespec	 ts;

	if (getrandom(&r->s, sizeof(r->s), GRND_NONBLOCK) == (ssize_t)sizeof(r->s))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->s = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)getpid() << 16);
}

uint64_t
rand_next(struct rand_state *r)
{
	uint64_t	 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
rand_unit(struct rand_state *r)
{
	return (double)(rand_next(r) >> 11) * 0x1.0p-53;
}
