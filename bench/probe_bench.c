/*
 * probe_bench: the probe engine on its own, against a loopback server.
 *
 *	probe_bench [-n CHECKS] [-t SECONDS] [-w WARMUP] [-k http|tcp] [-N]
 *
 * A forked child serves HTTP (or a TCP greeting) on 127.0.0.1; the parent
 * runs the real engine (libhale.a: inventory, checkspec, probe, curlev)
 * with CHECKS fake running containers, each labelled
 *	hale.check=http hale.check.port=80 hale.check.target=host
 *	hale.check.interval=1s
 * and publishing port 80 on the server's port. No Docker involved: the
 * records go straight into the inventory, as docker.c would put them.
 * With -N (root) the checks use target=netns with the bench's own pid,
 * so every socket goes through setns -> socket -> setns back into our
 * own namespace, and the server listens on the port the label names.
 *
 * After WARMUP seconds (the first probes spread over one interval) it
 * counts completed probes and the parent's CPU time (getrusage: the
 * server child is not included) for SECONDS, and prints a summary and
 * one line of JSON.
 *
 *   parent: engine ─► timers ─► curl multi / connect ─┐
 *   child:  accept ─► read request ─► write 200 ─► close ◄┘
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ev.h>

#include "cgroup/procpid.h"
#include "docker/inventory.h"
#include "core/log.h"
#include "check/probe.h"

/* ---- the server (child) ------------------------------------------------- */

struct conn {
	ev_io	 io;
	char	 buf[2048];
	size_t	 len;
};

/*
 * HTTP: the server closes first, so TIME_WAIT would pile up on its side: tens of
 * thousands per run, all in one namespace (real containers each have
 * their own), and the next run's connects would collide with them. A
 * reset after the reply keeps runs independent.
 */
static void
close_rst(int fd)
{
	struct linger	 lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
    "Content-Type: text/plain\r\nConnection: close\r\n\r\nok";

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = (struct conn *)w;
	ssize_t		 n;

	(void)revents;
	n = recv(w->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
		if (strstr(c->buf, "\r\n\r\n") == NULL && c->len < sizeof(c->buf) - 1)
			return;
		(void)!send(w->fd, response, sizeof(response) - 1, MSG_NOSIGNAL);
	}
	ev_io_stop(loop, w);
	close_rst(w->fd);
	free(c);
}

