/*
 * layerfs: the inventory's writable layers, handed to the fsusage worker.
 *
 *	loop timer ─► layerfs_tick ─► fsusage_submit (when due and idle)
 *	scrape     ─► layerfs_write_metrics (layerfs_metrics.c)
 *	                 ─► fsusage_results (last pass), layerfs_note_errors
 */
#include "docker/layerfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/layerfs_impl.h"
#include "core/err.h"
#include "core/id.h"
#include "core/log.h"

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
	buf_init(&l->dsbuf);
	return l;
}

void
layerfs_free(struct layerfs *l)
{
	if (l == NULL)
		return;
	fsusage_free(l->fs);
	buf_free(&l->dsbuf);
	free(l->ds);
	free(l->data_root);
	free(l);
}

int
layerfs_upper_ok(const char *root, const char *driver, const char *upper)
{
	size_t	 rlen;

	if (driver == NULL || upper == NULL || strcmp(driver, "overlay2") != 0)
		return 0;
	rlen = strlen(root);
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	if (strncmp(upper, root, rlen) != 0 ||
	    strncmp(upper + rlen, "/overlay2/", 10) != 0)
		return 0;
	upper += rlen + 10;
	/* A layer's directory is named like a container id. */
	return id_hex64(upper, ID_LEN) && strcmp(upper + ID_LEN, "/diff") == 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * 1 if a job's layer has no result yet: a container new since the last
 * pass. The results' keys are sorted once, so it costs n log n, not n².
 */
static int
has_new(struct layerfs *l, const struct fsusage_job *jobs, size_t n)
{
	const struct fsusage_result	*r;
	const char			**keys, *k;
	size_t				 nr, i;
	int				 found = 0;

	r = fsusage_results(l->fs, &nr);
	if (n <= 1)
		return 0;
	if (nr == 0)
		return 1;
	if ((keys = calloc(nr, sizeof(*keys))) == NULL)
		return 0;
	for (i = 0; i < nr; i++)
		keys[i] = r[i].key;
	qsort(keys, nr, sizeof(*keys), key_cmp);
	for (i = 1; i < n && !found; i++) {
		k = jobs[i].key;
		found = bsearch(&k, keys, nr, sizeof(*keys), key_cmp) == NULL;
	}
	free(keys);
	return found;
}

double
layerfs_tick(struct layerfs *l, struct inventory *inv, double now)
{
	struct inv_container	*c;
	struct fsusage_job	*jobs;
	size_t			 n = 1, refused = 0;
	size_t			 cap = inventory_count(inv) + 1;
	int			 due;

	/* Nothing due and nothing new: not even a look at the table. */
	if (now < l->next && inventory_changes(inv) == l->inv_seen)
		return l->next - now;
	if ((jobs = calloc(cap, sizeof(*jobs))) == NULL)
		return LAYERFS_RETRY;
	/* The host's filesystems first, for the id="/" row. */
	snprintf(jobs[0].key, sizeof(jobs[0].key), FSUSAGE_HOST_KEY);
	jobs[0].path = l->env->procfs;
	for (c = inventory_first(inv); c != NULL && n < cap;
	    c = inventory_next(c)) {
		if (!inventory_is_live(c))
			continue;
		if (!layerfs_upper_ok(l->data_root, c->d.graph_driver,
		    c->d.upper_dir)) {
			refused += c->d.graph_driver != NULL &&
			    strcmp(c->d.graph_driver, "overlay2") == 0;
			continue;
		}
		memcpy(jobs[n].key, c->d.id, sizeof(jobs[n].key));
		jobs[n].path = c->d.upper_dir;
		n++;
	}
	/* Most likely another data root: say so once, naming the setting. */
	if (refused > 0 && !l->refusing)
		log_warn("overlay2 layers outside docker.data_root are not "
		    "measured", LOG_S("data_root", l->data_root),
		    LOG_U("containers", refused));
	l->refusing = refused > 0;
	/*
	 * When due, or at once for a new container (if the worker is idle);
	 * the results are looked through only after the table changed.
	 */
	due = now >= l->next;
	if (!due && inventory_changes(inv) != l->inv_seen) {
		due = has_new(l, jobs, n);
		if (!due)
			l->inv_seen = inventory_changes(inv);
	}
	if (due && fsusage_submit(l->fs, jobs, n) == 0) {
		l->next = now + l->interval;
		l->inv_seen = inventory_changes(inv);
		due = 0;
	}
	free(jobs);
	/* Still due: the worker is busy with the last pass. */
	return due || now >= l->next ? LAYERFS_RETRY : l->next - now;
}

void
layerfs_note_errors(struct layerfs *l, const struct fsusage_stats *st)
{
	int	 failing = st->errors > l->errors_seen;

	/* Once per change: a layer that vanished mid-walk is not news. */
	if (failing && !l->failing)
		log_warn("writable layers could not be measured; see "
		    "hale_fs_usage_errors_total", LOG_U("errors", st->errors));
	l->failing = failing;
	l->errors_seen = st->errors;
}
