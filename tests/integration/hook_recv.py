"""hook_recv: a webhook receiver on loopback for the event tests
(python3, stdlib only).

    hook_recv.py PORT JSONL HANG_PORT

Every POST to PORT is answered 200 and appended to JSONL as one line:
path, arrival time, Content-Type, ntfy's Title/Priority/Tags headers,
the raw body and the body parsed as JSON (null if it is not). HANG_PORT
accepts connections (the kernel's backlog) and never answers.
"""
import http.server, json, socket, sys, time
port, path, hang = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
# A receiver that accepts connections (the kernel's backlog) and never answers.
h = socket.socket()
h.bind(("127.0.0.1", hang))
h.listen(16)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        rec = {"path": self.path, "at": time.time(),
               "type": self.headers.get("Content-Type"),
               "title": self.headers.get("Title"),
               "priority": self.headers.get("Priority"),
               "tags": self.headers.get("Tags"),
               "raw": raw.decode("utf-8")}
        try:
            rec["body"] = json.loads(raw)
        except ValueError:
            rec["body"] = None
        with open(path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
