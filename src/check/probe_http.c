/*
 * probe_http: one HTTP(S) check on the shared curl multi handle (curlev).
 * The engine sends only https here; plain http goes to probe_plain.c,
 * which gives the same results (tests/unit/test_probe_plain compares
 * the two). Every path ends in exactly one http_done().
 *
 *   probe_http_start: easy handle, URL on the numeric target ─► curlev_add
 *        │
 *        │ open_socket (curl → us): the address must be the target's,
 *        │   then netns_socket: the socket is born in the container's
 *        │   network namespace (or ours, for ip/host targets); SO_LINGER 0
 *        │ on_body (curl → us): keep at most body_max bytes; return 0
 *        │   (abort) as soon as nothing more is needed
 *        ▼
 *   on_done (curlev → us, from the loop, handle out of the multi)
 *        ├─ 3xx to the same scheme://host:port, hops left:
 *        │     new URL, remaining time ─► curlev_add again
 *        └─ transport error ─► class from CURLcode + errno
 *           status not expected ─► status;  body no match ─► body;
 *           else ok ─────────────────────────────► http_done
 *
 * Never reuses a connection (FORBID_REUSE + FRESH_CONNECT): the multi
 * handle's cache would otherwise hand container A's 127.0.0.1:8080 to
 * container B. No proxy, ever. Redirects are followed by us, not by
 * libcurl, and only to the origin we started with. The easy handle comes
 * from the engine's pool when it has one (reset to libcurl's defaults,
 * so no option of another check's probe is left) and goes back to it.
 */
#include "check/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"

struct probe_http {
	const struct probe_env	*env;
	const struct checkspec	*spec;
	struct probe_target	 t;
	CURL			*easy;
	struct curl_slist	*headers;
	struct curl_slist	*connect_to;
	char			 url[2048];
	struct buf		 body;
	int			 enough;	/* we stopped the body on purpose */
	int			 hops;
	double			 t0;		/* monotonic */
	char			 errbuf[CURL_ERROR_SIZE];
	char			 sockerr[PROBE_MSG_MAX];
	struct probe_result	 res;
	probe_done_cb		*done;
	void			*arg;
};


struct probe_http_pool {
	CURL		*idle[PROBE_HTTP_POOL_MAX];
	size_t		 n;
};

struct probe_http_pool *
probe_http_pool_new(void)
{
	return calloc(1, sizeof(struct probe_http_pool));
}

void
probe_http_pool_free(struct probe_http_pool *pool)
{
	if (pool == NULL)
		return;
	while (pool->n > 0)
		curl_easy_cleanup(pool->idle[--pool->n]);
	free(pool);
}

size_t
probe_http_pool_idle(const struct probe_http_pool *pool)
{
	return pool != NULL ? pool->n : 0;
}

static CURL *
pool_take(struct probe_http_pool *pool)
{
	if (pool == NULL || pool->n == 0)
		return curl_easy_init();
	return pool->idle[--pool->n];
}

/* Out of the multi handle: reset now, so it points at nothing of ours. */
static void
pool_give(struct probe_http_pool *pool, CURL *e)
{
	if (pool == NULL || pool->n == PROBE_HTTP_POOL_MAX) {
		curl_easy_cleanup(e);
		return;
	}
	curl_easy_reset(e);
	pool->idle[pool->n++] = e;
}

static void
http_free(struct probe_http *p)
{
	if (p->easy != NULL)
		pool_give(p->env->http_pool, p->easy);
	curl_slist_free_all(p->headers);
	curl_slist_free_all(p->connect_to);
	buf_free(&p->body);
	free(p);
}

/* The one exit. */
static void
http_done(struct probe_http *p, enum probe_class cls, long status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
http_done(struct probe_http *p, enum probe_class cls, long status,
    const char *fmt, ...)
{
	va_list		 ap;

	p->res.cls = cls;
	p->res.http_status = status;
	p->res.duration = clock_mono() - p->t0;
	va_start(ap, fmt);
	err_vset(p->res.msg, sizeof(p->res.msg), fmt, ap);
	va_end(ap);
	p->done(p->arg, &p->res);
	http_free(p);
}

static int
same_addr(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return 0;
	if (a->sa_family == AF_INET && alen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)(const void *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)(const void *)b;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6 && alen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)(const void *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)(const void *)b;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return 0;
}

