/*
 * sdnotify: addresses as $NOTIFY_SOCKET writes them, the messages, the
 * watchdog variables, and datagrams received on real sockets this test
 * binds, by path and by abstract name, as systemd would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/sdnotify.h"

static char	 err[256];

/* A receiving socket bound to `name` ("/path" or "@abstract"). */
static int
bind_receiver(const char *name)
{
	struct sockaddr_un	 sa;
	socklen_t		 len;
	int			 fd;

	assert_int_equal(sdnotify_parse_addr(name, &sa, &len, err,
	    sizeof(err)), 0);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (bind(fd, (struct sockaddr *)&sa, len) == -1)
		fail_msg("bind %s: %s", name, strerror(errno));
	return fd;
}

/* One datagram, NUL-terminated; fails after a second without one. */
static void
recv_one(int fd, char *out, size_t outlen)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	ssize_t		 n;

	assert_int_equal(poll(&p, 1, 1000), 1);
	n = recv(fd, out, outlen - 1, 0);
	assert_true(n >= 0);
	out[n] = '\0';
}

static void
test_parse_path(void **state)
{
	struct sockaddr_un	 sa;
	socklen_t		 len;

	(void)state;
	assert_int_equal(sdnotify_parse_addr("/run/systemd/notify", &sa, &len,
	    err, sizeof(err)), 0);
	assert_int_equal(sa.sun_family, AF_UNIX);
	assert_string_equal(sa.sun_path, "/run/systemd/notify");
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) +
	    strlen("/run/systemd/notify") + 1);
}

