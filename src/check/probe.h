/*
 * probe: the check engine. One check per running container that has a
 * hale check (labels or config rules), each with its own ev_timer, at
 * most one probe in flight, results classified and kept for the API,
 * and the health state machine fed with them.
 *
 * Construction and wiring (main.c):
 *
 *	curl_global_init(CURL_GLOBAL_DEFAULT)
 *	cv  = curlev_new(loop)
 *	inv = inventory_new(cgroup_id_resolve, cfg->procfs, ...)
 *	eng = probe_engine_new(&(struct probe_options){ .loop = loop,
 *	          .curlev = cv, .inv = inv, .procfs = cfg->procfs,
 *	          .rules = sections_checks(cfg) })
 *	inventory_add_observer(inv, probe_observe, eng)
 *	docker = docker_new(loop, cv, inv, ...); docker_start(docker)
 *	API:      inventory_json_{list,one}(inv, ..., hook, ...) -> probe_health_json
 *	metrics:  probe_write_metrics(eng, w) next to inventory_write_metrics;
 *	          inventory_set_health_fn(inv, probe_health_value, eng), so
 *	          container_health_state is the combined state
 *	reload:   probe_set_rules(eng, sections_checks(newcfg)) before freeing
 *	          the old config (the engine keeps a pointer to the rules)
 *	shutdown: docker_free → probe_engine_free → curlev_free →
 *	          inventory_free (the loop still exists throughout)
 *
 * The files: probe.c (the engine), probe_sched.c (due times, the slack
 * grid, jitter), probe_target.c (where a probe connects), probe_json.c
 * and probe_metrics.c (its views), probe_check.h (what they share). The
 * probe kinds (probe_http.c, probe_tcp.c) are separate from the
 * scheduler: each takes a spec and a resolved target and reports one
 * struct probe_result through one callback, exactly once, never from
 * inside its start function.
 */
#ifndef HALE_PROBE_H
#define HALE_PROBE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cJSON.h>
#include <ev.h>

#include "check/checkspec.h"
#include "docker/curlev.h"
#include "docker/docker_parse.h"
#include "check/health.h"
#include "docker/inventory.h"
#include "core/buf.h"
#include "core/metrics.h"
#include "core/rand.h"
#include "check/netns.h"

#define PROBE_HISTORY_DEFAULT	10
#define PROBE_HISTORY_MAX	100
#define PROBE_BODY_MAX		(16 * 1024)	/* body prefix read for expect_body */
#define PROBE_REDIRECTS_MAX	5
#define PROBE_MSG_MAX		160
#define PROBE_USER_AGENT	"hale-probe/" PACKAGE_VERSION

/* Why a probe failed, from the cheapest layer up (HAProxy's L4/L6/L7). */
enum probe_class {
	PROBE_OK = 0,
	PROBE_TIMEOUT,		/* no answer within the timeout */
	PROBE_REFUSED,		/* connection refused: nothing listens */
	PROBE_RESET,		/* connection reset or closed without a reply */
	PROBE_TLS,		/* handshake or certificate */
	PROBE_STATUS,		/* HTTP status not in expect_status */
	PROBE_BODY,		/* body or TCP reply did not match */
	PROBE_ERROR,		/* anything else (namespace, socket, protocol) */
	PROBE_CLASS_COUNT
};

struct probe_result {
	enum probe_class	 cls;
	double			 time;		/* start, unix seconds */
	double			 duration;	/* seconds */
	long			 http_status;	/* 0 if none */
	char			 msg[PROBE_MSG_MAX];
};

/* Where a probe connects: always the container itself. */
struct probe_target {
	enum checkspec_target	 how;		/* netns, ip or host; never auto */
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			 host[64];	/* numeric, URL form: 127.0.0.1, [::1] */
	uint16_t		 port;
	int			 nsfd;		/* netns: the namespace fd, else -1 */
};

struct probe_http_pool;

/* What the probe kinds share. */
struct probe_env {
	struct ev_loop		*loop;
	struct curlev		*curlev;
	struct netns		*netns;
	size_t			 body_max;
	struct probe_http_pool	*http_pool;	/* NULL: a new handle each probe */
};

typedef void probe_done_cb(void *arg, const struct probe_result *);

/*
 * The spec and the env must outlive the probe; the target is copied.
 * NULL with a message if it could not even start (the caller records
 * that as an error result itself).
 */
