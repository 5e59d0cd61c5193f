/*
 * docker_req: one HTTP request of the Docker client to the engine, on
 * curlev: building the easy handle (unix socket or TCP, timeouts, a
 * bounded body), handing it over, and telling what went wrong with it.
 * The caller (docker.c) gets it back in its `done` dispatch.
 */
#include "docker/docker_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION		"0"
#endif
#define USER_AGENT		"haled/" PACKAGE_VERSION

size_t
docker_req_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	size_t			 n = size * nmemb;

	if (r->body.len + n > r->body_max) {
		r->overflow = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	buf_append(&r->body, data, n);
	return r->body.oom ? CURL_WRITEFUNC_ERROR : n;
}

void
docker_req_free(struct docker_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	if (r->tail != NULL) {
		logtail_free(r->tail);
		free(r->tail);
	}
	buf_free(&r->body);
	free(r);
}

struct docker_req *
docker_req_new(struct docker *d, enum docker_req_kind kind, const char *path,
    size_t body_max, int post, double timeout)
{
	struct docker_req	*r;
	char			 url[DOCKER_FILTER_MAX + 512];	/* a filtered list or events */

	if ((size_t)snprintf(url, sizeof(url), "%s%s", d->ep.base_url, path) >=
	    sizeof(url))
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->d = d;
	r->kind = kind;
	r->body_max = body_max;
	buf_init(&r->body);
	if ((r->easy = curl_easy_init()) == NULL) {
		free(r);
		return NULL;
	}
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	if (d->ep.socket_path[0] != '\0')
		curl_easy_setopt(r->easy, CURLOPT_UNIX_SOCKET_PATH,
		    d->ep.socket_path);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http");
#endif
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(d->cfg.connect_timeout * 1000));
	if (timeout > 0)
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS,
		    (long)(timeout * 1000));
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, docker_req_on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	if (post) {
		/*
		 * An action is sent at most once. On a reused connection that
		 * dies before any answer (the engine crashed mid-restart),
		 * libcurl would send the request again on a new one, and report
		 * that attempt's error instead of the lost answer.
		 */
		curl_easy_setopt(r->easy, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(r->easy, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(r->easy, CURLOPT_POST, 1L);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, 0L);
	}
	return r;
}

int
docker_req_submit(struct docker *d, struct docker_req *r)
{
	char	 err[256];

	if (curlev_add(d->cv, r->easy, docker_req_done, r, err,
	    sizeof(err)) == -1) {
		log_warn("docker request not started", LOG_S("err", err));
		docker_req_free(r);
		return -1;
	}
	TAILQ_INSERT_TAIL(&d->reqs, r, entry);
	return 0;
}

/*
 * curl's text names "localhost port 80" even for a unix socket: name the
 * socket (or host and port) that was tried, the errno, and what to do.
 */
static void
connect_failure(struct docker_req *r, char *msg, size_t msglen)
{
	const struct docker	*d = r->d;
	const char		*where = d->ep.socket_path, *hint = "";
	long			 e = 0;

	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &e);
	if (where[0] == '\0')
		where = strncmp(d->ep.base_url, "http://", 7) == 0 ?
		    d->ep.base_url + 7 : d->ep.base_url;
	switch (e) {
	case ENOENT:
		hint = "; is Docker running? If its socket is elsewhere, "
		    "set --docker.host";
		break;
	case EACCES:
	case EPERM:
		hint = "; run haled as root or as a member of the socket's "
		    "group (docker)";
		break;
	case ECONNREFUSED:
		hint = "; nothing accepts connections there: is Docker running?";
		break;
	}
	if (e != 0)
		snprintf(msg, msglen, "cannot connect to %s: %s%s", where,
		    strerror((int)e), hint);
	else
		snprintf(msg, msglen, "cannot connect to %s: %s", where,
		    r->errbuf[0] != '\0' ? r->errbuf : "connection failed");
}

const char *
docker_req_failure(struct docker_req *r, CURLcode rc, long *status, char *msg,
    size_t msglen, const char **key)
{
	*status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, status);
	if (key != NULL)
		*key = "";
	if (rc != CURLE_OK) {
		if (key != NULL)
			*key = r->overflow ? "reply too large" :
			    curl_easy_strerror(rc);
		if (r->overflow)
			snprintf(msg, msglen, "reply larger than %zu bytes",
			    r->body_max);
		else if (rc == CURLE_COULDNT_CONNECT)
			connect_failure(r, msg, msglen);
		else
			snprintf(msg, msglen, "%s", r->errbuf[0] != '\0' ?
			    r->errbuf : curl_easy_strerror(rc));
		return msg;
	}
	if (*status < 200 || *status > 299) {
		if (key != NULL)
			*key = "HTTP error";
		/* Docker's errors are {"message":"..."}; show a bounded bit. */
		snprintf(msg, msglen, "HTTP %ld: %.*s", *status,
		    (int)(r->body.len > 200 ? 200 : r->body.len),
		    r->body.len > 0 ? r->body.data : "");
		return msg;
	}
	return NULL;
}
