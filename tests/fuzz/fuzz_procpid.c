/*
 * /proc/<pid>/cgroup and /proc/<pid>/mountinfo: the paths fit the
 * caller's buffer, an id found is always 64 hex digits, and the host's
 * filesystems are distinct block devices.
 */
#include "fuzz.h"

#include <ctype.h>

#include "cgroup/cgroup_parse.h"

static void
check_id(const char *id)
{
	size_t	 i;

	for (i = 0; id[i] != '\0'; i++)
		FUZZ_CHECK(isxdigit((unsigned char)id[i]));
	FUZZ_CHECK(i == 64);
}

/* The host's filesystems: distinct devices, /dev/ sources, bounded points. */
static void
mounts(const char *buf, size_t len)
{
	struct cgroup_mount	 m[8];
	size_t			 n, i, j;

	n = cgroup_parse_mounts(buf, len, m, 8);
	FUZZ_CHECK(n <= 8);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(m[i].major != 0);
		FUZZ_CHECK(strncmp(m[i].source, "/dev/", 5) == 0);
		FUZZ_CHECK(strlen(m[i].point) <= CGROUP_MOUNT_POINT_MAX);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(m[j].major != m[i].major ||
			    m[j].minor != m[i].minor);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ctl[] = { "", "cpuacct", "memory", "pids" };
	char	 path[128], id[65], err[256], *buf;
	size_t	 len;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = fuzz_bytes(data + 1, len);
	switch (data[0] % 4) {
	case 0:
		if (cgroup_parse_proc_cgroup(buf, len, ctl[(data[0] >> 2) % 4],
		    path, sizeof(path), err, sizeof(err)) == 0)
			FUZZ_CHECK(memchr(path, '\0', sizeof(path)) != NULL);
		break;
	case 1:
		if (cgroup_parse_cadvisor_id(buf, len, path, sizeof(path)) == 0)
			FUZZ_CHECK(memchr(path, '\0', sizeof(path)) != NULL);
		break;
	case 2:
		if (cgroup_parse_container_id(buf, len, id) == 0)
			check_id(id);
		break;
	default:
		if (cgroup_parse_mountinfo_id(buf, len, id) == 0)
			check_id(id);
		mounts(buf, len);
		break;
	}
	free(buf);
	return 0;
}
