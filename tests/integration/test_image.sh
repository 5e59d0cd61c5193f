#!/bin/bash
# The container image: built from this tree against a private engine with no
# registry, small, without a shell or a compiler, run read-only as non-root
# with the mounts and privileges the README documents, healthy through its
# HEALTHCHECK (haled --probe), reporting the engine's other containers,
# probing one through its network namespace, recognising its own container,
# and watching only what docker.label_filter / --docker.scope=project allow.
#
#   builder base   debootstrap --variant=minbase --include=BUILD_PKGS bookworm,
#                  cached as a tar in $HALE_IMAGE_CACHE (default
#                  /var/cache/hale-test) keyed by the package list, imported
#                  as hale-build/bookworm; the build then needs no network
#   hale-test/haled  docker build --network none (the classic builder, which
#                  both docker.io's CLI and newer ones without buildx have)
#   web            busybox httpd on 127.0.0.1:8080 in --network none, hale.check
#                  labels, tier=watched, compose project "shop"
#   other          busybox sleeping, tier=other, compose project "else"
#
# Every haled container here runs --network none: it serves in a namespace
# of its own (reached with nsenter), so the image's HEALTHCHECK on port 4253
# can never hit another process of the host.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
hale_require_root
hale_require python3 tar sha256sum
command -v debootstrap >/dev/null || fail "needs debootstrap (bootstrap.sh --test installs it)"
hale_tmpdir
hale_docker_start
hale_busybox_image
export DOCKER_BUILDKIT=0

IMAGE=hale-test/haled
CACHE=${HALE_IMAGE_CACHE:-/var/cache/hale-test}
MIRROR=${HALE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SIZE_MAX=$((40 * 1000 * 1000))

# ---- the builder base, made with debootstrap and cached ------------------

pkgs=$(sed -n '/^BUILD_PKGS="/,/"/p' "$top/bootstrap.sh" | sed 's/^BUILD_PKGS=//; s/"//g' |
    tr -s ' \t\n' '\n' | sed '/^$/d' | sort | tr '\n' ',' | sed 's/,$//')
[ -n "$pkgs" ] || fail "no BUILD_PKGS in bootstrap.sh"
key=$(printf 'bookworm minbase %s\n' "$pkgs" | sha256sum | cut -c1-12)
base_tar=$CACHE/bookworm-build-$key.tar
if [ ! -s "$base_tar" ]; then
	start=$(hale_now_ms)
	mkdir -p "$CACHE"
	root=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
	hale_on_exit rm -rf --one-file-system "$root"
	debootstrap --variant=minbase --include="$pkgs" bookworm "$root" "$MIRROR" \
	    >"$HALE_TMP/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$HALE_TMP/debootstrap.log" >&2; fail "debootstrap failed"; }
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	tar -C "$root" --numeric-owner -cf "$base_tar.tmp" .
	mv "$base_tar.tmp" "$base_tar"
	rm -rf --one-file-system "$root"
	printf '# builder base made in %s ms: %s\n' "$(hale_elapsed "$start")" "$base_tar" >&2
else
	printf '# builder base from the cache: %s\n' "$base_tar" >&2
fi
docker import - hale-build/bookworm <"$base_tar" >/dev/null || fail "docker import of the builder base"
ok "builder base hale-build/bookworm from debootstrap (packages: $pkgs)"

# ---- the image ------------------------------------------------------------

