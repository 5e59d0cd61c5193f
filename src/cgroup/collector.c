/*
 * collector: cgroup stats -> cAdvisor metric families. This file makes
 * the snapshots; collector_families.c lists the families and
 * collector_write.c writes them (collector_int.h is what they share).
 *
 *	collector_collect
 *	  ├─ keeps begin   a generation of kept descriptors (keep.h)
 *	  ├─ read_target   cgroup_read_stats_kept per target -> snap->ent[]; the
 *	                   per-device and per-interface rows go to two pools
 *	                   with their label text formatted once; the target's
 *	                   labels are copied, so the snapshot outlives them
 *	  ├─ keeps sweep   the descriptors of targets not read are closed
 *	  └─ read_machine  cores, memory and swap; the hardware (topology,
 *	                   DIMMs, ids: hundreds of files on a big host) at
 *	                   the first collection and then every
 *	                   COLLECTOR_HW_REFRESH_S, as cAdvisor refreshes its
 *	                   machine info (--update_machine_info_interval 5m)
 *	collector_snap_write (collector_write.c, as the response is sent)
 *	  └─ per family    HELP/TYPE once, then that family's samples for
 *	                   every entry, resumable at any entry; then a tail
 *	                   (machine_*, read errors)
 *
 * Emission rules that differ from "always": cfs and burst counters and
 * spec_cpu_quota only with a quota; io.cost only for the devices that have
 * it; a value whose file is absent (swap, memory.peak, pressure, pids on
 * the root, failcnt on v2, memory.events on v1 ...) is not exported rather
 * than exported as 0; container_start_time_seconds only when the caller
 * knows it; container_tasks_state only with metrics.task_states, where the
 * taskstats socket opened (v1 and hybrid hosts).
 */
#include "cgroup/collector.h"
#include "cgroup/collector_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/keep.h"
#include "cgroup/taskstats.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

#define COLLECTOR_HW_REFRESH_S	300.0

struct collector {
	const struct cgroup_env	*env;
	struct cgroup_devnames	 devnames;
	struct collector_snap	*last;		/* reused when nobody else holds it */
	struct cgroup_io_dev	 scratch_io[CGROUP_IO_MAX];
	struct procnet_iface	 scratch_net[PROCNET_MAX_IFACES];
	uint64_t		 read_errors;
	struct cgroup_taskstats	 taskstats;	/* fd -1: no task states */
	struct cgroup_keeps	 keeps;
	struct cgroup_machine	 hw;		/* topology, DIMMs, ids */
	double			 hw_at;		/* clock_mono of their read, 0: never */
	struct collector_disc	 disc;		/* collector_discover's */
};

static void	net_label(char *, size_t, const char *);
static struct collector_snap *snap_writable(struct collector *);
static int	keep_rows(struct collector *, struct collector_snap *,
		    struct entry *);
static uint64_t	emit_mask(const struct collector_snap *,
		    const struct entry *);
static void	read_target(struct collector *, struct collector_snap *,
		    const struct cgroup_target *);
static void	read_machine(struct collector *, struct collector_snap *);

struct collector *
collector_new(const struct cgroup_env *env)
{
	struct collector	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->env = env;
	cgroup_keeps_init(&c->keeps, 0);
	c->keeps.validate = !cgroup_keeps_kernel_fs(env);
	cgroup_devnames_init(&c->devnames);
	c->taskstats.fd = -1;
	return c;
}

void
collector_set_task_states(struct collector *c, int on)
{
	char	err[256];

	if (!on) {
		cgroup_taskstats_close(&c->taskstats);
		return;
	}
	/* The kernel keeps task states for cgroup v1 directories only. */
	if (c->taskstats.fd != -1 || c->env->layout == CGROUP_LAYOUT_V2)
		return;
	if (cgroup_taskstats_open(&c->taskstats, err, sizeof(err)) == -1)
		log_info("no container_tasks_state: taskstats unavailable",
		    LOG_S("error", err));
}

