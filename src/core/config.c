/*
 * config: command-line flags, environment and the JSON config file merged
 * into one validated struct config.
 *
 * The JSON side is table-driven: each section lists its keys with a setter,
 * so an unknown key, a wrong type or an out-of-range value is reported with
 * its full JSON path, and every problem is collected before giving up.
 */
#include "core/config.h"

#include <cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/auth.h"
#include "check/checkspec.h"
#include "core/confjson.h"
#include "core/duration.h"
#include "remedy/notify.h"
#include "remedy/remedy.h"

#define CONFIG_FILE_MAX		(1024 * 1024)
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

		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errlen, "is not [HOST]:PORT");
			return -1;
		}
		colon = rb + 1;
	} else if ((colon = strrchr(s, ':')) == NULL ||
	    memchr(s, ':', (size_t)(colon - s)) != NULL) {
		snprintf(err, errlen, "is not [HOST]:PORT");
		return -1;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535) {
		snprintf(err, errlen, "has no valid port (1-65535)");
		return -1;
	}
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

static void
clear_listen(struct config *cfg)
{
	while (cfg->nlisten > 0)
		free(cfg->listen[--cfg->nlisten]);
}

static void
clear_labels(struct config *cfg)
{
	while (cfg->nlabel_allow > 0)
		free(cfg->label_allow[--cfg->nlabel_allow]);
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
	char	 tmp[80];

	if (cJSON_IsString(v))
		return 0;
	confjson_show(v, tmp, sizeof(tmp));
	confjson_problem(&c->j, path, "%s is not a string", tmp);
	return -1;
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

	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(&c->j, path, "%s is not an integer", tmp);
		return -1;
	}
	if (v->valuedouble < min || v->valuedouble > max) {
		confjson_problem(&c->j, path, "%.0f is out of range (%.0f to %.0f)",
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
	char		 epath[128], tmp[80];
	int		 i = 0;

	if (!cJSON_IsArray(arr)) {
		confjson_show(arr, tmp, sizeof(tmp));
		confjson_problem(&c->j, path, "%s is not an array", tmp);
		return;
	}
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
web_timeout(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 1000, 3600 * 1000, &c->cfg->conn_timeout_ms);
}

/* web.admin_*: the admin endpoints' credentials (checked in auth.c). */
static void
web_secret(struct ctx *c, const char *path, const cJSON *v, char **dst,
    int (*check)(const char *, char *, size_t))
{
	char	 err[128];

	if (want_string(c, path, v) == -1)
		return;
	if (check(v->valuestring, err, sizeof(err)) == -1) {
		confjson_problem(&c->j, path, "%s", err);	/* never echo a secret */
		return;
	}
	set_str(c, dst, v->valuestring);
}

static void
web_admin_token(struct ctx *c, const char *path, const cJSON *v)
{
	web_secret(c, path, v, &c->cfg->admin_token, auth_check_token);
}

static void
web_admin_user(struct ctx *c, const char *path, const cJSON *v)
{
	web_secret(c, path, v, &c->cfg->admin_user, auth_check_user);
}

static void
web_admin_hash(struct ctx *c, const char *path, const cJSON *v)
{
	web_secret(c, path, v, &c->cfg->admin_password_hash, auth_check_hash);
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

int
config_check_docker_host(const char *s, char *err, size_t errlen)
{
	if (strncmp(s, "unix://", 7) == 0) {
		/* sun_path holds 108 bytes including the NUL. */
		if (s[7] != '/' || strlen(s + 7) > 107) {
			snprintf(err, errlen, "needs an absolute socket path of at most 107 bytes");
			return -1;
		}
		return 0;
	}
	if (strncmp(s, "tcp://", 6) == 0) {
		/* A socket proxy needs a host: an empty one would mean "any". */
		if (s[6] == ':' || config_check_listen(s + 6, err, errlen) == -1) {
			snprintf(err, errlen, "is not tcp://HOST:PORT");
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "is not unix:///PATH or tcp://HOST:PORT");
	return -1;
}

static void
docker_host(struct ctx *c, const char *path, const cJSON *v)
{
	char	 err[80];

	if (want_string(c, path, v) == -1)
		return;
	if (config_check_docker_host(v->valuestring, err, sizeof(err)) == -1) {
		confjson_problem(&c->j, path, "\"%.200s\" %s", v->valuestring, err);
		return;
	}
	set_str(c, &c->cfg->docker_host, v->valuestring);
}

static void
metrics_labels(struct ctx *c, const char *path, const cJSON *v)
{
	clear_labels(c->cfg);
	each_string(c, path, v, add_label_glob);
}

static void
metrics_min_interval(struct ctx *c, const char *path, const cJSON *v)
{
	want_duration(c, path, v, 0, 60 * 1000, &c->cfg->metrics_min_interval_ms);
}

static const struct key web_keys[] = {
	{ "listen_addresses", web_listen },
	{ "max_connections", web_max_conn },
	{ "timeout", web_timeout },
	{ "admin_token", web_admin_token },
	{ "admin_user", web_admin_user },
	{ "admin_password_hash", web_admin_hash },
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
	{ NULL, NULL },
};
static const struct key metrics_keys[] = {
	{ "container_labels", metrics_labels },
	{ "min_interval", metrics_min_interval },
	{ NULL, NULL },
};
static const struct {
	const char		*name;
	const struct key	*keys;
} sections[] = {
	{ "web", web_keys },
	{ "log", log_keys },
	{ "paths", paths_keys },
	{ "docker", docker_keys },
	{ "metrics", metrics_keys },
};

static void
apply_object(struct ctx *c, const char *path, const cJSON *obj,
    const struct key *keys)
{
	const cJSON	*v;
	const struct key *k;
	char		 kpath[160], tmp[80];

	if (!cJSON_IsObject(obj)) {
		confjson_show(obj, tmp, sizeof(tmp));
		confjson_problem(&c->j, path, "%s is not an object", tmp);
		return;
	}
	cJSON_ArrayForEach(v, obj) {
		snprintf(kpath, sizeof(kpath), "%s.%.80s", path, v->string);
		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, v->string) == 0)
				break;
		if (k->name == NULL)
			confjson_problem(&c->j, kpath, "unknown key");
		else
			k->fn(c, kpath, v);
	}
}

static void
apply_root(struct ctx *c, const cJSON *root)
{
	const cJSON	*v;
	size_t		 i;

	if (!cJSON_IsObject(root)) {
		confjson_problem(&c->j, "(root)", "the config file must hold a JSON object");
		return;
	}
	cJSON_ArrayForEach(v, root) {
		/* `checks`: health-check rules, parsed by checkspec.c (issue 5). */
		if (strcmp(v->string, "checks") == 0) {
			checkspec_rules_free(c->cfg->checks);
			c->j.n += checkspec_rules_from_json(v, v->string,
			    &c->cfg->checks, c->j.errors);
			continue;
		}
		/* Sections parsed by their own modules (issue 6). */
		if (strcmp(v->string, "remediation") == 0) {
			remedy_config_free(c->cfg->remediation);
			c->j.n += remedy_config_from_json(v, v->string,
			    &c->cfg->remediation, c->j.errors);
			continue;
		}
		if (strcmp(v->string, "notify") == 0) {
			notify_config_free(c->cfg->notify);
			c->j.n += notify_config_from_json(v, v->string,
			    &c->cfg->notify, c->j.errors);
			continue;
		}
		for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
			if (strcmp(sections[i].name, v->string) == 0)
				break;
		if (i == sizeof(sections) / sizeof(sections[0]))
			confjson_problem(&c->j, v->string, "unknown key");
		else
			apply_object(c, v->string, v, sections[i].keys);
	}
}

static void
set_defaults(struct ctx *c)
{
	struct config	*cfg = c->cfg;

	add_listen(c, "default", CONFIG_DEFAULT_LISTEN);
	cfg->max_connections = 64;
	cfg->conn_timeout_ms = 10 * 1000;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->log_format = LOG_FORMAT_LOGFMT;
	set_str(c, &cfg->sysfs, "/sys");
	set_str(c, &cfg->procfs, "/proc");
	set_str(c, &cfg->docker_host, "unix:///var/run/docker.sock");
	add_label_glob(c, "default", "com.docker.compose.project");
	add_label_glob(c, "default", "com.docker.compose.service");
	cfg->metrics_min_interval_ms = 1000;
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
	FLAG_STR(f->sysfs, "--path.sysfs", paths_sysfs);
	FLAG_STR(f->procfs, "--path.procfs", paths_procfs);
	FLAG_STR(f->log_level, "--log.level", log_level);
	FLAG_STR(f->log_format, "--log.format", log_format);
#undef FLAG_STR
	c->cfg->dry_run = f->dry_run || (c->cfg->remediation != NULL &&
	    c->cfg->remediation->dry_run);
}

/* Basic auth needs both halves. */
static void
check_admin(struct ctx *c)
{
	if ((c->cfg->admin_user != NULL) != (c->cfg->admin_password_hash != NULL))
		confjson_problem(&c->j, c->cfg->admin_user != NULL ?
		    "web.admin_password_hash" : "web.admin_user",
		    "web.admin_user and web.admin_password_hash go together");
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	clear_listen(cfg);
	clear_labels(cfg);
	free(cfg->sysfs);
	free(cfg->procfs);
	free(cfg->docker_host);
	free(cfg->admin_token);
	free(cfg->admin_user);
	free(cfg->admin_password_hash);
	checkspec_rules_free(cfg->checks);
	remedy_config_free(cfg->remediation);
	notify_config_free(cfg->notify);
	free(cfg);
}

struct config *
config_from_json(const char *json, size_t len, const struct config_flags *f,
    struct buf *errors)
{
	struct ctx	 c = { NULL, { errors, 0 } };
	cJSON		*root = NULL;

	if ((c.cfg = calloc(1, sizeof(*c.cfg))) == NULL) {
		buf_puts(errors, "config: out of memory\n");
		return NULL;
	}
	set_defaults(&c);
	if (json != NULL) {
		const char *end = NULL;

		root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
		if (root == NULL)
			confjson_problem(&c.j, "(root)", "invalid JSON near byte %ld",
			    end != NULL ? (long)(end - json) : 0L);
		else
			apply_root(&c, root);
		cJSON_Delete(root);
	}
	apply_flags(&c, f);
	check_admin(&c);
	if (c.j.n > 0 || errors->oom) {
		config_free(c.cfg);
		return NULL;
	}
	return c.cfg;
}

const char *
config_file_path(const struct config_flags *f)
{
	return f->config_file != NULL ? f->config_file : CONFIG_DEFAULT_FILE;
}

static int
read_file(const char *path, struct buf *out, struct buf *errors, int *missing)
{
	FILE		*fp;
	char		 chunk[8192];
	size_t		 n;

	*missing = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		*missing = errno == ENOENT;
		buf_printf(errors, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + n > CONFIG_FILE_MAX) {
			buf_printf(errors, "%s: larger than %d bytes\n", path,
			    CONFIG_FILE_MAX);
			fclose(fp);
			return -1;
		}
		buf_append(out, chunk, n);
	}
	if (ferror(fp)) {
		buf_printf(errors, "%s: read error\n", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

struct config *
config_load(const struct config_flags *f, struct buf *errors)
{
	struct buf	 text;
	struct config	*cfg;
	const char	*path = config_file_path(f);
	int		 missing;
	size_t		 mark = errors->len;

	buf_init(&text);
	if (read_file(path, &text, errors, &missing) == -1) {
		/* Only the default file may be absent. */
		if (!(missing && f->config_file == NULL)) {
			buf_free(&text);
			return NULL;
		}
		errors->len = mark;
		if (errors->data != NULL)
			errors->data[mark] = '\0';
		cfg = config_from_json(NULL, 0, f, errors);
	} else
		cfg = config_from_json(text.data != NULL ? text.data : "",
		    text.len, f, errors);
	buf_free(&text);
	return cfg;
}

/*
 * Command-line flags, Prometheus-exporter style: --name=value or
 * --name value.
 */
enum flag_kind { FLAG_VALUE, FLAG_BOOL };

struct flag {
	const char	*name;
	enum flag_kind	 kind;
	const char	*help;
};

static const struct flag flags[] = {
	{ "web.listen-address", FLAG_VALUE,
	    "[HOST]:PORT to serve on; repeat for several (default " CONFIG_DEFAULT_LISTEN ")" },
	{ "config.file", FLAG_VALUE,
	    "JSON config file (default " CONFIG_DEFAULT_FILE ", may be absent)" },
	{ "path.sysfs", FLAG_VALUE, "sysfs mount point (default /sys)" },
	{ "path.procfs", FLAG_VALUE, "procfs mount point (default /proc)" },
	{ "docker.host", FLAG_VALUE,
	    "Docker API: unix:///PATH or tcp://HOST:PORT (default $DOCKER_HOST, "
	    "else unix:///var/run/docker.sock)" },
	{ "log.level", FLAG_VALUE, "debug, info, warn or error (default info)" },
	{ "log.format", FLAG_VALUE, "logfmt or json (default logfmt)" },
	{ "check-config", FLAG_BOOL, "validate the configuration and exit (0 ok, 78 invalid)" },
	{ "dry-run", FLAG_BOOL,
	    "remediation only logs and counts what it would do; no container is touched" },
	{ "version", FLAG_BOOL, "print the version and exit" },
	{ "help", FLAG_BOOL, "print this help and exit" },
};

void
config_usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: haled [flags]\n\n"
	    "Container health and resource monitor daemon.\n\nFlags:\n");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		fprintf(fp, "  --%s%s\n      %s\n", flags[i].name,
		    flags[i].kind == FLAG_VALUE ? "=VALUE" : "", flags[i].help);
}

static int
set_flag(struct config_flags *f, const struct flag *fl, const char *val,
    char *err, size_t errlen)
{
	const char	*n = fl->name;

	if (strcmp(n, "web.listen-address") == 0) {
		if (f->nlisten == CONFIG_LISTEN_MAX) {
			snprintf(err, errlen, "--web.listen-address: at most %d",
			    CONFIG_LISTEN_MAX);
			return -1;
		}
		f->listen[f->nlisten++] = val;
	} else if (strcmp(n, "config.file") == 0)
		f->config_file = val;
	else if (strcmp(n, "path.sysfs") == 0)
		f->sysfs = val;
	else if (strcmp(n, "path.procfs") == 0)
		f->procfs = val;
	else if (strcmp(n, "docker.host") == 0)
		f->docker_host = val;
	else if (strcmp(n, "log.level") == 0)
		f->log_level = val;
	else if (strcmp(n, "log.format") == 0)
		f->log_format = val;
	else if (strcmp(n, "check-config") == 0)
		f->check_config = 1;
	else if (strcmp(n, "dry-run") == 0)
		f->dry_run = 1;
	else if (strcmp(n, "version") == 0)
		f->version = 1;
	else if (strcmp(n, "help") == 0)
		f->help = 1;
	return 0;
}

static const struct flag *
find_flag(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strlen(flags[i].name) == len &&
		    strncmp(flags[i].name, name, len) == 0)
			return &flags[i];
	return NULL;
}

int
config_parse_flags(int argc, char **argv, struct config_flags *f, char *err,
    size_t errlen)
{
	int		 i;

	memset(f, 0, sizeof(*f));
	for (i = 1; i < argc; i++) {
		const char		*arg = argv[i], *name, *eq, *val = NULL;
		const struct flag	*fl;

		if (strcmp(arg, "-h") == 0) {
			f->help = 1;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument \"%.100s\"", arg);
			return -1;
		}
		name = arg + 2;
		eq = strchr(name, '=');
		fl = find_flag(name, eq != NULL ? (size_t)(eq - name) : strlen(name));
		if (fl == NULL) {
			snprintf(err, errlen, "unknown flag \"%.100s\"", arg);
			return -1;
		}
		if (fl->kind == FLAG_BOOL && eq != NULL) {
			snprintf(err, errlen, "--%s takes no value", fl->name);
			return -1;
		}
		if (fl->kind == FLAG_VALUE) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				snprintf(err, errlen, "--%s needs a value", fl->name);
				return -1;
			}
		}
		if (set_flag(f, fl, val, err, errlen) == -1)
			return -1;
	}
	return 0;
}
