/*
 * scrape: the /metrics document, assembled from each module's writer, and
 * its cache.
 */
#include "http/scrape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup/collector.h"
#include "cgroup/oomwatch.h"
#include "check/probe.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/revision.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "http/basicauth.h"
#include "docker/layerfs.h"
#include "http/selfstat.h"
#include "remedy/alerts.h"
#include "remedy/events.h"
#include "remedy/notify.h"
#include "remedy/remedy_exec.h"


struct scrape_doc *
scrape_doc_ref(struct scrape_doc *d)
{
	d->refs++;
	return d;
}

void
scrape_doc_release(struct scrape_doc *d)
{
	if (d == NULL || --d->refs > 0)
		return;
	buf_free(&d->head);
	collector_snap_release(d->snap);
	buf_free(&d->tail);
	free(d);
}

/*
 * Makes *slot an empty document nobody else holds: the old one is reused
 * when only the cache holds it, else left to the responses sending it.
 * Its snapshot is let go first, so the collector may reuse that too.
 */
static int
doc_writable(struct scrape_doc **slot, enum metrics_format fmt)
{
	struct scrape_doc	*d = *slot;

	if (d == NULL || d->refs > 1) {
		scrape_doc_release(d);
		if ((*slot = d = calloc(1, sizeof(*d))) == NULL)
			return -1;
		buf_init(&d->head);
		buf_init(&d->tail);
		d->refs = 1;
	}
	buf_reset(&d->head);
	buf_reset(&d->tail);
	d->head.oom = d->tail.oom = 0;
	collector_snap_release(d->snap);
	d->snap = NULL;
	d->fmt = fmt;
	return 0;
}

void
scrape_init(struct scrape *s)
{
	memset(s, 0, sizeof(*s));
	s->min_interval = 1;
}

void
scrape_free(struct scrape *s)
{
	size_t	 i;

	for (i = 0; i < 2; i++) {
		scrape_doc_release(s->cache[i].doc);
		s->cache[i].doc = NULL;
	}
}

void
scrape_invalidate(struct scrape *s)
{
	s->cache[0].at = s->cache[1].at = 0;
}

/* The web config file's reloads, beside the config file's. */
static void
write_web_reload(struct metrics_writer *w, const struct scrape *s)
{
	metrics_family(w, "hale_web_config_last_reload_successful",
	    METRICS_GAUGE, "Whether the last load of the web config file "
	    "(--web.config.file) was successful; 1 without one.");
	metrics_sample_u64(w, "hale_web_config_last_reload_successful", NULL,
	    NULL, (uint64_t)s->web_reload_ok);
	metrics_family(w, "hale_web_config_last_reload_success_timestamp_seconds",
	    METRICS_GAUGE, "Timestamp of the last successful load of the web "
	    "config file.");
	metrics_sample(w, "hale_web_config_last_reload_success_timestamp_seconds",
	    NULL, NULL, s->web_reload_ok_at);
}

static void
write_self(struct metrics_writer *w, const struct scrape *s)
{
	struct selfstat	 st;
	struct buf	 l;

	buf_init(&l);
	metrics_label(&l, "version", PACKAGE_VERSION);
	metrics_label(&l, "revision", HALE_REVISION);
	metrics_family(w, "hale_build_info", METRICS_GAUGE,
	    "A metric with a constant '1' value labeled by version and revision from which haled was built.");
	metrics_sample_u64(w, "hale_build_info", l.data, NULL, 1);
	buf_free(&l);

	metrics_family(w, "hale_config_last_reload_successful", METRICS_GAUGE,
	    "Whether the last configuration reload attempt was successful.");
	metrics_sample_u64(w, "hale_config_last_reload_successful", NULL,
	    NULL, (uint64_t)s->reload_ok);
	metrics_family(w, "hale_config_last_reload_success_timestamp_seconds",
	    METRICS_GAUGE, "Timestamp of the last successful configuration load.");
	metrics_sample(w, "hale_config_last_reload_success_timestamp_seconds",
	    NULL, NULL, s->reload_ok_at);
	write_web_reload(w, s);

	/* Our own process, never the --path.procfs tree (that may be a fixture). */
	selfstat_read("/proc", &st);
	selfstat_write(&st, w);
}

static void
write_duration(struct metrics_writer *w, double seconds)
{
	metrics_family(w, "hale_scrape_duration_seconds", METRICS_GAUGE,
	    "Time haled took to read this scrape's values; the containers' "
	    "families are rendered while the response is sent.");
	metrics_sample(w, "hale_scrape_duration_seconds", NULL, NULL, seconds);
}

/*
 * Read errors are counted every scrape but logged once when they start and
 * once when they stop, so a bad file can't flood the log at scrape rate.
 */
