/*
 * remedy_exec: carries out remedy_decide()'s verdicts on the loop.
 *
 * One record per inventory container (policy, state, timer, history).
 * Inputs arrive from the inventory observer, the Docker event stream,
 * the probe engine's health transitions, and an operator's reset; each
 * runs the decision at once, but a verdict to act is only stored and
 * carried out from the container's ev_timer at 0 s, so no transfer
 * starts inside a libcurl callback:
 *
 *	observe / event / transition / reset ─► evaluate
 *	evaluate ─► remedy_decide ─► ACT ─► ev_timer(0) ─► remedy_act_execute
 *	                          │     └► docker_container_ctl (async)
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
 *	rx = remedy_exec_new(loop, docker, inv, notify, rules, dry_run, err, errlen)
 *	remedy_exec_set_probe(rx, probe_engine)        optional
 *	remedy_exec_set_events(rx, events)             optional
 *	inventory observer: also call remedy_exec_observe(rx, c, change)
 *	docker events:      remedy_exec_event(rx, ev)    (docker event hook)
 *	probe transitions:  probe_set_transition_cb(eng, remedy_exec_transition, rx)
 *	SIGHUP:             remedy_exec_reconfigure(rx, newrules, dry_run), then
 *	                    free the old
 *	shutdown:           docker_free → remedy_exec_free → notify_free → curlev_free
 *	                    (docker_free first: it drops ctl callbacks; we then
 *	                    free what they would have freed)
 */
#ifndef HALE_REMEDY_EXEC_H
#define HALE_REMEDY_EXEC_H

#include <cJSON.h>
#include <ev.h>

#include "docker/inventory.h"
#include "remedy/remedy.h"

struct docker;
struct docker_event;
struct health_transition;
struct metrics_writer;
struct notify;
struct probe_engine;
struct probe_result;
struct remedy_exec;

/*
 * `rules` (the config's remediation section, may be NULL) must stay
 * valid until the next remedy_exec_reconfigure() or remedy_exec_free()
 * (the policies point at them). `dry_run`: log and count actions, never
 * take them. `notify` may be NULL. Reads /proc/self/mountinfo (then
 * /proc/self/cgroup) to learn hale's own container id, if any.
 */
struct remedy_exec *remedy_exec_new(struct ev_loop *, struct docker *,
	    struct inventory *, struct notify *, const struct remedy_config *rules,
	    int dry_run, char *err, size_t errlen);
void	remedy_exec_free(struct remedy_exec *);
/* A reloaded config: every policy is built again; states are kept. */
void	remedy_exec_reconfigure(struct remedy_exec *,
	    const struct remedy_config *rules, int dry_run);
/* The probe engine, for hale's own checks (status, last results). */
void	remedy_exec_set_probe(struct remedy_exec *, struct probe_engine *);
/* Where actions and give-ups are recorded as events. */
struct events;
void	remedy_exec_set_events(struct remedy_exec *, struct events *);

/* ---- inputs (all safe inside libcurl callbacks: they only defer) ---- */

/* An inventory_observer (chain it from main's observer). */
void	remedy_exec_observe(void *rx, struct inv_container *, enum inv_change);
/* Every container event from Docker (kill/stop by an operator, starts, health). */
void	remedy_exec_event(void *rx, const struct docker_event *);
/* A probe_transition_cb: a hale check changed state. */
void	remedy_exec_transition(void *rx, const char *id,
	    const struct health_transition *, const struct probe_result *);

enum remedy_reset {
	REMEDY_RESET_OK = 0,
	REMEDY_RESET_UNKNOWN,		/* no such container (or not tracked) */
};
/*
 * An operator's reset: clears a give-up (and the backoff and budget) of
 * the container `ref` names (id, name or unique id prefix). On
 * REMEDY_RESET_OK, *found is its inventory record.
 */
enum remedy_reset remedy_exec_reset(struct remedy_exec *, const char *ref,
	    const struct inv_container **found);

/* ---- outputs (the views: remedy_view.h, remedy_metrics.h) -------------- */

/*
 * Adds "remediation": {...} to a container's JSON object (policy, state,
 * budget, next allowed action, attempts). Nothing if the id is unknown.
 */
void	remedy_exec_json(struct remedy_exec *, const char *id, cJSON *container);
/*
 * The same values as plain fields (remedy_view.h), for the status page:
 * -1 if the id is unknown. The pointers stay valid until the next input.
 */
struct remedy_view;
int	remedy_exec_view(struct remedy_exec *, const char *id,
	    struct remedy_view *);
/* The families listed in remedy_metrics.h. */
void	remedy_exec_write_metrics(struct remedy_exec *, struct metrics_writer *);

#endif
