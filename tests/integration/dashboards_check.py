#!/usr/bin/env python3
"""Checks of hale's Grafana dashboards, for tests/integration/test_dashboards.sh.

  dashboards_check.py lint DASHBOARD.json...
      structure: JSON parses, no import placeholders (${DS_...}, __inputs),
      one "datasource" variable (type datasource, query prometheus) used by
      every panel and target, job/instance/name variables from label_values,
      $__rate_interval (or $__range) as every range, unique panel ids, no
      overlapping panels.
  dashboards_check.py rulefile OUT.yml DASHBOARD.json...
      every target and variable query, template variables substituted, as
      recording rules, so that `promtool check rules OUT.yml` parses them.
  dashboards_check.py families METRICS.txt FILE.json...
      every metric name the dashboards (or the rules in a saved answer of
      Prometheus' /api/v1/rules) query is a family of haled's /metrics
      (METRICS.txt, a scrape) or one Prometheus makes for every target.
  dashboards_check.py query PROM_URL ALLOW_EMPTY DASHBOARD.json...
      runs every variable query and panel target against Prometheus and
      fails for an error or an empty answer, except for the panel titles
      listed in the file ALLOW_EMPTY ("title<TAB>reason" lines).
"""
import json
import re
import sys
import urllib.parse
import urllib.request

# What Grafana would put there; Prometheus scrapes every 1 s in the test,
# so 10 s holds enough samples for rate().
SUBST = {
    "__rate_interval": "10s",
    "__interval": "2s",
    "__range": "2m",
    "job": ".+",
    "instance": ".+",
    "name": ".+",
}
# Series Prometheus adds to every target.
PROM_FAMILIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                 "scrape_samples_post_metric_relabeling", "scrape_series_added"}
# Words of PromQL itself (functions, operators) that the queries use.
PROMQL_WORDS = {"sum", "min", "max", "avg", "count", "topk", "bottomk", "or",
                "and", "unless", "rate", "irate", "increase", "changes",
                "histogram_quantile", "vector", "bool", "offset", "scalar",
                "time", "absent", "count_over_time"}
problems = []


def problem(msg):
    problems.append(msg)
    print("not ok - " + msg)


def load(path):
    with open(path) as f:
        text = f.read()
    try:
        return text, json.loads(text)
    except ValueError as e:
        problem("%s: not JSON: %s" % (path, e))
        return text, None


def panels(d):
    for p in d.get("panels", []):
        yield p
        for q in p.get("panels", []):
            yield q


def variables(d):
    return d.get("templating", {}).get("list", [])


def var_query(v):
    q = v.get("query")
    return q.get("query", "") if isinstance(q, dict) else (q or "")


