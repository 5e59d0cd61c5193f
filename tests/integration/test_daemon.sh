#!/bin/bash
# The daemon itself: endpoints, exposition validity, config
# errors, reload, shutdown, hostile requests. No Docker needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require promtool curl python3
hale_tmpdir
haled=${HALED:?set HALED to the haled binary}
t_eq() { assert_eq "$@"; ok "$3"; }
t_has() { assert_contains "$@"; ok "$3"; }

# --- flags and config errors, nothing started ---
"$haled" --version | grep -q '^haled [0-9]' || fail "--version"
"$haled" --help | grep -q -- '--web.listen-address' || fail "--help"
ok "--version and --help"

rc=0; "$haled" --no-such-flag 2>"$HALE_TMP/err" || rc=$?
t_eq 64 "$rc" "unknown flag exits 64"
t_has "$(cat "$HALE_TMP/err")" 'unknown flag "--no-such-flag"' "unknown flag named"

printf '{"metrics": {"min_interval": "10x"}, "web": {"listen_addresses": [":1", "bad"]}}\n' >"$HALE_TMP/bad.json"
rc=0; "$haled" --check-config --config.file="$HALE_TMP/bad.json" 2>"$HALE_TMP/err" || rc=$?
t_eq 78 "$rc" "--check-config on a bad file exits 78"
t_has "$(cat "$HALE_TMP/err")" 'metrics.min_interval: "10x" is not a duration' "bad duration named"
t_has "$(cat "$HALE_TMP/err")" 'web.listen_addresses[1]: "bad" is not [HOST]:PORT' "every problem reported"

rc=0; "$haled" --config.file="$HALE_TMP/bad.json" --web.listen-address=127.0.0.1:1 2>/dev/null || rc=$?
t_eq 78 "$rc" "a bad config refuses to start with 78"

rc=0; "$haled" --check-config --config.file="$HALE_TMP/missing.json" 2>"$HALE_TMP/err" || rc=$?
t_eq 78 "$rc" "an explicitly named missing file is an error"

"$haled" --check-config --config.file="$(dirname "$0")/../../etc/hale.json" >/dev/null ||
	fail "the shipped etc/hale.json must validate"
ok "shipped example config validates"

rc=0; "$haled" --check-config --log.level=loud 2>"$HALE_TMP/err" || rc=$?
t_eq 78 "$rc" "a bad flag value exits 78"
t_has "$(cat "$HALE_TMP/err")" '--log.level: "loud"' "bad flag value named"

# --- a running daemon ---
cfg=$HALE_TMP/hale.json
printf '{"log": {"level": "info"}, "metrics": {"min_interval": "0s"}}\n' >"$cfg"
hale_start --config.file="$cfg" --log.level=info

t_eq 200 "$(http_status /healthz)" "/healthz is 200"
t_eq ok "$(http_get /healthz)" "/healthz says ok"
# No engine at the default socket: ready once an attempt has failed.
readyz_200() { [ "$(http_status /readyz)" = 200 ]; }
wait_until $((5 * HALE_SLOW)) readyz_200 || fail "/readyz never 200"
ok "/readyz is 200 once started and Docker found unreachable"
t_has "$(http_get /)" "<h1>haled</h1>" "landing page names the daemon"
t_has "$(http_get /)" 'href="/metrics"' "landing page links /metrics"
t_eq 404 "$(http_status /nope)" "unknown path is 404"
t_has "$(http_get /nope)" "not found" "404 has a body"
t_eq 405 "$(http_status /metrics -X POST)" "POST is 405"
t_has "$(curl -s -X DELETE "$HALE_URL/healthz")" "method not allowed" "405 has a body"
t_eq 200 "$(http_status /metrics -I)" "HEAD /metrics is allowed"

ct=$(curl -s -o /dev/null -w '%{content_type}' "$HALE_URL/metrics")
t_eq "text/plain; version=0.0.4; charset=utf-8" "$ct" "text format content type"
http_get /metrics >"$HALE_TMP/m.txt"
hale_promtool_check "$HALE_TMP/m.txt" || fail "promtool check metrics"
ok "promtool check metrics passes"
t_has "$(cat "$HALE_TMP/m.txt")" 'hale_build_info{version="' "hale_build_info present"
for f in process_cpu_seconds_total process_resident_memory_bytes process_open_fds process_start_time_seconds; do
	grep -q "^$f " "$HALE_TMP/m.txt" || fail "$f missing"
done
ok "process_* metrics present"
rss=$(awk '$1=="process_resident_memory_bytes"{print $2}' "$HALE_TMP/m.txt")
pid_rss=$(awk '/^VmRSS:/{print $2*1024}' "/proc/$HALE_PID/status")
/usr/bin/python3 - "$rss" "$pid_rss" <<'PY' || fail "process_resident_memory_bytes far from VmRSS"
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
sys.exit(0 if abs(a - b) <= 0.5 * b else 1)
PY
ok "process_resident_memory_bytes agrees with /proc VmRSS"

