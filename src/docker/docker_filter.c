/* docker_filter: the engine-side container filter (see docker_filter.h). */
#include "docker/docker_filter.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

/* RFC 3986 unreserved characters stay, every other byte becomes %XX. */
static int
percent_encode(const char *s, char *out, size_t outlen)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 o = 0;
	unsigned char		 c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outlen)
				return -1;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

static int
add_list(cJSON *root, const char *name, const char *const *v, size_t n)
{
	cJSON	*arr, *s;
	size_t	 i;

	if ((arr = cJSON_AddArrayToObject(root, name)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((s = cJSON_CreateString(v[i])) == NULL)
			return -1;
		cJSON_AddItemToArray(arr, s);
	}
	return 0;
}

int
docker_filter_query(const char *type, const char *const *labels,
    size_t nlabels, char *out, size_t outlen)
{
	cJSON	*root;
	char	*json = NULL;
	int	 rc = -1;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (type == NULL && nlabels == 0)
		return 0;
	if ((root = cJSON_CreateObject()) == NULL)
		return -1;
	if ((type == NULL || add_list(root, "type", &type, 1) == 0) &&
	    (nlabels == 0 || add_list(root, "label", labels, nlabels) == 0) &&
	    (json = cJSON_PrintUnformatted(root)) != NULL)
		rc = percent_encode(json, out, outlen);
	if (rc == -1)
		out[0] = '\0';
	cJSON_free(json);
	cJSON_Delete(root);
	return rc;
}
