#!/bin/bash
# Docker integration: haled's container table follows a real,
# private engine. Lifecycle changes show up in /api/v1/containers and
# /metrics within a second; hostile labels break nothing; a Docker
# HEALTHCHECK that turns unhealthy is reported; Docker SIGKILLed and
# started again is found again, and the table is exact afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require python3 promtool jq
# Debian's python3 has python3-prometheus-client; a pyenv shim first in
# PATH would not see it.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import prometheus_client' 2>/dev/null ||
	hale_skip "needs python3-prometheus-client"
hale_tmpdir
here=$(cd "$(dirname "$0")" && pwd)
hale_docker_start
hale_busybox_image

# compare [--metrics]: haled agrees with docker inspect (prints diffs).
compare() {
	"$py" "$here/docker_compare.py" "$HALE_DOCKER_SOCK" "$HALE_URL" "$@"
}
# within SECONDS CMD...: CMD succeeds within SECONDS (fractions allowed,
# scaled by HALE_SLOW); prints how long it took.
within() {
	local limit_ms start now
	limit_ms=$(python3 -c "print(int($1 * 1000 * $HALE_SLOW))")
	shift
	start=$(hale_now_ms)
	while :; do
		if "$@" 2>/dev/null; then
			printf '# %s ms: %s\n' "$(hale_elapsed "$start")" "$*" >&2
			return 0
		fi
		now=$(hale_elapsed "$start")
		[ "$now" -lt "$limit_ms" ] || return 1
		sleep 0.05
	done
}
# field NAME JQ: a field of /api/v1/containers/NAME.
field() {
	curl -sf "$HALE_URL/api/v1/containers/$1" | jq -r "$2"
}
is() {	# is NAME JQ VALUE
	[ "$(field "$1" "$2")" = "$3" ]
}
gone() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/api/v1/containers/$1")" = 404 ]
}
metric_has() {
	# Not curl | grep -q: grep's early exit SIGPIPEs curl, and pipefail fails it.
	local m
	m=$(curl -sf "$HALE_URL/metrics") || return 1
	grep -qF -- "$1" <<<"$m"
}
exact() {
	compare --quiet
}

# --- containers that exist before haled starts ---
docker run -d --name pre-run --network none \
    -l com.docker.compose.project=shop -l com.docker.compose.service=web \
    -l 'hostile=quote" backslash\ newline
end' hale-test/busybox sleep 100000 >/dev/null
docker create --name pre-created --network none hale-test/busybox true >/dev/null
docker run --name pre-exited --network none hale-test/busybox sh -c 'exit 3' || true

cfg=$HALE_TMP/hale.json
printf '{"metrics": {"min_interval": "0s"}}\n' >"$cfg"
hale_start --config.file="$cfg"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/api/v1/containers")" = 200 ] ||
	fail "haled does not serve /api/v1/containers"
readyz_200() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/readyz")" = 200 ]
}
within 5 readyz_200 || fail "/readyz never 200 with the engine up"
# Ready means Docker's first sync is done: the table is exact at once.
exact || { compare; fail "/readyz 200 before the inventory was complete"; }
ok "startup: /readyz 200 once the inventory is complete"
within 5 exact || { compare; fail "startup inventory differs from docker"; }
ok "startup: list + inspect match docker ps -a / inspect"
compare --metrics || fail "metrics at startup"
ok "startup: /metrics agrees (container_health_state, hale_containers, labels)"
curl -sf "$HALE_URL/metrics" >"$HALE_TMP/m.txt"
hale_promtool_check "$HALE_TMP/m.txt" || fail "promtool check metrics"
ok "promtool accepts /metrics with hostile label values"
metric_has 'container_label_com_docker_compose_project="shop"' ||
	fail "compose project label missing"
metric_has 'hale_docker_up 1' || fail "hale_docker_up is not 1"
ok "compose labels and hale_docker_up 1"

id=$(hale_container_id pre-run)
assert_eq pre-run "$(field "${id:0:12}" .name)" "lookup by id prefix"
assert_eq "$id" "$(field pre-run .id)" "lookup by name"
assert_eq "$id" "$(field "$id" .id)" "lookup by full id"
gone no-such-container || fail "unknown container is not 404"
ok "GET /api/v1/containers/{id-prefix|name|id}, unknown is 404"

# --- lifecycle while haled runs: each visible within a second ---
docker create --name c1 --network none -l com.docker.compose.project=p1 \
    hale-test/busybox sleep 100000 >/dev/null
within 1 is c1 .state created || fail "create not seen within 1s"
docker start c1 >/dev/null
within 1 is c1 .state running || fail "start not seen within 1s"
within 1 is c1 .pid "$(hale_container_pid c1)" || fail "pid after start"
within 1 metric_has 'name="c1"' || fail "c1 not in /metrics within 1s"
docker pause c1 >/dev/null
within 1 is c1 .state paused || fail "pause not seen within 1s"
docker unpause c1 >/dev/null
within 1 is c1 .state running || fail "unpause not seen within 1s"
docker rename c1 c1-renamed
within 1 is c1-renamed .name c1-renamed || fail "rename not seen within 1s"
gone c1 || fail "old name still answers after rename"
within 1 metric_has 'name="c1-renamed"' || fail "rename not in /metrics"
docker kill c1-renamed >/dev/null
within 1 is c1-renamed .state exited || fail "kill not seen within 1s"
within 1 eval '! metric_has name=\"c1-renamed\"' || fail "dead container still in /metrics"
docker start c1-renamed >/dev/null
within 1 is c1-renamed .state running || fail "restart not seen"
docker restart -t 0 c1-renamed >/dev/null
within 1 is c1-renamed .pid "$(hale_container_pid c1-renamed)" ||
	fail "new pid after docker restart not seen"
