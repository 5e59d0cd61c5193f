# shellcheck shell=bash
# bench/lib.sh: helpers shared by the bench parts that run on a private
# Docker engine (docker_side, real_floor, agent_side). Sourced after
# tests/integration/lib.sh, whose engine and image helpers they use.
#
#   bench_containers N PREFIX LABEL CMD...  N busybox containers named
#                                  PREFIX-1..N, --network none, labelled
#                                  LABEL=1, running CMD; their full ids in
#                                  the array bench_ids
#   bench_ticks PID...             utime+stime of the processes (ticks)
#   bench_tree PID                 PID and its descendants, one a line
#   bench_tree_ticks PID           utime+stime+cutime+cstime over the tree:
#                                  children that exit and are reaped stay
#                                  counted in their parent's cutime/cstime
#   bench_tree_kib PID FIELD       the sum of FIELD (VmRSS, VmHWM) of
#                                  /proc/P/status over the tree, in KiB
#   bench_tree_pss PID             the sum of Pss of /proc/P/smaps_rollup
#                                  over the tree, in KiB

bench_containers() {
	local n=$1 prefix=$2 label=$3
	shift 3
	seq 1 "$n" | xargs -P 4 -I{} docker run -d --network none \
	    --name "$prefix-{}" --label "$label=1" hale-test/busybox "$@" \
	    >/dev/null
	mapfile -t bench_ids < <(docker ps -q --no-trunc --filter "label=$label=1")
	[ "${#bench_ids[@]}" = "$n" ] ||
	    fail "only ${#bench_ids[@]} of $n containers run"
}

# _bench_stat_sum FIRST LAST PID...: the sum of the fields FIRST..LAST of
# /proc/P/stat (numbered as in proc(5)), for the processes still there.
_bench_stat_sum() {
	local first=$1 last=$2 p s i sum=0 f
	shift 2
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		# f[0] is field 3 of proc(5): the name may hold spaces
		read -r -a f <<<"${s##*) }"
		for ((i = first; i <= last; i++)); do
			sum=$((sum + f[i - 3]))
		done
	done
	printf '%s\n' "$sum"
}

bench_ticks() {
	_bench_stat_sum 14 15 "$@"
}

bench_tree() {
	local p kids
	printf '%s\n' "$1"
	kids=$(cat "/proc/$1/task/"*/children 2>/dev/null) || return 0
	for p in $kids; do
		bench_tree "$p"
	done
}

bench_tree_ticks() {
	local tree
	mapfile -t tree < <(bench_tree "$1")
	_bench_stat_sum 14 17 "${tree[@]}"
}

bench_tree_kib() {
	local p sum=0 v
	for p in $(bench_tree "$1"); do
		v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null) || true
		sum=$((sum + ${v:-0}))
	done
	printf '%s\n' "$sum"
}

bench_tree_pss() {
	local p sum=0 v
	for p in $(bench_tree "$1"); do
		v=$(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || true
		sum=$((sum + ${v:-0}))
	done
	printf '%s\n' "$sum"
}
