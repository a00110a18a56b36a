"""The GIL is released around long C++ calls and re-acquired for every callback."""
from __future__ import annotations

import threading
import time

import doithoai as d
from conftest import D, at, hold_conference, make_world


def big_world(n_opinions: int):
    w = make_world()
    w.conf = hold_conference(w)
    rows = [{"unit": w.ward, "channel": "mailbox", "raised_by": w.resident, "topic": "land",
             "text": f"Nội dung {k}"} for k in range(n_opinions)]
    w.engine.import_opinions(w.office, rows)
    return w


def run_with_counter(long_call):
    """Runs long_call in this thread while another thread counts; returns how far the counter
    moved during the call."""
    counter = 0
    stop = False

    def count():
        nonlocal counter
        while not stop:
            counter += 1

    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.05)
    before = counter
    long_call()
    during = counter - before
    stop = True
    t.join()
    return during


def test_two_threads_progress_during_state_as_of():
    w = big_world(20000)
    as_of = D(2022, 10, 1)
    start = time.perf_counter()
    during = run_with_counter(lambda: [w.engine.state_as_of(as_of) for _ in range(5)])
    elapsed = time.perf_counter() - start
    # With the GIL held for the whole call the counter could not move; released, it runs freely.
    assert during > 10000, (during, elapsed)


def test_two_threads_progress_during_bulk_import():
    w = make_world()
    rows = [d.SubmitOpinion(w.ward, channel=d.Channel.mailbox, raised_by=w.resident,
                            items=[("land", f"n{k}")]) for k in range(30000)]
    during = run_with_counter(lambda: w.engine.import_opinions(w.office, rows))
    assert during > 10000
    assert w.engine.item_count == 30000


def test_commands_from_many_threads_and_callbacks_hold_the_gil():
    w = make_world()
    seen = []
    sub = w.engine.subscribe(lambda ev: seen.append(threading.get_ident()))
    errors = []

    def work(k):
        try:
            for j in range(200):
                w.engine.submit_opinion(w.office, w.ward, channel="mailbox", raised_by=w.resident,
                                        items=[("traffic", f"{k}-{j}")])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    before = len(seen)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert w.engine.item_count == 800 and len(seen) - before == 800
    assert len({*seen[before:]}) > 1  # callbacks ran on the committing threads
    assert sub.errors == 0


def test_callback_exception_in_a_worker_thread_never_leaks():
    w = make_world()
    sub = w.engine.subscribe(lambda ev: 1 / 0)
    out = []
    t = threading.Thread(target=lambda: out.append(
        w.engine.submit_opinion(w.office, w.ward, channel="mailbox", raised_by=w.resident,
                                items=[("land", "x")])))
    t.start()
    t.join()
    assert out and out[0].items
    assert sub.errors == 1 and "ZeroDivisionError" in sub.last_error
    assert w.engine.callback_errors == 1


def test_progress_callback_reacquires_the_gil_and_can_cancel():
    w = make_world()
    calls = []

    def progress(done, total):
        calls.append((done, total, threading.get_ident()))
        return done < 300

    rows = [{"unit": w.ward, "channel": "letter", "raised_by": w.resident, "topic": "land", "text": str(k)}
            for k in range(1000)]
    rep = w.engine.import_opinions(w.office, rows, progress=progress, every=100)
    assert rep.cancelled and rep.submitted == 300 and calls[-1][:2] == (300, 1000)
    assert {c[2] for c in calls} == {threading.get_ident()}


def test_two_threads_progress_during_report_and_export():
    w = big_world(20000)
    e = w.engine
    w.clock.set(at(D(2022, 10, 5)))
    e.assign(w.office, 1, w.land)  # a later event: a report as of 1/10 rebuilds the state from the log
    year = d.Period.year(2022)
    # Three past days in turn: more than the engine caches (two), so every report rebuilds its day.
    during = run_with_counter(lambda: [d.make_report(e, year, unit=w.ward, as_of=D(2022, 10, 1 + k % 3))
                                       for k in range(60)])
    assert during > 10000
    during = run_with_counter(lambda: [d.export_items_csv(e, visibility="internal") for _ in range(10)])
    assert during > 10000


def test_two_threads_progress_during_sqlite_open_and_verify(tmp_path):
    path = tmp_path / "big.db"
    w = make_world(store=d.SqliteStore(path, sync="normal"))
    w.conf = hold_conference(w)
    rows = [{"unit": w.ward, "channel": "mailbox", "raised_by": w.resident, "topic": "land",
             "text": f"Nội dung {k}"} for k in range(20000)]
    during = run_with_counter(lambda: w.engine.import_opinions(w.office, rows))
    assert during > 10000
    store = w.engine.store
    during = run_with_counter(lambda: [store.verify() for _ in range(2)])
    assert during > 10000
    during = run_with_counter(lambda: d.Engine.open(path))
    assert during > 10000
