/*
 * remedy_policy: labels + config -> struct remedy_policy. Pure.
 *
 * Layers, lowest first; each overrides the fields it sets:
 *	built-in -> remediation.<key> -> first matching remediation.rules[i]
 *	-> autoheal labels -> hale.* labels
 *
 * A value that does not parse (remedy_value.c) disables remediation for
 * that container with a reason naming the label or config path. An
 * unknown key in hale's remediation namespaces (hale.restart.*,
 * hale.stop.*, hale.kill.*, hale.action.*) is an error too, so a typo
 * like hale.restart.mx never goes unnoticed.
 *
 * A config rule lives here as well: its "match" (which containers it
 * applies to, parsed from JSON and tested here) and what it sets.
 */
#include "remedy/remedy_policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/err.h"
#include "core/match.h"
#include "core/quote.h"

static const struct {
	const char		*label;
	enum remedy_field	 field;
	enum remedy_origin	 origin;
} label_map[] = {
	{ "hale.restart", RF_RESTART, REMEDY_FROM_LABEL },
	{ "hale.action", RF_ACTION, REMEDY_FROM_LABEL },
	{ "hale.stop.timeout", RF_STOP_TIMEOUT, REMEDY_FROM_LABEL },
	{ "hale.kill.signal", RF_KILL_SIGNAL, REMEDY_FROM_LABEL },
	{ "hale.restart.backoff", RF_BACKOFF, REMEDY_FROM_LABEL },
	{ "hale.restart.backoff_max", RF_BACKOFF_MAX, REMEDY_FROM_LABEL },
	{ "hale.restart.reset_after", RF_RESET_AFTER, REMEDY_FROM_LABEL },
	{ "hale.restart.max", RF_MAX, REMEDY_FROM_LABEL },
	{ "hale.restart.window", RF_WINDOW, REMEDY_FROM_LABEL },
	{ "hale.depends_on", RF_DEPENDS_ON, REMEDY_FROM_LABEL },
	{ "autoheal", RF_RESTART, REMEDY_FROM_AUTOHEAL },
	{ "autoheal.stop.timeout", RF_STOP_TIMEOUT, REMEDY_FROM_AUTOHEAL },
};

/* Namespaces where any key not in label_map is a mistake. */
static const char *const owned_prefixes[] = {
	"hale.restart.", "hale.stop.", "hale.kill.", "hale.action.",
	"hale.depends_on.",
};

/* ---- building a policy --------------------------------------------------- */

static void
set_builtin(struct remedy_policy *p)
{
	int	 f;

	memset(p, 0, sizeof(*p));
	p->valid = 1;
	p->mode = REMEDY_MODE_NEVER;
	p->action = REMEDY_ACTION_RESTART;
	p->stop_timeout = -1;		/* resolved at the end */
	p->kill_signal = 9;
	p->backoff = 10;
	p->backoff_max = 300;
	p->reset_after = 600;
	p->max = 5;
	p->window = 3600;
	p->rule = -1;
	for (f = 0; f < RF_COUNT; f++)
		p->origin[f] = REMEDY_FROM_BUILTIN;
}

static void
invalidate(struct remedy_policy *p, const char *where, const char *err)
{
	p->valid = 0;
	p->mode = REMEDY_MODE_NEVER;
	/* A cut message is still a message: the API and the log cap it anyway. */
	if (snprintf(p->error, sizeof(p->error), "%s: %s", where, err) < 0)
		p->error[0] = '\0';
}

/* Applies a list of settings; 0, or -1 after invalidating `p`. */
static int
apply_settings(struct remedy_policy *p, const struct remedy_setting *set,
    size_t n, enum remedy_origin o, const char *prefix)
{
	char	 err[REMEDY_ERR_MAX], where[96];
	size_t	 i;
	int	 f;

	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%s.%.40s", prefix, set[i].key);
		if ((f = remedy_field_by_key(set[i].key)) < 0) {
			invalidate(p, where, "unknown key");
			return -1;
		}
		if (remedy_value_apply(p, (enum remedy_field)f, o, set[i].value, err,
		    sizeof(err)) == -1) {
			invalidate(p, where, err);
			return -1;
		}
	}
	return 0;
}

