# shellcheck shell=bash
#
# hale integration-test harness.  Source it from tests/integration/test_*.sh:
#
#	#!/bin/bash
#	set -euo pipefail
#	. "$(dirname "$0")/lib.sh"
#	hale_require_root
#	hale_docker_start		# private dockerd, DOCKER_HOST exported
#	hale_busybox_image		# hale-test/busybox, built without a registry
#	hale_start --config.file="$cfg"	# haled on a free loopback port
#	assert_eq 200 "$(http_status /healthz)" "healthz answers"
#	ok "healthz answers"
#
# Everything a test starts is torn down by one EXIT trap, in reverse order
# (haled first, then the engine).  Tests add their own steps with
# hale_on_exit.  On failure the trap prints the tails of haled's and
# dockerd's logs before cleaning up.
#
# Life of the private engine (never the system one):
#
#	hale_docker_start ──► /tmp/hale-dk.XXXXXX/ (short: unix socket paths < 108)
#	    dockerd ──► managed containerd (exec/containerd/containerd.sock)
#	    │             └─► containerd-shim-runc-v2 ──► runc ──► container
#	    │ SIGKILL (hale_docker_kill): containerd dies with it (pdeathsig),
#	    │ shims and containers live on, reparented to pid 1
#	    ▼
#	hale_docker_restart_engine: same dirs, same arguments; without
#	    --live-restore dockerd stops the orphaned containers while it loads
#	    ▼
#	hale_docker_stop: rm -f every container, SIGTERM dockerd (by pid),
#	    reap stray shims, unmount what is left under the dir, rm -rf it
#
# Functions (all fail the test with a message rather than return an error,
# except the predicates and wait_until):
#   ok MSG / fail MSG / hale_skip MSG    TAP-like line; exit 1; exit 77
#   assert_eq EXP ACT [MSG], assert_contains HAY NEEDLE [MSG],
#   assert_not_contains HAY NEEDLE [MSG]
#   wait_until SECS CMD...               poll CMD every 0.1 s; 1 on timeout
#   hale_now_ms, hale_elapsed START_MS   wall clock, for timing phases
#   hale_require CMD..., hale_require_root    skip (77) when missing
#   hale_on_exit CMD [ARGS...]           cleanup step, run newest first
#   hale_tmpdir                          HALE_TMP, removed at exit
#   hale_docker_start [DOCKERD ARGS...]  private engine, DOCKER_HOST set
#   hale_docker_ping                     engine answers /_ping (predicate)
#   hale_docker_kill                     SIGKILL dockerd (reconnect tests)
#   hale_docker_restart_engine           start it again on the same dirs
#   hale_docker_stop                     remove containers, stop, clean up
#   hale_docker_reap_stale               tear down engines of dead tests
#   hale_busybox_image                   import hale-test/busybox once
#   hale_httpd_container NAME none|host PORT BODY [RUN ARGS...]
#                                        busybox httpd on 127.0.0.1:PORT
#   hale_tcp_container NAME none|host PORT REPLY [RUN ARGS...]
#                                        busybox nc on 127.0.0.1:PORT
#   hale_container_pid NAME, hale_container_id NAME
#   hale_netns_curl PID URL [CURL ARGS...]   curl inside PID's netns
#   hale_tcp_open HOST PORT              TCP connect succeeds (predicate)
#   hale_cgroup_dir PID CONTROLLER|unified   PID's cgroup directory
#   hale_free_port                       a free TCP port on 127.0.0.1
#   hale_start [HALED ARGS...]           haled up, /healthz 200, HALE_URL
#   hale_stop                            SIGTERM haled, return its status
#                                        (86 or a sanitizer report: fails)
#   hale_sanitizer_check                 1 if a sanitizer wrote a report (printed)
#   http_get PATH [CURL ARGS...], http_status PATH [CURL ARGS...]
#
# Variables read:    HALED (haled binary; default $top_builddir/src/haled),
#                    ASAN_OPTIONS, UBSAN_OPTIONS (set by hale_tmpdir unless
#                    given: every finding fatal, exit 86, reports in
#                    $HALE_TMP/asan.PID; ignored by a plain build),
#                    HALE_SANITIZER_DIR (where reports are looked for, if
#                    a test moves log_path: default $HALE_TMP),
#                    HALE_VALGRIND=1 (run haled under valgrind),
#                    HALE_CGROUP_PARENT (default hale-test),
#                    HALE_BUSYBOX (static busybox; default /bin/busybox),
#                    HALE_KEEP=1 (keep the scratch dir of a failed test).
# Variables exported: DOCKER_HOST, HALE_DOCKER_DIR, HALE_DOCKER_SOCK,
#                    HALE_DOCKER_PID, HALE_URL, HALE_PORT, HALE_PID,
#                    HALE_LOG, HALE_TMP, HALE_SLOW (timeout multiplier).

