# remedy: the remediation policy and decision, the executor that asks Docker,
# and notifications.
src_libhale_a_SOURCES += \
	%reldir%/events.c %reldir%/events.h %reldir%/events_config.c \
	%reldir%/events_view.c \
	%reldir%/alerts.c %reldir%/alerts.h %reldir%/alerts_config.c \
	%reldir%/alerts_send.c %reldir%/alerts_view.c %reldir%/alerts_int.h \
	%reldir%/notify.c %reldir%/notify.h \
	%reldir%/notify_config.c %reldir%/notify_view.c %reldir%/notify_format.c \
	%reldir%/post.c %reldir%/post.h \
	%reldir%/remedy.c %reldir%/remedy.h \
	%reldir%/remedy_policy.c %reldir%/remedy_policy_int.h \
	%reldir%/remedy_value.c %reldir%/remedy_config.c \
	%reldir%/remedy_exec.c %reldir%/remedy_exec.h %reldir%/remedy_exec_int.h \
	%reldir%/remedy_act.c \
	%reldir%/remedy_view.c %reldir%/remedy_view.h \
	%reldir%/remedy_metrics.c %reldir%/remedy_metrics.h
unit_tests += tests/unit/test_remedy tests/unit/test_remedy_policy tests/unit/test_notify \
	tests/unit/test_events tests/unit/test_notify_format tests/unit/test_alerts \
	tests/unit/test_remedy_exec tests/unit/test_notify_tail
