#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cgroup/procpid.h"
#include "core/log.h"
#include "check/probe.h"
#include "check/probe_check.h"

#define S(s)	((char *)(uintptr_t)(s))

/* ---- pure helpers ------------------------------------------------------- */

/* The API hook gets the container object; the probe engine fills its health. */
static void
health_hook(void *eng, const struct inv_container *c, cJSON *container)
{
	probe_health_json(eng, c, cJSON_GetObjectItemCaseSensitive(container,
	    "health"));
}

static void
test_rng_deterministic(void **state)
{
	struct rand_state a = { 7 }, b = { 7 }, c = { 8 };

	(void)state;
	assert_true(rand_next(&a) == rand_next(&b));
	assert_true(rand_next(&a) == rand_next(&b));
	assert_false(rand_next(&a) == rand_next(&c));
}

/*
 * 100000 draws from a fixed seed. Bounds are hard; the mean of a
 * uniform over [9, 11] has a standard error of 0.577/sqrt(1e5) = 0.0018,
 * so +-0.01 is over 5 sigma; each tenth of the range holds 10% +- 0.5%.
 */
static void
test_jitter_bounds(void **state)
{
	struct rand_state s = { 42 };
	double		 v, sum = 0, lo = 1e9, hi = -1e9;
	unsigned	 bins[10] = { 0 }, i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		v = probe_jitter(&s, 10.0, 0.1);
		assert_true(v >= 9.0 && v <= 11.0);
		sum += v;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		bins[(unsigned)((v - 9.0) / 0.2) % 10]++;
	}
	assert_true(fabs(sum / 100000 - 10.0) < 0.01);
	assert_true(lo < 9.01 && hi > 10.99);
	for (i = 0; i < 10; i++)
		assert_true(bins[i] > 9500 && bins[i] < 10500);
	/* First probe: anywhere in one interval, never at or past its end. */
	for (sum = 0, i = 0; i < 100000; i++) {
		v = probe_first_delay(&s, 10.0);
		assert_true(v >= 0.0 && v < 10.0);
		sum += v;
	}
	assert_true(fabs(sum / 100000 - 5.0) < 0.03);
	/* No jitter asked: exactly the interval. */
	assert_true(probe_jitter(&s, 3.0, 0.0) == 3.0);
}

/*
 * The grid: a power-of-two fraction of a second, at most interval / 8,
 * 1 s and 16 / rate.
 */
static void
test_slack_grid(void **state)
{
	double		 iv, q, r;

	(void)state;
	assert_true(probe_slack(1.0, 0) == 0.125);
	assert_true(probe_slack(1.5, 0) == 0.125);
	assert_true(probe_slack(2.0, 0) == 0.25);
	assert_true(probe_slack(4.0, 0) == 0.5);
	assert_true(probe_slack(7.9, 0) == 0.5);
	assert_true(probe_slack(8.0, 0) == 1.0);
	assert_true(probe_slack(10.0, 0) == 1.0);
	assert_true(probe_slack(86400.0, 0) == 1.0);
	assert_true(probe_slack(0.01, 0) == 1.0 / 1024);
	/* Too short for any step: no grid, and align leaves the time alone. */
	assert_true(probe_slack(0.001, 0) == 0);
	assert_true(probe_align(1795450080.1234, probe_slack(0.001, 0)) == 1795450080.1234);
	/* The largest step that fits: twice it would not. */
	for (iv = 0.01; iv < 100; iv *= 1.07) {
		q = probe_slack(iv, 0);
		assert_true(q > 0 && q <= 1.0 && q <= iv / 8);
		assert_true(q == 1.0 || 2 * q > iv / 8);
	}
	/* Busy engines: about 16 probes a step at most. */
	assert_true(probe_slack(10.0, 10.0) == 1.0);		/* 100 checks */
	assert_true(probe_slack(10.0, 100.0) == 0.125);		/* 1,000 */
	assert_true(probe_slack(10.0, 500.0) == 1.0 / 32);	/* 5,000 */
	assert_true(probe_slack(1.0, 4.0) == 0.125);		/* interval rules */
	for (r = 0.1; r < 1e5; r *= 1.3) {
		q = probe_slack(10.0, r);
		assert_true(q == 0 || q * r <= 16);
		assert_true(q == 1.0 || q == 0 || 2 * q * r > 16);
	}
}

/* Rounding to the nearest point of the grid, at real unix times. */
static void
test_align(void **state)
{
	struct rand_state s = { 9 };
	double		 t, a, q = 1.0;
	unsigned	 i;

	(void)state;
	assert_true(probe_align(1795450080.4, 1.0) == 1795450080.0);
	assert_true(probe_align(1795450080.6, 1.0) == 1795450081.0);
	assert_true(probe_align(1795450080.3, 0.25) == 1795450080.25);
	assert_true(probe_align(1795450080.01, 0.125) == 1795450080.0);
	assert_true(probe_align(1795450080.07, 0.125) == 1795450080.125);
	for (i = 0; i < 100000; i++) {
		t = 1.7e9 + 1e8 * rand_unit(&s);
		a = probe_align(t, q);
		assert_true(fabs(a - t) <= q / 2);
		assert_true(a / q == floor(a / q));	/* on the grid */
		assert_true(probe_align(a, q) == a);	/* and stays there */
	}
}

