/*
 * docker: Engine API client on curlev (see docker.h).
 *
 * Connection cycle:
 *
 *   connect ─► GET /version ─► negotiate ─► GET /v1.NN/events (stream, no timeout)
 *      ▲                                        │ headers 200 (on_header)
 *      │                                        ▼
 *      │                         kick ─► "up" ─► resync: GET /containers/json?all=1
 *      │                                        │ mark listed, sweep the rest,
 *      │                                        ▼ queue inspects
 *      │                         pump ─► GET /containers/{id}/json (≤ max_inspects)
 *      │                                        │ inventory_upsert / remove
 *      │                                        ▼
 *      │    event lines (on_write ─► docker_lines ─► on_line):
 *      │        inventory_apply_event ─► queue an inspect or cancel one
 *      │
 *   retry timer (capped, jittered exponential backoff)
 *      ▲
 *      └── any failure of version or events; the end of the events stream
 *
 * libcurl forbids adding transfers from inside its callbacks, so
 * on_header and on_line only set flags and start the 0 s `kick` timer;
 * everything that starts a transfer runs from there or from a `done`.
 *
 * The events stream is opened before the list, so nothing that happens
 * during the list is missed. Docker flushes the response headers a hair
 * before it subscribes us, so over a unix socket (same host, same
 * clock) we ask for `since` two seconds back: replayed events only cause
 * an extra inspect. Inspect is the truth; events only say when to look.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include <uthash.h>

#include "core/buf.h"
#include "docker/docker.h"
#include "docker/docker_parse.h"
#include "core/log.h"

#define BODY_MAX_VERSION	(64 * 1024)
#define BODY_MAX_LIST		(64 * 1024 * 1024)
#define BODY_MAX_INSPECT	(16 * 1024 * 1024)
#define BODY_MAX_CTL		(64 * 1024)
#define BODY_MAX_EVENTS_ERR	(64 * 1024)	/* an error reply instead of a stream */
#define RESYNC_RETRY		2.0		/* seconds after a failed list/inspect */
#define RESYNC_AFTER_DROP	1.0		/* seconds; at most one such resync per */
#define DROP_KEEP		4096		/* bytes of a dropped line to salvage */
#define USER_AGENT		"haled/" PACKAGE_VERSION

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION		"0"
#endif

enum req_kind {
	REQ_VERSION,
	REQ_EVENTS,
	REQ_LIST,
	REQ_INSPECT,
	REQ_CTL,
};

struct docker_req {
	struct docker		*d;
	enum req_kind		 kind;
	CURL			*easy;
	struct buf		 body;
	size_t			 body_max;
	int			 overflow;
	char			 id[DOCKER_ID_LEN + 1];
	char			 errbuf[CURL_ERROR_SIZE];
	docker_ctl_cb		*ctl_cb;
	void			*ctl_arg;
	TAILQ_ENTRY(docker_req)	 entry;
};

/* Inspect bookkeeping per container id. */
struct pending {
	char			 id[DOCKER_ID_LEN + 1];
	int			 queued;
	int			 in_flight;
	int			 again;		/* an event arrived meanwhile */
	int			 cancelled;	/* destroyed meanwhile: drop the reply */
	TAILQ_ENTRY(pending)	 qentry;
	UT_hash_handle		 hh;
};

struct docker {
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct inventory	*inv;
	struct docker_endpoint	 ep;
	struct docker_config	 cfg;
	char			 host[300];

	int			 started;
	int			 api;		/* negotiated version */
	char			 engine_version[64];
	struct docker_req	*version_req;
	struct docker_req	*events_req;
	struct docker_req	*list_req;
	int			 stream_ok;	/* events answered 200 */
	int			 up;
	struct docker_lines	 lines;
	int			 drop_logged;	/* one warning per connection */
	int			 first_sync;	/* next resync is the connection's first */

