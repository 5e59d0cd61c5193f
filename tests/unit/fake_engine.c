/*
 * fake_engine: the scripted Engine API of fake_engine.h. Owns the
 * listening socket, one small HTTP/1.1 server connection per client
 * (keep-alive, one request at a time), the route table and the log of
 * requests. See the header for the flow of one request.
 */
#include "fake_engine.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define FE_IN_MAX	(64 * 1024)	/* request head and body */
#define FE_CHUNK_MAX	(64 * 1024)	/* a chunk of a burst or a flood */
#define FE_LINE_MAX	(16 * 1024)	/* one line of a burst or a flood */
#define FE_FLOOD_SNDBUF	(8 * 1024 * 1024)	/* a stream's socket in a flood */
#define FE_FLOOD_TURN	1	/* refills per writable event, so that the
				   engine's own turn stays short */

struct fe_reply {
	struct fake_reply	 r;		/* strings point to the copies */
	char			*headers;
	char			*body;
	STAILQ_ENTRY(fe_reply)	 entry;
};

struct fe_route {
	char			*method;
	char			*pattern;
	STAILQ_HEAD(, fe_reply)	 replies;	/* the next first */
	STAILQ_HEAD(, fe_reply)	 spent;		/* answered already */
	STAILQ_ENTRY(fe_route)	 entry;
};

struct fe_req {
	char			*method;
	char			*path;		/* without the query */
	char			*target;	/* as sent */
	STAILQ_ENTRY(fe_req)	 entry;
};

struct fe_conn {
	struct fake_engine	*fe;
	int			 fd;
	ev_io			 rio;
	ev_io			 wio;
	ev_timer		 delay;
	char			 in[FE_IN_MAX];
	size_t			 inlen;
	char			*out;
	size_t			 outlen;
	size_t			 outoff;
	const struct fe_reply	*pending;	/* waiting for its delay */
	int			 busy;		/* a reply is under way */
	int			 streaming;	/* stream head written */
	int			 close_after;	/* close once out is written */
	int			 big_sndbuf;	/* tried to enlarge it */
	TAILQ_ENTRY(fe_conn)	 entry;
};

struct fake_engine {
	struct ev_loop		*loop;
	char			 dir[64];
	char			 path[96];	/* fits sun_path */
	char			 host[128];
	int			 lfd;
	ev_io			 lio;
	STAILQ_HEAD(, fe_route)	 routes;
	STAILQ_HEAD(, fe_req)	 log;
	TAILQ_HEAD(, fe_conn)	 conns;
	fake_line_fn		*flood;		/* NULL: no flood */
	void			*flood_arg;
	unsigned long		 flood_next;	/* the next line's number */
	unsigned long		 lines_sent;	/* by bursts and floods */
};

static const struct fe_reply no_route = {
	.r = { .status = 404, .body = "{\"message\":\"no route\"}" },
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 409: return "Conflict";
	case 500: return "Internal Server Error";
	default: return "Status";
	}
}

/* ---- connections ---------------------------------------------------- */

static void
conn_close(struct fe_conn *c)
{
	struct fake_engine	*fe = c->fe;

	ev_io_stop(fe->loop, &c->rio);
	ev_io_stop(fe->loop, &c->wio);
	ev_timer_stop(fe->loop, &c->delay);
	close(c->fd);
	TAILQ_REMOVE(&fe->conns, c, entry);
	free(c->out);
	free(c);
}

static void	 conn_lines(struct fe_conn *, fake_line_fn *, void *,
		    unsigned long first, unsigned long n);

/*
 * A flood's stream gets a send buffer of megabytes, as a busy engine's
 * connection holds (root may exceed wmem_max; else what the kernel
 * allows): a reader that does not bound itself would then get all of
 * it in one go.
 */
