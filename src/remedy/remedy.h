/*
 * remedy: what to do about an unhealthy container, as pure functions.
 *
 * Two halves, both free of I/O, clocks, logging and globals:
 *
 * - the policy (remedy_policy.c, remedy_value.c, remedy_config.c):
 *   container labels + config rules + config defaults -> one validated
 *   struct remedy_policy, or a reason why remediation is disabled for
 *   that container;
 * - the decision (remedy.c): (state, policy, input, now) -> a decision
 *   and the next state. The executor (remedy_exec.c) feeds it Docker
 *   events, health changes, timer ticks and action results, and carries
 *   out what it returns.
 *
 * The rules, in the order remedy_decide() applies them:
 *
 *   never act   policy off or invalid; the container is not running
 *               (created, paused, restarting -- Docker's own restart
 *               policy at work --, removing, exited, dead); it is hale's
 *               own container; an operator is stopping it (a kill/stop
 *               event we did not cause); an action is already in flight.
 *   trigger     the last health observation is `unhealthy`.
 *   gave_up     sticky: nothing until healthy for reset_after, or reset.
 *   backoff     action n+1 waits delay(n) after action n finished:
 *               delay(n) = min(backoff * 2^(n-1), backoff_max); the
 *               first action is immediate. n counts actions since the
 *               last reset (reset_after of continuous health).
 *   budget      at most `max` actions start within any `window` seconds
 *               (a sliding window of start times). An action due with the
 *               budget spent gives up instead.
 *
 * Time is any monotonic clock in seconds; `now` never goes backwards.
 */
#ifndef HALE_REMEDY_H
#define HALE_REMEDY_H

#include <stddef.h>

#include <cJSON.h>

#include "core/buf.h"
#include "docker/docker_parse.h"

#define REMEDY_BUDGET_MAX	64	/* hale.restart.max upper bound */
#define REMEDY_DEPENDS_MAX	8	/* names in hale.depends_on */
#define REMEDY_NAME_MAX		128	/* one container name in hale.depends_on */
#define REMEDY_VALUE_MAX	256	/* any other label or setting value */
#define REMEDY_ERR_MAX		256	/* a reason always fits this */
#define REMEDY_RULES_MAX	64
#define REMEDY_SETTINGS_MAX	16

/* Seconds events are still ours after one of our actions finished. */
#define REMEDY_OWN_GRACE	5.0
/* Retry delay when an action could not even be sent (Docker down). */
#define REMEDY_RETRY_DELAY	5.0
/* How long a reload-style signal (HUP, USR1, USR2) holds remediation off. */
#define REMEDY_HOLD_SIGNAL	30.0
/* Safety expiry of an operator's stop that never ended in die/start. */
#define REMEDY_HOLD_MAX		600.0

enum remedy_mode {
	REMEDY_MODE_NEVER = 0,
	REMEDY_MODE_ON_UNHEALTHY,
};

enum remedy_action {
	REMEDY_ACTION_RESTART = 0,
	REMEDY_ACTION_STOP,
	REMEDY_ACTION_KILL,
	REMEDY_ACTION_NOTIFY,
	REMEDY_ACTION_COUNT
};

/* Where a policy field came from, lowest precedence first. */
enum remedy_origin {
	REMEDY_FROM_BUILTIN = 0,
	REMEDY_FROM_CONFIG,	/* remediation.<key> */
	REMEDY_FROM_RULE,	/* remediation.rules[i] */
	REMEDY_FROM_AUTOHEAL,	/* autoheal, autoheal.stop.timeout labels */
	REMEDY_FROM_LABEL,	/* hale.* labels */
};

/* The settings, as bits of remedy_policy.set and indexes of .origin. */
enum remedy_field {
	RF_RESTART, RF_ACTION, RF_STOP_TIMEOUT, RF_KILL_SIGNAL, RF_BACKOFF,
	RF_BACKOFF_MAX, RF_RESET_AFTER, RF_MAX, RF_WINDOW, RF_DEPENDS_ON,
	RF_COUNT
};

struct remedy_policy {
	int			 valid;		/* 0: disabled, see error */
	char			 error[REMEDY_ERR_MAX];
	enum remedy_mode	 mode;
	enum remedy_action	 action;
	int			 stop_timeout;	/* seconds, resolved */
	int			 kill_signal;	/* 1..64 */
	double			 backoff;	/* seconds */
	double			 backoff_max;
	double			 reset_after;
	double			 window;
	unsigned		 max;
	char			 depends_on[REMEDY_DEPENDS_MAX][REMEDY_NAME_MAX + 1];
	size_t			 ndepends;
	enum remedy_origin	 origin[RF_COUNT];
	int			 rule;		/* rule applied, -1 = none */
};

