#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cgroup/collector.h"
#include "cgroup/procpid.h"
#include "docker/inventory.h"

#define WEB	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"
#define PLAIN	"e6c66d8056e671e779e62cd971b1848d719020ec90caf4b9ffed2fdc681587a3"
#define ID_A	"bcf61a66125a15f80697637864d660ceec75293e58df1ce6f3bf97f33bbbe683"
/* Shares its first 12 digits with ID_A. */
#define ID_A2	"bcf61a66125a0000000000000000000000000000000000000000000000000000"
#define PROCFS	FIXTURES "/docker/proc"

static char *
slurp(const char *name, size_t *len)
{
	char	 path[1024], *p;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/docker/%s", FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static struct inv_container *
upsert_fixture(struct inventory *inv, const char *name)
{
	struct docker_inspect	 in;
	struct inv_container	*c;
	size_t			 len;
	char			*text, err[128];

	text = slurp(name, &len);
	assert_int_equal(docker_parse_inspect(text, len, &in, err,
	    sizeof(err)), 0);
	free(text);
	c = inventory_upsert(inv, &in);
	assert_non_null(c);
	assert_null(in.name);	/* taken over */
	return c;
}

/* A minimal inspect document; `labels` is the inside of Config.Labels. */
static struct inv_container *
upsert_doc(struct inventory *inv, const char *id, const char *name,
    const char *state, int pid, const char *labels)
{
	struct docker_inspect	 in;
	char			 json[8192], err[128];
	int			 n;

	n = snprintf(json, sizeof(json), "{\"Id\":\"%s\",\"Name\":\"/%s\","
	    "\"State\":{\"Status\":\"%s\",\"Pid\":%d,\"StartedAt\":"
	    "\"2024-02-29T12:00:00Z\"},\"Config\":{\"Image\":\"img:1\","
	    "\"Labels\":{%s}},\"HostConfig\":{\"NetworkMode\":\"none\"}}",
	    id, name, state, pid, labels);
	assert_true(n > 0 && (size_t)n < sizeof(json));
	assert_int_equal(docker_parse_inspect(json, (size_t)n, &in, err,
	    sizeof(err)), 0);
	return inventory_upsert(inv, &in);
}

static struct docker_event
mkev(enum docker_action a, const char *id)
{
	struct docker_event	 e;

	memset(&e, 0, sizeof(e));
	e.action = a;
	snprintf(e.id, sizeof(e.id), "%s", id);
	e.exit_code = e.signal = -1;
	return e;
}

static struct inventory *
new_inv(const char *const *globs, size_t n)
{
	struct inventory	*inv;
	char			 err[128];

	inv = inventory_new(cgroup_id_resolve, PROCFS, globs, n, err, sizeof(err));
	assert_non_null(inv);
	return inv;
}

/* ---- upsert, labels -------------------------------------------------------- */

static void
test_upsert_fixture(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*c;

	(void)state;
	c = upsert_fixture(inv, "inspect_web.json");
	assert_int_equal(inventory_count(inv), 1);
	assert_ptr_equal(inventory_get(inv, WEB), c);
	assert_string_equal(c->d.name, "web");
	assert_int_equal(c->d.pid, 7348);
	assert_true(inventory_is_live(c));
	assert_string_equal(c->cgroup_id, "/hale-test/" WEB);
	assert_string_equal(c->metric_labels,
	    "id=\"/hale-test/" WEB "\",image=\"hale-test/busybox\",name=\"web\","
	    "container_label_com_docker_compose_project=\"demo\","
	    "container_label_com_docker_compose_service=\"web\","
	    "container_label_hostile=\"a\\\"b\\\\c\\nd\"");
	assert_int_equal(inventory_health_value(c), 0);	/* unhealthy */
	/* A second upsert of the same id replaces, never duplicates. */
	c = upsert_fixture(inv, "inspect_web.json");
	assert_int_equal(inventory_count(inv), 1);
	c = upsert_fixture(inv, "inspect_oom.json");
	assert_int_equal(inventory_count(inv), 2);
	assert_false(inventory_is_live(c));
	assert_null(c->cgroup_id);
	assert_int_equal(inventory_health_value(c), -1);
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"hale-test/busybox\",name=\"oom\"");
	inventory_free(inv);
}

