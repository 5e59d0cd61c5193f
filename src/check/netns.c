/* netns: setns → socket → setns back (see netns.h). */
#include "check/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"

struct netns {
	char			*procfs;
	int			 self;		/* our own namespace, always open */
	int			 can_enter;
	int			 astray;	/* a setns back failed: retry first */
};

struct netns *
netns_new(const char *procfs, char *err, size_t errlen)
{
	struct netns	*ns;

	if ((ns = calloc(1, sizeof(*ns))) == NULL ||
	    (ns->procfs = strdup(procfs != NULL ? procfs : "/proc")) == NULL) {
		free(ns);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((ns->self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		err_set(err, errlen, "/proc/self/ns/net: %s", strerror(errno));
		free(ns->procfs);
		free(ns);
		return NULL;
	}
	/* Entering our own namespace is a no-op that needs the same rights. */
	ns->can_enter = setns(ns->self, CLONE_NEWNET) == 0;
	return ns;
}

void
netns_free(struct netns *ns)
{
	if (ns == NULL)
		return;
	close(ns->self);
	free(ns->procfs);
	free(ns);
}

int
netns_can_enter(const struct netns *ns)
{
	return ns->can_enter;
}

int
netns_open(const struct netns *ns, pid_t pid, char *err, size_t errlen)
{
	char	 path[4096];
	int	 fd, saved;

	if (pid <= 0) {
		errno = ESRCH;
		return err_set(err, errlen, "no process to find the namespace of");
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%ld/ns/net", ns->procfs,
	    (long)pid) >= sizeof(path))
		return err_set(err, errlen, "procfs path too long");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		saved = errno;
		err_set(err, errlen, "%s: %s", path, strerror(saved));
		errno = saved;	/* the caller tells "process gone" apart */
		return -1;
	}
	return fd;
}

/* Back home; 0 on success. */
static int
go_home(struct netns *ns)
{
	if (setns(ns->self, CLONE_NEWNET) == -1) {
		ns->astray = 1;
		return -1;
	}
	ns->astray = 0;
	return 0;
}

int
netns_socket(struct netns *ns, int nsfd, int domain, int type, int protocol,
    char *err, size_t errlen)
{
	int	 fd, saved;

	if (ns->astray && go_home(ns) == -1)
		return err_set(err, errlen, "cannot return to our own network "
		    "namespace: %s", strerror(errno));
	if (nsfd < 0) {
		if ((fd = socket(domain, type, protocol)) == -1)
			err_set(err, errlen, "socket: %s", strerror(errno));
		return fd;
	}
	if (setns(nsfd, CLONE_NEWNET) == -1)
		return err_set(err, errlen, "setns: %s", strerror(errno));
	fd = socket(domain, type, protocol);
	saved = errno;
	if (go_home(ns) == -1) {
		/* Never hand out a socket made while we may be lost. */
		if (fd != -1)
			close(fd);
		return err_set(err, errlen, "cannot return to our own network "
		    "namespace: %s", strerror(errno));
	}
	if (fd == -1)
		return err_set(err, errlen, "socket in namespace: %s", strerror(saved));
	return fd;
}