/* libcurl asks for its socket: only ever to the target, in its namespace. */
static curl_socket_t
open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct probe_http	*p = clientp;
	struct linger		 lg = { 1, 0 };
	int			 fd;

	if (purpose != CURLSOCKTYPE_IPCXN ||
	    !same_addr(&a->addr, a->addrlen, &p->t.addr)) {
		snprintf(p->sockerr, sizeof(p->sockerr),
		    "refused to connect anywhere but the container's own address");
		return CURL_SOCKET_BAD;
	}
	fd = netns_socket(p->env->netns, p->t.nsfd, a->family, a->socktype,
	    a->protocol, p->sockerr, sizeof(p->sockerr));
	if (fd == -1)
		return CURL_SOCKET_BAD;
	/*
	 * Closed with a reset once the answer is in, as TCP probes are: no
	 * FIN exchange and no TIME_WAIT socket left in the container's
	 * namespace for every probe.
	 */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return fd;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct probe_http	*p = userp;
	size_t			 n = size * nmemb, room;

	if (p->spec->body == NULL) {
		/* Status and headers are in; the body is of no interest. */
		p->enough = 1;
		return 0;
	}
	room = p->env->body_max - p->body.len;
	buf_append(&p->body, data, n < room ? n : room);
	if (p->body.oom || p->body.len >= p->env->body_max) {
		p->enough = 1;
		return 0;
	}
	return n;
}

static int
build_url(struct probe_http *p, const char *path, char *err, size_t errlen)
{
	const struct checkspec	*s = p->spec;
	const char		*urlhost = p->t.host;
	char			 name[CHECKSPEC_HOST_MAX + 1], ct[CHECKSPEC_HOST_MAX + 96];
	size_t			 n;

	/*
	 * HTTPS with a Host name: put the name in the URL (SNI and the
	 * certificate check use it) and pin the connection to the target.
	 */
	if (s->https && s->host != NULL && s->host[0] != '[') {
		n = strcspn(s->host, ":");
		memcpy(name, s->host, n);
		name[n] = '\0';
		urlhost = name;
		snprintf(ct, sizeof(ct), "%s:%u:%s:%u", name, p->t.port,
		    p->t.host, p->t.port);
		if ((p->connect_to = curl_slist_append(NULL, ct)) == NULL)
			return err_set(err, errlen, "out of memory");
	}
	if ((size_t)snprintf(p->url, sizeof(p->url), "%s://%s:%u%s",
	    s->https ? "https" : "http", urlhost, p->t.port,
	    path) >= sizeof(p->url))
		return err_set(err, errlen, "URL too long");
	return 0;
}

static int
build_headers(struct probe_http *p, char *err, size_t errlen)
{
	const struct checkspec	*s = p->spec;
	struct curl_slist	*l = NULL, *n;
	char			 host[CHECKSPEC_HOST_MAX + 16];
	size_t			 i;

	if (s->host != NULL) {
		snprintf(host, sizeof(host), "Host: %s", s->host);
		if ((l = curl_slist_append(l, host)) == NULL)
			goto oom;
	}
	for (i = 0; i < s->nheaders; i++) {
		if ((n = curl_slist_append(l, s->headers[i])) == NULL)
			goto oom;
		l = n;
	}
	p->headers = l;
	return 0;
oom:
	curl_slist_free_all(l);
	return err_set(err, errlen, "out of memory");
}

static void
set_method(CURL *e, const char *m)
{
	if (strcmp(m, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(m, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (strcmp(m, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
}

static long
ms_left(const struct probe_http *p)
{
	double	 left = (double)p->spec->timeout_ms - (clock_mono() - p->t0) * 1000.0;

	return left < 1 ? 0 : (long)left;
}

static int
setup(struct probe_http *p, char *err, size_t errlen)
{
	const struct checkspec	*s = p->spec;
	CURL			*e;

	if ((p->easy = e = pool_take(p->env->http_pool)) == NULL)
		return err_set(err, errlen, "curl_easy_init failed");
	if (build_url(p, s->path, err, errlen) == -1 ||
	    build_headers(p, err, errlen) == -1)
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, p->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/*
	 * One request, sent in one write on a new connection: Nagle never
	 * holds it, and the setsockopt would be a syscall per probe.
	 */
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 0L);
	/* Nothing of one container's TLS may be offered to another's. */
	curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)s->timeout_ms);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, p);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, PROBE_USER_AGENT);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->tls_verify ? 2L : 0L);
	if (p->headers != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->headers);
	if (p->connect_to != NULL)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, p->connect_to);
	set_method(e, s->method != NULL ? s->method : "GET");
	return 0;
}

