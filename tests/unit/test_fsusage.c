#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/fsusage.h"
#include "core/buf.h"
#include "core/clock.h"
#include "docker/docker_parse.h"
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

/* This process's threads, as the kernel lists them. */
static int
threads(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/task"));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
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
	assert_int_equal(threads(), 1);		/* none before a pass */
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
	/* The pass's thread ends with it. */
	for (t0 = clock_mono(); threads() > 1 && clock_mono() - t0 < 10; )
		usleep(10000);
	assert_int_equal(threads(), 1);
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

/* inspect_web.json with its data root moved to `root`. */
static char *
web_inspect(const char *root, size_t *len)
{
	static const char	 old[] = "/tmp/hd-docker/data";
	struct buf		 b;
	char			 path[512], text[16384], *p, *q;
	FILE			*f;
	size_t			 n;

	snprintf(path, sizeof(path), "%s/docker/inspect_web.json", FIXTURES);
	assert_non_null(f = fopen(path, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	buf_init(&b);
	for (p = text; (q = strstr(p, old)) != NULL; p = q + sizeof(old) - 1) {
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, root);
	}
	buf_puts(&b, p);
	return buf_steal(&b, len);
}

static void
put_text(const char *dir, const char *name, const char *text)
{
	char	 path[600];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* One scrape of l's families, once the worker has measured `want` rows. */
static void
scrape_layers(struct layerfs *l, struct inventory *inv, struct buf *out,
    const char *want)
{
	struct metrics_writer	 w;
	double			 t0 = clock_mono();

	do {
		buf_reset(out);
		metrics_writer_init(&w, out, METRICS_TEXT);
		layerfs_write_metrics(l, inv, &w);
		buf_putc(out, '\0');
		if (strstr(out->data, want) != NULL)
			return;
		usleep(10000);
	} while (clock_mono() - t0 < 5.0);
	fail_msg("no %s in:\n%s", want, out->data);
}

/*
 * The device of a layer (its st_dev) and of a host filesystem mapped to
 * their lines of diskstats, a partition's own, the times in seconds.
 */
static void
test_layer_diskstats(void **state)
{
	struct cgroup_env	 env;
	struct docker_inspect	 in;
	struct inventory	*inv;
	struct layerfs		*l;
	struct buf		 out;
	struct stat		 st;
	char			 top[64], root[128], proc[128], sys[128];
	double			 t0;
	char			 path[600], text[1024], err[128], *json;
	unsigned		 ma, mi;
	size_t			 len;

	(void)state;
	snprintf(top, sizeof(top), "/tmp/hale-ds.XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/data", top);
	snprintf(proc, sizeof(proc), "%s/proc", top);
	snprintf(sys, sizeof(sys), "%s/sys", top);
	snprintf(path, sizeof(path), "mkdir -p %s/overlay2/32bec45fefcf0002d"
	    "94333e13f967d12951501f3d7dfb5ac20be96c63272a981/diff %s/1/root",
	    root, proc);
	assert_int_equal(system(path), 0);
	assert_int_equal(stat(root, &st), 0);
	ma = major(st.st_dev);
	mi = minor(st.st_dev);
	snprintf(path, sizeof(path), "mkdir -p %s/dev/block/%u:%u", sys, ma,
	    mi);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sys, ma, mi);
	put_text(path, "uevent", "MAJOR=1\nDEVNAME=vdz3\nDEVTYPE=partition\n");
	snprintf(text, sizeof(text), "1 0 %u:%u / / rw - ext4 /dev/root0 rw\n",
	    ma, mi);
	put_text(proc, "1/mountinfo", text);
	/* The whole disk first, then the partition holding both. */
	snprintf(text, sizeof(text),
	    "%u %u vdz 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9\n"
	    "%u %u vdz3 1111 22 3333 179253 4444 55 6666 401918 3 79732 "
	    "624749 0 0 0 0 0 0\n", ma, mi + 1000, ma, mi);
	put_text(proc, "diskstats", text);
	memset(&env, 0, sizeof(env));
	snprintf(env.procfs, sizeof(env.procfs), "%s", proc);
	snprintf(env.sysfs, sizeof(env.sysfs), "%s", sys);
	assert_non_null(inv = inventory_new(NULL, NULL, NULL, 0, err,
	    sizeof(err)));
	json = web_inspect(root, &len);
	assert_int_equal(docker_parse_inspect(json, len, &in, err,
	    sizeof(err)), 0);
	free(json);
	assert_non_null(inventory_upsert(inv, &in));
	assert_non_null(l = layerfs_new(&env, root, 3600, 0, err,
	    sizeof(err)));
	/* A pass started: the next tick has nothing to do for an hour. */
	t0 = clock_mono();
	assert_true(fabs(layerfs_tick(l, inv, t0) - 3600) < 1e-6);
	/* Nothing changed since: no pass, the same due time. */
	assert_true(fabs(layerfs_tick(l, inv, t0 + 10) - 3590) < 1e-6);
	buf_init(&out);
#define WEB_LABELS "id=\"\",image=\"hale-test/busybox\",name=\"web\"," \
	"container_label_com_docker_compose_project=\"demo\"," \
	"container_label_com_docker_compose_service=\"web\"," \
	"container_label_hostile=\"a\\\"b\\\\c\\nd\",device=\"/dev/vdz3\"}"
	scrape_layers(l, inv, &out, "container_fs_usage_bytes{" WEB_LABELS);
	scrape_layers(l, inv, &out, "container_fs_usage_bytes{id=\"/\"");
	assert_non_null(strstr(out.data, "# TYPE container_fs_io_current "
	    "gauge\n"));
	assert_non_null(strstr(out.data, "# TYPE "
	    "container_fs_read_seconds_total counter\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_sector_reads_total{" WEB_LABELS " 3333\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_reads_merged_total{" WEB_LABELS " 22\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_read_seconds_total{" WEB_LABELS " 179.253\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_sector_writes_total{" WEB_LABELS " 6666\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_writes_merged_total{" WEB_LABELS " 55\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_write_seconds_total{" WEB_LABELS " 401.918\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_io_current{" WEB_LABELS " 3\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_io_time_seconds_total{" WEB_LABELS " 79.732\n"));
	assert_non_null(strstr(out.data,
	    "container_fs_io_time_weighted_seconds_total{" WEB_LABELS
	    " 624.749\n"));
	/* The host row: the mount source names the device, same line. */
	assert_non_null(strstr(out.data, "container_fs_io_time_weighted_"
	    "seconds_total{id=\"/\",device=\"/dev/root0\"} 624.749\n"));
	assert_non_null(strstr(out.data, "container_fs_sector_reads_total{"
	    "id=\"/\",device=\"/dev/root0\"} 3333\n"));
	assert_null(strstr(out.data, "} 9\n"));	/* not the decoy's line */
	assert_non_null(strstr(out.data, "hale_diskstats_errors_total 0\n"));
	/* No line for the device: no sample, nothing made up. */
	snprintf(text, sizeof(text), "%u %u vdz 9 9 9 9 9 9 9 9 9 9 9\n", ma,
	    mi + 1000);
	put_text(proc, "diskstats", text);
	scrape_layers(l, inv, &out, "hale_diskstats_errors_total 0\n");
	assert_null(strstr(out.data, "container_fs_io_current"));
	assert_null(strstr(out.data, "container_fs_read_seconds_total"));
	/* Unreadable: counted, the families left out. */
	put_text(proc, "diskstats", "8 0 sda 1 2 x\n");
	scrape_layers(l, inv, &out, "hale_diskstats_errors_total 1\n");
	assert_null(strstr(out.data, "container_fs_io_current"));
	assert_non_null(strstr(out.data, "container_fs_usage_bytes{id=\"/\""));
#undef WEB_LABELS
	buf_free(&out);
	layerfs_free(l);
	inventory_free(inv);
	snprintf(path, sizeof(path), "rm -rf '%s'", top);
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
		cmocka_unit_test(test_layer_diskstats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
