/*
 * cgroup: finds a container's cgroup on v2, v1 and hybrid hosts and reads
 * its files into a plain stats struct. env.c detects the layout; read.c,
 * read_v2.c, read_v1.c and read_net.c read a cgroup (read.h draws the
 * chain), taskstats.c asks the kernel for a v1 cgroup's task states;
 * machine.c reads the host's totals; the parsing is in the parse_*.c
 * files (cgroup_parse.h).
 *
 * Every path goes through the --path.sysfs and --path.procfs roots, so
 * the tests point it at fixture trees. Layouts:
 *
 *	v2	<sysfs>/fs/cgroup/cgroup.controllers exists; one tree.
 *	v1	one tree per controller: <sysfs>/fs/cgroup/{cpu,cpuacct,memory,
 *		blkio,pids}, possibly co-mounted ("cpu,cpuacct") with or
 *		without the cpu -> cpu,cpuacct symlinks.
 *	hybrid	v1 controllers plus a controller-less v2 tree at
 *		<sysfs>/fs/cgroup/unified. cpu.stat (usage/user/system in
 *		usec) and *.pressure are read there when the container has a
 *		directory in it; everything else comes from v1.
 *
 * Ids are cAdvisor's container names: the cgroup path relative to the
 * hierarchy root ("/" for the host, "/system.slice/docker-<hex>.scope",
 * "/docker/<hex>"). The same id names the directory in every hierarchy.
 */
#ifndef HALE_CGROUP_H
#define HALE_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup_parse.h"
#include "cgroup/procnet.h"

#define CGROUP_PATH_MAX		512	/* a root such as <sysfs>/fs/cgroup/memory */
#define CGROUP_ID_MAX		512	/* a container id (cgroup path) */
#define CGROUP_READ_MAX		(64 * 1024)	/* largest file read whole */
#define CGROUP_IO_MAX		32	/* block devices kept per container */

enum cgroup_layout {
	CGROUP_LAYOUT_V2,
	CGROUP_LAYOUT_V1,
	CGROUP_LAYOUT_HYBRID,
};

enum cgroup_ctrl {
	CGROUP_CTRL_CPU,
	CGROUP_CTRL_CPUACCT,
	CGROUP_CTRL_MEMORY,
	CGROUP_CTRL_BLKIO,
	CGROUP_CTRL_PIDS,
	CGROUP_CTRL_N,
};

struct cgroup_taskstats;

struct cgroup_env {
	enum cgroup_layout	 layout;
	char			 sysfs[CGROUP_PATH_MAX];
	char			 procfs[CGROUP_PATH_MAX];
	/* v2: <sysfs>/fs/cgroup; hybrid: its unified/; v1: empty. */
	char			 unified[CGROUP_PATH_MAX];
	/* v1 and hybrid: each controller's mount directory, "" if absent. */
	char			 v1[CGROUP_CTRL_N][CGROUP_PATH_MAX];
	long			 user_hz;	/* cpuacct.stat tick rate */
};

/* Detects the layout under `sysfs`; -1 when no cgroup tree is found. */
int	cgroup_env_init(struct cgroup_env *, const char *sysfs,
	    const char *procfs, char *err, size_t errlen);
const char *cgroup_layout_name(enum cgroup_layout);
/* "cpu", "cpuacct", ...: the controller's name in /proc/<pid>/cgroup. */
const char *cgroup_ctrl_name(enum cgroup_ctrl);

/* Bits of cgroup_stats.have: which values were read. */
#define CGROUP_HAVE_CPU_USAGE	(UINT64_C(1) << 0)	/* cpu_usage_ns */
#define CGROUP_HAVE_CPU_USER_SYS (UINT64_C(1) << 1)	/* cpu_user_ns, cpu_system_ns */
#define CGROUP_HAVE_CFS		(UINT64_C(1) << 2)	/* cfs_* counters */
#define CGROUP_HAVE_CPU_PERIOD	(UINT64_C(1) << 3)
#define CGROUP_HAVE_CPU_QUOTA	(UINT64_C(1) << 4)	/* a quota is set (cpu_quota_us > 0) */
#define CGROUP_HAVE_CPU_SHARES	(UINT64_C(1) << 5)
#define CGROUP_HAVE_MEM_USAGE	(UINT64_C(1) << 6)	/* mem_usage and mem_working_set */
#define CGROUP_HAVE_MEM_RSS	(UINT64_C(1) << 7)
#define CGROUP_HAVE_MEM_CACHE	(UINT64_C(1) << 8)
#define CGROUP_HAVE_MEM_MAPPED	(UINT64_C(1) << 9)
#define CGROUP_HAVE_MEM_SWAP	(UINT64_C(1) << 10)
#define CGROUP_HAVE_MEM_MAX	(UINT64_C(1) << 11)	/* mem_max_usage */
#define CGROUP_HAVE_MEM_LIMIT	(UINT64_C(1) << 12)
#define CGROUP_HAVE_OOM		(UINT64_C(1) << 13)
#define CGROUP_HAVE_THREADS	(UINT64_C(1) << 14)
#define CGROUP_HAVE_THREADS_MAX	(UINT64_C(1) << 15)
#define CGROUP_HAVE_PROCS	(UINT64_C(1) << 16)
#define CGROUP_HAVE_NET		(UINT64_C(1) << 17)	/* net/dev was read (nnet may be 0) */
#define CGROUP_HAVE_IO		(UINT64_C(1) << 18)	/* io.stat/blkio was read */
#define CGROUP_HAVE_PSI(res, full) \
	(UINT64_C(1) << (19 + (res) * 2 + (full)))	/* 19..24 */
