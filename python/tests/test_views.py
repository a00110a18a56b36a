"""Reports (R16), compliance (R17), triggers (R18), publication and redaction (R13) and the
exports, from Python; plus the four commands they rest on, in both call forms."""
from __future__ import annotations

import datetime as dt

import pytest

import doithoai as d
from conftest import D, at, hold_conference, make_world, raise_items, reply_fully


@pytest.fixture
def story():
    """A held conference with three items: one replied (and published), one answered on the
    spot, one assigned and left to go overdue."""
    w = make_world()
    w.conf = hold_conference(w)
    e = w.engine
    w.items = raise_items(w, w.conf, ["Ngõ 64 ngập úng khi mưa", "Lấn chiếm vỉa hè", "Chậm cấp sổ đỏ tổ 12"])
    e.answer_on_spot(w.office, w.items[1], answered_by=w.gov_head, gist="Sẽ ra quân dẹp vỉa hè")
    w.clock.set(at(D(2022, 10, 3)))
    e.assign(w.office, w.items[0], w.land)
    e.assign(w.office, w.items[2], w.land)
    w.clock.set(at(D(2022, 10, 12)))
    reply_fully(w, w.items[0], D(2022, 10, 12))
    return w


def test_R16_make_report_tallies(story):
    r = d.make_report(story.engine, d.Period.year(2022), unit=story.ward)
    assert isinstance(r, d.Report) and r.unit == story.ward and r.unit_name == "Phường Bồ Đề"
    assert r.period == d.Period.year(2022) and r.as_of == D(2022, 12, 31)
    assert r.conferences == 1 and r.opinions == 1
    t = r.items
    assert (t.items, t.resolved, t.outstanding) == (3, 2, 1)
    assert t.overdue == 1 and t.on_time >= 1 and t.late >= 1  # the unreplied item is past 30/10
    assert r.answered_on_spot == 1 and r.replied == 1
    assert sum(x.tally.items for x in r.by_topic) == 3
    assert [(p.year, p.month) for p in r.trend][:1] == [(2022, 1)] and len(r.trend) == 12
    assert r.conference_list[0].id == story.conf and r.conference_list[0].held_on == D(2022, 9, 30)
    dct = r.to_dict()
    assert dct == d.report_to_dict(r)
    assert dct["items"]["items"] == 3 if isinstance(dct.get("items"), dict) else True
    # A past as_of is exact: on 1/10/2022 nothing was resolved but the spot answer.
    early = d.make_report(story.engine, d.Period.quarter(2022, 4), unit=story.ward, as_of=D(2022, 10, 1))
    assert early.opinions == 0  # raised in Q3
    q3 = d.make_report(story.engine, d.Period.quarter(2022, 3), unit=story.ward, as_of=D(2022, 10, 1))
    assert q3.items.items == 3 and q3.items.resolved == 1


def test_R16_report_html_has_svg(story):
    r = d.make_report(story.engine, d.Period.nine_months(2022), unit=story.ward)
    html = d.report_html(r)
    assert html.lstrip().lower().startswith("<!doctype html") and "<svg" in html and "Bồ Đề" in html
    en = r.to_html(lang="en")
    assert "<svg" in en and en != html
    with pytest.raises(d.InvalidArgument):
        d.report_html(r, lang="fr")


def test_periods():
    p = d.Period.quarter(2022, 3)
    assert (p.kind, p.start, p.end) == ("quarter", D(2022, 7, 1), D(2022, 9, 30))
    assert d.period_label(p) == "Quý III/2022" and p.label("en") == "Q3 2022"
    assert d.previous_period(p) == d.Period.quarter(2022, 2) == p.previous()
    assert d.previous_period(d.Period.six_months(2022)) == d.Period.six_months(2021)
    assert D(2022, 8, 1) in p and D(2022, 10, 1) not in p
    r = d.Period.range(D(2022, 1, 10), D(2022, 1, 19))
    assert r.kind == "range" and r.previous() == d.Period.range(D(2021, 12, 31), D(2022, 1, 9))
    assert d.Period.month(2022, 2).end == D(2022, 2, 28) and d.Period.year(2022).start == D(2022, 1, 1)
    with pytest.raises(d.InvalidArgument):
        d.Period.range(D(2022, 2, 1), D(2022, 1, 1))
    assert len({d.Period.month(2022, 1), d.Period.month(2022, 1)}) == 1


