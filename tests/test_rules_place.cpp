// Issue 14, place: R04 an opinion's place (lat/long/address) inherited by its items, the
// radius and box queries, R18 "many on one matter in one place" by distance, R11 escalation.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "doithoai/json.h"
#include "fixture.h"
#include "schema_check.h"
#include "state_access.h"
#include "store_support.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

namespace {

Place at(double lat, double lon, std::string address = "") { return Place{lat, lon, std::move(address)}; }

// A letter to `unit` raised by `who` (for itself), with an optional place.
ItemId placed_letter(World& w, PersonId who, std::optional<Place> place, const char* topic = "urban_order",
                     UnitId unit = UnitId()) {
  cmd::SubmitOpinion c{unit ? unit : w.ward, ConferenceId(), Channel::letter, who, OrganizationId(), Date(), "",
                       {{topic, "Lấn chiếm vỉa hè"}}};
  c.place = std::move(place);
  return w.run(who, c).items.at(0);
}

// Bồ Đề ward, Long Biên, Hà Nội.
constexpr double kLat = 21.0405, kLon = 105.8747;
// About 111 m of latitude.
constexpr double kStep = 0.001;

// The world's log copied into a SQLite file, snapshotted there, and the engine reopened
// from that snapshot (R20: what a restart reads back).
std::unique_ptr<Engine> reopened_from_snapshot(fx::World& w, const std::string& path) {
  {
    SqliteStore store(path);
    Batch b;
    b.events = w.engine->events(1, 1000000);
    store.append(b);
  }
  {
    auto e = open_engine(builtin_profile("hanoi-2200"), path, sx::options(w.clock));
    REQUIRE(e->snapshot() == w.engine->last_seq());
  }
  return open_engine(builtin_profile("hanoi-2200"), path, sx::options(w.clock));
}

}  // namespace

TEST_CASE("R04 a place on an opinion is inherited by its items and kept as recorded") {
  World w;
  cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Lấn chiếm vỉa hè"}, {"land", "Đất công bị lấn"}}};
  c.place = at(21.04051234567, 105.87471, "Ngõ 30 Bồ Đề, Long Biên");
  const Result r = w.run(w.resident, c);
  REQUIRE(r.items.size() == 2);
  for (ItemId i : r.items) {
    const auto p = w.engine->read([&](const State& s) { return item_place(s, i); });
    REQUIRE(p);
    CHECK(p->lat == 21.0405123);  // rounded to 1e-7 degree (about 1 cm)
    CHECK(p->lon == 105.87471);
    CHECK(p->address == "Ngõ 30 Bồ Đề, Long Biên");
  }
  // The event records the rounded place; an opinion without one has no "place" key.
  const auto ev = w.engine->events(r.first_seq, 1).at(0);
  const json j = event_to_json(ev.event);
  CHECK(j["place"] == json{{"lat", 21.0405123}, {"long", 105.87471}, {"address", "Ngõ 30 Bồ Đề, Long Biên"}});
  CHECK(event_to_json(event_from_json("opinion_submitted", 1, j)) == j);
  const ItemId plain = placed_letter(w, w.resident2, std::nullopt);
  const auto ev2 = w.engine->events(w.engine->last_seq(), 1).at(0);
  CHECK_FALSE(event_to_json(ev2.event).contains("place"));
  CHECK_FALSE(w.engine->read([&](const State& s) { return item_place(s, plain); }));
  // The JSON form of the command.
  const json cj = {{"type", "submit_opinion"}, {"unit", w.ward.value}, {"channel", "letter"},
                   {"raised_by", w.resident.value}, {"items", {{{"topic", "land"}, {"text", "Đường hỏng"}}}},
                   {"place", {{"lat", 21.04}, {"long", 105.87}}}};
  const Command cmd = command_from_json(cj);
  REQUIRE(std::get<cmd::SubmitOpinion>(cmd).place);
  CHECK(std::get<cmd::SubmitOpinion>(cmd).place->address.empty());
  const ItemId k = w.run(w.resident, cmd).items.at(0);
  CHECK(w.engine->read([&](const State& s) { return item_place(s, k); })->lon == 105.87);
}

