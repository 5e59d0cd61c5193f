/*
 * cgroup: the I/O side of the cgroup readers.
 *
 * One cgroup_read_stats() call opens the container's directory once per
 * hierarchy (O_DIRECTORY) and reads each file with openat/read/close into
 * one stack buffer: no stdio, no allocation, three syscalls a file. That
 * is the floor issue 7 compares the scrape cost against.
 *
 *	cgroup_read_stats
 *	  ├─ read_v2      cpu.* memory.* io.stat pids.* *.pressure cgroup.procs
 *	  ├─ read_v1      cpuacct.* cpu.* memory.* blkio.throttle.* pids.*
 *	  │   └─ (hybrid) cpu.stat and *.pressure from unified/ when present
 *	  ├─ read_net     <procfs>/<pid>/net/dev
 *	  └─ gone check   cgroup.procs must still exist if any file was missing
 *
 * "Gone" detection: rmdir of a cgroup is atomic and final, so if the
 * directory's cgroup.procs still exists after all reads, every ENOENT we
 * saw meant "this kernel/controller has no such file", not "the container
 * went away under us".
 */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

#define NET_DEV_MAX	(16 * 1024 * 1024)	/* hosts with thousands of veths */
#define DISCOVER_DIRS_MAX 200000		/* directories visited per walk */

/* One open cgroup directory. */
struct dir {
	int	fd;		/* -1: not open (controller absent) */
	int	missing;	/* files that returned ENOENT */
};

/* State of one cgroup_read_stats call. */
struct rctx {
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
};

static const char *const ctrl_names[CGROUP_CTRL_N] = {
	"cpu", "cpuacct", "memory", "blkio", "pids",
};

static const char *const psi_files[CGROUP_PSI_N] = {
	"cpu.pressure", "memory.pressure", "io.pressure",
};

static int	 perr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 put(char *, size_t, size_t *, const char *);
static int	 join(char *, size_t, const char *, const char *);
static int	 pid_path(char *, size_t, const char *, pid_t, const char *);
static int	 exists(const char *);
static int	 isdir(const char *);
static void	 strip_slashes(char *);
static int	 id_valid(const char *);
static int	 dir_open(struct dir *, const char *, const char *);
static const char *last_component(const char *);
static int	 dir_open_ctrl(struct rctx *, struct dir *, const char *,
		    const char *);
static void	 dir_close(struct dir *);
static int	 dir_gone(struct dir *);
static int	 read_fd(int, char *, size_t, size_t *);
static int	 rd(struct rctx *, struct dir *, const char *);
static void	 bad(struct rctx *, const char *, const char *);
static uint64_t	 sub0(uint64_t, uint64_t);
static uint64_t	 usec_to_ns(uint64_t);
static uint64_t	 ticks_to_ns(uint64_t, long);
static void	 working_set(struct cgroup_stats *, const struct cgroup_memory_stat *);
static void	 read_psi(struct rctx *, struct dir *);
static void	 read_procs(struct rctx *, struct dir *);
static void	 read_pids(struct rctx *, struct dir *);
static void	 read_u64(struct rctx *, struct dir *, const char *,
		    uint64_t *, uint32_t);
static void	 read_limit(struct rctx *, struct dir *, const char *,
		    uint64_t *, uint32_t);
static int	 read_cpu_stat_v2(struct rctx *, struct dir *, int);
static void	 read_root_meminfo(struct rctx *, const struct cgroup_memory_stat *);
static int	 read_v2(struct rctx *);
static void	 read_v1_cpu(struct rctx *, struct dir *, struct dir *, int);
static void	 read_v1_memory(struct rctx *, struct dir *);
static void	 read_v1_blkio(struct rctx *, struct dir *);
static int	 read_v1(struct rctx *);
static void	 read_net(struct rctx *, pid_t);
static int	 read_file_path(const char *, char *, size_t, size_t *);

static int
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Paths are built with strlen and memcpy: a scrape builds a few per
 * container, and snprintf's format machinery cost more than the rest of
 * the path handling together.
 *
 * Appends s at dst[*n], keeping dst[0..len) NUL-terminated; -1 if it
 * does not fit.
 */
static int
put(char *dst, size_t len, size_t *n, const char *s)
{
	size_t	sl = strlen(s);

	if (sl >= len - *n)
		return -1;
	memcpy(dst + *n, s, sl + 1);
	*n += sl;
	return 0;
}

