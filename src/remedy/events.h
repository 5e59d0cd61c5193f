/*
 * events: what happened to a container, as one hale event each, kept in
 * a bounded ring (newest first) for GET /api/v1/events and counted by
 * kind. Pure: every entry point takes the wall-clock time it happens at,
 * so the tests drive it over simulated time.
 *
 *	Docker's /events (docker_event, after the inventory applied it)
 *	   events_docker ─► die ≠ 0 ─────────────► exit
 *	                 ├► oom ─────────────────► oom ┐ one event per OOM
 *	the cgroup's OOM signal (oomwatch) ─► events_cgroup_oom ┘ kill, both ways
 *	                 └► start after a die Docker's restart policy acted
 *	                    on ─► restart counted ─► N in window: restart_loop
 *	health (hale's check, else Docker's) ─► events_health ─► unhealthy,
 *	                                                          healthy again
 *	remediation (remedy_act) ─► events_remedy ─► remediated, gave_up,
 *	                                              recovered, reset
 *	                          ▼
 *	events_record: rate limit per container and kind ─► suppressed, or
 *	ring + hale_events_total{kind}; the listener hears both (delivery)
 *
 * The config section is parsed in events_config.c, the JSON and the
 * metric families are written in events_view.c.
 */
#ifndef HALE_EVENTS_H
#define HALE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/buf.h"
#include "core/id.h"
#include "core/metrics.h"
#include "docker/docker_parse.h"
#include "docker/inventory.h"

#define EVENTS_RING_DEFAULT		1000
#define EVENTS_RING_MAX			100000
#define EVENTS_RATE_DEFAULT_MS		60000	/* one per kind and container */
#define EVENTS_LOOP_RESTARTS_DEFAULT	3	/* as the kubelet's back-off view */
#define EVENTS_LOOP_RESTARTS_MAX	64
#define EVENTS_LOOP_WINDOW_DEFAULT_MS	600000
#define EVENTS_TEXT_MAX			256	/* name, image, compose fields */
#define EVENTS_CONTEXT_MAX		256	/* health output, check results */
#define EVENTS_CHECKS_SHOWN		3	/* hale's last results in an event */
#define EVENTS_OOM_SAME_SECONDS		5.0	/* Docker's and the cgroup's report */
#define EVENTS_OOM_WAIT_SECONDS		0.7	/* oomwatch re-reads within 0.625 s */

enum event_kind {
	EVENT_OOM,
	EVENT_EXIT,
	EVENT_RESTART_LOOP,
	EVENT_UNHEALTHY,
	EVENT_HEALTHY,
	EVENT_REMEDIATED,
	EVENT_GAVE_UP,
	EVENT_RECOVERED,	/* healthy for reset_after after a give-up */
	EVENT_RESET,		/* an operator cleared a give-up */
	EVENT_KIND_COUNT
};

/* Context fields: -1 (or a negative double) where not known. */
struct event {
	enum event_kind	 kind;
	double		 time;		/* unix seconds */
	char		 id[ID_LEN + 1];
	char		 name[EVENTS_TEXT_MAX];
	char		 image[EVENTS_TEXT_MAX];
	char		 project[EVENTS_TEXT_MAX];	/* com.docker.compose.project */
	char		 service[EVENTS_TEXT_MAX];	/* com.docker.compose.service */
	int		 exit_code;
	int		 oom_killed;	/* 0, 1 */
	double		 run_seconds;	/* since the container's start */
	int		 will_restart;	/* Docker's restart policy will act */
	int64_t		 oom_kills;	/* the cgroup's oom_kill count */
	int64_t		 mem_limit;	/* bytes */
	int64_t		 mem_usage;
	int		 restart_count;	/* Docker's RestartCount as last inspected:
					   at a start, the inspect may predate it */
	int		 restarts;	/* restart_loop: Docker's restarts in the window */
	double		 window;	/* restart_loop: seconds */
	char		 source[16];	/* health: "hale" or "docker" */
	char		 action[16];	/* remediated: restart, stop, kill, notify */
	char		 result[16];	/* remediated: ok, failed, timeout, dry_run */
	/* unhealthy, healthy: the output of Docker's last HEALTHCHECK run */
	char		 health_output[EVENTS_CONTEXT_MAX];
	/* unhealthy, healthy: hale's checks, "kind target: result (reason)" a line */
	char		 checks[EVENTS_CONTEXT_MAX];
};

struct events_config {
	unsigned	 ring_size;
	uint64_t	 rate_ms;	/* 0: no rate limit */
	unsigned	 loop_restarts;
	uint64_t	 loop_window_ms;
};

