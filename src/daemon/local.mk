# daemon: main() (flags, startup, signals, reload, shutdown order, the
# daemon's context) and the table that hands the config file's parts to
# the modules that parse them (in the library, so the tests use it too).
src_libhale_a_SOURCES += %reldir%/sections.c %reldir%/sections.h \
	%reldir%/selfcheck.c %reldir%/selfcheck.h \
	%reldir%/privdrop.c %reldir%/privdrop.h
unit_tests += tests/unit/test_selfcheck tests/unit/test_privdrop
sbin_PROGRAMS += src/haled
src_haled_SOURCES = %reldir%/main.c
src_haled_LDADD = $(HALE_LIBS)
