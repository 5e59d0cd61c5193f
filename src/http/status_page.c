/*
 * status_page: the HTML of `/`. The page is one pass over what the
 * modules hold: haled's own state, the containers sorted by name (the
 * first STATUS_PAGE_CONTAINERS in full), each with its check, its
 * remediation and the recent events gathered in one pass over the ring,
 * then the endpoints.
 */
#include "http/status_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "core/duration.h"
#include "core/html.h"
#include "core/timefmt.h"
#include "docker/inventory.h"
#include "remedy/events.h"
#include "remedy/remedy_exec.h"
#include "remedy/remedy_view.h"

/* One container shown in full, with its newest events. */
struct slot {
	const struct inv_container	*c;
	const struct event		*ev[STATUS_PAGE_EVENTS];	/* newest first */
	unsigned			 nev;
};

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:1em 2em;color:#222}"
	"h1{margin-bottom:0}h2{border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.3em 0}"
	"th,td{text-align:left;padding:.15em .6em;vertical-align:top}"
	"th{font-weight:600;color:#555}"
	".ctr{border:1px solid #ccc;border-radius:4px;margin:.8em 0;padding:.3em .8em}"
	".ctr h3{margin:.3em 0}"
	".badge{border-radius:3px;padding:0 .4em;font-size:.85em;color:#fff;background:#777}"
	".h-healthy,.up{background:#2a7d2a}.h-unhealthy,.down{background:#b22}"
	".h-starting{background:#b80}"
	"code{font-size:.9em}ol.events{margin:.2em 0;padding-left:1.4em}"
	".more{font-style:italic}";

/* ---- small writers ----------------------------------------------------- */

static void
text(struct buf *b, const char *s)
{
	html_escape_max(b, s != NULL ? s : "", STATUS_PAGE_TEXT);
}

static void
put_time(struct buf *b, double t)
{
	char	 ts[TIMEFMT_MAX];

	if (timefmt_rfc3339(t, 3, ts, sizeof(ts)) == -1) {
		buf_puts(b, "never");
		return;
	}
	buf_printf(b, "<time datetime=\"%s\">%s</time>", ts, ts);
}

static void
put_age(struct buf *b, double seconds)
{
	char	 d[64];

	duration_format(seconds > 0 ? (uint64_t)seconds * 1000 : 0, d,
	    sizeof(d));
	buf_puts(b, d);
}

/* A row of a key/value table; the value is written by the caller. */
static void
row_open(struct buf *b, const char *key)
{
	buf_printf(b, "<tr><th>%s</th><td>", key);
}

static void
row_close(struct buf *b)
{
	buf_puts(b, "</td></tr>\n");
}

static void
row_text(struct buf *b, const char *key, const char *value)
{
	row_open(b, key);
	text(b, value);
	row_close(b);
}

static void
badge(struct buf *b, const char *cls, const char *label)
{
	buf_printf(b, "<span class=\"badge %s\">%s</span>", cls, label);
}

/* ---- haled itself -------------------------------------------------------- */

static void
daemon_section(const struct status_page_src *src, double now, struct buf *b)
{
	buf_puts(b, "<section id=\"daemon\"><h2>Daemon</h2>\n<table>\n");
	row_open(b, "Version");
	buf_puts(b, PACKAGE_VERSION);
	row_close(b);
	row_open(b, "Docker");
	if (!src->docker_known)
		buf_puts(b, "unknown");
	else
		badge(b, src->docker_up ? "up" : "down",
		    src->docker_up ? "up" : "down");
	if (src->docker_known && src->docker_api > 0)
		buf_printf(b, " (Engine API %d.%d)", src->docker_api / 100,
		    src->docker_api % 100);
	row_close(b);
	row_open(b, "Started");
	if (src->started_at > 0) {
		put_time(b, src->started_at);
		buf_puts(b, ", up ");
		put_age(b, now - src->started_at);
	} else
		buf_puts(b, "unknown");
	row_close(b);
	row_text(b, "Startup", src->ready ? "finished" : "in progress");
	row_open(b, "Page");
	put_time(b, now);
	buf_printf(b, ", refreshed every %d s", STATUS_PAGE_REFRESH);
	row_close(b);
	buf_puts(b, "</table></section>\n");
}

