/*
 * httpd_queue: an httpd_response handed to libmicrohttpd: a buffer or a
 * chunked stream, its headers and the web config's, then queued. Internal
 * to httpd.
 */
#ifndef HALE_HTTPD_QUEUE_H
#define HALE_HTTPD_QUEUE_H

#include <microhttpd.h>

#include "http/httpd.h"

enum MHD_Result httpd_queue(struct MHD_Connection *, struct httpd_response *,
	    const struct httpd_web *);

#endif
