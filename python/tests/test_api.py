"""The Python API: commands as objects and as methods, JSON forms, queries, history, state
as of a date, stores, profiles, calendars."""
from __future__ import annotations

import datetime as dt

import pytest

import doithoai as d
from conftest import D, at, make_world, raise_items, reply_fully


def test_package_surface():
    assert d.__version__ == d._core.__version__
    for name in d.__all__:
        assert hasattr(d, name), name
    fields = {cls: (method, f) for cls, method, f in d._core._command_fields()}
    assert len(fields) == 36  # the 29 of the first floor, RecordReception (vn-2025, R17), ApproveReply and ReturnReply (R13, R14), RecordSatisfaction (issue 14), IssueReminders and AcknowledgeNotice (the outbox, issue 15), PlaceItem (issue 14)
    assert "RecordReception" in fields
    for cls, (method, _) in fields.items():
        assert hasattr(d, cls) and hasattr(d.Engine, method) and getattr(d, cls).type == method


def test_enums_are_python_enums_named_as_in_json():
    import enum
    assert issubclass(d.ItemStatus, enum.Enum)
    assert d.ItemStatus("replied") is d.ItemStatus.replied
    assert d.ItemStatus.replied == "replied" and d.ItemStatus.replied.value == "replied"
    assert [c.value for c in d.Channel][:2] == ["collected_in_advance", "at_conference"]


def test_command_object_and_method_reach_the_same_path(held):
    e = held.engine
    a, b = raise_items(held, held.conf, ["một", "hai"])
    r1 = e.assign(held.office, a, held.land, deadline=D(2022, 10, 20))
    r2 = e.execute(held.office, d.Assign(b, held.land, deadline=D(2022, 10, 20)))
    evs = e.events(from_seq=r1.first_seq)
    assert [x.type for x in evs] == ["item_assigned", "item_assigned"]
    assert evs[0].data | {"item": 0} == evs[1].data | {"item": 0}
    cmd = d.Assign(item=a, agency=held.land)
    assert repr(cmd) == f"Assign(item={a}, agency={held.land}, deadline=None)"
    assert d.command_from_dict(cmd.to_dict()) == cmd
    cmd.deadline = D(2022, 10, 1)
    assert cmd.to_dict()["deadline"] == "2022-10-01"


def test_idempotency_key_returns_first_result(held):
    e = held.engine
    r1 = e.submit_opinion(held.office, held.ward, channel="mailbox", raised_by=held.resident,
                          items=[{"topic": "traffic", "text": "Ổ gà"}], idempotency_key="portal-42")
    seq = e.last_seq
    r2 = e.execute(held.office, d.SubmitOpinion(held.ward, channel="mailbox", raised_by=held.resident,
                                                items=[d.ItemSpec("traffic", "Ổ gà")]), idempotency_key="portal-42")
    assert r2.replayed and not r1.replayed and r2.id == r1.id and r2.items == r1.items
    assert e.last_seq == seq


def test_execute_json_round_trip(world):
    e = world.engine
    out = e.execute_json({"actor": "system", "command": {"type": "create_unit", "name": "Phường Gia Thụy",
                                                          "level": "xa", "parent": world.district}})
    assert out["id"] and out["replayed"] is False
    assert e.unit(out["id"]).to_dict()["name"] == "Phường Gia Thụy"
    ev = e.events(from_seq=e.last_seq)[0]
    assert d.event_from_dict(ev.to_dict()).to_dict() == ev.to_dict()
    assert ev.to_dict()["type"] == "unit_created" and ev.actor == d.SYSTEM


def test_value_objects_are_read_only_with_repr(held):
    (item,) = raise_items(held, held.conf, ["Ngõ 100 ngập"], topic="infrastructure")
    it = held.engine.item(item)
    with pytest.raises(AttributeError):
        it.status = d.ItemStatus.closed
    assert repr(it).startswith(f"Item(id={item}, unit={held.ward}, topic='infrastructure', status=<ItemStatus.open")
    assert "Phường Bồ Đề" in repr(held.engine.unit(held.ward))
    assert held.engine.find_unit("BD") == held.ward and held.engine.find_unit("nope") is None
    assert held.engine.find_person("CD-001") == held.resident
    assert held.engine.children(held.district) == [held.ward]
    assert [g.role for g in held.engine.roles_of(held.front)] == [d.Role.front_chair]
    assert held.engine.holders(d.Role.party_head, held.ward) == [held.party_head]
    assert held.engine.agencies(held.ward) == [held.land, held.order]
    op = held.engine.opinion(it.opinion)
    assert op.items == [item] and op.channel is d.Channel.at_conference


def test_history_and_state_as_of(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["Cấp phép xây dựng"], topic="urban_order")
    e.assign(held.office, item, held.order)
    held.clock.set(at(D(2022, 10, 20)))
    reply_fully(held, item, D(2022, 10, 20), agency_officer=held.order_officer)
    types = [ev.type for ev in e.history(item=item)]
    assert types[:3] == ["conference_held", "opinion_submitted", "item_assigned"]
    # The outcome the rules decided is in the event (issue 16): here no item was collected in
    # advance, so none took the conference's reply deadline.
    assert e.history(item=item)[0].data["deadline_items"] == []
    assert types[-1] == "reply_delivered" and types.count("reply_delivered") == 4
    assert e.history(conference=held.conf)[0].type == "conference_planned"
    with pytest.raises(d.InvalidArgument):
        e.history()
    past = e.state_as_of(D(2022, 10, 1))
    assert past.item_status(item) is d.ItemStatus.assigned
    assert e.item_status(item) is d.ItemStatus.replied
    assert past.accounting(held.ward, D(2022, 10, 1)).outstanding == 1
    exact = e.state_as_of(at(D(2022, 9, 30), 14))
    assert exact.item_count == 1 and exact.last_seq < e.last_seq
    assert isinstance(past, d.State) and "State(" in repr(past)


