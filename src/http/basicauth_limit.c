/* basicauth_limit: a token bucket per client address, in a bounded table. */
#include "http/basicauth_limit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
basicauth_limit_init(struct basicauth_limit *l, size_t max, double burst,
    double rate)
{
	memset(l, 0, sizeof(*l));
	if ((l->b = calloc(max, sizeof(*l->b))) == NULL)
		return -1;
	l->max = max;
	l->burst = burst;
	l->rate = rate;
	return 0;
}

void
basicauth_limit_free(struct basicauth_limit *l)
{
	free(l->b);
	l->b = NULL;
	l->max = 0;
}

/* Tokens earned since the last look, up to the burst. */
static void
refill(const struct basicauth_limit *l, struct basicauth_bucket *b,
    double now)
{
	if (now > b->at)
		b->tokens += (now - b->at) * l->rate;
	if (b->tokens > l->burst)
		b->tokens = l->burst;
	b->at = now;
}

static int
bucket_full(const struct basicauth_limit *l, const struct basicauth_bucket *b,
    double now)
{
	double	 t = b->tokens + (now > b->at ? (now - b->at) * l->rate : 0);

	return t >= l->burst;
}

/* As good as new: full again, and its last failure's log interval over. */
static int
bucket_spent(const struct basicauth_limit *l,
    const struct basicauth_bucket *b, double now)
{
	return bucket_full(l, b, now) && (b->logged_at == 0 ||
	    now - b->logged_at >= BASICAUTH_LOG_INTERVAL);
}

static struct basicauth_bucket *
find(struct basicauth_limit *l, const char *addr)
{
	size_t	 i;

	for (i = 0; i < l->max; i++)
		if (l->b[i].addr[0] != '\0' && strcmp(l->b[i].addr, addr) == 0)
			return &l->b[i];
	return NULL;
}

/* addr's bucket, made (full) in a slot as the header says when it has none. */
static struct basicauth_bucket *
lookup(struct basicauth_limit *l, const char *addr, double now)
{
	struct basicauth_bucket	*b, *idle = NULL, *full = NULL;
	size_t			 i;

	if ((b = find(l, addr)) != NULL) {
		refill(l, b, now);
		return b;
	}
	for (i = 0; i < l->max && full == NULL; i++) {
		b = &l->b[i];
		if (b->addr[0] == '\0' || bucket_spent(l, b, now))
			full = b;
		else if (idle == NULL || b->at < idle->at)
			idle = b;
	}
	if ((b = full != NULL ? full : idle) == NULL)
		return NULL;
	memset(b, 0, sizeof(*b));
	snprintf(b->addr, sizeof(b->addr), "%s", addr[0] != '\0' ? addr : "?");
	b->tokens = l->burst;
	b->at = now;
	return b;
}

int
basicauth_limit_take(struct basicauth_limit *l, const char *addr, double now,
    unsigned *retry_after)
{
	struct basicauth_bucket	*b;

	if ((b = lookup(l, addr, now)) == NULL)
		return 0;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	*retry_after = (unsigned)ceil((1.0 - b->tokens) / l->rate);
	if (*retry_after < 1)
		*retry_after = 1;
	return -1;
}

void
basicauth_limit_refund(struct basicauth_limit *l, const char *addr,
    double now)
{
	struct basicauth_bucket	*b;

	if ((b = find(l, addr)) == NULL)
		return;
	refill(l, b, now);
	b->tokens = b->tokens + 1.0 > l->burst ? l->burst : b->tokens + 1.0;
}

int
basicauth_limit_failed(struct basicauth_limit *l, const char *addr,
    double now, uint64_t *unlogged)
{
	struct basicauth_bucket	*b;

	if ((b = find(l, addr)) == NULL && (b = lookup(l, addr, now)) == NULL)
		return 0;
	if (b->logged_at > 0 && now - b->logged_at < BASICAUTH_LOG_INTERVAL) {
		b->unlogged++;
		return 0;
	}
	*unlogged = b->unlogged;
	b->unlogged = 0;
	b->logged_at = now;
	return 1;
}

size_t
basicauth_limit_tracked(const struct basicauth_limit *l, double now)
{
	size_t	 i, n = 0;

	for (i = 0; i < l->max; i++)
		if (l->b[i].addr[0] != '\0' && !bucket_full(l, &l->b[i], now))
			n++;
	return n;
}
