/*
 * httpd: the real libmicrohttpd in external epoll mode on a real libev
 * loop, on loopback. Each client runs in a forked child (http_client.h)
 * while this process runs the loop, and so the server:
 *
 *	httpd_start --> hc_run: fork --> ev_run
 *	  ev_io(MHD epoll fd) / ev_timer --> MHD_run --> route --> handler
 *	  the child's pipe closes --> ev_break --> checks on what it saw
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "core/buf.h"
#include "core/log.h"
#include "http/httpd.h"
#include "http/webcfg.h"
#include "http_client.h"

struct ctx {
	int		 released;	/* stream_free calls */
	int		 chunks;	/* pieces the stream reader still gives */
	int		 fail_stream;	/* the reader fails after its pieces */
	char		 seen_header[64];
};

struct fixture {
	struct ev_loop	*loop;
	struct httpd	*httpd;
	struct ctx	 ctx;
	int		 port;
	char		 addr[64];
};


/* ---- handlers ------------------------------------------------------------ */

static void
hello(void *arg, const struct httpd_request *req, struct httpd_response *r)
{
	struct ctx	*c = arg;
	const char	*x = httpd_request_header(req, "X-Test");

	snprintf(c->seen_header, sizeof(c->seen_header), "%s",
	    x != NULL ? x : "");
	r->status = 200;
	r->content_type = "text/plain";
	httpd_add_header(r, "X-Path", httpd_request_path(req));
	buf_puts(&r->body, "hello\n");
}

/* More headers than a response holds: the extra ones are dropped. */
static void
many_headers(void *arg, const struct httpd_request *req,
    struct httpd_response *r)
{
	int	 i;

	(void)arg;
	(void)req;
	for (i = 0; i < HTTPD_MAX_HEADERS + 2; i++)
		httpd_add_header(r, i < HTTPD_MAX_HEADERS ? "X-Kept" : "X-Dropped",
		    "1");
	httpd_text(r, 200, "many");
}

static void
oom(void *arg, const struct httpd_request *req, struct httpd_response *r)
{
	(void)arg;
	(void)req;
	r->status = 200;
	buf_puts(&r->body, "half a body");
	r->body.oom = 1;
}

static ssize_t
stream_read(void *arg, uint64_t pos, char *out, size_t max)
{
	struct ctx	*c = arg;
	int		 n;

	(void)pos;
	if (c->chunks == 0)
		return c->fail_stream ? HTTPD_STREAM_ERROR : HTTPD_STREAM_END;
	c->chunks--;
	n = snprintf(out, max, "piece %d\n", c->chunks);
	return n;
}

static void
stream_release(void *arg)
{
	struct ctx	*c = arg;

	c->released++;
}

static void
stream(void *arg, const struct httpd_request *req, struct httpd_response *r)
{
	(void)req;
	r->status = 200;
	r->content_type = "text/plain";
	httpd_stream_body(r, stream_read, arg, stream_release);
}

/* A route that refuses, as one needing credentials does. */
static void
forbidden(void *arg, const struct httpd_request *req, struct httpd_response *r)
{
	(void)arg;
	(void)req;
	httpd_text(r, 403, "forbidden");
}

static const struct httpd_route routes[] = {
	{ "POST", "/admin", 0, forbidden },
	{ "GET", "/hello", 0, hello },
	{ "GET", "/many", 0, many_headers },
	{ "GET", "/oom", 0, oom },
	{ "GET", "/stream", 0, stream },
	{ "GET", "/items/", 1, hello },
	{ "POST", "/items/", 1, hello },
	{ NULL, NULL, 0, NULL },
};

/* ---- the client side (runs in the child) --------------------------------- */

#define SIMPLE_CLIENT(name, request)				\
static void							\
name(int port, int out)						\
{								\
	hc_exchange(port, out, request);			\
}

