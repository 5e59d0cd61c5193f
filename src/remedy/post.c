/* post: a delivery POST on a reused easy handle (see post.h). */
#include "remedy/post.h"

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
