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

/*
 * A rendered document, shared by the cache and by the responses still
 * sending it, so a scrape of megabytes is never copied. The cache renders
 * into a new one when an old one is still being sent.
 */
struct scrape_doc {
	struct buf	 text;
	unsigned	 refs;
};

struct scrape_doc *scrape_doc_ref(struct scrape_doc *);
/* Drops one reference; the signature of a libmicrohttpd free callback. */
void	scrape_doc_release(void *doc);

struct scrape_cache {
	struct scrape_doc	*body;	/* NULL until rendered */
	struct scrape_doc	*gz;	/* body gzipped, once per render; NULL until asked */
	double			 at;	/* monotonic time of the render, 0 = empty */
};

struct scrape {
	struct scrape_cache	 cache[2];	/* by enum metrics_format */
	int			 cgroup_failing;	/* the last scrape had read errors */
};

void	scrape_init(struct scrape *);
void	scrape_free(struct scrape *);
/* Drops cached documents, e.g. after a reload changed what they contain. */
void	scrape_invalidate(struct scrape *);
/*
 * The document for `fmt`, owned by the cache: take a reference to keep it
 * past the next call. NULL when memory ran out.
 */
struct scrape_doc *scrape_render(struct hale *, enum metrics_format);
/* The same, gzipped; NULL with a message if that failed. */
struct scrape_doc *scrape_render_gzip(struct hale *, enum metrics_format,
	    char *err, size_t errlen);

#endif