/* ---- one container -------------------------------------------------------- */

static void
labels_row(const struct inv_container *c, struct buf *b)
{
	size_t	 i, n = c->d.nlabels, more;

	if (n == 0)
		return;
	/* Those the inspect parser dropped over its cap are counted too. */
	more = (n > STATUS_PAGE_LABELS ? n - STATUS_PAGE_LABELS : 0) +
	    c->d.labels_dropped;
	row_open(b, "Labels");
	for (i = 0; i < n && i < STATUS_PAGE_LABELS; i++) {
		buf_puts(b, i > 0 ? "<br><code>" : "<code>");
		text(b, c->d.labels[i].key);
		buf_puts(b, "=");
		text(b, c->d.labels[i].value);
		buf_puts(b, "</code>");
	}
	if (more > 0)
		buf_printf(b, "<br><span class=\"more\">and %zu more</span>",
		    more);
	row_close(b);
}

static void
check_rows(const struct probe_check_view *v, struct buf *b)
{
	row_open(b, "Check");
	if (v->kind == NULL) {
		buf_puts(b, "refused: ");
		text(b, v->error);
		row_close(b);
		return;
	}
	text(b, v->kind);
	buf_puts(b, " <code>");
	text(b, v->target);
	if (v->path != NULL)
		text(b, v->path);
	buf_puts(b, "</code> (");
	text(b, v->state);
	buf_puts(b, ")");
	row_close(b);
	row_open(b, "Last result");
	if (!v->have_last)
		buf_puts(b, "none yet");
	else {
		badge(b, v->last.cls == PROBE_OK ? "h-healthy" : "h-unhealthy",
		    probe_class_name(v->last.cls));
		if (v->last.http_status > 0)
			buf_printf(b, " HTTP %ld", v->last.http_status);
		if (v->last.msg[0] != '\0') {
			buf_puts(b, ": ");
			text(b, v->last.msg);
		}
		buf_printf(b, " at ");
		put_time(b, v->last.time);
		buf_printf(b, " in %.3f s", v->last.duration);
	}
	row_close(b);
	row_open(b, "Consecutive failures");
	buf_printf(b, "%u (successes %u)", v->fail_streak, v->ok_streak);
	row_close(b);
}

static void
remedy_rows(const struct remedy_view *v, double now, struct buf *b)
{
	row_open(b, "Remediation");
	text(b, remedy_view_state(v));
	if (!remedy_view_enabled(v) && v->self)
		buf_puts(b, " (hale's own container: never acted on)");
	if (v->dry_run)
		buf_puts(b, " (dry run)");
	if (!v->pol->valid) {
		buf_puts(b, ": ");
		text(b, v->pol->error);
	}
	row_close(b);
	if (!remedy_view_enabled(v))
		return;
	row_open(b, "Budget");
	buf_printf(b, "%u of %u actions in %g s; %u since the last reset",
	    v->budget_used, v->pol->max, v->pol->window, v->st->attempts);
	row_close(b);
	if (v->next_allowed > now) {
		row_open(b, "Backoff");
		buf_puts(b, "next action not before ");
		put_time(b, v->next_allowed);
		row_close(b);
	}
	if (v->gave_up_at > 0) {
		row_open(b, "Gave up");
		put_time(b, v->gave_up_at);
		buf_puts(b, " (POST /api/v1/containers/{id}/reset clears it)");
		row_close(b);
	}
	if (v->last_decision != NULL)
		row_text(b, "Last decision", v->last_decision);
}

/* What an event says besides its kind, as text. */
static void
event_detail(const struct event *ev, struct buf *b)
{
	if (ev->exit_code >= 0)
		buf_printf(b, " code %d", ev->exit_code);
	if (ev->oom_killed > 0)
		buf_puts(b, ", OOM killed");
	if (ev->run_seconds >= 0)
		buf_printf(b, ", ran %.1f s", ev->run_seconds);
	if (ev->will_restart > 0)
		buf_puts(b, ", Docker restarts it");
	if (ev->oom_kills >= 0)
		buf_printf(b, " oom_kill %lld", (long long)ev->oom_kills);
	if (ev->mem_limit >= 0)
		buf_printf(b, ", limit %lld B", (long long)ev->mem_limit);
	if (ev->mem_usage >= 0)
		buf_printf(b, ", usage %lld B", (long long)ev->mem_usage);
	if (ev->restarts >= 0)
		buf_printf(b, " %d restarts in %g s", ev->restarts, ev->window);
	if (ev->source[0] != '\0') {
		buf_puts(b, " (");
		text(b, ev->source);
		buf_puts(b, ")");
	}
	if (ev->action[0] != '\0') {
		buf_puts(b, " ");
		text(b, ev->action);
		buf_puts(b, ": ");
		text(b, ev->result);
	}
}

