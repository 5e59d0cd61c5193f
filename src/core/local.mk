# core: the base every subsystem stands on (buffers, logging, clock,
# durations, config file and its validation helpers, the exposition writer).
src_libhale_a_SOURCES += \
	%reldir%/buf.c %reldir%/buf.h \
	%reldir%/clock.c %reldir%/clock.h \
	%reldir%/config.c %reldir%/config.h %reldir%/config_flags.c \
	%reldir%/confjson.c %reldir%/confjson.h \
	%reldir%/duration.c %reldir%/duration.h \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/metrics.c %reldir%/metrics.h
unit_tests += tests/unit/test_buf tests/unit/test_config tests/unit/test_duration \
	tests/unit/test_metrics tests/unit/test_log
