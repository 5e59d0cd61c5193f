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
	rc = file_read_at(AT_FDCWD, path, x->buf, CGROUP_READ_MAX + 1, &len);
	for (cap = 4 * CGROUP_READ_MAX; rc == -1 && errno == EFBIG &&
	    cap <= NET_DEV_MAX; cap *= 4) {
		buf_reset(&big);
		if (buf_reserve(&big, cap) == -1)
			break;
		rc = file_read_at(AT_FDCWD, path, big.data, cap + 1, &len);
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
