/*
 * docker: the connection to the Docker engine as a state machine on the
 * loop (the states are enum docker_conn in docker_impl.h), and the
 * client's life cycle. One function per transition; every failure goes
 * through docker_conn_fail, the one place that schedules a reconnect.
 *
 *  IDLE ─docker_start─┐
 *                     ▼
 *              conn_negotiate ─► NEGOTIATING: GET /version
 *                     ▲                 │ version_done: parsed, and a
 *                     │                 │ common API version
 *                     │                 ├─► SCOPING (docker_scope.c): our
 *                     │                 │   compose project, once
 *                     │                 ▼
 *                     │          conn_subscribe ─► SUBSCRIBING:
 *                     │                 │ GET /v1.NN/events (a stream)
 *                     │                 │ on_events_header: 200 ─► kick
 *                     │                 ▼
 *                     │          on_kick ─► conn_stream ─► STREAMING (up)
 *                     │                 │ docker_sync_begin: list and
 *                     │                 │ inspects (docker_sync.c);
 *                     │                 │ on_events_write ─► docker_lines
 *                     │                 │ ─► docker_sync_on_line
 *                     │                 ▼
 *              on_retry (timer) ◄─ BACKOFF ◄─ docker_conn_fail ◄─ any failure:
 *                     the version request not started or failed
 *                     (transport, HTTP, bad reply, no common version);
 *                     our own container's inspect failed or named no
 *                     compose project (SCOPING);
 *                     the events request not started, failed or ended
 *
 * Flow control: an engine can write events faster than we can apply
 * them, and one read of libcurl's hands us up to a megabyte and more.
 * on_events_write handles at most `event_batch` lines, or what fits in
 * BATCH_SECONDS (a slow or loaded machine), per loop iteration; past
 * that it answers CURL_WRITEFUNC_PAUSE (libcurl keeps the chunk) and
 * starts two watchers: an ev_idle so that the loop does not block, and
 * an ev_check whose on_resume unpauses the stream after the loop has run
 * every other ready watcher (HTTP, probes) once:
 *
 *   on_events_write ─(batch spent)─► stream_pause ─► PAUSE
 *   next iteration: HTTP, probes, timers ... ─► on_resume ─►
 *        curl_easy_pause(CONT) ─► on_events_write (the kept chunk) ...
 *
 * libcurl forbids adding transfers from inside its callbacks, so
 * on_events_header and the line callbacks only set flags and start the
 * 0 s `kick` timer; everything that starts a transfer runs from there or
 * from a `done`.
 *
 * The events stream is opened before the list, so nothing that happens
 * during the list is missed. Docker flushes the response headers a hair
 * before it subscribes us, so over a unix socket (same host, same
 * clock) we ask for `since` two seconds back: replayed events only cause
 * an extra inspect.
 */
#include "docker/docker.h"
#include "docker/docker_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"

#define BODY_MAX_VERSION	(64 * 1024)
#define BODY_MAX_EVENTS_ERR	(64 * 1024)	/* an error reply instead of a stream */
#define DROP_KEEP		4096		/* bytes of a dropped line to salvage */
#define BATCH_SECONDS		0.005		/* of event lines per loop iteration */

/* ---- the one failure path ------------------------------------------------ */

/*
 * A failure is logged again only when its kind (`what` and `key`, e.g.
 * "version" and "Couldn't connect to server") changes, not on every
 * retry. `msg` is the detailed text.
 */
static void
log_failure(struct docker *d, const char *what, const char *key,
    const char *msg)
{
	char	 kind[sizeof(d->last_err)];

	snprintf(kind, sizeof(kind), "%s: %s", what, key);
	if (DOCKER_UP(d))
		log_warn("docker connection lost", LOG_S("host", d->host),
		    LOG_S("during", what), LOG_S("err", msg));
	else if (strcmp(kind, d->last_err) != 0)
		log_warn("docker unavailable", LOG_S("host", d->host),
		    LOG_S("during", what), LOG_S("err", msg));
	snprintf(d->last_err, sizeof(d->last_err), "%s", kind);
}

