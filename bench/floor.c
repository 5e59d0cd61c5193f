/*
 * floor: the physical floor of one scrape. Reads exactly the files haled's
 * collector reads for every target (open, read into a buffer, close;
 * nothing parsed, nothing formatted), round after round, and prints the
 * time per round as one JSON object.
 *
 *	floor [-r ROUNDS] [-l v2|hybrid] [-w] [-k] SYSFS PROCFS TARGETS
 *
 * TARGETS holds "ID PID" lines: the cgroup id as cAdvisor writes it ("/",
 * "/system.slice/docker-<hex>.scope") and the pid whose net/dev is read
 * (0: none). On hybrid hosts the directories come from /proc/PID/cgroup
 * instead, one per hierarchy. Per round, as src/cgroup.c does it:
 *
 *	machine		<sysfs>/devices/system/cpu/online, <procfs>/meminfo
 *	v2 target	open the cgroup directory, then openat each of
 *			cpu.stat cpu.max cpu.weight memory.current memory.stat
 *			memory.swap.current memory.peak memory.max
 *			memory.swap.max memory.min
 *			memory.events io.stat pids.current pids.max
 *			cpu.pressure memory.pressure io.pressure cgroup.procs
 *			(the root "/" also reads <procfs>/meminfo)
 *	hybrid target	unified/: cpu.stat *.pressure; cpuacct/: cpuacct.stat;
 *			cpu/: cpu.stat cpu.cfs_quota_us cpu.cfs_period_us
 *			cpu.shares; memory/: memory.usage_in_bytes
 *			memory.max_usage_in_bytes memory.limit_in_bytes
 *			memory.memsw.limit_in_bytes memory.soft_limit_in_bytes
 *			memory.failcnt memory.kmem.usage_in_bytes
 *			memory.stat memory.oom_control; blkio/:
 *			blkio.throttle.io_service_bytes_recursive
 *			blkio.throttle.io_serviced_recursive; pids/:
 *			pids.current pids.max cgroup.procs
 *	every target	<procfs>/<pid>/net/dev
 *
 * A file is read until a short read: the kernel's seq_file and tmpfs both
 * fill the whole buffer unless they hit the end, so that is the least
 * number of read() calls that gets every byte. A missing file costs its
 * failed open, as it does in haled.
 *
 * -w also times, in separate rounds, the directory walk haled's discovery
 * makes without Docker (readdir down to 8 levels, not into containers).
 *
 * -k is the kept-descriptor floor: every directory and file above is
 * opened once (before the timed rounds, as haled keeps them), and a round
 * is one pread from offset 0 per file, until a short read; the machine
 * files are still opened, read and closed, as haled reads them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX	(64 * 1024)
#define PATH_LEN	1024
#define TARGETS_MAX	200000
#define WALK_DEPTH	8

enum layout {
	LAYOUT_V2,
	LAYOUT_HYBRID,
};

#define NGROUPS		6

struct group {
	const char		*dir;		/* under <sysfs>/fs/cgroup */
	const char		*ctrl;		/* name in /proc/<pid>/cgroup */
	const char *const	*files;
};

/* A target's cgroup path in each group's hierarchy. */
struct target {
	char	*path[NGROUPS];
	long	 pid;
};

static const char *const v2_files[] = {
	"cpu.stat", "cpu.max", "cpu.weight", "memory.current", "memory.stat",
	"memory.swap.current", "memory.peak", "memory.max", "memory.swap.max",
	"memory.min", "memory.events",
	"io.stat", "pids.current", "pids.max", "cpu.pressure",
	"memory.pressure", "io.pressure", "cgroup.procs", NULL,
};
static const char *const h_unified[] = {
	"cpu.stat", "cpu.pressure", "memory.pressure", "io.pressure", NULL,
};
static const char *const h_cpuacct[] = { "cpuacct.stat", NULL };
static const char *const h_cpu[] = {
	"cpu.stat", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares", NULL,
};
static const char *const h_memory[] = {
	"memory.usage_in_bytes", "memory.max_usage_in_bytes",
	"memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
	"memory.soft_limit_in_bytes", "memory.failcnt",
	"memory.kmem.usage_in_bytes", "memory.stat", "memory.oom_control", NULL,
};
static const char *const h_blkio[] = {
	"blkio.throttle.io_service_bytes_recursive",
	"blkio.throttle.io_serviced_recursive", NULL,
};
static const char *const h_pids[] = {
	"pids.current", "pids.max", "cgroup.procs", NULL,
};
static const struct group v2_groups[] = {
	{ "", "", v2_files }, { NULL, NULL, NULL },
};
static const struct group hybrid_groups[NGROUPS + 1] = {
	{ "/unified", "", h_unified }, { "/cpuacct", "cpuacct", h_cpuacct },
	{ "/cpu", "cpu", h_cpu }, { "/memory", "memory", h_memory },
	{ "/blkio", "blkio", h_blkio }, { "/pids", "pids", h_pids },
	{ NULL, NULL, NULL },
};

