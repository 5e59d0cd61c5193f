#!/usr/bin/python3
"""proxy: an allow-list proxy in front of the Docker socket, the way
tecnativa/docker-socket-proxy or an HAProxy rule set sits between a
monitor and the engine (python3, stdlib only), for test_proxy.sh.

    proxy.py UNIX_SOCKET PORTFILE LOG [--post]

Listens on 127.0.0.1 (a free port, written to PORTFILE once it listens)
and forwards each allowed request to the engine on UNIX_SOCKET, one
request per connection (it adds "Connection: close" and relays the
reply, streams included, until the engine closes). Allowed are exactly
the requests haled makes:

    GET  /version
    GET  /v1.NN/containers/json
    GET  /v1.NN/containers/{64 hex}/json
    GET  /v1.NN/events
    GET  /v1.NN/containers/{64 hex}/logs
    POST /v1.NN/containers/{64 hex}/(restart|stop|kill)   only with --post

Anything else gets 403 {"message":"forbidden by the proxy"}. Every
request line goes to LOG as "ALLOW METHOD TARGET" or "DENY METHOD
TARGET". Stops on SIGTERM.
"""
import os
import re
import signal
import socket
import socketserver
import sys
import threading

GET_RULES = [
    re.compile(r"^/version$"),
    re.compile(r"^/v1\.[0-9]+/containers/json$"),
    re.compile(r"^/v1\.[0-9]+/containers/[0-9a-f]{64}/json$"),
    re.compile(r"^/v1\.[0-9]+/events$"),
    re.compile(r"^/v1\.[0-9]+/containers/[0-9a-f]{64}/logs$"),
]
POST_RULES = [
    re.compile(r"^/v1\.[0-9]+/containers/[0-9a-f]{64}/(restart|stop|kill)$"),
]
HEAD_MAX = 64 * 1024
log_lock = threading.Lock()


def allowed(method, target, post):
    path = target.split("?", 1)[0]
    if method == "GET":
        return any(r.match(path) for r in GET_RULES)
    if method == "POST" and post:
        return any(r.match(path) for r in POST_RULES)
    return False


class Handler(socketserver.BaseRequestHandler):
    def log(self, verdict, method, target):
        with log_lock, open(self.server.logpath, "a") as f:
            f.write("%s %s %s\n" % (verdict, method, target))

    def read_head(self):
        data = b""
        while b"\r\n\r\n" not in data:
            got = self.request.recv(4096)
            if not got:
                return None, b""
            data += got
            if len(data) > HEAD_MAX:
                return None, b""
        head, rest = data.split(b"\r\n\r\n", 1)
        return head.decode("latin-1"), rest

    def handle(self):
        head, rest = self.read_head()
        if head is None:
            return
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return
        method, target = parts[0], parts[1]
        if not allowed(method, target, self.server.post):
            self.log("DENY", method, target)
            body = b'{"message":"forbidden by the proxy"}'
            self.request.sendall(
                b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            return
        self.log("ALLOW", method, target)
        hdrs = [h for h in lines[1:]
                if not h.lower().startswith(("connection:", "keep-alive:"))]
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(self.server.upstream)
            up.sendall(("\r\n".join([lines[0]] + hdrs + ["Connection: close"]) +
                        "\r\n\r\n").encode("latin-1") + rest)
            # A request body (haled's POSTs have none) follows the head.
            threading.Thread(target=self.pump, args=(self.request, up),
                             daemon=True).start()
            self.pump(up, self.request)
        finally:
            up.close()

    @staticmethod
    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    upstream, portfile, logpath = sys.argv[1:4]
    srv = Server(("127.0.0.1", 0), Handler)
    srv.upstream = upstream
    srv.logpath = logpath
    srv.post = "--post" in sys.argv[4:]
    open(logpath, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(portfile + ".tmp", portfile)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    srv.serve_forever()


if __name__ == "__main__":
    main()
