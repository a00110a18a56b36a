// group_commit_bench: durable commands per second with concurrent clients (issue 13).
//   group_commit_bench [seconds per run=1.5] [repetitions=3] [clients...=1 8 32 128]
// Each client thread runs items through their whole life (submit, assign, reply, four
// deliveries, a finding, close: 9 commands, bench/lifecycle.h) for a fixed time, on:
//  - the engine on a SqliteStore (WAL, synchronous=FULL) in /tmp: commands that arrive
//    while one commits are committed together (group commit), one sync per group;
//  - a naive relational baseline: plain SQLite (WAL, synchronous=FULL), one connection per
//    client, one transaction per command doing SELECT checks (role, item status), the
//    INSERT/UPDATEs and an audit row: what a hand-written CRUD backend would do.
// Both start from the same province (100 wards) and run in the same process, side by side;
// the figure of each cell is the median of the repetitions.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "doithoai/doithoai.h"
#include "lifecycle.h"

using namespace doithoai;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string tmp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("doithoai-gc-bench-" + std::to_string(getpid()) + "-" + name)).string();
}

void remove_db(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs `clients` threads calling body(client, n) with n = 0, 1, 2 ... until `seconds`
// passed; returns the total of what body returned (commands done) per second.
template <class Body>
double run_clients(int clients, double seconds, Body body) {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      long mine = 0;
      for (std::size_t n = 0; !stop.load(std::memory_order_relaxed); ++n) mine += body(c, n);
      done += mine;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return static_cast<double>(done.load()) / elapsed;
}

// ---- the engine ----

// A store file holding the province (built once without syncs, copied for every run).
std::string engine_template(benchlife::Province& province) {
  const std::string path = tmp_path("engine-template.db");
  remove_db(path);
  SqliteOptions fast;
  fast.sync = SqliteOptions::Sync::normal;
  auto e = open_engine(builtin_profile("hanoi-2200"), path, {}, fast);
  province = benchlife::build_province(*e);
  return path;
}

double engine_run(const std::string& templ, const benchlife::Province& province, int clients, double seconds) {
  const std::string path = tmp_path("engine.db");
  remove_db(path);
  fs::copy_file(templ, path);
  double rate = 0;
  {
    auto e = open_engine(builtin_profile("hanoi-2200"), path);  // synchronous=FULL (the default)
    std::vector<benchlife::Lifecycle> lives;
    lives.reserve(static_cast<std::size_t>(clients));
    for (int c = 0; c < clients; ++c) lives.emplace_back(*e, province);
    rate = run_clients(clients, seconds, [&](int c, std::size_t n) {
      lives[static_cast<std::size_t>(c)].run(n * static_cast<std::size_t>(clients) + static_cast<std::size_t>(c));
      return benchlife::Lifecycle::kCommands;
    });
  }
  remove_db(path);
  return rate;
}

// ---- the naive relational baseline ----

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

const char* kBaselineSchema = R"SQL(
CREATE TABLE units(id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent INTEGER);
CREATE TABLE agencies(id INTEGER PRIMARY KEY, unit INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE persons(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE roles(person INTEGER NOT NULL, role TEXT NOT NULL, unit INTEGER NOT NULL, agency INTEGER,
                   PRIMARY KEY(person, role, unit));
CREATE TABLE opinions(id INTEGER PRIMARY KEY, unit INTEGER NOT NULL, raised_by INTEGER NOT NULL,
                      channel TEXT NOT NULL, raised_at INTEGER NOT NULL);
CREATE TABLE items(id INTEGER PRIMARY KEY, opinion INTEGER NOT NULL, unit INTEGER NOT NULL, topic TEXT NOT NULL,
                   text TEXT NOT NULL, status TEXT NOT NULL, agency INTEGER, deadline INTEGER,
                   reply_number TEXT, reply_text TEXT, reply_signer INTEGER, delivered INTEGER NOT NULL DEFAULT 0,
                   closed_at INTEGER);
CREATE TABLE findings(id INTEGER PRIMARY KEY, item INTEGER NOT NULL, by INTEGER NOT NULL, text TEXT NOT NULL,
                      satisfactory INTEGER NOT NULL);
CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor INTEGER NOT NULL, type TEXT NOT NULL,
                   subject INTEGER NOT NULL, detail TEXT NOT NULL);
)SQL";

struct Conn {
  sqlite3* db = nullptr;
  explicit Conn(const std::string& path) {
    check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr),
          db, "open");
    sqlite3_busy_timeout(db, 600000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~Conn() { sqlite3_close_v2(db); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  void exec(const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }
};

struct Stmt {
  sqlite3_stmt* st = nullptr;
  sqlite3* db = nullptr;
  Stmt(sqlite3* d, const char* sql) : db(d) { check(sqlite3_prepare_v2(d, sql, -1, &st, nullptr), d, sql); }
  ~Stmt() { sqlite3_finalize(st); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, long long v) {
    sqlite3_bind_int64(st, i, v);
    return *this;
  }
  Stmt& bind(int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Steps once; true when a row came back.
  bool step() {
    const int rc = sqlite3_step(st);
    check(rc, db, "step");
    return rc == SQLITE_ROW;
  }
  long long col(int i) const { return sqlite3_column_int64(st, i); }
  void reset() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

// The province of lifecycle.h as rows (ids as the engine gives them: units, agencies and
// persons counted in creation order).
std::string baseline_template(const benchlife::Province& p) {
  const std::string path = tmp_path("baseline-template.db");
  remove_db(path);
  Conn c(path);
  c.exec(kBaselineSchema);
  c.exec("BEGIN");
  Stmt unit(c.db, "INSERT INTO units(id,name,parent) VALUES(?,?,NULL)");
  Stmt agency(c.db, "INSERT INTO agencies(id,unit,name) VALUES(?,?,'Địa chính')");
  Stmt person(c.db, "INSERT OR IGNORE INTO persons(id,name) VALUES(?,'người')");
  Stmt role(c.db, "INSERT INTO roles(person,role,unit,agency) VALUES(?,?,?,?)");
  auto add_role = [&](PersonId who, const char* r, UnitId u, AgencyId a) {
    person.bind(1, who.value).step();
    person.reset();
    role.bind(1, who.value).bind(2, std::string(r)).bind(3, u.value).bind(4, a.value).step();
    role.reset();
  };
  unit.bind(1, p.unit.value).bind(2, std::string("Tỉnh")).step();
  unit.reset();
  add_role(p.front, "front_chair", p.unit, AgencyId());
  for (const auto& w : p.wards) {
    unit.bind(1, w.unit.value).bind(2, std::string("Xã")).step();
    unit.reset();
    agency.bind(1, w.agency.value).bind(2, w.unit.value).step();
    agency.reset();
    add_role(w.office, "office", w.unit, AgencyId());
    add_role(w.officer, "agency_officer", w.unit, w.agency);
    add_role(w.resident, "resident", w.unit, AgencyId());
  }
  c.exec("COMMIT");
  return path;
}

// One client's connection and statements; each command is one transaction.
class NaiveClient {
 public:
  NaiveClient(const std::string& path, const benchlife::Province& p)
      : c_(path),
        p_(p),
        begin_(c_.db, "BEGIN IMMEDIATE"),
        commit_(c_.db, "COMMIT"),
        has_role_(c_.db, "SELECT 1 FROM roles WHERE person=? AND role=? AND unit=?"),
        officer_of_(c_.db, "SELECT 1 FROM roles WHERE person=? AND role='agency_officer' AND agency=?"),
        item_(c_.db, "SELECT status, agency, delivered, unit FROM items WHERE id=?"),
        agency_in_(c_.db, "SELECT 1 FROM agencies WHERE id=? AND unit=?"),
        opinion_(c_.db, "INSERT INTO opinions(unit,raised_by,channel,raised_at) VALUES(?,?,'online_portal',?)"),
        item_add_(c_.db, "INSERT INTO items(opinion,unit,topic,text,status,deadline) VALUES(?,?,'land',?,'open',?)"),
        assign_(c_.db, "UPDATE items SET status='assigned', agency=? WHERE id=?"),
        reply_(c_.db, "UPDATE items SET status='replied', reply_number=?, reply_text=?, reply_signer=? WHERE id=?"),
        deliver_(c_.db, "UPDATE items SET delivered = delivered | ? WHERE id=?"),
        finding_(c_.db, "INSERT INTO findings(item,by,text,satisfactory) VALUES(?,?,?,1)"),
        close_(c_.db, "UPDATE items SET status='closed', closed_at=? WHERE id=?"),
        audit_(c_.db, "INSERT INTO audit(at,actor,type,subject,detail) VALUES(?,?,?,?,?)") {}

  // Item i's whole life: 9 transactions.
  void run(std::size_t i) {
    const benchlife::Ward& w = p_.wards[i % p_.wards.size()];
    const std::string text = "Kiến nghị về cấp giấy chứng nhận quyền sử dụng đất số " + std::to_string(i);
    long long item = 0;
    tx([&] {
      require_role(w.resident, "resident", w.unit);
      opinion_.bind(1, w.unit.value).bind(2, w.resident.value).bind(3, now()).step();
      opinion_.reset();
      const long long op = sqlite3_last_insert_rowid(c_.db);
      item_add_.bind(1, op).bind(2, w.unit.value).bind(3, text).bind(4, now() + 30LL * 86400).step();
      item_add_.reset();
      item = sqlite3_last_insert_rowid(c_.db);
      audit(w.resident, "opinion_submitted", op, text);
    });
    tx([&] {
      require_role(w.office, "office", w.unit);
      require_item(item, "open");
      agency_in_.bind(1, w.agency.value).bind(2, w.unit.value);
      const bool ok = agency_in_.step();
      agency_in_.reset();
      if (!ok) throw std::runtime_error("agency not in unit");
      assign_.bind(1, w.agency.value).bind(2, item).step();
      assign_.reset();
      audit(w.office, "item_assigned", item, std::to_string(w.agency.value));
    });
    tx([&] {
      officer_of_.bind(1, w.officer.value).bind(2, w.agency.value);
      const bool ok = officer_of_.step();
      officer_of_.reset();
      if (!ok) throw std::runtime_error("not an officer of the agency");
      require_item(item, "assigned");
      reply_.bind(1, std::string("125/UBND-ĐC")).bind(2, std::string("Đã kiểm tra, cấp giấy chứng nhận trong tháng"))
          .bind(3, w.officer.value).bind(4, item).step();
      reply_.reset();
      audit(w.officer, "reply_written", item, "125/UBND-ĐC");
    });
    for (int r = 0; r < 4; ++r)
      tx([&] {
        require_role(w.office, "office", w.unit);
        require_item(item, "replied");
        deliver_.bind(1, 1LL << r).bind(2, item).step();
        deliver_.reset();
        audit(w.office, "reply_delivered", item, std::to_string(r));
      });
    tx([&] {
      require_role(p_.front, "front_chair", p_.unit);
      require_item(item, "replied");
      finding_.bind(1, item).bind(2, p_.front.value).bind(3, std::string("Đã giải quyết thỏa đáng")).step();
      finding_.reset();
      audit(p_.front, "finding_recorded", item, "satisfactory");
    });
    tx([&] {
      require_role(p_.front, "front_chair", p_.unit);
      const long long delivered = require_item(item, "replied");
      if (delivered != 15) throw std::runtime_error("not delivered to everyone");
      close_.bind(1, now()).bind(2, item).step();
      close_.reset();
      audit(p_.front, "item_closed", item, "");
    });
  }

 private:
  template <class F>
  void tx(F f) {
    begin_.step();
    begin_.reset();
    try {
      f();
      commit_.step();
      commit_.reset();
    } catch (...) {
      begin_.reset();
      commit_.reset();
      sqlite3_exec(c_.db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  static long long now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  void require_role(PersonId who, const char* role, UnitId unit) {
    has_role_.bind(1, who.value).bind(2, std::string(role)).bind(3, unit.value);
    const bool ok = has_role_.step();
    has_role_.reset();
    if (!ok) throw std::runtime_error(std::string("lacks role ") + role);
  }
  // The item's delivered bits; throws unless it has the status.
  long long require_item(long long id, const char* status) {
    item_.bind(1, id);
    if (!item_.step()) {
      item_.reset();
      throw std::runtime_error("no such item");
    }
    const std::string s(reinterpret_cast<const char*>(sqlite3_column_text(item_.st, 0)));
    const long long delivered = item_.col(2);
    item_.reset();
    if (s != status) throw std::runtime_error("item is " + s + ", not " + status);
    return delivered;
  }
  void audit(PersonId actor, const char* type, long long subject, const std::string& detail) {
    audit_.bind(1, now()).bind(2, actor.value).bind(3, std::string(type)).bind(4, subject).bind(5, detail).step();
    audit_.reset();
  }

  Conn c_;
  const benchlife::Province& p_;
  Stmt begin_, commit_, has_role_, officer_of_, item_, agency_in_, opinion_, item_add_, assign_, reply_, deliver_,
      finding_, close_, audit_;
};

double baseline_run(const std::string& templ, const benchlife::Province& province, int clients, double seconds) {
  const std::string path = tmp_path("baseline.db");
  remove_db(path);
  fs::copy_file(templ, path);
  double rate = 0;
  {
    std::vector<std::unique_ptr<NaiveClient>> conns;
    for (int c = 0; c < clients; ++c) conns.push_back(std::make_unique<NaiveClient>(path, province));
    rate = run_clients(clients, seconds, [&](int c, std::size_t n) {
      conns[static_cast<std::size_t>(c)]->run(n * static_cast<std::size_t>(clients) + static_cast<std::size_t>(c));
      return benchlife::Lifecycle::kCommands;
    });
  }
  remove_db(path);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.5;
  int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  std::vector<int> clients;
  for (int i = 3; i < argc; ++i) clients.push_back(std::atoi(argv[i]));
  if (clients.empty()) clients = {1, 8, 32, 128};
  if (seconds <= 0) seconds = 1.5;
  if (reps < 1) reps = 1;
  try {
    benchlife::Province province;
    const std::string engine_templ = engine_template(province);
    const std::string baseline_templ = baseline_template(province);
    std::printf("durable commands per second, SQLite synchronous=FULL in %s, %.1f s per run, median of %d\n",
                fs::temp_directory_path().c_str(), seconds, reps);
    std::printf("%8s %14s %14s %9s %12s\n", "clients", "engine", "naive SQL", "engine/", "engine vs");
    std::printf("%8s %14s %14s %9s %12s\n", "", "(group commit)", "(tx/command)", "naive", "1 client");
    double engine_one = 0;
    for (int n : clients) {
      std::vector<double> e, b;
      for (int r = 0; r < reps; ++r) {  // interleaved, so that both see the same machine
        e.push_back(engine_run(engine_templ, province, n, seconds));
        b.push_back(baseline_run(baseline_templ, province, n, seconds));
      }
      const double em = median(e), bm = median(b);
      if (n == clients.front()) engine_one = em;
      std::printf("%8d %14.0f %14.0f %8.1fx %11.1fx\n", n, em, bm, bm > 0 ? em / bm : 0,
                  engine_one > 0 ? em / engine_one : 0);
      std::fflush(stdout);
    }
    remove_db(engine_templ);
    remove_db(baseline_templ);
  } catch (const std::exception& x) {
    std::fprintf(stderr, "group_commit_bench: %s\n", x.what());
    return 1;
  }
  return 0;
}
