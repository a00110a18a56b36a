// R16 periodic reports: the real tallies of the seeds, built through engine commands.
#include <algorithm>

#include "views_world.h"

using namespace views_test;

namespace {
const Count* find(const std::vector<Count>& v, const std::string& code) {
  for (const auto& c : v)
    if (c.code == code) return &c;
  return nullptr;
}
std::uint64_t n_of(const std::vector<Count>& v, const std::string& code) {
  const Count* c = find(v, code);
  return c ? c->n : 0;
}
}  // namespace

TEST_CASE("R16 Hàm Tân: 28 conferences, 359 opinions, 577 items, 454 resolved, 123 outstanding, 41 not yet due") {
  World w("national-default", D(2015, 11, 1));
  const UnitId province = w.unit("Tỉnh Bình Thuận", "tinh");
  const Heads ph = w.heads(province);
  const UnitId ham_tan = w.unit("Huyện Hàm Tân", "huyen", province);
  const Heads h = w.heads(ham_tan);
  const auto [tnmt, tnmt_officer] = w.agency(ham_tan, "Phòng Tài nguyên và Môi trường");
  const auto [ktht, ktht_officer] = w.agency(ham_tan, "Phòng Kinh tế - Hạ tầng");
  const PersonId citizen = w.person("Lê Văn Dân");
  const char* topics[] = {"land", "traffic", "irrigation", "social_policy", "party_building"};

  std::vector<Date> dates;
  for (int k = 0; k < 27; ++k) dates.push_back(D(2015, 12, 10) + date_duration(32 * k));
  dates.push_back(D(2018, 6, 20));  // the last one: its replies are not yet due on 5/7/2018
  int opinion_no = 0, extra_items = 185, j = 0;
  for (int k = 0; k < 28; ++k) {
    w.at(dates[k] - date_duration(10));
    const ConferenceId c = w.plan(h, ham_tan, dates[k]);
    w.hold(h, c, dates[k]);
    std::vector<ItemId> items;
    const int opinions = k < 27 ? 13 : 8;
    for (int o = 0; o < opinions; ++o, ++opinion_no) {
      int n = 1;
      if (k == 27) n = o == 0 ? 6 : 5;               // 41 items at the last conference
      else if (extra_items > 0) n = 2, --extra_items;  // 185 opinions hold two items
      std::vector<ItemSpec> specs;
      for (int i = 0; i < n; ++i) specs.push_back({topics[(o + i) % 5], "Kiến nghị số " + std::to_string(opinion_no)});
      for (ItemId id : w.raise(h, ham_tan, c, dates[k], citizen, specs)) items.push_back(id);
    }
    if (k == 27) {
      w.at(dates[k] + date_duration(1));
      for (ItemId id : items) w.assign(h, id, tnmt);
      continue;
    }
    // 454 of the 536 earlier items get resolved, in four ways; 82 stay assigned past their deadline.
    std::vector<ItemId> resolve_later, stay;
    for (ItemId id : items) {
      const int g = j++;
      if (g >= 454) stay.push_back(id);
      else if (g % 4 == 0) w.run(h.party, cmd::AnswerOnSpot{id, h.party, "Giải đáp tại hội nghị"});
      else resolve_later.push_back(id);
    }
    w.at(dates[k] + date_duration(1));
    for (ItemId id : stay) w.assign(h, id, ktht);
    for (std::size_t i = 0; i < resolve_later.size(); ++i) {
      const ItemId id = resolve_later[i];
      if (i % 5 == 4) {
        cmd::DecideIntake d;
        d.item = id;
        d.outcome = Outcome::refused;
        d.reason = "Không thuộc phạm vi đối thoại";
        d.raiser_notified_on = w.today();
        w.run(h.office, d);
      } else if (i % 7 == 6) {
        cmd::Escalate e;
        e.item = id;
        e.to_unit = province;
        e.proposal = "Đề xuất UBND tỉnh xem xét";
        e.raiser_notified_on = w.today();
        w.run(h.office, e);
      } else {
        w.assign(h, id, tnmt);
      }
    }
    w.at(dates[k] + date_duration(5));
    for (ItemId id : resolve_later)
      if (w.engine.item(id).status == ItemStatus::assigned) w.reply(h, id, tnmt_officer);
  }
  (void)ph;
  REQUIRE(opinion_no == 359);

  ReportRequest q;
  q.unit = ham_tan;
  q.period = Period::range(D(2015, 12, 1), D(2018, 6, 30));
  q.as_of = D(2018, 7, 5);
  const Report r = make_report(w.engine, q);
  CHECK(r.conferences == 28);
  CHECK(r.opinions == 359);
  CHECK(r.items.items == 577);
  CHECK(r.items.resolved == 454);
  CHECK(r.items.outstanding == 123);
  CHECK(r.items.not_yet_due == 41);
  CHECK(r.items.overdue == 82);
  CHECK(n_of(r.conferences_by_level, "huyen") == 28);
  CHECK(n_of(r.conferences_by_kind, "periodic") == 28);
  CHECK(r.answered_on_spot + r.replied + r.handed_on + r.closed == 454);
  CHECK(r.items.escalated > 0);
  // Timeliness: every resolution was on time; the 82 overdue are late.
  CHECK(r.items.on_time == 454);
  CHECK(r.items.late == 82);
  // The same figures reach the JSON form.
  const auto j_ = report_to_json(r);
  CHECK(j_["items"]["items"] == 577);
  CHECK(j_["items"]["not_yet_due"] == 41);
  CHECK(j_["conferences"]["total"] == 28);
  // By topic and by agency add up to the whole.
  std::uint64_t sum = 0;
  for (const auto& t : r.by_topic) sum += t.tally.items;
  CHECK(sum == 577);
  std::uint64_t overdue_by_agency = 0;
  for (const auto& a : r.by_agency) overdue_by_agency += a.tally.overdue;
  CHECK(overdue_by_agency == 82);
  // A province report counts the escalated proposals as received, on top of Hàm Tân's items.
  ReportRequest qp = q;
  qp.unit = province;
  const Report rp = make_report(w.engine, qp);
  CHECK(rp.items.items == 577 + rp.received_by_escalation);
  CHECK(rp.received_by_escalation == r.items.escalated);

  // As of an earlier date the engine rebuilds the state: nothing raised later is counted.
  ReportRequest early = q;
  early.as_of = D(2016, 1, 31);
  const Report re = make_report(w.engine, early);
  CHECK(re.conferences == 2);
  CHECK(re.opinions == 26);
  CHECK(re.items.items == re.items.resolved + re.items.outstanding);
}

