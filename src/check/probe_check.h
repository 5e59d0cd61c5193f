/*
 * probe_check: inside the probe engine. The record it keeps for each
 * container and the engine's own state, shared by the files of the
 * module and by no one else: probe.c (the engine: following the
 * inventory, starting probes, recording results), probe_sched.c (when
 * the next probe is due), probe_json.c and probe_metrics.c (its views).
 */
#ifndef HALE_PROBE_CHECK_H
#define HALE_PROBE_CHECK_H

#include <sys/types.h>

#include <uthash.h>

#include "check/probe.h"
#include "core/rand.h"

/* hale_check_duration_seconds buckets: loopback probes take about 1 ms. */
#define PROBE_NBUCKETS	8
extern const double probe_buckets[PROBE_NBUCKETS];

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
	struct probe_http	*http;		/* https, or http through libcurl */
	struct probe_plain	*plain;		/* http:// on our own state machine */
	struct probe_tcp	*tcp;
	double			 probe_start;	/* ev_now of the last start */
	struct probe_result	*ring;		/* history slots */
	size_t			 nring;		/* results in the ring */
	size_t			 head;		/* next slot */
	uint64_t		 hist[PROBE_NBUCKETS + 1];	/* per bucket, last = +Inf */
	double			 dsum;
	uint64_t		 dcount;
	UT_hash_handle		 hh;
};

/* A container whose record changed since the last sync. */
struct probe_dirty {
	char			 id[DOCKER_ID_LEN + 1];
	UT_hash_handle		 hh;
};

/* More changes than this between two syncs: one pass over everything. */
#define PROBE_DIRTY_MAX	4096

struct probe_engine {
	struct probe_env		 env;
	struct inventory		*inv;
	const struct checkspec_rules	*rules;
	uint64_t			 rules_gen;
	struct check			*checks;	/* uthash by id */
	ev_timer			 sync_timer;
	struct probe_dirty		*dirty;		/* uthash by id: to sync */
	size_t				 ndirty;
	int				 dirty_all;	/* sync everything instead */
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

struct check	*probe_find_check(const struct probe_engine *, const char *id);
/* Docker's own verdict: State.Health, or starting for a HEALTHCHECK without it. */
enum docker_health probe_docker_status(const struct inv_container *);

/* ---- probe_sched.c ---------------------------------------------------- */

/* 1 if the check may probe now: active, not paused, a pid for netns. */
int	probe_can_probe(const struct check *);
/* A new run, a new spec or the end of a pause: the first probe at random. */
void	probe_schedule_first(struct check *);
/* After a probe: its start + interval ± jitter, on the slack grid. */
void	probe_schedule_next(struct check *);

#endif
