/*
 * metrics: Prometheus text 0.0.4 and OpenMetrics 1.0.0 exposition writer
 * and content negotiation. Pure.
 */
#include "core/metrics.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/num.h"
#include "core/utf8.h"

static const char *
type_name(enum metrics_type t, enum metrics_format fmt)
{
	switch (t) {
	case METRICS_COUNTER:
		return "counter";
	case METRICS_GAUGE:
		return "gauge";
	case METRICS_HISTOGRAM:
		return "histogram";
	case METRICS_UNTYPED:
		break;
	}
	return fmt == METRICS_OPENMETRICS ? "unknown" : "untyped";
}

void
metrics_writer_init(struct metrics_writer *w, struct buf *out,
    enum metrics_format fmt)
{
	w->out = out;
	w->fmt = fmt;
}

/* HELP text: text 0.0.4 escapes \ and newline; OpenMetrics also the quote. */
static void
put_help(struct metrics_writer *w, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(w->out, "\\\\");
		else if (*s == '\n')
			buf_puts(w->out, "\\n");
		else if (*s == '"' && w->fmt == METRICS_OPENMETRICS)
			buf_puts(w->out, "\\\"");
		else
			buf_putc(w->out, *s);
	}
}

void
metrics_family(struct metrics_writer *w, const char *name,
    enum metrics_type type, const char *help)
{
	size_t	 n = strlen(name);

	/* OpenMetrics names a counter family without its _total suffix. */
	if (w->fmt == METRICS_OPENMETRICS && type == METRICS_COUNTER &&
	    n > 6 && strcmp(name + n - 6, "_total") == 0)
		n -= 6;
	buf_puts(w->out, "# HELP ");
	buf_append(w->out, name, n);
	buf_putc(w->out, ' ');
	put_help(w, help);
	buf_puts(w->out, "\n# TYPE ");
	buf_append(w->out, name, n);
	buf_putc(w->out, ' ');
	buf_puts(w->out, type_name(type, w->fmt));
	buf_putc(w->out, '\n');
}

/*
 * A sample line is written in place: one reservation for all of it (the
 * name, the labels, the longest value and the newline), then plain
 * copies, since a scrape of a thousand containers writes tens of
 * thousands of these.
 */
#define SAMPLE_VALUE_MAX	48	/* a u64, a point, 18 decimals, '\n' */

/* Where the value goes, after "name{labels,extra} "; NULL: out of memory. */
static char *
sample_begin(struct metrics_writer *w, const struct metrics_key *k,
    const char *extra)
{
	size_t	 nn = k->name_len, nl = k->labels_len;
	size_t	 ne = extra == NULL ? 0 : strlen(extra);
	char	*p;

	if (nn + nl + ne > SIZE_MAX / 2 ||
	    buf_reserve(w->out, nn + nl + ne + 4 + SAMPLE_VALUE_MAX) == -1)
		return NULL;
	p = w->out->data + w->out->len;
	memcpy(p, k->name, nn);
	p += nn;
	if (nl + ne == 0) {
		*p++ = ' ';
		return p;
	}
	*p++ = '{';
	if (nl > 0)
		memcpy(p, k->labels, nl);
	p += nl;
	if (nl > 0 && ne > 0)
		*p++ = ',';
	if (ne > 0)
		memcpy(p, extra, ne);
	p += ne;
	*p++ = '}';
	*p++ = ' ';
	return p;
}

static void
key_of(struct metrics_key *k, const char *name, const char *labels)
{
	k->name = name;
	k->name_len = strlen(name);
	k->labels = labels;
	k->labels_len = labels == NULL ? 0 : strlen(labels);
}

/* Ends the line at p (inside the reservation sample_begin made). */
static void
sample_end(struct metrics_writer *w, char *p)
{
	*p++ = '\n';
	*p = '\0';
	w->out->len = (size_t)(p - w->out->data);
}

