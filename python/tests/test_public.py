"""Issue 14 from Python: names withheld, anonymous opinions and tracking codes (R04, R10, R13,
R16, R19)."""
from __future__ import annotations

import datetime as dt

import pytest

import doithoai as d

from conftest import D, at

LABEL = "Người dân (ẩn danh)"


def mailbox(w, text="Thư không ký tên: quán karaoke ồn sau 22 giờ"):
    return w.engine.submit_opinion(w.office, w.ward, channel=d.Channel.mailbox, items=[("urban_order", text)])


def test_R04_anonymous_opinion_only_through_the_profiles_channels(world):
    e = world.engine
    before = e.last_seq
    with pytest.raises(d.InvalidArgument, match="mailbox"):
        e.submit_opinion(world.office, world.ward, channel=d.Channel.letter, items=[("land", "không tên")])
    assert e.last_seq == before
    r = mailbox(world)
    o = e.opinion(r.id)
    assert o.anonymous and not o.name_withheld and o.raised_by is None
    assert o.to_dict()["anonymous"] is True


def test_R19_a_resident_cannot_enter_an_anonymous_opinion(world):
    with pytest.raises(d.PermissionDenied):
        world.engine.submit_opinion(world.resident, world.ward, channel=d.Channel.mailbox, items=[("land", "x")])


def test_R10_anonymous_reply_completed_by_public_posting(world):
    e, w = world.engine, world
    item = mailbox(w).items[0]
    e.assign(w.office, item, w.order)
    e.write_reply(w.order_officer, item, number="5/TB", signer=w.order_officer, text="Đã xử lý")
    for r in (d.Recipient.party_head, d.Recipient.government_head, d.Recipient.front_chair):
        e.record_delivery(w.office, item, r)
    with pytest.raises(d.InvalidArgument, match="anonymous"):
        e.record_delivery(w.office, item, d.Recipient.raiser)
    assert e.item(item).status == d.ItemStatus.reply_written
    e.publish_reply(w.office, item)
    assert e.item(item).status == d.ItemStatus.replied


def test_R11_anonymous_item_escalated_without_telling_a_raiser(world):
    e, w = world.engine, world
    item = mailbox(w).items[0]
    before = e.last_seq
    named = e.submit_opinion(w.office, w.ward, channel=d.Channel.letter, raised_by=w.resident,
                             items=[("land", "Đất lấn chiếm")]).items[0]
    with pytest.raises(d.InvalidArgument, match="raiser_notified_on"):
        e.escalate(w.office, named, w.district, "Đề nghị quận xử lý", None)
    assert e.last_seq == before + 1
    r = e.escalate(w.office, item, w.district, "Đề nghị quận xử lý", None)
    it = e.item(item)
    assert it.status == d.ItemStatus.handed_on and it.escalated_to == r.id
    assert it.raiser_notified_on is None
    assert e.state_as_of(dt.date(2100, 1, 1)).item(item).to_dict() == it.to_dict()


def test_R13_name_withheld_in_public_views_and_known_internally(world):
    e, w = world.engine, world
    S = d.SYSTEM
    p = e.register_person(S, "Phạm Văn Đồng", consent_public=True).id
    e.grant_role(S, p, d.Role.resident, w.ward)
    r = e.execute(w.office, d.SubmitOpinion(unit=w.ward, channel=d.Channel.letter, raised_by=p, withhold_name=True,
                                            items=[("land", "Đề nghị công khai quy hoạch")]))
    o = e.opinion(r.id)
    assert o.name_withheld and o.raised_by == p
    item = r.items[0]
    e.assign(w.office, item, w.land)
    e.write_reply(w.land_officer, item, number="7/TB", signer=w.land_officer, text="Đã công khai")
    for rc in d.Recipient:
        e.record_delivery(w.office, item, rc)
    e.publish_reply(w.office, item)
    feed = d.public_feed(e, unit=w.ward)
    assert [x.raised_by for x in feed] == [LABEL]
    assert "Phạm Văn Đồng" not in str(d.export_items_json(e))
    assert "Phạm Văn Đồng" in str(d.export_items_json(e, visibility="internal"))
    assert "Phạm Văn Đồng" not in str(d.export_open311(e))
    t = e.track(o.tracking_code)
    assert t.raised_by == LABEL and t.items[0].reply is not None
    assert d.track(e, o.tracking_code).to_dict() == t.to_dict()


def test_R16_report_counts_anonymous_and_withheld(world):
    e, w = world.engine, world
    mailbox(w)
    e.submit_opinion(w.office, w.ward, channel=d.Channel.letter, raised_by=w.resident, withhold_name=True,
                     items=[("land", "a"), ("land", "b")])
    rep = d.make_report(e, unit=w.ward, period=d.Period.range(D(2022, 8, 1), D(2022, 8, 31)), as_of=D(2022, 8, 10))
    assert (rep.opinions_anonymous, rep.opinions_name_withheld) == (1, 1)
    assert (rep.items_anonymous, rep.items_name_withheld) == (1, 2)
    assert rep.to_dict()["opinions"]["anonymous"] == 1


def test_R04_tracking_code_lookup_live_and_as_of(world):
    e, w = world.engine, world
    r = mailbox(w)
    code = e.opinion(r.id).tracking_code
    assert code == f"BD-2022-{r.id:06d}"
    item = r.items[0]
    w.clock.set(at(D(2022, 8, 12)))
    e.assign(w.office, item, w.order)
    t = e.track(code.lower())
    assert t.code == code and t.items[0].status == d.ItemStatus.assigned and t.items[0].agency
    past = e.track(code, as_of=D(2022, 8, 11))
    assert past.items[0].status == d.ItemStatus.open
    assert past.to_dict() == d.track(e, code, as_of=D(2022, 8, 11)).to_dict()
    with pytest.raises(d.NotFound):
        e.track(code, as_of=D(2022, 8, 9))
    with pytest.raises(d.NotFound):
        e.track("BD-2022-999999")


@pytest.mark.parametrize("bad", ["", "BD", "BD-22-000001", "BD-2022-x", "BD-2022-0", "BD-2022-" + "9" * 20,
                                 "A" * 300 + "-2022-000001", "BD-2022-000001\x00", "BD-2022-\ud800"])
def test_R04_hostile_tracking_codes(world, bad):
    before = world.engine.last_seq
    with pytest.raises(d.InvalidArgument):
        world.engine.track(bad)
    assert world.engine.last_seq == before


@pytest.mark.parametrize("bad", [1, None, b"BD-2022-000001", ["BD"]])
def test_R04_tracking_code_wrong_types(world, bad):
    with pytest.raises(TypeError):
        world.engine.track(bad)
    with pytest.raises(TypeError):
        world.engine.track("BD-2022-000001", as_of="2022-08-10")


@pytest.mark.parametrize("bad", ["yes", 1, 0, [True]])
def test_R13_withhold_name_must_be_a_bool(world, bad):
    with pytest.raises(TypeError):
        d.SubmitOpinion(unit=world.ward, items=[("land", "x")], withhold_name=bad)
