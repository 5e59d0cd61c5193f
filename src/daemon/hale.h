/*
 * hale: the daemon's state, one instance owned by main.c and handed to
 * the HTTP handlers. Single thread: handlers read it directly, no locks.
 */
#ifndef HALE_HALE_H
#define HALE_HALE_H

#include <ev.h>

#include "cgroup/cgroup.h"
#include "core/config.h"
#include "http/scrape.h"

struct httpd;
struct collector;
struct notify;
struct remedy_exec;
struct curlev;
struct inventory;
struct docker;

struct probe_engine;

struct hale {
	struct ev_loop		*loop;
	struct config		*cfg;
	struct config_flags	 flags;
	struct httpd		*httpd;
	struct scrape		 scrape;
	struct cgroup_env	 cgenv;
	struct collector	*collector;	/* NULL: no cgroup tree found */
	struct curlev		*cv;		/* the one curl multi handle */
	struct inventory	*inv;		/* containers, kept by docker */
	struct docker		*docker;	/* Engine API client */
	struct probe_engine	*probes;	/* hale's own health checks */
	struct notify		*notify;	/* webhooks */
	struct remedy_exec	*rx;		/* acts on unhealthy containers */
	int			 ready;		/* startup finished */
	double			 last_reload_ok;	/* unix seconds */
	int			 last_reload_success;
};

#endif
