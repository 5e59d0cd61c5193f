/*
 * log: the line writer. Hostile values (quotes, '=', newlines, control
 * bytes, huge strings) can neither forge a field nor break a JSON line;
 * values are cut at 512 bytes, lines at 4 KiB; journald gets <N>
 * priorities; the level filters before anything is formatted. Lines
 * written by log_emit are read back from a file put in place of stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/log.h"

#define LINE_MAX_	4096

static char	 line[LINE_MAX_];

static const char *
fmt_line(enum log_level lvl, const char *msg, const struct log_kv *kv,
    unsigned n)
{
	log_format_line(line, sizeof(line), lvl, msg, kv, n);
	return line;
}

/* What follows "ts=<timestamp> " (logfmt) after checking the timestamp. */
static const char *
after_ts(const char *l)
{
	regex_t		 re;
	regmatch_t	 m;

	assert_int_equal(regcomp(&re, "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T"
	    "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z ", REG_EXTENDED), 0);
	if (regexec(&re, l, 1, &m, 0) != 0)
		fail_msg("no RFC 3339 millisecond timestamp: %s", l);
	regfree(&re);
	return l + m.rm_eo;
}

static void
test_logfmt_plain(void **state)
{
	struct log_kv	 kv[] = { LOG_S("name", "web-1"), LOG_I("streak", -3),
	    LOG_U("bytes", 18446744073709551615ULL), LOG_F("ratio", 0.25) };

	(void)state;
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	assert_string_equal(after_ts(fmt_line(LOG_LEVEL_INFO, "container unhealthy",
	    kv, 4)), "level=info msg=\"container unhealthy\" name=web-1 "
	    "streak=-3 bytes=18446744073709551615 ratio=0.25\n");
	assert_string_equal(after_ts(fmt_line(LOG_LEVEL_WARN, "ok", NULL, 0)),
	    "level=warn msg=ok\n");
}

/* A value can't add a field or a line: anything but a plain word is quoted and escaped. */
static void
test_logfmt_hostile(void **state)
{
	struct log_kv	 kv[] = {
		LOG_S("a", "x level=error msg=forged"),
		LOG_S("b", "line1\nline2\tend"),
		LOG_S("c", "say \"hi\" \\ bye"),
		LOG_S("d", ""),
		LOG_S("e", NULL),
		LOG_S("f", "bell\x07" "del\x7f"),
		LOG_S("g", "k=v"),
	};

	(void)state;
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	assert_string_equal(after_ts(fmt_line(LOG_LEVEL_ERROR, "m", kv, 7)),
	    "level=error msg=m a=\"x level=error msg=forged\" "
	    "b=\"line1\\nline2\\tend\" c=\"say \\\"hi\\\" \\\\ bye\" d=\"\" "
	    "e=\"\" f=\"bell\\u0007del\\u007f\" g=\"k=v\"\n");
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
}

/* Raw bytes from outside reach the log as well-formed UTF-8 in both formats. */
static void
test_invalid_utf8(void **state)
{
	struct log_kv	 kv[] = { LOG_S("iface", "\xff\xfe" "x\xc3\xa9\xc3") };
	cJSON		*o;

	(void)state;
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	assert_string_equal(after_ts(fmt_line(LOG_LEVEL_INFO, "m", kv, 1)),
	    "level=info msg=m iface=\xef\xbf\xbd\xef\xbf\xbd" "x\xc3\xa9"
	    "\xef\xbf\xbd\n");
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON, 0);
	fmt_line(LOG_LEVEL_INFO, "m", kv, 1);
	assert_non_null(o = cJSON_Parse(line));
	assert_string_equal(cJSON_GetObjectItem(o, "iface")->valuestring,
	    "\xef\xbf\xbd\xef\xbf\xbd" "x\xc3\xa9\xef\xbf\xbd");
	cJSON_Delete(o);
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
}

