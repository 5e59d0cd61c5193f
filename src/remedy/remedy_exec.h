/*
 * remedy_exec: carries out remedy_decide()'s verdicts on the loop.
 *
 * One record per inventory container (policy, state, timer, history).
 * Inputs arrive from the inventory observer, the Docker event stream,
 * the probe engine's health transitions, and the admin endpoint; every
 * one of them only notes what happened and arms the container's
 * ev_timer at 0 s, so nothing here runs inside a libcurl callback and
 * decisions happen one container at a time on the loop:
 *
 *	observe / event / transition ─► note ─► ev_timer(0) ─► evaluate
 *	evaluate ─► remedy_decide ─► ACT ─► docker_container_ctl (async)
 *	                          │           └► ctl_done ─► RESULT ─► evaluate
 *	                          │                └► restart ok: dependents
 *	                          ├► dry-run / notify: RESULT at once
 *	                          └► wake_at ─► ev_timer(wake_at) ─► TICK
 *	every ACT result, give-up, recovery, reset ─► log + notify_send
 *
 * Decisions use a monotonic clock; the API, the webhooks and the
 * metrics show wall-clock times.
 *
 * Construction, wiring and shutdown (main.c):
 *
 *	rx = remedy_exec_new(loop, docker, inv, notify, cfg, err, errlen)
 *	remedy_exec_set_probe(rx, probe_engine)        optional
 *	inventory observer: also call remedy_exec_observe(rx, c, change)
 *	docker events:      remedy_exec_event(rx, ev)    (docker event hook)
 *	probe transitions:  probe_set_transition_cb(eng, remedy_exec_transition, rx)
 *	SIGHUP:             remedy_exec_reconfigure(rx, newcfg), then free the old
 *	shutdown:           docker_free → remedy_exec_free → notify_free → curlev_free
 *	                    (docker_free first: it drops ctl callbacks; we then
 *	                    free what they would have freed)
 */
#ifndef HALE_REMEDY_EXEC_H
#define HALE_REMEDY_EXEC_H

#include <cJSON.h>
#include <ev.h>

#include "http/auth.h"
#include "core/config.h"
#include "docker/docker.h"
#include "check/health.h"
#include "http/httpd.h"
#include "docker/inventory.h"
#include "core/metrics.h"
#include "remedy/notify.h"
#include "remedy/remedy.h"

#define REMEDY_HISTORY		10	/* attempts kept per container for the API */

struct remedy_exec;
struct probe_engine;
struct probe_result;

/*
 * `cfg` must stay valid until the next remedy_exec_reconfigure() or
 * remedy_exec_free() (the policies point at its rules). `notify` may be
 * NULL. Reads /proc/self/mountinfo (then /proc/self/cgroup) to learn
 * hale's own container id, if any.
 */
struct remedy_exec *remedy_exec_new(struct ev_loop *, struct docker *,
	    struct inventory *, struct notify *, const struct config *,
	    char *err, size_t errlen);
void	remedy_exec_free(struct remedy_exec *);
/* A reloaded config: every policy is built again; states are kept. */
void	remedy_exec_reconfigure(struct remedy_exec *, const struct config *);
/* The probe engine, for hale's own checks (status, last results). */
void	remedy_exec_set_probe(struct remedy_exec *, struct probe_engine *);
/* Overrides the detected own container id ("" = none). */
void	remedy_exec_set_self(struct remedy_exec *, const char *id);
const char *remedy_exec_self(const struct remedy_exec *);

/* ---- inputs (all safe inside libcurl callbacks: they only defer) ---- */

/* An inventory_observer (chain it from main's observer). */
void	remedy_exec_observe(void *rx, struct inv_container *, enum inv_change);
/* Every container event from Docker (kill/stop by an operator, starts, health). */
void	remedy_exec_event(void *rx, const struct docker_event *);
/* A probe_transition_cb: a hale check changed state. */
void	remedy_exec_transition(void *rx, const char *id,
	    const struct health_transition *, const struct probe_result *);
/* Any other health source: the container's combined status. */
void	remedy_exec_health(struct remedy_exec *, const char *id,
	    enum docker_health, enum health_source);
/* Clears a give-up (and the backoff and budget). -1 if unknown. */
int	remedy_exec_reset(struct remedy_exec *, const char *ref, char *err,
	    size_t errlen);

/* ---- outputs ---------------------------------------------------------- */

/*
 * Adds "remediation": {...} to a container's JSON object (policy, state,
 * budget, next allowed action, attempts). Nothing if the id is unknown.
 */
void	remedy_exec_json(struct remedy_exec *, const char *id, cJSON *container);
/*
 * hale_restarts_total{name,result}, hale_remediation_actions_total,
 * hale_remediation_state{name,state}, hale_remediation_next_allowed_
 * timestamp_seconds{name}, hale_remediation_give_ups_total{name},
 * hale_remediation_dry_run_total{name,action}, hale_remediation_dry_run_enabled,
 * hale_remediation_policy_invalid{name}.
 */
void	remedy_exec_write_metrics(struct remedy_exec *, struct metrics_writer *);

/*
 * POST /api/v1/containers/{id-or-name}/reset. Answers 403 when no admin
 * credentials are configured, 401 (with a challenge) without valid ones,
 * 404 for an unknown container, else 200 with the container's
 * remediation object.
 */
void	remedy_exec_http_reset(struct remedy_exec *, const struct auth_config *,
	    const struct httpd_request *, struct httpd_response *);
/* The admin credentials of a config (pointers into it). */
void	remedy_exec_auth_config(const struct config *, struct auth_config *);

struct remedy_exec_stats {
	uint64_t	 actions[REMEDY_ACTION_COUNT][REMEDY_RESULT_COUNT];
	uint64_t	 give_ups;
	uint64_t	 not_sent;
	size_t		 containers;
	size_t		 in_flight;
};
void	remedy_exec_get_stats(const struct remedy_exec *,
	    struct remedy_exec_stats *);

#endif
