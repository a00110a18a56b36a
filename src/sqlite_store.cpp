#include "doithoai/sqlite_store.h"

#include <sqlite3.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "binary.h"
#include "json_text.h"
#include "prefault.h"
#include "text.h"
#include "doithoai/error.h"
#include "doithoai/json.h"

namespace doithoai {

namespace {

constexpr int kSchemaVersion = 2;

// Schema v2. `events` holds the truth: the JSON payload and the hash chain over it.
// `replay` is a cache derived from it when the row is written: the compact binary form of
// the payload (binary.h) with what replay needs of the row, so opening never parses JSON
// and reads about a fifth of the bytes (the JSON and the hashes stay in `events`). The hash
// covers the JSON, not the cache; verify() checks the two agree row by row.
// Schema v1 (before 0.2) kept the cache as a `bin` column of `events`; opening such a file
// for writing moves it into `replay` once, in one transaction (read-only opens read it in place).
const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS doithoai_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  seq       INTEGER PRIMARY KEY,      -- global sequence, gap-free from 1
  partition INTEGER NOT NULL,         -- top-level unit (province); 0: directory-wide
  at_us     INTEGER NOT NULL,         -- UTC microseconds since 1970
  actor     INTEGER NOT NULL,
  type      TEXT NOT NULL,
  version   INTEGER NOT NULL,
  idem_key  TEXT UNIQUE,              -- NULL: none
  payload   TEXT NOT NULL,            -- JSON: the durable truth
  prev_hash BLOB NOT NULL,
  hash      BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS events_partition ON events(partition, seq);
CREATE TABLE IF NOT EXISTS replay(    -- derived from events, row for row
  seq       INTEGER PRIMARY KEY,
  at_us     INTEGER NOT NULL,
  actor     INTEGER NOT NULL,
  idem_key  TEXT,
  bin       BLOB NOT NULL);           -- the payload in binary.h form
CREATE TABLE IF NOT EXISTS snapshots(
  seq      INTEGER PRIMARY KEY,       -- state after this event
  anchor   BLOB NOT NULL,             -- hash of event seq when written
  checksum BLOB NOT NULL,             -- SHA-256 of the image
  data     BLOB NOT NULL);            -- the image (older files), or empty: see snapshot_chunks
CREATE TABLE IF NOT EXISTS snapshot_chunks(
  seq      INTEGER NOT NULL,          -- the snapshot
  n        INTEGER NOT NULL,          -- 0, 1, ...: the image is the chunks in order
  data     BLOB NOT NULL,
  PRIMARY KEY(seq, n));
)sql";

// Snapshot images are stored in rows of this size: no single huge blob (SQLite caps a
// value at 1 GB by default) and reading streams chunk by chunk into the image.
constexpr std::size_t kSnapshotChunk = 8u << 20;

Hash sha256(const void* p, std::size_t n) {
  Hash h{};
  unsigned int len = 0;
  EVP_Digest(p, n, h.data(), &len, EVP_sha256(), nullptr);
  return h;
}

Hash blob_hash(sqlite3_stmt* st, int col) {
  Hash h{};
  const void* p = sqlite3_column_blob(st, col);
  if (p && sqlite3_column_bytes(st, col) == 32) std::memcpy(h.data(), p, 32);
  return h;
}

std::string col_text(sqlite3_stmt* st, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col))) : std::string();
}

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st_, nullptr) != SQLITE_OK)
      throw Error(ErrorCode::storage, std::string("sqlite prepare: ") + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(Stmt&& o) noexcept : st_(o.st_) { o.st_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(st_, o.st_);
    return *this;
  }
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

// Resets a statement however the scope is left.
struct Use {
  explicit Use(const Stmt& s) : st(s.get()) {}
  ~Use() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  sqlite3_stmt* st;
};

}  // namespace

struct SqliteStore::Impl {
  // Closes the connection if the store's destructor did not (a failed open): a deferred
  // close, completed when the statements below are finalized.
  ~Impl() {
    if (db) sqlite3_close_v2(db);
  }
  std::string path;
  SqliteOptions options;
  sqlite3* db = nullptr;
  mutable std::mutex mutex;
  int version = kSchemaVersion;  // of the file: 1 only for a read-only old file
  bool has_digest = true;  // events.idem_digest exists (false only in a read-only older file)
  Stmt digest_of;
  Stmt head, insert, insert_replay, read_replay, read_rows, snap_list, snap_insert, snap_prune, hash_at, count;
  Stmt snap_size, snap_chunks, snap_chunk_insert, snap_chunks_drop, snap_chunks_prune;
  std::string bin;
  // Rows below this were not chain-checked at open (since_snapshot trusted a snapshot); if
  // opening then cannot use that snapshot, load_snapshot checks them before answering.
  std::uint64_t unchecked_below = 1;

  // read()'s connections: read-only, each with its statements, so that a long read does not
  // hold `mutex` (appends go on; WAL keeps the reader's view). Idle ones are kept for reuse.
  struct Reader {
    sqlite3* db = nullptr;
    Stmt head, replay;
    ~Reader() {
      head = {};
      replay = {};
      if (db) sqlite3_close_v2(db);
    }
  };
  static constexpr std::size_t kIdleReaders = 4;
  bool own_readers = false;  // the file can be opened again (not a private "" or ":memory:" one)
  mutable std::mutex readers_mutex;
  mutable std::vector<std::unique_ptr<Reader>> readers;

