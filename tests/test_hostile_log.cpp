// Hostile logs (issue 16): a log whose hash chain is intact (anyone can compute it from
// docs/store.md) but whose events cannot follow one another. Each class of such event is
// fed three ways: imported as JSON Lines, opened as a SQLite file whose rows were forged
// with valid hashes, and applied to a State through the public State::apply. Each must be
// Error(corruption) naming the event's sequence number, and change nothing.
#include "store_support.h"

#include <functional>
#include <sstream>

using namespace sx;

namespace {

Profile profile() { return builtin_profile("hanoi-2200"); }

// A real log written by the engine: the directory, a replied item and an extended one
// (workload), an open item, a planned conference.
struct Base {
  std::vector<Recorded> events;
  Directory d;
  ItemId replied, assigned, open;
  ConferenceId conference;
  Instant last_at;
};

const Base& base() {
  static const Base b = [] {
    Base b;
    auto c = sx::clock();
    Engine e(profile(), options(c));
    b.d = build_directory(e);
    workload(e, b.d, 1);
    b.replied = ItemId(1);
    b.assigned = ItemId(2);
    b.open = e.execute(b.d.office, cmd::SubmitOpinion{b.d.ward, ConferenceId(), Channel::letter, b.d.resident,
                                                     OrganizationId(), Date(), "", {{"land", "Ngõ 64 ngập úng"}}})
                 .items.at(0);
    b.conference = ConferenceId(static_cast<std::uint32_t>(
        e.execute(b.d.office, cmd::PlanConference{b.d.ward, ConferenceKind::periodic, "all_residents", Date(2022, 12, 20), Date()})
            .id));
    b.events = e.events(1, 1u << 20);
    b.last_at = b.events.back().at;
    REQUIRE(e.read([&](const State& s) { return s.status(b.assigned); }) == ItemStatus::assigned);
    return b;
  }();
  return b;
}

struct Case {
  const char* name;
  std::function<Event(const Base&)> event;
  const char* why;  // a phrase the message must hold
};

std::vector<Case> cases() {
  const Date day(2022, 11, 10);
  return {
      // dangling ids
      {"an item that does not exist", [=](const Base& b) { return Event(ev::ItemAssigned{ItemId(999), b.d.land, day, day}); }, "item 999 does not exist"},
      {"item id 0", [=](const Base&) { return Event(ev::FindingRecorded{ItemId(), "x", true, day}); }, "item 0 does not exist"},
      {"an agency that does not exist", [=](const Base& b) { return Event(ev::ItemAssigned{b.open, AgencyId(77), day, day}); }, "agency 77 does not exist"},
      {"a unit that does not exist", [=](const Base&) { return Event(ev::AgencyCreated{AgencyId(2), UnitId(55), "", "Phòng", false}); }, "unit 55 does not exist"},
      {"a person that does not exist", [=](const Base& b) { return Event(ev::RoleGranted{PersonId(500), Role::office, b.d.ward, AgencyId(), OrganizationId()}); }, "person 500 does not exist"},
      {"a conference that does not exist", [=](const Base& b) { return Event(ev::ConferenceHeld{ConferenceId(42), day, {b.d.party_head}, 10, "", day, day, {}}); }, "conference 42 does not exist"},
      {"a chair that does not exist", [=](const Base& b) { return Event(ev::ConferenceHeld{b.conference, day, {PersonId(321)}, 10, "", day, day, {}}); }, "chair 321 does not exist"},
      {"a reception by nobody", [=](const Base& b) { return Event(ev::ReceptionRecorded{b.d.ward, PersonId(404), Role::party_head, AgencyId(), day, ""}); }, "person 404 does not exist"},
      {"a reply published for no item", [=](const Base&) { return Event(ev::ReplyPublished{ItemId(4000000000u), day}); }, "does not exist"},
      {"results of no conference", [=](const Base&) { return Event(ev::ConferenceResultsPublished{ConferenceId(9), day, day}); }, "conference 9 does not exist"},
      // a reply index out of range (replies[r.reply - 1] with reply 0)
      {"a delivery of a reply never written", [=](const Base& b) { return Event(ev::ReplyDelivered{b.assigned, Recipient::raiser, day, true}); }, "cannot follow"},
      // ids that are not the next one: gaps, reuse, wrapping at 2^32
      {"a unit id at 2^32 - 2", [=](const Base&) { return Event(ev::UnitCreated{UnitId(0xFFFFFFFEu), "", "X", "xa", UnitId(), day}); }, "takes id 4"},
      {"a reused person id", [=](const Base&) { return Event(ev::PersonRegistered{PersonId(1), "", "Trùng", "", "", "", false}); }, "takes id 7"},
      {"a person id with a gap", [=](const Base&) { return Event(ev::PersonRegistered{PersonId(12), "", "Cách", "", "", "", false}); }, "takes id 7"},
      {"items wrapping at 2^32 (first item 2^32 - 2, two items)", [=](const Base& b) {
         return Event(ev::OpinionSubmitted{OpinionId(3), ItemId(0xFFFFFFFEu), b.d.ward, ConferenceId(), Channel::letter, b.d.resident,
                                           OrganizationId(), UnitId(), day, "land", {{"land", "a"}, {"land", "b"}}, day});
       }, "takes id 4"},
      {"an opinion id reused", [=](const Base& b) {
         return Event(ev::OpinionSubmitted{OpinionId(1), ItemId(4), b.d.ward, ConferenceId(), Channel::letter, b.d.resident,
                                           OrganizationId(), UnitId(), day, "land", {{"land", "a"}}, day});
       }, "takes id 3"},
      {"an opinion without items", [=](const Base& b) {
         return Event(ev::OpinionSubmitted{OpinionId(3), ItemId(4), b.d.ward, ConferenceId(), Channel::letter, b.d.resident,
                                           OrganizationId(), UnitId(), day, "land", {}, day});
       }, "at least one item"},
      {"an escalation creating an item over an old one", [=](const Base& b) {
         return Event(ev::ItemEscalated{b.open, b.d.district, AgencyId(), OpinionId(3), ItemId(1), "p", day, day, day});
       }, "takes id 4"},
      // impossible transitions
      {"a reply to an open item", [=](const Base& b) { return Event(ev::ReplyWritten{b.open, "1/TL", day, b.d.officer, b.d.land, "x"}); }, "is open"},
      {"closing an open item", [=](const Base& b) { return Event(ev::ItemClosed{b.open, "", day}); }, "is open"},
      {"reopening an assigned item", [=](const Base& b) { return Event(ev::ItemReopened{b.assigned, "x", day, day}); }, "is assigned"},
      {"answering a replied item", [=](const Base& b) { return Event(ev::ItemAnswered{b.replied, b.d.party_head, "x", day}); }, "is replied"},
      {"merging an item into itself", [=](const Base& b) { return Event(ev::ItemMerged{b.open, b.open, day}); }, "into itself"},
      {"a conclusion before the conference", [=](const Base& b) { return Event(ev::ConclusionNoticeIssued{b.conference, "1/TB", day, "x", day}); }, "follows a held conference"},
      {"closing a planned conference", [=](const Base& b) { return Event(ev::ConferenceClosed{b.conference, day}); }, "can be closed"},
      {"a unit merged into itself", [=](const Base& b) { return Event(ev::UnitMerged{b.d.ward, b.d.ward, day}); }, "into itself"},
      {"a unit merged into its own sub-unit", [=](const Base& b) { return Event(ev::UnitMerged{b.d.district, b.d.ward, day}); }, "own sub-units"},
      // wrong unit or kind
      {"an opinion at another unit's conference", [=](const Base& b) {
         return Event(ev::OpinionSubmitted{OpinionId(3), ItemId(4), b.d.district, b.conference, Channel::collected_in_advance,
                                           b.d.resident, OrganizationId(), UnitId(), day, "land", {{"land", "a"}}, day});
       }, "another unit"},
      {"an intake outcome that is an escalation", [=](const Base& b) { return Event(ev::IntakeDecided{b.open, Outcome::escalated, "", "", day, Date(), day}); }, "not an intake decision"},
      {"a unit code taken", [=](const Base&) { return Event(ev::UnitCreated{UnitId(4), "HN", "Hà Nội 2", "tinh", UnitId(), day}); }, "already taken"},
      // recorded outcomes (events.h) that cannot follow the state
      {"a held conference giving its deadline to no item", [=](const Base& b) {
         return Event(ev::ConferenceHeld{b.conference, day, {b.d.party_head}, 10, "", day, day, {}, std::vector<ItemId>{ItemId(999)}});
       }, "deadline item 999 does not exist"},
      {"a held conference giving its deadline to an item of no conference", [=](const Base& b) {
         return Event(ev::ConferenceHeld{b.conference, day, {b.d.party_head}, 10, "", day, day, {}, std::vector<ItemId>{b.open}});
       }, "is not an item of conference"},
      {"a unit merge moving an item of another unit", [=](const Base& b) {
         return Event(ev::UnitMerged{b.d.district, b.d.city, day, std::vector<ItemId>{b.open}});
       }, "does not belong to unit"},
      {"a unit merge moving an item twice", [=](const Base& b) {
         return Event(ev::UnitMerged{b.d.ward, b.d.district, day, std::vector<ItemId>{b.open, b.assigned, b.open}});
       }, "is listed twice"},
      {"a unit merge moving no item", [=](const Base& b) {
         return Event(ev::UnitMerged{b.d.ward, b.d.district, day, std::vector<ItemId>{ItemId()}});
       }, "moved item 0 does not exist"},
      {"an intake decision closing an item", [=](const Base& b) {
         return Event(ev::IntakeDecided{b.open, Outcome::refused, "r", "", day, Date(), day, ItemStatus::closed});
       }, "not closed"},
      {"a reopening to a replied status", [=](const Base& b) {
         return Event(ev::ItemReopened{b.replied, "x", day, day, ItemStatus::replied});
       }, "open or assigned, not replied"},
  };
}

Recorded hostile_record(const Base& b, Event e) {
  return Recorded{b.events.back().seq + 1, b.last_at, kSystemActor, std::move(e)};
}

// The rows of `events` as a SQLite file (the store hashes them; it does not judge events).
void forge_store(const std::string& path, const std::vector<Recorded>& events) {
  SqliteStore s(path);
  Batch batch;
  batch.events = events;
  s.append(batch);
}

std::string message_of(const std::function<void()>& f, ErrorCode& code) {
  try {
    f();
  } catch (const Error& e) {
    code = e.code();
    return e.what();
  }
  code = ErrorCode::unsupported;  // not thrown: fails the corruption checks
  return "(nothing thrown)";
}

}  // namespace

