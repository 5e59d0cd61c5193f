/*
 * parse_keyed: cgroup-v2.rst's "flat keyed" files (one "key value" pair
 * a line: cpu.stat, memory.stat, memory.events, v1 cpuacct.stat and
 * memory.oom_control) through one table-driven parser, and the "nested
 * keyed" *.pressure files.
 */
#include "cgroup/cgroup_parse.h"

#include <stddef.h>
#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

struct key {
	const char	*name;
	size_t		 len;	/* strlen(name) */
	size_t		 off;	/* of a uint64_t inside the output struct */
	unsigned	 bit;
};

static uint64_t	 key_heads(const struct key *, size_t);
static const struct key *match_key(const struct key *, size_t,
		    const char *, size_t);
static int	 parse_keyed(const char *, size_t, const struct key *, size_t,
		    void *, unsigned *, char *, size_t);
static int	 psi_line(const struct span *, uint64_t *);

/* Bit (c & 63) set for the first byte c of every key: a cheap "maybe". */
static uint64_t
key_heads(const struct key *keys, size_t nkeys)
{
	uint64_t	m = 0;
	size_t		i;

	for (i = 0; i < nkeys; i++)
		m |= UINT64_C(1) << ((unsigned char)keys[i].name[0] & 63);
	return m;
}

/*
 * The key that is the first token of s[0..n), where s[0] is not blank, or
 * NULL. The token is not cut out first: the first byte and the byte after
 * the key's length rule out nearly every line nobody asked for (most of
 * memory.stat) before any memcmp.
 */
static const struct key *
match_key(const struct key *keys, size_t nkeys, const char *s, size_t n)
{
	const struct key	*k, *end = keys + nkeys;

	for (k = keys; k < end; k++) {
		if (s[0] != k->name[0] || n < k->len)
			continue;
		if ((n == k->len || is_blank(s[k->len])) &&
		    memcmp(s, k->name, k->len) == 0)
			return k;
	}
	return NULL;
}

/*
 * "Flat keyed" files: one "key value" pair per line. Unknown keys are
 * skipped without looking at their values (new kernels add keys all the
 * time); a known key must carry exactly one unsigned number. A file with
 * no known key at all is garbage, not an empty result.
 */
static int
parse_keyed(const char *buf, size_t len, const struct key *keys,
    size_t nkeys, void *out, unsigned *have, char *err, size_t errlen)
{
	struct cursor	 c = { buf, buf + len };
	struct span	 line, rest, val, extra;
	const struct key *k;
	uint64_t	 v, heads = key_heads(keys, nkeys);
	unsigned	 lineno = 0;

	*have = 0;
	while (next_line(&c, &line)) {
		lineno++;
		while (line.n > 0 && is_blank(*line.s)) {
			line.s++;
			line.n--;
		}
		if (line.n == 0)
			continue;
		/* Most lines hold keys nobody asked for: the first byte tells. */
		if ((heads & (UINT64_C(1) << ((unsigned char)line.s[0] & 63))) ==
		    0 || (k = match_key(keys, nkeys, line.s, line.n)) == NULL)
			continue;
		rest.s = line.s + k->len;
		rest.n = line.n - k->len;
		if (!next_token(&rest, &val)) {
			err_set(err, errlen, "line %u: %s has no value", lineno,
			    k->name);
			goto fail;
		}
		if (next_token(&rest, &extra)) {
			err_set(err, errlen, "line %u: trailing data after %s",
			    lineno, k->name);
			goto fail;
		}
		if (num_parse_u64(val.s, val.n, &v) == -1) {
			err_set(err, errlen, "line %u: %s: bad or too large "
			    "number", lineno, k->name);
			goto fail;
		}
		memcpy((char *)out + k->off, &v, sizeof(v));
		*have |= k->bit;
	}
	if (*have != 0)
		return 0;
	err_set(err, errlen, len == 0 ? "empty file" :
	    "none of the expected keys found");
fail:
	/* A malformed file contributes nothing, not half its values. */
	*have = 0;
	return -1;
}

#define KEY(name, type, field, bit) \
	{ name, sizeof(name) - 1, offsetof(type, field), bit }

static const struct key cpu_stat_keys[] = {
	KEY("usage_usec", struct cgroup_cpu_stat, usage_usec, CGROUP_CPU_USAGE),
	KEY("user_usec", struct cgroup_cpu_stat, user_usec, CGROUP_CPU_USER),
	KEY("system_usec", struct cgroup_cpu_stat, system_usec,
	    CGROUP_CPU_SYSTEM),
	KEY("nr_periods", struct cgroup_cpu_stat, nr_periods,
	    CGROUP_CPU_PERIODS),
	KEY("nr_throttled", struct cgroup_cpu_stat, nr_throttled,
	    CGROUP_CPU_THROTTLED),
	KEY("throttled_usec", struct cgroup_cpu_stat, throttled,
	    CGROUP_CPU_THR_TIME),
	KEY("nr_bursts", struct cgroup_cpu_stat, nr_bursts, CGROUP_CPU_BURSTS),
	KEY("burst_usec", struct cgroup_cpu_stat, burst,
	    CGROUP_CPU_BURST_TIME),
};

