/*
 * collector_collect and collector_snap_write against the fixture trees in
 * tests/fixtures/cgroup.
 *
 * The output is parsed back into name{labels} -> value and compared with
 * tables written by hand from the fixture files (see the README there):
 * every expected sample must be present with exactly that value, and no
 * other sample may exist, so a family that must be absent (cfs counters
 * without a quota, pressure without *.pressure files) is checked too.
 * Families must be contiguous with one HELP and one TYPE each, and the
 * HELP/TYPE text must be cAdvisor's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/collector.h"

#define FIX	FIXTURES "/cgroup/"

/* The collector's clock, moved by the tests (linked --wrap=clock_mono). */
double	__wrap_clock_mono(void);
static double	mono_now = 1000.0;

double
__wrap_clock_mono(void)
{
	return mono_now;
}

#define MAX_SAMPLES	512
#define MAX_FAMILIES	96

struct sample {
	char	key[320];
	double	v;
	int	used;
};

struct parsed {
	struct sample	s[MAX_SAMPLES];
	size_t		n;
	char		fam[MAX_FAMILIES][96];
	size_t		nfam;
};

struct exp {
	const char	*key;
	double		 v;
};

/* cAdvisor's TYPE and HELP for every family we may emit. */
static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
} spec[] = {
	{ "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds." },
	{ "container_cpu_user_seconds_total", "counter", "Cumulative user cpu time consumed in seconds." },
	{ "container_cpu_system_seconds_total", "counter", "Cumulative system cpu time consumed in seconds." },
	{ "container_cpu_cfs_periods_total", "counter", "Number of elapsed enforcement period intervals." },
	{ "container_cpu_cfs_throttled_periods_total", "counter", "Number of throttled period intervals." },
	{ "container_cpu_cfs_throttled_seconds_total", "counter", "Total time duration the container has been throttled." },
	{ "container_memory_usage_bytes", "gauge", "Current memory usage in bytes, including all memory regardless of when it was accessed" },
	{ "container_memory_working_set_bytes", "gauge", "Current working set in bytes." },
	{ "container_memory_rss", "gauge", "Size of RSS in bytes." },
	{ "container_memory_cache", "gauge", "Number of bytes of page cache memory." },
	{ "container_memory_swap", "gauge", "Container swap usage in bytes." },
	{ "container_memory_mapped_file", "gauge", "Size of memory mapped files in bytes." },
	{ "container_memory_max_usage_bytes", "gauge", "Maximum memory usage recorded in bytes" },
	{ "container_oom_events_total", "counter", "Count of out of memory events observed for the container" },
	{ "container_spec_memory_limit_bytes", "gauge", "Memory limit for the container." },
	{ "container_spec_cpu_period", "gauge", "CPU period of the container." },
	{ "container_spec_cpu_quota", "gauge", "CPU quota of the container." },
	{ "container_spec_cpu_shares", "gauge", "CPU share of the container." },
	{ "container_network_receive_bytes_total", "counter", "Cumulative count of bytes received" },
	{ "container_network_receive_packets_total", "counter", "Cumulative count of packets received" },
	{ "container_network_receive_packets_dropped_total", "counter", "Cumulative count of packets dropped while receiving" },
	{ "container_network_receive_errors_total", "counter", "Cumulative count of errors encountered while receiving" },
	{ "container_network_transmit_bytes_total", "counter", "Cumulative count of bytes transmitted" },
	{ "container_network_transmit_packets_total", "counter", "Cumulative count of packets transmitted" },
	{ "container_network_transmit_packets_dropped_total", "counter", "Cumulative count of packets dropped while transmitting" },
	{ "container_network_transmit_errors_total", "counter", "Cumulative count of errors encountered while transmitting" },
	{ "container_fs_reads_bytes_total", "counter", "Cumulative count of bytes read" },
	{ "container_fs_reads_total", "counter", "Cumulative count of reads completed" },
	{ "container_fs_writes_bytes_total", "counter", "Cumulative count of bytes written" },
	{ "container_fs_writes_total", "counter", "Cumulative count of writes completed" },
	{ "container_threads", "gauge", "Number of threads running inside the container" },
	{ "container_threads_max", "gauge", "Maximum number of threads allowed inside the container, infinity if value is zero" },
	{ "container_processes", "gauge", "Number of processes running inside the container." },
	{ "container_pressure_cpu_waiting_seconds_total", "counter", "Total time duration tasks in the container have waited due to CPU congestion." },
	{ "container_pressure_cpu_stalled_seconds_total", "counter", "Total time duration no tasks in the container could make progress due to CPU congestion." },
	{ "container_pressure_memory_waiting_seconds_total", "counter", "Total time duration tasks in the container have waited due to memory congestion." },
	{ "container_pressure_memory_stalled_seconds_total", "counter", "Total time duration no tasks in the container could make progress due to memory congestion." },
	{ "container_pressure_io_waiting_seconds_total", "counter", "Total time duration tasks in the container have waited due to IO congestion." },
	{ "container_pressure_io_stalled_seconds_total", "counter", "Total time duration no tasks in the container could make progress due to IO congestion." },
	{ "container_cpu_cfs_burst_periods_total", "counter", "Number of periods when burst occurs." },
	{ "container_cpu_cfs_burst_seconds_total", "counter", "Total time duration the container has been bursted." },
	{ "container_memory_failcnt", "counter", "Number of memory usage hits limits" },
	{ "container_memory_kernel_usage", "gauge", "Size of kernel memory allocated in bytes." },
	{ "container_memory_total_active_file_bytes", "gauge", "Current total active file in bytes." },
	{ "container_memory_total_inactive_file_bytes", "gauge", "Current total inactive file in bytes." },
	{ "container_memory_failures_total", "counter", "Cumulative count of memory allocation failures." },
	{ "container_memory_events_high_total", "counter", "Cumulative count of memory.high throttle events for the container" },
	{ "container_memory_events_max_total", "counter", "Cumulative count of memory.max limit hit events for the container" },
	{ "container_memory_file_dirty_bytes", "gauge", "Number of bytes of file cache that has been modified but not yet written back to disk." },
	{ "container_memory_file_writeback_bytes", "gauge", "Number of bytes of file cache that is currently being written back to disk." },
	{ "container_memory_pgscan_total", "counter", "Cumulative number of pages scanned by the page reclaim algorithm." },
	{ "container_memory_pgsteal_total", "counter", "Cumulative number of pages reclaimed by the page reclaim algorithm." },
	{ "container_memory_workingset_refault_file_total", "counter", "Cumulative number of refaults of previously evicted file pages." },
	{ "container_memory_workingset_refault_anon_total", "counter", "Cumulative number of refaults of previously evicted anonymous pages." },
	{ "container_spec_memory_swap_limit_bytes", "gauge", "Memory swap limit for the container." },
	{ "container_spec_memory_reservation_limit_bytes", "gauge", "Memory reservation limit for the container." },
	{ "container_fs_io_cost_usage_seconds_total", "counter", "Cumulative IOCost usage in seconds" },
	{ "container_fs_io_cost_wait_seconds_total", "counter", "Cumulative IOCost wait in seconds" },
	{ "container_fs_io_cost_indebt_seconds_total", "counter", "Cumulative IOCost debt in seconds" },
	{ "container_fs_io_cost_indelay_seconds_total", "counter", "Cumulative IOCost delay in seconds" },
	{ "container_blkio_device_usage_total", "counter", "Blkio Device bytes usage" },
	{ "container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds." },
	{ "container_last_seen", "gauge", "Last time a container was seen by the exporter" },
	{ "machine_cpu_cores", "gauge", "Number of logical CPU cores." },
	{ "machine_memory_bytes", "gauge", "Amount of memory installed on the machine." },
	{ "machine_cpu_physical_cores", "gauge", "Number of physical CPU cores." },
	{ "machine_cpu_sockets", "gauge", "Number of CPU sockets." },
	{ "machine_cpu_books", "gauge", "Number of CPU books." },
	{ "machine_cpu_drawers", "gauge", "Number of CPU drawers." },
	{ "machine_swap_bytes", "gauge", "Amount of swap memory available on the machine." },
	{ "machine_dimm_count", "gauge", "Number of RAM DIMM (all types memory modules) value labeled by dimm type." },
	{ "machine_dimm_capacity_bytes", "gauge", "Total RAM DIMM capacity (all types memory modules) value labeled by dimm type." },
	{ "hale_cgroup_read_errors_total", "counter", NULL },
	{ "hale_cgroup_fds_open", "gauge", NULL },
	{ "hale_cgroup_fd_budget", "gauge", NULL },
	{ "hale_cgroup_reopens_total", "counter", NULL },
	{ "hale_cgroup_unkept_containers", "gauge", NULL },
};

/* strcpy that fails the test instead of truncating. */
static void
scopy(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	assert_true(n < len);
	memcpy(dst, src, n + 1);
}

/* The OpenMetrics family name of a counter drops "_total". */
static int
family_matches(const char *fam, const char *sample, int om)
{
	size_t	n = strlen(fam);

	if (strcmp(fam, sample) == 0)
		return 1;
	return om && strncmp(fam, sample, n) == 0 &&
	    strcmp(sample + n, "_total") == 0;
}

static void
check_family_text(const char *name, const char *type, const char *help,
    int om)
{
	size_t	i, n;
	char	full[128];

	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		scopy(full, sizeof(full), spec[i].name);
		n = strlen(full);
		if (om && strcmp(spec[i].type, "counter") == 0)
			full[n - 6] = '\0';
		if (strcmp(full, name) != 0)
			continue;
		assert_string_equal(type, spec[i].type);
		if (spec[i].help != NULL)
			assert_string_equal(help, spec[i].help);
		return;
	}
	fail_msg("unexpected family %s", name);
}

