/*
 * checkspec_rules: the `checks` array of the config file into rules (a
 * match and the fields it sets), every problem reported with its JSON
 * path, and the rule that applies to a container. The config is trusted
 * more than labels (a rule may set any Host header and extra headers),
 * but its values go through the same field parsers.
 */
#include "check/checkspec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/checkspec_field.h"
#include "core/confjson.h"

#define HEADER_NAME_MAX	64
#define HEADER_VALUE_MAX 512

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

const struct checkspec_rule *
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
	checkspec_free_headers(s);
	if ((s->headers = calloc(CHECKSPEC_HEADERS_MAX, sizeof(char *))) == NULL) {
		confjson_problem(j, path, "out of memory");
		return;
	}
	cJSON_ArrayForEach(v, h) {
		confjson_path(kp, sizeof(kp), "%s.%.64s", path, v->string);
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
	struct checkspec_pctx	 p = { 0, NULL, CHECKSPEC_REJECT_NONE };
	char			 text[CHECKSPEC_VALUE_MAX + 1], msg[CHECKSPEC_ERR_MAX];
	int			 f, rc;

	if ((f = checkspec_field_by_name(v->string)) == -1) {
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
	if (checkspec_field_parse((enum checkspec_field)f, &r->spec, text, &p,
	    msg, sizeof(msg)) == -1) {
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
		confjson_path(kp, sizeof(kp), "%s.%.64s", path, v->string);
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
	if (checkspec_cross_check(&r->spec, 1, where, sizeof(where), msg,
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
