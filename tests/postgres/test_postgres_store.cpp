// The PostgreSQL store (issue 4) against a real server this binary starts itself:
// schema, conflicts, NOTIFY, snapshots, tampering, moving logs SQLite -> PostgreSQL ->
// SQLite, and many application servers (two processes, four threads each) sharing it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <libpq-fe.h>
#include <openssl/sha.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "binary.h"
#include "doithoai/postgres_attachments.h"
#include "doithoai/postgres_store.h"
#include "pg_server.h"
#include "store_support.h"

using namespace doithoai;
using namespace sx;

namespace {

pgtest::Server& server() {
  static pgtest::Server s;  // stopped by its destructor at exit, also after failures
  return s;
}
std::string fresh_db() {
  static int n = 0;
  return server().createdb("t" + std::to_string(++n) + "_" + std::to_string(getpid()));
}
Profile profile() { return builtin_profile("hanoi-2200"); }

// Runs SQL directly (tampering, inspection); returns rows of text columns.
std::vector<std::vector<std::string>> sql(const std::string& conninfo, const std::string& q) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, q.c_str());
  INFO(PQresultErrorMessage(r));
  const auto st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  std::vector<std::vector<std::string>> out;
  if (st == PGRES_TUPLES_OK)
    for (int i = 0; i < PQntuples(r); ++i) {
      out.emplace_back();
      for (int j = 0; j < PQnfields(r); ++j) out.back().push_back(PQgetvalue(r, i, j));
    }
  PQclear(r);
  PQfinish(c);
  REQUIRE(ok);
  return out;
}

std::string sha_hex(const std::string& s) {
  Hash h{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), h.data());
  return to_hex(h);
}

}  // namespace

TEST_CASE("postgres: the server starts (binaries present) and the schema is created and versioned on first use") {
  const std::string db = fresh_db();
  {
    PostgresStore store(db);
    REQUIRE(store.last_seq() == 0);
  }
  PostgresStore again(db);  // a second open finds the schema
  const auto v = sql(db, "SELECT value FROM doithoai_meta WHERE key = 'schema_version'");
  REQUIRE(v.at(0).at(0) == "1");
  const auto parts = sql(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'doithoai_events'::regclass");
  REQUIRE(std::stoi(parts.at(0).at(0)) == 16);
}

TEST_CASE("postgres: an engine reopened on the database has the same state; partitions carry gap-free sequences") {
  const std::string db = fresh_db();
  std::string image;
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    const Directory d = build_directory(e);
    workload(e, d, 3, "k-");
    e.execute(kSystemActor, cmd::CreateUnit{"Tỉnh Sơn La", "tinh", UnitId(), "SL"});
    image = image_of(e);
  }
  Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  REQUIRE(image_of(e) == image);
  const auto rows = sql(db, "SELECT partition, part_seq FROM doithoai_events ORDER BY seq");
  std::map<std::string, long> next;
  for (const auto& r : rows) REQUIRE(std::stol(r[1]) == ++next[r[0]]);
  REQUIRE(next.size() >= 2);  // Hà Nội, the directory (persons) and Sơn La
}

TEST_CASE("postgres: a batch that does not start at head+1 is refused with conflict and writes nothing") {
  const std::string db = fresh_db();
  PostgresStore store(db);
  Batch b;
  b.events.push_back(Recorded{2, at(2022, 11, 10), kSystemActor, ev::UnitRenamed{UnitId(1), "A", Date(2022, 11, 10)}});
  REQUIRE_ERROR(conflict, store.append(b));
  REQUIRE(store.last_seq() == 0);
  b.events[0].seq = 1;
  b.idempotency_key = "once";
  store.append(b);
  b.events[0].seq = 2;
  REQUIRE_ERROR(conflict, store.append(b));  // the key is taken
  REQUIRE(store.last_seq() == 1);
  REQUIRE(store.verify().ok);
}

