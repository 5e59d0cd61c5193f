/*
 * collector_discover: the targets of a host without Docker, from a walk
 * of the cgroup tree (discover.c) at every collection.
 *
 *	collector_discover
 *	  ├─ cgroup_discover   the walk: found_one appends each id to
 *	  │                    `walk` (NUL-separated, walk order) and its pid
 *	  ├─ the same ids in the same order as the last walk: the targets
 *	  │                    stand, only the pids are set again
 *	  └─ else rebuild      sorted by id; ids and label text formatted
 *	                       into one buffer; order[] maps walk to target
 *
 * A steady host walks the same directories in the same order every time,
 * so a collection costs the walk and one memcmp, not a thousand
 * allocations, label escapes and a sort.
 */
#include "cgroup/collector_int.h"

#include <stdlib.h>
#include <string.h>

#include "cgroup/discover.h"
#include "core/err.h"
#include "core/metrics.h"

struct walked {
	const char	*id;		/* in disc->walk */
	size_t		 index;		/* in walk order */
	size_t		 id_at, label_at;	/* in disc->text */
};

static int	disc_found(const struct cgroup_found *, void *);
static int	walked_cmp(const void *, const void *);
static int	disc_rebuild(struct collector_disc *);

void
collector_disc_free(struct collector_disc *d)
{
	buf_free(&d->walk);
	buf_free(&d->last);
	buf_free(&d->text);
	free(d->pids);
	free(d->order);
	free(d->t);
	memset(d, 0, sizeof(*d));
}

static int
disc_found(const struct cgroup_found *f, void *arg)
{
	struct collector_disc	*d = arg;

	if (collector_grow((void **)&d->pids, &d->pids_cap, d->nwalk + 1,
	    sizeof(*d->pids)) == -1)
		return -1;
	buf_append(&d->walk, f->id, strlen(f->id) + 1);
	if (d->walk.oom)
		return -1;
	d->pids[d->nwalk++] = f->pid;
	return 0;
}

static int
walked_cmp(const void *a, const void *b)
{
	return strcmp(((const struct walked *)a)->id,
	    ((const struct walked *)b)->id);
}

/* Targets 1.. from this walk, sorted by id; order[] from walk to target. */
static int
disc_rebuild(struct collector_disc *d)
{
	struct walked	*w;
	struct buf	 label;
	size_t		 i, off;
	int		 oom;

	if ((w = calloc(d->nwalk + 1, sizeof(*w))) == NULL)
		return -1;
	for (i = 0, off = 0; i < d->nwalk; i++) {
		w[i].id = d->walk.data + off;
		w[i].index = i;
		off += strlen(w[i].id) + 1;
	}
	qsort(w, d->nwalk, sizeof(*w), walked_cmp);
	buf_reset(&d->text);
	d->text.oom = 0;
	buf_init(&label);
	for (i = 0; i < d->nwalk; i++) {
		buf_reset(&label);
		metrics_label(&label, "id", w[i].id);
		if (label.oom)
			break;
		w[i].id_at = d->text.len;
		buf_append(&d->text, w[i].id, strlen(w[i].id) + 1);
		w[i].label_at = d->text.len;
		buf_append(&d->text, label.data, label.len + 1);
		d->order[w[i].index] = i + 1;
	}
	/* The text is complete: its address no longer moves. */
	oom = d->text.oom || label.oom;
	for (i = 0; i < d->nwalk && !oom; i++) {
		d->t[i + 1].id = d->text.data + w[i].id_at;
		d->t[i + 1].labels = d->text.data + w[i].label_at;
		d->t[i + 1].start_time = 0;
	}
	buf_free(&label);
	free(w);
	return oom ? -1 : 0;
}

int
collector_disc_run(struct collector_disc *d, const struct cgroup_env *env,
    const struct cgroup_target **out, size_t *n, char *err, size_t errlen)
{
	struct buf	 swap;
	size_t		 i, last_n = d->nwalk;

	buf_reset(&d->walk);
	d->walk.oom = 0;
	d->nwalk = 0;
	if (cgroup_discover(env, disc_found, d, err, errlen) == -1)
		goto fail;
	if (d->walk.oom ||
	    collector_grow((void **)&d->t, &d->t_cap, d->nwalk + 1,
	    sizeof(*d->t)) == -1 ||
	    collector_grow((void **)&d->order, &d->order_cap, d->nwalk + 1,
	    sizeof(*d->order)) == -1) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	if (!d->valid || d->nwalk != last_n || d->walk.len != d->last.len ||
	    (d->walk.len > 0 &&
	    memcmp(d->walk.data, d->last.data, d->walk.len) != 0)) {
		d->valid = 0;
		if (disc_rebuild(d) == -1) {
			err_set(err, errlen, "out of memory");
			goto fail;
		}
		swap = d->last;
		d->last = d->walk;
		d->walk = swap;
		d->valid = 1;
	}
	d->t[0].id = "/";
	d->t[0].labels = "id=\"/\"";
	d->t[0].pid = 1;
	d->t[0].start_time = 0;
	for (i = 0; i < d->nwalk; i++)
		d->t[d->order[i]].pid = d->pids[i];
	*out = d->t;
	*n = d->nwalk + 1;
	return 0;
fail:
	d->valid = 0;
	return -1;
}
