// The notification outbox (issue 15): notices as events in the batch that requires them,
// reminders, leases, acknowledgements, past days. docs/rules.md, docs/design-notes.md.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "doithoai/doithoai.h"
#include "doithoai/json.h"
#include "doithoai/sqlite_store.h"
#include "fixture.h"
#include "require_error.h"
#include "store_support.h"

using namespace doithoai;

namespace {

Profile outbox_profile(int reply_due_days = 3) {
  nlohmann::json j = profile_to_json(builtin_profile("hanoi-2200"));
  j["outbox"] = {{"reply_due_days", reply_due_days}};
  return load_profile(j);
}

std::vector<Notice> of_kind(const std::vector<Notice>& v, const std::string& kind) {
  std::vector<Notice> out;
  for (const auto& n : v)
    if (n.kind == kind) out.push_back(n);
  return out;
}

std::vector<Notice> all(const Engine& e) { return e.outbox(OutboxQuery{}); }

// Forwards to a MemoryStore; the next append fails when armed (a full disk).
class FailingStore final : public EventStore {
 public:
  std::uint64_t last_seq() const override { return inner_.last_seq(); }
  void append(const Batch& b) override {
    if (fail_next) {
      fail_next = false;
      throw Error(ErrorCode::storage, "disk full");
    }
    inner_.append(b);
  }
  void read(std::uint64_t from, const Visitor& v) const override { inner_.read(from, v); }
  bool fail_next = false;

 private:
  MemoryStore inner_;
};

}  // namespace

TEST_CASE("R10 outbox: a reply that counts is a notice to each of the four recipients, in its batch") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.set_day(2022, 10, 12);
  const Result r = w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(2022, 10, 12), w.land_officer, "Trả lời"});
  const auto replies = of_kind(all(*w.engine), "reply");
  REQUIRE(replies.size() == 4);
  std::set<std::string> roles;
  for (const auto& n : replies) {
    roles.insert(n.to.role);
    CHECK(n.rule == "R10");
    CHECK(n.item == item);
    CHECK(n.due == Date(2022, 10, 30));  // the item's deadline (R09)
    CHECK(n.cause == r.first_seq);       // the reply_written event
    CHECK(n.seq > r.first_seq);
    CHECK(n.seq <= r.last_seq);          // appended in the same batch
    CHECK(n.template_key == "tra_loi.land");  // the shipped template for the topic
    CHECK(n.data.at("number") == "12/TB-UBND");
    CHECK(n.status == "pending");
    CHECK_FALSE(n.citation.empty());
  }
  CHECK(roles == std::set<std::string>{"party_head", "government_head", "front_chair", "raiser"});
  for (const auto& n : replies)
    if (n.to.role == "raiser") CHECK(n.to.person == w.resident);
    else CHECK(n.to.unit == w.ward);
  // The notices are in the item's history, after the reply.
  const auto h = w.engine->history(item);
  CHECK(std::count_if(h.begin(), h.end(), [](const Recorded& x) { return event_type(x.event) == "notice_issued"; }) == 4);
}

TEST_CASE("R10 outbox: a command that fails writes no notice (same-batch atomicity)") {
  auto store = std::make_unique<FailingStore>();
  FailingStore* failing = store.get();
  auto clock = std::make_shared<ManualClock>(fx::at(2022, 9, 20));
  EngineOptions o;
  o.clock = clock;
  Engine e(outbox_profile(), std::move(store), o);
  const UnitId ward(e.execute(kSystemActor, cmd::CreateUnit{"Phường Bồ Đề", "xa"}).id);
  const AgencyId land(e.execute(kSystemActor, cmd::CreateAgency{ward, "Địa chính"}).id);
  const PersonId p(e.execute(kSystemActor, cmd::RegisterPerson{"Trần Văn Bình"}).id);
  e.execute(kSystemActor, cmd::GrantRole{p, Role::resident, ward});
  e.execute(kSystemActor, cmd::GrantRole{p, Role::office, ward});
  e.execute(kSystemActor, cmd::GrantRole{p, Role::agency_officer, ward, land});
  const ItemId item = e.execute(p, cmd::SubmitOpinion{ward, ConferenceId(), Channel::letter, p, OrganizationId(), Date(),
                                                     "", {{"land", "Đất"}}}).items.at(0);
  e.execute(p, cmd::Assign{item, land, std::nullopt});
  const std::uint64_t before = e.last_seq();
  failing->fail_next = true;
  REQUIRE_ERROR(storage, e.execute(p, cmd::WriteReply{item, "1/TL", Date(), p, "Trả lời"}));
  CHECK(e.last_seq() == before);
  CHECK(all(e).empty());
  CHECK(failing->last_seq() == before);
  // A command the rules refuse writes none either.
  REQUIRE_ERROR(not_found, e.execute(p, cmd::WriteReply{ItemId(99), "1/TL", Date(), p, "Trả lời"}));
  CHECK(all(e).empty());
  // The retry commits the reply and its notices together.
  const Result r = e.execute(p, cmd::WriteReply{item, "1/TL", Date(), p, "Trả lời"});
  CHECK(r.last_seq - r.first_seq + 1 == 5);  // reply_written + 4 notices
  CHECK(all(e).size() == 4);
}

