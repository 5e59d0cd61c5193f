/*
 * diskstats: the reader of <procfs>/diskstats and the lookup of a device.
 */
#include "cgroup/diskstats.h"

#include <stdio.h>

#include "core/err.h"
#include "core/file.h"

int
cgroup_diskstats_read(const struct cgroup_env *env, struct buf *b,
    struct cgroup_diskstat *devs, size_t cap, size_t *n, char *err,
    size_t errlen)
{
	char	path[CGROUP_PATH_MAX + 16];

	*n = 0;
	buf_reset(b);
	snprintf(path, sizeof(path), "%s/diskstats", env->procfs);
	if (file_read_buf(path, CGROUP_DISKSTATS_FILE_MAX, b) == -1)
		return err_set(err, errlen, "%s: %s", path,
		    file_strerror(errno));
	if (b->len == 0)
		return 0;	/* no block devices at all */
	return cgroup_parse_diskstats(b->data, b->len, devs, cap, n, err,
	    errlen);
}

const struct cgroup_diskstat *
cgroup_diskstats_find(const struct cgroup_diskstat *devs, size_t n,
    unsigned major, unsigned minor)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (devs[i].major == major && devs[i].minor == minor)
			return &devs[i];
	return NULL;
}
