#!/bin/bash
# The web config file against a running haled: TLS with certificates made
# here by openssl (a CA, a server certificate, a client certificate from
# that CA and one from another CA), the version floor, client certificates
# required and verified, client_allowed_sans, cipher_suites and
# max_version, the configured headers, a broken file at reload
# (the old config keeps serving, the metric says 0), certificate files
# swapped on disk (picked up without SIGHUP), no fd leak across reloads,
# haled --probe over https, and exporter-toolkit's basic_auth_users file over
# TLS (401, 200, the cache, users removed at reload). No Docker: only loopback.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require curl openssl
hale_tmpdir
haled=${HALED:-${top_builddir:-.}/src/haled}
D=$HALE_TMP/pki
mkdir -p "$D"

# --- certificates ---
ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
ca() {	# NAME: a self-signed CA
	ec -x509 -days 2 -keyout "$D/$1.key" -out "$D/$1.crt" -subj "/CN=$1" \
	    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
}
leaf() {	# NAME CA EXT: a certificate signed by CA
	ec -keyout "$D/$1.key" -out "$D/$1.csr" -subj "/CN=$1"
	printf '%s\n' "$3" >"$D/$1.ext"
	openssl x509 -req -in "$D/$1.csr" -CA "$D/$2.crt" -CAkey "$D/$2.key" \
	    -CAcreateserial -days 2 -out "$D/$1.crt" -extfile "$D/$1.ext" 2>/dev/null
}
ca ca
ca otherca
leaf server ca "subjectAltName=IP:127.0.0.1"
leaf server2 ca "subjectAltName=IP:127.0.0.1"
leaf client ca "extendedKeyUsage=clientAuth
subjectAltName=DNS:client.example,email:ops@example.com"
leaf foreign otherca "extendedKeyUsage=clientAuth"
if [ ! -s "$D/foreign.crt" ] || [ ! -s "$D/server2.crt" ]; then
	fail "openssl made no certificates"
fi
ok "certificates made"

# Relative names: exporter-toolkit reads them from the web config's directory.
web=$D/web.yml
cat >"$web" <<'EOF'
tls_server_config:
  cert_file: server.crt
  key_file: server.key
http_server_config:
  http2: true
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
EOF
printf '{}\n' >"$HALE_TMP/hale.json"

# --- an invalid web config stops the start: exit 78, the field named ---
printf 'tls_server_config:\n  cert_file: server.crt\n' >"$D/bad.yml"
rc=0
out=$("$haled" --config.file="$HALE_TMP/hale.json" --web.config.file="$D/bad.yml" \
    --check-config 2>&1) || rc=$?
assert_eq 78 "$rc" "a web config without key_file exits 78"
assert_contains "$out" "tls_server_config.key_file" "the message names key_file"
ok "invalid web config at start: exit 78 naming the field"

export HALE_SCHEME=https CURL_CA_BUNDLE=$D/ca.crt
hale_start --config.file="$HALE_TMP/hale.json" --web.config.file="$web" \
    --docker.host=unix://"$HALE_TMP"/no-docker.sock
plain=http://127.0.0.1:$HALE_PORT

# --- https works, http does not ---
assert_eq 200 "$(http_status /healthz)" "https /healthz answers"
body=$(curl -s --max-time 5 "$plain/healthz" || true)
assert_not_contains "$body" "ok" "plain http gets no answer"
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$plain/healthz" || true)" = 000 ] ||
	fail "plain http got an HTTP status"
ok "https served, plain http refused"

# --- TLS 1.2 is the floor by default ---
assert_eq 000 "$(http_status /healthz --tls-max 1.1)" "TLS 1.1 refused"
assert_eq 200 "$(http_status /healthz --tls-max 1.2)" "TLS 1.2 accepted"
ok "min_version TLS12 enforced"

# --- the configured headers on every response ---
hdrs=$(curl -sS --max-time 5 -D - -o /dev/null "$HALE_URL/metrics")
assert_contains "$hdrs" "X-Frame-Options: deny" "X-Frame-Options sent"
assert_contains "$hdrs" "Strict-Transport-Security: max-age=31536000" "HSTS sent"
hdrs=$(curl -sS --max-time 5 -D - -o /dev/null "$HALE_URL/nope")
assert_contains "$hdrs" "X-Frame-Options: deny" "headers on a 404 too"
ok "web config headers on every response"

