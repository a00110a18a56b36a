#include "doithoai/postgres_store.h"

#include <endian.h>
#include <libpq-fe.h>
#include <poll.h>

#include <openssl/evp.h>

#include <cstring>
#include <mutex>

#include "binary.h"
#include "doithoai/error.h"

namespace doithoai {

namespace {

constexpr int kSchemaVersion = 1;
constexpr int kHashPartitions = 16;
constexpr const char* kChannel = "doithoai_events";

// The schema, created once under an advisory lock.
std::string schema_sql() {
  std::string s = R"sql(
CREATE TABLE IF NOT EXISTS doithoai_meta(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS doithoai_head(
  id int PRIMARY KEY CHECK (id = 1), last_seq bigint NOT NULL, last_hash bytea NOT NULL);
INSERT INTO doithoai_head VALUES (1, 0, decode(repeat('00', 32), 'hex')) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS doithoai_partitions(partition bigint PRIMARY KEY, last_seq bigint NOT NULL);
CREATE TABLE IF NOT EXISTS doithoai_keys(key text PRIMARY KEY, seq bigint NOT NULL);
-- The request digest kept with a key (added in 0.3: NULL in older rows, which match any request).
ALTER TABLE doithoai_keys ADD COLUMN IF NOT EXISTS digest bytea;
CREATE TABLE IF NOT EXISTS doithoai_events(
  partition bigint NOT NULL,   -- top-level unit (province); 0: directory-wide
  part_seq  bigint NOT NULL,   -- gap-free per partition
  seq       bigint NOT NULL,   -- global, gap-free (doithoai_head)
  at_us     bigint NOT NULL,
  actor     bigint NOT NULL,
  type      text NOT NULL,
  version   int NOT NULL,
  idem_key  text,
  bin       bytea NOT NULL,    -- replay cache (derived from payload)
  payload   text NOT NULL,     -- JSON: the durable truth
  prev_hash bytea NOT NULL,
  hash      bytea NOT NULL,
  PRIMARY KEY (partition, part_seq)
) PARTITION BY HASH (partition);
CREATE INDEX IF NOT EXISTS doithoai_events_seq ON doithoai_events(seq);
CREATE TABLE IF NOT EXISTS doithoai_snapshots(
  seq bigint PRIMARY KEY, anchor bytea NOT NULL, checksum bytea NOT NULL, data bytea NOT NULL);
)sql";
  for (int i = 0; i < kHashPartitions; ++i)
    s += "CREATE TABLE IF NOT EXISTS doithoai_events_p" + std::to_string(i) +
         " PARTITION OF doithoai_events FOR VALUES WITH (MODULUS " + std::to_string(kHashPartitions) +
         ", REMAINDER " + std::to_string(i) + ");\n";
  s += "INSERT INTO doithoai_meta VALUES ('schema_version', '" + std::to_string(kSchemaVersion) +
       "'), ('hash_format', 'doithoai.event.v1') ON CONFLICT DO NOTHING;\n";
  return s;
}

struct ResultPtr {
  PGresult* r = nullptr;
  explicit ResultPtr(PGresult* p) : r(p) {}
  ~ResultPtr() { PQclear(r); }
  ResultPtr(const ResultPtr&) = delete;
  ResultPtr& operator=(const ResultPtr&) = delete;
};

std::uint64_t get_u64(const PGresult* r, int row, int col) {
  std::uint64_t v;
  std::memcpy(&v, PQgetvalue(r, row, col), 8);
  return be64toh(v);
}
std::int32_t get_i32(const PGresult* r, int row, int col) {
  std::uint32_t v;
  std::memcpy(&v, PQgetvalue(r, row, col), 4);
  return static_cast<std::int32_t>(be32toh(v));
}
std::string get_str(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}
Hash get_hash(const PGresult* r, int row, int col) {
  Hash h{};
  if (PQgetlength(r, row, col) == 32) std::memcpy(h.data(), PQgetvalue(r, row, col), 32);
  return h;
}
Hash sha256(const std::string& s) {
  Hash h{};
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), h.data(), &n, EVP_sha256(), nullptr);
  return h;
}

