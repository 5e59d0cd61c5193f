#!/bin/bash
# Running under systemd, checked without systemd as pid 1:
#
#   install    make install DESTDIR: binary, unit, sysusers file, drop-in,
#              man page, example config (kept when it exists)
#   analyze    systemd-analyze verify prints nothing and security
#              --offline=yes rates the installed unit <= 2.0 and the unit
#              with the no-netns drop-in <= 1.5 ("Overall exposure level")
#   sysusers   systemd-sysusers --root makes user hale in group docker
#   man        haled(8) renders, has every flag --help lists and the
#              sections --help lacks
#   notify     datagram sockets the test binds (a path and an abstract
#              name) receive READY=1 with STATUS=, STATUS= again only when
#              the summary changes, WATCHDOG=1 at half of WATCHDOG_USEC,
#              RELOADING=1 + MONOTONIC_USEC= then READY=1 on SIGHUP,
#              STOPPING=1 on SIGTERM, all from haled's own pid; SIGSTOP
#              (a stuck loop) stops the pings and SIGCONT resumes them
#   first run  no Docker socket: the path and errno in the log; the landing
#              page lists every route; a taken port says so and exits 1
#   caps       haled as an unprivileged user in the docker group, as the
#              unit runs it: with CAP_SYS_ADMIN + CAP_SYS_PTRACE under
#              hidepid=invisible (ProtectProc) a --network none container
#              is probed in its namespace; without CAP_SYS_PTRACE the
#              namespace cannot be opened; with no capability (the
#              drop-in) the check is refused and metrics still come
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hale_require_root
hale_require systemd-analyze systemd-sysusers setpriv unshare man python3
hale_tmpdir
haled=${HALED:?set HALED to the haled binary}
builddir=$(cd "$(dirname "$haled")/.." && pwd)
[ -f "$builddir/Makefile" ] || fail "no Makefile in $builddir (HALED must be a built tree's src/haled)"
PY=/usr/bin/python3

mk() { make -s -C "$builddir" "$@"; }
# makevar NAME: a variable of the build's Makefile, expanded.
makevar() {
	# shellcheck disable=SC2016 # make expands it
	mk -f Makefile -f - print-var <<<"print-var: ; @echo \$($1)"
}
prefix=$(makevar prefix)
sbindir=$(makevar sbindir)
sysconfdir=$(makevar sysconfdir)
pkgdatadir=$(makevar pkgdatadir)
mandir=$(makevar mandir)
unitdir=$(makevar systemdsystemunitdir)
sysusersdir=$(makevar sysusersdir)
[ "$unitdir" = "$(pkg-config systemd --variable=systemdsystemunitdir)" ] ||
	fail "the unit goes to '$unitdir', not where pkg-config systemd says"
ok "unit directory from pkg-config systemd: $unitdir (prefix $prefix)"

# ---- install ---------------------------------------------------------------

D=$HALE_TMP/dest
mk install DESTDIR="$D" >"$HALE_TMP/install.log" 2>&1 ||
	{ tail -20 "$HALE_TMP/install.log" >&2; fail "make install failed"; }
for f in "$sbindir/haled" "$unitdir/haled.service" "$sysusersdir/hale.conf" \
    "$sysconfdir/hale/hale.json" "$pkgdatadir/hale.json" \
    "$pkgdatadir/systemd/no-netns.conf" "$mandir/man8/haled.8"; do
	[ -s "$D$f" ] || fail "make install did not install $f"
done
ok "make install: binary, unit, sysusers.d, drop-in, man page, example config"
unit=$D$unitdir/haled.service
grep -qx "ExecStart=$sbindir/haled --config.file=$sysconfdir/hale/hale.json" "$unit" ||
	fail "ExecStart does not name the configured paths: $(grep ExecStart= "$unit")"
ok "the unit names the configured paths"

