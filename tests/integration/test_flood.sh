#!/bin/bash
# An event flood does not starve HTTP: haled against a fake engine
# (flood_engine.py, on a real unix socket) that writes container events
# as fast as haled reads them. Under the flood /healthz answers within
# 200 ms and /metrics within 1 s (each scaled by HALE_SLOW); afterwards
# the table is exactly the engine's truth, including what changed during
# the flood (a container created, one destroyed, one exited). Prints the
# latencies and the event rate it measured.
#
# No Docker engine and no root needed: the engine is fake, its
# containers have no processes (pid 0), so only the Docker side is
# exercised.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
hale_require python3 curl jq
here=$(cd "$(dirname "$0")" && pwd)
hale_tmpdir
sock=$HALE_TMP/docker.sock
engine_pid=""

stop_engine() {
	if [ -n "$engine_pid" ]; then
		kill -TERM "$engine_pid" 2>/dev/null || true
		wait "$engine_pid" 2>/dev/null || true
	fi
}
hale_on_exit stop_engine
python3 "$here/flood_engine.py" "$sock" "$HALE_TMP" >"$HALE_TMP/engine.log" 2>&1 &
engine_pid=$!
wait_until 5 test -S "$sock" || fail "flood engine did not listen"

hale_start --docker.host="unix://$sock" --log.level=info

# haled's view: "name state" per container, sorted.
table() {
	http_get /api/v1/containers | jq -r '.[] | "\(.name) \(.state)"' | sort
}
matches_truth() {
	[ "$(table)" = "$(cat "$HALE_TMP/truth")" ]
}
# metric NAME: the sum of a family's samples in /metrics.
metric() {
	local m
	m=$(http_get /metrics) || return 1
	awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d\n", s }' <<<"$m"
}
lines_sent() {
	local s
	s=$(cat "$HALE_TMP/stats" 2>/dev/null) || s=0
	printf '%s\n' "${s%% *}"
}
# latency PATH N LIMIT_MS: N GETs; fails if one is slower than LIMIT_MS
# or not 200; prints "max=MS p50=MS".
latency() {
	local path=$1 n=$2 limit=$3 i out code t ms all=()
	for ((i = 0; i < n; i++)); do
		out=$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}' \
		    "$HALE_URL$path") || out="000 10"
		code=${out%% *}
		t=${out#* }
		ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
		[ "$code" = 200 ] || fail "$path answered $code under the flood"
		[ "$ms" -le "$limit" ] || fail "$path took $ms ms under the flood (limit $limit)"
		all+=("$ms")
		sleep 0.05
	done
	printf '%s\n' "${all[@]}" | sort -n |
	    awk '{ v[NR] = $1 } END { printf "p50=%d max=%d\n", v[int((NR + 1) / 2)], v[NR] }'
}

wait_until $((5 * HALE_SLOW)) matches_truth || fail "table before the flood: $(table)"
ok "table matches the engine before the flood"

touch "$HALE_TMP/flood"
# shellcheck disable=SC2016 # expanded by eval, each round
wait_until 10 eval '[ "$(lines_sent)" -gt 50000 ]' || fail "the flood did not start"
ev0=$(metric hale_docker_events_total)
t0=$(hale_now_ms)
hz=$(latency /healthz 30 $((200 * HALE_SLOW)))
ok "/healthz under the flood: $hz ms"
mx=$(latency /metrics 15 $((1000 * HALE_SLOW)))
ok "/metrics under the flood: $mx ms"
ev1=$(metric hale_docker_events_total)
rate=$(( (ev1 - ev0) * 1000 / ($(hale_elapsed "$t0") + 1) ))
printf '# events applied during the measurement: %d a second\n' "$rate" >&2
# A flood it is: far more events than any real engine sends.
[ "$rate" -gt 20000 ] || fail "only $rate events a second: no flood to speak of"
ok "haled applied $rate events a second meanwhile"
rm -f "$HALE_TMP/flood"

wait_until $((10 * HALE_SLOW)) matches_truth ||
	fail "table after the flood: $(table | tr '\n' ' ') (truth: $(tr '\n' ' ' <"$HALE_TMP/truth"))"
assert_contains "$(table)" "flood-new running" "the container created in the flood"
assert_not_contains "$(table)" "flood-old" "the container destroyed in the flood"
assert_contains "$(table)" "flood-1 exited" "the container that exited in the flood"
ok "table exact after the flood"

assert_eq 1 "$(metric hale_docker_up)" "docker still up"
assert_eq 0 "$(metric hale_docker_reconnects_total)" "no reconnect"
[ "$(metric hale_docker_events_coalesced_total)" -gt 0 ] || fail "no event coalesced"
[ "$(metric hale_docker_stream_pauses_total)" -gt 0 ] || fail "the stream was never paused"
ok "coalesced $(metric hale_docker_events_coalesced_total) events, paused the stream $(metric hale_docker_stream_pauses_total) times"
