/*
 * probe: the check engine (see probe.h for the contract and the wiring).
 *
 *   inventory change ─► probe_observe: note the id ─► sync timer (0 s)
 *        ─► sync_dirty: sync_one per noted id (probe_sync, over every
 *           container, past PROBE_DIRTY_MAX ids or for new rules)
 *        └─ per running container: resolve the spec (rules + labels) when
 *           its inputs changed, reset the health on a new run, cancel and
 *           free the checks of containers that stopped or went away
 *
 *   check timer ─► on_check_timer ─► probe_{http,tcp}_start ──┐
 *        │ (no namespace / could not start: an error result now)│
 *        ▼                                                      ▼
 *   record ◄──────────────────────────────────── on_probe_done (once per probe)
 *        ├─ ring of the last results, duration histogram, counters
 *        ├─ health_observe ─► on a transition: one log line + callback
 *        └─ probe_schedule_next: re-arm the timer at probe start +
 *           interval ± jitter, on the slack grid (probe_sched.c)
 *
 * Where a probe connects is probe_target.c; what the engine shows is
 * probe_json.c (the API) and probe_metrics.c (/metrics).
 */
#include "check/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/probe_check.h"
#include "core/err.h"
#include "core/log.h"

#define JITTER_DEFAULT	0.1

const double probe_buckets[PROBE_NBUCKETS] = {
	0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5
};

static void	on_check_timer(struct ev_loop *, ev_timer *, int);
static void	on_probe_done(void *, const struct probe_result *);

const char *
probe_class_name(enum probe_class c)
{
	static const char *const names[PROBE_CLASS_COUNT] = {
		"ok", "timeout", "refused", "reset", "tls", "status", "body",
		"error",
	};

	return (unsigned)c < PROBE_CLASS_COUNT ? names[c] : "error";
}

/* ---- fingerprints ------------------------------------------------------- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	/* The terminating NUL too, so "ab"+"c" differs from "a"+"bc". */
	return fnv(h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

/* Everything the spec and the target depend on, except the run. */
static uint64_t
fingerprint(const struct probe_engine *eng, const struct docker_inspect *d)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	h = fnv(h, &eng->rules_gen, sizeof(eng->rules_gen));
	h = fnv_str(h, d->name);
	h = fnv_str(h, d->image);
	h = fnv_str(h, d->network_mode);
	for (i = 0; i < d->nlabels; i++) {
		h = fnv_str(h, d->labels[i].key);
		h = fnv_str(h, d->labels[i].value);
	}
	for (i = 0; i < d->nnetworks; i++) {
		h = fnv_str(h, d->networks[i].ip);
		h = fnv_str(h, d->networks[i].ip6);
	}
	for (i = 0; i < d->nports; i++) {
		h = fnv(h, &d->ports[i].container_port, sizeof(uint16_t));
		h = fnv(h, &d->ports[i].host_port, sizeof(uint16_t));
		h = fnv_str(h, d->ports[i].host_ip);
		h = fnv_str(h, d->ports[i].proto);
	}
	return h;
}

/* ---- checks ------------------------------------------------------------- */

struct check *
probe_find_check(const struct probe_engine *eng, const char *id)
{
	struct check	*ck = NULL;

	HASH_FIND_STR(eng->checks, id, ck);
	return ck;
}

static void
cancel_probe(struct check *ck)
{
	if (ck->http != NULL) {
		probe_http_cancel(ck->http);
		ck->http = NULL;
		ck->eng->st.in_flight--;
	}
	if (ck->plain != NULL) {
		probe_plain_cancel(ck->plain);
		ck->plain = NULL;
		ck->eng->st.in_flight--;
	}
	if (ck->tcp != NULL) {
		probe_tcp_cancel(ck->tcp);
		ck->tcp = NULL;
		ck->eng->st.in_flight--;
	}
}

static void
close_ns(struct check *ck)
{
	if (ck->target.nsfd >= 0) {
		close(ck->target.nsfd);
		ck->target.nsfd = -1;
	}
}

/* 1/interval: what the check adds to the engine's probe rate. */
static double
check_rate(const struct check *ck)
{
	return ck->spec.interval_ms > 0 ? 1000.0 / (double)ck->spec.interval_ms : 0;
}

