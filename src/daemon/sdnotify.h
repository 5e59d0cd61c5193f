/*
 * sdnotify: systemd's service notification protocol (sd_notify(3))
 * without libsystemd. A notification is one datagram of newline-separated
 * KEY=VALUE lines sent to the AF_UNIX socket $NOTIFY_SOCKET names: a path
 * ("/run/systemd/notify") or, with a leading '@', a name in the abstract
 * namespace. The watchdog interval comes from $WATCHDOG_USEC.
 *
 *	sdnotify_open(getenv("NOTIFY_SOCKET"))	no variable: every send is a no-op
 *	sdnotify_send("READY=1\nSTATUS=...")	non-blocking, never raises SIGPIPE
 *	sdnotify_close()
 *
 * The formatting and parsing helpers are pure; only open/send/close touch
 * a socket. Errors go into the caller's buffer; what to do about them
 * (log once, carry on) is the caller's decision.
 */
#ifndef HALE_SDNOTIFY_H
#define HALE_SDNOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

struct sdnotify {
	int			 fd;		/* -1: no notify socket */
	struct sockaddr_un	 addr;
	socklen_t		 addrlen;
	char			 name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
};

/*
 * A $NOTIFY_SOCKET value as an address: "/path" or "@abstract". The
 * length counts only the name's bytes (an abstract name is not NUL
 * terminated: a longer length names a different socket). 0, or -1 with a
 * message for an empty, relative, unsupported ("vsock:") or over-long
 * value.
 */
int	sdnotify_parse_addr(const char *value, struct sockaddr_un *sa,
	    socklen_t *len, char *err, size_t errlen);

/*
 * Opens a non-blocking, close-on-exec datagram socket for `value` (the
 * value of $NOTIFY_SOCKET). NULL or "" is not an error: n->fd stays -1 and
 * sends do nothing. -1 with a message for a bad address or no socket.
 */
int	sdnotify_open(struct sdnotify *n, const char *value, char *err,
	    size_t errlen);
int	sdnotify_enabled(const struct sdnotify *n);
/* Sends `msg` as one datagram. 0 (also when disabled), or -1 with a message. */
int	sdnotify_send(struct sdnotify *n, const char *msg, char *err,
	    size_t errlen);
void	sdnotify_close(struct sdnotify *n);

/*
 * The watchdog interval in microseconds from $WATCHDOG_USEC and
 * $WATCHDOG_PID: *usec = 0 when the variable is unset or empty, or when
 * WATCHDOG_PID names another process (the variables were meant for a
 * parent). -1 with a message for a value that is not a positive number.
 * Ping at half of it, as sd_watchdog_enabled(3) recommends.
 */
int	sdnotify_watchdog_usec(const char *usec, const char *pid, pid_t self,
	    uint64_t *out, char *err, size_t errlen);

/*
 * "STATUS=<text>" into out: one line, as systemd shows it, so every
 * control byte (CR, LF, tab...) becomes a space; cut to fit. Returns the
 * length written.
 */
size_t	sdnotify_status(char *out, size_t outlen, const char *text);
/*
 * "RELOADING=1\nMONOTONIC_USEC=<usec>": systemd 253 and later want the
 * CLOCK_MONOTONIC time of the reload's start with it. Returns the length.
 */
size_t	sdnotify_reloading(char *out, size_t outlen, uint64_t mono_usec);
/* CLOCK_MONOTONIC in microseconds, as MONOTONIC_USEC= wants it. */
uint64_t sdnotify_monotonic_usec(void);

#endif
