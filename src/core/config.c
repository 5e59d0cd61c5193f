/*
 * config: command-line flags, environment and the JSON config file merged
 * into one validated struct config.
 *
 * The JSON side is table-driven: each section lists its keys with a setter,
 * so an unknown key, a wrong type or an out-of-range value is reported with
 * its full JSON path, and every problem is collected before giving up. A
 * key config does not own goes to the caller's struct config_section of
 * that name, or is reported as unknown.
 */
#include "core/config.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/confjson.h"
#include "core/duration.h"
#include "core/err.h"

#define MAX_CONNECTIONS_LIMIT	10000

struct ctx {
	struct config	*cfg;
	struct confjson	 j;	/* every problem, with its JSON path */
};


static char *
xstrdup(struct ctx *c, const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		confjson_problem(&c->j, "config", "out of memory");
	return p;
}

static void
set_str(struct ctx *c, char **dst, const char *val)
{
	char	*p = xstrdup(c, val);

	if (p == NULL)
		return;
	free(*dst);
	*dst = p;
}

/* [HOST]:PORT with HOST empty, a name, an IPv4 address or [IPv6]. */
int
config_check_listen(const char *s, char *err, size_t errlen)
{
	const char	*colon;
	char		*end;
	long		 port;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return err_set(err, errlen, "is not [HOST]:PORT");
		colon = rb + 1;
	} else if ((colon = strrchr(s, ':')) == NULL ||
	    memchr(s, ':', (size_t)(colon - s)) != NULL)
		return err_set(err, errlen, "is not [HOST]:PORT");
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		return err_set(err, errlen, "has no valid port (1-65535)");
	return 0;
}

static void
add_listen(struct ctx *c, const char *path, const char *val)
{
	char	 err[64];

	if (config_check_listen(val, err, sizeof(err)) == -1) {
		confjson_problem(&c->j, path, "\"%.200s\" %s", val, err);
		return;
	}
	if (c->cfg->nlisten == CONFIG_LISTEN_MAX) {
		confjson_problem(&c->j, path, "at most %d listen addresses", CONFIG_LISTEN_MAX);
		return;
	}
	if ((c->cfg->listen[c->cfg->nlisten] = xstrdup(c, val)) != NULL)
		c->cfg->nlisten++;
}

/* Frees the strings of a string list and empties it. */
static void
clear_strings(char **v, size_t *n)
{
	while (*n > 0)
		free(v[--*n]);
}

static void
clear_listen(struct config *cfg)
{
	clear_strings(cfg->listen, &cfg->nlisten);
}

static void
clear_labels(struct config *cfg)
{
	clear_strings(cfg->label_allow, &cfg->nlabel_allow);
}

static void
add_label_glob(struct ctx *c, const char *path, const char *val)
{
	if (*val == '\0' || strlen(val) > 255) {
		confjson_problem(&c->j, path, "label pattern must be 1 to 255 characters");
		return;
	}
	if (c->cfg->nlabel_allow == CONFIG_LABELS_MAX) {
		confjson_problem(&c->j, path, "at most %d label patterns", CONFIG_LABELS_MAX);
		return;
	}
	if ((c->cfg->label_allow[c->cfg->nlabel_allow] = xstrdup(c, val)) != NULL)
		c->cfg->nlabel_allow++;
}

static int
want_string(struct ctx *c, const char *path, const cJSON *v)
{
	return confjson_want_string(&c->j, path, v);
}

static int
want_duration(struct ctx *c, const char *path, const cJSON *v,
    uint64_t min, uint64_t max, uint64_t *out)
{
	char	 lo[32], hi[32];

	if (want_string(c, path, v) == -1)
		return -1;
	if (duration_parse(v->valuestring, out) == -1) {
		confjson_problem(&c->j, path, "\"%.100s\" is not a duration (like 10s, 5m, 1h30m)",
		    v->valuestring);
		return -1;
	}
	if (*out < min || *out > max) {
		duration_format(min, lo, sizeof(lo));
		duration_format(max, hi, sizeof(hi));
		confjson_problem(&c->j, path, "\"%s\" is out of range (%s to %s)",
		    v->valuestring, lo, hi);
		return -1;
	}
	return 0;
}

