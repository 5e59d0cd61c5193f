/* eventsrc: the event ring's sources (see eventsrc.h for the chain). */
#include "daemon/eventsrc.h"

#include <string.h>

#include "core/err.h"
#include "core/log.h"

static void
oom_cb(void *arg, const char *id, const struct oomwatch_info *info)
{
	struct eventsrc		*s = arg;
	struct inv_container	*ic = inventory_get(s->inv, id);

	log_warn("container OOM-killed", LOG_S("name", ic != NULL &&
	    ic->d.name != NULL ? ic->d.name : ""), LOG_S("id", id),
	    LOG_U("oom_kills", info->oom_kills),
	    LOG_I("memory_limit_bytes", info->limit),
	    LOG_I("memory_usage_bytes", info->usage));
	events_cgroup_oom(s->events, ic, id, info->new_kills > 0 ?
	    info->oom_kills : UINT64_MAX, info->limit,
	    info->usage, ev_now(s->loop));
}

static void
on_event(void *arg, const struct event *ev, int recorded)
{
	struct eventsrc	*s = arg;

	if (s->notify != NULL && recorded)
		notify_send_event(s->notify, ev);
	if (s->am != NULL)
		alertmgr_event(s->am, ev);
}

/* The held health event i, to the ring with the record as it is now. */
static void
health_release(struct eventsrc *s, size_t i)
{
	struct docker_event	 ev = s->health[i];

	/* In order: two held for one container go out oldest first. */
	memmove(&s->health[i], &s->health[i + 1],
	    (s->nhealth - i - 1) * sizeof(s->health[0]));
	s->nhealth--;
	events_docker(s->events, &ev, inventory_get(s->inv, ev.id),
	    ev_now(s->loop));
}

static void
on_health_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct eventsrc	*s = w->data;

	(void)loop;
	(void)revents;
	while (s->nhealth > 0)
		health_release(s, 0);
}

static void
on_flush(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct eventsrc	*s = w->data;

	(void)revents;
	events_flush(s->events, ev_now(loop));
	if (events_held(s->events) > 0) {
		ev_timer_set(w, EVENTS_OOM_WAIT_SECONDS, 0.);
		ev_timer_start(loop, w);
	}
}

int
eventsrc_start(struct eventsrc *s, struct ev_loop *loop, struct inventory *inv,
    struct notify *notify, struct alertmgr *am, const struct cgroup_env *env,
    const struct events_config *cfg, char *err, size_t errlen)
{
	char	 why[128];

	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->inv = inv;
	s->notify = notify;
	s->am = am;
	ev_timer_init(&s->flush, on_flush, 0., 0.);
	s->flush.data = s;
	ev_timer_init(&s->health_timer, on_health_timer, 0., 0.);
	s->health_timer.data = s;
	if ((s->events = events_new(cfg)) == NULL) {
		err_set(err, errlen, "out of memory for the event ring");
		return -1;
	}
	events_set_listener(s->events, on_event, s);
	if (env != NULL && (s->oom = oomwatch_new(loop, env, oom_cb, s, why,
	    sizeof(why))) == NULL)
		log_warn("OOM kills are not watched in the cgroups, only "
		    "Docker's oom events count", LOG_S("err", why));
	return 0;
}

void
eventsrc_stop(struct eventsrc *s)
{
	if (s->loop != NULL) {
		ev_timer_stop(s->loop, &s->flush);
		ev_timer_stop(s->loop, &s->health_timer);
	}
	s->nhealth = 0;
	oomwatch_free(s->oom);
	events_free(s->events);
	s->oom = NULL;
	s->events = NULL;
}

void
eventsrc_observe(struct eventsrc *s, struct inv_container *c,
    enum inv_change ch)
{
	char	 err[256];
	size_t	 i;

	/*
	 * The inspect a health_status asked for: its output is in it now.
	 * Every one held for the container goes, so none is left for the
	 * timer to release after the container was forgotten.
	 */
	for (i = 0; i < s->nhealth;)
		if (strcmp(s->health[i].id, c->d.id) == 0)
			health_release(s, i);
		else
			i++;
	if (ch == INV_REMOVED) {
		events_forget(s->events, c->d.id);
		if (s->am != NULL)
			alertmgr_forget(s->am, c->d.id);
	}
	if (s->oom == NULL)
		return;
	if (ch == INV_REMOVED) {
		oomwatch_remove(s->oom, c->d.id);
		return;
	}
	/*
	 * A container that stopped keeps its watch until the cgroup goes
	 * (the watch sees that itself): the kill may be counted after the
	 * die event.
	 */
	if (!inventory_is_live(c) || c->d.pid <= 0)
		return;
	if (oomwatch_add(s->oom, c->d.id, c->d.pid, err, sizeof(err)) == -1) {
		events_set_oom_watched(s->events, c->d.id, 0);
		log_debug("cannot watch the container's cgroup for OOM kills",
		    LOG_S("id", c->d.id), LOG_S("err", err));
	} else
		events_set_oom_watched(s->events, c->d.id, 1);
}

void
eventsrc_docker(struct eventsrc *s, const struct docker_event *ev)
{
	if (ev->action == DOCKER_ACTION_HEALTH_STATUS &&
	    s->nhealth < EVENTSRC_HEALTH_HELD) {
		s->health[s->nhealth++] = *ev;
		if (!ev_is_active(&s->health_timer)) {
			ev_timer_set(&s->health_timer, EVENTSRC_HEALTH_WAIT, 0.);
			ev_timer_start(s->loop, &s->health_timer);
		}
		return;
	}
	events_docker(s->events, ev, inventory_get(s->inv, ev->id),
	    ev_now(s->loop));
	if (events_held(s->events) > 0 && !ev_is_active(&s->flush)) {
		ev_timer_set(&s->flush, EVENTS_OOM_WAIT_SECONDS, 0.);
		ev_timer_start(s->loop, &s->flush);
	}
}

void
eventsrc_transition(struct eventsrc *s, const char *id, enum docker_health to,
    struct probe_engine *probes)
{
	struct inv_container	*ic = inventory_get(s->inv, id);
	struct buf		 checks;

	buf_init(&checks);
	if (ic != NULL && probes != NULL)
		probe_check_text(probes, ic, EVENTS_CHECKS_SHOWN, &checks);
	events_health(s->events, ic, id, to, 1, checks.len > 0 && !checks.oom ?
	    checks.data : NULL, ev_now(s->loop));
	buf_free(&checks);
}