static void
test_label_allow_list_and_escaping(void **state)
{
	static const char *const globs[] = { "com.docker.compose.*", "a?b",
	    "hostile", "1*", "big*" };
	struct inventory	*inv = new_inv(globs, 5);
	struct inv_container	*c;
	char			*labels;
	size_t			 n = INVENTORY_METRIC_VALUE_MAX + 1;

	(void)state;
	c = upsert_doc(inv, ID_A, "x", "exited", 0,
	    "\"com.docker.compose.project\":\"p\",\"a.b\":\"1\",\"a_b\":\"2\","
	    "\"hostile\":\"q\\\"b\\\\s\\nn\",\"1st\":\"one\",\"other\":\"no\"");
	assert_non_null(c);
	/* Sorted by key; a.b and a_b sanitize alike: the first wins. */
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"img:1\",name=\"x\","
	    "container_label_1st=\"one\",container_label_a_b=\"1\","
	    "container_label_com_docker_compose_project=\"p\","
	    "container_label_hostile=\"q\\\"b\\\\s\\nn\"");
	/* A value over INVENTORY_METRIC_VALUE_MAX is left out; at the cap kept. */
	labels = malloc(2 * n + 64);
	assert_non_null(labels);
	snprintf(labels, 2 * n + 64, "\"big1\":\"%0*d\",\"big2\":\"%0*d\"",
	    (int)n, 0, (int)n - 1, 0);
	{
		struct docker_inspect	 in;
		char			*json, err[128];
		size_t			 jl = 3 * n + 512;
		int			 k;

		json = malloc(jl);
		assert_non_null(json);
		k = snprintf(json, jl, "{\"Id\":\"%s\",\"Name\":\"/big\","
		    "\"State\":{\"Status\":\"exited\"},\"Config\":{\"Image\":"
		    "\"i\",\"Labels\":{%s}}}", ID_A2, labels);
		assert_int_equal(docker_parse_inspect(json, (size_t)k, &in, err,
		    sizeof(err)), 0);
		c = inventory_upsert(inv, &in);
		assert_non_null(c);
		assert_non_null(strstr(c->metric_labels,
		    "container_label_big2=\"0000"));
		assert_null(strstr(c->metric_labels, "container_label_big1"));
		assert_int_equal(strlen(c->metric_labels),
		    strlen("id=\"\",image=\"i\",name=\"big\","
		    "container_label_big2=\"\"") + n - 1);
		free(json);
	}
	free(labels);
	inventory_free(inv);
}

/* The default is every label, as cAdvisor; labels it lacks are not emitted. */
static void
test_default_globs(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*c;

	(void)state;
	c = upsert_doc(inv, ID_A, "svc", "exited", 0,
	    "\"com.docker.compose.service\":\"db\",\"maintainer\":\"me\"");
	assert_string_equal(c->metric_labels, "id=\"\",image=\"img:1\","
	    "name=\"svc\",container_label_com_docker_compose_service=\"db\","
	    "container_label_maintainer=\"me\"");
	assert_int_equal(c->labels_cut, 0);
	inventory_free(inv);
}

/* An empty list means no container_label_*; a reload rebuilds every set. */
static void
test_globs_empty_and_reload(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const all[] = { "*" };
	struct inventory	*inv = new_inv(none, 0);
	struct inv_container	*c;
	char			 err[64];

	(void)state;
	c = upsert_doc(inv, ID_A, "x", "exited", 0,
	    "\"com.docker.compose.project\":\"p\",\"\":\"empty key\"");
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"img:1\",name=\"x\"");
	/* The empty key is kept, as Docker keeps it. */
	assert_int_equal(c->d.nlabels, 2);
	assert_int_equal(inventory_set_label_globs(inv, all, 1, err,
	    sizeof(err)), 0);
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"img:1\",name=\"x\",container_label_=\"empty key\","
	    "container_label_com_docker_compose_project=\"p\"");
	assert_int_equal(inventory_set_label_globs(inv, none, 0, err,
	    sizeof(err)), 0);
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"img:1\",name=\"x\"");
	inventory_free(inv);
}


