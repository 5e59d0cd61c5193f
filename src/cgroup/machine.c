/*
 * machine: the host's totals for machine_cpu_cores (the online cpu list,
 * else /proc/cpuinfo), machine_memory_bytes and machine_swap_bytes
 * (MemTotal, SwapTotal of meminfo); machine_topo.c reads the rest.
 */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"

#define CPUINFO_MAX	(4 * 1024 * 1024)	/* grows with the core count */

int
cgroup_read_machine(const struct cgroup_env *env, struct cgroup_machine *m,
    char *err, size_t errlen)
{
	struct cgroup_meminfo	mi;
	char			path[CGROUP_PATH_MAX + 32], buf[8192];
	char			msg[128];
	size_t			len;
	int			rc;

	m->cpu_cores = 0;
	m->memory_bytes = m->swap_bytes = 0;
	m->have &= ~CGROUP_MACHINE_SWAP;
	/* online is one short line; cpuinfo is the fallback (chroots, tests). */
	snprintf(path, sizeof(path), "%s/devices/system/cpu/online",
	    env->sysfs);
	rc = file_read_at(AT_FDCWD, path, buf, sizeof(buf), &len);
	if (rc == -1 || cgroup_parse_cpulist(buf, len, &m->cpu_cores, msg,
	    sizeof(msg)) == -1) {
		/* cpuinfo grows with the core count: big hosts need the heap. */
		struct buf	b;

		buf_init(&b);
		snprintf(path, sizeof(path), "%s/cpuinfo", env->procfs);
		if (buf_reserve(&b, CPUINFO_MAX) == -1) {
			rc = -1;
			errno = ENOMEM;
		} else
			rc = file_read_at(AT_FDCWD, path, b.data,
			    CPUINFO_MAX + 1, &len);
		if (rc == -1)
			snprintf(msg, sizeof(msg), "%s", errno == ENOENT ?
			    "not found" : strerror(errno));
		else if (cgroup_parse_cpuinfo(b.data, len, &m->cpu_cores, msg,
		    sizeof(msg)) == -1)
			rc = -1;
		buf_free(&b);
		if (rc == -1)
			return err_set(err, errlen, "cpu count: %s", msg);
	}
	snprintf(path, sizeof(path), "%s/meminfo", env->procfs);
	if (file_read_at(AT_FDCWD, path, buf, sizeof(buf), &len) == -1)
		return err_set(err, errlen, "%s: %s", path, errno == ENOENT ?
		    "not found" : strerror(errno));
	if (cgroup_parse_meminfo(buf, len, &mi, msg, sizeof(msg)) == -1)
		return err_set(err, errlen, "%s: %s", path, msg);
	m->memory_bytes = mi.mem_total;
	if (mi.have & CGROUP_MI_SWAPTOTAL) {
		m->swap_bytes = mi.swap_total;
		m->have |= CGROUP_MACHINE_SWAP;
	}
	return 0;
}

void
cgroup_machine_copy_topo(struct cgroup_machine *dst,
    const struct cgroup_machine *src)
{
	dst->have = (dst->have & CGROUP_MACHINE_SWAP) |
	    (src->have & ~CGROUP_MACHINE_SWAP);
	dst->sockets = src->sockets;
	dst->physical_cores = src->physical_cores;
	dst->books = src->books;
	dst->drawers = src->drawers;
	memcpy(dst->dimm, src->dimm, sizeof(dst->dimm));
	dst->ndimm = src->ndimm;
	memcpy(dst->boot_id, src->boot_id, sizeof(dst->boot_id));
	memcpy(dst->machine_id, src->machine_id, sizeof(dst->machine_id));
	memcpy(dst->system_uuid, src->system_uuid, sizeof(dst->system_uuid));
}