rev=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
version=$(sed -n 's/^AC_INIT(\[hale\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start=$(hale_now_ms)
if ! docker build --network none -t "$IMAGE" \
    --build-arg BUILDER_IMAGE=hale-build/bookworm \
    --build-arg VERSION="$version" --build-arg REVISION="$rev" \
    --build-arg CREATED="$created" \
    --build-arg SOURCE=https://example.invalid/hale "$top" >"$HALE_TMP/build.log" 2>&1; then
	tail -n 40 "$HALE_TMP/build.log" >&2
	fail "docker build failed"
fi
ok "docker build --network none in $(hale_elapsed "$start") ms"

size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
[ "$size" -lt "$SIZE_MAX" ] || fail "image is $size bytes, over $SIZE_MAX"
ok "image is $((size / 1000)) kB (< 40 MB)"

label() { docker image inspect -f "{{index .Config.Labels \"org.opencontainers.image.$1\"}}" "$IMAGE"; }
assert_eq "$rev" "$(label revision)" "revision label"
assert_eq "$version" "$(label version)" "version label"
assert_eq "$created" "$(label created)" "created label"
assert_eq https://example.invalid/hale "$(label source)" "source label"
for l in title description licenses; do
	[ -n "$(label "$l")" ] || fail "no org.opencontainers.image.$l label"
done
ok "OCI labels source, revision, created, version, title, description, licenses"

assert_eq 65532:65532 "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" "image user"
hc=$(docker image inspect -f '{{json .Config.Healthcheck.Test}}' "$IMAGE")
assert_eq '["CMD","/usr/sbin/haled","--probe","http://127.0.0.1:4253/healthz"]' "$hc" "HEALTHCHECK"
ok "runs as 65532:65532; HEALTHCHECK is haled --probe (exec form, no shell)"

docker create --name hale-files --network none "$IMAGE" >/dev/null
docker export hale-files | tar -t >"$HALE_TMP/files"
docker rm hale-files >/dev/null
bad=$(grep -E '(^|/)(sh|bash|dash|busybox|gcc|cc|ld|as|make|apt|apt-get|dpkg|curl|wget)$' \
    "$HALE_TMP/files" || true)
[ -z "$bad" ] || fail "the image holds tools it must not: $bad"
grep -qx 'usr/sbin/haled' "$HALE_TMP/files" || fail "no usr/sbin/haled in the image"
grep -qx 'etc/ssl/certs/ca-certificates.crt' "$HALE_TMP/files" || fail "no CA certificates"
if docker run --rm --network none --entrypoint /bin/sh "$IMAGE" -c true >/dev/null 2>&1; then
	fail "/bin/sh runs in the image"
fi
ok "no shell, compiler or package manager ($(grep -vc '/$' "$HALE_TMP/files") files)"

# ---- the containers it watches -------------------------------------------

docker run -d --name web --network none \
    -l hale.check=http -l hale.check.port=8080 -l hale.check.path=/ \
    -l hale.check.interval=1s -l hale.check.rise=1 -l tier=watched \
    -l com.docker.compose.project=shop \
    "$HALE_IMAGE" sh -c 'echo up >/var/www/index.html &&
    exec httpd -f -p 127.0.0.1:8080 -h /var/www' >/dev/null
docker run -d --name other --network none -l tier=other \
    -l com.docker.compose.project=else "$HALE_IMAGE" sleep 600 >/dev/null

# ---- haled in the image ----------------------------------------------------

gid=$(stat -c %g "$HALE_DOCKER_SOCK")
# The README's run line, but --network none (see the top) and a 1 s health
# interval so the test need not wait the image's 30 s.
run_args=(--read-only --security-opt no-new-privileges
    --cgroupns=host
    -v "$HALE_DOCKER_SOCK:/var/run/docker.sock"
    -v /sys/fs/cgroup:/sys/fs/cgroup:ro
    -v /proc:/host/proc:ro
    --network none --health-interval 1s --health-start-period 30s)
nonroot=(--user 65532:65532 --group-add "$gid" --cap-drop ALL)
# Docker gives added capabilities only to uid 0: haled starts as root and
# drops to 65532 itself, keeping only SYS_ADMIN and SYS_PTRACE (README).
netns=(--user 0:0 --group-add "$gid" --cap-drop ALL --cap-add SYS_ADMIN --cap-add SYS_PTRACE
    --cap-add SETUID --cap-add SETGID)

# run_hale NAME [DOCKER RUN ARGS...] -- [HALED ARGS...]
run_hale() {
	local name=$1 a=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	docker run -d --name "$name" "${run_args[@]}" "${a[@]}" "$IMAGE" \
	    --path.procfs=/host/proc "$@" >/dev/null
}
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ]; }
# hget NAME PATH: GET from haled inside container NAME's namespace.
hget() {
	hale_netns_curl "$(hale_container_pid "$1")" "http://127.0.0.1:4253$2"
}
# jget NAME PATH PYEXPR: evaluate PYEXPR on the JSON document (as `d`).
jget() {
	hget "$1" "$2" | python3 -c "import json, sys; d = json.load(sys.stdin); print($3)"
}
# logged NAME PATTERN: NAME's log holds a match, within 10 s. The log is
# read whole before grep runs (an early grep -q exit would SIGPIPE docker logs
# under pipefail), and docker's log copier may lag a line behind the process.
log_has() {
	local out
	out=$(docker logs "$1" 2>&1) && grep -q -e "$2" <<<"$out"
}
logged() { wait_until 10 log_has "$1" "$2"; }
await_hale() {
	if ! wait_until $((40 * HALE_SLOW)) healthy "$1"; then
		docker logs "$1" 2>&1 | tail -n 20 | sed 's/^/# /' >&2
		docker inspect -f '{{json .State.Health}}' "$1" >&2
		fail "$1 never turned healthy"
	fi
}

