/*
 * scrape_client: GETs a path from haled over one keep-alive connection,
 * times each response and samples haled's CPU and RSS around the run;
 * prints one JSON object.
 *
 *	scrape_client -p PORT [-P PATH] [-n N] [-w WARMUP] [-s PID]
 *	    [-e EVERY] [-H HEADER]
 *
 * Latency is from the first byte of the request to the last byte of the
 * body, as a Prometheus scraper sees it. haled's CPU per request is the
 * delta of utime+stime in /proc/PID/stat (clock ticks) over the timed
 * requests divided by N, and, more precisely, the delta of the first
 * field of /proc/PID/schedstat (ns on the CPU); its second field, the
 * time haled was runnable but waited for a CPU, is reported per request
 * as haled_wait_ms: on a shared machine it is what a scrape's wall clock
 * holds beyond haled's CPU. The client's own CPU
 * (getrusage) is reported apart so it is never counted as haled's.
 * With -e, RSS (VmRSS of /proc/PID/status) is sampled every EVERY
 * requests; at the end RssAnon and RssFile split it into the daemon's own
 * memory and the pages of shared libraries. If the body holds hale_scrape_duration_seconds, its median is
 * reported too: haled's own collect-and-render time, without HTTP.
 */
#define _GNU_SOURCE	/* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HDR_MAX		16384
#define RSS_SAMPLES_MAX	1000

