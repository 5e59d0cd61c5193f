/*
 * httpd: libmicrohttpd in external epoll mode on the libev loop.
 *
 *	ev_io(MHD epoll fd) --+
 *	                      +--> listener_run: MHD_run --> access_cb
 *	ev_timer(MHD timeout)-+        |                      (route, handler,
 *	                               v                       queue response)
 *	                        rearm timer from MHD_get_timeout
 *
 * The timer is not optional: MHD needs MHD_run() within its timeout even
 * when no fd is ready, or idle connections are never closed.
 *
 * At max_connections MHD takes its listening socket out of its epoll set,
 * and puts it back only at the start of a later MHD_run(). When the run
 * that closed a connection leaves nothing else pending (no fd, no
 * timeout), no later run would come and new connections would wait in
 * the backlog for good: listener_run runs MHD once more in that case.
 *
 * MHD's timeout is an idle timeout: a client that trickles a byte now and
 * then keeps its slot for good. Each connection therefore has a deadline
 * for its request headers (header_timeout for the first request, the idle
 * timeout for the next one on a kept-alive connection); a sweep timer
 * shuts down the socket of one that misses it, and MHD closes it.
 *
 * No route takes a request body. A request that announces one (or asks
 * for "100 Continue") is answered on the access handler's first call, so
 * MHD sends no "100 Continue", reads no body and closes the connection
 * after the answer. Any other is answered on the second call: answering
 * on the first would make MHD close the connection after the response,
 * and the next scrape could not reuse it.
 */
#include "http/httpd.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"

/* The most a streamed body's reader is asked for at once. */
#define STREAM_BLOCK	(32 * 1024)
/* How often connections are checked against their header deadline. */
#define SWEEP_INTERVAL	0.25

_Static_assert(HTTPD_STREAM_END == MHD_CONTENT_READER_END_OF_STREAM,
    "httpd's end-of-stream is libmicrohttpd's");
_Static_assert(HTTPD_STREAM_ERROR == MHD_CONTENT_READER_END_WITH_ERROR,
    "httpd's stream error is libmicrohttpd's");

/* One per open connection, MHD's socket context. */
struct hconn {
	struct listener		*l;
	struct MHD_Connection	*conn;
	struct hconn		*next, **prevp;
	ev_tstamp		 deadline;	/* for the request headers */
	int			 waiting;	/* for request headers */
	/* The request line's URI as sent, before MHD decodes it in place. */
	const char		*uri;
	size_t			 uri_len;
	int			 uri_nul;	/* it has "%00" */
	int			 announced;	/* the access handler saw it once */
};

struct listener {
	struct httpd		*httpd;
	struct MHD_Daemon	*mhd;
	ev_io			 io;
	ev_timer		 timer;
	ev_timer		 sweep;
	struct hconn		*hconns;
	unsigned		 conns;		/* open after the last run */
	char			 addr[128];
};

struct httpd {
	struct ev_loop			*loop;
	unsigned			 max_connections;
	double				 header_timeout;	/* seconds */
	double				 idle_timeout;
	const struct httpd_route	*routes;
	void				*ctx;
	struct listener			 lst[8];
	size_t				 nlst;
};

struct httpd_request {
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*path;
};

static void
listener_rearm(struct listener *l)
{
	MHD_UNSIGNED_LONG_LONG	 ms;

	ev_timer_stop(l->httpd->loop, &l->timer);
	if (MHD_get_timeout(l->mhd, &ms) == MHD_YES) {
		ev_timer_set(&l->timer, (double)ms / 1000.0, 0.);
		ev_timer_start(l->httpd->loop, &l->timer);
	}
}

static unsigned
listener_connections(const struct listener *l)
{
	const union MHD_DaemonInfo	*info;

	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info != NULL ? info->num_connections : 0;
}

static void
listener_run(struct listener *l)
{
	int	 was_full = l->conns >= l->httpd->max_connections;

	MHD_run(l->mhd);
	l->conns = listener_connections(l);
	if (was_full && l->conns < l->httpd->max_connections) {
		MHD_run(l->mhd);	/* listens again, accepts what waits */
		l->conns = listener_connections(l);
	}
	listener_rearm(l);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	listener_run(w->data);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	listener_run(w->data);
}

/* Shuts down what missed its header deadline; MHD then closes it. */
static void
sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct listener			*l = w->data;
	const union MHD_ConnectionInfo	*ci;
	struct hconn			*hc;
	int				 late = 0;

	(void)revents;
	for (hc = l->hconns; hc != NULL; hc = hc->next) {
		if (!hc->waiting || ev_now(loop) < hc->deadline)
			continue;
		hc->waiting = 0;
		ci = MHD_get_connection_info(hc->conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci != NULL && shutdown(ci->connect_fd, SHUT_RDWR) == 0)
			late++;
	}
	if (late > 0) {
		log_debug("http connections closed: request headers too slow",
		    LOG_U("connections", (unsigned)late));
		listener_run(l);
	}
	if (l->hconns == NULL)
		ev_timer_stop(loop, w);
}