static int	 tcp_mode;

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c;
	int		 fd, i;

	(void)revents;
	for (i = 0; i < 64; i++) {
		if ((fd = accept4(w->fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
			return;
		if (tcp_mode) {
			/*
			 * A plain close: the probe resets its end itself
			 * (SO_LINGER 0), so no TIME_WAIT is left, and a reset
			 * from here could beat the probe's connect check.
			 */
			(void)!send(fd, "+OK\r\n", 5, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		ev_io_init(&c->io, conn_cb, fd, EV_READ);
		ev_io_start(loop, &c->io);
	}
}

static void
serve(int lfd)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	ev_io		 lio;

	ev_io_init(&lio, accept_cb, lfd, EV_READ);
	ev_io_start(loop, &lio);
	ev_run(loop, 0);
	_exit(0);
}

static int
listen_loopback(uint16_t *port)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);
	int			 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(fd, 4096) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- the engine (parent) ------------------------------------------------ */

static char *
dup_or_die(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL) {
		perror("strdup");
		exit(1);
	}
	return p;
}

static void
add_container(struct inventory *inv, unsigned i, uint16_t hport,
    const char *kind, int netns)
{
	static const char *const keys[] = { "hale.check", "hale.check.port",
	    "hale.check.target", "hale.check.interval" };
	char			 port[8];
	const char		*vals[] = { kind, "80", "host", "1s" };
	struct docker_inspect	 d;
	char			 name[32];
	size_t			 k;

	if (netns) {
		/* Inside "its" namespace (ours): the port the server has. */
		snprintf(port, sizeof(port), "%u", hport);
		vals[1] = port;
		vals[2] = "netns";
	}
	memset(&d, 0, sizeof(d));
	snprintf(d.id, sizeof(d.id), "%064x", i + 1);
	d.pid = netns ? getpid() : 0;
	snprintf(name, sizeof(name), "bench-%u", i);
	d.name = dup_or_die(name);
	d.image = dup_or_die("bench/server");
	d.network_mode = dup_or_die("host");
	d.state = DOCKER_STATE_RUNNING;
	d.stop_timeout = -1;
	d.labels = calloc(4, sizeof(*d.labels));
	d.ports = calloc(1, sizeof(*d.ports));
	if (d.labels == NULL || d.ports == NULL) {
		perror("calloc");
		exit(1);
	}
	for (k = 0; k < 4; k++) {
		d.labels[k].key = dup_or_die(keys[k]);
		d.labels[k].value = dup_or_die(vals[k]);
	}
	d.nlabels = 4;
	d.ports[0].container_port = 80;
	snprintf(d.ports[0].proto, sizeof(d.ports[0].proto), "tcp");
	snprintf(d.ports[0].host_ip, sizeof(d.ports[0].host_ip), "127.0.0.1");
	d.ports[0].host_port = hport;
	d.nports = 1;
	if (inventory_upsert(inv, &d) == NULL) {
		fprintf(stderr, "inventory_upsert failed\n");
		exit(1);
	}
}

static double
cpu_seconds(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t
completed(const struct probe_stats *st)
{
	uint64_t	 n = 0;
	unsigned	 i;

	for (i = 0; i < PROBE_CLASS_COUNT; i++)
		n += st->results[i];
	return n;
}

static void
run_for(struct ev_loop *loop, double secs)
{
	double	 end = ev_time() + secs;

	while (ev_time() < end)
		ev_run(loop, EVRUN_ONCE);
}

int
main(int argc, char **argv)
{
	struct probe_options	 o;
	struct probe_stats	 st0, st1;
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct inventory	*inv;
	struct probe_engine	*eng;
	const char		*kind = "http";
	unsigned		 n = 1000, i;
	double			 secs = 10, warm = 2, t0, c0, wall, cpu;
	uint16_t		 port;
	pid_t			 child;
	char			 err[256];
	int			 ch, lfd, netns = 0;
	uint64_t		 done;

	while ((ch = getopt(argc, argv, "n:t:w:k:N")) != -1)
		switch (ch) {
		case 'N':
			netns = 1;
			break;
		case 'n':
			n = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 'w':
			warm = strtod(optarg, NULL);
			break;
		case 'k':
			kind = optarg;
			break;
		default:
			fprintf(stderr, "usage: probe_bench [-n checks] [-t seconds] "
			    "[-w warmup] [-k http|tcp] [-N]\n");
			return 64;
		}
	tcp_mode = strcmp(kind, "tcp") == 0;
	if ((lfd = listen_loopback(&port)) == -1) {
		perror("listen");
		return 1;
	}
	if ((child = fork()) == 0)
		serve(lfd);
	close(lfd);
	signal(SIGPIPE, SIG_IGN);
	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	loop = ev_default_loop(EVFLAG_AUTO);
	if ((cv = curlev_new(loop, err, sizeof(err))) == NULL ||
	    (inv = inventory_new(cgroup_id_resolve, "/proc", NULL, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	memset(&o, 0, sizeof(o));
	o.loop = loop;
	o.curlev = cv;
	o.inv = inv;
	o.seed = 1;
	o.netns = netns ? 1 : -1;
	if ((eng = probe_engine_new(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "engine: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++)
		add_container(inv, i, port, kind, netns);
	probe_sync(eng);
	run_for(loop, warm);
	probe_get_stats(eng, &st0);
	t0 = ev_time();
	c0 = cpu_seconds();
	run_for(loop, secs);
	wall = ev_time() - t0;
	cpu = cpu_seconds() - c0;
	probe_get_stats(eng, &st1);
	done = completed(&st1) - completed(&st0);
	printf("# %s%s: %u checks at 1s, %.1f s: %llu probes, %.0f probes/s, "
	    "%.1f%% of a core, %.1f us CPU per probe, %llu not ok\n", kind,
	    netns ? " (netns)" : "", n,
	    wall, (unsigned long long)done, (double)done / wall,
	    100.0 * cpu / wall, done > 0 ? cpu * 1e6 / (double)done : 0.0,
	    (unsigned long long)(done - (st1.results[PROBE_OK] - st0.results[PROBE_OK])));
	printf("{\"%s_probes_per_second\": %.1f, \"kind\": \"%s\", \"netns\": %s, \"checks\": %u, "
	    "\"seconds\": %.2f, \"probes\": %llu, \"not_ok\": %llu, "
	    "\"cpu_seconds\": %.3f, \"core_percent\": %.2f, "
	    "\"cpu_us_each\": %.2f, \"capacity_one_core\": %.0f}\n",
	    kind, (double)done / wall, kind, netns ? "true" : "false", n, wall,
	    (unsigned long long)done,
	    (unsigned long long)(done - (st1.results[PROBE_OK] - st0.results[PROBE_OK])),
	    cpu, 100.0 * cpu / wall, done > 0 ? cpu * 1e6 / (double)done : 0.0,
	    cpu > 0 ? (double)done / cpu : 0.0);
	for (i = 1; i < PROBE_CLASS_COUNT; i++)
		if (st1.results[i] != st0.results[i])
			fprintf(stderr, "#   %s: %llu\n",
			    probe_class_name((enum probe_class)i),
			    (unsigned long long)(st1.results[i] - st0.results[i]));
	probe_engine_free(eng);
	curlev_free(cv);
	inventory_free(inv);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	curl_global_cleanup();
	return 0;
}
