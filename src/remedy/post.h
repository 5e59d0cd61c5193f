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

#include <curl/curl.h>

#define POST_REPLY_MAX	4096

/* `body`, `headers` and `reply_len` must outlive the transfer. */
void	post_setup(CURL *, const char *url, const char *body, size_t len,
	    struct curl_slist *headers, long timeout_ms, size_t *reply_len);

#endif
