#!/bin/bash
# Least privilege, as the README's "Least privilege" section states it,
# on the host (setpriv starts haled as uid 65532 with no_new_privs and
# the given capabilities, the way the systemd unit and its no-netns.conf
# drop-in do):
#  1. the docker group and no capability at all: the inventory, cgroup
#     metrics and network counters (/proc/<pid>/net/dev) of a container
#     run by root are there; a netns check is refused with its reason,
#     and a check that could only use the namespace too;
#  2. ambient CAP_SYS_ADMIN and CAP_SYS_PTRACE (the unit): the netns
#     check probes and turns healthy;
#  3. CAP_SYS_ADMIN alone: opening the container's /proc/<pid>/ns/net is
#     refused (Permission denied) and the check says so;
#  4. not in the docker group: Docker is unavailable with a hint naming
#     the group, and the host's cgroup metrics are still served.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require setpriv jq
haled=${HALED:?set HALED to the haled binary}
hale_tmpdir
# setpriv execs haled in place, so HALE_PID is haled's pid; valgrind
# cannot wrap the wrapper.
HALE_VALGRIND=0
export HALE_VALGRIND
hale_docker_start
hale_busybox_image
sock_gid=$(stat -c %g "$HALE_DOCKER_SOCK")
[ "$sock_gid" != 0 ] || fail "the private engine's socket has group 0: install docker.io (its docker group)"

# as_hale NAME CAPS GROUPS: a haled started by setpriv as 65532:65532 with
# supplementary GROUPS ("" for none) and the capabilities CAPS ("" for
# none) in its ambient, permitted and effective sets; prints its path.
as_hale() {
	local name=$1 caps=$2 groups=$3 args=()
	args=(--reuid=65532 --regid=65532 --no-new-privs)
	if [ -n "$groups" ]; then args+=(--groups="$groups"); else args+=(--clear-groups); fi
	if [ -n "$caps" ]; then
		args+=(--inh-caps="-all,$caps" --ambient-caps="$caps" --bounding-set="-all,$caps")
	else
		args+=(--inh-caps=-all --bounding-set=-all)
	fi
	{
		printf '#!/bin/sh\nexec setpriv'
		printf ' %q' "${args[@]}"
		printf ' %q "$@"\n' "$(realpath "$haled")"
	} >"$HALE_TMP/$name"
	chmod 755 "$HALE_TMP/$name"
	printf '%s\n' "$HALE_TMP/$name"
}
status() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
field() {	# field NAME JQ: a field of /api/v1/containers/NAME
	http_get "/api/v1/containers/$1" 2>/dev/null | jq -r "$2"
}
is() {	# is NAME JQ VALUE
	[ "$(field "$1" "$2")" = "$3" ]
}
metrics_have() {	# metrics_have STRING...: every one is in /metrics
	local m s
	m=$(http_get /metrics) || return 1
	for s in "$@"; do
		case "$m" in *"$s"*) ;; *) return 1 ;; esac
	done
}
# The containers run as root; their processes belong to root.
hale_httpd_container pv-ns none 8080 up --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.interval=1s \
    --label hale.check.rise=1 --label hale.check.target=netns >/dev/null
hale_httpd_container pv-auto none 8080 up --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.interval=1s >/dev/null
ns_id=$(hale_container_id pv-ns)
# A second interface, so that net/dev has a counter that is not loopback.
ns_pid=$(hale_container_pid pv-ns)
nsenter -t "$ns_pid" -n ip link add eth0 type veth peer name eth1
nsenter -t "$ns_pid" -n ip link set eth0 up
nsenter -t "$ns_pid" -n ip link set eth1 up

# ---------------------------------------------------------------- 1. no capability
HALED=$(as_hale none "" "$sock_gid") hale_start
assert_eq 65532 "$(status "$HALE_PID" Uid)" "uid"
assert_eq 0000000000000000 "$(status "$HALE_PID" CapEff)" "CapEff"
assert_eq 0000000000000000 "$(status "$HALE_PID" CapPrm)" "CapPrm"
wait_until $((10 * HALE_SLOW)) is pv-ns .state running || fail "pv-ns not listed: the socket"
wait_until $((10 * HALE_SLOW)) metrics_have \
    "container_memory_usage_bytes{id=\"/$HALE_CGROUP_PARENT/$ns_id\"" \
    "container_cpu_usage_seconds_total{id=\"/$HALE_CGROUP_PARENT/$ns_id\"" \
    "container_network_receive_bytes_total{id=\"/$HALE_CGROUP_PARENT/$ns_id\"" ||
	fail "cgroup or net/dev metrics of pv-ns missing as 65532 without capabilities"
ok "as 65532, docker group, no capability: inventory, cgroup and net/dev metrics of root's container"
wait_until $((10 * HALE_SLOW)) is pv-ns .health.check.state refused ||
	fail "pv-ns's netns check not refused: $(field pv-ns .health.check)"
assert_contains "$(field pv-ns .health.check.error)" "may not enter network namespaces" "pv-ns's reason"
assert_contains "$(field pv-auto .health.check.error)" "may not enter network namespaces" "pv-auto's reason"
log=$(cat "$HALE_LOG")
assert_contains "$log" "may not enter network namespaces" "the reason in the log"
ok "netns checks refused with their reason (API and log)"
hale_stop || fail "haled did not exit cleanly"

# ---------------------------------------------------------------- 2. the unit's two capabilities
HALED=$(as_hale both +sys_admin,+sys_ptrace "$sock_gid") hale_start
assert_eq 0000000000280000 "$(status "$HALE_PID" CapEff)" "CapEff = SYS_ADMIN|SYS_PTRACE"
wait_until $((15 * HALE_SLOW)) is pv-ns .health.status healthy ||
	fail "pv-ns never healthy with SYS_ADMIN and SYS_PTRACE: $(field pv-ns .health)"
ok "ambient SYS_ADMIN and SYS_PTRACE as 65532: the netns check probes (healthy)"
hale_stop || fail "haled did not exit cleanly"

# ---------------------------------------------------------------- 3. SYS_ADMIN alone
HALED=$(as_hale admin +sys_admin "$sock_gid") hale_start
assert_eq 0000000000200000 "$(status "$HALE_PID" CapEff)" "CapEff = SYS_ADMIN"
ns_denied() {
	local m
	m=$(field pv-ns '.health.last_results[]?.message, .health.check.error // empty')
	case "$m" in */ns/net:\ Permission\ denied*) return 0 ;; esac
	return 1
}
wait_until $((15 * HALE_SLOW)) ns_denied ||
	fail "no 'ns/net: Permission denied' without SYS_PTRACE: $(field pv-ns .health)"
is pv-ns .health.status healthy && fail "pv-ns healthy without SYS_PTRACE"
ok "SYS_ADMIN without SYS_PTRACE: /proc/<pid>/ns/net of root's process is refused"
hale_stop || fail "haled did not exit cleanly"

# ---------------------------------------------------------------- 4. no docker group
HALED=$(as_hale nogroup "" "") hale_start
wait_until $((10 * HALE_SLOW)) grep -q 'member of the socket.s group (docker)' "$HALE_LOG" ||
	fail "no hint naming the docker group: $(tail -5 "$HALE_LOG")"
metrics_have 'hale_docker_up 0' 'container_cpu_usage_seconds_total{id="/"' ||
	fail "without the socket: hale_docker_up 0 and the host's cgroup metrics expected"
ok "without the docker group: Docker unavailable with a hint, host metrics still served"
hale_stop || fail "haled did not exit cleanly"