# --- haled --probe over https: verification skipped for loopback only ---
rc=0
"$haled" --probe "$HALE_URL/healthz" >/dev/null 2>&1 || rc=$?
assert_eq 0 "$rc" "--probe https://127.0.0.1 works"
rc=0
"$haled" --probe "$plain/healthz" >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "--probe http:// against a TLS port fails"
ok "--probe over https"

metric() {	# NAME: its value in /metrics
	local m
	m=$(http_get /metrics) || return 1
	awk -v n="$1" '$1 == n { print $2 }' <<<"$m"
}
fds() { find /proc/"$HALE_PID"/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fingerprint() {
	local pem
	pem=$(openssl s_client -connect "127.0.0.1:$HALE_PORT" </dev/null 2>/dev/null) || true
	openssl x509 -noout -fingerprint -sha256 <<<"$pem" 2>/dev/null || true
}
metric_is() { [ "$(metric "$1")" = "$2" ]; }
status_is() {	# CODE PATH [CURL ARGS...]
	local want=$1
	shift
	[ "$(http_status "$@")" = "$want" ]
}
serves_max_age() {	# N: the HSTS header says max-age=N
	local h
	h=$(curl -s --max-time 2 -D - -o /dev/null "$HALE_URL/healthz" | tr -d '\r') || return 1
	[[ $'\n'$h$'\n' == *$'\n'"Strict-Transport-Security: max-age=$1"$'\n'* ]]
}
cert_changed() {	# OLD: the served certificate is another one
	local fp
	fp=$(fingerprint)
	[ -n "$fp" ] && [ "$fp" != "$1" ]
}

# --- reloads: no fd leak, a changed file restarts the listener ---
assert_eq 1 "$(metric hale_web_config_last_reload_successful)" "the metric says 1"
before=$(fds)
for i in 1 2 3 4 5 6; do
	sed -i "s/max-age=[0-9]*/max-age=$i/" "$web"
	kill -HUP "$HALE_PID"
	wait_until $((5 * HALE_SLOW)) serves_max_age "$i" || fail "reload $i not applied"
done
after=$(fds)
assert_eq "$before" "$after" "open fds before and after 6 reloads"
ok "6 reloads applied, $after fds before and after"

# --- a broken file at reload: the old config keeps serving ---
cp "$web" "$D/good.yml"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_versoin: TLS13\n' >"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) metric_is hale_web_config_last_reload_successful 0 ||
	fail "the metric did not turn 0"
assert_eq 200 "$(http_status /healthz)" "still served over TLS after the bad reload"
log=$(cat "$HALE_LOG")
assert_contains "$log" "tls_server_config.min_versoin: unknown field" "the log names the field"
kill -HUP "$HALE_PID"
sleep 0.5
n=$(grep -c 'min_versoin' "$HALE_LOG" || true)
assert_eq 1 "$n" "the same error is logged once"
cp "$D/good.yml" "$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) metric_is hale_web_config_last_reload_successful 1 ||
	fail "the metric did not turn 1 again"
ok "broken web config at reload: old one kept, metric 0, logged once"

# --- certificate files swapped on disk: picked up without SIGHUP ---
fp1=$(fingerprint)
[ -n "$fp1" ] || fail "no fingerprint from openssl s_client"
cp "$D/server2.crt" "$D/new.crt"
cp "$D/server2.key" "$D/new.key"
mv "$D/new.key" "$D/server.key"
mv "$D/new.crt" "$D/server.crt"
wait_until $((25 * HALE_SLOW)) cert_changed "$fp1" ||
	fail "the new certificate was not picked up within 25 s"
fp2=$(openssl x509 -noout -fingerprint -sha256 -in "$D/server2.crt")
assert_eq "$fp2" "$(fingerprint)" "the served certificate is the new one"
ok "swapped certificate served without SIGHUP"

# --- client certificates: RequireAndVerifyClientCert ---
cat >"$web" <<'EOF'
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
EOF
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 200 /healthz --cert "$D/client.crt" --key "$D/client.key" ||
	fail "the right client certificate is not accepted"
body=$(curl -s --max-time 5 "$HALE_URL/metrics" || true)
assert_not_contains "$body" "hale_build_info" "no client certificate: no data"
code=$(http_status /metrics)
[ "$code" = 403 ] || [ "$code" = 000 ] || fail "no client certificate got $code"
body=$(curl -s --max-time 5 --cert "$D/foreign.crt" --key "$D/foreign.key" "$HALE_URL/metrics" || true)
assert_not_contains "$body" "hale_build_info" "a foreign client certificate: no data"
code=$(http_status /metrics --cert "$D/foreign.crt" --key "$D/foreign.key")
[ "$code" = 403 ] || [ "$code" = 000 ] || fail "a foreign client certificate got $code"
body=$(http_get /metrics --cert "$D/client.crt" --key "$D/client.key")
assert_contains "$body" "hale_build_info" "the CA's client certificate gets the metrics"
ok "RequireAndVerifyClientCert: no cert and a foreign one refused, the right one served"

# --- client_allowed_sans: the right CA is not enough, the name must fit ---
cp "$web" "$D/mtls.yml"
printf '  client_allowed_sans: [nobody.example]\n' >>"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 403 /healthz --cert "$D/client.crt" --key "$D/client.key" ||
	fail "a client certificate without an allowed SAN is not refused"
cp "$D/mtls.yml" "$web"
printf '  client_allowed_sans: [nobody.example, ops@example.com]\n' >>"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 200 /healthz --cert "$D/client.crt" --key "$D/client.key" ||
	fail "a client certificate with an allowed SAN (e-mail) is refused"
ok "client_allowed_sans: 403 without an allowed name, 200 with one"

# --- cipher_suites: Go names become GnuTLS priorities (TLS 1.2) ---
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n' >"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 000 /healthz --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 ||
	fail "a cipher suite left out of cipher_suites is still accepted"
assert_eq 200 "$(http_status /healthz --ciphers ECDHE-ECDSA-AES256-GCM-SHA384)" "the listed suite"
assert_eq 000 "$(http_status /healthz --tlsv1.3)" "max_version TLS12: no TLS 1.3"
ok "cipher_suites and max_version applied"

# --- TLS 1.3 only ---
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n' >"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 000 /healthz --tls-max 1.2 ||
	fail "min_version TLS13 not applied"
assert_eq 200 "$(http_status /healthz --tlsv1.3)" "TLS 1.3 accepted"
ok "min_version TLS13: TLS 1.2 refused"

# --- basic_auth_users over TLS: exporter-toolkit's own users file ---
# alice's password is alice123 (exporter-toolkit's handler_test.go).
fixtures=$(cd "$(dirname "$0")/../fixtures/webcfg" && pwd)
{ printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n'
  cat "$fixtures/users_noTLS.good.yml"; } >"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 401 /metrics ||
	fail "basic_auth_users: /metrics without credentials is not 401"
hdrs=$(curl -sS --max-time 5 -D - -o /dev/null "$HALE_URL/metrics" | tr -d '\r')
assert_contains "$hdrs" 'WWW-Authenticate: Basic realm="hale"' "the challenge"
assert_eq 200 "$(http_status /healthz)" "/healthz needs no credentials"
assert_eq 401 "$(http_status /metrics -u alice:wrong)" "a wrong password"
assert_eq 401 "$(http_status /metrics -u mallory:alice123)" "an unknown user"
body=$(http_get /metrics -u alice:alice123)
assert_contains "$body" "hale_build_info" "alice gets the metrics"
http_get /api/v1/containers -u alice:alice123 >/dev/null || fail "alice's second request"
# A scrape within metrics.min_interval is served from the last one: poll.
cached_seen() {
	local m c
	m=$(http_get /metrics -u alice:alice123) || return 1
	c=$(awk '$1 == "hale_http_auth_attempts_total{result=\"cached\"}" { print $2 }' <<<"$m")
	[ "${c:-0}" -ge 1 ]
}
wait_until $((5 * HALE_SLOW)) cached_seen || fail "alice's second request was not answered from the cache"
ok "basic_auth_users over TLS: 401 with the challenge, 200 for alice (then from the cache), /healthz open"

# Users gone at reload: nothing is asked any more.
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n' >"$web"
kill -HUP "$HALE_PID"
wait_until $((5 * HALE_SLOW)) status_is 200 /metrics ||
	fail "users removed at reload: /metrics still refused"
ok "users removed at reload: open again"

hale_stop || fail "haled did not stop cleanly"
ok "haled stopped"
echo "# test_tls: all passed"
