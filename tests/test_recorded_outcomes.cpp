// History never changes (issue 16): the outcomes the rules decide (which items a held
// conference gives its reply deadline, which items follow a merged unit, the status an
// intake decision or a reopening leaves an item in) are recorded in their events, and apply
// reads them from there. Events of older logs, which do not carry them, are applied with the
// frozen computation of that time (src/apply/v1.cpp, "schema version 1 path").
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "fixture.h"
#include "json_text.h"
#include "store_support.h"

using namespace doithoai;

namespace {

// A ward's conference with three items collected in advance (one a duplicate, one refused
// at intake before the conference), held; letters accepted, kept for more time, transferred
// and replied, two of them reopened; one closed; then the ward merged into its neighbour.
struct Scenario {
  fx::World w;
  ConferenceId conference;
  ItemId advance, duplicate, refused, replied, transferred, accepted, more_time, closed;
  std::vector<Recorded> events;

  Scenario() {
    conference = w.plan();
    auto collect = [&](const char* text) {
      return w.run(w.front_officer, cmd::SubmitOpinion{w.ward, conference, Channel::collected_in_advance, w.resident,
                                                      OrganizationId(), Date(), "", {{"land", text}}})
          .items.at(0);
    };
    advance = collect("Cấp sổ đỏ chậm");
    duplicate = collect("Sổ đỏ cấp chậm");
    refused = collect("Việc của tòa án");
    w.run(w.office, cmd::MergeDuplicate{duplicate, advance});
    w.run(w.office, cmd::DecideIntake{refused, Outcome::refused, "Không thuộc thẩm quyền", "", false, Date(), Date(2022, 9, 20)});
    w.hold(conference);  // 2022-09-30
    replied = w.letter(w.resident);
    transferred = w.letter(w.resident2);
    accepted = w.letter(w.resident);
    more_time = w.letter(w.resident2);
    closed = w.letter(w.resident);
    w.run(w.office, cmd::Assign{replied, w.land, std::nullopt});
    w.reply_all(replied, w.land_officer, Date(2022, 9, 30));
    w.run(w.front_chair, cmd::Reopen{replied, "Chưa thỏa đáng", std::nullopt, Date()});
    w.run(w.office, cmd::DecideIntake{transferred, Outcome::transferred, "", "Sở Tài nguyên và Môi trường", false, Date(), Date(2022, 9, 30)});
    w.run(w.front_chair, cmd::Reopen{transferred, "Chuyển sai nơi", std::nullopt, Date()});
    w.run(w.office, cmd::DecideIntake{accepted, Outcome::accepted, "", "", false, Date(), Date()});
    w.run(w.office, cmd::Assign{more_time, w.land, std::nullopt});
    w.run(w.office, cmd::DecideIntake{more_time, Outcome::more_time, "Cần xác minh", "", false, Date(), Date()});
    w.run(w.office, cmd::Assign{closed, w.land, std::nullopt});
    w.reply_all(closed, w.land_officer, Date(2022, 9, 30));
    w.run(w.front_chair, cmd::CloseItem{closed, "", Date()});
    w.run(kSystemActor, cmd::MergeUnit{w.ward, w.other_ward, Date()});
    events = w.engine->events(1, 1u << 20);
  }
};

// The log as a SQLite file (the store hashes rows, it does not judge events), opened by an
// engine: replayed from the binary replay cache, checked against the JSON payloads.
std::unique_ptr<Engine> open_log(const sx::TempDir& dir, const std::string& name, const std::vector<Recorded>& events) {
  const std::string path = dir.file(name + ".db");
  {
    SqliteStore s(path);
    Batch b;
    b.events = events;
    s.append(b);
  }
  return open_engine(builtin_profile("hanoi-2200"), path, sx::options(sx::clock()));
}

// The same log as an older release wrote it: no recorded outcome.
std::vector<Recorded> without_outcomes(std::vector<Recorded> events) {
  for (Recorded& r : events)
    std::visit(
        [](auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, ev::ConferenceHeld>) e.deadline_items.reset();
          else if constexpr (std::is_same_v<E, ev::UnitMerged>) e.moved_items.reset();
          else if constexpr (std::is_same_v<E, ev::IntakeDecided> || std::is_same_v<E, ev::ItemReopened>) e.status.reset();
        },
        r.event);
  return events;
}

