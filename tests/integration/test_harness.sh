#!/bin/bash
#
# Self-test of tests/integration/lib.sh: the assertion helpers can fail, the
# private engine starts, runs busybox containers on --network none and
# --network host, puts them in cgroups we can read, survives SIGKILL and a
# restart, and goes away leaving nothing behind -- also when the test that
# started it failed or was killed.  haled's helpers run against a stand-in
# (busybox httpd) so this test does not depend on haled working.
#
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
hale_require_root
hale_require python3 timeout pgrep awk

T0=$(hale_now_ms)
hale_tmpdir

# phase NAME START_MS: say how long a phase took.
phase() {
	printf '# %s: %s ms\n' "$1" "$(hale_elapsed "$2")"
}

# ------------------------------------------------------------ helpers fail
t=$(hale_now_ms)
assert_eq abc abc "assert_eq equal"
assert_contains "one two three" "two" "assert_contains"
assert_not_contains "one two three" "four" "assert_not_contains"
if (assert_eq a b) 2>/dev/null; then
	fail "assert_eq accepted a != b"
fi
if (assert_contains "abc" "x") 2>/dev/null; then
	fail "assert_contains accepted a missing needle"
fi
out=$( (fail "deliberate") 2>&1) && fail "fail returned 0"
assert_eq "not ok - deliberate" "$out" "fail's message"
ok "assertion helpers pass and fail"

wait_until 2 true || fail "wait_until true"
s=$(hale_now_ms)
if wait_until 1 false 2>/dev/null; then
	fail "wait_until false succeeded"
fi
e=$(hale_elapsed "$s")
if [ "$e" -lt 1000 ] || [ "$e" -ge 3000 ]; then
	fail "wait_until 1 false took $e ms"
fi
n=0
bump() { n=$((n + 1)); [ "$n" -ge 3 ]; }
wait_until 5 bump || fail "wait_until did not retry"
assert_eq 3 "$n" "wait_until polls until success"
ok "wait_until polls and times out (${e} ms for 1 s)"

rc=0
out=$(bash -c '. "$1"; hale_on_exit echo first; hale_on_exit echo "second word"; exit 3' \
    _ "$here/lib.sh") || rc=$?
assert_eq 3 "$rc" "exit status kept through the EXIT trap"
assert_eq "second word
first" "$out" "cleanups run newest first"
ok "hale_on_exit chains cleanups and keeps the exit status"
phase helpers "$t"

# ------------------------------------------------------------ other engines
# Every dockerd running now is someone else's: it must survive this test.
others=$(pgrep -x dockerd | tr '\n' ' ' || true)
sys_ok=0
if [ -S /var/run/docker.sock ]; then
	docker -H unix:///var/run/docker.sock ps -q >/dev/null ||
	    fail "system dockerd does not answer before the test"
	sys_ok=1
fi
printf '# other dockerd pids: %s; system socket: %s\n' "${others:-none}" \
    "$([ "$sys_ok" = 1 ] && echo answers || echo absent)"

