/*
 * scrape_stream: a scrape document sent a piece at a time.
 *
 *	scrape_stream_read (whenever the socket can take more)
 *	  └─ next_piece    head ─► the containers' families, PIECE bytes at a
 *	       │           time (collector_snap_write) ─► tail ─► end
 *	       └─ copied out as is, or through gzip_step
 *
 * The head and tail are sent from the document itself; only the
 * containers' part is rendered, into one reused buffer.
 */
#include "http/scrape_stream.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "http/gzip.h"

/* Big enough to amortise a call, small next to a socket buffer. */
#define PIECE	(16 * 1024)

enum section { SEC_HEAD, SEC_BODY, SEC_TAIL, SEC_END };

struct scrape_stream {
	struct scrape_doc	*doc;
	enum section		 section;
	struct collector_cursor	 cur;
	struct buf		 piece;
	const char		*p;	/* what is left of the current piece */
	size_t			 left;
	struct gzip		*gz;		/* NULL: identity */
	int			 input_done;	/* gzip: no piece left */
	int			 gz_done;	/* gzip: the trailer is out */
	char			 err[128];
};

struct scrape_stream *
scrape_stream_new(struct scrape_doc *doc, int gzip, char *err, size_t errlen)
{
	struct scrape_stream	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if (gzip && (s->gz = gzip_new(err, errlen)) == NULL) {
		free(s);
		return NULL;
	}
	s->doc = scrape_doc_ref(doc);
	buf_init(&s->piece);
	return s;
}

void
scrape_stream_free(struct scrape_stream *s)
{
	if (s == NULL)
		return;
	gzip_free(s->gz);
	buf_free(&s->piece);
	scrape_doc_release(s->doc);
	free(s);
}

const char *
scrape_stream_error(const struct scrape_stream *s)
{
	return s->err;
}

static void
set_piece(struct scrape_stream *s, const char *p, size_t len)
{
	s->p = p;
	s->left = len;
}

/* The next non-empty piece: 1, 0 at the end, -1 out of memory. */
static int
next_piece(struct scrape_stream *s)
{
	struct scrape_doc	*d = s->doc;
	struct metrics_writer	 w;

	for (;;) {
		switch (s->section) {
		case SEC_HEAD:
			s->section = SEC_BODY;
			set_piece(s, d->head.data, d->head.len);
			break;
		case SEC_BODY:
			if (d->snap == NULL) {
				s->section = SEC_TAIL;
				continue;
			}
			buf_reset(&s->piece);
			metrics_writer_init(&w, &s->piece, d->fmt);
			if (collector_snap_write(d->snap, &w, &s->cur, PIECE))
				s->section = SEC_TAIL;
			if (s->piece.oom) {
				snprintf(s->err, sizeof(s->err),
				    "out of memory");
				return -1;
			}
			set_piece(s, s->piece.data, s->piece.len);
			break;
		case SEC_TAIL:
			s->section = SEC_END;
			set_piece(s, d->tail.data, d->tail.len);
			break;
		case SEC_END:
			return 0;
		}
		if (s->left > 0)
			return 1;
	}
}

static ssize_t
read_identity(struct scrape_stream *s, char *out, size_t max)
{
	size_t	 n = 0, k;
	int	 rc;

	while (n < max) {
		if (s->left == 0 && (rc = next_piece(s)) <= 0) {
			if (rc == -1)
				return -1;
			break;
		}
		k = s->left < max - n ? s->left : max - n;
		memcpy(out + n, s->p, k);
		s->p += k;
		s->left -= k;
		n += k;
	}
	return (ssize_t)n;
}

static ssize_t
read_gzip(struct scrape_stream *s, char *out, size_t max)
{
	char	*o = out;
	size_t	 room = max, in_before, room_before;
	int	 rc;

	while (room > 0 && !s->gz_done) {
		if (s->left == 0 && !s->input_done) {
			if ((rc = next_piece(s)) == -1)
				return -1;
			s->input_done = rc == 0;
		}
		in_before = s->left;
		room_before = room;
		rc = gzip_step(s->gz, &s->p, &s->left, &o, &room, s->input_done,
		    s->err, sizeof(s->err));
		if (rc == -1)
			return -1;
		s->gz_done = rc == 1;
		/* Neither library stalls with input and room: never spin. */
		if (!s->gz_done && s->left == in_before && room == room_before) {
			snprintf(s->err, sizeof(s->err),
			    "gzip made no progress");
			return -1;
		}
	}
	return (ssize_t)(max - room);
}

ssize_t
scrape_stream_read(struct scrape_stream *s, char *out, size_t max)
{
	if (max > SSIZE_MAX)
		max = SSIZE_MAX;
	return s->gz != NULL ? read_gzip(s, out, max) :
	    read_identity(s, out, max);
}
