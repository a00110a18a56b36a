// R17 required frequency and R18 unscheduled triggers, from histories built by commands.
#include "views_world.h"

using namespace views_test;

namespace {
template <class F>
auto on_state(World& w, F&& f) {
  return w.engine.read([&](const State& s) { return f(s); });
}
}  // namespace

TEST_CASE("R17 urban wards owe a dialogue before each council session; sessions are recorded as data") {
  World w("hanoi-2200", D(2024, 1, 1));
  const UnitId hanoi = w.unit("Thành phố Hà Nội", "tinh");
  const UnitId district = w.unit("Quận Bắc Từ Liêm", "huyen", hanoi);
  const Heads hd = w.heads(district);
  const UnitId w1 = w.unit("Phường Cổ Nhuế 1", "xa", district);
  const UnitId w2 = w.unit("Phường Xuân Đỉnh", "xa", district);
  const Heads h1 = w.heads(w1), h2 = w.heads(w2);
  // Only the district's heads, office or an administrator record its sessions.
  const PersonId outsider = w.person("Người ngoài");
  CHECK_THROWS_MATCHES(w.run(outsider, cmd::RecordCouncilSession{district, D(2024, 6, 20), "Kỳ họp thứ 15"}), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::permission_denied; }));
  w.run(hd.office, cmd::RecordCouncilSession{district, D(2024, 6, 20), "Kỳ họp thứ 15"});
  w.run(hd.office, cmd::RecordCouncilSession{district, D(2024, 12, 10), "Kỳ họp thứ 20"});
  CHECK_THROWS_AS(w.run(hd.office, cmd::RecordCouncilSession{district, D(2024, 12, 10), ""}), Error);
  const ConferenceId a1 = w.plan(h1, w1, D(2024, 6, 10));
  const ConferenceId a2 = w.plan(h2, w2, D(2024, 6, 12));
  w.hold(h1, a1, D(2024, 6, 10));
  w.hold(h2, a2, D(2024, 6, 12));
  w.at(D(2024, 11, 1));
  const ConferenceId b1 = w.plan(h1, w1, D(2024, 12, 1));
  w.hold(h1, b1, D(2024, 12, 1));
  w.at(D(2024, 12, 20));

  const Period year = Period::year(2024);
  ComplianceReport c = on_state(w, [&](const State& s) { return compliance(s, w.engine.profile(), district, year, D(2025, 1, 2)); });
  std::vector<ComplianceCase> council_missed;
  for (const auto& x : c.missed)
    if (x.requirement == Requirement::before_council_session) council_missed.push_back(x);
  REQUIRE(council_missed.size() == 1);
  CHECK(council_missed[0].unit == w2);
  CHECK(council_missed[0].window_from == D(2024, 9, 11));  // after the previous session, at most 90 days back
  CHECK(council_missed[0].window_to == D(2024, 12, 10));
  CHECK(council_missed[0].citation.find("Bắc Từ Liêm") != std::string::npos);
  CHECK(council_missed[0].citation.find("32/2021/NĐ-CP") != std::string::npos);
  int met = 0;
  for (const auto& x : c.met)
    if (x.requirement == Requirement::before_council_session) ++met;
  CHECK(met == 3);
  // The yearly requirement is met by every unit that held a periodic dialogue; the district held none.
  bool district_missed = false;
  for (const auto& x : c.missed)
    if (x.requirement == Requirement::periodic_yearly && x.unit == district) district_missed = true;
  CHECK(district_missed);
  // A session still ahead leaves a ward's duty pending, not missed.
  w.run(hd.office, cmd::RecordCouncilSession{district, D(2025, 1, 15), "Kỳ họp chuyên đề"});
  c = on_state(w, [&](const State& s) {
    return compliance(s, w.engine.profile(), district, Period::range(D(2025, 1, 1), D(2025, 1, 31)), D(2024, 12, 20));
  });
  int pending = 0;
  for (const auto& x : c.pending)
    if (x.requirement == Requirement::before_council_session) ++pending;
  CHECK(pending == 2);
  CHECK(compliance_to_json(c)["pending"].size() >= 2);
}

