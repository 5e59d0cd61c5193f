/* httpd_queue: an httpd_response handed to libmicrohttpd. */
#include "http/httpd_queue.h"

#include <stdlib.h>

#include "core/buf.h"
#include "http/webcfg.h"

/* The most a streamed body's reader is asked for at once. */
#define STREAM_BLOCK	(32 * 1024)

enum MHD_Result
httpd_queue(struct MHD_Connection *conn, struct httpd_response *resp,
    const struct httpd_web *web)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;
	size_t			 len;
	char			*body;
	unsigned		 i;

	if (resp->body.oom) {
		buf_free(&resp->body);
		httpd_text(resp, 500, "out of memory");
	}
	if (resp->stream != NULL) {
		/* Chunked; MHD calls stream_free when done, not on failure. */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
		    STREAM_BLOCK, resp->stream, resp->stream_arg,
		    resp->stream_free);
		if (r == NULL) {
			resp->stream_free(resp->stream_arg);
			return MHD_NO;
		}
	} else {
		body = buf_steal(&resp->body, &len);
		r = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL) {
			free(body);
			return MHD_NO;
		}
	}
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp->content_type);
	for (i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	for (i = 0; i < web->nheaders; i++)
		MHD_add_response_header(r, web->headers[i].name,
		    web->headers[i].value);
	rc = MHD_queue_response(conn, resp->status, r);
	MHD_destroy_response(r);
	return rc;
}
