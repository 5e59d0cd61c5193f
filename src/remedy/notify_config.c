/*
 * notify_config: the `notify` section of the config file (webhook URLs,
 * event filters, headers, timeouts, retries, queue bound) and the event
 * names. Pure: every problem is appended to the caller's buffer with its
 * path ("notify.webhooks[0].url: ...").
 */
#include "remedy/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/confjson.h"
#include "core/duration.h"
#include "docker/logtail.h"
#include "remedy/events.h"

#define RETRIES_MAX	20
#define QUEUE_MAX	10000

static const struct {
	const char	*name;
	unsigned	 bit;
} event_names[] = {
	{ "action", NOTIFY_EV_ACTION },
	{ "gave_up", NOTIFY_EV_GAVE_UP },
	{ "recovered", NOTIFY_EV_RECOVERED },
	{ "reset", NOTIFY_EV_RESET },
	{ "oom", NOTIFY_EV_OOM },
	{ "exit", NOTIFY_EV_EXIT },
	{ "restart_loop", NOTIFY_EV_RESTART_LOOP },
	{ "unhealthy", NOTIFY_EV_UNHEALTHY },
	{ "healthy", NOTIFY_EV_HEALTHY },
};

static const char *const format_names[] = {
	[NOTIFY_FMT_JSON] = "json",
	[NOTIFY_FMT_SLACK] = "slack",
	[NOTIFY_FMT_DISCORD] = "discord",
	[NOTIFY_FMT_NTFY] = "ntfy",
};

