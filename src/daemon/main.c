/*
 * haled: startup, signals, reload and shutdown order.
 *
 *	main --> load config (sections_table hands each module its part)
 *	     --> collector (cgroups) --> start_docker:
 *	         curlev, inventory, probes, notify, events, docker, remedy (in that
 *	         order; observers in place before docker_start) --> httpd
 *	         (wire_http points routes and scrape at the modules)
 *	         --> ready (READY=1 to systemd, watchdog and status timers)
 *	         --> ev_run
 *	SIGHUP  --> reload_cb: RELOADING=1, new config (modules first, then
 *	         what http reads) or keep the old one, the web config file
 *	         (webreload, which also watches its files), READY=1
 *	SIGTERM --> stop_cb: STOPPING=1, quiesce httpd --> drain_cb until idle
 *	         --> ev_break --> httpd, then stop_docker in reverse order,
 *	         collector
 *
 * Only this file decides to exit; everything else reports errors up.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ev.h>

#include "cgroup/cgroup.h"
#include "cgroup/procpid.h"
#include "cgroup/collector.h"
#include "check/probe.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/revision.h"
#include "daemon/eventsrc.h"
#include "daemon/fdlimit.h"
#include "daemon/hale.h"
#include "daemon/privdrop.h"
#include "daemon/sdnotify.h"
#include "daemon/sdstatus.h"
#include "daemon/sections.h"
#include "daemon/selfcheck.h"
#include "daemon/webreload.h"
#include "docker/curlev.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "docker/layerfs.h"
#include "http/basicauth.h"
#include "http/httpd.h"
#include "http/routes.h"
#include "http/scrape.h"
#include "remedy/notify.h"
#include "remedy/remedy_exec.h"

#define DRAIN_MAX_SECONDS	5.0

static ev_signal	sig_term, sig_int, sig_hup;
static ev_timer		drain_timer;
static double		drain_deadline;

static void
print_errors(const struct buf *errors)
{
	fprintf(stderr, "haled: invalid configuration:\n%s",
	    errors->data != NULL ? errors->data : "");
}

/* --probe URL: 0 on a 2xx answer, 1 on anything else (HEALTHCHECK's codes). */
static int
probe_url(const char *url)
{
	char	 err[512];
	int	 code;

	if ((code = selfcheck_run(url, SELFCHECK_TIMEOUT_MS, err, sizeof(err))) == -1) {
		fprintf(stderr, "haled: probe %.300s: %s\n", url, err);
		return 1;
	}
	fprintf(stderr, "haled: probe %.300s: HTTP %d\n", url, code);
	return code >= 200 && code <= 299 ? 0 : 1;
}

/* docker.scope=project watches our own container's project: find it. */
static int
find_self(struct hale *h)
{
	const char	*how;

	if (cgroup_self_container("/proc", h->self_id, sizeof(h->self_id),
	    &how) == 0)
		return 0;
	fprintf(stderr, "haled: invalid configuration:\ndocker.scope: \"project\" "
	    "needs haled to run in a container of a compose project, and "
	    "/proc/self/mountinfo and /proc/self/cgroup name none\n");
	return -1;
}

/* --run-as: leave root before opening anything beyond the config file. */
static int
run_as(const char *spec)
{
	struct privdrop_result	 r;
	char			 err[512], caps[32];

	if (privdrop_run_as(spec, &r, err, sizeof(err)) == -1) {
		log_error("cannot become the --run-as user", LOG_S("run_as", spec),
		    LOG_S("err", err));
		return -1;
	}
	privdrop_caps_name(r.caps, caps, sizeof(caps));
	if (r.changed)
		log_info("dropped root", LOG_U("uid", r.uid), LOG_U("gid", r.gid),
		    LOG_S("groups", r.groups), LOG_S("capabilities", caps));
	else
		log_info("already the --run-as user", LOG_U("uid", r.uid));
	return 0;
}