/* Parses an exposition, asserting the structure as it goes. */
static void
parse(const char *text, struct parsed *p, int om)
{
	char	 line[1024], cur[96] = "", help[512], *sp;
	char	 type[32];
	const char *nl;
	size_t	 i, len, j;
	int	 want_type = 0;

	memset(p, 0, sizeof(*p));
	while (*text != '\0') {
		nl = strchr(text, '\n');
		assert_non_null(nl);		/* every line ends in \n */
		len = (size_t)(nl - text);
		assert_true(len < sizeof(line));
		memcpy(line, text, len);
		line[len] = '\0';
		text = nl + 1;
		if (strcmp(line, "# EOF") == 0) {
			assert_true(om);
			assert_true(*text == '\0');
			break;
		}
		if (strncmp(line, "# HELP ", 7) == 0) {
			assert_false(want_type);
			sp = strchr(line + 7, ' ');
			assert_non_null(sp);
			*sp = '\0';
			scopy(cur, sizeof(cur), line + 7);
			scopy(help, sizeof(help), sp + 1);
			/* One HELP per family: never seen before. */
			for (j = 0; j < p->nfam; j++)
				assert_string_not_equal(p->fam[j], cur);
			assert_true(p->nfam < MAX_FAMILIES);
			scopy(p->fam[p->nfam++], sizeof(p->fam[0]), cur);
			want_type = 1;
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			assert_true(want_type);
			sp = strchr(line + 7, ' ');
			assert_non_null(sp);
			*sp = '\0';
			assert_string_equal(line + 7, cur);
			scopy(type, sizeof(type), sp + 1);
			check_family_text(cur, type, help, om);
			want_type = 0;
			continue;
		}
		assert_false(want_type);
		assert_true(line[0] != '#');
		/* A sample: name[{labels}] value, no timestamp. */
		sp = strrchr(line, ' ');
		assert_non_null(sp);
		*sp = '\0';
		assert_true(p->n < MAX_SAMPLES);
		scopy(p->s[p->n].key, sizeof(p->s[0].key), line);
		p->s[p->n].v = strtod(sp + 1, &sp);
		assert_true(*sp == '\0');
		/* Contiguity: the sample belongs to the family just opened. */
		len = strcspn(line, "{");
		line[len] = '\0';
		assert_true(family_matches(cur, line, om));
		for (i = 0; i < p->n; i++)
			assert_string_not_equal(p->s[i].key, p->s[p->n].key);
		p->n++;
	}
	assert_false(want_type);
}

static void
check(struct parsed *p, const struct exp *e, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < p->n; j++)
			if (strcmp(p->s[j].key, e[i].key) == 0)
				break;
		if (j == p->n)
			fail_msg("missing sample %s", e[i].key);
		if (p->s[j].v != e[i].v)
			fail_msg("%s = %.17g, want %.17g", e[i].key, p->s[j].v,
			    e[i].v);
		p->s[j].used = 1;
	}
	/* The kept-descriptor gauges depend on the budget: test_keep. */
	for (j = 0; j < p->n; j++)
		if (!p->s[j].used && strncmp(p->s[j].key, "hale_cgroup_", 12) == 0 &&
		    strcmp(p->s[j].key, "hale_cgroup_read_errors_total") != 0)
			p->s[j].used = 1;
	for (j = 0; j < p->n; j++)
		if (!p->s[j].used)
			fail_msg("unexpected sample %s %.17g", p->s[j].key,
			    p->s[j].v);
}

static int
has_family(const struct parsed *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nfam; i++)
		if (strcmp(p->fam[i], name) == 0)
			return 1;
	return 0;
}

static void
env_for(struct cgroup_env *env, const char *tree)
{
	char	sys[512], proc[512], err[256];

	snprintf(sys, sizeof(sys), FIX "%s/sys", tree);
	snprintf(proc, sizeof(proc), FIX "%s/proc", tree);
	if (cgroup_env_init(env, sys, proc, err, sizeof(err)) == -1)
		fail_msg("%s: %s", tree, err);
}

static char *
render(struct collector *c, const struct cgroup_target *t, size_t n,
    double now, enum metrics_format fmt)
{
	struct buf		 b;
	struct metrics_writer	 w;
	struct collector_snap	*s;
	struct collector_cursor	 cur = { 0, 0, 0 };

	buf_init(&b);
	metrics_writer_init(&w, &b, fmt);
	assert_non_null(s = collector_collect(c, t, n, now));
	assert_int_equal(collector_snap_write(s, &w, &cur, SIZE_MAX), 1);
	metrics_finish(&w);
	assert_false(b.oom);
	return buf_steal(&b, NULL);
}

#define ID(h)	h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h
#define L(name, labels)	name "{" labels "}"

/* v2-systemd's machine_* samples (its topology, EDAC and id files). */
#define V2S_M	"boot_id=\"3c2a1f6e-8d4b-4e5f-9a0b-1c2d3e4f5a6b\"," \
	"machine_id=\"0123456789abcdef0123456789abcdef\"," \
	"system_uuid=\"4c4c4544-0042-3510-8052-b4c04f4e3232\""
#define V2S_MACHINE \
	{ L("machine_cpu_cores", V2S_M), 4 },		/* online 0-3 */ \
	/* 4 threads on cores 0 and 1 of package 0 */ \
	{ L("machine_cpu_physical_cores", V2S_M), 2 }, \
	{ L("machine_cpu_sockets", V2S_M), 1 }, \
	{ L("machine_memory_bytes", V2S_M), 8167004.0 * 1024 }, \
	{ L("machine_swap_bytes", V2S_M), 2097152.0 * 1024 }, \
	{ L("machine_dimm_count", V2S_M ",type=\"Unbuffered-DDR4\""), 2 }, \
	{ L("machine_dimm_count", V2S_M ",type=\"Registered-DDR3\""), 1 }, \
	{ L("machine_dimm_capacity_bytes", V2S_M ",type=\"Unbuffered-DDR4\""), \
	    8192.0 * 1024 * 1024 }, \
	{ L("machine_dimm_capacity_bytes", V2S_M ",type=\"Registered-DDR3\""), \
	    2048.0 * 1024 * 1024 },
#define NOW	1700000500.75

/* ---------------------------------------------------------------- v2-systemd */

