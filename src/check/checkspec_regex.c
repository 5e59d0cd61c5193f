/* checkspec_regex: expect_body patterns through PCRE2, bounded (see the header). */
#include "check/checkspec_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkspec.h"
#include "core/err.h"

#define RE_JIT_STACK_START	(32 * 1024)

/*
 * Every allocation PCRE2 makes for one pattern goes through this
 * budget: `used` grows with each allocation (frees do not give it
 * back, so it bounds the sum, hence the peak) and is reset to 0 with
 * `cap` at the start of a compile and of each match.
 */
struct re_mem {
	size_t	 used, cap;
};

struct checkspec_re {
	struct re_mem		 mem;
	pcre2_general_context	*gctx;
	pcre2_match_context	*mctx;
	pcre2_code		*code;
	int			 jit;
};

static void *
re_malloc(PCRE2_SIZE n, void *data)
{
	struct re_mem	*m = data;

	if (n > m->cap - m->used)
		return NULL;
	m->used += n;
	return malloc(n);
}

static void
re_free(void *p, void *data)
{
	(void)data;
	free(p);
}

static void
re_arm(struct checkspec_re *re, size_t cap)
{
	re->mem.used = 0;
	re->mem.cap = cap;
}

void
checkspec_regex_free(struct checkspec_re *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	pcre2_general_context_free(re->gctx);
	free(re);
}

int
checkspec_regex_jit(const struct checkspec_re *re)
{
	return re->jit;
}

int
checkspec_regex_compile(const char *pat, struct checkspec_re **out,
    char *err, size_t errlen)
{
	/*
	 * POSIX ERE meanings: `.` takes newlines, `$` only the very end.
	 * Only "does it match" is asked: plain groups capture nothing,
	 * which keeps the interpreter's backtracking frames small.
	 */
	const uint32_t		 opts = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_NO_AUTO_CAPTURE |
	    PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C;
	struct checkspec_re	*re;
	pcre2_compile_context	*cctx = NULL;
	PCRE2_UCHAR		 msg[120];
	PCRE2_SIZE		 off;
	uint32_t		 backrefs = 0, jit = 0;
	size_t			 len = strlen(pat);
	int			 ec;

	*out = NULL;
	if (len == 0 || len > CHECKSPEC_PATTERN_MAX)
		return err_set(err, errlen, "a pattern is 1 to %d bytes",
		    CHECKSPEC_PATTERN_MAX);
	if ((re = calloc(1, sizeof(*re))) == NULL)
		return err_set(err, errlen, "out of memory");
	re_arm(re, RE_COMPILE_MEM);
	if ((re->gctx = pcre2_general_context_create(re_malloc, re_free,
	    &re->mem)) == NULL ||
	    (cctx = pcre2_compile_context_create(re->gctx)) == NULL ||
	    (re->mctx = pcre2_match_context_create(re->gctx)) == NULL) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	pcre2_set_max_pattern_length(cctx, CHECKSPEC_PATTERN_MAX);
	pcre2_set_parens_nest_limit(cctx, RE_NEST_MAX);
	pcre2_set_match_limit(re->mctx, RE_MATCH_STEPS);
	pcre2_set_depth_limit(re->mctx, RE_DEPTH_MAX);
	pcre2_set_heap_limit(re->mctx, RE_MATCH_MEM / 1024);
	re->code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &ec, &off, cctx);
	pcre2_compile_context_free(cctx);
	cctx = NULL;
	if (re->code == NULL) {
		if (ec == PCRE2_ERROR_HEAP_FAILED) {
			err_set(err, errlen, "pattern needs more than %d KiB "
			    "of memory", RE_COMPILE_MEM / 1024);
			goto fail;
		}
		/* \1 names a group that, not capturing, does not exist. */
		if (ec == PCRE2_ERROR_BAD_SUBPATTERN_REFERENCE) {
			err_set(err, errlen, "back-references are not allowed");
			goto fail;
		}
		pcre2_get_error_message(ec, msg, sizeof(msg));
		err_set(err, errlen, "%s at offset %zu", (const char *)msg,
		    (size_t)off);
		goto fail;
	}
	pcre2_pattern_info(re->code, PCRE2_INFO_BACKREFMAX, &backrefs);
	if (backrefs > 0) {
		err_set(err, errlen, "back-references are not allowed");
		goto fail;
	}
	/* No JIT (or no memory for it) only costs speed: the interpreter runs. */
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	re->jit = jit && pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	*out = re;
	return 0;
fail:
	pcre2_compile_context_free(cctx);
	checkspec_regex_free(re);
	return -1;
}

int
checkspec_regex_match(struct checkspec_re *re, const char *body, size_t len,
    char *err, size_t errlen)
{
	pcre2_match_data	*md;
	pcre2_jit_stack		*js = NULL;
	PCRE2_UCHAR		 msg[120];
	int			 rc;

	re_arm(re, RE_MATCH_MEM);
	if ((md = pcre2_match_data_create(1, re->gctx)) == NULL)
		return err_set(err, errlen, "regex: out of memory");
	if (re->jit) {
		/* The stack is mapped, not malloc'd: outside the budget. */
		if ((js = pcre2_jit_stack_create(RE_JIT_STACK_START,
		    RE_JIT_STACK_MAX, re->gctx)) == NULL) {
			pcre2_match_data_free(md);
			return err_set(err, errlen, "regex: out of memory");
		}
		pcre2_jit_stack_assign(re->mctx, NULL, js);
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)(body != NULL ? body : ""), len,
	    0, 0, md, re->mctx);
	if (js != NULL) {
		pcre2_jit_stack_assign(re->mctx, NULL, NULL);
		pcre2_jit_stack_free(js);
	}
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		return err_set(err, errlen, "regex gave up: more than %u "
		    "backtracking steps", RE_MATCH_STEPS);
	case PCRE2_ERROR_DEPTHLIMIT:
		return err_set(err, errlen, "regex gave up: nested deeper "
		    "than %u", RE_DEPTH_MAX);
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_NOMEMORY:
		return err_set(err, errlen, "regex gave up: needs more than "
		    "%d KiB", RE_MATCH_MEM / 1024);
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return err_set(err, errlen, "regex gave up: needs more than "
		    "%d KiB of JIT stack", RE_JIT_STACK_MAX / 1024);
	default:
		pcre2_get_error_message(rc, msg, sizeof(msg));
		return err_set(err, errlen, "regex gave up: %s",
		    (const char *)msg);
	}
}
