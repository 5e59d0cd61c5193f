/*
 * docker_impl: what the files of the Docker client share, and nothing
 * outside src/docker includes. The client is split by concern:
 *
 *   docker.c          the connection state machine (version, the events
 *                     stream, backoff) and the client's life cycle
 *   docker_req.c      one HTTP request to the engine on curlev
 *   docker_sync.c     keeping the inventory in step: list, reconcile,
 *                     the inspect queue, applying event lines
 *   docker_ctl.c      restart / stop / kill for remediation
 *   docker_scope.c    which containers are watched (label filter, project)
 *   docker_metrics.c  the client's metric families
 */
#ifndef HALE_DOCKER_IMPL_H
#define HALE_DOCKER_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <curl/curl.h>
#include <ev.h>

#include "core/buf.h"
#include "core/rand.h"
#include "docker/docker.h"
#include "docker/docker_filter.h"
#include "docker/docker_parse.h"
#include "docker/logtail.h"

/* The connection's states; see the diagram at the top of docker.c. */
enum docker_conn {
	DOCKER_CONN_IDLE,		/* docker_start() not called yet */
	DOCKER_CONN_NEGOTIATING,	/* GET /version in flight */
	DOCKER_CONN_SCOPING,		/* GET /containers/<self>/json in flight */
	DOCKER_CONN_SUBSCRIBING,	/* GET /events sent, no 200 yet */
	DOCKER_CONN_STREAMING,		/* events flowing: the client is up */
	DOCKER_CONN_BACKOFF,		/* waiting for the retry timer */
};

enum docker_req_kind {
	DOCKER_REQ_VERSION,
	DOCKER_REQ_EVENTS,
	DOCKER_REQ_LIST,
	DOCKER_REQ_INSPECT,
	DOCKER_REQ_CTL,
	DOCKER_REQ_SELF,
	DOCKER_REQ_LOGS,
};

struct docker_req {
	struct docker		*d;
	enum docker_req_kind	 kind;
	CURL			*easy;
	struct buf		 body;
	size_t			 body_max;
	int			 overflow;
	char			 id[DOCKER_ID_LEN + 1];
	char			 errbuf[CURL_ERROR_SIZE];
	docker_ctl_cb		*ctl_cb;
	void			*ctl_arg;
	struct logtail		*tail;		/* logs: the body, demultiplexed */
	docker_logs_cb		*logs_cb;
	void			*logs_arg;
	TAILQ_ENTRY(docker_req)	 entry;
};

struct docker_pending;

struct docker {
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct inventory	*inv;
	struct docker_endpoint	 ep;
	struct docker_config	 cfg;
	char			 host[300];

	/* connection (docker.c) */
	enum docker_conn	 state;
	int			 api;		/* negotiated version */
	char			 engine_version[64];
	struct docker_req	*events_req;
	int			 stream_ok;	/* events answered 200 */
	struct docker_lines	 lines;
	int			 drop_logged;	/* one warning per connection */
	/* flow control of the stream (docker.c) */
	unsigned		 batch_iter;	/* the loop iteration counted */
	unsigned		 batch_used;	/* lines handled in it */
	double			 batch_start;	/* when its first line came */
	ev_idle			 resume_idle;	/* keeps the loop from blocking */
	ev_check		 resume;	/* unpauses after an iteration */
	int			 full_logged;	/* one warning per connection */
	ev_timer		 kick;		/* 0 s: deferred work */
	ev_timer		 retry;		/* backoff before the next connect */
	unsigned		 attempts;	/* consecutive failures */
	unsigned		 connects;
	struct rand_state	 rng;		/* retry jitter */
	char			 last_err[256];	/* what we last logged */

	/* scope (docker_scope.c) */
	char			**scope_labels;	/* the engine's label filter */
	size_t			 nscope_labels;
	char			 self_id[DOCKER_ID_LEN + 1];	/* scope=project */
	int			 scoped;	/* the filters below are built */
	int			 scope_logged;
	char			 filter_list[DOCKER_FILTER_MAX + 16];	/* "&filters=…" or "" */
	char			 filter_events[DOCKER_FILTER_MAX];

