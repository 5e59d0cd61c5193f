/* basicauth_cache: keyed digests of good credentials, bounded, expiring. */
#include "http/basicauth_cache.h"

#include <string.h>

#include <nettle/hmac.h>

#include "http/auth.h"

void
basicauth_cache_init(struct basicauth_cache *c,
    const uint8_t key[BASICAUTH_KEY_LEN], size_t max, double ttl)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->key, key, BASICAUTH_KEY_LEN);
	c->max = max > 0 && max <= BASICAUTH_CACHE_MAX ? max :
	    BASICAUTH_CACHE_MAX;
	c->ttl = ttl;
}

void
basicauth_cache_digest(const struct basicauth_cache *c, const char *user,
    const char *password, const char *hash, uint8_t out[BASICAUTH_DIGEST_LEN])
{
	struct hmac_sha256_ctx	 h;

	/* Neither user nor password holds a NUL: the separators are unambiguous. */
	hmac_sha256_set_key(&h, BASICAUTH_KEY_LEN, c->key);
	hmac_sha256_update(&h, strlen(user) + 1, (const uint8_t *)user);
	hmac_sha256_update(&h, strlen(password) + 1, (const uint8_t *)password);
	hmac_sha256_update(&h, strlen(hash), (const uint8_t *)hash);
	hmac_sha256_digest(&h, BASICAUTH_DIGEST_LEN, out);
	memset(&h, 0, sizeof(h));
}

int
basicauth_cache_hit(const struct basicauth_cache *c,
    const uint8_t digest[BASICAUTH_DIGEST_LEN], double now)
{
	size_t	 i;
	int	 hit = 0;

	for (i = 0; i < c->max; i++)
		if (c->e[i].expires > now && auth_equal((const char *)digest,
		    BASICAUTH_DIGEST_LEN, (const char *)c->e[i].digest,
		    BASICAUTH_DIGEST_LEN))
			hit = 1;
	return hit;
}

void
basicauth_cache_put(struct basicauth_cache *c,
    const uint8_t digest[BASICAUTH_DIGEST_LEN], double now)
{
	struct basicauth_entry	*slot = &c->e[0];
	size_t			 i;

	for (i = 0; i < c->max; i++) {
		if (memcmp(c->e[i].digest, digest, BASICAUTH_DIGEST_LEN) == 0) {
			slot = &c->e[i];	/* the same credentials again */
			break;
		}
		if (c->e[i].expires < slot->expires)
			slot = &c->e[i];	/* free, expired or oldest */
	}
	memcpy(slot->digest, digest, BASICAUTH_DIGEST_LEN);
	slot->expires = now + c->ttl;
}

void
basicauth_cache_clear(struct basicauth_cache *c)
{
	size_t	 i;

	for (i = 0; i < c->max; i++)
		memset(&c->e[i], 0, sizeof(c->e[i]));
}

size_t
basicauth_cache_size(const struct basicauth_cache *c, double now)
{
	size_t	 i, n = 0;

	for (i = 0; i < c->max; i++)
		if (c->e[i].expires > now)
			n++;
	return n;
}
