/*
 * probe: the check engine (see probe.h for the contract and the wiring).
 *
 *   inventory change ─► probe_observe ─► sync timer (0 s) ─► probe_sync
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
 *        └─ re-arm the timer: probe start + interval ± jitter
 *           (start_interval while the start period lasts), rounded to
 *           the slack grid
 *
 * One probe in flight per check: the timer is re-armed only when the
 * probe is over, and the timeout is always shorter than the interval.
 *
 * Due times are rounded to a grid (probe_align) so that checks due within
 * a fraction of a second of each other fire in the same loop iteration: a
 * probe that wakes an idle CPU on its own costs about twice as much as
 * one of a batch (bench/README.md, idle cost), and the jitter still
 * spreads the checks over the slots of their interval.
 */
#include "check/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uthash.h>

#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/timefmt.h"

#define JITTER_DEFAULT	0.1
#define MIN_DELAY	0.001
#define SLACK_MAX	1.0		/* s */
#define SLACK_MIN	(1.0 / 1024)	/* s; below this, no grid */
#define SLACK_DIV	8		/* at most 1/8 of the interval */
#define SLACK_BATCH	16		/* about this many probes a step, at most */

/* hale_check_duration_seconds buckets: loopback probes take about 1 ms. */
static const double buckets[] = { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 };
#define NBUCKETS	(sizeof(buckets) / sizeof(buckets[0]))

struct check {
	char			 id[DOCKER_ID_LEN + 1];
	struct probe_engine	*eng;
	char			*name;
	uint64_t		 fp;		/* fingerprint of the spec's inputs */
	int			 configured;	/* fp is valid */
	unsigned long		 seen;		/* sync epoch */
	/* The spec, or why there is none. */
	int			 active;
	struct checkspec	 spec;
	char			*error;		/* why not, or NULL */
	enum checkspec_reject	 reject;
	struct probe_target	 target;
	/* The run of the container the health belongs to. */
	pid_t			 pid;
	double			 started_at;
	int			 paused;
	struct health		 health;
	struct health_params	 params;
	/* Probing. */
	ev_timer		 timer;
	struct probe_http	*http;
	struct probe_tcp	*tcp;
	double			 probe_start;	/* ev_now of the last start */
	struct probe_result	*ring;		/* history slots */
	size_t			 nring;		/* results in the ring */
	size_t			 head;		/* next slot */
	uint64_t		 hist[NBUCKETS + 1];	/* per bucket, last = +Inf */
	double			 dsum;
	uint64_t		 dcount;
	UT_hash_handle		 hh;
};

struct probe_engine {
	struct probe_env		 env;
	struct inventory		*inv;
	const struct checkspec_rules	*rules;
	uint64_t			 rules_gen;
	struct check			*checks;	/* uthash by id */
	ev_timer			 sync_timer;
	struct rand_state		 rng;
	double				 rate;		/* probes/s of the active checks */
	double				 jitter;
	size_t				 history;
	int				 can_netns;
	unsigned long			 epoch;
	probe_transition_cb		*tcb;
	void				*targ;
	struct probe_stats		 st;
};

static void	on_check_timer(struct ev_loop *, ev_timer *, int);
static void	on_probe_done(void *, const struct probe_result *);

/* ---- pure helpers ------------------------------------------------------- */

double
probe_jitter(struct rand_state *r, double interval, double frac)
{
	return interval * (1.0 + frac * (2.0 * rand_unit(r) - 1.0));
}

double
probe_first_delay(struct rand_state *r, double interval)
{
	return interval * rand_unit(r);
}

