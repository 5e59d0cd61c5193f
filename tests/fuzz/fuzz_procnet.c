/* /proc/<pid>/net/dev: kept interfaces are within the cap, named, and not ignored ones. */
#include "fuzz.h"

#include "cgroup/procnet.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procnet_iface	 ifs[PROCNET_MAX_IFACES];
	char			 err[256], *buf = fuzz_bytes(data, size);
	size_t			 n = 0, i;

	if (procnet_parse(buf, size, ifs, PROCNET_MAX_IFACES, &n, err,
	    sizeof(err)) == 0) {
		FUZZ_CHECK(n <= PROCNET_MAX_IFACES);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(memchr(ifs[i].name, '\0', PROCNET_NAME_MAX) != NULL);
			FUZZ_CHECK(!procnet_ignored(ifs[i].name));
		}
	}
	free(buf);
	return 0;
}