def test_iterators_page_through_large_results(held):
    e = held.engine
    ids = raise_items(held, held.conf, [f"nội dung {k}" for k in range(25)])
    got = [it.id for it in e.iter_items(unit=held.ward, page_size=4)]
    assert got == ids
    assert [it.id for it in e.iter_items(page_size=7, limit=10)] == ids[:10]
    assert [it.id for it in e.iter_items(status=d.ItemStatus.assigned)] == []
    assert e.items(unit=held.ward, topic="land", limit=3) == ids[:3]
    seqs = [ev.seq for ev in e.iter_events(page_size=5)]
    assert seqs == list(range(1, e.last_seq + 1))
    assert [it.id for it in e.state_as_of(D(2022, 10, 1)).iter_items(page_size=10)] == ids


def test_stores_memory_store_is_shared_and_replayed():
    store = d.MemoryStore()
    w = make_world(store=store)
    assert w.engine.store is store and store.last_seq == w.engine.last_seq and store.bytes > 0
    again = d.Engine("hanoi-2200", store=store, clock=w.clock)
    assert again.last_seq == w.engine.last_seq
    assert again.unit(w.ward).name == "Phường Bồ Đề"
    assert [e.seq for e in store.read(from_seq=3, limit=2)] == [3, 4]
    assert isinstance(store, d.EventStore)


def test_subscriptions_receive_events_and_survive_exceptions(held):
    e = held.engine
    seen = []
    sub = e.subscribe(lambda ev: seen.append((ev.seq, ev.type)))

    def boom(ev):
        raise RuntimeError("subscriber bug")
    bad = e.subscribe(boom)
    (item,) = raise_items(held, held.conf, ["x"])
    r = e.assign(held.office, item, held.land)
    assert e.wait_for_subscribers(timeout=60)  # delivery is asynchronous
    assert seen[-1] == (r.last_seq, "item_assigned")
    assert bad.errors == 2 and "subscriber bug" in bad.last_error
    assert e.callback_errors == 2
    assert e.item_status(item) is d.ItemStatus.assigned  # the engine is unaffected
    sub.close()
    bad.close()
    e.answer_on_spot(held.office, raise_items(held, held.conf, ["y"])[0], answered_by=held.gov_head, gist="ok")
    assert e.wait_for_subscribers(timeout=60)
    assert len(seen) == 2 and bad.errors == 2
    # A subscriber may query the engine (it runs without the state lock).
    statuses = []
    with e.subscribe(lambda ev: statuses.append(e.item_status(ev.item)) if ev.item else None):
        e.assign(held.office, raise_items(held, held.conf, ["z"])[0], held.land)
        assert e.wait_for_subscribers(timeout=60)
    assert statuses[-1] is d.ItemStatus.assigned


def test_profiles_and_calendars():
    p = d.builtin_profile("hanoi-2200")
    assert p.deadlines.reply.days == 30 and p.deadlines.reply.day_type is d.DayType.calendar
    assert p.has_topic("land") and "hanoi-2200" in d.builtin_profile_names()
    assert d.load_profile(p.to_dict()).name == "hanoi-2200"
    cal = d.VietnamCalendar.builtin()
    assert not cal.is_working_day(D(2024, 2, 12))  # Tết Giáp Thìn
    assert cal.deadline(D(2022, 9, 30), p.deadlines.reply) == D(2022, 10, 30)
    rule = d.DeadlineRule(10, d.DayType.working, d.EndRule.next_working_day, "test")
    assert cal.deadline(D(2024, 2, 5), rule) > D(2024, 2, 19)
    assert d.WeekendCalendar().add_working_days(D(2022, 9, 30), 1) == D(2022, 10, 3)
    assert d.to_lunar(D(2024, 2, 10)) == d.LunarDate(2024, 1, 1)
    assert d.from_lunar(d.LunarDate(2024, 3, 10)) == D(2024, 4, 18)  # Giỗ Tổ Hùng Vương
    assert d.lunar_new_year(2025) == D(2025, 1, 29) and d.lunar_leap_month(2023) == 2
    assert any(h.kind is d.DayOffKind.holiday for h in cal.holidays(2025))
    e = d.Engine(p, calendar=cal)
    assert e.calendar is cal and isinstance(e.clock, d.SystemClock)


def test_optional_command_fields_are_keyword_only(held):
    e = held.engine
    (a,) = raise_items(held, held.conf, ["bốn"])
    seq = e.last_seq
    with pytest.raises(TypeError, match=r"keyword-only \(deadline\)"):
        e.assign(held.office, a, held.land, D(2022, 10, 20))
    with pytest.raises(TypeError, match="keyword-only"):
        d.Assign(a, held.land, D(2022, 10, 20))
    with pytest.raises(TypeError):
        e.execute(held.office, d.Assign(a, held.land), "key-1")  # idempotency_key= only
    assert e.last_seq == seq  # nothing happened
    # required fields stay positional, in declaration order, even after an optional one:
    # plan_conference(actor, unit, planned_on, *, kind=..., audience=..., ...)
    c = e.plan_conference(held.office, held.ward, D(2022, 12, 1), audience="all_residents")
    assert e.conference(c.id).planned_on == D(2022, 12, 1)
    r = e.assign(held.office, a, held.land, deadline=D(2022, 10, 20), idempotency_key="k")
    assert e.item(a).deadline == D(2022, 10, 20) and not r.replayed
