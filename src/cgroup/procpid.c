/*
 * procpid: reads /proc/<pid>/cgroup and /proc/self/mountinfo and asks
 * the parsers of parse_procpid.c what they say (procpid.h).
 */
#include "cgroup/procpid.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/path.h"
#include "cgroup/read.h"
#include "core/buf.h"

#define SELF_FILE_MAX	(1024 * 1024)	/* mountinfo with many mounts */

static int	 perr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 read_small(const char *, struct buf *);

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

int
cgroup_pid_cgroup(const char *procfs, pid_t pid, char *buf, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	char	path[PATH_MAX];
	int	rc;

	if (cap == 0 || cgroup_path_pid(path, sizeof(path), procfs, pid,
	    "/cgroup") == -1)
		return perr(err, errlen, "pid %ld: no such process",
		    (long)pid);
	if ((rc = cgroup_file_read_path(path, buf, cap - 1, len)) != 1)
		return perr(err, errlen, "%s: %s", path, rc == 0 ?
		    "no such process" : errno == EFBIG ? "file too large" :
		    strerror(errno));
	return 0;
}

int
cgroup_id_of_pid(const char *procfs, pid_t pid, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char	*text;
	size_t	 len;
	int	 rc;

	if ((text = malloc(CGROUP_READ_MAX + 1)) == NULL)
		return perr(err, errlen, "out of memory");
	rc = cgroup_pid_cgroup(procfs, pid, text, CGROUP_READ_MAX + 1, &len,
	    err, errlen);
	if (rc == 0 && (rc = cgroup_parse_cadvisor_id(text, len, out,
	    outlen)) == -1)
		perr(err, errlen, "pid %ld: no usable cgroup line", (long)pid);
	free(text);
	return rc;
}

/* Reads a whole small procfs file; -1 if it can't. */
static int
read_small(const char *path, struct buf *out)
{
	char	 chunk[4096];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (out->len < SELF_FILE_MAX) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_append(out, chunk, (size_t)n);
	}
	close(fd);
	return out->oom ? -1 : 0;
}

int
cgroup_self_container(const char *procfs, char *out, size_t outlen,
    const char **how)
{
	struct buf	 b;
	char		 path[PATH_MAX];

	*how = NULL;
	if (outlen < 65)
		return -1;
	buf_init(&b);
	if (cgroup_path_join(path, sizeof(path), procfs,
	    "/self/mountinfo") == 0 && read_small(path, &b) == 0 &&
	    b.len > 0 && cgroup_parse_mountinfo_id(b.data, b.len, out) == 0)
		*how = "mountinfo";
	buf_reset(&b);
	if (*how == NULL && cgroup_path_join(path, sizeof(path), procfs,
	    "/self/cgroup") == 0 && read_small(path, &b) == 0 && b.len > 0 &&
	    cgroup_parse_container_id(b.data, b.len, out) == 0)
		*how = "cgroup";
	buf_free(&b);
	if (*how == NULL)
		out[0] = '\0';
	return *how != NULL ? 0 : -1;
}
