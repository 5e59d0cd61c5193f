#!/bin/bash
# run-all.sh: the whole test suite, as the README and CI run it (after
# ./bootstrap.sh --test). Exits non-zero on the first failure.
#
#   1. cmocka unit tests (make check)
#   2. the same unit tests built with ASan+UBSan, and under valgrind
#   3. integration tests against a real, private Docker engine, with haled
#      built with ASan+UBSan (lib.sh makes any finding fail the test)
#   4. the tests that measure speed or size again against the plain build,
#      and the daemon's lifecycle under valgrind
#   5. make distcheck
#   6. libFuzzer harnesses, 15 s each (tests/fuzz/run.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc)
stage() { printf '\n=== %s\n' "$*"; }

stage "unit tests"
if ! make -C build -j"$jobs" check >/dev/null; then
	cat build/tests/unit/*.log
	exit 1
fi
grep -h '^# \|PASSED\|FAILED' build/test-suite.log || true
ls build/tests/unit/*.log | sed 's|.*/||; s|\.log$| passed|'

stage "unit tests with AddressSanitizer and UndefinedBehaviorSanitizer"
# This build gzips with zlib (the fallback), so both gzip paths are tested.
mkdir -p build-asan
[ -f build-asan/Makefile ] || (cd build-asan && ../configure -q --enable-sanitizers --without-isal)
if ! make -C build-asan -j"$jobs" check >/dev/null; then
	cat build-asan/tests/unit/*.log
	exit 1
fi
echo "all unit tests clean under ASan+UBSan"

stage "unit tests under valgrind"
for t in build/tests/unit/test_*; do
	[ -x "$t" ] && [ "${t%.*}" = "$t" ] || continue
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect "$t" >/dev/null 2>"$t.valgrind" ||
		{ cat "$t.valgrind"; echo "valgrind: $t failed"; exit 1; }
	echo "valgrind clean: ${t##*/}"
done

# Tests that measure haled's speed or size: probe timings and an RSS bound
# (test_checks), /healthz within 100 ms and VmRSS back to its baseline
# (test_faults_*).  ASan's shadow memory and slower allocator would blur
# those, so they run once more against the plain build.  test_image builds
# its own binary in a docker build: it runs once, in that stage.
plain_only=" test_image.sh "
plain_too=" test_checks.sh test_faults_files.sh test_faults_docker.sh "

stage "integration tests against a real engine, haled built with ASan+UBSan"
for t in tests/integration/test_*.sh; do
	case "$plain_only" in *" ${t##*/} "*) continue ;; esac
	echo "--- $t"
	HALED=$top/build-asan/src/haled bash "$t"
done

stage "integration tests that measure speed or size, against the plain build"
for t in tests/integration/test_*.sh; do
	case "$plain_only$plain_too" in *" ${t##*/} "*) ;; *) continue ;; esac
	echo "--- $t"
	HALED=$top/build/src/haled bash "$t"
done

stage "daemon lifecycle under valgrind"
HALE_VALGRIND=1 HALED=$top/build/src/haled bash tests/integration/test_daemon.sh

stage "make distcheck"
make -C build distcheck >/dev/null
echo "distcheck passed"

stage "fuzzing: every parser of outside bytes, 15 s each"
FUZZ_JOBS=$jobs bash tests/fuzz/run.sh 15

printf '\nALL TESTS PASSED\n'
