/*
 * err: the one way a function reports what went wrong. Callers pass a
 * buffer (`char *err, size_t errlen`); the callee formats into it and
 * returns -1, so a failure reads `return err_set(err, errlen, "...", ...)`.
 * Only main.c decides what a failure means (log, exit, count).
 */
#ifndef HALE_ERR_H
#define HALE_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into err[0..errlen) when err is not NULL; always returns -1. */
int	err_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	err_vset(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