TEST_CASE("R04 a bad place is refused with invalid_argument and changes nothing") {
  World w;
  const std::uint64_t before = w.engine->last_seq();
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (const Place& p : {at(nan, kLon), at(kLat, nan), at(inf, kLon), at(kLat, -inf), at(90.0001, kLon),
                         at(-91, kLon), at(kLat, 180.5), at(kLat, -181), at(1e308, kLon), at(kLat, -1e308),
                         at(kLat, kLon, std::string("\xC3\x28", 2)), at(kLat, kLon, std::string(513, 'a')),
                         at(kLat, kLon, std::string("a\0b", 3))}) {
    INFO(p.lat << ", " << p.lon);
    REQUIRE_ERROR(invalid_argument, placed_letter(w, w.resident, p));
  }
  CHECK(w.engine->last_seq() == before);
  // The edges are places.
  placed_letter(w, w.resident, at(-90, -180));
  placed_letter(w, w.resident, at(90, 180));
  // JSON: strings for numbers, huge numbers, unknown fields.
  auto with_place = [&](const json& place) {
    return json{{"type", "submit_opinion"}, {"unit", w.ward.value}, {"channel", "letter"},
                {"raised_by", w.resident.value}, {"items", {{{"topic", "land"}, {"text", "x"}}}}, {"place", place}};
  };
  const std::uint64_t mid = w.engine->last_seq();
  for (const json& p : {json{{"lat", "21.04"}, {"long", 105.87}}, json{{"lat", 21.04}, {"long", true}},
                        json{{"lat", 21.04}, {"long", 1e308}}, json{{"lat", 21.04}, {"long", 105.8}, {"alt", 3}},
                        json("21.04,105.87"), json{{"lat", 21.04}, {"long", 105.8}, {"address", 7}},
                        json{{"lat", 21.04}}, json{{"long", 105.8}}, json::object()}) {
    INFO(p.dump());
    REQUIRE_ERROR(invalid_argument, w.engine->execute_json({{"actor", w.resident.value}, {"command", with_place(p)}}));
  }
  REQUIRE_ERROR(invalid_argument,
                command_from_json(parse_json(R"({"type":"submit_opinion","unit":3,"channel":"letter","raised_by":14,)"
                                       R"("items":[{"topic":"land","text":"x"}],"place":{"lat":1e400,"long":1}})")));
  CHECK(w.engine->last_seq() == mid);
}

TEST_CASE("R04 items near a point and in a box, with unit, status and limit") {
  World w;
  const ItemId a = placed_letter(w, w.resident, at(kLat, kLon, "A"));
  const ItemId b = placed_letter(w, w.resident, at(kLat + kStep, kLon));       // ~111 m north
  const ItemId c = placed_letter(w, w.resident, at(kLat + 5 * kStep, kLon));   // ~556 m
  const ItemId far = placed_letter(w, w.resident, at(10.7769, 106.7009));     // Hồ Chí Minh City
  placed_letter(w, w.resident, std::nullopt);                                   // no place: never found
  const ItemId other = placed_letter(w, w.outsider, at(kLat - kStep, kLon), "urban_order", w.other_ward);
  const Engine& e = *w.engine;

  auto ids = [](const std::vector<PlacedItem>& v) {
    std::vector<ItemId> out;
    for (const auto& x : v) out.push_back(x.item);
    return out;
  };
  auto near = items_near(e, kLat, kLon, 200);
  CHECK(ids(near) == std::vector<ItemId>{a, b, other});  // nearest first, ties by id
  CHECK(near[0].distance_m == 0);
  CHECK(near[1].distance_m == Approx(111.2).margin(0.5));
  CHECK(near[0].place.address == "A");
  CHECK(ids(items_near(e, kLat, kLon, 1000)) == std::vector<ItemId>{a, b, other, c});
  CHECK(ids(items_near(e, kLat, kLon, 2000000 / 2)).size() == 4);  // 1000 km: Hà Nội only
  PlaceFilter f;
  f.unit = w.ward;
  CHECK(ids(items_near(e, kLat, kLon, 1000, f)) == std::vector<ItemId>{a, b, c});
  f.limit = 1;
  CHECK(ids(items_near(e, kLat, kLon, 1000, f)) == std::vector<ItemId>{a});
  w.run(w.office, cmd::Assign{b, w.urban, std::nullopt});
  PlaceFilter st;
  st.status = ItemStatus::assigned;
  CHECK(ids(items_near(e, kLat, kLon, 1000, st)) == std::vector<ItemId>{b});
  // Boxes, by id; one across the antimeridian finds nothing here, one over Việt Nam everything.
  CHECK(ids(items_in_box(e, kLat - 0.0001, kLon - 0.0001, kLat + 0.0011, kLon + 0.0001)) == std::vector<ItemId>{a, b});
  CHECK(ids(items_in_box(e, 8, 102, 24, 110)) == std::vector<ItemId>{a, b, c, far, other});
  CHECK(items_in_box(e, -10, 170, 10, -170).empty());
  CHECK(ids(items_in_box(e, -90, -180, 90, 180, f)) == std::vector<ItemId>{a});
  // Hostile arguments: clear errors.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_ERROR(invalid_argument, items_near(e, nan, kLon, 100));
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, 1e308, 100));
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, kLon, 0));
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, kLon, -5));
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, kLon, std::numeric_limits<double>::infinity()));
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, kLon, 1000001));
  PlaceFilter bad;
  bad.limit = 0;
  REQUIRE_ERROR(invalid_argument, items_near(e, kLat, kLon, 100, bad));
  bad.limit = 10001;
  REQUIRE_ERROR(invalid_argument, items_in_box(e, 0, 0, 1, 1, bad));
  bad = PlaceFilter{};
  bad.unit = UnitId(999);
  REQUIRE_ERROR(not_found, items_near(e, kLat, kLon, 100, bad));
  REQUIRE_ERROR(invalid_argument, items_in_box(e, 10, 0, 5, 1));  // south above north
  REQUIRE_ERROR(invalid_argument, items_in_box(e, 0, nan, 1, 1));
  // JSON form.
  const json j = placed_items_to_json(items_near(e, kLat, kLon, 150));
  REQUIRE(j.size() == 3);
  CHECK(j[0]["place"]["long"] == kLon);
  CHECK(j[1]["distance_m"] == Approx(111.2).margin(0.1));
}

