/* sdnotify: the notification datagrams systemd reads (see sdnotify.h). */
#include "daemon/sdnotify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/num.h"

int
sdnotify_parse_addr(const char *value, struct sockaddr_un *sa,
    socklen_t *len, char *err, size_t errlen)
{
	size_t	 n;

	if (value == NULL || *value == '\0')
		return err_set(err, errlen, "empty socket address");
	n = strlen(value);
	if (value[0] != '/' && value[0] != '@')
		return err_set(err, errlen, "\"%.64s\": not an absolute path "
		    "or an @abstract name (vsock: is not supported)", value);
	if (n > sizeof(sa->sun_path) || (value[0] == '/' &&
	    n == sizeof(sa->sun_path)) || (value[0] == '@' && n < 2))
		return err_set(err, errlen, "\"%.64s\": %s", value,
		    n < 2 ? "empty abstract name" : "name too long");
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, value, n);
	if (value[0] == '@')
		sa->sun_path[0] = '\0';
	/* A path counts its NUL; an abstract name is exactly its bytes. */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (value[0] == '/' ? 1 : 0));
	return 0;
}

int
sdnotify_open(struct sdnotify *n, const char *value, char *err,
    size_t errlen)
{
	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (value == NULL || *value == '\0')
		return 0;
	if (sdnotify_parse_addr(value, &n->addr, &n->addrlen, err,
	    errlen) == -1)
		return -1;
	snprintf(n->name, sizeof(n->name), "%s", value);
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (n->fd == -1)
		return err_set(err, errlen, "socket: %s", strerror(errno));
	return 0;
}

int
sdnotify_enabled(const struct sdnotify *n)
{
	return n->fd != -1;
}

int
sdnotify_send(struct sdnotify *n, const char *msg, char *err,
    size_t errlen)
{
	size_t	 len = strlen(msg);
	ssize_t	 w;

	if (n->fd == -1)
		return 0;
	do
		w = sendto(n->fd, msg, len, MSG_NOSIGNAL,
		    (const struct sockaddr *)&n->addr, n->addrlen);
	while (w == -1 && errno == EINTR);
	if (w == -1)
		return err_set(err, errlen, "%s: %s", n->name, strerror(errno));
	if ((size_t)w != len)
		return err_set(err, errlen, "%s: short send (%zd of %zu bytes)",
		    n->name, w, len);
	return 0;
}

void
sdnotify_close(struct sdnotify *n)
{
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}

int
sdnotify_watchdog_usec(const char *usec, const char *pid, pid_t self,
    uint64_t *out, char *err, size_t errlen)
{
	uint64_t	 v, p;

	*out = 0;
	if (usec == NULL || *usec == '\0')
		return 0;
	if (pid != NULL && *pid != '\0') {
		if (num_parse_u64(pid, strlen(pid), &p) == -1 || p == 0)
			return err_set(err, errlen,
			    "WATCHDOG_PID=\"%.32s\": not a process id", pid);
		if (p != (uint64_t)self)
			return 0;
	}
	if (num_parse_u64(usec, strlen(usec), &v) == -1 || v == 0)
		return err_set(err, errlen, "WATCHDOG_USEC=\"%.32s\": not a "
		    "positive number of microseconds", usec);
	*out = v;
	return 0;
}

/* out[from..n) cut short: the length without a trailing partial character. */
static size_t
utf8_whole(const char *out, size_t from, size_t n)
{
	size_t		 k = n, want;
	unsigned char	 lead;

	while (k > from && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == from || ((unsigned char)out[k - 1] & 0xc0) != 0xc0)
		return n;	/* ASCII last, or stray continuation bytes */
	lead = (unsigned char)out[k - 1];
	want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return n - (k - 1) < want ? k - 1 : n;
}

size_t
sdnotify_status(char *out, size_t outlen, const char *text)
{
	static const char	 key[] = "STATUS=";
	size_t			 n = 0;
	const unsigned char	*s;

	if (outlen == 0)
		return 0;
	for (s = (const unsigned char *)key; *s != '\0' && n + 1 < outlen; s++)
		out[n++] = (char)*s;
	for (s = (const unsigned char *)text; *s != '\0' && n + 1 < outlen;
	    s++)
		out[n++] = (*s < 0x20 || *s == 0x7f) ? ' ' : (char)*s;
	if (*s != '\0')
		n = utf8_whole(out, sizeof(key) - 1, n);
	out[n] = '\0';
	return n;
}

size_t
sdnotify_reloading(char *out, size_t outlen, uint64_t mono_usec)
{
	int	 n;

	n = snprintf(out, outlen, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)mono_usec);
	if (n < 0)
		return 0;
	return (size_t)n < outlen ? (size_t)n : (outlen > 0 ? outlen - 1 : 0);
}

uint64_t
sdnotify_monotonic_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
