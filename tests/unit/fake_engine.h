/*
 * fake_engine: a scripted Docker Engine API on a unix socket, for unit
 * tests of the code that talks to Docker.
 *
 * It runs on the test's own libev loop (no threads, no child process),
 * next to the client under test, so a test is deterministic: it scripts
 * replies, runs the loop until a condition holds (fake_run_until) and
 * then looks at what the client did and what the engine was asked.
 *
 *   accept ─► read the request head (and a Content-Length body)
 *        └─► count it, find the route ─► wait delay_ms ─► write the reply
 *               ├─ plain: status line, headers, Content-Length body;
 *               │         the connection then serves the next request
 *               ├─ cut:   only the first cut_at body bytes, then close
 *               ├─ hangup: close without a byte
 *               └─ stream: chunked; body is the first chunk, the test
 *                          sends more with fake_engine_stream_send(),
 *                          a burst of lines (fake_engine_stream_burst)
 *                          or a flood: lines as fast as the socket takes
 *                          them (fake_engine_stream_flood)
 *
 * Routes: fake_engine_reply() appends a reply to the queue of a method
 * and a path pattern (fnmatch(3), matched against the path without its
 * query string, e.g. "/v1.4?/containers/json"). Each request takes the
 * route's next reply; the last one stays and answers every later
 * request. Routes are tried in the order they were first added; a
 * request no route matches gets 404 {"message":"no route"}.
 *
 * Every string handed in is copied.
 */
#ifndef FAKE_ENGINE_H
#define FAKE_ENGINE_H

#include <stddef.h>

#include <ev.h>

struct fake_engine;

struct fake_reply {
	int		 status;	/* HTTP status; 0 = 200 */
	const char	*headers;	/* extra lines, each ending in "\r\n" */
	const char	*body;		/* NULL = empty */
	size_t		 body_len;	/* 0 = strlen(body) */
	unsigned	 delay_ms;	/* before the first byte of the reply */
	int		 cut;		/* send cut_at body bytes, then close */
	size_t		 cut_at;
	int		 hangup;	/* close at once, without a reply */
	int		 stream;	/* chunked, left open (see above) */
};

/*
 * Makes a private temp dir holding the socket and starts listening on
 * `loop`. NULL with a message on failure.
 */
struct fake_engine *fake_engine_new(struct ev_loop *loop, char *err,
		    size_t errlen);
/* Closes every connection, removes the socket and its dir. */
void		 fake_engine_free(struct fake_engine *);
/* The socket's path, and "unix://" + path for docker_config.host. */
const char	*fake_engine_path(const struct fake_engine *);
const char	*fake_engine_host(const struct fake_engine *);

/* Appends a reply to the route (method, pattern); see above. */
void		 fake_engine_reply(struct fake_engine *, const char *method,
		    const char *pattern, const struct fake_reply *);
/* The same for a plain reply: status and a body. */
void		 fake_engine_json(struct fake_engine *, const char *method,
		    const char *pattern, int status, const char *body);
/* Forgets every route (counts stay). */
void		 fake_engine_clear(struct fake_engine *);

/*
 * Requests received whose method and path (without query) match
 * `pattern` (fnmatch); method NULL = any. Counted when the request head
 * has arrived, before any delay.
 */
unsigned	 fake_engine_count(const struct fake_engine *, const char *method,
		    const char *pattern);
/* The whole target (path and query) of the latest match, or NULL. */
const char	*fake_engine_last(const struct fake_engine *, const char *method,
		    const char *pattern);

/*
 * Sends `len` bytes as one chunk to every open stream; returns how many
 * streams got it. fake_engine_stream_end() sends the last chunk and
 * closes them.
 */
unsigned	 fake_engine_stream_send(struct fake_engine *, const char *data,
		    size_t len);
unsigned	 fake_engine_stream_end(struct fake_engine *);

/*
 * Line `k` of a burst or a flood, with its newline, into `out`; returns
 * its length (at most outlen; 0 ends a burst early).
 */
typedef size_t	 fake_line_fn(char *out, size_t outlen, unsigned long k,
		    void *arg);
/*
 * Writes lines 0 .. n-1 of fn to every open stream at once (in chunks of
 * up to 64 KiB, queued whole before the first byte goes out); returns how
 * many streams got them. Bursts and floods give the stream's socket a
 * send buffer of 8 MiB (as root), so that a reader that does not bound
 * itself finds megabytes waiting.
 */
unsigned	 fake_engine_stream_burst(struct fake_engine *, fake_line_fn *,
		    void *arg, unsigned long n);
/*
 * A flood: from now on, whenever a stream's socket takes more, it gets
 * the next lines of fn (numbered on across streams) until
 * fake_engine_stream_flood_stop(); what is queued then still goes out.
 */
void		 fake_engine_stream_flood(struct fake_engine *, fake_line_fn *,
		    void *arg);
void		 fake_engine_stream_flood_stop(struct fake_engine *);
/* Lines written by bursts and floods so far. */
unsigned long	 fake_engine_flood_lines(const struct fake_engine *);
/* Streams whose head has been written and that are still open. */
unsigned	 fake_engine_streams(const struct fake_engine *);
/* Connections open now (streams, idle keep-alive, replies in flight). */
unsigned	 fake_engine_connections(const struct fake_engine *);

/* Closes every client connection at once, as a dying engine does. */
void		 fake_engine_drop_all(struct fake_engine *);
/*
 * An engine that is down: drops every connection and stops listening,
 * the socket file left in place so connect(2) gets ECONNREFUSED.
 * fake_engine_accept() listens again (an engine restart). 0, or -1 with
 * a message.
 */
void		 fake_engine_refuse(struct fake_engine *);
int		 fake_engine_accept(struct fake_engine *, char *err, size_t errlen);

/*
 * Runs `loop` until cond(arg) is true or `timeout` seconds have passed;
 * 1 if the condition held, 0 on timeout. cond NULL = just run for
 * `timeout` seconds.
 */
int		 fake_run_until(struct ev_loop *loop, int (*cond)(void *),
		    void *arg, double timeout);

#endif
