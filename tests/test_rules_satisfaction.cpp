// Issue 14, satisfaction follow-up: R10 the raiser rates a delivered reply within the
// profile's window, R19 who may, R14 "not satisfied" on the front's supervision list,
// R18 triggers, R16 report rates.
#include <catch2/catch.hpp>

#include "doithoai/json.h"
#include "fixture.h"
#include "schema_check.h"
#include "state_access.h"
#include "store_support.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

namespace {

// A resident's letter assigned to the urban agency and replied (delivered to all four) on
// 2022-09-20.
ItemId replied(World& w, PersonId raiser = PersonId(), const char* topic = "urban_order") {
  const ItemId i = w.letter(raiser ? raiser : w.resident, topic);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.reply_all(i, w.urban_officer, Date(2022, 9, 20));
  return i;
}

std::vector<ItemId> listed(const Engine& e, UnitId u, Date d) {
  std::vector<ItemId> out;
  for (const auto& x : supervision_list(e, u, d)) out.push_back(x.item);
  return out;
}

}  // namespace

TEST_CASE("R10 the raiser rates the delivered reply; the rating is kept and shown") {
  World w;
  const ItemId i = replied(w);
  w.set_day(2022, 9, 25);
  w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied, ""});
  const auto r = w.engine->read([&](const State& s) { return satisfaction_of(s, i); });
  REQUIRE(r);
  CHECK(r->rating == Satisfaction::satisfied);
  CHECK(r->on == Date(2022, 9, 25));
  CHECK_FALSE(r->awaiting_front);
  // The JSON forms.
  const json c = command_to_json(cmd::RecordSatisfaction{i, Satisfaction::partly_satisfied, "Tạm được", Date(2022, 9, 26)});
  CHECK(c == json{{"type", "record_satisfaction"}, {"item", i.value}, {"rating", "partly_satisfied"},
                  {"comment", "Tạm được"}, {"on", "2022-09-26"}});
  const auto ev = w.engine->events(w.engine->last_seq(), 1).at(0);
  CHECK(event_type(ev.event) == "satisfaction_recorded");
  CHECK(event_to_json(ev.event)["rating"] == "satisfied");
}

TEST_CASE("R19 satisfaction: the raiser, an organization's representative or the front; nobody else") {
  World w;
  const ItemId i = replied(w);
  for (PersonId p : {w.office, w.party_head, w.urban_officer, w.resident2, w.outsider, w.council})
    REQUIRE_ERROR(permission_denied, w.run(p, cmd::RecordSatisfaction{i, Satisfaction::satisfied}));
  w.run(w.front_officer, cmd::RecordSatisfaction{i, Satisfaction::not_satisfied, "Người dân báo chưa xử lý"});
  // The district's front, for a ward item (the front of the unit or above).
  const ItemId k = replied(w, w.resident2);
  w.run(w.district_front, cmd::RecordSatisfaction{k, Satisfaction::satisfied});
  // An organization's opinion: its representative rates.
  const ItemId o = w.run(w.org_rep, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, PersonId(), w.women,
                                                       Date(), "", {{"urban_order", "Đèn đường hỏng"}}})
                       .items.at(0);
  w.run(w.office, cmd::Assign{o, w.urban, std::nullopt});
  w.reply_all(o, w.urban_officer, Date(2022, 9, 20));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::RecordSatisfaction{o, Satisfaction::satisfied}));
  w.run(w.org_rep, cmd::RecordSatisfaction{o, Satisfaction::satisfied});
}

