/*
 * checkspec: check specifications from labels and config rules (see
 * checkspec.h for the precedence and the trust model).
 *
 * One table lists the fields; each field has one parser that takes the
 * value as text, so a label, a config string and a config number go
 * through the same checks. Parsers write a message without a path; the
 * caller puts "hale.check.port" or "checks[2].port" in front.
 */
#include "check/checkspec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/confjson.h"
#include "core/duration.h"
#include "core/err.h"
#include "core/num.h"
#include "core/quote.h"

#define LABEL_PREFIX	"hale.check"
#define BODY_REGEX_MARK	'~'
#define HEADER_NAME_MAX	64
#define HEADER_VALUE_MAX 512

#define SEC	1000ULL
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)

#define DEFAULT_INTERVAL	(10 * SEC)
#define DEFAULT_TIMEOUT		(2 * SEC)
#define DEFAULT_RISE		1
#define DEFAULT_FALL		3

/* How a value reached the parser: labels are hostile, the config is not. */
struct pctx {
	int				 label;
	const struct checkspec_input	*self;
	enum checkspec_reject		 why;	/* set by a parser on failure */
};

typedef int	field_fn(struct checkspec *, const char *, struct pctx *,
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

/* Fields that only make sense for one kind. */
#define HTTP_ONLY	((1u << CSF_PATH) | (1u << CSF_SCHEME) | (1u << CSF_METHOD) | \
	(1u << CSF_HOST) | (1u << CSF_HEADERS) | (1u << CSF_EXPECT_STATUS) | \
	(1u << CSF_EXPECT_BODY) | (1u << CSF_TLS_VERIFY))
