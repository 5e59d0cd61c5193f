/*
 * machine: the host's totals for machine_cpu_cores (the online cpu list,
 * else /proc/cpuinfo) and machine_memory_bytes (MemTotal of meminfo).
 */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/read.h"
#include "core/buf.h"

static int	 perr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
cgroup_read_machine(const struct cgroup_env *env, struct cgroup_machine *m,
    char *err, size_t errlen)
{
	struct cgroup_meminfo	mi;
	char			path[CGROUP_PATH_MAX + 32], buf[8192];
	char			msg[128];
	size_t			len;
	int			rc;

	memset(m, 0, sizeof(m[0]));
	/* online is one short line; cpuinfo is the fallback (chroots, tests). */
	snprintf(path, sizeof(path), "%s/devices/system/cpu/online",
	    env->sysfs);
	rc = cgroup_file_read_path(path, buf, sizeof(buf) - 1, &len);
	if (rc != 1 || cgroup_parse_cpulist(buf, len, &m->cpu_cores, msg,
	    sizeof(msg)) == -1) {
		/* cpuinfo grows with the core count: big hosts need the heap. */
		struct buf	b;

		buf_init(&b);
		snprintf(path, sizeof(path), "%s/cpuinfo", env->procfs);
		if (buf_reserve(&b, 4 * 1024 * 1024) == -1)
			rc = -1;
		else
			rc = cgroup_file_read_path(path, b.data,
			    4 * 1024 * 1024, &len);
		if (rc != 1)
			snprintf(msg, sizeof(msg), "%s", rc == 0 ?
			    "not found" : strerror(errno));
		else if (cgroup_parse_cpuinfo(b.data, len, &m->cpu_cores, msg,
		    sizeof(msg)) == 0)
			rc = 2;
		buf_free(&b);
		if (rc != 2)
			return perr(err, errlen, "cpu count: %s", msg);
	}
	snprintf(path, sizeof(path), "%s/meminfo", env->procfs);
	if ((rc = cgroup_file_read_path(path, buf, sizeof(buf) - 1, &len)) !=
	    1)
		return perr(err, errlen, "%s: %s", path, rc == 0 ?
		    "not found" : strerror(errno));
	if (cgroup_parse_meminfo(buf, len, &mi, msg, sizeof(msg)) == -1)
		return perr(err, errlen, "%s: %s", path, msg);
	m->memory_bytes = mi.mem_total;
	return 0;
}
