/*
 * eventsrc: the event ring and its sources wired together. Docker's
 * events and hale's check transitions come through main.c's fan-outs;
 * the inventory says which container cgroups the OOM watcher arms (a
 * running container, re-armed when its process changes) and drops.
 *
 *	inventory change ─► eventsrc_observe ─► oomwatch_add / _remove
 *	oomwatch signal ─► oom_cb ─► events_cgroup_oom (+ one log line)
 *	docker event ─► eventsrc_docker ─► events_docker
 *	   an oom held for the cgroup's count ─► flush timer ─► events_flush
 *	   a health_status held for the inspect it causes (the healthcheck's
 *	   output) ─► eventsrc_observe (updated) or health timer ─► events_docker
 *	check transition ─► eventsrc_transition ─► events_health
 *	every event ─► on_event ─► notify_send_event (webhooks; not the
 *	               rate-limited), alertmgr_event (Alertmanagers; all)
 */
#ifndef HALE_EVENTSRC_H
#define HALE_EVENTSRC_H

#include <ev.h>

#include "cgroup/cgroup.h"
#include "cgroup/oomwatch.h"
#include "check/probe.h"
#include "docker/inventory.h"
#include "remedy/alerts.h"
#include "remedy/notify.h"
#include "remedy/events.h"

#define EVENTSRC_HEALTH_HELD	16
#define EVENTSRC_HEALTH_WAIT	2.0	/* seconds, then without the output */

struct eventsrc {
	struct ev_loop		*loop;
	struct inventory	*inv;
	struct events		*events;
	struct oomwatch		*oom;	/* NULL: no cgroup tree, or no inotify */
	struct notify		*notify;	/* NULL: no delivery */
	struct alertmgr		*am;		/* NULL: none */
	ev_timer		 flush;		/* Docker's oom held for the count */
	/* Docker's health_status events waiting for their inspect. */
	struct docker_event	 health[EVENTSRC_HEALTH_HELD];
	size_t			 nhealth;
	ev_timer		 health_timer;
};

/* `env` NULL: no OOM watcher. -1 with a message only if memory ran out. */
int	eventsrc_start(struct eventsrc *, struct ev_loop *, struct inventory *,
	    struct notify *, struct alertmgr *, const struct cgroup_env *env,
	    const struct events_config *, char *err, size_t errlen);
void	eventsrc_stop(struct eventsrc *);
void	eventsrc_observe(struct eventsrc *, struct inv_container *,
	    enum inv_change);
void	eventsrc_docker(struct eventsrc *, const struct docker_event *);
/* The event carries hale's last results of the check (`probes`). */
void	eventsrc_transition(struct eventsrc *, const char *id,
	    enum docker_health to, struct probe_engine *probes);

#endif
