/*
 * routes: the HTTP endpoints of haled and their handlers. Every handler
 * gets a struct routes_ctx as its context: the modules it reads, filled
 * in by whoever starts them.
 */
#ifndef HALE_ROUTES_H
#define HALE_ROUTES_H

#include "http/auth.h"
#include "http/httpd.h"

struct basicauth;
struct docker;
struct events;
struct inventory;
struct probe_engine;
struct remedy_exec;
struct scrape;

struct routes_ctx {
	struct scrape		*scrape;	/* GET /metrics */
	struct inventory	*inv;		/* the containers API */
	struct probe_engine	*probes;
	struct remedy_exec	*rx;
	struct events		*events;	/* GET /api/v1/events */
	struct docker		*docker;	/* the status page: Docker up; may be NULL */
	double			 started_at;	/* wall clock of haled's start; 0 = unknown */
	struct auth_config	 auth;		/* the admin endpoint's credentials */
	struct basicauth	*ba;		/* checks Basic credentials */
	int			 ready;		/* startup finished (/readyz) */
};

extern const struct httpd_route routes_table[];

/*
 * The httpd gate (arg: the struct routes_ctx): basicauth's web-wide
 * check for every request but the admin endpoint's, which carries the
 * admin credentials instead.
 */
int	routes_gate(void *arg, const struct httpd_request *,
	    struct httpd_response *);

#endif
