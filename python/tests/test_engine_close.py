"""Engine.close() and `with Engine.open(...) as e:`: the store is released, every later call
raises InvalidTransition (code 'invalid_transition'), calls in progress finish first,
subscribers get what was committed and nothing after close returns."""
from __future__ import annotations

import gc
import os
import threading
import time

import pytest

import doithoai as d

from conftest import D, hold_conference, make_world, raise_items

import stubtest_pybind
from test_values import COMMAND_SAMPLES


def open_fds_to(path) -> int:
    target = os.path.realpath(path)
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.path.realpath(os.readlink(f"/proc/self/fd/{fd}")) == target:
                n += 1
        except OSError:
            pass
    return n


def assert_closed_error(call):
    with pytest.raises(d.InvalidTransition, match="the engine is closed") as info:
        call()
    assert info.value.code == "invalid_transition"


def test_with_engine_open_closes_the_sqlite_file_on_exit(tmp_path):
    path = tmp_path / "bode.db"
    with d.Engine.open(path, profile="hanoi-2200") as e:
        ward = e.create_unit(d.SYSTEM, "Phường Bồ Đề", "xa").id
        assert open_fds_to(path) >= 1
        assert not e.closed
    assert e.closed and repr(e) == "Engine(closed)"
    assert open_fds_to(path) == 0  # the file is closed although the Python object lives on
    # another engine opens it and sees what the first committed
    with d.Engine.open(str(path)) as e2:
        assert e2.unit(ward).name == "Phường Bồ Đề"
    assert_closed_error(lambda: e.unit(ward))


def test_leaving_a_with_block_by_an_exception_closes_too(tmp_path):
    path = tmp_path / "x.db"
    with pytest.raises(d.NotFound):
        with d.Engine.open(path) as e:
            e.item(42)
    assert e.closed and open_fds_to(path) == 0


def test_engine_open_takes_a_store_object_and_leaves_it_open(tmp_path):
    store = d.SqliteStore(str(tmp_path / "s.db"))
    with d.Engine.open(store) as e:
        e.create_unit(d.SYSTEM, "Phường X", "xa")
    assert store.last_seq == 1 and store.verify().ok  # the caller's store stays usable
    assert d.open_engine("hanoi-2200", str(tmp_path / "t.db")).close() is None


def test_close_is_idempotent_and_a_closed_engine_cannot_be_entered():
    e = d.Engine()
    e.close()
    e.close()
    assert e.closed
    with pytest.raises(d.InvalidTransition):
        with e:
            pass


SAMPLE = {"actor": d.SYSTEM, "id": 1, "item": 1, "unit": 1, "root": 1, "person": 1, "role": "resident",
          "code": "X", "conference": 1, "as_of": D(2022, 10, 1), "start": D(2022, 10, 1), "end": D(2022, 10, 2),
          "days": 3, "t": D(2022, 10, 1), "d": D(2022, 10, 1), "callback": print, "command": d.Assign(1, 2),
          "request": {"actor": "system", "command": {"type": "dissolve_unit", "unit": 1}}, "rows": [],
          "path": "/nonexistent.csv", "text": "Đường ngõ 5", "sha256": "0" * 64, "notice": 1,
          "outcome": "delivered"}


