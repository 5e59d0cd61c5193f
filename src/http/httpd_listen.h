/*
 * httpd_listen: what httpd needs to bind a listen address: [HOST]:PORT
 * resolved, and the message for a bind that failed. Internal to httpd.
 */
#ifndef HALE_HTTPD_LISTEN_H
#define HALE_HTTPD_LISTEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Resolves [HOST]:PORT; an empty host means every address (dual stack). */
int	httpd_resolve(const char *addr, struct sockaddr_storage *ss,
	    socklen_t *sslen, int *any, uint16_t *port, char *err,
	    size_t errlen);
/* The message for a failed listen, from the errno MHD left. */
void	httpd_listen_failure(const char *addr, int e, char *err,
	    size_t errlen);

#endif
