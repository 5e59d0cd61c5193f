/*
 * probe_plain: one plain http:// check without libcurl, on the loop, in
 * the shape of probe_tcp.c. Every path ends in exactly one plain_done().
 *
 *   probe_plain_start: request built ─► hop_start
 *   hop_start: netns_socket ─► connect(2), non-blocking; timer armed;
 *        │  send at once (loopback has connected by then)
 *        │  EAGAIN: still connecting     │ refused at once
 *        ▼                               ▼
 *   on_io EV_WRITE (CONNECTING)      timer 0 s ─► on_timer ─► plain_done
 *        │ SO_ERROR == 0
 *        ▼
 *   SENDING: send until the request is out (EV_WRITE)
 *        ▼
 *   READING: recv ─► http_resp_feed (EV_READ)
 *        ├─ fault, recv error, close before the end ──────► plain_done
 *        └─ enough (the end, body_max, or any body byte when
 *           no expect_body) ─► judge
 *              ├─ 3xx same origin, hops and time left ─► hop_start
 *              └─ probe_http_verdict ─────────────────────► plain_done
 *   on_timer (this hop's timeout) ─► plain_done(timeout)
 *
 * What it reports is what probe_http.c reports for the same answer:
 * the same classes, the verdict through probe_http_verdict, libcurl's
 * words for transport faults, redirects resolved and compared by
 * libcurl's URL parser, and every hop's timeout the time left. The
 * socket is closed with SO_LINGER 0, as the other probes do.
 */
#include "check/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/http_resp.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"

#define PLAIN_URL_MAX	2048
#define PLAIN_READ	(16 * 1024)

enum plain_state {
	PL_CONNECTING,
	PL_SENDING,
	PL_READING,
	PL_FINISHING,		/* result pending, delivered by the timer */
};

struct probe_plain {
	ev_io			 io;
	ev_timer		 timer;
	const struct probe_env	*env;
	const struct checkspec	*spec;
	struct probe_target	 t;
	int			 fd;
	enum plain_state	 state;
	struct buf		 req;
	size_t			 sent;
	int			 cerr;		/* connect's errno, for FINISHING */
	struct buf		 body;
	int			 hops;
	double			 t0;		/* monotonic, the probe's start */
	double			 hop0;		/* monotonic, this hop's start */
	char			 url[PLAIN_URL_MAX];
	char			 target[PLAIN_URL_MAX];
	struct probe_result	 res;
	probe_done_cb		*done;
	void			*arg;
	struct http_resp	 resp;		/* last: large */
};

static void
plain_close(struct probe_plain *p)
{
	ev_io_stop(p->env->loop, &p->io);
	ev_timer_stop(p->env->loop, &p->timer);
	probe_socket_close(&p->fd);
}

static void
plain_free(struct probe_plain *p)
{
	plain_close(p);
	buf_free(&p->req);
	buf_free(&p->body);
	free(p);
}