void
collector_free(struct collector *c)
{
	if (c == NULL)
		return;
	collector_disc_free(&c->disc);
	collector_snap_release(c->last);
	cgroup_keeps_free(&c->keeps);
	cgroup_taskstats_close(&c->taskstats);
	free(c);
}

uint64_t
collector_read_errors(const struct collector *c)
{
	return c->read_errors;
}

void
collector_set_fd_budget(struct collector *c, size_t budget)
{
	c->keeps.budget = budget;
	cgroup_keeps_shed(&c->keeps);
}

void
collector_forget(struct collector *c, const char *id)
{
	cgroup_keeps_forget(&c->keeps, id);
}

void
collector_forget_container(struct collector *c, const char *container_id)
{
	cgroup_keeps_forget_name(&c->keeps, container_id);
}

void
collector_fd_stats(const struct collector *c, struct collector_fds *out)
{
	out->open = c->keeps.fds;
	out->budget = c->keeps.budget;
	out->reopens = c->keeps.reopens;
	out->unkept = c->keeps.unkept;
}

struct collector_snap *
collector_snap_ref(struct collector_snap *s)
{
	s->refs++;
	return s;
}

void
collector_snap_release(struct collector_snap *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	free(s->ent);
	free(s->io);
	free(s->net);
	buf_free(&s->labels);
	free(s);
}

int
collector_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap;
	void	*n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size || (n = realloc(*p, ncap * size)) == NULL)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}

/* interface="<name>", escaped; names are at most 15 bytes, so it fits. */
static void
net_label(char *dst, size_t len, const char *name)
{
	metrics_label_fixed(dst, len, "interface", name);
}

/*
 * An empty snapshot to collect into: the last one again when only the
 * collector holds it (its arrays are already the right size), else a
 * new one, leaving the old to the responses still sending it.
 */
static struct collector_snap *
snap_writable(struct collector *c)
{
	struct collector_snap	*s = c->last;

	if (s == NULL || s->refs > 1) {
		collector_snap_release(s);
		if ((c->last = s = calloc(1, sizeof(*s))) == NULL)
			return NULL;
		buf_init(&s->labels);
		s->refs = 1;
	}
	s->nent = s->nio = s->nnet = 0;
	buf_reset(&s->labels);
	s->labels.oom = 0;
	s->any = 0;
	s->have_machine = 0;
	s->oom = 0;
	return s;
}

/* Moves an entry's scratch rows into the pools, labels formatted once. */
static int
keep_rows(struct collector *c, struct collector_snap *s, struct entry *e)
{
	size_t	i;

	if (collector_grow((void **)&s->io, &s->io_cap, s->nio + e->st.nio,
	    sizeof(*s->io)) == -1 ||
	    collector_grow((void **)&s->net, &s->net_cap, s->nnet + e->st.nnet,
	    sizeof(*s->net)) == -1)
		return -1;
	e->io_off = s->nio;
	for (i = 0; i < e->st.nio; i++) {
		struct io_row	*r = &s->io[s->nio++];

		const char	*dev;

		r->d = c->scratch_io[i];
		/* The same size as the table's field, and NUL-terminated there. */
		dev = cgroup_devnames_label(&c->devnames, c->env, r->d.major,
		    r->d.minor);
		memcpy(r->label, dev, strlen(dev) + 1);
	}
	e->net_off = s->nnet;
	for (i = 0; i < e->st.nnet; i++) {
		struct net_row	*r = &s->net[s->nnet++];

		r->i = c->scratch_net[i];
		net_label(r->label, sizeof(r->label), r->i.name);
	}
	/* The scratch arrays are reused: the pools own the rows now. */
	e->st.io = NULL;
	e->st.net = NULL;
	return 0;
}

