/*
 * layerfs: the inventory's writable layers, handed to the fsusage worker.
 *
 *	loop timer ─► layerfs_tick ─► fsusage_submit (when due and idle)
 *	scrape     ─► layerfs_write_metrics ─► fsusage_results (last pass)
 */
#include "docker/layerfs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/devnames.h"
#include "cgroup/fsusage.h"
#include "core/err.h"
#include "core/log.h"

struct layerfs {
	const struct cgroup_env	*env;
	struct cgroup_devnames	 devnames;
	struct fsusage		*fs;
	char			*data_root;
	double			 interval;
	double			 next;		/* when the next pass may start */
	int			 failing;	/* the last pass had failed walks */
	uint64_t		 errors_seen;
};

struct layerfs *
layerfs_new(const struct cgroup_env *env, const char *data_root,
    double interval, unsigned rate, char *err, size_t errlen)
{
	struct layerfs	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->data_root = strdup(data_root)) == NULL) {
		free(l);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((l->fs = fsusage_new(rate, err, errlen)) == NULL) {
		free(l->data_root);
		free(l);
		return NULL;
	}
	l->env = env;
	l->interval = interval;
	cgroup_devnames_init(&l->devnames);
	return l;
}

void
layerfs_free(struct layerfs *l)
{
	if (l == NULL)
		return;
	fsusage_free(l->fs);
	free(l->data_root);
	free(l);
}

int
layerfs_upper_ok(const char *root, const char *driver, const char *upper)
{
	size_t	 rlen, i;

	if (driver == NULL || upper == NULL || strcmp(driver, "overlay2") != 0)
		return 0;
	rlen = strlen(root);
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	if (strncmp(upper, root, rlen) != 0 ||
	    strncmp(upper + rlen, "/overlay2/", 10) != 0)
		return 0;
	upper += rlen + 10;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)upper[i]) ||
		    isupper((unsigned char)upper[i]))
			return 0;
	return strcmp(upper + 64, "/diff") == 0;
}

void
layerfs_tick(struct layerfs *l, struct inventory *inv, double now)
{
	struct inv_container	*c;
	struct fsusage_job	*jobs;
	size_t			 n = 0, cap = inventory_count(inv);

	if (now < l->next)
		return;
	if ((jobs = calloc(cap ? cap : 1, sizeof(*jobs))) == NULL)
		return;
	for (c = inventory_first(inv); c != NULL && n < cap;
	    c = inventory_next(c)) {
		if (!inventory_is_live(c) || !layerfs_upper_ok(l->data_root,
		    c->d.graph_driver, c->d.upper_dir))
			continue;
		memcpy(jobs[n].key, c->d.id, sizeof(jobs[n].key));
		jobs[n].path = c->d.upper_dir;	/* copied by submit */
		n++;
	}
	if (fsusage_submit(l->fs, jobs, n) == 0)
		l->next = now + l->interval;
	free(jobs);
}

static void
note_errors(struct layerfs *l, const struct fsusage_stats *st)
{
	int	 failing = st->errors > l->errors_seen;

	/* Once per change: a layer that vanished mid-walk is not news. */
	if (failing && !l->failing)
		log_warn("writable layers could not be measured; see "
		    "hale_fs_usage_errors_total", LOG_U("errors", st->errors));
	l->failing = failing;
	l->errors_seen = st->errors;
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
	struct inv_container	*c;
	uint64_t		 v;
	size_t			 i;
	int			 began = 0;

	for (i = 0; i < n; i++) {
		if (!r[i].ok || (c = inventory_get(inv, r[i].key)) == NULL ||
		    !inventory_is_live(c) || c->metric_labels == NULL)
			continue;
		/* No layer measured, no family: as the collector does. */
		if (!began++)
			metrics_family(w, fam[which].name, METRICS_GAUGE,
			    fam[which].help);
		v = which == 0 ? r[i].t.bytes : which == 1 ? r[i].t.fs_bytes :
		    which == 2 ? r[i].t.fs_inodes_free : r[i].t.fs_inodes;
		metrics_sample_u64(w, fam[which].name, c->metric_labels,
		    cgroup_devnames_label(&l->devnames, l->env,
		    r[i].t.dev_major, r[i].t.dev_minor), v);
	}
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
	note_errors(l, &st);
	for (k = 0; k < 4; k++)
		write_family(l, inv, w, r, n, k);
	metrics_family(w, "hale_fs_usage_scan_seconds", METRICS_GAUGE,
	    "Wall time of the last finished pass over the writable layers.");
	metrics_sample(w, "hale_fs_usage_scan_seconds", NULL, NULL,
	    st.last_seconds);
	metrics_family(w, "hale_fs_usage_scans_total", METRICS_COUNTER,
	    "Finished passes over the writable layers.");
	metrics_sample_u64(w, "hale_fs_usage_scans_total", NULL, NULL,
	    st.passes);
	metrics_family(w, "hale_fs_usage_entries_total", METRICS_COUNTER,
	    "Directory entries the writable-layer walks looked at.");
	metrics_sample_u64(w, "hale_fs_usage_entries_total", NULL, NULL,
	    st.entries);
	metrics_family(w, "hale_fs_usage_skipped_total", METRICS_COUNTER,
	    "Entries not entered: another filesystem, deeper than the "
	    "bound, or over the per-layer entry cap.");
	metrics_sample_u64(w, "hale_fs_usage_skipped_total", NULL, NULL,
	    st.skipped);
	metrics_family(w, "hale_fs_usage_errors_total", METRICS_COUNTER,
	    "Writable layers whose walk failed (gone or unreadable).");
	metrics_sample_u64(w, "hale_fs_usage_errors_total", NULL, NULL,
	    st.errors);
}
