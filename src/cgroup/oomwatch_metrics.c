/* oomwatch_metrics: the OOM watcher's metric families. */
#include "cgroup/oomwatch.h"

#include "core/metrics.h"

void
oomwatch_write_metrics(const struct oomwatch *w, struct metrics_writer *mw)
{
	struct oomwatch_stats	 st;

	oomwatch_get_stats(w, &st);
	metrics_family(mw, "hale_oom_watches", METRICS_GAUGE,
	    "Container cgroups watched for OOM kills, by mechanism: inotify on "
	    "memory.events (cgroup v2), eventfd on memory.oom_control (v1).");
	metrics_sample_u64(mw, "hale_oom_watches", NULL,
	    "mechanism=\"inotify\"", st.watches[OOMWATCH_V2]);
	metrics_sample_u64(mw, "hale_oom_watches", NULL,
	    "mechanism=\"eventfd\"", st.watches[OOMWATCH_V1]);
	metrics_family(mw, "hale_oom_watch_errors_total", METRICS_COUNTER,
	    "Container cgroups that could not be watched for OOM kills.");
	metrics_sample_u64(mw, "hale_oom_watch_errors_total", NULL, NULL,
	    st.errors);
	metrics_family(mw, "hale_oom_kills_total", METRICS_COUNTER,
	    "OOM kills the kernel signalled in watched container cgroups.");
	metrics_sample_u64(mw, "hale_oom_kills_total", NULL, NULL, st.kills);
}
