/*
 * http_resp: an HTTP/1.x response parser for the plain-http probe, fed
 * the bytes as they arrive. Pure: no I/O, no logging, no allocation;
 * bounded (the head at most HTTP_RESP_HEAD_MAX bytes, a Location at
 * most HTTP_RESP_LOC_MAX). It decodes chunked and Content-Length bodies
 * and hands the body back as spans of the caller's input, and says why
 * a response is broken in the words libcurl uses for the same fault, so
 * both probe paths report the same thing.
 */
#ifndef HALE_HTTP_RESP_H
#define HALE_HTTP_RESP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_RESP_HEAD_MAX	(16 * 1024)
#define HTTP_RESP_LOC_MAX	2048

enum http_resp_state {
	HR_STATUS,		/* reading the status line */
	HR_HEADERS,
	HR_BODY,		/* Content-Length or until the close */
	HR_CHUNK_SIZE,
	HR_CHUNK_DATA,
	HR_CHUNK_END,		/* the CRLF after a chunk's data */
	HR_TRAILERS,
	HR_DONE
};

/* What is wrong with a response: how the caller classifies it. */
enum http_resp_fault {
	HRF_NONE,
	HRF_PROTOCOL,		/* not HTTP, a bad status line or header */
	HRF_TOO_LARGE,		/* the head passed HTTP_RESP_HEAD_MAX */
	HRF_CHUNK,		/* bad chunked encoding */
	HRF_TRUNCATED,		/* closed before the end */
	HRF_EMPTY,		/* closed before a byte of the reply */
};

struct http_resp {
	enum http_resp_state	 st;
	int			 head;		/* the request was HEAD: no body */
	long			 status;
	int			 chunked;
	int64_t			 clen;		/* Content-Length, -1 if none */
	uint64_t		 left;		/* of the body or the chunk */
	uint64_t		 body_bytes;	/* decoded body so far */
	uint64_t		 wire_bytes;	/* all bytes seen */
	size_t			 head_bytes;
	int			 has_location;
	char			 location[HTTP_RESP_LOC_MAX];
	size_t			 llen;
	char			 line[HTTP_RESP_HEAD_MAX];
};

void	http_resp_init(struct http_resp *, int head);
/*
 * Takes in[0..len): the number of bytes consumed (less than len only
 * when a body span is handed back or the response is complete; call
 * again with the rest), or -1 with the fault and a message. A body span
 * goes to body and bodylen (pointing into in; bodylen 0 if none).
 */
long	http_resp_feed(struct http_resp *, const char *in, size_t len,
	    const char **body, size_t *bodylen, enum http_resp_fault *,
	    char *err, size_t errlen);
/* The peer closed: 0 if that completes the response, else -1 as feed. */
int	http_resp_eof(struct http_resp *, enum http_resp_fault *, char *err,
	    size_t errlen);
/* 1 once the status and headers are in (the body may follow). */
int	http_resp_have_head(const struct http_resp *);

#endif