/* One setting as text: key is the field name ("backoff", "max", ...). */
struct remedy_setting {
	char	*key;
	char	*value;
};

struct remedy_rule {
	char			*name;		/* glob on the container name; NULL = any */
	char			*image;		/* glob on Config.Image */
	char			*label_key;	/* label that must exist */
	char			*label_value;	/* glob on its value; NULL = any */
	struct remedy_setting	 set[REMEDY_SETTINGS_MAX];
	size_t			 nset;
};

/* The `remediation` section of the config file. */
struct remedy_config {
	int			 dry_run;
	struct remedy_setting	 defaults[REMEDY_SETTINGS_MAX];
	size_t			 ndefaults;
	struct remedy_rule	 *rules;
	size_t			 nrules;
};

/* ---- policy (remedy_policy.c, remedy_value.c, remedy_config.c) --------- */

/*
 * The policy of one container. Precedence, highest first: hale.* labels,
 * autoheal labels, the first matching config rule, the config's
 * remediation defaults, built-in defaults. Never fails: an invalid value
 * anywhere leaves out->valid 0 with the reason in out->error (the label
 * or config path, the offending value, what was expected).
 * `stop_timeout` is the container's Config.StopTimeout (-1 = unset).
 * `cfg` may be NULL.
 */
void	remedy_policy_build(struct remedy_policy *out,
	    const struct remedy_config *cfg, const char *name, const char *image,
	    const struct docker_label *labels, size_t nlabels, int stop_timeout);
/* 1 if `key` is a setting name. */
int	remedy_setting_known(const char *key);
/*
 * Cross-field checks of a whole config (defaults alone, then each rule
 * over the defaults): -1 with "remediation.rules[2]: ..." in err.
 */
int	remedy_config_check(const struct remedy_config *, char *err,
	    size_t errlen);
void	remedy_config_free(struct remedy_config *);
/*
 * Parses the `remediation` object of the config file (`path` names it in
 * messages). Every problem is appended to `errors` as
 * "remediation.rules[2].backoff: ...\n"; returns how many there were
 * (0 = *out is valid; free it with remedy_config_free).
 */
int	remedy_config_from_json(const cJSON *, const char *path,
	    struct remedy_config **out, struct buf *errors);
/* Signal name or number ("SIGKILL", "kill", "9") -> number; -1 if unknown. */
int	remedy_signal_parse(const char *);
/* "SIGKILL" for 9; NULL if unnamed. */
const char *remedy_signal_name(int);

const char *remedy_mode_name(enum remedy_mode);
const char *remedy_action_name(enum remedy_action);
const char *remedy_origin_name(enum remedy_origin);
const char *remedy_field_name(enum remedy_field);

/* ---- decision (remedy.c) ----------------------------------------------- */

enum remedy_phase {
	REMEDY_PHASE_OK = 0,		/* no action since the last reset */
	REMEDY_PHASE_BACKOFF,		/* acted; the next action will wait */
	REMEDY_PHASE_GAVE_UP,		/* budget spent: no more actions */
	REMEDY_PHASE_COUNT
};

enum remedy_result {
	REMEDY_RESULT_OK = 0,
	REMEDY_RESULT_FAILED,		/* Docker said no */
	REMEDY_RESULT_TIMEOUT,		/* no answer in stop timeout + margin */
	REMEDY_RESULT_DRY_RUN,		/* simulated */
	REMEDY_RESULT_COUNT
};

enum remedy_inflight {
	REMEDY_INFLIGHT_NONE = 0,
	REMEDY_INFLIGHT_OWN,		/* triggered by this container's health */
	REMEDY_INFLIGHT_DEPENDENT,	/* a restart because its parent restarted */
};