	int			 resync_wanted;
	unsigned long		 list_epoch;
	ev_timer		 kick;		/* 0 s: deferred work */
	ev_timer		 retry;		/* backoff before the next connect */
	ev_timer		 resync_retry;	/* after a failed list/inspect */
	unsigned		 attempts;	/* consecutive failures */
	unsigned		 connects;
	uint64_t		 rng;

	struct pending		*pending;	/* hash by id */
	TAILQ_HEAD(, pending)	 queue;		/* waiting for a slot */
	unsigned		 inflight;	/* inspects running */
	TAILQ_HEAD(, docker_req) reqs;		/* every transfer we own */

	struct docker_stats	 st;
	char			 last_err[256];	/* what we last logged */
	docker_event_cb		*event_cb;	/* sees every container event */
	void			*event_arg;
};

void
docker_set_event_cb(struct docker *d, docker_event_cb *cb, void *arg)
{
	d->event_cb = cb;
	d->event_arg = arg;
}

static void	 connect_start(struct docker *);
static void	 kick(struct docker *);

/* ---- small helpers ------------------------------------------------------ */

static double
jitter(struct docker *d)
{
	/* xorshift64: no global state, no libc rand(). */
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 7;
	d->rng ^= d->rng << 17;
	return (double)(d->rng >> 11) / (double)(1ULL << 53);
}

/*
 * Marks the client down and logs it once: a failure is logged again only
 * when its kind (`what` and `key`, e.g. "version" and "Couldn't connect
 * to server") changes, not on every retry. `msg` is the detailed text.
 */
static void
set_down(struct docker *d, const char *what, const char *key,
    const char *msg)
{
	char	 kind[sizeof(d->last_err)];

	snprintf(kind, sizeof(kind), "%s: %s", what, key);
	if (d->up)
		log_warn("docker connection lost", LOG_S("host", d->host),
		    LOG_S("during", what), LOG_S("err", msg));
	else if (strcmp(kind, d->last_err) != 0)
		log_warn("docker unavailable", LOG_S("host", d->host),
		    LOG_S("during", what), LOG_S("err", msg));
	snprintf(d->last_err, sizeof(d->last_err), "%s", kind);
	d->up = 0;
	d->st.up = 0;
	d->stream_ok = 0;
}

static void
schedule_reconnect(struct docker *d)
{
	double	 delay;
	unsigned i;

	delay = d->cfg.backoff_min;
	for (i = 0; i < d->attempts && delay < d->cfg.backoff_max; i++)
		delay *= 2;
	if (delay > d->cfg.backoff_max)
		delay = d->cfg.backoff_max;
	/* "Equal jitter": half fixed, half random, so retries spread out. */
	delay = delay / 2 + delay / 2 * jitter(d);
	if (d->attempts < 64)
		d->attempts++;
	ev_timer_stop(d->loop, &d->retry);
	ev_timer_set(&d->retry, delay, 0.);
	ev_timer_start(d->loop, &d->retry);
}

/* ---- requests ------------------------------------------------------------ */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	size_t			 n = size * nmemb;

	if (r->body.len + n > r->body_max) {
		r->overflow = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	buf_append(&r->body, data, n);
	return r->body.oom ? CURL_WRITEFUNC_ERROR : n;
}

static void
req_free(struct docker_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	buf_free(&r->body);
	free(r);
}

static void	 req_done(CURL *, CURLcode, void *);

/* Builds and starts a transfer; `path` is appended to the base URL. */
static struct docker_req *
req_start(struct docker *d, enum req_kind kind, const char *path,
    size_t body_max, int post, double timeout)
{
	struct docker_req	*r;
	char			 url[1024];

	if ((size_t)snprintf(url, sizeof(url), "%s%s", d->ep.base_url, path) >=
	    sizeof(url))
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->d = d;
	r->kind = kind;
	r->body_max = body_max;
	buf_init(&r->body);
	if ((r->easy = curl_easy_init()) == NULL) {
		free(r);
		return NULL;
	}
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	if (d->ep.socket_path[0] != '\0')
		curl_easy_setopt(r->easy, CURLOPT_UNIX_SOCKET_PATH,
		    d->ep.socket_path);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http");
#endif
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(d->cfg.connect_timeout * 1000));
	if (timeout > 0)
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS,
		    (long)(timeout * 1000));
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	if (post) {
		curl_easy_setopt(r->easy, CURLOPT_POST, 1L);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, 0L);
	}
	return r;
}

