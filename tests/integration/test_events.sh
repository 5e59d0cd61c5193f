#!/bin/bash
# Events against a private Docker engine:
#  1. a container that exits 3 under --restart=always: one `exit` event
#     with exit code 3 and will_restart, then one `restart_loop` after
#     Docker's third restart; hale_docker_restarts_total counts Docker's
#     restarts; the later exits are rate limited and counted as suppressed;
#  2. `docker restart` of a healthy container: no exit, no Docker restart;
#  3. a container with --memory 16m that allocates past it: one `oom` event
#     (the cgroup's eventfd and Docker's `oom`, de-duplicated) within a
#     second of Docker's own event, with the cgroup's oom_kill count and
#     limit, then an `exit` with oom_killed and 137;
#  4. the filters (?container=, ?kind=) and a bad kind (400);
#  5. webhooks on loopback in each format (json, slack, discord, ntfy with
#     an events filter) got well-formed bodies of those events, while a
#     receiver that accepts and never answers delayed none of them;
#  6. two real Alertmanagers (Debian's prometheus-alertmanager) on
#     loopback: a container whose HEALTHCHECK fails shows firing through
#     both APIs and in their webhook notification, then resolved.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/events_lib.sh"
hale_require_root
hale_require jq python3 prometheus-alertmanager
hale_tmpdir
hale_docker_start
hale_busybox_image

# ------------------------------------------------------------ receivers
hale_hook_receiver
# Two Alertmanagers, no cluster between them, notifying the receiver.
AM1=$(hale_free_port)
AM2=$(hale_free_port)
cat >"$HALE_TMP/am.yml" <<EOF
route:
  receiver: hook
  group_by: [alertname, name]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: $H/am
        send_resolved: true
EOF
for p in "$AM1" "$AM2"; do
	prometheus-alertmanager --config.file="$HALE_TMP/am.yml" \
	    --storage.path="$HALE_TMP/am.$p" --web.listen-address="127.0.0.1:$p" \
	    --cluster.listen-address= >"$HALE_TMP/am.$p.log" 2>&1 &
	hale_on_exit kill "$!"
done
am_ready() {
	curl -sf "http://127.0.0.1:$AM1/-/ready" >/dev/null &&
	    curl -sf "http://127.0.0.1:$AM2/-/ready" >/dev/null
}
wait_until $((20 * HALE_SLOW)) am_ready ||
	fail "alertmanager did not start: $(tail -3 "$HALE_TMP/am.$AM1.log")"
cat >"$HALE_TMP/hale.json" <<EOF
{"events": {"restart_loop": {"restarts": 3, "window": "10m"}},
 "alertmanager": {"urls": ["http://127.0.0.1:$AM1", "http://127.0.0.1:$AM2/"],
                  "resend": "2s"},
 "notify": {"webhooks": [
   {"url": "http://127.0.0.1:$HANG_PORT/hang", "format": "slack", "timeout": "5m"},
   {"url": "$H/json"},
   {"url": "$H/slack", "format": "slack"},
   {"url": "$H/discord", "format": "discord"},
   {"url": "$H/ntfy", "format": "ntfy", "events": ["oom", "exit"]}]}}
EOF
# hooks PATH JQ-FILTER: how many deliveries to PATH match.
hooks() {
	[ -f "$HOOKS" ] || { echo 0; return; }
	jq -s --arg p "$1" "[.[] | select(.path == \$p) | select($2)] | length" "$HOOKS"
}
hooks_ge() {	# hooks_ge PATH FILTER N
	[ "$(hooks "$1" "$2")" -ge "$3" ]
}
hale_start --config.file="$HALE_TMP/hale.json"

