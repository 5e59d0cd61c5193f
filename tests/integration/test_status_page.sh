#!/bin/bash
# The status page at / in a real headless browser (Debian's chromium)
# against haled and real containers on the private engine:
#   web    busybox httpd, a hale HTTP check: healthy; a label value with
#          markup and quotes
#   sick   a hale HTTP check at a port nothing listens on, fall 1:
#          unhealthy, with an `unhealthy` event
#   crash  exits 3: an `exit` event with its code
#   evil   a check path label holding markup: refused, with the reason
# The DOM chromium built shows each container, its health and a recent
# event, the hostile text as text, and no script element; the response
# carries the CSP that forbids scripts; a screenshot renders
# (HALE_SCREENSHOT=FILE.png keeps it and the DOM beside it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require jq chromium
hale_tmpdir
hale_docker_start
hale_busybox_image

HOSTILE='<script>alert(1)</script>"'"'"'&<img src=x onerror=alert(2)>'
www='mkdir -p /www && echo ok >/www/health && exec httpd -f -p 127.0.0.1:8080 -h /www'
docker run -d --name web --network none --label "note=$HOSTILE" \
    --label hale.check=http --label hale.check.port=8080 \
    --label hale.check.path=/health --label hale.check.interval=1s \
    --label hale.check.rise=1 "$HALE_IMAGE" sh -c "$www" >/dev/null
docker run -d --name sick --network none \
    --label hale.check=http --label hale.check.port=8081 \
    --label hale.check.interval=1s --label hale.check.fall=1 \
    "$HALE_IMAGE" sleep 600 >/dev/null
docker run -d --name crash --network none "$HALE_IMAGE" \
    sh -c 'sleep 2; exit 3' >/dev/null
docker run -d --name evil --network none --label hale.check=http \
    --label hale.check.port=8080 --label "hale.check.path=/$HOSTILE" \
    "$HALE_IMAGE" sleep 600 >/dev/null

hale_start
health_of() {	# health_of NAME: hale's combined status from the API
	curl -sf "$HALE_URL/api/v1/containers/$1" | jq -r '.health.status'
}
has_event() {	# has_event NAME KIND
	[ "$(curl -sf "$HALE_URL/api/v1/events?container=$1&kind=$2" |
	    jq '.events | length')" -ge 1 ]
}
is_healthy() {	# is_healthy NAME
	[ "$(health_of "$1")" = healthy ]
}
wait_until $((10 * HALE_SLOW)) is_healthy web ||
	fail "web never healthy: $(curl -s "$HALE_URL/api/v1/containers/web" | jq -c .health)"
wait_until $((10 * HALE_SLOW)) has_event sick unhealthy ||
	fail "no unhealthy event for sick: $(curl -s "$HALE_URL/api/v1/events")"
wait_until $((10 * HALE_SLOW)) has_event crash exit ||
	fail "no exit event for crash: $(curl -s "$HALE_URL/api/v1/events")"
ok "web healthy, sick unhealthy, crash exited 3 (through the API)"

# ---- the response: HTML, CSP, refresh -------------------------------------
hdr=$(curl -sS -D - -o "$HALE_TMP/page.html" "$HALE_URL/")
assert_contains "$hdr" "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'" \
    "no CSP forbidding scripts"
assert_contains "$hdr" "Content-Type: text/html; charset=utf-8" "not HTML"
page=$(cat "$HALE_TMP/page.html")
assert_contains "$page" '<meta http-equiv="refresh" content="10">' "no refresh"
assert_not_contains "$page" "<script" "a raw <script in the page source"
assert_not_contains "$page" "<img" "a raw <img in the page source"
ok "/ is HTML with a CSP that forbids scripts, refreshed every 10 s"

# ---- the DOM chromium builds ----------------------------------------------
chrome() {
	HOME=$HALE_TMP timeout 30 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$HALE_TMP/chrome" --no-first-run \
	    --disable-dev-shm-usage "$@" 2>>"$HALE_TMP/chromium.log"
}
dom=$(chrome --dump-dom "$HALE_URL/") || fail "chromium failed: $(tail -5 "$HALE_TMP/chromium.log")"
[ -n "$dom" ] || fail "chromium dumped an empty DOM: $(tail -5 "$HALE_TMP/chromium.log")"
printf '%s\n' "$dom" >"$HALE_TMP/dom.html"
# An element chromium would have built from unescaped text shows up here.
assert_not_contains "$dom" "<script" "a script element in the DOM"
assert_not_contains "$dom" "<img" "an img element in the DOM"
# The hostile label value is one text node, escaped again when serialized.
assert_contains "$dom" "note=&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;&lt;img src=x onerror=alert(2)&gt;" \
    "the label value is not shown as text"
ok "no script or img element in the DOM; the hostile label is text"

# section NAME: the container's block of the DOM (its div up to the next).
section() {
	awk -v n="<span class=\"name\">$1</span>" '
	    index($0, "<div class=\"ctr\"") && on { exit }
	    index($0, n) { on = 1 }
	    on' <<<"$dom"
}
for n in web sick crash evil; do
	s=$(section "$n")
	[ -n "$s" ] || fail "no block for $n in the DOM"
done
s=$(section web)
assert_contains "$s" 'class="badge h-healthy health">healthy<' "web is not shown healthy"
assert_contains "$s" "http <code>netns 127.0.0.1:8080/health</code>" "web's check"
assert_contains "$s" '<span class="badge h-healthy">ok</span> HTTP 200' "web's last result"
s=$(section sick)
assert_contains "$s" 'class="badge h-unhealthy health">unhealthy<' "sick is not shown unhealthy"
assert_contains "$s" '<span class="badge h-unhealthy">refused</span>' "sick's last result and reason"
assert_contains "$s" '<b class="ev-unhealthy">unhealthy</b> (hale)' "sick's unhealthy event"
assert_contains "$s" '<tr><th>Remediation</th><td>off' "sick's remediation state"
s=$(section crash)
assert_contains "$s" '<span class="badge down">exited</span>' "crash is not shown exited"
assert_contains "$s" '<b class="ev-exit">exit</b> code 3' "crash's exit event"
s=$(section evil)
assert_contains "$s" "<tr><th>Check</th><td>refused: " "evil's refused check"
assert_not_contains "$s" "<script" "evil's reason as markup"
assert_contains "$dom" '<span class="badge up">up</span> (Engine API' "Docker up"
assert_contains "$dom" 'href="/api/v1/events"' "the endpoints"
ok "the DOM shows each container, its health, its check, its events, Docker up"

# ---- rendering ---------------------------------------------------------------
chrome --screenshot="$HALE_TMP/status.png" --window-size=1280,2400 "$HALE_URL/" ||
	fail "chromium --screenshot failed: $(tail -5 "$HALE_TMP/chromium.log")"
sig=$(head -c 8 "$HALE_TMP/status.png" | od -An -tx1 | tr -d ' \n')
assert_eq 89504e470d0a1a0a "$sig" "the screenshot is not a PNG"
size=$(stat -c %s "$HALE_TMP/status.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes"
# HALE_SCREENSHOT=FILE keeps it, for a human to look at.
[ -z "${HALE_SCREENSHOT:-}" ] || cp "$HALE_TMP/status.png" "$HALE_SCREENSHOT"
[ -z "${HALE_SCREENSHOT:-}" ] || cp "$HALE_TMP/dom.html" "${HALE_SCREENSHOT%.png}.html"
ok "chromium renders the page ($size bytes of PNG)"
hale_stop
