// R13 publication: publishing replies and conference results, the public feed, redaction.
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "fixture.h"
#include "schema_check.h"
#include "views_world.h"

using namespace views_test;

namespace {
// Lower-cased ASCII: to prove the unaccented spelling of a name is gone too.
std::string ascii_fold(const std::string& s) {
  std::string o;
  for (char c : s) o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

struct Scene {
  World w{"hanoi-2200", D(2022, 8, 1)};
  UnitId ward;
  Heads h;
  AgencyId agency;
  PersonId officer, an, binh;
  ConferenceId conf;
  std::vector<ItemId> items;
  Scene() {
    const UnitId hanoi = w.unit("Thành phố Hà Nội", "tinh");
    const UnitId quan = w.unit("Quận Long Biên", "huyen", hanoi);
    ward = w.unit("Phường Bồ Đề", "xa", quan);
    h = w.heads(ward);
    std::tie(agency, officer) = w.agency(ward, "Bộ phận Địa chính - Xây dựng");
    an = w.person("Nguyễn Văn An", false, "0912 345 678", "001089012345", "Số 12 ngõ 34 phố Bồ Đề");
    binh = w.person("Trần Thị Bình", true, "0987654321");
    w.at(D(2022, 9, 9));
    conf = w.plan(h, ward, D(2022, 9, 30));
    w.hold(h, conf, D(2022, 9, 30));
    // NFD spelling of the name inside the text, a spelling without diacritics, his phone and id.
    const std::string nfd_name = "Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An";
    items = w.raise(h, ward, conf, D(2022, 9, 30), an,
                    {{"land", "Hộ ông " + nfd_name + " (SĐT 0912.345.678, CCCD 001089012345) ở Số 12 ngõ 34 phố Bồ Đề "
                                "bị lấn chiếm đất; ông NGUYEN VAN AN đề nghị xử lý, bồi thường 150.000.000 đồng trước 30/10/2022."},
                     {"security", "Đề nghị tăng cường tuần tra ban đêm."}});
    const auto more = w.raise(h, ward, conf, D(2022, 9, 30), binh, {{"urban_order", "Vỉa hè bị chiếm dụng, gọi 0987654321."}});
    items.insert(items.end(), more.begin(), more.end());
    w.run(h.party, cmd::AnswerOnSpot{items[1], h.party, "Công an phường sẽ tăng cường tuần tra."});
    w.at(D(2022, 10, 3));
    w.assign(h, items[0], agency);
    w.assign(h, items[2], agency);
    w.at(D(2022, 10, 20));
    w.reply(h, items[0], officer, "Trả lời ông Nguyễn Văn An, số điện thoại +84 912 345 678: đã kiểm tra, xử lý lấn chiếm.");
  }
};
}  // namespace

TEST_CASE("R13 only the heads or office publish, and only replied or closed items") {
  Scene s;
  auto code = [&](PersonId actor, ItemId item) {
    try {
      s.w.run(actor, cmd::PublishReply{item, {}});
      return ErrorCode{};
    } catch (const Error& e) {
      return e.code();
    }
  };
  CHECK(code(s.binh, s.items[0]) == ErrorCode::permission_denied);
  CHECK(code(s.officer, s.items[0]) == ErrorCode::permission_denied);
  CHECK(code(s.h.office, s.items[2]) == ErrorCode::invalid_transition);  // assigned, not replied
  CHECK(code(s.h.office, s.items[1]) == ErrorCode::invalid_transition);  // answered on the spot
  const auto before = s.w.engine.last_seq();
  CHECK(code(s.h.office, s.items[0]) == ErrorCode{});
  CHECK(s.w.engine.last_seq() == before + 1);
  CHECK(code(s.h.government, s.items[0]) == ErrorCode::invalid_transition);  // already published
  // The command has a JSON form and its event survives the log round trip.
  const auto j = command_to_json(cmd::PublishReply{s.items[0], D(2022, 10, 21)});
  CHECK(j["type"] == "publish_reply");
  const auto hist = s.w.engine.history(s.items[0]);
  CHECK(event_type(hist.back().event) == "reply_published");
  CHECK(recorded_from_json(recorded_to_json(hist.back())).seq == hist.back().seq);
}

TEST_CASE("R13 the public feed shows published items only, without personal data of people who did not consent") {
  Scene s;
  auto feed = [&] { return s.w.engine.read([&](const State& st) { return public_feed(st, s.w.engine.profile(), s.ward); }); };
  CHECK(feed().empty());  // nothing published yet
  s.w.run(s.h.office, cmd::PublishReply{s.items[0], {}});
  auto f = feed();
  REQUIRE(f.size() == 1);
  const PublicItem& p = f[0];
  CHECK(p.id == s.items[0]);
  CHECK(p.raised_by == "Người dân (ẩn danh)");
  CHECK(p.unit_name == "Phường Bồ Đề");
  REQUIRE(p.reply);
  CHECK(p.reply->agency == "Bộ phận Địa chính - Xây dựng");
  const std::string all = p.text + " | " + p.reply->text;
  for (const char* gone : {"Nguyễn", "Nguye\xCC\x82", "NGUYEN", "Nguyen", "0912", "912 345 678", "345.678",
                           "001089012345", "ngõ 34"})
    CHECK_FALSE(has(all, gone));
  CHECK(has(p.text, "[họ tên đã ẩn]"));
  CHECK(has(p.text, "[số điện thoại đã ẩn]"));
  CHECK(has(p.text, "[số định danh đã ẩn]"));
  CHECK(has(p.text, "[địa chỉ đã ẩn]"));
  CHECK(has(p.reply->text, "[số điện thoại đã ẩn]"));
  // Ordinary numbers and words stay.
  CHECK(has(p.text, "150.000.000 đồng"));
  CHECK(has(p.text, "30/10/2022"));
  CHECK(has(p.text, "lấn chiếm đất"));
  CHECK(ascii_fold(all).find("nguyen van an") == std::string::npos);
  // A consenting raiser appears by name, but phone-shaped numbers are removed whoever they belong to.
  s.w.at(D(2022, 10, 25));
  s.w.reply(s.h, s.items[2], s.officer, "Đã xử lý vỉa hè.");
  s.w.run(s.h.office, cmd::PublishReply{s.items[2], {}});
  f = feed();
  REQUIRE(f.size() == 2);
  CHECK(f[0].id == s.items[2]);  // most recently published first
  CHECK(f[0].raised_by == "Trần Thị Bình");
  CHECK_FALSE(has(f[0].text, "0987654321"));
  // Items answered on the spot become public with the conference results.
  s.w.run(s.h.office, cmd::PublishConferenceResults{s.conf, {}});
  f = feed();
  REQUIRE(f.size() == 3);
  bool answered = false;
  for (const auto& x : f)
    if (x.id == s.items[1]) answered = x.answer == "Công an phường sẽ tăng cường tuần tra.";
  CHECK(answered);
  const auto j = public_feed_to_json(f);
  CHECK_FALSE(has(j.dump(), "Nguy"));
  CHECK_FALSE(has(j.dump(), "0912"));
}

TEST_CASE("R13 the redactor matches names in NFC and NFD, with or without diacritics, any case") {
  World w("national-default", D(2022, 1, 1));
  w.person("Phạm Thị Hồng Nhung", false, "", "", "Thôn Đông, xã Yên Sở");
  w.person("Lò Văn Tùng", true);
  const Redactor red = w.engine.read([](const State& s) { return Redactor(s); });
  CHECK(red.redact("Bà Phạm Thị Hồng Nhung phản ánh") == "Bà [họ tên đã ẩn] phản ánh");
  CHECK(red.redact("bà PHAM THI HONG NHUNG phản ánh") == "bà [họ tên đã ẩn] phản ánh");
  CHECK(red.redact("bà Pha\xCC\xA3m Thi\xCC\xA3 Ho\xCC\x82\xCC\x80ng Nhung, ở Thôn Đông, xã Yên Sở.") ==
        "bà [họ tên đã ẩn], ở [địa chỉ đã ẩn].");
  CHECK(red.redact("Ông Lò Văn Tùng đồng ý công khai") == "Ông Lò Văn Tùng đồng ý công khai");
  CHECK(red.redact("Nhung hoa hồng") == "Nhung hoa hồng");  // one word of a name is not the name
  CHECK(redact_numbers("gọi 090 123 4567 hoặc +84 90 123 4567 hay 84901234567") ==
        "gọi [số điện thoại đã ẩn] hoặc [số điện thoại đã ẩn] hay [số điện thoại đã ẩn]");
  CHECK(redact_numbers("CMND 123456789, CCCD 001203004005") == "CMND [số định danh đã ẩn], CCCD [số định danh đã ẩn]");
  CHECK(redact_numbers("năm 2022, 1.595 ý kiến, 150.000.000 đồng, lô 12345") ==
        "năm 2022, 1.595 ý kiến, 150.000.000 đồng, lô 12345");
  // NFD input leaves NFC output.
  CHECK(red.redact("Hô\xCC\x80ng") == "Hồng");
}

// ---- R13: e-mail addresses, grouped numbers and names after an honorific ----

namespace {
// The text decomposed (NFD), as some keyboards and pasted text deliver Vietnamese.
std::string nfd(const std::string& s) {
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(ec);
  REQUIRE(U_SUCCESS(ec));
  const icu::UnicodeString u = n->normalize(icu::UnicodeString::fromUTF8(s), ec);
  std::string out;
  u.toUTF8String(out);
  return out;
}
const std::string kNameLabel = "[họ tên đã ẩn]";
const std::string kPhoneLabel = "[số điện thoại đã ẩn]";
const std::string kIdLabel = "[số định danh đã ẩn]";
const std::string kMailLabel = "[thư điện tử đã ẩn]";

Redactor redactor_of(World& w) {
  return w.engine.read([](const State& s) { return Redactor(s); });
}
}  // namespace

TEST_CASE("R13 e-mail addresses are removed, with Vietnamese letters in or around them, NFC or NFD") {
  World w("national-default", D(2022, 1, 1));
  const Redactor red = redactor_of(w);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"liên hệ nguyenvanan@gmail.com để biết", "liên hệ " + kMailLabel + " để biết"},
      {"Email: an.nguyen+dt@ubnd.hanoi.gov.vn.", "Email: " + kMailLabel + "."},
      {"(hoa_tran-84@yahoo.com.vn)", "(" + kMailLabel + ")"},
      {"gửi nguyễn.văn.an@bồđề.vn, cảm ơn", "gửi " + kMailLabel + ", cảm ơn"},
      {"thư điện tử:trần.bình@phường-bồđề.hà-nội.vn;", "thư điện tử:" + kMailLabel + ";"},
      {"a@b.co và c@d.vn", kMailLabel + " và " + kMailLabel},
      {"hộp thư 'an@x.vn' hoặc <hoa@gmail.com>", "hộp thư '" + kMailLabel + "' hoặc <" + kMailLabel + ">"},
  };
  for (const auto& [in, out] : cases) {
    CAPTURE(in);
    CHECK(red.redact(in) == out);
    CHECK(red.redact(nfd(in)) == out);  // the output is NFC whatever came in
  }
  // Not addresses: a handle, a bare "@", a domain without its top level.
  for (const std::string keep : {"theo dõi @ubndbode trên mạng", "5 @ 10", "tỷ lệ 100%", "an@localhost", "a@.vn"}) {
    CAPTURE(keep);
    CHECK(red.redact(keep) == keep);
  }
}

