#!/usr/bin/python3
"""Load benchmark of doithoaid (issue 13): wrk against a real doithoaid on a SQLite store
holding a ward with thousands of items, over loopback with keep-alive.

    bench/service_load.py [--doithoaid build/tools/doithoaid/doithoaid] [--items 3000]
                          [--duration 10] [--runs 3] [--connections 32,64] [--smoke]

The ward is built through POST /v1/commands (tests/service/world.py) on a store opened with
sqlite sync "normal" (fast), then the service is restarted on the same file with sync "full"
(every commit fsynced) for the measurements. Reads: GET /v1/items/{id} (random ids),
/v1/units/{id}/accounting, the public feed, Open311 requests/{id}.json and requests.json.
Durable writes: POST /v1/commands (submit_opinion of one item, a unique Idempotency-Key each)
at 1 and 32 connections. Each figure is the median of --runs runs; wrk -t2 --latency.
--inline-vs: a second doithoaid with "inline_reads": false serves the same store, and every read
case alternates runs between the two (same wrk, same moment): medians of both and their ratio
(docs/service.md, "Reads on the I/O thread"); writes are not run then.
--smoke (ctest service_load_smoke): 300 items, 1 run of 1 s per case at 32 connections, and it
fails (exit 1) when any request fails; CI does not run the full benchmark. Figures: docs/design-notes.md, "The service (issue 13)".
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "service"))
import conftest  # noqa: E402  (the service fixture's Service and build_config)
import world  # noqa: E402

READ_LUA = """
local ids = {%(ids)s}
wrk.headers["X-Api-Key"] = "%(key)s"
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", string.format("%(pattern)s", id))
end
"""

WRITE_LUA = """
local n = 0
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
wrk.method = "POST"
wrk.headers["X-Api-Key"] = "%(key)s"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local body = string.format('{"command":{"type":"submit_opinion","unit":%(unit)d,"channel":"letter",' ..
    '"raised_by":%(citizen)d,"items":[{"topic":"land","text":"Phản ánh tải thử số %%d-%%d"}]}}', tid or 0, n)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  h["Idempotency-Key"] = string.format("%(prefix)s-%%d-%%d", tid or 0, n)
  return wrk.format(nil, nil, h, body)
end
"""

CHECK_LUA = """
local bad = 0
response = function(status, headers, body)
  if status >= 300 then bad = bad + 1 end
end
"""


def parse_wrk(text):
    def unit_ms(v, u):
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, text, re.M)
        out["p" + pct] = unit_ms(*m.groups())
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["errors"] = sum(map(int, m.groups())) if m else 0
    return out


def cpu_seconds(svc):
    """User + system CPU time of the service's process so far (/proc/PID/stat)."""
    fields = pathlib.Path("/proc/%d/stat" % svc.proc.pid).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inline_count(svc):
    """doithoaid_inline_reads_total of the service's /metrics."""
    text = svc.get("/metrics").body.decode()
    return int(next(line.split()[1] for line in text.splitlines() if line.startswith("doithoaid_inline_reads_total ")))


