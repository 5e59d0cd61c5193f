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
 *
 * A request whose gate or handler takes a ticket waits suspended:
 *
 *	access_cb --> gate/handler: httpd_suspend --> MHD_suspend_connection
 *	   ... (a worker thread, an ev_async on this loop) ...
 *	httpd_resume --> MHD_resume_connection --> listener timer at 0
 *	   --> MHD_run --> access_cb again --> gate/handler reads the verdict
 *
 * MHD_run is never called from inside itself: a resume only arms the
 * listener's timer. A suspended connection sees no timeout and no hangup
 * (MHD does not watch it); httpd_stop cancels the tickets and resumes
 * every one first, as MHD_stop_daemon requires.
 *
 * TLS (the web config file): MHD fixes a daemon's certificate, key, CA
 * list and GnuTLS priorities when it starts. New ones are applied by
 * stopping each listener's daemon and starting another on the same
 * listening socket (MHD_quiesce_daemon, MHD_OPTION_LISTEN_SOCKET):
 * unlike MHD_OPTION_HTTPS_CERT_CALLBACK, which would swap only the
 * certificate, this applies every field alike (versions, ciphers, client
 * CAs, TLS on or off), and the address is never unbound. The price: the
 * connections open at that moment are closed.
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
#include "http/httpd_route.h"
#include "http/httpd_listen.h"
#include "http/httpd_queue.h"
#include "http/tls.h"
#include "http/webcfg.h"

/* How often connections are checked against their header deadline. */
#define SWEEP_INTERVAL	0.25

_Static_assert(HTTPD_STREAM_END == MHD_CONTENT_READER_END_OF_STREAM,
    "httpd's end-of-stream is libmicrohttpd's");
_Static_assert(HTTPD_STREAM_ERROR == MHD_CONTENT_READER_END_WITH_ERROR,
    "httpd's stream error is libmicrohttpd's");

struct hconn;

/* A waiting request: its connection. */
struct httpd_ticket {
	struct hconn	*hc;
};

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
	/* The current request's wait for a verdict (httpd_suspend). */
	struct httpd_ticket	 ticket;
	int			 gate_passed;
	int			 pending;	/* a ticket is out */
	int			 suspended;	/* MHD knows it so */
	int			 verdict;	/* -1: none */
	void			(*cancel)(void *);
	void			*cancel_arg;
};

struct listener {
	struct httpd		*httpd;
	struct MHD_Daemon	*mhd;
	ev_io			 io;
	ev_timer		 timer;
	ev_timer		 sweep;
	struct hconn		*hconns;
	unsigned		 conns;		/* open after the last run */
	int			 fd;		/* listening socket kept between daemons */
	char			 addr[128];
};

struct httpd {
	struct ev_loop			*loop;
	unsigned			 max_connections;
	struct httpd_options		 o;	/* the limits; listen is not kept */
	struct httpd_web		 web;
	int				 quiesced;	/* shutting down */
	double				 header_timeout;	/* seconds */
	double				 idle_timeout;
	const struct httpd_route	*routes;
	void				*ctx;
	httpd_gate			*gate;
	void				*gate_arg;
	struct listener			 lst[8];
	size_t				 nlst;
};

struct httpd_request {
	struct MHD_Connection	*conn;
	const char		*method;
	const char		*path;
	struct hconn		*hc;	/* NULL without memory for it */
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
	hc->gate_passed = 0;
	hc->verdict = -1;
	if (!ev_is_active(&hc->l->sweep))
		ev_timer_again(loop, &hc->l->sweep);
}

