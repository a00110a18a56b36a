"""Workflow rules proven from Python (named after DOMAIN.md's rule ids)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

import doithoai as d
from conftest import D, at, hold_conference, make_world, raise_items, reply_fully


def test_R03_conference_lifecycle_planned_held_concluded_closed(world):
    e = world.engine
    conf = e.plan_conference(world.office, world.ward, planned_on=D(2022, 9, 30), audience="all_residents").id
    assert e.conference(conf).status is d.ConferenceStatus.planned
    # Opinions collected in advance while planned.
    adv = e.submit_opinion(world.office, world.ward, conference=conf, channel="collected_in_advance",
                           raised_by=world.resident2, items=[("security", "Trộm cắp xe máy ở tổ 5")]).items
    with pytest.raises(d.InvalidTransition):
        e.issue_conclusion_notice(world.office, conf, "01-TB/ĐU")  # not held yet
    world.clock.set(at(D(2022, 9, 30), 14))
    e.hold_conference(world.office, conf, chairs=[world.party_head, world.gov_head], attendance=150)
    c = e.conference(conf)
    assert c.status is d.ConferenceStatus.held and c.held_on == D(2022, 9, 30)
    items = raise_items(world, conf, ["Cấp giấy chứng nhận quyền sử dụng đất chậm"])
    e.answer_on_spot(world.office, items[0], answered_by=world.gov_head, gist="Sẽ cấp trong tháng 10")
    e.answer_on_spot(world.office, adv[0], answered_by=world.party_head, gist="Tăng tuần tra")
    world.clock.set(at(D(2022, 10, 7)))
    e.issue_conclusion_notice(world.office, conf, "45-TB/ĐU", text="Kết luận của Bí thư Đảng ủy")
    c = e.conference(conf)
    assert c.status is d.ConferenceStatus.concluded
    assert c.notice.due == D(2022, 10, 10) and c.notice.on_time
    e.close_conference(world.office, conf)
    assert e.conference(conf).status is d.ConferenceStatus.closed


def test_R03_public_notice_at_least_7_days_before(world):
    e = world.engine
    with pytest.raises(d.InvalidArgument, match="7 days"):
        e.plan_conference(world.office, world.ward, planned_on=D(2022, 8, 14), audience="all_residents")
    e.plan_conference(world.office, world.ward, planned_on=D(2022, 8, 17), audience="all_residents")


def test_R03_conference_with_open_items_cannot_close(held):
    e = held.engine
    raise_items(held, held.conf, ["Ngõ 100 ngập nước"], topic="infrastructure")
    held.clock.set(at(D(2022, 10, 5)))
    e.issue_conclusion_notice(held.office, held.conf, "45-TB/ĐU", text="Kết luận")
    with pytest.raises(d.InvalidTransition, match="neither resolved"):
        e.close_conference(held.office, held.conf)


def test_R09_assignment_deadline_defaults_to_30_days(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["Lấn chiếm vỉa hè phố Nguyễn Văn Cừ"], topic="urban_order")
    held.clock.set(at(D(2022, 10, 3)))
    e.assign(held.office, item, held.order)
    it = e.item(item)
    assert it.status is d.ItemStatus.assigned
    assert it.deadline == D(2022, 10, 30) == it.original_deadline
    assert it.agency == held.order


def test_R09_deadline_later_than_default_needs_an_extension(held):
    (item,) = raise_items(held, held.conf, ["x"])
    with pytest.raises(d.InvalidArgument, match="extension"):
        held.engine.assign(held.office, item, held.land, deadline=D(2022, 11, 15))
    held.engine.assign(held.office, item, held.land, deadline=D(2022, 10, 20))
    assert held.engine.item(item).deadline == D(2022, 10, 20)


def test_R09_only_heads_or_office_assign(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["x"])
    before = e.last_seq
    for actor in (held.resident, held.front, held.land_officer):
        with pytest.raises(d.PermissionDenied, match="R19"):
            e.assign(actor, item, held.land)
    assert e.last_seq == before
    e.assign(held.gov_head, item, held.land)


def test_R10_reply_counts_only_when_delivered_to_all_four(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["Cấp sổ đỏ cho hộ gia đình tổ 12"])
    e.assign(held.office, item, held.land)
    held.clock.set(at(D(2022, 10, 20)))
    with pytest.raises(d.PermissionDenied):  # another agency cannot reply
        e.write_reply(held.order_officer, item, "1/TL", date=D(2022, 10, 20), signer=held.order_officer, text="...")
    e.write_reply(held.land_officer, item, "1/TL", date=D(2022, 10, 20), signer=held.land_officer, text="Đã cấp")
    assert e.item_status(item) is d.ItemStatus.reply_written
    recipients = list(d.Recipient)
    assert set(held.engine.profile.reply_recipients) == set(recipients)
    for r in recipients[:-1]:
        e.record_delivery(held.office, item, r, on=D(2022, 10, 20))
        assert e.item_status(item) is d.ItemStatus.reply_written
    e.record_delivery(held.office, item, recipients[-1], on=D(2022, 10, 20))
    it = e.item(item)
    assert it.status is d.ItemStatus.replied
    assert [x.recipient for x in it.reply.deliveries] == recipients
    assert it.reply.completed_on == D(2022, 10, 20)
    with pytest.raises(d.InvalidTransition):
        e.record_delivery(held.office, item, d.Recipient.raiser, on=D(2022, 10, 20))


def test_R12_extension_needs_notice_and_keeps_original_deadline(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["Bồi thường GPMB dự án đường 40m"], topic="site_clearance")
    e.assign(held.office, item, held.land)
    held.clock.set(at(D(2022, 10, 25)))
    with pytest.raises(d.InvalidArgument):  # no notice date
        e.extend(held.office, item, deadline=D(2022, 12, 15), notice_number="12/TB-UBND", notice_date=None)
    e.extend(held.office, item, D(2022, 12, 15), "12/TB-UBND", D(2022, 10, 25), reason="Liên quan nhiều ngành")
    it = e.item(item)
    assert it.deadline == D(2022, 12, 15)
    assert it.original_deadline == D(2022, 10, 30)
    (ext,) = it.extensions
    assert ext.previous == D(2022, 10, 30) and ext.notice_number == "12/TB-UBND" and ext.agency == held.land
    acc = e.accounting(held.ward, D(2022, 11, 5))
    assert acc.extended_items == 1 and acc.extensions == 1
    assert acc.not_yet_due == 1 and acc.overdue == 0  # the extended deadline counts
    with pytest.raises(d.InvalidArgument, match="later"):
        e.extend(held.office, item, D(2022, 12, 1), "13/TB", D(2022, 10, 25))


def test_R14_front_supervises_reopens_and_only_it_closes(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["Rác thải tồn đọng ngõ 190"], topic="environment")
    e.assign(held.office, item, held.land)
    held.clock.set(at(D(2022, 10, 20)))
    reply_fully(held, item, D(2022, 10, 20))
    assert e.item_status(item) is d.ItemStatus.replied
    with pytest.raises(d.PermissionDenied, match="R14"):
        e.close_item(held.office, item)
    with pytest.raises(d.PermissionDenied):
        e.reopen(held.gov_head, item, "không")
    e.record_finding(held.front, item, "Rác vẫn tồn đọng", satisfactory=False)
    held.clock.set(at(D(2022, 11, 2)))
    e.reopen(held.front, item, "Chưa xử lý dứt điểm")
    it = e.item(item)
    assert it.reopened == 1 and it.deadline == D(2022, 12, 2)  # reopen rule: 30 days
    assert it.status in (d.ItemStatus.assigned, d.ItemStatus.open)
    assert len(it.findings) == 1 and not it.findings[0].satisfactory
    held.clock.set(at(D(2022, 11, 20)))
    reply_fully(held, item, D(2022, 11, 20))
    e.close_item(held.front, item, note="Đã xử lý")
    assert e.item_status(item) is d.ItemStatus.closed
    with pytest.raises(d.InvalidTransition, match="closed for good"):
        e.reopen(held.front, item, "lại")


def test_R15_resolved_plus_outstanding_equals_items_as_of_dates(held):
    e = held.engine
    items = raise_items(held, held.conf, [f"Nội dung {k}" for k in range(6)])
    e.answer_on_spot(held.office, items[0], answered_by=held.gov_head, gist="Đã trả lời")
    for it in items[1:]:
        e.assign(held.office, it, held.land)
    e.extend(held.office, items[5], D(2022, 11, 30), "9/TB", D(2022, 9, 30))
    held.clock.set(at(D(2022, 10, 20)))
    reply_fully(held, items[1], D(2022, 10, 20))
    held.clock.set(at(D(2022, 11, 5)))
    reply_fully(held, items[2], D(2022, 11, 5))  # late
    for day, resolved, nyd, overdue in [(D(2022, 9, 30), 1, 5, 0), (D(2022, 10, 25), 2, 4, 0),
                                        (D(2022, 11, 10), 3, 1, 2)]:
        a = e.accounting(held.ward, day)
        assert (a.items, a.resolved, a.not_yet_due, a.overdue) == (6, resolved, nyd, overdue), day
        assert a.resolved + a.outstanding == a.items
        assert a.not_yet_due + a.overdue == a.outstanding
    a = e.accounting(held.ward, D(2022, 11, 10))
    assert a.replied_on_time == 1 and a.replied_late == 1 and a.answered_on_spot == 1
    assert e.standing(items[3], D(2022, 11, 10)) is d.Standing.overdue
    assert e.overdue(D(2022, 11, 10)) == [items[3], items[4]]


def test_R19_denied_action_changes_nothing_and_says_why(held):
    e = held.engine
    (item,) = raise_items(held, held.conf, ["x"])
    before = [ev.to_dict() for ev in e.events()]
    with pytest.raises(d.PermissionDenied) as info:
        e.close_item(held.resident, item)
    assert info.value.code == "permission_denied"
    assert "supervising body" in str(info.value)
    with pytest.raises(d.PermissionDenied):
        e.submit_opinion(held.resident2, held.ward, raised_by=held.resident, items=[("land", "giả mạo")])
    assert [ev.to_dict() for ev in e.events()] == before
    # A resident raises their own opinion and sees only their own items.
    own = e.submit_opinion(held.resident2, held.ward, channel=d.Channel.mailbox, raised_by=held.resident2,
                           items=[("traffic", "Đèn tín hiệu hỏng")]).items[0]
    assert e.can_view(held.resident2, own) and not e.can_view(held.resident2, item)
    assert e.items(visible_to=held.resident2) == [own]
    assert set(e.items(visible_to=held.front)) == {item, own}


def _vn2025_commune(start=D(2026, 3, 2)):
    """A province and a commune on the vn-2025 profile (two-tier government, art. 43)."""
    clock = d.ManualClock(at(start))
    e = d.Engine("vn-2025", clock=clock)
    S = d.SYSTEM
    province = e.create_unit(S, "Tỉnh Lâm Đồng", "tinh").id
    commune = e.create_unit(S, "Xã Hàm Tân", "xa", parent=province).id

    def person(name, role, unit, **kw):
        pid = e.register_person(S, name).id
        e.grant_role(S, pid, role, unit, **kw)
        return pid

    return SimpleNamespace(
        engine=e, clock=clock, province=province, commune=commune,
        party=person("Bí thư xã", "party_head", commune),
        chair=person("Chủ tịch UBND xã", "government_head", commune),
        office=person("Văn phòng xã", "office", commune),
        standing=person("Phó Chủ tịch HĐND xã", d.Role.council_standing, commune),
        member=person("Đại biểu HĐND xã", "council_member", commune),
        resident=person("Người dân", "resident", commune))


def test_R03_art43_commune_dialogue_co_chair_format_cluster_and_notice():
    w = _vn2025_commune()
    e = w.engine
    with pytest.raises(d.InvalidArgument):  # 6 days' notice only
        e.plan_conference(w.office, w.commune, audience="all_residents", planned_on=D(2026, 3, 8))
    conf = e.plan_conference(w.office, w.commune, audience="all_residents", planned_on=D(2026, 3, 9),
                             format="online", cluster="Cụm thôn 1, 2 và 3").id
    c = e.conference(conf)
    assert c.format is d.ConferenceFormat.online and c.cluster == "Cụm thôn 1, 2 và 3"
    w.clock.set(at(D(2026, 3, 9)))
    seq = e.last_seq
    with pytest.raises(d.InvalidArgument):  # no co-chair from the council's standing committee
        e.hold_conference(w.office, conf, chairs=[w.chair])
    with pytest.raises(d.InvalidArgument):  # a council member outside the standing committee
        e.hold_conference(w.office, conf, chairs=[w.chair], co_chairs=[w.member])
    assert e.last_seq == seq
    e.hold_conference(w.office, conf, chairs=[w.chair], co_chairs=[w.standing])
    c = e.conference(conf)
    assert c.co_chairs == [w.standing] and c.to_dict()["co_chairs"] == [w.standing]


def test_R17_reception_days_recorded_and_checked():
    w = _vn2025_commune(D(2026, 1, 1))
    e = w.engine
    w.clock.set(at(D(2026, 1, 20)))
    e.record_reception(w.party, w.commune, w.party, role="party_head", on=D(2026, 1, 5))
    seq = e.last_seq
    with pytest.raises(d.PermissionDenied):
        e.record_reception(w.resident, w.commune, w.party, role="party_head", on=D(2026, 1, 6))
    with pytest.raises(d.InvalidTransition):
        e.execute(w.office, d.RecordReception(w.commune, w.party, role=d.Role.party_head, on=D(2026, 1, 5)))
    assert e.last_seq == seq
    w.clock.set(at(D(2026, 2, 10)))
    rep = d.compliance(e, d.Period.month(2026, 1), unit=w.commune)
    case = next(c for c in rep.missed if c.requirement == "reception_days" and c.role == "party_head")
    assert (case.days, case.required_days) == (1, 2)
    assert "11-QĐi/TW" in case.citation
    assert any(c["requirement"] == "reception_days" for c in rep.to_dict()["missed"])


def test_R16_report_periods_and_recipients_from_the_profile():
    p = d.builtin_profile("vn-2025")
    assert "vn-2025" in d.builtin_profile_names()
    periods = d.report_periods(p, 2026)
    assert len(periods) == 16 and periods[12] == d.Period.quarter(2026, 1)
    assert d.report_recipients(p, "tinh")[0] == "Bộ Chính trị"
    assert p.reporting["periods"][0] == "month" and p.commune_dialogue["co_chair_required"] == "council_standing"
    w = _vn2025_commune(D(2026, 1, 1))
    r = d.make_report(w.engine, d.Period.month(2026, 1), unit=w.commune)
    assert r.recipients == d.report_recipients(p, "xa") and r.to_dict()["recipients"] == r.recipients


def test_R09_R12_explain_deadline_names_source_rule_calendar_and_notice(held):
    w, conf = held, held.conf
    e = w.engine
    item = raise_items(w, conf, ["Cấp sổ đỏ chậm"])[0]
    b = e.explain_deadline(item)
    assert isinstance(b, d.DeadlineBasis)
    assert (b.deadline, b.source, b.rule, b.given, b.event) == (D(2022, 10, 30), "conference", "reply", False,
                                                                 D(2022, 9, 30))
    assert b.computation is not None and b.computation.calendar_name == "vietnam"
    assert b.computation.kept_on_day_off  # hanoi-2200 keeps Bồ Đề's Sunday 30/10/2022
    e.assign(w.office, item, w.land)
    w.clock.set(at(D(2022, 10, 25)))
    e.extend(w.office, item, D(2022, 11, 30), "102/TB-UBND", D(2022, 10, 25))
    b = e.explain_deadline(item)
    assert (b.source, b.given, b.notice_number, b.original_deadline) == ("extension", True, "102/TB-UBND",
                                                                         D(2022, 10, 30))
    assert b.computation is None and "102/TB-UBND" in b.text_vi
    with pytest.raises(d.NotFound):
        e.explain_deadline(9999)
    with pytest.raises(TypeError):
        e.explain_deadline("1")


def test_R07_duplicate_suggestions_at_intake_rank_the_units_open_items_without_diacritics(world):
    e = world.engine
    road = e.submit_opinion(world.office, world.ward, channel="letter", raised_by=world.resident,
                            items=[("urban_order", "Đường ngõ 12 phố Ngọc Thụy xuống cấp, nhiều ổ gà")]).items[0]
    light = e.submit_opinion(world.office, world.ward, channel="letter", raised_by=world.resident2,
                             items=[("urban_order", "Đèn chiếu sáng ngõ 30 không sáng")]).items[0]
    found = e.similar_items(world.ward, "duong ngo 12 pho ngoc thuy xuong cap nhieu o ga")
    assert [s.item for s in found][:1] == [road]
    assert found[0].score == pytest.approx(1.0)
    assert isinstance(found[0], d.SimilarItem) and isinstance(found[0].item, int)
    assert found == e.similar_items(world.ward, "duong ngo 12 pho ngoc thuy xuong cap nhieu o ga")  # values
    assert e.similar_items(world.ward, "ĐÈN NGÕ 30", limit=1)[0].item == light
    assert e.similar_items(world.ward, "Hỏi về chế độ hưu trí") == []
    seq = e.last_seq
    with pytest.raises(d.NotFound):
        e.similar_items(d.UnitId(999), "đường")
    for text in ("", "a\ud800", "a\x00b", "x" * (16 * 1024 + 1)):
        with pytest.raises(d.InvalidArgument):
            e.similar_items(world.ward, text)
    for limit in (0, 101, -1, 2 ** 70):
        with pytest.raises(d.InvalidArgument):
            e.similar_items(world.ward, "đường", limit=limit)
    for bad in ((world.ward, 5), ("ward", "đường"), (world.ward, "đường", "10"), (world.ward, b"duong"),
                (world.ward, "đường", True), (world.ward, "đường", 1.5)):
        with pytest.raises(TypeError):
            e.similar_items(*bad)
    assert e.last_seq == seq


# ---- R12 extension caps, R13/R14 review before publication (issue 15) ----

def _profile_with(**sections):
    doc = d.builtin_profile("hanoi-2200").to_dict()
    doc["topics"] = doc["topics"] + [{"code": "denunciation", "label": "Tố cáo"}]
    doc.update(sections)
    return d.load_profile(doc)


def test_R12_extension_caps_refuse_beyond_count_and_length_and_change_nothing():
    p = _profile_with(extension_limits=[{"topics": ["denunciation"], "max_count": 2, "max_days": 30,
                                         "citation": "Luật Tố cáo 2018, điều 30"}])
    assert p.extension_limits[0]["max_count"] == 2
    w = make_world(profile=p)
    e = w.engine
    w.conf = hold_conference(w)
    (item,) = raise_items(w, w.conf, ["Tố cáo cán bộ địa chính"], topic="denunciation")
    e.assign(w.office, item, w.land)  # due 2022-10-30
    w.clock.set(at(D(2022, 10, 25)))
    before = (e.last_seq, e.item(item).to_dict())
    with pytest.raises(d.InvalidArgument, match="Luật Tố cáo 2018"):
        e.extend(w.office, item, D(2022, 12, 1), "1/TB", D(2022, 10, 25))  # 32 days
    assert (e.last_seq, e.item(item).to_dict()) == before
    e.extend(w.office, item, D(2022, 11, 29), "1/TB", D(2022, 10, 25))
    e.extend(w.office, item, D(2022, 12, 29), "2/TB", D(2022, 10, 25))
    before = (e.last_seq, e.item(item).to_dict())
    with pytest.raises(d.InvalidTransition, match="at most 2"):
        e.extend(w.office, item, D(2022, 12, 30), "3/TB", D(2022, 10, 25))
    assert (e.last_seq, e.item(item).to_dict()) == before
    assert [x.deadline for x in e.item(item).extensions] == [D(2022, 11, 29), D(2022, 12, 29)]
    shipped = d.builtin_profile("vn-2025").extension_limits
    assert [(x["topics"], x["max_count"], x["max_days"]) for x in shipped] == \
        [(["denunciation"], 2, 30), (["complaint"], 1, 15)]


def test_R13_R14_review_draft_approved_or_returned_before_delivery():
    p = _profile_with(reply_review={"reviewer": "office", "citation": "Quy chế thử"})
    assert p.reply_review == {"reviewer": "office", "citation": "Quy chế thử"}
    assert d.builtin_profile("hanoi-2200").reply_review is None
    w = make_world(profile=p)
    e = w.engine
    w.conf = hold_conference(w)
    (item,) = raise_items(w, w.conf, ["Cấp sổ đỏ chậm"])
    e.assign(w.office, item, w.land)
    w.clock.set(at(D(2022, 10, 10)))
    e.write_reply(w.land_officer, item, "1/TL", signer=w.land_officer, text="Dự thảo")
    it = e.item(item)
    assert it.reply.draft and it.reply.approved_on is None and it.status is d.ItemStatus.reply_written
    before = (e.last_seq, e.item(item).to_dict())
    with pytest.raises(d.InvalidTransition):
        e.record_delivery(w.office, item, d.Recipient.raiser)
    with pytest.raises(d.PermissionDenied):
        e.approve_reply(w.land_officer, item)
    with pytest.raises(d.InvalidArgument):
        e.return_reply(w.office, item, "")
    assert (e.last_seq, e.item(item).to_dict()) == before
    w.clock.set(at(D(2022, 10, 11)))
    e.return_reply(w.office, item, "Chưa nêu căn cứ pháp lý")
    it = e.item(item)
    assert it.status is d.ItemStatus.assigned and it.reply is None and it.returned == 1
    with pytest.raises(d.InvalidTransition):
        e.approve_reply(w.office, item)
    w.clock.set(at(D(2022, 10, 12)))
    e.write_reply(w.land_officer, item, "2/TL", signer=w.land_officer, text="Căn cứ Luật Đất đai")
    w.clock.set(at(D(2022, 10, 13)))
    e.execute(w.office, d.ApproveReply(item, note="Đạt"))
    it = e.item(item)
    assert not it.reply.draft and it.reply.approved_on == D(2022, 10, 13) and it.reply.approved_by == w.office
    with pytest.raises(d.InvalidTransition):
        e.approve_reply(w.office, item)
    for r in d.Recipient:
        e.record_delivery(w.office, item, r)
    assert e.item_status(item) is d.ItemStatus.replied
    # As of the day before the approval the reply was a draft.
    assert e.state_as_of(D(2022, 10, 12)).item(item).reply.draft
    types = [ev.type for ev in e.history(item=item)]
    assert types.count("reply_returned") == 1 and types.count("reply_approved") == 1
    assert d.command_from_dict({"type": "return_reply", "item": item, "reason": "x"}).reason == "x"
    rep = d.make_report(e, d.Period.range(D(2022, 9, 1), D(2022, 12, 31)), unit=w.ward, as_of=D(2022, 10, 13))
    (row,) = [r for r in rep.by_agency if r.agency == w.land]
    assert row.returned == 1
    assert d.report_to_dict(rep)["by_agency"][0]["returned"] == 1
