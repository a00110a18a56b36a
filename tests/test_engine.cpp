// The engine shell: bad input, JSON, idempotency, subscriptions, threads, calendars.
#include <algorithm>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "doithoai/json.h"
#include "fixture.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

TEST_CASE("bad input gets a stable code and changes nothing") {
  World w;
  const ItemId i = w.letter(w.resident);
  const std::uint64_t seq = w.engine->last_seq();
  const std::string big(kMaxTextBytes + 1, 'a');
  const std::string bad_utf8 = "Ph\xC6\xB0\xE1\xBB";  // truncated sequence
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"land", big}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"land", bad_utf8}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"land", "   "}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"land", std::string("a\0b", 3)}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(1899, 12, 31), "", {{"land", "x"}}}));
  REQUIRE_ERROR(invalid_argument, w.run(w.office, cmd::Assign{i, w.urban, Date(1899, 1, 1)}));
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::Assign{ItemId(0), w.urban, std::nullopt}));
  REQUIRE_ERROR(not_found, w.run(w.office, cmd::HoldConference{ConferenceId(42), Date(), {w.party_head}}));
  REQUIRE_ERROR(invalid_argument, w.engine->execute(w.office, cmd::Assign{i, w.urban, std::nullopt}, std::string(600, 'k')));
  REQUIRE_ERROR(not_found, w.engine->item(ItemId(777)));
  REQUIRE_ERROR(invalid_argument, w.engine->accounting(w.ward, Date(2300, 1, 1)));
  CHECK(w.engine->last_seq() == seq);
  CHECK(w.engine->item(i).status == ItemStatus::open);
  // Text at exactly the limit, in Vietnamese both precomposed and decomposed, is accepted.
  std::string max_text;
  while (max_text.size() + 3 <= kMaxTextBytes) max_text += "ệ";
  CHECK(w.run(w.resident, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, w.resident, OrganizationId(), Date(), "", {{"land", max_text}, {"land", "Phu\xCC\x9B\xCC\x80o\xCC\x9B\xCC\x80ng"}}}).items.size() == 2);
}

TEST_CASE("malformed JSON and unknown fields are refused with invalid_argument") {
  World w;
  REQUIRE_ERROR(invalid_argument, parse_json("{\"type\": \"assign\", "));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"assign","item":1,"agencyy":2})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"teleport"})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"item":1})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"assign","item":"one"})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"assign","item":1,"deadline":"2022-02-30"})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"record_delivery","item":1,"recipient":"mayor"})")));
  REQUIRE_ERROR(invalid_argument, command_from_json(json::parse(R"({"type":"assign","item":-4})")));
  REQUIRE_ERROR(invalid_argument, w.engine->execute_json(json::parse(R"({"actor":"nobody","command":{"type":"close_item","item":1}})")));
  REQUIRE_ERROR(invalid_argument, w.engine->execute_json(json::parse(R"({"actor":1})")));
  REQUIRE_ERROR(invalid_argument, recorded_from_json(json::parse(R"({"seq":1,"at":"2022-01-01T00:00:00","actor":1,"type":"item_closed","v":1,"data":{}})")));
  REQUIRE_ERROR(invalid_argument, recorded_from_json(json::parse(R"({"seq":1,"at":"2022-01-01T00:00:00Z","actor":1,"type":"item_closed","v":9,"data":{}})")));
  REQUIRE_ERROR(invalid_argument, load_profile(json::parse(R"({"name":"x"})")));
  auto p = profile_to_json(builtin_profile("hanoi-2200"));
  p["deadlines"]["reply"]["day_type"] = "lunar";
  REQUIRE_ERROR(invalid_argument, load_profile(p));
  p = profile_to_json(builtin_profile("hanoi-2200"));
  p["deadlines"]["reply"]["days"] = -3;
  REQUIRE_ERROR(invalid_argument, load_profile(p));
  p = profile_to_json(builtin_profile("hanoi-2200"));
  p["reply_recipients"] = {"raiser", "raiser"};
  REQUIRE_ERROR(invalid_argument, load_profile(p));
  p = profile_to_json(builtin_profile("hanoi-2200"));
  p["calendar_arrangements"] = {{"format", "nope"}};
  REQUIRE_ERROR(invalid_argument, load_profile(p));
  REQUIRE_ERROR(not_found, builtin_profile("atlantis"));
}

