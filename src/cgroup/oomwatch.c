/*
 * oomwatch: the kernel's OOM signals per container cgroup (see
 * oomwatch.h for the callback chain).
 *
 * Memory files are read with file_read_at relative to the cgroup
 * directory's fd, which stays valid (and reads ENOENT) once the runtime
 * removes the directory.
 */
#include "cgroup/oomwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <uthash.h>

#include "cgroup/cgroup_parse.h"
#include "cgroup/path.h"
#include "cgroup/procpid.h"
#include "core/err.h"
#include "core/file.h"
#include "core/id.h"

#define FILE_MAX	4096
#define NO_LIMIT	(1ULL << 62)	/* v1 writes PAGE_COUNTER_MAX pages */
#define KEY_MAX		(ID_LEN + 1)

struct watch {
	char			 key[KEY_MAX];
	struct oomwatch		*w;
	enum oomwatch_kind	 kind;
	pid_t			 pid;
	int			 dirfd;
	int			 wd;		/* v2: inotify watch, -1 if none */
	int			 efd;		/* v1: eventfd, -1 if none */
	int			 ctlfd;		/* v1: memory.oom_control, kept open */
	ev_io			 io;		/* v1: efd */
	ev_timer		 recheck;
	unsigned		 tries;		/* rechecks since the signal */
	int			 pending;	/* an OOM whose kill is not counted yet */
	uint64_t		 kills;		/* oom_kill as last read */
	uint64_t		 ooms;		/* v2: oom as last read */
	UT_hash_handle		 hh;
};

struct oomwatch {
	struct ev_loop		*loop;
	struct cgroup_env	 env;
	oomwatch_cb		*cb;
	void			*arg;
	int			 ifd;		/* inotify */
	ev_io			 iio;
	struct watch		*by_key;
	struct oomwatch_stats	 st;
};

/* ---- reading --------------------------------------------------------- */

static int64_t
read_num(int dirfd, const char *file, int limit)
{
	char		 buf[64], msg[64];
	size_t		 len;
	uint64_t	 v;

	if (file_read_at(dirfd, file, buf, sizeof(buf), &len) == -1 ||
	    cgroup_parse_limit(buf, len, &v, msg, sizeof(msg)) == -1)
		return -1;
	if (limit && v >= NO_LIMIT)
		return -1;
	return v > INT64_MAX ? -1 : (int64_t)v;
}

/*
 * The oom and oom_kill counts (v1 has no `oom` count: 0): 0, or -1 when
 * the file is gone or says no oom_kill.
 */
static int
read_counts(struct watch *x, uint64_t *ooms, uint64_t *kills)
{
	struct cgroup_memory_events	 ev;
	char				 buf[FILE_MAX], msg[64];
	size_t				 len;
	int				 rc;

	memset(&ev, 0, sizeof(ev));
	if (file_read_at(x->dirfd, x->kind == OOMWATCH_V2 ? "memory.events" :
	    "memory.oom_control", buf, sizeof(buf), &len) == -1)
		return -1;
	rc = x->kind == OOMWATCH_V2 ?
	    cgroup_parse_memory_events(buf, len, &ev, msg, sizeof(msg)) :
	    cgroup_parse_oom_control(buf, len, &ev, msg, sizeof(msg));
	if (rc == -1 || (ev.have & CGROUP_EV_OOM_KILL) == 0)
		return -1;
	*ooms = ev.oom;
	*kills = ev.oom_kill;
	return 0;
}

static void
report(struct watch *x, uint64_t kills, uint64_t new_kills)
{
	struct oomwatch_info	 info;
	int			 v2 = x->kind == OOMWATCH_V2;

	info.oom_kills = kills;
	info.new_kills = new_kills;
	info.limit = read_num(x->dirfd, v2 ? "memory.max" :
	    "memory.limit_in_bytes", 1);
	info.usage = read_num(x->dirfd, v2 ? "memory.current" :
	    "memory.usage_in_bytes", 0);
	x->pending = 0;
	x->w->st.kills += new_kills > 0 ? new_kills : 1;
	x->w->cb(x->w->arg, x->key, &info);
}

/*
 * 1 if it reported, 0 if nothing new, -1 if the cgroup is gone. An OOM
 * whose kill is not counted yet is `pending`: if the cgroup goes before
 * the count shows, it is reported without one.
 */
static int
check(struct watch *x)
{
	uint64_t	 ooms, k;

	if (read_counts(x, &ooms, &k) == -1) {
		if (x->pending)
			report(x, x->kills, 0);
		return -1;
	}
	if (k > x->kills) {
		report(x, k, k - x->kills);
		x->kills = k;
		x->ooms = ooms;
		return 1;
	}
	/* v1 signals only an OOM (or the removal, handled above). */
	if (x->kind == OOMWATCH_V1 || ooms > x->ooms)
		x->pending = 1;
	x->ooms = ooms;
	return 0;
}

/* ---- arming and disarming ---------------------------------------------- */

