/*
 * checkspec_field: the fields of a check and one parser each, taking the
 * value as text (see checkspec_field.h). The parsers are where hostile
 * values are refused: a label that names another place (an address, a
 * host, a URL) is marked CHECKSPEC_REJECT_TARGET through the parser's
 * context; every other bad value is just invalid.
 */
#include "check/checkspec_field.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/duration.h"
#include "core/err.h"
#include "core/num.h"
#include "core/quote.h"

#define BODY_REGEX_MARK	'~'

#define SEC	1000ULL
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)

typedef int	field_fn(struct checkspec *, const char *, struct checkspec_pctx *,
		    char *, size_t);

static field_fn	f_check, f_port, f_path, f_scheme, f_method, f_host,
		f_expect_status, f_expect_body, f_interval, f_timeout,
		f_start_period, f_start_interval, f_rise, f_fall, f_target,
		f_send, f_expect, f_tls_verify;

static const struct {
	const char	*name;		/* config key; label is hale.check.<name> */
	field_fn	*fn;		/* NULL: not settable from text */
} fields[CSF_COUNT] = {
	[CSF_CHECK] = { "check", f_check },
	[CSF_PORT] = { "port", f_port },
	[CSF_PATH] = { "path", f_path },
	[CSF_SCHEME] = { "scheme", f_scheme },
	[CSF_METHOD] = { "method", f_method },
	[CSF_HOST] = { "host", f_host },
	[CSF_HEADERS] = { "headers", NULL },
	[CSF_EXPECT_STATUS] = { "expect_status", f_expect_status },
	[CSF_EXPECT_BODY] = { "expect_body", f_expect_body },
	[CSF_INTERVAL] = { "interval", f_interval },
	[CSF_TIMEOUT] = { "timeout", f_timeout },
	[CSF_START_PERIOD] = { "start_period", f_start_period },
	[CSF_START_INTERVAL] = { "start_interval", f_start_interval },
	[CSF_RISE] = { "rise", f_rise },
	[CSF_FALL] = { "fall", f_fall },
	[CSF_TARGET] = { "target", f_target },
	[CSF_SEND] = { "send", f_send },
	[CSF_EXPECT] = { "expect", f_expect },
	[CSF_TLS_VERIFY] = { "tls_verify", f_tls_verify },
};

const char *
checkspec_field_name(enum checkspec_field f)
{
	return fields[f].name;
}

int
checkspec_field_by_name(const char *name)
{
	int	 f;

	for (f = 0; f < CSF_COUNT; f++)
		if (strcmp(fields[f].name, name) == 0)
			return f;
	return -1;
}

int
checkspec_field_parse(enum checkspec_field f, struct checkspec *s,
    const char *value, struct checkspec_pctx *p, char *err, size_t errlen)
{
	if (fields[f].fn == NULL)
		return err_set(err, errlen, "cannot be set from text");
	return fields[f].fn(s, value, p, err, errlen);
}

/* ---- small helpers ------------------------------------------------------ */

static int
set_string(char **dst, const char *val, char *err, size_t errlen)
{
	char	*p;

	if ((p = strdup(val)) == NULL)
		return err_set(err, errlen, "out of memory");
	free(*dst);
	*dst = p;
	return 0;
}

/*
 * Anything a resolver or inet_aton would take for an address: dotted or
 * bare numbers (also hex and octal: 0x7f.1, 2130706433) and IPv6.
 */
static int
looks_like_address(const char *s, size_t len)
{
	char		 tmp[64];
	unsigned char	 bin[16];
	size_t		 i;
	int		 digit = 0;

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (tmp[0] == '[' && tmp[len - 1] == ']') {
		tmp[len - 1] = '\0';
		return inet_pton(AF_INET6, tmp + 1, bin) == 1;
	}
	if (inet_pton(AF_INET6, tmp, bin) == 1 || inet_pton(AF_INET, tmp, bin) == 1)
		return 1;
	if (!isdigit((unsigned char)tmp[0]))
		return 0;
	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)tmp[i]))
			digit = 1;
		else if (tmp[i] != '.' && tmp[i] != 'x' && tmp[i] != 'X' &&
		    !isxdigit((unsigned char)tmp[i]))
			return 0;
	}
	return digit;
}

/* ---- field parsers ------------------------------------------------------ */

