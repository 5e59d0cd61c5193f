/*
 * http_resp: the plain-http probe's response parser. Input: one byte of
 * flags (bit 0: a HEAD request; the rest: the size of the pieces the
 * bytes arrive in), then the response. The same bytes fed in one piece
 * and in the small pieces must give the same status, body, state and
 * fault; every body span must lie inside the piece it came from.
 */
#include "fuzz.h"

#include "check/http_resp.h"

struct run {
	struct http_resp	 r;
	enum http_resp_fault	 f;
	int			 failed;
	int			 eof_rc;
	char			 err[128];
	uint8_t			 body[4096];
	size_t			 blen;		/* kept */
	size_t			 btotal;	/* handed back */
};

static void
feed(struct run *u, const uint8_t *data, size_t size, size_t piece, int head)
{
	const char	*b;
	size_t		 off = 0, n, used, blen, m;
	long		 k;

	http_resp_init(&u->r, head);
	u->failed = 0;
	u->blen = 0;
	u->btotal = 0;
	while (off < size && !u->failed && u->r.st != HR_DONE) {
		n = size - off < piece ? size - off : piece;
		for (used = 0; used < n && u->r.st != HR_DONE;) {
			k = http_resp_feed(&u->r, (const char *)data + off + used,
			    n - used, &b, &blen, &u->f, u->err, sizeof(u->err));
			if (k == -1) {
				FUZZ_CHECK(u->f != HRF_NONE);
				u->failed = 1;
				break;
			}
			FUZZ_CHECK((size_t)k <= n - used);
			FUZZ_CHECK(k > 0 || blen == 0);
			if (blen > 0) {
				FUZZ_CHECK(b >= (const char *)data + off + used);
				FUZZ_CHECK(b + blen <= (const char *)data + off + used + (size_t)k);
				/* The first bytes kept, all of them counted. */
				m = blen < sizeof(u->body) - u->blen ?
				    blen : sizeof(u->body) - u->blen;
				memcpy(u->body + u->blen, b, m);
				u->blen += m;
				u->btotal += blen;
			}
			if (k == 0)
				break;
			used += (size_t)k;
		}
		off += used;
		if (used < n && !u->failed && u->r.st != HR_DONE)
			abort();	/* a piece left unread for no reason */
	}
	u->eof_rc = u->failed ? -1 : http_resp_eof(&u->r, &u->f, u->err,
	    sizeof(u->err));
	FUZZ_CHECK(u->r.head_bytes <= HTTP_RESP_HEAD_MAX);
	FUZZ_CHECK(u->r.body_bytes <= u->r.wire_bytes);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run	 whole, bits;
	size_t			 piece;
	int			 head;

	if (size < 1)
		return 0;
	head = data[0] & 1;
	piece = (data[0] >> 1) + 1;
	data++;
	size--;
	feed(&whole, data, size, size > 0 ? size : 1, head);
	feed(&bits, data, size, piece, head);
	FUZZ_CHECK(whole.failed == bits.failed);
	FUZZ_CHECK(whole.eof_rc == bits.eof_rc);
	FUZZ_CHECK(whole.r.st == bits.r.st);
	FUZZ_CHECK(whole.r.status == bits.r.status);
	FUZZ_CHECK(whole.r.body_bytes == bits.r.body_bytes);
	FUZZ_CHECK(whole.blen == bits.blen);
	FUZZ_CHECK(whole.btotal == bits.btotal);
	FUZZ_CHECK(whole.btotal == whole.r.body_bytes);
	FUZZ_CHECK(memcmp(whole.body, bits.body, whole.blen) == 0);
	FUZZ_CHECK(whole.failed || strcmp(whole.err, bits.err) == 0 ||
	    whole.eof_rc == 0);
	return 0;
}
