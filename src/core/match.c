/* match: the rule matcher of checks and remediation (see match.h). */
#include "core/match.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int
pattern(struct confjson *j, const char *path, const cJSON *v, char **dst)
{
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0' ||
	    strlen(v->valuestring) > MATCH_PATTERN_MAX) {
		confjson_problem(j, path, "must be a pattern of 1 to %d characters",
		    MATCH_PATTERN_MAX);
		return -1;
	}
	free(*dst);
	if ((*dst = strdup(v->valuestring)) == NULL) {
		confjson_problem(j, path, "out of memory");
		return -1;
	}
	return 0;
}

/* "key" or "key=glob". */
static int
label(struct confjson *j, const char *path, const cJSON *v, struct match *m)
{
	char	*eq;

	free(m->label_value);
	m->label_value = NULL;
	if (pattern(j, path, v, &m->label_key) == -1)
		return -1;
	if ((eq = strchr(m->label_key, '=')) == NULL)
		return 0;
	if (eq == m->label_key) {
		confjson_problem(j, path, "\"=value\" needs a label key");
		return -1;
	}
	if ((m->label_value = strdup(eq + 1)) == NULL) {
		confjson_problem(j, path, "out of memory");
		return -1;
	}
	*eq = '\0';
	return 0;
}

int
match_from_json(struct match *m, const cJSON *v, const char *path,
    struct confjson *j)
{
	const cJSON	*e;
	char		 kp[192];
	int		 bad = 0;

	memset(m, 0, sizeof(*m));
	if (!cJSON_IsObject(v)) {
		confjson_problem(j, path, "must be an object with name, image or label");
		return -1;
	}
	cJSON_ArrayForEach(e, v) {
		confjson_path(kp, sizeof(kp), "%s.%.64s", path, e->string);
		if (strcmp(e->string, "name") == 0)
			bad |= pattern(j, kp, e, &m->name);
		else if (strcmp(e->string, "image") == 0)
			bad |= pattern(j, kp, e, &m->image);
		else if (strcmp(e->string, "label") == 0)
			bad |= label(j, kp, e, m);
		else {
			confjson_problem(j, kp, "unknown key (name, image, label)");
			bad = -1;
		}
	}
	if (bad) {
		match_free(m);
		return -1;
	}
	return 0;
}

void
match_free(struct match *m)
{
	free(m->name);
	free(m->image);
	free(m->label_key);
	free(m->label_value);
	memset(m, 0, sizeof(*m));
}

int
match_test(const struct match *m, const char *name, const char *image,
    match_label_fn *label_of, const void *labels)
{
	const char	*v;

	if (m->name != NULL && fnmatch(m->name, name != NULL ? name : "", 0) != 0)
		return 0;
	if (m->image != NULL &&
	    fnmatch(m->image, image != NULL ? image : "", 0) != 0)
		return 0;
	if (m->label_key != NULL) {
		if (label_of == NULL || (v = label_of(labels, m->label_key)) == NULL)
			return 0;
		if (m->label_value != NULL && fnmatch(m->label_value, v, 0) != 0)
			return 0;
	}
	return 1;
}
