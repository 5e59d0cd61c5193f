/*
 * docker_metrics: the Docker client's metric families, written from its
 * counters (hale_docker_up, hale_docker_events_total{action},
 * hale_docker_event_errors_total, hale_docker_reconnects_total, and the
 * flow control's hale_docker_events_coalesced_total,
 * hale_docker_events_dropped_total, hale_docker_stream_pauses_total).
 */
#include "docker/docker_impl.h"

#include <stdio.h>

void
docker_write_metrics(struct docker *d, struct metrics_writer *mw)
{
	char		 extra[64];
	unsigned	 a;

	metrics_family(mw, "hale_docker_up", METRICS_GAUGE,
	    "1 if the Docker events stream is connected, else 0.");
	metrics_sample(mw, "hale_docker_up", NULL, NULL, DOCKER_UP(d) ? 1 : 0);
	metrics_family(mw, "hale_docker_events_total", METRICS_COUNTER,
	    "Container events received from Docker, by action.");
	for (a = 0; a < DOCKER_ACTION_COUNT; a++) {
		snprintf(extra, sizeof(extra), "action=\"%s\"",
		    docker_action_name((enum docker_action)a));
		metrics_sample_u64(mw, "hale_docker_events_total", NULL, extra,
		    d->st.events[a]);
	}
	metrics_family(mw, "hale_docker_event_errors_total", METRICS_COUNTER,
	    "Docker event lines skipped: malformed or over the length cap.");
	metrics_sample_u64(mw, "hale_docker_event_errors_total", NULL, NULL,
	    d->st.event_errors);
	metrics_family(mw, "hale_docker_reconnects_total", METRICS_COUNTER,
	    "Attempts to connect to Docker after the first one.");
	metrics_sample_u64(mw, "hale_docker_reconnects_total", NULL, NULL,
	    d->st.reconnects);
	metrics_family(mw, "hale_docker_events_coalesced_total",
	    METRICS_COUNTER, "Container events merged into an inspect "
	    "already waiting for the same container.");
	metrics_sample_u64(mw, "hale_docker_events_coalesced_total", NULL,
	    NULL, d->st.events_coalesced);
	metrics_family(mw, "hale_docker_events_dropped_total", METRICS_COUNTER,
	    "Container events whose inspect did not fit the queue; a resync "
	    "looked at every container instead.");
	metrics_sample_u64(mw, "hale_docker_events_dropped_total", NULL, NULL,
	    d->st.events_dropped);
	metrics_family(mw, "hale_docker_stream_pauses_total", METRICS_COUNTER,
	    "Times the events stream was paused for a loop iteration because "
	    "its batch of lines was spent.");
	metrics_sample_u64(mw, "hale_docker_stream_pauses_total", NULL, NULL,
	    d->st.stream_pauses);
}
