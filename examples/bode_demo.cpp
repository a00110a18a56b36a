// The Bồ Đề ward dialogue conference of 30/9/2022, end to end (seed 003_693e48c796638abe.txt).
//
// Heads: Nguyễn Thị Thanh Hằng (Bí thư Đảng ủy phường) and Nguyễn Văn Luyện (Chủ tịch UBND
// phường). 14 opinions raised at the conference holding 41 issues in four groups; opinions
// collected in advance through the Front and the organizations are reconciled with them;
// some issues are answered on the spot, the rest assigned with replies due 30/10/2022; the
// conclusion notice is due 10/10/2022; one complex issue is extended with a written notice,
// one is escalated to Long Biên district; the Front supervises, reopens one and closes the rest.
// What citizens expect today (issue 14): an anonymous letter from the ward's suggestion mailbox,
// answered by public posting; a written reply with its evidence (the acceptance record of the
// street light's repair) kept in an attachment store and verified; the raiser of the flooded
// lane rates the first reply "not satisfied", the item goes on the Front's supervision list and
// the Front reopens it; the second reply is rated satisfied.
//
// Usage: bode_demo [database.db | --memory] [--outbox]   (default: bode-2022.db in the current directory)
// Evidence bytes go to the directory <database.db>.attachments (in memory with --memory).
// --outbox: under the profile with the notification outbox on (issue 15), and print the outbox
// of 10/10/2022 (the notices the rules required, who is to be told, by when, delivered or not).
// Without it the log is the one the Java and PHP demos compare against (no notices).
// Every command carries an idempotency key, so running the demo again on the same file
// continues it: the commands are recognised, nothing is appended twice, and the tables are
// printed from the stored history.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"

using namespace doithoai;
namespace pt = boost::posix_time;

namespace {

Instant local(int y, int m, int d, int hour = 9) { return Instant(Date(y, m, d), pt::hours(hour - 7)); }
std::string dmy(const Date& d) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d/%02d/%04d", int(d.day()), int(d.month()), int(d.year()));
  return b;
}
std::string dmy(const std::optional<Date>& d) { return d ? dmy(*d) : "—"; }
// Pads or cuts UTF-8 text to n characters (printf pads bytes, not letters).
std::string cut(const std::string& s, std::size_t n) {
  std::size_t chars = 0, i = 0;
  for (; i < s.size() && chars < n; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++chars;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  std::string r = s.substr(0, i);
  for (; chars < n; ++chars) r += ' ';
  return r;
}

struct Group {
  const char* name;
  const char* topic;
  int agency;  // index into the ward's agencies
  std::vector<const char*> issues;
};

// The four groups named in the conclusion, 41 issues in all (12 + 13 + 8 + 8).
const std::vector<Group> kGroups = {
    {"Quản lý đất đai và GPMB", "land", 0,
     {"Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3", "Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài",
      "Đất tái định cư cho các hộ di dời", "Xử lý lấn chiếm đất công ven đê", "Đo đạc lại ranh giới thửa đất tổ 7",
      "Quỹ đất xây nhà văn hóa tổ 12", "Thủ tục tách thửa còn chậm", "Hồ sơ đất dịch vụ chưa được giao",
      "Bãi đất trống bị đổ trộm phế thải", "Giá bồi thường cây trồng, vật kiến trúc", "Công khai quy hoạch sử dụng đất",
      "Đất nông nghiệp xen kẹt trong khu dân cư"}},
    {"TTĐT, TTXD, VSMT, hạ tầng dân sinh", "urban_order", 1,
     {"Lấn chiếm vỉa hè phố Bồ Đề", "Công trình xây dựng không phép ngõ 100", "Rác thải tồn đọng tại điểm tập kết",
      "Ngập úng ngõ 30 khi mưa lớn", "Đèn chiếu sáng ngõ 58 hỏng", "Mặt đường ngõ 172 xuống cấp",
      "Tiếng ồn công trình ban đêm", "Thoát nước khu tập thể", "Bãi trông giữ xe tự phát", "Cây xanh đổ nghiêng",
      "Nắp cống vỡ trên phố Nguyễn Văn Cừ", "Vệ sinh chợ tạm", "Biển quảng cáo sai phép"}},
    {"An ninh trật tự", "security", 2,
     {"Trộm cắp xe máy ban đêm", "Tụ tập thanh thiếu niên gây mất trật tự", "Camera an ninh khu dân cư",
      "Tạm trú, tạm vắng tại nhà cho thuê", "Đua xe trên đường đê", "Phòng cháy chữa cháy nhà ống",
      "Hàng rong lấn chiếm lòng đường", "Lừa đảo qua điện thoại"}},
    {"Văn hóa - xã hội", "culture_society", 3,
     {"Sân chơi cho trẻ em", "Chế độ cho người có công", "Trợ cấp hộ nghèo, cận nghèo", "Nhà văn hóa tổ 5 xuống cấp",
      "Học bơi cho học sinh", "Bảo hiểm y tế người cao tuổi", "Thông tin chính sách cho hộ kinh doanh",
      "Tiêm chủng cho trẻ em"}},
};

}  // namespace

