#!/bin/bash
# Faults around haled's peers: the Docker engine, probe targets and a
# webhook receiver.  After each one haled still answers, its inventory and
# metrics are exact again (docker_compare.py against docker inspect) and no
# descriptor or memory is left behind (faults_lib.sh states the slack).
#
#   1. probe targets in a container's namespace that accept and never
#      answer, answer garbage, trickle a byte a second: each check fails
#      with its reason within its timeout, /healthz stays fast
#   2. a webhook receiver that accepts and never answers: the restart
#      happens anyway, the delivery times out and is counted
#   3. dockerd SIGKILLed mid event stream, and mid restart (an action in
#      flight, which ends failed and is not sent again), started again on
#      the same socket: hale_docker_up 0 then 1, the inventory resyncs; a
#      docker stop (two kill events) logged once
#   4. the socket file removed, the engine restarted on a new one
#   5. engines that accept and never answer, and that send headers then
#      stall the body: the request timeout (30 s) fires, HTTP stays fast;
#      then the real engine behind the same paths: found, table exact
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hale_require_root
hale_require jq python3
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import prometheus_client' 2>/dev/null ||
	hale_skip "needs python3-prometheus-client"
here=$(cd "$(dirname "$0")" && pwd)
hale_tmpdir
hale_docker_start
hale_busybox_image

compare() {
	"$py" "$here/docker_compare.py" "$HALE_DOCKER_SOCK" "$HALE_URL" "$@"
}
exact() {
	compare --quiet 2>/dev/null && compare --metrics >/dev/null 2>&1
}
field() {
	curl -sf --max-time 5 "$HALE_URL/api/v1/containers/$1" | jq -r "$2"
}
is() {	# is NAME JQ VALUE
	[ "$(field "$1" "$2" 2>/dev/null)" = "$3" ]
}
metric_is() {	# metric_is NAME FILTER VALUE
	[ "$(fault_metric "$1" "$2")" = "$3" ]
}
metric_above() {	# metric_above NAME FILTER VALUE: more than VALUE
	local v
	v=$(fault_metric "$1" "$2")
	[ -n "$v" ] && [ "${v%.*}" -gt "$3" ]
}
# fast_during SECONDS: /healthz within 100 ms every 0.2 s for SECONDS.
fast_during() {
	local end=$(($(hale_now_ms) + $1 * 1000)) n=0
	while [ "$(hale_now_ms)" -lt "$end" ]; do
		fault_fast_healthz 100 || fail "/healthz slower than 100 ms ($2)"
		n=$((n + 1))
		sleep 0.2
	done
	printf '# /healthz fast %s times (%s)\n' "$n" "$2" >&2
}

# One python3 server for every misbehaving peer:
#   hang     accept, read nothing, answer nothing, keep the connection
#   garbage  answer bytes that are no HTTP, then close
#   trickle  a valid HTTP answer, one byte a second
#   stall    read the request, send headers promising a body, stall
# It listens on a TCP port (127.0.0.1, in whatever network namespace it
# was started) or a unix socket path, and logs each accept to stdout.
cat >"$HALE_TMP/peer.py" <<'EOF'
import os, socket, sys, threading, time
mode, where = sys.argv[1], sys.argv[2]
if where.startswith("/"):
    s = socket.socket(socket.AF_UNIX)
    s.bind(where)
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(where)))
s.listen(16)
held = []
def serve(c):
    try:
        if mode == "garbage":
            c.recv(4096)
            c.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
            c.close()
        elif mode == "trickle":
            c.recv(4096)
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                c.sendall(bytes([b]))
                time.sleep(1)
            c.close()
        elif mode == "stall":
            c.recv(4096)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 4096\r\n\r\n{\"Version\": ")
            held.append(c)
        else:
            held.append(c)
    except OSError:
        pass