TEST_CASE("R13 phone numbers written with spaces, dots, dashes, +84 or an area code are removed") {
  for (const std::string phone : {"0912 345 678", "0912.345.678", "091-234-5678", "0912345678", "091 234 5678",
                                  "0912 34 56 78", "+84 912 345 678", "+84-912-345-678", "+84912345678",
                                  "84 912 345 678", "84912345678", "(024) 3825 1234", "(024)38251234",
                                  "024 3825 1234", "024.3825.1234", "0236 382 1234", "+84 24 3825 1234",
                                  "0168 123 4567", "+84 (24) 3825 1234"}) {
    CAPTURE(phone);
    CHECK(redact_numbers("gọi " + phone + " nhé") == "gọi " + kPhoneLabel + " nhé");
    CHECK(redact_numbers("SĐT: " + phone + ".") == "SĐT: " + kPhoneLabel + ".");
  }
  // Next to other numbers: each is told apart.
  CHECK(redact_numbers("0912 345 678 0987 654 321") == kPhoneLabel + " " + kPhoneLabel);
  CHECK(redact_numbers("năm 2022 0912 345 678") == "năm 2022 " + kPhoneLabel);
  CHECK(redact_numbers("ngày 30/10/2022 0912.345.678") == "ngày 30/10/2022 " + kPhoneLabel);
}

