#!/bin/bash
# Resource metrics end to end: haled on fixture trees it reads
# through --path.sysfs/--path.procfs, and haled on this machine's real
# (hybrid) cgroups side by side with Docker's own stats API.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require promtool curl /usr/bin/python3
hale_tmpdir
fixtures=$(cd "$(dirname "$0")/../fixtures/cgroup" && pwd)
om_accept='application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'

# The strict OpenMetrics parser of Debian's python3-prometheus-client.
om_check() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))
assert any(f.name == "container_cpu_usage_seconds" for f in fams), [f.name for f in fams]
PY
}

# golden_check GOT EXPECTED WHAT: GOT without comments, self metrics and
# container_last_seen equals EXPECTED.
golden_check() {
	grep -v '^hale_\|^process_\|^container_last_seen' "$1" | { [ "${1##*.}" = om ] && cat || grep -v '^# '; } >"$1.cmp"
	diff -u "$2" "$1.cmp" >&2 || fail "$3: /metrics differs from $2"
}

# --- fixture trees: every layout, text and OpenMetrics ---
# min_interval 0s: every scrape reads the files again.
printf '{"metrics": {"min_interval": "0s"}}\n' >"$HALE_TMP/zero.json"
for tree in v2-systemd v2-cgroupfs v1 hybrid; do
	hale_start --config.file="$HALE_TMP/zero.json" --path.sysfs="$fixtures/$tree/sys" --path.procfs="$fixtures/$tree/proc" \
	    --docker.host=unix:///nonexistent/docker.sock
	http_get /metrics >"$HALE_TMP/$tree.txt"
	# The container and machine families, byte for byte as recorded in
	# tests/fixtures/cgroup/expected (container_last_seen is the clock).
	golden_check "$HALE_TMP/$tree.txt" "$fixtures/expected/$tree.prom" "$tree text"
	hale_promtool_check "$HALE_TMP/$tree.txt" || fail "$tree: promtool check metrics"
	grep -q '^container_cpu_usage_seconds_total{id="/",cpu="total"}' "$HALE_TMP/$tree.txt" ||
		fail "$tree: the host is exported as id=\"/\""
	n=$(grep -c '^container_memory_working_set_bytes{' "$HALE_TMP/$tree.txt" || true)
	[ "$n" -ge 3 ] || fail "$tree: expected the host and at least two containers, got $n"
	grep -q '^machine_cpu_cores{boot_id="[-0-9a-f]*",machine_id="[0-9a-f]*",system_uuid="[-0-9a-f]*"} ' "$HALE_TMP/$tree.txt" || fail "$tree: machine_cpu_cores with cAdvisor's labels"
	curl -s -H "Accept: $om_accept" "$HALE_URL/metrics" >"$HALE_TMP/$tree.om"
	golden_check "$HALE_TMP/$tree.om" "$fixtures/expected/$tree.om" "$tree OpenMetrics"
	om_check "$HALE_TMP/$tree.om" || fail "$tree: strict OpenMetrics parse"
	if [ "$tree" = v2-systemd ]; then
		# Its garbage and empty files: counted every scrape, logged once.
		for _ in 1 2 3; do http_get /metrics >/dev/null; done
		errs=$(http_get /metrics | awk '$1 == "hale_cgroup_read_errors_total" { print $2 }')
		[ "${errs:-0}" -ge 4 ] || fail "read errors counted every scrape (got ${errs:-none})"
		nlog=$(grep -c 'cgroup files unreadable or malformed' "$HALE_LOG" || true)
		assert_eq 1 "$nlog" "bad cgroup files logged once, not per scrape"
		ok "bad cgroup files: counted in hale_cgroup_read_errors_total ($errs), logged once"
	fi
	hale_stop
	ok "$tree tree: promtool and the strict OpenMetrics parser accept the output ($n working sets)"
done

# Exact numbers through the daemon (the unit tests check every one; here a few
# prove the flags reach the readers): v2-systemd container A, hand-written.
a=$(printf 'a1%.0s' $(seq 32))
grep -q "^container_spec_cpu_shares{id=\"/system.slice/docker-$a.scope\"} 2597\$" "$HALE_TMP/v2-systemd.txt" ||
	fail "v2-systemd: cpu.weight 100 must export 2597 shares"
if grep -q "^container_cpu_cfs_periods_total{id=\"/system.slice/docker-$a.scope\"" "$HALE_TMP/v2-systemd.txt"; then
	fail "v2-systemd: no cfs counters without a quota"
