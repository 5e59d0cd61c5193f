#!/bin/bash
# The shipped Grafana dashboards and Prometheus alert rules, against a real
# Prometheus scraping a real haled that watches a private engine:
#  1. offline: every dashboard parses and follows the provisioning rules
#     (datasource variable, no ${DS_...}, $__rate_interval, label_values
#     variables); every query parses (promtool check rules on them as
#     recording rules); promtool check rules and test rules on the alerts;
#  2. a quiet host (healthy containers, limits, a check, remediation on):
#     Prometheus (1 s scrapes, the alert rules loaded) answers every
#     variable and panel query with data, except the panels listed in
#     $ALLOW_EMPTY with the reason; the rules load and evaluate without
#     error, and none is pending or firing;
#  3. events: an OOM-killing container, an unhealthy one restarted until hale
#     gives up, webhooks to a closed port, disk writes: every query answers
#     with data, no exception; the counters moved, and the alerts about
#     them are pending or firing; every family the dashboards and rules
#     query is one haled exports;
#  4. a reload that fails, Docker killed, haled stopped: the alerts about
#     haled itself go pending.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require prometheus promtool python3
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/tests/integration/dashboards_check.py
dashboards=("$top"/dashboards/*.json)
rules=$top/etc/prometheus/hale-alerts.yml
hale_tmpdir

# ---------------------------------------------------------------- 1. offline
[ "${#dashboards[@]}" -ge 2 ] || fail "no dashboards in $top/dashboards"
python3 "$check" lint "${dashboards[@]}" || fail "dashboard structure"
ok "${#dashboards[@]} dashboards parse: datasource variable, no \${DS_} or __inputs, \$__rate_interval, label_values variables"
python3 "$check" rulefile "$HALE_TMP/queries.yml" "${dashboards[@]}" >/dev/null ||
	fail "dashboard queries"
promtool check rules "$HALE_TMP/queries.yml" >"$HALE_TMP/promtool.out" 2>&1 ||
	fail "a dashboard query does not parse: $(cat "$HALE_TMP/promtool.out")"
ok "every dashboard query parses ($(grep -o '[0-9]* rules' "$HALE_TMP/promtool.out"))"
for f in "$top"/dashboards/provisioning/*.yml; do
	grep -q '^apiVersion: 1$' "$f" || fail "$f: no apiVersion 1"
done
promtool check rules "$rules" >"$HALE_TMP/promtool.out" 2>&1 ||
	fail "promtool check rules: $(cat "$HALE_TMP/promtool.out")"
ok "promtool check rules: $(grep -o '[0-9]* rules' "$HALE_TMP/promtool.out")"
for t in "$top"/tests/rules/*.test.yml; do
	promtool test rules "$t" >"$HALE_TMP/promtool.out" 2>&1 ||
		fail "promtool test rules $t: $(cat "$HALE_TMP/promtool.out")"
	ok "promtool test rules ${t#"$top"/}: $(grep -c '^  - name:' "$t") cases pass"
done

# ---------------------------------------------------------------- helpers
PROM_PORT=$(hale_free_port)
PROM=http://127.0.0.1:$PROM_PORT
# promql EXPR: the value of the first sample of an instant query ("" if none).
promql() {
	curl -sf --max-time 10 --data-urlencode "query=$1" "$PROM/api/v1/query" |
	    python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
promql_ge() {	# promql_ge EXPR N: the value is at least N
	local v
	v=$(promql "$1")
	[ -n "$v" ] && python3 -c 'import sys; sys.exit(float(sys.argv[1]) < float(sys.argv[2]))' "$v" "$2"
}
# alerts STATE...: names of the alerts in one of those states, sorted.
alerts() {
	curl -sf --max-time 10 "$PROM/api/v1/alerts" | python3 -c 'import json, sys
want = sys.argv[1:]
print(" ".join(sorted({a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"]
                       if a["state"] in want})))' "$@"
}
has_alerts() {	# has_alerts NAME...: each is pending or firing
	local now a
	now=" $(alerts pending firing) "
	for a in "$@"; do
		case "$now" in *" $a "*) ;; *) return 1 ;; esac
	done
}
# rules_ok: every rule loaded, evaluated, healthy; prints a summary.
rules_ok() {
	curl -sf --max-time 10 "$PROM/api/v1/rules" >"$HALE_TMP/rules.json" || return 1
	python3 - "$HALE_TMP/rules.json" <<'EOF'
import json, sys
rules = [r for g in json.load(open(sys.argv[1]))["data"]["groups"] for r in g["rules"]]
bad = [(r["name"], r.get("health"), r.get("lastError")) for r in rules
       if r.get("health") != "ok" or r.get("lastError") or r.get("lastEvaluation", "").startswith("0001")]
if not rules or bad:
    print("rules not healthy: %s" % (bad or "none loaded"), file=sys.stderr)
    sys.exit(1)
print("%d rules, all health ok" % len(rules))
EOF
}

# ---------------------------------------------------------------- 2. quiet host
hale_docker_start
hale_busybox_image
check_labels=(--label hale.check=http --label hale.check.port=8080
    --label hale.check.path=/health --label hale.check.interval=1s
    --label hale.check.fall=1 --label hale.check.rise=1)
# A healthy web server with limits, a check and remediation on.
docker run -d --name dash-web --network none --memory 64m --cpus 0.5 \
    "${check_labels[@]}" --label hale.restart=on-unhealthy "$HALE_IMAGE" sh -c '
	mkdir -p /var/www && echo ok >/var/www/health
	exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
# The host's interfaces, as a container on a bridge network has its own.
docker run -d --name dash-hostnet --network host "$HALE_IMAGE" \
    sh -c 'exec sleep 100000' >/dev/null

# Webhooks go to a port nobody listens on: every delivery fails.
DEAD_PORT=$(hale_free_port)
cat >"$HALE_TMP/hale.json" <<EOF
{"notify": {"retries": 0,
  "webhooks": [{"url": "http://127.0.0.1:$DEAD_PORT/hook", "timeout": "1s"}]},
 "metrics": {"fs_usage_interval": "1s"},
 "docker": {"data_root": "$HALE_DOCKER_DIR/data"}}
EOF
hale_start --config.file="$HALE_TMP/hale.json" --log.level=info

cat >"$HALE_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: hale
    static_configs:
      - targets: ["127.0.0.1:$HALE_PORT"]
EOF
prometheus --config.file="$HALE_TMP/prometheus.yml" \
    --storage.tsdb.path="$HALE_TMP/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
    --log.level=warn </dev/null >"$HALE_TMP/prometheus.log" 2>&1 &
PROM_PID=$!
hale_on_exit _stop_prometheus
_stop_prometheus() {
	kill -TERM "$PROM_PID" 2>/dev/null || true
	wait "$PROM_PID" 2>/dev/null || true
}
prom_ready() {
	_hale_pid_alive "$PROM_PID" || fail "prometheus exited: $(tail -n 20 "$HALE_TMP/prometheus.log")"
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$PROM/-/ready")" = 200 ]
}
wait_until 30 prom_ready || fail "prometheus did not get ready"
# Enough scrapes for the 10 s windows of rate(), and a probe result.
wait_until 40 promql_ge 'count_over_time(up{job="hale"}[15s])' 14 ||
	fail "prometheus does not scrape haled: $(tail -n 20 "$HALE_TMP/prometheus.log")"
wait_until 20 promql_ge 'sum(hale_check_duration_seconds_count{name="dash-web"})' 3 ||
	fail "dash-web is not probed"
ok "prometheus scrapes haled every 1 s (up == $(promql 'up{job="hale"}'))"

# Panels that may be empty on a healthy host, and why.
ALLOW_EMPTY=$HALE_TMP/allow-empty
cat >"$ALLOW_EMPTY" <<'EOF'
Disk I/O by container	a container has io.stat rows only once it did block I/O (the idle containers here read from the page cache), and on cgroup v1 only for devices with a blkio throttle limit
Disk operations by container	the same rows as "Disk I/O by container"
EOF
python3 "$check" query "$PROM" "$ALLOW_EMPTY" "${dashboards[@]}" >"$HALE_TMP/query.out" ||
	fail "quiet host: $(grep -v '^#' "$HALE_TMP/query.out")"
grep '^#' "$HALE_TMP/query.out" >&2
ok "quiet host: every variable and panel query returns data ($(tail -n 1 "$HALE_TMP/query.out" | sed 's/^# //'))"

# Community cAdvisor dashboards: each of their cAdvisor-only queries answers
# with data, except those named here with the reason.
community_empty_ok() {
	case "$1" in
	*container_memory_swap*) [ ! -e /sys/fs/cgroup/memory/memory.memsw.usage_in_bytes ] &&
		[ ! -e /sys/fs/cgroup/unified/memory.swap.current ] && [ ! -e /sys/fs/cgroup/memory.swap.current ] ;;
	*container_fs_writes_bytes_total*) return 0 ;;	# no block I/O on a quiet host (see ALLOW_EMPTY)
	*) return 1 ;;
	esac
}
community_answers() {
	curl -sf --max-time 10 --data-urlencode "query=$1" "$PROM/api/v1/query" |
	    python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)'
}
n=0 empty=0
while IFS=$'\t' read -r dash q; do
	case "$dash" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	wait_until 15 community_answers "$q" && continue
	community_empty_ok "$q" || fail "dashboard $dash: no data for $q"
	empty=$((empty + 1))
	printf '# dashboard %s: empty here, as explained: %s\n' "$dash" "$q" >&2
done <"$top/tests/integration/cadvisor_dashboards.tsv"
[ "$n" -ge 40 ] || fail "only $n community queries read"
ok "community cAdvisor dashboards (893, 14282, 193, 179, dockprom, Raspberry Pi): $((n - empty)) of $n queries answer with data, $empty empty with their reason"

wait_until 10 rules_ok >/dev/null || fail "alert rules: $(rules_ok 2>&1)"
ok "alert rules load and evaluate in prometheus: $(rules_ok)"
sleep 3
assert_eq "" "$(alerts pending firing)" "no alert on a quiet host"
ok "quiet host: no alert pending or firing"

# ---------------------------------------------------------------- 3. events
# The OOM killer: the child shell outgrows 8 MiB again and again while the
# container lives on, so its counter keeps counting.
docker run -d --name dash-oom --network none --memory 8m --memory-swap 8m \
    "$HALE_IMAGE" sh -c 'while :; do sh -c "x=a; while :; do x=\$x\$x; done"; sleep 1; done' \
    >/dev/null
# Healthy until broken (the file system outlives restarts), then restarted
# once (max 1) and given up; each action and the give-up is a webhook that
# fails. Prometheus sees its restart counter at 0 first, as on a real host:
# increase() cannot count the first step of a series born at 1.
docker run -d --name dash-sick --network none "${check_labels[@]}" \
    --label hale.restart=on-unhealthy --label hale.restart.max=1 \
    --label hale.restart.backoff=1s --label hale.stop.timeout=1 "$HALE_IMAGE" sh -c '
	mkdir -p /var/www && { [ -f /broken ] || echo ok >/var/www/health; }
	exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
wait_until 20 promql_ge 'count(hale_restarts_total{name="dash-sick"} == 0)' 1 ||
	fail "dash-sick: no restart counter at 0"
docker exec dash-sick sh -c 'touch /broken; rm -f /var/www/health'
# Block I/O that bypasses the page cache, on a bind mount of the test's
# disk. A throttle limit (far above what it does) on that disk, because
# cgroup v1's blkio counts only I/O to devices with a limit on new kernels.
disk=$(stat -c '%Hd:%Ld' "$HALE_TMP")
disk=$(readlink -f "/sys/dev/block/$disk")
[ -f "$disk/partition" ] && disk=${disk%/*}
[ -b "/dev/${disk##*/}" ] || fail "no block device under $HALE_TMP"
mkdir -p "$HALE_TMP/disk"
docker run -d --name dash-disk --network none -v "$HALE_TMP/disk:/data" \
    --device-write-bps "/dev/${disk##*/}:1gb" --device-read-bps "/dev/${disk##*/}:1gb" \
    "$HALE_IMAGE" sh -c 'while :; do
	dd if=/dev/zero of=/data/f bs=64k count=16 oflag=direct 2>/dev/null
	dd if=/data/f of=/dev/null bs=64k iflag=direct 2>/dev/null; sleep 1; done' >/dev/null

