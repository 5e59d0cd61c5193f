/*
 * events: hale events from Docker's events, health states and
 * remediation; the rate limiter, the restart-loop detector and the ring
 * (see events.h for the flow).
 *
 * Docker's events alone tell a restart by its restart policy from one an
 * operator asked for: `docker stop`, `docker restart` and `docker kill`
 * emit kill or stop before the die, a policy restart is a die with
 * nothing before it, then a start. Each container's state remembers what
 * it saw since its last start.
 */
#include "remedy/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#define CONTAINERS_MAX	65536	/* per-container states kept */

struct ectr {
	char		 id[ID_LEN + 1];
	double		 last[EVENT_KIND_COUNT];	/* recorded at; 0 never */
	int		 stopping;	/* kill or stop since the last start */
	int		 oom_seen;	/* Docker's oom since the last start */
	int64_t		 oom_limit;	/* the cgroup's at its last OOM since the start; */
	int64_t		 oom_usage;	/* -1: none */
	/* One source's OOM report the other has not matched yet (our clock). */
	double		 docker_oom_at;
	double		 cgroup_oom_at;
	int		 oom_watched;	/* the cgroup reports OOM kills too */
	struct event	*held;		/* Docker's oom, waiting for the count */
	double		 held_at;
	int		 policy_restart;	/* the last die will be restarted */
	/*
	 * EVENTS_LOOP_RESTARTS_MAX, circular; made at the first restart by
	 * Docker's policy, so the containers never restarted don't carry it.
	 */
	double		*restarts_at;
	unsigned	 nrestarts;	/* entries used, at most loop_restarts */
	unsigned	 restart_head;
	int		 in_loop;	/* reported; cleared when calm */
	uint64_t	 docker_restarts;
	enum docker_health health;	/* last healthy or unhealthy */
	int		 hale;		/* hale's check speaks for it */
	UT_hash_handle	 hh;
};

struct events {
	struct events_config	 cfg;
	struct event		*ring;		/* cfg.ring_size slots */
	size_t			 head;		/* next slot to write */
	size_t			 n;
	struct ectr		*ctrs;
	size_t			 nctrs;
	size_t			 nheld;
	struct events_stats	 st;
	events_listener		*listener;
	void			*listener_arg;
};

static const char *const kind_names[EVENT_KIND_COUNT] = {
	[EVENT_OOM] = "oom",
	[EVENT_EXIT] = "exit",
	[EVENT_RESTART_LOOP] = "restart_loop",
	[EVENT_UNHEALTHY] = "unhealthy",
	[EVENT_HEALTHY] = "healthy",
	[EVENT_REMEDIATED] = "remediated",
	[EVENT_GAVE_UP] = "gave_up",
	[EVENT_RECOVERED] = "recovered",
	[EVENT_RESET] = "reset",
};

const char *
event_kind_name(enum event_kind k)
{
	return (unsigned)k < EVENT_KIND_COUNT ? kind_names[k] : "?";
}