TEST_CASE("R04 place queries as of a past date match state_as_of of that date") {
  World w;
  const ItemId a = placed_letter(w, w.resident, at(kLat, kLon));
  w.set_day(2022, 10, 5);
  const ItemId b = placed_letter(w, w.resident, at(kLat + kStep, kLon));
  w.run(w.office, cmd::Assign{a, w.urban, std::nullopt});
  w.set_day(2022, 10, 20);
  PlaceFilter f;
  f.as_of = Date(2022, 9, 30);
  const auto past = items_near(*w.engine, kLat, kLon, 1000, f);
  REQUIRE(past.size() == 1);
  CHECK(past[0].item == a);
  CHECK(past[0].status == ItemStatus::open);
  const State old = w.engine->state_as_of(Date(2022, 9, 30));
  CHECK(placed_items_to_json(past) == placed_items_to_json(items_near(old, kLat, kLon, 1000, f)));
  CHECK(placed_items_to_json(items_in_box(*w.engine, 21, 105, 22, 106, f)) ==
        placed_items_to_json(items_in_box(old, 21, 105, 22, 106, f)));
  // A live state refuses a past as_of rather than answer from a later state.
  REQUIRE_ERROR(invalid_argument, w.engine->read([&](const State& s) { return items_near(s, kLat, kLon, 1000, f); }));
  f.as_of = Date(2022, 10, 20);
  CHECK(items_near(*w.engine, kLat, kLon, 1000, f).size() == 2);
  (void)b;
}

TEST_CASE("R11 an escalated item keeps its place; R20 places survive a snapshot and the binary log") {
  World w;
  const ItemId i = placed_letter(w, w.resident, at(kLat, kLon, "Ngõ 30"));
  const Result r = w.run(w.office, cmd::Escalate{i, w.district, AgencyId(), "Đề xuất quận xử lý", Date(), Date(2022, 9, 20)});
  const ItemId up = r.items.at(0);
  CHECK(w.engine->read([&](const State& s) { return item_place(s, up); })->address == "Ngõ 30");
  sx::TempDir dir;
  const std::string path = dir.file("place.db");
  auto e = reopened_from_snapshot(w, path);
  CHECK(placed_items_to_json(items_near(*e, kLat, kLon, 100)) == placed_items_to_json(items_near(*w.engine, kLat, kLon, 100)));
  SqliteStore raw(path);
  CHECK(sx::image_of(*e) == sx::replay_image(raw));
}