namespace {
// A value nested `depth` arrays deep, built without recursion.
json nested(std::size_t depth) {
  json j = json::array();
  for (std::size_t i = 1; i < depth; ++i) {
    json outer = json::array();
    outer.push_back(std::move(j));
    j = std::move(outer);
  }
  return j;
}
bool mentions(const Error& e, const char* what) { return std::string(e.what()).find(what) != std::string::npos; }
}  // namespace

TEST_CASE("JSON nested deeper than kMaxJsonDepth is refused wherever it enters, and changes nothing") {
  World w;
  const ItemId i = w.letter(w.resident);
  const std::uint64_t seq = w.engine->last_seq();
  // Text: refused before it is parsed; at the limit it parses.
  const std::size_t deep = 30000;
  REQUIRE_ERROR(invalid_argument, parse_json(std::string(deep, '[') + std::string(deep, ']')));
  REQUIRE_ERROR(invalid_argument, parse_json("{\"a\":" + std::string(deep, '{')));
  CHECK(parse_json(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')).is_array());
  REQUIRE_ERROR(invalid_argument, parse_json(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']')));
  // Brackets inside strings do not count.
  CHECK(parse_json("[\"" + std::string(deep, '[') + "\\\"{\"]").size() == 1);
  // Values already built: the same limit, checked without recursion.
  CHECK_NOTHROW(check_json_depth(nested(kMaxJsonDepth)));
  REQUIRE_ERROR(invalid_argument, check_json_depth(nested(kMaxJsonDepth + 1)));
  auto refused = [&](auto&& f) {
    try {
      f();
      FAIL("accepted JSON nested 30,000 deep");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(mentions(e, "deeper than"));
    }
  };
  // Deep values are moved into place, never copied: nlohmann's copy constructor recurses,
  // and 30,000 levels of it overflow the stack under AddressSanitizer (scripts/sanitize.sh).
  // The library itself only reads them through const references, iteratively.
  json cmd = {{"type", "assign"}, {"item", i.value}, {"agency", w.urban.value}};
  cmd["deadline"] = nested(deep);
  refused([&] { command_from_json(cmd); });
  json request = {{"actor", w.office.value}};
  request["command"] = std::move(cmd);
  refused([&] { w.engine->execute_json(request); });
  json ev = recorded_to_json(w.engine->events(1, 1).at(0));
  ev["data"]["extra"] = nested(deep);
  refused([&] { recorded_from_json(ev); });
  json p = profile_to_json(builtin_profile("hanoi-2200"));
  p["title"] = nested(deep);
  refused([&] { load_profile(p); });
  CHECK(w.engine->last_seq() == seq);
  CHECK(w.engine->item(i).status == ItemStatus::open);
}

TEST_CASE("execute_json takes an actor as any JSON integer in range, signed or unsigned") {
  World w;
  const ItemId i = w.letter(w.resident);
  const std::uint64_t seq = w.engine->last_seq();
  const json assign = command_to_json(Command(cmd::Assign{i, w.urban, std::nullopt}));
  // Refused, naming the field: negative, too large (the system actor's number included), a float, a bool.
  for (const json& a : {json(std::int64_t{-1}), json(std::uint64_t{4294967297ULL}), json(std::int64_t{4294967297LL}),
                        json(std::uint64_t{kSystemActor.value}), json(static_cast<double>(w.office.value)), json(true)}) {
    try {
      w.engine->execute_json({{"actor", a}, {"command", assign}});
      FAIL("accepted actor " << a.dump());
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(mentions(e, "actor"));
    }
  }
  CHECK(w.engine->last_seq() == seq);
  // A signed number (what Python ints and most JSON builders give) is accepted.
  const json r = w.engine->execute_json({{"actor", std::int64_t{w.office.value}}, {"command", assign}});
  CHECK(r["last_seq"] == seq + 1);
  CHECK(w.engine->item(i).status == ItemStatus::assigned);
}

TEST_CASE("numbers out of range are refused in JSON fields, never wrapped") {
  World w;
  const std::uint64_t seq = w.engine->last_seq();
  for (const json& v : {json(std::uint64_t{4294967297ULL}), json(std::int64_t{-1}), json(std::uint64_t{18446744073709551615ULL}),
                        json(1.0), json(true)}) {
    INFO(v.dump());
    REQUIRE_ERROR(invalid_argument, command_from_json({{"type", "assign"}, {"item", v}, {"agency", 1}}));
    REQUIRE_ERROR(invalid_argument, command_from_json({{"type", "record_voter_request"}, {"unit", 1}, {"requesters", v},
                                                        {"voters", 10}, {"on", "2022-01-01"}, {"reference", "x"}}));
  }
  // A signed field given an unsigned number that would wrap to a value in range.
  json ev = recorded_to_json(w.engine->events(1, 1).at(0));
  ev["v"] = std::uint64_t{18446744073709551615ULL};  // -1 as int64
  REQUIRE_ERROR(invalid_argument, recorded_from_json(ev));
  CHECK(w.engine->last_seq() == seq);
}

TEST_CASE("error messages are valid UTF-8: the outside bytes they quote are escaped") {
  const Error e(ErrorCode::invalid_argument, "bad \xff\xC6 byte, kept: Phường");
  CHECK(std::string(e.what()) == "bad \\xFF\\xC6 byte, kept: Phường");
  try {
    command_from_json({{"type", "assign\xff"}});
    FAIL("accepted an unknown command type");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::invalid_argument);
    CHECK(mentions(x, "assign\\xFF"));
    CHECK(std::string(x.what()).find('\xff') == std::string::npos);
  }
  try {
    parse_json("[\"\xff\"]");
    FAIL("accepted invalid UTF-8");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::invalid_argument);
    CHECK(std::string(x.what()).find('\xff') == std::string::npos);
  }
}