echo '{"log": {"level": "debug"}}' >"$D$sysconfdir/hale/hale.json"
mk install DESTDIR="$D" >"$HALE_TMP/install2.log" 2>&1 || fail "second make install failed"
assert_eq '{"log": {"level": "debug"}}' "$(cat "$D$sysconfdir/hale/hale.json")" \
    "make install overwrote an existing hale.json"
ok "make install keeps an existing $sysconfdir/hale/hale.json"

# ---- systemd-analyze -------------------------------------------------------

# A root holding the installed tree, the host's units (the targets the
# unit depends on) and ExecReload's /bin/kill: verify resolves all of them
# inside it, so the unit is checked exactly as installed.
R=$HALE_TMP/root
cp -a "$D" "$R"
mkdir -p "$R/lib/systemd/system" "$R/bin"
cp -rn /lib/systemd/system/. "$R/lib/systemd/system/"
cp /bin/kill "$R/bin/kill"
export MANPATH=$R$mandir

# exposure: the number on "Overall exposure level for haled.service: 2.0 OK".
exposure() {
	local out
	out=$(systemd-analyze security --offline=yes --root="$R" haled.service 2>&1) ||
		fail "systemd-analyze security failed: $out"
	sed -n 's/.*Overall exposure level for haled\.service: \([0-9.]*\).*/\1/p' <<<"$out"
}
at_most() {
	$PY -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2"
}

out=$(systemd-analyze verify --root="$R" haled.service 2>&1) || fail "systemd-analyze verify failed: $out"
assert_eq "" "$out" "systemd-analyze verify printed something"
ok "systemd-analyze verify: silent"
e=$(exposure)
[ -n "$e" ] || fail "no 'Overall exposure level' line"
at_most "$e" 2.0 || fail "exposure $e is above 2.0"
ok "systemd-analyze security --offline=yes: $e"

mkdir -p "$R/etc/systemd/system/haled.service.d"
cp "$R$pkgdatadir/systemd/no-netns.conf" "$R/etc/systemd/system/haled.service.d/"
out=$(systemd-analyze verify --root="$R" haled.service 2>&1) || fail "verify with the drop-in failed: $out"
assert_eq "" "$out" "systemd-analyze verify with the drop-in printed something"
e2=$(exposure)
at_most "$e2" 1.5 || fail "exposure with no-netns.conf $e2 is above 1.5"
ok "with no-netns.conf: verify silent, exposure $e2"
unset MANPATH

# ---- sysusers ----------------------------------------------------------------

U=$HALE_TMP/users
mkdir -p "$U/etc"
systemd-sysusers --root="$U" "$D$sysusersdir/hale.conf" 2>"$HALE_TMP/sysusers.err" ||
	fail "systemd-sysusers: $(cat "$HALE_TMP/sysusers.err")"
grep -q '^hale:x:[0-9]*:[0-9]*:hale container monitor:/:/usr/sbin/nologin$' "$U/etc/passwd" ||
	fail "no user hale: $(cat "$U/etc/passwd")"
grep -q '^docker:x:[0-9]*:hale$' "$U/etc/group" || fail "hale not in group docker: $(cat "$U/etc/group")"
ok "sysusers.d/hale.conf: user hale, member of docker"

# ---- man page ------------------------------------------------------------------

page=$(MANWIDTH=200 man -l "$D$mandir/man8/haled.8" 2>/dev/null | col -b)
for s in NAME SYNOPSIS DESCRIPTION SIGNALS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
	grep -q "^$s" <<<"$page" || fail "haled(8) has no $s section"
done
for f in $("$haled" --help | sed -n 's/^  \(--[a-z.-]*\).*/\1/p'); do
	grep -q -- "$f" <<<"$page" || fail "haled(8) lacks $f"
done
grep -q "$sysconfdir/hale/hale.json" <<<"$page" || fail "haled(8) does not name the configured config file"
ok "haled(8): every flag of --help, signals, exit status, environment, files"

# ---- sd_notify ---------------------------------------------------------------

