/*
 * read: one cgroup_read_stats() call (the chain is drawn in read.h): its
 * context, opening the cgroup's directory in each hierarchy, reading and
 * counting its files, and the readers both layouts share.
 *
 * "Gone" detection: rmdir of a cgroup is atomic and final, so if the
 * directory's cgroup.procs still exists after all reads, every ENOENT
 * seen meant "this kernel/controller has no such file", not "the
 * container went away during the read".
 */
#include "cgroup/read.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/path.h"
#include "cgroup/procpid.h"
#include "core/err.h"
#include "core/file.h"

static const char *const psi_files[CGROUP_PSI_N] = {
	"cpu.pressure", "memory.pressure", "io.pressure",
};

static int	 dir_open(struct cgroup_dir *, const char *, const char *);
static int	 dir_find(struct cgroup_rctx *, struct cgroup_dir *,
		    const char *, const char *);
static int	 kept_fd(struct cgroup_rctx *, struct cgroup_dir *,
		    const char *, int *);
static int	 read_once(const struct cgroup_env *, struct cgroup_rctx *,
		    const char *, pid_t, struct cgroup_stats *);
static const char *last_component(const char *);
static int	 valid_id(const char *);

/* Opens root+id; -1 with errno when it cannot (ENOENT: no such cgroup). */
static int
dir_open(struct cgroup_dir *d, const char *root, const char *id)
{
	char	path[CGROUP_PATH_MAX + CGROUP_ID_MAX];

	d->fd = -1;
	d->missing = 0;
	if (root[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (cgroup_path_join(path, sizeof(path), root, strcmp(id, "/") == 0 ?
	    "" : id) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return d->fd == -1 ? -1 : 0;
}

static const char *
last_component(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s == NULL ? p : s + 1;
}

/*
 * The id is tried first; when it is not there and a pid is known, the
 * pid's own path in that hierarchy is used: with a relative
 * --cgroup-parent, runc nests the container under the engine's cgroup,
 * which may differ per v1 hierarchy. The pid's path is only trusted when
 * it ends in the same directory name as the id, so a namespaced "/" or a
 * recycled pid cannot point us at another cgroup.
 */
static int
dir_find(struct cgroup_rctx *x, struct cgroup_dir *d, const char *root,
    const char *ctrl)
{
	char	alt[CGROUP_ID_MAX], msg[64];
	int	r;

	if (dir_open(d, root, x->id) == 0 || errno != ENOENT ||
	    x->pid <= 0 || strcmp(x->id, "/") == 0 || root[0] == '\0')
		return d->fd == -1 ? -1 : 0;
	if (x->procstate == 0)
		x->procstate = cgroup_pid_cgroup(x->env->procfs, x->pid,
		    x->proc, sizeof(x->proc), &x->proclen, msg,
		    sizeof(msg)) == 0 ? 1 : -1;
	r = x->procstate == 1 ? cgroup_parse_proc_cgroup(x->proc, x->proclen,
	    ctrl, alt, sizeof(alt), msg, sizeof(msg)) : -1;
	if (r == -1 || strcmp(last_component(alt),
	    last_component(x->id)) != 0 || strcmp(alt, x->id) == 0) {
		errno = ENOENT;
		return -1;
	}
	return dir_open(d, root, alt);
}

/*
 * A slot of the keep that was absent at open stays absent (no syscall)
 * until the keep is reset or the store's periodic re-check.
 */
int
cgroup_dir_open(struct cgroup_rctx *x, struct cgroup_dir *d,
    const char *root, const char *ctrl, int slot)
{
	struct cgroup_keep	*k = x->keep;
	int			 rc;

	d->slot = slot;
	d->kept = 0;
	d->settled = 0;
	if (k != NULL && k->dir[slot] >= 0) {
		d->fd = k->dir[slot];
		d->missing = 0;
		d->kept = 1;
		d->settled = cgroup_keep_dir_settled(x->keeps, k, slot, d->fd);
		return 0;
	}
	if (k != NULL && k->dir[slot] == KEEP_ABSENT && !x->keeps->recheck) {
		d->fd = -1;
		d->missing = 0;
		errno = ENOENT;
		return -1;
	}
	rc = dir_find(x, d, root, ctrl);
	if (k == NULL)
		return rc;
	if (rc == -1 && errno == ENOENT)
		k->dir[slot] = KEEP_ABSENT;
	else if (rc == 0 && cgroup_keeps_room(x->keeps)) {
		k->dir[slot] = d->fd;
		cgroup_keep_held(x->keeps, k);
		d->kept = 1;
		d->settled = cgroup_keep_dir_settled(x->keeps, k, slot, d->fd);
	} else if (rc == 0)
		x->fallback = 1;
	return rc;
}

void
cgroup_dir_close(struct cgroup_dir *d)
{
	if (d->fd != -1 && !d->kept)
		close(d->fd);
	d->fd = -1;
}

int
cgroup_dir_gone(struct cgroup_dir *d)
{
	if (d->fd == -1 || d->missing == 0)
		return 0;
	return faccessat(d->fd, "cgroup.procs", F_OK, 0) == -1 &&
	    errno == ENOENT;
}

void
cgroup_rd_bad(struct cgroup_rctx *x, const char *file, const char *msg)
{
	if (x->st->nerrors++ == 0)
		err_set(x->err, x->errlen, "%s/%s: %s",
		    strcmp(x->id, "/") == 0 ? "" : x->id, file, msg);
}

/*
 * The kept descriptor of `file` in d: 1 with *fd, 0 when it is absent,
 * 2 when it is not kept (read it by name), -1 on a counted error. A file
 * absent at open is tried again only at the store's re-check. What is
 * checked here is noted at the directory's state, and only that.
 */
static int
kept_fd(struct cgroup_rctx *x, struct cgroup_dir *d, const char *file,
    int *fd)
{
	struct keep_file	*f;
	int			 nfd;

	if (!d->kept)
		return 2;
	f = cgroup_keep_find(x->keep, d->slot, file);
	if (f != NULL && cgroup_keep_file_current(x->keep, f, d->settled)) {
		/* Nothing removed, replaced or added since it was checked. */
		if (f->fd == KEEP_ABSENT)
			return 0;
		*fd = f->fd;
		return 1;
	}
	if (f != NULL && f->fd == KEEP_ABSENT && x->keeps->recheck) {
		if (!cgroup_keeps_room(x->keeps)) {
			x->fallback = 1;
			return 2;	/* the budget must not hide a file come since */
		}
		if ((nfd = file_open_kept(d->fd, file)) != -1) {
			f->fd = nfd;
			cgroup_keep_ident(x->keeps, nfd, &f->dev, &f->ino);
			cgroup_keep_held(x->keeps, x->keep);
		} else if (errno == ENOENT)
			cgroup_keep_file_checked(x->keep, f, d->settled);
	}
	if (f == NULL) {
		f = cgroup_keep_open(x->keeps, x->keep, d->slot, d->fd, file);
		if (f == NULL && errno == EMFILE) {
			x->fallback = 1;
			return 2;
		}
		if (f == NULL) {
			cgroup_rd_bad(x, file, file_strerror(errno));
			return -1;
		}
		if (f->fd == KEEP_ABSENT) {
			/* Absent or removed during this read: the gone check says. */
			cgroup_keep_file_checked(x->keep, f, d->settled);
			d->missing++;
			return 0;
		}
	}
	if (f->fd == KEEP_ABSENT)
		return 0;
	if (!cgroup_keep_same(x->keeps, d->fd, file, f->dev, f->ino)) {
		/* Removed or replaced: what a removed cgroup's ENODEV says. */
		x->stale = 1;
		d->missing++;
		return 0;
	}
	cgroup_keep_file_checked(x->keep, f, d->settled);
	*fd = f->fd;
	return 1;
}

int
cgroup_rd_file(struct cgroup_rctx *x, struct cgroup_dir *d, const char *file)
{
	int	fd, r;

	if (d == NULL || d->fd == -1)
		return 0;
	if ((r = kept_fd(x, d, file, &fd)) == 1)
		r = file_pread(fd, x->buf, CGROUP_READ_MAX + 1, &x->len);
	else if (r == 2)
		r = file_read_at(d->fd, file, x->buf, CGROUP_READ_MAX + 1,
		    &x->len);
	else
		return r;
	if (r == 0)
		return 1;
	/*
	 * ENODEV: the kernel removed the cgroup between open and read. On a
	 * kept fd, never a value: the whole read is done again once.
	 */
	if (errno == ENOENT || errno == ENODEV) {
		if (d->kept)
			x->stale = 1;
		d->missing++;
		return 0;
	}
	cgroup_rd_bad(x, file, file_strerror(errno));
	return -1;
}

void
cgroup_rd_u64(struct cgroup_rctx *x, struct cgroup_dir *d, const char *file,
    uint64_t *dst, uint64_t bit)
{
	char	msg[128];

	if (cgroup_rd_file(x, d, file) != 1)
		return;
	if (cgroup_parse_u64(x->buf, x->len, dst, msg, sizeof(msg)) == -1)
		cgroup_rd_bad(x, file, msg);
	else
		x->st->have |= bit;
}

void
cgroup_rd_limit(struct cgroup_rctx *x, struct cgroup_dir *d, const char *file,
    uint64_t *dst, uint64_t bit)
{
	char	msg[128];

	if (cgroup_rd_file(x, d, file) != 1)
		return;
	if (cgroup_parse_limit(x->buf, x->len, dst, msg, sizeof(msg)) == -1)
		cgroup_rd_bad(x, file, msg);
	else
		x->st->have |= bit;
}

void
cgroup_rd_psi(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	struct cgroup_psi	psi;
	char			msg[128];
	int			r;

	for (r = 0; r < CGROUP_PSI_N; r++) {
		if (cgroup_rd_file(x, d, psi_files[r]) != 1)
			continue;
		if (cgroup_parse_pressure(x->buf, x->len, &psi, msg,
		    sizeof(msg)) == -1) {
			cgroup_rd_bad(x, psi_files[r], msg);
			continue;
		}
		if (psi.have & CGROUP_PSI_SOME) {
			x->st->psi_us[r][0] = psi.some_total_us;
			x->st->have |= CGROUP_HAVE_PSI(r, 0);
		}
		if (psi.have & CGROUP_PSI_FULL) {
			x->st->psi_us[r][1] = psi.full_total_us;
			x->st->have |= CGROUP_HAVE_PSI(r, 1);
		}
	}
}

void
cgroup_rd_procs(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	struct cgroup_linecount	 lc;
	ssize_t			 r;
	size_t			 off = 0;
	int			 fd, k;

	if (d == NULL || d->fd == -1)
		return;
	if ((k = kept_fd(x, d, "cgroup.procs", &fd)) == 0 || k == -1)
		return;
	if (k == 2 && (fd = openat(d->fd, "cgroup.procs",
	    FILE_OPEN_FLAGS)) == -1) {
		if (errno == ENOENT)
			d->missing++;
		else
			cgroup_rd_bad(x, "cgroup.procs", strerror(errno));
		return;
	}
	cgroup_linecount_init(&lc);
	for (;;) {
		r = k == 1 ? pread(fd, x->buf, CGROUP_READ_MAX, (off_t)off) :
		    read(fd, x->buf, CGROUP_READ_MAX);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
		if (cgroup_linecount_feed(&lc, x->buf, (size_t)r) == -1) {
			r = -2;
			break;
		}
	}
	if (r == -1 && errno == EAGAIN)
		errno = FILE_ENOTREG;
	/* A FIFO without a writer reads as empty, as does a cgroup without processes. */
	if (r == 0 && cgroup_linecount_end(&lc) == 0 && k == 2 &&
	    !file_is_regular(fd))
		r = -1;
	if (k == 2)
		close(fd);
	if (r == -2)
		cgroup_rd_bad(x, "cgroup.procs", "not a list of pids");
	else if (r == -1 && (errno == ENODEV || errno == ENOENT)) {
		if (k == 1)
			x->stale = 1;
		d->missing++;
	}
	else if (r == -1)
		cgroup_rd_bad(x, "cgroup.procs", file_strerror(errno));
	else {
		x->st->processes = cgroup_linecount_end(&lc);
		x->st->first_pid = cgroup_linecount_first(&lc);
		x->st->have |= CGROUP_HAVE_PROCS;
	}
}

void
cgroup_rd_pids(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	cgroup_rd_u64(x, d, "pids.current", &x->st->threads,
	    CGROUP_HAVE_THREADS);
	cgroup_rd_limit(x, d, "pids.max", &x->st->threads_max,
	    CGROUP_HAVE_THREADS_MAX);
}

int
cgroup_rd_cpu_stat_v2(struct cgroup_rctx *x, struct cgroup_dir *d,
    int want_cfs)
{
	struct cgroup_cpu_stat	 cs;
	struct cgroup_stats	*st = x->st;
	char			 msg[128];

	if (cgroup_rd_file(x, d, "cpu.stat") != 1)
		return 0;
	if (cgroup_parse_cpu_stat(x->buf, x->len, &cs, msg, sizeof(msg)) ==
	    -1) {
		cgroup_rd_bad(x, "cpu.stat", msg);
		return 0;
	}
	if (!(cs.have & CGROUP_CPU_USAGE)) {
		cgroup_rd_bad(x, "cpu.stat", "no usage_usec");
		return 0;
	}
	st->cpu_usage_ns = usec_to_ns(cs.usage_usec);
	st->have |= CGROUP_HAVE_CPU_USAGE;
	if ((cs.have & (CGROUP_CPU_USER | CGROUP_CPU_SYSTEM)) ==
	    (CGROUP_CPU_USER | CGROUP_CPU_SYSTEM)) {
		st->cpu_user_ns = usec_to_ns(cs.user_usec);
		st->cpu_system_ns = usec_to_ns(cs.system_usec);
		st->have |= CGROUP_HAVE_CPU_USER_SYS;
	}
	if (want_cfs && (cs.have & (CGROUP_CPU_PERIODS | CGROUP_CPU_THROTTLED |
	    CGROUP_CPU_THR_TIME)) == (CGROUP_CPU_PERIODS |
	    CGROUP_CPU_THROTTLED | CGROUP_CPU_THR_TIME)) {
		st->cfs_periods = cs.nr_periods;
		st->cfs_throttled_periods = cs.nr_throttled;
		st->cfs_throttled_ns = usec_to_ns(cs.throttled);
		st->have |= CGROUP_HAVE_CFS;
	}
	if (want_cfs && (cs.have & (CGROUP_CPU_BURSTS |
	    CGROUP_CPU_BURST_TIME)) == (CGROUP_CPU_BURSTS |
	    CGROUP_CPU_BURST_TIME)) {
		st->cfs_bursts = cs.nr_bursts;
		st->cfs_burst_ns = usec_to_ns(cs.burst);
		st->have |= CGROUP_HAVE_CFS_BURST;
	}
	return 1;
}

void
cgroup_memory_more(struct cgroup_stats *st, const struct cgroup_memory_stat *ms)
{
	static const struct {
		unsigned	 key;
		uint64_t	 bit;
		size_t		 src, dst;
	} map[] = {
#define M(k, b, s, d) { k, b, offsetof(struct cgroup_memory_stat, s), \
	    offsetof(struct cgroup_stats, d) }
		M(CGROUP_MEM_ACTIVE, CGROUP_HAVE_MEM_ACTIVE_FILE, active_file,
		    mem_active_file),
		M(CGROUP_MEM_INACTIVE, CGROUP_HAVE_MEM_INACTIVE_FILE,
		    inactive_file, mem_inactive_file),
		M(CGROUP_MEM_DIRTY, CGROUP_HAVE_MEM_DIRTY, file_dirty,
		    mem_file_dirty),
		M(CGROUP_MEM_WRITEBACK, CGROUP_HAVE_MEM_WRITEBACK,
		    file_writeback, mem_file_writeback),
		M(CGROUP_MEM_PGSCAN, CGROUP_HAVE_MEM_PGSCAN, pgscan, mem_pgscan),
		M(CGROUP_MEM_PGSTEAL, CGROUP_HAVE_MEM_PGSTEAL, pgsteal,
		    mem_pgsteal),
		M(CGROUP_MEM_REFAULT_FILE, CGROUP_HAVE_MEM_REFAULT_FILE,
		    refault_file, mem_refault_file),
		M(CGROUP_MEM_REFAULT_ANON, CGROUP_HAVE_MEM_REFAULT_ANON,
		    refault_anon, mem_refault_anon),
#undef M
	};
	size_t	i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ms->have & map[i].key) {
			memcpy((char *)st + map[i].dst,
			    (const char *)ms + map[i].src, sizeof(uint64_t));
			st->have |= map[i].bit;
		}
	if ((ms->have & (CGROUP_MEM_PGFAULT | CGROUP_MEM_PGMAJFAULT)) ==
	    (CGROUP_MEM_PGFAULT | CGROUP_MEM_PGMAJFAULT)) {
		st->mem_pgfault = ms->pgfault;
		st->mem_pgmajfault = ms->pgmajfault;
		st->have |= CGROUP_HAVE_MEM_FAULTS;
	}
}

void
cgroup_rd_memory_events(struct cgroup_rctx *x, struct cgroup_dir *d)
{
	struct cgroup_memory_events	 ev;
	struct cgroup_stats		*st = x->st;
	char				 msg[128];

	if (cgroup_rd_file(x, d, "memory.events") != 1)
		return;
	if (cgroup_parse_memory_events(x->buf, x->len, &ev, msg,
	    sizeof(msg)) == -1) {
		cgroup_rd_bad(x, "memory.events", msg);
		return;
	}
	if (ev.have & CGROUP_EV_OOM_KILL) {
		st->oom_kills = ev.oom_kill;
		st->have |= CGROUP_HAVE_OOM;
	}
	if ((ev.have & (CGROUP_EV_HIGH | CGROUP_EV_MAX)) ==
	    (CGROUP_EV_HIGH | CGROUP_EV_MAX)) {
		st->mem_events_high = ev.high;
		st->mem_events_max = ev.max;
		st->have |= CGROUP_HAVE_MEM_EVENTS;
	}
}

/* "/" or "/a/b": absolute, no empty, "." or ".." component. */
static int
valid_id(const char *id)
{
	const char	*p, *seg;
	size_t		 n;

	if (id[0] != '/' || strlen(id) >= CGROUP_ID_MAX)
		return 0;
	if (id[1] == '\0')
		return 1;
	for (p = id; *p != '\0'; p = seg + n) {
		seg = p + 1;
		n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
	}
	return 1;
}

static int
read_once(const struct cgroup_env *env, struct cgroup_rctx *x,
    const char *id, pid_t pid, struct cgroup_stats *out)
{
	struct cgroup_io_dev	*io = out->io;
	struct procnet_iface	*net = out->net;
	struct cgroup_taskstats	*ts = out->taskstats;
	size_t			 io_cap = out->io_cap, net_cap = out->net_cap;
	int			 rc;

	memset(out, 0, sizeof(*out));
	out->io = io;
	out->io_cap = io == NULL ? 0 : io_cap;
	out->net = net;
	out->net_cap = net == NULL ? 0 : net_cap;
	out->taskstats = ts;
	if (x->err != NULL && x->errlen > 0)
		x->err[0] = '\0';
	if (!valid_id(id))
		return err_set(x->err, x->errlen, "invalid cgroup id");

	/*
	 * Field by field, not memset: proc[] is 8 KiB, filled only when a
	 * hierarchy needs the pid's path (procstate says when), and zeroing
	 * it for every container was a tenth of a scrape's instructions.
	 */
	x->env = env;
	x->id = id;
	x->pid = pid;
	x->procstate = 0;
	x->proclen = 0;
	x->st = out;
	x->len = 0;
	x->stale = 0;
	if (env->layout == CGROUP_LAYOUT_V2)
		rc = cgroup_read_v2(x);
	else
		rc = cgroup_read_v1(x);
	if (rc == -1)
		return -1;
	if (pid <= 0 && strcmp(id, "/") == 0)
		pid = 1;
	else if (pid == CGROUP_PID_FROM_PROCS)
		pid = out->first_pid;
	if (pid > 0)
		cgroup_read_net(x, pid);
	else if (x->keep != NULL)
		cgroup_keep_drop_net(x->keeps, x->keep);	/* no process now */
	return 0;
}

int
cgroup_read_stats(const struct cgroup_env *env, const char *id, pid_t pid,
    struct cgroup_stats *out, char *err, size_t errlen)
{
	int	fallback;

	return cgroup_read_stats_kept(env, NULL, NULL, id, pid, out,
	    &fallback, err, errlen);
}

/*
 * A kept fd that reads as removed, or a cgroup that looks gone through
 * kept directories, may be a cgroup recreated at the same path (a
 * restart): the keep is closed and the cgroup read once more, opening
 * everything again. What that read says is the answer.
 */
int
cgroup_read_stats_kept(const struct cgroup_env *env, struct cgroup_keeps *s,
    struct cgroup_keep *k, const char *id, pid_t pid,
    struct cgroup_stats *out, int *fallback, char *err, size_t errlen)
{
	struct cgroup_rctx	 x;
	char			 buf[CGROUP_READ_MAX + 1];
	size_t			 had;
	int			 rc;

	x.buf = buf;
	x.err = err;
	x.errlen = errlen;
	x.keeps = k == NULL ? NULL : s;
	x.keep = k;
	x.fallback = k == NULL;
	had = k == NULL ? 0 : k->nopen;
	rc = read_once(env, &x, id, pid, out);
	if (k != NULL && (x.stale || (rc == -1 && had > 0))) {
		s->reopens++;
		cgroup_keep_reset(s, k);
		rc = read_once(env, &x, id, pid, out);
	}
	/* Not there: nothing of it stays open (some hierarchies may have it). */
	if (k != NULL && rc == -1)
		cgroup_keep_reset(s, k);
	*fallback = x.fallback;
	return rc;
}
