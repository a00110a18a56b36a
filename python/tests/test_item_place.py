"""Issue 14 from Python: an item's own place (ItemSpec.place, PlaceItem, event item_placed),
which overrides its opinion's (R04, R18), with hostile input (lat 91, NaN, strings for numbers,
huge addresses, invalid UTF-8): a clear error, a stable code, nothing changed."""
from __future__ import annotations

import math
import pickle

import pytest

import doithoai as d
from conftest import D, at, make_world

LAT, LON = 21.0405, 105.8747


def opinion(w, items, place=None):
    kw = {} if place is None else {"place": place}
    return w.engine.submit_opinion(w.office, w.ward, items, channel="letter", raised_by=w.resident, **kw)


def r7(x):  # what the engine keeps: degrees rounded to 1e-7
    return round(x * 1e7) / 1e7


def near(e, lat, lon, radius=50, **kw):
    return [x["item"] for x in d.items_near(e, lat, lon, radius, **kw)]


def test_R04_item_places_in_every_form():
    w = make_world()
    e = w.engine
    r = opinion(w, [d.ItemSpec("urban_order", "Lấn chiếm vỉa hè"),
                    d.ItemSpec("land", "Đất công bị lấn", place=(LAT + 0.01, LON, "Bãi đất cạnh đê")),
                    ("environment", "Rác", {"lat": LAT + 0.02, "long": LON}),
                    {"topic": "land", "text": "Cống hỏng", "place": d.Place(LAT + 0.03, LON)}],
                place=(LAT, LON, "Ngõ 30"))
    a, b, c, k = r.items
    assert d.item_place(e, a) == d.Place(LAT, LON, "Ngõ 30")
    assert d.item_place(e, b) == d.Place(r7(LAT + 0.01), LON, "Bãi đất cạnh đê")
    assert near(e, LAT + 0.02, LON) == [c]
    assert near(e, LAT + 0.03, LON) == [k]
    types = [x.type for x in e.events(r.first_seq, 10)]
    assert types == ["opinion_submitted", "item_placed", "item_placed", "item_placed"]
    assert all("place" not in it for it in e.events(r.first_seq, 1)[0].data["items"])
    # The command's forms: no "place" in an item without one; equality, repr and pickling.
    cmd = d.SubmitOpinion(w.ward, [("land", "x"), d.ItemSpec("land", "y", place=(LAT, LON))], raised_by=w.resident)
    items = cmd.to_dict()["items"]
    assert items[0] == {"topic": "land", "text": "x"}
    assert items[1]["place"] == {"lat": LAT, "long": LON, "address": ""}
    assert d.command_from_dict(cmd.to_dict()) == cmd
    spec = d.ItemSpec("land", "y", place=(LAT, LON, "Ngõ 5"))
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert spec != d.ItemSpec("land", "y")
    assert "Ngõ 5" in repr(spec)
    spec.place = None
    assert spec == d.ItemSpec("land", "y")


def test_R04_place_item_moves_an_item_and_past_dates_keep_the_old_place():
    w = make_world()
    e = w.engine
    item = opinion(w, [("urban_order", "Lấn chiếm vỉa hè")], place=(LAT, LON)).items[0]
    w.clock.set(at(D(2022, 8, 20)))
    with pytest.raises(d.PermissionDenied):
        e.place_item(w.resident, item, (LAT + 0.02, LON))
    e.place_item(w.office, item, d.Place(LAT + 0.02, LON, "Đầu ngõ"))
    assert near(e, LAT, LON) == []
    assert near(e, LAT + 0.02, LON) == [item]
    assert near(e, LAT, LON, as_of=D(2022, 8, 10)) == [item]
    assert near(e, LAT + 0.02, LON, as_of=D(2022, 8, 10)) == []
    assert e.events(e.last_seq, 1)[0].data == {"item": item, "on": "2022-08-20",
                                               "place": {"lat": r7(LAT + 0.02), "long": LON, "address": "Đầu ngõ"}}
    before = e.last_seq
    e.execute(w.office, d.PlaceItem(item, (LAT + 0.02, LON, "Đầu ngõ")))  # the same place: nothing recorded
    assert e.last_seq == before
    assert d.PlaceItem(item, {"lat": 1, "long": 2}).to_dict() == {
        "type": "place_item", "item": item, "place": {"lat": 1.0, "long": 2.0, "address": ""}, "on": None}
    e.assign(w.office, item, w.order)
    e.place_item(w.order_officer, item, (LAT, LON))  # the agency it is assigned to
    assert near(e, LAT, LON) == [item]