def every_engine_call(e):
    """(name, thunk) for every public method and property of Engine, with plausible arguments."""
    fields = {method: [f for f, req in fs if req] for _, method, fs in d._core._command_fields()}
    calls = []
    for name in sorted(dir(d.Engine)):
        if name.startswith("_") or name in ("open", "close", "closed"):
            continue
        attr = getattr(d.Engine, name)
        if isinstance(attr, property):
            calls.append((name, lambda name=name: getattr(e, name)))
            continue
        if name in fields:
            kw = {f: COMMAND_SAMPLES[f] for f in fields[name]}
            calls.append((name, lambda name=name, kw=kw: getattr(e, name)(d.SYSTEM, **kw)))
            continue
        if name == "history":
            calls.append((name, lambda: e.history(item=1)))
            continue
        if name in ("state_as_of", "overdue"):  # overloaded: no one signature in the docstring
            calls.append((name, lambda name=name: getattr(e, name)(D(2022, 10, 1))))
            continue
        sig = stubtest_pybind.signature_from_doc(attr)
        assert sig is not None, name
        args = [SAMPLE[p.name] for p in list(sig.parameters.values())[1:]
                if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
        calls.append((name, lambda name=name, args=args: getattr(e, name)(*args)))
    return calls


def test_every_method_and_property_raises_after_close():
    w = make_world()
    e = w.engine
    e.close()
    calls = every_engine_call(e)
    assert len(calls) > 60
    for name, call in calls:
        with pytest.raises(d.InvalidTransition, match="the engine is closed"):
            call()
    # functions that take an engine
    assert_closed_error(lambda: d.make_report(e, d.Period.year(2022)))
    assert_closed_error(lambda: d.public_feed(e))
    assert_closed_error(lambda: d.export_items_json(e))
    assert_closed_error(lambda: d.Redactor(e))
    assert_closed_error(lambda: d.compliance(e, d.Period.year(2022)))


def test_iterators_and_subscriptions_after_close():
    w = make_world()
    e = w.engine
    it = e.iter_items(page_size=1)
    events = e.iter_events(page_size=1)
    next(events)
    sub = e.subscribe(lambda ev: None)
    e.close()
    assert_closed_error(lambda: next(it))
    assert_closed_error(lambda: next(events))
    sub.close()  # a subscription may outlive its engine
    del e
    gc.collect()


def test_close_waits_for_a_call_in_progress_and_refuses_new_ones():
    w = make_world()
    e = w.engine
    started, go = threading.Event(), threading.Event()
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == 1:
            started.set()
            assert go.wait(60)
        return True

    rows = [{"unit": w.ward, "raised_by": w.resident, "topic": "land", "text": f"Ý kiến {i}"} for i in range(3)]
    result = {}
    importer = threading.Thread(target=lambda: result.update(r=e.import_opinions(w.office, rows, progress=progress,
                                                                                   every=1)))
    importer.start()
    assert started.wait(60)
    closer = threading.Thread(target=e.close)
    closer.start()
    deadline = time.monotonic() + 60
    while not e.closed and time.monotonic() < deadline:
        time.sleep(0.001)
    assert e.closed  # close() has begun: new calls are refused...
    assert_closed_error(lambda: e.item_count)
    time.sleep(0.05)
    assert closer.is_alive()  # ...but it waits for the import in progress
    go.set()
    importer.join(60)
    closer.join(60)
    assert not closer.is_alive() and not importer.is_alive()
    assert result["r"].submitted == 3 and calls == [1, 2, 3]  # the call in progress finished whole


def test_close_from_inside_a_call_on_the_engine_refuses():
    w = make_world()
    e = w.engine
    seen = []

    def progress(done, total):
        with pytest.raises(d.InvalidTransition, match="would wait for itself") as info:
            e.close()
        seen.append(info.value.code)
        return True

    e.import_opinions(w.office, [{"unit": w.ward, "raised_by": w.resident, "topic": "land", "text": "Một"}], progress=progress, every=1)
    assert seen == ["invalid_transition"] and not e.closed
    e.close()


def test_subscribers_get_what_was_committed_and_stop_before_close_returns():
    w = make_world()
    e = w.engine
    got = []

    def slow(ev):
        time.sleep(0.01)
        got.append(ev.seq)

    conf = hold_conference(w)
    sub = e.subscribe(slow)
    first = e.last_seq + 1
    raise_items(w, conf, [f"Ý kiến {i}" for i in range(5)])
    last = e.last_seq
    e.close()
    assert got == list(range(first, last + 1))  # delivered before close returned
    n = sub.calls
    time.sleep(0.05)
    assert sub.calls == n and len(got) == last - first + 1  # and nothing after


def test_close_from_a_subscriber_refuses_and_its_queries_fail_cleanly_during_close():
    w = make_world()
    e = w.engine
    errors = []

    def closes(ev):
        try:
            e.close()
        except d.InvalidTransition as x:
            errors.append(x.code)

    conf = hold_conference(w)
    sub = e.subscribe(closes)
    raise_items(w, conf, ["Một"])
    assert e.wait_for_subscribers(timeout=60)
    assert errors == ["invalid_transition"] and not e.closed
    sub.close()

    # a subscriber that queries while close() drains the queue gets the closed error
    seen = []

    def queries(ev):
        try:
            seen.append(e.item_count)
        except d.InvalidTransition:
            seen.append("closed")

    s1 = e.subscribe(queries)
    blocker = threading.Event()
    s2 = e.subscribe(lambda ev: blocker.wait(60))
    raise_items(w, conf, ["Hai"])
    raise_items(w, conf, ["Ba"])  # queued behind the blocked delivery of the first
    closer = threading.Thread(target=e.close)
    closer.start()
    while not e.closed:
        time.sleep(0.001)
    blocker.set()
    closer.join(60)
    assert not closer.is_alive()
    assert seen and seen[-1] == "closed" and s1.errors == 0 and s2.errors == 0


def test_two_threads_closing_at_once_both_return_after_the_engine_is_gone(tmp_path):
    path = tmp_path / "c.db"
    e = d.Engine.open(path)
    e.create_unit(d.SYSTEM, "Phường X", "xa")
    ts = [threading.Thread(target=e.close) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert e.closed and open_fds_to(path) == 0


def test_queries_racing_close_either_answer_or_raise_the_closed_error():
    for _ in range(20):
        w = make_world()
        e = w.engine
        ward = w.ward
        outcomes = []
        stop = threading.Event()

        def reader():
            while not stop.is_set():
                try:
                    e.unit(ward)
                    e.accounting(ward, D(2022, 8, 10))
                    outcomes.append("ok")
                except d.InvalidTransition:
                    outcomes.append("closed")
                    return

        ts = [threading.Thread(target=reader) for _ in range(3)]
        for t in ts:
            t.start()
        time.sleep(0.002)
        e.close()
        stop.set()
        for t in ts:
            t.join(60)
        assert outcomes and set(outcomes) <= {"ok", "closed"}
