/*
 * parse_procpid: what /proc/<pid>/cgroup and /proc/<pid>/mountinfo say
 * about a process's cgroups and container.
 *
 * /proc/<pid>/cgroup has one "hierarchy-ID:controller-list:cgroup-path"
 * line per hierarchy, "0::/path" for v2 (cgroups(7)). One splitter,
 * next_line_of(), reads it for the three questions asked of it: the path
 * in one hierarchy (the v1 reader), the path cAdvisor names the
 * container by (the inventory), and the container id in a path (hale's
 * own container).
 */
#include "cgroup/cgroup_parse.h"

#include <stdint.h>
#include <string.h>

#include "cgroup/parse_scan.h"
#include "core/err.h"
#include "core/id.h"
#include "core/num.h"

/* One line of /proc/<pid>/cgroup, split at its first two ':'. */
struct pcg_line {
	struct span	hier;	/* "0" on the v2 line */
	struct span	ctrl;	/* "cpu,cpuacct"; empty on the v2 line */
	struct span	path;	/* the rest, ':' included */
};

static int	 next_line_of(struct cursor *, struct pcg_line *);
static int	 list_has(const struct span *, const char *);
static int	 cadvisor_rank(const struct pcg_line *);
static int	 container_in_path(const struct span *, char *);
static int	 field(const char *, size_t, int, const char **, size_t *);
static int	 id_after(const char *, size_t, const char *, char *);

/* The next line holding two ':'; 0 at the end of the input. */
static int
next_line_of(struct cursor *c, struct pcg_line *l)
{
	struct span	 line;
	const char	*c1, *c2, *end;

	while (next_line(c, &line)) {
		end = line.s + line.n;
		if ((c1 = memchr(line.s, ':', line.n)) == NULL ||
		    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL)
			continue;
		l->hier.s = line.s;
		l->hier.n = (size_t)(c1 - line.s);
		l->ctrl.s = c1 + 1;
		l->ctrl.n = (size_t)(c2 - c1 - 1);
		l->path.s = c2 + 1;
		l->path.n = (size_t)(end - c2 - 1);
		return 1;
	}
	return 0;
}

/* 1 if the comma-separated controller list names `ctrl`. */
static int
list_has(const struct span *list, const char *ctrl)
{
	const char	*p = list->s, *end = list->s + list->n, *comma;
	size_t		 clen = strlen(ctrl), ilen;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		ilen = comma ? (size_t)(comma - p) : (size_t)(end - p);
		if (ilen == clen && memcmp(p, ctrl, clen) == 0)
			return 1;
		p += ilen + 1;
	}
	return 0;
}

int
cgroup_parse_proc_cgroup(const char *buf, size_t len, const char *controller,
    char *path, size_t pathlen, char *err, size_t errlen)
{
	struct cursor	c = { buf, buf + len };
	struct pcg_line	l;

	while (next_line_of(&c, &l)) {
		if (controller[0] == '\0' ? l.ctrl.n != 0 :
		    !list_has(&l.ctrl, controller))
			continue;
		if (l.path.n == 0 || l.path.s[0] != '/' ||
		    l.path.n >= pathlen || memchr(l.path.s, '\0', l.path.n) != NULL)
			return err_set(err, errlen, "bad path for %s",
			    controller[0] ? controller : "cgroup2");
		memcpy(path, l.path.s, l.path.n);
		path[l.path.n] = '\0';
		return 0;
	}
	return err_set(err, errlen, "no line for %s",
	    controller[0] ? controller : "cgroup2");
}

/*
 * Rank of a line for cAdvisor's id: a v1 cpuacct hierarchy first
 * (cAdvisor reads v1 on v1 and hybrid hosts), then cpu, then memory, then
 * the v2 "0::" line. 0 = not usable.
 */
static int
cadvisor_rank(const struct pcg_line *l)
{
	if (l->path.n == 0 || l->path.s[0] != '/')
		return 0;
	if (l->ctrl.n == 0 && span_eq(&l->hier, "0"))
		return 1;
	if (list_has(&l->ctrl, "cpuacct"))
		return 4;
	if (list_has(&l->ctrl, "cpu"))
		return 3;
	if (list_has(&l->ctrl, "memory"))
		return 2;
	return 0;
}

int
cgroup_parse_cadvisor_id(const char *buf, size_t len, char *out,
    size_t outlen)
{
	struct cursor	c = { buf, buf + len };
	struct pcg_line	l;
	struct span	best = { NULL, 0 };
	int		bestrank = 0, rank;

	while (next_line_of(&c, &l))
		if ((rank = cadvisor_rank(&l)) > bestrank) {
			bestrank = rank;
			best = l.path;
		}
	if (best.s == NULL || best.n >= outlen ||
	    memchr(best.s, '\0', best.n) != NULL)
		return -1;
	memcpy(out, best.s, best.n);
	out[best.n] = '\0';
	return 0;
}

