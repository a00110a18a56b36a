// store_bench: the store layer's speed targets (issue 4).
//   store_bench [events=1000000] [--no-postgres] [--only-open] [--only-append] [--lifecycle]
//   store_bench --open FILE [--full]     time opening a kept store (DOITHOAI_BENCH_KEEP=1)
//   store_bench --replay FILE            time a full replay of a kept store, snapshots ignored
// 1. Batched durable appends: SqliteStore vs raw SQLite inserting the same rows into the
//    same tables (WAL, synchronous=FULL, one transaction per batch), side by side; also
//    against raw inserts into the one-table layout of schema v1, for reference.
// 2. Per-command durable latency p50/p99 through the Engine on SQLite and on PostgreSQL
//    over a Unix socket (a throwaway server started here, fsync on).
// 3. Opening a store of `events` events: full replay rate, and with a snapshot.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "binary.h"
#include "doithoai/doithoai.h"
#include "lifecycle.h"
#ifdef DOITHOAI_BENCH_POSTGRES
#include "doithoai/postgres_store.h"
#include "../tests/postgres/pg_server.h"
#endif

using namespace doithoai;
using Clock_ = std::chrono::steady_clock;
namespace fs = std::filesystem;

static double secs(Clock_::time_point a, Clock_::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// A realistic mix for replay: an opinion with one item, then its assignment.
static Recorded synthetic(std::uint64_t seq) {
  const Instant t = from_micros(1668038400000000LL + static_cast<std::int64_t>(seq) * 1000);
  if (seq == 1) return {seq, t, kSystemActor, ev::UnitCreated{UnitId(1), "HN", "Thành phố Hà Nội", "tinh", UnitId(), Date(2022, 1, 1), false}};
  if (seq == 2) return {seq, t, kSystemActor, ev::AgencyCreated{AgencyId(1), UnitId(1), "", "Sở Tài nguyên và Môi trường", true}};
  const std::uint32_t k = static_cast<std::uint32_t>((seq - 3) / 2 + 1);
  if ((seq - 3) % 2 == 0)
    return {seq, t, PersonId(1),
            ev::OpinionSubmitted{OpinionId(k), ItemId(k), UnitId(1), ConferenceId(), Channel::letter, PersonId(1),
                                 OrganizationId(), UnitId(), Date(2022, 11, 10), "land",
                                 {{"land", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất số " + std::to_string(k)}},
                                 Date(2022, 12, 10)}};
  return {seq, t, PersonId(1), ev::ItemAssigned{ItemId(k), AgencyId(1), Date(2022, 12, 10), Date(2022, 11, 11)}};
}

static void fill(SqliteStore& s, std::uint64_t n, std::size_t batch) {
  Batch b;
  b.partition = UnitId(1);
  for (std::uint64_t seq = s.last_seq() + 1; seq <= n;) {
    b.events.clear();
    for (std::size_t i = 0; i < batch && seq <= n; ++i) b.events.push_back(synthetic(seq++));
    s.append(b);
  }
}

// The log of a working province instead: 100 wards, each item through its whole life as
// engine_bench runs it (submit, assign, reply, four deliveries, finding, close: 9 events),
// decided by an engine in memory and then written to the store in batches of 10,000.
static void fill_lifecycle(SqliteStore& s, std::uint64_t n) {
  auto clock = std::make_shared<ManualClock>(Instant(Date(2024, 3, 4), boost::posix_time::hours(2)));
  Engine engine(builtin_profile("hanoi-2200"), EngineOptions{nullptr, clock});
  const benchlife::Province province = benchlife::build_province(engine);
  benchlife::Lifecycle life(engine, province);
  for (std::size_t i = 0; engine.last_seq() < n; ++i) life.run(i);
  Batch b;
  b.partition = province.unit;
  for (std::uint64_t from = s.last_seq() + 1; from <= engine.last_seq();) {
    b.events = engine.events(from, 10000);
    from += b.events.size();
    s.append(b);
  }
}

static void raw_exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

// One raw SQLite run: the rows inserted with prepared statements, one transaction per
// batch, WAL and synchronous=FULL. two_tables: into the store's own schema (events plus the
// replay cache, what SqliteStore writes); otherwise into one table holding both (the
// schema v1 layout), for reference.
static double raw_rate(const std::string& path, const std::vector<StoredEvent>& rows,
                       const std::vector<std::string>& bins, std::size_t batch, bool two_tables) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  raw_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  if (two_tables)
    raw_exec(db,
             "CREATE TABLE events(seq INTEGER PRIMARY KEY, partition INTEGER NOT NULL, at_us INTEGER NOT NULL,"
             " actor INTEGER NOT NULL, type TEXT NOT NULL, version INTEGER NOT NULL, idem_key TEXT UNIQUE,"
             " payload TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
             "CREATE INDEX events_partition ON events(partition, seq);"
             "CREATE TABLE replay(seq INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, actor INTEGER NOT NULL,"
             " idem_key TEXT, bin BLOB NOT NULL);");
  else
    raw_exec(db,
             "CREATE TABLE events(seq INTEGER PRIMARY KEY, partition INTEGER NOT NULL, at_us INTEGER NOT NULL,"
             " actor INTEGER NOT NULL, type TEXT NOT NULL, version INTEGER NOT NULL, idem_key TEXT UNIQUE,"
             " bin BLOB NOT NULL, payload TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
             "CREATE INDEX events_partition ON events(partition, seq);");
  sqlite3_stmt* ins = nullptr;
  sqlite3_stmt* rep = nullptr;
  sqlite3_prepare_v2(db, two_tables ? "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?)"
                                    : "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, nullptr);
  if (two_tables) sqlite3_prepare_v2(db, "INSERT INTO replay VALUES(?,?,?,?,?)", -1, &rep, nullptr);
  const std::size_t n = rows.size();
  const auto t0 = Clock_::now();
  for (std::size_t i = 0; i < n;) {
    raw_exec(db, "BEGIN IMMEDIATE");
    for (std::size_t j = 0; j < batch && i < n; ++j, ++i) {
      const StoredEvent& e = rows[i];
      int c = 1;
      sqlite3_bind_int64(ins, c++, static_cast<sqlite3_int64>(e.seq));
      sqlite3_bind_int64(ins, c++, e.partition);
      sqlite3_bind_int64(ins, c++, e.at_us);
      sqlite3_bind_int64(ins, c++, e.actor);
      sqlite3_bind_text(ins, c++, e.type.data(), static_cast<int>(e.type.size()), SQLITE_STATIC);
      sqlite3_bind_int(ins, c++, e.version);
      sqlite3_bind_null(ins, c++);
      if (!two_tables) sqlite3_bind_blob(ins, c++, bins[i].data(), static_cast<int>(bins[i].size()), SQLITE_STATIC);
      sqlite3_bind_text(ins, c++, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_STATIC);
      sqlite3_bind_blob(ins, c++, e.prev_hash.data(), 32, SQLITE_STATIC);
      sqlite3_bind_blob(ins, c++, e.hash.data(), 32, SQLITE_STATIC);
      sqlite3_step(ins);
      sqlite3_reset(ins);
      if (two_tables) {
        sqlite3_bind_int64(rep, 1, static_cast<sqlite3_int64>(e.seq));
        sqlite3_bind_int64(rep, 2, e.at_us);
        sqlite3_bind_int64(rep, 3, e.actor);
        sqlite3_bind_null(rep, 4);
        sqlite3_bind_blob(rep, 5, bins[i].data(), static_cast<int>(bins[i].size()), SQLITE_STATIC);
        sqlite3_step(rep);
        sqlite3_reset(rep);
      }
    }
    raw_exec(db, "COMMIT");
  }
  const double rate = n / secs(t0, Clock_::now());
  sqlite3_finalize(ins);
  sqlite3_finalize(rep);
  sqlite3_close(db);
  return rate;
}

static void bench_batched(const fs::path& dir, std::size_t batch, std::uint64_t n) {
  // The rows as the store would write them, precomputed for the raw side.
  std::vector<StoredEvent> rows;
  std::vector<std::string> bins(n);
  Hash prev{};
  for (std::uint64_t s = 1; s <= n; ++s) {
    const Recorded r = synthetic(s);
    rows.push_back(make_stored(r, UnitId(1), "", prev));
    prev = rows.back().hash;
    detail::encode_event(r.event, bins[s - 1]);
  }
  const std::string tag = std::to_string(batch) + ".db";
  const double raw = raw_rate((dir / ("raw" + tag)).string(), rows, bins, batch, true);
  const double raw_v1 = raw_rate((dir / ("raw-v1-" + tag)).string(), rows, bins, batch, false);
  // The store, from the caller's batches of Recorded events (built before the clock
  // starts): JSON text, binary cache, hash chain and both inserts are in the timing.
  std::vector<Batch> batches;
  for (std::uint64_t s = 1; s <= n;) {
    Batch b;
    b.partition = UnitId(1);
    for (std::size_t j = 0; j < batch && s <= n; ++j) b.events.push_back(synthetic(s++));
    batches.push_back(std::move(b));
  }
  SqliteStore store((dir / ("store" + tag)).string());
  const auto t0 = Clock_::now();
  for (const Batch& b : batches) store.append(b);
  const double ours = n / secs(t0, Clock_::now());
  std::printf("batched appends, %5zu events/batch: raw SQLite %9.0f ev/s, SqliteStore %9.0f ev/s, ratio %.2f"
              " (raw into one v1-layout table %9.0f ev/s, ratio %.2f)\n",
              batch, raw, ours, ours / raw, raw_v1, ours / raw_v1);
}

static void latency(const char* name, Engine& e, int n) {
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock_::now();
    e.execute(kSystemActor, cmd::RegisterPerson{"Người " + std::to_string(i)});
    us.push_back(secs(t0, Clock_::now()) * 1e6);
  }
  std::sort(us.begin(), us.end());
  std::printf("per-command durable latency on %-10s p50 %7.0f us, p99 %7.0f us (%d commands)\n", name,
              us[us.size() / 2], us[us.size() * 99 / 100], n);
}

int main(int argc, char** argv) {
  std::uint64_t n = 1000000;
  bool postgres = true, only_open = false, only_append = false, lifecycle = false;
  if (argc >= 3 && std::strcmp(argv[1], "--replay") == 0) {
    // store_bench --replay FILE: the engine opens FILE ignoring its snapshots, so the whole
    // log is read from SQLite and applied (the "full replay" target). The open check is
    // since_snapshot and there is a snapshot, so the chain walk is out of the timing.
    struct NoSnapshots final : EventStore {
      std::unique_ptr<EventStore> s;
      std::uint64_t last_seq() const override { return s->last_seq(); }
      void append(const Batch& b) override { s->append(b); }
      void read(std::uint64_t from, const Visitor& v) const override { s->read(from, v); }
    };
    if (argc >= 4 && std::strcmp(argv[3], "--read-only") == 0) {  // the store's share: read + decode
      SqliteStore s(argv[2]);
      std::uint64_t count = 0;
      const auto t0 = Clock_::now();
      s.read(1, [&](const Recorded&, std::string_view) { return ++count, true; });
      const double r = secs(t0, Clock_::now());
      std::printf("read+decode only: %llu events in %.2f s, %.0f events/s\n", static_cast<unsigned long long>(count),
                  r, count / r);
      return 0;
    }
    auto store = std::make_unique<NoSnapshots>();
    store->s = std::make_unique<SqliteStore>(argv[2]);
    const auto t0 = Clock_::now();
    Engine e(builtin_profile("hanoi-2200"), std::move(store));
    const double r = secs(t0, Clock_::now());
    std::printf("full replay of %s: %llu events in %.2f s, %.0f events/s\n", argv[2],
                static_cast<unsigned long long>(e.last_seq()), r, e.last_seq() / r);
    return 0;
  }
  if (argc >= 3 && std::strcmp(argv[1], "--open") == 0) {
    // store_bench --open FILE [--full | --load-only]: time opening an existing store (e.g. one kept with
    // DOITHOAI_BENCH_KEEP=1), then replaying its whole log into a fresh state.
    SqliteOptions o;
    if (argc >= 4 && std::strcmp(argv[3], "--full") == 0) o.open_check = SqliteOptions::OpenCheck::full;
    if (argc >= 4 && std::strcmp(argv[3], "--load-only") == 0) {  // the store's share: find, read, check
      SqliteStore s(argv[2], o);
      std::uint64_t seq = 0;
      std::string image;
      const auto t0 = Clock_::now();
      const bool found = s.load_snapshot(seq, image);
      std::printf("load_snapshot: %s, %.0f MB in %.2f s\n", found ? "found" : "none", image.size() / 1e6,
                  secs(t0, Clock_::now()));
      return 0;
    }
    auto t0 = Clock_::now();
    auto store = std::make_unique<SqliteStore>(argv[2], o);
    const double v = secs(t0, Clock_::now());
    auto t1 = Clock_::now();
    Engine e(builtin_profile("hanoi-2200"), std::move(store));
    const double op = secs(t1, Clock_::now());
    std::printf("open %s: store %.2f s + engine %.2f s = %.2f s (%llu events)\n", argv[2], v, op, v + op,
                static_cast<unsigned long long>(e.last_seq()));
    t1 = Clock_::now();
    const State st = e.state_as_of(from_micros(INT64_MAX / 2));
    const double r = secs(t1, Clock_::now());
    std::printf("replay of the whole log (no chain check): %.2f s, %.0f events/s\n", r, e.last_seq() / r);
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-postgres") == 0) postgres = false;
    else if (std::strcmp(argv[i], "--only-open") == 0) only_open = true;
    else if (std::strcmp(argv[i], "--only-append") == 0) only_append = true;
    else if (std::strcmp(argv[i], "--lifecycle") == 0) lifecycle = true;
    else n = std::stoull(argv[i]);
  }
  const fs::path dir = fs::temp_directory_path() / ("doithoai-store-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const Profile profile = builtin_profile("hanoi-2200");

  if (!only_open) for (std::size_t batch : {10, 100, 1000}) bench_batched(dir, batch, batch == 10 ? 20000 : 200000);

  if (only_append) {
    fs::remove_all(dir);
    return 0;
  }
  if (!only_open) {
    auto e = open_engine(profile, (dir / "latency.db").string());
    latency("SQLite", *e, 2000);
  }
#ifdef DOITHOAI_BENCH_POSTGRES
  if (postgres && !only_open) {
    pgtest::Server server;
    Engine e(profile, std::make_unique<PostgresStore>(server.createdb("bench")));
    latency("PostgreSQL", e, 2000);
  }
#endif

  {
    const std::string path = (dir / "big.db").string();
    auto t0 = Clock_::now();
    {
      SqliteStore s(path);
      if (lifecycle) fill_lifecycle(s, n);
      else fill(s, n, 10000);
      n = s.last_seq();
    }
    std::printf("generated %llu events (%s) in %.1f s (%.0f ev/s, batches of 10000)\n", static_cast<unsigned long long>(n),
                lifecycle ? "full item lifecycles" : "opinion + assignment pairs", secs(t0, Clock_::now()),
                n / secs(t0, Clock_::now()));
    std::printf("file size %.0f MB\n", static_cast<double>(fs::file_size(path)) / 1e6);
    SqliteOptions tail, full;
    tail.open_check = SqliteOptions::OpenCheck::since_snapshot;
    full.open_check = SqliteOptions::OpenCheck::full;
    t0 = Clock_::now();
    { SqliteStore s(path, full); }
    const double verify_s = secs(t0, Clock_::now());
    std::printf("open with full chain verification (no replay): %.2f s (%.0f rows/s)\n", verify_s, n / verify_s);
    t0 = Clock_::now();
    {
      auto store = std::make_unique<SqliteStore>(path, tail);  // no snapshot yet: verifies all
      const double v = secs(t0, Clock_::now());
      auto t1 = Clock_::now();
      Engine e(profile, std::move(store));
      const double s = secs(t1, Clock_::now());
      std::printf("engine open without snapshot: verify %.2f s + replay %.2f s (replay %.0f events/s, total %.0f events/s)\n",
                  v, s, n / s, n / (s + v));
      t0 = Clock_::now();
      e.snapshot();
      std::printf("snapshot written in %.2f s\n", secs(t0, Clock_::now()));
    }
    {
      SqliteStore s(path, tail);
      if (lifecycle) fill_lifecycle(s, n + 1000);  // the same generator goes on where it stopped
      else fill(s, n + 1000, 1000);                // a tail after the snapshot
    }
    t0 = Clock_::now();
    {
      Engine e(profile, std::make_unique<SqliteStore>(path, tail));
      std::printf("engine open with snapshot + 1000-event tail (check since_snapshot): %.2f s\n", secs(t0, Clock_::now()));
    }
    t0 = Clock_::now();
    {
      Engine e(profile, std::make_unique<SqliteStore>(path, full));
      std::printf("engine open with snapshot + 1000-event tail (full chain check): %.2f s\n", secs(t0, Clock_::now()));
    }
  }
  std::error_code ec;
  if (std::getenv("DOITHOAI_BENCH_KEEP")) std::printf("kept %s\n", dir.string().c_str());
  else fs::remove_all(dir, ec);
  return 0;
}
