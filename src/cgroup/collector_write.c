/*
 * collector_write: a snapshot out as metric families, a piece at a time.
 *
 *	collector_snap_write (as the response is sent, again and again)
 *	  ├─ per family    collector_families[] in order: HELP/TYPE once,
 *	  │                then that family's samples for every entry,
 *	  │                resumable at any entry (the cursor); the kind of
 *	  │                family says how an entry's samples are found
 *	  │                (family_entry, write_blkio)
 *	  └─ write_tail    the host's few families after the last one:
 *	                   machine_*, hale_cgroup_read_errors_total
 */
#include "cgroup/collector_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static uint64_t	 field(const void *, size_t);
static const char *labels_of(const struct collector_snap *,
		    const struct entry *);
static void	 write_value(struct metrics_writer *, const struct family *,
		    const char *, const char *, uint64_t);
static void	 write_blkio(struct metrics_writer *, const struct family *,
		    const char *, const struct io_row *);
static int	 family_wanted(const struct collector_snap *,
		    const struct family *);
static void	 family_entry(const struct collector_snap *,
		    struct metrics_writer *, const struct family *,
		    const struct entry *);
static void	 write_tail(const struct collector_snap *,
		    struct metrics_writer *);

static uint64_t
field(const void *base, size_t off)
{
	uint64_t	v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

static const char *
labels_of(const struct collector_snap *s, const struct entry *e)
{
	return s->labels.data + e->labels;
}

/*
 * One sample of f: `l` the target's labels, `extra` the per-sample ones.
 * An OpenMetrics counter's samples end in _total; cAdvisor's counter
 * without it (container_memory_failcnt) gets it there, as client_golang
 * writes it.
 */
static void
write_value(struct metrics_writer *w, const struct family *f, const char *l,
    const char *extra, uint64_t v)
{
	char		 om[128];
	const char	*name = f->name;
	size_t		 n;

	if (w->fmt == METRICS_OPENMETRICS && f->type == METRICS_COUNTER &&
	    ((n = strlen(name)) < 6 || strcmp(name + n - 6, "_total") != 0) &&
	    (size_t)snprintf(om, sizeof(om), "%s_total", name) < sizeof(om))
		name = om;
	switch (f->v) {
	case V_NS:
		metrics_sample_scaled(w, name, l, extra, v, 9);
		break;
	case V_US:
		metrics_sample_scaled(w, name, l, extra, v, 6);
		break;
	case V_MEMLIMIT:
		metrics_sample_u64(w, name, l, extra,
		    v > ((uint64_t)1 << 62) ? 0 : v);
		break;
	case V_PIDSMAX:
		metrics_sample_u64(w, name, l, extra,
		    v == UINT64_MAX ? 0 : v);
		break;
	case V_U64:
		metrics_sample_u64(w, name, l, extra, v);
		break;
	}
}

/*
 * container_blkio_device_usage_total of one device: a sample for each
 * operation its bytes file listed (io.stat: Read and Write; v1 blkio:
 * also Sync, Async, Discard and Total), as cAdvisor copies them.
 */
static void
write_blkio(struct metrics_writer *w, const struct family *f, const char *l,
    const struct io_row *r)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
		size_t		 off;
	} ops[] = {
		{ CGROUP_IO_READ, "Read",
		  offsetof(struct cgroup_io_dev, rbytes) },
		{ CGROUP_IO_WRITE, "Write",
		  offsetof(struct cgroup_io_dev, wbytes) },
		{ CGROUP_IO_SYNC, "Sync",
		  offsetof(struct cgroup_io_dev, sync_bytes) },
		{ CGROUP_IO_ASYNC, "Async",
		  offsetof(struct cgroup_io_dev, async_bytes) },
		{ CGROUP_IO_DISCARD, "Discard",
		  offsetof(struct cgroup_io_dev, discard_bytes) },
		{ CGROUP_IO_TOTAL, "Total",
		  offsetof(struct cgroup_io_dev, total_bytes) },
	};
	char	extra[sizeof(r->label) + 64];
	size_t	i, n, op;
	int	len;

	/* The device's labels once; each operation only changes the tail. */
	len = snprintf(extra, sizeof(extra), "%s,major=\"%u\",minor=\"%u\","
	    "operation=\"", r->label, r->d.major, r->d.minor);
	if (len < 0 || (size_t)len + sizeof("Discard\"") > sizeof(extra))
		return;
	n = (size_t)len;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!(r->d.have & ops[i].bit))
			continue;
		op = strlen(ops[i].name);
		memcpy(extra + n, ops[i].name, op);
		memcpy(extra + n + op, "\"", 2);
		write_value(w, f, l, extra, field(&r->d, ops[i].off));
	}
}

/* Whether a family has a sample in this snapshot at all. */
static int
family_wanted(const struct collector_snap *s, const struct family *f)
{
	return (s->any & f->need) == f->need;
}