static void
events_row(const struct slot *s, struct buf *b)
{
	unsigned	 i;

	row_open(b, "Recent events");
	if (s->nev == 0)
		buf_puts(b, "none");
	else
		buf_puts(b, "<ol class=\"events\">");
	for (i = 0; i < s->nev; i++) {
		buf_puts(b, "<li>");
		put_time(b, s->ev[i]->time);
		buf_printf(b, " <b class=\"ev-%s\">%s</b>",
		    event_kind_name(s->ev[i]->kind),
		    event_kind_name(s->ev[i]->kind));
		event_detail(s->ev[i], b);
		buf_puts(b, "</li>");
	}
	if (s->nev > 0)
		buf_puts(b, "</ol>");
	row_close(b);
}

static void
container(const struct status_page_src *src, const struct slot *s,
    double now, struct buf *b)
{
	const struct inv_container	*c = s->c;
	struct probe_check_view		 cv;
	struct remedy_view		 rv;
	enum docker_health		 h;
	int				 have_check = 0;

	if (src->probes != NULL)
		have_check = probe_check_view(src->probes, c, &cv) == 0;
	/* Without the engine, Docker's own verdict is the only one. */
	h = src->probes != NULL ? cv.status : c->d.health;
	buf_printf(b, "<div class=\"ctr\" id=\"c-%.12s\"><h3><span "
	    "class=\"name\">", c->d.id);
	text(b, c->d.name);
	buf_puts(b, "</span> ");
	badge(b, c->d.state == DOCKER_STATE_RUNNING ? "up" : "down",
	    docker_state_name(c->d.state));
	buf_puts(b, " ");
	buf_printf(b, "<span class=\"badge h-%s health\">%s</span></h3>\n"
	    "<table>\n", docker_health_name(h), docker_health_name(h));
	row_open(b, "Id");
	buf_printf(b, "<code>%.12s</code>", c->d.id);
	row_close(b);
	row_text(b, "Image", c->d.image);
	row_open(b, "Health");
	buf_puts(b, docker_health_name(h));
	if (src->probes != NULL && cv.source != HEALTH_SOURCE_NONE)
		buf_printf(b, " (from %s)", health_source_name(cv.source));
	row_close(b);
	if (c->d.restart_count > 0) {
		row_open(b, "Docker restarts");
		buf_printf(b, "%d", c->d.restart_count);
		row_close(b);
	}
	labels_row(c, b);
	if (have_check)
		check_rows(&cv, b);
	if (src->rx != NULL && remedy_exec_view(src->rx, c->d.id, &rv) == 0)
		remedy_rows(&rv, now, b);
	events_row(s, b);
	buf_puts(b, "</table></div>\n");
}

/* ---- the containers ------------------------------------------------------- */

static int
by_name(const void *a, const void *b)
{
	const struct inv_container	*x = *(const struct inv_container *const *)a;
	const struct inv_container	*y = *(const struct inv_container *const *)b;
	int				 r;

	r = strcmp(x->d.name != NULL ? x->d.name : "",
	    y->d.name != NULL ? y->d.name : "");
	return r != 0 ? r : strcmp(x->d.id, y->d.id);
}

static int
slot_by_id(const void *a, const void *b)
{
	const struct slot	*x = *(const struct slot *const *)a;
	const struct slot	*y = *(const struct slot *const *)b;

	return strcmp(x->c->d.id, y->c->d.id);
}

static int
id_to_slot(const void *key, const void *elem)
{
	const struct slot	*s = *(const struct slot *const *)elem;

	return strcmp(key, s->c->d.id);
}