void
metrics_sample(struct metrics_writer *w, const char *name,
    const char *labels, const char *extra, double value)
{
	struct metrics_key	 k;
	char			*p;

	key_of(&k, name, labels);
	if ((p = sample_begin(w, &k, extra)) == NULL)
		return;
	w->out->len = (size_t)(p - w->out->data);
	metrics_put_double(w->out, value);
	buf_putc(w->out, '\n');
}

void
metrics_key_u64(struct metrics_writer *w, const struct metrics_key *k,
    const char *extra, uint64_t value)
{
	char	*p;

	if ((p = sample_begin(w, k, extra)) != NULL)
		sample_end(w, num_format_u64(p, value));
}

void
metrics_sample_u64(struct metrics_writer *w, const char *name,
    const char *labels, const char *extra, uint64_t value)
{
	struct metrics_key	k;

	key_of(&k, name, labels);
	metrics_key_u64(w, &k, extra, value);
}

void
metrics_sample_i64(struct metrics_writer *w, const char *name,
    const char *labels, const char *extra, int64_t value)
{
	struct metrics_key	 k;
	char			*p;

	key_of(&k, name, labels);
	if ((p = sample_begin(w, &k, extra)) == NULL)
		return;
	if (value < 0) {
		*p++ = '-';
		p = num_format_u64(p, (uint64_t)0 - (uint64_t)value);
	} else
		p = num_format_u64(p, (uint64_t)value);
	sample_end(w, p);
}

void
metrics_key_scaled(struct metrics_writer *w, const struct metrics_key *k,
    const char *extra, uint64_t value, unsigned decimals)
{
	uint64_t	 div = 1;
	uint64_t	 rem;
	unsigned	 i;
	char		*p;

	if (decimals > 18)
		decimals = 18;
	for (i = 0; i < decimals; i++)
		div *= 10;
	if ((p = sample_begin(w, k, extra)) == NULL)
		return;
	p = num_format_u64(p, value / div);
	rem = value % div;
	if (rem != 0) {
		/* The fraction with its leading zeros, trailing zeros dropped. */
		while (rem % 10 == 0) {
			rem /= 10;
			decimals--;
		}
		*p++ = '.';
		for (i = decimals; i > 0; i--) {
			p[i - 1] = (char)('0' + rem % 10);
			rem /= 10;
		}
		p += decimals;
	}
	sample_end(w, p);
}

void
metrics_sample_scaled(struct metrics_writer *w, const char *name,
    const char *labels, const char *extra, uint64_t value, unsigned decimals)
{
	struct metrics_key	k;

	key_of(&k, name, labels);
	metrics_key_scaled(w, &k, extra, value, decimals);
}

void
metrics_finish(struct metrics_writer *w)
{
	if (w->fmt == METRICS_OPENMETRICS)
		buf_puts(w->out, "# EOF\n");
}

static void
escape_label_value(struct buf *b, const char *s)
{
	const char	*run = s;

	/* Copy unescaped runs in one piece: most values need no escaping. */
	for (; *s != '\0'; s++) {
		const char *esc = NULL;

		if ((unsigned char)*s >= 0x80) {
			int r = utf8_seq(s, 4);	/* stops at the NUL */

			if (r > 0) {
				s += r - 1;
				continue;
			}
			buf_append(b, run, (size_t)(s - run));
			buf_puts(b, UTF8_REPLACEMENT);
			s += -r - 1;
			run = s + 1;
			continue;
		}
		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '"')
			esc = "\\\"";
		else if (*s == '\n')
			esc = "\\n";
		if (esc == NULL)
			continue;
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, esc);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void
metrics_label(struct buf *labels, const char *key, const char *value)
{
	if (labels->len > 0)
		buf_putc(labels, ',');
	buf_puts(labels, key);
	buf_puts(labels, "=\"");
	escape_label_value(labels, value);
	buf_putc(labels, '"');
}

