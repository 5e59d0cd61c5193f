/*
 * docker_parse_json: the small readers every parser of Docker's JSON
 * uses (typed field access, capped copies) and nothing else includes.
 */
#include "docker/docker_parse_json.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cJSON *
docker_json_get(const cJSON *o, const char *key)
{
	if (!cJSON_IsObject(o))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

const char *
docker_json_str(const cJSON *o, const char *key)
{
	const cJSON	*v = docker_json_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON number that fits an int; `def` if absent or out of range. */
int
docker_json_int(const cJSON *o, const char *key, int def)
{
	const cJSON	*v = docker_json_get(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble ||
	    v->valuedouble < INT_MIN || v->valuedouble > INT_MAX)
		return def;
	return (int)v->valuedouble;
}

double
docker_json_double(const cJSON *o, const char *key, double def)
{
	const cJSON	*v = docker_json_get(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
		return def;
	return v->valuedouble;
}

/* strdup with a cap: NULL if longer than `max` or out of memory. */
char *
docker_strdup_capped(const char *s, size_t max)
{
	size_t	 n;
	char	*p;

	if (s == NULL)
		s = "";
	n = strnlen(s, max + 1);
	if (n > max || (p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Copies into a fixed array, truncating; for informational fields. */
void
docker_copy_trunc(char *dst, size_t dstlen, const char *src)
{
	if (src == NULL)
		src = "";
	snprintf(dst, dstlen, "%s", src);
}

/* A decimal integer in a string ("137"), as event attributes carry them. */
int
docker_int_text(const char *s, int def)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return def;
	return (int)v;
}