// Parameters in binary form (int8 big-endian, bytea raw, text raw).
class Params {
 public:
  void i64(std::int64_t v) {
    const std::uint64_t b = htobe64(static_cast<std::uint64_t>(v));
    add(std::string(reinterpret_cast<const char*>(&b), 8), 1);
  }
  void i32(std::int32_t v) {
    const std::uint32_t b = htobe32(static_cast<std::uint32_t>(v));
    add(std::string(reinterpret_cast<const char*>(&b), 4), 1);
  }
  void text(std::string s) { add(std::move(s), 1); }
  void bytes(std::string s) { add(std::move(s), 1); }
  void hash(const Hash& h) { add(std::string(reinterpret_cast<const char*>(h.data()), 32), 1); }
  void null() {
    store_.emplace_back();
    nulls_.push_back(true);
    formats_.push_back(1);
  }
  int n() const { return static_cast<int>(store_.size()); }
  const char* const* values() {
    ptrs_.clear();
    lens_.clear();
    for (std::size_t i = 0; i < store_.size(); ++i) {
      ptrs_.push_back(nulls_[i] ? nullptr : store_[i].data());
      lens_.push_back(static_cast<int>(store_[i].size()));
    }
    return ptrs_.data();
  }
  const int* lengths() const { return lens_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void add(std::string s, int fmt) {
    store_.push_back(std::move(s));
    nulls_.push_back(false);
    formats_.push_back(fmt);
  }
  std::vector<std::string> store_;
  std::vector<bool> nulls_;
  std::vector<int> formats_;
  std::vector<const char*> ptrs_;
  std::vector<int> lens_;
};

struct Statement {
  const char* name;
  const char* sql;
};
// Parameter types are given by casts in the SQL; results are fetched in binary.
const Statement kStatements[] = {
    {"head", "SELECT last_seq, last_hash FROM doithoai_head WHERE id = 1"},
    {"head_lock", "SELECT last_seq, last_hash FROM doithoai_head WHERE id = 1 FOR UPDATE"},
    {"head_set", "UPDATE doithoai_head SET last_seq = $1::int8, last_hash = $2::bytea WHERE id = 1"},
    {"part_lock",
     "INSERT INTO doithoai_partitions VALUES ($1::int8, 0) ON CONFLICT (partition) DO UPDATE"
     " SET last_seq = doithoai_partitions.last_seq RETURNING last_seq"},
    {"part_set", "UPDATE doithoai_partitions SET last_seq = $2::int8 WHERE partition = $1::int8"},
    {"part_get", "SELECT last_seq FROM doithoai_partitions WHERE partition = $1::int8"},
    {"key_add", "INSERT INTO doithoai_keys(key, seq, digest) VALUES ($1::text, $2::int8, $3::bytea)"},
    {"key_digest", "SELECT digest, seq FROM doithoai_keys WHERE key = $1::text"},
    {"insert",
     "INSERT INTO doithoai_events(partition, part_seq, seq, at_us, actor, type, version, idem_key, bin,"
     " payload, prev_hash, hash) VALUES ($1::int8, $2::int8, $3::int8, $4::int8, $5::int8, $6::text,"
     " $7::int4, $8::text, $9::bytea, $10::text, $11::bytea, $12::bytea)"},
    {"notify", "SELECT pg_notify($1::text, $2::text)"},
    {"replay",
     "SELECT seq, at_us, actor, idem_key, bin FROM doithoai_events WHERE seq >= $1::int8 ORDER BY seq"
     " LIMIT $2::int8"},
    {"rows",
     "SELECT e.seq, e.partition, e.at_us, e.actor, e.type, e.version, e.idem_key, e.payload, e.prev_hash, e.hash,"
     " k.digest FROM doithoai_events e LEFT JOIN doithoai_keys k ON k.key = e.idem_key AND k.seq = e.seq"
     " WHERE e.seq >= $1::int8 ORDER BY e.seq LIMIT $2::int8"},
    {"hash_at", "SELECT hash FROM doithoai_events WHERE seq = $1::int8"},
    {"snap_list", "SELECT seq, anchor, checksum, data FROM doithoai_snapshots WHERE seq <= $1::int8 ORDER BY seq DESC"},
    {"snap_put",
     "INSERT INTO doithoai_snapshots VALUES ($1::int8, $2::bytea, $3::bytea, $4::bytea)"
     " ON CONFLICT (seq) DO UPDATE SET anchor = EXCLUDED.anchor, checksum = EXCLUDED.checksum, data = EXCLUDED.data"},
    {"snap_prune",
     "DELETE FROM doithoai_snapshots WHERE seq < (SELECT min(seq) FROM"
     " (SELECT seq FROM doithoai_snapshots ORDER BY seq DESC LIMIT 2) newest)"},
};

}  // namespace

