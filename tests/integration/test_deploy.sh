#!/bin/bash
# test_deploy.sh: the deployment files under deploy/ as an operator uses them.
#
#   1. compose: docker-compose 1.29 validates the stack; every service has a
#      healthcheck, limits, a restart policy, a read-only root, no added
#      privileges, ports on 127.0.0.1; every file it mounts exists.
#   2. swarm: the stack validates (docker-compose, and `docker stack config`
#      where the CLI has it); haled is global.
#   3. Prometheus: promtool checks both configs with the repo's alert rules;
#      a real Prometheus runs the Swarm scrape config against a stand-in
#      Docker API and ends up with one target per node, named after it.
#   4. Kubernetes: the DaemonSet holds what haled needs and nothing more.
#   5. Grafana: the datasource and the dashboard providers point where the
#      compose file mounts them.
#   6. live: the compose haled service itself, brought up by docker-compose
#      on a private engine with an image holding the build's haled, turns
#      healthy, read-only, non-root, limited, and reports a container.
#
# The Prometheus and Grafana images cannot be pulled here: those services
# are validated, not run.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
HALED=${HALED:-$top/build/src/haled}
PY=/usr/bin/python3

hale_require_root
hale_require docker-compose promtool prometheus "$PY"
"$PY" -c 'import yaml' 2>/dev/null || fail "python3-yaml is not installed"
[ -x "$HALED" ] || fail "no haled binary at $HALED (build first)"
hale_tmpdir

# A copy of the files the stacks reference, laid out as in the repo, so that
# the relative mounts resolve.
repo=$HALE_TMP/repo
mkdir -p "$repo/etc/prometheus"
cp -r "$top/deploy" "$top/dashboards" "$repo/"
cp "$top/etc/prometheus/hale-alerts.yml" "$repo/etc/prometheus/"

# stop_pid PID: end a process this test started, if it still runs.
stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

compose=$repo/deploy/compose/docker-compose.yml
stack=$repo/deploy/swarm/stack.yml
export DOCKER_GID=4242

# ---------------------------------------------------------------- compose

out=$(docker-compose -f "$compose" config -q 2>&1) ||
	fail "docker-compose rejects docker-compose.yml: $out"
ok "docker-compose $(docker-compose version --short) validates deploy/compose/docker-compose.yml"

out=$(env -u DOCKER_GID docker-compose -f "$compose" config -q 2>&1) &&
	fail "the compose stack validates without DOCKER_GID"
assert_contains "$out" "DOCKER_GID must be the group id of the Docker socket"
ok "without DOCKER_GID, docker-compose says what to set"

docker-compose -f "$compose" config >"$HALE_TMP/compose.json.yml"
"$PY" - "$HALE_TMP/compose.json.yml" "$repo" <<'PY' || fail "compose stack incomplete"
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
repo = os.path.realpath(sys.argv[2])
svcs = doc["services"]
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
need(set(svcs) == {"haled", "prometheus", "grafana"}, "services: %s" % sorted(svcs))
for name, s in svcs.items():
    hc = s.get("healthcheck", {})
    need(hc.get("test") and not hc.get("disable"), name + ": healthcheck")
    need(s.get("restart") == "unless-stopped", name + ": restart policy")
    for k in ("mem_limit", "mem_reservation", "cpus", "pids_limit"):
        need(k in s, name + ": " + k)
    need(s.get("read_only") is True, name + ": read_only")
    need(s.get("cap_drop") == ["ALL"], name + ": cap_drop ALL")
    need("no-new-privileges=true" in s.get("security_opt", []), name + ": no-new-privileges")
    need(s.get("logging", {}).get("options", {}).get("max-size"), name + ": log rotation")
    for p in s.get("ports", []):
        need(str(p).startswith("127.0.0.1:"), name + ": port %s not on 127.0.0.1" % p)
    need(s.get("image", "").count(":") == 1 and not s["image"].endswith(":latest")
         or name == "haled", name + ": image tag pinned")
    for v in s.get("volumes", []):
        src, _, rest = v.partition(":")
        if src.startswith("/") and os.path.realpath(src).startswith(repo + "/"):
            need(os.path.exists(src), name + ": mounts missing " + src)
