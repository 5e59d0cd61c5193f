/*
 * Kept descriptors (cgroup/keep.c, read through read.c): fresh values on
 * every pread, reopening when a file or the cgroup is replaced or a read
 * fails as on a removed cgroup (ENODEV, ENOENT: injected through
 * --wrap=pread), absent files staying absent until the re-check, the
 * budget's fallback giving byte-identical output, and every descriptor
 * closed when its container goes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/collector.h"
#include "cgroup/keep.h"
#include "core/buf.h"
#include "core/metrics.h"

#define FIX	FIXTURES "/cgroup/"
#define ID(h)	h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h
#define E5	"/docker/" ID("e5")

ssize_t	__real_pread(int, void *, size_t, off_t);
ssize_t	__wrap_pread(int, void *, size_t, off_t);
int	__real_fstatat(int, const char *, struct stat *, int);
int	__wrap_fstatat(int, const char *, struct stat *, int);

static unsigned	fstatats;	/* path checks made */

int
__wrap_fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	fstatats++;
	return __real_fstatat(dirfd, name, st, flags);
}

static int	fail_errno;
static int	fail_count;	/* preads to fail: -1 all of them */

ssize_t
__wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	if (fail_count != 0) {
		if (fail_count > 0)
			fail_count--;
		errno = fail_errno;
		return -1;
	}
	return __real_pread(fd, buf, n, off);
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own */
}

struct tree {
	char			 dir[64];
	char			 cg[256];	/* the container's directory */
	struct cgroup_env	 env;
};

/* A copy of a fixture in a tmpfs (/dev/shm); cg is `dir` in it. */
static void
tree_make_from(struct tree *t, const char *fixture, const char *dir,
    enum cgroup_layout layout)
{
	char	cmd[512], sys[128], proc[128], err[256];

	snprintf(t->dir, sizeof(t->dir), "/dev/shm/hale-keep-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(cmd, sizeof(cmd), "cp -a " FIX "%s/. %s/", fixture, t->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(t->cg, sizeof(t->cg), "%s/%s", t->dir, dir);
	snprintf(sys, sizeof(sys), "%s/sys", t->dir);
	snprintf(proc, sizeof(proc), "%s/proc", t->dir);
	assert_int_equal(cgroup_env_init(&t->env, sys, proc, err,
	    sizeof(err)), 0);
	assert_int_equal(t->env.layout, layout);
}

/* The v2-cgroupfs fixture, cg its container E5. */
static void
tree_make(struct tree *t)
{
	tree_make_from(t, "v2-cgroupfs", "sys/fs/cgroup" E5, CGROUP_LAYOUT_V2);
}

static void
tree_free(struct tree *t)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
}

