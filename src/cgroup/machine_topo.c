/*
 * machine_topo: the host facts behind cAdvisor's other machine_*
 * families: sockets, physical cores, books and drawers from each cpu's
 * sysfs topology, memory modules from the EDAC driver, and the boot_id,
 * machine_id and system_uuid labels.
 *
 * Every file is optional: a fact whose files are absent keeps its `have`
 * bit clear and its family is left out rather than written as 0.
 */
#include "cgroup/cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/num.h"

/* cpu topology attributes, in the order of struct cpu_ids */
static const char *const topo_files[] = {
	"topology/physical_package_id", "topology/core_id",
	"topology/book_id", "topology/drawer_id",
};
#define TOPO_N	(sizeof(topo_files) / sizeof(topo_files[0]))

struct cpu_ids {
	uint64_t	v[TOPO_N];
	unsigned	have;		/* bit i: topo_files[i] was read */
};

/* A small sysfs file holding one decimal (maybe negative: -1 = unknown). */
static int
read_num_at(int dirfd, const char *name, uint64_t *v)
{
	char	 buf[64];
	size_t	 len;

	if (file_read_at(dirfd, name, buf, sizeof(buf), &len) == -1)
		return -1;
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	return num_parse_u64(buf, len, v);
}

/* "cpu<N>" exactly; not cpufreq, cpuidle, ... */
static int
is_cpu_dir(const char *name)
{
	const char	*p;

	if (strncmp(name, "cpu", 3) != 0 || name[3] == '\0')
		return 0;
	for (p = name + 3; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/* How many distinct tuples of the attributes `at` the cpus having them take. */
static uint64_t
distinct(const struct cpu_ids *ids, size_t n, const size_t *at, size_t nat)
{
	uint64_t	 count = 0;
	unsigned	 need = 0;
	size_t		 i, j, k;

	for (k = 0; k < nat; k++)
		need |= 1u << at[k];
	/* n is bounded by CGROUP_MACHINE_CPUS_MAX: quadratic is fine. */
	for (i = 0; i < n; i++) {
		if ((ids[i].have & need) != need)
			continue;
		for (j = 0; j < i; j++) {
			if ((ids[j].have & need) != need)
				continue;
			for (k = 0; k < nat; k++)
				if (ids[j].v[at[k]] != ids[i].v[at[k]])
					break;
			if (k == nat)
				break;
		}
		if (j == i)
			count++;
	}
	return count;
}

static void
read_topology(const struct cgroup_env *env, struct cgroup_machine *m)
{
	static const size_t	 pkg[] = { 0 }, core[] = { 0, 1 };
	static const size_t	 book[] = { 2 }, drawer[] = { 3 };
	char			 path[CGROUP_PATH_MAX + 32];
	struct cpu_ids		*ids;
	struct dirent		*de;
	DIR			*d;
	size_t			 n = 0, i;
	int			 dfd, cfd;

	snprintf(path, sizeof(path), "%s/devices/system/cpu", env->sysfs);
	if ((d = opendir(path)) == NULL)
		return;
	if ((ids = calloc(CGROUP_MACHINE_CPUS_MAX, sizeof(*ids))) == NULL) {
		closedir(d);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL && n < CGROUP_MACHINE_CPUS_MAX) {
		if (!is_cpu_dir(de->d_name) || (cfd = openat(dfd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		for (i = 0; i < TOPO_N; i++)
			if (read_num_at(cfd, topo_files[i], &ids[n].v[i]) == 0)
				ids[n].have |= 1u << i;
		close(cfd);
		if (ids[n].have != 0)
			n++;
	}
	closedir(d);
	/* A physical core is a (package, core id) pair: core ids repeat per socket. */
	if ((m->sockets = distinct(ids, n, pkg, 1)) > 0) {
		m->have |= CGROUP_MACHINE_TOPOLOGY;
		m->physical_cores = distinct(ids, n, core, 2);
	}
	if ((m->books = distinct(ids, n, book, 1)) > 0)
		m->have |= CGROUP_MACHINE_BOOKS;
	if ((m->drawers = distinct(ids, n, drawer, 1)) > 0)
		m->have |= CGROUP_MACHINE_DRAWERS;
	free(ids);
}

/* A type name as a label value: printable ASCII, else "unknown". */
static void
dimm_type(int dfd, char *out, size_t len)
{
	size_t	 n, i;

	if (file_read_at(dfd, "dimm_mem_type", out, len, &n) == -1)
		n = 0;
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)out[i]))
			n = 0;
	if (n == 0)
		snprintf(out, len, "unknown");
}

static void
dimm_add(struct cgroup_machine *m, const char *type, uint64_t mib)
{
	size_t	 i;

	for (i = 0; i < m->ndimm; i++)
		if (strcmp(m->dimm[i].type, type) == 0)
			break;
	if (i == m->ndimm) {
		if (m->ndimm == CGROUP_MACHINE_DIMM_TYPES)
			return;
		snprintf(m->dimm[i].type, sizeof(m->dimm[i].type), "%s", type);
		m->ndimm++;
	}
	m->dimm[i].count++;
	if (mib <= UINT64_MAX / (1024 * 1024))
		m->dimm[i].capacity += mib * 1024 * 1024;
}

/* One memory controller: its dimm<N> (or older rank<N>) directories. */
static void
read_mc(int mcfd, struct cgroup_machine *m)
{
	char		 type[sizeof(m->dimm[0].type)];
	struct dirent	*de;
	uint64_t	 mib;
	DIR		*d;
	int		 fd;

	if ((d = fdopendir(mcfd)) == NULL) {
		close(mcfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if ((strncmp(de->d_name, "dimm", 4) != 0 &&
		    strncmp(de->d_name, "rank", 4) != 0) ||
		    (fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		/* size is in MiB, as the EDAC sysfs ABI documents it. */
		if (read_num_at(fd, "size", &mib) == 0) {
			dimm_type(fd, type, sizeof(type));
			dimm_add(m, type, mib);
		}
		close(fd);
	}
	closedir(d);
}

static void
read_dimms(const struct cgroup_env *env, struct cgroup_machine *m)
{
	char		 path[CGROUP_PATH_MAX + 32];
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	snprintf(path, sizeof(path), "%s/devices/system/edac/mc", env->sysfs);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "mc", 2) == 0 && (fd = openat(dirfd(d),
		    de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) != -1)
			read_mc(fd, m);
	closedir(d);
	if (m->ndimm > 0)
		m->have |= CGROUP_MACHINE_DIMMS;
}

/* An id file: hex digits and '-' only (anything else reads as ""). */
static void
read_id(const char *path, char *out, size_t len)
{
	size_t	 n, i;

	out[0] = '\0';
	if (file_read_at(AT_FDCWD, path, out, len, &n) == -1) {
		out[0] = '\0';
		return;
	}
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)out[i]) && out[i] != '-') {
			out[0] = '\0';
			return;
		}
}

/*
 * machine-id lives in /etc, outside procfs and sysfs: it is looked up
 * next to them, in the directory that holds the procfs mount (so "/proc"
 * gives /etc/machine-id and "/host/proc" gives /host/etc/machine-id, as a
 * container with the host's root mounted at /host wants).
 */
static void
read_ids(const struct cgroup_env *env, struct cgroup_machine *m)
{
	char		 path[CGROUP_PATH_MAX + 64];
	const char	*slash = strrchr(env->procfs, '/');
	int		 root = slash != NULL ? (int)(slash - env->procfs) : 0;

	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id",
	    env->procfs);
	read_id(path, m->boot_id, sizeof(m->boot_id));
	snprintf(path, sizeof(path), "%.*s/etc/machine-id", root, env->procfs);
	read_id(path, m->machine_id, sizeof(m->machine_id));
	if (m->machine_id[0] == '\0') {
		snprintf(path, sizeof(path), "%.*s/var/lib/dbus/machine-id",
		    root, env->procfs);
		read_id(path, m->machine_id, sizeof(m->machine_id));
	}
	/* Mode 0400: empty unless haled reads it as root. */
	snprintf(path, sizeof(path), "%s/class/dmi/id/product_uuid",
	    env->sysfs);
	read_id(path, m->system_uuid, sizeof(m->system_uuid));
}

void
cgroup_read_machine_topo(const struct cgroup_env *env,
    struct cgroup_machine *m)
{
	m->have &= CGROUP_MACHINE_SWAP;
	m->sockets = m->physical_cores = m->books = m->drawers = 0;
	memset(m->dimm, 0, sizeof(m->dimm));
	m->ndimm = 0;
	read_topology(env, m);
	read_dimms(env, m);
	read_ids(env, m);
}
