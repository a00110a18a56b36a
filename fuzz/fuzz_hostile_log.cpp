// Hostile logs (issue 16): the bytes become a sequence of events of random types with random
// field values, ids drawn from small ranges (so they often exist) or from the edges (0, 2^31,
// 2^32 - 1). A shadow State keeps the events it accepts; the first one it refuses is either
// dropped or ends the log (the hostile event). The log is hashed as a store does (written to
// an in-memory SQLite store, exported as JSON Lines), then
//   - imported into another SQLite store: it must be accepted exactly when the shadow accepted
//     every event, refused with Error(corruption) otherwise, and then import nothing (JSON
//     text rules may refuse first: invalid_argument, nothing imported);
//   - opened by an engine over the forged SQLite store and over a MemoryStore: it must open
//     exactly when the log is sound, and then every query (items, accounting, overdue,
//     reconciliation, visibility, the R16 report, the CSV export) must answer without UB.
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"
#include "fuzz_common.h"
#include "state_access.h"
#include "state_impl.h"

using namespace doithoai;

namespace {

struct Input {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t u8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  bool flag() { return u8() & 1; }
  // An id of a table holding `next - 1` records: mostly an existing one or the next, some
  // times 0, one past the next, or an edge value.
  std::uint32_t id(std::size_t next) {
    const std::uint8_t b = u8();
    switch (b % 16) {
      case 0: return 0;
      case 1: return 0xFFFFFFFEu;  // 2^32 - 1 is the system actor, which JSON ids do not carry
      case 2: return 0x80000000u;
      case 3: return static_cast<std::uint32_t>(next + 1);
      case 4:
      case 5:
      case 6: return static_cast<std::uint32_t>(next);
      default: return next > 1 ? static_cast<std::uint32_t>(1 + (b >> 4) % (next - 1)) : 1;
    }
  }
  Date date() {
    const std::uint8_t b = u8();
    if (b == 255) return Date();
    return Date(2022, 1, 1) + boost::gregorian::days(b * 3);
  }
  const std::string& text() {
    static const std::string pool[] = {"a", "Phường Bồ Đề", "HN", "LB", "BD", "x y", "1/TB-UBND", "land"};
    return pool[u8() % 8];
  }
  std::string code() {  // empty or a short code, so codes sometimes collide
    const std::uint8_t b = u8();
    return b % 3 == 0 ? std::string() : "C" + std::to_string(b % 7);
  }
  template <class E>
  E pick(int count, int first = 1) {
    return static_cast<E>(first + u8() % count);
  }
};

Event make_event(Input& in, const detail::StateImpl& s) {
  const std::size_t nu = s.units.size(), na = s.agencies.size(), no = s.organizations.size(),
                    np = s.persons.size(), nc = s.conferences.size(), nop = s.opinions.size(),
                    ni = s.items.size();
  auto unit = [&] { return UnitId(in.id(nu)); };
  auto agency = [&] { return AgencyId(in.id(na)); };
  auto org = [&] { return OrganizationId(in.id(no)); };
  auto person = [&] { return PersonId(in.id(np)); };
  auto conf = [&] { return ConferenceId(in.id(nc)); };
  auto item = [&] { return ItemId(in.id(ni)); };
  auto role = [&] { return in.pick<Role>(13); };
  const std::string topics[] = {"land", "environment", "traffic"};
  switch (in.u8() % 30) {
    case 0: return ev::UnitCreated{unit(), in.code(), in.text(), "xa", unit(), in.date(), in.flag()};
    case 1: return ev::UnitRenamed{unit(), in.text(), in.date()};
    case 2: {
      ev::UnitMerged e{unit(), unit(), in.date()};
      if (in.flag()) {  // a recorded outcome (events.h): the items that moved
        e.moved_items.emplace();
        for (int k = in.u8() % 3; k > 0; --k) e.moved_items->push_back(item());
      }
      return e;
    }
    case 3: return ev::UnitDissolved{unit(), in.date()};
    case 4: return ev::AgencyCreated{agency(), unit(), in.code(), in.text(), in.flag()};
    case 5: return ev::OrganizationCreated{org(), unit(), in.code(), in.text(), "hoi"};
    case 6: return ev::PersonRegistered{person(), in.code(), in.text(), "", "", "", in.flag()};
    case 7: return ev::RoleGranted{person(), role(), unit(), agency(), org()};
    case 8: return ev::RoleRevoked{person(), role(), unit(), agency(), org()};
    case 9: return ev::ConferencePlanned{conf(), unit(), in.code(), in.pick<ConferenceKind>(2), "all_residents",
                                         agency(), "", "", in.date(), in.date()};
    case 10: {
      ev::ConferenceHeld e{conf(), in.date(), {}, in.u8(), "", in.date(), in.date(), {}};
      for (int k = in.u8() % 3; k > 0; --k) e.chairs.push_back(person());
      if (in.flag()) e.co_chairs.push_back(person());
      if (in.flag()) {  // a recorded outcome: the items that took the reply deadline
        e.deadline_items.emplace();
        for (int k = in.u8() % 3; k > 0; --k) e.deadline_items->push_back(item());
      }
      return e;
    }
    case 11: return ev::ConclusionNoticeIssued{conf(), in.text(), in.date(), in.text(), in.date()};
    case 12: return ev::ConferenceClosed{conf(), in.date()};
    case 13: {
      ev::OpinionSubmitted e{OpinionId(in.id(nop)), item(), unit(), in.flag() ? conf() : ConferenceId(),
                             in.pick<Channel>(4), person(), in.flag() ? org() : OrganizationId(),
                             in.flag() ? unit() : UnitId(), in.date(), topics[in.u8() % 3], {}, in.date()};
      for (int k = in.u8() % 4; k > 0; --k) e.items.push_back({topics[in.u8() % 3], in.text()});
      return e;
    }
    case 14: return ev::ItemAnswered{item(), person(), in.text(), in.date()};
    case 15: return ev::ItemMerged{item(), item(), in.date()};
    case 16: return ev::ItemAssigned{item(), agency(), in.date(), in.date()};
    case 17: return ev::ReplyWritten{item(), in.text(), in.date(), person(), agency(), in.text()};
    case 18: return ev::ReplyDelivered{item(), in.pick<Recipient>(4), in.date(), in.flag()};
    case 19: return ev::ItemEscalated{item(), unit(), agency(), OpinionId(in.id(nop)), item(), in.text(),
                                      in.date(), in.date(), in.date()};
    case 20: {
      ev::IntakeDecided e{item(), in.pick<Outcome>(8, 0), in.text(), in.text(), in.date(), in.date(), in.date()};
      if (in.flag()) e.status = in.pick<ItemStatus>(8);  // a recorded outcome
      return e;
    }
    case 21: return ev::ItemExtended{item(), in.date(), in.text(), in.date(), agency(), in.text(), in.date()};
    case 22: return ev::FindingRecorded{item(), in.text(), in.flag(), in.date()};
    case 23: {
      ev::ItemReopened e{item(), in.text(), in.date(), in.date()};
      if (in.flag()) e.status = in.pick<ItemStatus>(8);  // a recorded outcome
      return e;
    }
    case 24: return ev::ItemClosed{item(), in.text(), in.date()};
    case 25: return ev::ReplyPublished{item(), in.date()};
    case 26: return ev::ConferenceResultsPublished{conf(), in.date(), in.date()};
    case 27: return ev::CouncilSessionRecorded{unit(), in.date(), in.text()};
    case 28: return ev::VoterRequestRecorded{unit(), in.u8(), in.u8(), in.date(), in.text()};
    default: return ev::ReceptionRecorded{unit(), person(), in.pick<Role>(3, 2), agency(), in.date(), in.text()};
  }
}

bool is_corruption(const std::function<void()>& f, bool& other_error) {
  other_error = false;
  try {
    f();
    return false;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::corruption) return true;
    other_error = true;
    return false;
  }
}

