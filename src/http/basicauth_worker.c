/*
 * basicauth_worker: a bounded queue of password checks, a few threads
 * that run them, and an ev_async that hands the results to the loop.
 *
 *	submit (loop) --> queue --> thread: crypt_r --> done --> ev_async
 *	    --> async_cb (loop) --> done(arg, job)
 */
#include "http/basicauth_worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct basicauth_worker {
	struct ev_loop		*loop;
	ev_async		 async;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_t		 th[BASICAUTH_THREADS];
	unsigned		 want;		/* threads to start at the first job */
	unsigned		 nth;
	int			 stopping;
	/* under mu */
	struct basicauth_job	*queue, **queue_tail;
	struct basicauth_job	*done, **done_tail;
	/* the loop's */
	size_t			 inflight;
	size_t			 max;
	uint64_t		 hashed;
	basicauth_done_fn	*done_fn;
	void			*arg;
};

static void
append(struct basicauth_job ***tail, struct basicauth_job *j)
{
	j->next = NULL;
	**tail = j;
	*tail = &j->next;
}

static void *
thread_main(void *arg)
{
	struct basicauth_worker	*w = arg;
	struct basicauth_job	*j;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->queue == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stopping)
			break;
		j = w->queue;
		if ((w->queue = j->next) == NULL)
			w->queue_tail = &w->queue;
		pthread_mutex_unlock(&w->mu);
		j->ok = auth_password_ok(j->password, j->hash);
		pthread_mutex_lock(&w->mu);
		append(&w->done_tail, j);
		ev_async_send(w->loop, &w->async);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* The done list, taken whole under the lock and handed back outside it. */
static void
deliver(struct basicauth_worker *w)
{
	struct basicauth_job	*j, *next;

	pthread_mutex_lock(&w->mu);
	j = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		w->inflight--;
		if (j->ok >= 0)
			w->hashed++;
		w->done_fn(w->arg, j);
	}
}

static void
async_cb(struct ev_loop *loop, ev_async *a, int revents)
{
	(void)loop;
	(void)revents;
	deliver(a->data);
}

struct basicauth_worker *
basicauth_worker_new(struct ev_loop *loop, unsigned threads, size_t queue_max,
    basicauth_done_fn *done, void *arg, char *err, size_t errlen)
{
	struct basicauth_worker	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	w->loop = loop;
	w->max = queue_max;
	w->done_fn = done;
	w->arg = arg;
	w->queue_tail = &w->queue;
	w->done_tail = &w->done;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	ev_async_init(&w->async, async_cb);
	w->async.data = w;
	ev_async_start(loop, &w->async);
	/* Waiting requests keep the loop busy already; this alone must not. */
	ev_unref(loop);
	w->want = threads > BASICAUTH_THREADS ? BASICAUTH_THREADS :
	    threads > 0 ? threads : 1;
	return w;
}

/*
 * The threads start with the first password to check: a haled without
 * users never has them, and a process with one thread does not pay the
 * kernel's reference counting of a shared descriptor table on every
 * read of a scrape.
 */
int
basicauth_worker_start(struct basicauth_worker *w)
{
	while (w->nth < w->want &&
	    pthread_create(&w->th[w->nth], NULL, thread_main, w) == 0)
		w->nth++;
	return w->nth > 0 ? 0 : -1;
}

void
basicauth_worker_free(struct basicauth_worker *w)
{
	struct basicauth_job	*j;
	unsigned		 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->nth; i++)
		pthread_join(w->th[i], NULL);
	/* What was never checked goes back as such, after what was. */
	for (j = w->queue; j != NULL; j = j->next)
		j->ok = -1;
	if (w->queue != NULL) {
		*w->done_tail = w->queue;
		w->done_tail = w->queue_tail;
		w->queue = NULL;
		w->queue_tail = &w->queue;
	}
	deliver(w);
	ev_ref(w->loop);
	ev_async_stop(w->loop, &w->async);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int
basicauth_worker_full(const struct basicauth_worker *w)
{
	return w->inflight >= w->max;
}

int
basicauth_worker_submit(struct basicauth_worker *w, struct basicauth_job *j)
{
	if (basicauth_worker_full(w) || basicauth_worker_start(w) == -1)
		return -1;
	w->inflight++;
	pthread_mutex_lock(&w->mu);
	append(&w->queue_tail, j);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

size_t
basicauth_worker_inflight(const struct basicauth_worker *w)
{
	return w->inflight;
}

uint64_t
basicauth_worker_hashed(const struct basicauth_worker *w)
{
	return w->hashed;
}