def test_R17_compliance_council_session_and_voter_request(story):
    w, e = story, story.engine
    # The district's council sits on 15/12/2022: the ward owes a dialogue before it (met by 30/9).
    e.record_council_session(w.district_office, w.district, D(2022, 12, 15), reference="Kỳ họp thứ 9 HĐND quận")
    w.clock.set(at(D(2022, 11, 2)))
    # 20 % of the ward's voters ask for a dialogue on 1/11/2022: due within 30 days, never held.
    e.execute(w.office, d.RecordVoterRequest(w.ward, requesters=400, voters=2000, on=D(2022, 11, 1),
                                             reference="Đơn của cử tri tổ 5"))
    rep = d.compliance(e, d.Period.year(2022), unit=w.district, as_of=D(2022, 12, 31))
    assert isinstance(rep, d.ComplianceReport)
    cases = rep.missed + rep.pending + rep.met
    assert all(isinstance(c, d.ComplianceCase) for c in cases)
    reqs = {(c.unit, c.requirement) for c in cases}
    assert (w.ward, "before_council_session") in reqs and (w.ward, "voter_request") in reqs
    voter = next(c for c in rep.missed if c.requirement == "voter_request")
    assert voter.unit == w.ward and voter.met_by is None and voter.window_from == D(2022, 11, 1)
    ward_yearly = next(c for c in rep.met if c.requirement == "periodic_yearly" and c.unit == w.ward)
    assert ward_yearly.met_by == w.conf
    assert rep.to_dict()["missed"][0]["requirement"]


def test_R18_unscheduled_triggers(story):
    cands = d.unscheduled_triggers(story.engine, unit=story.district, as_of=D(2022, 12, 1))
    assert cands and all(isinstance(c, d.TriggerCandidate) for c in cands)
    over = next(c for c in cands if c.reason == "overdue")
    assert over.unit == story.ward and over.items == [story.items[2]] and over.detail
    assert over.to_dict()["reason"] == "overdue"


def test_R13_publication_and_public_feed_redact_non_consenting_person(story):
    w, e = story, story.engine
    secret = e.register_person(d.SYSTEM, "Phạm Văn Kín", phone="0912345678", consent_public=False).id
    open_ = e.register_person(d.SYSTEM, "Lê Công Khai", consent_public=True).id
    w.clock.set(at(D(2022, 10, 20)))
    items = w.engine.submit_opinion(w.office, w.ward, channel="citizen_reception", raised_by=secret, items=[
        ("land", "Ông Phạm Văn Kín (0912 345 678) đề nghị cấp sổ; hàng xóm Lê Công Khai đồng ý")]).items
    e.assign(w.office, items[0], w.land)
    w.clock.set(at(D(2022, 10, 22)))
    reply_fully(w, items[0], D(2022, 10, 21))
    e.publish_reply(w.office, items[0], on=D(2022, 10, 22))
    e.execute(w.office, d.PublishReply(w.items[0], on=D(2022, 10, 22)))
    e.publish_conference_results(w.office, w.conf, date=D(2022, 10, 20))
    feed = d.public_feed(e, unit=w.ward)
    assert all(isinstance(p, d.PublicItem) for p in feed)
    mine = next(p for p in feed if p.id == items[0])
    assert "Phạm Văn Kín" not in mine.text and "0912" not in mine.text
    assert "[họ tên đã ẩn]" in mine.text and "[số điện thoại đã ẩn]" in mine.text
    assert "Lê Công Khai" in mine.text  # consented
    assert mine.raised_by == "Người dân (ẩn danh)" and mine.reply is not None
    assert mine.to_dict()["id"] == items[0]
    # the spot answer is public once the conference's results are
    assert w.items[1] in {p.id for p in feed}
    r = d.Redactor(e)
    assert r.public_name(secret) == "Người dân (ẩn danh)" and r.public_name(open_) == "Lê Công Khai"
    assert "Kín" not in r.redact("PHẠM VĂN KÍN gọi 0912.345.678")
    assert d.redact_numbers("gọi 0912 345 678 nhé") == "gọi [số điện thoại đã ẩn] nhé"
    pub = d.results_publication(e, unit=w.ward, as_of=D(2022, 12, 31))
    assert len(pub) == 1 and isinstance(pub[0], d.ResultsPublication)
    assert pub[0].published_on == D(2022, 10, 20) and pub[0].due == D(2022, 10, 10) and pub[0].late
    assert pub[0].days_late == 10


