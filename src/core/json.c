#include "core/json.h"

#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/utf8.h"

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

/* NULL when s is well formed, else its replaced copy; *oom on failure. */
static char *
fixed(const char *s, int *oom)
{
	char	*f, *c;
	size_t	 n = strlen(s);

	if (utf8_valid_len(s, n) == n)
		return NULL;
	if ((f = utf8_dup(s)) == NULL) {
		*oom = 1;
		return NULL;
	}
	/* cJSON frees what it holds with its own hook. */
	if ((c = cJSON_malloc(strlen(f) + 1)) == NULL)
		*oom = 1;
	else
		memcpy(c, f, strlen(f) + 1);
	free(f);
	return c;
}

/*
 * cJSON prints bytes as they are: every string and key of the document,
 * whoever added it, is made well-formed UTF-8 here, the one place every
 * view goes through. The documents are the views' own, a few levels deep.
 */
static int
sanitize(cJSON *item)
{
	char	*f;
	int	 oom = 0;

	for (; item != NULL; item = item->next) {
		if (item->string != NULL &&
		    (f = fixed(item->string, &oom)) != NULL) {
			if (!(item->type & cJSON_StringIsConst))
				cJSON_free(item->string);
			item->type &= ~cJSON_StringIsConst;
			item->string = f;
		}
		/* A reference's string is not the item's to replace. */
		if (cJSON_IsString(item) && item->valuestring != NULL &&
		    !(item->type & cJSON_IsReference) &&
		    (f = fixed(item->valuestring, &oom)) != NULL) {
			cJSON_free(item->valuestring);
			item->valuestring = f;
		}
		if (oom || sanitize(item->child) == -1)
			return -1;
	}
	return 0;
}

int
json_emit(cJSON *root, struct buf *out)
{
	char	*s;

	if (root == NULL || sanitize(root) == -1) {
		cJSON_Delete(root);
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