TEST_CASE("a profile loads only when every field it holds is known and valid") {
  const json good = profile_to_json(builtin_profile("hanoi-2200"));
  CHECK_NOTHROW(load_profile(good));
  for (const auto& name : builtin_profile_names()) CHECK_NOTHROW(load_profile(profile_to_json(builtin_profile(name))));
  auto refused = [&](const char* what, auto&& edit, const char* path) {
    json p = good;
    edit(p);
    try {
      load_profile(p);
      FAIL("loaded a profile with " << what);
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(mentions(e, path));
    }
  };
  refused("an unknown field", [](json& p) { p["deadline"] = 3; }, "$.deadline");
  refused("compliance: 5", [](json& p) { p["compliance"] = 5; }, "$.compliance");
  refused("triggers: \"x\"", [](json& p) { p["triggers"] = "x"; }, "$.triggers");
  refused("an unknown compliance rule", [](json& p) { p["compliance"]["yearly"] = json::object(); }, "$.compliance.yearly");
  refused("an unknown field in a rule", [](json& p) { p["compliance"]["voter_request"]["percent"] = 10; },
          "$.compliance.voter_request.percent");
  refused("a bad trigger number", [](json& p) { p["triggers"]["overdue"]["min_items"] = "one"; }, "$.triggers.overdue.min_items");
  refused("an unknown trigger field", [](json& p) { p["triggers"]["reopened"]["days"] = 1; }, "$.triggers.reopened.days");
  refused("a NUL in the name", [](json& p) { p["name"] = std::string("ha\0noi", 6); }, "$.name");
  refused("a control character in a label", [](json& p) { p["topics"][0]["label"] = "a\nb"; }, "$.topics[0].label");
  refused("an unknown label field", [](json& p) { p["topics"][0]["colour"] = "red"; }, "$.topics[0].colour");
  refused("levels: []", [](json& p) { p["levels"] = json::array(); }, "$.levels");
  refused("a repeated level", [](json& p) { p["levels"].push_back(p["levels"][0]); }, "$.levels");
  refused("a repeated supervisor", [](json& p) { p["supervisors"] = {"front", "front"}; }, "$.supervisors[1]");
  refused("a zone offset that wraps", [](json& p) { p["zone_offset_minutes"] = std::uint64_t{18446744073709551615ULL}; },
          "$.zone_offset_minutes");
  refused("days that wrap", [](json& p) { p["deadlines"]["reply"]["days"] = std::uint64_t{18446744073709551586ULL}; },
          "$.deadlines.reply.days");
}