static void
test_json_lines_parse(void **state)
{
	struct log_kv	 kv[] = {
		LOG_S("label", "\"},\"level\":\"error"),
		LOG_S("ctl", "\x01\x1f\n\r\t"),
		LOG_I("n", 42),
		LOG_F("f", 1.5),
	};
	cJSON		*o;

	(void)state;
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON, 0);
	fmt_line(LOG_LEVEL_DEBUG, "say \"x\"", kv, 4);
	assert_int_equal(strncmp(line, "{\"ts\":\"", 7), 0);
	assert_non_null(o = cJSON_Parse(line));
	assert_string_equal(cJSON_GetObjectItem(o, "level")->valuestring, "debug");
	assert_string_equal(cJSON_GetObjectItem(o, "msg")->valuestring, "say \"x\"");
	assert_string_equal(cJSON_GetObjectItem(o, "label")->valuestring,
	    "\"},\"level\":\"error");
	assert_string_equal(cJSON_GetObjectItem(o, "ctl")->valuestring,
	    "\x01\x1f\n\r\t");
	assert_int_equal(cJSON_GetObjectItem(o, "n")->valueint, 42);
	assert_true(cJSON_GetObjectItem(o, "f")->valuedouble == 1.5);
	assert_int_equal(cJSON_GetArraySize(o), 7);
	cJSON_Delete(o);
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
}

/* A value is cut at 512 bytes of input and marked; escapes don't count twice. */
static void
test_value_cut(void **state)
{
	char		 big[2000], want[600];
	struct log_kv	 kv[1];
	const char	*v;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	kv[0] = LOG_S("v", big);
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	v = strstr(after_ts(fmt_line(LOG_LEVEL_INFO, "m", kv, 1)), "v=");
	assert_non_null(v);
	memset(want, 'a', 512);
	memcpy(want + 512, "...\n", 5);
	assert_string_equal(v + 2, want);
	/* 511 plain bytes and a quote: the quote is the 512th, escaped whole. */
	big[511] = '"';
	v = strstr(fmt_line(LOG_LEVEL_INFO, "m", kv, 1), " v=\"");
	assert_non_null(v);
	assert_non_null(strstr(v, "a\\\"...\"\n"));
	/* Exactly 512 bytes: nothing is cut. */
	memset(big, 'b', 512);
	big[512] = '\0';
	v = strstr(fmt_line(LOG_LEVEL_INFO, "m", kv, 1), " v=");
	assert_int_equal(strlen(v), 3 + 512 + 1);
}

/* Many big values: the line stops at 4 KiB, still one line, JSON still closed. */
static void
test_line_cut(void **state)
{
	char		 big[600];
	struct log_kv	 kv[12];
	unsigned	 i, len;

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 12; i++)
		kv[i] = LOG_S("k", big);
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	len = log_format_line(line, sizeof(line), LOG_LEVEL_INFO, "m", kv, 12);
	assert_int_equal(len, sizeof(line) - 1);
	assert_int_equal(strlen(line), len);
	assert_int_equal(line[len - 1], '\n');
	assert_ptr_equal(strchr(line, '\n'), line + len - 1);
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON, 0);
	len = log_format_line(line, sizeof(line), LOG_LEVEL_INFO, "m", kv, 12);
	assert_true(len <= sizeof(line) - 1);
	assert_string_equal(line + len - 2, "}\n");
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
}