/*
 * The schedule as the engine runs it: due = align(start + interval ±
 * jitter), and the probe starts a few ms (lat) after its due time.
 * Rounding up would add half a step to every period. Nearest must not
 * drift at all without jitter (the grid absorbs the latency), and with
 * it the mean period must be what it is without a grid, interval + lat:
 * over 1e5 periods of a uniform +-10% the mean's standard error is
 * 0.058% of the interval, so +-0.3% is 5 sigma.
 */
static void
test_align_no_drift(void **state)
{
	static const double	 ivs[] = { 1.0, 2.0, 5.0, 10.0, 30.0 };
	const double		 lat = 0.003;
	struct rand_state	 s = { 11 };
	double			 iv, q, t0, start, due;
	unsigned		 i, k;

	(void)state;
	for (k = 0; k < sizeof(ivs) / sizeof(ivs[0]); k++) {
		iv = ivs[k];
		q = probe_slack(iv, 0);
		t0 = start = probe_align(1795450080.0, q) + lat;
		for (i = 0; i < 1000; i++) {
			due = probe_align(start + probe_jitter(&s, iv, 0.0), q);
			assert_true(due > start);
			start = due + lat;
		}
		assert_true(fabs((start - t0) - 1000 * iv) < 1e-6);
		t0 = start;
		for (i = 0; i < 100000; i++) {
			due = probe_align(start + probe_jitter(&s, iv, 0.1), q);
			assert_true(due - start >= iv * 0.9 - q / 2);
			assert_true(due - start <= iv * 1.1 + q / 2);
			start = due + lat;
		}
		assert_true(fabs((start - t0) / 100000 / (iv + lat) - 1.0) < 0.003);
	}
}

/*
 * Checks every 10 s at random phases: how many distinct due times, and
 * the most probes on one.
 */
static void
spread(unsigned n, double rate, unsigned *distinct, unsigned *most)
{
	static double	 due[1000];
	struct rand_state s = { 5 };
	double		 now = 1795450080.0;
	unsigned	 i, j, same;

	*distinct = *most = 0;
	for (i = 0; i < n; i++) {
		due[i] = probe_align(now + probe_first_delay(&s, 10.0),
		    probe_slack(10.0, rate));
		assert_true(due[i] >= now && due[i] <= now + 10.0);
		for (same = 1, j = 0; j < i; j++)
			same += due[j] == due[i];
		*distinct += same == 1;
		*most = same > *most ? same : *most;
	}
}

/*
 * What the grid is for: 100 checks (10 probes/s) fall on at most 11 due
 * times instead of 100. And what bounds it: 1,000 checks fall on 125 ms
 * steps, ~12 probes each (a Poisson count of mean 12.5 is over 35 once
 * in ~1e7), not on 11 batches of ~100.
 */
static void
test_align_coalesces(void **state)
{
	unsigned	 distinct, most;

	(void)state;
	spread(100, 10.0, &distinct, &most);
	assert_true(distinct >= 2 && distinct <= 11 && most >= 10);
	spread(1000, 100.0, &distinct, &most);
	assert_true(distinct >= 60 && distinct <= 81 && most <= 35);
}

static void
test_classes(void **state)
{
	(void)state;
	assert_int_equal(probe_class_of_errno(ECONNREFUSED), PROBE_REFUSED);
	assert_int_equal(probe_class_of_errno(ECONNRESET), PROBE_RESET);
	assert_int_equal(probe_class_of_errno(ETIMEDOUT), PROBE_TIMEOUT);
	assert_int_equal(probe_class_of_errno(ENETUNREACH), PROBE_ERROR);
	assert_int_equal(probe_class_of_curl(CURLE_OPERATION_TIMEDOUT, 0), PROBE_TIMEOUT);
	assert_int_equal(probe_class_of_curl(CURLE_COULDNT_CONNECT, ECONNREFUSED),
	    PROBE_REFUSED);
	assert_int_equal(probe_class_of_curl(CURLE_COULDNT_CONNECT, 0), PROBE_ERROR);
	assert_int_equal(probe_class_of_curl(CURLE_RECV_ERROR, ECONNRESET), PROBE_RESET);
	assert_int_equal(probe_class_of_curl(CURLE_GOT_NOTHING, 0), PROBE_RESET);
	assert_int_equal(probe_class_of_curl(CURLE_PEER_FAILED_VERIFICATION, 0),
	    PROBE_TLS);
	assert_int_equal(probe_class_of_curl(CURLE_SSL_CONNECT_ERROR, 0), PROBE_TLS);
	assert_int_equal(probe_class_of_curl(CURLE_WEIRD_SERVER_REPLY, 0), PROBE_ERROR);
	assert_string_equal(probe_class_name(PROBE_BODY), "body");
	assert_string_equal(probe_class_name(PROBE_CLASS_COUNT), "error");
}