struct PostgresStore::Impl {
  std::string conninfo;
  PostgresOptions options;
  PGconn* conn = nullptr;
  PGconn* listen = nullptr;
  mutable std::mutex mutex;
  std::mutex listen_mutex;

  ~Impl() {
    if (conn) PQfinish(conn);
    if (listen) PQfinish(listen);
  }

  [[noreturn]] void fail(const std::string& what, const PGresult* r) const {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    const std::string code = state ? state : "";
    // Unique violations (a key or sequence taken meanwhile), serialization failures and
    // deadlocks mean another writer won: the caller catches up and retries.
    if (code == "23505" || code == "40001" || code == "40P01")
      throw Error(ErrorCode::conflict, "postgres " + what + ": " + msg);
    throw Error(ErrorCode::storage, "postgres " + what + ": " + msg);
  }

  void connect() {
    if (conn && PQstatus(conn) == CONNECTION_OK) return;
    if (conn) PQfinish(conn);
    conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string msg = PQerrorMessage(conn);
      PQfinish(conn);
      conn = nullptr;
      throw Error(ErrorCode::storage, "cannot connect to postgres: " + msg);
    }
    exec("SET client_min_messages = warning");
    ensure_schema();
    for (const auto& s : kStatements) {
      ResultPtr r(PQprepare(conn, s.name, s.sql, 0, nullptr));
      if (PQresultStatus(r.r) != PGRES_COMMAND_OK) fail(std::string("prepare ") + s.name, r.r);
    }
  }

  void exec(const char* sql) {
    ResultPtr r(PQexec(conn, sql));
    const auto st = PQresultStatus(r.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(std::string("exec ") + std::string(sql).substr(0, 40), r.r);
  }

  void ensure_schema() {
    exec("BEGIN");
    try {
      exec("SELECT pg_advisory_xact_lock(7265431)");  // one creator at a time
      exec(schema_sql().c_str());
      ResultPtr r(PQexec(conn, "SELECT value FROM doithoai_meta WHERE key = 'schema_version'"));
      if (PQresultStatus(r.r) != PGRES_TUPLES_OK || PQntuples(r.r) != 1) fail("reading the schema version", r.r);
      const std::string v = PQgetvalue(r.r, 0, 0);
      if (v != std::to_string(kSchemaVersion))
        throw Error(ErrorCode::unsupported, "database has store schema version " + v + ", this build reads " +
                                                std::to_string(kSchemaVersion));
      exec("COMMIT");
    } catch (...) {
      PQclear(PQexec(conn, "ROLLBACK"));
      throw;
    }
  }

  // Runs a prepared statement; results in binary.
  ResultPtr run(const char* name, Params& p, bool tuples) const {
    const char* const* values = p.values();  // fills lengths() too: call it first
    ResultPtr r(PQexecPrepared(conn, name, p.n(), values, p.lengths(), p.formats(), 1));
    const auto st = PQresultStatus(r.r);
    if (st != (tuples ? PGRES_TUPLES_OK : PGRES_COMMAND_OK)) fail(name, r.r);
    return ResultPtr(std::exchange(r.r, nullptr));
  }

  void begin() { exec("BEGIN"); }
  void commit() { exec("COMMIT"); }
  void rollback() noexcept {
    if (conn && PQtransactionStatus(conn) != PQTRANS_IDLE) PQclear(PQexec(conn, "ROLLBACK"));
  }

  std::pair<std::uint64_t, Hash> head(bool lock) const {
    Params p;
    ResultPtr r = run(lock ? "head_lock" : "head", p, true);
    if (PQntuples(r.r) != 1) throw Error(ErrorCode::corruption, "postgres store has no head row");
    return {get_u64(r.r, 0, 0), get_hash(r.r, 0, 1)};
  }

  bool hash_at(std::uint64_t seq, Hash& out) const {
    Params p;
    p.i64(static_cast<std::int64_t>(seq));
    ResultPtr r = run("hash_at", p, true);
    if (PQntuples(r.r) != 1) return false;
    out = get_hash(r.r, 0, 0);
    return true;
  }

  // Inserts rows (already hashed and chained) under the head lock; caller checked seq.
  void insert_rows(const std::vector<StoredEvent>& rows, const std::vector<std::string>& bins) {
    // Per-partition sequences, locking each partition row once.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> parts;
    auto part_next = [&](std::uint32_t partition) -> std::uint64_t {
      for (auto& pr : parts)
        if (pr.first == partition) return ++pr.second;
      Params p;
      p.i64(partition);
      ResultPtr r = run("part_lock", p, true);
      parts.emplace_back(partition, get_u64(r.r, 0, 0) + 1);
      return parts.back().second;
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const StoredEvent& e = rows[i];
      if (!e.idempotency_key.empty()) {
        Params k;
        k.text(e.idempotency_key);
        k.i64(static_cast<std::int64_t>(e.seq));
        if (e.idempotency_digest.empty()) k.null();
        else k.bytes(e.idempotency_digest);
        run("key_add", k, false);
      }
      Params p;
      p.i64(e.partition);
      p.i64(static_cast<std::int64_t>(part_next(e.partition)));
      p.i64(static_cast<std::int64_t>(e.seq));
      p.i64(e.at_us);
      p.i64(e.actor);
      p.text(e.type);
      p.i32(e.version);
      if (e.idempotency_key.empty()) p.null();
      else p.text(e.idempotency_key);
      p.bytes(bins[i]);
      p.text(e.payload);
      p.hash(e.prev_hash);
      p.hash(e.hash);
      run("insert", p, false);
    }
    for (const auto& pr : parts) {
      Params p;
      p.i64(pr.first);
      p.i64(static_cast<std::int64_t>(pr.second));
      run("part_set", p, false);
    }
    Params h;
    h.i64(static_cast<std::int64_t>(rows.back().seq));
    h.hash(rows.back().hash);
    run("head_set", h, false);
    Params n;
    n.text(kChannel);
    n.text(std::to_string(rows.back().seq));
    run("notify", n, true);
  }
};

