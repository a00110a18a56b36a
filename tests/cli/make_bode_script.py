#!/usr/bin/env python3
"""Writes tests/cli/bode.jsonl: the Bồ Đề conference of examples/bode_demo.cpp as a
`doithoai exec` script (JSON Lines requests, with {"clock": ...} lines for the days).

The ids are those a fresh store gives (each kind counts from 1 in creation order), so the
script must run on an empty store. Run this again after changing it:
    python3 tests/cli/make_bode_script.py > tests/cli/bode.jsonl
"""
import json

GROUPS = [
    ("Quản lý đất đai và GPMB", "land", 0, [
        "Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3", "Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài",
        "Đất tái định cư cho các hộ di dời", "Xử lý lấn chiếm đất công ven đê", "Đo đạc lại ranh giới thửa đất tổ 7",
        "Quỹ đất xây nhà văn hóa tổ 12", "Thủ tục tách thửa còn chậm", "Hồ sơ đất dịch vụ chưa được giao",
        "Bãi đất trống bị đổ trộm phế thải", "Giá bồi thường cây trồng, vật kiến trúc", "Công khai quy hoạch sử dụng đất",
        "Đất nông nghiệp xen kẹt trong khu dân cư"]),
    ("TTĐT, TTXD, VSMT, hạ tầng dân sinh", "urban_order", 1, [
        "Lấn chiếm vỉa hè phố Bồ Đề", "Công trình xây dựng không phép ngõ 100", "Rác thải tồn đọng tại điểm tập kết",
        "Ngập úng ngõ 30 khi mưa lớn", "Đèn chiếu sáng ngõ 58 hỏng", "Mặt đường ngõ 172 xuống cấp",
        "Tiếng ồn công trình ban đêm", "Thoát nước khu tập thể", "Bãi trông giữ xe tự phát", "Cây xanh đổ nghiêng",
        "Nắp cống vỡ trên phố Nguyễn Văn Cừ", "Vệ sinh chợ tạm", "Biển quảng cáo sai phép"]),
    ("An ninh trật tự", "security", 2, [
        "Trộm cắp xe máy ban đêm", "Tụ tập thanh thiếu niên gây mất trật tự", "Camera an ninh khu dân cư",
        "Tạm trú, tạm vắng tại nhà cho thuê", "Đua xe trên đường đê", "Phòng cháy chữa cháy nhà ống",
        "Hàng rong lấn chiếm lòng đường", "Lừa đảo qua điện thoại"]),
    ("Văn hóa - xã hội", "culture_society", 3, [
        "Sân chơi cho trẻ em", "Chế độ cho người có công", "Trợ cấp hộ nghèo, cận nghèo", "Nhà văn hóa tổ 5 xuống cấp",
        "Học bơi cho học sinh", "Bảo hiểm y tế người cao tuổi", "Thông tin chính sách cho hộ kinh doanh",
        "Tiêm chủng cho trẻ em"]),
]

out = []
n = 0
ids = {}  # kind -> last id


def new(kind):
    ids[kind] = ids.get(kind, 0) + 1
    return ids[kind]


def clock(y, m, d, h=9):
    out.append(json.dumps({"clock": f"{y:04d}-{m:02d}-{d:02d}T{h:02d}:00:00+07:00"}))


def run(actor, command):
    global n
    n += 1
    out.append(json.dumps({"actor": actor, "idempotency_key": f"bode-2022/{n}", "command": command},
                          ensure_ascii=False))


def comment(text):
    out.append("# " + text)


SYS = "system"
clock(2022, 8, 15)
comment("Directory (R01, R19)")
run(SYS, {"type": "create_unit", "name": "Thành phố Hà Nội", "level": "tinh", "code": "HN"}); hanoi = new("unit")
run(SYS, {"type": "create_unit", "name": "Quận Long Biên", "level": "huyen", "parent": hanoi, "code": "HN-LB"}); longbien = new("unit")
run(SYS, {"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa", "parent": longbien, "code": "HN-LB-BD"}); bode = new("unit")
agencies = []
for name, code in [("Bộ phận Địa chính - Xây dựng phường", "BD-DC"), ("Đội Trật tự đô thị phường", "BD-TTDT"),
                   ("Công an phường Bồ Đề", "BD-CA"), ("Bộ phận Văn hóa - Xã hội phường", "BD-VHXH")]:
    run(SYS, {"type": "create_agency", "unit": bode, "name": name, "department": False, "code": code})
    agencies.append(new("agency"))
run(SYS, {"type": "create_agency", "unit": longbien, "name": "Phòng Tài nguyên và Môi trường quận Long Biên",
          "department": True, "code": "LB-TNMT"}); district_land = new("agency")
run(SYS, {"type": "create_organization", "unit": bode, "name": "Hội Liên hiệp Phụ nữ phường", "kind": "women_union"}); women = new("org")
run(SYS, {"type": "create_organization", "unit": bode, "name": "Hội Cựu chiến binh phường", "kind": "veterans_association"}); veterans = new("org")


