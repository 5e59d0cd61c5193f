/*
 * inventory: the container table (see inventory.h for the contract).
 */
#include "docker/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/collector.h"
#include "core/err.h"
#include "core/id.h"
#include "core/log.h"

struct inventory {
	struct inv_container	*table;		/* uthash head, by id */
	inventory_cgroup_fn	*cgroup_of;
	const void		*cgroup_arg;
	char			*globs[INVENTORY_GLOBS_MAX];
	size_t			 nglobs;
	char			*env[INVENTORY_GLOBS_MAX];	/* name prefixes */
	size_t			 nenv;
	unsigned long		 epoch;
	unsigned long		 changes;	/* see inventory_changes() */
	struct {
		inventory_observer	*fn;
		void			*arg;
	}			 obs[INVENTORY_OBSERVERS_MAX];
	size_t			 nobs;
	inventory_health_fn	*health_fn;	/* NULL: Docker's own health */
	void			*health_arg;
	struct inv_str		*strs;		/* uthash by text: shared strings */
};

/*
 * A string many records hold the same (an image and its id, a network
 * mode, a label's key or value): kept once, counted.
 */
struct inv_str {
	unsigned		 refs;
	UT_hash_handle		 hh;
	char			 s[];
};

/* cAdvisor's default: every label (its --store_container_labels). */
static const char *const default_globs[] = { "*" };

/* ---- construction ----------------------------------------------------- */

void
inventory_set_health_fn(struct inventory *inv, inventory_health_fn *fn,
    void *arg)
{
	inv->health_fn = fn;
	inv->health_arg = arg;
}

static void
globs_clear(struct inventory *inv)
{
	while (inv->nglobs > 0)
		free(inv->globs[--inv->nglobs]);
}

static int
globs_set(struct inventory *inv, const char *const *globs, size_t nglobs,
    char *err, size_t errlen)
{
	size_t	 i;

	if (globs == NULL) {
		globs = default_globs;
		nglobs = sizeof(default_globs) / sizeof(default_globs[0]);
	}
	if (nglobs > INVENTORY_GLOBS_MAX) {
		err_set(err, errlen, "too many label patterns (max %d)",
		    INVENTORY_GLOBS_MAX);
		return -1;
	}
	globs_clear(inv);
	for (i = 0; i < nglobs; i++) {
		if ((inv->globs[i] = strdup(globs[i])) == NULL) {
			globs_clear(inv);
			err_set(err, errlen, "out of memory");
			return -1;
		}
		inv->nglobs++;
	}
	return 0;
}