TEST_CASE("every command and event round-trips through JSON") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId i = w.raise(c, w.resident);
  w.run(w.office, cmd::Assign{i, w.land, Date(2022, 10, 25)});
  w.run(w.office, cmd::Extend{i, Date(2022, 11, 30), "1/TB", Date(2022, 9, 30), w.land, "Phức tạp"});
  w.run(w.office, cmd::IssueConclusionNotice{c, "25-TB/ĐU", Date(), "Kết luận"});
  for (const auto& r : w.engine->events(1, 100000)) {
    const json j = recorded_to_json(r);
    const Recorded back = recorded_from_json(json::parse(j.dump()));
    CHECK(recorded_to_json(back) == j);
  }
  const std::vector<Command> commands = {
      cmd::CreateUnit{"Phường Mới", "xa", w.district, "PM", Date(2022, 1, 1), true},
      cmd::SubmitOpinion{w.ward, c, Channel::at_conference, w.resident, OrganizationId(), Date(2022, 9, 30), "land", {{"land", "a"}, {"traffic", "b"}}},
      cmd::Assign{i, w.land, std::nullopt},
      cmd::HoldConference{c, Date(2022, 9, 30), {w.party_head, w.gov_head}, 12, "r"},
      cmd::DecideIntake{i, Outcome::redirected_denunciation, "r", "t", true, Date(2022, 9, 1), Date(2022, 9, 2)},
      cmd::GrantRole{w.resident, Role::organization_rep, w.ward, AgencyId(), w.women},
      cmd::Reopen{i, "lý do", Date(2022, 12, 1), Date()},
  };
  for (const auto& c0 : commands) {
    const json j = command_to_json(c0);
    CHECK(command_to_json(command_from_json(json::parse(j.dump()))) == j);
  }
  // The JSON request surface runs the same path as execute().
  const json res = w.engine->execute_json({{"actor", w.office.value}, {"command", {{"type", "assign"}, {"item", i.value + 0}, {"agency", w.land.value}}}});
  CHECK(res["first_seq"].get<std::uint64_t>() == w.engine->last_seq());
  CHECK(json(w.engine->item(i))["status"] == "assigned");
}

TEST_CASE("a retried command with the same idempotency key returns the first result and appends nothing") {
  World w;
  const cmd::SubmitOpinion c{w.ward, ConferenceId(), Channel::online_portal, w.resident, OrganizationId(), Date(), "", {{"land", "Cổng dịch vụ công gửi lại"}}};
  const Result first = w.engine->execute(w.resident, c, "portal-req-1");
  const std::uint64_t seq = w.engine->last_seq();
  const Result again = w.engine->execute(w.resident, c, "portal-req-1");
  CHECK(again.replayed);
  CHECK(again.id == first.id);
  CHECK(again.items == first.items);
  CHECK(again.first_seq == first.first_seq);
  CHECK(w.engine->last_seq() == seq);
  CHECK(w.engine->execute(w.resident, c, "portal-req-2").id != first.id);
  // A failed command does not consume its key.
  REQUIRE_ERROR(permission_denied, w.engine->execute(w.resident2, cmd::Assign{first.items[0], w.land, std::nullopt}, "k3"));
  CHECK_FALSE(w.engine->execute(w.office, cmd::Assign{first.items[0], w.land, std::nullopt}, "k3").replayed);
}

TEST_CASE("subscribers see every commit in order; a throwing subscriber changes nothing", "[threads]") {
  World w;
  std::vector<std::uint64_t> seen;
  std::vector<std::string> types;
  Subscription s1 = w.engine->subscribe([&](const Recorded& r) {
    seen.push_back(r.seq);
    types.emplace_back(event_type(r.event));
  });
  Subscription s2 = w.engine->subscribe([&](const Recorded&) { throw std::runtime_error("portal mailer down"); });
  const ItemId i = w.letter(w.resident);
  w.run(w.office, cmd::Assign{i, w.urban, std::nullopt});
  w.engine->flush_subscribers();  // delivery is asynchronous
  REQUIRE(seen.size() == 2);
  CHECK(seen[1] == seen[0] + 1);
  CHECK(types == std::vector<std::string>{"opinion_submitted", "item_assigned"});
  CHECK(w.engine->callback_errors() == 2);
  CHECK(w.engine->item(i).status == ItemStatus::assigned);
  s1.reset();
  w.letter(w.resident);
  w.engine->flush_subscribers();
  CHECK(seen.size() == 2);
  // A subscriber may query the engine.
  std::string status;
  Subscription s3 = w.engine->subscribe([&](const Recorded& r) {
    if (auto* a = std::get_if<ev::ItemAssigned>(&r.event)) status = std::string(to_string(w.engine->item(a->item).status));
  });
  w.run(w.office, cmd::Assign{w.letter(w.resident), w.urban, std::nullopt});
  w.engine->flush_subscribers();
  CHECK(status == "assigned");
}