TEST_CASE("R18 many on one matter in one place counts items within the profile's radius") {
  json pj = builtin_profile("hanoi-2200").source;
  pj["triggers"]["many_on_one_matter"]["min_items"] = 3;
  pj["triggers"]["many_on_one_matter"]["place_radius_m"] = 300;
  World w(load_profile(pj));
  // Three placed items within 300 m, in two wards: one place.
  const ItemId a = placed_letter(w, w.resident, at(kLat, kLon));
  const ItemId b = placed_letter(w, w.resident2, at(kLat + kStep, kLon));
  const ItemId c = placed_letter(w, w.outsider, at(kLat + 2 * kStep, kLon), "urban_order", w.other_ward);
  // One far away, and two without a place in the ward: no candidate from them (2 < 3).
  placed_letter(w, w.resident, at(kLat + 20 * kStep, kLon));
  placed_letter(w, w.resident, std::nullopt);
  placed_letter(w, w.resident2, std::nullopt);
  auto t = unscheduled_triggers(*w.engine, w.district, Date(2022, 9, 20));
  std::vector<TriggerCandidate> matter;
  for (auto& x : t)
    if (x.reason == TriggerReason::many_on_one_matter) matter.push_back(x);
  REQUIRE(matter.size() == 1);
  CHECK(matter[0].items == std::vector<ItemId>{a, b, c});
  REQUIRE(matter[0].place);
  CHECK(matter[0].place->lat == Approx(kLat));  // the first item with most neighbours
  CHECK(matter[0].detail.find("300 m") != std::string::npos);
  CHECK(triggers_to_json(matter)["candidates"][0]["place"]["long"] == kLon);
  // Items without a place keep today's grouping by unit.
  placed_letter(w, w.resident, std::nullopt);
  t = unscheduled_triggers(*w.engine, w.district, Date(2022, 9, 20));
  std::size_t by_unit = 0;
  for (auto& x : t)
    if (x.reason == TriggerReason::many_on_one_matter && !x.place) {
      ++by_unit;
      CHECK(x.unit == w.ward);
      CHECK(x.items.size() == 3);
    }
  CHECK(by_unit == 1);
  // Without place_radius_m the placed items count by unit, as before.
  pj["triggers"]["many_on_one_matter"].erase("place_radius_m");
  CHECK(unscheduled_triggers(w.engine->state_as_of(Date(2022, 9, 20)), load_profile(pj), w.district,
                             Date(2022, 9, 20))
            .at(0)
            .items.size() == 6);
  // A bad radius in the profile is refused when it is loaded.
  pj["triggers"]["many_on_one_matter"]["place_radius_m"] = -1;
  REQUIRE_ERROR(invalid_argument, load_profile(pj));
}

TEST_CASE("R13 Open311 exports an item's place, never a person's home address") {
  World w;
  const PersonId home = PersonId(w.run(kSystemActor, cmd::RegisterPerson{"Phạm Văn Đông", "", "", "", "Số 7 ngõ 45 Bồ Đề"}).id);
  w.run(kSystemActor, cmd::GrantRole{home, Role::resident, w.ward});
  const ItemId street = placed_letter(w, w.resident, at(kLat, kLon, "Ngõ 30 Bồ Đề"));
  const ItemId at_home = placed_letter(w, home, at(kLat + kStep, kLon, "Số 7 ngõ 45 Bồ Đề"));
  const ItemId nowhere = placed_letter(w, w.resident2, std::nullopt);
  for (ItemId i : {street, at_home, nowhere}) {
    w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
    w.reply_all(i, w.urban_officer, Date(2022, 9, 20));
    w.run(w.office, cmd::PublishReply{i});
  }
  auto by_id = [](const json& a, ItemId i) {
    for (const json& x : a)
      if (x["service_request_id"] == std::to_string(i.value)) return x;
    return json();
  };
  ExportOptions o;
  const json pub = export_open311(*w.engine, o);
  CHECK(schema_check::errors(schema_check::load("open311-requests.schema.json"), pub).empty());
  CHECK(by_id(pub, street)["lat"] == kLat);
  CHECK(by_id(pub, street)["long"] == kLon);
  CHECK(by_id(pub, street)["address"] == "Ngõ 30 Bồ Đề");
  // The place is someone's registered (home) address: left out of the public view altogether.
  CHECK_FALSE(by_id(pub, at_home).contains("lat"));
  CHECK(by_id(pub, at_home)["address"] == "Phường Bồ Đề");
  CHECK(pub.dump().find("Số 7 ngõ 45") == std::string::npos);
  // No place: the unit's name, as before issue 14.
  CHECK_FALSE(by_id(pub, nowhere).contains("lat"));
  CHECK(by_id(pub, nowhere)["address"] == "Phường Bồ Đề");
  // The internal view (the office's) shows every place.
  o.visibility = Visibility::internal;
  const json in = export_open311(*w.engine, o);
  CHECK(by_id(in, at_home)["address"] == "Số 7 ngõ 45 Bồ Đề");
  CHECK(by_id(in, at_home)["lat"].get<double>() == Approx(kLat + kStep));
}

TEST_CASE("R07 duplicate suggestions with a place rank nearby items higher") {
  World w;
  const char* text = "Rác thải tồn đọng đầu ngõ 30 phố Bồ Đề";
  auto raise = [&](std::optional<Place> p, const char* t) {
    cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                         {{"environment", t}}};
    c.place = std::move(p);
    return w.run(w.resident, c).items.at(0);
  };
  const ItemId far = raise(at(kLat + 0.05, kLon), text);           // about 5.5 km away
  const ItemId unplaced = raise(std::nullopt, text);
  const ItemId near = raise(at(kLat + 0.0002, kLon), text);        // about 22 m away
  const ItemId near_other = raise(at(kLat, kLon), "Rác thải tồn đọng ngõ 30");  // fewer words, on the spot
  const auto plain = w.engine->similar_items(w.ward, text, 10);
  REQUIRE(plain.size() == 4);
  CHECK(plain[0].item == far);  // equal text scores: by id
  const auto v = similar_items_near(*w.engine, w.ward, text, at(kLat, kLon), 10);
  REQUIRE(v.size() == 4);
  CHECK(v[0].item == near);
  CHECK(v[0].score == Approx(plain[0].score));  // the text score is kept
  CHECK(v[3].item != near_other);               // the place lifts a less alike item above far ones...
  CHECK((v[1].item == near_other || v[2].item == near_other));
  CHECK(v[2].item != near);
  const auto top = similar_items_near(*w.engine, w.ward, text, at(kLat, kLon), 1);
  REQUIRE(top.size() == 1);
  CHECK(top[0].item == near);
  (void)unplaced;
  REQUIRE_ERROR(invalid_argument, similar_items_near(*w.engine, w.ward, text, at(std::nan(""), kLon), 10));
  REQUIRE_ERROR(invalid_argument, similar_items_near(*w.engine, w.ward, text, at(kLat, kLon), 0));
  REQUIRE_ERROR(not_found, similar_items_near(*w.engine, UnitId(999), text, at(kLat, kLon), 10));
}

