/*
 * docker_parse_json: typed access to the fields of Docker's JSON and
 * capped copies of its strings, shared by the parsers (docker_parse_*.c)
 * and included by nothing else. Static inline: each parser gets the few
 * it uses, under short names that keep its lines readable.
 */
#ifndef HALE_DOCKER_PARSE_JSON_H
#define HALE_DOCKER_PARSE_JSON_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static inline const cJSON *
jget(const cJSON *o, const char *key)
{
	if (!cJSON_IsObject(o))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static inline const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON	*v = jget(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON number that fits an int; `def` if absent or out of range. */
static inline int
jint(const cJSON *o, const char *key, int def)
{
	const cJSON	*v = jget(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble ||
	    v->valuedouble < INT_MIN || v->valuedouble > INT_MAX)
		return def;
	return (int)v->valuedouble;
}

static inline double
jdouble(const cJSON *o, const char *key, double def)
{
	const cJSON	*v = jget(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
		return def;
	return v->valuedouble;
}

/* strdup with a cap: NULL if longer than `max` or out of memory. */
static inline char *
dup_capped(const char *s, size_t max)
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
static inline void
copy_trunc(char *dst, size_t dstlen, const char *src)
{
	if (src == NULL)
		src = "";
	snprintf(dst, dstlen, "%s", src);
}

/* A decimal integer in a string ("137"), as event attributes carry them. */
static inline int
parse_int_text(const char *s, int def)
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

#endif