struct inventory *
inventory_new(inventory_cgroup_fn *cgroup_of, const void *arg,
    const char *const *globs, size_t nglobs, char *err, size_t errlen)
{
	struct inventory	*inv;

	if ((inv = calloc(1, sizeof(*inv))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	inv->cgroup_of = cgroup_of;
	inv->cgroup_arg = arg;
	if (globs_set(inv, globs, nglobs, err, errlen) == -1) {
		inventory_free(inv);
		return NULL;
	}
	return inv;
}

/* *field becomes the shared copy of its text (its own copy is freed). */
static void
str_share(struct inventory *inv, char **field)
{
	struct inv_str	*x;
	size_t		 n;

	if (*field == NULL)
		return;
	n = strlen(*field);
	HASH_FIND(hh, inv->strs, *field, n, x);
	if (x == NULL) {
		if ((x = malloc(sizeof(*x) + n + 1)) == NULL)
			return;		/* it keeps its own copy */
		x->refs = 0;
		memcpy(x->s, *field, n + 1);
		HASH_ADD_KEYPTR(hh, inv->strs, x->s, n, x);
	}
	x->refs++;
	free(*field);
	*field = x->s;
}

/*
 * Gives a shared copy back; a string of the record's own (sharing ran out
 * of memory) stays for docker_inspect_free.
 */
static void
str_unshare(struct inventory *inv, char **field)
{
	struct inv_str	*x;

	if (*field == NULL)
		return;
	HASH_FIND(hh, inv->strs, *field, strlen(*field), x);
	if (x == NULL || x->s != *field)
		return;
	*field = NULL;
	if (--x->refs == 0) {
		HASH_DEL(inv->strs, x);
		free(x);
	}
}

static void
record_strings(struct inventory *inv, struct docker_inspect *d, int share)
{
	void	(*fn)(struct inventory *, char **) = share ? str_share :
		    str_unshare;
	size_t	 i;

	fn(inv, &d->image);
	fn(inv, &d->image_id);
	fn(inv, &d->network_mode);
	fn(inv, &d->graph_driver);
	for (i = 0; i < d->nlabels; i++) {
		fn(inv, &d->labels[i].key);
		fn(inv, &d->labels[i].value);
	}
}

static void
record_free(struct inventory *inv, struct inv_container *c)
{
	record_strings(inv, &c->d, 0);
	docker_inspect_free(&c->d);
	free(c->cgroup_id);
	free(c->metric_labels);
	free(c);
}

static void
notify(struct inventory *inv, struct inv_container *c, enum inv_change ch)
{
	size_t	 i;

	for (i = 0; i < inv->nobs; i++)
		inv->obs[i].fn(inv->obs[i].arg, c, ch);
}

static void
record_remove(struct inventory *inv, struct inv_container *c)
{
	inv->changes++;
	notify(inv, c, INV_REMOVED);
	HASH_DEL(inv->table, c);
	record_free(inv, c);
}

void
inventory_free(struct inventory *inv)
{
	struct inv_container	*c, *tmp;

	if (inv == NULL)
		return;
	/* Shutdown: no observer calls, the observers are going away too. */
	HASH_ITER(hh, inv->table, c, tmp) {
		HASH_DEL(inv->table, c);
		record_free(inv, c);
	}
	globs_clear(inv);
	while (inv->nenv > 0)
		free(inv->env[--inv->nenv]);
	free(inv);
}

int
inventory_add_observer(struct inventory *inv, inventory_observer *fn,
    void *arg)
{
	if (inv->nobs == INVENTORY_OBSERVERS_MAX)
		return -1;
	inv->obs[inv->nobs].fn = fn;
	inv->obs[inv->nobs].arg = arg;
	inv->nobs++;
	return 0;
}

/* ---- metric labels ------------------------------------------------------ */

/* ---- records ------------------------------------------------------------ */

int
inventory_is_live(const struct inv_container *c)
{
	return c->d.pid > 0 && (c->d.state == DOCKER_STATE_RUNNING ||
	    c->d.state == DOCKER_STATE_PAUSED);
}

int
inventory_health(const struct inventory *inv, const struct inv_container *c)
{
	if (inv->health_fn != NULL)
		return inv->health_fn(inv->health_arg, c);
	return inventory_health_value(c);
}

int
inventory_health_value(const struct inv_container *c)
{
	if (c->d.health != DOCKER_HEALTH_NONE)
		return docker_health_value(c->d.health);
	/* Configured but no State.Health yet: Docker would say "starting". */
	return c->d.hc.present ? 0 : -1;
}

/* The cgroup is read once per pid: a new pid means a new run. */
static void
refresh_cgroup(struct inventory *inv, struct inv_container *c)
{
	char	 id[INVENTORY_CGROUP_ID_MAX];

	if (!inventory_is_live(c)) {
		free(c->cgroup_id);
		c->cgroup_id = NULL;
		c->cgroup_pid = 0;
		return;
	}
	if (c->cgroup_id != NULL && c->cgroup_pid == c->d.pid)
		return;
	free(c->cgroup_id);
	c->cgroup_id = NULL;
	c->cgroup_pid = c->d.pid;
	if (inv->cgroup_of != NULL &&
	    inv->cgroup_of(inv->cgroup_arg, c->d.pid, id, sizeof(id)) == 0)
		c->cgroup_id = strdup(id);
}

static void
refresh_labels(struct inventory *inv, struct inv_container *c)
{
	struct buf	 b;
	size_t		 cut;

	buf_init(&b);
	cut = inventory_label_text(&c->d, c->cgroup_id,
	    (const char *const *)inv->globs, inv->nglobs, &b);
	/* Once per change, not per inspect; never the values (secrets). */
	if (cut != c->labels_cut && cut > 0)
		log_warn("container labels left out of its metrics",
		    LOG_S("name", c->d.name != NULL ? c->d.name : ""),
		    LOG_U("count", cut));
	c->labels_cut = cut;
	free(c->metric_labels);
	c->metric_labels = NULL;
	/* Its own copy, to size: the buffer grew by doubling, from 256. */
	if (!b.oom)
		c->metric_labels = strdup(b.data != NULL ? b.data : "");
	buf_free(&b);
}

struct inv_container *
inventory_get(struct inventory *inv, const char *id)
{
	struct inv_container	*c = NULL;

	if (!id_valid(id))
		return NULL;
	HASH_FIND(hh, inv->table, id, DOCKER_ID_LEN, c);
	return c;
}

struct inv_container *
inventory_upsert(struct inventory *inv, struct docker_inspect *in)
{
	struct inv_container	*c;
	int			 added = 0;

	if ((c = inventory_get(inv, in->id)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			docker_inspect_free(in);
			return NULL;
		}
		added = 1;
	} else {
		record_strings(inv, &c->d, 0);
		docker_inspect_free(&c->d);
	}
	c->d = *in;
	memset(in, 0, sizeof(*in));
	record_strings(inv, &c->d, 1);
	if (added)
		HASH_ADD(hh, inv->table, d.id, DOCKER_ID_LEN, c);
	c->seen = inv->epoch;
	refresh_cgroup(inv, c);
	refresh_labels(inv, c);
	inv->changes++;
	notify(inv, c, added ? INV_ADDED : INV_UPDATED);
	return c;
}

int
inventory_remove(struct inventory *inv, const char *id)
{
	struct inv_container	*c;

	if ((c = inventory_get(inv, id)) == NULL)
		return -1;
	record_remove(inv, c);
	return 0;
}

/* Which events change what inspect would say. */
static int
event_wants_inspect(enum docker_action a)
{
	switch (a) {
	case DOCKER_ACTION_CREATE:
	case DOCKER_ACTION_START:
	case DOCKER_ACTION_RESTART:
	case DOCKER_ACTION_DIE:
	case DOCKER_ACTION_PAUSE:
	case DOCKER_ACTION_UNPAUSE:
	case DOCKER_ACTION_OOM:
	case DOCKER_ACTION_RENAME:
	case DOCKER_ACTION_HEALTH_STATUS:
	case DOCKER_ACTION_UPDATE:
		return 1;
	default:
		return 0;
	}
}

/* Adjusts a record from an event until the next inspect; 1 if labels changed. */
static int
event_adjust(struct inv_container *c, const struct docker_event *ev)
{
	char	*name;

	switch (ev->action) {
	case DOCKER_ACTION_START:
	case DOCKER_ACTION_RESTART:
		/* A new process: its pid comes with the inspect. */
		c->d.state = DOCKER_STATE_RUNNING;
		c->d.pid = 0;
		return 0;
	case DOCKER_ACTION_UNPAUSE:
		c->d.state = DOCKER_STATE_RUNNING;
		return 0;
	case DOCKER_ACTION_PAUSE:
		c->d.state = DOCKER_STATE_PAUSED;
		return 0;
	case DOCKER_ACTION_DIE:
		c->d.state = DOCKER_STATE_EXITED;
		c->d.pid = 0;
		if (ev->exit_code >= 0)
			c->d.exit_code = ev->exit_code;
		return 0;
	case DOCKER_ACTION_HEALTH_STATUS:
		if (ev->health != DOCKER_HEALTH_NONE)
			c->d.health = ev->health;
		return 0;
	case DOCKER_ACTION_RENAME:
		/* A name that filled the event's buffer may be cut: wait for inspect. */
		if (ev->name[0] == '\0' ||
		    strlen(ev->name) >= sizeof(ev->name) - 1 ||
		    (name = strdup(ev->name)) == NULL)
			return 0;
		free(c->d.name);
		c->d.name = name;
		return 1;
	default:
		return 0;
	}
}

int
inventory_apply_event(struct inventory *inv, const struct docker_event *ev)
{
	struct inv_container	*c;
	char			*old_cgroup;
	enum docker_state	 old_state;
	enum docker_health	 old_health;
	int			 relabel;

	if (!id_valid(ev->id))
		return 0;
	c = inventory_get(inv, ev->id);
	if (ev->action == DOCKER_ACTION_DESTROY) {
		if (c != NULL)
			record_remove(inv, c);
		return INV_EVENT_REMOVED;
	}
	if (c == NULL)
		/* Unknown, whatever the event: we missed it, go and look. */
		return INV_EVENT_INSPECT;
	c->seen = inv->epoch;
	old_cgroup = c->cgroup_id;
	old_state = c->d.state;
	old_health = c->d.health;
	relabel = event_adjust(c, ev);
	if (!inventory_is_live(c) && old_cgroup != NULL) {
		free(c->cgroup_id);
		c->cgroup_id = NULL;
		c->cgroup_pid = 0;
		relabel = 1;
	}
	if (relabel)
		refresh_labels(inv, c);
	/*
	 * What /metrics is made from: the labels, the state (which
	 * containers are collected), Docker's health and the cgroup. exec_*
	 * events, three for each HEALTHCHECK run, change none of them and
	 * keep caches valid.
	 */
	if (relabel || c->d.state != old_state || c->d.health != old_health)
		inv->changes++;
	notify(inv, c, INV_UPDATED);
	return event_wants_inspect(ev->action) ? INV_EVENT_INSPECT : 0;
}

int
inventory_set_label_globs(struct inventory *inv, const char *const *globs,
    size_t nglobs, char *err, size_t errlen)
{
	struct inv_container	*c;

	if (globs_set(inv, globs, nglobs, err, errlen) == -1)
		return -1;
	inv->changes++;
	for (c = inv->table; c != NULL; c = c->hh.next)
		refresh_labels(inv, c);
	return 0;
}

/* ---- lookup and iteration ---------------------------------------------- */

/* A prefix of an id is what, padded with '0' to its length, is an id. */
static int
id_prefix(const char *ref, size_t n)
{
	char	 full[ID_LEN];

	if (n == 0 || n > ID_LEN)
		return 0;
	memset(full, '0', sizeof(full));
	memcpy(full, ref, n);
	return id_hex64(full, ID_LEN);
}

struct inv_container *
inventory_find(struct inventory *inv, const char *ref)
{
	struct inv_container	*c, *tmp, *hit = NULL;
	const char		*name = ref;
	size_t			 n;

	if (ref == NULL || *ref == '\0')
		return NULL;
	if ((c = inventory_get(inv, ref)) != NULL)
		return c;
	if (*name == '/')
		name++;
	HASH_ITER(hh, inv->table, c, tmp)
		if (c->d.name != NULL && strcmp(c->d.name, name) == 0)
			return c;
	if (!id_prefix(ref, (n = strnlen(ref, ID_LEN + 1))))
		return NULL;
	HASH_ITER(hh, inv->table, c, tmp) {
		if (strncmp(c->d.id, ref, n) != 0)
			continue;
		if (hit != NULL)
			return NULL;	/* ambiguous, as Docker says */
		hit = c;
	}
	return hit;
}

struct inv_container *
inventory_first(struct inventory *inv)
{
	return inv->table;
}

struct inv_container *
inventory_next(struct inv_container *c)
{
	return c->hh.next;
}

unsigned long
inventory_changes(const struct inventory *inv)
{
	return inv->changes;
}

size_t
inventory_count(const struct inventory *inv)
{
	return HASH_COUNT(inv->table);
}

void
inventory_get_stats(const struct inventory *inv, struct inventory_stats *st)
{
	struct inv_container	*c;

	memset(st, 0, sizeof(*st));
	for (c = inv->table; c != NULL; c = c->hh.next) {
		if ((unsigned)c->d.state < DOCKER_STATE_COUNT)
			st->by_state[c->d.state]++;
		st->total++;
	}
}

/* ---- reconcile ---------------------------------------------------------- */

unsigned long
inventory_epoch_begin(struct inventory *inv)
{
	return ++inv->epoch;
}

void
inventory_mark(struct inventory *inv, const char *id, unsigned long epoch)
{
	struct inv_container	*c;

	if ((c = inventory_get(inv, id)) != NULL && c->seen < epoch)
		c->seen = epoch;
}

size_t
inventory_sweep(struct inventory *inv, unsigned long epoch)
{
	struct inv_container	*c, *tmp;
	size_t			 n = 0;

	HASH_ITER(hh, inv->table, c, tmp) {
		if (c->seen >= epoch)
			continue;
		record_remove(inv, c);
		n++;
	}
	return n;
}

/* Frees the variables of `d` the current prefixes no longer allow. */
static void
env_narrow(struct inventory *inv, struct docker_inspect *d)
{
	size_t	 i, k = 0;

	for (i = 0; i < d->nenv; i++) {
		if (docker_env_wanted(d->env[i].key, strlen(d->env[i].key),
		    (const char *const *)inv->env, inv->nenv)) {
			d->env[k++] = d->env[i];
			continue;
		}
		free(d->env[i].key);
		free(d->env[i].value);
	}
	d->nenv = k;
}

int
inventory_set_env_allow(struct inventory *inv, const char *const *prefix,
    size_t n, char *err, size_t errlen)
{
	struct inv_container	*c;
	char			*tmp[INVENTORY_GLOBS_MAX];
	size_t			 i;

	if (n > INVENTORY_GLOBS_MAX)
		return err_set(err, errlen, "too many variable prefixes (max %d)",
		    INVENTORY_GLOBS_MAX);
	for (i = 0; i < n; i++)
		if ((tmp[i] = strdup(prefix[i])) == NULL) {
			while (i > 0)
				free(tmp[--i]);
			return err_set(err, errlen, "out of memory");
		}
	while (inv->nenv > 0)
		free(inv->env[--inv->nenv]);
	memcpy(inv->env, tmp, n * sizeof(tmp[0]));
	inv->nenv = n;
	/* A narrower list drops values at once; a wider one waits for inspect. */
	inv->changes++;
	for (c = inv->table; c != NULL; c = c->hh.next) {
		env_narrow(inv, &c->d);
		refresh_labels(inv, c);
	}
	return 0;
}

const char *const *
inventory_env_allow(const struct inventory *inv, size_t *n)
{
	*n = inv->nenv;
	return (const char *const *)inv->env;
}

/* ---- collector targets --------------------------------------------------- */

size_t
inventory_targets(struct inventory *inv, struct cgroup_target *out,
    size_t cap)
{
	struct inv_container	*c;
	size_t			 n = 0;

	for (c = inv->table; c != NULL; c = c->hh.next) {
		if (!inventory_is_live(c) || c->cgroup_id == NULL ||
		    c->metric_labels == NULL)
			continue;
		if (n < cap) {
			out[n].id = c->cgroup_id;
			out[n].labels = c->metric_labels;
			out[n].pid = c->d.pid;
			out[n].start_time = c->d.started_at;
		}
		n++;
	}
	return n;
}
