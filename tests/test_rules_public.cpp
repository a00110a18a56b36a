// Names withheld, anonymous opinions and tracking codes (issue 14): R04, R10, R13, R16, R19.
// Code: src/rules/public.cpp, src/views/track.{h,cpp} (and the lines they touch in
// src/rules/followup.cpp, src/views/view_events.cpp, publication.cpp, report.cpp).
#include <catch2/catch.hpp>

#include <fstream>

#include "fixture.h"
#include "state_access.h"
#include "store_support.h"

using namespace doithoai;

namespace {

const char* const kLabel = "Người dân (ẩn danh)";

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Profile with_anonymous(const char* delivery, std::vector<std::string> channels = {"mailbox", "collected_in_advance"}) {
  nlohmann::json j = profile_to_json(builtin_profile("hanoi-2200"));
  j["anonymous"] = {{"channels", channels}, {"delivery", delivery}, {"citation", "test"}};
  return load_profile(j);
}
Profile without_anonymous() {
  nlohmann::json j = profile_to_json(builtin_profile("hanoi-2200"));
  j.erase("anonymous");
  return load_profile(j);
}

cmd::SubmitOpinion mailbox(const fx::World& w, const char* text = "Đề nghị kiểm tra quán karaoke gây ồn sau 22 giờ") {
  return cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::mailbox, PersonId(), OrganizationId(), Date(), "",
                            {{"urban_order", text}}};
}

// A consenting resident (the public feed would name them) of the ward.
PersonId consenting(fx::World& w) {
  const PersonId p(w.run(kSystemActor, cmd::RegisterPerson{"Phạm Văn Đồng", "", "", "", "", true}).id);
  w.run(kSystemActor, cmd::GrantRole{p, Role::resident, w.ward});
  return p;
}

void deliver_heads(fx::World& w, ItemId i, Date on) {
  for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair})
    w.run(w.office, cmd::RecordDelivery{i, r, on});
}

}  // namespace

TEST_CASE("R04 an anonymous opinion comes only through the channels the profile allows") {
  fx::World w;
  const std::size_t before = w.engine->read([](const State& s) { return s.opinion_count(); });
  // A letter with no raiser: refused, with the channels that would take it.
  cmd::SubmitOpinion letter = mailbox(w);
  letter.channel = Channel::letter;
  try {
    w.run(w.office, letter);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(has(e.what(), "mailbox"));
    CHECK(has(e.what(), "not through letter"));
  }
  CHECK(w.engine->read([](const State& s) { return s.opinion_count(); }) == before);
  // The office enters an unsigned letter of the suggestion mailbox.
  const Result r = w.run(w.office, mailbox(w));
  const Opinion o = w.engine->opinion(OpinionId(r.id));
  CHECK(o.anonymous);
  CHECK(!o.name_withheld);
  CHECK(!o.raised_by);
  CHECK(!o.raised_by_org);
  // Both a person and an organization: still refused.
  cmd::SubmitOpinion both = mailbox(w);
  both.raised_by = w.resident;
  both.raised_by_org = w.women;
  REQUIRE_ERROR(invalid_argument, w.run(w.office, both));
  // A profile without the section accepts none.
  fx::World none(without_anonymous());
  REQUIRE_ERROR(invalid_argument, none.run(none.office, mailbox(none)));
}

TEST_CASE("R19 who may enter an anonymous opinion") {
  fx::World w;
  // Not a resident (there is no raiser to act as), not an agency, not another ward's office.
  REQUIRE_ERROR(permission_denied, w.run(w.resident, mailbox(w)));
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, mailbox(w)));
  // The heads, office and front of the unit or above do.
  w.run(w.front_officer, mailbox(w));
  w.run(w.district_office, mailbox(w));
  // An organization collects before a conference, without a name (channel allowed).
  const ConferenceId c = w.plan();
  w.run(w.org_rep, cmd::SubmitOpinion{w.ward, c, Channel::collected_in_advance, PersonId(), OrganizationId(), Date(), "",
                                      {{"land", "Hội viên đề nghị không nêu tên: đường ngõ 12 ngập"}}});
}

