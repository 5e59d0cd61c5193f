/*
 * parse_io: per-device block I/O counters: v2 io.stat ("MAJ:MIN
 * key=value ...", nested keyed) and v1 blkio.throttle.* (one "MAJ:MIN Op
 * N" line per device and operation, cgroup-v1/blkio-controller.rst).
 */
#include "cgroup/cgroup_parse.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

static int	 parse_majmin(const struct span *, unsigned *, unsigned *);
static uint64_t	*io_field(struct cgroup_io_dev *, const struct span *,
		    unsigned *);
static int	 io_token(const char **, const char *, struct cgroup_io_dev *,
		    const char **);
static int	 io_stat_lines(const char *, size_t, struct cgroup_io_dev *,
		    size_t, size_t *, char *, size_t);
static struct cgroup_io_dev *io_slot(struct cgroup_io_dev *, size_t,
		    size_t *, unsigned, unsigned);
static unsigned	 blkio_op(const struct span *);
static uint64_t	*blkio_bytes(struct cgroup_io_dev *, unsigned);

static int
parse_majmin(const struct span *tok, unsigned *maj, unsigned *min)
{
	const char	*colon;
	uint64_t	 a, b;

	colon = memchr(tok->s, ':', tok->n);
	if (colon == NULL)
		return -1;
	if (num_parse_u64(tok->s, (size_t)(colon - tok->s), &a) == -1 ||
	    num_parse_u64(colon + 1, tok->n - (size_t)(colon - tok->s) - 1,
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

/* io.cost's four keys, until all four are seen: then CGROUP_IO_COST. */
#define COST_USAGE	0x100u
#define COST_WAIT	0x200u
#define COST_INDEBT	0x400u
#define COST_INDELAY	0x800u
#define COST_ALL	(COST_USAGE | COST_WAIT | COST_INDEBT | COST_INDELAY)

static const struct {
	const char	*name;
	size_t		 len;
	size_t		 off;
	unsigned	 bit;
} cost_keys[] = {
	{ "cost.usage", 10, offsetof(struct cgroup_io_dev, cost_usage),
	  COST_USAGE },
	{ "cost.wait", 9, offsetof(struct cgroup_io_dev, cost_wait),
	  COST_WAIT },
	{ "cost.indebt", 11, offsetof(struct cgroup_io_dev, cost_indebt),
	  COST_INDEBT },
	{ "cost.indelay", 12, offsetof(struct cgroup_io_dev, cost_indelay),
	  COST_INDELAY },
};

/*
 * The counter of d an io.stat key names, its bit for d->have in *bit;
 * NULL for the keys we skip.
 */
static uint64_t *
io_field(struct cgroup_io_dev *d, const struct span *key, unsigned *bit)
{
	size_t	i;

	*bit = 0;
	if (key->n == 6 && memcmp(key->s + 1, "bytes", 5) == 0) {
		if (key->s[0] == 'r') {
			*bit = CGROUP_IO_READ;
			return &d->rbytes;
		}
		if (key->s[0] == 'w') {
			*bit = CGROUP_IO_WRITE;
			return &d->wbytes;
		}
	} else if (key->n == 4 && memcmp(key->s + 1, "ios", 3) == 0) {
		if (key->s[0] == 'r')
			return &d->rios;
		if (key->s[0] == 'w')
			return &d->wios;
	} else if (key->n > 5 && memcmp(key->s, "cost.", 5) == 0) {
		for (i = 0; i < sizeof(cost_keys) / sizeof(cost_keys[0]); i++)
			if (key->n == cost_keys[i].len &&
			    memcmp(key->s, cost_keys[i].name, key->n) == 0) {
				*bit = cost_keys[i].bit;
				return (uint64_t *)(void *)((char *)d +
				    cost_keys[i].off);
			}
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
	unsigned	 dg, bit;

	while (p < end && *p != '=' && !is_blank(*p))
		p++;
	if (p == end || *p != '=') {
		*why = "token without '='";
		return -1;
	}
	key.s = *pp;
	key.n = (size_t)(p - *pp);
	val = ++p;
	if ((dst = io_field(d, &key, &bit)) == NULL) {
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
		if (num_parse_u64(val, (size_t)(p - val), &big) == -1) {
			*why = "bad number";
			return -1;
		}
		acc = big;
	}
	*dst = acc;
	d->have |= bit;
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
			return err_set(err, errlen, "line %u: bad MAJ:MIN",
			    lineno);
		known = 0;
		for (p = rest.s, end = rest.s + rest.n;;) {
			while (p < end && is_blank(*p))
				p++;
			if (p == end)
				break;
			if ((r = io_token(&p, end, &d, &why)) == -1)
				return err_set(err, errlen, "line %u: %s", lineno,
				    why);
			known += r;
		}
		if (known == 0)
			return err_set(err, errlen, "line %u: no counters",
			    lineno);
		/* Half of io.cost's keys is no io.cost. */
		if ((d.have & COST_ALL) == COST_ALL)
			d.have |= CGROUP_IO_COST;
		d.have &= ~COST_ALL;
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

/* The CGROUP_IO_* bit of a blkio operation name, 0 for others. */
static unsigned
blkio_op(const struct span *op)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} ops[] = {
		{ "Read", CGROUP_IO_READ }, { "Write", CGROUP_IO_WRITE },
		{ "Sync", CGROUP_IO_SYNC }, { "Async", CGROUP_IO_ASYNC },
		{ "Discard", CGROUP_IO_DISCARD }, { "Total", CGROUP_IO_TOTAL },
	};
	size_t	i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (span_eq(op, ops[i].name))
			return ops[i].bit;
	return 0;
}

/* The byte counter of d for one operation bit. */
static uint64_t *
blkio_bytes(struct cgroup_io_dev *d, unsigned bit)
{
	switch (bit) {
	case CGROUP_IO_READ:
		return &d->rbytes;
	case CGROUP_IO_WRITE:
		return &d->wbytes;
	case CGROUP_IO_SYNC:
		return &d->sync_bytes;
	case CGROUP_IO_ASYNC:
		return &d->async_bytes;
	case CGROUP_IO_DISCARD:
		return &d->discard_bytes;
	default:
		return &d->total_bytes;
	}
}

int
cgroup_parse_blkio(const char *buf, size_t len, enum cgroup_blkio_kind kind,
    struct cgroup_io_dev *devs, size_t cap, size_t *n, char *err,
    size_t errlen)
{
	struct cursor		 c = { buf, buf + len };
	struct span		 line, rest, dev, op, val, extra;
	struct cgroup_io_dev	*d;
	unsigned		 maj, min, bit, lineno = 0;
	uint64_t		 v;

	while (next_line(&c, &line)) {
		lineno++;
		rest = line;
		if (!next_token(&rest, &dev))
			continue;
		if (!next_token(&rest, &op))
			return err_set(err, errlen, "line %u: truncated", lineno);
		if (span_eq(&dev, "Total")) {
			/* The grand total: "Total N". */
			if (num_parse_u64(op.s, op.n, &v) == -1 ||
			    next_token(&rest, &extra))
				return err_set(err, errlen, "line %u: bad Total",
				    lineno);
			continue;
		}
		if (parse_majmin(&dev, &maj, &min) == -1)
			return err_set(err, errlen, "line %u: bad MAJ:MIN",
			    lineno);
		if (!next_token(&rest, &val) || next_token(&rest, &extra) ||
		    num_parse_u64(val.s, val.n, &v) == -1)
			return err_set(err, errlen, "line %u: bad value", lineno);
		if ((bit = blkio_op(&op)) == 0)
			continue;	/* an operation this kernel added */
		if (kind == CGROUP_BLKIO_IOS && bit != CGROUP_IO_READ &&
		    bit != CGROUP_IO_WRITE)
			continue;
		if ((d = io_slot(devs, cap, n, maj, min)) == NULL)
			continue;
		if (kind == CGROUP_BLKIO_IOS) {
			*(bit == CGROUP_IO_READ ? &d->rios : &d->wios) = v;
			continue;
		}
		*blkio_bytes(d, bit) = v;
		d->have |= bit;
	}
	return 0;
}
