/*
 * privdrop: USER[:GROUP] against passwd(5) and group(5) text, the
 * capabilities kept, the supplementary groups after the drop. The system
 * calls are tested by tests/integration/test_runas.sh, as root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <linux/capability.h>

#include "daemon/privdrop.h"

static const char passwd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "broken:x:notanumber:5::/:\n"
    "short:x:77\n"
    "hale:x:65532:65532:hale:/nonexistent:/nonexistent\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";	/* no final newline */
static const char group[] =
    "root:x:0:\n"
    "docker:x:999:hale,alice\n"
    "hale:x:65532:\n"
    "nogroup:x:65534:";

static int
parse(const char *spec, struct privdrop_target *t, char *err, size_t errlen)
{
	return privdrop_parse(spec, passwd, group, t, err, errlen);
}

static void
test_numbers(void **state)
{
	struct privdrop_target	 t;
	char			 err[256];

	(void)state;
	assert_int_equal(0, parse("65532:65532", &t, err, sizeof(err)));
	assert_int_equal(65532, t.uid);
	assert_int_equal(65532, t.gid);
	assert_true(t.group_given);
	/* Numbers need no entry. */
	assert_int_equal(0, parse("4242:4343", &t, err, sizeof(err)));
	assert_int_equal(4242, t.uid);
	assert_int_equal(4343, t.gid);
	assert_int_equal(0, privdrop_parse("4242:4343", NULL, NULL, &t, err,
	    sizeof(err)));
	assert_int_equal(4343, t.gid);
	/* A numeric uid alone takes its group from passwd, if it is there. */
	assert_int_equal(0, parse("65534", &t, err, sizeof(err)));
	assert_int_equal(65534, t.gid);
	assert_false(t.group_given);
	assert_true(t.gid_known);
	assert_int_equal(0, parse("4242", &t, err, sizeof(err)));
	assert_int_equal(4242, t.uid);
	assert_false(t.gid_known);
	assert_int_equal(0, privdrop_parse("65532", NULL, NULL, &t, err,
	    sizeof(err)));
	assert_false(t.gid_known);
	assert_int_equal(0, privdrop_parse("65532:7", NULL, NULL, &t, err,
	    sizeof(err)));
	assert_true(t.gid_known);
	/* The largest id; (uid_t)-1 means "unchanged" to setuid. */
	assert_int_equal(0, parse("4294967294:1", &t, err, sizeof(err)));
	assert_int_equal(4294967294u, t.uid);
	assert_int_equal(-1, parse("4294967295:1", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("1:4294967295", &t, err, sizeof(err)));
}

static void
test_names(void **state)
{
	struct privdrop_target	 t;
	char			 err[256];

	(void)state;
	assert_int_equal(0, parse("hale", &t, err, sizeof(err)));
	assert_int_equal(65532, t.uid);
	assert_int_equal(65532, t.gid);
	assert_true(t.gid_known);
	assert_int_equal(0, parse("nobody:nogroup", &t, err, sizeof(err)));
	assert_int_equal(65534, t.uid);
	assert_int_equal(65534, t.gid);
	assert_int_equal(0, parse("hale:docker", &t, err, sizeof(err)));
	assert_int_equal(65532, t.uid);
	assert_int_equal(999, t.gid);
	assert_int_equal(0, parse("daemon:65534", &t, err, sizeof(err)));
	assert_int_equal(1, t.uid);
	assert_int_equal(65534, t.gid);
	assert_int_equal(0, parse("65532:docker", &t, err, sizeof(err)));
	assert_int_equal(999, t.gid);
	/* Whole names only: no prefix, no match on another field. */
	assert_int_equal(-1, parse("hal", &t, err, sizeof(err)));
	assert_string_equal("no user \"hal\" in /etc/passwd", err);
	assert_int_equal(-1, parse("nonexistent", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("hale:dock", &t, err, sizeof(err)));
	assert_string_equal("no group \"dock\" in /etc/group", err);
	assert_int_equal(-1, parse("hale:alice", &t, err, sizeof(err)));
	/* A line without numbers or cut short matches nothing. */
	assert_int_equal(-1, parse("broken", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("short", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("short:1", &t, err, sizeof(err)));
	/* No files: names cannot be found. */
	assert_int_equal(-1, privdrop_parse("hale", NULL, NULL, &t, err,
	    sizeof(err)));
	assert_int_equal(-1, privdrop_parse("65532:hale", passwd, NULL, &t, err,
	    sizeof(err)));
}

static void
test_refused(void **state)
{
	struct privdrop_target	 t;
	char			 err[256];

	(void)state;
	assert_int_equal(-1, parse("", &t, err, sizeof(err)));
	assert_int_equal(-1, parse(":65532", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("65532:", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("65532:1:2", &t, err, sizeof(err)));
	assert_string_equal("want USER[:GROUP]", err);
	assert_int_equal(-1, parse("0:65532", &t, err, sizeof(err)));
	assert_non_null(strstr(err, "uid 0 is root"));
	assert_int_equal(-1, parse("root", &t, err, sizeof(err)));
	assert_non_null(strstr(err, "uid 0 is root"));
	assert_int_equal(-1, parse("-1:1", &t, err, sizeof(err)));
	assert_int_equal(-1, parse("+5:1", &t, err, sizeof(err)));
	/* A long name is cut in the message, not overflowing it. */
	{
		char	 spec[300];

		memset(spec, 'a', sizeof(spec) - 1);
		spec[sizeof(spec) - 1] = '\0';
		assert_int_equal(-1, parse(spec, &t, err, 40));
		assert_int_equal(39, strlen(err));
	}
}

static void
test_keep(void **state)
{
	uint64_t	 admin = (uint64_t)1 << CAP_SYS_ADMIN;
	uint64_t	 ptrace = (uint64_t)1 << CAP_SYS_PTRACE;
	char		 name[32];

	(void)state;
	/* The value /proc/PID/status shows as CapEff. */
	assert_int_equal(0x280000, admin | ptrace);
	assert_int_equal(admin | ptrace, privdrop_keep(~(uint64_t)0));
	assert_int_equal(admin, privdrop_keep(admin | ((uint64_t)1 << CAP_SETUID) |
	    ((uint64_t)1 << CAP_SETGID)));
	assert_int_equal(ptrace, privdrop_keep(ptrace | ((uint64_t)1 << CAP_NET_RAW)));
	assert_int_equal(0, privdrop_keep(((uint64_t)1 << CAP_SETUID) |
	    ((uint64_t)1 << CAP_DAC_OVERRIDE) | ((uint64_t)1 << 40)));
	assert_int_equal(0, privdrop_keep(0));
	privdrop_caps_name(admin | ptrace, name, sizeof(name));
	assert_string_equal("sys_admin,sys_ptrace", name);
	privdrop_caps_name(admin, name, sizeof(name));
	assert_string_equal("sys_admin", name);
	privdrop_caps_name(ptrace, name, sizeof(name));
	assert_string_equal("sys_ptrace", name);
	privdrop_caps_name(0, name, sizeof(name));
	assert_string_equal("none", name);
}

static void
test_groups(void **state)
{
	gid_t	 out[8];
	size_t	 n;

	(void)state;
	/* Docker's --user 0:0 --group-add 999: root's group goes, 999 stays. */
	{
		const gid_t in[] = { 0, 999 };

		n = privdrop_groups(in, 2, 65532, out);
		assert_int_equal(2, n);
		assert_int_equal(65532, out[0]);
		assert_int_equal(999, out[1]);
	}
	/* Repeats, and the group itself, once. */
	{
		const gid_t in[] = { 999, 65532, 999, 10 };

		n = privdrop_groups(in, 4, 65532, out);
		assert_int_equal(3, n);
		assert_int_equal(65532, out[0]);
		assert_int_equal(999, out[1]);
		assert_int_equal(10, out[2]);
	}
	/* None at start: only the group. */
	n = privdrop_groups(NULL, 0, 65532, out);
	assert_int_equal(1, n);
	assert_int_equal(65532, out[0]);
	/* Group 0 asked for explicitly is kept. */
	{
		const gid_t in[] = { 0, 5 };

		n = privdrop_groups(in, 2, 0, out);
		assert_int_equal(2, n);
		assert_int_equal(0, out[0]);
		assert_int_equal(5, out[1]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
