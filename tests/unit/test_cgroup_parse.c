/*
 * Parsers of cgroup v1/v2 and /proc files: documented formats, then every
 * kind of garbage (empty, truncated, overflowing, missing newline).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <linux/cgroupstats.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>

#include "cgroup/cgroup_parse.h"
#include "core/num.h"

#define S(lit)	(lit), (sizeof(lit) - 1)

static char	err[256];

static void
test_dec(void **state)
{
	uint64_t	v = 7;

	(void)state;
	assert_int_equal(num_parse_u64(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_u64(S("18446744073709551615"), &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(num_parse_u64(S("18446744073709551616"), &v), -1);
	assert_int_equal(num_parse_u64(S("99999999999999999999"), &v), -1);
	assert_int_equal(num_parse_u64(S(""), &v), -1);
	assert_int_equal(num_parse_u64(S("-1"), &v), -1);
	assert_int_equal(num_parse_u64(S("+1"), &v), -1);
	assert_int_equal(num_parse_u64(S("1 "), &v), -1);
	assert_int_equal(num_parse_u64(S("0x10"), &v), -1);
	assert_int_equal(v, 7);
	/* Not NUL-terminated: only `len` bytes count. */
	assert_int_equal(num_parse_u64("12345", 3, &v), 0);
	assert_int_equal(v, 123);
}

