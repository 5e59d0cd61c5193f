/*
 * webcfg_yaml: the few shapes webcfg reads out of a libyaml document
 * (a mapping walked key by key, a string, a boolean, a list of strings),
 * each reporting its problem with the field's dotted path. Internal to
 * webcfg.
 */
#ifndef HALE_WEBCFG_YAML_H
#define HALE_WEBCFG_YAML_H

#include <stddef.h>
#include <yaml.h>

#define WEBCFG_PATH_MAX	256

struct ywalk {
	yaml_document_t	*doc;
	char		*err;
	size_t		 errlen;
};

/* One entry of a mapping: its key and its field path. */
struct yentry {
	const char	*key;
	yaml_node_t	*value;
	char		 path[WEBCFG_PATH_MAX];
};

/* The problem at `path` into the walk's err; returns -1. */
int	ywalk_problem(struct ywalk *, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* 1 for an empty value ("key:" alone, ~, null). */
int	ywalk_is_null(const yaml_node_t *);
/*
 * Calls fn for each entry of a mapping (a null value is an empty one);
 * -1 when it is not a mapping, a key is not a string, a key repeats, or
 * fn says -1.
 */
int	ywalk_mapping(struct ywalk *, const char *path, yaml_node_t *,
	    int (*fn)(struct ywalk *, struct yentry *, void *), void *arg);
/* A string scalar (NULL for a null value); -1 for another shape or a NUL. */
int	ywalk_string(struct ywalk *, const char *path, const yaml_node_t *,
	    const char **out);
/* YAML 1.1's booleans (true/false, yes/no, on/off). */
int	ywalk_bool(struct ywalk *, const char *path, const yaml_node_t *,
	    int *out);
/* Calls fn for each string of a sequence, with the item's path. */
int	ywalk_strings(struct ywalk *, const char *path, yaml_node_t *,
	    int (*fn)(struct ywalk *, const char *path, const char *, void *),
	    void *arg);

#endif