TEST_CASE("R17 a commune owes a dialogue when at least 10% of its voters ask (threshold from the profile)") {
  World w("national-default", D(2024, 1, 1));
  const UnitId province = w.unit("Tỉnh", "tinh");
  const UnitId district = w.unit("Huyện", "huyen", province);
  const UnitId x1 = w.unit("Xã Một", "xa", district);
  const UnitId x2 = w.unit("Xã Hai", "xa", district);
  const UnitId x3 = w.unit("Xã Ba", "xa", district);
  const Heads h1 = w.heads(x1), h2 = w.heads(x2), h3 = w.heads(x3);
  (void)h1;
  w.at(D(2024, 3, 1));
  CHECK_THROWS_AS(w.run(h1.office, cmd::RecordVoterRequest{x1, 0, 2000, {}, ""}), Error);
  CHECK_THROWS_AS(w.run(h1.office, cmd::RecordVoterRequest{x1, 2001, 2000, {}, ""}), Error);
  w.run(h1.office, cmd::RecordVoterRequest{x1, 250, 2000, {}, "Đơn đề nghị"});  // 12.5%: owed
  w.run(h2.front, cmd::RecordVoterRequest{x2, 150, 2000, {}, ""});              // 7.5%: not owed
  w.run(h3.office, cmd::RecordVoterRequest{x3, 200, 2000, {}, ""});             // exactly 10%: owed
  const ConferenceId c3 = w.plan(h3, x3, D(2024, 3, 20), ConferenceKind::unscheduled);
  w.hold(h3, c3, D(2024, 3, 20));
  w.at(D(2024, 5, 1));
  const Period q = Period::quarter(2024, 1);
  const ComplianceReport c = on_state(w, [&](const State& s) { return compliance(s, w.engine.profile(), district, q, D(2024, 5, 1)); });
  std::vector<UnitId> missed, met;
  for (const auto& x : c.missed)
    if (x.requirement == Requirement::voter_request) missed.push_back(x.unit);
  for (const auto& x : c.met)
    if (x.requirement == Requirement::voter_request) met.push_back(x.unit);
  REQUIRE(missed.size() == 1);
  CHECK(missed[0] == x1);
  REQUIRE(met.size() == 1);
  CHECK(met[0] == x3);
  // Another profile that asks for 15% owes nothing for 12.5%.
  auto doc = builtin_profile("national-default").source;
  doc["compliance"]["voter_request"]["threshold_percent"] = 15;
  const Profile strict = load_profile(doc);
  const ComplianceReport c15 = on_state(w, [&](const State& s) { return compliance(s, strict, district, q, D(2024, 5, 1)); });
  for (const auto& x : c15.missed) CHECK(x.requirement != Requirement::voter_request);
  // A malformed section is refused when the profile loads, naming its path.
  doc["compliance"]["voter_request"]["threshold_percent"] = "ten";
  try {
    (void)load_profile(doc);
    FAIL("accepted a malformed compliance section");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(std::string(e.what()).find("$.compliance.voter_request.threshold_percent") != std::string::npos);
  }
}

