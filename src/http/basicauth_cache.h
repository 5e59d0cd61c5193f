/*
 * basicauth_cache: the credentials that were right lately, so a scraper
 * that sends the same ones every few seconds costs no password hash.
 * Pure, apart from the key it is given.
 *
 * No password is kept: an entry is HMAC-SHA256(key, user NUL password
 * NUL hash) under a random key of this process, and an entry counts only
 * for the same user, password and stored hash (a changed hash misses).
 * Bounded (the oldest entry makes room) and each entry expires `ttl`
 * seconds after it was made.
 */
#ifndef HALE_BASICAUTH_CACHE_H
#define HALE_BASICAUTH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define BASICAUTH_CACHE_MAX	256
#define BASICAUTH_CACHE_TTL	600.0		/* seconds */
#define BASICAUTH_DIGEST_LEN	32
#define BASICAUTH_KEY_LEN	32

struct basicauth_entry {
	uint8_t		 digest[BASICAUTH_DIGEST_LEN];
	double		 expires;	/* 0 = free */
};

struct basicauth_cache {
	uint8_t			 key[BASICAUTH_KEY_LEN];
	struct basicauth_entry	 e[BASICAUTH_CACHE_MAX];
	size_t			 max;	/* entries used of e[], <= BASICAUTH_CACHE_MAX */
	double			 ttl;
};

void	basicauth_cache_init(struct basicauth_cache *,
	    const uint8_t key[BASICAUTH_KEY_LEN], size_t max, double ttl);
void	basicauth_cache_digest(const struct basicauth_cache *,
	    const char *user, const char *password, const char *hash,
	    uint8_t out[BASICAUTH_DIGEST_LEN]);
/* 1 if the digest is in and not expired. */
int	basicauth_cache_hit(const struct basicauth_cache *,
	    const uint8_t digest[BASICAUTH_DIGEST_LEN], double now);
void	basicauth_cache_put(struct basicauth_cache *,
	    const uint8_t digest[BASICAUTH_DIGEST_LEN], double now);
void	basicauth_cache_clear(struct basicauth_cache *);
/* Entries not expired. */
size_t	basicauth_cache_size(const struct basicauth_cache *, double now);

#endif