TEST_CASE("one engine serves concurrent queries and serialized commands from many threads", "[threads]") {
  World w;
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        const Accounting a = w.engine->accounting(w.ward, Date(2022, 9, 20));
        if (a.resolved + a.outstanding != a.items) std::abort();
        ++reads;
      }
    });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      // Start once the readers run, so that queries overlap the commands even when a loaded
      // machine schedules the readers late.
      while (reads < 3) std::this_thread::yield();
      for (int k = 0; k < 250; ++k) {
        const ItemId i = w.letter(t % 2 ? w.resident : w.resident2);
        w.run(w.office, cmd::Assign{i, k % 2 ? w.land : w.urban, std::nullopt});
      }
    });
  for (auto& th : writers) th.join();
  stop = true;
  for (auto& th : readers) th.join();
  CHECK(reads >= 3);
  const Accounting a = w.engine->accounting(w.ward, Date(2022, 9, 20));
  CHECK(a.items == 1000);
  CHECK(w.engine->items({w.ward, ItemStatus::assigned}).size() == 1000);
  const auto all = w.engine->events(1, 1000000);
  for (std::size_t k = 0; k < all.size(); ++k) REQUIRE(all[k].seq == k + 1);
}

TEST_CASE("an item assigned just before Tết gets the later deadline an official would give it") {
  // 10 working days on the Vietnamese calendar, as the profile says.
  auto j = profile_to_json(builtin_profile("national-default"));
  CHECK(j["calendar"] == "vietnam");  // the built-in profiles count on the Vietnamese calendar
  j["deadlines"]["reply"] = {{"days", 10}, {"day_type", "working"}, {"end_rule", "next_working_day"}, {"citation", "test"}};
  World w(load_profile(j));
  w.set_day(2024, 2, 5);  // Monday before Tết Giáp Thìn (holiday 8–14/2/2024)
  const ItemId i = w.letter(w.resident);
  // Working days after 5/2: 6, 7, (8–14 off), 15, 16, 19, 20, 21, 22, 23, 26 -> 26/2.
  CHECK(w.engine->item(i).deadline == Date(2024, 2, 26));
  // The `weekend` calendar, still available by name, counts Tết as working days.
  auto p2 = profile_to_json(builtin_profile("national-default"));
  p2["calendar"] = "weekend";
  p2["deadlines"]["reply"] = j["deadlines"]["reply"];
  World weekend(load_profile(p2));
  weekend.set_day(2024, 2, 5);
  CHECK(weekend.engine->item(weekend.letter(weekend.resident)).deadline == Date(2024, 2, 19));
  // Calendar days ending inside Tết roll to the first working day after it (art. 148).
  j["deadlines"]["reply"] = {{"days", 5}, {"day_type", "calendar"}, {"end_rule", "next_working_day"}, {"citation", "test"}};
  World w2(load_profile(j));
  w2.set_day(2024, 2, 5);
  CHECK(w2.engine->item(w2.letter(w2.resident)).deadline == Date(2024, 2, 15));
}

TEST_CASE("R01 the vn-2025 profile encodes the two-tier local government; the old profiles stay for history") {
  const auto names = builtin_profile_names();
  for (const char* n : {"hanoi-2200", "national-default", "vn-2025"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  const Profile p = builtin_profile("vn-2025");
  CHECK(p.levels == std::vector<std::string>{"tinh", "xa"});
  CHECK(p.calendar == "vietnam");
  CHECK(p.public_notice_levels == std::vector<std::string>{"xa"});
  CHECK(p.deadlines.public_notice.days == 7);
  CHECK(p.deadlines.publication.days == 10);
  CHECK(p.deadlines.public_notice.citation.find("72/2025/QH15") != std::string::npos);
  // Numbers the law does not give are marked as the library's own defaults.
  CHECK(p.deadlines.conclusion_notice.citation.find("Mặc định của thư viện") != std::string::npos);
  CHECK(p.deadlines.reply.citation.find("Mặc định của thư viện") != std::string::npos);
  REQUIRE(p.commune_dialogue);
  CHECK(p.commune_dialogue->formats.size() == 3);
  CHECK(p.commune_dialogue_for("xa") != nullptr);
  CHECK(p.commune_dialogue_for("tinh") == nullptr);
  CHECK(builtin_profile("hanoi-2200").levels.size() == 3);
  CHECK_FALSE(builtin_profile("hanoi-2200").commune_dialogue);
}
