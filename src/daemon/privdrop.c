/* privdrop: --run-as (see privdrop.h). */
#include "daemon/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"
#include "core/num.h"

#define CAP_BIT(n)	((uint64_t)1 << (n))
#define KEEP_MASK	(CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SYS_PTRACE))
#define DB_MAX		(4u << 20)	/* a passwd or group file, at most */
#define ID_MAX		((uint64_t)(uid_t)-1 - 1)	/* -1 means "unchanged" */

/* ---- pure part ------------------------------------------------------- */

/* A decimal id, or -1 (then it is a name). */
static int
parse_id(const char *s, size_t len, uint64_t *v)
{
	return num_parse_u64(s, len, v) == 0 && *v <= ID_MAX ? 0 : -1;
}

/*
 * The entry of a passwd(5) or group(5) text whose name is name[0..len)
 * (name != NULL) or whose id field (2: uid or gid) is `id`: its field
 * `want` (2 or 3) as a number. 0, or -1 when no line matches.
 */
static int
db_find(const char *text, const char *name, size_t len, uint64_t id,
    int want, uint64_t *out)
{
	const char	*line, *end, *f[5];
	size_t		 flen[5];
	uint64_t	 v;
	int		 n;

	for (line = text; text != NULL && *line != '\0'; line = end + (*end != '\0')) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		/* The first four fields are what matters; the rest is ignored. */
		f[0] = line;
		for (n = 0; n < 4; n++) {
			const char *c = memchr(f[n], ':', (size_t)(end - f[n]));

			flen[n] = (size_t)((c != NULL ? c : end) - f[n]);
			if (c == NULL)
				break;
			f[n + 1] = c + 1;
		}
		if (n < 3)	/* fewer fields than either file has */
			continue;
		if (name != NULL ? flen[0] != len || memcmp(f[0], name, len) != 0 :
		    parse_id(f[2], flen[2], &v) == -1 || v != id)
			continue;
		if (parse_id(f[want], flen[want], out) == 0)
			return 0;
	}
	return -1;
}

int
privdrop_parse(const char *spec, const char *passwd, const char *group,
    struct privdrop_target *t, char *err, size_t errlen)
{
	const char	*colon = strchr(spec, ':'), *g = NULL;
	size_t		 ulen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	uint64_t	 uid, gid = 0;
	int		 have_gid = 0;

	memset(t, 0, sizeof(*t));
	if (ulen == 0)
		return err_set(err, errlen, "no user: want USER[:GROUP]");
	if (colon != NULL) {
		g = colon + 1;
		if (*g == '\0' || strchr(g, ':') != NULL)
			return err_set(err, errlen, "want USER[:GROUP]");
	}
	if (parse_id(spec, ulen, &uid) == -1) {
		if (db_find(passwd, spec, ulen, 0, 2, &uid) == -1)
			return err_set(err, errlen, "no user \"%.*s\" in %s",
			    (int)(ulen > 64 ? 64 : ulen), spec, PRIVDROP_PASSWD);
		have_gid = db_find(passwd, spec, ulen, 0, 3, &gid) == 0;
	} else
		have_gid = db_find(passwd, NULL, 0, uid, 3, &gid) == 0;
	if (uid == 0)
		return err_set(err, errlen, "uid 0 is root: name the user to "
		    "become instead");
	if (g != NULL) {
		if (parse_id(g, strlen(g), &gid) == -1 &&
		    db_find(group, g, strlen(g), 0, 2, &gid) == -1)
			return err_set(err, errlen, "no group \"%.64s\" in %s", g,
			    PRIVDROP_GROUP);
		t->group_given = 1;
	}
	t->uid = (uid_t)uid;
	t->gid = (gid_t)gid;
	t->gid_known = g != NULL || have_gid;
	return 0;
}

uint64_t
privdrop_keep(uint64_t caps)
{
	return caps & KEEP_MASK;
}

