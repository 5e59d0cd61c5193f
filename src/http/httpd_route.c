/*
 * httpd_route: the response helpers handlers use, and routing: which
 * handler a request's method and path name, or a 404/405 answer.
 */
#include "http/httpd_route.h"

#include <stdio.h>
#include <string.h>

void
httpd_add_header(struct httpd_response *resp, const char *name,
    const char *value)
{
	if (resp->nheaders == HTTPD_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

void
httpd_stream_body(struct httpd_response *resp, httpd_reader *read,
    void *arg, void (*release)(void *))
{
	resp->stream = read;
	resp->stream_arg = arg;
	resp->stream_free = release;
}

void
httpd_text(struct httpd_response *resp, unsigned status, const char *text)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	buf_puts(&resp->body, text);
	buf_putc(&resp->body, '\n');
}

static int
route_matches(const struct httpd_route *rt, const char *path)
{
	if (rt->prefix)
		return strncmp(path, rt->path, strlen(rt->path)) == 0;
	return strcmp(path, rt->path) == 0;
}

static int
method_matches(const struct httpd_route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 ||
	    (strcmp(rt->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* Appends a method to a 405's Allow list once. */
static void
allow_add(struct httpd_response *resp, const char *method)
{
	size_t	 len = strlen(resp->allow);

	if (strstr(resp->allow, method) != NULL)
		return;
	snprintf(resp->allow + len, sizeof(resp->allow) - len, "%s%s",
	    len > 0 ? ", " : "", method);
}

/* Finds the handler, or answers 404/405 itself. */
void
httpd_dispatch(const struct httpd_route *routes, void *ctx,
    const struct httpd_request *req, struct httpd_response *resp)
{
	const struct httpd_route	*rt;
	const char			*path = httpd_request_path(req);
	const char			*method = httpd_request_method(req);

	for (rt = routes; rt->path != NULL; rt++) {
		if (!route_matches(rt, path))
			continue;
		if (method_matches(rt, method)) {
			rt->fn(ctx, req, resp);
			return;
		}
		allow_add(resp, rt->method);
		if (strcmp(rt->method, "GET") == 0)
			allow_add(resp, "HEAD");
	}
	if (resp->allow[0] != '\0') {
		httpd_add_header(resp, "Allow", resp->allow);
		httpd_text(resp, 405, "method not allowed");
	} else
		httpd_text(resp, 404, "not found");
}