/* Parses a document whose Config holds `config` (after Image), env allowed. */
static struct inv_container *
upsert_cfg(struct inventory *inv, const char *config)
{
	static const char *const prefix[] = { "APP_", "TZ" };
	struct docker_inspect	 in;
	struct buf		 json;
	char			 err[128];
	struct inv_container	*c;

	buf_init(&json);
	buf_printf(&json, "{\"Id\":\"%s\",\"Name\":\"/b\",\"State\":{\"Status\":"
	    "\"exited\"},\"Config\":{\"Image\":\"i\",%s}}", ID_A, config);
	assert_false(json.oom);
	if (docker_parse_inspect_env(json.data, json.len, prefix, 2, &in, err,
	    sizeof(err)) == -1)
		fail_msg("%s: %s", err, json.data);
	buf_free(&json);
	c = inventory_upsert(inv, &in);
	assert_non_null(c);
	return c;
}

/* Only allow-listed variables are kept, lowercased, values verbatim. */
static void
test_env_allow_list(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*c;
	size_t			 i;

	(void)state;
	c = upsert_cfg(inv, "\"Env\":[\"PATH=/bin\",\"APP_MODE=a=b\","
	    "\"SECRET_TOKEN=hunter2\",\"APP_BARE\",\"TZ=UTC\",\"APP_Q=\\\"x\\\"\","
	    "7,\"=APP_\"]");
	assert_int_equal(c->d.nenv, 3);
	for (i = 0; i < c->d.nenv; i++) {
		assert_null(strstr(c->d.env[i].value, "hunter2"));
		assert_null(strstr(c->d.env[i].key, "PATH"));
	}
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"i\",name=\"b\",container_env_app_mode=\"a=b\","
	    "container_env_tz=\"UTC\",container_env_app_q=\"\\\"x\\\"\"");
	/* A reload that narrows the list drops the others' values at once. */
	{
		static const char *const tz[] = { "TZ" };
		char	 err[64];

		assert_int_equal(inventory_set_env_allow(inv, tz, 1, err,
		    sizeof(err)), 0);
		assert_int_equal(c->d.nenv, 1);
		assert_string_equal(c->metric_labels,
		    "id=\"\",image=\"i\",name=\"b\",container_env_tz=\"UTC\"");
	}
	/* Without prefixes nothing is copied at all. */
	{
		struct docker_inspect	 in;
		static const char	 doc[] = "{\"Id\":\"" ID_A "\",\"State\":"
		    "{\"Status\":\"exited\"},\"Config\":{\"Env\":"
		    "[\"APP_MODE=1\"]}}";
		char			 err[64];

		assert_int_equal(docker_parse_inspect(doc, sizeof(doc) - 1, &in,
		    err, sizeof(err)), 0);
		assert_int_equal(in.nenv, 0);
		assert_null(in.env);
		docker_inspect_free(&in);
	}
	inventory_free(inv);
}

