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

/* A family's sample name as this format writes it, measured once. */
struct sname {
	const char	*name;
	size_t		 len;
	char		 om[128];
};

static uint64_t	 field(const void *, size_t);
static void	 sample_name(const struct metrics_writer *,
		    const struct family *, struct sname *);
static void	 write_value(struct metrics_writer *, const struct family *,
		    const struct metrics_key *, const char *, uint64_t);
static void	 write_blkio(struct metrics_writer *, const struct family *,
		    const struct metrics_key *, const struct io_row *);
static int	 family_wanted(const struct collector_snap *,
		    const struct family *);
static void	 family_entry(const struct collector_snap *,
		    struct metrics_writer *, const struct family *,
		    const struct sname *, const struct entry *);
static void	 write_tail(const struct collector_snap *,
		    struct metrics_writer *);

static uint64_t
field(const void *base, size_t off)
{
	uint64_t	v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

/*
 * An OpenMetrics counter's samples end in _total; cAdvisor's counter
 * without it (container_memory_failcnt) gets it there, as client_golang
 * writes it.
 */
static void
sample_name(const struct metrics_writer *w, const struct family *f,
    struct sname *sn)
{
	size_t	n = strlen(f->name);

	sn->name = f->name;
	sn->len = n;
	if (w->fmt == METRICS_OPENMETRICS && f->type == METRICS_COUNTER &&
	    (n < 6 || strcmp(f->name + n - 6, "_total") != 0) &&
	    n + sizeof("_total") <= sizeof(sn->om)) {
		memcpy(sn->om, f->name, n);
		memcpy(sn->om + n, "_total", sizeof("_total"));
		sn->name = sn->om;
		sn->len = n + sizeof("_total") - 1;
	}
}

/* One sample of f: `k` its name and the target's labels, `extra` its own. */
static void
write_value(struct metrics_writer *w, const struct family *f,
    const struct metrics_key *k, const char *extra, uint64_t v)
{
	switch (f->v) {
	case V_NS:
		metrics_key_scaled(w, k, extra, v, 9);
		break;
	case V_US:
		metrics_key_scaled(w, k, extra, v, 6);
		break;
	case V_MEMLIMIT:
		metrics_key_u64(w, k, extra, v > ((uint64_t)1 << 62) ? 0 : v);
		break;
	case V_PIDSMAX:
		metrics_key_u64(w, k, extra, v == UINT64_MAX ? 0 : v);
		break;
	case V_U64:
		metrics_key_u64(w, k, extra, v);
		break;
	}
}

/*
 * container_blkio_device_usage_total of one device: a sample for each
 * operation its bytes file listed (io.stat: Read and Write; v1 blkio:
 * also Sync, Async, Discard and Total), as cAdvisor copies them.
 */
static void
write_blkio(struct metrics_writer *w, const struct family *f,
    const struct metrics_key *k, const struct io_row *r)
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
		write_value(w, f, k, extra, field(&r->d, ops[i].off));
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
    const struct family *f, const struct sname *sn, const struct entry *e)
{
	const char		*l = s->labels.data + e->labels;
	struct metrics_key	 key = { sn->name, sn->len, l, e->labels_len };
	const struct metrics_key *k = &key;
	size_t			 i;

	if ((e->emit & f->need) != f->need)
		return;
	switch (f->kind) {
	case F_SCALAR:
		write_value(w, f, k, f->extra, field(&e->st, f->off));
		break;
	case F_NET:
		for (i = 0; i < e->st.nnet; i++)
			write_value(w, f, k, s->net[e->net_off + i].label,
			    field(&s->net[e->net_off + i].i, f->off));
		break;
	case F_IO:
	case F_IO_COST:
		for (i = 0; i < e->st.nio; i++)
			if (f->kind == F_IO ||
			    (s->io[e->io_off + i].d.have & CGROUP_IO_COST))
				write_value(w, f, k, s->io[e->io_off + i].label,
				    field(&s->io[e->io_off + i].d, f->off));
		break;
	case F_BLKIO:
		for (i = 0; i < e->st.nio; i++)
			write_blkio(w, f, k, &s->io[e->io_off + i]);
		break;
	case F_FAULTS:
		write_value(w, f, k, "failure_type=\"pgfault\","
		    "scope=\"container\"", e->st.mem_pgfault);
		write_value(w, f, k, "failure_type=\"pgmajfault\","
		    "scope=\"container\"", e->st.mem_pgmajfault);
		/* cAdvisor writes memory.stat's one value to both scopes. */
		write_value(w, f, k, "failure_type=\"pgfault\","
		    "scope=\"hierarchy\"", e->st.mem_pgfault);
		write_value(w, f, k, "failure_type=\"pgmajfault\","
		    "scope=\"hierarchy\"", e->st.mem_pgmajfault);
		break;
	case F_TASKS:
		/* cAdvisor's order and names of the states. */
		write_value(w, f, k, "state=\"sleeping\"",
		    e->st.tasks.sleeping);
		write_value(w, f, k, "state=\"running\"", e->st.tasks.running);
		write_value(w, f, k, "state=\"stopped\"", e->st.tasks.stopped);
		write_value(w, f, k, "state=\"uninterruptible\"",
		    e->st.tasks.uninterruptible);
		write_value(w, f, k, "state=\"iowaiting\"",
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
	struct sname		 sn;
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
		sample_name(w, f, &sn);
		for (; cur->ent < s->nent; cur->ent++) {
			if (w->out->len >= stop)
				return 0;
			family_entry(s, w, f, &sn, &s->ent[cur->ent]);
		}
	}
	if (cur->step == collector_nfamilies) {
		write_tail(s, w);
		cur->step++;
	}
	return 1;
}