def person(name, role, unit, agency=None, org=None):
    run(SYS, {"type": "register_person", "name": name})
    p = new("person")
    g = {"type": "grant_role", "person": p, "role": role, "unit": unit}
    if agency: g["agency"] = agency
    if org: g["organization"] = org
    run(SYS, g)
    return p


party_head = person("Nguyễn Thị Thanh Hằng", "party_head", bode)
gov_head = person("Nguyễn Văn Luyện", "government_head", bode)
office = person("Văn phòng Đảng ủy - UBND phường Bồ Đề", "office", bode)
front = person("Chủ tịch Ủy ban MTTQ phường Bồ Đề", "front_chair", bode)
agency_names = ["Bộ phận Địa chính - Xây dựng phường", "Đội Trật tự đô thị phường", "Công an phường Bồ Đề",
                "Bộ phận Văn hóa - Xã hội phường"]
officers = [person("Trưởng " + agency_names[k], "agency_head", bode, agencies[k]) for k in range(4)]
district_officer = person("Trưởng phòng TN-MT quận Long Biên", "agency_head", longbien, district_land)
district_office = person("Văn phòng Quận ủy - UBND quận Long Biên", "office", longbien)
district_front = person("Chủ tịch Ủy ban MTTQ quận Long Biên", "front_chair", longbien)
women_rep = person("Chủ tịch Hội LHPN phường", "organization_rep", bode, org=women)
veterans_rep = person("Chủ tịch Hội CCB phường", "organization_rep", bode, org=veterans)
residents = [person(f"Đại diện Nhân dân tổ dân phố {k}", "resident", bode) for k in range(1, 15)]

comment("Plan (R02, R03): public notice on 20/9 for 30/9")
clock(2022, 9, 20)
run(office, {"type": "plan_conference", "unit": bode, "kind": "periodic", "audience": "all_residents",
             "planned_on": "2022-09-30", "plan_ref": "Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên"})
conf = new("conference")
items = {}  # id -> (text, agency index or None)
comment("Opinions collected in advance through the organizations (R04)")
clock(2022, 9, 23)


def opinion(actor, c, texts):
    run(actor, c)
    new("opinion")
    got = []
    for topic, text in texts:
        i = new("item")
        items[i] = text
        got.append(i)
    return got


adv1 = opinion(women_rep, {"type": "submit_opinion", "unit": bode, "conference": conf, "channel": "collected_in_advance",
                           "raised_by_org": women, "items": [
                               {"topic": "culture_society", "text": "Sân chơi cho trẻ em khu tập thể"},
                               {"topic": "urban_order", "text": "Rác thải tồn đọng tại điểm tập kết tổ 9"}]},
               [("culture_society", "Sân chơi cho trẻ em khu tập thể"), ("urban_order", "Rác thải tồn đọng tại điểm tập kết tổ 9")])
adv2 = opinion(veterans_rep, {"type": "submit_opinion", "unit": bode, "conference": conf, "channel": "collected_in_advance",
                              "raised_by_org": veterans, "items": [
                                  {"topic": "social_policy", "text": "Chế độ cho cựu chiến binh có hoàn cảnh khó khăn"},
                                  {"topic": "security", "text": "Trộm cắp xe máy ban đêm ở tổ 11"}]},
               [("social_policy", "Chế độ cho cựu chiến binh có hoàn cảnh khó khăn"), ("security", "Trộm cắp xe máy ban đêm ở tổ 11")])

comment("Hold (R02, R03): 30/9/2022, chaired by the two heads")
clock(2022, 9, 30, 14)
run(office, {"type": "hold_conference", "conference": conf, "chairs": [party_head, gov_head],
             "report": "Báo cáo tóm tắt công tác xây dựng Đảng, KTXH, ANQP 9 tháng đầu năm 2022"})
comment("14 opinions holding the 41 issues, dealt round-robin over the four groups")
flat = []
g = 0
while True:
    more = False
    for gi, gr in enumerate(GROUPS):
        if g < len(gr[3]):
            flat.append((gi, gr[3][g]))
            more = True
    if not more:
        break
    g += 1
issues = []  # (item, group)
nxt = 0
for o in range(14):
    cnt = 3 if o < 13 else len(flat) - nxt
    part = flat[nxt:nxt + cnt]
    nxt += cnt
    got = opinion(office, {"type": "submit_opinion", "unit": bode, "conference": conf, "channel": "at_conference",
                           "raised_by": residents[o],
                           "items": [{"topic": GROUPS[gi][1], "text": t} for gi, t in part]},
                  [(GROUPS[gi][1], t) for gi, t in part])
    issues += [(i, gi) for i, (gi, _) in zip(got, part)]


def find(text):
    return next(i for i, _ in issues if items[i] == text)


