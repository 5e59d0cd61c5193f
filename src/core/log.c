/* log: logfmt or JSON lines on stderr, one write(2) per line. */
#include "core/log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/timefmt.h"
#include "core/utf8.h"

#define LOG_LINE_MAX	4096
#define LOG_VALUE_MAX	512	/* longer values are cut and marked */
/*
 * What a cut JSON line still needs after the last field: a closing quote,
 * the marker, the brace, the newline and the NUL.
 */
#define JSON_CUT_TAIL	"\",\"truncated\":true}"
#define JSON_RESERVE	(sizeof(JSON_CUT_TAIL) + 1)
/* Room for the timestamp, the level and a few bytes of msg. */
#define JSON_HEAD_MAX	80

enum log_level log_min_level = LOG_LEVEL_INFO;
static enum log_format log_fmt = LOG_FORMAT_LOGFMT;
static int log_journal;

static const char *const level_names[] = { "debug", "info", "warn", "error" };
/* syslog priorities for journald's <N> prefix */
static const int level_prio[] = { 7, 6, 4, 3 };

struct line {
	char		*p;
	unsigned	 len, cap;
	int		 cut;		/* a unit did not fit; nothing more is added */
};

void
log_setup(enum log_level lvl, enum log_format fmt, int journal)
{
	log_min_level = lvl;
	log_fmt = fmt;
	log_journal = journal;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	unsigned	 i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

int
log_format_parse(const char *s, enum log_format *out)
{
	if (strcmp(s, "logfmt") == 0)
		*out = LOG_FORMAT_LOGFMT;
	else if (strcmp(s, "json") == 0)
		*out = LOG_FORMAT_JSON;
	else
		return -1;
	return 0;
}

static void
put(struct line *l, const char *s, unsigned n)
{
	if (n > l->cap - 1 - l->len)
		n = l->cap - 1 - l->len;
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
}

/*
 * Adds n bytes that must stay together (an escape, a UTF-8 character, a
 * number) or none: a cut line never ends inside one.
 */
static void
put_unit(struct line *l, const char *s, unsigned n)
{
	if (l->cut || n > l->cap - 1 - l->len) {
		l->cut = 1;
		return;
	}
	put(l, s, n);
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, (unsigned)strlen(s));
}

static int
needs_quotes(const char *s)
{
	if (*s == '\0')
		return 1;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '=' ||
		    *s == '\\' || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Escapes for both formats: JSON's rules are a superset of what logfmt needs. */
static void
put_escaped(struct line *l, const char *s)
{
	unsigned	 n, u;
	char		 tmp[8];
	int		 r;

	for (n = 0; *s != '\0' && !l->cut; s += u, n += u) {
		unsigned char c = (unsigned char)*s;

		/*
		 * A character is copied whole or not at all; an ill-formed
		 * sequence becomes one U+FFFD (utf8_seq stops at the NUL).
		 */
		r = c < 0x80 ? 1 : utf8_seq(s, 4);
		u = r > 0 ? (unsigned)r : (unsigned)-r;
		if (n + u > LOG_VALUE_MAX) {
			put_unit(l, "...", 3);
			return;
		}
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			put_unit(l, tmp, 2);
		} else if (c == '\n')
			put_unit(l, "\\n", 2);
		else if (c == '\t')
			put_unit(l, "\\t", 2);
		else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			put_unit(l, tmp, 6);
		} else if (r > 0)
			put_unit(l, s, u);
		else
			put_unit(l, UTF8_REPLACEMENT, sizeof(UTF8_REPLACEMENT) - 1);
	}
}

static void
put_string(struct line *l, const char *s, int quote)
{
	if (s == NULL)
		s = "";
	if (quote)
		put_unit(l, "\"", 1);
	put_escaped(l, s);
	if (quote)
		put_unit(l, "\"", 1);
}

static void
put_value(struct line *l, const struct log_kv *kv)
{
	char	 tmp[40];
	int	 json = log_fmt == LOG_FORMAT_JSON;

	switch (kv->type) {
	case LOG_KV_STR:
		put_string(l, kv->v.s, json || needs_quotes(kv->v.s ?
		    kv->v.s : ""));
		return;
	case LOG_KV_INT:
		snprintf(tmp, sizeof(tmp), "%lld", (long long)kv->v.i);
		break;
	case LOG_KV_UINT:
		snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)kv->v.u);
		break;
	case LOG_KV_DOUBLE:
		snprintf(tmp, sizeof(tmp), "%.6g", kv->v.d);
		break;
	case LOG_KV_NONE:
		tmp[0] = '\0';
		break;
	}
	put_unit(l, tmp, (unsigned)strlen(tmp));
}

