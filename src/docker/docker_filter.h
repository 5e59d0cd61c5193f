/*
 * docker_filter: the `filters` argument of GET /containers/json and GET
 * /events, so the engine itself leaves out the containers hale must not
 * watch and they are never listed, inspected or streamed:
 *
 *	{"type":["container"],"label":["com.docker.compose.project=shop"]}
 *
 * JSON-escaped, then percent-encoded for the query string. Docker ANDs
 * the label entries: a container must carry every one ("key" alone: the
 * label with any value). Pure.
 */
#ifndef HALE_DOCKER_FILTER_H
#define HALE_DOCKER_FILTER_H

#include <stddef.h>

#define DOCKER_FILTER_MAX	7168	/* an encoded argument, with its NUL */
#define DOCKER_COMPOSE_PROJECT	"com.docker.compose.project"

/*
 * `type` ("container") or NULL, and nlabels entries "key" or "key=value".
 * Writes the encoded document to out ("" when both are empty); -1 when
 * it does not fit or memory ran out.
 */
int	docker_filter_query(const char *type, const char *const *labels,
	    size_t nlabels, char *out, size_t outlen);

#endif
