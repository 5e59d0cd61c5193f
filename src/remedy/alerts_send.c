/*
 * alerts_send: posting the alert table to each Alertmanager (see
 * alerts.h for the callback chain). Each Alertmanager has its own easy
 * handle and at most one POST in flight, so one that hangs delays
 * neither the others nor the loop; what it missed, the next POST
 * carries (the body is always the whole table).
 */
#include "remedy/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "remedy/post.h"

struct am {
	struct alertmgr		*m;
	size_t			 index;
	char			*url;		/* <base>/api/v2/alerts */
	CURL			*easy;
	struct curl_slist	*headers;
	int			 busy;
	int			 again;		/* the table changed while busy */
	char			*body;		/* the POST in flight */
	size_t			 reply_len;
	int			 failing;	/* for one log line per change */
};

struct alertmgr {
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct alerts		*table;
	struct am		*ams;
	struct post_dest	*dests;		/* one per Alertmanager */
	size_t			 nams;
	uint64_t		 resend_ms;
	uint64_t		 hold_ms;
	uint64_t		 timeout_ms;
	ev_timer		 kick;		/* 0 s: post from the loop */
	ev_timer		 resend;
	char			 host[256];
	struct alertmgr_stats	 st;
};

static void	post_all(struct alertmgr *);

static void
post_done(CURL *easy, CURLcode rc, void *arg)
{
	struct am	*a = arg;
	long		 status = 0;
	int		 ok;

	a->busy = 0;
	free(a->body);
	a->body = NULL;
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return;			/* shutting down */
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	ok = rc == CURLE_OK && status >= 200 && status <= 299;
	a->m->dests[a->index].n[post_classify(rc, status)]++;
	if (ok)
		a->m->st.ok++;
	else
		a->m->st.failed++;
	if ((!ok) != a->failing) {
		a->failing = !ok;
		if (!ok)
			log_warn("alertmanager post failed; retrying at the next "
			    "resend", LOG_S("destination",
			    a->m->dests[a->index].name), LOG_I("status", status),
			    LOG_S("err", rc != CURLE_OK ? curl_easy_strerror(rc) :
			    ""));
		else
			log_info("alertmanager reachable again",
			    LOG_S("destination", a->m->dests[a->index].name));
	}
	if (a->again && !ev_is_active(&a->m->kick))
		ev_timer_start(a->m->loop, &a->m->kick);
}

static void
post_one(struct am *a, const char *body, size_t len)
{
	CURL	*e;
	char	 err[128];

	if (a->busy) {
		a->again = 1;
		return;
	}
	a->again = 0;
	if ((a->easy == NULL && (a->easy = curl_easy_init()) == NULL) ||
	    (a->body = malloc(len + 1)) == NULL) {
		a->m->st.failed++;
		a->m->dests[a->index].n[POST_DROPPED]++;
		return;
	}
	memcpy(a->body, body, len + 1);
	e = a->easy;
	post_setup(e, a->url, a->body, len, a->headers, (long)a->m->timeout_ms,
	    &a->reply_len);
	if (curlev_add(a->m->cv, e, post_done, a, err, sizeof(err)) == -1) {
		free(a->body);
		a->body = NULL;
		a->m->st.failed++;
		a->m->dests[a->index].n[POST_DROPPED]++;
		return;
	}
	a->busy = 1;
}

static void
post_all(struct alertmgr *m)
{
	struct buf	 b;
	double		 now = ev_now(m->loop);
	size_t		 i;

	alerts_tick(m->table, now, m->resend_ms);
	m->st.firing = alerts_firing(m->table);
	buf_init(&b);
	if (alerts_json(m->table, now, m->resend_ms, &b) == 0 && b.len > 2)
		for (i = 0; i < m->nams; i++)
			post_one(&m->ams[i], b.data, b.len);
	buf_free(&b);
}

static void
kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	post_all(w->data);
}

static void
resend_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	post_all(w->data);
}

/* ---- Alertmanagers ------------------------------------------------------ */

static void
ams_free(struct alertmgr *m)
{
	size_t	 i;

	for (i = 0; i < m->nams; i++) {
		struct am *a = &m->ams[i];

		if (a->busy && a->easy != NULL)
			curlev_remove(m->cv, a->easy);
		if (a->easy != NULL)
			curl_easy_cleanup(a->easy);
		curl_slist_free_all(a->headers);
		free(a->body);
		free(a->url);
	}
	free(m->ams);
	free(m->dests);
	m->ams = NULL;
	m->dests = NULL;
	m->nams = 0;
	ev_timer_stop(m->loop, &m->resend);
}

