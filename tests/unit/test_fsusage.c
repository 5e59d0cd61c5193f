#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/fsusage.h"
#include "core/clock.h"
#include "docker/layerfs.h"

#define DEEP	(FSUSAGE_DEPTH_MAX + 6)	/* levels of the deep chain */

struct tree {
	char	 root[256];	/* a tmpfs: block sizes are whole pages */
	char	 inner[300];	/* a second tmpfs mounted inside */
	int	 mounted, inner_mounted;
	long	 page;
};

static void
put(const char *dir, const char *name, size_t size)
{
	char	 path[4096];
	char	*data;
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	assert_non_null(data = calloc(1, size + 1));
	memset(data, 'x', size);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
	free(data);
}

/*
 * root/         a: 10000 bytes (3 pages), b: 1 byte (1 page),
 *               a.link: a hard link to a, loop -> ".", etc -> "/etc"
 * root/d1/.../d<DEEP>/f   one page each
 * root/inner/   another tmpfs holding 1 MiB
 */
static int
setup(void **state)
{
	struct tree	*t;
	char		 path[4096];
	int		 i;

	assert_non_null(t = calloc(1, sizeof(*t)));
	t->page = sysconf(_SC_PAGESIZE);
	snprintf(t->root, sizeof(t->root), "/tmp/hale-fsusage.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->mounted = mount("tmpfs", t->root, "tmpfs", 0, "size=16m") == 0;
	put(t->root, "a", 10000);
	put(t->root, "b", 1);
	snprintf(path, sizeof(path), "%s/a", t->root);
	{
		char	 l[4096];

		snprintf(l, sizeof(l), "%s/a.link", t->root);
		assert_int_equal(link(path, l), 0);
		snprintf(l, sizeof(l), "%s/loop", t->root);
		assert_int_equal(symlink(".", l), 0);
		snprintf(l, sizeof(l), "%s/etc", t->root);
		assert_int_equal(symlink("/etc", l), 0);
	}
	snprintf(path, sizeof(path), "%s", t->root);
	for (i = 1; i <= DEEP; i++) {
		size_t	 n = strlen(path);

		snprintf(path + n, sizeof(path) - n, "/d%d", i);
		assert_int_equal(mkdir(path, 0755), 0);
		put(path, "f", 1);
	}
	snprintf(t->inner, sizeof(t->inner), "%s/inner", t->root);
	assert_int_equal(mkdir(t->inner, 0755), 0);
	if (t->mounted) {
		t->inner_mounted = mount("tmpfs", t->inner, "tmpfs", 0,
		    "size=4m") == 0;
		if (t->inner_mounted)
			put(t->inner, "big", 1 << 20);
	}
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tree	*t = *state;
	char		 cmd[600];

	if (t->inner_mounted)
		umount(t->inner);
	if (t->mounted)
		umount(t->root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* Exact on tmpfs: directories and short symlinks take no blocks. */
static void
test_walk_exact(void **state)
{
	struct tree		*t = *state;
	struct fsusage_tree	 r;
	char			 err[256];
	uint64_t		 pg;

	if (!t->mounted || !t->inner_mounted)
		skip();		/* needs root to mount tmpfs */
	pg = (uint64_t)t->page;
	assert_int_equal(fsusage_walk(t->root, 0, NULL, &r, err, sizeof(err)),
	    0);
	/*
	 * a (3 pages) once despite its link, b, and the file of every level
	 * entered: d1 .. d<DEPTH_MAX-1>; deeper levels and inner/ are not.
	 */
	assert_int_equal(r.bytes, (3 + 1 + (FSUSAGE_DEPTH_MAX - 1)) * pg);
	/* d<DEPTH_MAX> (too deep) and big's tmpfs (another device). */
	assert_int_equal(r.skipped, 2);
	/* a, b, a.link, loop, etc, d1, inner, then d<i> and f per level */
	assert_int_equal(r.entries, 7 + 2 * (FSUSAGE_DEPTH_MAX - 1));
	assert_int_equal(r.fs_bytes, 16u << 20);
	assert_true(r.fs_inodes > 0 && r.fs_inodes_free < r.fs_inodes);
	assert_int_equal(r.dev_major, 0);	/* tmpfs: an anonymous device */
}

static void
test_walk_refuses(void **state)
{
	struct tree		*t = *state;
	struct fsusage_tree	 r;
	char			 err[256], path[300];

	/* The top itself must not be a symlink, nor a file. */
	snprintf(path, sizeof(path), "%s/loop", t->root);
	assert_int_equal(fsusage_walk(path, 0, NULL, &r, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/a", t->root);
	assert_int_equal(fsusage_walk(path, 0, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(fsusage_walk("/nonexistent/x", 0, NULL, &r, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

/* 150 entries at 200 a second: at least the two 64-entry pauses. */
static void
test_walk_paced(void **state)
{
	struct tree		*t = *state;
	struct fsusage_tree	 r;
	char			 err[256];
	double			 t0 = clock_mono();

	assert_int_equal(fsusage_walk(t->root, 200, NULL, &r, err,
	    sizeof(err)), 0);
	assert_true(r.entries >= 128);
	assert_true(clock_mono() - t0 >= 128.0 / 200 - 0.02);
}

static void
test_worker(void **state)
{
	struct tree		*t = *state;
	struct fsusage_job	 j[2];
	const struct fsusage_result *r = NULL;
	struct fsusage_stats	 st;
	struct fsusage		*fs;
	char			 err[256];
	size_t			 n = 0;
	double			 t0;

	/* Paced so the pass is still running when the second submit comes. */
	assert_non_null(fs = fsusage_new(400, err, sizeof(err)));
	memset(j, 0, sizeof(j));
	snprintf(j[0].key, sizeof(j[0].key), "one");
	j[0].path = t->root;
	snprintf(j[1].key, sizeof(j[1].key), "gone");
	j[1].path = "/nonexistent/layer";
	assert_int_equal(fsusage_submit(fs, j, 2), 0);
	assert_int_equal(fsusage_submit(fs, j, 2), 1);	/* busy */
	r = fsusage_results(fs, &n);
	assert_int_equal(n, 0);		/* nothing finished yet, no waiting */
	for (t0 = clock_mono(); n == 0 && clock_mono() - t0 < 10; ) {
		usleep(20000);
		r = fsusage_results(fs, &n);
	}
	assert_int_equal(n, 2);
	assert_string_equal(r[0].key, "one");
	assert_true(r[0].ok);
	assert_true(r[0].t.bytes > 0);
	assert_false(r[1].ok);
	fsusage_get_stats(fs, &st);
	assert_int_equal(st.passes, 1);
	assert_int_equal(st.trees, 2);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.entries, r[0].t.entries);
	assert_false(st.busy);
	/* A slow pass is ended by free, not waited for. */
	assert_int_equal(fsusage_submit(fs, j, 1), 0);
	t0 = clock_mono();
	fsusage_free(fs);
	assert_true(clock_mono() - t0 < 1.0);
}

/* A fake procfs whose 1/root holds the mount points mountinfo names. */
static void
test_host(void **state)
{
	struct tree		*t = *state;
	struct fsusage_result	 r[4];
	struct statvfs		 vfs;
	struct stat		 st;
	char			 proc[300], path[400];
	FILE			*f;
	size_t			 n;

	(void)t;
	snprintf(proc, sizeof(proc), "/tmp/hale-fshost.XXXXXX");
	assert_non_null(mkdtemp(proc));
	snprintf(path, sizeof(path), "%s/1", proc);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/1/root", proc);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(statvfs(path, &vfs), 0);
	snprintf(path, sizeof(path), "%s/1/mountinfo", proc);
	assert_non_null(f = fopen(path, "w"));
	/* "/" on the real device; /gone does not exist; /other is shadowed. */
	fprintf(f, "1 0 %u:%u / / rw - ext4 /dev/root0 rw\n"
	    "2 1 %u:%u / /gone rw - ext4 /dev/gone rw\n"
	    "3 1 %u:%u / / rw - ext4 /dev/other rw\n",
	    major(st.st_dev), minor(st.st_dev), major(st.st_dev) + 1, 7u,
	    major(st.st_dev) + 2, 9u);
	fclose(f);
	n = fsusage_host(proc, r, 4);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].key, FSUSAGE_HOST_KEY);
	assert_string_equal(r[0].device, "/dev/root0");
	assert_true(r[0].ok);
	assert_int_equal(r[0].t.fs_bytes, (uint64_t)vfs.f_blocks * vfs.f_frsize);
	assert_int_equal(r[0].t.fs_inodes, vfs.f_files);
	/* in use = blocks - free, which moves a little as others write */
	assert_true(r[0].t.bytes <= r[0].t.fs_bytes);
	assert_true(r[0].t.bytes > 0);
	assert_int_equal(fsusage_host("/nonexistent", r, 4), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", proc);
	assert_int_equal(system(path), 0);
}

static void
test_upper_ok(void **state)
{
#define H64	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	(void)state;
	assert_true(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/docker/overlay2/" H64 "/diff"));
	assert_true(layerfs_upper_ok("/var/lib/docker/", "overlay2",
	    "/var/lib/docker/overlay2/" H64 "/diff"));
	/* another driver, another root, escapes and odd shapes */
	assert_false(layerfs_upper_ok("/var/lib/docker", "btrfs",
	    "/var/lib/docker/overlay2/" H64 "/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", NULL,
	    "/var/lib/docker/overlay2/" H64 "/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2", NULL));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/dockerx/overlay2/" H64 "/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/docker/overlay2/../../../../etc/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/docker/overlay2/" H64 "/diff/../../.."));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/docker/overlay2/" H64 "-init/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2",
	    "/var/lib/docker/overlay2/0123456789ABCDEF0123456789abcdef"
	    "0123456789abcdef0123456789abcdef/diff"));
	assert_false(layerfs_upper_ok("/var/lib/docker", "overlay2", "/"));
#undef H64
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_exact),
		cmocka_unit_test(test_walk_refuses),
		cmocka_unit_test(test_walk_paced),
		cmocka_unit_test(test_worker),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_upper_ok),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