#define R	"name=\"root\""
#define A	"name=\"a\""
#define B	"name=\"b\""
static const struct cgroup_target v2s_targets[] = {
	{ "/", R, 0, 0 },
	{ "/system.slice/docker-" ID("a1") ".scope", A, 4242, 1700000100.25 },
	{ "/system.slice/docker-" ID("b2") ".scope", B, 5353, 0 },
	{ "/system.slice/docker-" ID("d4") ".scope", "name=\"gone\"", 6464,
	  1700000200 },
};
static const struct exp v2s_exp[] = {
	{ L("container_cpu_usage_seconds_total", R ",cpu=\"total\""), 900.000001 },
	{ L("container_cpu_usage_seconds_total", A ",cpu=\"total\""), 5.123456 },
	{ L("container_cpu_usage_seconds_total", B ",cpu=\"total\""), 7.5 },
	{ L("container_cpu_user_seconds_total", R), 600.000002 },
	{ L("container_cpu_user_seconds_total", A), 3.1 },
	{ L("container_cpu_user_seconds_total", B), 5 },
	{ L("container_cpu_system_seconds_total", R), 300.000003 },
	{ L("container_cpu_system_seconds_total", A), 2.023456 },
	{ L("container_cpu_system_seconds_total", B), 2.5 },
	/* Only B has a quota (cpu.max 150000 100000). */
	{ L("container_cpu_cfs_periods_total", B), 345 },
	{ L("container_cpu_cfs_throttled_periods_total", B), 67 },
	{ L("container_cpu_cfs_throttled_seconds_total", B), 8.9 },
	/* Root: anon + file of the root memory.stat. */
	{ L("container_memory_usage_bytes", R), 3000003 },
	{ L("container_memory_usage_bytes", A), 52428800 },
	{ L("container_memory_usage_bytes", B), 104857600 },
	{ L("container_memory_working_set_bytes", R), 3000003 - 1200012 },
	{ L("container_memory_working_set_bytes", A), 52428800 - 10485760 },
	{ L("container_memory_working_set_bytes", B), 104857600 - 4194304 },
	{ L("container_memory_rss", R), 1000001 },
	{ L("container_memory_rss", A), 20971520 },
	{ L("container_memory_rss", B), 83886080 },
	{ L("container_memory_cache", R), 2000002 },
	{ L("container_memory_cache", A), 26214400 },
	{ L("container_memory_cache", B), 20971520 },
	/* Root: SwapTotal - SwapFree; B has no memory.swap.current. */
	{ L("container_memory_swap", R), (2097152.0 - 2096128.0) * 1024 },
	{ L("container_memory_swap", A), 3145728 },
	{ L("container_memory_mapped_file", R), 500005 },
	{ L("container_memory_mapped_file", A), 4194304 },
	{ L("container_memory_mapped_file", B), 1048576 },
	/* B has no memory.peak. */
	{ L("container_memory_max_usage_bytes", A), 73400320 },
	/* B's memory.events is garbage. */
	{ L("container_oom_events_total", A), 3 },
	{ L("container_spec_memory_limit_bytes", A), 0 },
	{ L("container_spec_memory_limit_bytes", B), 536870912 },
	{ L("container_spec_cpu_period", A), 100000 },
	{ L("container_spec_cpu_period", B), 100000 },
	{ L("container_spec_cpu_quota", B), 150000 },
	{ L("container_spec_cpu_shares", A), 2597 },	/* weight 100 */
	{ L("container_spec_cpu_shares", B), 998 },	/* weight 39 */
	{ L("container_network_receive_bytes_total", R ",interface=\"eth0\""), 123456789 },
	{ L("container_network_receive_bytes_total", A ",interface=\"eth0\""), 31415 },
	{ L("container_network_receive_bytes_total", B ",interface=\"eth0\""), 161803 },
	{ L("container_network_receive_bytes_total", B ",interface=\"eth1\""), 2718281 },
	{ L("container_network_receive_packets_total", R ",interface=\"eth0\""), 98765 },
	{ L("container_network_receive_packets_total", A ",interface=\"eth0\""), 92 },
	{ L("container_network_receive_packets_total", B ",interface=\"eth0\""), 398 },
	{ L("container_network_receive_packets_total", B ",interface=\"eth1\""), 828 },
	{ L("container_network_receive_packets_dropped_total", R ",interface=\"eth0\""), 2 },
	{ L("container_network_receive_packets_dropped_total", A ",interface=\"eth0\""), 5 },
	{ L("container_network_receive_packets_dropped_total", B ",interface=\"eth0\""), 13 },
	{ L("container_network_receive_packets_dropped_total", B ",interface=\"eth1\""), 23 },
	{ L("container_network_receive_errors_total", R ",interface=\"eth0\""), 1 },
	{ L("container_network_receive_errors_total", A ",interface=\"eth0\""), 6 },
	{ L("container_network_receive_errors_total", B ",interface=\"eth0\""), 11 },
	{ L("container_network_receive_errors_total", B ",interface=\"eth1\""), 21 },
	{ L("container_network_transmit_bytes_total", R ",interface=\"eth0\""), 987654321 },
	{ L("container_network_transmit_bytes_total", A ",interface=\"eth0\""), 27182 },
	{ L("container_network_transmit_bytes_total", B ",interface=\"eth0\""), 141421 },
	{ L("container_network_transmit_bytes_total", B ",interface=\"eth1\""), 1732050 },
	{ L("container_network_transmit_packets_total", R ",interface=\"eth0\""), 56789 },
	{ L("container_network_transmit_packets_total", A ",interface=\"eth0\""), 81 },
	{ L("container_network_transmit_packets_total", B ",interface=\"eth0\""), 356 },
	{ L("container_network_transmit_packets_total", B ",interface=\"eth1\""), 807 },
	{ L("container_network_transmit_packets_dropped_total", R ",interface=\"eth0\""), 4 },
	{ L("container_network_transmit_packets_dropped_total", A ",interface=\"eth0\""), 2 },
	{ L("container_network_transmit_packets_dropped_total", B ",interface=\"eth0\""), 19 },
	{ L("container_network_transmit_packets_dropped_total", B ",interface=\"eth1\""), 31 },
	{ L("container_network_transmit_errors_total", R ",interface=\"eth0\""), 3 },
	{ L("container_network_transmit_errors_total", A ",interface=\"eth0\""), 8 },
	{ L("container_network_transmit_errors_total", B ",interface=\"eth0\""), 17 },
	{ L("container_network_transmit_errors_total", B ",interface=\"eth1\""), 29 },
	/* 8:0 resolves through sys/dev/block/8:0/uevent; 259:3 does not. */
	{ L("container_fs_reads_bytes_total", R ",device=\"/dev/sda\""), 11110000 },
	{ L("container_fs_reads_bytes_total", A ",device=\"/dev/sda\""), 4096000 },
	{ L("container_fs_reads_bytes_total", A ",device=\"259:3\""), 1234 },
	{ L("container_fs_reads_total", R ",device=\"/dev/sda\""), 1111 },
	{ L("container_fs_reads_total", A ",device=\"/dev/sda\""), 400 },
	{ L("container_fs_reads_total", A ",device=\"259:3\""), 12 },
	{ L("container_fs_writes_bytes_total", R ",device=\"/dev/sda\""), 22220000 },
	{ L("container_fs_writes_bytes_total", A ",device=\"/dev/sda\""), 8192000 },
	{ L("container_fs_writes_bytes_total", A ",device=\"259:3\""), 5678 },
	{ L("container_fs_writes_total", R ",device=\"/dev/sda\""), 2222 },
	{ L("container_fs_writes_total", A ",device=\"/dev/sda\""), 800 },
	{ L("container_fs_writes_total", A ",device=\"259:3\""), 34 },
	{ L("container_threads", A), 7 },
	{ L("container_threads", B), 2 },
	{ L("container_threads_max", A), 0 },		/* "max" */
	{ L("container_threads_max", B), 100 },
	{ L("container_processes", R), 3 },
	{ L("container_processes", A), 3 },
	{ L("container_processes", B), 1 },
	{ L("container_pressure_cpu_waiting_seconds_total", R), 11 },
	{ L("container_pressure_cpu_waiting_seconds_total", A), 0.12 },
	{ L("container_pressure_cpu_waiting_seconds_total", B), 0.777 },
	{ L("container_pressure_cpu_stalled_seconds_total", R), 2.2 },
	{ L("container_pressure_cpu_stalled_seconds_total", A), 0.06 },
	{ L("container_pressure_memory_waiting_seconds_total", R), 3.3 },
	{ L("container_pressure_memory_waiting_seconds_total", A), 0.25 },
	{ L("container_pressure_memory_waiting_seconds_total", B), 0.888 },
	{ L("container_pressure_memory_stalled_seconds_total", R), 4.4 },
	{ L("container_pressure_memory_stalled_seconds_total", A), 0.125 },
	{ L("container_pressure_memory_stalled_seconds_total", B), 0.444 },
	/* B's io.pressure is empty. */
	{ L("container_pressure_io_waiting_seconds_total", R), 5.5 },
	{ L("container_pressure_io_waiting_seconds_total", A), 0.04 },
	{ L("container_pressure_io_stalled_seconds_total", R), 6.6 },
	{ L("container_pressure_io_stalled_seconds_total", A), 0.02 },
	{ L("container_start_time_seconds", A), 1700000100.25 },
	{ L("container_last_seen", R), 1700000500 },
	{ L("container_last_seen", A), 1700000500 },
	{ L("container_last_seen", B), 1700000500 },
	/*
	 * memory.stat's other keys, memory.events high/max (B's is garbage),
	 * memory.swap.max/memory.min ("max" -> 0), io.cost only on A's 8:0,
	 * bursts only with a quota (B), Read and Write bytes per device.
	 */
	{ L("container_memory_total_active_file_bytes", R), 800008 },
	{ L("container_memory_total_inactive_file_bytes", R), 1200012 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"container\""), 500101 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"container\""), 501 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"hierarchy\""), 500101 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 501 },
	{ L("container_memory_file_dirty_bytes", R), 40960 },
	{ L("container_memory_file_writeback_bytes", R), 8192 },
	{ L("container_memory_pgscan_total", R), 1001 },
	{ L("container_memory_pgsteal_total", R), 901 },
	{ L("container_memory_workingset_refault_file_total", R), 13 },
	{ L("container_memory_workingset_refault_anon_total", R), 11 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Read\""), 11110000 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Write\""), 22220000 },
	{ L("container_memory_total_active_file_bytes", A), 15728640 },
	{ L("container_memory_total_inactive_file_bytes", A), 10485760 },
	{ L("container_memory_failures_total", A ",failure_type=\"pgfault\",scope=\"container\""), 7306 },
	{ L("container_memory_failures_total", A ",failure_type=\"pgmajfault\",scope=\"container\""), 23 },
	{ L("container_memory_failures_total", A ",failure_type=\"pgfault\",scope=\"hierarchy\""), 7306 },
	{ L("container_memory_failures_total", A ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 23 },
	{ L("container_memory_file_dirty_bytes", A), 12288 },
	{ L("container_memory_file_writeback_bytes", A), 0 },
	{ L("container_memory_pgscan_total", A), 2048 },
	{ L("container_memory_pgsteal_total", A), 1536 },
	{ L("container_memory_workingset_refault_file_total", A), 37 },
	{ L("container_memory_workingset_refault_anon_total", A), 2 },
	{ L("container_memory_events_high_total", A), 14 },
	{ L("container_memory_events_max_total", A), 6 },
	{ L("container_spec_memory_swap_limit_bytes", A), 0 },
	{ L("container_spec_memory_reservation_limit_bytes", A), 0 },
	{ L("container_fs_io_cost_usage_seconds_total", A ",device=\"/dev/sda\""), 2.5 },
	{ L("container_fs_io_cost_wait_seconds_total", A ",device=\"/dev/sda\""), 0.125 },
	{ L("container_fs_io_cost_indebt_seconds_total", A ",device=\"/dev/sda\""), 0.0 },
	{ L("container_fs_io_cost_indelay_seconds_total", A ",device=\"/dev/sda\""), 0.03125 },
	{ L("container_blkio_device_usage_total", A ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Read\""), 4096000 },
	{ L("container_blkio_device_usage_total", A ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Write\""), 8192000 },
	{ L("container_blkio_device_usage_total", A ",device=\"259:3\",major=\"259\",minor=\"3\",operation=\"Read\""), 1234 },
	{ L("container_blkio_device_usage_total", A ",device=\"259:3\",major=\"259\",minor=\"3\",operation=\"Write\""), 5678 },
	{ L("container_cpu_cfs_burst_periods_total", B), 12 },
	{ L("container_cpu_cfs_burst_seconds_total", B), 0.34 },
	{ L("container_memory_total_active_file_bytes", B), 16777216 },
	{ L("container_memory_total_inactive_file_bytes", B), 4194304 },
	{ L("container_memory_failures_total", B ",failure_type=\"pgfault\",scope=\"container\""), 9912 },
	{ L("container_memory_failures_total", B ",failure_type=\"pgmajfault\",scope=\"container\""), 44 },
	{ L("container_memory_failures_total", B ",failure_type=\"pgfault\",scope=\"hierarchy\""), 9912 },
	{ L("container_memory_failures_total", B ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 44 },
	{ L("container_memory_file_dirty_bytes", B), 16384 },
	{ L("container_memory_file_writeback_bytes", B), 4096 },
	{ L("container_memory_pgscan_total", B), 333 },
	{ L("container_memory_pgsteal_total", B), 222 },
	{ L("container_memory_workingset_refault_file_total", B), 41 },
	{ L("container_memory_workingset_refault_anon_total", B), 5 },
	{ L("container_spec_memory_swap_limit_bytes", B), 268435456 },
	{ L("container_spec_memory_reservation_limit_bytes", B), 67108864 },

	V2S_MACHINE
	/* B: memory.events and io.pressure; the vanished container. */
	{ "hale_cgroup_read_errors_total", 3 },
};
#undef R
#undef A
#undef B

static void
test_v2_systemd(void **state)
{
	struct cgroup_env	 env;
	struct collector	*c;
	struct parsed		*p;
	char			*out;
	struct exp		 e[sizeof(v2s_exp) / sizeof(v2s_exp[0])];
	size_t			 n = sizeof(e) / sizeof(e[0]);

	(void)state;
	env_for(&env, "v2-systemd");
	assert_int_equal(env.layout, CGROUP_LAYOUT_V2);
	assert_non_null(c = collector_new(&env));
	assert_non_null(p = malloc(sizeof(*p)));
	out = render(c, v2s_targets, 4, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, v2s_exp, n);
	assert_false(has_family(p, "container_memory_failcnt"));
	free(out);

	/* The error counter is cumulative; everything else is re-read. */
	memcpy(e, v2s_exp, sizeof(e));
	e[n - 1].v = 6;
	out = render(c, v2s_targets, 4, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, e, n);
	assert_int_equal(collector_read_errors(c), 6);
	free(out);

	/* OpenMetrics: counter families lose _total, samples keep it. */
	out = render(c, v2s_targets, 4, NOW, METRICS_OPENMETRICS);
	parse(out, p, 1);
	assert_true(has_family(p, "container_cpu_usage_seconds"));
	assert_false(has_family(p, "container_cpu_usage_seconds_total"));
	assert_true(has_family(p, "container_memory_usage_bytes"));
	assert_non_null(strstr(out, "\n# EOF\n"));
	free(out);

	free(p);
	collector_free(c);
}

/* --------------------------------------------------------------- v2-cgroupfs */

#define R	"id=\"/\""
#define E	"name=\"e\""
#define F	"name=\"f\""
#define G	"name=\"g\""
static const struct cgroup_target v2c_targets[] = {
	{ "/", R, 1, 0 },
	{ "/docker/" ID("e5"), E, 777, 0 },
	{ "/docker/" ID("f6"), F, 0, 0 },
	{ "/tenant-a/" ID("c3"), G, 999, 0 },	/* pid without /proc entry */
};
static const struct exp v2c_exp[] = {
	/* F's cpu.stat is garbage: no CPU samples for F. */
	{ L("container_cpu_usage_seconds_total", R ",cpu=\"total\""), 444 },
	{ L("container_cpu_usage_seconds_total", E ",cpu=\"total\""), 60 },
	{ L("container_cpu_usage_seconds_total", G ",cpu=\"total\""), 0.002 },
	{ L("container_cpu_user_seconds_total", R), 333 },
	{ L("container_cpu_user_seconds_total", E), 45 },
	{ L("container_cpu_user_seconds_total", G), 0.0015 },
	{ L("container_cpu_system_seconds_total", R), 111 },
	{ L("container_cpu_system_seconds_total", E), 15 },
	{ L("container_cpu_system_seconds_total", G), 0.0005 },
	{ L("container_cpu_cfs_periods_total", E), 1200 },
	{ L("container_cpu_cfs_throttled_periods_total", E), 300 },
	{ L("container_cpu_cfs_throttled_seconds_total", E), 4.5 },
	{ L("container_memory_usage_bytes", R), 70000000 + 50000000 },
	{ L("container_memory_usage_bytes", E), 134217728 },
	{ L("container_memory_usage_bytes", F), 1000 },
	{ L("container_memory_usage_bytes", G), 65536 },
	{ L("container_memory_working_set_bytes", R), 120000000 - 30000000 },
	{ L("container_memory_working_set_bytes", E), 134217728 - 5000000 },
	{ L("container_memory_working_set_bytes", F), 0 },	/* clamped */
	{ L("container_memory_working_set_bytes", G), 65536 - 4096 },
	{ L("container_memory_rss", R), 70000000 },
	{ L("container_memory_rss", E), 100000000 },
	{ L("container_memory_rss", F), 600 },
	{ L("container_memory_rss", G), 32768 },
	{ L("container_memory_cache", R), 50000000 },
	{ L("container_memory_cache", E), 30000000 },
	{ L("container_memory_cache", F), 400 },
	{ L("container_memory_cache", G), 16384 },
	{ L("container_memory_swap", R), 0 },
	{ L("container_memory_swap", E), 0 },
	{ L("container_memory_mapped_file", R), 9000000 },
	{ L("container_memory_mapped_file", E), 2000000 },
	{ L("container_memory_mapped_file", F), 123 },
	{ L("container_memory_mapped_file", G), 8192 },
	{ L("container_memory_max_usage_bytes", E), 200000000 },
	{ L("container_oom_events_total", E), 4 },
	{ L("container_oom_events_total", F), 0 },
	{ L("container_spec_memory_limit_bytes", E), 268435456 },
	{ L("container_spec_memory_limit_bytes", F), 0 },
	{ L("container_spec_cpu_period", E), 100000 },
	{ L("container_spec_cpu_period", F), 100000 },
	{ L("container_spec_cpu_quota", E), 50000 },
	{ L("container_spec_cpu_shares", E), 262144 },	/* weight 10000 */
	{ L("container_spec_cpu_shares", F), 2597 },
	{ L("container_network_receive_bytes_total", R ",interface=\"ens3\""), 1000000 },
	{ L("container_network_receive_bytes_total", E ",interface=\"eth0\""), 5000 },
	{ L("container_network_receive_packets_total", R ",interface=\"ens3\""), 1000 },
	{ L("container_network_receive_packets_total", E ",interface=\"eth0\""), 50 },
	{ L("container_network_receive_packets_dropped_total", R ",interface=\"ens3\""), 0 },
	{ L("container_network_receive_packets_dropped_total", E ",interface=\"eth0\""), 1 },
	{ L("container_network_receive_errors_total", R ",interface=\"ens3\""), 0 },
	{ L("container_network_receive_errors_total", E ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_bytes_total", R ",interface=\"ens3\""), 2000000 },
	{ L("container_network_transmit_bytes_total", E ",interface=\"eth0\""), 6000 },
	{ L("container_network_transmit_packets_total", R ",interface=\"ens3\""), 2000 },
	{ L("container_network_transmit_packets_total", E ",interface=\"eth0\""), 60 },
	{ L("container_network_transmit_packets_dropped_total", R ",interface=\"ens3\""), 0 },
	{ L("container_network_transmit_packets_dropped_total", E ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_errors_total", R ",interface=\"ens3\""), 0 },
	{ L("container_network_transmit_errors_total", E ",interface=\"eth0\""), 2 },
	{ L("container_fs_reads_bytes_total", E ",device=\"/dev/sdb\""), 65536 },
	{ L("container_fs_reads_total", E ",device=\"/dev/sdb\""), 16 },
	{ L("container_fs_writes_bytes_total", E ",device=\"/dev/sdb\""), 131072 },
	{ L("container_fs_writes_total", E ",device=\"/dev/sdb\""), 32 },
	{ L("container_threads", E), 12 },
	{ L("container_threads", F), 1 },
	{ L("container_threads_max", E), 4096 },
	{ L("container_threads_max", F), 0 },
	{ L("container_processes", R), 1 },
	{ L("container_processes", E), 2 },
	{ L("container_processes", F), 0 },
	{ L("container_processes", G), 1 },
	{ L("container_last_seen", R), 1700000500 },
	{ L("container_last_seen", E), 1700000500 },
	{ L("container_last_seen", F), 1700000500 },
	{ L("container_last_seen", G), 1700000500 },
	/*
	 * E: io.cost on 8:16, bursts 0 (a quota, none yet), memory.min "max"
	 * -> 0; F: memory.events all 0; G: no memory.events or limits.
	 */
	{ L("container_memory_total_active_file_bytes", R), 20000000 },
	{ L("container_memory_total_inactive_file_bytes", R), 30000000 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"container\""), 880088 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"container\""), 808 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"hierarchy\""), 880088 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 808 },
	{ L("container_memory_file_dirty_bytes", R), 81920 },
	{ L("container_memory_file_writeback_bytes", R), 12288 },
	{ L("container_memory_pgscan_total", R), 7007 },
	{ L("container_memory_pgsteal_total", R), 6006 },
	{ L("container_memory_workingset_refault_file_total", R), 19 },
	{ L("container_memory_workingset_refault_anon_total", R), 3 },
	{ L("container_cpu_cfs_burst_periods_total", E), 0 },
	{ L("container_cpu_cfs_burst_seconds_total", E), 0.0 },
	{ L("container_memory_total_active_file_bytes", E), 25000000 },
	{ L("container_memory_total_inactive_file_bytes", E), 5000000 },
	{ L("container_memory_failures_total", E ",failure_type=\"pgfault\",scope=\"container\""), 12121 },
	{ L("container_memory_failures_total", E ",failure_type=\"pgmajfault\",scope=\"container\""), 65 },
	{ L("container_memory_failures_total", E ",failure_type=\"pgfault\",scope=\"hierarchy\""), 12121 },
	{ L("container_memory_failures_total", E ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 65 },
	{ L("container_memory_file_dirty_bytes", E), 20480 },
	{ L("container_memory_file_writeback_bytes", E), 0 },
	{ L("container_memory_pgscan_total", E), 4444 },
	{ L("container_memory_pgsteal_total", E), 3333 },
	{ L("container_memory_workingset_refault_file_total", E), 53 },
	{ L("container_memory_workingset_refault_anon_total", E), 7 },
	{ L("container_memory_events_high_total", E), 9 },
	{ L("container_memory_events_max_total", E), 8 },
	{ L("container_spec_memory_swap_limit_bytes", E), 134217728 },
	{ L("container_spec_memory_reservation_limit_bytes", E), 0 },
	{ L("container_fs_io_cost_usage_seconds_total", E ",device=\"/dev/sdb\""), 0.0015 },
	{ L("container_fs_io_cost_wait_seconds_total", E ",device=\"/dev/sdb\""), 0.00025 },
	{ L("container_fs_io_cost_indebt_seconds_total", E ",device=\"/dev/sdb\""), 7.5e-05 },
	{ L("container_fs_io_cost_indelay_seconds_total", E ",device=\"/dev/sdb\""), 5e-06 },
	{ L("container_blkio_device_usage_total", E ",device=\"/dev/sdb\",major=\"8\",minor=\"16\",operation=\"Read\""), 65536 },
	{ L("container_blkio_device_usage_total", E ",device=\"/dev/sdb\",major=\"8\",minor=\"16\",operation=\"Write\""), 131072 },
	{ L("container_memory_total_active_file_bytes", F), 0 },
	{ L("container_memory_total_inactive_file_bytes", F), 5000 },
	{ L("container_memory_failures_total", F ",failure_type=\"pgfault\",scope=\"container\""), 321 },
	{ L("container_memory_failures_total", F ",failure_type=\"pgmajfault\",scope=\"container\""), 0 },
	{ L("container_memory_failures_total", F ",failure_type=\"pgfault\",scope=\"hierarchy\""), 321 },
	{ L("container_memory_failures_total", F ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 0 },
	{ L("container_memory_file_dirty_bytes", F), 0 },
	{ L("container_memory_file_writeback_bytes", F), 0 },
	{ L("container_memory_pgscan_total", F), 55 },
	{ L("container_memory_pgsteal_total", F), 44 },
	{ L("container_memory_workingset_refault_file_total", F), 9 },
	{ L("container_memory_workingset_refault_anon_total", F), 1 },
	{ L("container_memory_events_high_total", F), 0 },
	{ L("container_memory_events_max_total", F), 0 },
	{ L("container_memory_total_active_file_bytes", G), 0 },
	{ L("container_memory_total_inactive_file_bytes", G), 4096 },
	{ L("container_memory_failures_total", G ",failure_type=\"pgfault\",scope=\"container\""), 2222 },
	{ L("container_memory_failures_total", G ",failure_type=\"pgmajfault\",scope=\"container\""), 2 },
	{ L("container_memory_failures_total", G ",failure_type=\"pgfault\",scope=\"hierarchy\""), 2222 },
	{ L("container_memory_failures_total", G ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 2 },
	{ L("container_memory_file_dirty_bytes", G), 8192 },
	{ L("container_memory_file_writeback_bytes", G), 0 },
	{ L("container_memory_pgscan_total", G), 66 },
	{ L("container_memory_pgsteal_total", G), 60 },
	{ L("container_memory_workingset_refault_file_total", G), 4 },
	{ L("container_memory_workingset_refault_anon_total", G), 0 },

#define MA	"boot_id=\"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a\"," \
	"machine_id=\"\",system_uuid=\"\""	/* machine-id is not hex */
	{ L("machine_cpu_cores", MA), 2 },	/* no online file: cpuinfo */
	/* two packages with core id 0 each: two cores */
	{ L("machine_cpu_physical_cores", MA), 2 },
	{ L("machine_cpu_sockets", MA), 2 },
	{ L("machine_memory_bytes", MA), 2000000.0 * 1024 },
	{ L("machine_swap_bytes", MA), 0 },
#undef MA
	{ "hale_cgroup_read_errors_total", 1 },
};
#undef R
#undef E
#undef F
#undef G

static void
test_v2_cgroupfs(void **state)
{
	struct cgroup_env	 env;
	struct collector	*c;
	struct parsed		*p;
	char			*out;

	(void)state;
	env_for(&env, "v2-cgroupfs");
	assert_non_null(c = collector_new(&env));
	assert_non_null(p = malloc(sizeof(*p)));
	out = render(c, v2c_targets, 4, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, v2c_exp, sizeof(v2c_exp) / sizeof(v2c_exp[0]));
	/* No *.pressure anywhere, no start times: the families are absent. */
	assert_false(has_family(p, "container_pressure_cpu_waiting_seconds_total"));
	assert_false(has_family(p, "container_pressure_io_stalled_seconds_total"));
	assert_false(has_family(p, "container_start_time_seconds"));
	free(out);
	free(p);
	collector_free(c);
}

/* ------------------------------------------------------------------------ v1 */

#define R	"name=\"root\""
#define H	"name=\"h\""
#define I	"name=\"i\""
static const struct cgroup_target v1_targets[] = {
	{ "/", R, 0, 0 },
	{ "/docker/" ID("1b"), H, 3131, 0 },
	{ "/docker/" ID("2c"), I, 4141, 0 },
	{ "/docker/" ID("3d"), "name=\"gone\"", 0, 0 },
};
static const struct exp v1_exp[] = {
	/* cpuacct.usage in ns; cpuacct.stat in USER_HZ (100) ticks. */
	{ L("container_cpu_usage_seconds_total", R ",cpu=\"total\""), 123 },
	{ L("container_cpu_usage_seconds_total", H ",cpu=\"total\""), 3 },
	{ L("container_cpu_usage_seconds_total", I ",cpu=\"total\""), 42 },
	{ L("container_cpu_user_seconds_total", R), 80 },
	{ L("container_cpu_user_seconds_total", H), 1.5 },
	{ L("container_cpu_user_seconds_total", I), 30 },
	{ L("container_cpu_system_seconds_total", R), 40 },
	{ L("container_cpu_system_seconds_total", H), 1 },
	{ L("container_cpu_system_seconds_total", I), 12 },
	{ L("container_cpu_cfs_periods_total", H), 50 },
	{ L("container_cpu_cfs_throttled_periods_total", H), 5 },
	{ L("container_cpu_cfs_throttled_seconds_total", H), 0.25 },
	{ L("container_memory_usage_bytes", R), 4000000000.0 },
	{ L("container_memory_usage_bytes", H), 209715200 },
	{ L("container_memory_usage_bytes", I), 10485760 },
	/* usage - total_inactive_file */
	{ L("container_memory_working_set_bytes", R), 4000000000.0 - 900000000.0 },
	{ L("container_memory_working_set_bytes", H), 209715200 - 20971520 },
	{ L("container_memory_working_set_bytes", I), 10485760 - 1048576 },
	{ L("container_memory_rss", R), 1000000000 },
	{ L("container_memory_rss", H), 146800640 },
	{ L("container_memory_rss", I), 3145728 },
	{ L("container_memory_cache", R), 2500000000.0 },
	{ L("container_memory_cache", H), 62914560 },
	{ L("container_memory_cache", I), 6291456 },
	/* total_swap, not memsw - usage (H has both). */
	{ L("container_memory_swap", H), 5242880 },
	{ L("container_memory_mapped_file", R), 300000000 },
	{ L("container_memory_mapped_file", H), 8388608 },
	{ L("container_memory_mapped_file", I), 524288 },
	{ L("container_memory_max_usage_bytes", R), 0 },
	{ L("container_memory_max_usage_bytes", H), 314572800 },
	/* I: oom_control without an oom_kill line (pre-4.13). */
	{ L("container_oom_events_total", R), 0 },
	{ L("container_oom_events_total", H), 2 },
	{ L("container_spec_memory_limit_bytes", R), 0 },
	{ L("container_spec_memory_limit_bytes", H), 1073741824 },
	{ L("container_spec_memory_limit_bytes", I), 0 },
	{ L("container_spec_cpu_period", R), 100000 },
	{ L("container_spec_cpu_period", H), 100000 },
	{ L("container_spec_cpu_period", I), 100000 },
	{ L("container_spec_cpu_quota", H), 200000 },
	{ L("container_spec_cpu_shares", R), 1024 },
	{ L("container_spec_cpu_shares", H), 512 },
	{ L("container_spec_cpu_shares", I), 1024 },
	{ L("container_network_receive_bytes_total", R ",interface=\"enp0s3\""), 11111 },
	{ L("container_network_receive_bytes_total", H ",interface=\"eth0\""), 4444 },
	{ L("container_network_receive_packets_total", R ",interface=\"enp0s3\""), 111 },
	{ L("container_network_receive_packets_total", H ",interface=\"eth0\""), 44 },
	{ L("container_network_receive_packets_dropped_total", R ",interface=\"enp0s3\""), 0 },
	{ L("container_network_receive_packets_dropped_total", H ",interface=\"eth0\""), 0 },
	{ L("container_network_receive_errors_total", R ",interface=\"enp0s3\""), 1 },
	{ L("container_network_receive_errors_total", H ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_bytes_total", R ",interface=\"enp0s3\""), 22222 },
	{ L("container_network_transmit_bytes_total", H ",interface=\"eth0\""), 3333 },
	{ L("container_network_transmit_packets_total", R ",interface=\"enp0s3\""), 222 },
	{ L("container_network_transmit_packets_total", H ",interface=\"eth0\""), 33 },
	{ L("container_network_transmit_packets_dropped_total", R ",interface=\"enp0s3\""), 1 },
	{ L("container_network_transmit_packets_dropped_total", H ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_errors_total", R ",interface=\"enp0s3\""), 0 },
	{ L("container_network_transmit_errors_total", H ",interface=\"eth0\""), 0 },
	/* H: the _recursive files; I: only the plain ones exist. */
	{ L("container_fs_reads_bytes_total", R ",device=\"/dev/vda\""), 70000000 },
	{ L("container_fs_reads_bytes_total", H ",device=\"/dev/vda\""), 4194304 },
	{ L("container_fs_reads_bytes_total", H ",device=\"/dev/dm-1\""), 2048 },
	{ L("container_fs_reads_bytes_total", I ",device=\"/dev/vda\""), 8192 },
	{ L("container_fs_reads_total", R ",device=\"/dev/vda\""), 7000 },
	{ L("container_fs_reads_total", H ",device=\"/dev/vda\""), 256 },
	{ L("container_fs_reads_total", H ",device=\"/dev/dm-1\""), 2 },
	{ L("container_fs_reads_total", I ",device=\"/dev/vda\""), 2 },
	{ L("container_fs_writes_bytes_total", R ",device=\"/dev/vda\""), 30000000 },
	{ L("container_fs_writes_bytes_total", H ",device=\"/dev/vda\""), 1048576 },
	{ L("container_fs_writes_bytes_total", H ",device=\"/dev/dm-1\""), 1024 },
	{ L("container_fs_writes_bytes_total", I ",device=\"/dev/vda\""), 4096 },
	{ L("container_fs_writes_total", R ",device=\"/dev/vda\""), 3000 },
	{ L("container_fs_writes_total", H ",device=\"/dev/vda\""), 64 },
	{ L("container_fs_writes_total", H ",device=\"/dev/dm-1\""), 1 },
	{ L("container_fs_writes_total", I ",device=\"/dev/vda\""), 1 },
	{ L("container_threads", H), 9 },
	{ L("container_threads_max", H), 512 },
	{ L("container_processes", R), 2 },
	{ L("container_processes", H), 2 },
	{ L("container_processes", I), 1 },
	{ L("container_last_seen", R), 1700000500 },
	{ L("container_last_seen", H), 1700000500 },
	{ L("container_last_seen", I), 1700000500 },
	/*
	 * v1: failcnt, kmem usage, memsw (H only) and soft limits, the
	 * cgroup's own pgfault/workingset lines but total_active_file;
	 * every operation of the bytes file per device; bursts for H (quota).
	 */
	{ L("container_memory_failcnt", R), 0 },
	{ L("container_memory_kernel_usage", R), 123731968 },
	{ L("container_memory_total_active_file_bytes", R), 1200000000 },
	{ L("container_memory_total_inactive_file_bytes", R), 900000000 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"container\""), 123456 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"container\""), 78 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"hierarchy\""), 123456 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 78 },
	{ L("container_spec_memory_reservation_limit_bytes", R), 0 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Read\""), 70000000 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Write\""), 30000000 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Sync\""), 100000000 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Async\""), 0 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Discard\""), 0 },
	{ L("container_blkio_device_usage_total", R ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Total\""), 100000000 },
	{ L("container_cpu_cfs_burst_periods_total", H), 8 },
	{ L("container_cpu_cfs_burst_seconds_total", H), 0.125 },
	{ L("container_memory_failcnt", H), 17 },
	{ L("container_memory_kernel_usage", H), 3735552 },
	{ L("container_memory_total_active_file_bytes", H), 31457280 },
	{ L("container_memory_total_inactive_file_bytes", H), 20971520 },
	{ L("container_memory_failures_total", H ",failure_type=\"pgfault\",scope=\"container\""), 4400 },
	{ L("container_memory_failures_total", H ",failure_type=\"pgmajfault\",scope=\"container\""), 12 },
	{ L("container_memory_failures_total", H ",failure_type=\"pgfault\",scope=\"hierarchy\""), 4400 },
	{ L("container_memory_failures_total", H ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 12 },
	{ L("container_memory_workingset_refault_file_total", H), 88 },
	{ L("container_memory_workingset_refault_anon_total", H), 3 },
	{ L("container_spec_memory_swap_limit_bytes", H), 1610612736 },
	{ L("container_spec_memory_reservation_limit_bytes", H), 268435456 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Read\""), 4194304 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Write\""), 1048576 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Sync\""), 5242880 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Async\""), 0 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Discard\""), 0 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Total\""), 5242880 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Read\""), 2048 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Write\""), 1024 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Sync\""), 3072 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Async\""), 0 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Discard\""), 0 },
	{ L("container_blkio_device_usage_total", H ",device=\"/dev/dm-1\",major=\"253\",minor=\"1\",operation=\"Total\""), 3072 },
	{ L("container_memory_failcnt", I), 0 },
	{ L("container_memory_total_active_file_bytes", I), 2097152 },
	{ L("container_memory_total_inactive_file_bytes", I), 1048576 },
	{ L("container_memory_failures_total", I ",failure_type=\"pgfault\",scope=\"container\""), 610 },
	{ L("container_memory_failures_total", I ",failure_type=\"pgmajfault\",scope=\"container\""), 4 },
	{ L("container_memory_failures_total", I ",failure_type=\"pgfault\",scope=\"hierarchy\""), 610 },
	{ L("container_memory_failures_total", I ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 4 },
	{ L("container_spec_memory_reservation_limit_bytes", I), 0 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Read\""), 8192 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Write\""), 4096 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Sync\""), 12288 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Async\""), 0 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Discard\""), 0 },
	{ L("container_blkio_device_usage_total", I ",device=\"/dev/vda\",major=\"8\",minor=\"0\",operation=\"Total\""), 12288 },

