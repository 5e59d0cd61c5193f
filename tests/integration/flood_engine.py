#!/usr/bin/python3
"""flood_engine: a fake Docker Engine API on a unix socket whose events
stream can be flooded, for test_flood.sh and bench/flood.

    flood_engine.py SOCKET CTLDIR [--containers N]
    flood_engine.py --measure URL N     (times N GETs of URL)

It answers GET /version, /_ping, /v1.41/containers/json,
/v1.41/containers/{id}/json and /v1.41/events (chunked, left open).
While CTLDIR/flood exists every open events stream gets event lines as
fast as the socket takes them: die, start, exec_start and health_status
events for the containers, over and over. Creating the file also
changes the engine's truth once, the way a real engine would while
busy: container flood-new appears (create, start), flood-old goes
(destroy), flood-1 exits (die). Those events are sent once, inside the
flood. The inspects and the list always answer the truth.

CTLDIR/stats is rewritten every half second: "LINES SECONDS", the
event lines sent so far and the time spent sending them. CTLDIR/truth
holds "name state" of every container, sorted, once the engine listens
and again after the change.
Stops on SIGTERM.

--measure prints "n=N p50=MS p90=MS max=MS fail=K" for N sequential GETs
of URL (a fresh connection each, 10 s timeout; a failure counts as
10000 ms).
"""
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.request

API = "1.41"
lock = threading.Lock()
truth = {}              # id -> {"name", "state"}
changed = False
sent_lines = 0
flood_time = 0.0


def cid(n):
    return ("%064x" % (0xf100d000 + n))[-64:]


def event_line(action, i, name, extra=""):
    return ('{"status":"%s","id":"%s","from":"hale-test/busybox",'
            '"Type":"container","Action":"%s","Actor":{"ID":"%s",'
            '"Attributes":{"image":"hale-test/busybox","name":"%s"%s}},'
            '"scope":"local","time":%d,"timeNano":%d}\n' %
            (action, i, action, i, name, extra, int(time.time()),
             time.time_ns()))


def inspect_doc(i, c):
    running = c["state"] == "running"
    return json.dumps({
        "Id": i, "Name": "/" + c["name"],
        "Created": "2026-11-23T13:29:55.94712731Z",
        "State": {"Status": c["state"], "Running": running,
                  "Paused": False, "Restarting": False,
                  "OOMKilled": False, "Dead": False,
                  "Pid": 0, "ExitCode": 0 if running else 1,
                  "StartedAt": "2026-11-23T13:29:56.204883388Z",
                  "FinishedAt": "0001-01-01T00:00:00Z"},
        "Image": "sha256:" + "1" * 64, "RestartCount": 0,
        "Config": {"Image": "hale-test/busybox", "Labels": {}},
        "HostConfig": {"NetworkMode": "none",
                       "RestartPolicy": {"Name": "no"}},
        "NetworkSettings": {"Networks": {}, "Ports": {}},
    })


def summary(i, c):
    return {"Id": i, "Names": ["/" + c["name"]], "Image": "hale-test/busybox",
            "State": c["state"], "Status": c["state"], "Labels": {},
            "HostConfig": {"NetworkMode": "none"}}


def flood_block():
    """About 256 KiB of event lines over the containers of the truth."""
    with lock:
        items = sorted(truth.items())
    lines = []
    size = 0
    k = 0
    while size < 256 * 1024:
        i, c = items[k % len(items)]
        act = ("die", "start", "exec_start: sh -c true", "health_status: healthy")[k % 4]
        ln = event_line(act, i, c["name"])
        lines.append(ln)
        size += len(ln)
        k += 1
    return "".join(lines).encode(), len(lines)


def dump_truth(ctl):
    with lock:
        rows = sorted("%s %s\n" % (c["name"], c["state"]) for c in truth.values())
    with open(os.path.join(ctl, "truth.tmp"), "w") as f:
        f.write("".join(rows))
    os.rename(os.path.join(ctl, "truth.tmp"), os.path.join(ctl, "truth"))


