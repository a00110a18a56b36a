// doithoai/store.h: where events are kept. One interface, several implementations.
//
// An EventStore is an append-only log of Recorded events with gap-free sequence numbers
// from 1. append() writes one command's events atomically (all or none) and refuses a
// batch that does not start at last_seq()+1 with Error(conflict), which is how writers
// sharing a store detect each other. A batch may carry the command's idempotency key; the
// store keeps it with the batch's first event and reports it back on read.
// append_group() writes the batches of several commands (each starting where the one before
// ended) in one transaction: all of them or none; the engine's group commit uses it when
// appends_groups() is true. Stores that cannot make several batches atomic keep the default
// (false, and append_group takes a single batch only).
// Thread safety: every store of this library may be shared: several engines (Python's
// Engine(store=...) wraps one store object for each) and any number of threads may call any
// of its methods at once. MemoryStore guards its log with a mutex and reads without holding
// it (what it hands out was written before and never moves). SqliteStore and PostgresStore
// serialize their one connection with a mutex; their reads do not hold appends back
// (reads_while_appending() is true: SQLite reads on read-only connections of their own in
// WAL mode, PostgreSQL holds the connection only while it fetches a page), and a read visits
// a prefix of the log that holds every event committed before it began. The engine's long
// reads then hold no engine lock (Engine, "Long reads"); a store whose reads_while_appending()
// is false is read by the engine under its shared lock, in slices. A store written by a user
// must be as safe, or be given to one engine only.
// Snapshots are optional: a store that keeps none (MemoryStore) inherits the defaults,
// which load nothing and drop what is saved. Durable stores (sqlite_store.h,
// postgres_store.h) keep them, checksummed, beside the log; the log stays the truth.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/events.h"
#include "doithoai/export.h"

namespace doithoai {

namespace detail {
struct StateAccess;
}

// Progress of long work (verify, replay at open): called on the working thread with the rows
// done so far and the total (0 when not known), every few thousand rows and once at the end.
// It may throw to abandon the work (the exception propagates; nothing was changed); it must
// not call back into the store or engine doing the work.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct Batch {
  UnitId partition;              // the top-level unit (province) it concerns; none: directory-wide
  std::string idempotency_key;   // empty: none
  // With a key: SHA-256 (32 bytes) of the request (actor and command) the key was first
  // used for, kept with the key so that reusing it for another request is a conflict.
  std::string idempotency_digest;
  std::vector<Recorded> events;  // consecutive sequence numbers
};

class DOITHOAI_API EventStore {
 public:
  virtual ~EventStore();
  virtual std::uint64_t last_seq() const = 0;
  // Appends atomically; throws Error(conflict) on a sequence mismatch, Error(storage) on I/O.
  virtual void append(const Batch& batch) = 0;
  // Appends the batches, in order, atomically (all or none), with the errors of append.
  // Default: one batch goes to append(); more throw Error(unsupported).
  virtual void append_group(const std::vector<const Batch*>& batches);
  // Whether append_group takes several batches atomically. Default: false.
  virtual bool appends_groups() const { return false; }
  // Calls visit(event, key) for every event with seq >= from, in order, until it returns false.
  using Visitor = std::function<bool(const Recorded&, std::string_view idempotency_key)>;
  virtual void read(std::uint64_t from, const Visitor& visit) const = 0;
  // Whether read() may run while another thread appends (and append while a read is in
  // progress, neither waiting for the other's whole run). Default: false; SqliteStore
  // (separate read connections) and PostgresStore (paged reads) are true, MemoryStore false.
  virtual bool reads_while_appending() const { return false; }
  // The request digest kept with an idempotency key (Batch::idempotency_digest). False when
  // the store has none for it: the key is unknown, or its row predates digests (such a key
  // then matches any request). Default: false (a store that keeps no digests).
  virtual bool idempotency_digest(std::string_view key, std::string& digest) const;
  // Where an idempotency key was first used: the sequence number of the first event of its
  // batch (the event that carries the key), and the request digest kept with it (empty when
  // its row has none). False when no event of the log carries the key. The engine asks for
  // keys that fell out of its window (EngineOptions::idempotency_window). Default: a scan of
  // the log through read() and idempotency_digest() (any store answers, slowly);
  // MemoryStore, SqliteStore and PostgresStore answer from an index.
  virtual bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const;

  // Snapshots: opaque state images the engine writes (Engine::snapshot) so that opening
  // replays only the log after them. load_snapshot gives the newest snapshot whose
  // checksum verifies and whose anchor (the hash of event `seq`) still matches the log,
  // and returns false when there is none; a bad snapshot is skipped, never an error.
  virtual bool load_snapshot(std::uint64_t& seq, std::string& image) const;
  // Keeps image as the state after event seq (seq <= last_seq()). Default: drops it.
  virtual void save_snapshot(std::uint64_t seq, const std::string& image);
};

// The log in process memory, compactly encoded (a few bytes per event plus its text), with
// an index of its idempotency keys (each key, its first sequence number and digest: about
// 150 bytes a key beside the key's own bytes). Lost when the process ends: for tests,
// simulations and benchmarks. Safe to share (see "Thread safety" above).
class DOITHOAI_API MemoryStore final : public EventStore {
 public:
  MemoryStore();
  ~MemoryStore() override;
  std::uint64_t last_seq() const override;
  void append(const Batch& batch) override;
  void append_group(const std::vector<const Batch*>& batches) override;
  bool appends_groups() const override { return true; }
  void read(std::uint64_t from, const Visitor& visit) const override;
  bool idempotency_digest(std::string_view key, std::string& digest) const override;
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override;
  std::size_t bytes() const;  // memory held by the encoded log

 private:
  friend struct detail::StateAccess;  // a log sharing the engine's text pool (src/state_access.h)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace doithoai
