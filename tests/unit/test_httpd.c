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

static const struct httpd_route routes[] = {
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
start(unsigned max_connections, unsigned timeout_seconds)
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
	f->httpd = httpd_start(f->loop, &o, routes, &f->ctx, err, sizeof(err));
	if (f->httpd == NULL)
		fail_msg("httpd_start: %s", err);
	return f;
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