fi
ok "fixture values reach /metrics through --path.sysfs/--path.procfs"

# --- hostile files in a copy of a fixture tree ---
# An interface named with bytes that are not UTF-8 (the kernel allows
# 0x80-0xff), a FIFO where memory.stat should be (an open that waits for a
# writer) and a 10 MB cpu.stat: the scrape stays valid, nothing blocks the
# loop, and each bad file is one read error, logged once.
hostile=$HALE_TMP/hostile
cp -a "$fixtures/v2-systemd" "$hostile"
a_dir=$hostile/sys/fs/cgroup/system.slice/docker-$a.scope
printf '  \xff\xfe:     7       1    0    0    0     0          0         0        9       1    0    0    0     0       0          0\n' \
    >>"$hostile/proc/4242/net/dev"
rm "$a_dir/memory.stat"
mkfifo "$a_dir/memory.stat"
truncate -s 10M "$a_dir/cpu.stat"
hale_start --config.file="$HALE_TMP/zero.json" --path.sysfs="$hostile/sys" --path.procfs="$hostile/proc" \
    --docker.host=unix:///nonexistent/docker.sock
for _ in 1 2 3; do
	http_get /metrics --max-time 5 >"$HALE_TMP/hostile.txt" || fail "/metrics answers with a FIFO and a 10 MB file in the tree"
	[ "$(http_status /healthz --max-time 2)" = 200 ] || fail "/healthz answers while the tree holds a FIFO"
done
hale_promtool_check "$HALE_TMP/hostile.txt" || fail "promtool rejects the scrape of an interface named \\xff\\xfe"
grep -q "^container_network_receive_bytes_total{.*interface=\"$(printf '\xef\xbf\xbd\xef\xbf\xbd')\".*} 7\$" "$HALE_TMP/hostile.txt" ||
	fail "the interface named \\xff\\xfe is exported as U+FFFD U+FFFD"
curl -s -H "Accept: $om_accept" "$HALE_URL/metrics" >"$HALE_TMP/hostile.om"
om_check "$HALE_TMP/hostile.om" || fail "hostile tree: strict OpenMetrics parse"
if LC_ALL=C grep -q $'\xff' "$HALE_TMP/hostile.txt" "$HALE_LOG"; then
	fail "a raw 0xff byte reached /metrics or the log"
fi
errs=$(http_get /metrics | awk '$1 == "hale_cgroup_read_errors_total" { print $2 }')
[ "${errs:-0}" -ge 8 ] || fail "FIFO and 10 MB file counted as read errors every scrape (got ${errs:-none})"
nlog=$(grep -c 'cgroup files unreadable or malformed' "$HALE_LOG" || true)
assert_eq 1 "$nlog" "hostile files logged once, not per scrape"
hale_stop
ok "hostile tree: \\xff\\xfe interface name exported as U+FFFD, FIFO and 10 MB file refused ($errs errors), HTTP kept answering"

# --- this machine's cgroups with real containers, against Docker's stats API ---
hale_require_root
hale_docker_start
hale_busybox_image
# One container that holds memory, one that burns CPU under a quota.
docker run -d --name mem --network none hale-test/busybox \
    sh -c 'mkdir /m && mount -t tmpfs tmpfs /m 2>/dev/null; dd if=/dev/zero of=/tmp/fill bs=1M count=24 2>/dev/null; exec sleep 3600' >/dev/null
docker run -d --name cpu --network none --cpus 0.3 hale-test/busybox \
    sh -c 'while :; do :; done' >/dev/null
hale_start --config.file="$HALE_TMP/zero.json"
wait_until 10 http_grep /metrics -q 'name="cpu"' || fail "containers named in /metrics"

stats() {	# stats NAME -> "usage inactive_file cpu_ns" from the Docker stats API
	curl -s --unix-socket "$HALE_DOCKER_SOCK" \
	    "http://d/v1.41/containers/$1/stats?stream=false&one-shot=true" |
	/usr/bin/python3 -c 'import json,sys
s = json.load(sys.stdin); m = s["memory_stats"]; st = m.get("stats", {})
inactive = st.get("total_inactive_file", st.get("inactive_file", 0))
print(m["usage"], inactive, s["cpu_stats"]["cpu_usage"]["total_usage"])'
}
metric() {	# metric NAME CONTAINER -> value
	awk -v m="$1" -v n="name=\"$2\"" 'index($0, m "{") == 1 && index($0, n) { print $2; exit }' "$HALE_TMP/live.txt"
}