/* The one exit: report, then free. */
static void
plain_done(struct probe_plain *p, enum probe_class cls, long status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
plain_done(struct probe_plain *p, enum probe_class cls, long status,
    const char *fmt, ...)
{
	va_list		 ap;

	plain_close(p);
	p->res.cls = cls;
	p->res.http_status = status;
	p->res.duration = clock_mono() - p->t0;
	va_start(ap, fmt);
	err_vset(p->res.msg, sizeof(p->res.msg), fmt, ap);
	va_end(ap);
	p->done(p->arg, &p->res);
	plain_free(p);
}

/* A socket error as libcurl classes its send and receive failures. */
static enum probe_class
class_of_io(int e)
{
	return e == 0 ? PROBE_RESET : probe_class_of_errno(e);
}

/* The host part of libcurl's messages: without an IPv6 URL's brackets. */
static void
plain_fail_connect(struct probe_plain *p, int e)
{
	const char	*h = p->t.host;
	size_t		 n = strlen(h);
	long		 ms = (long)((clock_mono() - p->hop0) * 1000.0);

	if (h[0] == '[' && n > 1) {
		h++;
		n -= 2;
	}
	plain_done(p, probe_class_of_errno(e), 0, "Failed to connect to %.*s "
	    "port %u after %ld ms: Couldn't connect to server", (int)n, h,
	    p->t.port, ms);
}

static long
ms_left(const struct probe_plain *p)
{
	double	 left = (double)p->spec->timeout_ms - (clock_mono() - p->t0) * 1000.0;

	return left < 1 ? 0 : (long)left;
}

static int
custom_header(const struct checkspec *s, const char *name)
{
	size_t	 i, k = strlen(name);

	for (i = 0; i < s->nheaders; i++)
		if (strncasecmp(s->headers[i], name, k) == 0 &&
		    s->headers[i][k] == ':')
			return 1;
	return 0;
}

/* An empty value removes a header, as libcurl's "Name:" does. */
static int
header_empty(const char *h)
{
	const char	*c = strchr(h, ':');

	if (c == NULL)
		return 0;
	for (c++; *c == ' ' || *c == '\t'; c++)
		;
	return *c == '\0';
}

/* The request libcurl would send, with Connection: close. */
static int
build_request(struct probe_plain *p, char *err, size_t errlen)
{
	const struct checkspec	*s = p->spec;
	const char		*m = s->method != NULL ? s->method : "GET";
	size_t			 i;

	buf_reset(&p->req);
	buf_printf(&p->req, "%s %s HTTP/1.1\r\n", m, p->target);
	if (s->host != NULL)
		buf_printf(&p->req, "Host: %s\r\n", s->host);
	else if (p->t.port == 80)
		buf_printf(&p->req, "Host: %s\r\n", p->t.host);
	else
		buf_printf(&p->req, "Host: %s:%u\r\n", p->t.host, p->t.port);
	if (!custom_header(s, "User-Agent"))
		buf_puts(&p->req, "User-Agent: " PROBE_USER_AGENT "\r\n");
	if (!custom_header(s, "Accept"))
		buf_puts(&p->req, "Accept: */*\r\n");
	for (i = 0; i < s->nheaders; i++)
		if (!header_empty(s->headers[i]))
			buf_printf(&p->req, "%s\r\n", s->headers[i]);
	if (strcmp(m, "POST") == 0)
		buf_puts(&p->req, "Content-Length: 0\r\nContent-Type: "
		    "application/x-www-form-urlencoded\r\n");
	buf_puts(&p->req, "Connection: close\r\n\r\n");
	if (p->req.oom)
		return err_set(err, errlen, "out of memory");
	return 0;
}

static void
watch(struct probe_plain *p, int events)
{
	ev_io_stop(p->env->loop, &p->io);
	ev_io_set(&p->io, p->fd, events);
	ev_io_start(p->env->loop, &p->io);
}

/* Defers a result to the loop, so start never calls back. */
static void
finish_later(struct probe_plain *p, enum probe_class cls, const char *msg)
{
	p->state = PL_FINISHING;
	p->res.cls = cls;
	snprintf(p->res.msg, sizeof(p->res.msg), "%s", msg);
	ev_io_stop(p->env->loop, &p->io);
	ev_timer_stop(p->env->loop, &p->timer);
	ev_timer_set(&p->timer, 0., 0.);
	ev_timer_start(p->env->loop, &p->timer);
}

/* A new connection for the request in p->req; the timer is this hop's. */
static void
hop_start(struct probe_plain *p, long timeout_ms)
{
	char	 err[PROBE_MSG_MAX];
	ssize_t	 n;

	p->hop0 = clock_mono();
	p->sent = 0;
	p->state = PL_CONNECTING;
	buf_reset(&p->body);
	http_resp_init(&p->resp, p->spec->method != NULL &&
	    strcmp(p->spec->method, "HEAD") == 0);
	ev_timer_set(&p->timer, (double)timeout_ms / 1000.0, 0.);
	p->fd = netns_socket(p->env->netns, p->t.nsfd, p->t.addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, err, sizeof(err));
	if (p->fd == -1) {
		finish_later(p, PROBE_ERROR, err);
		return;
	}
	if (connect(p->fd, (const struct sockaddr *)&p->t.addr,
	    p->t.addrlen) == -1 && errno != EINPROGRESS) {
		/* Reported later in the same words as through SO_ERROR. */
		p->cerr = errno;
		finish_later(p, probe_class_of_errno(errno), "");
		return;
	}
	/*
	 * On loopback the handshake is over by the time connect returns:
	 * the request goes out now, and the loop wakes only for the answer.
	 * Still connecting: EAGAIN, and the writable socket says when.
	 */
	if ((n = send(p->fd, p->req.data, p->req.len, MSG_NOSIGNAL)) == -1 &&
	    errno != EAGAIN && errno != EINTR) {
		p->cerr = errno;
		finish_later(p, probe_class_of_errno(errno), "");
		return;
	}
	if (n > 0) {
		p->sent = (size_t)n;
		p->state = p->sent == p->req.len ? PL_READING : PL_SENDING;
	}
	ev_io_set(&p->io, p->fd, p->state == PL_READING ? EV_READ : EV_WRITE);
	ev_io_start(p->env->loop, &p->io);
	ev_timer_start(p->env->loop, &p->timer);
}

/* 1 if the redirect is being followed (the probe lives on). */
static int
follow(struct probe_plain *p)
{
	char	 url[PLAIN_URL_MAX], target[PLAIN_URL_MAX], err[PROBE_MSG_MAX];
	long	 left;

	if (p->hops >= PROBE_REDIRECTS_MAX || !p->resp.has_location ||
	    strlen(p->resp.location) >= sizeof(p->url) ||
	    probe_http_resolve(p->url, p->resp.location, url, sizeof(url),
	    target, sizeof(target)) == -1 ||
	    !probe_http_same_origin(p->url, url) || (left = ms_left(p)) == 0)
		return 0;
	memcpy(p->url, url, sizeof(p->url));
	memcpy(p->target, target, sizeof(p->target));
	p->hops++;
	plain_close(p);
	if (build_request(p, err, sizeof(err)) == -1) {
		plain_done(p, PROBE_ERROR, 0, "redirect: %s", err);
		return 1;
	}
	hop_start(p, left);
	return 1;
}

/*
 * The status and what is needed of the body are in; `whole` if the
 * answer was read to its end. Only then is a redirect followed, as
 * libcurl knows the Location only of a transfer it completed.
 */
static void
judge(struct probe_plain *p, int whole)
{
	char			 msg[PROBE_MSG_MAX];
	enum probe_class	 cls;
	long			 status = p->resp.status;

	if (whole && status >= 300 && status < 400 && follow(p))
		return;
	cls = probe_http_verdict(p->spec, status, p->body.data, p->body.len,
	    msg, sizeof(msg));
	plain_done(p, cls, status, "%s", msg);
}

/* -1 if that was the end of the probe (it is freed). */
static int
plain_connected(struct probe_plain *p)
{
	int	 e = probe_socket_error(p->fd);

	if (e != 0) {
		plain_fail_connect(p, e);
		return -1;
	}
	p->state = PL_SENDING;
	return 0;
}

static void
plain_send(struct probe_plain *p)
{
	ssize_t	 n;

	n = send(p->fd, p->req.data + p->sent, p->req.len - p->sent,
	    MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		plain_done(p, class_of_io(errno), 0, "Send failure: %s",
		    strerror(errno));
		return;
	}
	p->sent += (size_t)n;
	if (p->sent == p->req.len) {
		p->state = PL_READING;
		watch(p, EV_READ);
	}
}

static enum probe_class
class_of_fault(enum http_resp_fault f)
{
	return f == HRF_PROTOCOL ? PROBE_ERROR : PROBE_RESET;
}

/* 1 when the body holds all the matchers need. */
static int
take_body(struct probe_plain *p, const char *b, size_t n)
{
	size_t	 room = p->env->body_max - p->body.len;

	if (n == 0)
		return 0;
	if (p->spec->body == NULL)
		return 1;
	buf_append(&p->body, b, n < room ? n : room);
	return p->body.oom || p->body.len >= p->env->body_max;
}

static void
plain_read(struct probe_plain *p)
{
	char			 in[PLAIN_READ], err[PROBE_MSG_MAX];
	const char		*b;
	size_t			 used = 0, blen;
	ssize_t			 n;
	long			 k;
	enum http_resp_fault	 f;

	n = recv(p->fd, in, sizeof(in), 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		plain_done(p, class_of_io(errno), 0, "Recv failure: %s",
		    strerror(errno));
		return;
	}
	if (n == 0) {
		if (http_resp_eof(&p->resp, &f, err, sizeof(err)) == -1)
			plain_done(p, class_of_fault(f), 0, "%s", err);
		else
			judge(p, 1);
		return;
	}
	while (used < (size_t)n) {
		k = http_resp_feed(&p->resp, in + used, (size_t)n - used, &b,
		    &blen, &f, err, sizeof(err));
		if (k == -1) {
			plain_done(p, class_of_fault(f), 0, "%s", err);
			return;
		}
		used += (size_t)k;
		/* Cut short as libcurl is when its write callback says stop. */
		if (take_body(p, b, blen)) {
			judge(p, 0);
			return;
		}
		if (p->resp.st == HR_DONE) {
			judge(p, 1);
			return;
		}
	}
}

static void
on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe_plain	*p = w->data;

	(void)loop;
	(void)revents;
	switch (p->state) {
	case PL_CONNECTING:
		/* Writable: the request goes out at once. */
		if (plain_connected(p) == 0)
			plain_send(p);
		break;
	case PL_SENDING:
		plain_send(p);
		break;
	case PL_READING:
		plain_read(p);
		break;
	case PL_FINISHING:
		break;
	}
}