static int
want_uint(struct ctx *c, const char *path, const cJSON *v, double min,
    double max, unsigned *out)
{
	char	 tmp[80];

	/* Range first: casting a double the type cannot hold is undefined. */
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(&c->j, path, "%s is not an integer", tmp);
		return -1;
	}
	if (!(v->valuedouble >= min && v->valuedouble <= max)) {
		confjson_problem(&c->j, path, "%.15g is out of range (%.0f to %.0f)",
		    v->valuedouble, min, max);
		return -1;
	}
	*out = (unsigned)v->valuedouble;
	return 0;
}

/* Calls fn for each string of an array, with the element's path. */
static void
each_string(struct ctx *c, const char *path, const cJSON *arr,
    void (*fn)(struct ctx *, const char *, const char *))
{
	const cJSON	*e;
	char		 epath[128];
	int		 i = 0;

	if (confjson_want_array(&c->j, path, arr) == -1)
		return;
	cJSON_ArrayForEach(e, arr) {
		snprintf(epath, sizeof(epath), "%s[%d]", path, i++);
		if (want_string(c, epath, e) == 0)
			fn(c, epath, e->valuestring);
	}
}

typedef void	key_fn(struct ctx *, const char *path, const cJSON *);

struct key {
	const char	*name;
	key_fn		*fn;
};

static void
web_listen(struct ctx *c, const char *path, const cJSON *v)
{
	clear_listen(c->cfg);
	each_string(c, path, v, add_listen);
	if (c->cfg->nlisten == 0 && cJSON_IsArray(v))
		confjson_problem(&c->j, path, "needs at least one address");
}

static void
web_max_conn(struct ctx *c, const char *path, const cJSON *v)
{
	want_uint(c, path, v, 1, MAX_CONNECTIONS_LIMIT, &c->cfg->max_connections);
}

static void
web_max_conn_ip(struct ctx *c, const char *path, const cJSON *v)
{
	want_uint(c, path, v, 0, MAX_CONNECTIONS_LIMIT,
	    &c->cfg->max_connections_per_ip);
}

static void
web_header_timeout(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 100, 3600 * 1000, &c->cfg->header_timeout_ms);
}

static void
web_timeout(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 1000, 3600 * 1000, &c->cfg->conn_timeout_ms);
}

static void
log_level(struct ctx *c, const char *path, const cJSON *v)
{
	if (want_string(c, path, v) == 0 &&
	    log_level_parse(v->valuestring, &c->cfg->log_level) == -1)
		confjson_problem(&c->j, path, "\"%.100s\" is not one of debug, info, warn, error",
		    v->valuestring);
}

static void
log_format(struct ctx *c, const char *path, const cJSON *v)
{
	if (want_string(c, path, v) == 0 &&
	    log_format_parse(v->valuestring, &c->cfg->log_format) == -1)
		confjson_problem(&c->j, path, "\"%.100s\" is not one of logfmt, json",
		    v->valuestring);
}

static void
want_dir_string(struct ctx *c, const char *path, const cJSON *v, char **dst)
{
	if (want_string(c, path, v) == -1)
		return;
	if (v->valuestring[0] != '/' || strlen(v->valuestring) > 1024) {
		confjson_problem(&c->j, path, "\"%.100s\" is not an absolute path", v->valuestring);
		return;
	}
	set_str(c, dst, v->valuestring);
}

static void
paths_sysfs(struct ctx *c, const char *path, const cJSON *v)
{
	want_dir_string(c, path, v, &c->cfg->sysfs);
}

static void
paths_procfs(struct ctx *c, const char *path, const cJSON *v)
{
	want_dir_string(c, path, v, &c->cfg->procfs);
}

