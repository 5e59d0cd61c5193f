#!/bin/bash
# Health checks: hale's own HTTP and TCP probes against
# containers whose ports exist only inside their own network namespace
# (--network none), with the states at the moments interval, start
# period, rise and fall imply (give or take one interval), visible in
# /api/v1/containers/NAME and /metrics; hostile labels refused with a
# reason, a log line and a metric.
#
#   web      busybox httpd on 127.0.0.1:8080, /www/health; rise 2, fall 2
#            starting -> healthy -> (rm health) unhealthy -> healthy,
#            restart -> starting -> healthy, stop -> check gone
#   slow     nothing listens, start_period 4s, fall 1: starting (refused
#            probes ignored) until the start period ends, then unhealthy
#   cache    busybox nc answering "+PONG", tcp check expecting it
#   tcpbad   nc answering "-ERR", expecting "+PONG": unhealthy (body)
#   evil*    labels aiming elsewhere or invalid: refused, counted
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require jq python3
hale_tmpdir
hale_docker_start
hale_busybox_image

hale_start
[ "$(http_status /api/v1/containers)" = 200 ] || fail "haled does not serve /api/v1/containers"
# The probe engine always writes hale_checks, even with nothing to check.
http_grep /metrics -q '^# TYPE hale_checks gauge' || fail "no hale_checks family: the probe engine is not running"

# ---- helpers ------------------------------------------------------------