template <class E>
std::vector<E> all_of(const std::vector<Recorded>& events) {
  std::vector<E> out;
  for (const Recorded& r : events)
    if (const auto* e = std::get_if<E>(&r.event)) out.push_back(*e);
  return out;
}

Recorded next(const std::vector<Recorded>& log, Event e) {
  return Recorded{log.back().seq + 1, log.back().at, kSystemActor, std::move(e)};
}

}  // namespace

TEST_CASE("R09 R11 R14 R01 a decided command records its outcome: deadline items, moved items, statuses") {
  Scenario sc;
  const auto held = all_of<ev::ConferenceHeld>(sc.events);
  REQUIRE(held.size() == 1);
  REQUIRE(held[0].deadline_items);
  // Only the unsettled item without a deadline: not the duplicate, not the refused one.
  CHECK(*held[0].deadline_items == std::vector<ItemId>{sc.advance});
  CHECK(sc.w.engine->item(sc.advance).deadline == Date(2022, 10, 30));
  CHECK_FALSE(sc.w.engine->item(sc.duplicate).deadline);
  CHECK_FALSE(sc.w.engine->item(sc.refused).deadline);

  const auto merged = all_of<ev::UnitMerged>(sc.events);
  REQUIRE(merged.size() == 1);
  REQUIRE(merged[0].moved_items);
  const std::vector<ItemId> moved = {sc.advance, sc.duplicate, sc.refused, sc.replied,
                                     sc.transferred, sc.accepted, sc.more_time};
  CHECK(*merged[0].moved_items == moved);  // every item of the ward but the closed one
  for (ItemId i : moved) CHECK(sc.w.engine->item(i).unit == sc.w.other_ward);
  CHECK(sc.w.engine->item(sc.closed).unit == sc.w.ward);

  std::vector<std::pair<ItemId, ItemStatus>> intake;
  for (const auto& e : all_of<ev::IntakeDecided>(sc.events)) {
    REQUIRE(e.status);
    intake.emplace_back(e.item, *e.status);
  }
  CHECK(intake == std::vector<std::pair<ItemId, ItemStatus>>{{sc.refused, ItemStatus::handed_on},
                                                              {sc.transferred, ItemStatus::handed_on},
                                                              {sc.accepted, ItemStatus::open},
                                                              {sc.more_time, ItemStatus::assigned}});
  std::vector<std::pair<ItemId, ItemStatus>> reopened;
  for (const auto& e : all_of<ev::ItemReopened>(sc.events)) {
    REQUIRE(e.status);
    reopened.emplace_back(e.item, *e.status);
  }
  CHECK(reopened == std::vector<std::pair<ItemId, ItemStatus>>{{sc.replied, ItemStatus::assigned},
                                                                {sc.transferred, ItemStatus::open}});
  CHECK(sc.w.engine->item(sc.replied).status == ItemStatus::assigned);
  CHECK(sc.w.engine->item(sc.transferred).status == ItemStatus::open);
  CHECK(sc.w.engine->item(sc.accepted).status == ItemStatus::open);
  CHECK(sc.w.engine->item(sc.more_time).status == ItemStatus::assigned);
}

TEST_CASE("a freshly decided log records exactly what the frozen computation of older events gives") {
  // The same log with and without its recorded outcomes replays to the same projection, as
  // the engine that decided it holds it: what decide records is what apply computed for
  // events of older releases, so logs mixing both kinds mean the same.
  Scenario sc;
  sx::TempDir dir;
  auto recorded = open_log(dir, "recorded", sc.events);
  auto stripped = open_log(dir, "stripped", without_outcomes(sc.events));
  const std::string image = sx::image_of(*recorded);
  CHECK(sx::image_of(*stripped) == image);
  // The deciding engine (its in-memory log shares the text pool, so compare entities).
  for (std::uint32_t i = 1; i <= 8; ++i) {
    INFO("item " << i);
    CHECK(nlohmann::json(recorded->item(ItemId(i))) == nlohmann::json(sc.w.engine->item(ItemId(i))));
    CHECK(nlohmann::json(stripped->item(ItemId(i))) == nlohmann::json(sc.w.engine->item(ItemId(i))));
  }
  CHECK_THROWS(recorded->item(ItemId(9)));
  CHECK(nlohmann::json(recorded->unit(sc.w.ward)) == nlohmann::json(sc.w.engine->unit(sc.w.ward)));
  // A log mixing them (every other event stripped) too.
  std::vector<Recorded> mixed = sc.events;
  const std::vector<Recorded> old = without_outcomes(sc.events);
  for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = old[i];
  CHECK(sx::image_of(*open_log(dir, "mixed", mixed)) == image);
  // Both verify: the replay cache of an event without outcomes has its old bytes.
  for (const char* name : {"recorded", "stripped", "mixed"}) {
    SqliteStore s(dir.file(std::string(name) + ".db"), [] { SqliteOptions o; o.read_only = true; return o; }());
    INFO(name);
    CHECK(s.verify().ok);
  }
}

