/*
 * post: the one way remedy's deliveries (webhooks, Alertmanager) set up
 * a POST on a reused easy handle: http and https only, no signals, the
 * body and headers given, a timeout for connecting and for the whole
 * transfer, and the reply counted and discarded (a receiver that talks
 * past POST_REPLY_MAX is cut off).
 */
#ifndef HALE_POST_H
#define HALE_POST_H

#include <stddef.h>

#include <stdint.h>

#include <curl/curl.h>

#include "core/metrics.h"

#define POST_REPLY_MAX	4096
#define POST_DEST_MAX	128	/* a destination's label value */

/* `body`, `headers` and `reply_len` must outlive the transfer. */
void	post_setup(CURL *, const char *url, const char *body, size_t len,
	    struct curl_slist *headers, long timeout_ms, size_t *reply_len);

/*
 * Deliveries counted per destination and result, for
 * hale_notify_deliveries_total{type, destination, result}. Destinations
 * come from the config file only, so the label set is bounded by it.
 */
enum post_result {
	POST_OK,		/* a 2xx reply */
	POST_ERROR,		/* no connection, a non-2xx reply, a cut reply */
	POST_TIMEOUT,		/* the receiver did not answer in time */
	POST_DROPPED,		/* never sent: queue full, out of memory, reload */
	POST_RESULTS
};

struct post_dest {
	const char	*type;			/* static: webhook, alertmanager */
	char		 name[POST_DEST_MAX];
	uint64_t	 n[POST_RESULTS];
};

/*
 * `name` if given, else the URL's host[:port]; "#2", "#3" ... is
 * appended when an earlier one of `prev` (n of them) has the same name.
 */
void	post_dest_init(struct post_dest *, const char *type, const char *name,
	    const char *url, const struct post_dest *prev, size_t n);
/* What a finished transfer counts as. */
enum post_result post_classify(CURLcode, long status);
/* The family, once, over every list given (lists[i] has counts[i] entries). */
void	post_write_metrics(struct metrics_writer *,
	    const struct post_dest *const *lists, const size_t *counts,
	    size_t nlists);

#endif
