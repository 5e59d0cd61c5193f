/*
 * layerfs_impl: what layerfs.c (the decisions) and layerfs_metrics.c (the
 * view) share.
 */
#ifndef HALE_LAYERFS_IMPL_H
#define HALE_LAYERFS_IMPL_H

#include "cgroup/devnames.h"
#include "cgroup/diskstats.h"
#include "cgroup/fsusage.h"
#include "core/buf.h"
#include "core/metrics.h"
#include "docker/inventory.h"

struct layerfs {
	const struct cgroup_env	*env;
	struct cgroup_devnames	 devnames;
	struct fsusage		*fs;
	char			*data_root;
	double			 interval;
	double			 next;		/* when the next pass may start */
	unsigned long		 inv_seen;	/* inventory_changes() last looked at */
	int			 failing;	/* the last pass had failed walks */
	int			 refusing;	/* an overlay2 layer outside data_root */
	uint64_t		 errors_seen;
	/* layerfs_io.c: the last /proc/diskstats read, its fault state */
	struct buf		 dsbuf;
	struct cgroup_diskstat	*ds;
	int			 ds_failing;
	uint64_t		 ds_errors;
};

/* `device="..."` of a host filesystem, escaped (3 bytes a byte at most). */
#define LAYERFS_HOSTDEV_MAX	(3 * 64 + 16)

/*
 * The labels of result r and its device label (host rows formatted into
 * hostdev[LAYERFS_HOSTDEV_MAX]): 1, or 0 when r is not shown (failed, a
 * container gone or not yet labelled).
 */
int	layerfs_row(struct layerfs *, struct inventory *,
	    const struct fsusage_result *, char *hostdev, const char **labels,
	    const char **dev);
/* The container_fs_* I/O families from diskstats for the rows' devices. */
void	layerfs_write_io(struct layerfs *, struct inventory *,
	    struct metrics_writer *, const struct fsusage_result *, size_t n);

/* Logs once when walks start failing (the stats after a scrape). */
void	layerfs_note_errors(struct layerfs *, const struct fsusage_stats *);

#endif
