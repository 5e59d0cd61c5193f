/*
 * parse_scan: the lexing shared by the cgroup and /proc parsers (lines,
 * blank-separated tokens, spans of the input). Internal to the parse_*.c
 * files and procnet.c; static inline, because the parsers call these per byte or per
 * line and a call through another object file costs more than the work.
 *
 * The kernel writes its files with single spaces and a trailing newline;
 * runs of blanks and a missing final newline are accepted, since a
 * fixture or a truncated read may lack it.
 */
#ifndef HALE_CGROUP_PARSE_SCAN_H
#define HALE_CGROUP_PARSE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const char	*p;
	const char	*end;
};

/* A byte range of the input; never NUL-terminated. */
struct span {
	const char	*s;
	size_t		 n;
};



/* ' ', '\t' or '\r'; one compare settles every printable byte. */
#define BLANKS	((UINT64_C(1) << ' ') | (UINT64_C(1) << '\t') | \
		    (UINT64_C(1) << '\r'))

static inline int
is_blank(char c)
{
	unsigned char	u = (unsigned char)c;

	return u <= ' ' && ((UINT64_C(1) << u) & BLANKS) != 0;
}

/* Next line without its '\n'; 0 at the end of the input. */
static inline int
next_line(struct cursor *c, struct span *line)
{
	const char	*nl;

	if (c->p >= c->end)
		return 0;
	line->s = c->p;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (nl == NULL) {
		line->n = (size_t)(c->end - c->p);
		c->p = c->end;
	} else {
		line->n = (size_t)(nl - c->p);
		c->p = nl + 1;
	}
	return 1;
}

/* Splits the next blank-separated token off the front of `rest`. */
static inline int
next_token(struct span *rest, struct span *tok)
{
	const char	*p = rest->s, *end = rest->s + rest->n;

	while (p < end && is_blank(*p))
		p++;
	rest->s = p;
	rest->n = (size_t)(end - p);
	if (p == end)
		return 0;
	tok->s = p;
	while (p < end && !is_blank(*p))
		p++;
	tok->n = (size_t)(p - tok->s);
	rest->s = p;
	rest->n = (size_t)(end - p);
	return 1;
}

static inline int
span_eq(const struct span *sp, const char *lit)
{
	size_t	n = strlen(lit);

	return sp->n == n && memcmp(sp->s, lit, n) == 0;
}

static inline void
trim(struct span *sp)
{
	while (sp->n > 0 && (is_blank(sp->s[0]) || sp->s[0] == '\n')) {
		sp->s++;
		sp->n--;
	}
	while (sp->n > 0 && (is_blank(sp->s[sp->n - 1]) ||
	    sp->s[sp->n - 1] == '\n'))
		sp->n--;
}

#endif
