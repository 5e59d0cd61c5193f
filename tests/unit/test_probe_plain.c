/*
 * The plain-http probe (probe_plain.c) against libcurl's (probe_http.c):
 * every check runs through both paths against the same scripted server
 * on a real socket, and the results must agree field by field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "check/probe.h"

#define S(s)	((char *)(uintptr_t)(s))

/* What the server does once it has the request (or at once). */
enum after {
	AFTER_CLOSE,		/* send the answer, FIN */
	AFTER_RESET,		/* send the answer, RST */
	AFTER_HANG,		/* send the answer, keep the connection */
	AFTER_ENDLESS,		/* the answer, then `fill` forever */
	AFTER_DRIP,		/* the answer a byte every 20 ms */
};

struct route {
	const char	*path;		/* request line's target */
	const char	*resp;		/* may hold %u: the server's port */
	enum after	 after;
	int		 early;		/* act before reading the request */
	size_t		 big;		/* then this many bytes of `fill` */
	const char	*fill;
};

struct server {
	struct ev_loop		*loop;
	ev_io			 lio;
	int			 fd;
	uint16_t		 port;
	const struct route	*routes;
	unsigned		 served;
	char			 last[8192];	/* the last request */
};

struct conn {
	ev_io			 io;
	ev_timer		 drip;
	struct server		*srv;
	const struct route	*rt;
	char			 in[8192];
	size_t			 inlen;
	char			*out;
	size_t			 outlen, off;
	size_t			 big;		/* fill bytes still to send */
	int			 writing;
};

static void
conn_close(struct conn *c, int rst)
{
	struct linger	 lg = { 1, 0 };

	ev_io_stop(c->srv->loop, &c->io);
	ev_timer_stop(c->srv->loop, &c->drip);
	if (rst)
		setsockopt(c->io.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->io.fd);
	free(c->out);
	free(c);
}

/* Sends what it can; 1 when all of the answer (and fill) is out. */
static int
pump(struct conn *c)
{
	ssize_t		 n;
	size_t		 k;

	for (;;) {
		if (c->off == c->outlen) {
			if (c->rt->after == AFTER_ENDLESS)
				c->big = SIZE_MAX;
			if (c->big == 0)
				return 1;
			k = strlen(c->rt->fill);
			memcpy(c->out, c->rt->fill, k);
			c->outlen = k;
			c->off = 0;
			if (c->big != SIZE_MAX)
				c->big = c->big > k ? c->big - k : 0;
		}
		n = send(c->io.fd, c->out + c->off, c->outlen - c->off,
		    MSG_NOSIGNAL);
		if (n <= 0)
			return n == -1 && errno == EAGAIN ? 0 : -1;
		c->off += (size_t)n;
	}
}

static void conn_cb(struct ev_loop *, ev_io *, int);

static void
finish(struct conn *c)
{
	switch (c->rt->after) {
	case AFTER_CLOSE:
		conn_close(c, 0);
		break;
	case AFTER_RESET:
		conn_close(c, 1);
		break;
	default:
		/* Hang: read and drop whatever comes, until the client goes. */
		c->writing = 0;
		ev_io_stop(c->srv->loop, &c->io);
		ev_io_set(&c->io, c->io.fd, EV_READ);
		ev_io_start(c->srv->loop, &c->io);
		break;
	}
}

static void
drip_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn	*c = w->data;

	(void)loop;
	(void)revents;
	if (c->off < c->outlen &&
	    send(c->io.fd, c->out + c->off++, 1, MSG_NOSIGNAL) != 1)
		conn_close(c, 0);
}

/* resp with its "%u" (if any) the server's port. */
static size_t
with_port(char *out, size_t cap, const char *resp, uint16_t port)
{
	const char	*u = strstr(resp, "%u");

	if (u == NULL)
		return (size_t)snprintf(out, cap, "%s", resp);
	return (size_t)snprintf(out, cap, "%.*s%u%s", (int)(u - resp), resp,
	    (unsigned)port, u + 2);
}