#define MA	"boot_id=\"\",machine_id=\"\",system_uuid=\"\""
	/* no topology, EDAC or ids: those families are left out */
	{ L("machine_cpu_cores", MA), 8 },	/* online 0-5,8-9 */
	{ L("machine_memory_bytes", MA), 16384000.0 * 1024 },
	{ L("machine_swap_bytes", MA), 1000000.0 * 1024 },
#undef MA
	{ "hale_cgroup_read_errors_total", 1 },
};
#undef R
#undef H
#undef I

static void
test_v1(void **state)
{
	struct cgroup_env	 env;
	struct collector	*c;
	struct parsed		*p;
	char			*out;

	(void)state;
	env_for(&env, "v1");
	assert_int_equal(env.layout, CGROUP_LAYOUT_V1);
	assert_int_equal(sysconf(_SC_CLK_TCK), 100);	/* the fixture's ticks */
	assert_non_null(c = collector_new(&env));
	assert_non_null(p = malloc(sizeof(*p)));
	out = render(c, v1_targets, 4, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, v1_exp, sizeof(v1_exp) / sizeof(v1_exp[0]));
	free(out);

	/*
	 * OpenMetrics: the counter without _total (failcnt) keeps its family
	 * name, and its samples gain the suffix, as client_golang writes them.
	 */
	out = render(c, v1_targets, 4, NOW, METRICS_OPENMETRICS);
	assert_non_null(strstr(out, "# TYPE container_memory_failcnt counter\n"));
	assert_non_null(strstr(out, "\ncontainer_memory_failcnt_total{"
	    "name=\"h\"} 17\n"));
	assert_null(strstr(out, "\ncontainer_memory_failcnt{"));
	assert_non_null(strstr(out, "\ncontainer_memory_failures_total{"));
	free(out);
	free(p);
	collector_free(c);
}

