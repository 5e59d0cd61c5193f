/* auth: bearer token and basic-auth checks for the admin endpoints. */
#include "http/auth.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

int
auth_equal(const char *got, size_t gotlen, const char *want, size_t wantlen)
{
	unsigned char	 diff = gotlen != wantlen;
	size_t		 i;

	/* Every byte of `want` is looked at, whatever `got` holds. */
	for (i = 0; i < wantlen; i++)
		diff |= (unsigned char)((i < gotlen ? got[i] : 0) ^ want[i]);
	return diff == 0;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
auth_base64_decode(const char *in, size_t inlen, char *out, size_t cap,
    size_t *outlen)
{
	size_t		 i, o = 0, pad = 0;
	unsigned long	 acc = 0;
	int		 v, k;

	if (inlen % 4 != 0)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		acc = 0;
		for (k = 0; k < 4; k++) {
			char c = in[i + (size_t)k];

			if (c == '=' && i + 4 == inlen && k >= 2 &&
			    (k == 3 || in[i + 3] == '=')) {
				pad++;
				v = 0;
			} else if (pad > 0 || (v = b64_value(c)) < 0)
				return -1;
			acc = acc << 6 | (unsigned long)v;
		}
		if (o + 3 - pad + 1 > cap)
			return -1;
		out[o++] = (char)(acc >> 16 & 0xff);
		if (pad < 2)
			out[o++] = (char)(acc >> 8 & 0xff);
		if (pad < 1)
			out[o++] = (char)(acc & 0xff);
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
auth_enabled(const struct auth_config *a)
{
	return a != NULL && ((a->token != NULL && *a->token != '\0') ||
	    (a->user != NULL && *a->user != '\0' && a->hash != NULL &&
	    *a->hash != '\0'));
}

const char *
auth_challenge(const struct auth_config *a)
{
	if (a != NULL && a->user != NULL && *a->user != '\0')
		return "Basic realm=\"hale\", charset=\"UTF-8\"";
	return "Bearer realm=\"hale\"";
}

int
auth_password_ok(const char *password, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	int			 ok = 0;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	h = crypt_r(password, hash, cd);
	/* Failure is NULL or a string starting with '*', never the hash. */
	if (h != NULL && h[0] != '*')
		ok = auth_equal(h, strlen(h), hash, strlen(hash));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* The base64(user:password) of a Basic header into plain; -1 if malformed. */
static int
split_basic(const char *cred, char *plain, size_t cap, const char **user,
    const char **password)
{
	char	*colon;
	size_t	 n;

	if (auth_base64_decode(cred, strlen(cred), plain, cap, &n) == -1 ||
	    memchr(plain, '\0', n) != NULL ||
	    (colon = strchr(plain, ':')) == NULL)
		return -1;
	*colon = '\0';
	*user = plain;
	*password = colon + 1;
	return 0;
}

int
auth_basic_split(const char *hdr, char *plain, size_t cap, const char **user,
    const char **password)
{
	const char	*p;

	if (hdr == NULL || strlen(hdr) >= AUTH_HEADER_MAX ||
	    strncasecmp(hdr, "Basic ", 6) != 0)
		return -1;
	for (p = hdr + 6; *p == ' '; p++)
		;
	return split_basic(p, plain, cap, user, password);
}

static enum auth_result
check_basic(const struct auth_config *a, const char *cred)
{
	char		 plain[AUTH_HEADER_MAX];
	const char	*user, *password;
	enum auth_result r = AUTH_DENIED;

	if (a->user == NULL || *a->user == '\0' || a->hash == NULL)
		return AUTH_DENIED;
	if (split_basic(cred, plain, sizeof(plain), &user, &password) == -1)
		return AUTH_MISSING;
	/* Hash even for a wrong user, so timing doesn't tell users apart. */
	if (auth_password_ok(password, a->hash) &&
	    auth_equal(user, strlen(user), a->user, strlen(a->user)))
		r = AUTH_OK;
	explicit_bzero(plain, sizeof(plain));
	return r;
}

enum auth_result
auth_check(const struct auth_config *a, const char *hdr)
{
	const char	*p;

	if (!auth_enabled(a))
		return AUTH_OFF;
	if (hdr == NULL || strlen(hdr) >= AUTH_HEADER_MAX)
		return AUTH_MISSING;
	/* auth-scheme is case-insensitive (RFC 9110 11.1). */
	if (strncasecmp(hdr, "Bearer ", 7) == 0) {
		if (a->token == NULL || *a->token == '\0')
			return AUTH_DENIED;
		for (p = hdr + 7; *p == ' '; p++)
			;
		return auth_equal(p, strlen(p), a->token, strlen(a->token)) ?
		    AUTH_OK : AUTH_DENIED;
	}
	if (strncasecmp(hdr, "Basic ", 6) == 0) {
		for (p = hdr + 6; *p == ' '; p++)
			;
		return check_basic(a, p);
	}
	return AUTH_MISSING;
}

/* ---- config checks ------------------------------------------------------ */

int
auth_check_token(const char *t, char *err, size_t errlen)
{
	size_t		 n = strlen(t);
	const char	*p;

	if (n < AUTH_TOKEN_MIN || n > AUTH_TOKEN_MAX)
		return err_set(err, errlen, "must be %d to %d characters",
		    AUTH_TOKEN_MIN, AUTH_TOKEN_MAX);
	for (p = t; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return err_set(err, errlen, "must be printable ASCII without "
			    "spaces");
	return 0;
}

int
auth_check_user(const char *u, char *err, size_t errlen)
{
	const char	*p;

	if (*u == '\0' || strlen(u) > AUTH_USER_MAX)
		return err_set(err, errlen, "must be 1 to %d characters", AUTH_USER_MAX);
	for (p = u; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return err_set(err, errlen, "must be printable ASCII without "
			    "spaces or ':'");
	return 0;
}

int
auth_check_hash(const char *h, char *err, size_t errlen)
{
	struct crypt_data	*cd;
	const char		*out;
	int			 ok;

	if (h[0] != '$' || strlen(h) > AUTH_HASH_MAX ||
	    strspn(h, "$./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz=,-") != strlen(h))
		return err_set(err, errlen, "is not a crypt(3) hash like $y$... or "
		    "$2b$... (mkpasswd -m yescrypt)");
	/* libcrypt must know the method, or no password could ever match. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return err_set(err, errlen, "out of memory");
	out = crypt_r("hale-config-check", h, cd);
	ok = out != NULL && out[0] != '*';
	free(cd);
	if (!ok)
		return err_set(err, errlen, "uses a hashing method libcrypt does not "
		    "support");
	return 0;
}

/*
 * By its form only: crypt_r on a cost-12 hash takes a quarter of a second,
 * too much for every user of a web config at every reload.
 */
int
auth_check_bcrypt(const char *h, char *err, size_t errlen)
{
	static const char	 b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	int			 cost;

	if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' ||
	    strchr("aby", h[2]) == NULL || h[2] == '\0' || h[3] != '$' ||
	    h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' ||
	    h[6] != '$' || strspn(h + 7, b64) != 53)
		return err_set(err, errlen, "is not a bcrypt hash ($2a$, $2b$ or "
		    "$2y$, 60 characters; htpasswd -nBC 10 \"\" | tr -d ':\\n')");
	cost = (h[4] - '0') * 10 + (h[5] - '0');
	if (cost < 4 || cost > 31)
		return err_set(err, errlen, "bcrypt cost %d is not within 4..31",
		    cost);
	return 0;
}