wait_until 60 promql_ge 'sum(hale_remediation_state{name="dash-sick",state="gave_up"})' 1 ||
	fail "dash-sick: no give-up: $(http_get /api/v1/containers/dash-sick)"
wait_until 20 promql_ge 'sum(container_oom_events_total{name="dash-oom"})' 1 ||
	fail "dash-oom: no OOM kill counted"
wait_until 20 promql_ge 'sum(hale_webhook_deliveries_total{result="failed"})' 2 ||
	fail "no failed webhook delivery"
wait_until 20 promql_ge 'sum(container_fs_writes_bytes_total{name="dash-disk"})' 1 ||
	fail "dash-disk: no block writes counted"
ok "events: $(promql 'sum(container_oom_events_total{name="dash-oom"})') OOM kills, $(promql 'sum(hale_restarts_total{name="dash-sick"})') restart and $(promql 'sum(hale_remediation_give_ups_total{name="dash-sick"})') give-up, $(promql 'sum(hale_webhook_deliveries_total{result="failed"})') failed webhooks, $(promql 'sum(container_fs_writes_bytes_total{name="dash-disk"})') bytes written"
# Let the rate() windows fill with the new containers' samples.
sleep 11
: >"$ALLOW_EMPTY"
python3 "$check" query "$PROM" "$ALLOW_EMPTY" "${dashboards[@]}" >"$HALE_TMP/query.out" ||
	fail "events: $(grep -v '^#' "$HALE_TMP/query.out")"
