"""Values returned to Python compare and hash by value, pickle and deep-copy, and have a repr.

Every class of doithoai._core is either listed in NOT_VALUES (with why) or is checked here as
a value: a class added later without ValueClass (bindings/common.h) fails
test_every_class_is_a_value_or_listed_as_not_one.
"""
from __future__ import annotations

import copy
import datetime as dt
import enum
import pickle

import pytest

import doithoai as d
from doithoai import _core

from conftest import D, at, hold_conference, raise_items, reply_fully

# Classes that are not values, and why.
NOT_VALUES = {
    "Engine": "a live engine (close() it)",
    "State": "a whole state rebuilt from the log (large; rebuild it with state_as_of)",
    "EventStore": "a store", "MemoryStore": "a store", "DurableStore": "a store", "SqliteStore": "a store",
    "PostgresStore": "a store",
    "Clock": "a clock", "SystemClock": "a clock", "ManualClock": "a clock (mutable: set/advance)",
    "Calendar": "a calendar service", "WeekendCalendar": "a calendar service",
    "VietnamCalendar": "a calendar service",
    "Subscription": "a live subscription",
    "Redactor": "a service built from an engine's directory of persons",
    "CheckpointKey": "a signing key: never pickled (it would write the secret out)",
    "AttachmentStore": "a store", "DirectoryAttachmentStore": "a store", "MemoryAttachmentStore": "a store",
}
# Values with settable attributes: == by value, but unhashable (like list and dict).
MUTABLE = {"ItemSpec", "Place", "Attachment", "SqliteOptions", "ExportOptions"} | {cls for cls, _, _ in _core._command_fields()}


def module_classes() -> dict[str, type]:
    out = {}
    for name, obj in vars(_core).items():
        if (isinstance(obj, type) and not name.startswith("_") and not issubclass(obj, BaseException)
                and not issubclass(obj, enum.Enum) and type(obj).__name__ == "pybind11_type"):
            out[name] = obj
    return out


def value_classes() -> list[str]:
    return sorted(n for n in module_classes() if n not in NOT_VALUES)


def test_every_class_is_a_value_or_listed_as_not_one():
    for name in value_classes():
        cls = getattr(_core, name)
        assert "__getstate__" in vars(cls) and "__setstate__" in vars(cls), f"{name} does not pickle"
        assert "__eq__" in vars(cls), f"{name} has no value equality"
        if name in MUTABLE:
            assert cls.__hash__ is None, f"{name} is mutable: it must be unhashable"
        else:
            assert "__hash__" in vars(cls) and cls.__hash__ is not None, f"{name} has no value hash"
    assert len(value_classes()) >= 80


COMMAND_SAMPLES = {
    "name": "Tổ dân phố 5", "level": "xa", "unit": 1, "into": 2, "person": 3, "role": "resident",
    "planned_on": D(2022, 9, 30), "conference": 4, "number": "12/TB-UBND", "items": [("land", "Đường ngõ 5")],
    "item": 5, "answered_by": 3, "gist": "Đã trả lời", "agency": 2, "signer": 3, "text": "Nội dung",
    "recipient": "raiser", "to_unit": 1, "proposal": "Đề nghị", "raiser_notified_on": D(2022, 10, 3),
    "outcome": "accepted", "deadline": D(2022, 11, 30), "notice_number": "7/TB", "notice_date": D(2022, 10, 5),
    "reason": "Phức tạp", "date": D(2022, 10, 1), "requesters": 10, "voters": 100, "rating": "satisfied", "on": D(2022, 10, 1), "notice": 1,
    "place": (21.0405, 105.8747, "Ngõ 30"),
}