/* ---- target resolution -------------------------------------------------- */

static void
spec_port(struct checkspec *s, uint16_t port, enum checkspec_target t)
{
	checkspec_init(s);
	s->kind = CHECKSPEC_HTTP;
	s->port = port;
	s->target = t;
}

static void
test_target_resolve(void **state)
{
	struct docker_network	 net = { S("bridge"), S("172.17.0.5"), S("") };
	struct docker_network	 net6 = { S("v6"), S(""), S("fd00::5") };
	struct docker_port	 ports[2] = {
		{ 8080, "tcp", "0.0.0.0", 32768 },
		{ 9090, "tcp", "127.0.0.2", 9999 },
	};
	struct docker_inspect	 d;
	struct checkspec	 s;
	struct probe_target	 t;
	char			 err[256];

	(void)state;
	memset(&d, 0, sizeof(d));
	d.network_mode = S("none");
	spec_port(&s, 8080, CHECKSPEC_TARGET_AUTO);
	/* auto: netns when allowed. */
	assert_int_equal(probe_target_resolve(&s, &d, 1, &t, err, sizeof(err)), 0);
	assert_int_equal(t.how, CHECKSPEC_TARGET_NETNS);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 8080);
	assert_int_equal(t.nsfd, -1);
	assert_int_equal(ntohs(((struct sockaddr_in *)(void *)&t.addr)->sin_port), 8080);
	/* auto without netns and nothing else: refused with a reason. */
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no way to reach port 8080"));
	/* explicit netns without the right. */
	s.target = CHECKSPEC_TARGET_NETNS;
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CAP_SYS_ADMIN"));
	/* ip, on a network. */
	d.networks = &net;
	d.nnetworks = 1;
	s.target = CHECKSPEC_TARGET_AUTO;
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), 0);
	assert_int_equal(t.how, CHECKSPEC_TARGET_IP);
	assert_string_equal(t.host, "172.17.0.5");
	d.networks = &net6;
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "[fd00::5]");
	assert_int_equal(t.addr.ss_family, AF_INET6);
	/* host: the published port, on loopback when bound to all. */
	s.target = CHECKSPEC_TARGET_HOST;
	assert_int_equal(probe_target_resolve(&s, &d, 1, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "target host: port 8080/tcp is not published");
	d.ports = ports;
	d.nports = 2;
	assert_int_equal(probe_target_resolve(&s, &d, 1, &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 32768);
	s.port = 9090;
	assert_int_equal(probe_target_resolve(&s, &d, 1, &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "127.0.0.2");
	assert_int_equal(t.port, 9999);
}

/* ---- the engine against loopback servers --------------------------------- */

struct server {
	struct ev_loop	*loop;
	ev_io		 lio;
	int		 fd;
	uint16_t	 port;
	int		 http;		/* else: tcp greeting */
	int		 status;
	const char	*body;
	unsigned	 served;
};

struct conn {
	ev_io		 io;
	struct server	*srv;
	char		 buf[4096];
	size_t		 len;
};

static void
conn_close(struct conn *c)
{
	ev_io_stop(c->srv->loop, &c->io);
	close(c->io.fd);
	free(c);
}

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = (struct conn *)w;
	char		 resp[512];
	ssize_t		 n;
	int		 len;

	(void)loop;
	(void)revents;
	n = recv(w->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (strstr(c->buf, "\r\n\r\n") == NULL)
		return;
	c->srv->served++;
	/* A few fixed paths for the redirect and timeout cases. */
	if (strncmp(c->buf, "GET /hang ", 10) == 0)
		return;		/* never answers; the client gives up */
	if (strncmp(c->buf, "GET /r ", 7) == 0)
		len = snprintf(resp, sizeof(resp), "HTTP/1.1 302 Found\r\n"
		    "Location: /ok\r\nContent-Length: 0\r\n\r\n");
	else if (strncmp(c->buf, "GET /x ", 7) == 0)
		len = snprintf(resp, sizeof(resp), "HTTP/1.1 302 Found\r\n"
		    "Location: http://10.0.0.1:9/evil\r\nContent-Length: 0\r\n\r\n");
	else if (strncmp(c->buf, "GET /loop ", 10) == 0)
		len = snprintf(resp, sizeof(resp), "HTTP/1.1 302 Found\r\n"
		    "Location: /loop\r\nContent-Length: 0\r\n\r\n");
	else
		len = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		    c->srv->status, strlen(c->srv->body), c->srv->body);
	(void)!send(w->fd, resp, (size_t)len, MSG_NOSIGNAL);
	conn_close(c);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct server	*srv = w->data;
	struct conn	*c;
	int		 fd;

	(void)revents;
	if ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if (!srv->http) {
		(void)!send(fd, "+OK ready\r\n", 11, MSG_NOSIGNAL);
		srv->served++;
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->srv = srv;
	ev_io_init(&c->io, conn_cb, fd, EV_READ);
	ev_io_start(loop, &c->io);
}

static void
server_start(struct server *srv, struct ev_loop *loop, int http)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);
	int			 one = 1;

	memset(srv, 0, sizeof(*srv));
	srv->loop = loop;
	srv->http = http;
	srv->status = 200;
	srv->body = "ok";
	srv->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(srv->fd >= 0);
	setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(srv->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(srv->fd, 64), 0);
	getsockname(srv->fd, (struct sockaddr *)&a, &len);
	srv->port = ntohs(a.sin_port);
	ev_io_init(&srv->lio, accept_cb, srv->fd, EV_READ);
	srv->lio.data = srv;
	ev_io_start(loop, &srv->lio);
}