size_t
privdrop_groups(const gid_t *in, size_t n, gid_t gid, gid_t *out)
{
	size_t	 i, j, k = 0;

	out[k++] = gid;
	for (i = 0; i < n; i++) {
		if (in[i] == 0 && gid != 0)
			continue;
		for (j = 0; j < k && out[j] != in[i]; j++)
			;
		if (j == k)
			out[k++] = in[i];
	}
	return k;
}

void
privdrop_caps_name(uint64_t caps, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
	    caps & CAP_BIT(CAP_SYS_ADMIN) ? "sys_admin" : "",
	    (caps & KEEP_MASK) == KEEP_MASK ? "," : "",
	    caps & CAP_BIT(CAP_SYS_PTRACE) ? "sys_ptrace" :
	    (caps & KEEP_MASK) == 0 ? "none" : "");
}

/* ---- the system calls ------------------------------------------------ */

struct capsets {
	uint64_t	 eff, prm, inh;
};

static int
caps_get(struct capsets *c, char *err, size_t errlen)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) == -1)
		return err_set(err, errlen, "capget: %s", strerror(errno));
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int
caps_set(const struct capsets *c, char *err, size_t errlen)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[0].effective = (uint32_t)c->eff;
	d[1].effective = (uint32_t)(c->eff >> 32);
	d[0].permitted = (uint32_t)c->prm;
	d[1].permitted = (uint32_t)(c->prm >> 32);
	d[0].inheritable = (uint32_t)c->inh;
	d[1].inheritable = (uint32_t)(c->inh >> 32);
	if (syscall(SYS_capset, &h, d) == -1)
		return err_set(err, errlen, "capset: %s", strerror(errno));
	return 0;
}

/* The text of a passwd or group file, NULL when it is absent. */
static int
read_db(const char *path, struct buf *b, char *err, size_t errlen)
{
	if (file_read_buf(path, DB_MAX, b) == 0 || errno == ENOENT)
		return 0;
	return err_set(err, errlen, "%s: %s", path, strerror(errno));
}

static int
target_of(const char *spec, struct privdrop_target *t, char *err,
    size_t errlen)
{
	struct buf	 pw, gr;
	int		 rc = -1;

	buf_init(&pw);
	buf_init(&gr);
	if (read_db(PRIVDROP_PASSWD, &pw, err, errlen) == 0 &&
	    read_db(PRIVDROP_GROUP, &gr, err, errlen) == 0)
		rc = privdrop_parse(spec, pw.data, gr.data, t, err, errlen);
	buf_free(&pw);
	buf_free(&gr);
	return rc;
}

/* What a missing capability means, for the message. */
static const char *
hint(int e, const char *cap)
{
	static char	 h[96];

	if (e != EPERM)
		return "";
	snprintf(h, sizeof(h), " (that needs CAP_%s: --cap-add %s)",
	    cap, cap);
	return h;
}

