/*
 * GET /containers/json and /containers/{id}/json replies: the first byte
 * picks the parser (and for inspect whether Config.Env is allow-listed). Parsed results must respect the documented caps.
 */
#include "fuzz.h"

#include "docker/docker_parse.h"

static void
inspect(const char *buf, size_t len, int with_env)
{
	static const char *const prefix[] = { "A", "PATH", "" };
	struct docker_inspect	 c;
	char			 err[256];
	size_t			 i;

	memset(&c, 0, sizeof(c));
	if (docker_parse_inspect_env(buf, len, prefix, with_env ? 3 : 0, &c,
	    err, sizeof(err)) == 0) {
		FUZZ_CHECK(c.nenv <= DOCKER_ENV_MAX);
		FUZZ_CHECK(with_env || (c.nenv == 0 && c.env == NULL));
		for (i = 0; i < c.nenv; i++)
			FUZZ_CHECK(*c.env[i].key != '\0' &&
			    strchr(c.env[i].key, '=') == NULL &&
			    strlen(c.env[i].value) <= DOCKER_ENV_VALUE_MAX);
		FUZZ_CHECK(strlen(c.id) == DOCKER_ID_LEN);
		FUZZ_CHECK(c.nlabels <= DOCKER_LABELS_MAX);
		FUZZ_CHECK(c.nlog <= DOCKER_HEALTH_LOG_MAX);
		FUZZ_CHECK(c.nnetworks <= DOCKER_NETWORKS_MAX);
		FUZZ_CHECK(c.nports <= DOCKER_PORTS_MAX);
		FUZZ_CHECK(c.hc.ntest <= DOCKER_HC_TEST_MAX);
		for (i = 0; i < c.nlabels; i++) {
			FUZZ_CHECK(c.labels[i].key != NULL && c.labels[i].value != NULL);
			/* sorted by key, so lookups may bisect */
			if (i > 0)
				FUZZ_CHECK(strcmp(c.labels[i - 1].key, c.labels[i].key) <= 0);
		}
		for (i = 0; i < c.nlog; i++)
			FUZZ_CHECK(c.log[i].output == NULL ||
			    strlen(c.log[i].output) <= DOCKER_HEALTH_OUTPUT_MAX);
	}
	docker_inspect_free(&c);
}

static void
list(const char *buf, size_t len)
{
	struct docker_list	 l;
	char			 err[256];
	size_t			 i;

	memset(&l, 0, sizeof(l));
	if (docker_parse_containers_list(buf, len, &l, err, sizeof(err)) == 0) {
		FUZZ_CHECK(l.n <= DOCKER_LIST_MAX);
		for (i = 0; i < l.n; i++)
			FUZZ_CHECK(strlen(l.items[i].id) == DOCKER_ID_LEN);
	}
	docker_list_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf;

	if (size < 1)
		return 0;
	buf = fuzz_bytes(data + 1, size - 1);
	if (data[0] & 1)
		list(buf, size - 1);
	else
		inspect(buf, size - 1, data[0] & 2);
	free(buf);
	return 0;
}
