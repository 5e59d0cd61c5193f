/*
 * taskstats: the netlink side of taskstats.h. The messages are built and
 * parsed in parse_netlink.c; here they are sent and received.
 */
#include "cgroup/taskstats.h"

#include <errno.h>
#include <linux/cgroupstats.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"

#define TS_BUF		1024	/* a request or a reply */
#define TS_STALE	4	/* replies to older requests skipped at most */

static int	 exchange(struct cgroup_taskstats *, uint16_t, uint8_t,
		    uint16_t, const void *, size_t, unsigned char *, size_t *,
		    char *, size_t);

/*
 * Sends one request and reads its reply into buf (*len on return); a
 * reply to an older request, left by an error, is skipped.
 */
static int
exchange(struct cgroup_taskstats *ts, uint16_t type, uint8_t cmd,
    uint16_t attr, const void *data, size_t dlen, unsigned char *buf,
    size_t *len, char *err, size_t errlen)
{
	struct sockaddr_nl	 kernel;
	struct nlmsghdr		 n;
	size_t			 reqlen;
	ssize_t			 r;
	int			 i;

	ts->seq++;
	if ((reqlen = cgroup_genl_request(buf, TS_BUF, type, cmd, attr, data,
	    dlen, ts->seq)) == 0)
		return err_set(err, errlen, "netlink request too long");
	memset(&kernel, 0, sizeof(kernel));
	kernel.nl_family = AF_NETLINK;
	if (sendto(ts->fd, buf, reqlen, 0, (struct sockaddr *)&kernel,
	    sizeof(kernel)) == -1)
		return err_set(err, errlen, "netlink send: %s", strerror(errno));
	for (i = 0; i <= TS_STALE; i++) {
		r = recv(ts->fd, buf, TS_BUF, MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return err_set(err, errlen, "netlink reply: %s",
			    errno == EAGAIN ? "none" : strerror(errno));
		if ((size_t)r >= NLMSG_HDRLEN) {
			memcpy(&n, buf, sizeof(n));
			if (n.nlmsg_seq != ts->seq)
				continue;
		}
		*len = (size_t)r;
		return 0;
	}
	return err_set(err, errlen, "netlink: no reply to this request");
}

int
cgroup_taskstats_open(struct cgroup_taskstats *ts, char *err, size_t errlen)
{
	struct sockaddr_nl	 me;
	unsigned char		 buf[TS_BUF];
	size_t			 len;
	int			 kerr;

	ts->seq = 0;
	ts->family = 0;
	if ((ts->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, NETLINK_GENERIC)) == -1)
		return err_set(err, errlen, "netlink socket: %s",
		    strerror(errno));
	memset(&me, 0, sizeof(me));
	me.nl_family = AF_NETLINK;
	if (bind(ts->fd, (struct sockaddr *)&me, sizeof(me)) == -1) {
		err_set(err, errlen, "netlink bind: %s", strerror(errno));
		goto fail;
	}
	if (exchange(ts, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
	    CTRL_ATTR_FAMILY_NAME, TASKSTATS_GENL_NAME,
	    sizeof(TASKSTATS_GENL_NAME), buf, &len, err, errlen) == -1 ||
	    cgroup_parse_genl_family(buf, len, ts->seq, &ts->family, &kerr,
	    err, errlen) == -1)
		goto fail;
	return 0;
fail:
	cgroup_taskstats_close(ts);
	return -1;
}

void
cgroup_taskstats_close(struct cgroup_taskstats *ts)
{
	if (ts->fd != -1)
		close(ts->fd);
	ts->fd = -1;
}

int
cgroup_taskstats_query(struct cgroup_taskstats *ts, int dirfd,
    struct cgroup_tasks *t, char *err, size_t errlen)
{
	unsigned char	buf[TS_BUF];
	size_t		len;
	uint32_t	fd = (uint32_t)dirfd;
	int		kerr;

	if (ts->fd == -1 || dirfd < 0)
		return 0;
	if (exchange(ts, ts->family, CGROUPSTATS_CMD_GET,
	    CGROUPSTATS_CMD_ATTR_FD, &fd, sizeof(fd), buf, &len, err,
	    errlen) == -1)
		return -1;
	if (cgroup_parse_cgroupstats(buf, len, ts->family, ts->seq, t, &kerr,
	    err, errlen) == -1)
		return kerr == EINVAL ? 0 : -1;
	return 1;
}
