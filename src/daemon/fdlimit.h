/*
 * fdlimit: the descriptors haled may keep open. At start the soft
 * RLIMIT_NOFILE is raised to the hard one; the collector's budget of kept
 * cgroup descriptors is what remains after a reserve for everything else
 * (connections, Docker, probes, the filesystem walk).
 */
#ifndef HALE_FDLIMIT_H
#define HALE_FDLIMIT_H

#include <stddef.h>
#include <stdint.h>

/* Descriptors left to the rest of haled, beyond the HTTP connections. */
#define FDLIMIT_RESERVE		256

/*
 * Raises the soft RLIMIT_NOFILE to the hard limit: the soft limit now in
 * force, or 0 with a message in err when it cannot be read.
 */
uint64_t fdlimit_raise(char *err, size_t errlen);
/*
 * The budget for `soft` descriptors: the configured one (-1: auto),
 * never more than soft minus the reserve and `connections`; *clamped is
 * set when a configured one had to be lowered.
 */
size_t	fdlimit_budget(uint64_t soft, int64_t configured, unsigned connections,
	    int *clamped);

#endif