static int
req_submit(struct docker *d, struct docker_req *r)
{
	char	 err[256];

	if (curlev_add(d->cv, r->easy, req_done, r, err, sizeof(err)) == -1) {
		log_warn("docker request not started", LOG_S("err", err));
		req_free(r);
		return -1;
	}
	TAILQ_INSERT_TAIL(&d->reqs, r, entry);
	return 0;
}

/*
 * What went wrong with a finished request, or NULL if it got a 2xx.
 * `key` (if not NULL) gets a short stable name of the failure for
 * "log once" comparisons; msg the details.
 */
static const char *
req_failure(struct docker_req *r, CURLcode rc, long *status, char *msg,
    size_t msglen, const char **key)
{
	*status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, status);
	if (key != NULL)
		*key = "";
	if (rc != CURLE_OK) {
		if (key != NULL)
			*key = r->overflow ? "reply too large" :
			    curl_easy_strerror(rc);
		if (r->overflow)
			snprintf(msg, msglen, "reply larger than %zu bytes",
			    r->body_max);
		else
			snprintf(msg, msglen, "%s", r->errbuf[0] != '\0' ?
			    r->errbuf : curl_easy_strerror(rc));
		return msg;
	}
	if (*status < 200 || *status > 299) {
		if (key != NULL)
			*key = "HTTP error";
		/* Docker's errors are {"message":"..."}; show a bounded bit. */
		snprintf(msg, msglen, "HTTP %ld: %.*s", *status,
		    (int)(r->body.len > 200 ? 200 : r->body.len),
		    r->body.len > 0 ? r->body.data : "");
		return msg;
	}
	return NULL;
}

/* ---- inspect queue -------------------------------------------------------- */

static struct pending *
pending_get(struct docker *d, const char *id)
{
	struct pending	*p = NULL;

	HASH_FIND(hh, d->pending, id, DOCKER_ID_LEN, p);
	return p;
}

static void
pending_drop(struct docker *d, struct pending *p)
{
	if (p->queued)
		TAILQ_REMOVE(&d->queue, p, qentry);
	HASH_DEL(d->pending, p);
	free(p);
}

