/*
 * fsusage: the writable-layer walker and its worker thread.
 *
 *	loop thread                         worker thread (one a pass)
 *	fsusage_submit ──(mutex: jobs)──►   worker_main: take the jobs
 *	  (joins the last pass's thread,      └─ fsusage_walk per job
 *	   started when busy fell)            publish the pass, busy = 0,
 *	fsusage_results ◄─(mutex: done)──     and end
 *
 * The mutex guards the two pointers and the stats only; no walk happens
 * under it. Everything is freed by the thread that owns it at the time.
 * No thread lives between passes: a process with one thread does not pay
 * the kernel's reference counting of a shared descriptor table, on every
 * one of a scrape's thousands of preads.
 */
#include "cgroup/fsusage.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_parse.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/file.h"

/* The stop flag is written by the loop thread and read by the walker. */
#define STOPPED(p)	__atomic_load_n((p), __ATOMIC_RELAXED)

/* ---- the walker --------------------------------------------------------- */

struct inode_key {
	dev_t	dev;
	ino_t	ino;
};

struct walk {
	struct fsusage_tree	*out;
	dev_t			 dev;
	unsigned		 rate;
	const volatile int	*stop;
	double			 t0;
	struct inode_key	*links;		/* open addressing, ino 0 = free */
	size_t			 nlinks, links_cap;
};

/* 1 if (dev, ino) was seen before; remembers it otherwise. */
static int
link_seen(struct walk *w, dev_t dev, ino_t ino)
{
	size_t	 i, cap;

	if (w->nlinks * 2 >= w->links_cap) {
		struct inode_key	*old = w->links, *n;
		size_t			 ocap = w->links_cap;

		cap = ocap ? ocap * 2 : 1024;
		if (w->nlinks >= FSUSAGE_LINKS_MAX ||
		    (n = calloc(cap, sizeof(*n))) == NULL)
			return 0;	/* out of room: counted again */
		w->links = n;
		w->links_cap = cap;
		w->nlinks = 0;
		for (i = 0; i < ocap; i++)
			if (old[i].ino != 0)
				link_seen(w, old[i].dev, old[i].ino);
		free(old);
	}
	i = ((size_t)ino * 2654435761u ^ (size_t)dev) & (w->links_cap - 1);
	for (; w->links[i].ino != 0; i = (i + 1) & (w->links_cap - 1))
		if (w->links[i].ino == ino && w->links[i].dev == dev)
			return 1;
	w->links[i].dev = dev;
	w->links[i].ino = ino;
	w->nlinks++;
	return 0;
}

/* Sleeps while the walk is ahead of `rate` entries a second. */
static void
pace(struct walk *w)
{
	double		 ahead;
	struct timespec	 ts;

	if (w->rate == 0 || w->out->entries % 64 != 0)
		return;
	ahead = (double)w->out->entries / w->rate - (clock_mono() - w->t0);
	while (ahead > 0 && !STOPPED(w->stop)) {
		double	 step = ahead > 0.1 ? 0.1 : ahead;

		ts.tv_sec = 0;
		ts.tv_nsec = (long)(step * 1e9);
		nanosleep(&ts, NULL);
		ahead -= step;
	}
}

/*
 * Opens the directory `name` in `dfd` as it was stat'ed: not a symlink
 * (O_NOFOLLOW), and the same inode (it cannot have been swapped since).
 */
static DIR *
open_dir(int dfd, const char *name, const struct stat *st)
{
	struct stat	 now;
	DIR		*d;
	int		 fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &now) == -1 || now.st_ino != st->st_ino ||
	    now.st_dev != st->st_dev || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	return d;
}

/* One entry of a directory at `depth`; a directory to enter is returned. */
static DIR *
visit(struct walk *w, DIR *parent, const char *name, unsigned depth)
{
	struct stat	 st;

	w->out->entries++;
	if (fstatat(dirfd(parent), name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return NULL;	/* gone meanwhile */
	if (st.st_dev != w->dev) {
		w->out->skipped++;	/* a mount inside: not this layer */
		return NULL;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 &&
	    link_seen(w, st.st_dev, st.st_ino))
		return NULL;
	w->out->bytes += (uint64_t)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode))
		return NULL;
	if (depth + 1 >= FSUSAGE_DEPTH_MAX) {
		w->out->skipped++;
		return NULL;
	}
	return open_dir(dirfd(parent), name, &st);
}