TEST_CASE("postgres faults: a lost connection is a storage error, the state is unchanged, the next command reconnects") {
  const std::string db = fresh_db();
  Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  const Directory d = build_directory(e);
  const Command letter = cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(),
                                            Date(), "", {{"land", "Đề nghị sửa đèn đường ngõ 5"}}};
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    const std::string before = image_of(e);
    const std::uint64_t last = e.last_seq();
    // The server ends the engine's session, as a restart, a failover or an administrator would.
    const auto killed = sql(db, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                " WHERE datname = current_database() AND pid <> pg_backend_pid()) t");
    REQUIRE(std::stoi(killed[0][0]) >= 1);
    REQUIRE_ERROR(storage, e.execute(d.resident, letter));
    REQUIRE(e.last_seq() == last);
    REQUIRE(image_of(e) == before);
    const Result r = e.execute(d.resident, letter);  // a fresh connection: the command lands once
    REQUIRE(r.first_seq == last + 1);
    REQUIRE(e.last_seq() == last + 1);
  }
  PostgresStore check(db);
  REQUIRE(check.verify().ok);
  REQUIRE(check.last_seq() == e.last_seq());
  REQUIRE(replay_image(check) == image_of(e));
}

TEST_CASE("postgres: NOTIFY wakes another server, which catches up", "[threads]") {
  const std::string db = fresh_db();
  Engine a(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  auto store_b = std::make_unique<PostgresStore>(db);
  PostgresStore* listener = store_b.get();
  Engine b(profile(), std::move(store_b), options(sx::clock()));
  listener->wait_for_notification(std::chrono::milliseconds(0));  // starts listening
  REQUIRE_FALSE(listener->wait_for_notification(std::chrono::milliseconds(50)));
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    a.execute(kSystemActor, cmd::CreateUnit{"Tỉnh Sơn La", "tinh", UnitId(), "SL"});
  });
  const bool woke = listener->wait_for_notification(std::chrono::milliseconds(5000));
  writer.join();
  REQUIRE(woke);
  REQUIRE(b.last_seq() == 0);
  b.catch_up();
  REQUIRE(b.last_seq() == 1);
  REQUIRE(b.unit(UnitId(1)).name == "Tỉnh Sơn La");
}

TEST_CASE("postgres snapshot: opening reads the snapshot and replays only the tail; a damaged one is ignored") {
  const std::string db = fresh_db();
  std::uint64_t snap = 0;
  std::string image;
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    const Directory d = build_directory(e);
    workload(e, d, 2);
    snap = e.snapshot();
    workload(e, d, 1);
    image = image_of(e);
  }
  {
    auto c = std::make_unique<CountingStore>(std::make_unique<PostgresStore>(db));
    CountingStore* cs = c.get();
    Engine e(profile(), std::move(c), options(sx::clock()));
    REQUIRE(cs->snapshot_seq == snap);
    REQUIRE(cs->events_read == e.last_seq() - snap);
    REQUIRE(image_of(e) == image);
  }
  sql(db, "UPDATE doithoai_snapshots SET data = overlay(data placing '\\x00'::bytea from 40 for 1)");
  auto c = std::make_unique<CountingStore>(std::make_unique<PostgresStore>(db));
  CountingStore* cs = c.get();
  Engine e(profile(), std::move(c), options(sx::clock()));
  REQUIRE(cs->snapshot_seq == 0);
  REQUIRE(image_of(e) == image);
}

TEST_CASE("R20 postgres: tampering with a payload, deleting or reordering rows is detected") {
  const std::string db = fresh_db();
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    const Directory d = build_directory(e);
    workload(e, d, 1);
  }
  PostgresOptions forensic;
  forensic.skip_open_check = true;
  SECTION("payload byte") {
    sql(db, "UPDATE doithoai_events SET payload = replace(payload, '\"HN\"', '\"HX\"') WHERE seq = 1");
    REQUIRE(PostgresStore(db, forensic).verify().first_bad == 1);
  }
  SECTION("deleted row") {
    sql(db, "DELETE FROM doithoai_events WHERE seq = 7");
    REQUIRE(PostgresStore(db, forensic).verify().first_bad == 7);
  }
  SECTION("reordered rows") {
    sql(db, "UPDATE doithoai_events SET seq = CASE seq WHEN 8 THEN 9 ELSE 8 END WHERE seq IN (8, 9)");
    REQUIRE(PostgresStore(db, forensic).verify().first_bad == 8);
  }
  REQUIRE_FALSE(PostgresStore(db, forensic).verify().ok);
  REQUIRE_ERROR(corruption, PostgresStore(db));
}