/* Asks for a fresh inspect of `id`; coalesces with one already queued. */
static void
want_inspect(struct docker *d, const char *id)
{
	struct pending	*p;

	if ((p = pending_get(d, id)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return;	/* the next resync finds it */
		memcpy(p->id, id, DOCKER_ID_LEN + 1);
		HASH_ADD(hh, d->pending, id, DOCKER_ID_LEN, p);
	}
	p->cancelled = 0;
	if (p->in_flight)
		p->again = 1;
	else if (!p->queued) {
		p->queued = 1;
		TAILQ_INSERT_TAIL(&d->queue, p, qentry);
	}
	kick(d);
}

/* The container is gone: forget any inspect of it. */
static void
cancel_inspect(struct docker *d, const char *id)
{
	struct pending	*p;

	if ((p = pending_get(d, id)) == NULL)
		return;
	if (p->in_flight) {
		p->cancelled = 1;
		p->again = 0;
	} else
		pending_drop(d, p);
}

static void
pump_inspects(struct docker *d)
{
	struct pending		*p;
	struct docker_req	*r;
	char			 path[128];

	while (d->inflight < d->cfg.max_inspects &&
	    (p = TAILQ_FIRST(&d->queue)) != NULL) {
		TAILQ_REMOVE(&d->queue, p, qentry);
		p->queued = 0;
		snprintf(path, sizeof(path), "/v%d.%d/containers/%s/json",
		    d->api / 100, d->api % 100, p->id);
		r = req_start(d, REQ_INSPECT, path, BODY_MAX_INSPECT, 0,
		    d->cfg.request_timeout);
		if (r != NULL)
			memcpy(r->id, p->id, sizeof(r->id));
		/* On failure the next resync finds what we missed. */
		if (r == NULL || req_submit(d, r) == -1) {
			d->st.request_errors++;
			pending_drop(d, p);
			continue;
		}
		p->in_flight = 1;
		d->inflight++;
	}
}

/* A resync later; requests while one is pending coalesce into it. */
static void
schedule_resync_retry(struct docker *d, double delay)
{
	if (!ev_is_active(&d->resync_retry)) {
		ev_timer_set(&d->resync_retry, delay, 0.);
		ev_timer_start(d->loop, &d->resync_retry);
	}
}

static void
inspect_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct pending		*p = pending_get(d, r->id);
	struct docker_inspect	 in;
	const char		*fail;
	char			 msg[512];
	long			 status;

	d->inflight--;
	d->st.inspects++;
	fail = req_failure(r, rc, &status, msg, sizeof(msg), NULL);
	if (p != NULL && p->cancelled) {
		/* Destroyed while we asked: this reply predates it. */
	} else if (status == 404) {
		inventory_remove(d->inv, r->id);
	} else if (fail != NULL) {
		d->st.request_errors++;
		log_debug("docker inspect failed", LOG_S("id", r->id),
		    LOG_S("err", fail));
		if (d->up)
			schedule_resync_retry(d, RESYNC_RETRY);
	} else if (docker_parse_inspect(r->body.data, r->body.len, &in, msg,
	    sizeof(msg)) == -1) {
		d->st.request_errors++;
		log_warn("docker inspect unreadable", LOG_S("id", r->id),
		    LOG_S("err", msg));
	} else if (strcmp(in.id, r->id) != 0) {
		docker_inspect_free(&in);
		d->st.request_errors++;
	} else
		inventory_upsert(d->inv, &in);
	if (p != NULL) {
		p->in_flight = 0;
		if (p->again) {
			p->again = 0;
			p->cancelled = 0;
			p->queued = 1;
			TAILQ_INSERT_TAIL(&d->queue, p, qentry);
		} else
			pending_drop(d, p);
	}
	pump_inspects(d);
}

/* ---- list and reconcile ----------------------------------------------------- */

static void
list_start(struct docker *d)
{
	struct docker_req	*r;
	char			 path[64];

	snprintf(path, sizeof(path), "/v%d.%d/containers/json?all=1",
	    d->api / 100, d->api % 100);
	d->resync_wanted = 0;
	/* Before the request: what changes after this counts as seen. */
	d->list_epoch = inventory_epoch_begin(d->inv);
	r = req_start(d, REQ_LIST, path, BODY_MAX_LIST, 0,
	    d->cfg.request_timeout);
	if (r == NULL || req_submit(d, r) == -1) {
		if (r == NULL)
			d->st.request_errors++;
		schedule_resync_retry(d, RESYNC_RETRY);
		return;
	}
	d->list_req = r;
}

/* Inspect what is new or may have changed; unchanged stopped ones are skipped. */
static int
needs_inspect(struct inventory *inv, const struct docker_summary *s)
{
	struct inv_container	*c = inventory_get(inv, s->id);

	if (c == NULL)
		return 1;
	if (c->d.state != s->state || c->d.name == NULL ||
	    strcmp(c->d.name, s->name) != 0)
		return 1;
	/* A running container may have restarted while we weren't looking. */
	if (s->state == DOCKER_STATE_RUNNING || s->state == DOCKER_STATE_PAUSED ||
	    s->state == DOCKER_STATE_RESTARTING)
		return 1;
	return s->health != DOCKER_HEALTH_NONE && s->health != c->d.health;
}

