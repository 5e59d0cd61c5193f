/* RFC 3339 timestamps from inspect and events: a result is never negative or NaN. */
#include "fuzz.h"

#include <math.h>

#include "docker/docker_parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size);
	double	 t = -1;

	if (docker_parse_time(s, &t) == 0)
		FUZZ_CHECK(isfinite(t) && t >= 0);
	free(s);
	return 0;
}