/* Writes a file in place: the same inode, as the kernel changes a value. */
static void
put(const struct tree *t, const char *name, const char *text)
{
	char	path[320];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", t->cg, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A new file renamed over `path`: another inode at the same path. */
static void
replace_path(const char *path, const char *text)
{
	char	tmp[336];
	int	fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_true((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(rename(tmp, path), 0);
}

/* The same for a file of the container's directory. */
static void
replace(const struct tree *t, const char *name, const char *text)
{
	char	path[320];

	snprintf(path, sizeof(path), "%s/%s", t->cg, name);
	replace_path(path, text);
}

static struct procnet_iface	net[PROCNET_MAX_IFACES];
static struct cgroup_io_dev	io[CGROUP_IO_MAX];

static int
rd_pid(struct tree *t, struct cgroup_keeps *s, struct cgroup_keep *k,
    pid_t pid, struct cgroup_stats *st)
{
	char	err[256];
	int	fallback;

	memset(st, 0, sizeof(*st));
	st->io = io;
	st->io_cap = CGROUP_IO_MAX;
	st->net = net;
	st->net_cap = PROCNET_MAX_IFACES;
	return cgroup_read_stats_kept(&t->env, s, k, E5, pid, st, &fallback,
	    err, sizeof(err));
}

static int
rd(struct tree *t, struct cgroup_keeps *s, struct cgroup_keep *k,
    struct cgroup_stats *st)
{
	return rd_pid(t, s, k, 777, st);
}

/*
 * <tree>/proc/<pid>/net/dev with eth0's received bytes: a new pid's
 * directory, or (rename) a new file renamed over the old one.
 */
static void
put_net(const struct tree *t, int pid, unsigned rx, int rename_over)
{
	char	path[320], text[512];

	snprintf(path, sizeof(path), "%s/proc/%d", t->dir, pid);
	if (!rename_over) {
		assert_int_equal(mkdir(path, 0755), 0);
		snprintf(path, sizeof(path), "%s/proc/%d/net", t->dir, pid);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/proc/%d/net/dev", t->dir, pid);
	snprintf(text, sizeof(text), "Inter-|   Receive |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed "
	    "multicast|bytes    packets errs drop fifo colls carrier "
	    "compressed\n  eth0: %u 1 0 0 0 0 0 0 2 1 0 0 0 0 0 0\n", rx);
	replace_path(path, text);
}

/* In-place changes are seen through kept fds; fds are counted right. */
static void
test_fresh_values(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	int			 base;

	(void)state;
	tree_make(&t);
	base = count_fds();
	cgroup_keeps_init(&s, 1000);
	cgroup_keeps_begin(&s, 1.0);
	assert_non_null(k = cgroup_keeps_get(&s, E5, 777));
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_true(st.have & CGROUP_HAVE_MEM_USAGE);
	assert_int_equal(st.mem_usage, 134217728);
	assert_true(st.have & CGROUP_HAVE_NET);
	/* the directory, 15 files and net/dev */
	assert_int_equal(s.fds, 17);
	assert_int_equal(count_fds() - base, (int)s.fds);

	put(&t, "memory.current", "1000\n");
	put(&t, "pids.current", "7\n");
	cgroup_keeps_begin(&s, 2.0);
	assert_ptr_equal(cgroup_keeps_get(&s, E5, 777), k);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 1000);
	assert_int_equal(st.threads, 7);
	assert_int_equal(s.reopens, 0);
	assert_int_equal(count_fds() - base, 17);

	/* Another pid: the container restarted, everything opened again. */
	cgroup_keeps_begin(&s, 3.0);
	assert_ptr_equal(cgroup_keeps_get(&s, E5, 778), k);
	assert_int_equal(s.reopens, 1);
	assert_int_equal(s.fds, 0);
	cgroup_keeps_free(&s);
	assert_int_equal(count_fds(), base);
	tree_free(&t);
}

/*
 * A container found without Docker: its pid is cgroup.procs' first line
 * at each read, and net/dev follows it (the old pid's fd closed).
 */
static void
test_pid_from_procs(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	int			 base;

	(void)state;
	tree_make(&t);
	base = count_fds();
	cgroup_keeps_init(&s, 1000);
	cgroup_keeps_begin(&s, 1.0);
	assert_non_null(k = cgroup_keeps_get(&s, E5, CGROUP_PID_FROM_PROCS));
	assert_int_equal(rd_pid(&t, &s, k, CGROUP_PID_FROM_PROCS, &st), 0);
	assert_int_equal(st.first_pid, 777);
	assert_int_equal(st.processes, 2);
	assert_true(st.have & CGROUP_HAVE_NET);
	assert_int_equal(st.nnet, 1);
	assert_int_equal(net[0].rx_bytes, 5000);
	assert_int_equal(s.fds, 17);

	/* Another first pid: its own namespace's counters. */
	put_net(&t, 888, 7000, 0);
	put(&t, "cgroup.procs", "888\n777\n");
	cgroup_keeps_begin(&s, 2.0);
	assert_ptr_equal(cgroup_keeps_get(&s, E5, CGROUP_PID_FROM_PROCS), k);
	assert_int_equal(rd_pid(&t, &s, k, CGROUP_PID_FROM_PROCS, &st), 0);
	assert_int_equal(st.first_pid, 888);
	assert_int_equal(st.nnet, 1);
	assert_int_equal(net[0].rx_bytes, 7000);
	assert_int_equal(s.reopens, 1);
	assert_int_equal(s.fds, 17);
	assert_int_equal(count_fds() - base, 17);

	/* No process: no network numbers, and no net/dev held. */
	put(&t, "cgroup.procs", "");
	cgroup_keeps_begin(&s, 3.0);
	assert_int_equal(rd_pid(&t, &s, k, CGROUP_PID_FROM_PROCS, &st), 0);
	assert_int_equal(st.first_pid, 0);
	assert_false(st.have & CGROUP_HAVE_NET);
	assert_int_equal(s.fds, 16);
	assert_int_equal(count_fds() - base, 16);

	/* Without a keep (past the budget) the same answer. */
	put(&t, "cgroup.procs", "888\n");
	assert_int_equal(rd_pid(&t, &s, NULL, CGROUP_PID_FROM_PROCS, &st), 0);
	assert_int_equal(net[0].rx_bytes, 7000);
	cgroup_keeps_free(&s);
	assert_int_equal(count_fds(), base);
	tree_free(&t);
}

/*
 * Off cgroupfs a replaced file reads on through its old fd; the store
 * validates paths there, and a replaced file or directory is a reopen.
 */
static void
test_replaced(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	char			 cmd[1024];
	int			 base;

	(void)state;
	tree_make(&t);
	base = count_fds();
	cgroup_keeps_init(&s, 1000);
	s.validate = 1;
	cgroup_keeps_begin(&s, 1.0);
	k = cgroup_keeps_get(&s, E5, 777);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 134217728);

	replace(&t, "memory.current", "2000\n");
	cgroup_keeps_begin(&s, 2.0);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 2000);
	assert_int_equal(s.reopens, 1);
	assert_int_equal(count_fds() - base, (int)s.fds);

	/* The cgroup removed and made again: its fixture values again. */
	snprintf(cmd, sizeof(cmd), "rm -rf %s && cp -a " FIX
	    "v2-cgroupfs/sys/fs/cgroup" E5 " %s", t.cg, t.cg);
	assert_int_equal(system(cmd), 0);
	cgroup_keeps_begin(&s, 3.0);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 134217728);
	assert_int_equal(s.reopens, 2);

	/* net/dev renamed over (its directory is not the cgroup's). */
	assert_int_equal(net[0].rx_bytes, 5000);
	put_net(&t, 777, 9000, 1);
	cgroup_keeps_begin(&s, 3.5);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(net[0].rx_bytes, 9000);
	assert_int_equal(s.reopens, 3);
	assert_int_equal(count_fds() - base, (int)s.fds);

	/* Removed for good: gone, and no descriptor of it left open. */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t.cg);
	assert_int_equal(system(cmd), 0);
	cgroup_keeps_begin(&s, 4.0);
	assert_int_equal(rd(&t, &s, k, &st), -1);
	assert_int_equal(k->nopen, 0);
	assert_int_equal(count_fds() - base, (int)s.fds);
	cgroup_keeps_free(&s);
	assert_int_equal(count_fds(), base);
	tree_free(&t);
}