TEST_CASE("R10 satisfaction before the reply, twice, outside the window or malformed: clear errors, nothing changed") {
  World w;
  const ItemId i = w.letter(w.resident);
  REQUIRE_ERROR(invalid_transition, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied}));
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.run(w.urban_officer, cmd::WriteReply{i, "1/TL", Date(2022, 9, 20), w.urban_officer, "Trả lời"});
  w.run(w.office, cmd::RecordDelivery{i, Recipient::raiser, Date(2022, 9, 20)});
  // Written and delivered to the raiser only: not replied yet (R10 wants all four).
  REQUIRE_ERROR(invalid_transition, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied}));
  for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair})
    w.run(w.office, cmd::RecordDelivery{i, r, Date(2022, 9, 20)});
  const std::uint64_t before = w.engine->last_seq();
  // A comment is required unless satisfied; bad text; a bad rating; a date before the reply or in the future.
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::not_satisfied, ""}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::partly_satisfied, ""}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::not_satisfied, "\xff\xfe"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, static_cast<Satisfaction>(9), "x"}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied, "", Date(2022, 9, 19)}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied, "", Date(2022, 9, 21)}));
  REQUIRE_ERROR(not_found, w.run(w.resident, cmd::RecordSatisfaction{ItemId(999), Satisfaction::satisfied}));
  for (const json& bad : {json{{"type", "record_satisfaction"}, {"item", i.value}, {"rating", "very"}},
                          json{{"type", "record_satisfaction"}, {"item", i.value}, {"rating", 3}},
                          json{{"type", "record_satisfaction"}, {"item", "1"}, {"rating", "satisfied"}},
                          json{{"type", "record_satisfaction"}, {"item", i.value}, {"rating", "satisfied"}, {"on", 1e308}}}) {
    INFO(bad.dump());
    REQUIRE_ERROR(invalid_argument, w.engine->execute_json({{"actor", w.resident.value}, {"command", bad}}));
  }
  CHECK(w.engine->last_seq() == before);
  // Outside the window (hanoi-2200: 30 days after the reply was delivered).
  w.set_day(2022, 10, 21);
  REQUIRE_ERROR(invalid_transition, w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied}));
  w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::satisfied, "", Date(2022, 10, 20)});  // the last day
  // Twice: a rating is not revised.
  REQUIRE_ERROR(invalid_transition, w.run(w.front_chair, cmd::RecordSatisfaction{i, Satisfaction::not_satisfied, "x"}));
  CHECK(w.engine->last_seq() == before + 1);
  // The window comes from the profile's "satisfaction" section; a bad one is refused at load.
  json pj = builtin_profile("hanoi-2200").source;
  pj["satisfaction"]["window_days"] = 0;
  REQUIRE_ERROR(invalid_argument, load_profile(pj));
  pj["satisfaction"] = {{"window_days", 5}};
  REQUIRE_ERROR(invalid_argument, load_profile(pj));  // no citation
  pj["satisfaction"] = {{"window_days", 5}, {"citation", "Quy chế phường (thử)"}, {"x", 1}};
  REQUIRE_ERROR(invalid_argument, load_profile(pj));
  pj["satisfaction"].erase("x");
  World w5(load_profile(pj));
  const ItemId k = replied(w5);
  w5.set_day(2022, 9, 26);
  REQUIRE_ERROR(invalid_transition, w5.run(w5.resident, cmd::RecordSatisfaction{k, Satisfaction::satisfied}));
  w5.set_day(2022, 9, 25);
  w5.run(w5.resident, cmd::RecordSatisfaction{k, Satisfaction::satisfied});
}

TEST_CASE("R14 not satisfied puts the item on the front's supervision list until the front acts") {
  World w;
  const ItemId a = replied(w), b = replied(w), c = replied(w), d = replied(w, w.resident2);
  w.set_day(2022, 9, 22);
  for (ItemId i : {a, b, c}) w.run(w.resident, cmd::RecordSatisfaction{i, Satisfaction::not_satisfied, "Chưa xử lý"});
  w.run(w.resident2, cmd::RecordSatisfaction{d, Satisfaction::partly_satisfied, "Mới xử lý một phần"});
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 22)) == std::vector<ItemId>{a, b, c});
  CHECK(listed(*w.engine, w.district, Date(2022, 9, 22)) == std::vector<ItemId>{a, b, c});
  CHECK(listed(*w.engine, w.other_ward, Date(2022, 9, 22)).empty());
  const auto entry = supervision_list(*w.engine, w.ward, Date(2022, 9, 22)).at(0);
  CHECK(entry.comment == "Chưa xử lý");
  CHECK(entry.agency == w.urban);
  CHECK(entry.rated_on == Date(2022, 9, 22));
  CHECK(supervision_list_to_json({entry})[0]["rated_on"] == "2022-09-22");
  // A finding, a reopening, a closing: each takes its item off the list.
  w.set_day(2022, 9, 25);
  w.run(w.front_officer, cmd::RecordFinding{a, "Đã kiểm tra: còn lấn chiếm", false});
  w.set_day(2022, 9, 26);
  w.run(w.front_chair, cmd::Reopen{b, "Người dân không hài lòng"});
  w.set_day(2022, 9, 27);
  w.run(w.front_chair, cmd::CloseItem{c, "Đã giải thích"});
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 27)).empty());
  // Past dates are answered as they were, and agree with state_as_of.
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 21)).empty());
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 25)) == std::vector<ItemId>{b, c});
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 26)) == std::vector<ItemId>{c});
  const State old = w.engine->state_as_of(Date(2022, 9, 25));
  CHECK(supervision_list_to_json(supervision_list(old, w.ward, Date(2022, 9, 25))) ==
        supervision_list_to_json(supervision_list(*w.engine, w.ward, Date(2022, 9, 25))));
  REQUIRE_ERROR(invalid_argument,
                w.engine->read([&](const State& s) { return supervision_list(s, w.ward, Date(2022, 9, 25)); }));
  REQUIRE_ERROR(not_found, supervision_list(*w.engine, UnitId(999), Date(2022, 9, 27)));
  // The reopened item, replied again, is rated again.
  w.run(w.urban_officer, cmd::WriteReply{b, "2/TL", Date(2022, 9, 27), w.urban_officer, "Trả lời lần 2"});
  for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
    w.run(w.office, cmd::RecordDelivery{b, r, Date(2022, 9, 27)});
  w.run(w.resident, cmd::RecordSatisfaction{b, Satisfaction::not_satisfied, "Vẫn chưa"});
  CHECK(listed(*w.engine, w.ward, Date(2022, 9, 27)) == std::vector<ItemId>{b});
  // The list and ratings survive a snapshot.
  sx::TempDir dir;
  const std::string path = dir.file("sat.db");
  {
    SqliteStore store(path);
    Batch batch;
    batch.events = w.engine->events(1, 1000000);
    store.append(batch);
  }
  {
    auto e = open_engine(builtin_profile("hanoi-2200"), path, sx::options(w.clock));
    REQUIRE(e->snapshot() == w.engine->last_seq());
  }
  auto e = open_engine(builtin_profile("hanoi-2200"), path, sx::options(w.clock));
  CHECK(listed(*e, w.ward, Date(2022, 9, 27)) == std::vector<ItemId>{b});
  SqliteStore raw(path);
  CHECK(sx::image_of(*e) == sx::replay_image(raw));
  REQUIRE_ERROR(invalid_transition, e->execute(w.resident, cmd::RecordSatisfaction{b, Satisfaction::satisfied}));
}

