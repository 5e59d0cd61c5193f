/*
 * scrape_stream: a document read back through a stream, in any size of
 * read, plain and gzipped, must be exactly its head, its snapshot written
 * whole, and its tail; the stream must keep the document alive on its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/scrape_stream.h"

#define FIX	FIXTURES "/cgroup/"
#define ID(h)	h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h
/* Enough targets for a body of many pieces (each is ~1,000 bytes a family). */
#define NTARGETS	600

struct fixture {
	struct cgroup_env	 env;
	struct collector	*c;
	struct cgroup_target	 t[NTARGETS];
	char			 labels[NTARGETS][32];
};

static int
setup(void **state)
{
	struct fixture	*f;
	char		 err[256];
	size_t		 i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (cgroup_env_init(&f->env, FIX "v2-systemd/sys",
	    FIX "v2-systemd/proc", err, sizeof(err)) == -1 ||
	    (f->c = collector_new(&f->env)) == NULL) {
		free(f);
		return -1;
	}
	/* The same two cgroups under many names: every one is read. */
	for (i = 0; i < NTARGETS; i++) {
		snprintf(f->labels[i], sizeof(f->labels[i]), "name=\"c%zu\"", i);
		f->t[i].id = i % 2 ? "/system.slice/docker-" ID("a1") ".scope" :
		    "/";
		f->t[i].labels = f->labels[i];
		f->t[i].pid = i % 2 ? 4242 : 0;
		f->t[i].start_time = 1700000000 + (double)i;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	collector_free(f->c);
	free(f);
	return 0;
}

static struct scrape_doc *
make_doc(struct fixture *f, size_t ntargets)
{
	struct scrape_doc	*d;

	assert_non_null(d = calloc(1, sizeof(*d)));
	d->refs = 1;
	d->fmt = METRICS_OPENMETRICS;
	buf_init(&d->head);
	buf_init(&d->tail);
	buf_puts(&d->head, "# TYPE head gauge\nhead 1\n");
	buf_puts(&d->tail, "# TYPE tail gauge\ntail 2\n# EOF\n");
	if (ntargets > 0) {
		d->snap = collector_collect(f->c, f->t, ntargets, 1700000500);
		assert_non_null(d->snap);
		collector_snap_ref(d->snap);
	}
	return d;
}

/* What the stream must produce: head, the snapshot whole, tail. */
static char *
expected(const struct scrape_doc *d, size_t *len)
{
	struct buf		b;
	struct metrics_writer	w;
	struct collector_cursor	cur = { 0, 0, 0 };

	buf_init(&b);
	buf_append(&b, d->head.data, d->head.len);
	metrics_writer_init(&w, &b, d->fmt);
	if (d->snap != NULL)
		assert_int_equal(collector_snap_write(d->snap, &w, &cur,
		    SIZE_MAX), 1);
	buf_append(&b, d->tail.data, d->tail.len);
	assert_false(b.oom);
	return buf_steal(&b, len);
}

/* Reads a stream to its end in reads of at most `max` bytes. */
static char *
drain(struct scrape_stream *s, size_t max, size_t *len, size_t *reads)
{
	struct buf	 b;
	char		*tmp;
	ssize_t		 n;

	assert_non_null(tmp = malloc(max));
	buf_init(&b);
	for (*reads = 0; (n = scrape_stream_read(s, tmp, max)) > 0;
	    (*reads)++) {
		assert_true((size_t)n <= max);
		buf_append(&b, tmp, (size_t)n);
	}
	assert_int_equal(n, 0);
	/* The end stays the end. */
	assert_int_equal(scrape_stream_read(s, tmp, max), 0);
	free(tmp);
	assert_false(b.oom);
	return buf_steal(&b, len);
}

static char *
gunzip(const char *in, size_t len, size_t *outlen)
{
	z_stream	 zs;
	size_t		 cap = 1 << 20;
	char		*out;
	int		 rc;

	assert_non_null(out = malloc(cap));
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		zs.next_out = (Bytef *)out + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		rc = inflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_END)
			break;
		assert_true(rc == Z_BUF_ERROR || rc == Z_OK);
		assert_non_null(out = realloc(out, cap *= 2));
	}
	/* One gzip member, nothing after it. */
	assert_int_equal(zs.avail_in, 0);
	*outlen = zs.total_out;
	inflateEnd(&zs);
	return out;
}