static void
hconn_wait(struct hconn *hc, double seconds)
{
	struct ev_loop	*loop = hc->l->httpd->loop;

	hc->waiting = 1;
	hc->deadline = ev_now(loop) + seconds;
	hc->uri = NULL;
	hc->uri_len = 0;
	hc->uri_nul = 0;
	hc->announced = 0;
	if (!ev_is_active(&hc->l->sweep))
		ev_timer_again(loop, &hc->l->sweep);
}

static void
notify_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode what)
{
	struct listener	*l = cls;
	struct hconn	*hc = *socket_ctx;

	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		/* Without memory for it the connection just has no deadline. */
		if ((hc = calloc(1, sizeof(*hc))) == NULL)
			return;
		hc->l = l;
		hc->conn = conn;
		if ((hc->next = l->hconns) != NULL)
			hc->next->prevp = &hc->next;
		hc->prevp = &l->hconns;
		l->hconns = hc;
		*socket_ctx = hc;
		hconn_wait(hc, l->httpd->header_timeout);
	} else if (what == MHD_CONNECTION_NOTIFY_CLOSED && hc != NULL) {
		if (hc->next != NULL)
			hc->next->prevp = hc->prevp;
		*hc->prevp = hc->next;
		free(hc);
		*socket_ctx = NULL;
	}
}

/* A request is done: the next one on this connection has the idle timeout. */
static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct hconn	*hc = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
	if (hc != NULL)
		hconn_wait(hc, hc->l->httpd->idle_timeout);
	*con_cls = NULL;
}

/*
 * Sees the URI as sent, before MHD decodes it in place; what it returns
 * is the access handler's *con_cls.
 */
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;
	struct hconn			*hc;

	(void)cls;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (hc = ci->socket_context) == NULL)
		return NULL;
	hc->uri = uri;
	hc->uri_len = strlen(uri);
	hc->uri_nul = strstr(uri, "%00") != NULL;
	return hc;
}

const char *
httpd_request_path(const struct httpd_request *r)
{
	return r->path;
}