int
notify_format_parse(const char *s)
{
	int	 i;

	for (i = 0; i < (int)(sizeof(format_names) / sizeof(format_names[0])); i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

const char *
notify_format_name(enum notify_format f)
{
	return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ?
	    format_names[f] : "?";
}

unsigned
notify_event_bit(const struct event *ev)
{
	switch (ev->kind) {
	case EVENT_OOM:
		return NOTIFY_EV_OOM;
	case EVENT_EXIT:
		return NOTIFY_EV_EXIT;
	case EVENT_RESTART_LOOP:
		return NOTIFY_EV_RESTART_LOOP;
	case EVENT_UNHEALTHY:
		return NOTIFY_EV_UNHEALTHY;
	case EVENT_HEALTHY:
		return NOTIFY_EV_HEALTHY;
	case EVENT_REMEDIATED:
		return NOTIFY_EV_ACTION;
	case EVENT_GAVE_UP:
		return NOTIFY_EV_GAVE_UP;
	case EVENT_RECOVERED:
		return NOTIFY_EV_RECOVERED;
	case EVENT_RESET:
		return NOTIFY_EV_RESET;
	default:
		return 0;
	}
}

unsigned
notify_event_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (strcmp(s, event_names[i].name) == 0)
			return event_names[i].bit;
	return 0;
}

const char *
notify_event_name(unsigned bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (event_names[i].bit == bit)
			return event_names[i].name;
	return "?";
}

/* http:// or https://, a host, no whitespace or control bytes. */
int
notify_url_ok(const char *u)
{
	const char	*p, *host;
	size_t		 n = strlen(u);

	if (n > NOTIFY_URL_MAX)
		return 0;
	if (strncasecmp(u, "http://", 7) == 0)
		host = u + 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		host = u + 8;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == ':' || *host == '?' ||
	    *host == '#')
		return 0;
	for (p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* RFC 7230 token characters for a header name. */
static int
token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void
hook_header(struct confjson *j, const char *path, const cJSON *v,
    struct notify_webhook *h)
{
	const char	*k = v->string, *p;
	char		 tmp[80], *line;
	size_t		 kl = strlen(k), vl;

	if (!cJSON_IsString(v)) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not a string", tmp);
		return;
	}
	for (p = k; *p != '\0' && token_char(*p); p++)
		;
	if (kl == 0 || *p != '\0') {
		confjson_problem(j, path, "is not a valid header name");
		return;
	}
	if (strcasecmp(k, "Content-Type") == 0 ||
	    strcasecmp(k, "Content-Length") == 0 || strcasecmp(k, "Host") == 0) {
		confjson_problem(j, path, "is set by hale");
		return;
	}
	vl = strlen(v->valuestring);
	for (p = v->valuestring; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			break;
	if (*p != '\0' || *v->valuestring == '\0' || kl + 2 + vl > NOTIFY_HEADER_MAX) {
		confjson_problem(j, path, "must be 1 to %d printable characters",
		    NOTIFY_HEADER_MAX);
		return;
	}
	if (h->nheaders == NOTIFY_HEADERS_MAX) {
		confjson_problem(j, path, "at most %d headers", NOTIFY_HEADERS_MAX);
		return;
	}
	if ((line = malloc(kl + 2 + vl + 1)) == NULL) {
		confjson_problem(j, path, "out of memory");
		return;
	}
	snprintf(line, kl + 2 + vl + 1, "%s: %s", k, v->valuestring);
	h->headers[h->nheaders++] = line;
}

static void
hook_events(struct confjson *j, const char *path, const cJSON *v,
    struct notify_webhook *h)
{
	const cJSON	*e;
	char		 epath[160], tmp[80];
	unsigned	 bit;
	int		 i = 0;

	if (confjson_want_array(j, path, v) == -1)
		return;
	h->events = 0;
	cJSON_ArrayForEach(e, v) {
		confjson_path(epath, sizeof(epath), "%s[%d]", path, i++);
		if (!cJSON_IsString(e) ||
		    (bit = notify_event_parse(e->valuestring)) == 0) {
			confjson_show(e, tmp, sizeof(tmp));
			confjson_problem(j, epath, "%s is not one of action, gave_up, "
			    "recovered, reset, oom, exit, restart_loop, unhealthy, "
			    "healthy", tmp);
			continue;
		}
		h->events |= bit;
	}
	if (h->events == 0 && i == 0)
		confjson_problem(j, path, "is empty (leave it out for every event)");
}

static void
hook_from_json(struct confjson *j, const char *path, const cJSON *o,
    struct notify_webhook *h)
{
	const cJSON	*v, *hv;
	char		 kpath[160], hpath[200], tmp[80];

	h->events = NOTIFY_EV_ALL;
	h->timeout_ms = NOTIFY_TIMEOUT_DEFAULT_MS;
	if (confjson_want_object(j, path, o) == -1)
		return;
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "url") == 0) {
			if (!cJSON_IsString(v) || !notify_url_ok(v->valuestring)) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not an http:// or https:// "
				    "URL", tmp);
			} else if ((h->url = strdup(v->valuestring)) == NULL)
				confjson_problem(j, kpath, "out of memory");
		} else if (strcmp(v->string, "events") == 0)
			hook_events(j, kpath, v, h);
		else if (strcmp(v->string, "format") == 0) {
			int f = cJSON_IsString(v) ?
			    notify_format_parse(v->valuestring) : -1;

			if (f == -1) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not one of json, "
				    "slack, discord, ntfy", tmp);
			} else
				h->format = (enum notify_format)f;
		}
		else if (strcmp(v->string, "headers") == 0) {
			if (confjson_want_object(j, kpath, v) == -1)
				continue;
			cJSON_ArrayForEach(hv, v) {
				confjson_path(hpath, sizeof(hpath), "%s.%.60s", kpath,
				    hv->string);
				hook_header(j, hpath, hv, h);
			}
		} else if (strcmp(v->string, "timeout") == 0) {
			if (!cJSON_IsString(v) ||
			    duration_parse(v->valuestring, &h->timeout_ms) == -1 ||
			    h->timeout_ms < 100 || h->timeout_ms > 300000) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not a duration from "
				    "100ms to 5m", tmp);
			}
		} else if (strcmp(v->string, "name") == 0) {
			if (!cJSON_IsString(v) || v->valuestring[0] == '\0' ||
			    strlen(v->valuestring) > NOTIFY_NAME_MAX) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not a string of 1 to "
				    "%d characters", tmp, NOTIFY_NAME_MAX);
			} else if ((h->name = strdup(v->valuestring)) == NULL)
				confjson_problem(j, kpath, "out of memory");
		} else if (strcmp(v->string, "log_tail") == 0) {
			if (!cJSON_IsBool(v))
				confjson_problem(j, kpath, "must be true or false");
			else
				h->log_tail = cJSON_IsTrue(v);
		} else
			confjson_problem(j, kpath, "unknown key (url, name, format, "
			    "events, headers, timeout, log_tail)");
	}
	if (h->url == NULL && j->n == 0)
		confjson_problem(j, path, "needs a \"url\"");
}

