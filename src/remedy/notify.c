/*
 * notify: webhook delivery (see notify.h for the callback chain).
 *
 * Each webhook has its own FIFO and at most one POST in flight, so
 * documents arrive in order and a dead receiver costs one connection,
 * not one per event. The easy handle is reused across tries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include "core/confjson.h"
#include "core/duration.h"
#include "core/log.h"
#include "remedy/notify.h"

#define RETRY_FIRST	1.0		/* seconds before the first retry */
#define RETRY_CAP	60.0
#define REPLY_MAX	4096		/* what we keep of a receiver's reply */
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
};

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

/* ---- config ------------------------------------------------------------ */

/* http:// or https://, a host, no whitespace or control bytes. */
static int
url_ok(const char *u)
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

	if (!cJSON_IsArray(v)) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not an array", tmp);
		return;
	}
	h->events = 0;
	cJSON_ArrayForEach(e, v) {
		confjson_path(epath, sizeof(epath), "%s[%d]", path, i++);
		if (!cJSON_IsString(e) ||
		    (bit = notify_event_parse(e->valuestring)) == 0) {
			confjson_show(e, tmp, sizeof(tmp));
			confjson_problem(j, epath, "%s is not one of action, gave_up, "
			    "recovered, reset", tmp);
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
	if (!cJSON_IsObject(o)) {
		confjson_show(o, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not an object", tmp);
		return;
	}
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "url") == 0) {
			if (!cJSON_IsString(v) || !url_ok(v->valuestring)) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not an http:// or https:// "
				    "URL", tmp);
			} else if ((h->url = strdup(v->valuestring)) == NULL)
				confjson_problem(j, kpath, "out of memory");
		} else if (strcmp(v->string, "events") == 0)
			hook_events(j, kpath, v, h);
		else if (strcmp(v->string, "headers") == 0) {
			if (!cJSON_IsObject(v)) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(j, kpath, "%s is not an object", tmp);
				continue;
			}
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
		} else
			confjson_problem(j, kpath, "unknown key (url, events, headers, "
			    "timeout)");
	}
	if (h->url == NULL && j->n == 0)
		confjson_problem(j, path, "needs a \"url\"");
}

static void
want_count(struct confjson *j, const char *path, const cJSON *v, unsigned max,
    unsigned *out)
{
	char	 tmp[80];

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
	    v->valuedouble != (double)(unsigned)v->valuedouble) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not a whole number from 0 to %u", tmp,
		    max);
		return;
	}
	*out = (unsigned)v->valuedouble;
}

int
notify_config_from_json(const cJSON *obj, const char *path,
    struct notify_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct notify_config	*cfg;
	const cJSON		*v, *e;
	char			 kpath[160], epath[180], tmp[80];

	*out = NULL;
	if (!cJSON_IsObject(obj)) {
		confjson_show(obj, tmp, sizeof(tmp));
		confjson_problem(&j, path, "%s is not an object", tmp);
		return j.n;
	}
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cfg->retries = NOTIFY_RETRIES_DEFAULT;
	cfg->queue_max = NOTIFY_QUEUE_DEFAULT;
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "retries") == 0)
			want_count(&j, kpath, v, RETRIES_MAX, &cfg->retries);
		else if (strcmp(v->string, "queue_max") == 0) {
			want_count(&j, kpath, v, QUEUE_MAX, &cfg->queue_max);
			if (cfg->queue_max == 0)
				confjson_problem(&j, kpath, "must be at least 1");
		} else if (strcmp(v->string, "webhooks") == 0) {
			if (!cJSON_IsArray(v)) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(&j, kpath, "%s is not an array", tmp);
				continue;
			}
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
		} else
			confjson_problem(&j, kpath, "unknown key (webhooks, retries, "
			    "queue_max)");
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

/* ---- the document ------------------------------------------------------- */