/* Any state ─► BACKOFF: down, and a capped, jittered exponential wait. */
void
docker_conn_fail(struct docker *d, const char *what, const char *key,
    const char *msg)
{
	double	 delay;
	unsigned i;

	log_failure(d, what, key, msg);
	d->state = DOCKER_CONN_BACKOFF;
	d->st.up = 0;
	d->st.conn_failures++;
	d->stream_ok = 0;
	delay = d->cfg.backoff_min;
	for (i = 0; i < d->attempts && delay < d->cfg.backoff_max; i++)
		delay *= 2;
	if (delay > d->cfg.backoff_max)
		delay = d->cfg.backoff_max;
	/* "Equal jitter": half fixed, half random, so retries spread out. */
	delay = delay / 2 + delay / 2 * rand_unit(&d->rng);
	if (d->attempts < 64)
		d->attempts++;
	ev_timer_stop(d->loop, &d->retry);
	ev_timer_set(&d->retry, delay, 0.);
	ev_timer_start(d->loop, &d->retry);
}

/* ---- STREAMING: flow control --------------------------------------------------- */

static void
stream_resume_stop(struct docker *d)
{
	ev_idle_stop(d->loop, &d->resume_idle);
	ev_check_stop(d->loop, &d->resume);
}

/* The loop ran the other watchers once: take the kept chunk back. */
static void
on_resume(struct ev_loop *loop, ev_check *w, int revents)
{
	struct docker	*d = w->data;

	(void)revents;
	stream_resume_stop(d);
	/*
	 * What libcurl kept (one chunk) arrives now, in this iteration's
	 * check phase: count it in the next iteration's batch, which
	 * begins with it, so that no stretch between two runs of the
	 * other watchers holds more than a batch and two chunks.
	 */
	d->batch_iter = ev_iteration(loop) + 1;
	d->batch_used = 0;
	d->batch_start = ev_time();
	/* May call on_events_write at once with what libcurl kept. */
	if (d->events_req != NULL)
		curl_easy_pause(d->events_req->easy, CURLPAUSE_CONT);
}

/* Nothing to do: an active idle watcher only makes the poll not block. */
static void
on_resume_idle(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* 1 if this iteration's batch is spent: the caller pauses the stream. */
static int
stream_batch_spent(struct docker *d)
{
	unsigned	 it = ev_iteration(d->loop);

	if (it != d->batch_iter) {
		d->batch_iter = it;
		d->batch_used = 0;
		d->batch_start = ev_time();
	}
	if (d->batch_used >= d->cfg.event_batch)
		return 1;
	/* One clock read a chunk (16 KiB), not a line. */
	return d->batch_used > 0 && ev_time() - d->batch_start >= BATCH_SECONDS;
}

static size_t
stream_pause(struct docker *d)
{
	d->st.stream_pauses++;
	ev_idle_start(d->loop, &d->resume_idle);
	ev_check_start(d->loop, &d->resume);
	return CURL_WRITEFUNC_PAUSE;
}

/* ---- STREAMING: the events stream --------------------------------------------- */

static size_t
on_events_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	struct docker		*d = r->d;
	size_t			 n = size * nmemb;
	uint64_t		 before;
	long			 status = 0;
	int			 dropped;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)	/* an error document, not a stream */
		return docker_req_on_body(data, size, nmemb, r);
	if (stream_batch_spent(d))
		return stream_pause(d);
	before = d->lines.lines + d->lines.dropped;
	dropped = docker_lines_feed(&d->lines, data, n, docker_sync_on_line, d);
	d->batch_used += (unsigned)(d->lines.lines + d->lines.dropped - before);
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
			docker_kick(d);
		}
	}
	return n;
}

/* SUBSCRIBING ─► STREAMING, from the kick once the stream said 200. */
static void
conn_stream(struct docker *d)
{
	char	 api[16];

	d->state = DOCKER_CONN_STREAMING;
	d->st.up = 1;
	d->attempts = 0;
	d->last_err[0] = '\0';
	docker_sync_begin(d);
	snprintf(api, sizeof(api), "%d.%d", d->api / 100, d->api % 100);
	log_info("docker connected", LOG_S("host", d->host),
	    LOG_S("engine", d->engine_version), LOG_S("api", api));
}