static void
apply_log_config(const struct config *cfg)
{
	const char	*js = getenv("JOURNAL_STREAM");

	log_setup(cfg->log_level, cfg->log_format, js != NULL && *js != '\0');
}

/* What the HTTP side reads from the config: it points into h->cfg. */
static void
apply_http_config(struct hale *h)
{
	sections_auth(h->cfg, &h->routes.auth);
	h->scrape.min_interval = (double)h->cfg->metrics_min_interval_ms /
	    1000.0;
}

/* The kept-descriptor budget under the raised RLIMIT_NOFILE. */
static void
apply_fd_budget(struct hale *h)
{
	size_t		budget, known;
	unsigned	others;
	int		clamped;

	if (h->collector == NULL)
		return;
	/*
	 * Beside the connections, every container the inventory knows may
	 * hold OOM watch descriptors (one on v2, three on v1: the directory,
	 * cgroup.event_control and the eventfd): they come off the budget
	 * too, so kept files never leave the rest of haled without any.
	 */
	known = h->inv != NULL ? inventory_count(h->inv) : 0;
	others = known > (UINT_MAX - 65536) / OOMWATCH_FDS_MAX ?
	    UINT_MAX - 65536 : (unsigned)(known * OOMWATCH_FDS_MAX);
	budget = fdlimit_budget(h->nofile, h->cfg->metrics_fd_budget,
	    h->cfg->max_connections + others, &clamped);
	if (clamped && !h->fd_clamped)
		log_warn("metrics.fd_budget lowered to what RLIMIT_NOFILE "
		    "leaves", LOG_U("budget", budget), LOG_U("nofile",
		    h->nofile));
	h->fd_clamped = clamped;
	collector_set_fd_budget(h->collector, budget);
}

/*
 * What basicauth takes from the config: it copies. At start a failure
 * stops the daemon; on a reload it is logged and the old values stay.
 */
static int
apply_auth_config(struct hale *h)
{
	const char *const	*paths = NULL;	/* basicauth's defaults */
	size_t			 n = 0;
	char			 err[256];

	sections_open_paths(h->cfg, &paths, &n);
	if (basicauth_set_admin(h->ba, h->routes.auth.user,
	    h->routes.auth.hash, err, sizeof(err)) == -1 ||
	    basicauth_set_open_paths(h->ba, paths, n, err, sizeof(err)) == -1) {
		log_error("authentication settings not applied",
		    LOG_S("err", err));
		return -1;
	}
	return 0;
}

static void
note_reload(struct hale *h, int ok)
{
	h->scrape.reload_ok = ok;
	if (ok)
		h->scrape.reload_ok_at = (double)time(NULL);
}

/* Once every module runs: the handlers may read them. */
static void
wire_http(struct hale *h)
{
	h->scrape.src.collector = h->collector;
	h->scrape.src.docker = h->docker;
	h->scrape.src.inv = h->inv;
	h->scrape.src.probes = h->probes;
	h->scrape.src.rx = h->rx;
	h->scrape.src.notify = h->notify;
	h->scrape.src.events = h->evs.events;
	h->scrape.src.oomwatch = h->evs.oom;
	h->scrape.src.am = h->am;
	h->scrape.src.layerfs = h->layerfs;
	h->routes.scrape = &h->scrape;
	h->routes.inv = h->inv;
	h->routes.probes = h->probes;
	h->routes.rx = h->rx;
	h->routes.ba = h->ba;
	h->scrape.src.auth = h->ba;
	h->routes.events = h->evs.events;
	h->routes.docker = h->docker;
	h->routes.started_at = clock_wall();
}