static void
reconcile(struct docker *d, const struct docker_list *l)
{
	struct inv_container	*c;
	size_t			 i, removed;

	for (i = 0; i < l->n; i++) {
		inventory_mark(d->inv, l->items[i].id, d->list_epoch);
		if (needs_inspect(d->inv, &l->items[i]))
			want_inspect(d, l->items[i].id);
	}
	/* A reply older than this list must not bring a swept one back. */
	for (c = inventory_first(d->inv); c != NULL; c = inventory_next(c))
		if (c->seen < d->list_epoch)
			cancel_inspect(d, c->d.id);
	removed = inventory_sweep(d->inv, d->list_epoch);
	d->st.resyncs++;
	/* Once per connection, or when it found something stale. */
	if (d->first_sync || removed > 0)
		log_info("docker inventory synced", LOG_U("containers", l->n),
		    LOG_U("removed", removed));
	d->first_sync = 0;
}

static void
list_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_list	 l;
	const char		*fail;
	char			 msg[512];
	long			 status;

	d->list_req = NULL;
	if ((fail = req_failure(r, rc, &status, msg, sizeof(msg), NULL)) !=
	    NULL || docker_parse_containers_list(r->body.data, r->body.len, &l, msg,
	    sizeof(msg)) == -1) {
		d->st.request_errors++;
		log_warn("docker list failed", LOG_S("err", msg));
		if (d->up)
			schedule_resync_retry(d, RESYNC_RETRY);
		return;
	}
	reconcile(d, &l);
	docker_list_free(&l);
	if (d->resync_wanted)
		kick(d);
}

/* ---- events ------------------------------------------------------------------ */

static void
on_line(const char *line, size_t len, void *arg)
{
	struct docker		*d = arg;
	struct docker_event	 ev;
	char			 err[128];
	int			 rc, bits;

	rc = docker_parse_event(line, len, &ev, err, sizeof(err));
	if (rc == -1) {
		d->st.event_errors++;
		log_debug("docker event skipped", LOG_S("err", err));
		return;
	}
	if (rc == 1)
		return;
	d->st.events[ev.action]++;
	bits = inventory_apply_event(d->inv, &ev);
	if (d->event_cb != NULL)
		d->event_cb(d->event_arg, &ev);
	if (bits & INV_EVENT_REMOVED)
		cancel_inspect(d, ev.id);
	else if (bits & INV_EVENT_INSPECT)
		want_inspect(d, ev.id);
}

/*
 * An event line over the cap: inspect the container it names if its
 * start says which one (inspect tells us everything the event would
 * have), else look at everything again, at most once a second.
 */
static void
on_dropped_line(const char *prefix, size_t len, void *arg)
{
	struct docker		*d = arg;
	struct docker_event	 ev;
	int			 rc, bits;

	rc = docker_event_salvage(prefix, len, &ev);
	if (rc == 1)
		return;
	if (rc == -1) {
		schedule_resync_retry(d, RESYNC_AFTER_DROP);
		return;
	}
	d->st.events[ev.action]++;
	bits = inventory_apply_event(d->inv, &ev);
	if (d->event_cb != NULL)
		d->event_cb(d->event_arg, &ev);
	if (bits & INV_EVENT_REMOVED)
		cancel_inspect(d, ev.id);
	else if ((bits & INV_EVENT_INSPECT) || ev.action == DOCKER_ACTION_OTHER)
		want_inspect(d, ev.id);
}

static size_t
on_events_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	struct docker		*d = r->d;
	size_t			 n = size * nmemb;
	long			 status = 0;
	int			 dropped;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return on_body(data, size, nmemb, r);	/* an error document */
	/* on_line and on_dropped_line do the work. */
	dropped = docker_lines_feed(&d->lines, data, n, on_line, d);
	if (dropped > 0) {
		d->st.event_errors += (uint64_t)dropped;
		if (!d->drop_logged) {
			log_warn("docker event line over the cap skipped",
			    LOG_U("cap", d->lines.max > 0 ? d->lines.max :
			    DOCKER_LINE_MAX));
			d->drop_logged = 1;
		}
	}
	return n;
}