  // An idle reader, or a new one; null when none can be opened (read on `db` then).
  std::unique_ptr<Reader> take_reader() const {
    if (!own_readers) return nullptr;
    {
      std::lock_guard<std::mutex> g(readers_mutex);
      if (!readers.empty()) {
        std::unique_ptr<Reader> r = std::move(readers.back());
        readers.pop_back();
        return r;
      }
    }
    auto r = std::make_unique<Reader>();
    if (sqlite3_open_v2(path.c_str(), &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        options.vfs.empty() ? nullptr : options.vfs.c_str()) != SQLITE_OK)
      return nullptr;
    sqlite3_extended_result_codes(r->db, 1);
    sqlite3_busy_timeout(r->db, options.busy_timeout_ms);
    try {
      r->head = Stmt(r->db, "SELECT seq FROM events ORDER BY seq DESC LIMIT 1");
      r->replay = Stmt(r->db, version == 1
                                  ? "SELECT seq, at_us, actor, idem_key, bin FROM events WHERE seq >= ? ORDER BY seq"
                                  : "SELECT seq, at_us, actor, idem_key, bin FROM replay WHERE seq >= ? ORDER BY seq");
    } catch (const Error&) {
      return nullptr;
    }
    return r;
  }
  void give_back(std::unique_ptr<Reader> r) const {
    std::lock_guard<std::mutex> g(readers_mutex);
    if (readers.size() < kIdleReaders) readers.push_back(std::move(r));
  }

  // Chain check of rows [from, to] (to already checked by the open check), mutex held.
  void check_range_locked(std::uint64_t from, std::uint64_t to) const {
    Hash prev{};
    bool first = true;
    std::uint64_t expect = from, bad = 0;
    read_rows_locked(from, [&](const StoredEvent& e) {
      if (first) prev = from == 1 ? Hash{} : e.prev_hash;
      first = false;
      if (e.seq != expect || e.prev_hash != prev || event_hash(e) != e.hash) {
        bad = expect;
        return false;
      }
      prev = e.hash;
      return ++expect <= to;
    });
    if (bad || expect <= to)
      throw Error(ErrorCode::corruption, "store '" + path + "' fails verification at sequence " +
                                             std::to_string(bad ? bad : expect));
  }

