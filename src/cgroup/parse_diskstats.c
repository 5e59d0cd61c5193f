/*
 * parse_diskstats: /proc/diskstats, one line per block device and
 * partition, "MAJ MIN name" and the counters of iostats.rst.
 */
#include "cgroup/cgroup_parse.h"

#include <limits.h>
#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

#define DISKSTATS_COUNTERS	11	/* the counters read, fields 4 to 14 */

static int	 diskstats_lines(const char *, size_t, struct cgroup_diskstat *,
		    size_t, size_t *, char *, size_t);
static int	 diskstats_line(struct span, struct cgroup_diskstat *);

int
cgroup_parse_diskstats(const char *buf, size_t len,
    struct cgroup_diskstat *devs, size_t cap, size_t *n, char *err,
    size_t errlen)
{
	if (diskstats_lines(buf, len, devs, cap, n, err, errlen) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

static int
diskstats_lines(const char *buf, size_t len, struct cgroup_diskstat *devs,
    size_t cap, size_t *n, char *err, size_t errlen)
{
	struct cursor		c = { buf, buf + len };
	struct span		line;
	struct cgroup_diskstat	spare;
	unsigned		lineno = 0;
	int			r;

	*n = 0;
	while (next_line(&c, &line)) {
		lineno++;
		/* Past the cap the line is still checked, into a spare. */
		r = diskstats_line(line, *n < cap ? &devs[*n] : &spare);
		if (r == -1)
			return err_set(err, errlen, "line %u: bad diskstats "
			    "line", lineno);
		if (r == 1 && *n < cap)
			(*n)++;
	}
	return 0;
}

/* 1 with *d filled, 0 for a line to skip (blank, short), -1 if malformed. */
static int
diskstats_line(struct span rest, struct cgroup_diskstat *d)
{
	struct span	 tok[3 + DISKSTATS_COUNTERS];
	uint64_t	*dst[DISKSTATS_COUNTERS] = {
		&d->reads, &d->reads_merged, &d->sectors_read, &d->read_ms,
		&d->writes, &d->writes_merged, &d->sectors_written,
		&d->write_ms, &d->in_progress, &d->io_ms, &d->weighted_io_ms,
	};
	uint64_t	 maj, min;
	size_t		 nt, i;

	for (nt = 0; nt < sizeof(tok) / sizeof(tok[0]); nt++)
		if (!next_token(&rest, &tok[nt]))
			break;
	if (nt == 0)
		return 0;
	if (num_parse_u64(tok[0].s, tok[0].n, &maj) == -1 || maj > UINT_MAX ||
	    nt < 2 || num_parse_u64(tok[1].s, tok[1].n, &min) == -1 ||
	    min > UINT_MAX || nt < 3)
		return -1;
	for (i = 3; i < nt; i++)
		if (num_parse_u64(tok[i].s, tok[i].n, dst[i - 3]) == -1)
			return -1;
	if (nt < sizeof(tok) / sizeof(tok[0]))
		return 0;	/* the old 4-counter partition line */
	d->major = (unsigned)maj;
	d->minor = (unsigned)min;
	return 1;
}
