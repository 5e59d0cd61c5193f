/*
 * path: paths under the --path.sysfs and --path.procfs roots.
 *
 * Paths are built with strlen and memcpy: a scrape builds a few per
 * container, and snprintf's format machinery cost more than the rest of
 * the path handling together.
 */
#include "cgroup/path.h"

#include <string.h>

static int	 put(char *, size_t, size_t *, const char *);

/* Appends s at dst[*n], keeping dst[0..len) NUL-terminated; -1 if too long. */
static int
put(char *dst, size_t len, size_t *n, const char *s)
{
	size_t	sl = strlen(s);

	if (sl >= len - *n)
		return -1;
	memcpy(dst + *n, s, sl + 1);
	*n += sl;
	return 0;
}

int
cgroup_path_join(char *dst, size_t len, const char *a, const char *b)
{
	size_t	n = 0;

	if (len == 0)
		return -1;
	dst[0] = '\0';
	if (put(dst, len, &n, a) == -1 || put(dst, len, &n, b) == -1) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

int
cgroup_path_pid(char *dst, size_t len, const char *procfs, pid_t pid,
    const char *suffix)
{
	char		 num[24], *p = num + sizeof(num);
	unsigned long	 v = (unsigned long)pid;
	size_t		 n = 0;

	if (pid <= 0 || len == 0)
		return -1;
	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	dst[0] = '\0';
	if (put(dst, len, &n, procfs) == -1 || put(dst, len, &n, "/") == -1 ||
	    put(dst, len, &n, p) == -1 || put(dst, len, &n, suffix) == -1) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}