  // The replay cache rows from `from` to `to` (0: the end) against their JSON truth, mutex
  // held: each row present, with the event's time, actor and key, and a binary form that
  // decodes to the event the JSON holds. Cheap in the usual case: the decoded event is
  // written back as JSON text and compared with the payload bytes (the payload is that text
  // for every row this store wrote); only a row whose bytes differ (an import of
  // non-canonical JSON) parses its JSON. Throws Error(corruption) naming the first bad row.
  void check_cache_locked(std::uint64_t from, std::uint64_t to) const {
    if (version < 2) return;
    Stmt st(db,
            "SELECT e.seq, e.type, e.version, e.payload, r.bin,"
            " r.at_us IS e.at_us AND r.actor IS e.actor AND r.idem_key IS e.idem_key"
            " FROM events e LEFT JOIN replay r ON r.seq = e.seq WHERE e.seq >= ?1 AND (?2 = 0 OR e.seq <= ?2)"
            " ORDER BY e.seq");
    sqlite3_bind_int64(st.get(), 1, static_cast<sqlite3_int64>(from));
    sqlite3_bind_int64(st.get(), 2, static_cast<sqlite3_int64>(to));
    std::string enc;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      sqlite3_stmt* q = st.get();
      const auto seq = static_cast<std::uint64_t>(sqlite3_column_int64(q, 0));
      auto bad = [&](const char* why) {
        throw Error(ErrorCode::corruption, "store '" + path + "': replay cache row " + std::to_string(seq) + " " + why +
                                               " (the JSON events are intact: rebuild the cache or run verify())");
      };
      const auto* b = static_cast<const char*>(sqlite3_column_blob(q, 4));
      const int n = sqlite3_column_bytes(q, 4);
      if (sqlite3_column_type(q, 4) == SQLITE_NULL) bad("is missing");
      if (sqlite3_column_int(q, 5) != 1) bad("differs from its event's time, actor or key");
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
      const std::string_view type(t ? t : "", t ? static_cast<std::size_t>(sqlite3_column_bytes(q, 1)) : 0);
      const auto* pl = reinterpret_cast<const char*>(sqlite3_column_text(q, 3));
      const std::string_view payload(pl ? pl : "", pl ? static_cast<std::size_t>(sqlite3_column_bytes(q, 3)) : 0);
      const int ver = sqlite3_column_int(q, 2);
      bool same = false;
      if (b && n >= 1) {
        try {
          detail::BinReader rd(b + 1, b + n);
          const Event ev = detail::decode_event(rd, static_cast<unsigned char>(b[0]));
          same = event_type(ev) == type && event_schema_version(ev) == ver && detail::event_json_text(ev) == payload;
        } catch (const Error&) {
          same = false;
        }
      }
      if (!same) {  // the exact test: the binary form of the JSON event
        enc.clear();
        try {
          detail::encode_event(event_from_json(type, ver, parse_json(payload)), enc);
        } catch (const Error&) {
          enc = "\xff";
        }
        if (!b || enc.size() != static_cast<std::size_t>(n) || std::memcmp(enc.data(), b, enc.size()) != 0)
          bad("differs from its JSON event");
      }
    }
    if (rc != SQLITE_DONE) fail("checking the replay cache", rc);
  }

  bool has_table(const char* name) const {
    Stmt st(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    sqlite3_bind_text(st.get(), 1, name, -1, SQLITE_STATIC);
    const int rc = sqlite3_step(st.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail("reading the schema", rc);
    return rc == SQLITE_ROW;
  }
  // What the file is, before anything is written to it: empty (a new store), a doithoai
  // store (doithoai_meta), or some other database. A doithoai store without its events
  // table has lost its truth: Error(corruption), never an empty log created in its place.
  // Another database is refused with Error(invalid_argument) unless `adopt` (the store's
  // tables are then added beside the others).
  void check_kind(bool adopt) const {
    Stmt any(db, "SELECT count(*) FROM sqlite_master");
    const int rc = sqlite3_step(any.get());
    if (rc != SQLITE_ROW) fail("reading the schema", rc);
    if (sqlite3_column_int64(any.get(), 0) == 0) return;  // empty: a new store
    if (has_table("doithoai_meta")) {
      if (!has_table("events"))
        throw Error(ErrorCode::corruption, "store '" + path + "' has lost its events table");
      // Schema v2 keeps the replay cache in its own table (v1 in events.bin); opening
      // would create it empty and commit that before finding every row missing.
      if (!has_table("replay") && sqlite3_table_column_metadata(db, nullptr, "events", "bin", nullptr, nullptr,
                                                                nullptr, nullptr, nullptr) != SQLITE_OK)
        throw Error(ErrorCode::corruption, "store '" + path + "' has lost its replay table");
      return;
    }
    if (!adopt)
      throw Error(ErrorCode::invalid_argument, "'" + path + "' is a SQLite database but not a doithoai store; "
                                               "open it with SqliteOptions::adopt to add the store's tables to it");
  }

  [[noreturn]] void fail(const std::string& what, int rc) const {
    const int ext = sqlite3_extended_errcode(db);
    throw Error(ErrorCode::storage, "sqlite " + what + ": " + sqlite3_errmsg(db) + " (" +
                                        std::to_string(rc) + "/" + std::to_string(ext) + ")");
  }
  void exec(const char* sql) const {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw Error(ErrorCode::storage, std::string("sqlite: ") + msg + " in: " + std::string(sql).substr(0, 60));
    }
  }
  void rollback_if_open() const noexcept {
    if (db && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  // (last seq, its hash) as the file says now.
  std::pair<std::uint64_t, Hash> last() const {
    Use u(head);
    const int rc = sqlite3_step(u.st);
    if (rc == SQLITE_ROW) return {static_cast<std::uint64_t>(sqlite3_column_int64(u.st, 0)), blob_hash(u.st, 1)};
    if (rc == SQLITE_DONE) return {0, Hash{}};
    fail("reading the head", rc);
  }

  bool stored_hash(std::uint64_t seq, Hash& out) const {
    Use u(hash_at);
    sqlite3_bind_int64(u.st, 1, static_cast<sqlite3_int64>(seq));
    const int rc = sqlite3_step(u.st);
    if (rc == SQLITE_ROW) {
      out = blob_hash(u.st, 0);
      return true;
    }
    if (rc != SQLITE_DONE) fail("reading a hash", rc);
    return false;
  }

  void insert_row(const StoredEvent& e, const std::string& bin_blob) {
    Use u(insert);
    sqlite3_stmt* st = u.st;
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(e.seq));
    sqlite3_bind_int64(st, 2, e.partition);
    sqlite3_bind_int64(st, 3, e.at_us);
    sqlite3_bind_int64(st, 4, e.actor);
    sqlite3_bind_text(st, 5, e.type.data(), static_cast<int>(e.type.size()), SQLITE_STATIC);
    sqlite3_bind_int(st, 6, e.version);
    if (e.idempotency_key.empty()) sqlite3_bind_null(st, 7);
    else sqlite3_bind_text(st, 7, e.idempotency_key.data(), static_cast<int>(e.idempotency_key.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 8, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, e.prev_hash.data(), 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, e.hash.data(), 32, SQLITE_STATIC);
    if (e.idempotency_digest.empty() || e.idempotency_key.empty()) sqlite3_bind_null(st, 11);
    else sqlite3_bind_blob(st, 11, e.idempotency_digest.data(), static_cast<int>(e.idempotency_digest.size()), SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
      Use r(insert_replay);
      sqlite3_stmt* rs = r.st;
      sqlite3_bind_int64(rs, 1, static_cast<sqlite3_int64>(e.seq));
      sqlite3_bind_int64(rs, 2, e.at_us);
      sqlite3_bind_int64(rs, 3, e.actor);
      if (e.idempotency_key.empty()) sqlite3_bind_null(rs, 4);
      else sqlite3_bind_text(rs, 4, e.idempotency_key.data(), static_cast<int>(e.idempotency_key.size()), SQLITE_STATIC);
      sqlite3_bind_blob(rs, 5, bin_blob.data(), static_cast<int>(bin_blob.size()), SQLITE_STATIC);
      rc = sqlite3_step(rs);
      if (rc == SQLITE_DONE) return;
      fail("insert", rc);
    }
    if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
      throw Error(ErrorCode::conflict, "idempotency key '" + e.idempotency_key + "' is already in the log");
    if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw Error(ErrorCode::conflict, "sequence " + std::to_string(e.seq) + " is already in the log");
    fail("insert", rc);
  }

  void begin_write() {
    if (options.read_only) throw Error(ErrorCode::unsupported, "store was opened read-only");
    exec("BEGIN IMMEDIATE");
  }
  void commit() {
    const int rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail("commit", rc);
  }

  void read_rows_locked(std::uint64_t from, const RowVisitor& visit) const {
    Use u(read_rows);
    sqlite3_bind_int64(u.st, 1, static_cast<sqlite3_int64>(from));
    StoredEvent e;
    int rc;
    while ((rc = sqlite3_step(u.st)) == SQLITE_ROW) {
      e.seq = static_cast<std::uint64_t>(sqlite3_column_int64(u.st, 0));
      e.partition = static_cast<std::uint32_t>(sqlite3_column_int64(u.st, 1));
      e.at_us = sqlite3_column_int64(u.st, 2);
      e.actor = static_cast<std::uint32_t>(sqlite3_column_int64(u.st, 3));
      e.type = col_text(u.st, 4);
      e.version = sqlite3_column_int(u.st, 5);
      e.idempotency_key = col_text(u.st, 6);
      e.payload = col_text(u.st, 7);
      e.prev_hash = blob_hash(u.st, 8);
      e.hash = blob_hash(u.st, 9);
      const auto* dg = static_cast<const char*>(sqlite3_column_blob(u.st, 10));
      e.idempotency_digest.assign(dg ? dg : "", dg ? static_cast<std::size_t>(sqlite3_column_bytes(u.st, 10)) : 0);
      if (!visit(e)) return;
    }
    if (rc != SQLITE_DONE) fail("reading rows", rc);
  }
};

SqliteStore::SqliteStore(const std::string& path, SqliteOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  // sqlite3_open_v2 reads a C string: a NUL would silently cut the path to another file.
  if (path.find('\0') != std::string::npos)
    throw Error(ErrorCode::invalid_argument, "a SQLite store path may not contain a NUL byte");
  m.path = path;
  m.options = options;
  m.own_readers = !path.empty() && path != ":memory:";
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY
                             : (SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  const int rc = sqlite3_open_v2(path.c_str(), &m.db, flags, options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string msg = m.db ? sqlite3_errmsg(m.db) : sqlite3_errstr(rc);
    sqlite3_close_v2(m.db);
    m.db = nullptr;
    throw Error(ErrorCode::storage, "cannot open sqlite store '" + path + "': " + msg);
  }
  try {
    sqlite3_extended_result_codes(m.db, 1);
    sqlite3_busy_timeout(m.db, options.busy_timeout_ms);
    // No memory-mapped reads (SQLite's default): mapping the file was tried, and replay ran
    // 25-30% slower than copying pages through read() (a page fault per page costs more
    // than the copy; bench/store_bench --replay), with snapshot opens no faster.
    if (!options.read_only) {
      // Before anything writes (switching to WAL rewrites the header): a foreign file or a
      // store without its events table is refused untouched. Checked again under the lock.
      m.check_kind(options.adopt);
      m.exec("PRAGMA journal_mode=WAL");
      m.exec(options.sync == SqliteOptions::Sync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      // Create the schema once; a second process racing us waits on the write lock.
      m.exec("BEGIN IMMEDIATE");
      m.check_kind(options.adopt);
      m.exec(kSchema);
      m.exec(("INSERT OR IGNORE INTO doithoai_meta VALUES('schema_version','" + std::to_string(kSchemaVersion) +
              "'),('hash_format','doithoai.event.v1')")
                 .c_str());
      // A v1 file: move its replay cache out of `events` (kSchema made `replay` empty).
      if (sqlite3_table_column_metadata(m.db, nullptr, "events", "bin", nullptr, nullptr, nullptr, nullptr,
                                        nullptr) == SQLITE_OK) {
        m.exec("INSERT INTO replay(seq,at_us,actor,idem_key,bin) SELECT seq,at_us,actor,idem_key,bin FROM events");
        m.exec("ALTER TABLE events DROP COLUMN bin");
        m.exec("UPDATE doithoai_meta SET value='2' WHERE key='schema_version' AND value='1'");
      }
      // The request digest beside an idempotency key (added in 0.3; a nullable column, so
      // adding it rewrites nothing and older builds still read and write the file: their
      // rows leave it NULL, which matches any request).
      if (sqlite3_table_column_metadata(m.db, nullptr, "events", "idem_digest", nullptr, nullptr, nullptr, nullptr,
                                        nullptr) != SQLITE_OK)
        m.exec("ALTER TABLE events ADD COLUMN idem_digest BLOB");
      m.commit();
    }
    if (options.read_only) m.check_kind(false);
    {
      Stmt v(m.db, "SELECT value FROM doithoai_meta WHERE key='schema_version'");
      const int r = sqlite3_step(v.get());
      if (r != SQLITE_ROW) throw Error(ErrorCode::storage, "'" + path + "' is not a doithoai store");
      const std::string ver = col_text(v.get(), 0);
      if (ver == "1" && options.read_only) m.version = 1;  // read in place
      else if (ver != std::to_string(kSchemaVersion))
        throw Error(ErrorCode::unsupported, "'" + path + "' has store schema version " + ver + ", this build reads " +
                                                std::to_string(kSchemaVersion));
    }
    m.has_digest = sqlite3_table_column_metadata(m.db, nullptr, "events", "idem_digest", nullptr, nullptr, nullptr,
                                                 nullptr, nullptr) == SQLITE_OK;
    m.digest_of = Stmt(m.db, m.has_digest ? "SELECT idem_digest, seq FROM events WHERE idem_key = ?"
                                          : "SELECT NULL, seq FROM events WHERE idem_key = ?");
    m.head = Stmt(m.db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    m.insert = Stmt(m.db,
                    m.has_digest
                        ? "INSERT INTO events(seq,partition,at_us,actor,type,version,idem_key,payload,prev_hash,hash,"
                          "idem_digest) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                        : "INSERT INTO events(seq,partition,at_us,actor,type,version,idem_key,payload,prev_hash,hash)"
                          " VALUES(?,?,?,?,?,?,?,?,?,?)");
    if (!options.read_only)
      m.insert_replay = Stmt(m.db, "INSERT INTO replay(seq,at_us,actor,idem_key,bin) VALUES(?,?,?,?,?)");
    m.read_replay = Stmt(m.db, m.version == 1
                                   ? "SELECT seq, at_us, actor, idem_key, bin FROM events WHERE seq >= ? ORDER BY seq"
                                   : "SELECT seq, at_us, actor, idem_key, bin FROM replay WHERE seq >= ? ORDER BY seq");
    m.read_rows = Stmt(m.db,
                       m.has_digest ? "SELECT seq,partition,at_us,actor,type,version,idem_key,payload,prev_hash,hash,"
                                      "idem_digest FROM events WHERE seq >= ? ORDER BY seq"
                                    : "SELECT seq,partition,at_us,actor,type,version,idem_key,payload,prev_hash,hash,"
                                      "NULL FROM events WHERE seq >= ? ORDER BY seq");
    m.snap_list = Stmt(m.db, "SELECT seq, anchor, checksum, data FROM snapshots ORDER BY seq DESC");
    m.snap_insert = Stmt(m.db, "INSERT OR REPLACE INTO snapshots(seq,anchor,checksum,data) VALUES(?,?,?,?)");
    m.snap_prune = Stmt(m.db, "DELETE FROM snapshots WHERE seq < ?");
    m.hash_at = Stmt(m.db, "SELECT hash FROM events WHERE seq = ?");
    if (!options.read_only || sqlite3_table_column_metadata(m.db, nullptr, "snapshot_chunks", "data", nullptr,
                                                            nullptr, nullptr, nullptr, nullptr) == SQLITE_OK) {
      m.snap_size = Stmt(m.db, "SELECT sum(length(data)) FROM snapshot_chunks WHERE seq = ?");
      m.snap_chunks = Stmt(m.db, "SELECT n, data FROM snapshot_chunks WHERE seq = ? ORDER BY n");
    } else {  // a read-only file from before snapshot_chunks: no chunked snapshots in it
      m.snap_size = Stmt(m.db, "SELECT NULL WHERE ? IS NULL");
      m.snap_chunks = Stmt(m.db, "SELECT 0, NULL WHERE ? IS NULL");
    }
    if (!options.read_only) {
      m.snap_chunk_insert = Stmt(m.db, "INSERT INTO snapshot_chunks(seq,n,data) VALUES(?,?,?)");
      m.snap_chunks_drop = Stmt(m.db, "DELETE FROM snapshot_chunks WHERE seq = ?");
      m.snap_chunks_prune = Stmt(m.db, "DELETE FROM snapshot_chunks WHERE seq < ?");
    }
    if (!options.read_only) {
      VerifyReport rep;
      std::uint64_t from = 1;
      Hash prev{};
      if (options.open_check == SqliteOptions::OpenCheck::since_snapshot) {
        // The newest snapshot whose anchor matches: rows up to it are trusted.
        Use u(m.snap_list);
        while (sqlite3_step(u.st) == SQLITE_ROW) {
          const auto s = static_cast<std::uint64_t>(sqlite3_column_int64(u.st, 0));
          Hash h;
          if (s > 0 && m.stored_hash(s, h) && h == blob_hash(u.st, 1)) {
            // Check row s itself too: start there with its own recorded link.
            Use r(m.read_rows);
            sqlite3_bind_int64(r.st, 1, static_cast<sqlite3_int64>(s));
            if (sqlite3_step(r.st) == SQLITE_ROW) {
              prev = blob_hash(r.st, 8);
              from = s;
              m.unchecked_below = s;
            }
            break;
          }
        }
      }
      rep = verify_rows(*this, from, prev);
      if (!rep.ok)
        throw Error(ErrorCode::corruption, "store '" + path + "' fails verification at sequence " +
                                               std::to_string(rep.first_bad) + ": " + rep.problem);
      // The engine replays the cache rows after the snapshot (all of them without one): they
      // must say what the JSON events say, or the engine would serve a state the truth lacks.
      {
        std::lock_guard<std::mutex> g(m.mutex);
        m.check_cache_locked(from == 1 && m.unchecked_below == 1 ? 1 : from + 1, 0);
      }
    }
  } catch (...) {
    // Leave the file as it was (a refused foreign file, a lost events table): roll back
    // and close, so no lock or half-made schema outlives the failed open.
    m.rollback_if_open();
    impl_.reset();
    throw;
  }
}

SqliteStore::~SqliteStore() {
  if (impl_) impl_->readers.clear();  // first: closing the last connection checkpoints the WAL
  if (impl_ && impl_->db) {
    impl_->head = {};
    impl_->digest_of = {};
    impl_->insert = {};
    impl_->insert_replay = {};
    impl_->read_replay = {};
    impl_->read_rows = {};
    impl_->snap_list = {};
    impl_->snap_insert = {};
    impl_->snap_prune = {};
    impl_->hash_at = {};
    impl_->snap_size = {};
    impl_->snap_chunks = {};
    impl_->snap_chunk_insert = {};
    impl_->snap_chunks_drop = {};
    impl_->snap_chunks_prune = {};
    sqlite3_close_v2(impl_->db);
    impl_->db = nullptr;
  }
}

const std::string& SqliteStore::path() const { return impl_->path; }

std::uint64_t SqliteStore::last_seq() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->last().first;
}

Hash SqliteStore::head_hash() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->last().second;
}

void SqliteStore::append(const Batch& batch) { append_group({&batch}); }

void SqliteStore::append_group(const std::vector<const Batch*>& batches) {
  // Encode outside the transaction: the write lock is held only for the inserts.
  std::vector<StoredEvent> rows;
  std::vector<std::string> bins;
  group_rows(batches, rows, bins);
  if (rows.empty()) return;
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  try {
    m.begin_write();
    const auto [last, head] = m.last();
    if (rows.front().seq != last + 1)
      throw Error(ErrorCode::conflict, "append expected sequence " + std::to_string(last + 1) + ", got " +
                                           std::to_string(rows.front().seq));
    chain_rows(rows, head);
    for (std::size_t i = 0; i < rows.size(); ++i) m.insert_row(rows[i], bins[i]);
    m.commit();
  } catch (...) {
    m.rollback_if_open();
    throw;
  }
}

void SqliteStore::append_rows(const std::vector<StoredEvent>& rows) {
  if (rows.empty()) return;
  Impl& m = *impl_;
  std::vector<std::string> bins(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) detail::encode_event(recorded_of(rows[i]).event, bins[i]);
  std::lock_guard<std::mutex> g(m.mutex);
  try {
    m.begin_write();
    const auto [last, prev] = m.last();
    check_continues(rows, last, prev);
    for (std::size_t i = 0; i < rows.size(); ++i) m.insert_row(rows[i], bins[i]);
    m.commit();
  } catch (...) {
    m.rollback_if_open();
    throw;
  }
}

namespace {

// One replay row into r (and its idempotency key); false at the end of the rows.
bool next_replay_row(sqlite3_stmt* st, Recorded& r, std::string_view& key, int& rc) {
  rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) return false;
  r.seq = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
  r.at = from_micros(sqlite3_column_int64(st, 1));
  r.actor = PersonId(static_cast<std::uint32_t>(sqlite3_column_int64(st, 2)));
  const auto* k = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
  key = k ? std::string_view(k, static_cast<std::size_t>(sqlite3_column_bytes(st, 3))) : std::string_view();
  const auto* b = static_cast<const char*>(sqlite3_column_blob(st, 4));
  const int n = sqlite3_column_bytes(st, 4);
  if (!b || n < 1) throw Error(ErrorCode::corruption, "event " + std::to_string(r.seq) + " has no replay data");
  detail::BinReader rd(b + 1, b + n);
  r.event = detail::decode_event(rd, static_cast<unsigned char>(b[0]));
  return true;
}

}  // namespace

void SqliteStore::read(std::uint64_t from, const Visitor& visit) const {
  Impl& m = *impl_;
  if (from < 1) from = 1;
  if (std::unique_ptr<Impl::Reader> rd = m.take_reader()) {
    // One read transaction: the head and the rows from one snapshot of the file, whatever
    // is appended meanwhile on the store's connection (WAL readers do not block writers).
    struct Txn {
      const Impl& m;
      std::unique_ptr<Impl::Reader>& rd;
      bool open = false;
      ~Txn() {
        if (open) sqlite3_exec(rd->db, "ROLLBACK", nullptr, nullptr, nullptr);  // read only: nothing to keep
        // A reader left in a transaction (the ROLLBACK failed) is closed, not reused.
        if (sqlite3_get_autocommit(rd->db)) m.give_back(std::move(rd));
      }
    } txn{m, rd};
    auto fail = [&](const char* what, int rc) {
      throw Error(ErrorCode::storage, std::string("sqlite ") + what + ": " + sqlite3_errmsg(rd->db) + " (" +
                                          std::to_string(rc) + "/" + std::to_string(sqlite3_extended_errcode(rd->db)) +
                                          ")");
    };
    int rc = sqlite3_exec(rd->db, "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail("beginning a read", rc);
    txn.open = true;
    std::uint64_t last = 0;
    {
      Use h(rd->head);
      rc = sqlite3_step(h.st);
      if (rc == SQLITE_ROW) last = static_cast<std::uint64_t>(sqlite3_column_int64(h.st, 0));
      else if (rc != SQLITE_DONE) fail("reading the head", rc);
    }
    Use u(rd->replay);
    sqlite3_bind_int64(u.st, 1, static_cast<sqlite3_int64>(from));
    Recorded r;
    std::string_view key;
    rc = SQLITE_DONE;
    while (next_replay_row(u.st, r, key, rc)) {
      if (r.seq > last || !visit(r, key)) return;
    }
    if (rc != SQLITE_DONE) fail("reading events", rc);
    return;
  }
  std::lock_guard<std::mutex> g(m.mutex);
  // Only events the log has: a cache row past its end (left by tampering) is not one.
  const std::uint64_t last = m.last().first;
  Use u(m.read_replay);
  sqlite3_bind_int64(u.st, 1, static_cast<sqlite3_int64>(from));
  Recorded r;
  std::string_view key;
  int rc = SQLITE_DONE;
  while (next_replay_row(u.st, r, key, rc)) {
    if (r.seq > last || !visit(r, key)) return;
  }
  if (rc != SQLITE_DONE) m.fail("reading events", rc);
}

bool SqliteStore::reads_while_appending() const { return impl_->own_readers; }

bool SqliteStore::idempotency_digest(std::string_view key, std::string& digest) const {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  Use u(m.digest_of);
  sqlite3_bind_text(u.st, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(u.st);
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) m.fail("reading an idempotency key", rc);
  if (sqlite3_column_type(u.st, 0) == SQLITE_NULL) return false;
  const auto* p = static_cast<const char*>(sqlite3_column_blob(u.st, 0));
  digest.assign(p ? p : "", p ? static_cast<std::size_t>(sqlite3_column_bytes(u.st, 0)) : 0);
  return true;
}

bool SqliteStore::find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  Use u(m.digest_of);  // idem_key is UNIQUE: an index lookup
  sqlite3_bind_text(u.st, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(u.st);
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) m.fail("reading an idempotency key", rc);
  const auto* p = static_cast<const char*>(sqlite3_column_blob(u.st, 0));
  digest.assign(p ? p : "", p ? static_cast<std::size_t>(sqlite3_column_bytes(u.st, 0)) : 0);
  seq = static_cast<std::uint64_t>(sqlite3_column_int64(u.st, 1));
  return true;
}

namespace {

// The keys the store itself keeps in doithoai_meta.
bool reserved_setting(std::string_view key) { return key == "schema_version" || key == "hash_format"; }

void check_setting_key(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 128;
  for (const char c : key)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '.' || c == '-');
  if (!ok)
    throw Error(ErrorCode::invalid_argument,
                "setting key '" + std::string(key.substr(0, 200)) + "' is not 1..128 bytes of [A-Za-z0-9_.-]");
}

}  // namespace

std::optional<std::string> SqliteStore::setting(std::string_view key) const {
  check_setting_key(key);
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  Stmt st(m.db, "SELECT value FROM doithoai_meta WHERE key = ?");
  sqlite3_bind_text(st.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) m.fail("reading a setting", rc);
  return col_text(st.get(), 0);
}

void SqliteStore::set_setting(std::string_view key, std::string_view value) {
  check_setting_key(key);
  if (reserved_setting(key))
    throw Error(ErrorCode::invalid_argument, "setting '" + std::string(key) + "' belongs to the store itself");
  if (value.size() > (16u << 20)) throw Error(ErrorCode::invalid_argument, "setting value is over 16 MiB");
  if (!detail::valid_utf8(value)) throw Error(ErrorCode::invalid_argument, "setting value is not valid UTF-8");
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  if (m.options.read_only) throw Error(ErrorCode::unsupported, "store was opened read-only");
  Stmt st(m.db, "INSERT OR REPLACE INTO doithoai_meta(key, value) VALUES(?, ?)");
  sqlite3_bind_text(st.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_text(st.get(), 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st.get());
  if (rc != SQLITE_DONE) m.fail("writing a setting", rc);
}

void SqliteStore::erase_setting(std::string_view key) {
  check_setting_key(key);
  if (reserved_setting(key))
    throw Error(ErrorCode::invalid_argument, "setting '" + std::string(key) + "' belongs to the store itself");
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  if (m.options.read_only) throw Error(ErrorCode::unsupported, "store was opened read-only");
  Stmt st(m.db, "DELETE FROM doithoai_meta WHERE key = ?");
  sqlite3_bind_text(st.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st.get());
  if (rc != SQLITE_DONE) m.fail("erasing a setting", rc);
}

void SqliteStore::read_rows(std::uint64_t from, const RowVisitor& visit) const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  impl_->read_rows_locked(from, visit);
}

bool SqliteStore::load_snapshot(std::uint64_t& seq, std::string& image) const {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  const std::uint64_t last = m.last().first;
  Use u(m.snap_list);
  while (sqlite3_step(u.st) == SQLITE_ROW) {
    const auto s = static_cast<std::uint64_t>(sqlite3_column_int64(u.st, 0));
    if (s == 0 || s > last) continue;
    Hash h;
    if (!m.stored_hash(s, h) || h != blob_hash(u.st, 1)) continue;  // the log changed under it
    const Hash sum = blob_hash(u.st, 2);
    const auto* p = static_cast<const char*>(sqlite3_column_blob(u.st, 3));
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(u.st, 3));
    if (p && n > 0) {  // a one-blob image (files written before snapshot_chunks)
      if (sha256(p, n) != sum) continue;  // damaged: try an older one
      if (s < m.unchecked_below) {
        m.check_range_locked(s, m.unchecked_below);
        m.check_cache_locked(s + 1, m.unchecked_below);
      }
      m.unchecked_below = 1;
      seq = s;
      image.assign(p, n);
      return true;
    }
    // Chunked: append each chunk straight from SQLite's buffer, hashing as we go.
    image.clear();
    {
      Use z(m.snap_size);
      sqlite3_bind_int64(z.st, 1, static_cast<sqlite3_int64>(s));
      if (sqlite3_step(z.st) == SQLITE_ROW) {
        const auto total = static_cast<std::size_t>(sqlite3_column_int64(z.st, 0));
        image.reserve(total);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        // Fresh storage, not yet touched: huge pages make filling it far fewer page faults.
        const std::size_t huge = std::size_t(2) << 20;
        const auto b = (reinterpret_cast<std::uintptr_t>(image.data()) + huge - 1) & ~(huge - 1);
        const auto e = (reinterpret_cast<std::uintptr_t>(image.data()) + total) & ~(huge - 1);
        if (total >= 2 * huge && e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#endif
      }
    }
    // The image is hundreds of megabytes at millions of items: fault its pages in on a
    // second thread while this one copies and hashes the chunks into it.
    detail::Prefault prefault(image.data(), image.capacity());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr)) {
      EVP_MD_CTX_free(ctx);
      throw Error(ErrorCode::storage, "SHA-256 failed");
    }
    bool ok = true;
    {
      Use c(m.snap_chunks);
      sqlite3_bind_int64(c.st, 1, static_cast<sqlite3_int64>(s));
      std::int64_t expect = 0;
      int rc;
      while ((rc = sqlite3_step(c.st)) == SQLITE_ROW) {
        const auto* cp = static_cast<const char*>(sqlite3_column_blob(c.st, 1));
        const auto cn = static_cast<std::size_t>(sqlite3_column_bytes(c.st, 1));
        if (sqlite3_column_int64(c.st, 0) != expect++) ok = false;  // a chunk is missing
        if (!ok) break;
        if (cn) {
          EVP_DigestUpdate(ctx, cp, cn);
          image.append(cp, cn);
        }
      }
      if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE) {
        EVP_MD_CTX_free(ctx);
        m.fail("reading a snapshot", rc);
      }
    }
    Hash got{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, got.data(), &len);
    EVP_MD_CTX_free(ctx);
    if (!ok || image.empty() || got != sum) {  // damaged or incomplete: try an older one
      std::string().swap(image);
      continue;
    }
    if (s < m.unchecked_below) {
      m.check_range_locked(s, m.unchecked_below);
      m.check_cache_locked(s + 1, m.unchecked_below);
    }
    m.unchecked_below = 1;
    seq = s;
    return true;
  }
  // No usable snapshot: the caller replays everything, so check what open trusted.
  if (m.unchecked_below > 1) {
    m.check_range_locked(1, m.unchecked_below);
    m.check_cache_locked(1, m.unchecked_below);
  }
  m.unchecked_below = 1;
  return false;
}

