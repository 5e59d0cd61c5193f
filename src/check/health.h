/*
 * health: the per-container health state machine. Pure: results go in,
 * transitions come out; no clock, no I/O, no logging. The probe engine
 * feeds it and logs the transitions it returns, once each.
 *
 *                 success x rise
 *   starting ──────────────────────────► healthy
 *      │                                 │    ▲
 *      │ failure x fall                  │    │ success x rise
 *      │ (after start_period)  failure x │    │
 *      ▼                          fall   ▼    │
 *   unhealthy ◄──────────────────────────┘    │
 *      └──────────────────────────────────────┘
 *
 * Rules (Docker's HEALTHCHECK plus Kubernetes/HAProxy thresholds):
 * - A (re)start of the container resets to `starting`, both streaks to 0,
 *   and opens the start period again.
 * - A success adds to the success streak and clears the failure streak;
 *   the state becomes healthy once the success streak reaches `rise`
 *   (from starting or unhealthy). With rise 1 this is Docker's rule.
 * - A failure clears the success streak. While the container is in its
 *   start period (now - start < start_period) and still `starting`, the
 *   failure is not counted (Docker). Otherwise it adds to the failure
 *   streak and the state becomes unhealthy once it reaches `fall`.
 * - A success inside the start period counts like any other: `rise`
 *   successes end `starting` early (Docker ends it at the first success;
 *   we wait for rise, so flapping starts don't report healthy).
 */
#ifndef HALE_HEALTH_H
#define HALE_HEALTH_H

#include <stdint.h>

/*
 * The states are Docker's own (enum docker_health: none, starting,
 * healthy, unhealthy), whoever judges the container: the machine here for
 * hale's check, Docker for the image's HEALTHCHECK. One set of values, so
 * the two compare and combine without a translation table, and
 * docker_health_name names them.
 */
#include "docker/docker_parse.h"

enum health_source {
	HEALTH_SOURCE_NONE = 0,
	HEALTH_SOURCE_HALE,	/* hale's own probe */
	HEALTH_SOURCE_DOCKER,	/* the image's HEALTHCHECK */
};

struct health_params {
	uint64_t	 start_period_ms;
	unsigned	 rise;		/* >= 1 */
	unsigned	 fall;		/* >= 1 */
};

struct health {
	enum docker_health	 status;
	unsigned		 ok_streak;	/* consecutive successes */
	unsigned		 fail_streak;	/* consecutive counted failures */
	double			 start;		/* container start, seconds */
	double			 since;		/* last transition, seconds */
	uint64_t		 transitions;
	uint64_t		 ignored;	/* failures inside the start period */
};

struct health_transition {
	enum docker_health	 from;
	enum docker_health	 to;
};

/* A new run of the container started at `start`; `now` stamps `since`. */
void	health_reset(struct health *, double start, double now);
/*
 * One probe result (ok != 0 for success) at `now`. Returns 1 and fills
 * `tr` when the status changed, 0 otherwise.
 */
int	health_observe(struct health *, const struct health_params *, int ok,
	    double now, struct health_transition *tr);
/* 1 while `now` is inside the start period and the status is starting. */
int	health_in_start_period(const struct health *,
	    const struct health_params *, double now);

/*
 * The state a container reports: hale's own check when it has one
 * (`hale_active`), else Docker's HEALTHCHECK status, else none.
 */
enum docker_health health_combine(int hale_active, enum docker_health hale,
	    enum docker_health docker, enum health_source *source);
const char *health_source_name(enum health_source);

#endif
