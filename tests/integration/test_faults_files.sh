#!/bin/bash
# Faults under the files haled reads, on a copy of the v2-cgroupfs fixture
# tree in a tmpfs, and under its config file.  After each fault haled still
# answers, its numbers are exact again (the fixture's golden output) and no
# descriptor or memory is left behind (faults_lib.sh states the slack).
#
#   1. a container's cgroup directory removed between scrapes, and removed
#      and recreated over and over during them
#   2. /proc/<pid> of a container's process gone (the process exited)
#   3. a FIFO (with a writer that never writes) and a 10 MB file where
#      cgroup files should be: /healthz within 100 ms during scrapes, the
#      big file read no further than the reader's cap, both counted
#   4. the config file's disk full at reload (a 64 KiB tmpfs): a truncated
#      and an empty file, SIGHUP, the old config stays, the error names
#      the problem, hale_config_last_reload_successful 0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hale_require_root
hale_require promtool curl python3
hale_tmpdir
fixtures=$(cd "$(dirname "$0")/../fixtures/cgroup" && pwd)

# All of it on a tmpfs of its own: removals there are what the kernel does
# to a cgroup directory (gone at once, open files keep reading).
mnt=$HALE_TMP/tree
mkdir -p "$mnt"
mount -t tmpfs -o size=64m hale-faults "$mnt"
hale_on_exit umount -l "$mnt"
cp -a "$fixtures/v2-cgroupfs/." "$mnt/"
cg=$mnt/sys/fs/cgroup
e5=$(printf 'e5%.0s' $(seq 32))
f6=$(printf 'f6%.0s' $(seq 32))
e5_dir=$cg/docker/$e5
cp -a "$e5_dir" "$HALE_TMP/e5.saved"

printf '{"metrics": {"min_interval": "0s"}}\n' >"$HALE_TMP/zero.json"
hale_start --config.file="$HALE_TMP/zero.json" --path.sysfs="$mnt/sys" \
    --path.procfs="$mnt/proc" --docker.host=unix:///nonexistent/docker.sock

# exact: the scrape equals the fixture's golden output (comments, self
# metrics and the clock aside).
exact() {
	http_get /metrics >"$HALE_TMP/m.txt" || return 1
	grep -v '^hale_\|^process_\|^container_last_seen\|^# ' "$HALE_TMP/m.txt" \
	    >"$HALE_TMP/m.cmp" || true
	diff -u "$fixtures/expected/v2-cgroupfs.prom" "$HALE_TMP/m.cmp" >"$HALE_TMP/m.diff"
}
errors() {
	local v
	v=$(fault_metric hale_cgroup_read_errors_total)
	printf '%s\n' "${v:-0}"
}
# per_scrape: read errors one scrape adds (the fixture's f6 container has
# a malformed cpu.stat on purpose: 1).  errors() scrapes as well, so the
# difference covers two scrapes: the one between and the second errors().
per_scrape() {
	local a b
	a=$(errors)
	http_get /metrics >/dev/null
	b=$(errors)
	printf '%s\n' $(((b - a) / 2))
}
exact || { cat "$HALE_TMP/m.diff" >&2; fail "the fixture copy does not scrape as its golden output"; }
for _ in 1 2 3; do exact; done
fault_baseline
base_rate=$(per_scrape)
errs0=$(errors)
ok "fixture copy on tmpfs: golden output, $base_rate read error per scrape (f6's malformed cpu.stat)"

# ---- 1. a container's cgroup removed between and during scrapes ----------

rm -rf "$e5_dir"
http_get /metrics >"$HALE_TMP/gone.txt"
if grep -q "$e5" "$HALE_TMP/gone.txt"; then
	fail "a removed cgroup is still exported"
fi
grep -q "id=\"/docker/$f6\"" "$HALE_TMP/gone.txt" || fail "its neighbour went with it"
promtool check metrics <"$HALE_TMP/gone.txt" || fail "promtool after a removal"
assert_eq "$base_rate" "$(per_scrape)" "a directory gone between scrapes is no read error"
ok "cgroup removed between scrapes: the container drops out, its neighbour stays, no error"

# Removed and recreated while scrapes run: each scrape is whole and valid;
# whatever half-copied directory a scrape meets is a counted read error.
# The loop ends at its own pace: a signal would leave an rm or cp running
# behind it, racing the restore below.
(
	while [ ! -e "$HALE_TMP/churn.stop" ]; do
		rm -rf "$e5_dir"
		cp -a "$HALE_TMP/e5.saved" "$e5_dir"
	done
) &
churn=$!
hale_on_exit fault_bg_stop "$churn"
n=0 bad=0
for i in $(seq 40); do
	if ! http_get /metrics --max-time 5 >"$HALE_TMP/churn.txt"; then
		fail "scrape $i failed during the churn"
	fi
	if [ $((i % 8)) = 0 ]; then
		promtool check metrics <"$HALE_TMP/churn.txt" 2>"$HALE_TMP/promtool.err" ||
			{ cat "$HALE_TMP/promtool.err" >&2; bad=$((bad + 1)); }
	fi
	grep -q "$e5" "$HALE_TMP/churn.txt" && n=$((n + 1))