void
notify_time_text(double t, char *dst, size_t len)
{
	struct tm	 tm;
	time_t		 secs;
	long		 usec;

	if (t <= 0) {
		snprintf(dst, len, "%s", "");
		return;
	}
	secs = (time_t)t;
	usec = (long)((t - (double)secs) * 1e6 + 0.5);
	if (usec >= 1000000) {
		secs++;
		usec -= 1000000;
	}
	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(dst, len, "%s", "");
		return;
	}
	snprintf(dst, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, usec);
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
add_time(cJSON *o, const char *k, double t)
{
	char	 s[64];

	notify_time_text(t, s, sizeof(s));
	add_str(o, k, s[0] != '\0' ? s : NULL);
}

int
notify_document(const struct notify_doc *d, struct buf *out)
{
	cJSON	*o, *c, *b;
	char	*s;

	if ((o = cJSON_CreateObject()) == NULL) {
		out->oom = 1;
		return -1;
	}
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "event", notify_event_name(d->event));
	add_time(o, "time", d->time);
	add_str(o, "host", d->host);
	if ((c = cJSON_AddObjectToObject(o, "container")) != NULL) {
		add_str(c, "id", d->id);
		add_str(c, "name", d->name);
		add_str(c, "image", d->image);
	}
	add_str(o, "action", d->action);
	add_str(o, "trigger", d->trigger);
	add_str(o, "result", d->result);
	add_str(o, "error", d->error);
	add_str(o, "reason", d->reason);
	cJSON_AddNumberToObject(o, "attempt", d->attempt);
	if ((b = cJSON_AddObjectToObject(o, "budget")) != NULL) {
		cJSON_AddNumberToObject(b, "max", d->budget_max);
		cJSON_AddNumberToObject(b, "used", d->budget_used);
		cJSON_AddNumberToObject(b, "window_seconds", d->window);
	}
	add_time(o, "next_allowed", d->next_allowed);
	cJSON_AddBoolToObject(o, "dry_run", d->dry_run);
	if (d->health != NULL)
		cJSON_AddItemToObject(o, "health",
		    cJSON_Duplicate(d->health, 1));
	else
		cJSON_AddNullToObject(o, "health");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL) {
		out->oom = 1;
		return -1;
	}
	buf_puts(out, s);
	free(s);
	return out->oom ? -1 : 0;
}

/* ---- delivery ------------------------------------------------------------ */

struct item {
	char			*body;
	size_t			 len;
	unsigned		 tries;
	TAILQ_ENTRY(item)	 entry;
};

struct hook {
	struct notify		*n;
	size_t			 index;
	char			*url;
	struct curl_slist	*headers;
	long			 timeout_ms;
	unsigned		 events;
	TAILQ_HEAD(, item)	 queue;
	size_t			 qlen;
	CURL			*easy;
	int			 busy;		/* the head item is in flight */
	ev_timer		 retry;
	size_t			 reply_len;	/* bytes of reply seen */
};

struct notify {
	struct ev_loop		*loop;
	struct curlev		*cv;
	ev_timer		 kick;		/* 0 s: start queued POSTs from the loop */
	struct hook		*hooks;
	size_t			 nhooks;
	unsigned		 retries;
	unsigned		 queue_max;
	struct notify_stats	 st;
};

static void	hook_kick(struct hook *);

static size_t
discard_reply(char *p, size_t size, size_t nmemb, void *arg)
{
	struct hook	*h = arg;

	(void)p;
	h->reply_len += size * nmemb;
	/* A receiver that talks forever is cut off: returning less aborts. */
	return h->reply_len > REPLY_MAX ? 0 : size * nmemb;
}

static void
item_drop(struct hook *h, struct item *it)
{
	TAILQ_REMOVE(&h->queue, it, entry);
	h->qlen--;
	free(it->body);
	free(it);
}

static double
retry_delay(unsigned tries)
{
	double	 d = RETRY_FIRST;

	while (tries-- > 1 && d < RETRY_CAP)
		d *= 2;
	return d < RETRY_CAP ? d : RETRY_CAP;
}

/* 4xx other than 408 and 429 won't get better by asking again. */
static int
permanent(long status)
{
	return status >= 400 && status < 500 && status != 408 && status != 429;
}

