/*
 * file: the one way to read a small file whole: cgroup and procfs files,
 * the config file, /proc/self/... Errors come back as errno, so each caller
 * decides whether "absent" is a value (a cgroup without that controller)
 * or a problem (a config file named on the command line).
 */
#ifndef HALE_FILE_H
#define HALE_FILE_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * A read that leaves at least this much room unfilled is the end of the
 * file. Regular files stop short only at the end; cgroupfs, procfs and
 * sysfs fill the buffer unless they run out of data (a seq_file stops
 * short only when its next record does not fit in the room left, and no
 * record of the files read is this long). It saves the second read()
 * that would return 0: half of a scrape's read calls.
 */
#define FILE_SHORT_IS_EOF	4096

/*
 * Never block on a path: a FIFO (or a terminal) where a file should be
 * opens at once with O_NONBLOCK, which changes nothing for a regular
 * file. Such a file is refused with FILE_ENOTREG, and one larger than the
 * cap with EFBIG after reading at most the cap, so a read costs no more
 * syscalls than before except an fstat when it comes back empty.
 */
#define FILE_OPEN_FLAGS		(O_RDONLY | O_CLOEXEC | O_NONBLOCK)
/* Not a regular file (Linux's "wrong medium type", never from a read). */
#define FILE_ENOTREG		EMEDIUMTYPE

/*
 * Opens `name` relative to dirfd (AT_FDCWD for a plain path) and reads it
 * whole into buf[0..cap - 1], NUL-terminated: 0, or -1 with errno (ENOENT
 * when absent, EFBIG when it does not fit).
 */
int	file_read_at(int dirfd, const char *name, char *buf, size_t cap,
	    size_t *len);
/*
 * Opens `name` relative to dirfd to be kept and read again with
 * file_pread: the fd, or -1 with errno (FILE_ENOTREG when it is not a
 * regular file; the one fstat is paid here, once, not on every read).
 */
int	file_open_kept(int dirfd, const char *name);
/*
 * Reads a kept descriptor whole from offset 0, as file_read_at reads a
 * path: cgroupfs, procfs and sysfs generate the contents again on a read
 * at offset 0, so the values are current. 0, or -1 with errno (ENODEV:
 * the cgroup of the file was removed).
 */
int	file_pread(int fd, char *buf, size_t cap, size_t *len);
/*
 * Appends the whole file to b, at most max bytes: 0, or -1 with errno
 * (EFBIG, ENOMEM, FILE_ENOTREG).
 */
int	file_read_buf(const char *path, size_t max, struct buf *b);
/* 1 for a regular file, else 0 with errno (FILE_ENOTREG when it is not). */
int	file_is_regular(int fd);
/* strerror, with the two refusals above named for an operator. */
const char *file_strerror(int e);

#endif