TEST_CASE("R20 postgres: signed checkpoints find a deleted tail and a row rewritten with its chain recomputed",
          "[checkpoint]") {
  const std::string db = fresh_db();
  std::uint64_t last = 0;
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    const Directory d = build_directory(e);
    workload(e, d, 2);
    last = e.last_seq();
  }
  const CheckpointKey key = CheckpointKey::generate_ed25519("mttq-test");
  std::vector<Checkpoint> kept;
  {
    PostgresStore s(db);
    kept.push_back(issue_checkpoint(s, key, 5));
    kept.push_back(issue_checkpoint(s, key));
    REQUIRE(kept.back().seq == last);
    REQUIRE(verify_checkpoints(s, kept, key.public_only()).ok);
  }
  SECTION("deleted tail, with the head, partition counters and keys moved back") {
    const std::string n = std::to_string(last - 3);
    sql(db, "BEGIN; DELETE FROM doithoai_events WHERE seq > " + n +
                "; UPDATE doithoai_head SET last_seq = " + n +
                ", last_hash = (SELECT hash FROM doithoai_events WHERE seq = " + n +
                "); UPDATE doithoai_partitions p SET last_seq = coalesce((SELECT max(part_seq) FROM doithoai_events e"
                " WHERE e.partition = p.partition), 0); DELETE FROM doithoai_keys WHERE seq > " + n + "; COMMIT;");
    PostgresStore s(db);  // opens (and checks) cleanly
    REQUIRE(s.verify().ok);
    const CheckpointReport rep = verify_checkpoints(s, kept, key.public_only());
    INFO(rep.message);
    REQUIRE(rep.problem == CheckpointProblem::truncated);
    REQUIRE(rep.checkpoint_seq == last);
    REQUIRE(rep.last_seq == last - 3);
    REQUIRE(rep.confirmed_seq == 5);
  }
  SECTION("row 1 edited, every hash after it and the head recomputed") {
    PostgresOptions forensic;
    forensic.skip_open_check = true;
    std::vector<StoredEvent> rows;
    PostgresStore(db, forensic).read_rows(1, [&](const StoredEvent& e) {
      rows.push_back(e);
      return true;
    });
    REQUIRE(rows.size() == last);
    const auto at = rows[0].payload.find("\"HN\"");
    REQUIRE(at != std::string::npos);
    rows[0].payload.replace(at, 4, "\"HX\"");
    chain_rows(rows, Hash{});
    std::string bin;
    detail::encode_event(event_from_json(rows[0].type, rows[0].version, parse_json(rows[0].payload)), bin);
    std::string q = "BEGIN; UPDATE doithoai_events SET payload = $p$" + rows[0].payload + "$p$, bin = decode('" +
                    bytes_to_hex(bin) + "', 'hex') WHERE seq = 1;";
    for (const auto& e : rows)
      q += "UPDATE doithoai_events SET prev_hash = decode('" + to_hex(e.prev_hash) + "', 'hex'), hash = decode('" +
           to_hex(e.hash) + "', 'hex') WHERE seq = " + std::to_string(e.seq) + ";";
    q += "UPDATE doithoai_head SET last_hash = decode('" + to_hex(rows.back().hash) + "', 'hex'); COMMIT;";
    sql(db, q);
    PostgresStore s(db);  // opens (and checks) cleanly
    REQUIRE(s.verify().ok);
    const CheckpointReport rep = verify_checkpoints(s, kept, key.public_only());
    INFO(rep.message);
    REQUIRE(rep.problem == CheckpointProblem::rewritten);
    REQUIRE(rep.checkpoint_seq == 5);
    REQUIRE(rep.confirmed_seq == 0);
    REQUIRE(rep.findings.size() == 2);
  }
}