static void
docker_data_root(struct ctx *c, const char *path, const cJSON *v)
{
	want_dir_string(c, path, v, &c->cfg->docker_data_root);
}

static int
check_docker_host(const char *s, char *err, size_t errlen)
{
	if (strncmp(s, "unix://", 7) == 0) {
		/* sun_path holds 108 bytes including the NUL. */
		if (s[7] != '/' || strlen(s + 7) > 107)
			return err_set(err, errlen, "needs an absolute socket path of at most 107 bytes");
		return 0;
	}
	if (strncmp(s, "tcp://", 6) == 0) {
		/* A socket proxy needs a host: an empty one would mean "any". */
		if (s[6] == ':' || config_check_listen(s + 6, err, errlen) == -1)
			return err_set(err, errlen, "is not tcp://HOST:PORT");
		return 0;
	}
	return err_set(err, errlen, "is not unix:///PATH or tcp://HOST:PORT");
}

static void
docker_host(struct ctx *c, const char *path, const cJSON *v)
{
	char	 err[80];

	if (want_string(c, path, v) == -1)
		return;
	if (check_docker_host(v->valuestring, err, sizeof(err)) == -1) {
		confjson_problem(&c->j, path, "\"%.200s\" %s", v->valuestring, err);
		return;
	}
	set_str(c, &c->cfg->docker_host, v->valuestring);
}

static void
docker_scope(struct ctx *c, const char *path, const cJSON *v)
{
	if (want_string(c, path, v) == -1)
		return;
	if (strcmp(v->valuestring, "all") == 0)
		c->cfg->docker_scope_project = 0;
	else if (strcmp(v->valuestring, "project") == 0)
		c->cfg->docker_scope_project = 1;
	else
		confjson_problem(&c->j, path, "\"%.100s\" is not all or project",
		    v->valuestring);
}

static void
clear_label_filter(struct config *cfg)
{
	clear_strings(cfg->docker_label_filter, &cfg->ndocker_label_filter);
}

/* Docker's own label filter syntax: "key" or "key=value". */
static void
add_label_filter(struct ctx *c, const char *path, const char *val)
{
	const unsigned char	*p;

	if (*val == '\0' || *val == '=' || strlen(val) > 255) {
		confjson_problem(&c->j, path, "must be \"key\" or \"key=value\" "
		    "with a key, at most 255 bytes");
		return;
	}
	for (p = (const unsigned char *)val; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			confjson_problem(&c->j, path, "holds a control character");
			return;
		}
	if (c->cfg->ndocker_label_filter == CONFIG_LABEL_FILTER_MAX) {
		confjson_problem(&c->j, path, "at most %d label filters",
		    CONFIG_LABEL_FILTER_MAX);
		return;
	}
	if ((c->cfg->docker_label_filter[c->cfg->ndocker_label_filter] =
	    xstrdup(c, val)) != NULL)
		c->cfg->ndocker_label_filter++;
}

static void
docker_label_filter(struct ctx *c, const char *path, const cJSON *v)
{
	clear_label_filter(c->cfg);
	each_string(c, path, v, add_label_filter);
}

/* A string holds a comma-separated list, as the flags give it. */
static void
each_listed(struct ctx *c, const char *path, const cJSON *v,
    void (*fn)(struct ctx *, const char *, const char *))
{
	char	*copy, *p, *tok;

	if (!cJSON_IsString(v)) {
		each_string(c, path, v, fn);
		return;
	}
	if (*v->valuestring == '\0' ||
	    (copy = xstrdup(c, v->valuestring)) == NULL)
		return;
	for (p = copy; (tok = strsep(&p, ",")) != NULL; )
		fn(c, path, tok);
	free(copy);
}

static void
metrics_labels(struct ctx *c, const char *path, const cJSON *v)
{
	clear_labels(c->cfg);
	/* cAdvisor's default, --store_container_labels: every label. */
	if (cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0)
		add_label_glob(c, path, "*");
	else
		each_listed(c, path, v, add_label_glob);
}