sleep 1
read -r usage inactive cpu_before < <(stats mem)
http_get /metrics >"$HALE_TMP/live.txt"
read -r usage2 inactive2 _ < <(stats mem)
hale_promtool_check "$HALE_TMP/live.txt" || fail "promtool on live output"
ws=$(metric container_memory_working_set_bytes mem)
[ -n "$ws" ] || fail "no working set for the mem container"
/usr/bin/python3 - "$ws" "$usage" "$inactive" "$usage2" "$inactive2" <<'PY' || fail "working set differs from Docker's usage - inactive_file"
import sys
ws, u1, i1, u2, i2 = map(float, sys.argv[1:])
lo, hi = sorted([u1 - i1, u2 - i2])
tol = max(256 * 1024, 0.05 * hi)
print(f"# haled working set {ws:.0f}, docker usage-inactive_file {lo:.0f}..{hi:.0f}")
sys.exit(0 if lo - tol <= ws <= hi + tol else 1)
PY
ok "container_memory_working_set_bytes agrees with Docker's stats API (usage - inactive_file)"

# CPU: haled's counter lies between two Docker readings taken around it,
# and rises monotonically.
prev=0
for i in 1 2 3; do
	read -r _ _ d1 < <(stats cpu)
	http_get /metrics >"$HALE_TMP/live.txt"
	read -r _ _ d2 < <(stats cpu)
	c=$(metric 'container_cpu_usage_seconds_total' cpu)
	/usr/bin/python3 - "$c" "$d1" "$d2" "$prev" <<'PY' || fail "CPU disagrees with Docker or went backwards"
import sys
c, d1, d2, prev = map(float, sys.argv[1:])
d1, d2 = d1 / 1e9, d2 / 1e9
print(f"# haled cpu {c:.6f}s, docker {d1:.6f}..{d2:.6f}s")
sys.exit(0 if c > prev and d1 - 0.01 <= c <= d2 + 0.01 else 1)
PY
	prev=$c
	sleep 0.5
done
ok "container_cpu_usage_seconds_total rises monotonically and agrees with Docker's stats API"
[ "$(metric container_spec_cpu_quota cpu)" = 30000 ] || fail "--cpus 0.3 is a quota of 30000us"
grep -q '^container_cpu_cfs_periods_total{.*name="cpu"' "$HALE_TMP/live.txt" || fail "cfs counters with a quota"
ok "CPU quota and cfs counters on the live hybrid host"

# Kept descriptors on the real cgroups: the CPU rising above was read
# through them. A restart (a new cgroup at the same path, another pid):
# the die event closes them, the next scrape opens the new cgroup's, whose
# counter starts again; a removal closes them at its event, before any
# scrape.
kept() { awk -v m="$1" '$1 == m { print $2 }' "$HALE_TMP/live.txt"; }
nfds() { local f=(/proc/"$HALE_PID"/fd/*); printf '%s\n' "${#f[@]}"; }
held=$(kept hale_cgroup_fds_open)
[ "$held" -ge 40 ] || fail "$held descriptors kept for the host and two containers"
[ "$(kept hale_cgroup_unkept_containers)" = 0 ] || fail "containers read without kept descriptors"
c0=$(metric container_cpu_usage_seconds_total cpu)
docker restart -t 0 cpu >/dev/null
sleep 1
http_get /metrics >"$HALE_TMP/live.txt"
c1=$(metric container_cpu_usage_seconds_total cpu)
[ -n "$c1" ] || fail "no CPU for the restarted container"
/usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$c1" "$c0" ||
	fail "CPU after the restart ($c1 s) is not the new cgroup's (was $c0 s)"
[ "$(kept hale_cgroup_fds_open)" = "$held" ] || fail "$(kept hale_cgroup_fds_open) descriptors after the restart, $held before"
ok "restarted container: CPU $c0 s -> $c1 s (the new cgroup's), $held descriptors kept for 3 cgroups before and after"

before=$(nfds)
docker rm -f mem >/dev/null
dropped() { [ "$(nfds)" -le $((before - 20)) ]; }
wait_until 5 dropped || fail "$(nfds) fds after the removal, $before before: its descriptors still open"
ok "a removed container's descriptors closed at its event ($before -> $(nfds) fds, no scrape between)"
wait_until 5 eval '! http_grep /metrics -q "name=\"mem\""' || fail "a removed container is gone from the next scrape"
ok "a removed container is gone from the next scrape"
hale_stop
echo "# test_cgroup: all passed"
