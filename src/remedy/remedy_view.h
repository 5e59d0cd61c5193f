/*
 * remedy_view: the JSON a container's remediation shows, built only from
 * the values handed in (no executor, no inventory, no clock):
 *
 * - the "remediation" object of the containers API (remedy_view_json);
 * - the "health" object of a webhook document (remedy_view_health).
 *
 * Times are wall-clock unix seconds, 0 for none (shown as null).
 */
#ifndef HALE_REMEDY_VIEW_H
#define HALE_REMEDY_VIEW_H

#include <cJSON.h>

#include "docker/docker_parse.h"
#include "remedy/remedy.h"

/* One action taken (or pretended) on a container. */
struct remedy_attempt {
	double			 at;		/* wall clock */
	double			 duration;
	enum remedy_action	 action;
	int			 dependent;	/* restarted after its parent */
	int			 pending;	/* no result yet */
	enum remedy_result	 result;
	unsigned		 attempt;
	char			 error[160];
};

/* What the API shows of one container's remediation. */
struct remedy_view {
	const struct remedy_policy	*pol;
	const struct remedy_state	*st;
	const struct remedy_attempt	*attempts;	/* oldest first */
	unsigned			 nattempts;
	const char			*last_decision;	/* NULL = none yet */
	int				 self;		/* hale's own container */
	int				 dry_run;
	unsigned			 budget_used;	/* actions in the window now */
	double				 next_allowed;
	double				 gave_up_at;
	double				 hold_until;
};

/* "invalid", "off", or the phase (remedy_phase_name). */
const char *remedy_view_state(const struct remedy_view *);
/* Remediation acts on the container: a valid on-unhealthy policy, not hale itself. */
int	remedy_view_enabled(const struct remedy_view *);
/*
 *	{"enabled", "state", "error", "policy": {...}, "health", "self",
 *	 "dry_run", "in_flight", "attempts_since_reset",
 *	 "budget": {"max", "used", "window_seconds"}, "next_allowed",
 *	 "gave_up_at", "hold_until", "last_decision", "attempts": [...]}
 * added to `o`.
 */
void	remedy_view_json(const struct remedy_view *, cJSON *o);
/*
 * {"status", "source", "docker_failing_streak", "docker_last_results"}:
 * `hale_check` says a hale check reports on the container; `d` (NULL if
 * gone) gives Docker's own HEALTHCHECK results. NULL if memory ran out.
 */
cJSON	*remedy_view_health(enum docker_health, int hale_check,
	    const struct docker_inspect *d);

#endif