// ---- items with their own place (ItemSpec::place, cmd::PlaceItem, event item_placed) ----

namespace {
std::optional<Place> place_of(World& w, ItemId i) {
  return w.engine->read([&](const State& s) { return item_place(s, i); });
}
std::vector<ItemId> near_ids(const Engine& e, double lat, double lon, double r, const PlaceFilter& f = {}) {
  std::vector<ItemId> out;
  for (const auto& x : items_near(e, lat, lon, r, f)) out.push_back(x.item);
  return out;
}
}  // namespace

TEST_CASE("R04 an item's own place overrides its opinion's, recorded as item_placed after opinion_submitted") {
  World w;
  cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Lấn chiếm vỉa hè"}, {"land", "Đất công bị lấn"}, {"environment", "Rác"}}};
  c.place = at(kLat, kLon, "Ngõ 30 Bồ Đề");
  c.items[1].place = at(kLat + 0.0123456789, kLon, "Bãi đất trống cạnh đê");
  c.items[2].place = at(kLat + 5 * kStep, kLon - kStep);
  // Without item places the command's JSON form is as before: no "place" in its items.
  cmd::SubmitOpinion plain = c;
  for (auto& it : plain.items) it.place.reset();
  const json pj = command_to_json(plain);
  for (const json& it : pj["items"]) CHECK(it.size() == 2);
  CHECK(command_to_json(command_from_json(pj)) == pj);
  // With them: in the items' JSON, and back.
  const json cj = command_to_json(c);
  CHECK(cj["items"][1]["place"] == json{{"lat", kLat + 0.0123456789}, {"long", kLon}, {"address", "Bãi đất trống cạnh đê"}});
  CHECK_FALSE(cj["items"][0].contains("place"));
  CHECK(command_to_json(command_from_json(cj)) == cj);

  const Result r = w.run(w.resident, c);
  REQUIRE(r.items.size() == 3);
  REQUIRE(r.last_seq == r.first_seq + 2);  // opinion_submitted, then one item_placed per placed item
  const auto evs = w.engine->events(r.first_seq, 3);
  // opinion_submitted keeps its form: the items carry no place, byte for byte as without them.
  const json oj = event_to_json(evs[0].event);
  for (const json& it : oj["items"]) CHECK_FALSE(it.contains("place"));
  const json pj1 = event_to_json(evs[1].event);
  CHECK(pj1 == json{{"item", r.items[1].value},
                    {"place", {{"lat", 21.0528457}, {"long", kLon}, {"address", "Bãi đất trống cạnh đê"}}},
                    {"on", "2022-09-20"}});
  CHECK(event_type(evs[1].event) == "item_placed");
  CHECK(event_to_json(event_from_json("item_placed", 1, pj1)) == pj1);
  CHECK(std::get<ev::ItemPlaced>(evs[2].event).item == r.items[2]);
  // The effective places: the item's own, else the opinion's.
  CHECK(place_of(w, r.items[0])->address == "Ngõ 30 Bồ Đề");
  CHECK(place_of(w, r.items[1])->lat == 21.0528457);  // rounded to 1e-7 degree
  CHECK(place_of(w, r.items[2])->lon == Approx(kLon - kStep).margin(1e-7));
  CHECK(near_ids(*w.engine, kLat, kLon, 50) == std::vector<ItemId>{r.items[0]});
  CHECK(near_ids(*w.engine, kLat + 5 * kStep, kLon - kStep, 50) == std::vector<ItemId>{r.items[2]});
  CHECK(items_in_box(*w.engine, 21.05, 105.8, 21.06, 105.9).at(0).item == r.items[1]);
  // An opinion without a place: only the placed item has one.
  cmd::SubmitOpinion d{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "a"}, {"urban_order", "b"}}};
  d.items[1].place = at(kLat, kLon + kStep);
  const Result r2 = w.run(w.resident, d);
  CHECK_FALSE(place_of(w, r2.items[0]));
  CHECK(place_of(w, r2.items[1])->lon == Approx(kLon + kStep).margin(1e-7));
  CHECK(w.engine->history(r2.items[1]).size() == 2);  // opinion_submitted, item_placed
  // A bad item place: invalid_argument naming the item, nothing recorded.
  const std::uint64_t before = w.engine->last_seq();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Place& p : {at(91, kLon), at(kLat, nan), at(kLat, -180.5), at(kLat, kLon, std::string("\xFF", 1)),
                         at(kLat, kLon, std::string(100000, 'x'))}) {
    cmd::SubmitOpinion bad = d;
    bad.items[1].place = p;
    try {
      w.run(w.resident, bad);
      FAIL("accepted a bad item place");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(std::string(e.what()).find("items[1].place") != std::string::npos);
    }
  }
  for (const json& p : {json{{"lat", "21"}, {"long", 105}}, json{{"lat", 21}}, json("here"), json{{"lat", 21}, {"long", 1e308}}}) {
    json jc = command_to_json(d);
    jc["items"][1]["place"] = p;
    INFO(p.dump());
    REQUIRE_ERROR(invalid_argument, w.engine->execute_json({{"actor", w.resident.value}, {"command", jc}}));
  }
  CHECK(w.engine->last_seq() == before);
  // A log whose opinion_submitted carries an item place (not what decide writes) is refused.
  json forged = event_to_json(evs[0].event);
  forged["items"][0]["place"] = {{"lat", 1}, {"long", 2}};
  State st = w.engine->state_as_of(Date(2022, 9, 20));
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(st, Recorded{st.last_seq() + 1, evs[0].at, evs[0].actor,
                                                                    event_from_json("opinion_submitted", 1, forged)}));
}