/* ENODEV or ENOENT from a kept fd: read once more afresh, never a value. */
static void
test_removed_errno(void **state)
{
	static const int	 errs[] = { ENODEV, ENOENT };
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	uint64_t		 before;
	size_t			 i;

	(void)state;
	tree_make(&t);
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		cgroup_keeps_init(&s, 1000);
		cgroup_keeps_begin(&s, 1.0);
		k = cgroup_keeps_get(&s, E5, 777);
		assert_int_equal(rd(&t, &s, k, &st), 0);

		/* One failed read (cpu.stat, the first): reopened, all values. */
		fail_errno = errs[i];
		fail_count = 1;
		cgroup_keeps_begin(&s, 2.0);
		assert_int_equal(rd(&t, &s, k, &st), 0);
		assert_int_equal(fail_count, 0);
		assert_int_equal(s.reopens, 1);
		assert_true(st.have & CGROUP_HAVE_CPU_USAGE);
		assert_int_equal(st.cpu_usage_ns, 60000000000ull);
		assert_int_equal(st.mem_usage, 134217728);
		assert_int_equal(st.nerrors, 0);

		/*
		 * Every read failing: one reopen of the cgroup and one of
		 * net/dev (the second pass opens afresh and stops there);
		 * the values are left out, none made up.
		 */
		before = s.reopens;
		fail_count = -1;
		cgroup_keeps_begin(&s, 3.0);
		assert_int_equal(rd(&t, &s, k, &st), 0);
		fail_count = 0;
		assert_int_equal(s.reopens, before + 2);
		assert_false(st.have & (CGROUP_HAVE_MEM_USAGE |
		    CGROUP_HAVE_CPU_USAGE | CGROUP_HAVE_NET |
		    CGROUP_HAVE_THREADS));
		assert_int_equal(st.nerrors, 0);

		/* And back: the next read has them all again. */
		cgroup_keeps_begin(&s, 4.0);
		assert_int_equal(rd(&t, &s, k, &st), 0);
		assert_int_equal(st.mem_usage, 134217728);
		assert_true(st.have & CGROUP_HAVE_NET);
		cgroup_keeps_free(&s);
	}
	tree_free(&t);
}