TEST_CASE("R10 outbox: a draft under review is told only once approved") {
  nlohmann::json j = profile_to_json(outbox_profile());
  j["reply_review"] = {{"reviewer", "office"}, {"citation", "Quy chế thử"}};
  fx::World w(load_profile(j));
  const ItemId item = w.assigned_item();
  w.set_day(2022, 10, 12);
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  CHECK(of_kind(all(*w.engine), "reply").empty());
  w.run(w.office, cmd::ApproveReply{item, "Đạt", Date()});
  CHECK(of_kind(all(*w.engine), "reply").size() == 4);
}

TEST_CASE("R08 outbox: the conclusion notice goes to each agency concerned within its days") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();  // held 30/9/2022, assigned to the land agency
  w.set_day(2022, 10, 5);
  const Result r = w.run(w.office, cmd::IssueConclusionNotice{w.engine->item(item).conference, "15-TB/ĐU", Date(), "Kết luận"});
  const auto notes = of_kind(all(*w.engine), "conclusion_notice");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].to.role == "agency");
  CHECK(notes[0].to.agency == w.land);
  CHECK(notes[0].due == Date(2022, 10, 10));  // Bồ Đề: held 30/9, notice by 10/10
  CHECK(notes[0].rule == "R08");
  CHECK(notes[0].cause == r.first_seq);
  CHECK(notes[0].data.at("number") == "15-TB/ĐU");
}

TEST_CASE("R03 outbox: residents are told of a commune conference at least 7 days before") {
  fx::World w(outbox_profile());
  const ConferenceId c = w.plan();  // for 30/9/2022
  const auto notes = of_kind(all(*w.engine), "conference_notice");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].to.role == "residents");
  CHECK(notes[0].to.unit == w.ward);
  CHECK(notes[0].conference == c);
  CHECK(notes[0].due == Date(2022, 9, 23));
  CHECK(notes[0].rule == "R03");
}

TEST_CASE("R13 outbox: the public is told the results within 10 days of the conference") {
  fx::World w(outbox_profile());
  const ConferenceId c = w.plan();
  w.hold(c);
  const auto notes = of_kind(all(*w.engine), "conference_results");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].to.role == "public");
  CHECK(notes[0].due == Date(2022, 10, 10));
  CHECK(notes[0].rule == "R13");
}

TEST_CASE("R12 outbox: the raiser of an extension is told the new time and the agency") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.set_day(2022, 10, 20);
  w.run(w.office, cmd::Extend{item, Date(2022, 11, 30), "20/TB-UBND", Date(2022, 10, 20), AgencyId(), "Cần đo đạc lại"});
  const auto notes = of_kind(all(*w.engine), "extension_notice");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].to.role == "raiser");
  CHECK(notes[0].to.person == w.resident);
  CHECK(notes[0].due == Date(2022, 10, 20));
  CHECK(notes[0].data.at("new_deadline") == "2022-11-30");
  CHECK(notes[0].data.at("agency") == "Bộ phận Địa chính - Xây dựng");
  CHECK(notes[0].rule == "R12");
}

TEST_CASE("R11 outbox: the raiser is told of a refusal and of an escalation") {
  fx::World w(outbox_profile());
  const ItemId a = w.letter(w.resident);
  const ItemId b = w.letter(w.resident2);
  w.run(w.office, cmd::DecideIntake{a, Outcome::refused, "Không thuộc thẩm quyền", "", false, Date(), Date(2022, 9, 20)});
  w.run(w.office, cmd::Escalate{b, w.district, AgencyId(), "Đề xuất quận giải quyết", Date(), Date(2022, 9, 20)});
  const auto refusals = of_kind(all(*w.engine), "refusal");
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0].to.person == w.resident);
  CHECK(refusals[0].due == Date(2022, 9, 20));
  const auto esc = of_kind(all(*w.engine), "escalation_notice");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].to.person == w.resident2);
  CHECK(esc[0].rule == "R11");
}

