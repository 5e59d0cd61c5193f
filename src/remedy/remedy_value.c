/*
 * remedy_value: one remediation setting's value, from a label or the
 * config file: the names of modes, actions, origins, fields and signals,
 * and the strict parsers behind them. Pure.
 *
 * Labels are hostile input: every value is length-checked and parsed
 * strictly; a value that does not parse is an error naming the value
 * (sanitised so it cannot forge a log field). Nothing falls back to a
 * default silently.
 */
#include "remedy/remedy_policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/duration.h"
#include "core/err.h"
#include "core/quote.h"

static const char *const field_names[RF_COUNT] = {
	"restart", "action", "stop_timeout", "kill_signal", "backoff",
	"backoff_max", "reset_after", "max", "window", "depends_on",
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

/* Whole seconds of a duration in [min, max] seconds. */
static int
parse_seconds(const char *v, double min, double max, double *out,
    char *err, size_t errlen)
{
	uint64_t	 ms;
	char		 sv[QUOTE_MAX], lo[32], hi[32];

	if (duration_parse(v, &ms) == -1) {
		quote_value(v, sv, sizeof(sv));
		return err_set(err, errlen,
		    "%s is not a duration (like 10s, 5m, 1h30m)", sv);
	}
	if ((double)ms < min * 1000 || (double)ms > max * 1000) {
		quote_value(v, sv, sizeof(sv));
		duration_format((uint64_t)(min * 1000), lo, sizeof(lo));
		duration_format((uint64_t)(max * 1000), hi, sizeof(hi));
		return err_set(err, errlen, "%s is out of range (%s to %s)", sv,
		    lo, hi);
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
	char		 sv[QUOTE_MAX];

	p->ndepends = 0;
	for (;;) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n > 0 && *s == '/') {	/* Docker's "/name" spelling */
			s++;
			n--;
		}
		if (!valid_name(s, n)) {
			quote_value(v, sv, sizeof(sv));
			return err_set(err, errlen, "%s is not a comma-separated "
			    "list of container names", sv);
		}
		if (p->ndepends == REMEDY_DEPENDS_MAX)
			return err_set(err, errlen, "names at most %d containers",
			    REMEDY_DEPENDS_MAX);
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
	char	 sv[QUOTE_MAX];

	/* Docker's --stop-timeout and autoheal.stop.timeout are bare seconds. */
	if ((n = parse_digits(v, STOP_TIMEOUT_MAX)) >= 0) {
		*out = (int)n;
		return 0;
	}
	if (*v >= '0' && *v <= '9' && strspn(v, "0123456789") == strlen(v)) {
		quote_value(v, sv, sizeof(sv));
		return err_set(err, errlen, "%s is out of range (0 to %d seconds)",
		    sv, STOP_TIMEOUT_MAX);
	}
	if (parse_seconds(v, 0, STOP_TIMEOUT_MAX, &secs, err, errlen) == -1)
		return -1;
	if (secs != (double)(long)secs) {
		quote_value(v, sv, sizeof(sv));
		return err_set(err, errlen, "%s is not a whole number of seconds",
		    sv);
	}
	*out = (int)secs;
	return 0;
}

static int
parse_restart(const char *v, enum remedy_origin o, enum remedy_mode *out,
    char *err, size_t errlen)
{
	char	 sv[QUOTE_MAX];

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
		quote_value(v, sv, sizeof(sv));
		return err_set(err, errlen, "%s is not true or false", sv);
	}
	if (strcmp(v, "on-unhealthy") == 0) {
		*out = REMEDY_MODE_ON_UNHEALTHY;
		return 0;
	}
	if (strcmp(v, "never") == 0) {
		*out = REMEDY_MODE_NEVER;
		return 0;
	}
	quote_value(v, sv, sizeof(sv));
	return err_set(err, errlen, "%s is not one of on-unhealthy, never", sv);
}

static int
parse_action(const char *v, enum remedy_action *out, char *err,
    size_t errlen)
{
	int	 a;
	char	 sv[QUOTE_MAX];

	for (a = 0; a < REMEDY_ACTION_COUNT; a++)
		if (strcmp(v, remedy_action_name((enum remedy_action)a)) == 0) {
			*out = (enum remedy_action)a;
			return 0;
		}
	quote_value(v, sv, sizeof(sv));
	return err_set(err, errlen, "%s is not one of restart, stop, kill, notify",
	    sv);
}


/* Parses `v` for field `f` into `p`. -1 with a message (without the key). */
int
remedy_value_apply(struct remedy_policy *p, enum remedy_field f, enum remedy_origin o,
    const char *v, char *err, size_t errlen)
{
	long	 n;
	int	 sig;
	char	 sv[QUOTE_MAX];

	if (strlen(v) > (f == RF_DEPENDS_ON ?
	    (size_t)REMEDY_DEPENDS_MAX * (REMEDY_NAME_MAX + 2) :
	    (size_t)REMEDY_VALUE_MAX))
		return err_set(err, errlen, "value is too long (%zu bytes)", strlen(v));
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
			quote_value(v, sv, sizeof(sv));
			return err_set(err, errlen, "%s is not a signal name "
			    "(SIGKILL, TERM) or number (1-64)", sv);
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
			quote_value(v, sv, sizeof(sv));
			return err_set(err, errlen, "%s is not a whole number "
			    "from 1 to %d", sv, REMEDY_BUDGET_MAX);
		}
		p->max = (unsigned)n;
		break;
	case RF_DEPENDS_ON:
		if (parse_depends(p, v, err, errlen) == -1)
			return -1;
		break;
	case RF_COUNT:
		return err_set(err, errlen, "unknown setting");
	}
	p->origin[f] = o;
	return 0;
}

int
remedy_field_by_key(const char *key)
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
	return remedy_field_by_key(key) >= 0;
}

/* Checks one setting's value ("backoff" = "10s"); -1 with a message. */
static int
setting_check(const char *key, const char *value, char *err,
    size_t errlen)
{
	struct remedy_policy	 scratch;
	int			 f;

	if ((f = remedy_field_by_key(key)) < 0)
		return err_set(err, errlen, "unknown key");
	memset(&scratch, 0, sizeof(scratch));
	return remedy_value_apply(&scratch, (enum remedy_field)f, REMEDY_FROM_CONFIG,
	    value, err, errlen);
}

/*
 * One setting from JSON: strings as they are, whole numbers (max,
 * stop_timeout) as their decimal text. Checked, then stored.
 */
void
remedy_setting_from_json(struct confjson *j, const char *path, const cJSON *v,
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
	if (setting_check(v->string, text, err, sizeof(err)) == -1) {
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

void
remedy_settings_free(struct remedy_setting *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(s[i].key);
		free(s[i].value);
	}
}
