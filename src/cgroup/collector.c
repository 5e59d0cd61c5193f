/*
 * collector: cgroup stats -> cAdvisor metric families.
 *
 *	collector_collect
 *	  └─ read_target   cgroup_read_stats per target -> snap->ent[]; the
 *	                   per-device and per-interface rows go to two pools
 *	                   with their label text formatted once; the target's
 *	                   labels are copied, so the snapshot outlives them
 *	collector_snap_write (as the response is sent, a piece at a time)
 *	  └─ per step      HELP/TYPE once, then that family's samples for
 *	                   every entry, resumable at any entry; steps are the
 *	                   scalar families of two tables, the network and
 *	                   disk families, start and last-seen times, and a
 *	                   tail (machine_*, read errors)
 *
 * Emission rules that differ from "always": cfs counters and
 * spec_cpu_quota only with a quota; a value whose file is absent (swap,
 * memory.peak, pressure, pids on the root ...) is not exported rather than
 * exported as 0; container_start_time_seconds only when the caller knows it.
 */
#include "cgroup/collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/devnames.h"
#include "cgroup/discover.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"

/* Emission bits beyond cgroup_stats.have. */
#define EMIT_NET	(1u << 27)	/* at least one interface */
#define EMIT_IO		(1u << 28)	/* at least one device */
#define EMIT_START	(1u << 29)
#define EMIT_CFS	(1u << 30)	/* cfs counters and a quota */
#define EMIT_SEEN	(1u << 31)

struct io_row {
	struct cgroup_io_dev	d;
	char			label[sizeof(((struct cgroup_devname *)0)->label)];
};

struct net_row {
	struct procnet_iface	i;
	/* interface="..." escaped: 3 bytes for each of 15 (U+FFFD) */
	char			label[12 + 3 * (PROCNET_NAME_MAX - 1) + 1];
};

struct entry {
	struct cgroup_stats	 st;
	uint32_t		 emit;
	size_t			 labels;	/* offset in snap->labels */
	double			 start_time;
	size_t			 io_off;
	size_t			 net_off;
};

/*
 * One collection. Immutable once collector_collect has returned it, so a
 * response can write it out long after, while the next one is collected.
 */
struct collector_snap {
	unsigned		 refs;
	struct entry		*ent;
	size_t			 nent, ent_cap;
	struct io_row		*io;
	size_t			 nio, io_cap;
	struct net_row		*net;
	size_t			 nnet, net_cap;
	struct buf		 labels;	/* every entry's, NUL-separated */
	uint32_t		 any;		/* union of the entries' emit */
	double			 now;
	int			 have_machine;
	struct cgroup_machine	 machine;
	uint64_t		 read_errors;	/* the counter after this collection */
	int			 oom;
};

struct disc {
	char	*id;
	char	*labels;
	pid_t	 pid;
};

struct collector {
	const struct cgroup_env	*env;
	struct cgroup_devnames	 devnames;
	struct collector_snap	*last;		/* reused when nobody else holds it */
	struct cgroup_io_dev	 scratch_io[CGROUP_IO_MAX];
	struct procnet_iface	 scratch_net[PROCNET_MAX_IFACES];
	uint64_t		 read_errors;
	/* collector_discover's results */
	struct disc		*disc;
	size_t			 ndisc, disc_cap;
	struct cgroup_target	*dtargets;
};

enum vkind {
	V_U64,		/* integer as is */
	V_NS,		/* ns -> seconds */
	V_US,		/* usec -> seconds */
	V_MEMLIMIT,	/* > 2^62 ("max") -> 0, cAdvisor's specMemoryValue */
	V_PIDSMAX,	/* "max" -> 0 */
};

struct family {
	const char		*name;
	enum metrics_type	 type;
	const char		*help;
	uint32_t		 need;
	enum vkind		 kind;
	size_t			 off;	/* uint64_t inside struct cgroup_stats */
	const char		*extra;
};

#define ST(f)	offsetof(struct cgroup_stats, f)
#define PSI(r, full)	(offsetof(struct cgroup_stats, psi_us) + \
	    ((r) * 2 + (full)) * sizeof(uint64_t))