/* The bounds of the log tails: {"lines", "max_bytes", "timeout"}. */
static void
tail_from_json(struct confjson *j, const char *path, const cJSON *o,
    struct notify_config *cfg)
{
	const cJSON	*v;
	char		 kpath[200];

	if (confjson_want_object(j, path, o) == -1)
		return;
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "lines") == 0) {
			confjson_want_count(j, kpath, v, LOGTAIL_LINES_MAX,
			    &cfg->tail_lines);
			if (cfg->tail_lines == 0)
				confjson_problem(j, kpath, "must be at least 1");
		} else if (strcmp(v->string, "max_bytes") == 0) {
			confjson_want_count(j, kpath, v, LOGTAIL_BYTES_MAX,
			    &cfg->tail_bytes);
			if (cfg->tail_bytes < 64)
				confjson_problem(j, kpath, "must be at least 64");
		} else if (strcmp(v->string, "timeout") == 0)
			confjson_want_duration(j, kpath, v, 100, 30000,
			    &cfg->tail_timeout_ms);
		else
			confjson_problem(j, kpath, "unknown key (lines, max_bytes, "
			    "timeout)");
	}
}

int
notify_config_from_json(const cJSON *obj, const char *path,
    struct notify_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct notify_config	*cfg;
	const cJSON		*v, *e;
	char			 kpath[160], epath[180];

	*out = NULL;
	if (confjson_want_object(&j, path, obj) == -1)
		return j.n;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cfg->retries = NOTIFY_RETRIES_DEFAULT;
	cfg->queue_max = NOTIFY_QUEUE_DEFAULT;
	cfg->tail_lines = LOGTAIL_LINES_DEFAULT;
	cfg->tail_bytes = LOGTAIL_BYTES_DEFAULT;
	cfg->tail_timeout_ms = NOTIFY_TAIL_TIMEOUT_DEFAULT_MS;
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "retries") == 0)
			confjson_want_count(&j, kpath, v, RETRIES_MAX, &cfg->retries);
		else if (strcmp(v->string, "queue_max") == 0) {
			confjson_want_count(&j, kpath, v, QUEUE_MAX, &cfg->queue_max);
			if (cfg->queue_max == 0)
				confjson_problem(&j, kpath, "must be at least 1");
		} else if (strcmp(v->string, "webhooks") == 0) {
			if (confjson_want_array(&j, kpath, v) == -1)
				continue;
			cJSON_ArrayForEach(e, v) {
				confjson_path(epath, sizeof(epath), "%s[%zu]", kpath,
				    cfg->nhooks);
				if (cfg->nhooks == NOTIFY_WEBHOOKS_MAX) {
					confjson_problem(&j, kpath, "at most %d webhooks",
					    NOTIFY_WEBHOOKS_MAX);
					break;
				}
				hook_from_json(&j, epath, e,
				    &cfg->hooks[cfg->nhooks++]);
			}
		} else if (strcmp(v->string, "log_tail") == 0)
			tail_from_json(&j, kpath, v, cfg);
		else
			confjson_problem(&j, kpath, "unknown key (webhooks, retries, "
			    "queue_max, log_tail)");
	}
	if (j.n > 0 || errors->oom) {
		notify_config_free(cfg);
		return j.n > 0 ? j.n : 1;
	}
	*out = cfg;
	return 0;
}

static void
webhook_clear(struct notify_webhook *h)
{
	size_t	 i;

	free(h->url);
	free(h->name);
	for (i = 0; i < h->nheaders; i++)
		free(h->headers[i]);
	memset(h, 0, sizeof(*h));
}

void
notify_config_free(struct notify_config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nhooks; i++)
		webhook_clear(&cfg->hooks[i]);
	free(cfg);
}