static void
clear_spec(struct check *ck)
{
	if (ck->active) {
		ck->eng->rate -= check_rate(ck);
		if (ck->eng->rate < 1e-9)
			ck->eng->rate = 0;
	}
	cancel_probe(ck);
	ev_timer_stop(ck->eng->env.loop, &ck->timer);
	close_ns(ck);
	checkspec_free(&ck->spec);
	ck->active = 0;
	free(ck->error);
	ck->error = NULL;
	ck->reject = CHECKSPEC_REJECT_NONE;
	/* Most containers have no check: the history exists only for those that do. */
	free(ck->ring);
	ck->ring = NULL;
	ck->nring = ck->head = 0;
	memset(ck->hist, 0, sizeof(ck->hist));
	ck->dsum = 0;
	ck->dcount = 0;
	memset(&ck->health, 0, sizeof(ck->health));
}

static void
check_free(struct check *ck)
{
	struct probe_engine	*eng = ck->eng;

	clear_spec(ck);
	HASH_DEL(eng->checks, ck);
	free(ck->name);
	free(ck);
}

static struct check *
check_new(struct probe_engine *eng, const struct docker_inspect *d)
{
	struct check	*ck;

	if ((ck = calloc(1, sizeof(*ck))) == NULL) {
		log_error("probe: out of memory");
		return NULL;
	}
	memcpy(ck->id, d->id, sizeof(ck->id));
	ck->eng = eng;
	ck->target.nsfd = -1;
	checkspec_init(&ck->spec);
	ev_timer_init(&ck->timer, on_check_timer, 0., 0.);
	ck->timer.data = ck;
	HASH_ADD_STR(eng->checks, id, ck);
	return ck;
}

static void
new_run(struct check *ck, const struct docker_inspect *d)
{
	double	 now = ev_now(ck->eng->env.loop);

	cancel_probe(ck);
	close_ns(ck);
	ck->pid = d->pid;
	ck->started_at = d->started_at;
	if (ck->active)
		health_reset(&ck->health, d->started_at > 0 &&
		    d->started_at <= now ? d->started_at : now, now);
	probe_schedule_first(ck);
}

/* 1 if two specs would probe the same way (their API form is equal). */
static int
same_spec(const struct checkspec *a, const struct checkspec *b)
{
	cJSON	*ja = cJSON_CreateObject(), *jb = cJSON_CreateObject();
	char	*sa = NULL, *sb = NULL;
	int	 same = 0;

	if (ja != NULL && jb != NULL) {
		checkspec_to_json(a, ja);
		checkspec_to_json(b, jb);
		sa = cJSON_PrintUnformatted(ja);
		sb = cJSON_PrintUnformatted(jb);
		same = sa != NULL && sb != NULL && strcmp(sa, sb) == 0;
	}
	free(sa);
	free(sb);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return same;
}

static int
same_target(const struct probe_target *a, const struct probe_target *b)
{
	return a->how == b->how && a->port == b->port &&
	    strcmp(a->host, b->host) == 0;
}

/*
 * Resolves the container's check from its current labels, the rules and
 * its addresses. Returns 0 if it is the check already in place (a rename,
 * a reload that changed nothing for it: health and history are kept),
 * 1 if it changed (the caller starts over).
 */
static int
configure(struct check *ck, const struct docker_inspect *d)
{
	struct probe_engine	*eng = ck->eng;
	struct checkspec_input	 in;
	struct checkspec	 spec;
	struct probe_target	 t;
	const char		*ips[2 * DOCKER_NETWORKS_MAX];
	char			 err[CHECKSPEC_ERR_MAX] = "";
	enum checkspec_reject	 why;
	size_t			 i;
	int			 rc;

	free(ck->name);
	ck->name = strdup(d->name != NULL ? d->name : "");
	memset(&in, 0, sizeof(in));
	in.name = d->name;
	in.image = d->image;
	in.labels = d->labels;
	in.nlabels = d->nlabels;
	for (i = 0; i < d->nnetworks && in.nips + 2 <= sizeof(ips) / sizeof(ips[0]); i++) {
		ips[in.nips++] = d->networks[i].ip;
		ips[in.nips++] = d->networks[i].ip6;
	}
	in.ips = ips;
	rc = checkspec_resolve(eng->rules, &in, &spec, err, sizeof(err), &why);
	if (rc == 1 && probe_target_resolve(&spec, d, eng->can_netns, &t, err,
	    sizeof(err)) == -1) {
		checkspec_free(&spec);
		rc = -2;	/* valid, but no way to reach it */
		why = CHECKSPEC_REJECT_NONE;
	}
	if (ck->configured && (rc == 1 ? ck->active && same_spec(&spec,
	    &ck->spec) && same_target(&t, &ck->target) : !ck->active &&
	    strcmp(err, ck->error != NULL ? ck->error : "") == 0 &&
	    why == ck->reject)) {
		checkspec_free(&spec);
		return 0;
	}
	clear_spec(ck);
	if (rc == 0)
		return 1;
	if (rc < 0) {
		ck->error = strdup(err);
		ck->reject = why;
		if (rc == -2) {
			log_warn("check has no target", LOG_S("name", ck->name),
			    LOG_S("id", ck->id), LOG_S("reason", err));
			return 1;
		}
		eng->st.rejections[why]++;
		log_warn("check refused", LOG_S("name", ck->name),
		    LOG_S("id", ck->id), LOG_S("class", checkspec_reject_name(why)),
		    LOG_S("reason", err));
		return 1;
	}
	if ((ck->ring = calloc(eng->history, sizeof(*ck->ring))) == NULL) {
		checkspec_free(&spec);
		ck->error = strdup("out of memory");
		log_error("probe: out of memory");
		return 1;
	}
	ck->spec = spec;
	ck->target = t;
	ck->active = 1;
	eng->rate += check_rate(ck);
	ck->params.start_period_ms = ck->spec.start_period_ms;
	ck->params.rise = ck->spec.rise;
	ck->params.fall = ck->spec.fall;
	log_info("check configured", LOG_S("name", ck->name),
	    LOG_S("check", checkspec_kind_name(&ck->spec)),
	    LOG_U("port", ck->spec.port),
	    LOG_S("target", checkspec_target_name(ck->target.how)),
	    LOG_U("interval_ms", ck->spec.interval_ms),
	    LOG_U("rise", ck->spec.rise), LOG_U("fall", ck->spec.fall));
	return 1;
}