/* The labels of the container under test, for match_test. */
struct label_set {
	const struct docker_label	*v;
	size_t				 n;
};

static const char *
find_label(const void *arg, const char *key)
{
	const struct label_set	*ls = arg;
	size_t			 i;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].key != NULL && strcmp(ls->v[i].key, key) == 0)
			return ls->v[i].value != NULL ? ls->v[i].value : "";
	return NULL;
}

static int
rule_matches(const struct remedy_rule *r, const char *name,
    const char *image, const struct docker_label *labels, size_t nlabels)
{
	const struct match	 m = { r->name, r->image, r->label_key,
	    r->label_value };
	const struct label_set	 ls = { labels, nlabels };

	return match_test(&m, name, image, find_label, &ls);
}

static int
owned_key(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(owned_prefixes) / sizeof(owned_prefixes[0]); i++)
		if (strncmp(key, owned_prefixes[i], strlen(owned_prefixes[i])) == 0)
			return 1;
	return 0;
}

/* One pass over the labels for one origin (autoheal first, then hale.*). */
static int
apply_labels(struct remedy_policy *p, const struct docker_label *labels,
    size_t nlabels, enum remedy_origin o)
{
	char	 err[REMEDY_ERR_MAX], where[96], sk[QUOTE_MAX];
	size_t	 i, j;

	for (i = 0; i < nlabels; i++) {
		const char *key = labels[i].key, *val = labels[i].value;

		if (key == NULL)
			continue;
		for (j = 0; j < sizeof(label_map) / sizeof(label_map[0]); j++)
			if (label_map[j].origin == o &&
			    strcmp(key, label_map[j].label) == 0)
				break;
		if (j == sizeof(label_map) / sizeof(label_map[0])) {
			if (o == REMEDY_FROM_LABEL && owned_key(key)) {
				/* Bare, as every other label name is shown. */
				quote_value(key, sk, sizeof(sk));
				snprintf(where, sizeof(where), "label %.*s",
				    (int)strlen(sk) - 2, sk + 1);
				invalidate(p, where, "unknown label");
				return -1;
			}
			continue;
		}
		snprintf(where, sizeof(where), "label %s", label_map[j].label);
		if (remedy_value_apply(p, label_map[j].field, o, val != NULL ? val : "",
		    err, sizeof(err)) == -1) {
			invalidate(p, where, err);
			return -1;
		}
	}
	return 0;
}

static void
fmt_secs(double s, char *dst, size_t len)
{
	duration_format((uint64_t)(s * 1000), dst, len);
}

/* Where field `f` of `p` was set, for a message. */
static void
field_where(const struct remedy_policy *p, enum remedy_field f, char *dst,
    size_t len)
{
	size_t	 j;

	switch (p->origin[f]) {
	case REMEDY_FROM_LABEL:
	case REMEDY_FROM_AUTOHEAL:
		for (j = 0; j < sizeof(label_map) / sizeof(label_map[0]); j++)
			if (label_map[j].field == f &&
			    label_map[j].origin == p->origin[f]) {
				snprintf(dst, len, "label %s", label_map[j].label);
				return;
			}
		break;
	case REMEDY_FROM_RULE:
		snprintf(dst, len, "remediation.rules[%d].%s", p->rule,
		    remedy_field_name(f));
		return;
	case REMEDY_FROM_CONFIG:
	case REMEDY_FROM_BUILTIN:
		break;
	}
	snprintf(dst, len, "remediation.%s", remedy_field_name(f));
}