/* Settings that need sockets or paths reopened are fixed for the process lifetime. */
static void
warn_restart_only(const struct config *old, const struct config *cur)
{
	size_t	 i;
	int	 same = old->nlisten == cur->nlisten;

	for (i = 0; same && i < old->nlisten; i++)
		same = strcmp(old->listen[i], cur->listen[i]) == 0;
	if (!same)
		log_warn("web.listen_addresses changed; takes effect after a restart");
	if (strcmp(old->sysfs, cur->sysfs) != 0 ||
	    strcmp(old->procfs, cur->procfs) != 0)
		log_warn("paths changed; take effect after a restart");
	if (strcmp(old->docker_host, cur->docker_host) != 0)
		log_warn("docker.host changed; takes effect after a restart");
	same = old->docker_scope_project == cur->docker_scope_project &&
	    old->ndocker_label_filter == cur->ndocker_label_filter;
	for (i = 0; same && i < old->ndocker_label_filter; i++)
		same = strcmp(old->docker_label_filter[i],
		    cur->docker_label_filter[i]) == 0;
	if (!same)
		log_warn("docker.scope or docker.label_filter changed; takes "
		    "effect after a restart");
}

static void
reload_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct hale	*h = w->data;
	struct config	*cfg;
	struct buf	 errors;
	char		 err[128];

	char		 msg[64];

	(void)loop;
	(void)revents;
	sdnotify_reloading(msg, sizeof(msg), sdnotify_monotonic_usec());
	sd_send(h, msg);
	buf_init(&errors);
	if ((cfg = config_load(&h->flags, sections_table, &errors)) == NULL) {
		note_reload(h, 0);
		log_error("config reload failed, keeping the running config; "
		    "fix the file and reload again",
		    LOG_S("file", config_file_path(&h->flags)),
		    LOG_S("errors", errors.data != NULL ? errors.data : ""));
		buf_free(&errors);
		webreload_reload(&h->web, sections_web_config_file(h->cfg,
		    &h->flags));
		sd_ready(h, "");
		return;
	}
	buf_free(&errors);
	warn_restart_only(h->cfg, cfg);
	/* These point into the config: hand over the new one first. */
	probe_set_rules(h->probes, sections_checks(cfg));
	remedy_exec_reconfigure(h->rx, sections_remediation(cfg),
	    sections_dry_run(cfg, &h->flags));
	if (notify_reconfigure(h->notify, sections_notify(cfg), err,
	    sizeof(err)) == -1)
		log_warn("notify.webhooks not applied", LOG_S("err", err));
	if (alertmgr_reconfigure(h->am, sections_alertmanager(cfg), err,
	    sizeof(err)) == -1)
		log_warn("alertmanager not applied", LOG_S("err", err));
	if (events_reconfigure(h->evs.events, sections_events(cfg)) == -1)
		log_warn("events.ring_size not applied", LOG_S("err",
		    "out of memory"));
	config_free(h->cfg);
	h->cfg = cfg;
	apply_http_config(h);
	apply_fd_budget(h);
	if (h->collector != NULL)
		collector_set_task_states(h->collector,
		    h->cfg->metrics_task_states);
	apply_auth_config(h);
	note_reload(h, 1);
	apply_log_config(cfg);
	if (inventory_set_label_globs(h->inv,
	    (const char *const *)cfg->label_allow, cfg->nlabel_allow, err,
	    sizeof(err)) == -1)
		log_warn("metrics.container_labels not applied",
		    LOG_S("err", err));
	if (inventory_set_env_allow(h->inv,
	    (const char *const *)cfg->env_allow, cfg->nenv_allow, err,
	    sizeof(err)) == -1)
		log_warn("metrics.container_env not applied",
		    LOG_S("err", err));
	scrape_invalidate(&h->scrape);
	log_info("config reloaded", LOG_S("file", config_file_path(&h->flags)));
	webreload_reload(&h->web, sections_web_config_file(cfg, &h->flags));
	sd_ready(h, "");
}

