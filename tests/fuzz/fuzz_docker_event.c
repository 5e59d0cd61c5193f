/* One events line: the parser, the salvage of an oversized line, the Action names. */
#include "fuzz.h"

#include "core/id.h"
#include "docker/docker_parse.h"

static void
check_event(const struct docker_event *ev)
{
	size_t	 n = strlen(ev->id);

	FUZZ_CHECK(n == 0 || n == DOCKER_ID_LEN);
	FUZZ_CHECK(ev->action >= DOCKER_ACTION_OTHER &&
	    ev->action < DOCKER_ACTION_COUNT);
	FUZZ_CHECK(docker_action_name(ev->action) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_event	 ev;
	char			 err[256], *buf;
	enum docker_action	 a;

	buf = fuzz_bytes(data, size);
	memset(&ev, 0, sizeof(ev));
	if (docker_parse_event(buf, size, &ev, err, sizeof(err)) == 0)
		check_event(&ev);
	else
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	memset(&ev, 0, sizeof(ev));
	if (docker_event_salvage(buf, size, &ev) == 0)
		check_event(&ev);
	a = docker_action_parse(buf, size);
	FUZZ_CHECK(a >= DOCKER_ACTION_OTHER && a < DOCKER_ACTION_COUNT);
	free(buf);
	return 0;
}