/* Hostile keys sanitize; the count, key, value and byte bounds cut whole labels. */
static void
test_label_bounds(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*c;
	struct buf		 cfg, out;
	size_t			 i, cut;

	(void)state;
	c = upsert_cfg(inv, "\"Labels\":{\"a=b\\\"c d\":\"v\\u00e9\","
	    "\"a_b_c_d\":\"second\",\"9x\":\"\\u0001\"}");
	assert_string_equal(c->metric_labels,
	    "id=\"\",image=\"i\",name=\"b\",container_label_9x=\"\x01\","
	    "container_label_a_b_c_d=\"v\xc3\xa9\"");
	assert_int_equal(c->labels_cut, 1);	/* the collision */

	/* 70 labels: 64 kept. */
	buf_init(&cfg);
	buf_puts(&cfg, "\"Labels\":{");
	for (i = 0; i < 70; i++)
		buf_printf(&cfg, "%s\"k%02zu\":\"v\"", i ? "," : "", i);
	buf_puts(&cfg, "}");
	c = upsert_cfg(inv, cfg.data);
	assert_int_equal(c->labels_cut, 70 - INVENTORY_LABELS_MAX);
	assert_non_null(strstr(c->metric_labels, "container_label_k63=\"v\""));
	assert_null(strstr(c->metric_labels, "container_label_k64"));

	/* A key over the bound, a value over it, and 16 KiB in total. */
	buf_reset(&cfg);
	buf_printf(&cfg, "\"Labels\":{\"%0*d\":\"long key\",\"big\":\"%0*d\"",
	    INVENTORY_LABEL_KEY_MAX + 1, 0, INVENTORY_METRIC_VALUE_MAX + 1, 0);
	for (i = 0; i < 5; i++)
		buf_printf(&cfg, ",\"f%zu\":\"%0*d\"", i,
		    INVENTORY_METRIC_VALUE_MAX, 0);
	buf_puts(&cfg, "}");
	c = upsert_cfg(inv, cfg.data);
	/* f0..f2 fit in 16 KiB with their names; f3 and f4 do not. */
	assert_int_equal(c->labels_cut, 4);
	assert_non_null(strstr(c->metric_labels, "container_label_f2=\""));
	assert_null(strstr(c->metric_labels, "container_label_f3"));
	assert_null(strstr(c->metric_labels, "container_label_f4"));
	assert_null(strstr(c->metric_labels, "long key"));
	assert_null(strstr(c->metric_labels, "container_label_big"));
	assert_true(strlen(c->metric_labels) < 100 + INVENTORY_LABELS_BYTES_MAX);

	/* The pure builder says the same as the record. */
	buf_init(&out);
	cut = inventory_label_text(&c->d, NULL, (const char *[]){ "*" }, 1,
	    &out);
	assert_int_equal(cut, 4);
	assert_string_equal(out.data, c->metric_labels);
	buf_free(&out);
	buf_free(&cfg);
	inventory_free(inv);
}

/* ---- events ---------------------------------------------------------------- */

struct counts {
	int	 added, updated, removed;
	char	 last_removed[DOCKER_ID_LEN + 1];
};

static void
observe(void *arg, struct inv_container *c, enum inv_change ch)
{
	struct counts	*n = arg;

	if (ch == INV_ADDED)
		n->added++;
	else if (ch == INV_UPDATED)
		n->updated++;
	else {
		n->removed++;
		memcpy(n->last_removed, c->d.id, sizeof(n->last_removed));
	}
}