# OpenMetrics when asked, strictly parsed.
om_accept='application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
ct=$(curl -s -o "$HALE_TMP/om.txt" -w '%{content_type}' -H "Accept: $om_accept" "$HALE_URL/metrics")
t_eq "application/openmetrics-text; version=1.0.0; charset=utf-8" "$ct" "OpenMetrics content type"
/usr/bin/python3 - "$HALE_TMP/om.txt" <<'PY' || fail "strict OpenMetrics parse"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
names = [f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())]
assert "hale_build_info" in names and "process_cpu_seconds" in names, names
PY
ok "OpenMetrics output passes the strict parser"

# gzip when accepted.
enc=$(curl -s -o "$HALE_TMP/m.gz" -w '%header{content-encoding}' -H 'Accept-Encoding: gzip' "$HALE_URL/metrics" 2>/dev/null ||
	curl -s -D - -o "$HALE_TMP/m.gz" -H 'Accept-Encoding: gzip' "$HALE_URL/metrics" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding"{print $2}')
t_eq gzip "$enc" "gzip when the scraper accepts it"
gzip -dc "$HALE_TMP/m.gz" | hale_promtool_check || fail "gzipped body is valid"
ok "gzipped exposition decompresses to valid metrics"

# Hostile requests: nothing crashes the daemon.
long=$(head -c 20000 /dev/zero | tr '\0' a)
http_status "/$long" >/dev/null || true
curl -s -o /dev/null -H "X-Big: $long" "$HALE_URL/metrics" || true
printf 'GARBAGE\r\n\r\n' | timeout 3 bash -c "cat >/dev/tcp/127.0.0.1/$HALE_PORT" || true
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' |
	timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$HALE_PORT; cat >&3; timeout 1 cat <&3 >/dev/null" || true
curl -s -o /dev/null -H 'Accept: ;;;,,=q=;version=' "$HALE_URL/metrics"
t_eq 200 "$(http_status /healthz)" "daemon survives hostile requests"

# SIGHUP: a broken config keeps the old one; a good one applies.
printf '{"log": {"level": "nope"}}\n' >"$cfg"
kill -HUP "$HALE_PID"
wait_until 5 grep -q 'config reload failed' "$HALE_LOG" || fail "reload failure logged"
t_has "$(cat "$HALE_LOG")" 'log.level: \"nope\"' "reload error names the field"
t_eq 200 "$(http_status /healthz)" "still serving after a broken reload"
t_has "$(http_get /metrics)" "hale_config_last_reload_successful 0" "failed reload visible in metrics"
# (--log.level was given as a flag and wins; log.format comes from the file.)
printf '{"log": {"level": "debug", "format": "json"}, "metrics": {"min_interval": "0s"}}\n' >"$cfg"
kill -HUP "$HALE_PID"
wait_until 5 grep -q '"msg":"config reloaded"' "$HALE_LOG" || fail "good reload applied (JSON log format)"
ok "a good reload applies the new config"
http_get /healthz >/dev/null
sleep 0.2
if grep -q '"path":"/healthz"' "$HALE_LOG"; then fail "flag --log.level=info must win over the file's debug"; fi
ok "flags still win after a reload"
t_has "$(http_get /metrics)" "hale_config_last_reload_successful 1" "good reload visible in metrics"

# SIGTERM while a client holds a connection open: exit 0.
hale_stop || fail "haled did not exit 0 on SIGTERM"
ok "SIGTERM exits 0"

# --- several listen addresses, JSON logs, journal priorities ---
p2=$(hale_free_port)
JOURNAL_STREAM=8:1234 hale_start --web.listen-address="127.0.0.1:$p2" --log.format=json
t_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p2/healthz")" "second listen address serves"
t_eq 200 "$(http_status /healthz)" "first listen address serves"
hale_stop
grep -q '^<6>{"ts":"' "$HALE_LOG" || fail "JSON lines with <6> prefixes under journald"
/usr/bin/python3 -c 'import json,sys
for line in open(sys.argv[1]):
    if line.startswith("<"):
        json.loads(line[3:])' "$HALE_LOG" || fail "every JSON log line parses"
ok "JSON log lines with journald priorities"

# --- a port in use is a clear startup error ---
rc=0; "$haled" --web.listen-address="127.0.0.1:$p2" --web.listen-address="127.0.0.1:$p2" 2>"$HALE_TMP/err" || rc=$?
t_eq 1 "$rc" "a busy port fails startup with 1"
t_has "$(cat "$HALE_TMP/err")" "cannot listen" "busy port explained"

echo "# test_daemon: all passed"
