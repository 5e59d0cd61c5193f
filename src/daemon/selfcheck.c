/* selfcheck: haled --probe URL (see selfcheck.h). */
#include "daemon/selfcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/num.h"

#define STATUS_LINE_MAX	512	/* what is read of the answer */

/* The connection: a socket, with TLS over it for https. */
struct link {
	int				 fd;
	gnutls_session_t		 tls;	/* NULL: plain */
	gnutls_certificate_credentials_t cred;
};

int
selfcheck_parse_url(const char *url, struct selfcheck_url *u, char *err,
    size_t errlen)
{
	const char	*p, *auth, *end, *colon = NULL;
	uint64_t	 port = 80;
	size_t		 hlen;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "https://", 8) == 0) {
		u->tls = 1;
		port = 443;
		auth = url + 8;
	} else if (strncmp(url, "http://", 7) == 0)
		auth = url + 7;
	else
		return err_set(err, errlen, "only http:// and https:// URLs can "
		    "be probed");
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return err_set(err, errlen, "the URL must not carry credentials");
	if (*auth == '[') {
		if ((p = memchr(auth, ']', (size_t)(end - auth))) == NULL)
			return err_set(err, errlen, "unclosed [ in the host");
		hlen = (size_t)(p - auth - 1);
		memcpy(u->host, auth + 1, hlen < sizeof(u->host) ? hlen : 0);
		if (p[1] == ':')
			colon = p + 1;
		else if (p + 1 != end)
			return err_set(err, errlen, "junk after the IPv6 address");
	} else {
		colon = memchr(auth, ':', (size_t)(end - auth));
		hlen = (size_t)((colon != NULL ? colon : end) - auth);
		memcpy(u->host, auth, hlen < sizeof(u->host) ? hlen : 0);
	}
	if (hlen == 0 || hlen >= sizeof(u->host))
		return err_set(err, errlen, "the URL needs a host (of at most %zu bytes)",
		    sizeof(u->host) - 1);
	if (colon != NULL) {
		char	 num[8];
		size_t	 n = (size_t)(end - colon - 1);

		if (n == 0 || n >= sizeof(num))
			return err_set(err, errlen, "bad port in the URL");
		memcpy(num, colon + 1, n);
		num[n] = '\0';
		if (num_parse_range(num, 1, 65535, &port) == -1)
			return err_set(err, errlen, "bad port in the URL");
	}
	snprintf(u->port, sizeof(u->port), "%u", (unsigned)port);
	if ((size_t)(end - auth) >= sizeof(u->hostport))
		return err_set(err, errlen, "the URL's host is too long");
	memcpy(u->hostport, auth, (size_t)(end - auth));
	if (*end == '#' || strpbrk(end, " \r\n\t#") != NULL)
		return err_set(err, errlen, "the URL's path holds a space, a control "
		    "character or a fragment");
	if (*end == '\0')
		strcpy(u->path, "/");
	else if (snprintf(u->path, sizeof(u->path), "%s%s", *end == '?' ? "/" : "",
	    end) >= (int)sizeof(u->path))
		return err_set(err, errlen, "the URL's path is too long");
	return 0;
}

/* Milliseconds left before the deadline, at least 0. */
static int
left_ms(double deadline)
{
	double	 left = (deadline - clock_mono()) * 1000.0;

	return left > 0 ? (int)left + 1 : 0;
}

