/*
 * http_resp: see http_resp.h. The states follow the response:
 *
 *   HR_STATUS ─► HR_HEADERS ─┬─ 1xx ─────────────────────► HR_STATUS
 *                            ├─ no body (HEAD, 204, 304, 0) ─► HR_DONE
 *                            ├─ chunked ─► HR_CHUNK_SIZE ⇄ HR_CHUNK_DATA
 *                            │               │ (HR_CHUNK_END between)
 *                            │               └─ size 0 ─► HR_TRAILERS ─► HR_DONE
 *                            └─ HR_BODY (Content-Length, or until the close)
 *
 * The messages are libcurl's for the same faults.
 */
#include "check/http_resp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/num.h"

void
http_resp_init(struct http_resp *r, int head)
{
	memset(r, 0, offsetof(struct http_resp, line));
	r->st = HR_STATUS;
	r->head = head;
	r->clen = -1;
}

int
http_resp_have_head(const struct http_resp *r)
{
	return r->st > HR_HEADERS;
}

static long
fail(enum http_resp_fault *f, enum http_resp_fault what, char *err,
    size_t errlen, const char *msg)
{
	*f = what;
	err_set(err, errlen, "%s", msg);
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The status line as libcurl 7.88 reads it: sscanf(" HTTP/%1d.%1d%c%3d%c")
 * (a blank-skipping, signed three-character code), then its checks in
 * its order. The code, or -1 with the message.
 */
static long
status_line(const char *s, size_t n, char *msg, size_t msglen)
{
	size_t	 i = 5, k;
	int	 major, minor = 0, nc = 0, neg = 0, digits = 0;
	char	 sep = 0;
	long	 code = 0;

	/* The line ends at n: a NUL there stands for sscanf's end. */
	if (i < n && is_digit(s[i])) {
		major = s[i++] - '0';
		nc = 1;
		if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
			minor = s[i + 1] - '0';
			i += 2;
			nc = 2;
			if (i < n) {
				sep = s[i++];
				nc = 3;
			}
		}
	} else
		major = 0;
	if (nc == 1 && (major == 2 || major == 3) && i < n && s[i] == ' ') {
		/* " HTTP/%1[23] %d": "HTTP/2 200". */
		minor = 0;
		sep = ' ';
		nc = 3;
		i++;
	}
	if (nc == 3) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		for (k = 0; k < 3 && i < n; k++, i++) {
			if (k == 0 && (s[i] == '-' || s[i] == '+')) {
				neg = s[i] == '-';
				continue;
			}
			if (!is_digit(s[i]))
				break;
			code = code * 10 + (s[i] - '0');
			digits++;
		}
		if (digits > 0)
			nc = 4;
		if (neg)
			code = -code;
	}
	if ((nc == 4 && i < n && is_digit(s[i])) ||
	    (nc == 4 && (code < 100 || code > 999))) {
		snprintf(msg, msglen, "Unsupported response code in HTTP response");
		return -1;
	}
	if (nc < 4 || sep != ' ') {
		snprintf(msg, msglen, "Unsupported HTTP version in response");
		return -1;
	}
	if (!(major == 1 && (minor == 0 || minor == 1)) &&
	    !(major == 2 && minor == 0)) {
		snprintf(msg, msglen, "Unsupported HTTP version (%d.%d) in "
		    "response", major, minor);
		return -1;
	}
	return code;
}

static const char *
header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t	 k = strlen(name), i;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	for (i = k + 1; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	*vlen = n - i;
	return line + i;
}

static int
has_token(const char *v, size_t n, const char *tok)
{
	size_t	 k = strlen(tok), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(v + i, tok, k) == 0)
			return 1;
	return 0;
}

static long
header(struct http_resp *r, const char *line, size_t n,
    enum http_resp_fault *f, char *err, size_t errlen)
{
	const char	*v;
	size_t		 vlen, d;
	uint64_t	 cl;