HALE_IMAGE=hale-test/busybox
HALE_CGROUP_PARENT=${HALE_CGROUP_PARENT:-hale-test}
HALE_SLOW=1
if [ "${HALE_VALGRIND:-0}" = 1 ]; then
	HALE_SLOW=5
fi
HALE_OK_COUNT=0
export HALE_SLOW HALE_CGROUP_PARENT
# The docker CLI must talk to the private engine only, and a test run from
# another test's environment starts with nothing of its parent's.
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
unset HALE_DOCKER_DIR HALE_DOCKER_SOCK HALE_DOCKER_PID
unset HALE_PID HALE_URL HALE_PORT HALE_LOG HALE_TMP
export DOCKER_CLI_HINTS=false

_HALE_CLEANUP=()
_HALE_TRAP_SET=0

# ---------------------------------------------------------------- reporting

# ok MSG: one TAP-like success line.
ok() {
	HALE_OK_COUNT=$((HALE_OK_COUNT + 1))
	printf 'ok - %s\n' "$*"
}

# fail MSG: report and end the test (the EXIT trap cleans up).
fail() {
	printf 'not ok - %s\n' "$*" >&2
	exit 1
}

# hale_skip MSG: the test cannot run here; 77 is automake's SKIP.
hale_skip() {
	printf 'ok - # SKIP %s\n' "$*"
	exit 77
}

# assert_eq EXPECTED ACTUAL [MSG]
assert_eq() {
	if [ "$1" != "$2" ]; then
		fail "${3:-assert_eq}: expected '$1', got '$2'"
	fi
}

# assert_contains HAYSTACK NEEDLE [MSG]
assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-assert_contains}: '$2' not found in: $(printf '%s' "$1" | head -c 2000)" ;;
	esac
}

# assert_not_contains HAYSTACK NEEDLE [MSG]
assert_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-assert_not_contains}: '$2' found in: $(printf '%s' "$1" | head -c 2000)" ;;
	*) ;;
	esac
}

# wait_until TIMEOUT_SECONDS CMD...: run CMD every 0.1 s until it succeeds.
# Returns 1 (and says so on stderr) when TIMEOUT passes first, so a test
# writes `wait_until 5 foo || fail "foo never happened"`.
wait_until() {
	local timeout=$1 deadline now
	shift
	deadline=$(hale_now_ms)
	deadline=$((deadline + ${timeout%%.*} * 1000))
	while :; do
		if "$@"; then
			return 0
		fi
		now=$(hale_now_ms)
		if [ "$now" -ge "$deadline" ]; then
			printf '# wait_until: %ss passed waiting for: %s\n' "$timeout" "$*" >&2
			return 1
		fi
		sleep 0.1
	done
}

# hale_elapsed START_MS: milliseconds since START_MS (from hale_now_ms).
hale_elapsed() {
	local now
	now=$(hale_now_ms)
	printf '%s\n' $((now - $1))
}

# hale_now_ms: wall clock in milliseconds.
hale_now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	printf '%s\n' $((t / 1000))
}

# hale_promtool_check [FILE]: `promtool check metrics` on FILE (or stdin),
# passing when its only complaints are about cAdvisor's own names that
# break the lint rules (container_memory_failcnt, a counter without
# "_total"; machine_dimm_count, a gauge ending in "_count";
# container_fs_inodes_total, a gauge ending in "_total"): a drop-in keeps the
# names dashboards use. A parse error or any other finding fails, its text on
# stderr.
hale_promtool_check() {
	local out rc=0
	if [ $# -gt 0 ]; then
		out=$(promtool check metrics <"$1" 2>&1) || rc=$?
	else
		out=$(promtool check metrics 2>&1) || rc=$?
	fi
	[ "$rc" = 0 ] && return 0
	# 3 is promtool's "lint problems", after a clean parse.
	if [ "$rc" = 3 ] && ! printf '%s\n' "$out" | grep -v \
	    -e '^container_memory_failcnt counter metrics should have "_total" suffix$' \
	    -e '^machine_dimm_count non-histogram and non-summary metrics should not have "_count" suffix$' \
	    -e '^container_fs_inodes_total non-counter metrics should not have "_total" suffix$' |
	    grep -q .; then
		return 0
	fi
	printf '%s\n' "$out" >&2
	return 1
}

# hale_require CMD...: skip the test unless every command exists.
hale_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || hale_skip "needs $c"
	done
}

