/*
 * What /proc/<pid>/cgroup and /proc/self/mountinfo tell: the cAdvisor id
 * of a process (fixture procfs of the Docker tests), and whether hale runs
 * in a container (parsers, and the reader on a procfs built in /tmp).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup_parse.h"
#include "cgroup/procpid.h"

#define WEB	"c7b1f16919c4f8defd1fe151603b16483f5e62c7cba8f2e715cc2da3d18631e5"
#define PLAIN	"e6c66d8056e671e779e62cd971b1848d719020ec90caf4b9ffed2fdc681587a3"
#define ID_A	"bcf61a66125a15f80697637864d660ceec75293e58df1ce6f3bf97f33bbbe683"
#define PROCFS	FIXTURES "/docker/proc"

/* ---- cAdvisor ids --------------------------------------------------------- */

static void
test_cgroup_id_files(void **state)
{
	char	 id[512], err[128];

	(void)state;
	/* Hybrid (live capture): the cpuacct line, not the nested memory one. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 7348, id, sizeof(id), err,
	    sizeof(err)), 0);
	assert_string_equal(id, "/hale-test/" WEB);
	/* Pure v2, systemd driver: the 0:: line. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 7149, id, sizeof(id), err,
	    sizeof(err)), 0);
	assert_string_equal(id, "/system.slice/docker-" PLAIN ".scope");
	/* Pure v1, cgroupfs driver, cpu,cpuacct co-mounted. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 101, id, sizeof(id), err,
	    sizeof(err)), 0);
	assert_string_equal(id, "/docker/" ID_A);
	/* Only memory among the ranked controllers. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 102, id, sizeof(id), err,
	    sizeof(err)), 0);
	assert_string_equal(id, "/custom/" ID_A);
	/* No trailing newline. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 104, id, sizeof(id), err,
	    sizeof(err)), 0);
	assert_string_equal(id, "/docker/" ID_A);
	/* Nothing usable, missing pid, pid 0, buffer too small. */
	assert_int_equal(cgroup_id_of_pid(PROCFS, 105, id, sizeof(id), err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_id_of_pid(PROCFS, 999999, id, sizeof(id), err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_id_of_pid(PROCFS, 0, id, sizeof(id), err,
	    sizeof(err)), -1);
	assert_int_equal(cgroup_id_of_pid(PROCFS, 101, id, 20, err,
	    sizeof(err)), -1);
}

static void
test_cgroup_id_parse(void **state)
{
	static const char v1_cpu_only[] = "3:cpu:/a\n2:memory:/b\n0::/c\n";
	static const char weird[] = "::/x\n0:cpuacct:/y\n";
	char	 id[64];

	(void)state;
	assert_int_equal(cgroup_parse_cadvisor_id(v1_cpu_only,
	    sizeof(v1_cpu_only) - 1, id, sizeof(id)), 0);
	assert_string_equal(id, "/a");
	/* Separate cpu and cpuacct hierarchies: cpuacct is the one. */
	assert_int_equal(cgroup_parse_cadvisor_id("3:cpu:/a\n2:cpuacct:/b\n",
	    22, id, sizeof(id)), 0);
	assert_string_equal(id, "/b");
	/* "0:cpuacct:" is a v1 line with hierarchy 0; "::/x" is not v2. */
	assert_int_equal(cgroup_parse_cadvisor_id(weird, sizeof(weird) - 1, id,
	    sizeof(id)), 0);
	assert_string_equal(id, "/y");
	assert_int_equal(cgroup_parse_cadvisor_id("", 0, id, sizeof(id)), -1);
	assert_int_equal(cgroup_parse_cadvisor_id("0::", 3, id, sizeof(id)),
	    -1);
	assert_int_equal(cgroup_parse_cadvisor_id("0::/", 4, id, sizeof(id)),
	    0);
	assert_string_equal(id, "/");
	/* An embedded NUL must not cut the id short silently. */
	assert_int_equal(cgroup_parse_cadvisor_id("0::/a\0b\n", 7, id,
	    sizeof(id)), -1);
}

/* ---- hale's own container ------------------------------------------------ */

#define ID64 "4f1c9a3e0b7d2c6a8e5f1b3d7c9a2e4f6b8d0c1a3e5f7b9d2c4a6e8f0b1d3c5a"

static void
test_self_mountinfo(void **state)
{
	static const char docker[] =
	    "22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/x\n"
	    "634 22 8:1 /var/lib/docker/containers/" ID64 "/resolv.conf "
	    "/etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw\n"
	    "635 22 8:1 /var/lib/docker/containers/" ID64 "/hostname "
	    "/etc/hostname rw,relatime - ext4 /dev/sda1 rw\n";
	/* /var on its own file system: the root field starts below it. */
	static const char split_var[] =
	    "635 22 8:3 /lib/docker/containers/" ID64 "/hosts /etc/hosts "
	    "rw - ext4 /dev/sda3 rw";
	static const char podman[] =
	    "700 600 0:45 /containers/storage/overlay-containers/" ID64
	    "/userdata/hostname /etc/hostname rw,nosuid - tmpfs tmpfs rw\n";
	/* The id in another mount (a volume) means nothing. */
	static const char host[] =
	    "25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	    "90 25 8:1 /srv/containers/" ID64 "/data /data rw - ext4 /dev/sda1 rw\n"
	    "91 25 8:1 /var/lib/docker/containers/" ID64 "x/hostname /etc/hostname "
	    "rw - ext4 /dev/sda1 rw\n";
	char	 id[65];

	(void)state;
	assert_int_equal(cgroup_parse_mountinfo_id(docker, strlen(docker), id),
	    0);
	assert_string_equal(id, ID64);
	memset(id, 0, sizeof(id));
	assert_int_equal(cgroup_parse_mountinfo_id(split_var, strlen(split_var),
	    id), 0);
	assert_string_equal(id, ID64);
	assert_int_equal(cgroup_parse_mountinfo_id(podman, strlen(podman), id),
	    0);
	assert_string_equal(id, ID64);
	assert_int_equal(cgroup_parse_mountinfo_id(host, strlen(host), id),
	    -1);
	assert_int_equal(cgroup_parse_mountinfo_id("", 0, id), -1);
}

static void
test_self_cgroup(void **state)
{
	static const char v1[] =
	    "12:memory:/docker/" ID64 "\n0::/docker/" ID64 "\n";
	static const char systemd[] =
	    "0::/system.slice/docker-" ID64 ".scope\n";
	static const char ns[] = "0::/\n";
	static const char user[] = "0::/user.slice/user-0.slice/session-3.scope\n";
	char	 id[65];

	(void)state;
	assert_int_equal(cgroup_parse_container_id(v1, strlen(v1), id), 0);
	assert_string_equal(id, ID64);
	memset(id, 0, sizeof(id));
	assert_int_equal(cgroup_parse_container_id(systemd, strlen(systemd),
	    id), 0);
	assert_string_equal(id, ID64);
	assert_int_equal(cgroup_parse_container_id(ns, strlen(ns), id), -1);
	assert_int_equal(cgroup_parse_container_id(user, strlen(user), id), -1);
}

static void
put_file(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_self_container(void **state)
{
	char		 root[] = "/tmp/hale-procpid-XXXXXX", self[64], id[65];
	char		 cmd[128];
	const char	*how;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(self, sizeof(self), "%s/self", root);
	assert_int_equal(mkdir(self, 0755), 0);
	/* Neither file: not in a container. */
	assert_int_equal(cgroup_self_container(root, id, sizeof(id), &how), -1);
	assert_null(how);
	assert_string_equal(id, "");
	/* Only the cgroup names it (no bind mounts seen). */
	put_file(self, "mountinfo", "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
	put_file(self, "cgroup", "0::/system.slice/docker-" ID_A ".scope\n");
	assert_int_equal(cgroup_self_container(root, id, sizeof(id), &how), 0);
	assert_string_equal(how, "cgroup");
	assert_string_equal(id, ID_A);
	/* mountinfo wins: it holds under a private cgroup namespace too. */
	put_file(self, "mountinfo", "635 22 8:1 /var/lib/docker/containers/"
	    WEB "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n");
	assert_int_equal(cgroup_self_container(root, id, sizeof(id), &how), 0);
	assert_string_equal(how, "mountinfo");
	assert_string_equal(id, WEB);
	/* out too small for an id. */
	assert_int_equal(cgroup_self_container(root, id, 64, &how), -1);
	snprintf(cmd, sizeof(cmd), "%s/mountinfo", self);
	assert_int_equal(unlink(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/cgroup", self);
	assert_int_equal(unlink(cmd), 0);
	assert_int_equal(rmdir(self), 0);
	assert_int_equal(rmdir(root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_id_files),
		cmocka_unit_test(test_cgroup_id_parse),
		cmocka_unit_test(test_self_mountinfo),
		cmocka_unit_test(test_self_cgroup),
		cmocka_unit_test(test_self_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
