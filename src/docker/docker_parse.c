/*
 * docker_parse: Docker Engine API replies and event lines -> structs.
 *
 * Field names and formats: moby api/docs/v1.41.yaml and swagger.yaml,
 * checked against captures from Docker 20.10 (tests/fixtures/docker/).
 * Pure: no I/O, no logging, no globals.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "docker/docker_parse.h"

#define BIG_STRING_MAX	(64 * 1024)	/* name, image, network mode */

/* ---- small helpers ---------------------------------------------------- */

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

static const cJSON *
jget(const cJSON *o, const char *key)
{
	if (!cJSON_IsObject(o))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON	*v = jget(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON number that fits an int; `def` if absent or out of range. */
static int
jint(const cJSON *o, const char *key, int def)
{
	const cJSON	*v = jget(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble ||
	    v->valuedouble < INT_MIN || v->valuedouble > INT_MAX)
		return def;
	return (int)v->valuedouble;
}

static double
jdouble(const cJSON *o, const char *key, double def)
{
	const cJSON	*v = jget(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
		return def;
	return v->valuedouble;
}

/* strdup with a cap: NULL if longer than `max` or out of memory. */
static char *
dup_capped(const char *s, size_t max)
{
	size_t	 n;
	char	*p;

	if (s == NULL)
		s = "";
	n = strnlen(s, max + 1);
	if (n > max || (p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Copies into a fixed array, truncating; for informational fields. */
static void
copy_trunc(char *dst, size_t dstlen, const char *src)
{
	if (src == NULL)
		src = "";
	snprintf(dst, dstlen, "%s", src);
}

static int
is_hex_lower(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int
docker_id_valid(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < DOCKER_ID_LEN; i++)
		if (!is_hex_lower((unsigned char)s[i]))
			return 0;
	return s[DOCKER_ID_LEN] == '\0';
}

/* A decimal integer in a string ("137"), as event attributes carry them. */
static int
parse_int_text(const char *s, int def)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return def;
	return (int)v;
}

/* ---- the line splitter ------------------------------------------------ */

#define LINES_KEEP_CAP	(64 * 1024)	/* free a bigger buffer after use */

void
docker_lines_init(struct docker_lines *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
}

void
docker_lines_free(struct docker_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
	l->skipping = 0;
}

static void
lines_deliver(struct docker_lines *l, const char *p, size_t n,
    docker_line_cb *cb, void *arg)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return;
	l->lines++;
	cb(p, n, arg);
}

/* Appends to the carried partial line; -1 if memory ran out. */
static int
lines_append(struct docker_lines *l, const char *p, size_t n)
{
	size_t	 want, ncap;
	char	*nb;

	want = l->len + n;
	if (want > l->cap) {
		ncap = l->cap > 0 ? l->cap : 4096;
		while (ncap < want)
			ncap *= 2;
		if ((nb = realloc(l->buf, ncap)) == NULL)
			return -1;
		l->buf = nb;
		l->cap = ncap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	return 0;
}

static void
lines_shrink(struct docker_lines *l)
{
	l->len = 0;
	if (l->cap > LINES_KEEP_CAP) {
		free(l->buf);
		l->buf = NULL;
		l->cap = 0;
	}
}

/*
 * A line is being dropped: hand its first bytes (what we carried plus
 * the start of `chunk`) to on_drop, then forget them.
 */
static void
lines_drop(struct docker_lines *l, const char *chunk, size_t seg, void *arg)
{
	char	*tmp;
	size_t	 from_buf, from_chunk;

	l->dropped++;
	if (l->on_drop != NULL && l->keep > 0) {
		from_buf = l->len < l->keep ? l->len : l->keep;
		from_chunk = l->keep - from_buf;
		if (from_chunk > seg)
			from_chunk = seg;
		if (from_chunk == 0)
			l->on_drop(l->buf, from_buf, arg);
		else if (from_buf == 0)
			l->on_drop(chunk, from_chunk, arg);
		else if ((tmp = malloc(from_buf + from_chunk)) != NULL) {
			memcpy(tmp, l->buf, from_buf);
			memcpy(tmp + from_buf, chunk, from_chunk);
			l->on_drop(tmp, from_buf + from_chunk, arg);
			free(tmp);
		}
	}
	lines_shrink(l);
}

int
docker_lines_feed(struct docker_lines *l, const char *chunk, size_t len,
    docker_line_cb *cb, void *arg)
{
	size_t		 max = l->max > 0 ? l->max : DOCKER_LINE_MAX;
	size_t		 seg, step;
	const char	*nl;
	int		 dropped = 0;

	while (len > 0) {
		nl = memchr(chunk, '\n', len);
		seg = nl != NULL ? (size_t)(nl - chunk) : len;
		step = nl != NULL ? seg + 1 : seg;
		if (l->skipping) {
			/* The rest of a dropped line: skip to its newline. */
			if (nl != NULL)
				l->skipping = 0;
		} else if (seg > max - l->len) {
			lines_drop(l, chunk, seg, arg);
			dropped++;
			if (nl == NULL)
				l->skipping = 1;
		} else if (nl == NULL) {
			if (lines_append(l, chunk, seg) == -1) {
				lines_drop(l, chunk, seg, arg);
				dropped++;
				l->skipping = 1;
			}
		} else if (l->len == 0) {
			/* The common case: a whole line inside the chunk, no copy. */
			lines_deliver(l, chunk, seg, cb, arg);
		} else if (lines_append(l, chunk, seg) == -1) {
			lines_drop(l, chunk, seg, arg);
			dropped++;
		} else {
			lines_deliver(l, l->buf, l->len, cb, arg);
			lines_shrink(l);
		}
		chunk += step;
		len -= step;
	}
	return dropped;
}

int
docker_lines_finish(struct docker_lines *l)
{
	int	 pending = l->len > 0 || l->skipping;

	if (l->len > 0)
		l->dropped++;
	lines_shrink(l);
	l->skipping = 0;
	return pending;
}

/* ---- names of enums --------------------------------------------------- */

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

/* ---- time ------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Exactly `n` decimal digits at *p; advances p. -1 if not. */
static int
digits(const char **p, int n)
{
	int	 v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

int
docker_parse_time(const char *s, double *out)
{
	int		 y, mo, d, h, mi, sec, oh, om, sign;
	double		 frac = 0, scale = 0.1;
	long long	 days;
	const char	*p = s;

	if (s == NULL)
		return -1;
	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 1 || d > 31 || (*p != 'T' && *p != 't') ||
	    (p++, (h = digits(&p, 2)) < 0) || h > 23 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || mi > 59 || *p++ != ':' ||
	    (sec = digits(&p, 2)) < 0 || sec > 60)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			frac += (*p++ - '0') * scale;
			scale /= 10;
		}
	}
	oh = om = 0;
	sign = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if ((oh = digits(&p, 2)) < 0 || oh > 23 || *p++ != ':' ||
		    (om = digits(&p, 2)) < 0 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	if (y < 1970) {
		/* Go's zero time means "never". */
		*out = 0;
		return 0;
	}
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out = (double)(days * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60)) + frac;
	if (*out < 0)
		*out = 0;
	return 0;
}

/* ---- events ----------------------------------------------------------- */

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
		set_err(err, errlen, "event is not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		set_err(err, errlen, "event is not a JSON object");
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
		set_err(err, errlen, "event has no Action");
		goto out;
	}
	ev->action = docker_action_parse(action, strlen(action));
	if (ev->action == DOCKER_ACTION_PRUNE && (id == NULL || *id == '\0')) {
		rc = 0;
		goto attributes;
	}
	if (!docker_id_valid(id)) {
		/* Before API 1.22 (no Type) image events looked the same. */
		if (type == NULL) {
			rc = 1;
			goto out;
		}
		set_err(err, errlen, "event has no valid container id");
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
	return docker_id_valid(ev->id) ? 0 : -1;
}

/* ---- containers list -------------------------------------------------- */

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
	if (!docker_id_valid(id))
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

int
docker_parse_containers_list(const char *json, size_t len,
    struct docker_list *out, char *err, size_t errlen)
{
	cJSON		*root;
	const cJSON	*c;
	int		 n;

	memset(out, 0, sizeof(*out));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		set_err(err, errlen, "container list is not valid JSON");
		return -1;
	}
	if (!cJSON_IsArray(root)) {
		set_err(err, errlen, "container list is not a JSON array");
		goto fail;
	}
	n = cJSON_GetArraySize(root);
	if (n < 0 || n > DOCKER_LIST_MAX) {
		set_err(err, errlen, "container list too long");
		goto fail;
	}
	if (n > 0 && (out->items = calloc((size_t)n, sizeof(*out->items))) ==
	    NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	cJSON_ArrayForEach(c, root) {
		if (summary_parse(c, &out->items[out->n]) == 0)
			out->n++;
	}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
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

static double
nanos_to_seconds(const cJSON *o, const char *key)
{
	double	 v = jdouble(o, key, 0);

	return v > 0 ? v / 1e9 : 0;
}

static int
inspect_healthcheck(struct docker_healthcheck *hc, const cJSON *cfg)
{
	const cJSON	*test, *t;
	int		 n;

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
	cJSON_ArrayForEach(t, test) {
		if (hc->ntest == (size_t)n)
			break;
		if (!cJSON_IsString(t))
			continue;
		if ((hc->test[hc->ntest] = dup_capped(t->valuestring,
		    DOCKER_HC_TEST_BYTES)) == NULL)
			return -1;
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
		set_err(err, errlen, "inspect: no State");
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

static int
inspect_config(struct docker_inspect *in, const cJSON *root)
{
	const cJSON	*cfg = jget(root, "Config");
	const cJSON	*hostcfg = jget(root, "HostConfig");
	const cJSON	*rp = jget(hostcfg, "RestartPolicy");
	const cJSON	*ns = jget(root, "NetworkSettings");

	in->stop_timeout = jint(cfg, "StopTimeout", -1);
	in->restart_count = jint(root, "RestartCount", 0);
	copy_trunc(in->restart_policy, sizeof(in->restart_policy),
	    jstr(rp, "Name"));
	in->restart_max_retries = jint(rp, "MaximumRetryCount", 0);
	if ((in->image = dup_capped(jstr(cfg, "Image"), BIG_STRING_MAX)) ==
	    NULL ||
	    (in->image_id = dup_capped(jstr(root, "Image"), BIG_STRING_MAX)) ==
	    NULL ||
	    (in->network_mode = dup_capped(jstr(hostcfg, "NetworkMode"),
	    BIG_STRING_MAX)) == NULL)
		return -1;
	if (inspect_labels(in, jget(cfg, "Labels")) == -1 ||
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
	cJSON		*root;
	const cJSON	*st;
	const char	*id, *name;

	memset(in, 0, sizeof(*in));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		set_err(err, errlen, "inspect: not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		set_err(err, errlen, "inspect: not a JSON object");
		goto fail;
	}
	id = jstr(root, "Id");
	if (!docker_id_valid(id)) {
		set_err(err, errlen, "inspect: no valid Id");
		goto fail;
	}
	memcpy(in->id, id, DOCKER_ID_LEN + 1);
	if ((name = jstr(root, "Name")) != NULL && *name == '/')
		name++;
	if ((in->name = dup_capped(name, BIG_STRING_MAX)) == NULL) {
		set_err(err, errlen, "inspect: Name too long");
		goto fail;
	}
	if (docker_parse_time(jstr(root, "Created"), &in->created) == -1)
		in->created = 0;
	st = jget(root, "State");
	if (inspect_state_fields(in, st, err, errlen) == -1)
		goto fail;
	if (inspect_health(in, jget(st, "Health")) == -1 ||
	    inspect_config(in, root) == -1) {
		set_err(err, errlen, "inspect: a field is too long or out of memory");
		goto fail;
	}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	docker_inspect_free(in);
	return -1;
}

void
docker_inspect_free(struct docker_inspect *in)
{
	size_t	 i;

	free(in->name);
	free(in->image);
	free(in->image_id);
	free(in->network_mode);
	for (i = 0; i < in->nlabels; i++) {
		free(in->labels[i].key);
		free(in->labels[i].value);
	}
	free(in->labels);
	for (i = 0; i < in->hc.ntest; i++)
		free(in->hc.test[i]);
	free(in->hc.test);
	for (i = 0; i < in->nlog; i++)
		free(in->log[i].output);
	for (i = 0; i < in->nnetworks; i++) {
		free(in->networks[i].name);
		free(in->networks[i].ip);
		free(in->networks[i].ip6);
	}
	free(in->networks);
	free(in->ports);
	memset(in, 0, sizeof(*in));
}

/* ---- version ---------------------------------------------------------- */

int
docker_api_parse(const char *s)
{
	int	 major = 0, minor = 0, nd;

	if (s == NULL)
		return -1;
	for (nd = 0; isdigit((unsigned char)*s) && nd < 3; nd++)
		major = major * 10 + (*s++ - '0');
	if (nd == 0 || *s++ != '.')
		return -1;
	for (nd = 0; isdigit((unsigned char)*s) && nd < 2; nd++)
		minor = minor * 10 + (*s++ - '0');
	if (nd == 0 || *s != '\0')
		return -1;
	return major * 100 + minor;
}

int
docker_parse_version(const char *json, size_t len, struct docker_version *v,
    char *err, size_t errlen)
{
	cJSON	*root;
	int	 rc = -1;

	memset(v, 0, sizeof(*v));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		set_err(err, errlen, "version: not valid JSON");
		return -1;
	}
	if ((v->api = docker_api_parse(jstr(root, "ApiVersion"))) == -1) {
		set_err(err, errlen, "version: no valid ApiVersion");
		goto out;
	}
	if ((v->min_api = docker_api_parse(jstr(root, "MinAPIVersion"))) == -1)
		v->min_api = 0;
	copy_trunc(v->version, sizeof(v->version), jstr(root, "Version"));
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
docker_api_negotiate(const struct docker_version *v, char *err, size_t errlen)
{
	int	 use;

	use = v->api < DOCKER_API_MAX ? v->api : DOCKER_API_MAX;
	if (v->min_api > use && v->min_api <= DOCKER_API_CEIL &&
	    v->min_api <= v->api)
		use = v->min_api;
	if (use < DOCKER_API_MIN || use < v->min_api) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "engine speaks API %d.%02d to "
			    "%d.%02d, we speak %d.%02d to %d.%02d",
			    v->min_api / 100, v->min_api % 100,
			    v->api / 100, v->api % 100,
			    DOCKER_API_MIN / 100, DOCKER_API_MIN % 100,
			    DOCKER_API_CEIL / 100, DOCKER_API_CEIL % 100);
		return -1;
	}
	return use;
}

/* ---- endpoint ---------------------------------------------------------- */

static int
host_char_ok(int c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' ||
	    c == '[' || c == ']';
}

int
docker_endpoint_parse(const char *s, struct docker_endpoint *ep, char *err,
    size_t errlen)
{
	const char	*path = NULL, *hp, *colon;
	size_t		 i;
	int		 port;

	memset(ep, 0, sizeof(*ep));
	if (s == NULL || *s == '\0') {
		set_err(err, errlen, "empty docker host");
		return -1;
	}
	if (strncmp(s, "unix://", 7) == 0)
		path = s + 7;
	else if (*s == '/')
		path = s;
	if (path != NULL) {
		if (*path != '/' || strlen(path) >= sizeof(ep->socket_path)) {
			set_err(err, errlen, "unix socket path must be absolute "
			    "and at most 107 bytes");
			return -1;
		}
		memcpy(ep->socket_path, path, strlen(path) + 1);
		/* The host part of the URL is ignored over a unix socket. */
		snprintf(ep->base_url, sizeof(ep->base_url), "http://localhost");
		return 0;
	}
	if (strncmp(s, "tcp://", 6) != 0) {
		set_err(err, errlen, "docker host is not unix:///PATH or "
		    "tcp://HOST:PORT");
		return -1;
	}
	hp = s + 6;
	colon = strrchr(hp, ':');
	if (colon == NULL || colon == hp || strlen(hp) > 255) {
		set_err(err, errlen, "docker host is not tcp://HOST:PORT");
		return -1;
	}
	for (i = 0; hp + i < colon; i++)
		if (!host_char_ok((unsigned char)hp[i])) {
			set_err(err, errlen, "bad character in docker host");
			return -1;
		}
	port = 0;
	for (i = 1; colon[i] != '\0'; i++) {
		if (!isdigit((unsigned char)colon[i]) || i > 5) {
			set_err(err, errlen, "bad port in docker host");
			return -1;
		}
		port = port * 10 + (colon[i] - '0');
	}
	if (port < 1 || port > 65535) {
		set_err(err, errlen, "bad port in docker host");
		return -1;
	}
	snprintf(ep->base_url, sizeof(ep->base_url), "http://%s", hp);
	return 0;
}
