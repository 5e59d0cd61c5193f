# shellcheck shell=bash
#
# Helpers of the fault-injection tests (test_faults_*.sh), sourced after
# lib.sh: what "haled survived" means after each fault.
#
#   fault_baseline              remember haled's open fds and VmRSS
#   fault_survived WHAT         /healthz and /metrics answer, fds back to the
#                               baseline (+FAULT_FD_SLACK), VmRSS within
#                               FAULT_RSS_SLACK_KB of it (not under ASan)
#   fault_fast_healthz MS       /healthz answers 200 within MS milliseconds
#   fault_bg_stop PID           stop a helper loop the test started, quietly
#   fault_metric NAME [FILTER]  value of the first sample of NAME whose line
#                               holds FILTER ("" when absent)
#
# Slack: a fault may leave no descriptor behind, except the two a curl
# multi handle may keep cached; memory may grow by what libcurl and the
# allocator keep (4 MiB).  A haled that links libasan keeps freed blocks
# in a quarantine of up to 256 MiB, so its VmRSS says nothing about leaks:
# there it is printed, not compared, and LeakSanitizer checks at exit
# instead (run-all.sh runs these tests against the plain build as well).

FAULT_FD_SLACK=${FAULT_FD_SLACK:-2}
FAULT_RSS_SLACK_KB=${FAULT_RSS_SLACK_KB:-4096}
FAULT_RSS_CHECK=1
# Not ldd | grep -q: grep's early exit would SIGPIPE ldd under pipefail.
_fault_libs=$(ldd "${HALED:-/nonexistent}" 2>/dev/null || true)
case "$_fault_libs" in
*libasan*) FAULT_RSS_CHECK=0 ;;
esac

fault_fds() {
	local n=0 f
	for f in /proc/"$HALE_PID"/fd/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		# Kept cgroup and net/dev files (metrics.fd_budget) follow the
		# containers haled reads, which change when Docker's list does
		# or the cgroup walk stands in for it: not what a fault leaks.
		case $(readlink "$f" 2>/dev/null) in
		/sys/*|/proc/*/net/dev) continue ;;
		esac
		n=$((n + 1))
	done
	printf '%s\n' "$n"
}

fault_rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$HALE_PID/status"
}

fault_baseline() {
	# A scrape first: the descriptors haled keeps for the cgroups it reads
	# (metrics.fd_budget) are its steady state, not a leak.
	curl -sf --max-time 10 "$HALE_URL/metrics" >/dev/null || true
	FAULT_FD0=$(fault_fds)
	FAULT_RSS0=$(fault_rss_kb)
	printf '# baseline: %s fds, VmRSS %s kB\n' "$FAULT_FD0" "$FAULT_RSS0" >&2
}

# fault_fds_back: the fd count returns to the baseline (a timed-out
# transfer closes its socket when its handle is removed, a moment later).
_fault_fds_back() {
	[ "$(fault_fds)" -le $((FAULT_FD0 + FAULT_FD_SLACK)) ]
}

fault_survived() {
	local what=$1 fds rss
	_hale_pid_alive "$HALE_PID" || fail "$what: haled died"
	assert_eq 200 "$(http_status /healthz --max-time 2)" "$what: /healthz"
	assert_eq 200 "$(http_status /metrics --max-time 10)" "$what: /metrics"
	wait_until 10 _fault_fds_back ||
		fail "$what: $(fault_fds) fds open, baseline $FAULT_FD0 (+$FAULT_FD_SLACK): $(ls -l /proc/"$HALE_PID"/fd | tail -n +2 | awk '{ print $NF }' | sort | uniq -c | tr '\n' ' ')"
	fds=$(fault_fds)
	rss=$(fault_rss_kb)
	[ "$FAULT_RSS_CHECK" = 0 ] || [ "$rss" -le $((FAULT_RSS0 + FAULT_RSS_SLACK_KB)) ] ||
		fail "$what: VmRSS $rss kB, baseline $FAULT_RSS0 kB (+$FAULT_RSS_SLACK_KB)"
	ok "$what: haled answers; $fds fds (baseline $FAULT_FD0), VmRSS $rss kB (baseline $FAULT_RSS0)"
}

fault_fast_healthz() {
	local t
	t=$(curl -s -o /dev/null --max-time 2 -w '%{http_code} %{time_total}' "$HALE_URL/healthz" || true)
	[ "${t%% *}" = 200 ] || { printf '# /healthz: %s\n' "$t" >&2; return 1; }
	python3 -c "import sys; sys.exit(0 if float('${t#* }') * 1000 <= $1 else 1)" ||
		{ printf '# /healthz took %s s\n' "${t#* }" >&2; return 1; }
}

fault_metric() {
	local body
	body=$(curl -sf --max-time 10 "$HALE_URL/metrics") || return 0
	awk -v m="$1" -v f="${2:-}" '($1 == m || index($1, m "{") == 1) && index($0, f) { print $NF; exit }' <<<"$body"
}

fault_bg_stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
