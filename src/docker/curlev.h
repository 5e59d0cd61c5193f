/*
 * curlev: one libcurl multi handle driven by a libev loop.
 *
 * The only module that knows both libraries. Callers build an easy
 * handle with whatever options they need, hand it over with curlev_add()
 * and get it back in their `done` callback, already removed from the
 * multi handle: they may then clean it up or reuse it.
 *
 * Rules for callers:
 * - curlev owns CURLOPT_PRIVATE on handles it runs; don't set it.
 * - Don't call curlev_add/curlev_remove from inside a libcurl callback
 *   (write, header, ...); libcurl forbids it. Defer to the loop (an
 *   ev_timer of 0 s). `done` callbacks run from the loop, not from
 *   libcurl, so they may add and remove transfers freely.
 */
#ifndef HALE_CURLEV_H
#define HALE_CURLEV_H

#include <curl/curl.h>
#include <ev.h>

struct curlev;

/*
 * Called once per transfer with libcurl's result. The handle is no
 * longer in the multi. During curlev_free() pending transfers are
 * reported with CURLE_ABORTED_BY_CALLBACK.
 */
typedef void curlev_done_cb(CURL *easy, CURLcode, void *arg);

/*
 * curl_global_init(CURL_GLOBAL_DEFAULT), with libssh2 (if libcurl links
 * it) told first not to initialise its crypto library: haled speaks only
 * http and https, and OpenSSL's initialisation alone keeps ~1.4 MiB
 * resident. Once, before any thread; curl_global_cleanup() undoes it.
 */
CURLcode curlev_global_init(void);
/*
 * curlev_global_init() must have been called (main does it once). NULL
 * with a message on failure.
 */
struct curlev *curlev_new(struct ev_loop *, char *err, size_t errlen);
/* -1 with a message if the handle could not be added (done is not called). */
int	curlev_add(struct curlev *, CURL *easy, curlev_done_cb *done,
	    void *arg, char *err, size_t errlen);
/*
 * Cancels a transfer: removes it without calling `done`; the caller owns
 * the easy handle again. 0 if it was running, -1 if curlev did not know it.
 */
int	curlev_remove(struct curlev *, CURL *easy);
/*
 * Removes every transfer, calling each `done` with
 * CURLE_ABORTED_BY_CALLBACK (curlev_add refuses new ones meanwhile), then
 * frees the multi handle and the watchers. The loop must still exist.
 */
void	curlev_free(struct curlev *);

#endif