# notify_rx NAME OUT: receive datagrams on NAME ("/path" or "@abstract")
# into OUT, one line each: "<t> <sender pid> <payload, newlines as |>".
notify_rx() {
	$PY -u - "$1" "$2" <<'PY' &
import os, socket, struct, sys, time
name, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind("\0" + name[1:] if name.startswith("@") else name)
open(out + ".bound", "w").close()
with open(out, "a") as f:
    while True:
        data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = 0
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", val[:12])[0]
        f.write("%.3f %d %s\n" % (time.time(), pid, data.decode().replace("\n", "|")))
        f.flush()
PY
	RX_PID=$!
	hale_on_exit kill "$RX_PID"
	wait_until 5 test -e "$2.bound" || fail "notify receiver did not bind $1"
}
count() { grep -c -- "$2" "$1" || true; }
since() { awk -v t="$2" '$1 > t' "$1"; }
now() { $PY -c 'import time; print("%.3f" % time.time())'; }

# ---- first run: what an operator sees ------------------------------------------

hale_start --docker.host="unix://$HALE_TMP/none/docker.sock"
want="cannot connect to $HALE_TMP/none/docker.sock: No such file or directory; is Docker running?"
wait_until 5 grep -qF "$want" "$HALE_LOG" || fail "no Docker: the log does not say '$want': $(grep docker "$HALE_LOG")"
ok "no Docker socket: the log names the path and the errno, and what to do"
page=$(http_get /)
src=$(dirname "$0")/../../src/http/routes.c
for p in $(sed -n 's/^[[:space:]]*{ "[A-Z]*", "\(\/[^"]*\)".*/\1/p' "$src" | sort -u); do
	assert_contains "$page" "$p" "the landing page does not list $p"
done
assert_contains "$page" "POST /api/v1/containers/{id or name}/reset" "no admin endpoint on the landing page"
ok "the landing page lists every route of routes.c, the admin reset included"
rc=0
"$haled" --web.listen-address="127.0.0.1:$HALE_PORT" >"$HALE_TMP/taken.log" 2>&1 || rc=$?
assert_eq 1 "$rc" "haled on a taken port"
assert_contains "$(cat "$HALE_TMP/taken.log")" "127.0.0.1:$HALE_PORT: cannot listen: Address already in use; stop what listens there or choose another --web.listen-address"
ok "port taken: exit 1, the address, the errno and what to do"
hale_stop

hale_docker_start
hale_busybox_image

for name in "$HALE_TMP/notify" "@hale-test-notify-$$"; do
	N=$HALE_TMP/rx.$RANDOM
	notify_rx "$name" "$N"
	NOTIFY_SOCKET=$name WATCHDOG_USEC=400000 hale_start
	wait_until 5 grep -q ' READY=1|STATUS=' "$N" || fail "$name: no READY=1 with STATUS"
	grep -q " $HALE_PID READY=1|STATUS=[0-9]* containers" "$N" ||
		fail "$name: READY not from haled ($HALE_PID): $(cat "$N")"
	wait_until 5 grep -q 'STATUS=.*docker up' "$N" || fail "$name: STATUS never says docker up: $(cat "$N")"
	ok "$name: READY=1 with STATUS from pid $HALE_PID, then docker up"

	# Half of 0.4 s: about 5 pings a second.
	t0=$(now); sleep 2; t1=$(now)
	n=$(awk -v a="$t0" -v b="$t1" '$1 > a && $1 <= b && /WATCHDOG=1$/' "$N" | wc -l)
	$PY -c 'import sys; n, a, b = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