static void
server_stop(struct server *srv)
{
	if (srv->fd < 0)
		return;
	ev_io_stop(srv->loop, &srv->lio);
	close(srv->fd);
	srv->fd = -1;
}

static char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	assert_non_null(p);
	return p;
}

/* A running container record with a published port and some labels. */
static struct inv_container *
add_container_id(struct inventory *inv, const char *id, const char *name,
    uint16_t cport, uint16_t hport, const char *const *kv, size_t nkv)
{
	struct docker_inspect	 d;
	size_t			 i;

	memset(&d, 0, sizeof(d));
	memcpy(d.id, id, DOCKER_ID_LEN);
	d.name = xstrdup(name);
	d.image = xstrdup("hale-test/busybox");
	d.network_mode = xstrdup("none");
	d.state = DOCKER_STATE_RUNNING;
	d.stop_timeout = -1;
	d.labels = calloc(nkv / 2 + 1, sizeof(*d.labels));
	for (i = 0; i + 1 < nkv; i += 2) {
		d.labels[d.nlabels].key = xstrdup(kv[i]);
		d.labels[d.nlabels].value = xstrdup(kv[i + 1]);
		d.nlabels++;
	}
	d.ports = calloc(1, sizeof(*d.ports));
	d.ports[0].container_port = cport;
	snprintf(d.ports[0].proto, sizeof(d.ports[0].proto), "tcp");
	snprintf(d.ports[0].host_ip, sizeof(d.ports[0].host_ip), "127.0.0.1");
	d.ports[0].host_port = hport;
	d.nports = 1;
	return inventory_upsert(inv, &d);
}

static struct inv_container *
add_container(struct inventory *inv, char idc, const char *name,
    uint16_t cport, uint16_t hport, const char *const *kv, size_t nkv)
{
	char	 id[DOCKER_ID_LEN + 1];

	memset(id, idc, DOCKER_ID_LEN);
	id[DOCKER_ID_LEN] = '\0';
	return add_container_id(inv, id, name, cport, hport, kv, nkv);
}

struct world {
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct inventory	*inv;
	struct probe_engine	*eng;
	struct server		 web, tcp;
	unsigned		 transitions;
};

static void
on_transition(void *arg, const char *id, const struct health_transition *tr,
    const struct probe_result *r)
{
	struct world	*w = arg;

	(void)id;
	(void)tr;
	(void)r;
	w->transitions++;
}

static enum docker_health
status_of(struct world *w, char idc)
{
	char			 id[DOCKER_ID_LEN + 1];
	struct inv_container	*c;

	memset(id, idc, DOCKER_ID_LEN);
	id[DOCKER_ID_LEN] = '\0';
	if ((c = inventory_get(w->inv, id)) == NULL)
		return DOCKER_HEALTH_NONE;
	return probe_health_status(w->eng, c, NULL);
}

/* Runs the loop until container idc reaches `want` (at most `secs`). */
static int
run_until(struct world *w, char idc, enum docker_health want, double secs)
{
	double	 end = ev_time() + secs;

	while (ev_time() < end) {
		if (status_of(w, idc) == want)
			return 1;
		ev_run(w->loop, EVRUN_ONCE);
	}
	return status_of(w, idc) == want;
}

static cJSON *
health_of(struct world *w, char idc)
{
	char			 id[DOCKER_ID_LEN + 1];
	cJSON			*h = cJSON_CreateObject();

	memset(id, idc, DOCKER_ID_LEN);
	id[DOCKER_ID_LEN] = '\0';
	cJSON_AddStringToObject(h, "status", "none");
	probe_health_json(w->eng, inventory_get(w->inv, id), h);
	return h;
}