TEST_CASE("postgres: SQLite -> PostgreSQL -> SQLite as JSON Lines gives the same state and the same hashes") {
  TempDir dir;
  const std::string first = dir.file("first.db");
  {
    auto e = open_engine(profile(), first, options(sx::clock()));
    const Directory d = build_directory(*e);
    workload(*e, d, 3, "key-");
  }
  SqliteStore a(first);
  std::stringstream one;
  export_jsonl(a, one);
  const std::string db = fresh_db();
  PostgresStore pg(db);
  REQUIRE(import_jsonl(one, pg) == a.last_seq());
  REQUIRE(pg.head_hash() == a.head_hash());
  std::stringstream two;
  export_jsonl(pg, two);
  REQUIRE(two.str() == one.str());
  SqliteStore b(dir.file("second.db"));
  import_jsonl(two, b);
  REQUIRE(b.head_hash() == a.head_hash());
  REQUIRE(b.verify().ok);
  REQUIRE(replay_image(b) == replay_image(a));
  REQUIRE(replay_image(pg) == replay_image(a));
  Engine on_pg(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  REQUIRE(image_of(on_pg) == replay_image(a));
}

// ---- many application servers ----

namespace {

constexpr int kProvinces = 4;
constexpr int kThreads = 4;

struct Ward {
  UnitId unit;
  PersonId office, resident;
  AgencyId agencies[2];
  std::vector<ItemId> items;  // shared by every thread of both servers
};
struct Shared {
  std::vector<UnitId> provinces;
  std::vector<PersonId> fronts;  // the front chair of each province supervises its wards
  std::vector<Ward> wards;       // two per province
};

Shared setup(Engine& e) {
  Shared s;
  auto sys = [&](const Command& c) { return e.execute(kSystemActor, c).id; };
  for (int p = 0; p < kProvinces; ++p) {
    const UnitId prov(sys(cmd::CreateUnit{"Tỉnh " + std::to_string(p), "tinh", UnitId(), "P" + std::to_string(p)}));
    s.provinces.push_back(prov);
    const PersonId front(sys(cmd::RegisterPerson{"MTTQ tỉnh " + std::to_string(p)}));
    e.execute(kSystemActor, cmd::GrantRole{front, Role::front_chair, prov});
    s.fronts.push_back(front);
    for (int w = 0; w < 2; ++w) {
      Ward wd;
      const std::string n = std::to_string(p * 2 + w);
      wd.unit = UnitId(sys(cmd::CreateUnit{"Phường " + n, "xa", prov, "W" + n}));
      wd.agencies[0] = AgencyId(sys(cmd::CreateAgency{wd.unit, "Địa chính " + n}));
      wd.agencies[1] = AgencyId(sys(cmd::CreateAgency{wd.unit, "Trật tự đô thị " + n}));
      wd.office = PersonId(sys(cmd::RegisterPerson{"Văn phòng " + n}));
      e.execute(kSystemActor, cmd::GrantRole{wd.office, Role::office, wd.unit});
      wd.resident = PersonId(sys(cmd::RegisterPerson{"Người dân " + n}));
      for (int k = 0; k < 10; ++k)
        wd.items.push_back(e.execute(wd.resident, cmd::SubmitOpinion{wd.unit, ConferenceId(), Channel::letter, wd.resident,
                                                                     OrganizationId(), Date(), "", {{"land", "Kiến nghị " + std::to_string(k)}}})
                               .items[0]);
      s.wards.push_back(std::move(wd));
    }
  }
  return s;
}

// One application server: an engine on its own connection, kThreads threads issuing
// `per_thread` commands each on overlapping units, plus a listener catching up on NOTIFY.
// Reports over `out`: commands done, conflicts seen by callers; then, after the parent
// says all servers finished, the image of its caught-up state.
[[noreturn]] void app_server(const std::string& db, int proc, int per_thread, const Shared& s, int out, int in) {
  int rc = 0;
  try {
    EngineOptions o = options(sx::clock());
    o.max_conflict_retries = 8;
    auto store = std::make_unique<PostgresStore>(db);
    PostgresStore* listener = store.get();
    Engine e(profile(), std::move(store), o);
    std::atomic<long> done{0}, caller_conflicts{0}, errors{0};
    std::atomic<bool> stop{false};
    std::thread watch([&] {
      while (!stop) {
        if (listener->wait_for_notification(std::chrono::milliseconds(50))) e.catch_up();
      }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          const std::string key = "p" + std::to_string(proc) + "-t" + std::to_string(t) + "-" + std::to_string(i);
          // Commands on items every thread of both servers shares; each stays valid in any
          // interleaving, so every one must land exactly once.
          const int k = (proc * 7 + t * 3 + i) % 4;
          const std::size_t wi = static_cast<std::size_t>(i + t + proc) % s.wards.size();
          const Ward& w = s.wards[wi];
          const ItemId item = w.items[static_cast<std::size_t>(i * 3 + t) % w.items.size()];
          Command c;
          PersonId actor = w.office;
          if (k == 0) {
            c = cmd::Assign{item, w.agencies[(i + proc) % 2], std::nullopt};  // assign or reassign
          } else if (k == 1) {
            c = cmd::DecideIntake{item, Outcome::more_time, "Cần xác minh " + key};
          } else if (k == 2) {
            c = cmd::RecordFinding{item, "Giám sát " + key, (i % 2) == 0};
            actor = s.fronts[wi / 2];
          } else {
            c = cmd::SubmitOpinion{w.unit, ConferenceId(), Channel::online_portal, w.resident, OrganizationId(), Date(), "",
                                   {{"urban_order", "Kiến nghị mới " + key}}};  // races for the next item id
            actor = w.resident;
          }
          for (;;) {
            try {
              e.execute(actor, c, key);
              ++done;
              break;
            } catch (const Error& x) {
              if (x.code() != ErrorCode::conflict) {
                ++errors;
                break;
              }
              ++caller_conflicts;  // the engine ran out of retries: retry with the same key
            }
          }
        }
      });
    for (auto& th : threads) th.join();
    stop = true;
    watch.join();
    long report[3] = {done.load(), caller_conflicts.load(), errors.load()};
    if (write(out, report, sizeof report) != sizeof report) _exit(3);
    char go = 0;
    if (read(in, &go, 1) != 1) _exit(4);
    e.catch_up();
    const std::string hex = sha_hex(image_of(e));
    const std::uint64_t last = e.last_seq();
    if (write(out, &last, sizeof last) != sizeof last || write(out, hex.data(), 64) != 64) _exit(5);
  } catch (const std::exception& x) {
    fprintf(stderr, "app server %d: %s\n", proc, x.what());
    rc = 2;
  }
  _exit(rc);
}

}  // namespace

