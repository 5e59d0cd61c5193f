/*
 * taskstats: a cgroup's task counts by state (container_tasks_state) from
 * the kernel's taskstats family over generic netlink: CGROUPSTATS_CMD_GET
 * with an open cgroup directory. The kernel answers it for cgroup v1
 * directories only (a cgroup2 one gets EINVAL) and asks no capability.
 * One request and its reply per container and collection, both within
 * sendto/recv: the kernel replies before sendto returns, so the socket is
 * non-blocking and a missing reply is an error, never a wait.
 */
#ifndef HALE_CGROUP_TASKSTATS_H
#define HALE_CGROUP_TASKSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup/cgroup_parse.h"

struct cgroup_taskstats {
	int		fd;
	uint16_t	family;
	uint32_t	seq;
};

/* The socket and the family's id; -1 when the kernel has no taskstats. */
int	cgroup_taskstats_open(struct cgroup_taskstats *, char *err,
	    size_t errlen);
void	cgroup_taskstats_close(struct cgroup_taskstats *);
/*
 * The counts of the cgroup whose directory `dirfd` is: 1, 0 when the
 * kernel has none for it (not a cgroup v1 directory), -1 on an error.
 */
int	cgroup_taskstats_query(struct cgroup_taskstats *, int dirfd,
	    struct cgroup_tasks *, char *err, size_t errlen);

#endif