TEST_CASE("R10 an anonymous item's reply reaches its raiser by public posting (delivery: posted)") {
  fx::World w;
  const ItemId i = w.run(w.office, mailbox(w)).items.at(0);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.set_day(2022, 9, 25);
  w.run(w.urban_officer, cmd::WriteReply{i, "5/TB-UBND", Date(), w.urban_officer, "Đã kiểm tra, lập biên bản"});
  deliver_heads(w, i, Date(2022, 9, 25));
  CHECK(w.engine->item(i).status == ItemStatus::reply_written);
  // No raiser to deliver to: a clear error, nothing changed.
  const auto seq = w.engine->last_seq();
  try {
    w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date(2022, 9, 25)});
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(has(e.what(), "anonymous"));
    CHECK(has(e.what(), "PublishReply"));
  }
  CHECK(w.engine->last_seq() == seq);
  // The public posting completes it, on the posting's day.
  w.set_day(2022, 9, 27);
  w.run(w.office, cmd::PublishReply{i, Date()});
  const Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::replied);
  REQUIRE(it.reply);
  CHECK(it.reply->completed_on == Date(2022, 9, 27));
  CHECK(w.engine->standing(i, Date(2022, 9, 26)) != Standing::resolved);
  CHECK(w.engine->standing(i, Date(2022, 9, 27)) == Standing::resolved);
}

TEST_CASE("R10 posting first, the last delivery completes an anonymous item's reply") {
  fx::World w;
  const ItemId i = w.run(w.office, mailbox(w)).items.at(0);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.run(w.urban_officer, cmd::WriteReply{i, "5/TB-UBND", Date(), w.urban_officer, "Đã kiểm tra"});
  w.run(w.office, cmd::PublishReply{i, Date()});
  CHECK(w.engine->item(i).status == ItemStatus::reply_written);
  w.run(w.office, cmd::RecordDelivery{i, Recipient::party_head, Date()});
  w.run(w.office, cmd::RecordDelivery{i, Recipient::government_head, Date()});
  CHECK(w.engine->item(i).status == ItemStatus::reply_written);
  w.run(w.office, cmd::RecordDelivery{i, Recipient::front_chair, Date()});
  CHECK(w.engine->item(i).status == ItemStatus::replied);
  // A named item is still published only once replied (R13).
  const ItemId named = w.letter(w.resident);
  w.run(w.office, cmd::Assign{named, w.urban, std::nullopt});
  w.run(w.urban_officer, cmd::WriteReply{named, "6/TB-UBND", Date(), w.urban_officer, "Đã kiểm tra"});
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::PublishReply{named, Date()}));
}

TEST_CASE("R10 an anonymous item needs no raiser delivery where the profile says not_required") {
  fx::World w(with_anonymous("not_required"));
  const ItemId i = w.run(w.office, mailbox(w)).items.at(0);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.run(w.urban_officer, cmd::WriteReply{i, "5/TB-UBND", Date(), w.urban_officer, "Đã kiểm tra"});
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date()}));
  deliver_heads(w, i, Date());
  CHECK(w.engine->item(i).status == ItemStatus::replied);
  // Not a posting item: publication waits for the reply as before, and does not complete it.
  w.run(w.office, cmd::PublishReply{i, Date()});
}

TEST_CASE("R11 an anonymous item is escalated or handed on without telling a raiser") {
  fx::World w;
  const ItemId i = w.run(w.office, mailbox(w)).items.at(0);
  const ItemId j = w.run(w.office, mailbox(w, "Đề nghị xử lý điểm tập kết rác tự phát")).items.at(0);
  // No one to tell: the date is optional, and recorded when given (the public posting's day).
  const Result r = w.run(w.office, cmd::Escalate{i, w.district, w.district_land, "Đề nghị quận xử lý", Date(), Date()});
  Item it = w.engine->item(i);
  CHECK(it.status == ItemStatus::handed_on);
  CHECK(it.escalated_to == ItemId(r.id));
  CHECK_FALSE(it.raiser_notified_on);
  w.run(w.office, cmd::DecideIntake{j, Outcome::transferred, "", "Công an quận Long Biên", false, Date(), Date(2022, 9, 20)});
  it = w.engine->item(j);
  CHECK(it.status == ItemStatus::handed_on);
  REQUIRE(it.raiser_notified_on);
  CHECK(*it.raiser_notified_on == Date(2022, 9, 20));
  // Both replay from the log, and their events' JSON forms read back unchanged.
  const State replayed = w.engine->state_as_of(Instant(Date(2030, 1, 1), boost::posix_time::hours(0)));
  CHECK(nlohmann::json(replayed.item(i)) == nlohmann::json(w.engine->item(i)));
  CHECK(nlohmann::json(replayed.item(j)) == nlohmann::json(w.engine->item(j)));
  w.engine->store().read(1, [&](const Recorded& e, std::string_view) {
    const nlohmann::json j = recorded_to_json(e);
    CHECK(recorded_to_json(recorded_from_json(j)) == j);
    return true;
  });
  // A named item still needs the date, and a refusal changes nothing.
  const ItemId named = w.letter(w.resident);
  const auto seq = w.engine->last_seq();
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{named, w.district, AgencyId(), "Đề nghị", Date(), Date()}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::DecideIntake{named, Outcome::refused, "Không thuộc thẩm quyền", "", false, Date(), Date()}));
  CHECK(w.engine->last_seq() == seq);
  // An anonymous item's date, when given, is still checked.
  const ItemId k = w.run(w.office, mailbox(w, "Đề nghị lắp đèn ngõ 12")).items.at(0);
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Escalate{k, w.district, AgencyId(), "Đề nghị", Date(), Date(2300, 1, 1)}));
}

