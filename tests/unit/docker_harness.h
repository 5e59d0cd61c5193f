/*
 * docker_harness: a Docker client on a real loop against the fake engine,
 * for the client's tests (test_docker_client, test_docker_ctl).
 *
 *   dh_setup / dh_teardown      cmocka fixtures; *state is a struct dh
 *   dh_setup_bare, dh_client    the same in two steps, for a client
 *                               with other settings
 *   dh_init, dh_fini            the same on a struct dh inside the
 *                               caller's own (the executor's tests)
 *   dh_script_engine            a healthy engine: version 1.41, an open
 *                               events stream, the list and four inspects
 *   dh_start_synced             start the client and wait for the table
 *   dh_wait_*                   run the loop until a count is reached
 *                               (fails the test after 5 s)
 */
#ifndef DOCKER_HARNESS_H
#define DOCKER_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "docker/docker.h"
#include "fake_engine.h"

/* The containers of tests/fixtures/docker/containers_list.json. */
#define WEB	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"
#define OOM	"7c211e2e79e32e13cd1d032af88c4f2ae689bbd56cedd4e22a7143ad7228baa7"
#define CREATED	"0af76ae1d251ecf1b0efa01bd60cacace99e27d49e43a7041a25914bcf4ef1a1"
#define PLAIN	"e6c66d8056e671e779e62cd971b1848d719020ec90caf4b9ffed2fdc681587a3"

#define P_VERSION	"/version"
#define P_EVENTS	"/v1.41/events"
#define P_LIST		"/v1.41/containers/json"
#define P_INSPECT	"/v1.41/containers/*/json"

struct dh {
	struct ev_loop		*loop;
	struct fake_engine	*fe;
	struct curlev		*cv;		/* NULL once a test freed it */
	struct inventory	*inv;
	struct docker		*d;		/* NULL once a test freed it */
};

/* A fixture file, NUL-terminated; the caller frees it. */
char	*dh_fixture(const char *name);
/* GET `pattern` answers 200 with the fixture `name`. */
void	 dh_serve_fixture(struct fake_engine *, const char *pattern,
	    const char *name);
void	 dh_script_engine(struct fake_engine *);

/* The loop, the engine, curlev and an inventory in *t; no client yet. */
void	 dh_init(struct dh *t);
/* Frees what *t holds (a client too, when t->d is set). */
void	 dh_fini(struct dh *t);
/* dh_init on a new struct dh, as a cmocka fixture. */
int	 dh_setup_bare(void **state);
/*
 * The client (t->d), not started, with short backoffs (20 to 100 ms) so
 * that reconnects take milliseconds; line_max 0 = the default.
 */
void	 dh_client(struct dh *, double request_timeout, size_t line_max);
/* Both, with a 5 s request timeout. */
int	 dh_setup_lines(void **state, size_t line_max);
int	 dh_setup(void **state);
/* Frees what is left (t->d and t->cv may be NULL). */
int	 dh_teardown(void **state);

struct docker_stats dh_stats(const struct dh *);
/* Conditions for fake_run_until; arg is the struct dh. */
int	 dh_is_up(void *arg);
int	 dh_is_down(void *arg);
/* Up, listed, and the four fixture containers inspected and in the table. */
int	 dh_synced(void *arg);

void	 dh_start_synced(struct dh *);
/* The engine has seen `n` requests matching (method, pattern). */
void	 dh_wait_requests(struct dh *, const char *method, const char *pattern,
	    unsigned n);
/* The counter of docker_stats at offset `off` has reached `n`. */
void	 dh_wait_stat(struct dh *, size_t off, uint64_t n);
#define dh_wait_inspects(t, n)	\
	dh_wait_stat(t, offsetof(struct docker_stats, inspects), n)
#define dh_wait_resyncs(t, n)	\
	dh_wait_stat(t, offsetof(struct docker_stats, resyncs), n)
#define dh_wait_events(t, a, n)	dh_wait_stat(t, \
	offsetof(struct docker_stats, events) + (a) * sizeof(uint64_t), n)

/* An event line (with its newline) as Docker 20.10 writes it. */
void	 dh_event_line(char *out, size_t outlen, const char *action,
	    const char *id, const char *attrs);

#endif