TEST_CASE("postgres many servers: two processes x four threads, 10,000 commands: nothing lost or duplicated, "
          "gap-free per partition, both converge to a serial replay", "[threads]") {
  const std::string db = fresh_db();
  Shared s;
  std::uint64_t setup_events = 0;
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    s = setup(e);
    setup_events = e.last_seq();
  }
  constexpr int kProcs = 2;
  const int total = 10000, per_thread = total / (kProcs * kThreads);
  int to_child[kProcs][2], from_child[kProcs][2];
  pid_t pids[kProcs];
  for (int p = 0; p < kProcs; ++p) {
    REQUIRE(pipe(to_child[p]) == 0);
    REQUIRE(pipe(from_child[p]) == 0);
    pids[p] = fork();
    REQUIRE(pids[p] >= 0);
    if (pids[p] == 0) {
      close(to_child[p][1]);
      close(from_child[p][0]);
      app_server(db, p, per_thread, s, from_child[p][1], to_child[p][0]);
    }
    close(to_child[p][0]);
    close(from_child[p][1]);
  }
  long done = 0, caller_conflicts = 0, errors = 0;
  for (int p = 0; p < kProcs; ++p) {
    long report[3] = {0, 0, 0};
    REQUIRE(read(from_child[p][0], report, sizeof report) == static_cast<ssize_t>(sizeof report));
    done += report[0];
    caller_conflicts += report[1];
    errors += report[2];
  }
  for (int p = 0; p < kProcs; ++p) REQUIRE(write(to_child[p][1], "g", 1) == 1);
  std::vector<std::string> images;
  std::vector<std::uint64_t> lasts;
  for (int p = 0; p < kProcs; ++p) {
    std::uint64_t last = 0;
    char hex[64];
    REQUIRE(read(from_child[p][0], &last, sizeof last) == static_cast<ssize_t>(sizeof last));
    REQUIRE(read(from_child[p][0], hex, 64) == 64);
    lasts.push_back(last);
    images.emplace_back(hex, 64);
    int status = 0;
    REQUIRE(waitpid(pids[p], &status, 0) == pids[p]);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
  }
  INFO("conflicts that reached callers: " << caller_conflicts);
  REQUIRE(errors == 0);
  REQUIRE(done == total);

  PostgresStore store(db);  // verifies the global chain: gap-free and untampered
  REQUIRE(store.verify().ok);
  REQUIRE(store.last_seq() == setup_events + static_cast<std::uint64_t>(total));  // one event per command
  // Every command's key exactly once.
  std::map<std::string, int> keys;
  store.read(setup_events + 1, [&](const Recorded&, std::string_view key) {
    ++keys[std::string(key)];
    return true;
  });
  REQUIRE(keys.size() == static_cast<std::size_t>(total));
  for (const auto& [k, n] : keys) REQUIRE(n == 1);
  // Gap-free per partition, in global order.
  const auto rows = sql(db, "SELECT partition, part_seq FROM doithoai_events ORDER BY seq");
  std::map<std::string, long> next;
  for (const auto& r : rows) REQUIRE(std::stol(r[1]) == ++next[r[0]]);
  REQUIRE(next.size() == kProvinces + 1);  // four provinces and the directory (persons)
  // Every item command landed on an item the servers shared, and new opinions got distinct ids.
  {
    Engine check(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    std::size_t items = 0;
    for (const Ward& w : s.wards)
      for (ItemId id : w.items) {
        const Item it = check.item(id);
        REQUIRE((it.status == ItemStatus::open || it.status == ItemStatus::assigned));
        items += 1;
      }
    std::size_t submitted = 0;  // the commands that were new opinions (k == 3 below)
    for (int p = 0; p < kProcs; ++p)
      for (int t = 0; t < kThreads; ++t)
        for (int i = 0; i < per_thread; ++i) submitted += (p * 7 + t * 3 + i) % 4 == 3;
    REQUIRE(check.read([](const State& st) { return st.item_count(); }) == items + submitted);
  }
  for (std::size_t p = 0; p < s.provinces.size(); ++p)
    REQUIRE(store.partition_seq(s.provinces[p]) == static_cast<std::uint64_t>(next[std::to_string(s.provinces[p].value)]));
  // Both servers converge to the state of a serial replay of the log.
  const std::string serial = sha_hex(replay_image(store));
  for (int p = 0; p < kProcs; ++p) {
    REQUIRE(lasts[static_cast<std::size_t>(p)] == store.last_seq());
    REQUIRE(images[static_cast<std::size_t>(p)] == serial);
  }
}