static void
test_events(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*c;
	struct docker_event	 e;
	struct counts		 n = { 0 }, n2 = { 0 };
	unsigned long		 changes;
	int			 i;

	(void)state;
	inventory_add_observer(inv, observe, &n);
	assert_int_equal(inventory_add_observer(inv, observe, &n2), 0);
	for (i = 2; i < INVENTORY_OBSERVERS_MAX; i++)
		assert_int_equal(inventory_add_observer(inv, observe, &n2), 0);
	assert_int_equal(inventory_add_observer(inv, observe, &n2), -1);
	c = upsert_fixture(inv, "inspect_web.json");
	assert_int_equal(n.added, 1);
	assert_int_equal(n2.added, INVENTORY_OBSERVERS_MAX - 1);

	/* Unknown container: nothing created, an inspect asked for. */
	e = mkev(DOCKER_ACTION_START, ID_A);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_null(inventory_get(inv, ID_A));
	e = mkev(DOCKER_ACTION_EXEC_START, ID_A);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);

	/*
	 * Known container: noise changes nothing and asks for nothing, and
	 * leaves what caches compare (inventory_changes) as it was.
	 */
	changes = inventory_changes(inv);
	e = mkev(DOCKER_ACTION_EXEC_START, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), 0);
	e = mkev(DOCKER_ACTION_EXEC_DIE, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), 0);
	e = mkev(DOCKER_ACTION_KILL, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), 0);
	assert_int_equal(inventory_changes(inv), changes);

	/* Docker's health changes container_health_state: a change. */
	e = mkev(DOCKER_ACTION_HEALTH_STATUS, WEB);
	e.health = DOCKER_HEALTH_HEALTHY;
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_int_equal(c->d.health, DOCKER_HEALTH_HEALTHY);
	assert_int_equal(inventory_health_value(c), 1);
	assert_true(inventory_changes(inv) != changes);
	changes = inventory_changes(inv);

	e = mkev(DOCKER_ACTION_PAUSE, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_int_equal(c->d.state, DOCKER_STATE_PAUSED);
	assert_true(inventory_is_live(c));
	assert_true(inventory_changes(inv) != changes);
	e = mkev(DOCKER_ACTION_UNPAUSE, WEB);
	inventory_apply_event(inv, &e);
	assert_int_equal(c->d.state, DOCKER_STATE_RUNNING);

	/* Rename: name and label set follow at once. */
	e = mkev(DOCKER_ACTION_RENAME, WEB);
	snprintf(e.name, sizeof(e.name), "web2");
	snprintf(e.old_name, sizeof(e.old_name), "web");
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_string_equal(c->d.name, "web2");
	assert_ptr_equal(inventory_find(inv, "web2"), c);
	assert_null(inventory_find(inv, "web"));
	assert_non_null(strstr(c->metric_labels, ",name=\"web2\""));

	/* Die: no process, no cgroup, id label emptied. */
	e = mkev(DOCKER_ACTION_DIE, WEB);
	e.exit_code = 137;
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_int_equal(c->d.state, DOCKER_STATE_EXITED);
	assert_int_equal(c->d.pid, 0);
	assert_int_equal(c->d.exit_code, 137);
	assert_null(c->cgroup_id);
	assert_false(inventory_is_live(c));
	assert_true(strncmp(c->metric_labels, "id=\"\",", 6) == 0);

	/* Start: running, pid unknown until the inspect. */
	e = mkev(DOCKER_ACTION_START, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_INSPECT);
	assert_int_equal(c->d.state, DOCKER_STATE_RUNNING);
	assert_false(inventory_is_live(c));

	/* Destroy frees the record (ASan/valgrind check the "frees"). */
	e = mkev(DOCKER_ACTION_DESTROY, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_REMOVED);
	assert_int_equal(inventory_count(inv), 0);
	assert_int_equal(n.removed, 1);
	assert_string_equal(n.last_removed, WEB);
	assert_int_equal(inventory_apply_event(inv, &e), INV_EVENT_REMOVED);
	assert_int_equal(n.removed, 1);
	/* Prune has no id: ignored. */
	e = mkev(DOCKER_ACTION_PRUNE, "");
	assert_int_equal(inventory_apply_event(inv, &e), 0);
	assert_true(n.updated >= 5);
	inventory_free(inv);
}

static void
test_find(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*a, *a2, *p;

	(void)state;
	a = upsert_doc(inv, ID_A, "alpha", "running", 0, "");
	a2 = upsert_doc(inv, ID_A2, "beta", "running", 0, "");
	p = upsert_doc(inv, PLAIN, "e6c6", "running", 0, "");
	assert_ptr_equal(inventory_find(inv, ID_A), a);
	assert_ptr_equal(inventory_find(inv, "alpha"), a);
	assert_ptr_equal(inventory_find(inv, "/beta"), a2);
	/* Prefix shared by two ids: ambiguous; one more digit: unique. */
	assert_null(inventory_find(inv, "bcf61a66125a"));
	assert_ptr_equal(inventory_find(inv, "bcf61a66125a1"), a);
	assert_ptr_equal(inventory_find(inv, "bcf61a66125a0"), a2);
	/* A name wins over an id prefix, as in Docker. */
	assert_ptr_equal(inventory_find(inv, "e6c6"), p);
	assert_ptr_equal(inventory_find(inv, "e6c66d"), p);
	assert_null(inventory_find(inv, "nope"));
	assert_null(inventory_find(inv, ""));
	assert_null(inventory_find(inv, ID_A "00"));
	assert_null(inventory_find(inv, "BCF61A"));
	inventory_free(inv);
}

/* ---- reconcile -------------------------------------------------------------- */