def run_wrk(url, script, connections, duration, threads=2):
    threads = min(threads, connections)
    cmd = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % duration, "--timeout", "10s", "--latency", "-s",
           script, url]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return parse_wrk(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--doithoaid", default=os.environ.get("DOITHOAID", conftest.DOITHOAID))
    ap.add_argument("--items", type=int, default=3000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--connections", default="32,64")
    ap.add_argument("--io-threads", type=int, default=2)
    ap.add_argument("--worker-threads", type=int, default=4)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--inline-vs", action="store_true",
                    help="compare inline_reads true and false side by side (reads only)")
    ap.add_argument("--only", default="", help="comma-separated case names to run")
    ap.add_argument("--populate-only", metavar="DB", help="build the ward into the SQLite file DB and exit "
                    "(bench/service_soak.sh); prints the item ids (JSON) on standard output")
    a = ap.parse_args()
    if a.smoke:
        a.items, a.duration, a.runs, a.connections = 300, 1, 1, "32"
    conftest.DOITHOAID = a.doithoaid
    if not shutil.which("wrk"):
        sys.exit("wrk not found (scripts/setup.sh installs it)")
    work = pathlib.Path(tempfile.mkdtemp(prefix="doithoaid-load-"))
    try:
        store = a.populate_only or str(work / "ward.db")
        cfg = conftest.build_config(engine={"store": store, "sqlite": {"sync": "normal"}}, keys=world.KEYS,
                                    default_keys=False, access_log="")
        (work / "populate").mkdir()
        svc = conftest.Service(cfg, work / "populate")
        w = world.populate(svc.host, svc.port, items=a.items)
        assert svc.stop() == 0
        if a.populate_only:
            print(json.dumps(w))
            return 0
        print("ward: %d items (%d published) in %s" % (len(w["items"]), len(w["published"]), store), flush=True)

        cfg = conftest.build_config(engine={"store": store, "sqlite": {"sync": "full"}}, keys=world.KEYS,
                                    default_keys=False, access_log="", io_threads=a.io_threads,
                                    worker_threads=a.worker_threads,
                                    limits={"max_connections": 4096, "ip_rate_per_second": 0},
                                    open311={"default_jurisdiction": "bode"})
        (work / "serve").mkdir()
        svc = conftest.Service(cfg, work / "serve")
        off = None
        if a.inline_vs:
            (work / "serve-off").mkdir()
            off = conftest.Service(dict(cfg, inline_reads=False), work / "serve-off")
        ids = ",".join(map(str, w["items"]))
        pub = ",".join(map(str, w["published"]))
        reads = [
            ("items/{id}", ids, "/v1/items/%d"),
            ("units/{id}/accounting", "3", "/v1/units/3/accounting"),
            ("public/feed limit=20", "3", "/v1/public/feed?unit=3&limit=20"),
            ("open311 requests/{id}.json", pub, "/open311/v2/requests/%d.json"),
            ("open311 requests.json (1000)", "3", "/open311/v2/requests.json?jurisdiction_id=bode"),
        ]
        scripts = {}
        for name, idlist, pattern in reads:
            path = work / ("read%d.lua" % len(scripts))
            lua = READ_LUA % {"ids": idlist, "key": world.WARD_KEY, "pattern": pattern}
            path.write_text(lua + CHECK_LUA)
            scripts[name] = path
        only = set(filter(None, a.only.split(",")))
        results = []
        conns = [int(c) for c in a.connections.split(",")]
        for name, _, _ in reads:
            if only and name not in only:
                continue
            for c in conns:
                if off is not None:
                    on_runs, off_runs = [], []
                    before = inline_count(svc)
                    for _ in range(a.runs):
                        for service, runs in ((svc, on_runs), (off, off_runs)):
                            cpu = cpu_seconds(service)
                            runs.append(run_wrk(service.url + "/", str(scripts[name]), c, a.duration))
                            runs[-1]["cpu_us"] = (cpu_seconds(service) - cpu) * 1e6 / max(runs[-1]["requests"], 1)
                    results.append((name + " [inline]", c, on_runs))
                    report(results[-1])
                    results.append((name + " [workers]", c, off_runs))
                    report(results[-1])
                    answered = sum(r["requests"] for r in on_runs)
                    print("%-32s c=%-3d  inline/workers = %.2fx req/s, p99 %.2fx; CPU a request %.1f / %.1f us; "
                          "%.1f%% answered inline" % (
                              name, c, statistics.median(r["rps"] for r in on_runs) /
                              statistics.median(r["rps"] for r in off_runs),
                              statistics.median(r["p99"] for r in on_runs) /
                              statistics.median(r["p99"] for r in off_runs),
                              statistics.median(r["cpu_us"] for r in on_runs),
                              statistics.median(r["cpu_us"] for r in off_runs),
                              100.0 * (inline_count(svc) - before) / max(answered, 1)), flush=True)
                    continue
                runs = [run_wrk(svc.url + "/", str(scripts[name]), c, a.duration) for _ in range(a.runs)]
                results.append((name, c, runs))
                report(results[-1])
        if off is not None:
            assert off.stop() == 0, off.stderr()[-2000:]
        for c in ([1, 32] if (not only or "writes" in only) and off is None else []):
            runs = []
            for r in range(a.runs):
                path = work / ("write-%d-%d.lua" % (c, r))
                path.write_text(WRITE_LUA % {"key": world.WARD_KEY, "unit": world.BD, "citizen": world.CITIZEN,
                                             "prefix": "load-%d-%d" % (c, r)} + CHECK_LUA)
                runs.append(run_wrk(svc.url + "/v1/commands", str(path), c, a.duration))
            results.append(("POST /v1/commands (sync full)", c, runs))
            report(results[-1])
        assert svc.stop() == 0, svc.stderr()[-2000:]
        failed = [(n, c) for n, c, runs in results if any(r["non2xx"] or r["errors"] for r in runs)]
        if failed:
            print("FAILED requests in:", failed)
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(result):
    name, c, runs = result
    med = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
    print("%-32s c=%-3d  %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms   (runs: %s)%s" % (
        name, c, med["rps"], med["p50"], med["p99"], ", ".join("%.0f" % r["rps"] for r in runs),
        "  non-2xx %d errors %d" % (sum(r["non2xx"] for r in runs), sum(r["errors"] for r in runs))
        if any(r["non2xx"] or r["errors"] for r in runs) else ""), flush=True)


if __name__ == "__main__":
    sys.exit(main())