static int
walk_tree(struct walk *w, DIR *root)
{
	DIR		*stack[FSUSAGE_DEPTH_MAX];
	struct dirent	*de;
	unsigned	 depth = 0;
	DIR		*sub;

	stack[0] = root;
	for (;;) {
		if (STOPPED(w->stop)) {
			while (depth > 0)
				closedir(stack[depth--]);
			return -1;
		}
		errno = 0;
		if ((de = readdir(stack[depth])) == NULL) {
			if (depth == 0)
				return 0;
			closedir(stack[depth--]);
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (w->out->entries >= FSUSAGE_ENTRIES_MAX) {
			w->out->skipped++;
			while (depth > 0)
				closedir(stack[depth--]);
			return 0;
		}
		sub = visit(w, stack[depth], de->d_name, depth);
		pace(w);
		if (sub != NULL)
			stack[++depth] = sub;
	}
}

int
fsusage_walk(const char *path, unsigned rate, const volatile int *stop,
    struct fsusage_tree *out, char *err, size_t errlen)
{
	static const volatile int	 never = 0;
	struct statvfs			 vfs;
	struct stat			 st;
	struct walk			 w;
	DIR				*root;
	int				 fd, rc;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1)
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || fstatvfs(fd, &vfs) == -1) {
		rc = errno;
		close(fd);
		return err_set(err, errlen, "%s: %s", path, strerror(rc));
	}
	if ((root = fdopendir(fd)) == NULL) {
		close(fd);
		return err_set(err, errlen, "%s: out of memory", path);
	}
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.dev = st.st_dev;
	w.rate = rate;
	w.stop = stop != NULL ? stop : &never;
	w.t0 = clock_mono();
	out->bytes = (uint64_t)st.st_blocks * 512;	/* du counts the top too */
	out->fs_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	out->fs_inodes = vfs.f_files;
	out->fs_inodes_free = vfs.f_ffree;
	out->dev_major = major(st.st_dev);
	out->dev_minor = minor(st.st_dev);
	rc = walk_tree(&w, root);
	closedir(root);
	free(w.links);
	if (rc == -1)
		return err_set(err, errlen, "%s: stopped", path);
	return 0;
}

/* ---- the host's filesystems ------------------------------------------- */

size_t
fsusage_host(const char *procfs, struct fsusage_result *out, size_t cap)
{
	struct cgroup_mount	*m;
	struct statvfs		 vfs;
	struct stat		 st;
	struct buf		 b;
	char			 path[CGROUP_PATH_MAX + CGROUP_MOUNT_POINT_MAX + 16];
	size_t			 n, i, k = 0;
	int			 self;

	/*
	 * haled's own /proc: its own mounts, as it sees them (on the host,
	 * the host's). Another procfs (the host's mounted into a container)
	 * is reached through its init's root, which needs the privilege to
	 * look into pid 1.
	 */
	self = strcmp(procfs, "/proc") == 0;
	buf_init(&b);
	snprintf(path, sizeof(path), "%s/%s/mountinfo", procfs,
	    self ? "self" : "1");
	if (file_read_buf(path, 1024 * 1024, &b) == -1 || b.len == 0 ||
	    (m = calloc(cap, sizeof(*m))) == NULL) {
		buf_free(&b);
		return 0;
	}
	n = cgroup_parse_mounts(b.data, b.len, m, cap);
	buf_free(&b);
	for (i = 0; i < n; i++) {
		if (self)
			snprintf(path, sizeof(path), "%s", m[i].point);
		else
			snprintf(path, sizeof(path), "%s/1/root%s", procfs,
			    m[i].point);
		/* The device must be the one mountinfo names: not shadowed. */
		if (stat(path, &st) == -1 || major(st.st_dev) != m[i].major ||
		    minor(st.st_dev) != m[i].minor || statvfs(path, &vfs) == -1)
			continue;
		memset(&out[k], 0, sizeof(out[k]));
		snprintf(out[k].key, sizeof(out[k].key), FSUSAGE_HOST_KEY);
		snprintf(out[k].device, sizeof(out[k].device), "%s",
		    m[i].source);
		out[k].ok = 1;
		out[k].t.bytes = (uint64_t)(vfs.f_blocks - vfs.f_bfree) *
		    vfs.f_frsize;
		out[k].t.fs_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		out[k].t.fs_inodes = vfs.f_files;
		out[k].t.fs_inodes_free = vfs.f_ffree;
		out[k].t.dev_major = m[i].major;
		out[k].t.dev_minor = m[i].minor;
		k++;
	}
	free(m);
	return k;
}

/* ---- the worker --------------------------------------------------------- */

/* A job as the worker owns it. */
struct wjob {
	char	 key[FSUSAGE_KEY_MAX + 1];
	char	*path;
};

struct fsusage {
	pthread_t		 thread;
	int			 thread_live;	/* started, not joined (loop's) */
	pthread_mutex_t		 mu;
	unsigned		 rate;
	volatile int		 stop;
	/* under mu */
	struct wjob		*jobs;		/* the pass to run, NULL if none */
	size_t			 njobs;
	struct fsusage_result	*done;		/* finished, not yet picked up */
	size_t			 ndone;
	struct fsusage_stats	 st;
	/* loop thread only */
	struct fsusage_result	*pub;
	size_t			 npub;
};

static void
jobs_free(struct wjob *j, size_t n)
{
	size_t	 i;

	for (i = 0; j != NULL && i < n; i++)
		free(j[i].path);
	free(j);
}

