/*
 * parse_netlink: the generic netlink messages of the kernel's taskstats
 * family (linux/taskstats.h, linux/cgroupstats.h): the request bytes and
 * the two replies haled reads, a family id from the controller and a
 * cgroup's task counts. Pure: bytes in, struct out.
 */
#include "cgroup/cgroup_parse.h"

#include <linux/cgroupstats.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <limits.h>
#include <string.h>

#include "core/err.h"

static int	 genl_payload(const void *, size_t, uint16_t, uint32_t,
		    const unsigned char **, size_t *, int *, char *, size_t);
static const unsigned char *genl_attr(const unsigned char *, size_t,
		    uint16_t, size_t *);

size_t
cgroup_genl_request(void *buf, size_t len, uint16_t type, uint8_t cmd,
    uint16_t attr, const void *data, size_t dlen, uint32_t seq)
{
	struct nlmsghdr		 n;
	struct genlmsghdr	 g;
	struct nlattr		 a;
	size_t			 total;

	total = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + NLA_ALIGN(dlen);
	if (dlen > 0xffff - NLA_HDRLEN || total > len)
		return 0;
	memset(buf, 0, total);
	memset(&n, 0, sizeof(n));
	n.nlmsg_len = (uint32_t)total;
	n.nlmsg_type = type;
	n.nlmsg_flags = NLM_F_REQUEST;
	n.nlmsg_seq = seq;
	memset(&g, 0, sizeof(g));
	g.cmd = cmd;
	g.version = 1;
	a.nla_len = (uint16_t)(NLA_HDRLEN + dlen);
	a.nla_type = attr;
	memcpy(buf, &n, sizeof(n));
	memcpy((char *)buf + NLMSG_HDRLEN, &g, sizeof(g));
	memcpy((char *)buf + NLMSG_HDRLEN + GENL_HDRLEN, &a, sizeof(a));
	memcpy((char *)buf + NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN, data,
	    dlen);
	return total;
}

/*
 * The attributes of the one reply to `seq` in buf: 0 with them in *p and *plen, or -1
 * with *kerr the kernel's errno when it answered with an error (0 when
 * the bytes are simply not such a reply).
 */
static int
genl_payload(const void *buf, size_t len, uint16_t type, uint32_t seq,
    const unsigned char **p, size_t *plen, int *kerr, char *err,
    size_t errlen)
{
	struct nlmsghdr	n;
	struct nlmsgerr	e;

	*kerr = 0;
	if (len < NLMSG_HDRLEN)
		return err_set(err, errlen, "short netlink message");
	memcpy(&n, buf, sizeof(n));
	if (n.nlmsg_len < NLMSG_HDRLEN || n.nlmsg_len > len)
		return err_set(err, errlen, "bad netlink length");
	if (n.nlmsg_seq != seq)
		return err_set(err, errlen, "netlink reply to another request");
	if (n.nlmsg_type == NLMSG_ERROR) {
		if (n.nlmsg_len < NLMSG_HDRLEN + sizeof(e))
			return err_set(err, errlen, "short netlink error");
		memcpy(&e, (const char *)buf + NLMSG_HDRLEN, sizeof(e));
		if (e.error >= 0)
			return err_set(err, errlen, "netlink ack, no reply");
		/* No errno is that large; its negation would overflow. */
		if (e.error == INT_MIN)
			return err_set(err, errlen, "bad netlink error");
		*kerr = -e.error;
		return err_set(err, errlen, "kernel: %s", strerror(-e.error));
	}
	if (n.nlmsg_type != type)
		return err_set(err, errlen, "unexpected netlink type %u",
		    (unsigned)n.nlmsg_type);
	if (n.nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return err_set(err, errlen, "short generic netlink message");
	*p = (const unsigned char *)buf + NLMSG_HDRLEN + GENL_HDRLEN;
	*plen = n.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return 0;
}

/* The payload of the first attribute `type` in p[0..len), or NULL. */
static const unsigned char *
genl_attr(const unsigned char *p, size_t len, uint16_t type, size_t *alen)
{
	struct nlattr	a;
	size_t		step;

	while (len >= NLA_HDRLEN) {
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return NULL;
		if ((a.nla_type & NLA_TYPE_MASK) == type) {
			*alen = a.nla_len - NLA_HDRLEN;
			return p + NLA_HDRLEN;
		}
		step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return NULL;
}

int
cgroup_parse_genl_family(const void *buf, size_t len, uint32_t seq,
    uint16_t *id, int *kerr, char *err, size_t errlen)
{
	const unsigned char	*p, *v;
	size_t			 plen, vlen;

	if (genl_payload(buf, len, GENL_ID_CTRL, seq, &p, &plen, kerr, err,
	    errlen) == -1)
		return -1;
	if ((v = genl_attr(p, plen, CTRL_ATTR_FAMILY_ID, &vlen)) == NULL ||
	    vlen < sizeof(*id))
		return err_set(err, errlen, "no family id in the reply");
	memcpy(id, v, sizeof(*id));
	return 0;
}

int
cgroup_parse_cgroupstats(const void *buf, size_t len, uint16_t family,
    uint32_t seq, struct cgroup_tasks *t, int *kerr, char *err,
    size_t errlen)
{
	struct cgroupstats	 cs;
	const unsigned char	*p, *v;
	size_t			 plen, vlen;

	if (genl_payload(buf, len, family, seq, &p, &plen, kerr, err,
	    errlen) == -1)
		return -1;
	if ((v = genl_attr(p, plen, CGROUPSTATS_TYPE_CGROUP_STATS,
	    &vlen)) == NULL || vlen < sizeof(cs))
		return err_set(err, errlen, "no cgroupstats in the reply");
	memcpy(&cs, v, sizeof(cs));
	t->sleeping = cs.nr_sleeping;
	t->running = cs.nr_running;
	t->stopped = cs.nr_stopped;
	t->uninterruptible = cs.nr_uninterruptible;
	t->io_wait = cs.nr_io_wait;
	return 0;
}
