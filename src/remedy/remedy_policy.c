/*
 * remedy_policy: labels + config -> struct remedy_policy. Pure.
 *
 * Labels are hostile input: every value is length-checked and parsed
 * strictly; a value that does not parse disables remediation for that
 * container with a reason naming the label and the value (sanitised so
 * it cannot forge a log field). Nothing falls back to a default
 * silently, and an unknown key in hale's remediation namespaces
 * (hale.restart.*, hale.stop.*, hale.kill.*, hale.action.*) is an error
 * too, so a typo like hale.restart.mx never goes unnoticed.
 *
 * Layers, lowest first; each overrides the fields it sets:
 *	built-in -> remediation.<key> -> first matching remediation.rules[i]
 *	-> autoheal labels -> hale.* labels
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/confjson.h"
#include "core/duration.h"
#include "core/match.h"
#include "remedy/remedy.h"

#define STOP_TIMEOUT_MAX	3600		/* seconds */
#define STOP_TIMEOUT_DEFAULT	10		/* Docker's own default */

static const char *const field_names[RF_COUNT] = {
	"restart", "action", "stop_timeout", "kill_signal", "backoff",
	"backoff_max", "reset_after", "max", "window", "depends_on",
};

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

static const struct {
	const char	*name;
	int		 num;
} signals[] = {
	{ "HUP", 1 }, { "INT", 2 }, { "QUIT", 3 }, { "ILL", 4 }, { "TRAP", 5 },
	{ "ABRT", 6 }, { "BUS", 7 }, { "FPE", 8 }, { "KILL", 9 },
	{ "USR1", 10 }, { "SEGV", 11 }, { "USR2", 12 }, { "PIPE", 13 },
	{ "ALRM", 14 }, { "TERM", 15 }, { "STKFLT", 16 }, { "CHLD", 17 },
	{ "CONT", 18 }, { "STOP", 19 }, { "TSTP", 20 }, { "TTIN", 21 },
	{ "TTOU", 22 }, { "URG", 23 }, { "XCPU", 24 }, { "XFSZ", 25 },
	{ "VTALRM", 26 }, { "PROF", 27 }, { "WINCH", 28 }, { "IO", 29 },
	{ "PWR", 30 }, { "SYS", 31 },
};

const char *
remedy_field_name(enum remedy_field f)
{
	return (unsigned)f < RF_COUNT ? field_names[f] : "?";
}

const char *
remedy_mode_name(enum remedy_mode m)
{
	return m == REMEDY_MODE_ON_UNHEALTHY ? "on-unhealthy" : "never";
}

const char *
remedy_action_name(enum remedy_action a)
{
	switch (a) {
	case REMEDY_ACTION_RESTART:
		return "restart";
	case REMEDY_ACTION_STOP:
		return "stop";
	case REMEDY_ACTION_KILL:
		return "kill";
	case REMEDY_ACTION_NOTIFY:
		return "notify";
	case REMEDY_ACTION_COUNT:
		break;
	}
	return "?";
}

const char *
remedy_origin_name(enum remedy_origin o)
{
	switch (o) {
	case REMEDY_FROM_BUILTIN:
		return "default";
	case REMEDY_FROM_CONFIG:
		return "config";
	case REMEDY_FROM_RULE:
		return "rule";
	case REMEDY_FROM_AUTOHEAL:
		return "autoheal-label";
	case REMEDY_FROM_LABEL:
		return "label";
	}
	return "?";
}

int
remedy_signal_parse(const char *s)
{
	const char	*p = s;
	size_t		 i;
	long		 n = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 12)
		return -1;
	if (*p >= '0' && *p <= '9') {
		for (; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (*p - '0');
		/* No leading zeros, no trailing junk, 1..64 (real-time included). */
		return *p == '\0' && s[0] != '0' && n >= 1 && n <= 64 ? (int)n : -1;
	}
	if (strncasecmp(p, "SIG", 3) == 0)
		p += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(p, signals[i].name) == 0)
			return signals[i].num;
	return -1;
}

