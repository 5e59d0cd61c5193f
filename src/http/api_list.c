/*
 * api_list: GET /api/v1/containers as a chunked body.
 *
 *	api_list_read (whenever the socket can take more)
 *	  └─ inventory_json_list_next: "[" and a container, "," and the
 *	     next, ..., "]" ─► copied out, the rest kept for the next call
 */
#include "http/api_list.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

struct api_list {
	struct inventory_json_cursor	*cur;
	struct buf			 piece;
	size_t				 off;	/* sent of piece */
	int				 done;	/* the last piece is in */
};

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
	size_t		 n = 0, k;
	int		 rc;

	(void)pos;
	if (max > SSIZE_MAX)
		max = SSIZE_MAX;
	while (n < max) {
		if (l->off == l->piece.len) {
			if (l->done)
				break;
			buf_reset(&l->piece);
			l->off = 0;
			if ((rc = inventory_json_list_next(l->cur,
			    &l->piece)) == -1) {
				log_warn("container list aborted",
				    LOG_S("err", "out of memory"));
				return HTTPD_STREAM_ERROR;
			}
			l->done = rc == 0;
			continue;
		}
		k = l->piece.len - l->off < max - n ? l->piece.len - l->off :
		    max - n;
		memcpy(out + n, l->piece.data + l->off, k);
		l->off += k;
		n += k;
	}
	return n > 0 ? (ssize_t)n : HTTPD_STREAM_END;
}
