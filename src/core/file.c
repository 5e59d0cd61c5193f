#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Reads fd to its end into buf[0..cap): 0, or -1 with errno (EFBIG when larger). */
static int
read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t	r;
	size_t	n = 0;

	for (;;) {
		if (n == cap) {
			/* Full: one more byte tells "exactly cap" from "more". */
			char	c;

			r = read(fd, &c, 1);
			if (r == 0)
				break;
			if (r > 0)
				errno = EFBIG;
			return -1;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
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
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = read_fd(fd, buf, cap - 1, len);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0)
		buf[*len] = '\0';
	return rc;
}

int
file_read_buf(const char *path, size_t max, struct buf *b)
{
	char	 chunk[8192];
	size_t	 start = b->len;
	ssize_t	 r;
	int	 fd, saved = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
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