TEST_CASE("hostile logs: the base log imports, opens and applies (the cases below differ from it in one event)") {
  TempDir dir;
  const Base& b = base();
  forge_store(dir.file("base.db"), b.events);
  std::stringstream jsonl;
  {
    SqliteStore src(dir.file("base.db"));
    export_jsonl(src, jsonl);
  }
  SqliteStore to(dir.file("to.db"));
  REQUIRE(import_jsonl(jsonl, to) == b.events.size());
  auto e = open_engine(profile(), dir.file("base.db"), options(sx::clock()));
  REQUIRE(e->last_seq() == b.events.size());
}

TEST_CASE("hostile logs: every class of impossible event is corruption naming its seq, on import, open and apply") {
  const Base& b = base();
  const std::uint64_t n = b.events.size();
  const std::string seq_text = "event " + std::to_string(n + 1) + " ";
  State good;
  for (const Recorded& r : b.events) detail::StateAccess::apply(good, r);
  const std::string good_image = image_of(good);
  int k = 0;
  for (const Case& c : cases()) {
    INFO("case: " << c.name);
    TempDir dir;
    const Recorded bad = hostile_record(b, c.event(b));
    std::vector<Recorded> log = b.events;
    log.push_back(bad);
    const std::string forged = dir.file("forged" + std::to_string(++k) + ".db");
    forge_store(forged, log);
    Hash forged_head;
    std::stringstream jsonl;
    {
      SqliteStore src(forged);
      const VerifyReport rep = src.verify();
      INFO("verify: " << rep.problem);
      REQUIRE(rep.ok);  // the chain itself is sound
      forged_head = src.head_hash();
      export_jsonl(src, jsonl);
    }

    // Import: nothing is imported.
    {
      SqliteStore to(dir.file("to.db"));
      ErrorCode code;
      const std::string msg = message_of([&] { import_jsonl(jsonl, to); }, code);
      INFO("import: " << msg);
      CHECK(code == ErrorCode::corruption);
      CHECK(msg.find(seq_text) != std::string::npos);
      CHECK(msg.find(c.why) != std::string::npos);
      CHECK(msg.find("nothing was imported") != std::string::npos);
      CHECK(to.last_seq() == 0);
      CHECK(to.head_hash() == Hash{});
    }
    // Open: the engine refuses the store, which keeps every row.
    {
      ErrorCode code;
      const std::string msg = message_of([&] { open_engine(profile(), forged, options(sx::clock())); }, code);
      INFO("open: " << msg);
      CHECK(code == ErrorCode::corruption);
      CHECK(msg.find(seq_text) != std::string::npos);
      SqliteStore again(forged);
      CHECK(again.last_seq() == n + 1);
      CHECK(again.head_hash() == forged_head);
    }
    // State::apply: the state is unchanged and still takes the next good event.
    {
      State s;
      for (const Recorded& r : b.events) detail::StateAccess::apply(s, r);
      ErrorCode code;
      const std::string msg = message_of([&] { detail::StateAccess::apply(s, bad); }, code);
      INFO("apply: " << msg);
      CHECK(code == ErrorCode::corruption);
      CHECK(msg.find(seq_text) != std::string::npos);
      CHECK(s.last_seq() == n);
      CHECK(image_of(s) == good_image);
      detail::StateAccess::apply(s, Recorded{n + 1, b.last_at, kSystemActor, ev::FindingRecorded{b.open, "Sau sự kiện hỏng", true, Date(2022, 11, 10)}});
      CHECK(s.item(b.open).findings.size() == 1);
    }
  }
  REQUIRE(k == static_cast<int>(cases().size()));
}

