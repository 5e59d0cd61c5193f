/*
 * basicauth: the user tables, the open paths, and the flow of a check.
 *
 *	basicauth_gate / api_reset --> basicauth_check
 *	   verdict from httpd (asked again after a wait) --> return it
 *	   no Basic credentials --> MISSING
 *	   known user, digest in the cache --> OK (no hash)
 *	   address over its failure limit --> LIMITED (no hash)
 *	   worker queue full --> BUSY
 *	   else httpd_suspend + basicauth_worker_submit --> WAIT
 *	basicauth_worker --> job_done (loop): count, cache or log,
 *	   httpd_resume(ticket, verdict) --> httpd asks again
 */
#include "http/basicauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "http/auth.h"
#include "http/basicauth_cache.h"
#include "http/basicauth_limit.h"
#include "http/basicauth_worker.h"

struct user {
	char		*name;
	char		*hash;
};

struct userset {
	struct user	*u;
	size_t		 n;
};

struct basicauth {
	struct ev_loop		*loop;
	struct userset		 set[2];	/* by enum basicauth_realm */
	char			*open[BASICAUTH_OPEN_MAX];
	size_t			 nopen;
	unsigned		 gen;		/* bumped when users change */
	struct basicauth_cache	 cache;
	struct basicauth_limit	 limit;
	struct basicauth_worker	*worker;
	struct basicauth_stats	 st;
};

/* A check on the worker: the job first, so the worker's pointer is ours. */
struct pending {
	struct basicauth_job	 job;
	struct basicauth	*ba;
	struct httpd_ticket	*ticket;	/* NULL: the request is gone */
	uint8_t			 digest[BASICAUTH_DIGEST_LEN];
	int			 known;		/* the user exists */
	unsigned		 gen;
	enum basicauth_realm	 realm;
	char			 addr[BASICAUTH_ADDR_MAX];
};

static const char *const realm_names[] = { "web", "admin" };
static const char *const default_open[] = { "/healthz", "/readyz" };

static void
userset_clear(struct userset *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		free(s->u[i].name);
		free(s->u[i].hash);
	}
	free(s->u);
	s->u = NULL;
	s->n = 0;
}

/* Names as auth checks them, hashes by their look: config load ran crypt. */
static int
user_valid(const struct basicauth_user *u, char *err, size_t errlen)
{
	char	 why[128];

	if (u->name == NULL || auth_check_user(u->name, why, sizeof(why)) == -1)
		return err_set(err, errlen, "user %s: %s", u->name != NULL ?
		    "name" : "(null)", u->name != NULL ? why : "no name");
	if (u->hash == NULL || u->hash[0] != '$' ||
	    strlen(u->hash) > AUTH_HASH_MAX)
		return err_set(err, errlen, "user %.64s: the hash is not a "
		    "crypt(3) hash like $2b$...", u->name);
	return 0;
}

static int
userset_build(struct userset *s, const struct basicauth_user *u, size_t n,
    char *err, size_t errlen)
{
	size_t	 i, k;

	memset(s, 0, sizeof(*s));
	if (n > BASICAUTH_USERS_MAX)
		return err_set(err, errlen, "more than %d users",
		    BASICAUTH_USERS_MAX);
	for (i = 0; i < n; i++) {
		if (user_valid(&u[i], err, errlen) == -1)
			return -1;
		for (k = 0; k < i; k++)
			if (strcmp(u[k].name, u[i].name) == 0)
				return err_set(err, errlen, "user %.64s: "
				    "given twice", u[i].name);
	}
	if (n == 0)
		return 0;
	if ((s->u = calloc(n, sizeof(*s->u))) == NULL)
		return err_set(err, errlen, "out of memory");
	for (s->n = 0; s->n < n; s->n++) {
		s->u[s->n].name = strdup(u[s->n].name);
		s->u[s->n].hash = strdup(u[s->n].hash);
		if (s->u[s->n].name == NULL || s->u[s->n].hash == NULL) {
			s->n++;
			userset_clear(s);
			return err_set(err, errlen, "out of memory");
		}
	}
	return 0;
}