static void
on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_plain	*p = w->data;
	char			 msg[sizeof(p->res.msg)];
	long			 ms = (long)((clock_mono() - p->hop0) * 1000.0);

	(void)loop;
	(void)revents;
	if (p->state == PL_FINISHING) {
		if (p->cerr != 0) {
			plain_fail_connect(p, p->cerr);
			return;
		}
		memcpy(msg, p->res.msg, sizeof(msg));
		plain_done(p, p->res.cls, 0, "%s", msg);
		return;
	}
	if (p->state == PL_CONNECTING)
		plain_done(p, PROBE_TIMEOUT, 0, "Connection timed out after "
		    "%ld milliseconds", ms);
	else if (http_resp_have_head(&p->resp) && !p->resp.chunked &&
	    p->resp.clen >= 0)
		plain_done(p, PROBE_TIMEOUT, 0, "Operation timed out after %ld "
		    "milliseconds with %llu out of %lld bytes received", ms,
		    (unsigned long long)p->resp.body_bytes,
		    (long long)p->resp.clen);
	else
		plain_done(p, PROBE_TIMEOUT, 0, "Operation timed out after %ld "
		    "milliseconds with %llu bytes received", ms,
		    (unsigned long long)p->resp.body_bytes);
}

struct probe_plain *
probe_plain_start(const struct probe_env *env, const struct checkspec *spec,
    const struct probe_target *t, probe_done_cb *done, void *arg, char *err,
    size_t errlen)
{
	struct probe_plain	*p;

	if ((p = malloc(sizeof(*p))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	memset(p, 0, offsetof(struct probe_plain, resp));
	p->env = env;
	p->spec = spec;
	p->t = *t;
	p->fd = -1;
	p->done = done;
	p->arg = arg;
	p->t0 = clock_mono();
	p->res.time = ev_now(env->loop);
	buf_init(&p->req);
	buf_init(&p->body);
	ev_io_init(&p->io, on_io, -1, EV_WRITE);
	p->io.data = p;
	ev_timer_init(&p->timer, on_timer, 0., 0.);
	p->timer.data = p;
	if ((size_t)snprintf(p->url, sizeof(p->url), "http://%s:%u%s", t->host,
	    t->port, spec->path) >= sizeof(p->url) ||
	    (size_t)snprintf(p->target, sizeof(p->target), "%s",
	    spec->path) >= sizeof(p->target)) {
		err_set(err, errlen, "URL too long");
		plain_free(p);
		return NULL;
	}
	if (build_request(p, err, errlen) == -1) {
		plain_free(p);
		return NULL;
	}
	hop_start(p, (long)spec->timeout_ms);
	return p;
}

void
probe_plain_cancel(struct probe_plain *p)
{
	if (p != NULL)
		plain_free(p);
}
