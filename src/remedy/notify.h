/*
 * notify: webhooks. A JSON document per remediation action and give-up,
 * and a body per hale event (events.h) in the webhook's format, POSTed
 * to the URLs of the config file (never to anything a container label
 * names), asynchronously through curlev, with retries and a bounded
 * queue per webhook. Sending never blocks and never fails the caller: a
 * full queue drops the new document and counts it.
 *
 *	notify_send (JSON webhooks) ─┐
 *	notify_send_event ─► notify_render (notify_format.c) ─┤
 *	   hook queue (FIFO, ≤ queue_max) ◄───────────────────┘
 *	   ─► one POST in flight
 *	   post_done ─► 2xx: ok, next item
 *	             └► else: retry after 1 s, 2 s, 4 s … (≤ 60 s),
 *	                up to `retries` more tries, then failed
 *
 * The config part (notify_config_from_json, notify_config.c) and the
 * views (notify_document and the metric families, notify_view.c) are
 * pure and tested directly; delivery is notify.c.
 */
#ifndef HALE_NOTIFY_H
#define HALE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>
#include <ev.h>

#include "core/buf.h"
#include "docker/curlev.h"
#include "core/metrics.h"
#include "remedy/post.h"

#define NOTIFY_WEBHOOKS_MAX	16
#define NOTIFY_HEADERS_MAX	16
#define NOTIFY_URL_MAX		2048
#define NOTIFY_HEADER_MAX	1024	/* one "Name: value" */
#define NOTIFY_NAME_MAX		64	/* a webhook's name */
#define NOTIFY_QUEUE_DEFAULT	100
#define NOTIFY_RETRIES_DEFAULT	5
#define NOTIFY_TIMEOUT_DEFAULT_MS 5000
#define NOTIFY_TAIL_TIMEOUT_DEFAULT_MS 2000	/* then delivered without it */
#define NOTIFY_TAIL_PENDING_MAX	32	/* events waiting for their tails */
#define NOTIFY_TAIL_LABEL	"hale.notify.log_tail"	/* "true": every webhook */

/* Event kinds, as bits of a webhook's `events` filter. */
#define NOTIFY_EV_ACTION	0x01	/* restart/stop/kill/notify, with its result */
#define NOTIFY_EV_GAVE_UP	0x02	/* the budget was spent */
#define NOTIFY_EV_RECOVERED	0x04	/* healthy for reset_after after a give-up */
#define NOTIFY_EV_RESET		0x08	/* an operator cleared a give-up */
#define NOTIFY_EV_OOM		0x10	/* the hale events of events.h */
#define NOTIFY_EV_EXIT		0x20
#define NOTIFY_EV_RESTART_LOOP	0x40
#define NOTIFY_EV_UNHEALTHY	0x80
#define NOTIFY_EV_HEALTHY	0x100
#define NOTIFY_EV_ALL		0x1ff
/* remediation's own, which JSON webhooks get as notify_send's documents */
#define NOTIFY_EV_REMEDY	(NOTIFY_EV_ACTION | NOTIFY_EV_GAVE_UP | \
				 NOTIFY_EV_RECOVERED | NOTIFY_EV_RESET)

/*
 * A webhook's body: today's JSON documents, or a chat message for
 * Slack-compatible receivers ({"text"}: Slack, Mattermost, Rocket.Chat),
 * Discord ({"content"}) or ntfy (plain text, Title/Priority/Tags headers).
 * Chat formats get the hale events (oom, exit, restart_loop, unhealthy,
 * healthy, remediated as `action`, gave_up); recovered and reset are
 * JSON documents only.
 */
enum notify_format {
	NOTIFY_FMT_JSON,
	NOTIFY_FMT_SLACK,
	NOTIFY_FMT_DISCORD,
	NOTIFY_FMT_NTFY,
};

struct notify_webhook {
	char		*url;
	char		*name;		/* the metric's destination; NULL: URL host */
	int		 log_tail;	/* attach the container's last log lines */
	unsigned	 events;		/* NOTIFY_EV_* mask */
	enum notify_format format;
	char		*headers[NOTIFY_HEADERS_MAX];	/* "Name: value" */
	size_t		 nheaders;
	uint64_t	 timeout_ms;
};

/* The `notify` section of the config file. */
struct notify_config {
	struct notify_webhook	 hooks[NOTIFY_WEBHOOKS_MAX];
	size_t			 nhooks;
	unsigned		 retries;	/* extra tries after the first */
	unsigned		 queue_max;	/* documents waiting per webhook */
	unsigned		 tail_lines;	/* log_tail.lines */
	unsigned		 tail_bytes;	/* log_tail.max_bytes */
	uint64_t		 tail_timeout_ms;	/* log_tail.timeout */
};

/*
 * Parses {"webhooks": [{"url", "name", "format", "events", "headers",
 * "timeout", "log_tail"}], "retries", "queue_max", "log_tail": {"lines",
 * "max_bytes", "timeout"}}. Problems are appended to `errors` as
 * "notify.webhooks[0].url: ...\n"; returns how many (0 = *out valid).
 */
int	notify_config_from_json(const cJSON *, const char *path,
	    struct notify_config **out, struct buf *errors);
void	notify_config_free(struct notify_config *);
/* 1 for an http:// or https:// URL with a host, at most NOTIFY_URL_MAX. */
int	notify_url_ok(const char *);

/* "action" -> NOTIFY_EV_ACTION; 0 if unknown. */
unsigned notify_event_parse(const char *);
const char *notify_event_name(unsigned);
/* The filter bit of a hale event kind (remediated: NOTIFY_EV_ACTION). */
struct event;
unsigned notify_event_bit(const struct event *);
/* "json", "slack", "discord", "ntfy"; -1 if unknown. */
int	notify_format_parse(const char *);
const char *notify_format_name(enum notify_format);

