/*
 * inventory: the container table, the single source of truth that the
 * metrics, the JSON API, the checks and the remediation read.
 *
 * One record per container, keyed by its 64-hex id (uthash). Records
 * are created and refreshed only from `docker inspect` documents; events
 * adjust them in between (state, health, name) and say when a fresh
 * inspect is due. No I/O: a container's cgroup (the `id` label cAdvisor
 * uses) comes from the resolver the caller gives inventory_new().
 *
 * Reconcile after a (re)connect, mark and sweep:
 *	e = inventory_epoch_begin(inv);		before GET /containers/json
 *	inventory_mark(inv, id, e);		for every listed id
 *	inventory_sweep(inv, e);		drops the rest
 * Records upserted or touched by an event after epoch_begin count as
 * seen, so a container created while the list was in flight survives.
 */
#ifndef HALE_INVENTORY_H
#define HALE_INVENTORY_H

#include <stddef.h>
#include <sys/types.h>

#include <uthash.h>

#include "core/buf.h"
#include "docker/docker_parse.h"
#include "core/metrics.h"

/*
 * Bounds on the container_label_* and container_env_* labels of one
 * container, which every one of its series repeats: a label or variable
 * over one of them is left out (and counted), never cut short.
 */
#define INVENTORY_LABELS_MAX		64		/* labels + variables */
#define INVENTORY_LABEL_KEY_MAX		256		/* key or name, bytes */
#define INVENTORY_METRIC_VALUE_MAX	4096		/* value, bytes */
#define INVENTORY_LABELS_BYTES_MAX	(16 * 1024)	/* all of them, escaped */
#define INVENTORY_GLOBS_MAX		64
#define INVENTORY_OBSERVERS_MAX		8
#define INVENTORY_CGROUP_ID_MAX		4096

struct inv_container {
	struct docker_inspect	 d;		/* what inspect said, adjusted by events */
	char			*cgroup_id;	/* e.g. "/docker/<id>"; NULL if unknown */
	pid_t			 cgroup_pid;	/* the pid cgroup_id was read for */
	/* `id="...",name="...",image="...",container_label_x="..."` */
	char			*metric_labels;
	size_t			 labels_cut;	/* left out by the bounds */
	unsigned long		 seen;		/* reconcile epoch */
	UT_hash_handle		 hh;
};

enum inv_change {
	INV_ADDED,
	INV_UPDATED,
	INV_REMOVED,		/* called before the record is freed */
};

typedef void inventory_observer(void *arg, struct inv_container *,
	    enum inv_change);

/* What an event asks of the caller (bit mask). */
#define INV_EVENT_INSPECT	0x1	/* fetch a fresh inspect for ev->id */
#define INV_EVENT_REMOVED	0x2	/* the record is gone */

struct inventory_stats {
	size_t	 by_state[DOCKER_STATE_COUNT];
	size_t	 total;
};

/*
 * Where a running container's cgroup id (cAdvisor's `id` label) comes
 * from: the caller's resolver, given the pid of the container's main
 * process (the daemon passes cgroup_id_resolve and the procfs root, so
 * the table itself does no I/O). 0 with `out` filled, or -1.
 */
typedef int inventory_cgroup_fn(const void *arg, pid_t pid, char *out,
	    size_t outlen);
/*
 * `cgroup_of` may be NULL (no container gets an id). `globs` are fnmatch(3)
 * patterns of Docker label keys that become container_label_* metric
 * labels: NULL means the default, every label ("*"); an empty list
 * means none. They are copied.
 */
struct inventory *inventory_new(inventory_cgroup_fn *cgroup_of, const void *arg,
	    const char *const *globs, size_t nglobs, char *err, size_t errlen);
void	inventory_free(struct inventory *);
/* New patterns (a reload); every record's label set is rebuilt. */
int	inventory_set_label_globs(struct inventory *, const char *const *globs,
	    size_t nglobs, char *err, size_t errlen);
/*
 * Prefixes of the Config.Env names exported as container_env_<name>
 * (copied; none by default). The Docker client parses inspect documents
 * with the current list, so a wider list shows at each container's next
 * inspect; a narrower one frees the others' values from every record now.
 */
int	inventory_set_env_allow(struct inventory *, const char *const *prefix,
	    size_t n, char *err, size_t errlen);
const char *const *inventory_env_allow(const struct inventory *, size_t *n);

/*
 * The label text of a container's series into `out` (reset first):
 * id, image, name, then container_label_<key> for the labels that match
 * `globs` and container_env_<name> (lowercased) for d->env, names
 * sanitized as cAdvisor does. Returns how many labels and variables were
 * left out: by the parser's caps, the INVENTORY_LABEL* bounds, or a name
 * that sanitizes like an earlier one. out->oom tells if memory ran out.
 */
size_t	inventory_label_text(const struct docker_inspect *,
	    const char *cgroup_id, const char *const *globs, size_t nglobs,
	    struct buf *out);

