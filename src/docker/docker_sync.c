/*
 * docker_sync: keeps the inventory in step with the engine while the
 * events stream is up. Inspect is the truth; events only say when to
 * look.
 *
 *   docker_sync_begin (stream up) ─► kick ─► docker_sync_run
 *        ├─► list_start: GET /containers/json?all=1
 *        │        └─► docker_sync_list_done ─► reconcile: mark the listed,
 *        │                 sweep the rest, want_inspect what may have changed
 *        └─► pump_inspects: GET /containers/{id}/json (at most max_inspects)
 *                 └─► docker_sync_inspect_done ─► inventory_upsert / remove
 *   event lines (docker_sync_on_line, docker_sync_on_dropped_line):
 *        inventory_apply_event ─► want_inspect or cancel_inspect
 *   a failed list or inspect ─► resync_retry timer ─► a new list
 *   the first sync: its list's inspects answered, failed or moot
 *        (first_settle, the last one) ─► first_done: st.synced, LISTED
 *
 * Requests for the same container coalesce: one inspect in flight per
 * id, and an event meanwhile asks for one more after it. The ids waiting
 * are bounded (max_pending): an event for one more is left to a resync,
 * whose list finds whatever the events would have told.
 */
#include "docker/docker_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "core/log.h"

#define BODY_MAX_LIST		(64 * 1024 * 1024)
#define BODY_MAX_INSPECT	(16 * 1024 * 1024)
#define RESYNC_RETRY		2.0	/* seconds after a failed list/inspect */
#define RESYNC_AFTER_DROP	1.0	/* seconds: at most one such resync a second */

/* Inspect bookkeeping per container id. */
struct docker_pending {
	char			 id[DOCKER_ID_LEN + 1];
	int			 queued;
	int			 in_flight;
	int			 again;		/* an event arrived meanwhile */
	int			 cancelled;	/* destroyed meanwhile: drop the reply */
	/*
	 * The first sync waits for this inspect (1) or for the one after
	 * the inspect in flight when its list came (2), which may predate it.
	 */
	int			 first;
	TAILQ_ENTRY(docker_pending) qentry;
	UT_hash_handle		 hh;
};

/* ---- inspect queue -------------------------------------------------------- */

static struct docker_pending *
pending_get(struct docker *d, const char *id)
{
	struct docker_pending	*p = NULL;

	HASH_FIND(hh, d->pending, id, DOCKER_ID_LEN, p);
	return p;
}

/*
 * The first sync is done: every container its list named has been
 * inspected (or its inspect failed, or it is gone), so the table holds
 * their names and labels and the client vouches for it.
 */
static void
first_done(struct docker *d)
{
	d->st.synced = 1;
	log_info("docker inventory complete",
	    LOG_U("containers", inventory_count(d->inv)));
}

/* What the first sync waits for includes `p`'s inspect. */
static void
first_wait(struct docker *d, struct docker_pending *p)
{
	if (p->first)
		return;
	p->first = p->in_flight ? 2 : 1;
	d->first_left++;
}

/* `p`'s inspect for the first sync answered, failed or is moot. */
static void
first_settle(struct docker *d, struct docker_pending *p)
{
	if (!p->first)
		return;
	p->first = 0;
	if (--d->first_left == 0 && !d->st.synced)
		first_done(d);
}

static void
pending_drop(struct docker *d, struct docker_pending *p)
{
	first_settle(d, p);
	if (p->queued)
		TAILQ_REMOVE(&d->queue, p, qentry);
	HASH_DEL(d->pending, p);
	free(p);
}

/*
 * An event's inspect finds the queue full: a resync (at most one a
 * second) looks at everything instead.
 */
static void	 schedule_resync_retry(struct docker *, double);

static void
queue_full(struct docker *d)
{
	d->st.events_dropped++;
	if (!d->full_logged) {
		log_warn("docker events faster than inspects: resyncing "
		    "instead", LOG_U("max_pending", d->cfg.max_pending));
		d->full_logged = 1;
	}
	schedule_resync_retry(d, RESYNC_AFTER_DROP);
}

/*
 * Asks for a fresh inspect of `id`; coalesces with one already queued.
 * `event` (not a list's reconcile) makes it subject to max_pending.
 * Returns its bookkeeping, NULL when none was made.
 */
static struct docker_pending *
want_inspect(struct docker *d, const char *id, int event)
{
	struct docker_pending	*p;

	if ((p = pending_get(d, id)) == NULL) {
		if (event && HASH_COUNT(d->pending) >= d->cfg.max_pending) {
			queue_full(d);
			return NULL;
		}
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return NULL;	/* the next resync finds it */
		memcpy(p->id, id, DOCKER_ID_LEN + 1);
		HASH_ADD(hh, d->pending, id, DOCKER_ID_LEN, p);
	} else if (event && !p->cancelled && (p->queued || p->again))
		d->st.events_coalesced++;
	p->cancelled = 0;
	if (p->in_flight)
		p->again = 1;
	else if (!p->queued) {
		p->queued = 1;
		TAILQ_INSERT_TAIL(&d->queue, p, qentry);
	}
	docker_kick(d);
	return p;
}