/* The container's record, brought up to date; NULL if memory ran out. */
static struct check *
sync_check(struct probe_engine *eng, const struct inv_container *c)
{
	const struct docker_inspect	*d = &c->d;
	struct check			*ck;
	uint64_t			 fp;
	int				 paused = d->state == DOCKER_STATE_PAUSED;
	int				 changed;

	eng->st.synced++;
	if ((ck = probe_find_check(eng, d->id)) == NULL &&
	    (ck = check_new(eng, d)) == NULL)
		return NULL;
	ck->seen = eng->epoch;
	fp = fingerprint(eng, d);
	if (!ck->configured || fp != ck->fp) {
		changed = configure(ck, d);
		ck->fp = fp;
		ck->configured = 1;
		if (changed) {
			ck->paused = paused;
			new_run(ck, d);
			return ck;
		}
	}
	if (d->started_at != ck->started_at ||
	    (d->pid > 0 && d->pid != ck->pid)) {
		ck->paused = paused;
		new_run(ck, d);
		return ck;
	}
	if (paused != ck->paused) {
		/* Docker's monitor rests while paused; so do we. */
		ck->paused = paused;
		cancel_probe(ck);
		probe_schedule_first(ck);
	}
	return ck;
}

/*
 * A container with no check and no refusal to tell keeps no record (928
 * bytes; most containers): every view shows it as it shows an unknown
 * container, and its next change resolves it again.
 */
static void
sync_one(struct probe_engine *eng, const struct inv_container *c)
{
	struct check	*ck;

	if ((ck = sync_check(eng, c)) != NULL && !ck->active &&
	    ck->error == NULL)
		check_free(ck);
}

static void
dirty_clear(struct probe_engine *eng)
{
	struct probe_dirty	*p, *tmp;

	HASH_ITER(hh, eng->dirty, p, tmp) {
		HASH_DEL(eng->dirty, p);
		free(p);
	}
	eng->ndirty = 0;
	eng->dirty_all = 0;
}

/* Notes a container to sync; too many (or no memory) means all of them. */
static void
dirty_add(struct probe_engine *eng, const char *id)
{
	struct probe_dirty	*p = NULL;

	if (eng->dirty_all)
		return;
	HASH_FIND(hh, eng->dirty, id, DOCKER_ID_LEN, p);
	if (p != NULL)
		return;
	if (eng->ndirty >= PROBE_DIRTY_MAX ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		dirty_clear(eng);
		eng->dirty_all = 1;
		return;
	}
	memcpy(p->id, id, DOCKER_ID_LEN);
	HASH_ADD(hh, eng->dirty, id, DOCKER_ID_LEN, p);
	eng->ndirty++;
}

static int
syncable(const struct inv_container *c)
{
	return c->d.state == DOCKER_STATE_RUNNING ||
	    c->d.state == DOCKER_STATE_PAUSED;
}

/*
 * What probe_sync does, for the noted containers only: a change costs
 * its own container, not the whole table (10,000 inspects at discovery
 * would otherwise cost 10,000 passes over it).
 */
