/*
 * env: which cgroup layout the host has (v2, v1, hybrid) and where each
 * hierarchy is mounted under --path.sysfs; cgroup.h says what each
 * layout looks like.
 */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/path.h"
#include "core/err.h"

static const char *const ctrl_names[CGROUP_CTRL_N] = {
	"cpu", "cpuacct", "memory", "blkio", "pids",
};

static int	 exists(const char *);
static int	 isdir(const char *);
static void	 strip_slashes(char *);
static void	 find_v1(struct cgroup_env *, const char *);

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int
isdir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void
strip_slashes(char *s)
{
	size_t	n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
}

const char *
cgroup_ctrl_name(enum cgroup_ctrl c)
{
	return ctrl_names[c];
}

const char *
cgroup_layout_name(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_LAYOUT_V2:
		return "v2";
	case CGROUP_LAYOUT_V1:
		return "v1";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	}
	return "unknown";
}

/* Finds each v1 controller's mount, preferring an exact name ("cpu"). */
static void
find_v1(struct cgroup_env *env, const char *cg)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[CGROUP_PATH_MAX];
	const char	*p;
	size_t		 n;
	int		 c, exact[CGROUP_CTRL_N] = { 0 };

	if ((d = opendir(cg)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "unified") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", cg, de->d_name) >=
		    (int)sizeof(path) || !isdir(path))
			continue;
		for (c = 0; c < CGROUP_CTRL_N; c++) {
			if (exact[c])
				continue;
			/* "cpu,cpuacct" holds cpu and cpuacct. */
			for (p = de->d_name; *p != '\0'; p += n + (p[n] == ',')) {
				n = strcspn(p, ",");
				if (n == strlen(ctrl_names[c]) &&
				    strncmp(p, ctrl_names[c], n) == 0)
					break;
			}
			if (*p == '\0')
				continue;
			memcpy(env->v1[c], path, sizeof(path));
			exact[c] = strcmp(de->d_name, ctrl_names[c]) == 0;
		}
	}
	closedir(d);
}

int
cgroup_env_init(struct cgroup_env *env, const char *sysfs, const char *procfs,
    char *err, size_t errlen)
{
	char	cg[CGROUP_PATH_MAX], path[CGROUP_PATH_MAX];
	int	c, any = 0;

	memset(env, 0, sizeof(*env));
	if (cgroup_path_join(env->sysfs, sizeof(env->sysfs), sysfs, "") ==
	    -1 || cgroup_path_join(env->procfs, sizeof(env->procfs), procfs,
	    "") == -1)
		return err_set(err, errlen, "path.sysfs/path.procfs too long");
	strip_slashes(env->sysfs);
	strip_slashes(env->procfs);
	if ((env->user_hz = sysconf(_SC_CLK_TCK)) <= 0)
		env->user_hz = 100;
	if (cgroup_path_join(cg, sizeof(cg), env->sysfs, "/fs/cgroup") == -1 ||
	    cgroup_path_join(path, sizeof(path), cg, "/cgroup.controllers") ==
	    -1)
		return err_set(err, errlen, "path.sysfs too long");
	if (exists(path)) {
		env->layout = CGROUP_LAYOUT_V2;
		memcpy(env->unified, cg, sizeof(cg));
		return 0;
	}
	find_v1(env, cg);
	for (c = 0; c < CGROUP_CTRL_N; c++)
		any |= env->v1[c][0] != '\0';
	if (!any)
		return err_set(err, errlen, "no cgroup v2 or v1 hierarchy under "
		    "%s", cg);
	env->layout = CGROUP_LAYOUT_V1;
	if (cgroup_path_join(path, sizeof(path), cg,
	    "/unified/cgroup.controllers") == 0 && exists(path) &&
	    cgroup_path_join(env->unified, sizeof(env->unified), cg,
	    "/unified") == 0)
		env->layout = CGROUP_LAYOUT_HYBRID;
	return 0;
}