const char *
remedy_signal_name(int n)
{
	static const char *const full[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
		"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
		"SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
		"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
		"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM",
		"SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};

	return n >= 1 && n <= 31 ? full[n] : NULL;
}

/* ---- value parsers ------------------------------------------------------ */

/*
 * A hostile value, fit for a message: at most 48 bytes, anything outside
 * printable ASCII (and the quote and backslash) shown as '?'.
 */
static void
sanitize(const char *v, char *dst, size_t dstlen)
{
	size_t	 i, n = strlen(v);

	for (i = 0; i < n && i < 48 && i + 4 < dstlen; i++)
		dst[i] = (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' ||
		    v[i] == '\\') ? '?' : v[i];
	if (i < n && i + 4 < dstlen) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

/* Whole seconds of a duration in [min, max] seconds. */
static int
parse_seconds(const char *v, double min, double max, double *out,
    char *err, size_t errlen)
{
	uint64_t	 ms;
	char		 sv[64], lo[32], hi[32];

	if (duration_parse(v, &ms) == -1) {
		sanitize(v, sv, sizeof(sv));
		snprintf(err, errlen,
		    "\"%s\" is not a duration (like 10s, 5m, 1h30m)", sv);
		return -1;
	}
	if ((double)ms < min * 1000 || (double)ms > max * 1000) {
		sanitize(v, sv, sizeof(sv));
		duration_format((uint64_t)(min * 1000), lo, sizeof(lo));
		duration_format((uint64_t)(max * 1000), hi, sizeof(hi));
		snprintf(err, errlen, "\"%s\" is out of range (%s to %s)", sv,
		    lo, hi);
		return -1;
	}
	*out = (double)ms / 1000.0;
	return 0;
}

/* Plain decimal digits, no sign, no leading zeros; -1 if not. */
static long
parse_digits(const char *v, long max)
{
	long	 n = 0;

	if (*v == '\0' || (v[0] == '0' && v[1] != '\0'))
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (*v - '0');
		if (n > max)
			return -1;
	}
	return n;
}

/* Docker's container name syntax: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
static int
valid_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > REMEDY_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '_' || c == '.' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

static int
parse_depends(struct remedy_policy *p, const char *v, char *err,
    size_t errlen)
{
	const char	*s = v, *comma;
	size_t		 n;
	char		 sv[64];

	p->ndepends = 0;
	for (;;) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n > 0 && *s == '/') {	/* Docker's "/name" spelling */
			s++;
			n--;
		}
		if (!valid_name(s, n)) {
			sanitize(v, sv, sizeof(sv));
			snprintf(err, errlen, "\"%s\" is not a comma-separated "
			    "list of container names", sv);
			return -1;
		}
		if (p->ndepends == REMEDY_DEPENDS_MAX) {
			snprintf(err, errlen, "names at most %d containers",
			    REMEDY_DEPENDS_MAX);
			return -1;
		}
		memcpy(p->depends_on[p->ndepends], s, n);
		p->depends_on[p->ndepends][n] = '\0';
		p->ndepends++;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

static int
parse_stop_timeout(const char *v, int *out, char *err, size_t errlen)
{
	long	 n;
	double	 secs;
	char	 sv[64];

	/* Docker's --stop-timeout and autoheal.stop.timeout are bare seconds. */
	if ((n = parse_digits(v, STOP_TIMEOUT_MAX)) >= 0) {
		*out = (int)n;
		return 0;
	}
	if (*v >= '0' && *v <= '9' && strspn(v, "0123456789") == strlen(v)) {
		snprintf(err, errlen, "\"%.20s\" is out of range (0 to %d seconds)",
		    v, STOP_TIMEOUT_MAX);
		return -1;
	}
	if (parse_seconds(v, 0, STOP_TIMEOUT_MAX, &secs, err, errlen) == -1)
		return -1;
	if (secs != (double)(long)secs) {
		sanitize(v, sv, sizeof(sv));
		snprintf(err, errlen, "\"%s\" is not a whole number of seconds",
		    sv);
		return -1;
	}
	*out = (int)secs;
	return 0;
}