static const char *
last_result(cJSON *h)
{
	cJSON	*r = cJSON_GetObjectItem(h, "last_results");
	cJSON	*last = cJSON_GetArrayItem(r, cJSON_GetArraySize(r) - 1);

	return cJSON_GetStringValue(cJSON_GetObjectItem(last, "result"));
}

static void
test_engine(void **state)
{
	static const char *const web[] = { "hale.check", "http",
	    "hale.check.port", "8080", "hale.check.target", "host",
	    "hale.check.interval", "1s", "hale.check.fall", "1",
	    "hale.check.expect_body", "ok" };
	static const char *const db[] = { "hale.check", "tcp",
	    "hale.check.port", "6379", "hale.check.target", "host",
	    "hale.check.interval", "1s", "hale.check.rise", "2",
	    "hale.check.expect", "+OK" };
	static const char *const bad[] = { "hale.check", "http",
	    "hale.check.port", "80", "hale.check.host", "10.0.0.1" };
	struct probe_options	 o;
	struct probe_stats	 st;
	struct world		 w;
	struct buf		 out;
	struct metrics_writer	 mw;
	static const char *const compose[] = { "com.docker.compose.project",
	    "com.docker.compose.service" };
	char			 err[256], line[512];
	cJSON			*h, *chk;

	(void)state;
	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
	memset(&w, 0, sizeof(w));
	w.loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(w.loop);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	w.cv = curlev_new(w.loop, err, sizeof(err));
	assert_non_null(w.cv);
	w.inv = inventory_new(cgroup_id_resolve, "/proc", compose, 2, err,
	    sizeof(err));
	assert_non_null(w.inv);
	memset(&o, 0, sizeof(o));
	o.loop = w.loop;
	o.curlev = w.cv;
	o.inv = w.inv;
	o.seed = 1;
	o.netns = -1;
	w.eng = probe_engine_new(&o, err, sizeof(err));
	assert_non_null(w.eng);
	probe_set_transition_cb(w.eng, on_transition, &w);
	assert_int_equal(inventory_add_observer(w.inv, probe_observe, w.eng), 0);
	server_start(&w.web, w.loop, 1);
	server_start(&w.tcp, w.loop, 0);
	add_container(w.inv, 'a', "web", 8080, w.web.port, web, 12);
	add_container(w.inv, 'b', "db", 6379, w.tcp.port, db, 12);
	add_container(w.inv, 'c', "evil", 80, 1, bad, 6);
	probe_sync(w.eng);

	/* Before any probe: starting, from hale. */
	assert_int_equal(status_of(&w, 'a'), DOCKER_HEALTH_STARTING);
	assert_true(run_until(&w, 'a', DOCKER_HEALTH_HEALTHY, 5));
	h = health_of(&w, 'a');
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "source")), "hale");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "status")), "healthy");
	assert_string_equal(last_result(h), "ok");
	chk = cJSON_GetObjectItem(h, "check");
	snprintf(line, sizeof(line), "host 127.0.0.1:%u", w.web.port);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(chk, "target")), line);
	cJSON_Delete(h);

	/* 503: one failure is enough with fall 1. */
	w.web.status = 503;
	assert_true(run_until(&w, 'a', DOCKER_HEALTH_UNHEALTHY, 5));
	h = health_of(&w, 'a');
	assert_string_equal(last_result(h), "status");
	cJSON_Delete(h);
	/* 200 but the wrong body. */
	w.web.status = 200;
	w.web.body = "not yet";
	{
		double end = ev_time() + 5;
		while (ev_time() < end) {
			h = health_of(&w, 'a');
			if (strcmp(last_result(h), "body") == 0)
				break;
			cJSON_Delete(h);
			h = NULL;
			ev_run(w.loop, EVRUN_ONCE);
		}
		assert_non_null(h);
		cJSON_Delete(h);
	}
	w.web.body = "ok";
	assert_true(run_until(&w, 'a', DOCKER_HEALTH_HEALTHY, 5));
	/* Plain http never took a libcurl handle: it ran on probe_plain. */
	assert_int_equal(probe_http_pool_idle(w.eng->env.http_pool), 0);
	/* Nothing listening any more: refused. */
	server_stop(&w.web);
	assert_true(run_until(&w, 'a', DOCKER_HEALTH_UNHEALTHY, 5));
	h = health_of(&w, 'a');
	assert_string_equal(last_result(h), "refused");
	cJSON_Delete(h);

	/* The TCP check needed two greetings (rise 2) and got them by now. */
	assert_true(run_until(&w, 'b', DOCKER_HEALTH_HEALTHY, 5));
	assert_true(w.tcp.served >= 2);
	/* A reload that changes nothing for it keeps its state and history. */
	probe_set_rules(w.eng, NULL);
	assert_int_equal(status_of(&w, 'b'), DOCKER_HEALTH_HEALTHY);
	h = health_of(&w, 'b');
	assert_string_equal(last_result(h), "ok");
	cJSON_Delete(h);

	/* The hostile one: refused with a reason, counted, no probes. */
	h = health_of(&w, 'c');
	chk = cJSON_GetObjectItem(h, "check");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(chk, "state")), "refused");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(chk, "reason")), "target");
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(chk, "error")),
	    "hale.check.host: \"10.0.0.1\" is another address"));
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "status")), "none");
	cJSON_Delete(h);
	probe_get_stats(w.eng, &st);
	assert_int_equal(st.active, 2);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.rejections[CHECKSPEC_REJECT_TARGET], 1);
	assert_true(st.results[PROBE_OK] >= 4);
	assert_true(st.results[PROBE_STATUS] >= 1);
	assert_true(st.results[PROBE_BODY] >= 1);
	assert_true(st.results[PROBE_REFUSED] >= 1);
	/* web: s->h, h->u, u->h, h->u; db: s->h. */
	assert_int_equal(w.transitions, 5);

	/* Metrics: the pid-0 records have no cgroup: label sets still exist. */
	buf_init(&out);
	metrics_writer_init(&mw, &out, METRICS_TEXT);
	probe_write_metrics(w.eng, &mw);
	assert_false(out.oom);
	assert_non_null(strstr(out.data, "# TYPE hale_check_duration_seconds histogram\n"));
	assert_non_null(strstr(out.data, "hale_check_label_rejections_total{reason=\"target\"} 1\n"));
	assert_non_null(strstr(out.data, "hale_checks{state=\"active\"} 2\n"));
	assert_non_null(strstr(out.data, "hale_checks{state=\"refused\"} 1\n"));
	snprintf(line, sizeof(line), "hale_check_total{result=\"refused\"} %llu\n",
	    (unsigned long long)st.results[PROBE_REFUSED]);
	assert_non_null(strstr(out.data, line));
	assert_non_null(strstr(out.data, ",name=\"web\"} 0\n"));	/* hale_check_up */
	assert_non_null(strstr(out.data, ",name=\"db\",le=\"+Inf\"} "));
	buf_free(&out);

	/* The JSON API document through the inventory's hook. */
	buf_init(&out);
	assert_int_equal(inventory_json_one(w.inv, "db", health_hook,
	    w.eng, &out), 0);
	assert_non_null(strstr(out.data, "\"status\":\"healthy\",\"source\":\"hale\""));
	assert_non_null(strstr(out.data, "\"check\":{\"state\":\"active\",\"check\":\"tcp\""));
	buf_reset(&out);
	assert_int_equal(inventory_json_one(w.inv, "db", NULL, NULL, &out), 0);
	assert_null(strstr(out.data, "\"source\":\"hale\""));
	buf_free(&out);

	/* The container goes away: its check is cancelled and freed. */
	{
		char id[DOCKER_ID_LEN + 1];

		memset(id, 'a', DOCKER_ID_LEN);
		id[DOCKER_ID_LEN] = '\0';
		assert_int_equal(inventory_remove(w.inv, id), 0);
	}
	ev_run(w.loop, EVRUN_NOWAIT);
	ev_run(w.loop, EVRUN_NOWAIT);
	probe_get_stats(w.eng, &st);
	assert_int_equal(st.active, 1);

	probe_engine_free(w.eng);
	server_stop(&w.tcp);
	curlev_free(w.cv);
	inventory_free(w.inv);
	ev_loop_destroy(w.loop);
	curl_global_cleanup();
}

