#!/bin/bash
# cAdvisor's per-container metadata on a real, private engine: every
# Docker label as container_label_<key> (hostile ones sanitized, escaped,
# bounded and counted), allow-listed environment variables as
# container_env_<name> (the others never reach /metrics or the log),
# container_creation_time_seconds, the writable layer's disk usage, which
# agrees with du -B1 -s of the overlay2 upper dir, and the disk I/O
# families of its device, which agree with /proc/diskstats.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require promtool jq curl
hale_tmpdir
hale_docker_start
hale_busybox_image

driver=$(docker info -f '{{.Driver}}')
[ "$driver" = overlay2 ] || hale_skip "the engine uses $driver, not overlay2"

long=$(head -c 5000 /dev/zero | tr '\0' v)
mib=8
nfiles=200
docker run -d --name meta --network none \
    -l com.example.team=core \
    -l 'we"ird/key=a "quoted" \ value' \
    -l "huge=$long" \
    -l $'bytes=\xff\xfe' \
    -l 'eq=a=b' \
    -e APP_MODE=prod -e APP_EMPTY= -e SECRET_TOKEN=hunter2 \
    "$HALE_IMAGE" sh -c "dd if=/dev/urandom of=/blob bs=1M count=$mib 2>/dev/null &&
	mkdir /many && i=0 && while [ \$i -lt $nfiles ]; do echo \$i >/many/f\$i; i=\$((i+1)); done &&
	ln /blob /blob.link && touch /ready && exec sleep 3600" >/dev/null
wait_until $((10 * HALE_SLOW)) docker exec meta test -e /ready ||
	fail "the container did not write its files"
