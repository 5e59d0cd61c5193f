/*
 * remedy_metrics: the remediation metric families (list in
 * remedy_metrics.h), from the rows the executor hands in. A container
 * with remediation off still shows the counters it once moved.
 */
#include "remedy/remedy_metrics.h"

#include <stdio.h>

#include "core/buf.h"

/* `name="..."` of a container, escaped. */
static void
name_label(const struct remedy_metrics_row *row, struct buf *l)
{
	buf_reset(l);
	metrics_label(l, "name", row->name);
}

static void
write_restarts(struct metrics_writer *w, const struct remedy_metrics_row *rows,
    size_t n, struct buf *l)
{
	static const enum remedy_result shown[] = {
		REMEDY_RESULT_OK, REMEDY_RESULT_FAILED, REMEDY_RESULT_TIMEOUT,
	};
	char		 extra[32];
	const uint64_t	*v;
	size_t		 i, k;

	metrics_family(w, "hale_restarts_total", METRICS_COUNTER,
	    "Container restarts hale asked Docker for (own and dependency), "
	    "by result: ok, failed (Docker refused), timeout.");
	for (k = 0; k < n; k++) {
		v = rows[k].counts[REMEDY_ACTION_RESTART];
		if (!rows[k].enabled && v[0] + v[1] + v[2] == 0)
			continue;
		name_label(&rows[k], l);
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
			snprintf(extra, sizeof(extra), "result=\"%s\"",
			    remedy_result_name(shown[i]));
			metrics_sample_u64(w, "hale_restarts_total", l->data,
			    extra, v[shown[i]]);
		}
	}
}

static void
write_actions(struct metrics_writer *w, const struct remedy_metrics_row *rows,
    size_t n, struct buf *l)
{
	char	 extra[64];
	size_t	 k;
	int	 a, r;

	metrics_family(w, "hale_remediation_actions_total", METRICS_COUNTER,
	    "Remediation actions by kind and result; dry_run counts actions "
	    "only pretended.");
	for (k = 0; k < n; k++)
		for (a = 0; a < REMEDY_ACTION_COUNT; a++)
			for (r = 0; r < REMEDY_RESULT_COUNT; r++) {
				if (rows[k].counts[a][r] == 0)
					continue;
				name_label(&rows[k], l);
				snprintf(extra, sizeof(extra),
				    "action=\"%s\",result=\"%s\"",
				    remedy_action_name((enum remedy_action)a),
				    remedy_result_name((enum remedy_result)r));
				metrics_sample_u64(w, "hale_remediation_actions_total",
				    l->data, extra, rows[k].counts[a][r]);
			}
	metrics_family(w, "hale_remediation_dry_run_total", METRICS_COUNTER,
	    "Actions dry-run mode logged instead of taking, by action.");
	for (k = 0; k < n; k++)
		for (a = 0; a < REMEDY_ACTION_COUNT; a++) {
			if (rows[k].counts[a][REMEDY_RESULT_DRY_RUN] == 0)
				continue;
			name_label(&rows[k], l);
			snprintf(extra, sizeof(extra), "action=\"%s\"",
			    remedy_action_name((enum remedy_action)a));
			metrics_sample_u64(w, "hale_remediation_dry_run_total",
			    l->data, extra, rows[k].counts[a][REMEDY_RESULT_DRY_RUN]);
		}
}

static void
write_states(struct metrics_writer *w, const struct remedy_metrics_row *rows,
    size_t n, struct buf *l)
{
	char	 extra[32];
	size_t	 k;
	int	 p;

	metrics_family(w, "hale_remediation_state", METRICS_GAUGE,
	    "Remediation state of containers with restart=on-unhealthy, one "
	    "series per state (ok, backoff, gave_up), 1 on the current one.");
	for (k = 0; k < n; k++) {
		if (!rows[k].enabled)
			continue;
		name_label(&rows[k], l);
		for (p = 0; p < REMEDY_PHASE_COUNT; p++) {
			snprintf(extra, sizeof(extra), "state=\"%s\"",
			    remedy_phase_name((enum remedy_phase)p));
			metrics_sample_u64(w, "hale_remediation_state", l->data,
			    extra, rows[k].phase == (enum remedy_phase)p);
		}
	}
	metrics_family(w, "hale_remediation_next_allowed_timestamp_seconds",
	    METRICS_GAUGE, "When the next remediation action may start (unix "
	    "seconds); 0 when it may start at once. Absent while given up or "
	    "in flight.");
	for (k = 0; k < n; k++) {
		if (!rows[k].enabled || rows[k].next_allowed < 0)
			continue;
		name_label(&rows[k], l);
		metrics_sample(w, "hale_remediation_next_allowed_timestamp_seconds",
		    l->data, NULL, rows[k].next_allowed);
	}
}

static void
write_problems(struct metrics_writer *w, const struct remedy_metrics_row *rows,
    size_t n, struct buf *l)
{
	size_t	 k;

	metrics_family(w, "hale_remediation_give_ups_total", METRICS_COUNTER,
	    "Times hale gave up on a container because its budget was spent.");
	for (k = 0; k < n; k++) {
		if (!rows[k].enabled && rows[k].give_ups == 0)
			continue;
		name_label(&rows[k], l);
		metrics_sample_u64(w, "hale_remediation_give_ups_total", l->data,
		    NULL, rows[k].give_ups);
	}
	metrics_family(w, "hale_remediation_policy_invalid", METRICS_GAUGE,
	    "1 for containers whose remediation labels were rejected "
	    "(remediation is off for them; the API says why).");
	for (k = 0; k < n; k++) {
		if (rows[k].valid)
			continue;
		name_label(&rows[k], l);
		metrics_sample_u64(w, "hale_remediation_policy_invalid", l->data,
		    NULL, 1);
	}
}

void
remedy_metrics_write(struct metrics_writer *w,
    const struct remedy_metrics_row *rows, size_t n, int dry_run)
{
	struct buf	 l;

	buf_init(&l);
	write_restarts(w, rows, n, &l);
	write_actions(w, rows, n, &l);
	write_states(w, rows, n, &l);
	write_problems(w, rows, n, &l);
	buf_free(&l);
	metrics_family(w, "hale_remediation_dry_run_enabled", METRICS_GAUGE,
	    "1 if remediation only pretends (--dry-run or remediation.dry_run).");
	metrics_sample_u64(w, "hale_remediation_dry_run_enabled", NULL, NULL,
	    (uint64_t)dry_run);
}
