#include "core/quote.h"

#include <stdio.h>
#include <string.h>

void
quote_value(const char *s, char *dst, size_t dstlen)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 o = 0, i;

	if (dstlen < 8) {
		if (dstlen > 0)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	for (i = 0; s[i] != '\0' && i < QUOTE_SHOW && o + 8 < dstlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		} else
			dst[o++] = (char)c;
	}
	if (s[i] != '\0') {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}
