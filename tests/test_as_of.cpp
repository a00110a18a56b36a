// R15, R20: every query that takes a date answers exactly as of that date.
//
// The oracle is independent of the engine's own rebuilding: a world is driven by a seeded
// random script, day by day; replaying the same seed up to day d on a fresh engine gives
// the engine as it stood at the end of d, whose live answers are what any as-of-d query on
// the finished engine must return. The same queries are also checked against
// Engine::state_as_of(d), and per-item standings against accounting.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "fixture.h"

using namespace doithoai;
using fx::World;

namespace {

const Date kStart(2022, 9, 20);
const Date kEnd(2023, 1, 31);

// Every lifecycle the engine knows: answered on the spot, replied on time and late (and
// partly delivered), extended, escalated (and handled above), refused, merged, reopened,
// closed. Random actions on random items; refused ones (wrong state, wrong role) are part
// of the script too, and change nothing.
void drive(World& w, std::uint32_t seed, Date until) {
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  ConferenceId conf;
  std::vector<ItemId> items;
  // Day by day to the conference, then every one to three days.
  for (Date day = kStart; day <= kEnd && day <= until;
       day += boost::gregorian::date_duration(day < Date(2022, 10, 1) ? 1 : 1 + static_cast<int>(pick(3)))) {
    w.set_day(day.year(), day.month(), day.day(), 8 + static_cast<int>(pick(9)));
    auto attempt = [&](PersonId actor, const Command& c) {
      try {
        const Result r = w.engine->execute(actor, c);
        for (ItemId i : r.items) items.push_back(i);
      } catch (const Error&) {
      }
    };
    if (day == kStart) conf = w.plan();
    if (day == Date(2022, 9, 30)) {
      w.run(w.office, cmd::HoldConference{conf, Date(), {w.party_head, w.gov_head}, 120, "Báo cáo"});
      for (int k = 0; k < 6; ++k) {
        attempt(w.office, cmd::SubmitOpinion{w.ward, conf, Channel::at_conference, k % 2 ? w.resident : w.resident2,
                                             OrganizationId(), Date(), "", {{"land", "Ý kiến tại hội nghị"}}});
        if (pick(2) == 0) attempt(w.office, cmd::AnswerOnSpot{items.back(), w.gov_head, "Trả lời trực tiếp"});
      }
    }
    const int actions = 1 + static_cast<int>(pick(5));
    for (int a = 0; a < actions; ++a) {
      // Weighted: letters 2, assign 3, reply 4, deliveries 1, extend 1, escalate 1, refuse 1,
      // merge 1, reopen 1, close 2.
      static const int kind_of[] = {0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9};
      const int what = kind_of[pick(sizeof kind_of / sizeof kind_of[0])];
      if (what == 0 || items.empty()) {
        const PersonId who = pick(2) ? w.resident : w.resident2;
        attempt(who, cmd::SubmitOpinion{w.ward, ConferenceId(), Channel::letter, who, OrganizationId(), Date(), "",
                                        {{pick(2) ? "urban_order" : "land", "Đơn thư"}}});
        continue;
      }
      const ItemId it = items[pick(items.size())];
      const Item v = w.engine->item(it);
      const bool at_district = v.unit == w.district;
      const PersonId office = at_district ? w.district_office : w.office;
      const PersonId officer = v.agency == w.land            ? w.land_officer
                               : v.agency == w.urban         ? w.urban_officer
                               : v.agency == w.district_land ? w.district_officer
                                                             : w.land_officer;
      const Date today = w.engine->today();
      static const Recipient all[] = {Recipient::party_head, Recipient::government_head, Recipient::front_chair,
                                      Recipient::raiser};
      switch (what) {
        case 1:
          attempt(office, cmd::Assign{it, at_district ? w.district_land : (pick(2) ? w.land : w.urban), std::nullopt});
          break;
        case 2:  // a written reply, usually delivered to everyone at once, sometimes only in part
          attempt(officer, cmd::WriteReply{it, "12/TB-UBND", Date(), officer, "Trả lời"});
          for (Recipient r : all)
            if (pick(5)) attempt(office, cmd::RecordDelivery{it, r, Date()});
          break;
        case 3:
          for (Recipient r : all) attempt(office, cmd::RecordDelivery{it, r, Date()});
          break;
        case 4:
          if (v.deadline)
            attempt(office, cmd::Extend{it, *v.deadline + boost::gregorian::date_duration(1 + static_cast<int>(pick(20))),
                                        "05/TB-UBND", today, AgencyId(), "Vụ việc phức tạp"});
          break;
        case 5:
          attempt(w.office, cmd::Escalate{it, w.district, AgencyId(), "Đề xuất quận giải quyết", Date(), today});
          break;
        case 6:
          attempt(office, cmd::DecideIntake{it, Outcome::refused, "Không thuộc thẩm quyền", "", false, Date(), today});
          break;
        case 7:
          attempt(office, cmd::MergeDuplicate{it, items[pick(items.size())]});
          break;
        case 8:
          attempt(at_district ? w.district_front : w.front_chair, cmd::Reopen{it, "Chưa thỏa đáng", std::nullopt, Date()});
          break;
        default:
          attempt(at_district ? w.district_front : w.front_chair, cmd::CloseItem{it, "Đã giải quyết xong", Date()});
          break;
      }
    }
  }
}

std::string show(const Accounting& a) {
  std::ostringstream o;
  o << a.items << "/" << a.opinions << " res " << a.resolved << " out " << a.outstanding << " nyd " << a.not_yet_due
    << " od " << a.overdue << " spot " << a.answered_on_spot << " rep " << a.replied << " ontime "
    << a.replied_on_time << " late " << a.replied_late << " hand " << a.handed_on << " esc " << a.escalated
    << " closed " << a.closed << " ext " << a.extended_items << "/" << a.extensions << " reop " << a.reopened_items
    << " merged " << a.merged << " recv " << a.received_by_escalation;
  return o.str();
}

std::vector<Date> sample_days(std::uint32_t seed, int n) {
  std::mt19937 rng(seed * 7919u + 1);
  std::vector<Date> v = {kStart, Date(2022, 9, 30), Date(2022, 10, 30), Date(2022, 10, 31)};
  const int span = (kEnd - kStart).days();
  while (static_cast<int>(v.size()) < n) v.push_back(kStart + boost::gregorian::date_duration(static_cast<int>(rng() % span)));
  return v;
}

}  // namespace

