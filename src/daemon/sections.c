/*
 * sections: the config file's parts that belong to the check, remedy and
 * http modules, handed to their parsers by config through this table.
 */
#include "daemon/sections.h"

#include <stdlib.h>
#include <string.h>

#include "check/checkspec.h"
#include "core/confjson.h"
#include "http/basicauth.h"
#include "remedy/alerts.h"
#include "remedy/events.h"
#include "remedy/notify.h"
#include "remedy/remedy.h"

/* Indexes into sections_table. */
enum section {
	SECTION_CHECKS,
	SECTION_REMEDIATION,
	SECTION_NOTIFY,
	SECTION_ADMIN_TOKEN,
	SECTION_ADMIN_USER,
	SECTION_ADMIN_HASH,
	SECTION_OPEN_PATHS,
	SECTION_WEB_CONFIG_FILE,
	SECTION_EVENTS,
	SECTION_ALERTMANAGER,
};

/* web.unauthenticated_paths */
struct open_paths {
	char		*path[BASICAUTH_OPEN_MAX];
	size_t		 n;
};

static void
parse_checks(const cJSON *v, const char *path, struct confjson *j, void **out)
{
	struct checkspec_rules	*r = NULL;

	j->n += checkspec_rules_from_json(v, path, &r, j->errors);
	*out = r;
}

static void
free_checks(void *p)
{
	checkspec_rules_free(p);
}

static void
parse_remediation(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	struct remedy_config	*r = NULL;

	j->n += remedy_config_from_json(v, path, &r, j->errors);
	*out = r;
}

static void
free_remediation(void *p)
{
	remedy_config_free(p);
}

static void
parse_notify(const cJSON *v, const char *path, struct confjson *j, void **out)
{
	struct notify_config	*n = NULL;

	j->n += notify_config_from_json(v, path, &n, j->errors);
	*out = n;
}

static void
free_notify(void *p)
{
	notify_config_free(p);
}

static void
parse_events(const cJSON *v, const char *path, struct confjson *j, void **out)
{
	struct events_config	*e = NULL;

	j->n += events_config_from_json(v, path, &e, j->errors);
	*out = e;
}

static void
free_events(void *p)
{
	events_config_free(p);
}

static void
parse_alertmanager(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	struct alerts_config	*a = NULL;

	j->n += alerts_config_from_json(v, path, &a, j->errors);
	*out = a;
}

static void
free_alertmanager(void *p)
{
	alerts_config_free(p);
}

/* web.admin_*: checked by auth, and never echoed in a message. */
static void
parse_secret(const cJSON *v, const char *path, struct confjson *j, void **out,
    int (*check)(const char *, char *, size_t))
{
	char	 err[128];

	if (confjson_want_string(j, path, v) == -1)
		return;
	if (check(v->valuestring, err, sizeof(err)) == -1) {
		confjson_problem(j, path, "%s", err);
		return;
	}
	if ((*out = strdup(v->valuestring)) == NULL)
		confjson_problem(j, "config", "out of memory");
}

static void
parse_admin_token(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	parse_secret(v, path, j, out, auth_check_token);
}

static void
parse_admin_user(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	parse_secret(v, path, j, out, auth_check_user);
}

static void
parse_admin_hash(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	parse_secret(v, path, j, out, auth_check_hash);
}

static void
free_open_paths(void *p)
{
	struct open_paths	*o = p;
	size_t			 i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++)
		free(o->path[i]);
	free(o);
}

static void
parse_open_paths(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	struct open_paths	*o;
	const cJSON		*e;
	char			 p[160], err[128];
	int			 i = 0, bad = j->n;

	if (confjson_want_array(j, path, v) == -1)
		return;
	if (cJSON_GetArraySize(v) > BASICAUTH_OPEN_MAX) {
		confjson_problem(j, path, "more than %d paths", BASICAUTH_OPEN_MAX);
		return;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		confjson_problem(j, "config", "out of memory");
		return;
	}
	cJSON_ArrayForEach(e, v) {
		confjson_path(p, sizeof(p), "%s[%d]", path, i++);
		if (confjson_want_string(j, p, e) == -1)
			continue;
		if (basicauth_check_path(e->valuestring, err, sizeof(err)) == -1) {
			confjson_problem(j, p, "%s", err);
			continue;
		}
		if ((o->path[o->n] = strdup(e->valuestring)) == NULL)
			confjson_problem(j, "config", "out of memory");
		else
			o->n++;
	}
	if (j->n > bad) {
		free_open_paths(o);
		return;
	}
	*out = o;
}

