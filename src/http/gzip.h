/*
 * gzip: streaming gzip compression for /metrics.
 *
 * ISA-L's igzip (level 1) when hale is built with it, the default where
 * libisal-dev is installed: on a 6 MB exposition it is about 3x faster
 * than zlib at level 1 and its output 12% smaller. zlib at level 1
 * otherwise (./configure --without-isal). Both write one gzip member.
 */
#ifndef HALE_GZIP_H
#define HALE_GZIP_H

#include <stddef.h>

struct gzip;

/* NULL with a message when memory ran out. */
struct gzip	*gzip_new(char *err, size_t errlen);
void		 gzip_free(struct gzip *);
/*
 * Compresses from *in into *out, advancing both and decreasing their
 * lengths by what was used. `finish`: *in is the last of the input.
 * Returns 1 once the stream is complete (trailer written), 0 when it
 * wants more input or more room, -1 with a message on failure.
 */
int		 gzip_step(struct gzip *, const char **in, size_t *inlen,
		    char **out, size_t *outlen, int finish,
		    char *err, size_t errlen);

#endif