void query_everything(const Engine& e, const Profile& profile) {
  e.read([&](const State& s) {
    const Date late(2031, 1, 1);
    for (std::size_t i = 1; i <= s.item_count(); ++i) {
      const ItemId id(static_cast<std::uint32_t>(i));
      (void)s.item(id);
      (void)s.standing(id, late);
      for (std::uint32_t p = 0; p < 4; ++p) (void)s.can_view(PersonId(p), id);
    }
    for (std::size_t o = 1; o <= s.opinion_count(); ++o) (void)s.opinion(OpinionId(static_cast<std::uint32_t>(o)));
    for (ConferenceId c : s.conferences(UnitId())) {
      (void)s.conference(c);
      (void)s.reconciliation(c);
    }
    for (UnitId u : s.units()) {
      (void)s.unit(u);
      (void)s.children(u);
      (void)s.accounting(u, late);
    }
    (void)s.items(ItemQuery{});
    (void)s.overdue(late, 1000);
    (void)s.due_between(late, late + boost::gregorian::days(4000), 1000);
    (void)s.accounting(UnitId(), late);
    fuzz::accepts([&] {
      ReportRequest q;
      q.unit = s.units().empty() ? UnitId() : UnitId(1);
      q.period = Period::year(2022);
      (void)make_report(s, profile, e.calendar(), q);
    });
    fuzz::accepts([&] {
      ExportOptions o;
      export_items_csv(s, profile, o, [](std::string_view) {});
    });
    return 0;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Profile profile = builtin_profile("hanoi-2200");
  Input in{data, size};
  State shadow;
  std::vector<Recorded> log;
  bool hostile = false;
  const Instant t0(Date(2022, 1, 1), boost::posix_time::hours(1));
  while (!in.empty() && log.size() < 64 && !hostile) {
    Recorded r{shadow.last_seq() + 1, t0 + boost::posix_time::minutes(static_cast<long>(log.size())), kSystemActor,
               make_event(in, detail::StateAccess::impl(shadow))};
    const bool keep_if_refused = in.flag();
    bool other = false;
    if (is_corruption([&] { detail::StateAccess::apply(shadow, r); }, other)) {
      if (!keep_if_refused) continue;
      hostile = true;
    }
    FUZZ_CHECK(!other);  // apply refuses only with corruption
    log.push_back(std::move(r));
  }
  if (log.empty()) return 0;

  // Hashed as a store does: rows of an in-memory SQLite store, exported as JSON Lines.
  auto forged = std::make_unique<SqliteStore>(":memory:");
  Batch batch;
  batch.events = log;
  forged->append(batch);
  // An event whose JSON cannot carry it (the replay cache and the payload then disagree) is
  // refused before any event is judged: fuzz_replay_row covers that; here it ends the input.
  if (!forged->verify().ok) return 0;
  std::stringstream jsonl;
  export_jsonl(*forged, jsonl);

  {  // import
    SqliteStore to(":memory:");
    bool other = false;
    const bool corrupt = is_corruption([&] { import_jsonl(jsonl, to); }, other);
    if (!other) FUZZ_CHECK(corrupt == hostile);
    if (corrupt || other) FUZZ_CHECK(to.last_seq() == 0);
    else FUZZ_CHECK(to.last_seq() == log.size());
  }
  // open, over the forged SQLite rows and over a MemoryStore holding the same events
  for (int k = 0; k < 2; ++k) {
    std::unique_ptr<EventStore> store;
    if (k == 0) {
      store = std::move(forged);
    } else {
      store = std::make_unique<MemoryStore>();
      store->append(batch);
    }
    std::unique_ptr<Engine> engine;
    bool other = false;
    const bool corrupt = is_corruption([&] { engine = std::make_unique<Engine>(profile, std::move(store)); }, other);
    FUZZ_CHECK(!other);
    FUZZ_CHECK(corrupt == hostile);
    if (engine) {
      FUZZ_CHECK(engine->last_seq() == log.size());
      query_everything(*engine, profile);
    }
  }
  return 0;
}
