"""Issue 14 from Python: places on opinions (R04, R18) and the satisfaction follow-up (R10, R14,
R16), with hostile input (NaN, 1e308, strings for numbers, invalid text)."""
from __future__ import annotations

import datetime as dt
import math

import pytest

import doithoai as d
from conftest import D, at, make_world

LAT, LON = 21.0405, 105.8747


def letter(w, place=None, raiser=None, topic="urban_order"):
    kw = {} if place is None else {"place": place}
    raiser = raiser or w.resident
    return w.engine.submit_opinion(w.office, w.ward, [(topic, "Lấn chiếm vỉa hè")], channel="letter",
                                   raised_by=raiser, **kw).items[0]


def replied(w, raiser=None):
    e = w.engine
    item = letter(w, raiser=raiser)
    e.assign(w.office, item, w.order)
    e.write_reply(w.order_officer, item, "1/TL", w.order_officer, "Đã xử lý")
    for r in ("party_head", "government_head", "front_chair", "raiser"):
        e.record_delivery(w.office, item, r)
    return item


def test_R04_place_forms_and_queries():
    w = make_world()
    e = w.engine
    a = letter(w, d.Place(LAT, LON, "Ngõ 30"))
    b = letter(w, (LAT + 0.001, LON))
    c = letter(w, {"lat": LAT + 0.005, "long": LON})
    letter(w)  # no place
    assert d.item_place(e, a) == d.Place(LAT, LON, "Ngõ 30")
    assert d.item_place(e, letter(w)) is None
    near = d.items_near(e, LAT, LON, 200)
    assert [x["item"] for x in near] == [a, b]
    assert near[1]["distance_m"] == pytest.approx(111.2, abs=0.5)
    assert near[0]["place"] == {"lat": LAT, "long": LON, "address": "Ngõ 30"}
    assert [x["item"] for x in d.items_near(e, LAT, LON, 1000, unit=w.ward, limit=2)] == [a, b]
    assert [x["item"] for x in d.items_in_box(e, 21, 105, 22, 106)] == [a, b, c]
    assert d.items_near(e, LAT, LON, 1000, status="assigned") == []
    cmd = d.SubmitOpinion(w.ward, [("land", "x")], raised_by=w.resident, place=(LAT, LON, "Ngõ 5"))
    assert cmd.place == d.Place(LAT, LON, "Ngõ 5")
    assert cmd.to_dict()["place"] == {"lat": LAT, "long": LON, "address": "Ngõ 5"}


@pytest.mark.parametrize("place,error", [
    ((math.nan, LON), d.InvalidArgument), ((LAT, math.inf), d.InvalidArgument), ((1e308, LON), d.InvalidArgument),
    ((91, LON), d.InvalidArgument), ((LAT, -180.5), d.InvalidArgument), (("21", LON), TypeError),
    ((True, LON), TypeError), ({"lat": LAT}, d.InvalidArgument), ({"lat": LAT, "long": LON, "x": 1}, d.InvalidArgument),
    ((LAT, LON, "\ud800"), d.InvalidArgument), ((LAT, LON, "a" * 513), d.InvalidArgument), ("21,105", TypeError),
    ((10 ** 400, LON), d.InvalidArgument),
])
def test_R04_hostile_places_are_refused_and_change_nothing(place, error):
    w = make_world()
    before = w.engine.last_seq
    with pytest.raises(error):
        letter(w, place)
    assert w.engine.last_seq == before


def test_R04_hostile_query_arguments():
    w = make_world()
    e = w.engine
    for args in [(math.nan, LON, 10), (LAT, LON, 0), (LAT, LON, -1), (LAT, LON, math.inf), (LAT, 1e308, 10)]:
        with pytest.raises(d.InvalidArgument):
            d.items_near(e, *args)
    with pytest.raises(TypeError):
        d.items_near(e, "21", LON, 10)
    with pytest.raises(d.InvalidArgument):
        d.items_near(e, LAT, LON, 10, limit=0)
    with pytest.raises(d.InvalidArgument):
        d.items_in_box(e, 10, 0, 5, 1)
    with pytest.raises(d.NotFound):
        d.items_near(e, LAT, LON, 10, unit=999)