static void
test_single_values(void **state)
{
	uint64_t	v;
	int64_t		i;

	(void)state;
	assert_int_equal(cgroup_parse_u64(S("52428800\n"), &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 52428800);
	assert_int_equal(cgroup_parse_u64(S("73400320"), &v, err,
	    sizeof(err)), 0);	/* no trailing newline */
	assert_int_equal(v, 73400320);
	assert_int_equal(cgroup_parse_u64(S(""), &v, err, sizeof(err)), -1);
	assert_string_equal(err, "empty file");
	assert_int_equal(cgroup_parse_u64(S("\n"), &v, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_u64(S("max\n"), &v, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_u64(S("12 34\n"), &v, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_u64(S("18446744073709551616\n"), &v, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_u64(S("\x01\xff\n"), &v, err,
	    sizeof(err)), -1);

	assert_int_equal(cgroup_parse_limit(S("max\n"), &v, err, sizeof(err)),
	    0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_parse_limit(S("536870912\n"), &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 536870912);
	assert_int_equal(cgroup_parse_limit(S("maxx\n"), &v, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_limit(S("ma"), &v, err, sizeof(err)), -1);

	assert_int_equal(cgroup_parse_i64(S("-1\n"), &i, err, sizeof(err)), 0);
	assert_int_equal(i, -1);
	assert_int_equal(cgroup_parse_i64(S("200000\n"), &i, err, sizeof(err)),
	    0);
	assert_int_equal(i, 200000);
	assert_int_equal(cgroup_parse_i64(S("-9223372036854775808"), &i, err,
	    sizeof(err)), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(cgroup_parse_i64(S("9223372036854775808"), &i, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_i64(S("-9223372036854775809"), &i, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_i64(S("-"), &i, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_i64(S("--1"), &i, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_i64(S(""), &i, err, sizeof(err)), -1);
}

static void
test_cpu_stat(void **state)
{
	struct cgroup_cpu_stat	cs;

	(void)state;
	/* cgroup-v2.rst cpu.stat, with keys newer kernels add. */
	assert_int_equal(cgroup_parse_cpu_stat(S(
	    "usage_usec 7500000\n"
	    "user_usec 5000000\n"
	    "system_usec 2500000\n"
	    "core_sched.force_idle_usec 0\n"
	    "nr_periods 345\n"
	    "nr_throttled 67\n"
	    "throttled_usec 8900000\n"
	    "nr_bursts 21\n"
	    "burst_usec 1250000\n"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.have, CGROUP_CPU_USAGE | CGROUP_CPU_USER |
	    CGROUP_CPU_SYSTEM | CGROUP_CPU_PERIODS | CGROUP_CPU_THROTTLED |
	    CGROUP_CPU_THR_TIME | CGROUP_CPU_BURSTS | CGROUP_CPU_BURST_TIME);
	assert_int_equal(cs.nr_bursts, 21);
	assert_int_equal(cs.burst, 1250000);
	assert_int_equal(cs.usage_usec, 7500000);
	assert_int_equal(cs.user_usec, 5000000);
	assert_int_equal(cs.system_usec, 2500000);
	assert_int_equal(cs.nr_periods, 345);
	assert_int_equal(cs.nr_throttled, 67);
	assert_int_equal(cs.throttled, 8900000);

	/* The root and hybrid's unified/ have no CFS lines; no final newline. */
	assert_int_equal(cgroup_parse_cpu_stat(S(
	    "usage_usec 49447\nuser_usec 11449\nsystem_usec 37997\n"
	    "nice_usec 0"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.have, CGROUP_CPU_USAGE | CGROUP_CPU_USER |
	    CGROUP_CPU_SYSTEM);
	assert_int_equal(cs.system_usec, 37997);

	/* Blank lines and runs of blanks are tolerated. */
	assert_int_equal(cgroup_parse_cpu_stat(S(
	    "\n  usage_usec\t 12  \n\n"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.usage_usec, 12);

	/* Garbage. */
	assert_int_equal(cgroup_parse_cpu_stat(S(""), &cs, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "empty file");
	assert_int_equal(cgroup_parse_cpu_stat(S("hello world\nfoo bar\n"), &cs,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "none of the expected keys found");
	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usec lots\n"), &cs,
	    err, sizeof(err)), -1);
	assert_int_equal(cs.have, 0);
	/* Truncated in the middle of a known line. */
	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usec 5\nuser_usec"),
	    &cs, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2: user_usec has no value");
	/* A malformed file contributes nothing, not the lines before the error. */
	assert_int_equal(cs.have, 0);
	assert_int_equal(cgroup_parse_cpu_stat(S(
	    "usage_usec 18446744073709551616\n"), &cs, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usec 1 2\n"), &cs, err,
	    sizeof(err)), -1);
	/* Unknown keys with odd values are skipped, not judged. */
	assert_int_equal(cgroup_parse_cpu_stat(S(
	    "weird_key -5 x\nusage_usec 3\n"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.usage_usec, 3);
	/* A key is matched whole, not by prefix. */
	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usecs 9\n"), &cs, err,
	    sizeof(err)), -1);
}

static void
test_cpu_stat_v1_and_cpuacct(void **state)
{
	struct cgroup_cpu_stat		cs;
	struct cgroup_cpuacct_stat	as;

	(void)state;
	assert_int_equal(cgroup_parse_cpu_stat_v1(S(
	    "nr_periods 50\nnr_throttled 5\nthrottled_time 250000000\n"
	    "nr_bursts 6\nburst_time 750000000\n"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.have, CGROUP_CPU_PERIODS | CGROUP_CPU_THROTTLED |
	    CGROUP_CPU_THR_TIME | CGROUP_CPU_BURSTS | CGROUP_CPU_BURST_TIME);
	assert_int_equal(cs.nr_bursts, 6);
	assert_int_equal(cs.burst, 750000000);
	assert_int_equal(cs.nr_periods, 50);
	assert_int_equal(cs.nr_throttled, 5);
	assert_int_equal(cs.throttled, 250000000);
	/* burst_usec is v2's name. */
	assert_int_equal(cgroup_parse_cpu_stat_v1(S(
	    "nr_periods 1\nburst_usec 5\n"), &cs, err, sizeof(err)), 0);
	assert_int_equal(cs.have, CGROUP_CPU_PERIODS);
	/* v2 keys mean nothing in a v1 file. */
	assert_int_equal(cgroup_parse_cpu_stat_v1(S("throttled_usec 5\n"), &cs,
	    err, sizeof(err)), -1);

	assert_int_equal(cgroup_parse_cpuacct_stat(S("user 3621\nsystem 3103\n"),
	    &as, err, sizeof(err)), 0);
	assert_int_equal(as.have, CGROUP_CPUACCT_USER | CGROUP_CPUACCT_SYSTEM);
	assert_int_equal(as.user_ticks, 3621);
	assert_int_equal(as.system_ticks, 3103);
	assert_int_equal(cgroup_parse_cpuacct_stat(S("user\n"), &as, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpuacct_stat(S("usr 1\n"), &as, err,
	    sizeof(err)), -1);
}

static void
test_cpu_max_and_weight(void **state)
{
	struct cgroup_cpu_max	m;
	uint64_t		sh;

	(void)state;
	assert_int_equal(cgroup_parse_cpu_max(S("max 100000\n"), &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.quota_us, 0);
	assert_int_equal(m.period_us, 100000);
	assert_int_equal(cgroup_parse_cpu_max(S("150000 100000"), &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.quota_us, 150000);
	assert_int_equal(m.period_us, 100000);
	assert_int_equal(cgroup_parse_cpu_max(S(""), &m, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpu_max(S("max\n"), &m, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_cpu_max(S("max max\n"), &m, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpu_max(S("1 2 3\n"), &m, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpu_max(S("-1 100000\n"), &m, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpu_max(S(
	    "99999999999999999999 100000\n"), &m, err, sizeof(err)), -1);

	/* cAdvisor: 2 + ((w - 1) * 262142) / 9999. */
	assert_int_equal(cgroup_weight_to_shares(100, &sh), 0);
	assert_int_equal(sh, 2597);
	assert_int_equal(cgroup_weight_to_shares(39, &sh), 0);
	assert_int_equal(sh, 998);
	assert_int_equal(cgroup_weight_to_shares(1, &sh), 0);
	assert_int_equal(sh, 2);
	assert_int_equal(cgroup_weight_to_shares(10000, &sh), 0);
	assert_int_equal(sh, 262144);
	assert_int_equal(cgroup_weight_to_shares(0, &sh), -1);
	assert_int_equal(cgroup_weight_to_shares(10001, &sh), -1);
}

static void
test_memory_stat(void **state)
{
	struct cgroup_memory_stat	ms;

	(void)state;
	assert_int_equal(cgroup_parse_memory_stat(S(
	    "anon 20971520\nfile 26214400\nkernel 1900544\n"
	    "file_mapped 4194304\nfile_dirty 4096\ninactive_anon 20971520\n"
	    "active_anon 4096\ninactive_file 10485760\nactive_file 15728640\n"
	    "file_writeback 8192\nworkingset_refault_anon 17\n"
	    "workingset_refault_file 29\nworkingset_activate_file 3\n"
	    "pgscan 4111\npgsteal 3999\npgscan_kswapd 4000\n"
	    "pgfault 5306\npgmajfault 71\n"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.have, CGROUP_MEM_ANON | CGROUP_MEM_FILE |
	    CGROUP_MEM_MAPPED | CGROUP_MEM_INACTIVE | CGROUP_MEM_ACTIVE |
	    CGROUP_MEM_PGFAULT | CGROUP_MEM_PGMAJFAULT | CGROUP_MEM_DIRTY |
	    CGROUP_MEM_WRITEBACK | CGROUP_MEM_PGSCAN | CGROUP_MEM_PGSTEAL |
	    CGROUP_MEM_REFAULT_FILE | CGROUP_MEM_REFAULT_ANON);
	assert_int_equal(ms.active_file, 15728640);
	assert_int_equal(ms.file_dirty, 4096);
	assert_int_equal(ms.file_writeback, 8192);
	assert_int_equal(ms.refault_anon, 17);
	assert_int_equal(ms.refault_file, 29);
	/* pgscan, not pgscan_kswapd, whichever comes first. */
	assert_int_equal(ms.pgscan, 4111);
	assert_int_equal(ms.pgsteal, 3999);
	assert_int_equal(ms.pgfault, 5306);
	assert_int_equal(ms.pgmajfault, 71);
	assert_int_equal(ms.anon, 20971520);
	assert_int_equal(ms.file, 26214400);
	assert_int_equal(ms.file_mapped, 4194304);
	assert_int_equal(ms.inactive_file, 10485760);
	/* "inactive_anon" must not be taken for "inactive_file". */
	assert_int_equal(cgroup_parse_memory_stat(S("inactive_anon 5\n"), &ms,
	    err, sizeof(err)), -1);

	/* v1 reads the hierarchical totals, never the local values. */
	assert_int_equal(cgroup_parse_memory_stat_v1(S(
	    "cache 11\nrss 22\nmapped_file 33\nswap 55\ninactive_file 44\n"
	    "hierarchical_memory_limit 9223372036854771712\n"
	    "total_cache 62914560\ntotal_rss 146800640\n"
	    "total_mapped_file 8388608\ntotal_swap 5242880\n"
	    "total_inactive_file 20971520\ntotal_active_file 0\n"), &ms, err,
	    sizeof(err)), 0);
	assert_int_equal(ms.have, CGROUP_MEM_ANON | CGROUP_MEM_FILE |
	    CGROUP_MEM_MAPPED | CGROUP_MEM_INACTIVE | CGROUP_MEM_SWAP |
	    CGROUP_MEM_ACTIVE);
	assert_int_equal(ms.active_file, 0);
	assert_int_equal(ms.anon, 146800640);
	assert_int_equal(ms.file, 62914560);
	assert_int_equal(ms.file_mapped, 8388608);
	assert_int_equal(ms.inactive_file, 20971520);
	assert_int_equal(ms.swap, 5242880);
	/*
	 * v1: the faults and refaults are the cgroup's own lines, as cAdvisor
	 * reads them; active_file only as total_active_file; v1 has no
	 * pgscan (the v1 "dirty" is not "file_dirty").
	 */
	assert_int_equal(cgroup_parse_memory_stat_v1(S(
	    "dirty 20480\nworkingset_refault_anon 5\n"
	    "workingset_refault_file 123\npgfault 27780\npgmajfault 9\n"
	    "active_file 786432\ntotal_active_file 234500096\n"
	    "total_pgfault 7675883\ntotal_pgmajfault 1199\n"
	    "total_workingset_refault_file 120507\n"), &ms, err,
	    sizeof(err)), 0);
	assert_int_equal(ms.have, CGROUP_MEM_ACTIVE | CGROUP_MEM_PGFAULT |
	    CGROUP_MEM_PGMAJFAULT | CGROUP_MEM_REFAULT_FILE |
	    CGROUP_MEM_REFAULT_ANON);
	assert_int_equal(ms.active_file, 234500096);
	assert_int_equal(ms.pgfault, 27780);
	assert_int_equal(ms.pgmajfault, 9);
	assert_int_equal(ms.refault_file, 123);
	assert_int_equal(ms.refault_anon, 5);
	/* Without swap accounting there is no total_swap line. */
	assert_int_equal(cgroup_parse_memory_stat_v1(S(
	    "total_rss 1\ntotal_cache 2\n"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.have & CGROUP_MEM_SWAP, 0);
	assert_int_equal(cgroup_parse_memory_stat_v1(S("rss 1\ncache 2\n"),
	    &ms, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_memory_stat(S("anon 1\nfile x\n"), &ms,
	    err, sizeof(err)), -1);
	assert_int_equal(ms.have, 0);
}

static void
test_memory_events(void **state)
{
	struct cgroup_memory_events	ev;

	(void)state;
	assert_int_equal(cgroup_parse_memory_events(S(
	    "low 0\nhigh 9\nmax 8\noom 6\noom_kill 4\noom_group_kill 0\n"), &ev,
	    err, sizeof(err)), 0);
	assert_int_equal(ev.have, CGROUP_EV_LOW | CGROUP_EV_HIGH |
	    CGROUP_EV_MAX | CGROUP_EV_OOM | CGROUP_EV_OOM_KILL);
	assert_int_equal(ev.high, 9);
	assert_int_equal(ev.max, 8);
	assert_int_equal(ev.oom, 6);
	assert_int_equal(ev.oom_kill, 4);
	assert_int_equal(cgroup_parse_memory_events(S(
	    "this is not\na memory.events file\n"), &ev, err, sizeof(err)), -1);

	assert_int_equal(cgroup_parse_oom_control(S(
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"), &ev, err,
	    sizeof(err)), 0);
	assert_int_equal(ev.have, CGROUP_EV_OOM_KILL);
	assert_int_equal(ev.oom_kill, 2);
	/* Kernels before 4.13 have no oom_kill line: valid, just no count. */
	assert_int_equal(cgroup_parse_oom_control(S(
	    "oom_kill_disable 0\nunder_oom 0\n"), &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.have, 0);
	assert_int_equal(cgroup_parse_oom_control(S("garbage\n"), &ev, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_oom_control(S(""), &ev, err,
	    sizeof(err)), -1);
}

static void
test_pressure(void **state)
{
	struct cgroup_psi	psi;

	(void)state;
	assert_int_equal(cgroup_parse_pressure(S(
	    "some avg10=1.56 avg60=1.34 avg300=1.26 total=7471771\n"
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"), &psi, err,
	    sizeof(err)), 0);
	assert_int_equal(psi.have, CGROUP_PSI_SOME | CGROUP_PSI_FULL);
	assert_int_equal(psi.some_total_us, 7471771);
	assert_int_equal(psi.full_total_us, 0);
	/* cpu.pressure before 5.13: only "some". */
	assert_int_equal(cgroup_parse_pressure(S(
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=777000"), &psi, err,
	    sizeof(err)), 0);
	assert_int_equal(psi.have, CGROUP_PSI_SOME);
	assert_int_equal(psi.some_total_us, 777000);
	assert_int_equal(cgroup_parse_pressure(S(""), &psi, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "empty file");
	assert_int_equal(cgroup_parse_pressure(S("some avg10=0.00\n"), &psi,
	    err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_pressure(S(
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=12\n"
	    "full avg10=0.00 total=1e5\n"), &psi, err, sizeof(err)), -1);
	assert_int_equal(psi.have, 0);
	assert_int_equal(cgroup_parse_pressure(S("nothing here\n"), &psi, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_pressure(S(
	    "some total=18446744073709551616\n"), &psi, err, sizeof(err)), -1);
}

static void
test_io_stat(void **state)
{
	struct cgroup_io_dev	d[2];
	size_t			n = 99;

	(void)state;
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0 rbytes=4096000 wbytes=8192000 rios=400 wios=800 dbytes=0 "
	    "dios=0\n"
	    "259:3 rbytes=1234 wbytes=5678 rios=12 wios=34 dbytes=0 dios=0 "
	    "cost.usage=100 cost.wait=0 cost.indebt=0 cost.indelay=0\n"), d, 2,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].major, 8);
	assert_int_equal(d[0].minor, 0);
	assert_int_equal(d[0].rbytes, 4096000);
	assert_int_equal(d[0].wbytes, 8192000);
	assert_int_equal(d[0].rios, 400);
	assert_int_equal(d[0].wios, 800);
	assert_int_equal(d[1].major, 259);
	assert_int_equal(d[1].minor, 3);
	assert_int_equal(d[1].rbytes, 1234);
	assert_int_equal(d[1].wios, 34);
	/* Bytes by operation: io.stat has Read and Write; 259:3 has io.cost. */
	assert_int_equal(d[0].have, CGROUP_IO_READ | CGROUP_IO_WRITE);
	assert_int_equal(d[1].have, CGROUP_IO_READ | CGROUP_IO_WRITE |
	    CGROUP_IO_COST);
	assert_int_equal(d[1].cost_usage, 100);
	assert_int_equal(d[1].cost_wait, 0);
	/* io.cost's values, and half of its keys counting as none. */
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6 "
	    "cost.vrate=99.5 cost.usage=7071 cost.wait=1414 cost.indebt=173 "
	    "cost.indelay=2236\n"
	    "8:32 rios=1 cost.usage=5 cost.wait=6\n"), d, 2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].have, CGROUP_IO_READ | CGROUP_IO_WRITE |
	    CGROUP_IO_COST);
	assert_int_equal(d[0].cost_usage, 7071);
	assert_int_equal(d[0].cost_wait, 1414);
	assert_int_equal(d[0].cost_indebt, 173);
	assert_int_equal(d[0].cost_indelay, 2236);
	assert_int_equal(d[1].have, 0);
	assert_int_equal(cgroup_parse_io_stat(S("8:0 rios=1 cost.usage=x\n"),
	    d, 2, &n, err, sizeof(err)), -1);
	/* No I/O yet: an empty file is valid. */
	assert_int_equal(cgroup_parse_io_stat(S(""), d, 2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);
	/* More devices than room: validated, not stored. */
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n"
	    "8:16 rbytes=5 wbytes=6 rios=7 wios=8\n"
	    "8:32 rbytes=9 wbytes=10 rios=11 wios=12"), d, 1, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].wios, 4);
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0 rbytes=1\n8:16 rbytes=x\n"), d, 2, &n, err, sizeof(err)), -1);
	assert_int_equal(n, 0);
	assert_int_equal(cgroup_parse_io_stat(S("8:0\n"), d, 2, &n, err,
	    sizeof(err)), -1);	/* truncated */
	assert_int_equal(cgroup_parse_io_stat(S("8-0 rbytes=1\n"), d, 2, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_io_stat(S(":0 rbytes=1\n"), d, 2, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_io_stat(S("8:0 rbytes\n"), d, 2, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_io_stat(S("4294967296:0 rbytes=1\n"), d,
	    2, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0 wbytes=18446744073709551616\n"), d, 2, &n, err, sizeof(err)),
	    -1);
}

/* The three kernels' line lengths, odd lines, the cap, and huge numbers. */
static void
test_diskstats(void **state)
{
	struct cgroup_diskstat	d[3];
	size_t			n = 99;

	(void)state;
	assert_int_equal(cgroup_parse_diskstats(S(
	    /* 5.5+: 20 fields (discard and flush counters, not read) */
	    " 254       0 vda 237794 17628 7908282 179253 494198 479537 "
	    "29666200 401918 3 79732 624749 310721 49 18970560 34615 80895 "
	    "8961\n"
	    /* a partition before 2.6.25: 4 counters, skipped */
	    "   8       1 sda1 100 200 300 400\n"
	    "\n"
	    /* 4.18+: 18 fields, with runs of blanks and a tab */
	    "   8  16 sdb\t11 12 13 14 15 16 17 18 19 20 21 22 23 24 25\n"
	    /* before 4.18: 14 fields, no newline at the end */
	    " 253 0 dm-0 1 2 3 4 5 6 7 8 9 10 18446744073709551615"), d, 3, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].major, 254);
	assert_int_equal(d[0].minor, 0);
	assert_int_equal(d[0].reads, 237794);
	assert_int_equal(d[0].reads_merged, 17628);
	assert_int_equal(d[0].sectors_read, 7908282);
	assert_int_equal(d[0].read_ms, 179253);
	assert_int_equal(d[0].writes, 494198);
	assert_int_equal(d[0].writes_merged, 479537);
	assert_int_equal(d[0].sectors_written, 29666200);
	assert_int_equal(d[0].write_ms, 401918);
	assert_int_equal(d[0].in_progress, 3);
	assert_int_equal(d[0].io_ms, 79732);
	assert_int_equal(d[0].weighted_io_ms, 624749);
	assert_int_equal(d[1].major, 8);
	assert_int_equal(d[1].minor, 16);
	assert_int_equal(d[1].reads, 11);
	assert_int_equal(d[1].weighted_io_ms, 21);
	assert_int_equal(d[2].major, 253);
	assert_int_equal(d[2].minor, 0);
	assert_int_equal(d[2].sectors_written, 7);
	assert_true(d[2].weighted_io_ms == UINT64_MAX);
	/* More devices than room: validated, not stored. */
	assert_int_equal(cgroup_parse_diskstats(S(
	    "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n"
	    "7 1 loop1 1 1 1 1 1 1 1 1 1 1 1\n"
	    "7 2 loop2 2 2 2 2 2 2 2 x 2 2 2\n"), d, 1, &n, err, sizeof(err)),
	    -1);
	assert_int_equal(n, 0);
	assert_int_equal(cgroup_parse_diskstats(S(
	    "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n"
	    "7 1 loop1 1 1 1 1 1 1 1 1 1 1 1\n"), d, 1, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].minor, 0);
	/* No block devices: valid, nothing. */
	assert_int_equal(cgroup_parse_diskstats(S(""), d, 3, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);
	/* Malformed: one bad line fails the file. */
	assert_int_equal(cgroup_parse_diskstats(S(
	    "8 0 sda 1 2 3 4 5 6 7 8 9 10 18446744073709551616\n"), d, 3, &n,
	    err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_diskstats(S(
	    "8 0 sda 1 2 3 4 5 6 7 8 9 10 -1\n"), d, 3, &n, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_diskstats(S(
	    "4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"), d, 3, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_diskstats(S(
	    "8 x sda 1 2 3 4 5 6 7 8 9 10 11\n"), d, 3, &n, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_diskstats(S("8 1 sda1 1 2 x 4\n"), d, 3,
	    &n, err, sizeof(err)), -1);	/* short, but not a counter */
	assert_int_equal(cgroup_parse_diskstats(S("8\n"), d, 3, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_diskstats(S("8 0\n"), d, 3, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_diskstats(S("sda 8 0 1 2 3 4 5 6 7 8 "
	    "9 10 11\n"), d, 3, &n, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad diskstats line");
}

static void
test_blkio(void **state)
{
	struct cgroup_io_dev	d[3];
	size_t			n = 0;
	static const char	bytes[] =
	    "8:0 Read 4194304\n8:0 Write 1048576\n8:0 Sync 5242880\n"
	    "8:0 Async 0\n8:0 Discard 0\n8:0 Total 5242880\n"
	    "253:1 Read 2048\n253:1 Write 1024\n253:1 Sync 3072\n"
	    "253:1 Async 0\n253:1 Discard 0\n253:1 Total 3072\n"
	    "Total 5245952\n";
	static const char	ios[] =
	    "253:1 Read 2\n253:1 Write 1\n8:0 Read 256\n8:0 Write 64\n"
	    "8:0 Total 320\nTotal 323";

	(void)state;
	assert_int_equal(cgroup_parse_blkio(bytes, sizeof(bytes) - 1,
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	/* The second file merges into the same devices, in any order. */
	assert_int_equal(cgroup_parse_blkio(ios, sizeof(ios) - 1,
	    CGROUP_BLKIO_IOS, d, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].major, 8);
	assert_int_equal(d[0].rbytes, 4194304);
	assert_int_equal(d[0].wbytes, 1048576);
	assert_int_equal(d[0].rios, 256);
	assert_int_equal(d[0].wios, 64);
	assert_int_equal(d[1].major, 253);
	assert_int_equal(d[1].minor, 1);
	assert_int_equal(d[1].rbytes, 2048);
	assert_int_equal(d[1].wbytes, 1024);
	assert_int_equal(d[1].rios, 2);
	assert_int_equal(d[1].wios, 1);
	/* Every operation of the bytes file is kept, as cAdvisor copies them. */
	assert_int_equal(d[0].have, CGROUP_IO_OPS);
	assert_int_equal(d[0].sync_bytes, 5242880);
	assert_int_equal(d[0].async_bytes, 0);
	assert_int_equal(d[0].discard_bytes, 0);
	assert_int_equal(d[0].total_bytes, 5242880);
	assert_int_equal(d[1].sync_bytes, 3072);
	assert_int_equal(d[1].total_bytes, 3072);
	/* The ios file adds no operations; an unknown one is skipped. */
	n = 0;
	assert_int_equal(cgroup_parse_blkio(S(
	    "8:0 Read 7\n8:0 Sync 9\n8:0 Total 16\n8:0 Frobnicate 3\n"),
	    CGROUP_BLKIO_IOS, d, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].have, 0);
	assert_int_equal(d[0].rios, 7);
	n = 0;
	assert_int_equal(cgroup_parse_blkio(S(
	    "8:0 Read 7\n8:0 Write 8\n8:0 Frobnicate 3\n"),
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(d[0].have, CGROUP_IO_READ | CGROUP_IO_WRITE);

	n = 0;
	assert_int_equal(cgroup_parse_blkio(S("Total 0\n"), CGROUP_BLKIO_BYTES,
	    d, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cgroup_parse_blkio(S(""), CGROUP_BLKIO_BYTES, d, 3,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(cgroup_parse_blkio(S("8:0 Read\n"),
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_blkio(S("8:0\n"), CGROUP_BLKIO_BYTES, d,
	    3, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_blkio(S("8:0 Read 1 2\n"),
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_blkio(S("8:0 Read -1\n"),
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_blkio(S("Total x\n"), CGROUP_BLKIO_BYTES,
	    d, 3, &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_blkio(S("sda Read 1\n"),
	    CGROUP_BLKIO_BYTES, d, 3, &n, err, sizeof(err)), -1);
	/* Full: extra devices are dropped, known ones still update. */
	n = 0;
	assert_int_equal(cgroup_parse_blkio(S(
	    "8:0 Read 1\n8:16 Read 2\n8:0 Write 3\n"), CGROUP_BLKIO_BYTES, d, 1,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].rbytes, 1);
	assert_int_equal(d[0].wbytes, 3);
}

static void
test_linecount(void **state)
{
	struct cgroup_linecount	lc;
	pid_t			pid;

	(void)state;
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc, S("4242\n42")), 0);
	assert_int_equal(cgroup_linecount_feed(&lc, S("50\n4251")), 0);
	assert_int_equal(cgroup_linecount_end(&lc), 3);	/* split across chunks */
	assert_int_equal(cgroup_linecount_first(&lc), 4242);
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_end(&lc), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 0);
	assert_int_equal(cgroup_linecount_feed(&lc, S("\n\n1\n\n")), 0);
	assert_int_equal(cgroup_linecount_end(&lc), 1);
	assert_int_equal(cgroup_linecount_first(&lc), 1);
	assert_int_equal(cgroup_linecount_feed(&lc, S("12 x\n")), -1);

	/* The first pid, split across chunks, without a newline, or none. */
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc, S("\n99")), 0);
	assert_int_equal(cgroup_linecount_feed(&lc, S("9")), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 999);
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc, S("0\n7\n")), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 0);
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc, S("2147483647\n")), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 2147483647);
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc,
	    S("2147483648\n5\n")), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 0);
	cgroup_linecount_init(&lc);
	assert_int_equal(cgroup_linecount_feed(&lc,
	    S("99999999999999999999999999\n")), 0);
	assert_int_equal(cgroup_linecount_first(&lc), 0);
	assert_int_equal(cgroup_linecount_end(&lc), 1);

	assert_int_equal(cgroup_parse_first_pid(S("4242\n4250\n"), &pid, err,
	    sizeof(err)), 0);
	assert_int_equal(pid, 4242);
	assert_int_equal(cgroup_parse_first_pid(S("999"), &pid, err,
	    sizeof(err)), 0);
	assert_int_equal(pid, 999);
	assert_int_equal(cgroup_parse_first_pid(S(""), &pid, err, sizeof(err)),
	    0);
	assert_int_equal(pid, 0);
	assert_int_equal(cgroup_parse_first_pid(S("0\n"), &pid, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_first_pid(S("2147483648\n"), &pid, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_first_pid(S("abc\n"), &pid, err,
	    sizeof(err)), -1);
}

static void
test_meminfo(void **state)
{
	struct cgroup_meminfo	mi;

	(void)state;
	assert_int_equal(cgroup_parse_meminfo(S(
	    "MemTotal:        8167004 kB\nMemFree:         1234567 kB\n"
	    "SwapTotal:       2097152 kB\nSwapFree:        2096128 kB\n"
	    "HugePages_Total:       0\nHugepagesize:       2048 kB\n"), &mi,
	    err, sizeof(err)), 0);
	assert_int_equal(mi.have, CGROUP_MI_MEMTOTAL | CGROUP_MI_SWAPTOTAL |
	    CGROUP_MI_SWAPFREE);
	assert_true(mi.mem_total == 8167004ULL * 1024);
	assert_true(mi.swap_total == 2097152ULL * 1024);
	assert_true(mi.swap_free == 2096128ULL * 1024);
	assert_int_equal(cgroup_parse_meminfo(S("MemFree: 1 kB\n"), &mi, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_meminfo(S("MemTotal: 1\n"), &mi, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_meminfo(S("MemTotal: 1 MB\n"), &mi, err,
	    sizeof(err)), -1);
	/* kB that would overflow once multiplied by 1024. */
	assert_int_equal(cgroup_parse_meminfo(S(
	    "MemTotal: 18014398509481984 kB\n"), &mi, err, sizeof(err)), -1);
	assert_int_equal(mi.have, 0);
	assert_int_equal(cgroup_parse_meminfo(S(""), &mi, err, sizeof(err)),
	    -1);
}

static void
test_cpus(void **state)
{
	unsigned	n;

	(void)state;
	assert_int_equal(cgroup_parse_cpulist(S("0-3\n"), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(cgroup_parse_cpulist(S("0-5,8-9"), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 8);
	assert_int_equal(cgroup_parse_cpulist(S("0\n"), &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(cgroup_parse_cpulist(S("0,2,4-5\n"), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(cgroup_parse_cpulist(S(""), &n, err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpulist(S("3-1\n"), &n, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_cpulist(S("0-\n"), &n, err, sizeof(err)),
	    -1);
	assert_int_equal(cgroup_parse_cpulist(S("0,,1\n"), &n, err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_parse_cpulist(S("0-18446744073709551615\n"),
	    &n, err, sizeof(err)), -1);

	assert_int_equal(cgroup_parse_cpuinfo(S(
	    "processor\t: 0\nvendor_id\t: GenuineIntel\n\n"
	    "processor\t: 1\nmodel name\t: processor X\n\n"), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cgroup_parse_cpuinfo(S("model name: x\n"), &n, err,
	    sizeof(err)), -1);
}

static void
test_uevent_and_proc_cgroup(void **state)
{
	char	name[8], path[64];

	(void)state;
	assert_int_equal(cgroup_parse_uevent_devname(S(
	    "MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n"), name,
	    sizeof(name), err, sizeof(err)), 0);
	assert_string_equal(name, "sda");
	assert_int_equal(cgroup_parse_uevent_devname(S("DEVNAME=nvme0n1p12"),
	    name, sizeof(name), err, sizeof(err)), -1);	/* too long for 8 */
	assert_int_equal(cgroup_parse_uevent_devname(S("MAJOR=8\n"), name,
	    sizeof(name), err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_uevent_devname(S("DEVNAME=\n"), name,
	    sizeof(name), err, sizeof(err)), -1);

	static const char pc[] =
	    "9:name=systemd:/\n4:memory:/process_api/x/hale-test/abc\n"
	    "2:cpu,cpuacct:/hale-test/abc\n0::/hale-test/abc\n";
	assert_int_equal(cgroup_parse_proc_cgroup(pc, sizeof(pc) - 1, "memory",
	    path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/process_api/x/hale-test/abc");
	assert_int_equal(cgroup_parse_proc_cgroup(pc, sizeof(pc) - 1,
	    "cpuacct", path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/hale-test/abc");
	assert_int_equal(cgroup_parse_proc_cgroup(pc, sizeof(pc) - 1, "", path,
	    sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/hale-test/abc");
	assert_int_equal(cgroup_parse_proc_cgroup(pc, sizeof(pc) - 1, "pids",
	    path, sizeof(path), err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_proc_cgroup(pc, sizeof(pc) - 1, "cpuac",
	    path, sizeof(path), err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_proc_cgroup(S("4:memory:relative\n"),
	    "memory", path, sizeof(path), err, sizeof(err)), -1);
	assert_int_equal(cgroup_parse_proc_cgroup(S("garbage"), "memory", path,
	    sizeof(path), err, sizeof(err)), -1);
}

/*
 * The keyed files are matched by first byte and length before any memcmp,
 * and numbers of up to 19 digits skip the overflow check: the edges of
 * both.
 */
static void
test_keyed_matching(void **state)
{
	struct cgroup_memory_stat	ms;
	struct cgroup_memory_events	ev;
	uint64_t			v;

	(void)state;
	assert_int_equal(num_parse_u64(S("9999999999999999999"), &v), 0);
	assert_true(v == UINT64_C(9999999999999999999));
	assert_int_equal(num_parse_u64(S("00000000000000000000042"), &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(num_parse_u64(S("1\xb0"), &v), -1);
	assert_int_equal(num_parse_u64("1\0", 2, &v), -1);
	assert_int_equal(num_parse_u64(S("/"), &v), -1);
	assert_int_equal(num_parse_u64(S(":"), &v), -1);

	/* Blanks of every kind around the key and the value. */
	assert_int_equal(cgroup_parse_memory_stat(S(
	    "\t anon\t7\r\n\rfile 8 \nfile_mapped\t\t9"), &ms, err,
	    sizeof(err)), 0);
	assert_int_equal(ms.have, CGROUP_MEM_ANON | CGROUP_MEM_FILE |
	    CGROUP_MEM_MAPPED);
	assert_int_equal(ms.anon, 7);
	assert_int_equal(ms.file, 8);
	assert_int_equal(ms.file_mapped, 9);
	/* Same first byte, longer or shorter token: not the key. */
	assert_int_equal(cgroup_parse_memory_stat(S(
	    "anonx 1\nano 2\nfil 3\nfile_mappe 4\nfile_mappedx 5\n"
	    "inactive_filx 6\n"), &ms, err, sizeof(err)), -1);
	assert_string_equal(err, "none of the expected keys found");
	/* '!' & 63 == 'a' & 63: the first-byte filter only says "maybe". */
	assert_int_equal(cgroup_parse_memory_stat(S("!non 1\n"), &ms, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "none of the expected keys found");
	/* A NUL is not a blank: "anon\0" is another token. */
	assert_int_equal(cgroup_parse_memory_stat("anon\0 5\n", 8, &ms, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "none of the expected keys found");
	/* The key alone at the very end of the buffer has no value. */
	assert_int_equal(cgroup_parse_memory_stat(S("file 1\nanon"), &ms, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 2: anon has no value");
	assert_int_equal(ms.have, 0);
	/* Every line is checked, not just until all keys were seen. */
	assert_int_equal(cgroup_parse_memory_stat(S(
	    "anon 1\nfile 2\nfile_mapped 3\ninactive_file 4\npgfault 5\n"
	    "anon 6 7\n"), &ms, err, sizeof(err)), -1);
	assert_string_equal(err, "line 6: trailing data after anon");
	/* A repeated key: the last one counts. */
	assert_int_equal(cgroup_parse_memory_stat(S("anon 1\nanon 2\n"), &ms,
	    err, sizeof(err)), 0);
	assert_int_equal(ms.anon, 2);
	/* oom and oom_kill share their start. */
	assert_int_equal(cgroup_parse_memory_events(S(
	    "oom_kill 3\noom 2\noom_group_kill 9\n"), &ev, err, sizeof(err)),
	    0);
	assert_int_equal(ev.have, CGROUP_EV_OOM | CGROUP_EV_OOM_KILL);
	assert_int_equal(ev.oom, 2);
	assert_int_equal(ev.oom_kill, 3);
	assert_int_equal(cgroup_parse_memory_events(S("oom_kill 99999999999"
	    "999999999\n"), &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: oom_kill: bad or too large number");
}

/* total= is found by looking for a 't' that starts a token. */
static void
test_pressure_tokens(void **state)
{
	struct cgroup_psi	psi;

	(void)state;
	/* Tabs, total first, another token after it. */
	assert_int_equal(cgroup_parse_pressure(S(
	    "some\ttotal=5\tavg10=0.00\n"), &psi, err, sizeof(err)), 0);
	assert_int_equal(psi.some_total_us, 5);
	/* Several total= tokens: the last one counts; all must be numbers. */
	assert_int_equal(cgroup_parse_pressure(S(
	    "full total=5 total=6\n"), &psi, err, sizeof(err)), 0);
	assert_int_equal(psi.have, CGROUP_PSI_FULL);
	assert_int_equal(psi.full_total_us, 6);
	assert_int_equal(cgroup_parse_pressure(S(
	    "some total=x total=6\n"), &psi, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad total");
	/* total= inside a token is not a total. */
	assert_int_equal(cgroup_parse_pressure(S(
	    "some xtotal=5 avg=total=3\n"), &psi, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: no total=");
	assert_int_equal(cgroup_parse_pressure(S(
	    "some total=5total=6\n"), &psi, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad total");
	assert_int_equal(cgroup_parse_pressure(S("some total=\n"), &psi, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad total");
	/* 't' tokens that are not total=, and a cut-off "tota" at the end. */
	assert_int_equal(cgroup_parse_pressure(S(
	    "some t tt total=8 tota"), &psi, err, sizeof(err)), 0);
	assert_int_equal(psi.some_total_us, 8);
	/* The kind must be a whole token. */
	assert_int_equal(cgroup_parse_pressure(S("sometotal=5\n"), &psi, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no some/full line");
	assert_int_equal(cgroup_parse_pressure(S("  full total=1\n"), &psi,
	    err, sizeof(err)), 0);
	assert_int_equal(psi.have, CGROUP_PSI_FULL);
	assert_int_equal(psi.full_total_us, 1);
}

/* io.stat keys are told apart by length and first byte. */
static void
test_io_stat_keys(void **state)
{
	struct cgroup_io_dev	d[1];
	size_t			n;

	(void)state;
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0 xbytes=1 rbyte=2 rbytess=3 Rbytes=4 xios=5 rio=6 wios=7 "
	    "dios=8 rbytes=9 wbytes=10 rios=11\n"), d, 1, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].rbytes, 9);
	assert_int_equal(d[0].wbytes, 10);
	assert_int_equal(d[0].rios, 11);
	assert_int_equal(d[0].wios, 7);
	/* Only look-alikes: no counter on the line. */
	assert_int_equal(cgroup_parse_io_stat(S("8:0 Rbytes=1 wio=2\n"), d, 1,
	    &n, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: no counters");
	/* A skipped key's value is not judged, a kept one's is. */
	assert_int_equal(cgroup_parse_io_stat(S("8:0 dbytes=x rios=1\n"), d, 1,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(cgroup_parse_io_stat(S("8:0 rios=1x\n"), d, 1, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad number");
	/* Key and value are scanned in one pass: their edges. */
	assert_int_equal(cgroup_parse_io_stat(S("8:0 rios=\n"), d, 1, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad number");
	assert_int_equal(cgroup_parse_io_stat(S("8:0 rios==1\n"), d, 1, &n, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad number");
	assert_int_equal(cgroup_parse_io_stat(S("8:0 wios=1 dios\n"), d, 1, &n,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: token without '='");
	assert_int_equal(cgroup_parse_io_stat(S("8:0 =5 cost.x=y=z\n"), d, 1,
	    &n, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: no counters");
	assert_int_equal(cgroup_parse_io_stat(S(
	    "8:0\trios=000000000000000000000007\r wios=18446744073709551615"),
	    d, 1, &n, err, sizeof(err)), 0);
	assert_int_equal(d[0].rios, 7);
	assert_true(d[0].wios == UINT64_MAX);
	assert_int_equal(cgroup_parse_io_stat(S("8:0 wios=18446744073709551616"),
	    d, 1, &n, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad number");
}

/* A reply as the kernel writes it: header, genl header, one attribute. */
static size_t
genl_reply(unsigned char *buf, uint16_t type, uint32_t seq, uint16_t attr,
    const void *data, size_t dlen)
{
	struct nlmsghdr		n = { 0 };
	struct genlmsghdr	g = { 0 };
	struct nlattr		a;
	size_t			len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN +
				    NLA_ALIGN(dlen);

	memset(buf, 0, len);
	n.nlmsg_len = (uint32_t)len;
	n.nlmsg_type = type;
	n.nlmsg_seq = seq;
	g.cmd = 1;
	a.nla_len = (uint16_t)(NLA_HDRLEN + dlen);
	a.nla_type = attr;
	memcpy(buf, &n, sizeof(n));
	memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, &a, sizeof(a));
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN, data, dlen);
	return len;
}

static void
test_taskstats_netlink(void **state)
{
	unsigned char		 buf[256];
	struct nlmsghdr		 n;
	struct nlattr		 a;
	struct nlmsgerr		 e;
	struct cgroupstats	 cs = { 7, 2, 1, 3, 4 };
	struct cgroup_tasks	 t;
	uint16_t		 id = 31, got;
	uint32_t		 fd = 9;
	size_t			 len;
	int			 kerr;

	(void)state;
	/* The request: header, genl header, the fd attribute. */
	len = cgroup_genl_request(buf, sizeof(buf), 31, CGROUPSTATS_CMD_GET,
	    CGROUPSTATS_CMD_ATTR_FD, &fd, sizeof(fd), 77);
	assert_int_equal(len, NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + 4);
	memcpy(&n, buf, sizeof(n));
	assert_int_equal(n.nlmsg_len, len);
	assert_int_equal(n.nlmsg_type, 31);
	assert_int_equal(n.nlmsg_seq, 77);
	assert_int_equal(n.nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(buf[NLMSG_HDRLEN], CGROUPSTATS_CMD_GET);
	memcpy(&a, buf + NLMSG_HDRLEN + GENL_HDRLEN, sizeof(a));
	assert_int_equal(a.nla_type, CGROUPSTATS_CMD_ATTR_FD);
	assert_int_equal(a.nla_len, NLA_HDRLEN + 4);
	assert_int_equal(buf[len - 4], 9);
	/* Too small a buffer: nothing written. */
	assert_int_equal(cgroup_genl_request(buf, 20, 31, 1, 1, &fd,
	    sizeof(fd), 1), 0);

	/* The controller's answer: the family id among other attributes. */
	len = genl_reply(buf, GENL_ID_CTRL, 5, CTRL_ATTR_FAMILY_ID, &id,
	    sizeof(id));
	assert_int_equal(cgroup_parse_genl_family(buf, len, 5, &got, &kerr,
	    err, sizeof(err)), 0);
	assert_int_equal(got, 31);
	assert_int_equal(cgroup_parse_genl_family(buf, len, 6, &got, &kerr,
	    err, sizeof(err)), -1);	/* another request's */
	assert_int_equal(kerr, 0);
	len = genl_reply(buf, GENL_ID_CTRL, 5, CTRL_ATTR_FAMILY_NAME, "TASK", 5);
	assert_int_equal(cgroup_parse_genl_family(buf, len, 5, &got, &kerr,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "no family id in the reply");

	/* A cgroup's counts. */
	len = genl_reply(buf, 31, 8, CGROUPSTATS_TYPE_CGROUP_STATS, &cs,
	    sizeof(cs));
	assert_int_equal(cgroup_parse_cgroupstats(buf, len, 31, 8, &t, &kerr,
	    err, sizeof(err)), 0);
	assert_int_equal(t.sleeping, 7);
	assert_int_equal(t.running, 2);
	assert_int_equal(t.stopped, 1);
	assert_int_equal(t.uninterruptible, 3);
	assert_int_equal(t.io_wait, 4);
	/* Cut short anywhere: refused, never read past the end. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(cgroup_parse_cgroupstats(buf, cut, 31, 8, &t,
		    &kerr, err, sizeof(err)), -1);
	/* An attribute whose length runs past the message. */
	a.nla_len = 200;
	a.nla_type = CGROUPSTATS_TYPE_CGROUP_STATS;
	memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, &a, sizeof(a));
	assert_int_equal(cgroup_parse_cgroupstats(buf, len, 31, 8, &t, &kerr,
	    err, sizeof(err)), -1);
	/* Another family's message. */
	len = genl_reply(buf, 32, 8, CGROUPSTATS_TYPE_CGROUP_STATS, &cs,
	    sizeof(cs));
	assert_int_equal(cgroup_parse_cgroupstats(buf, len, 31, 8, &t, &kerr,
	    err, sizeof(err)), -1);

	/* The kernel's refusal: a cgroup2 directory gets EINVAL. */
	memset(buf, 0, sizeof(buf));
	memset(&n, 0, sizeof(n));
	memset(&e, 0, sizeof(e));
	n.nlmsg_len = NLMSG_HDRLEN + sizeof(e);
	n.nlmsg_type = NLMSG_ERROR;
	n.nlmsg_seq = 8;
	e.error = -EINVAL;
	memcpy(buf, &n, sizeof(n));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(cgroup_parse_cgroupstats(buf, n.nlmsg_len, 31, 8, &t,
	    &kerr, err, sizeof(err)), -1);
	assert_int_equal(kerr, EINVAL);
	/* An error no kernel sends, whose negation would overflow. */
	e.error = INT_MIN;
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(cgroup_parse_cgroupstats(buf, n.nlmsg_len, 31, 8, &t,
	    &kerr, err, sizeof(err)), -1);
	assert_int_equal(kerr, 0);
	assert_string_equal(err, "bad netlink error");
}

/* The host's block-device filesystems, as cAdvisor's root container has them. */
static void
test_mounts(void **state)
{
	static const char mi[] =
	    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	    "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	    "28 27 254:1 /var/lib /var/lib/x rw - ext4 /dev/vda1 rw\n"	/* same device */
	    "29 27 0:23 / /dev/shm rw - tmpfs tmpfs rw\n"			/* major 0 */
	    "30 27 8:16 / /mnt/my\\040disk rw master:2 shared:3 - xfs /dev/sdb rw\n"
	    "31 27 8:32 / /broken rw xfs /dev/sdc rw\n"			/* no " - " */
	    "32 27 8:48 / /nfs rw - nfs server:/x rw\n"			/* not /dev/ */
	    "33 27 x:1 / /bad rw - ext4 /dev/sdd rw\n"
	    "34 27 259:3 / /data rw - btrfs /dev/nvme0n1p3 rw";		/* no newline */
	struct cgroup_mount	 m[8];
	size_t			 n;

	(void)state;
	n = cgroup_parse_mounts(mi, sizeof(mi) - 1, m, 8);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].major, 254);
	assert_int_equal(m[0].minor, 1);
	assert_string_equal(m[0].point, "/");
	assert_string_equal(m[0].source, "/dev/vda1");
	assert_string_equal(m[1].point, "/mnt/my disk");
	assert_string_equal(m[1].source, "/dev/sdb");
	assert_int_equal(m[2].major, 259);
	assert_string_equal(m[2].point, "/data");
	/* The cap holds. */
	assert_int_equal(cgroup_parse_mounts(mi, sizeof(mi) - 1, m, 1), 1);
	assert_int_equal(cgroup_parse_mounts("", 0, m, 8), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec),
		cmocka_unit_test(test_single_values),
		cmocka_unit_test(test_cpu_stat),
		cmocka_unit_test(test_cpu_stat_v1_and_cpuacct),
		cmocka_unit_test(test_cpu_max_and_weight),
		cmocka_unit_test(test_memory_stat),
		cmocka_unit_test(test_memory_events),
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_io_stat),
		cmocka_unit_test(test_diskstats),
		cmocka_unit_test(test_blkio),
		cmocka_unit_test(test_linecount),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_uevent_and_proc_cgroup),
		cmocka_unit_test(test_keyed_matching),
		cmocka_unit_test(test_pressure_tokens),
		cmocka_unit_test(test_io_stat_keys),
		cmocka_unit_test(test_taskstats_netlink),
		cmocka_unit_test(test_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