TEST_CASE("R16 Sơn La: 983 conferences (90 province, 219 district, 674 commune), 8,680 opinions") {
  World w("national-default", D(2019, 2, 1));
  const UnitId son_la = w.unit("Tỉnh Sơn La", "tinh");
  const Heads hp = w.heads(son_la);
  const auto [noi_vu, noi_vu_head] = w.agency(son_la, "Sở Nội vụ", true);
  struct U {
    UnitId id;
    Heads h;
  };
  std::vector<U> districts, communes;
  for (int d = 0; d < 12; ++d) {
    const UnitId du = w.unit("Huyện " + std::to_string(d + 1), "huyen", son_la);
    districts.push_back({du, w.heads(du)});
    for (int c = 0; c < 2; ++c) {
      const UnitId cu = w.unit("Xã " + std::to_string(d + 1) + "." + std::to_string(c + 1), "xa", du);
      communes.push_back({cu, w.heads(cu)});
    }
  }
  const PersonId citizen = w.person("Cầm Văn Dân");
  struct Plan {
    Date on;
    UnitId unit;
    const Heads* h;
    bool department;
    ConferenceId id;
  };
  std::vector<Plan> plans;
  const Date start = D(2019, 3, 1);
  auto spread = [&](int i, int n) { return start + date_duration(static_cast<long>(i) * 1090 / n); };
  for (int i = 0; i < 90; ++i) plans.push_back({spread(i, 90), son_la, &hp, i == 40 || i == 70, {}});
  for (int i = 0; i < 219; ++i) plans.push_back({spread(i, 219), districts[i % 12].id, &districts[i % 12].h, false, {}});
  for (int i = 0; i < 674; ++i) plans.push_back({spread(i, 674), communes[i % 24].id, &communes[i % 24].h, false, {}});
  std::stable_sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) { return a.on < b.on; });
  w.at(D(2019, 2, 20));  // every plan announced at least 7 days ahead (R03)
  for (auto& p : plans)
    p.id = w.plan(*p.h, p.unit, p.on, ConferenceKind::periodic, p.department ? "commune_officials" : "all_residents", "",
                  p.department ? noi_vu : AgencyId());
  int opinions = 0;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Plan& p = plans[i];
    w.hold(*p.h, p.id, p.on, p.department ? std::vector<PersonId>{noi_vu_head} : std::vector<PersonId>{});
    const int n = i < 816 ? 9 : 8;  // 816 × 9 + 167 × 8 = 8,680
    for (int k = 0; k < n; ++k, ++opinions)
      w.raise(*p.h, p.unit, p.id, p.on, citizen, {{k % 2 ? "land" : "site_clearance", "Đền bù giải phóng mặt bằng"}});
  }
  REQUIRE(opinions == 8680);
  ReportRequest q;
  q.unit = son_la;
  q.period = Period::range(D(2019, 2, 27), D(2022, 2, 27));
  const Report r = make_report(w.engine, q);
  CHECK(r.conferences == 983);
  CHECK(n_of(r.conferences_by_level, "tinh") == 90);
  CHECK(n_of(r.conferences_by_level, "huyen") == 219);
  CHECK(n_of(r.conferences_by_level, "xa") == 674);
  CHECK(r.department_dialogues == 2);
  CHECK(r.opinions == 8680);
  CHECK(r.conference_list.size() == 983);
  // A district's report sees only its subtree.
  ReportRequest qd = q;
  qd.unit = districts[0].id;
  const Report rd = make_report(w.engine, qd);
  CHECK(n_of(rd.conferences_by_level, "tinh") == 0);
  CHECK(rd.conferences == n_of(rd.conferences_by_level, "huyen") + n_of(rd.conferences_by_level, "xa"));
  CHECK(rd.conferences < 983);
}

