/*
 * collector_int: what the collector's files share; internal to them.
 *
 *	collector.c		snapshots: targets read into entries
 *	collector_discover.c	the targets of a host without Docker
 *	collector_families.c	the families, in scrape order (a table)
 *	collector_write.c	a snapshot written out, a family at a time
 *
 * An entry's `emit` mask is its cgroup_stats.have plus the EMIT_* bits
 * below; a family is written for an entry when every bit of its `need`
 * is set there, and left out of the scrape when no entry has them all.
 */
#ifndef HALE_COLLECTOR_INT_H
#define HALE_COLLECTOR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup/collector.h"
#include "cgroup/devnames.h"
#include "core/buf.h"

/* Emission bits beyond cgroup_stats.have, from the top down. */
#define EMIT_IO_COST	(UINT64_C(1) << 57)	/* a device with io.cost counters */
#define EMIT_BLKIO	(UINT64_C(1) << 58)	/* a device with bytes by operation */
#define EMIT_NET	(UINT64_C(1) << 59)	/* at least one interface */
#define EMIT_IO		(UINT64_C(1) << 60)	/* at least one device */
#define EMIT_START	(UINT64_C(1) << 61)
#define EMIT_CFS	(UINT64_C(1) << 62)	/* cfs counters and a quota */
#define EMIT_SEEN	(UINT64_C(1) << 63)

_Static_assert(CGROUP_HAVE_NEXT <= EMIT_IO_COST,
    "cgroup_stats.have bits run into the collector's EMIT_* bits");

struct io_row {
	struct cgroup_io_dev	d;
	char			label[sizeof(((struct cgroup_devname *)0)->label)];
};

struct net_row {
	struct procnet_iface	i;
	/* interface="..." escaped: 3 bytes for each of 15 (U+FFFD) */
	char			label[12 + 3 * (PROCNET_NAME_MAX - 1) + 1];
};

struct entry {
	struct cgroup_stats	 st;
	uint64_t		 emit;
	size_t			 labels;	/* offset in snap->labels */
	size_t			 labels_len;
	double			 start_time;
	size_t			 io_off;
	size_t			 net_off;
};

/*
 * One collection. Immutable once collector_collect has returned it, so a
 * response can write it out long after, while the next one is collected.
 */
struct collector_snap {
	unsigned		 refs;
	struct entry		*ent;
	size_t			 nent, ent_cap;
	struct io_row		*io;
	size_t			 nio, io_cap;
	struct net_row		*net;
	size_t			 nnet, net_cap;
	struct buf		 labels;	/* every entry's, NUL-separated */
	uint64_t		 any;		/* union of the entries' emit */
	double			 now;
	int			 have_machine;
	struct cgroup_machine	 machine;
	uint64_t		 read_errors;	/* the counter after this collection */
	struct collector_fds	 fds;		/* the kept descriptors after it */
	int			 oom;
};

/* How a number is printed. */
enum vkind {
	V_U64,		/* integer as is */
	V_NS,		/* ns -> seconds */
	V_US,		/* usec -> seconds */
	V_MEMLIMIT,	/* > 2^62 ("max") -> 0, cAdvisor's specMemoryValue */
	V_PIDSMAX,	/* "max" -> 0 */
};

/* Where a family's samples come from. */
enum fkind {
	F_SCALAR,	/* one uint64_t of cgroup_stats at `off` */
	F_NET,		/* one per interface: procnet_iface at `off` */
	F_IO,		/* one per device: cgroup_io_dev at `off` */
	F_IO_COST,	/* the same, for the devices with io.cost counters */
	F_BLKIO,	/* one per device and operation: bytes */
	F_FAULTS,	/* mem_pgfault/mem_pgmajfault x container/hierarchy */
	F_TASKS,	/* container_tasks_state: one per state */
	F_START,	/* container_start_time_seconds */
	F_SEEN,		/* container_last_seen */
};

struct family {
	const char		*name;
	enum metrics_type	 type;
	const char		*help;
	enum fkind		 kind;
	uint64_t		 need;	/* bits of entry.emit */
	enum vkind		 v;
	size_t			 off;
	const char		*extra;	/* a fixed per-sample label, or NULL */
};

/* Every container_* family, in the order a scrape writes them. */
extern const struct family	collector_families[];
extern const size_t		collector_nfamilies;

/* Makes room for `need` elements of `size` bytes in *p: 0, or -1. */
int	collector_grow(void **p, size_t *cap, size_t need, size_t size);

/* collector_discover's targets, kept from one walk to the next. */
struct collector_disc {
	struct buf		 walk;	/* this walk's ids, NUL-separated */
	struct buf		 last;	/* the walk the targets were made of */
	size_t			 nwalk;
	pid_t			*pids;	/* this walk's, in walk order */
	size_t			 pids_cap;
	size_t			*order;	/* walk index -> target index */
	size_t			 order_cap;
	struct cgroup_target	*t;	/* "/", then by id */
	size_t			 t_cap;
	struct buf		 text;	/* t[]'s ids and labels */
	int			 valid;	/* t[] is `last`'s */
};
int	collector_disc_run(struct collector_disc *, const struct cgroup_env *,
	    const struct cgroup_target **, size_t *n, char *err, size_t errlen);
void	collector_disc_free(struct collector_disc *);

#endif