/* -------------------------------------------------------------------- hybrid */

#define R	"name=\"root\""
#define J	"name=\"j\""
#define K	"name=\"k\""
#define M	"name=\"m\""
static const struct cgroup_target hy_targets[] = {
	{ "/", R, 0, 0 },
	{ "/docker/" ID("4e"), J, 6161, 1699999999.5 },
	{ "/docker/" ID("5f"), K, 7171, 0 },
	{ "/docker/" ID("6a"), M, 8181, 0 },	/* memory found via the pid */
	{ "/docker/" ID("7b"), "name=\"n\"", 8282, 0 },	/* pid points elsewhere */
};
static const struct exp hy_exp[] = {
	/* Root and J from unified/cpu.stat (usec); K and M from cpuacct. */
	{ L("container_cpu_usage_seconds_total", R ",cpu=\"total\""), 64.800948 },
	{ L("container_cpu_usage_seconds_total", J ",cpu=\"total\""), 9.876543 },
	{ L("container_cpu_usage_seconds_total", K ",cpu=\"total\""), 1.5 },
	{ L("container_cpu_usage_seconds_total", M ",cpu=\"total\""), 2.5 },
	{ L("container_cpu_user_seconds_total", R), 34.893288 },
	{ L("container_cpu_user_seconds_total", J), 6.54321 },
	{ L("container_cpu_user_seconds_total", K), 0.9 },
	{ L("container_cpu_user_seconds_total", M), 2 },
	{ L("container_cpu_system_seconds_total", R), 29.907659 },
	{ L("container_cpu_system_seconds_total", J), 3.333333 },
	{ L("container_cpu_system_seconds_total", K), 0.6 },
	{ L("container_cpu_system_seconds_total", M), 0.5 },
	/* CFS from the v1 cpu controller even when usage came from unified/. */
	{ L("container_cpu_cfs_periods_total", J), 10 },
	{ L("container_cpu_cfs_throttled_periods_total", J), 1 },
	{ L("container_cpu_cfs_throttled_seconds_total", J), 0.005 },
	/* K's memory.usage_in_bytes overflows 64 bits: no usage/working set. */
	{ L("container_memory_usage_bytes", R), 381124608 },
	{ L("container_memory_usage_bytes", J), 31457280 },
	{ L("container_memory_usage_bytes", M), 7340032 },
	{ L("container_memory_working_set_bytes", R), 381124608 - 182628352 },
	{ L("container_memory_working_set_bytes", J), 31457280 - 3145728 },
	{ L("container_memory_working_set_bytes", M), 7340032 - 1048576 },
	{ L("container_memory_rss", R), 14172160 },
	{ L("container_memory_rss", J), 16777216 },
	{ L("container_memory_rss", K), 2097152 },
	{ L("container_memory_rss", M), 4194304 },
	{ L("container_memory_cache", R), 357568512 },
	{ L("container_memory_cache", J), 12582912 },
	{ L("container_memory_cache", K), 1048576 },
	{ L("container_memory_cache", M), 3145728 },
	{ L("container_memory_swap", R), 0 },
	{ L("container_memory_swap", J), 0 },
	{ L("container_memory_swap", K), 0 },
	{ L("container_memory_mapped_file", R), 22376448 },
	{ L("container_memory_mapped_file", J), 2097152 },
	{ L("container_memory_mapped_file", K), 0 },
	{ L("container_memory_mapped_file", M), 65536 },
	{ L("container_memory_max_usage_bytes", R), 0 },
	{ L("container_memory_max_usage_bytes", J), 41943040 },
	{ L("container_memory_max_usage_bytes", K), 8388608 },
	{ L("container_memory_max_usage_bytes", M), 9437184 },
	{ L("container_oom_events_total", R), 0 },
	{ L("container_oom_events_total", J), 1 },
	{ L("container_oom_events_total", K), 0 },
	{ L("container_oom_events_total", M), 7 },
	{ L("container_spec_memory_limit_bytes", R), 0 },
	{ L("container_spec_memory_limit_bytes", J), 67108864 },
	{ L("container_spec_memory_limit_bytes", K), 0 },
	{ L("container_spec_memory_limit_bytes", M), 0 },
	{ L("container_spec_cpu_period", R), 100000 },
	{ L("container_spec_cpu_period", J), 50000 },
	{ L("container_spec_cpu_period", K), 100000 },
	{ L("container_spec_cpu_period", M), 100000 },
	{ L("container_spec_cpu_quota", J), 25000 },
	{ L("container_spec_cpu_shares", R), 1024 },
	{ L("container_spec_cpu_shares", J), 256 },
	{ L("container_spec_cpu_shares", K), 2048 },
	{ L("container_spec_cpu_shares", M), 1024 },
	{ L("container_network_receive_bytes_total", R ",interface=\"eth0\""), 8080 },
	{ L("container_network_receive_packets_total", R ",interface=\"eth0\""), 80 },
	{ L("container_network_receive_packets_dropped_total", R ",interface=\"eth0\""), 0 },
	{ L("container_network_receive_errors_total", R ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_bytes_total", R ",interface=\"eth0\""), 9090 },
	{ L("container_network_transmit_packets_total", R ",interface=\"eth0\""), 90 },
	{ L("container_network_transmit_packets_dropped_total", R ",interface=\"eth0\""), 0 },
	{ L("container_network_transmit_errors_total", R ",interface=\"eth0\""), 0 },
	{ L("container_fs_reads_bytes_total", J ",device=\"/dev/sda\""), 409600 },
	{ L("container_fs_reads_total", J ",device=\"/dev/sda\""), 100 },
	{ L("container_fs_writes_bytes_total", J ",device=\"/dev/sda\""), 204800 },
	{ L("container_fs_writes_total", J ",device=\"/dev/sda\""), 50 },
	{ L("container_threads", J), 6 },
	{ L("container_threads", K), 1 },
	{ L("container_threads", M), 3 },
	{ L("container_threads_max", J), 0 },
	{ L("container_threads_max", K), 1024 },
	{ L("container_threads_max", M), 64 },
	{ L("container_processes", R), 1 },
	{ L("container_processes", J), 4 },
	{ L("container_processes", K), 1 },
	{ L("container_processes", M), 1 },
	{ L("container_pressure_cpu_waiting_seconds_total", R), 7.471771 },
	{ L("container_pressure_cpu_waiting_seconds_total", J), 0.031 },
	{ L("container_pressure_cpu_stalled_seconds_total", R), 0 },
	{ L("container_pressure_cpu_stalled_seconds_total", J), 0.013 },
	{ L("container_pressure_memory_waiting_seconds_total", R), 0.123456 },
	{ L("container_pressure_memory_waiting_seconds_total", J), 0.047 },
	{ L("container_pressure_memory_stalled_seconds_total", R), 0.065432 },
	{ L("container_pressure_memory_stalled_seconds_total", J), 0.023 },
	{ L("container_pressure_io_waiting_seconds_total", R), 2.345678 },
	{ L("container_pressure_io_waiting_seconds_total", J), 0.059 },
	{ L("container_pressure_io_stalled_seconds_total", R), 1.234567 },
	{ L("container_pressure_io_stalled_seconds_total", J), 0.029 },
	{ L("container_start_time_seconds", J), 1699999999.5 },
	{ L("container_last_seen", R), 1700000500 },
	{ L("container_last_seen", J), 1700000500 },
	{ L("container_last_seen", K), 1700000500 },
	{ L("container_last_seen", M), 1700000500 },
	/* The v1 files again; J has the limits, a quota and bursts. */
	{ L("container_memory_failcnt", R), 0 },
	{ L("container_memory_kernel_usage", R), 51511296 },
	{ L("container_memory_total_active_file_bytes", R), 150994944 },
	{ L("container_memory_total_inactive_file_bytes", R), 182628352 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"container\""), 99001 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"container\""), 91 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgfault\",scope=\"hierarchy\""), 99001 },
	{ L("container_memory_failures_total", R ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 91 },
	{ L("container_memory_workingset_refault_file_total", R), 120507 },
	{ L("container_memory_workingset_refault_anon_total", R), 0 },
	{ L("container_spec_memory_swap_limit_bytes", R), 0 },
	{ L("container_spec_memory_reservation_limit_bytes", R), 0 },
	{ L("container_cpu_cfs_burst_periods_total", J), 3 },
	{ L("container_cpu_cfs_burst_seconds_total", J), 0.009 },
	{ L("container_memory_failcnt", J), 42 },
	{ L("container_memory_kernel_usage", J), 1327104 },
	{ L("container_memory_total_active_file_bytes", J), 4194304 },
	{ L("container_memory_total_inactive_file_bytes", J), 3145728 },
	{ L("container_memory_failures_total", J ",failure_type=\"pgfault\",scope=\"container\""), 3131 },
	{ L("container_memory_failures_total", J ",failure_type=\"pgmajfault\",scope=\"container\""), 31 },
	{ L("container_memory_failures_total", J ",failure_type=\"pgfault\",scope=\"hierarchy\""), 3131 },
	{ L("container_memory_failures_total", J ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 31 },
	{ L("container_memory_workingset_refault_file_total", J), 27 },
	{ L("container_memory_workingset_refault_anon_total", J), 6 },
	{ L("container_spec_memory_swap_limit_bytes", J), 201326592 },
	{ L("container_spec_memory_reservation_limit_bytes", J), 50331648 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Read\""), 409600 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Write\""), 204800 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Sync\""), 614400 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Async\""), 0 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Discard\""), 0 },
	{ L("container_blkio_device_usage_total", J ",device=\"/dev/sda\",major=\"8\",minor=\"0\",operation=\"Total\""), 614400 },
	{ L("container_memory_total_active_file_bytes", K), 262144 },
	{ L("container_memory_total_inactive_file_bytes", K), 524288 },
	{ L("container_memory_failures_total", K ",failure_type=\"pgfault\",scope=\"container\""), 5151 },
	{ L("container_memory_failures_total", K ",failure_type=\"pgmajfault\",scope=\"container\""), 51 },
	{ L("container_memory_failures_total", K ",failure_type=\"pgfault\",scope=\"hierarchy\""), 5151 },
	{ L("container_memory_failures_total", K ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 51 },
	{ L("container_memory_total_active_file_bytes", M), 131072 },
	{ L("container_memory_total_inactive_file_bytes", M), 1048576 },
	{ L("container_memory_failures_total", M ",failure_type=\"pgfault\",scope=\"container\""), 6161 },
	{ L("container_memory_failures_total", M ",failure_type=\"pgmajfault\",scope=\"container\""), 61 },
	{ L("container_memory_failures_total", M ",failure_type=\"pgfault\",scope=\"hierarchy\""), 6161 },
	{ L("container_memory_failures_total", M ",failure_type=\"pgmajfault\",scope=\"hierarchy\""), 61 },

#define MA	"boot_id=\"\",machine_id=\"fedcba9876543210fedcba9876543210\"," \
	"system_uuid=\"\""	/* machine-id from /var/lib/dbus */
	{ L("machine_cpu_cores", MA), 2 },
	{ L("machine_cpu_physical_cores", MA), 2 },
	{ L("machine_cpu_sockets", MA), 1 },
	{ L("machine_cpu_books", MA), 2 },	/* s390-style topology */
	{ L("machine_cpu_drawers", MA), 1 },
	{ L("machine_memory_bytes", MA), 4015140.0 * 1024 },
	{ L("machine_swap_bytes", MA), 0 },
#undef MA
	/* K's overflow; N skipped (its memory cgroup is not found). */
	{ "hale_cgroup_read_errors_total", 2 },
};
#undef R
#undef J
#undef K
#undef M