static const struct key cpu_stat_v1_keys[] = {
	KEY("nr_periods", struct cgroup_cpu_stat, nr_periods,
	    CGROUP_CPU_PERIODS),
	KEY("nr_throttled", struct cgroup_cpu_stat, nr_throttled,
	    CGROUP_CPU_THROTTLED),
	KEY("throttled_time", struct cgroup_cpu_stat, throttled,
	    CGROUP_CPU_THR_TIME),
	KEY("nr_bursts", struct cgroup_cpu_stat, nr_bursts, CGROUP_CPU_BURSTS),
	KEY("burst_time", struct cgroup_cpu_stat, burst,
	    CGROUP_CPU_BURST_TIME),
};

static const struct key cpuacct_keys[] = {
	KEY("user", struct cgroup_cpuacct_stat, user_ticks, CGROUP_CPUACCT_USER),
	KEY("system", struct cgroup_cpuacct_stat, system_ticks,
	    CGROUP_CPUACCT_SYSTEM),
};

/* The keys cAdvisor reads by the same name on v1 and v2. */
#define MEMSTAT_COMMON_KEYS \
	KEY("pgfault", struct cgroup_memory_stat, pgfault, \
	    CGROUP_MEM_PGFAULT), \
	KEY("pgmajfault", struct cgroup_memory_stat, pgmajfault, \
	    CGROUP_MEM_PGMAJFAULT), \
	KEY("file_dirty", struct cgroup_memory_stat, file_dirty, \
	    CGROUP_MEM_DIRTY), \
	KEY("file_writeback", struct cgroup_memory_stat, file_writeback, \
	    CGROUP_MEM_WRITEBACK), \
	KEY("pgscan", struct cgroup_memory_stat, pgscan, CGROUP_MEM_PGSCAN), \
	KEY("pgsteal", struct cgroup_memory_stat, pgsteal, \
	    CGROUP_MEM_PGSTEAL), \
	KEY("workingset_refault_file", struct cgroup_memory_stat, \
	    refault_file, CGROUP_MEM_REFAULT_FILE), \
	KEY("workingset_refault_anon", struct cgroup_memory_stat, \
	    refault_anon, CGROUP_MEM_REFAULT_ANON),

static const struct key memstat_keys[] = {
	KEY("anon", struct cgroup_memory_stat, anon, CGROUP_MEM_ANON),
	KEY("file", struct cgroup_memory_stat, file, CGROUP_MEM_FILE),
	KEY("file_mapped", struct cgroup_memory_stat, file_mapped,
	    CGROUP_MEM_MAPPED),
	KEY("inactive_file", struct cgroup_memory_stat, inactive_file,
	    CGROUP_MEM_INACTIVE),
	KEY("active_file", struct cgroup_memory_stat, active_file,
	    CGROUP_MEM_ACTIVE),
	MEMSTAT_COMMON_KEYS
};

/*
 * Hierarchical totals, as cAdvisor reads them when use_hierarchy is on;
 * the common keys by their own names, as cAdvisor reads them on v1 too.
 */
static const struct key memstat_v1_keys[] = {
	KEY("total_rss", struct cgroup_memory_stat, anon, CGROUP_MEM_ANON),
	KEY("total_cache", struct cgroup_memory_stat, file, CGROUP_MEM_FILE),
	KEY("total_mapped_file", struct cgroup_memory_stat, file_mapped,
	    CGROUP_MEM_MAPPED),
	KEY("total_inactive_file", struct cgroup_memory_stat, inactive_file,
	    CGROUP_MEM_INACTIVE),
	KEY("total_swap", struct cgroup_memory_stat, swap, CGROUP_MEM_SWAP),
	KEY("total_active_file", struct cgroup_memory_stat, active_file,
	    CGROUP_MEM_ACTIVE),
	MEMSTAT_COMMON_KEYS
};

static const struct key memevents_keys[] = {
	KEY("low", struct cgroup_memory_events, low, CGROUP_EV_LOW),
	KEY("high", struct cgroup_memory_events, high, CGROUP_EV_HIGH),
	KEY("max", struct cgroup_memory_events, max, CGROUP_EV_MAX),
	KEY("oom", struct cgroup_memory_events, oom, CGROUP_EV_OOM),
	KEY("oom_kill", struct cgroup_memory_events, oom_kill,
	    CGROUP_EV_OOM_KILL),
};