static int
parse_restart(const char *v, enum remedy_origin o, enum remedy_mode *out,
    char *err, size_t errlen)
{
	char	 sv[64];

	if (o == REMEDY_FROM_AUTOHEAL) {
		/* autoheal matches "true" exactly and opts out with "False". */
		if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0) {
			*out = REMEDY_MODE_ON_UNHEALTHY;
			return 0;
		}
		if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0) {
			*out = REMEDY_MODE_NEVER;
			return 0;
		}
		sanitize(v, sv, sizeof(sv));
		snprintf(err, errlen, "\"%s\" is not true or false", sv);
		return -1;
	}
	if (strcmp(v, "on-unhealthy") == 0) {
		*out = REMEDY_MODE_ON_UNHEALTHY;
		return 0;
	}
	if (strcmp(v, "never") == 0) {
		*out = REMEDY_MODE_NEVER;
		return 0;
	}
	sanitize(v, sv, sizeof(sv));
	snprintf(err, errlen, "\"%s\" is not one of on-unhealthy, never", sv);
	return -1;
}

static int
parse_action(const char *v, enum remedy_action *out, char *err,
    size_t errlen)
{
	int	 a;
	char	 sv[64];

	for (a = 0; a < REMEDY_ACTION_COUNT; a++)
		if (strcmp(v, remedy_action_name((enum remedy_action)a)) == 0) {
			*out = (enum remedy_action)a;
			return 0;
		}
	sanitize(v, sv, sizeof(sv));
	snprintf(err, errlen, "\"%s\" is not one of restart, stop, kill, notify",
	    sv);
	return -1;
}

/* Parses `v` for field `f` into `p`. -1 with a message (without the key). */
static int
apply_value(struct remedy_policy *p, enum remedy_field f, enum remedy_origin o,
    const char *v, char *err, size_t errlen)
{
	long	 n;
	int	 sig;
	char	 sv[64];

	if (strlen(v) > (f == RF_DEPENDS_ON ?
	    (size_t)REMEDY_DEPENDS_MAX * (REMEDY_NAME_MAX + 2) :
	    (size_t)REMEDY_VALUE_MAX)) {
		snprintf(err, errlen, "value is too long (%zu bytes)", strlen(v));
		return -1;
	}
	switch (f) {
	case RF_RESTART:
		if (parse_restart(v, o, &p->mode, err, errlen) == -1)
			return -1;
		break;
	case RF_ACTION:
		if (parse_action(v, &p->action, err, errlen) == -1)
			return -1;
		break;
	case RF_STOP_TIMEOUT:
		if (parse_stop_timeout(v, &p->stop_timeout, err, errlen) == -1)
			return -1;
		break;
	case RF_KILL_SIGNAL:
		if ((sig = remedy_signal_parse(v)) == -1) {
			sanitize(v, sv, sizeof(sv));
			snprintf(err, errlen, "\"%s\" is not a signal name "
			    "(SIGKILL, TERM) or number (1-64)", sv);
			return -1;
		}
		p->kill_signal = sig;
		break;
	case RF_BACKOFF:
		if (parse_seconds(v, 1, 86400, &p->backoff, err, errlen) == -1)
			return -1;
		break;
	case RF_BACKOFF_MAX:
		if (parse_seconds(v, 1, 86400, &p->backoff_max, err,
		    errlen) == -1)
			return -1;
		break;
	case RF_RESET_AFTER:
		if (parse_seconds(v, 1, 7 * 86400, &p->reset_after, err,
		    errlen) == -1)
			return -1;
		break;
	case RF_WINDOW:
		if (parse_seconds(v, 1, 30 * 86400, &p->window, err,
		    errlen) == -1)
			return -1;
		break;
	case RF_MAX:
		if ((n = parse_digits(v, REMEDY_BUDGET_MAX)) < 1) {
			sanitize(v, sv, sizeof(sv));
			snprintf(err, errlen, "\"%s\" is not a whole number "
			    "from 1 to %d", sv, REMEDY_BUDGET_MAX);
			return -1;
		}
		p->max = (unsigned)n;
		break;
	case RF_DEPENDS_ON:
		if (parse_depends(p, v, err, errlen) == -1)
			return -1;
		break;
	case RF_COUNT:
		snprintf(err, errlen, "unknown setting");
		return -1;
	}
	p->origin[f] = o;
	return 0;
}