/* The length must stop at the name: a longer one names another socket. */
static void
test_parse_abstract(void **state)
{
	struct sockaddr_un	 sa;
	socklen_t		 len;

	(void)state;
	assert_int_equal(sdnotify_parse_addr("@hale/notify", &sa, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(sa.sun_path[0], '\0');
	assert_memory_equal(sa.sun_path + 1, "hale/notify", 11);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 12);
}

static void
test_parse_errors(void **state)
{
	struct sockaddr_un	 sa;
	socklen_t		 len;
	char			 longname[200];

	(void)state;
	assert_int_equal(sdnotify_parse_addr("", &sa, &len, err,
	    sizeof(err)), -1);
	assert_int_equal(sdnotify_parse_addr("run/notify", &sa, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "run/notify"));
	assert_int_equal(sdnotify_parse_addr("vsock:2:1234", &sa, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "vsock"));
	assert_int_equal(sdnotify_parse_addr("@", &sa, &len, err,
	    sizeof(err)), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(sdnotify_parse_addr(longname, &sa, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	/* 107 bytes and its NUL fill sun_path exactly; 108 do not fit. */
	longname[107] = '\0';
	assert_int_equal(sdnotify_parse_addr(longname, &sa, &len, err,
	    sizeof(err)), 0);
	longname[107] = 'a';
	longname[108] = '\0';
	assert_int_equal(sdnotify_parse_addr(longname, &sa, &len, err,
	    sizeof(err)), -1);
}

static void
test_disabled(void **state)
{
	struct sdnotify	 n;

	(void)state;
	assert_int_equal(sdnotify_open(&n, NULL, err, sizeof(err)), 0);
	assert_false(sdnotify_enabled(&n));
	assert_int_equal(sdnotify_send(&n, "READY=1", err, sizeof(err)), 0);
	sdnotify_close(&n);
	assert_int_equal(sdnotify_open(&n, "", err, sizeof(err)), 0);
	assert_false(sdnotify_enabled(&n));
	assert_int_equal(sdnotify_open(&n, "relative", err, sizeof(err)), -1);
	assert_false(sdnotify_enabled(&n));
	sdnotify_close(&n);
}

static void
send_and_receive(const char *name)
{
	struct sdnotify	 n;
	char		 got[512];
	int		 rx = bind_receiver(name);

	assert_int_equal(sdnotify_open(&n, name, err, sizeof(err)), 0);
	assert_true(sdnotify_enabled(&n));
	assert_int_equal(sdnotify_send(&n, "READY=1\nSTATUS=3 containers",
	    err, sizeof(err)), 0);
	recv_one(rx, got, sizeof(got));
	assert_string_equal(got, "READY=1\nSTATUS=3 containers");
	assert_int_equal(sdnotify_send(&n, "WATCHDOG=1", err, sizeof(err)), 0);
	recv_one(rx, got, sizeof(got));
	assert_string_equal(got, "WATCHDOG=1");
	sdnotify_close(&n);
	close(rx);
}

static void
test_send_path(void **state)
{
	char	 dir[] = "/tmp/hale-sdnotify.XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	send_and_receive(path);
	unlink(path);
	rmdir(dir);
}

static void
test_send_abstract(void **state)
{
	char	 name[64];

	(void)state;
	snprintf(name, sizeof(name), "@hale-test-sdnotify-%ld", (long)getpid());
	send_and_receive(name);
}

/* Nobody listening: -1 naming the socket and the errno, never a signal. */
static void
test_send_nobody(void **state)
{
	struct sdnotify	 n;
	char		 name[64];

	(void)state;
	assert_int_equal(sdnotify_open(&n, "/nonexistent/notify", err,
	    sizeof(err)), 0);
	assert_int_equal(sdnotify_send(&n, "READY=1", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/notify: No such file or directory");
	sdnotify_close(&n);
	snprintf(name, sizeof(name), "@hale-test-nobody-%ld", (long)getpid());
	assert_int_equal(sdnotify_open(&n, name, err, sizeof(err)), 0);
	assert_int_equal(sdnotify_send(&n, "READY=1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Connection refused"));
	assert_non_null(strstr(err, name));
	sdnotify_close(&n);
}

/* A full receive queue must not block the loop: EAGAIN comes back. */
static void
test_send_nonblocking(void **state)
{
	struct sdnotify	 n;
	char		 name[64];
	int		 rx, i, rc = 0;

	(void)state;
	snprintf(name, sizeof(name), "@hale-test-full-%ld", (long)getpid());
	rx = bind_receiver(name);
	assert_int_equal(sdnotify_open(&n, name, err, sizeof(err)), 0);
	for (i = 0; i < 100000 && rc == 0; i++)
		rc = sdnotify_send(&n, "WATCHDOG=1", err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, strerror(EAGAIN)));
	sdnotify_close(&n);
	close(rx);
}

static void
test_watchdog(void **state)
{
	uint64_t	 v = 99;

	(void)state;
	assert_int_equal(sdnotify_watchdog_usec(NULL, NULL, 42, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sdnotify_watchdog_usec("30000000", NULL, 42, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 30000000);
	assert_int_equal(sdnotify_watchdog_usec("30000000", "42", 42, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 30000000);
	/* Meant for another process: not ours to ping. */
	assert_int_equal(sdnotify_watchdog_usec("30000000", "41", 42, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sdnotify_watchdog_usec("0", NULL, 42, &v, err,
	    sizeof(err)), -1);
	assert_int_equal(sdnotify_watchdog_usec("30s", NULL, 42, &v, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "WATCHDOG_USEC=\"30s\""));
	assert_int_equal(sdnotify_watchdog_usec("-5", NULL, 42, &v, err,
	    sizeof(err)), -1);
	assert_int_equal(sdnotify_watchdog_usec("5", "x", 42, &v, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "WATCHDOG_PID"));
}

static void
test_status(void **state)
{
	char	 out[32];

	(void)state;
	assert_int_equal(sdnotify_status(out, sizeof(out), "2 containers"),
	    strlen("STATUS=2 containers"));
	assert_string_equal(out, "STATUS=2 containers");
	/* One line: a newline would start another assignment. */
	sdnotify_status(out, sizeof(out), "a\nREADY=1\tb\r");
	assert_string_equal(out, "STATUS=a READY=1 b ");
	/* Cut to fit, never in the middle of a UTF-8 character. */
	sdnotify_status(out, 12, "abc\xc3\xa9" "def");
	assert_string_equal(out, "STATUS=abc");
	sdnotify_status(out, 13, "abc\xc3\xa9" "def");
	assert_string_equal(out, "STATUS=abc\xc3\xa9");
	sdnotify_status(out, 13, "abc\xe2\x82\xac" "def");
	assert_string_equal(out, "STATUS=abc");
	sdnotify_status(out, 14, "abc\xe2\x82\xac" "def");
	assert_string_equal(out, "STATUS=abc\xe2\x82\xac");
	assert_int_equal(sdnotify_status(out, 5, "x"), 4);
	assert_string_equal(out, "STAT");
}

static void
test_reloading(void **state)
{
	char		 out[64];
	uint64_t	 a, b;

	(void)state;
	assert_int_equal(sdnotify_reloading(out, sizeof(out), 1234567),
	    strlen("RELOADING=1\nMONOTONIC_USEC=1234567"));
	assert_string_equal(out, "RELOADING=1\nMONOTONIC_USEC=1234567");
	a = sdnotify_monotonic_usec();
	usleep(2000);
	b = sdnotify_monotonic_usec();
	assert_true(b >= a + 2000);
	assert_true(b < a + 2000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_path),
		cmocka_unit_test(test_parse_abstract),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_send_path),
		cmocka_unit_test(test_send_abstract),
		cmocka_unit_test(test_send_nobody),
		cmocka_unit_test(test_send_nonblocking),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_reloading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
