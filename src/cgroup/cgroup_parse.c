/*
 * cgroup_parse: pure parsers of cgroup v1/v2 and /proc files.
 *
 * Formats follow Documentation/admin-guide/cgroup-v2.rst ("flat keyed",
 * "nested keyed", single value) and cgroup-v1/{memory,blkio-controller,
 * cpuacct}.rst. The kernel writes them with single spaces and a trailing
 * newline; we accept runs of blanks and a missing final newline, since a
 * fixture or a truncated read may lack it, and treat everything else we
 * rely on as untrusted.
 */
#include "cgroup/cgroup_parse.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cursor {
	const char	*p;
	const char	*end;
};

/* A byte range of the input; never NUL-terminated. */
struct span {
	const char	*s;
	size_t		 n;
};

struct key {
	const char	*name;
	size_t		 len;	/* strlen(name) */
	size_t		 off;	/* of a uint64_t inside the output struct */
	unsigned	 bit;
};

static int	 perr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 next_line(struct cursor *, struct span *);
static int	 next_token(struct span *, struct span *);
static int	 span_eq(const struct span *, const char *);
static int	 is_blank(char);
static void	 trim(struct span *);
static uint64_t	 key_heads(const struct key *, size_t);
static const struct key *match_key(const struct key *, size_t,
		    const char *, size_t);
static int	 psi_line(const struct span *, uint64_t *);
static int	 parse_keyed(const char *, size_t, const struct key *, size_t,
		    void *, unsigned *, char *, size_t);
static uint64_t	*io_field(struct cgroup_io_dev *, const struct span *);
static int	 io_token(const char **, const char *, struct cgroup_io_dev *,
		    const char **);
static int	 io_stat_lines(const char *, size_t, struct cgroup_io_dev *,
		    size_t, size_t *, char *, size_t);
static int	 meminfo_lines(const char *, size_t, struct cgroup_meminfo *,
		    char *, size_t);
static int	 list_has(const char *, size_t, const char *);
static int	 parse_majmin(const struct span *, unsigned *, unsigned *);
static struct cgroup_io_dev *io_slot(struct cgroup_io_dev *, size_t,
		    size_t *, unsigned, unsigned);

static int
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ' ', '\t' or '\r'; one compare settles every printable byte. */
#define BLANKS	((UINT64_C(1) << ' ') | (UINT64_C(1) << '\t') | \
		    (UINT64_C(1) << '\r'))

static int
is_blank(char c)
{
	unsigned char	u = (unsigned char)c;

	return u <= ' ' && ((UINT64_C(1) << u) & BLANKS) != 0;
}

/* Next line without its '\n'; 0 at the end of the input. */
static int
next_line(struct cursor *c, struct span *line)
{
	const char	*nl;

	if (c->p >= c->end)
		return 0;
	line->s = c->p;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (nl == NULL) {
		line->n = (size_t)(c->end - c->p);
		c->p = c->end;
	} else {
		line->n = (size_t)(nl - c->p);
		c->p = nl + 1;
	}
	return 1;
}

/* Splits the next blank-separated token off the front of `rest`. */
static int
next_token(struct span *rest, struct span *tok)
{
	const char	*p = rest->s, *end = rest->s + rest->n;

	while (p < end && is_blank(*p))
		p++;
	rest->s = p;
	rest->n = (size_t)(end - p);
	if (p == end)
		return 0;
	tok->s = p;
	while (p < end && !is_blank(*p))
		p++;
	tok->n = (size_t)(p - tok->s);
	rest->s = p;
	rest->n = (size_t)(end - p);
	return 1;
}

static int
span_eq(const struct span *sp, const char *lit)
{
	size_t	n = strlen(lit);

	return sp->n == n && memcmp(sp->s, lit, n) == 0;
}

static void
trim(struct span *sp)
{
	while (sp->n > 0 && (is_blank(sp->s[0]) || sp->s[0] == '\n')) {
		sp->s++;
		sp->n--;
	}
	while (sp->n > 0 && (is_blank(sp->s[sp->n - 1]) ||
	    sp->s[sp->n - 1] == '\n'))
		sp->n--;
}