/* A component of `path` that is "docker-<id>.scope" or "<id>": 1 and out. */
static int
container_in_path(const struct span *path, char *out)
{
	const char	*p = path->s, *end = path->s + path->n, *c;
	size_t		 n;

	for (; p < end; p = c + 1) {
		if ((c = memchr(p, '/', (size_t)(end - p))) == NULL)
			c = end;
		n = (size_t)(c - p);
		/* "docker-<id>.scope" (systemd driver) or "<id>" (cgroupfs). */
		if (n == 64 + 13 && memcmp(p, "docker-", 7) == 0 &&
		    memcmp(p + 7 + 64, ".scope", 6) == 0 &&
		    id_hex64(p + 7, 64))
			p += 7;
		else if (!(n == 64 && id_hex64(p, 64)))
			continue;
		memcpy(out, p, 64);
		out[64] = '\0';
		return 1;
	}
	return 0;
}

int
cgroup_parse_container_id(const char *buf, size_t len, char *out)
{
	struct cursor	c = { buf, buf + len };
	struct pcg_line	l;

	while (next_line_of(&c, &l))
		if (container_in_path(&l.path, out))
			return 0;
	return -1;
}

/* Field `n` (0-based, space-separated) of a line. */
static int
field(const char *line, size_t len, int n, const char **f, size_t *flen)
{
	const char	*p = line, *end = line + len, *sp;

	for (;;) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (n-- == 0) {
			*f = p;
			*flen = (size_t)((sp != NULL ? sp : end) - p);
			return 0;
		}
		if (sp == NULL)
			return -1;
		p = sp + 1;
	}
}

/* The first path component of exactly 64 lowercase hex digits after `key`. */
static int
id_after(const char *s, size_t len, const char *key, char *out)
{
	const char	*p = s, *end = s + len, *hit;
	size_t		 kl = strlen(key);

	while (p < end &&
	    (hit = memmem(p, (size_t)(end - p), key, kl)) != NULL) {
		p = hit + kl;
		if ((size_t)(end - p) >= 64 && id_hex64(p, 64) &&
		    (p + 64 == end || p[64] == '/')) {
			memcpy(out, p, 64);
			out[64] = '\0';
			return 0;
		}
	}
	return -1;
}

int
cgroup_parse_mountinfo_id(const char *buf, size_t len, char *out)
{
	static const char *const targets[] = {
		"/etc/hostname", "/etc/hosts", "/etc/resolv.conf",
	};
	struct cursor	 c = { buf, buf + len };
	struct span	 line;
	const char	*root, *mnt;
	size_t		 rlen, mlen, i;

	while (next_line(&c, &line)) {
		/* id parent major:minor root mount-point options ... */
		if (field(line.s, line.n, 3, &root, &rlen) == -1 ||
		    field(line.s, line.n, 4, &mnt, &mlen) == -1)
			continue;
		for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
			if (mlen == strlen(targets[i]) &&
			    memcmp(mnt, targets[i], mlen) == 0)
				break;
		if (i == sizeof(targets) / sizeof(targets[0]))
			continue;
		if (id_after(root, rlen, "/containers/", out) == 0 ||
		    id_after(root, rlen, "/overlay-containers/", out) == 0)
			return 0;
	}
	return -1;
}

/* The kernel's octal escapes of space, tab, newline and backslash. */
static int
unescape(const char *s, size_t len, char *out, size_t cap)
{
	size_t	 i, k = 0;

	for (i = 0; i < len; i++) {
		char	 c = s[i];

		if (c == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
			    (s[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0' || k + 1 >= cap)
			return -1;
		out[k++] = c;
	}
	out[k] = '\0';
	return 0;
}

static int
mount_dev(const char *s, size_t len, unsigned *maj, unsigned *min)
{
	const char	*colon = memchr(s, ':', len);
	uint64_t	 a, b;

	if (colon == NULL ||
	    num_parse_u64(s, (size_t)(colon - s), &a) == -1 ||
	    num_parse_u64(colon + 1, (size_t)(s + len - colon - 1), &b) == -1 ||
	    a > UINT32_MAX || b > UINT32_MAX)
		return -1;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return 0;
}

size_t
cgroup_parse_mounts(const char *buf, size_t len, struct cgroup_mount *out,
    size_t cap)
{
	struct cursor		 c = { buf, buf + len };
	struct span		 line;
	struct cgroup_mount	 m;
	const char		*dev, *mnt, *sep, *src;
	size_t			 dlen, mlen, slen, n = 0, i;

	while (n < cap && next_line(&c, &line)) {
		/* id parent maj:min root point options [optional...] - type source super */
		if (field(line.s, line.n, 2, &dev, &dlen) == -1 ||
		    field(line.s, line.n, 4, &mnt, &mlen) == -1 ||
		    (sep = memmem(line.s, line.n, " - ", 3)) == NULL ||
		    field(sep + 3, (size_t)(line.s + line.n - sep - 3), 1,
		    &src, &slen) == -1)
			continue;
		memset(&m, 0, sizeof(m));
		if (mount_dev(dev, dlen, &m.major, &m.minor) == -1 ||
		    m.major == 0 || slen < 6 || slen >= sizeof(m.source) ||
		    memcmp(src, "/dev/", 5) != 0 ||
		    unescape(mnt, mlen, m.point, sizeof(m.point)) == -1 ||
		    unescape(src, slen, m.source, sizeof(m.source)) == -1)
			continue;
		for (i = 0; i < n; i++)
			if (out[i].major == m.major && out[i].minor == m.minor)
				break;
		if (i == n)
			out[n++] = m;
	}
	return n;
}