#define CGROUP_HAVE_CFS_BURST	(UINT64_C(1) << 25)	/* cfs_bursts, cfs_burst_ns */
#define CGROUP_HAVE_MEM_FAILCNT	(UINT64_C(1) << 26)	/* v1 memory.failcnt */
#define CGROUP_HAVE_MEM_KERNEL	(UINT64_C(1) << 27)	/* v1 memory.kmem.usage_in_bytes */
#define CGROUP_HAVE_MEM_ACTIVE_FILE (UINT64_C(1) << 28)
#define CGROUP_HAVE_MEM_INACTIVE_FILE (UINT64_C(1) << 29)
#define CGROUP_HAVE_MEM_FAULTS	(UINT64_C(1) << 30)	/* mem_pgfault and mem_pgmajfault */
#define CGROUP_HAVE_MEM_EVENTS	(UINT64_C(1) << 31)	/* v2 memory.events high and max */
#define CGROUP_HAVE_MEM_DIRTY	(UINT64_C(1) << 32)
#define CGROUP_HAVE_MEM_WRITEBACK (UINT64_C(1) << 33)
#define CGROUP_HAVE_MEM_PGSCAN	(UINT64_C(1) << 34)
#define CGROUP_HAVE_MEM_PGSTEAL	(UINT64_C(1) << 35)
#define CGROUP_HAVE_MEM_REFAULT_FILE (UINT64_C(1) << 36)
#define CGROUP_HAVE_MEM_REFAULT_ANON (UINT64_C(1) << 37)
#define CGROUP_HAVE_MEM_SWAP_LIMIT (UINT64_C(1) << 38)
#define CGROUP_HAVE_MEM_RESERVATION (UINT64_C(1) << 39)
#define CGROUP_HAVE_TASKS	(UINT64_C(1) << 40)	/* tasks: v1, through taskstats */
#define CGROUP_HAVE_NEXT	(UINT64_C(1) << 41)	/* the first bit unused */

enum cgroup_psi_res {
	CGROUP_PSI_CPU,
	CGROUP_PSI_MEMORY,
	CGROUP_PSI_IO,
	CGROUP_PSI_N,
};

struct cgroup_stats {
	uint64_t	 have;
	unsigned	 nerrors;	/* files present but unreadable or malformed */

	uint64_t	 cpu_usage_ns;
	uint64_t	 cpu_user_ns;
	uint64_t	 cpu_system_ns;
	uint64_t	 cfs_periods;
	uint64_t	 cfs_throttled_periods;
	uint64_t	 cfs_throttled_ns;
	uint64_t	 cpu_quota_us;		/* 0 = no quota */
	uint64_t	 cpu_period_us;
	uint64_t	 cpu_shares;		/* v2: from cpu.weight */
	uint64_t	 cfs_bursts;
	uint64_t	 cfs_burst_ns;

	uint64_t	 mem_usage;
	uint64_t	 mem_working_set;	/* usage - inactive_file, >= 0 */
	uint64_t	 mem_rss;
	uint64_t	 mem_cache;
	uint64_t	 mem_mapped_file;
	uint64_t	 mem_swap;
	uint64_t	 mem_max_usage;
	uint64_t	 mem_limit;		/* raw: UINT64_MAX for "max" */
	uint64_t	 oom_kills;
	uint64_t	 mem_failcnt;
	uint64_t	 mem_kernel;
	uint64_t	 mem_active_file;
	uint64_t	 mem_inactive_file;
	uint64_t	 mem_pgfault;		/* memory.stat pgfault (v1: the cgroup's own) */
	uint64_t	 mem_pgmajfault;
	uint64_t	 mem_events_high;
	uint64_t	 mem_events_max;
	uint64_t	 mem_file_dirty;
	uint64_t	 mem_file_writeback;
	uint64_t	 mem_pgscan;
	uint64_t	 mem_pgsteal;
	uint64_t	 mem_refault_file;
	uint64_t	 mem_refault_anon;
	/* Raw, UINT64_MAX for "max": v2 memory.swap.max (swap alone) and
	   memory.min; v1 memory.memsw.limit_in_bytes (memory + swap) and
	   memory.soft_limit_in_bytes, as cAdvisor reads them. */
	uint64_t	 mem_swap_limit;
	uint64_t	 mem_reservation;

