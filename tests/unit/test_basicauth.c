/*
 * basicauth's pure parts: the keyed credentials cache (digests, expiry,
 * bound), the per-address limiter (burst, refill, refund, log interval,
 * bound), the user table's and open paths' checks, and the Basic header
 * split the checks start from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "http/auth.h"
#include "http/basicauth.h"
#include "http/basicauth_cache.h"
#include "http/basicauth_limit.h"
#include "http/basicauth_worker.h"

/* "scrape-pass" and "slow-pass" (crypt_gensalt_rn + crypt_r) */
#define HASH4	"$2b$04$WGx51KRenjPDZiymsFUl4e8vW3.7rIjx20pVJY53p2X5lIKFin56q"
#define HASH13	"$2b$13$L/T0LzI5njMCkSKVT6DRIeKA8RSZHfKPRII.CHDUqUYCfsQAh/TpO"

static const uint8_t key_a[BASICAUTH_KEY_LEN] = { 1, 2, 3 };
static const uint8_t key_b[BASICAUTH_KEY_LEN] = { 3, 2, 1 };

static void
test_cache_digest(void **state)
{
	struct basicauth_cache	 a, b;
	uint8_t			 d1[32], d2[32];

	(void)state;
	basicauth_cache_init(&a, key_a, 8, 600);
	basicauth_cache_init(&b, key_b, 8, 600);
	basicauth_cache_digest(&a, "u", "p", HASH4, d1);
	basicauth_cache_digest(&a, "u", "p", HASH4, d2);
	assert_memory_equal(d1, d2, 32);
	/* Another process's key, user, password or hash: another digest. */
	basicauth_cache_digest(&b, "u", "p", HASH4, d2);
	assert_memory_not_equal(d1, d2, 32);
	basicauth_cache_digest(&a, "v", "p", HASH4, d2);
	assert_memory_not_equal(d1, d2, 32);
	basicauth_cache_digest(&a, "u", "q", HASH4, d2);
	assert_memory_not_equal(d1, d2, 32);
	basicauth_cache_digest(&a, "u", "p", "$2b$04$other", d2);
	assert_memory_not_equal(d1, d2, 32);
	/* The separator keeps "u" "p:x" apart from "u:p" "x". */
	basicauth_cache_digest(&a, "ab", "c", HASH4, d1);
	basicauth_cache_digest(&a, "a", "bc", HASH4, d2);
	assert_memory_not_equal(d1, d2, 32);
}

static void
test_cache_expiry_and_bound(void **state)
{
	struct basicauth_cache	 c;
	uint8_t			 d[5][32];
	int			 i;

	(void)state;
	basicauth_cache_init(&c, key_a, 4, 600);
	for (i = 0; i < 5; i++) {
		char	 pw[8];

		pw[0] = (char)('a' + i);
		pw[1] = '\0';
		basicauth_cache_digest(&c, "u", pw, HASH4, d[i]);
	}
	assert_int_equal(basicauth_cache_hit(&c, d[0], 100), 0);
	basicauth_cache_put(&c, d[0], 100);
	assert_int_equal(basicauth_cache_hit(&c, d[0], 100), 1);
	assert_int_equal(basicauth_cache_hit(&c, d[1], 100), 0);
	assert_int_equal(basicauth_cache_hit(&c, d[0], 699.9), 1);
	assert_int_equal(basicauth_cache_hit(&c, d[0], 700.1), 0);
	assert_int_equal(basicauth_cache_size(&c, 700.1), 0);
	/* Putting the same digest again renews it, without a second entry. */
	basicauth_cache_put(&c, d[0], 700);
	basicauth_cache_put(&c, d[0], 701);
	assert_int_equal(basicauth_cache_size(&c, 701), 1);
	/* Full: the oldest makes room. */
	for (i = 1; i < 5; i++)
		basicauth_cache_put(&c, d[i], 701 + i);
	assert_int_equal(basicauth_cache_size(&c, 710), 4);
	assert_int_equal(basicauth_cache_hit(&c, d[0], 710), 0);
	for (i = 1; i < 5; i++)
		assert_int_equal(basicauth_cache_hit(&c, d[i], 710), 1);
	basicauth_cache_clear(&c);
	assert_int_equal(basicauth_cache_size(&c, 710), 0);
	assert_int_equal(basicauth_cache_hit(&c, d[4], 710), 0);
}

