// The SQLite store (issue 4): durability across reopening, conflicts, idempotency,
// snapshots, tamper evidence (R20), I/O faults and moving logs between stores.
#include <openssl/sha.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <fstream>
#include <future>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>

#include "binary.h"
#include "support/fault_vfs.h"
#include "store_support.h"

using namespace doithoai;
using namespace sx;

namespace {

Profile profile() { return builtin_profile("hanoi-2200"); }

}  // namespace

TEST_CASE("sqlite: an engine reopened on its file has the same state and sequence") {
  TempDir dir;
  const std::string path = dir.file("log.db");
  std::string before;
  std::uint64_t last = 0;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    const Directory d = build_directory(*e);
    workload(*e, d, 5);
    before = image_of(*e);
    last = e->last_seq();
    REQUIRE(last > 50);
  }
  auto again = open_engine(profile(), path, options(sx::clock()));
  REQUIRE(again->last_seq() == last);
  REQUIRE(image_of(*again) == before);
  SqliteStore store(path);
  REQUIRE(store.verify().ok);
  REQUIRE(store.verify().checked == last);
}

TEST_CASE("sqlite: open_store gives memory for :memory:, SQLite for a path, and refuses postgres URIs") {
  TempDir dir;
  REQUIRE(dynamic_cast<MemoryStore*>(open_store(":memory:").get()) != nullptr);
  REQUIRE(dynamic_cast<SqliteStore*>(open_store(dir.file("a.db")).get()) != nullptr);
  REQUIRE(dynamic_cast<SqliteStore*>(open_store("sqlite:" + dir.file("b.db")).get()) != nullptr);
  REQUIRE_ERROR(unsupported, open_store("postgresql://localhost/x"));
  REQUIRE_ERROR(storage, open_store(dir.file("no/such/dir/c.db")));
  // A file that is not a doithoai store is refused, not taken over.
  raw_sql(dir.file("other.db"), "CREATE TABLE t(x)");
  SqliteOptions no_create;
  no_create.create = false;
  REQUIRE_ERROR(storage, SqliteStore(dir.file("missing.db"), no_create));
}

TEST_CASE("sqlite: named settings live in doithoai_meta, survive reopening and leave the chain alone") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  Hash head{};
  {
    SqliteStore store(path);
    head = store.head_hash();
    REQUIRE_FALSE(store.setting("profile").has_value());
    store.set_setting("profile", "{\"name\": \"hanoi-2200\", \"title\": \"Quy định 2200\"}");
    store.set_setting("profile", "hanoi-2200");  // replaces
    store.set_setting("app.note-1", "Phường Bồ Đề");
    store.erase_setting("app.note-1");
    store.erase_setting("never-set");
    REQUIRE(store.setting("schema_version") == std::optional<std::string>("2"));
    // Bad keys and values, and the store's own keys, are refused and change nothing.
    REQUIRE_ERROR(invalid_argument, store.set_setting("", "x"));
    REQUIRE_ERROR(invalid_argument, store.set_setting("a key", "x"));
    REQUIRE_ERROR(invalid_argument, store.set_setting(std::string(129, 'k'), "x"));
    REQUIRE_ERROR(invalid_argument, store.setting("bad/key"));
    REQUIRE_ERROR(invalid_argument, store.set_setting("profile", "\xff\xfe"));
    REQUIRE_ERROR(invalid_argument, store.set_setting("schema_version", "9"));
    REQUIRE_ERROR(invalid_argument, store.erase_setting("hash_format"));
  }
  SqliteStore again(path);
  REQUIRE(again.setting("profile") == std::optional<std::string>("hanoi-2200"));
  REQUIRE_FALSE(again.setting("app.note-1").has_value());
  REQUIRE(again.setting("schema_version") == std::optional<std::string>("2"));
  REQUIRE(again.head_hash() == head);
  REQUIRE(again.verify().ok);
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore reader(path, ro);
  REQUIRE(reader.setting("profile") == std::optional<std::string>("hanoi-2200"));
  REQUIRE_ERROR(unsupported, reader.set_setting("profile", "vn-2025"));
  REQUIRE_ERROR(unsupported, reader.erase_setting("profile"));
}

TEST_CASE("sqlite: rows carry partition, instant, actor, type, version, JSON payload and chained hashes") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  SqliteStore store(path);
  std::vector<StoredEvent> rows;
  store.read_rows(1, [&](const StoredEvent& e) {
    rows.push_back(e);
    return true;
  });
  REQUIRE(rows.size() == store.last_seq());
  REQUIRE(rows[0].prev_hash == Hash{});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    REQUIRE(rows[i].seq == i + 1);
    if (i) REQUIRE(rows[i].prev_hash == rows[i - 1].hash);
    REQUIRE(event_hash(rows[i]) == rows[i].hash);
    const Recorded r = recorded_of(rows[i]);
    REQUIRE(rows[i].type == event_type(r.event));
  }
  REQUIRE(rows[0].type == "unit_created");
  REQUIRE(rows[0].partition == 1);      // the province created first is its own partition
  REQUIRE(rows.back().partition == 1);  // everything of the ward belongs to Hà Nội
  REQUIRE(rows[0].actor == kSystemActor.value);
  REQUIRE(rows[0].payload.find("\"Thành phố Hà Nội\"") != std::string::npos);
  REQUIRE(store.head_hash() == rows.back().hash);
}

TEST_CASE("sqlite: the hash covers exactly the documented bytes") {
  StoredEvent e;
  e.seq = 1;
  e.at_us = 1664506800000000;
  e.actor = 7;
  e.partition = 1;
  e.type = "unit_renamed";
  e.version = 1;
  e.payload = R"({"name":"X","on":"2022-09-30","unit":3})";
  std::string bytes = "doithoai.event.v1";
  auto be = [&](std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  be(1, 8);
  be(1664506800000000, 8);
  be(7, 4);
  be(1, 4);
  be(12, 4);
  bytes += "unit_renamed";
  be(1, 4);
  be(0, 4);
  be(e.payload.size(), 4);
  bytes += e.payload;
  bytes.append(32, '\0');
  // SHA-256 of exactly those bytes, computed here independently of event_hash.
  Hash expected{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), expected.data());
  const Hash h = event_hash(e);
  REQUIRE(h == expected);
  StoredEvent f = e;
  f.payload[10] = 'Y';
  REQUIRE(event_hash(f) != h);
  REQUIRE(to_hex(h).size() == 64);
  REQUIRE(hash_from_hex(to_hex(h)) == h);
  REQUIRE(bytes.size() == 17 + 8 + 8 + 4 + 4 + 4 + 12 + 4 + 4 + 4 + e.payload.size() + 32);
}

TEST_CASE("sqlite: a batch that does not start at last_seq+1 is refused with conflict and writes nothing") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  SqliteStore store(path);
  const std::uint64_t last = store.last_seq();
  const Hash head = store.head_hash();
  Batch b;
  b.events.push_back(Recorded{last, at(2022, 9, 21), kSystemActor, ev::UnitRenamed{UnitId(1), "A", Date(2022, 9, 21)}});
  REQUIRE_ERROR(conflict, store.append(b));
  b.events[0].seq = last + 2;
  REQUIRE_ERROR(conflict, store.append(b));
  REQUIRE(store.last_seq() == last);
  REQUIRE(store.head_hash() == head);
  b.events[0].seq = last + 1;
  store.append(b);
  REQUIRE(store.last_seq() == last + 1);
}