int
probe_http_same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST,
	    CURLUPART_PORT };
	CURLU		*ua = curl_url(), *ub = curl_url();
	char		*x, *y;
	size_t		 i;
	int		 same = ua != NULL && ub != NULL &&
	    curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;

	for (i = 0; same && i < sizeof(parts) / sizeof(parts[0]); i++) {
		x = y = NULL;
		same = curl_url_get(ua, parts[i], &x, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		    curl_url_get(ub, parts[i], &y, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		    strcasecmp(x, y) == 0;
		curl_free(x);
		curl_free(y);
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

static void on_done(CURL *, CURLcode, void *);

/* 1 if the redirect is being followed (the probe lives on). */
static int
follow(struct probe_http *p)
{
	char	*loc = NULL, err[128];
	long	 left;

	if (p->hops >= PROBE_REDIRECTS_MAX ||
	    curl_easy_getinfo(p->easy, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK ||
	    loc == NULL || strlen(loc) >= sizeof(p->url) ||
	    !probe_http_same_origin(p->url, loc) || (left = ms_left(p)) == 0)
		return 0;
	memmove(p->url, loc, strlen(loc) + 1);
	p->hops++;
	p->enough = 0;
	buf_reset(&p->body);
	curl_easy_setopt(p->easy, CURLOPT_URL, p->url);
	curl_easy_setopt(p->easy, CURLOPT_TIMEOUT_MS, left);
	if (curlev_add(p->env->curlev, p->easy, on_done, p, err,
	    sizeof(err)) == -1) {
		http_done(p, PROBE_ERROR, 0, "redirect: %s", err);
		return 1;
	}
	return 1;
}

static void
on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct probe_http	*p = arg;
	long			 status = 0, oserr = 0;
	const char		*why;
	char			 msg[PROBE_MSG_MAX];
	enum probe_class	 cls;

	if (rc == CURLE_WRITE_ERROR && p->enough)
		rc = CURLE_OK;
	if (rc != CURLE_OK) {
		curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &oserr);
		why = p->sockerr[0] != '\0' ? p->sockerr :
		    p->errbuf[0] != '\0' ? p->errbuf : curl_easy_strerror(rc);
		http_done(p, p->sockerr[0] != '\0' ? PROBE_ERROR :
		    probe_class_of_curl((int)rc, oserr), 0, "%s", why);
		return;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status < 400 && follow(p))
		return;
	cls = probe_http_verdict(p->spec, status, p->body.data, p->body.len,
	    msg, sizeof(msg));
	http_done(p, cls, status, "%s", msg);
}

enum probe_class
probe_http_verdict(const struct checkspec *s, long status, const char *body,
    size_t len, char *msg, size_t msglen)
{
	char	 why_re[128] = "";
	int	 m;

	if (!checkspec_status_match(s, status)) {
		snprintf(msg, msglen, "HTTP %ld", status);
		return PROBE_STATUS;
	}
	/* A regex that reached its limits is a body that does not match. */
	m = checkspec_body_match(s, body != NULL ? body : "", len, why_re,
	    sizeof(why_re));
	if (m != 1) {
		snprintf(msg, msglen, "HTTP %ld, body (%zu bytes read) does not "
		    "match%s%s", status, len, m == -1 ? ": " : "",
		    m == -1 ? why_re : "");
		return PROBE_BODY;
	}
	snprintf(msg, msglen, "HTTP %ld", status);
	return PROBE_OK;
}

struct probe_http *
probe_http_start(const struct probe_env *env, const struct checkspec *spec,
    const struct probe_target *t, probe_done_cb *done, void *arg, char *err,
    size_t errlen)
{
	struct probe_http	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	p->env = env;
	p->spec = spec;
	p->t = *t;
	p->done = done;
	p->arg = arg;
	p->t0 = clock_mono();
	p->res.time = ev_now(env->loop);
	buf_init(&p->body);
	if (setup(p, err, errlen) == -1 ||
	    curlev_add(env->curlev, p->easy, on_done, p, err, errlen) == -1) {
		http_free(p);
		return NULL;
	}
	return p;
}

void
probe_http_cancel(struct probe_http *p)
{
	if (p == NULL)
		return;
	curlev_remove(p->env->curlev, p->easy);
	http_free(p);
}

enum probe_class
probe_class_of_curl(int code, long os_errno)
{
	switch ((CURLcode)code) {
	case CURLE_OK:
		return PROBE_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return PROBE_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
		return os_errno != 0 ? probe_class_of_errno((int)os_errno) :
		    PROBE_ERROR;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return os_errno != 0 && os_errno != ECONNRESET &&
		    os_errno != EPIPE ? probe_class_of_errno((int)os_errno) :
		    PROBE_RESET;
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return PROBE_RESET;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return PROBE_TLS;
	default:
		return PROBE_ERROR;
	}
}

int
probe_http_resolve(const char *base, const char *loc, char *url,
    size_t urllen, char *target, size_t targetlen)
{
	CURLU	*u = curl_url();
	char	*full = NULL, *path = NULL, *query = NULL;
	int	 rc = -1;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, loc, CURLU_URLENCODE |
	    CURLU_ALLOW_SPACE) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL;
	if ((size_t)snprintf(url, urllen, "%s", full) >= urllen ||
	    (size_t)snprintf(target, targetlen, "%s%s%s", path,
	    query != NULL ? "?" : "", query != NULL ? query : "") >= targetlen)
		goto out;
	rc = 0;
out:
	curl_free(full);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}