	/* inventory sync (docker_sync.c) */
	struct docker_req	*list_req;
	int			 first_sync;	/* next resync is the connection's first */
	int			 resync_wanted;
	unsigned long		 list_epoch;
	ev_timer		 resync_retry;	/* after a failed list/inspect */
	struct docker_pending	*pending;	/* hash by id */
	TAILQ_HEAD(, docker_pending) queue;	/* waiting for a slot */
	unsigned		 inflight;	/* inspects running */
	unsigned		 first_left;	/* the first sync's inspects to come */

	TAILQ_HEAD(, docker_req) reqs;		/* every transfer we own */
	struct docker_stats	 st;
	docker_event_cb		*event_cb;	/* sees every container event */
	void			*event_arg;
};

/* 1 while the events stream is open. */
#define DOCKER_UP(d)	((d)->state == DOCKER_CONN_STREAMING)

/* ---- docker.c ----------------------------------------------------------- */

/* Runs the deferred work from the loop (transfers may start there). */
void	docker_kick(struct docker *);
/* curlev's `done` of every request: hands it to its kind's handler. */
void	docker_req_done(CURL *, CURLcode, void *arg);
/* Any state ─► BACKOFF (the one failure path). */
void	docker_conn_fail(struct docker *, const char *what, const char *key,
	    const char *msg);
/* SCOPING ─► SUBSCRIBING. */
void	docker_conn_subscribe(struct docker *);

/* ---- docker_scope.c ---------------------------------------------------------- */

/* Copies the label filter; builds the queries unless a project is to be found. */
int	docker_scope_init(struct docker *, const struct docker_config *,
	    char *err, size_t errlen);
void	docker_scope_free(struct docker *);
/* NEGOTIATING ─► SCOPING: inspect our own container; -1 if not started. */
int	docker_scope_start(struct docker *);
void	docker_scope_done(struct docker *, struct docker_req *, CURLcode);

/* ---- docker_req.c ---------------------------------------------------------- */

/*
 * Builds a transfer; `path` is appended to the base URL. NULL if memory
 * ran out or the URL does not fit.
 */
struct docker_req *docker_req_new(struct docker *, enum docker_req_kind,
	    const char *path, size_t body_max, int post, double timeout);
/* Hands it to curlev; on failure it is freed and -1 returned. */
int	docker_req_submit(struct docker *, struct docker_req *);
void	docker_req_free(struct docker_req *);
/* libcurl's write callback that collects a bounded body. */
size_t	docker_req_on_body(char *data, size_t size, size_t nmemb, void *arg);
/*
 * What went wrong with a finished request, or NULL if it got a 2xx.
 * `key` (if not NULL) gets a short stable name of the failure for
 * "log once" comparisons; msg the details.
 */
const char *docker_req_failure(struct docker_req *, CURLcode, long *status,
	    char *msg, size_t msglen, const char **key);

/* ---- docker_sync.c ---------------------------------------------------------- */

void	docker_sync_init(struct docker *);
void	docker_sync_free(struct docker *);
/* The stream is up: the next kick lists and reconciles. */
void	docker_sync_begin(struct docker *);
/* From the kick: a list if one is wanted, then inspects up to the cap. */
void	docker_sync_run(struct docker *);
void	docker_sync_list_done(struct docker *, struct docker_req *, CURLcode);
void	docker_sync_inspect_done(struct docker *, struct docker_req *,
	    CURLcode);
/* The events line splitter's callbacks (arg is the client). */
void	docker_sync_on_line(const char *line, size_t len, void *arg);
void	docker_sync_on_dropped_line(const char *prefix, size_t len, void *arg);

/* ---- docker_ctl.c ------------------------------------------------------------ */

void	docker_ctl_done(struct docker_req *, CURLcode);
void	docker_logs_done(struct docker_req *, CURLcode);

#endif
