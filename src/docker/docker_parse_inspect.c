/*
 * docker_parse_inspect: the container documents, GET /containers/json
 * (the list) and GET /containers/{id}/json (inspect), to structs with
 * every string and array capped. Field names from moby's
 * api/docs/v1.41.yaml, checked against captures from Docker 20.10
 * (tests/fixtures/docker/).
 */
#include "docker/docker_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/err.h"
#include "core/id.h"
#include "docker/docker_parse_json.h"

#define BIG_STRING_MAX	(64 * 1024)	/* name, image, network mode */

static enum docker_health
status_text_health(const char *s)
{
	/* docker/daemon: "Up 5 minutes (healthy)", "(health: starting)". */
	if (s == NULL)
		return DOCKER_HEALTH_NONE;
	if (strstr(s, "(unhealthy)") != NULL)
		return DOCKER_HEALTH_UNHEALTHY;
	if (strstr(s, "(healthy)") != NULL)
		return DOCKER_HEALTH_HEALTHY;
	if (strstr(s, "(health: starting)") != NULL)
		return DOCKER_HEALTH_STARTING;
	return DOCKER_HEALTH_NONE;
}

static int
summary_parse(const cJSON *c, struct docker_summary *s)
{
	const char	*id, *name = NULL;
	const cJSON	*names;

	id = jstr(c, "Id");
	if (!id_valid(id))
		return -1;
	names = jget(c, "Names");
	if (cJSON_IsArray(names) && cJSON_IsString(names->child))
		name = names->child->valuestring;
	if (name != NULL && *name == '/')
		name++;
	if ((s->name = dup_capped(name, BIG_STRING_MAX)) == NULL)
		return -1;
	memcpy(s->id, id, DOCKER_ID_LEN + 1);
	s->state = docker_state_parse(jstr(c, "State"));
	s->health = status_text_health(jstr(c, "Status"));
	return 0;
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * One past the JSON value at p, NULL if it does not end before `end`.
 * Only strings and brackets are followed: cJSON checks the value itself.
 */
static const char *
value_end(const char *p, const char *end)
{
	size_t	depth = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= end)
				return NULL;
		} else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p;	/* a scalar ended by the list's ']' */
			depth--;
		} else if (depth == 0 && (*p == ',' || *p == ' ' ||
		    *p == '\t' || *p == '\n' || *p == '\r'))
			return p;
		if (depth == 0 && (*p == '"' || *p == '}' || *p == ']'))
			return p + 1;
	}
	return NULL;
}

/* One element of the list: kept if it is a valid summary; -1 if not JSON. */
static int
list_element(const char *p, size_t len, struct docker_list *out,
    size_t *cap)
{
	struct docker_summary	*v;
	cJSON			*c;
	int			 ok;

	if ((c = cJSON_ParseWithLength(p, len)) == NULL)
		return -1;
	if (out->n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		if ((v = realloc(out->items, *cap * sizeof(*v))) == NULL) {
			cJSON_Delete(c);
			return -2;
		}
		out->items = v;
	}
	memset(&out->items[out->n], 0, sizeof(out->items[out->n]));
	ok = summary_parse(c, &out->items[out->n]) == 0;
	cJSON_Delete(c);
	if (ok)
		out->n++;
	return 0;
}

/*
 * The list is parsed an element at a time: a cJSON tree of the whole
 * reply is several times its text, 15 MB at 10,000 containers, and came
 * on top of the inventory at every resync.
 */
int
docker_parse_containers_list(const char *json, size_t len,
    struct docker_list *out, char *err, size_t errlen)
{
	const char	*p, *e, *end = json + len;
	cJSON		*root;
	size_t		 cap = 0, seen = 0;
	int		 rc;