int
cgroup_parse_dec(const char *s, size_t len, uint64_t *v)
{
	uint64_t	acc = 0;
	unsigned	d;
	size_t		i;

	if (len == 0)
		return -1;
	/*
	 * 19 digits stay below 2^64 (10^19 - 1 < 1.8 * 10^19): counters,
	 * almost every number we read, need no per-digit overflow check.
	 */
	if (len <= 19) {
		for (i = 0; i < len; i++) {
			d = (unsigned)(unsigned char)s[i] - '0';
			if (d > 9)
				return -1;
			acc = acc * 10 + d;
		}
		*v = acc;
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return -1;
		acc = acc * 10 + d;
	}
	*v = acc;
	return 0;
}

int
cgroup_parse_u64(const char *buf, size_t len, uint64_t *v, char *err,
    size_t errlen)
{
	struct span	sp = { buf, len };

	trim(&sp);
	if (sp.n == 0)
		return perr(err, errlen, "empty file");
	if (cgroup_parse_dec(sp.s, sp.n, v) == -1)
		return perr(err, errlen, "not an unsigned 64-bit number");
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
		return perr(err, errlen, "empty file");
	if (cgroup_parse_dec(sp.s, sp.n, &u) == -1)
		return perr(err, errlen, "not a signed 64-bit number");
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return perr(err, errlen, "number out of range");
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return perr(err, errlen, "number out of range");
		*v = (int64_t)u;
	}
	return 0;
}

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
			perr(err, errlen, "line %u: %s has no value", lineno,
			    k->name);
			goto fail;
		}
		if (next_token(&rest, &extra)) {
			perr(err, errlen, "line %u: trailing data after %s",
			    lineno, k->name);
			goto fail;
		}
		if (cgroup_parse_dec(val.s, val.n, &v) == -1) {
			perr(err, errlen, "line %u: %s: bad or too large "
			    "number", lineno, k->name);
			goto fail;
		}
		memcpy((char *)out + k->off, &v, sizeof(v));
		*have |= k->bit;
	}
	if (*have != 0)
		return 0;
	perr(err, errlen, len == 0 ? "empty file" :
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
};

static const struct key cpu_stat_v1_keys[] = {
	KEY("nr_periods", struct cgroup_cpu_stat, nr_periods,
	    CGROUP_CPU_PERIODS),
	KEY("nr_throttled", struct cgroup_cpu_stat, nr_throttled,
	    CGROUP_CPU_THROTTLED),
	KEY("throttled_time", struct cgroup_cpu_stat, throttled,
	    CGROUP_CPU_THR_TIME),
};

static const struct key cpuacct_keys[] = {
	KEY("user", struct cgroup_cpuacct_stat, user_ticks, CGROUP_CPUACCT_USER),
	KEY("system", struct cgroup_cpuacct_stat, system_ticks,
	    CGROUP_CPUACCT_SYSTEM),
};

static const struct key memstat_keys[] = {
	KEY("anon", struct cgroup_memory_stat, anon, CGROUP_MEM_ANON),
	KEY("file", struct cgroup_memory_stat, file, CGROUP_MEM_FILE),
	KEY("file_mapped", struct cgroup_memory_stat, file_mapped,
	    CGROUP_MEM_MAPPED),
	KEY("inactive_file", struct cgroup_memory_stat, inactive_file,
	    CGROUP_MEM_INACTIVE),
};

