/*
 * docker_parse_event: one line of GET /events to a struct docker_event,
 * and the salvage of a line too long to parse. Field names from moby's
 * api/docs/v1.41.yaml, checked against Docker 20.10 and Podman captures
 * (tests/fixtures/docker/).
 */
#include "docker/docker_parse.h"

#include <string.h>

#include <cJSON.h>

#include "core/err.h"
#include "core/id.h"
#include "docker/docker_parse_json.h"

/* Attributes values are strings; the health status may be in several places. */
static enum docker_health
event_health(const char *action, const cJSON *root, const cJSON *attrs)
{
	enum docker_health	 h = DOCKER_HEALTH_NONE;
	const char		*colon;

	if ((colon = strchr(action, ':')) != NULL &&
	    docker_health_parse(colon + 1, &h) == 0)
		return h;
	/* Podman: bare "health_status", status in a field of its own. */
	if (docker_health_parse(jstr(root, "HealthStatus"), &h) == 0)
		return h;
	if (docker_health_parse(jstr(attrs, "health_status"), &h) == 0)
		return h;
	return DOCKER_HEALTH_NONE;
}

static void
event_attributes(struct docker_event *ev, const cJSON *root,
    const cJSON *attrs)
{
	const char	*s;
	double		 tn;

	copy_trunc(ev->name, sizeof(ev->name), jstr(attrs, "name"));
	if ((s = jstr(attrs, "image")) == NULL)
		s = jstr(root, "from");
	copy_trunc(ev->image, sizeof(ev->image), s);
	if ((s = jstr(attrs, "oldName")) != NULL && *s == '/')
		s++;
	copy_trunc(ev->old_name, sizeof(ev->old_name), s);
	ev->exit_code = parse_int_text(jstr(attrs, "exitCode"), -1);
	if (ev->exit_code == -1)	/* Podman */
		ev->exit_code = parse_int_text(jstr(attrs,
		    "containerExitCode"), -1);
	ev->signal = parse_int_text(jstr(attrs, "signal"), -1);
	tn = jdouble(root, "timeNano", 0);
	if (tn > 0)
		ev->time = tn / 1e9;
	else if ((ev->time = jdouble(root, "time", 0)) < 0)
		ev->time = 0;
}

int
docker_parse_event(const char *json, size_t len, struct docker_event *ev,
    char *err, size_t errlen)
{
	cJSON		*root;
	const cJSON	*actor, *attrs;
	const char	*type, *action, *id;
	int		 rc = -1;

	memset(ev, 0, sizeof(*ev));
	ev->exit_code = ev->signal = -1;
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		err_set(err, errlen, "event is not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		err_set(err, errlen, "event is not a JSON object");
		goto out;
	}
	actor = jget(root, "Actor");
	attrs = jget(actor, "Attributes");
	type = jstr(root, "Type");
	if ((action = jstr(root, "Action")) == NULL)
		action = jstr(root, "status");
	if ((id = jstr(actor, "ID")) == NULL)
		id = jstr(root, "id");
	if (type != NULL && strcmp(type, "container") != 0) {
		rc = 1;
		goto out;
	}
	if (action == NULL) {
		err_set(err, errlen, "event has no Action");
		goto out;
	}
	ev->action = docker_action_parse(action, strlen(action));
	if (ev->action == DOCKER_ACTION_PRUNE && (id == NULL || *id == '\0')) {
		rc = 0;
		goto attributes;
	}
	if (!id_valid(id)) {
		/* Before API 1.22 (no Type) image events looked the same. */
		if (type == NULL) {
			rc = 1;
			goto out;
		}
		err_set(err, errlen, "event has no valid container id");
		goto out;
	}
	memcpy(ev->id, id, DOCKER_ID_LEN + 1);
	rc = 0;
attributes:
	if (ev->action == DOCKER_ACTION_HEALTH_STATUS)
		ev->health = event_health(action, root, attrs);
	event_attributes(ev, root, attrs);
out:
	cJSON_Delete(root);
	return rc;
}

/* The string value after the first `"key":"` in p[0..len), bounded. */
static int
salvage_value(const char *p, size_t len, const char *key, const char **val,
    size_t *vlen)
{
	const char	*k, *end = p + len, *q;
	size_t		 kl = strlen(key);

	if ((k = memmem(p, len, key, kl)) == NULL)
		return -1;
	*val = k + kl;
	if ((q = memchr(*val, '"', (size_t)(end - *val))) == NULL)
		q = end;	/* cut off: take what there is */
	*vlen = (size_t)(q - *val);
	return 0;
}

int
docker_event_salvage(const char *p, size_t len, struct docker_event *ev)
{
	const char	*v;
	size_t		 vl;

	memset(ev, 0, sizeof(*ev));
	ev->exit_code = ev->signal = -1;
	/* `"key":"` cannot occur inside an encoded string (quotes are \"). */
	if (salvage_value(p, len, "\"Type\":\"", &v, &vl) == 0 &&
	    !(vl == 9 && memcmp(v, "container", 9) == 0))
		return 1;
	if (salvage_value(p, len, "\"Action\":\"", &v, &vl) == 0 ||
	    salvage_value(p, len, "\"status\":\"", &v, &vl) == 0)
		ev->action = docker_action_parse(v, vl);
	/* Actor.ID precedes Attributes, where a label named ID could hide. */
	if ((salvage_value(p, len, "\"ID\":\"", &v, &vl) == -1 ||
	    vl != DOCKER_ID_LEN) &&
	    (salvage_value(p, len, "\"id\":\"", &v, &vl) == -1 ||
	    vl != DOCKER_ID_LEN))
		return -1;
	memcpy(ev->id, v, DOCKER_ID_LEN);
	ev->id[DOCKER_ID_LEN] = '\0';
	return id_valid(ev->id) ? 0 : -1;
}