TEST_CASE("sqlite: two engines on one file: the second catches up and decides again") {
  TempDir dir;
  const std::string path = dir.file("shared.db");
  auto a = open_engine(profile(), path, options(sx::clock()));
  const Directory d = build_directory(*a);
  auto b = open_engine(profile(), path, options(sx::clock()));
  REQUIRE(b->last_seq() == a->last_seq());
  // a appends; b has not seen it and decides on a stale state: its append conflicts, it
  // catches up, decides again and both opinions exist with distinct ids.
  const Result ra = a->execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                            OrganizationId(), Date(), "", {{"land", "Một"}}});
  const Result rb = b->execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                            OrganizationId(), Date(), "", {{"land", "Hai"}}});
  REQUIRE(ra.id != rb.id);
  REQUIRE(rb.first_seq == ra.last_seq + 1);
  a->catch_up();
  REQUIRE(image_of(*a) == image_of(*b));
  REQUIRE(a->item(rb.items.at(0)).text == "Hai");
}

TEST_CASE("sqlite: an idempotency key is stored once; a retry after reopening returns the first result") {
  TempDir dir;
  const std::string path = dir.file("idem.db");
  Result first;
  Directory d;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    d = build_directory(*e);
    first = e->execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                    OrganizationId(), Date(), "", {{"land", "Một"}}},
                       "portal-42");
  }
  auto e = open_engine(profile(), path, options(sx::clock()));
  const Result again = e->execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                               OrganizationId(), Date(), "", {{"land", "Một"}}},
                                  "portal-42");
  REQUIRE(again.replayed);
  REQUIRE(again.id == first.id);
  REQUIRE(again.first_seq == first.first_seq);
  REQUIRE(e->last_seq() == first.last_seq);
  // The store itself refuses a second row with the same key (another process's retry).
  SqliteStore store(path);
  Batch b;
  b.idempotency_key = "portal-42";
  b.events.push_back(Recorded{store.last_seq() + 1, at(2022, 9, 21), kSystemActor,
                              ev::UnitRenamed{d.ward, "A", Date(2022, 9, 21)}});
  REQUIRE_ERROR(conflict, store.append(b));
  REQUIRE(store.last_seq() == first.last_seq);
}

TEST_CASE("sqlite snapshot: opening reads the snapshot and replays only the tail") {
  TempDir dir;
  const std::string path = dir.file("snap.db");
  std::uint64_t snap = 0;
  std::string full;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    const Directory d = build_directory(*e);
    workload(*e, d, 4, "a-");
    snap = e->snapshot();
    REQUIRE(snap == e->last_seq());
    workload(*e, d, 1, "b-");
    full = image_of(*e);
  }
  auto counting = std::make_unique<CountingStore>(std::make_unique<SqliteStore>(path));
  CountingStore* c = counting.get();
  Engine e(profile(), std::move(counting), options(sx::clock()));
  REQUIRE(c->snapshot_seq == snap);
  REQUIRE(c->events_read == e.last_seq() - snap);
  REQUIRE(image_of(e) == full);
  // Idempotency keys from before the snapshot still match.
  SqliteStore raw(path);
  REQUIRE(image_of(e) == replay_image(raw));
}

TEST_CASE("sqlite snapshot: idempotency keys recorded before a snapshot still replay after reopening") {
  TempDir dir;
  const std::string path = dir.file("snapkeys.db");
  Result first;
  Directory d;
  const auto submit = [&](Engine& e) {
    return e.execute(d.office, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                  OrganizationId(), Date(), "", {{"land", "Một"}}},
                     "k-before");
  };
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    d = build_directory(*e);
    first = submit(*e);
    workload(*e, d, 1);
    e->snapshot();
  }
  auto counting = std::make_unique<CountingStore>(std::make_unique<SqliteStore>(path));
  CountingStore* c = counting.get();
  Engine e(profile(), std::move(counting), options(sx::clock()));
  REQUIRE(c->events_read == 0);
  const Result again = submit(e);
  REQUIRE(again.replayed);
  REQUIRE(again.id == first.id);
}

TEST_CASE("sqlite snapshot: snapshot_every writes snapshots as commands commit") {
  TempDir dir;
  const std::string path = dir.file("every.db");
  std::string full;
  {
    auto e = open_engine(profile(), path, options(sx::clock(), 25));
    const Directory d = build_directory(*e);
    workload(*e, d, 4);
    full = image_of(*e);
  }
  auto counting = std::make_unique<CountingStore>(std::make_unique<SqliteStore>(path));
  CountingStore* c = counting.get();
  Engine e(profile(), std::move(counting), options(sx::clock()));
  REQUIRE(c->snapshot_seq > 0);
  REQUIRE(c->snapshot_seq + c->events_read == e.last_seq());
  REQUIRE(e.last_seq() - c->snapshot_seq < 25 + 12);  // at most one interval (plus a command) behind
  REQUIRE(image_of(e) == full);
}

TEST_CASE("sqlite snapshot: a snapshot that fails its checksum is ignored and the log replayed") {
  TempDir dir;
  const std::string path = dir.file("badsnap.db");
  std::string full;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    const Directory d = build_directory(*e);
    workload(*e, d, 3);
    e->snapshot();
    full = image_of(*e);
  }
  // Flip one byte in the middle of the image (its first chunk).
  raw_sql(path,
          "UPDATE snapshot_chunks SET data = substr(data, 1, length(data)/2) || "
          "CASE WHEN substr(data, length(data)/2 + 1, 1) = x'00' THEN x'01' ELSE x'00' END || "
          "substr(data, length(data)/2 + 2) WHERE n = 0");
  auto counting = std::make_unique<CountingStore>(std::make_unique<SqliteStore>(path));
  CountingStore* c = counting.get();
  Engine e(profile(), std::move(counting), options(sx::clock()));
  REQUIRE(c->snapshot_seq == 0);
  REQUIRE(c->events_read == e.last_seq());
  REQUIRE(image_of(e) == full);
}

TEST_CASE("sqlite snapshot: an image that passes its checksum but does not decode is ignored") {
  TempDir dir;
  const std::string path = dir.file("foreign.db");
  std::uint64_t last = 0;
  std::string full;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    const Directory d = build_directory(*e);
    workload(*e, d, 1);
    last = e->last_seq();
    full = image_of(*e);
  }
  {
    SqliteStore s(path);
    s.save_snapshot(last, "DTSNAP\x63garbage");  // another format, valid checksum
  }
  auto counting = std::make_unique<CountingStore>(std::make_unique<SqliteStore>(path));
  CountingStore* c = counting.get();
  Engine e(profile(), std::move(counting), options(sx::clock()));
  REQUIRE(c->snapshot_seq == last);
  REQUIRE(c->events_read == last);  // replayed everything instead
  REQUIRE(image_of(e) == full);
}

TEST_CASE("sqlite snapshot: an image with a date code out of range (found by fuzz_snapshot) is refused, not decoded") {
  // fuzz_snapshot's input: a date code of -2^63 in an item's extension, whose decoding
  // overflowed (undefined behaviour) before date_from_code checked its range.
  std::ifstream in(std::string(DOITHOAI_SOURCE_DIR) + "/fuzz/corpus/fuzz_snapshot/crash-date-overflow.bin",
                   std::ios::binary);
  REQUIRE(in);
  std::stringstream image;
  image << in.rdbuf();
  detail::StateImpl s;
  std::unordered_map<std::string, Result> idem;
  REQUIRE_ERROR(corruption, detail::read_snapshot(image.str(), s, idem));
  REQUIRE_ERROR(corruption, detail::date_from_code(std::numeric_limits<std::int64_t>::min()));
  REQUIRE_ERROR(corruption, detail::date_from_code(-1));
  REQUIRE_ERROR(corruption, detail::date_from_code(detail::kMaxDayCode + 1));
  REQUIRE(detail::date_from_code(detail::kMaxDayCode) == Date(9999, 12, 31));
  REQUIRE(detail::date_from_code(detail::date_code(min_date())) == min_date());
  REQUIRE(detail::date_from_code(0).is_special());
}