TEST_CASE("apply follows the recorded outcome, not the rule; an event without one is applied as before") {
  fx::World w;
  const ConferenceId c = w.plan();
  auto collect = [&](const char* text) {
    return w.run(w.front_officer, cmd::SubmitOpinion{w.ward, c, Channel::collected_in_advance, w.resident,
                                                    OrganizationId(), Date(), "", {{"land", text}}})
        .items.at(0);
  };
  const ItemId a = collect("Cấp sổ đỏ chậm");
  const ItemId b = collect("Ngõ 64 ngập úng");
  const ItemId replied = w.letter(w.resident);
  w.run(w.office, cmd::Assign{replied, w.land, std::nullopt});
  w.reply_all(replied, w.land_officer, Date(2022, 9, 20));
  const std::vector<Recorded> base = w.engine->events(1, 1u << 20);
  const Date held(2022, 9, 30), due(2022, 10, 30);
  sx::TempDir dir;
  int n = 0;
  auto with = [&](const Event& e) {
    std::vector<Recorded> log = base;
    log.push_back(next(log, e));
    return open_log(dir, "log" + std::to_string(++n), log);
  };

  SECTION("conference_held: only the recorded items take the reply deadline") {
    const ev::ConferenceHeld old{c, held, {w.party_head}, 100, "", due, Date(2022, 10, 10), {}};
    auto v1 = with(old);
    CHECK(v1->item(a).deadline == due);
    CHECK(v1->item(b).deadline == due);
    ev::ConferenceHeld rec = old;
    rec.deadline_items = std::vector<ItemId>{b};
    auto e = with(rec);
    CHECK_FALSE(e->item(a).deadline);
    CHECK(e->item(b).deadline == due);
    CHECK(e->item(b).original_deadline == due);
    CHECK(e->overdue(Date(2022, 11, 1)) == std::vector<ItemId>{b});
    rec.deadline_items = std::vector<ItemId>{};
    auto none = with(rec);
    CHECK_FALSE(none->item(a).deadline);
    CHECK_FALSE(none->item(b).deadline);
  }
  SECTION("unit_merged: only the recorded items follow the unit") {
    const ev::UnitMerged old{w.ward, w.other_ward, Date(2022, 9, 20)};
    auto v1 = with(old);
    for (ItemId i : {a, b, replied}) CHECK(v1->item(i).unit == w.other_ward);
    ev::UnitMerged rec = old;
    rec.moved_items = std::vector<ItemId>{b};
    auto e = with(rec);
    CHECK(e->item(a).unit == w.ward);
    CHECK(e->item(b).unit == w.other_ward);
    CHECK(e->item(replied).unit == w.ward);
    CHECK(e->unit(w.ward).status == UnitStatus::merged);
  }
  SECTION("intake_decided: the recorded status, whatever the outcome") {
    const ev::IntakeDecided old{a, Outcome::refused, "Không thuộc thẩm quyền", "", Date(2022, 9, 20), Date(), Date(2022, 9, 20)};
    auto v1 = with(old);
    CHECK(v1->item(a).status == ItemStatus::handed_on);
    CHECK(v1->item(a).resolved_on == Date(2022, 9, 20));
    ev::IntakeDecided rec = old;
    rec.status = ItemStatus::open;  // refused, yet left open: the log says so
    auto e = with(rec);
    CHECK(e->item(a).status == ItemStatus::open);
    CHECK_FALSE(e->item(a).resolved_on);
    CHECK(e->item(a).outcome == Outcome::refused);
    ev::IntakeDecided acc{a, Outcome::accepted, "", "", Date(2022, 9, 20), Date(), Date(), ItemStatus::handed_on};
    CHECK(with(acc)->item(a).status == ItemStatus::handed_on);
  }
  SECTION("item_reopened: the recorded status, not the one the agency implies") {
    const ev::ItemReopened old{replied, "Chưa thỏa đáng", Date(2022, 10, 20), Date(2022, 9, 20)};
    CHECK(with(old)->item(replied).status == ItemStatus::assigned);
    ev::ItemReopened rec = old;
    rec.status = ItemStatus::open;
    auto e = with(rec);
    CHECK(e->item(replied).status == ItemStatus::open);
    CHECK(e->item(replied).agency == w.land);
  }
}