def substitute(expr):
    def one(m):
        name = m.group(1) or m.group(2)
        if name not in SUBST:
            raise KeyError(name)
        return SUBST[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", one, expr)


def label_values_query(q):
    """label_values(SELECTOR, LABEL) as a query that returns one series per value."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q)
    if not m:
        return None
    return "count by (%s) (%s)" % (m.group(2), m.group(1))


def queries(path, d):
    """(what, expr) for every variable query and panel target, substituted."""
    out = []
    for v in variables(d):
        if v.get("type") != "query":
            continue
        q = label_values_query(var_query(v))
        out.append(("%s: variable %s" % (path, v["name"]), None, q))
    for p in panels(d):
        for t in p.get("targets", []):
            out.append(("%s: panel %r target %s" % (path, p.get("title"), t.get("refId")),
                        p.get("title"), t.get("expr")))
    res = []
    for what, title, expr in out:
        try:
            res.append((what, title, substitute(expr)))
        except KeyError as e:
            problem("%s: unknown template variable $%s" % (what, e.args[0]))
    return res


def lint(paths):
    uids = set()
    for path in paths:
        text, d = load(path)
        if d is None:
            continue
        if "${DS_" in text or "__inputs" in d:
            problem("%s: has import placeholders (${DS_...} or __inputs)" % path)
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
            problem("%s: schemaVersion %r is older than Grafana 9" % (path, d.get("schemaVersion")))
        if not d.get("uid") or d["uid"] in uids:
            problem("%s: missing or duplicate uid %r" % (path, d.get("uid")))
        uids.add(d.get("uid"))
        vs = {v.get("name"): v for v in variables(d)}
        ds = [v for v in variables(d) if v.get("type") == "datasource"]
        if len(ds) != 1 or ds[0].get("name") != "datasource" or ds[0].get("query") != "prometheus":
            problem("%s: needs exactly one variable 'datasource' of type datasource, query prometheus" % path)
        for name in ("job", "instance", "name"):
            v = vs.get(name)
            if v is None:
                if name != "name":
                    problem("%s: no variable %s" % (path, name))
                continue
            if not var_query(v).startswith("label_values(") or \
                    v.get("datasource", {}).get("uid") != "${datasource}":
                problem("%s: variable %s is not label_values() on ${datasource}" % (path, name))
        ids, cells = set(), {}
        for p in panels(d):
            title = p.get("title")
            if p.get("id") in ids:
                problem("%s: duplicate panel id %r" % (path, p.get("id")))
            ids.add(p.get("id"))
            g = p.get("gridPos", {})
            if g.get("x", 0) + g.get("w", 0) > 24:
                problem("%s: panel %r is wider than the grid" % (path, title))
            for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
                for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                    if (x, y) in cells:
                        problem("%s: panels %r and %r overlap" % (path, cells[(x, y)], title))
                        break
                    cells[(x, y)] = title
                else:
                    continue
                break
            if p.get("type") == "row":
                continue
            if not title or not p.get("description"):
                problem("%s: panel %r has no title or description" % (path, title))
            if p.get("datasource", {}).get("uid") != "${datasource}":
                problem("%s: panel %r does not use ${datasource}" % (path, title))
            if not p.get("targets"):
                problem("%s: panel %r has no query" % (path, title))
            for t in p.get("targets", []):
                if t.get("datasource", {}).get("uid") != "${datasource}":
                    problem("%s: panel %r target %s does not use ${datasource}" %
                            (path, title, t.get("refId")))
                for r in re.findall(r"\[([^\]]*)\]", t.get("expr", "")):
                    if r not in ("$__rate_interval", "$__range"):
                        problem("%s: panel %r uses the fixed range [%s], not $__rate_interval" %
                                (path, title, r))
        print("# %s: %d panels, %d variables" % (path, len(ids), len(vs)))


def rulefile(out, paths):
    rules = []
    for path in paths:
        _, d = load(path)
        if d is None:
            continue
        for what, _, expr in queries(path, d):
            rules.append({"record": "hale_dashboard_query_%d" % len(rules), "expr": expr})
    with open(out, "w") as f:
        json.dump({"groups": [{"name": "dashboards", "rules": rules}]}, f, indent=1)
    print("# %d queries in %s" % (len(rules), out))


def exprs_of(path):
    """The queries of a dashboard, or of Prometheus' /api/v1/rules answer."""
    _, d = load(path)
    if d is None:
        return []
    if "data" in d:
        return [r["query"] for g in d["data"]["groups"] for r in g["rules"]]
    return [e for _, _, e in queries(path, d)]


def families(metrics_txt, paths):
    known = set(PROM_FAMILIES)
    for line in open(metrics_txt):
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if m:
            known.add(m.group(1))
            if m.group(2) == "histogram":
                known.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
    for path in paths:
        used = set()
        for e in exprs_of(path):
            e = re.sub(r'"[^"]*"', '""', e)           # label values
            e = re.sub(r"\[[^\]]*\]", "", e)           # ranges
            e = re.sub(r"\{[^}]*\}", "{}", e)          # label names in selectors
            e = re.sub(r"\((?:by|without|on|ignoring)\s*\([^)]*\)", "(", e)
            e = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", e)
            for w in re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", e):
                if w not in PROMQL_WORDS:
                    used.add(w)
        for w in sorted(used - known):
            problem("%s: queries %s, which haled does not export" % (path, w))
        print("# %s: %d metric families, %d not exported" % (path, len(used), len(used - known)))


def prom_query(url, expr):
    data = urllib.parse.urlencode({"query": expr}).encode()
    try:
        with urllib.request.urlopen(url + "/api/v1/query", data, timeout=10) as r:
            doc = json.load(r)
    except urllib.error.HTTPError as e:
        doc = json.load(e)
    return doc


def query(url, allow_file, paths):
    allow = {}
    for line in open(allow_file):
        if line.strip() and not line.startswith("#"):
            title, _, reason = line.rstrip("\n").partition("\t")
            allow[title] = reason
    n = empty_ok = 0
    for path in paths:
        _, d = load(path)
        if d is None:
            continue
        for what, title, expr in queries(path, d):
            n += 1
            doc = prom_query(url, expr)
            if doc.get("status") != "success":
                problem("%s: %s: %s" % (what, doc.get("errorType"), doc.get("error")))
                continue
            result = doc["data"]["result"]
            if doc["data"]["resultType"] == "scalar":
                result = [result]
            if result:
                continue
            if title in allow:
                empty_ok += 1
                print("# %s: empty, as allowed: %s" % (what, allow[title]))
                continue
            problem("%s: no data for %s" % (what, expr))
    print("# %d queries answered, %d empty as allowed" % (n, empty_ok))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "lint":
        lint(args)
    elif mode == "rulefile":
        rulefile(args[0], args[1:])
    elif mode == "families":
        families(args[0], args[1:])
    elif mode == "query":
        query(args[0], args[1], args[2:])
    else:
        sys.exit("unknown mode " + mode)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
