/* httpd_listen: a listen address into a socket address, and bind errors (see httpd_listen.h). */
#include "http/httpd_listen.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* Resolves [HOST]:PORT; an empty host means every address (dual stack). */
int
httpd_resolve(const char *addr, struct sockaddr_storage *ss, socklen_t *sslen,
    int *any, uint16_t *port, char *err, size_t errlen)
{
	char		 host[128];
	const char	*colon = strrchr(addr, ':');
	struct addrinfo	 hints, *res;
	size_t		 hlen;
	int		 rc;

	if (colon == NULL || (hlen = (size_t)(colon - addr)) >= sizeof(host))
		return err_set(err, errlen, "%s: bad address", addr);
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)atoi(colon + 1);
	*any = hlen == 0;
	if (*any)
		return 0;
	if (host[0] == '[' && hlen >= 2 && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		return err_set(err, errlen, "%s: %s", addr, gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * MHD tells only that it failed; the errno of its bind or listen is still
 * there when it is one of these, and says what to do.
 */
void
httpd_listen_failure(const char *addr, int e, char *err, size_t errlen)
{
	switch (e) {
	case EADDRINUSE:
		err_set(err, errlen, "%s: cannot listen: %s; stop what listens "
		    "there or choose another --web.listen-address", addr,
		    strerror(e));
		break;
	case EACCES:
		err_set(err, errlen, "%s: cannot listen: %s; ports below 1024 "
		    "need root or CAP_NET_BIND_SERVICE", addr, strerror(e));
		break;
	case EADDRNOTAVAIL:
		err_set(err, errlen, "%s: cannot listen: %s; the host has no "
		    "such address", addr, strerror(e));
		break;
	default:
		err_set(err, errlen, "%s: cannot listen (address in use or not "
		    "available); choose another --web.listen-address", addr);
	}
}