static void
test_limit_burst_and_refill(void **state)
{
	struct basicauth_limit	 l;
	unsigned		 retry = 0;
	int			 i;

	(void)state;
	assert_int_equal(basicauth_limit_init(&l, 16, 5, 1), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 100,
		    &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 100, &retry), -1);
	assert_int_equal(retry, 1);
	/* Another address is not concerned. */
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.2", 100, &retry), 0);
	/* Half a second later: still out; a second: one more try. */
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 100.5, &retry), -1);
	assert_int_equal(retry, 1);
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 101, &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 101, &retry), -1);
	/* A right password gives its token back. */
	basicauth_limit_refund(&l, "10.0.0.1", 101);
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 101, &retry), 0);
	assert_int_equal(basicauth_limit_tracked(&l, 101), 1);
	/* Five seconds of quiet fill the bucket again. */
	assert_int_equal(basicauth_limit_tracked(&l, 107), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 107,
		    &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "10.0.0.1", 107, &retry), -1);
	basicauth_limit_free(&l);
}

static void
test_limit_log_interval(void **state)
{
	struct basicauth_limit	 l;
	uint64_t		 unlogged = 99;
	int			 i;

	(void)state;
	assert_int_equal(basicauth_limit_init(&l, 16, 5, 1), 0);
	assert_int_equal(basicauth_limit_failed(&l, "a", 10, &unlogged), 1);
	assert_int_equal(unlogged, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(basicauth_limit_failed(&l, "a", 11 + i,
		    &unlogged), 0);
	assert_int_equal(basicauth_limit_failed(&l, "b", 12, &unlogged), 1);
	assert_int_equal(basicauth_limit_failed(&l, "a",
	    10 + BASICAUTH_LOG_INTERVAL, &unlogged), 1);
	assert_int_equal(unlogged, 7);
	basicauth_limit_free(&l);
}

static void
test_limit_table_bound(void **state)
{
	struct basicauth_limit	 l;
	unsigned		 retry;
	int			 i;

	(void)state;
	assert_int_equal(basicauth_limit_init(&l, 2, 1, 0.001), 0);
	assert_int_equal(basicauth_limit_take(&l, "a", 10, &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "b", 11, &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "a", 12, &retry), -1);
	assert_in_range(retry, 990, 1000);
	/* A third address takes the slot idle longest ("b", seen at 11). */
	assert_int_equal(basicauth_limit_take(&l, "c", 13, &retry), 0);
	assert_int_equal(basicauth_limit_take(&l, "a", 14, &retry), -1);
	assert_int_equal(basicauth_limit_take(&l, "c", 14, &retry), -1);
	for (i = 0; i < 2; i++)
		assert_true(l.b[i].addr[0] != 'b');
	basicauth_limit_free(&l);
}

static void
test_users_and_paths(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct basicauth	*ba;
	struct basicauth_user	 u[2] = { { "ops", HASH4 }, { "ops", HASH4 } };
	struct basicauth_stats	 st;
	const char		*paths[] = { "/healthz", "/metrics" };
	const char		*bad[] = { "metrics" };
	char			 err[256];

	(void)state;
	assert_non_null(ba = basicauth_new(loop, err, sizeof(err)));
	assert_int_equal(basicauth_set_users(ba, u, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ops: given twice"));
	u[1].name = "a b";
	assert_int_equal(basicauth_set_users(ba, u, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "user name"));
	u[1].name = "dev";
	u[1].hash = "plain";
	assert_int_equal(basicauth_set_users(ba, u, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "user dev: the hash"));
	u[1].hash = HASH4;
	assert_int_equal(basicauth_set_users(ba, u, 2, err, sizeof(err)), 0);
	assert_int_equal(basicauth_set_users(ba, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(basicauth_set_admin(ba, "ops", HASH4, err,
	    sizeof(err)), 0);
	assert_int_equal(basicauth_set_admin(ba, NULL, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(basicauth_set_open_paths(ba, paths, 2, err,
	    sizeof(err)), 0);
	assert_int_equal(basicauth_set_open_paths(ba, bad, 1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "starting with '/'"));
	assert_int_equal(basicauth_check_path("/a b", err, sizeof(err)), -1);
	assert_int_equal(basicauth_check_path("/x?y", err, sizeof(err)), -1);
	assert_int_equal(basicauth_check_path("/api/v1/containers", err,
	    sizeof(err)), 0);
	basicauth_get_stats(ba, &st);
	assert_int_equal(st.hashed, 0);
	assert_int_equal(st.cache_entries, 0);
	basicauth_free(ba);
	ev_loop_destroy(loop);
}

struct jobs_seen {
	int	 n;
	int	 ok[4];
};

static void
jobs_done(void *arg, struct basicauth_job *j)
{
	struct jobs_seen	*s = arg;

	if (s->n < 4)
		s->ok[s->n] = j->ok;
	s->n++;
}

static int
all_done(struct ev_loop *loop, struct basicauth_worker *w, int want,
    struct jobs_seen *s)
{
	int	 i;

	for (i = 0; i < 2000 && s->n < want; i++) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	return basicauth_worker_inflight(w) == 0 && s->n == want;
}

/*
 * The queue holds queue_max jobs, waiting or being hashed; one more is
 * refused. Results come back on the loop; what was never checked comes
 * back from basicauth_worker_free with ok -1.
 */
/* This process's threads, as the kernel lists them. */
static int
threads(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/task"));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_worker_bounded(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct basicauth_worker	*w;
	struct basicauth_job	 j[4];
	struct jobs_seen	 seen;
	char			 err[128];
	int			 i;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	memset(j, 0, sizeof(j));
	for (i = 0; i < 4; i++) {
		snprintf(j[i].password, sizeof(j[i].password), "%s",
		    i == 1 ? "wrong" : "scrape-pass");
		snprintf(j[i].hash, sizeof(j[i].hash), "%s", HASH4);
	}
	w = basicauth_worker_new(loop, 1, 2, jobs_done, &seen, err,
	    sizeof(err));
	assert_non_null(w);
	assert_int_equal(threads(), 1);		/* none before a password */
	assert_int_equal(basicauth_worker_submit(w, &j[0]), 0);
	assert_int_equal(threads(), 2);
	assert_int_equal(basicauth_worker_submit(w, &j[1]), 0);
	assert_int_equal(basicauth_worker_full(w), 1);
	assert_int_equal(basicauth_worker_submit(w, &j[2]), -1);
	assert_int_equal(basicauth_worker_inflight(w), 2);
	assert_true(all_done(loop, w, 2, &seen));
	assert_int_equal(seen.ok[0], 1);
	assert_int_equal(seen.ok[1], 0);
	assert_int_equal(basicauth_worker_hashed(w), 2);
	basicauth_worker_free(w);

	/* The one thread is on a slow hash: the others come back unchecked. */
	memset(&seen, 0, sizeof(seen));
	snprintf(j[0].hash, sizeof(j[0].hash), "%s", HASH13);
	w = basicauth_worker_new(loop, 1, 4, jobs_done, &seen, err,
	    sizeof(err));
	assert_non_null(w);
	for (i = 0; i < 4; i++)
		assert_int_equal(basicauth_worker_submit(w, &j[i]), 0);
	basicauth_worker_free(w);
	assert_int_equal(seen.n, 4);
	for (i = 1; i < 4; i++)
		assert_int_equal(seen.ok[i], -1);
	ev_loop_destroy(loop);
}

static void
test_basic_split(void **state)
{
	char		 plain[AUTH_HEADER_MAX];
	const char	*u, *p;

	(void)state;
	/* base64("scraper:scrape-pass") */
	assert_int_equal(auth_basic_split("Basic c2NyYXBlcjpzY3JhcGUtcGFzcw==",
	    plain, sizeof(plain), &u, &p), 0);
	assert_string_equal(u, "scraper");
	assert_string_equal(p, "scrape-pass");
	assert_int_equal(auth_basic_split("basic  c2NyYXBlcjpzY3JhcGUtcGFzcw==",
	    plain, sizeof(plain), &u, &p), 0);
	assert_int_equal(auth_basic_split("Bearer c2NyYXBlcjpzY3JhcGUtcGFzcw==",
	    plain, sizeof(plain), &u, &p), -1);
	/* base64("nocolon"), and not base64 at all */
	assert_int_equal(auth_basic_split("Basic bm9jb2xvbg==", plain,
	    sizeof(plain), &u, &p), -1);
	assert_int_equal(auth_basic_split("Basic !!!!", plain, sizeof(plain),
	    &u, &p), -1);
	assert_int_equal(auth_basic_split(NULL, plain, sizeof(plain), &u, &p),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_digest),
		cmocka_unit_test(test_cache_expiry_and_bound),
		cmocka_unit_test(test_limit_burst_and_refill),
		cmocka_unit_test(test_limit_log_interval),
		cmocka_unit_test(test_limit_table_bound),
		cmocka_unit_test(test_users_and_paths),
		cmocka_unit_test(test_worker_bounded),
		cmocka_unit_test(test_basic_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