SIMPLE_CLIENT(get_hello, "GET /hello HTTP/1.1\r\nHost: t\r\nX-Test: abc\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(head_hello, "HEAD /hello HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(get_nope, "GET /nope HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(delete_hello, "DELETE /hello HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(put_item, "PUT /items/7 HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(post_item_body, "POST /items/7 HTTP/1.1\r\nHost: t\r\n"
    "Content-Length: 5\r\nConnection: close\r\n\r\nhello")
SIMPLE_CLIENT(get_many, "GET /many HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(get_oom, "GET /oom HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(get_stream, "GET /stream HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(garbage, "GARBAGE\r\n\r\n")
SIMPLE_CLIENT(get_nul, "GET /hello%00.txt HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(get_nul_query, "GET /hello?a=%00 HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(get_escaped, "GET /items/a%20b HTTP/1.1\r\nHost: t\r\n"
    "Connection: close\r\n\r\n")
SIMPLE_CLIENT(cl_and_te, "POST /items/1 HTTP/1.1\r\nHost: t\r\n"
    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\n0\r\n\r\n")
SIMPLE_CLIENT(expect_forbidden, "POST /admin HTTP/1.1\r\nHost: t\r\n"
    "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n")
SIMPLE_CLIENT(expect_route, "POST /items/3 HTTP/1.1\r\nHost: t\r\n"
    "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n")

/* A raw NUL inside the path: the string would end at /hello. */
static void
raw_nul(int port, int out)
{
	static const char	 req[] = "GET /hello\0.txt HTTP/1.1\r\nHost: t\r\n"
				    "Connection: close\r\n\r\n";
	int			 fd = hc_dial(port);
	ssize_t			 n;

	if (fd == -1)
		return;
	n = send(fd, req, sizeof(req) - 1, 0);
	(void)n;
	hc_relay(fd, out);
	close(fd);
}

/* A request of `len` bytes of one header, or of URI when `uri` is set. */
static void
big_request(int port, int out, size_t len, int uri)
{
	char	*req = malloc(len + 128);
	int	 fd = hc_dial(port);
	size_t	 off;

	if (fd == -1 || req == NULL)
		return;
	off = (size_t)sprintf(req, uri ? "GET /hello?" :
	    "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: ");
	memset(req + off, 'a', len);
	sprintf(req + off + len, uri ? " HTTP/1.1\r\nHost: t\r\n\r\n" :
	    "\r\nConnection: close\r\n\r\n");
	hc_send(fd, req);
	hc_relay(fd, out);
	free(req);
	close(fd);
}

static void
header_200k(int port, int out)
{
	big_request(port, out, 200 * 1024, 0);
}

static void
uri_10k(int port, int out)
{
	big_request(port, out, 10 * 1024, 1);
}

static void
uri_8k(int port, int out)
{
	big_request(port, out, HTTPD_URI_MAX - 32, 1);
}

/*
 * Writes "<bytes from the server> <ms until the server closed>"; `req` is
 * sent a byte every `gap_ms` (all at once with 0), the rest never comes.
 */
static void
timed_close(int port, int out, const char *req, unsigned gap_ms)
{
	struct timeval	 t0, t1, tv = { 0, 0 };
	char		 b[512], msg[600];
	int		 fd = hc_dial(port);
	ssize_t		 n = 0, got = 0;
	size_t		 i;

	if (fd == -1)
		return;
	gettimeofday(&t0, NULL);
	if (gap_ms == 0)
		hc_send(fd, req);
	else {
		/* Trickle: never idle as long as the server keeps reading. */
		tv.tv_usec = (long)gap_ms * 1000;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (i = 0; i < 200; i++) {
			if (send(fd, req + i % strlen(req), 1, MSG_NOSIGNAL) != 1)
				break;
			if ((n = recv(fd, b, sizeof(b), 0)) >= 0)
				break;
		}
		tv.tv_sec = 5;
		tv.tv_usec = 0;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	while (n > 0)
		got += n, n = recv(fd, b, sizeof(b), 0);
	if (n == 0 || gap_ms == 0)
		while ((n = recv(fd, b, sizeof(b), 0)) > 0)
			got += n;
	gettimeofday(&t1, NULL);
	snprintf(msg, sizeof(msg), "%zd %ld %s", got, (long)((t1.tv_sec -
	    t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000),
	    n < 0 ? "timeout" : "closed");
	hc_write(out, msg, strlen(msg));
	close(fd);
}

static void
silent_binary(int port, int out)
{
	timed_close(port, out, "\x16\x03\x01\x02\x00", 0);
}

static void
slowloris(int port, int out)
{
	timed_close(port, out, "GET /hello HTTP/1.1\r\nX-A: aaaaaaaaaaaaaaa", 100);
}

/*
 * With two connections per address: two idle ones from 127.0.0.2 hold
 * their slots; a third from there is closed unanswered, and one from
 * 127.0.0.1 is answered.
 */
static void
per_ip(int port, int out)
{
	int	 held[2], third, other;
	char	 b[512];
	ssize_t	 n;

	held[0] = hc_dial_from(port, "127.0.0.2");
	held[1] = hc_dial_from(port, "127.0.0.2");
	usleep(200 * 1000);
	if ((third = hc_dial_from(port, "127.0.0.2")) == -1)
		hc_write(out, "|THIRD REFUSED|", 15);
	else {
		hc_send(third, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
		n = recv(third, b, sizeof(b), 0);
		hc_write(out, n == 0 || n == -1 ? "|THIRD CLOSED|" :
		    "|THIRD ANSWERED|", n <= 0 ? 14 : 16);
		close(third);
	}
	if ((other = hc_dial_from(port, "127.0.0.1")) == -1)
		return;
	hc_send(other, "GET /hello HTTP/1.1\r\nHost: t\r\n"
	    "Connection: close\r\n\r\n");
	hc_relay(other, out);
	close(other);
	close(held[0]);
	close(held[1]);
}

/* Two requests on one connection: the first response leaves it open. */
static void
keep_alive(int port, int out)
{
	int	 fd = hc_dial(port);

	if (fd == -1)
		return;
	hc_send(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	hc_relay_one(fd, out);
	hc_write(out, "|SECOND|", 8);
	hc_send(fd, "GET /items/2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	hc_relay(fd, out);
	close(fd);
}

/*
 * With room for one connection: while a first one is open, a second waits
 * unanswered (libmicrohttpd stops accepting); once the first closes, the
 * second is accepted and answered.
 */
static void
over_the_limit(int port, int out)
{
	struct timeval	 brief = { 0, 300 * 1000 };
	int		 first = hc_dial(port), second;
	char		 b[64];
	ssize_t		 n;

	if (first == -1)
		return;
	hc_send(first, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	hc_relay_one(first, out);
	if ((second = hc_dial(port)) == -1)
		return;
	hc_send(second, "GET /hello HTTP/1.1\r\nHost: t\r\n"
	    "Connection: close\r\n\r\n");
	setsockopt(second, SOL_SOCKET, SO_RCVTIMEO, &brief, sizeof(brief));
	n = recv(second, b, sizeof(b), 0);
	hc_write(out, n < 0 ? "|WAITING|" : "|ANSWERED|", n < 0 ? 9 : 10);
	close(first);
	brief.tv_sec = 8;
	setsockopt(second, SOL_SOCKET, SO_RCVTIMEO, &brief, sizeof(brief));
	hc_relay(second, out);
	close(second);
}

/* An idle connection is closed by the server after its timeout. */
static void
idle(int port, int out)
{
	struct timeval	 t0, t1;
	char		 b[64], msg[32];
	int		 fd = hc_dial(port);
	ssize_t		 n;

	if (fd == -1)
		return;
	gettimeofday(&t0, NULL);
	n = recv(fd, b, sizeof(b), 0);
	gettimeofday(&t1, NULL);
	snprintf(msg, sizeof(msg), "%zd %ld", n, (long)((t1.tv_sec -
	    t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000));
	hc_write(out, msg, strlen(msg));
	close(fd);
}

/* Connects and says nothing until the parent has counted it. */
static void
hold(int port, int out)
{
	int	 fd = hc_dial(port);
	char	 b[8];
	ssize_t	 n;

	hc_write(out, fd == -1 ? "NO" : "UP", 2);
	n = recv(fd, b, sizeof(b), 0);	/* the server closes it at the end */
	(void)n;
	close(fd);
}

/* Runs the client to its end; what it saw, NUL-terminated (caller frees). */
static char *
run_client(struct fixture *f, hc_client_fn *fn)
{
	return hc_run(f->loop, f->port, fn, 0, NULL, NULL, NULL);
}

static struct fixture *
start_with(unsigned max_connections, unsigned timeout_seconds,
    unsigned max_per_ip, uint64_t header_timeout_ms)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct httpd_options	 o;
	const char		*addrs[1];
	char			 err[256];

	assert_non_null(f);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(f->loop);
	f->port = hc_free_port();
	snprintf(f->addr, sizeof(f->addr), "127.0.0.1:%d", f->port);
	addrs[0] = f->addr;
	memset(&o, 0, sizeof(o));
	o.listen = addrs;
	o.nlisten = 1;
	o.max_connections = max_connections;
	o.timeout_seconds = timeout_seconds;
	o.max_per_ip = max_per_ip;
	o.header_timeout_ms = header_timeout_ms;
	f->httpd = httpd_start(f->loop, &o, routes, &f->ctx, err, sizeof(err));
	if (f->httpd == NULL)
		fail_msg("httpd_start: %s", err);
	return f;
}

static struct fixture *
start(unsigned max_connections, unsigned timeout_seconds)
{
	return start_with(max_connections, timeout_seconds, 0, 0);
}

static void
stop(struct fixture *f)
{
	httpd_stop(f->httpd);
	ev_loop_destroy(f->loop);
	free(f);
}

static int
setup(void **state)
{
	*state = start(16, 10);
	return 0;
}

static int
teardown(void **state)
{
	stop(*state);
	return 0;
}

/* ---- tests --------------------------------------------------------------- */

static void
test_get(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, get_hello);

	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(r, "Content-Type: text/plain\r\n"));
	assert_non_null(strcasestr(r, "X-Path: /hello\r\n"));
	assert_string_equal(hc_body(r), "hello\n");
	assert_string_equal(f->ctx.seen_header, "abc");
	free(r);
}

static int
open_fds(void)
{
	char	 path[64];
	int	 fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/*
 * New web settings restart the listener on its socket: the same port
 * answers with the web config's headers, and no fd is left behind.
 */
static void
test_web_settings(void **state)
{
	struct fixture			*f = *state;
	char				 name[] = "X-Frame-Options", value[] = "deny";
	struct webcfg_header		 hdr = { name, value };
	struct httpd_web		 web = { NULL, &hdr, 1 }, none = { NULL, NULL, 0 };
	char				*r, err[256];
	int				 before, i;

	r = run_client(f, get_hello);
	assert_null(strcasestr(r, "X-Frame-Options"));
	free(r);
	before = open_fds();
	for (i = 0; i < 5; i++) {
		assert_int_equal(httpd_set_web(f->httpd, i % 2 ? &none : &web,
		    err, sizeof(err)), 0);
	}
	assert_int_equal(open_fds(), before);
	r = run_client(f, get_hello);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(r, "X-Frame-Options: deny\r\n"));
	free(r);
	r = run_client(f, get_nope);
	assert_non_null(strcasestr(r, "X-Frame-Options: deny\r\n"));
	free(r);
	assert_int_equal(httpd_set_web(f->httpd, &none, err, sizeof(err)), 0);
	r = run_client(f, get_hello);
	assert_null(strcasestr(r, "X-Frame-Options"));
	free(r);
	/* Shutting down: the sockets are closed, nothing is restarted. */
	httpd_quiesce(f->httpd);
	assert_int_equal(httpd_set_web(f->httpd, &web, err, sizeof(err)), -1);
	assert_string_equal(err, "shutting down");
}

static void
test_head(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, head_hello);

	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_string_equal(hc_body(r), "");
	free(r);
}

static void
test_not_found(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, get_nope);

	assert_non_null(strstr(r, "HTTP/1.1 404 Not Found\r\n"));
	assert_non_null(strcasestr(r, "Content-Type: text/plain; charset=utf-8"));
	assert_string_equal(hc_body(r), "not found\n");
	free(r);
}

static void
test_method_not_allowed(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, delete_hello);

	assert_non_null(strstr(r, "HTTP/1.1 405 Method Not Allowed\r\n"));
	assert_non_null(strcasestr(r, "Allow: GET, HEAD\r\n"));
	assert_string_equal(hc_body(r), "method not allowed\n");
	free(r);
	/* Every route of a prefix names its method, once. */
	r = run_client(f, put_item);
	assert_non_null(strstr(r, "HTTP/1.1 405"));
	assert_non_null(strcasestr(r, "Allow: GET, HEAD, POST\r\n"));
	free(r);
}

static void
test_request_body_skipped(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, post_item_body);

	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(r, "X-Path: /items/7\r\n"));
	free(r);
}

static void
test_headers_capped(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, get_many);
	const char	*p = r;
	int		 kept = 0;

	while ((p = strcasestr(p, "X-Kept: 1")) != NULL) {
		kept++;
		p++;
	}
	assert_int_equal(kept, HTTPD_MAX_HEADERS);
	assert_null(strcasestr(r, "X-Dropped"));
	free(r);
}

static void
test_out_of_memory_is_500(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, get_oom);

	assert_non_null(strstr(r, "HTTP/1.1 500 Internal Server Error\r\n"));
	assert_string_equal(hc_body(r), "out of memory\n");
	free(r);
}

static void
test_keep_alive(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, keep_alive);
	char		*second = strstr(r, "|SECOND|");

	assert_non_null(second);
	*second = '\0';
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_null(strcasestr(r, "Connection: close"));
	assert_string_equal(hc_body(r), "hello\n");
	assert_non_null(strstr(second + 8, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(second + 8, "X-Path: /items/2\r\n"));
	free(r);
}

static void
test_stream(void **state)
{
	struct fixture	*f = *state;
	char		*r, body[256];

	f->ctx.chunks = 3;
	r = run_client(f, get_stream);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(r, "Transfer-Encoding: chunked\r\n"));
	assert_int_equal(hc_dechunk(hc_body(r), body, sizeof(body)), 0);
	assert_string_equal(body, "piece 2\npiece 1\npiece 0\n");
	assert_int_equal(f->ctx.released, 1);
	free(r);
}

/* A reader that fails cuts the body: no last chunk, never a whole-looking one. */
static void
test_stream_error(void **state)
{
	struct fixture	*f = *state;
	char		*r, body[256];

	f->ctx.chunks = 2;
	f->ctx.fail_stream = 1;
	r = run_client(f, get_stream);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_int_equal(hc_dechunk(hc_body(r), body, sizeof(body)), -1);
	assert_int_equal(f->ctx.released, 1);
	free(r);
}

/* A NUL in the path, escaped or raw, is refused, never cut to a route. */
static void
test_nul_in_path(void **state)
{
	struct fixture	*f = *state;
	hc_client_fn	*clients[] = { get_nul, get_nul_query, raw_nul };
	char		*r;
	size_t		 i;

	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		r = run_client(f, clients[i]);
		if (strstr(r, "HTTP/1.1 400 Bad Request\r\n") == NULL)
			fail_msg("client %zu: %s", i, r);
		assert_null(strcasestr(r, "X-Path"));
		free(r);
	}
	/* Other escapes still decode. */
	r = run_client(f, get_escaped);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strcasestr(r, "X-Path: /items/a b\r\n"));
	free(r);
}