TEST_CASE("R10 outbox: a profile without an outbox section issues no notices") {
  fx::World w;  // the built-in hanoi-2200
  const ItemId item = w.assigned_item();
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  CHECK(all(*w.engine).empty());
}

TEST_CASE("R10 outbox: leases, acknowledgements, late delivery and redelivery after lease expiry") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.set_day(2022, 10, 12);
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  const std::size_t total = all(*w.engine).size();  // R03, R13 and 4 R10 notices
  REQUIRE(total == 6);
  auto first = w.engine->outbox_fetch(2, std::chrono::seconds(60));
  REQUIRE(first.size() == 2);
  auto rest = w.engine->outbox_fetch(100, std::chrono::seconds(60));
  CHECK(rest.size() == total - 2);  // none of the leased ones
  CHECK(w.engine->outbox_fetch(10).empty());
  // Delivered: gone for good; acknowledging again changes nothing.
  const std::uint64_t seq = w.engine->last_seq();
  const Result ack = w.engine->outbox_ack(first[0].id, "delivered", "smtp 250");
  CHECK(ack.first_seq == seq + 1);
  const Result again = w.engine->outbox_ack(first[0].id, "delivered", "smtp 250");
  CHECK(again.first_seq == 0);
  CHECK(w.engine->last_seq() == seq + 1);
  // Failed: still pending, counted, handed out again once the lease ends.
  w.engine->outbox_ack(first[1].id, "failed", "mailbox unavailable");
  CHECK(w.engine->outbox_fetch(10).empty());
  w.clock->set(fx::at(2022, 10, 12, 9) + boost::posix_time::seconds(61));
  auto redelivered = w.engine->outbox_fetch(10);
  CHECK(redelivered.size() == total - 1);
  CHECK(redelivered.front().id == first[1].id);
  CHECK(redelivered.front().failed_attempts == 1);
  CHECK(redelivered.front().last_detail == "mailbox unavailable");
  // Late: the first was the R03 notice, due 23/9 and delivered 12/10.
  const auto r03 = of_kind(all(*w.engine), "conference_notice").at(0);
  CHECK(r03.id == first[0].id);
  CHECK(r03.status == "delivered");
  CHECK(r03.late);
  const auto late = w.engine->outbox(OutboxQuery{Date(), "late"});
  CHECK(std::any_of(late.begin(), late.end(), [&](const Notice& n) { return n.id == r03.id; }));
  const OutboxCounts c = w.engine->outbox_counts(UnitId(), Date(2022, 10, 12));
  CHECK(c.issued == total);
  CHECK(c.delivered == 1);
  CHECK(c.pending == total - 1);
  CHECK(c.failed_attempts == 1);
  CHECK(c.late >= 1);
}

TEST_CASE("R10 outbox: bad input is refused with stable codes and changes nothing") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  const std::uint64_t seq = w.engine->last_seq();
  const NoticeId id = all(*w.engine).front().id;
  REQUIRE_ERROR(not_found, w.engine->outbox_ack(NoticeId(9999), "delivered"));
  REQUIRE_ERROR(not_found, w.engine->outbox_ack(NoticeId(), "delivered"));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_ack(id, "sent"));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_ack(id, "delivered", "", Date(2030, 1, 1)));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_fetch(0));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_fetch(100000));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_fetch(10, std::chrono::seconds(0)));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_fetch(10, std::chrono::seconds(-5)));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox_fetch(10, std::chrono::seconds(10000000)));
  REQUIRE_ERROR(invalid_argument, w.engine->outbox(OutboxQuery{Date(), "whatever"}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::IssueReminders{}));
  REQUIRE_ERROR(permission_denied, w.run(w.resident, cmd::AcknowledgeNotice{id, "delivered", "", Date()}));
  REQUIRE_ERROR(invalid_argument, w.run(kSystemActor, cmd::IssueReminders{Date(), 0}));
  CHECK(w.engine->last_seq() == seq);
  // The JSON forms of the commands.
  REQUIRE_ERROR(invalid_argument, w.engine->execute_json(nlohmann::json::parse(
      R"({"actor": "system", "command": {"type": "acknowledge_notice", "notice": 1, "outcome": 3}})")));
  const auto j = w.engine->execute_json(nlohmann::json::parse(
      R"({"actor": "system", "command": {"type": "acknowledge_notice", "notice": 1, "outcome": "delivered"}})"));
  CHECK(w.engine->last_seq() == seq + 1);
  (void)j;
}

