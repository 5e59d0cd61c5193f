/*
 * fuzz: what every libFuzzer harness shares. A harness gets arbitrary
 * bytes; the parsers under test take a (buffer, length) pair that is not
 * NUL-terminated, or a C string: fuzz_str() makes the string (cut at the
 * first NUL, as the daemon's callers cut it). FUZZ_CHECK aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef HALE_FUZZ_H
#define HALE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* A heap copy of data[0..len) with a NUL after it (exact size, so ASan sees overreads). */
static inline char *
fuzz_str(const uint8_t *data, size_t len)
{
	char	*s = malloc(len + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* An exact-size heap copy without a NUL, for the (buf, len) parsers. */
static inline char *
fuzz_bytes(const uint8_t *data, size_t len)
{
	char	*s = malloc(len > 0 ? len : 1);

	if (s == NULL)
		abort();
	if (len > 0)
		memcpy(s, data, len);
	return s;
}

#endif
