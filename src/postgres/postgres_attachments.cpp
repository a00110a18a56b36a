// Evidence bytes in a PostgreSQL table (issue 14): include/doithoai/postgres_attachments.h.
#include "doithoai/postgres_attachments.h"

#include <libpq-fe.h>

#include <mutex>

#include "doithoai/error.h"

namespace doithoai {
namespace {
struct Result {
  PGresult* r = nullptr;
  explicit Result(PGresult* x) : r(x) {}
  ~Result() { PQclear(r); }
};
void check_hash(std::string_view h) {
  if (!is_sha256_hex(h))
    throw Error(ErrorCode::invalid_argument, "an attachment hash is 64 lowercase hex digits (SHA-256)");
}
}  // namespace

struct PostgresAttachmentStore::Impl {
  std::mutex m;
  PGconn* conn = nullptr;
  std::uint64_t max_bytes = 0;
  ~Impl() {
    if (conn) PQfinish(conn);
  }
  [[noreturn]] void fail(const std::string& what, const PGresult* r) {
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw Error(ErrorCode::storage, "postgres attachments " + what + ": " + msg);
  }
  // Reconnects a connection the server dropped, once, before a statement.
  void ready() {
    if (PQstatus(conn) != CONNECTION_OK) PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) fail("connection", nullptr);
  }
  // One statement with text or binary parameters; binary results when asked.
  Result exec(const char* sql, std::initializer_list<std::string_view> params, std::initializer_list<int> binary,
              int result_format, ExecStatusType want) {
    ready();
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    auto b = binary.begin();
    for (auto p : params) {
      values.push_back(p.data());
      lengths.push_back(static_cast<int>(p.size()));
      formats.push_back(b != binary.end() ? *b++ : 0);
    }
    Result r(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), lengths.data(),
                          formats.data(), result_format));
    if (PQresultStatus(r.r) != want) fail(sql, r.r);
    return r;
  }
};

PostgresAttachmentStore::PostgresAttachmentStore(const std::string& conninfo, std::uint64_t max_bytes)
    : impl_(std::make_unique<Impl>()) {
  impl_->max_bytes = max_bytes;
  impl_->conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(impl_->conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(impl_->conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw Error(ErrorCode::storage, "cannot connect to postgres: " + msg);
  }
  PQsetNoticeProcessor(impl_->conn, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
  std::lock_guard<std::mutex> g(impl_->m);
  // Concurrent first users: CREATE TABLE IF NOT EXISTS may still race on the catalog, so
  // take a transaction-scoped advisory lock first.
  impl_->exec("BEGIN", {}, {}, 0, PGRES_COMMAND_OK);
  try {
    impl_->exec("SELECT pg_advisory_xact_lock(7204120014)", {}, {}, 0, PGRES_TUPLES_OK);
    impl_->exec("CREATE TABLE IF NOT EXISTS doithoai_attachments (sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'), "
                "size bigint NOT NULL CHECK (size > 0), bytes bytea NOT NULL)",
                {}, {}, 0, PGRES_COMMAND_OK);
    impl_->exec("COMMIT", {}, {}, 0, PGRES_COMMAND_OK);
  } catch (...) {
    PQclear(PQexec(impl_->conn, "ROLLBACK"));
    throw;
  }
}

PostgresAttachmentStore::~PostgresAttachmentStore() = default;

std::string PostgresAttachmentStore::put(std::string_view bytes) {
  if (bytes.empty()) throw Error(ErrorCode::invalid_argument, "an attachment holds at least one byte");
  if (bytes.size() > impl_->max_bytes)
    throw Error(ErrorCode::invalid_argument, "an attachment of " + std::to_string(bytes.size()) +
                                                 " bytes is over the store's limit of " + std::to_string(impl_->max_bytes));
  const std::string h = sha256_hex(bytes);
  const std::string n = std::to_string(bytes.size());
  std::lock_guard<std::mutex> g(impl_->m);
  impl_->exec("INSERT INTO doithoai_attachments (sha256, size, bytes) VALUES ($1, $2::bigint, $3) "
              "ON CONFLICT (sha256) DO NOTHING",
              {h, n, bytes}, {0, 0, 1}, 0, PGRES_COMMAND_OK);
  return h;
}

std::string PostgresAttachmentStore::get(std::string_view sha256) const {
  check_hash(sha256);
  std::lock_guard<std::mutex> g(impl_->m);
  Result r = impl_->exec("SELECT bytes FROM doithoai_attachments WHERE sha256 = $1", {sha256}, {0}, 1, PGRES_TUPLES_OK);
  if (PQntuples(r.r) == 0) throw Error(ErrorCode::not_found, "no attachment " + std::string(sha256));
  return std::string(PQgetvalue(r.r, 0, 0), static_cast<std::size_t>(PQgetlength(r.r, 0, 0)));
}

bool PostgresAttachmentStore::has(std::string_view sha256) const { return size(sha256).has_value(); }

std::optional<std::uint64_t> PostgresAttachmentStore::size(std::string_view sha256) const {
  check_hash(sha256);
  std::lock_guard<std::mutex> g(impl_->m);
  Result r = impl_->exec("SELECT size FROM doithoai_attachments WHERE sha256 = $1", {sha256}, {0}, 0, PGRES_TUPLES_OK);
  if (PQntuples(r.r) == 0) return std::nullopt;
  return static_cast<std::uint64_t>(std::stoull(PQgetvalue(r.r, 0, 0)));
}

}  // namespace doithoai