namespace {
// Checks every as-of query of one random world; returns its final accounting.
Accounting check_world(std::uint32_t seed) {
  World w;
  drive(w, seed, kEnd);
  const Engine& e = *w.engine;
  const std::size_t n = e.read([](const State& s) { return s.item_count(); });
  REQUIRE(n > 20);
  const Accounting fin = e.accounting(w.city, kEnd);

  for (const Date d : sample_days(seed, 10)) {
    CAPTURE(seed, format_date(d));
    World then;
    drive(then, seed, d);
    const Engine& o = *then.engine;  // the oracle: the engine as it stood at the end of d
    const State past = e.state_as_of(d);
    REQUIRE(past.last_seq() == o.last_seq());
    const std::size_t n_then = o.read([](const State& s) { return s.item_count(); });

    // Per item: the same standing, and items raised later did not exist yet.
    std::uint64_t resolved = 0, not_yet_due = 0, overdue = 0;
    for (std::uint32_t i = 1; i <= n; ++i) {
      if (i > n_then) {
        REQUIRE_ERROR(not_found, e.standing(ItemId(i), d));
        continue;
      }
      const Standing st = e.standing(ItemId(i), d);
      REQUIRE(st == o.standing(ItemId(i), d));
      REQUIRE(st == past.standing(ItemId(i), d));
      if (st == Standing::resolved) ++resolved;
      else if (st == Standing::not_yet_due) ++not_yet_due;
      else ++overdue;
    }
    // R15: the standings add up to the accounting of the whole tree.
    const Accounting all = e.accounting(w.city, d);
    REQUIRE(all.items == n_then);
    REQUIRE(all.resolved == resolved);
    REQUIRE(all.not_yet_due == not_yet_due);
    REQUIRE(all.overdue == overdue);

    for (UnitId u : {w.city, w.district, w.ward}) {
      REQUIRE(show(e.accounting(u, d)) == show(o.accounting(u, d)));
      REQUIRE(show(e.accounting(u, d)) == show(past.accounting(u, d)));
    }
    // Item queries with as_of: every filter on that day's state.
    std::vector<ItemQuery> queries;
    for (auto st : {Standing::resolved, Standing::not_yet_due, Standing::overdue}) {
      ItemQuery q;
      q.standing = st;
      queries.push_back(q);
    }
    for (auto st : {ItemStatus::open, ItemStatus::assigned, ItemStatus::reply_written, ItemStatus::replied,
                    ItemStatus::answered, ItemStatus::handed_on, ItemStatus::merged, ItemStatus::closed}) {
      ItemQuery q;
      q.status = st;
      queries.push_back(q);
    }
    {
      ItemQuery q;
      q.unit = w.district;
      q.agency = w.district_land;
      queries.push_back(q);
      ItemQuery v;
      v.visible_to = w.resident;
      v.standing = Standing::overdue;
      queries.push_back(v);
    }
    for (ItemQuery q : queries) {
      q.as_of = d;
      const auto got = e.items(q);
      REQUIRE(got == o.items(q));
      REQUIRE(got == past.items(q));
    }
    REQUIRE(e.overdue(d, 1000) == o.overdue(d, 1000));
    REQUIRE(e.due_within(d, 15) == o.due_within(d, 15));
    REQUIRE(e.due_between(d, d + boost::gregorian::date_duration(40)) ==
            past.due_between(d, d + boost::gregorian::date_duration(40), 1000));

    // The views that take a date.
    const ReportRequest rq{w.ward, Period::month(d.year(), d.month()), d};
    REQUIRE(report_to_json(make_report(e, rq)) == report_to_json(make_report(o, rq)));
    REQUIRE(compliance_to_json(compliance(e, w.city, Period::year(d.year()), d)) ==
            compliance_to_json(compliance(o, w.city, Period::year(d.year()), d)));
    REQUIRE(triggers_to_json(unscheduled_triggers(e, w.city, d)) == triggers_to_json(unscheduled_triggers(o, w.city, d)));
    ExportOptions x;
    x.visibility = Visibility::internal;
    x.as_of = d;
    REQUIRE(export_items_json(e, x) == export_items_json(o, x));
    std::string csv_e, csv_o;
    export_items_csv(e, x, csv_e);
    export_items_csv(o, x, csv_o);
    REQUIRE(csv_e == csv_o);
    REQUIRE(export_ical(e, w.land, x) == export_ical(o, w.land, x));
  }
  return fin;
}
}  // namespace

