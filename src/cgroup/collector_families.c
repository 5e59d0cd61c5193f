/*
 * collector_families: every container_* family the collector writes, in
 * scrape order, with cAdvisor's name, type and HELP string byte for byte
 * (its lib/metrics/prometheus.go), the bits an entry needs for a sample
 * and where the value is. machine_* and the read-error counter are the
 * tail's (collector_write.c).
 */
#include "cgroup/collector_int.h"

#include <stddef.h>

#define ST(f)		offsetof(struct cgroup_stats, f)
#define NET(f)		offsetof(struct procnet_iface, f)
#define IO(f)		offsetof(struct cgroup_io_dev, f)
#define PSI(r, full)	(offsetof(struct cgroup_stats, psi_us) + \
	    ((r) * 2 + (full)) * sizeof(uint64_t))

const struct family collector_families[] = {
	/* cpu, memory and spec */
	{ "container_cpu_usage_seconds_total", METRICS_COUNTER,
	  "Cumulative cpu time consumed in seconds.",
	  F_SCALAR, CGROUP_HAVE_CPU_USAGE, V_NS, ST(cpu_usage_ns),
	  "cpu=\"total\"" },
	{ "container_cpu_user_seconds_total", METRICS_COUNTER,
	  "Cumulative user cpu time consumed in seconds.",
	  F_SCALAR, CGROUP_HAVE_CPU_USER_SYS, V_NS, ST(cpu_user_ns), NULL },
	{ "container_cpu_system_seconds_total", METRICS_COUNTER,
	  "Cumulative system cpu time consumed in seconds.",
	  F_SCALAR, CGROUP_HAVE_CPU_USER_SYS, V_NS, ST(cpu_system_ns), NULL },
	{ "container_cpu_cfs_periods_total", METRICS_COUNTER,
	  "Number of elapsed enforcement period intervals.",
	  F_SCALAR, EMIT_CFS, V_U64, ST(cfs_periods), NULL },
	{ "container_cpu_cfs_throttled_periods_total", METRICS_COUNTER,
	  "Number of throttled period intervals.",
	  F_SCALAR, EMIT_CFS, V_U64, ST(cfs_throttled_periods), NULL },
	{ "container_cpu_cfs_throttled_seconds_total", METRICS_COUNTER,
	  "Total time duration the container has been throttled.",
	  F_SCALAR, EMIT_CFS, V_NS, ST(cfs_throttled_ns), NULL },
	{ "container_memory_usage_bytes", METRICS_GAUGE,
	  "Current memory usage in bytes, including all memory regardless of "
	  "when it was accessed",
	  F_SCALAR, CGROUP_HAVE_MEM_USAGE, V_U64, ST(mem_usage), NULL },
	{ "container_memory_working_set_bytes", METRICS_GAUGE,
	  "Current working set in bytes.",
	  F_SCALAR, CGROUP_HAVE_MEM_USAGE, V_U64, ST(mem_working_set), NULL },
	{ "container_memory_rss", METRICS_GAUGE,
	  "Size of RSS in bytes.",
	  F_SCALAR, CGROUP_HAVE_MEM_RSS, V_U64, ST(mem_rss), NULL },
	{ "container_memory_cache", METRICS_GAUGE,
	  "Number of bytes of page cache memory.",
	  F_SCALAR, CGROUP_HAVE_MEM_CACHE, V_U64, ST(mem_cache), NULL },
	{ "container_memory_swap", METRICS_GAUGE,
	  "Container swap usage in bytes.",
	  F_SCALAR, CGROUP_HAVE_MEM_SWAP, V_U64, ST(mem_swap), NULL },
	{ "container_memory_mapped_file", METRICS_GAUGE,
	  "Size of memory mapped files in bytes.",
	  F_SCALAR, CGROUP_HAVE_MEM_MAPPED, V_U64, ST(mem_mapped_file), NULL },
	{ "container_memory_max_usage_bytes", METRICS_GAUGE,
	  "Maximum memory usage recorded in bytes",
	  F_SCALAR, CGROUP_HAVE_MEM_MAX, V_U64, ST(mem_max_usage), NULL },
	{ "container_oom_events_total", METRICS_COUNTER,
	  "Count of out of memory events observed for the container",
	  F_SCALAR, CGROUP_HAVE_OOM, V_U64, ST(oom_kills), NULL },
	{ "container_spec_memory_limit_bytes", METRICS_GAUGE,
	  "Memory limit for the container.",
	  F_SCALAR, CGROUP_HAVE_MEM_LIMIT, V_MEMLIMIT, ST(mem_limit), NULL },
	{ "container_spec_cpu_period", METRICS_GAUGE,
	  "CPU period of the container.",
	  F_SCALAR, CGROUP_HAVE_CPU_PERIOD, V_U64, ST(cpu_period_us), NULL },
	{ "container_spec_cpu_quota", METRICS_GAUGE,
	  "CPU quota of the container.",
	  F_SCALAR, CGROUP_HAVE_CPU_QUOTA, V_U64, ST(cpu_quota_us), NULL },
	{ "container_spec_cpu_shares", METRICS_GAUGE,
	  "CPU share of the container.",
	  F_SCALAR, CGROUP_HAVE_CPU_SHARES, V_U64, ST(cpu_shares), NULL },
	/* network, per interface */
	{ "container_network_receive_bytes_total", METRICS_COUNTER,
	  "Cumulative count of bytes received",
	  F_NET, EMIT_NET, V_U64, NET(rx_bytes), NULL },
	{ "container_network_receive_packets_total", METRICS_COUNTER,
	  "Cumulative count of packets received",
	  F_NET, EMIT_NET, V_U64, NET(rx_packets), NULL },
	{ "container_network_receive_packets_dropped_total", METRICS_COUNTER,
	  "Cumulative count of packets dropped while receiving",
	  F_NET, EMIT_NET, V_U64, NET(rx_dropped), NULL },
	{ "container_network_receive_errors_total", METRICS_COUNTER,
	  "Cumulative count of errors encountered while receiving",
	  F_NET, EMIT_NET, V_U64, NET(rx_errors), NULL },
	{ "container_network_transmit_bytes_total", METRICS_COUNTER,
	  "Cumulative count of bytes transmitted",
	  F_NET, EMIT_NET, V_U64, NET(tx_bytes), NULL },
	{ "container_network_transmit_packets_total", METRICS_COUNTER,
	  "Cumulative count of packets transmitted",
	  F_NET, EMIT_NET, V_U64, NET(tx_packets), NULL },
	{ "container_network_transmit_packets_dropped_total", METRICS_COUNTER,
	  "Cumulative count of packets dropped while transmitting",
	  F_NET, EMIT_NET, V_U64, NET(tx_dropped), NULL },
	{ "container_network_transmit_errors_total", METRICS_COUNTER,
	  "Cumulative count of errors encountered while transmitting",
	  F_NET, EMIT_NET, V_U64, NET(tx_errors), NULL },
	/* block I/O, per device */
	{ "container_fs_reads_bytes_total", METRICS_COUNTER,
	  "Cumulative count of bytes read",
	  F_IO, EMIT_IO, V_U64, IO(rbytes), NULL },
	{ "container_fs_reads_total", METRICS_COUNTER,
	  "Cumulative count of reads completed",
	  F_IO, EMIT_IO, V_U64, IO(rios), NULL },
	{ "container_fs_writes_bytes_total", METRICS_COUNTER,
	  "Cumulative count of bytes written",
	  F_IO, EMIT_IO, V_U64, IO(wbytes), NULL },
	{ "container_fs_writes_total", METRICS_COUNTER,
	  "Cumulative count of writes completed",
	  F_IO, EMIT_IO, V_U64, IO(wios), NULL },
	/* pids and pressure */
	{ "container_threads", METRICS_GAUGE,
	  "Number of threads running inside the container",
	  F_SCALAR, CGROUP_HAVE_THREADS, V_U64, ST(threads), NULL },
	{ "container_threads_max", METRICS_GAUGE,
	  "Maximum number of threads allowed inside the container, infinity "
	  "if value is zero",
	  F_SCALAR, CGROUP_HAVE_THREADS_MAX, V_PIDSMAX, ST(threads_max), NULL },
	{ "container_processes", METRICS_GAUGE,
	  "Number of processes running inside the container.",
	  F_SCALAR, CGROUP_HAVE_PROCS, V_U64, ST(processes), NULL },
	{ "container_pressure_cpu_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to CPU "
	  "congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_CPU, 0), V_US,
	  PSI(CGROUP_PSI_CPU, 0), NULL },
	{ "container_pressure_cpu_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to CPU congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_CPU, 1), V_US,
	  PSI(CGROUP_PSI_CPU, 1), NULL },
	{ "container_pressure_memory_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to "
	  "memory congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_MEMORY, 0), V_US,
	  PSI(CGROUP_PSI_MEMORY, 0), NULL },
	{ "container_pressure_memory_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to memory congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_MEMORY, 1), V_US,
	  PSI(CGROUP_PSI_MEMORY, 1), NULL },
	{ "container_pressure_io_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to IO "
	  "congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_IO, 0), V_US,
	  PSI(CGROUP_PSI_IO, 0), NULL },
	{ "container_pressure_io_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to IO congestion.",
	  F_SCALAR, CGROUP_HAVE_PSI(CGROUP_PSI_IO, 1), V_US,
	  PSI(CGROUP_PSI_IO, 1), NULL },
	/* times */
	{ "container_start_time_seconds", METRICS_GAUGE,
	  "Start time of the container since unix epoch in seconds.",
	  F_START, EMIT_START, V_U64, 0, NULL },
	{ "container_last_seen", METRICS_GAUGE,
	  "Last time a container was seen by the exporter",
	  F_SEEN, EMIT_SEEN, V_U64, 0, NULL },
};

const size_t collector_nfamilies =
    sizeof(collector_families) / sizeof(collector_families[0]);
