/*
 * hale: the daemon's context, shared by main.c and the files of the
 * haled program that act on all of it (sdstatus.c).
 */
#ifndef HALE_DAEMON_HALE_H
#define HALE_DAEMON_HALE_H

#include <ev.h>

#include "cgroup/cgroup.h"
#include "core/config.h"
#include "daemon/eventsrc.h"
#include "daemon/sdnotify.h"
#include "daemon/webreload.h"
#include "http/routes.h"
#include "http/scrape.h"

/*
 * The daemon's state: one instance, owned by main(). Single thread: the
 * HTTP handlers read the modules directly (through `routes` and
 * `scrape`, which point at them), no locks.
 */
struct hale {
	struct ev_loop		*loop;
	struct config		*cfg;
	struct config_flags	 flags;
	struct httpd		*httpd;
	struct basicauth	*ba;		/* Basic credentials, off the loop */
	struct routes_ctx	 routes;	/* what the handlers read */
	struct scrape		 scrape;	/* /metrics and its cache */
	struct webreload	 web;		/* --web.config.file: TLS, headers */
	struct cgroup_env	 cgenv;
	struct collector	*collector;	/* NULL: no cgroup tree found */
	uint64_t		 nofile;	/* soft RLIMIT_NOFILE, raised */
	int			 fd_clamped;	/* the lowered budget was logged */
	struct curlev		*cv;		/* the one curl multi handle */
	struct inventory	*inv;		/* containers, kept by docker */
	struct docker		*docker;	/* Engine API client */
	struct probe_engine	*probes;	/* hale's own health checks */
	struct notify		*notify;	/* webhooks */
	struct alertmgr		*am;		/* Alertmanagers */
	struct remedy_exec	*rx;		/* acts on unhealthy containers */
	struct eventsrc		 evs;		/* the event ring and its sources */
	struct layerfs		*layerfs;	/* writable-layer sizes; NULL = off */
	ev_timer		 layerfs_timer;
	char			 self_id[65];	/* docker.scope=project: our container */
	struct sdnotify		 sd;		/* systemd's notify socket, if any */
	int			 sd_warned;	/* one failed send was logged */
	double			 watchdog;	/* ping interval, 0 = off */
	ev_timer		 watchdog_timer;
	ev_timer		 status_timer;
	char			 status[256];	/* the STATUS= last sent */
};

#endif