static int
userset_same(const struct userset *a, const struct userset *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->u[i].name, b->u[i].name) != 0 ||
		    strcmp(a->u[i].hash, b->u[i].hash) != 0)
			return 0;
	return 1;
}

/* Replaces a realm's users; the cache goes when they changed. */
static int
set_realm(struct basicauth *ba, enum basicauth_realm realm,
    const struct basicauth_user *u, size_t n, int always, char *err,
    size_t errlen)
{
	struct userset	 s;

	if (userset_build(&s, u, n, err, errlen) == -1)
		return -1;
	if (!always && userset_same(&s, &ba->set[realm])) {
		userset_clear(&s);
		return 0;
	}
	userset_clear(&ba->set[realm]);
	ba->set[realm] = s;
	ba->gen++;
	basicauth_cache_clear(&ba->cache);
	return 0;
}

int
basicauth_set_users(struct basicauth *ba, const struct basicauth_user *u,
    size_t n, char *err, size_t errlen)
{
	return set_realm(ba, BASICAUTH_WEB, u, n, 1, err, errlen);
}

int
basicauth_set_admin(struct basicauth *ba, const char *user, const char *hash,
    char *err, size_t errlen)
{
	struct basicauth_user	 u = { user, hash };

	return set_realm(ba, BASICAUTH_ADMIN, &u, user != NULL ? 1 : 0, 0,
	    err, errlen);
}

int
basicauth_check_path(const char *p, char *err, size_t errlen)
{
	const char	*c;

	if (p[0] != '/' || strlen(p) > BASICAUTH_PATH_MAX)
		return err_set(err, errlen, "must be a path starting with '/', "
		    "at most %d characters", BASICAUTH_PATH_MAX);
	for (c = p; *c != '\0'; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '?' || *c == '#')
			return err_set(err, errlen, "must be printable ASCII "
			    "without spaces, '?' or '#'");
	return 0;
}

int
basicauth_set_open_paths(struct basicauth *ba, const char *const *paths,
    size_t n, char *err, size_t errlen)
{
	char	*copy[BASICAUTH_OPEN_MAX];
	size_t	 i;

	if (paths == NULL) {
		paths = default_open;
		n = sizeof(default_open) / sizeof(default_open[0]);
	}
	if (n > BASICAUTH_OPEN_MAX)
		return err_set(err, errlen, "more than %d paths",
		    BASICAUTH_OPEN_MAX);
	for (i = 0; i < n; i++)
		if (basicauth_check_path(paths[i], err, errlen) == -1)
			return -1;
	for (i = 0; i < n; i++)
		if ((copy[i] = strdup(paths[i])) == NULL) {
			while (i-- > 0)
				free(copy[i]);
			return err_set(err, errlen, "out of memory");
		}
	for (i = 0; i < ba->nopen; i++)
		free(ba->open[i]);
	memcpy(ba->open, copy, n * sizeof(copy[0]));
	ba->nopen = n;
	return 0;
}

static int
is_open(const struct basicauth *ba, const char *path)
{
	size_t	 i;

	for (i = 0; i < ba->nopen; i++)
		if (strcmp(ba->open[i], path) == 0)
			return 1;
	return 0;
}

/* The user's index, -1 if unknown; every name is looked at. */
static int
find_user(const struct userset *s, const char *name)
{
	size_t	 i, n = strlen(name);
	int	 found = -1;

	for (i = 0; i < s->n; i++)
		if (auth_equal(name, n, s->u[i].name, strlen(s->u[i].name)) &&
		    found < 0)
			found = (int)i;
	return found;
}

static void
job_cancel(void *arg)
{
	struct pending	*p = arg;

	p->ticket = NULL;
}

