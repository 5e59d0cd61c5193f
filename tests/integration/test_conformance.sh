#!/bin/bash
# cAdvisor conformance: every metric family cAdvisor v0.60.5 exports by
# default is either exported by haled (on one of the fixture trees or for
# a live container on the private engine) or named, with its reason, in
# the README's table of the families hale does not export. The list below
# is cAdvisor's, as lib/metrics/prometheus.go and prometheus_machine.go
# define it at v0.60.5 (the default-on rows of
# /work/shared/reference/cadvisor.md section 1.2): facts, not haled's output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require curl
hale_tmpdir
top=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$top/tests/fixtures/cgroup

cadvisor_default_on=(
	container_last_seen container_health_state
	container_cpu_user_seconds_total container_cpu_system_seconds_total
	container_cpu_usage_seconds_total container_cpu_cfs_periods_total
	container_cpu_cfs_throttled_periods_total
	container_cpu_cfs_throttled_seconds_total
	container_cpu_cfs_burst_periods_total container_cpu_cfs_burst_seconds_total
	container_cpu_load_average_10s container_cpu_load_d_average_10s
	container_tasks_state
	container_memory_cache container_memory_rss container_memory_kernel_usage
	container_memory_mapped_file container_memory_swap container_memory_failcnt
	container_memory_usage_bytes container_memory_max_usage_bytes
	container_memory_working_set_bytes
	container_memory_total_active_file_bytes
	container_memory_total_inactive_file_bytes
	container_memory_failures_total container_memory_events_high_total
	container_memory_events_max_total container_memory_file_dirty_bytes
	container_memory_file_writeback_bytes container_memory_pgscan_total
	container_memory_pgsteal_total container_memory_workingset_refault_file_total
	container_memory_workingset_refault_anon_total
	container_fs_inodes_free container_fs_inodes_total container_fs_limit_bytes
	container_fs_usage_bytes
	container_fs_reads_bytes_total container_fs_reads_total
	container_fs_sector_reads_total container_fs_reads_merged_total
	container_fs_read_seconds_total container_fs_writes_bytes_total
	container_fs_writes_total container_fs_sector_writes_total
	container_fs_writes_merged_total container_fs_write_seconds_total
	container_fs_io_current container_fs_io_time_seconds_total
	container_fs_io_time_weighted_seconds_total
	container_fs_io_cost_usage_seconds_total container_fs_io_cost_wait_seconds_total
	container_fs_io_cost_indebt_seconds_total
	container_fs_io_cost_indelay_seconds_total
	container_blkio_device_usage_total
	container_network_receive_bytes_total container_network_receive_packets_total
	container_network_receive_packets_dropped_total
	container_network_receive_errors_total container_network_transmit_bytes_total
	container_network_transmit_packets_total
	container_network_transmit_packets_dropped_total
	container_network_transmit_errors_total
	container_oom_events_total
	container_pressure_cpu_stalled_seconds_total
	container_pressure_cpu_waiting_seconds_total
	container_pressure_memory_stalled_seconds_total
	container_pressure_memory_waiting_seconds_total
	container_pressure_io_stalled_seconds_total
	container_pressure_io_waiting_seconds_total
	container_creation_time_seconds container_start_time_seconds
	container_spec_cpu_period container_spec_cpu_quota container_spec_cpu_shares
	container_spec_memory_limit_bytes container_spec_memory_swap_limit_bytes
	container_spec_memory_reservation_limit_bytes
	machine_cpu_physical_cores machine_cpu_cores machine_cpu_sockets
	machine_cpu_books machine_cpu_drawers machine_memory_bytes machine_swap_bytes
	machine_dimm_count machine_dimm_capacity_bytes
	machine_nvm_capacity machine_nvm_avg_power_budget_watts
)
assert_eq 89 "${#cadvisor_default_on[@]}" "cAdvisor v0.60.5 has 89 default-on families"

exported=$HALE_TMP/exported
: >"$exported"
# types FILE: the family names of an exposition's TYPE lines.
types() {
	awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$1" >>"$exported"
}

# --- the fixture trees: every cgroup file format ---
printf '{"metrics": {"min_interval": "0s"}}\n' >"$HALE_TMP/zero.json"
for tree in v2-systemd v2-cgroupfs v1 hybrid; do
	hale_start --config.file="$HALE_TMP/zero.json" --path.sysfs="$fixtures/$tree/sys" \
	    --path.procfs="$fixtures/$tree/proc" --docker.host=unix:///nonexistent/docker.sock
	http_get /metrics >"$HALE_TMP/$tree.txt"
	types "$HALE_TMP/$tree.txt"
	hale_stop
done

# --- a live container: limits (cfs, spec), an interface besides lo, a
# writable layer, Docker's metadata ---
hale_docker_start
hale_busybox_image
docker run -d --name conf --network none --cpus 0.5 -m 64m --memory-swap 128m \
    --memory-reservation 32m -l com.example.x=y "$HALE_IMAGE" \
    sh -c 'echo data >/f && exec sleep 3600' >/dev/null
pid=$(hale_container_pid conf)
nsenter -t "$pid" -n ip link add eth0 type veth peer name eth1
nsenter -t "$pid" -n ip link set eth0 up
nsenter -t "$pid" -n ip link set eth1 up
cat >"$HALE_TMP/live.json" <<EOF
{"metrics": {"min_interval": "0s", "fs_usage_interval": "1s", "task_states": true},
 "docker": {"data_root": "$HALE_DOCKER_DIR/data"}}
EOF
hale_start --config.file="$HALE_TMP/live.json"
measured() {
	local m
	m=$(curl -sf "$HALE_URL/metrics") || return 1
	grep -q '^container_fs_usage_bytes{.*name="conf"' <<<"$m" || return 1
	printf '%s\n' "$m" >"$HALE_TMP/live.txt"
}
wait_until $((20 * HALE_SLOW)) measured || fail "the live container was never measured"
types "$HALE_TMP/live.txt"
hale_stop
docker rm -f conf >/dev/null

# --- the README's exceptions: | `family` | reason | rows of its section ---
exceptions=$(awk '/^### cAdvisor families hale does not export/ { on = 1; next }
    on && /^#/ { exit } on' "$top/README.md" | sed -n 's/^| `\([a-z0-9_]*\)` | *\([^|]*[^ |]\).*/\1/p')
[ -n "$exceptions" ] || fail "README has no table of cAdvisor families hale does not export"

have=0
missing=()
excepted=()
stale=()
for f in "${cadvisor_default_on[@]}"; do
	if grep -qx -- "$f" "$exported"; then
		have=$((have + 1))
		grep -qx -- "$f" <<<"$exceptions" && stale+=("$f")
	elif grep -qx -- "$f" <<<"$exceptions"; then
		excepted+=("$f")
	else
		missing+=("$f")
	fi
done
printf '# exported %d of %d cAdvisor default-on families; %d named as exceptions in README\n' \
    "$have" "${#cadvisor_default_on[@]}" "${#excepted[@]}" >&2
for f in "${excepted[@]}"; do printf '#   exception: %s\n' "$f" >&2; done
for f in "${missing[@]}"; do printf '#   MISSING:   %s\n' "$f" >&2; done
[ "${#stale[@]}" -eq 0 ] || fail "README lists as not exported what haled exports: ${stale[*]}"
[ "${#missing[@]}" -eq 0 ] ||
	fail "${#missing[@]} cAdvisor families neither exported nor in README's exceptions: ${missing[*]}"
ok "every cAdvisor default-on family is exported ($have) or named with its reason (${#excepted[@]})"
printf '# test_conformance: all passed\n' >&2
