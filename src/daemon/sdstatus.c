/*
 * sdstatus: what haled tells systemd over sdnotify's protocol: READY=1
 * with a one-line STATUS=, the status again when it changes (checked
 * every second), and WATCHDOG=1 from the loop at half WATCHDOG_USEC.
 */
#include "daemon/sdstatus.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/probe.h"
#include "core/log.h"
#include "docker/docker.h"
#include "docker/inventory.h"

#define STATUS_CHECK_SECONDS	1.0	/* how often the summary is compared */

/*
 * Notifications are best effort: the daemon runs the same without
 * systemd, so a failed send is logged once and otherwise ignored.
 */
void
sd_send(struct hale *h, const char *msg)
{
	char	 err[192];

	if (sdnotify_send(&h->sd, msg, err, sizeof(err)) == -1 &&
	    !h->sd_warned) {
		h->sd_warned = 1;
		log_warn("cannot notify systemd (NOTIFY_SOCKET); carrying on, "
		    "further failures are not logged", LOG_S("err", err));
	}
}

/* The one-line summary `systemctl status` shows. */
static void
status_line(const struct hale *h, char *out, size_t outlen)
{
	struct inventory_stats	 is;
	struct probe_stats	 ps;
	struct docker_stats	 ds;
	char			 refused[48] = "";

	inventory_get_stats(h->inv, &is);
	probe_get_stats(h->probes, &ps);
	docker_get_stats(h->docker, &ds);
	if (ps.refused > 0)
		snprintf(refused, sizeof(refused), " (%zu refused)", ps.refused);
	snprintf(out, outlen, "%zu containers (%zu running), %zu checks%s, "
	    "docker %s%s%s", is.total, is.by_state[DOCKER_STATE_RUNNING],
	    ps.active, refused, ds.up ? "up" : "unreachable at ",
	    ds.up ? "" : h->cfg->docker_host,
	    h->scrape.reload_ok && h->scrape.web_reload_ok ? "" :
	    "; last reload failed, see the log");
}

/* Sends READY=1 (with `prefix` before it, if any) and the status. */
void
sd_ready(struct hale *h, const char *prefix)
{
	char	 line[sizeof(h->status)], msg[sizeof(h->status) + 64];

	status_line(h, line, sizeof(line));
	snprintf(h->status, sizeof(h->status), "%s", line);
	snprintf(msg, sizeof(msg), "%sREADY=1\n", prefix);
	sdnotify_status(msg + strlen(msg), sizeof(msg) - strlen(msg), line);
	sd_send(h, msg);
}

/* Sent when the summary changed, not on every tick. */
static void
status_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hale	*h = w->data;
	char		 line[sizeof(h->status)], msg[sizeof(h->status) + 8];

	(void)loop;
	(void)revents;
	status_line(h, line, sizeof(line));
	if (strcmp(line, h->status) == 0)
		return;
	snprintf(h->status, sizeof(h->status), "%s", line);
	sdnotify_status(msg, sizeof(msg), line);
	sd_send(h, msg);
}

/* On the loop itself: a loop that is stuck stops pinging, and systemd restarts it. */
static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	sd_send(w->data, "WATCHDOG=1");
}

/* systemd's variables: the notify socket and the watchdog interval. */
void
sd_setup(struct hale *h)
{
	uint64_t	 usec;
	char		 err[192];

	if (sdnotify_open(&h->sd, getenv("NOTIFY_SOCKET"), err,
	    sizeof(err)) == -1) {
		log_warn("NOTIFY_SOCKET ignored: systemd will not hear from haled",
		    LOG_S("err", err));
		sdnotify_close(&h->sd);
	}
	if (sdnotify_watchdog_usec(getenv("WATCHDOG_USEC"),
	    getenv("WATCHDOG_PID"), getpid(), &usec, err, sizeof(err)) == -1)
		log_warn("watchdog off: WATCHDOG_USEC is not usable",
		    LOG_S("err", err));
	else if (usec > 0 && !sdnotify_enabled(&h->sd))
		log_warn("watchdog off: WATCHDOG_USEC is set but NOTIFY_SOCKET "
		    "is not");
	else
		h->watchdog = (double)usec / 1e6;
}

void
sd_start_timers(struct hale *h)
{
	if (!sdnotify_enabled(&h->sd))
		return;
	ev_timer_init(&h->status_timer, status_cb, STATUS_CHECK_SECONDS,
	    STATUS_CHECK_SECONDS);
	h->status_timer.data = h;
	ev_timer_start(h->loop, &h->status_timer);
	if (h->watchdog > 0) {
		/* Half the interval, as sd_watchdog_enabled(3) recommends. */
		ev_timer_init(&h->watchdog_timer, watchdog_cb, h->watchdog / 2,
		    h->watchdog / 2);
		h->watchdog_timer.data = h;
		ev_timer_start(h->loop, &h->watchdog_timer);
		log_info("systemd watchdog on", LOG_F("interval_seconds",
		    h->watchdog));
	}
}

void
sd_stop_timers(struct hale *h)
{
	ev_timer_stop(h->loop, &h->status_timer);
	ev_timer_stop(h->loop, &h->watchdog_timer);
}