/* HELP strings are cAdvisor's, byte for byte (lib/metrics/prometheus.go). */
static const struct family cpu_families[] = {
	{ "container_cpu_usage_seconds_total", METRICS_COUNTER,
	  "Cumulative cpu time consumed in seconds.",
	  CGROUP_HAVE_CPU_USAGE, V_NS, ST(cpu_usage_ns), "cpu=\"total\"" },
	{ "container_cpu_user_seconds_total", METRICS_COUNTER,
	  "Cumulative user cpu time consumed in seconds.",
	  CGROUP_HAVE_CPU_USER_SYS, V_NS, ST(cpu_user_ns), NULL },
	{ "container_cpu_system_seconds_total", METRICS_COUNTER,
	  "Cumulative system cpu time consumed in seconds.",
	  CGROUP_HAVE_CPU_USER_SYS, V_NS, ST(cpu_system_ns), NULL },
	{ "container_cpu_cfs_periods_total", METRICS_COUNTER,
	  "Number of elapsed enforcement period intervals.",
	  EMIT_CFS, V_U64, ST(cfs_periods), NULL },
	{ "container_cpu_cfs_throttled_periods_total", METRICS_COUNTER,
	  "Number of throttled period intervals.",
	  EMIT_CFS, V_U64, ST(cfs_throttled_periods), NULL },
	{ "container_cpu_cfs_throttled_seconds_total", METRICS_COUNTER,
	  "Total time duration the container has been throttled.",
	  EMIT_CFS, V_NS, ST(cfs_throttled_ns), NULL },
	{ "container_memory_usage_bytes", METRICS_GAUGE,
	  "Current memory usage in bytes, including all memory regardless of "
	  "when it was accessed",
	  CGROUP_HAVE_MEM_USAGE, V_U64, ST(mem_usage), NULL },
	{ "container_memory_working_set_bytes", METRICS_GAUGE,
	  "Current working set in bytes.",
	  CGROUP_HAVE_MEM_USAGE, V_U64, ST(mem_working_set), NULL },
	{ "container_memory_rss", METRICS_GAUGE,
	  "Size of RSS in bytes.",
	  CGROUP_HAVE_MEM_RSS, V_U64, ST(mem_rss), NULL },
	{ "container_memory_cache", METRICS_GAUGE,
	  "Number of bytes of page cache memory.",
	  CGROUP_HAVE_MEM_CACHE, V_U64, ST(mem_cache), NULL },
	{ "container_memory_swap", METRICS_GAUGE,
	  "Container swap usage in bytes.",
	  CGROUP_HAVE_MEM_SWAP, V_U64, ST(mem_swap), NULL },
	{ "container_memory_mapped_file", METRICS_GAUGE,
	  "Size of memory mapped files in bytes.",
	  CGROUP_HAVE_MEM_MAPPED, V_U64, ST(mem_mapped_file), NULL },
	{ "container_memory_max_usage_bytes", METRICS_GAUGE,
	  "Maximum memory usage recorded in bytes",
	  CGROUP_HAVE_MEM_MAX, V_U64, ST(mem_max_usage), NULL },
	{ "container_oom_events_total", METRICS_COUNTER,
	  "Count of out of memory events observed for the container",
	  CGROUP_HAVE_OOM, V_U64, ST(oom_kills), NULL },
	{ "container_spec_memory_limit_bytes", METRICS_GAUGE,
	  "Memory limit for the container.",
	  CGROUP_HAVE_MEM_LIMIT, V_MEMLIMIT, ST(mem_limit), NULL },
	{ "container_spec_cpu_period", METRICS_GAUGE,
	  "CPU period of the container.",
	  CGROUP_HAVE_CPU_PERIOD, V_U64, ST(cpu_period_us), NULL },
	{ "container_spec_cpu_quota", METRICS_GAUGE,
	  "CPU quota of the container.",
	  CGROUP_HAVE_CPU_QUOTA, V_U64, ST(cpu_quota_us), NULL },
	{ "container_spec_cpu_shares", METRICS_GAUGE,
	  "CPU share of the container.",
	  CGROUP_HAVE_CPU_SHARES, V_U64, ST(cpu_shares), NULL },
};