TEST_CASE("recorded outcomes in JSON: left out when absent, read back when present, null reads as absent") {
  const ev::ConferenceHeld old{ConferenceId(1), Date(2022, 9, 30), {PersonId(2)}, 10, "", Date(2022, 10, 30), Date(2022, 10, 10), {}};
  const std::string old_text = event_to_json(old).dump();
  CHECK(old_text.find("deadline_items") == std::string::npos);
  CHECK(detail::event_json_text(old) == old_text);
  ev::ConferenceHeld rec = old;
  rec.deadline_items = std::vector<ItemId>{ItemId(4), ItemId(7)};
  const nlohmann::json j = event_to_json(rec);
  CHECK(j["deadline_items"] == nlohmann::json::array({4, 7}));
  CHECK(detail::event_json_text(rec) == j.dump());
  const Event back = event_from_json("conference_held", 1, j);
  CHECK(std::get<ev::ConferenceHeld>(back).deadline_items == rec.deadline_items);
  CHECK_FALSE(std::get<ev::ConferenceHeld>(event_from_json("conference_held", 1, event_to_json(old))).deadline_items);
  nlohmann::json with_null = j;
  with_null["deadline_items"] = nullptr;
  CHECK_FALSE(std::get<ev::ConferenceHeld>(event_from_json("conference_held", 1, with_null)).deadline_items);
  nlohmann::json bad = event_to_json(ev::IntakeDecided{ItemId(3), Outcome::refused, "x", "", Date(2022, 9, 20), Date(), Date(2022, 9, 20), ItemStatus::handed_on});
  CHECK(bad["status"] == "handed_on");
  bad["status"] = "lost";
  REQUIRE_ERROR(invalid_argument, event_from_json("intake_decided", 1, bad));
}

TEST_CASE("recorded outcomes that cannot follow the state are corruption naming the seq") {
  Scenario sc;
  sx::TempDir dir;
  const std::vector<Recorded>& log = sc.events;
  const std::string seq = "event " + std::to_string(log.size() + 1) + " ";
  auto refused = [&](const Event& e, const std::string& why) {
    std::vector<Recorded> forged = log;
    forged.push_back(next(log, e));
    try {
      open_log(dir, "forged", forged);
      FAIL("opened: " << why);
    } catch (const Error& x) {
      INFO(x.what());
      CHECK(x.code() == ErrorCode::corruption);
      CHECK(std::string(x.what()).find(seq) != std::string::npos);
      CHECK(std::string(x.what()).find(why) != std::string::npos);
    }
    std::filesystem::remove(dir.file("forged.db"));
  };
  // transferred was reopened without an agency: it cannot be assigned again.
  refused(ev::IntakeDecided{sc.transferred, Outcome::refused, "x", "", Date(2022, 9, 30), Date(), Date(2022, 9, 30), ItemStatus::assigned},
          "leaves item " + std::to_string(sc.transferred.value) + " open or hands it on, not assigned");
  std::vector<Recorded> reopen_log = log;
  // A handed-on item without agency, reopened as assigned.
  reopen_log.push_back(next(log, ev::IntakeDecided{sc.accepted, Outcome::refused, "x", "", Date(2022, 9, 30), Date(), Date(2022, 9, 30), ItemStatus::handed_on}));
  reopen_log.push_back(next(reopen_log, ev::ItemReopened{sc.accepted, "x", Date(2022, 10, 30), Date(2022, 9, 30), ItemStatus::assigned}));
  try {
    open_log(dir, "reopen", reopen_log);
    FAIL("opened");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::corruption);
    CHECK(std::string(x.what()).find("event " + std::to_string(log.size() + 2) + " ") != std::string::npos);
    CHECK(std::string(x.what()).find("has no agency to be assigned to again") != std::string::npos);
  }
  // The merged-into ward merged on, its list naming an item twice.
  refused(ev::UnitMerged{sc.w.other_ward, sc.w.district, Date(2022, 9, 30), std::vector<ItemId>{sc.advance, sc.advance}},
          "moved item " + std::to_string(sc.advance.value) + " is listed twice");
}
