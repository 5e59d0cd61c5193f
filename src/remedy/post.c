/* post: a delivery POST on a reused easy handle (see post.h). */
#include "remedy/post.h"

#include <stdio.h>
#include <string.h>

static size_t
discard_reply(char *p, size_t size, size_t nmemb, void *arg)
{
	size_t	*seen = arg;

	(void)p;
	*seen += size * nmemb;
	/* Returning less than given aborts the transfer. */
	return *seen > POST_REPLY_MAX ? 0 : size * nmemb;
}

void
post_setup(CURL *e, const char *url, const char *body, size_t len,
    struct curl_slist *headers, long timeout_ms, size_t *reply_len)
{
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hale/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, reply_len);
	*reply_len = 0;
}

/* host[:port] of an http(s) URL, without user info; "" if none. */
static void
url_host(const char *url, char *out, size_t len)
{
	const char	*p, *end, *at;

	out[0] = '\0';
	if ((p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

void
post_dest_init(struct post_dest *d, const char *type, const char *name,
    const char *url, const struct post_dest *prev, size_t n)
{
	char		 base[POST_DEST_MAX - 8];
	unsigned	 k = 1;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	d->type = type;
	if (name != NULL && name[0] != '\0')
		snprintf(base, sizeof(base), "%s", name);
	else
		url_host(url, base, sizeof(base));
	snprintf(d->name, sizeof(d->name), "%s", base);
	for (i = 0; i < n; i++)
		if (strcmp(prev[i].name, d->name) == 0) {
			snprintf(d->name, sizeof(d->name), "%s#%u", base, ++k);
			i = (size_t)-1;		/* look again for the new name */
		}
}

enum post_result
post_classify(CURLcode rc, long status)
{
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return POST_TIMEOUT;
	if (rc == CURLE_OK && status >= 200 && status <= 299)
		return POST_OK;
	return POST_ERROR;
}

void
post_write_metrics(struct metrics_writer *w,
    const struct post_dest *const *lists, const size_t *counts, size_t nlists)
{
	static const char	*const res[POST_RESULTS] = {
		"ok", "error", "timeout", "dropped"
	};
	struct buf		 l;
	size_t			 i, k;
	int			 r;

	metrics_family(w, "hale_notify_deliveries_total", METRICS_COUNTER,
	    "Deliveries by destination (a webhook or an Alertmanager of the "
	    "config) and result: ok, error, timeout, dropped (never sent).");
	buf_init(&l);
	for (i = 0; i < nlists; i++)
		for (k = 0; k < counts[i]; k++)
			for (r = 0; r < POST_RESULTS; r++) {
				const struct post_dest *d = &lists[i][k];

				buf_reset(&l);
				metrics_label(&l, "type", d->type);
				metrics_label(&l, "destination", d->name);
				metrics_label(&l, "result", res[r]);
				if (l.oom)
					break;
				metrics_sample_u64(w,
				    "hale_notify_deliveries_total", l.data,
				    NULL, d->n[r]);
			}
	buf_free(&l);
}