const char *
httpd_request_header(const struct httpd_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
httpd_request_arg(const struct httpd_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void
httpd_add_header(struct httpd_response *resp, const char *name,
    const char *value)
{
	if (resp->nheaders == HTTPD_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

void
httpd_stream_body(struct httpd_response *resp, httpd_reader *read,
    void *arg, void (*release)(void *))
{
	resp->stream = read;
	resp->stream_arg = arg;
	resp->stream_free = release;
}

void
httpd_text(struct httpd_response *resp, unsigned status, const char *text)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	buf_puts(&resp->body, text);
	buf_putc(&resp->body, '\n');
}

static int
route_matches(const struct httpd_route *rt, const char *path)
{
	if (rt->prefix)
		return strncmp(path, rt->path, strlen(rt->path)) == 0;
	return strcmp(path, rt->path) == 0;
}

static int
method_matches(const struct httpd_route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 ||
	    (strcmp(rt->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* Appends a method to a 405's Allow list once. */
static void
allow_add(struct httpd_response *resp, const char *method)
{
	size_t	 len = strlen(resp->allow);

	if (strstr(resp->allow, method) != NULL)
		return;
	snprintf(resp->allow + len, sizeof(resp->allow) - len, "%s%s",
	    len > 0 ? ", " : "", method);
}

/* Finds the handler, or answers 404/405 itself. */
static void
dispatch(struct httpd *h, const struct httpd_request *req,
    struct httpd_response *resp)
{
	const struct httpd_route	*rt;

	for (rt = h->routes; rt->path != NULL; rt++) {
		if (!route_matches(rt, req->path))
			continue;
		if (method_matches(rt, req->method)) {
			rt->fn(h->ctx, req, resp);
			return;
		}
		allow_add(resp, rt->method);
		if (strcmp(rt->method, "GET") == 0)
			allow_add(resp, "HEAD");
	}
	if (resp->allow[0] != '\0') {
		httpd_add_header(resp, "Allow", resp->allow);
		httpd_text(resp, 405, "method not allowed");
	} else
		httpd_text(resp, 404, "not found");
}

static enum MHD_Result
queue(struct MHD_Connection *conn, struct httpd_response *resp)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;
	size_t			 len;
	char			*body;
	unsigned		 i;

	if (resp->body.oom) {
		buf_free(&resp->body);
		httpd_text(resp, 500, "out of memory");
	}
	if (resp->stream != NULL) {
		/* Chunked; MHD calls stream_free when done, not on failure. */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
		    STREAM_BLOCK, resp->stream, resp->stream_arg,
		    resp->stream_free);
		if (r == NULL) {
			resp->stream_free(resp->stream_arg);
			return MHD_NO;
		}
	} else {
		body = buf_steal(&resp->body, &len);
		r = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL) {
			free(body);
			return MHD_NO;
		}
	}
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp->content_type);
	for (i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	rc = MHD_queue_response(conn, resp->status, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * A decoded NUL would cut the path where C strings end ("/healthz%00.txt"
 * is "/healthz"), and so would a raw one; MHD gives no length, but the
 * version follows the URI in its buffer, one separator after its end.
 */
static int
uri_has_nul(const struct hconn *hc, const char *version)
{
	size_t	 span;

	if (hc->uri_nul)
		return 1;
	if (hc->uri == NULL || version == NULL || version <= hc->uri)
		return 0;
	span = (size_t)(version - hc->uri);
	return span <= HTTPD_URI_MAX + 1 && span > hc->uri_len + 1 &&
	    memchr(hc->uri, '\0', span - 1) != NULL &&
	    strncmp(version, "HTTP/", 5) == 0;
}

/* What is refused before routing: 400, 414; NULL when the request may go on. */
static const char *
refuse(struct httpd_response *resp, struct MHD_Connection *conn,
    const struct hconn *hc, const char *version)
{
	if (hc != NULL && hc->uri_len > HTTPD_URI_MAX) {
		httpd_text(resp, 414, "URI too long");
		return "uri too long";
	}
	if (hc != NULL && uri_has_nul(hc, version)) {
		httpd_text(resp, 400, "bad request: NUL in the path");
		return "nul in path";
	}
	/* Which of the two frames the body is ambiguous: request smuggling. */
	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL &&
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH) != NULL) {
		httpd_text(resp, 400, "bad request: both Content-Length and "
		    "Transfer-Encoding");
		return "content-length with transfer-encoding";
	}
	return NULL;
}

/* Whether the request comes with a body, or asks for leave to send one. */
static int
has_body(struct MHD_Connection *conn)
{
	const char	*cl;

	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_EXPECT) != NULL ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return 1;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	return cl != NULL && strspn(cl, "0") != strlen(cl);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct httpd		*h = cls;
	struct hconn		*hc = *con_cls;
	struct httpd_request	 req = { conn, method, url };
	struct httpd_response	 resp;
	const char		*why;
	enum MHD_Result		 rc;

	(void)upload_data;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body);
	why = refuse(&resp, conn, hc, version);
	if (hc != NULL && !hc->announced && why == NULL && !has_body(conn)) {
		hc->waiting = 0;
		hc->announced = 1;
		return MHD_YES;
	}
	/* Not reached with a body: it was answered on the first call. */
	*upload_data_size = 0;
	if (hc != NULL)
		hc->waiting = 0;
	if (why != NULL) {
		httpd_add_header(&resp, MHD_HTTP_HEADER_CONNECTION, "close");
		log_debug("http request refused", LOG_S("method", method),
		    LOG_S("reason", why), LOG_U("status", resp.status));
	} else {
		dispatch(h, &req, &resp);
		log_debug("http request", LOG_S("method", method),
		    LOG_S("path", url), LOG_U("status", resp.status));
	}
	rc = queue(conn, &resp);
	buf_free(&resp.body);
	return rc;
}

static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char	 msg[512];
	size_t	 n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("libmicrohttpd", LOG_S("detail", msg));
}

