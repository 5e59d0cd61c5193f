/*
 * inventory_json: the inventory as the JSON documents of
 * GET /api/v1/containers and GET /api/v1/containers/{id-or-name}.
 *
 * Pure (cJSON into a struct buf). cJSON escapes every string it prints,
 * so hostile names and label values come out as valid JSON.
 *
 *	{"id": "<64 hex>", "name": "web", "image": "nginx:1.25",
 *	 "image_id": "sha256:...", "state": "running", "pid": 4242,
 *	 "exit_code": 0, "oom_killed": false,
 *	 "created": "2024-05-01T10:00:00.123Z", "started_at": "...Z" | null,
 *	 "restart_count": 0, "restart_policy": {"name": "no", "maximum_retry_count": 0},
 *	 "stop_timeout": 10 | null, "network_mode": "none",
 *	 "networks": [{"name": "none", "ip": "", "ip6": ""}],
 *	 "ports": [{"container_port": 80, "protocol": "tcp", "host_ip": "0.0.0.0", "host_port": 8080}],
 *	 "cgroup_id": "/docker/<id>" | null,
 *	 "labels": {"k": "v"},
 *	 "health": {"status": "healthy|unhealthy|starting|none",
 *	            "source": "docker" | null, "failing_streak": 0,
 *	            "healthcheck": {"test": [...], "interval_seconds": 30, ...} | null,
 *	            "last_results": [{"start": "...", "end": "...", "exit_code": 0, "output": ""}]}}
 *
 * started_at is Docker's own text (so it compares equal to docker
 * inspect); the other times are printed from unix seconds.
 */
#include "docker/inventory.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/json.h"

static const char *
health_status(const struct inv_container *c)
{
	if (c->d.health != DOCKER_HEALTH_NONE)
		return docker_health_name(c->d.health);
	return c->d.hc.present ? "starting" : "none";
}

static cJSON *
healthcheck_json(const struct docker_healthcheck *hc)
{
	cJSON	*o, *test;
	size_t	 i;

	if (!hc->present)
		return cJSON_CreateNull();
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	test = cJSON_AddArrayToObject(o, "test");
	for (i = 0; test != NULL && i < hc->ntest; i++)
		cJSON_AddItemToArray(test, cJSON_CreateString(hc->test[i]));
	if (hc->test_cut > 0)
		cJSON_AddNumberToObject(o, "test_elements_cut", (double)hc->test_cut);
	cJSON_AddNumberToObject(o, "interval_seconds", hc->interval);
	cJSON_AddNumberToObject(o, "timeout_seconds", hc->timeout);
	cJSON_AddNumberToObject(o, "start_period_seconds", hc->start_period);
	cJSON_AddNumberToObject(o, "retries", hc->retries);
	return o;
}