TEST_CASE("R04 place_item sets or corrects an item's place: who may, and never on merged or closed items") {
  World w;
  const ItemId i = placed_letter(w, w.resident, at(kLat, kLon, "Ngõ 30"));
  const ItemId j = placed_letter(w, w.resident2, std::nullopt);
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::PlaceItem{i, at(kLat, kLon + kStep)}));
  REQUIRE_ERROR(permission_denied, w.run(w.urban_officer, cmd::PlaceItem{i, at(kLat, kLon + kStep)}));  // not assigned yet
  REQUIRE_ERROR(permission_denied, w.run(w.front_chair, cmd::PlaceItem{i, at(kLat, kLon + kStep)}));
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::PlaceItem{ItemId(999), at(kLat, kLon)}));
  // The office moves it: the grid follows (found at the new place only).
  const Result r = w.run(w.office, cmd::PlaceItem{i, at(kLat + 0.03, kLon, "Ngõ 30, đầu phố")});
  REQUIRE(r.first_seq == r.last_seq);
  CHECK(place_of(w, i)->address == "Ngõ 30, đầu phố");
  CHECK(near_ids(*w.engine, kLat, kLon, 500).empty());
  CHECK(near_ids(*w.engine, kLat + 0.03, kLon, 10) == std::vector<ItemId>{i});
  // The same place again: nothing appended; a small correction in the same grid cell: recorded.
  const std::uint64_t seq = w.engine->last_seq();
  CHECK(w.run(w.office, cmd::PlaceItem{i, at(kLat + 0.03, kLon, "Ngõ 30, đầu phố")}).first_seq == 0);
  CHECK(w.engine->last_seq() == seq);
  w.run(w.gov_head, cmd::PlaceItem{i, at(kLat + 0.0301, kLon, "Ngõ 30, đầu phố")});
  CHECK(near_ids(*w.engine, kLat + 0.0301, kLon, 5) == std::vector<ItemId>{i});
  CHECK(items_in_box(*w.engine, 21, 105, 22, 106).size() == 1);  // once, not twice
  // An item without any place gets one; the agency it is assigned to may correct it.
  w.run(w.office, cmd::Assign{j, w.urban, std::nullopt});
  REQUIRE_ERROR(permission_denied, w.run(w.land_officer, cmd::PlaceItem{j, at(kLat, kLon)}));
  w.run(w.urban_officer, cmd::PlaceItem{j, at(kLat - kStep, kLon, "Chân cầu")});
  CHECK(place_of(w, j)->address == "Chân cầu");
  // Bad places and dates: invalid_argument, nothing recorded.
  const std::uint64_t mid = w.engine->last_seq();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Place& p : {at(91, kLon), at(nan, kLon), at(kLat, 181), at(kLat, kLon, std::string("\xC3\x28", 2)),
                         at(kLat, kLon, std::string(513, 'a'))})
    REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlaceItem{j, p}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlaceItem{j, at(kLat, kLon), Date(2022, 9, 1)}));  // before raised
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::PlaceItem{j, at(kLat, kLon), Date(2030, 1, 1)}));  // future
  CHECK(w.engine->last_seq() == mid);
  // JSON (the C ABI and the service go through it): the command and its errors.
  const json ok = {{"type", "place_item"}, {"item", j.value}, {"place", {{"lat", kLat}, {"long", kLon}}}};
  CHECK(command_to_json(command_from_json(ok)) == json{{"type", "place_item"}, {"item", j.value},
                                                       {"place", {{"lat", kLat}, {"long", kLon}, {"address", ""}}},
                                                       {"on", nullptr}});
  for (const json& p : {json{{"lat", 91}, {"long", 1}}, json{{"lat", "1"}, {"long", 1}}, json(nullptr), json{{"long", 1}}}) {
    json bad = ok;
    bad["place"] = p;
    INFO(p.dump());
    REQUIRE_ERROR(invalid_argument, w.engine->execute_json({{"actor", w.office.value}, {"command", bad}}));
  }
  CHECK(w.engine->last_seq() == mid);
  w.engine->execute_json({{"actor", w.office.value}, {"command", ok}});
  CHECK(place_of(w, j)->address.empty());
  // Merged: place the item it follows. Closed for good: its record stands.
  const ItemId dup = placed_letter(w, w.resident2, at(kLat, kLon));
  w.run(w.office, cmd::MergeDuplicate{dup, j});
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::PlaceItem{dup, at(kLat, kLon + kStep)}));
  w.reply_all(j, w.urban_officer, Date(2022, 9, 20));
  REQUIRE_ERROR(permission_denied, w.run(w.urban_officer, cmd::PlaceItem{j, at(kLat, kLon + kStep)}));  // replied
  w.run(w.office, cmd::PlaceItem{j, at(kLat, kLon + kStep)});  // a replied item may still be corrected
  w.run(w.front_chair, cmd::CloseItem{j});
  REQUIRE_ERROR(invalid_transition, w.run(w.office, cmd::PlaceItem{j, at(kLat, kLon)}));
}

