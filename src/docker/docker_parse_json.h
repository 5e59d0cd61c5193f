/*
 * docker_parse_json: typed access to the fields of Docker's JSON and
 * capped copies of its strings, shared by the parsers in src/docker
 * (docker_parse_*.c) and included by nothing else.
 */
#ifndef HALE_DOCKER_PARSE_JSON_H
#define HALE_DOCKER_PARSE_JSON_H

#include <stddef.h>

#include <cJSON.h>

/* o[key] if o is an object, else NULL. */
const cJSON	*docker_json_get(const cJSON *o, const char *key);
/* The string o[key], or NULL if absent or not a string. */
const char	*docker_json_str(const cJSON *o, const char *key);
/* A JSON number that fits an int; `def` if absent or out of range. */
int		 docker_json_int(const cJSON *o, const char *key, int def);
double		 docker_json_double(const cJSON *o, const char *key, double def);
/* strdup with a cap: NULL if longer than `max` or out of memory. */
char		*docker_strdup_capped(const char *s, size_t max);
/* Copies into a fixed array, truncating; for informational fields. */
void		 docker_copy_trunc(char *dst, size_t dstlen, const char *src);
/* A decimal integer in a string ("137"), as event attributes carry them. */
int		 docker_int_text(const char *s, int def);

#endif