// ---- R20: tampering ----

TEST_CASE("R20 tampering with a payload byte is detected by verify() and by opening") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_sql(path, "UPDATE events SET payload = replace(payload, 'Hà Nội', 'Hà Nậi') WHERE seq = 1");
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore forensic(path, ro);
  const VerifyReport rep = forensic.verify();
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.first_bad == 1);
  REQUIRE_ERROR(corruption, SqliteStore(path));
  REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
}

TEST_CASE("R20 tampering with a later row's payload names that row") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_sql(path, "UPDATE events SET payload = replace(payload, 'Rác', 'Rac') WHERE seq = (SELECT seq FROM events WHERE type = 'opinion_submitted' ORDER BY seq DESC LIMIT 1 OFFSET 1)");
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore forensic(path, ro);
  std::uint64_t expected = 0;
  forensic.read_rows(1, [&](const StoredEvent& e) {
    if (e.payload.find("Rac th") != std::string::npos) expected = e.seq;
    return true;
  });
  REQUIRE(expected > 1);
  const VerifyReport rep = forensic.verify();
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.first_bad == expected);
  REQUIRE_ERROR(corruption, SqliteStore(path));
}

TEST_CASE("R20 deleting a row is detected by verify() and by opening") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_sql(path, "DELETE FROM events WHERE seq = 10");
  SqliteOptions ro;
  ro.read_only = true;
  const VerifyReport rep = SqliteStore(path, ro).verify();
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.first_bad == 10);
  REQUIRE_ERROR(corruption, SqliteStore(path));
}

TEST_CASE("R20 deleting the last rows is detected against a kept head hash") {
  // Truncating the tail leaves a valid shorter chain: only a head hash kept elsewhere
  // (published, countersigned) shows it. head_hash() is what to keep.
  TempDir dir;
  const std::string path = make_store(dir);
  Hash published;
  {
    SqliteStore s(path);
    published = s.head_hash();
  }
  raw_sql(path, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)");
  SqliteStore s(path);
  REQUIRE(s.head_hash() != published);
}

TEST_CASE("R20 reordering rows is detected by verify() and by opening") {
  TempDir dir;
  const std::string path = make_store(dir);
  // Swap the contents of rows 20 and 21 (keeping their sequence numbers).
  raw_sql(path,
          "CREATE TEMP TABLE t AS SELECT * FROM events WHERE seq IN (20, 21);"
          "DELETE FROM events WHERE seq IN (20, 21);"
          "INSERT INTO events SELECT CASE seq WHEN 20 THEN 21 ELSE 20 END, partition, at_us, actor, type, version,"
          " idem_key, payload, prev_hash, hash, idem_digest FROM t;");
  SqliteOptions ro;
  ro.read_only = true;
  const VerifyReport rep = SqliteStore(path, ro).verify();
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.first_bad == 20);
  REQUIRE_ERROR(corruption, SqliteStore(path));
}

TEST_CASE("R20 changing a row's replay cache is found by verify()") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_sql(path, "UPDATE replay SET bin = (SELECT bin FROM replay WHERE seq = 2) WHERE seq = 3");
  REQUIRE_ERROR(corruption, SqliteStore(path));  // opening for writing checks the cache it would replay
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore s(path, ro);  // the chain (over the JSON truth) is intact
  const VerifyReport rep = s.verify();
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.first_bad == 3);
}

TEST_CASE("R20 a missing, extra or altered replay cache row is found by verify() and never replayed") {
  TempDir dir;
  const std::string path = make_store(dir);
  std::uint64_t last = 0;
  {
    SqliteStore s(path);
    last = s.last_seq();
    REQUIRE(s.verify().ok);
  }
  SECTION("a deleted cache row: verify names it, and replay refuses the gap") {
    raw_sql(path, "DELETE FROM replay WHERE seq = 7");
    SqliteOptions ro;
    ro.read_only = true;
    SqliteStore s(path, ro);
    const VerifyReport rep = s.verify();
    REQUIRE_FALSE(rep.ok);
    REQUIRE(rep.first_bad == 7);
    REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
  }
  SECTION("a cache row whose time was changed") {
    raw_sql(path, "UPDATE replay SET at_us = at_us + 1 WHERE seq = 9");
    SqliteOptions ro;
    ro.read_only = true;
    const VerifyReport rep = SqliteStore(path, ro).verify();
    REQUIRE_FALSE(rep.ok);
    REQUIRE(rep.first_bad == 9);
  }
  SECTION("a cache row past the log's end: verify names it and reading stops at the log's end") {
    raw_sql(path, "INSERT INTO replay SELECT seq + " + std::to_string(last) + ", at_us, actor, NULL, bin FROM replay WHERE seq = " +
                      std::to_string(last));
    SqliteStore s(path);
    const VerifyReport rep = s.verify();
    REQUIRE_FALSE(rep.ok);
    REQUIRE(rep.first_bad == 2 * last);
    std::uint64_t seen = 0;
    s.read(1, [&](const Recorded& r, std::string_view) { return seen = r.seq, true; });
    REQUIRE(seen == last);
  }
}

TEST_CASE("sqlite: a schema v1 file is read in place read-only and migrated once when opened for writing") {
  TempDir dir;
  const std::string path = make_store(dir);
  std::string state;
  std::uint64_t last = 0;
  Hash head;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    state = image_of(*e);
    last = e->last_seq();
    head = dynamic_cast<const SqliteStore&>(e->store()).head_hash();
  }
  // Rebuild the v1 layout: the replay cache as a column of events, no replay table.
  raw_sql(path,
          "ALTER TABLE events ADD COLUMN bin BLOB;"
          "UPDATE events SET bin = (SELECT bin FROM replay r WHERE r.seq = events.seq);"
          "DROP TABLE replay;"
          "UPDATE doithoai_meta SET value = '1' WHERE key = 'schema_version';");
  {
    SqliteOptions ro;
    ro.read_only = true;
    auto e = open_engine(profile(), path, options(sx::clock()), ro);
    REQUIRE(image_of(*e) == state);
    SqliteStore s(path, ro);
    REQUIRE(s.verify().ok);
  }
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    REQUIRE(e->last_seq() == last);
    REQUIRE(dynamic_cast<const SqliteStore&>(e->store()).head_hash() == head);
    REQUIRE(image_of(*e) == state);
    e->execute(kSystemActor, cmd::RegisterPerson{"Người mới"});
  }
  SqliteStore s(path);
  REQUIRE(s.verify().ok);
  REQUIRE(s.last_seq() == last + 1);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT (SELECT value FROM doithoai_meta WHERE key='schema_version'),"
                                 " (SELECT count(*) FROM replay), (SELECT count(*) FROM pragma_table_info('events') WHERE name='bin')",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "2");
  CHECK(static_cast<std::uint64_t>(sqlite3_column_int64(st, 1)) == last + 1);
  CHECK(sqlite3_column_int(st, 2) == 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("R20 a read-only store opens a broken chain for forensics and refuses appends") {
  TempDir dir;
  const std::string path = make_store(dir);
  raw_sql(path, "DELETE FROM events WHERE seq = 5");
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore s(path, ro);
  Batch b;
  b.events.push_back(Recorded{s.last_seq() + 1, at(2022, 9, 21), kSystemActor,
                              ev::UnitRenamed{UnitId(1), "A", Date(2022, 9, 21)}});
  REQUIRE_ERROR(unsupported, s.append(b));
}

// ---- I/O faults ----

namespace {
struct FaultScope {
  FaultScope() {
    testing::register_fault_vfs();
    testing::clear_faults();
  }
  ~FaultScope() { testing::clear_faults(); }
};
SqliteOptions faulty() {
  SqliteOptions o;
  o.vfs = testing::kFaultVfsName;
  return o;
}
Command letter(const Directory& d, const std::string& text) {
  return cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                            {{"land", text}}};
}
}  // namespace