static void
conn_big_sndbuf(struct fe_conn *c)
{
	int	 sz = FE_FLOOD_SNDBUF;

	if (c->big_sndbuf)
		return;
	c->big_sndbuf = 1;
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) ==
	    -1)
		(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

/* Writes what it can; -1 if the connection was closed. */
static int
conn_flush(struct fe_conn *c)
{
	struct fake_engine	*fe = c->fe;
	ssize_t			 n;
	int			 refills = 0;

	for (;;) {
		if (c->outoff == c->outlen && fe->flood != NULL &&
		    c->streaming && !c->close_after) {
			/* Flooding: the socket took all; more next turn. */
			if (refills++ == FE_FLOOD_TURN) {
				ev_io_start(fe->loop, &c->wio);
				return 0;
			}
			c->outoff = c->outlen = 0;
			conn_lines(c, fe->flood, fe->flood_arg, fe->flood_next,
			    FE_CHUNK_MAX / 128);
		}
		if (c->outoff >= c->outlen)
			break;
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_start(c->fe->loop, &c->wio);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->outoff += (size_t)n;
	}
	ev_io_stop(c->fe->loop, &c->wio);
	c->outoff = c->outlen = 0;
	if (c->close_after) {
		conn_close(c);
		return -1;
	}
	return 0;
}

static void
conn_queue(struct fe_conn *c, const char *data, size_t len)
{
	char	*p;

	if ((p = realloc(c->out, c->outlen + len + 1)) == NULL)
		abort();
	c->out = p;
	memcpy(c->out + c->outlen, data, len);
	c->outlen += len;
}

static void
conn_chunk(struct fe_conn *c, const char *data, size_t len)
{
	char	 size[32];

	snprintf(size, sizeof(size), "%zx\r\n", len);
	conn_queue(c, size, strlen(size));
	conn_queue(c, data, len);
	conn_queue(c, "\r\n", 2);
}

/*
 * Queues lines first .. first+n-1 of fn as chunks of up to FE_CHUNK_MAX;
 * a flood's numbering goes on from where it stopped.
 */
static void
conn_lines(struct fe_conn *c, fake_line_fn *fn, void *arg,
    unsigned long first, unsigned long n)
{
	struct fake_engine	*fe = c->fe;
	char			*chunk, line[FE_LINE_MAX];
	size_t			 len = 0, ll;
	unsigned long		 k;

	if ((chunk = malloc(FE_CHUNK_MAX)) == NULL)
		abort();
	for (k = first; k < first + n; k++) {
		if ((ll = fn(line, sizeof(line), k, arg)) == 0)
			break;
		if (ll > sizeof(line))
			ll = sizeof(line);
		if (len + ll > FE_CHUNK_MAX) {
			conn_chunk(c, chunk, len);
			len = 0;
		}
		memcpy(chunk + len, line, ll);
		len += ll;
		fe->lines_sent++;
	}
	if (len > 0)
		conn_chunk(c, chunk, len);
	if (fn == fe->flood)
		fe->flood_next = k;
	free(chunk);
}

static int	 conn_serve(struct fe_conn *);

/* Writes the reply's head and body; -1 if the connection was closed. */
static int
conn_reply(struct fe_conn *c, const struct fe_reply *fr)
{
	const struct fake_reply	*r = &fr->r;
	char			 head[512];
	size_t			 blen;
	int			 status = r->status > 0 ? r->status : 200;

	if (r->hangup) {
		conn_close(c);
		return -1;
	}
	blen = r->body == NULL ? 0 : r->body_len > 0 ? r->body_len :
	    strlen(r->body);
	snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Api-Version: 1.43\r\nContent-Type: application/json\r\n"
	    "Server: fake-engine\r\n", status, reason(status));
	conn_queue(c, head, strlen(head));
	if (r->headers != NULL)
		conn_queue(c, r->headers, strlen(r->headers));
	if (r->stream)
		snprintf(head, sizeof(head), "Transfer-Encoding: chunked\r\n\r\n");
	else
		snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", blen);
	conn_queue(c, head, strlen(head));
	if (r->stream) {
		c->streaming = 1;
		if (blen > 0)
			conn_chunk(c, r->body, blen);
		return conn_flush(c);
	}
	if (r->cut) {
		conn_queue(c, r->body != NULL ? r->body : "",
		    r->cut_at < blen ? r->cut_at : blen);
		c->close_after = 1;
		return conn_flush(c);
	}
	if (blen > 0)
		conn_queue(c, r->body, blen);
	c->busy = 0;
	if (conn_flush(c) == -1)
		return -1;
	return conn_serve(c);
}