	uint64_t	 threads;		/* pids.current */
	uint64_t	 threads_max;		/* pids.max, UINT64_MAX for "max" */
	uint64_t	 processes;		/* lines of cgroup.procs */
	pid_t		 first_pid;		/* its first line, 0 if none */

	uint64_t	 psi_us[CGROUP_PSI_N][2];	/* [res][0 some, 1 full] */
	struct cgroup_tasks	 tasks;		/* by state (v1 only) */

	/*
	 * Supplied by the caller: the taskstats socket (NULL: no task
	 * counts), and storage whose use nio/nnet say.
	 */
	struct cgroup_taskstats	*taskstats;
	struct cgroup_io_dev	*io;
	size_t			 io_cap;
	size_t			 nio;
	struct procnet_iface	*net;
	size_t			 net_cap;
	size_t			 nnet;
};

/*
 * `pid` of a read: a process found while reading, the first line of
 * cgroup.procs (which the read opens anyway), for a container found
 * without Docker.
 */
#define CGROUP_PID_FROM_PROCS	((pid_t)-1)

/*
 * Reads everything for one cgroup. `pid` is a process inside it for the
 * network counters (0: none; id "/" defaults to pid 1;
 * CGROUP_PID_FROM_PROCS: cgroup.procs' first). When the id's
 * directory is missing in a hierarchy and pid > 0, that hierarchy's path
 * is taken from <procfs>/<pid>/cgroup if it ends in the same directory
 * name (a relative --cgroup-parent nests containers under dockerd's own,
 * per-hierarchy cgroup). The caller sets
 * out->io/io_cap, out->net/net_cap and out->taskstats (any may be
 * NULL/0); everything else is overwritten.
 *
 * Returns -1 only when the cgroup is not there (never was, or vanished
 * during the read): the container is gone, skip it. Otherwise 0; files
 * that are simply absent leave their `have` bit clear, and files that
 * exist but cannot be read or parsed are counted in out->nerrors with the
 * first message in err.
 */
int	cgroup_read_stats(const struct cgroup_env *, const char *id, pid_t pid,
	    struct cgroup_stats *out, char *err, size_t errlen);

/* Host facts for the machine_* families (machine.c, machine_topo.c). */
#define CGROUP_MACHINE_CPUS_MAX		8192	/* cpu<N> directories read */
#define CGROUP_MACHINE_DIMM_TYPES	8	/* memory types kept */
#define CGROUP_MACHINE_SWAP		0x01u
#define CGROUP_MACHINE_TOPOLOGY		0x02u	/* sockets, physical_cores */
#define CGROUP_MACHINE_BOOKS		0x04u
#define CGROUP_MACHINE_DRAWERS		0x08u
#define CGROUP_MACHINE_DIMMS		0x10u
struct cgroup_machine {
	unsigned	cpu_cores;	/* <sysfs>/devices/system/cpu/online, else cpuinfo */
	uint64_t	memory_bytes;	/* MemTotal of <procfs>/meminfo */
	unsigned	have;		/* CGROUP_MACHINE_*: the optional facts */
	uint64_t	swap_bytes;	/* SwapTotal */
	/* distinct ids in <sysfs>/devices/system/cpu/cpu<N>/topology */
	uint64_t	sockets, physical_cores, books, drawers;
	/* <sysfs>/devices/system/edac/mc/mc<N>/dimm<N>, by dimm_mem_type */
	struct {
		char		type[32];
		uint64_t	count;
		uint64_t	capacity;	/* bytes */
	}		dimm[CGROUP_MACHINE_DIMM_TYPES];
	size_t		ndimm;
	/* cAdvisor's labels of every machine_* sample; "" when unreadable */
	char		boot_id[64];	/* <procfs>/sys/kernel/random/boot_id */
	char		machine_id[64];	/* <procfs>/../etc/machine-id */
	char		system_uuid[64];	/* <sysfs>/class/dmi/id/product_uuid */
};
/*
 * The counts: cores online, MemTotal, SwapTotal. -1 when the core count
 * or MemTotal is unreadable. The rest of `m` is left alone.
 */
int	cgroup_read_machine(const struct cgroup_env *, struct cgroup_machine *,
	    char *err, size_t errlen);
/* The hardware: topology, DIMMs, the three ids; all optional. */
void	cgroup_read_machine_topo(const struct cgroup_env *,
	    struct cgroup_machine *);
/* The hardware facts of src into dst, dst's counts kept. */
void	cgroup_machine_copy_topo(struct cgroup_machine *dst,
	    const struct cgroup_machine *src);
/* Every machine_* family of `m`, each sample with its three labels. */
struct metrics_writer;
void	cgroup_machine_write(const struct cgroup_machine *,
	    struct metrics_writer *);

#endif