static void
test_identity_any_read_size(void **state)
{
	struct fixture		*f = *state;
	struct scrape_doc	*d = make_doc(f, NTARGETS);
	struct scrape_stream	*s;
	size_t			 sizes[] = { 1, 13, 4096, 32768, 1 << 20 };
	size_t			 i, len, elen, reads;
	char			*got, *want, err[64];

	want = expected(d, &elen);
	/* Many pieces of 16 KiB, so resuming inside the snapshot is tested. */
	assert_true(elen > 200000);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_non_null(s = scrape_stream_new(d, 0, err, sizeof(err)));
		got = drain(s, sizes[i], &len, &reads);
		assert_int_equal(len, elen);
		assert_memory_equal(got, want, elen);
		if (sizes[i] < elen)
			assert_true(reads >= elen / sizes[i]);
		free(got);
		scrape_stream_free(s);
	}
	free(want);
	scrape_doc_release(d);
}

static void
test_gzip_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct scrape_doc	*d = make_doc(f, NTARGETS);
	struct scrape_stream	*s;
	size_t			 sizes[] = { 1, 100, 32768 };
	size_t			 i, len, elen, plen, reads;
	char			*gz, *plain, *want, err[64];

	want = expected(d, &elen);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_non_null(s = scrape_stream_new(d, 1, err, sizeof(err)));
		gz = drain(s, sizes[i], &len, &reads);
		assert_true(len > 20 && len < elen / 4);
		assert_int_equal((unsigned char)gz[0], 0x1f);	/* gzip magic */
		assert_int_equal((unsigned char)gz[1], 0x8b);
		plain = gunzip(gz, len, &plen);
		assert_int_equal(plen, elen);
		assert_memory_equal(plain, want, elen);
		free(plain);
		free(gz);
		scrape_stream_free(s);
	}
	free(want);
	scrape_doc_release(d);
}

/* Without a collector a document is its head and tail. */
static void
test_no_snapshot(void **state)
{
	struct fixture		*f = *state;
	struct scrape_doc	*d = make_doc(f, 0);
	struct scrape_stream	*s;
	size_t			 len, reads;
	char			*got, err[64];

	assert_non_null(s = scrape_stream_new(d, 0, err, sizeof(err)));
	got = drain(s, 7, &len, &reads);
	assert_int_equal(len, d->head.len + d->tail.len);
	assert_string_equal(got, "# TYPE head gauge\nhead 1\n"
	    "# TYPE tail gauge\ntail 2\n# EOF\n");
	free(got);
	scrape_stream_free(s);
	scrape_doc_release(d);
}

/*
 * The cache lets go of a document (a new scrape replaced it) while a
 * response is still sending it: the stream holds its own reference, and
 * the collector must not reuse the snapshot under it.
 */
static void
test_outlives_cache(void **state)
{
	struct fixture		*f = *state;
	struct scrape_doc	*d = make_doc(f, 40);
	struct scrape_stream	*s;
	size_t			 len, elen, reads;
	char			*got, *want, err[64], first[64];
	ssize_t			 n;

	want = expected(d, &elen);
	assert_non_null(s = scrape_stream_new(d, 0, err, sizeof(err)));
	n = scrape_stream_read(s, first, sizeof(first));
	assert_int_equal(n, (ssize_t)sizeof(first));
	scrape_doc_release(d);
	/* The next collection, with other labels, while the stream is open. */
	snprintf(f->labels[3], sizeof(f->labels[3]), "name=\"changed\"");
	assert_non_null(collector_collect(f->c, f->t, NTARGETS, 1700000600));
	got = drain(s, 1000, &len, &reads);
	assert_int_equal(len + sizeof(first), elen);
	assert_memory_equal(first, want, sizeof(first));
	assert_memory_equal(got, want + sizeof(first), len);
	assert_null(strstr(got, "changed"));
	free(got);
	free(want);
	scrape_stream_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_any_read_size),
		cmocka_unit_test(test_gzip_round_trip),
		cmocka_unit_test(test_no_snapshot),
		cmocka_unit_test(test_outlives_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