TEST_CASE("R04 items near a past date show the place before a later place_item, as state_as_of does") {
  World w;
  const ItemId a = placed_letter(w, w.resident, at(kLat, kLon, "Cũ"));
  w.set_day(2022, 10, 5);
  w.run(w.office, cmd::PlaceItem{a, at(kLat + 0.02, kLon, "Mới")});
  w.set_day(2022, 10, 20);
  PlaceFilter f;
  f.as_of = Date(2022, 9, 30);
  const State old = w.engine->state_as_of(Date(2022, 9, 30));
  CHECK(item_place(old, a)->address == "Cũ");
  CHECK(near_ids(*w.engine, kLat, kLon, 100, f) == std::vector<ItemId>{a});
  CHECK(near_ids(*w.engine, kLat + 0.02, kLon, 100, f).empty());
  CHECK(placed_items_to_json(items_near(*w.engine, kLat, kLon, 100, f)) ==
        placed_items_to_json(items_near(old, kLat, kLon, 100, f)));
  CHECK(placed_items_to_json(items_in_box(*w.engine, 21, 105, 22, 106, f)) ==
        placed_items_to_json(items_in_box(old, 21, 105, 22, 106, f)));
  f.as_of = Date(2022, 10, 5);
  CHECK(near_ids(*w.engine, kLat, kLon, 100, f).empty());
  CHECK(near_ids(*w.engine, kLat + 0.02, kLon, 100, f) == std::vector<ItemId>{a});
  CHECK(item_place(w.engine->state_as_of(Date(2022, 10, 5)), a)->address == "Mới");
}

