#!/usr/bin/env python3
"""The Bồ Đề ward dialogue conference of 30/9/2022, replayed from Python.

Source: /work/shared/seeds/003_693e48c796638abe.txt. The ward's Party secretary and People's
Committee chair held a dialogue with the Fatherland Front, the socio-political organizations
and the people; 14 opinions were raised, some answered on the spot; the 41 issues fell into
four groups (land & site clearance; urban order, construction, sanitation, infrastructure;
security & public order; culture & society). The conclusion: a notice to the agencies by
10/10/2022, written replies by 30/10/2022, matters beyond the ward's powers proposed to the
competent level (Long Biên district), complex matters extended with a written notice to the
person who raised them, periodic reports to the Front, which supervises.

Besides the seed, what citizens expect of such a system today (issue 14): an unsigned letter
from the ward's suggestion mailbox (anonymous, R04) answered by public posting (R10, R13) and
followed by its tracking code; a written reply with its evidence in an attachment store,
published and verified (R20); and a raiser who rates the first reply on the market's sanitation
"not satisfied", which puts it on the Front's supervision list until the Front reopens it (R14).

Dates are replayed on a ManualClock under the built-in profile "hanoi-2200". The log is kept
in memory, or in a SQLite file when a path is given (a new file: the demo writes the whole
history; an existing one: it is reopened, verified and reported on; evidence bytes go to the
directory <path>.attachments). Run:

    PYTHONPATH=build/python python3 examples/python/bode_demo.py [bode.db]

It ends with the R16 report of the ward for 2022 (make_report).
"""
from __future__ import annotations

import datetime as dt
import sys
from typing import Callable, Dict, List, Optional, Sequence

import doithoai as d

D = dt.date
S = d.SYSTEM

# The four groups of the conclusion, each with the profile's topic codes and the agency that replies.
GROUPS = [
    ("Đất đai, GPMB", "Bộ phận Địa chính - Xây dựng", ["land", "site_clearance"]),
    ("TTĐT, TTXD, VSMT, hạ tầng", "Đội Trật tự đô thị", ["urban_order", "environment", "infrastructure"]),
    ("An ninh trật tự", "Công an phường Bồ Đề", ["security"]),
    ("Văn hóa - xã hội", "Bộ phận Văn hóa - Xã hội", ["culture_society"]),
]

