"""1,200 commands (600 opinions + 600 assignments) from Python, with and without a subscriber."""
import sys, tempfile, time, pathlib
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python" / "tests"))
import doithoai as d
from conftest import make_world
for kind in ("memory", "sqlite"):
    for sub in (False, True, False, True):
        store = d.SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "b.db") if kind == "sqlite" else None
        w = make_world(store=store); got = []
        s = w.engine.subscribe(lambda ev: got.append(ev.seq)) if sub else None
        t = time.perf_counter()
        for k in range(600):
            r = w.engine.submit_opinion(w.office, w.ward, channel="mailbox", raised_by=w.resident, items=[("land", f"n{k}")])
            w.engine.assign(w.office, r.items[0], w.land)
        c = time.perf_counter() - t
        w.engine.wait_for_subscribers()
        print(f"{kind:6} subscriber={sub!s:5} commands {c:.4f} s, all delivered {time.perf_counter() - t:.4f} s, delivered {len(got)}")