static const struct family proc_families[] = {
	{ "container_threads", METRICS_GAUGE,
	  "Number of threads running inside the container",
	  CGROUP_HAVE_THREADS, V_U64, ST(threads), NULL },
	{ "container_threads_max", METRICS_GAUGE,
	  "Maximum number of threads allowed inside the container, infinity "
	  "if value is zero",
	  CGROUP_HAVE_THREADS_MAX, V_PIDSMAX, ST(threads_max), NULL },
	{ "container_processes", METRICS_GAUGE,
	  "Number of processes running inside the container.",
	  CGROUP_HAVE_PROCS, V_U64, ST(processes), NULL },
	{ "container_pressure_cpu_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to CPU "
	  "congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_CPU, 0), V_US, PSI(CGROUP_PSI_CPU, 0),
	  NULL },
	{ "container_pressure_cpu_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to CPU congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_CPU, 1), V_US, PSI(CGROUP_PSI_CPU, 1),
	  NULL },
	{ "container_pressure_memory_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to "
	  "memory congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_MEMORY, 0), V_US,
	  PSI(CGROUP_PSI_MEMORY, 0), NULL },
	{ "container_pressure_memory_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to memory congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_MEMORY, 1), V_US,
	  PSI(CGROUP_PSI_MEMORY, 1), NULL },
	{ "container_pressure_io_waiting_seconds_total", METRICS_COUNTER,
	  "Total time duration tasks in the container have waited due to IO "
	  "congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_IO, 0), V_US, PSI(CGROUP_PSI_IO, 0),
	  NULL },
	{ "container_pressure_io_stalled_seconds_total", METRICS_COUNTER,
	  "Total time duration no tasks in the container could make progress "
	  "due to IO congestion.",
	  CGROUP_HAVE_PSI(CGROUP_PSI_IO, 1), V_US, PSI(CGROUP_PSI_IO, 1),
	  NULL },
};

enum net_field {
	NF_RX_BYTES, NF_RX_PACKETS, NF_RX_ERRORS, NF_RX_DROPPED,
	NF_TX_BYTES, NF_TX_PACKETS, NF_TX_ERRORS, NF_TX_DROPPED,
};

static const struct {
	const char	*name;
	const char	*help;
	size_t		 off;
} net_families[] = {
	{ "container_network_receive_bytes_total",
	  "Cumulative count of bytes received",
	  offsetof(struct procnet_iface, rx_bytes) },
	{ "container_network_receive_packets_total",
	  "Cumulative count of packets received",
	  offsetof(struct procnet_iface, rx_packets) },
	{ "container_network_receive_packets_dropped_total",
	  "Cumulative count of packets dropped while receiving",
	  offsetof(struct procnet_iface, rx_dropped) },
	{ "container_network_receive_errors_total",
	  "Cumulative count of errors encountered while receiving",
	  offsetof(struct procnet_iface, rx_errors) },
	{ "container_network_transmit_bytes_total",
	  "Cumulative count of bytes transmitted",
	  offsetof(struct procnet_iface, tx_bytes) },
	{ "container_network_transmit_packets_total",
	  "Cumulative count of packets transmitted",
	  offsetof(struct procnet_iface, tx_packets) },
	{ "container_network_transmit_packets_dropped_total",
	  "Cumulative count of packets dropped while transmitting",
	  offsetof(struct procnet_iface, tx_dropped) },
	{ "container_network_transmit_errors_total",
	  "Cumulative count of errors encountered while transmitting",
	  offsetof(struct procnet_iface, tx_errors) },
};