static void
respond(struct conn *c)
{
	size_t	 cap = strlen(c->rt->resp) + 64;
	size_t	 k = c->rt->fill != NULL ? strlen(c->rt->fill) : 0;
	int	 rc;

	c->srv->served++;
	c->out = malloc(cap > k ? cap : k);
	assert_non_null(c->out);
	c->outlen = with_port(c->out, cap, c->rt->resp, c->srv->port);
	c->big = c->rt->big;
	if (c->rt->after == AFTER_DRIP) {
		ev_timer_init(&c->drip, drip_cb, 0.02, 0.02);
		c->drip.data = c;
		ev_timer_start(c->srv->loop, &c->drip);
		c->writing = 0;
		finish(c);
		return;
	}
	if ((rc = pump(c)) == 1) {
		finish(c);
		return;
	}
	if (rc == -1) {
		conn_close(c, 0);
		return;
	}
	c->writing = 1;
	ev_io_stop(c->srv->loop, &c->io);
	ev_io_set(&c->io, c->io.fd, EV_WRITE);
	ev_io_start(c->srv->loop, &c->io);
}

static const struct route *
route_of(const struct server *srv, const char *req)
{
	const struct route	*r;
	const char		*sp = strchr(req, ' ');
	size_t			 n;

	for (r = srv->routes; sp != NULL && r->path != NULL; r++) {
		n = strlen(r->path);
		if (strncmp(sp + 1, r->path, n) == 0 && sp[1 + n] == ' ')
			return r;
	}
	return NULL;
}

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = (struct conn *)w;
	ssize_t		 n;
	int		 rc;

	(void)loop;
	(void)revents;
	if (c->writing) {
		if ((rc = pump(c)) == 1)
			finish(c);
		else if (rc == -1)
			conn_close(c, 0);
		return;
	}
	n = recv(w->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, 0);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		conn_close(c, 0);
		return;
	}
	if (c->rt != NULL)
		return;		/* hanging: drop it */
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (strstr(c->in, "\r\n\r\n") == NULL)
		return;
	snprintf(c->srv->last, sizeof(c->srv->last), "%s", c->in);
	if ((c->rt = route_of(c->srv, c->in)) == NULL) {
		c->rt = &c->srv->routes[0];
		fail_msg("no route for %s", c->in);
	}
	respond(c);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct server	*srv = w->data;
	struct conn	*c;
	int		 fd;

	(void)revents;
	if ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->srv = srv;
	ev_io_init(&c->io, conn_cb, fd, EV_READ);
	ev_init(&c->drip, drip_cb);
	ev_io_start(loop, &c->io);
	/* The first route with `early` acts on every connection at once. */
	if (srv->routes[0].early) {
		c->rt = &srv->routes[0];
		respond(c);
	}
}

static int
listen_any(uint16_t *port)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);
	int			 fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 64), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

/* On ::1; -1 if this machine has no IPv6 loopback. */
static int
listen_any6(uint16_t *port)
{
	struct sockaddr_in6	 a;
	socklen_t		 len = sizeof(a);
	int			 fd;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(fd, 64) == -1) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin6_port);
	return fd;
}

static void
server_start(struct server *srv, struct ev_loop *loop,
    const struct route *routes, int v6)
{
	memset(srv, 0, sizeof(*srv));
	srv->loop = loop;
	srv->routes = routes;
	srv->fd = v6 ? listen_any6(&srv->port) : listen_any(&srv->port);
	if (srv->fd < 0)
		return;
	ev_io_init(&srv->lio, accept_cb, srv->fd, EV_READ);
	srv->lio.data = srv;
	ev_io_start(loop, &srv->lio);
}

static void
server_stop(struct server *srv)
{
	if (srv->fd < 0)
		return;
	ev_io_stop(srv->loop, &srv->lio);
	close(srv->fd);
}

/* ---- one check through both paths -------------------------------------- */

struct one {
	int			 done;
	struct probe_result	 r;
};