static void
disarm(struct watch *x)
{
	struct oomwatch	*w = x->w;

	ev_timer_stop(w->loop, &x->recheck);
	if (x->wd != -1) {
		inotify_rm_watch(w->ifd, x->wd);
		x->wd = -1;
		w->st.watches[OOMWATCH_V2]--;
	}
	if (x->efd != -1) {
		ev_io_stop(w->loop, &x->io);
		close(x->efd);
		x->efd = -1;
		w->st.watches[OOMWATCH_V1]--;
	}
	if (x->ctlfd != -1)
		close(x->ctlfd);
	if (x->dirfd != -1)
		close(x->dirfd);
	x->ctlfd = x->dirfd = -1;
}

/* The kernel signals an OOM as it starts; the kill is counted after it. */
static const double recheck_after[] = { 0.005, 0.02, 0.1, 0.5 };
#define NRECHECK (sizeof(recheck_after) / sizeof(recheck_after[0]))

static void
recheck(struct watch *x)
{
	if (!x->pending || x->tries >= NRECHECK) {
		x->pending = 0;
		return;
	}
	ev_timer_set(&x->recheck, recheck_after[x->tries++], 0.);
	ev_timer_start(x->w->loop, &x->recheck);
}

static void
on_recheck(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct watch	*x = t->data;

	(void)loop;
	(void)revents;
	if (check(x) == -1)
		disarm(x);
	else
		recheck(x);
}

static void
after_signal(struct watch *x)
{
	ev_timer_stop(x->w->loop, &x->recheck);
	x->tries = 0;
	if (check(x) == -1)
		disarm(x);
	else
		recheck(x);
}

static void
on_eventfd(struct ev_loop *loop, ev_io *io, int revents)
{
	struct watch	*x = io->data;
	uint64_t	 n;

	(void)loop;
	(void)revents;
	if (read(x->efd, &n, sizeof(n)) != (ssize_t)sizeof(n) && errno == EAGAIN)
		return;
	after_signal(x);
}