TEST_CASE("R09 outbox: reminders of replies due and overdue items, once a day") {
  fx::World w(outbox_profile(3));
  const ItemId item = w.assigned_item();  // due 30/10/2022
  w.set_day(2022, 10, 28);
  const Result r = w.run(kSystemActor, cmd::IssueReminders{});
  REQUIRE(r.first_seq != 0);
  auto due = of_kind(all(*w.engine), "reply_due_reminder");
  REQUIRE(due.size() == 1);
  CHECK(due[0].to.agency == w.land);
  CHECK(due[0].due == Date(2022, 10, 30));
  CHECK(due[0].item == item);
  // Results publication was due 10/10 and never published: the office is reminded.
  CHECK(of_kind(all(*w.engine), "results_publication_reminder").size() == 1);
  // Idempotent per day.
  const std::uint64_t seq = w.engine->last_seq();
  const Result again = w.run(kSystemActor, cmd::IssueReminders{});
  CHECK(again.first_seq == 0);
  CHECK(w.engine->last_seq() == seq);
  // Overdue on 1/11: both heads, once that day; again the next day.
  w.set_day(2022, 11, 1);
  w.run(w.office, cmd::IssueReminders{});
  auto overdue = of_kind(all(*w.engine), "overdue_reminder");
  REQUIRE(overdue.size() == 2);
  CHECK((overdue[0].to.role == "party_head" || overdue[0].to.role == "government_head"));
  CHECK(w.run(w.office, cmd::IssueReminders{}).first_seq == 0);
  w.set_day(2022, 11, 2);
  w.run(w.office, cmd::IssueReminders{Date(), 1});  // the limit: one at a time
  CHECK(of_kind(all(*w.engine), "overdue_reminder").size() == 3);
  w.run(w.office, cmd::IssueReminders{Date(), 1});
  CHECK(of_kind(all(*w.engine), "overdue_reminder").size() == 4);
}

TEST_CASE("R10 outbox: the listing of a past day equals the one of state_as_of") {
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.set_day(2022, 10, 12);
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  w.set_day(2022, 10, 13);
  const auto n = all(*w.engine);
  w.engine->outbox_ack(n[0].id, "delivered");
  w.engine->outbox_ack(n[2].id, "failed", "bounce");
  w.set_day(2022, 10, 20);
  w.engine->outbox_ack(n[3].id, "delivered");
  for (Date d : {Date(2022, 9, 30), Date(2022, 10, 12), Date(2022, 10, 13), Date(2022, 10, 20)}) {
    OutboxQuery q;
    q.as_of = d;
    const auto listed = w.engine->outbox(q);
    const State past = w.engine->state_as_of(d);
    const auto rebuilt = outbox_notices(past, q);
    REQUIRE(listed.size() == rebuilt.size());
    for (std::size_t i = 0; i < listed.size(); ++i)
      CHECK(notice_to_json(listed[i]) == notice_to_json(rebuilt[i]));
    const OutboxCounts a = w.engine->outbox_counts(UnitId(), d);
    const OutboxCounts b = outbox_counts(past, UnitId(), d);
    CHECK(a.issued == b.issued);
    CHECK(a.delivered == b.delivered);
    CHECK(a.late == b.late);
  }
  OutboxQuery q13;
  q13.as_of = Date(2022, 10, 13);
  q13.status = "delivered";
  CHECK(w.engine->outbox(q13).size() == 1);  // n[3] was delivered only on 20/10
}