/* dst = a + b; -1 (and dst "") if it does not fit. */
static int
join(char *dst, size_t len, const char *a, const char *b)
{
	size_t	n = 0;

	if (len == 0)
		return -1;
	dst[0] = '\0';
	if (put(dst, len, &n, a) == -1 || put(dst, len, &n, b) == -1) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

/* dst = <procfs>/<pid><suffix>; -1 if it does not fit or pid <= 0. */
static int
pid_path(char *dst, size_t len, const char *procfs, pid_t pid,
    const char *suffix)
{
	char		 num[24], *p = num + sizeof(num);
	unsigned long	 v = (unsigned long)pid;
	size_t		 n = 0;

	if (pid <= 0 || len == 0)
		return -1;
	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	dst[0] = '\0';
	if (put(dst, len, &n, procfs) == -1 || put(dst, len, &n, "/") == -1 ||
	    put(dst, len, &n, p) == -1 || put(dst, len, &n, suffix) == -1) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int
isdir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void
strip_slashes(char *s)
{
	size_t	n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
}

/* "/" or "/a/b": absolute, no empty, "." or ".." component. */
static int
id_valid(const char *id)
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

const char *
cgroup_layout_name(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_LAYOUT_V2:
		return "v2";
	case CGROUP_LAYOUT_V1:
		return "v1";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	}
	return "unknown";
}

/* Finds each v1 controller's mount, preferring an exact name ("cpu"). */
static void
find_v1(struct cgroup_env *env, const char *cg)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[CGROUP_PATH_MAX];
	const char	*p;
	size_t		 n;
	int		 c, exact[CGROUP_CTRL_N] = { 0 };

	if ((d = opendir(cg)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "unified") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", cg, de->d_name) >=
		    (int)sizeof(path) || !isdir(path))
			continue;
		for (c = 0; c < CGROUP_CTRL_N; c++) {
			if (exact[c])
				continue;
			/* "cpu,cpuacct" holds cpu and cpuacct. */
			for (p = de->d_name; *p != '\0'; p += n + (p[n] == ',')) {
				n = strcspn(p, ",");
				if (n == strlen(ctrl_names[c]) &&
				    strncmp(p, ctrl_names[c], n) == 0)
					break;
			}
			if (*p == '\0')
				continue;
			memcpy(env->v1[c], path, sizeof(path));
			exact[c] = strcmp(de->d_name, ctrl_names[c]) == 0;
		}
	}
	closedir(d);
}

int
cgroup_env_init(struct cgroup_env *env, const char *sysfs, const char *procfs,
    char *err, size_t errlen)
{
	char	cg[CGROUP_PATH_MAX], path[CGROUP_PATH_MAX];
	int	c, any = 0;

	memset(env, 0, sizeof(*env));
	if (join(env->sysfs, sizeof(env->sysfs), sysfs, "") == -1 ||
	    join(env->procfs, sizeof(env->procfs), procfs, "") == -1)
		return perr(err, errlen, "path.sysfs/path.procfs too long");
	strip_slashes(env->sysfs);
	strip_slashes(env->procfs);
	if ((env->user_hz = sysconf(_SC_CLK_TCK)) <= 0)
		env->user_hz = 100;
	if (join(cg, sizeof(cg), env->sysfs, "/fs/cgroup") == -1 ||
	    join(path, sizeof(path), cg, "/cgroup.controllers") == -1)
		return perr(err, errlen, "path.sysfs too long");
	if (exists(path)) {
		env->layout = CGROUP_LAYOUT_V2;
		memcpy(env->unified, cg, sizeof(cg));
		return 0;
	}
	find_v1(env, cg);
	for (c = 0; c < CGROUP_CTRL_N; c++)
		any |= env->v1[c][0] != '\0';
	if (!any)
		return perr(err, errlen, "no cgroup v2 or v1 hierarchy under "
		    "%s", cg);
	env->layout = CGROUP_LAYOUT_V1;
	if (join(path, sizeof(path), cg, "/unified/cgroup.controllers") == 0 &&
	    exists(path) &&
	    join(env->unified, sizeof(env->unified), cg, "/unified") == 0)
		env->layout = CGROUP_LAYOUT_HYBRID;
	return 0;
}