TEST_CASE("R13 a name withheld on the opinion is never shown outside the office") {
  fx::World w;
  const PersonId p = consenting(w);
  const ConferenceId c = w.plan();
  w.hold(c);
  cmd::SubmitOpinion s{w.ward, c, Channel::at_conference, p, OrganizationId(), Date(), "",
                       {{"land", "Tôi là Phạm Văn Đồng, đề nghị công khai quy hoạch ngõ 30"}}};
  s.withhold_name = true;
  const Result r = w.run(w.office, s);
  const ItemId i = r.items.at(0);
  const ItemId named = w.raise(c, p);  // the same person, name not withheld on this one
  const Opinion o = w.engine->opinion(OpinionId(r.id));
  CHECK(o.name_withheld);
  CHECK(!o.anonymous);
  CHECK(o.raised_by == p);  // known to the office
  w.set_day(2022, 10, 5);
  for (ItemId x : {i, named}) {
    w.run(w.office, cmd::Assign{x, w.land, std::nullopt});
    w.reply_all(x, w.land_officer, Date(2022, 10, 5));
  }
  w.set_day(2022, 10, 6);
  for (ItemId x : {i, named}) w.run(w.office, cmd::PublishReply{x, Date()});

  // Public feed
  const auto feed = w.engine->read([&](const State& st) { return public_feed(st, w.engine->profile(), w.ward); });
  REQUIRE(feed.size() == 2);
  for (const auto& x : feed) CHECK(x.raised_by == (x.id == named ? std::string("Phạm Văn Đồng") : std::string(kLabel)));
  // The name written into the withheld opinion's own text goes too (the Redactor alone keeps a
  // consenting person's name).
  for (const auto& x : feed)
    if (x.id == i) CHECK(x.text == "Tôi là [họ tên đã ẩn], đề nghị công khai quy hoạch ngõ 30");
  // Public exports: JSON, CSV, Open311
  ExportOptions pub;
  const std::string json_pub = export_items_json(*w.engine, pub).dump();
  CHECK(has(json_pub, "Phạm Văn Đồng"));  // the other opinion, with consent
  for (const auto& x : export_items_json(*w.engine, pub)["items"])
    if (x["id"] == i.value) CHECK(x["raised_by"] == kLabel);
  ExportOptions one;
  one.item = i;
  std::string csv;
  export_items_csv(*w.engine, one, csv);
  CHECK(!has(csv, "Phạm Văn Đồng"));
  CHECK(has(csv, kLabel));
  CHECK(!has(export_open311(*w.engine, one).dump(), "Phạm Văn Đồng"));
  // Internal export: the office knows who raised it.
  one.visibility = Visibility::internal;
  CHECK(has(export_items_json(*w.engine, one).dump(), "Phạm Văn Đồng"));
  // Templates rendered for the public
  RenderRequest rq;
  rq.key = "tu_choi";
  rq.item = i;
  rq.values = {{"signer", "Chủ tịch"}, {"number", "1/TB"}, {"date", "01/10/2022"}, {"reason", "Đã có bản án"}};
  CHECK(render_template(*w.engine, rq).values.at("raiser") == kLabel);
  rq.item = named;
  CHECK(render_template(*w.engine, rq).values.at("raiser") == "Phạm Văn Đồng");
  // Tracking lookup
  CHECK(track(*w.engine, o.tracking_code).raised_by == kLabel);
  CHECK(!has(tracking_to_json(track(*w.engine, o.tracking_code)).dump(), "Phạm Văn Đồng"));
  CHECK(track(*w.engine, w.engine->opinion(w.engine->item(named).opinion).tracking_code).raised_by == "Phạm Văn Đồng");
}

