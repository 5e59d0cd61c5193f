/*
 * Layout detection, container discovery without Docker, and the io.stat
 * device-name cache, against the fixture trees and small trees built in
 * /tmp.
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
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/devnames.h"
#include "cgroup/discover.h"
#include "core/id.h"

#define FIX	FIXTURES "/cgroup/"
#define ID(h)	h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h h

struct found_list {
	struct cgroup_found	f[16];
	size_t			n;
	size_t			stop_after;	/* 0 = never */
};

static int
collect(const struct cgroup_found *f, void *arg)
{
	struct found_list	*l = arg;

	assert_true(l->n < 16);
	l->f[l->n++] = *f;
	return (l->stop_after != 0 && l->n == l->stop_after) ? -1 : 0;
}

static int
cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_found *)a)->id,
	    ((const struct cgroup_found *)b)->id);
}

static void
env_for(struct cgroup_env *env, const char *tree)
{
	char	sys[512], proc[512], err[256];

	snprintf(sys, sizeof(sys), FIX "%s/sys", tree);
	snprintf(proc, sizeof(proc), FIX "%s/proc", tree);
	if (cgroup_env_init(env, sys, proc, err, sizeof(err)) == -1)
		fail_msg("%s: %s", tree, err);
}

static void
discover(const char *tree, struct found_list *l)
{
	struct cgroup_env	env;
	char			err[256];

	env_for(&env, tree);
	memset(l, 0, sizeof(*l));
	assert_int_equal(cgroup_discover(&env, collect, l, err, sizeof(err)),
	    0);
	qsort(l->f, l->n, sizeof(l->f[0]), cmp_found);
}