PHONE, ID, NAME, MAIL = "[số điện thoại đã ẩn]", "[số định danh đã ẩn]", "[họ tên đã ẩn]", "[thư điện tử đã ẩn]"


@pytest.mark.parametrize("phone", ["0912 345 678", "0912.345.678", "091-234-5678", "+84 912 345 678",
                                   "(024) 3825 1234", "024.3825.1234"])
def test_R13_redact_numbers_removes_grouped_phones(phone):
    assert d.redact_numbers(f"gọi {phone} nhé") == f"gọi {PHONE} nhé"


@pytest.mark.parametrize("cid", ["001 203 004 567", "001.203.004.567", "001203004567", "123 456 789"])
def test_R13_redact_numbers_removes_grouped_ids(cid):
    assert d.redact_numbers(f"CCCD {cid}.") == f"CCCD {ID}."


@pytest.mark.parametrize("keep", ["hạn 30/10/2022", "ngày 2022-10-30", "1.500.000 đồng", "150 000 000 đồng",
                                  "Công văn 8056/VPCP-KGVX", "Quyết định 2200-QĐ/TU", "14 ý kiến, 41 nội dung",
                                  "các năm 2022 2023 2024"])
def test_R13_redact_numbers_keeps_dates_amounts_and_document_numbers(keep):
    assert d.redact_numbers(keep) == keep


def test_R13_redactor_removes_emails_and_names_after_honorifics_in_nfc_nfd_and_unaccented(story):
    import unicodedata

    e = story.engine
    e.register_person(d.SYSTEM, "Lò Văn Tùng", consent_public=True)
    r = d.Redactor(e)
    cases = {
        "ông An đề nghị": f"ông {NAME} đề nghị",
        "Bà Nguyễn Thị Hoa, anh Bình và chị Hoa": f"Bà {NAME}, anh {NAME} và chị {NAME}",
        "ba Nguyen Thi Hoa hoi": f"ba {NAME} hoi",
        "thư gửi nguyễn.văn.an@bồđề.vn hoặc an@gmail.com.": f"thư gửi {MAIL} hoặc {MAIL}.",
        "ông Tùng đồng ý công khai": "ông Tùng đồng ý công khai",  # consented, and the only Tùng
        "quận Ba Đình, phố Bà Triệu, ông ấy, bà con": "quận Ba Đình, phố Bà Triệu, ông ấy, bà con",
    }
    for text, want in cases.items():
        assert r.redact(text) == want
        assert r.redact(unicodedata.normalize("NFD", text)) == want


def test_csv_export_bom_header_and_file(story, tmp_path):
    cols = d.csv_columns()
    assert cols[:3] == ["item_id", "opinion_id", "conference_id"] and cols[-2:] == ["reopened", "returned"] and len(cols) == 26
    text = d.export_items_csv(story.engine, visibility="internal", as_of=D(2022, 12, 31))
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == ",".join(cols) and len([x for x in lines[1:] if x]) == 3
    n = d.export_items_csv(story.engine, tmp_path / "items.csv", d.ExportOptions(visibility="internal"))
    raw = (tmp_path / "items.csv").read_bytes()
    assert n == 3 and raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").split("\r\n")[0] == ",".join(cols)
    # public: only published items
    assert len([x for x in d.export_items_csv(story.engine)[1:].split("\r\n")[1:] if x]) == 0