h = svcs["haled"]
need(h.get("pid") == "host", "haled: pid host")
need(h.get("cap_drop") == ["ALL"] and not h.get("cap_add"), "haled: no capability as non-root")
need(h.get("user") == "65532:65532", "haled: user 65532")
need(h.get("group_add") == ["4242"], "haled: group_add DOCKER_GID")
vols = h.get("volumes", [])
for m in ("/var/run/docker.sock:/var/run/docker.sock:ro",
          "/sys/fs/cgroup:/sys/fs/cgroup:ro", "/proc:/host/proc:ro"):
    need(m in vols, "haled: mount " + m)
need("--path.procfs=/host/proc" in h.get("command", []), "haled: --path.procfs")
need(h["healthcheck"]["test"][:3] == ["CMD", "/usr/sbin/haled", "--probe"], "haled: --probe healthcheck")
need(set(doc.get("volumes", {})) == {"prometheus-data", "grafana-data"}, "named volumes")
need("prometheus-data:/prometheus:rw" in svcs["prometheus"]["volumes"], "prometheus data volume")
need("grafana-data:/var/lib/grafana:rw" in svcs["grafana"]["volumes"], "grafana data volume")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY
ok "compose: healthchecks, limits, restart, read-only roots, no-new-privileges, 127.0.0.1 ports, pinned images, mounts exist"

# netns-probes.yml: root for the start only, then --run-as; nothing of the
# base command lost (command is replaced, not merged).
docker-compose -f "$compose" -f "$repo/deploy/compose/netns-probes.yml" config \
    >"$HALE_TMP/netns.yml" 2>&1 || fail "docker-compose rejects netns-probes.yml: $(cat "$HALE_TMP/netns.yml")"
"$PY" - "$HALE_TMP/compose.json.yml" "$HALE_TMP/netns.yml" <<'PY' || fail "netns-probes.yml incomplete"
import sys, yaml
base = yaml.safe_load(open(sys.argv[1]))["services"]["haled"]
h = yaml.safe_load(open(sys.argv[2]))["services"]["haled"]
assert h["user"] == "0:0", h["user"]
assert sorted(h["cap_add"]) == ["SETGID", "SETUID", "SYS_ADMIN", "SYS_PTRACE"], h["cap_add"]
assert h["cap_drop"] == ["ALL"] and "no-new-privileges=true" in h["security_opt"]
assert h["command"][0] == "--run-as=65532:65532", h["command"]
assert h["command"][1:] == base["command"], (h["command"], base["command"])
assert h["group_add"] == base["group_add"]
PY
ok "netns-probes.yml: user 0:0, + SETUID SETGID, --run-as=65532:65532 before the base command"

out=$(BIND_ADDRESS=0.0.0.0 docker-compose -f "$compose" config 2>&1)
assert_contains "$out" "0.0.0.0:9090:9090" "BIND_ADDRESS"
ok "BIND_ADDRESS moves every published port"

"$PY" - "$repo/deploy/compose/cgroupns-host.yml" <<'PY' || fail "cgroupns-host.yml"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["services"]["haled"] == {"cgroup": "host"}, d
PY
ok "cgroupns-host.yml puts haled in the host cgroup namespace (Compose v2)"

# ---------------------------------------------------------------- swarm

out=$(docker-compose -f "$stack" config -q 2>&1) ||
	fail "docker-compose rejects stack.yml: $out"
ok "docker-compose validates deploy/swarm/stack.yml"
# Debian 12's docker CLI (20.10) has no `docker stack config`; newer ones do.
if docker stack config --help >/dev/null 2>&1; then
	out=$(cd "$repo/deploy/swarm" && docker stack config -c stack.yml 2>&1 >"$HALE_TMP/stack.yml") ||
		fail "docker stack config rejects stack.yml: $out"
	ok "docker stack config ($(docker version --format '{{.Client.Version}}' 2>/dev/null)) accepts stack.yml"
