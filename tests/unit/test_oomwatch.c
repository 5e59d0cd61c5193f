/*
 * The OOM watcher's cgroup v2 path on a real loop: inotify on a
 * memory.events file in a tmpfs directory, written as the kernel would
 * update it. (cgroup v1's eventfd needs a real memory cgroup: the
 * integration test covers it on this hybrid host.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/oomwatch.h"
#include "core/metrics.h"

#define KEY	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct t {
	struct ev_loop		*loop;
	struct oomwatch		*w;
	char			 dir[64];
	struct oomwatch_info	 got[4];
	char			 key[4][80];
	size_t			 n;
	ev_timer		 limit;
};

static void
heard(void *arg, const char *key, const struct oomwatch_info *info)
{
	struct t	*t = arg;

	if (t->n < 4) {
		snprintf(t->key[t->n], sizeof(t->key[0]), "%s", key);
		t->got[t->n++] = *info;
	}
	ev_break(t->loop, EVBREAK_ONE);
}

static void
put(struct t *t, const char *file, const char *text)
{
	char	 path[128];
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
stop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ONE);
}

/* Runs the loop until a report or `secs`. */
static void
run(struct t *t, double secs)
{
	ev_timer_set(&t->limit, secs, 0.);
	ev_timer_start(t->loop, &t->limit);
	ev_run(t->loop, 0);
	ev_timer_stop(t->loop, &t->limit);
}

static int
setup(void **state)
{
	struct t		*t = calloc(1, sizeof(*t));
	struct cgroup_env	 env;
	char			 err[128];

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "%s/hale-oomXXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	t->loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(t->loop);
	ev_timer_init(&t->limit, stop_cb, 0., 0.);
	memset(&env, 0, sizeof(env));
	env.layout = CGROUP_LAYOUT_V2;
	t->w = oomwatch_new(t->loop, &env, heard, t, err, sizeof(err));
	assert_non_null(t->w);
	put(t, "memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n");
	put(t, "memory.max", "16777216\n");
	put(t, "memory.current", "16700000\n");
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t	*t = *state;
	char		 path[128];

	oomwatch_free(t->w);
	ev_loop_destroy(t->loop);
	snprintf(path, sizeof(path), "%s/memory.events", t->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/memory.max", t->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/memory.current", t->dir);
	unlink(path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
test_v2_kill(void **state)
{
	struct t		*t = *state;
	struct oomwatch_stats	 st;
	char			 err[128];

	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), 0);
	oomwatch_get_stats(t->w, &st);
	assert_int_equal(st.watches[OOMWATCH_V2], 1);
	/* The two kills before the watch are history: nothing reported. */
	run(t, 0.2);
	assert_int_equal(t->n, 0);
	put(t, "memory.events", "low 0\nhigh 0\nmax 5\noom 3\noom_kill 3\n");
	run(t, 5);
	assert_int_equal(t->n, 1);
	assert_string_equal(t->key[0], KEY);
	assert_int_equal(t->got[0].oom_kills, 3);
	assert_int_equal(t->got[0].new_kills, 1);
	assert_int_equal(t->got[0].limit, 16777216);
	assert_int_equal(t->got[0].usage, 16700000);
	/* Another counter moved (max), oom_kill did not: no report, and the
	 * one re-check finds nothing either. */
	put(t, "memory.events", "low 0\nhigh 0\nmax 9\noom 3\noom_kill 3\n");
	run(t, 0.5);
	assert_int_equal(t->n, 1);
	/* Two kills at once, no limit ("max"). */
	put(t, "memory.max", "max\n");
	put(t, "memory.events", "low 0\nhigh 0\nmax 9\noom 5\noom_kill 5\n");
	run(t, 5);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->got[1].new_kills, 2);
	assert_int_equal(t->got[1].limit, -1);
	oomwatch_get_stats(t->w, &st);
	assert_int_equal(st.kills, 3);
}

static void
test_v2_removed(void **state)
{
	struct t		*t = *state;
	struct oomwatch_stats	 st;
	char			 err[128], path[128];

	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/memory.events", t->dir);
	unlink(path);		/* the runtime removed the cgroup */
	run(t, 0.3);
	oomwatch_get_stats(t->w, &st);
	assert_int_equal(st.watches[OOMWATCH_V2], 0);
	assert_int_equal(t->n, 0);
	/* Re-armed on a directory without the file: an error, counted. */
	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "memory.events"));
	oomwatch_get_stats(t->w, &st);
	assert_int_equal(st.errors, 1);
	oomwatch_remove(t->w, KEY);
	assert_int_equal(oomwatch_add_dir(t->w, KEY, "/nonexistent/x",
	    OOMWATCH_V2, err, sizeof(err)), -1);
}

