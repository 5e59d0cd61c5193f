/*
 * oomwatch: OOM kills as the kernel signals them, per container cgroup,
 * on the libev loop; nothing polls a file.
 *
 *	cgroup v2: inotify IN_MODIFY on <dir>/memory.events (one inotify fd
 *	  for every watch) ─► on_inotify ─► check: oom_kill grew? ─► callback
 *	cgroup v1: an eventfd registered with "<efd> <fd of memory.oom_control>"
 *	  in <dir>/cgroup.event_control (one ev_io per watch) ─► on_eventfd
 *	  ─► check ─► callback
 *	check: memory.events or memory.oom_control says oom_kill grew ─►
 *	  callback, with the limit and the usage. The kernel signals an OOM
 *	  as it starts and counts the kill after it: an OOM whose kill is not
 *	  counted yet is pending, re-read after 5, 20, 100 and 500 ms (a
 *	  bounded sequence, not a poll); if the cgroup goes meanwhile, the OOM
 *	  is reported without a count.
 *	The cgroup removed (v2: IN_IGNORED; v1: the eventfd fires and
 *	  memory.oom_control is gone): the watch goes idle until re-armed.
 *
 * A container's watch is keyed by its id and armed for one process
 * (oomwatch_add with its pid); a new pid (a restart) re-arms it, because
 * the runtime made a new cgroup directory.
 */
#ifndef HALE_OOMWATCH_H
#define HALE_OOMWATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

#include "cgroup/cgroup.h"

enum oomwatch_kind {
	OOMWATCH_V2,		/* memory.events via inotify */
	OOMWATCH_V1,		/* memory.oom_control via cgroup.event_control */
};

struct oomwatch_info {
	uint64_t	 oom_kills;	/* the cgroup's count, now */
	uint64_t	 new_kills;	/* since last told; 0: an OOM whose kill
					   the cgroup went before counting */
	int64_t		 limit;		/* bytes; -1 unknown or none */
	int64_t		 usage;		/* bytes; -1 unknown */
};

typedef void oomwatch_cb(void *arg, const char *key,
	    const struct oomwatch_info *);

/* Descriptors one watch holds at most: v1's directory, control file, eventfd. */
#define OOMWATCH_FDS_MAX	3

struct oomwatch_stats {
	size_t		 watches[2];	/* armed now, by enum oomwatch_kind */
	uint64_t	 kills;		/* OOM kills reported */
	uint64_t	 errors;	/* watches that could not be armed */
};

/* `env` is copied. NULL with a message if no inotify fd could be had. */
struct oomwatch	*oomwatch_new(struct ev_loop *, const struct cgroup_env *,
		    oomwatch_cb *, void *arg, char *err, size_t errlen);
void		 oomwatch_free(struct oomwatch *);
/*
 * Watches the memory cgroup of process `pid` (from <procfs>/<pid>/cgroup)
 * under `key` (a container id, copied). Nothing to do when already armed
 * for this pid. -1 with a message when the cgroup has neither file.
 */
int		 oomwatch_add(struct oomwatch *, const char *key, pid_t pid,
		    char *err, size_t errlen);
/* The same for a known directory (the tests point it at a tmpfs file). */
int		 oomwatch_add_dir(struct oomwatch *, const char *key,
		    const char *dir, enum oomwatch_kind, char *err,
		    size_t errlen);
void		 oomwatch_remove(struct oomwatch *, const char *key);
/*
 * Whether a cgroup path read for container `key` is its own: no "." or
 * ".." component, and the last component names the container (cgroupfs'
 * "<id>", systemd's "docker-<id>.scope"), so a recycled pid cannot arm a
 * watch on another container's cgroup.
 */
int		 oomwatch_own_cgroup(const char *rel, const char *key);
void		 oomwatch_get_stats(const struct oomwatch *,
		    struct oomwatch_stats *);

/* hale_oom_watches{mechanism}, hale_oom_watch_errors_total (oomwatch_metrics.c). */
struct metrics_writer;
void		 oomwatch_write_metrics(const struct oomwatch *,
		    struct metrics_writer *);

#endif