static const struct fe_reply *
route_take(struct fake_engine *fe, const char *method, const char *path)
{
	struct fe_route	*rt;
	struct fe_reply	*r;

	STAILQ_FOREACH(rt, &fe->routes, entry) {
		if (strcmp(rt->method, method) != 0 ||
		    fnmatch(rt->pattern, path, 0) != 0 ||
		    (r = STAILQ_FIRST(&rt->replies)) == NULL)
			continue;
		if (STAILQ_NEXT(r, entry) != NULL) {
			/* Not the last: spent, kept until the route goes. */
			STAILQ_REMOVE_HEAD(&rt->replies, entry);
			STAILQ_INSERT_TAIL(&rt->spent, r, entry);
		}
		return r;
	}
	return &no_route;
}

static void
log_request(struct fake_engine *fe, const char *method, const char *target)
{
	struct fe_req	*q;
	size_t		 plen = strcspn(target, "?");

	if ((q = calloc(1, sizeof(*q))) == NULL)
		abort();
	q->method = strdup(method);
	q->target = strdup(target);
	q->path = strndup(target, plen);
	if (q->method == NULL || q->target == NULL || q->path == NULL)
		abort();
	STAILQ_INSERT_TAIL(&fe->log, q, entry);
}

static void
on_delay(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fe_conn		*c = w->data;
	const struct fe_reply	*r = c->pending;

	(void)loop;
	(void)revents;
	c->pending = NULL;
	conn_reply(c, r);
}

/* Length of the request's body from its head; 0 if none. */
static size_t
content_length(const char *head)
{
	const char	*p = head;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtoul(p + 15, NULL, 10);
	}
	return 0;
}

/*
 * Serves the next complete request in the input, if any; -1 if the
 * connection was closed.
 */
static int
conn_serve(struct fe_conn *c)
{
	const struct fe_reply	*r;
	char			 method[16], target[2048], *end;
	size_t			 hlen, blen;

	if (c->busy || c->streaming)
		return 0;
	c->in[c->inlen] = '\0';
	if ((end = strstr(c->in, "\r\n\r\n")) == NULL)
		return 0;
	hlen = (size_t)(end - c->in) + 4;
	blen = content_length(c->in);
	if (c->inlen < hlen + blen)
		return 0;
	if (sscanf(c->in, "%15s %2047s", method, target) != 2) {
		conn_close(c);
		return -1;
	}
	memmove(c->in, c->in + hlen + blen, c->inlen - hlen - blen);
	c->inlen -= hlen + blen;
	log_request(c->fe, method, target);
	target[strcspn(target, "?")] = '\0';
	r = route_take(c->fe, method, target);
	c->busy = 1;
	if (r->r.delay_ms > 0) {
		c->pending = r;
		ev_timer_set(&c->delay, r->r.delay_ms / 1000., 0.);
		ev_timer_start(c->fe->loop, &c->delay);
		return 0;
	}
	return conn_reply(c, r);
}

static void
on_conn_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fe_conn	*c = w->data;
	ssize_t		 n;

	(void)loop;
	(void)revents;
	if (c->inlen + 1 >= sizeof(c->in)) {
		conn_close(c);
		return;
	}
	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->inlen += (size_t)n;
	conn_serve(c);
}

static void
on_conn_write(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	conn_flush(w->data);
}

