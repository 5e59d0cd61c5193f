/*
 * selfcheck: `haled --probe URL`, the client a container's HEALTHCHECK
 * runs, so the image needs no curl and no shell. One blocking HTTP/1.1
 * GET over a plain TCP socket or TLS (GnuTLS), bounded in time and size:
 *
 *	selfcheck_parse_url ─► getaddrinfo ─► connect (poll, timeout)
 *	    [─► TLS handshake] ─► "GET path HTTP/1.1" ─► read the status
 *	    line ─► close
 *
 * https: the certificate is not verified when the host is a loopback
 * address (127.0.0.0/8, ::1, localhost): a HEALTHCHECK asks its own
 * container's haled, whose certificate names the public name, not
 * 127.0.0.1. Any other host is verified against the system's CAs and by
 * its name. No client certificate is sent, so a web config that requires
 * one (RequireAnyClientCert, RequireAndVerifyClientCert) makes --probe
 * fail with 403.
 *
 * It runs before and instead of the daemon, never on the event loop,
 * which is why blocking is fine here and nowhere else.
 */
#ifndef HALE_SELFCHECK_H
#define HALE_SELFCHECK_H

#include <stddef.h>

#define SELFCHECK_TIMEOUT_MS	3000

struct selfcheck_url {
	char	host[256];	/* without the brackets of an IPv6 literal */
	char	port[6];
	char	path[1024];	/* from the first '/', "/" when absent */
	char	hostport[270];	/* for the Host header, as written in the URL */
	int	tls;		/* https:// */
};

/* http:// or https://HOST[:PORT][/PATH]; -1 with the reason. Pure. */
int	selfcheck_parse_url(const char *url, struct selfcheck_url *,
	    char *err, size_t errlen);
/*
 * GETs the URL, all of it within timeout_ms. Returns the HTTP status
 * (100-599), or -1 with the reason (refused, timed out, not HTTP).
 */
int	selfcheck_run(const char *url, int timeout_ms, char *err,
	    size_t errlen);

#endif
