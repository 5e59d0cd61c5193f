/*
 * status_page: the HTML page at `/`, as Monit's, HAProxy's and Traefik's:
 * haled's own state, every container with its state, health, hale's
 * check and its last result, the remediation state and the container's
 * recent events, then the endpoints. Server-rendered, no script, inline
 * CSS only (the route sends a Content-Security-Policy that forbids
 * anything else), refreshed by the browser every STATUS_PAGE_REFRESH s.
 *
 * A view: it reads the modules through their accessors (inventory
 * iteration, probe_check_view, remedy_exec_view, events_at) and decides
 * nothing. Every value from outside goes through core/html.
 *
 * Bounded: at most STATUS_PAGE_CONTAINERS containers in full (then one
 * line says how many more), STATUS_PAGE_EVENTS events and
 * STATUS_PAGE_LABELS labels each, every outside value cut at
 * STATUS_PAGE_TEXT bytes. The events ring is read once, whatever the
 * number of containers.
 */
#ifndef HALE_STATUS_PAGE_H
#define HALE_STATUS_PAGE_H

#include "core/buf.h"

#define STATUS_PAGE_REFRESH	10	/* seconds, <meta http-equiv="refresh"> */
#define STATUS_PAGE_CONTAINERS	500
#define STATUS_PAGE_EVENTS	5
#define STATUS_PAGE_LABELS	8
#define STATUS_PAGE_TEXT	128

/* The Content-Security-Policy the page is sent with: no script at all. */
#define STATUS_PAGE_CSP \
	"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

struct events;
struct inventory;
struct probe_engine;
struct remedy_exec;

struct status_page_src {
	struct inventory	*inv;		/* NULL: no containers section */
	struct probe_engine	*probes;	/* NULL: no hale checks */
	struct remedy_exec	*rx;		/* NULL: no remediation */
	const struct events	*events;	/* NULL: no events */
	int			 docker_known;	/* docker_up and docker_api are set */
	int			 docker_up;	/* the events stream is established */
	int			 docker_api;	/* major * 100 + minor; 0 = none yet */
	double			 started_at;	/* wall clock; 0 = unknown */
	int			 ready;		/* startup finished */
};

/* Appends the page, as of wall-clock `now`; out->oom if memory ran out. */
void	status_page_render(const struct status_page_src *, double now,
	    struct buf *out);

#endif