/* Content-Length with Transfer-Encoding: 400 and the connection closes. */
static void
test_cl_and_te(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, cl_and_te);

	assert_non_null(strstr(r, "HTTP/1.1 400 Bad Request\r\n"));
	assert_non_null(strcasestr(r, "Connection: close\r\n"));
	assert_non_null(strstr(hc_body(r), "Transfer-Encoding"));
	free(r);
}

/* No "100 Continue" before a refusal, nor before any answer: no body is read. */
static void
test_no_100_continue(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, expect_forbidden);

	assert_null(strstr(r, "100 Continue"));
	assert_int_equal(strncmp(r, "HTTP/1.1 403 Forbidden\r\n", 24), 0);
	free(r);
	r = run_client(f, expect_route);
	assert_null(strstr(r, "100 Continue"));
	assert_int_equal(strncmp(r, "HTTP/1.1 200 OK\r\n", 17), 0);
	free(r);
}

/* A 200 KiB header is answered 431 with a body; the server goes on. */
static void
test_header_too_large(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, header_200k);

	assert_non_null(strstr(r, "HTTP/1.1 431 Request Header Fields Too Large\r\n"));
	assert_true(strlen(hc_body(r)) > 0);
	free(r);
	r = run_client(f, get_hello);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	free(r);
}