struct probe_http *probe_http_start(const struct probe_env *,
	    const struct checkspec *, const struct probe_target *,
	    probe_done_cb *, void *arg, char *err, size_t errlen);
/* Stops it without calling `done`. */
void	probe_http_cancel(struct probe_http *);
/*
 * Idle libcurl easy handles kept for the next HTTP probes (at most
 * PROBE_HTTP_POOL_MAX): a probe takes one, reset to libcurl's defaults,
 * instead of making and destroying one with its receive buffer. Nothing
 * of a probe survives in a handle it gives back: options are reset,
 * connections are never kept (FORBID_REUSE) and TLS sessions are not
 * cached. Free it after every probe using it is over.
 */
#define PROBE_HTTP_POOL_MAX	16
struct probe_http_pool *probe_http_pool_new(void);
void	probe_http_pool_free(struct probe_http_pool *);
/* Handles waiting in it. */
size_t	probe_http_pool_idle(const struct probe_http_pool *);
/*
 * A plain http:// check without libcurl (probe_plain.c): the TCP probe's
 * kind of state machine, one HTTP/1.1 request with Connection: close, the
 * answer parsed by http_resp. The same results as probe_http_start.
 */
struct probe_plain *probe_plain_start(const struct probe_env *,
	    const struct checkspec *, const struct probe_target *,
	    probe_done_cb *, void *arg, char *err, size_t errlen);
void	probe_plain_cancel(struct probe_plain *);
/*
 * What both HTTP paths share: the verdict on a complete answer (class,
 * message "HTTP 200" ...), whether two URLs have one scheme, host and
 * port, and a Location resolved against the URL it answered (the
 * absolute URL and the request target: path and query), 0 or -1.
 */
enum probe_class probe_http_verdict(const struct checkspec *, long status,
	    const char *body, size_t len, char *msg, size_t msglen);
int	probe_http_same_origin(const char *a, const char *b);
int	probe_http_resolve(const char *base, const char *loc, char *url,
	    size_t urllen, char *target, size_t targetlen);
struct probe_tcp *probe_tcp_start(const struct probe_env *,
	    const struct checkspec *, const struct probe_target *,
	    probe_done_cb *, void *arg, char *err, size_t errlen);
void	probe_tcp_cancel(struct probe_tcp *);

/*
 * A probe's socket closed with a reset (SO_LINGER 0): no FIN exchange and
 * no TIME_WAIT socket left in the container's namespace per probe. *fd
 * becomes -1; -1 already is nothing to do.
 */
void	probe_socket_close(int *fd);
/* The outcome of a non-blocking connect: 0, or its errno (SO_ERROR). */
int	probe_socket_error(int fd);
/* errno of a failed connect/read/write -> class. Pure. */
enum probe_class probe_class_of_errno(int);
/* libcurl's result (+ the OS errno it saw) -> class. Pure. */
enum probe_class probe_class_of_curl(int curlcode, long os_errno);
const char *probe_class_name(enum probe_class);

/* ---- the engine ------------------------------------------------------- */

struct probe_engine;

struct probe_options {
	struct ev_loop			*loop;
	struct curlev			*curlev;
	struct inventory		*inv;
	const char			*procfs;	/* NULL = /proc */
	const struct checkspec_rules	*rules;		/* may be NULL */
	double				 jitter;	/* ± fraction of the interval; 0 = 0.1 */
	uint64_t			 seed;		/* 0 = rand_seed */
	size_t				 history;	/* results kept; 0 = 10 */
	int				 netns;		/* 0 detect, 1 assume yes, -1 never */
};

/*
 * Called once per health transition of a hale check (for remediation),
 * from the loop, while the check is being updated: it may read the
 * engine (probe_health_status, probe_health_json) but must not call
 * probe_sync, probe_set_rules or probe_engine_free; defer those.
 */
typedef void probe_transition_cb(void *arg, const char *id,
	    const struct health_transition *, const struct probe_result *last);

struct probe_engine *probe_engine_new(const struct probe_options *,
	    char *err, size_t errlen);
/* Cancels every probe and timer and frees the checks. The loop and curlev must still exist. */
void	probe_engine_free(struct probe_engine *);
/* New rules (after a reload): every container is resolved again. */
void	probe_set_rules(struct probe_engine *, const struct checkspec_rules *);
void	probe_set_transition_cb(struct probe_engine *, probe_transition_cb *,
	    void *arg);

