/*
 * confjson: what every config-file parser shares: problems reported with
 * their JSON path into one error buffer, and JSON values quoted in those
 * messages. Pure.
 */
#ifndef HALE_CONFJSON_H
#define HALE_CONFJSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/buf.h"

struct confjson {
	struct buf	*errors;	/* one "path: problem" line each */
	int		 n;		/* problems so far */
};

void	confjson_problem(struct confjson *, const char *path,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 0 if v is a string, else -1 and "path: <v> is not a string". */
int	confjson_want_string(struct confjson *, const char *path, const cJSON *v);
/*
 * 0 when v is an object (an array); else -1, with "<v> is not an object"
 * ("an array") reported at path.
 */
int	confjson_want_object(struct confjson *, const char *path, const cJSON *v);
int	confjson_want_array(struct confjson *, const char *path, const cJSON *v);
/* true or false into *out; else -1 and "<v> is not true or false". */
int	confjson_want_bool(struct confjson *, const char *path, const cJSON *v,
	    int *out);
/* A JSON value for a message: compact, and cut so a huge value can't flood. */
/* A whole number from 0 to max into *out (left alone on a problem). */
void	confjson_want_count(struct confjson *, const char *path, const cJSON *v,
	    unsigned max, unsigned *out);
/* A duration string ("30s") from min_ms to max_ms into *out. */
void	confjson_want_duration(struct confjson *, const char *path,
	    const cJSON *v, uint64_t min_ms, uint64_t max_ms, uint64_t *out);
void	confjson_show(const cJSON *, char *dst, size_t len);
/* A JSON path for messages: cut rather than overflow when very deep. */
void	confjson_path(char *dst, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Why JSON text did not parse, as one problem at "(root)": empty, cut
 * short inside a value (a full disk, an unfinished write), or invalid near
 * `end` (cJSON's error position).
 */
void	confjson_parse_problem(struct confjson *, const char *json, size_t len,
	    const char *end);

#endif