static int
f_check(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	char	 q[QUOTE_MAX];

	(void)p;
	if (strcmp(v, "http") == 0) {
		s->kind = CHECKSPEC_HTTP;
		return 0;
	}
	if (strcmp(v, "https") == 0) {
		if ((s->set & (1u << CSF_SCHEME)) && !s->https)
			return err_set(err, errlen, "\"https\" conflicts with scheme http");
		s->kind = CHECKSPEC_HTTP;
		s->https = 1;
		s->set |= 1u << CSF_SCHEME;
		return 0;
	}
	if (strcmp(v, "tcp") == 0) {
		s->kind = CHECKSPEC_TCP;
		return 0;
	}
	if (strcmp(v, "none") == 0) {
		s->kind = CHECKSPEC_NONE;
		return 0;
	}
	quote_value(v, q, sizeof(q));
	return err_set(err, errlen, "%s is not one of http, https, tcp, none", q);
}

static int
f_port(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	uint64_t	 port;
	char		 q[80];

	quote_value(v, q, sizeof(q));
	if (num_parse_range(v, 1, 65535, &port) == -1) {
		if (strchr(v, ':') != NULL ||
		    (strchr(v, '.') != NULL && looks_like_address(v, strlen(v)))) {
			if (p->label)
				p->why = CHECKSPEC_REJECT_TARGET;
			return err_set(err, errlen, "%s is not a port number: a "
			    "check can only name a port of its own container", q);
		}
		return err_set(err, errlen, "%s is not a port (1-65535)", q);
	}
	s->port = (uint16_t)port;
	return 0;
}

static int
f_path(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	char		 q[80];
	size_t		 i;

	quote_value(v, q, sizeof(q));
	if (strstr(v, "://") != NULL || (v[0] == '/' && v[1] == '/')) {
		if (p->label)
			p->why = CHECKSPEC_REJECT_TARGET;
		return err_set(err, errlen, "%s is a URL: a check takes a path "
		    "(\"/health\") and always probes its own container", q);
	}
	if (v[0] != '/')
		return err_set(err, errlen, "%s does not start with /", q);
	for (i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c >= 0x7f)
			return err_set(err, errlen, "%s holds a space, a control "
			    "character or a non-ASCII byte (percent-encode it)", q);
		if (c == '#' || c == '\\')
			return err_set(err, errlen, "%s holds '%c'", q, c);
	}
	return set_string(&s->path, v, err, errlen);
}

static int
f_scheme(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	char	 q[80];
	int	 https;

	(void)p;
	if (strcmp(v, "http") == 0)
		https = 0;
	else if (strcmp(v, "https") == 0)
		https = 1;
	else {
		quote_value(v, q, sizeof(q));
		return err_set(err, errlen, "%s is not http or https", q);
	}
	if ((s->set & (1u << CSF_SCHEME)) && s->https != https)
		return err_set(err, errlen, "\"%s\" conflicts with check https", v);
	s->https = https;
	return 0;
}

static int
f_method(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	static const char *const ok[] = { "GET", "HEAD", "POST", "OPTIONS" };
	char			 q[80];
	size_t			 i;

	(void)p;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(v, ok[i]) == 0)
			return set_string(&s->method, v, err, errlen);
	quote_value(v, q, sizeof(q));
	return err_set(err, errlen, "%s is not one of GET, HEAD, POST, OPTIONS", q);
}

/* host[:port] or [v6][:port]; sets the host part. */
static int
host_syntax(const char *v, const char **host, size_t *hostlen)
{
	const char	*colon, *end = v + strlen(v);
	uint64_t	 port;
	size_t		 i;

	if (*v == '\0' || end - v > CHECKSPEC_HOST_MAX)
		return -1;
	if (*v == '[') {
		const char *rb = strchr(v, ']');

		if (rb == NULL)
			return -1;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] != '\0' && colon == NULL)
			return -1;
		*host = v;
		*hostlen = (size_t)(rb + 1 - v);
		for (i = 1; v + i < rb; i++)
			if (!isxdigit((unsigned char)v[i]) && v[i] != ':' &&
			    v[i] != '.')
				return -1;
	} else {
		colon = strchr(v, ':');
		*host = v;
		*hostlen = colon != NULL ? (size_t)(colon - v) : strlen(v);
		if (*hostlen == 0)
			return -1;
		for (i = 0; i < *hostlen; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '.' &&
			    v[i] != '-' && v[i] != '_')
				return -1;
	}
	if (colon != NULL && num_parse_range(colon + 1, 1, 65535, &port) == -1)
		return -1;
	return 0;
}