static void
put_timestamp(struct line *l)
{
	struct timeval	 tv;
	char		 tmp[TIMEFMT_MAX];

	gettimeofday(&tv, NULL);
	timefmt_rfc3339((double)tv.tv_sec + (double)tv.tv_usec / 1e6,
	    TIMEFMT_LOG, tmp, sizeof(tmp));
	puts_(l, tmp);
}

static void
format_logfmt(struct line *l, enum log_level lvl, const char *msg,
    const struct log_kv *kv, unsigned n)
{
	unsigned	 i;

	puts_(l, "ts=");
	put_timestamp(l);
	puts_(l, " level=");
	puts_(l, level_names[lvl]);
	puts_(l, " msg=");
	put_string(l, msg, needs_quotes(msg));
	for (i = 0; i < n && !l->cut; i++) {
		put(l, " ", 1);
		puts_(l, kv[i].key);
		put(l, "=", 1);
		put_value(l, &kv[i]);
	}
}

/*
 * Fields go into all but the tail a cut needs; a field cut in its key or
 * number goes altogether, a string value cut inside keeps what fit.
 */
static void
format_json(struct line *l, enum log_level lvl, const char *msg,
    const struct log_kv *kv, unsigned n)
{
	unsigned	 i, whole, value, cap = l->cap;
	int		 open = 0;	/* the cut is inside a string */

	if (cap < l->len + JSON_RESERVE + JSON_HEAD_MAX) {
		put(l, "{", 1);
		put(l, &JSON_CUT_TAIL[2], sizeof(JSON_CUT_TAIL) - 3);
		return;
	}
	l->cap = cap - (unsigned)JSON_RESERVE;
	puts_(l, "{\"ts\":\"");
	put_timestamp(l);
	puts_(l, "\",\"level\":\"");
	puts_(l, level_names[lvl]);
	puts_(l, "\",\"msg\":");
	put_string(l, msg, 1);
	open = l->cut;
	for (i = 0; i < n && !l->cut; i++) {
		whole = l->len;
		put_unit(l, ",", 1);
		put_string(l, kv[i].key, 1);
		put_unit(l, ":", 1);
		value = l->len;
		if (!l->cut)
			put_value(l, &kv[i]);
		if (l->cut && kv[i].type == LOG_KV_STR && l->len > value)
			open = 1;
		else if (l->cut)
			l->len = whole;
	}
	l->cap = cap;
	if (!l->cut)
		put(l, "}", 1);
	else if (open)
		put(l, JSON_CUT_TAIL, sizeof(JSON_CUT_TAIL) - 1);
	else
		put(l, &JSON_CUT_TAIL[1], sizeof(JSON_CUT_TAIL) - 2);
	l->p[l->len] = '\0';
}

unsigned
log_format_line(char *dst, unsigned dstlen, enum log_level lvl,
    const char *msg, const struct log_kv *kv, unsigned n)
{
	struct line	 l = { dst, 0, dstlen, 0 };
	char		 prio[8];

	dst[0] = '\0';
	if (log_journal) {
		snprintf(prio, sizeof(prio), "<%d>", level_prio[lvl]);
		puts_(&l, prio);
	}
	if (log_fmt == LOG_FORMAT_JSON)
		format_json(&l, lvl, msg, kv, n);
	else
		format_logfmt(&l, lvl, msg, kv, n);
	/* The newline always fits: it replaces the last byte if need be. */
	if (l.len >= dstlen - 1)
		l.len = dstlen - 2;
	dst[l.len++] = '\n';
	dst[l.len] = '\0';
	return l.len;
}

void
log_emit(enum log_level lvl, const char *msg, const struct log_kv *kv,
    unsigned n)
{
	char		 line[LOG_LINE_MAX];
	unsigned	 len;
	ssize_t		 rc;

	len = log_format_line(line, sizeof(line), lvl, msg, kv, n);
	/* One write per line keeps lines whole; a failed log write is not fatal. */
	rc = write(STDERR_FILENO, line, len);
	(void)rc;
}
