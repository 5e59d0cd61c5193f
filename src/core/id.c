#include "core/id.h"

#include <string.h>

int
id_hex64(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || len != ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
id_valid(const char *s)
{
	return s != NULL && id_hex64(s, strnlen(s, ID_LEN + 1));
}