TEST_CASE("sqlite fault at open becomes a storage error") {
  FaultScope scope;
  TempDir dir;
  testing::arm_fault(testing::FaultPoint::open, 1);
  REQUIRE_ERROR(storage, SqliteStore(dir.file("f.db"), faulty()));
  REQUIRE(testing::faults_fired() == 1);
  testing::clear_faults();
  SqliteStore ok(dir.file("f.db"), faulty());
  REQUIRE(ok.last_seq() == 0);
}

TEST_CASE("sqlite: Sync::full syncs the log at every commit, Sync::normal does not (and still keeps every command)") {
  FaultScope scope;
  TempDir dir;
  for (const auto sync : {SqliteOptions::Sync::full, SqliteOptions::Sync::normal}) {
    const bool full = sync == SqliteOptions::Sync::full;
    INFO((full ? "full" : "normal"));
    const std::string path = dir.file(full ? "full.db" : "normal.db");
    SqliteOptions o = faulty();
    o.sync = sync;
    std::uint64_t last = 0;
    {
      auto e = open_engine(profile(), path, options(sx::clock()), o);
      const Directory d = build_directory(*e);
      // Every sync fails from now on: a commit that syncs fails with a storage error.
      testing::arm_fault(testing::FaultPoint::sync, 1, -1);
      bool storage_error = false;
      try {
        e->execute(d.office, letter(d, "Đồng bộ"));
      } catch (const Error& x) {
        storage_error = x.code() == ErrorCode::storage;
      }
      const int fired = testing::faults_fired();
      testing::clear_faults();
      REQUIRE(storage_error == full);
      REQUIRE((fired > 0) == full);
      if (!full) {  // the commit returned without a sync; a few more do the same
        for (int i = 0; i < 5; ++i) e->execute(d.office, letter(d, "Không đồng bộ " + std::to_string(i)));
      }
      last = e->last_seq();
    }
    // Closing checkpoints: everything acknowledged is in the file either way.
    SqliteStore again(path, o);
    REQUIRE(again.last_seq() == last);
    REQUIRE(again.verify().ok);
  }
}

TEST_CASE("sqlite faults at write, sync and commit become storage errors; state is unchanged; the next command succeeds") {
  FaultScope scope;
  TempDir dir;
  const std::string path = dir.file("faults.db");
  auto e = open_engine(profile(), path, options(sx::clock()), faulty());
  const Directory d = build_directory(*e);
  struct Case {
    testing::FaultPoint point;
    int nth;
    const char* what;
  };
  // write #1: the first WAL frame; sync #1: the commit's fsync of the WAL (the commit
  // point); a later write: a later frame of the same transaction.
  const Case cases[] = {{testing::FaultPoint::write, 1, "first write"},
                        {testing::FaultPoint::write, 2, "second write"},
                        {testing::FaultPoint::sync, 1, "commit sync"},
                        {testing::FaultPoint::read, 1, "read"}};
  int n = 0;
  for (const Case& c : cases) {
    INFO(c.what);
    const std::string before = image_of(*e);
    const std::uint64_t last = e->last_seq();
    testing::arm_fault(c.point, c.nth, -1);  // keeps failing until cleared
    bool storage_error = false;
    try {
      e->execute(d.office, letter(d, "Lỗi " + std::to_string(n)));
    } catch (const Error& x) {
      storage_error = x.code() == ErrorCode::storage;
    }
    const int fired = testing::faults_fired();
    testing::clear_faults();
    if (c.point == testing::FaultPoint::read && fired == 0) continue;  // served from cache: no read happened
    REQUIRE(fired > 0);
    REQUIRE(storage_error);
    REQUIRE(e->last_seq() == last);
    REQUIRE(image_of(*e) == before);
    // The fault cleared: the same command now succeeds and lands once.
    const Result r = e->execute(d.office, letter(d, "Lỗi " + std::to_string(n)));
    REQUIRE(r.first_seq == last + 1);
    ++n;
  }
  REQUIRE(n >= 3);
  e.reset();
  // Nothing half-written survived: the chain verifies and a fresh replay matches.
  SqliteStore s(path);
  REQUIRE(s.verify().ok);
}

TEST_CASE("sqlite fault on every write of a snapshot leaves the engine working") {
  FaultScope scope;
  TempDir dir;
  const std::string path = dir.file("snapfault.db");
  auto e = open_engine(profile(), path, options(sx::clock()), faulty());
  const Directory d = build_directory(*e);
  testing::arm_fault(testing::FaultPoint::write, 1, -1);
  REQUIRE_ERROR(storage, e->snapshot());
  testing::clear_faults();
  const Result r = e->execute(d.office, letter(d, "Sau lỗi"));
  REQUIRE(r.first_seq == e->last_seq());
  REQUIRE(e->snapshot() == e->last_seq());
}

// ---- moving between stores ----

TEST_CASE("sqlite: JSON Lines export then import into another file keeps every hash and the state") {
  TempDir dir;
  const std::string path = make_store(dir, 2);
  std::stringstream jsonl;
  Hash head;
  std::string image;
  {
    SqliteStore from(path);
    REQUIRE(export_jsonl(from, jsonl) == from.last_seq());
    head = from.head_hash();
    image = replay_image(from);
  }
  // One recorded_to_json object per line, plus the chain.
  std::string first;
  std::getline(jsonl, first);
  const auto j = nlohmann::json::parse(first);
  REQUIRE(j["seq"] == 1);
  REQUIRE(j["type"] == "unit_created");
  REQUIRE(j.contains("hash"));
  REQUIRE(j["prev_hash"] == std::string(64, '0'));
  REQUIRE(recorded_from_json(j).seq == 1);
  jsonl.clear();
  jsonl.seekg(0);
  SqliteStore to(dir.file("copy.db"));
  import_jsonl(jsonl, to);
  REQUIRE(to.head_hash() == head);
  REQUIRE(to.verify().ok);
  REQUIRE(replay_image(to) == image);
  auto e = open_engine(profile(), dir.file("copy.db"), options(sx::clock()));
  REQUIRE(image_of(*e) == image);
}

