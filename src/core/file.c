#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Only an empty read pays for this fstat: a FIFO without a writer and
 * /dev/null read as empty, and cgroupfs, procfs and sysfs files are
 * regular files. A FIFO with a writer fails its read with EAGAIN.
 */
int
file_is_regular(int fd)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1)
		return 0;
	if (!S_ISREG(st.st_mode)) {
		errno = FILE_ENOTREG;
		return 0;
	}
	return 1;
}

/*
 * Reads fd to its end into buf[0..cap): 0, or -1 with errno (EFBIG when
 * larger). `at0` reads with pread from offset 0 instead of the file
 * position, so a kept descriptor reads the contents afresh.
 */
static ssize_t
read_some(int fd, char *buf, size_t n, size_t off, int at0)
{
	return at0 ? pread(fd, buf, n, (off_t)off) : read(fd, buf, n);
}

static int
read_fd(int fd, char *buf, size_t cap, size_t *len, int at0)
{
	ssize_t	r;
	size_t	n = 0;

	for (;;) {
		if (n == cap) {
			/* Full: one more byte tells "exactly cap" from "more". */
			char	c;

			r = read_some(fd, &c, 1, n, at0);
			if (r == 0)
				break;
			if (r > 0)
				errno = EFBIG;
			return -1;
		}
		r = read_some(fd, buf + n, cap - n, n, at0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == ESPIPE))
			errno = FILE_ENOTREG;	/* a FIFO or a device */
		if (r == -1)
			return -1;
		if (r == 0 && n == 0 && !file_is_regular(fd))
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (cap - n >= FILE_SHORT_IS_EOF)
			break;
	}
	*len = n;
	return 0;
}

int
file_read_at(int dirfd, const char *name, char *buf, size_t cap, size_t *len)
{
	int	 fd, rc, saved;

	if (cap == 0) {
		errno = EFBIG;
		return -1;
	}
	if ((fd = openat(dirfd, name, FILE_OPEN_FLAGS)) == -1)
		return -1;
	rc = read_fd(fd, buf, cap - 1, len, 0);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0)
		buf[*len] = '\0';
	return rc;
}

int
file_open_kept(int dirfd, const char *name)
{
	int	fd, saved;

	if ((fd = openat(dirfd, name, FILE_OPEN_FLAGS)) == -1)
		return -1;
	if (file_is_regular(fd))
		return fd;
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
file_pread(int fd, char *buf, size_t cap, size_t *len)
{
	if (cap == 0) {
		errno = EFBIG;
		return -1;
	}
	if (read_fd(fd, buf, cap - 1, len, 1) == -1)
		return -1;
	buf[*len] = '\0';
	return 0;
}

int
file_read_buf(const char *path, size_t max, struct buf *b)
{
	char	 chunk[8192];
	size_t	 start = b->len;
	ssize_t	 r;
	int	 fd, saved = 0;

	if ((fd = open(path, FILE_OPEN_FLAGS)) == -1)
		return -1;
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			errno = FILE_ENOTREG;
		if (r == 0 && b->len == start && !file_is_regular(fd)) {
			saved = errno;
			break;
		}
		if (r <= 0) {
			saved = r == -1 ? errno : 0;
			break;
		}
		if (b->len - start + (size_t)r > max) {
			saved = EFBIG;
			break;
		}
		buf_append(b, chunk, (size_t)r);
		if (b->oom) {
			saved = ENOMEM;
			break;
		}
	}
	close(fd);
	errno = saved;
	return saved == 0 ? 0 : -1;
}

const char *
file_strerror(int e)
{
	if (e == FILE_ENOTREG)
		return "not a regular file";
	if (e == EFBIG)
		return "file too large";
	return strerror(e);
}
