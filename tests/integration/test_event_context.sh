#!/bin/bash
# Event context against a private Docker engine:
#  1. a container that prints known lines then exits 3: a webhook with
#     log_tail gets its last lines (stdout and stderr, at most
#     notify.log_tail.lines), one without gets none;
#  2. the same with a TTY (Docker's raw stream, CRLF line ends);
#  3. the label hale.notify.log_tail=true gives every webhook the tail;
#  4. a Docker HEALTHCHECK that fails with a message: the unhealthy event
#     carries its output; a hale check's unhealthy event its last results;
#  5. a webhook receiver that accepts and never answers delays no other
#     delivery and is counted as timeout in
#     hale_notify_deliveries_total{destination="hang"}; the others as ok.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/events_lib.sh"
hale_require_root
hale_require jq python3
hale_tmpdir
hale_docker_start
hale_busybox_image

hale_hook_receiver
cat >"$HALE_TMP/hale.json" <<EOF
{"notify": {"retries": 0, "log_tail": {"lines": 3, "max_bytes": 1024, "timeout": "2s"},
 "webhooks": [
   {"url": "http://127.0.0.1:$HANG_PORT/hang", "name": "hang", "format": "slack",
    "timeout": "1s", "log_tail": true},
   {"url": "$H/tail", "name": "tail", "log_tail": true},
   {"url": "$H/plain", "name": "plain"},
   {"url": "$H/slack", "name": "slack", "format": "slack", "log_tail": true,
    "events": ["exit"]}]}}
EOF
hooks() {	# hooks PATH JQ-FILTER: how many bodies delivered to PATH match
	[ -f "$HOOKS" ] || { echo 0; return; }
	jq -s --arg p "$1" "[.[] | select(.path == \$p) | .body | select($2)] | length" "$HOOKS"
}
hooks_ge() {	# hooks_ge PATH FILTER N
	[ "$(hooks "$1" "$2")" -ge "$3" ]
}
hook_body() {	# hook_body PATH FILTER: the first matching body
	jq -s -c --arg p "$1" "[.[] | select(.path == \$p) | .body | select($2)][0]" "$HOOKS"
}
hale_start --config.file="$HALE_TMP/hale.json"

# ------------------------------------------- 1. the tail, only where asked
docker run -d --name talker --network none "$HALE_IMAGE" sh -c \
    'sleep 1; for i in 1 2 3 4 5; do echo "out $i"; done; sleep 0.3; echo "err <6>" >&2; sleep 0.3; exit 3' >/dev/null
is_talker='.event == "exit" and .container.name == "talker"'
wait_until $((15 * HALE_SLOW)) hooks_ge /tail "$is_talker" 1 ||
	fail "the log_tail webhook got no exit: $(tail -3 "$HOOKS" 2>/dev/null)"
wait_until $((5 * HALE_SLOW)) hooks_ge /plain "$is_talker" 1 ||
	fail "the plain webhook got no exit"
b=$(hook_body /tail "$is_talker")
assert_eq 3 "$(jq '.exit_code' <<<"$b")" "exit code 3"
assert_eq "out 4
out 5
err <6>" "$(jq -r '.log_tail' <<<"$b")" "the last 3 lines, stdout and stderr"
assert_eq false "$(jq 'has("log_tail")' <<<"$(hook_body /plain "$is_talker")")" \
    "no tail for the webhook without log_tail"
wait_until $((5 * HALE_SLOW)) hooks_ge /slack '.text | contains("talker")' 1 ||
	fail "the slack webhook got no exit"
s=$(hook_body /slack '.text | contains("talker")')
assert_contains "$(jq -r '.text' <<<"$s")" 'Last log lines:
```
out 4
out 5
err &lt;6&gt;
```' "slack: the tail as an escaped code block"
ok "a webhook with log_tail gets the last lines, one without none"

# --------------------------------------------------------- 2. with a TTY
docker run -d -t --name ttyer --network none "$HALE_IMAGE" sh -c \
    'sleep 1; echo tty-a; echo tty-b; sleep 0.2; exit 4' >/dev/null
is_tty='.event == "exit" and .container.name == "ttyer"'
wait_until $((15 * HALE_SLOW)) hooks_ge /tail "$is_tty" 1 ||
	fail "no exit for ttyer"
assert_eq "tty-a
tty-b" "$(jq -r '.log_tail' <<<"$(hook_body /tail "$is_tty")")" \
    "a TTY's raw stream, CRLF line ends"
ok "the raw stream of a TTY container"