done
touch "$HALE_TMP/churn.stop"
wait "$churn" || true
rm -rf "$e5_dir"
cp -a "$HALE_TMP/e5.saved" "$e5_dir"
assert_eq 0 "$bad" "scrapes rejected by promtool during the churn"
errs1=$(errors)
nlog=$(grep -c 'cgroup files unreadable or malformed' "$HALE_LOG" || true)
[ "$nlog" -le 3 ] || fail "$nlog log lines for the churn: an error storm"
wait_until 5 exact || { cat "$HALE_TMP/m.diff" >&2; fail "not exact once the directory is back"; }
fault_survived "cgroup churn ($n of 40 scrapes saw the container, $((errs1 - errs0)) read errors counted, $nlog log lines)"

# ---- 2. /proc/<pid> gone ------------------------------------------------

# The network counters of e5 come from /proc/777/net/dev, 777 being the
# first pid in its cgroup.procs.
errs_a=$(errors)
mv "$mnt/proc/777" "$HALE_TMP/proc777"
for _ in 1 2 3; do http_get /metrics >"$HALE_TMP/nopid.txt"; done
if grep -q "^container_network_receive_bytes_total{.*$e5" "$HALE_TMP/nopid.txt"; then
	fail "network counters of a process that is gone"
fi
grep -q "^container_memory_usage_bytes{id=\"/docker/$e5\"" "$HALE_TMP/nopid.txt" ||
	fail "the container's cgroup values went with its process"
errs_b=$(errors)
nlog2=$(grep -c 'cgroup files unreadable or malformed' "$HALE_LOG" || true)
[ $((nlog2 - nlog)) -le 1 ] || fail "$((nlog2 - nlog)) log lines for a pid that is gone: an error storm"
mv "$HALE_TMP/proc777" "$mnt/proc/777"
wait_until 5 exact || { cat "$HALE_TMP/m.diff" >&2; fail "not exact once /proc/777 is back"; }
fault_survived "/proc/777 gone: network counters dropped, cgroup values kept ($((errs_b - errs_a)) read errors over 3 scrapes)"

# ---- 3. a FIFO and a 10 MB file -----------------------------------------

rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$HALE_PID/io"; }
# Bytes read per scrape of the intact tree, to compare with below.
r0=$(rchar)
for _ in 1 2 3 4 5; do http_get /metrics >/dev/null; done
clean=$(( ($(rchar) - r0) / 5 ))
rm "$e5_dir/memory.stat"
mkfifo "$e5_dir/memory.stat"
# A writer that never writes: a reader's open does not wait, its read
# would block without O_NONBLOCK.
exec 7<>"$e5_dir/memory.stat"
mv "$e5_dir/cpu.stat" "$HALE_TMP/cpu.stat.saved"
head -c 10485760 /dev/zero | tr '\0' 'x' >"$e5_dir/cpu.stat"
errs_a=$(errors)
r0=$(rchar)
for _ in 1 2 3 4 5; do http_get /metrics --max-time 5 >"$HALE_TMP/hostile.txt"; done
per=$(( ($(rchar) - r0) / 5 ))
# The 10 MB file is read up to the reader's cap (CGROUP_READ_MAX, 64 KiB,
# plus the byte that tells it is longer) and no further; the FIFO gives
# nothing, memory.stat's few hundred bytes are missing.
extra=$((per - clean))
[ "$extra" -ge 60000 ] && [ "$extra" -le $((65537 + 4096)) ] ||
	fail "a scrape read $extra bytes more than the intact tree ($per vs $clean): not cut at 64 KiB"
errs_b=$(errors)
[ $((errs_b - errs_a)) -ge 10 ] || fail "FIFO and 10 MB file: $((errs_b - errs_a)) errors over 5 scrapes, want >= 10"
promtool check metrics <"$HALE_TMP/hostile.txt" || fail "promtool with a FIFO and a 10 MB file"
grep -q "^container_memory_usage_bytes{id=\"/docker/$e5\"" "$HALE_TMP/hostile.txt" ||
	fail "the container's other values were dropped"
ok "FIFO and 10 MB file: $extra bytes more per scrape than the intact tree ($clean), cut at the 64 KiB cap; $((errs_b - errs_a)) errors over 5 scrapes"

# /healthz within 100 ms, every time, while scrapes run back to back.
(
	while :; do curl -s -o /dev/null --max-time 5 "$HALE_URL/metrics"; done
) &
scraper=$!
hale_on_exit fault_bg_stop "$scraper"
worst=0
for _ in $(seq 30); do
	fault_fast_healthz 100 || fail "/healthz slower than 100 ms during scrapes of a FIFO"
	t=$(curl -s -o /dev/null -w '%{time_total}' "$HALE_URL/healthz")
	worst=$(python3 -c "print(max($worst, int($t * 1000)))")
	sleep 0.05