TEST_CASE("R15 every as-of query equals the engine as it stood that day, on random worlds of every lifecycle") {
  Accounting sum;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    const Accounting a = check_world(seed);
    sum.answered_on_spot += a.answered_on_spot;
    sum.replied_on_time += a.replied_on_time;
    sum.replied_late += a.replied_late;
    sum.extended_items += a.extended_items;
    sum.escalated += a.escalated;
    sum.handed_on += a.handed_on;
    sum.merged += a.merged;
    sum.reopened_items += a.reopened_items;
    sum.closed += a.closed;
    sum.overdue += a.overdue;
  }
  // The scripts reach every lifecycle.
  INFO(show(sum));
  CHECK(sum.answered_on_spot > 0);
  CHECK(sum.replied_on_time > 0);
  CHECK(sum.replied_late > 0);
  CHECK(sum.extended_items > 0);
  CHECK(sum.escalated > 0);
  CHECK(sum.handed_on > sum.escalated);  // refusals too
  CHECK(sum.merged > 0);
  CHECK(sum.reopened_items > 0);
  CHECK(sum.closed > 0);
  CHECK(sum.overdue > 0);
}

TEST_CASE("R15 a state refuses a date before its last event instead of answering from a later day") {
  World w;
  drive(w, 11, kEnd);
  const Engine& e = *w.engine;
  const Date last = e.read([](const State& s) { return s.last_date(); });
  const Date before = last - boost::gregorian::date_duration(1);
  e.read([&](const State& s) {
    REQUIRE_FALSE(s.answers_for(before));
    REQUIRE(s.answers_for(last));
    REQUIRE_ERROR(invalid_argument, s.standing(ItemId(1), before));
    REQUIRE_ERROR(invalid_argument, s.accounting(w.city, before));
    REQUIRE_ERROR(invalid_argument, s.overdue(before, 10));
    REQUIRE_ERROR(invalid_argument, s.due_between(before, last, 10));
    ItemQuery q;
    q.as_of = before;
    REQUIRE_ERROR(invalid_argument, s.items(q));
    REQUIRE_ERROR(invalid_argument, make_report(s, e.profile(), e.calendar(), ReportRequest{w.ward, Period::month(2022, 10), Date()}));
    REQUIRE_ERROR(invalid_argument, compliance(s, e.profile(), w.city, Period::year(2022), before));
    REQUIRE_ERROR(invalid_argument, unscheduled_triggers(s, e.profile(), w.city, before));
    REQUIRE_ERROR(invalid_argument, results_publication(s, e.profile(), e.calendar(), w.city, before));
    ExportOptions x;
    x.as_of = before;
    REQUIRE_ERROR(invalid_argument, export_items_json(s, e.profile(), x));
    // On or after the last day the state answers.
    REQUIRE_NOTHROW(s.accounting(w.city, last));
    REQUIRE_NOTHROW(s.overdue(last + boost::gregorian::date_duration(30), 10));
    return 0;
  });
  // A past state answers for its own day and refuses the days before it too.
  const State past = e.state_as_of(Date(2022, 10, 31));
  REQUIRE(past.last_date() <= Date(2022, 10, 31));
  REQUIRE_NOTHROW(past.accounting(w.city, Date(2022, 10, 31)));
  REQUIRE_ERROR(invalid_argument, past.accounting(w.city, Date(2022, 9, 19)));
}