/* A URI past HTTPD_URI_MAX is answered 414; one just under it is served. */
static void
test_uri_too_long(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, uri_10k);

	assert_non_null(strstr(r, "HTTP/1.1 414 URI Too Long\r\n"));
	assert_string_equal(hc_body(r), "URI too long\n");
	free(r);
	r = run_client(f, uri_8k);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	free(r);
}

/*
 * Bytes that never make a request line are closed at the header timeout,
 * not the idle one, and so is a client trickling its headers (which the
 * idle timeout never catches).
 */
static void
test_header_timeout(void **state)
{
	struct fixture	*f = start_with(4, 10, 0, 500);
	char		*r, how[16];
	long		 n, ms;

	(void)state;
	r = run_client(f, silent_binary);
	assert_int_equal(sscanf(r, "%ld %ld %15s", &n, &ms, how), 3);
	assert_string_equal(how, "closed");
	assert_true(ms >= 400 && ms < 2000);
	free(r);
	r = run_client(f, slowloris);
	assert_int_equal(sscanf(r, "%ld %ld %15s", &n, &ms, how), 3);
	assert_string_equal(how, "closed");
	assert_true(ms >= 400 && ms < 2000);
	free(r);
	/* A kept-alive connection gets the idle timeout for its next request. */
	r = run_client(f, keep_alive);
	assert_non_null(strstr(r, "|SECOND|"));
	assert_non_null(strcasestr(strstr(r, "|SECOND|"), "X-Path: /items/2\r\n"));
	free(r);
	assert_int_equal(httpd_connections(f->httpd), 0);
	stop(f);
}