static void
drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hale	*h = w->data;
	unsigned	 n = httpd_connections(h->httpd);

	(void)revents;
	if (n == 0 || ev_now(loop) >= drain_deadline) {
		if (n > 0)
			log_warn("closing connections still open",
			    LOG_U("connections", n));
		ev_timer_stop(loop, w);
		ev_break(loop, EVBREAK_ALL);
	}
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct hale	*h = w->data;

	(void)revents;
	if (ev_is_active(&drain_timer))
		return;		/* a second signal while draining changes nothing */
	log_info("shutting down", LOG_S("signal",
	    w->signum == SIGTERM ? "SIGTERM" : "SIGINT"));
	sd_send(h, "STOPPING=1\nSTATUS=shutting down");
	h->routes.ready = 0;
	httpd_quiesce(h->httpd);
	drain_deadline = ev_now(loop) + DRAIN_MAX_SECONDS;
	ev_timer_init(&drain_timer, drain_cb, 0., 0.05);
	drain_timer.data = h;
	ev_timer_start(loop, &drain_timer);
}

static void
watch_signals(struct hale *h)
{
	ev_signal_init(&sig_term, stop_cb, SIGTERM);
	ev_signal_init(&sig_int, stop_cb, SIGINT);
	ev_signal_init(&sig_hup, reload_cb, SIGHUP);
	sig_term.data = sig_int.data = sig_hup.data = h;
	ev_signal_start(h->loop, &sig_term);
	ev_signal_start(h->loop, &sig_int);
	ev_signal_start(h->loop, &sig_hup);
	/* A client that hangs up mid-response must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
}

static void
unwatch_signals(struct hale *h)
{
	ev_signal_stop(h->loop, &sig_term);
	ev_signal_stop(h->loop, &sig_int);
	ev_signal_stop(h->loop, &sig_hup);
}

static int
start_httpd(struct hale *h)
{
	struct httpd_options	 o;
	char			 err[256];

	if ((h->ba = basicauth_new(h->loop, err, sizeof(err))) == NULL) {
		log_error("cannot start the HTTP server", LOG_S("err", err));
		return -1;
	}
	if (apply_auth_config(h) == -1)
		return -1;
	wire_http(h);
	memset(&o, 0, sizeof(o));
	o.listen = (const char *const *)h->cfg->listen;
	o.nlisten = h->cfg->nlisten;
	o.max_connections = h->cfg->max_connections;
	o.max_per_ip = h->cfg->max_connections_per_ip;
	o.timeout_seconds = (unsigned)(h->cfg->conn_timeout_ms / 1000);
	o.header_timeout_ms = h->cfg->header_timeout_ms;
	webreload_web(&h->web, &o.web);
	h->httpd = httpd_start(h->loop, &o, routes_table, &h->routes, err,
	    sizeof(err));
	if (h->httpd == NULL) {
		log_error("cannot start the HTTP server", LOG_S("err", err));
		return -1;
	}
	httpd_set_gate(h->httpd, routes_gate, &h->routes);
	if (webreload_start(&h->web, h->loop, h->httpd, h->ba, &h->scrape,
	    err, sizeof(err)) == -1) {
		log_error("web config not applied", LOG_S("err", err));
		return -1;
	}
	return 0;
}

/* No cgroup tree is a state, not a failure: the daemon still serves. */
static void
start_collector(struct hale *h)
{
	char	 err[256];

	if ((h->nofile = fdlimit_raise(err, sizeof(err))) == 0)
		log_warn("descriptor limit unknown, no cgroup files kept open",
		    LOG_S("err", err));
	if (cgroup_env_init(&h->cgenv, h->cfg->sysfs, h->cfg->procfs, err,
	    sizeof(err)) == -1) {
		log_warn("no cgroup tree found, container metrics are off; "
		    "point --path.sysfs at the host's sysfs",
		    LOG_S("sysfs", h->cfg->sysfs), LOG_S("err", err));
		return;
	}
	if ((h->collector = collector_new(&h->cgenv)) == NULL) {
		log_error("cannot create the collector (out of memory)");
		return;
	}
	apply_fd_budget(h);
	collector_set_task_states(h->collector, h->cfg->metrics_task_states);
	log_info("reading cgroups", LOG_S("layout",
	    cgroup_layout_name(h->cgenv.layout)), LOG_S("sysfs", h->cfg->sysfs));
}

/* The writable-layer timer sleeps until the next pass is due. */
static void
layerfs_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hale	*h = w->data;
	double		 next;

	(void)revents;
	next = layerfs_tick(h->layerfs, h->inv, ev_now(loop));
	ev_timer_set(w, next > LAYERFS_RETRY ? next : LAYERFS_RETRY, 0.);
	ev_timer_start(loop, w);
}