/* The container is gone: forget any inspect of it. */
static void
cancel_inspect(struct docker *d, const char *id)
{
	struct docker_pending	*p;

	if ((p = pending_get(d, id)) == NULL)
		return;
	if (p->in_flight) {
		p->cancelled = 1;
		p->again = 0;
	} else
		pending_drop(d, p);
}

static void
pump_inspects(struct docker *d)
{
	struct docker_pending	*p;
	struct docker_req	*r;
	char			 path[128];

	while (d->inflight < d->cfg.max_inspects &&
	    (p = TAILQ_FIRST(&d->queue)) != NULL) {
		TAILQ_REMOVE(&d->queue, p, qentry);
		p->queued = 0;
		snprintf(path, sizeof(path), "/v%d.%d/containers/%s/json",
		    d->api / 100, d->api % 100, p->id);
		r = docker_req_new(d, DOCKER_REQ_INSPECT, path,
		    BODY_MAX_INSPECT, 0, d->cfg.request_timeout);
		if (r != NULL)
			memcpy(r->id, p->id, sizeof(r->id));
		/* On failure the next resync finds what we missed. */
		if (r == NULL || docker_req_submit(d, r) == -1) {
			d->st.request_errors++;
			pending_drop(d, p);
			continue;
		}
		p->in_flight = 1;
		d->inflight++;
	}
}

/* A resync later; requests while one is pending coalesce into it. */
static void
schedule_resync_retry(struct docker *d, double delay)
{
	if (!ev_is_active(&d->resync_retry)) {
		ev_timer_set(&d->resync_retry, delay, 0.);
		ev_timer_start(d->loop, &d->resync_retry);
	}
}

/* What an inspect reply does to the table. */
static void
inspect_apply(struct docker *d, struct docker_req *r, CURLcode rc,
    const struct docker_pending *p)
{
	struct docker_inspect	 in;
	const char		*fail;
	const char *const	*env;
	char			 msg[512];
	long			 status;
	size_t			 nenv;

	env = inventory_env_allow(d->inv, &nenv);
	fail = docker_req_failure(r, rc, &status, msg, sizeof(msg), NULL);
	if (p != NULL && p->cancelled) {
		/* Destroyed while we asked: this reply predates it. */
	} else if (status == 404) {
		inventory_remove(d->inv, r->id);
	} else if (fail != NULL) {
		d->st.request_errors++;
		log_debug("docker inspect failed", LOG_S("id", r->id),
		    LOG_S("err", fail));
		if (DOCKER_UP(d))
			schedule_resync_retry(d, RESYNC_RETRY);
	} else if (docker_parse_inspect_env(r->body.data, r->body.len, env,
	    nenv, &in, msg, sizeof(msg)) == -1) {
		d->st.request_errors++;
		log_warn("docker inspect unreadable", LOG_S("id", r->id),
		    LOG_S("err", msg));
	} else if (strcmp(in.id, r->id) != 0) {
		docker_inspect_free(&in);
		d->st.request_errors++;
	} else
		inventory_upsert(d->inv, &in);
}

void
docker_sync_inspect_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_pending	*p = pending_get(d, r->id);

	d->inflight--;
	d->st.inspects++;
	inspect_apply(d, r, rc, p);
	if (p != NULL) {
		p->in_flight = 0;
		if (p->first == 2 && p->again)
			p->first = 1;
		else
			first_settle(d, p);
		if (p->again) {
			p->again = 0;
			p->cancelled = 0;
			p->queued = 1;
			TAILQ_INSERT_TAIL(&d->queue, p, qentry);
		} else
			pending_drop(d, p);
	}
	pump_inspects(d);
}

/* ---- list and reconcile ----------------------------------------------------- */

static void
list_start(struct docker *d)
{
	struct docker_req	*r;
	char			 path[DOCKER_FILTER_MAX + 64];

	snprintf(path, sizeof(path), "/v%d.%d/containers/json?all=1%s",
	    d->api / 100, d->api % 100, d->filter_list);
	d->resync_wanted = 0;
	/* Before the request: what changes after this counts as seen. */
	d->list_epoch = inventory_epoch_begin(d->inv);
	r = docker_req_new(d, DOCKER_REQ_LIST, path, BODY_MAX_LIST, 0,
	    d->cfg.request_timeout);
	if (r == NULL || docker_req_submit(d, r) == -1) {
		if (r == NULL)
			d->st.request_errors++;
		schedule_resync_retry(d, RESYNC_RETRY);
		return;
	}
	d->list_req = r;
}

/* Inspect what is new or may have changed; unchanged stopped ones are skipped. */
static int
needs_inspect(struct inventory *inv, const struct docker_summary *s)
{
	struct inv_container	*c = inventory_get(inv, s->id);

	if (c == NULL)
		return 1;
	if (c->d.state != s->state || c->d.name == NULL ||
	    strcmp(c->d.name, s->name) != 0)
		return 1;
	/* A running container may have restarted while we weren't looking. */
	if (s->state == DOCKER_STATE_RUNNING || s->state == DOCKER_STATE_PAUSED ||
	    s->state == DOCKER_STATE_RESTARTING)
		return 1;
	return s->health != DOCKER_HEALTH_NONE && s->health != c->d.health;
}

