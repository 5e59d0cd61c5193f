# daemon: main() (flags, startup, signals, reload, shutdown order, the
# daemon's context), the table that hands the config file's parts to the
# modules that parse them, the self-check, systemd's notification protocol
# and --run-as (in the library, so the tests use them too).
src_libhale_a_SOURCES += %reldir%/sections.c %reldir%/sections.h \
	%reldir%/selfcheck.c %reldir%/selfcheck.h \
	%reldir%/sdnotify.c %reldir%/sdnotify.h \
	%reldir%/privdrop.c %reldir%/privdrop.h \
	%reldir%/webreload.c %reldir%/webreload.h \
	%reldir%/eventsrc.c %reldir%/eventsrc.h \
	%reldir%/fdlimit.c %reldir%/fdlimit.h
unit_tests += tests/unit/test_selfcheck tests/unit/test_privdrop tests/unit/test_fdlimit
sbin_PROGRAMS += src/haled
src_haled_SOURCES = %reldir%/main.c %reldir%/hale.h \
	%reldir%/sdstatus.c %reldir%/sdstatus.h
src_haled_LDADD = $(HALE_LIBS)
unit_tests += tests/unit/test_sdnotify tests/unit/test_webreload