/* A running container whose id is the number k, with a TCP check. */
static void
add_numbered(struct inventory *inv, unsigned k)
{
	static const char *const kv[] = { "hale.check", "tcp",
	    "hale.check.port", "6379", "hale.check.target", "host",
	    "hale.check.interval", "1m" };
	char			 id[DOCKER_ID_LEN + 1];

	snprintf(id, sizeof(id), "%064x", k);
	assert_non_null(add_container_id(inv, id, "n", 6379, 1, kv, 8));
}

static void
spin(struct ev_loop *loop)
{
	ev_run(loop, EVRUN_NOWAIT);
	ev_run(loop, EVRUN_NOWAIT);
}

/*
 * A change syncs its own container only: N containers arriving one by one
 * (as inspects do at discovery) cost N container syncs, not N²/2; many
 * changes at once fall back to one pass over the table.
 */
static void
test_sync_cost(void **state)
{
	struct probe_options	 o;
	struct probe_stats	 st;
	struct world		 w;
	char			 err[256], id[DOCKER_ID_LEN + 1];
	unsigned		 k, n = 1000, big = PROBE_DIRTY_MAX + 10;
	uint64_t		 before;

	(void)state;
	log_setup(LOG_LEVEL_ERROR, LOG_FORMAT_LOGFMT, 0);
	memset(&w, 0, sizeof(w));
	assert_non_null(w.loop = ev_loop_new(EVFLAG_AUTO));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	assert_non_null(w.cv = curlev_new(w.loop, err, sizeof(err)));
	assert_non_null(w.inv = inventory_new(NULL, NULL, NULL, 0, err,
	    sizeof(err)));
	memset(&o, 0, sizeof(o));
	o.loop = w.loop;
	o.curlev = w.cv;
	o.inv = w.inv;
	o.seed = 1;
	o.netns = -1;
	assert_non_null(w.eng = probe_engine_new(&o, err, sizeof(err)));
	assert_int_equal(inventory_add_observer(w.inv, probe_observe, w.eng), 0);

	for (k = 0; k < n; k++) {
		add_numbered(w.inv, k);
		spin(w.loop);
	}
	probe_get_stats(w.eng, &st);
	assert_int_equal(st.active, n);
	assert_true(st.synced >= n && st.synced <= 2 * n);

	/* Gone, one by one: freed without a pass over the others. */
	before = st.synced;
	for (k = 0; k < 10; k++) {
		snprintf(id, sizeof(id), "%064x", k);
		assert_int_equal(inventory_remove(w.inv, id), 0);
		spin(w.loop);
	}
	probe_get_stats(w.eng, &st);
	assert_int_equal(st.active, n - 10);
	assert_int_equal(st.synced, before);

	/* More changes than PROBE_DIRTY_MAX in one go: one full pass. */
	for (k = n; k < n + big; k++)
		add_numbered(w.inv, k);
	before = st.synced;
	spin(w.loop);
	probe_get_stats(w.eng, &st);
	assert_int_equal(st.active, n - 10 + big);
	assert_int_equal(st.synced - before, n - 10 + big);

	/*
	 * No record for a container without a check or a refusal; one for a
	 * refused check (the API shows why); none once its check is gone.
	 */
	{
		static const char *const bad[] = { "hale.check", "smtp" };
		unsigned		 had = HASH_COUNT(w.eng->checks);

		snprintf(id, sizeof(id), "%064x", n + big);
		assert_non_null(add_container_id(w.inv, id, "plain", 80, 1,
		    NULL, 0));
		spin(w.loop);
		assert_int_equal(HASH_COUNT(w.eng->checks), had);
		assert_null(probe_find_check(w.eng, id));
		assert_non_null(add_container_id(w.inv, id, "plain", 80, 1,
		    bad, 2));
		spin(w.loop);
		assert_int_equal(HASH_COUNT(w.eng->checks), had + 1);
		assert_non_null(probe_find_check(w.eng, id)->error);
		assert_non_null(add_container_id(w.inv, id, "plain", 80, 1,
		    NULL, 0));
		spin(w.loop);
		assert_null(probe_find_check(w.eng, id));
	}

	probe_engine_free(w.eng);
	curlev_free(w.cv);
	inventory_free(w.inv);
	ev_loop_destroy(w.loop);
	curl_global_cleanup();
}

