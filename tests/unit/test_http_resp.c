/*
 * http_resp, the plain-http probe's parser, alone: what it reads of a
 * response, the same whether the bytes come at once or one by one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "check/http_resp.h"

struct out {
	struct http_resp	 r;
	int			 rc;		/* 0, or -1 from feed or eof */
	enum http_resp_fault	 f;
	char			 err[128];
	char			 body[256];
	size_t			 blen;
};

/* Feeds s in pieces of `piece` bytes, then the close if `eof`. */
static void
run(struct out *o, const char *s, size_t piece, int head, int eof)
{
	size_t		 len = strlen(s), off = 0, n, blen;
	const char	*b;
	long		 k;

	o->rc = 0;
	o->f = HRF_NONE;
	o->err[0] = '\0';
	o->blen = 0;
	http_resp_init(&o->r, head);
	while (off < len && o->r.st != HR_DONE) {
		n = len - off < piece ? len - off : piece;
		k = http_resp_feed(&o->r, s + off, n, &b, &blen, &o->f, o->err,
		    sizeof(o->err));
		if (k == -1) {
			o->rc = -1;
			return;
		}
		assert_true(blen + o->blen < sizeof(o->body));
		if (blen > 0)
			memcpy(o->body + o->blen, b, blen);
		o->blen += blen;
		off += (size_t)k;
	}
	if (eof && o->r.st != HR_DONE)
		o->rc = http_resp_eof(&o->r, &o->f, o->err, sizeof(o->err));
}

/* The same result whole and byte by byte; the whole one is kept in o. */
static void
check(struct out *o, const char *s, int head, int eof)
{
	static struct out	 bits;

	run(o, s, strlen(s) + 1, head, eof);
	run(&bits, s, 1, head, eof);
	assert_int_equal(bits.rc, o->rc);
	assert_int_equal(bits.f, o->f);
	assert_string_equal(bits.err, o->err);
	assert_int_equal(bits.r.status, o->r.status);
	assert_int_equal(bits.r.st, o->r.st);
	assert_int_equal(bits.blen, o->blen);
	assert_memory_equal(bits.body, o->body, o->blen);
}

static void
test_bodies(void **state)
{
	struct out	 o;

	(void)state;
	check(&o, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloTRAILING", 0, 0);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.r.status, 200);
	assert_int_equal(o.r.st, HR_DONE);
	assert_int_equal(o.blen, 5);
	assert_memory_equal(o.body, "hello", 5);
	check(&o, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
	    "3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nafter", 0, 0);
	assert_int_equal(o.r.st, HR_DONE);
	assert_int_equal(o.blen, 13);
	assert_memory_equal(o.body, "abc0123456789", 13);
	/* Until the close. */
	check(&o, "HTTP/1.0 200 OK\nServer: x\n\nto the end", 0, 1);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.blen, 10);
	/* No body: HEAD, 204, 304; a 100 first. */
	check(&o, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 1, 0);
	assert_int_equal(o.r.st, HR_DONE);
	check(&o, "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 0, 0);
	assert_int_equal(o.r.st, HR_DONE);
	check(&o, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\n"
	    "Location:  /next?a=1 \r\nContent-Length: 0\r\n\r\n", 0, 0);
	assert_int_equal(o.r.status, 302);
	assert_int_equal(o.r.has_location, 1);
	assert_string_equal(o.r.location, "/next?a=1");
	/* Chunked wins over Content-Length. */
	check(&o, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", 0, 0);
	assert_int_equal(o.blen, 2);
}

static void
test_faults(void **state)
{
	struct out	 o;
	char		 big[HTTP_RESP_HEAD_MAX + 64];
	size_t		 n;

	(void)state;
	check(&o, "", 0, 1);
	assert_int_equal(o.f, HRF_EMPTY);
	assert_string_equal(o.err, "Empty reply from server");
	check(&o, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, 1);
	assert_int_equal(o.f, HRF_TRUNCATED);
	assert_string_equal(o.err, "transfer closed with 7 bytes remaining to read");
	check(&o, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", 0, 1);
	assert_string_equal(o.err, "transfer closed with outstanding read data remaining");
	check(&o, "SSH-2.0-x\r\n", 0, 0);
	assert_int_equal(o.f, HRF_PROTOCOL);
	assert_string_equal(o.err, "Received HTTP/0.9 when not allowed");
	check(&o, "HTTP/1.1 2000\r\n\r\n", 0, 0);
	assert_string_equal(o.err, "Unsupported response code in HTTP response");
	check(&o, "HTTP/1.1 abc\r\n\r\n", 0, 0);
	assert_string_equal(o.err, "Unsupported HTTP version in response");
	check(&o, "HTTP/1.7 200 OK\r\n\r\n", 0, 0);
	assert_string_equal(o.err, "Unsupported HTTP version (1.7) in response");
	check(&o, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n", 0, 0);
	assert_int_equal(o.f, HRF_CHUNK);
	check(&o, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0, 0);
	assert_string_equal(o.err, "Malformed encoding found in chunked-encoding");
	check(&o, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0);
	assert_string_equal(o.err, "Invalid Content-Length: value");
	/* The head is bounded, in many lines or in one. */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n");
	while (n + 8 < sizeof(big) - 1)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-A: b\r\n");
	check(&o, big, 0, 0);
	assert_int_equal(o.f, HRF_TOO_LARGE);
	memset(big + 17, 'a', sizeof(big) - 18);
	big[sizeof(big) - 1] = '\0';
	check(&o, big, 0, 0);
	assert_int_equal(o.f, HRF_TOO_LARGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
