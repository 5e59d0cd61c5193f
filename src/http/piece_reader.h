/*
 * piece_reader: a body rendered a piece at a time, read out at any size.
 *
 * A streamed response renders its body in pieces (a container's JSON,
 * 16 KB of metric families) while libmicrohttpd asks for whatever the
 * socket can take. The reader keeps what is left of the current piece and
 * asks its source for the next one when that runs out, so every stream
 * has the same copy loop and only says where its pieces come from.
 */
#ifndef HALE_PIECE_READER_H
#define HALE_PIECE_READER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A source: 1 with the next piece in *p, *len (it may be empty and must
 * stay valid until the next call), 0 when there is no more, -1 when it
 * failed.
 */
typedef int	piece_next_fn(void *arg, const char **p, size_t *len);

struct piece_reader {
	piece_next_fn	*next;
	void		*arg;
	const char	*p;	/* what is left of the current piece */
	size_t		 left;
	int		 end;	/* the source said there is no more */
};

void	piece_reader_init(struct piece_reader *, piece_next_fn *, void *arg);
/*
 * 1 when bytes wait in p and left (a consumer such as gzip may take them
 * from there), 0 at the end, -1 when the source failed.
 */
int	piece_reader_fill(struct piece_reader *);
/* Copies up to max bytes out: how many, 0 at the end, -1 on failure. */
ssize_t	piece_reader_read(struct piece_reader *, char *out, size_t max);

#endif
