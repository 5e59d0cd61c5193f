/*
 * inventory_metrics: the inventory's metric families,
 * container_health_state and container_creation_time_seconds (cAdvisor's,
 * per live container), hale_containers{state} and
 * hale_container_labels_cut, written from what inventory.c decides.
 */
#include "docker/inventory.h"

#include <stdint.h>
#include <stdio.h>

void
inventory_write_metrics(struct inventory *inv, struct metrics_writer *mw)
{
	struct inventory_stats	 st;
	struct inv_container	*c;
	char			 extra[64];
	unsigned		 s;
	uint64_t		 cut = 0;

	metrics_family(mw, "container_health_state", METRICS_GAUGE,
	    "The result of the container's health check");
	for (c = inventory_first(inv); c != NULL; c = inventory_next(c))
		if (inventory_is_live(c) && c->metric_labels != NULL)
			metrics_sample_i64(mw, "container_health_state",
			    c->metric_labels, NULL, inventory_health(inv, c));
	metrics_family(mw, "container_creation_time_seconds", METRICS_GAUGE,
	    "Container creation time since unix epoch in seconds.");
	for (c = inventory_first(inv); c != NULL; c = inventory_next(c)) {
		/* cAdvisor writes whole seconds (CreationTime.Unix()). */
		if (inventory_is_live(c) && c->metric_labels != NULL &&
		    c->d.created > 0)
			metrics_sample_i64(mw, "container_creation_time_seconds",
			    c->metric_labels, NULL, (int64_t)c->d.created);
		cut += c->labels_cut;
	}
	metrics_family(mw, "hale_container_labels_cut", METRICS_GAUGE,
	    "Docker labels and allow-listed environment variables of the "
	    "current containers left out of container_label_* and "
	    "container_env_* by the per-container bounds.");
	metrics_sample_u64(mw, "hale_container_labels_cut", NULL, NULL, cut);
	inventory_get_stats(inv, &st);
	metrics_family(mw, "hale_containers", METRICS_GAUGE,
	    "Containers known to the Docker engine, by state.");
	for (s = 0; s < DOCKER_STATE_COUNT; s++) {
		if (s == DOCKER_STATE_UNKNOWN && st.by_state[s] == 0)
			continue;
		snprintf(extra, sizeof(extra), "state=\"%s\"",
		    docker_state_name((enum docker_state)s));
		metrics_sample_u64(mw, "hale_containers", NULL, extra,
		    st.by_state[s]);
	}
}
