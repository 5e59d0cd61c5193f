#!/bin/bash
# Remediation against a private Docker engine:
#  1. a hale HTTP check that starts failing: restarted after `fall`
#     failures, again after the backoff (4 s), then given up once the budget
#     (max 2) is spent; the webhook receiver gets both actions and the
#     give-up; the admin reset needs the token and clears the give-up;
#     web.admin_user's Basic credentials work too, hashed on basicauth's
#     worker once and then answered from its cache (counted by
#     hale_http_auth_*), and /healthz stays open;
#  2. only a Docker HEALTHCHECK and autoheal=true: restarted;
#  3. `docker stop` of a container whose check fails while it shuts
#     down: left alone;
#  4. a `--network container:X` dependent is restarted after X;
#  5. --dry-run: the same failure changes nothing, but is counted.
# Restarts are counted from Docker's own `restart` events, not from
# what haled says about itself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require jq python3
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
hale_tmpdir
hale_docker_start
hale_busybox_image

TOKEN=hale-test-admin-token-0123456789
# ops:admin-pass, bcrypt cost 5 (crypt_gensalt_rn + crypt_r)
ADMIN_HASH='$2b$05$wu9izCt.PQQ5ccb88xPXj.hww/svNZrsIPxnFfHy9sbRGCbG17Aq6'
RESTARTS=$HALE_TMP/restarts.log
: >"$RESTARTS"
docker events --filter type=container --filter event=restart \
    --format '{{.ID}} {{.TimeNano}}' >>"$RESTARTS" 2>/dev/null &
EVENTS_PID=$!
hale_on_exit kill "$EVENTS_PID"

# ---------------------------------------------------------------- helpers

# field NAME JQ: a field of /api/v1/containers/NAME.
field() {
	curl -sf "$HALE_URL/api/v1/containers/$1" | jq -r "$2"
}
is() {	# is NAME JQ VALUE
	[ "$(field "$1" "$2" 2>/dev/null)" = "$3" ]
}
# metric LINE-PREFIX: the value of the first /metrics line starting so.
metric() {
	curl -sf "$HALE_URL/metrics" | awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }'
}
metric_is() {	# metric_is PREFIX VALUE
	[ "$(metric "$1")" = "$2" ]
}
# restarts NAME: Docker's restart events for NAME, from a recorder that
# follows the stream (the engine replays only its last 256 events, and
# the HEALTHCHECK execs below make many). By id: names can be prefixes.
restarts() {
	local id
	id=$(hale_container_id "$1")
	awk -v id="$id" '$1 == id { print $2 }' "$RESTARTS"
}
nrestarts() {
	restarts "$1" | grep -c . || true
}
nrestarts_is() {	# nrestarts_is NAME N
	[ "$(nrestarts "$1")" = "$2" ]
}
# hooks EVENT NAME: webhook documents received for EVENT about NAME.
hooks() {
	[ -f "$HOOKS" ] || { echo 0; return; }
	jq -s --arg e "$1" --arg n "$2" \
	    '[.[] | .body | select(.event == $e and .container.name == $n)] | length' \
	    "$HOOKS"
}
hooks_ge() {	# hooks_ge EVENT NAME N
	[ "$(hooks "$1" "$2")" -ge "$3" ]
}
post_reset() {	# post_reset NAME [CURL ARGS]: HTTP status
	local n=$1
	shift
	curl -s -o "$HALE_TMP/reset.out" -w '%{http_code}' -X POST "$@" \
	    "$HALE_URL/api/v1/containers/$n/reset" || true
}

# A busybox httpd on 127.0.0.1:8080 in its own namespace, serving /health
# unless /broken exists (the container's file system survives restarts).
web() {
	local name=$1
	shift
	docker run -d --name "$name" --network none "$@" "$HALE_IMAGE" sh -c '
	    mkdir -p /var/www
	    [ -f /broken ] || echo ok >/var/www/health
	    exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
}
check_labels=(--label hale.check=http --label hale.check.port=8080
    --label hale.check.path=/health --label hale.check.interval=1s
    --label hale.check.fall=2 --label hale.check.rise=1)
break_it() {
	docker exec "$1" sh -c 'touch /broken; rm -f /var/www/health'
}
fix_it() {
	docker exec "$1" sh -c 'rm -f /broken; echo ok >/var/www/health'
}

