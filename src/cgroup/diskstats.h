/*
 * diskstats: <procfs>/diskstats read whole and parsed, and the line of
 * one device found in it. The counters are the whole device's, as the
 * kernel keeps them: the same for every container on that device.
 */
#ifndef HALE_CGROUP_DISKSTATS_H
#define HALE_CGROUP_DISKSTATS_H

#include <stddef.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_parse.h"
#include "core/buf.h"

#define CGROUP_DISKSTATS_MAX		1024		/* devices kept */
#define CGROUP_DISKSTATS_FILE_MAX	(1u << 20)	/* bytes read */

/*
 * Reads and parses the file into devs[0..cap), `scratch` holding its
 * bytes: 0 with *n set, or -1 with err set (absent, too large, malformed).
 */
int	cgroup_diskstats_read(const struct cgroup_env *, struct buf *scratch,
	    struct cgroup_diskstat *devs, size_t cap, size_t *n,
	    char *err, size_t errlen);
/* The line of major:minor (a partition has its own), or NULL. */
const struct cgroup_diskstat *cgroup_diskstats_find(
	    const struct cgroup_diskstat *, size_t n, unsigned major,
	    unsigned minor);

#endif