void SqliteStore::save_snapshot(std::uint64_t seq, const std::string& image) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  try {
    m.begin_write();
    Hash anchor;
    if (seq == 0 || !m.stored_hash(seq, anchor))
      throw Error(ErrorCode::invalid_argument, "no event " + std::to_string(seq) + " to anchor a snapshot");
    const Hash sum = sha256(image.data(), image.size());
    {
      Use u(m.snap_insert);
      sqlite3_bind_int64(u.st, 1, static_cast<sqlite3_int64>(seq));
      sqlite3_bind_blob(u.st, 2, anchor.data(), 32, SQLITE_STATIC);
      sqlite3_bind_blob(u.st, 3, sum.data(), 32, SQLITE_STATIC);
      sqlite3_bind_zeroblob(u.st, 4, 0);  // the image is in snapshot_chunks
      const int rc = sqlite3_step(u.st);
      if (rc != SQLITE_DONE) m.fail("writing a snapshot", rc);
    }
    {
      Use d(m.snap_chunks_drop);  // leftovers of an earlier snapshot at this seq
      sqlite3_bind_int64(d.st, 1, static_cast<sqlite3_int64>(seq));
      const int rc = sqlite3_step(d.st);
      if (rc != SQLITE_DONE) m.fail("writing a snapshot", rc);
    }
    for (std::size_t off = 0, n = 0; off < image.size(); off += kSnapshotChunk, ++n) {
      Use c(m.snap_chunk_insert);
      sqlite3_bind_int64(c.st, 1, static_cast<sqlite3_int64>(seq));
      sqlite3_bind_int64(c.st, 2, static_cast<sqlite3_int64>(n));
      sqlite3_bind_blob64(c.st, 3, image.data() + off, std::min(kSnapshotChunk, image.size() - off), SQLITE_STATIC);
      const int rc = sqlite3_step(c.st);
      if (rc != SQLITE_DONE) m.fail("writing a snapshot", rc);
    }
    {
      // Keep the two newest: one may be damaged.
      Use u(m.snap_prune);
      Stmt older(m.db, "SELECT seq FROM snapshots WHERE seq < ? ORDER BY seq DESC LIMIT 1");
      sqlite3_bind_int64(older.get(), 1, static_cast<sqlite3_int64>(seq));
      if (sqlite3_step(older.get()) == SQLITE_ROW) {
        sqlite3_bind_int64(u.st, 1, sqlite3_column_int64(older.get(), 0));
        const int rc = sqlite3_step(u.st);
        if (rc != SQLITE_DONE) m.fail("pruning snapshots", rc);
        Use c(m.snap_chunks_prune);
        sqlite3_bind_int64(c.st, 1, sqlite3_column_int64(older.get(), 0));
        if (sqlite3_step(c.st) != SQLITE_DONE) m.fail("pruning snapshots", sqlite3_errcode(m.db));
      }
    }
    m.commit();
  } catch (...) {
    m.rollback_if_open();
    throw;
  }
}

