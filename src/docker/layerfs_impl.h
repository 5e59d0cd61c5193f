/*
 * layerfs_impl: what layerfs.c (the decisions) and layerfs_metrics.c (the
 * view) share.
 */
#ifndef HALE_LAYERFS_IMPL_H
#define HALE_LAYERFS_IMPL_H

#include "cgroup/devnames.h"
#include "cgroup/fsusage.h"

struct layerfs {
	const struct cgroup_env	*env;
	struct cgroup_devnames	 devnames;
	struct fsusage		*fs;
	char			*data_root;
	double			 interval;
	double			 next;		/* when the next pass may start */
	int			 failing;	/* the last pass had failed walks */
	int			 refusing;	/* an overlay2 layer outside data_root */
	uint64_t		 errors_seen;
};

/* Logs once when walks start failing (the stats after a scrape). */
void	layerfs_note_errors(struct layerfs *, const struct fsusage_stats *);

#endif
