/*
 * cgroup_parse: pure parsers of cgroup v1/v2 and /proc files, in
 * parse_value.c (one value a file), parse_keyed.c (keyed files),
 * parse_io.c (block I/O), parse_host.c (meminfo, cpus, uevent),
 * parse_diskstats.c (/proc/diskstats),
 * parse_procpid.c (/proc/<pid>/cgroup and mountinfo) and parse_netlink.c
 * (the taskstats netlink family's messages).
 *
 * Bytes in, struct out. No I/O, no logging, no globals, so the unit tests
 * and the fuzz harnesses call them directly. Every parser accepts a buffer
 * that is not NUL-terminated, tolerates a missing trailing newline and
 * ignores keys it does not know. Malformed input (a known key without a
 * number, a number that does not fit in 64 bits, a file with none of the
 * keys the kernel always writes) returns -1 with a message in err.
 *
 * Values are returned in the units the file uses (usec, ns, ticks, kB is
 * the one exception: meminfo is converted to bytes); the reader converts.
 * Each struct carries a `have` mask of the fields actually found.
 */
#ifndef HALE_CGROUP_PARSE_H
#define HALE_CGROUP_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A file holding one unsigned number (memory.current, pids.current ...). */
int	cgroup_parse_u64(const char *buf, size_t len, uint64_t *v,
	    char *err, size_t errlen);
/* The same, but the word "max" reads as UINT64_MAX (memory.max, pids.max). */
int	cgroup_parse_limit(const char *buf, size_t len, uint64_t *v,
	    char *err, size_t errlen);
/* A file holding one signed number (v1 cpu.cfs_quota_us, "-1" = none). */
int	cgroup_parse_i64(const char *buf, size_t len, int64_t *v,
	    char *err, size_t errlen);

/* v2 cpu.stat */
#define CGROUP_CPU_USAGE	0x01u	/* usage_usec */
#define CGROUP_CPU_USER		0x02u	/* user_usec */
#define CGROUP_CPU_SYSTEM	0x04u	/* system_usec */
#define CGROUP_CPU_PERIODS	0x08u	/* nr_periods */
#define CGROUP_CPU_THROTTLED	0x10u	/* nr_throttled */
#define CGROUP_CPU_THR_TIME	0x20u	/* throttled_usec (v2) / throttled_time (v1) */
#define CGROUP_CPU_BURSTS	0x40u	/* nr_bursts (5.14+) */
#define CGROUP_CPU_BURST_TIME	0x80u	/* burst_usec (v2) / burst_time (v1) */
struct cgroup_cpu_stat {
	unsigned	have;
	uint64_t	usage_usec;
	uint64_t	user_usec;
	uint64_t	system_usec;
	uint64_t	nr_periods;
	uint64_t	nr_throttled;
	uint64_t	throttled;	/* usec on v2, ns on v1 */
	uint64_t	nr_bursts;
	uint64_t	burst;		/* usec on v2, ns on v1 */
};
int	cgroup_parse_cpu_stat(const char *buf, size_t len,
	    struct cgroup_cpu_stat *, char *err, size_t errlen);
/* v1 cpu.stat: nr_periods, nr_throttled, throttled_time, burst_time (ns), nr_bursts. */
int	cgroup_parse_cpu_stat_v1(const char *buf, size_t len,
	    struct cgroup_cpu_stat *, char *err, size_t errlen);

/* v1 cpuacct.stat: "user N\nsystem N", in USER_HZ ticks. */
#define CGROUP_CPUACCT_USER	0x01u
#define CGROUP_CPUACCT_SYSTEM	0x02u
struct cgroup_cpuacct_stat {
	unsigned	have;
	uint64_t	user_ticks;
	uint64_t	system_ticks;
};
int	cgroup_parse_cpuacct_stat(const char *buf, size_t len,
	    struct cgroup_cpuacct_stat *, char *err, size_t errlen);

/* v2 cpu.max: "<quota|max> <period>". quota 0 means no quota. */
struct cgroup_cpu_max {
	uint64_t	quota_us;
	uint64_t	period_us;
};
int	cgroup_parse_cpu_max(const char *buf, size_t len,
	    struct cgroup_cpu_max *, char *err, size_t errlen);
/*
 * v2 cpu.weight (1..10000) to cgroup v1 shares, cAdvisor's conversion:
 * 2 + ((weight - 1) * 262142) / 9999, integer math. -1 when out of range.
 */
