/*
 * notify: webhook delivery (see notify.h for the callback chain).
 *
 * Each webhook has its own FIFO and at most one POST in flight, so
 * documents arrive in order and a dead receiver costs one connection,
 * not one per event. The easy handle is reused across tries. The config
 * section is parsed in notify_config.c, documents and metric families
 * are written in notify_view.c.
 *
 * An event whose webhooks want the container's log tail waits for it:
 *
 *	notify_send_event ─► webhooks without a tail: enqueued now
 *	   └► pending (≤ NOTIFY_TAIL_PENDING_MAX) ─► kick_cb (from the loop,
 *	      never inside libcurl) ─► docker_container_logs (own timeout)
 *	      ─► tail_done ─► with the tail, or without it on an error or a
 *	         timeout ─► enqueued for the rest
 */
#include "remedy/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "docker/logtail.h"
#include "remedy/events.h"
#include "remedy/post.h"

#define RETRY_FIRST	1.0		/* seconds before the first retry */
#define RETRY_CAP	60.0

/* ---- delivery ------------------------------------------------------------ */

struct item {
	char			*body;
	size_t			 len;
	struct curl_slist	*headers;	/* its own and the webhook's */
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
	enum notify_format	 format;
	TAILQ_HEAD(, item)	 queue;
	size_t			 qlen;
	CURL			*easy;
	int			 busy;		/* the head item is in flight */
	ev_timer		 retry;
	size_t			 reply_len;	/* bytes of reply seen */
	int			 log_tail;	/* wants the container's last lines */
};

/* An event waiting for its container's last log lines. */
struct pending {
	struct notify		*n;
	struct event		 ev;
	unsigned		 hooks;		/* bit i: webhook i, with the tail */
	struct docker_req	*req;		/* NULL: not asked yet */
	TAILQ_ENTRY(pending)	 entry;
};

struct notify {
	struct ev_loop		*loop;
	struct curlev		*cv;
	ev_timer		 kick;		/* 0 s: start queued POSTs from the loop */
	struct hook		*hooks;
	struct post_dest	*dests;		/* one per hook, the same index */
	size_t			 nhooks;
	unsigned		 retries;
	unsigned		 queue_max;
	struct notify_stats	 st;
	char			 host[256];	/* named in event bodies */
	struct docker		*docker;	/* NULL: no log tails */
	struct inventory	*inv;
	TAILQ_HEAD(, pending)	 pending;
	size_t			 npending;
	unsigned		 tail_lines;
	unsigned		 tail_bytes;
	double			 tail_timeout;	/* seconds */
};

static void	hook_kick(struct hook *);
static void	pending_start(struct notify *);
static void	pending_drop_all(struct notify *);

static void
item_drop(struct hook *h, struct item *it)
{
	TAILQ_REMOVE(&h->queue, it, entry);
	h->qlen--;
	curl_slist_free_all(it->headers);
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
	h->n->dests[h->index].n[post_classify(rc, status)]++;
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
	post_setup(h->easy, h->url, it->body, it->len, it->headers,
	    h->timeout_ms, &h->reply_len);
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
	pending_start(n);
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
	free(n->dests);
	n->hooks = NULL;
	n->dests = NULL;
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
	n->tail_lines = cfg != NULL ? cfg->tail_lines : LOGTAIL_LINES_DEFAULT;
	n->tail_bytes = cfg != NULL ? cfg->tail_bytes : LOGTAIL_BYTES_DEFAULT;
	n->tail_timeout = (double)(cfg != NULL ? cfg->tail_timeout_ms :
	    NOTIFY_TAIL_TIMEOUT_DEFAULT_MS) / 1000;
	if (cfg == NULL || cfg->nhooks == 0)
		return 0;
	if ((n->hooks = calloc(cfg->nhooks, sizeof(*n->hooks))) == NULL ||
	    (n->dests = calloc(cfg->nhooks, sizeof(*n->dests))) == NULL)
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
		h->format = w->format;
		h->timeout_ms = (long)w->timeout_ms;
		h->log_tail = w->log_tail;
		post_dest_init(&n->dests[i], "webhook", w->name, w->url,
		    n->dests, i);
		if ((h->url = strdup(w->url)) == NULL)
			goto oom;
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
	return err_set(err, errlen, "out of memory");
}

