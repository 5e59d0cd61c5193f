/*
 * docker_parse_host: the --docker.host setting (unix:///path,
 * tcp://HOST:PORT) to the socket path and base URL requests use.
 */
#include "docker/docker_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

static int
host_char_ok(int c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' ||
	    c == '[' || c == ']';
}

int
docker_endpoint_parse(const char *s, struct docker_endpoint *ep, char *err,
    size_t errlen)
{
	const char	*path = NULL, *hp, *colon;
	size_t		 i;
	int		 port;

	memset(ep, 0, sizeof(*ep));
	if (s == NULL || *s == '\0') {
		err_set(err, errlen, "empty docker host");
		return -1;
	}
	if (strncmp(s, "unix://", 7) == 0)
		path = s + 7;
	else if (*s == '/')
		path = s;
	if (path != NULL) {
		if (*path != '/' || strlen(path) >= sizeof(ep->socket_path)) {
			err_set(err, errlen, "unix socket path must be absolute "
			    "and at most 107 bytes");
			return -1;
		}
		memcpy(ep->socket_path, path, strlen(path) + 1);
		/* The host part of the URL is ignored over a unix socket. */
		snprintf(ep->base_url, sizeof(ep->base_url), "http://localhost");
		return 0;
	}
	if (strncmp(s, "tcp://", 6) != 0) {
		err_set(err, errlen, "docker host is not unix:///PATH or "
		    "tcp://HOST:PORT");
		return -1;
	}
	hp = s + 6;
	colon = strrchr(hp, ':');
	if (colon == NULL || colon == hp || strlen(hp) > 255) {
		err_set(err, errlen, "docker host is not tcp://HOST:PORT");
		return -1;
	}
	for (i = 0; hp + i < colon; i++)
		if (!host_char_ok((unsigned char)hp[i])) {
			err_set(err, errlen, "bad character in docker host");
			return -1;
		}
	port = 0;
	for (i = 1; colon[i] != '\0'; i++) {
		if (!isdigit((unsigned char)colon[i]) || i > 5) {
			err_set(err, errlen, "bad port in docker host");
			return -1;
		}
		port = port * 10 + (colon[i] - '0');
	}
	if (port < 1 || port > 65535) {
		err_set(err, errlen, "bad port in docker host");
		return -1;
	}
	snprintf(ep->base_url, sizeof(ep->base_url), "http://%s", hp);
	return 0;
}
