/*
 * scrape_stream: one response's way through a scrape document.
 *
 * The containers' families of a scrape at 1,000 containers are 6 MB of
 * text; rendering them whole for every response held that much in memory
 * (twice with gzip). A stream renders them a piece at a time from the
 * document's snapshot, compressing on the fly when the client asked for
 * gzip, so a response costs a piece and a zlib state however many
 * containers there are.
 */
#ifndef HALE_SCRAPE_STREAM_H
#define HALE_SCRAPE_STREAM_H

#include <stddef.h>
#include <sys/types.h>

#include "http/scrape.h"

struct scrape_stream;

/*
 * A stream over `doc` (it takes a reference), gzip-compressed when `gzip`.
 * NULL with a message when memory ran out.
 */
struct scrape_stream *scrape_stream_new(struct scrape_doc *doc, int gzip,
	    char *err, size_t errlen);
/*
 * Fills out[0..max) with the next bytes: returns how many (> 0 unless
 * max is 0), 0 at the end, -1 on failure (scrape_stream_error tells).
 */
ssize_t	scrape_stream_read(struct scrape_stream *, char *out, size_t max);
const char *scrape_stream_error(const struct scrape_stream *);
void	scrape_stream_free(struct scrape_stream *);

#endif
