/*
 * match: the one rule matcher. `checks[].match` and
 * `remediation.rules[].match` are both parsed and tested here, so they
 * share one syntax and one meaning. Pure: JSON in, a struct out; a
 * container's name, image and labels in, yes or no out.
 *
 * A match is a JSON object with any of these keys:
 *	"name":  a glob on the container's name
 *	"image": a glob on its image as created (Config.Image)
 *	"label": "key" (the label exists, whatever its value) or
 *	         "key=glob" (it exists and its value fits the glob); the
 *	         key is compared exactly, a label without value counts as ""
 * Every key given must fit; an empty object matches every container.
 * Globs are fnmatch(3) patterns without flags (* ? [...] and \ escapes;
 * "*" matches "/" too). Each value, the whole "key=glob" of a label
 * included, is a string of 1 to MATCH_PATTERN_MAX bytes.
 */
#ifndef HALE_MATCH_H
#define HALE_MATCH_H

#include <cJSON.h>

#include "core/confjson.h"

#define MATCH_PATTERN_MAX	255

/* NULL fields are not tested: all NULL (a zeroed struct) matches all. */
struct match {
	char	*name;		/* glob on the container name */
	char	*image;		/* glob on its image */
	char	*label_key;	/* label that must exist */
	char	*label_value;	/* glob on its value; NULL = any value */
};

/*
 * The value of the container's label `key` ("" for a label without a
 * value), or NULL if it has none. `labels` is what the caller passed.
 */
typedef const char *match_label_fn(const void *labels, const char *key);

/*
 * Parses the match object `v` found at `path` ("checks[2].match") into
 * *m. Returns 0, or -1 with every problem reported through `j` under
 * its JSON path, and *m then empty.
 */
int	match_from_json(struct match *m, const cJSON *v, const char *path,
	    struct confjson *j);
void	match_free(struct match *);
/* 1 if the container fits. NULL name or image count as "". */
int	match_test(const struct match *, const char *name, const char *image,
	    match_label_fn *label, const void *labels);

#endif
