// Golden logs (issue 16): tests/golden/ keeps logs written by an earlier release, as SQLite
// files and as JSON Lines, with the state each produces (README.md there). Every later build
// must open and replay them to the same state: an event type, field or rule of apply that
// changed meaning would rewrite history on replay, and this test is where that shows.
#include "golden_state.h"
#include "store_support.h"

#include <fstream>
#include <map>
#include <sstream>

using namespace sx;
using nlohmann::json;

namespace {

const std::string kGolden = std::string(DOITHOAI_SOURCE_DIR) + "/tests/golden/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The state must hold every field the golden state holds, with its value (a later release
// may add fields to the JSON forms, never change or drop one); the golden state itself is
// pinned by its digest in MANIFEST.json.
void check_state(const Engine& e, const std::string& name, const json& manifest) {
  const json golden_state = json::parse(slurp(kGolden + name + ".state.json"));
  REQUIRE(golden::sha256_hex(golden_state.dump()) == manifest["state_sha256"].get<std::string>());
  const json current = e.read([](const State& s) { return golden::state_json(s); });
  const json seen = golden::project(golden_state, current);
  if (seen != golden_state) {
    const std::string out = name + ".state.actual.json";
    std::ofstream(out) << current.dump(1) << "\n";
    FAIL("the state replayed from golden log '" << name << "' differs from " << name
                                                << ".state.json; the replayed state is in " << out);
  }
  REQUIRE(golden::sha256_hex(seen.dump()) == manifest["state_sha256"].get<std::string>());
}

}  // namespace

TEST_CASE("golden logs: the SQLite files and JSON Lines of tests/golden replay to their recorded states") {
  const json manifest = json::parse(slurp(kGolden + "MANIFEST.json"));
  REQUIRE(manifest.contains("bode"));
  REQUIRE(manifest.contains("random"));
  REQUIRE(manifest.contains("outcomes"));
  for (auto it = manifest.begin(); it != manifest.end(); ++it) {
    const std::string name = it.key();
    const json& m = it.value();
    INFO("golden log: " << name);
    const Profile profile = builtin_profile(m["profile"].get<std::string>());
    const std::uint64_t events = m["events"].get<std::uint64_t>();
    TempDir dir;
    {  // the SQLite file, opened from a copy (opening may write a WAL or migrate the schema)
      const std::string copy = dir.file(name + ".db");
      fs::copy_file(kGolden + name + ".db", copy);
      {
        SqliteStore store(copy);
        REQUIRE(store.verify().ok);
        REQUIRE(store.last_seq() == events);
        REQUIRE(to_hex(store.head_hash()) == m["head_hash"].get<std::string>());
      }
      auto e = open_engine(profile, copy, options(sx::clock()));
      REQUIRE(e->last_seq() == events);
      check_state(*e, name, m);
    }
    {  // the JSON Lines, imported into a fresh store
      std::ifstream in(kGolden + name + ".jsonl", std::ios::binary);
      REQUIRE(in.good());
      SqliteStore to(dir.file(name + "-imported.db"));
      REQUIRE(import_jsonl(in, to) == events);
      REQUIRE(to_hex(to.head_hash()) == m["head_hash"].get<std::string>());
    }
    auto e = open_engine(profile, dir.file(name + "-imported.db"), options(sx::clock()));
    check_state(*e, name, m);
    // The state rebuilt serially through State::apply is the same projection.
    std::ifstream again(kGolden + name + ".jsonl", std::ios::binary);
    State s;
    std::string line;
    while (std::getline(again, line)) detail::StateAccess::apply(s, recorded_from_json(json::parse(line)));
    REQUIRE(s.last_seq() == events);
    REQUIRE(image_of(s) == image_of(*e));
  }
}

TEST_CASE("golden logs: a changed golden event is noticed (the test can fail)") {
  // The golden bode log with one event's payload changed and the chain recomputed: it
  // imports (or is refused as impossible), but never replays to the recorded state.
  const json manifest = json::parse(slurp(kGolden + "MANIFEST.json"));
  std::ifstream in(kGolden + "bode.jsonl", std::ios::binary);
  std::vector<Recorded> events;
  std::string line;
  while (std::getline(in, line)) events.push_back(recorded_from_json(json::parse(line)));
  bool changed = false;
  for (Recorded& r : events)
    if (auto* a = std::get_if<ev::ItemAssigned>(&r.event)) {
      a->deadline = a->deadline + boost::gregorian::days(1);
      changed = true;
      break;
    }
  REQUIRE(changed);
  State s;
  for (const Recorded& r : events) detail::StateAccess::apply(s, r);
  const json current = golden::state_json(s);
  const json golden_state = json::parse(slurp(kGolden + "bode.state.json"));
  REQUIRE(golden::project(golden_state, current) != golden_state);
}

TEST_CASE("golden logs: the outcomes log carries every recorded outcome, and the older logs none") {
  // bode and random were written before outcomes were recorded (their events are applied by
  // the frozen computation, src/apply/v1.cpp); outcomes after (applied from the record). Both
  // must keep replaying: the test above replays them, this one makes sure they are what
  // they claim to be.
  auto count = [](const std::string& name) {
    std::ifstream in(kGolden + name + ".jsonl", std::ios::binary);
    REQUIRE(in.good());
    std::map<std::string, std::pair<int, int>> seen;  // type -> (events, with the outcome)
    std::string line;
    while (std::getline(in, line)) {
      const Recorded r = recorded_from_json(json::parse(line));
      std::visit(
          [&](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            auto note = [&](bool has) {
              auto& c = seen[std::string(event_type(r.event))];
              ++c.first;
              c.second += has ? 1 : 0;
            };
            if constexpr (std::is_same_v<E, ev::ConferenceHeld>) note(e.deadline_items.has_value());
            else if constexpr (std::is_same_v<E, ev::UnitMerged>) note(e.moved_items.has_value());
            else if constexpr (std::is_same_v<E, ev::IntakeDecided> || std::is_same_v<E, ev::ItemReopened>) note(e.status.has_value());
          },
          r.event);
    }
    return seen;
  };
  const auto outcomes = count("outcomes");
  for (const char* type : {"conference_held", "unit_merged", "intake_decided", "item_reopened"}) {
    INFO(type);
    REQUIRE(outcomes.count(type));
    CHECK(outcomes.at(type).first > 0);
    CHECK(outcomes.at(type).second == outcomes.at(type).first);
  }
  CHECK(outcomes.at("conference_held").first == 1);
  for (const char* old : {"bode", "random"})
    for (const auto& [type, c] : count(old)) {
      INFO(old << ": " << type);
      CHECK(c.second == 0);
    }
}