/* A change may be a container to measure: look within LAYERFS_RETRY. */
static void
layerfs_kick(struct hale *h)
{
	if (h->layerfs == NULL || (ev_is_active(&h->layerfs_timer) &&
	    ev_timer_remaining(h->loop, &h->layerfs_timer) <= LAYERFS_RETRY))
		return;
	ev_timer_stop(h->loop, &h->layerfs_timer);
	ev_timer_set(&h->layerfs_timer, LAYERFS_RETRY, 0.);
	ev_timer_start(h->loop, &h->layerfs_timer);
}

/* Writable-layer sizes: off with metrics.fs_usage_interval 0s or no cgroups. */
static void
start_layerfs(struct hale *h)
{
	char	 err[256];

	if (h->collector == NULL || h->cfg->fs_usage_interval_ms == 0)
		return;
	if ((h->layerfs = layerfs_new(&h->cgenv, h->cfg->docker_data_root,
	    (double)h->cfg->fs_usage_interval_ms / 1000, h->cfg->fs_usage_rate,
	    err, sizeof(err))) == NULL) {
		log_warn("container disk usage is off", LOG_S("err", err));
		return;
	}
	/*
	 * The first tick soon; then each tick sleeps until the next pass,
	 * and inventory changes wake it sooner (layerfs_kick).
	 */
	ev_timer_init(&h->layerfs_timer, layerfs_cb, LAYERFS_RETRY, 0.);
	h->layerfs_timer.data = h;
	ev_timer_start(h->loop, &h->layerfs_timer);
}

static void
stop_layerfs(struct hale *h)
{
	if (h->layerfs == NULL)
		return;
	ev_timer_stop(h->loop, &h->layerfs_timer);
	layerfs_free(h->layerfs);
	h->layerfs = NULL;
	h->scrape.src.layerfs = NULL;
}

/*
 * Every inventory change reaches the checks and the remediation. A
 * container that stopped or went has its kept cgroup descriptors closed
 * at once, not at the next scrape: they pin a removed cgroup. Its cgroup
 * id is forgotten by then, so they are found by its container id.
 */
static void
inventory_changed(void *arg, struct inv_container *c, enum inv_change ch)
{
	struct hale	*h = arg;

	if (h->collector != NULL && c->cgroup_id == NULL &&
	    (ch == INV_REMOVED || !inventory_is_live(c)))
		collector_forget_container(h->collector, c->d.id);
	if (ch != INV_REMOVED)
		layerfs_kick(h);
	probe_observe(h->probes, c, ch);
	remedy_exec_observe(h->rx, c, ch);
	eventsrc_observe(&h->evs, c, ch);
	if (ch != INV_UPDATED)
		apply_fd_budget(h);
}

/* Docker's events reach the remediation and the event ring. */
static void
docker_event(void *arg, const struct docker_event *ev)
{
	struct hale	*h = arg;

	remedy_exec_event(h->rx, ev);
	eventsrc_docker(&h->evs, ev);
}

/* So do the transitions of hale's own checks. */
static void
check_transition(void *arg, const char *id, const struct health_transition *tr,
    const struct probe_result *last)
{
	struct hale	*h = arg;

	remedy_exec_transition(h->rx, id, tr, last);
	eventsrc_transition(&h->evs, id, tr->to, h->probes);
}

static int
start_probes(struct hale *h, char *err, size_t errlen)
{
	struct probe_options	 po;

	memset(&po, 0, sizeof(po));
	po.loop = h->loop;
	po.curlev = h->cv;
	po.inv = h->inv;
	po.procfs = h->cfg->procfs;
	po.rules = sections_checks(h->cfg);
	if ((h->probes = probe_engine_new(&po, err, errlen)) == NULL)
		return -1;
	/* container_health_state: hale's check when there is one, else Docker's. */
	inventory_set_health_fn(h->inv, probe_health_value, h->probes);
	return 0;
}