/*
 * Observers hear of every record added, updated (inspect or event) or
 * removed (before it is freed). They must not change the table. -1
 * when INVENTORY_OBSERVERS_MAX are registered.
 */
int	inventory_add_observer(struct inventory *, inventory_observer *,
	    void *arg);

/*
 * Inserts or refreshes a record from an inspect document, taking over
 * its allocations (`in` is left empty). NULL if memory ran out (`in` is
 * then freed).
 */
struct inv_container *inventory_upsert(struct inventory *,
	    struct docker_inspect *in);
/* Applies an event; returns INV_EVENT_* bits. */
int	inventory_apply_event(struct inventory *, const struct docker_event *);
/* 0 if removed, -1 if unknown. */
int	inventory_remove(struct inventory *, const char *id);

struct inv_container *inventory_get(struct inventory *, const char *id);
/*
 * Docker's lookup order: full id, then name (a leading '/' is allowed),
 * then a unique id prefix. NULL if none or ambiguous.
 */
struct inv_container *inventory_find(struct inventory *, const char *ref);
/* Iteration in insertion order; the table must not change meanwhile. */
struct inv_container *inventory_first(struct inventory *);
struct inv_container *inventory_next(struct inv_container *);
size_t	inventory_count(const struct inventory *);
/*
 * A number that differs whenever a record was added, removed, inspected
 * again, or changed its labels, state, health or cgroup by an event (or
 * the label or variable lists were set): whoever caches something made
 * from the table compares it to know the cache is stale. Events that
 * change none of these (exec_*) leave it as it is.
 */
unsigned long inventory_changes(const struct inventory *);

unsigned long inventory_epoch_begin(struct inventory *);
void	inventory_mark(struct inventory *, const char *id, unsigned long epoch);
/* Removes records not seen since `epoch`; returns how many. */
size_t	inventory_sweep(struct inventory *, unsigned long epoch);

/* 1 if the container has processes, i.e. a cgroup worth reading. */
int	inventory_is_live(const struct inv_container *);
/* cAdvisor's container_health_state: 1 healthy, 0 unhealthy/starting, -1 none. */
int	inventory_health_value(const struct inv_container *);
/*
 * Where container_health_state comes from: hale's own checks combine
 * their state with Docker's. NULL restores Docker's alone.
 */
typedef int inventory_health_fn(void *arg, const struct inv_container *);
void	inventory_set_health_fn(struct inventory *, inventory_health_fn *,
	    void *arg);
/* The value container_health_state shows: the health fn's, else Docker's. */
int	inventory_health(const struct inventory *, const struct inv_container *);
/* Counts by state, for hale_containers. */
void	inventory_get_stats(const struct inventory *, struct inventory_stats *);

/*
 * Fills `out` with up to `cap` resource-collector targets, one per live
 * container whose cgroup id is known (id, labels and pid point into the
 * records: valid until the table changes). Returns how many live
 * containers there are, which may exceed `cap`: grow and call again.
 */
struct cgroup_target;
size_t	inventory_targets(struct inventory *, struct cgroup_target *out,
	    size_t cap);

/* ---- metric families (inventory_metrics.c) ------------------------------ */

/*
 * container_health_state and hale_containers{state}. Callers keep
 * families contiguous, so call this once per scrape.
 */
void	inventory_write_metrics(struct inventory *, struct metrics_writer *);

/* ---- JSON API (inventory_json.c) ---------------------------------------- */

/*
 * A hook may amend each container's object before it is printed: hale's
 * own checks fill its `health` object, remediation adds `remediation`.
 * NULL prints the inventory's view alone.
 */
struct cJSON;
typedef void inventory_json_fn(void *arg, const struct inv_container *,
	    struct cJSON *container);
/*
 * GET /api/v1/containers: a JSON array of container objects, sorted by
 * name, appended to `out`. -1 only if memory ran out.
 */
int	inventory_json_list(struct inventory *, inventory_json_fn *,
	    void *arg, struct buf *out);
/*
 * The same list a piece at a time, for a response sent while it is made:
 * begin takes the ids (NULL if memory ran out); each next appends the
 * next piece ("[" and the first container, ",", a container, ..., "]")
 * and returns 1 while more follow, 0 after the closing "]", -1 if memory
 * ran out. The bytes are inventory_json_list's, but a container removed
 * before its turn is left out and one changed is shown as it is then.
 */
struct inventory_json_cursor;
struct inventory_json_cursor *inventory_json_list_begin(struct inventory *,
	    inventory_json_fn *, void *arg);
int	inventory_json_list_next(struct inventory_json_cursor *, struct buf *);
void	inventory_json_list_end(struct inventory_json_cursor *);
/*
 * GET /api/v1/containers/{id-or-name}: one object (lookup as in
 * inventory_find). 0 found, -1 not found (nothing appended); out->oom
 * is set if memory ran out.
 */
int	inventory_json_one(struct inventory *, const char *id_or_name,
	    inventory_json_fn *, void *arg, struct buf *out);

#endif