/* ---- bodies of hale events (notify_format.c) --------------------------- */

#define NOTIFY_TITLE_MAX	160

/* What one POST carries: the body, its type, and ntfy's headers. */
struct notify_msg {
	struct buf	 body;
	const char	*content_type;		/* static */
	char		 title[NOTIFY_TITLE_MAX];	/* ntfy: printable ASCII */
	int		 priority;		/* ntfy: 1..5; 0 = no header */
	char		 tags[64];		/* ntfy */
};

/* The one-line text of an event, as chat messages show it. */
void	notify_event_text(const struct event *, const char *host,
	    struct buf *out);
/*
 * The lines after it: Docker's healthcheck output, hale's checks, and
 * `tail` (NULL: none), a ``` block if `fence`, its last `tail_max` bytes
 * (0: all).
 */
void	notify_event_context(const struct event *, const char *tail,
	    int fence, size_t tail_max, struct buf *out);
/*
 * An event as a body in `fmt` (buf_init'ed by the caller): JSON
 * {"version": 1, "event": "oom", "time", "host", "container": {...}, context,
 * "log_tail" if `tail` is not NULL},
 * {"text"}, {"content", "allowed_mentions"} or ntfy's text and headers.
 * -1 if memory ran out.
 */
int	notify_render(enum notify_format, const struct event *,
	    const char *tail, const char *host, struct notify_msg *);

/* What a document says; NULL strings and zero numbers are left out or null. */
struct notify_doc {
	unsigned	 event;		/* one NOTIFY_EV_* bit */
	double		 time;		/* unix seconds */
	const char	*host;
	const char	*id;
	const char	*name;
	const char	*image;
	const char	*action;	/* restart, stop, kill, notify */
	const char	*trigger;	/* unhealthy, dependency */
	const char	*result;	/* ok, failed, timeout, dry_run */
	const char	*error;		/* Docker's message */
	const char	*reason;
	unsigned	 attempt;
	unsigned	 budget_max;
	unsigned	 budget_used;
	double		 window;	/* seconds */
	double		 next_allowed;	/* unix seconds; <= 0: null */
	int		 dry_run;
	const cJSON	*health;	/* copied in; NULL = null */
};

/*
 *	{"version": 1, "event": "action", "time": "2024-05-01T10:00:00.000000Z",
 *	 "host": "node1",
 *	 "container": {"id": "...", "name": "web", "image": "nginx"},
 *	 "action": "restart", "trigger": "unhealthy", "result": "ok",
 *	 "error": null, "reason": "unhealthy", "attempt": 2,
 *	 "budget": {"max": 5, "used": 2, "window_seconds": 3600},
 *	 "next_allowed": "...Z" | null, "dry_run": false, "health": {...} | null}
 *
 * Pure. -1 if memory ran out.
 */
int	notify_document(const struct notify_doc *, struct buf *out);

struct notify_stats {
	uint64_t	 ok;
	uint64_t	 retry;		/* a try failed, another one is planned */
	uint64_t	 failed;	/* given up after the last try */
	uint64_t	 dropped;	/* queue full, or reconfigured away */
	size_t		 queued;	/* documents waiting or in flight now */
	uint64_t	 tails_ok;	/* log tails fetched */
	uint64_t	 tails_error;	/* not: Docker's error, Docker down, too many */
	uint64_t	 tails_timeout;	/* not within log_tail.timeout */
};

/* `cfg` may be NULL (no webhooks); it is copied. */
struct notify	*notify_new(struct ev_loop *, struct curlev *,
		    const struct notify_config *, char *err, size_t errlen);
/* New webhooks from a reloaded config; what was queued is dropped. */
int		 notify_reconfigure(struct notify *, const struct notify_config *,
		    char *err, size_t errlen);
/*
 * The Docker client that fetches log tails, and the inventory whose
 * labels opt containers in; NULL: no tails. Set NULL before docker_free:
 * the logs requests waiting are cancelled and their events dropped.
 */
struct docker;
struct inventory;
void		 notify_set_docker(struct notify *, struct docker *,
		    struct inventory *);
/* Cancels every transfer and timer. Call before curlev_free(). */
void		 notify_free(struct notify *);
/*
 * Queues a copy of `json` for each JSON webhook whose filter has `event`
 * (one of action, gave_up, recovered, reset: remediation's documents).
 */
void		 notify_send(struct notify *, unsigned event, const char *json,
		    size_t len);
/*
 * A hale event for each webhook whose filter has its kind, in the
 * webhook's format; remediated, gave_up, recovered and reset go only to
 * chat webhooks (JSON webhooks get remediation's own documents through
 * notify_send). A webhook with log_tail, or any for a container labelled
 * hale.notify.log_tail=true, gets an oom, exit, restart_loop, unhealthy
 * or gave_up event after the container's last log lines are fetched (or
 * the fetch failed or timed out); the others get it at once.
 */
void		 notify_send_event(struct notify *, const struct event *);
size_t		 notify_webhooks(const struct notify *);
/* Deliveries per webhook, in config order (*count of them). */
const struct post_dest *notify_dests(const struct notify *, size_t *count);
void		 notify_get_stats(const struct notify *, struct notify_stats *);
/*
 * hale_webhook_deliveries_total{result}, hale_webhook_queue_length,
 * hale_notify_log_tails_total{result}.
 */
void		 notify_write_metrics(struct notify *, struct metrics_writer *);
/* The same families from the values they show. */
void		 notify_view_metrics(struct metrics_writer *,
		    const struct notify_stats *);

#endif