TEST_CASE("R18 overdue, reopened and many-on-one-matter items are candidates for an unscheduled conference") {
  World w("national-default", D(2023, 1, 1));
  const UnitId province = w.unit("Tỉnh", "tinh");
  const UnitId district = w.unit("Huyện", "huyen", province);
  const Heads h = w.heads(district);
  const UnitId commune = w.unit("Xã", "xa", district);
  const Heads hc = w.heads(commune);
  const auto [agency, officer] = w.agency(district, "Phòng Tài nguyên và Môi trường");
  const PersonId citizen = w.person("Đinh Văn Dân");
  w.at(D(2023, 3, 1));
  auto submit = [&](UnitId u, const Heads& hh, const std::string& topic) {
    cmd::SubmitOpinion s;
    s.unit = u;
    s.channel = Channel::letter;
    s.raised_by = citizen;
    s.items = {{topic, "Ô nhiễm từ bãi rác"}};
    return w.run(hh.office, s).items.front();
  };
  // Six items on the environment in the commune within 90 days: a hot spot.
  for (int i = 0; i < 6; ++i) submit(commune, hc, "environment");
  // Two items in the district: one will be overdue, one resolved then reopened.
  const ItemId late = submit(district, h, "land");
  const ItemId reopened = submit(district, h, "land");
  w.assign(h, late, agency);
  w.assign(h, reopened, agency);
  w.at(D(2023, 3, 10));
  w.reply(h, reopened, officer);
  w.at(D(2023, 3, 20));
  w.run(h.front, cmd::Reopen{reopened, "Người dân chưa đồng tình, chưa dứt điểm", std::nullopt, {}});

  const Date as_of = D(2023, 4, 15);  // the first deadline (31/3) has passed
  const auto v = on_state(w, [&](const State& s) { return unscheduled_triggers(s, w.engine.profile(), province, as_of); });
  const TriggerCandidate* overdue = nullptr;
  const TriggerCandidate* reop = nullptr;
  const TriggerCandidate* matter = nullptr;
  for (const auto& c : v) {
    if (c.reason == TriggerReason::overdue) overdue = &c;
    if (c.reason == TriggerReason::reopened) reop = &c;
    if (c.reason == TriggerReason::many_on_one_matter) matter = &c;
  }
  REQUIRE(overdue);
  CHECK(overdue->unit == district);
  CHECK(overdue->items == std::vector<ItemId>{late});
  REQUIRE(reop);
  CHECK(reop->items == std::vector<ItemId>{reopened});
  REQUIRE(matter);
  CHECK(matter->unit == commune);
  CHECK(matter->topic == "environment");
  CHECK(matter->items.size() == 6);
  CHECK(matter->detail.find("Môi trường") != std::string::npos);
  CHECK(v.front().items.size() == 6);  // most items first
  CHECK(triggers_to_json(v)["candidates"].size() == v.size());
  // Thresholds are data: a profile that needs 10 items on one matter sees no hot spot.
  auto doc = builtin_profile("national-default").source;
  doc["triggers"]["many_on_one_matter"]["min_items"] = 10;
  doc["triggers"].erase("reopened");
  const Profile p = load_profile(doc);
  const auto v2 = on_state(w, [&](const State& s) { return unscheduled_triggers(s, p, province, as_of); });
  for (const auto& c : v2) {
    CHECK(c.reason != TriggerReason::many_on_one_matter);
    CHECK(c.reason != TriggerReason::reopened);
  }
  // Before the deadline nothing is overdue yet.
  const auto early = on_state(w, [&](const State& s) { return unscheduled_triggers(s, w.engine.profile(), province, D(2023, 3, 25)); });
  for (const auto& c : early) CHECK(c.reason != TriggerReason::overdue);
}

// ---- R17 citizen reception days (Regulation 11-QĐi/TW as amended by Conclusion 215-KL/TW;
// Citizen Reception Law 2013 art. 18), on the "vn-2025" profile ----
namespace {
bool is_code(const Error& e, ErrorCode c) { return e.code() == c; }
template <class F>
ErrorCode code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::unsupported;  // nothing thrown
}
const ComplianceCase* find_case(const std::vector<ComplianceCase>& v, UnitId u, Role role, int month, AgencyId a = {}) {
  for (const auto& c : v)
    if (c.requirement == Requirement::reception_days && c.unit == u && c.role == role && c.agency == a &&
        c.window_to.month() == month)
      return &c;
  return nullptr;
}
}  // namespace