/* One pass over the ring (newest first): each shown container keeps its newest. */
static void
gather_events(const struct events *e, struct slot *slots, size_t n)
{
	const struct event	*ev;
	struct slot		**byid, **s;
	size_t			 i;

	if (e == NULL || n == 0 || (byid = calloc(n, sizeof(*byid))) == NULL)
		return;
	for (i = 0; i < n; i++)
		byid[i] = &slots[i];
	qsort(byid, n, sizeof(*byid), slot_by_id);
	for (i = 0; (ev = events_at(e, i)) != NULL; i++) {
		s = bsearch(ev->id, byid, n, sizeof(*byid), id_to_slot);
		if (s != NULL && (*s)->nev < STATUS_PAGE_EVENTS)
			(*s)->ev[(*s)->nev++] = ev;
	}
	free(byid);
}

static void
containers_section(const struct status_page_src *src, double now,
    struct buf *b)
{
	struct inv_container	**all, *c;
	struct slot		 *slots;
	size_t			  n = 0, total, shown, i;

	total = inventory_count(src->inv);
	buf_printf(b, "<section id=\"containers\"><h2>Containers (%zu)</h2>\n",
	    total);
	all = calloc(total > 0 ? total : 1, sizeof(*all));
	shown = total < STATUS_PAGE_CONTAINERS ? total : STATUS_PAGE_CONTAINERS;
	slots = calloc(shown > 0 ? shown : 1, sizeof(*slots));
	if (all == NULL || slots == NULL) {
		b->oom = 1;
		goto out;
	}
	for (c = inventory_first(src->inv); c != NULL && n < total;
	    c = inventory_next(c))
		all[n++] = c;
	qsort(all, n, sizeof(*all), by_name);
	shown = n < shown ? n : shown;
	for (i = 0; i < shown; i++)
		slots[i].c = all[i];
	gather_events(src->events, slots, shown);
	if (n == 0)
		buf_puts(b, "<p>No containers.</p>\n");
	for (i = 0; i < shown; i++)
		container(src, &slots[i], now, b);
	if (n > shown)
		buf_printf(b, "<p class=\"more\" id=\"more\">and %zu more "
		    "containers, not shown (GET /api/v1/containers lists them "
		    "all)</p>\n", n - shown);
out:
	buf_puts(b, "</section>\n");
	free(slots);
	free(all);
}

/* ---- the endpoints ------------------------------------------------------ */

static const char endpoints[] =
	"<section id=\"endpoints\"><h2>Endpoints</h2>\n<ul>\n"
	"<li><a href=\"/metrics\">/metrics</a>: Prometheus metrics "
	"(text format or OpenMetrics, gzip on request)</li>\n"
	"<li><a href=\"/api/v1/containers\">/api/v1/containers</a>: "
	"every container with its health and remediation, as JSON</li>\n"
	"<li>/api/v1/containers/{id, name or id prefix}: one container</li>\n"
	"<li><a href=\"/api/v1/events\">/api/v1/events</a>: the recent "
	"events, newest first (?container=, ?kind=)</li>\n"
	"<li>POST /api/v1/containers/{id or name}/reset: clear a "
	"remediation give-up (needs web.admin_token or web.admin_user in "
	"the config file; off without them)</li>\n"
	"<li><a href=\"/healthz\">/healthz</a>: the daemon is alive</li>\n"
	"<li><a href=\"/readyz\">/readyz</a>: startup has finished</li>\n"
	"<li>/: this page</li>\n"
	"</ul>\n<p>Settings, labels and metrics: <code>man haled</code> "
	"and the README.</p></section>\n";

void
status_page_render(const struct status_page_src *src, double now,
    struct buf *b)
{
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta http-equiv=\"refresh\" content=\"%d\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>haled status</title><style>%s</style></head><body>\n"
	    "<h1>haled</h1>\n<p>hale: container health and resource monitor. "
	    "Version " PACKAGE_VERSION ".</p>\n", STATUS_PAGE_REFRESH, style);
	daemon_section(src, now, b);
	if (src->inv != NULL)
		containers_section(src, now, b);
	buf_puts(b, endpoints);
	buf_puts(b, "</body></html>\n");
}