done
fault_bg_stop "$scraper"
ok "/healthz answered within 100 ms 60 times during back-to-back scrapes (worst measured $worst ms)"

exec 7>&-
rm "$e5_dir/memory.stat" "$e5_dir/cpu.stat"
cp -a "$HALE_TMP/e5.saved/memory.stat" "$e5_dir/memory.stat"
mv "$HALE_TMP/cpu.stat.saved" "$e5_dir/cpu.stat"
wait_until 5 exact || { cat "$HALE_TMP/m.diff" >&2; fail "not exact once the files are back"; }
fault_survived "FIFO and 10 MB file replaced by the real files"
hale_stop || fail "haled did not exit cleanly after the file faults"

# ---- 4. the config's disk full at reload --------------------------------

disk=$HALE_TMP/disk
mkdir -p "$disk"
mount -t tmpfs -o size=64k hale-faults-cfg "$disk"
hale_on_exit umount -l "$disk"
cfg=$disk/hale.json
# dry_run true is visible in hale_remediation_dry_run_enabled: the old
# config is the one in force as long as it reads 1.
good='{"metrics": {"min_interval": "0s"}, "remediation": {"dry_run": true}}'
printf '%s\n' "$good" >"$cfg"
hale_start --config.file="$cfg" --path.sysfs="$mnt/sys" --path.procfs="$mnt/proc" \
    --docker.host=unix:///nonexistent/docker.sock
assert_eq 1 "$(fault_metric hale_remediation_dry_run_enabled)" "dry_run from the file"
assert_eq 1 "$(fault_metric hale_config_last_reload_successful)" "first load"
fault_baseline

# Fill the disk, then rewrite the config: the shell truncates it (which
# frees its one page) and the write stops where the space ends.  Blanks
# inside the object make the new file longer than a page.
fill() { dd if=/dev/zero of="$disk/$1" bs=4k 2>/dev/null || true; }
pad=$(printf '%8000s' '')
new="{\"metrics\": {\"min_interval\": \"0s\"},$pad \"remediation\": {\"dry_run\": false}}"
# reload_fails WHAT: SIGHUP is refused, the old config stays, one log line
# names the file and the problem.
reload_fails() {
	local before
	before=$(grep -c 'config reload failed' "$HALE_LOG" || true)
	kill -HUP "$HALE_PID"
	wait_until 5 eval '[ "$(fault_metric hale_config_last_reload_successful)" = 0 ]' ||
		fail "$1: hale_config_last_reload_successful is not 0"
	assert_eq 1 "$(fault_metric hale_remediation_dry_run_enabled)" "$1: the old config stays"
	wait_until 5 eval '[ "$(grep -c "config reload failed" "$HALE_LOG" || true)" -gt "$before" ]' ||
		fail "$1: no log line"
	line=$(grep 'config reload failed' "$HALE_LOG" | tail -n 1)
	printf '# %s\n' "$line" >&2
	assert_contains "$line" "$cfg" "$1: the log line names the file"
	assert_contains "$line" "$2" "$1: the log line names the problem"
}

fill fill1
if printf '%s\n' "$new" >"$cfg" 2>"$HALE_TMP/write.err"; then
	fail "the write to a full disk succeeded: $(df -k "$disk" | tail -n 1)"
fi
size=$(stat -c %s "$cfg")
[ "$size" -gt 0 ] && [ "$size" -lt "${#new}" ] ||
	fail "expected a partial write, got $size of ${#new} bytes"
reload_fails "truncated config" "ends inside a value after $size bytes"
ok "config cut at $size of ${#new} bytes by a full disk ($(cat "$HALE_TMP/write.err")): reload refused, the old config stays"

# Truncated first, the disk filled, then written: nothing lands.
: >"$cfg"
fill fill2
printf '%s\n' "$new" >>"$cfg" 2>/dev/null && fail "the write to a full disk succeeded"
assert_eq 0 "$(stat -c %s "$cfg")" "an empty file"
reload_fails "empty config" "empty (0 bytes"
ok "config left empty by a full disk: reload refused, the old config stays"

rm -f "$disk/fill1" "$disk/fill2"
printf '%s\n' "$new" >"$cfg"
kill -HUP "$HALE_PID"
wait_until 5 eval '[ "$(fault_metric hale_config_last_reload_successful)" = 1 ]' ||
	fail "a good config after the disk was freed did not load"
assert_eq 0 "$(fault_metric hale_remediation_dry_run_enabled)" "the new config applies"
fault_survived "config disk full at reload (twice), then freed"
hale_stop || fail "haled did not exit cleanly after the reloads"
echo "# test_faults_files: all passed"
