/*
 * probe_target: where a spec's probe connects for one container, always
 * the container itself: 127.0.0.1 inside its network namespace, its own
 * address on its network, or the host port it publishes. Pure.
 */
#include "check/probe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

static int
set_addr(struct probe_target *t, const char *ip, uint16_t port)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)(void *)&t->addr;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)(void *)&t->addr;

	memset(&t->addr, 0, sizeof(t->addr));
	t->port = port;
	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		t->addrlen = sizeof(*in4);
		snprintf(t->host, sizeof(t->host), "%s", ip);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		t->addrlen = sizeof(*in6);
		snprintf(t->host, sizeof(t->host), "[%s]", ip);
		return 0;
	}
	return -1;
}

/* The container's own address: the first IPv4 of its networks, else IPv6. */
static const char *
own_ip(const struct docker_inspect *d)
{
	size_t	 i;

	for (i = 0; i < d->nnetworks; i++)
		if (d->networks[i].ip != NULL && d->networks[i].ip[0] != '\0')
			return d->networks[i].ip;
	for (i = 0; i < d->nnetworks; i++)
		if (d->networks[i].ip6 != NULL && d->networks[i].ip6[0] != '\0')
			return d->networks[i].ip6;
	return NULL;
}

static const struct docker_port *
published(const struct docker_inspect *d, uint16_t port)
{
	size_t	 i;

	for (i = 0; i < d->nports; i++)
		if (d->ports[i].container_port == port &&
		    strcmp(d->ports[i].proto, "tcp") == 0 &&
		    d->ports[i].host_port != 0)
			return &d->ports[i];
	return NULL;
}

int
probe_target_resolve(const struct checkspec *s, const struct docker_inspect *d,
    int can_netns, struct probe_target *t, char *err, size_t errlen)
{
	const struct docker_port	*pp;
	const char			*ip, *hip;

	memset(t, 0, sizeof(*t));
	t->nsfd = -1;
	t->how = s->target;
	if (t->how == CHECKSPEC_TARGET_AUTO)
		t->how = can_netns ? CHECKSPEC_TARGET_NETNS :
		    own_ip(d) != NULL ? CHECKSPEC_TARGET_IP :
		    published(d, s->port) != NULL ? CHECKSPEC_TARGET_HOST :
		    CHECKSPEC_TARGET_AUTO;
	switch (t->how) {
	case CHECKSPEC_TARGET_NETNS:
		if (!can_netns)
			return err_set(err, errlen, "target netns: haled may not enter "
			    "network namespaces (needs CAP_SYS_ADMIN)");
		return set_addr(t, "127.0.0.1", s->port);
	case CHECKSPEC_TARGET_IP:
		if ((ip = own_ip(d)) == NULL || set_addr(t, ip, s->port) == -1)
			return err_set(err, errlen, "target ip: the container has no "
			    "IP address (network mode %.40s)",
			    d->network_mode != NULL ? d->network_mode : "?");
		return 0;
	case CHECKSPEC_TARGET_HOST:
		if ((pp = published(d, s->port)) == NULL)
			return err_set(err, errlen, "target host: port %u/tcp is not "
			    "published", s->port);
		/* Published on every address: take loopback of that family. */
		hip = pp->host_ip;
		if (hip[0] == '\0' || strcmp(hip, "0.0.0.0") == 0)
			hip = "127.0.0.1";
		else if (strcmp(hip, "::") == 0)
			hip = "::1";
		if (set_addr(t, hip, pp->host_port) == -1)
			return err_set(err, errlen, "target host: unusable host address");
		return 0;
	case CHECKSPEC_TARGET_AUTO:
		break;
	}
	return err_set(err, errlen, "no way to reach port %u: haled may not enter "
	    "network namespaces and the container has no IP address or "
	    "published port", s->port);
}