# ---------------------------------------------------------------- 3. label
docker run -d --name labelled --label hale.notify.log_tail=true --network none \
    "$HALE_IMAGE" sh -c 'sleep 1; echo labelled-line; sleep 0.2; exit 5' >/dev/null
is_lab='.event == "exit" and .container.name == "labelled"'
wait_until $((15 * HALE_SLOW)) hooks_ge /plain "$is_lab" 1 ||
	fail "no exit for labelled"
assert_eq labelled-line "$(jq -r '.log_tail' <<<"$(hook_body /plain "$is_lab")")" \
    "the label opts the plain webhook in"
ok "the hale.notify.log_tail label gives every webhook the tail"

# ---------------------------------------- 4. Docker's healthcheck output
docker run -d --name sick --network none --health-cmd \
    'if [ -f /tmp/ok ]; then exit 0; fi; echo "probe says: no /tmp/ok"; exit 1' \
    --health-interval 1s --health-retries 1 --health-timeout 1s \
    "$HALE_IMAGE" sh -c 'touch /tmp/ok; exec sleep 600' >/dev/null
wait_until $((20 * HALE_SLOW)) health_is sick healthy || fail "sick never became healthy"
docker exec sick rm /tmp/ok
is_sick='.event == "unhealthy" and .container.name == "sick"'
wait_until $((20 * HALE_SLOW)) hooks_ge /tail "$is_sick" 1 ||
	fail "no unhealthy event for sick"
b=$(hook_body /tail "$is_sick")
assert_eq docker "$(jq -r '.source' <<<"$b")" "Docker's check"
assert_contains "$(jq -r '.health_output // ""' <<<"$b")" "probe says: no /tmp/ok" \
    "the healthcheck's output"
ok "the unhealthy event carries Docker's healthcheck output"
docker rm -f sick >/dev/null

# ---------------------------------------------- 4b. hale's check results
www='mkdir -p /www && echo ok >/www/health && exec httpd -f -p 127.0.0.1:8080 -h /www'
docker run -d --name web --network none \
    --label hale.check=http --label hale.check.port=8080 \
    --label hale.check.path=/health --label hale.check.interval=1s \
    --label hale.check.rise=1 --label hale.check.fall=2 \
    "$HALE_IMAGE" sh -c "$www" >/dev/null
web_healthy() {
	[ "$(curl -sf "$HALE_URL/api/v1/containers/web" | jq -r '.health.status')" = healthy ]
}
wait_until $((20 * HALE_SLOW)) web_healthy || fail "web never became healthy by hale's check"
docker exec web rm /www/health
is_web='.event == "unhealthy" and .container.name == "web"'
wait_until $((20 * HALE_SLOW)) hooks_ge /tail "$is_web" 1 ||
	fail "no unhealthy event for web"
b=$(hook_body /tail "$is_web")
assert_eq hale "$(jq -r '.source' <<<"$b")" "hale's check"
# Kind, target, result, then the probe's message in parentheses.
checks=$(jq -r '.checks' <<<"$b")
assert_eq "http netns 127.0.0.1:8080/health: status
http netns 127.0.0.1:8080/health: status
http netns 127.0.0.1:8080/health: ok" "$(sed 's/ (.*)$//' <<<"$checks")" \
    "the last 3 results, newest first"
assert_contains "$checks" "404" "the failing probes' message names the status"
ok "the unhealthy event carries hale's last check results"
docker rm -f web >/dev/null

# ------------------------------------------- 5. the hanging receiver, counted
wait_until $((10 * HALE_SLOW)) metric_ge \
    'hale_notify_deliveries_total{type="webhook",destination="hang",result="timeout"}' 1 ||
	fail "no timeout counted for hang: $(curl -sf "$HALE_URL/metrics" | grep hale_notify_deliveries)"
metric_ge 'hale_notify_deliveries_total{type="webhook",destination="tail",result="ok"}' 4 ||
	fail "tail's deliveries: $(metric 'hale_notify_deliveries_total{type="webhook",destination="tail",result="ok"}')"
assert_eq 0 "$(metric 'hale_notify_deliveries_total{type="webhook",destination="plain",result="timeout"}')" \
    "plain never timed out"
# Each delivery came within 3 s of its event (the tail's fetch included).
late=$(jq -s '[.[] | select(.body.time? != null)
    | (.at - (.body.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) | select(. > 3)] | length' "$HOOKS")
assert_eq 0 "$late" "no delivery waited for the hanging receiver"
ok "a hanging receiver delays nothing and is counted as timeout"

hale_stop
ok "haled stopped cleanly"
