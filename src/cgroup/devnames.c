/*
 * devnames: the device label of io.stat's MAJ:MIN, "/dev/<DEVNAME>" from
 * <sysfs>/dev/block/MAJ:MIN/uevent as cAdvisor labels it, cached.
 */
#include "cgroup/devnames.h"

#include <fcntl.h>
#include <stdio.h>

#include "cgroup/cgroup_parse.h"
#include "core/file.h"
#include "core/metrics.h"

static void	 format_device_label(char *, size_t, const char *,
		    const char *);

void
cgroup_devnames_init(struct cgroup_devnames *dn)
{
	dn->n = 0;
}

/* `device="<prefix><name>"`, escaped; the name is short by construction. */
static void
format_device_label(char *dst, size_t len, const char *prefix,
    const char *name)
{
	char	 v[64];

	snprintf(v, sizeof(v), "%s%s", prefix, name);
	metrics_label_fixed(dst, len, "device", v);
}

const char *
cgroup_devnames_label(struct cgroup_devnames *dn, const struct cgroup_env *env,
    unsigned major, unsigned minor)
{
	struct cgroup_devname	*e;
	char			 path[CGROUP_PATH_MAX + 64], buf[4096];
	char			 name[33], msg[64];
	size_t			 i, len;

	for (i = 0; i < dn->n; i++)
		if (dn->ent[i].major == major && dn->ent[i].minor == minor)
			return dn->ent[i].label;
	if (dn->n == CGROUP_DEVNAMES_MAX)
		dn->n = 0;	/* hot-plug churn: start over */
	e = &dn->ent[dn->n++];
	e->major = major;
	e->minor = minor;
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/uevent", env->sysfs,
	    major, minor);
	if (file_read_at(AT_FDCWD, path, buf, sizeof(buf), &len) == 0 &&
	    cgroup_parse_uevent_devname(buf, len, name, sizeof(name), msg,
	    sizeof(msg)) == 0)
		format_device_label(e->label, sizeof(e->label), "/dev/", name);
	else {
		snprintf(name, sizeof(name), "%u:%u", major, minor);
		format_device_label(e->label, sizeof(e->label), "", name);
	}
	return e->label;
}
