/*
 * docker_parse_names: the names of Docker's event actions, health
 * statuses and container states, both ways, and the container id check.
 */
#include "docker/docker_parse.h"

#include <string.h>

#include "core/id.h"

static const char *const action_names[DOCKER_ACTION_COUNT] = {
	[DOCKER_ACTION_OTHER] = "other",
	[DOCKER_ACTION_CREATE] = "create",
	[DOCKER_ACTION_START] = "start",
	[DOCKER_ACTION_RESTART] = "restart",
	[DOCKER_ACTION_DIE] = "die",
	[DOCKER_ACTION_STOP] = "stop",
	[DOCKER_ACTION_KILL] = "kill",
	[DOCKER_ACTION_PAUSE] = "pause",
	[DOCKER_ACTION_UNPAUSE] = "unpause",
	[DOCKER_ACTION_OOM] = "oom",
	[DOCKER_ACTION_DESTROY] = "destroy",
	[DOCKER_ACTION_RENAME] = "rename",
	[DOCKER_ACTION_HEALTH_STATUS] = "health_status",
	[DOCKER_ACTION_UPDATE] = "update",
	[DOCKER_ACTION_ATTACH] = "attach",
	[DOCKER_ACTION_DETACH] = "detach",
	[DOCKER_ACTION_COMMIT] = "commit",
	[DOCKER_ACTION_COPY] = "copy",
	[DOCKER_ACTION_EXPORT] = "export",
	[DOCKER_ACTION_RESIZE] = "resize",
	[DOCKER_ACTION_TOP] = "top",
	[DOCKER_ACTION_PRUNE] = "prune",
	[DOCKER_ACTION_EXEC_CREATE] = "exec_create",
	[DOCKER_ACTION_EXEC_START] = "exec_start",
	[DOCKER_ACTION_EXEC_DIE] = "exec_die",
	[DOCKER_ACTION_EXEC_DETACH] = "exec_detach",
};

const char *
docker_action_name(enum docker_action a)
{
	if ((unsigned)a >= DOCKER_ACTION_COUNT)
		a = DOCKER_ACTION_OTHER;
	return action_names[a];
}

enum docker_action
docker_action_parse(const char *s, size_t len)
{
	const char	*colon;
	size_t		 i, n;

	/* "health_status: healthy", "exec_start: sh -c x": the verb is before ':'. */
	colon = memchr(s, ':', len);
	n = colon != NULL ? (size_t)(colon - s) : len;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (i = 1; i < DOCKER_ACTION_COUNT; i++)
		if (strlen(action_names[i]) == n &&
		    memcmp(action_names[i], s, n) == 0)
			return (enum docker_action)i;
	/* Podman's spellings on its Docker-compatible socket. */
	if (n == 4 && memcmp(s, "died", 4) == 0)
		return DOCKER_ACTION_DIE;
	if (n == 6 && memcmp(s, "remove", 6) == 0)
		return DOCKER_ACTION_DESTROY;
	return DOCKER_ACTION_OTHER;
}

static const char *const health_names[] = {
	[DOCKER_HEALTH_NONE] = "none",
	[DOCKER_HEALTH_STARTING] = "starting",
	[DOCKER_HEALTH_HEALTHY] = "healthy",
	[DOCKER_HEALTH_UNHEALTHY] = "unhealthy",
};

const char *
docker_health_name(enum docker_health h)
{
	if ((unsigned)h > DOCKER_HEALTH_UNHEALTHY)
		h = DOCKER_HEALTH_NONE;
	return health_names[h];
}

int
docker_health_value(enum docker_health h)
{
	switch (h) {
	case DOCKER_HEALTH_HEALTHY:
		return 1;
	case DOCKER_HEALTH_STARTING:
	case DOCKER_HEALTH_UNHEALTHY:
		return 0;
	case DOCKER_HEALTH_NONE:
		break;
	}
	return -1;
}

int
docker_health_parse(const char *s, enum docker_health *out)
{
	unsigned	 i;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	for (i = 0; i <= DOCKER_HEALTH_UNHEALTHY; i++)
		if (strcmp(s, health_names[i]) == 0) {
			*out = (enum docker_health)i;
			return 0;
		}
	return -1;
}

static const char *const state_names[DOCKER_STATE_COUNT] = {
	[DOCKER_STATE_UNKNOWN] = "unknown",
	[DOCKER_STATE_CREATED] = "created",
	[DOCKER_STATE_RUNNING] = "running",
	[DOCKER_STATE_PAUSED] = "paused",
	[DOCKER_STATE_RESTARTING] = "restarting",
	[DOCKER_STATE_REMOVING] = "removing",
	[DOCKER_STATE_EXITED] = "exited",
	[DOCKER_STATE_DEAD] = "dead",
};

const char *
docker_state_name(enum docker_state s)
{
	if ((unsigned)s >= DOCKER_STATE_COUNT)
		s = DOCKER_STATE_UNKNOWN;
	return state_names[s];
}

enum docker_state
docker_state_parse(const char *s)
{
	unsigned	 i;

	if (s == NULL)
		return DOCKER_STATE_UNKNOWN;
	for (i = 1; i < DOCKER_STATE_COUNT; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum docker_state)i;
	return DOCKER_STATE_UNKNOWN;
}