static int
ams_build(struct alertmgr *m, const struct alerts_config *cfg, char *err,
    size_t errlen)
{
	struct curl_slist	*l;
	size_t			 i, n;

	m->resend_ms = cfg != NULL ? cfg->resend_ms : ALERTS_RESEND_DEFAULT_MS;
	m->hold_ms = cfg != NULL ? cfg->hold_ms : ALERTS_HOLD_DEFAULT_MS;
	m->timeout_ms = cfg != NULL ? cfg->timeout_ms : ALERTS_TIMEOUT_DEFAULT_MS;
	if (cfg == NULL || cfg->nurls == 0)
		return 0;
	if ((m->ams = calloc(cfg->nurls, sizeof(*m->ams))) == NULL ||
	    (m->dests = calloc(cfg->nurls, sizeof(*m->dests))) == NULL)
		goto oom;
	for (i = 0; i < cfg->nurls; i++) {
		struct am *a = &m->ams[i];

		m->nams++;
		a->m = m;
		a->index = i;
		post_dest_init(&m->dests[i], "alertmanager", NULL, cfg->urls[i],
		    m->dests, i);
		n = strlen(cfg->urls[i]);
		while (n > 0 && cfg->urls[i][n - 1] == '/')
			n--;
		if ((a->url = malloc(n + sizeof("/api/v2/alerts"))) == NULL)
			goto oom;
		snprintf(a->url, n + sizeof("/api/v2/alerts"), "%.*s/api/v2/alerts",
		    (int)n, cfg->urls[i]);
		if ((l = curl_slist_append(NULL,
		    "Content-Type: application/json")) == NULL)
			goto oom;
		a->headers = l;
		if ((l = curl_slist_append(a->headers, "Expect:")) == NULL)
			goto oom;
		a->headers = l;
	}
	ev_timer_set(&m->resend, (double)m->resend_ms / 1000,
	    (double)m->resend_ms / 1000);
	ev_timer_start(m->loop, &m->resend);
	return 0;
oom:
	ams_free(m);
	return err_set(err, errlen, "out of memory");
}

struct alertmgr *
alertmgr_new(struct ev_loop *loop, struct curlev *cv,
    const struct alerts_config *cfg, char *err, size_t errlen)
{
	struct alertmgr	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->table = alerts_new()) == NULL) {
		free(m);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	m->loop = loop;
	m->cv = cv;
	ev_timer_init(&m->kick, kick_cb, 0., 0.);
	m->kick.data = m;
	ev_timer_init(&m->resend, resend_cb, 0., 0.);
	m->resend.data = m;
	if (gethostname(m->host, sizeof(m->host) - 1) == -1)
		m->host[0] = '\0';
	if (ams_build(m, cfg, err, errlen) == -1) {
		alerts_free(m->table);
		free(m);
		return NULL;
	}
	return m;
}

int
alertmgr_reconfigure(struct alertmgr *m, const struct alerts_config *cfg,
    char *err, size_t errlen)
{
	ams_free(m);
	if (ams_build(m, cfg, err, errlen) == -1)
		return -1;
	if (m->nams > 0 && !ev_is_active(&m->kick))
		ev_timer_start(m->loop, &m->kick);
	return 0;
}

void
alertmgr_free(struct alertmgr *m)
{
	if (m == NULL)
		return;
	ev_timer_stop(m->loop, &m->kick);
	ams_free(m);
	alerts_free(m->table);
	free(m);
}

static void
changed(struct alertmgr *m)
{
	m->st.firing = alerts_firing(m->table);
	if (m->nams > 0 && !ev_is_active(&m->kick))
		ev_timer_start(m->loop, &m->kick);
}

void
alertmgr_event(struct alertmgr *m, const struct event *ev)
{
	if (m->nams > 0 && alerts_observe(m->table, ev, m->host,
	    ev_now(m->loop), m->hold_ms))
		changed(m);
}

void
alertmgr_forget(struct alertmgr *m, const char *id)
{
	if (alerts_forget(m->table, id, ev_now(m->loop)))
		changed(m);
}

const struct post_dest *
alertmgr_dests(const struct alertmgr *m, size_t *count)
{
	*count = m->nams;
	return m->dests;
}

void
alertmgr_get_stats(const struct alertmgr *m, struct alertmgr_stats *st)
{
	*st = m->st;
}
