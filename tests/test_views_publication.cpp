// R13 publication: publishing replies and conference results, the public feed, redaction.
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
