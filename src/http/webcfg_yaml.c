/* webcfg_yaml: reading libyaml's document tree for webcfg (see webcfg_yaml.h). */
#include "http/webcfg_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

int
ywalk_problem(struct ywalk *w, const char *path, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*path == '\0')
		return err_set(w->err, w->errlen, "%s", msg);
	return err_set(w->err, w->errlen, "%s: %s", path, msg);
}

int
ywalk_is_null(const yaml_node_t *n)
{
	const char	*v;

	if (n == NULL)
		return 1;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

/* A scalar's text, refused when it holds a NUL ("\0" in double quotes). */
static const char *
scalar_text(const yaml_node_t *n)
{
	const char	*v = (const char *)n->data.scalar.value;

	return strlen(v) == n->data.scalar.length ? v : NULL;
}

int
ywalk_mapping(struct ywalk *w, const char *path, yaml_node_t *n,
    int (*fn)(struct ywalk *, struct yentry *, void *), void *arg)
{
	yaml_node_pair_t	*p, *q;
	yaml_node_t		*k;
	struct yentry		 e;

	if (ywalk_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return ywalk_problem(w, path, "must be a mapping, not %s",
		    node_kind(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(w->doc, p->key);
		if (k == NULL || k->type != YAML_SCALAR_NODE ||
		    (e.key = scalar_text(k)) == NULL)
			return ywalk_problem(w, path, "a key is not a string");
		/* exporter-toolkit's strict YAML refuses a repeated key too. */
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yaml_document_get_node(w->doc, q->key);

			if (k2 != NULL && k2->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)k2->data.scalar.value, e.key) == 0)
				return ywalk_problem(w, path, "key \"%.64s\" "
				    "appears twice", e.key);
		}
		if ((size_t)snprintf(e.path, sizeof(e.path), "%s.%s", path,
		    e.key) >= sizeof(e.path))
			return ywalk_problem(w, path, "a key is too long");
		e.value = yaml_document_get_node(w->doc, p->value);
		if (fn(w, &e, arg) == -1)
			return -1;
	}
	return 0;
}

int
ywalk_string(struct ywalk *w, const char *path, const yaml_node_t *n,
    const char **out)
{
	*out = NULL;
	if (ywalk_is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return ywalk_problem(w, path, "must be a string, not %s",
		    node_kind(n));
	if ((*out = scalar_text(n)) == NULL)
		return ywalk_problem(w, path, "holds a NUL character");
	return 0;
}

int
ywalk_bool(struct ywalk *w, const char *path, const yaml_node_t *n, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", "y", "Y", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF", "n", "N", NULL };
	const char	*v;
	size_t		 i;

	if (ywalk_is_null(n))
		return 0;	/* the default stays */
	if (n->type != YAML_SCALAR_NODE || (v = scalar_text(n)) == NULL)
		return ywalk_problem(w, path, "must be true or false");
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return ywalk_problem(w, path, "must be true or false, not \"%.32s\"", v);
}

int
ywalk_strings(struct ywalk *w, const char *path, yaml_node_t *n,
    int (*fn)(struct ywalk *, const char *, const char *, void *), void *arg)
{
	yaml_node_item_t	*it;
	yaml_node_t		*item;
	const char		*s;
	char			 ipath[WEBCFG_PATH_MAX];
	size_t			 i = 0;

	if (ywalk_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return ywalk_problem(w, path, "must be a list, not %s",
		    node_kind(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		item = yaml_document_get_node(w->doc, *it);
		if (ywalk_string(w, ipath, item, &s) == -1)
			return -1;
		if (s == NULL || *s == '\0')
			return ywalk_problem(w, ipath, "is empty");
		if (fn(w, ipath, s, arg) == -1)
			return -1;
	}
	return 0;
}
