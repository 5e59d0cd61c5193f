/*
 * httpd: libmicrohttpd driven by the libev loop, and request routing.
 *
 * One MHD daemon per listen address, each in external epoll mode: its
 * epoll fd is watched by an ev_io and its timeout by an ev_timer, and
 * MHD_run() is called after either fires. Handlers therefore run on the
 * loop thread and read daemon state directly; they must stay fast.
 *
 * Handlers never see MHD: they get a request and fill a response, so
 * how the server listens (addresses, limits, TLS) changes nothing in them.
 */
#ifndef HALE_HTTPD_H
#define HALE_HTTPD_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "core/buf.h"

struct httpd;
struct httpd_request;
struct tls_material;
struct webcfg_header;

#define HTTPD_MAX_HEADERS	4
/* A longer URI (as sent, with its query) is answered 414. */
#define HTTPD_URI_MAX		8192
/*
 * A connection's buffer: a request line and headers that do not fit are
 * answered 431 (414 when the request line alone does not) by MHD.
 */
#define HTTPD_HEADER_MAX	(32 * 1024)

/*
 * A streamed body's source: fills buf[0..max) with the bytes from offset
 * `pos` on and returns how many it wrote (> 0), HTTPD_STREAM_END when the
 * body is complete, or HTTPD_STREAM_ERROR to abort the response (the
 * client sees a truncated chunked body, never a complete-looking one).
 */
typedef ssize_t	httpd_reader(void *arg, uint64_t pos, char *buf, size_t max);
#define HTTPD_STREAM_END	((ssize_t)-1)
#define HTTPD_STREAM_ERROR	((ssize_t)-2)

struct httpd_response {
	unsigned	 status;
	const char	*content_type;	/* static string */
	struct buf	 body;
	struct {
		const char	*name;	/* static strings */
		const char	*value;
	}		 headers[HTTPD_MAX_HEADERS];
	unsigned	 nheaders;
	char		 allow[48];	/* the Allow header of a 405 */
	char		 value[32];	/* one header value a handler formats */
	/* A body produced while it is sent (httpd_stream_body). */
	httpd_reader	*stream;
	void		*stream_arg;
	void		(*stream_free)(void *);
};

typedef void	httpd_handler(void *ctx, const struct httpd_request *,
		    struct httpd_response *);

struct httpd_route {
	const char	*method;	/* "GET" also serves HEAD */
	const char	*path;
	int		 prefix;	/* match path as a prefix ("/api/v1/containers/") */
	httpd_handler	*fn;
};

/*
 * What the web config file sets for every listener: TLS (NULL: plain
 * HTTP) and the headers added to every response. Pointers, not copies:
 * they must stay valid until the next httpd_set_web() returns.
 */
struct httpd_web {
	struct tls_material		*tls;
	const struct webcfg_header	*headers;
	size_t				 nheaders;
};

struct httpd_options {
	const char *const	*listen;	/* [HOST]:PORT strings */
	size_t			 nlisten;
	unsigned		 max_connections;
	unsigned		 max_per_ip;	/* connections from one address; 0: no limit */
	unsigned		 timeout_seconds;	/* idle */
	/* A new connection's request headers must be in by then; 0: the idle timeout. */
	uint64_t		 header_timeout_ms;
	struct httpd_web	 web;
};

/*
 * A gate sees every request before it is routed. It returns 1 to let the
 * request on, 0 when it has answered in the response, or 0 after taking
 * a ticket (httpd_suspend) with the response left alone: the request then
 * waits, its connection suspended, and once httpd_resume gives a verdict
 * the gate is asked again (httpd_request_verdict says it).
 */
typedef int	httpd_gate(void *arg, const struct httpd_request *,
		    struct httpd_response *);

/* Binds every address; -1 with a message if any fails. */
struct httpd	*httpd_start(struct ev_loop *, const struct httpd_options *,
		    const struct httpd_route *routes, void *ctx,
		    char *err, size_t errlen);
/*
 * Serves with other web settings: every listener's MHD daemon is stopped
 * (its connections closed) and a new one started on the same listening
 * socket, so no address is ever unbound. -1 with a message when MHD
 * refuses them; the previous settings are then back in place.
 */
int		 httpd_set_web(struct httpd *, const struct httpd_web *,
		    char *err, size_t errlen);
/* Stops accepting; in-flight requests go on. */
void		 httpd_quiesce(struct httpd *);
/* Connections still open across all listeners. */
unsigned	 httpd_connections(struct httpd *);
void		 httpd_stop(struct httpd *);

/* The gate every request passes first (NULL: none). */
void		 httpd_set_gate(struct httpd *, httpd_gate *, void *arg);

/*
 * A request waits for an answer computed elsewhere (a password hash on
 * a worker thread). A gate or a handler takes the ticket and returns
 * without filling the response; httpd suspends the connection. Later, on
 * the loop thread, httpd_resume(ticket, verdict) resumes it and asks the
 * gate or handler again, which then reads the verdict (>= 0) through
 * httpd_request_verdict (-1 when there is none). If the connection must
 * go before that (httpd_stop), cancel(arg) is called and the ticket is
 * dead. NULL (no memory for the connection's state): answer 503.
 */
struct httpd_ticket;
struct httpd_ticket *httpd_suspend(const struct httpd_request *,
		    void (*cancel)(void *), void *arg);
void		 httpd_resume(struct httpd_ticket *, int verdict);
int		 httpd_request_verdict(const struct httpd_request *);

const char	*httpd_request_path(const struct httpd_request *);
const char	*httpd_request_method(const struct httpd_request *);
/* The client's address without its port ("127.0.0.1", "::1"); "" if unknown. */
void		 httpd_request_client(const struct httpd_request *, char *out,
		    size_t outlen);
const char	*httpd_request_header(const struct httpd_request *,
		    const char *name);
/* A query argument, decoded; NULL if absent. */
const char	*httpd_request_arg(const struct httpd_request *,
		    const char *name);

void		 httpd_add_header(struct httpd_response *, const char *name,
		    const char *value);
/*
 * Sends what read(arg, ...) produces instead of resp->body, with chunked
 * transfer encoding, as the socket takes it; release(arg) is called once
 * the response is done with (also when it could not be queued).
 */
void		 httpd_stream_body(struct httpd_response *, httpd_reader *read,
		    void *arg, void (*release)(void *));
/* Plain-text response with a trailing newline. */
void		 httpd_text(struct httpd_response *, unsigned status,
		    const char *text);

#endif