TEST_CASE("R13 id numbers of 9 and 12 digits are removed in any grouping") {
  for (const std::string id : {"001203004567", "001 203 004 567", "001.203.004.567", "001-203-004-567",
                               "0012 0300 4567", "123456789", "123 456 789", "123-456-789", "012.345.678",
                               "012 345 678"}) {
    CAPTURE(id);
    CHECK(redact_numbers("CCCD " + id + ", cấp ngày 1/1/2021") == "CCCD " + kIdLabel + ", cấp ngày 1/1/2021");
  }
  // Dotted by 3s a 9-digit number reads as an amount, unless an id document is named before it.
  CHECK(redact_numbers("số tiền 123.456.789") == "số tiền 123.456.789");
  CHECK(redact_numbers("CMND số 123.456.789") == "CMND số " + kIdLabel);
  CHECK(redact_numbers("Căn cước 123.456.789.012") == "Căn cước " + kIdLabel);
}

TEST_CASE("R13 dates, amounts, document numbers and counts are not numbers to remove") {
  for (const std::string keep :
       {"hạn 30/10/2022", "ngày 2022-10-30", "ngày 30-10-2022", "ngày 30.10.2022", "1.500.000 đồng",
        "150.000.000", "1.500.000.000 đồng", "15.000.000.000", "150 000 000 đồng", "2 500 000 đ",
        "Công văn 8056/VPCP-KGVX", "Quyết định 2200-QĐ/TU", "Kế hoạch 131-KH/QU", "14 ý kiến, 41 nội dung",
        "983 = 90 + 219 + 674", "các năm 2022 2023 2024", "1 2 3 4 5 6 7 8 9 0", "tổng đài 1900 1234",
        "(2022)", "diện tích 0,5 ha", "năm 2022, 1.595 ý kiến", "lô 12345", "tỷ lệ 78,7%", "+5 điểm",
        "đường 32, số nhà 102-104"}) {
    CAPTURE(keep);
    CHECK(redact_numbers(keep) == keep);
  }
}

