/*
 * api_list: GET /api/v1/containers sent a container at a time.
 *
 * Built whole, the list of 10,000 containers was a cJSON tree and its
 * printed copy, about 100 MB at once; a stream holds the sorted ids and
 * one container's text, the JSON being the same bytes.
 */
#ifndef HALE_API_LIST_H
#define HALE_API_LIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "docker/inventory.h"
#include "http/httpd.h"

struct api_list;

/* A stream over the inventory's list; NULL if memory ran out. */
struct api_list *api_list_new(struct inventory *, inventory_json_fn *,
	    void *hook_arg);
/* An httpd_reader: the next bytes, HTTPD_STREAM_END, HTTPD_STREAM_ERROR. */
ssize_t	api_list_read(void *api_list, uint64_t pos, char *out, size_t max);
void	api_list_free(void *api_list);

#endif