start=$(hale_now_ms)
run_hale hale "${nonroot[@]}"
await_hale hale
ok "non-root, read-only, no capabilities: healthy in $(hale_elapsed "$start") ms"
docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' hale | grep -q 'HTTP 200' ||
	fail "the health log does not show haled --probe's HTTP 200"
assert_eq 65532 "$(awk '/^Uid:/ { print $2 }' "/proc/$(hale_container_pid hale)/status")" "haled's uid"

metrics=$(hget hale /metrics)
for n in web other hale; do
	assert_contains "$metrics" "container_memory_usage_bytes{id=\"/$HALE_CGROUP_PARENT/$(hale_container_id $n)\",image=" \
	    "memory of $n"
done
assert_contains "$metrics" 'container_cpu_usage_seconds_total' "cpu"
assert_contains "$metrics" 'hale_docker_up 1' "docker up"
ok "serves /metrics for the engine's other containers"

logged hale "running in a container" ||
	fail "haled did not log that it runs in a container"
assert_eq True "$(jget hale /api/v1/containers/hale 'd["remediation"]["self"]')" "self in the API"
ok "recognises its own container (never remediates it)"

# Without capabilities the namespace check cannot run, and says why.
why=$(docker logs hale 2>&1 | grep 'check has no target' | grep 'name=web' || true)
assert_contains "$why" "may not enter network namespaces" "reason without capabilities"
ok "without SYS_ADMIN and SYS_PTRACE the netns check is refused with its reason"
docker rm -f hale >/dev/null

start=$(hale_now_ms)
run_hale hale "${netns[@]}" -- --run-as=65532:65532
await_hale hale
hpid=$(hale_container_haled_pid hale)
st() { awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ +/, ""); gsub(/[ \t]+/, " "); sub(/ $/, ""); print }' "/proc/$hpid/status"; }
assert_eq "65532 65532 65532 65532" "$(st Uid)" "haled's uids after --run-as"
assert_eq "65532 65532 65532 65532" "$(st Gid)" "haled's gids after --run-as"
assert_eq "$(printf '%s\n' "$gid" 65532 | sort -n | uniq | tr '\n' ' ' | sed 's/ $//')" "$(st Groups)" \
    "haled's groups: the socket's kept, root's left behind"