struct remedy_state {
	enum docker_health	 health;	/* last observation */
	double			 healthy_since;	/* 0 = not healthy now */
	unsigned		 attempts;	/* actions since the last reset */
	unsigned		 nwindow;
	double			 last_action;	/* start of the last action */
	double			 last_finish;
	double			 next_allowed;	/* 0 = at once */
	enum remedy_inflight	 inflight;
	enum remedy_action	 inflight_action;
	double			 own_until;	/* events until then are ours */
	double			 hold_until;	/* operator stop: HUGE_VAL = until start */
	double			 defer_until;	/* could not send: not before */
	int			 gave_up;
	double			 gave_up_at;
	/*
	 * Action starts, oldest first; the first nwindow are set. Last, so a
	 * holder may keep the part before it alone while nwindow is 0.
	 */
	double			 window[REMEDY_BUDGET_MAX];
};

enum remedy_input_kind {
	REMEDY_IN_HEALTH = 0,	/* health observed (input.health) */
	REMEDY_IN_TICK,		/* a timer asked for by wake_at fired */
	REMEDY_IN_RESULT,	/* the action in flight finished (input.result) */
	REMEDY_IN_NOT_SENT,	/* the action could not be sent at all */
	REMEDY_IN_STOPPING,	/* kill/stop event (input.signal, -1 unknown) */
	REMEDY_IN_STARTED,	/* start/restart event: a new run */
	REMEDY_IN_RESET,	/* operator reset */
	REMEDY_IN_DEPENDENCY,	/* the container it depends on was restarted */
};

struct remedy_input {
	enum remedy_input_kind	 kind;
	enum docker_health	 health;	/* REMEDY_IN_HEALTH */
	enum remedy_result	 result;	/* REMEDY_IN_RESULT */
	int			 signal;	/* REMEDY_IN_STOPPING */
	/* Facts about the container now. */
	enum docker_state	 state;
	int			 is_self;
	int			 dry_run;
};

enum remedy_verdict {
	REMEDY_NONE = 0,
	REMEDY_ACT,
};

/* Things that happened in this step (bits of remedy_decision.events). */
#define REMEDY_EV_GAVE_UP	0x01	/* just gave up: log, webhook */
#define REMEDY_EV_RECOVERED	0x02	/* left gave_up by staying healthy */
#define REMEDY_EV_BACKOFF_RESET	0x04	/* healthy for reset_after: delays start over */
#define REMEDY_EV_RESET		0x08	/* operator reset applied */
#define REMEDY_EV_HOLD		0x10	/* an operator's stop/kill was noticed */

struct remedy_decision {
	enum remedy_verdict	 verdict;
	enum remedy_action	 action;	/* REMEDY_ACT */
	int			 dry_run;	/* REMEDY_ACT: only pretend */
	int			 dependent;	/* REMEDY_ACT: restart after a parent */
	unsigned		 attempt;	/* REMEDY_ACT: 1-based, since reset */
	double			 wake_at;	/* feed REMEDY_IN_TICK then; 0 = none */
	unsigned		 events;	/* REMEDY_EV_* */
	const char		*reason;	/* static text: why this verdict */
};

void	remedy_state_init(struct remedy_state *);
/*
 * One step. `out` receives the next state and may be the same object as
 * `st`. When the verdict is REMEDY_ACT the action is already counted
 * (attempts, window, in flight): the caller sends it and later feeds
 * REMEDY_IN_RESULT, or REMEDY_IN_NOT_SENT to take it back.
 */
struct remedy_decision remedy_decide(const struct remedy_state *st,
	    const struct remedy_policy *, const struct remedy_input *,
	    double now, struct remedy_state *out);

/* delay(n) of the backoff after the n-th action (n >= 1). */
double	remedy_delay(const struct remedy_policy *, unsigned n);
enum remedy_phase remedy_phase(const struct remedy_state *);
/* Actions started within the window ending at `now`. */
unsigned remedy_window_used(const struct remedy_state *,
	    const struct remedy_policy *, double now);
/*
 * When the next action may start, for the API: 0 if at once, -1 if
 * never (gave up) or not known yet (in flight).
 */
double	remedy_next_allowed(const struct remedy_state *, double now);

const char *remedy_phase_name(enum remedy_phase);
const char *remedy_result_name(enum remedy_result);

/* ---- dependents (remedy.c) --------------------------------------------- */

/*
 * 1 if a container whose HostConfig.NetworkMode is `network_mode` and
 * whose policy is `dep` must be restarted after the container
 * (parent_id, parent_name) was: it shares the parent's network namespace
 * ("container:<id, unique id prefix of 12+ or name>"), or its
 * hale.depends_on names the parent.
 */
int	remedy_is_dependent(const char *network_mode,
	    const struct remedy_policy *dep, const char *parent_id,
	    const char *parent_name);

#endif
