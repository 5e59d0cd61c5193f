/*
 * layerfs_io: cAdvisor's container_fs_* I/O families from /proc/diskstats,
 * for the device of each container's writable layer and of each host
 * filesystem (id="/"), as its fs.go fills them on kernels without the
 * CFQ blkio files. The numbers are the whole device's (a partition's own
 * line), the same for every container on it; times are the kernel's ms
 * in seconds.
 *
 *	scrape ─► layerfs_write_metrics ─► layerfs_write_io
 *	             ─► cgroup_diskstats_read (once a scrape, only when a
 *	                row has a device) ─► one family after another
 */
#include "docker/layerfs.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/layerfs_impl.h"
#include "core/log.h"

struct io_row {
	const char			*labels;
	char				 dev[LAYERFS_HOSTDEV_MAX];
	unsigned			 major, minor;
	const struct cgroup_diskstat	*st;
};

static const struct {
	const char	*name, *help;
	size_t		 off;
	unsigned	 decimals;	/* 3: ms exported as seconds */
	int		 gauge;
} fams[] = {
	{ "container_fs_sector_reads_total",
	  "Cumulative count of sector reads completed",
	  offsetof(struct cgroup_diskstat, sectors_read), 0, 0 },
	{ "container_fs_reads_merged_total", "Cumulative count of reads merged",
	  offsetof(struct cgroup_diskstat, reads_merged), 0, 0 },
	{ "container_fs_read_seconds_total",
	  "Cumulative count of seconds spent reading",
	  offsetof(struct cgroup_diskstat, read_ms), 3, 0 },
	{ "container_fs_sector_writes_total",
	  "Cumulative count of sector writes completed",
	  offsetof(struct cgroup_diskstat, sectors_written), 0, 0 },
	{ "container_fs_writes_merged_total",
	  "Cumulative count of writes merged",
	  offsetof(struct cgroup_diskstat, writes_merged), 0, 0 },
	{ "container_fs_write_seconds_total",
	  "Cumulative count of seconds spent writing",
	  offsetof(struct cgroup_diskstat, write_ms), 3, 0 },
	{ "container_fs_io_current", "Number of I/Os currently in progress",
	  offsetof(struct cgroup_diskstat, in_progress), 0, 1 },
	{ "container_fs_io_time_seconds_total",
	  "Cumulative count of seconds spent doing I/Os",
	  offsetof(struct cgroup_diskstat, io_ms), 3, 0 },
	{ "container_fs_io_time_weighted_seconds_total",
	  "Cumulative weighted I/O time in seconds",
	  offsetof(struct cgroup_diskstat, weighted_io_ms), 3, 0 },
};

/* The rows shown by layerfs_metrics.c, their device labels copied. */
static size_t
collect_rows(struct layerfs *l, struct inventory *inv,
    const struct fsusage_result *r, size_t n, struct io_row *rows)
{
	const char	*labels, *dev;
	char		 hostdev[LAYERFS_HOSTDEV_MAX];
	size_t		 i, k = 0;

	for (i = 0; i < n; i++) {
		if (!layerfs_row(l, inv, &r[i], hostdev, &labels, &dev))
			continue;
		rows[k].labels = labels;
		snprintf(rows[k].dev, sizeof(rows[k].dev), "%s", dev);
		rows[k].major = r[i].t.dev_major;
		rows[k].minor = r[i].t.dev_minor;
		rows[k].st = NULL;
		k++;
	}
	return k;
}

/* Reads diskstats into l->ds; a failure is a state, logged on change. */
static size_t
read_diskstats(struct layerfs *l)
{
	char	 err[256];
	size_t	 n = 0;
	int	 failed;

	if (l->ds == NULL &&
	    (l->ds = calloc(CGROUP_DISKSTATS_MAX, sizeof(*l->ds))) == NULL)
		return 0;
	failed = cgroup_diskstats_read(l->env, &l->dsbuf, l->ds,
	    CGROUP_DISKSTATS_MAX, &n, err, sizeof(err)) == -1;
	if (failed) {
		l->ds_errors++;
		if (!l->ds_failing)
			log_warn("no disk I/O families: diskstats unreadable",
			    LOG_S("error", err));
	}
	l->ds_failing = failed;
	return failed ? 0 : n;
}

static void
write_families(struct metrics_writer *w, const struct io_row *rows,
    size_t nrows)
{
	const uint64_t	*v;
	size_t		 f, i;
	int		 began;

	for (f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		began = 0;
		for (i = 0; i < nrows; i++) {
			if (rows[i].st == NULL)
				continue;
			/* No device found, no family: nothing made up. */
			if (!began++)
				metrics_family(w, fams[f].name, fams[f].gauge ?
				    METRICS_GAUGE : METRICS_COUNTER,
				    fams[f].help);
			v = (const uint64_t *)(const void *)
			    ((const char *)rows[i].st + fams[f].off);
			metrics_sample_scaled(w, fams[f].name, rows[i].labels,
			    rows[i].dev, *v, fams[f].decimals);
		}
	}
}

void
layerfs_write_io(struct layerfs *l, struct inventory *inv,
    struct metrics_writer *w, const struct fsusage_result *r, size_t n)
{
	struct io_row	*rows = NULL;
	size_t		 nrows = 0, nds, i;

	if (n > 0 && (rows = calloc(n, sizeof(*rows))) != NULL)
		nrows = collect_rows(l, inv, r, n, rows);
	/* One read a scrape, and none while no layer is measured. */
	if (nrows > 0 && (nds = read_diskstats(l)) > 0) {
		for (i = 0; i < nrows; i++)
			rows[i].st = cgroup_diskstats_find(l->ds, nds,
			    rows[i].major, rows[i].minor);
	}
	write_families(w, rows, nrows);
	free(rows);
	metrics_family(w, "hale_diskstats_errors_total", METRICS_COUNTER,
	    "Reads of /proc/diskstats that failed (absent, too large or "
	    "malformed); the disk I/O families are left out meanwhile.");
	metrics_sample_u64(w, "hale_diskstats_errors_total", NULL, NULL,
	    l->ds_errors);
}