TEST_CASE("R17 heads receive citizens: province 1 day a month, commune 2 days, agency heads 1 day (vn-2025)") {
  World w("vn-2025", D(2026, 1, 1));
  const UnitId province = w.unit("Tỉnh Lâm Đồng", "tinh");
  const UnitId commune = w.unit("Xã Hàm Tân", "xa", province);
  const Heads hp = w.heads(province), hc = w.heads(commune);
  const AgencyId agency = w.agency(commune, "Phòng Kinh tế xã").first;
  const PersonId agency_head = w.person("Trưởng phòng Kinh tế", true);
  w.grant(agency_head, Role::agency_head, commune, agency);
  const PersonId resident = w.person("Người dân");

  // January: the province's party head receives on one day; the commune's on one day only.
  w.at(D(2026, 1, 15));
  w.run(hp.party, cmd::RecordReception{province, hp.party, Role::party_head, {}, D(2026, 1, 15), "Tiếp định kỳ"});
  w.run(hc.office, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 1, 15), ""});
  // Refusals change nothing: a second record of the same day, someone else recording, a
  // person who does not hold the role, an agency head without the agency, a future day.
  const auto seq = w.engine.last_seq();
  CHECK(code_of([&] { w.run(hc.party, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 1, 15), ""}); }) ==
        ErrorCode::invalid_transition);
  CHECK(code_of([&] { w.run(resident, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 1, 14), ""}); }) ==
        ErrorCode::permission_denied);
  CHECK(code_of([&] { w.run(hp.office, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 1, 14), ""}); }) ==
        ErrorCode::permission_denied);  // the province's office does not keep the commune's register
  CHECK(code_of([&] { w.run(kSystemActor, cmd::RecordReception{commune, resident, Role::party_head, {}, D(2026, 1, 14), ""}); }) ==
        ErrorCode::invalid_argument);
  CHECK(code_of([&] { w.run(kSystemActor, cmd::RecordReception{commune, agency_head, Role::agency_head, {}, D(2026, 1, 14), ""}); }) ==
        ErrorCode::not_found);
  CHECK(code_of([&] { w.run(kSystemActor, cmd::RecordReception{commune, hc.party, Role::front_chair, {}, D(2026, 1, 14), ""}); }) ==
        ErrorCode::invalid_argument);
  CHECK(code_of([&] { w.run(hc.party, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 1, 16), ""}); }) ==
        ErrorCode::invalid_argument);
  CHECK(w.engine.last_seq() == seq);

  // February: the commune's party head receives on two days, the agency head on one.
  w.at(D(2026, 2, 20));
  w.run(hc.party, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 2, 5), ""});
  w.run(kSystemActor, cmd::RecordReception{commune, hc.party, Role::party_head, {}, D(2026, 2, 20), "Sổ tiếp công dân"});
  w.run(agency_head, cmd::RecordReception{commune, agency_head, Role::agency_head, agency, D(2026, 2, 10), ""});

  // As of 2026-03-10: January and February are over, March is still open.
  const auto rep = on_state(w, [&](const State& s) {
    return compliance(s, w.engine.profile(), province, Period::quarter(2026, 1), D(2026, 3, 10));
  });
  const ComplianceCase* p1 = find_case(rep.met, province, Role::party_head, 1);
  REQUIRE(p1);
  CHECK(p1->days == 1);
  CHECK(p1->required_days == 1);
  CHECK(p1->citation.find("11-QĐi/TW") != std::string::npos);
  CHECK(find_case(rep.missed, province, Role::party_head, 2));  // nothing recorded in February
  CHECK(find_case(rep.pending, province, Role::party_head, 3));
  const ComplianceCase* c1 = find_case(rep.missed, commune, Role::party_head, 1);
  REQUIRE(c1);
  CHECK(c1->days == 1);
  CHECK(c1->required_days == 2);
  CHECK(c1->window_from == D(2026, 1, 1));
  CHECK(c1->window_to == D(2026, 1, 31));
  const ComplianceCase* c2 = find_case(rep.met, commune, Role::party_head, 2);
  REQUIRE(c2);
  CHECK(c2->days == 2);
  // Agency heads (Citizen Reception Law 2013 art. 18), one case per agency and month.
  CHECK(find_case(rep.missed, commune, Role::agency_head, 1, agency));
  const ComplianceCase* a2 = find_case(rep.met, commune, Role::agency_head, 2, agency);
  REQUIRE(a2);
  CHECK(a2->agency_name == "Phòng Kinh tế xã");
  CHECK(a2->citation.find("điều 18") != std::string::npos);
  // The province's party rule does not apply to the commune and vice versa.
  CHECK_FALSE(find_case(rep.met, commune, Role::party_head, 1));
  for (const auto* v : {&rep.met, &rep.missed, &rep.pending})
    for (const auto& c : *v)
      if (c.requirement == Requirement::reception_days && c.role == Role::party_head)
        CHECK(c.required_days == (c.unit == province ? 1u : 2u));
  // Months that have not begun by as_of are not listed.
  const auto early = on_state(w, [&](const State& s) {
    return compliance(s, w.engine.profile(), province, Period::year(2026), D(2026, 2, 20));
  });
  for (const auto* v : {&early.met, &early.missed, &early.pending})
    for (const auto& c : *v)
      if (c.requirement == Requirement::reception_days) CHECK(c.window_from <= D(2026, 2, 20));

  // The JSON form carries the new kind and its numbers.
  const auto j = compliance_to_json(rep);
  bool seen = false;
  for (const auto& c : j["missed"])
    if (c["requirement"] == "reception_days" && c["role"] == "party_head" && c["unit"] == commune.value) {
      CHECK(c["days"] == 1);
      CHECK(c["required_days"] == 2);
      CHECK(c["agency"].is_null());
      seen = true;
    }
  CHECK(seen);
}

