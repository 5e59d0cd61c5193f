#!/bin/bash
# HTTP request limits against a running haled: one client address holding
# its connections (idle or trickling headers) cannot starve a scraper from
# another address; hostile requests get a clear status at once. No Docker.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require curl python3
hale_tmpdir
t_eq() { assert_eq "$@"; ok "$3"; }

cfg=$HALE_TMP/limits.json
printf '{"web": {"max_connections": 8, "max_connections_per_ip": 4, "header_timeout": "2s", "timeout": "30s"}}\n' >"$cfg"
hale_start --config.file="$cfg" --docker.host=unix://"$HALE_TMP"/no-docker.sock

# --- one address takes what it can: 2 slowloris and 8 idle connections
# from 127.0.0.2 (only 4 of them get in), held for 8 seconds ---
hold=$HALE_TMP/hold.py
cat >"$hold" <<'PY'
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
socks, closed = [], 0
for i in range(10):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    socks.append((s, i < 2))
open(out, "w").write("up\n")
t0 = time.time()
alive = set(range(len(socks)))
while time.time() - t0 < 8:
    for i, (s, slow) in enumerate(socks):
        if i not in alive:
            continue
        try:
            if slow:
                s.send(b"GET /metrics HTTP/1.1\r\nX-A: aaaa"[int((time.time() - t0) / 0.3) % 30:][:1] or b"a")
            if s.recv(4096) == b"":
                alive.discard(i)
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            alive.discard(i)
            closed += 1
    time.sleep(0.3)
open(out, "a").write("closed %d after %.1fs\n" % (closed, time.time() - t0))
PY
python3 "$hold" "$HALE_PORT" "$HALE_TMP/hold.out" &
holder=$!
stop_holder() { kill "$holder" 2>/dev/null || true; }
hale_on_exit stop_holder
wait_until 5 test -s "$HALE_TMP/hold.out" || fail "holder connected"
sleep 0.5
for i in 1 2 3; do
	read -r code secs < <(curl -s -o /dev/null --max-time 3 -w '%{http_code} %{time_total}\n' "$HALE_URL/metrics" || echo "000 3")
	t_eq 200 "$code" "/metrics from 127.0.0.1 answers while 127.0.0.2 holds its slots ($i: ${secs}s)"
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 2 else 1)" "$secs" ||
		fail "/metrics took ${secs}s"
	sleep 1
done
t_eq 200 "$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "$HALE_URL/healthz")" "/healthz answers too"
wait "$holder" || fail "holder ran"
summary=$(tail -1 "$HALE_TMP/hold.out")
# 6 of the 10 were refused at once (per-IP limit); the 4 admitted (2 of
# them trickling) were closed at the 2s header deadline.
read -r _ n _ < <(echo "$summary")
[ "$n" -ge 8 ] || fail "expected at least 8 of the 10 held connections closed by haled, got: $summary"
ok "per-IP limit and header deadline closed the holder's connections ($summary)"

# --- hostile requests get their status at once ---
req() {	# sends a Python bytes expression, prints the status line (or "closed") and the seconds
	python3 - "$HALE_PORT" "$1" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(6)
t0 = time.time()
s.sendall(eval(sys.argv[2]))
b = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        b += d
except socket.timeout:
    b += b"TIMEOUT"
line = b.split(b"\r\n")[0].decode("latin-1") or "closed"
print("%s|%.1f" % (line, time.time() - t0))
PY
}
t_eq "HTTP/1.1 400 Bad Request" "$(req 'b"GET /healthz%00.txt HTTP/1.1\r\nHost: x\r\n\r\n"' | cut -d'|' -f1)" "NUL in the path: 400"
t_eq "HTTP/1.1 400 Bad Request" "$(req 'b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"' | cut -d'|' -f1)" "Content-Length with Transfer-Encoding: 400"
t_eq "HTTP/1.1 403 Forbidden" "$(req 'b"POST /api/v1/containers/x/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n"' | cut -d'|' -f1)" "Expect: 100-continue on a refused route: 403 first, no 100"
t_eq "HTTP/1.1 431 Request Header Fields Too Large" "$(req 'b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 204800 + b"\r\n\r\n"' | cut -d'|' -f1)" "200 KiB header: 431"
t_eq "HTTP/1.1 414 URI Too Long" "$(req 'b"GET /healthz?" + b"a" * 10240 + b" HTTP/1.1\r\nHost: x\r\n\r\n"' | cut -d'|' -f1)" "10 KiB URI: 414"
IFS='|' read -r line secs < <(req 'b"\x16\x03\x01\x02\x00\x01\x00\x01"')
t_eq closed "$line" "bytes that never make a request line are closed"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 3.5 else 1)" "$secs" ||
	fail "garbage held ${secs}s, more than the 2s header deadline"
ok "garbage closed after ${secs}s (header_timeout 2s, idle timeout 30s)"
t_eq 200 "$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "$HALE_URL/healthz")" "still serving"
hale_stop
echo "# test_http_limits: all passed"