/* Each response header; the empty one ends them. */
static size_t
on_events_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	struct docker		*d = r->d;
	size_t			 n = size * nmemb;
	long			 status = 0;

	if (n <= 2 && (n == 0 || data[0] == '\r' || data[0] == '\n')) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200 && !d->stream_ok) {
			d->stream_ok = 1;
			kick(d);
		}
	}
	return n;
}

static void
events_start(struct docker *d)
{
	struct docker_req	*r;
	char			 path[256], since[48] = "";

	if (d->ep.socket_path[0] != '\0')
		snprintf(since, sizeof(since), "&since=%lld",
		    (long long)time(NULL) - 2);
	/* filters={"type":["container"]}; we re-filter anyway. */
	snprintf(path, sizeof(path), "/v%d.%d/events?filters="
	    "%%7B%%22type%%22%%3A%%5B%%22container%%22%%5D%%7D%s",
	    d->api / 100, d->api % 100, since);
	/* No total timeout on a stream that lives for days. */
	r = req_start(d, REQ_EVENTS, path, BODY_MAX_EVENTS_ERR, 0, 0);
	if (r == NULL) {
		set_down(d, "events", "out of memory", "out of memory");
		schedule_reconnect(d);
		return;
	}
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_events_write);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_events_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	/* A proxy that vanishes without a FIN: let TCP notice. */
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPINTVL, 10L);
	docker_lines_free(&d->lines);
	docker_lines_init(&d->lines, d->cfg.line_max);
	d->lines.on_drop = on_dropped_line;
	d->lines.keep = DROP_KEEP;
	d->drop_logged = 0;
	d->stream_ok = 0;
	if (req_submit(d, r) == -1) {
		set_down(d, "events", "not started", "request not started");
		schedule_reconnect(d);
		return;
	}
	d->events_req = r;
}

static void
events_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	const char	*fail, *key;
	char		 msg[512];
	long		 status;

	d->events_req = NULL;
	if (docker_lines_finish(&d->lines))
		d->st.event_errors++;
	fail = req_failure(r, rc, &status, msg, sizeof(msg), &key);
	if (fail == NULL)
		fail = key = "stream ended";
	set_down(d, "events", key, fail);
	schedule_reconnect(d);
}

/* ---- version ------------------------------------------------------------------- */

static void
version_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_version	 v;
	const char		*key;
	char			 msg[512];
	long			 status;
	int			 api;

	d->version_req = NULL;
	if (req_failure(r, rc, &status, msg, sizeof(msg), &key) != NULL ||
	    (key = "bad reply", docker_parse_version(r->body.data, r->body.len,
	    &v, msg, sizeof(msg))) == -1 ||
	    (key = "no common API version", api = docker_api_negotiate(&v, msg,
	    sizeof(msg))) == -1) {
		d->st.request_errors++;
		set_down(d, "version", key, msg);
		schedule_reconnect(d);
		return;
	}
	d->api = api;
	d->st.api = api;
	snprintf(d->engine_version, sizeof(d->engine_version), "%s", v.version);
	events_start(d);
}

/* ---- connection cycle ------------------------------------------------------------ */

static void
connect_start(struct docker *d)
{
	struct docker_req	*r;

	if (d->connects++ > 0)
		d->st.reconnects++;
	r = req_start(d, REQ_VERSION, "/version", BODY_MAX_VERSION, 0,
	    d->cfg.request_timeout);
	if (r == NULL || req_submit(d, r) == -1) {
		if (r == NULL)
			set_down(d, "version", "out of memory", "out of memory");
		schedule_reconnect(d);
		return;
	}
	d->version_req = r;
}

static void
on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	connect_start(w->data);
}

static void
on_resync_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct docker	*d = w->data;

	(void)loop;
	(void)revents;
	if (d->up) {
		d->resync_wanted = 1;
		kick(d);
	}
}