/* Defaults for every field. */
void	events_config_default(struct events_config *);
/*
 * Parses {"ring_size", "rate_limit", "restart_loop": {"restarts",
 * "window"}}. Problems are appended to `errors` as "events.ring_size:
 * ...\n"; returns how many (0 = *out valid).
 */
int	events_config_from_json(const cJSON *, const char *path,
	    struct events_config **out, struct buf *errors);
void	events_config_free(struct events_config *);

const char *event_kind_name(enum event_kind);
/* -1 if unknown. */
int	event_kind_parse(const char *);

/*
 * Called for every event: `recorded` 1, or 0 when the rate limit held it
 * back (notifications skip those; state such as a firing alert follows
 * them, so a suppressed "healthy" still resolves).
 */
typedef void events_listener(void *arg, const struct event *, int recorded);

/* `cfg` may be NULL (defaults); it is copied. NULL if memory ran out. */
struct events	*events_new(const struct events_config *);
void		 events_free(struct events *);
/* A reload: the ring keeps its newest events that still fit. */
int		 events_reconfigure(struct events *, const struct events_config *);
void		 events_set_listener(struct events *, events_listener *, void *);

/*
 * A container event from Docker, after the inventory applied it; `ic`
 * is the container's record (NULL if the inventory has none).
 */
void	events_docker(struct events *, const struct docker_event *,
	    const struct inv_container *ic, double now);
/*
 * A health state from hale's check (`hale` 1) or Docker's healthcheck.
 * Once hale's check spoke for a container, Docker's is not heard.
 * `checks` (NULL: none) is hale's last results as probe_check_text
 * writes them; the output of Docker's last HEALTHCHECK run comes from
 * the record.
 */
void	events_health(struct events *, const struct inv_container *,
	    const char *id, enum docker_health, int hale, const char *checks,
	    double now);
/* hale acted (remediated, with its action and result) or gave up. */
void	events_remedy(struct events *, enum event_kind,
	    const struct inv_container *, const char *id, const char *action,
	    const char *result, double now);
/*
 * The kernel signalled an OOM kill in the container's cgroup (oomwatch):
 * `oom_kills` is the cgroup's count now, UINT64_MAX if not known.
 * Docker's own `oom` event for the same kill, whichever comes first,
 * makes no second event: the counts are added to the one recorded
 * within EVENTS_OOM_SAME_SECONDS.
 */
void	events_cgroup_oom(struct events *, const struct inv_container *,
	    const char *id, uint64_t oom_kills, int64_t limit, int64_t usage,
	    double now);
/*
 * The container's cgroup is watched for OOM kills (oomwatch armed): a
 * Docker `oom` that comes first is then held for the cgroup's count, at
 * most EVENTS_OOM_WAIT_SECONDS; events_flush records what waited that
 * long without it. events_held says how many wait.
 */
void	events_set_oom_watched(struct events *, const char *id, int watched);
void	events_flush(struct events *, double now);
size_t	events_held(const struct events *);
/* The inventory dropped the container. */
void	events_forget(struct events *, const char *id);

/* Fills identity fields from the record (if any), context fields to -1. */
void	event_init(struct event *, enum event_kind, const char *id,
	    const struct inv_container *, double time);
/* Rate limit, then the ring: 1 recorded, 0 suppressed. */
int	events_record(struct events *, const struct event *);

/* The ring, newest first: i from 0 to events_count() - 1. */
size_t	events_count(const struct events *);
const struct event *events_at(const struct events *, size_t i);

struct events_stats {
	uint64_t	 recorded[EVENT_KIND_COUNT];
	uint64_t	 suppressed[EVENT_KIND_COUNT];
};
void	events_get_stats(const struct events *, struct events_stats *);
/* Docker-initiated restarts seen for a container since hale met it. */
uint64_t events_docker_restarts(const struct events *, const char *id);

/* ---- views (events_view.c) --------------------------------------------- */

/* One event as a JSON object; NULL if memory ran out. */
cJSON	*event_json(const struct event *);
/*
 * GET /api/v1/events: {"events": [...]} newest first; `container`
 * (an id, an id prefix or a name; NULL: all) and `kind` (NULL: all)
 * filter it. -1 if memory ran out.
 */
int	events_json(const struct events *, const char *container,
	    const char *kind, struct buf *out);
/*
 * hale_events_total{kind}, hale_events_suppressed_total{kind} and
 * hale_docker_restarts_total{name}; `inv` names the containers.
 */
void	events_write_metrics(const struct events *, struct inventory *,
	    struct metrics_writer *);

#endif