TEST_CASE("postgres: an idempotency key reused for another request is a conflict, also after reopening") {
  const std::string db = fresh_db();
  Directory d;
  Result first;
  auto letter = [&](const char* text) {
    return cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                              {{"land", text}}};
  };
  {
    Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
    d = build_directory(e);
    first = e.execute(d.office, letter("Một"), "portal-1");
    REQUIRE_ERROR(conflict, e.execute(d.office, letter("Hai"), "portal-1"));
  }
  REQUIRE(sql(db, "SELECT length(digest) FROM doithoai_keys WHERE key = 'portal-1'")[0][0] == "32");
  Engine e(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  REQUIRE_ERROR(conflict, e.execute(d.office, letter("Hai"), "portal-1"));
  REQUIRE(e.last_seq() == first.last_seq);
  const Result again = e.execute(d.office, letter("Một"), "portal-1");
  REQUIRE(again.replayed);
  REQUIRE(again.id == first.id);
  // A key from before digests (NULL) matches any request.
  sql(db, "UPDATE doithoai_keys SET digest = NULL");
  Engine old(profile(), std::make_unique<PostgresStore>(db), options(sx::clock()));
  REQUIRE(old.execute(d.office, letter("Hai"), "portal-1").replayed);
}

TEST_CASE("postgres: keys older than the idempotency window are found in doithoai_keys and replay") {
  const std::string db = fresh_db();
  EngineOptions o = options(sx::clock());
  o.idempotency_window = 2;
  Engine e(profile(), std::make_unique<PostgresStore>(db), o);
  const Directory d = build_directory(e);
  auto letter = [&](int k) {
    return cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                              {{"land", "Thư " + std::to_string(k)}}};
  };
  std::vector<Result> first;
  for (int k = 0; k < 6; ++k) first.push_back(e.execute(d.office, letter(k), "w-" + std::to_string(k)));
  const std::uint64_t last = e.last_seq();
  for (int k = 0; k < 6; ++k) {
    const Result again = e.execute(d.office, letter(k), "w-" + std::to_string(k));
    REQUIRE(again.replayed);
    REQUIRE(again.first_seq == first[static_cast<std::size_t>(k)].first_seq);
    REQUIRE(again.items == first[static_cast<std::size_t>(k)].items);
  }
  REQUIRE_ERROR(conflict, e.execute(d.office, letter(1), "w-0"));
  REQUIRE(e.last_seq() == last);
  PostgresStore store(db);
  std::uint64_t seq = 0;
  std::string digest;
  REQUIRE(store.find_idempotency_key("w-0", seq, digest));
  REQUIRE(seq == first[0].first_seq);
  REQUIRE(digest.size() == 32);
  REQUIRE_FALSE(store.find_idempotency_key("never", seq, digest));
}