static void
one_done(void *arg, const struct probe_result *r)
{
	struct one	*o = arg;

	o->done++;
	o->r = *r;
}

struct world {
	struct probe_env	 env;
	struct server		 srv;
	struct server		 srv6;		/* fd -1: no IPv6 here */
};

struct check {
	const char	*path;
	const char	*method;	/* NULL: GET */
	const char	*status;	/* expect_status */
	const char	*body;		/* expect_body */
	int		 regex;
	uint64_t	 timeout_ms;
	uint16_t	 port;		/* 0: the server's */
	int		 v6;		/* to the server on ::1 */
	const char	*host;		/* Host header */
	const char	*headers[4];	/* "Name: value" */
};

static void
spec_of(struct checkspec *s, const struct check *c)
{
	char	 err[256];

	checkspec_init(s);
	s->kind = CHECKSPEC_HTTP;
	s->port = 80;
	s->target = CHECKSPEC_TARGET_HOST;
	s->path = S(c->path);
	s->method = S(c->method != NULL ? c->method : "GET");
	assert_int_equal(checkspec_status_parse(c->status != NULL ? c->status :
	    "200", s->status, CHECKSPEC_STATUS_MAX, &s->nstatus, err,
	    sizeof(err)), 0);
	if (c->body != NULL) {
		s->body = S(c->body);
		s->body_regex = c->regex;
		if (c->regex)
			assert_int_equal(checkspec_regex_compile(c->body,
			    &s->re, err, sizeof(err)), 0);
	}
	s->timeout_ms = c->timeout_ms != 0 ? c->timeout_ms : 1000;
	s->host = S(c->host);
	for (s->nheaders = 0; s->nheaders < 4 && c->headers[s->nheaders] != NULL;)
		s->nheaders++;
	s->headers = s->nheaders > 0 ? (char **)(uintptr_t)c->headers : NULL;
}

static void
run_one(struct world *w, const struct check *c, int plain, struct one *o,
    unsigned *served, char *req, size_t reqlen)
{
	struct checkspec	 s;
	struct probe_target	 t;
	struct docker_port	 port = { 80, "tcp", "127.0.0.1", 0 };
	struct docker_inspect	 d;
	struct server		*srv = c->v6 ? &w->srv6 : &w->srv;
	char			 err[256];
	double			 end = ev_time() + 10;
	void			*p;

	if (c->v6)
		snprintf(port.host_ip, sizeof(port.host_ip), "::");
	port.host_port = c->port != 0 ? c->port : srv->port;
	memset(&d, 0, sizeof(d));
	d.ports = &port;
	d.nports = 1;
	spec_of(&s, c);
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), 0);
	memset(o, 0, sizeof(*o));
	srv->served = 0;
	p = plain ? (void *)probe_plain_start(&w->env, &s, &t, one_done, o,
	    err, sizeof(err)) : (void *)probe_http_start(&w->env, &s, &t,
	    one_done, o, err, sizeof(err));
	assert_non_null(p);
	/* Never from inside start. */
	assert_int_equal(o->done, 0);
	while (!o->done && ev_time() < end)
		ev_run(w->env.loop, EVRUN_ONCE);
	assert_int_equal(o->done, 1);
	/* Let the server see the close before the next check. */
	for (end = ev_time() + 0.02; ev_time() < end;)
		ev_run(w->env.loop, EVRUN_NOWAIT);
	*served = srv->served;
	snprintf(req, reqlen, "%s", srv->last);
	srv->last[0] = '\0';
	checkspec_regex_free(s.re);
}

/* The numbers of elapsed time in libcurl's words vary from run to run. */
static void
normalize(const char *in, char *out, size_t outlen)
{
	size_t	 i = 0, o = 0;

	while (in[i] != '\0' && o + 2 < outlen) {
		if (strncmp(in + i, "after ", 6) == 0 &&
		    isdigit((unsigned char)in[i + 6])) {
			memcpy(out + o, "after N", 7);
			o += 7;
			for (i += 6; isdigit((unsigned char)in[i]); i++)
				;
			continue;
		}
		out[o++] = in[i++];
	}
	out[o] = '\0';
}

