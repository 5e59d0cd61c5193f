/*
 * curlev: libcurl's multi_socket API on a libev loop (the shape of
 * curl's docs/examples/evhiperfifo.c, without its integer-division bug).
 *
 *   curlev_add ──► curl_multi_add_handle ──► timer_fn (curl → us): arm ev_timer
 *
 *   ev_timer fires ─► on_timer ─┐
 *   ev_io ready ────► on_io ────┴► curl_multi_socket_action
 *                                     ├─► sock_fn (curl → us): start/stop/modify ev_io
 *                                     ├─► timer_fn (curl → us): re-arm ev_timer
 *                                     └─► (then, always) dispatch: curl_multi_info_read
 *                                            └─► remove handle ─► caller's done()
 *
 * Never close() a socket curl gave us: CURL_POLL_REMOVE only means "stop
 * watching", the socket may come back. Every mask change re-initialises
 * the watcher, since the fd number may by then be a different socket.
 */
#include "docker/curlev.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "core/err.h"
#include "core/log.h"

/* libssh2.h's value; the header is not needed for one flag. */
#define LIBSSH2_INIT_NO_CRYPTO	0x0001

/*
 * Debian's libcurl-gnutls links libssh2, which is built on OpenSSL:
 * curl_global_init() calls libssh2_init(0), and that initialises
 * OpenSSL (its error strings, providers, the config file), which
 * touches ~1.4 MiB of libcrypto that nothing in haled uses afterwards:
 * every easy handle is limited to http or https by
 * CURLOPT_PROTOCOLS_STR, and TLS is GnuTLS. libssh2 counts its inits
 * and only the first one decides, so calling it first with
 * LIBSSH2_INIT_NO_CRYPTO keeps OpenSSL asleep; curl_global_cleanup()'s
 * libssh2_exit() then balances curl's own init and ours stays counted,
 * which is harmless at exit. Were an ssh transfer ever made, OpenSSL 3
 * would still initialise itself on first use.
 *
 * The symbol is looked up in the libraries already loaded rather than
 * linked: haled then needs no libssh2 headers, and loads no libssh2 of
 * its own when libcurl is built without it (or with libssh instead).
 */
CURLcode
curlev_global_init(void)
{
	int	(*ssh2_init)(int);

	*(void **)&ssh2_init = dlsym(RTLD_DEFAULT, "libssh2_init");
	if (ssh2_init != NULL)
		(void)ssh2_init(LIBSSH2_INIT_NO_CRYPTO);
	return curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct curlev_xfer {
	CURL			*easy;
	curlev_done_cb		*done;
	void			*arg;
	TAILQ_ENTRY(curlev_xfer) entry;
};

struct curlev_sock {
	ev_io			 io;	/* first: the watcher is the struct */
	struct curlev		*cv;
	TAILQ_ENTRY(curlev_sock) entry;
};

struct curlev {
	struct ev_loop		*loop;
	CURLM			*multi;
	ev_timer		 timer;
	int			 closing;
	TAILQ_HEAD(, curlev_xfer) xfers;
	TAILQ_HEAD(, curlev_sock) socks;
};

static struct curlev_xfer *
private_of(CURL *easy)
{
	char	*p = NULL;

	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK)
		return NULL;
	return (struct curlev_xfer *)(void *)p;
}

