/*
 * routes: what haled serves. Each handler fills a response from the
 * modules in its struct routes_ctx and returns; none of them blocks.
 */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

#include "check/probe.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "http/api_list.h"
#include "http/api_reset.h"
#include "http/basicauth.h"
#include "http/scrape.h"
#include "http/scrape_stream.h"
#include "http/status_page.h"
#include "remedy/events.h"
#include "remedy/remedy_exec.h"

/* GET /: the status page (status_page.c), never cached, no script allowed. */
static void
landing(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	struct routes_ctx	*rc = ctx;
	struct status_page_src	 src;
	struct docker_stats	 ds;

	(void)req;
	memset(&src, 0, sizeof(src));
	src.inv = rc->inv;
	src.probes = rc->probes;
	src.rx = rc->rx;
	src.events = rc->events;
	if (rc->docker != NULL) {
		docker_get_stats(rc->docker, &ds);
		src.docker_known = 1;
		src.docker_up = ds.up;
		src.docker_api = ds.api;
	}
	src.started_at = rc->started_at;
	src.ready = rc->ready;
	status_page_render(&src, clock_wall(), &r->body);
	if (r->body.oom) {
		buf_free(&r->body);
		httpd_text(r, 500, "out of memory");
		return;
	}
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	httpd_add_header(r, "Content-Security-Policy", STATUS_PAGE_CSP);
	httpd_add_header(r, "X-Content-Type-Options", "nosniff");
	httpd_add_header(r, "Cache-Control", "no-store");
}

static void
healthz(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	(void)ctx;
	(void)req;
	httpd_text(r, 200, "ok");
}

/*
 * Ready once started and Docker's containers are known (or Docker could
 * not be reached, the cgroup walk standing in): before its first sync is
 * done the metrics leave its containers out.
 */
static void
readyz(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	const struct routes_ctx	*rc = ctx;
	struct docker_stats	 ds;

	(void)req;
	if (!rc->ready) {
		httpd_text(r, 503, "starting");
		return;
	}
	if (rc->docker != NULL) {
		docker_get_stats(rc->docker, &ds);
		if (docker_listing(&ds) == DOCKER_LISTING_PENDING) {
			httpd_text(r, 503, "waiting for docker");
			return;
		}
	}
	httpd_text(r, 200, "ready");
}

/* The stream's reader in libmicrohttpd's terms; a failure is logged here. */
static ssize_t
metrics_read(void *arg, uint64_t pos, char *out, size_t max)
{
	struct scrape_stream	*st = arg;
	ssize_t			 n;

	(void)pos;
	if ((n = scrape_stream_read(st, out, max)) > 0)
		return n;
	if (n == 0)
		return HTTPD_STREAM_END;
	log_warn("metrics response aborted",
	    LOG_S("err", scrape_stream_error(st)));
	return HTTPD_STREAM_ERROR;
}

static void
metrics_free(void *arg)
{
	scrape_stream_free(arg);
}

static void
metrics(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	struct routes_ctx	*rc = ctx;
	enum metrics_format	 fmt;
	struct scrape_doc	*doc;
	struct scrape_stream	*st = NULL;
	char			 err[128];
	int			 gzip;

	fmt = metrics_negotiate(httpd_request_header(req, "Accept"));
	gzip = metrics_accepts_gzip(httpd_request_header(req,
	    "Accept-Encoding"));
	if ((doc = scrape_render(rc->scrape, fmt)) == NULL) {
		httpd_text(r, 500, "out of memory while collecting metrics");
		return;
	}
	if (gzip && (st = scrape_stream_new(doc, 1, err, sizeof(err))) == NULL)
		log_warn("gzip failed, sending identity", LOG_S("err", err));
	if (st != NULL)
		httpd_add_header(r, "Content-Encoding", "gzip");
	else if ((st = scrape_stream_new(doc, 0, err, sizeof(err))) == NULL) {
		httpd_text(r, 500, "out of memory while sending metrics");
		return;
	}
	r->status = 200;
	r->content_type = metrics_content_type(fmt);
	httpd_add_header(r, "Vary", "Accept, Accept-Encoding");
	httpd_stream_body(r, metrics_read, st, metrics_free);
}