/* One entry's samples of a family. */
static void
family_entry(const struct collector_snap *s, struct metrics_writer *w,
    const struct family *f, const struct entry *e)
{
	const char	*l = labels_of(s, e);
	size_t		 k;

	if ((e->emit & f->need) != f->need)
		return;
	switch (f->kind) {
	case F_SCALAR:
		write_value(w, f, l, f->extra, field(&e->st, f->off));
		break;
	case F_NET:
		for (k = 0; k < e->st.nnet; k++)
			write_value(w, f, l, s->net[e->net_off + k].label,
			    field(&s->net[e->net_off + k].i, f->off));
		break;
	case F_IO:
	case F_IO_COST:
		for (k = 0; k < e->st.nio; k++)
			if (f->kind == F_IO ||
			    (s->io[e->io_off + k].d.have & CGROUP_IO_COST))
				write_value(w, f, l, s->io[e->io_off + k].label,
				    field(&s->io[e->io_off + k].d, f->off));
		break;
	case F_BLKIO:
		for (k = 0; k < e->st.nio; k++)
			write_blkio(w, f, l, &s->io[e->io_off + k]);
		break;
	case F_FAULTS:
		write_value(w, f, l, "failure_type=\"pgfault\","
		    "scope=\"container\"", e->st.mem_pgfault);
		write_value(w, f, l, "failure_type=\"pgmajfault\","
		    "scope=\"container\"", e->st.mem_pgmajfault);
		/* cAdvisor writes memory.stat's one value to both scopes. */
		write_value(w, f, l, "failure_type=\"pgfault\","
		    "scope=\"hierarchy\"", e->st.mem_pgfault);
		write_value(w, f, l, "failure_type=\"pgmajfault\","
		    "scope=\"hierarchy\"", e->st.mem_pgmajfault);
		break;
	case F_TASKS:
		/* cAdvisor's order and names of the states. */
		write_value(w, f, l, "state=\"sleeping\"",
		    e->st.tasks.sleeping);
		write_value(w, f, l, "state=\"running\"", e->st.tasks.running);
		write_value(w, f, l, "state=\"stopped\"", e->st.tasks.stopped);
		write_value(w, f, l, "state=\"uninterruptible\"",
		    e->st.tasks.uninterruptible);
		write_value(w, f, l, "state=\"iowaiting\"",
		    e->st.tasks.io_wait);
		break;
	case F_START:
		metrics_sample(w, f->name, l, NULL, e->start_time);
		break;
	case F_SEEN:
		/* cAdvisor writes whole seconds (time.Now().Unix()). */
		metrics_sample_i64(w, f->name, l, NULL, (int64_t)s->now);
		break;
	}
}

/*
 * The families that are the host's rather than a container's. Whatever
 * else describes the machine goes here, after the last container family.
 */
static void
write_tail(const struct collector_snap *s, struct metrics_writer *w)
{
	if (s->have_machine)
		cgroup_machine_write(&s->machine, w);
	metrics_family(w, "hale_cgroup_read_errors_total", METRICS_COUNTER,
	    "Cgroup and /proc files that could not be read or parsed, plus "
	    "containers skipped because their cgroup was gone.");
	metrics_sample_u64(w, "hale_cgroup_read_errors_total", NULL, NULL,
	    s->read_errors);
	metrics_family(w, "hale_cgroup_fds_open", METRICS_GAUGE,
	    "Cgroup and net/dev file descriptors kept open between "
	    "collections.");
	metrics_sample_u64(w, "hale_cgroup_fds_open", NULL, NULL,
	    s->fds.open);
	metrics_family(w, "hale_cgroup_fd_budget", METRICS_GAUGE,
	    "Most descriptors kept open (metrics.fd_budget); past it files "
	    "are opened, read and closed.");
	metrics_sample_u64(w, "hale_cgroup_fd_budget", NULL, NULL,
	    s->fds.budget);
	metrics_family(w, "hale_cgroup_reopens_total", METRICS_COUNTER,
	    "Containers whose kept descriptors were closed and opened again "
	    "(a restart, a cgroup recreated, a process gone).");
	metrics_sample_u64(w, "hale_cgroup_reopens_total", NULL, NULL,
	    s->fds.reopens);
	metrics_family(w, "hale_cgroup_unkept_containers", METRICS_GAUGE,
	    "Containers of the last collection read with open/read/close for "
	    "some or all of their files (beyond the descriptor budget).");
	metrics_sample_u64(w, "hale_cgroup_unkept_containers", NULL, NULL,
	    s->fds.unkept);
}

int
collector_snap_write(const struct collector_snap *s, struct metrics_writer *w,
    struct collector_cursor *cur, size_t budget)
{
	const struct family	*f;
	size_t			 stop = w->out->len + budget;

	if (stop < budget)
		stop = SIZE_MAX;
	for (; cur->step < collector_nfamilies; cur->step++, cur->ent = 0,
	    cur->began = 0) {
		f = &collector_families[cur->step];
		if (!family_wanted(s, f))
			continue;
		if (!cur->began) {
			metrics_family(w, f->name, f->type, f->help);
			cur->began = 1;
		}
		for (; cur->ent < s->nent; cur->ent++) {
			if (w->out->len >= stop)
				return 0;
			family_entry(s, w, f, &s->ent[cur->ent]);
		}
	}
	if (cur->step == collector_nfamilies) {
		write_tail(s, w);
		cur->step++;
	}
	return 1;
}
