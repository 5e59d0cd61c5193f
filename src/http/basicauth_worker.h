/*
 * basicauth_worker: password hashes checked on threads of their own, so
 * a bcrypt of a quarter second never stalls the loop.
 *
 *	loop: basicauth_worker_submit --> queue (bounded) --> cond signal
 *	thread: pop --> auth_password_ok (crypt_r) --> done list
 *	        --> ev_async_send
 *	loop: async_cb --> done(arg, job) for each job done, in order
 *
 * The threads see only a job's password and hash and write only its
 * `ok`; everything else about a job belongs to the loop. Nothing but
 * the queue and the done list is shared, under one mutex.
 */
#ifndef HALE_BASICAUTH_WORKER_H
#define HALE_BASICAUTH_WORKER_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "http/auth.h"

#define BASICAUTH_THREADS	2
#define BASICAUTH_QUEUE_MAX	32	/* jobs waiting or being hashed */

struct basicauth_job {
	struct basicauth_job	*next;
	char			 password[AUTH_HEADER_MAX];
	char			 hash[AUTH_HASH_MAX + 1];
	/* 1 match, 0 no match, -1 never checked (the worker was freed) */
	int			 ok;
};

struct basicauth_worker;

typedef void	basicauth_done_fn(void *arg, struct basicauth_job *);

struct basicauth_worker *basicauth_worker_new(struct ev_loop *,
	    unsigned threads, size_t queue_max, basicauth_done_fn *, void *arg,
	    char *err, size_t errlen);
/*
 * Stops and joins the threads; every job not yet handed back is, with
 * ok -1 when it was never checked.
 */
void	basicauth_worker_free(struct basicauth_worker *);
/* Starts the threads if none runs yet: 0, or -1 when none could start. */
int	basicauth_worker_start(struct basicauth_worker *);
/* 1 when a submit now would be refused. */
int	basicauth_worker_full(const struct basicauth_worker *);
/*
 * -1 when the queue is full or no thread could start; the job is the
 * worker's until done.
 */
int	basicauth_worker_submit(struct basicauth_worker *,
	    struct basicauth_job *);
/* Jobs submitted and not yet handed back. */
size_t	basicauth_worker_inflight(const struct basicauth_worker *);
/* Hashes checked since the start. */
uint64_t basicauth_worker_hashed(const struct basicauth_worker *);

#endif