else
	printf '# docker %s has no "stack config": docker-compose validated the stack\n' \
	    "$(docker version --format '{{.Client.Version}}' 2>/dev/null)"
fi
docker-compose -f "$stack" config >"$HALE_TMP/stack.json.yml" 2>/dev/null
"$PY" - "$HALE_TMP/stack.json.yml" <<'PY' || fail "swarm stack incomplete"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
h, p = doc["services"]["haled"], doc["services"]["prometheus"]
assert h["deploy"]["mode"] == "global", h["deploy"]
assert h["deploy"]["labels"]["io.hale.scrape"] == "true"
for s in (h, p):
    assert s["healthcheck"]["test"], s
    assert s["deploy"]["resources"]["limits"]["memory"], s
    assert s["deploy"]["restart_policy"]["condition"] == "any", s
    assert s["read_only"] is True and s["cap_drop"] == ["ALL"], s
    assert s["user"].endswith(":4242"), s["user"]
    assert "group_add" not in s, "docker stack deploy rejects group_add"
assert not h.get("cap_add"), h.get("cap_add")
binds = {(v["source"], v["target"], v.get("read_only")) for v in h["volumes"]}
assert binds == {("/var/run/docker.sock", "/var/run/docker.sock", True),
                 ("/sys/fs/cgroup", "/sys/fs/cgroup", True),
                 ("/proc", "/host/proc", True)}, binds
assert p["deploy"]["placement"]["constraints"] == ["node.role == manager"]
assert doc["networks"]["monitoring"]["name"] == "hale_monitoring"
assert doc["networks"]["monitoring"]["driver"] == "overlay"
PY
ok "swarm: haled global with its mounts and capabilities, Prometheus on a manager"

# ---------------------------------------------------------------- prometheus

for d in compose swarm; do
	mkdir -p "$HALE_TMP/prom-$d/rules"
	cp "$repo/deploy/$d/prometheus.yml" "$HALE_TMP/prom-$d/"
	ln -s "$repo/etc/prometheus/hale-alerts.yml" "$HALE_TMP/prom-$d/rules/hale-alerts.yml"
	out=$(promtool check config "$HALE_TMP/prom-$d/prometheus.yml" 2>&1) ||
		fail "promtool rejects deploy/$d/prometheus.yml: $out"
	assert_contains "$out" "SUCCESS: 1 rule files found"
	ok "promtool check config deploy/$d/prometheus.yml (with etc/prometheus/hale-alerts.yml)"
done

# The Swarm scrape config, run by a real Prometheus against a stand-in of a
# manager's Engine API: two nodes' haled tasks (attached to the monitoring
# network and to another), a task of an unlabelled service, and a haled task
# that is shutting down. Prometheus must keep one target per running haled
# task, at its monitoring-network address, named after its node.
sock=$HALE_TMP/swarm.sock
"$PY" - "$sock" >"$HALE_TMP/fake-engine.log" 2>&1 <<'PY' &
import json, os, socketserver, sys
from http.server import BaseHTTPRequestHandler
path = sys.argv[1]
nets = {"n-mon": ("hale_monitoring", "10.0.9."), "n-app": ("app_default", "10.0.7.")}
def task(tid, svc, node, state, octet):
    return {"ID": tid, "ServiceID": svc, "NodeID": node, "Slot": 0,
            "Status": {"State": state, "ContainerStatus": {"ContainerID": "c" + tid}},
            "DesiredState": state, "Spec": {"ContainerSpec": {"Image": "x"}},
            "NetworksAttachments": [
                {"Network": {"ID": n, "Spec": {"Name": nets[n][0]}},
                 "Addresses": [nets[n][1] + octet + "/24"]} for n in nets]}
tasks = [task("t1", "s-haled", "node-a", "running", "11"),
         task("t2", "s-haled", "node-b", "running", "12"),
         task("t3", "s-other", "node-a", "running", "13"),
         task("t4", "s-haled", "node-b", "shutdown", "14")]