def command_samples() -> dict[str, object]:
    out = {}
    for cls, _, fields in _core._command_fields():
        out[cls] = getattr(d, cls)(**{f: COMMAND_SAMPLES[f] for f, req in fields if req})
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """One instance of as many classes as a small but full workflow returns."""
    from conftest import make_world
    w = make_world()
    e = w.engine
    S = d.SYSTEM
    out: dict[str, object] = {}
    conf = hold_conference(w)
    a, b, c = raise_items(w, conf, ["Đường ngõ 5 xuống cấp", "Rác thải", "Cống thoát nước"])
    e.answer_on_spot(w.office, c, w.gov_head, "Đã trả lời tại hội nghị")
    e.assign(w.office, a, w.land)
    w.clock.set(at(D(2022, 10, 3)))
    e.issue_conclusion_notice(w.office, conf, "12/TB-UBND", text="Kết luận")
    w.clock.set(at(D(2022, 10, 20)))
    reply_fully(w, a, D(2022, 10, 20))
    e.record_finding(w.front, a, "Đạt yêu cầu")
    e.assign(w.office, b, w.order)
    e.extend(w.office, b, D(2022, 12, 15), "7/TB", D(2022, 10, 20), reason="Phức tạp")
    published = e.publish_reply(w.office, a)
    e.rename_unit(S, w.ward, "Phường Bồ Đề mới", on=D(2022, 10, 20))
    org = e.create_organization(S, w.ward, "Hội Phụ nữ phường", kind="women").id
    item = e.item(a)
    out.update(
        Unit=e.unit(w.ward), UnitName=e.unit(w.ward).names[0], Agency=e.agency(w.land),
        Organization=e.organization(org), Person=e.person(w.resident), RoleGrant=e.roles_of(w.office)[0],
        Conference=e.conference(conf), ConclusionNotice=e.conference(conf).notice,
        Opinion=e.opinion(item.opinion), Item=item, Reply=item.reply, Delivery=item.reply.deliveries[0],
        Finding=item.findings[0], SpotAnswer=e.item(c).answer, Extension=e.item(b).extensions[0],
        Accounting=e.accounting(w.ward, D(2022, 10, 20)), Reconciliation=e.reconciliation(conf),
        DeadlineBasis=e.explain_deadline(b), Event=e.events()[-1], Result=published,
        Profile=e.profile, Deadlines=e.profile.deadlines, DeadlineRule=e.profile.deadlines.reply,
        Label=e.profile.topics[0], ItemSpec=d.ItemSpec("land", "Đường"),
    )
    cal = d.VietnamCalendar.builtin()
    out["DayOffReason"] = cal.day_off_reason(D(2023, 1, 23))
    out["DeadlineExplanation"] = cal.explain(D(2023, 1, 20), e.profile.deadlines.reply)
    out["DayOff"] = cal.holidays(2023)[0]
    out["LunarDate"] = d.to_lunar(D(2023, 1, 22))
    out["ImportReport"] = e.import_opinions(w.office, [{"unit": w.ward, "raised_by": w.resident, "topic": "land", "text": "Một"}])
    rep = d.make_report(e, d.Period.year(2022), unit=w.ward, as_of=D(2022, 12, 31))
    out.update(Report=rep, Period=rep.period)
    feed = d.public_feed(e, unit=w.ward)
    assert feed, "the published reply is in the feed"
    out["PublicItem"] = feed[0]
    out["PublicReply"] = feed[0].reply
    pubs = d.results_publication(e, unit=w.ward, as_of=D(2022, 12, 31))
    assert pubs
    out["ResultsPublication"] = pubs[0]
    out["ComplianceReport"] = d.compliance(e, d.Period.year(2022), unit=w.ward, as_of=D(2022, 12, 31))
    similar = e.similar_items(w.ward, e.item(b).text)
    assert similar and similar[0].item == b
    out["SimilarItem"] = similar[0]
    out["ExportOptions"] = d.ExportOptions(unit=w.ward, visibility="internal", as_of=D(2022, 12, 31))
    out["SqliteOptions"] = d.SqliteOptions(sync="normal")
    path = tmp_path_factory.mktemp("values") / "v.db"
    store = d.SqliteStore(str(path))
    with d.Engine.open(store) as se:
        se.create_unit(S, "Phường X", "xa")
        out["VerifyReport"] = store.verify()
        key = d.CheckpointKey.hmac_sha256("k1", b"0123456789abcdef0123456789abcdef")
        cp = d.issue_checkpoint(se, key)
        out["Checkpoint"] = cp
        out["CheckpointReport"] = d.verify_checkpoints(se, [cp], key)
    out.update(command_samples())
    return {k: v for k, v in out.items() if v is not None}


def default_instance(cls: type):
    """The C++ default of a field-state value class (what unpickling an empty state gives)."""
    obj = cls.__new__(cls)
    obj.__setstate__({})
    return obj