sys.exit(0 if abs(n - (b - a) / 0.2) <= 2.5 else 1)' "$n" "$t0" "$t1" ||
		fail "$name: $n watchdog pings in $t0..$t1, want one per 0.2 s"
	ok "$name: $n WATCHDOG=1 in 2 s (WATCHDOG_USEC=400000: one per 0.2 s)"

	# The summary is sent when it changes, not with every tick.
	docker run -d --name "sd$RANDOM" --network none "$HALE_IMAGE" sleep 600 >/dev/null
	wait_until 10 grep -q 'STATUS=1 containers (1 running)' "$N" ||
		fail "$name: STATUS did not follow the new container: $(grep STATUS "$N")"
	s0=$(count "$N" 'STATUS=')
	sleep 2.5
	s1=$(count "$N" 'STATUS=')
	assert_eq "$s0" "$s1" "$name: STATUS sent again with nothing changed"
	ok "$name: STATUS follows a new container, and is not repeated while nothing changes"

	t0=$(now)
	kill -HUP "$HALE_PID"
	wait_until 5 eval "since '$N' $t0 | grep -q 'READY=1|STATUS='" || fail "$name: no READY=1 after SIGHUP"
	since "$N" "$t0" | grep -v 'WATCHDOG=1$' >"$HALE_TMP/reload"
	grep -q "^[0-9.]* $HALE_PID RELOADING=1|MONOTONIC_USEC=[0-9]*$" "$HALE_TMP/reload" ||
		fail "$name: no RELOADING=1 with MONOTONIC_USEC: $(cat "$HALE_TMP/reload")"
	mono=$(sed -n 's/.*MONOTONIC_USEC=\([0-9]*\)$/\1/p' "$HALE_TMP/reload")
	up=$($PY -c 'import time; print(int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6))')
	$PY -c 'import sys; m, u = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if 0 < u - m < 5e6 else 1)' \
	    "$mono" "$up" || fail "$name: MONOTONIC_USEC=$mono is not CLOCK_MONOTONIC ($up now)"
	[ "$(sed -n 1p "$HALE_TMP/reload" | cut -d' ' -f3 | cut -d'|' -f1)" = RELOADING=1 ] ||
		fail "$name: READY=1 came before RELOADING=1: $(cat "$HALE_TMP/reload")"
	ok "$name: SIGHUP: RELOADING=1 + MONOTONIC_USEC, then READY=1"

	# A stuck loop: no pings while stopped, pings again once it runs.
	kill -STOP "$HALE_PID"
	t0=$(now); sleep 1.5; t1=$(now)
	kill -CONT "$HALE_PID"
	n=$(awk -v a="$t0" -v b="$t1" '$1 > a && $1 < b && /WATCHDOG=1$/' "$N" | wc -l)
	assert_eq 0 "$n" "$name: watchdog pings while the loop was stopped"
	t2=$(now)
	wait_until 3 eval "since '$N' $t2 | grep -q 'WATCHDOG=1$'" || fail "$name: no ping after SIGCONT"
	ok "$name: a stopped loop sends no WATCHDOG=1 for 1.5 s, resumes after SIGCONT"

	hale_stop || fail "$name: haled exited non-zero"
	grep -q "^[0-9.]* [0-9]* STOPPING=1" "$N" || fail "$name: no STOPPING=1: $(tail -3 "$N")"
	ok "$name: STOPPING=1 at shutdown"
	docker ps -aq | xargs -r docker rm -f >/dev/null
done

# Not under systemd: no variable, nothing sent, nothing logged about it.
hale_start
hale_stop
if grep -qi 'notify\|watchdog' "$HALE_LOG"; then
	fail "haled without NOTIFY_SOCKET logs about it: $(grep -i 'notify\|watchdog' "$HALE_LOG")"
fi
ok "without NOTIFY_SOCKET: silent"

# ---- capabilities, as the unit grants them --------------------------------------

# haled as nobody in the docker group, with exactly CAPS (setpriv), in a
# mount namespace whose /proc has PROC_OPTS (ProtectProc=invisible is
# hidepid=invisible). HALED points at this wrapper for hale_start.
docker_gid=$(stat -c %g "$HALE_DOCKER_SOCK")
chmod o+x "$HALE_DOCKER_DIR"	# the socket's directory; the socket stays 0660
# A copy nobody can run, wherever the build tree is (/root is 0700).
chmod o+x "$HALE_TMP"
mkdir -p "$HALE_TMP/bin"
cp "$haled" "$HALE_TMP/bin/haled"
chmod 755 "$HALE_TMP/bin" "$HALE_TMP/bin/haled"
haled_copy=$HALE_TMP/bin/haled
setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$haled_copy" ||
	fail "user nobody cannot run $haled_copy"
