// Test support for the store layer: a temp directory, a small directory of units and
// people, a workload touching most of the projection, and state comparison.
#pragma once

#include "require_error.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "doithoai/doithoai.h"
#include "snapshot.h"
#include "state_access.h"
#include "state_impl.h"

namespace sx {

using namespace doithoai;
namespace fs = std::filesystem;

// A fresh directory removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "doithoai-store-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline Instant at(int y, int m, int d, int hour_local = 9) {
  return Instant(Date(y, m, d), boost::posix_time::hours(hour_local - 7));
}

inline std::shared_ptr<ManualClock> clock() { return std::make_shared<ManualClock>(at(2022, 11, 10)); }

inline EngineOptions options(std::shared_ptr<ManualClock> c, std::uint64_t snapshot_every = 0) {
  EngineOptions o;
  o.clock = std::move(c);
  o.snapshot_every = snapshot_every;
  return o;
}

struct Directory {
  UnitId city, district, ward;
  PersonId office, officer, front, resident, party_head, gov_head;
  AgencyId land;
};

// Hà Nội > Long Biên > Bồ Đề with an office, an agency officer, the front and a resident.
inline Directory build_directory(Engine& e) {
  Directory d;
  auto sys = [&](const Command& c) { return e.execute(kSystemActor, c).id; };
  d.city = UnitId(sys(cmd::CreateUnit{"Thành phố Hà Nội", "tinh", UnitId(), "HN"}));
  d.district = UnitId(sys(cmd::CreateUnit{"Quận Long Biên", "huyen", d.city, "LB"}));
  d.ward = UnitId(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa", d.district, "BD"}));
  d.land = AgencyId(sys(cmd::CreateAgency{d.ward, "Bộ phận Địa chính - Xây dựng"}));
  auto person = [&](const char* name, Role role, AgencyId a = AgencyId()) {
    PersonId p(sys(cmd::RegisterPerson{name}));
    e.execute(kSystemActor, cmd::GrantRole{p, role, d.ward, a, OrganizationId()});
    return p;
  };
  d.party_head = person("Nguyễn Thị Thanh Hằng", Role::party_head);
  d.gov_head = person("Nguyễn Văn Luyện", Role::government_head);
  d.office = person("Văn phòng UBND phường", Role::office);
  d.officer = person("Cán bộ địa chính", Role::agency_officer, d.land);
  d.front = person("Chủ tịch UBMTTQ phường", Role::front_chair);
  d.resident = person("Trần Văn Bình", Role::resident);
  return d;
}

// n rounds of: a letter with two items; one assigned, replied and delivered to all four
// recipients, then a supervision finding; the other assigned and extended. `key_prefix`
// non-empty: each letter carries an idempotency key.
inline void workload(Engine& e, const Directory& d, int n, const std::string& key_prefix = "") {
  for (int i = 0; i < n; ++i) {
    const std::string key = key_prefix.empty() ? "" : key_prefix + std::to_string(i);
    const Result r = e.execute(d.office,
                               cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                  OrganizationId(), Date(), "",
                                                  {{"land", "Đề nghị cấp sổ đỏ số " + std::to_string(i)},
                                                   {"environment", "Rác thải ngõ " + std::to_string(i)}}},
                               key);
    const ItemId a = r.items.at(0), b = r.items.at(1);
    e.execute(d.office, cmd::Assign{a, d.land, std::nullopt});
    e.execute(d.office, cmd::Assign{b, d.land, std::nullopt});
    e.execute(d.officer, cmd::WriteReply{a, std::to_string(i) + "/TB-UBND", Date(2022, 11, 10), d.officer,
                                         "Nội dung trả lời " + std::to_string(i)});
    for (Recipient rc : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
      e.execute(d.office, cmd::RecordDelivery{a, rc, Date(2022, 11, 10)});
    e.execute(d.front, cmd::RecordFinding{a, "Đã giải quyết " + std::to_string(i), true, Date(2022, 11, 10)});
    e.execute(d.office, cmd::Extend{b, Date(2023, 3, 31), std::to_string(i) + "/TB-GH", Date(2022, 11, 10),
                                    AgencyId(), "Phức tạp"});
  }
}

// The projection as bytes (snapshot image without idempotency keys): equal states give
// equal images, so comparing images compares every field of the projection.
inline std::string image_of(const State& s) {
  std::string out;
  detail::write_snapshot(detail::StateAccess::impl(s), {}, out);
  return out;
}
inline std::string image_of(const Engine& e) {
  return e.read([](const State& s) { return image_of(s); });
}
// The state of a serial replay of the store's log from the first event.
inline std::string replay_image(const EventStore& store) {
  State s;
  store.read(1, [&](const Recorded& r, std::string_view) {
    detail::StateAccess::apply(s, r);
    return true;
  });
  return image_of(s);
}

// Runs SQL on the file behind the store's back (what an attacker with the file could do).
inline void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// A SQLite store with a directory and some workflow (hanoi-2200), closed again.
inline std::string make_store(const TempDir& dir, int rounds = 3, const char* name = "log.db") {
  const std::string path = dir.file(name);
  auto e = open_engine(doithoai::builtin_profile("hanoi-2200"), path, options(clock()));
  const Directory d = build_directory(*e);
  workload(*e, d, rounds, "letter-");
  return path;
}

// Forwards to another store and counts the events read from it.
class CountingStore final : public EventStore {
 public:
  explicit CountingStore(std::unique_ptr<EventStore> inner) : inner_(std::move(inner)) {}
  std::uint64_t last_seq() const override { return inner_->last_seq(); }
  void append(const Batch& b) override { inner_->append(b); }
  void append_group(const std::vector<const Batch*>& g) override { inner_->append_group(g); }
  bool appends_groups() const override { return inner_->appends_groups(); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return inner_->idempotency_digest(key, digest);
  }
  void read(std::uint64_t from, const Visitor& v) const override {
    inner_->read(from, [&](const Recorded& r, std::string_view k) {
      ++events_read;
      return v(r, k);
    });
  }
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override {
    const bool ok = inner_->load_snapshot(seq, image);
    if (ok) snapshot_seq = seq;
    return ok;
  }
  void save_snapshot(std::uint64_t seq, const std::string& image) override { inner_->save_snapshot(seq, image); }
  mutable std::uint64_t events_read = 0;
  mutable std::uint64_t snapshot_seq = 0;

 private:
  std::unique_ptr<EventStore> inner_;
};

}  // namespace sx

