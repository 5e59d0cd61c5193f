/* confjson: shared error reporting of the config-file parsers. */
#include "core/confjson.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