static void
post_done(CURL *easy, CURLcode rc, void *arg)
{
	struct hook	*h = arg;
	struct item	*it = TAILQ_FIRST(&h->queue);
	long		 status = 0;

	h->busy = 0;
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return;			/* curlev_free(): shutting down */
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (it == NULL)
		return;
	if (rc == CURLE_OK && status >= 200 && status <= 299) {
		h->n->st.ok++;
		item_drop(h, it);
	} else if (it->tries <= h->n->retries && !permanent(status)) {
		h->n->st.retry++;
		log_debug("webhook delivery failed, retrying",
		    LOG_U("webhook", h->index), LOG_I("status", status),
		    LOG_S("err", rc != CURLE_OK ? curl_easy_strerror(rc) : ""),
		    LOG_U("try", it->tries));
		ev_timer_set(&h->retry, retry_delay(it->tries), 0.);
		ev_timer_start(h->n->loop, &h->retry);
		return;
	} else {
		h->n->st.failed++;
		log_warn("webhook delivery failed, dropping the document",
		    LOG_U("webhook", h->index), LOG_I("status", status),
		    LOG_S("err", rc != CURLE_OK ? curl_easy_strerror(rc) : ""),
		    LOG_U("tries", it->tries));
		item_drop(h, it);
	}
	hook_kick(h);
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	hook_kick(w->data);
}

static int
setup_easy(struct hook *h, struct item *it)
{
	CURL	*e = h->easy;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, h->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)it->len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hale/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	h->reply_len = 0;
	return 0;
}

/* Starts the head of the queue unless something is in flight or waiting. */
static void
hook_kick(struct hook *h)
{
	struct item	*it;
	char		 err[128];

	if (h->busy || ev_is_active(&h->retry) ||
	    (it = TAILQ_FIRST(&h->queue)) == NULL)
		return;
	if (h->easy == NULL && (h->easy = curl_easy_init()) == NULL)
		goto fail;
	setup_easy(h, it);
	it->tries++;
	if (curlev_add(h->n->cv, h->easy, post_done, h, err, sizeof(err)) == -1)
		goto fail;
	h->busy = 1;
	return;
fail:
	/* Nothing we can do now: try this item again later. */
	h->n->st.retry++;
	ev_timer_set(&h->retry, RETRY_CAP, 0.);
	ev_timer_start(h->n->loop, &h->retry);
}

/* notify_send may be called inside a libcurl callback: start POSTs from here. */
static void
kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct notify	*n = w->data;
	size_t		 i;

	(void)loop;
	(void)revents;
	for (i = 0; i < n->nhooks; i++)
		hook_kick(&n->hooks[i]);
}

static void
hooks_free(struct notify *n)
{
	struct item	*it;
	size_t		 i;

	for (i = 0; i < n->nhooks; i++) {
		struct hook *h = &n->hooks[i];

		ev_timer_stop(n->loop, &h->retry);
		if (h->busy && h->easy != NULL)
			curlev_remove(n->cv, h->easy);
		h->busy = 0;
		while ((it = TAILQ_FIRST(&h->queue)) != NULL) {
			n->st.dropped++;
			item_drop(h, it);
		}
		if (h->easy != NULL)
			curl_easy_cleanup(h->easy);
		curl_slist_free_all(h->headers);
		free(h->url);
	}
	free(n->hooks);
	n->hooks = NULL;
	n->nhooks = 0;
}

