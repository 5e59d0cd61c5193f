/*
 * devnames: io.stat device names: MAJ:MIN -> "/dev/<DEVNAME>" from
 * <sysfs>/dev/block/MAJ:MIN/uevent, "MAJ:MIN" when unknown, as cAdvisor
 * labels them. Cached; the cache is flushed when full.
 */
#ifndef HALE_CGROUP_DEVNAMES_H
#define HALE_CGROUP_DEVNAMES_H

#include <stddef.h>

#include "cgroup/cgroup.h"

#define CGROUP_DEVNAMES_MAX	256
struct cgroup_devname {
	unsigned	major;
	unsigned	minor;
	/* device="/dev/<name of 32>" ready to print, escaped (U+FFFD is 3 bytes) */
	char		label[10 + 3 * (5 + 32) + 1];
};
struct cgroup_devnames {
	struct cgroup_devname	ent[CGROUP_DEVNAMES_MAX];
	size_t			n;
};
void	cgroup_devnames_init(struct cgroup_devnames *);
/* The preformatted `device="/dev/sda"` label for maj:min. */
const char *cgroup_devnames_label(struct cgroup_devnames *,
	    const struct cgroup_env *, unsigned major, unsigned minor);

#endif