static void
sync_dirty(struct probe_engine *eng)
{
	struct probe_dirty	*list, *p, *tmp;
	struct inv_container	*c;
	struct check		*ck;

	if (eng->dirty_all) {
		probe_sync(eng);
		return;
	}
	/* Taken whole: a change noted meanwhile goes to a new set. */
	list = eng->dirty;
	eng->dirty = NULL;
	eng->ndirty = 0;
	eng->st.syncs++;
	HASH_ITER(hh, list, p, tmp) {
		c = inventory_get(eng->inv, p->id);
		if (c != NULL && syncable(c))
			sync_one(eng, c);
		else if ((ck = probe_find_check(eng, p->id)) != NULL)
			check_free(ck);
		HASH_DEL(list, p);
		free(p);
	}
}

void
probe_sync(struct probe_engine *eng)
{
	struct inv_container	*c;
	struct check		*ck, *tmp;

	dirty_clear(eng);
	eng->epoch++;
	eng->st.syncs++;
	for (c = inventory_first(eng->inv); c != NULL; c = inventory_next(c))
		if (syncable(c))
			sync_one(eng, c);
	HASH_ITER(hh, eng->checks, ck, tmp)
		if (ck->seen != eng->epoch)
			check_free(ck);
}

static void
on_sync_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	sync_dirty(w->data);
}

void
probe_observe(void *arg, struct inv_container *c, enum inv_change change)
{
	struct probe_engine	*eng = arg;

	(void)change;
	dirty_add(eng, c->d.id);
	if (!ev_is_active(&eng->sync_timer))
		ev_timer_start(eng->env.loop, &eng->sync_timer);
}

/* ---- probing ------------------------------------------------------------ */

static void
record(struct check *ck, const struct probe_result *r)
{
	struct probe_engine	*eng = ck->eng;
	struct health_transition tr;
	size_t			 b;

	ck->ring[ck->head] = *r;
	ck->head = (ck->head + 1) % eng->history;
	if (ck->nring < eng->history)
		ck->nring++;
	for (b = 0; b < PROBE_NBUCKETS && r->duration > probe_buckets[b]; b++)
		;
	ck->hist[b]++;
	ck->dsum += r->duration;
	ck->dcount++;
	eng->st.results[r->cls]++;
	if (r->cls != PROBE_OK)
		log_debug("probe failed", LOG_S("name", ck->name),
		    LOG_S("result", probe_class_name(r->cls)),
		    LOG_S("msg", r->msg));
	if (!health_observe(&ck->health, &ck->params, r->cls == PROBE_OK,
	    ev_now(eng->env.loop), &tr))
		return;
	log_info("container health changed", LOG_S("name", ck->name),
	    LOG_S("id", ck->id), LOG_S("from", docker_health_name(tr.from)),
	    LOG_S("to", docker_health_name(tr.to)),
	    LOG_S("result", probe_class_name(r->cls)), LOG_S("msg", r->msg),
	    LOG_U("ok_streak", ck->health.ok_streak),
	    LOG_U("failing_streak", ck->health.fail_streak));
	if (eng->tcb != NULL)
		eng->tcb(eng->targ, ck->id, &tr, r);
}

static void
record_error(struct check *ck, const char *msg)
{
	struct probe_result	 r;

	memset(&r, 0, sizeof(r));
	r.cls = PROBE_ERROR;
	r.time = ev_now(ck->eng->env.loop);
	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	record(ck, &r);
}

static void
on_check_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check		*ck = w->data;
	struct probe_engine	*eng = ck->eng;
	char			 err[PROBE_MSG_MAX];

	(void)revents;
	if (!probe_can_probe(ck) || ck->http != NULL || ck->plain != NULL ||
	    ck->tcp != NULL)
		return;
	ck->probe_start = ev_now(loop);
	if (ck->target.how == CHECKSPEC_TARGET_NETNS && ck->target.nsfd < 0 &&
	    (ck->target.nsfd = netns_open(eng->env.netns, ck->pid, err,
	    sizeof(err))) == -1) {
		/*
		 * The process is gone: the container is stopping and the
		 * inventory will say so in a moment. Not a probe failure.
		 */
		if (errno == ENOENT || errno == ESRCH)
			log_debug("probe skipped", LOG_S("name", ck->name),
			    LOG_S("reason", err));
		else
			record_error(ck, err);
		probe_schedule_next(ck);
		return;
	}
	eng->st.started++;
	/* libcurl only for TLS: plain HTTP is cheaper on our own loop. */
	if (ck->spec.kind == CHECKSPEC_HTTP && ck->spec.https)
		ck->http = probe_http_start(&eng->env, &ck->spec, &ck->target,
		    on_probe_done, ck, err, sizeof(err));
	else if (ck->spec.kind == CHECKSPEC_HTTP)
		ck->plain = probe_plain_start(&eng->env, &ck->spec, &ck->target,
		    on_probe_done, ck, err, sizeof(err));
	else
		ck->tcp = probe_tcp_start(&eng->env, &ck->spec, &ck->target,
		    on_probe_done, ck, err, sizeof(err));
	if (ck->http == NULL && ck->plain == NULL && ck->tcp == NULL) {
		record_error(ck, err);
		probe_schedule_next(ck);
		return;
	}
	eng->st.in_flight++;
}