static int
hooks_build(struct notify *n, const struct notify_config *cfg, char *err,
    size_t errlen)
{
	struct curl_slist	*l;
	size_t			 i, k;

	n->retries = cfg != NULL ? cfg->retries : NOTIFY_RETRIES_DEFAULT;
	n->queue_max = cfg != NULL && cfg->queue_max > 0 ? cfg->queue_max :
	    NOTIFY_QUEUE_DEFAULT;
	if (cfg == NULL || cfg->nhooks == 0)
		return 0;
	if ((n->hooks = calloc(cfg->nhooks, sizeof(*n->hooks))) == NULL)
		goto oom;
	for (i = 0; i < cfg->nhooks; i++) {
		struct hook			*h = &n->hooks[i];
		const struct notify_webhook	*w = &cfg->hooks[i];

		n->nhooks++;
		h->n = n;
		h->index = i;
		TAILQ_INIT(&h->queue);
		ev_timer_init(&h->retry, retry_cb, 0., 0.);
		h->retry.data = h;
		h->events = w->events;
		h->timeout_ms = (long)w->timeout_ms;
		if ((h->url = strdup(w->url)) == NULL)
			goto oom;
		if ((l = curl_slist_append(h->headers,
		    "Content-Type: application/json")) == NULL)
			goto oom;
		h->headers = l;
		/* No "Expect: 100-continue" round trip for small bodies. */
		if ((l = curl_slist_append(h->headers, "Expect:")) == NULL)
			goto oom;
		h->headers = l;
		for (k = 0; k < w->nheaders; k++) {
			if ((l = curl_slist_append(h->headers,
			    w->headers[k])) == NULL)
				goto oom;
			h->headers = l;
		}
	}
	return 0;
oom:
	hooks_free(n);
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct notify *
notify_new(struct ev_loop *loop, struct curlev *cv,
    const struct notify_config *cfg, char *err, size_t errlen)
{
	struct notify	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->loop = loop;
	n->cv = cv;
	ev_timer_init(&n->kick, kick_cb, 0., 0.);
	n->kick.data = n;
	if (hooks_build(n, cfg, err, errlen) == -1) {
		free(n);
		return NULL;
	}
	return n;
}

int
notify_reconfigure(struct notify *n, const struct notify_config *cfg,
    char *err, size_t errlen)
{
	hooks_free(n);
	return hooks_build(n, cfg, err, errlen);
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	ev_timer_stop(n->loop, &n->kick);
	hooks_free(n);
	free(n);
}

void
notify_send(struct notify *n, unsigned event, const char *json, size_t len)
{
	struct item	*it;
	size_t		 i;

	for (i = 0; i < n->nhooks; i++) {
		struct hook *h = &n->hooks[i];

		if ((h->events & event) == 0)
			continue;
		if (h->qlen >= n->queue_max) {
			n->st.dropped++;
			log_warn("webhook queue full, dropping a document",
			    LOG_U("webhook", i), LOG_U("queued", h->qlen));
			continue;
		}
		if ((it = calloc(1, sizeof(*it))) == NULL ||
		    (it->body = malloc(len + 1)) == NULL) {
			free(it);
			n->st.dropped++;
			continue;
		}
		memcpy(it->body, json, len);
		it->body[len] = '\0';
		it->len = len;
		TAILQ_INSERT_TAIL(&h->queue, it, entry);
		h->qlen++;
		if (!ev_is_active(&n->kick))
			ev_timer_start(n->loop, &n->kick);
	}
}

size_t
notify_webhooks(const struct notify *n)
{
	return n->nhooks;
}

void
notify_get_stats(const struct notify *n, struct notify_stats *st)
{
	size_t	 i;

	*st = n->st;
	st->queued = 0;
	for (i = 0; i < n->nhooks; i++)
		st->queued += n->hooks[i].qlen;
}

void
notify_write_metrics(struct notify *n, struct metrics_writer *w)
{
	struct notify_stats	 st;
	static const char	*const names[] = { "ok", "retry", "failed", "dropped" };
	uint64_t		 v[4];
	size_t			 i;
	char			 l[32];

	notify_get_stats(n, &st);
	v[0] = st.ok;
	v[1] = st.retry;
	v[2] = st.failed;
	v[3] = st.dropped;
	metrics_family(w, "hale_webhook_deliveries_total", METRICS_COUNTER,
	    "Webhook delivery attempts by result: ok, retry (a try failed, "
	    "another follows), failed (last try failed), dropped (queue full).");
	for (i = 0; i < 4; i++) {
		snprintf(l, sizeof(l), "result=\"%s\"", names[i]);
		metrics_sample_u64(w, "hale_webhook_deliveries_total", l, NULL,
		    v[i]);
	}
	metrics_family(w, "hale_webhook_queue_length", METRICS_GAUGE,
	    "Webhook documents waiting for delivery or in flight.");
	metrics_sample_u64(w, "hale_webhook_queue_length", NULL, NULL,
	    (uint64_t)st.queued);
}
