/*
 * docker_scope: which containers the client watches. Everything, unless
 * docker.label_filter or docker.scope=project narrows it; then the engine
 * filters (docker_filter.h), so the others are never listed, inspected
 * or streamed. For a project scope the label comes from our own
 * container, asked for between version and events:
 *
 *	NEGOTIATING ─► SCOPING: GET /containers/<self>/json
 *	    └─ com.docker.compose.project=P ─► label filter += it ─► SUBSCRIBING
 *	    └─ no such label, or a failure ─► BACKOFF (retried like any other)
 *
 * Once known, the project stays: a container's labels never change.
 */
#include "docker/docker.h"
#include "docker/docker_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "docker/docker_filter.h"

#define BODY_MAX_SELF	(4 * 1024 * 1024)	/* as an inspect */

static int
add_label(struct docker *d, const char *s)
{
	char	**n;

	if ((n = realloc(d->scope_labels, (d->nscope_labels + 1) *
	    sizeof(*n))) == NULL)
		return -1;
	d->scope_labels = n;
	if ((n[d->nscope_labels] = strdup(s)) == NULL)
		return -1;
	d->nscope_labels++;
	return 0;
}

/* The two query strings from the labels; -1 when they do not fit. */
static int
build(struct docker *d, char *err, size_t errlen)
{
	const char *const	*l = (const char *const *)d->scope_labels;
	char			 q[DOCKER_FILTER_MAX];

	if (docker_filter_query(NULL, l, d->nscope_labels, q, sizeof(q)) == -1)
		return err_set(err, errlen, "docker.label_filter: too long");
	snprintf(d->filter_list, sizeof(d->filter_list), "%s%s",
	    q[0] != '\0' ? "&filters=" : "", q);
	if (docker_filter_query("container", l, d->nscope_labels,
	    d->filter_events, sizeof(d->filter_events)) == -1)
		return err_set(err, errlen, "docker.label_filter: too long");
	d->scoped = 1;
	return 0;
}

int
docker_scope_init(struct docker *d, const struct docker_config *cfg,
    char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < cfg->nlabel_filter; i++)
		if (add_label(d, cfg->label_filter[i]) == -1)
			return err_set(err, errlen, "out of memory");
	if (cfg->scope_self != NULL) {
		if (strlen(cfg->scope_self) >= sizeof(d->self_id))
			return err_set(err, errlen, "docker.scope: bad container id");
		strcpy(d->self_id, cfg->scope_self);
		return 0;
	}
	return build(d, err, errlen);
}

void
docker_scope_free(struct docker *d)
{
	while (d->nscope_labels > 0)
		free(d->scope_labels[--d->nscope_labels]);
	free(d->scope_labels);
	d->scope_labels = NULL;
}

int
docker_scope_start(struct docker *d)
{
	struct docker_req	*r;
	char			 path[128];

	snprintf(path, sizeof(path), "/v%d.%d/containers/%s/json",
	    d->api / 100, d->api % 100, d->self_id);
	r = docker_req_new(d, DOCKER_REQ_SELF, path, BODY_MAX_SELF, 0,
	    d->cfg.request_timeout);
	if (r == NULL || docker_req_submit(d, r) == -1)
		return -1;
	d->state = DOCKER_CONN_SCOPING;
	return 0;
}

/* Our own container's compose project, or NULL. */
static const char *
project_of(const struct docker_inspect *in)
{
	size_t	 i;

	for (i = 0; i < in->nlabels; i++)
		if (strcmp(in->labels[i].key, DOCKER_COMPOSE_PROJECT) == 0 &&
		    in->labels[i].value[0] != '\0')
			return in->labels[i].value;
	return NULL;
}

void
docker_scope_done(struct docker *d, struct docker_req *r, CURLcode rc)
{
	struct docker_inspect	 in;
	const char		*key, *project;
	char			 msg[512], label[512];
	long			 status;

	if (docker_req_failure(r, rc, &status, msg, sizeof(msg), &key) != NULL) {
		d->st.request_errors++;
		docker_conn_fail(d, "scope", key, msg);
		return;
	}
	if (docker_parse_inspect(r->body.data, r->body.len, &in, msg,
	    sizeof(msg)) == -1) {
		d->st.request_errors++;
		docker_conn_fail(d, "scope", "bad reply", msg);
		return;
	}
	if ((project = project_of(&in)) == NULL) {
		snprintf(msg, sizeof(msg), "docker.scope is \"project\" but "
		    "haled's container %.12s has no %s label: run it in the "
		    "compose project it should watch, or use docker.label_filter",
		    d->self_id, DOCKER_COMPOSE_PROJECT);
		if (!d->scope_logged)
			log_error("docker.scope: not in a compose project",
			    LOG_S("id", d->self_id), LOG_S("err", msg));
		d->scope_logged = 1;
		docker_inspect_free(&in);
		docker_conn_fail(d, "scope", "no compose project", msg);
		return;
	}
	snprintf(label, sizeof(label), "%s=%s", DOCKER_COMPOSE_PROJECT, project);
	if (add_label(d, label) == -1 || build(d, msg, sizeof(msg)) == -1) {
		docker_inspect_free(&in);
		docker_conn_fail(d, "scope", "filter", msg);
		return;
	}
	log_info("watching one compose project", LOG_S("project", project));
	docker_inspect_free(&in);
	docker_conn_subscribe(d);
}