services = [{"ID": "s-haled", "Spec": {"Name": "hale_haled", "Labels": {"io.hale.scrape": "true"},
             "Mode": {"Global": {}}}, "Endpoint": {"Spec": {}}},
            {"ID": "s-other", "Spec": {"Name": "app_web", "Labels": {},
             "Mode": {"Replicated": {"Replicas": 1}}}, "Endpoint": {"Spec": {}}}]
nodes = [{"ID": n, "Description": {"Hostname": "host-" + n[-1], "Platform": {"OS": "linux", "Architecture": "x86_64"},
          "Engine": {"EngineVersion": "24.0.0"}}, "Spec": {"Role": "worker", "Availability": "active"},
          "Status": {"State": "ready", "Addr": "192.0.2.1"}} for n in ("node-a", "node-b")]
networks = [{"Id": n, "ID": n, "Name": v[0], "Scope": "swarm", "Driver": "overlay",
             "Ingress": False, "Internal": False, "Labels": {}} for n, v in nets.items()]
class H(BaseHTTPRequestHandler):
    def address_string(self):
        return "unix"
    def do_GET(self):
        p = self.path.split("?")[0]
        body = {"/_ping": "OK"}.get(p)
        if body is None:
            end = p.rsplit("/", 1)[-1]
            data = {"tasks": tasks, "services": services, "nodes": nodes,
                    "networks": networks, "version": {"ApiVersion": "1.41"}}.get(end)
            if data is None:
                self.send_response(404); self.end_headers(); return
            if end == "tasks" and "desired-state" in self.path:
                data = [t for t in tasks if t["DesiredState"] == "running"]
            body = json.dumps(data)
        b = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if body != "OK" else "text/plain")
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    do_HEAD = do_GET
class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
S(path, H).serve_forever()
PY
fake=$!
hale_on_exit stop_pid "$fake"
wait_until 10 test -S "$sock" || fail "stand-in Engine API did not start"

pdir=$HALE_TMP/prom-run
mkdir -p "$pdir/rules" "$pdir/data"
sed -e "s|unix:///var/run/docker.sock|unix://$sock|" -e 's|refresh_interval: 30s|refresh_interval: 1s|' \
    "$repo/deploy/swarm/prometheus.yml" >"$pdir/prometheus.yml"
ln -s "$repo/etc/prometheus/hale-alerts.yml" "$pdir/rules/hale-alerts.yml"
pport=$(hale_free_port)
prometheus --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/data" \
    --web.listen-address="127.0.0.1:$pport" >"$pdir/log" 2>&1 &
ppid=$!
hale_on_exit stop_pid "$ppid"
swarm_targets() {
	curl -s --max-time 2 "http://127.0.0.1:$pport/api/v1/targets?state=active" |
	    "$PY" -c 'import json,sys
t = json.load(sys.stdin)["data"]["activeTargets"]
print(" ".join(sorted("%s=%s" % (x["labels"]["instance"], x["discoveredLabels"]["__address__"])
      for x in t if x["labels"]["job"] == "haled")))' 2>/dev/null
}
swarm_found() { [ -n "$(swarm_targets)" ]; }
wait_until 30 swarm_found || { tail -n 20 "$pdir/log" >&2; fail "Prometheus found no haled task"; }
assert_eq "host-a=10.0.9.11:4253 host-b=10.0.9.12:4253" "$(swarm_targets)" "swarm targets"
ok "Prometheus $(prometheus --version 2>&1 | awk 'NR==1{print $3}') with the Swarm config: one target per running haled task, on hale_monitoring, instance = node"
stop_pid "$ppid"
stop_pid "$fake"

# ---------------------------------------------------------------- kubernetes

"$PY" - "$repo/deploy/kubernetes/haled-daemonset.yaml" <<'PY' || fail "kubernetes manifest incomplete"
import sys, yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
assert set(docs) == {"Namespace", "ServiceAccount", "DaemonSet", "Service"}, sorted(docs)
ns = docs["Namespace"]["metadata"]["name"]
for d in docs.values():
    assert d["metadata"].get("namespace", ns) == ns, d["metadata"]