static void
clear_env(struct config *cfg)
{
	clear_strings(cfg->env_allow, &cfg->nenv_allow);
}

/* An environment variable name prefix, as --env_metadata_whitelist. */
static void
add_env_prefix(struct ctx *c, const char *path, const char *val)
{
	const unsigned char	*p;

	if (*val == '\0' || strlen(val) > 255) {
		confjson_problem(&c->j, path,
		    "variable name prefix must be 1 to 255 characters");
		return;
	}
	for (p = (const unsigned char *)val; *p != '\0'; p++)
		if (*p <= 0x20 || *p == '=' || *p == 0x7f) {
			confjson_problem(&c->j, path, "holds '=', a space or "
			    "a control character");
			return;
		}
	if (c->cfg->nenv_allow == CONFIG_LABELS_MAX) {
		confjson_problem(&c->j, path, "at most %d variable prefixes",
		    CONFIG_LABELS_MAX);
		return;
	}
	if ((c->cfg->env_allow[c->cfg->nenv_allow] = xstrdup(c, val)) != NULL)
		c->cfg->nenv_allow++;
}

static void
metrics_env(struct ctx *c, const char *path, const cJSON *v)
{
	clear_env(c->cfg);
	each_listed(c, path, v, add_env_prefix);
}

static void
metrics_fs_interval(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 0, 24 * 3600 * 1000,
	    &c->cfg->fs_usage_interval_ms);
	if (c->cfg->fs_usage_interval_ms > 0 &&
	    c->cfg->fs_usage_interval_ms < 1000)
		confjson_problem(&c->j, path, "must be 0s (off) or at least 1s");
}

static void
metrics_fs_rate(struct ctx *c, const char *path, const cJSON *v)
{
	want_uint(c, path, v, 100, 10000000, &c->cfg->fs_usage_rate);
}

static void
metrics_min_interval(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 0, 60 * 1000, &c->cfg->metrics_min_interval_ms);
}

/* "auto" (what RLIMIT_NOFILE allows) or a number of descriptors, 0 for none. */
static void
metrics_fd_budget(struct ctx *c, const char *path, const cJSON *v)
{
	unsigned	n;

	if (cJSON_IsString(v) && strcmp(v->valuestring, "auto") == 0) {
		c->cfg->metrics_fd_budget = -1;
		return;
	}
	if (want_uint(c, path, v, 0, CONFIG_FD_BUDGET_MAX, &n) == 0)
		c->cfg->metrics_fd_budget = n;
}

static void
metrics_task_states(struct ctx *c, const char *path, const cJSON *v)
{
	confjson_want_bool(&c->j, path, v, &c->cfg->metrics_task_states);
}

static const struct key web_keys[] = {
	{ "listen_addresses", web_listen },
	{ "max_connections", web_max_conn },
	{ "max_connections_per_ip", web_max_conn_ip },
	{ "header_timeout", web_header_timeout },
	{ "timeout", web_timeout },
	{ NULL, NULL },
};
static const struct key log_keys[] = {
	{ "level", log_level },
	{ "format", log_format },
	{ NULL, NULL },
};
static const struct key paths_keys[] = {
	{ "sysfs", paths_sysfs },
	{ "procfs", paths_procfs },
	{ NULL, NULL },
};
static const struct key docker_keys[] = {
	{ "host", docker_host },
	{ "scope", docker_scope },
	{ "label_filter", docker_label_filter },
	{ "data_root", docker_data_root },
	{ NULL, NULL },
};
static const struct key metrics_keys[] = {
	{ "container_labels", metrics_labels },
	{ "container_env", metrics_env },
	{ "fs_usage_interval", metrics_fs_interval },
	{ "fs_usage_rate", metrics_fs_rate },
	{ "min_interval", metrics_min_interval },
	{ "fd_budget", metrics_fd_budget },
	{ "task_states", metrics_task_states },
	{ NULL, NULL },
};
static const struct {
	const char		*name;
	const struct key	*keys;
} own_sections[] = {
	{ "web", web_keys },
	{ "log", log_keys },
	{ "paths", paths_keys },
	{ "docker", docker_keys },
	{ "metrics", metrics_keys },
};
#define NOWN	(sizeof(own_sections) / sizeof(own_sections[0]))

