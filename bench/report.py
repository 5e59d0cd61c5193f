#!/usr/bin/python3
# report.py PARTS_DIR OUT.json: joins the pieces bench/run wrote, checks the
# performance targets and prints the table.
import glob
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(v, nd=2):
    if v is None:
        return "-"
    if isinstance(v, float):
        return ("%." + str(nd) + "f") % v
    return str(v)


def find_number(obj, words):
    """First numeric value whose key contains all of `words` (depth first)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool) and \
                    all(w in k.lower() for w in words):
                return v
        for v in obj.values():
            r = find_number(v, words)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = find_number(v, words)
            if r is not None:
                return r
    return None


def verdict(ok):
    return "n/a" if ok is None else ("HOLDS" if ok else "FAILS")


def real_part(r):
    """bench/real_floor: floors and haled's CPU per collection on real cgroups."""
    if not r:
        return
    if r.get("failed"):
        print("\nReal cgroups: the part %s" % ("was skipped" if r.get("skipped") else "failed"))
        return
    fo, fk = r["floor_open_read_close"], r["floor_kept"]
    hk, ho = r["haled_kept"], r["haled_fd_budget_0"]
    q = r["ratios"]
    print("\nReal cgroups (%s host), %d containers + \"/\", CPU per collection "
          "(a shared, noisy machine: read the ratios)" % (r["layout"], r["containers"]))
    print("  floor, open/read/close (%d files)      %8.3f ms" % (fo["files"], fo["cpu_ms"]))
    print("  floor, kept fds, pread at 0 (%d fds)  %8.3f ms%s" % (
        fk.get("kept_fds", 0) + fk.get("kept_dirs", 0), fk["cpu_ms"],
        "" if fk.get("cpu_ms_after") is None else
        " (mean of %.3f before haled and %.3f after)" % (fk["cpu_ms_before"], fk["cpu_ms_after"])))
    print("  haled, kept fds (%d held, %.1f a cgroup) %8.3f ms  = %.2fx the kept floor, %.2fx open/read/close" % (
        hk["fds_open"], r["fds_per_container"], hk["haled_sched_cpu_ms"],
        q["haled_kept_to_kept_floor"], q["haled_kept_to_orc_floor"]))
    print("  haled, metrics.fd_budget 0             %8.3f ms  = %.2fx the kept floor, %.2fx open/read/close" % (
        ho["haled_sched_cpu_ms"], q["haled_budget0_to_kept_floor"], q["haled_budget0_to_orc_floor"]))
    print("  open/read/close floor / kept floor: %.2fx; haled budget 0 / haled kept: %.2fx" % (
        q["orc_floor_to_kept_floor"], q["haled_budget0_to_haled_kept"]))
    if q.get("haled_baseline_kept_to_kept_floor") is not None:
        print("  baseline haled (HALE_BENCH_REAL_BASELINE), kept fds: %.3f ms = %.2fx the kept floor" % (
            r["haled_baseline_kept"]["haled_sched_cpu_ms"], q["haled_baseline_kept_to_kept_floor"]))


def agent_part(a):
    """bench/agent_side: haled beside netdata, both collecting every second."""
    if not a:
        return
    if a.get("failed"):
        print("\nBeside netdata: the part %s" % ("was skipped" if a.get("skipped") else "failed"))
        return
    h, n, q = a["haled"], a["netdata"], a["ratios"]
    print("\nBeside netdata (%s, cgroups.plugin only), %d real containers, both every 1 s "
          "for %d s:" % (n.get("version", "?"), a["containers"], a["seconds"]))
    print("  %-8s %9s %8s %12s %10s %9s" % ("", "CPU ms", "% core", "VmRSS KiB", "VmHWM KiB",
                                          "PSS KiB"))
    for name, x in (("haled", h), ("netdata", n)):
        print("  %-8s %9d %8.3f %12d %10d %9d" % (name, x["cpu_ms"], x["core_percent"],
                                                x["vmrss_kib_mean"], x["vmhwm_kib"],
                                                x["pss_kib"]))
    print("  haled / netdata: CPU %.2fx, VmRSS %.2fx, VmHWM %.2fx, PSS %.2fx "
          "(netdata charted %d containers, haled exported %d)" % (
              q["cpu_haled_to_netdata"], q["vmrss_haled_to_netdata"],
              q["vmhwm_haled_to_netdata"], q["pss_haled_to_netdata"],
              n["containers_with_charts"], h["containers_in_metrics"]))