int
metrics_label_fixed(char *dst, size_t len, const char *key, const char *value)
{
	struct buf	 b;
	int		 rc = 0;

	buf_init(&b);
	metrics_label(&b, key, value);
	if (b.oom || b.len >= len) {
		buf_reset(&b);
		metrics_label(&b, key, "");
		rc = -1;
	}
	if (b.oom || b.len >= len) {
		if (len > 0)
			dst[0] = '\0';
		rc = -1;
	} else
		memcpy(dst, b.data, b.len + 1);
	buf_free(&b);
	return rc;
}

int
metrics_sanitize_name(char *dst, size_t dstlen, const char *src)
{
	size_t	 i = 0;

	if (dstlen == 0)
		return -1;
	if (isdigit((unsigned char)*src)) {
		if (dstlen < 2)
			return -1;
		dst[i++] = '_';
	}
	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;

		if (i + 1 >= dstlen) {
			dst[0] = '\0';
			return -1;
		}
		dst[i++] = (isascii(c) && (isalnum(c) || c == '_')) ?
		    (char)c : '_';
	}
	dst[i] = '\0';
	return 0;
}

/*
 * What metrics_put_double's printf would write for 1 <= |v| < 1e15 with a
 * fraction, in integer arithmetic: a Unix time with nanoseconds goes
 * through printf's big-number code otherwise, once for every container
 * at every scrape. With v = m * 2^-s, the `prec` significant digits are
 * n = m * 10^d / 2^s rounded half to even (d = prec minus the integer
 * digits). For %.15g the text must also read back as v, which n * 10^-d
 * does exactly when it is nearer than half a unit in the last place:
 * 2 |n 2^s - m 10^d| < 10^d. Returns the length written, or 0 to leave
 * v to printf.
 */
static size_t
put_double_fixed(char *out, double v, int prec)
{
	static const uint64_t	 p10[18] = { 1, 10, 100, 1000, 10000,
	    100000, 1000000, 10000000, 100000000, 1000000000, 10000000000ULL,
	    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	    100000000000000000ULL };
	unsigned __int128	 prod, n, rem, half, back, diff;
	uint64_t		 bits, m, ip;
	char			 dig[17];
	size_t			 len = 0, i, end, np = (size_t)prec;
	int			 s, k, d;

	memcpy(&bits, &v, sizeof(bits));
	m = (bits & (((uint64_t)1 << 52) - 1)) | ((uint64_t)1 << 52);
	s = 1075 - (int)((bits >> 52) & 0x7ff);
	/* Below 1, integers, subnormals, and a power of two (its lower
	   neighbour is nearer) are printf's. */
	if (s < 1 || s > 52 || m == (uint64_t)1 << 52)
		return 0;
	ip = m >> s;
	for (k = 1; k < 16 && ip >= p10[k]; k++)
		;
	if (k > 15)
		return 0;	/* %.15g would use an exponent */
	d = prec - k;
	prod = (unsigned __int128)m * p10[d];
	n = prod >> s;
	rem = prod & ((((unsigned __int128)1) << s) - 1);
	half = ((unsigned __int128)1) << (s - 1);
	if (rem > half || (rem == half && (n & 1)))
		n++;
	if (n >= p10[prec])
		return 0;	/* rounded up to a power of ten */
	back = n << s;
	diff = back > prod ? back - prod : prod - back;
	if (prec == 15 && 2 * diff >= p10[d])
		return 0;	/* needs 17 digits */
	for (i = np; i > 0; i--) {
		dig[i - 1] = (char)('0' + (unsigned)(n % 10));
		n /= 10;
	}
	if (bits >> 63)
		out[len++] = '-';
	memcpy(out + len, dig, (size_t)k);
	len += (size_t)k;
	for (end = np; end > (size_t)k && dig[end - 1] == '0'; end--)
		;
	if (end > (size_t)k) {
		out[len++] = '.';
		memcpy(out + len, dig + k, end - (size_t)k);
		len += end - (size_t)k;
	}
	return len;
}

