/*
 * keep: the store of kept descriptors (the chain is drawn in keep.h),
 * sorted by the container id in the cgroup id's last component, then by
 * the cgroup id: a lookup by either is a binary search.
 */
#include "cgroup/keep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/file.h"

static size_t	 key_of(const char *, const char **);
static int	 key_cmp(const char *, size_t, const char *, size_t);
static int	 keep_cmp(const struct cgroup_keep *, const char *, size_t,
		    const char *);
static size_t	 lower_bound_key(const struct cgroup_keeps *, const char *,
		    size_t, const char *);
static size_t	 lower_bound(const struct cgroup_keeps *, const char *);
static void	 keep_free(struct cgroup_keeps *, struct cgroup_keep *);
static void	 close_fd(struct cgroup_keeps *, struct cgroup_keep *, int *);

void
cgroup_keeps_init(struct cgroup_keeps *s, size_t budget)
{
	memset(s, 0, sizeof(*s));
	s->budget = budget;
}

/* statfs of the first tree the layout reads, and of procfs. */
int
cgroup_keeps_kernel_fs(const struct cgroup_env *env)
{
	struct statfs	 sf;
	const char	*root = env->unified;
	int		 c;

	for (c = 0; c < CGROUP_CTRL_N && env->layout != CGROUP_LAYOUT_V2; c++)
		if (env->v1[c][0] != '\0') {
			root = env->v1[c];
			break;
		}
	if (root[0] == '\0' || statfs(root, &sf) == -1 ||
	    (sf.f_type != CGROUP2_SUPER_MAGIC &&
	    sf.f_type != CGROUP_SUPER_MAGIC))
		return 0;
	return statfs(env->procfs, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

int
cgroup_keep_same(const struct cgroup_keeps *s, int dirfd, const char *name,
    dev_t dev, ino_t ino)
{
	struct stat	st;

	if (!s->validate)
		return 1;
	return fstatat(dirfd, name, &st, 0) == 0 && st.st_dev == dev &&
	    st.st_ino == ino;
}

int
cgroup_keep_linked(const struct cgroup_keeps *s, int fd)
{
	struct stat	st;

	if (!s->validate)
		return 1;
	return fstat(fd, &st) == 0 && st.st_nlink > 0;
}

int
cgroup_keep_dir_settled(const struct cgroup_keeps *s, struct cgroup_keep *k,
    int slot, int dirfd)
{
	struct stat	 st;
	struct timespec	*t = &k->dirtime[slot];

	if (!s->validate)
		return 0;
	if (fstat(dirfd, &st) == -1 || st.st_nlink == 0) {
		t->tv_sec = t->tv_nsec = 0;
		return 0;
	}
	if ((t->tv_sec != 0 || t->tv_nsec != 0) &&
	    st.st_ctim.tv_sec == t->tv_sec && st.st_ctim.tv_nsec == t->tv_nsec)
		return 1;
	if (s->wall.tv_sec - st.st_ctim.tv_sec < 2) {
		t->tv_sec = t->tv_nsec = 0;
		return 0;
	}
	/* A new state: what was checked before it is checked again. */
	*t = st.st_ctim;
	if (++k->dirseq[slot] == 0)
		k->dirseq[slot] = 1;
	return 1;
}

int
cgroup_keep_file_current(const struct cgroup_keep *k,
    const struct keep_file *f, int settled)
{
	return settled && f->seen == k->dirseq[f->slot];
}

void
cgroup_keep_file_checked(const struct cgroup_keep *k, struct keep_file *f,
    int settled)
{
	f->seen = settled ? k->dirseq[f->slot] : 0;
}

void
cgroup_keep_ident(const struct cgroup_keeps *s, int fd, dev_t *dev,
    ino_t *ino)
{
	struct stat	st;

	*dev = 0;
	*ino = 0;
	if (s->validate && fstat(fd, &st) == 0) {
		*dev = st.st_dev;
		*ino = st.st_ino;
	}
}

void
cgroup_keeps_free(struct cgroup_keeps *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		keep_free(s, s->k[i]);
	free(s->k);
	s->k = NULL;
	s->n = s->cap = 0;
}

void
cgroup_keeps_begin(struct cgroup_keeps *s, double now)
{
	s->gen++;
	s->now = now;
	s->unkept = 0;
	s->recheck = 0;
	if (now >= s->recheck_at) {
		/* The first collection finds nothing absent yet: no cost. */
		s->recheck = s->recheck_at > 0;
		s->recheck_at = now + KEEP_RECHECK_S;
	}
	if (s->validate) {
		s->recheck = 1;
		clock_gettime(CLOCK_REALTIME, &s->wall);
	}
}

/*
 * The container id in a cgroup id: its last component without systemd's
 * "docker-" and ".scope" ("/docker/<id>", "/system.slice/docker-<id>.scope").
 */
static size_t
key_of(const char *id, const char **key)
{
	const char	*p = strrchr(id, '/');
	size_t		 n;

	p = p == NULL ? id : p + 1;
	if (strncmp(p, "docker-", 7) == 0)
		p += 7;
	n = strlen(p);
	if (n > 6 && strcmp(p + n - 6, ".scope") == 0)
		n -= 6;
	*key = p;
	return n;
}

static int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	r = memcmp(a, b, alen < blen ? alen : blen);

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* k against (key, id); a NULL id sorts before every id of that key. */
static int
keep_cmp(const struct cgroup_keep *k, const char *key, size_t klen,
    const char *id)
{
	const char	*kk;
	size_t		 kn = key_of(k->id, &kk);
	int		 r = key_cmp(kk, kn, key, klen);

	if (r != 0 || id == NULL)
		return r != 0 ? r : 1;
	return strcmp(k->id, id);
}

/* The first index not below `id` (NULL: the first of `key`). */
static size_t
lower_bound_key(const struct cgroup_keeps *s, const char *key, size_t klen,
    const char *id)
{
	size_t	lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keep_cmp(s->k[mid], key, klen, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
lower_bound(const struct cgroup_keeps *s, const char *id)
{
	const char	*key;
	size_t		 klen = key_of(id, &key);

	return lower_bound_key(s, key, klen, id);
}

static void
close_fd(struct cgroup_keeps *s, struct cgroup_keep *k, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		k->nopen--;
		s->fds--;
	}
	*fd = KEEP_UNTRIED;
}

void
cgroup_keep_reset(struct cgroup_keeps *s, struct cgroup_keep *k)
{
	size_t	i;

	for (i = 0; i < k->nf; i++)
		close_fd(s, k, &k->f[i].fd);
	k->nf = 0;
	for (i = 0; i < KEEP_SLOTS; i++) {
		close_fd(s, k, &k->dir[i]);
		k->dirtime[i].tv_sec = k->dirtime[i].tv_nsec = 0;
	}
	close_fd(s, k, &k->netfd);
}

void
cgroup_keep_drop_net(struct cgroup_keeps *s, struct cgroup_keep *k)
{
	close_fd(s, k, &k->netfd);
}

static void
keep_free(struct cgroup_keeps *s, struct cgroup_keep *k)
{
	cgroup_keep_reset(s, k);
	free(k->id);
	free(k);
}

int
cgroup_keeps_room(const struct cgroup_keeps *s)
{
	return s->fds < s->budget;
}

struct cgroup_keep *
cgroup_keeps_get(struct cgroup_keeps *s, const char *id, pid_t pid)
{
	struct cgroup_keep	*k, **nk;
	size_t			 i = lower_bound(s, id), ncap;

	if (i < s->n && strcmp(s->k[i]->id, id) == 0) {
		k = s->k[i];
		if (k->pid != pid) {
			/* Restarted: another process, maybe another cgroup. */
			if (k->nopen > 0)
				s->reopens++;
			cgroup_keep_reset(s, k);
			k->pid = pid;
		}
		k->gen = s->gen;
		return k;
	}
	if (!cgroup_keeps_room(s))
		return NULL;
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 64;
		if ((nk = realloc(s->k, ncap * sizeof(*nk))) == NULL)
			return NULL;
		s->k = nk;
		s->cap = ncap;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if ((k->id = strdup(id)) == NULL) {
		free(k);
		return NULL;
	}
	for (ncap = 0; ncap < KEEP_SLOTS; ncap++)
		k->dir[ncap] = KEEP_UNTRIED;
	k->netfd = KEEP_UNTRIED;
	k->pid = pid;
	k->gen = s->gen;
	memmove(&s->k[i + 1], &s->k[i], (s->n - i) * sizeof(*s->k));
	s->k[i] = k;
	s->n++;
	return k;
}

void
cgroup_keeps_sweep(struct cgroup_keeps *s)
{
	size_t	i, j;

	for (i = j = 0; i < s->n; i++) {
		if (s->k[i]->gen == s->gen)
			s->k[j++] = s->k[i];
		else
			keep_free(s, s->k[i]);
	}
	s->n = j;
}

void
cgroup_keeps_forget(struct cgroup_keeps *s, const char *id)
{
	size_t	i = lower_bound(s, id);

	if (i >= s->n || strcmp(s->k[i]->id, id) != 0)
		return;
	keep_free(s, s->k[i]);
	memmove(&s->k[i], &s->k[i + 1], (s->n - i - 1) * sizeof(*s->k));
	s->n--;
}

void
cgroup_keeps_shed(struct cgroup_keeps *s)
{
	while (s->fds > s->budget && s->n > 0) {
		keep_free(s, s->k[s->n - 1]);
		s->n--;
	}
}

void
cgroup_keeps_forget_name(struct cgroup_keeps *s, const char *name)
{
	const char	*kk;
	size_t		 klen = strlen(name), kn, i, j;

	if (klen == 0 || s->n == 0)
		return;		/* the root's key: never a container */
	i = lower_bound_key(s, name, klen, NULL);
	for (j = i; j < s->n; j++) {
		kn = key_of(s->k[j]->id, &kk);
		if (key_cmp(kk, kn, name, klen) != 0)
			break;
		keep_free(s, s->k[j]);
	}
	if (j == i)
		return;
	memmove(&s->k[i], &s->k[j], (s->n - j) * sizeof(*s->k));
	s->n -= j - i;
}

struct keep_file *
cgroup_keep_find(struct cgroup_keep *k, int slot, const char *name)
{
	size_t	i;

	for (i = 0; i < k->nf; i++)
		if (k->f[i].slot == slot && (k->f[i].name == name ||
		    strcmp(k->f[i].name, name) == 0))
			return &k->f[i];
	return NULL;
}

void
cgroup_keep_held(struct cgroup_keeps *s, struct cgroup_keep *k)
{
	k->nopen++;
	s->fds++;
}

struct keep_file *
cgroup_keep_open(struct cgroup_keeps *s, struct cgroup_keep *k, int slot,
    int dirfd, const char *name)
{
	struct keep_file	*f;
	int			 fd;

	if (!cgroup_keeps_room(s) || k->nf == KEEP_FILES) {
		errno = EMFILE;
		return NULL;
	}
	if ((fd = file_open_kept(dirfd, name)) == -1 && errno != ENOENT)
		return NULL;
	f = &k->f[k->nf++];
	f->name = name;
	f->slot = (unsigned char)slot;
	f->seen = 0;
	f->fd = fd == -1 ? KEEP_ABSENT : fd;
	if (fd != -1) {
		cgroup_keep_ident(s, fd, &f->dev, &f->ino);
		cgroup_keep_held(s, k);
	}
	return f;
}
