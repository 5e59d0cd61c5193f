/*
 * html: the escape of every outside value on the status page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/html.h"

static char *
esc(struct buf *b, const char *s)
{
	buf_reset(b);
	html_escape(b, s);
	buf_putc(b, '\0');
	return b->data;
}

static char *
esc_max(struct buf *b, const char *s, size_t max)
{
	buf_reset(b);
	html_escape_max(b, s, max);
	buf_putc(b, '\0');
	return b->data;
}

static void
test_html_specials(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	assert_string_equal(esc(&b, "plain text"), "plain text");
	assert_string_equal(esc(&b, ""), "");
	assert_string_equal(esc(&b, "a&b<c>d\"e'f"),
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	assert_string_equal(esc(&b, "<script>alert('x')</script>"),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_string_equal(esc(&b, "\" onmouseover=\"x"),
	    "&quot; onmouseover=&quot;x");
	assert_string_equal(esc(&b, "&amp;"), "&amp;amp;");
	buf_reset(&b);
	html_escape(&b, NULL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_html_utf8(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	/* Well-formed text stays as it is. */
	assert_string_equal(esc(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3");
	/* A stray continuation, a truncated sequence, an overlong '<'. */
	assert_string_equal(esc(&b, "a\x80z"), "a\xef\xbf\xbdz");
	assert_string_equal(esc(&b, "a\xe2\x82<"), "a\xef\xbf\xbd&lt;");
	assert_string_equal(esc(&b, "\xc0\xbc"), "\xef\xbf\xbd\xef\xbf\xbd");
	/* A surrogate and a byte past U+10FFFF. */
	assert_string_equal(esc(&b, "\xed\xa0\x80"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(esc(&b, "\xf5x"), "\xef\xbf\xbdx");
	buf_reset(&b);
	html_escape_n(&b, "<\0>", 3);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "&lt;\0&gt;", 9);
	buf_free(&b);
}

static void
test_html_max(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	assert_string_equal(esc_max(&b, "abc", 3), "abc");
	assert_string_equal(esc_max(&b, "abcd", 3), "abc\xe2\x80\xa6");
	assert_string_equal(esc_max(&b, "<<<<", 2), "&lt;&lt;\xe2\x80\xa6");
	/* The cut never splits a sequence: the euro sign is left out whole. */
	assert_string_equal(esc_max(&b, "ab\xe2\x82\xac", 3), "ab\xe2\x80\xa6");
	assert_string_equal(esc_max(&b, "ab\xe2\x82\xac", 4), "ab\xe2\x80\xa6");
	assert_string_equal(esc_max(&b, "ab\xe2\x82\xacz", 5),
	    "ab\xe2\x82\xac\xe2\x80\xa6");
	assert_string_equal(esc_max(&b, "ab\xe2\x82\xac", 5), "ab\xe2\x82\xac");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_specials),
		cmocka_unit_test(test_html_utf8),
		cmocka_unit_test(test_html_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
