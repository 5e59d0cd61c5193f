#!/bin/bash
# cAdvisor's cgroup-file families on this machine's own cgroups (hybrid
# here): a container with memory, reservation, swap and CPU limits that
# writes to disk with O_DIRECT and fills its page cache past its limit.
# cadvisor_cgroup_check.py compares every family with the container's
# files read just before and after the scrape; here the values are also
# tied to the docker run flags.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require promtool curl /usr/bin/python3
hale_require_root
hale_tmpdir
check=$(cd "$(dirname "$0")" && pwd)/cadvisor_cgroup_check.py
printf '{"metrics": {"min_interval": "0s", "task_states": true}}\n' >"$HALE_TMP/zero.json"

hale_docker_start
hale_busybox_image
# 8 MiB with O_DIRECT (block I/O the cgroup is charged for), then 96 MiB
# of page cache into a 64 MiB limit (failcnt), then a light CPU load.
docker run -d --name lim --network none --memory 64m --memory-reservation 32m \
    --memory-swap 128m --cpus 0.5 hale-test/busybox sh -c '
	dd if=/dev/zero of=/direct.bin bs=1M count=8 oflag=direct 2>/dev/null &&
	dd if=/dev/zero of=/cache.bin bs=1M count=96 2>/dev/null && touch /ready
	while :; do i=0; while [ $i -lt 5000 ]; do i=$((i + 1)); done; sleep 0.05; done' >/dev/null
# One that only sleeps: its task states hold still between two reads.
docker run -d --name calm --network none hale-test/busybox sleep 3600 >/dev/null
wait_until 60 docker exec lim test -f /ready || fail "the container's writes finished"
pid=$(docker inspect -f '{{.State.Pid}}' lim)
# A burst allowance, so the CFS burst counters have something to count
# where the kernel has them (5.14+: v1 cpu.cfs_burst_us, v2 cpu.max.burst).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	burst=/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' "/proc/$pid/cgroup")/cpu.max.burst
else
	burst=/sys/fs/cgroup/cpu$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$pid/cgroup")/cpu.cfs_burst_us
fi
if [ -f "$burst" ]; then
	echo 25000 >"$burst"
fi
sleep 2

hale_start --config.file="$HALE_TMP/zero.json"
wait_until 10 http_grep /metrics -q 'name="lim"' || fail "the container is in /metrics"
http_get /metrics >"$HALE_TMP/live.txt"
hale_promtool_check "$HALE_TMP/live.txt" || fail "promtool on the live output"
metric() {	# metric NAME [EXTRA] -> the value of lim's sample
	awk -v m="$1{" -v x="${2:-}" 'index($0, m) == 1 && index($0, "name=\"lim\"") &&
	    index($0, x) { print $2; exit }' "$HALE_TMP/live.txt"
}

# The limits as docker run set them. v1: memsw is memory + swap and
# --memory-reservation is the soft limit; v2: memory.swap.max is swap
# alone, and Docker writes the reservation to memory.low, which cAdvisor
# does not read (it reads memory.min: 0).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	swap=67108864 resv=0
else
	swap=134217728 resv=33554432
fi
assert_eq "$swap" "$(metric container_spec_memory_swap_limit_bytes)" "--memory-swap 128m"
assert_eq "$resv" "$(metric container_spec_memory_reservation_limit_bytes)" "--memory-reservation 32m"
assert_eq 67108864 "$(metric container_spec_memory_limit_bytes)" "--memory 64m"
ok "swap and reservation limits are the docker run flags"

# The limit was hit: v1 counts it in failcnt, v2 in memory.events max.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	fc=$(metric container_memory_events_max_total)
else
	fc=$(metric container_memory_failcnt)
fi
[ -n "$fc" ] && [ "$fc" -gt 0 ] || fail "96 MiB of page cache into 64 MiB hits the limit (${fc:-absent})"
w=$(awk '/^container_blkio_device_usage_total\{/ && /name="lim"/ && /operation="Write"/ { s += $2 } END { print s + 0 }' "$HALE_TMP/live.txt")
[ "$w" -ge $((8 << 20)) ] || fail "8 MiB written with O_DIRECT: blkio Write bytes $w"
pf=$(metric container_memory_failures_total 'failure_type="pgfault",scope="container"')
ph=$(metric container_memory_failures_total 'failure_type="pgfault",scope="hierarchy"')
[ -n "$pf" ] && [ "$pf" = "$ph" ] || fail "pgfault: one value in both scopes (${pf:-} ${ph:-})"
ok "limit hits $fc after the page cache reached the limit, $w bytes written to the block device, pgfault $pf in both scopes"

# Every family against the files, read around a scrape.
for c in lim calm; do
	out=$(/usr/bin/python3 "$check" "$HALE_URL" "$c" "$(docker inspect -f '{{.State.Pid}}' "$c")" /sys) || {
		printf '%s\n' "$out"
		fail "$c: a cgroup-file family disagrees with the container's files"
	}
	printf '%s\n' "$out"
done
ok "every cgroup-file family agrees with the container's files (or is absent with its file)"

# The host row: v1 memory.failcnt and kmem exist at the root too.
grep -q '^container_memory_failures_total{id="/",failure_type="pgfault",scope="container"}' "$HALE_TMP/live.txt" ||
	fail "the host row has memory failures"
ok "the host row carries the memory families"

# Cost: the new families on a scrape of the host row plus one container.
t0=$(date +%s%N)
for _ in $(seq 20); do http_get /metrics >/dev/null; done
t1=$(date +%s%N)
printf '# 20 scrapes of %s families: %d ms each\n' \
    "$(grep -c '^# TYPE container_' "$HALE_TMP/live.txt")" $(((t1 - t0) / 20000000))
hale_stop

# Task states are opt-in (metrics.task_states): by default no netlink
# query and no family, where the kernel has them (v1 and hybrid).
if grep -q '^container_tasks_state{' "$HALE_TMP/live.txt"; then
	printf '{"metrics": {"min_interval": "0s"}}\n' >"$HALE_TMP/default.json"
	hale_start --config.file="$HALE_TMP/default.json"
	wait_until 10 http_grep /metrics -q 'name="lim"' || fail "the container is in /metrics by default"
	http_get /metrics >"$HALE_TMP/default.txt"
	if grep -q '^container_tasks_state' "$HALE_TMP/default.txt"; then
		fail "container_tasks_state exported without metrics.task_states"
	fi
	hale_stop
	ok "task states only with metrics.task_states"
fi
docker rm -f lim calm >/dev/null
echo "# test_cadvisor_live: all passed"
