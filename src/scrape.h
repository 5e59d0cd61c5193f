/*
 * scrape: builds the /metrics document from every module that has
 * something to say, and caches it for metrics.min_interval so several
 * scrapers don't multiply the cost.
 */
#ifndef HALE_SCRAPE_H
#define HALE_SCRAPE_H

#include "buf.h"
#include "metrics.h"

struct hale;

struct scrape_cache {
	struct buf	 body;
	struct buf	 gz;		/* body gzipped, once per render */
	int		 gz_ok;		/* gz matches body */
	double		 at;		/* monotonic time of the render, 0 = empty */
};

struct scrape {
	struct scrape_cache	 cache[2];	/* by enum metrics_format */
	double			 last_duration;
	int			 cgroup_failing;	/* the last scrape had read errors */
};

void	scrape_init(struct scrape *);
void	scrape_free(struct scrape *);
/* Drops cached documents, e.g. after a reload changed what they contain. */
void	scrape_invalidate(struct scrape *);
/* The document for `fmt`; points into the cache, valid until the next call. */
const struct buf *scrape_render(struct hale *, enum metrics_format);
/* The same, gzipped; NULL with a message if compression failed. */
const struct buf *scrape_render_gzip(struct hale *, enum metrics_format,
	    char *err, size_t errlen);

#endif