/* Hierarchical totals, as cAdvisor reads them when use_hierarchy is on. */
static const struct key memstat_v1_keys[] = {
	KEY("total_rss", struct cgroup_memory_stat, anon, CGROUP_MEM_ANON),
	KEY("total_cache", struct cgroup_memory_stat, file, CGROUP_MEM_FILE),
	KEY("total_mapped_file", struct cgroup_memory_stat, file_mapped,
	    CGROUP_MEM_MAPPED),
	KEY("total_inactive_file", struct cgroup_memory_stat, inactive_file,
	    CGROUP_MEM_INACTIVE),
	KEY("total_swap", struct cgroup_memory_stat, swap, CGROUP_MEM_SWAP),
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

int
cgroup_parse_cpu_max(const char *buf, size_t len, struct cgroup_cpu_max *m,
    char *err, size_t errlen)
{
	struct span	rest = { buf, len }, q, p, extra;

	memset(m, 0, sizeof(*m));
	trim(&rest);
	if (rest.n == 0)
		return perr(err, errlen, "empty file");
	if (!next_token(&rest, &q) || !next_token(&rest, &p))
		return perr(err, errlen, "expected \"<quota|max> <period>\"");
	if (next_token(&rest, &extra))
		return perr(err, errlen, "trailing data after the period");
	if (!span_eq(&q, "max") && cgroup_parse_dec(q.s, q.n, &m->quota_us))
		return perr(err, errlen, "bad quota");
	if (cgroup_parse_dec(p.s, p.n, &m->period_us) == -1)
		return perr(err, errlen, "bad period");
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
		if (cgroup_parse_dec(t + 6, (size_t)(e - t - 6), v) == -1)
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
			return perr(err, errlen, r == -1 ? "line %u: bad total" :
			    "line %u: no total=", lineno);
		}
		*dst = v;
		psi->have |= bit;
	}
	if (psi->have == 0)
		return perr(err, errlen, len == 0 ? "empty file" :
		    "no some/full line");
	return 0;
}

static int
parse_majmin(const struct span *tok, unsigned *maj, unsigned *min)
{
	const char	*colon;
	uint64_t	 a, b;

	colon = memchr(tok->s, ':', tok->n);
	if (colon == NULL)
		return -1;
	if (cgroup_parse_dec(tok->s, (size_t)(colon - tok->s), &a) == -1 ||
	    cgroup_parse_dec(colon + 1, tok->n - (size_t)(colon - tok->s) - 1,
	    &b) == -1 || a > UINT_MAX || b > UINT_MAX)
		return -1;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return 0;
}

