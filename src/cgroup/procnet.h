/*
 * procnet: pure parser of /proc/<pid>/net/dev.
 *
 * Mirrors cAdvisor's scanInterfaceStats: two header lines are skipped,
 * every other line must be "name: " followed by exactly 16 counters or the
 * whole file is rejected, and interfaces whose lower-cased name starts
 * with lo, veth, docker or nerdctl are left out (loopback and the host
 * side of bridge pairs, which would count traffic twice).
 */
#ifndef HALE_PROCNET_H
#define HALE_PROCNET_H

#include <stddef.h>
#include <stdint.h>

#define PROCNET_MAX_IFACES	32
#define PROCNET_NAME_MAX	16	/* IFNAMSIZ, with the NUL */

struct procnet_iface {
	char		name[PROCNET_NAME_MAX];
	uint64_t	rx_bytes;
	uint64_t	rx_packets;
	uint64_t	rx_errors;
	uint64_t	rx_dropped;
	uint64_t	tx_bytes;
	uint64_t	tx_packets;
	uint64_t	tx_errors;
	uint64_t	tx_dropped;
};

/*
 * Fills out[0..*n) with at most `cap` kept interfaces; the rest of the file
 * is still validated. Returns -1 with a message on a malformed file.
 */
int	procnet_parse(const char *buf, size_t len, struct procnet_iface *out,
	    size_t cap, size_t *n, char *err, size_t errlen);
/* 1 if cAdvisor ignores this interface name. */
int	procnet_ignored(const char *name);

#endif
