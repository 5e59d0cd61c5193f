/*
 * Every cgroup and host file format of cgroup_parse.h, and the taskstats
 * netlink replies: the first byte picks the parser, the rest is the file. Counts stay within the caps
 * the caller gave.
 */
#include "fuzz.h"

#include "cgroup/cgroup_parse.h"

#define NDEV	4

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgroup_cpu_stat		 cs;
	struct cgroup_cpuacct_stat	 ca;
	struct cgroup_cpu_max		 cm;
	struct cgroup_memory_stat	 ms;
	struct cgroup_memory_events	 me;
	struct cgroup_psi		 psi;
	struct cgroup_io_dev		 devs[NDEV];
	struct cgroup_meminfo		 mi;
	struct cgroup_linecount		 lc;
	struct cgroup_tasks		 tasks;
	struct cgroup_diskstat		 ds[NDEV];
	uint16_t			 fam;
	int				 kerr;
	uint64_t			 u, sh;
	int64_t				 i;
	unsigned			 cnt;
	size_t				 n, len, off;
	pid_t				 pid;
	char				 err[256], name[32], *buf;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = fuzz_bytes(data + 1, len);
	memset(devs, 0, sizeof(devs));
	switch (data[0] % 23) {
	case 0: (void)cgroup_parse_u64(buf, len, &u, err, sizeof(err)); break;
	case 1: (void)cgroup_parse_limit(buf, len, &u, err, sizeof(err)); break;
	case 2: (void)cgroup_parse_i64(buf, len, &i, err, sizeof(err)); break;
	case 3: (void)cgroup_parse_cpu_stat(buf, len, &cs, err, sizeof(err)); break;
	case 4: (void)cgroup_parse_cpu_stat_v1(buf, len, &cs, err, sizeof(err)); break;
	case 5: (void)cgroup_parse_cpuacct_stat(buf, len, &ca, err, sizeof(err)); break;
	case 6:
		if (cgroup_parse_cpu_max(buf, len, &cm, err, sizeof(err)) == 0 &&
		    cgroup_weight_to_shares(cm.period_us, &sh) == 0)
			FUZZ_CHECK(sh >= 2 && sh <= 262144);
		break;
	case 7: (void)cgroup_parse_memory_stat(buf, len, &ms, err, sizeof(err)); break;
	case 8: (void)cgroup_parse_memory_stat_v1(buf, len, &ms, err, sizeof(err)); break;
	case 9: (void)cgroup_parse_memory_events(buf, len, &me, err, sizeof(err)); break;
	case 10: (void)cgroup_parse_oom_control(buf, len, &me, err, sizeof(err)); break;
	case 11: (void)cgroup_parse_pressure(buf, len, &psi, err, sizeof(err)); break;
	case 12:
		n = 0;
		if (cgroup_parse_io_stat(buf, len, devs, NDEV, &n, err, sizeof(err)) == 0)
			FUZZ_CHECK(n <= NDEV);
		break;
	case 13:
	case 14:
		/* both files merge into one array, as the reader does */
		n = 0;
		if (cgroup_parse_blkio(buf, len, CGROUP_BLKIO_BYTES, devs, NDEV, &n,
		    err, sizeof(err)) == 0)
			FUZZ_CHECK(n <= NDEV);
		if (cgroup_parse_blkio(buf, len, CGROUP_BLKIO_IOS, devs, NDEV, &n,
		    err, sizeof(err)) == 0)
			FUZZ_CHECK(n <= NDEV);
		break;
	case 15:
		cgroup_linecount_init(&lc);
		/* fed in uneven chunks, as reads return them */
		for (off = 0; off < len; off += 7)
			if (cgroup_linecount_feed(&lc, buf + off,
			    len - off < 7 ? len - off : 7) == -1)
				break;
		(void)cgroup_linecount_end(&lc);
		(void)cgroup_parse_first_pid(buf, len, &pid, err, sizeof(err));
		break;
	case 16: (void)cgroup_parse_meminfo(buf, len, &mi, err, sizeof(err)); break;
	case 17: (void)cgroup_parse_cpulist(buf, len, &cnt, err, sizeof(err)); break;
	case 18: (void)cgroup_parse_cpuinfo(buf, len, &cnt, err, sizeof(err)); break;
	case 20:
		/* netlink replies: the sequence number is the input's too */
		(void)cgroup_parse_genl_family(buf, len, 1, &fam, &kerr, err,
		    sizeof(err));
		break;
	case 21:
		(void)cgroup_parse_cgroupstats(buf, len, 31, 1, &tasks, &kerr,
		    err, sizeof(err));
		break;
	case 22:
		n = 0;
		if (cgroup_parse_diskstats(buf, len, ds, NDEV, &n, err,
		    sizeof(err)) == 0)
			FUZZ_CHECK(n <= NDEV);
		break;
	default:
		if (cgroup_parse_uevent_devname(buf, len, name, sizeof(name),
		    err, sizeof(err)) == 0)
			FUZZ_CHECK(memchr(name, '\0', sizeof(name)) != NULL);
		break;
	}
	free(buf);
	return 0;
}