TEST_CASE("sqlite: an import with an out-of-range partition or a mistyped field is refused and writes nothing") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  std::stringstream out;
  {
    SqliteStore from(path);
    export_jsonl(from, out);
  }
  const std::string text = out.str();
  const std::string first = text.substr(0, text.find('\n'));
  const std::string rest = text.substr(first.size());
  int copies = 0;
  auto refused = [&](auto&& edit) {
    auto j = nlohmann::json::parse(first);
    edit(j);
    std::stringstream in(j.dump() + rest);
    SqliteStore to(dir.file("copy" + std::to_string(++copies) + ".db"));
    REQUIRE_ERROR(invalid_argument, import_jsonl(in, to));
    REQUIRE(to.last_seq() == 0);
  };
  // 2^32 + partition would wrap to the partition itself and match the hash.
  refused([](nlohmann::json& j) { j["partition"] = j["partition"].get<std::uint64_t>() + 4294967296ULL; });
  refused([](nlohmann::json& j) { j["partition"] = -1; });
  refused([](nlohmann::json& j) { j["partition"] = 1.5; });
  refused([](nlohmann::json& j) { j["prev_hash"] = 5; });
  refused([](nlohmann::json& j) { j["idempotency_key"] = 5; });
  refused([](nlohmann::json& j) { j["data"] = nlohmann::json::array(); });
}

TEST_CASE("sqlite: an import with a changed line is refused and writes nothing") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  std::stringstream out;
  {
    SqliteStore from(path);
    export_jsonl(from, out);
  }
  std::string text = out.str();
  const auto pos = text.find("\"HN\"");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 4, "\"HX\"");
  std::stringstream in(text);
  SqliteStore to(dir.file("copy.db"));
  REQUIRE_ERROR(corruption, import_jsonl(in, to));
  REQUIRE(to.last_seq() == 0);
}

namespace {
// A file of n rows renaming unit 1, then one row whose event is given: the log an import
// reads (the store itself does not judge events; decide does).
std::string export_with_last(const TempDir& dir, int n, const Event& last_event, const char* name) {
  SqliteStore src(dir.file(name));
  Batch b;
  std::uint64_t seq = 0;
  for (int i = 0; i < n; ++i)
    b.events.push_back(Recorded{++seq, at(2022, 9, 21), kSystemActor,
                                ev::UnitRenamed{UnitId(1), "Phường " + std::to_string(i), Date(2022, 9, 21)}});
  b.events.push_back(Recorded{++seq, at(2022, 9, 21), kSystemActor, last_event});
  src.append(b);
  std::stringstream out;
  export_jsonl(src, out);
  return out.str();
}
}  // namespace

TEST_CASE("sqlite: an import is all or nothing: a bad line after 2,100 good ones leaves the store unchanged") {
  TempDir dir;
  const std::string good = export_with_last(dir, 2100, ev::UnitRenamed{UnitId(1), "Cuối", Date(2022, 9, 21)}, "src.db");
  std::string text;
  SECTION("a line that is not JSON") { text = good + "{not json\n"; }
  SECTION("a line whose hash does not match") {
    text = good;
    const auto pos = text.rfind("Cuối");
    text.replace(pos, 4, "Cuoi");
  }
  const std::string path = dir.file("to.db");
  SqliteStore to(path);
  std::stringstream in(text);
  std::uint64_t lines = 0;
  for (char c : text) lines += c == '\n';
  REQUIRE(lines >= 2101);
  REQUIRE_THROWS_AS(import_jsonl(in, to), Error);
  REQUIRE(to.last_seq() == 0);
  REQUIRE(to.head_hash() == Hash{});
}

TEST_CASE("sqlite: imported events obey the text rules of commands; a breaking one imports nothing") {
  TempDir dir;
  Event bad;
  SECTION("a name longer than kMaxNameBytes") {
    bad = ev::UnitRenamed{UnitId(1), std::string(kMaxNameBytes + 1, 'x'), Date(2022, 9, 21)};
  }
  SECTION("a text longer than kMaxTextBytes") {
    bad = ev::FindingRecorded{ItemId(1), std::string(kMaxTextBytes + 1, 'x'), true, Date(2022, 9, 21)};
  }
  SECTION("a control character") { bad = ev::UnitRenamed{UnitId(1), std::string("A\x01" "B"), Date(2022, 9, 21)}; }
  const std::string text = export_with_last(dir, 2100, bad, "src.db");
  SqliteStore to(dir.file("to.db"));
  std::stringstream in(text);
  REQUIRE_ERROR(invalid_argument, import_jsonl(in, to));
  REQUIRE(to.last_seq() == 0);
}

namespace {
std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("sqlite: a SQLite file that is not a doithoai store is refused and left untouched, unless adopted") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  raw_sql(path, "PRAGMA journal_mode=DELETE; CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);"
                "INSERT INTO customers VALUES (1, 'Nguyễn Văn A')");
  const std::string before = file_bytes(path);
  REQUIRE_ERROR(invalid_argument, SqliteStore(path));
  REQUIRE_ERROR(invalid_argument, open_engine(profile(), path, options(sx::clock())));
  SqliteOptions ro;
  ro.read_only = true;
  REQUIRE_ERROR(invalid_argument, SqliteStore(path, ro));
  REQUIRE(file_bytes(path) == before);
  SqliteOptions adopt;
  adopt.adopt = true;
  SqliteStore s(path, adopt);
  REQUIRE(s.last_seq() == 0);
}

TEST_CASE("sqlite: an empty file becomes a new store") {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  { std::ofstream(path, std::ios::binary); }
  SqliteStore s(path);
  REQUIRE(s.last_seq() == 0);
}

TEST_CASE("sqlite: a store whose events table is gone is corruption, and no empty log is created") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  raw_sql(path, "PRAGMA journal_mode=DELETE; DROP TABLE events");
  const std::string before = file_bytes(path);
  REQUIRE_ERROR(corruption, SqliteStore(path));
  REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
  SqliteOptions ro;
  ro.read_only = true;
  REQUIRE_ERROR(corruption, SqliteStore(path, ro));
  REQUIRE(file_bytes(path) == before);
}

