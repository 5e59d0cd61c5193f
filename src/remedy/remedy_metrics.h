/*
 * remedy_metrics: the remediation metric families, written from one row
 * of values per container that the executor hands in:
 *
 *	hale_restarts_total{name,result}
 *	hale_remediation_actions_total{name,action,result}
 *	hale_remediation_dry_run_total{name,action}
 *	hale_remediation_state{name,state}
 *	hale_remediation_next_allowed_timestamp_seconds{name}
 *	hale_remediation_give_ups_total{name}
 *	hale_remediation_policy_invalid{name}
 *	hale_remediation_dry_run_enabled
 */
#ifndef HALE_REMEDY_METRICS_H
#define HALE_REMEDY_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"
#include "remedy/remedy.h"

struct remedy_metrics_row {
	const char		*name;		/* the container's name (or id) */
	int			 enabled;	/* valid, on-unhealthy, not hale itself */
	int			 valid;		/* its policy parsed */
	enum remedy_phase	 phase;
	double			 next_allowed;	/* unix seconds, 0 = at once, < 0 = absent */
	const uint64_t		(*counts)[REMEDY_RESULT_COUNT];	/* by action */
	uint64_t		 give_ups;
};

void	remedy_metrics_write(struct metrics_writer *,
	    const struct remedy_metrics_row *, size_t n, int dry_run);

#endif
