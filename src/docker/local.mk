# docker: libcurl on libev, the Engine API client, its pure parsers, and the
# inventory of containers with its JSON view.
src_libhale_a_SOURCES += \
	%reldir%/curlev.c %reldir%/curlev.h \
	%reldir%/docker.c %reldir%/docker.h %reldir%/docker_impl.h \
	%reldir%/docker_req.c %reldir%/docker_sync.c %reldir%/docker_ctl.c \
	%reldir%/docker_metrics.c %reldir%/docker_scope.c \
	%reldir%/docker_filter.c %reldir%/docker_filter.h \
	%reldir%/docker_parse.h %reldir%/docker_parse_json.h \
	%reldir%/docker_parse_lines.c %reldir%/docker_parse_names.c \
	%reldir%/docker_parse_time.c %reldir%/docker_parse_event.c \
	%reldir%/docker_parse_inspect.c %reldir%/docker_parse_version.c \
	%reldir%/docker_parse_host.c %reldir%/docker_logs.c \
	%reldir%/logtail.c %reldir%/logtail.h \
	%reldir%/inventory.c %reldir%/inventory.h %reldir%/inventory_json.c \
	%reldir%/inventory_metrics.c %reldir%/inventory_labels.c \
	%reldir%/layerfs.c %reldir%/layerfs.h %reldir%/layerfs_impl.h \
	%reldir%/layerfs_metrics.c %reldir%/layerfs_io.c
unit_tests += tests/unit/test_docker_lines tests/unit/test_docker_parse tests/unit/test_inventory \
	tests/unit/test_docker_client tests/unit/test_docker_ctl tests/unit/test_docker_filter \
	tests/unit/test_docker_flood tests/unit/test_logtail tests/unit/test_curl_init