TEST_CASE("R20 a replay cache row that differs from its JSON event is refused at open, not served") {
  TempDir dir;
  const std::string path = make_store(dir);
  std::string truth;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    truth = image_of(*e);
  }
  SECTION("no snapshot: a changed cache row anywhere") {
    raw_sql(path, "UPDATE replay SET bin = (SELECT bin FROM replay WHERE seq = 2) WHERE seq = 3");
    REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
  }
  SECTION("a changed time in the cache") {
    raw_sql(path, "UPDATE replay SET at_us = at_us + 1 WHERE seq = 9");
    REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
  }
  SECTION("after a snapshot: a changed cache row that opening replays") {
    const std::string spath = dir.file("snap.db");
    std::uint64_t snap = 0;
    {
      auto e = open_engine(profile(), spath, options(sx::clock()));
      const Directory d = build_directory(*e);
      workload(*e, d, 2, "a-");
      e->snapshot();
      snap = e->last_seq();
      workload(*e, d, 1, "b-");
      truth = image_of(*e);
    }
    // Rows before the snapshot are not replayed: changing them does not change the state.
    raw_sql(spath, "UPDATE replay SET bin = (SELECT bin FROM replay WHERE seq = 2) WHERE seq = 3");
    {
      auto e = open_engine(profile(), spath, options(sx::clock()));
      REQUIRE(image_of(*e) == truth);
    }
    raw_sql(spath, "UPDATE replay SET bin = (SELECT bin FROM replay WHERE seq = " + std::to_string(snap + 1) +
                       ") WHERE seq = " + std::to_string(snap + 2));
    REQUIRE_ERROR(corruption, open_engine(profile(), spath, options(sx::clock())));
  }
  SECTION("a cache row whose text is not valid UTF-8 (found by fuzz_replay_row): corruption, no foreign exception") {
    // A person_registered row whose name has the bytes C3 6E and B2 (fuzz/corpus/fuzz_replay_row/
    // crash-invalid-utf8.bin); writing its JSON text threw nlohmann's type_error out of the open.
    raw_sql(path, "UPDATE replay SET bin = X'0601001a56c4836e207068c36e67b22055424e44207068c6b0e1bb9d6e6700000000'"
                  " WHERE seq = 3");
    REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
  }
  SECTION("a cache row with a date beyond boost's range (found by fuzz_replay_row): corruption") {
    // An opinion_submitted row whose raised_on decodes to a day after 9999-12-31
    // (fuzz/corpus/fuzz_replay_row/crash-date-out-of-range.bin): boost's bad_year escaped.
    raw_sql(path, "UPDATE replay SET bin = X'0d01010301020600009da707046c616e6400fc939e6e6427c490e1bb81206e6768e1bb8b206c"
                  "c3a06d2072c3b5202869e1babf6e20c491e1bb992047504d42d9a7070000000000000000' WHERE seq = 3");
    REQUIRE_ERROR(corruption, open_engine(profile(), path, options(sx::clock())));
    const std::string b(10, '\xff');  // a varint of 2^64 - 1 (its last byte 0x01 below): the largest delta
    detail::BinReader rd(b.data(), b.data() + 9, nullptr, 100000);
    const std::string last = std::string(b, 0, 9) + '\x01';
    detail::BinReader huge(last.data(), last.data() + last.size(), nullptr, 100000);
    REQUIRE_ERROR(corruption, detail::date_from_code(huge.get_day()));
    REQUIRE_ERROR(corruption, rd.get_day());  // truncated varint
  }
  SECTION("an intact cache opens to the same state") {
    auto e = open_engine(profile(), path, options(sx::clock()));
    REQUIRE(image_of(*e) == truth);
  }
}

namespace {
cmd::SubmitOpinion opinion_cmd(const Directory& d, const char* text) {
  return cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident, OrganizationId(), Date(), "",
                            {{"land", text}}};
}
}  // namespace

TEST_CASE("sqlite: an idempotency key reused for another request is a conflict naming the key, across reopening") {
  TempDir dir;
  const std::string path = dir.file("idem2.db");
  Directory d;
  Result first;
  std::uint64_t last = 0;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    d = build_directory(*e);
    first = e->execute(d.office, opinion_cmd(d, "Một"), "portal-7");
    // In the same engine: another command, or the same command by another actor.
    try {
      e->execute(d.office, opinion_cmd(d, "Hai"), "portal-7");
      FAIL("a reused key with another command was accepted");
    } catch (const Error& x) {
      REQUIRE(x.code() == ErrorCode::conflict);
      REQUIRE(std::string(x.what()).find("portal-7") != std::string::npos);
    }
    REQUIRE_ERROR(conflict, e->execute(d.resident, opinion_cmd(d, "Một"), "portal-7"));
    REQUIRE(e->last_seq() == first.last_seq);
    REQUIRE(e->execute(d.office, opinion_cmd(d, "Một"), "portal-7").replayed);
    last = e->last_seq();
  }
  SECTION("after reopening") {
    auto e = open_engine(profile(), path, options(sx::clock()));
    REQUIRE_ERROR(conflict, e->execute(d.office, opinion_cmd(d, "Hai"), "portal-7"));
    const Result again = e->execute(d.office, opinion_cmd(d, "Một"), "portal-7");
    REQUIRE(again.replayed);
    REQUIRE(again.id == first.id);
    REQUIRE(e->last_seq() == last);
  }
  SECTION("after a snapshot and reopening") {
    {
      auto e = open_engine(profile(), path, options(sx::clock()));
      e->snapshot();
    }
    auto e = open_engine(profile(), path, options(sx::clock()));
    REQUIRE_ERROR(conflict, e->execute(d.office, opinion_cmd(d, "Hai"), "portal-7"));
    REQUIRE(e->execute(d.office, opinion_cmd(d, "Một"), "portal-7").replayed);
    REQUIRE(e->last_seq() == last);
  }
  SECTION("a second engine on the file learns the digest from the store") {
    auto a = open_engine(profile(), path, options(sx::clock()));
    auto b = open_engine(profile(), path, options(sx::clock()));
    a->execute(d.office, opinion_cmd(d, "Ba"), "portal-8");
    REQUIRE_ERROR(conflict, b->execute(d.office, opinion_cmd(d, "Bốn"), "portal-8"));
    REQUIRE(b->execute(d.office, opinion_cmd(d, "Ba"), "portal-8").replayed);
    REQUIRE(b->last_seq() == a->last_seq());
  }
  SECTION("a key stored before digests (NULL) matches any request") {
    raw_sql(path, "UPDATE events SET idem_digest = NULL");
    auto e = open_engine(profile(), path, options(sx::clock()));
    REQUIRE(e->execute(d.office, opinion_cmd(d, "Hai"), "portal-7").replayed);
    REQUIRE(e->last_seq() == last);
  }
  SECTION("export and import keep the digest") {
    std::stringstream jsonl;
    {
      SqliteStore from(path);
      export_jsonl(from, jsonl);
    }
    REQUIRE(jsonl.str().find("\"idempotency_digest\"") != std::string::npos);
    {
      SqliteStore to(dir.file("copy.db"));
      import_jsonl(jsonl, to);
    }
    auto e = open_engine(profile(), dir.file("copy.db"), options(sx::clock()));
    REQUIRE_ERROR(conflict, e->execute(d.office, opinion_cmd(d, "Hai"), "portal-7"));
    REQUIRE(e->execute(d.office, opinion_cmd(d, "Một"), "portal-7").replayed);
  }
}

TEST_CASE("memory: an idempotency key reused for another request is a conflict") {
  Engine e(profile(), options(sx::clock()));
  const Directory d = build_directory(e);
  const Result first = e.execute(d.office, opinion_cmd(d, "Một"), "k");
  REQUIRE_ERROR(conflict, e.execute(d.office, opinion_cmd(d, "Hai"), "k"));
  REQUIRE(e.last_seq() == first.last_seq);
  REQUIRE(e.execute(d.office, opinion_cmd(d, "Một"), "k").replayed);
}

// ---- progress of long work (verify, replay at open): what the CLI's bars are drawn from ----

namespace {

// A SQLite store of 1 + n events (a unit, then n people), written without per-command sync.
std::string store_of(const TempDir& dir, int n) {
  const std::string path = dir.file("progress.db");
  SqliteOptions so;
  so.sync = SqliteOptions::Sync::normal;
  Engine e(profile(), std::make_unique<SqliteStore>(path, so), options(sx::clock()));
  e.execute(kSystemActor, cmd::CreateUnit{"Phường Bồ Đề", "xa"});
  for (int i = 0; i < n; ++i) e.execute(kSystemActor, cmd::RegisterPerson{"Người " + std::to_string(i)});
  return path;
}

struct Calls {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  ProgressFn fn() {
    return [this](std::uint64_t done, std::uint64_t total) { seen.emplace_back(done, total); };
  }
  void require_monotonic() const {
    for (std::size_t i = 0; i < seen.size(); ++i) {
      REQUIRE(seen[i].first <= seen[i].second);
      if (i) REQUIRE(seen[i].first >= seen[i - 1].first);
    }
  }
};

}  // namespace

