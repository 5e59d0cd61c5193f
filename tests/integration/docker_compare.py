#!/usr/bin/env python3
"""Compare haled's view of the containers with the Docker engine's.

    docker_compare.py SOCKET HALED_URL [--metrics] [--quiet]

Truth is `GET /containers/json?all=1` plus `GET /containers/{id}/json` for
each container, read from the engine's unix socket.  haled's view is
`GET /api/v1/containers`, and with --metrics also `/metrics` (parsed with
prometheus_client, so a badly escaped hostile label fails the parse).
Prints every difference; exits 0 when there are none, 1 otherwise.
"""
import http.client
import json
import socket
import sys
import urllib.request


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.path)


def docker_get(sock, path):
    c = UnixHTTPConnection(sock)
    c.request("GET", "/v1.41" + path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, json.loads(body) if body else None


def health_of(d):
    h = (d["State"].get("Health") or {}).get("Status", "none")
    test = ((d["Config"].get("Healthcheck") or {}).get("Test") or ["NONE"])
    if h == "none" and test[0] != "NONE":
        h = "starting"
    return h


def truth(sock):
    want = {}
    _, lst = docker_get(sock, "/containers/json?all=1")
    for c in lst:
        st, d = docker_get(sock, "/containers/%s/json" % c["Id"])
        if st != 200:
            continue  # removed between list and inspect
        started = d["State"]["StartedAt"]
        want[d["Id"]] = {
            "name": d["Name"].lstrip("/"),
            "image": d["Config"]["Image"],
            "state": d["State"]["Status"],
            "pid": d["State"]["Pid"],
            "started_at": None if started.startswith("0001-") else started,
            "labels": d["Config"]["Labels"] or {},
            "health": health_of(d),
        }
    return want


def haled_view(url):
    with urllib.request.urlopen(url + "/api/v1/containers", timeout=10) as r:
        doc = json.load(r)
    got = {}
    for c in doc:
        if c["id"] in got:
            got[c["id"]] = "DUPLICATE"
            continue
        got[c["id"]] = {
            "name": c["name"],
            "image": c["image"],
            "state": c["state"],
            "pid": c["pid"],
            "started_at": c["started_at"],
            "labels": c["labels"],
            "health": c["health"]["status"],
        }
    return got


def short(v):
    s = repr(v)
    return s if len(s) < 120 else s[:100] + "...(%d chars)" % len(s)


def compare_api(want, got, diffs):
    for cid in sorted(set(want) | set(got)):
        w, g = want.get(cid), got.get(cid)
        if w is None:
            diffs.append("%s: ghost in haled (%s)" % (cid[:12], short(g)))
        elif g is None:
            diffs.append("%s: %s missing from haled" % (cid[:12], w["name"]))
        elif g == "DUPLICATE":
            diffs.append("%s: listed twice by haled" % cid[:12])
        else:
            for k in w:
                if w[k] != g[k]:
                    diffs.append("%s %s: docker %s, haled %s" % (
                        w["name"], k, short(w[k]), short(g[k])))


def compare_metrics(url, want, diffs):
    from prometheus_client.parser import text_string_to_metric_families
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        text = r.read().decode()
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    up = [s.value for s in fams["hale_docker_up"].samples]
    if up != [1.0]:
        diffs.append("hale_docker_up %s" % up)
    states = {}
    for w in want.values():
        states[w["state"]] = states.get(w["state"], 0) + 1
    for s in fams["hale_containers"].samples:
        n = states.get(s.labels["state"], 0)
        if s.value != n:
            diffs.append("hale_containers{state=%s} %s, docker %d" % (
                s.labels["state"], s.value, n))
    live = {w["name"]: w for w in want.values()
            if w["pid"] > 0 and w["state"] in ("running", "paused")}
    seen = set()
    fam = fams.get("container_health_state")
    for s in (fam.samples if fam else []):
        name = s.labels.get("name")
        if name in seen:
            diffs.append("container_health_state twice for %s" % name)
        seen.add(name)
        w = live.get(name)
        if w is None:
            diffs.append("container_health_state for %s, not running" % name)
            continue
        v = {"healthy": 1, "unhealthy": 0, "starting": 0}.get(w["health"], -1)
        if s.value != v:
            diffs.append("container_health_state{name=%s} %s, want %s" % (
                name, s.value, v))
        if s.labels.get("image") != w["image"]:
            diffs.append("%s image label %s" % (name, short(s.labels.get("image"))))
        if not s.labels.get("id"):
            diffs.append("%s has an empty id label" % name)
        for k in ("com.docker.compose.project", "com.docker.compose.service"):
            lab = "container_label_" + k.replace(".", "_")
            wv = w["labels"].get(k)
            if wv is not None and len(wv) > 16384:
                wv = None  # documented: huge values stay out of labels
            if s.labels.get(lab) != wv:
                diffs.append("%s %s: %s, docker %s" % (
                    name, lab, short(s.labels.get(lab)), short(wv)))
    for name in set(live) - seen:
        diffs.append("no container_health_state for running %s" % name)


def main():
    sock, url = sys.argv[1], sys.argv[2]
    want = truth(sock)
    diffs = []
    compare_api(want, haled_view(url), diffs)
    if "--metrics" in sys.argv:
        compare_metrics(url, want, diffs)
    if diffs:
        if "--quiet" not in sys.argv:
            for d in diffs:
                print("# diff: " + d, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