TEST_CASE("R16 Bắc Từ Liêm: 145 conferences in 10 years, 6 thematic, 1,595 opinions") {
  World w("hanoi-2200", D(2013, 12, 1));
  const UnitId hanoi = w.unit("Thành phố Hà Nội", "tinh");
  const UnitId btl = w.unit("Quận Bắc Từ Liêm", "huyen", hanoi);
  const Heads hd = w.heads(btl);
  std::vector<std::pair<UnitId, Heads>> wards;
  for (int i = 0; i < 13; ++i) {
    const UnitId u = w.unit("Phường " + std::to_string(i + 1), "xa", btl);
    wards.push_back({u, w.heads(u)});
  }
  const PersonId citizen = w.person("Nguyễn Thị Dân");
  struct Plan {
    Date on;
    UnitId unit;
    const Heads* h;
    ConferenceKind kind;
    std::string audience;
    ConferenceId id;
  };
  std::vector<Plan> plans;
  for (int y = 2014; y <= 2023; ++y) {
    plans.push_back({D(y, 6, 15), btl, &hd, ConferenceKind::periodic, "all_residents", {}});
    for (int i = 0; i < 13; ++i)
      if (!(i == 12 && y == 2019))  // ward 13 held none in 2019
        plans.push_back({D(y, 5, 1) + date_duration(i), wards[i].first, &wards[i].second, ConferenceKind::periodic,
                         "all_residents", {}});
  }
  for (int t = 0; t < 6; ++t)
    plans.push_back({D(2016 + t, 9, 20), btl, &hd, ConferenceKind::thematic, t == 5 ? "youth" : "businesses", {}});
  std::stable_sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) { return a.on < b.on; });
  w.at(D(2013, 12, 20));
  for (auto& p : plans) p.id = w.plan(*p.h, p.unit, p.on, p.kind, p.audience, p.kind == ConferenceKind::thematic ? "urban_order" : "");
  for (const auto& p : plans) {
    w.hold(*p.h, p.id, p.on);
    for (int k = 0; k < 11; ++k) w.raise(*p.h, p.unit, p.id, p.on, citizen, {{"urban_order", "Trật tự xây dựng"}});
  }
  ReportRequest q;
  q.unit = btl;
  q.period = Period::range(D(2014, 1, 1), D(2023, 12, 31));
  const Report r = make_report(w.engine, q);
  CHECK(r.conferences == 145);
  CHECK(n_of(r.conferences_by_kind, "thematic") == 6);
  CHECK(n_of(r.conferences_by_kind, "periodic") == 139);
  CHECK(r.opinions == 1595);
  CHECK(n_of(r.conferences_by_audience, "youth") == 1);
  CHECK(find(r.conferences_by_audience, "youth")->label == "Thanh niên");
  // Year by year: 2023 against 2022 (thematic youth dialogue in 2021 only adds to 2021).
  ReportRequest y23 = q;
  y23.period = Period::year(2023);
  const Report r23 = make_report(w.engine, y23);
  CHECK(r23.previous.from == D(2022, 1, 1));
  CHECK(r23.change_conferences.current == 14);
  CHECK(r23.change_conferences.previous == 14);
  ReportRequest y19 = q;
  y19.period = Period::year(2019);
  const Report r19 = make_report(w.engine, y19);
  CHECK(r19.conferences == 13 + 1);  // district periodic + thematic, 12 wards
  CHECK(r19.change_conferences.previous == 15);
  CHECK(r19.change_conferences.delta == -1);

  // R17: the same history shows the one ward that missed its yearly periodic dialogue.
  const ComplianceReport c = w.engine.read(
      [&](const State& s) { return compliance(s, w.engine.profile(), btl, q.period, D(2024, 3, 1)); });
  REQUIRE(c.missed.size() == 1);
  CHECK(c.missed[0].unit == wards[12].first);
  CHECK(c.missed[0].requirement == Requirement::periodic_yearly);
  CHECK(c.missed[0].reference == "2019");
  CHECK(c.missed[0].citation.find("218-QĐ/TW") != std::string::npos);
  CHECK(c.met.size() == 14 * 10 - 1);
}

