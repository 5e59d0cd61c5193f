/*
 * parse_value: cgroup files that hold one value or one list: a number
 * (memory.current, pids.current), a limit that may read "max"
 * (memory.max, pids.max), a signed number (v1 cpu.cfs_quota_us), v2
 * cpu.max and cpu.weight, and cgroup.procs (one pid a line).
 * Single-value files are cgroup-v2.rst's "single value" format.
 */
#include "cgroup/cgroup_parse.h"

#include <limits.h>
#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

int
cgroup_parse_u64(const char *buf, size_t len, uint64_t *v, char *err,
    size_t errlen)
{
	struct span	sp = { buf, len };

	trim(&sp);
	if (sp.n == 0)
		return err_set(err, errlen, "empty file");
	if (num_parse_u64(sp.s, sp.n, v) == -1)
		return err_set(err, errlen, "not an unsigned 64-bit number");
	return 0;
}

int
cgroup_parse_limit(const char *buf, size_t len, uint64_t *v, char *err,
    size_t errlen)
{
	struct span	sp = { buf, len };

	trim(&sp);
	if (span_eq(&sp, "max")) {
		*v = UINT64_MAX;
		return 0;
	}
	return cgroup_parse_u64(buf, len, v, err, errlen);
}

int
cgroup_parse_i64(const char *buf, size_t len, int64_t *v, char *err,
    size_t errlen)
{
	struct span	sp = { buf, len };
	uint64_t	u;
	int		neg = 0;

	trim(&sp);
	if (sp.n > 0 && sp.s[0] == '-') {
		neg = 1;
		sp.s++;
		sp.n--;
	}
	if (sp.n == 0)
		return err_set(err, errlen, "empty file");
	if (num_parse_u64(sp.s, sp.n, &u) == -1)
		return err_set(err, errlen, "not a signed 64-bit number");
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return err_set(err, errlen, "number out of range");
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return err_set(err, errlen, "number out of range");
		*v = (int64_t)u;
	}
	return 0;
}

int
cgroup_parse_cpu_max(const char *buf, size_t len, struct cgroup_cpu_max *m,
    char *err, size_t errlen)
{
	struct span	rest = { buf, len }, q, p, extra;

	memset(m, 0, sizeof(*m));
	trim(&rest);
	if (rest.n == 0)
		return err_set(err, errlen, "empty file");
	if (!next_token(&rest, &q) || !next_token(&rest, &p))
		return err_set(err, errlen, "expected \"<quota|max> <period>\"");
	if (next_token(&rest, &extra))
		return err_set(err, errlen, "trailing data after the period");
	if (!span_eq(&q, "max") && num_parse_u64(q.s, q.n, &m->quota_us))
		return err_set(err, errlen, "bad quota");
	if (num_parse_u64(p.s, p.n, &m->period_us) == -1)
		return err_set(err, errlen, "bad period");
	return 0;
}

int
cgroup_weight_to_shares(uint64_t weight, uint64_t *shares)
{
	if (weight < 1 || weight > 10000)
		return -1;
	*shares = 2 + ((weight - 1) * 262142) / 9999;
	return 0;
}

void
cgroup_linecount_init(struct cgroup_linecount *lc)
{
	memset(lc, 0, sizeof(*lc));
}

int
cgroup_linecount_feed(struct cgroup_linecount *lc, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (lc->inline_)
				lc->lines++;
			lc->inline_ = 0;
		} else if (p[i] >= '0' && p[i] <= '9') {
			lc->inline_ = 1;
			/* Past INT_MAX it is no pid; stop growing there. */
			if (lc->lines == 0 && lc->first <= INT_MAX)
				lc->first = lc->first * 10 +
				    (uint64_t)(p[i] - '0');
		} else
			return -1;
	}
	return 0;
}

uint64_t
cgroup_linecount_end(const struct cgroup_linecount *lc)
{
	return lc->lines + (lc->inline_ ? 1 : 0);
}

pid_t
cgroup_linecount_first(const struct cgroup_linecount *lc)
{
	return lc->first <= INT_MAX ? (pid_t)lc->first : 0;
}

int
cgroup_parse_first_pid(const char *buf, size_t len, pid_t *pid, char *err,
    size_t errlen)
{
	struct cursor	c = { buf, buf + len };
	struct span	line;
	uint64_t	v;

	*pid = 0;
	while (next_line(&c, &line)) {
		trim(&line);
		if (line.n == 0)
			continue;
		if (num_parse_u64(line.s, line.n, &v) == -1 || v == 0 ||
		    v > INT_MAX)
			return err_set(err, errlen, "bad pid");
		*pid = (pid_t)v;
		return 0;
	}
	return 0;
}
