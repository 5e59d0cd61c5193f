/*
 * GET /version, the API version negotiation, "1.41" strings, and
 * --docker.host endpoints: the first byte picks which.
 */
#include "fuzz.h"

#include "docker/docker_parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_version	 v;
	struct docker_endpoint	 ep;
	char			 err[256], *buf;
	int			 api;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		buf = fuzz_bytes(data + 1, size - 1);
		memset(&v, 0, sizeof(v));
		if (docker_parse_version(buf, size - 1, &v, err, sizeof(err)) == 0) {
			FUZZ_CHECK(memchr(v.version, '\0', sizeof(v.version)) != NULL);
			api = docker_api_negotiate(&v, err, sizeof(err));
			FUZZ_CHECK(api == -1 ||
			    (api >= DOCKER_API_MIN && api <= DOCKER_API_CEIL));
		}
		break;
	case 1:
		buf = fuzz_str(data + 1, size - 1);
		api = docker_api_parse(buf);
		FUZZ_CHECK(api >= -1);
		break;
	default:
		buf = fuzz_str(data + 1, size - 1);
		memset(&ep, 0, sizeof(ep));
		if (docker_endpoint_parse(buf, &ep, err, sizeof(err)) == 0) {
			FUZZ_CHECK(memchr(ep.socket_path, '\0', sizeof(ep.socket_path)) != NULL);
			FUZZ_CHECK(memchr(ep.base_url, '\0', sizeof(ep.base_url)) != NULL);
		}
		break;
	}
	free(buf);
	return 0;
}