static void
test_reconcile(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct counts		 n = { 0 };
	struct docker_event	 e;
	unsigned long		 ep;

	(void)state;
	inventory_add_observer(inv, observe, &n);
	upsert_doc(inv, ID_A, "a", "running", 0, "");
	upsert_doc(inv, ID_A2, "b", "exited", 0, "");
	upsert_doc(inv, WEB, "c", "running", 0, "");
	ep = inventory_epoch_begin(inv);
	/* While the list is in flight: a new container, an event on c. */
	upsert_doc(inv, PLAIN, "d", "created", 0, "");
	e = mkev(DOCKER_ACTION_KILL, WEB);
	inventory_apply_event(inv, &e);
	/* The list holds a only (and an id we don't know, ignored). */
	inventory_mark(inv, ID_A, ep);
	inventory_mark(inv, "0000000000000000000000000000000000000000000000000000000000000000", ep);
	assert_int_equal(inventory_sweep(inv, ep), 1);
	assert_string_equal(n.last_removed, ID_A2);
	assert_non_null(inventory_get(inv, ID_A));
	assert_non_null(inventory_get(inv, WEB));	/* touched after begin */
	assert_non_null(inventory_get(inv, PLAIN));	/* created after begin */
	assert_null(inventory_get(inv, ID_A2));
	/* A second round with an empty list removes everything. */
	ep = inventory_epoch_begin(inv);
	assert_int_equal(inventory_sweep(inv, ep), 3);
	assert_int_equal(inventory_count(inv), 0);
	assert_int_equal(n.removed, 4);
	inventory_free(inv);
}

/* ---- outputs ------------------------------------------------------------------ */

static void
test_metrics(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct metrics_writer	 mw;
	struct buf		 b;

	(void)state;
	upsert_fixture(inv, "inspect_web.json");	/* running, unhealthy */
	upsert_fixture(inv, "inspect_plain.json");	/* running, no check */
	upsert_fixture(inv, "inspect_oom.json");	/* exited */
	upsert_fixture(inv, "inspect_created.json");	/* created */
	buf_init(&b);
	metrics_writer_init(&mw, &b, METRICS_TEXT);
	inventory_write_metrics(inv, &mw);
	assert_false(b.oom);
	assert_string_equal(b.data,
	    "# HELP container_health_state The result of the container's health check\n"
	    "# TYPE container_health_state gauge\n"
	    "container_health_state{id=\"/hale-test/" WEB "\",image=\"hale-test/busybox\","
	    "name=\"web\",container_label_com_docker_compose_project=\"demo\","
	    "container_label_com_docker_compose_service=\"web\","
	    "container_label_hostile=\"a\\\"b\\\\c\\nd\"} 0\n"
	    "container_health_state{id=\"/system.slice/docker-" PLAIN ".scope\","
	    "image=\"hale-test/busybox\",name=\"plain\"} -1\n"
	    "# HELP container_creation_time_seconds Container creation time "
	    "since unix epoch in seconds.\n"
	    "# TYPE container_creation_time_seconds gauge\n"
	    "container_creation_time_seconds{id=\"/hale-test/" WEB "\","
	    "image=\"hale-test/busybox\","
	    "name=\"web\",container_label_com_docker_compose_project=\"demo\","
	    "container_label_com_docker_compose_service=\"web\","
	    "container_label_hostile=\"a\\\"b\\\\c\\nd\"} 1795440603\n"
	    "container_creation_time_seconds{id=\"/system.slice/docker-" PLAIN
	    ".scope\",image=\"hale-test/busybox\",name=\"plain\"} 1795440595\n"
	    "# HELP hale_container_labels_cut Docker labels and allow-listed "
	    "environment variables of the current containers left out of "
	    "container_label_* and container_env_* by the per-container "
	    "bounds.\n"
	    "# TYPE hale_container_labels_cut gauge\n"
	    "hale_container_labels_cut 0\n"
	    "# HELP hale_containers Containers known to the Docker engine, by state.\n"
	    "# TYPE hale_containers gauge\n"
	    "hale_containers{state=\"created\"} 1\n"
	    "hale_containers{state=\"running\"} 2\n"
	    "hale_containers{state=\"paused\"} 0\n"
	    "hale_containers{state=\"restarting\"} 0\n"
	    "hale_containers{state=\"removing\"} 0\n"
	    "hale_containers{state=\"exited\"} 1\n"
	    "hale_containers{state=\"dead\"} 0\n");
	buf_free(&b);
	inventory_free(inv);
}

