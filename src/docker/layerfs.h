/*
 * layerfs: container_fs_usage_bytes, container_fs_limit_bytes,
 * container_fs_inodes_free and container_fs_inodes_total for each running
 * container's writable layer, measured by cgroup/fsusage's worker, and
 * the disk I/O families of the device holding it (layerfs_io.c).
 *
 * A layer is measured only when inspect says overlay2 and its UpperDir is
 * exactly <data_root>/overlay2/<64 hex>/diff: nothing a container's
 * creator controls (a label, an odd inspect) can point the walker
 * anywhere else. Passes start at most every `interval` seconds, and only
 * once the previous one is done; the values are those of the last
 * finished pass, so a scrape never waits for a walk.
 */
#ifndef HALE_LAYERFS_H
#define HALE_LAYERFS_H

#include "cgroup/cgroup.h"
#include "core/metrics.h"
#include "docker/inventory.h"

struct layerfs;

/* `rate`: directory entries a second the walks may look at. */
struct layerfs *layerfs_new(const struct cgroup_env *, const char *data_root,
	    double interval, unsigned rate, char *err, size_t errlen);
void	layerfs_free(struct layerfs *);
/* 1 if `upper` is a writable layer under `data_root` (see above). */
int	layerfs_upper_ok(const char *data_root, const char *driver,
	    const char *upper);
/*
 * From a loop timer: starts a pass of the live containers when one is
 * due, or at once when the inventory has a container the last pass did
 * not measure. Returns the seconds until the next call has something to
 * do: the next pass, or LAYERFS_RETRY while the worker is still busy
 * (the caller calls again sooner after an inventory change).
 */
#define LAYERFS_RETRY	1.0
double	layerfs_tick(struct layerfs *, struct inventory *, double now);
/*
 * The four container_fs_* usage families, the nine I/O families of the
 * same devices from diskstats (hale_diskstats_errors_total) and the
 * walker's cost (hale_fs_usage_*).
 */
void	layerfs_write_metrics(struct layerfs *, struct inventory *,
	    struct metrics_writer *);

#endif
