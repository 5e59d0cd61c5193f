/*
 * fsusage_bench DIR [PASSES]: the cost of measuring one writable layer.
 * Walks DIR unpaced PASSES times (default 5) with the walker haled uses
 * and prints the bytes found, the entries, and the wall and CPU time of a
 * pass (min and median), so the README's cost per container is measured,
 * not guessed. Compare with `du -B1 -s DIR` for the bytes.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>

#include "cgroup/fsusage.h"
#include "core/clock.h"

static double
cpu_now(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct fsusage_tree	 t;
	double			 wall[64], cpu[64], w0, c0;
	char			 err[256];
	int			 n, i;

	if (argc < 2) {
		fprintf(stderr, "usage: fsusage_bench DIR [PASSES]\n");
		return 2;
	}
	n = argc > 2 ? atoi(argv[2]) : 5;
	if (n < 1 || n > 64)
		n = 5;
	for (i = 0; i < n; i++) {
		w0 = clock_mono();
		c0 = cpu_now();
		if (fsusage_walk(argv[1], 0, NULL, &t, err, sizeof(err)) == -1) {
			fprintf(stderr, "fsusage_bench: %s\n", err);
			return 1;
		}
		wall[i] = clock_mono() - w0;
		cpu[i] = cpu_now() - c0;
	}
	qsort(wall, (size_t)n, sizeof(wall[0]), cmp);
	qsort(cpu, (size_t)n, sizeof(cpu[0]), cmp);
	printf("bytes %llu entries %llu skipped %llu\n",
	    (unsigned long long)t.bytes, (unsigned long long)t.entries,
	    (unsigned long long)t.skipped);
	printf("wall min %.4f s median %.4f s; cpu min %.4f s median %.4f s; "
	    "%.0f entries/s\n", wall[0], wall[n / 2], cpu[0], cpu[n / 2],
	    t.entries / wall[n / 2]);
	return 0;
}
