/*
 * discover: containers found without Docker, by walking a hierarchy for
 * the directories Docker's cgroup drivers make (discover.h).
 */
#include "cgroup/discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup_parse.h"
#include "cgroup/path.h"
#include "core/err.h"
#include "core/file.h"
#include "core/id.h"

#define DISCOVER_DIRS_MAX 200000		/* directories visited per walk */

static const char *match_name(const char *);
static pid_t	first_pid(int, const char *);

struct walk {
	cgroup_found_cb	 cb;
	void		*arg;
	unsigned	 dirs;
	unsigned	 found;
	int		 read_pid;	/* v1: the read needs it beforehand */
	int		 stop;
};

/* The container id in a directory name, or NULL. */
static const char *
match_name(const char *name)
{
	size_t	n = strlen(name);

	if (n == 64 && id_hex64(name, 64))
		return name;
	if (n == 7 + 64 + 6 && strncmp(name, "docker-", 7) == 0 &&
	    strcmp(name + 71, ".scope") == 0 &&
	    id_hex64(name + 7, 64))
		return name + 7;
	return NULL;
}

/* The first pid of <dirfd>/<name>/cgroup.procs, 0 if none or unreadable. */
static pid_t
first_pid(int dirfd, const char *name)
{
	char	path[NAME_MAX + 16], buf[256], msg[64];
	size_t	len = 0;
	ssize_t	r;
	pid_t	pid;
	int	fd;

	if (cgroup_path_join(path, sizeof(path), name, "/cgroup.procs") == -1 ||
	    (fd = openat(dirfd, path, FILE_OPEN_FLAGS)) == -1)
		return 0;
	/* Only the first line matters; a partial read is fine. */
	if ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
		len = (size_t)r;
		if (memchr(buf, '\n', len) == NULL && len == sizeof(buf) - 1)
			len = 0;
	}
	close(fd);
	if (cgroup_parse_first_pid(buf, len, &pid, msg, sizeof(msg)) == -1)
		return 0;
	return pid;
}

static void
found_one(struct walk *w, int dirfd, const char *name, const char *id,
    const char *cid)
{
	struct cgroup_found	 f;

	memset(&f, 0, sizeof(f));
	/* Both fit: walk_dir bounds the id, and a name is at most NAME_MAX. */
	cgroup_path_join(f.id, sizeof(f.id), id, "");
	memcpy(f.container_id, cid, 64);
	f.pid = w->read_pid ? first_pid(dirfd, name) : CGROUP_PID_FROM_PROCS;
	w->found++;
	if (w->cb(&f, w->arg) == -1 || w->found >= CGROUP_DISCOVER_MAX)
		w->stop = 1;
}

static void
walk_dir(struct walk *w, int fd, char *id, size_t idlen, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	const char	*cid;
	size_t		 n;
	int		 sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while (!w->stop && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_DIR) {
			if (de->d_type != DT_UNKNOWN)
				continue;
			if (fstatat(dirfd(d), de->d_name, &sb,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(sb.st_mode))
				continue;
		}
		if (++w->dirs > DISCOVER_DIRS_MAX) {
			w->stop = 1;
			break;
		}
		n = strlen(de->d_name);
		if (idlen + 1 + n >= CGROUP_ID_MAX)
			continue;
		id[idlen] = '/';
		memcpy(id + idlen + 1, de->d_name, n + 1);
		if ((cid = match_name(de->d_name)) != NULL) {
			found_one(w, dirfd(d), de->d_name, id, cid);
		} else if (depth + 1 < CGROUP_DISCOVER_DEPTH) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub != -1)
				walk_dir(w, sub, id, idlen + 1 + n, depth + 1);
		}
		id[idlen] = '\0';
	}
	closedir(d);
}

int
cgroup_discover(const struct cgroup_env *env, cgroup_found_cb cb, void *arg,
    char *err, size_t errlen)
{
	struct walk	 w;
	const char	*root;
	char		 id[CGROUP_ID_MAX];
	int		 fd;

	/*
	 * v1: cpuacct first. Its paths are the ones Docker reports; memory
	 * is the fallback (and read_v1 maps a mismatch through the pid).
	 */
	if (env->layout == CGROUP_LAYOUT_V2)
		root = env->unified;
	else if (env->v1[CGROUP_CTRL_CPUACCT][0] != '\0')
		root = env->v1[CGROUP_CTRL_CPUACCT];
	else
		root = env->v1[CGROUP_CTRL_MEMORY];
	if (root[0] == '\0')
		return err_set(err, errlen, "no hierarchy to walk");
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(err, errlen, "%s: %s", root, strerror(errno));
	memset(&w, 0, sizeof(w));
	w.cb = cb;
	w.arg = arg;
	w.read_pid = env->layout != CGROUP_LAYOUT_V2;
	id[0] = '\0';
	walk_dir(&w, fd, id, 0, 0);
	return 0;
}