int
cgroup_is_container_id(const char *s, size_t len)
{
	size_t	i;

	if (len != 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

/* Opens root+id; -1 with errno when it cannot (ENOENT: no such cgroup). */
static int
dir_open(struct dir *d, const char *root, const char *id)
{
	char	path[CGROUP_PATH_MAX + CGROUP_ID_MAX];

	d->fd = -1;
	d->missing = 0;
	if (root[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (join(path, sizeof(path), root, strcmp(id, "/") == 0 ? "" :
	    id) == -1) {
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
 * Opens the cgroup in the hierarchy mounted at `root` (`ctrl` names it in
 * /proc/<pid>/cgroup, "" for v2). The id is tried first; when it is not
 * there and a pid is known, the pid's own path in that hierarchy is used:
 * with a relative --cgroup-parent, runc nests the container under the
 * engine's cgroup, which may differ per v1 hierarchy. The pid's path is
 * only trusted when it ends in the same directory name as the id, so a
 * namespaced "/" or a recycled pid cannot point us at another cgroup.
 */
static int
dir_open_ctrl(struct rctx *x, struct dir *d, const char *root,
    const char *ctrl)
{
	char	path[CGROUP_PATH_MAX + 32], alt[CGROUP_ID_MAX], msg[64];
	int	fd, rc, r;

	if (dir_open(d, root, x->id) == 0 || errno != ENOENT ||
	    x->pid <= 0 || strcmp(x->id, "/") == 0 || root[0] == '\0')
		return d->fd == -1 ? -1 : 0;
	if (x->procstate == 0) {
		x->procstate = -1;
		if (pid_path(path, sizeof(path), x->env->procfs, x->pid,
		    "/cgroup") == 0 &&
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			rc = read_fd(fd, x->proc, sizeof(x->proc), &x->proclen);
			close(fd);
			if (rc == 0)
				x->procstate = 1;
		}
	}
	r = x->procstate == 1 ? cgroup_parse_proc_cgroup(x->proc, x->proclen,
	    ctrl, alt, sizeof(alt), msg, sizeof(msg)) : -1;
	if (r == -1 || strcmp(last_component(alt),
	    last_component(x->id)) != 0 || strcmp(alt, x->id) == 0) {
		errno = ENOENT;
		return -1;
	}
	return dir_open(d, root, alt);
}

static void
dir_close(struct dir *d)
{
	if (d->fd != -1)
		close(d->fd);
	d->fd = -1;
}

/* 1 if the directory was removed while we read it (see the top comment). */
static int
dir_gone(struct dir *d)
{
	if (d->fd == -1 || d->missing == 0)
		return 0;
	return faccessat(d->fd, "cgroup.procs", F_OK, 0) == -1 &&
	    errno == ENOENT;
}

/*
 * A read that leaves at least this much room unfilled is the end of the
 * file. cgroupfs, procfs and sysfs fill the buffer unless they run out of
 * data; a seq_file stops short only when its next record does not fit in
 * the room left, and no record of the files we read is this long. Saves
 * the second read() that would return 0, half of a scrape's read calls.
 */
#define READ_SHORT_IS_EOF	4096

/* Reads fd to EOF into buf[0..cap); -1 with errno (EFBIG when too big). */
static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t	r;
	size_t	n = 0;

	for (;;) {
		if (n == cap) {
			/* Full: one more byte tells "exactly cap" from "more". */
			char	c;

			r = read(fd, &c, 1);
			if (r == 0)
				break;
			if (r > 0)
				errno = EFBIG;
			return -1;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (cap - n >= READ_SHORT_IS_EOF)
			break;
	}
	*len = n;
	return 0;
}

static void
bad(struct rctx *x, const char *file, const char *msg)
{
	if (x->st->nerrors++ == 0)
		perr(x->err, x->errlen, "%s/%s: %s",
		    strcmp(x->id, "/") == 0 ? "" : x->id, file, msg);
}

/*
 * Reads `file` of directory d into x->buf (NUL-terminated, length x->len).
 * Returns 1 when read, 0 when absent, -1 on a counted error.
 */
static int
rd(struct rctx *x, struct dir *d, const char *file)
{
	int	fd, rc, saved;

	if (d == NULL || d->fd == -1)
		return 0;
	if ((fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			d->missing++;
			return 0;
		}
		bad(x, file, strerror(errno));
		return -1;
	}
	rc = read_fd(fd, x->buf, CGROUP_READ_MAX, &x->len);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == -1) {
		/* ENODEV: the kernel removed the cgroup between open and read. */
		if (errno == ENODEV || errno == ENOENT) {
			d->missing++;
			return 0;
		}
		bad(x, file, errno == EFBIG ? "file too large" :
		    strerror(errno));
		return -1;
	}
	x->buf[x->len] = '\0';
	return 1;
}

static uint64_t
sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t
usec_to_ns(uint64_t us)
{
	return us > UINT64_MAX / 1000 ? UINT64_MAX : us * 1000;
}

/* cpuacct.stat ticks to ns without overflowing on the intermediate. */
static uint64_t
ticks_to_ns(uint64_t ticks, long hz)
{
	uint64_t	h = (uint64_t)hz, whole = ticks / h;

	if (whole > UINT64_MAX / 1000000000u)
		return UINT64_MAX;
	return whole * 1000000000u + (ticks % h) * 1000000000u / h;
}

/* cAdvisor: usage minus inactive_file (v1: total_inactive_file), >= 0. */
static void
working_set(struct cgroup_stats *st, const struct cgroup_memory_stat *ms)
{
	st->mem_working_set = st->mem_usage;
	if (ms->have & CGROUP_MEM_INACTIVE)
		st->mem_working_set = sub0(st->mem_usage, ms->inactive_file);
}

static void
read_u64(struct rctx *x, struct dir *d, const char *file, uint64_t *dst,
    uint32_t bit)
{
	char	msg[128];

	if (rd(x, d, file) != 1)
		return;
	if (cgroup_parse_u64(x->buf, x->len, dst, msg, sizeof(msg)) == -1)
		bad(x, file, msg);
	else
		x->st->have |= bit;
}

static void
read_limit(struct rctx *x, struct dir *d, const char *file, uint64_t *dst,
    uint32_t bit)
{
	char	msg[128];

	if (rd(x, d, file) != 1)
		return;
	if (cgroup_parse_limit(x->buf, x->len, dst, msg, sizeof(msg)) == -1)
		bad(x, file, msg);
	else
		x->st->have |= bit;
}

static void
read_psi(struct rctx *x, struct dir *d)
{
	struct cgroup_psi	psi;
	char			msg[128];
	int			r;

	for (r = 0; r < CGROUP_PSI_N; r++) {
		if (rd(x, d, psi_files[r]) != 1)
			continue;
		if (cgroup_parse_pressure(x->buf, x->len, &psi, msg,
		    sizeof(msg)) == -1) {
			bad(x, psi_files[r], msg);
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

/* Counts cgroup.procs lines in chunks: the root may list thousands. */
static void
read_procs(struct rctx *x, struct dir *d)
{
	struct cgroup_linecount	 lc;
	ssize_t			 r;
	int			 fd;

	if (d == NULL || d->fd == -1)
		return;
	if ((fd = openat(d->fd, "cgroup.procs", O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			d->missing++;
		else
			bad(x, "cgroup.procs", strerror(errno));
		return;
	}
	cgroup_linecount_init(&lc);
	for (;;) {
		r = read(fd, x->buf, CGROUP_READ_MAX);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (cgroup_linecount_feed(&lc, x->buf, (size_t)r) == -1) {
			r = -2;
			break;
		}
	}
	close(fd);
	if (r == -2)
		bad(x, "cgroup.procs", "not a list of pids");
	else if (r == -1 && (errno == ENODEV || errno == ENOENT))
		d->missing++;
	else if (r == -1)
		bad(x, "cgroup.procs", strerror(errno));
	else {
		x->st->processes = cgroup_linecount_end(&lc);
		x->st->have |= CGROUP_HAVE_PROCS;
	}
}

static void
read_pids(struct rctx *x, struct dir *d)
{
	read_u64(x, d, "pids.current", &x->st->threads, CGROUP_HAVE_THREADS);
	read_limit(x, d, "pids.max", &x->st->threads_max,
	    CGROUP_HAVE_THREADS_MAX);
}

/*
 * v2 cpu.stat (also the controller-less one under hybrid's unified/).
 * Returns 1 when usage was read.
 */
static int
read_cpu_stat_v2(struct rctx *x, struct dir *d, int want_cfs)
{
	struct cgroup_cpu_stat	 cs;
	struct cgroup_stats	*st = x->st;
	char			 msg[128];

	if (rd(x, d, "cpu.stat") != 1)
		return 0;
	if (cgroup_parse_cpu_stat(x->buf, x->len, &cs, msg, sizeof(msg)) ==
	    -1) {
		bad(x, "cpu.stat", msg);
		return 0;
	}
	if (!(cs.have & CGROUP_CPU_USAGE)) {
		bad(x, "cpu.stat", "no usage_usec");
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
	return 1;
}

/*
 * The v2 root has no memory.current or memory.swap.current: like runc's
 * rootStatsFromMeminfo, usage is anon + file and swap comes from meminfo.
 */
static void
read_root_meminfo(struct rctx *x, const struct cgroup_memory_stat *ms)
{
	struct cgroup_stats	*st = x->st;
	struct cgroup_meminfo	 mi;
	char			 path[CGROUP_PATH_MAX + 16], msg[128];
	int			 rc;

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
	if ((rc = read_file_path(path, x->buf, CGROUP_READ_MAX, &x->len)) == 0)
		return;
	if (rc == -1) {
		bad(x, "meminfo", strerror(errno));
		return;
	}
	if (cgroup_parse_meminfo(x->buf, x->len, &mi, msg, sizeof(msg)) == -1)
		bad(x, "meminfo", msg);
	else if ((mi.have & (CGROUP_MI_SWAPTOTAL | CGROUP_MI_SWAPFREE)) ==
	    (CGROUP_MI_SWAPTOTAL | CGROUP_MI_SWAPFREE)) {
		st->mem_swap = sub0(mi.swap_total, mi.swap_free);
		st->have |= CGROUP_HAVE_MEM_SWAP;
	}
}

static int
read_v2(struct rctx *x)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_cpu_max		 cm;
	struct cgroup_memory_stat	 ms;
	struct cgroup_memory_events	 ev;
	struct dir			 d;
	uint64_t			 weight;
	char				 msg[128];
	int				 gone, root = strcmp(x->id, "/") == 0;

	if (dir_open_ctrl(x, &d, x->env->unified, "") == -1)
		return perr(x->err, x->errlen, "%s: %s", x->id,
		    strerror(errno));

	read_cpu_stat_v2(x, &d, 1);
	if (rd(x, &d, "cpu.max") == 1) {
		if (cgroup_parse_cpu_max(x->buf, x->len, &cm, msg,
		    sizeof(msg)) == -1)
			bad(x, "cpu.max", msg);
		else {
			st->cpu_period_us = cm.period_us;
			st->cpu_quota_us = cm.quota_us;
			st->have |= CGROUP_HAVE_CPU_PERIOD;
			if (cm.quota_us > 0)
				st->have |= CGROUP_HAVE_CPU_QUOTA;
		}
	}
	if (rd(x, &d, "cpu.weight") == 1) {
		if (cgroup_parse_u64(x->buf, x->len, &weight, msg,
		    sizeof(msg)) == -1)
			bad(x, "cpu.weight", msg);
		else if (cgroup_weight_to_shares(weight, &st->cpu_shares) == -1)
			bad(x, "cpu.weight", "weight out of range 1..10000");
		else
			st->have |= CGROUP_HAVE_CPU_SHARES;
	}

	read_u64(x, &d, "memory.current", &st->mem_usage,
	    CGROUP_HAVE_MEM_USAGE);
	memset(&ms, 0, sizeof(ms));
	if (rd(x, &d, "memory.stat") == 1 && cgroup_parse_memory_stat(x->buf,
	    x->len, &ms, msg, sizeof(msg)) == -1)
		bad(x, "memory.stat", msg);
	if (ms.have & CGROUP_MEM_ANON) {
		st->mem_rss = ms.anon;
		st->have |= CGROUP_HAVE_MEM_RSS;
	}
	if (ms.have & CGROUP_MEM_FILE) {
		st->mem_cache = ms.file;
		st->have |= CGROUP_HAVE_MEM_CACHE;
	}
	if (ms.have & CGROUP_MEM_MAPPED) {
		st->mem_mapped_file = ms.file_mapped;
		st->have |= CGROUP_HAVE_MEM_MAPPED;
	}
	if (st->have & CGROUP_HAVE_MEM_USAGE)
		working_set(st, &ms);
	read_u64(x, &d, "memory.swap.current", &st->mem_swap,
	    CGROUP_HAVE_MEM_SWAP);
	read_u64(x, &d, "memory.peak", &st->mem_max_usage,
	    CGROUP_HAVE_MEM_MAX);
	read_limit(x, &d, "memory.max", &st->mem_limit, CGROUP_HAVE_MEM_LIMIT);
	if (rd(x, &d, "memory.events") == 1) {
		if (cgroup_parse_memory_events(x->buf, x->len, &ev, msg,
		    sizeof(msg)) == -1)
			bad(x, "memory.events", msg);
		else if (ev.have & CGROUP_EV_OOM_KILL) {
			st->oom_kills = ev.oom_kill;
			st->have |= CGROUP_HAVE_OOM;
		}
	}
	if (root)
		read_root_meminfo(x, &ms);

	if (rd(x, &d, "io.stat") == 1) {
		if (cgroup_parse_io_stat(x->buf, x->len, st->io, st->io_cap,
		    &st->nio, msg, sizeof(msg)) == -1) {
			st->nio = 0;
			bad(x, "io.stat", msg);
		} else
			st->have |= CGROUP_HAVE_IO;
	}
	read_pids(x, &d);
	read_psi(x, &d);
	read_procs(x, &d);

	gone = dir_gone(&d);
	dir_close(&d);
	if (gone)
		return perr(x->err, x->errlen, "%s: cgroup removed during "
		    "the read", x->id);
	return 0;
}

/* v1 CPU: cpuacct usage unless hybrid's unified cpu.stat gave it; cpu for CFS. */
static void
read_v1_cpu(struct rctx *x, struct dir *cpu, struct dir *acct, int have_usage)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_cpuacct_stat	 as;
	struct cgroup_cpu_stat		 cs;
	int64_t				 quota;
	char				 msg[128];

	if (!have_usage) {
		read_u64(x, acct, "cpuacct.usage", &st->cpu_usage_ns,
		    CGROUP_HAVE_CPU_USAGE);
		if (rd(x, acct, "cpuacct.stat") == 1) {
			if (cgroup_parse_cpuacct_stat(x->buf, x->len, &as, msg,
			    sizeof(msg)) == -1)
				bad(x, "cpuacct.stat", msg);
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
	if (rd(x, cpu, "cpu.stat") == 1) {
		if (cgroup_parse_cpu_stat_v1(x->buf, x->len, &cs, msg,
		    sizeof(msg)) == -1)
			bad(x, "cpu.stat", msg);
		else if (cs.have == (CGROUP_CPU_PERIODS | CGROUP_CPU_THROTTLED |
		    CGROUP_CPU_THR_TIME)) {
			st->cfs_periods = cs.nr_periods;
			st->cfs_throttled_periods = cs.nr_throttled;
			st->cfs_throttled_ns = cs.throttled;
			st->have |= CGROUP_HAVE_CFS;
		}
	}
	if (rd(x, cpu, "cpu.cfs_quota_us") == 1) {
		if (cgroup_parse_i64(x->buf, x->len, &quota, msg,
		    sizeof(msg)) == -1)
			bad(x, "cpu.cfs_quota_us", msg);
		else if (quota > 0) {
			/* -1 is "no quota", as cAdvisor reads it. */
			st->cpu_quota_us = (uint64_t)quota;
			st->have |= CGROUP_HAVE_CPU_QUOTA;
		}
	}
	read_u64(x, cpu, "cpu.cfs_period_us", &st->cpu_period_us,
	    CGROUP_HAVE_CPU_PERIOD);
	read_u64(x, cpu, "cpu.shares", &st->cpu_shares, CGROUP_HAVE_CPU_SHARES);
}

static void
read_v1_memory(struct rctx *x, struct dir *d)
{
	struct cgroup_stats		*st = x->st;
	struct cgroup_memory_stat	 ms;
	struct cgroup_memory_events	 ev;
	uint64_t			 memsw;
	char				 msg[128];

	read_u64(x, d, "memory.usage_in_bytes", &st->mem_usage,
	    CGROUP_HAVE_MEM_USAGE);
	read_u64(x, d, "memory.max_usage_in_bytes", &st->mem_max_usage,
	    CGROUP_HAVE_MEM_MAX);
	read_u64(x, d, "memory.limit_in_bytes", &st->mem_limit,
	    CGROUP_HAVE_MEM_LIMIT);
	memset(&ms, 0, sizeof(ms));
	if (rd(x, d, "memory.stat") == 1 && cgroup_parse_memory_stat_v1(
	    x->buf, x->len, &ms, msg, sizeof(msg)) == -1)
		bad(x, "memory.stat", msg);
	if (ms.have & CGROUP_MEM_ANON) {
		st->mem_rss = ms.anon;
		st->have |= CGROUP_HAVE_MEM_RSS;
	}
	if (ms.have & CGROUP_MEM_FILE) {
		st->mem_cache = ms.file;
		st->have |= CGROUP_HAVE_MEM_CACHE;
	}
	if (ms.have & CGROUP_MEM_MAPPED) {
		st->mem_mapped_file = ms.file_mapped;
		st->have |= CGROUP_HAVE_MEM_MAPPED;
	}
	if (ms.have & CGROUP_MEM_SWAP) {
		st->mem_swap = ms.swap;
		st->have |= CGROUP_HAVE_MEM_SWAP;
	} else if ((st->have & CGROUP_HAVE_MEM_USAGE) &&
	    rd(x, d, "memory.memsw.usage_in_bytes") == 1) {
		/* No total_swap line: memsw counts memory + swap. */
		if (cgroup_parse_u64(x->buf, x->len, &memsw, msg,
		    sizeof(msg)) == -1)
			bad(x, "memory.memsw.usage_in_bytes", msg);
		else {
			st->mem_swap = sub0(memsw, st->mem_usage);
			st->have |= CGROUP_HAVE_MEM_SWAP;
		}
	}
	if (st->have & CGROUP_HAVE_MEM_USAGE)
		working_set(st, &ms);
	if (rd(x, d, "memory.oom_control") == 1) {
		if (cgroup_parse_oom_control(x->buf, x->len, &ev, msg,
		    sizeof(msg)) == -1)
			bad(x, "memory.oom_control", msg);
		else if (ev.have & CGROUP_EV_OOM_KILL) {
			st->oom_kills = ev.oom_kill;
			st->have |= CGROUP_HAVE_OOM;
		}
	}
}

/* blkio.throttle.*_recursive, or the plain files on kernels without them. */
static void
read_v1_blkio(struct rctx *x, struct dir *d)
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
		if ((r = rd(x, d, files[set][0])) == 0)
			continue;
		if (r == -1)
			return;
		st->nio = 0;
		for (k = 0; k < 2; k++) {
			if (k == 1 && rd(x, d, files[set][1]) != 1)
				break;
			if (cgroup_parse_blkio(x->buf, x->len,
			    k == 0 ? CGROUP_BLKIO_BYTES : CGROUP_BLKIO_IOS,
			    st->io, st->io_cap, &st->nio, msg,
			    sizeof(msg)) == -1) {
				bad(x, files[set][k], msg);
				st->nio = 0;
				return;
			}
		}
		st->have |= CGROUP_HAVE_IO;
		return;
	}
}

static int
read_v1(struct rctx *x)
{
	const struct cgroup_env	*env = x->env;
	struct dir		 dirs[CGROUP_CTRL_N], *dp[CGROUP_CTRL_N];
	struct dir		 uni, *primary = NULL;
	int			 c, p, gone = 0, have_usage = 0;
	static const int	 order[] = { CGROUP_CTRL_MEMORY,
	    CGROUP_CTRL_CPUACCT, CGROUP_CTRL_CPU, CGROUP_CTRL_PIDS,
	    CGROUP_CTRL_BLKIO };

	/* Co-mounted controllers share one directory and one fd. */
	for (c = 0; c < CGROUP_CTRL_N; c++) {
		dp[c] = &dirs[c];
		dirs[c].fd = -1;
		dirs[c].missing = 0;
		for (p = 0; p < c; p++)
			if (env->v1[c][0] != '\0' &&
			    strcmp(env->v1[p], env->v1[c]) == 0) {
				dp[c] = dp[p];
				break;
			}
		if (dp[c] == &dirs[c] && env->v1[c][0] != '\0' &&
		    dir_open_ctrl(x, &dirs[c], env->v1[c], ctrl_names[c]) ==
		    -1 && errno != ENOENT)
			bad(x, ctrl_names[c], strerror(errno));
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
				dir_close(&dirs[c]);
		return perr(x->err, x->errlen, "%s: no such cgroup", x->id);
	}

	uni.fd = -1;
	uni.missing = 0;
	if (env->layout == CGROUP_LAYOUT_HYBRID &&
	    dir_open_ctrl(x, &uni, env->unified, "") == 0) {
		have_usage = read_cpu_stat_v2(x, &uni, 0);
		read_psi(x, &uni);
	}
	read_v1_cpu(x, dp[CGROUP_CTRL_CPU], dp[CGROUP_CTRL_CPUACCT],
	    have_usage);
	read_v1_memory(x, dp[CGROUP_CTRL_MEMORY]);
	read_v1_blkio(x, dp[CGROUP_CTRL_BLKIO]);
	read_pids(x, dp[CGROUP_CTRL_PIDS]);
	read_procs(x, dp[CGROUP_CTRL_PIDS]->fd != -1 ? dp[CGROUP_CTRL_PIDS] :
	    primary);

	gone = dir_gone(primary);
	dir_close(&uni);
	for (c = 0; c < CGROUP_CTRL_N; c++)
		if (dp[c] == &dirs[c])
			dir_close(&dirs[c]);
	if (gone)
		return perr(x->err, x->errlen, "%s: cgroup removed during "
		    "the read", x->id);
	return 0;
}

/*
 * Reads a whole file by path into buf[0..cap). Returns 1 when read, 0 when
 * it does not exist, -1 with errno otherwise.
 */
static int
read_file_path(const char *path, char *buf, size_t cap, size_t *len)
{
	int	fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (errno == ENOENT || errno == ESRCH) ? 0 : -1;
	rc = read_fd(fd, buf, cap, len);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == -1)
		return (errno == ESRCH) ? 0 : -1;
	buf[*len] = '\0';
	return 1;
}

/*
 * The root cgroup reads /proc/1/net/dev: the host's namespace, which on a
 * busy host lists a veth per container. That can outgrow the stack
 * buffer, so grow a heap copy (bounded) only then.
 */
static void
read_net(struct rctx *x, pid_t pid)
{
	struct cgroup_stats	*st = x->st;
	struct buf		 big;
	char			 path[CGROUP_PATH_MAX + 32], msg[128];
	const char		*data = x->buf;
	size_t			 len = 0, cap;
	int			 rc;

	if (pid_path(path, sizeof(path), x->env->procfs, pid,
	    "/net/dev") == -1) {
		bad(x, "net/dev", "path too long");
		return;
	}
	buf_init(&big);
	rc = read_file_path(path, x->buf, CGROUP_READ_MAX, &len);
	for (cap = 4 * CGROUP_READ_MAX; rc == -1 && errno == EFBIG &&
	    cap <= NET_DEV_MAX; cap *= 4) {
		buf_reset(&big);
		if (buf_reserve(&big, cap) == -1)
			break;
		rc = read_file_path(path, big.data, cap, &len);
		data = big.data;
	}
	if (rc == 0)
		goto out;	/* the process exited: no network numbers */
	if (rc == -1) {
		bad(x, "net/dev", errno == EFBIG ? "file too large" :
		    strerror(errno));
		goto out;
	}
	if (procnet_parse(data, len, st->net, st->net_cap, &st->nnet, msg,
	    sizeof(msg)) == -1) {
		st->nnet = 0;
		bad(x, "net/dev", msg);
	} else
		st->have |= CGROUP_HAVE_NET;
out:
	buf_free(&big);
}

int
cgroup_read_stats(const struct cgroup_env *env, const char *id, pid_t pid,
    struct cgroup_stats *out, char *err, size_t errlen)
{
	struct rctx		 x;
	struct cgroup_io_dev	*io = out->io;
	struct procnet_iface	*net = out->net;
	size_t			 io_cap = out->io_cap, net_cap = out->net_cap;
	char			 buf[CGROUP_READ_MAX + 1];
	int			 rc;

	memset(out, 0, sizeof(*out));
	out->io = io;
	out->io_cap = io == NULL ? 0 : io_cap;
	out->net = net;
	out->net_cap = net == NULL ? 0 : net_cap;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!id_valid(id))
		return perr(err, errlen, "invalid cgroup id");

	/*
	 * Field by field, not memset: proc[] is 8 KiB, filled only when a
	 * hierarchy needs the pid's path (procstate says when), and zeroing
	 * it for every container was a tenth of a scrape's instructions.
	 */
	x.env = env;
	x.id = id;
	x.pid = pid;
	x.procstate = 0;
	x.proclen = 0;
	x.st = out;
	x.buf = buf;
	x.len = 0;
	x.err = err;
	x.errlen = errlen;
	if (env->layout == CGROUP_LAYOUT_V2)
		rc = read_v2(&x);
	else
		rc = read_v1(&x);
	if (rc == -1)
		return -1;
	if (pid <= 0 && strcmp(id, "/") == 0)
		pid = 1;
	if (pid > 0)
		read_net(&x, pid);
	return 0;
}

int
cgroup_read_machine(const struct cgroup_env *env, struct cgroup_machine *m,
    char *err, size_t errlen)
{
	struct cgroup_meminfo	mi;
	char			path[CGROUP_PATH_MAX + 32], buf[8192];
	char			msg[128];
	size_t			len;
	int			rc;

	memset(m, 0, sizeof(m[0]));
	/* online is one short line; cpuinfo is the fallback (chroots, tests). */
	snprintf(path, sizeof(path), "%s/devices/system/cpu/online",
	    env->sysfs);
	rc = read_file_path(path, buf, sizeof(buf) - 1, &len);
	if (rc != 1 || cgroup_parse_cpulist(buf, len, &m->cpu_cores, msg,
	    sizeof(msg)) == -1) {
		/* cpuinfo grows with the core count: big hosts need the heap. */
		struct buf	b;

		buf_init(&b);
		snprintf(path, sizeof(path), "%s/cpuinfo", env->procfs);
		if (buf_reserve(&b, 4 * 1024 * 1024) == -1)
			rc = -1;
		else
			rc = read_file_path(path, b.data, 4 * 1024 * 1024,
			    &len);
		if (rc != 1)
			snprintf(msg, sizeof(msg), "%s", rc == 0 ?
			    "not found" : strerror(errno));
		else if (cgroup_parse_cpuinfo(b.data, len, &m->cpu_cores, msg,
		    sizeof(msg)) == 0)
			rc = 2;
		buf_free(&b);
		if (rc != 2)
			return perr(err, errlen, "cpu count: %s", msg);
	}
	snprintf(path, sizeof(path), "%s/meminfo", env->procfs);
	if ((rc = read_file_path(path, buf, sizeof(buf) - 1, &len)) != 1)
		return perr(err, errlen, "%s: %s", path, rc == 0 ?
		    "not found" : strerror(errno));
	if (cgroup_parse_meminfo(buf, len, &mi, msg, sizeof(msg)) == -1)
		return perr(err, errlen, "%s: %s", path, msg);
	m->memory_bytes = mi.mem_total;
	return 0;
}

/* Device names ------------------------------------------------------ */

void
cgroup_devnames_init(struct cgroup_devnames *dn)
{
	dn->n = 0;
}

/* `device="<value>"`, escaped; the value is short by construction. */
static void
format_device_label(char *dst, size_t len, const char *prefix,
    const char *name)
{
	size_t	i = 0;

	i = (size_t)snprintf(dst, len, "device=\"%s", prefix);
	for (; *name != '\0' && i + 4 < len; name++) {
		if (*name == '\\' || *name == '"')
			dst[i++] = '\\';
		if (*name == '\n') {
			dst[i++] = '\\';
			dst[i++] = 'n';
			continue;
		}
		dst[i++] = *name;
	}
	dst[i++] = '"';
	dst[i] = '\0';
}

const char *
cgroup_devnames_label(struct cgroup_devnames *dn, const struct cgroup_env *env,
    unsigned major, unsigned minor)
{
	struct cgroup_devname	*e;
	char			 path[CGROUP_PATH_MAX + 64], buf[4096];
	char			 name[33], msg[64];
	size_t			 i, len;

	for (i = 0; i < dn->n; i++)
		if (dn->ent[i].major == major && dn->ent[i].minor == minor)
			return dn->ent[i].label;
	if (dn->n == CGROUP_DEVNAMES_MAX)
		dn->n = 0;	/* hot-plug churn: start over */
	e = &dn->ent[dn->n++];
	e->major = major;
	e->minor = minor;
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/uevent", env->sysfs,
	    major, minor);
	if (read_file_path(path, buf, sizeof(buf) - 1, &len) == 1 &&
	    cgroup_parse_uevent_devname(buf, len, name, sizeof(name), msg,
	    sizeof(msg)) == 0)
		format_device_label(e->label, sizeof(e->label), "/dev/", name);
	else {
		snprintf(name, sizeof(name), "%u:%u", major, minor);
		format_device_label(e->label, sizeof(e->label), "", name);
	}
	return e->label;
}

/* Discovery --------------------------------------------------------- */

struct walk {
	cgroup_found_cb	 cb;
	void		*arg;
	unsigned	 dirs;
	unsigned	 found;
	int		 stop;
};

/* The container id in a directory name, or NULL. */
static const char *
match_name(const char *name)
{
	size_t	n = strlen(name);

	if (n == 64 && cgroup_is_container_id(name, 64))
		return name;
	if (n == 7 + 64 + 6 && strncmp(name, "docker-", 7) == 0 &&
	    strcmp(name + 71, ".scope") == 0 &&
	    cgroup_is_container_id(name + 7, 64))
		return name + 7;
	return NULL;
}

static void
found_one(struct walk *w, int dirfd, const char *name, const char *id,
    const char *cid)
{
	struct cgroup_found	 f;
	char			 path[NAME_MAX + 16], buf[256], msg[64];
	size_t			 len = 0;
	ssize_t			 r;
	int			 fd;

	memset(&f, 0, sizeof(f));
	/* Both fit: walk_dir bounds the id, and a name is at most NAME_MAX. */
	join(f.id, sizeof(f.id), id, "");
	memcpy(f.container_id, cid, 64);
	if (join(path, sizeof(path), name, "/cgroup.procs") == 0 &&
	    (fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) != -1) {
		/* Only the first line matters; a partial read is fine. */
		if ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
			len = (size_t)r;
			if (memchr(buf, '\n', len) == NULL &&
			    len == sizeof(buf) - 1)
				len = 0;
		}
		close(fd);
		if (cgroup_parse_first_pid(buf, len, &f.pid, msg,
		    sizeof(msg)) == -1)
			f.pid = 0;
	}
	w->found++;
	if (w->cb(&f, w->arg) == -1 || w->found >= CGROUP_DISCOVER_MAX)
		w->stop = 1;
}

static void
walk_dir(struct walk *w, int fd, char *id, size_t idlen, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	const char	*cid;
	size_t		 n;
	int		 sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while (!w->stop && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_DIR) {
			if (de->d_type != DT_UNKNOWN)
				continue;
			if (fstatat(dirfd(d), de->d_name, &sb,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(sb.st_mode))
				continue;
		}
		if (++w->dirs > DISCOVER_DIRS_MAX) {
			w->stop = 1;
			break;
		}
		n = strlen(de->d_name);
		if (idlen + 1 + n >= CGROUP_ID_MAX)
			continue;
		id[idlen] = '/';
		memcpy(id + idlen + 1, de->d_name, n + 1);
		if ((cid = match_name(de->d_name)) != NULL) {
			found_one(w, dirfd(d), de->d_name, id, cid);
		} else if (depth + 1 < CGROUP_DISCOVER_DEPTH) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub != -1)
				walk_dir(w, sub, id, idlen + 1 + n, depth + 1);
		}
		id[idlen] = '\0';
	}
	closedir(d);
}

int
cgroup_discover(const struct cgroup_env *env, cgroup_found_cb cb, void *arg,
    char *err, size_t errlen)
{
	struct walk	 w;
	const char	*root;
	char		 id[CGROUP_ID_MAX];
	int		 fd;

	/*
	 * v1: cpuacct first. Its paths are the ones Docker reports; memory
	 * is the fallback (and read_v1 maps a mismatch through the pid).
	 */
	if (env->layout == CGROUP_LAYOUT_V2)
		root = env->unified;
	else if (env->v1[CGROUP_CTRL_CPUACCT][0] != '\0')
		root = env->v1[CGROUP_CTRL_CPUACCT];
	else
		root = env->v1[CGROUP_CTRL_MEMORY];
	if (root[0] == '\0')
		return perr(err, errlen, "no hierarchy to walk");
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return perr(err, errlen, "%s: %s", root, strerror(errno));
	memset(&w, 0, sizeof(w));
	w.cb = cb;
	w.arg = arg;
	id[0] = '\0';
	walk_dir(&w, fd, id, 0, 0);
	return 0;
}