/* 1 if a Host header names the container itself. */
static int
is_self(const struct checkspec_input *in, const char *h, size_t n)
{
	static const char *const loop[] = { "localhost", "127.0.0.1", "[::1]" };
	size_t			 i;

	for (i = 0; i < sizeof(loop) / sizeof(loop[0]); i++)
		if (strlen(loop[i]) == n && strncasecmp(loop[i], h, n) == 0)
			return 1;
	if (in == NULL)
		return 0;
	if (in->name != NULL && strlen(in->name) == n &&
	    strncasecmp(in->name, h, n) == 0)
		return 1;
	for (i = 0; i < in->nips; i++) {
		const char *ip = in->ips[i];

		if (ip == NULL || *ip == '\0')
			continue;
		if (strlen(ip) == n && strncmp(ip, h, n) == 0)
			return 1;
		/* IPv6 in a Host header is bracketed. */
		if (n == strlen(ip) + 2 && h[0] == '[' &&
		    strncmp(ip, h + 1, n - 2) == 0)
			return 1;
	}
	return 0;
}

static int
f_host(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	const char	*h;
	size_t		 n;
	char		 q[80];

	quote_value(v, q, sizeof(q));
	if (strstr(v, "://") != NULL || strchr(v, '/') != NULL ||
	    strchr(v, '@') != NULL) {
		if (p->label)
			p->why = CHECKSPEC_REJECT_TARGET;
		return err_set(err, errlen, "%s is a URL, not a Host header", q);
	}
	if (host_syntax(v, &h, &n) == -1)
		return err_set(err, errlen, "%s is not a valid Host header "
		    "(name[:port])", q);
	if (p->label && !is_self(p->self, h, n)) {
		p->why = CHECKSPEC_REJECT_TARGET;
		return err_set(err, errlen, "%s is %s: a label may only name its "
		    "own container (localhost, 127.0.0.1, [::1], its name or "
		    "its own IP); set other Host headers in a config rule", q,
		    looks_like_address(h, n) ? "another address" :
		    "another host name");
	}
	return set_string(&s->host, v, err, errlen);
}

int
checkspec_status_parse(const char *v, struct checkspec_range *r, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const char	*p = v, *end;
	char		 item[16], q[80];
	uint64_t	 lo, hi;
	size_t		 len;
	char		*dash;

	*n = 0;
	quote_value(v, q, sizeof(q));
	for (;;) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(item))
			return err_set(err, errlen, "%s: empty or overlong item "
			    "(want codes and ranges like 200-399,404)", q);
		memcpy(item, p, len);
		item[len] = '\0';
		if (len == 3 && item[0] >= '1' && item[0] <= '5' &&
		    (item[1] == 'x' || item[1] == 'X') &&
		    (item[2] == 'x' || item[2] == 'X')) {
			lo = (uint64_t)(item[0] - '0') * 100;
			hi = lo + 99;
		} else {
			if ((dash = strchr(item, '-')) != NULL)
				*dash = '\0';
			if (num_parse_range(item, 100, 599, &lo) == -1 ||
			    strlen(item) != 3)
				return err_set(err, errlen, "%s: \"%s\" is not a "
				    "status code (100-599)", q, item);
			hi = lo;
			if (dash != NULL && (num_parse_range(dash + 1, 100, 599,
			    &hi) == -1 || strlen(dash + 1) != 3 || hi < lo))
				return err_set(err, errlen, "%s: \"%s-%s\" is not "
				    "a range of status codes", q, item, dash + 1);
		}
		if (*n == max)
			return err_set(err, errlen, "%s: more than %zu items", q, max);
		r[*n].lo = (uint16_t)lo;
		r[*n].hi = (uint16_t)hi;
		(*n)++;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

static int
f_expect_status(struct checkspec *s, const char *v, struct checkspec_pctx *p,
    char *err, size_t errlen)
{
	(void)p;
	return checkspec_status_parse(v, s->status, CHECKSPEC_STATUS_MAX,
	    &s->nstatus, err, errlen);
}

/* glibc accepts back-references in EREs; they make matching exponential. */
static int
has_backref(const char *re)
{
	for (; *re != '\0'; re++)
		if (re[0] == '\\' && re[1] != '\0') {
			if (re[1] >= '1' && re[1] <= '9')
				return 1;
			re++;
		}
	return 0;
}

