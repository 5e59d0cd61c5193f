#!/bin/bash
# haled through a Docker socket proxy: an allow-list proxy (proxy.py,
# 127.0.0.1 TCP in front of the private engine's unix socket) admits
# exactly the requests the README's "Docker socket proxy" section lists,
# answers 403 to anything else and logs every request line.
#  1. With POST allowed: the inventory, the events stream (a container
#     started after haled is seen), an HTTP check through the container's
#     namespace, and a remediation restart all work through it, and the
#     proxy's log holds only allowed requests, the restart among them.
#  2. Without POST, haled with remediation off (--dry-run) sends no POST
#     (nothing denied in the log) although its check fails and it would
#     act; the proxy still refuses a POST sent by hand (it does filter).
#  3. Without POST and remediation on: the refused restart is recorded as
#     failed, and haled goes on.
#  4. The README's HAProxy configuration (its ```haproxy block), run by
#     Debian's haproxy: inventory, events and a restart through it, and
#     nothing of haled's refused; a request outside the list gets 403.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require python3 jq haproxy
here=$(cd "$(dirname "$0")" && pwd)
hale_tmpdir
hale_docker_start
hale_busybox_image

proxy_pid=""
stop_proxy() {
	if [ -n "$proxy_pid" ]; then
		kill -TERM "$proxy_pid" 2>/dev/null || true
		wait "$proxy_pid" 2>/dev/null || true
		proxy_pid=""
	fi
}
hale_on_exit stop_proxy
# start_proxy LOG [--post]: sets PROXY_PORT.
start_proxy() {
	local log=$1
	shift
	stop_proxy
	rm -f "$HALE_TMP/proxy.port"
	python3 "$here/proxy.py" "$HALE_DOCKER_SOCK" "$HALE_TMP/proxy.port" "$log" "$@" \
	    >>"$HALE_TMP/proxy.err" 2>&1 &
	proxy_pid=$!
	wait_until 5 test -s "$HALE_TMP/proxy.port" || fail "proxy did not start"
	PROXY_PORT=$(cat "$HALE_TMP/proxy.port")
}

field() {	# field NAME JQ: a field of /api/v1/containers/NAME
	http_get "/api/v1/containers/$1" 2>/dev/null | jq -r "$2"
}
is() {	# is NAME JQ VALUE
	[ "$(field "$1" "$2")" = "$3" ]
}
started_at() {
	docker inspect -f '{{.State.StartedAt}}' "$1"
}
restarted() {	# restarted NAME OLD_STARTED_AT
	[ "$(started_at "$1")" != "$2" ]
}
metric_ge() {	# metric_ge PREFIX N: the first sample starting with PREFIX is >= N
	local m v
	m=$(http_get /metrics) || return 1
	v=$(awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }' <<<"$m")
	[ -n "$v" ] && [ "${v%.*}" -ge "$2" ]
}
checked=(--label hale.check=http --label hale.check.port=8080
    --label hale.check.interval=1s
    --label hale.check.fall=2 --label hale.check.rise=1
    --label hale.restart=on-unhealthy --label hale.stop.timeout=1)
# The page goes: the check fails until a restart writes it again.
break_it() {
	docker exec "$1" rm -f /var/www/index.html
}
# only_allowed LOG: every line is ALLOW and matches the README's list.
only_allowed() {
	local log=$1 bad
	bad=$(grep -v -E '^ALLOW (GET /version|GET /v1\.[0-9]+/containers/json(\?.*)?|GET /v1\.[0-9]+/containers/[0-9a-f]{64}/json|GET /v1\.[0-9]+/events(\?.*)?|POST /v1\.[0-9]+/containers/[0-9a-f]{64}/(restart|stop|kill)(\?.*)?)$' \
	    "$log" || true)
	[ -z "$bad" ] || fail "requests outside the allow-list in $log: $bad"
}

# ---------------------------------------------------------------- 1. with POST
log1=$HALE_TMP/proxy-post.log
start_proxy "$log1" --post
hale_httpd_container px-web none 8080 up "${checked[@]}" >/dev/null
hale_start --docker.host="tcp://127.0.0.1:$PROXY_PORT"
wait_until $((10 * HALE_SLOW)) is px-web .state running ||
	fail "px-web not in the inventory through the proxy: $(http_get /api/v1/containers)"
ok "inventory through the proxy"

docker run -d --name px-late --network none "$HALE_IMAGE" sleep 100000 >/dev/null
wait_until $((10 * HALE_SLOW)) is px-late .state running ||
	fail "px-late (started after haled) never seen: events do not pass"
ok "events through the proxy: a container started later is seen"

wait_until $((15 * HALE_SLOW)) is px-web .health.status healthy ||
	fail "px-web never healthy: $(field px-web .health)"
ok "HTTP check in the container's namespace"

before=$(started_at px-web)
break_it px-web
wait_until $((20 * HALE_SLOW)) restarted px-web "$before" ||
	fail "px-web not restarted through the proxy: $(field px-web .remediation)"
wait_until $((10 * HALE_SLOW)) metric_ge 'hale_restarts_total{name="px-web",result="ok"}' 1 ||
	fail "the restart was not recorded as ok"
ok "remediation restart through the proxy"
hale_stop || fail "haled did not exit cleanly"
stop_proxy