/*
 * An inventory_observer: notes the change and runs probe_sync from the
 * loop a moment later. Safe anywhere, also inside libcurl callbacks.
 */
void	probe_observe(void *engine, struct inv_container *, enum inv_change);
/*
 * Follows the inventory now: checks for new or changed running
 * containers, a reset for restarted ones, cancel and free for stopped or
 * removed ones. Don't call it from inside a libcurl callback (it may
 * cancel transfers); probe_observe defers it for you.
 */
void	probe_sync(struct probe_engine *);

/*
 * The combined state of a container: hale's check when it has an active
 * one, else Docker's HEALTHCHECK. docker_health_value() of it is cAdvisor's
 * container_health_state; probe_health_value has the signature of an
 * inventory health hook.
 */
enum docker_health probe_health_status(struct probe_engine *,
	    const struct inv_container *, enum health_source *);
int	probe_health_value(void *engine, const struct inv_container *);
/*
 * Adds hale's view to the `health` object of a container's JSON: the
 * combined status and source, and a `check` object (settings, target,
 * streaks, last results, or the reason the check was refused).
 */
void	probe_health_json(void *engine, const struct inv_container *,
	    cJSON *health);
/* What a page shows of a container's hale check (probe_check_view). */
struct probe_check_view {
	const char		*state;		/* "active", "paused", "refused" */
	const char		*kind;		/* "http", "https", "tcp"; NULL if refused */
	char			 target[96];	/* "netns 127.0.0.1:8080", "" if refused */
	const char		*path;		/* HTTP path, NULL otherwise */
	const char		*error;		/* why refused, NULL otherwise */
	enum docker_health	 status;	/* combined, as probe_health_status */
	enum health_source	 source;
	unsigned		 fail_streak;	/* consecutive failures */
	unsigned		 ok_streak;
	int			 have_last;
	struct probe_result	 last;		/* the newest result if have_last */
};
/*
 * Fills `v` for the container's check: -1 if it has none (no hale check
 * configured). The pointers stay valid until the next probe_sync.
 */
int	probe_check_view(struct probe_engine *, const struct inv_container *,
	    struct probe_check_view *v);
/*
 * hale's `last` check results of the container, newest first, a line
 * each: "http netns 127.0.0.1:8080/health: status (HTTP 500)".
 * Nothing when it has no active check.
 */
void	probe_check_text(void *engine, const struct inv_container *,
	    size_t last, struct buf *out);
/*
 * hale_check_up, hale_check_duration_seconds, hale_check_total,
 * hale_container_health_status, hale_check_label_rejections_total,
 * hale_checks. Not container_health_state (the inventory writes it,
 * through probe_health_value).
 */
void	probe_write_metrics(struct probe_engine *, struct metrics_writer *);

struct probe_stats {
	size_t		 active;	/* checks probing */
	size_t		 refused;	/* checks disabled by a bad spec or target */
	size_t		 in_flight;
	uint64_t	 started;
	uint64_t	 results[PROBE_CLASS_COUNT];
	uint64_t	 rejections[CHECKSPEC_REJECT_COUNT];
	uint64_t	 syncs;
	uint64_t	 synced;	/* containers those syncs looked at */
};
void	probe_get_stats(const struct probe_engine *, struct probe_stats *);

/* ---- pure helpers, exported for the tests ------------------------------ */

/* interval * (1 ± frac), uniform. */
double	probe_jitter(struct rand_state *, double interval, double frac);
/* The first probe: uniform in [0, interval). */
double	probe_first_delay(struct rand_state *, double interval);
/*
 * Timer slack: the grid step for checks of this interval when all checks
 * together probe `rate` times a second (seconds, a power of two up to
 * 1 s, up to interval / 8 and up to 16 / rate; 0 = no grid; rate 0 =
 * unknown), and a time rounded to the nearest point of a grid.
 */
double	probe_slack(double interval, double rate);
double	probe_align(double t, double step);
/*
 * Where the spec's probe goes for this container: -1 with a message if
 * nowhere (no IP, port not published, netns not allowed). nsfd is set
 * to -1; the engine opens the namespace itself.
 */
int	probe_target_resolve(const struct checkspec *,
	    const struct docker_inspect *, int can_netns,
	    struct probe_target *, char *err, size_t errlen);

#endif
