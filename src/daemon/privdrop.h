/*
 * privdrop: --run-as=USER[:GROUP]. haled started as root becomes that
 * user and group and keeps, of the capabilities it was given, only the two
 * network-namespace probes need (CAP_SYS_ADMIN for setns, CAP_SYS_PTRACE to
 * open another user's /proc/<pid>/ns/net). Docker and Kubernetes hand the
 * capabilities a container adds only to uid 0, so this is how a container
 * gets a non-root haled that still probes inside other containers.
 *
 * The parsing of USER[:GROUP] against passwd(5)/group(5) text, the
 * capability masks and the supplementary group list are pure (unit
 * tested); privdrop_run_as() does the system calls.
 */
#ifndef HALE_PRIVDROP_H
#define HALE_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PRIVDROP_PASSWD		"/etc/passwd"
#define PRIVDROP_GROUP		"/etc/group"

struct privdrop_target {
	uid_t	 uid;
	gid_t	 gid;
	int	 group_given;	/* the spec named a group */
	int	 gid_known;	/* named, or the user's primary group */
};

/*
 * USER[:GROUP]: numeric ids or names. A name is looked up in `passwd` or
 * `group` (their text; NULL: no such file, so only numbers work). Without
 * a group, the user's primary group from `passwd` (gid_known is 0 when a
 * numeric uid has no entry). uid 0 is refused: the point is to leave root.
 * 0, or -1 with the problem in err.
 */
int	privdrop_parse(const char *spec, const char *passwd, const char *group,
	    struct privdrop_target *, char *err, size_t errlen);

/* Of a capability set (bit n = capability n), the part haled keeps. */
uint64_t privdrop_keep(uint64_t caps);

/*
 * The supplementary groups after the drop: gid first, then those of in[]
 * (the groups haled was started with, which hold --group-add's) without
 * repeats and without group 0 unless gid is 0: root's group is part of
 * what is left behind. out must hold n + 1 entries; returns the count.
 */
size_t	privdrop_groups(const gid_t *in, size_t n, gid_t gid, gid_t *out);

/* "sys_admin,sys_ptrace" for a kept set, "none" for 0. */
void	privdrop_caps_name(uint64_t caps, char *buf, size_t len);

/* What privdrop_run_as() did, for the log line. */
struct privdrop_result {
	int		 changed;	/* 0: already the user, nothing done */
	uid_t		 uid;
	gid_t		 gid;
	uint64_t	 caps;		/* permitted = effective after */
	char		 groups[256];	/* "65532,999" */
};

/*
 * Becomes the user `spec` names: PR_SET_KEEPCAPS, setgroups (the group
 * and the supplementary groups held at start), setgid, setuid, capset
 * (permitted = effective = privdrop_keep() of what was permitted,
 * inheritable and ambient empty), PR_SET_KEEPCAPS off; then checks the
 * ids, the capability sets and that setuid(0) fails. Not root: the same
 * uid (and group, if given) is nothing to do, any other is an error.
 * capset acts on the calling thread only: call it before any thread
 * exists. 0, or -1 with the problem in err.
 */
int	privdrop_run_as(const char *spec, struct privdrop_result *,
	    char *err, size_t errlen);

#endif
