#include "core/json.h"

#include <stdlib.h>

#include "core/timefmt.h"

cJSON *
json_time(double t)
{
	char	 s[TIMEFMT_MAX];

	if (timefmt_rfc3339(t, TIMEFMT_API, s, sizeof(s)) == -1)
		return cJSON_CreateNull();
	return cJSON_CreateString(s);
}

void
json_add_time(cJSON *o, const char *key, double t)
{
	cJSON_AddItemToObject(o, key, json_time(t));
}

void
json_add_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

int
json_emit(cJSON *root, struct buf *out)
{
	char	*s;

	if (root == NULL) {
		out->oom = 1;
		return -1;
	}
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (s == NULL) {
		out->oom = 1;
		return -1;
	}
	buf_puts(out, s);
	free(s);
	return out->oom ? -1 : 0;
}