static int
field_by_key(const char *key)
{
	int	 f;

	for (f = 0; f < RF_COUNT; f++)
		if (strcmp(key, field_names[f]) == 0)
			return f;
	return -1;
}

int
remedy_setting_known(const char *key)
{
	return field_by_key(key) >= 0;
}

int
remedy_setting_check(const char *key, const char *value, char *err,
    size_t errlen)
{
	struct remedy_policy	 scratch;
	int			 f;

	if ((f = field_by_key(key)) < 0) {
		snprintf(err, errlen, "unknown key");
		return -1;
	}
	memset(&scratch, 0, sizeof(scratch));
	return apply_value(&scratch, (enum remedy_field)f, REMEDY_FROM_CONFIG,
	    value, err, errlen);
}

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
		if ((f = field_by_key(set[i].key)) < 0) {
			invalidate(p, where, "unknown key");
			return -1;
		}
		if (apply_value(p, (enum remedy_field)f, o, set[i].value, err,
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
	char	 err[REMEDY_ERR_MAX], where[96], sk[64];
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
				sanitize(key, sk, sizeof(sk));
				snprintf(where, sizeof(where), "label %s", sk);
				invalidate(p, where, "unknown label");
				return -1;
			}
			continue;
		}
		snprintf(where, sizeof(where), "label %s", label_map[j].label);
		if (apply_value(p, label_map[j].field, o, val != NULL ? val : "",
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
		    field_names[f]);
		return;
	case REMEDY_FROM_CONFIG:
	case REMEDY_FROM_BUILTIN:
		break;
	}
	snprintf(dst, len, "remediation.%s", field_names[f]);
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
	if (!p.valid) {
		snprintf(err, errlen, "%s", p.error);
		return -1;
	}
	for (i = 0; i < cfg->nrules; i++) {
		build(&p, cfg, (int)i, NULL, NULL, NULL, 0, -1);
		if (!p.valid) {
			snprintf(err, errlen, "%s", p.error);
			return -1;
		}
	}
	return 0;
}

static void
settings_free(struct remedy_setting *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(s[i].key);
		free(s[i].value);
	}
}

void
remedy_config_free(struct remedy_config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	settings_free(cfg->defaults, cfg->ndefaults);
	for (i = 0; i < cfg->nrules; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].image);
		free(cfg->rules[i].label_key);
		free(cfg->rules[i].label_value);
		settings_free(cfg->rules[i].set, cfg->rules[i].nset);
	}
	free(cfg->rules);
	free(cfg);
}

/* ---- the `remediation` section of the config file ------------------------- */


/*
 * One setting from JSON: strings as they are, whole numbers (max,
 * stop_timeout) as their decimal text. Checked, then stored.
 */
static void
json_setting(struct confjson *j, const char *path, const cJSON *v,
    struct remedy_setting *set, size_t *nset)
{
	char	 num[32], err[REMEDY_ERR_MAX], tmp[64];
	char	*key, *val;
	const char *text;

