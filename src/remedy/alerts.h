/*
 * alerts: hale events as Alertmanager alerts (API v2), posted to every
 * configured Alertmanager, resolved when the condition ends, re-sent
 * while they fire so that Alertmanager's resolve_timeout never ends
 * them early, as Prometheus does.
 *
 *	event ─► alerts_observe (pure table, alerts.c):
 *	   unhealthy ─► HaleContainerUnhealthy fires; healthy resolves it
 *	   gave_up ─► HaleRemediationGaveUp fires; healthy resolves it
 *	   oom, exit, restart_loop ─► HaleContainerOOMKilled, …Exited,
 *	     …RestartLoop fire and end `hold` after the last occurrence
 *	   the container removed ─► its alerts resolve
 *	alertmgr (alerts_send.c): a change kicks a POST; the resend timer
 *	   (every `resend`) ages the table (alerts_tick) and posts again
 *	   ─► one POST in flight per Alertmanager; a busy one gets the
 *	   newer list when its POST ends; failures wait for the next round
 *
 * Firing alerts carry endsAt = now + 4 × resend (stateful ones) or the
 * end of their hold (the others), so an Alertmanager that stops hearing
 * from hale resolves them by itself. Resolved alerts are posted for
 * another 4 × resend, then forgotten.
 */
#ifndef HALE_ALERTS_H
#define HALE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>
#include <ev.h>

#include "core/buf.h"
#include "core/metrics.h"
#include "docker/curlev.h"
#include "remedy/events.h"

#define ALERTS_AM_MAX		8
#define ALERTS_MAX		4096	/* alerts kept; a new one beyond is dropped */
#define ALERTS_RESEND_DEFAULT_MS 60000
#define ALERTS_HOLD_DEFAULT_MS	(15 * 60000)
#define ALERTS_TIMEOUT_DEFAULT_MS 10000

struct alerts_config {
	char		*urls[ALERTS_AM_MAX];	/* Alertmanager base URLs */
	size_t		 nurls;
	uint64_t	 resend_ms;
	uint64_t	 hold_ms;
	uint64_t	 timeout_ms;
};

/*
 * Parses {"urls": ["http://am:9093"], "resend", "hold", "timeout"}.
 * Problems are appended to `errors` ("alertmanager.urls[0]: ...\n");
 * returns how many (0 = *out valid).
 */
int	alerts_config_from_json(const cJSON *, const char *path,
	    struct alerts_config **out, struct buf *errors);
void	alerts_config_free(struct alerts_config *);

/* ---- the table (pure) -------------------------------------------------- */

struct alerts;

struct alerts	*alerts_new(void);
void		 alerts_free(struct alerts *);
/* Returns 1 if the table changed (a POST is due), else 0. */
int		 alerts_observe(struct alerts *, const struct event *,
		    const char *host, double now, uint64_t hold_ms);
/* The container is gone: its firing alerts resolve. 1 if any did. */
int		 alerts_forget(struct alerts *, const char *id, double now);
/* Ends held alerts whose hold is over, drops old resolved ones; 1 if changed. */
int		 alerts_tick(struct alerts *, double now, uint64_t resend_ms);
size_t		 alerts_firing(const struct alerts *);
/*
 * The POST body: a JSON array of every alert in the table
 * ({"labels", "annotations", "startsAt", "endsAt"}). -1 if memory ran out.
 */
int		 alerts_json(const struct alerts *, double now,
		    uint64_t resend_ms, struct buf *out);

/* ---- delivery (alerts_send.c) ----------------------------------------- */

struct alertmgr_stats {
	uint64_t	 ok;		/* POSTs answered 2xx */
	uint64_t	 failed;	/* transport errors and other statuses */
	size_t		 firing;
};

/* `cfg` may be NULL (no Alertmanager: events are ignored); it is copied. */
struct alertmgr	*alertmgr_new(struct ev_loop *, struct curlev *,
		    const struct alerts_config *, char *err, size_t errlen);
/* New Alertmanagers and timings; the table is kept. */
int		 alertmgr_reconfigure(struct alertmgr *,
		    const struct alerts_config *, char *err, size_t errlen);
/* Cancels every transfer and timer. Call before curlev_free(). */
void		 alertmgr_free(struct alertmgr *);
void		 alertmgr_event(struct alertmgr *, const struct event *);
void		 alertmgr_forget(struct alertmgr *, const char *id);
void		 alertmgr_get_stats(const struct alertmgr *,
		    struct alertmgr_stats *);
/* Posts per Alertmanager, in config order (*count of them). */
struct post_dest;
const struct post_dest *alertmgr_dests(const struct alertmgr *, size_t *count);
/* hale_alertmanager_posts_total{result}, hale_alerts_firing (alerts_view.c). */
void		 alertmgr_write_metrics(const struct alertmgr *,
		    struct metrics_writer *);

#endif