int	cgroup_weight_to_shares(uint64_t weight, uint64_t *shares);

/*
 * memory.stat. The v2 parser reads anon/file/file_mapped/inactive_file
 * and the keys below; the v1 parser reads the hierarchical total_rss/
 * total_cache/total_mapped_file/total_inactive_file/total_active_file/
 * total_swap into the same fields, and the rest under the same names as
 * v2, which is how cAdvisor reads both (pgfault is the cgroup's own on
 * v1; file_dirty, pgscan ... exist only on v2).
 */
#define CGROUP_MEM_ANON		0x0001u
#define CGROUP_MEM_FILE		0x0002u
#define CGROUP_MEM_MAPPED	0x0004u
#define CGROUP_MEM_INACTIVE	0x0008u
#define CGROUP_MEM_SWAP		0x0010u	/* v1 only */
#define CGROUP_MEM_ACTIVE	0x0020u	/* active_file, v1 total_active_file */
#define CGROUP_MEM_PGFAULT	0x0040u
#define CGROUP_MEM_PGMAJFAULT	0x0080u
#define CGROUP_MEM_DIRTY	0x0100u	/* file_dirty */
#define CGROUP_MEM_WRITEBACK	0x0200u	/* file_writeback */
#define CGROUP_MEM_PGSCAN	0x0400u
#define CGROUP_MEM_PGSTEAL	0x0800u
#define CGROUP_MEM_REFAULT_FILE	0x1000u	/* workingset_refault_file */
#define CGROUP_MEM_REFAULT_ANON	0x2000u	/* workingset_refault_anon */
struct cgroup_memory_stat {
	unsigned	have;
	uint64_t	anon;		/* v1: total_rss */
	uint64_t	file;		/* v1: total_cache */
	uint64_t	file_mapped;	/* v1: total_mapped_file */
	uint64_t	inactive_file;	/* v1: total_inactive_file */
	uint64_t	swap;		/* v1: total_swap */
	uint64_t	active_file;	/* v1: total_active_file */
	uint64_t	pgfault;
	uint64_t	pgmajfault;
	uint64_t	file_dirty;
	uint64_t	file_writeback;
	uint64_t	pgscan;
	uint64_t	pgsteal;
	uint64_t	refault_file;
	uint64_t	refault_anon;
};
int	cgroup_parse_memory_stat(const char *buf, size_t len,
	    struct cgroup_memory_stat *, char *err, size_t errlen);
int	cgroup_parse_memory_stat_v1(const char *buf, size_t len,
	    struct cgroup_memory_stat *, char *err, size_t errlen);

/* v2 memory.events (and the oom_kill line of v1 memory.oom_control). */
#define CGROUP_EV_LOW		0x01u
#define CGROUP_EV_HIGH		0x02u
#define CGROUP_EV_MAX		0x04u
#define CGROUP_EV_OOM		0x08u
#define CGROUP_EV_OOM_KILL	0x10u
struct cgroup_memory_events {
	unsigned	have;
	uint64_t	low;
	uint64_t	high;
	uint64_t	max;
	uint64_t	oom;
	uint64_t	oom_kill;
};
int	cgroup_parse_memory_events(const char *buf, size_t len,
	    struct cgroup_memory_events *, char *err, size_t errlen);
/* v1 memory.oom_control: oom_kill_disable, under_oom, oom_kill (4.13+). */
int	cgroup_parse_oom_control(const char *buf, size_t len,
	    struct cgroup_memory_events *, char *err, size_t errlen);

/* *.pressure: "some avg10=.. avg60=.. avg300=.. total=N" and "full ...". */
#define CGROUP_PSI_SOME		0x01u
#define CGROUP_PSI_FULL		0x02u
struct cgroup_psi {
	unsigned	have;
	uint64_t	some_total_us;
	uint64_t	full_total_us;
};
int	cgroup_parse_pressure(const char *buf, size_t len,
	    struct cgroup_psi *, char *err, size_t errlen);

