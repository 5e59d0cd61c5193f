/*
 * read_v1: a cgroup on a v1 or hybrid host: one directory per controller
 * (co-mounted controllers share one), and on hybrid hosts cpu.stat and
 * *.pressure from the controller-less v2 tree when the container has a
 * directory there.
 */
#include "cgroup/read.h"

#include <errno.h>
#include <string.h>

#include "cgroup/taskstats.h"
#include "core/err.h"

static uint64_t	 ticks_to_ns(uint64_t, long);
static void	 cpu_stat_v1(struct cgroup_stats *,
		    const struct cgroup_cpu_stat *);
static void	 read_v1_cpu(struct cgroup_rctx *, struct cgroup_dir *,
		    struct cgroup_dir *, int);
static void	 read_v1_tasks(struct cgroup_rctx *, struct cgroup_dir *);
static void	 read_v1_memory(struct cgroup_rctx *, struct cgroup_dir *);
static void	 read_v1_blkio(struct cgroup_rctx *, struct cgroup_dir *);

/* cpuacct.stat ticks to ns without overflowing on the intermediate. */
static uint64_t
ticks_to_ns(uint64_t ticks, long hz)
{
	uint64_t	h = (uint64_t)hz, whole = ticks / h;

	if (whole > UINT64_MAX / 1000000000u)
		return UINT64_MAX;
	return whole * 1000000000u + (ticks % h) * 1000000000u / h;
}

/* v1 cpu.stat: the CFS counters, and the burst ones of 5.14+ kernels. */
static void
cpu_stat_v1(struct cgroup_stats *st, const struct cgroup_cpu_stat *cs)
{
	const unsigned	cfs = CGROUP_CPU_PERIODS | CGROUP_CPU_THROTTLED |
			    CGROUP_CPU_THR_TIME;
	const unsigned	burst = CGROUP_CPU_BURSTS | CGROUP_CPU_BURST_TIME;

	if ((cs->have & cfs) == cfs) {
		st->cfs_periods = cs->nr_periods;
		st->cfs_throttled_periods = cs->nr_throttled;
		st->cfs_throttled_ns = cs->throttled;
		st->have |= CGROUP_HAVE_CFS;
	}
	if ((cs->have & burst) == burst) {
		st->cfs_bursts = cs->nr_bursts;
		st->cfs_burst_ns = cs->burst;
		st->have |= CGROUP_HAVE_CFS_BURST;
	}
}

