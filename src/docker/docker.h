/*
 * docker: the Docker Engine API client. Keeps the inventory in step with
 * the engine: version negotiation, the /events stream, list and inspect,
 * reconnect with backoff, and (for remediation) restart/stop/kill. The
 * files behind it are listed in docker_impl.h.
 *
 * Runs entirely on the libev loop through curlev; never blocks. When
 * Docker is unreachable the client is simply "down" (hale_docker_up 0)
 * and keeps retrying; nothing else in the daemon stops.
 */
#ifndef HALE_DOCKER_H
#define HALE_DOCKER_H

#include <stddef.h>

#include <ev.h>

#include "docker/curlev.h"
#include "docker/inventory.h"
#include "core/metrics.h"

struct docker_config {
	const char	*host;		/* unix:///path or tcp://HOST:PORT (copied) */
	double		 backoff_min;	/* seconds; 0 = 0.25 */
	double		 backoff_max;	/* seconds; 0 = 5 */
	double		 connect_timeout;	/* seconds; 0 = 5 */
	double		 request_timeout;	/* list/inspect/version; 0 = 30 */
	size_t		 line_max;	/* events line cap; 0 = DOCKER_LINE_MAX */
	unsigned	 max_inspects;	/* concurrent inspects; 0 = 4 */
	/*
	 * Event lines handled per loop iteration (at most 5 ms of them)
	 * before the stream is paused until the loop has served
	 * everything else; 0 = 1024.
	 */
	unsigned	 event_batch;
	/* Containers waiting for an inspect after events; 0 = 1024. */
	unsigned	 max_pending;
	/* Only containers with all these labels ("key" or "key=value", copied). */
	const char *const *label_filter;
	size_t		 nlabel_filter;
	/* Only this container's compose project (docker.scope=project); NULL = all. */
	const char	*scope_self;
};

struct docker_stats {
	int		 up;		/* events stream established */
	int		 api;		/* negotiated, major * 100 + minor; 0 = none yet */
	uint64_t	 events[DOCKER_ACTION_COUNT];
	uint64_t	 event_errors;	/* malformed or oversized event lines */
	uint64_t	 reconnects;	/* connection attempts after the first */
	uint64_t	 conn_failures;	/* attempts or streams that failed */
	uint64_t	 resyncs;	/* completed list + reconcile rounds */
	int		 synced;	/* the first list's inspects are in */
	uint64_t	 inspects;	/* inspect requests completed */
	uint64_t	 request_errors;	/* version/list/inspect failures */
	uint64_t	 events_coalesced;	/* merged into a queued inspect */
	uint64_t	 events_dropped;	/* queue full: left to a resync */
	uint64_t	 stream_pauses;	/* the event batch ran out */
};

/*
 * Nothing happens until docker_start(). `cv` and `inv` must outlive the
 * client. NULL with a message if the host string is invalid.
 */
struct docker	*docker_new(struct ev_loop *, struct curlev *,
		    struct inventory *, const struct docker_config *,
		    char *err, size_t errlen);
void		 docker_start(struct docker *);
/* Cancels every transfer and timer. Call before curlev_free(). */
void		 docker_free(struct docker *);
void		 docker_get_stats(const struct docker *, struct docker_stats *);

/*
 * What Docker says about which containers there are: LISTED once a list
 * has been reconciled and every inspect it asked for has answered or
 * failed (the inventory is the truth, even while Docker is down again);
 * PENDING while the first connection is being made or the first list or
 * its inspects are awaited (the inventory is not complete yet, and
 * nothing else is Docker's); UNREACHABLE when it never answered and an attempt
 * failed, the one case where containers found by walking the cgroup tree
 * stand in for it.
 */
enum docker_listing {
	DOCKER_LISTED,
	DOCKER_LISTING_PENDING,
	DOCKER_UNREACHABLE
};
enum docker_listing docker_listing(const struct docker_stats *);
/*
 * hale_docker_up, hale_docker_events_total{action},
 * hale_docker_event_errors_total, hale_docker_reconnects_total,
 * hale_docker_events_coalesced_total, hale_docker_events_dropped_total,
 * hale_docker_stream_pauses_total.
 */
void		 docker_write_metrics(struct docker *, struct metrics_writer *);

/*
 * Called for every parsed container event, after the inventory applied
 * it: remediation tells an operator's stop or kill from a failure this
 * way. Runs inside libcurl's write callback: the callee must defer any
 * transfer it starts to the loop.
 */
typedef void docker_event_cb(void *arg, const struct docker_event *);
void		 docker_set_event_cb(struct docker *, docker_event_cb *, void *arg);

/* ---- actions (for remediation) ---------------------------------------- */

enum docker_ctl {
	DOCKER_CTL_RESTART,	/* POST /containers/{id}/restart?t= */
	DOCKER_CTL_STOP,	/* POST /containers/{id}/stop?t= */
	DOCKER_CTL_KILL,	/* POST /containers/{id}/kill?signal= */
};

/*
 * `ok` is 1 for HTTP 204 (and 304 "already stopped" for stop), else 0
 * with Docker's message or the transport error in `err`. status is the
 * HTTP status, 0 if none arrived. Not called if the client is freed
 * first.
 */
typedef void docker_ctl_cb(void *arg, int ok, long status, const char *err);

/*
 * `timeout` is Docker's grace period in seconds before SIGKILL (restart,
 * stop; -1 = the container's own StopTimeout); `signal` names the kill
 * signal ("SIGTERM", "9"; NULL = SIGKILL). -1 with a message if the
 * request could not be started (bad id, Docker down).
 */
int		 docker_container_ctl(struct docker *, const char *id,
		    enum docker_ctl, int timeout, const char *signal,
		    docker_ctl_cb *, void *arg, char *err, size_t errlen);

/* ---- a container's last log lines (docker_logs.c) ------------------------ */

/*
 * `text` (len bytes, NUL-terminated) holds the last lines, or is NULL
 * with Docker's message or the transport error in `err` (a timeout
 * among them). Not called if the client is freed or the request
 * cancelled first.
 */
typedef void docker_logs_cb(void *arg, const char *text, size_t len,
    const char *err);
struct docker_req;
/*
 * GET /containers/{id}/logs?stdout=1&stderr=1&tail=lines&timestamps=0,
 * kept to the last `lines` lines and `max_bytes` bytes (logtail.h),
 * given up after `timeout` seconds. NULL with a message if it could not
 * start (bad id, Docker down); else a handle for docker_logs_cancel.
 */
struct docker_req *docker_container_logs(struct docker *, const char *id,
		    size_t lines, size_t max_bytes, double timeout,
		    docker_logs_cb *, void *arg, char *err, size_t errlen);
void		 docker_logs_cancel(struct docker *, struct docker_req *);

#endif