static void
events_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	const char	*fail, *key;
	char		 msg[512];
	long		 status;

	d->events_req = NULL;
	stream_resume_stop(d);
	if (docker_lines_finish(&d->lines))
		d->st.event_errors++;
	fail = docker_req_failure(r, rc, &status, msg, sizeof(msg), &key);
	if (fail == NULL)
		fail = key = "stream ended";
	docker_conn_fail(d, "events", key, fail);
}

/* ---- SUBSCRIBING --------------------------------------------------------------- */

static struct docker_req *
events_req_new(struct docker *d)
{
	struct docker_req	*r;
	char			 path[DOCKER_FILTER_MAX + 128], since[48] = "";

	if (d->ep.socket_path[0] != '\0')
		snprintf(since, sizeof(since), "&since=%lld",
		    (long long)time(NULL) - 2);
	/* Containers only (we re-filter anyway), and only those in scope. */
	snprintf(path, sizeof(path), "/v%d.%d/events?filters=%s%s",
	    d->api / 100, d->api % 100, d->filter_events, since);
	/* No total timeout on a stream that lives for days. */
	r = docker_req_new(d, DOCKER_REQ_EVENTS, path, BODY_MAX_EVENTS_ERR, 0, 0);
	if (r == NULL)
		return NULL;
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_events_write);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_events_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	/* A proxy that vanishes without a FIN: let TCP notice. */
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPINTVL, 10L);
	return r;
}

/* NEGOTIATING or SCOPING ─► SUBSCRIBING: open the events stream. */
void
docker_conn_subscribe(struct docker *d)
{
	struct docker_req	*r;

	if ((r = events_req_new(d)) == NULL) {
		docker_conn_fail(d, "events", "out of memory", "out of memory");
		return;
	}
	docker_lines_free(&d->lines);
	docker_lines_init(&d->lines, d->cfg.line_max);
	d->lines.on_drop = docker_sync_on_dropped_line;
	d->lines.keep = DROP_KEEP;
	d->drop_logged = 0;
	d->full_logged = 0;
	d->stream_ok = 0;
	if (docker_req_submit(d, r) == -1) {
		docker_conn_fail(d, "events", "not started", "request not started");
		return;
	}
	d->events_req = r;
	d->state = DOCKER_CONN_SUBSCRIBING;
}

/* ---- NEGOTIATING ----------------------------------------------------------------- */

static void
version_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_version	 v;
	const char		*key;
	char			 msg[512];
	long			 status;
	int			 api;

	if (docker_req_failure(r, rc, &status, msg, sizeof(msg), &key) !=
	    NULL ||
	    (key = "bad reply", docker_parse_version(r->body.data, r->body.len,
	    &v, msg, sizeof(msg))) == -1 ||
	    (key = "no common API version", api = docker_api_negotiate(&v, msg,
	    sizeof(msg))) == -1) {
		d->st.request_errors++;
		docker_conn_fail(d, "version", key, msg);
		return;
	}
	d->api = api;
	d->st.api = api;
	snprintf(d->engine_version, sizeof(d->engine_version), "%s", v.version);
	if (d->scoped)
		docker_conn_subscribe(d);
	else if (docker_scope_start(d) == -1)
		docker_conn_fail(d, "scope", "not started", "request not started");
}

/* IDLE or BACKOFF ─► NEGOTIATING: ask the engine which API it speaks. */
static void
conn_negotiate(struct docker *d)
{
	struct docker_req	*r;

	if (d->connects++ > 0)
		d->st.reconnects++;
	r = docker_req_new(d, DOCKER_REQ_VERSION, "/version", BODY_MAX_VERSION,
	    0, d->cfg.request_timeout);
	if (r == NULL) {
		docker_conn_fail(d, "version", "out of memory", "out of memory");
		return;
	}
	if (docker_req_submit(d, r) == -1) {
		docker_conn_fail(d, "version", "not started", "request not started");
		return;
	}
	d->state = DOCKER_CONN_NEGOTIATING;
}

/* ---- the loop's side -------------------------------------------------------------- */

static void
on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	conn_negotiate(w->data);
}

/* Deferred work, run from the loop where starting transfers is allowed. */
static void
on_kick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct docker	*d = w->data;

	(void)loop;
	(void)revents;
	if (d->state == DOCKER_CONN_SUBSCRIBING && d->stream_ok)
		conn_stream(d);
	docker_sync_run(d);
}

