/*
 * procpid: reads /proc/<pid>/cgroup and /proc/self/mountinfo and asks
 * the parsers of parse_procpid.c what they say (procpid.h).
 */
#include "cgroup/procpid.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/path.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/file.h"

#define SELF_FILE_MAX	(1024 * 1024)	/* mountinfo with many mounts */

static int	 read_self(const char *, const char *, struct buf *);

int
cgroup_pid_cgroup(const char *procfs, pid_t pid, char *buf, size_t cap,
    size_t *len, char *err, size_t errlen)
{
	char	path[PATH_MAX];

	if (cap == 0 || cgroup_path_pid(path, sizeof(path), procfs, pid,
	    "/cgroup") == -1)
		return err_set(err, errlen, "pid %ld: no such process",
		    (long)pid);
	if (file_read_at(AT_FDCWD, path, buf, cap, len) == -1)
		return err_set(err, errlen, "%s: %s", path, errno == ENOENT ||
		    errno == ESRCH ? "no such process" : errno == EFBIG ?
		    "file too large" : strerror(errno));
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
		return err_set(err, errlen, "out of memory");
	rc = cgroup_pid_cgroup(procfs, pid, text, CGROUP_READ_MAX + 1, &len,
	    err, errlen);
	if (rc == 0 && (rc = cgroup_parse_cadvisor_id(text, len, out,
	    outlen)) == -1)
		err_set(err, errlen, "pid %ld: no usable cgroup line", (long)pid);
	free(text);
	return rc;
}

int
cgroup_id_resolve(const void *procfs, pid_t pid, char *out, size_t outlen)
{
	return cgroup_id_of_pid(procfs, pid, out, outlen, NULL, 0);
}

/* <procfs>/self/<name> into b (emptied first): 0 when it holds something. */
static int
read_self(const char *procfs, const char *name, struct buf *b)
{
	char	path[PATH_MAX];

	buf_reset(b);
	if (cgroup_path_join(path, sizeof(path), procfs, name) == -1 ||
	    file_read_buf(path, SELF_FILE_MAX, b) == -1 || b->len == 0)
		return -1;
	return 0;
}

int
cgroup_self_container(const char *procfs, char *out, size_t outlen,
    const char **how)
{
	struct buf	 b;

	*how = NULL;
	if (outlen < 65) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	buf_init(&b);
	if (read_self(procfs, "/self/mountinfo", &b) == 0 &&
	    cgroup_parse_mountinfo_id(b.data, b.len, out) == 0)
		*how = "mountinfo";
	else if (read_self(procfs, "/self/cgroup", &b) == 0 &&
	    cgroup_parse_container_id(b.data, b.len, out) == 0)
		*how = "cgroup";
	else
		out[0] = '\0';
	buf_free(&b);
	return *how != NULL ? 0 : -1;
}