assert_eq 0000000000280000 "$(st CapEff)" "CapEff = SYS_ADMIN|SYS_PTRACE"
assert_eq 0000000000280000 "$(st CapPrm)" "CapPrm = SYS_ADMIN|SYS_PTRACE"
assert_eq 1 "$(st NoNewPrivs)" "no-new-privileges"
logged hale 'msg="dropped root" uid=65532 gid=65532' ||
	fail "no 'dropped root' line in haled's log"
ok "--user 0:0 ... --run-as=65532:65532: uid/gid 65532, groups $(st Groups), CapEff 0x280000 (SYS_ADMIN|SYS_PTRACE), no-new-privileges"
wait_until $((15 * HALE_SLOW)) eval \
    "[ \"\$(jget hale /api/v1/containers/web 'd[\"health\"][\"status\"]' 2>/dev/null)\" = healthy ]" ||
	fail "web never turned healthy through its namespace: $(hget hale /api/v1/containers/web)"
assert_eq "netns 127.0.0.1:8080" "$(jget hale /api/v1/containers/web 'd["health"]["check"]["target"]')" "probe target"
metrics=$(hget hale /metrics)
grep -q '^hale_check_up{.*name="web".*} 1$' <<<"$metrics" || fail "hale_check_up for web is not 1"
assert_contains "$metrics" 'hale_docker_up 1' "docker up after the drop"
assert_contains "$metrics" "container_memory_usage_bytes{id=\"/$HALE_CGROUP_PARENT/$(hale_container_id web)\",image=" "memory of web after the drop"
ok "as 65532 after --run-as: probes web through its namespace, serves /metrics ($(hale_elapsed "$start") ms)"
docker rm -f hale >/dev/null

# ---- sidecar scope --------------------------------------------------------

# names NAME PATH: the container names in haled NAME's API, sorted.
names() { jget "$1" /api/v1/containers '" ".join(sorted(c["name"] for c in d))'; }

printf '{"docker": {"label_filter": ["tier=watched"]}}\n' >"$HALE_TMP/filter.json"
chmod 644 "$HALE_TMP/filter.json"
run_hale hale-f "${nonroot[@]}" -v "$HALE_TMP/filter.json:/etc/hale/hale.json:ro"
await_hale hale-f
# shellcheck disable=SC2016 # expanded by eval, at each try
wait_until 10 eval '[ "$(names hale-f)" = web ]' ||
	fail "label filter: API lists '$(names hale-f)', want only web"
metrics=$(hget hale-f /metrics)
assert_contains "$metrics" "name=\"web\"" "filter keeps web"
assert_not_contains "$metrics" "name=\"other\"" "filter drops other"
assert_not_contains "$metrics" "$(hale_container_id other)" "filter drops other's cgroup"
ok "docker.label_filter: containers outside it are absent from /metrics and /api/v1/containers"
docker rm -f hale-f >/dev/null

run_hale hale-p "${nonroot[@]}" -l com.docker.compose.project=shop -- --docker.scope=project
await_hale hale-p
# shellcheck disable=SC2016 # expanded by eval, at each try
wait_until 10 eval '[ "$(names hale-p)" = "hale-p web" ]' ||
	fail "scope=project: API lists '$(names hale-p)', want hale-p web"
assert_not_contains "$(hget hale-p /metrics)" "name=\"other\"" "project scope drops other"
logged hale-p 'msg="watching one compose project" project=shop' ||
	fail "no log line naming the project"
ok "--docker.scope=project: only its own compose project (shop)"
docker rm -f hale-p >/dev/null

run_hale hale-n "${nonroot[@]}" -- --docker.scope=project
logged hale-n "docker.scope: not in a compose project" ||
	fail "scope=project outside a compose project: no error naming docker.scope"
assert_eq 0 "$(hget hale-n /metrics | awk '$1 == "hale_docker_up" { print $2 }')" "docker_up without a project"
ok "--docker.scope=project outside a compose project: an error naming docker.scope, nothing watched"
docker rm -f hale-n >/dev/null
