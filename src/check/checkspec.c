/*
 * checkspec: the spec itself (see checkspec.h for the precedence and the
 * trust model): its life (init, free), how the layers combine (a rule,
 * then labels, field by field), the defaults and the checks between
 * fields, and the two questions a probe asks of it (status, body). The
 * values come from checkspec_field.c, the labels from checkspec_label.c,
 * the rules from checkspec_rules.c.
 */
#include "check/checkspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkspec_field.h"
#include "core/duration.h"
#include "core/err.h"

#define DEFAULT_INTERVAL	10000ULL	/* ms */
#define DEFAULT_TIMEOUT		2000ULL
#define DEFAULT_RISE		1
#define DEFAULT_FALL		3

/* Fields that only make sense for one kind. */
#define HTTP_ONLY	((1u << CSF_PATH) | (1u << CSF_SCHEME) | (1u << CSF_METHOD) | \
	(1u << CSF_HOST) | (1u << CSF_HEADERS) | (1u << CSF_EXPECT_STATUS) | \
	(1u << CSF_EXPECT_BODY) | (1u << CSF_TLS_VERIFY))
#define TCP_ONLY	((1u << CSF_SEND) | (1u << CSF_EXPECT))

/* ---- the struct --------------------------------------------------------- */

void
checkspec_init(struct checkspec *s)
{
	memset(s, 0, sizeof(*s));
	s->rule = -1;
	s->tls_verify = 1;
}

void
checkspec_free_headers(struct checkspec *s)
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
	checkspec_free_headers(s);
	free(s->body);
	checkspec_regex_free(s->re);
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
		checkspec_free_headers(dst);
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
		snprintf(dst, dstlen, f == CSF_CHECK ? CHECKSPEC_LABEL_PREFIX :
		    CHECKSPEC_LABEL_PREFIX ".%s", checkspec_field_name(f));
	else if ((s->set & (1u << f)) && s->rule >= 0)
		snprintf(dst, dstlen, "checks[%d].%s", s->rule, checkspec_field_name(f));
	else
		snprintf(dst, dstlen, "%s (default)", checkspec_field_name(f));
}

int
checkspec_cross_check(const struct checkspec *s, int only_set, char *where,
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

	if (!(s->set & (1u << CSF_PORT))) {
		field_path(s, CSF_CHECK, a, sizeof(a));
		return err_set(err, errlen, "%s: %s check without a port (set "
		    CHECKSPEC_LABEL_PREFIX ".port)", a, checkspec_kind_name(s));
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
	if (checkspec_cross_check(s, 0, a, sizeof(a), msg, sizeof(msg)) == -1)
		return err_set(err, errlen, "%s: %s", a, msg);
	if (s->body != NULL && s->body_regex) {
		if (checkspec_regex_compile(s->body, &s->re, msg,
		    sizeof(msg)) == -1)
			return err_set(err, errlen, "expect_body: %s", msg);
	}
	return 0;
}

/* ---- resolving ---------------------------------------------------------- */

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
	if ((any = checkspec_from_labels(&lab, in, err, errlen, why)) == -1)
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
			err_set(err, errlen, CHECKSPEC_LABEL_PREFIX ".* labels without "
			    CHECKSPEC_LABEL_PREFIX " (http, https or tcp)");
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
checkspec_body_match(const struct checkspec *s, const char *body, size_t len,
    char *err, size_t errlen)
{
	if (s->body == NULL)
		return 1;
	if (!s->body_regex)
		return memmem(body, len, s->body, strlen(s->body)) != NULL;
	if (s->re == NULL)
		return 0;
	return checkspec_regex_match(s->re, body, len, err, errlen);
}

/* ---- names -------------------------------------------------------------- */

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