static void
job_done(void *arg, struct basicauth_job *j)
{
	struct basicauth	*ba = arg;
	struct pending		*p = (struct pending *)j;
	enum basicauth_verdict	 v;
	double			 now = clock_mono();
	uint64_t		 unlogged;

	if (j->ok < 0) {
		v = BASICAUTH_BUSY;
		ba->st.busy++;
	} else if (j->ok == 1 && p->known) {
		v = BASICAUTH_OK;
		ba->st.ok++;
		basicauth_limit_refund(&ba->limit, p->addr, now);
		if (p->gen == ba->gen)
			basicauth_cache_put(&ba->cache, p->digest, now);
	} else {
		v = BASICAUTH_DENIED;
		ba->st.denied++;
		if (basicauth_limit_failed(&ba->limit, p->addr, now, &unlogged))
			log_warn("http authentication failed",
			    LOG_S("client", p->addr),
			    LOG_S("realm", realm_names[p->realm]),
			    LOG_U("failures_not_logged", unlogged));
	}
	if (p->ticket != NULL)
		httpd_resume(p->ticket, (int)v);
	explicit_bzero(p, sizeof(*p));
	free(p);
}

/* Checks a password of a (known or unknown) user: cache, limit, worker. */
static enum basicauth_verdict
attempt(struct basicauth *ba, enum basicauth_realm realm,
    const struct httpd_request *req, const char *user, const char *password,
    unsigned *retry_after)
{
	const struct userset	*s = &ba->set[realm];
	struct pending		*p;
	uint8_t			 d[BASICAUTH_DIGEST_LEN];
	char			 addr[BASICAUTH_ADDR_MAX];
	double			 now = clock_mono();
	int			 i = find_user(s, user);
	const char		*hash = s->u[i >= 0 ? i : 0].hash;

	basicauth_cache_digest(&ba->cache, user, password, hash, d);
	if (i >= 0 && basicauth_cache_hit(&ba->cache, d, now)) {
		ba->st.cached++;
		return BASICAUTH_OK;
	}
	httpd_request_client(req, addr, sizeof(addr));
	if (basicauth_limit_take(&ba->limit, addr, now, retry_after) == -1) {
		ba->st.limited++;
		return BASICAUTH_LIMITED;
	}
	p = NULL;
	if (basicauth_worker_start(ba->worker) == -1 ||
	    basicauth_worker_full(ba->worker) ||
	    strlen(password) >= sizeof(p->job.password) ||
	    (p = calloc(1, sizeof(*p))) == NULL ||
	    (p->ticket = httpd_suspend(req, job_cancel, p)) == NULL) {
		free(p);
		basicauth_limit_refund(&ba->limit, addr, now);
		ba->st.busy++;
		return BASICAUTH_BUSY;
	}
	p->ba = ba;
	memcpy(p->digest, d, sizeof(d));
	p->known = i >= 0;
	p->gen = ba->gen;
	p->realm = realm;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(p->job.password, sizeof(p->job.password), "%s", password);
	snprintf(p->job.hash, sizeof(p->job.hash), "%s", hash);
	basicauth_worker_submit(ba->worker, &p->job);	/* not full: seen above */
	return BASICAUTH_WAIT;
}

enum basicauth_verdict
basicauth_check(struct basicauth *ba, enum basicauth_realm realm,
    const struct httpd_request *req, unsigned *retry_after)
{
	char			 plain[AUTH_HEADER_MAX];
	const char		*user, *password;
	enum basicauth_verdict	 v;
	int			 given = httpd_request_verdict(req);

	if (given >= 0)
		return (enum basicauth_verdict)given;
	if (auth_basic_split(httpd_request_header(req, "Authorization"), plain,
	    sizeof(plain), &user, &password) == -1) {
		ba->st.missing++;
		return BASICAUTH_MISSING;
	}
	if (ba->set[realm].n == 0) {
		ba->st.denied++;
		v = BASICAUTH_DENIED;
	} else
		v = attempt(ba, realm, req, user, password, retry_after);
	explicit_bzero(plain, sizeof(plain));
	return v;
}

