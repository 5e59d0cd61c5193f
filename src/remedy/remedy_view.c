/*
 * remedy_view: the remediation JSON of the containers API and of the
 * webhooks' health object, from values the executor hands in.
 */
#include "remedy/remedy_view.h"

#include <stdio.h>

#include "core/json.h"

static void
policy_json(const struct remedy_policy *p, cJSON *o)
{
	cJSON		*arr, *src;
	const char	*sig = remedy_signal_name(p->kill_signal);
	char		 num[16];
	size_t		 i;
	int		 f;

	cJSON_AddStringToObject(o, "restart", remedy_mode_name(p->mode));
	cJSON_AddStringToObject(o, "action", remedy_action_name(p->action));
	cJSON_AddNumberToObject(o, "stop_timeout_seconds", p->stop_timeout);
	snprintf(num, sizeof(num), "%d", p->kill_signal);
	cJSON_AddStringToObject(o, "kill_signal", sig != NULL ? sig : num);
	cJSON_AddNumberToObject(o, "backoff_seconds", p->backoff);
	cJSON_AddNumberToObject(o, "backoff_max_seconds", p->backoff_max);
	cJSON_AddNumberToObject(o, "reset_after_seconds", p->reset_after);
	cJSON_AddNumberToObject(o, "max", p->max);
	cJSON_AddNumberToObject(o, "window_seconds", p->window);
	if ((arr = cJSON_AddArrayToObject(o, "depends_on")) != NULL)
		for (i = 0; i < p->ndepends; i++)
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(p->depends_on[i]));
	if (p->rule >= 0)
		cJSON_AddNumberToObject(o, "rule", p->rule);
	else
		cJSON_AddNullToObject(o, "rule");
	if ((src = cJSON_AddObjectToObject(o, "from")) != NULL)
		for (f = 0; f < RF_COUNT; f++)
			cJSON_AddStringToObject(src,
			    remedy_field_name((enum remedy_field)f),
			    remedy_origin_name(p->origin[f]));
}

static cJSON *
attempts_json(const struct remedy_attempt *hist, unsigned n)
{
	cJSON	*arr, *e;
	unsigned i;

	if ((arr = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct remedy_attempt *a = &hist[i];

		if ((e = cJSON_CreateObject()) == NULL)
			break;
		json_add_time(e, "time", a->at);
		cJSON_AddStringToObject(e, "action", remedy_action_name(a->action));
		cJSON_AddStringToObject(e, "trigger", a->dependent ? "dependency" :
		    "unhealthy");
		cJSON_AddNumberToObject(e, "attempt", a->attempt);
		if (a->pending) {
			cJSON_AddStringToObject(e, "result", "pending");
			cJSON_AddNullToObject(e, "duration_seconds");
		} else {
			cJSON_AddStringToObject(e, "result",
			    remedy_result_name(a->result));
			cJSON_AddNumberToObject(e, "duration_seconds", a->duration);
		}
		if (a->error[0] != '\0')
			cJSON_AddStringToObject(e, "error", a->error);
		else
			cJSON_AddNullToObject(e, "error");
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

const char *
remedy_view_state(const struct remedy_view *v)
{
	if (!v->pol->valid)
		return "invalid";
	if (v->pol->mode != REMEDY_MODE_ON_UNHEALTHY)
		return "off";
	return remedy_phase_name(remedy_phase(v->st));
}

int
remedy_view_enabled(const struct remedy_view *v)
{
	return v->pol->valid && v->pol->mode == REMEDY_MODE_ON_UNHEALTHY &&
	    !v->self;
}

void
remedy_view_json(const struct remedy_view *v, cJSON *o)
{
	const struct remedy_policy	*pol = v->pol;
	cJSON				*p, *b;

	cJSON_AddBoolToObject(o, "enabled", remedy_view_enabled(v));
	cJSON_AddStringToObject(o, "state", remedy_view_state(v));
	if (pol->valid)
		cJSON_AddNullToObject(o, "error");
	else
		cJSON_AddStringToObject(o, "error", pol->error);
	if ((p = cJSON_AddObjectToObject(o, "policy")) != NULL)
		policy_json(pol, p);
	cJSON_AddStringToObject(o, "health", docker_health_name(v->st->health));
	cJSON_AddBoolToObject(o, "self", v->self);
	cJSON_AddBoolToObject(o, "dry_run", v->dry_run);
	cJSON_AddBoolToObject(o, "in_flight",
	    v->st->inflight != REMEDY_INFLIGHT_NONE);
	cJSON_AddNumberToObject(o, "attempts_since_reset", v->st->attempts);
	if ((b = cJSON_AddObjectToObject(o, "budget")) != NULL) {
		cJSON_AddNumberToObject(b, "max", pol->max);
		cJSON_AddNumberToObject(b, "used", v->budget_used);
		cJSON_AddNumberToObject(b, "window_seconds", pol->window);
	}
	json_add_time(o, "next_allowed", v->next_allowed);
	json_add_time(o, "gave_up_at", v->gave_up_at);
	json_add_time(o, "hold_until", v->hold_until);
	if (v->last_decision != NULL)
		cJSON_AddStringToObject(o, "last_decision", v->last_decision);
	else
		cJSON_AddNullToObject(o, "last_decision");
	cJSON_AddItemToObject(o, "attempts", attempts_json(v->attempts,
	    v->nattempts));
}

cJSON *
remedy_view_health(enum docker_health health, int hale_check,
    const struct docker_inspect *d)
{
	cJSON	*h, *arr, *e;
	size_t	 i;
	char	 out[201];

	if ((h = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(h, "status", docker_health_name(health));
	cJSON_AddStringToObject(h, "source", hale_check ? "hale" :
	    d != NULL && d->hc.present ? "docker" : "none");
	if (d == NULL || !d->hc.present)
		return h;
	cJSON_AddNumberToObject(h, "docker_failing_streak", d->failing_streak);
	arr = cJSON_AddArrayToObject(h, "docker_last_results");
	for (i = 0; arr != NULL && i < d->nlog; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddNumberToObject(e, "exit_code", d->log[i].exit_code);
		snprintf(out, sizeof(out), "%s", d->log[i].output != NULL ?
		    d->log[i].output : "");
		cJSON_AddStringToObject(e, "output", out);
		cJSON_AddItemToArray(arr, e);
	}
	return h;
}
