/*
 * collector: turns cgroup stats into cAdvisor-compatible metric families.
 *
 * A collection reads every target once into an array (a snapshot); a
 * writer then walks that array family by family, so each family is
 * contiguous (one HELP and TYPE, then all its samples across all
 * containers) and a family with no sample anywhere is left out. Names,
 * types, HELP strings and units are cAdvisor's (its
 * lib/metrics/prometheus.go); the labels string of a
 * target is printed verbatim before any per-sample label (cpu, interface,
 * device). No sample carries a timestamp.
 */
#ifndef HALE_COLLECTOR_H
#define HALE_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "core/metrics.h"

/* One container to read, filled by the caller. */
struct cgroup_target {
	const char	*id;		/* cAdvisor id, "/system.slice/docker-<hex>.scope" or "/" */
	const char	*labels;	/* preformatted, escaped, without braces:
					   id="...",name="...",image="..." */
	pid_t		 pid;		/* a process inside; 0 = unknown, no network metrics;
					   CGROUP_PID_FROM_PROCS (cgroup.h) */
	double		 start_time;	/* unix seconds; 0 = unknown, no start_time sample */
};

struct collector;

struct collector *collector_new(const struct cgroup_env *);
void	collector_free(struct collector *);

/*
 * One collection, shared by the responses that write it out: it keeps
 * copies of the targets' labels, so it stays valid after they change.
 */
struct collector_snap;

/*
 * Reads every target's files into a snapshot owned by the collector (take
 * a reference to keep it past the next call). A target whose cgroup is
 * gone is skipped (and counted as a read error); unreadable or malformed
 * files are counted and their values left out. `now` (unix seconds) is
 * container_last_seen. NULL only when memory ran out.
 */
struct collector_snap *collector_collect(struct collector *,
	    const struct cgroup_target *, size_t n, double now);
struct collector_snap *collector_snap_ref(struct collector_snap *);
void	collector_snap_release(struct collector_snap *);

/* Where a piecewise write stands; starts all zero. */
struct collector_cursor {
	size_t	step;		/* family */
	size_t	ent;		/* next entry of that family */
	int	began;		/* its HELP and TYPE are written */
};

/*
 * Appends the container_*, machine_* and hale_cgroup_read_errors_total
 * families from *cur on, stopping between two containers once `budget`
 * more bytes are written, so a scrape of thousands of containers is sent
 * in pieces instead of rendered whole. Returns 1 when everything is
 * written, 0 when there is more.
 */
int	collector_snap_write(const struct collector_snap *,
	    struct metrics_writer *, struct collector_cursor *, size_t budget);

/*
 * Targets found without Docker (cgroup_discover): the host "/" first (pid
 * 1), then every container cgroup sorted by id, each labelled with its id
 * only. The array belongs to the collector and stays valid until the next
 * call or collector_free().
 */
int	collector_discover(struct collector *, const struct cgroup_target **,
	    size_t *n, char *err, size_t errlen);

/* Cumulative value of hale_cgroup_read_errors_total. */
uint64_t collector_read_errors(const struct collector *);

/*
 * Descriptors kept open between collections (keep.h): at most `budget`
 * (0: none, every file opened, read and closed). A lower budget than the
 * ones held closes them all; they are kept again as the budget allows.
 */
void	collector_set_fd_budget(struct collector *, size_t budget);
/*
 * Task states (container_tasks_state) need a taskstats netlink socket and
 * one query per v1 container and collection: opened when turned on (where
 * the kernel has the family: one log line if not), closed when off.
 */
void	collector_set_task_states(struct collector *, int on);
/* Closes the kept descriptors of the cgroup `id`: its container went. */
void	collector_forget(struct collector *, const char *id);
/* The same by the container's (full) id, once its cgroup id is forgotten. */
void	collector_forget_container(struct collector *, const char *container_id);

struct collector_fds {
	size_t		open;		/* descriptors held */
	size_t		budget;
	uint64_t	reopens;	/* keeps closed and opened again */
	size_t		unkept;		/* targets of the last collection read
					   with open/read/close, some or all */
};
void	collector_fd_stats(const struct collector *, struct collector_fds *);

#endif
