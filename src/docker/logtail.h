/*
 * logtail: the last lines of a container's log, from the body of
 * GET /containers/{id}/logs, fed in the pieces libcurl hands over.
 * Without a TTY the body is Docker's multiplexed stream: frames of an
 * 8-byte header (stream 0, 1 or 2, three zero bytes, the payload size
 * big-endian) and the payload; with a TTY it is the raw bytes. Pure and
 * bounded: whatever the engine sends, at most 2 * max_bytes are kept.
 */
#ifndef HALE_LOGTAIL_H
#define HALE_LOGTAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define LOGTAIL_LINES_DEFAULT	20
#define LOGTAIL_LINES_MAX	1000
#define LOGTAIL_BYTES_DEFAULT	4096
#define LOGTAIL_BYTES_MAX	(64 * 1024)

enum logtail_mode {
	LOGTAIL_AUTO,		/* the first 8 bytes tell: a frame header or not */
	LOGTAIL_MUX,
	LOGTAIL_RAW,
};

struct logtail {
	enum logtail_mode mode;
	size_t		 max_lines;
	size_t		 max_bytes;
	unsigned char	 hdr[8];
	size_t		 hdrlen;
	uint64_t	 left;		/* payload bytes of the frame to come */
	int		 bad;		/* a garbage header: the rest is ignored */
	int		 cut;		/* bytes were dropped at the front */
	struct buf	 kept;
};

void	logtail_init(struct logtail *, enum logtail_mode, size_t max_lines,
	    size_t max_bytes);
void	logtail_feed(struct logtail *, const char *, size_t);
/*
 * The last max_lines whole lines of at most max_bytes, as UTF-8 with
 * control characters other than tab and newline as '?', appended to
 * `out` without a final newline. -1 if memory ran out.
 */
int	logtail_finish(struct logtail *, struct buf *out);
void	logtail_free(struct logtail *);

#endif
