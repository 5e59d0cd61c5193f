/*
 * selfcheck: URL parsing, and `haled --probe` against a real listener on
 * loopback. A forked child accepts one connection, hands the request it
 * read to the parent through a pipe and sends the scripted answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "daemon/selfcheck.h"

struct server {
	int	 lfd;
	int	 port;
	pid_t	 pid;
	int	 rd;	/* the request the child read */
};

static int
listen_loopback(int *port)
{
	struct sockaddr_in	 sa;
	socklen_t		 sl = sizeof(sa);
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Accepts once; answers `reply` (NULL: close at once) after the request. */
static void
serve(struct server *s, const char *reply)
{
	int	 p[2];

	s->lfd = listen_loopback(&s->port);
	assert_int_equal(pipe(p), 0);
	if ((s->pid = fork()) == 0) {
		char	 req[4096];
		size_t	 len = 0;
		ssize_t	 n;
		int	 c;

		close(p[0]);
		if ((c = accept(s->lfd, NULL, NULL)) == -1)
			_exit(2);
		while (len < sizeof(req) - 1 &&
		    (n = read(c, req + len, sizeof(req) - 1 - len)) > 0) {
			len += (size_t)n;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		if (write(p[1], req, len) != (ssize_t)len)
			_exit(3);
		if (reply != NULL && write(c, reply, strlen(reply)) < 0)
			_exit(4);
		close(c);
		_exit(0);
	}
	assert_true(s->pid > 0);
	close(p[1]);
	s->rd = p[0];
}

/* The request the child saw; reaps it. */
static void
finish(struct server *s, char *req, size_t cap)
{
	ssize_t	 n, len = 0;
	int	 status;

	while ((n = read(s->rd, req + len, cap - 1 - (size_t)len)) > 0)
		len += n;
	req[len] = '\0';
	close(s->rd);
	close(s->lfd);
	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int
run(const struct server *s, const char *path, int timeout_ms, char *err,
    size_t errlen)
{
	char	 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
	return selfcheck_run(url, timeout_ms, err, errlen);
}

static void
test_ok_and_request(void **state)
{
	struct server	 s;
	char		 err[256] = "", req[4096], want[128];

	(void)state;
	serve(&s, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
	assert_int_equal(run(&s, "/healthz", 2000, err, sizeof(err)), 200);
	finish(&s, req, sizeof(req));
	assert_true(strncmp(req, "GET /healthz HTTP/1.1\r\n", 23) == 0);
	snprintf(want, sizeof(want), "\r\nHost: 127.0.0.1:%d\r\n", s.port);
	assert_non_null(strstr(req, want));
	assert_non_null(strstr(req, "\r\nConnection: close\r\n"));
}

static void
test_status_passed_on(void **state)
{
	struct server	 s;
	char		 err[256] = "", req[4096];

	(void)state;
	serve(&s, "HTTP/1.0 503 Service Unavailable\r\n\r\nshutting down");
	assert_int_equal(run(&s, "", 2000, err, sizeof(err)), 503);
	finish(&s, req, sizeof(req));
	/* No path in the URL asks for "/". */
	assert_true(strncmp(req, "GET / HTTP/1.1\r\n", 16) == 0);
}

static void
test_not_http(void **state)
{
	struct server	 s;
	char		 err[256] = "", req[4096];

	(void)state;
	serve(&s, "SSH-2.0-OpenSSH_9.2\r\n");
	assert_int_equal(run(&s, "/", 2000, err, sizeof(err)), -1);
	finish(&s, req, sizeof(req));
	assert_non_null(strstr(err, "did not answer HTTP"));

	serve(&s, NULL);
	assert_int_equal(run(&s, "/", 2000, err, sizeof(err)), -1);
	finish(&s, req, sizeof(req));
	assert_non_null(strstr(err, "closed the connection"));
}

static void
test_refused(void **state)
{
	char	 err[256] = "", url[64];
	int	 fd, port;

	(void)state;
	fd = listen_loopback(&port);
	close(fd);	/* nobody listens there now */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	assert_int_equal(selfcheck_run(url, 2000, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Connection refused"));
}

static void
test_timeout(void **state)
{
	char	 err[256] = "", url[64];
	double	 t0;
	int	 fd, port;

	(void)state;
	/* Listening, never accepting: the kernel completes the connect. */
	fd = listen_loopback(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	t0 = clock_mono();
	assert_int_equal(selfcheck_run(url, 300, err, sizeof(err)), -1);
	assert_true(clock_mono() - t0 < 2.0);
	assert_true(clock_mono() - t0 >= 0.25);
	assert_non_null(strstr(err, "timed out"));
	close(fd);
}

static void
test_parse_url(void **state)
{
	struct selfcheck_url	 u;
	char			 err[256];

	(void)state;
	assert_int_equal(selfcheck_parse_url("http://127.0.0.1:4253/healthz", &u,
	    err, sizeof(err)), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "4253");
	assert_string_equal(u.path, "/healthz");
	assert_string_equal(u.hostport, "127.0.0.1:4253");
	assert_int_equal(selfcheck_parse_url("http://[::1]:80/a?b=c", &u, err,
	    sizeof(err)), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.path, "/a?b=c");
	assert_string_equal(u.hostport, "[::1]:80");
	assert_int_equal(selfcheck_parse_url("http://localhost", &u, err,
	    sizeof(err)), 0);
	assert_string_equal(u.port, "80");
	assert_string_equal(u.path, "/");
	assert_int_equal(selfcheck_parse_url("http://h?x", &u, err, sizeof(err)), 0);
	assert_string_equal(u.path, "/?x");
	assert_int_equal(u.tls, 0);
	assert_int_equal(selfcheck_parse_url("https://127.0.0.1/healthz", &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.tls, 1);
	assert_string_equal(u.port, "443");
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(selfcheck_parse_url("https://[::1]:4253/", &u, err,
	    sizeof(err)), 0);
	assert_string_equal(u.port, "4253");
	assert_string_equal(u.host, "::1");
}

static void
test_parse_url_rejects(void **state)
{
	static const char *const bad[] = {
		"ftp://127.0.0.1/", "127.0.0.1:4253", "https://", "http://", "http://:80/",
		"http://h:0/", "http://h:65536/", "http://h:x/", "http://h:/",
		"http://[::1/", "http://[::1]x/", "http://u:p@h/", "http://h/a b",
		"http://h/a\r\nX: y", "http://h/#frag",
	};
	struct selfcheck_url	 u;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (selfcheck_parse_url(bad[i], &u, err, sizeof(err)) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_and_request),
		cmocka_unit_test(test_status_passed_on),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_parse_url),
		cmocka_unit_test(test_parse_url_rejects),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
