/*
 * keep: each container's cgroup files and /proc/<pid>/net/dev kept open
 * between collections and read with pread at offset 0 (file_pread), so a
 * collection costs one syscall a file instead of three.
 *
 *	collector_collect
 *	  ├─ cgroup_keeps_begin     a new generation; every 60 s the files
 *	  │                         absent at open are tried again
 *	  ├─ cgroup_keeps_get       the target's keep (made while the budget
 *	  │                         allows), reset when its pid changed
 *	  ├─ cgroup_read_stats_kept read.c: directories and files from the
 *	  │                         keep, opened there on first use; a read
 *	  │                         failing as on a removed cgroup resets
 *	  │                         the keep and reads once more afresh
 *	  └─ cgroup_keeps_sweep     closes the keeps not read this generation
 *
 * A descriptor is kept only while the store holds fewer than its budget;
 * past it a file is read with open/read/close as before, so the values
 * never depend on the limit.
 *
 * Only cgroupfs and procfs promise what keeping relies on: a removed
 * file fails its reads (ENODEV) instead of reading on. Elsewhere (a copy
 * of a tree on tmpfs) a kept fd is checked against its path before each
 * read (fstatat: the same inode) and absent files are tried again, but
 * only files not checked since their directory's ctime last moved:
 * removing, replacing or adding a file changes its directory's ctime,
 * rewriting one in place does not need a check. Each settled ctime noted
 * bumps the directory's sequence number and a file keeps the one it was
 * last checked at, so a file that a collection did not read is checked
 * when one next does. A ctime within two seconds of the collection is
 * not trusted (it may move again within the filesystem's timestamp
 * granularity), so such a directory's files are checked again at the
 * next one.
 * A kept net/dev is checked by its link count (fstat): its directory is
 * another process's, and a file removed or renamed over has none.
 */
#ifndef HALE_CGROUP_KEEP_H
#define HALE_CGROUP_KEEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cgroup/cgroup.h"

/* Directory slots: one per v1 controller, then the unified tree. */
#define KEEP_SLOT_UNIFIED	CGROUP_CTRL_N
#define KEEP_SLOTS		(CGROUP_CTRL_N + 1)
/* More files than any layout reads (v1 reads 27 over its controllers). */
#define KEEP_FILES		40

/* A slot's or file's fd: open, absent when opened, or not tried yet. */
#define KEEP_ABSENT		(-1)
#define KEEP_UNTRIED		(-2)

struct keep_file {
	const char	*name;		/* the reader's string */
	dev_t		 dev;		/* checked when the store validates */
	ino_t		 ino;
	int		 fd;		/* or KEEP_ABSENT */
	uint32_t	 seen;		/* its slot's dirseq when checked; 0: not */
	unsigned char	 slot;
};

struct cgroup_keep {
	char		*id;
	pid_t		 pid;
	uint64_t	 gen;		/* of the last collection that read it */
	int		 dir[KEEP_SLOTS];
	/* A validating store's: the directory's settled ctime, or 0. */
	struct timespec	 dirtime[KEEP_SLOTS];
	uint32_t	 dirseq[KEEP_SLOTS];	/* bumped with each dirtime */
	int		 netfd;
	pid_t		 netpid;	/* whose net/dev netfd is */
	struct keep_file f[KEEP_FILES];
	size_t		 nf;
	size_t		 nopen;		/* fds held, directories included */
};

struct cgroup_keeps {
	struct cgroup_keep	**k;	/* sorted by container id, then id */
	size_t			 n, cap;
	size_t			 fds;	/* open, over all keeps */
	size_t			 budget;
	uint64_t		 reopens;
	uint64_t		 gen;
	int			 recheck;	/* this generation retries absent ones */
	double			 recheck_at;
	double			 now;		/* of this generation */
	size_t			 unkept;	/* targets read with a fallback this generation */
	int			 validate;	/* not cgroupfs/procfs: check paths */
	struct timespec		 wall;		/* a validating store's collection time */
};

#define KEEP_RECHECK_S		60.0