static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 k;

	while (*p != '\0') {
		k = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (k < 0)
			return 0;
		for (p++; k > 0; k--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/*
 * A JSON line cut at the limit is still one valid JSON object: the cut
 * value keeps whole escapes and whole UTF-8 characters, its quote and the
 * brace are closed, and "truncated":true says so. Every cut point is tried.
 */
static void
test_json_cut_valid(void **state)
{
	char		 esc[600], utf[600], out[LINE_MAX_];
	struct log_kv	 kv[8];
	unsigned	 i, cap, len;
	cJSON		*o, *t;

	(void)state;
	for (i = 0; i + 1 < sizeof(esc); i++)
		esc[i] = (char)(i % 3 == 0 ? 0x01 : i % 3 == 1 ? '"' : 'x');
	esc[sizeof(esc) - 1] = '\0';
	/* U+00E9 (two bytes) after one: the 512-byte value cut falls inside one */
	utf[0] = 'a';
	for (i = 1; i + 2 < sizeof(utf); i += 2)
		memcpy(utf + i, "\xc3\xa9", 2);
	utf[i] = '\0';
	for (i = 0; i < 8; i++)
		kv[i] = i % 3 == 2 ? LOG_U("n", 1234567890123ULL) :
		    LOG_S(i % 2 ? "esc" : "utf", i % 2 ? esc : utf);
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON, 1);
	for (cap = 96; cap <= sizeof(out); cap++) {
		len = log_format_line(out, cap, LOG_LEVEL_INFO, "m", kv, 8);
		assert_true(len <= cap - 1);
		assert_int_equal(out[len - 1], '\n');
		/* After "<6>"; nothing may follow the object. */
		if ((o = cJSON_ParseWithOpts(out + 3, NULL, 1)) == NULL ||
		    !utf8_valid(out))
			fail_msg("cap %u: invalid JSON: %s", cap, out);
		t = cJSON_GetObjectItem(o, "truncated");
		if (!cJSON_IsTrue(t))
			fail_msg("cap %u: not marked: %s", cap, out);
		if (cap > 128)
			assert_non_null(cJSON_GetObjectItem(o, "msg"));
		cJSON_Delete(o);
	}
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
}

/* Under journald each line starts with its syslog priority. */
static void
test_journal_priorities(void **state)
{
	static const struct {
		enum log_level	 lvl;
		const char	*prefix;
	} want[] = {
		{ LOG_LEVEL_DEBUG, "<7>ts=" },
		{ LOG_LEVEL_INFO, "<6>ts=" },
		{ LOG_LEVEL_WARN, "<4>ts=" },
		{ LOG_LEVEL_ERROR, "<3>ts=" },
	};
	size_t	 i;

	(void)state;
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 1);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		fmt_line(want[i].lvl, "m", NULL, 0);
		assert_int_equal(strncmp(line, want[i].prefix,
		    strlen(want[i].prefix)), 0);
	}
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_JSON, 1);
	fmt_line(LOG_LEVEL_WARN, "m", NULL, 0);
	assert_int_equal(strncmp(line, "<4>{\"ts\":", 9), 0);
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
	fmt_line(LOG_LEVEL_WARN, "m", NULL, 0);
	assert_int_equal(strncmp(line, "ts=", 3), 0);
}

static int	evaluated;

static const char *
count_eval(void)
{
	evaluated++;
	return "v";
}

/* Reads back what the log macros wrote to stderr. */
static char *
captured(void (*fn)(void))
{
	static char	 out[8192];
	FILE		*tmp = tmpfile();
	int		 saved = dup(STDERR_FILENO);
	size_t		 n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(tmp), STDERR_FILENO), STDERR_FILENO);
	fn();
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static void
emit_all_levels(void)
{
	log_debug("d", LOG_S("k", count_eval()));
	log_info("i", LOG_S("k", count_eval()));
	log_warn("w");
	log_error("e", LOG_U("n", 1));
}

static void
test_levels_filter(void **state)
{
	const char	*out;

	(void)state;
	evaluated = 0;
	log_setup(LOG_LEVEL_WARN, LOG_FORMAT_LOGFMT, 0);
	out = captured(emit_all_levels);
	assert_null(strstr(out, "level=debug"));
	assert_null(strstr(out, "level=info"));
	assert_non_null(strstr(out, "level=warn msg=w\n"));
	assert_non_null(strstr(out, "level=error msg=e n=1\n"));
	assert_int_equal(evaluated, 0);		/* arguments not even evaluated */
	log_setup(LOG_LEVEL_DEBUG, LOG_FORMAT_LOGFMT, 0);
	out = captured(emit_all_levels);
	assert_non_null(strstr(out, "level=debug msg=d k=v\n"));
	assert_non_null(strstr(out, "level=info msg=i k=v\n"));
	assert_int_equal(evaluated, 2);
	log_setup(LOG_LEVEL_INFO, LOG_FORMAT_LOGFMT, 0);
}

static void
test_parse_names(void **state)
{
	enum log_level	 l;
	enum log_format	 f;

	(void)state;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("error", &l), 0);
	assert_int_equal(l, LOG_LEVEL_ERROR);
	assert_int_equal(log_level_parse("warning", &l), -1);
	assert_int_equal(log_level_parse("", &l), -1);
	assert_int_equal(log_format_parse("json", &f), 0);
	assert_int_equal(f, LOG_FORMAT_JSON);
	assert_int_equal(log_format_parse("logfmt", &f), 0);
	assert_int_equal(f, LOG_FORMAT_LOGFMT);
	assert_int_equal(log_format_parse("text", &f), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logfmt_plain),
		cmocka_unit_test(test_logfmt_hostile),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_json_lines_parse),
		cmocka_unit_test(test_value_cut),
		cmocka_unit_test(test_line_cut),
		cmocka_unit_test(test_json_cut_valid),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_levels_filter),
		cmocka_unit_test(test_parse_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
