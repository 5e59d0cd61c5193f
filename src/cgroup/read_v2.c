/*
 * read_v2: a cgroup on a v2 host, every file from its one directory; the
 * root cgroup's memory usage and swap from memory.stat and meminfo.
 */
#include "cgroup/read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"

static void	 read_root_meminfo(struct cgroup_rctx *,
		    const struct cgroup_memory_stat *);

/*
 * The v2 root has no memory.current or memory.swap.current: like runc's
 * rootStatsFromMeminfo, usage is anon + file and swap comes from meminfo.
 */
static void
read_root_meminfo(struct cgroup_rctx *x, const struct cgroup_memory_stat *ms)
{
	struct cgroup_stats	*st = x->st;
	struct cgroup_meminfo	 mi;
	char			 path[CGROUP_PATH_MAX + 16], msg[128];

	if ((ms->have & (CGROUP_MEM_ANON | CGROUP_MEM_FILE)) ==
	    (CGROUP_MEM_ANON | CGROUP_MEM_FILE) &&
	    !(st->have & CGROUP_HAVE_MEM_USAGE)) {
		st->mem_usage = ms->anon + ms->file;
		if (st->mem_usage < ms->anon)
			st->mem_usage = UINT64_MAX;
		st->have |= CGROUP_HAVE_MEM_USAGE;
		working_set(st, ms);
	}
	if (st->have & CGROUP_HAVE_MEM_SWAP)
		return;
	snprintf(path, sizeof(path), "%s/meminfo", x->env->procfs);
	if (file_read_at(AT_FDCWD, path, x->buf, CGROUP_READ_MAX + 1,
	    &x->len) == -1) {
		if (errno != ENOENT)
			cgroup_rd_bad(x, "meminfo", file_strerror(errno));
		return;
	}
	if (cgroup_parse_meminfo(x->buf, x->len, &mi, msg, sizeof(msg)) == -1)
		cgroup_rd_bad(x, "meminfo", msg);
	else if ((mi.have & (CGROUP_MI_SWAPTOTAL | CGROUP_MI_SWAPFREE)) ==
	    (CGROUP_MI_SWAPTOTAL | CGROUP_MI_SWAPFREE)) {
		st->mem_swap = sub0(mi.swap_total, mi.swap_free);
		st->have |= CGROUP_HAVE_MEM_SWAP;
	}
}

int
cgroup_read_v2(struct cgroup_rctx *x)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_cpu_max		 cm;
	struct cgroup_memory_stat	 ms;
	struct cgroup_dir		 d;
	uint64_t			 weight;
	char				 msg[128];
	int				 gone, root = strcmp(x->id, "/") == 0;

	if (cgroup_dir_open(x, &d, x->env->unified, "",
	    KEEP_SLOT_UNIFIED) == -1)
		return err_set(x->err, x->errlen, "%s: %s", x->id,
		    strerror(errno));

	cgroup_rd_cpu_stat_v2(x, &d, 1);
	if (cgroup_rd_file(x, &d, "cpu.max") == 1) {
		if (cgroup_parse_cpu_max(x->buf, x->len, &cm, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "cpu.max", msg);
		else {
			st->cpu_period_us = cm.period_us;
			st->cpu_quota_us = cm.quota_us;
			st->have |= CGROUP_HAVE_CPU_PERIOD;
			if (cm.quota_us > 0)
				st->have |= CGROUP_HAVE_CPU_QUOTA;
		}
	}
	if (cgroup_rd_file(x, &d, "cpu.weight") == 1) {
		if (cgroup_parse_u64(x->buf, x->len, &weight, msg,
		    sizeof(msg)) == -1)
			cgroup_rd_bad(x, "cpu.weight", msg);
		else if (cgroup_weight_to_shares(weight, &st->cpu_shares) == -1)
			cgroup_rd_bad(x, "cpu.weight",
			    "weight out of range 1..10000");
		else
			st->have |= CGROUP_HAVE_CPU_SHARES;
	}

	cgroup_rd_u64(x, &d, "memory.current", &st->mem_usage,
	    CGROUP_HAVE_MEM_USAGE);
	memset(&ms, 0, sizeof(ms));
	if (cgroup_rd_file(x, &d, "memory.stat") == 1 &&
	    cgroup_parse_memory_stat(x->buf, x->len, &ms, msg,
	    sizeof(msg)) == -1)
		cgroup_rd_bad(x, "memory.stat", msg);
	memory_from_stat(st, &ms);
	cgroup_memory_more(st, &ms);
	if (st->have & CGROUP_HAVE_MEM_USAGE)
		working_set(st, &ms);
	cgroup_rd_u64(x, &d, "memory.swap.current", &st->mem_swap,
	    CGROUP_HAVE_MEM_SWAP);
	cgroup_rd_u64(x, &d, "memory.peak", &st->mem_max_usage,
	    CGROUP_HAVE_MEM_MAX);
	cgroup_rd_limit(x, &d, "memory.max", &st->mem_limit,
	    CGROUP_HAVE_MEM_LIMIT);
	/* cAdvisor's swap and reservation limits on v2. */
	cgroup_rd_limit(x, &d, "memory.swap.max", &st->mem_swap_limit,
	    CGROUP_HAVE_MEM_SWAP_LIMIT);
	cgroup_rd_limit(x, &d, "memory.min", &st->mem_reservation,
	    CGROUP_HAVE_MEM_RESERVATION);
	cgroup_rd_memory_events(x, &d);
	if (root)
		read_root_meminfo(x, &ms);

	if (cgroup_rd_file(x, &d, "io.stat") == 1) {
		if (cgroup_parse_io_stat(x->buf, x->len, st->io, st->io_cap,
		    &st->nio, msg, sizeof(msg)) == -1) {
			st->nio = 0;
			cgroup_rd_bad(x, "io.stat", msg);
		} else
			st->have |= CGROUP_HAVE_IO;
	}
	cgroup_rd_pids(x, &d);
	cgroup_rd_psi(x, &d);
	cgroup_rd_procs(x, &d);

	gone = cgroup_dir_gone(&d);
	cgroup_dir_close(&d);
	if (gone)
		return err_set(x->err, x->errlen, "%s: cgroup removed during "
		    "the read", x->id);
	return 0;
}