TEST_CASE("R10 outbox: redelivery after a crash, from a SQLite file; acks are idempotent") {
  sx::TempDir dir;
  const std::string path = dir.file("outbox.db");
  fx::World w(outbox_profile());
  const ItemId item = w.assigned_item();
  w.run(w.land_officer, cmd::WriteReply{item, "12/TB-UBND", Date(), w.land_officer, "Trả lời"});
  auto clock = std::make_shared<ManualClock>(fx::at(2022, 10, 12));
  EngineOptions o;
  o.clock = clock;
  {
    auto store = open_store(path);
    Batch b;
    b.events = w.engine->events(1, 1000000);
    store->append(b);
  }
  NoticeId sent;
  {
    auto e = open_engine(outbox_profile(), path, o);
    auto got = e->outbox_fetch(1, std::chrono::seconds(3600));
    REQUIRE(got.size() == 1);
    sent = got[0].id;
    // ... delivered by the integrator, then the process dies before acknowledging.
  }
  auto e = open_engine(outbox_profile(), path, o);
  auto again = e->outbox_fetch(1, std::chrono::seconds(3600));  // the lease died with the process
  REQUIRE(again.size() == 1);
  CHECK(again[0].id == sent);  // sent twice: at least once
  const std::uint64_t seq = e->last_seq();
  e->outbox_ack(sent, "delivered", "250 OK");
  e->outbox_ack(sent, "delivered", "250 OK");
  CHECK(e->last_seq() == seq + 1);
  e->snapshot();
  e.reset();
  auto reopened = open_engine(outbox_profile(), path, o);  // from the snapshot (format 7)
  OutboxQuery q;
  q.status = "delivered";
  REQUIRE(reopened->outbox(q).size() == 1);
  CHECK(reopened->outbox(q)[0].id == sent);
  CHECK(reopened->outbox_fetch(100).size() == all(*reopened).size() - 1);
}

TEST_CASE("R10 outbox: fetch and ack from two threads while commands run hand out no notice twice") {
  fx::World w(outbox_profile());
  const ConferenceId c = w.plan();
  w.hold(c);
  std::vector<ItemId> items;
  for (int i = 0; i < 20; ++i) {
    const ItemId it = w.raise(c, i % 2 ? w.resident : w.resident2);
    w.run(w.office, cmd::Assign{it, w.land, std::nullopt});
    items.push_back(it);
  }
  std::atomic<bool> done{false};
  std::mutex m;
  std::multiset<std::uint32_t> handed;
  auto consumer = [&] {
    while (true) {
      const bool last = done.load();
      for (const Notice& n : w.engine->outbox_fetch(3, std::chrono::seconds(3600))) {
        {
          std::lock_guard<std::mutex> g(m);
          handed.insert(n.id.value);
        }
        w.engine->outbox_ack(n.id, "delivered");
      }
      if (last) break;
    }
  };
  std::thread a(consumer), b(consumer);
  for (ItemId it : items) w.run(w.land_officer, cmd::WriteReply{it, "1/TL", Date(), w.land_officer, "Trả lời"});
  done = true;
  a.join();
  b.join();
  while (true) {  // what the consumers' last rounds left
    auto rest = w.engine->outbox_fetch(100, std::chrono::seconds(3600));
    if (rest.empty()) break;
    for (const Notice& n : rest) {
      handed.insert(n.id.value);
      w.engine->outbox_ack(n.id, "delivered");
    }
  }
  const auto everything = all(*w.engine);
  CHECK(everything.size() == 2 + 20 * 4);
  CHECK(handed.size() == everything.size());  // each handed out exactly once (leases never ran out)
  for (const auto& n : everything) CHECK(handed.count(n.id.value) == 1);
  CHECK(w.engine->outbox_counts(UnitId(), w.engine->today()).pending == 0);
}

TEST_CASE("R10 outbox: commands committed in one group each carry their own notices") {
  fx::World w(outbox_profile());
  const ConferenceId c = w.plan();
  w.hold(c);
  std::vector<ItemId> items;
  for (int i = 0; i < 16; ++i) {
    const ItemId it = w.raise(c, w.resident);
    w.run(w.office, cmd::Assign{it, w.land, std::nullopt});
    items.push_back(it);
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int k = t; k < 16; k += 4)
        w.run(w.land_officer, cmd::WriteReply{items[static_cast<std::size_t>(k)], "1/TL", Date(), w.land_officer, "Trả lời"});
    });
  for (auto& t : writers) t.join();
  const auto replies = of_kind(all(*w.engine), "reply");
  REQUIRE(replies.size() == 16 * 4);
  std::map<std::uint32_t, int> per_item;
  for (const auto& n : replies) {
    ++per_item[n.item.value];
    // The cause is the reply_written event of that item.
    const auto caused = w.engine->events(n.cause, 1).at(0);
    REQUIRE(std::holds_alternative<ev::ReplyWritten>(caused.event));
    CHECK(std::get<ev::ReplyWritten>(caused.event).item == n.item);
  }
  for (ItemId it : items) CHECK(per_item[it.value] == 4);
  // The log replays to the same outbox.
  const State replayed = w.engine->state_as_of(w.engine->today());
  CHECK(outbox_notices(replayed, OutboxQuery{}).size() == all(*w.engine).size());
}