def test_json_open311_and_ical_exports(story):
    e, w = story.engine, story
    w.clock.set(at(D(2022, 10, 13)))
    e.publish_reply(w.office, w.items[0], on=D(2022, 10, 13))
    gen = dt.datetime(2022, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    o = d.ExportOptions(visibility="internal", as_of=D(2022, 12, 1), generated_at=gen)
    assert o.generated_at == gen and o.visibility == "internal"
    j = d.export_items_json(e, o)
    assert j["schema"] == "doithoai.items/1"
    reqs = d.export_open311(e, o)
    assert isinstance(reqs, list) and len(reqs) == 3
    first = {r["service_request_id"]: r for r in reqs}
    assert {"status", "service_code", "description", "requested_datetime"} <= set(next(iter(first.values())))
    assert [r["status"] for r in reqs].count("closed") == 2
    assert len(d.export_open311(e, visibility="public")) == 1
    ics = d.export_ical(e, w.land, o)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.rstrip().endswith("END:VCALENDAR")
    assert ics.count("BEGIN:VEVENT") == 1 and f"doithoai-item-{w.items[2]}@" in ics
    assert "DTSTAMP:20221201T080000Z" in ics


def test_export_item_filter(story):
    e, w = story.engine, story
    w.clock.set(at(D(2022, 10, 13)))
    e.publish_reply(w.office, w.items[0], on=D(2022, 10, 13))
    gen = dt.datetime(2022, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
    o = d.ExportOptions(visibility="internal", as_of=D(2022, 12, 1), generated_at=gen)
    whole = d.export_open311(e, o)
    for item in w.items:
        # keyword or option: the item's entry of the whole export, nothing else
        want = [r for r in whole if r["service_request_id"] == str(item)]
        assert d.export_open311(e, o, item=item) == want
        assert d.export_open311(e, d.ExportOptions(visibility="internal", as_of=D(2022, 12, 1),
                                                    generated_at=gen, item=item)) == want
        j = d.export_items_json(e, o, item=item)
        assert [x["id"] for x in j["items"]] == [item]
        assert len([x for x in d.export_items_csv(e, options=o, item=item)[1:].split("\r\n")[1:] if x]) == 1
    # public view: only the published one shows
    assert [r["service_request_id"] for r in d.export_open311(e, item=w.items[0])] == [str(w.items[0])]
    assert d.export_open311(e, item=w.items[1]) == []
    assert d.ExportOptions(item=w.items[1]).item == w.items[1] and d.ExportOptions().item is None
    with pytest.raises(d.NotFound):
        d.export_open311(e, item=987654)
    for bad in (0, -1, 2**40):
        with pytest.raises(d.InvalidArgument):
            d.export_open311(e, item=bad)
    with pytest.raises(TypeError):
        d.export_open311(e, item="7")


def test_new_commands_method_and_object_forms():
    w = make_world()
    e = w.engine
    w.conf = hold_conference(w)
    a, b = raise_items(w, w.conf, ["Một", "Hai"])
    w.clock.set(at(D(2022, 10, 3)))
    for it in (a, b):
        e.assign(w.office, it, w.land)
    w.clock.set(at(D(2022, 10, 8)))
    for it in (a, b):
        reply_fully(w, it, D(2022, 10, 5))
    # method form
    r1 = e.publish_reply(w.office, a, on=D(2022, 10, 6))
    r2 = e.publish_conference_results(w.office, w.conf, date=D(2022, 10, 6))
    r3 = e.record_council_session(w.district_office, w.district, D(2022, 12, 20), reference="Kỳ họp 10")
    r4 = e.record_voter_request(w.office, w.ward, 10, 2000, on=D(2022, 10, 6), reference="Đơn tổ 1")
    assert [x.first_seq for x in (r1, r2, r3, r4)] == list(range(r1.first_seq, r1.first_seq + 4))
    types = [ev.type for ev in e.events(r1.first_seq, 10)]
    assert types == ["reply_published", "conference_results_published", "council_session_recorded",
                     "voter_request_recorded"]
    # object form, and the JSON round trip
    cmds = [d.PublishReply(b, on=D(2022, 10, 7)),
            d.PublishConferenceResults(conference=w.conf, date=D(2022, 10, 7)),
            d.RecordCouncilSession(w.district, D(2023, 6, 1), reference="Kỳ họp 11"),
            d.RecordVoterRequest(unit=w.ward, requesters=5, voters=2000, on=D(2022, 10, 7))]
    assert cmds[3].voters == 2000 and cmds[0].type == "publish_reply"
    for c in cmds:
        assert d.command_from_dict(c.to_dict()) == c
    e.execute(w.office, cmds[0])
    with pytest.raises(d.Error):  # results are published once
        e.execute(w.office, cmds[1])
    e.execute(w.district_office, cmds[2])
    e.execute(w.office, cmds[3], idempotency_key="vr-1")
    assert e.execute(w.office, cmds[3], idempotency_key="vr-1").replayed
    with pytest.raises(TypeError):
        d.RecordVoterRequest(w.ward, 1, 2, D(2022, 1, 1), "x", "extra")
    with pytest.raises(TypeError, match="keyword-only"):  # optional fields are keyword-only
        d.RecordVoterRequest(w.ward, 1, 2, D(2022, 1, 1))
    with pytest.raises(d.PermissionDenied):
        e.publish_reply(w.resident, a)