/* memory.oom_control; the first two keys only prove the file is real. */
struct oomctl {
	uint64_t	disable;
	uint64_t	under;
	uint64_t	kill;
};
static const struct key oomctl_keys[] = {
	KEY("oom_kill_disable", struct oomctl, disable, 0x1),
	KEY("under_oom", struct oomctl, under, 0x2),
	KEY("oom_kill", struct oomctl, kill, 0x4),
};

#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))

int
cgroup_parse_cpu_stat(const char *buf, size_t len, struct cgroup_cpu_stat *s,
    char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, cpu_stat_keys, NKEYS(cpu_stat_keys), s,
	    &s->have, err, errlen);
}

int
cgroup_parse_cpu_stat_v1(const char *buf, size_t len,
    struct cgroup_cpu_stat *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, cpu_stat_v1_keys,
	    NKEYS(cpu_stat_v1_keys), s, &s->have, err, errlen);
}

int
cgroup_parse_cpuacct_stat(const char *buf, size_t len,
    struct cgroup_cpuacct_stat *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, cpuacct_keys, NKEYS(cpuacct_keys), s,
	    &s->have, err, errlen);
}

int
cgroup_parse_memory_stat(const char *buf, size_t len,
    struct cgroup_memory_stat *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, memstat_keys, NKEYS(memstat_keys), s,
	    &s->have, err, errlen);
}

int
cgroup_parse_memory_stat_v1(const char *buf, size_t len,
    struct cgroup_memory_stat *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, memstat_v1_keys, NKEYS(memstat_v1_keys),
	    s, &s->have, err, errlen);
}

int
cgroup_parse_memory_events(const char *buf, size_t len,
    struct cgroup_memory_events *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return parse_keyed(buf, len, memevents_keys, NKEYS(memevents_keys), s,
	    &s->have, err, errlen);
}

int
cgroup_parse_oom_control(const char *buf, size_t len,
    struct cgroup_memory_events *s, char *err, size_t errlen)
{
	struct oomctl	o;
	unsigned	have;

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	if (parse_keyed(buf, len, oomctl_keys, NKEYS(oomctl_keys), &o, &have,
	    err, errlen) == -1)
		return -1;
	/* Kernels before 4.13 have no oom_kill line: valid, nothing to count. */
	if (have & 0x4) {
		s->oom_kill = o.kill;
		s->have = CGROUP_EV_OOM_KILL;
	}
	return 0;
}

/*
 * The tail of a "some"/"full" line, after the kind: the value of its last
 * total= token in *v. 1 when there is one, 0 when there is none, -1 when
 * one is not a number. A token is a run of non-blanks, so "total=" only
 * counts where a 't' starts a token: memchr hops over the avg fields
 * instead of cutting every one of them out.
 */
static int
psi_line(const struct span *rest, uint64_t *v)
{
	const char	*p = rest->s, *end = rest->s + rest->n, *t, *e;
	int		 found = 0;

	while ((t = memchr(p, 't', (size_t)(end - p))) != NULL) {
		p = t + 1;
		if ((t > rest->s && !is_blank(t[-1])) ||
		    (size_t)(end - t) < 6 || memcmp(t, "total=", 6) != 0)
			continue;
		for (e = t + 6; e < end && !is_blank(*e); e++)
			;
		if (num_parse_u64(t + 6, (size_t)(e - t - 6), v) == -1)
			return -1;
		found = 1;
		p = e;
	}
	return found;
}

int
cgroup_parse_pressure(const char *buf, size_t len, struct cgroup_psi *psi,
    char *err, size_t errlen)
{
	struct cursor	 c = { buf, buf + len };
	struct span	 line, rest, kind;
	uint64_t	*dst, v = 0;
	unsigned	 bit, lineno = 0;
	int		 r;

	memset(psi, 0, sizeof(*psi));
	while (next_line(&c, &line)) {
		lineno++;
		rest = line;
		if (!next_token(&rest, &kind))
			continue;
		if (span_eq(&kind, "some")) {
			dst = &psi->some_total_us;
			bit = CGROUP_PSI_SOME;
		} else if (span_eq(&kind, "full")) {
			dst = &psi->full_total_us;
			bit = CGROUP_PSI_FULL;
		} else
			continue;
		if ((r = psi_line(&rest, &v)) != 1) {
			psi->have = 0;
			return err_set(err, errlen, r == -1 ? "line %u: bad total" :
			    "line %u: no total=", lineno);
		}
		*dst = v;
		psi->have |= bit;
	}
	if (psi->have == 0)
		return err_set(err, errlen, len == 0 ? "empty file" :
		    "no some/full line");
	return 0;
}