struct conn {
	int	 fd;
	int	 port;
	char	*buf;		/* headers + body of one response */
	size_t	 cap;
	size_t	 len;
	size_t	 body_len;
	size_t	 ck_in, ck_out;	/* chunked: decoded up to ck_out, read from ck_in */
	int	 status;
	int	 must_close;	/* the response said Connection: close */
	unsigned connects;	/* TCP connections opened */
	unsigned reconnects;	/* idle connections the server closed on us */
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
own_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
die(const char *msg)
{
	perror(msg);
	exit(1);
}

/* utime + stime of PID in clock ticks, -1 if unreadable. */
static long long
pid_ticks(long pid)
{
	char		 path[64], text[4096], *p;
	unsigned long long ut, st;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* Fields after the command name, which may hold spaces: from ")". */
	if ((p = strrchr(text, ')')) == NULL)
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/*
 * /proc/PID/schedstat (the main thread, the one that serves): ns on the
 * CPU, and ns runnable but waiting for a CPU (the run queue's delay);
 * -1 if unreadable.
 */
static int
pid_sched_ns(long pid, long long *run, long long *wait)
{
	char		 path[64];
	unsigned long long r, w;
	FILE		*f;
	int		 ok;

	*run = *wait = -1;
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	ok = fscanf(f, "%llu %llu", &r, &w) == 2;
	fclose(f);
	if (!ok)
		return -1;
	*run = (long long)r;
	*wait = (long long)w;
	return 0;
}

/* A "Key: N kB" line of /proc/PID/status (VmRSS, RssAnon), -1 if none. */
static long
pid_status_kb(long pid, const char *key)
{
	char	 path[64], line[256];
	long	 kb = -1;
	size_t	 klen = strlen(key);
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static long
pid_rss_kb(long pid)
{
	return pid_status_kb(pid, "VmRSS");
}

static void
conn_open(struct conn *c)
{
	struct sockaddr_in	sin;
	int			one = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)c->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connects++;
}

static void
reserve(struct conn *c, size_t want)
{
	if (want <= c->cap)
		return;
	while (c->cap < want)
		c->cap = c->cap == 0 ? 1 << 20 : c->cap * 2;
	if ((c->buf = realloc(c->buf, c->cap + 1)) == NULL)
		die("realloc");
}

/* Reads more bytes into c->buf; 0 on EOF. */
static ssize_t
fill(struct conn *c)
{
	ssize_t	r;

	reserve(c, c->len + 65536);
	do
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		die("read");
	c->len += (size_t)r;
	return r;
}

/*
 * Decodes a chunked body in place as it arrives: the body so far is
 * buf[start..ck_out), the undecoded rest starts at ck_in. Returns 1 when
 * the last chunk is in, 0 when more bytes are needed.
 */
static int
dechunk(struct conn *c, size_t start)
{
	size_t	sz, hdr;
	char	*end, *nl;

	for (;;) {
		if ((nl = memchr(c->buf + c->ck_in, '\n', c->len - c->ck_in)) ==
		    NULL)
			return 0;
		sz = strtoul(c->buf + c->ck_in, &end, 16);
		hdr = (size_t)(nl - c->buf) + 1;
		if (sz == 0) {
			/* Trailer: must end with an empty line. */
			if (c->len - hdr < 2)
				return 0;
			c->body_len = c->ck_out - start;
			return 1;
		}
		if (c->len - hdr < sz + 2)
			return 0;
		memmove(c->buf + c->ck_out, c->buf + hdr, sz);
		c->ck_out += sz;
		c->ck_in = hdr + sz + 2;
	}
}

/* One GET; returns the seconds it took. */
static double
get(struct conn *c, const char *path, const char *header)
{
	char	req[1024], *hend, *p;
	size_t	hlen, clen = 0;
	int	chunked = 0, n, tries = 0;

	c->must_close = 0;
	double	t0;

	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "User-Agent: hale-bench\r\n%s%s", path, header != NULL ? header :
	    "", header != NULL ? "\r\n\r\n" : "\r\n");
	if (n < 0 || (size_t)n >= sizeof(req)) {
		fprintf(stderr, "request too long\n");
		exit(1);
	}
	/* A scraper pays for the connect when the server will not keep it. */
	t0 = now();
retry:
	if (c->fd == -1)
		conn_open(c);
	if (write(c->fd, req, (size_t)n) != n) {
		close(c->fd);
		c->fd = -1;
		if (++tries > 3)
			die("write");
		goto retry;
	}
	c->len = 0;
	for (;;) {
		if (c->len > 0 && (hend = memmem(c->buf, c->len, "\r\n\r\n",
		    4)) != NULL)
			break;
		if (c->len > HDR_MAX || fill(c) == 0) {
			/* The server closed an idle keep-alive connection. */
			close(c->fd);
			c->fd = -1;
			c->reconnects++;
			if (++tries > 3) {
				fprintf(stderr, "server keeps closing\n");
				exit(1);
			}
			goto retry;
		}
	}
	hlen = (size_t)(hend - c->buf) + 4;
	c->buf[hlen - 2] = '\0';
	if (sscanf(c->buf, "HTTP/1.%*d %d", &c->status) != 1) {
		fprintf(stderr, "bad status line\n");
		exit(1);
	}
	for (p = strstr(c->buf, "\r\n"); p != NULL && p < hend;
	    p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, "Content-Length:", 15) == 0)
			clen = strtoul(p + 17, NULL, 10);
		else if (strncasecmp(p + 2, "Transfer-Encoding:", 18) == 0 &&
		    strncmp(p + 20 + strspn(p + 20, " \t"), "chunked", 7) == 0)
			chunked = 1;
		else if (strncasecmp(p + 2, "Connection: close", 17) == 0)
			c->must_close = 1;
	}
	if (chunked) {
		c->ck_in = c->ck_out = hlen;
		while (!dechunk(c, hlen))
			if (fill(c) == 0)
				die("eof in chunked body");
	} else {
		reserve(c, hlen + clen);
		while (c->len < hlen + clen)
			if (fill(c) == 0)
				die("eof in body");
		c->body_len = clen;
	}
	if (c->must_close) {
		close(c->fd);
		c->fd = -1;
	}
	t0 = now() - t0;
	/* Keep the body at the start of buf for the caller. */
	memmove(c->buf, c->buf + hlen, c->body_len);
	c->buf[c->body_len] = '\0';
	return t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t	k = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (k == 0)
		k = 1;
	return v[(k > n ? n : k) - 1];
}

