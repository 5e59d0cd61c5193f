/* confjson: shared error reporting of the config-file parsers. */
#include "core/confjson.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"

void
confjson_problem(struct confjson *j, const char *path, const char *fmt, ...)
{
	va_list	 ap;

	buf_puts(j->errors, path);
	buf_puts(j->errors, ": ");
	va_start(ap, fmt);
	buf_vprintf(j->errors, fmt, ap);
	va_end(ap);
	buf_putc(j->errors, '\n');
	j->n++;
}

int
confjson_want_string(struct confjson *j, const char *path, const cJSON *v)
{
	char	 tmp[80];

	if (cJSON_IsString(v))
		return 0;
	confjson_show(v, tmp, sizeof(tmp));
	confjson_problem(j, path, "%s is not a string", tmp);
	return -1;
}

void
confjson_show(const cJSON *v, char *dst, size_t len)
{
	char	*s = cJSON_PrintUnformatted(v);	/* escapes control bytes */

	snprintf(dst, len, "%s", s != NULL ? s : "?");
	if (s != NULL && strlen(s) >= len && len > 4)
		memcpy(dst + len - 4, "...", 4);
	free(s);
}

void
confjson_path(char *dst, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vsnprintf(dst, len, fmt, ap) < 0)
		dst[0] = '\0';
	va_end(ap);
}

static int
want(struct confjson *j, const char *path, const cJSON *v, int ok,
    const char *what)
{
	char	 tmp[80];

	if (ok)
		return 0;
	confjson_show(v, tmp, sizeof(tmp));
	confjson_problem(j, path, "%s is not %s", tmp, what);
	return -1;
}

int
confjson_want_object(struct confjson *j, const char *path, const cJSON *v)
{
	return want(j, path, v, cJSON_IsObject(v), "an object");
}

int
confjson_want_array(struct confjson *j, const char *path, const cJSON *v)
{
	return want(j, path, v, cJSON_IsArray(v), "an array");
}

int
confjson_want_bool(struct confjson *j, const char *path, const cJSON *v,
    int *out)
{
	if (want(j, path, v, cJSON_IsBool(v), "true or false") == -1)
		return -1;
	*out = cJSON_IsTrue(v);
	return 0;
}

void
confjson_want_count(struct confjson *j, const char *path, const cJSON *v,
    unsigned max, unsigned *out)
{
	char	 tmp[80];

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
	    v->valuedouble != (double)(unsigned)v->valuedouble) {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not a whole number from 0 to %u", tmp,
		    max);
		return;
	}
	*out = (unsigned)v->valuedouble;
}

void
confjson_want_duration(struct confjson *j, const char *path, const cJSON *v,
    uint64_t min_ms, uint64_t max_ms, uint64_t *out)
{
	char		 tmp[80], lo[32], hi[32];
	uint64_t	 ms;

	if (cJSON_IsString(v) && duration_parse(v->valuestring, &ms) == 0 &&
	    ms >= min_ms && ms <= max_ms) {
		*out = ms;
		return;
	}
	confjson_show(v, tmp, sizeof(tmp));
	duration_format(min_ms, lo, sizeof(lo));
	duration_format(max_ms, hi, sizeof(hi));
	confjson_problem(j, path, "%s is not a duration from %s to %s", tmp, lo, hi);
}

/*
 * Whether JSON text stops before its document ends: inside a string or
 * with an object or array still open. A file cut by a full disk or a
 * writer that died is the usual cause, and cJSON's error offset points at
 * where the unfinished value began, not at the cut.
 */
static int
cut_short(const char *s, size_t len)
{
	size_t	 i;
	long	 depth = 0;
	int	 in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"')
			in_str = 1;
		else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
	}
	return in_str || depth > 0;
}

static int
blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

void
confjson_parse_problem(struct confjson *j, const char *json, size_t len,
    const char *end)
{
	long	 at = end != NULL ? (long)(end - json) : 0L;

	if (blank(json, len))
		confjson_problem(j, "(root)",
		    "empty (%zu bytes, no JSON object)", len);
	else if (cut_short(json, len))
		confjson_problem(j, "(root)", "invalid JSON: the text ends "
		    "inside a value after %zu bytes (cut short? a full disk "
		    "or an unfinished write)", len);
	else
		confjson_problem(j, "(root)", "invalid JSON near byte %ld",
		    at);
}