while True:
    c, _ = s.accept()
    print("accept", flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
# peer MODE WHERE [NSPID]: start one (inside NSPID's network namespace if
# given); waits until it listens.
peer() {
	local mode=$1 where=$2 ns=${3:-} log
	log=$HALE_TMP/peer.$mode.${where##*/}.log
	if [ -n "$ns" ]; then
		nsenter -t "$ns" -n "$py" "$HALE_TMP/peer.py" "$mode" "$where" >"$log" 2>&1 &
	else
		"$py" "$HALE_TMP/peer.py" "$mode" "$where" >"$log" 2>&1 &
	fi
	PEER_PID=$!
	hale_on_exit fault_bg_stop "$PEER_PID"
	if [ "${where#/}" != "$where" ]; then
		wait_until 5 test -S "$where" || fail "peer $mode on $where did not start"
	elif [ -n "$ns" ]; then
		wait_until 5 nsenter -t "$ns" -n bash -c "exec 3<>/dev/tcp/127.0.0.1/$where" 2>/dev/null ||
			fail "peer $mode on $where in $ns did not start"
	else
		wait_until 5 hale_tcp_open 127.0.0.1 "$where" || fail "peer $mode on $where did not start"
	fi
}
accepts() {	# accepts MODE WHERE: connections the peer took
	grep -c accept "$HALE_TMP/peer.$1.${2##*/}.log" 2>/dev/null || true
}

HOOK_PORT=$(hale_free_port)
peer hang "$HOOK_PORT"
cat >"$HALE_TMP/hale.json" <<EOF
{"metrics": {"min_interval": "0s"},
 "notify": {"retries": 0,
            "webhooks": [{"url": "http://127.0.0.1:$HOOK_PORT/hook", "timeout": "1s"}]}}
EOF
docker run -d --name steady --network none "$HALE_IMAGE" sleep 100000 >/dev/null
docker create --name idle --network none "$HALE_IMAGE" true >/dev/null
hale_start --config.file="$HALE_TMP/hale.json"
wait_until 5 exact || { compare; fail "startup inventory differs from docker"; }
for _ in 1 2 3; do http_get /metrics >/dev/null; done
fault_baseline
ok "startup: inventory and metrics exact"

# ---- 1. probe targets that misbehave ------------------------------------

probe_labels() {	# probe_labels: an http check at 9000, 1 s timeout, fall 1
	printf '%s\n' --label hale.check=http --label hale.check.port=9000 \
	    --label hale.check.interval=3s --label hale.check.timeout=1s \
	    --label hale.check.fall=1
}
mapfile -t labels < <(probe_labels)
for m in hang garbage trickle; do
	docker run -d --name "p-$m" --network none "${labels[@]}" "$HALE_IMAGE" \
	    sleep 100000 >/dev/null
	peer "$m" 9000 "$(hale_container_pid "p-$m")"
done
# reason_is NAME RESULT: the last result, and its duration within the
# timeout (1 s, plus 300 ms for the loop to notice).
reason_is() {
	local d
	is "$1" '.health.last_results[-1].result' "$2" || return 1
	d=$(field "$1" '.health.last_results[-1].duration_seconds')
	python3 -c "import sys; sys.exit(0 if $d <= 1.3 * $HALE_SLOW else 1)" ||
		fail "$1: $2 after $d s, the timeout is 1 s"
}
fast_during 4 "probes hang, trickle and get garbage"
wait_until $((8 * HALE_SLOW)) reason_is p-hang timeout ||
	fail "p-hang: $(field p-hang .health.last_results)"
wait_until $((8 * HALE_SLOW)) reason_is p-trickle timeout ||
	fail "p-trickle: $(field p-trickle .health.last_results)"
wait_until $((8 * HALE_SLOW)) reason_is p-garbage error ||
	fail "p-garbage: $(field p-garbage .health.last_results)"
for m in hang garbage trickle; do
	wait_until 5 is "p-$m" .health.status unhealthy || fail "p-$m is not unhealthy"
	wait_until 5 metric_is hale_check_up "name=\"p-$m\"" 0 || fail "hale_check_up of p-$m"
done
ok "probes: hang and trickle time out within 1 s, garbage is an error ($(field p-garbage '.health.last_results[-1].message')); all unhealthy, hale_check_up 0"
docker rm -f p-hang p-garbage p-trickle >/dev/null
wait_until 5 exact || { compare; fail "not exact after the probe targets went"; }
fault_survived "misbehaving probe targets removed"

# ---- 2. a webhook receiver that hangs ------------------------------------

docker run -d --name w-sick --network none --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.path=/health \
    --label hale.check.interval=1s --label hale.check.fall=1 \
    --label hale.restart=on-unhealthy --label hale.restart.max=1 \
    --label hale.stop.timeout=1 "$HALE_IMAGE" sh -c '
	mkdir -p /var/www; [ -f /broken ] || echo ok >/var/www/health
	exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
wait_until $((10 * HALE_SLOW)) is w-sick .health.status healthy || fail "w-sick never healthy"
hooks0=$(accepts hang "$HOOK_PORT")
# Earlier events (the probe targets' health) went to the same receiver.
failed0=$(fault_metric hale_webhook_deliveries_total 'result="failed"')
failed0=${failed0:-0}
docker exec w-sick sh -c 'touch /broken; rm -f /var/www/health'
wait_until $((15 * HALE_SLOW)) metric_is hale_restarts_total 'name="w-sick",result="ok"' 1 ||
	fail "w-sick was not restarted while the webhook hangs"
fast_during 2 "a webhook delivery hangs"
wait_until $((10 * HALE_SLOW)) metric_above hale_webhook_deliveries_total 'result="failed"' "${failed0%.*}" ||
	fail "the hung delivery was not counted as failed: $(http_get /metrics | grep hale_webhook)"
[ "$(accepts hang "$HOOK_PORT")" -gt "$hooks0" ] || fail "the receiver was never called"
docker rm -f w-sick >/dev/null
wait_until 5 exact || { compare; fail "not exact after w-sick"; }
fault_survived "webhook receiver hung: restart done, delivery timed out after 1 s and counted failed"

# ---- 3. dockerd SIGKILLed mid event stream and mid restart ----------------

# Events flow while the engine dies: a loop creating and removing.
(
	i=0
	while :; do
		docker create --name "churn$i" --network none "$HALE_IMAGE" true >/dev/null 2>&1 || true
		docker rm -f "churn$((i - 1))" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
) &
churn=$!
hale_on_exit fault_bg_stop "$churn"
wait_until 10 eval '[ "$(fault_metric hale_docker_events_total "action=\"create\"")" -ge 3 ]' ||
	fail "no create events seen"
hale_docker_kill
fault_bg_stop "$churn"
wait_until 3 metric_is hale_docker_up "" 0 || fail "hale_docker_up not 0 after SIGKILL"
fast_during 2 "Docker down"
hale_docker_restart_engine
wait_until 10 metric_is hale_docker_up "" 1 || fail "haled did not reconnect"
wait_until 5 exact || { compare; fail "inventory not exact after the engine came back"; }
fault_survived "dockerd SIGKILLed mid event stream: hale_docker_up 0, then 1, inventory exact"

# A restart in flight: the container ignores SIGTERM (sh as pid 1, no
# init) and has a stop timeout of 20 s, so Docker holds the request.
docker run -d --name r-slow --network none --init=false --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.path=/health \
    --label hale.check.interval=1s --label hale.check.fall=1 \
    --label hale.restart=on-unhealthy --label hale.stop.timeout=20 \
    "$HALE_IMAGE" sh -c '
	mkdir -p /var/www; [ -f /broken ] || echo ok >/var/www/health
	httpd -f -p 127.0.0.1:8080 -h /var/www & while :; do sleep 1; done' >/dev/null
wait_until $((10 * HALE_SLOW)) is r-slow .health.status healthy || fail "r-slow never healthy"
docker exec r-slow sh -c 'touch /broken; rm -f /var/www/health'
wait_until $((10 * HALE_SLOW)) is r-slow .remediation.in_flight true ||
	fail "no restart in flight: $(field r-slow .remediation)"
sleep 1
hale_docker_kill
wait_until 3 metric_is hale_docker_up "" 0 || fail "hale_docker_up not 0 after SIGKILL"
wait_until 5 is r-slow .remediation.in_flight false ||
	fail "the restart is still in flight with the engine gone: $(field r-slow .remediation)"
failed=$(fault_metric hale_restarts_total 'name="r-slow",result="failed"')
# The answer was lost with the engine; the request must not have been
# sent again on a new connection (whose refusal would be the error).
lost=$(grep 'msg="remediation action failed" name=r-slow ' "$HALE_LOG" | grep -o 'err="[^"]*"' || true)
printf '# r-slow: %s\n' "$lost" >&2
[ -n "$lost" ] || fail "no log line for the lost restart"
assert_not_contains "$lost" "cannot connect" "the restart was sent a second time"
fast_during 1 "Docker down, a restart lost"
hale_docker_restart_engine
wait_until 10 metric_is hale_docker_up "" 1 || fail "haled did not reconnect"
wait_until 5 exact || { compare; fail "inventory not exact after the engine came back"; }
docker rm -f r-slow >/dev/null
wait_until 5 exact || { compare; fail "not exact after r-slow"; }
fault_survived "dockerd SIGKILLed mid restart: the action ended failed (${failed:-none}, $lost), hale_docker_up 0 then 1, inventory exact"

# docker stop of a container that ignores SIGTERM: kill 15, kill 9 a
# second later, die, stop.  One stop, one log line, not one per event.
docker run -d --name s-stop --network none --init=false "$HALE_IMAGE" \
    sh -c 'while :; do sleep 1; done' >/dev/null
wait_until 5 is s-stop .state running || fail "s-stop not running"
docker stop -t 1 s-stop >/dev/null
wait_until 5 is s-stop .state exited || fail "s-stop not exited"
sleep 0.5
c=$(grep -c 'msg="operator is stopping the container: no remediation" name=s-stop ' "$HALE_LOG" || true)
assert_eq 1 "$c" "log lines for one docker stop (two kill events)"
docker rm -f s-stop >/dev/null
ok "docker stop with two kill events: logged once"

# ---- 4. the socket file removed, the engine on a new one ------------------

rm -f "$HALE_DOCKER_SOCK"
# The stream in progress survives the unlink; the engine's death ends it.
metric_is hale_docker_up "" 1 || fail "an unlinked socket dropped the open stream"
hale_docker_kill
wait_until 3 metric_is hale_docker_up "" 0 || fail "hale_docker_up not 0"
fast_during 1 "no socket file"
docker_reconnects=$(fault_metric hale_docker_reconnects_total)
hale_docker_restart_engine
wait_until 10 metric_is hale_docker_up "" 1 || fail "haled did not find the new socket"
[ "$(fault_metric hale_docker_reconnects_total)" -gt "$docker_reconnects" ] ||
	fail "reconnects not counted"
docker run -d --name after-socket --network none "$HALE_IMAGE" sleep 100000 >/dev/null
wait_until 5 exact || { compare; fail "inventory not exact on the new socket"; }
fault_survived "socket removed, engine restarted on a new socket file: reconnected, inventory exact"
hale_stop || fail "haled did not exit cleanly after the engine faults"

# ---- 5. engines that never answer -----------------------------------------

peer hang "$HALE_TMP/hang.sock"
hang_pid=$PEER_PID
peer stall "$HALE_TMP/stall.sock"
stall_pid=$PEER_PID
# The stalled body in a second haled beside the first, so the 30 s pass once.
port2=$(hale_free_port)
log2=$HALE_TMP/haled.stall.log
"${HALED:-${top_builddir:-.}/src/haled}" --web.listen-address="127.0.0.1:$port2" \
    --docker.host="unix://$HALE_TMP/stall.sock" --log.level=debug \
    --config.file="$HALE_TMP/hale.json" </dev/null >>"$log2" 2>&1 &
pid2=$!
hale_on_exit fault_bg_stop "$pid2"
hale_start --config.file="$HALE_TMP/hale.json" --docker.host="unix://$HALE_TMP/hang.sock"
wait_until 5 eval '[ "$(curl -s -o /dev/null -w %{http_code} http://127.0.0.1:'"$port2"'/healthz)" = 200 ]' ||
	fail "the second haled did not start"
fault_baseline
start=$(hale_now_ms)
assert_eq 0 "$(fault_metric hale_docker_up)" "an engine that never answers is not up"
fast_during 5 "the engine never answers"
wait_until $((40 * HALE_SLOW)) grep -q 'msg="docker unavailable".*during=version.*imed out' "$HALE_LOG" ||
	fail "no timeout from an engine that never answers: $(grep docker "$HALE_LOG" | tail -n 3)"
t_hang=$(hale_elapsed "$start")
wait_until $((10 * HALE_SLOW)) eval '[ "$(accepts hang "$HALE_TMP/hang.sock")" -ge 2 ]' ||
	fail "haled did not try again after the timeout"
wait_until 5 grep -q 'msg="docker unavailable".*during=version.*imed out' "$log2" ||
	fail "no timeout from an engine that stalls its body: $(grep docker "$log2" | tail -n 3)"
body=$(curl -s --max-time 2 -w ' %{http_code} %{time_total}' "http://127.0.0.1:$port2/healthz")
printf '# second haled /healthz: %s\n' "$body" >&2
assert_contains "$body" " 200 " "/healthz of the haled whose engine stalls its body"
fault_survived "an engine that accepts and never answers: timed out after $t_hang ms, tried again"

# The fault gone: each socket path now leads to the real engine (a link
# to its socket).  Both haleds find it, and their tables are exact.
fault_bg_stop "$hang_pid"
fault_bg_stop "$stall_pid"
ln -sf "$HALE_DOCKER_SOCK" "$HALE_TMP/hang.sock"
ln -sf "$HALE_DOCKER_SOCK" "$HALE_TMP/stall.sock"
wait_until $((15 * HALE_SLOW)) metric_is hale_docker_up "" 1 ||
	fail "haled did not find the engine once the hung one was gone"
wait_until 5 exact || { compare; fail "inventory not exact after the hung engine"; }
# Connected, haled holds the events stream and libcurl's cached
# connections: more descriptors than the baseline taken while it was not.
assert_eq 200 "$(http_status /healthz --max-time 2)" "/healthz once connected"
ok "the hung engine replaced by the real one: connected, inventory exact"
wait_until $((15 * HALE_SLOW)) eval '"$py" "$here/docker_compare.py" "$HALE_DOCKER_SOCK" \
    "http://127.0.0.1:$port2" --quiet 2>/dev/null' ||
	fail "the second haled's table is not exact once its engine answers"
kill -TERM "$pid2"
rc2=0
wait "$pid2" || rc2=$?
assert_eq 0 "$rc2" "the second haled's exit status"
hale_sanitizer_check || fail "the second haled: a sanitizer finding"
ok "an engine that stalls its body: timed out ($(grep -o 'err="[^"]*imed out[^"]*"' "$log2" | head -n 1)), HTTP answered, exact once the real engine answers"
hale_stop || fail "haled did not exit cleanly after the stalled engines"
echo "# test_faults_docker: all passed"