struct notify *
notify_new(struct ev_loop *loop, struct curlev *cv,
    const struct notify_config *cfg, char *err, size_t errlen)
{
	struct notify	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	n->loop = loop;
	n->cv = cv;
	TAILQ_INIT(&n->pending);
	ev_timer_init(&n->kick, kick_cb, 0., 0.);
	n->kick.data = n;
	if (gethostname(n->host, sizeof(n->host) - 1) == -1)
		n->host[0] = '\0';
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
	pending_drop_all(n);		/* they name the old webhooks */
	hooks_free(n);
	return hooks_build(n, cfg, err, errlen);
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	ev_timer_stop(n->loop, &n->kick);
	pending_drop_all(n);
	hooks_free(n);
	free(n);
}

/* The item's headers: its type, ntfy's, then the webhook's own. */
static struct curl_slist *
item_headers(const struct hook *h, const struct notify_msg *m)
{
	struct curl_slist	*l = NULL, *t;
	const struct curl_slist	*k;
	char			 line[NOTIFY_TITLE_MAX + 32];

	snprintf(line, sizeof(line), "Content-Type: %s", m != NULL ?
	    m->content_type : "application/json");
	if ((l = curl_slist_append(l, line)) == NULL)
		return NULL;
	if (m != NULL && m->title[0] != '\0') {
		snprintf(line, sizeof(line), "Title: %s", m->title);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
		snprintf(line, sizeof(line), "Priority: %d", m->priority);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
		snprintf(line, sizeof(line), "Tags: %s", m->tags);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
	}
	for (k = h->headers; k != NULL; k = k->next) {
		if ((t = curl_slist_append(l, k->data)) == NULL)
			goto fail;
		l = t;
	}
	return l;
fail:
	curl_slist_free_all(l);
	return NULL;
}

static void
enqueue(struct notify *n, struct hook *h, const char *body, size_t len,
    const struct notify_msg *m)
{
	struct item	*it;

	if (h->qlen >= n->queue_max) {
		n->st.dropped++;
		n->dests[h->index].n[POST_DROPPED]++;
		log_warn("webhook queue full, dropping a document",
		    LOG_U("webhook", h->index), LOG_U("queued", h->qlen));
		return;
	}
	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (it->body = malloc(len + 1)) == NULL ||
	    (it->headers = item_headers(h, m)) == NULL) {
		if (it != NULL)
			free(it->body);
		free(it);
		n->st.dropped++;
		n->dests[h->index].n[POST_DROPPED]++;
		return;
	}
	memcpy(it->body, body, len);
	it->body[len] = '\0';
	it->len = len;
	TAILQ_INSERT_TAIL(&h->queue, it, entry);
	h->qlen++;
	if (!ev_is_active(&n->kick))
		ev_timer_start(n->loop, &n->kick);
}

void
notify_send(struct notify *n, unsigned event, const char *json, size_t len)
{
	size_t	 i;

	for (i = 0; i < n->nhooks; i++) {
		struct hook *h = &n->hooks[i];

		if ((h->events & event) != 0 && h->format == NOTIFY_FMT_JSON)
			enqueue(n, h, json, len, NULL);
	}
}

/* The event in the webhook's format, queued. */
static void
deliver(struct notify *n, size_t i, const struct event *ev, const char *tail)
{
	struct hook		*h = &n->hooks[i];
	struct notify_msg	 m;

	buf_init(&m.body);
	if (notify_render(h->format, ev, tail, n->host, &m) == 0)
		enqueue(n, h, m.body.data, m.body.len, &m);
	else {
		n->st.dropped++;
		n->dests[i].n[POST_DROPPED]++;
	}
	buf_free(&m.body);
}

/* ---- log tails ------------------------------------------------------------ */

static void
pending_free(struct notify *n, struct pending *p)
{
	TAILQ_REMOVE(&n->pending, p, entry);
	n->npending--;
	free(p);
}

/* `tail` NULL: without it. */
static void
pending_finish(struct notify *n, struct pending *p, const char *tail)
{
	size_t	 i;

	for (i = 0; i < n->nhooks; i++)
		if (p->hooks & (1u << i))
			deliver(n, i, &p->ev, tail);
	pending_free(n, p);
}