static void
test_targets(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct cgroup_target	 t[4];
	struct inv_container	*web;

	(void)state;
	web = upsert_fixture(inv, "inspect_web.json");
	upsert_fixture(inv, "inspect_oom.json");
	upsert_doc(inv, ID_A, "nocg", "running", 424242, "");	/* no /proc entry */
	assert_int_equal(inventory_targets(inv, t, 4), 1);
	assert_string_equal(t[0].id, "/hale-test/" WEB);
	assert_ptr_equal(t[0].labels, web->metric_labels);
	assert_int_equal(t[0].pid, 7348);
	assert_true(t[0].start_time > 1795440603.6427 &&
	    t[0].start_time < 1795440603.6428);
	upsert_fixture(inv, "inspect_plain.json");
	/* More live containers than room: the count says how many. */
	assert_int_equal(inventory_targets(inv, t, 1), 2);
	inventory_free(inv);
}

/*
 * A piece at a time: "[" with the first container, then one each; a
 * container removed before its turn is left out, the rest stay valid.
 */
static void
cursor_pieces(struct inventory *inv)
{
	struct inventory_json_cursor	*cur;
	struct buf			 b;
	cJSON				*root;
	size_t				 first;

	buf_init(&b);
	assert_non_null(cur = inventory_json_list_begin(inv, NULL, NULL));
	assert_int_equal(inventory_json_list_next(cur, &b), 1);
	assert_true(b.len > 2 && b.data[0] == '[' && b.data[b.len - 1] == '}');
	first = b.len;
	/* Sorted by name: "created", then "plain", then "web". */
	assert_int_equal(inventory_remove(inv, PLAIN), 0);
	assert_int_equal(inventory_json_list_next(cur, &b), 1);
	assert_true(b.data[first] == ',');
	assert_int_equal(inventory_json_list_next(cur, &b), 0);
	assert_int_equal(b.data[b.len - 1], ']');
	inventory_json_list_end(cur);
	root = cJSON_ParseWithLength(b.data, b.len);
	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(root), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 0),
	    "name")->valuestring, "created");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 1),
	    "name")->valuestring, "web");
	cJSON_Delete(root);
	buf_free(&b);
}

/*
 * The strings many records hold the same are held once: two containers of
 * one image share its name and id; each keeps its own after the other
 * goes or changes.
 */
static void
test_shared_strings(void **state)
{
	struct inventory	*inv = new_inv(NULL, 0);
	struct inv_container	*w, *p;

	(void)state;
	w = upsert_fixture(inv, "inspect_web.json");
	p = upsert_fixture(inv, "inspect_plain.json");
	assert_string_equal(w->d.image, p->d.image);
	assert_ptr_equal(w->d.image, p->d.image);
	assert_ptr_equal(w->d.image_id, p->d.image_id);
	assert_ptr_equal(w->d.network_mode, p->d.network_mode);
	/* Again: the old copies given back, the same one taken. */
	p = upsert_fixture(inv, "inspect_plain.json");
	assert_ptr_equal(w->d.image, p->d.image);
	assert_int_equal(inventory_remove(inv, WEB), 0);
	assert_string_equal(p->d.image, "hale-test/busybox");
	assert_int_equal(inventory_remove(inv, PLAIN), 0);
	w = upsert_fixture(inv, "inspect_web.json");
	assert_string_equal(w->d.image, "hale-test/busybox");
	inventory_free(inv);
}

