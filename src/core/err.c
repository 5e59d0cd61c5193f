#include "core/err.h"

#include <stdio.h>

int
err_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err != NULL && errlen > 0 && vsnprintf(err, errlen, fmt, ap) < 0)
		err[0] = '\0';
	return -1;
}

int
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err_vset(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
