#!/bin/bash
# container_tasks_state's age: with metrics.task_states on and descriptors
# kept, a container's task states are asked of the kernel at every
# collection, so a change shows at the next scrape.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require curl
hale_tmpdir
[ -e /sys/fs/cgroup/cgroup.controllers ] &&
	hale_skip "task states are counted for cgroup v1 directories only"
hale_docker_start
hale_busybox_image

docker run -d --network none --name ta hale-test/busybox sleep 1000000 >/dev/null
id=$(hale_container_id ta)
printf '{"metrics": {"min_interval": "0s", "task_states": true}}\n' >"$HALE_TMP/zero.json"
hale_start --config.file="$HALE_TMP/zero.json" --path.sysfs=/sys --path.procfs=/proc

# sleeping COUNT: haled's container_tasks_state sleeping for ta is COUNT.
sleeping() {
	local n
	http_get /metrics >"$HALE_TMP/m"
	n=$(grep -c "^container_tasks_state{.*$id.*state=\"sleeping\"} $1\$" "$HALE_TMP/m" || true)
	[ "$n" = 1 ]
}
# sleep(1)'s nanosleep is freezable, in none of the five states: 0.
wait_until 10 sleeping 0 || fail "no sleeping task never shown"
ok "no sleeping task"

# Four readers of FIFOs (interruptible sleep, counted): shown by the first
# scrapes after they start, within 1.5 s.
docker exec ta mkfifo /tmp/f1 /tmp/f2 /tmp/f3 /tmp/f4
for f in 1 2 3 4; do docker exec -d ta cat /tmp/f$f; done
# readers N: N cat processes run in ta.
readers() {
	local top
	top=$(docker top ta -o pid,comm)
	[ "$(grep -c " cat$" <<<"$top" || true)" = "$1" ]
}
wait_until 10 readers 4 ||
	fail "the four readers never started"
t0=$(hale_now_ms)
wait_until 5 sleeping 4 || fail "four sleeping tasks never shown"
t1=$(hale_now_ms)
[ $((t1 - t0)) -le 1500 ] || fail "task states $((t1 - t0)) ms old (at most 1 s)"
ok "new tasks shown after $((t1 - t0)) ms"
