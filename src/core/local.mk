# core: the base every subsystem stands on (buffers, logging, clock,
# durations, config file and its validation helpers, the exposition writer)
# and the small helpers each idea has once: error messages, small-file reads,
# container ids, numbers, quoting, jitter, timestamps, the rule matcher.
src_libhale_a_SOURCES += \
	%reldir%/buf.c %reldir%/buf.h \
	%reldir%/clock.c %reldir%/clock.h \
	%reldir%/config.c %reldir%/config.h %reldir%/config_flags.c %reldir%/config_file.c \
	%reldir%/confjson.c %reldir%/confjson.h \
	%reldir%/duration.c %reldir%/duration.h \
	%reldir%/err.c %reldir%/err.h \
	%reldir%/file.c %reldir%/file.h \
	%reldir%/html.c %reldir%/html.h \
	%reldir%/id.c %reldir%/id.h \
	%reldir%/json.c %reldir%/json.h \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/match.c %reldir%/match.h \
	%reldir%/metrics.c %reldir%/metrics.h \
	%reldir%/num.c %reldir%/num.h \
	%reldir%/quote.c %reldir%/quote.h \
	%reldir%/rand.c %reldir%/rand.h \
	%reldir%/timefmt.c %reldir%/timefmt.h \
	%reldir%/utf8.c %reldir%/utf8.h
unit_tests += tests/unit/test_buf tests/unit/test_config tests/unit/test_duration \
	tests/unit/test_metrics tests/unit/test_core_helpers tests/unit/test_match \
	tests/unit/test_log tests/unit/test_html