static void
on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fake_engine	*fe = w->data;
	struct fe_conn		*c;
	int			 fd;

	(void)revents;
	if ((fd = accept4(fe->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		abort();
	c->fe = fe;
	c->fd = fd;
	ev_io_init(&c->rio, on_conn_read, fd, EV_READ);
	c->rio.data = c;
	ev_io_init(&c->wio, on_conn_write, fd, EV_WRITE);
	c->wio.data = c;
	ev_timer_init(&c->delay, on_delay, 0., 0.);
	c->delay.data = c;
	TAILQ_INSERT_TAIL(&fe->conns, c, entry);
	ev_io_start(loop, &c->rio);
}

/* ---- the engine --------------------------------------------------------- */

int
fake_engine_accept(struct fake_engine *fe, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;

	if (fe->lfd != -1)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, fe->path, sizeof(sun.sun_path) - 1);
	unlink(fe->path);
	if ((fe->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fe->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fe->lfd, 64) == -1) {
		snprintf(err, errlen, "%s: %s", fe->path, strerror(errno));
		if (fe->lfd != -1)
			close(fe->lfd);
		fe->lfd = -1;
		return -1;
	}
	ev_io_init(&fe->lio, on_accept, fe->lfd, EV_READ);
	fe->lio.data = fe;
	ev_io_start(fe->loop, &fe->lio);
	return 0;
}

void
fake_engine_drop_all(struct fake_engine *fe)
{
	while (!TAILQ_EMPTY(&fe->conns))
		conn_close(TAILQ_FIRST(&fe->conns));
}

void
fake_engine_refuse(struct fake_engine *fe)
{
	fake_engine_drop_all(fe);
	if (fe->lfd == -1)
		return;
	ev_io_stop(fe->loop, &fe->lio);
	close(fe->lfd);
	fe->lfd = -1;
}

struct fake_engine *
fake_engine_new(struct ev_loop *loop, char *err, size_t errlen)
{
	struct fake_engine	*fe;

	if ((fe = calloc(1, sizeof(*fe))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fe->loop = loop;
	fe->lfd = -1;
	STAILQ_INIT(&fe->routes);
	STAILQ_INIT(&fe->log);
	TAILQ_INIT(&fe->conns);
	snprintf(fe->dir, sizeof(fe->dir), "/tmp/fake-engine.XXXXXX");
	if (mkdtemp(fe->dir) == NULL) {
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		free(fe);
		return NULL;
	}
	snprintf(fe->path, sizeof(fe->path), "%s/docker.sock", fe->dir);
	snprintf(fe->host, sizeof(fe->host), "unix://%s", fe->path);
	if (fake_engine_accept(fe, err, errlen) == -1) {
		rmdir(fe->dir);
		free(fe);
		return NULL;
	}
	return fe;
}

static void
reply_free(struct fe_reply *r)
{
	free(r->headers);
	free(r->body);
	free(r);
}

void
fake_engine_clear(struct fake_engine *fe)
{
	struct fe_route	*rt;
	struct fe_reply	*r;
	struct fe_conn	*c;

	/* A delayed reply must not outlive its route. */
	TAILQ_FOREACH(c, &fe->conns, entry)
		if (c->pending != NULL && c->pending != &no_route)
			c->pending = &no_route;
	while ((rt = STAILQ_FIRST(&fe->routes)) != NULL) {
		STAILQ_REMOVE_HEAD(&fe->routes, entry);
		while ((r = STAILQ_FIRST(&rt->replies)) != NULL) {
			STAILQ_REMOVE_HEAD(&rt->replies, entry);
			reply_free(r);
		}
		while ((r = STAILQ_FIRST(&rt->spent)) != NULL) {
			STAILQ_REMOVE_HEAD(&rt->spent, entry);
			reply_free(r);
		}
		free(rt->method);
		free(rt->pattern);
		free(rt);
	}
}

void
fake_engine_free(struct fake_engine *fe)
{
	struct fe_req	*q;

	if (fe == NULL)
		return;
	fake_engine_refuse(fe);
	fake_engine_clear(fe);
	while ((q = STAILQ_FIRST(&fe->log)) != NULL) {
		STAILQ_REMOVE_HEAD(&fe->log, entry);
		free(q->method);
		free(q->path);
		free(q->target);
		free(q);
	}
	unlink(fe->path);
	rmdir(fe->dir);
	free(fe);
}

const char *
fake_engine_path(const struct fake_engine *fe)
{
	return fe->path;
}

const char *
fake_engine_host(const struct fake_engine *fe)
{
	return fe->host;
}

void
fake_engine_reply(struct fake_engine *fe, const char *method,
    const char *pattern, const struct fake_reply *reply)
{
	struct fe_route	*rt;
	struct fe_reply	*r;

	STAILQ_FOREACH(rt, &fe->routes, entry)
		if (strcmp(rt->method, method) == 0 &&
		    strcmp(rt->pattern, pattern) == 0)
			break;
	if (rt == NULL) {
		if ((rt = calloc(1, sizeof(*rt))) == NULL)
			abort();
		rt->method = strdup(method);
		rt->pattern = strdup(pattern);
		STAILQ_INIT(&rt->replies);
		STAILQ_INIT(&rt->spent);
		STAILQ_INSERT_TAIL(&fe->routes, rt, entry);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		abort();
	r->r = *reply;
	r->r.headers = r->headers = dup_or_null(reply->headers);
	if (reply->body != NULL) {
		r->r.body_len = reply->body_len > 0 ? reply->body_len :
		    strlen(reply->body);
		if ((r->body = malloc(r->r.body_len + 1)) == NULL)
			abort();
		memcpy(r->body, reply->body, r->r.body_len);
		r->body[r->r.body_len] = '\0';
		r->r.body = r->body;
	}
	STAILQ_INSERT_TAIL(&rt->replies, r, entry);
}

void
fake_engine_json(struct fake_engine *fe, const char *method,
    const char *pattern, int status, const char *body)
{
	struct fake_reply	 r = { .status = status, .body = body };

	fake_engine_reply(fe, method, pattern, &r);
}

static int
req_matches(const struct fe_req *q, const char *method, const char *pattern)
{
	return (method == NULL || strcmp(q->method, method) == 0) &&
	    fnmatch(pattern, q->path, 0) == 0;
}

unsigned
fake_engine_count(const struct fake_engine *fe, const char *method,
    const char *pattern)
{
	const struct fe_req	*q;
	unsigned		 n = 0;

	STAILQ_FOREACH(q, &fe->log, entry)
		if (req_matches(q, method, pattern))
			n++;
	return n;
}

const char *
fake_engine_last(const struct fake_engine *fe, const char *method,
    const char *pattern)
{
	const struct fe_req	*q;
	const char		*last = NULL;

	STAILQ_FOREACH(q, &fe->log, entry)
		if (req_matches(q, method, pattern))
			last = q->target;
	return last;
}

/* Writes a chunk, or the last chunk (data NULL), to every open stream. */
static unsigned
streams_write(struct fake_engine *fe, const char *data, size_t len)
{
	struct fe_conn	*c, *next;
	unsigned	 n = 0;

	for (c = TAILQ_FIRST(&fe->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->streaming || c->close_after)
			continue;
		if (data != NULL)
			conn_chunk(c, data, len);
		else {
			conn_queue(c, "0\r\n\r\n", 5);
			c->close_after = 1;
		}
		n++;
		conn_flush(c);
	}
	return n;
}

unsigned
fake_engine_stream_send(struct fake_engine *fe, const char *data, size_t len)
{
	return data != NULL && len > 0 ? streams_write(fe, data, len) : 0;
}

unsigned
fake_engine_stream_end(struct fake_engine *fe)
{
	return streams_write(fe, NULL, 0);
}

unsigned
fake_engine_stream_burst(struct fake_engine *fe, fake_line_fn *fn, void *arg,
    unsigned long n)
{
	struct fe_conn	*c, *next;
	unsigned	 streams = 0;

	for (c = TAILQ_FIRST(&fe->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->streaming || c->close_after)
			continue;
		conn_big_sndbuf(c);
		conn_lines(c, fn, arg, 0, n);
		streams++;
		conn_flush(c);
	}
	return streams;
}

void
fake_engine_stream_flood(struct fake_engine *fe, fake_line_fn *fn, void *arg)
{
	struct fe_conn	*c, *next;

	fe->flood = fn;
	fe->flood_arg = arg;
	for (c = TAILQ_FIRST(&fe->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->streaming && !c->close_after) {
			conn_big_sndbuf(c);
			conn_flush(c);
		}
	}
}

void
fake_engine_stream_flood_stop(struct fake_engine *fe)
{
	fe->flood = NULL;
	fe->flood_arg = NULL;
}

unsigned long
fake_engine_flood_lines(const struct fake_engine *fe)
{
	return fe->lines_sent;
}

unsigned
fake_engine_streams(const struct fake_engine *fe)
{
	const struct fe_conn	*c;
	unsigned		 n = 0;

	TAILQ_FOREACH(c, &fe->conns, entry)
		if (c->streaming && !c->close_after)
			n++;
	return n;
}

unsigned
fake_engine_connections(const struct fake_engine *fe)
{
	const struct fe_conn	*c;
	unsigned		 n = 0;

	TAILQ_FOREACH(c, &fe->conns, entry)
		n++;
	return n;
}

/* ---- running the loop ------------------------------------------------------ */

static void
on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	*(int *)w->data = 1;
}

int
fake_run_until(struct ev_loop *loop, int (*cond)(void *), void *arg,
    double timeout)
{
	ev_timer	 t;
	int		 expired = 0, ok;

	ev_now_update(loop);
	ev_timer_init(&t, on_deadline, timeout, 0.);
	t.data = &expired;
	ev_timer_start(loop, &t);
	while (!expired && (cond == NULL || !cond(arg)))
		ev_run(loop, EVRUN_ONCE);
	ok = cond == NULL || cond(arg);
	ev_timer_stop(loop, &t);
	return ok;
}