static char		 buf[READ_MAX];
static unsigned long	 nfiles, nmissing, nbytes;
/* -k: the descriptors opened by the collecting round */
static int		 collecting;
static int		*kfd;
static size_t		 nkfd, kfd_cap;
static unsigned long	 nkdirs;

static void
keep_fd(int fd)
{
	int	*n;

	if (nkfd == kfd_cap) {
		kfd_cap = kfd_cap ? kfd_cap * 2 : 1024;
		if ((n = realloc(kfd, kfd_cap * sizeof(*n))) == NULL) {
			perror("realloc");
			exit(1);
		}
		kfd = n;
	}
	kfd[nkfd++] = fd;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_seconds(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Reads fd until a short read; the bytes are dropped. */
static void
drain(int fd)
{
	ssize_t	r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		nbytes += (size_t)r;
		if ((size_t)r < sizeof(buf))
			break;
	}
}

/* The same from offset 0 of a kept descriptor. */
static void
drain_at0(int fd)
{
	ssize_t	r;
	off_t	off = 0;

	for (;;) {
		r = pread(fd, buf, sizeof(buf), off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		nbytes += (size_t)r;
		off += r;
		if ((size_t)r < sizeof(buf))
			break;
	}
}

static void
read_at(int dirfd, const char *name, int keep)
{
	int	fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) ==
	    -1) {
		nmissing++;
		return;
	}
	nfiles++;
	drain(fd);
	if (keep && collecting)
		keep_fd(fd);
	else
		close(fd);
}

static void
read_path(const char *path, int keep)
{
	read_at(AT_FDCWD, path, keep);
}

static void
read_group(const char *sysfs, const struct group *g, const char *cg)
{
	char	path[PATH_LEN];
	int	dfd;
	size_t	i;

	snprintf(path, sizeof(path), "%s/fs/cgroup%s%s", sysfs, g->dir,
	    strcmp(cg, "/") == 0 ? "" : cg);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		nmissing++;
		return;
	}
	for (i = 0; g->files[i] != NULL; i++)
		read_at(dfd, g->files[i], 1);
	if (collecting)
		nkdirs++;	/* kept, as haled keeps it; never read */
	else
		close(dfd);
}

/* What haled reads by path in either mode: the machine's, the v2 root's. */
static void
by_path(const char *sysfs, const char *procfs, enum layout layout,
    const struct target *t, size_t n)
{
	char	path[PATH_LEN];
	size_t	i;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", sysfs);
	read_path(path, 0);
	snprintf(path, sizeof(path), "%s/meminfo", procfs);
	read_path(path, 0);
	for (i = 0; i < n && layout == LAYOUT_V2; i++)
		if (strcmp(t[i].path[0], "/") == 0)
			read_path(path, 0);
}

static void
one_round(const char *sysfs, const char *procfs, enum layout layout,
    const struct target *t, size_t n)
{
	const struct group	*g, *g0;
	char			 path[PATH_LEN];
	size_t			 i;

	by_path(sysfs, procfs, layout, t, n);
	for (i = 0; i < n; i++) {
		g0 = layout == LAYOUT_V2 ? v2_groups : hybrid_groups;
		for (g = g0; g->dir != NULL; g++)
			read_group(sysfs, g, t[i].path[g - g0]);
		if (t[i].pid > 0) {
			snprintf(path, sizeof(path), "%s/%ld/net/dev", procfs,
			    t[i].pid);
			read_path(path, 1);
		}
	}
}

