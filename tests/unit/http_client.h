/*
 * http_client: an HTTP client for the unit tests of the HTTP server, run
 * in a forked child with plain blocking sockets while the parent runs
 * the libev loop (and so the server under test):
 *
 *	parent: hc_run: fork --> ev_run (the server answers on this loop)
 *	          ev_io(pipe) --> collect --> EOF: ev_break --> waitpid
 *	child:  fn(port, out): hc_dial, hc_send, hc_relay --> write(out)
 *	          --> _exit
 */
#ifndef HALE_TEST_HTTP_CLIENT_H
#define HALE_TEST_HTTP_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include <ev.h>

#define HC_TIMEOUT	10.0	/* seconds before a client run fails the test */

/* Runs in the child: talks to 127.0.0.1:port, writes what it saw to out. */
typedef void	hc_client_fn(int port, int out);

/*
 * Forks fn and runs the loop until the child closes its end; returns
 * what it wrote, NUL-terminated (caller frees), its length in *len when
 * len is not NULL. With stop_after > 0 the loop stops once that many
 * bytes came and the child is left running: *pid and *rd name it and
 * the pipe, for the caller to close and reap.
 */
char	*hc_run(struct ev_loop *, int port, hc_client_fn *fn, int stop_after,
	    pid_t *pid, int *rd, size_t *len);
/* hc_run with a child that sends `request` and relays the whole answer. */
char	*hc_request(struct ev_loop *, int port, const char *request,
	    size_t *len);
/* A port free on loopback right now. */
int	 hc_free_port(void);

/* ---- for the child ---- */
/* A blocking connection to 127.0.0.1:port, 5 s receive timeout; -1 if refused. */
int	 hc_dial(int port);
/* The same from a given loopback source address ("127.0.0.2"). */
int	 hc_dial_from(int port, const char *src);
void	 hc_send(int fd, const char *);
void	 hc_write(int out, const char *, size_t);
/* Copies what the server sends until it closes (or 5 s of silence). */
void	 hc_relay(int fd, int out);
/* Copies one response, as far as its Content-Length says. */
void	 hc_relay_one(int fd, int out);
/* Connects, sends `request`, relays the answer ("CONNECT FAILED" if refused). */
void	 hc_exchange(int port, int out, const char *request);

/* ---- for the checks ---- */
/* The body after the header block ("" without one). */
const char *hc_body(const char *response);
/* Decodes a chunked body of `len` bytes; -1 if the last chunk never came. */
int	 hc_dechunk_n(const char *p, size_t len, char *out, size_t cap,
	    size_t *outlen);
/* The same for a NUL-terminated text body. */
int	 hc_dechunk(const char *p, char *out, size_t cap);

#endif