TEST_CASE("hostile logs: State::apply refuses what JSON cannot carry: a recipient or recorded status out of range, a sequence gap, no time") {
  const Base& b = base();
  State s;
  for (const Recorded& r : b.events) detail::StateAccess::apply(s, r);
  const std::string before = image_of(s);
  const std::uint64_t n = b.events.size();
  const Date day(2022, 11, 10);
  // Deliver to recipient 9 of an item whose reply is written (1 << 8 and delivered_on[8]).
  State w;
  for (const Recorded& r : b.events) detail::StateAccess::apply(w, r);
  detail::StateAccess::apply(w, Recorded{n + 1, b.last_at, kSystemActor, ev::ReplyWritten{b.assigned, "2/TL", day, b.d.officer, b.d.land, "x"}});
  const std::string written = image_of(w);
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(w, Recorded{n + 2, b.last_at, kSystemActor, ev::ReplyDelivered{b.assigned, static_cast<Recipient>(9), day, true}}));
  REQUIRE(image_of(w) == written);
  // A recorded status out of range (a forged binary replay row can hold any byte).
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(s, Recorded{n + 1, b.last_at, kSystemActor,
                                             ev::IntakeDecided{b.assigned, Outcome::accepted, "", "", day, Date(), Date(),
                                                               static_cast<ItemStatus>(200)}}));
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(s, Recorded{n + 2, b.last_at, kSystemActor, ev::ItemClosed{b.replied, "", day}}));
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(s, Recorded{n, b.last_at, kSystemActor, ev::ItemClosed{b.replied, "", day}}));
  REQUIRE_ERROR(corruption, detail::StateAccess::apply(s, Recorded{n + 1, Instant(), kSystemActor, ev::ItemClosed{b.replied, "", day}}));
  REQUIRE(image_of(s) == before);
  detail::StateAccess::apply(s, Recorded{n + 1, b.last_at, kSystemActor, ev::ItemClosed{b.replied, "", day}});
  REQUIRE(s.status(b.replied) == ItemStatus::closed);
}