/* Deferred work, run from the loop where starting transfers is allowed. */
static void
on_kick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct docker	*d = w->data;
	char		 api[16];

	(void)loop;
	(void)revents;
	if (d->stream_ok && !d->up && d->events_req != NULL) {
		d->up = 1;
		d->st.up = 1;
		d->attempts = 0;
		d->last_err[0] = '\0';
		d->resync_wanted = 1;
		d->first_sync = 1;
		snprintf(api, sizeof(api), "%d.%d", d->api / 100, d->api % 100);
		log_info("docker connected", LOG_S("host", d->host),
		    LOG_S("engine", d->engine_version), LOG_S("api", api));
	}
	if (d->up && d->resync_wanted && d->list_req == NULL)
		list_start(d);
	if (d->api > 0)
		pump_inspects(d);
}

static void
kick(struct docker *d)
{
	if (!ev_is_active(&d->kick)) {
		ev_timer_set(&d->kick, 0., 0.);
		ev_timer_start(d->loop, &d->kick);
	}
}

static void
req_done(CURL *easy, CURLcode rc, void *arg)
{
	struct docker_req	*r = arg;
	struct docker		*d = r->d;
	const char		*fail;
	char			 msg[512];
	long			 status;

	(void)easy;
	TAILQ_REMOVE(&d->reqs, r, entry);
	switch (r->kind) {
	case REQ_VERSION:
		version_done(d, r, rc);
		break;
	case REQ_EVENTS:
		events_done(d, r, rc);
		break;
	case REQ_LIST:
		list_done(d, r, rc);
		break;
	case REQ_INSPECT:
		inspect_done(d, r, rc);
		break;
	case REQ_CTL:
		/* 304 is stop's "already stopped": the wanted end state. */
		fail = req_failure(r, rc, &status, msg, sizeof(msg), NULL);
		if (fail == NULL || status == 304)
			r->ctl_cb(r->ctl_arg, 1, status, "");
		else
			r->ctl_cb(r->ctl_arg, 0, status, fail);
		break;
	}
	req_free(r);
}

/* ---- public ------------------------------------------------------------------------ */

struct docker *
docker_new(struct ev_loop *loop, struct curlev *cv, struct inventory *inv,
    const struct docker_config *cfg, char *err, size_t errlen)
{
	struct docker	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (docker_endpoint_parse(cfg->host, &d->ep, err, errlen) == -1) {
		free(d);
		return NULL;
	}
	d->loop = loop;
	d->cv = cv;
	d->inv = inv;
	d->cfg = *cfg;
	snprintf(d->host, sizeof(d->host), "%s", cfg->host);
	d->cfg.host = d->host;
	if (d->cfg.backoff_min <= 0)
		d->cfg.backoff_min = 0.25;
	if (d->cfg.backoff_max <= 0)
		d->cfg.backoff_max = 5;
	if (d->cfg.backoff_max < d->cfg.backoff_min)
		d->cfg.backoff_max = d->cfg.backoff_min;
	if (d->cfg.connect_timeout <= 0)
		d->cfg.connect_timeout = 5;
	if (d->cfg.request_timeout <= 0)
		d->cfg.request_timeout = 30;
	if (d->cfg.max_inspects == 0)
		d->cfg.max_inspects = 4;
	docker_lines_init(&d->lines, d->cfg.line_max);
	d->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
	    (uint64_t)(uintptr_t)d;
	if (d->rng == 0)
		d->rng = 0x9e3779b97f4a7c15ULL;
	TAILQ_INIT(&d->queue);
	TAILQ_INIT(&d->reqs);
	ev_timer_init(&d->kick, on_kick, 0., 0.);
	d->kick.data = d;
	ev_timer_init(&d->retry, on_retry, 0., 0.);
	d->retry.data = d;
	ev_timer_init(&d->resync_retry, on_resync_retry, 0., 0.);
	d->resync_retry.data = d;
	return d;
}

void
docker_start(struct docker *d)
{
	if (d->started)
		return;
	d->started = 1;
	connect_start(d);
}