static void
run_pass(struct fsusage *fs, struct wjob *jobs, size_t n)
{
	struct fsusage_result	*res;
	struct fsusage_stats	 add;
	double			 t0 = clock_mono();
	char			 err[256];
	size_t			 i, k;

	memset(&add, 0, sizeof(add));
	res = calloc(n + FSUSAGE_HOST_MAX, sizeof(*res));
	for (i = k = 0; res != NULL && i < n && !STOPPED(&fs->stop); i++) {
		if (strcmp(jobs[i].key, FSUSAGE_HOST_KEY) == 0) {
			k += fsusage_host(jobs[i].path, res + k,
			    FSUSAGE_HOST_MAX);
			continue;
		}
		memcpy(res[k].key, jobs[i].key, sizeof(res[k].key));
		res[k].ok = fsusage_walk(jobs[i].path, fs->rate, &fs->stop,
		    &res[k].t, err, sizeof(err)) == 0;
		add.trees++;
		add.errors += !res[k].ok;
		add.entries += res[k].t.entries;
		add.skipped += res[k].t.skipped;
		k++;
	}
	jobs_free(jobs, n);
	pthread_mutex_lock(&fs->mu);
	if (res != NULL && !fs->stop) {
		free(fs->done);
		fs->done = res;
		fs->ndone = k;
		res = NULL;
	}
	fs->st.passes++;
	fs->st.trees += add.trees;
	fs->st.errors += add.errors;
	fs->st.entries += add.entries;
	fs->st.skipped += add.skipped;
	fs->st.last_seconds = clock_mono() - t0;
	fs->st.busy = 0;
	pthread_mutex_unlock(&fs->mu);
	free(res);
}

static void *
worker_main(void *arg)
{
	struct fsusage		*fs = arg;
	struct wjob		*jobs;
	size_t			 n;

	pthread_mutex_lock(&fs->mu);
	jobs = fs->jobs;
	n = fs->njobs;
	fs->jobs = NULL;
	pthread_mutex_unlock(&fs->mu);
	run_pass(fs, jobs, n);
	return NULL;
}

/* The pass's thread; signals are the loop's, so it starts with all blocked. */
static int
start_worker(struct fsusage *fs)
{
	sigset_t	 all, old;
	int		 rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&fs->thread, NULL, worker_main, fs);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fs->thread_live = rc == 0;
	return rc == 0 ? 0 : -1;
}

struct fsusage *
fsusage_new(unsigned rate, char *err, size_t errlen)
{
	struct fsusage	*fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	fs->rate = rate;
	pthread_mutex_init(&fs->mu, NULL);
	return fs;
}

void
fsusage_free(struct fsusage *fs)
{
	if (fs == NULL)
		return;
	__atomic_store_n(&fs->stop, 1, __ATOMIC_RELAXED);
	if (fs->thread_live)
		pthread_join(fs->thread, NULL);
	jobs_free(fs->jobs, fs->njobs);
	free(fs->done);
	free(fs->pub);
	pthread_mutex_destroy(&fs->mu);
	free(fs);
}

int
fsusage_submit(struct fsusage *fs, const struct fsusage_job *j, size_t n)
{
	struct wjob		*copy;
	size_t			 i;
	int			 busy;

	pthread_mutex_lock(&fs->mu);
	busy = fs->st.busy;
	pthread_mutex_unlock(&fs->mu);
	if (busy)
		return 1;
	if ((copy = calloc(n ? n : 1, sizeof(*copy))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(copy[i].key, j[i].key, sizeof(copy[i].key));
		if ((copy[i].path = strdup(j[i].path)) == NULL) {
			jobs_free(copy, i);
			return -1;
		}
	}
	/* Not busy: the last pass's thread has published and is ending. */
	if (fs->thread_live) {
		pthread_join(fs->thread, NULL);
		fs->thread_live = 0;
	}
	pthread_mutex_lock(&fs->mu);
	fs->jobs = copy;
	fs->njobs = n;
	fs->st.busy = 1;
	pthread_mutex_unlock(&fs->mu);
	if (start_worker(fs) == -1) {
		pthread_mutex_lock(&fs->mu);
		fs->jobs = NULL;
		fs->st.busy = 0;
		pthread_mutex_unlock(&fs->mu);
		jobs_free(copy, n);
		return -1;
	}
	return 0;
}

const struct fsusage_result *
fsusage_results(struct fsusage *fs, size_t *n)
{
	pthread_mutex_lock(&fs->mu);
	if (fs->done != NULL) {
		free(fs->pub);
		fs->pub = fs->done;
		fs->npub = fs->ndone;
		fs->done = NULL;
	}
	pthread_mutex_unlock(&fs->mu);
	*n = fs->npub;
	return fs->pub;
}

void
fsusage_get_stats(struct fsusage *fs, struct fsusage_stats *st)
{
	pthread_mutex_lock(&fs->mu);
	*st = fs->st;
	pthread_mutex_unlock(&fs->mu);
}