TEST_CASE("R13 a name after an honorific is removed, in NFC, NFD and unaccented text") {
  World w("national-default", D(2022, 1, 1));
  const Redactor red = redactor_of(w);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"ông An đề nghị", "ông " + kNameLabel + " đề nghị"},
      {"Ông Nguyễn Văn An phản ánh", "Ông " + kNameLabel + " phản ánh"},
      {"bà Nguyễn Thị Hoa hỏi", "bà " + kNameLabel + " hỏi"},
      {"Bà Phạm Thị Hồng Nhung ở tổ 5", "Bà " + kNameLabel + " ở tổ 5"},
      {"anh Bình, chị Hoa và em Lan", "anh " + kNameLabel + ", chị " + kNameLabel + " và em " + kNameLabel},
      {"cô Mai, chú Tư, bác Hải, cụ Tám, cháu Minh", "cô " + kNameLabel + ", chú " + kNameLabel + ", bác " +
                                                         kNameLabel + ", cụ " + kNameLabel + ", cháu " + kNameLabel},
      {"ÔNG NGUYỄN VĂN AN, TỔ 5", "ÔNG " + kNameLabel + ", TỔ 5"},
      {"Ông An UBND phường trả lời", "Ông " + kNameLabel + " UBND phường trả lời"},
      {"ông Đỗ Đức Dũng Phường Bồ Đề", "ông " + kNameLabel + " Phường Bồ Đề"},
      // Unaccented text: the honorific and the name without accents.
      {"ong An de nghi", "ong " + kNameLabel + " de nghi"},
      {"ba Nguyen Thi Hoa hoi", "ba " + kNameLabel + " hoi"},
      {"anh Binh va chi Hoa", "anh " + kNameLabel + " va chi " + kNameLabel},
      {"Co Lan, chu Tu, bac Hai, cu Tam, chau Minh", "Co " + kNameLabel + ", chu " + kNameLabel + ", bac " +
                                                         kNameLabel + ", cu " + kNameLabel + ", chau " + kNameLabel},
  };
  for (const auto& [in, out] : cases) {
    CAPTURE(in);
    CHECK(red.redact(in) == out);
    CHECK(red.redact(nfd(in)) == out);
  }
}