	memset(out, 0, sizeof(*out));
	p = skip_ws(json, end);
	if (p == end || *p != '[') {
		if ((root = cJSON_ParseWithLength(json, len)) == NULL)
			err_set(err, errlen, "container list is not valid JSON");
		else
			err_set(err, errlen, "container list is not a JSON array");
		cJSON_Delete(root);
		return -1;
	}
	p = skip_ws(p + 1, end);
	if (p < end && *p == ']')
		return 0;
	for (;;) {
		if ((e = value_end(p, end)) == NULL || e == p)
			goto bad;
		if (++seen > DOCKER_LIST_MAX) {
			err_set(err, errlen, "container list too long");
			goto fail;
		}
		if ((rc = list_element(p, (size_t)(e - p), out, &cap)) == -1)
			goto bad;
		if (rc == -2) {
			err_set(err, errlen, "out of memory");
			goto fail;
		}
		p = skip_ws(e, end);
		if (p < end && *p == ']')
			return 0;
		if (p == end || *p != ',')
			goto bad;
		p = skip_ws(p + 1, end);
	}
bad:
	err_set(err, errlen, "container list is not valid JSON");
fail:
	docker_list_free(out);
	return -1;
}

void
docker_list_free(struct docker_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].name);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---- inspect ---------------------------------------------------------- */

/* Labels sort by key; among equal keys (a hostile document) by position. */
struct label_tmp {
	struct docker_label	 l;
	size_t			 ord;
};

static int
label_cmp(const void *a, const void *b)
{
	const struct label_tmp	*x = a, *y = b;
	int			 r = strcmp(x->l.key, y->l.key);

	if (r != 0)
		return r;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Copies the usable labels into `tmp`; -1 if memory ran out. */
static int
labels_collect(struct docker_inspect *in, const cJSON *labels,
    struct label_tmp *tmp, size_t n, size_t *got)
{
	const cJSON	*l;
	size_t		 bytes = 0, klen, vlen, k = 0;

	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || l->string == NULL) {
			in->labels_dropped++;
			continue;
		}
		klen = strnlen(l->string, DOCKER_LABEL_KEY_MAX + 1);
		vlen = strnlen(l->valuestring, DOCKER_LABEL_VALUE_MAX + 1);
		if (k == n || klen > DOCKER_LABEL_KEY_MAX ||
		    vlen > DOCKER_LABEL_VALUE_MAX ||
		    bytes + klen + vlen > DOCKER_LABELS_BYTES_MAX) {
			in->labels_dropped++;
			continue;
		}
		tmp[k].ord = k;
		tmp[k].l.key = dup_capped(l->string, klen);
		tmp[k].l.value = dup_capped(l->valuestring, vlen);
		k++;
		*got = k;
		if (tmp[k - 1].l.key == NULL || tmp[k - 1].l.value == NULL)
			return -1;
		bytes += klen + vlen;
	}
	return 0;
}

static int
inspect_labels(struct docker_inspect *in, const cJSON *labels)
{
	const cJSON		*l;
	struct label_tmp	*tmp;
	size_t			 n = 0, got = 0, i;
	int			 rc = -1;

	if (!cJSON_IsObject(labels))
		return 0;
	cJSON_ArrayForEach(l, labels)
		n++;
	if (n > DOCKER_LABELS_MAX)
		n = DOCKER_LABELS_MAX;
	if (n == 0)
		return 0;
	if ((tmp = calloc(n, sizeof(*tmp))) == NULL)
		return -1;
	if ((in->labels = calloc(n, sizeof(*in->labels))) == NULL ||
	    labels_collect(in, labels, tmp, n, &got) == -1)
		goto out;
	qsort(tmp, got, sizeof(*tmp), label_cmp);
	for (i = 0; i < got; i++) {
		/* A repeated key: the first one wins, like cJSON's lookup. */
		if (in->nlabels > 0 && strcmp(in->labels[in->nlabels - 1].key,
		    tmp[i].l.key) == 0) {
			free(tmp[i].l.key);
			free(tmp[i].l.value);
			in->labels_dropped++;
			continue;
		}
		in->labels[in->nlabels++] = tmp[i].l;
	}
	got = 0;
	rc = 0;
out:
	for (i = 0; i < got; i++) {
		free(tmp[i].l.key);
		free(tmp[i].l.value);
	}
	free(tmp);
	return rc;
}

int
docker_env_wanted(const char *name, size_t len, const char *const *prefix,
    size_t n)
{
	size_t	 i, plen;

	for (i = 0; i < n; i++) {
		plen = strlen(prefix[i]);
		if (plen <= len && strncmp(name, prefix[i], plen) == 0)
			return 1;
	}
	return 0;
}