static cJSON *
health_json(const struct inv_container *c)
{
	cJSON		*h, *results, *r;
	size_t		 i;
	int		 has = c->d.health != DOCKER_HEALTH_NONE || c->d.hc.present;

	if ((h = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(h, "status", health_status(c));
	if (has)
		cJSON_AddStringToObject(h, "source", "docker");
	else
		cJSON_AddNullToObject(h, "source");
	cJSON_AddNumberToObject(h, "failing_streak", c->d.failing_streak);
	cJSON_AddItemToObject(h, "healthcheck", healthcheck_json(&c->d.hc));
	results = cJSON_AddArrayToObject(h, "last_results");
	for (i = 0; results != NULL && i < c->d.nlog; i++) {
		const struct docker_health_result *l = &c->d.log[i];

		if ((r = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddItemToObject(r, "start", json_time(l->start));
		cJSON_AddItemToObject(r, "end", json_time(l->end));
		cJSON_AddNumberToObject(r, "exit_code", l->exit_code);
		cJSON_AddStringToObject(r, "output",
		    l->output != NULL ? l->output : "");
		cJSON_AddItemToArray(results, r);
	}
	return h;
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	cJSON_AddStringToObject(o, key, v != NULL ? v : "");
}

static void
network_json(cJSON *o, const struct docker_inspect *d)
{
	cJSON	*nets, *ports, *n;
	size_t	 i;

	add_str(o, "network_mode", d->network_mode);
	nets = cJSON_AddArrayToObject(o, "networks");
	for (i = 0; nets != NULL && i < d->nnetworks; i++) {
		if ((n = cJSON_CreateObject()) == NULL)
			break;
		add_str(n, "name", d->networks[i].name);
		add_str(n, "ip", d->networks[i].ip);
		add_str(n, "ip6", d->networks[i].ip6);
		cJSON_AddItemToArray(nets, n);
	}
	ports = cJSON_AddArrayToObject(o, "ports");
	for (i = 0; ports != NULL && i < d->nports; i++) {
		if ((n = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddNumberToObject(n, "container_port",
		    d->ports[i].container_port);
		add_str(n, "protocol", d->ports[i].proto);
		add_str(n, "host_ip", d->ports[i].host_ip);
		cJSON_AddNumberToObject(n, "host_port", d->ports[i].host_port);
		cJSON_AddItemToArray(ports, n);
	}
}

static cJSON *
container_json(const struct inv_container *c, inventory_json_fn *hook,
    void *hook_arg)
{
	const struct docker_inspect	*d = &c->d;
	cJSON				*o, *labels, *rp;
	size_t				 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	add_str(o, "id", d->id);
	add_str(o, "name", d->name);
	add_str(o, "image", d->image);
	add_str(o, "image_id", d->image_id);
	add_str(o, "state", docker_state_name(d->state));
	cJSON_AddNumberToObject(o, "pid", d->pid);
	cJSON_AddNumberToObject(o, "exit_code", d->exit_code);
	cJSON_AddBoolToObject(o, "oom_killed", d->oom_killed);
	cJSON_AddItemToObject(o, "created", json_time(d->created));
	if (d->started_at_text[0] != '\0')
		cJSON_AddStringToObject(o, "started_at", d->started_at_text);
	else
		cJSON_AddNullToObject(o, "started_at");
	cJSON_AddNumberToObject(o, "restart_count", d->restart_count);
	if ((rp = cJSON_AddObjectToObject(o, "restart_policy")) != NULL) {
		add_str(rp, "name", d->restart_policy);
		cJSON_AddNumberToObject(rp, "maximum_retry_count",
		    d->restart_max_retries);
	}
	if (d->stop_timeout >= 0)
		cJSON_AddNumberToObject(o, "stop_timeout", d->stop_timeout);
	else
		cJSON_AddNullToObject(o, "stop_timeout");
	network_json(o, d);
	if (c->cgroup_id != NULL)
		cJSON_AddStringToObject(o, "cgroup_id", c->cgroup_id);
	else
		cJSON_AddNullToObject(o, "cgroup_id");
	labels = cJSON_AddObjectToObject(o, "labels");
	for (i = 0; labels != NULL && i < d->nlabels; i++)
		cJSON_AddStringToObject(labels, d->labels[i].key,
		    d->labels[i].value);
	cJSON_AddItemToObject(o, "health", health_json(c));
	/* The layers above (checks, remediation) amend it through the hook. */
	if (hook != NULL)
		hook(hook_arg, c, o);
	return o;
}

static int
by_name(const void *a, const void *b)
{
	const struct inv_container	*x = *(const struct inv_container *const *)a;
	const struct inv_container	*y = *(const struct inv_container *const *)b;
	int				 r;

	r = strcmp(x->d.name != NULL ? x->d.name : "",
	    y->d.name != NULL ? y->d.name : "");
	return r != 0 ? r : strcmp(x->d.id, y->d.id);
}

/*
 * The list a container at a time: the ids are taken, sorted, when it
 * begins, and each is looked up again when its turn comes, so nothing is
 * held across pieces but the ids. A container gone meanwhile is left
 * out; one changed meanwhile is shown as it is when its turn comes.
 */
struct inventory_json_cursor {
	struct inventory	*inv;
	inventory_json_fn	*hook;
	void			*hook_arg;
	char			(*ids)[DOCKER_ID_LEN + 1];
	size_t			 n, next;
	size_t			 printed;
	int			 opened;
};

struct inventory_json_cursor *
inventory_json_list_begin(struct inventory *inv, inventory_json_fn *hook,
    void *hook_arg)
{
	struct inventory_json_cursor	*cur;
	struct inv_container		**v = NULL, *c;
	size_t				 n = inventory_count(inv), i = 0;

	if ((cur = calloc(1, sizeof(*cur))) == NULL)
		return NULL;
	if (n > 0 && ((v = calloc(n, sizeof(*v))) == NULL ||
	    (cur->ids = calloc(n, sizeof(*cur->ids))) == NULL)) {
		free(v);
		free(cur);
		return NULL;
	}
	for (c = inventory_first(inv); c != NULL && i < n; c = inventory_next(c))
		v[i++] = c;
	if (i > 0)
		qsort(v, i, sizeof(*v), by_name);
	for (n = 0; n < i; n++)
		memcpy(cur->ids[n], v[n]->d.id, sizeof(cur->ids[n]));
	free(v);
	cur->inv = inv;
	cur->hook = hook;
	cur->hook_arg = hook_arg;
	cur->n = i;
	return cur;
}

int
inventory_json_list_next(struct inventory_json_cursor *cur, struct buf *out)
{
	struct inv_container	*c;

	if (!cur->opened) {
		cur->opened = 1;
		buf_putc(out, '[');
	}
	while (cur->next < cur->n) {
		if ((c = inventory_get(cur->inv, cur->ids[cur->next++])) == NULL)
			continue;
		if (cur->printed++ > 0)
			buf_putc(out, ',');
		/* As one array would print: items joined by commas, no space. */
		if (json_emit(container_json(c, cur->hook, cur->hook_arg),
		    out) == -1)
			return -1;
		return 1;
	}
	buf_putc(out, ']');
	return out->oom ? -1 : 0;
}

void
inventory_json_list_end(struct inventory_json_cursor *cur)
{
	if (cur == NULL)
		return;
	free(cur->ids);
	free(cur);
}

int
inventory_json_list(struct inventory *inv, inventory_json_fn *hook,
    void *hook_arg, struct buf *out)
{
	struct inventory_json_cursor	*cur;
	int				 r;

	if ((cur = inventory_json_list_begin(inv, hook, hook_arg)) == NULL) {
		out->oom = 1;
		return -1;
	}
	while ((r = inventory_json_list_next(cur, out)) == 1)
		;
	inventory_json_list_end(cur);
	return r;
}

int
inventory_json_one(struct inventory *inv, const char *ref,
    inventory_json_fn *hook, void *hook_arg, struct buf *out)
{
	struct inv_container	*c;

	if ((c = inventory_find(inv, ref)) == NULL)
		return -1;
	json_emit(container_json(c, hook, hook_arg), out);
	return 0;
}