PostgresStore::PostgresStore(const std::string& conninfo, PostgresOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->conninfo = conninfo;
  impl_->options = options;
  if (impl_->options.read_page < 1) impl_->options.read_page = 1;
  impl_->connect();
  if (!options.skip_open_check) {
    const VerifyReport rep = verify_rows(*this);
    if (!rep.ok)
      throw Error(ErrorCode::corruption, "postgres store fails verification at sequence " +
                                             std::to_string(rep.first_bad) + ": " + rep.problem);
  }
}

PostgresStore::~PostgresStore() = default;

std::uint64_t PostgresStore::last_seq() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  const_cast<Impl&>(*impl_).connect();
  return impl_->head(false).first;
}

Hash PostgresStore::head_hash() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  const_cast<Impl&>(*impl_).connect();
  return impl_->head(false).second;
}

std::uint64_t PostgresStore::partition_seq(UnitId partition) const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  Params p;
  p.i64(partition.value);
  ResultPtr r = impl_->run("part_get", p, true);
  return PQntuples(r.r) == 1 ? get_u64(r.r, 0, 0) : 0;
}

void PostgresStore::append(const Batch& batch) { append_group({&batch}); }

void PostgresStore::append_group(const std::vector<const Batch*>& batches) {
  std::vector<StoredEvent> rows;
  std::vector<std::string> bins;
  group_rows(batches, rows, bins);
  if (rows.empty()) return;
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  try {
    m.begin();
    const auto [last, head] = m.head(true);
    if (rows.front().seq != last + 1)
      throw Error(ErrorCode::conflict, "append expected sequence " + std::to_string(last + 1) + ", got " +
                                           std::to_string(rows.front().seq));
    chain_rows(rows, head);
    m.insert_rows(rows, bins);
    m.commit();
  } catch (...) {
    m.rollback();
    throw;
  }
}