/*
 * glibc compiles a repetition by copying what it repeats: "x{100}" holds
 * 100 copies, "(x+)+" twice as many as "x+", and stacked or nested
 * repetitions multiply, so a pattern of a few dozen bytes in a label can
 * make regcomp take gigabytes. This bounds the copies from above: the
 * product of every {m,n} bound (n + 1, or m + 1 without n), times 2 for
 * each repetition of a group or of another repetition, as if all were
 * nested (which overestimates a sequence, never a nest).
 */
#define REGEX_COPIES_MAX	1000

static const char *
skip_bracket(const char *re)
{
	re++;
	if (*re == '^')
		re++;
	if (*re == ']')
		re++;
	for (; *re != '\0' && *re != ']'; re++)
		if (re[0] == '[' && (re[1] == ':' || re[1] == '.' || re[1] == '=')) {
			char c = re[1];

			for (re += 2; *re != '\0' && !(re[0] == c && re[1] == ']'); re++)
				;
			if (*re == '\0')
				break;
			re++;
		}
	return re;
}

static int
regex_too_big(const char *re)
{
	uint64_t	 copies = 1, m, n;
	int		 after = 0;	/* 1 atom, 2 group, 3 repetition */

	for (; *re != '\0'; re++) {
		switch (*re) {
		case '\\':
			if (re[1] != '\0')
				re++;
			after = 1;
			continue;
		case '[':
			re = skip_bracket(re);
			if (*re == '\0')
				return 0;	/* unbalanced: regcomp says so */
			after = 1;
			continue;
		case '(':
		case '|':
		case '^':
		case '$':
			after = 0;
			continue;
		case ')':
			after = 2;
			continue;
		case '*':
		case '+':
		case '?':
			if (after >= 2)
				copies *= 2;
			after = 3;
			break;
		case '{':
			if (!isdigit((unsigned char)re[1])) {
				after = 1;
				continue;
			}
			for (m = 0, re++; isdigit((unsigned char)*re) && m <= REGEX_COPIES_MAX; re++)
				m = m * 10 + (uint64_t)(*re - '0');
			n = m;
			if (*re == ',') {
				for (n = 0, re++; isdigit((unsigned char)*re) &&
				    n <= REGEX_COPIES_MAX; re++)
					n = n * 10 + (uint64_t)(*re - '0');
				if (n < m)
					n = m;
			}
			copies *= n + 1;
			if (after >= 2)
				copies *= 2;
			after = 3;
			while (*re != '\0' && *re != '}')
				re++;
			if (*re == '\0')
				return copies > REGEX_COPIES_MAX;
			break;
		default:
			after = 1;
			continue;
		}
		if (copies > REGEX_COPIES_MAX)
			return 1;
	}
	return 0;
}

static int
f_expect_body(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	regex_t		 re;
	char		 q[80], msg[128];
	size_t		 i;
	int		 rc, regex = v[0] == BODY_REGEX_MARK;
	const char	*pat = regex ? v + 1 : v;

	(void)p;
	quote_value(v, q, sizeof(q));
	if (*pat == '\0' || strlen(pat) > CHECKSPEC_PATTERN_MAX)
		return err_set(err, errlen, "%s must be 1 to %d bytes", q,
		    CHECKSPEC_PATTERN_MAX);
	for (i = 0; pat[i] != '\0'; i++)
		if ((unsigned char)pat[i] < 0x20 || pat[i] == 0x7f)
			return err_set(err, errlen, "%s holds a control character", q);
	if (regex) {
		if (has_backref(pat))
			return err_set(err, errlen, "%s: back-references are not "
			    "allowed", q);
		if (regex_too_big(pat))
			return err_set(err, errlen, "%s repeats too much (a "
			    "bound over %d, or repetitions of repetitions)", q,
			    REGEX_COPIES_MAX);
		if ((rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &re, msg, sizeof(msg));
			regfree(&re);
			return err_set(err, errlen, "%s is not a valid regular "
			    "expression: %s", q, msg);
		}
		regfree(&re);
	}
	if (set_string(&s->body, pat, err, errlen) == -1)
		return -1;
	s->body_regex = regex;
	return 0;
}