TEST_CASE("R16 Bồ Đề: 14 opinions, 41 issues in 4 groups, notice by 10/10/2022, replies by 30/10/2022") {
  World w("hanoi-2200", D(2022, 8, 1));
  const UnitId hanoi = w.unit("Thành phố Hà Nội", "tinh");
  const UnitId long_bien = w.unit("Quận Long Biên", "huyen", hanoi);
  const UnitId bo_de = w.unit("Phường Bồ Đề", "xa", long_bien);
  const Heads h = w.heads(bo_de);
  const auto [ubnd, officer] = w.agency(bo_de, "Bộ phận chuyên môn UBND phường");
  const PersonId citizen = w.person("Nguyễn Văn Dân");
  w.at(D(2022, 9, 9));
  cmd::PlanConference pc;
  pc.unit = bo_de;
  pc.planned_on = D(2022, 9, 30);
  pc.audience = "all_residents";
  pc.plan_ref = "131-KH/QU ngày 09/8/2022";
  const ConferenceId c(w.run(h.office, pc).id);
  w.hold(h, c, D(2022, 9, 30));
  // Four groups: land and site clearance; urban order, sanitation, infrastructure; security; culture and society.
  const std::vector<std::string> groups = {"land", "urban_order", "security", "culture_society"};
  const int per_group[] = {12, 14, 8, 7};
  std::vector<ItemSpec> all;
  for (int g = 0; g < 4; ++g)
    for (int i = 0; i < per_group[g]; ++i) all.push_back({groups[g], "Vấn đề " + std::to_string(all.size() + 1)});
  std::vector<ItemId> items;
  for (int o = 0; o < 14; ++o) {
    const std::size_t from = o * 3, to = o == 13 ? 41 : from + 3;  // 13 × 3 + 2 = 41
    std::vector<ItemSpec> part(all.begin() + from, all.begin() + to);
    for (ItemId id : w.raise(h, bo_de, c, D(2022, 9, 30), citizen, part)) items.push_back(id);
  }
  w.at(D(2022, 10, 3));
  for (ItemId id : items) w.assign(h, id, ubnd);
  ReportRequest q;
  q.unit = bo_de;
  q.period = Period::quarter(2022, 3);
  q.as_of = D(2022, 10, 5);
  const Report r = make_report(w.engine, q);
  CHECK(r.conferences == 1);
  CHECK(r.opinions == 14);
  CHECK(r.items.items == 41);
  REQUIRE(r.by_topic.size() == 4);
  CHECK(r.by_topic[0].topic == "land");
  CHECK(r.by_topic[0].tally.items == 12);
  CHECK(r.by_topic[3].label == "Văn hóa - xã hội");
  REQUIRE(r.conference_list.size() == 1);
  const ConferenceLine& line = r.conference_list[0];
  CHECK(line.opinions == 14);
  CHECK(line.items == 41);
  CHECK(line.notice_due == D(2022, 10, 10));
  CHECK(line.reply_due == D(2022, 10, 30));
  CHECK(r.items.not_yet_due == 41);
  CHECK(r.by_agency.size() == 1);
  CHECK(r.by_agency[0].tally.items == 41);
  const auto j = report_to_json(r);
  CHECK(j["conferences"]["list"][0]["notice_due"] == "2022-10-10");
  CHECK(j["conferences"]["list"][0]["reply_due"] == "2022-10-30");
  CHECK(j["period"]["label"] == "Quý III/2022");
  // On 31/10/2022 the unanswered ones are overdue, the answered ones on time.
  w.at(D(2022, 10, 20));
  for (std::size_t i = 0; i < 30; ++i) w.reply(h, items[i], officer);
  q.as_of = D(2022, 10, 31);
  const Report late = make_report(w.engine, q);
  CHECK(late.items.resolved == 30);
  CHECK(late.items.overdue == 11);
  REQUIRE(late.items.on_time_rate());
  CHECK(*late.items.on_time_rate() == Approx(30.0 / 41.0));
}

