/*
 * procnet: pure parser of /proc/<pid>/net/dev.
 *
 * The kernel prints each interface as "%6s: %7llu %7llu ..." (16 counters:
 * rx bytes packets errs drop fifo frame compressed multicast, then tx
 * bytes packets errs drop fifo colls carrier compressed). Interface names
 * cannot contain ':' or blanks (dev_valid_name), so the first ':' ends
 * the name.
 */
#include "cgroup/procnet.h"

#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/num.h"

#define NET_FIELDS	16

static const struct {
	const char	*s;
	size_t		 len;
} ignored_prefixes[] = {
#define PREFIX(lit)	{ lit, sizeof(lit) - 1 }
	PREFIX("lo"), PREFIX("veth"), PREFIX("docker"), PREFIX("nerdctl"),
#undef PREFIX
};

static const char *skip_blanks(const char *, const char *);
static int	parse_line(const char *, size_t, struct procnet_iface *,
		    char *, size_t);

/*
 * The first non-blank of s[0..end), or end. net/dev pads its columns with
 * runs of spaces (about ten on average), so where the byte order allows
 * it eight bytes are looked at together, the first non-space among them
 * found by counting trailing zero bits.
 */
static const char *
skip_blanks(const char *s, const char *end)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	w;

	while (end - s >= 8) {
		memcpy(&w, s, sizeof(w));
		w ^= UINT64_C(0x2020202020202020);
		if (w != 0) {
			s += __builtin_ctzll(w) / 8;
			break;
		}
		s += 8;
	}
#endif
	while (s < end && is_blank(*s))
		s++;
	return s;
}

int
procnet_ignored(const char *name)
{
	size_t	i, j, plen;
	char	c;

	for (i = 0; i < sizeof(ignored_prefixes) / sizeof(*ignored_prefixes);
	    i++) {
		plen = ignored_prefixes[i].len;
		for (j = 0; j < plen; j++) {
			c = name[j];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != ignored_prefixes[i].s[j])
				break;
		}
		if (j == plen)
			return 1;
	}
	return 0;
}

/* One interface line into `ifc`; -1 with a message if it is malformed. */
static int
parse_line(const char *s, size_t n, struct procnet_iface *ifc, char *err,
    size_t errlen)
{
	const char	*end = s + n, *colon, *tok;
	uint64_t	 v[NET_FIELDS], acc, big;
	size_t		 nf = 0, nlen;
	unsigned	 d;

	while (s < end && is_blank(*s))
		s++;
	if ((colon = memchr(s, ':', (size_t)(end - s))) == NULL)
		return err_set(err, errlen, "no ':' after the interface name");
	nlen = (size_t)(colon - s);
	if (nlen == 0 || nlen >= PROCNET_NAME_MAX)
		return err_set(err, errlen, "bad interface name length");
	for (tok = s; tok < colon; tok++)
		if (is_blank(*tok) || *tok == '\0')
			return err_set(err, errlen, "bad interface name");
	memcpy(ifc->name, s, nlen);
	ifc->name[nlen] = '\0';
	s = colon + 1;
	for (;;) {
		s = skip_blanks(s, end);
		if (s == end)
			break;
		if (nf == NET_FIELDS)
			return err_set(err, errlen, "%s: more than %d fields",
			    ifc->name, NET_FIELDS);
		/*
		 * Scan and convert in one pass: 32 counters a container.
		 * Any other byte than a digit or a blank spoils the token;
		 * past 19 digits num_parse_u64 judges the overflow.
		 */
		tok = s;
		acc = 0;
		while (s < end && (d = (unsigned)(unsigned char)*s - '0') <= 9) {
			acc = acc * 10 + d;
			s++;
		}
		if (s < end && !is_blank(*s))
			return err_set(err, errlen, "%s: bad counter", ifc->name);
		if (s - tok > 19) {
			if (num_parse_u64(tok, (size_t)(s - tok), &big) ==
			    -1)
				return err_set(err, errlen, "%s: bad counter",
				    ifc->name);
			acc = big;
		}
		v[nf++] = acc;
	}
	if (nf != NET_FIELDS)
		return err_set(err, errlen, "%s: %zu fields, want %d", ifc->name,
		    nf, NET_FIELDS);
	ifc->rx_bytes = v[0];
	ifc->rx_packets = v[1];
	ifc->rx_errors = v[2];
	ifc->rx_dropped = v[3];
	ifc->tx_bytes = v[8];
	ifc->tx_packets = v[9];
	ifc->tx_errors = v[10];
	ifc->tx_dropped = v[11];
	return 0;
}

int
procnet_parse(const char *buf, size_t len, struct procnet_iface *out,
    size_t cap, size_t *n, char *err, size_t errlen)
{
	const char		*p = buf, *end = buf + len, *nl;
	struct procnet_iface	 ifc;
	size_t			 linelen;
	unsigned		 lineno = 0;

	*n = 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (lineno > 2) {
			if (parse_line(p, linelen, &ifc, err, errlen) == -1)
				return -1;
			if (!procnet_ignored(ifc.name) && *n < cap)
				out[(*n)++] = ifc;
		}
		p = nl ? nl + 1 : end;
	}
	if (lineno < 2)
		return err_set(err, errlen, "missing header lines");
	return 0;
}
