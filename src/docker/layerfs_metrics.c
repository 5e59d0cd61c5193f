/*
 * layerfs_metrics: the view of layerfs, container_fs_usage_bytes,
 * container_fs_limit_bytes, container_fs_inodes_free and
 * container_fs_inodes_total of the last finished pass, with the device
 * label, for each container and for the host (id="/", each block-device
 * filesystem), and the walker's cost (hale_fs_usage_*). The I/O families
 * of the same devices are in layerfs_io.c.
 */
#include "docker/layerfs.h"

#include <string.h>

#include "docker/layerfs_impl.h"

int
layerfs_row(struct layerfs *l, struct inventory *inv,
    const struct fsusage_result *r, char *hostdev, const char **labels,
    const char **dev)
{
	struct inv_container	*c;

	if (!r->ok)
		return 0;
	if (strcmp(r->key, FSUSAGE_HOST_KEY) == 0) {
		/* The root container: one row per filesystem. */
		*labels = "id=\"/\"";
		metrics_label_fixed(hostdev, LAYERFS_HOSTDEV_MAX, "device",
		    r->device);
		*dev = hostdev;
		return 1;
	}
	if ((c = inventory_get(inv, r->key)) == NULL ||
	    !inventory_is_live(c) || c->metric_labels == NULL)
		return 0;
	*labels = c->metric_labels;
	*dev = cgroup_devnames_label(&l->devnames, l->env, r->t.dev_major,
	    r->t.dev_minor);
	return 1;
}

static void
write_family(struct layerfs *l, struct inventory *inv,
    struct metrics_writer *w, const struct fsusage_result *r, size_t n,
    size_t which)
{
	static const struct {
		const char	*name, *help;
	} fam[] = {
		{ "container_fs_usage_bytes", "Number of bytes that are "
		    "consumed by the container on this filesystem." },
		{ "container_fs_limit_bytes", "Number of bytes that can be "
		    "consumed by the container on this filesystem." },
		{ "container_fs_inodes_free", "Number of available Inodes" },
		{ "container_fs_inodes_total", "Number of Inodes" },
	};
	const char		*labels, *dev;
	char			 hostdev[LAYERFS_HOSTDEV_MAX];
	uint64_t		 v;
	size_t			 i;
	int			 began = 0;

	for (i = 0; i < n; i++) {
		if (!layerfs_row(l, inv, &r[i], hostdev, &labels, &dev))
			continue;
		/* No layer measured, no family: as the collector does. */
		if (!began++)
			metrics_family(w, fam[which].name, METRICS_GAUGE,
			    fam[which].help);
		v = which == 0 ? r[i].t.bytes : which == 1 ? r[i].t.fs_bytes :
		    which == 2 ? r[i].t.fs_inodes_free : r[i].t.fs_inodes;
		metrics_sample_u64(w, fam[which].name, labels, dev, v);
	}
}

static void
counter(struct metrics_writer *w, const char *name, const char *help,
    uint64_t v)
{
	metrics_family(w, name, METRICS_COUNTER, help);
	metrics_sample_u64(w, name, NULL, NULL, v);
}

void
layerfs_write_metrics(struct layerfs *l, struct inventory *inv,
    struct metrics_writer *w)
{
	const struct fsusage_result	*r;
	struct fsusage_stats		 st;
	size_t				 n, k;

	r = fsusage_results(l->fs, &n);
	fsusage_get_stats(l->fs, &st);
	layerfs_note_errors(l, &st);
	for (k = 0; k < 4; k++)
		write_family(l, inv, w, r, n, k);
	layerfs_write_io(l, inv, w, r, n);
	metrics_family(w, "hale_fs_usage_scan_seconds", METRICS_GAUGE,
	    "Wall time of the last finished pass over the writable layers.");
	metrics_sample(w, "hale_fs_usage_scan_seconds", NULL, NULL,
	    st.last_seconds);
	counter(w, "hale_fs_usage_scans_total",
	    "Finished passes over the writable layers.", st.passes);
	counter(w, "hale_fs_usage_entries_total",
	    "Directory entries the writable-layer walks looked at.",
	    st.entries);
	counter(w, "hale_fs_usage_skipped_total", "Entries not entered: "
	    "another filesystem, deeper than the bound, or over the "
	    "per-layer entry cap.", st.skipped);
	counter(w, "hale_fs_usage_errors_total",
	    "Writable layers whose walk failed (gone or unreadable).",
	    st.errors);
}