/* Hands every finished transfer back to its owner. */
static void
dispatch(struct curlev *cv)
{
	CURLMsg			*msg;
	CURL			*easy;
	CURLcode		 rc;
	struct curlev_xfer	*x;
	curlev_done_cb		*done;
	void			*arg;
	int			 left;

	while ((msg = curl_multi_info_read(cv->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with remove_handle: copy what we need first. */
		easy = msg->easy_handle;
		rc = msg->data.result;
		x = private_of(easy);
		curl_multi_remove_handle(cv->multi, easy);
		if (x == NULL)
			continue;	/* not ours: cannot happen */
		TAILQ_REMOVE(&cv->xfers, x, entry);
		done = x->done;
		arg = x->arg;
		free(x);
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		done(easy, rc, arg);
	}
}

static void
socket_action(struct curlev *cv, curl_socket_t fd, int mask)
{
	CURLMcode	 mc;
	int		 still;

	mc = curl_multi_socket_action(cv->multi, fd, mask, &still);
	if (mc != CURLM_OK)
		log_warn("curl multi error", LOG_S("err", curl_multi_strerror(mc)));
	/* Always: a completion may be queued even when nothing is running. */
	dispatch(cv);
}

static void
on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	socket_action(w->data, CURL_SOCKET_TIMEOUT, 0);
}

static void
on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct curlev_sock	*sk = (struct curlev_sock *)w;
	int			 mask = 0;

	(void)loop;
	if (revents & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	if (revents & EV_ERROR) {
		/* libev stopped the watcher: the fd went bad under us. */
		log_warn("curl socket error", LOG_I("fd", w->fd));
		mask |= CURL_CSELECT_ERR;
	}
	socket_action(sk->cv, w->fd, mask);
}

/* libcurl tells us which sockets to watch for what. */
static int
sock_fn(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct curlev		*cv = userp;
	struct curlev_sock	*sk = socketp;
	int			 ev = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			ev_io_stop(cv->loop, &sk->io);
			TAILQ_REMOVE(&cv->socks, sk, entry);
			free(sk);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	if (sk == NULL) {
		if ((sk = calloc(1, sizeof(*sk))) == NULL) {
			/* -1 would abort every transfer; this one times out. */
			log_error("curlev: out of memory");
			return 0;
		}
		sk->cv = cv;
		TAILQ_INSERT_TAIL(&cv->socks, sk, entry);
		curl_multi_assign(cv->multi, fd, sk);
	} else
		ev_io_stop(cv->loop, &sk->io);
	ev_io_init(&sk->io, on_io, fd, ev);
	ev_io_start(cv->loop, &sk->io);
	return 0;
}

/* libcurl's single timeout: -1 deletes it, 0 means "as soon as possible". */
static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct curlev	*cv = userp;

	(void)multi;
	ev_timer_stop(cv->loop, &cv->timer);
	if (timeout_ms >= 0) {
		/* A 0 s timer runs on the next loop iteration, not recursively. */
		ev_timer_set(&cv->timer, (double)timeout_ms / 1000.0, 0.);
		ev_timer_start(cv->loop, &cv->timer);
	}
	return 0;
}

struct curlev *
curlev_new(struct ev_loop *loop, char *err, size_t errlen)
{
	struct curlev	*cv;

	if ((cv = calloc(1, sizeof(*cv))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((cv->multi = curl_multi_init()) == NULL) {
		err_set(err, errlen, "curl_multi_init failed");
		free(cv);
		return NULL;
	}
	cv->loop = loop;
	TAILQ_INIT(&cv->xfers);
	TAILQ_INIT(&cv->socks);
	ev_timer_init(&cv->timer, on_timer, 0., 0.);
	cv->timer.data = cv;
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETFUNCTION, sock_fn);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERDATA, cv);
	return cv;
}

int
curlev_add(struct curlev *cv, CURL *easy, curlev_done_cb *done, void *arg,
    char *err, size_t errlen)
{
	struct curlev_xfer	*x;
	CURLMcode		 mc;

	if (cv->closing) {
		err_set(err, errlen, "shutting down");
		return -1;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	x->easy = easy;
	x->done = done;
	x->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
	/* add_handle arms the timer through timer_fn; the loop does the rest. */
	if ((mc = curl_multi_add_handle(cv->multi, easy)) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(x);
		err_set(err, errlen, "curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
		return -1;
	}
	TAILQ_INSERT_TAIL(&cv->xfers, x, entry);
	return 0;
}

static struct curlev_xfer *
find_xfer(struct curlev *cv, CURL *easy)
{
	struct curlev_xfer	*x, *y;

	if ((x = private_of(easy)) == NULL)
		return NULL;
	/* Don't trust the pointer blindly: it must be one of ours. */
	TAILQ_FOREACH(y, &cv->xfers, entry)
		if (y == x && y->easy == easy)
			return y;
	return NULL;
}

int
curlev_remove(struct curlev *cv, CURL *easy)
{
	struct curlev_xfer	*x;

	if ((x = find_xfer(cv, easy)) == NULL)
		return -1;
	curl_multi_remove_handle(cv->multi, easy);
	TAILQ_REMOVE(&cv->xfers, x, entry);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	free(x);
	return 0;
}

void
curlev_free(struct curlev *cv)
{
	struct curlev_xfer	*x;
	struct curlev_sock	*sk;
	CURL			*easy;
	curlev_done_cb		*done;
	void			*arg;

	if (cv == NULL)
		return;
	cv->closing = 1;
	while ((x = TAILQ_FIRST(&cv->xfers)) != NULL) {
		easy = x->easy;
		done = x->done;
		arg = x->arg;
		curl_multi_remove_handle(cv->multi, easy);
		TAILQ_REMOVE(&cv->xfers, x, entry);
		free(x);
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		done(easy, CURLE_ABORTED_BY_CALLBACK, arg);
	}
	/* May call sock_fn with CURL_POLL_REMOVE: our lists are still valid. */
	curl_multi_cleanup(cv->multi);
	while ((sk = TAILQ_FIRST(&cv->socks)) != NULL) {
		ev_io_stop(cv->loop, &sk->io);
		TAILQ_REMOVE(&cv->socks, sk, entry);
		free(sk);
	}
	ev_timer_stop(cv->loop, &cv->timer);
	free(cv);
}