/* Waits for fd to be ready for `events`; -1 on timeout (errno ETIMEDOUT). */
static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd	 pfd = { .fd = fd, .events = events };
	int		 n;

	do {
		n = poll(&pfd, 1, left_ms(deadline));
	} while (n == -1 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

/* A connected non-blocking socket to one of the addresses, or -1. */
static int
dial(const struct selfcheck_url *u, double deadline, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc, soerr = 0;
	socklen_t	 sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0)
		return err_set(err, errlen, "%s: %s", u->host, gai_strerror(rc));
	err_set(err, errlen, "%s: no address", u->host);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err_set(err, errlen, "socket: %s", strerror(errno));
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0) {
			sl = sizeof(soerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
			    soerr == 0)
				break;
			errno = soerr;
		}
		err_set(err, errlen, "connect to %s: %s", u->hostport,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
		close(fd);
		fd = -1;
		if (left_ms(deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	return fd;
}

/* 127.0.0.0/8, ::1 or localhost: the container's own haled. */
static int
is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
}

static int
is_ip(const char *host)
{
	unsigned char	 a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* Waits for what GnuTLS was blocked on. */
static int
tls_wait(const struct link *k, double deadline)
{
	return wait_fd(k->fd, gnutls_record_get_direction(k->tls) ? POLLOUT :
	    POLLIN, deadline);
}

static int
link_tls(struct link *k, const struct selfcheck_url *u, double deadline,
    char *err, size_t errlen)
{
	int	 rc;

	if (gnutls_certificate_allocate_credentials(&k->cred) < 0 ||
	    gnutls_init(&k->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0)
		return err_set(err, errlen, "out of memory");
	gnutls_set_default_priority(k->tls);
	if (!is_loopback(u->host)) {
		if (gnutls_certificate_set_x509_system_trust(k->cred) < 0)
			return err_set(err, errlen, "no system CA certificates "
			    "to verify %s with", u->host);
		gnutls_session_set_verify_cert(k->tls, u->host, 0);
		if (!is_ip(u->host))
			gnutls_server_name_set(k->tls, GNUTLS_NAME_DNS, u->host,
			    strlen(u->host));
	}
	gnutls_credentials_set(k->tls, GNUTLS_CRD_CERTIFICATE, k->cred);
	gnutls_transport_set_int(k->tls, k->fd);
	while ((rc = gnutls_handshake(k->tls)) < 0) {
		if (gnutls_error_is_fatal(rc))
			return err_set(err, errlen, "TLS with %s: %s", u->hostport,
			    gnutls_strerror(rc));
		if (tls_wait(k, deadline) == -1)
			return err_set(err, errlen, "TLS with %s: timed out",
			    u->hostport);
	}
	return 0;
}

static void
link_close(struct link *k)
{
	if (k->tls != NULL)
		gnutls_deinit(k->tls);
	if (k->cred != NULL)
		gnutls_certificate_free_credentials(k->cred);
	if (k->fd != -1)
		close(k->fd);
}

static int
send_all(const struct link *k, const char *p, size_t len, double deadline)
{
	ssize_t	 n;

	while (len > 0) {
		if (k->tls != NULL) {
			n = gnutls_record_send(k->tls, p, len);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				if (tls_wait(k, deadline) == -1)
					return -1;
				continue;
			}
			if (n < 0) {
				errno = EPROTO;
				return -1;
			}
		} else {
			if (wait_fd(k->fd, POLLOUT, deadline) == -1)
				return -1;
			if ((n = send(k->fd, p, len, MSG_NOSIGNAL)) == -1) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				return -1;
			}
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Some bytes, 0 at the end, -1 with errno. */
static ssize_t
recv_some(const struct link *k, char *buf, size_t cap, double deadline)
{
	ssize_t	 n;

	for (;;) {
		if (k->tls == NULL || gnutls_record_check_pending(k->tls) == 0)
			if (wait_fd(k->fd, POLLIN, deadline) == -1)
				return -1;
		if (k->tls == NULL) {
			if ((n = recv(k->fd, buf, cap, 0)) == -1 &&
			    (errno == EINTR || errno == EAGAIN))
				continue;
			return n;
		}
		n = gnutls_record_recv(k->tls, buf, cap);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n == GNUTLS_E_PREMATURE_TERMINATION)
			return 0;
		if (n < 0) {
			errno = EPROTO;
			return -1;
		}
		return n;
	}
}

/* Reads until the end of the status line; its length, or -1. */
static ssize_t
read_status_line(const struct link *k, char *buf, size_t cap, double deadline)
{
	size_t	 len = 0;
	ssize_t	 n;

	while (len < cap - 1) {
		if ((n = recv_some(k, buf + len, cap - 1 - len, deadline)) == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n') != NULL)
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* "HTTP/1.x NNN ..." to NNN, or -1. */
static int
parse_status(const char *line)
{
	uint64_t	 code;
	char		 num[4];

	if (strncmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' ||
	    line[8] != ' ')
		return -1;
	memcpy(num, line + 9, 3);
	num[3] = '\0';
	if (line[12] != ' ' && line[12] != '\r' && line[12] != '\n')
		return -1;
	if (num_parse_range(num, 100, 599, &code) == -1)
		return -1;
	return (int)code;
}

int
selfcheck_run(const char *url, int timeout_ms, char *err, size_t errlen)
{
	struct selfcheck_url	 u;
	struct link		 k = { -1, NULL, NULL };
	char			 req[1400], line[STATUS_LINE_MAX];
	double			 deadline = clock_mono() + timeout_ms / 1000.0;
	ssize_t			 n;
	int			 code, len;

	if (selfcheck_parse_url(url, &u, err, errlen) == -1)
		return -1;
	len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: haled-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n",
	    u.path, u.hostport);
	if (len < 0 || (size_t)len >= sizeof(req))
		return err_set(err, errlen, "the URL is too long");
	if ((k.fd = dial(&u, deadline, err, errlen)) == -1)
		return -1;
	if (u.tls && link_tls(&k, &u, deadline, err, errlen) == -1) {
		link_close(&k);
		return -1;
	}
	if (send_all(&k, req, (size_t)len, deadline) == -1) {
		err_set(err, errlen, "sending to %s: %s", u.hostport,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
		link_close(&k);
		return -1;
	}
	n = read_status_line(&k, line, sizeof(line), deadline);
	link_close(&k);
	if (n == -1)
		return err_set(err, errlen, "waiting for %s: %s", u.hostport,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
	if (n == 0)
		return err_set(err, errlen, "%s closed the connection without an "
		    "answer", u.hostport);
	if ((code = parse_status(line)) == -1)
		return err_set(err, errlen, "%s did not answer HTTP", u.hostport);
	return code;
}
