/*
 * selfstat: the standard process_* metrics of the daemon itself, read from
 * /proc/self the way client_golang's process collector does.
 */
#ifndef HALE_SELFSTAT_H
#define HALE_SELFSTAT_H

#include <stdint.h>

#include "core/metrics.h"

struct selfstat {
	double		 cpu_seconds;
	uint64_t	 resident_bytes;
	uint64_t	 virtual_bytes;
	double		 start_time;
	uint64_t	 open_fds;
	uint64_t	 max_fds;
	unsigned	 have;		/* SELFSTAT_* bits of the values read */
};

#define SELFSTAT_STAT	0x1
#define SELFSTAT_FDS	0x2
#define SELFSTAT_LIMITS	0x4

/* Reads /proc/self through `procfs`; fills what it can. */
void	selfstat_read(const char *procfs, struct selfstat *);
void	selfstat_write(const struct selfstat *, struct metrics_writer *);

#endif