void PostgresStore::append_rows(const std::vector<StoredEvent>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> bins(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) detail::encode_event(recorded_of(rows[i]).event, bins[i]);
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  try {
    m.begin();
    const auto [last, prev] = m.head(true);
    check_continues(rows, last, prev);
    m.insert_rows(rows, bins);
    m.commit();
  } catch (...) {
    m.rollback();
    throw;
  }
}

void PostgresStore::read(std::uint64_t from, const Visitor& visit) const {
  Impl& m = const_cast<Impl&>(*impl_);
  if (from < 1) from = 1;
  Recorded rec;
  for (;;) {
    // The connection is held only to fetch the page (a result outlives the query): appends
    // go on while the rows are visited. A later page starts after the last row visited,
    // so the rows form a gap-free prefix of the log, as one query would give.
    ResultPtr r = [&] {
      std::lock_guard<std::mutex> g(m.mutex);
      m.connect();
      Params p;
      p.i64(static_cast<std::int64_t>(from));
      p.i64(m.options.read_page);
      return m.run("replay", p, true);
    }();
    const int n = PQntuples(r.r);
    for (int i = 0; i < n; ++i) {
      rec.seq = get_u64(r.r, i, 0);
      rec.at = from_micros(static_cast<std::int64_t>(get_u64(r.r, i, 1)));
      rec.actor = PersonId(static_cast<std::uint32_t>(get_u64(r.r, i, 2)));
      const std::string_view key = PQgetisnull(r.r, i, 3) ? std::string_view()
                                                           : std::string_view(PQgetvalue(r.r, i, 3),
                                                                              static_cast<std::size_t>(PQgetlength(r.r, i, 3)));
      const char* b = PQgetvalue(r.r, i, 4);
      const int len = PQgetlength(r.r, i, 4);
      if (len < 1) throw Error(ErrorCode::corruption, "event " + std::to_string(rec.seq) + " has no replay data");
      detail::BinReader rd(b + 1, b + len);
      rec.event = detail::decode_event(rd, static_cast<unsigned char>(b[0]));
      if (!visit(rec, key)) return;
      from = rec.seq + 1;
    }
    if (n < m.options.read_page) return;
  }
}

bool PostgresStore::idempotency_digest(std::string_view key, std::string& digest) const {
  Impl& m = const_cast<Impl&>(*impl_);
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  Params p;
  p.text(std::string(key));
  ResultPtr r = m.run("key_digest", p, true);
  if (PQntuples(r.r) != 1 || PQgetisnull(r.r, 0, 0)) return false;
  digest = get_str(r.r, 0, 0);
  return true;
}

bool PostgresStore::find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const {
  Impl& m = const_cast<Impl&>(*impl_);
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  Params p;
  p.text(std::string(key));
  ResultPtr r = m.run("key_digest", p, true);  // doithoai_keys' primary key
  if (PQntuples(r.r) != 1) return false;
  digest = PQgetisnull(r.r, 0, 0) ? std::string() : get_str(r.r, 0, 0);
  seq = get_u64(r.r, 0, 1);
  return true;
}