# json NAME: the container's document ("" if none).
json() {
	curl -sf --max-time 5 "$HALE_URL/api/v1/containers/$1" 2>/dev/null || true
}
# holds NAME JQ: the jq expression is true for NAME's document.
holds() {
	json "$1" | jq -e "$2" >/dev/null 2>&1
}
# await SECONDS NAME JQ: poll until it holds; prints the ms it took since
# START_MS (a global the caller sets), fails the test otherwise.
await() {
	local secs=$1 name=$2 expr=$3 limit now
	limit=$(python3 -c "print(int($secs * 1000 * $HALE_SLOW))")
	while :; do
		if holds "$name" "$expr"; then
			hale_elapsed "$START_MS"
			return 0
		fi
		now=$(hale_elapsed "$START_MS")
		if [ "$now" -gt "$limit" ]; then
			printf '# %s after %s ms: %s\n' "$name" "$now" \
			    "$(json "$name" | jq -c .health)" >&2
			fail "$name: '$expr' not within ${secs}s"
		fi
		sleep 0.05
	done
}
# between MS LO HI MSG: LO <= MS/1000 <= HI (seconds, HI scaled by HALE_SLOW).
between() {
	python3 - "$@" "$HALE_SLOW" <<'PY' || fail "$4: $1 ms not in [$2 s, $3 s]"
import sys
ms, lo, hi, slow = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[5])
sys.exit(0 if lo * 1000 <= ms <= hi * 1000 * slow else 1)
PY
}
metrics() {
	curl -sf --max-time 10 "$HALE_URL/metrics"
}
# metric_value METRIC CONTAINER [EXTRA]: the value of METRIC for the
# container (matched by its name label and, if given, EXTRA), "" if none.
metric_value() {
	local m=$1 name=$2 extra=${3:-}
	metrics | grep -E "^$m\{" | grep -F "name=\"$name\"" |
	    grep -F -- "$extra" | awk '{ print $NF }' | sed -n 1p
}
# metric_is METRIC CONTAINER [EXTRA] VALUE
metric_is() {
	local want=${*: -1}
	[ "$(metric_value "${@:1:$#-1}")" = "$want" ]
}

# ---- web: rise, fall, recovery ------------------------------------------

www='mkdir -p /www && echo ok >/www/health && exec httpd -f -p 127.0.0.1:8080 -h /www'
START_MS=$(hale_now_ms)
docker run -d --name web --network none \
    --label hale.check=http --label hale.check.port=8080 \
    --label hale.check.path=/health --label hale.check.interval=1s \
    --label hale.check.rise=2 --label hale.check.fall=2 \
    "$HALE_IMAGE" sh -c "$www" >/dev/null
START_MS=$(hale_now_ms)

await 3 web '.health.source == "hale" and .health.status == "starting"' >/dev/null
holds web '.health.check.target == "netns 127.0.0.1:8080"' ||
	fail "web is not probed inside its namespace: $(json web | jq -c .health.check)"
ok "web: starting, probed via netns at 127.0.0.1:8080"

# rise 2: one success is not enough.
await 3 web '.health.ok_streak == 1 and .health.status == "starting"' >/dev/null
ok "web: one success, still starting (rise 2)"
t=$(await 4 web '.health.status == "healthy"')
# First probe within one interval of haled seeing the container, then
# one more interval (+-10%): at most ~2.2 s, plus one interval of slack.
between "$t" 0.9 3.5 "web healthy"
holds web '.health.last_results[-1].result == "ok" and .health.last_results[-1].status_code == 200' ||
	fail "web: last result $(json web | jq -c '.health.last_results[-1]')"
ok "web: healthy after rise successes ($t ms after start)"

wait_until 5 metric_is hale_check_up web 1 || fail "hale_check_up for web is not 1"
wait_until 5 metric_is hale_container_health_status web 'status="healthy"' 1 ||
	fail "hale_container_health_status{status=healthy} for web is not 1"
metric_is hale_container_health_status web 'status="unhealthy"' 0 ||
	fail "hale_container_health_status{status=unhealthy} for web is not 0"
metric_is container_health_state web 1 ||
	fail "container_health_state for web is $(metric_value container_health_state web), not 1 (hale's check must win)"
ok "web: hale_check_up 1, health_status{healthy} 1, container_health_state 1"

# fall 2: remove the health file.
docker exec web rm /www/health
START_MS=$(hale_now_ms)
await 3 web '.health.failing_streak == 1 and .health.status == "healthy"' >/dev/null
ok "web: one failure, still healthy (fall 2)"
t=$(await 4 web '.health.status == "unhealthy"')
# The first failing probe comes within one interval (1.1 s), the second
# one interval later: 0.9 s at the earliest, 2.2 s at the latest.
between "$t" 0.8 3.3 "web unhealthy"
holds web '.health.last_results[-1].result == "status" and .health.last_results[-1].status_code == 404' ||
	fail "web: last result $(json web | jq -c '.health.last_results[-1]')"
ok "web: unhealthy after fall failures ($t ms), last result status 404"
wait_until 5 metric_is hale_check_up web 0 || fail "hale_check_up for web is not 0"
metric_is container_health_state web 0 || fail "container_health_state for web is not 0"
metric_is hale_container_health_status web 'status="unhealthy"' 1 ||
	fail "hale_container_health_status{status=unhealthy} for web is not 1"
ok "web: hale_check_up 0, container_health_state 0, health_status{unhealthy} 1"

docker exec web sh -c 'echo ok >/www/health'
START_MS=$(hale_now_ms)
t=$(await 4 web '.health.status == "healthy"')
between "$t" 0.8 3.3 "web healthy again"
ok "web: healthy again after rise successes ($t ms)"

# ---- slow: the start period ----------------------------------------------

docker run -d --name slow --network none \
    --label hale.check=http --label hale.check.port=8080 \
    --label hale.check.interval=1s --label hale.check.start_period=4s \
    --label hale.check.fall=1 "$HALE_IMAGE" sleep 600 >/dev/null
START_MS=$(hale_now_ms)
await 3 slow '.health.last_results[-1].result == "refused"' >/dev/null
holds slow '.health.status == "starting" and .health.failing_streak == 0' ||
	fail "slow: a refused probe counted inside the start period: $(json slow | jq -c .health)"
ok "slow: refused probes inside the start period do not count"
t=$(await 7 slow '.health.status == "unhealthy"')
# Failures count from 4 s after the container started; fall 1.
between "$t" 3.0 6.2 "slow unhealthy"
ok "slow: unhealthy once the start period is over ($t ms)"

# ---- tcp -----------------------------------------------------------------

hale_tcp_container cache none 6379 "+PONG" \
    --label hale.check=tcp --label hale.check.port=6379 \
    --label hale.check.expect=+PONG --label hale.check.interval=1s >/dev/null
hale_tcp_container tcpbad none 6379 "-ERR" \
    --label hale.check=tcp --label hale.check.port=6379 \
    --label hale.check.expect=+PONG --label hale.check.interval=1s \
    --label hale.check.fall=1 >/dev/null
START_MS=$(hale_now_ms)
await 4 cache '.health.status == "healthy" and .health.last_results[-1].result == "ok"' >/dev/null
ok "cache: tcp check with the expected reply is healthy"
await 4 tcpbad '.health.status == "unhealthy" and .health.last_results[-1].result == "body"' >/dev/null
ok "tcpbad: tcp reply that does not match is unhealthy (body)"

# ---- hostile labels --------------------------------------------------------

before_target=$(metrics | awk '/^hale_check_label_rejections_total\{reason="target"\}/ { print $2 }')
before_invalid=$(metrics | awk '/^hale_check_label_rejections_total\{reason="invalid"\}/ { print $2 }')
run_evil() {	# run_evil NAME LABEL...
	local name=$1 l args=()
	shift
	for l in "$@"; do
		args+=(--label "$l")
	done
	docker run -d --name "$name" --network none "${args[@]}" "$HALE_IMAGE" sleep 600 >/dev/null
}
run_evil evil-host hale.check=http hale.check.port=8080 hale.check.host=10.0.0.1
run_evil evil-path hale.check=http hale.check.port=8080 \
    hale.check.path=http://169.254.169.254/latest/meta-data
run_evil evil-url hale.check=http hale.check.url=http://10.0.0.1:8080/
run_evil evil-name hale.check=http hale.check.port=8080 hale.check.host=example.com
run_evil bad-port hale.check=http hale.check.port=0
run_evil bad-interval hale.check=tcp hale.check.port=80 hale.check.interval=banana
run_evil bad-crlf hale.check=http hale.check.port=80 "hale.check.path=$(printf '/a\r\nX-Evil: 1')"
START_MS=$(hale_now_ms)
for n in evil-host evil-path evil-url evil-name; do
	await 3 "$n" '.health.check.state == "refused" and .health.check.reason == "target"' >/dev/null
done
holds evil-host '.health.check.error | test("10.0.0.1.*another address")' ||
	fail "evil-host: $(json evil-host | jq -c .health.check)"
holds evil-path '.health.check.error | test("is a URL")' ||
	fail "evil-path: $(json evil-path | jq -c .health.check)"
holds evil-host '.health.status == "none" and .health.source == null' ||
	fail "evil-host: a refused check must not report a state: $(json evil-host | jq -c .health)"
ok "labels aiming at another address, host name or URL are refused (reason target)"
for n in bad-port bad-interval bad-crlf; do
	await 3 "$n" '.health.check.state == "refused" and .health.check.reason == "invalid"' >/dev/null
done
holds bad-port '.health.check.error == "hale.check.port: \"0\" is not a port (1-65535)"' ||
	fail "bad-port: $(json bad-port | jq -c .health.check)"
holds bad-interval '.health.check.error | test("banana.*is not a duration")' ||
	fail "bad-interval: $(json bad-interval | jq -c .health.check)"
ok "invalid values disable the check with a reason (reason invalid)"
after_target=$(metrics | awk '/^hale_check_label_rejections_total\{reason="target"\}/ { print $2 }')
after_invalid=$(metrics | awk '/^hale_check_label_rejections_total\{reason="invalid"\}/ { print $2 }')
[ "$((after_target - ${before_target:-0}))" -ge 4 ] ||
	fail "hale_check_label_rejections_total{reason=target}: $before_target -> $after_target"
[ "$((after_invalid - ${before_invalid:-0}))" -ge 3 ] ||
	fail "hale_check_label_rejections_total{reason=invalid}: $before_invalid -> $after_invalid"
grep -q 'msg="check refused".*name=evil-host.*class=target' "$HALE_LOG" ||
	fail "no log line for the refused evil-host check"
ok "rejections counted in hale_check_label_rejections_total and logged"

# ---- hostile regexes and an oversized HEALTHCHECK --------------------------

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$HALE_PID/status"
}
# The nested counted repetition that cost glibc's regcomp gigabytes.
run_evil evil-regex hale.check=http hale.check.port=8080 \
    'hale.check.expect_body=~(((a{99}){99}){99}){99}'
# A body of 15,000 'a' then "!": catastrophic backtracking for this one.
bomb='mkdir -p /www && head -c 15000 /dev/zero | tr "\0" a >/www/index.html &&
    echo "!" >>/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'
docker run -d --name regex-bomb --network none \
    --label hale.check=http --label hale.check.port=8080 \
    --label 'hale.check.expect_body=~(a|a|a|a)+$' --label hale.check.interval=1s \
    --label hale.check.fall=1 "$HALE_IMAGE" sh -c "$bomb" >/dev/null
# A HEALTHCHECK command of 9,000 bytes: over the 8 KiB kept per element.
docker run -d --name long-hc --network none --health-interval 1h \
    --health-cmd "$(head -c 9000 /dev/zero | tr '\0' x)" "$HALE_IMAGE" sleep 600 >/dev/null
START_MS=$(hale_now_ms)
await 3 evil-regex '.health.check.state == "refused" and .health.check.reason == "invalid"' >/dev/null
holds evil-regex '.health.check.error | test("not a valid regular expression: regular expression is too large")' ||
	fail "evil-regex: $(json evil-regex | jq -c .health.check)"
[ "$(rss_kib)" -lt 204800 ] || fail "haled RSS $(rss_kib) KiB after the hostile pattern"
ok "a nested-repetition regex label is refused, haled stays at $(rss_kib) KiB"
await 5 regex-bomb '.health.status == "unhealthy" and any(.health.last_results[];
    .result == "body" and (.message | test("does not match: regex gave up")))' >/dev/null