static void
note_read_errors(struct scrape *s, uint64_t errors)
{
	if (errors > 0 && !s->cgroup_failing)
		log_warn("cgroup files unreadable or malformed; values left out "
		    "(see hale_cgroup_read_errors_total, details at debug level)",
		    LOG_U("errors", errors));
	else if (errors == 0 && s->cgroup_failing)
		log_info("cgroup files read without errors again");
	s->cgroup_failing = errors > 0;
}

/*
 * The host ("/") and the containers of the inventory once Docker has been
 * listed (names, images, labels); the host alone while its first list or
 * that list's inspects are awaited, since another engine's containers are
 * in the same tree and an uninspected one has no labels yet; the
 * containers found by walking the cgroup tree, labelled by id only, while
 * Docker has never answered. Their values are read now and rendered as the
 * response is sent.
 */
static int
collect_containers(struct scrape *s, struct scrape_doc *doc)
{
	const struct scrape_sources	*src = &s->src;
	const struct cgroup_target	*t;
	struct cgroup_target		*own = NULL;
	struct collector_snap		*snap;
	struct docker_stats		 ds;
	enum docker_listing		 listing;
	size_t				 n;
	uint64_t			 before;
	char				 err[256];

	if (src->collector == NULL)
		return 0;
	docker_get_stats(src->docker, &ds);
	listing = docker_listing(&ds);
	if (listing != DOCKER_UNREACHABLE) {
		n = (listing == DOCKER_LISTED ? inventory_count(src->inv) : 0) + 1;
		if ((own = calloc(n, sizeof(*own))) == NULL)
			return -1;
		own[0].id = "/";
		own[0].labels = "id=\"/\"";
		own[0].pid = 1;
		if (listing == DOCKER_LISTED)
			n = 1 + inventory_targets(src->inv, own + 1, n - 1);
		t = own;
	} else if (collector_discover(src->collector, &t, &n, err,
	    sizeof(err)) == -1) {
		log_debug("cgroup discovery failed", LOG_S("err", err));
		return 0;
	}
	before = collector_read_errors(src->collector);
	snap = collector_collect(src->collector, t, n, (double)time(NULL));
	free(own);
	if (snap == NULL)
		return -1;
	doc->snap = collector_snap_ref(snap);
	note_read_errors(s, collector_read_errors(src->collector) - before);
	return 0;
}

/* Webhooks and Alertmanagers share one family. */
static void
write_deliveries(const struct scrape_sources *src, struct metrics_writer *w)
{
	const struct post_dest	*lists[2];
	size_t			 counts[2], n = 0;

	lists[n] = notify_dests(src->notify, &counts[n]);
	n++;
	if (src->am != NULL) {
		lists[n] = alertmgr_dests(src->am, &counts[n]);
		n++;
	}
	post_write_metrics(w, lists, counts, n);
}

static void
write_docker(const struct scrape_sources *src, struct metrics_writer *w)
{
	docker_write_metrics(src->docker, w);
	inventory_write_metrics(src->inv, w);
	if (src->layerfs != NULL)
		layerfs_write_metrics(src->layerfs, src->inv, w);
	probe_write_metrics(src->probes, w);
	remedy_exec_write_metrics(src->rx, w);
	notify_write_metrics(src->notify, w);
	basicauth_write_metrics(src->auth, w);
	if (src->events != NULL)
		events_write_metrics(src->events, src->inv, w);
	if (src->oomwatch != NULL)
		oomwatch_write_metrics(src->oomwatch, w);
	if (src->am != NULL)
		alertmgr_write_metrics(src->am, w);
	write_deliveries(src, w);
}

struct scrape_doc *
scrape_render(struct scrape *s, enum metrics_format fmt)
{
	struct scrape_cache	*c = &s->cache[fmt];
	struct scrape_doc	*d;
	struct metrics_writer	 w;
	double			 t0 = clock_mono();
	unsigned long		 changes = inventory_changes(s->src.inv);

	if (c->doc != NULL && c->at > 0 && t0 - c->at < s->min_interval &&
	    c->inv_changes == changes)
		return c->doc;
	c->at = 0;
	if (doc_writable(&c->doc, fmt) == -1)
		return NULL;
	d = c->doc;
	metrics_writer_init(&w, &d->head, fmt);
	write_self(&w, s);
	if (collect_containers(s, d) == -1)
		return NULL;
	metrics_writer_init(&w, &d->tail, fmt);
	write_docker(&s->src, &w);
	write_duration(&w, clock_mono() - t0);
	metrics_finish(&w);
	if (d->head.oom || d->tail.oom)
		return NULL;
	c->at = t0;
	c->inv_changes = changes;
	return d;
}