# 14 opinions holding 41 issues: (raiser, group index, [item texts]); the first four were
# collected in advance through the Front, the rest raised at the conference.
OPINIONS = [
    ("Hội Cựu chiến binh phường", 0, ["Chậm cấp giấy chứng nhận quyền sử dụng đất tổ 12",
                                      "Hồ sơ đất dịch vụ chưa được xét", "Đo đạc lại ranh giới ngõ 64"]),
    ("Hội Liên hiệp Phụ nữ phường", 3, ["Thiếu sân chơi cho trẻ em", "Tuyên truyền phòng chống bạo lực gia đình",
                                        "Hỗ trợ hộ nghèo dịp cuối năm"]),
    ("Ông Nguyễn Văn Hùng, tổ 5", 1, ["Lấn chiếm vỉa hè phố Nguyễn Văn Cừ", "Xây dựng sai phép ngõ 190",
                                      "Rác thải tồn đọng chân cầu Chương Dương"]),
    ("Bà Trần Thị Mai, tổ 8", 2, ["Trộm cắp xe máy khu tập thể", "Tụ tập thanh niên gây ồn ban đêm",
                                   "Karaoke gây ồn quá giờ"]),
    ("Ông Lê Văn Sơn, tổ 3", 0, ["Bồi thường GPMB dự án đường 40m chưa thỏa đáng", "Tái định cư cho 6 hộ",
                                 "Tiến độ bàn giao mặt bằng"]),
    ("Bà Phạm Thị Lan, tổ 14", 1, ["Ngõ 100 ngập úng khi mưa", "Hệ thống thoát nước xuống cấp",
                                   "Chiếu sáng ngõ 72 hỏng", "Cống rãnh bốc mùi"]),
    ("Ông Đỗ Văn Minh, tổ 10", 1, ["Vi phạm trật tự xây dựng tại dự án nhà ở", "Bãi xe tự phát",
                                   "Quán ăn lấn chiếm lòng đường"]),
    ("Bà Hoàng Thị Thu, tổ 2", 3, ["Nhà văn hóa tổ dân phố xuống cấp", "Kinh phí hoạt động câu lạc bộ",
                                   "Khu thể thao cho người cao tuổi"]),
    ("Ông Vũ Văn Nam, tổ 7", 2, ["Camera an ninh khu dân cư", "Quản lý người thuê trọ",
                                 "Phòng cháy chữa cháy nhà ống"]),
    ("Bà Ngô Thị Hoa, tổ 11", 0, ["Tranh chấp lối đi chung", "Cấp phép sửa chữa nhà",
                                  "Thủ tục tách thửa"]),
    ("Ông Bùi Văn Tú, tổ 6", 1, ["Vệ sinh môi trường chợ Long Biên", "Thu gom rác không đúng giờ",
                                 "Cây xanh đổ chưa xử lý"]),
    ("Bà Đặng Thị Yến, tổ 9", 3, ["Chế độ cho người có công", "Bảo hiểm y tế hộ cận nghèo"]),
    ("Ông Trịnh Văn Lực, tổ 4", 2, ["Ma túy trong thanh thiếu niên", "Tuần tra đêm tổ 4"]),
    ("Bà Cao Thị Nga, tổ 13", 1, ["Đường Ngọc Lâm xuống cấp", "Vạch kẻ đường mờ", "Biển báo bị che khuất"]),
]
ADVANCE = 4  # opinions collected in advance
ANSWERED = {(0, 2), (1, 1), (3, 1), (5, 2), (7, 1), (9, 1), (11, 0), (12, 1), (13, 1)}  # (opinion, item)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return d.local_instant(day, hour)


def print_report(e: d.Engine, unit: int, out: Callable[[str], None]) -> d.Report:
    """R16: the ward's report for 2022, its figures as of 31/12/2022."""
    r = d.make_report(e, d.Period.year(2022), unit=unit)
    t = r.items
    rate = f"{t.on_time_rate * 100:.0f}%" if t.on_time_rate is not None else "-"
    out(f"\nBáo cáo {r.period.label()} ({r.unit_name}, R16): {r.conferences} hội nghị, {r.opinions} ý kiến, "
        f"{t.items} nội dung; đã giải quyết {t.resolved}, tồn {t.outstanding} (quá hạn {t.overdue}); "
        f"đúng hạn {t.on_time}, muộn {t.late} ({rate}); gia hạn {t.extended_items}, chuyển cấp trên "
        f"{t.escalated}; trả lời tại chỗ {r.answered_on_spot}, mở lại {r.reopened_items}")
    for tp in r.by_topic:
        out(f"  {tp.label:<40} {tp.tally.items:>3} nội dung, {tp.tally.resolved:>3} đã giải quyết")
    return r


