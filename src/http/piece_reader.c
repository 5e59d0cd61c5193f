/*
 * piece_reader: the copy loop of every streamed body.
 *
 *	piece_reader_read (the stream's reader)
 *	  └─ piece_reader_fill ─► next (the source) while the piece is used up
 *	       └─ copied out until the caller's room or the source ends
 */
#include "http/piece_reader.h"

#include <limits.h>
#include <string.h>

void
piece_reader_init(struct piece_reader *r, piece_next_fn *next, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->next = next;
	r->arg = arg;
}

int
piece_reader_fill(struct piece_reader *r)
{
	int	rc;

	while (r->left == 0) {
		if (r->end)
			return 0;
		if ((rc = r->next(r->arg, &r->p, &r->left)) == -1) {
			r->left = 0;
			return -1;
		}
		if (rc == 0) {
			r->left = 0;
			r->end = 1;
		}
	}
	return 1;
}

ssize_t
piece_reader_read(struct piece_reader *r, char *out, size_t max)
{
	size_t	 n = 0, k;
	int	 rc;

	if (max > SSIZE_MAX)
		max = SSIZE_MAX;
	while (n < max) {
		if ((rc = piece_reader_fill(r)) == -1)
			return -1;
		if (rc == 0)
			break;
		k = r->left < max - n ? r->left : max - n;
		memcpy(out + n, r->p, k);
		r->p += k;
		r->left -= k;
		n += k;
	}
	return (ssize_t)n;
}
