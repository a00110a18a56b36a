// Requests as JSON (Engine::execute_json: {"actor", "idempotency_key"?, "command"}), executed
// against a small directory: a ward with an office, a resident and a held conference with one
// assigned item (fuzz/world.h). The world is built once per process; every input that parses
// as JSON gets its own engine opened on a fresh in-memory copy of the world's log (a replay of
// its ~20 commands' events), so no input sees what an earlier one did and each run is
// reproducible. At start-up that engine is checked to answer as the one the commands built.
// Text that is not JSON is refused by parse_json before any engine is involved, so it gets
// none (docs/design-notes.md: what made this harness ~25x faster under ASan).
// A request that succeeds must replay under the same key to the same result.
#include <string>
#include <vector>

#include "doithoai/doithoai.h"
#include "fuzz_common.h"
#include "world.h"

using fuzz::World;
using namespace doithoai;

namespace {

// The world's log as one batch (the world uses no idempotency keys), and what opening needs.
struct Template {
  std::shared_ptr<ManualClock> clock;
  Batch log;
  Template() {
    World w;
    clock = w.clock;
    w.engine->store().read(1, [&](const Recorded& r, std::string_view key) {
      FUZZ_CHECK(key.empty());
      log.events.push_back(r);
      return true;
    });
    FUZZ_CHECK(!log.events.empty() && log.events.back().seq == w.engine->last_seq());
    // An engine opened on the log answers exactly as the engine whose commands wrote it.
    // (Their snapshot images differ: the world's log and state share one text pool.)
    FUZZ_CHECK(describe(*w.engine, w) == describe(*open(), w));
  }
  // What a state says about the world: every unit, agency, person and role, the conference,
  // its opinions and items (the items export, with visibility internal).
  static nlohmann::json describe(const Engine& e, const World& w) {
    return e.read([&](const State& s) {
      nlohmann::json j;
      j["last_seq"] = s.last_seq();
      for (const UnitId u : s.units()) {
        j["units"].push_back(s.unit(u));
        for (const AgencyId a : s.agencies(u)) j["agencies"].push_back(s.agency(a));
      }
      for (const PersonId p : {w.office, w.head, w.party, w.front, w.officer, w.resident}) {
        j["persons"].push_back(s.person(p));
        for (const RoleGrant& g : s.roles_of(p)) j["roles"].push_back(g);
      }
      j["conference"] = s.conference(w.conf);
      j["opinion"] = s.opinion(s.item(w.item).opinion);
      j["counts"] = {s.opinion_count(), s.item_count()};
      ExportOptions o;
      o.visibility = Visibility::internal;
      j["items"] = export_items_json(s, e.profile(), o);
      return j;
    });
  }
  std::unique_ptr<Engine> open() const {
    static const Profile profile = builtin_profile("hanoi-2200");
    auto store = std::make_unique<MemoryStore>();
    store->append(log);
    EngineOptions o;
    o.clock = clock;  // never advanced: every input runs at the world's instant
    return std::make_unique<Engine>(profile, std::move(store), std::move(o));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Template world;
  nlohmann::json request;
  // Text that is not JSON never reaches an engine: no engine is opened for it.
  if (!fuzz::accepts([&] { request = parse_json(fuzz::bytes(data, size)); })) return 0;
  const std::unique_ptr<Engine> engine = world.open();
  fuzz::accepts([&] {
    const nlohmann::json result = engine->execute_json(request);
    if (request.is_object()) {  // the same request again under a key it did not use: a replay
      request["idempotency_key"] = "fuzz-replay-key";
      const nlohmann::json first = engine->execute_json(request);
      const nlohmann::json second = engine->execute_json(request);
      FUZZ_CHECK(second.at("replayed") == true);
      FUZZ_CHECK(second.at("first_seq") == first.at("first_seq"));
      FUZZ_CHECK(second.at("id") == first.at("id"));
    }
    (void)result;
  });
  return 0;
}