static void
test_hybrid(void **state)
{
	struct cgroup_env	 env;
	struct collector	*c;
	struct parsed		*p;
	char			*out;

	(void)state;
	env_for(&env, "hybrid");
	assert_int_equal(env.layout, CGROUP_LAYOUT_HYBRID);
	assert_non_null(c = collector_new(&env));
	assert_non_null(p = malloc(sizeof(*p)));
	out = render(c, hy_targets, 5, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, hy_exp, sizeof(hy_exp) / sizeof(hy_exp[0]));
	free(out);
	free(p);
	collector_free(c);
}

/* ---------------------------------------------------------------- edge cases */

static void
test_no_targets(void **state)
{
	static const struct exp e[] = {
		V2S_MACHINE
		{ "hale_cgroup_read_errors_total", 2 },
	};
	static const struct cgroup_target bad[] = {
		{ "/../../etc", "name=\"x\"", 0, 0 },	/* never outside the tree */
		{ "relative/path", "name=\"y\"", 0, 0 },
	};
	struct cgroup_env	 env;
	struct collector	*c;
	struct parsed		*p;
	char			*out;

	(void)state;
	env_for(&env, "v2-systemd");
	assert_non_null(c = collector_new(&env));
	assert_non_null(p = malloc(sizeof(*p)));
	out = render(c, NULL, 0, NOW, METRICS_TEXT);
	parse(out, p, 0);
	/* and the four kept-descriptor gauges */
	assert_int_equal(p->n, sizeof(e) / sizeof(e[0]) + 4);
	free(out);
	out = render(c, bad, 2, NOW, METRICS_TEXT);
	parse(out, p, 0);
	check(p, e, sizeof(e) / sizeof(e[0]));
	assert_false(has_family(p, "container_last_seen"));
	free(out);
	free(p);
	collector_free(c);
}