grep -q -E '^ALLOW POST /v1\.[0-9]+/containers/[0-9a-f]{64}/restart' "$log1" ||
	fail "no restart in the proxy log"
grep -q -E '^ALLOW GET /v1\.[0-9]+/events' "$log1" || fail "no events request in the proxy log"
only_allowed "$log1"
sed 's/^/# proxy: /' "$log1" >&2
ok "proxy log: $(wc -l <"$log1") requests, all on the allow-list"

# ---------------------------------------------------------------- 2. without POST
log2=$HALE_TMP/proxy-get.log
start_proxy "$log2"
hale_start --docker.host="tcp://127.0.0.1:$PROXY_PORT" --dry-run
wait_until $((10 * HALE_SLOW)) is px-web .state running || fail "px-web not listed"
# Broken again: its check fails, and remediation would act (and, from
# here on, nothing but haproxy's restart in 4 mends it).
break_it px-web
wait_until $((20 * HALE_SLOW)) metric_ge \
    'hale_remediation_dry_run_total{name="px-web",action="restart"}' 1 ||
	fail "no dry-run action counted: $(field px-web .remediation)"
sleep 1
hale_stop || fail "haled did not exit cleanly"
assert_not_contains "$(cat "$log2")" "DENY" "haled without remediation met a 403"
assert_not_contains "$(cat "$log2")" "POST" "haled without remediation sent a POST"
only_allowed "$log2"
sed 's/^/# proxy: /' "$log2" >&2
ok "remediation off: $(wc -l <"$log2") requests, no POST, nothing denied"

# The proxy does filter: a POST and a request outside the list are refused.
id=$(hale_container_id px-web)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    "http://127.0.0.1:$PROXY_PORT/v1.41/containers/$id/restart" || true)
assert_eq 403 "$code" "a POST through the proxy without --post"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY_PORT/v1.41/images/json" || true)
assert_eq 403 "$code" "GET /images/json through the proxy"
grep -q '^DENY POST ' "$log2" || fail "the refused POST is not in the log"
ok "the proxy refuses what is not on the list (403, logged)"
stop_proxy

# ---------------------------------------------------------------- 3. a refused POST
start_proxy "$log2"
hale_start --docker.host="tcp://127.0.0.1:$PROXY_PORT"
wait_until $((20 * HALE_SLOW)) metric_ge 'hale_restarts_total{name="px-web",result="failed"}' 1 ||
	fail "the refused restart was not recorded as failed: $(field px-web .remediation)"
assert_eq 200 "$(http_status /healthz)" "haled still serves"
hale_stop || fail "haled did not exit cleanly"
stop_proxy
ok "remediation on, POST refused by the proxy: the restart is recorded as failed"

# ---------------------------------------------------------------- 4. the README's HAProxy block
ha_port=$(hale_free_port)
awk '/^```haproxy$/ { on = 1; next } on && /^```$/ { exit } on' "$here/../../README.md" |
    sed -e "s#127.0.0.1:2375#127.0.0.1:$ha_port#" -e "s#/var/run/docker.sock#$HALE_DOCKER_SOCK#" \
    >"$HALE_TMP/haproxy.cfg"
grep -q "bind 127.0.0.1:$ha_port" "$HALE_TMP/haproxy.cfg" || fail "no haproxy block in README.md"
haproxy -c -q -f "$HALE_TMP/haproxy.cfg" || fail "the README's haproxy configuration is invalid"
haproxy -db -f "$HALE_TMP/haproxy.cfg" >"$HALE_TMP/haproxy.log" 2>&1 &
ha_pid=$!
hale_on_exit kill "$ha_pid"
wait_until 5 hale_tcp_open 127.0.0.1 "$ha_port" || fail "haproxy did not listen"
hale_start --docker.host="tcp://127.0.0.1:$ha_port"
wait_until $((10 * HALE_SLOW)) is px-web .state running || fail "px-web not listed through haproxy"
docker run -d --name px-ha --network none "$HALE_IMAGE" sleep 100000 >/dev/null
wait_until $((10 * HALE_SLOW)) is px-ha .state running || fail "px-ha never seen through haproxy"
before=$(started_at px-web)
wait_until $((30 * HALE_SLOW)) restarted px-web "$before" || fail "px-web not restarted through haproxy"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ha_port/v1.41/images/json" || true)
assert_eq 403 "$code" "GET /images/json through haproxy"
hale_stop || fail "haled did not exit cleanly"
sed 's/^/# haproxy: /' "$HALE_TMP/haproxy.log" >&2
# httplog: '... "METHOD TARGET HTTP/1.1"' after the status; only ours was refused.
refused=$(grep -c -E ' 403 .*"GET /v1\.41/images/json ' "$HALE_TMP/haproxy.log" || true)
all403=$(grep -c -E 'docker/<NOSRV> .* 403 ' "$HALE_TMP/haproxy.log" || true)
assert_eq 1 "$refused" "the refused request in haproxy's log"
assert_eq 1 "$all403" "haproxy refused nothing of haled's"
grep -q -E '"POST /v1\.[0-9]+/containers/[0-9a-f]{64}/restart' "$HALE_TMP/haproxy.log" ||
	fail "no restart in haproxy's log"
ok "the README's HAProxy configuration: inventory, events, restart through it; only the stray request refused"