/* ---- one HTTP probe at a time: redirects, timeouts, body ----------------- */

struct one {
	int			 done;
	struct probe_result	 r;
};

static void
one_done(void *arg, const struct probe_result *r)
{
	struct one	*o = arg;

	o->done++;
	o->r = *r;
}

static void
http_once(struct probe_env *env, struct server *srv, const char *path,
    const char *status, const char *body, uint64_t timeout_ms, struct one *o)
{
	struct checkspec	 s;
	struct probe_target	 t;
	struct probe_http	*p;
	struct docker_port	 port = { 80, "tcp", "127.0.0.1", srv->port };
	struct docker_inspect	 d;
	char			 err[256];
	double			 end = ev_time() + 5;

	memset(&d, 0, sizeof(d));
	d.ports = &port;
	d.nports = 1;
	checkspec_init(&s);
	s.kind = CHECKSPEC_HTTP;
	s.port = 80;
	s.target = CHECKSPEC_TARGET_HOST;
	s.path = S(path);
	s.method = S("GET");
	assert_int_equal(checkspec_status_parse(status, s.status,
	    CHECKSPEC_STATUS_MAX, &s.nstatus, err, sizeof(err)), 0);
	if (body != NULL) {
		s.body = S(body);
		s.body_regex = 1;
		assert_int_equal(checkspec_regex_compile(body, &s.re, err,
		    sizeof(err)), 0);
	}
	s.timeout_ms = timeout_ms;
	assert_int_equal(probe_target_resolve(&s, &d, 0, &t, err, sizeof(err)), 0);
	memset(o, 0, sizeof(*o));
	p = probe_http_start(env, &s, &t, one_done, o, err, sizeof(err));
	assert_non_null(p);
	while (!o->done && ev_time() < end)
		ev_run(env->loop, EVRUN_ONCE);
	assert_int_equal(o->done, 1);
	checkspec_regex_free(s.re);
}