void
metrics_put_double(struct buf *b, double v)
{
	char	 tmp[32];
	size_t	 n;

	if (isnan(v)) {
		buf_puts(b, "NaN");
		return;
	}
	if (isinf(v)) {
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Integers print exactly and without an exponent up to 2^53. */
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		buf_put_i64(b, (int64_t)v);
		return;
	}
	if ((n = put_double_fixed(tmp, v, 15)) > 0 ||
	    (n = put_double_fixed(tmp, v, 17)) > 0) {
		buf_append(b, tmp, n);
		return;
	}
	/* Shortest of %.15g/%.17g that reads back as the same double. */
	snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	buf_puts(b, tmp);
}

/*
 * Accept header parsing: a comma-separated list of media ranges with
 * parameters. Only the parts that decide between our two formats matter.
 */
struct media_range {
	char	 type[64];
	char	 version[16];
	double	 q;
};

static const char *
parse_range(const char *p, struct media_range *r)
{
	size_t	 n = 0;

	memset(r, 0, sizeof(*r));
	r->q = 1.0;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0' && *p != ',' && *p != ';' && *p != ' ') {
		if (n + 1 < sizeof(r->type))
			r->type[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	while (*p != '\0' && *p != ',') {
		const char	*key;
		size_t		 klen, vlen;
		char		 val[16];

		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		key = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ',')
			p++;
		klen = (size_t)(p - key);
		if (*p != '=')
			continue;
		p++;
		for (vlen = 0; *p != '\0' && *p != ';' && *p != ',' &&
		    *p != ' '; p++)
			if (vlen + 1 < sizeof(val))
				val[vlen++] = *p;
		val[vlen] = '\0';
		while (klen > 0 && (key[klen - 1] == ' ' || key[klen - 1] == '\t'))
			klen--;
		if (klen == 1 && (key[0] == 'q' || key[0] == 'Q'))
			r->q = strtod(val, NULL);
		else if (klen == 7 && strncasecmp(key, "version", 7) == 0)
			snprintf(r->version, sizeof(r->version), "%s", val);
	}
	if (!(r->q >= 0 && r->q <= 1))
		r->q = 0;
	return *p == ',' ? p + 1 : p;
}

enum metrics_format
metrics_negotiate(const char *accept)
{
	struct media_range	 r;
	double			 q_om = 0, q_text = 0;
	const char		*p = accept;

	if (accept == NULL)
		return METRICS_TEXT;
	while (*p != '\0') {
		p = parse_range(p, &r);
		if (strcmp(r.type, "application/openmetrics-text") == 0) {
			/* No version means 0.0.1, which we don't speak. */
			if (strcmp(r.version, "1.0.0") == 0 && r.q > q_om)
				q_om = r.q;
		} else if (strcmp(r.type, "text/plain") == 0 ||
		    strcmp(r.type, "text/*") == 0 ||
		    strcmp(r.type, "*/*") == 0) {
			if ((r.version[0] == '\0' ||
			    strcmp(r.version, "0.0.4") == 0) && r.q > q_text)
				q_text = r.q;
		}
	}
	return (q_om > 0 && q_om >= q_text) ? METRICS_OPENMETRICS :
	    METRICS_TEXT;
}

const char *
metrics_content_type(enum metrics_format fmt)
{
	if (fmt == METRICS_OPENMETRICS)
		return "application/openmetrics-text; version=1.0.0; charset=utf-8";
	return "text/plain; version=0.0.4; charset=utf-8";
}

int
metrics_accepts_gzip(const char *ae)
{
	struct media_range	 r;
	const char		*p = ae;

	if (ae == NULL)
		return 0;
	while (*p != '\0') {
		p = parse_range(p, &r);
		if (strcmp(r.type, "gzip") == 0)
			return r.q > 0;
	}
	return 0;
}