/*
 * A cgroup removed while being read: its directory opened, then files
 * vanish and cgroup.procs with them. Simulated with a copy whose
 * cgroup.procs is missing, which only a removed cgroup lacks.
 */
static void
test_vanished_mid_read(void **state)
{
	char			 dir[] = "/tmp/hale-cg-XXXXXX", path[256];
	char			 err[256], cmd[320];
	struct cgroup_env	 env;
	struct cgroup_stats	 st;
	int			 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/docker/x", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/cgroup.controllers", dir);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0644)) != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/docker/x/cpu.stat", dir);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0644)) != -1);
	assert_int_equal(write(fd, "usage_usec 5\n", 13), 13);
	close(fd);
	snprintf(path, sizeof(path), "%s/sys", dir);
	assert_int_equal(cgroup_env_init(&env, path, "/nonexistent", err,
	    sizeof(err)), 0);

	memset(&st, 0, sizeof(st));
	assert_int_equal(cgroup_read_stats(&env, "/docker/x", 0, &st, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "removed"));

	/* With cgroup.procs back, the same directory reads fine. */
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/docker/x/cgroup.procs",
	    dir);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0644)) != -1);
	close(fd);
	assert_int_equal(cgroup_read_stats(&env, "/docker/x", 0, &st, err,
	    sizeof(err)), 0);
	assert_true(st.have & CGROUP_HAVE_CPU_USAGE);
	assert_int_equal(st.cpu_usage_ns, 5000);
	assert_int_equal(st.processes, 0);
	assert_int_equal(st.nerrors, 0);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Everything a snapshot holds, written in one go or piece by piece. */
static char *
write_snap(const struct collector_snap *s, size_t budget, size_t *pieces)
{
	struct buf		b;
	struct metrics_writer	w;
	struct collector_cursor	cur = { 0, 0, 0 };

	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	for (*pieces = 1; !collector_snap_write(s, &w, &cur, budget);
	    (*pieces)++)
		assert_true(*pieces < 100000);
	assert_false(b.oom);
	return buf_steal(&b, NULL);
}

