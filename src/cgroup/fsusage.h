/*
 * fsusage: the disk usage of each container's writable layer, measured in
 * the background with a bounded cost.
 *
 * fsusage_walk() is the walker: `du -B1 -s` of one directory tree
 * (allocated blocks, hard links counted once) without following a
 * symlink, without leaving the tree's filesystem, at most
 * FSUSAGE_DEPTH_MAX levels and FSUSAGE_ENTRIES_MAX entries deep, paced to
 * `rate` entries a second. It never logs.
 *
 * struct fsusage runs each pass on a thread of its own, which walks its
 * jobs one tree after another while the event loop goes on and ends with
 * the pass. The loop hands it a pass (fsusage_submit) and picks up the
 * last finished pass
 * (fsusage_results); both only take a mutex the worker holds to swap two
 * pointers, so neither ever waits for a walk.
 */
#ifndef HALE_FSUSAGE_H
#define HALE_FSUSAGE_H

#include <stddef.h>
#include <stdint.h>

#define FSUSAGE_DEPTH_MAX	64		/* directory levels entered */
#define FSUSAGE_ENTRIES_MAX	(4u << 20)	/* entries per tree */
#define FSUSAGE_LINKS_MAX	(1u << 20)	/* hard-linked inodes remembered */
#define FSUSAGE_KEY_MAX		64		/* a container id */
#define FSUSAGE_HOST_KEY	"/"		/* the job of the host's filesystems */
#define FSUSAGE_HOST_MAX	32		/* host filesystems measured */

struct fsusage_tree {
	uint64_t	bytes;		/* st_blocks * 512 of everything counted */
	uint64_t	entries;	/* directory entries looked at */
	uint64_t	skipped;	/* not entered: other device, too deep, over the cap */
	/* of the filesystem holding the tree (fstatvfs) */
	uint64_t	fs_bytes, fs_inodes, fs_inodes_free;
	unsigned	dev_major, dev_minor;
};

/*
 * Walks `path` (which must be a directory, opened without following a
 * symlink). `rate` entries a second at most (0: unpaced); `*stop` set by
 * another thread ends the walk early (-1). 0 with *out filled, or -1.
 */
int	fsusage_walk(const char *path, unsigned rate, const volatile int *stop,
	    struct fsusage_tree *out, char *err, size_t errlen);

/*
 * A writable layer to walk, or, with key FSUSAGE_HOST_KEY, the procfs
 * root whose 1/mountinfo lists the host's block-device filesystems: each
 * gets a result of its own, `bytes` being the space in use
 * (f_blocks - f_bfree, as cAdvisor's root container has it), no walk.
 */
struct fsusage_job {
	char		 key[FSUSAGE_KEY_MAX + 1];
	const char	*path;		/* copied by fsusage_submit */
};

struct fsusage_result {
	char			key[FSUSAGE_KEY_MAX + 1];
	int			ok;	/* 0: the walk failed, values unknown */
	struct fsusage_tree	t;
	char			device[64];	/* host rows: the mount source */
};

/*
 * The host's filesystems: for procfs "/proc", haled's own
 * /proc/self/mountinfo and mount points; for another procfs (the host's,
 * mounted into a container), <procfs>/1/mountinfo with each point reached
 * through <procfs>/1/root. Up to `cap` results; how many returned. A point
 * whose device is not the one mountinfo names (shadowed, gone) is skipped.
 */
size_t	fsusage_host(const char *procfs, struct fsusage_result *out,
	    size_t cap);

struct fsusage_stats {
	uint64_t	passes;		/* finished */
	uint64_t	trees;		/* walked, ok or not */
	uint64_t	errors;		/* walks that failed */
	uint64_t	entries;
	uint64_t	skipped;
	double		last_seconds;	/* wall time of the last pass */
	int		busy;		/* a pass is running */
};

struct fsusage;

/* The worker, without a thread until its first pass. NULL with err set. */
struct fsusage *fsusage_new(unsigned rate, char *err, size_t errlen);
/* Ends a pass in progress (its walk stops) and frees everything. */
void	fsusage_free(struct fsusage *);
/*
 * Hands a pass to a new thread, the jobs copied: 0 started, 1 still busy
 * with the previous pass (nothing done), -1 out of memory or no thread.
 */
int	fsusage_submit(struct fsusage *, const struct fsusage_job *, size_t n);
/* The last finished pass, valid until the next call. */
const struct fsusage_result *fsusage_results(struct fsusage *, size_t *n);
void	fsusage_get_stats(struct fsusage *, struct fsusage_stats *);

#endif
