/*
 * docker_logs: the last lines of a container's log for an event's
 * context. One GET per event, its body fed to a logtail as it arrives
 * (never buffered whole), answered through the caller's callback when
 * Docker finishes or the request's own timeout ends it.
 *
 *	docker_container_logs ─► GET /containers/{id}/logs?tail=N
 *	   on_logs_body (libcurl's write callback) ─► logtail_feed
 *	   docker_req_done ─► docker_logs_done ─► logtail_finish ─► logs_cb
 */
#include "docker/docker_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/id.h"

static size_t
on_logs_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct docker_req	*r = arg;
	size_t			 n = size * nmemb;
	long			 status = 0;

	/* An error reply is Docker's JSON message: keep it bounded. */
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299)
		return docker_req_on_body(data, size, nmemb, arg);
	logtail_feed(r->tail, data, n);
	return r->tail->kept.oom ? CURL_WRITEFUNC_ERROR : n;
}

struct docker_req *
docker_container_logs(struct docker *d, const char *id, size_t lines,
    size_t max_bytes, double timeout, docker_logs_cb *cb, void *arg,
    char *err, size_t errlen)
{
	struct docker_req	*r;
	char			 path[256];

	if (!id_valid(id)) {
		err_set(err, errlen, "not a container id");
		return NULL;
	}
	if (!DOCKER_UP(d) || d->api == 0) {
		err_set(err, errlen, "docker is not connected");
		return NULL;
	}
	if (lines == 0 || lines > LOGTAIL_LINES_MAX)
		lines = LOGTAIL_LINES_DEFAULT;
	if (max_bytes == 0 || max_bytes > LOGTAIL_BYTES_MAX)
		max_bytes = LOGTAIL_BYTES_DEFAULT;
	snprintf(path, sizeof(path), "/v%d.%d/containers/%s/logs?stdout=1&"
	    "stderr=1&tail=%zu&timestamps=0", d->api / 100, d->api % 100, id,
	    lines);
	if ((r = docker_req_new(d, DOCKER_REQ_LOGS, path, 4096, 0,
	    timeout)) == NULL || (r->tail = malloc(sizeof(*r->tail))) == NULL) {
		docker_req_free(r);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	logtail_init(r->tail, LOGTAIL_AUTO, lines, max_bytes);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_logs_body);
	r->logs_cb = cb;
	r->logs_arg = arg;
	memcpy(r->id, id, sizeof(r->id));
	if (docker_req_submit(d, r) == -1) {
		err_set(err, errlen, "request not started");
		return NULL;
	}
	return r;
}

void
docker_logs_cancel(struct docker *d, struct docker_req *r)
{
	struct docker_req	*k;

	TAILQ_FOREACH(k, &d->reqs, entry)
		if (k == r)
			break;
	if (k == NULL)
		return;
	TAILQ_REMOVE(&d->reqs, r, entry);
	curlev_remove(d->cv, r->easy);
	docker_req_free(r);
}

void
docker_logs_done(struct docker_req *r, CURLcode rc)
{
	const char	*fail;
	char		 msg[512];
	long		 status;
	struct buf	 out;

	fail = docker_req_failure(r, rc, &status, msg, sizeof(msg), NULL);
	if (fail != NULL) {
		r->logs_cb(r->logs_arg, NULL, 0, fail);
		return;
	}
	buf_init(&out);
	if (logtail_finish(r->tail, &out) == -1)
		r->logs_cb(r->logs_arg, NULL, 0, "out of memory");
	else
		r->logs_cb(r->logs_arg, out.len > 0 ? out.data : "", out.len,
		    "");
	buf_free(&out);
}