static const struct {
	const char	*name;
	const char	*help;
	size_t		 off;
} io_families[] = {
	{ "container_fs_reads_bytes_total", "Cumulative count of bytes read",
	  offsetof(struct cgroup_io_dev, rbytes) },
	{ "container_fs_reads_total", "Cumulative count of reads completed",
	  offsetof(struct cgroup_io_dev, rios) },
	{ "container_fs_writes_bytes_total", "Cumulative count of bytes written",
	  offsetof(struct cgroup_io_dev, wbytes) },
	{ "container_fs_writes_total", "Cumulative count of writes completed",
	  offsetof(struct cgroup_io_dev, wios) },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The order of the families in a scrape: each step writes one family
 * (or, for the tail, the host's few), in this order.
 */
#define STEP_CPU	0
#define STEP_NET	(STEP_CPU + NELEM(cpu_families))
#define STEP_IO		(STEP_NET + NELEM(net_families))
#define STEP_PROC	(STEP_IO + NELEM(io_families))
#define STEP_START	(STEP_PROC + NELEM(proc_families))
#define STEP_SEEN	(STEP_START + 1)
#define STEP_TAIL	(STEP_SEEN + 1)
#define STEP_DONE	(STEP_TAIL + 1)

static int	grow(void **, size_t *, size_t, size_t);
static uint64_t	field(const void *, size_t);
static void	net_label(char *, size_t, const char *);
static struct collector_snap *snap_writable(struct collector *);
static int	keep_rows(struct collector *, struct collector_snap *,
		    struct entry *);
static uint32_t	emit_mask(const struct entry *);
static void	read_target(struct collector *, struct collector_snap *,
		    const struct cgroup_target *);
static void	read_machine(struct collector *, struct collector_snap *);
static int	step_wanted(const struct collector_snap *, size_t);
static void	step_header(struct metrics_writer *, size_t);
static void	step_entry(const struct collector_snap *,
		    struct metrics_writer *, size_t, const struct entry *);
static void	write_scalar(const struct collector_snap *,
		    struct metrics_writer *, const struct family *,
		    const struct entry *);
static void	write_tail(const struct collector_snap *,
		    struct metrics_writer *);
static void	disc_clear(struct collector *);
static int	disc_add(const struct cgroup_found *, void *);
static int	disc_cmp(const void *, const void *);

struct collector *
collector_new(const struct cgroup_env *env)
{
	struct collector	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->env = env;
	cgroup_devnames_init(&c->devnames);
	return c;
}

void
collector_free(struct collector *c)
{
	if (c == NULL)
		return;
	disc_clear(c);
	free(c->disc);
	free(c->dtargets);
	collector_snap_release(c->last);
	free(c);
}

uint64_t
collector_read_errors(const struct collector *c)
{
	return c->read_errors;
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

/* Makes room for `need` elements of `size` bytes in *p. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
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

static uint64_t
field(const void *base, size_t off)
{
	uint64_t	v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
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

	if (grow((void **)&s->io, &s->io_cap, s->nio + e->st.nio,
	    sizeof(*s->io)) == -1 || grow((void **)&s->net, &s->net_cap,
	    s->nnet + e->st.nnet, sizeof(*s->net)) == -1)
		return -1;
	e->io_off = s->nio;
	for (i = 0; i < e->st.nio; i++) {
		struct io_row	*r = &s->io[s->nio++];

		r->d = c->scratch_io[i];
		snprintf(r->label, sizeof(r->label), "%s",
		    cgroup_devnames_label(&c->devnames, c->env, r->d.major,
		    r->d.minor));
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

static uint32_t
emit_mask(const struct entry *e)
{
	uint32_t	m = e->st.have | EMIT_SEEN;

	if ((m & CGROUP_HAVE_CFS) && (m & CGROUP_HAVE_CPU_QUOTA))
		m |= EMIT_CFS;
	if (e->st.nnet > 0)
		m |= EMIT_NET;
	if (e->st.nio > 0)
		m |= EMIT_IO;
	if (e->start_time > 0)
		m |= EMIT_START;
	return m;
}

static void
read_target(struct collector *c, struct collector_snap *s,
    const struct cgroup_target *t)
{
	struct entry	*e = &s->ent[s->nent];
	char		 err[256];

	/* Only the fields the parser does not overwrite need a value. */
	e->st.io = c->scratch_io;
	e->st.io_cap = CGROUP_IO_MAX;
	e->st.net = c->scratch_net;
	e->st.net_cap = PROCNET_MAX_IFACES;
	if (cgroup_read_stats(c->env, t->id, t->pid, &e->st, err,
	    sizeof(err)) == -1) {
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
	buf_append(&s->labels, t->labels, strlen(t->labels) + 1);
	e->start_time = t->start_time;
	if (s->labels.oom || keep_rows(c, s, e) == -1) {
		s->oom = 1;
		return;
	}
	e->emit = emit_mask(e);
	s->any |= e->emit;
	s->nent++;
}

static void
read_machine(struct collector *c, struct collector_snap *s)
{
	char	err[256];

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
	if (grow((void **)&s->ent, &s->ent_cap, n, sizeof(*s->ent)) == -1)
		return NULL;
	for (i = 0; i < n && !s->oom; i++)
		read_target(c, s, &t[i]);
	if (s->oom)
		return NULL;
	read_machine(c, s);
	s->now = now;
	s->read_errors = c->read_errors;
	return s;
}

static const char *
labels_of(const struct collector_snap *s, const struct entry *e)
{
	return s->labels.data + e->labels;
}

static void
write_scalar(const struct collector_snap *s, struct metrics_writer *w,
    const struct family *f, const struct entry *e)
{
	const char	*l = labels_of(s, e);
	uint64_t	 v;

	if ((e->emit & f->need) != f->need)
		return;
	v = field(&e->st, f->off);
	switch (f->kind) {
	case V_NS:
		metrics_sample_scaled(w, f->name, l, f->extra, v, 9);
		break;
	case V_US:
		metrics_sample_scaled(w, f->name, l, f->extra, v, 6);
		break;
	case V_MEMLIMIT:
		metrics_sample_u64(w, f->name, l, f->extra,
		    v > ((uint64_t)1 << 62) ? 0 : v);
		break;
	case V_PIDSMAX:
		metrics_sample_u64(w, f->name, l, f->extra,
		    v == UINT64_MAX ? 0 : v);
		break;
	case V_U64:
		metrics_sample_u64(w, f->name, l, f->extra, v);
		break;
	}
}

/* The scalar family of a step, or NULL. */
static const struct family *
step_scalar(size_t step)
{
	if (step < STEP_NET)
		return &cpu_families[step - STEP_CPU];
	if (step >= STEP_PROC && step < STEP_START)
		return &proc_families[step - STEP_PROC];
	return NULL;
}

/* Whether a step's family has a sample in this snapshot at all. */
static int
step_wanted(const struct collector_snap *s, size_t step)
{
	const struct family	*f = step_scalar(step);

	if (f != NULL)
		return (s->any & f->need) == f->need;
	if (step < STEP_IO)
		return (s->any & EMIT_NET) != 0;
	if (step < STEP_PROC)
		return (s->any & EMIT_IO) != 0;
	if (step == STEP_START)
		return (s->any & EMIT_START) != 0;
	return s->nent > 0;
}

static void
step_header(struct metrics_writer *w, size_t step)
{
	const struct family	*f = step_scalar(step);

	if (f != NULL)
		metrics_family(w, f->name, f->type, f->help);
	else if (step < STEP_IO)
		metrics_family(w, net_families[step - STEP_NET].name,
		    METRICS_COUNTER, net_families[step - STEP_NET].help);
	else if (step < STEP_PROC)
		metrics_family(w, io_families[step - STEP_IO].name,
		    METRICS_COUNTER, io_families[step - STEP_IO].help);
	else if (step == STEP_START)
		metrics_family(w, "container_start_time_seconds",
		    METRICS_GAUGE,
		    "Start time of the container since unix epoch in seconds.");
	else
		metrics_family(w, "container_last_seen", METRICS_GAUGE,
		    "Last time a container was seen by the exporter");
}

/* One entry's samples of a step's family. */
static void
step_entry(const struct collector_snap *s, struct metrics_writer *w,
    size_t step, const struct entry *e)
{
	const struct family	*f = step_scalar(step);
	size_t			 k, i;

	if (f != NULL)
		write_scalar(s, w, f, e);
	else if (step < STEP_IO) {
		i = step - STEP_NET;
		for (k = 0; k < e->st.nnet; k++)
			metrics_sample_u64(w, net_families[i].name,
			    labels_of(s, e), s->net[e->net_off + k].label,
			    field(&s->net[e->net_off + k].i,
			    net_families[i].off));
	} else if (step < STEP_PROC) {
		i = step - STEP_IO;
		for (k = 0; k < e->st.nio; k++)
			metrics_sample_u64(w, io_families[i].name,
			    labels_of(s, e), s->io[e->io_off + k].label,
			    field(&s->io[e->io_off + k].d,
			    io_families[i].off));
	} else if (step == STEP_START) {
		if (e->emit & EMIT_START)
			metrics_sample(w, "container_start_time_seconds",
			    labels_of(s, e), NULL, e->start_time);
	} else	/* cAdvisor writes whole seconds (time.Now().Unix()). */
		metrics_sample_i64(w, "container_last_seen", labels_of(s, e),
		    NULL, (int64_t)s->now);
}

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
}

int
collector_snap_write(const struct collector_snap *s, struct metrics_writer *w,
    struct collector_cursor *cur, size_t budget)
{
	size_t	 stop = w->out->len + budget;

	if (stop < budget)
		stop = SIZE_MAX;
	for (; cur->step < STEP_TAIL; cur->step++, cur->ent = 0,
	    cur->began = 0) {
		if (!step_wanted(s, cur->step))
			continue;
		if (!cur->began) {
			step_header(w, cur->step);
			cur->began = 1;
		}
		for (; cur->ent < s->nent; cur->ent++) {
			if (w->out->len >= stop)
				return 0;
			step_entry(s, w, cur->step, &s->ent[cur->ent]);
		}
	}
	if (cur->step == STEP_TAIL) {
		write_tail(s, w);
		cur->step = STEP_DONE;
	}
	return 1;
}

/* Discovery --------------------------------------------------------- */

static void
disc_clear(struct collector *c)
{
	size_t	i;

	for (i = 0; i < c->ndisc; i++) {
		free(c->disc[i].id);
		free(c->disc[i].labels);
	}
	c->ndisc = 0;
}

static int
disc_add(const struct cgroup_found *f, void *arg)
{
	struct collector	*c = arg;
	struct disc		*d;
	struct buf		 b;

	if (grow((void **)&c->disc, &c->disc_cap, c->ndisc + 1,
	    sizeof(*c->disc)) == -1)
		return -1;
	d = &c->disc[c->ndisc];
	buf_init(&b);
	metrics_label(&b, "id", f->id);
	if (b.oom || (d->id = strdup(f->id)) == NULL) {
		buf_free(&b);
		return -1;
	}
	d->labels = buf_steal(&b, NULL);
	if (d->labels == NULL) {
		free(d->id);
		return -1;
	}
	d->pid = f->pid;
	c->ndisc++;
	return 0;
}

static int
disc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct disc *)a)->id,
	    ((const struct disc *)b)->id);
}

int
collector_discover(struct collector *c, const struct cgroup_target **out,
    size_t *n, char *err, size_t errlen)
{
	struct cgroup_found	root;
	size_t			i, cap;

	disc_clear(c);
	memset(&root, 0, sizeof(root));
	snprintf(root.id, sizeof(root.id), "/");
	root.pid = 1;
	if (disc_add(&root, c) == -1)
		goto oom;
	if (cgroup_discover(c->env, disc_add, c, err, errlen) == -1)
		return -1;
	qsort(c->disc + 1, c->ndisc - 1, sizeof(*c->disc), disc_cmp);
	cap = 0;
	free(c->dtargets);
	c->dtargets = NULL;
	if (grow((void **)&c->dtargets, &cap, c->ndisc,
	    sizeof(*c->dtargets)) == -1)
		goto oom;
	for (i = 0; i < c->ndisc; i++) {
		c->dtargets[i].id = c->disc[i].id;
		c->dtargets[i].labels = c->disc[i].labels;
		c->dtargets[i].pid = c->disc[i].pid;
		c->dtargets[i].start_time = 0;
	}
	*out = c->dtargets;
	*n = c->ndisc;
	return 0;
oom:
	return err_set(err, errlen, "out of memory");
}