def instance_of(name: str, samples):
    if name in samples:
        return samples[name]
    return default_instance(getattr(_core, name))


@pytest.mark.parametrize("name", value_classes())
def test_value_pickles_compares_hashes_and_copies(name, samples):
    v = instance_of(name, samples)
    assert type(v).__name__ == name
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        w = pickle.loads(pickle.dumps(v, protocol=protocol))
        assert w is not v and type(w) is type(v)
        assert w == v and not (w != v)
        assert repr(w) == repr(v)
    c = copy.deepcopy(v)
    assert c == v and copy.copy(v) == v
    assert v != object() and not (v == 1)
    if name in MUTABLE:
        with pytest.raises(TypeError):
            hash(v)
    else:
        assert hash(pickle.loads(pickle.dumps(v))) == hash(v)
        assert {v: 1}[c] == 1


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, enum.Enum):
        members = list(type(value))
        return members[(members.index(value) + 1) % len(members)] if len(members) > 1 else None
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value + dt.timedelta(days=1)
    if isinstance(value, list) and value:
        return value[:-1]
    state = getattr(value, "__getstate__", lambda: None)()
    if isinstance(state, dict):  # a nested value: change one of its fields
        for field, inner in state.items():
            new = _changed(inner)
            if new is not None:
                w = type(value).__new__(type(value))
                w.__setstate__({**state, field: new})
                return w
    return None


@pytest.mark.parametrize("name", value_classes())
def test_a_different_field_makes_a_different_value(name, samples):
    v = instance_of(name, samples)
    state = v.__getstate__()
    if not isinstance(state, dict):  # a JSON form: Event, Profile, Checkpoint (checked below)
        return
    changed = 0
    for field, value in state.items():
        new = _changed(value)
        if new is None:
            continue
        s2 = dict(state)
        s2[field] = new
        w = type(v).__new__(type(v))
        try:
            w.__setstate__(s2)
        except (d.InvalidArgument, TypeError, ValueError):
            continue  # e.g. an enum stored as its number, out of range
        assert w != v, (name, field)
        changed += 1
    assert changed or not state, name


def test_real_values_compare_by_content(samples, world):
    e = world.engine
    assert e.unit(world.ward) == e.unit(world.ward)  # two reads, two objects, one value
    assert e.unit(world.ward) is not e.unit(world.ward)
    assert e.unit(world.ward) != e.unit(world.district)
    assert len({e.unit(world.ward), e.unit(world.ward), e.unit(world.city)}) == 2
    ev = e.events()
    assert ev[0] == e.events()[0] and ev[0] != ev[1]
    assert pickle.loads(pickle.dumps(ev[-1])).to_dict() == ev[-1].to_dict()
    assert e.profile == d.builtin_profile("hanoi-2200") and e.profile != d.builtin_profile("vn-2025")
    cp = samples["Checkpoint"]
    assert d.Checkpoint.from_line(cp.to_line()) == cp and pickle.loads(pickle.dumps(cp)).to_line() == cp.to_line()


def test_unpickling_refuses_an_unknown_field_and_keeps_defaults_for_missing_ones(samples):
    u = samples["Unit"]
    state = u.__getstate__()
    w = d.Unit.__new__(d.Unit)
    with pytest.raises(d.InvalidArgument, match="unknown state field 'colour'"):
        w.__setstate__({**state, "colour": "red"})
    partial = {k: v for k, v in state.items() if k != "remote"}
    w = d.Unit.__new__(d.Unit)
    w.__setstate__(partial)
    assert w.remote is False and w.name == u.name


def test_commands_pickle_through_their_json_form(samples):
    a = d.Assign(7, 2, deadline=D(2022, 10, 30))
    b = pickle.loads(pickle.dumps(a))
    assert b == a and b.to_dict() == a.to_dict()
    b.deadline = D(2022, 11, 1)  # settable: that is why commands are unhashable
    assert b != a
    with pytest.raises(TypeError):
        hash(a)
    with pytest.raises(d.InvalidArgument):
        d.Assign.__new__(d.Assign).__setstate__(d.WriteReply(1, "n", signer=2, text="t").to_dict())
