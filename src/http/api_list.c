/*
 * api_list: GET /api/v1/containers as a chunked body.
 *
 *	api_list_read (whenever the socket can take more)
 *	  └─ piece_reader_read ─► list_next (when a piece is used up)
 *	       └─ inventory_json_list_next: "[" and a container, "," and
 *	          the next, ..., "]"
 */
#include "http/api_list.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "http/piece_reader.h"

struct api_list {
	struct inventory_json_cursor	*cur;
	struct buf			 piece;
	struct piece_reader		 rd;
	int				 done;	/* the last piece is in */
};

/* A piece_next_fn: the cursor's next piece into the one buffer. */
static int
list_next(void *arg, const char **p, size_t *len)
{
	struct api_list	*l = arg;
	int		 rc;

	if (l->done)
		return 0;
	buf_reset(&l->piece);
	if ((rc = inventory_json_list_next(l->cur, &l->piece)) == -1)
		return -1;
	l->done = rc == 0;
	*p = l->piece.data;
	*len = l->piece.len;
	return 1;
}

struct api_list *
api_list_new(struct inventory *inv, inventory_json_fn *hook, void *hook_arg)
{
	struct api_list	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->cur = inventory_json_list_begin(inv, hook, hook_arg)) == NULL) {
		free(l);
		return NULL;
	}
	buf_init(&l->piece);
	piece_reader_init(&l->rd, list_next, l);
	return l;
}

void
api_list_free(void *arg)
{
	struct api_list	*l = arg;

	if (l == NULL)
		return;
	inventory_json_list_end(l->cur);
	buf_free(&l->piece);
	free(l);
}

ssize_t
api_list_read(void *arg, uint64_t pos, char *out, size_t max)
{
	struct api_list	*l = arg;
	ssize_t		 n;

	(void)pos;
	if ((n = piece_reader_read(&l->rd, out, max)) == -1) {
		log_warn("container list aborted",
		    LOG_S("err", "out of memory"));
		return HTTPD_STREAM_ERROR;
	}
	return n > 0 ? n : HTTPD_STREAM_END;
}