#define TCP_ONLY	((1u << CSF_SEND) | (1u << CSF_EXPECT))

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
f_check(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_port(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_path(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_scheme(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_method(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_host(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_expect_status(struct checkspec *s, const char *v, struct pctx *p,
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

static int
f_expect_body(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_interval(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 1 * SEC, 24 * HOUR, &s->interval_ms, err, errlen);
}

static int
f_timeout(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 100, 1 * HOUR, &s->timeout_ms, err, errlen);
}

static int
f_start_period(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return duration_field(v, 0, 24 * HOUR, &s->start_period_ms, err, errlen);
}

static int
f_start_interval(struct checkspec *s, const char *v, struct pctx *p,
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
f_rise(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return threshold(v, &s->rise, err, errlen);
}

static int
f_fall(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return threshold(v, &s->fall, err, errlen);
}

static int
f_target(struct checkspec *s, const char *v, struct pctx *p, char *err,
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
f_send(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return unescape(v, &s->send, &s->send_len, err, errlen);
}

static int
f_expect(struct checkspec *s, const char *v, struct pctx *p, char *err,
    size_t errlen)
{
	(void)p;
	return unescape(v, &s->expect, &s->expect_len, err, errlen);
}

static int
f_tls_verify(struct checkspec *s, const char *v, struct pctx *p, char *err,
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

/* ---- the struct --------------------------------------------------------- */

void
checkspec_init(struct checkspec *s)
{
	memset(s, 0, sizeof(*s));
	s->rule = -1;
	s->tls_verify = 1;
}

static void
free_headers(struct checkspec *s)
{
	size_t	 i;

	for (i = 0; i < s->nheaders; i++)
		free(s->headers[i]);
	free(s->headers);
	s->headers = NULL;
	s->nheaders = 0;
}

void
checkspec_free(struct checkspec *s)
{
	free(s->path);
	free(s->method);
	free(s->host);
	free_headers(s);
	free(s->body);
	if (s->re_ok)
		regfree(&s->re);
	free(s->send);
	free(s->expect);
	checkspec_init(s);
}

static int
dup_bytes(char **dst, const char *src, size_t n)
{
	free(*dst);
	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = malloc(n + 1)) == NULL)
		return -1;
	memcpy(*dst, src, n);
	(*dst)[n] = '\0';
	return 0;
}

/* Copies the fields `src` has set over `dst`. -1 if memory ran out. */
static int
merge(struct checkspec *dst, const struct checkspec *src, int label)
{
	uint32_t	 m = src->set;
	size_t		 i;
	int		 rc = 0;

#define HAS(f)	(m & (1u << (f)))
	if (HAS(CSF_CHECK))
		dst->kind = src->kind;
	if (HAS(CSF_SCHEME))
		dst->https = src->https;
	if (HAS(CSF_PORT))
		dst->port = src->port;
	if (HAS(CSF_PATH))
		rc |= dup_bytes(&dst->path, src->path, strlen(src->path));
	if (HAS(CSF_METHOD))
		rc |= dup_bytes(&dst->method, src->method, strlen(src->method));
	if (HAS(CSF_HOST))
		rc |= dup_bytes(&dst->host, src->host, strlen(src->host));
	if (HAS(CSF_HEADERS)) {
		free_headers(dst);
		if ((dst->headers = calloc(src->nheaders + 1,
		    sizeof(char *))) == NULL)
			return -1;
		for (i = 0; i < src->nheaders; i++) {
			rc |= dup_bytes(&dst->headers[i], src->headers[i],
			    strlen(src->headers[i]));
			dst->nheaders++;
		}
	}
	if (HAS(CSF_EXPECT_STATUS)) {
		memcpy(dst->status, src->status, sizeof(dst->status));
		dst->nstatus = src->nstatus;
	}
	if (HAS(CSF_EXPECT_BODY)) {
		rc |= dup_bytes(&dst->body, src->body, strlen(src->body));
		dst->body_regex = src->body_regex;
	}
	if (HAS(CSF_INTERVAL))
		dst->interval_ms = src->interval_ms;
	if (HAS(CSF_TIMEOUT))
		dst->timeout_ms = src->timeout_ms;
	if (HAS(CSF_START_PERIOD))
		dst->start_period_ms = src->start_period_ms;
	if (HAS(CSF_START_INTERVAL))
		dst->start_interval_ms = src->start_interval_ms;
	if (HAS(CSF_RISE))
		dst->rise = src->rise;
	if (HAS(CSF_FALL))
		dst->fall = src->fall;
	if (HAS(CSF_TARGET))
		dst->target = src->target;
	if (HAS(CSF_SEND)) {
		rc |= dup_bytes(&dst->send, src->send, src->send_len);
		dst->send_len = src->send_len;
	}
	if (HAS(CSF_EXPECT)) {
		rc |= dup_bytes(&dst->expect, src->expect, src->expect_len);
		dst->expect_len = src->expect_len;
	}
	if (HAS(CSF_TLS_VERIFY))
		dst->tls_verify = src->tls_verify;
#undef HAS
	dst->set |= m;
	if (label)
		dst->from_label |= m;
	else
		dst->from_label &= ~m;
	return rc != 0 ? -1 : 0;
}

/* Where a field's value came from, as the name to put in a message. */
static void
field_path(const struct checkspec *s, enum checkspec_field f, char *dst,
    size_t dstlen)
{
	if (s->from_label & (1u << f))
		snprintf(dst, dstlen, f == CSF_CHECK ? LABEL_PREFIX :
		    LABEL_PREFIX ".%s", fields[f].name);
	else if ((s->set & (1u << f)) && s->rule >= 0)
		snprintf(dst, dstlen, "checks[%d].%s", s->rule, fields[f].name);
	else
		snprintf(dst, dstlen, "%s (default)", fields[f].name);
}

/*
 * Checks between fields; on failure `where` names the field at fault.
 * With `only_set`, only pairs whose both fields were given (a config
 * rule on its own).
 */
static int
cross_check(const struct checkspec *s, int only_set, char *where,
    size_t wherelen, char *err, size_t errlen)
{
	char		 b[64], da[32], db[32];
	uint32_t	 wrong;
	unsigned	 f;
	uint32_t	 both = (1u << CSF_TIMEOUT) | (1u << CSF_INTERVAL);
	uint32_t	 both2 = (1u << CSF_TIMEOUT) | (1u << CSF_START_INTERVAL);

	if (s->kind != CHECKSPEC_NONE && (!only_set || (s->set & (1u << CSF_CHECK)))) {
		wrong = s->set & (s->kind == CHECKSPEC_HTTP ? TCP_ONLY : HTTP_ONLY);
		for (f = 0; f < CSF_COUNT; f++)
			if (wrong & (1u << f)) {
				field_path(s, (enum checkspec_field)f, where, wherelen);
				return err_set(err, errlen, "only for %s checks",
				    s->kind == CHECKSPEC_HTTP ? "tcp" : "http");
			}
	}
	if (s->kind == CHECKSPEC_HTTP && s->body != NULL && s->method != NULL &&
	    strcmp(s->method, "HEAD") == 0) {
		field_path(s, CSF_EXPECT_BODY, where, wherelen);
		return err_set(err, errlen, "a HEAD request has no body to match");
	}
	if ((!only_set || (s->set & both) == both) &&
	    s->timeout_ms >= s->interval_ms) {
		field_path(s, CSF_TIMEOUT, where, wherelen);
		field_path(s, CSF_INTERVAL, b, sizeof(b));
		duration_format(s->timeout_ms, da, sizeof(da));
		duration_format(s->interval_ms, db, sizeof(db));
		return err_set(err, errlen, "%s must be less than %s %s", da, b, db);
	}
	if ((!only_set || (s->set & both2) == both2) &&
	    s->timeout_ms >= s->start_interval_ms) {
		field_path(s, CSF_TIMEOUT, where, wherelen);
		field_path(s, CSF_START_INTERVAL, b, sizeof(b));
		duration_format(s->timeout_ms, da, sizeof(da));
		duration_format(s->start_interval_ms, db, sizeof(db));
		return err_set(err, errlen, "%s must be less than %s %s", da, b, db);
	}
	return 0;
}

/* Defaults, cross-field checks, the regex. */
static int
finish(struct checkspec *s, char *err, size_t errlen)
{
	static const struct checkspec_range def_status = { 200, 399 };
	uint64_t	 shortest;
	char		 a[64], msg[CHECKSPEC_ERR_MAX];
	int		 rc;

	if (!(s->set & (1u << CSF_PORT))) {
		field_path(s, CSF_CHECK, a, sizeof(a));
		return err_set(err, errlen, "%s: %s check without a port (set "
		    LABEL_PREFIX ".port)", a, checkspec_kind_name(s));
	}
	if (s->kind == CHECKSPEC_HTTP) {
		if (s->path == NULL && (s->path = strdup("/")) == NULL)
			return err_set(err, errlen, "out of memory");
		if (s->method == NULL && (s->method = strdup("GET")) == NULL)
			return err_set(err, errlen, "out of memory");
		if (s->nstatus == 0) {
			s->status[0] = def_status;
			s->nstatus = 1;
		}
	}
	if (!(s->set & (1u << CSF_INTERVAL)))
		s->interval_ms = DEFAULT_INTERVAL;
	if (!(s->set & (1u << CSF_START_INTERVAL)))
		s->start_interval_ms = s->interval_ms;
	if (!(s->set & (1u << CSF_TIMEOUT))) {
		/* 2s, but at most half of the shortest interval. */
		shortest = s->interval_ms < s->start_interval_ms ?
		    s->interval_ms : s->start_interval_ms;
		s->timeout_ms = DEFAULT_TIMEOUT < shortest / 2 ?
		    DEFAULT_TIMEOUT : shortest / 2;
	}
	if (!(s->set & (1u << CSF_RISE)))
		s->rise = DEFAULT_RISE;
	if (!(s->set & (1u << CSF_FALL)))
		s->fall = DEFAULT_FALL;
	if (cross_check(s, 0, a, sizeof(a), msg, sizeof(msg)) == -1)
		return err_set(err, errlen, "%s: %s", a, msg);
	if (s->body != NULL && s->body_regex) {
		if ((rc = regcomp(&s->re, s->body, REG_EXTENDED | REG_NOSUB)) != 0) {
			regfree(&s->re);
			return err_set(err, errlen, "expect_body: invalid regex");
		}
		s->re_ok = 1;
	}
	return 0;
}

/* ---- labels ------------------------------------------------------------- */

static int
field_by_name(const char *name)
{
	int	 f;

	for (f = 0; f < CSF_COUNT; f++)
		if (strcmp(fields[f].name, name) == 0)
			return f;
	return -1;
}

/* Keys people might try to aim a probe elsewhere with. */
static int
aiming_key(const char *suffix)
{
	static const char *const keys[] = { "url", "uri", "address", "addr",
	    "ip", "hostname", "endpoint", "proxy" };
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(suffix, keys[i]) == 0)
			return 1;
	return 0;
}

/* A label key for a message: bare when it is clean, else quoted and escaped. */
static void
key_name(const char *key, char *dst, size_t dstlen)
{
	size_t	 i;

	for (i = 0; key[i] != '\0' && i < 64; i++)
		if ((unsigned char)key[i] <= 0x20 || (unsigned char)key[i] >= 0x7f ||
		    key[i] == '"' || key[i] == '\\' || key[i] == '=')
			break;
	if (key[i] == '\0')
		snprintf(dst, dstlen, "%s", key);
	else
		quote_value(key, dst, dstlen);
}

static int
label_one(struct checkspec *s, const char *key, const char *val,
    struct pctx *p, char *err, size_t errlen)
{
	const char	*suffix;
	char		 msg[CHECKSPEC_ERR_MAX], k[80];
	int		 f;

	key_name(key, k, sizeof(k));
	if (strcmp(key, LABEL_PREFIX) == 0)
		f = CSF_CHECK;
	else {
		suffix = key + sizeof(LABEL_PREFIX);
		if (aiming_key(suffix)) {
			p->why = CHECKSPEC_REJECT_TARGET;
			return err_set(err, errlen, "%s: a label cannot aim a "
			    "probe at an address or URL; hale probes the "
			    "container itself (use " LABEL_PREFIX ".port and "
			    LABEL_PREFIX ".path)", k);
		}
		if (strcmp(suffix, "headers") == 0 ||
		    strncmp(suffix, "header.", 7) == 0)
			return err_set(err, errlen, "%s: headers can only be set "
			    "in a config rule", k);
		if ((f = field_by_name(suffix)) == -1 || f == CSF_CHECK ||
		    fields[f].fn == NULL)
			return err_set(err, errlen, "%s: unknown label", k);
	}
	if (strlen(val) > CHECKSPEC_VALUE_MAX)
		return err_set(err, errlen, "%s: value longer than %d bytes", k,
		    CHECKSPEC_VALUE_MAX);
	if (fields[f].fn(s, val, p, msg, sizeof(msg)) == -1)
		return err_set(err, errlen, "%s: %s", k, msg);
	s->set |= 1u << f;
	return 0;
}

/* hale.check* labels into `s`: 1 if there were any, 0 if none, -1 on error. */
static int
from_labels(struct checkspec *s, const struct checkspec_input *in,
    char *err, size_t errlen, enum checkspec_reject *why)
{
	struct pctx	 p = { 1, in, CHECKSPEC_REJECT_NONE };
	size_t		 i, plen = strlen(LABEL_PREFIX);
	int		 any = 0;

	for (i = 0; i < in->nlabels; i++) {
		const char *key = in->labels[i].key;

		if (key == NULL || strncmp(key, LABEL_PREFIX, plen) != 0 ||
		    (key[plen] != '\0' && key[plen] != '.'))
			continue;
		any = 1;
		p.why = CHECKSPEC_REJECT_NONE;
		if (label_one(s, key, in->labels[i].value != NULL ?
		    in->labels[i].value : "", &p, err, errlen) == -1) {
			*why = p.why != CHECKSPEC_REJECT_NONE ? p.why :
			    CHECKSPEC_REJECT_INVALID;
			return -1;
		}
	}
	return any;
}

/* ---- rules -------------------------------------------------------------- */

/* The labels of a checkspec_input, for match_test. */
static const char *
input_label(const void *arg, const char *key)
{
	const struct checkspec_input	*in = arg;
	size_t				 i;

	for (i = 0; i < in->nlabels; i++)
		if (in->labels[i].key != NULL &&
		    strcmp(in->labels[i].key, key) == 0)
			return in->labels[i].value != NULL ?
			    in->labels[i].value : "";
	return NULL;
}

/* The first rule that matches, or NULL. */
static const struct checkspec_rule *
checkspec_rules_match(const struct checkspec_rules *rules,
    const struct checkspec_input *in)
{
	size_t	 i;

	if (rules == NULL)
		return NULL;
	for (i = 0; i < rules->n; i++)
		if (match_test(&rules->v[i].match, in->name, in->image,
		    input_label, in))
			return &rules->v[i];
	return NULL;
}

int
checkspec_resolve(const struct checkspec_rules *rules,
    const struct checkspec_input *in, struct checkspec *out, char *err,
    size_t errlen, enum checkspec_reject *why)
{
	const struct checkspec_rule	*r;
	struct checkspec		 lab;
	int				 any;

	*why = CHECKSPEC_REJECT_NONE;
	checkspec_init(out);
	checkspec_init(&lab);
	if ((any = from_labels(&lab, in, err, errlen, why)) == -1)
		goto bad;
	if ((r = checkspec_rules_match(rules, in)) != NULL) {
		if (merge(out, &r->spec, 0) == -1)
			goto oom;
		out->rule = (int)(r - rules->v);
	}
	if (any && merge(out, &lab, 1) == -1)
		goto oom;
	checkspec_free(&lab);
	if (out->kind == CHECKSPEC_NONE) {
		/* hale.check=none, or a rule of defaults and no check. */
		if (!(out->set & (1u << CSF_CHECK)) && any) {
			err_set(err, errlen, LABEL_PREFIX ".* labels without "
			    LABEL_PREFIX " (http, https or tcp)");
			*why = CHECKSPEC_REJECT_INVALID;
			checkspec_free(out);
			return -1;
		}
		checkspec_free(out);
		return 0;
	}
	if (finish(out, err, errlen) == -1) {
		*why = CHECKSPEC_REJECT_INVALID;
		checkspec_free(out);
		return -1;
	}
	return 1;
oom:
	err_set(err, errlen, "out of memory");
	*why = CHECKSPEC_REJECT_INVALID;
bad:
	checkspec_free(&lab);
	checkspec_free(out);
	return -1;
}

/* ---- config rules ------------------------------------------------------- */


/* A JSON scalar as the text a label would hold. */
static int
json_text(const cJSON *v, char *dst, size_t dstlen)
{
	if (cJSON_IsString(v)) {
		if (strlen(v->valuestring) >= dstlen)
			return -1;
		snprintf(dst, dstlen, "%s", v->valuestring);
		return 0;
	}
	if (cJSON_IsBool(v)) {
		snprintf(dst, dstlen, "%s", cJSON_IsTrue(v) ? "true" : "false");
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= 1e9 &&
	    v->valuedouble == (double)(long long)v->valuedouble) {
		snprintf(dst, dstlen, "%lld", (long long)v->valuedouble);
		return 0;
	}
	return -1;
}

/* path.key, with the key cut so a hostile one can't flood a message. */
static void
join_path(char *dst, size_t dstlen, const char *path, const char *key)
{
	if (snprintf(dst, dstlen, "%s.%.64s", path, key) >= (int)dstlen &&
	    dstlen > 4)
		memcpy(dst + dstlen - 4, "...", 4);
}

static int
header_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > HEADER_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("!#$%&'*+-.^_`|~", s[i]) == NULL)
			return 0;
	return 1;
}

static void
rule_headers(struct confjson *j, const char *path, const cJSON *h,
    struct checkspec *s)
{
	const cJSON	*v;
	char		 kp[192];
	size_t		 i, n = 0;
	struct buf	 line;

	if (!cJSON_IsObject(h)) {
		confjson_problem(j, path, "must be an object of header names to values");
		return;
	}
	free_headers(s);
	if ((s->headers = calloc(CHECKSPEC_HEADERS_MAX, sizeof(char *))) == NULL) {
		confjson_problem(j, path, "out of memory");
		return;
	}
	cJSON_ArrayForEach(v, h) {
		join_path(kp, sizeof(kp), path, v->string);
		if (n++ == CHECKSPEC_HEADERS_MAX) {
			confjson_problem(j, path, "at most %d headers", CHECKSPEC_HEADERS_MAX);
			return;
		}
		if (!header_name_ok(v->string, strlen(v->string))) {
			confjson_problem(j, kp, "is not a header name");
			continue;
		}
		if (strcasecmp(v->string, "Host") == 0 ||
		    strcasecmp(v->string, "Content-Length") == 0 ||
		    strcasecmp(v->string, "Transfer-Encoding") == 0 ||
		    strcasecmp(v->string, "Connection") == 0) {
			confjson_problem(j, kp, "is set by hale (use the host key for Host)");
			continue;
		}
		if (!cJSON_IsString(v) || strlen(v->valuestring) > HEADER_VALUE_MAX) {
			confjson_problem(j, kp, "must be a string of at most %d bytes",
			    HEADER_VALUE_MAX);
			continue;
		}
		for (i = 0; v->valuestring[i] != '\0'; i++)
			if ((unsigned char)v->valuestring[i] < 0x20 &&
			    v->valuestring[i] != '\t')
				break;
		if (v->valuestring[i] != '\0' || strchr(v->valuestring, 0x7f)) {
			confjson_problem(j, kp, "holds a control character");
			continue;
		}
		buf_init(&line);
		buf_printf(&line, "%s: %s", v->string, v->valuestring);
		if (line.oom) {
			confjson_problem(j, kp, "out of memory");
			buf_free(&line);
			continue;
		}
		s->headers[s->nheaders++] = buf_steal(&line, NULL);
		buf_free(&line);
	}
	s->set |= 1u << CSF_HEADERS;
}

/* expect_status may also be an array of codes and range strings. */
static int
status_text(const cJSON *v, char *dst, size_t dstlen)
{
	const cJSON	*e;
	size_t		 o = 0;
	char		 item[32];

	if (!cJSON_IsArray(v))
		return json_text(v, dst, dstlen);
	dst[0] = '\0';
	cJSON_ArrayForEach(e, v) {
		if (json_text(e, item, sizeof(item)) == -1 ||
		    o + strlen(item) + 2 >= dstlen)
			return -1;
		o += (size_t)snprintf(dst + o, dstlen - o, "%s%s",
		    o > 0 ? "," : "", item);
	}
	return 0;
}

static void
rule_field(struct confjson *j, const char *path, const cJSON *v,
    struct checkspec_rule *r)
{
	struct pctx	 p = { 0, NULL, CHECKSPEC_REJECT_NONE };
	char		 text[CHECKSPEC_VALUE_MAX + 1], msg[CHECKSPEC_ERR_MAX];
	int		 f, rc;

	if ((f = field_by_name(v->string)) == -1) {
		confjson_problem(j, path, "unknown key");
		return;
	}
	if (f == CSF_HEADERS) {
		rule_headers(j, path, v, &r->spec);
		return;
	}
	rc = f == CSF_EXPECT_STATUS ? status_text(v, text, sizeof(text)) :
	    json_text(v, text, sizeof(text));
	if (rc == -1) {
		confjson_problem(j, path, "must be a string or a whole number of at "
		    "most %d characters", CHECKSPEC_VALUE_MAX);
		return;
	}
	if (fields[f].fn(&r->spec, text, &p, msg, sizeof(msg)) == -1) {
		confjson_problem(j, path, "%s", msg);
		return;
	}
	r->spec.set |= 1u << f;
}

static void
rule_free(struct checkspec_rule *r)
{
	match_free(&r->match);
	checkspec_free(&r->spec);
}

static void
rule_parse(struct confjson *j, const char *path, const cJSON *o,
    struct checkspec_rule *r, int index)
{
	const cJSON	*v;
	char		 kp[192], msg[CHECKSPEC_ERR_MAX], where[64];
	int		 has_match = 0;

	memset(r, 0, sizeof(*r));
	checkspec_init(&r->spec);
	r->spec.rule = index;
	if (!cJSON_IsObject(o)) {
		confjson_problem(j, path, "must be an object");
		return;
	}
	cJSON_ArrayForEach(v, o) {
		join_path(kp, sizeof(kp), path, v->string);
		if (strcmp(v->string, "match") == 0) {
			has_match = 1;
			match_free(&r->match);
			match_from_json(&r->match, v, kp, j);
		} else
			rule_field(j, kp, v, r);
	}
	if (!has_match)
		confjson_problem(j, path, "needs \"match\" (an empty object matches "
		    "every container)");
	if (cross_check(&r->spec, 1, where, sizeof(where), msg,
	    sizeof(msg)) == -1)
		confjson_problem(j, where, "%s", msg);
}

int
checkspec_rules_from_json(const cJSON *arr, const char *path,
    struct checkspec_rules **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct checkspec_rules	*rs;
	const cJSON		*e;
	char			 ep[64];
	int			 n, i = 0;

	*out = NULL;
	if (!cJSON_IsArray(arr)) {
		confjson_problem(&j, path, "must be an array of rules");
		return j.n;
	}
	if ((n = cJSON_GetArraySize(arr)) == 0)
		return 0;
	if (n > CHECKSPEC_RULES_MAX) {
		confjson_problem(&j, path, "at most %d rules", CHECKSPEC_RULES_MAX);
		return j.n;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL ||
	    (rs->v = calloc((size_t)n, sizeof(*rs->v))) == NULL) {
		free(rs);
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cJSON_ArrayForEach(e, arr) {
		snprintf(ep, sizeof(ep), "%.20s[%d]", path, i);
		rule_parse(&j, ep, e, &rs->v[i], i);
		rs->n = (size_t)++i;
	}
	if (j.n > 0) {
		checkspec_rules_free(rs);
		return j.n;
	}
	*out = rs;
	return 0;
}

void
checkspec_rules_free(struct checkspec_rules *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_free(&rs->v[i]);
	free(rs->v);
	free(rs);
}

/* ---- matching ----------------------------------------------------------- */

int
checkspec_status_match(const struct checkspec *s, long code)
{
	size_t	 i;

	for (i = 0; i < s->nstatus; i++)
		if (code >= s->status[i].lo && code <= s->status[i].hi)
			return 1;
	return 0;
}

int
checkspec_body_match(const struct checkspec *s, const char *body, size_t len)
{
	regmatch_t	 m;
	char		*tmp;
	int		 rc;

	if (s->body == NULL)
		return 1;
	if (!s->body_regex)
		return memmem(body, len, s->body, strlen(s->body)) != NULL;
	if (!s->re_ok)
		return 0;
	/* REG_STARTEND (glibc, BSD) bounds the match by length, NULs and all. */
	m.rm_so = 0;
	m.rm_eo = (regoff_t)len;
	if ((tmp = malloc(len + 1)) == NULL)
		return 0;
	memcpy(tmp, body, len);
	tmp[len] = '\0';
	rc = regexec(&s->re, tmp, 1, &m, REG_STARTEND);
	free(tmp);
	return rc == 0;
}

/* ---- names and JSON ----------------------------------------------------- */

const char *
checkspec_kind_name(const struct checkspec *s)
{
	switch (s->kind) {
	case CHECKSPEC_HTTP:
		return s->https ? "https" : "http";
	case CHECKSPEC_TCP:
		return "tcp";
	case CHECKSPEC_NONE:
		break;
	}
	return "none";
}

const char *
checkspec_target_name(enum checkspec_target t)
{
	switch (t) {
	case CHECKSPEC_TARGET_NETNS:
		return "netns";
	case CHECKSPEC_TARGET_IP:
		return "ip";
	case CHECKSPEC_TARGET_HOST:
		return "host";
	case CHECKSPEC_TARGET_AUTO:
		break;
	}
	return "auto";
}

const char *
checkspec_reject_name(enum checkspec_reject r)
{
	switch (r) {
	case CHECKSPEC_REJECT_INVALID:
		return "invalid";
	case CHECKSPEC_REJECT_TARGET:
		return "target";
	case CHECKSPEC_REJECT_NONE:
	case CHECKSPEC_REJECT_COUNT:
		break;
	}
	return "none";
}

/* Bytes that may be binary, escaped the way the labels write them. */
static void
add_escaped(cJSON *obj, const char *key, const char *p, size_t n)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r')
			buf_puts(&b, "\\r");
		else if (c == '\n')
			buf_puts(&b, "\\n");
		else if (c == '\t')
			buf_puts(&b, "\\t");
		else if (c == '\\')
			buf_puts(&b, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(&b, "\\x%02x", c);
		else
			buf_putc(&b, (char)c);
	}
	cJSON_AddStringToObject(obj, key, b.data != NULL ? b.data : "");
	buf_free(&b);
}

void
checkspec_to_json(const struct checkspec *s, cJSON *o)
{
	cJSON	*a, *h;
	char	 r[16];
	size_t	 i;

	cJSON_AddStringToObject(o, "check", checkspec_kind_name(s));
	cJSON_AddNumberToObject(o, "port", s->port);
	cJSON_AddStringToObject(o, "target", checkspec_target_name(s->target));
	if (s->kind == CHECKSPEC_HTTP) {
		cJSON_AddStringToObject(o, "method", s->method != NULL ? s->method : "GET");
		cJSON_AddStringToObject(o, "path", s->path != NULL ? s->path : "/");
		if (s->host != NULL)
			cJSON_AddStringToObject(o, "host", s->host);
		if (s->nheaders > 0 && (h = cJSON_AddArrayToObject(o, "headers")) != NULL)
			for (i = 0; i < s->nheaders; i++)
				cJSON_AddItemToArray(h, cJSON_CreateString(s->headers[i]));
		if ((a = cJSON_AddArrayToObject(o, "expect_status")) != NULL)
			for (i = 0; i < s->nstatus; i++) {
				if (s->status[i].lo == s->status[i].hi)
					snprintf(r, sizeof(r), "%u", s->status[i].lo);
				else
					snprintf(r, sizeof(r), "%u-%u",
					    s->status[i].lo, s->status[i].hi);
				cJSON_AddItemToArray(a, cJSON_CreateString(r));
			}
		if (s->body != NULL) {
			cJSON_AddStringToObject(o, "expect_body", s->body);
			cJSON_AddBoolToObject(o, "expect_body_regex", s->body_regex);
		}
		if (s->https)
			cJSON_AddBoolToObject(o, "tls_verify", s->tls_verify);
	} else {
		if (s->send != NULL)
			add_escaped(o, "send", s->send, s->send_len);
		if (s->expect != NULL)
			add_escaped(o, "expect", s->expect, s->expect_len);
	}
	cJSON_AddNumberToObject(o, "interval_seconds", (double)s->interval_ms / 1000.0);
	cJSON_AddNumberToObject(o, "timeout_seconds", (double)s->timeout_ms / 1000.0);
	cJSON_AddNumberToObject(o, "start_period_seconds",
	    (double)s->start_period_ms / 1000.0);
	cJSON_AddNumberToObject(o, "start_interval_seconds",
	    (double)s->start_interval_ms / 1000.0);
	cJSON_AddNumberToObject(o, "rise", s->rise);
	cJSON_AddNumberToObject(o, "fall", s->fall);
	if (s->rule >= 0)
		cJSON_AddNumberToObject(o, "rule", s->rule);
	else
		cJSON_AddNullToObject(o, "rule");
	cJSON_AddBoolToObject(o, "labels", s->from_label != 0);
}
