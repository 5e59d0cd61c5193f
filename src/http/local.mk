# http: libmicrohttpd on libev, routes, auth, the streamed and gzipped
# /metrics, the daemon's own metrics.
src_libhale_a_SOURCES += \
	%reldir%/api_list.c %reldir%/api_list.h \
	%reldir%/api_reset.c %reldir%/api_reset.h \
	%reldir%/auth.c %reldir%/auth.h \
	%reldir%/basicauth.c %reldir%/basicauth.h \
	%reldir%/basicauth_cache.c %reldir%/basicauth_cache.h \
	%reldir%/basicauth_limit.c %reldir%/basicauth_limit.h \
	%reldir%/basicauth_metrics.c \
	%reldir%/basicauth_worker.c %reldir%/basicauth_worker.h \
	%reldir%/gzip.c %reldir%/gzip.h \
	%reldir%/httpd.c %reldir%/httpd.h \
	%reldir%/httpd_route.c %reldir%/httpd_route.h \
	%reldir%/httpd_listen.c %reldir%/httpd_listen.h \
	%reldir%/httpd_queue.c %reldir%/httpd_queue.h \
	%reldir%/piece_reader.c %reldir%/piece_reader.h \
	%reldir%/routes.c %reldir%/routes.h \
	%reldir%/scrape.c %reldir%/scrape.h \
	%reldir%/scrape_stream.c %reldir%/scrape_stream.h \
	%reldir%/selfstat.c %reldir%/selfstat.h \
	%reldir%/status_page.c %reldir%/status_page.h \
	%reldir%/tls.c %reldir%/tls.h \
	%reldir%/webcfg.c %reldir%/webcfg.h \
	%reldir%/webcfg_yaml.c %reldir%/webcfg_yaml.h
unit_tests += tests/unit/test_auth tests/unit/test_scrape_stream tests/unit/test_httpd \
	tests/unit/test_piece_reader \
	tests/unit/test_basicauth tests/unit/test_basicauth_io \
	tests/unit/test_selfstat tests/unit/test_routes tests/unit/test_webcfg \
	tests/unit/test_status_page
# The HTTP tests share a client that runs in a forked child.
tests_unit_test_httpd_SOURCES = tests/unit/test_httpd.c \
	tests/unit/http_client.c tests/unit/http_client.h
tests_unit_test_routes_SOURCES = tests/unit/test_routes.c \
	tests/unit/http_client.c tests/unit/http_client.h
tests_unit_test_basicauth_io_SOURCES = tests/unit/test_basicauth_io.c \
	tests/unit/http_client.c tests/unit/http_client.h
