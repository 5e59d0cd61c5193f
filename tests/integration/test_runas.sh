#!/bin/bash
# --run-as outside a container. haled is started as root the way Docker
# starts a container's uid 0 (no_new_privs, a bounding set of exactly
# SYS_ADMIN, SYS_PTRACE, SETUID and SETGID, a supplementary group from
# --group-add, group 0 beside it) and must become 65532 with exactly
# CAP_SYS_ADMIN and CAP_SYS_PTRACE, still probe a --network none container
# through its namespace, serve /metrics and reload. Then the refusals: no
# SETUID, no SETGID, a non-root start, unknown names, uid 0.
#
# The image's own run (docker run --user 0:0 ... --run-as) is in
# test_image.sh.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require setpriv nsenter curl python3
haled=${HALED:?set HALED to the haled binary}
hale_tmpdir
# setpriv execs haled in place: HALE_PID stays haled's pid. Valgrind cannot
# wrap the wrapper; the drop itself is a handful of system calls.
HALE_VALGRIND=0
export HALE_VALGRIND

# A config file the dropped user can read again on SIGHUP.
conf=$(mktemp -d /tmp/hale-runas.XXXXXX)
hale_on_exit rm -rf "$conf"
chmod 755 "$conf"
printf '{"log": {"level": "debug"}}\n' >"$conf/hale.json"
chmod 644 "$conf/hale.json"
# A sanitizer's report must be writable after the drop as well ($HALE_TMP
# is root's 0700).
mkdir -m 1777 "$conf/asan"
HALE_SANITIZER_DIR=$conf/asan
ASAN_OPTIONS=${ASAN_OPTIONS//"$HALE_TMP"\/asan/"$HALE_SANITIZER_DIR"\/asan}
UBSAN_OPTIONS=${UBSAN_OPTIONS//"$HALE_TMP"\/asan/"$HALE_SANITIZER_DIR"\/asan}
export ASAN_OPTIONS UBSAN_OPTIONS
# Looked at after haled's stop and before the rm above (newest first).
hale_on_exit hale_sanitizer_check

hale_docker_start
hale_busybox_image
sock_gid=$(stat -c %g "$HALE_DOCKER_SOCK")
[ "$sock_gid" != 0 ] || fail "the private engine's socket has group 0: install docker.io (its docker group)"

# status PID FIELD: a field of /proc/PID/status, blanks squeezed.
status() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ +/, ""); gsub(/[ \t]+/, " "); sub(/ $/, ""); print }' "/proc/$1/status"; }

# wrap NAME SETPRIV-ARGS...: a haled that setpriv starts with those args.
wrap() {
	local name=$1
	shift
	{
		printf '#!/bin/sh\nexec setpriv'
		printf ' %q' "$@"
		printf ' %q "$@"\n' "$(realpath "$haled")"
	} >"$HALE_TMP/$name"
	chmod 755 "$HALE_TMP/$name"
	printf '%s\n' "$HALE_TMP/$name"
}
# shellcheck disable=SC2054 # the commas belong to the options
as_docker_root=(--no-new-privs --inh-caps=-all
    --bounding-set=-all,+sys_admin,+sys_ptrace,+setuid,+setgid
    --groups="0,$sock_gid")

hale_httpd_container web none 8080 up --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.interval=1s \
    --label hale.check.rise=1 >/dev/null

# ---- the drop, as Docker's root would start it ----------------------------

start=$(hale_now_ms)
HALED=$(wrap docker-root "${as_docker_root[@]}") hale_start \
    --config.file="$conf/hale.json" --run-as=65532:65532
assert_eq "65532 65532 65532 65532" "$(status "$HALE_PID" Uid)" "Uid (real, effective, saved, fs)"
assert_eq "65532 65532 65532 65532" "$(status "$HALE_PID" Gid)" "Gid"
assert_eq "$(printf '%s\n' "$sock_gid" 65532 | sort -n | tr '\n' ' ' | sed 's/ $//')" \
    "$(status "$HALE_PID" Groups)" "Groups: the socket's group kept, 0 left behind"
assert_eq 0000000000280000 "$(status "$HALE_PID" CapEff)" "CapEff = SYS_ADMIN|SYS_PTRACE"
assert_eq 0000000000280000 "$(status "$HALE_PID" CapPrm)" "CapPrm"
assert_eq 0000000000000000 "$(status "$HALE_PID" CapInh)" "CapInh"
assert_eq 0000000000000000 "$(status "$HALE_PID" CapAmb)" "CapAmb"
assert_eq 1 "$(status "$HALE_PID" NoNewPrivs)" "no_new_privs (does not stop the drop)"
grep -q "msg=\"dropped root\" uid=65532 gid=65532 groups=65532,$sock_gid capabilities=sys_admin,sys_ptrace" "$HALE_LOG" ||
	fail "no log line of the drop: $(grep -m1 'run-as\|dropped' "$HALE_LOG" || true)"
ok "as Docker's root (no_new_privs, 4 capabilities, groups 0,$sock_gid): now 65532:65532, groups $sock_gid,65532, CapEff 0x280000, in $(hale_elapsed "$start") ms"

# shellcheck disable=SC2016 # expanded by eval, at each try
wait_until $((15 * HALE_SLOW)) eval '[ "$(http_get /api/v1/containers/web |
    python3 -c "import json,sys; print(json.load(sys.stdin)[\"health\"][\"status\"])" 2>/dev/null)" = healthy ]' ||
	fail "web never turned healthy through its namespace: $(http_get /api/v1/containers/web)"