/* One address cannot take every slot. */
static void
test_per_ip_limit(void **state)
{
	struct fixture	*f = start_with(16, 10, 2, 0);
	char		*r;

	(void)state;
	r = run_client(f, per_ip);
	assert_true(strstr(r, "|THIRD CLOSED|") != NULL ||
	    strstr(r, "|THIRD REFUSED|") != NULL);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	free(r);
	stop(f);
}

static void
test_garbage(void **state)
{
	struct fixture	*f = *state;
	char		*r = run_client(f, garbage);

	/* libmicrohttpd answers or hangs up; the server goes on either way. */
	free(r);
	r = run_client(f, get_hello);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	free(r);
}

static void
test_max_connections(void **state)
{
	struct fixture	*f = start(1, 10);
	char		*r;
	const char	*last;

	(void)state;
	r = run_client(f, over_the_limit);
	assert_non_null(strstr(r, "|WAITING|"));
	last = strstr(r, "|WAITING|") + 9;
	assert_non_null(strstr(last, "HTTP/1.1 200 OK\r\n"));
	assert_string_equal(hc_body(last), "hello\n");
	assert_int_equal(httpd_connections(f->httpd), 0);
	free(r);
	stop(f);
}

/* The idle timeout needs MHD_run on the timer, with no fd ready. */
static void
test_idle_timeout(void **state)
{
	struct fixture	*f = start(4, 1);
	char		*r;
	long		 n, ms;

	(void)state;
	r = run_client(f, idle);
	assert_int_equal(sscanf(r, "%ld %ld", &n, &ms), 2);
	assert_int_equal(n, 0);		/* closed by the server, not timed out */
	assert_true(ms >= 500 && ms < 4000);
	free(r);
	stop(f);
}