/* The ticket's owner forgets it: the connection goes. */
static void
hconn_cancel(struct hconn *hc)
{
	void	(*cancel)(void *) = hc->cancel;

	hc->cancel = NULL;
	if (hc->pending && cancel != NULL)
		cancel(hc->cancel_arg);
	hc->pending = 0;
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
		hc->ticket.hc = hc;
		if ((hc->next = l->hconns) != NULL)
			hc->next->prevp = &hc->next;
		hc->prevp = &l->hconns;
		l->hconns = hc;
		*socket_ctx = hc;
		hconn_wait(hc, l->httpd->header_timeout);
	} else if (what == MHD_CONNECTION_NOTIFY_CLOSED && hc != NULL) {
		hconn_cancel(hc);
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
httpd_request_method(const struct httpd_request *r)
{
	return r->method;
}

void
httpd_request_client(const struct httpd_request *r, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	socklen_t			 len;

	out[0] = '\0';
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, out, (socklen_t)outlen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		out[0] = '\0';
}

void
httpd_set_gate(struct httpd *h, httpd_gate *gate, void *arg)
{
	h->gate = gate;
	h->gate_arg = arg;
}

struct httpd_ticket *
httpd_suspend(const struct httpd_request *r, void (*cancel)(void *),
    void *arg)
{
	struct hconn	*hc = r->hc;

	if (hc == NULL || hc->pending)
		return NULL;
	hc->pending = 1;
	hc->cancel = cancel;
	hc->cancel_arg = arg;
	return &hc->ticket;
}

void
httpd_resume(struct httpd_ticket *t, int verdict)
{
	struct hconn	*hc = t->hc;
	struct listener	*l = hc->l;

	if (!hc->pending)
		return;
	hc->pending = 0;
	hc->cancel = NULL;
	hc->verdict = verdict;
	if (!hc->suspended)
		return;
	hc->suspended = 0;
	MHD_resume_connection(hc->conn);
	/* MHD takes it back on its next run: make that now. */
	ev_timer_stop(l->httpd->loop, &l->timer);
	ev_timer_set(&l->timer, 0., 0.);
	ev_timer_start(l->httpd->loop, &l->timer);
}

int
httpd_request_verdict(const struct httpd_request *r)
{
	return r->hc != NULL ? r->hc->verdict : -1;
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

/*
 * The gate, then the route. 1 when the response is made, 0 when one of
 * them took a ticket and the request waits.
 */
static int
answer(struct httpd *h, struct hconn *hc, const struct httpd_request *req,
    struct httpd_response *resp)
{
	int	 pass;

	if (h->gate != NULL && (hc == NULL || !hc->gate_passed)) {
		pass = h->gate(h->gate_arg, req, resp);
		if (hc != NULL && hc->pending)
			return 0;
		if (hc != NULL)
			hc->verdict = -1;	/* the gate's, not the handler's */
		if (!pass)
			return 1;
		if (hc != NULL)
			hc->gate_passed = 1;
	}
	httpd_dispatch(h->routes, h->ctx, req, resp);
	return hc == NULL || !hc->pending;
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
	struct httpd_request	 req = { conn, method, url, hc };
	struct httpd_response	 resp;
	const char		*why;
	enum MHD_Result		 rc;

	(void)upload_data;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body);
	why = refuse(&resp, conn, hc, version);
	if (why == NULL && h->web.tls != NULL &&
	    (why = tls_client_refused(conn, h->web.tls)) != NULL)
		httpd_text(&resp, 403, "forbidden: no trusted client certificate");
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
	} else if (!answer(h, hc, &req, &resp)) {
		hc->suspended = 1;
		MHD_suspend_connection(conn);
		buf_free(&resp.body);
		return MHD_YES;
	} else {
		log_debug("http request", LOG_S("method", method),
		    LOG_S("path", url), LOG_U("status", resp.status));
	}
	rc = httpd_queue(conn, &resp, &h->web);
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

/*
 * A listener's MHD daemon: on its kept socket when it has one (a restart
 * for new web settings), else bound to its address.
 */
static struct MHD_Daemon *
start_daemon(struct httpd *h, struct listener *l, char *err, size_t errlen)
{
	const struct httpd_options *o = &h->o;
	struct MHD_OptionItem	 tlsopt[TLS_MHD_OPTIONS + 1];
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = 0;
	struct MHD_Daemon	*d;
	const char		*addr = l->addr;
	/* Suspend/resume adds MHD's wake-up pipe to its epoll set. */
	unsigned		 flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
				    MHD_ALLOW_SUSPEND_RESUME;
	uint16_t		 port = 0;
	int			 any;

	tls_mhd_options(h->web.tls, tlsopt);
	if (h->web.tls != NULL)
		flags |= MHD_USE_TLS;
/* The logger goes first, or MHD logs the options before it on its own. */
#define MHD_COMMON_OPTIONS						\
	MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,			\
	MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,	\
	MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip,	\
	MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_seconds,	\
	MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_HEADER_MAX,	\
	MHD_OPTION_NOTIFY_CONNECTION, notify_connection, l,		\
	MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,		\
	MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,			\
	MHD_OPTION_ARRAY, tlsopt
	if (l->fd != -1) {
		d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
		    MHD_COMMON_OPTIONS, MHD_OPTION_LISTEN_SOCKET, l->fd,
		    MHD_OPTION_END);
		if (d == NULL)
			err_set(err, errlen, "%s: libmicrohttpd refused the web "
			    "settings (see its log at debug level)", addr);
		return d;
	}
	if (httpd_resolve(addr, &ss, &sslen, &any, &port, err, errlen) == -1)
		return NULL;
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
		httpd_listen_failure(addr, errno, err, errlen);
	return d;
}

