/* http_client: the unit tests' HTTP client, in a forked child (see the header). */
#include "http_client.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"

int
hc_dial(int port)
{
	return hc_dial_from(port, "127.0.0.1");
}

int
hc_dial_from(int port, const char *src)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 5, 0 };
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, src, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

void
hc_send(int fd, const char *s)
{
	size_t	 len = strlen(s), off = 0;
	ssize_t	 n;

	while (off < len && (n = send(fd, s + off, len - off, MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
}

void
hc_write(int out, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0 && (n = write(out, p, len)) > 0) {
		p += n;
		len -= (size_t)n;
	}
}

/* Copies what the server sends until it closes (or 5 s of silence). */
void
hc_relay(int fd, int out)
{
	char	 b[4096];
	ssize_t	 n;

	while ((n = recv(fd, b, sizeof(b), 0)) > 0)
		hc_write(out, b, (size_t)n);
}

/* Reads one response with a Content-Length and copies it. */
void
hc_relay_one(int fd, int out)
{
	char		 b[8192];
	size_t		 len = 0;
	ssize_t		 n;
	const char	*end, *cl;
	size_t		 need;

	while (len < sizeof(b) - 1 &&
	    (n = recv(fd, b + len, sizeof(b) - 1 - len, 0)) > 0) {
		len += (size_t)n;
		b[len] = '\0';
		if ((end = strstr(b, "\r\n\r\n")) == NULL)
			continue;
		cl = strcasestr(b, "Content-Length:");
		need = (size_t)(end + 4 - b) + (cl != NULL ?
		    strtoul(cl + 15, NULL, 10) : 0);
		if (len >= need)
			break;
	}
	hc_write(out, b, len);
}

void
hc_exchange(int port, int out, const char *request)
{
	int	 fd = hc_dial(port);

	if (fd == -1) {
		hc_write(out, "CONNECT FAILED", 14);
		return;
	}
	hc_send(fd, request);
	hc_relay(fd, out);
	close(fd);
}

struct collect {
	ev_io		 io;
	ev_timer	 deadline;
	struct buf	 got;
	int		 stop_after;	/* ev_break after this many bytes (0: at EOF) */
	int		 timed_out;
};

static void
collect_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct collect	*c = w->data;
	char		 b[4096];
	ssize_t		 n;

	(void)revents;
	n = read(w->fd, b, sizeof(b));
	if (n > 0)
		buf_append(&c->got, b, (size_t)n);
	if (n <= 0 || (c->stop_after > 0 &&
	    c->got.len >= (size_t)c->stop_after))
		ev_break(loop, EVBREAK_ONE);
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct collect	*c = w->data;

	(void)revents;
	c->timed_out = 1;
	ev_break(loop, EVBREAK_ONE);
}

/* The child must not keep the server's sockets open (its listener above all). */
static void
close_inherited(int keep)
{
	int	 fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

static pid_t
spawn(hc_client_fn *fn, int port, int *rd)
{
	int	 p[2];
	pid_t	 pid;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close_inherited(p[1]);
		fn(port, p[1]);
		close(p[1]);
		_exit(0);
	}
	assert_true(pid > 0);
	close(p[1]);
	*rd = p[0];
	return pid;
}

char *
hc_run(struct ev_loop *loop, int port, hc_client_fn *fn, int stop_after,
    pid_t *pidp, int *rdp, size_t *lenp)
{
	struct collect	 c;
	pid_t		 pid;
	int		 rd, status;
	size_t		 len;

	memset(&c, 0, sizeof(c));
	buf_init(&c.got);
	c.stop_after = stop_after;
	pid = spawn(fn, port, &rd);
	ev_io_init(&c.io, collect_cb, rd, EV_READ);
	c.io.data = &c;
	ev_io_start(loop, &c.io);
	ev_timer_init(&c.deadline, deadline_cb, HC_TIMEOUT, 0.);
	c.deadline.data = &c;
	ev_timer_start(loop, &c.deadline);
	ev_run(loop, 0);
	ev_io_stop(loop, &c.io);
	ev_timer_stop(loop, &c.deadline);
	if (c.timed_out)
		kill(pid, SIGKILL);
	if (stop_after > 0 && !c.timed_out) {
		*pidp = pid;
		*rdp = rd;
	} else {
		close(rd);
		waitpid(pid, &status, 0);
	}
	assert_false(c.timed_out);
	if (lenp != NULL)
		*lenp = c.got.len;
	buf_putc(&c.got, '\0');
	return buf_steal(&c.got, &len);
}

/* The forked child inherits it. */
static const char	*one_request;

static void
send_one_request(int port, int out)
{
	hc_exchange(port, out, one_request);
}

char *
hc_request(struct ev_loop *loop, int port, const char *request, size_t *len)
{
	one_request = request;
	return hc_run(loop, port, send_one_request, 0, NULL, NULL, len);
}

/* A port free on loopback right now. */
int
hc_free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* The body after the header block. */
const char *
hc_body(const char *resp)
{
	const char	*p = strstr(resp, "\r\n\r\n");

	return p != NULL ? p + 4 : "";
}

int
hc_dechunk_n(const char *p, size_t len, char *out, size_t cap, size_t *outlen)
{
	const char	*end = p + len;
	unsigned long	 n;
	char		*e;

	*outlen = 0;
	for (;;) {
		n = strtoul(p, &e, 16);
		if (e == p || e + 2 > end || strncmp(e, "\r\n", 2) != 0)
			return -1;
		if (n == 0)
			return 0;
		p = e + 2;
		if ((size_t)(end - p) < n + 2 || *outlen + n > cap)
			return -1;
		memcpy(out + *outlen, p, n);
		*outlen += n;
		p += n + 2;
	}
}

int
hc_dechunk(const char *p, char *out, size_t cap)
{
	size_t	 n;

	if (cap == 0 || hc_dechunk_n(p, strlen(p), out, cap - 1, &n) == -1)
		return -1;
	out[n] = '\0';
	return 0;
}
