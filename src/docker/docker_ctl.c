/*
 * docker_ctl: the container control requests remediation asks for
 * (POST /containers/{id}/restart, stop, kill), checked before they go
 * out and answered through the caller's callback when Docker replies.
 * They share the client's connection settings and only run while it is
 * up, so the negotiated API version is known.
 */
#include "docker/docker_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/id.h"

#define BODY_MAX_CTL	(64 * 1024)
#define SIGNAL_NAME_MAX	16

/* "SIGTERM", "TERM", "9", "SIGRTMIN+3": letters, digits and '+'. */
static int
signal_name_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i > SIGNAL_NAME_MAX || !(isalnum((unsigned char)s[i]) ||
		    s[i] == '+'))
			return 0;
	return i > 0;
}

/* The path of the request, or -1 with a message. */
static int
ctl_path(const struct docker *d, const char *id, enum docker_ctl op,
    int timeout, const char *signal, char *path, size_t pathlen, char *err,
    size_t errlen)
{
	const char	*verb;
	char		 q[48];

	q[0] = '\0';
	if (op == DOCKER_CTL_KILL) {
		verb = "kill";
		if (signal != NULL) {
			if (!signal_name_ok(signal)) {
				err_set(err, errlen, "bad signal name");
				return -1;
			}
			snprintf(q, sizeof(q), "?signal=%s", signal);
		}
	} else {
		verb = op == DOCKER_CTL_RESTART ? "restart" : "stop";
		if (timeout >= 0)
			snprintf(q, sizeof(q), "?t=%d", timeout);
	}
	snprintf(path, pathlen, "/v%d.%d/containers/%s/%s%s",
	    d->api / 100, d->api % 100, id, verb, q);
	return 0;
}

int
docker_container_ctl(struct docker *d, const char *id, enum docker_ctl op,
    int timeout, const char *signal, docker_ctl_cb *cb, void *arg,
    char *err, size_t errlen)
{
	struct docker_req	*r;
	char			 path[256];
	double			 limit;

	if (!id_valid(id)) {
		err_set(err, errlen, "not a container id");
		return -1;
	}
	if (!DOCKER_UP(d) || d->api == 0) {
		err_set(err, errlen, "docker is not connected");
		return -1;
	}
	if (ctl_path(d, id, op, timeout, signal, path, sizeof(path), err,
	    errlen) == -1)
		return -1;
	/* Docker answers after the grace period: allow for it. */
	limit = d->cfg.request_timeout + (timeout > 0 ? timeout : 10);
	if ((r = docker_req_new(d, DOCKER_REQ_CTL, path, BODY_MAX_CTL, 1,
	    limit)) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	r->ctl_cb = cb;
	r->ctl_arg = arg;
	memcpy(r->id, id, sizeof(r->id));
	if (docker_req_submit(d, r) == -1) {
		err_set(err, errlen, "request not started");
		return -1;
	}
	return 0;
}

void
docker_ctl_done(struct docker_req *r, CURLcode rc)
{
	const char	*fail;
	char		 msg[512];
	long		 status;

	/* 304 is stop's "already stopped": the wanted end state. */
	fail = docker_req_failure(r, rc, &status, msg, sizeof(msg), NULL);
	if (fail == NULL || status == 304)
		r->ctl_cb(r->ctl_arg, 1, status, "");
	else
		r->ctl_cb(r->ctl_arg, 0, status, fail);
}