def run(out: Callable[[str], None] = print, path: Optional[str] = None) -> Dict[str, object]:
    clock = d.ManualClock(at(D(2022, 8, 9)))
    # In memory, or on a SQLite file (created when missing, replayed when it holds a log).
    evidence_store = d.DirectoryAttachmentStore(path + ".attachments") if path else d.MemoryAttachmentStore()
    e = d.Engine("hanoi-2200", clock=clock, store=d.SqliteStore(path) if path else None, attachments=evidence_store)
    if e.last_seq:
        v = e.store.verify()
        out(f"{path}: {e.last_seq} sự kiện, chuỗi băm {'hợp lệ' if v.ok else 'HỎNG tại ' + str(v.first_bad)} "
            f"(R20), đầu chuỗi {v.head[:16]}…")
        ward = e.find_unit("BD")
        r = print_report(e, ward, out)
        return {"reopened": True, "events": e.last_seq, "verified": v.ok, "report": r.to_dict()}

    # ---- directory (R01, R19) ----
    hanoi = e.create_unit(S, "Thành phố Hà Nội", "tinh", code="HN").id
    long_bien = e.create_unit(S, "Quận Long Biên", "huyen", parent=hanoi, code="LB").id
    bo_de = e.create_unit(S, "Phường Bồ Đề", "xa", parent=long_bien, code="BD").id

    def person(name: str, role: d.Role, unit: int, **kw) -> int:
        pid = e.register_person(S, name).id
        e.grant_role(S, pid, role, unit, **kw)
        return pid

    secretary = person("Nguyễn Thị Thanh Hằng (Bí thư Đảng ủy)", d.Role.party_head, bo_de)
    chair = person("Nguyễn Văn Luyện (Chủ tịch UBND)", d.Role.government_head, bo_de)
    vice_chair = person("Lưu Ngọc Tiến (Phó Chủ tịch UBND)", d.Role.office, bo_de)
    office = person("Văn phòng Đảng ủy - UBND phường", d.Role.office, bo_de)
    front = person("Chủ tịch UBMTTQ phường", d.Role.front_chair, bo_de)
    agencies: List[int] = []
    officers: List[int] = []
    for _, agency_name, _ in GROUPS:
        a = e.create_agency(S, bo_de, agency_name).id
        agencies.append(a)
        officers.append(person(f"Cán bộ {agency_name}", d.Role.agency_officer, bo_de, agency=a))
    district_office = person("Văn phòng UBND quận Long Biên", d.Role.office, long_bien)
    district_tnmt = e.create_agency(S, long_bien, "Phòng Tài nguyên và Môi trường quận").id
    district_officer = person("Cán bộ phòng TN&MT quận", d.Role.agency_officer, long_bien, agency=district_tnmt)
    orgs = {name: e.create_organization(S, bo_de, name, kind="to_chuc_chinh_tri_xa_hoi").id
            for name, _, _ in OPINIONS if name.startswith("Hội")}
    raisers = {name: e.register_person(S, name).id for name, _, _ in OPINIONS if name not in orgs}

    # ---- plan (R03): Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên ----
    clock.set(at(D(2022, 8, 15)))
    conf = e.execute(office, d.PlanConference(bo_de, kind=d.ConferenceKind.periodic, audience="all_residents",
                                              planned_on=D(2022, 9, 30), plan_ref="131-KH/QU ngày 09/8/2022",
                                              code="BD-2022")).id

    # ---- opinions (R04, R05): four collected in advance through the Front, ten at the conference ----
    clock.set(at(D(2022, 9, 20)))
    items_of: List[List[int]] = []
    for k, (name, group, texts) in enumerate(OPINIONS):
        if k == ADVANCE:
            clock.set(at(D(2022, 9, 30), 14))
            e.hold_conference(office, conf, chairs=[secretary, chair], attendance=180,
                              report="Báo cáo tóm tắt công tác xây dựng Đảng, KT-XH, ANQP 9 tháng đầu năm 2022")
        topics = GROUPS[group][2]
        who = {"raised_by_org": orgs[name]} if name in orgs else {"raised_by": raisers[name]}
        r = e.submit_opinion(front if k < ADVANCE else office, bo_de, conference=conf,
                             channel="collected_in_advance" if k < ADVANCE else "at_conference",
                             items=[(topics[j % len(topics)], t) for j, t in enumerate(texts)], **who)
        items_of.append(r.items)
    group_of = {it: OPINIONS[k][1] for k, its in enumerate(items_of) for it in its}
    all_items = [it for its in items_of for it in its]

    # ---- answered on the spot (R06) ----
    for k, j in sorted(ANSWERED):
        e.answer_on_spot(office, items_of[k][j], answered_by=chair if k % 2 else secretary,
                         gist="Chủ tọa trao đổi, trả lời trực tiếp tại hội nghị")
    rec = e.reconciliation(conf)
    out(f"Hội nghị {D(2022, 9, 30):%d/%m/%Y}: {len(OPINIONS)} ý kiến, {len(all_items)} nội dung "
        f"({len(rec.collected_in_advance)} thu thập trước, {len(rec.raised_at_conference)} tại hội nghị), "
        f"{len(rec.answered)} trả lời tại chỗ, {len(rec.unanswered)} chưa trả lời (R07)")

    # ---- assignment (R09): every unsettled item to its group's agency, deadline 30/10/2022 ----
    clock.set(at(D(2022, 10, 3)))
    pending = [it for it in all_items if e.item_status(it) is d.ItemStatus.open]
    complex_item = items_of[4][0]   # compensation for the 40 m road: needs more time (R12)
    beyond = items_of[4][1]         # resettlement of 6 households: beyond the ward's powers (R11)
    reopened_item = items_of[10][0]  # the market's sanitation: the Front finds it unsatisfactory (R14)
    late_item = items_of[13][0]      # the Ngọc Lâm road: replied after the deadline
    for it in pending:
        if it == beyond:
            continue
        e.assign(office, it, agencies[group_of[it]])
    e.escalate(office, beyond, to_unit=long_bien, to_agency=district_tnmt, on=D(2022, 10, 3),
               proposal="Đề nghị UBND quận Long Biên xem xét bố trí tái định cư cho 6 hộ dân tổ 3",
               raiser_notified_on=D(2022, 10, 3))
    proposal = e.item(beyond).escalated_to

    # ---- conclusion notice (R08): by 10/10/2022 ----
    clock.set(at(D(2022, 10, 7)))
    e.issue_conclusion_notice(office, conf, "112-TB/ĐU", text="Thông báo kết luận của người đứng đầu cấp ủy, "
                              "chính quyền phường tại hội nghị đối thoại năm 2022")
    notice = e.conference(conf).notice
    out(f"Thông báo kết luận {notice.number} ngày {notice.issued_on:%d/%m/%Y} (hạn {notice.due:%d/%m/%Y}, "
        f"{'đúng hạn' if notice.on_time else 'muộn'}); hạn trả lời {e.conference(conf).reply_due:%d/%m/%Y}")

    # ---- an unsigned letter from the suggestion mailbox (issue 14, R04): no raiser at all ----
    letter = e.submit_opinion(office, bo_de, [("security", "Thư không ký tên: quán karaoke tổ 14 hát sau 22 giờ")],
                              channel=d.Channel.mailbox)
    anon_item = letter.items[0]
    e.assign(office, anon_item, agencies[2])
    code = e.opinion(letter.id).tracking_code

    # ---- the district handles the proposal under the same rules (R11) ----
    e.assign(district_office, proposal, district_tnmt)

    # ---- the complex item is extended with a written notice to its raiser (R12) ----
    clock.set(at(D(2022, 10, 25)))
    e.extend(office, complex_item, deadline=D(2022, 12, 15), notice_number="245/TB-UBND",
             notice_date=D(2022, 10, 25), reason="Liên quan nhiều ngành, cần xác minh nguồn gốc đất")

    # ---- written replies (R10): number, date, signer, four deliveries ----
    def reply(it: int, day: dt.date, officer: int, actor: int, n: int, evidence: Sequence[d.Attachment] = ()) -> None:
        clock.set(at(day, 15))
        e.write_reply(officer, it, f"{n}/TL-UBND", date=day, signer=officer, text="Trả lời bằng văn bản",
                      attachments=evidence)
        for r in d.Recipient:
            e.record_delivery(actor, it, r, on=day)

    to_reply = [it for it in pending if it not in (beyond, complex_item, late_item)]
    for n, it in enumerate(to_reply, start=1):
        reply(it, D(2022, 10, 10) + dt.timedelta(days=n % 18), officers[group_of[it]], office, n)
    reply(proposal, D(2022, 10, 28), district_officer, district_office, 900)
    # The anonymous letter's reply reaches its writer by public posting (R10, R13: the
    # profile's anonymous.delivery "posted"): a delivery to the raiser would be refused.
    clock.set(at(D(2022, 10, 28), 15))
    e.write_reply(officers[2], anon_item, "88/CAP-TH", signer=officers[2],
                  text="Công an phường đã kiểm tra, yêu cầu cơ sở karaoke chấm dứt hoạt động sau 22 giờ")
    for r in (d.Recipient.party_head, d.Recipient.government_head, d.Recipient.front_chair):
        e.record_delivery(office, anon_item, r)
    clock.set(at(D(2022, 10, 31)))
    e.publish_reply(office, anon_item)
    # The late reply carries its evidence: bytes into the store first, metadata in the event.
    record = ("BIÊN BẢN KIỂM TRA\nĐường Ngọc Lâm: đã vá 12 ổ gà, hoàn trả mặt đường ngày 02/11/2022.\n"
              "Đại diện Đội Trật tự đô thị, Tổ dân phố 13 và đơn vị thi công cùng ký.\n").encode()
    evidence = d.Attachment("bien-ban-kiem-tra-duong-ngoc-lam.txt", "text/plain", len(record),
                            evidence_store.put(record), publishable=True)
    reply(late_item, D(2022, 11, 3), officers[group_of[late_item]], office, 901, [evidence])
    e.publish_reply(office, late_item)

    # ---- the raiser of the market's sanitation is not satisfied (issue 14; R10, R14) ----
    market_raiser = e.opinion(e.item(reopened_item).opinion).raised_by
    clock.set(at(D(2022, 11, 4)))
    e.record_satisfaction(market_raiser, reopened_item, d.Satisfaction.not_satisfied,
                          comment="Chợ vẫn bẩn, rác vẫn để qua đêm")

    # ---- the Front supervises (R14): a finding, a reopening, then closing what is resolved ----
    clock.set(at(D(2022, 11, 8)))
    e.record_finding(front, reopened_item, "Chợ vẫn mất vệ sinh sau khi trả lời", satisfactory=False)
    e.reopen(front, reopened_item, "Chưa xử lý dứt điểm")
    reply(reopened_item, D(2022, 11, 25), officers[group_of[reopened_item]], office, 902)
    clock.set(at(D(2022, 11, 28)))
    e.record_satisfaction(market_raiser, reopened_item, d.Satisfaction.satisfied, comment="Chợ đã sạch")
    reply(complex_item, D(2022, 12, 12), officers[group_of[complex_item]], office, 903)
    clock.set(at(D(2022, 12, 20)))
    closed = 0
    for it in all_items + [anon_item]:
        if d.is_resolved(e.item_status(it)) and e.item_status(it) is not d.ItemStatus.closed:
            e.close_item(front, it, note="MTTQ giám sát: đã giải quyết")
            closed += 1
    e.close_conference(office, conf)

    # ---- follow-up table ----
    out("")
    out(f"{'#':>3}  {'nhóm':<26} {'cơ quan':<30} {'hạn':<10} {'hạn gốc':<10} {'giải quyết':<10} trạng thái")
    for it in all_items + [proposal]:
        x = e.item(it)
        group = GROUPS[group_of[it]][0] if it in group_of else "(đề xuất lên quận)"
        agency = e.agency(x.agency).name if x.agency else "-"
        fmt = (lambda v: v.strftime("%d/%m/%Y") if v else "-")
        extra = " (gia hạn)" if x.extensions else (" (mở lại)" if x.reopened else "")
        extra += " (chuyển quận)" if x.escalated_to else ""
        out(f"{it:>3}  {group:<26} {agency[:30]:<30} {fmt(x.deadline):<10} {fmt(x.original_deadline):<10} "
            f"{fmt(x.resolved_on):<10} {x.status.value}{extra}")

    # ---- status accounting as of several dates (R15) ----
    out("")
    out(f"{'ngày':<10} {'nội dung':>8} {'đã GQ':>6} {'tồn':>4} {'chưa đến hạn':>12} {'quá hạn':>8} "
        f"{'tại chỗ':>7} {'trả lời':>7} {'đúng hạn':>8} {'gia hạn':>7} {'chuyển':>6} {'đóng':>5}")
    report = {}
    for day in (D(2022, 9, 30), D(2022, 10, 10), D(2022, 10, 30), D(2022, 11, 1), D(2022, 11, 20),
                D(2022, 12, 31)):
        a = e.accounting(bo_de, day)
        assert a.resolved + a.outstanding == a.items and a.not_yet_due + a.overdue == a.outstanding
        report[day.isoformat()] = a.to_dict()
        out(f"{day:%d/%m/%Y} {a.items:>8} {a.resolved:>6} {a.outstanding:>4} {a.not_yet_due:>12} {a.overdue:>8} "
            f"{a.answered_on_spot:>7} {a.replied:>7} {a.replied_on_time:>8} {a.extended_items:>7} "
            f"{a.escalated:>6} {a.closed:>5}")
    district = e.accounting(long_bien, D(2022, 12, 31))
    out(f"\nQuận Long Biên (gồm phường Bồ Đề) đến 31/12/2022: {district.items} nội dung, "
        f"{district.received_by_escalation} nhận từ cấp dưới, {district.resolved} đã giải quyết")
    # ---- issue 14 as citizens and the Front see it ----
    states = []
    for day in (D(2022, 10, 7), D(2022, 10, 31), D(2022, 12, 31)):
        t = e.track(code, as_of=day).items[0]
        states.append(f"{day:%d/%m/%Y} {t.status.value}" + (f" ({t.reply.number})" if t.reply else ""))
    out(f"\nThư không ký tên, mã tra cứu {code} (R04, R10, R13): " + "; ".join(states))
    checked = e.verify_attachments()
    out(f"Minh chứng kèm văn bản 901/TL-UBND: {evidence.name} ({evidence.media_type}, {evidence.size} byte, "
        f"SHA-256 {evidence.sha256}); kiểm tra kho minh chứng: {checked.checked} tệp, "
        f"{'khớp mã băm' if checked.ok else 'LỖI'} (R20)")
    watch = {day: d.supervision_list(e, unit=bo_de, as_of=day) for day in (D(2022, 11, 3), D(2022, 11, 4), D(2022, 11, 8))}
    out("Danh sách giám sát của MTTQ (người nêu không hài lòng, R14): " + "; ".join(
        f"{day:%d/%m/%Y}: " + (", ".join(f"#{x['item']} {x['comment']}" for x in lst) or "trống")
        for day, lst in watch.items()))
    out(f"Nhật ký: {e.last_seq} sự kiện; lịch sử nội dung {complex_item}: "
        + ", ".join(ev.type for ev in e.history(item=complex_item)))
    summary: Dict[str, object] = {"opinions": len(OPINIONS), "items": len(all_items), "answered": len(rec.answered),
                                  "closed": closed, "accounting": report,
                                  "conference_status": e.conference(conf).status.value,
                                  "tracking": states, "evidence_ok": checked.ok and checked.checked == 1,
                                  "supervision": {k.isoformat(): [x["item"] for x in v] for k, v in watch.items()},
                                  "reopened_item": reopened_item, "anonymous_item": anon_item}
    if path:
        v = e.store.verify()
        out(f"Lưu trong {path}: {e.last_seq} sự kiện, chuỗi băm {'hợp lệ' if v.ok else 'HỎNG'} (R20)")
        summary["verified"] = v.ok
    summary["report"] = print_report(e, bo_de, out).to_dict()
    return summary


if __name__ == "__main__":
    result = run(path=sys.argv[1] if len(sys.argv) > 1 else None)
    sys.exit(0 if result.get("conference_status", "closed") == "closed" else 1)