# hale_require_root: the private engine needs root and the tools below.
hale_require_root() {
	[ "$(id -u)" = 0 ] || hale_skip "needs root for a private dockerd"
	hale_require dockerd docker containerd runc curl nsenter
}

# ---------------------------------------------------------------- cleanup

# hale_on_exit CMD [ARGS...]: run CMD when the test exits, newest first.
hale_on_exit() {
	_HALE_CLEANUP+=("$(printf '%q ' "$@")")
	if [ "$_HALE_TRAP_SET" = 0 ]; then
		trap _hale_exit EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		_HALE_TRAP_SET=1
	fi
}

_hale_exit() {
	local rc=$? i
	set +e
	trap - EXIT INT TERM
	_HALE_EXITING=1
	if [ "$rc" != 0 ]; then
		_hale_diagnose
	fi
	for ((i = ${#_HALE_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${_HALE_CLEANUP[i]}"
	done
	_HALE_CLEANUP=()
	# A haled stopped by the cleanup above may just have written one.
	hale_sanitizer_check || true
	if [ "$rc" = 0 ] && [ "${_HALE_SANITIZED:-0}" = 1 ]; then
		rc=1
	fi
	if [ -n "${HALE_TMP:-}" ] && [ -d "$HALE_TMP" ]; then
		if [ "$rc" != 0 ] && [ "${HALE_KEEP:-0}" = 1 ]; then
			printf '# kept %s\n' "$HALE_TMP" >&2
		else
			rm -rf "$HALE_TMP"
		fi
	fi
	exit "$rc"
}

_hale_diagnose() {
	if [ -n "${HALE_LOG:-}" ] && [ -f "$HALE_LOG" ]; then
		printf '# --- last lines of haled log %s ---\n' "$HALE_LOG" >&2
		tail -n 40 "$HALE_LOG" | sed 's/^/# /' >&2
	fi
	if [ -n "${HALE_DOCKER_DIR:-}" ] && [ -f "$HALE_DOCKER_DIR/dockerd.log" ]; then
		printf '# --- last lines of dockerd log ---\n' >&2
		grep -v 'module=grpc' "$HALE_DOCKER_DIR/dockerd.log" | tail -n 20 |
		    sed 's/^/# /' >&2
	fi
}

# hale_tmpdir: the test's scratch dir (removed at exit); sets HALE_TMP.
hale_tmpdir() {
	if [ -z "${HALE_TMP:-}" ] || [ ! -d "$HALE_TMP" ]; then
		HALE_TMP=$(mktemp -d /tmp/hale-t.XXXXXX)
		export HALE_TMP
		hale_on_exit true	# installs the trap that removes it
		_hale_sanitizer_env
	fi
}

# A haled built with --enable-sanitizers: any finding (ASan, LSan at exit,
# UBSan) ends the process with 86 and leaves its report in a file, which
# the stop helper and the EXIT trap turn into a failed test.  A test's
# children inherit them (haled --check-config too); other programs ignore
# them.
HALE_SANITIZER_RC=86
_hale_sanitizer_env() {
	local common="halt_on_error=1:abort_on_error=0:exitcode=$HALE_SANITIZER_RC:log_path=$HALE_TMP/asan"
	: "${ASAN_OPTIONS=$common:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}"
	: "${UBSAN_OPTIONS=$common:print_stacktrace=1}"
	export ASAN_OPTIONS UBSAN_OPTIONS
}

# hale_sanitizer_check: 1 (and the report on stderr) if a sanitizer wrote
# one since the last check.  hale_stop and the EXIT trap fail the test then.
hale_sanitizer_check() {
	local f found=0 dir=${HALE_SANITIZER_DIR:-${HALE_TMP:-}}
	[ -n "$dir" ] || return 0
	for f in "$dir"/asan.*; do
		[ -f "$f" ] || continue
		found=1
		printf 'not ok - sanitizer report %s:\n' "$f" >&2
		head -n 80 "$f" | sed 's/^/# /' >&2
		# Reported once: a later check is not a second failure.
		mv "$f" "${f%/*}/reported.${f##*/}"
	done
	[ "$found" = 0 ] || _HALE_SANITIZED=1
	[ "$found" = 0 ]
}

# ---------------------------------------------------------------- processes

# _hale_pid_alive PID: running and not a zombie.
_hale_pid_alive() {
	local s
	[ -n "${1:-}" ] || return 1
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# _hale_pid_start PID: start time in ticks (guards against pid reuse).
_hale_pid_start() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# Field 22 of stat is the 20th after "comm) ".
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $s
	printf '%s\n' "${20}"
}

# _hale_wait_dead PID TIMEOUT: wait for PID to go, reaping it if it is ours.
_hale_wait_dead() {
	wait_until "$2" eval "! _hale_pid_alive $1" 2>/dev/null || return 1
	wait "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- engine

# hale_docker_start [DOCKERD ARGS...]: start a private dockerd in a fresh
# /tmp/hale-dk.XXXXXX and wait for /_ping.  Extra arguments (for example
# --live-restore) are kept for hale_docker_restart_engine.
hale_docker_start() {
	local d ns
	if [ -n "${HALE_DOCKER_DIR:-}" ] && [ -d "$HALE_DOCKER_DIR" ]; then
		fail "hale_docker_start: an engine already runs in $HALE_DOCKER_DIR"
	fi
	hale_docker_reap_stale
	d=$(mktemp -d /tmp/hale-dk.XXXXXX)
	chmod 711 "$d"
	printf '%s %s\n' "$$" "$(_hale_pid_start $$)" >"$d/owner"
	printf '{}\n' >"$d/daemon.json"
	HALE_DOCKER_DIR=$d
	HALE_DOCKER_SOCK=$d/docker.sock
	DOCKER_HOST=unix://$d/docker.sock
	export HALE_DOCKER_DIR HALE_DOCKER_SOCK DOCKER_HOST
	# dockerd 20.10 starts a containerd of its own under exec/containerd
	# unless /run/containerd/containerd.sock exists; then it attaches to
	# that one.  A containerd namespace per engine keeps it apart from the
	# system's "moby" containers and from other private engines either way.
	# --init: docker-init as pid 1 passes SIGTERM on, so busybox
	# containers stop at once (docker run --init=false to opt out).
	ns=${d##*/}
	if [ -S /run/containerd/containerd.sock ]; then
		printf '# note: dockerd will use the system containerd (namespace %s)\n' \
		    "$ns" >&2
	fi
	_HALE_DOCKERD_ARGS=(
	    --host "unix://$d/docker.sock"
	    --data-root "$d/data"
	    --exec-root "$d/exec"
	    --pidfile "$d/pid"
	    --config-file "$d/daemon.json"
	    --containerd-namespace "$ns"
	    --containerd-plugins-namespace "$ns-plugins"
	    --bridge=none
	    --iptables=false
	    --ip6tables=false
	    --ip-forward=false
	    --ip-masq=false
	    --userland-proxy=false
	    --cgroup-parent "$HALE_CGROUP_PARENT"
	    --init
	    --shutdown-timeout 5
	    "$@")
	printf '%s\0' "${_HALE_DOCKERD_ARGS[@]}" >"$d/args"
	hale_on_exit hale_docker_stop
	_hale_docker_launch "$d"
}

# _hale_docker_launch DIR: run dockerd with DIR/args, wait for /_ping.
_hale_docker_launch() {
	local d=$1 pid start cpidf args=()
	mapfile -d '' args <"$d/args"
	if [ -f "$d/pid" ] && ! _hale_pid_alive "$(cat "$d/pid")"; then
		rm -f "$d/pid"
	fi
	# dockerd reuses a containerd whose pid answers kill(pid, 0), and a
	# zombie not yet reaped by pid 1 does: forget a dead one.
	cpidf=$d/exec/containerd/containerd.pid
	if [ -f "$cpidf" ] && ! _hale_pid_alive "$(cat "$cpidf")"; then
		rm -f "$cpidf"
	fi
	printf -- '--- hale: dockerd start %s\n' "$(date -u +%FT%TZ)" >>"$d/dockerd.log"
	start=$(hale_now_ms)
	# containerd starts before dockerd points TMPDIR into its data-root and
	# writes its stack dumps (SIGUSR1 from dockerd before it kills a slow
	# containerd) to TMPDIR: keep them in our dir.
	mkdir -p "$d/tmp"
	# Keep a terminal's ^C away from dockerd so the EXIT trap tears it
	# down in order.  Without job control the child is no group leader and
	# setsid execs in place, so $! stays dockerd's pid; with job control it
	# has a process group of its own already.
	local detach=setsid
	case $- in *m*) detach= ;; esac
	TMPDIR=$d/tmp $detach dockerd "${args[@]}" </dev/null >>"$d/dockerd.log" 2>&1 &
	pid=$!
	if [ "$d" = "${HALE_DOCKER_DIR:-}" ]; then
		HALE_DOCKER_PID=$pid
		export HALE_DOCKER_PID
	fi
	if ! wait_until 30 _hale_docker_ready "$d" "$pid"; then
		printf '# dockerd (pid %s) did not answer /_ping; log tail:\n' "$pid" >&2
		grep -v module=grpc "$d/dockerd.log" | tail -n 30 | sed 's/^/# /' >&2
		fail "private dockerd did not start"
	fi
	# The pidfile is the truth should setsid ever have forked.
	pid=$(cat "$d/pid" 2>/dev/null || printf '%s' "$pid")
	if [ "$d" = "${HALE_DOCKER_DIR:-}" ]; then
		HALE_DOCKER_PID=$pid
	fi
	printf '# dockerd pid %s ready in %s ms (%s)\n' "$pid" \
	    "$(hale_elapsed "$start")" "$d" >&2
}

_hale_docker_ready() {
	if ! _hale_pid_alive "$2"; then
		printf '# dockerd exited early\n' >&2
		grep -v module=grpc "$1/dockerd.log" | tail -n 30 | sed 's/^/# /' >&2
		fail "private dockerd exited during start"
	fi
	_hale_docker_ping "$1"
}

_hale_docker_ping() {
	[ "$(curl -s --max-time 2 --unix-socket "$1/docker.sock" \
	    http://localhost/_ping 2>/dev/null)" = OK ]
}

_hale_need_engine() {
	[ -n "${HALE_DOCKER_DIR:-}" ] || fail "$1: call hale_docker_start first"
}

# hale_docker_ping: the private engine answers /_ping.
hale_docker_ping() {
	_hale_docker_ping "$HALE_DOCKER_DIR"
}

# hale_docker_kill: SIGKILL the private dockerd (its containerd goes with it;
# shims and containers stay up).  For reconnect tests.
hale_docker_kill() {
	local cpid
	[ -n "${HALE_DOCKER_PID:-}" ] || fail "hale_docker_kill: no engine"
	cpid=$(cat "$HALE_DOCKER_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
	kill -KILL "$HALE_DOCKER_PID" 2>/dev/null || true
	_hale_wait_dead "$HALE_DOCKER_PID" 10 || fail "dockerd survived SIGKILL"
	if [ -n "$cpid" ]; then
		_hale_wait_dead "$cpid" 10 || kill -KILL "$cpid" 2>/dev/null || true
	fi
}

# hale_docker_restart_engine: start dockerd again on the same dirs and
# arguments (after hale_docker_kill, or after it died).
hale_docker_restart_engine() {
	[ -n "${HALE_DOCKER_DIR:-}" ] || fail "hale_docker_restart_engine: no engine"
	if _hale_pid_alive "${HALE_DOCKER_PID:-}"; then
		fail "hale_docker_restart_engine: dockerd $HALE_DOCKER_PID still runs"
	fi
	_hale_docker_launch "$HALE_DOCKER_DIR"
}

# hale_docker_stop: remove every container of the private engine, stop it
# by its pid, clean up and remove its dir.  Idempotent.
hale_docker_stop() {
	[ -n "${HALE_DOCKER_DIR:-}" ] || return 0
	_hale_docker_teardown "$HALE_DOCKER_DIR"
	unset HALE_DOCKER_DIR HALE_DOCKER_SOCK HALE_DOCKER_PID DOCKER_HOST
}

# hale_docker_reap_stale: tear down engines whose test shell died without
# cleaning up (SIGKILL, OOM).  Only dirs this harness made, only dead owners.
hale_docker_reap_stale() {
	local d owner ostart
	for d in /tmp/hale-dk.*; do
		[ -f "$d/owner" ] || continue
		read -r owner ostart <"$d/owner" || continue
		if _hale_pid_alive "$owner" &&
		    [ "$(_hale_pid_start "$owner")" = "$ostart" ]; then
			continue
		fi
		printf '# reaping stale engine %s (owner %s gone)\n' "$d" "$owner" >&2
		_hale_docker_teardown "$d"
	done
}

_hale_docker_teardown() {
	local d=$1 pid="" cpid="" ids start
	start=$(hale_now_ms)
	[ -f "$d/pid" ] && pid=$(cat "$d/pid")
	# A killed engine left its containers running under orphaned shims:
	# start it once more so docker itself stops and removes them.
	if ! _hale_pid_alive "$pid" && [ -n "$(_hale_docker_shims "$d")" ]; then
		(_hale_docker_launch "$d") || true
		pid=$(cat "$d/pid" 2>/dev/null || true)
	fi
	if _hale_pid_alive "$pid" && _hale_docker_ping "$d"; then
		ids=$(docker -H "unix://$d/docker.sock" ps -aq 2>/dev/null || true)
		if [ -n "$ids" ]; then
			# shellcheck disable=SC2086 # one id per word
			docker -H "unix://$d/docker.sock" rm -f -v $ids >/dev/null 2>&1 || true
		fi
	fi
	cpid=$(cat "$d/exec/containerd/containerd.pid" 2>/dev/null || true)
	if _hale_pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		if ! _hale_wait_dead "$pid" 20; then
			printf '# dockerd %s ignored SIGTERM, killing\n' "$pid" >&2
			kill -KILL "$pid" 2>/dev/null || true
			_hale_wait_dead "$pid" 5 || true
		fi
	fi
	if _hale_pid_alive "$cpid"; then
		_hale_wait_dead "$cpid" 5 || kill -KILL "$cpid" 2>/dev/null || true
		_hale_wait_dead "$cpid" 5 || true
	fi
	_hale_docker_sweep "$d"
	_hale_umount_under "$d"
	rm -rf --one-file-system "$d" 2>/dev/null || true
	if [ -e "$d" ]; then
		printf '# could not remove %s\n' "$d" >&2
	fi
	_hale_rmdir_cgroup_parent
	printf '# engine %s torn down in %s ms\n' "$d" "$(hale_elapsed "$start")" >&2
}

# _hale_docker_shims DIR: pids of shims serving DIR's containerd.
_hale_docker_shims() {
	pgrep -f -- "-address $1/exec/containerd/containerd.sock" 2>/dev/null || true
}

# _hale_docker_sweep DIR: last resort when docker could not clean up:
# kill leftover containers with runc, then their shims.
_hale_docker_sweep() {
	local d=$1 root id shim
	for root in "$d"/exec/runtime-runc/*; do
		[ -d "$root" ] || continue
		for id in $(runc --root "$root" list -q 2>/dev/null); do
			printf '# sweeping leftover container %s\n' "$id" >&2
			runc --root "$root" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	for shim in $(_hale_docker_shims "$d"); do
		kill -KILL "$shim" 2>/dev/null || true
	done
}

# _hale_umount_under DIR: unmount everything below DIR, deepest first.
_hale_umount_under() {
	local m
	awk -v p="$1/" 'index($5, p) == 1 { print length($5), $5 }' \
	    /proc/self/mountinfo | sort -rn | cut -d' ' -f2- |
	while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
		    printf '# could not unmount %s\n' "$m" >&2
	done
}

# Remove the empty cgroup-parent dirs runc made, unless another private
# engine of this harness still runs (it may be about to use them).
_hale_rmdir_cgroup_parent() {
	local d dir
	for d in /tmp/hale-dk.*; do
		[ -f "$d/pid" ] && _hale_pid_alive "$(cat "$d/pid")" && return 0
	done
	for dir in $(_hale_cgroup_parent_dirs); do
		rmdir "$dir" 2>/dev/null || true
	done
}

# _hale_cgroup_parent_dirs: $HALE_CGROUP_PARENT under this shell's cgroup in
# every hierarchy (runc resolves a relative cgroup-parent against the
# cgroup it runs in, which is the one dockerd was started in).
_hale_cgroup_parent_dirs() {
	local line ctrl
	while IFS= read -r line; do
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		[ -n "$ctrl" ] || ctrl=unified
		hale_cgroup_dir $$ "${ctrl%%,*}" 2>/dev/null |
		    sed -e 's|/$||' -e "s|\$|/$HALE_CGROUP_PARENT|"
	done </proc/$$/cgroup
}

# ---------------------------------------------------------------- containers

# hale_busybox_image: import hale-test/busybox (static busybox + applet
# links, PATH=/bin) unless the private engine has it already.
hale_busybox_image() {
	local bb=${HALE_BUSYBOX:-/bin/busybox} r a
	_hale_need_engine hale_busybox_image
	if docker image inspect "$HALE_IMAGE" >/dev/null 2>&1; then
		return 0
	fi
	[ -x "$bb" ] || hale_skip "needs a static busybox at $bb (busybox-static)"
	if ldd "$bb" >/dev/null 2>&1; then
		fail "$bb is dynamically linked; install busybox-static"
	fi
	r=$(mktemp -d /tmp/hale-rootfs.XXXXXX)
	mkdir -p "$r/bin" "$r/etc" "$r/root" "$r/tmp" "$r/var/www"
	chmod 1777 "$r/tmp"
	cp "$bb" "$r/bin/busybox"
	for a in $("$bb" --list); do
		# A link named busybox would replace the binary itself.
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	    >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	if ! tar -C "$r" --numeric-owner --owner=0 --group=0 -c . |
	    docker import --change 'ENV PATH=/bin' - "$HALE_IMAGE" >/dev/null; then
		rm -rf "$r"
		fail "docker import of $HALE_IMAGE failed"
	fi
	rm -rf "$r"
}

# hale_httpd_container NAME NETWORK PORT BODY [DOCKER RUN ARGS...]: run a
# busybox container (network none or host) serving BODY as /index.html on
# 127.0.0.1:PORT; prints the container id.
hale_httpd_container() {
	local name=$1 net=$2 port=$3 body=$4
	shift 4
	_hale_need_engine hale_httpd_container
	case "$net" in
	none|host) ;;
	*) fail "hale_httpd_container: network must be none or host, not $net" ;;
	esac
	docker run -d --name "$name" --network "$net" -e HALE_BODY="$body" \
	    "$@" "$HALE_IMAGE" sh -c 'printf %s "$HALE_BODY" >/var/www/index.html &&
	    exec httpd -f -p 127.0.0.1:'"$port"' -h /var/www'
}

# hale_tcp_container NAME none|host PORT REPLY [DOCKER RUN ARGS...]: a
# busybox nc listening on 127.0.0.1:PORT that writes REPLY to every
# connection and closes it; prints the container id.
hale_tcp_container() {
	local name=$1 net=$2 port=$3 reply=$4
	shift 4
	_hale_need_engine hale_tcp_container
	case "$net" in
	none|host) ;;
	*) fail "hale_tcp_container: network must be none or host, not $net" ;;
	esac
	# -ll: keep listening; the address argument binds 127.0.0.1 only.
	docker run -d --name "$name" --network "$net" "$@" "$HALE_IMAGE" \
	    nc -ll -p "$port" 127.0.0.1 -e echo "$reply"
}

# hale_container_pid NAME: host pid of the container's first process.
hale_container_pid() {
	docker inspect -f '{{.State.Pid}}' "$1"
}
# hale_container_haled_pid NAME: haled's pid in container NAME, which is
# docker-init's child when the engine runs --init (hale_docker_start does).
hale_container_haled_pid() {
	local p
	p=$(hale_container_pid "$1")
	if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = haled ]; then
		printf '%s\n' "$p"
	else
		pgrep -P "$p" -x haled
	fi
}

# hale_container_id NAME: full container id.
hale_container_id() {
	docker inspect -f '{{.Id}}' "$1"
}

# hale_netns_curl PID URL [CURL ARGS...]: curl from inside PID's network
# namespace (how haled probes a --network none container).
hale_netns_curl() {
	local pid=$1 url=$2
	shift 2
	nsenter -t "$pid" -n curl -sS --max-time 5 "$@" "$url"
}

# hale_tcp_open HOST PORT: a TCP connect to HOST:PORT succeeds.
hale_tcp_open() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# hale_cgroup_dir PID CONTROLLER: the directory of PID's cgroup for a v1
# CONTROLLER (memory, cpuacct, name=systemd, ...) or "unified" for the v2
# tree (/sys/fs/cgroup/unified on hybrid hosts, /sys/fs/cgroup on v2).
hale_cgroup_dir() {
	local pid=$1 ctrl=$2 path mnt
	if [ "$ctrl" = unified ]; then
		path=$(awk -F: '$1 == "0" && $2 == "" { print $3 }' "/proc/$pid/cgroup")
		mnt=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup2") print $4, $5 }' \
		    /proc/self/mountinfo | head -n 1)
	else
		path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++)
		    if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
		mnt=$(awk -v c="$ctrl" '{ for (i = 7; $i != "-"; i++);
		    if ($(i+1) != "cgroup") next; n = split($(i+3), o, ",");
		    for (j = 1; j <= n; j++) if (o[j] == c) { print $4, $5; exit } }' \
		    /proc/self/mountinfo)
	fi
	[ -n "$path" ] && [ -n "$mnt" ] || return 1
	# mnt is "ROOT MOUNTPOINT"; a cgroup namespace may show a non-/ root.
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $mnt
	[ "$1" = / ] || path=${path#"$1"}
	printf '%s%s\n' "$2" "$path"
}

# ---------------------------------------------------------------- haled

# hale_free_port: a TCP port on 127.0.0.1 that nobody listens on now.
hale_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# hale_start [HALED ARGS...]: start $HALED on a free loopback port, wait
# for /healthz to answer 200.  Adds --docker.host for the private engine
# and --log.level=debug unless given.  Sets HALE_URL HALE_PORT HALE_PID
# HALE_LOG.
hale_start() {
	local haled=${HALED:-${top_builddir:-.}/src/haled} args=() a
	local want_docker=1 want_level=1 cmd=()
	if _hale_pid_alive "${HALE_PID:-}"; then
		fail "hale_start: haled $HALE_PID already runs"
	fi
	[ -x "$haled" ] || fail "hale_start: no haled at $haled (set HALED)"
	if [ "${HALE_VALGRIND:-0}" = 1 ] && [ "$HALE_SLOW" -lt 5 ]; then
		HALE_SLOW=5
	fi
	hale_tmpdir
	for a in "$@"; do
		case "$a" in
		--docker.host=*) want_docker=0 ;;
		--log.level=*) want_level=0 ;;
		esac
	done
	HALE_PORT=$(hale_free_port)
	# HALE_SCHEME=https for a TLS web config (curl takes its CA from CURL_CA_BUNDLE).
	HALE_URL=${HALE_SCHEME:-http}://127.0.0.1:$HALE_PORT
	HALE_LOG=$HALE_TMP/haled.$HALE_PORT.log
	export HALE_PORT HALE_URL HALE_LOG
	args=(--web.listen-address="127.0.0.1:$HALE_PORT")
	if [ "$want_docker" = 1 ] && [ -n "${HALE_DOCKER_SOCK:-}" ]; then
		args+=(--docker.host="unix://$HALE_DOCKER_SOCK")
	fi
	[ "$want_level" = 1 ] && args+=(--log.level=debug)
	if [ "${HALE_VALGRIND:-0}" = 1 ]; then
		# shellcheck disable=SC2054 # the comma belongs to the option
		cmd=(valgrind --leak-check=full --error-exitcode=99
		    --errors-for-leak-kinds=definite,indirect
		    --log-file="$HALE_LOG.valgrind")
	fi
	"${cmd[@]}" "$haled" "${args[@]}" "$@" </dev/null >>"$HALE_LOG" 2>&1 &
	HALE_PID=$!
	export HALE_PID
	if [ "${_HALE_STOP_SET:-0}" = 0 ]; then
		hale_on_exit _hale_kill_haled
		_HALE_STOP_SET=1
	fi
	if ! wait_until $((10 * HALE_SLOW)) _hale_healthy; then
		printf '# haled log %s:\n' "$HALE_LOG" >&2
		tail -n 40 "$HALE_LOG" | sed 's/^/# /' >&2
		fail "haled did not answer /healthz on $HALE_URL"
	fi
}

_hale_healthy() {
	if ! _hale_pid_alive "$HALE_PID"; then
		printf '# haled exited during start\n' >&2
		tail -n 40 "$HALE_LOG" | sed 's/^/# /' >&2
		fail "haled exited during start"
	fi
	[ "$(http_status /healthz)" = 200 ]
}

# hale_stop: SIGTERM haled, wait, return its exit status (valgrind's 99
# for leaks).  The log tail is printed when the status is not 0.
hale_stop() {
	local rc=0
	[ -n "${HALE_PID:-}" ] || fail "hale_stop: haled not started"
	kill -TERM "$HALE_PID" 2>/dev/null || true
	if ! wait_until $((10 * HALE_SLOW)) eval "! _hale_pid_alive $HALE_PID" 2>/dev/null; then
		printf '# haled %s ignored SIGTERM, killing\n' "$HALE_PID" >&2
		kill -KILL "$HALE_PID" 2>/dev/null || true
	fi
	wait "$HALE_PID" 2>/dev/null || rc=$?
	if [ "$rc" != 0 ]; then
		printf '# haled exited with %s; log %s:\n' "$rc" "$HALE_LOG" >&2
		tail -n 40 "$HALE_LOG" | sed 's/^/# /' >&2
		if [ -f "$HALE_LOG.valgrind" ]; then
			tail -n 60 "$HALE_LOG.valgrind" | sed 's/^/# /' >&2
		fi
	fi
	unset HALE_PID
	# Not a status a test may expect: a sanitizer's finding fails the
	# test here, or (from the EXIT trap's cleanup) when the trap ends.
	if ! hale_sanitizer_check || [ "$rc" = "$HALE_SANITIZER_RC" ]; then
		_HALE_SANITIZED=1
		[ "${_HALE_EXITING:-0}" = 1 ] || fail "haled exited $rc after a sanitizer finding"
	fi
	return "$rc"
}

_hale_kill_haled() {
	if _hale_pid_alive "${HALE_PID:-}"; then
		hale_stop || true
	fi
}

# http_get PATH [CURL ARGS...]: body of GET $HALE_URL$PATH.
http_get() {
	local p=$1
	shift
	curl -sS --max-time 10 "$@" "$HALE_URL$p"
}

# http_status PATH [CURL ARGS...]: HTTP status code of GET (000: no answer).
http_status() {
	local p=$1
	shift
	curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$HALE_URL$p" || true
}

# http_grep PATH GREP-ARGS...: grep the body of GET PATH. Use it instead of
# `http_get PATH | grep -q`: grep's early exit SIGPIPEs curl, and under
# pipefail that pipeline then fails even though the text was there.
http_grep() {
	local p=$1 body
	shift
	body=$(http_get "$p") || return 1
	grep "$@" <<<"$body"
}