TEST_CASE("R16 periods: month, quarter, six and nine months, year, range, and what each compares with") {
  CHECK(Period::month(2022, 2).to == D(2022, 2, 28));
  CHECK(previous_period(Period::month(2022, 1)).from == D(2021, 12, 1));
  CHECK(Period::quarter(2022, 3).from == D(2022, 7, 1));
  CHECK(Period::quarter(2022, 3).to == D(2022, 9, 30));
  CHECK(previous_period(Period::quarter(2022, 1)).from == D(2021, 10, 1));
  CHECK(Period::six_months(2022).to == D(2022, 6, 30));
  CHECK(previous_period(Period::six_months(2022)).from == D(2021, 1, 1));  // cùng kỳ
  CHECK(Period::nine_months(2022).to == D(2022, 9, 30));
  CHECK(previous_period(Period::year(2022)).to == D(2021, 12, 31));
  const Period r = Period::range(D(2022, 3, 10), D(2022, 3, 19));
  CHECK(previous_period(r).from == D(2022, 2, 28));
  CHECK(previous_period(r).to == D(2022, 3, 9));
  CHECK(period_label(Period::nine_months(2022)) == "9 tháng đầu năm 2022");
  CHECK(period_label(Period::quarter(2022, 4), "en") == "Q4 2022");
  CHECK_THROWS_AS(Period::quarter(2022, 5), Error);
  CHECK_THROWS_AS(Period::range(D(2022, 3, 10), D(2022, 3, 9)), Error);
}

