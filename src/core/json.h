/*
 * json: what every JSON view (the API documents, webhook bodies) writes the
 * same way: times as RFC 3339 with microseconds or null when never set,
 * absent strings as null, and the document printed compact into a buf.
 */
#ifndef HALE_JSON_H
#define HALE_JSON_H

#include <cJSON.h>

#include "core/buf.h"

/* A time (seconds since the epoch) as a JSON value: a string, or null for t <= 0. */
cJSON	*json_time(double t);
void	 json_add_time(cJSON *o, const char *key, double t);
/* A string member, or null for NULL. */
void	 json_add_str(cJSON *o, const char *key, const char *v);
/*
 * Appends `root` printed compact to out and frees it (NULL counts as out
 * of memory): 0, or -1 with out->oom set.
 */
int	 json_emit(cJSON *root, struct buf *out);

#endif