ds = docs["DaemonSet"]
assert ds["apiVersion"] == "apps/v1"
pod = ds["spec"]["template"]["spec"]
assert ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
assert pod["hostPID"] is True
assert pod["serviceAccountName"] == docs["ServiceAccount"]["metadata"]["name"]
assert pod["automountServiceAccountToken"] is False
# Root for the start only: haled drops to 65532 itself (--run-as).
assert pod["securityContext"]["runAsNonRoot"] is False and pod["securityContext"]["runAsUser"] == 0
assert pod["securityContext"]["supplementalGroups"], "docker socket group"
(c,) = pod["containers"]
sc = c["securityContext"]
assert sc["runAsNonRoot"] is False and sc["readOnlyRootFilesystem"] is True
assert sc["allowPrivilegeEscalation"] is False and sc.get("privileged") is not True
assert sc["capabilities"]["drop"] == ["ALL"]
assert sorted(sc["capabilities"]["add"]) == ["SETGID", "SETUID", "SYS_ADMIN", "SYS_PTRACE"]
assert c["args"][0] == "--run-as=65532:65532", c["args"]
assert "--path.procfs=/host/proc" in c["args"]
port = c["ports"][0]
assert port["containerPort"] == 4253
assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
for p in ("livenessProbe", "readinessProbe"):
    assert c[p]["httpGet"]["port"] in (port["name"], 4253)
r = c["resources"]
assert r["requests"]["cpu"] and r["requests"]["memory"] and r["limits"]["cpu"] and r["limits"]["memory"]
vols = {v["name"]: v["hostPath"] for v in pod["volumes"]}
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
want = {"/var/run/docker.sock": ("/var/run/docker.sock", "Socket"),
        "/sys/fs/cgroup": ("/sys/fs/cgroup", "Directory"),
        "/host/proc": ("/proc", "Directory")}
assert set(mounts) == set(want), sorted(mounts)
for path, (host, kind) in want.items():
    m = mounts[path]
    assert m["readOnly"] is True, m
    assert vols[m["name"]] == {"path": host, "type": kind}, vols[m["name"]]
