# daemon: main() (flags, startup, signals, reload, shutdown order) and the
# daemon's context, which wires every subsystem together.
sbin_PROGRAMS += src/haled
src_haled_SOURCES = %reldir%/main.c %reldir%/hale.h
src_haled_LDADD = $(HALE_LIBS)