static void
test_json(void **state)
{
	static const char *const globs[] = { "*" };
	struct inventory	*inv = new_inv(globs, 1);
	struct buf		 b;
	cJSON			*root, *o, *h, *l;

	(void)state;
	upsert_fixture(inv, "inspect_web.json");
	upsert_fixture(inv, "inspect_plain.json");
	upsert_fixture(inv, "inspect_created.json");
	buf_init(&b);
	assert_int_equal(inventory_json_one(inv, "nope", NULL, NULL, &b), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(inventory_json_one(inv, "c7b1f16919c4", NULL, NULL, &b), 0);
	root = cJSON_ParseWithLength(b.data, b.len);
	assert_non_null(root);
	assert_string_equal(cJSON_GetObjectItem(root, "id")->valuestring, WEB);
	assert_string_equal(cJSON_GetObjectItem(root, "name")->valuestring, "web");
	assert_string_equal(cJSON_GetObjectItem(root, "image")->valuestring,
	    "hale-test/busybox");
	assert_string_equal(cJSON_GetObjectItem(root, "state")->valuestring,
	    "running");
	assert_int_equal(cJSON_GetObjectItem(root, "pid")->valueint, 7348);
	assert_string_equal(cJSON_GetObjectItem(root, "started_at")->valuestring,
	    "2026-11-23T13:30:03.642707722Z");
	assert_string_equal(cJSON_GetObjectItem(root, "cgroup_id")->valuestring,
	    "/hale-test/" WEB);
	l = cJSON_GetObjectItem(root, "labels");
	assert_int_equal(cJSON_GetArraySize(l), 3);
	/* The hostile value comes back byte for byte. */
	assert_string_equal(cJSON_GetObjectItem(l, "hostile")->valuestring,
	    "a\"b\\c\nd");
	h = cJSON_GetObjectItem(root, "health");
	assert_string_equal(cJSON_GetObjectItem(h, "status")->valuestring,
	    "unhealthy");
	assert_string_equal(cJSON_GetObjectItem(h, "source")->valuestring,
	    "docker");
	assert_int_equal(cJSON_GetObjectItem(h, "failing_streak")->valueint, 13);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(h,
	    "last_results")), 5);
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(h, "last_results"), 0);
	assert_int_equal(cJSON_GetObjectItem(o, "exit_code")->valueint, 1);
	/* Microseconds: the last digit depends on double rounding. */
	assert_true(strncmp(cJSON_GetObjectItem(o, "start")->valuestring,
	    "2026-11-23T13:30:15.3082", 24) == 0);
	o = cJSON_GetObjectItem(h, "healthcheck");
	assert_int_equal(cJSON_GetObjectItem(o, "retries")->valueint, 2);
	cJSON_Delete(root);

	/* The list: sorted by name, a created container has no start. */
	buf_reset(&b);
	assert_int_equal(inventory_json_list(inv, NULL, NULL, &b), 0);
	root = cJSON_ParseWithLength(b.data, b.len);
	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(root), 3);
	o = cJSON_GetArrayItem(root, 0);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring,
	    "created");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "started_at")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "cgroup_id")));
	h = cJSON_GetObjectItem(o, "health");
	assert_string_equal(cJSON_GetObjectItem(h, "status")->valuestring,
	    "none");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(h, "source")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 1),
	    "name")->valuestring, "plain");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(root, 2),
	    "name")->valuestring, "web");
	cJSON_Delete(root);

	/* The same bytes as one cJSON array printed whole (the old way). */
	root = cJSON_ParseWithLength(b.data, b.len);
	assert_non_null(root);
	{
		char	*whole = cJSON_PrintUnformatted(root);

		assert_non_null(whole);
		assert_string_equal(whole, b.data);
		cJSON_free(whole);
	}
	cJSON_Delete(root);
	cursor_pieces(inv);

	/* Empty table: an empty array. */
	inventory_free(inv);
	inv = new_inv(NULL, 0);
	buf_reset(&b);
	assert_int_equal(inventory_json_list(inv, NULL, NULL, &b), 0);
	assert_string_equal(b.data, "[]");
	buf_free(&b);
	inventory_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upsert_fixture),
		cmocka_unit_test(test_label_allow_list_and_escaping),
		cmocka_unit_test(test_env_allow_list),
		cmocka_unit_test(test_label_bounds),
		cmocka_unit_test(test_default_globs),
		cmocka_unit_test(test_globs_empty_and_reload),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
