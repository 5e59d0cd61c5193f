/*
 * procpid: what /proc/<pid>/cgroup and /proc/self/mountinfo tell about a
 * process: its cgroup in each hierarchy, the id cAdvisor names its
 * container by, and whether hale itself runs in a container. The one
 * reader of these files (the parsing is parse_procpid.c). Every path goes
 * through the --path.procfs root the caller passes.
 */
#ifndef HALE_CGROUP_PROCPID_H
#define HALE_CGROUP_PROCPID_H

#include <stddef.h>
#include <sys/types.h>

/*
 * <procfs>/<pid>/cgroup into buf[0..cap - 1), NUL-terminated after *len
 * bytes: 0, or -1 with a message (no such pid, unreadable, too large).
 */
int	cgroup_pid_cgroup(const char *procfs, pid_t pid, char *buf,
	    size_t cap, size_t *len, char *err, size_t errlen);
/*
 * The cAdvisor id (cgroup path, e.g. "/system.slice/docker-<id>.scope")
 * of a process, from its /proc/<pid>/cgroup (cgroup_parse_cadvisor_id):
 * 0, or -1 with a message.
 */
int	cgroup_id_of_pid(const char *procfs, pid_t pid, char *out,
	    size_t outlen, char *err, size_t errlen);
/*
 * The same, in the shape of the inventory's cgroup resolver: `procfs` is
 * the root as a const char *. 0, or -1.
 */
int	cgroup_id_resolve(const void *procfs, pid_t pid, char *out, size_t outlen);
/*
 * The container id of this process, if it runs in one: from
 * <procfs>/self/mountinfo (which holds with a private cgroup namespace),
 * else from <procfs>/self/cgroup. 0 with `out` (outlen >= 65) filled and
 * *how = "mountinfo" or "cgroup"; -1 and out "" when not in a container.
 */
int	cgroup_self_container(const char *procfs, char *out, size_t outlen,
	    const char **how);

#endif