/*
 * The grid of an interval: the largest power-of-two fraction of a second
 * up to 1 s and up to interval / 8 (1 s -> 125 ms, 4 s -> 500 ms, 8 s and
 * up -> 1 s), so a probe moves by at most 1/16 of its interval, less
 * than the ±10% jitter. Powers of two nest, so checks of different
 * intervals still share slots, and they are exact in binary: rounding a
 * time to them adds no error.
 *
 * And small enough that a step holds about SLACK_BATCH probes at the
 * engine's rate: past a dozen probes a wakeup is shared well enough,
 * while a larger batch only makes its probes wait for each other (their
 * durations include it) and blocks the loop longer (1,000 checks every
 * 10 s: 125 ms steps of ~12 probes, not 1 s steps of 100).
 */
double
probe_slack(double interval, double rate)
{
	double	 q, most = interval / SLACK_DIV;

	if (rate > 0 && SLACK_BATCH / rate < most)
		most = SLACK_BATCH / rate;
	for (q = SLACK_MAX; q >= SLACK_MIN; q /= 2)
		if (q <= most)
			return q;
	return 0;
}

/*
 * t to the nearest point of a grid (a step from probe_slack; 0 = none).
 * Nearest, not up: the next due time is measured from the moment the
 * probe really started, a little after its grid point, and rounding that
 * up would add a step to every period. With nearest, an interval that is a multiple of the
 * grid (whole seconds, and 1, 1.5, 2, 2.5 s...) keeps its period: exactly
 * without jitter, on average with it.
 */
double
probe_align(double t, double step)
{
	return step > 0 ? floor(t / step + 0.5) * step : t;
}

const char *
probe_class_name(enum probe_class c)
{
	static const char *const names[PROBE_CLASS_COUNT] = {
		"ok", "timeout", "refused", "reset", "tls", "status", "body",
		"error",
	};

	return (unsigned)c < PROBE_CLASS_COUNT ? names[c] : "error";
}

static int
set_addr(struct probe_target *t, const char *ip, uint16_t port)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)(void *)&t->addr;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)(void *)&t->addr;

	memset(&t->addr, 0, sizeof(t->addr));
	t->port = port;
	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		t->addrlen = sizeof(*in4);
		snprintf(t->host, sizeof(t->host), "%s", ip);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		t->addrlen = sizeof(*in6);
		snprintf(t->host, sizeof(t->host), "[%s]", ip);
		return 0;
	}
	return -1;
}

/* The container's own address: the first IPv4 of its networks, else IPv6. */
static const char *
own_ip(const struct docker_inspect *d)
{
	size_t	 i;

	for (i = 0; i < d->nnetworks; i++)
		if (d->networks[i].ip != NULL && d->networks[i].ip[0] != '\0')
			return d->networks[i].ip;
	for (i = 0; i < d->nnetworks; i++)
		if (d->networks[i].ip6 != NULL && d->networks[i].ip6[0] != '\0')
			return d->networks[i].ip6;
	return NULL;
}

static const struct docker_port *
published(const struct docker_inspect *d, uint16_t port)
{
	size_t	 i;

	for (i = 0; i < d->nports; i++)
		if (d->ports[i].container_port == port &&
		    strcmp(d->ports[i].proto, "tcp") == 0 &&
		    d->ports[i].host_port != 0)
			return &d->ports[i];
	return NULL;
}

