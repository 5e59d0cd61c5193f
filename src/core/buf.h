/*
 * buf: a growable byte buffer.
 *
 * Appends never fail loudly: an allocation failure sets buf->oom and turns
 * every later append into a no-op, so a writer producing thousands of lines
 * checks once at the end instead of after every call.
 */
#ifndef HALE_BUF_H
#define HALE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*data;		/* always NUL-terminated when len > 0 */
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

void	buf_init(struct buf *);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);	/* len = 0, keeps the allocation */
int	buf_reserve(struct buf *, size_t extra);
void	buf_append(struct buf *, const void *, size_t);
void	buf_puts(struct buf *, const char *);
void	buf_putc(struct buf *, char);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	buf_put_u64(struct buf *, uint64_t);
void	buf_put_i64(struct buf *, int64_t);
/* Moves the bytes out; the caller frees them. The buffer is left empty. */
char	*buf_steal(struct buf *, size_t *len);

#endif
