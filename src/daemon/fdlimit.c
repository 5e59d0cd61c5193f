/* fdlimit: RLIMIT_NOFILE raised, and the kept-descriptor budget under it. */
#include "daemon/fdlimit.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "core/err.h"

uint64_t
fdlimit_raise(char *err, size_t errlen)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		err_set(err, errlen, "getrlimit: %s", strerror(errno));
		return 0;
	}
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		/* Refused (a hard limit above nr_open): keep the soft one. */
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
		    getrlimit(RLIMIT_NOFILE, &rl) == -1) {
			err_set(err, errlen, "getrlimit: %s", strerror(errno));
			return 0;
		}
	}
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}

size_t
fdlimit_budget(uint64_t soft, int64_t configured, unsigned connections,
    int *clamped)
{
	uint64_t	reserve = FDLIMIT_RESERVE + (uint64_t)connections;
	uint64_t	room = soft > reserve ? soft - reserve : 0;

	*clamped = 0;
	if (room > SIZE_MAX)
		room = SIZE_MAX;
	if (configured < 0)
		return (size_t)room;
	if ((uint64_t)configured > room) {
		*clamped = 1;
		return (size_t)room;
	}
	return (size_t)configured;
}
