/*
 * read_net: a container's network counters, from <procfs>/<pid>/net/dev
 * of a process inside it (its network namespace; procnet.c parses it).
 */
#include "cgroup/read.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cgroup/path.h"
#include "core/buf.h"
#include "core/file.h"

#define NET_DEV_MAX	(16 * 1024 * 1024)	/* hosts with thousands of veths */

static int	net_read(struct cgroup_rctx *, pid_t, const char *, char *,
		    size_t, size_t *);

/*
 * net/dev through the keep when there is one: opened once, read with
 * pread. A process gone while its fd was kept reads as gone; the fd is
 * closed and opened once more, as a restarted container's would be. So
 * is one kept for another pid than this read's (cgroup.procs' first
 * changed).
 */
static int
net_read(struct cgroup_rctx *x, pid_t pid, const char *path, char *buf,
    size_t cap, size_t *len)
{
	struct cgroup_keep	*k = x->keep;
	int			 fd, again, fresh;

	if (k == NULL)
		return file_read_at(AT_FDCWD, path, buf, cap, len);
	if (k->netpid != pid) {
		if (k->netfd >= 0)
			x->keeps->reopens++;
		cgroup_keep_drop_net(x->keeps, k);
		k->netpid = pid;
	}
	for (again = 0;; again++) {
		fresh = 0;
		if (k->netfd == KEEP_ABSENT && !x->keeps->recheck) {
			errno = ENOENT;
			return -1;
		}
		if (k->netfd < 0 && !cgroup_keeps_room(x->keeps)) {
			x->fallback = 1;
			return file_read_at(AT_FDCWD, path, buf, cap, len);
		}
		if (k->netfd < 0) {
			if ((fd = file_open_kept(AT_FDCWD, path)) == -1) {
				if (errno == ENOENT || errno == ESRCH)
					k->netfd = KEEP_ABSENT;
				return -1;
			}
			k->netfd = fd;
			fresh = 1;
			cgroup_keep_held(x->keeps, k);
		}
		if (!cgroup_keep_linked(x->keeps, k->netfd))
			errno = ENOENT;
		else if (file_pread(k->netfd, buf, cap, len) == 0)
			return 0;
		else if (errno != ENOENT && errno != ESRCH && errno != ENODEV)
			return -1;
		cgroup_keep_drop_net(x->keeps, k);
		/* An fd opened just now that fails is the answer. */
		if (fresh || again > 0)
			break;
		x->keeps->reopens++;
	}
	errno = ENOENT;
	return -1;
}

/*
 * The root cgroup reads /proc/1/net/dev: the host's namespace, which on a
 * busy host lists a veth per container. That can outgrow the stack
 * buffer, so grow a heap copy (bounded) only then.
 */
void
cgroup_read_net(struct cgroup_rctx *x, pid_t pid)
{
	struct cgroup_stats	*st = x->st;
	struct buf		 big;
	char			 path[CGROUP_PATH_MAX + 32], msg[128];
	const char		*data = x->buf;
	size_t			 len = 0, cap;
	int			 rc;

	if (cgroup_path_pid(path, sizeof(path), x->env->procfs, pid,
	    "/net/dev") == -1) {
		cgroup_rd_bad(x, "net/dev", "path too long");
		return;
	}
	buf_init(&big);
	rc = net_read(x, pid, path, x->buf, CGROUP_READ_MAX + 1, &len);
	for (cap = 4 * CGROUP_READ_MAX; rc == -1 && errno == EFBIG &&
	    cap <= NET_DEV_MAX; cap *= 4) {
		buf_reset(&big);
		if (buf_reserve(&big, cap) == -1)
			break;
		rc = net_read(x, pid, path, big.data, cap + 1, &len);
		data = big.data;
	}
	if (rc == -1 && (errno == ENOENT || errno == ESRCH))
		goto out;	/* the process exited: no network numbers */
	if (rc == -1) {
		cgroup_rd_bad(x, "net/dev", file_strerror(errno));
		goto out;
	}
	if (procnet_parse(data, len, st->net, st->net_cap, &st->nnet, msg,
	    sizeof(msg)) == -1) {
		st->nnet = 0;
		cgroup_rd_bad(x, "net/dev", msg);
	} else
		st->have |= CGROUP_HAVE_NET;
out:
	buf_free(&big);
}