/* Per-device block I/O counters (v2 io.stat or v1 blkio.throttle.*). */
#define CGROUP_IO_READ		0x01u	/* bytes: the operations a file listed */
#define CGROUP_IO_WRITE		0x02u
#define CGROUP_IO_SYNC		0x04u	/* v1 only, like the three below */
#define CGROUP_IO_ASYNC		0x08u
#define CGROUP_IO_DISCARD	0x10u
#define CGROUP_IO_TOTAL		0x20u
#define CGROUP_IO_OPS		0x3fu
#define CGROUP_IO_COST		0x40u	/* v2 cost.usage/wait/indebt/indelay */
struct cgroup_io_dev {
	unsigned	major;
	unsigned	minor;
	unsigned	have;
	uint64_t	rbytes;
	uint64_t	wbytes;
	uint64_t	rios;
	uint64_t	wios;
	/* The other byte counts by operation of v1's io_service_bytes. */
	uint64_t	sync_bytes;
	uint64_t	async_bytes;
	uint64_t	discard_bytes;
	uint64_t	total_bytes;
	/* io.cost, usec; all four or none (CGROUP_IO_COST). */
	uint64_t	cost_usage;
	uint64_t	cost_wait;
	uint64_t	cost_indebt;
	uint64_t	cost_indelay;
};
/*
 * v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N
 * [cost.usage=N cost.wait=N cost.indebt=N cost.indelay=N]" (cost.* with
 * the iocost controller on). Devices beyond `cap` are validated but not
 * stored. An empty file is valid (no I/O yet): *n = 0.
 */
int	cgroup_parse_io_stat(const char *buf, size_t len,
	    struct cgroup_io_dev *devs, size_t cap, size_t *n,
	    char *err, size_t errlen);
/*
 * v1 blkio.throttle.io_service_bytes[_recursive] (CGROUP_BLKIO_BYTES) or
 * blkio.throttle.io_serviced[_recursive] (CGROUP_BLKIO_IOS): lines
 * "MAJ:MIN Read|Write|Sync|Async|Discard|Total N" and a final "Total N".
 * Merges into devs[0..*n) so both files fill the same array; every
 * operation of the bytes file is kept (its CGROUP_IO_* bit set), of the
 * ios file Read and Write.
 */
enum cgroup_blkio_kind {
	CGROUP_BLKIO_BYTES,
	CGROUP_BLKIO_IOS,
};
int	cgroup_parse_blkio(const char *buf, size_t len, enum cgroup_blkio_kind,
	    struct cgroup_io_dev *devs, size_t cap, size_t *n,
	    char *err, size_t errlen);

/*
 * cgroup.procs line counting, fed in chunks so a root cgroup holding
 * thousands of pids needs no big buffer. Each non-empty line must be a
 * decimal pid; feed returns -1 on anything else.
 */
struct cgroup_linecount {
	uint64_t	lines;
	uint64_t	first;		/* the first line's digits so far */
	int		inline_;	/* inside a non-empty line */
};
void	cgroup_linecount_init(struct cgroup_linecount *);
int	cgroup_linecount_feed(struct cgroup_linecount *, const char *, size_t);
uint64_t cgroup_linecount_end(const struct cgroup_linecount *);
/* The first line's pid, 0 when there is none or it is not a valid pid. */
pid_t	cgroup_linecount_first(const struct cgroup_linecount *);
/* First pid of a cgroup.procs buffer; *pid = 0 when the file is empty. */
int	cgroup_parse_first_pid(const char *buf, size_t len, pid_t *pid,
	    char *err, size_t errlen);

/* /proc/meminfo, converted from kB to bytes. */
#define CGROUP_MI_MEMTOTAL	0x01u
#define CGROUP_MI_SWAPTOTAL	0x02u
#define CGROUP_MI_SWAPFREE	0x04u
struct cgroup_meminfo {
	unsigned	have;
	uint64_t	mem_total;
	uint64_t	swap_total;
	uint64_t	swap_free;
};
int	cgroup_parse_meminfo(const char *buf, size_t len,
	    struct cgroup_meminfo *, char *err, size_t errlen);

/* A cpu list like /sys/devices/system/cpu/online: "0-3,5,7-8". */
int	cgroup_parse_cpulist(const char *buf, size_t len, unsigned *count,
	    char *err, size_t errlen);
/* Number of "processor : N" lines in /proc/cpuinfo. */
int	cgroup_parse_cpuinfo(const char *buf, size_t len, unsigned *count,
	    char *err, size_t errlen);

/*
 * /proc/<pid>/cgroup, "ID:controller,list:/path" lines (cgroups(7)).
 *
 * cgroup_parse_proc_cgroup: the path of the hierarchy holding
 * `controller` ("" selects the v2 line "0::/path"). -1 when there is no
 * such line or the path does not fit.
 */
int	cgroup_parse_proc_cgroup(const char *buf, size_t len,
	    const char *controller, char *path, size_t pathlen,
	    char *err, size_t errlen);