/*
 * Until the first sync is done, the list's inspects are what it waits
 * for; done at once when it needs none.
 */
static void
reconcile(struct docker *d, const struct docker_list *l)
{
	struct inv_container	*c;
	struct docker_pending	*p;
	size_t			 i, removed;

	for (i = 0; i < l->n; i++) {
		inventory_mark(d->inv, l->items[i].id, d->list_epoch);
		if (needs_inspect(d->inv, &l->items[i]) &&
		    (p = want_inspect(d, l->items[i].id, 0)) != NULL &&
		    !d->st.synced)
			first_wait(d, p);
	}
	/* A reply older than this list must not bring a swept one back. */
	for (c = inventory_first(d->inv); c != NULL; c = inventory_next(c))
		if (c->seen < d->list_epoch)
			cancel_inspect(d, c->d.id);
	removed = inventory_sweep(d->inv, d->list_epoch);
	d->st.resyncs++;
	if (!d->st.synced && d->first_left == 0)
		first_done(d);
	/* Once per connection, or when it found something stale. */
	if (d->first_sync || removed > 0)
		log_info("docker inventory synced", LOG_U("containers", l->n),
		    LOG_U("removed", removed));
	d->first_sync = 0;
}

void
docker_sync_list_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_list	 l;
	const char		*fail;
	char			 msg[512];
	long			 status;

	d->list_req = NULL;
	if ((fail = docker_req_failure(r, rc, &status, msg, sizeof(msg),
	    NULL)) != NULL || docker_parse_containers_list(r->body.data,
	    r->body.len, &l, msg, sizeof(msg)) == -1) {
		d->st.request_errors++;
		log_warn("docker list failed", LOG_S("err", msg));
		if (DOCKER_UP(d))
			schedule_resync_retry(d, RESYNC_RETRY);
		return;
	}
	reconcile(d, &l);
	docker_list_free(&l);
	if (d->resync_wanted)
		docker_kick(d);
}

/* ---- events ------------------------------------------------------------------ */

/* Counts the event, applies it, tells the listener; returns the INV_EVENT_* bits. */
static int
event_apply(struct docker *d, const struct docker_event *ev)
{
	int	 bits;

	d->st.events[ev->action]++;
	bits = inventory_apply_event(d->inv, ev);
	if (d->event_cb != NULL)
		d->event_cb(d->event_arg, ev);
	return bits;
}

void
docker_sync_on_line(const char *line, size_t len, void *arg)
{
	struct docker		*d = arg;
	struct docker_event	 ev;
	char			 err[128];
	int			 rc, bits;

	rc = docker_parse_event(line, len, &ev, err, sizeof(err));
	if (rc == -1) {
		d->st.event_errors++;
		log_debug("docker event skipped", LOG_S("err", err));
		return;
	}
	if (rc == 1)
		return;
	bits = event_apply(d, &ev);
	if (bits & INV_EVENT_REMOVED)
		cancel_inspect(d, ev.id);
	else if (bits & INV_EVENT_INSPECT)
		want_inspect(d, ev.id, 1);
}

/*
 * An event line over the cap: inspect the container it names if its
 * start says which one (inspect tells us everything the event would
 * have), else look at everything again, at most once a second.
 */
void
docker_sync_on_dropped_line(const char *prefix, size_t len, void *arg)
{
	struct docker		*d = arg;
	struct docker_event	 ev;
	int			 rc, bits;

	rc = docker_event_salvage(prefix, len, &ev);
	if (rc == 1)
		return;
	if (rc == -1) {
		schedule_resync_retry(d, RESYNC_AFTER_DROP);
		return;
	}
	bits = event_apply(d, &ev);
	if (bits & INV_EVENT_REMOVED)
		cancel_inspect(d, ev.id);
	else if ((bits & INV_EVENT_INSPECT) || ev.action == DOCKER_ACTION_OTHER)
		want_inspect(d, ev.id, 1);
}

/* ---- life cycle ---------------------------------------------------------------- */

static void
on_resync_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct docker	*d = w->data;

	(void)loop;
	(void)revents;
	if (DOCKER_UP(d)) {
		d->resync_wanted = 1;
		docker_kick(d);
	}
}

void
docker_sync_init(struct docker *d)
{
	TAILQ_INIT(&d->queue);
	ev_timer_init(&d->resync_retry, on_resync_retry, 0., 0.);
	d->resync_retry.data = d;
}

void
docker_sync_free(struct docker *d)
{
	struct docker_pending	*p, *tmp;

	HASH_ITER(hh, d->pending, p, tmp) {
		HASH_DEL(d->pending, p);
		free(p);
	}
	ev_timer_stop(d->loop, &d->resync_retry);
}

void
docker_sync_begin(struct docker *d)
{
	d->resync_wanted = 1;
	d->first_sync = 1;
}

void
docker_sync_run(struct docker *d)
{
	if (DOCKER_UP(d) && d->resync_wanted && d->list_req == NULL)
		list_start(d);
	if (d->api > 0)
		pump_inspects(d);
}