int main(int argc, char** argv) {
  std::string path = "bode-2022.db";
  bool outbox = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--outbox") outbox = true;
    else path = argv[i];
  }
  auto clock = std::make_shared<ManualClock>(local(2022, 8, 15));
  EngineOptions options;
  options.clock = clock;
  Profile profile = builtin_profile("hanoi-2200");
  if (outbox) {  // the notification outbox (issue 15): reminders 3 days ahead
    nlohmann::json doc = profile_to_json(profile);
    doc["outbox"] = {{"reply_due_days", 3}};
    profile = load_profile(doc);
  }
  if (path == "--memory")
    options.attachments = std::make_shared<MemoryAttachmentStore>();
  else
    options.attachments = std::make_shared<DirectoryAttachmentStore>(path + ".attachments");
  std::unique_ptr<Engine> owned;
  if (path == "--memory")
    owned = std::make_unique<Engine>(profile, options);
  else
    owned = open_engine(profile, path, options);
  Engine& engine = *owned;
  const std::uint64_t stored_before = engine.last_seq();

  int counter = 0;
  std::uint64_t replayed = 0;
  auto run = [&](PersonId actor, const Command& c) {
    const Result r = engine.execute(actor, c, "bode-2022/" + std::to_string(++counter));
    replayed += r.replayed;
    return r;
  };
  auto day = [&](int y, int m, int d, int h = 9) { clock->set(local(y, m, d, h)); };
  auto sys = [&](const Command& c) { return run(kSystemActor, c).id; };

  // ---- Directory (R01, R19) ----
  const UnitId hanoi(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
  const UnitId longbien(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", hanoi, "HN-LB"}));
  const UnitId bode(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa", longbien, "HN-LB-BD"}));
  const std::vector<AgencyId> agencies = {
      AgencyId(sys(cmd::CreateAgency{bode, "Bộ phận Địa chính - Xây dựng phường", false, "BD-DC"})),
      AgencyId(sys(cmd::CreateAgency{bode, "Đội Trật tự đô thị phường", false, "BD-TTDT"})),
      AgencyId(sys(cmd::CreateAgency{bode, "Công an phường Bồ Đề", false, "BD-CA"})),
      AgencyId(sys(cmd::CreateAgency{bode, "Bộ phận Văn hóa - Xã hội phường", false, "BD-VHXH"}))};
  const AgencyId district_land(sys(cmd::CreateAgency{longbien, "Phòng Tài nguyên và Môi trường quận Long Biên", true, "LB-TNMT"}));
  const OrganizationId women(sys(cmd::CreateOrganization{bode, "Hội Liên hiệp Phụ nữ phường", "women_union"}));
  const OrganizationId veterans(sys(cmd::CreateOrganization{bode, "Hội Cựu chiến binh phường", "veterans_association"}));
  auto person = [&](const std::string& name, Role role, UnitId unit, AgencyId a = AgencyId(), OrganizationId o = OrganizationId()) {
    const PersonId p(sys(cmd::RegisterPerson{name}));
    run(kSystemActor, cmd::GrantRole{p, role, unit, a, o});
    return p;
  };
  const PersonId party_head = person("Nguyễn Thị Thanh Hằng", Role::party_head, bode);
  const PersonId gov_head = person("Nguyễn Văn Luyện", Role::government_head, bode);
  const PersonId office = person("Văn phòng Đảng ủy - UBND phường Bồ Đề", Role::office, bode);
  const PersonId front = person("Chủ tịch Ủy ban MTTQ phường Bồ Đề", Role::front_chair, bode);
  std::vector<PersonId> officers;
  for (std::size_t k = 0; k < agencies.size(); ++k)
    officers.push_back(person("Trưởng " + engine.read([&](const State& s) { return s.agency(agencies[k]).name; }),
                              Role::agency_head, bode, agencies[k]));
  const PersonId district_officer = person("Trưởng phòng TN-MT quận Long Biên", Role::agency_head, longbien, district_land);
  const PersonId district_office = person("Văn phòng Quận ủy - UBND quận Long Biên", Role::office, longbien);
  const PersonId district_front = person("Chủ tịch Ủy ban MTTQ quận Long Biên", Role::front_chair, longbien);
  const PersonId women_rep = person("Chủ tịch Hội LHPN phường", Role::organization_rep, bode, AgencyId(), women);
  const PersonId veterans_rep = person("Chủ tịch Hội CCB phường", Role::organization_rep, bode, AgencyId(), veterans);
  std::vector<PersonId> residents;
  for (int k = 1; k <= 14; ++k) residents.push_back(person("Đại diện Nhân dân tổ dân phố " + std::to_string(k), Role::resident, bode));

  // ---- Plan (R02, R03): public notice on 20/9 for 30/9 ----
  day(2022, 9, 20);
  const ConferenceId conf(run(office, cmd::PlanConference{bode, ConferenceKind::periodic, "all_residents", Date(2022, 9, 30),
                                                           Date(), "Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên"}).id);
  // Opinions collected in advance through the organizations (R04).
  day(2022, 9, 23);
  const Result adv1 = run(women_rep, cmd::SubmitOpinion{bode, conf, Channel::collected_in_advance, PersonId(), women, Date(), "",
                                                        {{"culture_society", "Sân chơi cho trẻ em khu tập thể"},
                                                         {"urban_order", "Rác thải tồn đọng tại điểm tập kết tổ 9"}}});
  const Result adv2 = run(veterans_rep, cmd::SubmitOpinion{bode, conf, Channel::collected_in_advance, PersonId(), veterans, Date(), "",
                                                           {{"social_policy", "Chế độ cho cựu chiến binh có hoàn cảnh khó khăn"},
                                                            {"security", "Trộm cắp xe máy ban đêm ở tổ 11"}}});

  // ---- Hold (R02, R03): 30/9/2022, chaired by the two heads ----
  day(2022, 9, 30, 14);
  run(office, cmd::HoldConference{conf, Date(), {party_head, gov_head}, 0,
                                  "Báo cáo tóm tắt công tác xây dựng Đảng, KTXH, ANQP 9 tháng đầu năm 2022"});
  // 14 opinions holding the 41 issues, dealt round-robin over the four groups.
  std::vector<std::pair<ItemId, int>> issues;  // item, group
  {
    std::vector<std::pair<const Group*, const char*>> flat;
    for (std::size_t g = 0, more = 1; more; ++g) {
      more = 0;
      for (const Group& gr : kGroups)
        if (g < gr.issues.size()) flat.emplace_back(&gr, gr.issues[g]), more = 1;
    }
    std::size_t next = 0;
    for (int o = 0; o < 14; ++o) {
      const std::size_t n = o < 13 ? 3 : flat.size() - next;  // 13 × 3 + 2 = 41
      cmd::SubmitOpinion c{bode, conf, Channel::at_conference, residents[o], OrganizationId(), Date(), "", {}};
      for (std::size_t k = 0; k < n; ++k, ++next) c.items.push_back({flat[next].first->topic, flat[next].second});
      const Result r = run(office, c);
      for (std::size_t k = 0; k < r.items.size(); ++k)
        issues.emplace_back(r.items[k], int(flat[next - n + k].first - &kGroups[0]));
    }
  }
  // R07: two advance items duplicate issues raised in the room.
  auto find_issue = [&](const char* text) {
    for (auto& [id, g] : issues)
      if (engine.item(id).text == text) return id;
    return ItemId();
  };
  run(office, cmd::MergeDuplicate{adv1.items[1], find_issue("Rác thải tồn đọng tại điểm tập kết")});
  run(office, cmd::MergeDuplicate{adv2.items[1], find_issue("Trộm cắp xe máy ban đêm")});
  // R06: the chairs answer 14 issues directly (every third one). The command sequence never
  // depends on the store's state, so each idempotency key always names the same command.
  auto answered_on_spot = [](std::size_t k) { return k % 3 == 0; };
  for (std::size_t k = 0; k < issues.size(); k += 3)
    run(office, cmd::AnswerOnSpot{issues[k].first, k % 2 ? gov_head : party_head,
                                  "Chủ tọa trả lời trực tiếp, thống nhất hướng giải quyết tại hội nghị"});

  // ---- After the conference (R08, R09, R11) ----
  day(2022, 10, 3);
  const ItemId escalated = find_issue("Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài");
  const ItemId complex = find_issue("Đất tái định cư cho các hộ di dời");
  const ItemId reopened = find_issue("Ngập úng ngõ 30 khi mưa lớn");
  const ItemId late = find_issue("Đèn chiếu sáng ngõ 58 hỏng");
  run(office, cmd::Escalate{escalated, longbien, district_land,
                            "Đề nghị UBND quận xem xét đơn giá bồi thường GPMB (vượt thẩm quyền phường)", Date(), Date(2022, 10, 3)});
  std::vector<ItemId> assigned;
  for (std::size_t k = 0; k < issues.size(); ++k) {
    const auto [id, g] = issues[k];
    if (answered_on_spot(k) || id == escalated) continue;
    run(office, cmd::Assign{id, agencies[kGroups[g].agency], std::nullopt});
    assigned.push_back(id);
  }
  run(office, cmd::Assign{adv1.items[0], agencies[3], std::nullopt});
  run(office, cmd::Assign{adv2.items[0], agencies[3], std::nullopt});
  // Issue 14 (R04): an unsigned letter from the ward's suggestion mailbox, entered by the office
  // (the profile's "anonymous" section allows the mailbox channel), assigned to the police.
  day(2022, 10, 5);
  const Result anon = run(office, cmd::SubmitOpinion{bode, ConferenceId(), Channel::mailbox, PersonId(), OrganizationId(),
                                                     Date(), "", {{"security", "Thư không ký tên: quán karaoke tổ 14 hát sau 22 giờ"}}});
  const ItemId anonymous = anon.items[0];
  run(office, cmd::Assign{anonymous, agencies[2], std::nullopt});
  day(2022, 10, 7);
  run(office, cmd::IssueConclusionNotice{conf, "Thông báo kết luận số 125-TB/ĐU", Date(),
                                         "Kết luận của người đứng đầu cấp ủy, chính quyền phường tại hội nghị đối thoại năm 2022"});
  // R12: the complex issue gets a later deadline with a written notice to the raiser.
  day(2022, 10, 25);
  run(office, cmd::Extend{complex, Date(2022, 11, 30), "Thông báo 210/TB-UBND", Date(2022, 10, 25), AgencyId(),
                          "Liên quan nhiều ngành, cần thời gian xác minh quỹ đất"});

  // ---- Written replies (R10): four deliveries each ----
  auto reply = [&](ItemId id, const std::string& number, int y, int m, int d, std::vector<Attachment> evidence = {}) {
    day(y, m, d);
    const Item it = engine.item(id);
    PersonId officer;
    for (std::size_t k = 0; k < agencies.size(); ++k)
      if (agencies[k] == it.agency) officer = officers[k];
    if (it.agency == district_land) officer = district_officer;
    run(officer, cmd::WriteReply{id, number, Date(), officer, "Trả lời bằng văn bản: " + it.text, evidence});
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
      run(it.agency == district_land ? district_office : office, cmd::RecordDelivery{id, r, Date()});
  };
  int number = 300;
  for (ItemId id : assigned)
    if (id != complex && id != late) {
      // The day from the number before the increment, as GCC evaluated the arguments when
      // this was one call (C++ leaves their order unspecified; the Java demo must match).
      const int d = 20 + number % 8;
      reply(id, std::to_string(++number) + "/UBND-VP", 2022, 10, d);
    }
  reply(adv1.items[0], std::to_string(++number) + "/UBND-VP", 2022, 10, 28);
  reply(adv2.items[0], std::to_string(++number) + "/UBND-VP", 2022, 10, 28);
  // The anonymous letter has no raiser to deliver to: its reply reaches them by public posting
  // (R10, R13; the profile's anonymous.delivery "posted"), which completes it.
  {
    day(2022, 10, 28);
    run(officers[2], cmd::WriteReply{anonymous, "88/CAP-TH", Date(), officers[2],
                                     "Công an phường đã kiểm tra, lập biên bản và yêu cầu cơ sở karaoke chấm dứt hoạt động sau 22 giờ"});
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair})
      run(office, cmd::RecordDelivery{anonymous, r, Date()});
    day(2022, 10, 31);
    run(office, cmd::PublishReply{anonymous, Date()});
  }
  // The late reply carries its evidence (issue 14; R10, R13): the bytes go to the attachment
  // store first (content-addressed: putting them again on a rerun changes nothing), the event
  // records only name, media type, size and SHA-256. Published, so the evidence is public.
  const std::string record =
      "BIÊN BẢN NGHIỆM THU\nSửa chữa, thay thế 06 bộ đèn chiếu sáng ngõ 58 phố Bồ Đề.\n"
      "Ngày 01/11/2022, đại diện Đội Trật tự đô thị phường, Tổ dân phố và đơn vị thi công kiểm tra:\n"
      "các bộ đèn đã sáng bình thường từ 18 giờ.\n";
  const Attachment evidence{"bien-ban-nghiem-thu-den-ngo-58.txt", "text/plain", record.size(),
                            engine.attachment_store()->put(record), true};
  reply(late, std::to_string(++number) + "/UBND-VP", 2022, 11, 2, {evidence});  // two days late
  run(office, cmd::PublishReply{late, Date()});
  reply(engine.item(escalated).escalated_to, "1520/UBND-TNMT", 2022, 10, 31);
  // ---- Satisfaction (issue 14; R10, R14): the raiser of the flooded lane is not satisfied ----
  const PersonId flooded_raiser = engine.opinion(engine.item(reopened).opinion).raised_by;
  day(2022, 11, 10);
  run(flooded_raiser, cmd::RecordSatisfaction{reopened, Satisfaction::not_satisfied,
                                              "Ngõ 30 vẫn ngập sau trận mưa ngày 08/11", Date()});
  reply(complex, std::to_string(++number) + "/UBND-VP", 2022, 11, 25);

  // ---- Supervision (R14): the Front checks, reopens one, closes the rest ----
  day(2022, 11, 28);
  run(front, cmd::RecordFinding{reopened, "Ngõ 30 vẫn ngập khi mưa ngày 26/11; chưa giải quyết dứt điểm", false});
  run(front, cmd::Reopen{reopened, "Kết quả giải quyết chưa thỏa đáng"});
  reply(reopened, std::to_string(++number) + "/UBND-VP", 2022, 12, 15);
  day(2022, 12, 18);
  run(flooded_raiser, cmd::RecordSatisfaction{reopened, Satisfaction::satisfied, "Đã nạo vét cống, ngõ hết ngập", Date()});
  day(2022, 12, 20);
  std::vector<ItemId> all;
  engine.read([&](const State& s) {
    ItemQuery q;
    q.unit = bode;
    all = s.items(q);
    return 0;
  });
  for (ItemId id : all)
    if (id != adv1.items[1] && id != adv2.items[1])  // duplicates follow their originals
      run(front, cmd::CloseItem{id, "MTTQ phường giám sát: đã giải quyết"});
  run(district_front, cmd::CloseItem{engine.item(escalated).escalated_to, "MTTQ quận giám sát: đã giải quyết"});
  run(office, cmd::CloseConference{conf});

  // ---- Print ----
  std::cout << "Hội nghị đối thoại phường Bồ Đề, 30/9/2022 — store: " << (path == "--memory" ? "in memory" : path) << "\n";
  if (stored_before)
    std::cout << "(continued an existing store of " << stored_before << " events; " << replayed
              << " commands were recognised by their idempotency keys and appended nothing)\n";
  const Conference c = engine.conference(conf);
  std::cout << "Chủ trì: Bí thư Đảng ủy và Chủ tịch UBND phường; thông báo kết luận " << c.notice->number << " ngày "
            << dmy(c.notice->issued_on) << " (hạn " << dmy(c.notice->due) << (c.notice->on_time ? ", đúng hạn" : ", trễ hạn")
            << "); hạn trả lời " << dmy(c.reply_due) << "; trạng thái: " << to_string(c.status) << "\n\n";
  const Reconciliation rc = engine.reconciliation(conf);
  std::cout << "Đối chiếu (R07): " << rc.raised_at_conference.size() << " nội dung nêu tại hội nghị, "
            << rc.collected_in_advance.size() << " nội dung tổng hợp trước hội nghị, " << rc.duplicates.size()
            << " trùng lặp đã gộp\n\n";

  std::cout << "Bảng theo dõi giải quyết (R09–R14)\n";
  std::cout << cut("Số", 4) << " " << cut("Nội dung", 34) << " " << cut("Cơ quan", 30) << " " << cut("Hạn", 10) << " "
            << cut("Hạn gốc", 10) << " " << cut("Văn bản", 14) << " " << cut("Ngày TL", 10) << " Tình trạng\n";
  std::map<std::uint32_t, std::string> agency_names;
  engine.read([&](const State& s) {
    for (UnitId u : {bode, longbien})
      for (AgencyId a : s.agencies(u)) agency_names[a.value] = s.agency(a).name;
    return 0;
  });
  std::vector<ItemId> shown = all;
  shown.push_back(engine.item(escalated).escalated_to);
  for (ItemId id : shown) {
    const Item it = engine.item(id);
    std::string state(to_string(it.status));
    if (it.merged_into) state += " → #" + std::to_string(it.merged_into.value);
    if (it.escalated_to) state += " → quận #" + std::to_string(it.escalated_to.value);
    if (it.reopened) state += " (mở lại)";
    if (!it.extensions.empty()) state += " (gia hạn)";
    if (it.reply && it.reply->completed_on && it.deadline && *it.reply->completed_on > *it.deadline) state += " (trễ hạn)";
    std::printf("%-4u %s %s %-10s %-10s %-14s %-10s %s\n", id.value, cut(it.text, 34).c_str(),
                cut(it.agency ? agency_names[it.agency.value] : (it.answer ? "trả lời tại hội nghị" : "—"), 30).c_str(),
                dmy(it.deadline).c_str(), dmy(it.original_deadline).c_str(),
                it.reply ? it.reply->number.c_str() : "", it.reply ? dmy(it.reply->completed_on).c_str() : "", state.c_str());
  }

  std::cout << "\nThống kê theo nội dung (R15), phường Bồ Đề\n";
  for (const char* h : {"Tính đến  ", "  Tổng", "  Đã GQ", "  Còn tồn", "  Chưa đến hạn", "  Quá hạn", "  Đúng hạn", "  Trễ hạn"})
    std::cout << cut(h, std::string(h) == "Tính đến  " ? 12 : 11);
  std::cout << "\n";
  for (Date d : {Date(2022, 9, 30), Date(2022, 10, 10), Date(2022, 10, 30), Date(2022, 11, 1), Date(2022, 11, 30),
                 Date(2022, 12, 31)}) {
    const Accounting a = engine.accounting(bode, d);
    std::printf("%-12s %6llu %10llu %10llu %10llu %10llu %10llu %10llu\n", dmy(d).c_str(), (unsigned long long)a.items,
                (unsigned long long)a.resolved, (unsigned long long)a.outstanding, (unsigned long long)a.not_yet_due,
                (unsigned long long)a.overdue, (unsigned long long)a.replied_on_time, (unsigned long long)a.replied_late);
  }

  const Report report = make_report(engine, {bode, Period::year(2022), Date(2022, 12, 31)});
  std::cout << "\nBáo cáo năm 2022 gửi MTTQ (R16): " << report.conferences << " hội nghị, " << report.opinions
            << " ý kiến, " << report.items.items << " nội dung; đã giải quyết " << report.items.resolved << ", còn tồn "
            << report.items.outstanding << "; gia hạn " << report.items.extensions << "; đề xuất cấp trên "
            << report.items.escalated << "\n";
  for (const auto& t : report.by_topic)
    std::cout << "  " << cut(t.label, 44) << " " << t.tally.items << " nội dung, đã giải quyết " << t.tally.resolved << "\n";
  std::cout << "  Ý kiến không ký tên (R04): " << report.opinions_anonymous << " ý kiến, " << report.items_anonymous
            << " nội dung\n";
  const SatisfactionTally& st = report.satisfaction;
  std::cout << "  Mức độ hài lòng với văn bản trả lời (đánh giá sau cùng): " << st.rated << " đánh giá, hài lòng "
            << st.satisfied << ", hài lòng một phần " << st.partly_satisfied << ", không hài lòng " << st.not_satisfied
            << "\n";
  for (const auto& a : report.by_agency)
    if (a.replies_with_evidence)
      std::cout << "  Văn bản trả lời có minh chứng: " << cut(a.name, 34) << " " << a.replies_with_evidence << "/"
                << a.written_replies << "\n";

  // Issue 14 as the citizen sees it: the tracking code of the unsigned letter, looked up as a
  // visitor would (the public status only), on the day of its posting and at the year's end.
  const std::string code = engine.opinion(OpinionId(anon.id)).tracking_code;
  std::cout << "\nThư không ký tên, mã tra cứu " << code << " (R04, R10, R13):";
  for (Date d : {Date(2022, 10, 5), Date(2022, 10, 31), Date(2022, 12, 31)}) {
    const Tracking t = track(engine, code, d);
    std::cout << " " << dmy(d) << " " << to_string(t.items.at(0).status);
    if (t.items.at(0).reply) std::cout << " (" << t.items.at(0).reply->number << ")";
    if (d != Date(2022, 12, 31)) std::cout << ";";
  }
  std::cout << "\n";
  // The reply with evidence: what the event records, and the bytes checked against the store (R20).
  const Item lit = engine.item(late);
  std::cout << "Minh chứng kèm văn bản " << lit.reply->number << ": " << evidence.name << " (" << evidence.media_type
            << ", " << evidence.size << " byte, SHA-256 " << evidence.sha256 << "), công khai: "
            << (engine.read([&](const State& s) { return s.attachment_public(evidence.sha256); }) ? "có" : "không");
  const AttachmentReport ar = engine.verify_attachments();
  std::cout << "; kiểm tra kho minh chứng: " << ar.checked << " tệp, " << (ar.ok ? "khớp mã băm" : "LỖI") << "\n";
  // R14: the Front's supervision list before and after it reopened the item.
  std::cout << "Danh sách giám sát của MTTQ (người nêu không hài lòng, R14):";
  for (Date d : {Date(2022, 11, 9), Date(2022, 11, 10), Date(2022, 11, 28)}) {
    const auto list = supervision_list(engine, bode, d);
    std::cout << " " << dmy(d) << ": ";
    if (list.empty()) std::cout << "trống";
    for (const SupervisionEntry& e : list) std::cout << "#" << e.item.value << " " << e.comment;
    if (d != Date(2022, 11, 28)) std::cout << ";";
  }
  std::cout << "\n";

  bool chain_ok = true;
  if (auto* durable = dynamic_cast<const DurableStore*>(&engine.store())) {
    const VerifyReport v = durable->verify();
    chain_ok = v.ok;
    std::cout << "\nNhật ký (R20): " << v.checked << " sự kiện, chuỗi băm " << (v.ok ? "hợp lệ" : "HỎNG: " + v.problem)
              << ", đầu chuỗi " << to_hex(v.head).substr(0, 16) << "…\n";
  }
  if (outbox) {
    // The outbox of one day (issue 15): what the rules required by 10/10/2022, as that day stood.
    OutboxQuery q;
    q.as_of = Date(2022, 10, 10);
    const std::vector<Notice> day = engine.outbox(q);
    std::map<std::string, int> by_kind;
    for (const Notice& n : day) ++by_kind[n.rule + " " + n.kind];
    const OutboxCounts oc = engine.outbox_counts(bode, q.as_of);
    std::cout << "\nHộp thư thông báo (outbox) ngày " << dmy(q.as_of) << ": " << oc.issued << " thông báo, đã gửi "
              << oc.delivered << ", chờ gửi " << oc.pending << ", trễ hạn " << oc.late << "\n";
    for (const auto& [k, n] : by_kind) std::cout << "  " << cut(k, 30) << " " << n << "\n";
    std::cout << "  Số  " << cut("Loại", 20) << " " << cut("Gửi đến", 24) << " " << cut("Hạn", 10) << " Tình trạng\n";
    int shown_notices = 0;
    for (const Notice& n : day) {
      if (n.issued_on != q.as_of && n.due != q.as_of) continue;  // issued or due that day
      std::string to = n.to.role;
      if (n.to.agency) to += " " + agency_names[n.to.agency.value];
      else if (n.to.person) to += " #" + std::to_string(n.to.person.value);
      std::printf("  %-3u %s %s %-10s %s%s\n", n.id.value, cut(n.kind, 20).c_str(), cut(to, 24).c_str(),
                  dmy(n.due).c_str(), n.status.c_str(), n.late ? " (trễ)" : "");
      ++shown_notices;
    }
    if (!shown_notices) std::cout << "  (không có thông báo phát sinh hoặc đến hạn trong ngày)\n";
  }
  // The demo checks its own outcome, so running it is a test too.
  const Accounting end = engine.accounting(bode, Date(2022, 12, 31));
  const auto flagged = supervision_list(engine, bode, Date(2022, 11, 10));
  const bool citizens_ok = report.opinions_anonymous == 1 && ar.ok && ar.checked == 1 && flagged.size() == 1 &&
                           flagged[0].item == reopened && supervision_list(engine, bode, Date(2022, 11, 28)).empty() &&
                           st.rated == 1 && st.satisfied == 1 && engine.item(anonymous).status == ItemStatus::closed;
  const bool ok = chain_ok && citizens_ok && engine.conference(conf).status == ConferenceStatus::closed && report.items.items == 46 &&
                  end.outstanding == 0 && end.replied_late == 1 && engine.item(complex).original_deadline == Date(2022, 10, 30) &&
                  engine.item(reopened).reopened == 1 && engine.conference(conf).notice->on_time;
  if (!ok) std::cerr << "bode_demo: the replayed conference does not end as the seed says\n";
  return ok ? 0 : 1;
}
