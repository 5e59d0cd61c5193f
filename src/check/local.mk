# check: check specs from labels and rules, the health state machine, the
# probe engine and its HTTP and TCP probes, network-namespace sockets.
src_libhale_a_SOURCES += \
	%reldir%/checkspec.c %reldir%/checkspec.h %reldir%/checkspec_field.c \
	%reldir%/checkspec_field.h %reldir%/checkspec_label.c %reldir%/checkspec_rules.c \
	%reldir%/checkspec_json.c %reldir%/checkspec_regex.c %reldir%/checkspec_regex.h \
	%reldir%/health.c %reldir%/health.h \
	%reldir%/netns.c %reldir%/netns.h \
	%reldir%/probe.c %reldir%/probe.h %reldir%/probe_check.h %reldir%/probe_sched.c \
	%reldir%/probe_target.c %reldir%/probe_json.c %reldir%/probe_metrics.c \
	%reldir%/probe_http.c %reldir%/probe_tcp.c \
	%reldir%/probe_plain.c %reldir%/http_resp.c %reldir%/http_resp.h
unit_tests += tests/unit/test_health tests/unit/test_checkspec tests/unit/test_checkspec_regex \
	tests/unit/test_probe tests/unit/test_probe_plain tests/unit/test_http_resp
