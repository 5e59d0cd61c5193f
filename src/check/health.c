/* health: the container health state machine (rules in health.h). */
#include "check/health.h"

#include <limits.h>
#include <stddef.h>

void
health_reset(struct health *h, double start, double now)
{
	h->status = DOCKER_HEALTH_STARTING;
	h->ok_streak = 0;
	h->fail_streak = 0;
	h->start = start;
	h->since = now;
	h->ignored = 0;
}

int
health_in_start_period(const struct health *h, const struct health_params *p,
    double now)
{
	return h->status == DOCKER_HEALTH_STARTING &&
	    (now - h->start) * 1000.0 < (double)p->start_period_ms;
}

static int
move(struct health *h, enum docker_health to, double now,
    struct health_transition *tr)
{
	if (h->status == to)
		return 0;
	tr->from = h->status;
	tr->to = to;
	h->status = to;
	h->since = now;
	h->transitions++;
	return 1;
}

int
health_observe(struct health *h, const struct health_params *p, int ok,
    double now, struct health_transition *tr)
{
	unsigned	 rise = p->rise > 0 ? p->rise : 1;
	unsigned	 fall = p->fall > 0 ? p->fall : 1;

	if (h->status == DOCKER_HEALTH_NONE)
		health_reset(h, now, now);
	if (ok) {
		h->fail_streak = 0;
		if (h->ok_streak < UINT_MAX)
			h->ok_streak++;
		if (h->ok_streak >= rise)
			return move(h, DOCKER_HEALTH_HEALTHY, now, tr);
		return 0;
	}
	h->ok_streak = 0;
	if (health_in_start_period(h, p, now)) {
		h->ignored++;
		return 0;
	}
	if (h->fail_streak < UINT_MAX)
		h->fail_streak++;
	if (h->fail_streak >= fall)
		return move(h, DOCKER_HEALTH_UNHEALTHY, now, tr);
	return 0;
}

enum docker_health
health_combine(int hale_active, enum docker_health hale,
    enum docker_health docker, enum health_source *source)
{
	enum health_source	 s = HEALTH_SOURCE_NONE;
	enum docker_health	 st = DOCKER_HEALTH_NONE;

	if (hale_active) {
		s = HEALTH_SOURCE_HALE;
		/* A check that has not run yet is starting, not "none". */
		st = hale != DOCKER_HEALTH_NONE ? hale : DOCKER_HEALTH_STARTING;
	} else if (docker != DOCKER_HEALTH_NONE) {
		s = HEALTH_SOURCE_DOCKER;
		st = docker;
	}
	if (source != NULL)
		*source = s;
	return st;
}

const char *
health_source_name(enum health_source s)
{
	switch (s) {
	case HEALTH_SOURCE_HALE:
		return "hale";
	case HEALTH_SOURCE_DOCKER:
		return "docker";
	case HEALTH_SOURCE_NONE:
		break;
	}
	return "none";
}