TEST_CASE("R20 verify reports its progress over both passes and ends at the total") {
  TempDir dir;
  const std::string path = store_of(dir, 9000);
  SqliteStore store(path);
  const std::uint64_t n = store.last_seq();
  REQUIRE(n == 9001);
  Calls c;
  const VerifyReport rep = store.verify(c.fn());
  REQUIRE(rep.ok);
  REQUIRE(rep.checked == n);
  c.require_monotonic();
  // The chain walk and the replay cache pass each count n rows: several calls in between.
  REQUIRE(c.seen.size() >= 5);
  REQUIRE(c.seen.back() == std::make_pair(2 * n, 2 * n));
  // The chain walk alone (verify_rows, what PostgreSQL's verify does) counts n.
  Calls chain;
  REQUIRE(verify_rows(store, 1, Hash{}, chain.fn()).ok);
  chain.require_monotonic();
  REQUIRE(chain.seen.back() == std::make_pair(n, n));
  // Without a callback, the same report.
  const VerifyReport plain = store.verify();
  REQUIRE(plain.ok);
  REQUIRE(plain.head == rep.head);
}

TEST_CASE("R20 a progress callback that throws abandons verify and leaves the store usable") {
  TempDir dir;
  SqliteStore store(store_of(dir, 5000));
  struct Stop {};
  int calls = 0;
  // Thrown in the chain walk, and again in the cache pass (after the walk's 2 calls).
  REQUIRE_THROWS_AS(store.verify([&](std::uint64_t, std::uint64_t) { throw Stop{}; }), Stop);
  REQUIRE_THROWS_AS(store.verify([&](std::uint64_t done, std::uint64_t total) {
                      if (++calls > 2 && done > total / 2) throw Stop{};
                    }),
                    Stop);
  REQUIRE(store.verify().ok);  // the store's lock was released
  REQUIRE(store.last_seq() == 5001);
}

TEST_CASE("R20 an engine reports the replay at opening, and nothing when a snapshot covers the log") {
  TempDir dir;
  const std::string path = store_of(dir, 9000);
  Calls c;
  EngineOptions o = options(sx::clock());
  o.replay_progress = c.fn();
  {
    auto e = open_engine(profile(), path, o);
    REQUIRE(e->last_seq() == 9001);
    e->snapshot();
  }
  c.require_monotonic();
  REQUIRE(c.seen.size() >= 3);
  REQUIRE(c.seen.back() == std::make_pair(std::uint64_t{9001}, std::uint64_t{9001}));
  Calls after;
  o.replay_progress = after.fn();
  auto again = open_engine(profile(), path, o);
  REQUIRE(again->last_seq() == 9001);
  REQUIRE(after.seen.empty());  // the snapshot is the whole log: nothing replayed
  // A throwing callback fails the opening with its own exception.
  TempDir other;
  const std::string p2 = store_of(other, 100);
  o.replay_progress = [](std::uint64_t, std::uint64_t) { throw std::runtime_error("stop"); };
  REQUIRE_THROWS_AS(open_engine(profile(), p2, o), std::runtime_error);
}

TEST_CASE("sqlite store: a path with a NUL byte is refused, not cut short to another file") {
  TempDir dir;
  const std::string cut = dir.file("a.db");
  REQUIRE_ERROR(invalid_argument, SqliteStore(cut + std::string(1, '\0') + "x"));
  REQUIRE_FALSE(fs::exists(cut));
}

TEST_CASE("memory: a short log holds little memory; a long one spans growing chunks and reads back whole") {
  // Chunks start at 64 KiB and double up to 4 MiB (a short log used to hold 4 MiB at once).
  const Instant t0(Date(2022, 9, 30), boost::posix_time::hours(2));
  auto event = [&](std::uint64_t seq, std::size_t text_bytes) {
    ev::PersonRegistered p;
    p.person = PersonId(static_cast<std::uint32_t>(seq));
    p.name = "Người " + std::to_string(seq);
    p.address = std::string(text_bytes, static_cast<char>('a' + seq % 26));
    return Recorded{seq, t0 + boost::posix_time::seconds(static_cast<long>(seq)), kSystemActor, p};
  };
  MemoryStore store;
  std::vector<Recorded> all;
  auto append = [&](std::size_t text_bytes, const std::string& key = {}) {
    Batch b;
    b.idempotency_key = key;
    b.events.push_back(event(all.size() + 1, text_bytes));
    store.append(b);
    all.push_back(b.events.back());
  };
  for (int i = 0; i < 3; ++i) append(100);
  CHECK(store.bytes() < (128u << 10));
  append(200u << 10, "big");  // larger than the chunk in use: a chunk of its own
  for (int i = 0; i < 9000; ++i) append(1000);  // ~9 MB: chunks of 64 KiB ... 4 MiB, then 4 MiB
  CHECK(store.bytes() >= 9000u * 1000u);
  CHECK(store.bytes() < 9000u * 1000u + (8u << 20));  // at most the last 4 MiB chunk unused, plus headroom
  for (const std::uint64_t from : {std::uint64_t(1), std::uint64_t(4), std::uint64_t(65), std::uint64_t(4097),
                                   std::uint64_t(all.size())}) {
    std::uint64_t next = from;
    store.read(from, [&](const Recorded& r, std::string_view key) {
      REQUIRE(r.seq == next);
      const Recorded& want = all[next - 1];
      CHECK(r.at == want.at);
      CHECK(event_to_json(r.event) == event_to_json(want.event));
      CHECK(key == (next == 4 ? "big" : ""));
      ++next;
      return true;
    });
    CHECK(next == all.size() + 1);
  }
}