/* Resolves [HOST]:PORT; an empty host means every address (dual stack). */
static int
resolve(const char *addr, struct sockaddr_storage *ss, socklen_t *sslen,
    int *any, uint16_t *port, char *err, size_t errlen)
{
	char		 host[128];
	const char	*colon = strrchr(addr, ':');
	struct addrinfo	 hints, *res;
	size_t		 hlen;
	int		 rc;

	if (colon == NULL || (hlen = (size_t)(colon - addr)) >= sizeof(host))
		return err_set(err, errlen, "%s: bad address", addr);
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)atoi(colon + 1);
	*any = hlen == 0;
	if (*any)
		return 0;
	if (host[0] == '[' && hlen >= 2 && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		return err_set(err, errlen, "%s: %s", addr, gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * MHD tells only that it failed; the errno of its bind or listen is still
 * there when it is one of these, and says what to do.
 */
static void
listen_failure(const char *addr, int e, char *err, size_t errlen)
{
	switch (e) {
	case EADDRINUSE:
		err_set(err, errlen, "%s: cannot listen: %s; stop what listens "
		    "there or choose another --web.listen-address", addr,
		    strerror(e));
		break;
	case EACCES:
		err_set(err, errlen, "%s: cannot listen: %s; ports below 1024 "
		    "need root or CAP_NET_BIND_SERVICE", addr, strerror(e));
		break;
	case EADDRNOTAVAIL:
		err_set(err, errlen, "%s: cannot listen: %s; the host has no "
		    "such address", addr, strerror(e));
		break;
	default:
		err_set(err, errlen, "%s: cannot listen (address in use or not "
		    "available); choose another --web.listen-address", addr);
	}
}

static struct MHD_Daemon *
start_daemon(struct httpd *h, struct listener *l,
    const struct httpd_options *o, const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = 0;
	struct MHD_Daemon	*d;
	unsigned		 flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	uint16_t		 port = 0;
	int			 any;

	if (resolve(addr, &ss, &sslen, &any, &port, err, errlen) == -1)
		return NULL;
/* The logger goes first, or MHD logs the options before it on its own. */
#define MHD_COMMON_OPTIONS						\
	MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,			\
	MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,	\
	MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip,	\
	MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_seconds,	\
	MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_HEADER_MAX,	\
	MHD_OPTION_NOTIFY_CONNECTION, notify_connection, l,		\
	MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,		\
	MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL
	if (any) {
		d = MHD_start_daemon(flags | MHD_USE_DUAL_STACK, port, NULL,
		    NULL, access_cb, h, MHD_COMMON_OPTIONS, MHD_OPTION_END);
		/* No IPv6 on this host: fall back to IPv4 only. */
		if (d == NULL)
			d = MHD_start_daemon(flags, port, NULL, NULL,
			    access_cb, h, MHD_COMMON_OPTIONS, MHD_OPTION_END);
	} else
		d = MHD_start_daemon(flags | (ss.ss_family == AF_INET6 ?
		    MHD_USE_IPv6 : 0), port, NULL, NULL, access_cb, h,
		    MHD_COMMON_OPTIONS, MHD_OPTION_SOCK_ADDR,
		    (struct sockaddr *)&ss, MHD_OPTION_END);
#undef MHD_COMMON_OPTIONS
	if (d == NULL)
		listen_failure(addr, errno, err, errlen);
	return d;
}

struct httpd *
httpd_start(struct ev_loop *loop, const struct httpd_options *o,
    const struct httpd_route *routes, void *ctx, char *err, size_t errlen)
{
	struct httpd		*h;
	const union MHD_DaemonInfo *info;
	size_t			 i;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	h->loop = loop;
	h->max_connections = o->max_connections;
	h->idle_timeout = o->timeout_seconds;
	h->header_timeout = o->header_timeout_ms > 0 ?
	    (double)o->header_timeout_ms / 1000.0 : h->idle_timeout;
	h->routes = routes;
	h->ctx = ctx;
	for (i = 0; i < o->nlisten && i < sizeof(h->lst) / sizeof(h->lst[0]); i++) {
		struct listener *l = &h->lst[i];

		l->httpd = h;
		ev_init(&l->sweep, sweep_cb);
		l->sweep.repeat = SWEEP_INTERVAL;
		l->sweep.data = l;
		snprintf(l->addr, sizeof(l->addr), "%s", o->listen[i]);
		if ((l->mhd = start_daemon(h, l, o, o->listen[i], err,
		    errlen)) == NULL)
			goto fail;
		h->nlst++;
		info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
		ev_io_init(&l->io, io_cb, info->epoll_fd, EV_READ);
		l->io.data = l;
		ev_io_start(loop, &l->io);
		ev_timer_init(&l->timer, timer_cb, 0., 0.);
		l->timer.data = l;
		listener_rearm(l);
	}
	return h;
fail:
	httpd_stop(h);
	return NULL;
}

void
httpd_quiesce(struct httpd *h)
{
	size_t	 i;
	int	 fd;

	for (i = 0; i < h->nlst; i++) {
		if ((fd = MHD_quiesce_daemon(h->lst[i].mhd)) != -1)
			close(fd);
		/* Let MHD notice the closed listener at once. */
		listener_run(&h->lst[i]);
	}
}

unsigned
httpd_connections(struct httpd *h)
{
	unsigned	 n = 0;
	size_t		 i;

	for (i = 0; i < h->nlst; i++)
		n += listener_connections(&h->lst[i]);
	return n;
}

void
httpd_stop(struct httpd *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nlst; i++) {
		ev_io_stop(h->loop, &h->lst[i].io);
		ev_timer_stop(h->loop, &h->lst[i].timer);
		ev_timer_stop(h->loop, &h->lst[i].sweep);
		MHD_stop_daemon(h->lst[i].mhd);
	}
	free(h);
}
