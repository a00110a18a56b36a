// doithoai/durable.h: what the durable stores (SQLite, PostgreSQL) have in common: the
// stored row, its SHA-256 hash chain (R20), verification, and moving a log between stores
// as JSON Lines.
//
// Every stored event is a StoredEvent row. Its JSON payload (event_to_json(e).dump()) is
// the durable truth; `hash` chains it to the row before, so changing, deleting or
// reordering rows is detected by verify() and by opening the store. The exact bytes hashed
// (format "doithoai.event.v1", all integers big-endian):
//
//   SHA-256( "doithoai.event.v1"                      17 ASCII bytes, no terminator
//            u64 seq | i64 at_us | u32 actor | u32 partition
//            u32 len | type bytes      | u32 version
//            u32 len | idempotency key | u32 len | payload bytes
//            prev_hash                                32 bytes; 32 zero bytes for seq 1 )
//
// at_us is the UTC instant in microseconds since 1970-01-01 (two's complement); actor is
// the PersonId value (4294967295 for the system actor); partition the UnitId value of the
// top-level unit (0: directory-wide); the key is empty except on a command's first event.
// A chain hash proves the log was not changed after the fact only relative to a head hash
// kept elsewhere (head_hash()): whoever can rewrite every row can recompute every hash.
// Publish or countersign head hashes when that matters.
//
// Thread safety: the free functions are thread-safe; a DurableStore is safe to use from
// many threads (each implementation serializes its connection).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/store.h"

namespace doithoai {

using Hash = std::array<unsigned char, 32>;

// One event as a durable store keeps it.
struct StoredEvent {
  std::uint64_t seq = 0;
  std::int64_t at_us = 0;
  std::uint32_t actor = 0;
  std::uint32_t partition = 0;
  std::string type;
  int version = 1;
  std::string idempotency_key;
  std::string payload;  // JSON text of the event's data
  // With a key: the request digest (32 bytes; empty in rows from before digests). Kept
  // beside the row, not covered by the hash (whose format is frozen).
  std::string idempotency_digest;
  Hash prev_hash{};
  Hash hash{};
};

// The chain hash of row e given e.prev_hash (the definition above).
DOITHOAI_API Hash event_hash(const StoredEvent& e);
DOITHOAI_API std::string to_hex(const Hash& h);
DOITHOAI_API Hash hash_from_hex(std::string_view hex);  // throws invalid_argument
// The row for a recorded event (payload encoded, hash computed over prev).
DOITHOAI_API StoredEvent make_stored(const Recorded& r, UnitId partition, std::string_view key,
                                     const Hash& prev);
// The rows of batches appended as one transaction, in order, unchained (chain_rows links
// them): each batch's idempotency key and digest go on its first row; bins[i] is row i's
// binary replay form. Throws Error(invalid_argument) unless sequence numbers run on without
// a gap within and across the batches (empty batches are skipped).
DOITHOAI_API void group_rows(const std::vector<const Batch*>& batches, std::vector<StoredEvent>& rows,
                             std::vector<std::string>& bins);
// The event a row holds (parses and validates its JSON payload).
DOITHOAI_API Recorded recorded_of(const StoredEvent& e);

// What verify() found. ok: every row from 1 to last hashes and links correctly.
struct VerifyReport {
  bool ok = true;
  std::uint64_t checked = 0;    // rows examined
  std::uint64_t first_bad = 0;  // the first sequence number that fails (0 when ok)
  std::string problem;          // why, for people
  Hash head{};                  // hash of the last good row
};

// A store that keeps StoredEvent rows with their hash chain.
class DOITHOAI_API DurableStore : public EventStore {
 public:
  // Calls visit for every row with seq >= from, in order, until it returns false.
  using RowVisitor = std::function<bool(const StoredEvent&)>;
  virtual void read_rows(std::uint64_t from, const RowVisitor& visit) const = 0;
  // Appends rows as they are (an import): they must start at last_seq()+1, link to the
  // current head and hash correctly, or nothing is written (Error(corruption) or conflict).
  virtual void append_rows(const std::vector<StoredEvent>& rows) = 0;
  // Walks the whole chain and names the first bad sequence number.
  VerifyReport verify() const { return verify(ProgressFn{}); }
  // The same, reporting progress (store.h) in rows examined: a store that checks more than
  // the chain (SqliteStore's replay cache) counts each pass, so total may exceed last_seq().
  virtual VerifyReport verify(const ProgressFn& progress) const;
  // The hash of the last row (zeros for an empty store).
  virtual Hash head_hash() const = 0;
};

// Walks rows in order and checks sequence, link and hash of each (what verify() does).
// Links rows to the log's last hash `prev` and fills each row's own hash, in order: what
// every durable append does inside its transaction.
DOITHOAI_API void chain_rows(std::vector<StoredEvent>& rows, Hash prev);
// What every import checks before writing: Error(conflict) unless rows start right after
// `last`, Error(corruption) unless each row links to the one before (from `prev`) and
// matches its hash.
DOITHOAI_API void check_continues(const std::vector<StoredEvent>& rows, std::uint64_t last, Hash prev);

// progress (optional) gets the rows checked and last_seq() as the total.
DOITHOAI_API VerifyReport verify_rows(const DurableStore& store, std::uint64_t from = 1,
                                      const Hash& prev_of_from = Hash{}, const ProgressFn& progress = {});

// JSON Lines: one object per event, recorded_to_json's fields plus "partition",
// "idempotency_key" (when set), "prev_hash" and "hash" (lowercase hex). Returns the count.
DOITHOAI_API std::uint64_t export_jsonl(const DurableStore& from, std::ostream& out);
// Appends every line to `to` (which must hold exactly the lines' prefix: usually empty),
// checking each line's hash; the resulting chain has the same hashes. Returns the count.
DOITHOAI_API std::uint64_t import_jsonl(std::istream& in, DurableStore& to);

}  // namespace doithoai