	if ((v = header_value(line, n, "Content-Length", &vlen)) != NULL) {
		/*
		 * libcurl's strtoofft: the leading digits count, what
		 * follows them not; no digits is an error, too many digits
		 * no length at all (the body runs to the close).
		 */
		for (d = 0; d < vlen && is_digit(v[d]); d++)
			;
		if (d == 0)
			return fail(f, HRF_PROTOCOL, err, errlen,
			    "Invalid Content-Length: value");
		if (num_parse_u64(v, d, &cl) == 0 && cl <= INT64_MAX)
			r->clen = (int64_t)cl;
	} else if ((v = header_value(line, n, "Transfer-Encoding",
	    &vlen)) != NULL) {
		if (has_token(v, vlen, "chunked"))
			r->chunked = 1;
	} else if (!r->has_location &&
	    (v = header_value(line, n, "Location", &vlen)) != NULL &&
	    vlen > 0 && vlen < sizeof(r->location)) {
		/* The first one counts, as in libcurl. */
		memcpy(r->location, v, vlen);
		r->location[vlen] = '\0';
		r->has_location = 1;
	}
	return 0;
}

/* The blank line: where the body starts, if it has one. */
static void
head_end(struct http_resp *r)
{
	if (r->status >= 100 && r->status < 200 && r->status != 101) {
		r->st = HR_STATUS;
		r->chunked = 0;
		r->clen = -1;
		r->has_location = 0;
		return;
	}
	if (r->head || r->status == 204 || r->status == 304 ||
	    (r->status >= 100 && r->status < 200)) {
		r->st = HR_DONE;
		return;
	}
	if (r->chunked) {
		r->st = HR_CHUNK_SIZE;
		return;
	}
	if (r->clen == 0) {
		r->st = HR_DONE;
		return;
	}
	r->left = r->clen > 0 ? (uint64_t)r->clen : 0;
	r->st = HR_BODY;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A chunk-size line, without its CRLF. */
static long
chunk_size(struct http_resp *r, const char *s, size_t n,
    enum http_resp_fault *f, char *err, size_t errlen)
{
	uint64_t	 v = 0;
	size_t		 i;
	int		 d;

	for (i = 0; i < n && (d = hexval(s[i])) != -1; i++) {
		if (i == 16)
			return fail(f, HRF_CHUNK, err, errlen,
			    "Too long hexadecimal number in chunked-encoding");
		v = v << 4 | (uint64_t)d;
	}
	if (i == 0)
		return fail(f, HRF_CHUNK, err, errlen,
		    "Illegal or missing hexadecimal sequence in chunked-encoding");
	if (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t')
		return fail(f, HRF_CHUNK, err, errlen,
		    "Illegal or missing hexadecimal sequence in chunked-encoding");
	r->left = v;
	r->st = v == 0 ? HR_TRAILERS : HR_CHUNK_DATA;
	return 0;
}

/* One whole line of the head, the chunk sizes or the trailers. */
static long
line_done(struct http_resp *r, enum http_resp_fault *f, char *err,
    size_t errlen)
{
	size_t	 n = r->llen;
	char	 msg[80];

	if (n > 0 && r->line[n - 1] == '\r')
		n--;
	r->llen = 0;
	switch (r->st) {
	case HR_STATUS:
		if ((r->status = status_line(r->line, n, msg,
		    sizeof(msg))) == -1)
			return fail(f, HRF_PROTOCOL, err, errlen, msg);
		r->st = HR_HEADERS;
		return 0;
	case HR_HEADERS:
		if (n == 0) {
			head_end(r);
			return 0;
		}
		return header(r, r->line, n, f, err, errlen);
	case HR_CHUNK_SIZE:
		return chunk_size(r, r->line, n, f, err, errlen);
	case HR_CHUNK_END:
		if (n != 0)
			return fail(f, HRF_CHUNK, err, errlen,
			    "Malformed encoding found in chunked-encoding");
		r->st = HR_CHUNK_SIZE;
		return 0;
	case HR_TRAILERS:
		if (n == 0)
			r->st = HR_DONE;
		return 0;
	default:
		return 0;
	}
}

/* Bytes of a line-shaped state, up to and with its LF. */
static long
take_line(struct http_resp *r, const char *in, size_t len,
    enum http_resp_fault *f, char *err, size_t errlen)
{
	const char	*nl = memchr(in, '\n', len);
	size_t		 n = nl != NULL ? (size_t)(nl - in) : len;
	int		 inhead = r->st <= HR_HEADERS;
	char		 sz[64];

	if (inhead && r->st == HR_STATUS && r->llen < 5) {
		/* Not even "HTTP/": libcurl's HTTP/0.9 refusal. */
		static const char proto[] = "HTTP/";
		size_t	 k = n < 5 - r->llen ? n : 5 - r->llen;

		if (memcmp(in, &proto[r->llen], k) != 0)
			return fail(f, HRF_PROTOCOL, err, errlen,
			    "Received HTTP/0.9 when not allowed");
	}
	if (r->llen + n >= sizeof(r->line) ||
	    (inhead && r->head_bytes + n + 1 > HTTP_RESP_HEAD_MAX)) {
		if (r->st == HR_CHUNK_SIZE)
			return fail(f, HRF_CHUNK, err, errlen,
			    "Too long hexadecimal number in chunked-encoding");
		snprintf(sz, sizeof(sz), "Too large response headers: more "
		    "than %d bytes", HTTP_RESP_HEAD_MAX);
		return fail(f, HRF_TOO_LARGE, err, errlen, sz);
	}
	memcpy(r->line + r->llen, in, n);
	r->llen += n;
	if (inhead)
		r->head_bytes += n + (nl != NULL);
	if (nl == NULL)
		return (long)len;
	if (line_done(r, f, err, errlen) == -1)
		return -1;
	return (long)n + 1;
}

long
http_resp_feed(struct http_resp *r, const char *in, size_t len,
    const char **body, size_t *bodylen, enum http_resp_fault *f, char *err,
    size_t errlen)
{
	size_t	 used = 0, n;
	long	 k;

	*body = NULL;
	*bodylen = 0;
	*f = HRF_NONE;
	if (len > 0x10000000)
		len = 0x10000000;
	while (used < len && r->st != HR_DONE) {
		if (r->st == HR_BODY || r->st == HR_CHUNK_DATA) {
			n = len - used;
			if ((r->st == HR_CHUNK_DATA || r->clen >= 0) &&
			    n > r->left)
				n = (size_t)r->left;
			*body = in + used;
			*bodylen = n;
			used += n;
			r->body_bytes += n;
			if (r->st == HR_CHUNK_DATA || r->clen >= 0)
				r->left -= n;
			if (r->left == 0 && r->st == HR_CHUNK_DATA)
				r->st = HR_CHUNK_END;
			else if (r->left == 0 && r->clen >= 0)
				r->st = HR_DONE;
			break;
		}
		if ((k = take_line(r, in + used, len - used, f, err,
		    errlen)) == -1) {
			r->wire_bytes += used;
			return -1;
		}
		used += (size_t)k;
	}
	r->wire_bytes += used;
	return (long)used;
}

int
http_resp_eof(struct http_resp *r, enum http_resp_fault *f, char *err,
    size_t errlen)
{
	char	 n[80];

	*f = HRF_NONE;
	switch (r->st) {
	case HR_DONE:
		return 0;
	case HR_BODY:
		if (r->clen < 0)
			return 0;
		snprintf(n, sizeof(n), "transfer closed with %llu bytes "
		    "remaining to read", (unsigned long long)r->left);
		return (int)fail(f, HRF_TRUNCATED, err, errlen, n);
	case HR_HEADERS:
		/* As libcurl: a status line read is an answer. */
		return 0;
	case HR_STATUS:
		return (int)fail(f, HRF_EMPTY, err, errlen,
		    "Empty reply from server");
	default:
		return (int)fail(f, HRF_TRUNCATED, err, errlen,
		    "transfer closed with outstanding read data remaining");
	}
}