TEST_CASE("R13 an honorific before a lower-case word, a title or a place is not a name") {
  World w("national-default", D(2022, 1, 1));
  const Redactor red = redactor_of(w);
  for (const std::string keep :
       {"ông ấy đề nghị", "bà con phản ánh", "anh em trong tổ", "các cụ cao tuổi", "cô giáo Trường", "quận Ba Đình",
        "huyện Ba Vì", "quận Bắc Từ Liêm", "phố Bà Triệu", "số 5 Bà Triệu", "học tập Bác Hồ", "tỉnh Bà Rịa - Vũng Tàu",
        "đặc khu Cô Tô", "đường Ông Ích Khiêm", "huyện Anh Sơn", "ông Chủ tịch UBND phường", "bà Bí thư Đảng ủy",
        "ông Giám đốc Sở", "anh Công an phường", "có Nguyễn Văn An", "chỉ Nam Định", "học tiếng Anh", "bà HĐND"}) {
    CAPTURE(keep);
    CHECK(red.redact(keep) == keep);
    CHECK(red.redact(nfd(keep)) == keep);
  }
}

TEST_CASE("R13 a consenting person's name after an honorific stays only when it is theirs alone") {
  World w("national-default", D(2022, 1, 1));
  w.person("Lò Văn Tùng", true);
  w.person("Lê Công Khai", true);
  w.person("Nguyễn Văn Khai", false);
  const Redactor red = redactor_of(w);
  for (const std::string keep : {"Ông Lò Văn Tùng đồng ý", "ông Tùng đồng ý", "ông Văn Tùng đồng ý",
                                 "ong Tung dong y", "ông Công Khai đồng ý", "ông Lê Công Khai đồng ý"}) {
    CAPTURE(keep);
    CHECK(red.redact(keep) == keep);
    CHECK(red.redact(nfd(keep)) == keep);
  }
  // "ông Khai" may be Nguyễn Văn Khai, who did not consent; "ông Hùng" is not registered at all.
  CHECK(red.redact("ông Khai hỏi") == "ông " + kNameLabel + " hỏi");
  CHECK(red.redact("ông Văn Khai hỏi") == "ông " + kNameLabel + " hỏi");
  CHECK(red.redact("ông Nguyễn Văn Khai hỏi") == "ông " + kNameLabel + " hỏi");
  CHECK(red.redact("ông Hùng hỏi") == "ông " + kNameLabel + " hỏi");
  // A registered name of five words is removed whole.
  w.person("Nguyễn Thị Hồng Nhung Anh", false);
  CHECK(redactor_of(w).redact("bà Nguyễn Thị Hồng Nhung Anh hỏi") == "bà " + kNameLabel + " hỏi");
}

TEST_CASE("R13 conference results are published within the profile's days; lateness is reported") {
  Scene s;  // held 30/9/2022; hanoi-2200 publishes within 10 days: by 10/10/2022
  auto list = [&](Date as_of) { return results_publication(s.w.engine, s.ward, as_of); };
  auto l = list(D(2022, 10, 20));
  REQUIRE(l.size() == 1);
  CHECK(l[0].due == D(2022, 10, 10));
  CHECK_FALSE(l[0].published_on);
  CHECK(l[0].late);
  CHECK(l[0].days_late == 10);
  CHECK_FALSE(list(D(2022, 10, 5))[0].late);
  // Only whoever runs the conference publishes; not before it is held; once.
  CHECK_THROWS_AS(s.w.run(s.officer, cmd::PublishConferenceResults{s.conf, {}}), Error);
  s.w.run(s.h.office, cmd::PublishConferenceResults{s.conf, D(2022, 10, 12)});
  CHECK_THROWS_AS(s.w.run(s.h.office, cmd::PublishConferenceResults{s.conf, {}}), Error);
  l = list(D(2022, 10, 20));
  REQUIRE(l[0].published_on);
  CHECK(*l[0].published_on == D(2022, 10, 12));
  CHECK(l[0].days_late == 2);
  ReportRequest q;
  q.unit = s.ward;
  q.period = Period::quarter(2022, 3);
  q.as_of = D(2022, 10, 20);
  const Report r = make_report(s.w.engine, q);
  CHECK(r.results_published_late == 1);
  CHECK(r.conference_list[0].results_due == D(2022, 10, 10));
  CHECK(r.conference_list[0].results_late);
}