/* web.config_file: only a name here; webreload reads the file. */
static void
parse_web_config_file(const cJSON *v, const char *path, struct confjson *j,
    void **out)
{
	if (confjson_want_string(j, path, v) == -1)
		return;
	if (v->valuestring[0] == '\0') {
		confjson_problem(j, path, "must not be empty");
		return;
	}
	if ((*out = strdup(v->valuestring)) == NULL)
		confjson_problem(j, "config", "out of memory");
}

const struct config_section sections_table[] = {
	[SECTION_CHECKS] = { "checks", parse_checks, free_checks, NULL },
	[SECTION_REMEDIATION] = { "remediation", parse_remediation,
	    free_remediation, NULL },
	[SECTION_NOTIFY] = { "notify", parse_notify, free_notify, NULL },
	[SECTION_ADMIN_TOKEN] = { "web.admin_token", parse_admin_token, free,
	    NULL },
	/* Basic auth needs both halves. */
	[SECTION_ADMIN_USER] = { "web.admin_user", parse_admin_user, free,
	    "web.admin_password_hash" },
	[SECTION_ADMIN_HASH] = { "web.admin_password_hash", parse_admin_hash,
	    free, NULL },
	[SECTION_OPEN_PATHS] = { "web.unauthenticated_paths", parse_open_paths,
	    free_open_paths, NULL },
	[SECTION_WEB_CONFIG_FILE] = { "web.config_file", parse_web_config_file,
	    free, NULL },
	[SECTION_EVENTS] = { "events", parse_events, free_events, NULL },
	[SECTION_ALERTMANAGER] = { "alertmanager", parse_alertmanager,
	    free_alertmanager, NULL },
	{ NULL, NULL, NULL, NULL },
};

const struct checkspec_rules *
sections_checks(const struct config *cfg)
{
	return config_section(cfg, SECTION_CHECKS);
}

const struct remedy_config *
sections_remediation(const struct config *cfg)
{
	return config_section(cfg, SECTION_REMEDIATION);
}

const struct notify_config *
sections_notify(const struct config *cfg)
{
	return config_section(cfg, SECTION_NOTIFY);
}

const struct events_config *
sections_events(const struct config *cfg)
{
	return config_section(cfg, SECTION_EVENTS);
}

const struct alerts_config *
sections_alertmanager(const struct config *cfg)
{
	return config_section(cfg, SECTION_ALERTMANAGER);
}

void
sections_auth(const struct config *cfg, struct auth_config *a)
{
	a->token = config_section(cfg, SECTION_ADMIN_TOKEN);
	a->user = config_section(cfg, SECTION_ADMIN_USER);
	a->hash = config_section(cfg, SECTION_ADMIN_HASH);
}

const char *
sections_web_config_file(const struct config *cfg, const struct config_flags *f)
{
	if (f->web_config_file != NULL)
		return f->web_config_file;
	return config_section(cfg, SECTION_WEB_CONFIG_FILE);
}

int
sections_open_paths(const struct config *cfg, const char *const **paths,
    size_t *n)
{
	const struct open_paths	*o = config_section(cfg, SECTION_OPEN_PATHS);

	if (o == NULL)
		return 0;
	*paths = (const char *const *)o->path;
	*n = o->n;
	return 1;
}

int
sections_dry_run(const struct config *cfg, const struct config_flags *f)
{
	const struct remedy_config	*r = sections_remediation(cfg);

	return f->dry_run || (r != NULL && r->dry_run);
}
