/*
 * netns: sockets created inside another process's network namespace.
 *
 *	fd = netns_open(ns, pid)	<procfs>/<pid>/ns/net, kept by the caller
 *	s  = netns_socket(ns, fd, AF_INET, SOCK_STREAM, 0)
 *	     setns(fd) → socket() → setns(own) — the socket stays bound to
 *	     the container's namespace; connect() and I/O then happen from
 *	     the loop like any other socket (HAProxy's my_socketat()).
 *
 * setns(2) moves the calling thread only; haled runs one thread, and the
 * daemon's own namespace is held open from startup so it can always go
 * back. If going back ever fails, every later call tries again first and
 * refuses to create sockets until it succeeds.
 */
#ifndef HALE_NETNS_H
#define HALE_NETNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct netns;

/*
 * Opens the daemon's own namespace and finds out whether it may enter
 * others (setns into its own needs the same CAP_SYS_ADMIN). `procfs` is
 * the /proc of the host's pid namespace (--path.procfs), used for the
 * containers' pids; our own namespace always comes from /proc/self.
 * NULL with a message only if memory or /proc/self is missing.
 */
struct netns	*netns_new(const char *procfs, char *err, size_t errlen);
void		 netns_free(struct netns *);
/* 1 if setns works here (root or CAP_SYS_ADMIN, no seccomp in the way). */
int		 netns_can_enter(const struct netns *);
/*
 * An O_CLOEXEC fd of the pid's network namespace; -1 with a message and
 * errno kept (ENOENT: the process is gone).
 */
int		 netns_open(const struct netns *, pid_t, char *err, size_t errlen);
/*
 * socket(domain, type, protocol) inside the namespace `nsfd` (-1: our
 * own). `type` may carry SOCK_NONBLOCK/SOCK_CLOEXEC. -1 with a message.
 */
int		 netns_socket(struct netns *, int nsfd, int domain, int type,
		    int protocol, char *err, size_t errlen);

#endif