// ---- Review before publication (R13, R14; profile "reply_review", issue 15) ----

TEST_CASE("R13 review: a draft counts as no reply (accounting, overdue) until approved; returns are reported by agency") {
  nlohmann::json pj = profile_to_json(builtin_profile("hanoi-2200"));
  pj["reply_review"] = {{"reviewer", "office"}, {"citation", "Quy chế thử"}};
  fx::World w(load_profile(pj));
  const ItemId i = w.assigned_item();  // due 2022-10-30
  const ItemId other = w.letter(w.resident2, "urban_order");
  w.run(w.office, cmd::Assign{other, w.urban, std::nullopt});
  w.set_day(2022, 10, 20);
  w.run(w.land_officer, cmd::WriteReply{i, "12/TL-UBND", Date(), w.land_officer, "Dự thảo"});
  w.set_day(2022, 10, 21);
  w.run(w.office, cmd::ReturnReply{i, "Chưa nêu căn cứ"});
  w.set_day(2022, 10, 22);
  w.run(w.land_officer, cmd::WriteReply{i, "13/TL-UBND", Date(), w.land_officer, "Dự thảo sửa"});
  Accounting a = w.engine->accounting(w.ward, Date(2022, 10, 25));
  CHECK(a.replied == 0);
  CHECK(a.outstanding == 2);
  // Past its deadline, a draft is overdue like any unanswered item.
  w.set_day(2022, 11, 2);
  const auto od = w.engine->overdue(Date(2022, 11, 1));
  CHECK(std::find(od.begin(), od.end(), i) != od.end());
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::PublishReply{i, Date()}));
  w.run(w.office, cmd::ApproveReply{i});
  for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
    w.run(w.office, cmd::RecordDelivery{i, r, Date()});
  a = w.engine->accounting(w.ward, Date(2022, 11, 2));
  CHECK(a.replied == 1);
  CHECK(a.replied_late == 1);
  w.run(w.office, cmd::PublishReply{i, Date()});
  // As of the day before the approval, the accounting still counts no reply.
  CHECK(w.engine->accounting(w.ward, Date(2022, 11, 1)).replied == 0);

  ReportRequest q;
  q.unit = w.ward;
  q.period = Period::range(Date(2022, 9, 1), Date(2022, 12, 31));
  q.as_of = Date(2022, 11, 2);
  const Report rep = make_report(*w.engine, q);
  REQUIRE(rep.by_agency.size() == 2);
  for (const auto& row : rep.by_agency) CHECK(row.returned == (row.agency == w.land ? 1u : 0u));
  const nlohmann::json j = report_to_json(rep);
  CHECK(j["by_agency"][0]["returned"].is_number_unsigned());
  CHECK(schema_check::errors(schema_check::load("report.schema.json"), j).empty());
  // The HTML report gives returns a column, only when there are some.
  const std::string html = report_html(rep);
  CHECK(html.find("Trả lại để hoàn thiện") != std::string::npos);
  CHECK(html.find("<td class=\"n\">1</td></tr>") != std::string::npos);
  ReportRequest none = q;
  none.as_of = Date(2022, 10, 20);  // before the return
  CHECK(report_html(make_report(*w.engine, none)).find("Trả lại để hoàn thiện") == std::string::npos);
  // Exports: the item's returns are internal (the office's review), not public.
  ExportOptions o;
  o.item = i;
  o.visibility = Visibility::internal;
  const nlohmann::json in = export_items_json(*w.engine, o);
  CHECK(in["items"][0]["returned"] == 1);
  CHECK(schema_check::errors(schema_check::load("items.schema.json"), in).empty());
  std::string csv;
  export_items_csv(*w.engine, o, csv);
  CHECK(csv.substr(csv.size() - 4) == ",1\r\n");  // the last column, returned
  o.visibility = Visibility::public_view;
  const nlohmann::json pub = export_items_json(*w.engine, o);
  CHECK_FALSE(pub["items"][0].contains("returned"));
  CHECK(schema_check::errors(schema_check::load("items.schema.json"), pub).empty());
  csv.clear();
  export_items_csv(*w.engine, o, csv);
  CHECK(csv.substr(csv.size() - 3) == ",\r\n");  // empty in public
}