void
docker_kick(struct docker *d)
{
	if (!ev_is_active(&d->kick)) {
		ev_timer_set(&d->kick, 0., 0.);
		ev_timer_start(d->loop, &d->kick);
	}
}

void
docker_req_done(CURL *easy, CURLcode rc, void *arg)
{
	struct docker_req	*r = arg;
	struct docker		*d = r->d;

	(void)easy;
	TAILQ_REMOVE(&d->reqs, r, entry);
	switch (r->kind) {
	case DOCKER_REQ_VERSION:
		version_done(d, r, rc);
		break;
	case DOCKER_REQ_EVENTS:
		events_done(d, r, rc);
		break;
	case DOCKER_REQ_LIST:
		docker_sync_list_done(d, r, rc);
		break;
	case DOCKER_REQ_INSPECT:
		docker_sync_inspect_done(d, r, rc);
		break;
	case DOCKER_REQ_CTL:
		docker_ctl_done(r, rc);
		break;
	case DOCKER_REQ_SELF:
		docker_scope_done(d, r, rc);
		break;
	case DOCKER_REQ_LOGS:
		docker_logs_done(r, rc);
		break;
	}
	docker_req_free(r);
}

/* ---- public ------------------------------------------------------------------------ */

static void
config_defaults(struct docker_config *c)
{
	if (c->backoff_min <= 0)
		c->backoff_min = 0.25;
	if (c->backoff_max <= 0)
		c->backoff_max = 5;
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;
	if (c->connect_timeout <= 0)
		c->connect_timeout = 5;
	if (c->request_timeout <= 0)
		c->request_timeout = 30;
	if (c->max_inspects == 0)
		c->max_inspects = 4;
	if (c->event_batch == 0)
		c->event_batch = 1024;
	if (c->max_pending == 0)
		c->max_pending = 1024;
}

struct docker *
docker_new(struct ev_loop *loop, struct curlev *cv, struct inventory *inv,
    const struct docker_config *cfg, char *err, size_t errlen)
{
	struct docker	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		err_set(err, errlen, "out of memory");
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
	d->cfg.label_filter = NULL;	/* copied by docker_scope_init */
	d->cfg.nlabel_filter = 0;
	d->cfg.scope_self = NULL;
	if (docker_scope_init(d, cfg, err, errlen) == -1) {
		docker_scope_free(d);
		free(d);
		return NULL;
	}
	config_defaults(&d->cfg);
	docker_lines_init(&d->lines, d->cfg.line_max);
	rand_seed(&d->rng);
	TAILQ_INIT(&d->reqs);
	docker_sync_init(d);
	ev_timer_init(&d->kick, on_kick, 0., 0.);
	d->kick.data = d;
	ev_timer_init(&d->retry, on_retry, 0., 0.);
	d->retry.data = d;
	ev_idle_init(&d->resume_idle, on_resume_idle);
	ev_check_init(&d->resume, on_resume);
	d->resume.data = d;
	return d;
}

void
docker_start(struct docker *d)
{
	if (d->state == DOCKER_CONN_IDLE)
		conn_negotiate(d);
}

void
docker_free(struct docker *d)
{
	struct docker_req	*r;

	if (d == NULL)
		return;
	while ((r = TAILQ_FIRST(&d->reqs)) != NULL) {
		TAILQ_REMOVE(&d->reqs, r, entry);
		curlev_remove(d->cv, r->easy);
		docker_req_free(r);
	}
	docker_sync_free(d);
	docker_scope_free(d);
	ev_timer_stop(d->loop, &d->kick);
	ev_timer_stop(d->loop, &d->retry);
	stream_resume_stop(d);
	docker_lines_free(&d->lines);
	free(d);
}

void
docker_get_stats(const struct docker *d, struct docker_stats *st)
{
	*st = d->st;
}

enum docker_listing
docker_listing(const struct docker_stats *st)
{
	if (st->synced)
		return DOCKER_LISTED;
	if (st->up || st->conn_failures == 0)
		return DOCKER_LISTING_PENDING;
	return DOCKER_UNREACHABLE;
}

void
docker_set_event_cb(struct docker *d, docker_event_cb *cb, void *arg)
{
	d->event_cb = cb;
	d->event_arg = arg;
}