t0=$(hale_now_ms)
curl -sf --max-time 2 "$HALE_URL/healthz" >/dev/null || fail "/healthz while the regex bomb is probed"
t=$(hale_elapsed "$t0")
ok "a backtracking regex gives up within its limits: body does not match; /healthz in $t ms"
await 5 long-hc '.health.healthcheck.test_elements_cut == 1 and
    (.health.healthcheck.test[1] | length) == 8192' >/dev/null
ok "a HEALTHCHECK element over 8 KiB is cut and counted; the container stays in the API"
docker rm -f evil-regex regex-bomb long-hc >/dev/null

# ---- restart and stop --------------------------------------------------------

docker restart -t 0 web >/dev/null
START_MS=$(hale_now_ms)
await 3 web '.health.status == "starting" and .health.source == "hale" and .pid > 0' >/dev/null
ok "web: restarted, starting again"
t=$(await 5 web '.health.status == "healthy"')
between "$t" 0.5 4.5 "web healthy after restart"
ok "web: healthy again after the restart ($t ms)"

docker stop -t 0 web >/dev/null
START_MS=$(hale_now_ms)
await 3 web '.state == "exited" and .health.check == null and .health.status == "none"' >/dev/null
no_series() {
	[ -z "$(metric_value "$1" "$2")" ]
}
wait_until 5 no_series hale_check_up web ||
	fail "hale_check_up still has a series for the stopped web"
ok "web: stopped, its check is gone from the API and /metrics"

if command -v promtool >/dev/null 2>&1; then
	metrics >"$HALE_TMP/metrics.txt"
	# Lint notes about other modules' families are not this test's business;
	# a parse error is.
	hale_promtool_check "$HALE_TMP/metrics.txt" >"$HALE_TMP/promtool.out" 2>&1 || true
	if grep -qi 'pars' "$HALE_TMP/promtool.out"; then
		fail "promtool: $(cat "$HALE_TMP/promtool.out")"
	fi
	if grep -E '^hale_check|^hale_container_health' "$HALE_TMP/promtool.out"; then
		fail "promtool lint on the checks' metrics"
	fi
	ok "promtool check metrics"
fi

hale_stop || fail "haled did not exit cleanly"
ok "haled stopped cleanly"
printf '1..%d\n' "$HALE_OK_COUNT"