def test_R04_number_arguments_share_one_check():
    """Every number argument (Place, a place tuple or dict, items_near, items_in_box,
    similar_items_near) goes through one check (arg_number, bindings/common.h): the same
    TypeError for a non-number and the same InvalidArgument for an int too large for a double."""
    w = make_world()
    e = w.engine
    calls = {
        "lat": lambda x: d.Place(x, LON),
        "place: lat": lambda x: d.SubmitOpinion(w.ward, [("land", "x")], raised_by=w.resident, place=(x, LON)),
        "place: long": lambda x: d.SubmitOpinion(w.ward, [("land", "x")], raised_by=w.resident,
                                                 place={"lat": LAT, "long": x}),
        "radius_m": lambda x: d.items_near(e, LAT, LON, x),
        "east": lambda x: d.items_in_box(e, 21, 105, 22, x),
        "long": lambda x: d.similar_items_near(e, w.ward, "vỉa hè", LAT, x),
    }
    for what, call in calls.items():
        for bad in ("21", True, None, [1]):
            with pytest.raises(TypeError) as t:
                call(bad)
            assert str(t.value) == f"{what}: expected a number (int or float), got {type(bad).__name__}"
        with pytest.raises(d.InvalidArgument) as i:
            call(10 ** 400)
        assert str(i.value) == f"{what}: number out of range"
        assert i.value.code == "invalid_argument"


def test_R04_place_queries_as_of_match_state_as_of():
    w = make_world()
    e = w.engine
    a = letter(w, (LAT, LON))
    w.clock.set(at(D(2022, 8, 20)))
    letter(w, (LAT, LON + 0.001))
    past = d.items_near(e, LAT, LON, 1000, as_of=D(2022, 8, 10))
    assert [x["item"] for x in past] == [a]
    assert len(d.items_near(e, LAT, LON, 1000)) == 2


def test_R10_R14_satisfaction_and_the_supervision_list():
    w = make_world()
    e = w.engine
    item = replied(w)
    with pytest.raises(d.PermissionDenied):
        e.record_satisfaction(w.office, item, "satisfied")
    with pytest.raises(d.InvalidArgument):
        e.record_satisfaction(w.resident, item, "not_satisfied")  # a comment is required
    with pytest.raises(d.InvalidArgument):
        e.record_satisfaction(w.resident, item, "very")
    with pytest.raises(TypeError):
        e.record_satisfaction(w.resident, item, d.Satisfaction.not_satisfied, comment=5)
    with pytest.raises(d.InvalidArgument):
        e.record_satisfaction(w.resident, item, d.Satisfaction.not_satisfied, comment="\ud800")
    e.record_satisfaction(w.resident, item, d.Satisfaction.not_satisfied, comment="Chưa xử lý")
    with pytest.raises(d.InvalidTransition):
        e.record_satisfaction(w.front, item, "satisfied")  # not revised
    rating = d.satisfaction_of(e, item)
    assert rating["rating"] == "not_satisfied" and rating["awaiting_front"] is True
    assert [x["item"] for x in d.supervision_list(e, unit=w.ward)] == [item]
    assert any(t.reason == "not_satisfied" for t in d.unscheduled_triggers(e, unit=w.ward))
    w.clock.set(at(D(2022, 8, 12)))
    e.record_finding(w.front, item, "Đã làm việc với người dân", satisfactory=False)
    assert d.supervision_list(e, unit=w.ward) == []
    assert [x["item"] for x in d.supervision_list(e, unit=w.ward, as_of=D(2022, 8, 10))] == [item]
    # Outside the window (30 days after the reply).
    other = replied(w, raiser=w.resident2)
    w.clock.set(at(D(2022, 9, 30)))
    with pytest.raises(d.InvalidTransition):
        e.record_satisfaction(w.resident2, other, "satisfied")


def test_R16_report_satisfaction_rates():
    w = make_world()
    e = w.engine
    a, b = replied(w), replied(w)
    e.record_satisfaction(w.resident, a, "satisfied")
    e.record_satisfaction(w.resident, b, "partly_satisfied", comment="Một phần")
    rep = d.make_report(e, d.Period.month(2022, 8), unit=w.district)
    assert rep.satisfaction["rated"] == 2
    assert rep.satisfaction["satisfied_percent"] == 50.0
    assert rep.satisfaction["by_agency"][0]["partly_satisfied"] == 1
    assert rep.to_dict()["satisfaction"] == rep.satisfaction
    assert d.make_report(e, d.Period.month(2022, 7), unit=w.district, as_of=D(2022, 8, 10)).satisfaction is None


def test_R07_similar_items_near_ranks_nearby_items_first():
    w = make_world()
    e = w.engine
    text = "Rác thải tồn đọng đầu ngõ 30 phố Bồ Đề"
    far = e.submit_opinion(w.office, w.ward, [("environment", text)], channel="letter", raised_by=w.resident,
                           place=(LAT + 0.05, LON)).items[0]
    near = e.submit_opinion(w.office, w.ward, [("environment", text)], channel="letter", raised_by=w.resident,
                            place=(LAT, LON)).items[0]
    assert [x.item for x in e.similar_items(w.ward, text)] == [far, near]
    assert [x.item for x in d.similar_items_near(e, w.ward, text, LAT, LON)] == [near, far]
    with pytest.raises(d.InvalidArgument):
        d.similar_items_near(e, w.ward, text, math.nan, LON)
    with pytest.raises(TypeError):
        d.similar_items_near(e, w.ward, text, "21", LON)
