/*
 * id: Docker's container ids, the one check of their syntax. An id is
 * exactly 64 lowercase hexadecimal digits; anything else from Docker, a
 * cgroup name or a URL is not one.
 */
#ifndef HALE_ID_H
#define HALE_ID_H

#include <stddef.h>

#define ID_LEN	64

/* 1 when s[0..len) is 64 lowercase hex digits, else 0. */
int	id_hex64(const char *s, size_t len);
/* The same for a NUL-terminated string (NULL is not an id). */
int	id_valid(const char *s);

#endif