target=$(http_get /api/v1/containers/web | python3 -c 'import json,sys; print(json.load(sys.stdin)["health"]["check"]["target"])')
assert_eq "netns 127.0.0.1:8080" "$target" "probe target"
metrics=$(http_get /metrics)
assert_contains "$metrics" 'hale_docker_up 1' "docker up through the socket's group"
grep -q '^hale_check_up{.*name="web".*} 1$' <<<"$metrics" || fail "hale_check_up for web is not 1"
assert_contains "$metrics" "container_memory_usage_bytes{id=\"/$HALE_CGROUP_PARENT/$(hale_container_id web)\"" "web's cgroup"
ok "as 65532: probes web (--network none) through its namespace, talks to Docker, serves /metrics"

kill -HUP "$HALE_PID"
wait_until 5 grep -q 'msg="config reloaded"' "$HALE_LOG" || fail "reload as 65532 failed: $(grep reload "$HALE_LOG" || true)"
ok "SIGHUP: the config file is read again as 65532"
hale_stop || fail "haled did not stop cleanly after the drop"
ok "clean shutdown after the drop"

# Plain root (every capability, no no_new_privs): the same two survive.
HALED=$(wrap plain-root --groups="$sock_gid") hale_start --run-as=nobody
assert_eq "65534 65534 65534 65534" "$(status "$HALE_PID" Uid)" "Uid of nobody"
assert_eq "65534 65534 65534 65534" "$(status "$HALE_PID" Gid)" "Gid of nobody (its primary group)"
assert_eq 0000000000280000 "$(status "$HALE_PID" CapEff)" "CapEff from a full set"
hale_stop
ok "--run-as=nobody from full root: uid/gid 65534 from /etc/passwd, CapEff 0x280000"

# Only one of the two given: only that one kept, and the namespace check
# says why it cannot run.
HALED=$(wrap ptrace-only --no-new-privs --bounding-set=-all,+sys_ptrace,+setuid,+setgid \
    --groups="$sock_gid") hale_start --run-as=65532:65532
assert_eq 0000000000080000 "$(status "$HALE_PID" CapEff)" "CapEff without SYS_ADMIN"
wait_until 10 grep -q 'may not enter network namespaces' "$HALE_LOG" ||
	fail "without SYS_ADMIN the netns check does not say why it cannot run"
hale_stop
ok "without SYS_ADMIN: CapEff 0x80000 (SYS_PTRACE alone), the netns check refused with its reason"

# ---- refusals: exit 1, the flag and the cause named --------------------

# refuse NAME SETPRIV-ARGS... -- HALED-ARGS... WANT: exits 1 saying WANT.
refuse() {
	local name=$1 sp=() a=() rc=0 want
	shift
	while [ "$1" != -- ]; do sp+=("$1"); shift; done
	shift
	while [ $# -gt 1 ]; do a+=("$1"); shift; done
	want=$1
	"$(wrap "$name" "${sp[@]}")" --web.listen-address=127.0.0.1:1 \
	    --docker.host=unix:///nonexistent "${a[@]}" >"$HALE_TMP/$name.out" 2>&1 || rc=$?
	assert_eq 1 "$rc" "$name: exit status"
	assert_contains "$(cat "$HALE_TMP/$name.out")" 'msg="cannot become the --run-as user"' "$name: names the flag"
	assert_contains "$(cat "$HALE_TMP/$name.out")" "$want" "$name: the cause"
}
refuse no-setuid --bounding-set=-all,+setgid,+sys_admin,+sys_ptrace -- \
    --run-as=65532:65532 'setuid(65532): Operation not permitted (that needs CAP_SETUID: --cap-add SETUID)'
refuse no-setgid --bounding-set=-all,+setuid,+sys_admin,+sys_ptrace -- \
    --run-as=65532:65532 'setgroups: Operation not permitted (that needs CAP_SETGID: --cap-add SETGID)'
refuse non-root --reuid=65532 --regid=65532 --clear-groups -- \
    --run-as=65533:65533 'haled runs as uid 65532 gid 65532, not as root'
refuse no-user --groups=0 -- --run-as=hale-no-such-user 'no user \"hale-no-such-user\" in /etc/passwd'
refuse no-group --groups=0 -- --run-as=65532:hale-no-such-group 'no group \"hale-no-such-group\" in /etc/group'
refuse root --groups=0 -- --run-as=0:0 'uid 0 is root'
refuse no-gid --groups=0 -- --run-as=4242 'uid 4242 has no entry in /etc/passwd to take its group from'
ok "refused with exit 1 naming --run-as: no SETUID, no SETGID, not root, unknown user or group, uid 0, no group for a bare uid"

# Started as that user already: nothing to do.
HALED=$(wrap same-user --reuid=65532 --regid=65532 --groups="$sock_gid") hale_start --run-as=65532
grep -q 'msg="already the --run-as user" uid=65532' "$HALE_LOG" || fail "no 'already the --run-as user' line"
assert_eq 0000000000000000 "$(status "$HALE_PID" CapEff)" "CapEff of a plain non-root start"
hale_stop
ok "started as 65532 with --run-as=65532: runs, nothing to drop"

printf '%d passed, 0 failed\n' "$HALE_OK_COUNT"
