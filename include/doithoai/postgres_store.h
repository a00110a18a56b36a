// doithoai/postgres_store.h: the event store for many application servers sharing one
// PostgreSQL database (target doithoai::postgres; only its users link libpq).
//
//   auto store = std::make_unique<doithoai::PostgresStore>("host=/run/postgresql dbname=dt");
//   doithoai::Engine engine(profile, std::move(store));
//
// Schema (created and versioned on first use, under an advisory lock so concurrent first
// users do not race): doithoai_events holds the rows of durable.h plus `part_seq`, a
// gap-free sequence per partition (the top-level unit); the table is declaratively
// partitioned by HASH(partition) into 16 partitions, so a province's rows and index stay
// together and the table can later be distributed by the same key (Citus). The global
// sequence `seq` (the engine's one total order, and the hash chain's) is kept gap-free by
// a one-row head (doithoai_head) locked FOR UPDATE by every append, and a per-partition
// row (doithoai_partitions) gives part_seq. An append whose first event is not head+1 is
// refused with Error(conflict); the engine then catches up and decides again (bounded by
// EngineOptions::max_conflict_retries). Because the head row serializes commits, writes
// to different provinces do not commit in parallel: the price of one verifiable global
// order. Commits are short (a few rows), so this holds thousands of commands a second.
// Idempotency keys are unique (doithoai_keys). Each commit NOTIFYs channel
// "doithoai_events" with its last sequence; wait_for_notification() lets a server sleep
// until another one appended, then call Engine::catch_up().
// Every data statement is a prepared statement with parameters.
// Thread safety: safe from many threads (one connection behind a mutex; the listening
// connection behind another). Opening verifies the chain like SqliteStore.
// Ownership: the store owns its connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "doithoai/durable.h"
#include "doithoai/export.h"

namespace doithoai {

struct PostgresOptions {
  // Open without refusing a broken chain (forensics). Appends still work against the head.
  bool skip_open_check = false;
  // Rows per round trip when reading the log.
  int read_page = 20000;
};

class DOITHOAI_API PostgresStore final : public DurableStore {
 public:
  // conninfo: a libpq connection string or URI. Throws Error(storage) when the server is
  // unreachable, Error(corruption) when the chain is broken.
  explicit PostgresStore(const std::string& conninfo, PostgresOptions options = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  std::uint64_t last_seq() const override;
  void append(const Batch& batch) override;
  // The batches in one transaction (one sync): all or none.
  void append_group(const std::vector<const Batch*>& batches) override;
  bool appends_groups() const override { return true; }
  // Reads in pages of PostgresOptions::read_page rows, holding the connection only while
  // fetching a page: appends go on between pages (reads_while_appending).
  void read(std::uint64_t from, const Visitor& visit) const override;
  bool reads_while_appending() const override { return true; }
  bool idempotency_digest(std::string_view key, std::string& digest) const override;
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override;
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override;
  void save_snapshot(std::uint64_t seq, const std::string& image) override;
  void read_rows(std::uint64_t from, const RowVisitor& visit) const override;
  void append_rows(const std::vector<StoredEvent>& rows) override;
  Hash head_hash() const override;

  // The last per-partition sequence of a partition (0: none yet).
  std::uint64_t partition_seq(UnitId partition) const;
  // Blocks until another writer's commit is announced or the timeout passes; true when
  // something was announced (then call Engine::catch_up()). Announcements arriving
  // between calls are kept and reported by the next call.
  bool wait_for_notification(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace doithoai