int
probe_target_resolve(const struct checkspec *s, const struct docker_inspect *d,
    int can_netns, struct probe_target *t, char *err, size_t errlen)
{
	const struct docker_port	*pp;
	const char			*ip, *hip;

	memset(t, 0, sizeof(*t));
	t->nsfd = -1;
	t->how = s->target;
	if (t->how == CHECKSPEC_TARGET_AUTO)
		t->how = can_netns ? CHECKSPEC_TARGET_NETNS :
		    own_ip(d) != NULL ? CHECKSPEC_TARGET_IP :
		    published(d, s->port) != NULL ? CHECKSPEC_TARGET_HOST :
		    CHECKSPEC_TARGET_AUTO;
	switch (t->how) {
	case CHECKSPEC_TARGET_NETNS:
		if (!can_netns)
			return err_set(err, errlen, "target netns: haled may not enter "
			    "network namespaces (needs CAP_SYS_ADMIN)");
		return set_addr(t, "127.0.0.1", s->port);
	case CHECKSPEC_TARGET_IP:
		if ((ip = own_ip(d)) == NULL || set_addr(t, ip, s->port) == -1)
			return err_set(err, errlen, "target ip: the container has no "
			    "IP address (network mode %.40s)",
			    d->network_mode != NULL ? d->network_mode : "?");
		return 0;
	case CHECKSPEC_TARGET_HOST:
		if ((pp = published(d, s->port)) == NULL)
			return err_set(err, errlen, "target host: port %u/tcp is not "
			    "published", s->port);
		/* Published on every address: take loopback of that family. */
		hip = pp->host_ip;
		if (hip[0] == '\0' || strcmp(hip, "0.0.0.0") == 0)
			hip = "127.0.0.1";
		else if (strcmp(hip, "::") == 0)
			hip = "::1";
		if (set_addr(t, hip, pp->host_port) == -1)
			return err_set(err, errlen, "target host: unusable host address");
		return 0;
	case CHECKSPEC_TARGET_AUTO:
		break;
	}
	return err_set(err, errlen, "no way to reach port %u: haled may not enter "
	    "network namespaces and the container has no IP address or "
	    "published port", s->port);
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

static struct check *
find_check(const struct probe_engine *eng, const char *id)
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

static double
current_interval(const struct check *ck, double now)
{
	uint64_t	 ms = health_in_start_period(&ck->health, &ck->params, now) ?
	    ck->spec.start_interval_ms : ck->spec.interval_ms;

	return (double)ms / 1000.0;
}

/* The timer for `when` (ev_now time) on the interval's grid. */
static void
arm(struct check *ck, double when, double interval)
{
	struct ev_loop	*loop = ck->eng->env.loop;
	double		 delay = probe_align(when,
	    probe_slack(interval, ck->eng->rate)) - ev_now(loop);

	ev_timer_stop(loop, &ck->timer);
	ev_timer_set(&ck->timer, delay > MIN_DELAY ? delay : MIN_DELAY, 0.);
	ev_timer_start(loop, &ck->timer);
}

static int
can_probe(const struct check *ck)
{
	return ck->active && !ck->paused &&
	    (ck->target.how != CHECKSPEC_TARGET_NETNS || ck->pid > 0);
}

/* A new run, a new spec or the end of a pause: first probe at random. */
static void
schedule_first(struct check *ck)
{
	struct probe_engine	*eng = ck->eng;
	double			 now = ev_now(eng->env.loop);
	double			 iv;

	ev_timer_stop(eng->env.loop, &ck->timer);
	if (!can_probe(ck))
		return;
	iv = current_interval(ck, now);
	arm(ck, now + probe_first_delay(&eng->rng, iv), iv);
}

static void
schedule_next(struct check *ck)
{
	struct probe_engine	*eng = ck->eng;
	double			 iv;

	if (!can_probe(ck))
		return;
	iv = current_interval(ck, ev_now(eng->env.loop));
	arm(ck, ck->probe_start + probe_jitter(&eng->rng, iv, eng->jitter), iv);
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
	schedule_first(ck);
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

static void
sync_one(struct probe_engine *eng, const struct inv_container *c)
{
	const struct docker_inspect	*d = &c->d;
	struct check			*ck;
	uint64_t			 fp;
	int				 paused = d->state == DOCKER_STATE_PAUSED;
	int				 changed;

	if ((ck = find_check(eng, d->id)) == NULL &&
	    (ck = check_new(eng, d)) == NULL)
		return;
	ck->seen = eng->epoch;
	fp = fingerprint(eng, d);
	if (!ck->configured || fp != ck->fp) {
		changed = configure(ck, d);
		ck->fp = fp;
		ck->configured = 1;
		if (changed) {
			ck->paused = paused;
			new_run(ck, d);
			return;
		}
	}
	if (d->started_at != ck->started_at ||
	    (d->pid > 0 && d->pid != ck->pid)) {
		ck->paused = paused;
		new_run(ck, d);
		return;
	}
	if (paused != ck->paused) {
		/* Docker's monitor rests while paused; so do we. */
		ck->paused = paused;
		cancel_probe(ck);
		schedule_first(ck);
	}
}

void
probe_sync(struct probe_engine *eng)
{
	struct inv_container	*c;
	struct check		*ck, *tmp;

	eng->epoch++;
	eng->st.syncs++;
	for (c = inventory_first(eng->inv); c != NULL; c = inventory_next(c))
		if (c->d.state == DOCKER_STATE_RUNNING ||
		    c->d.state == DOCKER_STATE_PAUSED)
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
	probe_sync(w->data);
}

void
probe_observe(void *arg, struct inv_container *c, enum inv_change change)
{
	struct probe_engine	*eng = arg;

	(void)c;
	(void)change;
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
	for (b = 0; b < NBUCKETS && r->duration > buckets[b]; b++)
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
	    LOG_S("id", ck->id), LOG_S("from", health_status_name(tr.from)),
	    LOG_S("to", health_status_name(tr.to)),
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
	if (!can_probe(ck) || ck->http != NULL || ck->tcp != NULL)
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
		schedule_next(ck);
		return;
	}
	eng->st.started++;
	if (ck->spec.kind == CHECKSPEC_HTTP)
		ck->http = probe_http_start(&eng->env, &ck->spec, &ck->target,
		    on_probe_done, ck, err, sizeof(err));
	else
		ck->tcp = probe_tcp_start(&eng->env, &ck->spec, &ck->target,
		    on_probe_done, ck, err, sizeof(err));
	if (ck->http == NULL && ck->tcp == NULL) {
		record_error(ck, err);
		schedule_next(ck);
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
	ck->tcp = NULL;
	ck->eng->st.in_flight--;
	record(ck, r);
	schedule_next(ck);
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
	ev_timer_stop(eng->env.loop, &eng->sync_timer);
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

static enum health_status
docker_status(const struct inv_container *c)
{
	switch (c->d.health) {
	case DOCKER_HEALTH_STARTING:
		return HEALTH_STARTING;
	case DOCKER_HEALTH_HEALTHY:
		return HEALTH_HEALTHY;
	case DOCKER_HEALTH_UNHEALTHY:
		return HEALTH_UNHEALTHY;
	case DOCKER_HEALTH_NONE:
		break;
	}
	/* A HEALTHCHECK without State.Health yet: Docker says starting. */
	return c->d.hc.present ? HEALTH_STARTING : HEALTH_NONE;
}

enum health_status
probe_health_status(struct probe_engine *eng, const struct inv_container *c,
    enum health_source *src)
{
	const struct check	*ck = find_check(eng, c->d.id);
	int			 hale = ck != NULL && ck->active;

	return health_combine(hale, hale ? ck->health.status : HEALTH_NONE,
	    docker_status(c), src);
}

int
probe_health_value(void *engine, const struct inv_container *c)
{
	return health_value(probe_health_status(engine, c, NULL));
}

/* ---- JSON --------------------------------------------------------------- */

static cJSON *
time_json(double t)
{
	char	 s[TIMEFMT_MAX];

	if (timefmt_rfc3339(t, TIMEFMT_API, s, sizeof(s)) == -1)
		return cJSON_CreateNull();
	return cJSON_CreateString(s);
}

static void
put(cJSON *o, const char *key, cJSON *v)
{
	if (v == NULL)
		return;
	if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static cJSON *
results_json(const struct check *ck)
{
	const struct probe_result	*r;
	cJSON				*a, *o;
	size_t				 i, h = ck->eng->history;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	/* Oldest first, as Docker's State.Health.Log. */
	for (i = 0; i < ck->nring; i++) {
		r = &ck->ring[(ck->head + h - ck->nring + i) % h];
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "result", probe_class_name(r->cls));
		cJSON_AddItemToObject(o, "time", time_json(r->time));
		cJSON_AddNumberToObject(o, "duration_seconds", r->duration);
		if (r->http_status > 0)
			cJSON_AddNumberToObject(o, "status_code", (double)r->http_status);
		else
			cJSON_AddNullToObject(o, "status_code");
		cJSON_AddStringToObject(o, "message", r->msg);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
check_json(const struct check *ck)
{
	cJSON	*o;
	char	 t[96];

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (!ck->active) {
		cJSON_AddStringToObject(o, "state", "refused");
		cJSON_AddStringToObject(o, "error", ck->error);
		cJSON_AddStringToObject(o, "reason", ck->reject != CHECKSPEC_REJECT_NONE ?
		    checkspec_reject_name(ck->reject) : "unreachable");
		return o;
	}
	cJSON_AddStringToObject(o, "state", ck->paused ? "paused" : "active");
	checkspec_to_json(&ck->spec, o);
	snprintf(t, sizeof(t), "%s %s:%u", checkspec_target_name(ck->target.how),
	    ck->target.host, ck->target.port);
	put(o, "target", cJSON_CreateString(t));
	cJSON_AddNumberToObject(o, "ok_streak", ck->health.ok_streak);
	cJSON_AddNumberToObject(o, "failing_streak", ck->health.fail_streak);
	cJSON_AddItemToObject(o, "since", time_json(ck->health.since));
	cJSON_AddNullToObject(o, "error");
	return o;
}

void
probe_health_json(void *engine, const struct inv_container *c, cJSON *h)
{
	struct probe_engine	*eng = engine;
	const struct check	*ck = find_check(eng, c->d.id);
	enum health_source	 src;
	enum health_status	 st;

	if (h == NULL || ck == NULL || (!ck->active && ck->error == NULL))
		return;
	put(h, "check", check_json(ck));
	if (!ck->active)
		return;
	st = probe_health_status(eng, c, &src);
	/* Docker's own verdict stays visible next to ours. */
	put(h, "docker_status", cJSON_CreateString(health_status_name(docker_status(c))));
	put(h, "status", cJSON_CreateString(health_status_name(st)));
	put(h, "source", cJSON_CreateString(health_source_name(src)));
	put(h, "failing_streak", cJSON_CreateNumber(ck->health.fail_streak));
	put(h, "ok_streak", cJSON_CreateNumber(ck->health.ok_streak));
	put(h, "last_results", results_json(ck));
}

/* ---- metrics ------------------------------------------------------------ */

static const struct probe_result *
last_result(const struct check *ck)
{
	size_t	 h = ck->eng->history;

	return ck->nring > 0 ? &ck->ring[(ck->head + h - 1) % h] : NULL;
}

/* The check of a container worth a series: active, and it has labels. */
static const struct check *
metric_check(const struct probe_engine *eng, const struct inv_container *c)
{
	const struct check	*ck;

	if (c->metric_labels == NULL || (ck = find_check(eng, c->d.id)) == NULL ||
	    !ck->active)
		return NULL;
	return ck;
}

static void
write_up(struct probe_engine *eng, struct metrics_writer *w)
{
	struct inv_container		*c;
	const struct check		*ck;
	const struct probe_result	*r;

	metrics_family(w, "hale_check_up", METRICS_GAUGE,
	    "1 if the last probe of the container's hale check succeeded, 0 if it failed.");
	for (c = inventory_first(eng->inv); c != NULL; c = inventory_next(c))
		if ((ck = metric_check(eng, c)) != NULL &&
		    (r = last_result(ck)) != NULL)
			metrics_sample_u64(w, "hale_check_up", c->metric_labels,
			    NULL, r->cls == PROBE_OK);
}

static void
write_histogram(struct probe_engine *eng, struct metrics_writer *w)
{
	struct inv_container		*c;
	const struct check		*ck;
	char				 le[32];
	uint64_t			 cum;
	size_t				 b;

	metrics_family(w, "hale_check_duration_seconds", METRICS_HISTOGRAM,
	    "How long the container's hale probes took.");
	for (c = inventory_first(eng->inv); c != NULL; c = inventory_next(c)) {
		if ((ck = metric_check(eng, c)) == NULL || ck->dcount == 0)
			continue;
		for (cum = 0, b = 0; b <= NBUCKETS; b++) {
			cum += ck->hist[b];
			if (b < NBUCKETS)
				snprintf(le, sizeof(le), "le=\"%g\"", buckets[b]);
			else
				snprintf(le, sizeof(le), "le=\"+Inf\"");
			metrics_sample_u64(w, "hale_check_duration_seconds_bucket",
			    c->metric_labels, le, cum);
		}
		metrics_sample(w, "hale_check_duration_seconds_sum",
		    c->metric_labels, NULL, ck->dsum);
		metrics_sample_u64(w, "hale_check_duration_seconds_count",
		    c->metric_labels, NULL, ck->dcount);
	}
}

static void
write_health(struct probe_engine *eng, struct metrics_writer *w)
{
	static const enum health_status all[] = { HEALTH_STARTING,
	    HEALTH_HEALTHY, HEALTH_UNHEALTHY, HEALTH_NONE };
	struct inv_container		*c;
	enum health_status		 st;
	char				 extra[48];
	size_t				 i;

	metrics_family(w, "hale_container_health_status", METRICS_GAUGE,
	    "The container's health (hale's check, else Docker's HEALTHCHECK): 1 on the current status.");
	for (c = inventory_first(eng->inv); c != NULL; c = inventory_next(c)) {
		if (!inventory_is_live(c) || c->metric_labels == NULL)
			continue;
		st = probe_health_status(eng, c, NULL);
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			snprintf(extra, sizeof(extra), "status=\"%s\"",
			    health_status_name(all[i]));
			metrics_sample_u64(w, "hale_container_health_status",
			    c->metric_labels, extra, st == all[i]);
		}
	}
}

static void
write_counters(struct probe_engine *eng, struct metrics_writer *w)
{
	struct probe_stats	 st;
	char			 extra[48];
	unsigned		 i;

	probe_get_stats(eng, &st);
	metrics_family(w, "hale_check_total", METRICS_COUNTER,
	    "Probes of all hale checks, by result.");
	for (i = 0; i < PROBE_CLASS_COUNT; i++) {
		snprintf(extra, sizeof(extra), "result=\"%s\"",
		    probe_class_name((enum probe_class)i));
		metrics_sample_u64(w, "hale_check_total", NULL, extra,
		    st.results[i]);
	}
	metrics_family(w, "hale_check_label_rejections_total", METRICS_COUNTER,
	    "Checks refused because of their labels or rules: target = aimed at something other than the container, invalid = a bad value.");
	for (i = CHECKSPEC_REJECT_INVALID; i < CHECKSPEC_REJECT_COUNT; i++) {
		snprintf(extra, sizeof(extra), "reason=\"%s\"",
		    checkspec_reject_name((enum checkspec_reject)i));
		metrics_sample_u64(w, "hale_check_label_rejections_total", NULL,
		    extra, st.rejections[i]);
	}
	metrics_family(w, "hale_checks", METRICS_GAUGE,
	    "hale checks of running containers: active, or refused (bad labels, no way to reach the port).");
	metrics_sample_u64(w, "hale_checks", NULL, "state=\"active\"", st.active);
	metrics_sample_u64(w, "hale_checks", NULL, "state=\"refused\"", st.refused);
}

void
probe_write_metrics(struct probe_engine *eng, struct metrics_writer *w)
{
	write_up(eng, w);
	write_histogram(eng, w);
	write_health(eng, w);
	write_counters(eng, w);
}
