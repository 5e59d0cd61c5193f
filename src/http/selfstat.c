/* selfstat: process_* metrics from /proc/self/{stat,fd,limits} and /proc/stat. */
#include "http/selfstat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"

#define STAT_MAX	(4 * 1024 * 1024)	/* /proc/stat of a big host */

/*
 * The text of /proc/<pid>/stat: boot_time is the btime line of /proc/stat;
 * ticks and page size as sysconf gives them.
 */
static int
parse_stat(const char *text, double boot_time, long ticks, long pagesize,
    struct selfstat *st, char *err, size_t errlen)
{
	const char		*p;
	unsigned long long	 utime, stime, start, vsize;
	long long		 rss;

	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	if ((p = strrchr(text, ')')) == NULL)
		return err_set(err, errlen, "no ')' in stat");
	/* Fields 3..24 after the name; we want 14, 15, 22, 23, 24. */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
	    " %llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %lld",
	    &utime, &stime, &start, &vsize, &rss) != 5)
		return err_set(err, errlen, "malformed stat");
	if (ticks <= 0 || pagesize <= 0)
		return err_set(err, errlen, "bad clock ticks or page size");
	st->cpu_seconds = (double)(utime + stime) / (double)ticks;
	st->start_time = boot_time + (double)start / (double)ticks;
	st->virtual_bytes = vsize;
	st->resident_bytes = rss > 0 ? (uint64_t)rss * (uint64_t)pagesize : 0;
	st->have |= SELFSTAT_STAT;
	return 0;
}

/*
 * The btime line of /proc/stat. Only process_start_time_seconds needs
 * it, which is fixed for the process: read once per procfs (until
 * found), since the file lists every CPU and interrupt (tens of KiB on a
 * big host).
 */
static double
boot_time(const char *procfs)
{
	static char	 read_from[4096];
	static double	 btime;
	char		 path[4096];
	const char	*p;
	struct buf	 b;
	size_t		 len;

	if (btime > 0 && strcmp(read_from, procfs) == 0)
		return btime;
	btime = 0;
	snprintf(read_from, sizeof(read_from), "%s", procfs);
	snprintf(path, sizeof(path), "%s/stat", procfs);
	buf_init(&b);
	if (buf_reserve(&b, STAT_MAX) == 0 &&
	    file_read_at(AT_FDCWD, path, b.data, STAT_MAX + 1, &len) == 0 &&
	    (p = strstr(b.data, "\nbtime ")) != NULL)
		btime = strtod(p + 7, NULL);
	buf_free(&b);
	return btime;
}

/*
 * Linux 6.2 and later give the number of open descriptors as the size of
 * /proc/<pid>/fd: two syscalls instead of listing the thousands of
 * descriptors the collector keeps. Older kernels say 0 there, and only
 * procfs means it (a tree under --path.procfs does not): then listing.
 */
static void
read_fds(const char *procfs, struct selfstat *st)
{
	char		 path[4096];
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	struct statfs	 sf;
	uint64_t	 n = 0;

	snprintf(path, sizeof(path), "%s/self/fd", procfs);
	if (statfs(path, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
	    stat(path, &sb) == 0 && sb.st_size > 0) {
		st->open_fds = (uint64_t)sb.st_size;
		st->have |= SELFSTAT_FDS;
		return;
	}
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	/* opendir itself holds one descriptor while we count. */
	st->open_fds = n > 0 ? n - 1 : 0;
	st->have |= SELFSTAT_FDS;
}

static void
read_limits(const char *procfs, struct selfstat *st)
{
	char		 path[4096], text[8192];
	const char	*p;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/self/limits", procfs);
	if (file_read_at(AT_FDCWD, path, text, sizeof(text), &len) == -1 ||
	    (p = strstr(text, "Max open files")) == NULL)
		return;
	p += strlen("Max open files");
	while (*p == ' ')
		p++;
	if (strncmp(p, "unlimited", 9) == 0)
		return;
	st->max_fds = strtoull(p, NULL, 10);
	st->have |= SELFSTAT_LIMITS;
}

void
selfstat_read(const char *procfs, struct selfstat *st)
{
	char	 path[4096], text[4096], err[64];
	size_t	 len;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "%s/self/stat", procfs);
	if (file_read_at(AT_FDCWD, path, text, sizeof(text), &len) == 0)
		(void)parse_stat(text, boot_time(procfs),
		    sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), st, err,
		    sizeof(err));
	read_fds(procfs, st);
	read_limits(procfs, st);
}

void
selfstat_write(const struct selfstat *st, struct metrics_writer *w)
{
	/* Leave a metric out rather than export a bogus value. */
	if (st->have & SELFSTAT_STAT) {
		metrics_family(w, "process_cpu_seconds_total", METRICS_COUNTER,
		    "Total user and system CPU time spent in seconds.");
		metrics_sample(w, "process_cpu_seconds_total", NULL, NULL,
		    st->cpu_seconds);
		metrics_family(w, "process_resident_memory_bytes", METRICS_GAUGE,
		    "Resident memory size in bytes.");
		metrics_sample_u64(w, "process_resident_memory_bytes", NULL,
		    NULL, st->resident_bytes);
		metrics_family(w, "process_virtual_memory_bytes", METRICS_GAUGE,
		    "Virtual memory size in bytes.");
		metrics_sample_u64(w, "process_virtual_memory_bytes", NULL,
		    NULL, st->virtual_bytes);
		metrics_family(w, "process_start_time_seconds", METRICS_GAUGE,
		    "Start time of the process since unix epoch in seconds.");
		metrics_sample(w, "process_start_time_seconds", NULL, NULL,
		    st->start_time);
	}
	if (st->have & SELFSTAT_FDS) {
		metrics_family(w, "process_open_fds", METRICS_GAUGE,
		    "Number of open file descriptors.");
		metrics_sample_u64(w, "process_open_fds", NULL, NULL,
		    st->open_fds);
	}
	if (st->have & SELFSTAT_LIMITS) {
		metrics_family(w, "process_max_fds", METRICS_GAUGE,
		    "Maximum number of open file descriptors.");
		metrics_sample_u64(w, "process_max_fds", NULL, NULL,
		    st->max_fds);
	}
}
