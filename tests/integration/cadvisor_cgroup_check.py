#!/usr/bin/env python3
"""Check haled's cgroup-file families for one container against its files.

    cadvisor_cgroup_check.py HALED_URL NAME PID SYSFS

Reads the container's cgroup files (found through /proc/PID/cgroup, each
hierarchy under SYSFS/fs/cgroup), scrapes HALED_URL/metrics, reads the
files again, and checks every family cAdvisor derives from them: a value
that can only grow lies between the two readings, a limit equals its file,
and a family whose file this kernel or layout lacks is absent rather than
0. Prints one line a family; exits 1 on the first difference.
"""
import os
import re
import socket
import struct
import sys
import urllib.request

URL, NAME, PID, SYSFS = sys.argv[1:5]
CG = os.path.join(SYSFS, "fs", "cgroup")
GB = 1 << 62


def paths():
    """controller -> the container's directory in that hierarchy."""
    lines = {}
    with open(f"/proc/{PID}/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            for c in ctrls.split(",") if ctrls else ["unified"]:
                lines[c] = path
    if os.path.exists(os.path.join(CG, "cgroup.controllers")):
        d = CG + lines["unified"]
        return {"cpu": d, "memory": d, "io": d}
    return {c: os.path.join(CG, c) + p for c, p in lines.items()
            if c in ("cpu", "memory", "blkio")}


def read(d, name):
    try:
        with open(os.path.join(d, name)) as f:
            return f.read()
    except FileNotFoundError:
        return None


def keyed(d, name):
    t = read(d, name)
    if t is None:
        return None
    return {k: int(v) for k, v in
            (l.split() for l in t.splitlines() if len(l.split()) == 2)}


def limit(d, name):
    t = read(d, name)
    if t is None:
        return None
    v = 2 ** 64 - 1 if t.strip() == "max" else int(t)
    return 0 if v > GB else v


def blkio(d):
    """(maj, min) -> {op: bytes} from the bytes file cAdvisor reads."""
    out = {}
    t = read(d, "io.stat")
    if t is not None:
        for line in t.splitlines():
            f = line.split()
            kv = dict(x.split("=", 1) for x in f[1:])
            mm = tuple(map(int, f[0].split(":")))
            out[mm] = {"Read": int(kv["rbytes"]), "Write": int(kv["wbytes"])}
        return out
    for name in ("blkio.throttle.io_service_bytes_recursive",
                 "blkio.throttle.io_service_bytes"):
        t = read(d, name)
        if t is None:
            continue
        for line in t.splitlines():
            f = line.split()
            if len(f) == 3:
                mm = tuple(map(int, f[0].split(":")))
                out.setdefault(mm, {})[f[1]] = int(f[2])
        return out
    return None


def cgroupstats(d):
    """The kernel's task counts of a v1 cgroup directory (taskstats)."""
    def msg(typ, cmd, attr, data, seq):
        a = struct.pack("HH", 4 + len(data), attr) + data
        a += b"\0" * (-len(a) % 4)
        body = struct.pack("BBH", cmd, 1, 0) + a
        return struct.pack("IHHII", 16 + len(body), typ, 1, seq, 0) + body

    def attrs(reply):
        ln, typ = struct.unpack_from("IH", reply)
        if typ == 2:
            raise OSError(-struct.unpack_from("i", reply, 16)[0], "netlink")
        p, out = 20, {}
        while p + 4 <= ln:
            alen, atyp = struct.unpack_from("HH", reply, p)
            out[atyp & 0x3fff] = reply[p + 4:p + alen]
            p += (alen + 3) & ~3
        return out

    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    try:
        s.send(msg(0x10, 3, 2, b"TASKSTATS\0", 1))
        fam = struct.unpack("H", attrs(s.recv(4096))[1][:2])[0]
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            s.send(msg(fam, 4, 1, struct.pack("I", fd), 2))
            return struct.unpack("5Q", attrs(s.recv(4096))[1][:40])
        finally:
            os.close(fd)
    finally:
        s.close()


def snapshot(dirs):
    mem, cpu, blk = dirs.get("memory"), dirs.get("cpu"), \
        dirs.get("io", dirs.get("blkio"))
    v2 = read(mem, "memory.current") is not None
    s = {"v2": v2, "stat": keyed(mem, "memory.stat"),
         "cpu": keyed(cpu, "cpu.stat"), "blkio": blkio(blk)}
    if v2:
        s["events"] = keyed(mem, "memory.events")
        s["swap_limit"] = limit(mem, "memory.swap.max")
        s["reservation"] = limit(mem, "memory.min")
        s["failcnt"] = s["kmem"] = None
    else:
        s["events"] = None
        s["swap_limit"] = limit(mem, "memory.memsw.limit_in_bytes")
        s["reservation"] = limit(mem, "memory.soft_limit_in_bytes")
        s["failcnt"] = limit(mem, "memory.failcnt")
        s["kmem"] = limit(mem, "memory.kmem.usage_in_bytes")
    t = None if v2 else read(cpu, "tasks")
    s["tasks"] = None if t is None else len(t.split())
    s["kernel"] = None if t is None else cgroupstats(cpu)
    q = read(cpu, "cpu.max")
    s["quota"] = (q is not None and q.split()[0] != "max") or \
        int(read(cpu, "cpu.cfs_quota_us") or "-1") > 0
    return s


def scrape():
    text = urllib.request.urlopen(URL + "/metrics", timeout=10).read()
    out = {}
    sel = f'name="{NAME}"'
    for line in text.decode().splitlines():
        if line.startswith("#") or sel not in line:
            continue
        m = re.match(r'([a-z_]+)\{(.*)\} (\S+)$', line)
        extra = ",".join(sorted(x for x in re.findall(r'[a-z_]+="[^"]*"',
                                                       m.group(2))
                                if x.split("=")[0] not in
                                ("id", "name", "image")))
        out[(m.group(1), extra)] = float(m.group(3))
    return out


failed = []


def check(fam, extra, lo, hi, got, tol=0):
    key = (fam, extra)
    if lo is None:
        if any(k[0] == fam for k in got):
            failed.append(f"{fam}: exported without its file")
            return
        print(f"# {fam}: absent (no file on this host), as it must be")
        return
    v = got.get(key)
    if v is None:
        failed.append(f"{fam}{{{extra}}}: missing, file says {lo}..{hi}")
        return
    ok = lo - tol <= v <= hi + tol
    print(f"# {fam}{{{extra}}} {v:g}, files {lo:g}..{hi:g}"
          f"{'' if ok else '  <-- WRONG'}")
    if not ok:
        failed.append(f"{fam}{{{extra}}} = {v:g}, files {lo:g}..{hi:g}")


def pair(a, b, f, scale=1.0):
    x, y = f(a), f(b)
    if x is None or y is None:
        return None, None
    return min(x, y) / scale, max(x, y) / scale


def stat_key(k):
    return lambda s: None if s["stat"] is None else s["stat"].get(k)


dirs = paths()
before = snapshot(dirs)
got = scrape()
after = snapshot(dirs)
pre = "" if before["v2"] else "total_"

for fam, k in (("container_memory_total_active_file_bytes", pre + "active_file"),
               ("container_memory_total_inactive_file_bytes",
                pre + "inactive_file"),
               ("container_memory_file_dirty_bytes", "file_dirty"),
               ("container_memory_file_writeback_bytes", "file_writeback")):
    lo, hi = pair(before, after, stat_key(k))
    # gauges: the page cache moves between the reads, by a few pages
    check(fam, "", lo, hi, got, tol=0 if lo is None else 1 << 20)
for fam, k in (("container_memory_pgscan_total", "pgscan"),
               ("container_memory_pgsteal_total", "pgsteal"),
               ("container_memory_workingset_refault_file_total",
                "workingset_refault_file"),
               ("container_memory_workingset_refault_anon_total",
                "workingset_refault_anon")):
    lo, hi = pair(before, after, stat_key(k))
    check(fam, "", lo, hi, got)
for ft in ("pgfault", "pgmajfault"):
    lo, hi = pair(before, after, stat_key(ft))
    for scope in ("container", "hierarchy"):
        check("container_memory_failures_total",
              f'failure_type="{ft}",scope="{scope}"', lo, hi, got)
lo, hi = pair(before, after, lambda s: s["failcnt"])
check("container_memory_failcnt", "", lo, hi, got)
lo, hi = pair(before, after, lambda s: s["kmem"])
check("container_memory_kernel_usage", "", lo, hi, got, tol=1 << 20)
for fam, k in (("container_memory_events_high_total", "high"),
               ("container_memory_events_max_total", "max")):
    lo, hi = pair(before, after,
                  lambda s: None if s["events"] is None else s["events"][k])
    check(fam, "", lo, hi, got)
check("container_spec_memory_swap_limit_bytes", "", before["swap_limit"],
      before["swap_limit"], got)
check("container_spec_memory_reservation_limit_bytes", "",
      before["reservation"], before["reservation"], got)
burst_t = "burst_usec" if before["v2"] else "burst_time"
has_burst = before["quota"] and before["cpu"] and "nr_bursts" in before["cpu"]
lo, hi = pair(before, after,
              lambda s: s["cpu"]["nr_bursts"] if has_burst else None)
check("container_cpu_cfs_burst_periods_total", "", lo, hi, got)
lo, hi = pair(before, after, lambda s: s["cpu"][burst_t] if has_burst
              else None, 1e6 if before["v2"] else 1e9)
check("container_cpu_cfs_burst_seconds_total", "", lo, hi, got, tol=1e-6)
if before["blkio"]:
    for mm, ops in sorted(before["blkio"].items()):
        for op in ops:
            keys = [k for k in got if k[0] ==
                    "container_blkio_device_usage_total" and
                    f'major="{mm[0]}"' in k[1] and f'minor="{mm[1]}"' in k[1]
                    and f'operation="{op}"' in k[1]]
            if len(keys) != 1:
                failed.append(f"blkio {mm} {op}: {len(keys)} samples")
                continue
            a = after["blkio"].get(mm, {}).get(op, ops[op])
            check("container_blkio_device_usage_total", keys[0][1],
                  min(ops[op], a), max(ops[op], a), got)
else:
    check("container_blkio_device_usage_total", "", None, None, got)
if not any(k[0].startswith("container_fs_io_cost_") for k in got) or \
        before["v2"]:
    print("# container_fs_io_cost_*: "
          f"{'absent' if not before['v2'] else 'v2'}")
else:
    failed.append("container_fs_io_cost_* exported without io.stat")

# Task states (v1 only), as the kernel counts them: asked here through
# the same netlink request, before and after; a steady container's counts
# must equal haled's, a busy one's stay within the cgroup's tasks.
states = [k for k in got if k[0] == "container_tasks_state"]
NAMES = ("sleeping", "running", "stopped", "uninterruptible", "iowaiting")
if before["tasks"] is None:
    check("container_tasks_state", "", None, None, got)
elif sorted(k[1] for k in states) != sorted(f'state="{x}"' for x in NAMES):
    failed.append(f"container_tasks_state: states {states}")
else:
    mine = tuple(got[("container_tasks_state", f'state="{x}"')]
                 for x in NAMES)
    k1, k2 = before["kernel"], after["kernel"]
    steady = k1 == k2
    ok = mine == k1 if steady else \
        sum(mine) <= max(before["tasks"], after["tasks"])
    print(f"# container_tasks_state {mine}, kernel {k1} / {k2}, "
          f"tasks file {before['tasks']} / {after['tasks']}"
          f"{'' if ok else '  <-- WRONG'}")
    if not ok:
        failed.append(f"container_tasks_state {mine}, kernel {k1} / {k2}")

for f in failed:
    print("not ok - " + f, file=sys.stderr)
sys.exit(1 if failed else 0)