def apply_change(ctl):
    """The truth changes once, at the flood's start; returns its events."""
    global changed
    with lock:
        if changed:
            return b""
        changed = True
        new = cid(999)
        truth[new] = {"name": "flood-new", "state": "running"}
        old = [i for i, c in truth.items() if c["name"] == "flood-old"][0]
        del truth[old]
        one = [i for i, c in truth.items() if c["name"] == "flood-1"][0]
        truth[one]["state"] = "exited"
    dump_truth(ctl)
    return (event_line("create", new, "flood-new") +
            event_line("start", new, "flood-new") +
            event_line("destroy", old, "flood-old") +
            event_line("die", one, "flood-1", ',"exitCode":"1"')).encode()


class Handler(socketserver.StreamRequestHandler):
    def reply(self, status, body, ctype="application/json"):
        if isinstance(body, str):
            body = body.encode()
        head = ("HTTP/1.1 %d X\r\nApi-Version: %s\r\nContent-Type: %s\r\n"
                "Content-Length: %d\r\n\r\n" % (status, API, ctype, len(body)))
        self.wfile.write(head.encode() + body)
        self.wfile.flush()

    def chunk(self, data):
        self.connection.sendall(b"%x\r\n" % len(data) + data + b"\r\n")

    def events(self):
        self.connection.sendall(
            ("HTTP/1.1 200 OK\r\nApi-Version: %s\r\nContent-Type: "
             "application/json\r\nTransfer-Encoding: chunked\r\n\r\n" %
             API).encode())
        global sent_lines, flood_time
        block = None
        flag = os.path.join(self.server.ctl, "flood")
        while True:
            if not os.path.exists(flag):
                time.sleep(0.02)
                continue
            if block is None:
                change = apply_change(self.server.ctl)
                block, n = flood_block()
            t0 = time.monotonic()
            self.chunk(block)
            if change:
                self.chunk(change)
                change = b""
            with lock:
                sent_lines += n
                flood_time += time.monotonic() - t0

    def handle(self):
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            method, target = line.decode("latin-1").split()[:2]
            while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                pass
            path = target.split("?")[0]
            parts = path.strip("/").split("/")
            if parts and parts[0].startswith("v1."):
                parts = parts[1:]
            if path == "/version":
                self.reply(200, json.dumps({"Version": "20.10.24",
                           "ApiVersion": API, "MinAPIVersion": "1.12"}))
            elif path.endswith("/_ping"):
                self.reply(200, "OK", "text/plain")
            elif parts == ["events"]:
                self.events()
                return
            elif parts == ["containers", "json"]:
                with lock:
                    doc = json.dumps([summary(i, c) for i, c in truth.items()])
                self.reply(200, doc)
            elif len(parts) == 3 and parts[0] == "containers" and parts[2] == "json":
                with lock:
                    c = truth.get(parts[1])
                    doc = inspect_doc(parts[1], c) if c else None
                if doc is None:
                    self.reply(404, '{"message":"No such container"}')
                else:
                    self.reply(200, doc)
            else:
                self.reply(404, '{"message":"no route"}')


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def stats_writer(ctl):
    while True:
        time.sleep(0.5)
        with lock:
            s = "%d %.3f\n" % (sent_lines, flood_time)
        tmp = os.path.join(ctl, "stats.tmp")
        with open(tmp, "w") as f:
            f.write(s)
        os.rename(tmp, os.path.join(ctl, "stats"))


def measure(url, n):
    times = []
    fail = 0
    for _ in range(n):
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                r.read()
        except Exception:
            fail += 1
            times.append(10.0)
            continue
        times.append(time.monotonic() - t0)
        time.sleep(0.02)
    times.sort()
    ms = [t * 1000 for t in times]
    print("n=%d p50=%.1f p90=%.1f max=%.1f fail=%d" %
          (n, ms[len(ms) // 2], ms[int(len(ms) * 0.9)], ms[-1], fail))


def main():
    if sys.argv[1] == "--measure":
        measure(sys.argv[2], int(sys.argv[3]))
        return
    sock, ctl = sys.argv[1], sys.argv[2]
    n = 20
    if len(sys.argv) > 4 and sys.argv[3] == "--containers":
        n = int(sys.argv[4])
    for k in range(n):
        truth[cid(k)] = {"name": "flood-%d" % k,
                         "state": "running" if k % 3 else "exited"}
    truth[cid(998)] = {"name": "flood-old", "state": "running"}
    if os.path.exists(sock):
        os.unlink(sock)
    srv = Server(sock, Handler)
    srv.ctl = ctl
    dump_truth(ctl)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    threading.Thread(target=stats_writer, args=(ctl,), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
