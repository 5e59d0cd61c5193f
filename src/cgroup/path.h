/*
 * path: building paths under the --path.sysfs and --path.procfs roots
 * (strlen and memcpy, no snprintf: a scrape builds several a container).
 */
#ifndef HALE_CGROUP_PATH_H
#define HALE_CGROUP_PATH_H

#include <stddef.h>
#include <sys/types.h>

/* dst = a + b; -1 (and dst "") if it does not fit. */
int	cgroup_path_join(char *dst, size_t len, const char *a, const char *b);
/* dst = <procfs>/<pid><suffix>; -1 (dst "") if too long or pid <= 0. */
int	cgroup_path_pid(char *dst, size_t len, const char *procfs, pid_t pid,
	    const char *suffix);

#endif