ann = ds["spec"]["template"]["metadata"]["annotations"]
assert ann["prometheus.io/scrape"] == "true" and ann["prometheus.io/port"] == "4253"
svc = docs["Service"]["spec"]
assert svc["clusterIP"] == "None"
assert svc["selector"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
assert svc["ports"][0]["port"] == 4253
PY
ok "kubernetes: hostPID, read-only host mounts, root only to --run-as=65532:65532 (SYS_ADMIN+SYS_PTRACE kept, SETUID+SETGID for the drop), read-only root, /healthz and /readyz probes, limits, headless Service"

# ---------------------------------------------------------------- grafana

"$PY" - "$repo" "$HALE_TMP/compose.json.yml" <<'PY' || fail "grafana provisioning does not match the mounts"
import glob, os, sys, yaml
repo, compose = sys.argv[1], yaml.safe_load(open(sys.argv[2]))
g = compose["services"]["grafana"]
mounts = {}
for v in g["volumes"]:
    parts = v.split(":")
    if parts[0].startswith("/"):
        mounts[parts[1]] = parts[0]
ds = yaml.safe_load(open(repo + "/deploy/compose/grafana/datasources/prometheus.yml"))
(d,) = ds["datasources"]
assert d["type"] == "prometheus" and d["url"] == "http://prometheus:9090" and d["isDefault"], d
assert mounts["/etc/grafana/provisioning/datasources"].endswith("/deploy/compose/grafana/datasources")
provdir = "/etc/grafana/provisioning/dashboards"
files = []
for m, src in mounts.items():
    if m == provdir:
        files += glob.glob(src + "/*.yml") + glob.glob(src + "/*.yaml")
    elif os.path.dirname(m) == provdir:
        files.append(src)
assert files, "no dashboard provider mounted in " + provdir
for f in files:
    doc = yaml.safe_load(open(f))
    assert "providers" in doc, f + ": not a dashboard provider file"
    for p in doc["providers"]:
        path = p["options"]["path"].rstrip("/")
        owner = [m for m in mounts if path == m or path.startswith(m + "/")]
        assert owner, "%s: provider path %s is not mounted" % (f, path)
        src = mounts[owner[0]] + path[len(owner[0]):]
        assert os.path.isdir(src), src
PY
ok "grafana: the datasource points at the stack's Prometheus, every dashboard provider path is mounted"

# ---------------------------------------------------------------- live

# The image the compose file names cannot come from a registry here, and
# test_image.sh builds it on an engine of its own. The service definition is
# what is tested: an image holding this build's haled and exactly its shared
# libraries, run by docker-compose from the shipped service.
# shellcheck disable=SC2119 # no extra dockerd arguments
hale_docker_start
hale_busybox_image
rootfs=$HALE_TMP/rootfs
mkdir -p "$rootfs/usr/sbin" "$rootfs/etc" "$rootfs/tmp"
cp "$HALED" "$rootfs/usr/sbin/haled"
for lib in $(ldd "$HALED" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'); do
	mkdir -p "$rootfs$(dirname "$lib")"
	cp -L "$lib" "$rootfs$lib"
done
printf 'root:x:0:0::/:/nonexistent\nhale:x:65532:65532::/:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nhale:x:65532:\n' >"$rootfs/etc/group"
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
    docker import --change 'USER 65532:65532' \
    --change 'ENTRYPOINT ["/usr/sbin/haled"]' - hale-test/haled:deploy >/dev/null

# Only haled, on no network (the test network rule; the stack's own network
# is a bridge): everything else as shipped.
live=$HALE_TMP/live
mkdir -p "$live"
"$PY" - "$compose" "$live/docker-compose.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
h = doc["services"]["haled"]
h.pop("ports")
h["network_mode"] = "none"
yaml.safe_dump({"version": doc["version"], "x-logging": doc["x-logging"],
                "services": {"haled": h}}, open(sys.argv[2], "w"), sort_keys=False)
PY
# YAML anchors do not survive safe_dump as anchors; the values do.
dc() {
	DOCKER_GID=$(stat -c %g "$HALE_DOCKER_SOCK") DOCKER_SOCK=$HALE_DOCKER_SOCK \
	    HALE_IMAGE=hale-test/haled:deploy \
	    docker-compose -p haledeploy -f "$live/docker-compose.yml" "$@"
}
hale_on_exit dc down -v --timeout 5
hale_httpd_container deploy-web none 8080 deployed \
    --label hale.check=http --label hale.check.port=8080 \
    --label hale.check.interval=1s >/dev/null
start=$(hale_now_ms)
out=$(dc up -d 2>&1) || fail "docker-compose up: $out"
cid=$(dc ps -q haled)
[ -n "$cid" ] || fail "no haled container after docker-compose up"
health() { docker inspect -f '{{.State.Health.Status}}' "$cid"; }
healthy() { [ "$(health)" = healthy ]; }
# The first healthcheck runs one interval (30s) after the start.
wait_until $((60 * HALE_SLOW)) healthy || {
	docker logs --tail 30 "$cid" >&2 || true
	docker inspect -f '{{json .State.Health}}' "$cid" >&2 || true
	fail "haled from the compose file did not turn healthy (status $(health))"
}
ok "docker-compose up: haled healthy by its own --probe in $(hale_elapsed "$start") ms"

got=$(docker inspect -f '{{.Config.User}} ro={{.HostConfig.ReadonlyRootfs}} pid={{.HostConfig.PidMode}} drop={{.HostConfig.CapDrop}} add={{.HostConfig.CapAdd}} mem={{.HostConfig.Memory}} cpu={{.HostConfig.NanoCpus}} pids={{.HostConfig.PidsLimit}} restart={{.HostConfig.RestartPolicy.Name}} groups={{.HostConfig.GroupAdd}}' "$cid")
assert_eq "65532:65532 ro=true pid=host drop=[ALL] add=<no value> mem=134217728 cpu=500000000 pids=64 restart=unless-stopped groups=[$(stat -c %g "$HALE_DOCKER_SOCK")]" \
    "$got" "haled container as created by docker-compose"
assert_contains "$(docker inspect -f '{{.HostConfig.SecurityOpt}}' "$cid")" no-new-privileges=true
ok "the engine runs it as 65532, read-only, pid host, no capability, no-new-privileges, 128 MiB, 0.5 CPU, 64 pids"

# health_of JSON: the health object of a container in the API, compact.
health_of() {
	printf '%s' "$1" | "$PY" -c 'import json,sys
print(json.dumps(json.load(sys.stdin).get("health", {}))[:400])' 2>/dev/null || true
}
hpid=$(hale_container_pid "$cid")
web=$(hale_container_id deploy-web)
metrics() { hale_netns_curl "$hpid" http://127.0.0.1:4253/metrics; }
# The body is read whole first: grep -q's early exit would SIGPIPE curl.
seen() {
	local body
	body=$(metrics) && grep -q "container_memory_usage_bytes{.*name=\"deploy-web\"" <<<"$body"
}
wait_until $((20 * HALE_SLOW)) seen || fail "haled in compose does not report deploy-web: $(metrics | grep -c '^container_' || true) container samples"
ok "haled in the compose service reads the other container's cgroup through the read-only mounts"
api=$(hale_netns_curl "$hpid" "http://127.0.0.1:4253/api/v1/containers/$web")
assert_contains "$api" '"name":"deploy-web"'
printf '# as uid 65532, the check of deploy-web (--network none): %s\n' "$(health_of "$api")"

# netns-probes.yml: the same service started as uid 0, dropped to 65532 by
# --run-as with only SYS_ADMIN and SYS_PTRACE, probes a port that exists only
# in the other container's namespace.
cp "$repo/deploy/compose/netns-probes.yml" "$live/"
start=$(hale_now_ms)
out=$(dc -f "$live/netns-probes.yml" up -d 2>&1) || fail "docker-compose up with netns-probes.yml: $out"
cid=$(dc -f "$live/netns-probes.yml" ps -q haled)
assert_eq "0:0" "$(docker inspect -f '{{.Config.User}}' "$cid")" "netns-probes.yml user"
assert_eq "[SETGID SETUID SYS_ADMIN SYS_PTRACE]" "$(docker inspect -f '{{.HostConfig.CapAdd}}' "$cid")" "netns-probes.yml capabilities"
hpid=$(hale_container_pid "$cid")
# The drop happens right after the config is read: wait for it.
# shellcheck disable=SC2016 # expanded by eval, at each try
wait_until 10 eval 'grep -q "^Uid:[[:space:]]*65532" "/proc/$(hale_container_haled_pid "$cid")/status"' ||
	fail "haled with netns-probes.yml never dropped to 65532: $(docker logs --tail 5 "$cid" 2>&1)"
st=/proc/$(hale_container_haled_pid "$cid")/status
for f in Uid Gid; do
	assert_eq "65532 65532 65532 65532" "$(awk -v f="$f:" '$1 == f { print $2, $3, $4, $5 }' "$st")" "$f after --run-as"
done
assert_eq 0000000000280000 "$(awk '/^CapEff:/ { print $2 }' "$st")" "CapEff after --run-as"
probed() {
	health_of "$(hale_netns_curl "$hpid" "http://127.0.0.1:4253/api/v1/containers/$web" 2>/dev/null)" |
	    grep -q '"status": "healthy"'
}
wait_until $((30 * HALE_SLOW)) probed || fail "haled with netns-probes.yml did not probe deploy-web: $(health_of "$(hale_netns_curl "$hpid" "http://127.0.0.1:4253/api/v1/containers/$web")")"
ok "with netns-probes.yml haled probes deploy-web inside its namespace ($(hale_elapsed "$start") ms)"
out=$(dc -f "$live/netns-probes.yml" down -v --timeout 5 2>&1) || fail "docker-compose down: $out"
ok "docker-compose down"

printf '%d passed, 0 failed\n' "$HALE_OK_COUNT"
