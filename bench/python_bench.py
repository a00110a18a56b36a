#!/usr/bin/env python3
"""Python binding benchmarks (issue 5).

1. Bulk import of N single-item opinions from Python (Engine.import_opinions with rows as
   SubmitOpinion objects, as dicts, and Engine.import_csv), against the C++ rate of the same
   commands in a plain Engine::execute loop (bench/bulk_submit_bench). Target: >= 0.5x.
2. Per-call overhead of a cheap query (Engine.item_status) from Python. Target: < 2 us.

    cmake --build build -j2 && PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py [N]
"""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import doithoai as d

ROOT = pathlib.Path(__file__).resolve().parents[1]


def world():
    clock = d.ManualClock(d.local_instant(dt.date(2022, 8, 10)))
    e = d.Engine("hanoi-2200", clock=clock)
    city = e.create_unit(d.SYSTEM, "Thành phố Hà Nội", "tinh").id
    district = e.create_unit(d.SYSTEM, "Quận Long Biên", "huyen", parent=city).id
    ward = e.create_unit(d.SYSTEM, "Phường Bồ Đề", "xa", parent=district).id
    office = e.register_person(d.SYSTEM, "Văn phòng").id
    e.grant_role(d.SYSTEM, office, d.Role.office, ward)
    resident = e.register_person(d.SYSTEM, "Ông A", code="CD-1").id
    return e, ward, office, resident


def cpp_rate(n: int):
    candidates = [pathlib.Path(os.environ.get("DOITHOAI_BENCH_DIR", "")) / "bulk_submit_bench",
                  ROOT / "build" / "bench" / "bulk_submit_bench"]
    for exe in candidates:
        if exe.is_file():
            out = subprocess.run([str(exe), str(n)], capture_output=True, text=True, check=True).stdout
            vals = dict(line.split()[:2] for line in out.splitlines() if line and not line.startswith("("))
            return float(vals["cpp_submit_per_sec"]), float(vals["cpp_item_status_ns"])
    return None, None


def best_of(runs: int, fn):
    best = None
    for _ in range(runs):
        r = fn()
        best = r if best is None or r < best else best
    return best


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"doithoai {d.__version__}, Python {sys.version.split()[0]}, N={n}")
    cpp, cpp_status_ns = cpp_rate(n)

    def run_objects():
        e, ward, office, resident = world()
        rows = [d.SubmitOpinion(ward, channel=d.Channel.mailbox, raised_by=resident,
                                items=[d.ItemSpec("land", f"Nội dung số {k}")]) for k in range(n)]
        t = time.perf_counter()
        rep = e.import_opinions(office, rows)
        s = time.perf_counter() - t
        assert rep.items == n
        return s

    def run_dicts():
        e, ward, office, resident = world()
        rows = [{"unit": ward, "channel": "mailbox", "raised_by": resident, "topic": "land",
                 "text": f"Nội dung số {k}"} for k in range(n)]
        t = time.perf_counter()
        rep = e.import_opinions(office, rows)
        s = time.perf_counter() - t
        assert rep.items == n
        return s

    def run_csv():
        e, ward, office, resident = world()
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
            f.write("raised_by,channel,topic,text\n")
            for k in range(n):
                f.write(f"CD-1,mailbox,land,Nội dung số {k}\n")
        try:
            t = time.perf_counter()
            rep = e.import_csv(office, f.name, unit=ward)
            s = time.perf_counter() - t
        finally:
            os.unlink(f.name)
        assert rep.items == n
        return s

    results = {}
    for name, fn in (("objects", run_objects), ("dicts", run_dicts), ("csv", run_csv)):
        s = best_of(3, fn)
        results[name] = n / s
        ratio = f" = {n / s / cpp:.2f}x C++" if cpp else ""
        print(f"bulk import ({name:7}): {s:.3f} s, {n / s:,.0f} items/s{ratio}")
    if cpp:
        print(f"C++ Engine::execute loop : {n / cpp:.3f} s, {cpp:,.0f} items/s (bench/bulk_submit_bench)")
    else:
        print("C++ rate: build bench/bulk_submit_bench (cmake --build build) to compare")

    e, ward, office, resident = world()
    e.import_opinions(office, [{"unit": ward, "channel": "mailbox", "raised_by": resident, "topic": "land",
                                "text": str(k)} for k in range(1000)])
    calls = 1_000_000
    item_status = e.item_status

    def per_call():
        t = time.perf_counter()
        for k in range(calls):
            item_status(1 + (k & 511))
        return (time.perf_counter() - t) / calls

    def empty_loop():
        f = abs
        t = time.perf_counter()
        for k in range(calls):
            f(1 + (k & 511))
        return (time.perf_counter() - t) / calls

    us = best_of(3, per_call) * 1e6
    base = best_of(3, empty_loop) * 1e6
    item = best_of(3, lambda: (lambda t: [e.item(1 + (k & 511)) for k in range(100_000)] and
                               (time.perf_counter() - t) / 100_000)(time.perf_counter())) * 1e6
    print(f"engine.item_status(id): {us:.3f} us/call (loop with a builtin call: {base:.3f} us; "
          f"C++ alone: {cpp_status_ns or float('nan'):.0f} ns)")
    print(f"engine.item(id) (full Item value): {item:.3f} us/call")
    ok_bulk = cpp is None or min(results["objects"], results["dicts"]) >= 0.5 * cpp
    ok_call = us < 2.0
    print(f"targets: bulk >= 0.5x C++: {'PASS' if ok_bulk else 'FAIL'}; per-call < 2 us: {'PASS' if ok_call else 'FAIL'}")
    return 0 if ok_bulk and ok_call else 1


if __name__ == "__main__":
    sys.exit(main())