TEST_CASE("R18 items rated not satisfied, awaiting the front, are trigger candidates") {
  World w;
  const ItemId a = replied(w);
  w.run(w.resident, cmd::RecordSatisfaction{a, Satisfaction::not_satisfied, "Không hài lòng"});
  auto find = [&](Date d) {
    std::vector<ItemId> v;
    for (const auto& t : unscheduled_triggers(*w.engine, w.district, d))
      if (t.reason == TriggerReason::not_satisfied) v.insert(v.end(), t.items.begin(), t.items.end());
    return v;
  };
  CHECK(find(Date(2022, 9, 20)) == std::vector<ItemId>{a});
  CHECK(triggers_to_json(unscheduled_triggers(*w.engine, w.ward, Date(2022, 9, 20)))["candidates"][0]["reason"] ==
        "not_satisfied");
  w.set_day(2022, 9, 21);
  w.run(w.front_chair, cmd::RecordFinding{a, "Đã làm việc với người dân"});
  CHECK(find(Date(2022, 9, 21)).empty());
  CHECK(find(Date(2022, 9, 20)) == std::vector<ItemId>{a});  // as it was that day
}

TEST_CASE("R16 the report gives satisfaction rates by agency, topic and unit") {
  World w;
  const ItemId a = replied(w), b = replied(w), c = replied(w, w.resident, "land");
  const ItemId none = replied(w);  // not rated
  w.run(w.resident, cmd::RecordSatisfaction{a, Satisfaction::satisfied});
  w.run(w.resident, cmd::RecordSatisfaction{b, Satisfaction::not_satisfied, "Chưa xử lý"});
  w.run(w.resident, cmd::RecordSatisfaction{c, Satisfaction::partly_satisfied, "Một phần"});
  (void)none;
  ReportRequest q;
  q.unit = w.district;
  q.period = Period::range(Date(2022, 9, 1), Date(2022, 9, 30));
  const Report r = make_report(*w.engine, q);
  CHECK(r.satisfaction.rated == 3);
  CHECK(r.satisfaction.satisfied == 1);
  CHECK(r.satisfaction.partly_satisfied == 1);
  CHECK(r.satisfaction.not_satisfied == 1);
  REQUIRE(r.satisfaction_by_agency.size() == 1);
  CHECK(r.satisfaction_by_agency[0].id == w.urban.value);
  CHECK(r.satisfaction_by_agency[0].tally.rated == 3);
  REQUIRE(r.satisfaction_by_topic.size() == 2);
  CHECK(r.satisfaction_by_topic[0].code == "land");  // the profile's order
  CHECK(r.satisfaction_by_topic[0].tally.partly_satisfied == 1);
  REQUIRE(r.satisfaction_by_unit.size() == 1);
  CHECK(r.satisfaction_by_unit[0].id == w.ward.value);
  const json j = report_to_json(r);
  CHECK(j["satisfaction"]["rated"] == 3);
  CHECK(j["satisfaction"]["satisfied_percent"] == Approx(33.3));
  CHECK(j["satisfaction"]["by_topic"][1]["topic"] == "urban_order");
  CHECK(schema_check::errors(schema_check::load("report.schema.json"), j).empty());
  // A period with no rating: no "satisfaction" key (reports before issue 14 are unchanged).
  q.period = Period::month(2022, 8);
  q.as_of = Date(2022, 9, 20);
  const json empty = report_to_json(make_report(*w.engine, q));
  CHECK_FALSE(empty.contains("satisfaction"));
  CHECK(schema_check::errors(schema_check::load("report.schema.json"), empty).empty());
  // The HTML form carries the rates (only when something was rated).
  CHECK(report_html(r).find("Mức độ hài lòng") != std::string::npos);
  CHECK(report_html(make_report(*w.engine, q)).find("Mức độ hài lòng") == std::string::npos);
}