int
cgroup_parse_io_stat(const char *buf, size_t len, struct cgroup_io_dev *devs,
    size_t cap, size_t *n, char *err, size_t errlen)
{
	if (io_stat_lines(buf, len, devs, cap, n, err, errlen) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

/* The counter of d an io.stat key names; NULL for the keys we skip. */
static uint64_t *
io_field(struct cgroup_io_dev *d, const struct span *key)
{
	if (key->n == 6 && memcmp(key->s + 1, "bytes", 5) == 0) {
		if (key->s[0] == 'r')
			return &d->rbytes;
		if (key->s[0] == 'w')
			return &d->wbytes;
	} else if (key->n == 4 && memcmp(key->s + 1, "ios", 3) == 0) {
		if (key->s[0] == 'r')
			return &d->rios;
		if (key->s[0] == 'w')
			return &d->wios;
	}
	return NULL;
}

/*
 * One "key=value" token of an io.stat line, starting at *pp on a non-blank
 * byte; *pp ends up past it. The counter the key names is stored in d;
 * other keys (dbytes, dios, cost.* ...) are skipped, their values unread.
 * Key and value are scanned once, the value converted on the way.
 * Returns 1 for a stored counter, 0 for a skipped key, -1 with *why.
 */
static int
io_token(const char **pp, const char *end, struct cgroup_io_dev *d,
    const char **why)
{
	const char	*p = *pp, *val;
	struct span	 key;
	uint64_t	*dst, acc = 0, big;
	unsigned	 dg;

	while (p < end && *p != '=' && !is_blank(*p))
		p++;
	if (p == end || *p != '=') {
		*why = "token without '='";
		return -1;
	}
	key.s = *pp;
	key.n = (size_t)(p - *pp);
	val = ++p;
	if ((dst = io_field(d, &key)) == NULL) {
		while (p < end && !is_blank(*p))
			p++;
		*pp = p;
		return 0;
	}
	while (p < end && (dg = (unsigned)(unsigned char)*p - '0') <= 9) {
		acc = acc * 10 + dg;
		p++;
	}
	/* Empty, another byte in it, or past 19 digits and over 2^64 - 1. */
	if (p == val || (p < end && !is_blank(*p))) {
		*why = "bad number";
		return -1;
	}
	if (p - val > 19) {
		if (cgroup_parse_dec(val, (size_t)(p - val), &big) == -1) {
			*why = "bad number";
			return -1;
		}
		acc = big;
	}
	*dst = acc;
	*pp = p;
	return 1;
}

static int
io_stat_lines(const char *buf, size_t len, struct cgroup_io_dev *devs,
    size_t cap, size_t *n, char *err, size_t errlen)
{
	struct cursor		 c = { buf, buf + len };
	struct span		 line, rest, tok;
	struct cgroup_io_dev	 d;
	const char		*p, *end, *why;
	unsigned		 lineno = 0;
	int			 known, r;

	*n = 0;
	while (next_line(&c, &line)) {
		lineno++;
		rest = line;
		if (!next_token(&rest, &tok))
			continue;
		memset(&d, 0, sizeof(d));
		if (parse_majmin(&tok, &d.major, &d.minor) == -1)
			return perr(err, errlen, "line %u: bad MAJ:MIN",
			    lineno);
		known = 0;
		for (p = rest.s, end = rest.s + rest.n;;) {
			while (p < end && is_blank(*p))
				p++;
			if (p == end)
				break;
			if ((r = io_token(&p, end, &d, &why)) == -1)
				return perr(err, errlen, "line %u: %s", lineno,
				    why);
			known += r;
		}
		if (known == 0)
			return perr(err, errlen, "line %u: no counters",
			    lineno);
		if (*n < cap)
			devs[(*n)++] = d;
	}
	return 0;
}

/* The entry for maj:min in devs[0..*n), appended if new; NULL if full. */
static struct cgroup_io_dev *
io_slot(struct cgroup_io_dev *devs, size_t cap, size_t *n, unsigned maj,
    unsigned min)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (devs[i].major == maj && devs[i].minor == min)
			return &devs[i];
	if (*n >= cap)
		return NULL;
	memset(&devs[*n], 0, sizeof(devs[*n]));
	devs[*n].major = maj;
	devs[*n].minor = min;
	return &devs[(*n)++];
}

int
cgroup_parse_blkio(const char *buf, size_t len, enum cgroup_blkio_kind kind,
    struct cgroup_io_dev *devs, size_t cap, size_t *n, char *err,
    size_t errlen)
{
	struct cursor		 c = { buf, buf + len };
	struct span		 line, rest, dev, op, val, extra;
	struct cgroup_io_dev	*d;
	unsigned		 maj, min, lineno = 0;
	uint64_t		 v;

	while (next_line(&c, &line)) {
		lineno++;
		rest = line;
		if (!next_token(&rest, &dev))
			continue;
		if (!next_token(&rest, &op))
			return perr(err, errlen, "line %u: truncated", lineno);
		if (span_eq(&dev, "Total")) {
			/* The grand total: "Total N". */
			if (cgroup_parse_dec(op.s, op.n, &v) == -1 ||
			    next_token(&rest, &extra))
				return perr(err, errlen, "line %u: bad Total",
				    lineno);
			continue;
		}
		if (parse_majmin(&dev, &maj, &min) == -1)
			return perr(err, errlen, "line %u: bad MAJ:MIN",
			    lineno);
		if (!next_token(&rest, &val) || next_token(&rest, &extra) ||
		    cgroup_parse_dec(val.s, val.n, &v) == -1)
			return perr(err, errlen, "line %u: bad value", lineno);
		if (!span_eq(&op, "Read") && !span_eq(&op, "Write"))
			continue;	/* Sync, Async, Discard, Total */
		if ((d = io_slot(devs, cap, n, maj, min)) == NULL)
			continue;
		if (kind == CGROUP_BLKIO_BYTES) {
			if (span_eq(&op, "Read"))
				d->rbytes = v;
			else
				d->wbytes = v;
		} else {
			if (span_eq(&op, "Read"))
				d->rios = v;
			else
				d->wios = v;
		}
	}
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
		} else if (p[i] >= '0' && p[i] <= '9')
			lc->inline_ = 1;
		else
			return -1;
	}
	return 0;
}