docker stop -t 0 c1-renamed >/dev/null
within 1 is c1-renamed .state exited || fail "stop not seen within 1s"
docker rm c1-renamed >/dev/null
within 1 gone c1-renamed || fail "removal not seen within 1s"
within 2 exact || { compare; fail "table differs after the lifecycle"; }
ok "create/start/pause/unpause/rename/kill/restart/stop/rm each seen within 1s"

# --- Docker's own HEALTHCHECK ---
docker run -d --name hc --network none --health-cmd 'test -f /tmp/ok' \
    --health-interval 1s --health-retries 1 --health-timeout 1s \
    hale-test/busybox sh -c 'touch /tmp/ok; exec sleep 100000' >/dev/null
within 1 is hc .health.source docker || fail "healthcheck source"
within 5 is hc .health.status healthy || fail "never healthy"
within 1 metric_has 'name="hc"} 1' || fail "container_health_state 1 missing"
docker exec hc rm /tmp/ok
within 5 is hc .health.status unhealthy || fail "unhealthy not reported"
within 1 metric_has 'name="hc"} 0' || fail "container_health_state 0 missing"
[ "$(field hc .health.failing_streak)" -ge 1 ] || fail "failing_streak"
[ "$(field hc '.health.last_results | length')" -ge 1 ] || fail "last_results"
compare --metrics || fail "metrics after unhealthy"
ok "Docker HEALTHCHECK: healthy then unhealthy, in the API and as container_health_state"

# --- hostile labels: quotes, newlines, a 1.2 MiB value (event lines over the cap) ---
"$py" - "$HALE_DOCKER_SOCK" <<'EOF'
import http.client, json, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(sys.argv[1])
big = "v" * (1200 * 1024)
body = {"Image": "hale-test/busybox", "Cmd": ["sleep", "100000"],
        "HostConfig": {"NetworkMode": "none"},
        "Labels": {"big": big, "com.docker.compose.service": "s\"\\\n" + big,
                   "com.docker.compose.project": "p\"q\\r\ns}", "": "x", "é": "ü"}}
for name in ("huge", "huge2"):
    c = C("localhost"); c.request("POST", "/v1.41/containers/create?name=" + name,
        json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
EOF
docker start huge >/dev/null
within 1 is huge .state running || fail "container with huge labels not seen"
within 2 exact || { compare; fail "huge labels"; }
compare --metrics || fail "metrics with huge labels"
curl -sf "$HALE_URL/metrics" >"$HALE_TMP/m.txt"
hale_promtool_check "$HALE_TMP/m.txt" || fail "promtool with hostile labels"
docker restart -t 0 huge >/dev/null
within 1 is huge .pid "$(hale_container_pid huge)" || fail "restart of huge not seen"
docker rm -f huge huge2 >/dev/null
within 1 gone huge || fail "huge not removed"
within 1 gone huge2 || fail "huge2 not removed"
ok "hostile labels (quotes, newlines, 1.2 MiB values) break nothing"

# --- a burst ---
pids=()
for i in $(seq 1 15); do
	docker run -d --name "b$i" --network none -l "com.docker.compose.service=b$i" \
	    hale-test/busybox sleep 100000 >/dev/null &
	pids+=($!)
done
wait "${pids[@]}"	# not a bare wait: dockerd is our child too
within 2 exact || { compare; fail "burst of 15 starts"; }
compare --metrics || fail "metrics after the burst"
# shellcheck disable=SC2046 # one name per word
docker rm -f $(seq -f 'b%g' 1 15) >/dev/null
within 2 exact || { compare; fail "burst of 15 removals"; }
ok "a burst of 15 containers started and removed"

# --- Docker killed and started again ---
docker run -d --name survivor --network none --restart always \
    hale-test/busybox sleep 100000 >/dev/null
docker run -d --name doomed --network none hale-test/busybox sleep 100000 >/dev/null
within 2 exact || { compare; fail "before the kill"; }
hale_docker_kill
within 2 metric_has 'hale_docker_up 0' || fail "hale_docker_up not 0 after SIGKILL"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/metrics")" = 200 ] ||
	fail "/metrics must keep working while Docker is down"
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/api/v1/containers")" \
    "API while docker is down"
ok "Docker SIGKILLed: hale_docker_up 0, /metrics and the API still answer"
sleep 2
hale_docker_restart_engine
# Changes right after the restart, likely before haled reconnects.
docker run -d --name after-restart --network none hale-test/busybox \
    sleep 100000 >/dev/null
docker rm -f pre-created >/dev/null
within 10 metric_has 'hale_docker_up 1' || fail "haled did not reconnect"
within 3 exact || { compare; fail "table not exact after Docker came back"; }
compare --metrics || fail "metrics after Docker came back"
n=$(curl -sf "$HALE_URL/metrics" | awk '/^hale_docker_reconnects_total/ { print $2 }')
[ "${n:-0}" -ge 1 ] || fail "hale_docker_reconnects_total did not count"
ok "Docker restarted: reconnected by itself, table exact (no ghosts, no duplicates)"

grep -q 'docker connection lost' "$HALE_LOG" || fail "no log line for the loss"
[ "$(grep -c 'docker connected' "$HALE_LOG")" -eq 2 ] ||
	fail "expected exactly two 'docker connected' lines"
ok "one log line per state change"

hale_stop || fail "haled did not exit cleanly"
ok "haled stops cleanly with the Docker client running"