int
event_kind_parse(const char *s)
{
	int	 k;

	for (k = 0; k < EVENT_KIND_COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

void
events_config_default(struct events_config *c)
{
	c->ring_size = EVENTS_RING_DEFAULT;
	c->rate_ms = EVENTS_RATE_DEFAULT_MS;
	c->loop_restarts = EVENTS_LOOP_RESTARTS_DEFAULT;
	c->loop_window_ms = EVENTS_LOOP_WINDOW_DEFAULT_MS;
}

/* ---- the ring -------------------------------------------------------- */

static int
ring_resize(struct events *e, unsigned size)
{
	struct event	*r;
	size_t		 i, keep = e->n < size ? e->n : size;

	if ((r = calloc(size, sizeof(*r))) == NULL)
		return -1;
	/* Oldest kept first, so the newest ends up just before head. */
	for (i = 0; i < keep; i++)
		r[i] = e->ring[(e->head + e->cfg.ring_size - keep + i) %
		    e->cfg.ring_size];
	free(e->ring);
	e->ring = r;
	e->n = keep;
	e->head = keep % size;
	e->cfg.ring_size = size;
	return 0;
}

size_t
events_count(const struct events *e)
{
	return e->n;
}

const struct event *
events_at(const struct events *e, size_t i)
{
	size_t	 sz = e->cfg.ring_size;

	if (i >= e->n)
		return NULL;
	return &e->ring[(e->head + sz - 1 - i) % sz];
}

struct events *
events_new(const struct events_config *cfg)
{
	struct events	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if (cfg != NULL)
		e->cfg = *cfg;
	else
		events_config_default(&e->cfg);
	if (e->cfg.ring_size == 0)
		e->cfg.ring_size = EVENTS_RING_DEFAULT;
	e->n = 0;
	if ((e->ring = calloc(e->cfg.ring_size, sizeof(*e->ring))) == NULL) {
		free(e);
		return NULL;
	}
	return e;
}

void
events_free(struct events *e)
{
	struct ectr	*c, *tmp;

	if (e == NULL)
		return;
	HASH_ITER(hh, e->ctrs, c, tmp) {
		HASH_DEL(e->ctrs, c);
		free(c->held);
		free(c->restarts_at);
		free(c);
	}
	free(e->ring);
	free(e);
}

int
events_reconfigure(struct events *e, const struct events_config *cfg)
{
	struct events_config	 c;

	if (cfg != NULL)
		c = *cfg;
	else
		events_config_default(&c);
	if (c.ring_size == 0)
		c.ring_size = EVENTS_RING_DEFAULT;
	if (c.ring_size != e->cfg.ring_size && ring_resize(e, c.ring_size) == -1)
		return -1;
	e->cfg = c;
	return 0;
}

void
events_set_listener(struct events *e, events_listener *fn, void *arg)
{
	e->listener = fn;
	e->listener_arg = arg;
}

void
events_get_stats(const struct events *e, struct events_stats *st)
{
	*st = e->st;
}

/* ---- per-container state --------------------------------------------- */

static struct ectr *
ctr_get(struct events *e, const char *id, int create)
{
	struct ectr	*c;

	HASH_FIND_STR(e->ctrs, id, c);
	if (c != NULL || !create || !id_valid(id) || e->nctrs >= CONTAINERS_MAX)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c->id, id, ID_LEN + 1);
	c->oom_limit = c->oom_usage = -1;
	HASH_ADD_STR(e->ctrs, id, c);
	e->nctrs++;
	return c;
}

void
events_forget(struct events *e, const char *id)
{
	struct ectr	*c;

	if ((c = ctr_get(e, id, 0)) == NULL)
		return;
	HASH_DEL(e->ctrs, c);
	e->nctrs--;
	if (c->held != NULL)
		e->nheld--;
	free(c->held);
	free(c->restarts_at);
	free(c);
}

void
events_set_oom_watched(struct events *e, const char *id, int watched)
{
	struct ectr	*c;

	if ((c = ctr_get(e, id, 1)) != NULL)
		c->oom_watched = watched;
}

size_t
events_held(const struct events *e)
{
	return e->nheld;
}

static void
release_held(struct events *e, struct ectr *c)
{
	struct event	*ev = c->held;

	c->held = NULL;
	e->nheld--;
	events_record(e, ev);
	free(ev);
}

void
events_flush(struct events *e, double now)
{
	struct ectr	*c, *tmp;

	HASH_ITER(hh, e->ctrs, c, tmp)
		if (c->held != NULL && now - c->held_at >= EVENTS_OOM_WAIT_SECONDS)
			release_held(e, c);
}

uint64_t
events_docker_restarts(const struct events *e, const char *id)
{
	struct ectr	*c;

	HASH_FIND_STR(e->ctrs, id, c);
	return c != NULL ? c->docker_restarts : 0;
}

/* ---- building and recording ------------------------------------------- */

static void
text(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

void
event_init(struct event *ev, enum event_kind kind, const char *id,
    const struct inv_container *ic, double time)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->time = time;
	text(ev->id, sizeof(ev->id), id);
	ev->exit_code = ev->oom_killed = ev->will_restart = -1;
	ev->restart_count = ev->restarts = -1;
	ev->run_seconds = ev->window = -1;
	ev->oom_kills = ev->mem_limit = ev->mem_usage = -1;
	if (ic == NULL)
		return;
	text(ev->name, sizeof(ev->name), ic->d.name);
	text(ev->image, sizeof(ev->image), ic->d.image);
	text(ev->project, sizeof(ev->project),
	    docker_inspect_label(&ic->d, "com.docker.compose.project"));
	text(ev->service, sizeof(ev->service),
	    docker_inspect_label(&ic->d, "com.docker.compose.service"));
	ev->restart_count = ic->d.restart_count;
}

int
events_record(struct events *e, const struct event *ev)
{
	struct ectr	*c = ctr_get(e, ev->id, 1);
	uint64_t	 rate = e->cfg.rate_ms;

	if ((unsigned)ev->kind >= EVENT_KIND_COUNT)
		return 0;
	if (c != NULL && rate > 0 && c->last[ev->kind] > 0 &&
	    (ev->time - c->last[ev->kind]) * 1000 < (double)rate) {
		e->st.suppressed[ev->kind]++;
		if (e->listener != NULL)
			e->listener(e->listener_arg, ev, 0);
		return 0;
	}
	if (c != NULL)
		c->last[ev->kind] = ev->time;
	e->ring[e->head] = *ev;
	e->head = (e->head + 1) % e->cfg.ring_size;
	if (e->n < e->cfg.ring_size)
		e->n++;
	e->st.recorded[ev->kind]++;
	if (e->listener != NULL)
		e->listener(e->listener_arg, ev, 1);
	return 1;
}

/* ---- from Docker ------------------------------------------------------- */

/* Would Docker's restart policy start the container again after this exit? */
static int
policy_restarts(const struct docker_inspect *d, int exit_code)
{
	const char	*p = d->restart_policy;

	if (strcmp(p, "always") == 0 || strcmp(p, "unless-stopped") == 0)
		return 1;
	if (strcmp(p, "on-failure") == 0)
		return exit_code != 0 && (d->restart_max_retries <= 0 ||
		    d->restart_count < d->restart_max_retries);
	return 0;
}

/* The event's own name and image when the inventory has no record yet. */
static void
init_from(struct event *ev, enum event_kind kind, const struct docker_event *de,
    const struct inv_container *ic, double now)
{
	event_init(ev, kind, de->id, ic, de->time > 0 ? de->time : now);
	if (ic != NULL)
		return;
	text(ev->name, sizeof(ev->name), de->name);
	text(ev->image, sizeof(ev->image), de->image);
}

static void
on_die(struct events *e, struct ectr *c, const struct docker_event *de,
    const struct inv_container *ic, double now)
{
	struct event	 ev;
	int		 code = de->exit_code;

	if (code < 0 && ic != NULL)
		code = ic->d.exit_code;
	c->policy_restart = !c->stopping && ic != NULL &&
	    policy_restarts(&ic->d, code);
	if (code <= 0 || c->stopping)
		return;		/* a clean exit, or one somebody asked for */
	init_from(&ev, EVENT_EXIT, de, ic, now);
	ev.exit_code = code;
	ev.oom_killed = c->oom_seen;
	/* The cgroup is gone by now: what its OOM report said, else the limit. */
	ev.mem_limit = c->oom_limit;
	ev.mem_usage = c->oom_usage;
	if (ev.mem_limit < 0 && ic != NULL && ic->d.memory_limit > 0)
		ev.mem_limit = ic->d.memory_limit;
	if (ic != NULL) {
		ev.will_restart = c->policy_restart;
		if (ic->d.oom_killed && ic->d.state != DOCKER_STATE_RUNNING)
			ev.oom_killed = 1;
		if (ic->d.started_at > 0 && ev.time >= ic->d.started_at)
			ev.run_seconds = ev.time - ic->d.started_at;
	}
	events_record(e, &ev);
}

/* Counts Docker's restart; N of them within the window make a loop, once. */
static void
on_policy_start(struct events *e, struct ectr *c, const struct docker_event *de,
    const struct inv_container *ic, double now)
{
	struct event	 ev;
	double		 t = de->time > 0 ? de->time : now;
	double		 win = (double)e->cfg.loop_window_ms / 1000;
	unsigned	 n = e->cfg.loop_restarts, i, within = 0;

	c->docker_restarts++;
	if (n == 0 || n > EVENTS_LOOP_RESTARTS_MAX)
		return;
	if (c->restarts_at == NULL && (c->restarts_at = calloc(
	    EVENTS_LOOP_RESTARTS_MAX, sizeof(*c->restarts_at))) == NULL)
		return;		/* no memory: no loop told, the rest goes on */
	if (c->nrestarts > n || c->restart_head >= n)
		c->nrestarts = c->restart_head = 0;	/* a reload lowered n */
	c->restarts_at[c->restart_head] = t;
	c->restart_head = (c->restart_head + 1) % n;
	if (c->nrestarts < n)
		c->nrestarts++;
	for (i = 0; i < c->nrestarts; i++)
		if (t - c->restarts_at[i] <= win)
			within++;
	if (within < n) {
		c->in_loop = 0;
		return;
	}
	if (c->in_loop)
		return;
	c->in_loop = 1;
	init_from(&ev, EVENT_RESTART_LOOP, de, ic, now);
	ev.restarts = (int)within;
	ev.window = win;
	events_record(e, &ev);
}

static void
on_oom(struct events *e, struct ectr *c, const struct docker_event *de,
    const struct inv_container *ic, double now)
{
	struct event	 ev;

	c->oom_seen = 1;
	if (c->cgroup_oom_at > 0 && now - c->cgroup_oom_at < EVENTS_OOM_SAME_SECONDS) {
		c->cgroup_oom_at = 0;	/* the cgroup told us first */
		return;
	}
	c->docker_oom_at = now;
	init_from(&ev, EVENT_OOM, de, ic, now);
	ev.oom_killed = 1;
	/* The cgroup's count is on its way: one event, with it. */
	if (c->oom_watched && c->held == NULL &&
	    (c->held = malloc(sizeof(*c->held))) != NULL) {
		*c->held = ev;
		c->held_at = now;
		e->nheld++;
		return;
	}
	events_record(e, &ev);
}

void
events_docker(struct events *e, const struct docker_event *de,
    const struct inv_container *ic, double now)
{
	struct ectr	*c;

	if (de->id[0] == '\0')
		return;
	if (de->action == DOCKER_ACTION_DESTROY) {
		events_forget(e, de->id);
		return;
	}
	if ((c = ctr_get(e, de->id, 1)) == NULL)
		return;
	switch (de->action) {
	case DOCKER_ACTION_KILL:
	case DOCKER_ACTION_STOP:
		c->stopping = 1;
		break;
	case DOCKER_ACTION_OOM:
		on_oom(e, c, de, ic, now);
		break;
	case DOCKER_ACTION_DIE:
		on_die(e, c, de, ic, now);
		break;
	case DOCKER_ACTION_START:
		if (c->policy_restart)
			on_policy_start(e, c, de, ic, now);
		c->stopping = c->oom_seen = c->policy_restart = 0;
		c->oom_limit = c->oom_usage = -1;
		break;
	case DOCKER_ACTION_HEALTH_STATUS:
		events_health(e, ic, de->id, de->health, 0, NULL,
		    de->time > 0 ? de->time : now);
		break;
	default:
		break;
	}
}

/* The newest OOM event of the container still in the ring, if any. */
static struct event *
ring_oom(struct events *e, const char *id)
{
	size_t	 i, sz = e->cfg.ring_size;

	for (i = 0; i < e->n; i++) {
		struct event *ev = &e->ring[(e->head + sz - 1 - i) % sz];

		if (ev->kind == EVENT_OOM && strcmp(ev->id, id) == 0)
			return ev;
	}
	return NULL;
}

void
events_cgroup_oom(struct events *e, const struct inv_container *ic,
    const char *id, uint64_t oom_kills, int64_t limit, int64_t usage,
    double now)
{
	struct ectr	*c;
	struct event	 ev, *old;

	if ((c = ctr_get(e, id, 1)) == NULL)
		return;
	c->oom_seen = 1;
	c->oom_limit = limit;
	c->oom_usage = usage;
	if (c->docker_oom_at > 0 && now - c->docker_oom_at < EVENTS_OOM_SAME_SECONDS) {
		/* Docker told us first: complete its event. */
		c->docker_oom_at = 0;
		if (c->held != NULL) {
			c->held->oom_kills = oom_kills > INT64_MAX ? -1 :
			    (int64_t)oom_kills;
			c->held->mem_limit = limit;
			c->held->mem_usage = usage;
			release_held(e, c);
		} else if ((old = ring_oom(e, id)) != NULL) {
			old->oom_kills = (int64_t)oom_kills;
			old->mem_limit = limit;
			old->mem_usage = usage;
		}
		return;
	}
	c->cgroup_oom_at = now;
	event_init(&ev, EVENT_OOM, id, ic, now);
	ev.oom_killed = 1;
	ev.oom_kills = oom_kills > INT64_MAX ? -1 : (int64_t)oom_kills;
	ev.mem_limit = limit;
	ev.mem_usage = usage;
	events_record(e, &ev);
}

/* ---- health and remediation --------------------------------------------- */

/* Outside text in a context field: control characters become spaces. */
static void
context_text(char *dst, size_t len, const char *s, int keep_newlines)
{
	size_t	 i;

	text(dst, len, s);
	for (i = 0; dst[i] != '\0'; i++)
		if (((unsigned char)dst[i] < 0x20 && dst[i] != '\t' &&
		    !(keep_newlines && dst[i] == '\n')) || dst[i] == 0x7f)
			dst[i] = ' ';
}

void
events_health(struct events *e, const struct inv_container *ic,
    const char *id, enum docker_health h, int hale, const char *checks,
    double now)
{
	struct ectr	*c;
	struct event	 ev;
	enum event_kind	 kind;

	if ((c = ctr_get(e, id, 1)) == NULL)
		return;
	if (hale)
		c->hale = 1;
	else if (c->hale)
		return;
	if (h == DOCKER_HEALTH_UNHEALTHY && c->health != DOCKER_HEALTH_UNHEALTHY)
		kind = EVENT_UNHEALTHY;
	else if (h == DOCKER_HEALTH_HEALTHY &&
	    c->health == DOCKER_HEALTH_UNHEALTHY)
		kind = EVENT_HEALTHY;
	else {
		if (h == DOCKER_HEALTH_HEALTHY)
			c->health = h;
		return;
	}
	c->health = h;
	event_init(&ev, kind, id, ic, now);
	text(ev.source, sizeof(ev.source), hale ? "hale" : "docker");
	if (ic != NULL && ic->d.nlog > 0 && ic->d.log[ic->d.nlog - 1].output)
		context_text(ev.health_output, sizeof(ev.health_output),
		    ic->d.log[ic->d.nlog - 1].output, 0);
	context_text(ev.checks, sizeof(ev.checks), checks, 1);
	events_record(e, &ev);
}

void
events_remedy(struct events *e, enum event_kind kind,
    const struct inv_container *ic, const char *id, const char *action,
    const char *result, double now)
{
	struct event	 ev;

	event_init(&ev, kind, id, ic, now);
	text(ev.action, sizeof(ev.action), action);
	text(ev.result, sizeof(ev.result), result);
	events_record(e, &ev);
}
