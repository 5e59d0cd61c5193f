# cgroup: finding a container's cgroup, reading its files and /proc/<pid>/net/dev,
# and the collector that turns the stats into cAdvisor's families.
src_libhale_a_SOURCES += \
	%reldir%/cgroup.c %reldir%/cgroup.h \
	%reldir%/cgroup_parse.c %reldir%/cgroup_parse.h \
	%reldir%/collector.c %reldir%/collector.h \
	%reldir%/procnet.c %reldir%/procnet.h
unit_tests += tests/unit/test_cgroup_parse tests/unit/test_procnet tests/unit/test_collector \
	tests/unit/test_cgroup_discover