TEST_CASE("R16 reports count anonymous and name-withheld opinions and items") {
  fx::World w;
  w.run(w.office, mailbox(w));
  cmd::SubmitOpinion two = mailbox(w);
  two.items.push_back({"land", "Thêm một nội dung"});
  w.run(w.office, two);
  cmd::SubmitOpinion withheld{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                              {{"urban_order", "Lấn chiếm vỉa hè"}}};
  withheld.withhold_name = true;
  w.run(w.resident, withheld);
  w.letter(w.resident2);
  ReportRequest q;
  q.unit = w.ward;
  q.period = Period::range(Date(2022, 9, 1), Date(2022, 9, 30));
  q.as_of = Date(2022, 9, 20);
  const Report r = make_report(*w.engine, q);
  CHECK(r.opinions == 4);
  CHECK(r.opinions_anonymous == 2);
  CHECK(r.opinions_name_withheld == 1);
  CHECK(r.items_anonymous == 3);
  CHECK(r.items_name_withheld == 1);
  const nlohmann::json j = report_to_json(r);
  CHECK(j["opinions"]["anonymous"] == 2);
  CHECK(j["opinions"]["name_withheld"] == 1);
  CHECK(j["items"]["anonymous"] == 3);
  CHECK(j["items"]["name_withheld"] == 1);
  CHECK(has(report_html(r), "Ý kiến ẩn danh"));
}

TEST_CASE("R04 every opinion has a tracking code: unit code, year, number") {
  fx::World w;
  const Result a = w.run(w.office, mailbox(w));
  const std::string code = w.engine->opinion(OpinionId(a.id)).tracking_code;
  char want[64];
  std::snprintf(want, sizeof want, "BD-2022-%06u", a.id);
  CHECK(code == want);
  // A unit without a code: its id.
  const UnitId nocode(w.run(kSystemActor, cmd::CreateUnit{"Tổ dân phố 5", "xa", w.district}).id);
  const PersonId off(w.run(kSystemActor, cmd::RegisterPerson{"Văn phòng tổ"}).id);
  w.run(kSystemActor, cmd::GrantRole{off, Role::office, nocode});
  cmd::SubmitOpinion s = mailbox(w);
  s.unit = nocode;
  const Result b = w.run(off, s);
  std::snprintf(want, sizeof want, "%u-2022-%06u", nocode.value, b.id);
  CHECK(w.engine->opinion(OpinionId(b.id)).tracking_code == want);
  // The year is the year it was raised.
  w.set_day(2023, 1, 3);
  const Result c = w.run(w.office, mailbox(w));
  CHECK(has(w.engine->opinion(OpinionId(c.id)).tracking_code, "BD-2023-"));
  // Unique; a unit merge leaves every code as it was.
  CHECK(code != w.engine->opinion(OpinionId(c.id)).tracking_code);
  w.run(kSystemActor, cmd::MergeUnit{w.ward, w.other_ward, Date()});
  CHECK(w.engine->opinion(OpinionId(a.id)).tracking_code == code);
  CHECK(track(*w.engine, code).opinion == OpinionId(a.id));
  // The event does not carry it (the frozen formula gives it; docs/design-notes.md).
  for (const Recorded& e : w.engine->history(OpinionId(a.id)))
    if (std::holds_alternative<ev::OpinionSubmitted>(e.event)) CHECK(!event_to_json(e.event).contains("tracking_code"));
}

