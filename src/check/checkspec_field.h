/*
 * checkspec_field: what the files of the checkspec module share and
 * nothing else includes. The table of fields (checkspec_field.c), each
 * with one parser of its value as text, so a label, a config string and
 * a config number go through the same checks; and the steps the spec is
 * built from, each in the file of its concern:
 *
 *	checkspec_resolve (checkspec.c)
 *	  ├─ checkspec_from_labels (checkspec_label.c)  hale.check* labels
 *	  ├─ checkspec_rules_match (checkspec_rules.c)  the first fitting rule
 *	  └─ merge, defaults, checkspec_cross_check (checkspec.c)
 *	checkspec_rules_from_json (checkspec_rules.c) ─► checkspec_cross_check
 *
 * Parsers write a message without a path; the caller puts
 * "hale.check.port" or "checks[2].port" in front.
 */
#ifndef HALE_CHECKSPEC_FIELD_H
#define HALE_CHECKSPEC_FIELD_H

#include "check/checkspec.h"

#define CHECKSPEC_LABEL_PREFIX	"hale.check"

/* How a value reached its parser: labels are hostile, the config is not. */
struct checkspec_pctx {
	int				 label;
	const struct checkspec_input	*self;	/* a label's own container */
	enum checkspec_reject		 why;	/* set by a parser on failure */
};

/* The config key of a field; its label is hale.check.<name>. */
const char *checkspec_field_name(enum checkspec_field);
/* The field of a config key or label suffix, or -1. */
int	checkspec_field_by_name(const char *);
/*
 * Parses `value` into the field `f` of `s` (not CSF_HEADERS, which only
 * a config rule sets, as an object). -1 with a message.
 */
int	checkspec_field_parse(enum checkspec_field f, struct checkspec *s,
	    const char *value, struct checkspec_pctx *, char *err, size_t errlen);

void	checkspec_free_headers(struct checkspec *);
/*
 * Checks between fields; on failure `where` names the field at fault.
 * With `only_set`, only pairs whose both fields were given (a config
 * rule on its own).
 */
int	checkspec_cross_check(const struct checkspec *, int only_set,
	    char *where, size_t wherelen, char *err, size_t errlen);
/* hale.check* labels into `s`: 1 if there were any, 0 if none, -1 on error. */
int	checkspec_from_labels(struct checkspec *, const struct checkspec_input *,
	    char *err, size_t errlen, enum checkspec_reject *why);
/* The first rule that matches, or NULL. */
const struct checkspec_rule *checkspec_rules_match(
	    const struct checkspec_rules *, const struct checkspec_input *);

#endif
