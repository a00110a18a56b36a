// Writes the generated seeds of fuzz/corpus/ (scripts/fuzz.sh --seeds): requests and commands
// that succeed on fuzz/world.h's directory, the binary replay rows and JSON Lines of the log
// they make, and snapshot images of its state. Usage: fuzz_make_seeds <corpus dir>.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "binary.h"
#include "doithoai/doithoai.h"
#include "snapshot.h"
#include "state_access.h"
#include "state_impl.h"
#include "world.h"

namespace fs = std::filesystem;
using namespace doithoai;
using nlohmann::json;

namespace {

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

// The requests after the world is built, in order; each one succeeds.
std::vector<json> requests(const fuzz::World& w) {
  const auto id = [](auto v) { return v.value; };
  const json item = id(w.item);
  return {
      {{"actor", id(w.officer)}, {"command", {{"type", "write_reply"}, {"item", item}, {"number", "12/UBND-ĐC"},
                                              {"date", "2022-09-30"}, {"signer", id(w.head)},
                                              {"text", "Trả lời: \"đã xong\"\n"}}}},
      {{"actor", id(w.office)}, {"idempotency_key", "k-1"},
       {"command", {{"type", "record_delivery"}, {"item", item}, {"recipient", "raiser"}, {"on", "2022-09-30"}}}},
      {{"actor", "system"}, {"command", {{"type", "register_person"}, {"name", "Lê Thị Cúc"}, {"code", "P2"},
                                         {"citizen_id", "001234567890"}, {"consent_public", true}}}},
      {{"actor", id(w.office)},
       {"command", {{"type", "submit_opinion"}, {"unit", id(w.ward)}, {"channel", "letter"},
                    {"raised_by", id(w.resident)}, {"raised_on", "2022-09-29"}, {"topic", "urban_order"},
                    {"items", {{{"topic", "urban_order"}, {"text", "Đèn đường hỏng"}}, {{"topic", "land"}, {"text", "Ngõ 5"}}}}}}},
      {{"actor", id(w.office)}, {"command", {{"type", "issue_conclusion_notice"}, {"conference", id(w.conf)},
                                             {"number", "45-TB/ĐU"}, {"issued_on", "2022-09-30"}, {"text", "Kết luận"}}}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  const fs::path corpus = argv[1];
  fuzz::World w;
  int n = 0;
  for (const json& r : requests(w)) {
    w.engine->execute_json(r);  // throws if a seed went stale
    ++n;
    write(corpus / "fuzz_request", "gen-" + std::to_string(n) + ".json", r.dump());
  }
  // Every command of the log as the command it came from is not kept; the events' commands
  // are not either. The commands seeds are the requests' commands plus one of each type
  // the world ran (their JSON forms).
  n = 0;
  for (const json& r : requests(w)) write(corpus / "fuzz_command", "gen-" + std::to_string(++n) + ".json", r["command"].dump());
  const std::vector<Command> more = {
      cmd::CreateUnit{"Phường Bồ Đề", "xa", UnitId(3), "BD"},
      cmd::CreateAgency{UnitId(3), "Bộ phận Địa chính"},
      cmd::GrantRole{PersonId(1), Role::agency_officer, UnitId(3), AgencyId(1), OrganizationId()},
      cmd::PlanConference{UnitId(3), ConferenceKind::periodic, "all_residents", Date(2022, 9, 30), Date(2022, 9, 20),
                          "131-KH/QU"},
      cmd::HoldConference{ConferenceId(1), Date(2022, 9, 30), {PersonId(2), PersonId(3)}, 180, "Báo cáo"},
      cmd::Assign{ItemId(1), AgencyId(1), Date(2022, 10, 30)},
  };
  for (const Command& c : more) write(corpus / "fuzz_command", "gen-" + std::to_string(++n) + ".json", command_to_json(c).dump());

  // The log: binary replay rows, one per event, and JSON Lines of a SQLite copy.
  n = 0;
  std::vector<Recorded> log;
  w.engine->store().read(1, [&](const Recorded& r, std::string_view) {
    log.push_back(r);
    return true;
  });
  for (const Recorded& r : log) {
    std::string bin;
    detail::encode_event(r.event, bin);
    write(corpus / "fuzz_replay_row", "gen-" + std::to_string(++n) + "-" + std::string(event_type(r.event)) + ".bin", bin);
  }
  {
    SqliteStore store(":memory:");  // what fuzz_jsonl imports into
    for (const Recorded& r : log) store.append(Batch{UnitId(), "", "", {r}});
    std::ostringstream out;
    export_jsonl(store, out);
    const std::string all = out.str();
    write(corpus / "fuzz_jsonl", "gen-all.jsonl", all);
    std::size_t cut = 0;
    for (int i = 0; i < 3; ++i) cut = all.find('\n', cut) + 1;
    write(corpus / "fuzz_jsonl", "gen-3.jsonl", all.substr(0, cut));
  }
  // Snapshot images: the world's state with and without idempotency keys.
  w.engine->read([&](const State& s) {
    std::string image;
    detail::write_snapshot(detail::StateAccess::impl(s), {}, image);
    write(corpus / "fuzz_snapshot", "gen-state.bin", image);
    std::unordered_map<std::string, Result> idem;
    idem["k-1"] = Result{};
    image.clear();
    detail::write_snapshot(detail::StateAccess::impl(s), idem, image);
    write(corpus / "fuzz_snapshot", "gen-state-idem.bin", image);
    detail::StateImpl empty;
    image.clear();
    detail::write_snapshot(empty, {}, image);
    write(corpus / "fuzz_snapshot", "gen-empty.bin", image);
    return 0;
  });
  std::printf("seeds written to %s\n", corpus.c_str());
  return 0;
}