/* Config.Env: "NAME=value" strings; only allow-listed names are copied. */
static int
inspect_env(struct docker_inspect *in, const cJSON *env,
    const char *const *prefix, size_t nprefix)
{
	const cJSON	*e;
	const char	*eq;
	size_t		 klen, vlen;

	if (nprefix == 0 || !cJSON_IsArray(env))
		return 0;
	cJSON_ArrayForEach(e, env) {
		struct docker_label	*l;

		if (!cJSON_IsString(e) ||
		    (eq = strchr(e->valuestring, '=')) == NULL)
			continue;
		klen = (size_t)(eq - e->valuestring);
		if (klen == 0 || !docker_env_wanted(e->valuestring, klen, prefix,
		    nprefix))
			continue;
		vlen = strnlen(eq + 1, DOCKER_ENV_VALUE_MAX + 1);
		if (in->nenv == DOCKER_ENV_MAX || klen > DOCKER_LABEL_KEY_MAX ||
		    vlen > DOCKER_ENV_VALUE_MAX) {
			in->env_dropped++;
			continue;
		}
		if (in->env == NULL && (in->env = calloc(DOCKER_ENV_MAX,
		    sizeof(*in->env))) == NULL)
			return -1;
		l = &in->env[in->nenv];
		if ((l->key = strndup(e->valuestring, klen)) == NULL ||
		    (l->value = dup_capped(eq + 1, vlen)) == NULL) {
			free(l->key);
			return -1;
		}
		in->nenv++;
	}
	return 0;
}

static double
nanos_to_seconds(const cJSON *o, const char *key)
{
	double	 v = jdouble(o, key, 0);

	return v > 0 ? v / 1e9 : 0;
}

/*
 * A copy of at most DOCKER_HC_TEST_BYTES of `s`, cut back to a UTF-8
 * character boundary; *cut is set if anything was left out.
 */