/* Remediation needs the Docker client (actions) and the probes (health). */
static int
start_remedy(struct hale *h, char *err, size_t errlen)
{
	if ((h->rx = remedy_exec_new(h->loop, h->docker, h->inv, h->notify,
	    sections_remediation(h->cfg), sections_dry_run(h->cfg, &h->flags),
	    err, errlen)) == NULL)
		return -1;
	remedy_exec_set_probe(h->rx, h->probes);
	remedy_exec_set_events(h->rx, h->evs.events);
	probe_set_transition_cb(h->probes, check_transition, h);
	docker_set_event_cb(h->docker, docker_event, h);
	return 0;
}

/*
 * curlev and the inventory first, then everything that reads the
 * inventory (checks, webhooks, the Docker client that feeds it,
 * remediation); the Docker client starts last, when all observers are in
 * place. stop_docker undoes it in reverse. Docker being down is a state,
 * not a failure: only a bad setting or no memory stops the start.
 */
static int
start_docker(struct hale *h)
{
	struct docker_config	 dc;
	char			 err[256];

	memset(&dc, 0, sizeof(dc));
	dc.host = h->cfg->docker_host;
	dc.label_filter = (const char *const *)h->cfg->docker_label_filter;
	dc.nlabel_filter = h->cfg->ndocker_label_filter;
	dc.scope_self = h->self_id[0] != '\0' ? h->self_id : NULL;
	if ((h->cv = curlev_new(h->loop, err, sizeof(err))) == NULL ||
	    (h->inv = inventory_new(cgroup_id_resolve, h->cfg->procfs,
	    (const char *const *)h->cfg->label_allow, h->cfg->nlabel_allow,
	    err, sizeof(err))) == NULL ||
	    inventory_set_env_allow(h->inv,
	    (const char *const *)h->cfg->env_allow, h->cfg->nenv_allow, err,
	    sizeof(err)) == -1 ||
	    start_probes(h, err, sizeof(err)) == -1 ||
	    (h->notify = notify_new(h->loop, h->cv, sections_notify(h->cfg),
	    err, sizeof(err))) == NULL ||
	    (h->am = alertmgr_new(h->loop, h->cv, sections_alertmanager(h->cfg),
	    err, sizeof(err))) == NULL ||
	    eventsrc_start(&h->evs, h->loop, h->inv, h->notify, h->am,
	    h->collector != NULL ?
	    &h->cgenv : NULL, sections_events(h->cfg), err, sizeof(err)) == -1 ||
	    (h->docker = docker_new(h->loop, h->cv, h->inv, &dc, err,
	    sizeof(err))) == NULL ||
	    start_remedy(h, err, sizeof(err)) == -1) {
		log_error("cannot start", LOG_S("err", err));
		return -1;
	}
	notify_set_docker(h->notify, h->docker, h->inv);
	/* Only defer work to the loop: safe inside libcurl callbacks. */
	inventory_add_observer(h->inv, inventory_changed, h);
	docker_start(h->docker);
	return 0;
}

static void
stop_docker(struct hale *h)
{
	if (h->notify != NULL)
		notify_set_docker(h->notify, NULL, NULL);	/* its requests go */
	docker_free(h->docker);		/* first: its callbacks point into rx */
	remedy_exec_free(h->rx);
	probe_engine_free(h->probes);	/* cancels its probes and timers */
	notify_free(h->notify);		/* cancels deliveries in flight */
	alertmgr_free(h->am);
	eventsrc_stop(&h->evs);
	curlev_free(h->cv);		/* nothing else may still use curl */
	inventory_free(h->inv);		/* last: everyone reads it */
	h->docker = NULL;
	h->rx = NULL;
	h->probes = NULL;
	h->notify = NULL;
	h->am = NULL;
	h->cv = NULL;
	h->inv = NULL;
}