/* A collection of a validating store, at `ahead` seconds past now. */
static void
begin_at(struct cgroup_keeps *s, double now, time_t ahead)
{
	cgroup_keeps_begin(s, now);
	s->wall.tv_sec += ahead;
}

/*
 * Off cgroupfs, a directory whose ctime has settled is trusted without a
 * path check a file; removing, replacing or adding a file moves its
 * ctime, and the files are checked again.
 */
static void
test_settled_directory(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	char			 path[320];
	int			 dfd;

	(void)state;
	tree_make(&t);
	snprintf(path, sizeof(path), "%s/memory.peak", t.cg);
	assert_int_equal(unlink(path), 0);
	cgroup_keeps_init(&s, 1000);
	s.validate = 1;
	/* A ctime of this second is not trusted yet. */
	begin_at(&s, 1.0, 0);
	k = cgroup_keeps_get(&s, E5, 777);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	dfd = k->dir[KEEP_SLOT_UNIFIED];
	assert_true(dfd >= 0);
	assert_int_equal(cgroup_keep_dir_settled(&s, k, KEEP_SLOT_UNIFIED,
	    dfd), 0);
	/* Ten seconds on: settled, noted, then unchanged. */
	begin_at(&s, 2.0, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(cgroup_keep_dir_settled(&s, k, KEEP_SLOT_UNIFIED,
	    dfd), 1);
	/* Unchanged: no file's path is checked. */
	fstatats = 0;
	begin_at(&s, 2.5, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(fstatats, 0);

	/* In place: no ctime change, the new value through the same fd. */
	put(&t, "memory.current", "1000\n");
	begin_at(&s, 3.0, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 1000);
	assert_int_equal(s.reopens, 0);

	/* Replaced: the directory moved, the file is checked and reopened. */
	replace(&t, "memory.current", "2000\n");
	begin_at(&s, 4.0, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(st.mem_usage, 2000);
	assert_int_equal(s.reopens, 1);

	/* Settled again, then a file absent at open appears. */
	begin_at(&s, 5.0, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_int_equal(cgroup_keep_dir_settled(&s, k, KEEP_SLOT_UNIFIED,
	    k->dir[KEEP_SLOT_UNIFIED]), 1);
	assert_false(st.have & CGROUP_HAVE_MEM_MAX);
	put(&t, "memory.peak", "5\n");
	begin_at(&s, 6.0, 10);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_true(st.have & CGROUP_HAVE_MEM_MAX);
	assert_int_equal(st.mem_max_usage, 5);
	cgroup_keeps_free(&s);
	tree_free(&t);
}

#define B1	"/docker/" ID("1b")
#define BYTES	"blkio.throttle.io_service_bytes_recursive"
#define IOS	"blkio.throttle.io_serviced_recursive"

/* Reads ops of 8:0 from B1's blkio files (v1: read only after BYTES). */
static uint64_t
rios_8_0(struct tree *t, struct cgroup_keeps *s, struct cgroup_keep *k,
    struct cgroup_stats *st)
{
	char	err[256];
	size_t	i;
	int	fallback;

	memset(st, 0, sizeof(*st));
	st->io = io;
	st->io_cap = CGROUP_IO_MAX;
	st->net = net;
	st->net_cap = PROCNET_MAX_IFACES;
	assert_int_equal(cgroup_read_stats_kept(&t->env, s, k, B1, 0, st,
	    &fallback, err, sizeof(err)), 0);
	for (i = 0; i < st->nio; i++)
		if (st->io[i].major == 8 && st->io[i].minor == 0)
			return st->io[i].rios;
	return 0;
}

/*
 * What a settled directory vouches for is the files checked since its
 * ctime last moved: one replaced while a collection skipped it (v1 reads
 * the ops only after the bytes parse) is checked when next read.
 */
static void
test_settled_skipped_file(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;

	(void)state;
	tree_make_from(&t, "v1", "sys/fs/cgroup/blkio" B1, CGROUP_LAYOUT_V1);
	cgroup_keeps_init(&s, 1000);
	s.validate = 1;
	begin_at(&s, 1.0, 10);
	k = cgroup_keeps_get(&s, B1, 0);
	assert_int_equal(rios_8_0(&t, &s, k, &st), 256);
	begin_at(&s, 2.0, 10);
	assert_int_equal(rios_8_0(&t, &s, k, &st), 256);
	assert_int_equal(st.nerrors, 0);

	/* The bytes unreadable in place, the ops replaced: ops not read. */
	put(&t, BYTES, "8:0 Read many\n");
	replace(&t, IOS, "8:0 Read 999\n8:0 Write 1\nTotal 1000\n");
	begin_at(&s, 3.0, 10);
	(void)rios_8_0(&t, &s, k, &st);
	assert_int_equal(st.nerrors, 1);
	assert_int_equal(s.reopens, 0);

	/* The bytes readable again: the ops are the new file's. */
	put(&t, BYTES, "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
	begin_at(&s, 4.0, 10);
	assert_int_equal(rios_8_0(&t, &s, k, &st), 999);
	assert_int_equal(st.nerrors, 0);
	assert_int_equal(s.reopens, 1);
	cgroup_keeps_free(&s);
	tree_free(&t);
}

/* Absent at open stays absent (no syscall) until the 60 s re-check. */
static void
test_absent_rechecked(void **state)
{
	struct tree		 t;
	struct cgroup_keeps	 s;
	struct cgroup_keep	*k;
	struct cgroup_stats	 st;
	char			 path[320];

	(void)state;
	tree_make(&t);
	snprintf(path, sizeof(path), "%s/memory.peak", t.cg);
	assert_int_equal(unlink(path), 0);
	cgroup_keeps_init(&s, 1000);
	cgroup_keeps_begin(&s, 1.0);
	k = cgroup_keeps_get(&s, E5, 777);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_false(st.have & CGROUP_HAVE_MEM_MAX);

	put(&t, "memory.peak", "5\n");
	cgroup_keeps_begin(&s, 30.0);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_false(st.have & CGROUP_HAVE_MEM_MAX);
	cgroup_keeps_begin(&s, 1.0 + KEEP_RECHECK_S);
	assert_int_equal(rd(&t, &s, k, &st), 0);
	assert_true(st.have & CGROUP_HAVE_MEM_MAX);
	assert_int_equal(st.mem_max_usage, 5);
	cgroup_keeps_free(&s);
	tree_free(&t);
}

/* A collection written out, the kept-descriptor lines left out. */
static char *
render(struct collector *c, const struct cgroup_target *t, size_t n)
{
	struct buf		 b, out;
	struct metrics_writer	 w;
	struct collector_snap	*s;
	struct collector_cursor	 cur = { 0, 0, 0 };
	char			*line, *next;

	buf_init(&b);
	buf_init(&out);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	assert_non_null(s = collector_collect(c, t, n, 1700000000.0));
	assert_int_equal(collector_snap_write(s, &w, &cur, SIZE_MAX), 1);
	metrics_finish(&w);
	buf_append(&b, "", 1);
	assert_false(b.oom);
	for (line = b.data; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next == NULL ? line + strlen(line) : next + 1;
		if (strstr(line, "hale_cgroup_fd") != NULL ||
		    strstr(line, "hale_cgroup_reopens") != NULL ||
		    strstr(line, "hale_cgroup_unkept") != NULL)
			continue;
		buf_append(&out, line, (size_t)(next - line));
	}
	buf_append(&out, "", 1);
	buf_free(&b);
	return buf_steal(&out, NULL);
}

/*
 * Every fixture layout: no budget (open/read/close), a budget of three
 * descriptors (mostly the fallback) and a large one give the same bytes,
 * on the first collection and the next; the descriptors are counted and
 * closed when their containers go.
 */
static void
test_budget_identical(void **state)
{
	static const char *const trees[] = {
		"v2-systemd", "v2-cgroupfs", "v1", "hybrid",
	};
	static const size_t	 budgets[] = { 0, 3, 100000 };
	struct cgroup_env	 env;
	struct collector	*c[3];
	struct collector_fds	 fds;
	const struct cgroup_target *t;
	char			 sys[256], proc[256], err[256];
	char			*want, *got;
	size_t			 i, j, n, pass, kept;
	int			 base0, base;

	(void)state;
	for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		snprintf(sys, sizeof(sys), FIX "%s/sys", trees[i]);
		snprintf(proc, sizeof(proc), FIX "%s/proc", trees[i]);
		assert_int_equal(cgroup_env_init(&env, sys, proc, err,
		    sizeof(err)), 0);
		base0 = count_fds();
		for (j = 0; j < 3; j++) {
			assert_non_null(c[j] = collector_new(&env));
			collector_set_fd_budget(c[j], budgets[j]);
		}
		base = count_fds() - base0;	/* taskstats sockets */
		assert_int_equal(collector_discover(c[0], &t, &n, err,
		    sizeof(err)), 0);
		assert_true(n >= 3);
		for (pass = 0; pass < 2; pass++) {
			want = render(c[0], t, n);
			for (j = 1; j < 3; j++) {
				got = render(c[j], t, n);
				assert_string_equal(got, want);
				free(got);
			}
			free(want);
		}
		collector_fd_stats(c[0], &fds);
		assert_int_equal(fds.open, 0);
		assert_int_equal(fds.unkept, n);
		collector_fd_stats(c[1], &fds);
		assert_int_equal(fds.open, 3);
		assert_int_equal(fds.unkept, n);
		collector_fd_stats(c[2], &fds);
		assert_true(fds.open > 3 * n);
		assert_int_equal(fds.unkept, 0);
		assert_int_equal(fds.reopens, 0);
		print_message("%s: %zu descriptors kept for %zu cgroups\n",
		    trees[i], fds.open, n);

		/*
		 * A budget lowered under what is kept sheds whole keeps, not
		 * all of them, and the output stays the same.
		 */
		kept = fds.open;
		collector_set_fd_budget(c[2], kept - 1);
		collector_fd_stats(c[2], &fds);
		assert_true(fds.open > 0 && fds.open <= kept - 1);
		want = render(c[0], t, n);
		got = render(c[2], t, n);
		assert_string_equal(got, want);
		free(got);
		free(want);
		collector_fd_stats(c[2], &fds);
		assert_true(fds.open <= kept - 1);
		assert_true(fds.unkept >= 1);
		collector_set_fd_budget(c[2], budgets[2]);
		free(render(c[2], t, n));
		collector_fd_stats(c[2], &fds);
		assert_int_equal(fds.open, kept);

		/*
		 * Every descriptor haled holds is one of these (c[1] holds
		 * its 3); with only the first target left, the others' are
		 * closed, and forgetting it closes the rest.
		 */
		assert_int_equal(count_fds(), base0 + base + 3 + (int)fds.open);
		free(render(c[2], t, 1));
		collector_fd_stats(c[2], &fds);
		assert_true(fds.open > 0);
		assert_int_equal(count_fds(), base0 + base + 3 + (int)fds.open);
		collector_forget(c[2], t[0].id);
		collector_fd_stats(c[2], &fds);
		assert_int_equal(fds.open, 0);
		assert_int_equal(count_fds(), base0 + base + 3);
		for (j = 0; j < 3; j++)
			collector_free(c[j]);
		assert_int_equal(count_fds(), base0);
	}
}

/* A stopped container's keeps are found by its id, in either driver's form. */
static void
test_forget_by_container(void **state)
{
	static const char *const ids[] = {
		"/", "/docker/" ID("e5"), "/docker/" ID("f6"),
		"/system.slice/docker-" ID("e5") ".scope",
		"/system.slice/docker-" ID("a1") ".scope", "/tenant/" ID("e5") "x",
	};
	struct cgroup_keeps	s;
	size_t			i;

	(void)state;
	cgroup_keeps_init(&s, 1000);
	cgroup_keeps_begin(&s, 1.0);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_non_null(cgroup_keeps_get(&s, ids[i], 1));
	assert_int_equal(s.n, 6);
	cgroup_keeps_forget_name(&s, ID("e5"));
	assert_int_equal(s.n, 4);
	for (i = 0; i < s.n; i++) {
		assert_string_not_equal(s.k[i]->id, ids[1]);
		assert_string_not_equal(s.k[i]->id, ids[3]);
	}
	/* The others are still found where they are, not made again. */
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (i != 1 && i != 3)
			assert_non_null(cgroup_keeps_get(&s, ids[i], 1));
	assert_int_equal(s.n, 4);
	cgroup_keeps_forget_name(&s, "");
	assert_int_equal(s.n, 4);
	cgroup_keeps_forget(&s, "/");
	assert_int_equal(s.n, 3);
	cgroup_keeps_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_values),
		cmocka_unit_test(test_pid_from_procs),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_removed_errno),
		cmocka_unit_test(test_absent_rechecked),
		cmocka_unit_test(test_settled_directory),
		cmocka_unit_test(test_settled_skipped_file),
		cmocka_unit_test(test_budget_identical),
		cmocka_unit_test(test_forget_by_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