TEST_CASE("R13 the tracking lookup shows the public status only, redacted") {
  fx::World w;
  cmd::SubmitOpinion s{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Ông Trần Văn Bình ở số 5 ngõ 30 báo lấn chiếm"}, {"land", "Nội dung thứ hai"}}};
  const Result r = w.run(w.resident, s);
  const std::string code = w.engine->opinion(OpinionId(r.id)).tracking_code;
  Tracking t = track(*w.engine, code);
  CHECK(t.code == code);
  CHECK(t.unit == w.ward);
  CHECK(t.channel == Channel::letter);
  CHECK(t.raised_by == kLabel);  // no consent
  REQUIRE(t.items.size() == 2);
  CHECK(t.items[0].status == ItemStatus::open);
  CHECK(t.items[0].text.empty());  // not public yet
  CHECK(!t.items[0].published_on);
  const ItemId i = r.items[0];
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.set_day(2022, 9, 22);
  w.run(w.urban_officer, cmd::WriteReply{i, "7/TB-UBND", Date(), w.urban_officer, "Bí mật: đã xử lý ông Trần Văn Bình"});
  t = track(*w.engine, code);
  CHECK(t.items[0].status == ItemStatus::reply_written);
  CHECK(t.items[0].agency == "Đội Trật tự đô thị");
  CHECK(t.items[0].deadline);
  CHECK(!t.items[0].reply);  // unpublished reply: not shown
  CHECK(!has(tracking_to_json(t).dump(), "Bí mật"));
  deliver_heads(w, i, Date(2022, 9, 22));
  w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date(2022, 9, 22)});
  w.set_day(2022, 9, 24);
  w.run(w.office, cmd::PublishReply{i, Date()});
  t = track(*w.engine, code);
  REQUIRE(t.items[0].reply);
  CHECK(has(t.items[0].reply->text, "đã xử lý"));
  const std::string dump = tracking_to_json(t).dump();
  CHECK(!has(dump, "Trần Văn Bình"));  // redacted like the public feed
  CHECK(tracking_to_json(t)["schema"] == "doithoai.tracking/1");
  // Either case; unknown; malformed.
  std::string lower = code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  CHECK(track(*w.engine, lower).opinion == OpinionId(r.id));
  REQUIRE_ERROR(not_found, track(*w.engine, "BD-2022-999999"));
  REQUIRE_ERROR(not_found, track(*w.engine, "NL-2022-" + code.substr(code.size() - 6)));  // another unit's prefix
  REQUIRE_ERROR(not_found, track(*w.engine, "BD-2021-" + code.substr(code.size() - 6)));  // another year
  for (const std::string bad : {std::string(), std::string("BD"), std::string("BD-2022"), std::string("BD-22-000001"),
                                std::string("BD-2022-00x001"), std::string("BD-2022-0"), std::string("BD-2022-99999999999"),
                                std::string("-2022-000001"), std::string("BD-2022-000001\n"), std::string("B\xff-2022-000001"),
                                std::string(300, 'A') + "-2022-000001"})
    REQUIRE_ERROR(invalid_argument, track(*w.engine, bad));
}

TEST_CASE("R13 the tracking lookup as of a past day answers as state_as_of that day") {
  fx::World w;
  const Result r = w.run(w.office, mailbox(w));
  const std::string code = w.engine->opinion(OpinionId(r.id)).tracking_code;
  const ItemId i = r.items[0];
  w.set_day(2022, 9, 21);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.set_day(2022, 9, 23);
  w.run(w.urban_officer, cmd::WriteReply{i, "5/TB-UBND", Date(), w.urban_officer, "Đã kiểm tra"});
  deliver_heads(w, i, Date());
  w.set_day(2022, 9, 24);
  w.run(w.office, cmd::PublishReply{i, Date()});
  w.set_day(2022, 9, 28);
  const Result later = w.run(w.office, mailbox(w));
  for (const Date d : {Date(2022, 9, 20), Date(2022, 9, 21), Date(2022, 9, 23), Date(2022, 9, 24), Date(2022, 9, 28)}) {
    INFO(format_date(d));
    const State past = w.engine->state_as_of(d);
    const nlohmann::json want = tracking_to_json(track(past, w.engine->profile(), code));
    CHECK(tracking_to_json(track(*w.engine, code, d)) == want);
  }
  CHECK(track(*w.engine, code, Date(2022, 9, 20)).items[0].status == ItemStatus::open);
  CHECK(track(*w.engine, code, Date(2022, 9, 23)).items[0].status == ItemStatus::reply_written);
  CHECK(!track(*w.engine, code, Date(2022, 9, 23)).items[0].reply);
  CHECK(track(*w.engine, code, Date(2022, 9, 24)).items[0].status == ItemStatus::replied);
  // Not submitted yet that day.
  const std::string code2 = w.engine->opinion(OpinionId(later.id)).tracking_code;
  REQUIRE_ERROR(not_found, track(*w.engine, code2, Date(2022, 9, 27)));
  CHECK(track(*w.engine, code2, Date(2022, 9, 28)).opinion == OpinionId(later.id));
}

