/*
 * read: the state of one cgroup_read_stats() call, shared by the files
 * that read a cgroup (read.c: context, directories, files, the readers
 * both layouts use; read_v2.c; read_v1.c; read_net.c). Internal to them.
 *
 *	cgroup_read_stats                            read.c
 *	  ├─ cgroup_read_v2   cpu.* memory.* io.stat pids.* *.pressure
 *	  │                   cgroup.procs           read_v2.c
 *	  ├─ cgroup_read_v1   cpuacct.* cpu.* memory.* blkio.throttle.* pids.*
 *	  │   ├─ (hybrid) cpu.stat and *.pressure from unified/ when present
 *	  │   └─ task states: the cpu directory to taskstats (netlink)
 *	  │                                          read_v1.c, taskstats.c
 *	  ├─ cgroup_read_net  <procfs>/<pid>/net/dev read_net.c
 *	  └─ gone check       cgroup.procs must still exist if any file was
 *	                      missing (cgroup_dir_gone)
 *
 * With a keep (keep.h), directories and files come from it and are read
 * with one pread each; a read failing as on a removed cgroup marks the
 * context stale, and cgroup_read_stats_kept reads again once, afresh.
 * Without one (or past the descriptor budget) each file is read with
 * openat/read/close from the directory opened once per hierarchy. Either
 * way into one stack buffer: no stdio, no allocation.
 */
#ifndef HALE_CGROUP_READ_H
#define HALE_CGROUP_READ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "cgroup/keep.h"

/* One open cgroup directory. */
struct cgroup_dir {
	int	fd;		/* -1: not open (controller absent) */
	int	missing;	/* files that returned ENOENT */
	int	slot;		/* in the keep */
	int	kept;		/* fd belongs to the keep: not closed here */
	int	settled;	/* kept, its ctime settled: cgroup_keep_dir_settled */
};

/* State of one cgroup_read_stats call. */
struct cgroup_rctx {
	const struct cgroup_env	*env;
	const char		*id;
	pid_t			 pid;		/* for /proc/<pid>/cgroup, 0 = none */
	int			 procstate;	/* 0 unread, 1 read, -1 unusable */
	char			 proc[8192];	/* /proc/<pid>/cgroup */
	size_t			 proclen;
	struct cgroup_stats	*st;
	char			*buf;		/* CGROUP_READ_MAX + 1 */
	size_t			 len;		/* of the last file read */
	char			*err;
	size_t			 errlen;
	struct cgroup_keeps	*keeps;		/* NULL with keep */
	struct cgroup_keep	*keep;		/* NULL: open/read/close */
	int			 stale;		/* a kept fd read as removed */
	int			 fallback;	/* a file read without a kept fd */
};

/* The layouts' readers: 0, or -1 when the cgroup is not (or no more) there. */
int	cgroup_read_v2(struct cgroup_rctx *);
int	cgroup_read_v1(struct cgroup_rctx *);
/* <procfs>/<pid>/net/dev into the stats' interfaces. */
void	cgroup_read_net(struct cgroup_rctx *, pid_t);

/*
 * Opens the cgroup in the hierarchy mounted at `root` (`ctrl` names it in
 * /proc/<pid>/cgroup, "" for v2), kept in the keep's `slot`: 0, or -1
 * with errno (ENOENT: no such cgroup). d->fd is -1 when it is not open.
 */
int	cgroup_dir_open(struct cgroup_rctx *, struct cgroup_dir *d,
	    const char *root, const char *ctrl, int slot);
void	cgroup_dir_close(struct cgroup_dir *);
/* 1 if the directory was removed while it was read (see read.c). */
int	cgroup_dir_gone(struct cgroup_dir *);

/* Counts a file there but unreadable or malformed; keeps the first message. */
void	cgroup_rd_bad(struct cgroup_rctx *, const char *file, const char *msg);
/*
 * Reads `file` of d (NULL or not open: absent) into x->buf, NUL-terminated,
 * length x->len. 1 when read, 0 when absent, -1 on a counted error.
 */
int	cgroup_rd_file(struct cgroup_rctx *, struct cgroup_dir *d,
	    const char *file);
/* A single-number file into *dst, setting `bit` of st->have. */
void	cgroup_rd_u64(struct cgroup_rctx *, struct cgroup_dir *,
	    const char *file, uint64_t *dst, uint64_t bit);
/* The same where "max" reads as UINT64_MAX. */
void	cgroup_rd_limit(struct cgroup_rctx *, struct cgroup_dir *,
	    const char *file, uint64_t *dst, uint64_t bit);
/* cpu.pressure, memory.pressure, io.pressure. */
void	cgroup_rd_psi(struct cgroup_rctx *, struct cgroup_dir *);
/* The lines of cgroup.procs, read in chunks: the root may list thousands. */
void	cgroup_rd_procs(struct cgroup_rctx *, struct cgroup_dir *);
/* pids.current and pids.max. */
void	cgroup_rd_pids(struct cgroup_rctx *, struct cgroup_dir *);
/*
 * v2 cpu.stat (also the controller-less one under hybrid's unified/), the
 * cfs counters only when want_cfs. 1 when usage was read.
 */
int	cgroup_rd_cpu_stat_v2(struct cgroup_rctx *, struct cgroup_dir *,
	    int want_cfs);

/*
 * The rest of memory.stat cAdvisor exports, v1 and v2 alike: each value
 * whose key the file has (pgfault only with pgmajfault: one family).
 */
void	cgroup_memory_more(struct cgroup_stats *,
	    const struct cgroup_memory_stat *);
/* memory.events high and max (v2), and oom_kill. */
void	cgroup_rd_memory_events(struct cgroup_rctx *, struct cgroup_dir *);

static inline uint64_t
sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static inline uint64_t
usec_to_ns(uint64_t us)
{
	return us > UINT64_MAX / 1000 ? UINT64_MAX : us * 1000;
}

/* memory.stat's rss, cache and mapped_file (v1 and v2 alike) into st. */
static inline void
memory_from_stat(struct cgroup_stats *st, const struct cgroup_memory_stat *ms)
{
	if (ms->have & CGROUP_MEM_ANON) {
		st->mem_rss = ms->anon;
		st->have |= CGROUP_HAVE_MEM_RSS;
	}
	if (ms->have & CGROUP_MEM_FILE) {
		st->mem_cache = ms->file;
		st->have |= CGROUP_HAVE_MEM_CACHE;
	}
	if (ms->have & CGROUP_MEM_MAPPED) {
		st->mem_mapped_file = ms->file_mapped;
		st->have |= CGROUP_HAVE_MEM_MAPPED;
	}
}

/* cAdvisor: usage minus inactive_file (v1: total_inactive_file), >= 0. */
static inline void
working_set(struct cgroup_stats *st, const struct cgroup_memory_stat *ms)
{
	st->mem_working_set = st->mem_usage;
	if (ms->have & CGROUP_MEM_INACTIVE)
		st->mem_working_set = sub0(st->mem_usage, ms->inactive_file);
}

#endif