as_hale() {
	local caps=$1 procopts=$2 w=$HALE_TMP/haled-as-hale
	local pcaps=${caps:+,$caps}
	cat >"$w" <<EOF
#!/bin/sh
exec unshare --mount --propagation private sh -c 'mount -t proc -o $procopts proc /proc &&
    exec setpriv --reuid=65534 --regid=65534 --groups=$docker_gid \
    --inh-caps=-all$pcaps --ambient-caps=-all$pcaps --bounding-set=-all$pcaps \
    --no-new-privs "\$0" "\$@"' "$haled_copy" "\$@"
EOF
	chmod 755 "$w"
	HALED=$w hale_start
}
api() {
	curl -sf --max-time 5 "$HALE_URL/api/v1/containers/$1" 2>/dev/null || true
}
# health NAME PYEXPR: poll /api/v1/containers/NAME until PYEXPR on h (its
# "health" object) is true; 15 s.
health() {
	local deadline=$(($(hale_now_ms) + 15000 * HALE_SLOW))
	while [ "$(hale_now_ms)" -lt "$deadline" ]; do
		if api "$1" | $PY -c 'import json, sys
h = json.load(sys.stdin)["health"]
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	printf '# %s: %s\n' "$1" "$(api "$1")" >&2
	return 1
}

hale_httpd_container web none 8080 ok --label hale.check=http \
    --label hale.check.port=8080 --label hale.check.interval=1s \
    --label hale.check.rise=1 >/dev/null

as_hale "+sys_admin,+sys_ptrace" hidepid=invisible
grep -q "Uid:.*65534" "/proc/$HALE_PID/status" || fail "haled does not run as nobody"
health web 'h["status"] == "healthy" and h["check"]["target"] == "netns 127.0.0.1:8080"' ||
	fail "CAP_SYS_ADMIN + CAP_SYS_PTRACE, hidepid=invisible: web not probed in its namespace"
http_grep /metrics -q 'container_memory_usage_bytes{.*name="web"' ||
	fail "no container metrics for web as an unprivileged user"
hale_stop
ok "CAP_SYS_ADMIN + CAP_SYS_PTRACE (the unit), hidepid=invisible: probed via netns, metrics"

as_hale "+sys_admin" hidepid=off
health web 'h["last_results"] and "Permission denied" in h["last_results"][-1].get("message", "")' ||
	fail "CAP_SYS_ADMIN alone: expected the namespace open to be refused"
hale_stop
ok "CAP_SYS_ADMIN alone: /proc/<pid>/ns/net of a root process is refused (CAP_SYS_PTRACE is needed)"

as_hale "" hidepid=off
health web 'h["check"]["state"] == "refused" and "network namespaces" in h["check"]["error"]' ||
	fail "no capability: expected the netns check to be refused with a reason"
http_grep /metrics -q 'container_memory_usage_bytes{.*name="web"' ||
	fail "no capability: container metrics are gone"
hale_stop
ok "no capability, ProtectProc=default (no-netns.conf): check refused with a reason, metrics still come"

# Why the drop-in sets ProtectProc=default: without CAP_SYS_PTRACE,
# hidepid=invisible hides the containers' processes, and with them where
# each container's cgroup is.
as_hale "" hidepid=invisible
sleep 2
if http_grep /metrics -q 'container_memory_usage_bytes{.*name="web"'; then
	fail "no capability under hidepid=invisible still finds web's cgroup; no-netns.conf's ProtectProc=default would be needless"
fi
hale_stop
ok "no capability under hidepid=invisible: the container's cgroup is not found (hence ProtectProc=default in no-netns.conf)"
