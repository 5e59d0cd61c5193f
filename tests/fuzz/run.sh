#!/bin/bash
# run.sh [SECONDS] [HARNESS...]: build the libFuzzer harnesses in
# build-fuzz/ (clang, -fsanitize=fuzzer,address,undefined, libhale.a
# instrumented too) and run each for SECONDS (default 15), starting from
# its seed corpus in tests/fuzz/corpus/<harness>/. What a run discovers
# goes to build-fuzz/corpus/<harness>/ (kept between runs, so longer
# runs build on earlier ones), never into the source tree. Exits 1 on
# the first finding: the crashing input is saved in build-fuzz/findings/
# and libFuzzer's report printed. FUZZ_JOBS=N runs N harnesses at once.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-15}
[ $# -gt 0 ] && shift
bdir=$top/build-fuzz
# uthash's macros fall through without annotation and libmicrohttpd's
# logger passes its format on: clang warns where gcc does not.
fuzz_cflags="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link -Wno-implicit-fallthrough -Wno-format-nonliteral"

cd "$top"
[ -x configure ] || autoreconf -fi
mkdir -p "$bdir"
if [ ! -f "$bdir/Makefile" ]; then
	(cd "$bdir" && ../configure -q CC=clang CFLAGS="$fuzz_cflags" --enable-sanitizers)
fi
make -C "$bdir" -j"${FUZZ_BUILD_JOBS:-2}" fuzz >/dev/null

if [ $# -gt 0 ]; then
	harnesses=("$@")
else
	harnesses=()
	for f in tests/fuzz/fuzz_*.c; do
		h=${f##*/}
		harnesses+=("${h%.c}")
	done
fi

mkdir -p "$bdir/findings"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
	local h=$1 log=$bdir/findings/$1.log
	mkdir -p "$bdir/corpus/$h"
	if "$bdir/tests/fuzz/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$bdir/findings/$h-" \
	    "$bdir/corpus/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
		# last status line: #N DONE cov: .. ft: .. corp: .. exec/s: ..
		printf '%-24s %s\n' "$h" "$(grep -E '^#[0-9]+' "$log" | tail -1 |
		    sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/execs: \1 /; s/ lim: [0-9]+//; s/ rss: .*//')"
	else
		echo "FUZZ FINDING in $h (input saved under $bdir/findings/$h-*):"
		grep -v '^#[0-9]' "$log" | tail -60
		return 1
	fi
}

jobs=${FUZZ_JOBS:-1}
fail=0
pids=()
for h in "${harnesses[@]}"; do
	[ -x "$bdir/tests/fuzz/$h" ] || { echo "no harness $h" >&2; exit 2; }
	run_one "$h" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || fail=1
		pids=("${pids[@]:1}")
	fi
	[ $fail = 0 ] || break
done
for p in "${pids[@]}"; do
	wait "$p" || fail=1
done
[ $fail = 0 ] || exit 1
echo "fuzzing: ${#harnesses[@]} harnesses, ${secs}s each, no findings"