static int
run(struct hale *h)
{
	size_t	 i;

	h->loop = ev_default_loop(EVFLAG_AUTO);
	if (h->loop == NULL) {
		log_error("cannot create the event loop");
		return 1;
	}
	watch_signals(h);
	sd_setup(h);
	start_collector(h);
	if (start_docker(h) == -1) {
		basicauth_free(h->ba);
		stop_docker(h);
		collector_free(h->collector);
		unwatch_signals(h);
		return 1;
	}
	start_layerfs(h);
	if (start_httpd(h) == -1) {
		stop_layerfs(h);
		basicauth_free(h->ba);
		stop_docker(h);
		collector_free(h->collector);
		unwatch_signals(h);
		return 1;
	}
	h->routes.ready = 1;
	for (i = 0; i < h->cfg->nlisten; i++)
		log_info("listening", LOG_S("address", h->cfg->listen[i]),
		    LOG_S("tls", h->web.tls != NULL ? "on" : "off"));
	log_info("haled started", LOG_S("version", PACKAGE_VERSION),
	    LOG_S("revision", HALE_REVISION));
	sd_ready(h, "");
	sd_start_timers(h);
	ev_run(h->loop, 0);
	sd_stop_timers(h);
	webreload_stop(&h->web);
	httpd_stop(h->httpd);		/* first: it cancels what waits */
	basicauth_free(h->ba);
	stop_layerfs(h);
	stop_docker(h);
	collector_free(h->collector);
	unwatch_signals(h);
	ev_loop_destroy(h->loop);
	log_info("haled stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	struct hale	 h;
	struct buf	 errors;
	char		 err[512];
	int		 rc;

	memset(&h, 0, sizeof(h));
	h.sd.fd = -1;
	/*
	 * A scrape of thousands of containers collects into arrays of
	 * megabytes. Without a fixed threshold glibc raises it to the largest
	 * block freed and then keeps those megabytes in the heap for good.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (config_parse_flags(argc, argv, &h.flags, err, sizeof(err)) == -1) {
		fprintf(stderr, "haled: %s (see --help)\n", err);
		return EX_USAGE_ERROR;
	}
	if (h.flags.help) {
		config_usage(stdout);
		return 0;
	}
	if (h.flags.version) {
		printf("haled %s (revision %s)\n", PACKAGE_VERSION, HALE_REVISION);
		return 0;
	}
	if (h.flags.probe != NULL)
		return probe_url(h.flags.probe);
	buf_init(&errors);
	if ((h.cfg = config_load(&h.flags, sections_table, &errors)) == NULL) {
		print_errors(&errors);
		buf_free(&errors);
		return EX_CONFIG_ERROR;
	}
	buf_free(&errors);
	if (webreload_init(&h.web, sections_web_config_file(h.cfg, &h.flags),
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "haled: invalid web config:\n%s\n", err);
		webreload_free(&h.web);
		config_free(h.cfg);
		return EX_CONFIG_ERROR;
	}
	if (h.flags.check_config) {
		printf("configuration ok (%s)\n", config_file_path(&h.flags));
		webreload_free(&h.web);
		config_free(h.cfg);
		return 0;
	}
	apply_log_config(h.cfg);
	if (h.flags.run_as != NULL && run_as(h.flags.run_as) == -1) {
		webreload_free(&h.web);
		config_free(h.cfg);
		return 1;
	}
	if (h.cfg->docker_scope_project && find_self(&h) == -1) {
		webreload_free(&h.web);
		config_free(h.cfg);
		return EX_CONFIG_ERROR;
	}
	scrape_init(&h.scrape);
	apply_http_config(&h);
	note_reload(&h, 1);
	curlev_global_init();	/* once, before any thread */
	rc = run(&h);
	curl_global_cleanup();
	sdnotify_close(&h.sd);
	scrape_free(&h.scrape);
	webreload_free(&h.web);
	config_free(h.cfg);
	return rc;
}