uint64_t
cgroup_linecount_end(const struct cgroup_linecount *lc)
{
	return lc->lines + (lc->inline_ ? 1 : 0);
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
		if (cgroup_parse_dec(line.s, line.n, &v) == -1 || v == 0 ||
		    v > INT_MAX)
			return perr(err, errlen, "bad pid");
		*pid = (pid_t)v;
		return 0;
	}
	return 0;
}

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
		    cgroup_parse_dec(val.s, val.n, &v) == -1)
			return perr(err, errlen, "line %u: bad value", lineno);
		if (!next_token(&rest, &unit) || !span_eq(&unit, "kB"))
			return perr(err, errlen, "line %u: expected kB",
			    lineno);
		if (v > UINT64_MAX / 1024)
			return perr(err, errlen, "line %u: too large", lineno);
		*dst = v * 1024;
		mi->have |= bit;
	}
	if (!(mi->have & CGROUP_MI_MEMTOTAL))
		return perr(err, errlen, "no MemTotal");
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
		return perr(err, errlen, "empty cpu list");
	while (sp.n > 0) {
		comma = memchr(sp.s, ',', sp.n);
		item.s = sp.s;
		item.n = comma ? (size_t)(comma - sp.s) : sp.n;
		sp.s += item.n + (comma ? 1 : 0);
		sp.n -= item.n + (comma ? 1 : 0);
		if ((dash = memchr(item.s, '-', item.n)) == NULL) {
			if (cgroup_parse_dec(item.s, item.n, &a) == -1)
				return perr(err, errlen, "bad cpu number");
			b = a;
		} else if (cgroup_parse_dec(item.s, (size_t)(dash - item.s),
		    &a) == -1 || cgroup_parse_dec(dash + 1,
		    item.n - (size_t)(dash - item.s) - 1, &b) == -1)
			return perr(err, errlen, "bad cpu range");
		/* No machine has a million CPUs; keeps the sum from wrapping. */
		if (a > b || b >= 1000000)
			return perr(err, errlen, "bad cpu range");
		total += b - a + 1;
		if (total > 1000000)
			return perr(err, errlen, "too many cpus");
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
		return perr(err, errlen, "no processor lines");
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
			return perr(err, errlen, "bad DEVNAME");
		memcpy(name, line.s, line.n);
		name[line.n] = '\0';
		return 0;
	}
	return perr(err, errlen, "no DEVNAME");
}

/* 1 if the comma-separated list `list` names `ctrl`. */
static int
list_has(const char *list, size_t n, const char *ctrl)
{
	const char	*end = list + n, *comma;
	size_t		 clen = strlen(ctrl), ilen;

	while (list < end) {
		comma = memchr(list, ',', (size_t)(end - list));
		ilen = comma ? (size_t)(comma - list) : (size_t)(end - list);
		if (ilen == clen && memcmp(list, ctrl, clen) == 0)
			return 1;
		list += ilen + 1;
	}
	return 0;
}

int
cgroup_parse_proc_cgroup(const char *buf, size_t len, const char *controller,
    char *path, size_t pathlen, char *err, size_t errlen)
{
	struct cursor	 c = { buf, buf + len };
	struct span	 line;
	const char	*c1, *c2;
	size_t		 n;

	while (next_line(&c, &line)) {
		if ((c1 = memchr(line.s, ':', line.n)) == NULL)
			continue;
		c2 = memchr(c1 + 1, ':', line.n - (size_t)(c1 + 1 - line.s));
		if (c2 == NULL)
			continue;
		n = (size_t)(c2 - c1 - 1);
		if (controller[0] == '\0' ? n != 0 :
		    !list_has(c1 + 1, n, controller))
			continue;
		line.n -= (size_t)(c2 + 1 - line.s);
		line.s = c2 + 1;
		if (line.n == 0 || line.s[0] != '/' || line.n >= pathlen ||
		    memchr(line.s, '\0', line.n) != NULL)
			return perr(err, errlen, "bad path for %s",
			    controller[0] ? controller : "cgroup2");
		memcpy(path, line.s, line.n);
		path[line.n] = '\0';
		return 0;
	}
	return perr(err, errlen, "no line for %s",
	    controller[0] ? controller : "cgroup2");
}