id=$(hale_container_id meta)
upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' meta)
case "$upper" in
"$HALE_DOCKER_DIR"/data/overlay2/*/diff) ;;
*) fail "unexpected UpperDir $upper" ;;
esac

cat >"$HALE_TMP/meta.json" <<EOF
{"metrics": {"min_interval": "0s", "container_env": ["APP_"],
  "fs_usage_interval": "2s"},
 "docker": {"data_root": "$HALE_DOCKER_DIR/data"}}
EOF
hale_start --config.file="$HALE_TMP/meta.json"

# metaval FAMILY TEXT: the value of meta's sample of FAMILY (label values
# hold spaces: the value is the last field).
metaval() {
	awk -v f="$1{" 'index($0, f) == 1 && index($0, "name=\"meta\"") { print $NF }' <<<"$2"
}
# fs_usage: container_fs_usage_bytes of meta, once measured.
fs_usage() {
	local m
	m=$(curl -sf "$HALE_URL/metrics") || return 1
	metaval container_fs_usage_bytes "$m" | grep .
}
wait_until $((20 * HALE_SLOW)) fs_usage >/dev/null ||
	fail "container_fs_usage_bytes never appeared for meta"
m=$(curl -sf "$HALE_URL/metrics")
printf '%s\n' "$m" >"$HALE_TMP/m.txt"
hale_promtool_check "$HALE_TMP/m.txt" || fail "promtool check metrics"

# --- disk usage: du of the upper dir, within a block per file ---
got=$(fs_usage)
du=$(du -B1 -s "$upper" | cut -f1)
files=$(find "$upper" | wc -l)
slack=$((files * 4096))
diff=$((got > du ? got - du : du - got))
printf '# haled %s bytes, du -B1 -s %s, %s entries\n' "$got" "$du" "$files" >&2
[ "$diff" -le "$slack" ] || fail "usage $got differs from du $du by more than $slack"
[ "$got" -ge $((mib << 20)) ] || fail "usage $got is below the $mib MiB written"
[ "$got" -lt $((2 * (mib << 20))) ] || fail "usage $got counts the hard link twice"
line=$(grep "^container_fs_usage_bytes{.*name=\"meta\"" <<<"$m")
assert_contains "$line" 'device="/dev/' "device label names the filesystem's block device"
lim=$(metaval container_fs_limit_bytes "$m")
want=$(stat -f -c '%b %S' "$upper" | awk '{ printf "%.0f", $1 * $2 }')
assert_eq "$want" "$lim" "container_fs_limit_bytes is statvfs of the upper dir's filesystem"
tot=$(metaval container_fs_inodes_total "$m")
assert_eq "$(stat -f -c %c "$upper")" "$tot" "container_fs_inodes_total is statvfs's f_files"
assert_contains "$m" "container_fs_inodes_free{" "container_fs_inodes_free"
scan=$(awk '$1 == "hale_fs_usage_scan_seconds" { print $2 }' <<<"$m")
ents=$(awk '$1 == "hale_fs_usage_entries_total" { print $2 }' <<<"$m")
printf '# last pass %s s, %s entries so far\n' "$scan" "$ents" >&2
ok "writable layer: $got bytes (du $du), limit and inodes from statvfs, cost in hale_fs_usage_*"

# --- disk I/O: the diskstats line of the layer's device, read around a scrape ---
majmin=$(stat -c '%Hd:%Ld' "$upper")
devname=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$majmin/uevent")
[ -n "$devname" ] || fail "no DEVNAME for the layer's device $majmin"
# ds: the 11 counters of that device's line of /proc/diskstats.
ds() {
	awk -v d="$majmin" '$1 ":" $2 == d { print $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' /proc/diskstats
}
before=$(ds)
[ -n "$before" ] || fail "/proc/diskstats has no line for $majmin"
mio=$(curl -sf "$HALE_URL/metrics")
after=$(ds)
# family, its counter in the line (1-based), the divisor to its unit
for spec in container_fs_sector_reads_total:3:1 container_fs_reads_merged_total:2:1 \
    container_fs_read_seconds_total:4:1000 container_fs_sector_writes_total:7:1 \
    container_fs_writes_merged_total:6:1 container_fs_write_seconds_total:8:1000 \
    container_fs_io_time_seconds_total:10:1000 \
    container_fs_io_time_weighted_seconds_total:11:1000; do
	IFS=: read -r fam col div <<<"$spec"
	line=$(grep "^$fam{.*name=\"meta\"" <<<"$mio") || fail "no $fam for meta"
	assert_contains "$line" "device=\"/dev/$devname\"}" "$fam names the layer's device"
	v=${line##* }
	lo=$(awk -v c="$col" -v d="$div" '{ printf "%.3f", $c / d }' <<<"$before")
	hi=$(awk -v c="$col" -v d="$div" '{ printf "%.3f", $c / d }' <<<"$after")
	awk -v l="$lo" -v v="$v" -v h="$hi" 'BEGIN { exit !(l <= v && v <= h) }' ||
	    fail "$fam is $v, diskstats said $lo before and $hi after"
done
line=$(grep '^container_fs_io_current{.*name="meta"' <<<"$mio") || fail "no container_fs_io_current for meta"
assert_contains "$line" "device=\"/dev/$devname\"}" "container_fs_io_current names the layer's device"
[[ "${line##* }" =~ ^[0-9]+$ ]] || fail "container_fs_io_current is ${line##* }"
assert_contains "$mio" "# TYPE container_fs_io_current gauge" "container_fs_io_current is a gauge"
assert_contains "$mio" "hale_diskstats_errors_total 0" "diskstats read without errors"
# The host row of the same device: the same whole-device numbers.
if [ "$(findmnt -n -o MAJ:MIN / | tr -d " ")" = "$majmin" ]; then
	rootdev=$(findmnt -n -o SOURCE /)
	hv=$(awk -v k="container_fs_sector_writes_total{id=\"/\",device=\"$rootdev\"}" '$1 == k { print $2 }' <<<"$mio")
	cv=$(grep '^container_fs_sector_writes_total{.*name="meta"' <<<"$mio")
	assert_eq "${cv##* }" "$hv" "the host row of $rootdev has the container's whole-device numbers"
fi
printf '# diskstats of %s (%s) before: %s\n# after: %s\n' "$devname" "$majmin" "$before" "$after" >&2
ok "disk I/O families of /dev/$devname between the diskstats read before and after the scrape"

# --- the host row: each block-device filesystem, as statvfs has it ---
rootdev=$(findmnt -n -o SOURCE /)
case "$rootdev" in
/dev/*)
	hl=$(awk -v k="container_fs_limit_bytes{id=\"/\",device=\"$rootdev\"}" '$1 == k { print $2 }' <<<"$m")
	want=$(stat -f -c '%b %S' / | awk '{ printf "%.0f", $1 * $2 }')
	assert_eq "$want" "$hl" "container_fs_limit_bytes{id=\"/\"} of the root filesystem"
	hu=$(awk -v k="container_fs_usage_bytes{id=\"/\",device=\"$rootdev\"}" '$1 == k { print $2 }' <<<"$m")
	used=$(stat -f -c '%b %f %S' / | awk '{ printf "%.0f", ($1 - $2) * $3 }')
	d=$((hu > used ? hu - used : used - hu))
	# others write meanwhile: within 1% of the filesystem
	[ "$d" -le $((want / 100)) ] || fail "host usage $hu, statvfs says $used"
	ok "host row: $rootdev in use $hu of $hl bytes"
	;;
*) printf '# the root filesystem is %s, not a block device: no host row\n' "$rootdev" >&2 ;;
esac

# --- labels ---
line=$(grep '^container_last_seen{.*name="meta"' <<<"$m")
assert_contains "$line" 'container_label_com_example_team="core"' "a plain label"
assert_contains "$line" 'container_label_we_ird_key="a \"quoted\" \\ value"' \
    "a key with a quote and a slash is sanitized, its value escaped"
assert_contains "$line" 'container_label_bytes="' "a label of invalid UTF-8 bytes"
assert_contains "$line" 'container_label_eq="a=b"' "a value holding '='"
assert_not_contains "$line" 'container_label_huge' "a 5000-byte value is left out"
cut=$(awk '$1 == "hale_container_labels_cut" { print $2 }' <<<"$m")
[ "${cut:-0}" -ge 1 ] || fail "hale_container_labels_cut counts the huge label (got ${cut:-none})"
nlog=$(grep -c 'container labels left out of its metrics' "$HALE_LOG" || true)
assert_eq 1 "$nlog" "the cut is logged once"
ok "labels: every one exported, hostile keys sanitized, the huge one cut and counted"

# --- environment ---
assert_contains "$line" 'container_env_app_mode="prod"' "an allow-listed variable"
assert_contains "$line" 'container_env_app_empty=""' "an allow-listed empty variable"
assert_not_contains "$m" "hunter2" "a variable not allow-listed is not in /metrics"
assert_not_contains "$m" "secret_token" "nor its name"
api=$(curl -sf "$HALE_URL/api/v1/containers")
assert_not_contains "$api" "hunter2" "nor in the JSON API"
log=$(cat "$HALE_LOG")
assert_not_contains "$log" "hunter2" "nor in the log"
assert_not_contains "$log" "prod" "an allowed value is not logged either"
ok "environment: only APP_* exported, lowercased; the secret is nowhere"

# --- creation time ---
created=$(date -d "$(docker inspect -f '{{.Created}}' meta)" +%s)
ct=$(metaval container_creation_time_seconds "$m")
assert_eq "$created" "$ct" "container_creation_time_seconds is inspect's Created"
ok "container_creation_time_seconds = $ct"

# --- the allow-list of labels, by flag ---
hale_stop
hale_start --config.file="$HALE_TMP/meta.json" --metrics.container-labels=com.example.*
listed() {
	m=$(curl -sf "$HALE_URL/metrics") || return 1
	line=$(grep '^container_last_seen{.*name="meta"' <<<"$m")
}
wait_until $((10 * HALE_SLOW)) listed || fail "meta is not listed after a restart"
assert_contains "$line" 'container_label_com_example_team="core"' "the allowed label"
assert_not_contains "$line" 'container_label_we_ird' "another label is not exported"
ok "--metrics.container-labels limits the labels"

# --- a writable layer that grows is measured again ---
docker exec meta dd if=/dev/urandom of=/more bs=1M count=4 2>/dev/null
grown() {
	local v
	v=$(fs_usage) || return 1
	[ "$v" -ge $((got + (4 << 20))) ]
}
wait_until $((20 * HALE_SLOW)) grown || fail "usage did not follow 4 MiB more"
ok "usage follows the layer at metrics.fs_usage_interval"
hale_stop

# --- another data root: nothing walked, said once ---
printf '{"metrics": {"min_interval": "0s", "fs_usage_interval": "1s"}}\n' >"$HALE_TMP/other.json"
hale_start --config.file="$HALE_TMP/other.json"
said() {
	grep -q 'overlay2 layers outside docker.data_root are not measured' "$HALE_LOG"
}
wait_until $((10 * HALE_SLOW)) said || fail "a layer outside docker.data_root is not reported"
sleep 3
m=$(curl -sf "$HALE_URL/metrics")
line=$(grep '^container_last_seen{.*name="meta"' <<<"$m")
base=${line% *}
base=${base#container_last_seen\{}
base=${base%\}}
assert_contains "$m" "container_last_seen{$base}" "meta's labels"
assert_not_contains "$m" "container_fs_usage_bytes{$base,device=" \
    "a layer outside docker.data_root is not walked"
assert_contains "$m" 'container_fs_usage_bytes{id="/",' "the host row stays"
assert_eq 1 "$(grep -c 'overlay2 layers outside docker.data_root' "$HALE_LOG")" "said once"
ok "layers outside docker.data_root (/var/lib/docker here) are refused, logged once"
docker rm -f meta >/dev/null
hale_stop
printf '# test_container_meta: all passed\n' >&2