/* The loop watches a (new) daemon's epoll fd and timeout. */
static void
listener_watch(struct listener *l)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	ev_io_set(&l->io, info->epoll_fd, EV_READ);
	ev_io_start(l->httpd->loop, &l->io);
	listener_rearm(l);
}

/* MHD_stop_daemon must find no connection suspended. */
static void
listener_release_waiting(struct listener *l)
{
	struct hconn	*hc;

	for (hc = l->hconns; hc != NULL; hc = hc->next) {
		hconn_cancel(hc);
		if (hc->suspended) {
			hc->suspended = 0;
			MHD_resume_connection(hc->conn);
		}
	}
}

/*
 * A new daemon on the old one's socket. The old one goes first: its
 * connections close (MHD has no way to hand them over) and a listener
 * never has two daemons. The socket stays in l->fd, so a failed start
 * can be retried with other settings.
 */
static int
listener_restart(struct listener *l, char *err, size_t errlen)
{
	struct ev_loop	*loop = l->httpd->loop;
	int		 fd;

	if (l->mhd != NULL) {
		if ((fd = MHD_quiesce_daemon(l->mhd)) == -1)
			return err_set(err, errlen, "%s: cannot take the listening "
			    "socket over from libmicrohttpd", l->addr);
		l->fd = fd;
		listener_release_waiting(l);
		ev_io_stop(loop, &l->io);
		ev_timer_stop(loop, &l->timer);
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
	}
	if ((l->mhd = start_daemon(l->httpd, l, err, errlen)) == NULL)
		return -1;
	listener_watch(l);
	return 0;
}

static int
restart_all(struct httpd *h, char *err, size_t errlen)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < h->nlst; i++)
		if (listener_restart(&h->lst[i], err, errlen) == -1)
			rc = -1;
	return rc;
}

int
httpd_set_web(struct httpd *h, const struct httpd_web *web, char *err,
    size_t errlen)
{
	struct httpd_web	 old = h->web;
	char			 again[256];

	/* Its listening sockets are closed: nothing to restart on. */
	if (h->quiesced)
		return err_set(err, errlen, "shutting down");
	h->web = *web;
	if (restart_all(h, err, errlen) == 0)
		return 0;
	h->web = old;
	if (restart_all(h, again, sizeof(again)) == -1)
		log_error("http listener down: cannot restart it with the "
		    "previous web settings either", LOG_S("err", again));
	return -1;
}

struct httpd *
httpd_start(struct ev_loop *loop, const struct httpd_options *o,
    const struct httpd_route *routes, void *ctx, char *err, size_t errlen)
{
	struct httpd		*h;
	size_t			 i;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	h->loop = loop;
	h->o = *o;
	h->o.listen = NULL;
	h->web = o->web;
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
		l->fd = -1;
		snprintf(l->addr, sizeof(l->addr), "%s", o->listen[i]);
		if ((l->mhd = start_daemon(h, l, err, errlen)) == NULL)
			goto fail;
		h->nlst++;
		ev_init(&l->io, io_cb);
		l->io.data = l;
		ev_timer_init(&l->timer, timer_cb, 0., 0.);
		l->timer.data = l;
		listener_watch(l);
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

	h->quiesced = 1;
	for (i = 0; i < h->nlst; i++) {
		if (h->lst[i].mhd == NULL)
			continue;
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
		if (h->lst[i].mhd != NULL)
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
		listener_release_waiting(&h->lst[i]);
		ev_io_stop(h->loop, &h->lst[i].io);
		ev_timer_stop(h->loop, &h->lst[i].timer);
		ev_timer_stop(h->loop, &h->lst[i].sweep);
		if (h->lst[i].mhd != NULL)
			MHD_stop_daemon(h->lst[i].mhd);
		else if (h->lst[i].fd != -1)
			close(h->lst[i].fd);	/* a restart that failed */
	}
	free(h);
}