TEST_CASE("postgres: an import with a bad line after 2,100 good ones writes nothing") {
  const std::string db = fresh_db();
  std::stringstream out;
  {
    TempDir dir;
    SqliteStore src(dir.file("src.db"));
    Batch b;
    for (std::uint64_t s = 1; s <= 2100; ++s)
      b.events.push_back(Recorded{s, at(2022, 9, 21), kSystemActor,
                                  ev::UnitRenamed{UnitId(1), "P" + std::to_string(s), Date(2022, 9, 21)}});
    b.events.push_back(Recorded{2101, at(2022, 9, 21), kSystemActor,
                                ev::UnitRenamed{UnitId(1), std::string(kMaxNameBytes + 1, 'x'), Date(2022, 9, 21)}});
    src.append(b);
    export_jsonl(src, out);
  }
  PostgresStore to(db);
  REQUIRE_ERROR(invalid_argument, import_jsonl(out, to));
  REQUIRE(to.last_seq() == 0);
  REQUIRE(sql(db, "SELECT count(*) FROM doithoai_events")[0][0] == "0");
}

TEST_CASE("postgres: a read in progress holds no append back (paged); it visits a gap-free prefix", "[threads]") {
  std::vector<Recorded> events;
  {
    Engine e(profile(), options(sx::clock()));
    build_directory(e);
    events = e.events(1, 1000);
  }
  PostgresOptions o;
  o.read_page = 4;  // several pages: the rows after the held one come from later queries
  PostgresStore store(fresh_db(), o);
  REQUIRE(store.reads_while_appending());
  auto batch = [&](std::size_t from, std::size_t to) {
    Batch b;
    for (std::size_t i = from; i < to; ++i) b.events.push_back(events[i]);
    return b;
  };
  store.append(batch(0, 10));
  std::mutex m;
  std::condition_variable cv;
  bool held = false, go = false;
  std::vector<std::uint64_t> seen;
  std::thread reader([&] {
    store.read(1, [&](const Recorded& r, std::string_view) {
      seen.push_back(r.seq);
      if (r.seq == 3) {
        std::unique_lock<std::mutex> l(m);
        held = true;
        cv.notify_all();
        cv.wait(l, [&] { return go; });
      }
      return r.seq < 12;  // stops inside the rows appended while it was held
    });
  });
  {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return held; });
  }
  auto appended = std::async(std::launch::async, [&] { store.append(batch(10, events.size())); });
  const bool done = appended.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  {
    std::lock_guard<std::mutex> l(m);
    go = true;
    cv.notify_all();
  }
  reader.join();
  appended.get();
  REQUIRE(done);  // the append committed while the read was held
  REQUIRE(seen == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  REQUIRE(store.last_seq() == events.size());
  REQUIRE(store.verify().ok);
}

