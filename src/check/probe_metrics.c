/*
 * probe_metrics: the engine's metric families: hale_check_up,
 * hale_check_duration_seconds, hale_container_health_status,
 * hale_check_total, hale_check_label_rejections_total, hale_checks.
 * (container_health_state is the inventory's, through
 * probe_health_value.)
 */
#include "check/probe.h"

#include <stdio.h>

#include "check/probe_check.h"

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

	if (c->metric_labels == NULL || (ck = probe_find_check(eng, c->d.id)) == NULL ||
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
		for (cum = 0, b = 0; b <= PROBE_NBUCKETS; b++) {
			cum += ck->hist[b];
			if (b < PROBE_NBUCKETS)
				snprintf(le, sizeof(le), "le=\"%g\"", probe_buckets[b]);
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
	static const enum docker_health all[] = { DOCKER_HEALTH_STARTING,
	    DOCKER_HEALTH_HEALTHY, DOCKER_HEALTH_UNHEALTHY, DOCKER_HEALTH_NONE };
	struct inv_container		*c;
	enum docker_health		 st;
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
			    docker_health_name(all[i]));
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