TEST_CASE("R17 reception rules are profile data: a disabled rule checks nothing, bad rules are refused at load") {
  auto doc = builtin_profile("vn-2025").source;
  for (auto& r : doc["reception"])
    if (r["role"] == "agency_head") r["enabled"] = false;
  World w(load_profile(doc), D(2026, 1, 1));
  const UnitId province = w.unit("Tỉnh Sơn La", "tinh");
  const UnitId commune = w.unit("Xã Mường Bú", "xa", province);
  w.heads(province);
  w.heads(commune);
  w.agency(commune, "Phòng Văn hóa - Xã hội");
  const auto rep = on_state(w, [&](const State& s) {
    return compliance(s, w.engine.profile(), province, Period::month(2026, 1), D(2026, 2, 1));
  });
  std::size_t reception = 0;
  for (const auto& c : rep.missed)
    if (c.requirement == Requirement::reception_days) {
      ++reception;
      CHECK(c.role == Role::party_head);
    }
  CHECK(reception == 2);  // the province's and the commune's party heads; no agency case
  // The old profiles have no reception rules: no such cases at all.
  World old("national-default", D(2024, 1, 1));
  const UnitId t = old.unit("Tỉnh", "tinh");
  old.heads(t);
  const auto none = on_state(old, [&](const State& s) {
    return compliance(s, old.engine.profile(), t, Period::month(2024, 1), D(2024, 2, 1));
  });
  for (const auto& c : none.missed) CHECK(c.requirement != Requirement::reception_days);

  auto bad = builtin_profile("vn-2025").source;
  bad["reception"][0]["min_days_per_month"] = 0;
  CHECK_THROWS_MATCHES(load_profile(bad), Error, Catch::Predicate<Error>([](const Error& e) {
                         return is_code(e, ErrorCode::invalid_argument) &&
                                std::string(e.what()).find("$.reception[0].min_days_per_month") != std::string::npos;
                       }));
  bad = builtin_profile("vn-2025").source;
  bad["reception"][1]["role"] = "front_chair";
  CHECK_THROWS_AS(load_profile(bad), Error);
  bad = builtin_profile("vn-2025").source;
  bad["reception"][1]["levels"] = {"huyen"};
  CHECK_THROWS_AS(load_profile(bad), Error);
  bad = builtin_profile("vn-2025").source;
  bad["reception"][2]["days"] = 1;
  CHECK_THROWS_MATCHES(load_profile(bad), Error, Catch::Predicate<Error>([](const Error& e) {
                         return std::string(e.what()).find("$.reception[2].days") != std::string::npos;
                       }));
}