# ---------------------------------------------------------------- webhook receiver
HOOK_PORT=$(hale_free_port)
HOOKS=$HALE_TMP/hooks.jsonl
cat >"$HALE_TMP/hook.py" <<'EOF'
import http.server, json, sys
port, path = int(sys.argv[1]), sys.argv[2]
fails = {"/flaky": 2}        # answer 500 this many times first
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if fails.get(self.path, 0) > 0:
            fails[self.path] -= 1
            self.send_response(500)
            self.end_headers()
            return
        rec = {"path": self.path, "auth": self.headers.get("Authorization"),
               "type": self.headers.get("Content-Type"),
               "body": json.loads(body)}
        with open(path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
"$py" "$HALE_TMP/hook.py" "$HOOK_PORT" "$HOOKS" &
HOOK_PID=$!
hale_on_exit kill "$HOOK_PID"
wait_until 5 hale_tcp_open 127.0.0.1 "$HOOK_PORT" || fail "webhook receiver did not start"

cat >"$HALE_TMP/hale.json" <<EOF
{
  "web": {"admin_token": "$TOKEN", "admin_user": "ops",
          "admin_password_hash": "$ADMIN_HASH"},
  "notify": {"webhooks": [{"url": "http://127.0.0.1:$HOOK_PORT/hook",
                           "headers": {"Authorization": "Bearer hook-secret"}},
                          {"url": "http://127.0.0.1:$HOOK_PORT/flaky",
                           "events": ["gave_up"]}]}
}
EOF

# ---------------------------------------------------------------- 1. backoff, budget, give-up
web rm-flap "${check_labels[@]}" --label hale.restart=on-unhealthy \
    --label hale.restart.backoff=4s --label hale.restart.max=2 \
    --label hale.restart.window=1h --label hale.stop.timeout=1
web rm-ok "${check_labels[@]}" --label hale.restart=on-unhealthy
# Flapping: healthy 3 s, failing 3 s, over and over, for the whole test.
docker run -d --name rm-flappy --network none "${check_labels[@]}" \
    --label hale.restart=on-unhealthy --label hale.restart.backoff=1s \
    --label hale.restart.max=2 --label hale.stop.timeout=1 "$HALE_IMAGE" sh -c '
	mkdir -p /var/www
	(while :; do echo ok >/var/www/health; sleep 3; rm -f /var/www/health; sleep 3; done) &
	exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
# Unhealthy for Docker, but nobody asked for remediation.
docker run -d --name rm-nolabel --network none --health-cmd false \
    --health-interval 1s --health-retries 1 "$HALE_IMAGE" \
    sh -c 'exec sleep 100000' >/dev/null
# Asked for it with a hostile value: refused, with a reason.
docker run -d --name rm-hostile --network none --health-cmd false \
    --health-interval 1s --health-retries 1 --label hale.restart=on-unhealthy \
    --label 'hale.restart.max=banana"
x' "$HALE_IMAGE" sh -c 'exec sleep 100000' >/dev/null
hale_start --config.file="$HALE_TMP/hale.json"
# The executor always exports whether it runs dry.
http_grep /metrics -q '^hale_remediation_dry_run_enabled ' ||
	fail "no hale_remediation_dry_run_enabled: remediation is not running"
wait_until $((15 * HALE_SLOW)) is rm-flap .health.status healthy ||
    fail "rm-flap never became healthy: $(field rm-flap .health)"
assert_eq "ok" "$(field rm-flap .remediation.state)" "rm-flap starts ok"
assert_eq "2" "$(field rm-flap .remediation.policy.max)" "policy from labels"
assert_eq "label" "$(field rm-flap .remediation.policy.from.max)" "max from a label"
ok "a container with hale.restart=on-unhealthy is watched (state ok, policy from labels)"

t_break=$(hale_now_ms)
break_it rm-flap
wait_until $((20 * HALE_SLOW)) nrestarts_is rm-flap 1 || fail "rm-flap was not restarted"
t1=$(restarts rm-flap | sed -n 1p)
d1=$(( t1 / 1000000 - t_break ))
# fall=2 at interval 1s: at least ~1 s of failures before acting.
[ "$d1" -ge 900 ] || fail "restarted after only $d1 ms, before fall failures"
ok "unhealthy after fall failures: restarted ($d1 ms after the check broke)"

wait_until $((20 * HALE_SLOW)) nrestarts_is rm-flap 2 || fail "no second restart"
t2=$(restarts rm-flap | sed -n 2p)
gap=$(( (t2 - t1) / 1000000 ))
# The second restart waits backoff (4 s) after the first finished; the
# check alone would have found it unhealthy again after ~2 s.
[ "$gap" -ge 4000 ] || fail "second restart only $gap ms after the first (backoff 4s)"
[ "$gap" -le $((9000 * HALE_SLOW)) ] || fail "second restart $gap ms after the first (backoff 4s)"
ok "restarted again after the backoff ($gap ms later)"

wait_until $((20 * HALE_SLOW)) is rm-flap .remediation.state gave_up ||
    fail "no give-up: $(field rm-flap .remediation)"
wait_until 5 metric_is 'hale_remediation_state{name="rm-flap",state="gave_up"}' 1 ||
    fail "gave_up not in /metrics"
wait_until 10 hooks_ge gave_up rm-flap 1 || fail "no gave_up webhook"
sleep $((6 * HALE_SLOW))
assert_eq 2 "$(nrestarts rm-flap)" "no restart after the budget was spent"
assert_eq 2 "$(metric 'hale_restarts_total{name="rm-flap",result="ok"}')" \
    "hale_restarts_total ok"
assert_eq 0 "$(nrestarts rm-ok)" "the healthy neighbour was never restarted"
ok "budget of 2 spent: gave up, no third restart, metric says gave_up"

# The webhook documents.
wait_until 10 hooks_ge action rm-flap 2 || fail "action webhooks missing"
doc=$(jq -s -c '[.[] | select(.body.event == "action" and .body.container.name == "rm-flap")][0]' "$HOOKS")
assert_eq "restart" "$(jq -r .body.action <<<"$doc")" "webhook action"
assert_eq "ok" "$(jq -r .body.result <<<"$doc")" "webhook result"
assert_eq "1" "$(jq -r .body.attempt <<<"$doc")" "webhook attempt"
assert_eq "unhealthy" "$(jq -r .body.trigger <<<"$doc")" "webhook trigger"
assert_eq "$(hale_container_id rm-flap)" "$(jq -r .body.container.id <<<"$doc")" "webhook id"
assert_eq "Bearer hook-secret" "$(jq -r .auth <<<"$doc")" "configured header sent"
assert_eq "application/json" "$(jq -r .type <<<"$doc")" "content type"
[ "$(jq -r .body.next_allowed <<<"$doc")" != null ] || fail "no next_allowed in $doc"
[ "$(jq -r '.body.health | type' <<<"$doc")" = object ] || fail "no health in $doc"
gdoc=$(jq -s -c '[.[] | select(.body.event == "gave_up")][0]' "$HOOKS")
assert_eq "2" "$(jq -r .body.budget.used <<<"$gdoc")" "gave_up budget.used"
assert_eq "2" "$(jq -r .body.budget.max <<<"$gdoc")" "gave_up budget.max"
# The second webhook only wants give-ups, and fails twice before taking one.
flaky() {
	jq -s '[.[] | select(.path == "/flaky")] | length' "$HOOKS"
}
wait_until $((15 * HALE_SLOW)) eval '[ "$(flaky)" -ge 1 ]' ||
    fail "the flaky webhook never got its document"
assert_eq 0 "$(jq -s '[.[] | select(.path == "/flaky" and .body.event != "gave_up")] | length' "$HOOKS")" \
    "events filter"
[ "$(metric 'hale_webhook_deliveries_total{result="retry"}')" -ge 2 ] ||
    fail "retries not counted"
ok "webhooks: two restart documents and one give-up, with the configured header; retried until delivered"

# The admin reset: off without credentials, then clears the give-up.
assert_eq 401 "$(post_reset rm-flap)" "reset without a token"
assert_eq 401 "$(post_reset rm-flap -H 'Authorization: Bearer wrong-token-wrong-token')" \
    "reset with a wrong token"
assert_eq "gave_up" "$(field rm-flap .remediation.state)" "still gave_up after refused resets"
assert_eq 404 "$(post_reset no-such-container -H "Authorization: Bearer $TOKEN")" \
    "reset of an unknown container"
assert_eq 200 "$(post_reset rm-flap -H "Authorization: Bearer $TOKEN")" "reset with the token"
assert_eq true "$(jq -r .reset "$HALE_TMP/reset.out")" "reset answer"
# Still broken: the reset allows one more restart at once.
wait_until $((10 * HALE_SLOW)) nrestarts_is rm-flap 3 || fail "no restart after the reset"
wait_until 10 hooks_ge reset rm-flap 1 || fail "no reset webhook"
fix_it rm-flap
wait_until $((15 * HALE_SLOW)) is rm-flap .health.status healthy || fail "rm-flap not healthy after the fix"
ok "admin reset: 401 without the token, 200 with it, remediation resumes"

# The same endpoint with web.admin_user: Basic credentials checked off the
# loop, the second time from the cache.
assert_eq 401 "$(post_reset rm-flap -u ops:wrong)" "reset with a wrong password"
assert_eq 200 "$(post_reset rm-flap -u ops:admin-pass)" "reset with the admin user"
assert_eq true "$(jq -r .reset "$HALE_TMP/reset.out")" "reset answer (basic)"
assert_eq 200 "$(post_reset rm-flap -u ops:admin-pass)" "reset with the admin user, again"
wait_until 5 metric_is 'hale_http_auth_attempts_total{result="cached"}' 1 ||
    fail "second basic reset not answered from the cache"
assert_eq 1 "$(metric 'hale_http_auth_attempts_total{result="ok"}')" "basic checks hashed ok"
assert_eq 1 "$(metric 'hale_http_auth_attempts_total{result="denied"}')" "basic checks denied"
assert_eq 2 "$(metric 'hale_http_auth_hashes_total')" "hashes computed"
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$HALE_URL/healthz")" "/healthz open"
ok "admin reset with web.admin_user: 401 wrong, 200 right (worker), 200 again (cache)"

# ---------------------------------------------------------------- 2. Docker HEALTHCHECK + autoheal=true
docker run -d --name rm-auto --network none --label autoheal=true \
    --label autoheal.stop.timeout=1 --label hale.restart.backoff=2s \
    --health-cmd 'test -f /tmp/ok' --health-interval 1s --health-retries 2 \
    --health-timeout 1s "$HALE_IMAGE" sh -c 'touch /tmp/ok; exec sleep 100000' >/dev/null
wait_until $((20 * HALE_SLOW)) is rm-auto .health.status healthy || fail "rm-auto never healthy"
assert_eq "autoheal-label" "$(field rm-auto .remediation.policy.from.restart)" "autoheal label"
assert_eq "1" "$(field rm-auto .remediation.policy.stop_timeout_seconds)" "autoheal.stop.timeout"
docker exec rm-auto rm -f /tmp/ok
wait_until $((20 * HALE_SLOW)) nrestarts_is rm-auto 1 || fail "rm-auto (Docker HEALTHCHECK) not restarted"
wait_until $((20 * HALE_SLOW)) is rm-auto .health.status healthy || fail "rm-auto not healthy after restart"
sleep 3
assert_eq 1 "$(nrestarts rm-auto)" "rm-auto restarted once"
ok "Docker HEALTHCHECK with autoheal=true: restarted once, healthy again"

# ---------------------------------------------------------------- 3. docker stop is respected
# Its check fails as soon as SIGTERM arrives; it takes 4 s to exit.
docker run -d --name rm-stop --network none "${check_labels[@]}" \
    --label hale.restart=on-unhealthy --label hale.restart.backoff=1s \
    "$HALE_IMAGE" sh -c '
	mkdir -p /var/www; echo ok >/var/www/health
	httpd -f -p 127.0.0.1:8080 -h /var/www &
	trap "rm -f /var/www/health; sleep 4; kill \$!; exit 0" TERM
	wait' >/dev/null
wait_until $((15 * HALE_SLOW)) is rm-stop .health.status healthy || fail "rm-stop never healthy"
docker stop -t 10 rm-stop >/dev/null
sleep $((5 * HALE_SLOW))
assert_eq false "$(docker inspect -f '{{.State.Running}}' rm-stop)" "rm-stop stays stopped"
assert_eq 0 "$(nrestarts rm-stop)" "rm-stop never restarted"
assert_eq 0 "$(docker inspect -f '{{.RestartCount}}' rm-stop)" "no restart count"
ok "a container stopped with docker stop is left alone"

# ---------------------------------------------------------------- 4. dependents
web rm-vpn "${check_labels[@]}" --label hale.restart=on-unhealthy \
    --label hale.stop.timeout=1
docker run -d --name rm-app --network container:rm-vpn "$HALE_IMAGE" \
    sh -c 'exec sleep 100000' >/dev/null
docker run -d --name rm-side --network none --label hale.depends_on=rm-vpn \
    "$HALE_IMAGE" sh -c 'exec sleep 100000' >/dev/null
docker run -d --name rm-bystander --network none "$HALE_IMAGE" \
    sh -c 'exec sleep 100000' >/dev/null
wait_until $((15 * HALE_SLOW)) is rm-vpn .health.status healthy || fail "rm-vpn never healthy"
# Healthy again after one restart: the health file comes back on start.
docker exec rm-vpn rm -f /var/www/health
wait_until $((20 * HALE_SLOW)) nrestarts_is rm-vpn 1 || fail "rm-vpn not restarted"
wait_until $((10 * HALE_SLOW)) nrestarts_is rm-app 1 || fail "network dependent rm-app not restarted"
wait_until $((10 * HALE_SLOW)) nrestarts_is rm-side 1 || fail "hale.depends_on dependent not restarted"
tv=$(restarts rm-vpn)
ta=$(restarts rm-app)
ts=$(restarts rm-side)
[ "$ta" -gt "$tv" ] || fail "rm-app restarted before rm-vpn ($ta <= $tv)"
[ "$ts" -gt "$tv" ] || fail "rm-side restarted before rm-vpn ($ts <= $tv)"
assert_eq 0 "$(nrestarts rm-bystander)" "unrelated container untouched"
assert_eq dependency "$(field rm-app '.remediation.attempts[0].trigger')" "attempt trigger"
ok "dependents (network_mode container: and hale.depends_on) restarted after their parent"

# ---------------------------------------------------------------- never otherwise
assert_eq 0 "$(nrestarts rm-nolabel)" "unlabelled unhealthy container untouched"
assert_eq unhealthy "$(field rm-nolabel .health.status)" "rm-nolabel is unhealthy"
assert_eq off "$(field rm-nolabel .remediation.state)" "remediation off by default"
assert_eq 0 "$(nrestarts rm-hostile)" "hostile labels: untouched"
assert_eq invalid "$(field rm-hostile .remediation.state)" "hostile labels: invalid"
assert_eq 'label hale.restart.max: "banana\x22\x0ax" is not a whole number from 1 to 64' \
    "$(field rm-hostile .remediation.error)" "hostile labels: the reason"
assert_eq 1 "$(metric 'hale_remediation_policy_invalid{name="rm-hostile"}')" \
    "hale_remediation_policy_invalid"
n=$(nrestarts rm-flappy)
[ "$n" -ge 1 ] || fail "rm-flappy never restarted"
[ "$n" -le 2 ] || fail "rm-flappy restarted $n times, budget 2"
ok "never otherwise: no labels, hostile labels; a flapping container stayed within its budget ($n)"

# The metrics pass promtool, if we have it.
if command -v promtool >/dev/null 2>&1; then
	curl -sf "$HALE_URL/metrics" >"$HALE_TMP/metrics.txt"
	hale_promtool_check "$HALE_TMP/metrics.txt" >"$HALE_TMP/promtool.out" 2>&1 ||
	    fail "promtool: $(grep -i remed "$HALE_TMP/promtool.out" | head -5)"
	ok "promtool check metrics"
fi
hale_stop || fail "haled did not exit cleanly"

# ---------------------------------------------------------------- 5. --dry-run
web rm-dry "${check_labels[@]}" --label hale.restart=on-unhealthy \
    --label hale.restart.backoff=1s
dry_started=$(docker inspect -f '{{.State.StartedAt}}' rm-dry)
hale_start --config.file="$HALE_TMP/hale.json" --dry-run
wait_until $((15 * HALE_SLOW)) is rm-dry .health.status healthy || fail "rm-dry never healthy"
assert_eq true "$(field rm-dry .remediation.dry_run)" "dry_run in the API"
break_it rm-dry
wait_until $((20 * HALE_SLOW)) metric_is \
    'hale_remediation_dry_run_total{name="rm-dry",action="restart"}' 1 ||
    fail "no dry-run action counted"
sleep 3
assert_eq 0 "$(nrestarts rm-dry)" "dry-run restarted nothing"
assert_eq "$dry_started" "$(docker inspect -f '{{.State.StartedAt}}' rm-dry)" "same run"
assert_eq 1 "$(metric 'hale_remediation_dry_run_enabled ')" "dry-run gauge"
grep -q 'dry-run: would act on container' "$HALE_LOG" || fail "no dry-run log line"
ok "--dry-run: the action is logged and counted, the container untouched"
hale_stop || fail "haled did not exit cleanly"