/*
 * The same request line and headers, in any order; the plain path adds
 * only Connection: close.
 */
static void
same_request(const char *curl, const char *plain)
{
	char		 a[8192], b[8192], *line, *save = NULL;
	const char	*close = "Connection: close\r\n";
	char		*at;
	size_t		 n;

	snprintf(a, sizeof(a), "%s", curl);
	snprintf(b, sizeof(b), "%s", plain);
	if (a[0] == '\0' && b[0] == '\0')
		return;
	at = strstr(b, close);
	assert_non_null(at);
	memmove(at, at + strlen(close), strlen(at + strlen(close)) + 1);
	assert_int_equal(strlen(a), strlen(b));
	for (line = strtok_r(a, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n = strlen(line);
		if ((at = strstr(b, line)) == NULL || at[n] != '\n')
			fail_msg("plain request lacks \"%s\":\n%s", line, plain);
	}
}

/* Both paths; their results must be the same. The plain one's is kept. */
static void
both(struct world *w, const struct check *c, struct one *o)
{
	struct one	 a, b;
	unsigned	 sa, sb;
	char		 ma[PROBE_MSG_MAX], mb[PROBE_MSG_MAX];
	char		 ra[8192], rb[8192];
	double		 slack;

	run_one(w, c, 0, &a, &sa, ra, sizeof(ra));
	run_one(w, c, 1, &b, &sb, rb, sizeof(rb));
	same_request(ra, rb);
	normalize(a.r.msg, ma, sizeof(ma));
	normalize(b.r.msg, mb, sizeof(mb));
	print_message("  %-14s curl: %s %ld \"%s\" %.3fs | plain: %s %ld \"%s\" %.3fs\n",
	    c->path, probe_class_name(a.r.cls), a.r.http_status, a.r.msg,
	    a.r.duration, probe_class_name(b.r.cls), b.r.http_status, b.r.msg,
	    b.r.duration);
	assert_string_equal(probe_class_name(b.r.cls), probe_class_name(a.r.cls));
	assert_int_equal(b.r.http_status, a.r.http_status);
	assert_string_equal(mb, ma);
	assert_int_equal(sb, sa);
	/*
	 * Timeouts take the timeout on both; the rest a moment, give or
	 * take what a loaded machine adds to the longer ones.
	 */
	slack = a.r.cls == PROBE_TIMEOUT ? 0.1 : 0.1 +
	    (a.r.duration > b.r.duration ? a.r.duration : b.r.duration) / 2;
	assert_true(b.r.duration - a.r.duration < slack &&
	    a.r.duration - b.r.duration < slack);
	*o = b;
}

static void
world_init(struct world *w, const struct route *routes, size_t body_max)
{
	char	 err[256];

	memset(w, 0, sizeof(*w));
	w->env.loop = ev_loop_new(EVFLAG_AUTO);
	w->env.curlev = curlev_new(w->env.loop, err, sizeof(err));
	w->env.netns = netns_new("/proc", err, sizeof(err));
	w->env.body_max = body_max;
	assert_non_null(w->env.curlev);
	assert_non_null(w->env.netns);
	assert_non_null(w->env.http_pool = probe_http_pool_new());
	server_start(&w->srv, w->env.loop, routes, 0);
	server_start(&w->srv6, w->env.loop, routes, 1);
}

static void
world_free(struct world *w)
{
	server_stop(&w->srv);
	server_stop(&w->srv6);
	ev_run(w->env.loop, EVRUN_NOWAIT);
	curlev_free(w->env.curlev);
	probe_http_pool_free(w->env.http_pool);
	netns_free(w->env.netns);
	ev_loop_destroy(w->env.loop);
}

#define OK200(b)	"HTTP/1.1 200 OK\r\nContent-Length: " #b "\r\n\r\n"

static const struct route routes[] = {
	{ "/ok", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", AFTER_CLOSE, 0, 0, NULL },
	{ "/404", "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", AFTER_CLOSE, 0, 0, NULL },
	{ "/r", "HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/rel", "HTTP/1.1 301 Moved\r\nLocation: ok\r\nContent-Length: 3\r\n\r\nabc", AFTER_CLOSE, 0, 0, NULL },
	{ "/rel2", "HTTP/1.1 301 Moved\r\nLocation: ok\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/abs", "HTTP/1.1 307 Temp\r\nLocation: http://127.0.0.1:%u/ok?x=1\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/ok?x=1", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes", AFTER_CLOSE, 0, 0, NULL },
	{ "/two-loc", "HTTP/1.1 302 Found\r\nLocation: /ok\r\nLocation: http://10.0.0.1:9/evil\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/two-loc2", "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1:9/evil\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/x", "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1:9/evil\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/xname", "HTTP/1.1 302 Found\r\nLocation: http://localhost:%u/ok\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/xs", "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1:%u/ok\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/loop", "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/noloc", "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n7;ext=1\r\n, READY\r\n0\r\nX-T: 1\r\n\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/cl-close", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nall is READY", AFTER_CLOSE, 0, 0, NULL },
	{ "/eof-body", "HTTP/1.1 200 OK\r\n\r\nuntil the close: READY", AFTER_CLOSE, 0, 0, NULL },
	{ "/long", "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n0123456789abcdefREADY-0123456789abcdefgh", AFTER_HANG, 0, 0, NULL },
	{ "/early", "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n0123456789READY-tail-0123456789abcdefghi", AFTER_HANG, 0, 0, NULL },
	{ "/aaa", "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\naaaaaaaaaaaaaaa!", AFTER_CLOSE, 0, 0, NULL },
	{ "/hang", "", AFTER_HANG, 0, 0, NULL },
	{ "/hang-head", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/hang-body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", AFTER_HANG, 0, 0, NULL },
	{ "/hang-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/empty", "", AFTER_CLOSE, 0, 0, NULL },
	{ "/reset", "", AFTER_RESET, 0, 0, NULL },
	{ "/reset-mid", "HTTP/1.1 200 OK\r\nContent-Le", AFTER_RESET, 0, 0, NULL },
	{ "/trunc-cl", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", AFTER_CLOSE, 0, 0, NULL },
	{ "/trunc-head", "HTTP/1.1 200 OK\r\nContent-Le", AFTER_CLOSE, 0, 0, NULL },
	{ "/trunc-status", "HTTP/1.1 200 O", AFTER_CLOSE, 0, 0, NULL },
	{ "/trunc-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/204", "HTTP/1.1 204 No Content\r\n\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", AFTER_CLOSE, 0, 0, NULL },
	{ "/head", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/endless", "HTTP/1.1 200 OK\r\n\r\n", AFTER_ENDLESS, 0, 0, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "/endless-cl", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", AFTER_ENDLESS, 0, 0, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" },
	{ "/huge-head", "HTTP/1.1 200 OK\r\n", AFTER_CLOSE, 0, 300000, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" },
	{ "/huge-line", "HTTP/1.1 200 OK\r\nX-Filler: ", AFTER_CLOSE, 0, 300000, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "/slowloris", "HTTP/1.1 200 OK\r\nX-A: b\r\nX-C: d\r\nX-E: f\r\nX-G: h\r\n\r\n", AFTER_DRIP, 0, 0, NULL },
	{ "/chunk-hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/chunk-long", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\nabc\r\n0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/chunk-crlf", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/ssh", "SSH-2.0-OpenSSH_9.2\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/garbage", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/short-status", "HTTP/1.1 20\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/version", "HTTP/9.9 200 OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/code4", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/code-x", "HTTP/1.1 200X\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/code-sp", "HTTP/1.1   404 OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/code-neg", "HTTP/1.1 -20 OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/http2", "HTTP/2 200\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/http10", "HTTP/1.0 200 OK\r\n\r\nold", AFTER_CLOSE, 0, 0, NULL },
	{ "/tab", "HTTP/1.1\t200 OK\r\nContent-Length: 0\r\n\r\n", AFTER_CLOSE, 0, 0, NULL },
	{ "/lf", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", AFTER_CLOSE, 0, 0, NULL },
	{ "/neg-cl", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nabc", AFTER_CLOSE, 0, 0, NULL },
	{ "/big-cl", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nabc", AFTER_CLOSE, 0, 0, NULL },
	{ "/two-cl", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 50\r\n\r\nabc", AFTER_CLOSE, 0, 0, NULL },
	{ "/cl-chunked", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", AFTER_HANG, 0, 0, NULL },
	{ "/bad-cl", "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\nabc", AFTER_CLOSE, 0, 0, NULL },
	{ NULL, NULL, 0, 0, 0, NULL }
};

static void
expect(struct world *w, const struct check *c, enum probe_class cls,
    long status)
{
	struct one	 o;

	both(w, c, &o);
	assert_string_equal(probe_class_name(o.r.cls), probe_class_name(cls));
	assert_int_equal(o.r.http_status, status);
}

static void
test_answers(void **state)
{
	struct world	 w;
	struct one	 o;

	(void)state;
	world_init(&w, routes, 16);
	expect(&w, &(struct check){ .path = "/ok" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/404" }, PROBE_STATUS, 404);
	expect(&w, &(struct check){ .path = "/404", .status = "404" }, PROBE_OK, 404);
	/* Redirects: same origin followed (relative, absolute), others judged. */
	expect(&w, &(struct check){ .path = "/r" }, PROBE_OK, 200);
	/*
	 * libcurl knows where a redirect goes only once it has read the
	 * whole answer: one with a body nobody needs is judged as it is.
	 */
	expect(&w, &(struct check){ .path = "/rel" }, PROBE_STATUS, 301);
	expect(&w, &(struct check){ .path = "/rel2" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/abs", .body = "yes" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/x" }, PROBE_STATUS, 302);
	expect(&w, &(struct check){ .path = "/x", .status = "200-399" }, PROBE_OK, 302);
	expect(&w, &(struct check){ .path = "/xname" }, PROBE_STATUS, 302);
	expect(&w, &(struct check){ .path = "/xs" }, PROBE_STATUS, 302);
	both(&w, &(struct check){ .path = "/loop" }, &o);
	assert_int_equal(o.r.cls, PROBE_STATUS);
	expect(&w, &(struct check){ .path = "/noloc" }, PROBE_STATUS, 302);
	expect(&w, &(struct check){ .path = "/two-loc" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/two-loc2" }, PROBE_STATUS, 302);
	/* Bodies: chunked, Content-Length, until the close; substring and regex. */
	expect(&w, &(struct check){ .path = "/chunked", .body = "READY" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/chunked", .body = "^hello, READY$",
	    .regex = 1 }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/chunked", .body = "lo, R" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/chunked", .body = "nope" }, PROBE_BODY, 200);
	expect(&w, &(struct check){ .path = "/chunked" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/cl-close", .body = "READY$",
	    .regex = 1 }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/eof-body", .body = "READY" }, PROBE_BODY, 200);
	expect(&w, &(struct check){ .path = "/eof-body", .body = "close" }, PROBE_OK, 200);
	/* body_max (16): what comes after is never seen. */
	expect(&w, &(struct check){ .path = "/long", .body = "READY" }, PROBE_BODY, 200);
	expect(&w, &(struct check){ .path = "/early", .body = "READY" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/early", .body = "^0123456789READY-$",
	    .regex = 1 }, PROBE_OK, 200);
	/* A regex that reaches its limits is a body that does not match. */
	expect(&w, &(struct check){ .path = "/aaa", .body = "(a|a|a|a)+$",
	    .regex = 1 }, PROBE_BODY, 200);
	/* No body: 204, HEAD; a 100 Continue before the answer. */
	expect(&w, &(struct check){ .path = "/204", .status = "204" }, PROBE_OK, 204);
	expect(&w, &(struct check){ .path = "/204", .status = "204", .body = "x" },
	    PROBE_BODY, 204);
	expect(&w, &(struct check){ .path = "/head", .method = "HEAD" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/100", .status = "201", .body = "ok" },
	    PROBE_OK, 201);
	expect(&w, &(struct check){ .path = "/ok", .method = "POST" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/ok", .method = "OPTIONS" }, PROBE_OK, 200);
	/* The check's Host and headers: replacing libcurl's own, or removing. */
	expect(&w, &(struct check){ .path = "/ok", .host = "web.example:8080",
	    .headers = { "X-Probe: 1", "Authorization: Bearer t" } }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/ok", .headers = { "User-Agent: me",
	    "Accept: text/plain" } }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/r", .host = "web",
	    .headers = { "X-Probe: 1" } }, PROBE_OK, 200);
	world_free(&w);
}

static void
full_queue(struct world *w)
{
	struct sockaddr_in	 a;
	uint16_t		 port;
	int			 fd, c[4], i;

	fd = listen_any(&port);
	assert_int_equal(listen(fd, 0), 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	for (i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)connect(c[i], (struct sockaddr *)&a, sizeof(a));
	}
	expect(w, &(struct check){ .path = "/ok", .port = port,
	    .timeout_ms = 200 }, PROBE_TIMEOUT, 0);
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(fd);
}

static void
test_faults(void **state)
{
	struct world	 w;
	struct one	 o;
	uint16_t	 closed;
	int		 fd;

	(void)state;
	world_init(&w, routes, 16);
	expect(&w, &(struct check){ .path = "/hang", .timeout_ms = 200 }, PROBE_TIMEOUT, 0);
	expect(&w, &(struct check){ .path = "/hang-head", .timeout_ms = 200,
	    .body = "x" }, PROBE_TIMEOUT, 0);
	expect(&w, &(struct check){ .path = "/hang-body", .timeout_ms = 200,
	    .body = "x" }, PROBE_TIMEOUT, 0);
	expect(&w, &(struct check){ .path = "/hang-chunk", .timeout_ms = 200,
	    .body = "x" }, PROBE_TIMEOUT, 0);
	/* Without expect_body the first body byte is enough. */
	expect(&w, &(struct check){ .path = "/hang-body", .timeout_ms = 200 }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/empty" }, PROBE_RESET, 0);
	expect(&w, &(struct check){ .path = "/reset" }, PROBE_RESET, 0);
	expect(&w, &(struct check){ .path = "/reset-mid" }, PROBE_RESET, 0);
	expect(&w, &(struct check){ .path = "/trunc-cl", .body = "x" }, PROBE_RESET, 0);
	/* libcurl's: a status line is an answer, however it ends. */
	expect(&w, &(struct check){ .path = "/trunc-head" }, PROBE_OK, 200);
	both(&w, &(struct check){ .path = "/trunc-status" }, &o);
	expect(&w, &(struct check){ .path = "/trunc-chunk", .body = "x" }, PROBE_RESET, 0);
	/*
	 * A full accept queue: the SYN goes unanswered, the probe is still
	 * connecting when its time is up.
	 */
	full_queue(&w);
	/* Nothing listens. */
	fd = listen_any(&closed);
	close(fd);
	expect(&w, &(struct check){ .path = "/ok", .port = closed }, PROBE_REFUSED, 0);
	/* Over IPv6: the Host header bracketed, libcurl's words without. */
	if (w.srv6.fd >= 0) {
		expect(&w, &(struct check){ .path = "/r", .v6 = 1 }, PROBE_OK, 200);
		fd = listen_any6(&closed);
		close(fd);
		expect(&w, &(struct check){ .path = "/ok", .port = closed,
		    .v6 = 1 }, PROBE_REFUSED, 0);
	} else
		print_message("no IPv6 loopback: IPv6 cases skipped\n");
	world_free(&w);
}

static void
longer_head(struct world *w, const char *path)
{
	struct check	 c = { .path = path, .timeout_ms = 2000 };
	struct one	 a, b;
	unsigned	 sa, sb;

	char		 ra[8192], rb[8192];

	run_one(w, &c, 0, &a, &sa, ra, sizeof(ra));
	run_one(w, &c, 1, &b, &sb, rb, sizeof(rb));
	same_request(ra, rb);
	print_message("  %-14s curl: %s %ld \"%s\" | plain: %s %ld \"%s\"\n",
	    path, probe_class_name(a.r.cls), a.r.http_status, a.r.msg,
	    probe_class_name(b.r.cls), b.r.http_status, b.r.msg);
	assert_int_equal(b.r.cls, PROBE_RESET);
	assert_string_equal(b.r.msg,
	    "Too large response headers: more than 16384 bytes");
	assert_true(b.r.duration < 1.0);
}

static void
test_hostile(void **state)
{
	struct world	 w;
	struct one	 o;

	(void)state;
	world_init(&w, routes, 16);
	/* An endless body: read up to what the matchers need, then judged. */
	expect(&w, &(struct check){ .path = "/endless" }, PROBE_OK, 200);
	expect(&w, &(struct check){ .path = "/endless", .body = "READY" }, PROBE_BODY, 200);
	expect(&w, &(struct check){ .path = "/endless-cl", .body = "y{16}",
	    .regex = 1 }, PROBE_OK, 200);
	/*
	 * Headers past 16 KiB, as many lines or as one: refused here;
	 * libcurl 7.88 takes 300 KB of lines (and one line up to 100 KiB).
	 */
	longer_head(&w, "/huge-head");
	longer_head(&w, "/huge-line");
	/* Headers a byte at a time: the timeout still holds. */
	expect(&w, &(struct check){ .path = "/slowloris", .timeout_ms = 300 },
	    PROBE_TIMEOUT, 0);
	/* Broken chunked encoding, non-HTTP bytes, a garbled status line. */
	expect(&w, &(struct check){ .path = "/chunk-hex", .body = "x" }, PROBE_RESET, 0);
	expect(&w, &(struct check){ .path = "/chunk-long", .body = "x" }, PROBE_RESET, 0);
	expect(&w, &(struct check){ .path = "/chunk-crlf", .body = "x" }, PROBE_RESET, 0);
	both(&w, &(struct check){ .path = "/ssh" }, &o);
	assert_int_equal(o.r.cls, PROBE_ERROR);
	both(&w, &(struct check){ .path = "/garbage" }, &o);
	assert_int_not_equal(o.r.cls, PROBE_OK);
	both(&w, &(struct check){ .path = "/short-status" }, &o);
	assert_int_not_equal(o.r.cls, PROBE_OK);
	both(&w, &(struct check){ .path = "/version" }, &o);
	assert_int_not_equal(o.r.cls, PROBE_OK);
	both(&w, &(struct check){ .path = "/code4" }, &o);
	assert_int_equal(o.r.cls, PROBE_ERROR);
	both(&w, &(struct check){ .path = "/code-x" }, &o);
	both(&w, &(struct check){ .path = "/code-sp", .status = "404" }, &o);
	both(&w, &(struct check){ .path = "/code-neg" }, &o);
	both(&w, &(struct check){ .path = "/http2" }, &o);
	both(&w, &(struct check){ .path = "/http10", .body = "old" }, &o);
	both(&w, &(struct check){ .path = "/tab" }, &o);
	both(&w, &(struct check){ .path = "/lf", .body = "ok" }, &o);
	both(&w, &(struct check){ .path = "/bad-cl", .body = "abc" }, &o);
	both(&w, &(struct check){ .path = "/neg-cl", .body = "abc" }, &o);
	assert_int_equal(o.r.cls, PROBE_ERROR);
	both(&w, &(struct check){ .path = "/big-cl", .body = "abc" }, &o);
	both(&w, &(struct check){ .path = "/two-cl", .body = "abc" }, &o);
	both(&w, &(struct check){ .path = "/cl-chunked", .body = "ab" }, &o);
	world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_hostile),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
