/*
 * probe_tcp: one TCP check, a small state machine on the loop (relayd's
 * check_tcp.c shape). Every path ends in exactly one tcp_done().
 *
 *   probe_tcp_start: netns_socket ─► connect(2), non-blocking
 *        │  EINPROGRESS / connected        │ refused at once
 *        ▼                                 ▼
 *   on_io EV_WRITE (CONNECTING)        timer 0 s ─► on_timer ─► tcp_done
 *        │ SO_ERROR == 0
 *        ├─ send string? ─► SENDING: write until all sent (EV_WRITE)
 *        ├─ expect prefix? ─► READING: read until the prefix is in (EV_READ)
 *        └─ neither ─► tcp_done(ok)
 *   on_timer (the timeout, armed once at start) ─► tcp_done(timeout)
 *
 * The socket is closed with SO_LINGER 0: a reset instead of a FIN, so
 * hundreds of probes a second don't pile up TIME_WAIT sockets.
 */
#include "check/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"

enum tcp_state {
	TCP_CONNECTING,
	TCP_SENDING,
	TCP_READING,
	TCP_FINISHING,		/* result pending, delivered by the timer */
};

struct probe_tcp {
	ev_io			 io;
	ev_timer		 timer;
	const struct probe_env	*env;
	const struct checkspec	*spec;
	int			 fd;
	enum tcp_state		 state;
	size_t			 sent;
	char			 rbuf[CHECKSPEC_BYTES_MAX];
	size_t			 rlen;
	double			 t0;		/* monotonic */
	struct probe_result	 res;
	probe_done_cb		*done;
	void			*arg;
};


void
probe_socket_close(int *fd)
{
	struct linger	 lg = { 1, 0 };

	if (*fd == -1)
		return;
	setsockopt(*fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(*fd);
	*fd = -1;
}

int
probe_socket_error(int fd)
{
	int		 e = 0;
	socklen_t	 len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		e = errno;
	return e;
}

static void
tcp_close(struct probe_tcp *p)
{
	ev_io_stop(p->env->loop, &p->io);
	ev_timer_stop(p->env->loop, &p->timer);
	probe_socket_close(&p->fd);
}

/* The one exit: report, then free. */
static void
tcp_done(struct probe_tcp *p, enum probe_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
tcp_done(struct probe_tcp *p, enum probe_class cls, const char *fmt, ...)
{
	va_list		 ap;
	probe_done_cb	*done = p->done;
	void		*arg = p->arg;

	tcp_close(p);
	p->res.cls = cls;
	p->res.duration = clock_mono() - p->t0;
	va_start(ap, fmt);
	err_vset(p->res.msg, sizeof(p->res.msg), fmt, ap);
	va_end(ap);
	done(arg, &p->res);
	free(p);
}

static void
tcp_fail_errno(struct probe_tcp *p, const char *what, int e)
{
	tcp_done(p, probe_class_of_errno(e), "%s: %s", what, strerror(e));
}

/* Defers a result to the loop, so start never calls back. */
static void
tcp_finish_later(struct probe_tcp *p, enum probe_class cls, const char *what,
    int e)
{
	p->state = TCP_FINISHING;
	p->res.cls = cls;
	snprintf(p->res.msg, sizeof(p->res.msg), "%s: %s", what, strerror(e));
	ev_io_stop(p->env->loop, &p->io);
	ev_timer_stop(p->env->loop, &p->timer);
	ev_timer_set(&p->timer, 0., 0.);
	ev_timer_start(p->env->loop, &p->timer);
}

static void
watch(struct probe_tcp *p, int events)
{
	ev_io_stop(p->env->loop, &p->io);
	ev_io_set(&p->io, p->fd, events);
	ev_io_start(p->env->loop, &p->io);
}

/* After the connect or the send: what's next. */
static void
tcp_next(struct probe_tcp *p)
{
	const struct checkspec	*s = p->spec;

	if (p->state == TCP_CONNECTING && s->send != NULL) {
		p->state = TCP_SENDING;
		watch(p, EV_WRITE);
		return;
	}
	if (s->expect != NULL) {
		p->state = TCP_READING;
		watch(p, EV_READ);
		return;
	}
	tcp_done(p, PROBE_OK, "%s", s->send != NULL ? "sent" : "connected");
}

static void
tcp_connected(struct probe_tcp *p)
{
	int	 e = probe_socket_error(p->fd);

	if (e != 0) {
		tcp_fail_errno(p, "connect", e);
		return;
	}
	tcp_next(p);
}

static void
tcp_send(struct probe_tcp *p)
{
	const struct checkspec	*s = p->spec;
	ssize_t			 n;

	n = send(p->fd, s->send + p->sent, s->send_len - p->sent, MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		tcp_fail_errno(p, "send", errno);
		return;
	}
	p->sent += (size_t)n;
	if (p->sent == s->send_len)
		tcp_next(p);
}

static void
tcp_read(struct probe_tcp *p)
{
	const struct checkspec	*s = p->spec;
	ssize_t			 n;

	n = recv(p->fd, p->rbuf + p->rlen, s->expect_len - p->rlen, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		tcp_fail_errno(p, "recv", errno);
		return;
	}
	if (n == 0) {
		tcp_done(p, p->rlen == 0 ? PROBE_RESET : PROBE_BODY,
		    "connection closed after %zu of %zu expected bytes",
		    p->rlen, s->expect_len);
		return;
	}
	/* Compare as it comes: a wrong first byte fails at once. */
	if (memcmp(p->rbuf + p->rlen, s->expect + p->rlen, (size_t)n) != 0) {
		tcp_done(p, PROBE_BODY, "reply does not start with the expected "
		    "%zu bytes", s->expect_len);
		return;
	}
	p->rlen += (size_t)n;
	if (p->rlen == s->expect_len)
		tcp_done(p, PROBE_OK, "reply matched");
}

static void
on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe_tcp	*p = w->data;

	(void)loop;
	(void)revents;
	switch (p->state) {
	case TCP_CONNECTING:
		tcp_connected(p);
		break;
	case TCP_SENDING:
		tcp_send(p);
		break;
	case TCP_READING:
		tcp_read(p);
		break;
	case TCP_FINISHING:
		break;
	}
}

static void
on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_tcp	*p = w->data;
	char			 msg[sizeof(p->res.msg)];

	(void)loop;
	(void)revents;
	if (p->state == TCP_FINISHING) {
		memcpy(msg, p->res.msg, sizeof(msg));
		tcp_done(p, p->res.cls, "%s", msg);
		return;
	}
	tcp_done(p, PROBE_TIMEOUT, "%s timed out after %llums",
	    p->state == TCP_CONNECTING ? "connect" :
	    p->state == TCP_SENDING ? "send" : "reply",
	    (unsigned long long)p->spec->timeout_ms);
}