/* GET /api/v1/containers and /api/v1/containers/{id, name or id prefix} */
/* Each container's API object: hale's check fills `health`, remediation adds its own. */
static void
container_json(void *ctx, const struct inv_container *c, cJSON *o)
{
	struct routes_ctx	*rc = ctx;

	probe_health_json(rc->probes, c, cJSON_GetObjectItemCaseSensitive(o,
	    "health"));
	remedy_exec_json(rc->rx, c->d.id, o);
}

static void
containers(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	struct routes_ctx	*rc = ctx;
	const char		*ref = httpd_request_path(req) +
				    strlen("/api/v1/containers");
	struct api_list		*l;

	if (*ref == '/')
		ref++;
	r->status = 200;
	r->content_type = "application/json";
	if (*ref == '\0') {
		if ((l = api_list_new(rc->inv, container_json, rc)) == NULL)
			r->body.oom = 1;
		else
			httpd_stream_body(r, api_list_read, l, api_list_free);
	} else if (inventory_json_one(rc->inv, ref, container_json, rc,
	    &r->body) == -1) {
		r->status = 404;
		buf_puts(&r->body, "{\"error\":\"no such container\"}");
	}
	if (r->body.oom) {
		buf_free(&r->body);
		httpd_text(r, 500, "out of memory");
	}
}

/* GET /api/v1/events[?container=id, id prefix or name][&kind=exit] */
static void
events(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	struct routes_ctx	*rc = ctx;
	const char		*kind = httpd_request_arg(req, "kind");

	if (kind != NULL && event_kind_parse(kind) == -1) {
		r->status = 400;
		r->content_type = "application/json";
		buf_puts(&r->body, "{\"error\":\"unknown kind (oom, exit, "
		    "restart_loop, unhealthy, healthy, remediated, gave_up)\"}");
		return;
	}
	r->status = 200;
	r->content_type = "application/json";
	if (rc->events == NULL)
		buf_puts(&r->body, "{\"events\":[]}");
	else if (events_json(rc->events, httpd_request_arg(req, "container"),
	    kind, &r->body) == -1 || r->body.oom) {
		buf_free(&r->body);
		httpd_text(r, 500, "out of memory");
	}
}

/* POST /api/v1/containers/{ref}/reset: clears a give-up (admin only). */
static void
reset(void *ctx, const struct httpd_request *req, struct httpd_response *r)
{
	struct routes_ctx	*rc = ctx;

	api_reset(rc->rx, &rc->auth, rc->ba, req, r);
}

const struct httpd_route routes_table[] = {
	{ "GET", "/", 0, landing },
	{ "GET", "/healthz", 0, healthz },
	{ "GET", "/readyz", 0, readyz },
	{ "GET", "/metrics", 0, metrics },
	{ "GET", "/api/v1/containers", 0, containers },
	{ "GET", "/api/v1/containers/", 1, containers },
	{ "POST", "/api/v1/containers/", 1, reset },
	{ "GET", "/api/v1/events", 0, events },
	{ NULL, NULL, 0, NULL },
};

int
routes_gate(void *arg, const struct httpd_request *req,
    struct httpd_response *r)
{
	struct routes_ctx	*rc = arg;

	/* The one POST route: the admin endpoint checks its own credentials. */
	if (strcmp(httpd_request_method(req), "POST") == 0 &&
	    strncmp(httpd_request_path(req), "/api/v1/containers/",
	    strlen("/api/v1/containers/")) == 0)
		return 1;
	return rc->ba == NULL || basicauth_gate(rc->ba, req, r);
}
