#!/bin/bash
# HTTP probes over https, through libcurl's GnuTLS flavour as haled starts
# it (libssh2 told not to initialise OpenSSL first): an openssl s_server
# inside each --network none container's namespace, a self-signed
# certificate; with hale.check.tls_verify=false the check turns healthy
# (the handshake and the request work), with verification on it fails on
# the certificate (the check is real, not skipped).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require openssl nsenter jq
hale_tmpdir
hale_docker_start
hale_busybox_image

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$HALE_TMP/tls.key" -out "$HALE_TMP/tls.crt" -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null

json() { http_get "/api/v1/containers/$1" 2>/dev/null; }
holds() {	# holds NAME JQ
	local j
	j=$(json "$1") || return 1
	jq -e "$2" >/dev/null 2>&1 <<<"$j"
}
answers() {	# answers PID: s_server takes a TLS request in PID's namespace
	hale_netns_curl "$1" https://127.0.0.1:8443/ -k -o /dev/null 2>/dev/null
}
tls_container() {	# tls_container NAME [LABELS...]: s_server on 127.0.0.1:8443 inside
	local name=$1 pid
	shift
	docker run -d --name "$name" --network none \
	    --label hale.check=http --label hale.check.scheme=https \
	    --label hale.check.port=8443 --label hale.check.interval=1s \
	    --label hale.check.rise=1 --label hale.check.fall=1 \
	    --label hale.check.target=netns "$@" "$HALE_IMAGE" sleep 3600 >/dev/null
	pid=$(hale_container_pid "$name")
	nsenter -t "$pid" -n openssl s_server -quiet -www -accept 127.0.0.1:8443 \
	    -cert "$HALE_TMP/tls.crt" -key "$HALE_TMP/tls.key" \
	    </dev/null >"$HALE_TMP/$name.s_server.log" 2>&1 &
	hale_on_exit kill "$!"
	wait_until $((5 * HALE_SLOW)) answers "$pid" ||
		fail "$name: s_server did not answer in the namespace"
}

tls_container hp-insecure --label hale.check.tls_verify=false
tls_container hp-verify
hale_start

wait_until $((10 * HALE_SLOW)) holds hp-insecure '.health.status == "healthy"' ||
	fail "hp-insecure not healthy: $(json hp-insecure | jq -c .health)"
holds hp-insecure '.health.last_results[-1].result == "ok" and .health.last_results[-1].status_code == 200' ||
	fail "hp-insecure: last result $(json hp-insecure | jq -c '.health.last_results[-1]')"
ok "https probe without verification: healthy, 200 from s_server in the namespace"

wait_until $((10 * HALE_SLOW)) holds hp-verify '.health.status == "unhealthy"' ||
	fail "hp-verify not unhealthy: $(json hp-verify | jq -c .health)"
r=$(json hp-verify | jq -c '.health.last_results[-1]')
assert_contains "$r" "certificate" "hp-verify's failure names the certificate"
ok "https probe with verification: unhealthy on the self-signed certificate"

hale_stop || fail "haled did not exit cleanly"
ok "haled stopped"
printf '# test_https_probe: all passed\n'
