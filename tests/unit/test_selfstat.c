/*
 * selfstat: the process_* metrics from a hand-made procfs tree (a command
 * name with spaces and parentheses, known ticks and pages) and from the
 * real /proc/self; a value that cannot be read is left out, never guessed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/metrics.h"
#include "http/selfstat.h"

struct tree {
	char	 root[64];
};

static void
put(const char *root, const char *name, const char *text)
{
	char	 path[256];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
sub(const char *root, const char *name)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int
setup(void **state)
{
	struct tree	*t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->root, sizeof(t->root), "/tmp/hale-selfstat.XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tree	*t = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* utime 250 + stime 150 ticks, started 1000 ticks after boot, 3 pages resident. */
#define STAT_LINE "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 " \
	"250 150 0 0 20 0 1 0 1000 123456789 3 18446744073709551615\n"

static void
test_fixture_tree(void **state)
{
	struct tree	*t = *state;
	struct selfstat	 st;
	long		 ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);

	sub(t->root, "self");
	sub(t->root, "self/fd");
	put(t->root, "self/fd/0", "");
	put(t->root, "self/fd/1", "");
	put(t->root, "self/fd/7", "");
	put(t->root, "self/stat", STAT_LINE);
	put(t->root, "stat", "cpu  1 2 3 4\nctxt 99\nbtime 1700000000\nprocesses 5\n");
	put(t->root, "self/limits", "Limit                     Soft Limit           Hard Limit           Units\n"
	    "Max open files            4096                 524288               files\n");
	selfstat_read(t->root, &st);
	assert_int_equal(st.have, SELFSTAT_STAT | SELFSTAT_FDS | SELFSTAT_LIMITS);
	assert_true(st.cpu_seconds == 400.0 / (double)ticks);
	assert_true(st.start_time == 1700000000.0 + 1000.0 / (double)ticks);
	assert_int_equal(st.virtual_bytes, 123456789);
	assert_int_equal(st.resident_bytes, 3 * (uint64_t)page);
	/* Three entries, less the one opendir holds in the real /proc/self/fd. */
	assert_int_equal(st.open_fds, 2);
	assert_int_equal(st.max_fds, 4096);
}

/*
 * The boot time is found past the CPU and interrupt lines of a big host
 * (here 64 KiB of them), and read once: a later btime changes nothing.
 */
static void
test_boot_time_once(void **state)
{
	struct tree	*t = *state;
	struct selfstat	 st;
	struct buf	 text;
	long		 ticks = sysconf(_SC_CLK_TCK);
	int		 i;

	sub(t->root, "self");
	put(t->root, "self/stat", STAT_LINE);
	buf_init(&text);
	for (i = 0; i < 2048; i++)
		buf_printf(&text, "cpu%d 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", i);
	buf_puts(&text, "btime 1700000100\nprocesses 5\n");
	assert_true(text.len > 64 * 1024);
	put(t->root, "stat", text.data);
	selfstat_read(t->root, &st);
	assert_true(st.have & SELFSTAT_STAT);
	assert_true(st.start_time == 1700000100.0 + 1000.0 / (double)ticks);
	put(t->root, "stat", "cpu  1 2 3 4\nbtime 1800000000\n");
	selfstat_read(t->root, &st);
	assert_true(st.start_time == 1700000100.0 + 1000.0 / (double)ticks);
	buf_free(&text);
}

/* What is missing or malformed is left out. */
static void
test_missing_and_malformed(void **state)
{
	struct tree	*t = *state;
	struct selfstat	 st;
	struct metrics_writer	 w;
	struct buf	 b;

	selfstat_read(t->root, &st);
	assert_int_equal(st.have, 0);
	sub(t->root, "self");
	put(t->root, "self/stat", "4242 no parenthesis S 1\n");
	put(t->root, "self/limits", "Max open files            unlimited            unlimited            files\n");
	selfstat_read(t->root, &st);
	assert_int_equal(st.have, 0);
	put(t->root, "self/stat", "4242 (x) S 1 2 3\n");
	selfstat_read(t->root, &st);
	assert_int_equal(st.have, 0);
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	selfstat_write(&st, &w);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_real_proc(void **state)
{
	struct selfstat		 st;
	struct metrics_writer	 w;
	struct buf		 b;

	(void)state;
	selfstat_read("/proc", &st);
	assert_int_equal(st.have, SELFSTAT_STAT | SELFSTAT_FDS | SELFSTAT_LIMITS);
	assert_true(st.resident_bytes > 0);
	assert_true(st.virtual_bytes >= st.resident_bytes);
	assert_true(st.open_fds >= 3);
	assert_true(st.max_fds >= st.open_fds);
	{
		/* Exact, whether from the size of /proc/self/fd or a listing. */
		struct selfstat	 more;
		uint64_t	 before = st.open_fds;
		int		 fds[10], i;

		for (i = 0; i < 10; i++)
			assert_true((fds[i] = open("/dev/null", O_RDONLY)) != -1);
		selfstat_read("/proc", &more);
		assert_int_equal(more.open_fds, before + 10);
		for (i = 0; i < 10; i++)
			close(fds[i]);
	}
	assert_true(st.start_time > 1e9 && st.start_time <= (double)time(NULL) + 1);
	buf_init(&b);
	metrics_writer_init(&w, &b, METRICS_TEXT);
	selfstat_write(&st, &w);
	assert_non_null(strstr(b.data, "# TYPE process_cpu_seconds_total counter\n"));
	assert_non_null(strstr(b.data, "\nprocess_resident_memory_bytes "));
	assert_non_null(strstr(b.data, "\nprocess_virtual_memory_bytes "));
	assert_non_null(strstr(b.data, "\nprocess_start_time_seconds "));
	assert_non_null(strstr(b.data, "\nprocess_open_fds "));
	assert_non_null(strstr(b.data, "\nprocess_max_fds "));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_time_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_malformed, setup,
		    teardown),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
