# fuzz: libFuzzer harnesses, one per parser of outside bytes. They are
# EXTRA_PROGRAMS: never built by `make` or `make check`, only by
# `make fuzz` in a tree configured with clang and the fuzzer flags, which
# tests/fuzz/run.sh sets up in build-fuzz/ (libhale.a there is compiled
# with -fsanitize=fuzzer-no-link,address,undefined, so coverage reaches
# the modules, not only the harness).
fuzz_harnesses = \
	tests/fuzz/fuzz_docker_lines tests/fuzz/fuzz_docker_event \
	tests/fuzz/fuzz_docker_inspect tests/fuzz/fuzz_docker_version \
	tests/fuzz/fuzz_docker_time tests/fuzz/fuzz_cgroup \
	tests/fuzz/fuzz_procnet tests/fuzz/fuzz_procpid \
	tests/fuzz/fuzz_config tests/fuzz/fuzz_checkspec_label \
	tests/fuzz/fuzz_duration_status tests/fuzz/fuzz_probe_match \
	tests/fuzz/fuzz_metrics_label tests/fuzz/fuzz_auth \
	tests/fuzz/fuzz_webcfg \
	tests/fuzz/fuzz_event_render tests/fuzz/fuzz_logtail \
	tests/fuzz/fuzz_http_resp
EXTRA_PROGRAMS = $(fuzz_harnesses)
FUZZ_LINK = -fsanitize=fuzzer
tests_fuzz_fuzz_docker_lines_SOURCES = tests/fuzz/fuzz_docker_lines.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_docker_event_SOURCES = tests/fuzz/fuzz_docker_event.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_docker_inspect_SOURCES = tests/fuzz/fuzz_docker_inspect.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_docker_version_SOURCES = tests/fuzz/fuzz_docker_version.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_docker_time_SOURCES = tests/fuzz/fuzz_docker_time.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_cgroup_SOURCES = tests/fuzz/fuzz_cgroup.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_procnet_SOURCES = tests/fuzz/fuzz_procnet.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_procpid_SOURCES = tests/fuzz/fuzz_procpid.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_checkspec_label_SOURCES = tests/fuzz/fuzz_checkspec_label.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_duration_status_SOURCES = tests/fuzz/fuzz_duration_status.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_probe_match_SOURCES = tests/fuzz/fuzz_probe_match.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_metrics_label_SOURCES = tests/fuzz/fuzz_metrics_label.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_auth_SOURCES = tests/fuzz/fuzz_auth.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_webcfg_SOURCES = tests/fuzz/fuzz_webcfg.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_event_render_SOURCES = tests/fuzz/fuzz_event_render.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_logtail_SOURCES = tests/fuzz/fuzz_logtail.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_http_resp_SOURCES = tests/fuzz/fuzz_http_resp.c tests/fuzz/fuzz.h
# Every harness links the library and libFuzzer's main.
tests_fuzz_fuzz_docker_lines_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_docker_event_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_docker_inspect_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_docker_version_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_docker_time_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_cgroup_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_procnet_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_procpid_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_checkspec_label_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_duration_status_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_probe_match_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_metrics_label_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_auth_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_webcfg_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_event_render_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_logtail_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_http_resp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_docker_lines_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_docker_event_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_docker_inspect_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_docker_version_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_docker_time_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_cgroup_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_procnet_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_procpid_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_config_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_checkspec_label_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_duration_status_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_probe_match_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_metrics_label_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_auth_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_webcfg_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_event_render_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_logtail_LDADD = $(HALE_LIBS)
tests_fuzz_fuzz_http_resp_LDADD = $(HALE_LIBS)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/corpus
CLEANFILES += $(fuzz_harnesses)

.PHONY: fuzz
fuzz:
	@case "$(CFLAGS)" in *-fsanitize=fuzzer-no-link*) ;; *) \
		echo "make fuzz: this tree is not configured for libFuzzer; run tests/fuzz/run.sh" >&2; \
		exit 1;; esac
	$(MAKE) $(AM_MAKEFLAGS) $(fuzz_harnesses)
