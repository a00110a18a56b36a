// JSON Lines imports (import_jsonl, the log moved between stores): any text is imported into
// an empty SQLite store (in memory). What an import accepts must verify, export to the same
// lines' events, and open in an engine.
//
// import_jsonl reads and checks every line before it touches the store, then hands the rows
// over in one append_rows. So each input is first imported into an empty store that only
// keeps the rows it is given (RowsOnly, no SQLite): a refusal there must have handed over
// nothing. Only an import the reader accepts (its rows may still be refused by the store's
// own chain checks) goes on to a fresh SQLite store and the checks below. Opening two SQLite
// stores for every input, most of them refused at their first line, had kept this harness
// at ~65 inputs a second under ASan.
#include <sstream>

#include "doithoai/doithoai.h"
#include "fuzz_common.h"

namespace {
using namespace doithoai;

// An empty durable store that keeps what append_rows gives it, unchecked.
class RowsOnly final : public DurableStore {
 public:
  std::vector<StoredEvent> rows;
  bool handed = false;
  std::uint64_t last_seq() const override { return 0; }
  void append(const Batch&) override { FUZZ_CHECK(false); }  // import_jsonl appends rows only
  void read(std::uint64_t, const Visitor&) const override {}
  void read_rows(std::uint64_t, const RowVisitor&) const override {}
  void append_rows(const std::vector<StoredEvent>& r) override {
    FUZZ_CHECK(!handed);  // one append_rows per import
    handed = true;
    rows = r;
  }
  Hash head_hash() const override { return Hash{}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::bytes(data, size));
  {
    std::istringstream in{text};
    RowsOnly reader;
    std::uint64_t n = 0;
    if (!fuzz::accepts([&] { n = import_jsonl(in, reader); })) {
      FUZZ_CHECK(!reader.handed);  // the reader refused: nothing reached the store
      return 0;
    }
    FUZZ_CHECK(reader.handed && reader.rows.size() == n);
  }
  std::istringstream in{text};
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
