/*
 * checkspec_json: the JSON view of a spec, the `check` object of the API
 * (settings as they will be probed, defaults filled in).
 */
#include "check/checkspec.h"

#include <stdio.h>

#include "core/buf.h"

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