/* hale_scrape_duration_seconds from the body, -1 if absent. */
static double
self_duration(const char *body, size_t len)
{
	static const char	key[] = "\nhale_scrape_duration_seconds ";
	const char		*p;

	if ((p = memmem(body, len, key, sizeof(key) - 1)) == NULL)
		return -1;
	return strtod(p + sizeof(key) - 1, NULL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: scrape_client -p PORT [-P PATH] [-n N] "
	    "[-w WARMUP] [-s PID] [-e EVERY] [-H HEADER]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct conn	 c;
	const char	*path = "/metrics", *header = NULL;
	double		*lat, *selfd, c0, cpu, t0, wall;
	long long	 tk0 = -1, tk1 = -1, ns0 = -1, ns1 = -1, wt0 = -1, wt1 = -1;
	long		 pid = 0, rss0 = -1, rss1 = -1, rssmax = -1, r;
	long		 rss[RSS_SAMPLES_MAX];
	size_t		 n = 200, warm = 5, every = 0, i, nself = 0, nrss = 0;
	size_t		 bytes = 0;
	int		 ch;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "p:P:n:w:s:e:H:")) != -1) {
		switch (ch) {
		case 'p':
			c.port = atoi(optarg);
			break;
		case 'P':
			path = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			warm = strtoul(optarg, NULL, 10);
			break;
		case 's':
			pid = strtol(optarg, NULL, 10);
			break;
		case 'e':
			every = strtoul(optarg, NULL, 10);
			break;
		case 'H':
			header = optarg;
			break;
		default:
			usage();
		}
	}
	if (c.port <= 0 || n == 0 || n > 10000000)
		usage();
	if ((lat = calloc(n, sizeof(*lat))) == NULL ||
	    (selfd = calloc(n, sizeof(*selfd))) == NULL)
		die("calloc");

	for (i = 0; i < warm; i++)
		get(&c, path, header);
	if (pid > 0) {
		rss0 = rssmax = pid_rss_kb(pid);
		tk0 = pid_ticks(pid);
		pid_sched_ns(pid, &ns0, &wt0);
	}
	c0 = own_cpu();
	t0 = now();
	for (i = 0; i < n; i++) {
		lat[i] = get(&c, path, header);
		if (c.status != 200) {
			fprintf(stderr, "HTTP %d from %s\n", c.status, path);
			return 1;
		}
		bytes = c.body_len;
		if ((selfd[nself] = self_duration(c.buf, c.body_len)) >= 0)
			nself++;
		if (pid > 0 && every > 0 && (i + 1) % every == 0) {
			r = pid_rss_kb(pid);
			if (r > rssmax)
				rssmax = r;
			if (nrss < RSS_SAMPLES_MAX)
				rss[nrss++] = r;
		}
	}
	wall = now() - t0;
	cpu = own_cpu() - c0;
	if (pid > 0) {
		tk1 = pid_ticks(pid);
		pid_sched_ns(pid, &ns1, &wt1);
		rss1 = pid_rss_kb(pid);
		if (rss1 > rssmax)
			rssmax = rss1;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	qsort(selfd, nself, sizeof(*selfd), cmp_double);

	printf("{\"n\": %zu, \"median_ms\": %.4f, \"p99_ms\": %.4f, "
	    "\"min_ms\": %.4f, \"max_ms\": %.4f, \"mean_ms\": %.4f, "
	    "\"bytes\": %zu, \"client_cpu_ms\": %.4f, \"connections\": %u, "
	    "\"keepalive\": %s",
	    n, pct(lat, n, 50) * 1e3, pct(lat, n, 99) * 1e3, lat[0] * 1e3,
	    lat[n - 1] * 1e3, wall / (double)n * 1e3, bytes,
	    cpu / (double)n * 1e3, c.connects, c.must_close ? "false" : "true");
	if (nself > 0)
		printf(", \"self_median_ms\": %.4f, \"self_p99_ms\": %.4f",
		    pct(selfd, nself, 50) * 1e3, pct(selfd, nself, 99) * 1e3);
	if (pid > 0) {
		if (tk0 >= 0 && tk1 >= 0)
			printf(", \"haled_cpu_ms\": %.4f", (double)(tk1 - tk0) *
			    1e3 / (double)sysconf(_SC_CLK_TCK) / (double)n);
		if (ns0 >= 0 && ns1 >= 0)
			printf(", \"haled_sched_cpu_ms\": %.4f",
			    (double)(ns1 - ns0) / 1e6 / (double)n);
		if (wt0 >= 0 && wt1 >= 0)
			printf(", \"haled_wait_ms\": %.4f",
			    (double)(wt1 - wt0) / 1e6 / (double)n);
		printf(", \"rss_kb_start\": %ld, \"rss_kb_end\": %ld, "
		    "\"rss_kb_max\": %ld, \"rss_anon_kb_end\": %ld, "
		    "\"rss_file_kb_end\": %ld", rss0, rss1, rssmax,
		    pid_status_kb(pid, "RssAnon"), pid_status_kb(pid, "RssFile"));
		if (nrss > 0) {
			printf(", \"rss_kb_samples\": [");
			for (i = 0; i < nrss; i++)
				printf("%s%ld", i ? ", " : "", rss[i]);
			printf("]");
		}
	}
	printf("}\n");
	return 0;
}