static void
on_inotify(struct ev_loop *loop, ev_io *io, int revents)
{
	struct oomwatch			*w = io->data;
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ie;
	struct watch			*x, *tmp;
	ssize_t				 n;
	char				*p;

	(void)loop;
	(void)revents;
	while ((n = read(w->ifd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			HASH_ITER(hh, w->by_key, x, tmp) {
				if (x->wd != ie->wd)
					continue;
				if (ie->mask & IN_IGNORED) {
					if (x->pending)
						report(x, x->kills, 0);
					x->wd = -1;	/* the kernel dropped it */
					w->st.watches[OOMWATCH_V2]--;
					disarm(x);
				} else
					after_signal(x);
				break;
			}
		}
	}
}

static int
arm_v2(struct watch *x, char *err, size_t errlen)
{
	char	 path[CGROUP_PATH_MAX + CGROUP_ID_MAX + 32];

	/* inotify takes a path: this one, through the directory we hold. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/memory.events", x->dirfd);
	if ((x->wd = inotify_add_watch(x->w->ifd, path, IN_MODIFY)) == -1)
		return err_set(err, errlen, "inotify on memory.events: %s",
		    strerror(errno));
	x->w->st.watches[OOMWATCH_V2]++;
	return 0;
}

static int
arm_v1(struct watch *x, char *err, size_t errlen)
{
	char	 line[64];
	int	 cfd, n;

	if ((x->ctlfd = openat(x->dirfd, "memory.oom_control",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(err, errlen, "memory.oom_control: %s",
		    strerror(errno));
	if ((x->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		return err_set(err, errlen, "eventfd: %s", strerror(errno));
	n = snprintf(line, sizeof(line), "%d %d", x->efd, x->ctlfd);
	if ((cfd = openat(x->dirfd, "cgroup.event_control",
	    O_WRONLY | O_CLOEXEC)) == -1 || write(cfd, line, (size_t)n) != n) {
		err_set(err, errlen, "cgroup.event_control: %s", strerror(errno));
		if (cfd != -1)
			close(cfd);
		close(x->efd);
		x->efd = -1;
		return -1;
	}
	close(cfd);
	ev_io_init(&x->io, on_eventfd, x->efd, EV_READ);
	x->io.data = x;
	ev_io_start(x->w->loop, &x->io);
	x->w->st.watches[OOMWATCH_V1]++;
	return 0;
}

static struct watch *
watch_get(struct oomwatch *w, const char *key)
{
	struct watch	*x;

	HASH_FIND_STR(w->by_key, key, x);
	if (x != NULL)
		return x;
	if (strlen(key) >= KEY_MAX || (x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	memcpy(x->key, key, strlen(key) + 1);
	x->w = w;
	x->dirfd = x->ctlfd = x->efd = x->wd = -1;
	ev_timer_init(&x->recheck, on_recheck, 0., 0.);
	x->recheck.data = x;
	HASH_ADD_STR(w->by_key, key, x);
	return x;
}

static int
arm(struct watch *x, const char *dir, enum oomwatch_kind kind, char *err,
    size_t errlen)
{
	uint64_t	 k, o;

	disarm(x);
	x->kind = kind;
	if ((x->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	/* Kills before now are history, not news. */
	if (read_counts(x, &o, &k) == 0) {
		x->kills = k;
		x->ooms = o;
	} else
		x->kills = x->ooms = 0;
	x->pending = 0;
	if ((kind == OOMWATCH_V2 ? arm_v2(x, err, errlen) :
	    arm_v1(x, err, errlen)) == -1)
		goto fail;
	return 0;
fail:
	disarm(x);
	x->w->st.errors++;
	return -1;
}

int
oomwatch_add_dir(struct oomwatch *w, const char *key, const char *dir,
    enum oomwatch_kind kind, char *err, size_t errlen)
{
	struct watch	*x;

	if ((x = watch_get(w, key)) == NULL)
		return err_set(err, errlen, "out of memory or key too long");
	x->pid = 0;
	return arm(x, dir, kind, err, errlen);
}

int
oomwatch_own_cgroup(const char *rel, const char *key)
{
	const char	*last = strrchr(rel, '/');

	if (strstr(rel, "/../") != NULL || strstr(rel, "/./") != NULL ||
	    (last != NULL && (strcmp(last, "/..") == 0 ||
	    strcmp(last, "/.") == 0)))
		return 0;
	return last != NULL && strlen(key) >= 12 && strstr(last + 1, key) != NULL;
}

/* The memory cgroup directory of `pid` and how to watch it. */
static int
memory_dir(struct oomwatch *w, const char *key, pid_t pid, char *dir,
    size_t len, enum oomwatch_kind *kind, char *err, size_t errlen)
{
	char	 buf[FILE_MAX], rel[CGROUP_ID_MAX];
	size_t	 n;
	int	 v2 = w->env.layout == CGROUP_LAYOUT_V2;

	if (cgroup_pid_cgroup(w->env.procfs, pid, buf, sizeof(buf), &n, err,
	    errlen) == -1)
		return -1;
	if (cgroup_parse_proc_cgroup(buf, n, v2 ? "" : "memory", rel,
	    sizeof(rel), err, errlen) == -1)
		return -1;
	if (!oomwatch_own_cgroup(rel, key))
		return err_set(err, errlen, "the process's memory cgroup is not "
		    "the container's (a reused pid?)");
	if (cgroup_path_join(dir, len, v2 ? w->env.unified :
	    w->env.v1[CGROUP_CTRL_MEMORY], rel) == -1)
		return err_set(err, errlen, "cgroup path too long");
	*kind = v2 ? OOMWATCH_V2 : OOMWATCH_V1;
	return 0;
}

int
oomwatch_add(struct oomwatch *w, const char *key, pid_t pid, char *err,
    size_t errlen)
{
	struct watch		*x;
	enum oomwatch_kind	 kind = OOMWATCH_V1;
	char			 dir[CGROUP_PATH_MAX + CGROUP_ID_MAX];

	HASH_FIND_STR(w->by_key, key, x);
	if (x != NULL && x->pid == pid && x->dirfd != -1)
		return 0;
	if (pid <= 0)
		return err_set(err, errlen, "no process");
	if (w->env.layout != CGROUP_LAYOUT_V2 &&
	    w->env.v1[CGROUP_CTRL_MEMORY][0] == '\0')
		return err_set(err, errlen, "no memory controller");
	if (memory_dir(w, key, pid, dir, sizeof(dir), &kind, err, errlen) == -1)
		return -1;
	if ((x = watch_get(w, key)) == NULL)
		return err_set(err, errlen, "out of memory or key too long");
	x->pid = pid;
	return arm(x, dir, kind, err, errlen);
}

void
oomwatch_remove(struct oomwatch *w, const char *key)
{
	struct watch	*x;

	HASH_FIND_STR(w->by_key, key, x);
	if (x == NULL)
		return;
	disarm(x);
	HASH_DEL(w->by_key, x);
	free(x);
}

struct oomwatch *
oomwatch_new(struct ev_loop *loop, const struct cgroup_env *env,
    oomwatch_cb *cb, void *arg, char *err, size_t errlen)
{
	struct oomwatch	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	w->loop = loop;
	w->env = *env;
	w->cb = cb;
	w->arg = arg;
	if ((w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		err_set(err, errlen, "inotify_init1: %s", strerror(errno));
		free(w);
		return NULL;
	}
	ev_io_init(&w->iio, on_inotify, w->ifd, EV_READ);
	w->iio.data = w;
	ev_io_start(loop, &w->iio);
	return w;
}

void
oomwatch_free(struct oomwatch *w)
{
	struct watch	*x, *tmp;

	if (w == NULL)
		return;
	HASH_ITER(hh, w->by_key, x, tmp) {
		disarm(x);
		HASH_DEL(w->by_key, x);
		free(x);
	}
	ev_io_stop(w->loop, &w->iio);
	close(w->ifd);
	free(w);
}

void
oomwatch_get_stats(const struct oomwatch *w, struct oomwatch_stats *st)
{
	*st = w->st;
}