/* The index of the caller's section named `key`, or -1. */
static int
find_section(const struct config *cfg, const char *key)
{
	const struct config_section	*s;

	if (cfg->sections == NULL)
		return -1;
	for (s = cfg->sections; s->key != NULL; s++)
		if (strcmp(s->key, key) == 0)
			return (int)(s - cfg->sections);
	return -1;
}

/* A key that appears twice replaces what the first one gave. */
static void
parse_section(struct ctx *c, int i, const char *path, const cJSON *v)
{
	const struct config_section	*s = &c->cfg->sections[i];
	void				*out = NULL;

	if (c->cfg->section[i] != NULL) {
		s->free(c->cfg->section[i]);
		c->cfg->section[i] = NULL;
	}
	s->parse(v, path, &c->j, &out);
	c->cfg->section[i] = out;
}

/* A key of config's own objects, or else of the caller's sections. */
static void
apply_key(struct ctx *c, const char *path, const cJSON *v,
    const struct key *keys)
{
	const struct key	*k;
	int			 i;

	for (k = keys; k->name != NULL; k++)
		if (strcmp(k->name, v->string) == 0) {
			k->fn(c, path, v);
			return;
		}
	if ((i = find_section(c->cfg, path)) != -1)
		parse_section(c, i, path, v);
	else
		confjson_problem(&c->j, path, "unknown key");
}

static void
apply_object(struct ctx *c, const char *path, const cJSON *obj,
    const struct key *keys)
{
	const cJSON	*v;
	char		 kpath[160];

	if (confjson_want_object(&c->j, path, obj) == -1)
		return;
	cJSON_ArrayForEach(v, obj) {
		snprintf(kpath, sizeof(kpath), "%s.%.80s", path, v->string);
		apply_key(c, kpath, v, keys);
	}
}

static void
apply_root(struct ctx *c, const cJSON *root)
{
	const cJSON	*v;
	size_t		 i;
	int		 s;

	if (!cJSON_IsObject(root)) {
		confjson_problem(&c->j, "(root)", "the config file must hold a JSON object");
		return;
	}
	cJSON_ArrayForEach(v, root) {
		if ((s = find_section(c->cfg, v->string)) != -1) {
			parse_section(c, s, v->string, v);
			continue;
		}
		for (i = 0; i < NOWN; i++)
			if (strcmp(own_sections[i].name, v->string) == 0)
				break;
		if (i == NOWN)
			confjson_problem(&c->j, v->string, "unknown key");
		else
			apply_object(c, v->string, v, own_sections[i].keys);
	}
}

static void
set_defaults(struct ctx *c)
{
	struct config	*cfg = c->cfg;

	add_listen(c, "default", CONFIG_DEFAULT_LISTEN);
	cfg->max_connections = 64;
	cfg->max_connections_per_ip = 16;
	cfg->conn_timeout_ms = 10 * 1000;
	cfg->header_timeout_ms = 5 * 1000;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->log_format = LOG_FORMAT_LOGFMT;
	set_str(c, &cfg->sysfs, "/sys");
	set_str(c, &cfg->procfs, "/proc");
	set_str(c, &cfg->docker_host, "unix:///var/run/docker.sock");
	set_str(c, &cfg->docker_data_root, "/var/lib/docker");
	add_label_glob(c, "default", "*");
	cfg->fs_usage_interval_ms = 60 * 1000;
	cfg->fs_usage_rate = 20000;
	cfg->metrics_min_interval_ms = 1000;
	cfg->metrics_fd_budget = -1;
}