/* -k: what haled reads by path, every kept file by pread. */
static void
kept_round(const char *sysfs, const char *procfs, enum layout layout,
    const struct target *t, size_t n)
{
	size_t	i;

	by_path(sysfs, procfs, layout, t, n);
	for (i = 0; i < nkfd; i++) {
		nfiles++;
		drain_at0(kfd[i]);
	}
}

/* A Docker container's directory: <64hex> or docker-<64hex>.scope. */
static int
is_container(const char *name)
{
	size_t	n = strlen(name), i, off = 0;

	if (n == 7 + 64 + 6 && strncmp(name, "docker-", 7) == 0 &&
	    strcmp(name + 71, ".scope") == 0)
		off = 7;
	else if (n != 64)
		return 0;
	for (i = off; i < off + 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return 1;
}

static unsigned long
walk(int fd, int depth)
{
	DIR		*d;
	struct dirent	*de;
	unsigned long	 found = 0;
	int		 sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (is_container(de->d_name)) {
			found++;
			continue;
		}
		if (depth + 1 >= WALK_DEPTH)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sub != -1)
			found += walk(sub, depth + 1);
	}
	closedir(d);
	return found;
}

static unsigned long
walk_round(const char *sysfs, enum layout layout)
{
	char	path[PATH_LEN];
	int	fd;

	snprintf(path, sizeof(path), "%s/fs/cgroup%s", sysfs,
	    layout == LAYOUT_V2 ? "" : "/memory");
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	return walk(fd, 0);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double
pct(const double *v, size_t n, double p)
{
	size_t	k = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (k == 0)
		k = 1;
	return v[(k > n ? n : k) - 1];
}

/*
 * Hybrid hosts: a process's cgroup may sit at a different path in each
 * hierarchy (runc resolves a relative --cgroup-parent against its own
 * cgroup there), so take every path from /proc/<pid>/cgroup.
 */
static void
resolve_paths(const char *procfs, struct target *t)
{
	char	 path[PATH_LEN], line[PATH_LEN], list[PATH_LEN], *ctrls, *cg;
	char	*c;
	FILE	*f;
	int	 g;

	snprintf(path, sizeof(path), "%s/%ld/cgroup", procfs, t->pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((ctrls = strchr(line, ':')) == NULL ||
		    (cg = strchr(++ctrls, ':')) == NULL)
			continue;
		*cg++ = '\0';
		for (g = 0; g < NGROUPS; g++) {
			/* "cpu,cpuacct" names two controllers. */
			snprintf(list, sizeof(list), "%s", ctrls);
			for (c = strtok(list, ","); c != NULL;
			    c = strtok(NULL, ","))
				if (strcmp(c, hybrid_groups[g].ctrl) == 0)
					break;
			if (c != NULL || (*ctrls == '\0' &&
			    *hybrid_groups[g].ctrl == '\0')) {
				free(t->path[g]);
				if ((t->path[g] = strdup(cg)) == NULL) {
					perror("strdup");
					exit(1);
				}
			}
		}
	}
	fclose(f);
}

static size_t
load_targets(const char *file, const char *procfs, enum layout layout,
    struct target **out)
{
	FILE		*f;
	struct target	*t;
	char		 line[PATH_LEN], id[PATH_LEN];
	long		 pid;
	size_t		 n = 0;
	int		 g;

	if ((f = fopen(file, "r")) == NULL) {
		perror(file);
		exit(1);
	}
	if ((t = calloc(TARGETS_MAX, sizeof(*t))) == NULL) {
		perror("calloc");
		exit(1);
	}
	while (n < TARGETS_MAX && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%1023s %ld", id, &pid) != 2 || id[0] != '/')
			continue;
		for (g = 0; g < NGROUPS; g++)
			if ((t[n].path[g] = strdup(id)) == NULL) {
				perror("strdup");
				exit(1);
			}
		t[n].pid = pid;
		if (layout == LAYOUT_HYBRID && pid > 0)
			resolve_paths(procfs, &t[n]);
		n++;
	}
	fclose(f);
	*out = t;
	return n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor [-r ROUNDS] [-l v2|hybrid] [-w] [-k] "
	    "SYSFS PROCFS TARGETS\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct target	*t;
	enum layout	 layout = LAYOUT_V2;
	double		*lat, *wlat = NULL, t0, c0, cpu, wcpu = 0;
	unsigned long	 found = 0, files_per_round, missing_per_round;
	unsigned long	 bytes_per_round;
	size_t		 n, i, rounds = 200;
	int		 ch, do_walk = 0, kept = 0;
	struct rlimit	 rl;

	while ((ch = getopt(argc, argv, "r:l:wk")) != -1) {
		switch (ch) {
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		case 'l':
			if (strcmp(optarg, "v2") == 0)
				layout = LAYOUT_V2;
			else if (strcmp(optarg, "hybrid") == 0)
				layout = LAYOUT_HYBRID;
			else
				usage();
			break;
		case 'w':
			do_walk = 1;
			break;
		case 'k':
			kept = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3 || rounds == 0 || rounds > 1000000)
		usage();
	n = load_targets(argv[optind + 2], argv[optind + 1], layout, &t);
	if ((lat = calloc(rounds, sizeof(*lat))) == NULL ||
	    (do_walk && (wlat = calloc(rounds, sizeof(*wlat))) == NULL)) {
		perror("calloc");
		return 1;
	}

	/* Warm the dentry cache and the page cache the way a daemon has. */
	for (i = 0; i < 3; i++)
		one_round(argv[optind], argv[optind + 1], layout, t, n);
	if (kept) {
		/* As haled does at start: the soft limit up to the hard one. */
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
		collecting = 1;
		one_round(argv[optind], argv[optind + 1], layout, t, n);
		collecting = 0;
		kept_round(argv[optind], argv[optind + 1], layout, t, n);
	}
	nfiles = nmissing = nbytes = 0;
	if (kept)
		kept_round(argv[optind], argv[optind + 1], layout, t, n);
	else
		one_round(argv[optind], argv[optind + 1], layout, t, n);
	files_per_round = nfiles;
	missing_per_round = nmissing;
	bytes_per_round = nbytes;

	c0 = cpu_seconds();
	for (i = 0; i < rounds; i++) {
		t0 = now();
		if (kept)
			kept_round(argv[optind], argv[optind + 1], layout, t, n);
		else
			one_round(argv[optind], argv[optind + 1], layout, t, n);
		lat[i] = now() - t0;
	}
	cpu = (cpu_seconds() - c0) / (double)rounds;
	qsort(lat, rounds, sizeof(*lat), cmp_double);

	if (do_walk) {
		walk_round(argv[optind], layout);
		c0 = cpu_seconds();
		for (i = 0; i < rounds; i++) {
			t0 = now();
			found = walk_round(argv[optind], layout);
			wlat[i] = now() - t0;
		}
		wcpu = (cpu_seconds() - c0) / (double)rounds;
		qsort(wlat, rounds, sizeof(*wlat), cmp_double);
	}

	printf("{\"targets\": %zu, \"rounds\": %zu, \"files\": %lu, "
	    "\"missing\": %lu, \"bytes\": %lu, \"median_ms\": %.4f, "
	    "\"p99_ms\": %.4f, \"min_ms\": %.4f, \"cpu_ms\": %.4f",
	    n, rounds, files_per_round, missing_per_round, bytes_per_round,
	    pct(lat, rounds, 50) * 1e3, pct(lat, rounds, 99) * 1e3,
	    lat[0] * 1e3, cpu * 1e3);
	if (kept)
		printf(", \"kept_fds\": %zu, \"kept_dirs\": %lu", nkfd, nkdirs);
	if (do_walk)
		printf(", \"walk_found\": %lu, \"walk_median_ms\": %.4f, "
		    "\"walk_p99_ms\": %.4f, \"walk_cpu_ms\": %.4f", found,
		    pct(wlat, rounds, 50) * 1e3, pct(wlat, rounds, 99) * 1e3,
		    wcpu * 1e3);
	printf("}\n");
	return 0;
}