// ---- evidence attachments in a table (issue 14) --------------------------------------------

TEST_CASE("R20 postgres: the attachment table stores content by SHA-256, once, and verify finds damage") {
  const std::string db = fresh_db();
  auto store = std::make_shared<PostgresAttachmentStore>(db, 1 << 20);
  const std::string bytes("\0\xff binary evidence \x01", 21);
  const std::string h = store->put(bytes);
  CHECK(h == sha256_hex(bytes));
  CHECK(store->put(bytes) == h);  // a no-op
  CHECK(store->get(h) == bytes);   // bytea round trip, NUL and high bytes included
  CHECK(store->has(h));
  CHECK(*store->size(h) == bytes.size());
  CHECK_FALSE(store->has(sha256_hex("other")));
  CHECK_THROWS_AS(store->get(sha256_hex("other")), Error);
  for (const char* bad : {"'; DROP TABLE doithoai_attachments; --", "", "ABC"}) {
    try {
      store->get(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
    }
  }
  try {
    store->put(std::string((1 << 20) + 1, 'x'));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_argument);
  }
  CHECK(sql(db, "SELECT count(*) FROM doithoai_attachments").at(0).at(0) == "1");

  // An engine on PostgreSQL with its evidence in the same database.
  EngineOptions o = options(sx::clock());
  o.attachments = store;
  Engine e(profile(), std::make_unique<PostgresStore>(db), o);
  const Directory d = build_directory(e);
  const Attachment a{"ảnh.jpg", "image/jpeg", bytes.size(), h, true};
  const auto r = e.execute(d.resident, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                           OrganizationId(), Date(), "", {{"urban_order", "x"}}, std::nullopt, {a}});
  CHECK(e.opinion(OpinionId(r.id)).attachments.size() == 1);
  Attachment missing = a;
  missing.sha256 = sha256_hex("never stored");
  try {
    e.execute(d.resident, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(),
                                             Date(), "", {{"urban_order", "x"}}, std::nullopt, {missing}});
    FAIL("accepted");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::not_found);
  }
  CHECK(e.verify_attachments().ok);
  sql(db, "UPDATE doithoai_attachments SET bytes = 'tampered'::bytea");
  auto rep = e.verify_attachments();
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::corrupt);
  sql(db, "DELETE FROM doithoai_attachments");
  rep = e.verify_attachments();
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::missing);
}

TEST_CASE("R20 postgres: two processes and many threads put the same content at once") {
  const std::string db = fresh_db();
  const std::string bytes(200 * 1024, 'e');
  { PostgresAttachmentStore first(db); }  // the table exists before the race on content
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int rc = 0;
    try {
      PostgresAttachmentStore s(db);
      for (int k = 0; k < 20; ++k)
        if (s.put(bytes) != sha256_hex(bytes)) rc = 1;
    } catch (...) {
      rc = 2;
    }
    _exit(rc);
  }
  std::vector<std::thread> ts;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([&] {
      PostgresAttachmentStore s(db);
      for (int k = 0; k < 20; ++k)
        if (s.put(bytes) != sha256_hex(bytes) || s.get(sha256_hex(bytes)) != bytes) ++wrong;
    });
  for (auto& t : ts) t.join();
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(wrong == 0);
  CHECK(sql(db, "SELECT count(*), sum(size) FROM doithoai_attachments").at(0) ==
        std::vector<std::string>{"1", std::to_string(bytes.size())});
}