static int
become(const struct privdrop_target *t, const gid_t *groups, size_t ngroups,
    uint64_t keep, char *err, size_t errlen)
{
	struct capsets	 c = { keep, keep, 0 };

	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) == -1)
		return err_set(err, errlen, "prctl(PR_SET_KEEPCAPS): %s",
		    strerror(errno));
	/* Not on kernels before 4.3, which then have no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) == -1 &&
	    errno != EINVAL)
		return err_set(err, errlen, "prctl(PR_CAP_AMBIENT_CLEAR_ALL): %s",
		    strerror(errno));
	if (setgroups(ngroups, groups) == -1)
		return err_set(err, errlen, "setgroups: %s%s", strerror(errno),
		    hint(errno, "SETGID"));
	if (setgid(t->gid) == -1)
		return err_set(err, errlen, "setgid(%lu): %s%s",
		    (unsigned long)t->gid, strerror(errno), hint(errno, "SETGID"));
	if (setuid(t->uid) == -1)
		return err_set(err, errlen, "setuid(%lu): %s%s",
		    (unsigned long)t->uid, strerror(errno), hint(errno, "SETUID"));
	if (caps_set(&c, err, errlen) == -1)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) == -1)
		return err_set(err, errlen, "prctl(PR_SET_KEEPCAPS, 0): %s",
		    strerror(errno));
	return 0;
}

/* After the drop: every id is the target's, root is out of reach. */
static int
verify(const struct privdrop_target *t, uint64_t keep, char *err,
    size_t errlen)
{
	struct capsets	 c;
	uid_t		 r, e, s;
	gid_t		 rg, eg, sg;

	if (getresuid(&r, &e, &s) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return err_set(err, errlen, "getresuid: %s", strerror(errno));
	if (r != t->uid || e != t->uid || s != t->uid || getuid() != t->uid ||
	    geteuid() != t->uid)
		return err_set(err, errlen, "still uid %lu/%lu/%lu after setuid",
		    (unsigned long)r, (unsigned long)e, (unsigned long)s);
	if (rg != t->gid || eg != t->gid || sg != t->gid || getgid() != t->gid)
		return err_set(err, errlen, "still gid %lu/%lu/%lu after setgid",
		    (unsigned long)rg, (unsigned long)eg, (unsigned long)sg);
	if (setuid(0) == 0)
		return err_set(err, errlen, "setuid(0) still succeeds after the "
		    "drop");
	if (caps_get(&c, err, errlen) == -1)
		return -1;
	if (c.eff != keep || c.prm != keep || c.inh != 0)
		return err_set(err, errlen, "capabilities after the drop are "
		    "effective %#llx, permitted %#llx, inheritable %#llx; want "
		    "%#llx, %#llx, 0", (unsigned long long)c.eff,
		    (unsigned long long)c.prm, (unsigned long long)c.inh,
		    (unsigned long long)keep, (unsigned long long)keep);
	return 0;
}

static void
groups_text(const gid_t *g, size_t n, char *buf, size_t len)
{
	size_t	 i, off = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%lu", i > 0 ? "," : "",
		    (unsigned long)g[i]);
		if (w < 0 || (size_t)w >= len - off) {
			buf[off] = '\0';
			break;
		}
		off += (size_t)w;
	}
}

int
privdrop_run_as(const char *spec, struct privdrop_result *res, char *err,
    size_t errlen)
{
	struct privdrop_target	 t;
	struct capsets		 c;
	gid_t			*in = NULL, *out = NULL;
	int			 n, rc = -1;
	size_t			 nout;

	memset(res, 0, sizeof(*res));
	if (target_of(spec, &t, err, errlen) == -1)
		return -1;
	res->uid = t.uid;
	res->gid = t.gid;
	if (geteuid() != 0) {
		/* Nothing to become: a uid alone needs no group to compare. */
		if (getuid() == t.uid && geteuid() == t.uid &&
		    (!t.group_given || getgid() == t.gid))
			return 0;
		return err_set(err, errlen, "haled runs as uid %lu gid %lu, not "
		    "as root: only root can become another user (start it as "
		    "root, or leave the flag out)", (unsigned long)getuid(),
		    (unsigned long)getgid());
	}
	if (!t.gid_known)
		return err_set(err, errlen, "uid %lu has no entry in %s to take "
		    "its group from: give one, USER:GROUP", (unsigned long)t.uid,
		    PRIVDROP_PASSWD);
	if (caps_get(&c, err, errlen) == -1)
		return -1;
	res->caps = privdrop_keep(c.prm);
	if ((n = getgroups(0, NULL)) == -1)
		return err_set(err, errlen, "getgroups: %s", strerror(errno));
	if ((in = calloc((size_t)n + 1, sizeof(*in))) == NULL ||
	    (out = calloc((size_t)n + 1, sizeof(*out))) == NULL) {
		err_set(err, errlen, "out of memory");
		goto done;
	}
	if ((n = getgroups(n, in)) == -1) {
		err_set(err, errlen, "getgroups: %s", strerror(errno));
		goto done;
	}
	nout = privdrop_groups(in, (size_t)n, t.gid, out);
	groups_text(out, nout, res->groups, sizeof(res->groups));
	if (become(&t, out, nout, res->caps, err, errlen) == -1 ||
	    verify(&t, res->caps, err, errlen) == -1)
		goto done;
	res->changed = 1;
	rc = 0;
done:
	free(in);
	free(out);
	return rc;
}