TEST_CASE("hostile logs: an import continuing a store is checked against the store's log") {
  TempDir dir;
  const Base& b = base();
  // The target holds the first part; the import continues it with an event naming an
  // item the target has (fine) and then one it does not (refused).
  std::vector<Recorded> log = b.events;
  log.push_back(hostile_record(b, ev::FindingRecorded{b.open, "Tốt", true, Date(2022, 11, 10)}));
  log.push_back(Recorded{log.back().seq + 1, b.last_at, kSystemActor, ev::FindingRecorded{ItemId(77), "Xấu", true, Date(2022, 11, 10)}});
  forge_store(dir.file("all.db"), log);
  std::stringstream all;
  {
    SqliteStore src(dir.file("all.db"));
    export_jsonl(src, all);
  }
  std::string prefix, tail, line;
  for (std::uint64_t i = 1; std::getline(all, line); ++i) (i <= b.events.size() ? prefix : tail) += line + "\n";
  SqliteStore to(dir.file("to.db"));
  std::stringstream p(prefix);
  REQUIRE(import_jsonl(p, to) == b.events.size());
  const Hash head = to.head_hash();
  std::stringstream t(tail);
  REQUIRE_ERROR(corruption, import_jsonl(t, to));
  REQUIRE(to.last_seq() == b.events.size());
  REQUIRE(to.head_hash() == head);
  std::stringstream first_only(tail.substr(0, tail.find('\n') + 1));
  REQUIRE(import_jsonl(first_only, to) == 1);
}