TEST_CASE("sqlite: a read in progress holds no append back and visits the log as it was when it began", "[threads]") {
  TempDir dir;
  const std::string path = dir.file("log.db");
  std::vector<Recorded> events;
  {
    auto e = open_engine(profile(), path, options(sx::clock()));
    build_directory(*e);
    events = e->events(1, 1000);
  }
  // The first 10 events in the store; the rest are appended while a read is stopped at event 3.
  SqliteStore store(path + "2");
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
      return true;
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
  REQUIRE(done);  // the append committed while the read was stopped
  REQUIRE(seen == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  REQUIRE(store.last_seq() == events.size());
  std::uint64_t n = 0;
  store.read(1, [&](const Recorded& r, std::string_view) { return r.seq == ++n; });
  REQUIRE(n == events.size());
  REQUIRE(store.verify().ok);
}

// ---- the idempotency window (issue 16): recent keys in memory, older ones from the store ----
#include "idempotency.h"

namespace {

// Forwards to a store and counts the key lookups the engine makes in it.
class KeyLookups final : public EventStore {
 public:
  explicit KeyLookups(std::unique_ptr<EventStore> inner) : inner_(std::move(inner)) {}
  std::uint64_t last_seq() const override { return inner_->last_seq(); }
  void append(const Batch& b) override { inner_->append(b); }
  void append_group(const std::vector<const Batch*>& g) override { inner_->append_group(g); }
  bool appends_groups() const override { return inner_->appends_groups(); }
  void read(std::uint64_t from, const Visitor& v) const override { inner_->read(from, v); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return inner_->idempotency_digest(key, digest);
  }
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override {
    ++lookups;
    return inner_->find_idempotency_key(key, seq, digest);
  }
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override { return inner_->load_snapshot(seq, image); }
  void save_snapshot(std::uint64_t seq, const std::string& image) override { inner_->save_snapshot(seq, image); }
  mutable int lookups = 0;

 private:
  std::unique_ptr<EventStore> inner_;
};

EngineOptions window_of(std::size_t keys, std::uint64_t snapshot_every = 0) {
  EngineOptions o = options(sx::clock(), snapshot_every);
  o.idempotency_window = keys;
  return o;
}

// Ten keyed letters "w-0".."w-9" (texts "Thư 0".."Thư 9"); their results.
std::vector<Result> ten_keyed(Engine& e, const Directory& d) {
  std::vector<Result> out;
  for (int k = 0; k < 10; ++k) {
    const std::string text = "Thư " + std::to_string(k);
    out.push_back(e.execute(d.office, opinion_cmd(d, text.c_str()), "w-" + std::to_string(k)));
  }
  return out;
}

// Every key of ten_keyed, retried on e: the first result, nothing appended; another request
// under an old key is a conflict naming it. Returns the store lookups the retries made.
void retry_all(Engine& e, const Directory& d, const std::vector<Result>& first, KeyLookups* lookups) {
  const std::uint64_t last = e.last_seq();
  for (int k = 0; k < 10; ++k) {
    const std::string text = "Thư " + std::to_string(k);
    const int before = lookups ? lookups->lookups : 0;
    const Result again = e.execute(d.office, opinion_cmd(d, text.c_str()), "w-" + std::to_string(k));
    INFO("key w-" << k);
    REQUIRE(again.replayed);
    REQUIRE(again.first_seq == first[static_cast<std::size_t>(k)].first_seq);
    REQUIRE(again.last_seq == first[static_cast<std::size_t>(k)].last_seq);
    REQUIRE(again.id == first[static_cast<std::size_t>(k)].id);
    REQUIRE(again.items == first[static_cast<std::size_t>(k)].items);
    // The oldest keys are not in a window of 3: the engine asked the store for them.
    if (lookups && k == 0) REQUIRE(lookups->lookups == before + 1);
  }
  REQUIRE(e.last_seq() == last);
  try {
    e.execute(d.office, opinion_cmd(d, "Một thư khác"), "w-0");
    FAIL("an old key reused for another request was accepted");
  } catch (const Error& x) {
    REQUIRE(x.code() == ErrorCode::conflict);
    REQUIRE(std::string(x.what()).find("'w-0'") != std::string::npos);
  }
  REQUIRE_ERROR(conflict, e.execute(d.resident, opinion_cmd(d, "Thư 1"), "w-1"));
  REQUIRE(e.last_seq() == last);
}

}  // namespace

TEST_CASE("idempotency window: a key that fell out of the window still returns its first result and appends nothing") {
  SECTION("memory") {
    auto store = std::make_unique<KeyLookups>(std::make_unique<MemoryStore>());
    KeyLookups* lookups = store.get();
    Engine e(profile(), std::move(store), window_of(3));
    const Directory d = build_directory(e);
    const std::vector<Result> first = ten_keyed(e, d);
    retry_all(e, d, first, lookups);
  }
  SECTION("sqlite, across reopening (with and without a snapshot)") {
    for (const bool snapshot : {false, true}) {
      INFO("snapshot: " << snapshot);
      TempDir dir;
      const std::string path = dir.file("window.db");
      Directory d;
      std::vector<Result> first;
      {
        Engine e(profile(), std::make_unique<SqliteStore>(path), window_of(3));
        d = build_directory(e);
        first = ten_keyed(e, d);
        if (snapshot) e.snapshot();  // holds the 3 newest keys only
      }
      auto store = std::make_unique<KeyLookups>(std::make_unique<SqliteStore>(path));
      KeyLookups* lookups = store.get();
      Engine e(profile(), std::move(store), window_of(3));
      retry_all(e, d, first, lookups);
    }
  }
  SECTION("no window at all: every key from the store") {
    auto store = std::make_unique<KeyLookups>(std::make_unique<MemoryStore>());
    KeyLookups* lookups = store.get();
    Engine e(profile(), std::move(store), window_of(0));
    const Directory d = build_directory(e);
    const std::vector<Result> first = ten_keyed(e, d);
    retry_all(e, d, first, lookups);
    REQUIRE(lookups->lookups >= 10);  // every retry asked
  }
  SECTION("a window holding every key never asks the store") {
    auto store = std::make_unique<KeyLookups>(std::make_unique<MemoryStore>());
    KeyLookups* lookups = store.get();
    Engine e(profile(), std::move(store), window_of(100));
    const Directory d = build_directory(e);
    const std::vector<Result> first = ten_keyed(e, d);
    retry_all(e, d, first, nullptr);
    REQUIRE(lookups->lookups == 0);
  }
}

TEST_CASE("idempotency window: it never holds more keys than its capacity, and answers older ones from the store") {
  MemoryStore store;
  detail::IdempotencyWindow window(3);
  std::vector<std::string> digests;
  for (std::uint32_t k = 0; k < 20; ++k) {
    Batch b;
    b.idempotency_key = "k" + std::to_string(k);
    b.idempotency_digest = std::string(32, static_cast<char>('a' + k));
    b.events.push_back(Recorded{store.last_seq() + 1, at(2022, 9, 21), kSystemActor,
                                ev::PersonRegistered{PersonId(k), "", "Người " + std::to_string(k)}});
    store.append(b);
    window.remember(b.idempotency_key, detail::result_of(b.events), &b.idempotency_digest);
    REQUIRE(window.size() == std::min<std::size_t>(k + 1, 3));
    digests.push_back(b.idempotency_digest);
  }
  for (std::uint32_t k = 0; k < 20; ++k) {
    const auto r = window.replay(store, "k" + std::to_string(k), digests[k], store.last_seq());
    REQUIRE(r);
    REQUIRE(r->replayed);
    REQUIRE(r->first_seq == k + 1);
    REQUIRE(r->id == k);
    REQUIRE(window.size() <= 3);
    REQUIRE_ERROR(conflict, window.replay(store, "k" + std::to_string(k), digests[(k + 1) % 20], store.last_seq()));
  }
  REQUIRE_FALSE(window.replay(store, "never", digests[0], store.last_seq()));
  // The store refuses a key it holds (as SQLite's UNIQUE column does), alone or in a group.
  Batch dup;
  dup.idempotency_key = "k3";
  dup.events.push_back(Recorded{store.last_seq() + 1, at(2022, 9, 21), kSystemActor,
                                ev::PersonRegistered{PersonId(20), "", "Người 20"}});
  REQUIRE_ERROR(conflict, store.append(dup));
  Batch fresh = dup, again = dup;
  fresh.idempotency_key = again.idempotency_key = "k-new";
  again.events[0].seq = fresh.events[0].seq + 1;
  REQUIRE_ERROR(conflict, store.append_group({&fresh, &again}));
  REQUIRE(store.last_seq() == 20);
  // A key the store holds past what the engine has applied is not taken (it catches up first).
  REQUIRE_FALSE(window.replay(store, "k5", digests[5], 5));  // k5 is event 6, not held
  // A snapshot's keys: the newest 3 of them by sequence.
  std::unordered_map<std::string, Result> many;
  for (std::uint32_t k = 0; k < 10; ++k) {
    Result r;
    r.first_seq = r.last_seq = k + 1;
    many["k" + std::to_string(k)] = r;
  }
  window.restore(many);
  const auto held = window.results();
  REQUIRE(held.size() == 3);
  REQUIRE(held.count("k7"));
  REQUIRE(held.count("k8"));
  REQUIRE(held.count("k9"));
}