/* Flags and environment win over the file: applied last, through the same checks. */
static void
apply_flags(struct ctx *c, const struct config_flags *f)
{
	const char	*env;
	cJSON		*tmp;
	size_t		 i;

	if (f->nlisten > 0) {
		clear_listen(c->cfg);
		for (i = 0; i < f->nlisten; i++)
			add_listen(c, "--web.listen-address", f->listen[i]);
	}
#define FLAG_STR(val, name, fn) do {					\
	if ((val) != NULL && (tmp = cJSON_CreateString(val)) != NULL) {	\
		fn(c, name, tmp);					\
		cJSON_Delete(tmp);					\
	}								\
} while (0)
	env = getenv("DOCKER_HOST");
	if (f->docker_host == NULL && env != NULL && *env != '\0')
		FLAG_STR(env, "DOCKER_HOST", docker_host);
	FLAG_STR(f->docker_host, "--docker.host", docker_host);
	FLAG_STR(f->docker_scope, "--docker.scope", docker_scope);
	FLAG_STR(f->sysfs, "--path.sysfs", paths_sysfs);
	FLAG_STR(f->procfs, "--path.procfs", paths_procfs);
	FLAG_STR(f->log_level, "--log.level", log_level);
	FLAG_STR(f->log_format, "--log.format", log_format);
	FLAG_STR(f->container_labels, "--metrics.container-labels",
	    metrics_labels);
	FLAG_STR(f->container_env, "--metrics.container-env", metrics_env);
#undef FLAG_STR
}

/* Sections that only make sense together, such as a user and its password. */
static void
check_pairs(struct ctx *c)
{
	const struct config_section	*s;
	int				 i, p, have, have_pair;

	for (s = c->cfg->sections; s != NULL && s->key != NULL; s++) {
		if (s->pair == NULL || (p = find_section(c->cfg, s->pair)) == -1)
			continue;
		i = (int)(s - c->cfg->sections);
		have = c->cfg->section[i] != NULL;
		have_pair = c->cfg->section[p] != NULL;
		if (have != have_pair)
			confjson_problem(&c->j, have ? s->pair : s->key,
			    "%s and %s go together", s->key, s->pair);
	}
}

/* The caller's table: every entry needs a parser, and room in the config. */
static int
sections_fit(const struct config_section *sections)
{
	size_t	 n = 0;

	for (; sections != NULL && sections->key != NULL; sections++)
		if (++n > CONFIG_SECTIONS_MAX || sections->parse == NULL ||
		    sections->free == NULL)
			return 0;
	return 1;
}

void *
config_section(const struct config *cfg, size_t i)
{
	return i < CONFIG_SECTIONS_MAX ? cfg->section[i] : NULL;
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	clear_listen(cfg);
	clear_labels(cfg);
	clear_env(cfg);
	clear_label_filter(cfg);
	free(cfg->sysfs);
	free(cfg->procfs);
	free(cfg->docker_host);
	free(cfg->docker_data_root);
	for (i = 0; i < CONFIG_SECTIONS_MAX; i++)
		if (cfg->section[i] != NULL)
			cfg->sections[i].free(cfg->section[i]);
	free(cfg);
}

struct config *
config_from_json(const char *json, size_t len, const struct config_flags *f,
    const struct config_section *sections, struct buf *errors)
{
	struct ctx	 c = { NULL, { errors, 0 } };
	cJSON		*root = NULL;

	if (!sections_fit(sections)) {
		buf_puts(errors, "config: bad table of sections\n");
		return NULL;
	}
	if ((c.cfg = calloc(1, sizeof(*c.cfg))) == NULL) {
		buf_puts(errors, "config: out of memory\n");
		return NULL;
	}
	c.cfg->sections = sections;
	set_defaults(&c);
	if (json != NULL) {
		const char *end = NULL;

		root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
		if (root == NULL)
			confjson_parse_problem(&c.j, json, len, end);
		else
			apply_root(&c, root);
		cJSON_Delete(root);
	}
	apply_flags(&c, f);
	check_pairs(&c);
	if (c.j.n > 0 || errors->oom) {
		config_free(c.cfg);
		return NULL;
	}
	return c.cfg;
}
