/*
 * api_reset: the reset endpoint's request side: credentials, the path's
 * container reference, and the answer's status and JSON. The executor
 * only learns which container to reset.
 */
#include "http/api_reset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/log.h"

#define API_PREFIX	"/api/v1/containers/"
#define RESET_SUFFIX	"/reset"

static void
json_error(struct httpd_response *r, unsigned status, const char *msg)
{
	cJSON	*o;

	r->status = status;
	r->content_type = "application/json";
	buf_reset(&r->body);
	if ((o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "error", msg);
	if (json_emit(o, &r->body) == 0)
		buf_putc(&r->body, '\n');
}

/*
 * Basic credentials for web.admin_user: through basicauth, whose verdict
 * may come after a wait (the response is then left alone). Anything else
 * is auth_check's: a bearer token is compared on the spot, and Basic
 * without an admin user is wrong without hashing anything.
 */
static enum auth_result
verdict(const struct auth_config *a, struct basicauth *ba,
    const struct httpd_request *req, struct httpd_response *r, int *answered)
{
	const char	*hdr = httpd_request_header(req, "Authorization");
	unsigned	 retry = 1;

	*answered = 0;
	if (!auth_enabled(a) || a->user == NULL || *a->user == '\0' ||
	    hdr == NULL || strncasecmp(hdr, "Basic ", 6) != 0)
		return auth_check(a, hdr);
	switch (ba != NULL ? basicauth_check(ba, BASICAUTH_ADMIN, req, &retry) :
	    BASICAUTH_BUSY) {
	case BASICAUTH_OK:
		return AUTH_OK;
	case BASICAUTH_WAIT:
		*answered = 1;
		return AUTH_DENIED;
	case BASICAUTH_LIMITED:
		json_error(r, 429, "too many failed logins from this address");
		snprintf(r->value, sizeof(r->value), "%u", retry);
		httpd_add_header(r, "Retry-After", r->value);
		*answered = 1;
		return AUTH_DENIED;
	case BASICAUTH_BUSY:
		json_error(r, 503, "too many logins being checked; retry");
		httpd_add_header(r, "Retry-After", "1");
		*answered = 1;
		return AUTH_DENIED;
	case BASICAUTH_MISSING:
		return AUTH_MISSING;
	case BASICAUTH_DENIED:
		break;
	}
	return AUTH_DENIED;
}

/* 0 when the credentials let the request through, else the answer is made. */
static int
refused(const struct auth_config *a, struct basicauth *ba,
    const struct httpd_request *req, struct httpd_response *r)
{
	enum auth_result	 res;
	int			 answered;

	res = verdict(a, ba, req, r, &answered);
	if (answered)
		return 1;
	switch (res) {
	case AUTH_OFF:
		json_error(r, 403, "admin endpoints are off: set web.admin_token "
		    "or web.admin_user and web.admin_password_hash");
		return 1;
	case AUTH_MISSING:
	case AUTH_DENIED:
		/* Basic failures are logged by basicauth, once per address a minute. */
		if (httpd_request_verdict(req) < 0)
			log_warn("admin request refused",
			    LOG_S("path", httpd_request_path(req)));
		json_error(r, 401, "authentication required");
		httpd_add_header(r, "WWW-Authenticate", auth_challenge(a));
		return 1;
	case AUTH_OK:
		break;
	}
	return 0;
}

/* The {ref} of /api/v1/containers/{ref}/reset; -1 if the path is not one. */
static int
path_ref(const char *path, char *ref, size_t reflen)
{
	size_t	 plen = strlen(API_PREFIX), slen = strlen(RESET_SUFFIX);
	size_t	 n = strlen(path);

	if (n <= plen + slen || strncmp(path, API_PREFIX, plen) != 0 ||
	    strcmp(path + n - slen, RESET_SUFFIX) != 0 ||
	    n - plen - slen >= reflen)
		return -1;
	memcpy(ref, path + plen, n - plen - slen);
	ref[n - plen - slen] = '\0';
	return 0;
}

static void
reset_done(struct remedy_exec *rx, const struct inv_container *ic,
    struct httpd_response *r)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL) {
		json_error(r, 500, "out of memory");
		return;
	}
	cJSON_AddStringToObject(o, "id", ic->d.id);
	cJSON_AddStringToObject(o, "name", ic->d.name != NULL ? ic->d.name : "");
	cJSON_AddBoolToObject(o, "reset", 1);
	remedy_exec_json(rx, ic->d.id, o);
	r->status = 200;
	r->content_type = "application/json";
	buf_reset(&r->body);
	if (json_emit(o, &r->body) == -1) {
		json_error(r, 500, "out of memory");
		return;
	}
	buf_putc(&r->body, '\n');
}

void
api_reset(struct remedy_exec *rx, const struct auth_config *a,
    struct basicauth *ba, const struct httpd_request *req,
    struct httpd_response *r)
{
	const struct inv_container	*ic;
	char				 ref[DOCKER_NAME_MAX + 1];

	if (refused(a, ba, req, r))
		return;
	if (path_ref(httpd_request_path(req), ref, sizeof(ref)) == -1) {
		json_error(r, 404, "not found");
		return;
	}
	switch (remedy_exec_reset(rx, ref, &ic)) {
	case REMEDY_RESET_OK:
		reset_done(rx, ic, r);
		return;
	case REMEDY_RESET_UNKNOWN:
		break;
	}
	json_error(r, 404, "no such container");
}