def main():
    parts, out = sys.argv[1], sys.argv[2]
    res = {"machine": load(os.path.join(parts, "machine.json")),
           "http_baseline": load(os.path.join(parts, "http_baseline.json")),
           "sizes": [], "idle": load(os.path.join(parts, "idle.json")),
           "probe": load(os.path.join(parts, "probe.json")),
           "docker": load(os.path.join(parts, "docker.json")),
           "real": load(os.path.join(parts, "real.json")),
           "agent": load(os.path.join(parts, "agent.json"))}
    res["fake_engine"] = {k: load(os.path.join(parts, "dscale_%s.json" % k))
                          for k in ("1000", "10000", "latency")}
    for p in glob.glob(os.path.join(parts, "size_*.json")):
        s = load(p)
        if s:
            res["sizes"].append(s)
    res["sizes"].sort(key=lambda s: s["containers"])
    bysize = {s["containers"]: s for s in res["sizes"]}

    m = res["machine"] or {}
    print()
    print("hale benchmark  %s  %s  kernel %s  %d CPUs  haled %s (tree %s%s)" % (
        m.get("date", "?"), m.get("cpu", "?"), m.get("kernel", "?"),
        m.get("cpus", 0), m.get("haled", "?").replace("haled ", "", 1),
        m.get("revision", "?"),
        ", src/ modified" if m.get("src_files_uncommitted") else ""))
    if m.get("nofile_hard"):
        print("descriptor limit (hard) %d: haled keeps cgroup files open within it, "
              "and reads the rest with open/read/close" % m["nofile_hard"])
    print()
    hdr = ("containers", "in /metrics", "series", "floor ms", "walk ms",
           "haled ms", "p99 ms", "x floor", "self ms", "cpu ms", "wait ms",
           "MB out", "gzip ms", "x floor", "gzip MB", "RSS MiB", "peak MiB", "anon MiB",
           "RSS growth KiB")
    rows = []
    for s in res["sizes"]:
        f, sc, gz, rr = s["floor"], s["scrape"], s["gzip"], s.get("rss_run")
        growth = late = None
        if rr and rr.get("rss_kb_samples"):
            smp = rr["rss_kb_samples"]
            growth = rr["rss_kb_end"] - smp[0]
            # A leak keeps growing; an allocator settling in does not.
            late = rr["rss_kb_end"] - smp[len(smp) // 2]
        s["x_floor"] = sc["median_ms"] / f["median_ms"] if f["median_ms"] else None
        s["gzip_x_floor"] = gz["median_ms"] / f["median_ms"] if f["median_ms"] else None
        s["rss_growth_kb"] = growth
        s["rss_late_growth_kb"] = late
        # After warm-up with both kinds of scrape (Prometheus asks for gzip).
        s["rss_kb"] = max(sc.get("rss_kb_end", 0), gz.get("rss_kb_end", 0))
        s["rss_anon_kb"] = max(sc.get("rss_anon_kb_end", 0), gz.get("rss_anon_kb_end", 0))
        rows.append((
            str(s["containers"]), str(s["containers_in_metrics"]),
            str(s["series"]), fmt(f["median_ms"]), fmt(f.get("walk_median_ms")),
            fmt(sc["median_ms"]), fmt(sc["p99_ms"]), fmt(s["x_floor"]),
            fmt(sc.get("self_median_ms")), fmt(sc.get("haled_sched_cpu_ms")),
            fmt(sc.get("haled_wait_ms")),
            fmt(sc["bytes"] / 1e6, 3), fmt(gz["median_ms"]), fmt(s["gzip_x_floor"]),
            fmt(gz["bytes"] / 1e6, 3), fmt(s["rss_kb"] / 1024.0, 1),
            fmt(s["rss_peak_kb"] / 1024.0, 1) if s.get("rss_peak_kb") else "-",
            fmt(s["rss_anon_kb"] / 1024.0, 1) if s["rss_anon_kb"] else "-",
            ("%d over %d" % (growth, rr["n"])) if growth is not None else "-"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(hdr)]
    print("  ".join(h.rjust(w) for h, w in zip(hdr, widths)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    hb = res["http_baseline"]
    if hb:
        print("\nHTTP alone (GET /healthz, same client): median %.3f ms, "
              "client CPU %.3f ms/request, keep-alive %s" % (
                  hb["median_ms"], hb["client_cpu_ms"],
                  "yes" if hb.get("keepalive") else "no (haled sends Connection: close)"))

    d = res["docker"]
    if d and not d.get("failed"):
        hd = d["haled"]
        api = d["stats_api"]["total_ms"]
        d["ratio_stats_api"] = api / hd["median_ms"] if hd["median_ms"] else None
        d["ratio_docker_stats"] = d["docker_stats_cli"]["total_ms"] / hd["median_ms"] \
            if hd["median_ms"] else None
        print("\nReal containers: %d busybox containers (--network none) on a "
              "private Docker %s engine" % (d["containers"], d["docker_version"]))
        print("  Docker stats API, one-shot, sequential  %10.1f ms  (%.1f ms per "
              "container; engine CPU %d ms)" % (api,
                                                d["stats_api"]["median_ms_per_container"],
                                                d["stats_api"]["engine_cpu_ms"]))
        print("  docker stats --no-stream                %10.1f ms  (engine CPU %d ms)" % (
            d["docker_stats_cli"]["total_ms"], d["docker_stats_cli"]["engine_cpu_ms"]))
        print("  haled, one scrape (median of %d)        %10.2f ms  (haled CPU %.2f ms; "
              "memory of %d, cpu of %d containers)" % (
                  hd["n"], hd["median_ms"], hd.get("haled_sched_cpu_ms", 0),
                  hd["containers_with_memory"], hd["containers_with_cpu"]))
        print("  floor, same files                       %10.2f ms" % d["floor"]["median_ms"])
        print("  haled vs stats API: %.0fx faster; vs docker stats: %.0fx" % (
            d["ratio_stats_api"], d["ratio_docker_stats"]))
        di = d["idle"]
        print("  idle %ds with %d containers known, checks %s: %.1f ms CPU = %.3f%% of a core" % (
            di["seconds"], d["containers"],
            ("every 10s, %d probes" % di.get("probes", 0)) if di["checks_configured"]
            else "not available (this haled has no \"checks\" config)",
            di["sched_cpu_ms"], di["core_percent"]))
    elif d:
        print("\nReal containers: the Docker part %s (see its output above)" % (
            "was skipped" if d.get("skipped") else "failed"))

    real_part(res.get("real"))
    agent_part(res.get("agent"))

    i = res["idle"]
    if i:
        print("\nIdle, 100 synthetic containers, %ds, no scrape: %.1f ms CPU = "
              "%.3f%% of a core, RSS %.1f MiB" % (
                  i["seconds"], i["sched_cpu_ms"], i["core_percent"], i["rss_kb"] / 1024.0))

    p = res["probe"]
    pps = None
    if p and not p.get("missing") and not p.get("failed"):
        pps = p.get("http_probes_per_second")
        if pps is None:
            pps = find_number(p, ("probes_per_s",))
        print("\nProbe engine (bench/probe_bench, checks at 1 s intervals "
              "against a loopback server):")
        for r in p.get("runs") or []:
            print("  %-4s %5d checks%s  %5.0f probes/s  %5.1f%% of a core  "
                  "%4.0f us CPU per probe" % (
                      r.get("kind", "?"), r.get("checks", 0),
                      ", in netns" if r.get("netns") else "          ",
                      r.get("probes", 0) / r["seconds"] if r.get("seconds") else 0,
                      r.get("core_percent", 0), r.get("cpu_us_each", 0)))
        if not p.get("runs"):
            print("  %s" % json.dumps(p)[:400])
    elif p:
        print("\nProbe engine: %s" % ("no bench/probe_bench* in this tree"
                                      if p.get("missing") else "its benchmark failed"))

    fe = res["fake_engine"]
    if any(fe.values()):
        print("\nFake engine (bench/docker_scale; /healthz every 20 ms meanwhile):")
    for k in ("1000", "10000"):
        r = fe.get(k)
        if not r:
            continue
        for what in ("discovery", "resync"):
            x = r[what]
            print("  %-9s %5s containers: last inspect after %6.2f s, %d in the API "
                  "(its list %.2f s); /healthz p50 %.1f p99 %.1f max %.1f ms, %d failed; "
                  "VmRSS %.1f MiB" % (
                      what, k, x["seconds_to_last_inspect"] or -1, x["containers_in_api"],
                      x["api_list_seconds"], x["healthz"]["p50_ms"], x["healthz"]["p99_ms"],
                      x["healthz"]["max_ms"], x["healthz"]["failures"],
                      x["before_api"]["vmrss_kb"] / 1024.0))
    lat = (fe.get("latency") or {}).get("latency")
    if lat:
        print("  start event to /metrics: median %s ms, max %s ms; to /api/v1/containers/ID: "
              "median %s ms, max %s ms (%d events, min_interval %s, polled every 50 ms)" % (
                  fmt(lat["metrics_median_ms"], 1), fmt(lat["metrics_max_ms"], 1),
                  fmt(lat["api_median_ms"], 1), fmt(lat["api_max_ms"], 1),
                  len(lat["metrics_ms"]), fe["latency"]["min_interval"]))
    pl = (fe.get("latency") or {}).get("probe_latency")
    if pl:
        print("  probe failure (first 503 answered) to unhealthy in the API: median %s ms; "
              "to the restart request: median %s ms (%d failures; the port broke %s ms "
              "before that probe, the 1 s interval)" % (
                  fmt(pl["to_unhealthy_median_ms"], 1), fmt(pl["to_restart_median_ms"], 1),
                  len(pl["to_restart_ms"]), fmt(pl["to_first_failed_probe_median_ms"], 0)))

    # --- targets ---------------------------------------------------------
    # The second round's targets (each a ratio or a bound in this one run),
    # then the first round's that still stand.
    t = {}
    s1k, s5k, s10k = bysize.get(1000), bysize.get(5000), bysize.get(10000)

    def per_container_ratio(big, n):
        """Cost per container at n over that at 1,000, for the kept run,
        the floor, and the run with every container read by open/read/close
        (the same path at both sizes, whatever the descriptor limit)."""
        r = {"value": (big["scrape"]["median_ms"] / n) / (s1k["scrape"]["median_ms"] / 1000.0),
             "floor_value": (big["floor"]["median_ms"] / n) / (s1k["floor"]["median_ms"] / 1000.0)}
        u1, un = s1k.get("scrape_unkept"), big.get("scrape_unkept")
        if u1 and un:
            r["unkept_value"] = (un["median_ms"] / n) / (u1["median_ms"] / 1000.0)
        return r
    rl = res.get("real")
    if rl and not rl.get("failed"):
        q = rl["ratios"]["haled_kept_to_kept_floor"]
        t["real_within_1_5x_kept_floor"] = {"value": q, "holds": q <= 1.5}
    else:
        t["real_within_1_5x_kept_floor"] = {"value": None, "holds": None,
                                            "note": "real-cgroup part not run"}
    if s1k and s1k["containers_in_metrics"] >= 1000:
        t["scrape_1000_vs_floor"] = {
            "value": s1k["x_floor"], "gzip_value": s1k["gzip_x_floor"],
            "holds": s1k["x_floor"] <= 1.0 and s1k["gzip_x_floor"] <= 1.3}
        rss, peak = s1k["rss_kb"], s1k.get("rss_peak_kb") or 0
        t["rss_8mib_at_1000"] = {"value_kib": rss, "peak_kib": peak,
                                 "holds": max(rss, peak) <= 8 * 1024,
                                 "anon_kib": s1k["rss_anon_kb"]}
    else:
        t["scrape_1000_vs_floor"] = {"value": None, "holds": None, "note": "size not run"}
        t["rss_8mib_at_1000"] = {"holds": None, "note": "size not run"}
    flat = [s for s in res["sizes"] if s.get("rss_growth_kb") is not None]
    if flat:
        long1k = [s for s in flat if s["containers"] == 1000 and s["rss_run"]["n"] >= 10000]
        t["rss_flat"] = {
            "runs": {str(s["containers"]): {"scrapes": s["rss_run"]["n"],
                                            "growth_kb": s["rss_growth_kb"],
                                            "second_half_growth_kb": s["rss_late_growth_kb"]}
                     for s in flat},
            "holds": False if max(s["rss_late_growth_kb"] for s in flat) > 16
            else (True if long1k else None)}
        if not long1k:
            t["rss_flat"]["note"] = "no 10,000-scrape run at 1,000 containers"
    else:
        t["rss_flat"] = {"holds": None}
    if s1k and s10k and s10k["containers_in_metrics"] >= 10000:
        t["linear_at_10000"] = per_container_ratio(s10k, 10000)
        t["linear_at_10000"]["holds"] = t["linear_at_10000"]["value"] <= 1.15
        rss, peak = s10k["rss_kb"], s10k.get("rss_peak_kb") or 0
        t["rss_40mib_at_10000"] = {"value_kib": rss, "peak_kib": peak,
                                   "holds": max(rss, peak) <= 40 * 1024,
                                   "anon_kib": s10k["rss_anon_kb"]}
    else:
        t["linear_at_10000"] = {"value": None, "holds": None, "note": "run with --scale"}
        t["rss_40mib_at_10000"] = {"holds": None, "note": "run with --scale"}
    f10 = fe.get("10000")
    if f10:
        mem = [f10[w][k] for w in ("discovery", "resync") for k in ("before_api", "after_api")]
        kib = max(max(m.get("vmrss_kb", 0), m.get("vmhwm_kb", 0)) for m in mem)
        t["rss_40mib_at_10000_docker"] = {"value_kib": kib, "holds": kib <= 40 * 1024,
                                          "note": "VmRSS/VmHWM, after listing all in the API"}
    else:
        t["rss_40mib_at_10000_docker"] = {"holds": None, "note": "run with --scale"}
    idle_pct = None
    if d and not d.get("failed"):
        idle_pct = d["idle"]["core_percent"]
    t["idle_checks_under_0_15_percent"] = {
        "value": idle_pct, "holds": None if idle_pct is None else idle_pct <= 0.15,
        "note": "" if idle_pct is not None else "Docker part not run"}
    if lat and lat["metrics_median_ms"] is not None:
        t["start_to_metrics_under_100ms"] = {"value": lat["metrics_median_ms"],
                                             "holds": lat["metrics_median_ms"] < 100}
    else:
        t["start_to_metrics_under_100ms"] = {"value": None, "holds": None}
    if s1k and s5k and s5k["containers_in_metrics"] >= 5000:
        t["linear_at_5000"] = v5 = per_container_ratio(s5k, 5000)
        v5["holds"] = v5["value"] <= max(1.25, v5["floor_value"] * 1.1)
    else:
        t["linear_at_5000"] = {"value": None, "holds": None}
    if d and not d.get("failed") and d["haled"]["containers_with_memory"] >= d["containers"]:
        t["100x_faster_than_stats_api"] = {"value": d["ratio_stats_api"],
                                           "holds": d["ratio_stats_api"] >= 100}
    else:
        t["100x_faster_than_stats_api"] = {
            "value": d.get("ratio_stats_api") if d else None, "holds": None,
            "note": ("Docker part not run" if not d else
                     "Docker part skipped" if d.get("skipped") else
                     "Docker part failed" if d.get("failed") else
                     "haled did not export every container")}
    t["2000_probes_per_second"] = {"value": pps, "holds": None if pps is None else pps >= 2000}
    res["targets"] = t

    print("\nTargets")
    names = {
        "real_within_1_5x_kept_floor": "real cgroups: CPU per collection <= 1.5x kept floor",
        "scrape_1000_vs_floor": "1,000: identity <= 1.0x floor, gzipped <= 1.3x",
        "rss_8mib_at_1000": "RSS <= 8 MiB at 1,000 (VmRSS and VmHWM)",
        "rss_flat": "RSS flat (10,000 scrapes at 1,000 among them)",
        "linear_at_10000": "at 10,000 per-container cost <= 1.15x 1,000's",
        "rss_40mib_at_10000": "RSS <= 40 MiB at 10,000 (synthetic tree)",
        "rss_40mib_at_10000_docker": "RSS <= 40 MiB at 10,000 (fake engine's inventory)",
        "idle_checks_under_0_15_percent": "idle, 100 containers checked every 10 s <= 0.15%",
        "start_to_metrics_under_100ms": "start event to /metrics < 100 ms (median)",
        "linear_at_5000": "at 5,000 still linear (first round)",
        "100x_faster_than_stats_api": ">= 100x faster than the stats API (first round)",
        "2000_probes_per_second": ">= 2,000 HTTP probes/s on one core (first round)",
    }
    for k, label in names.items():
        v = t[k]
        val = v.get("value", v.get("value_kib"))
        extra = ""
        if k == "rss_flat" and v.get("runs"):
            extra = ", ".join("%s: %+d KiB over %d scrapes (%+d in the 2nd half)" % (
                c, r["growth_kb"], r["scrapes"], r["second_half_growth_kb"])
                for c, r in v["runs"].items())
            if v.get("note"):
                extra += "; " + v["note"]
        elif k == "scrape_1000_vs_floor" and v.get("gzip_value"):
            extra = "(identity; gzipped, as Prometheus asks: %.2f)" % v["gzip_value"]
        elif k in ("linear_at_5000", "linear_at_10000") and v.get("floor_value") is not None:
            extra = "floor itself %.2f" % v["floor_value"]
            if v.get("unkept_value") is not None:
                extra += "; with metrics.fd_budget 0 at both sizes %.2f" % v["unkept_value"]
        elif k in ("rss_8mib_at_1000", "rss_40mib_at_10000") and v.get("anon_kib"):
            extra = "KiB VmRSS (peak %d KiB); %d KiB of it anonymous (the rest: shared libraries)" % (
                v["peak_kib"], v["anon_kib"])
        elif v.get("note"):
            extra = v["note"]
        print("  %-52s %-6s %s %s" % (label, verdict(v["holds"]),
                                      fmt(val) if val is not None else "", extra))

    with open(out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    print("\nwrote %s" % out)


if __name__ == "__main__":
    main()
