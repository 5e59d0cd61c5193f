/*
 * /proc/<pid>/cgroup and /proc/<pid>/mountinfo: the paths fit the
 * caller's buffer and an id found is always 64 hex digits.
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
		break;
	}
	free(buf);
	return 0;
}