TEST_CASE("R04 names withheld and anonymous opinions replay from the log and its JSON form") {
  fx::World w;
  w.run(w.office, mailbox(w));
  cmd::SubmitOpinion s{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Lấn chiếm vỉa hè"}}};
  s.withhold_name = true;
  const Result r = w.run(w.resident, s);
  // The command's JSON form carries withhold_name; the event's name_withheld (absent when not asked).
  const nlohmann::json cj = command_to_json(Command(s));
  CHECK(cj["withhold_name"] == true);
  CHECK(command_to_json(command_from_json(cj)) == cj);
  CHECK(!command_to_json(Command(mailbox(w))).contains("withhold_name"));
  bool seen = false;
  for (const Recorded& e : w.engine->history(OpinionId(r.id)))
    if (std::holds_alternative<ev::OpinionSubmitted>(e.event)) {
      const nlohmann::json ej = event_to_json(e.event);
      CHECK(ej["name_withheld"] == true);
      CHECK(!ej.contains("tracking_code"));
      seen = true;
    }
  CHECK(seen);
  // The state rebuilt from the log answers the same.
  const Opinion o = w.engine->opinion(OpinionId(r.id));
  CHECK(o.name_withheld);
  CHECK(nlohmann::json(o)["tracking_code"] == o.tracking_code);
  const State replayed = w.engine->state_as_of(Instant(Date(2030, 1, 1), boost::posix_time::hours(0)));
  CHECK(nlohmann::json(replayed.opinion(OpinionId(r.id))) == nlohmann::json(o));
  CHECK(replayed.opinion(OpinionId(1)).anonymous);
}

TEST_CASE("R04 opinions of the golden logs (written before issue 14) get their codes on replay") {
  for (const char* name : {"bode", "random", "outcomes"}) {
    INFO(name);
    std::ifstream in(std::string(DOITHOAI_SOURCE_DIR) + "/tests/golden/" + name + ".jsonl", std::ios::binary);
    REQUIRE(in.good());
    State s;
    std::string line;
    while (std::getline(in, line)) detail::StateAccess::apply(s, recorded_from_json(nlohmann::json::parse(line)));
    REQUIRE(s.opinion_count() > 0);
    const Profile p = builtin_profile("hanoi-2200");
    for (std::uint32_t id = 1; id <= s.opinion_count(); ++id) {
      const Opinion o = s.opinion(OpinionId(id));
      const Unit u = s.unit(o.unit);
      char want[128];
      std::snprintf(want, sizeof want, "%s-%04d-%06u", u.code.empty() ? std::to_string(u.id.value).c_str() : u.code.c_str(),
                    static_cast<int>(o.raised_on.year()), id);
      CHECK(o.tracking_code == want);
      CHECK(!o.name_withheld);
      CHECK(o.anonymous == (!o.raised_by && !o.raised_by_org && !o.from_unit && o.channel != Channel::escalation));
      CHECK(track(s, p, o.tracking_code).opinion == OpinionId(id));
    }
  }
}

TEST_CASE("R13 a name withheld and an anonymous opinion survive a snapshot and reopening") {
  sx::TempDir dir;
  const std::string path = dir.file("public.db");
  OpinionId withheld, anonymous;
  std::string image;
  {
    auto e = open_engine(builtin_profile("hanoi-2200"), path, sx::options(sx::clock()));
    const sx::Directory d = sx::build_directory(*e);
    cmd::SubmitOpinion s{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                         {{"land", "Giữ kín tên"}}};
    s.withhold_name = true;
    withheld = OpinionId(e->execute(d.office, s).id);
    anonymous = OpinionId(e->execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::mailbox, PersonId(),
                                                                  OrganizationId(), Date(), "", {{"land", "Thư không ký"}}})
                              .id);
    REQUIRE(e->snapshot() == e->last_seq());
    image = sx::image_of(*e);
  }
  auto e = open_engine(builtin_profile("hanoi-2200"), path, sx::options(sx::clock()));
  CHECK(e->opinion(withheld).name_withheld);
  CHECK(!e->opinion(withheld).anonymous);
  CHECK(e->opinion(anonymous).anonymous);
  CHECK(sx::image_of(*e) == image);
  SqliteStore raw(path);
  CHECK(sx::image_of(*e) == sx::replay_image(raw));
  CHECK(track(*e, e->opinion(anonymous).tracking_code).channel == Channel::mailbox);
}