comment("R07: two advance items duplicate issues raised in the room")
run(office, {"type": "merge_duplicate", "item": adv1[1], "into": find("Rác thải tồn đọng tại điểm tập kết")})
run(office, {"type": "merge_duplicate", "item": adv2[1], "into": find("Trộm cắp xe máy ban đêm")})
comment("R06: the chairs answer 14 issues directly (every third one)")
for k in range(0, len(issues), 3):
    run(office, {"type": "answer_on_spot", "item": issues[k][0], "answered_by": gov_head if k % 2 else party_head,
                 "gist": "Chủ tọa trả lời trực tiếp, thống nhất hướng giải quyết tại hội nghị"})

comment("After the conference (R08, R09, R11)")
clock(2022, 10, 3)
escalated = find("Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài")
complex_ = find("Đất tái định cư cho các hộ di dời")
reopened = find("Ngập úng ngõ 30 khi mưa lớn")
late = find("Đèn chiếu sáng ngõ 58 hỏng")
run(office, {"type": "escalate", "item": escalated, "to_unit": longbien, "to_agency": district_land,
             "proposal": "Đề nghị UBND quận xem xét đơn giá bồi thường GPMB (vượt thẩm quyền phường)",
             "raiser_notified_on": "2022-10-03"})
new("opinion")
escalated_to = new("item")
items[escalated_to] = items[escalated]
agency_of = {escalated_to: district_land}
assigned = []
for k, (i, gi) in enumerate(issues):
    if k % 3 == 0 or i == escalated:
        continue
    run(office, {"type": "assign", "item": i, "agency": agencies[GROUPS[gi][2]]})
    agency_of[i] = agencies[GROUPS[gi][2]]
    assigned.append(i)
for i in (adv1[0], adv2[0]):
    run(office, {"type": "assign", "item": i, "agency": agencies[3]})
    agency_of[i] = agencies[3]
clock(2022, 10, 7)
run(office, {"type": "issue_conclusion_notice", "conference": conf, "number": "Thông báo kết luận số 125-TB/ĐU",
             "text": "Kết luận của người đứng đầu cấp ủy, chính quyền phường tại hội nghị đối thoại năm 2022"})
comment("R12: the complex issue gets a later deadline with a written notice to the raiser")
clock(2022, 10, 25)
run(office, {"type": "extend", "item": complex_, "deadline": "2022-11-30", "notice_number": "Thông báo 210/TB-UBND",
             "notice_date": "2022-10-25", "reason": "Liên quan nhiều ngành, cần thời gian xác minh quỹ đất"})

comment("Written replies (R10): four deliveries each")


def reply(i, number, y, m, d):
    clock(y, m, d)
    ag = agency_of[i]
    officer = district_officer if ag == district_land else officers[agencies.index(ag)]
    run(officer, {"type": "write_reply", "item": i, "number": number, "signer": officer,
                  "text": "Trả lời bằng văn bản: " + items[i]})
    for r in ("party_head", "government_head", "front_chair", "raiser"):
        run(district_office if ag == district_land else office, {"type": "record_delivery", "item": i, "recipient": r})


number = 300
for i in assigned:
    if i not in (complex_, late):
        number += 1
        reply(i, f"{number}/UBND-VP", 2022, 10, 20 + number % 8)
number += 1; reply(adv1[0], f"{number}/UBND-VP", 2022, 10, 28)
number += 1; reply(adv2[0], f"{number}/UBND-VP", 2022, 10, 28)
number += 1; reply(late, f"{number}/UBND-VP", 2022, 11, 2)
reply(escalated_to, "1520/UBND-TNMT", 2022, 10, 31)
number += 1; reply(complex_, f"{number}/UBND-VP", 2022, 11, 25)

comment("Supervision (R14): the Front checks, reopens one, closes the rest")
clock(2022, 11, 28)
run(front, {"type": "record_finding", "item": reopened, "text": "Ngõ 30 vẫn ngập khi mưa ngày 26/11; chưa giải quyết dứt điểm",
            "satisfactory": False})
run(front, {"type": "reopen", "item": reopened, "reason": "Kết quả giải quyết chưa thỏa đáng"})
number += 1; reply(reopened, f"{number}/UBND-VP", 2022, 12, 15)
clock(2022, 12, 20)
for i in sorted(k for k in items if k != escalated_to):
    if i not in (adv1[1], adv2[1]):
        run(front, {"type": "close_item", "item": i, "note": "MTTQ phường giám sát: đã giải quyết"})
run(district_front, {"type": "close_item", "item": escalated_to, "note": "MTTQ quận giám sát: đã giải quyết"})
run(office, {"type": "close_conference", "conference": conf})

print("# The Bồ Đề ward dialogue conference of 30/9/2022 (examples/bode_demo.cpp) as a doithoai exec script.")
print("# Generated by tests/cli/make_bode_script.py; run on a fresh store with a manual clock:")
print("#   doithoai init bode.db --profile hanoi-2200 && doithoai exec bode.db bode.jsonl --today 2022-08-15")
for line in out:
    print(line)