TEST_CASE("R15 an item replied after its deadline was overdue on the days in between, and unknown before it was raised") {
  World w;
  const ItemId it = w.assigned_item();  // due 30/10/2022
  w.set_day(2022, 10, 15);
  const ItemId later = w.letter(w.resident2);
  w.set_day(2022, 11, 10);
  w.reply_all(it, w.land_officer, Date(2022, 11, 10));
  const Engine& e = *w.engine;
  REQUIRE(e.standing(it, Date(2022, 10, 20)) == Standing::not_yet_due);
  REQUIRE(e.standing(it, Date(2022, 11, 5)) == Standing::overdue);
  REQUIRE(e.standing(it, Date(2022, 11, 10)) == Standing::resolved);
  REQUIRE_ERROR(not_found, e.standing(later, Date(2022, 10, 1)));
  ItemQuery q;
  q.standing = Standing::overdue;
  q.as_of = Date(2022, 11, 5);
  REQUIRE(e.items(q) == std::vector<ItemId>{it});
  q.standing.reset();
  q.as_of = Date(2022, 10, 1);
  REQUIRE(e.items(q) == std::vector<ItemId>{it});  // `later` was raised on 15/10
  REQUIRE(e.overdue(Date(2022, 11, 5), 10) == std::vector<ItemId>{it});
  REQUIRE(e.overdue(Date(2022, 11, 30), 10) == std::vector<ItemId>{later});  // due 14/11, still open
  REQUIRE(e.due_within(Date(2022, 10, 25), 10) == std::vector<ItemId>{it});
}

TEST_CASE("R20 past answers stay exact when the log grows and when a clock is set back") {
  World w;
  const ItemId it = w.assigned_item();
  Engine& e = *w.engine;
  w.set_day(2022, 11, 10);
  const Accounting before = e.accounting(w.ward, Date(2022, 11, 5));  // rebuilt, then cached
  REQUIRE(before.overdue == 1);
  w.reply_all(it, w.land_officer, Date(2022, 11, 10));
  REQUIRE(e.accounting(w.ward, Date(2022, 11, 5)).overdue == 1);  // the new events are after that day
  REQUIRE(e.accounting(w.ward, Date(2022, 11, 10)).resolved == 1);
  // A clock set back does not write into the past: the event is stamped at the last event's time.
  const std::uint64_t seq = e.last_seq();
  w.set_day(2022, 10, 1);
  const ItemId late_letter = w.letter(w.resident2);
  const auto ev = e.events(seq + 1, 10);
  REQUIRE(ev.size() == 1);
  REQUIRE(ev[0].at >= e.events(seq, 1).at(0).at);
  REQUIRE_ERROR(not_found, e.standing(late_letter, Date(2022, 10, 1)));
  REQUIRE(e.accounting(w.ward, Date(2022, 11, 5)).items == 1);
}

TEST_CASE("R15 past states are cached per day and rebuilt when they may be stale") {
  World w;
  const ConferenceId c = w.plan();
  w.hold(c);
  const ItemId it = w.raise(c, w.resident);
  w.set_day(2022, 10, 5);
  w.letter(w.resident2);
  Engine& e = *w.engine;
  // A day with no later event in the log: the cached rebuild must be refreshed after an append
  // that still belongs to that day.
  REQUIRE(e.accounting(w.ward, Date(2022, 10, 4)).items == 1);
  w.set_day(2022, 10, 5, 15);
  w.letter(w.resident);
  REQUIRE(e.accounting(w.ward, Date(2022, 10, 5)).items == 3);
  w.set_day(2022, 10, 6);
  REQUIRE(e.accounting(w.ward, Date(2022, 10, 5)).items == 3);
  w.run(w.office, cmd::Assign{it, w.land, std::nullopt});
  w.reply_all(it, w.land_officer, Date(2022, 10, 6));
  REQUIRE(e.standing(it, Date(2022, 10, 5)) == Standing::not_yet_due);
  REQUIRE(e.standing(it, Date(2022, 10, 6)) == Standing::resolved);
}