// ---- R16 as profile data: Regulation 11-QĐi/TW art. 3(8) as amended by Conclusion 215-KL/TW ----
TEST_CASE("R16 the vn-2025 profile owes monthly, first-quarter, six-, nine-month and yearly reports") {
  const Profile p = builtin_profile("vn-2025");
  const std::vector<Period> v = report_periods(p, 2026);
  REQUIRE(v.size() == 12 + 4);
  for (int m = 1; m <= 12; ++m) {
    CHECK(v[m - 1].kind == PeriodKind::month);
    CHECK(v[m - 1].from == D(2026, m, 1));
  }
  // "quý I" is the first quarter only, not every quarter.
  CHECK(v[12].kind == PeriodKind::quarter);
  CHECK(v[12].from == D(2026, 1, 1));
  CHECK(v[12].to == D(2026, 3, 31));
  CHECK(v[13].kind == PeriodKind::six_months);
  CHECK(v[14].kind == PeriodKind::nine_months);
  CHECK(v[14].to == D(2026, 9, 30));
  CHECK(v[15].kind == PeriodKind::year);
  // Recipients by the reporting unit's level, in the profile's order.
  CHECK(report_recipients(p, "tinh") ==
        std::vector<std::string>{"Bộ Chính trị", "Ban Bí thư", "Ban Nội chính Trung ương",
                                 "Ban Tuyên giáo và Dân vận Trung ương"});
  CHECK(report_recipients(p, "xa") ==
        std::vector<std::string>{"Bí thư cấp ủy cấp tỉnh", "Ban Nội chính cấp ủy cấp tỉnh",
                                 "Ban Tuyên giáo và Dân vận cấp ủy cấp tỉnh"});
  CHECK(report_recipients(p, "huyen").empty());
  REQUIRE(p.reporting);
  CHECK(p.reporting->citation.find("215-KL/TW") != std::string::npos);
  // The old profiles have no reporting section.
  CHECK(report_periods(builtin_profile("hanoi-2200"), 2022).empty());
  CHECK(report_recipients(builtin_profile("hanoi-2200"), "xa").empty());
  // A profile built with a "quarter" entry gets every quarter.
  auto doc = p.source;
  doc["reporting"]["periods"] = {"quarter"};
  CHECK(report_periods(load_profile(doc), 2026).size() == 4);
}

TEST_CASE("R16 a commune's report names its recipients (JSON and HTML); the section is validated at load") {
  World w("vn-2025", D(2026, 1, 1));
  const UnitId province = w.unit("Tỉnh Lâm Đồng", "tinh");
  const UnitId commune = w.unit("Xã Hàm Tân", "xa", province);
  w.heads(province);
  w.heads(commune);
  ReportRequest q;
  q.unit = commune;
  q.period = Period::quarter(2026, 1);
  const Report r = make_report(w.engine, q);
  CHECK(r.recipients == report_recipients(w.engine.profile(), "xa"));
  CHECK(std::find(r.citations.begin(), r.citations.end(), w.engine.profile().reporting->citation) != r.citations.end());
  const auto j = report_to_json(r);
  CHECK(j["recipients"].size() == 3);
  CHECK(j["recipients"][0] == "Bí thư cấp ủy cấp tỉnh");
  const std::string html = report_html(r);
  CHECK(html.find("Nơi nhận") != std::string::npos);
  CHECK(html.find("Ban Tuyên giáo và Dân vận cấp ủy cấp tỉnh") != std::string::npos);
  q.unit = province;
  CHECK(make_report(w.engine, q).recipients.front() == "Bộ Chính trị");
  // A report over every unit, and reports under the old profiles, name nobody.
  q.unit = UnitId();
  CHECK(make_report(w.engine, q).recipients.empty());

  auto expect_path = [](nlohmann::json doc, const std::string& path) {
    try {
      load_profile(doc);
      FAIL("accepted " << path);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  };
  const auto base = builtin_profile("vn-2025").source;
  auto doc = base;
  doc["reporting"]["periods"] = {"month", "week"};
  expect_path(doc, "$.reporting.periods[1]");
  doc = base;
  doc["reporting"]["periods"] = {"month", "month"};
  expect_path(doc, "$.reporting.periods[1]");
  doc = base;
  doc["reporting"]["recipients"]["huyen"] = {"Ban Thường vụ Huyện ủy"};
  expect_path(doc, "$.reporting.recipients.huyen");
  doc = base;
  doc["reporting"]["cc"] = {"x"};
  expect_path(doc, "$.reporting.cc");
  doc = base;
  doc["reporting"].erase("citation");
  expect_path(doc, "$.reporting.citation");
  // The typed sections survive profile_to_json and load_profile.
  const Profile again = load_profile(profile_to_json(builtin_profile("vn-2025")));
  CHECK(report_recipients(again, "xa") == report_recipients(builtin_profile("vn-2025"), "xa"));
  CHECK(again.reception.size() == 3);
  REQUIRE(again.commune_dialogue);
  CHECK(again.commune_dialogue->co_chair_required == Role::council_standing);
}