VerifyReport SqliteStore::verify(const ProgressFn& progress) const {
  // Two passes over the rows (the chain, then the replay cache): progress counts both.
  const std::uint64_t rows = progress ? last_seq() : 0;
  VerifyReport rep = verify_rows(*this, 1, Hash{},
                                 progress ? ProgressFn([&](std::uint64_t done, std::uint64_t total) {
                                   progress(done, 2 * std::max(rows, total));
                                 })
                                          : ProgressFn{});
  if (!rep.ok) return rep;
  const std::uint64_t chain = rep.checked, total = chain + std::max(rows, chain);
  std::uint64_t cached = 0;
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  auto bad = [&](std::uint64_t seq, std::string problem) {
    rep.ok = false;
    rep.first_bad = seq;
    rep.problem = "row " + std::to_string(seq) + ": " + std::move(problem);
    return rep;
  };
  // Each row's replay cache against its truth: the same time, actor and key, and a binary
  // payload equal to the encoding of its JSON. A missing cache row shows as NULLs.
  Stmt st(m.db, m.version == 1
                    ? "SELECT seq, bin, type, version, payload, 1 FROM events ORDER BY seq"
                    : "SELECT e.seq, r.bin, e.type, e.version, e.payload,"
                      " r.at_us IS e.at_us AND r.actor IS e.actor AND r.idem_key IS e.idem_key"
                      " FROM events e LEFT JOIN replay r ON r.seq = e.seq ORDER BY e.seq");
  std::string enc;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    const auto seq = static_cast<std::uint64_t>(sqlite3_column_int64(st.get(), 0));
    if (sqlite3_column_type(st.get(), 1) == SQLITE_NULL) return bad(seq, "replay cache row is missing");
    if (sqlite3_column_int(st.get(), 5) != 1) return bad(seq, "replay cache differs from the row's time, actor or key");
    const auto* b = static_cast<const char*>(sqlite3_column_blob(st.get(), 1));
    const std::string stored = b ? std::string(b, static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 1))) : "";
    enc.clear();
    try {
      detail::encode_event(event_from_json(col_text(st.get(), 2), sqlite3_column_int(st.get(), 3),
                                           parse_json(col_text(st.get(), 4))),
                           enc);
    } catch (const Error&) {
      enc = "\xff";  // an unreadable payload never matches
    }
    if (enc != stored) return bad(seq, "replay cache differs from its JSON payload");
    if (progress && (++cached & 4095) == 0) progress(chain + cached, std::max(total, chain + cached));
  }
  if (rc != SQLITE_DONE) m.fail("verifying", rc);
  if (m.version >= 2) {  // cache rows with no event: replay would apply events the chain lacks
    Stmt extra(m.db, "SELECT min(seq) FROM replay WHERE seq NOT IN (SELECT seq FROM events)");
    if (sqlite3_step(extra.get()) == SQLITE_ROW && sqlite3_column_type(extra.get(), 0) != SQLITE_NULL)
      return bad(static_cast<std::uint64_t>(sqlite3_column_int64(extra.get(), 0)), "replay cache row has no event");
  }
  if (progress) progress(chain + cached, std::max(total, chain + cached));
  return rep;
}

std::unique_ptr<EventStore> open_store(const std::string& uri, const SqliteOptions& options) {
  if (uri == ":memory:" || uri == "memory:") return std::make_unique<MemoryStore>();
  if (uri.rfind("postgres://", 0) == 0 || uri.rfind("postgresql://", 0) == 0)
    throw Error(ErrorCode::unsupported,
                "PostgreSQL stores need the doithoai::postgres library: use PostgresStore (postgres_store.h)");
  if (uri.empty()) throw Error(ErrorCode::invalid_argument, "open_store needs a path");
  if (uri.rfind("sqlite:", 0) == 0) return std::make_unique<SqliteStore>(uri.substr(7), options);
  return std::make_unique<SqliteStore>(uri, options);
}

std::unique_ptr<Engine> open_engine(Profile profile, const std::string& uri, EngineOptions options,
                                    const SqliteOptions& store_options) {
  return std::make_unique<Engine>(std::move(profile), open_store(uri, store_options), std::move(options));
}

}  // namespace doithoai
