/*
 * checkspec_regex: the expect_body regular expression, with every cost
 * bounded. Patterns come from container labels (hostile), so compiling
 * and matching one must never take unbounded memory or time, whatever
 * its shape: PCRE2 with
 *	- a pattern of at most CHECKSPEC_PATTERN_MAX bytes and at most
 *	  RE_NEST_MAX nested parentheses;
 *	- all memory of a compile (the compiled code, the JIT's
 *	  bookkeeping) drawn from a budget of RE_COMPILE_MEM bytes, and of a
 *	  match from one of RE_MATCH_MEM bytes (PCRE2's own heap limit is
 *	  the same figure);
 *	- a match limit of RE_MATCH_STEPS backtracking steps and a depth
 *	  limit of RE_DEPTH_MAX (interpreter), a JIT stack of at most
 *	  RE_JIT_STACK_MAX bytes (JIT, used when the library has it).
 * A match that reaches a limit is not a match: it returns -1 with a
 * reason, and the probe reports the body as not matching.
 *
 * Syntax: PCRE2 in byte mode (no UTF, no Unicode properties), with
 * the POSIX ERE meanings users wrote before: `.` matches a newline too
 * and `$` matches only at the very end of the body. Refused: back-
 * references (they make matching exponential), \C.
 */
#ifndef HALE_CHECKSPEC_REGEX_H
#define HALE_CHECKSPEC_REGEX_H

#include <stddef.h>

#define RE_NEST_MAX		32		/* parentheses inside each other */
#define RE_COMPILE_MEM		(1024 * 1024)	/* bytes, compile and JIT */
#define RE_MATCH_MEM		(1024 * 1024)	/* bytes, one match */
#define RE_MATCH_STEPS		500000u	/* pcre2_set_match_limit */
#define RE_DEPTH_MAX		10000u		/* pcre2_set_depth_limit */
#define RE_JIT_STACK_MAX	(256 * 1024)	/* bytes */

struct checkspec_re;

/*
 * Compiles `pat` (NUL-terminated) into *out: 0, or -1 with the reason
 * in err ("missing closing parenthesis at offset 2", "back-references
 * are not allowed", "pattern needs more than ... of memory").
 */
int	checkspec_regex_compile(const char *pat, struct checkspec_re **out,
	    char *err, size_t errlen);
/*
 * 1 if `body` (len bytes, NULs and all) holds a match, 0 if not, -1 if
 * matching reached a limit (the reason in err).
 */
int	checkspec_regex_match(struct checkspec_re *, const char *body,
	    size_t len, char *err, size_t errlen);
/* 1 if matches use the JIT. */
int	checkspec_regex_jit(const struct checkspec_re *);
void	checkspec_regex_free(struct checkspec_re *);

#endif
