/* webreload: the web config file while haled runs (see webreload.h). */
#include "daemon/webreload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"

static void
stamp_take(struct webreload_stamp *s, const char *path)
{
	struct stat	 st;

	memset(s, 0, sizeof(*s));
	if (path == NULL)
		return;
	if (stat(path, &st) == -1) {
		s->err = errno;
		return;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
}

static int
stamp_same(const struct webreload_stamp *a, const struct webreload_stamp *b)
{
	return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* The files a web config reads, to stat: cert, key, CA. */
static void
names_set(struct webreload *r, const struct webcfg *wc)
{
	const char	*n[3] = { NULL, NULL, NULL };
	size_t		 i;

	if (wc != NULL) {
		n[0] = wc->cert_file;
		n[1] = wc->key_file;
		n[2] = wc->client_ca_file;
	}
	for (i = 0; i < 3; i++) {
		free(r->names[i]);
		r->names[i] = n[i] != NULL ? strdup(n[i]) : NULL;
	}
}

/* st[0] is the web config file's, st[1..3] its files'. */
static void
stamps_take(struct webreload *r, struct webreload_stamp st[4], int with_file)
{
	size_t	 i;

	if (with_file)
		stamp_take(&st[0], r->path);
	for (i = 0; i < 3; i++)
		stamp_take(&st[i + 1], r->names[i]);
}

/*
 * The one place the web-wide basic auth users are applied: at start (from
 * webreload_start, once basicauth exists) and at a reload before the
 * server switches (again with the running users if the switch fails).
 * Before webreload_start the file is only checked.
 */
static int
apply_users(struct webreload *r, const struct webcfg *wc, char *err,
    size_t errlen)
{
	if (wc != NULL && wc->nexcluded > 0)
		return err_set(err, errlen, "basic_auth_excluded_paths: not "
		    "supported; list the paths in web.unauthenticated_paths of "
		    "the JSON config");
	if (r->ba == NULL)
		return 0;
	return basicauth_set_users(r->ba, wc != NULL ? wc->users : NULL,
	    wc != NULL ? wc->nusers : 0, err, errlen);
}

/*
 * The file and what it names. The stamps are taken before each file is
 * read, so a change while reading is seen at the next check.
 */
static int
load(struct webreload *r, struct webcfg **wcp, struct tls_material **tlsp,
    char *err, size_t errlen)
{
	struct webcfg		*wc;
	struct tls_material	*tls = NULL;
	char			 why[512];

	*wcp = NULL;
	*tlsp = NULL;
	stamp_take(&r->stamp[0], r->path);
	if (r->path == NULL) {
		names_set(r, NULL);
		stamps_take(r, r->stamp, 0);
		return 0;
	}
	if ((wc = webcfg_load(r->path, err, errlen)) == NULL)
		return -1;
	names_set(r, wc);
	stamps_take(r, r->stamp, 0);
	/* Named like webcfg_load's own messages: the file, then the field. */
	if (tls_load(wc, &tls, why, sizeof(why)) == -1) {
		webcfg_free(wc);
		return err_set(err, errlen, "%s: %s", r->path, why);
	}
	*wcp = wc;
	*tlsp = tls;
	return 0;
}

static int
set_path(struct webreload *r, const char *path)
{
	char	*p = NULL;

	if (path != NULL && (p = strdup(path)) == NULL)
		return -1;
	free(r->path);
	r->path = p;
	return 0;
}

int
webreload_init(struct webreload *r, const char *path, char *err,
    size_t errlen)
{
	char	 why[512];

	memset(r, 0, sizeof(*r));
	if (set_path(r, path) == -1)
		return err_set(err, errlen, "out of memory");
	if (load(r, &r->wc, &r->tls, err, errlen) == -1)
		return -1;
	if (apply_users(r, r->wc, why, sizeof(why)) == -1)
		return err_set(err, errlen, "%s: %s", r->path, why);
	return 0;
}

void
webreload_web(struct webreload *r, struct httpd_web *web)
{
	web->tls = r->tls;
	web->headers = r->wc != NULL ? r->wc->headers : NULL;
	web->nheaders = r->wc != NULL ? r->wc->nheaders : 0;
}

static void
note(struct webreload *r, int ok)
{
	r->scrape->web_reload_ok = ok;
	if (ok)
		r->scrape->web_reload_ok_at = (double)time(NULL);
	scrape_invalidate(r->scrape);
}

static void
failed(struct webreload *r, const char *err)
{
	note(r, 0);
	if (strcmp(err, r->logged) == 0)
		return;
	snprintf(r->logged, sizeof(r->logged), "%s", err);
	log_error("web config reload failed, keeping the running one; fix the "
	    "file and it is read again when it changes (or on SIGHUP)",
	    LOG_S("file", r->path != NULL ? r->path : ""), LOG_S("err", err));
}

static int
same_config(const struct webcfg *a, const struct webcfg *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return webcfg_equal(a, b);
}

void
webreload_reload(struct webreload *r, const char *path)
{
	struct webcfg		*wc;
	struct tls_material	*tls;
	struct httpd_web	 web;
	char			 err[512], why[512];

	if (set_path(r, path) == -1) {
		failed(r, "out of memory");
		return;
	}
	if (load(r, &wc, &tls, err, sizeof(err)) == -1) {
		failed(r, err);
		return;
	}
	if (same_config(wc, r->wc) && tls_equal(tls, r->tls)) {
		webcfg_free(wc);
		tls_free(tls);
		r->logged[0] = '\0';
		note(r, 1);
		log_debug("web config unchanged", LOG_S("file",
		    r->path != NULL ? r->path : ""));
		return;
	}
	if (apply_users(r, wc, why, sizeof(why)) == -1) {
		err_set(err, sizeof(err), "%s: %s", r->path, why);
		webcfg_free(wc);
		tls_free(tls);
		failed(r, err);
		return;
	}
	web.tls = tls;
	web.headers = wc != NULL ? wc->headers : NULL;
	web.nheaders = wc != NULL ? wc->nheaders : 0;
	if (httpd_set_web(r->httpd, &web, err, sizeof(err)) == -1) {
		(void)apply_users(r, r->wc, why, sizeof(why));
		webcfg_free(wc);
		tls_free(tls);
		failed(r, err);
		return;
	}
	webcfg_free(r->wc);
	tls_free(r->tls);
	r->wc = wc;
	r->tls = tls;
	r->logged[0] = '\0';
	note(r, 1);
	log_info("web config reloaded", LOG_S("file",
	    r->path != NULL ? r->path : ""), LOG_S("tls", tls != NULL ? "on" :
	    "off"));
}

static void
check_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct webreload	*r = w->data;
	struct webreload_stamp	 st[4];
	size_t			 i;

	(void)loop;
	(void)revents;
	stamps_take(r, st, 1);
	for (i = 0; i < 4; i++)
		if (!stamp_same(&st[i], &r->stamp[i]))
			break;
	if (i == 4)
		return;
	log_info("web config or its certificate files changed, reloading",
	    LOG_S("file", r->path != NULL ? r->path : ""));
	webreload_reload(r, r->path);
}

int
webreload_start(struct webreload *r, struct ev_loop *loop, struct httpd *h,
    struct basicauth *ba, struct scrape *s, char *err, size_t errlen)
{
	char	 why[512];

	r->loop = loop;
	r->httpd = h;
	r->ba = ba;
	r->scrape = s;
	if (apply_users(r, r->wc, why, sizeof(why)) == -1)
		return err_set(err, errlen, "%s: %s", r->path, why);
	note(r, 1);
	ev_timer_init(&r->timer, check_cb, WEBRELOAD_CHECK_SECONDS,
	    WEBRELOAD_CHECK_SECONDS);
	r->timer.data = r;
	ev_timer_start(loop, &r->timer);
	return 0;
}

void
webreload_stop(struct webreload *r)
{
	if (r->loop != NULL)
		ev_timer_stop(r->loop, &r->timer);
}

void
webreload_free(struct webreload *r)
{
	size_t	 i;

	webcfg_free(r->wc);
	tls_free(r->tls);
	free(r->path);
	for (i = 0; i < 3; i++)
		free(r->names[i]);
	memset(r, 0, sizeof(*r));
}
