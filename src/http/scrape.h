/*
 * scrape: the /metrics document from every module that has something to
 * say, cached for metrics.min_interval so several scrapers don't multiply
 * the cost of reading the kernel's files. A change of the inventory (a
 * container started, gone, renamed) ends the cache at once: a new
 * container shows at the next scrape, not a min_interval later. The modules it asks are given
 * to it (struct scrape_sources), as is what it reports about the daemon
 * itself (the last reload).
 */
#ifndef HALE_SCRAPE_H
#define HALE_SCRAPE_H

#include "core/buf.h"
#include "cgroup/collector.h"
#include "core/metrics.h"

struct basicauth;
struct alertmgr;
struct docker;
struct events;
struct inventory;
struct layerfs;
struct notify;
struct oomwatch;
struct probe_engine;
struct remedy_exec;

/*
 * One scrape's document: hale's own families rendered, the containers'
 * values collected but not yet rendered (they are written out piece by
 * piece while the response is sent, see scrape_stream.h), and the rest
 * rendered. Shared by the cache and the responses still sending it;
 * immutable once made.
 */
struct scrape_doc {
	enum metrics_format	 fmt;
	struct buf		 head;	/* build info, reload state, process_* */
	struct collector_snap	*snap;	/* the containers; NULL: none */
	struct buf		 tail;	/* Docker, checks, remediation, webhooks,
					   the scrape's duration, "# EOF" */
	unsigned		 refs;
};

struct scrape_doc *scrape_doc_ref(struct scrape_doc *);
void	scrape_doc_release(struct scrape_doc *);

struct scrape_cache {
	struct scrape_doc	*doc;	/* NULL until made */
	double			 at;	/* monotonic time it was made, 0 = empty */
	unsigned long		 inv_changes;	/* inventory_changes() then */
};

/* Who has something to say; filled in by whoever starts them. */
struct scrape_sources {
	struct collector	*collector;	/* NULL: no cgroup tree found */
	struct docker		*docker;
	struct inventory	*inv;
	struct probe_engine	*probes;
	struct remedy_exec	*rx;
	struct notify		*notify;
	struct basicauth	*auth;		/* NULL: no hale_http_auth_* */
	struct events		*events;	/* NULL: none */
	struct oomwatch		*oomwatch;	/* NULL: none */
	struct alertmgr		*am;		/* NULL: none */
	struct layerfs		*layerfs;	/* NULL: no disk usage */
};

struct scrape {
	struct scrape_cache	 cache[2];	/* by enum metrics_format */
	int			 cgroup_failing;	/* the last scrape had read errors */
	struct scrape_sources	 src;
	double			 min_interval;	/* seconds a document is reused */
	int			 reload_ok;	/* the last config load worked */
	double			 reload_ok_at;	/* unix seconds of the last good one */
	int			 web_reload_ok;	/* the same for the web config file */
	double			 web_reload_ok_at;
};

void	scrape_init(struct scrape *);
void	scrape_free(struct scrape *);
/* Drops cached documents, e.g. after a reload changed what they contain. */
void	scrape_invalidate(struct scrape *);
/*
 * The document for `fmt`, owned by the cache: take a reference to keep it
 * past the next call. NULL when memory ran out.
 */
struct scrape_doc *scrape_render(struct scrape *, enum metrics_format);

#endif