/* v1 CPU: cpuacct usage unless hybrid's unified cpu.stat gave it; cpu for CFS. */
static void
read_v1_cpu(struct cgroup_rctx *x, struct cgroup_dir *cpu,
    struct cgroup_dir *acct, int have_usage)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_cpuacct_stat	 as;
	struct cgroup_cpu_stat		 cs;
	int64_t				 quota;
	char				 msg[128];

	if (!have_usage) {
		cgroup_rd_u64(x, acct, "cpuacct.usage", &st->cpu_usage_ns,
		    CGROUP_HAVE_CPU_USAGE);
		if (cgroup_rd_file(x, acct, "cpuacct.stat") == 1) {
			if (cgroup_parse_cpuacct_stat(x->buf, x->len, &as, msg,
			    sizeof(msg)) == -1)
				cgroup_rd_bad(x, "cpuacct.stat", msg);
			else if (as.have == (CGROUP_CPUACCT_USER |
			    CGROUP_CPUACCT_SYSTEM)) {
				st->cpu_user_ns = ticks_to_ns(as.user_ticks,
				    x->env->user_hz);
				st->cpu_system_ns = ticks_to_ns(as.system_ticks,
				    x->env->user_hz);
				st->have |= CGROUP_HAVE_CPU_USER_SYS;
			}
		}
	}
	if (cgroup_rd_file(x, cpu, "cpu.stat") == 1) {
		if (cgroup_parse_cpu_stat_v1(x->buf, x->len, &cs, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "cpu.stat", msg);
		else
			cpu_stat_v1(st, &cs);
	}
	if (cgroup_rd_file(x, cpu, "cpu.cfs_quota_us") == 1) {
		if (cgroup_parse_i64(x->buf, x->len, &quota, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "cpu.cfs_quota_us", msg);
		else if (quota > 0) {
			/* -1 is "no quota", as cAdvisor reads it. */
			st->cpu_quota_us = (uint64_t)quota;
			st->have |= CGROUP_HAVE_CPU_QUOTA;
		}
	}
	cgroup_rd_u64(x, cpu, "cpu.cfs_period_us", &st->cpu_period_us,
	    CGROUP_HAVE_CPU_PERIOD);
	cgroup_rd_u64(x, cpu, "cpu.shares", &st->cpu_shares,
	    CGROUP_HAVE_CPU_SHARES);
}

/*
 * Task counts by state, which the kernel keeps for v1 directories
 * (metrics.task_states: the collector holds a taskstats socket).
 */
static void
read_v1_tasks(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	char	msg[128];
	int	r;

	if (x->st->taskstats == NULL || d->fd == -1)
		return;
	if ((r = cgroup_taskstats_query(x->st->taskstats, d->fd,
	    &x->st->tasks, msg, sizeof(msg))) == -1) {
		cgroup_rd_bad(x, "taskstats", msg);
		return;
	}
	if (r == 1)
		x->st->have |= CGROUP_HAVE_TASKS;
}

static void
read_v1_memory(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_memory_stat	 ms;
	struct cgroup_memory_events	 ev;
	uint64_t			 memsw;
	char				 msg[128];

	cgroup_rd_u64(x, d, "memory.usage_in_bytes", &st->mem_usage,
	    CGROUP_HAVE_MEM_USAGE);
	cgroup_rd_u64(x, d, "memory.max_usage_in_bytes", &st->mem_max_usage,
	    CGROUP_HAVE_MEM_MAX);
	cgroup_rd_u64(x, d, "memory.limit_in_bytes", &st->mem_limit,
	    CGROUP_HAVE_MEM_LIMIT);
	cgroup_rd_u64(x, d, "memory.memsw.limit_in_bytes", &st->mem_swap_limit,
	    CGROUP_HAVE_MEM_SWAP_LIMIT);
	cgroup_rd_u64(x, d, "memory.soft_limit_in_bytes", &st->mem_reservation,
	    CGROUP_HAVE_MEM_RESERVATION);
	cgroup_rd_u64(x, d, "memory.failcnt", &st->mem_failcnt,
	    CGROUP_HAVE_MEM_FAILCNT);
	cgroup_rd_u64(x, d, "memory.kmem.usage_in_bytes", &st->mem_kernel,
	    CGROUP_HAVE_MEM_KERNEL);
	memset(&ms, 0, sizeof(ms));
	if (cgroup_rd_file(x, d, "memory.stat") == 1 &&
	    cgroup_parse_memory_stat_v1(x->buf, x->len, &ms, msg,
	    sizeof(msg)) == -1)
		cgroup_rd_bad(x, "memory.stat", msg);
	memory_from_stat(st, &ms);
	cgroup_memory_more(st, &ms);
	if (ms.have & CGROUP_MEM_SWAP) {
		st->mem_swap = ms.swap;
		st->have |= CGROUP_HAVE_MEM_SWAP;
	} else if ((st->have & CGROUP_HAVE_MEM_USAGE) &&
	    cgroup_rd_file(x, d, "memory.memsw.usage_in_bytes") == 1) {
		/* No total_swap line: memsw counts memory + swap. */
		if (cgroup_parse_u64(x->buf, x->len, &memsw, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "memory.memsw.usage_in_bytes", msg);
		else {
			st->mem_swap = sub0(memsw, st->mem_usage);
			st->have |= CGROUP_HAVE_MEM_SWAP;
		}
	}
	if (st->have & CGROUP_HAVE_MEM_USAGE)
		working_set(st, &ms);
	if (cgroup_rd_file(x, d, "memory.oom_control") == 1) {
		if (cgroup_parse_oom_control(x->buf, x->len, &ev, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "memory.oom_control", msg);
		else if (ev.have & CGROUP_EV_OOM_KILL) {
			st->oom_kills = ev.oom_kill;
			st->have |= CGROUP_HAVE_OOM;
		}
	}
}

/* blkio.throttle.*_recursive, or the plain files on kernels without them. */
static void
read_v1_blkio(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	static const char *const files[2][2] = {
		{ "blkio.throttle.io_service_bytes_recursive",
		  "blkio.throttle.io_serviced_recursive" },
		{ "blkio.throttle.io_service_bytes",
		  "blkio.throttle.io_serviced" },
	};
	struct cgroup_stats	*st = x->st;
	char			 msg[128];
	int			 set, k, r;

	for (set = 0; set < 2; set++) {
		if ((r = cgroup_rd_file(x, d, files[set][0])) == 0)
			continue;
		if (r == -1)
			return;
		st->nio = 0;
		for (k = 0; k < 2; k++) {
			if (k == 1 && cgroup_rd_file(x, d, files[set][1]) != 1)
				break;
			if (cgroup_parse_blkio(x->buf, x->len,
			    k == 0 ? CGROUP_BLKIO_BYTES : CGROUP_BLKIO_IOS,
			    st->io, st->io_cap, &st->nio, msg,
			    sizeof(msg)) == -1) {
				cgroup_rd_bad(x, files[set][k], msg);
				st->nio = 0;
				return;
			}
		}
		st->have |= CGROUP_HAVE_IO;
		return;
	}
}

int
cgroup_read_v1(struct cgroup_rctx *x)
{
	const struct cgroup_env	*env = x->env;
	struct cgroup_dir	 dirs[CGROUP_CTRL_N], *dp[CGROUP_CTRL_N];
	struct cgroup_dir	 uni, *primary = NULL;
	int			 c, p, gone = 0, have_usage = 0;
	static const int	 order[] = { CGROUP_CTRL_MEMORY,
	    CGROUP_CTRL_CPUACCT, CGROUP_CTRL_CPU, CGROUP_CTRL_PIDS,
	    CGROUP_CTRL_BLKIO };

	/* Co-mounted controllers share one directory and one fd. */
	for (c = 0; c < CGROUP_CTRL_N; c++) {
		dp[c] = &dirs[c];
		dirs[c].fd = -1;
		dirs[c].missing = 0;
		dirs[c].kept = 0;
		for (p = 0; p < c; p++)
			if (env->v1[c][0] != '\0' &&
			    strcmp(env->v1[p], env->v1[c]) == 0) {
				dp[c] = dp[p];
				break;
			}
		if (dp[c] == &dirs[c] && env->v1[c][0] != '\0' &&
		    cgroup_dir_open(x, &dirs[c], env->v1[c],
		    cgroup_ctrl_name(c), c) == -1 && errno != ENOENT)
			cgroup_rd_bad(x, cgroup_ctrl_name(c), strerror(errno));
	}
	/* The first mounted controller in `order` decides whether it exists. */
	for (c = 0; c < (int)(sizeof(order) / sizeof(order[0])); c++)
		if (env->v1[order[c]][0] != '\0') {
			primary = dp[order[c]];
			break;
		}
	if (primary == NULL || primary->fd == -1) {
		for (c = 0; c < CGROUP_CTRL_N; c++)
			if (dp[c] == &dirs[c])
				cgroup_dir_close(&dirs[c]);
		return err_set(x->err, x->errlen, "%s: no such cgroup", x->id);
	}

	uni.fd = -1;
	uni.missing = 0;
	uni.kept = 0;
	if (env->layout == CGROUP_LAYOUT_HYBRID &&
	    cgroup_dir_open(x, &uni, env->unified, "", KEEP_SLOT_UNIFIED) == 0) {
		have_usage = cgroup_rd_cpu_stat_v2(x, &uni, 0);
		cgroup_rd_psi(x, &uni);
	}
	read_v1_cpu(x, dp[CGROUP_CTRL_CPU], dp[CGROUP_CTRL_CPUACCT],
	    have_usage);
	read_v1_tasks(x, dp[CGROUP_CTRL_CPU]);
	read_v1_memory(x, dp[CGROUP_CTRL_MEMORY]);
	read_v1_blkio(x, dp[CGROUP_CTRL_BLKIO]);
	cgroup_rd_pids(x, dp[CGROUP_CTRL_PIDS]);
	cgroup_rd_procs(x, dp[CGROUP_CTRL_PIDS]->fd != -1 ?
	    dp[CGROUP_CTRL_PIDS] : primary);

	gone = cgroup_dir_gone(primary);
	cgroup_dir_close(&uni);
	for (c = 0; c < CGROUP_CTRL_N; c++)
		if (dp[c] == &dirs[c])
			cgroup_dir_close(&dirs[c]);
	if (gone)
		return err_set(x->err, x->errlen, "%s: cgroup removed during "
		    "the read", x->id);
	return 0;
}