static char *
dup_cut(const char *s, int *cut)
{
	size_t	 n = strnlen(s, DOCKER_HC_TEST_BYTES + 1);
	char	*p;

	*cut = n > DOCKER_HC_TEST_BYTES;
	if (*cut) {
		n = DOCKER_HC_TEST_BYTES;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
inspect_healthcheck(struct docker_healthcheck *hc, const cJSON *cfg)
{
	const cJSON	*test, *t;
	int		 n, cut;

	if (!cJSON_IsObject(cfg))
		return 0;
	hc->interval = nanos_to_seconds(cfg, "Interval");
	hc->timeout = nanos_to_seconds(cfg, "Timeout");
	hc->start_period = nanos_to_seconds(cfg, "StartPeriod");
	hc->retries = jint(cfg, "Retries", 0);
	test = jget(cfg, "Test");
	if (!cJSON_IsArray(test) || (n = cJSON_GetArraySize(test)) <= 0)
		return 0;
	if (n > DOCKER_HC_TEST_MAX)
		n = DOCKER_HC_TEST_MAX;
	if ((hc->test = calloc((size_t)n, sizeof(*hc->test))) == NULL)
		return -1;
	/* Shown, never run: a cut command beats losing the container. */
	cJSON_ArrayForEach(t, test) {
		if (hc->ntest == (size_t)n || !cJSON_IsString(t)) {
			hc->test_cut++;
			continue;
		}
		if ((hc->test[hc->ntest] = dup_cut(t->valuestring, &cut)) == NULL)
			return -1;
		hc->test_cut += (size_t)cut;
		hc->ntest++;
	}
	/* ["NONE"] disables a healthcheck inherited from the image. */
	hc->present = hc->ntest > 0 && strcmp(hc->test[0], "NONE") != 0;
	return 0;
}

static int
inspect_health(struct docker_inspect *in, const cJSON *health)
{
	const cJSON	*log, *e;
	const char	*out;
	int		 n, skip;
	size_t		 olen;

	if (!cJSON_IsObject(health))
		return 0;
	if (docker_health_parse(jstr(health, "Status"), &in->health) == -1)
		in->health = DOCKER_HEALTH_NONE;
	in->failing_streak = jint(health, "FailingStreak", 0);
	log = jget(health, "Log");
	if (!cJSON_IsArray(log))
		return 0;
	n = cJSON_GetArraySize(log);
	skip = n > DOCKER_HEALTH_LOG_MAX ? n - DOCKER_HEALTH_LOG_MAX : 0;
	cJSON_ArrayForEach(e, log) {
		struct docker_health_result	*r;

		if (skip > 0) {
			skip--;
			continue;
		}
		if (!cJSON_IsObject(e) || in->nlog == DOCKER_HEALTH_LOG_MAX)
			continue;
		if (in->log == NULL && (in->log = calloc(DOCKER_HEALTH_LOG_MAX,
		    sizeof(*in->log))) == NULL)
			return -1;
		r = &in->log[in->nlog];
		if (docker_parse_time(jstr(e, "Start"), &r->start) == -1)
			r->start = 0;
		if (docker_parse_time(jstr(e, "End"), &r->end) == -1)
			r->end = 0;
		r->exit_code = jint(e, "ExitCode", -1);
		out = jstr(e, "Output");
		olen = out != NULL ? strnlen(out, DOCKER_HEALTH_OUTPUT_MAX) : 0;
		/* Output is free text: truncating it merges nothing. */
		if ((r->output = malloc(olen + 1)) == NULL)
			return -1;
		if (olen > 0)
			memcpy(r->output, out, olen);
		r->output[olen] = '\0';
		in->nlog++;
	}
	return 0;
}

static int
inspect_networks(struct docker_inspect *in, const cJSON *nets)
{
	const cJSON	*n;
	size_t		 cnt = 0;

	if (!cJSON_IsObject(nets))
		return 0;
	cJSON_ArrayForEach(n, nets)
		cnt++;
	if (cnt > DOCKER_NETWORKS_MAX)
		cnt = DOCKER_NETWORKS_MAX;
	if (cnt == 0)
		return 0;
	if ((in->networks = calloc(cnt, sizeof(*in->networks))) == NULL)
		return -1;
	cJSON_ArrayForEach(n, nets) {
		struct docker_network	*w;

		if (in->nnetworks == cnt)
			break;
		w = &in->networks[in->nnetworks];
		w->name = dup_capped(n->string, BIG_STRING_MAX);
		w->ip = dup_capped(jstr(n, "IPAddress"), 64);
		w->ip6 = dup_capped(jstr(n, "GlobalIPv6Address"), 64);
		in->nnetworks++;
		if (w->name == NULL || w->ip == NULL || w->ip6 == NULL)
			return -1;
	}
	return 0;
}

/* "8080/tcp" -> 8080, "tcp". -1 if malformed. */
static int
port_key(const char *k, struct docker_port *p)
{
	const char	*slash;
	int		 port;

	if (k == NULL || (slash = strchr(k, '/')) == NULL ||
	    strlen(slash + 1) >= sizeof(p->proto) || slash == k ||
	    slash - k > 5)
		return -1;
	port = 0;
	for (; k < slash; k++) {
		if (!isdigit((unsigned char)*k))
			return -1;
		port = port * 10 + (*k - '0');
	}
	if (port < 1 || port > 65535)
		return -1;
	p->container_port = (uint16_t)port;
	copy_trunc(p->proto, sizeof(p->proto), slash + 1);
	return 0;
}

static int
port_add(struct docker_inspect *in, const struct docker_port *tmpl,
    const cJSON *binding)
{
	struct docker_port	*np, *p;
	const char		*hp, *hip;
	int			 hport;

	if (in->nports == DOCKER_PORTS_MAX)
		return 0;
	np = realloc(in->ports, (in->nports + 1) * sizeof(*in->ports));
	if (np == NULL)
		return -1;
	in->ports = np;
	p = &in->ports[in->nports++];
	*p = *tmpl;
	if (binding == NULL)
		return 0;
	hip = jstr(binding, "HostIp");
	hp = jstr(binding, "HostPort");
	hport = parse_int_text(hp, 0);
	if (hport < 0 || hport > 65535)
		hport = 0;
	p->host_port = (uint16_t)hport;
	if (hip != NULL && strlen(hip) < sizeof(p->host_ip))
		memcpy(p->host_ip, hip, strlen(hip) + 1);
	return 0;
}

static int
inspect_ports(struct docker_inspect *in, const cJSON *ports)
{
	const cJSON		*k, *b;
	struct docker_port	 tmpl;

	if (!cJSON_IsObject(ports))
		return 0;
	cJSON_ArrayForEach(k, ports) {
		memset(&tmpl, 0, sizeof(tmpl));
		if (port_key(k->string, &tmpl) == -1)
			continue;
		if (!cJSON_IsArray(k) || k->child == NULL) {
			/* Exposed, not published. */
			if (port_add(in, &tmpl, NULL) == -1)
				return -1;
			continue;
		}
		cJSON_ArrayForEach(b, k)
			if (cJSON_IsObject(b) && port_add(in, &tmpl, b) == -1)
				return -1;
	}
	return 0;
}

/* Old engines may omit State.Status: derive it from the booleans. */
static enum docker_state
inspect_state(const cJSON *st)
{
	const char	*s = jstr(st, "Status");

	if (s != NULL)
		return docker_state_parse(s);
	if (cJSON_IsTrue(jget(st, "Dead")))
		return DOCKER_STATE_DEAD;
	if (cJSON_IsTrue(jget(st, "Restarting")))
		return DOCKER_STATE_RESTARTING;
	if (cJSON_IsTrue(jget(st, "Paused")))
		return DOCKER_STATE_PAUSED;
	if (cJSON_IsTrue(jget(st, "Running")))
		return DOCKER_STATE_RUNNING;
	return DOCKER_STATE_EXITED;
}

static int
inspect_state_fields(struct docker_inspect *in, const cJSON *st, char *err,
    size_t errlen)
{
	const char	*s;
	int		 pid;

	if (!cJSON_IsObject(st)) {
		err_set(err, errlen, "inspect: no State");
		return -1;
	}
	in->state = inspect_state(st);
	pid = jint(st, "Pid", 0);
	in->pid = pid > 0 ? (pid_t)pid : 0;
	in->exit_code = jint(st, "ExitCode", 0);
	in->oom_killed = cJSON_IsTrue(jget(st, "OOMKilled"));
	s = jstr(st, "StartedAt");
	if (s != NULL && docker_parse_time(s, &in->started_at) == 0 &&
	    in->started_at > 0)
		copy_trunc(in->started_at_text, sizeof(in->started_at_text), s);
	else
		in->started_at = 0;
	if (docker_parse_time(jstr(st, "FinishedAt"), &in->finished_at) == -1)
		in->finished_at = 0;
	return 0;
}

/* Only strings are kept: what they point at is checked by whoever uses them. */
static int
inspect_graph(struct docker_inspect *in, const cJSON *gd)
{
	const char	*name = jstr(gd, "Name");
	const char	*upper = jstr(jget(gd, "Data"), "UpperDir");

	if (name != NULL && (in->graph_driver = dup_capped(name, 64)) == NULL)
		return -1;
	if (upper != NULL &&
	    (in->upper_dir = dup_capped(upper, 4096)) == NULL)
		return -1;
	return 0;
}

static int
inspect_config(struct docker_inspect *in, const cJSON *root,
    const char *const *env_prefix, size_t nenv_prefix)
{
	const cJSON	*cfg = jget(root, "Config");
	const cJSON	*hostcfg = jget(root, "HostConfig");
	const cJSON	*rp = jget(hostcfg, "RestartPolicy");
	const cJSON	*ns = jget(root, "NetworkSettings");
	const cJSON	*mem;

	in->stop_timeout = jint(cfg, "StopTimeout", -1);
	in->restart_count = jint(root, "RestartCount", 0);
	copy_trunc(in->restart_policy, sizeof(in->restart_policy),
	    jstr(rp, "Name"));
	in->restart_max_retries = jint(rp, "MaximumRetryCount", 0);
	mem = jget(hostcfg, "Memory");
	in->memory_limit = cJSON_IsNumber(mem) && mem->valuedouble > 0 &&
	    mem->valuedouble < 9.2e18 ? (int64_t)mem->valuedouble : 0;
	if ((in->image = dup_capped(jstr(cfg, "Image"), BIG_STRING_MAX)) ==
	    NULL ||
	    (in->image_id = dup_capped(jstr(root, "Image"), BIG_STRING_MAX)) ==
	    NULL ||
	    (in->network_mode = dup_capped(jstr(hostcfg, "NetworkMode"),
	    BIG_STRING_MAX)) == NULL)
		return -1;
	if (inspect_graph(in, jget(root, "GraphDriver")) == -1 ||
	    inspect_labels(in, jget(cfg, "Labels")) == -1 ||
	    inspect_env(in, jget(cfg, "Env"), env_prefix, nenv_prefix) == -1 ||
	    inspect_healthcheck(&in->hc, jget(cfg, "Healthcheck")) == -1 ||
	    inspect_networks(in, jget(ns, "Networks")) == -1 ||
	    inspect_ports(in, jget(ns, "Ports")) == -1)
		return -1;
	return 0;
}

int
docker_parse_inspect(const char *json, size_t len, struct docker_inspect *in,
    char *err, size_t errlen)
{
	return docker_parse_inspect_env(json, len, NULL, 0, in, err, errlen);
}

int
docker_parse_inspect_env(const char *json, size_t len,
    const char *const *env_prefix, size_t nenv_prefix,
    struct docker_inspect *in, char *err, size_t errlen)
{
	cJSON		*root;
	const cJSON	*st;
	const char	*id, *name;

	memset(in, 0, sizeof(*in));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		err_set(err, errlen, "inspect: not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		err_set(err, errlen, "inspect: not a JSON object");
		goto fail;
	}
	id = jstr(root, "Id");
	if (!id_valid(id)) {
		err_set(err, errlen, "inspect: no valid Id");
		goto fail;
	}
	memcpy(in->id, id, DOCKER_ID_LEN + 1);
	if ((name = jstr(root, "Name")) != NULL && *name == '/')
		name++;
	if ((in->name = dup_capped(name, BIG_STRING_MAX)) == NULL) {
		err_set(err, errlen, "inspect: Name too long");
		goto fail;
	}
	if (docker_parse_time(jstr(root, "Created"), &in->created) == -1)
		in->created = 0;
	st = jget(root, "State");
	if (inspect_state_fields(in, st, err, errlen) == -1)
		goto fail;
	if (inspect_health(in, jget(st, "Health")) == -1 ||
	    inspect_config(in, root, env_prefix, nenv_prefix) == -1) {
		err_set(err, errlen, "inspect: a field is too long or out of memory");
		goto fail;
	}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	docker_inspect_free(in);
	return -1;
}

const char *
docker_inspect_label(const struct docker_inspect *d, const char *key)
{
	size_t	 i;

	for (i = 0; i < d->nlabels; i++)
		if (strcmp(d->labels[i].key, key) == 0)
			return d->labels[i].value;
	return NULL;
}

void
docker_inspect_free(struct docker_inspect *in)
{
	size_t	 i;

	free(in->name);
	free(in->image);
	free(in->image_id);
	free(in->network_mode);
	free(in->graph_driver);
	free(in->upper_dir);
	for (i = 0; i < in->nlabels; i++) {
		free(in->labels[i].key);
		free(in->labels[i].value);
	}
	free(in->labels);
	for (i = 0; i < in->nenv; i++) {
		free(in->env[i].key);
		free(in->env[i].value);
	}
	free(in->env);
	for (i = 0; i < in->hc.ntest; i++)
		free(in->hc.test[i]);
	free(in->hc.test);
	for (i = 0; i < in->nlog; i++)
		free(in->log[i].output);
	free(in->log);
	for (i = 0; i < in->nnetworks; i++) {
		free(in->networks[i].name);
		free(in->networks[i].ip);
		free(in->networks[i].ip6);
	}
	free(in->networks);
	free(in->ports);
	memset(in, 0, sizeof(*in));
}