/*
 * Connections are counted while open; quiesce stops accepting new ones
 * while an open one still gets its answer.
 */
static void
test_connections_and_quiesce(void **state)
{
	struct fixture	*f = *state;
	char		*r;
	pid_t		 pid;
	int		 rd, status, i;

	assert_int_equal(httpd_connections(f->httpd), 0);
	r = hc_run(f->loop, f->port, hold, 2, &pid, &rd, NULL);
	assert_string_equal(r, "UP");
	free(r);
	/* Let MHD accept it. */
	for (i = 0; i < 100 && httpd_connections(f->httpd) == 0; i++) {
		ev_run(f->loop, EVRUN_NOWAIT);
		usleep(10 * 1000);
	}
	assert_int_equal(httpd_connections(f->httpd), 1);
	httpd_quiesce(f->httpd);
	r = run_client(f, get_hello);
	assert_string_equal(r, "CONNECT FAILED");
	free(r);
	assert_int_equal(httpd_connections(f->httpd), 1);
	/* Stopping closes the held one; the child then exits. */
	httpd_stop(f->httpd);
	f->httpd = NULL;
	close(rd);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
}

static void
test_start_errors(void **state)
{
	struct fixture		*f = *state;
	struct httpd_options	 o;
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	const char		*busy[] = { f->addr };
	const char		*bad[] = { "nowhere.invalid:80" };
	const char		*noport[] = { "localhost" };
	char			 err[256];

	memset(&o, 0, sizeof(o));
	o.max_connections = 4;
	o.timeout_seconds = 1;
	o.nlisten = 1;
	o.listen = busy;
	assert_null(httpd_start(loop, &o, routes, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot listen"));
	o.listen = bad;
	assert_null(httpd_start(loop, &o, routes, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "nowhere.invalid:80: "));
	o.listen = noport;
	assert_null(httpd_start(loop, &o, routes, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "bad address"));
	ev_loop_destroy(loop);
}

/* Several listeners on one loop: "[::1]" and an empty host (every address). */
static void
test_listen_forms(void **state)
{
	struct httpd_options	 o;
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct httpd		*h;
	char			 a1[64], a2[64], a3[64], err[256];
	const char		*addrs[3] = { a1, a2, a3 };

	(void)state;
	snprintf(a1, sizeof(a1), "localhost:%d", hc_free_port());
	snprintf(a2, sizeof(a2), ":%d", hc_free_port());
	snprintf(a3, sizeof(a3), "[::1]:%d", hc_free_port());
	memset(&o, 0, sizeof(o));
	o.max_connections = 4;
	o.timeout_seconds = 1;
	o.listen = addrs;
	o.nlisten = 2;
	h = httpd_start(loop, &o, routes, NULL, err, sizeof(err));
	if (h == NULL)
		fail_msg("httpd_start: %s", err);
	assert_int_equal(httpd_connections(h), 0);
	httpd_stop(h);
	/* IPv6 loopback, where the host has it. */
	o.listen = addrs + 2;
	o.nlisten = 1;
	h = httpd_start(loop, &o, routes, NULL, err, sizeof(err));
	httpd_stop(h);
	httpd_stop(NULL);
	ev_loop_destroy(loop);
}

/* libmicrohttpd's own messages go to the debug log, one line each. */
static void
test_debug_logging(void **state)
{
	struct fixture	*f = *state;
	char		*r;

	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	r = run_client(f, garbage);
	free(r);
	r = run_client(f, get_hello);
	assert_non_null(strstr(r, "200 OK"));
	free(r);
	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_web_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_not_allowed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_body_skipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_headers_capped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory_is_500, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keep_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_in_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cl_and_te, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_100_continue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uri_too_long, setup,
		    teardown),
		cmocka_unit_test(test_header_timeout),
		cmocka_unit_test(test_per_ip_limit),
		cmocka_unit_test(test_max_connections),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test_setup_teardown(test_connections_and_quiesce,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_errors, setup,
		    teardown),
		cmocka_unit_test(test_listen_forms),
		cmocka_unit_test_setup_teardown(test_debug_logging, setup,
		    teardown),
	};

	/* A client that hangs up early must not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