struct probe_tcp *
probe_tcp_start(const struct probe_env *env, const struct checkspec *spec,
    const struct probe_target *t, probe_done_cb *done, void *arg, char *err,
    size_t errlen)
{
	struct probe_tcp	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	p->env = env;
	p->spec = spec;
	p->done = done;
	p->arg = arg;
	p->t0 = clock_mono();
	p->res.time = ev_now(env->loop);
	p->fd = netns_socket(env->netns, t->nsfd, t->addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, err, errlen);
	if (p->fd == -1) {
		free(p);
		return NULL;
	}
	ev_io_init(&p->io, on_io, p->fd, EV_WRITE);
	p->io.data = p;
	ev_timer_init(&p->timer, on_timer, (double)spec->timeout_ms / 1000.0, 0.);
	p->timer.data = p;
	p->state = TCP_CONNECTING;
	if (connect(p->fd, (const struct sockaddr *)&t->addr, t->addrlen) == -1 &&
	    errno != EINPROGRESS) {
		tcp_finish_later(p, probe_class_of_errno(errno), "connect", errno);
		return p;
	}
	/* Connected or in progress: writable means done either way. */
	ev_io_start(env->loop, &p->io);
	ev_timer_start(env->loop, &p->timer);
	return p;
}

void
probe_tcp_cancel(struct probe_tcp *p)
{
	if (p == NULL)
		return;
	tcp_close(p);
	free(p);
}

enum probe_class
probe_class_of_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return PROBE_REFUSED;
	case ECONNRESET:
	case EPIPE:
	case ECONNABORTED:
		return PROBE_RESET;
	case ETIMEDOUT:
		return PROBE_TIMEOUT;
	default:
		return PROBE_ERROR;
	}
}
