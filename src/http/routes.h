/* routes: the HTTP endpoints of haled and their handlers. */
#ifndef HALE_ROUTES_H
#define HALE_ROUTES_H

#include "http/httpd.h"

extern const struct httpd_route routes_table[];

#endif