void	cgroup_keeps_init(struct cgroup_keeps *, size_t budget);
/* 1 when the env's cgroup and proc trees are the kernel's own filesystems. */
int	cgroup_keeps_kernel_fs(const struct cgroup_env *);
/* Closes every descriptor and frees the keeps. */
void	cgroup_keeps_free(struct cgroup_keeps *);
/* Starts a collection at monotonic time `now`. */
void	cgroup_keeps_begin(struct cgroup_keeps *, double now);
/*
 * The keep of `id`, made when missing and the budget has room (NULL: read
 * without). A pid other than the kept one is a restarted container: its
 * descriptors are closed and opened again.
 */
struct cgroup_keep *cgroup_keeps_get(struct cgroup_keeps *, const char *id,
	    pid_t pid);
/* Closes and frees the keeps this generation did not read. */
void	cgroup_keeps_sweep(struct cgroup_keeps *);
/*
 * Closes whole keeps, the last ones first, until the descriptors fit a
 * budget that was lowered; the others stay as they are.
 */
void	cgroup_keeps_shed(struct cgroup_keeps *);
/* Closes the keep of `id`, if any: its container went. */
void	cgroup_keeps_forget(struct cgroup_keeps *, const char *id);
/*
 * Closes the keeps of the container `name` (its full id: the last
 * component of its cgroup id, without systemd's docker-*.scope), for a
 * container that stopped and whose cgroup id is no longer known.
 */
void	cgroup_keeps_forget_name(struct cgroup_keeps *, const char *name);

/* Closes every descriptor of k (all slots and files untried again). */
void	cgroup_keep_reset(struct cgroup_keeps *, struct cgroup_keep *);
/* Closes k's net/dev, to be opened again on its next read. */
void	cgroup_keep_drop_net(struct cgroup_keeps *, struct cgroup_keep *);
/* 1 when one more descriptor may be kept. */
int	cgroup_keeps_room(const struct cgroup_keeps *);
/* The entry of `name` in `slot`, or NULL. */
struct keep_file *cgroup_keep_find(struct cgroup_keep *, int slot,
	    const char *name);
/*
 * Opens `name` in dirfd for k: the new entry (its fd KEEP_ABSENT when
 * the file is not there), or NULL with errno when it cannot be kept (no
 * room in the budget or the table: read it the old way; another error).
 */
struct keep_file *cgroup_keep_open(struct cgroup_keeps *, struct cgroup_keep *,
	    int slot, int dirfd, const char *name);
/*
 * With a validating store, 1 when `name` in dirfd is still the file fd
 * was opened as (dev, ino), else 0: it was removed or replaced.
 */
int	cgroup_keep_same(const struct cgroup_keeps *, int dirfd,
	    const char *name, dev_t dev, ino_t ino);
/*
 * With a validating store, 1 while the file of fd still has a name, else
 * 0: removed, or replaced by a rename over it. An fstat, where
 * cgroup_keep_same walks the whole path.
 */
int	cgroup_keep_linked(const struct cgroup_keeps *, int fd);
/*
 * With a validating store, 1 when the ctime of directory `slot` of k
 * (open as dirfd) has settled, noted as its state (a new one bumps
 * dirseq): its files checked at that state need no check now
 * (cgroup_keep_file_current). Otherwise 0: every file is checked.
 * Without validation, 0 (nothing is checked anyway).
 */
int	cgroup_keep_dir_settled(const struct cgroup_keeps *,
	    struct cgroup_keep *, int slot, int dirfd);
/*
 * 1 when f was checked at its directory's state, `settled` being what
 * cgroup_keep_dir_settled said in this collection.
 */
int	cgroup_keep_file_current(const struct cgroup_keep *,
	    const struct keep_file *, int settled);
/* Notes f as checked (found the same, or absent) at that state. */
void	cgroup_keep_file_checked(const struct cgroup_keep *,
	    struct keep_file *, int settled);
/* Records fd's dev and ino when the store validates. */
void	cgroup_keep_ident(const struct cgroup_keeps *, int fd, dev_t *,
	    ino_t *);
/* Counts an fd now held by k (a directory or net/dev). */
void	cgroup_keep_held(struct cgroup_keeps *, struct cgroup_keep *);

/*
 * cgroup_read_stats through k (NULL: open/read/close every file): the
 * same values, and `*fallback` set when some file was read without a
 * kept descriptor.
 */
int	cgroup_read_stats_kept(const struct cgroup_env *, struct cgroup_keeps *,
	    struct cgroup_keep *, const char *id, pid_t pid,
	    struct cgroup_stats *out, int *fallback, char *err, size_t errlen);

#endif