	if (cJSON_IsString(v))
		text = v->valuestring;
	else if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= 1e9 &&
	    v->valuedouble == (double)(long)v->valuedouble) {
		snprintf(num, sizeof(num), "%ld", (long)v->valuedouble);
		text = num;
	} else {
		confjson_show(v, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not a string or a whole number", tmp);
		return;
	}
	if (remedy_setting_check(v->string, text, err, sizeof(err)) == -1) {
		confjson_problem(j, path, "%s", err);
		return;
	}
	if (*nset == REMEDY_SETTINGS_MAX) {
		confjson_problem(j, path, "too many settings");
		return;
	}
	key = strdup(v->string);
	val = strdup(text);
	if (key == NULL || val == NULL) {
		free(key);
		free(val);
		confjson_problem(j, path, "out of memory");
		return;
	}
	set[*nset].key = key;
	set[*nset].value = val;
	(*nset)++;
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

static void
json_rule(struct confjson *j, const char *path, const cJSON *o,
    struct remedy_rule *r)
{
	const cJSON	*v;
	char		 kpath[160], tmp[64];
	int		 matched = 0;

	if (!cJSON_IsObject(o)) {
		confjson_show(o, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not an object", tmp);
		return;
	}
	cJSON_ArrayForEach(v, o) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "match") == 0) {
			json_match(j, kpath, v, r);
			matched = 1;
		} else if (remedy_setting_known(v->string))
			json_setting(j, kpath, v, r->set, &r->nset);
		else
			confjson_problem(j, kpath, "unknown key");
	}
	if (!matched)
		confjson_problem(j, path, "needs a \"match\" object");
}

static void
json_rules(struct confjson *j, const char *path, const cJSON *arr,
    struct remedy_config *cfg)
{
	const cJSON	*e;
	char		 epath[96], tmp[64];
	int		 n = cJSON_GetArraySize(arr);

	if (!cJSON_IsArray(arr)) {
		confjson_show(arr, tmp, sizeof(tmp));
		confjson_problem(j, path, "%s is not an array", tmp);
		return;
	}
	if (n > REMEDY_RULES_MAX) {
		confjson_problem(j, path, "at most %d rules", REMEDY_RULES_MAX);
		return;
	}
	if (n == 0)
		return;
	if ((cfg->rules = calloc((size_t)n, sizeof(*cfg->rules))) == NULL) {
		confjson_problem(j, path, "out of memory");
		return;
	}
	cJSON_ArrayForEach(e, arr) {
		confjson_path(epath, sizeof(epath), "%s[%zu]", path,
		    cfg->nrules);
		json_rule(j, epath, e, &cfg->rules[cfg->nrules++]);
	}
}

int
remedy_config_from_json(const cJSON *obj, const char *path,
    struct remedy_config **out, struct buf *errors)
{
	struct confjson		 j = { errors, 0 };
	struct remedy_config	*cfg;
	const cJSON		*v;
	char			 kpath[160], tmp[64], err[REMEDY_ERR_MAX];

	*out = NULL;
	if (!cJSON_IsObject(obj)) {
		confjson_show(obj, tmp, sizeof(tmp));
		confjson_problem(&j, path, "%s is not an object", tmp);
		return j.n;
	}
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		confjson_problem(&j, path, "out of memory");
		return j.n;
	}
	cJSON_ArrayForEach(v, obj) {
		confjson_path(kpath, sizeof(kpath), "%s.%.40s", path, v->string);
		if (strcmp(v->string, "dry_run") == 0) {
			if (!cJSON_IsBool(v)) {
				confjson_show(v, tmp, sizeof(tmp));
				confjson_problem(&j, kpath, "%s is not true or false", tmp);
			} else
				cfg->dry_run = cJSON_IsTrue(v);
		} else if (strcmp(v->string, "rules") == 0)
			json_rules(&j, kpath, v, cfg);
		else if (remedy_setting_known(v->string))
			json_setting(&j, kpath, v, cfg->defaults,
			    &cfg->ndefaults);
		else
			confjson_problem(&j, kpath, "unknown key");
	}
	/* Its message names the full path already. */
	if (j.n == 0 && remedy_config_check(cfg, err, sizeof(err)) == -1) {
		buf_printf(errors, "%s\n", err);
		j.n++;
	}
	if (j.n > 0 || errors->oom) {
		remedy_config_free(cfg);
		return j.n > 0 ? j.n : 1;
	}
	*out = cfg;
	return 0;
}