# ------------------------------------------------------------ engine
t=$(hale_now_ms)
hale_docker_start
phase "engine start" "$t"
dir=$HALE_DOCKER_DIR
assert_eq "unix://$dir/docker.sock" "$DOCKER_HOST" "DOCKER_HOST"
[ -S "$HALE_DOCKER_SOCK" ] || fail "no socket at $HALE_DOCKER_SOCK"
[ ${#HALE_DOCKER_SOCK} -lt 90 ] || fail "socket path too long: $HALE_DOCKER_SOCK"
assert_eq "$dir/data" "$(docker info -f '{{.DockerRootDir}}')" "docker CLI reaches the private engine"
assert_eq cgroupfs "$(docker info -f '{{.CgroupDriver}}')" "cgroup driver"
cpid=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
if [ -n "$cpid" ]; then
	ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$cpid/stat")
	assert_eq "$HALE_DOCKER_PID" "$ppid" "containerd is dockerd's child"
	printf '# containerd: managed by dockerd, pid %s, %s\n' "$cpid" \
	    "$dir/exec/containerd/containerd.sock"
else
	printf '# containerd: dockerd uses an existing containerd (namespace hale-test)\n'
fi
ok "private engine answers on $HALE_DOCKER_SOCK"

t=$(hale_now_ms)
hale_busybox_image
img=$(docker image inspect -f '{{.Id}}' "$HALE_IMAGE")
hale_busybox_image
assert_eq "$img" "$(docker image inspect -f '{{.Id}}' "$HALE_IMAGE")" "image kept"
# shellcheck disable=SC2016 # expanded inside the container
out=$(docker run --rm --network none "$HALE_IMAGE" sh -c 'echo "$PATH"; busybox true && echo bb')
assert_eq "/bin
bb" "$out" "PATH and the busybox binary in the image"
phase "image" "$t"
ok "busybox image imported once, PATH=/bin, binary intact"

# ------------------------------------------------------------ --network none
t=$(hale_now_ms)
body="hale netns $$ $RANDOM"
hale_httpd_container web none 8080 "$body" >/dev/null
assert_eq none "$(docker inspect -f '{{.HostConfig.NetworkMode}}' web)" "network mode"
pid=$(hale_container_pid web)
id=$(hale_container_id web)
[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
    fail "container shares our network namespace"
wait_until 10 hale_netns_curl "$pid" http://127.0.0.1:8080/ -o /dev/null 2>/dev/null ||
    fail "httpd in the container never answered"
assert_eq "$body" "$(hale_netns_curl "$pid" http://127.0.0.1:8080/)" "curl via nsenter"
assert_eq "$body" "$(nsenter -t "$pid" -n busybox wget -q -O - http://127.0.0.1:8080/)" \
    "busybox wget via nsenter"
phase "netns container" "$t"
ok "--network none container reached inside its namespace"

# ------------------------------------------------------------ --network host
t=$(hale_now_ms)
port=$(hale_free_port)
hale_tcp_container hostnc host "$port" "nc $port" >/dev/null
wait_until 10 hale_tcp_open 127.0.0.1 "$port" || fail "nc never listened on 127.0.0.1:$port"
# shellcheck disable=SC2016 # expanded by the inner bash
reply=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat <&3' _ "$port")
assert_eq "nc $port" "$reply" "reply of nc on the host network"
grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$port") 00000000:0000 0A" /proc/net/tcp ||
    fail "nc does not listen on 127.0.0.1 only"
ok "--network host nc reachable on 127.0.0.1:$port (and bound to it only)"
port=$(hale_free_port)
hale_httpd_container hostweb host "$port" "host $port" >/dev/null
wait_until 10 hale_tcp_open 127.0.0.1 "$port" || fail "nothing listens on 127.0.0.1:$port"
assert_eq "host $port" "$(curl -sS --max-time 5 "http://127.0.0.1:$port/")" "host-network httpd"
hpid=$(hale_container_pid hostweb)
assert_eq "$(readlink /proc/self/ns/net)" "$(readlink "/proc/$hpid/ns/net")" "host netns"
phase "host container" "$t"
ok "--network host container reachable on 127.0.0.1:$port"

# ------------------------------------------------------------ cgroups
printf '# /proc/%s/cgroup of container %s:\n' "$pid" "${id:0:12}"
sed 's/^/#   /' "/proc/$pid/cgroup"
suffix=/$HALE_CGROUP_PARENT/$id
# num FILE: the file holds one non-negative integer.
num() {
	local v
	v=$(cat "$1") || fail "cannot read $1"
	case "$v" in
	'' | *[!0-9]*) fail "$1 holds '$v', not a number" ;;
	esac
	printf '%s\n' "$v"
}
cgdirs=()
if [ -d /sys/fs/cgroup/memory ]; then
	mem=$(hale_cgroup_dir "$pid" memory)
	cpuacct=$(hale_cgroup_dir "$pid" cpuacct)
	for d in "$mem" "$cpuacct"; do
		assert_contains "$d" "$suffix" "cgroup path ends in the container id"
		grep -qx "$pid" "$d/cgroup.procs" || fail "$pid not in $d/cgroup.procs"
	done
	u=$(num "$mem/memory.usage_in_bytes")
	[ "$u" -gt 0 ] || fail "memory.usage_in_bytes is 0"
	c=$(num "$cpuacct/cpuacct.usage")
	[ "$c" -gt 0 ] || fail "cpuacct.usage is 0"
	printf '# v1 memory  %s: usage_in_bytes=%s\n' "$mem" "$u"
	printf '# v1 cpuacct %s: usage=%s\n' "$cpuacct" "$c"
	cgdirs+=("$mem" "$cpuacct")
	ok "v1 memory.usage_in_bytes and cpuacct.usage readable"
fi
if unified=$(hale_cgroup_dir "$pid" unified 2>/dev/null); then
	assert_contains "$unified" "$suffix" "unified path ends in the container id"
	grep -q '^usage_usec [0-9]' "$unified/cpu.stat" || fail "no usage_usec in $unified/cpu.stat"
	if [ -d /sys/fs/cgroup/memory ]; then
		# Hybrid: the v2 tree has no controllers, only cpu.stat and PSI.
		if [ -e /proc/pressure/cpu ]; then
			grep -q '^some avg10=' "$unified/cpu.pressure" || fail "no cpu.pressure"
			[ -f "$unified/memory.pressure" ] || fail "no memory.pressure"
		fi
	else
		num "$unified/memory.current" >/dev/null
	fi
	printf '# v2 %s: %s\n' "$unified" "$(grep usage_usec "$unified/cpu.stat")"
	cgdirs+=("$unified")
	ok "unified cgroup cpu.stat readable"
fi
[ ${#cgdirs[@]} -gt 0 ] || fail "found no cgroup of the container"

# ------------------------------------------------------------ SIGKILL, restart
t=$(hale_now_ms)
old=$HALE_DOCKER_PID
hale_docker_kill
! hale_docker_ping || fail "engine answers after SIGKILL"
! docker ps >/dev/null 2>&1 || fail "docker ps works after SIGKILL"
_hale_pid_alive "$pid" || fail "container died with the engine"
hale_docker_restart_engine
[ "$HALE_DOCKER_PID" != "$old" ] || fail "same dockerd pid after restart"
hale_docker_ping || fail "no ping after restart"
# Without --live-restore the engine stops what it found running.
assert_eq exited "$(docker inspect -f '{{.State.Status}}' web)" "web after restart"
docker start web >/dev/null
pid=$(hale_container_pid web)
wait_until 10 hale_netns_curl "$pid" http://127.0.0.1:8080/ -o /dev/null 2>/dev/null ||
    fail "web did not come back"
assert_eq "$body" "$(hale_netns_curl "$pid" http://127.0.0.1:8080/)" "web after restart"
phase "kill + restart" "$t"
ok "engine killed with SIGKILL and restarted on the same dirs"

# ------------------------------------------------------------ haled helpers
dummy=$HALE_TMP/fake-haled
cat >"$dummy" <<'EOF'
#!/bin/bash
# Stands in for haled: busybox httpd serves /healthz; exits FAKE_RC on TERM.
addr=
for a in "$@"; do
	case "$a" in --web.listen-address=*) addr=${a#*=} ;; esac
done
printf '%s\n' "$@" >"$0.args"
www=$(mktemp -d)
echo healthy >"$www/healthz"
echo "level=info msg=\"fake haled\" addr=$addr" >&2
busybox httpd -f -p "$addr" -h "$www" &
child=$!
trap 'kill "$child"; wait "$child"; rm -rf "$www"; exit "${FAKE_RC:-0}"' TERM
wait "$child"
EOF
chmod +x "$dummy"
t=$(hale_now_ms)
HALED=$dummy hale_start --config.file=/dev/null
assert_eq 200 "$(http_status /healthz)" "healthz status"
assert_eq healthy "$(http_get /healthz)" "healthz body"
assert_eq 404 "$(http_status /nope)" "missing page"
fargs=$(cat "$dummy.args")
assert_contains "$fargs" "--web.listen-address=127.0.0.1:$HALE_PORT" "listen flag"
assert_contains "$fargs" "--docker.host=unix://$HALE_DOCKER_SOCK" "docker flag added"
assert_contains "$fargs" "--log.level=debug" "log level added"
assert_contains "$fargs" "--config.file=/dev/null" "caller's flag passed"
assert_contains "$(cat "$HALE_LOG")" 'msg="fake haled"' "stderr in HALE_LOG"
hale_stop || fail "hale_stop returned $?"
assert_eq 000 "$(http_status /healthz)" "nothing answers after hale_stop"
ok "hale_start/hale_stop against a stand-in haled"

FAKE_RC=3 HALED=$dummy hale_start --docker.host=unix:///nonexistent --log.level=warn
fargs=$(cat "$dummy.args")
assert_not_contains "$fargs" "--docker.host=unix://$HALE_DOCKER_SOCK" "caller's docker.host kept"
assert_not_contains "$fargs" "--log.level=debug" "caller's log level kept"
rc=0
hale_stop 2>/dev/null || rc=$?
assert_eq 3 "$rc" "hale_stop returns haled's exit status"
s=$(hale_now_ms)
if (HALED=/bin/false hale_start) 2>/dev/null; then
	fail "hale_start accepted a haled that exits"
fi
[ "$(hale_elapsed "$s")" -lt 5000 ] || fail "hale_start took long to see haled exit"
phase "haled helpers" "$t"
ok "hale_stop passes the exit status; hale_start fails fast on an early exit"

# A sanitizer's finding fails the test: the exit status it sets, or a
# report file (in a subshell, whose fail ends only the subshell).
case "$ASAN_OPTIONS" in
*exitcode=86*log_path="$HALE_TMP"/asan*) ;;
*) fail "ASAN_OPTIONS not set by hale_tmpdir: $ASAN_OPTIONS" ;;
esac
assert_contains "$UBSAN_OPTIONS" "halt_on_error=1" "UBSAN_OPTIONS"
if out=$( (FAKE_RC=86 HALED=$dummy hale_start && hale_stop) 2>&1); then
	fail "hale_stop passed a haled that exited 86"
fi
assert_contains "$out" "sanitizer finding" "exit 86 reported"
if out=$( (HALED=$dummy hale_start && printf 'ERROR: AddressSanitizer: fake\n' \
    >"$HALE_TMP/asan.4242" && hale_stop) 2>&1); then
	fail "hale_stop passed a haled that left a sanitizer report"
fi
assert_contains "$out" "AddressSanitizer: fake" "the report is printed"
[ ! -e "$HALE_TMP/asan.4242" ] || fail "the report would fail the test a second time"
ok "a sanitizer's exit status (86) or report fails hale_stop, the report printed once"

# ------------------------------------------------------------ stop
t=$(hale_now_ms)
pids="$pid $hpid $HALE_DOCKER_PID $(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)"
hale_docker_stop
phase "engine stop" "$t"
[ ! -e "$dir" ] || fail "$dir still exists"
! grep -qF "$dir" /proc/self/mountinfo || fail "mounts left under $dir"
! pgrep -f "$dir" >/dev/null || fail "processes left: $(pgrep -af "$dir")"
for p in $pids; do
	! _hale_pid_alive "$p" || fail "pid $p survived hale_docker_stop"
done
for d in "${cgdirs[@]}"; do
	[ ! -d "$d" ] || fail "cgroup $d left behind"
done
[ -z "${DOCKER_HOST:-}" ] || fail "DOCKER_HOST still set"
hale_docker_stop	# idempotent
ok "engine stopped: no dir, mounts, processes or container cgroups left"

# ------------------------------------------------------------ live restore
t=$(hale_now_ms)
hale_docker_start --live-restore
hale_busybox_image
hale_httpd_container lr none 8081 live >/dev/null
lpid=$(hale_container_pid lr)
hale_docker_kill
hale_docker_restart_engine
assert_eq "true $lpid" "$(docker inspect -f '{{.State.Running}} {{.State.Pid}}' lr)" \
    "container kept across the restart"
wait_until 10 hale_netns_curl "$lpid" http://127.0.0.1:8081/ -o /dev/null 2>/dev/null ||
    fail "lr stopped answering"
dir=$HALE_DOCKER_DIR
hale_docker_stop
[ ! -e "$dir" ] || fail "live-restore engine left $dir"
! _hale_pid_alive "$lpid" || fail "live-restore container $lpid survived"
phase "live restore" "$t"
ok "--live-restore keeps containers across SIGKILL + restart"

# ------------------------------------------------------------ crashed tests
# A failing test still tears its engine down, and says why it failed.
t=$(hale_now_ms)
rc=0
out=$(bash -c '. "$1"; hale_docker_start; echo "dir=$HALE_DOCKER_DIR"; fail deliberate' \
    _ "$here/lib.sh" 2>&1) || rc=$?
assert_eq 1 "$rc" "failing test's exit status"
assert_contains "$out" "not ok - deliberate" "failure message"
assert_contains "$out" "last lines of dockerd log" "diagnostics on failure"
d=$(printf '%s\n' "$out" | sed -n 's/^dir=//p')
[ -n "$d" ] || fail "failing test printed no dir"
[ ! -e "$d" ] || fail "failed test left $d"
ok "a failing test removes its engine and prints the dockerd log"

# A test that passes while a sanitizer wrote a report (a haled stopped by
# the EXIT trap, or one the test ran itself) fails at exit.
rc=0
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(bash -c '. "$1"; hale_tmpdir
	printf "ERROR: LeakSanitizer: fake\n" >"$HALE_TMP/asan.77"; ok passing' \
    _ "$here/lib.sh" 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status of a passing test with a sanitizer report"
assert_contains "$out" "LeakSanitizer: fake" "the report is printed"
ok "a sanitizer report left at exit fails a test that passed"

# A test killed with SIGKILL (after its dockerd, leaving containers under
# orphaned shims) is cleaned up by the next engine start.
# (The subshell keeps bash's "Killed" report off the output.)
(bash -c '. "$1"; hale_docker_start; hale_busybox_image
	hale_httpd_container orphan none 8082 x >/dev/null
	hale_container_pid orphan >"$2.pid"; echo "$HALE_DOCKER_DIR" >"$2"
	kill -KILL "$HALE_DOCKER_PID"; kill -KILL $$' _ "$here/lib.sh" "$HALE_TMP/orphan") \
    2>/dev/null || true
d=$(cat "$HALE_TMP/orphan")
opid=$(cat "$HALE_TMP/orphan.pid")
[ -d "$d" ] || fail "orphan set-up failed: no $d"
_hale_pid_alive "$opid" || fail "orphan set-up failed: container not running"
reaped=$(hale_docker_reap_stale 2>&1 | sed -n 's/^# reaping stale engine \([^ ]*\) .*/\1/p')
assert_eq "$d" "$reaped" "only the orphaned engine is reaped"
[ ! -e "$d" ] || fail "stale engine $d not reaped"
! pgrep -f "$d" >/dev/null || fail "stale engine processes left: $(pgrep -af "$d")"
wait_until 5 eval "! _hale_pid_alive $opid" || fail "orphaned container $opid survived"
phase "crashed tests" "$t"
ok "an engine orphaned by a SIGKILLed test is reaped"

# ------------------------------------------------------------ others intact
# The harness signals only pids from its own dirs' pidfiles; on a shared
# machine another person's engine may come and go meanwhile, so this only
# notes it.  The system engine must answer as before.
for p in $others; do
	_hale_pid_alive "$p" ||
	    printf '# note: dockerd %s (not ours) exited during the test\n' "$p"
done
if [ "$sys_ok" = 1 ]; then
	docker -H unix:///var/run/docker.sock ps -q >/dev/null ||
	    fail "system dockerd does not answer after the test"
	ok "system dockerd still answers"
fi

printf '# %s checks ok in %s ms\n' "$HALE_OK_COUNT" "$(hale_elapsed "$T0")"