# events QUERY: the events array of GET /api/v1/events?QUERY.
events() {
	curl -sf "$HALE_URL/api/v1/events?$1" | jq -c '.events'
}
# nevents QUERY: how many.
nevents() {
	events "$1" | jq 'length'
}
nevents_ge() {	# nevents_ge QUERY N
	[ "$(nevents "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# ---------------------------------------------------------- 1. crash loop
docker run -d --name crash --network none --restart=always "$HALE_IMAGE" \
    sh -c 'sleep 1; exit 3' >/dev/null
wait_until $((30 * HALE_SLOW)) nevents_ge "container=crash&kind=restart_loop" 1 ||
	fail "no restart_loop event for crash: $(events 'container=crash')"
ex=$(events "container=crash&kind=exit")
assert_eq 1 "$(jq 'length' <<<"$ex")" "one exit event (the rest rate limited)"
assert_eq 3 "$(jq '.[0].exit_code' <<<"$ex")" "exit code 3"
assert_eq true "$(jq '.[0].will_restart' <<<"$ex")" "Docker will restart it"
assert_eq false "$(jq '.[0].oom_killed' <<<"$ex")" "not OOM-killed"
assert_eq crash "$(jq -r '.[0].container.name' <<<"$ex")" "the exit names it"
assert_eq "$(hale_container_id crash)" "$(jq -r '.[0].container.id' <<<"$ex")" \
    "the exit has its id"
rl=$(events "container=crash&kind=restart_loop")
assert_eq 3 "$(jq '.[0].restarts' <<<"$rl")" "the loop says 3 restarts"
assert_eq 600 "$(jq '.[0].window_seconds' <<<"$rl")" "in the 10 min window"
# Newest first: the loop comes before (above) the exit.
order=$(events "container=crash" | jq -r '[.[].kind] | join(",")')
assert_eq "restart_loop,exit" "$order" "the exit, then the loop"
ok "exit code 3 then a restart loop, once each"
metric_ge 'hale_docker_restarts_total{name="crash"}' 3 ||
	fail "hale_docker_restarts_total for crash: $(metric 'hale_docker_restarts_total{name="crash"}')"
wait_until $((20 * HALE_SLOW)) metric_ge 'hale_events_suppressed_total{kind="exit"}' 1 ||
	fail "no suppressed exit counted"
assert_eq 1 "$(metric 'hale_events_total{kind="restart_loop"}')" "one loop counted"
ok "Docker's restarts and the suppressed exits are counted"
sleep 3
assert_eq 1 "$(nevents 'container=crash&kind=restart_loop')" "still one loop report"
docker rm -f crash >/dev/null
ok "a loop is reported once"

# --------------------------------------------- 2. an operator's restart
docker run -d --name calm --network none --restart=always "$HALE_IMAGE" \
    sleep 600 >/dev/null
wait_until $((10 * HALE_SLOW)) eval \
    "curl -sf $HALE_URL/api/v1/containers/calm >/dev/null" ||
	fail "calm never reached the inventory"
docker restart -t 0 calm >/dev/null
docker restart -t 0 calm >/dev/null
docker restart -t 0 calm >/dev/null
sleep 1
assert_eq 0 "$(nevents 'container=calm')" "docker restart makes no event"
assert_eq 0 "$(metric 'hale_docker_restarts_total{name="calm"}')" \
    "nor a Docker-initiated restart"
docker rm -f calm >/dev/null
ok "an operator's restarts are not crashes"

# -------------------------------------------------------------- 3. OOM kill
# Docker's own oom events, to time hale's against.
docker events --filter type=container --filter event=oom \
    --format '{{.Actor.Attributes.name}} {{.TimeNano}}' >"$HALE_TMP/oom.log" 2>/dev/null &
OOMREC=$!
hale_on_exit kill "$OOMREC"
# ash doubles the string until it passes the limit (no swap here).
docker run -d --name hog --network none --memory 16m --memory-swap 16m \
    "$HALE_IMAGE" sh -c 'sleep 2; x=a; while :; do x=$x$x; done' >/dev/null
# The cgroup is watched before the allocation starts.
wait_until $((10 * HALE_SLOW)) metric_ge 'hale_oom_watches{mechanism="eventfd"}' 1 ||
	fail "hog's memory cgroup is not watched: $(grep -i oom "$HALE_LOG" | tail -3)"
wait_until $((20 * HALE_SLOW)) nevents_ge "container=hog&kind=oom" 1 ||
	fail "no oom event for hog: $(docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' hog)"
seen_ms=$(hale_now_ms)
oom=$(events "container=hog&kind=oom")
at_ms=$(jq -r '.[0].time' <<<"$oom" | python3 -c 'import sys, datetime
t = sys.stdin.read().strip().replace("Z", "+00:00")
print(int(datetime.datetime.fromisoformat(t).timestamp() * 1000))')
lag=$((seen_ms - at_ms))
[ "$lag" -le 1000 ] || fail "the oom event came ${lag} ms after the kill"
assert_eq true "$(jq '.[0].oom_killed' <<<"$oom")" "oom_killed"
assert_eq 1 "$(jq 'length' <<<"$oom")" "one oom event for one kill (both sources)"
assert_eq 1 "$(jq '.[0].oom_kills' <<<"$oom")" "the cgroup's oom_kill count"
assert_eq 16777216 "$(jq '.[0].memory_limit_bytes' <<<"$oom")" "the 16 MiB limit"
jq -e '.[0].memory_usage_bytes > 0' <<<"$oom" >/dev/null || fail "no usage: $oom"
wait_until $((10 * HALE_SLOW)) grep -q '^hog ' "$HALE_TMP/oom.log" ||
	fail "Docker sent no oom event"
docker_ns=$(awk '$1 == "hog" { print $2; exit }' "$HALE_TMP/oom.log")
docker_ms=${docker_ns:0:13}
dlag=$((at_ms - docker_ms))
[ "$dlag" -le 1000 ] || fail "hale's oom event is ${dlag} ms after Docker's"
wait_until $((10 * HALE_SLOW)) nevents_ge "container=hog&kind=exit" 1 ||
	fail "no exit event for hog"
ex=$(events "container=hog&kind=exit")
assert_eq 137 "$(jq '.[0].exit_code' <<<"$ex")" "killed: 137"
assert_eq true "$(jq '.[0].oom_killed' <<<"$ex")" "the exit says OOM-killed"
assert_eq false "$(jq '.[0].will_restart' <<<"$ex")" "no restart policy"
assert_eq "true 137" "$(docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' hog)" \
    "Docker agrees"
ok "OOM kill reported within a second (seen ${lag} ms after its time, which is ${dlag} ms from Docker's)"
assert_eq 1 "$(metric 'hale_oom_kills_total')" "the cgroup's kill is counted"
ok "the cgroup's eventfd reported the kill with its count and limit"

# ----------------------------------------------------------------- 4. filters
all=$(nevents "")
[ "$all" -ge 4 ] || fail "only $all events in all"
assert_eq 0 "$(nevents 'container=nosuchcontainer')" "unknown container: none"
hogid=$(hale_container_id hog)
assert_eq "$(nevents 'container=hog')" "$(nevents "container=${hogid:0:12}")" \
    "an id prefix filters as the name does"
assert_eq 400 "$(http_status '/api/v1/events?kind=bogus')" "an unknown kind is 400"
ok "filters by container and kind"

# --------------------------------------------------------------- 5. webhooks
wait_until $((10 * HALE_SLOW)) hooks_ge /json '.body.event == "oom"' 1 ||
	fail "the JSON webhook got no oom: $(tail -3 "$HOOKS" 2>/dev/null)"
assert_eq 1 "$(hooks /json '.body.event == "exit" and .body.container.name == "crash" and .body.exit_code == 3 and .body.will_restart == true and .type == "application/json"')" \
    "json: the exit document"
assert_eq 1 "$(hooks /json '.body.event == "restart_loop" and .body.restarts == 3')" \
    "json: the restart loop"
assert_eq 1 "$(hooks /json '.body.event == "oom" and .body.oom_kills == 1 and .body.memory_limit_bytes == 16777216')" \
    "json: the oom with the cgroup's numbers"
assert_eq 1 "$(hooks /slack '(.body | keys) == ["text"] and (.body.text | startswith("[hale] crash (hale-test/busybox)")) and (.body.text | contains("exited with code 3"))')" \
    "slack: the exit as text"
assert_eq 1 "$(hooks /slack '.body.text | contains("is in a restart loop: 3 restarts by Docker in 10m")')" \
    "slack: the restart loop"
assert_eq 1 "$(hooks /discord '.body.allowed_mentions.parse == [] and (.body.content | contains("hog")) and (.body.content | contains("was OOM-killed (kill 1 in its cgroup)"))')" \
    "discord: the oom as content, no mentions"
assert_eq 1 "$(hooks /ntfy '.type == "text/plain; charset=utf-8" and .title == "hale: exit crash" and .priority == "4" and .tags == "warning,exit" and (.raw | contains("exited with code 3")) and .body == null')" \
    "ntfy: the exit as text with its headers"
assert_eq 1 "$(hooks /ntfy '.title == "hale: oom hog" and .tags == "rotating_light,oom"')" \
    "ntfy: the oom"
assert_eq 0 "$(hooks /ntfy '.tags == "repeat,restart_loop"')" "ntfy: its filter leaves out the loop"
# The hanging receiver delayed nothing: each delivery came within 3 s of its event.
late=$(jq -s '[.[] | select(.path == "/json" and .body.time != null)
    | (.at - (.body.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) | select(. > 3)] | length' "$HOOKS")
assert_eq 0 "$late" "no delivery waited for the hanging receiver"
ok "webhooks in each format got well-formed bodies; a hanging one delays nothing"

# ----------------------------------------------------------- 6. Alertmanager
# am_alerts PORT: the active alerts named HaleContainerUnhealthy for "sick".
am_alerts() {
	curl -sf -G "http://127.0.0.1:$1/api/v2/alerts" \
	    --data-urlencode 'filter=alertname="HaleContainerUnhealthy"' \
	    --data-urlencode 'filter=name="sick"'
}
am_firing() {	# am_firing PORT
	[ "$(am_alerts "$1" | jq '[.[] | select(.status.state == "active")] | length')" = 1 ]
}
am_gone() {	# am_gone PORT: no longer listed (Alertmanager hides resolved alerts)
	[ "$(am_alerts "$1" | jq 'length')" = 0 ]
}
docker run -d --name sick --network none --health-cmd 'test -f /tmp/ok' \
    --health-interval 1s --health-retries 1 --health-timeout 1s \
    "$HALE_IMAGE" sh -c 'touch /tmp/ok; exec sleep 600' >/dev/null
wait_until $((20 * HALE_SLOW)) health_is sick healthy ||
	fail "sick never became healthy"
docker exec sick rm /tmp/ok
wait_until $((20 * HALE_SLOW)) am_firing "$AM1" ||
	fail "not firing at the first Alertmanager: $(am_alerts "$AM1")"
wait_until $((5 * HALE_SLOW)) am_firing "$AM2" ||
	fail "not firing at the second Alertmanager: $(am_alerts "$AM2")"
a=$(am_alerts "$AM1")
assert_eq warning "$(jq -r '.[0].labels.severity' <<<"$a")" "severity label"
assert_eq hale-test/busybox "$(jq -r '.[0].labels.image' <<<"$a")" "image label"
assert_eq "$(hostname)" "$(jq -r '.[0].labels.instance' <<<"$a")" "instance label"
assert_eq "$(hale_container_id sick)" "$(jq -r '.[0].annotations.container_id' <<<"$a")" \
    "the container id annotation"
jq -e '.[0].annotations.summary | contains("is unhealthy (docker check)")' <<<"$a" >/dev/null ||
	fail "summary: $a"
wait_until $((10 * HALE_SLOW)) hooks_ge /am '.body.status == "firing" and (.body.alerts[] | .labels.alertname == "HaleContainerUnhealthy")' 1 ||
	fail "Alertmanager notified no firing alert"
ok "the unhealthy container fires at both Alertmanagers, with its labels"
# Re-sent while firing (every 2 s here), so resolve_timeout never ends it.
posts=$(metric 'hale_alertmanager_posts_total{result="ok"}')
sleep $((5 * HALE_SLOW))
posts2=$(metric 'hale_alertmanager_posts_total{result="ok"}')
[ "$((posts2 - posts))" -ge 3 ] || fail "re-sent only $((posts2 - posts)) times in 5 s"
am_firing "$AM1" || fail "no longer firing after the resends"
for p in "$AM1" "$AM2"; do
	metric_ge "hale_notify_deliveries_total{type=\"alertmanager\",destination=\"127.0.0.1:$p\",result=\"ok\"}" 2 ||
		fail "deliveries to the Alertmanager on $p: $(curl -sf "$HALE_URL/metrics" | grep hale_notify_deliveries)"
done
ok "firing alerts are re-sent ($((posts2 - posts)) posts in 5 s to 2 Alertmanagers)"
docker exec sick touch /tmp/ok
wait_until $((20 * HALE_SLOW)) am_gone "$AM1" ||
	fail "still active at the first Alertmanager: $(am_alerts "$AM1")"
wait_until $((5 * HALE_SLOW)) am_gone "$AM2" ||
	fail "still active at the second Alertmanager: $(am_alerts "$AM2")"
wait_until $((10 * HALE_SLOW)) hooks_ge /am '.body.status == "resolved" and (.body.alerts[] | .labels.alertname == "HaleContainerUnhealthy" and .labels.name == "sick")' 1 ||
	fail "Alertmanager notified no resolved alert: $(grep '"/am"' "$HOOKS" | tail -2)"
ok "healthy again: resolved at both Alertmanagers, and notified as resolved"

hale_stop
ok "haled stopped cleanly"