TEST_CASE("R18 grouping by distance and R07 ranking by place use an item's own place") {
  json pj = builtin_profile("hanoi-2200").source;
  pj["triggers"]["many_on_one_matter"]["min_items"] = 3;
  pj["triggers"]["many_on_one_matter"]["place_radius_m"] = 300;
  World w(load_profile(pj));
  // One opinion placed across the city, whose three items are each within 300 m of Bồ Đề.
  cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Lấn chiếm vỉa hè"}, {"urban_order", "Lấn chiếm lòng đường"}, {"urban_order", "Quán lấn vỉa hè"}}};
  c.place = at(kLat + 0.2, kLon);
  c.items[0].place = at(kLat, kLon);
  c.items[1].place = at(kLat + kStep, kLon);
  const Result r = w.run(w.resident, c);
  auto matter = [&] {
    std::vector<TriggerCandidate> out;
    for (auto& x : unscheduled_triggers(*w.engine, w.district, Date(2022, 9, 20)))
      if (x.reason == TriggerReason::many_on_one_matter && x.place) out.push_back(x);
    return out;
  };
  CHECK(matter().empty());  // the third is at the opinion's place, 22 km away
  w.run(w.office, cmd::PlaceItem{r.items[2], at(kLat + 2 * kStep, kLon)});
  const auto m = matter();
  REQUIRE(m.size() == 1);
  CHECK(m[0].items == r.items);
  // Duplicate suggestions: of two equal texts, the one whose own place is near comes first,
  // though its opinion's place is 22 km away.
  const char* text = "Rác thải tồn đọng đầu ngõ 30 phố Bồ Đề";
  cmd::SubmitOpinion dup{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                         {{"environment", text}, {"environment", text}}};
  dup.place = at(kLat + 0.2, kLon);
  dup.items[1].place = at(kLat, kLon);
  const Result rd = w.run(w.resident, dup);
  const auto plain = w.engine->similar_items(w.ward, text, 2);
  REQUIRE(plain.size() == 2);
  CHECK(plain[0].item == rd.items[0]);  // equal text scores: by id
  const auto v = similar_items_near(*w.engine, w.ward, text, at(kLat, kLon), 2);
  REQUIRE(v.size() == 2);
  CHECK(v[0].item == rd.items[1]);
  CHECK(v[1].item == rd.items[0]);
}

TEST_CASE("R13 Open311 shows an item's own place, and leaves out one naming a person's home") {
  World w;
  const PersonId home = PersonId(w.run(kSystemActor, cmd::RegisterPerson{"Phạm Văn Đông", "", "", "", "Số 7 ngõ 45 Bồ Đề"}).id);
  w.run(kSystemActor, cmd::GrantRole{home, Role::resident, w.ward});
  cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "Lấn chiếm vỉa hè"}, {"land", "Đất công bị lấn"}}};
  c.place = at(kLat, kLon, "Ngõ 30 Bồ Đề");
  c.items[1].place = at(kLat + kStep, kLon, "Bãi đất cạnh đê");
  const Result r = w.run(w.resident, c);
  for (ItemId i : r.items) {
    w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
    w.reply_all(i, w.urban_officer, Date(2022, 9, 20));
    w.run(w.office, cmd::PublishReply{i});
  }
  auto by_id = [](const json& a, ItemId i) {
    for (const json& x : a)
      if (x["service_request_id"] == std::to_string(i.value)) return x;
    return json();
  };
  json pub = export_open311(*w.engine, ExportOptions{});
  CHECK(schema_check::errors(schema_check::load("open311-requests.schema.json"), pub).empty());
  CHECK(by_id(pub, r.items[0])["address"] == "Ngõ 30 Bồ Đề");
  CHECK(by_id(pub, r.items[1])["lat"].get<double>() == Approx(kLat + kStep).margin(1e-7));
  CHECK(by_id(pub, r.items[1])["address"] == "Bãi đất cạnh đê");
  // Corrected to a registered person's home: out of the public view, kept in the internal one.
  w.run(w.office, cmd::PlaceItem{r.items[1], at(kLat + 2 * kStep, kLon, "Số 7 ngõ 45 Bồ Đề")});
  pub = export_open311(*w.engine, ExportOptions{});
  CHECK_FALSE(by_id(pub, r.items[1]).contains("lat"));
  CHECK(by_id(pub, r.items[1])["address"] == "Phường Bồ Đề");
  CHECK(pub.dump().find("Số 7 ngõ 45") == std::string::npos);
  CHECK(by_id(pub, r.items[0])["lat"] == kLat);  // the opinion's place, for the other item
  ExportOptions in;
  in.visibility = Visibility::internal;
  CHECK(by_id(export_open311(*w.engine, in), r.items[1])["address"] == "Số 7 ngõ 45 Bồ Đề");
}

TEST_CASE("R20 item places survive a snapshot and the binary log, at their own grid cells") {
  World w;
  cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "",
                       {{"urban_order", "a"}, {"urban_order", "b"}}};
  c.place = at(kLat, kLon);
  c.items[1].place = at(kLat + 0.05, kLon, "Xa");
  const Result r = w.run(w.resident, c);
  w.run(w.office, cmd::PlaceItem{r.items[0], at(kLat - 0.05, kLon, "Dời")});
  sx::TempDir dir;
  const std::string path = dir.file("itemplace.db");
  auto e = reopened_from_snapshot(w, path);
  for (double lat : {kLat, kLat + 0.05, kLat - 0.05})
    CHECK(placed_items_to_json(items_near(*e, lat, kLon, 100)) == placed_items_to_json(items_near(*w.engine, lat, kLon, 100)));
  CHECK(near_ids(*e, kLat, kLon, 100).empty());
  SqliteStore raw(path);
  CHECK(sx::image_of(*e) == sx::replay_image(raw));
}
