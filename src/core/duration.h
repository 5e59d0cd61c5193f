/* duration: "10s", "5m", "1h30m", "250ms" <-> milliseconds. Pure. */
#ifndef HALE_DURATION_H
#define HALE_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Go-style units ms, s, m, h, d; "0" alone is allowed. -1 on anything else. */
int	duration_parse(const char *, uint64_t *ms);
/* "1m30s"-style text of ms into dst. */
void	duration_format(uint64_t ms, char *dst, size_t dstlen);

#endif