static int
duration_field(const char *v, uint64_t min, uint64_t max, uint64_t *out,
    char *err, size_t errlen)
{
	char	 q[80], lo[32], hi[32];

	quote_value(v, q, sizeof(q));
	if (duration_parse(v, out) == -1)
		return err_set(err, errlen, "%s is not a duration (like 10s, 500ms, 1m)", q);
	if (*out < min || *out > max) {
		duration_format(min, lo, sizeof(lo));
		duration_format(max, hi, sizeof(hi));
		return err_set(err, errlen, "%s is out of range (%s to %s)", q, lo, hi);
	}
	return 0;
}

static int
f_interval(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 1 * SEC, 24 * HOUR, &s->interval_ms, err, errlen);
}

static int
f_timeout(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 100, 1 * HOUR, &s->timeout_ms, err, errlen);
}

static int
f_start_period(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 0, 24 * HOUR, &s->start_period_ms, err, errlen);
}

static int
f_start_interval(struct checkspec *s, const char *v, struct checkspec_pctx *p,
    char *err, size_t errlen)
{
	(void)p;
	return duration_field(v, 1 * SEC, 24 * HOUR, &s->start_interval_ms,
	    err, errlen);
}

static int
threshold(const char *v, unsigned *out, char *err, size_t errlen)
{
	uint64_t	 n;
	char		 q[80];

	if (num_parse_range(v, 1, 100, &n) == -1) {
		quote_value(v, q, sizeof(q));
		return err_set(err, errlen, "%s is not a count (1-100)", q);
	}
	*out = (unsigned)n;
	return 0;
}

static int
f_rise(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return threshold(v, &s->rise, err, errlen);
}

static int
f_fall(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return threshold(v, &s->fall, err, errlen);
}

static int
f_target(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	static const char *const names[] = { "auto", "netns", "ip", "host" };
	char			 q[80];
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			s->target = (enum checkspec_target)i;
			return 0;
		}
	quote_value(v, q, sizeof(q));
	if (strchr(v, '.') != NULL || strchr(v, ':') != NULL ||
	    strchr(v, '/') != NULL) {
		if (p->label)
			p->why = CHECKSPEC_REJECT_TARGET;
		return err_set(err, errlen, "%s names a place: target is one of "
		    "auto, netns, ip, host, always on the container itself", q);
	}
	return err_set(err, errlen, "%s is not one of auto, netns, ip, host", q);
}

/* Unescapes \r \n \t \0 \\ \xHH into a fresh buffer of at most CHECKSPEC_BYTES_MAX. */
static int
unescape(const char *v, char **out, size_t *outlen, char *err, size_t errlen)
{
	char		 buf[CHECKSPEC_BYTES_MAX], q[80];
	size_t		 n = 0;
	unsigned	 x;

	quote_value(v, q, sizeof(q));
	for (; *v != '\0'; v++) {
		char c = *v;

		if (n == sizeof(buf))
			return err_set(err, errlen, "%s is longer than %d bytes", q,
			    CHECKSPEC_BYTES_MAX);
		if (c == '\\') {
			switch (*++v) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			case '\\': c = '\\'; break;
			case 'x':
				if (!isxdigit((unsigned char)v[1]) ||
				    !isxdigit((unsigned char)v[2]) ||
				    sscanf(v + 1, "%2x", &x) != 1)
					return err_set(err, errlen,
					    "%s: \\x needs two hex digits", q);
				c = (char)x;
				v += 2;
				break;
			default:
				return err_set(err, errlen, "%s: unknown escape "
				    "(use \\r \\n \\t \\0 \\\\ \\xHH)", q);
			}
		}
		buf[n++] = c;
	}
	if (n == 0)
		return err_set(err, errlen, "must not be empty");
	free(*out);
	if ((*out = malloc(n)) == NULL) {
		*outlen = 0;
		return err_set(err, errlen, "out of memory");
	}
	memcpy(*out, buf, n);
	*outlen = n;
	return 0;
}

static int
f_send(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return unescape(v, &s->send, &s->send_len, err, errlen);
}

static int
f_expect(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return unescape(v, &s->expect, &s->expect_len, err, errlen);
}

static int
f_tls_verify(struct checkspec *s, const char *v, struct checkspec_pctx *p, char *err,
    size_t errlen)
{
	char	 q[80];

	(void)p;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "yes") == 0)
		s->tls_verify = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0)
		s->tls_verify = 0;
	else {
		quote_value(v, q, sizeof(q));
		return err_set(err, errlen, "%s is not true or false", q);
	}
	return 0;
}
