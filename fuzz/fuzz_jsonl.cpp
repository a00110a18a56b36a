// JSON Lines imports (import_jsonl, the log moved between stores): any text is imported into
// an empty SQLite store (in memory). What an import accepts must verify, export to the same
// lines' events, and open in an engine.
#include <sstream>

#include "doithoai/doithoai.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  std::istringstream in{std::string(fuzz::bytes(data, size))};
  SqliteOptions so;
  so.sync = SqliteOptions::Sync::normal;
  auto store = std::make_unique<SqliteStore>(":memory:", so);
  std::uint64_t n = 0;
  if (!fuzz::accepts([&] { n = import_jsonl(in, *store); })) {
    FUZZ_CHECK(store->last_seq() == 0);  // all or nothing
    return 0;
  }
  FUZZ_CHECK(store->last_seq() == n);
  FUZZ_CHECK(store->verify().ok);
  std::ostringstream out;
  FUZZ_CHECK(export_jsonl(*store, out) == n);
  SqliteStore copy(":memory:", so);
  std::istringstream back(out.str());
  FUZZ_CHECK(import_jsonl(back, copy) == n);
  FUZZ_CHECK(copy.head_hash() == store->head_hash());
  // Replaying what was imported may be refused (events that break the rules of the engine's
  // profile are doithoai::Error), never crash.
  static const Profile profile = builtin_profile("hanoi-2200");
  fuzz::accepts([&] { Engine engine(profile, std::move(store)); });
  return 0;
}