/* An OOM (the oom count) whose kill the cgroup went before counting. */
static void
test_v2_oom_uncounted(void **state)
{
	struct t	*t = *state;
	char		 err[128], path[128];

	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), 0);
	put(t, "memory.events", "low 0\nhigh 0\nmax 5\noom 3\noom_kill 2\n");
	run(t, 0.001);
	assert_int_equal(t->n, 0);
	snprintf(path, sizeof(path), "%s/memory.events", t->dir);
	unlink(path);
	run(t, 5);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->got[0].new_kills, 0);
	assert_int_equal(t->got[0].oom_kills, 2);
}

/*
 * The count shows a moment after the signal: found by the re-check.
 * memory.events is a symlink, so the content changes (the link is
 * repointed) without another inotify event on the watched file.
 */
static void
test_v2_counted_later(void **state)
{
	struct t	*t = *state;
	char		 err[128], path[128], a[128], b[128], l[128];

	snprintf(path, sizeof(path), "%s/memory.events", t->dir);
	snprintf(a, sizeof(a), "%s/a", t->dir);
	snprintf(b, sizeof(b), "%s/b", t->dir);
	snprintf(l, sizeof(l), "%s/l", t->dir);
	put(t, "a", "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n");
	put(t, "b", "low 0\nhigh 0\nmax 5\noom 3\noom_kill 3\n");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("a", path), 0);
	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), 0);
	put(t, "a", "low 0\nhigh 0\nmax 5\noom 3\noom_kill 2\n");
	run(t, 0.001);
	assert_int_equal(t->n, 0);	/* pending: oom grew, oom_kill not yet */
	assert_int_equal(symlink("b", l), 0);
	assert_int_equal(rename(l, path), 0);
	run(t, 5);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->got[0].new_kills, 1);
	assert_int_equal(t->got[0].oom_kills, 3);
	unlink(a);
	unlink(b);
}

static void
test_metrics(void **state)
{
	struct t		*t = *state;
	struct metrics_writer	 mw;
	struct buf		 b;
	char			 err[128];

	assert_int_equal(oomwatch_add_dir(t->w, KEY, t->dir, OOMWATCH_V2, err,
	    sizeof(err)), 0);
	buf_init(&b);
	metrics_writer_init(&mw, &b, METRICS_TEXT);
	oomwatch_write_metrics(t->w, &mw);
	assert_non_null(strstr(b.data,
	    "hale_oom_watches{mechanism=\"inotify\"} 1\n"));
	assert_non_null(strstr(b.data,
	    "hale_oom_watches{mechanism=\"eventfd\"} 0\n"));
	assert_non_null(strstr(b.data, "hale_oom_kills_total 0\n"));
	buf_free(&b);
}

/* A pid's cgroup path is trusted only when it names the container. */
static void
test_own_cgroup(void **state)
{
	static const char id[] =
	    "3e436b18570d7b1c8a32a310c2558a393e51d2bd7a5a85a0ec33f474cc24b765";
	static const char other[] =
	    "/docker/46bcf05513925f97c7b160322c22864674382ddf21287f8012fb784910645488";

	(void)state;
	assert_true(oomwatch_own_cgroup("/docker/3e436b18570d7b1c8a32a310c2558a393e51d2bd7a5a85a0ec33f474cc24b765", id));
	assert_true(oomwatch_own_cgroup("/system.slice/docker-3e436b18570d7b1c8a32a310c2558a393e51d2bd7a5a85a0ec33f474cc24b765.scope", id));
	assert_false(oomwatch_own_cgroup(other, id));
	assert_false(oomwatch_own_cgroup("/", id));
	assert_false(oomwatch_own_cgroup("/docker/../3e436b18570d7b1c8a32a310c2558a393e51d2bd7a5a85a0ec33f474cc24b765", id));
	assert_false(oomwatch_own_cgroup("/3e436b18570d7b1c8a32a310c2558a393e51d2bd7a5a85a0ec33f474cc24b765/..", id));
	assert_false(oomwatch_own_cgroup("/docker/3e43", "3e43"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_cgroup),
		cmocka_unit_test_setup_teardown(test_v2_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_oom_uncounted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v2_counted_later, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