void PostgresStore::read_rows(std::uint64_t from, const RowVisitor& visit) const {
  Impl& m = const_cast<Impl&>(*impl_);
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  if (from < 1) from = 1;
  StoredEvent e;
  for (;;) {
    Params p;
    p.i64(static_cast<std::int64_t>(from));
    p.i64(m.options.read_page);
    ResultPtr r = m.run("rows", p, true);
    const int n = PQntuples(r.r);
    for (int i = 0; i < n; ++i) {
      e.seq = get_u64(r.r, i, 0);
      e.partition = static_cast<std::uint32_t>(get_u64(r.r, i, 1));
      e.at_us = static_cast<std::int64_t>(get_u64(r.r, i, 2));
      e.actor = static_cast<std::uint32_t>(get_u64(r.r, i, 3));
      e.type = get_str(r.r, i, 4);
      e.version = get_i32(r.r, i, 5);
      e.idempotency_key = PQgetisnull(r.r, i, 6) ? std::string() : get_str(r.r, i, 6);
      e.payload = get_str(r.r, i, 7);
      e.prev_hash = get_hash(r.r, i, 8);
      e.hash = get_hash(r.r, i, 9);
      e.idempotency_digest = PQgetisnull(r.r, i, 10) ? std::string() : get_str(r.r, i, 10);
      if (!visit(e)) return;
      from = e.seq + 1;
    }
    if (n < m.options.read_page) return;
  }
}

bool PostgresStore::load_snapshot(std::uint64_t& seq, std::string& image) const {
  Impl& m = const_cast<Impl&>(*impl_);
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  Params p;
  p.i64(static_cast<std::int64_t>(m.head(false).first));
  ResultPtr r = m.run("snap_list", p, true);
  for (int i = 0; i < PQntuples(r.r); ++i) {
    const std::uint64_t s = get_u64(r.r, i, 0);
    std::string data = get_str(r.r, i, 3);
    if (sha256(data) != get_hash(r.r, i, 2)) continue;
    Hash h;
    if (!m.hash_at(s, h) || h != get_hash(r.r, i, 1)) continue;
    seq = s;
    image = std::move(data);
    return true;
  }
  return false;
}

void PostgresStore::save_snapshot(std::uint64_t seq, const std::string& image) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.mutex);
  m.connect();
  try {
    m.begin();
    Hash anchor;
    if (seq == 0 || !m.hash_at(seq, anchor))
      throw Error(ErrorCode::invalid_argument, "no event " + std::to_string(seq) + " to anchor a snapshot");
    Params p;
    p.i64(static_cast<std::int64_t>(seq));
    p.hash(anchor);
    p.hash(sha256(image));
    p.bytes(image);
    m.run("snap_put", p, false);
    Params none;
    m.run("snap_prune", none, false);
    m.commit();
  } catch (...) {
    m.rollback();
    throw;
  }
}

bool PostgresStore::wait_for_notification(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> g(m.listen_mutex);
  if (!m.listen || PQstatus(m.listen) != CONNECTION_OK) {
    if (m.listen) PQfinish(m.listen);
    m.listen = PQconnectdb(m.conninfo.c_str());
    if (PQstatus(m.listen) != CONNECTION_OK) {
      const std::string msg = PQerrorMessage(m.listen);
      PQfinish(m.listen);
      m.listen = nullptr;
      throw Error(ErrorCode::storage, "cannot connect to postgres to listen: " + msg);
    }
    ResultPtr r(PQexec(m.listen, (std::string("LISTEN ") + kChannel).c_str()));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
      throw Error(ErrorCode::storage, std::string("postgres LISTEN: ") + PQresultErrorMessage(r.r));
    // Whatever was appended before we listened is found by catching up anyway.
    return true;
  }
  auto drain = [&] {
    if (!PQconsumeInput(m.listen)) throw Error(ErrorCode::storage, std::string("postgres: ") + PQerrorMessage(m.listen));
    bool any = false;
    while (PGnotify* n = PQnotifies(m.listen)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  };
  if (drain()) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{PQsocket(m.listen), POLLIN, 0};
    const int rc = poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno != EINTR) throw Error(ErrorCode::storage, "poll failed while waiting for postgres");
    if (rc > 0 && drain()) return true;
  }
}

}  // namespace doithoai