void
docker_free(struct docker *d)
{
	struct docker_req	*r;
	struct pending		*p, *tmp;

	if (d == NULL)
		return;
	while ((r = TAILQ_FIRST(&d->reqs)) != NULL) {
		TAILQ_REMOVE(&d->reqs, r, entry);
		curlev_remove(d->cv, r->easy);
		req_free(r);
	}
	HASH_ITER(hh, d->pending, p, tmp) {
		HASH_DEL(d->pending, p);
		free(p);
	}
	ev_timer_stop(d->loop, &d->kick);
	ev_timer_stop(d->loop, &d->retry);
	ev_timer_stop(d->loop, &d->resync_retry);
	docker_lines_free(&d->lines);
	free(d);
}

void
docker_resync(struct docker *d)
{
	d->resync_wanted = 1;
	kick(d);
}

int
docker_is_up(const struct docker *d)
{
	return d->up;
}

void
docker_get_stats(const struct docker *d, struct docker_stats *st)
{
	*st = d->st;
}

void
docker_write_metrics(struct docker *d, struct metrics_writer *mw)
{
	char		 extra[64];
	unsigned	 a;

	metrics_family(mw, "hale_docker_up", METRICS_GAUGE,
	    "1 if the Docker events stream is connected, else 0.");
	metrics_sample(mw, "hale_docker_up", NULL, NULL, d->up ? 1 : 0);
	metrics_family(mw, "hale_docker_events_total", METRICS_COUNTER,
	    "Container events received from Docker, by action.");
	for (a = 0; a < DOCKER_ACTION_COUNT; a++) {
		snprintf(extra, sizeof(extra), "action=\"%s\"",
		    docker_action_name((enum docker_action)a));
		metrics_sample_u64(mw, "hale_docker_events_total", NULL, extra,
		    d->st.events[a]);
	}
	metrics_family(mw, "hale_docker_event_errors_total", METRICS_COUNTER,
	    "Docker event lines skipped: malformed or over the length cap.");
	metrics_sample_u64(mw, "hale_docker_event_errors_total", NULL, NULL,
	    d->st.event_errors);
	metrics_family(mw, "hale_docker_reconnects_total", METRICS_COUNTER,
	    "Attempts to connect to Docker after the first one.");
	metrics_sample_u64(mw, "hale_docker_reconnects_total", NULL, NULL,
	    d->st.reconnects);
}

int
docker_container_ctl(struct docker *d, const char *id, enum docker_ctl op,
    int timeout, const char *signal, docker_ctl_cb *cb, void *arg,
    char *err, size_t errlen)
{
	struct docker_req	*r;
	char			 path[256], q[48];
	const char		*verb;
	double			 limit;
	size_t			 i;

	if (!docker_id_valid(id)) {
		snprintf(err, errlen, "not a container id");
		return -1;
	}
	if (!d->up || d->api == 0) {
		snprintf(err, errlen, "docker is not connected");
		return -1;
	}
	q[0] = '\0';
	if (op == DOCKER_CTL_KILL) {
		verb = "kill";
		if (signal != NULL) {
			for (i = 0; signal[i] != '\0'; i++)
				if (i > 16 || !(isalnum((unsigned char)signal[i]) ||
				    signal[i] == '+'))
					break;
			if (signal[i] != '\0' || i == 0) {
				snprintf(err, errlen, "bad signal name");
				return -1;
			}
			snprintf(q, sizeof(q), "?signal=%s", signal);
		}
	} else {
		verb = op == DOCKER_CTL_RESTART ? "restart" : "stop";
		if (timeout >= 0)
			snprintf(q, sizeof(q), "?t=%d", timeout);
	}
	snprintf(path, sizeof(path), "/v%d.%d/containers/%s/%s%s",
	    d->api / 100, d->api % 100, id, verb, q);
	/* Docker answers after the grace period: allow for it. */
	limit = d->cfg.request_timeout + (timeout > 0 ? timeout : 10);
	if ((r = req_start(d, REQ_CTL, path, BODY_MAX_CTL, 1, limit)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->ctl_cb = cb;
	r->ctl_arg = arg;
	memcpy(r->id, id, sizeof(r->id));
	if (req_submit(d, r) == -1) {
		snprintf(err, errlen, "request not started");
		return -1;
	}
	return 0;
}