ok "events: every variable and panel query returns data ($(tail -n 1 "$HALE_TMP/query.out" | sed 's/^# //'))"

for q in 'sum(increase(container_oom_events_total{name="dash-oom"}[2m]))' \
    'sum(increase(hale_restarts_total{name="dash-sick"}[2m]))' \
    'sum(hale_remediation_state{name="dash-sick",state="gave_up"})' \
    'sum(increase(hale_webhook_deliveries_total{result=~"failed|dropped"}[2m]))'; do
	promql_ge "$q" 0.5 || fail "events: $q is $(promql "$q")"
done
ok "events: the panels' OOM, restart, give-up and webhook-failure queries count them"

wait_until 15 has_alerts HaleContainerOOMKilled HaleRemediationGaveUp \
    HaleContainerUnhealthy HaleWebhookDeliveriesFailing ||
	fail "alerts: only $(alerts pending firing) pending or firing"
rules_ok >/dev/null || fail "alert rules: $(rules_ok 2>&1)"
ok "alerts pending or firing: $(alerts pending firing)"

curl -sf "$PROM/api/v1/rules" >"$HALE_TMP/rules.json"
http_get /metrics >"$HALE_TMP/metrics.txt"
python3 "$check" families "$HALE_TMP/metrics.txt" "${dashboards[@]}" "$HALE_TMP/rules.json" \
    >"$HALE_TMP/families.out" || fail "$(grep -v '^#' "$HALE_TMP/families.out")"
ok "every family the dashboards and rules query is one haled exports"
# ---------------------------------------------------------------- 4. haled's own alerts
# A reload that fails, Docker gone, haled gone: each alert goes pending.
printf '{"web": {"max_connections": "many"}}\n' >"$HALE_TMP/hale.json"
kill -HUP "$HALE_PID"
wait_until 15 has_alerts HaleConfigReloadFailed ||
	fail "a failed reload: only $(alerts pending firing) pending or firing"
ok "a failed reload: HaleConfigReloadFailed pending"
hale_docker_kill
wait_until 15 has_alerts HaleDockerUnreachable ||
	fail "Docker gone: only $(alerts pending firing) pending or firing"
ok "Docker gone: HaleDockerUnreachable pending"
hale_stop || true
wait_until 15 has_alerts HaledDown ||
	fail "haled gone: only $(alerts pending firing) pending or firing"
rules_ok >/dev/null || fail "alert rules: $(rules_ok 2>&1)"
ok "haled gone: HaledDown pending"
printf '%s passed, 0 failed\n' "$HALE_OK_COUNT"
