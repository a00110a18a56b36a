// doithoai/sqlite_store.h: the embedded durable store (one SQLite file), and the
// one-liners that open an engine on a file.
//
//   auto engine = doithoai::open_engine(doithoai::builtin_profile("hanoi-2200"), "bode.db");
//
// The file is in WAL mode. Each append (one command's events) is one transaction, begun
// IMMEDIATE so that several processes sharing the file are serialized by SQLite's lock;
// a batch that does not start at the file's last sequence + 1 is refused with
// Error(conflict) and nothing is written (the engine then catches up and decides again).
// Rows carry the hash chain of durable.h; a replay cache table beside them (schema v2,
// docs/store.md) holds what opening replays. Opening checks the chain (see open_check) and
// refuses a broken one with Error(corruption), unless the store is opened read_only (for
// forensics: then call verify()). A schema v1 file is migrated when opened for writing.
// I/O failures become Error(storage); the failed append left nothing.
//
// Durability: with Sync::full (the default) a command returns only after its events are
// on stable storage (fsync of the WAL at every commit). With Sync::normal the WAL is
// synced only at checkpoints: a power cut or OS crash can lose the last commands that
// returned success (never half a command, and never corrupt the file); a crash of the
// process alone loses nothing. Choose normal only where the last seconds are recoverable
// elsewhere.
// Thread safety: safe from many threads (one connection behind a mutex, and read()'s own
// read connections); several processes may open the same file.
// Ownership: the store owns its connection; the file stays on disk.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "doithoai/durable.h"
#include "doithoai/engine.h"
#include "doithoai/profile.h"  // open_engine takes a Profile
#include "doithoai/export.h"

namespace doithoai {

struct SqliteOptions {
  enum class Sync { full, normal };
  Sync sync = Sync::full;
  // Open without writing, and do not refuse a broken chain (forensics). Appends throw.
  bool read_only = false;
  // Create the file (and schema) when missing. An existing empty file also gets the schema.
  bool create = true;
  // Add the store's tables to an existing SQLite database that is not a doithoai store
  // (has other tables and no doithoai_meta). false (the default): such a file is refused
  // with Error(invalid_argument) and left untouched, so a wrong path never grows tables.
  bool adopt = false;
  // What opening verifies. full: the whole chain (O(events), about 2.5 s per million rows).
  // since_snapshot (the default): the newest snapshot's anchor row and the rows after it;
  // earlier rows are trusted (run verify() periodically). With no snapshot that is the
  // whole chain. If the engine then cannot use that snapshot (damaged image) the rows it
  // trusted are checked before it falls back. Both refuse a broken checked part.
  // docs/store.md says exactly which tampering each detects.
  enum class OpenCheck { full, since_snapshot };
  OpenCheck open_check = OpenCheck::since_snapshot;
  // How long a writer waits for another process's write lock before Error(storage).
  int busy_timeout_ms = 10000;
  // The SQLite VFS to use (empty: the default). Tests use a fault-injecting one.
  std::string vfs;
};

class DOITHOAI_API SqliteStore final : public DurableStore {
 public:
  // Opens (or creates) the store at path. Throws Error(storage) when the file cannot be
  // opened or is not a SQLite database, Error(invalid_argument) when it is another SQLite
  // database (see adopt), Error(corruption) when the chain is broken, the events table is
  // gone, or a replay cache row that opening would replay differs from its JSON event.
  explicit SqliteStore(const std::string& path, SqliteOptions options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::uint64_t last_seq() const override;
  void append(const Batch& batch) override;
  // The batches in one transaction (one sync): all or none.
  void append_group(const std::vector<const Batch*>& batches) override;
  bool appends_groups() const override { return true; }
  // Reads on a read-only connection of its own (a few kept for reuse), in one read
  // transaction: appends on the store's connection go on meanwhile (WAL), and the read sees
  // the log as it was when it began. A path SQLite does not share between connections (an
  // empty one) reads on the store's connection, holding its mutex, as appends do.
  void read(std::uint64_t from, const Visitor& visit) const override;
  bool reads_while_appending() const override;
  bool idempotency_digest(std::string_view key, std::string& digest) const override;
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override;
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override;
  void save_snapshot(std::uint64_t seq, const std::string& image) override;

  void read_rows(std::uint64_t from, const RowVisitor& visit) const override;
  void append_rows(const std::vector<StoredEvent>& rows) override;
  Hash head_hash() const override;
  // The chain walk of DurableStore::verify, plus: each event has exactly one replay cache
  // row, with the event's time, actor and key and the binary form of its JSON payload
  // (slow: parses every payload).
  using DurableStore::verify;
  VerifyReport verify(const ProgressFn& progress) const override;
  const std::string& path() const;

  // Named settings kept in the file's doithoai_meta table beside the schema's own entries:
  // what an application wants the store to remember about itself (the `doithoai` command
  // line keeps the rule profile under "profile", docs/store.md). Settings are not events:
  // the hash chain does not cover them, and changing one appends nothing.
  // A key is 1..128 bytes of [A-Za-z0-9_.-]; the value valid UTF-8 up to 16 MiB. The keys
  // the store itself uses (schema_version, hash_format) cannot be written. setting() returns
  // nullopt for a key never set; set_setting replaces any earlier value (one transaction);
  // erase_setting removes it (nothing if absent). Bad keys or values: Error(invalid_argument);
  // a read-only store: Error(unsupported); I/O: Error(storage).
  std::optional<std::string> setting(std::string_view key) const;
  void set_setting(std::string_view key, std::string_view value);
  void erase_setting(std::string_view key);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens a store by name: ":memory:" or "memory:" gives a MemoryStore; "sqlite:PATH" or a
// plain file path gives a SqliteStore. PostgreSQL URIs need doithoai::postgres
// (postgres_store.h) and throw Error(unsupported) here.
DOITHOAI_API std::unique_ptr<EventStore> open_store(const std::string& path_or_uri,
                                                    const SqliteOptions& options = {});

// An engine on open_store(path_or_uri): the one-liner for a durable engine.
DOITHOAI_API std::unique_ptr<Engine> open_engine(Profile profile, const std::string& path_or_uri,
                                                 EngineOptions options = {},
                                                 const SqliteOptions& store_options = {});

}  // namespace doithoai
