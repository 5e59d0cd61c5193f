/*
 * sdstatus: haled's notifications to systemd (READY, STATUS, WATCHDOG).
 * Best effort: without NOTIFY_SOCKET each call does nothing.
 */
#ifndef HALE_DAEMON_SDSTATUS_H
#define HALE_DAEMON_SDSTATUS_H

#include "daemon/hale.h"

/* NOTIFY_SOCKET and WATCHDOG_USEC from the environment. */
void	sd_setup(struct hale *);
/* One message; a failure is logged once. */
void	sd_send(struct hale *, const char *msg);
/* READY=1 (after `prefix`, e.g. RELOADING's end) with the status line. */
void	sd_ready(struct hale *, const char *prefix);
void	sd_start_timers(struct hale *);
void	sd_stop_timers(struct hale *);

#endif