/*
 * Every kind of answer, one probe after the other; with `pooled`, each
 * probe takes the easy handle the one before gave back, so nothing of a
 * probe (its redirect's URL, its timeout, its body) may reach the next.
 */
static void
http_probes(int pooled)
{
	struct probe_env	 env;
	struct server		 srv;
	struct one		 o;
	char			 err[256];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&env, 0, sizeof(env));
	env.loop = ev_loop_new(EVFLAG_AUTO);
	env.curlev = curlev_new(env.loop, err, sizeof(err));
	env.netns = netns_new("/proc", err, sizeof(err));
	env.body_max = 16;
	assert_non_null(env.curlev);
	assert_non_null(env.netns);
	if (pooled)
		assert_non_null(env.http_pool = probe_http_pool_new());
	server_start(&srv, env.loop, 1);

	/* Same-origin redirect: followed, the final answer counts. */
	http_once(&env, &srv, "/r", "200", NULL, 1000, &o);
	assert_int_equal(o.r.cls, PROBE_OK);
	assert_int_equal(o.r.http_status, 200);
	assert_int_equal(srv.served, 2);
	/* To another host: not followed; the 302 is judged as it is. */
	srv.served = 0;
	http_once(&env, &srv, "/x", "200", NULL, 1000, &o);
	assert_int_equal(o.r.cls, PROBE_STATUS);
	assert_int_equal(o.r.http_status, 302);
	assert_int_equal(srv.served, 1);
	http_once(&env, &srv, "/x", "200-399", NULL, 1000, &o);
	assert_int_equal(o.r.cls, PROBE_OK);
	/* A loop stops after PROBE_REDIRECTS_MAX hops. */
	srv.served = 0;
	http_once(&env, &srv, "/loop", "200", NULL, 2000, &o);
	assert_int_equal(o.r.cls, PROBE_STATUS);
	assert_int_equal(srv.served, PROBE_REDIRECTS_MAX + 1);
	/* No answer within the timeout. */
	http_once(&env, &srv, "/hang", "200", NULL, 200, &o);
	assert_int_equal(o.r.cls, PROBE_TIMEOUT);
	assert_true(o.r.duration >= 0.19 && o.r.duration < 2.0);
	/* The body: matched on at most body_max (16) bytes. */
	srv.body = "ok";
	http_once(&env, &srv, "/", "200", "^o[k]$", 1000, &o);
	assert_int_equal(o.r.cls, PROBE_OK);
	srv.body = "nope";
	http_once(&env, &srv, "/", "200", "^o[k]$", 1000, &o);
	assert_int_equal(o.r.cls, PROBE_BODY);
	srv.body = "0123456789abcdefREADY";
	http_once(&env, &srv, "/", "200", "READY", 1000, &o);
	assert_int_equal(o.r.cls, PROBE_BODY);
	srv.body = "0123456789READY-tail";
	http_once(&env, &srv, "/", "200", "READY", 1000, &o);
	assert_int_equal(o.r.cls, PROBE_OK);
	/* A regex that reaches its limits is a body that does not match. */
	srv.body = "aaaaaaaaaaaaaaa!";
	http_once(&env, &srv, "/", "200", "(a|a|a|a)+$", 1000, &o);
	assert_int_equal(o.r.cls, PROBE_BODY);
	assert_non_null(strstr(o.r.msg, "does not match: regex gave up"));
	/* After a redirect and a timeout: the plain answer again. */
	srv.served = 0;
	http_once(&env, &srv, "/r", "200", NULL, 1000, &o);
	assert_int_equal(o.r.cls, PROBE_OK);
	assert_int_equal(srv.served, 2);
	if (pooled)
		assert_int_equal(probe_http_pool_idle(env.http_pool), 1);

	server_stop(&srv);
	/* Let the hung connection's watcher go with its close. */
	ev_run(env.loop, EVRUN_NOWAIT);
	curlev_free(env.curlev);
	probe_http_pool_free(env.http_pool);
	netns_free(env.netns);
	ev_loop_destroy(env.loop);
	curl_global_cleanup();
}

static void
test_http_probe(void **state)
{
	(void)state;
	http_probes(0);
}

static void
test_http_probe_pooled(void **state)
{
	(void)state;
	http_probes(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_deterministic),
		cmocka_unit_test(test_jitter_bounds),
		cmocka_unit_test(test_slack_grid),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_align_no_drift),
		cmocka_unit_test(test_align_coalesces),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_target_resolve),
		cmocka_unit_test(test_http_probe),
		cmocka_unit_test(test_http_probe_pooled),
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_sync_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
