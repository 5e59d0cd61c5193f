/*
 * inventory_metrics: the inventory's metric families,
 * container_health_state (cAdvisor's, per live container) and
 * hale_containers{state}, written from what inventory.c decides.
 */
#include "docker/inventory.h"

#include <stdio.h>

void
inventory_write_metrics(struct inventory *inv, struct metrics_writer *mw)
{
	struct inventory_stats	 st;
	struct inv_container	*c;
	char			 extra[64];
	unsigned		 s;

	metrics_family(mw, "container_health_state", METRICS_GAUGE,
	    "The result of the container's health check");
	for (c = inventory_first(inv); c != NULL; c = inventory_next(c))
		if (inventory_is_live(c) && c->metric_labels != NULL)
			metrics_sample_i64(mw, "container_health_state",
			    c->metric_labels, NULL, inventory_health(inv, c));
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
