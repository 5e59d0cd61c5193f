# cgroup: finding a container's cgroup, reading its files and /proc/<pid>/net/dev,
# and the collector that turns the stats into cAdvisor's families.
src_libhale_a_SOURCES += \
	%reldir%/cgroup.h %reldir%/env.c \
	%reldir%/read.h %reldir%/read.c %reldir%/read_v2.c %reldir%/read_v1.c \
	%reldir%/read_net.c %reldir%/keep.c %reldir%/keep.h %reldir%/machine.c \
	%reldir%/machine_topo.c %reldir%/machine_metrics.c \
	%reldir%/fsusage.c %reldir%/fsusage.h \
	%reldir%/path.c %reldir%/path.h \
	%reldir%/discover.c %reldir%/discover.h \
	%reldir%/devnames.c %reldir%/devnames.h \
	%reldir%/diskstats.c %reldir%/diskstats.h %reldir%/parse_diskstats.c \
	%reldir%/procpid.c %reldir%/procpid.h \
	%reldir%/cgroup_parse.h %reldir%/parse_scan.h \
	%reldir%/parse_value.c %reldir%/parse_keyed.c %reldir%/parse_io.c \
	%reldir%/parse_host.c %reldir%/parse_procpid.c %reldir%/parse_netlink.c \
	%reldir%/taskstats.c %reldir%/taskstats.h \
	%reldir%/collector.c %reldir%/collector.h %reldir%/collector_int.h \
	%reldir%/collector_families.c %reldir%/collector_write.c \
	%reldir%/collector_discover.c \
	%reldir%/procnet.c %reldir%/procnet.h \
	%reldir%/oomwatch.c %reldir%/oomwatch.h %reldir%/oomwatch_metrics.c
unit_tests += tests/unit/test_cgroup_parse tests/unit/test_procnet tests/unit/test_collector \
	tests/unit/test_cgroup_discover tests/unit/test_cgroup_procpid \
	tests/unit/test_oomwatch \
	tests/unit/test_fsusage tests/unit/test_keep
# The reads that fail as on a removed cgroup are injected.
tests_unit_test_keep_LDFLAGS = -Wl,--wrap=pread -Wl,--wrap=fstatat
# The hardware facts' refresh is tested on a clock the test moves.
tests_unit_test_collector_LDFLAGS = -Wl,--wrap=clock_mono