/*
 * The path cAdvisor names the process's container by: on cgroup v1 and
 * hybrid hosts the cpuacct (or cpu, or memory) path, on pure v2 the "0::"
 * path. -1 if none is found or it does not fit in out[0..outlen).
 */
int	cgroup_parse_cadvisor_id(const char *buf, size_t len, char *out,
	    size_t outlen);
/*
 * The Docker container id a path names: a component that is
 * "docker-<id>.scope" (systemd driver) or "<id>" (cgroupfs). Useless under
 * a private cgroup namespace ("0::/"). 0 and `out` (65 bytes) filled, or -1.
 */
int	cgroup_parse_container_id(const char *buf, size_t len, char *out);

/*
 * /proc/<pid>/mountinfo: the container whose files are bind-mounted on
 * /etc/hostname, /etc/hosts or /etc/resolv.conf. Docker mounts them from
 * .../containers/<64 hex>/, Podman from .../overlay-containers/<id>/...,
 * on cgroup v1 and v2, with or without a cgroup namespace. 0 and `out`
 * (65 bytes) filled, -1 if the process is not in a container.
 */
int	cgroup_parse_mountinfo_id(const char *buf, size_t len, char *out);

/*
 * The kernel's taskstats family over generic netlink (parse_netlink.c).
 * cgroup_genl_request writes one request of `type` (GENL_ID_CTRL or the
 * family's id) with one attribute into buf: its length, 0 if it does not
 * fit. The parsers read the reply to `seq`: -1 with *kerr the kernel's
 * errno when it refused (EINVAL: not a cgroup v1 directory), *kerr 0
 * when the bytes are not such a reply.
 */
struct cgroup_tasks {
	uint64_t	sleeping;
	uint64_t	running;
	uint64_t	stopped;
	uint64_t	uninterruptible;
	uint64_t	io_wait;
};
size_t	cgroup_genl_request(void *buf, size_t len, uint16_t type,
	    uint8_t cmd, uint16_t attr, const void *data, size_t dlen,
	    uint32_t seq);
int	cgroup_parse_genl_family(const void *buf, size_t len, uint32_t seq,
	    uint16_t *id, int *kerr, char *err, size_t errlen);
int	cgroup_parse_cgroupstats(const void *buf, size_t len,
	    uint16_t family, uint32_t seq, struct cgroup_tasks *, int *kerr,
	    char *err, size_t errlen);

/*
 * /proc/1/mountinfo: the block-device filesystems of the host, as
 * cAdvisor's root container lists them: a source under /dev/, a device
 * major other than 0, the first mount of each device. Mount points come
 * unescaped (\040 -> ' '); one longer than CGROUP_MOUNT_POINT_MAX, or a
 * line without the " - " separator, is skipped. Returns how many were
 * stored in out[0..cap).
 */
#define CGROUP_MOUNT_POINT_MAX	256
struct cgroup_mount {
	unsigned	major, minor;
	char		point[CGROUP_MOUNT_POINT_MAX + 1];
	char		source[64];	/* "/dev/vda1" */
};
size_t	cgroup_parse_mounts(const char *buf, size_t len,
	    struct cgroup_mount *out, size_t cap);

/*
 * /proc/diskstats (Documentation/admin-guide/iostats.rst): "MAJ MIN name"
 * and 11 counters (14 fields), then 4 discard counters (4.18+, 18 fields)
 * and 2 flush counters (5.5+, 20 fields), which are not read. A line with
 * fewer than 14 fields (a partition before 2.6.25: 4 counters) is
 * skipped; a counter read that is not a number, or does not fit in 64
 * bits, fails the file (the kernel's later fields are not looked at). Devices beyond `cap` are validated but not stored.
 * Times are in ms, as the kernel counts them.
 */
struct cgroup_diskstat {
	unsigned	major, minor;
	uint64_t	reads, reads_merged, sectors_read, read_ms;
	uint64_t	writes, writes_merged, sectors_written, write_ms;
	uint64_t	in_progress, io_ms, weighted_io_ms;
};
int	cgroup_parse_diskstats(const char *buf, size_t len,
	    struct cgroup_diskstat *devs, size_t cap, size_t *n,
	    char *err, size_t errlen);

/* DEVNAME= of a sysfs uevent file ("sda"); -1 when absent or too long. */
int	cgroup_parse_uevent_devname(const char *buf, size_t len, char *name,
	    size_t namelen, char *err, size_t errlen);

#endif