/* Checks across fields, and the stop timeout's fallbacks. */
static void
finish(struct remedy_policy *p, int container_stop_timeout)
{
	char	 a[32], b[32], msg[128], where[96];

	if (p->backoff_max < p->backoff) {
		if (p->origin[RF_BACKOFF_MAX] == REMEDY_FROM_BUILTIN)
			p->backoff_max = p->backoff;	/* only the default was lower */
		else {
			fmt_secs(p->backoff_max, a, sizeof(a));
			fmt_secs(p->backoff, b, sizeof(b));
			snprintf(msg, sizeof(msg),
			    "%s is less than the backoff (%s)", a, b);
			field_where(p, RF_BACKOFF_MAX, where, sizeof(where));
			invalidate(p, where, msg);
			return;
		}
	}
	if (p->origin[RF_STOP_TIMEOUT] == REMEDY_FROM_BUILTIN)
		p->stop_timeout = container_stop_timeout >= 0 &&
		    container_stop_timeout <= STOP_TIMEOUT_MAX ?
		    container_stop_timeout : STOP_TIMEOUT_DEFAULT;
}

/* `force_rule` >= 0 applies that rule whatever it matches (config checks). */
static void
build(struct remedy_policy *out, const struct remedy_config *cfg,
    int force_rule, const char *name, const char *image,
    const struct docker_label *labels, size_t nlabels, int stop_timeout)
{
	char	 prefix[48];
	size_t	 i;

	set_builtin(out);
	if (cfg != NULL) {
		if (apply_settings(out, cfg->defaults, cfg->ndefaults,
		    REMEDY_FROM_CONFIG, "remediation") == -1)
			return;
		for (i = 0; i < cfg->nrules; i++) {
			if (force_rule >= 0 ? i != (size_t)force_rule :
			    !rule_matches(&cfg->rules[i], name, image, labels,
			    nlabels))
				continue;
			out->rule = (int)i;
			snprintf(prefix, sizeof(prefix), "remediation.rules[%zu]", i);
			if (apply_settings(out, cfg->rules[i].set,
			    cfg->rules[i].nset, REMEDY_FROM_RULE, prefix) == -1)
				return;
			break;		/* the first match wins, as for checks */
		}
	}
	if (apply_labels(out, labels, nlabels, REMEDY_FROM_AUTOHEAL) == -1 ||
	    apply_labels(out, labels, nlabels, REMEDY_FROM_LABEL) == -1)
		return;
	finish(out, stop_timeout);
}

void
remedy_policy_build(struct remedy_policy *out, const struct remedy_config *cfg,
    const char *name, const char *image, const struct docker_label *labels,
    size_t nlabels, int stop_timeout)
{
	build(out, cfg, -1, name, image, labels, nlabels, stop_timeout);
}

int
remedy_config_check(const struct remedy_config *cfg, char *err, size_t errlen)
{
	struct remedy_policy	 p;
	size_t			 i;

	build(&p, cfg, -1, NULL, NULL, NULL, 0, -1);
	if (!p.valid)
		return err_set(err, errlen, "%s", p.error);
	for (i = 0; i < cfg->nrules; i++) {
		build(&p, cfg, (int)i, NULL, NULL, NULL, 0, -1);
		if (!p.valid)
			return err_set(err, errlen, "%s", p.error);
	}
	return 0;
}

/* "match": the rule matcher of checks too (core/match.h). */
static void
json_match(struct confjson *j, const char *path, const cJSON *m,
    struct remedy_rule *r)
{
	struct match	 mt;

	if (match_from_json(&mt, m, path, j) == -1)
		return;
	free(r->name);
	free(r->image);
	free(r->label_key);
	free(r->label_value);
	r->name = mt.name;
	r->image = mt.image;
	r->label_key = mt.label_key;
	r->label_value = mt.label_value;
}

void
remedy_rule_from_json(struct confjson *j, const char *path, const cJSON *o,
    struct remedy_rule *r)
{
	const cJSON	*v;
	char		 kpath[160];
	int		 matched = 0;

	if (confjson_want_object(j, path, o) == -1)
		return;
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "match") == 0) {
			json_match(j, kpath, v, r);
			matched = 1;
		} else if (remedy_setting_known(v->string))
			remedy_setting_from_json(j, kpath, v, r->set, &r->nset);
		else
			confjson_problem(j, kpath, "unknown key");
	}
	if (!matched)
		confjson_problem(j, path, "needs a \"match\" object");
}

void
remedy_rule_free(struct remedy_rule *r)
{
	free(r->name);
	free(r->image);
	free(r->label_key);
	free(r->label_value);
	remedy_settings_free(r->set, r->nset);
}
