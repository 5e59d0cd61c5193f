/*
 * basicauth: HTTP Basic authentication that never stalls the loop, for
 * the whole web server (users from the web config) and for the admin
 * endpoint (web.admin_user and its hash).
 *
 * A request's credentials are answered on the loop when they were right
 * within the last BASICAUTH_CACHE_TTL (basicauth_cache.h), refused on
 * the loop with 429 when its address failed too often
 * (basicauth_limit.h), and otherwise hashed on a worker thread
 * (basicauth_worker.h) while the connection waits suspended; with the
 * worker's queue full the answer is 503. An unknown user is hashed too,
 * against a known user's hash, so timing doesn't tell users apart.
 *
 * Only the loop thread calls these functions.
 */
#ifndef HALE_BASICAUTH_H
#define HALE_BASICAUTH_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"
#include "http/httpd.h"

#define BASICAUTH_USERS_MAX	256
#define BASICAUTH_OPEN_MAX	32	/* web.unauthenticated_paths */
#define BASICAUTH_PATH_MAX	256

struct basicauth_user {
	const char	*name;
	const char	*hash;		/* crypt(3): bcrypt "$2b$", yescrypt "$y$", ... */
};

struct basicauth;

struct basicauth *basicauth_new(struct ev_loop *, char *err, size_t errlen);
/* Answers every request still waiting (503) when the loop runs next. */
void	basicauth_free(struct basicauth *);
/*
 * The web-wide users. Copies. n == 0 turns web-wide basic auth off.
 * Replacing drops the cache.
 */
int	basicauth_set_users(struct basicauth *, const struct basicauth_user *,
	    size_t n, char *err, size_t errlen);
/* The admin endpoint's one user (NULL: none). Copies; a change drops the cache. */
int	basicauth_set_admin(struct basicauth *, const char *user,
	    const char *hash, char *err, size_t errlen);
/*
 * The paths any client may fetch while web-wide users are set, exact
 * matches. Copies. paths NULL (and until called): /healthz and /readyz.
 */
int	basicauth_set_open_paths(struct basicauth *, const char *const *paths,
	    size_t n, char *err, size_t errlen);
/* A path fit for web.unauthenticated_paths; -1 with a message. */
int	basicauth_check_path(const char *, char *err, size_t errlen);

enum basicauth_realm {
	BASICAUTH_WEB,
	BASICAUTH_ADMIN,
};

enum basicauth_verdict {
	BASICAUTH_OK,		/* a user's right password */
	BASICAUTH_MISSING,	/* no (usable) Basic credentials */
	BASICAUTH_DENIED,	/* wrong user or password */
	BASICAUTH_LIMITED,	/* this address failed too often: 429 */
	BASICAUTH_BUSY,		/* no room to check it now: 503 */
	BASICAUTH_WAIT,		/* being checked: the request is suspended */
};

/*
 * The request's Basic credentials against the realm's users. On
 * BASICAUTH_WAIT the caller returns without answering; httpd asks it
 * again once the verdict is in, and this then returns it. With
 * BASICAUTH_LIMITED, *retry_after is in seconds.
 */
enum basicauth_verdict basicauth_check(struct basicauth *,
	    enum basicauth_realm, const struct httpd_request *,
	    unsigned *retry_after);
/*
 * An httpd gate (arg: the basicauth): with web-wide users set, every
 * path but the open ones needs one of them: 401 with
 * `WWW-Authenticate: Basic realm="hale"`, 429 or 503 otherwise.
 */
int	basicauth_gate(void *arg, const struct httpd_request *,
	    struct httpd_response *);
/* The answer to a verdict that refuses (401 challenge, 429, 503). */
void	basicauth_refuse(enum basicauth_verdict, unsigned retry_after,
	    struct httpd_response *);

struct basicauth_stats {
	uint64_t	 ok;		/* hashed and right */
	uint64_t	 denied;	/* hashed and wrong */
	uint64_t	 cached;	/* right, from the cache */
	uint64_t	 limited;	/* refused by the rate limit, not hashed */
	uint64_t	 busy;		/* refused, the worker's queue was full */
	uint64_t	 missing;	/* no credentials on a protected path */
	uint64_t	 hashed;	/* password hashes the worker ran */
	size_t		 cache_entries;
	size_t		 inflight;	/* waiting for the worker */
	size_t		 limited_addresses;	/* buckets not full */
};

void	basicauth_get_stats(const struct basicauth *, struct basicauth_stats *);
/* How many users the realm has. */
size_t	basicauth_users(const struct basicauth *, enum basicauth_realm);
/* hale_http_auth_*: in basicauth_metrics.c. */
void	basicauth_write_metrics(const struct basicauth *,
	    struct metrics_writer *);

#endif