static void
on_probe_done(void *arg, const struct probe_result *r)
{
	struct check	*ck = arg;

	/* The probe frees itself after this returns. */
	ck->http = NULL;
	ck->plain = NULL;
	ck->tcp = NULL;
	ck->eng->st.in_flight--;
	record(ck, r);
	probe_schedule_next(ck);
}

/* ---- the engine --------------------------------------------------------- */

struct probe_engine *
probe_engine_new(const struct probe_options *o, char *err, size_t errlen)
{
	struct probe_engine	*eng;

	if ((eng = calloc(1, sizeof(*eng))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((eng->env.netns = netns_new(o->procfs, err, errlen)) == NULL) {
		free(eng);
		return NULL;
	}
	if ((eng->env.http_pool = probe_http_pool_new()) == NULL) {
		netns_free(eng->env.netns);
		free(eng);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	eng->env.loop = o->loop;
	eng->env.curlev = o->curlev;
	eng->env.body_max = PROBE_BODY_MAX;
	eng->inv = o->inv;
	eng->rules = o->rules;
	eng->jitter = o->jitter > 0 && o->jitter < 1 ? o->jitter : JITTER_DEFAULT;
	eng->history = o->history > 0 && o->history <= PROBE_HISTORY_MAX ?
	    o->history : PROBE_HISTORY_DEFAULT;
	eng->can_netns = o->netns > 0 ? 1 : o->netns < 0 ? 0 :
	    netns_can_enter(eng->env.netns);
	if (o->seed != 0)
		eng->rng.s = o->seed;
	else
		rand_seed(&eng->rng);
	ev_timer_init(&eng->sync_timer, on_sync_timer, 0., 0.);
	eng->sync_timer.data = eng;
	return eng;
}

void
probe_engine_free(struct probe_engine *eng)
{
	struct check	*ck, *tmp;

	if (eng == NULL)
		return;
	HASH_ITER(hh, eng->checks, ck, tmp)
		check_free(ck);
	dirty_clear(eng);
	ev_timer_stop(eng->env.loop, &eng->sync_timer);
	probe_http_pool_free(eng->env.http_pool);
	netns_free(eng->env.netns);
	free(eng);
}

void
probe_set_rules(struct probe_engine *eng, const struct checkspec_rules *rules)
{
	eng->rules = rules;
	eng->rules_gen++;
	probe_sync(eng);
}

void
probe_set_transition_cb(struct probe_engine *eng, probe_transition_cb *fn,
    void *arg)
{
	eng->tcb = fn;
	eng->targ = arg;
}

void
probe_get_stats(const struct probe_engine *eng, struct probe_stats *st)
{
	const struct check	*ck;

	*st = eng->st;
	st->active = st->refused = 0;
	for (ck = eng->checks; ck != NULL; ck = ck->hh.next) {
		if (ck->active)
			st->active++;
		else if (ck->error != NULL)
			st->refused++;
	}
}

/* ---- the combined state ------------------------------------------------- */

enum docker_health
probe_docker_status(const struct inv_container *c)
{
	/* A HEALTHCHECK without State.Health yet: Docker says starting. */
	if (c->d.health == DOCKER_HEALTH_NONE && c->d.hc.present)
		return DOCKER_HEALTH_STARTING;
	return c->d.health;
}

enum docker_health
probe_health_status(struct probe_engine *eng, const struct inv_container *c,
    enum health_source *src)
{
	const struct check	*ck = probe_find_check(eng, c->d.id);
	int			 hale = ck != NULL && ck->active;

	return health_combine(hale, hale ? ck->health.status : DOCKER_HEALTH_NONE,
	    probe_docker_status(c), src);
}

int
probe_health_value(void *engine, const struct inv_container *c)
{
	return docker_health_value(probe_health_status(engine, c, NULL));
}
