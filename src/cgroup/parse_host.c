/*
 * parse_host: the host's own files: /proc/meminfo, the cpu list of
 * /sys/devices/system/cpu/online, /proc/cpuinfo, and DEVNAME= of a sysfs
 * block device's uevent.
 */
#include "cgroup/cgroup_parse.h"

#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

static int	 meminfo_lines(const char *, size_t, struct cgroup_meminfo *,
		    char *, size_t);

int
cgroup_parse_meminfo(const char *buf, size_t len, struct cgroup_meminfo *mi,
    char *err, size_t errlen)
{
	if (meminfo_lines(buf, len, mi, err, errlen) == -1) {
		mi->have = 0;
		return -1;
	}
	return 0;
}

static int
meminfo_lines(const char *buf, size_t len, struct cgroup_meminfo *mi,
    char *err, size_t errlen)
{
	struct cursor	 c = { buf, buf + len };
	struct span	 line, rest, key, val, unit;
	uint64_t	*dst, v;
	unsigned	 bit, lineno = 0;

	memset(mi, 0, sizeof(*mi));
	while (next_line(&c, &line)) {
		lineno++;
		rest = line;
		if (!next_token(&rest, &key))
			continue;
		if (span_eq(&key, "MemTotal:")) {
			dst = &mi->mem_total;
			bit = CGROUP_MI_MEMTOTAL;
		} else if (span_eq(&key, "SwapTotal:")) {
			dst = &mi->swap_total;
			bit = CGROUP_MI_SWAPTOTAL;
		} else if (span_eq(&key, "SwapFree:")) {
			dst = &mi->swap_free;
			bit = CGROUP_MI_SWAPFREE;
		} else
			continue;
		if (!next_token(&rest, &val) ||
		    num_parse_u64(val.s, val.n, &v) == -1)
			return err_set(err, errlen, "line %u: bad value", lineno);
		if (!next_token(&rest, &unit) || !span_eq(&unit, "kB"))
			return err_set(err, errlen, "line %u: expected kB",
			    lineno);
		if (v > UINT64_MAX / 1024)
			return err_set(err, errlen, "line %u: too large", lineno);
		*dst = v * 1024;
		mi->have |= bit;
	}
	if (!(mi->have & CGROUP_MI_MEMTOTAL))
		return err_set(err, errlen, "no MemTotal");
	return 0;
}

int
cgroup_parse_cpulist(const char *buf, size_t len, unsigned *count,
    char *err, size_t errlen)
{
	struct span	 sp = { buf, len }, item;
	const char	*comma, *dash;
	uint64_t	 a, b, total = 0;

	trim(&sp);
	if (sp.n == 0)
		return err_set(err, errlen, "empty cpu list");
	while (sp.n > 0) {
		comma = memchr(sp.s, ',', sp.n);
		item.s = sp.s;
		item.n = comma ? (size_t)(comma - sp.s) : sp.n;
		sp.s += item.n + (comma ? 1 : 0);
		sp.n -= item.n + (comma ? 1 : 0);
		if ((dash = memchr(item.s, '-', item.n)) == NULL) {
			if (num_parse_u64(item.s, item.n, &a) == -1)
				return err_set(err, errlen, "bad cpu number");
			b = a;
		} else if (num_parse_u64(item.s, (size_t)(dash - item.s),
		    &a) == -1 || num_parse_u64(dash + 1,
		    item.n - (size_t)(dash - item.s) - 1, &b) == -1)
			return err_set(err, errlen, "bad cpu range");
		/* No machine has a million CPUs; keeps the sum from wrapping. */
		if (a > b || b >= 1000000)
			return err_set(err, errlen, "bad cpu range");
		total += b - a + 1;
		if (total > 1000000)
			return err_set(err, errlen, "too many cpus");
	}
	*count = (unsigned)total;
	return 0;
}

int
cgroup_parse_cpuinfo(const char *buf, size_t len, unsigned *count,
    char *err, size_t errlen)
{
	struct cursor	c = { buf, buf + len };
	struct span	line, rest, tok;
	unsigned	n = 0;

	while (next_line(&c, &line)) {
		rest = line;
		if (!next_token(&rest, &tok))
			continue;
		/* "processor\t: 3"; tokens split on blanks, so a ':' follows. */
		if (span_eq(&tok, "processor") || span_eq(&tok, "processor:"))
			n++;
	}
	if (n == 0)
		return err_set(err, errlen, "no processor lines");
	*count = n;
	return 0;
}

int
cgroup_parse_uevent_devname(const char *buf, size_t len, char *name,
    size_t namelen, char *err, size_t errlen)
{
	struct cursor	c = { buf, buf + len };
	struct span	line;

	while (next_line(&c, &line)) {
		if (line.n < 8 || memcmp(line.s, "DEVNAME=", 8) != 0)
			continue;
		line.s += 8;
		line.n -= 8;
		trim(&line);
		if (line.n == 0 || line.n >= namelen ||
		    memchr(line.s, '\0', line.n) != NULL)
			return err_set(err, errlen, "bad DEVNAME");
		memcpy(name, line.s, line.n);
		name[line.n] = '\0';
		return 0;
	}
	return err_set(err, errlen, "no DEVNAME");
}