static uint64_t
emit_mask(const struct collector_snap *s, const struct entry *e)
{
	uint64_t	m = e->st.have | EMIT_SEEN;
	size_t		i;

	if ((m & CGROUP_HAVE_CFS) && (m & CGROUP_HAVE_CPU_QUOTA))
		m |= EMIT_CFS;
	if (e->st.nnet > 0)
		m |= EMIT_NET;
	if (e->st.nio > 0)
		m |= EMIT_IO;
	for (i = 0; i < e->st.nio; i++) {
		if (s->io[e->io_off + i].d.have & CGROUP_IO_COST)
			m |= EMIT_IO_COST;
		if (s->io[e->io_off + i].d.have & CGROUP_IO_OPS)
			m |= EMIT_BLKIO;
	}
	if (e->start_time > 0)
		m |= EMIT_START;
	return m;
}

static void
read_target(struct collector *c, struct collector_snap *s,
    const struct cgroup_target *t)
{
	struct entry		*e = &s->ent[s->nent];
	struct cgroup_keep	*k;
	char			 err[256];
	int			 fallback, rc;

	/* Only the fields the parser does not overwrite need a value. */
	e->st.io = c->scratch_io;
	e->st.io_cap = CGROUP_IO_MAX;
	e->st.net = c->scratch_net;
	e->st.net_cap = PROCNET_MAX_IFACES;
	e->st.taskstats = c->taskstats.fd == -1 ? NULL : &c->taskstats;
	k = cgroup_keeps_get(&c->keeps, t->id, t->pid);
	rc = cgroup_read_stats_kept(c->env, &c->keeps, k, t->id, t->pid,
	    &e->st, &fallback, err, sizeof(err));
	if (fallback)
		c->keeps.unkept++;
	if (rc == -1) {
		c->read_errors++;
		log_debug("cgroup skipped", LOG_S("id", t->id),
		    LOG_S("error", err));
		return;
	}
	if (e->st.nerrors > 0) {
		c->read_errors += e->st.nerrors;
		log_debug("cgroup file unreadable", LOG_S("id", t->id),
		    LOG_S("error", err), LOG_U("files", e->st.nerrors));
	}
	e->labels = s->labels.len;
	e->labels_len = strlen(t->labels);
	buf_append(&s->labels, t->labels, e->labels_len + 1);
	e->start_time = t->start_time;
	if (s->labels.oom || keep_rows(c, s, e) == -1) {
		s->oom = 1;
		return;
	}
	e->emit = emit_mask(s, e);
	s->any |= e->emit;
	s->nent++;
}

/* The machine facts: the cpu topology, meminfo, the ids. */
static void
read_machine(struct collector *c, struct collector_snap *s)
{
	char	err[256];
	double	now = clock_mono();

	if (c->hw_at == 0 || now - c->hw_at >= COLLECTOR_HW_REFRESH_S ||
	    now < c->hw_at) {
		cgroup_read_machine_topo(c->env, &c->hw);
		c->hw_at = now;
	}
	cgroup_machine_copy_topo(&s->machine, &c->hw);
	if (cgroup_read_machine(c->env, &s->machine, err, sizeof(err)) == -1) {
		c->read_errors++;
		log_debug("machine info unreadable", LOG_S("error", err));
		return;
	}
	s->have_machine = 1;
}

struct collector_snap *
collector_collect(struct collector *c, const struct cgroup_target *t,
    size_t n, double now)
{
	struct collector_snap	*s;
	size_t			 i;

	if ((s = snap_writable(c)) == NULL)
		return NULL;
	if (collector_grow((void **)&s->ent, &s->ent_cap, n,
	    sizeof(*s->ent)) == -1)
		return NULL;
	cgroup_keeps_begin(&c->keeps, clock_mono());
	for (i = 0; i < n && !s->oom; i++)
		read_target(c, s, &t[i]);
	if (s->oom)
		return NULL;
	cgroup_keeps_sweep(&c->keeps);
	collector_fd_stats(c, &s->fds);
	read_machine(c, s);
	s->now = now;
	s->read_errors = c->read_errors;
	return s;
}

int
collector_discover(struct collector *c, const struct cgroup_target **out,
    size_t *n, char *err, size_t errlen)
{
	return collector_disc_run(&c->disc, c->env, out, n, err, errlen);
}