static void
tail_done(void *arg, const char *text, size_t len, const char *err)
{
	struct pending	*p = arg;

	(void)len;
	p->req = NULL;			/* the client frees it */
	if (text != NULL)
		p->n->st.tails_ok++;
	else if (strstr(err, "timed out") != NULL)
		p->n->st.tails_timeout++;
	else
		p->n->st.tails_error++;
	if (text == NULL)
		log_debug("no log tail for the event, delivering without it",
		    LOG_S("id", p->ev.id), LOG_S("err", err));
	pending_finish(p->n, p, text);
}

static void
pending_start(struct notify *n)
{
	struct pending	*p, *next;
	char		 err[128];

	for (p = TAILQ_FIRST(&n->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->req != NULL)
			continue;
		if (n->docker == NULL || (p->req = docker_container_logs(
		    n->docker, p->ev.id, n->tail_lines, n->tail_bytes,
		    n->tail_timeout, tail_done, p, err, sizeof(err))) == NULL) {
			n->st.tails_error++;
			log_debug("no log tail for the event, delivering "
			    "without it", LOG_S("id", p->ev.id),
			    LOG_S("err", n->docker == NULL ? "no docker" : err));
			pending_finish(n, p, NULL);
		}
	}
}

static void
pending_drop_all(struct notify *n)
{
	struct pending	*p;

	while ((p = TAILQ_FIRST(&n->pending)) != NULL) {
		if (p->req != NULL && n->docker != NULL)
			docker_logs_cancel(n->docker, p->req);
		n->st.dropped++;
		pending_free(n, p);
	}
}

void
notify_set_docker(struct notify *n, struct docker *d, struct inventory *inv)
{
	if (d != n->docker)
		pending_drop_all(n);
	n->docker = d;
	n->inv = inv;
}

/* The kinds whose cause may be in the container's last lines. */
static int
tail_kind(enum event_kind k)
{
	return k == EVENT_OOM || k == EVENT_EXIT || k == EVENT_RESTART_LOOP ||
	    k == EVENT_UNHEALTHY || k == EVENT_GAVE_UP;
}

/* The container's label opts every webhook in. */
static int
label_wants_tail(struct notify *n, const struct event *ev)
{
	struct inv_container	*ic;
	const char		*v;

	if (n->inv == NULL || (ic = inventory_get(n->inv, ev->id)) == NULL)
		return 0;
	v = docker_inspect_label(&ic->d, NOTIFY_TAIL_LABEL);
	return v != NULL && strcmp(v, "true") == 0;
}

void
notify_send_event(struct notify *n, const struct event *ev)
{
	struct pending	*p;
	unsigned	 bit = notify_event_bit(ev), tail = 0;
	int		 label = -1;
	size_t		 i;

	for (i = 0; i < n->nhooks; i++) {
		struct hook *h = &n->hooks[i];

		if ((h->events & bit) == 0 || (h->format == NOTIFY_FMT_JSON &&
		    (bit & NOTIFY_EV_REMEDY) != 0))
			continue;
		if (n->docker != NULL && tail_kind(ev->kind) && (h->log_tail ||
		    (label == -1 ? (label = label_wants_tail(n, ev)) : label)))
			tail |= 1u << i;
		else
			deliver(n, i, ev, NULL);
	}
	if (tail == 0)
		return;
	if (n->npending >= NOTIFY_TAIL_PENDING_MAX ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		n->st.tails_error++;
		log_debug("too many events wait for log tails, delivering "
		    "without", LOG_S("id", ev->id));
		for (i = 0; i < n->nhooks; i++)
			if (tail & (1u << i))
				deliver(n, i, ev, NULL);
		return;
	}
	p->n = n;
	p->ev = *ev;
	p->hooks = tail;
	TAILQ_INSERT_TAIL(&n->pending, p, entry);
	n->npending++;
	/* Often inside libcurl's callback (Docker's events): ask from the loop. */
	if (!ev_is_active(&n->kick))
		ev_timer_start(n->loop, &n->kick);
}

size_t
notify_webhooks(const struct notify *n)
{
	return n->nhooks;
}

const struct post_dest *
notify_dests(const struct notify *n, size_t *count)
{
	*count = n->nhooks;
	return n->dests;
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

	notify_get_stats(n, &st);
	notify_view_metrics(w, &st);
}
