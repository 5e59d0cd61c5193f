/*
 * httpd_route: routing inside httpd. Finds the route of a request and
 * calls its handler, or answers 404 (no such path) or 405 with an Allow
 * header (the path exists for other methods). Used by httpd only.
 */
#ifndef HALE_HTTPD_ROUTE_H
#define HALE_HTTPD_ROUTE_H

#include "http/httpd.h"

void	httpd_dispatch(const struct httpd_route *, void *ctx,
	    const struct httpd_request *, struct httpd_response *);

#endif
