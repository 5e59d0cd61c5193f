/*
 * scrape_stream: a scrape document sent a piece at a time.
 *
 *	scrape_stream_read (whenever the socket can take more)
 *	  └─ piece_reader ─► next_piece: head ─► the containers' families,
 *	       │           PIECE bytes at a time (collector_snap_write)
 *	       │           ─► tail ─► end
 *	       └─ copied out as is (piece_reader_read), or through gzip_step
 *
 * The head and tail are sent from the document itself; only the
 * containers' part is rendered, into one reused buffer.
 */
#include "http/scrape_stream.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "http/gzip.h"
#include "http/piece_reader.h"

/* Big enough to amortise a call, small next to a socket buffer. */
#define PIECE	(16 * 1024)

enum section { SEC_HEAD, SEC_BODY, SEC_TAIL, SEC_END };

struct scrape_stream {
	struct scrape_doc	*doc;
	enum section		 section;
	struct collector_cursor	 cur;
	struct buf		 piece;
	struct piece_reader	 rd;
	struct gzip		*gz;		/* NULL: identity */
	int			 gz_done;	/* gzip: the trailer is out */
	char			 err[128];
};

static piece_next_fn next_piece;

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
	piece_reader_init(&s->rd, next_piece, s);
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

/* A piece_next_fn: head, the containers' families PIECE at a time, tail. */
static int
next_piece(void *arg, const char **p, size_t *len)
{
	struct scrape_stream	*s = arg;
	struct scrape_doc	*d = s->doc;
	struct metrics_writer	 w;

	*len = 0;
	switch (s->section) {
	case SEC_HEAD:
		s->section = SEC_BODY;
		*p = d->head.data;
		*len = d->head.len;
		return 1;
	case SEC_BODY:
		if (d->snap == NULL) {
			s->section = SEC_TAIL;
			return 1;
		}
		buf_reset(&s->piece);
		metrics_writer_init(&w, &s->piece, d->fmt);
		if (collector_snap_write(d->snap, &w, &s->cur, PIECE))
			s->section = SEC_TAIL;
		if (s->piece.oom) {
			snprintf(s->err, sizeof(s->err), "out of memory");
			return -1;
		}
		*p = s->piece.data;
		*len = s->piece.len;
		return 1;
	case SEC_TAIL:
		s->section = SEC_END;
		*p = d->tail.data;
		*len = d->tail.len;
		return 1;
	case SEC_END:
		break;
	}
	return 0;
}

static ssize_t
read_gzip(struct scrape_stream *s, char *out, size_t max)
{
	char	*o = out;
	size_t	 room = max, in_before, room_before;
	int	 rc;

	while (room > 0 && !s->gz_done) {
		if ((rc = piece_reader_fill(&s->rd)) == -1)
			return -1;
		in_before = s->rd.left;
		room_before = room;
		rc = gzip_step(s->gz, &s->rd.p, &s->rd.left, &o, &room, rc == 0,
		    s->err, sizeof(s->err));
		if (rc == -1)
			return -1;
		s->gz_done = rc == 1;
		/* Neither library stalls with input and room: never spin. */
		if (!s->gz_done && s->rd.left == in_before &&
		    room == room_before) {
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
	    piece_reader_read(&s->rd, out, max);
}