HOSTILE = [
    ((91, LON), d.InvalidArgument), ((math.nan, LON), d.InvalidArgument), ((LAT, -math.inf), d.InvalidArgument),
    ((LAT, 1e308), d.InvalidArgument), ((10 ** 400, LON), d.InvalidArgument), (("21", LON), TypeError),
    ((LAT, None), TypeError), ((False, LON), TypeError), ("21,105", TypeError), ({"lat": LAT}, d.InvalidArgument),
    ({"lat": LAT, "long": LON, "alt": 3}, d.InvalidArgument), ((LAT, LON, "a" * 100_000), d.InvalidArgument),
    ((LAT, LON, "\ud800"), d.InvalidArgument), ((LAT, LON, b"\xff"), TypeError), ((LAT, LON, 7), TypeError),
    ((LAT,), d.InvalidArgument),
]


@pytest.mark.parametrize("place,error", HOSTILE)
def test_R04_hostile_item_places_are_refused_and_change_nothing(place, error):
    w = make_world()
    e = w.engine
    item = opinion(w, [("land", "x")]).items[0]
    before = e.last_seq
    with pytest.raises(error):
        opinion(w, [("land", "y", place)])
    with pytest.raises(error):
        opinion(w, [{"topic": "land", "text": "y", "place": place}])
    with pytest.raises(error):
        e.place_item(w.office, item, place)
    assert e.last_seq == before
    assert d.item_place(e, item) is None


def test_R04_hostile_item_places_in_json_forms():
    w = make_world()
    e = w.engine
    item = opinion(w, [("land", "x")]).items[0]
    before = e.last_seq
    for place in [{"lat": 91, "long": 1}, {"lat": "21", "long": 1}, {"lat": math.nan, "long": 1}, {"long": 1},
                  None, "here", {"lat": 1, "long": 2, "address": "a" * 600}]:
        with pytest.raises(d.InvalidArgument):
            e.execute(w.office, d.command_from_dict({"type": "place_item", "item": item, "place": place}))
        if place is None:
            continue  # an item's "place": null is no place of its own (below)
        with pytest.raises(d.InvalidArgument):
            e.execute(w.office, d.command_from_dict({
                "type": "submit_opinion", "unit": w.ward, "channel": "letter", "raised_by": w.resident,
                "items": [{"topic": "land", "text": "y", "place": place}]}))
    with pytest.raises(d.NotFound):
        e.place_item(w.office, 10 ** 6, (LAT, LON))
    with pytest.raises(TypeError):
        e.place_item(w.office, item, None)
    assert e.last_seq == before
    r = e.execute(w.office, d.command_from_dict({
        "type": "submit_opinion", "unit": w.ward, "channel": "letter", "raised_by": w.resident,
        "items": [{"topic": "land", "text": "y", "place": None}]}))
    assert r.last_seq == r.first_seq  # opinion_submitted alone
    assert d.item_place(e, r.items[0]) is None


def test_R07_R13_merged_items_are_refused_and_open311_uses_the_items_own_place():
    w = make_world()
    e = w.engine
    r = opinion(w, [("urban_order", "Lấn chiếm vỉa hè"), ("urban_order", "Lấn chiếm vỉa hè ngõ 30")],
                place=(LAT, LON))
    e.merge_duplicate(w.office, r.items[1], r.items[0])
    with pytest.raises(d.InvalidTransition):
        e.place_item(w.office, r.items[1], (LAT, LON + 0.01))
    e.place_item(w.office, r.items[0], (LAT + 0.001, LON, "Ngõ 30 Bồ Đề"))
    rows = d.export_open311(e, visibility="internal")
    row = next(x for x in rows if x["service_request_id"] == str(r.items[0]))
    assert row["lat"] == r7(LAT + 0.001)
    assert row["address"] == "Ngõ 30 Bồ Đề"
