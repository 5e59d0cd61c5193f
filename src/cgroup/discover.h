/*
 * discover: the containers on a host without asking Docker.
 *
 * Walks the v2 tree (v1/hybrid: the cpuacct hierarchy, else memory) for
 * docker-<64hex>.scope (systemd driver) and <64hex> (cgroupfs driver, any
 * parent) directories, at most CGROUP_DISCOVER_DEPTH levels deep, at most
 * CGROUP_DISCOVER_MAX results. A container's own sub-cgroups are not
 * searched.
 */
#ifndef HALE_CGROUP_DISCOVER_H
#define HALE_CGROUP_DISCOVER_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"

#define CGROUP_DISCOVER_DEPTH	8
#define CGROUP_DISCOVER_MAX	16384
struct cgroup_found {
	char	id[CGROUP_ID_MAX];
	char	container_id[65];
	/*
	 * v1 and hybrid: the first line of cgroup.procs, 0 if empty (the
	 * read maps other hierarchies' paths through it). v2:
	 * CGROUP_PID_FROM_PROCS, since the read opens cgroup.procs anyway.
	 */
	pid_t	pid;
};
/* Gets each container in directory order; returns -1 to stop the walk. */
typedef int (*cgroup_found_cb)(const struct cgroup_found *, void *arg);
int	cgroup_discover(const struct cgroup_env *, cgroup_found_cb, void *arg,
	    char *err, size_t errlen);

#endif
