/*
 * metrics: the Prometheus exposition writer.
 *
 * Pure: it writes into a struct buf and never does I/O, so the tests and
 * a fuzzer call it directly. It knows two formats, text 0.0.4 and
 * OpenMetrics 1.0.0, and hides their differences (counter family names
 * without _total, "# EOF") from the callers.
 *
 * Callers keep every family contiguous: call metrics_family() once, then
 * all of that family's samples, then the next family. Label sets are
 * passed preformatted (`id="/",name="web"`), built once per container
 * with metrics_label(), so a scrape of thousands of containers escapes
 * each label value once, not once per sample.
 */
#ifndef HALE_METRICS_H
#define HALE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum metrics_type {
	METRICS_COUNTER,
	METRICS_GAUGE,
	METRICS_HISTOGRAM,
	METRICS_UNTYPED,
};

enum metrics_format {
	METRICS_TEXT,		/* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

struct metrics_writer {
	struct buf		*out;
	enum metrics_format	 fmt;
};

void	metrics_writer_init(struct metrics_writer *, struct buf *,
	    enum metrics_format);
/* HELP and TYPE lines. `name` is the sample name (counters end in _total). */
void	metrics_family(struct metrics_writer *, const char *name,
	    enum metrics_type, const char *help);
/*
 * One sample. `labels` and `extra` are preformatted label lists (either
 * may be NULL or empty); they are joined with a comma inside one {}.
 */
void	metrics_sample(struct metrics_writer *, const char *name,
	    const char *labels, const char *extra, double value);
void	metrics_sample_u64(struct metrics_writer *, const char *name,
	    const char *labels, const char *extra, uint64_t value);
void	metrics_sample_i64(struct metrics_writer *, const char *name,
	    const char *labels, const char *extra, int64_t value);
/*
 * value / 10^decimals printed exactly, without going through a double:
 * counters kept in ns or us are exported in seconds at integer cost.
 */
void	metrics_sample_scaled(struct metrics_writer *, const char *name,
	    const char *labels, const char *extra, uint64_t value,
	    unsigned decimals);
/*
 * A name and label list measured once, for a writer that repeats them over
 * many samples: the lengths are strlen's. `labels` may be NULL (length 0).
 */
struct metrics_key {
	const char	*name;
	size_t		 name_len;
	const char	*labels;
	size_t		 labels_len;
};
void	metrics_key_u64(struct metrics_writer *, const struct metrics_key *,
	    const char *extra, uint64_t value);
void	metrics_key_scaled(struct metrics_writer *, const struct metrics_key *,
	    const char *extra, uint64_t value, unsigned decimals);
/* Ends the exposition ("# EOF" for OpenMetrics). */
void	metrics_finish(struct metrics_writer *);

/* Appends `key="value"` (value escaped), with a comma if `labels` is not empty. */
void	metrics_label(struct buf *labels, const char *key, const char *value);
/*
 * The same `key="value"` into dst[0..len), NUL-terminated, for labels kept
 * in fixed fields: 0, or -1 (dst holding `key=""`) when it does not fit.
 * An escaped value is at most 3 times as long as the value (U+FFFD for
 * each byte).
 */
int	metrics_label_fixed(char *dst, size_t len, const char *key,
	    const char *value);
/*
 * Turns any string into a valid label name the way cAdvisor does:
 * every character outside [a-zA-Z0-9_] becomes '_', a leading digit gets a
 * '_' in front. Returns -1 if the result does not fit.
 */
int	metrics_sanitize_name(char *dst, size_t dstlen, const char *src);
/* Shortest text that parses back to the same double; NaN and +Inf spelled as Prometheus wants. */
void	metrics_put_double(struct buf *, double);

/* Content negotiation. */
enum metrics_format metrics_negotiate(const char *accept);
const char *metrics_content_type(enum metrics_format);
int	metrics_accepts_gzip(const char *accept_encoding);

#endif
