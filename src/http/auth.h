/*
 * auth: the admin endpoints' credentials check. Pure: an Authorization
 * header and the configured secrets in, a verdict out; no I/O, no
 * logging. Used by POST /api/v1/containers/{id}/reset.
 *
 * Off unless configured: with neither a token nor a user, every request
 * gets AUTH_OFF and the endpoint answers 403.
 *
 * - Bearer: `Authorization: Bearer <web.admin_token>`, compared in
 *   constant time.
 * - Basic: `Authorization: Basic base64(user:password)` against
 *   web.admin_user and web.admin_password_hash, a crypt(3) hash
 *   (yescrypt "$y$", bcrypt "$2b$", sha512crypt "$6$", as made by
 *   `mkpasswd -m yescrypt` or `htpasswd -nB`), checked with libcrypt's
 *   crypt_r and compared in constant time. Hashing costs tens of
 *   milliseconds: the daemon checks Basic credentials through basicauth
 *   (a worker thread and a cache), never with auth_check on its loop.
 */
#ifndef HALE_AUTH_H
#define HALE_AUTH_H

#include <stddef.h>

#define AUTH_TOKEN_MIN		16
#define AUTH_TOKEN_MAX		256
#define AUTH_USER_MAX		64
#define AUTH_HASH_MAX		512
#define AUTH_HEADER_MAX		1024

struct auth_config {
	const char	*token;		/* NULL = no bearer token */
	const char	*user;		/* NULL = no basic auth */
	const char	*hash;		/* crypt(3) hash of the user's password */
};

enum auth_result {
	AUTH_OFF = 0,		/* nothing configured: the endpoint is disabled */
	AUTH_OK,
	AUTH_MISSING,		/* no (usable) Authorization header */
	AUTH_DENIED,		/* credentials present but wrong */
};

enum auth_result auth_check(const struct auth_config *,
	    const char *authorization);
/* 1 if auth_check could ever say AUTH_OK with this config. */
int	auth_enabled(const struct auth_config *);
/* The WWW-Authenticate challenge for a 401 (static string). */
const char *auth_challenge(const struct auth_config *);

/*
 * 1 if the password matches the crypt(3) hash. Slow by design (crypt_r):
 * call it off the loop thread.
 */
int	auth_password_ok(const char *password, const char *hash);
/*
 * An `Authorization: Basic base64(user:password)` header decoded into
 * plain[0..cap): *user and *password point into it (the caller wipes it).
 * -1 when the header is not Basic credentials, or malformed.
 */
int	auth_basic_split(const char *hdr, char *plain, size_t cap,
	    const char **user, const char **password);

/* Constant-time (in the length of `want`) equality; 1 if equal. */
int	auth_equal(const char *got, size_t gotlen, const char *want,
	    size_t wantlen);
/*
 * Standard base64 with padding. -1 on a bad character, bad padding or
 * if the result (NUL-terminated) does not fit `cap`.
 */
int	auth_base64_decode(const char *in, size_t inlen, char *out,
	    size_t cap, size_t *outlen);

/* Config checks (web.admin_*): -1 with a message. */
int	auth_check_token(const char *, char *err, size_t errlen);
int	auth_check_user(const char *, char *err, size_t errlen);
int	auth_check_hash(const char *, char *err, size_t errlen);
/* A bcrypt hash ($2a$, $2b$, $2y$) by its form, as basic_auth_users takes. */
int	auth_check_bcrypt(const char *, char *err, size_t errlen);

#endif
