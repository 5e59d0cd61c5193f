/*
 * basicauth_limit: failed logins rate-limited per client address, a
 * token bucket each. Pure: addresses and times in, verdicts out.
 *
 * An attempt that is going to be hashed takes a token first, and gets it
 * back when it turns out right: so `burst` wrong passwords in a row (or
 * in parallel) empty the bucket, and after that an address gets one try
 * per 1/rate seconds. The table is bounded: a new address takes a free
 * slot, else the slot of one whose bucket is full again and whose last
 * logged failure is a log interval old (it is as good as new), else the
 * one idle longest.
 */
#ifndef HALE_BASICAUTH_LIMIT_H
#define HALE_BASICAUTH_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define BASICAUTH_LIMIT_MAX	1024	/* addresses tracked */
#define BASICAUTH_LIMIT_BURST	5.0	/* failures before the limit */
#define BASICAUTH_LIMIT_RATE	1.0	/* attempts per second after that */
#define BASICAUTH_LOG_INTERVAL	60.0	/* one failure logged per address per this */
#define BASICAUTH_ADDR_MAX	64

struct basicauth_bucket {
	char		 addr[BASICAUTH_ADDR_MAX];	/* "" = free */
	double		 tokens;
	double		 at;		/* when tokens was last brought up to date */
	double		 logged_at;	/* last failure logged; 0 = never */
	uint64_t	 unlogged;	/* failures since */
};

struct basicauth_limit {
	struct basicauth_bucket	*b;
	size_t			 max;
	double			 burst;
	double			 rate;
};

/* -1 without memory. */
int	basicauth_limit_init(struct basicauth_limit *, size_t max,
	    double burst, double rate);
void	basicauth_limit_free(struct basicauth_limit *);
/*
 * An attempt about to be hashed: 0 when it may go on (a token is taken),
 * -1 when over the limit, with the seconds until the next one may in
 * *retry_after (at least 1).
 */
int	basicauth_limit_take(struct basicauth_limit *, const char *addr,
	    double now, unsigned *retry_after);
/* The attempt was right: its token back. */
void	basicauth_limit_refund(struct basicauth_limit *, const char *addr,
	    double now);
/*
 * The attempt was wrong. 1 when this failure is to be logged (the first
 * in BASICAUTH_LOG_INTERVAL for this address), with the failures left
 * unlogged before it in *unlogged; else 0.
 */
int	basicauth_limit_failed(struct basicauth_limit *, const char *addr,
	    double now, uint64_t *unlogged);
/* Addresses with a bucket not yet full. */
size_t	basicauth_limit_tracked(const struct basicauth_limit *, double now);

#endif