void
basicauth_refuse(enum basicauth_verdict v, unsigned retry_after,
    struct httpd_response *r)
{
	switch (v) {
	case BASICAUTH_LIMITED:
		httpd_text(r, 429, "too many failed logins from this address");
		snprintf(r->value, sizeof(r->value), "%u", retry_after);
		httpd_add_header(r, "Retry-After", r->value);
		break;
	case BASICAUTH_BUSY:
		httpd_text(r, 503, "too many logins being checked; retry");
		httpd_add_header(r, "Retry-After", "1");
		break;
	default:
		httpd_text(r, 401, "unauthorized");
		httpd_add_header(r, "WWW-Authenticate", "Basic realm=\"hale\"");
		break;
	}
}

int
basicauth_gate(void *arg, const struct httpd_request *req,
    struct httpd_response *r)
{
	struct basicauth	*ba = arg;
	enum basicauth_verdict	 v;
	unsigned		 retry = 1;

	if (ba->set[BASICAUTH_WEB].n == 0 ||
	    is_open(ba, httpd_request_path(req)))
		return 1;
	if ((v = basicauth_check(ba, BASICAUTH_WEB, req, &retry)) ==
	    BASICAUTH_OK)
		return 1;
	if (v != BASICAUTH_WAIT)
		basicauth_refuse(v, retry, r);
	return 0;
}

size_t
basicauth_users(const struct basicauth *ba, enum basicauth_realm realm)
{
	return ba->set[realm].n;
}

struct basicauth *
basicauth_new(struct ev_loop *loop, char *err, size_t errlen)
{
	struct basicauth	*ba;
	uint8_t			 key[BASICAUTH_KEY_LEN];

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		err_set(err, errlen, "cannot get random bytes for the "
		    "credentials cache's key");
		return NULL;
	}
	if ((ba = calloc(1, sizeof(*ba))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	ba->loop = loop;
	basicauth_cache_init(&ba->cache, key, BASICAUTH_CACHE_MAX,
	    BASICAUTH_CACHE_TTL);
	explicit_bzero(key, sizeof(key));
	if (basicauth_limit_init(&ba->limit, BASICAUTH_LIMIT_MAX,
	    BASICAUTH_LIMIT_BURST, BASICAUTH_LIMIT_RATE) == -1) {
		err_set(err, errlen, "out of memory");
		basicauth_free(ba);
		return NULL;
	}
	if (basicauth_set_open_paths(ba, NULL, 0, err, errlen) == -1 ||
	    (ba->worker = basicauth_worker_new(loop, BASICAUTH_THREADS,
	    BASICAUTH_QUEUE_MAX, job_done, ba, err, errlen)) == NULL) {
		basicauth_free(ba);
		return NULL;
	}
	return ba;
}

void
basicauth_free(struct basicauth *ba)
{
	size_t	 i;

	if (ba == NULL)
		return;
	basicauth_worker_free(ba->worker);	/* hands back what waits */
	userset_clear(&ba->set[BASICAUTH_WEB]);
	userset_clear(&ba->set[BASICAUTH_ADMIN]);
	for (i = 0; i < ba->nopen; i++)
		free(ba->open[i]);
	basicauth_limit_free(&ba->limit);
	explicit_bzero(&ba->cache, sizeof(ba->cache));
	free(ba);
}

void
basicauth_get_stats(const struct basicauth *ba, struct basicauth_stats *st)
{
	double	 now = clock_mono();

	*st = ba->st;
	st->hashed = basicauth_worker_hashed(ba->worker);
	st->inflight = basicauth_worker_inflight(ba->worker);
	st->cache_entries = basicauth_cache_size(&ba->cache, now);
	st->limited_addresses = basicauth_limit_tracked(&ba->limit, now);
}