static void
put(const char *root, const char *rel, const char *text)
{
	char	path[512], cmd[600];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_true((fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644)) !=
	    -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
rmtree(const char *dir)
{
	char	cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_layouts(void **state)
{
	struct cgroup_env	env;
	char			err[256];

	(void)state;
	env_for(&env, "v2-systemd");
	assert_int_equal(env.layout, CGROUP_LAYOUT_V2);
	assert_string_equal(env.unified, FIX "v2-systemd/sys/fs/cgroup");
	assert_string_equal(env.procfs, FIX "v2-systemd/proc");
	assert_string_equal(cgroup_layout_name(env.layout), "v2");

	/* cpu and cpuacct are symlinks to cpu,cpuacct: the exact names win. */
	env_for(&env, "v1");
	assert_int_equal(env.layout, CGROUP_LAYOUT_V1);
	assert_string_equal(env.unified, "");
	assert_string_equal(env.v1[CGROUP_CTRL_CPU],
	    FIX "v1/sys/fs/cgroup/cpu");
	assert_string_equal(env.v1[CGROUP_CTRL_CPUACCT],
	    FIX "v1/sys/fs/cgroup/cpuacct");
	assert_string_equal(env.v1[CGROUP_CTRL_MEMORY],
	    FIX "v1/sys/fs/cgroup/memory");
	assert_string_equal(env.v1[CGROUP_CTRL_BLKIO],
	    FIX "v1/sys/fs/cgroup/blkio");
	assert_string_equal(env.v1[CGROUP_CTRL_PIDS],
	    FIX "v1/sys/fs/cgroup/pids");

	env_for(&env, "hybrid");
	assert_int_equal(env.layout, CGROUP_LAYOUT_HYBRID);
	assert_string_equal(env.unified, FIX "hybrid/sys/fs/cgroup/unified");
	assert_string_equal(env.v1[CGROUP_CTRL_CPU],
	    FIX "hybrid/sys/fs/cgroup/cpu");
	assert_string_equal(cgroup_layout_name(env.layout), "hybrid");

	/* Trailing slashes are dropped. */
	assert_int_equal(cgroup_env_init(&env, FIX "v2-cgroupfs/sys///",
	    FIX "v2-cgroupfs/proc/", err, sizeof(err)), 0);
	assert_string_equal(env.unified, FIX "v2-cgroupfs/sys/fs/cgroup");
	assert_string_equal(env.procfs, FIX "v2-cgroupfs/proc");

	assert_int_equal(cgroup_env_init(&env, "/nonexistent", "/proc", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no cgroup"));
}

static void
test_comounted_only(void **state)
{
	char			 dir[] = "/tmp/hale-cgd-XXXXXX", sys[256];
	char			 err[256];
	struct cgroup_env	 env;

	(void)state;
	/* "cpu,cpuacct" without the symlinks still serves both. */
	assert_non_null(mkdtemp(dir));
	put(dir, "sys/fs/cgroup/cpu,cpuacct/cgroup.procs", "1\n");
	put(dir, "sys/fs/cgroup/net_cls,net_prio/cgroup.procs", "1\n");
	put(dir, "sys/fs/cgroup/memory/cgroup.procs", "1\n");
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	assert_int_equal(cgroup_env_init(&env, sys, "/proc", err, sizeof(err)),
	    0);
	assert_int_equal(env.layout, CGROUP_LAYOUT_V1);
	assert_non_null(strstr(env.v1[CGROUP_CTRL_CPU], "/cpu,cpuacct"));
	assert_string_equal(env.v1[CGROUP_CTRL_CPU],
	    env.v1[CGROUP_CTRL_CPUACCT]);
	assert_string_equal(env.v1[CGROUP_CTRL_BLKIO], "");
	assert_string_equal(env.v1[CGROUP_CTRL_PIDS], "");
	rmtree(dir);
}

static void
test_discover_fixtures(void **state)
{
	struct found_list	l;

	(void)state;
	/*
	 * Not ssh.service, not the 63-hex directory. On v2 the pid is left
	 * to the read, which opens cgroup.procs anyway.
	 */
	discover("v2-systemd", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.f[0].id, "/system.slice/docker-" ID("a1")
	    ".scope");
	assert_string_equal(l.f[0].container_id, ID("a1"));
	assert_int_equal(l.f[0].pid, CGROUP_PID_FROM_PROCS);
	assert_string_equal(l.f[1].id, "/system.slice/docker-" ID("b2")
	    ".scope");
	assert_string_equal(l.f[1].container_id, ID("b2"));
	assert_int_equal(l.f[1].pid, CGROUP_PID_FROM_PROCS);

	/* cgroupfs driver, and any parent (--cgroup-parent). */
	discover("v2-cgroupfs", &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.f[0].id, "/docker/" ID("e5"));
	assert_string_equal(l.f[1].id, "/docker/" ID("f6"));
	assert_string_equal(l.f[2].id, "/tenant-a/" ID("c3"));
	assert_string_equal(l.f[2].container_id, ID("c3"));
	assert_int_equal(l.f[2].pid, CGROUP_PID_FROM_PROCS);

	/*
	 * v1 walks cpuacct (here a symlink to cpu,cpuacct), and reads the
	 * pid: other hierarchies' paths may have to be found through it.
	 */
	discover("v1", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.f[0].id, "/docker/" ID("1b"));
	assert_int_equal(l.f[0].pid, 3131);
	assert_string_equal(l.f[1].id, "/docker/" ID("2c"));
	assert_int_equal(l.f[1].pid, 4141);

	/* Hybrid: cpuacct, where every container has the path Docker reports. */
	discover("hybrid", &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.f[0].id, "/docker/" ID("4e"));
	assert_int_equal(l.f[0].pid, 6161);
	assert_string_equal(l.f[1].id, "/docker/" ID("5f"));
	assert_string_equal(l.f[2].id, "/docker/" ID("6a"));
	assert_int_equal(l.f[2].pid, 8181);
	assert_string_equal(l.f[3].id, "/docker/" ID("7b"));
}

static void
test_discover_bounds(void **state)
{
	char			 dir[] = "/tmp/hale-cgd-XXXXXX", sys[256];
	char			 rel[1024], err[256];
	struct cgroup_env	 env;
	struct found_list	 l;
	size_t			 i;
	int			 depth;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
	/* A container at depth d sits under d-1 plain directories. */
	for (depth = 1; depth <= CGROUP_DISCOVER_DEPTH + 1; depth++) {
		snprintf(rel, sizeof(rel), "sys/fs/cgroup/");
		for (i = 1; i < (size_t)depth; i++)
			snprintf(rel + strlen(rel), sizeof(rel) - strlen(rel),
			    "d%d_%zu/", depth, i);
		snprintf(rel + strlen(rel), sizeof(rel) - strlen(rel),
		    "%064x/cgroup.procs", depth);
		put(dir, rel, "42\n");
	}
	/* Uppercase hex is not a Docker id; nested containers are not walked. */
	put(dir, "sys/fs/cgroup/" ID("AB") "/cgroup.procs", "");
	put(dir, "sys/fs/cgroup/docker/" ID("ab") "/" ID("cd") "/cgroup.procs",
	    "");
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	assert_int_equal(cgroup_env_init(&env, sys, "/proc", err, sizeof(err)),
	    0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(cgroup_discover(&env, collect, &l, err, sizeof(err)),
	    0);
	/* Depths 1..CGROUP_DISCOVER_DEPTH, plus docker/ab. */
	assert_int_equal(l.n, CGROUP_DISCOVER_DEPTH + 1);
	for (i = 0; i < l.n; i++) {
		assert_null(strstr(l.f[i].id, ID("cd")));
		assert_null(strstr(l.f[i].id, ID("AB")));
		assert_int_equal(l.f[i].pid, CGROUP_PID_FROM_PROCS);
	}

	/* The callback can stop the walk. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	assert_int_equal(cgroup_discover(&env, collect, &l, err, sizeof(err)),
	    0);
	assert_int_equal(l.n, 2);
	rmtree(dir);
}

static void
test_devnames(void **state)
{
	char			 dir[] = "/tmp/hale-cgd-XXXXXX", sys[256];
	char			 err[256], rel[64];
	struct cgroup_env	 env;
	struct cgroup_devnames	*dn;
	const char		*a, *b;
	unsigned		 i;

	(void)state;
	assert_non_null(dn = malloc(sizeof(*dn)));
	cgroup_devnames_init(dn);
	env_for(&env, "v2-systemd");
	a = cgroup_devnames_label(dn, &env, 8, 0);
	assert_string_equal(a, "device=\"/dev/sda\"");
	assert_string_equal(cgroup_devnames_label(dn, &env, 259, 3),
	    "device=\"259:3\"");
	b = cgroup_devnames_label(dn, &env, 8, 0);
	assert_ptr_equal(a, b);		/* cached */
	assert_int_equal(dn->n, 2);

	/* A hostile DEVNAME is escaped; a full cache starts over. */
	assert_non_null(mkdtemp(dir));
	put(dir, "sys/fs/cgroup/cgroup.controllers", "");
	put(dir, "sys/dev/block/1:2/uevent", "MAJOR=1\nDEVNAME=a\"b\\c\n");
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	assert_int_equal(cgroup_env_init(&env, sys, "/proc", err, sizeof(err)),
	    0);
	cgroup_devnames_init(dn);
	assert_string_equal(cgroup_devnames_label(dn, &env, 1, 2),
	    "device=\"/dev/a\\\"b\\\\c\"");
	for (i = 0; i < CGROUP_DEVNAMES_MAX + 10; i++) {
		snprintf(rel, sizeof(rel), "device=\"7:%u\"", i);
		assert_string_equal(cgroup_devnames_label(dn, &env, 7, i), rel);
	}
	assert_true(dn->n <= CGROUP_DEVNAMES_MAX);
	assert_string_equal(cgroup_devnames_label(dn, &env, 4294967295u,
	    4294967295u), "device=\"4294967295:4294967295\"");
	rmtree(dir);
	free(dn);
}

static void
test_container_id(void **state)
{
	(void)state;
	assert_int_equal(id_hex64(ID("a1"), 64), 1);
	assert_int_equal(id_hex64(ID("a1"), 63), 0);
	assert_int_equal(id_hex64(ID("A1"), 64), 0);
	assert_int_equal(id_hex64(ID("g1"), 64), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_comounted_only),
		cmocka_unit_test(test_discover_fixtures),
		cmocka_unit_test(test_discover_bounds),
		cmocka_unit_test(test_devnames),
		cmocka_unit_test(test_container_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