/*
 * A response writes the snapshot a piece at a time, while later scrapes
 * collect again and the targets' labels change: the pieces must join into
 * exactly the whole, and a snapshot still held must not change.
 */
static void
test_snapshot_pieces(void **state)
{
	struct cgroup_env	 env;
	struct collector	*c;
	struct collector_snap	*held, *next;
	struct cgroup_target	 t[4];
	char			*labels[4], *whole, *part, *again;
	size_t			 budgets[] = { 1, 7, 300, 4096 };
	size_t			 i, pieces;

	(void)state;
	env_for(&env, "v2-systemd");
	assert_non_null(c = collector_new(&env));
	for (i = 0; i < 4; i++) {
		t[i] = v2s_targets[i];
		assert_non_null(labels[i] = strdup(v2s_targets[i].labels));
		t[i].labels = labels[i];
	}
	assert_non_null(held = collector_collect(c, t, 4, NOW));
	collector_snap_ref(held);
	whole = write_snap(held, SIZE_MAX, &pieces);
	assert_int_equal(pieces, 1);
	assert_non_null(strstr(whole, "container_cpu_usage_seconds_total{name=\"a\""
	    ",cpu=\"total\"} 5.123456\n"));
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		part = write_snap(held, budgets[i], &pieces);
		assert_string_equal(part, whole);
		if (budgets[i] < 300)
			assert_true(pieces > 10);
		free(part);
	}

	/* The next collection may not reuse what a response still holds. */
	for (i = 0; i < 4; i++) {
		memset(labels[i], 'x', strlen(labels[i]));
		free(labels[i]);
	}
	t[1].labels = "name=\"renamed\"";
	t[0].labels = t[2].labels = t[3].labels = "name=\"other\"";
	assert_non_null(next = collector_collect(c, t, 4, NOW + 10));
	assert_ptr_not_equal(next, held);
	again = write_snap(held, 64, &pieces);
	assert_string_equal(again, whole);
	free(again);
	collector_snap_release(held);

	/* Once nobody else holds it, the collector reuses its snapshot. */
	assert_ptr_equal(collector_collect(c, t, 4, NOW + 20), next);
	again = write_snap(next, SIZE_MAX, &pieces);
	assert_non_null(strstr(again, "name=\"renamed\""));
	assert_null(strstr(again, "name=\"a\""));
	free(again);
	free(whole);
	collector_free(c);
}

static void
test_discover_targets(void **state)
{
	struct cgroup_env		 env;
	struct collector		*c;
	const struct cgroup_target	*t;
	size_t				 n;
	char				 err[256], *out;

	(void)state;
	env_for(&env, "v2-cgroupfs");
	assert_non_null(c = collector_new(&env));
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(t[0].id, "/");
	assert_string_equal(t[0].labels, "id=\"/\"");
	assert_int_equal(t[0].pid, 1);
	assert_string_equal(t[1].id, "/docker/" ID("e5"));
	assert_string_equal(t[1].labels, "id=\"/docker/" ID("e5") "\"");
	assert_int_equal(t[1].pid, CGROUP_PID_FROM_PROCS);
	assert_string_equal(t[2].id, "/docker/" ID("f6"));
	assert_string_equal(t[3].id, "/tenant-a/" ID("c3"));
	assert_true(t[3].start_time == 0);
	/* A second call replaces the first result. */
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);

	/*
	 * The network counters of cgroup.procs' first pid: 777's for e5;
	 * none for f6 (no process) or c3 (999 has no /proc entry).
	 */
	out = render(c, t, n, NOW, METRICS_TEXT);
	assert_non_null(strstr(out, "container_network_receive_bytes_total{"
	    "id=\"/docker/" ID("e5") "\",interface=\"eth0\"} 5000\n"));
	assert_null(strstr(out, "container_network_receive_bytes_total{"
	    "id=\"/docker/" ID("f6")));
	assert_null(strstr(out, "container_network_receive_bytes_total{"
	    "id=\"/tenant-a/" ID("c3")));
	assert_non_null(strstr(out, "container_processes{id=\"/docker/"
	    ID("e5") "\"} 2\n"));
	free(out);
	collector_free(c);
}

/* Writes ROOT/rel, replacing what was there. */
static void
put_text(const char *root, const char *rel, const char *text)
{
	char	path[512];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/*
 * Cores and memory are read at every collection; the hardware (here a
 * second socket) at the first one and then every five minutes.
 */
static void
test_machine_refresh(void **state)
{
	static const struct cgroup_target root = { "/", "id=\"/\"", 1, 0 };
	char			 dir[] = "/tmp/hale-mach-XXXXXX", cmd[600];
	char			 sys[300], proc[300], err[256], *out;
	struct cgroup_env	 env;
	struct collector	*c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a " FIX "v2-systemd/. %s/", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	assert_int_equal(cgroup_env_init(&env, sys, proc, err, sizeof(err)), 0);
	assert_non_null(c = collector_new(&env));
	out = render(c, &root, 1, NOW, METRICS_TEXT);
	assert_non_null(strstr(out, "\nmachine_cpu_sockets{" V2S_M "} 1\n"));
	assert_non_null(strstr(out, "\nmachine_cpu_cores{" V2S_M "} 4\n"));
	free(out);

	put_text(dir, "sys/devices/system/cpu/cpu3/topology/physical_package_id",
	    "1\n");
	put_text(dir, "sys/devices/system/cpu/online", "0-2\n");
	put_text(dir, "proc/meminfo", "MemTotal: 1000 kB\n");
	mono_now += 299;
	out = render(c, &root, 1, NOW, METRICS_TEXT);
	assert_non_null(strstr(out, "\nmachine_cpu_sockets{" V2S_M "} 1\n"));
	assert_non_null(strstr(out, "\nmachine_cpu_cores{" V2S_M "} 3\n"));
	assert_non_null(strstr(out, "\nmachine_memory_bytes{" V2S_M
	    "} 1024000\n"));
	assert_null(strstr(out, "machine_swap_bytes{"));
	free(out);

	mono_now += 2;
	out = render(c, &root, 1, NOW, METRICS_TEXT);
	assert_non_null(strstr(out, "\nmachine_cpu_sockets{" V2S_M "} 2\n"));
	assert_non_null(strstr(out, "\nmachine_dimm_count{" V2S_M
	    ",type=\"Unbuffered-DDR4\"} 2\n"));
	free(out);
	collector_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* A copy of fixture `tree` in a temporary directory, and its env. */
static void
tree_copy(const char *tree, char *dir, struct cgroup_env *env)
{
	char	cmd[600], sys[300], proc[300], err[256];

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a " FIX "%s/. %s/", tree, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	assert_int_equal(cgroup_env_init(env, sys, proc, err, sizeof(err)), 0);
}

static void
tree_remove(const char *dir)
{
	char	cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * Discovery at every collection: a container added or removed changes
 * the targets (still sorted, labels right); an unchanged tree gives the
 * same ones; on v1 a new first pid is seen without any directory change.
 */
static void
test_discover_changes(void **state)
{
	char				 dir[] = "/tmp/hale-disc-XXXXXX";
	char				 path[600], to[600], err[256];
	struct cgroup_env		 env;
	struct collector		*c;
	const struct cgroup_target	*t;
	size_t				 n;

	(void)state;
	tree_copy("v2-cgroupfs", dir, &env);
	assert_non_null(c = collector_new(&env));
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);

	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/docker/" ID("ab"), dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	assert_string_equal(t[0].id, "/");
	assert_string_equal(t[1].id, "/docker/" ID("ab"));
	assert_string_equal(t[1].labels, "id=\"/docker/" ID("ab") "\"");
	assert_int_equal(t[1].pid, CGROUP_PID_FROM_PROCS);
	assert_string_equal(t[2].id, "/docker/" ID("e5"));
	assert_string_equal(t[4].id, "/tenant-a/" ID("c3"));
	assert_string_equal(t[4].labels, "id=\"/tenant-a/" ID("c3") "\"");

	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	assert_string_equal(t[1].id, "/docker/" ID("ab"));
	assert_string_equal(t[3].labels, "id=\"/docker/" ID("f6") "\"");

	assert_int_equal(rmdir(path), 0);
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(t[1].id, "/docker/" ID("e5"));
	assert_string_equal(t[3].id, "/tenant-a/" ID("c3"));

	/* Another container in its place: as many ids, as long. */
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/docker/" ID("e5"), dir);
	snprintf(to, sizeof(to), "%s/sys/fs/cgroup/docker/" ID("f7"), dir);
	assert_int_equal(rename(path, to), 0);
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(t[1].id, "/docker/" ID("f6"));
	assert_string_equal(t[2].id, "/docker/" ID("f7"));
	assert_string_equal(t[2].labels, "id=\"/docker/" ID("f7") "\"");
	collector_free(c);
	tree_remove(dir);

	strcpy(dir, "/tmp/hale-disc-XXXXXX");
	tree_copy("v1", dir, &env);
	assert_non_null(c = collector_new(&env));
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[1].id, "/docker/" ID("1b"));
	assert_int_equal(t[1].pid, 3131);
	put_text(dir, "sys/fs/cgroup/cpu,cpuacct/docker/" ID("1b")
	    "/cgroup.procs", "3232\n3131\n");
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(t[1].pid, 3232);
	assert_int_equal(t[2].pid, 4141);
	collector_free(c);
	tree_remove(dir);

	/* No container at all, twice: the host alone. */
	strcpy(dir, "/tmp/hale-disc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "mkdir -p %s/sys/fs/cgroup %s/proc && "
	    "echo 'cpu memory' >%s/sys/fs/cgroup/cgroup.controllers", dir, dir,
	    dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/sys", dir);
	snprintf(to, sizeof(to), "%s/proc", dir);
	assert_int_equal(cgroup_env_init(&env, path, to, err, sizeof(err)), 0);
	assert_non_null(c = collector_new(&env));
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(collector_discover(c, &t, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].id, "/");
	collector_free(c);
	tree_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_systemd),
		cmocka_unit_test(test_v2_cgroupfs),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_no_targets),
		cmocka_unit_test(test_vanished_mid_read),
		cmocka_unit_test(test_snapshot_pieces),
		cmocka_unit_test(test_discover_targets),
		cmocka_unit_test(test_machine_refresh),
		cmocka_unit_test(test_discover_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
