// The notification outbox (issue 15): which notices the rules require, the reminders, and
// what the log's notice events do to the projection. Contract: doithoai/outbox.h; design:
// docs/design-notes.md, "The notification outbox".
#include "outbox.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "doithoai/error.h"
#include "doithoai/outbox.h"
#include "doithoai/profile.h"
#include "doithoai/templates.h"
#include "rules.h"
#include "state_access.h"
#include "state_impl.h"
#include "text.h"

namespace doithoai::detail {
namespace {

[[noreturn]] void deny(const std::string& m) { throw Error(ErrorCode::permission_denied, m); }
[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }

constexpr int kDefaultReplyDueDays = 3;

bool outbox_enabled(const Profile& p) { return p.source.is_object() && p.source.contains("outbox"); }
int reply_due_days(const Profile& p) {
  if (!outbox_enabled(p)) return kDefaultReplyDueDays;
  const auto& o = p.source["outbox"];
  auto it = o.find("reply_due_days");
  return it == o.end() ? kDefaultReplyDueDays : it->get<int>();
}

// The key of the profile's template of a kind that fits the topic, else `fallback`.
std::string template_key(const Profile& p, TemplateKind kind, std::string_view topic, const std::string& fallback) {
  const auto ts = templates_for(p, kind, topic);
  return ts.empty() ? fallback : ts.front().key;
}

// Builds the notices of one batch.
struct Builder {
  const StateImpl& s;
  const Profile& p;
  const Calendar& cal;
  Date today;
  std::uint32_t next_id;
  std::vector<Event> out;

  std::string unit_name(UnitId u) const { return s.has_unit(u) ? s.units[u.value].value.name : std::string(); }
  std::string agency_name(AgencyId a) const { return s.has_agency(a) ? s.agencies[a.value].name : std::string(); }
  std::string item_text(ItemId i) const { return s.text().str(s.items[i.value].text); }
  std::string topic_of(ItemId i) const { return s.topics[s.items[i.value].topic]; }

  ev::NoticeIssued& add(std::string kind, std::string key, NoticeRecipient to, Date due, const char* rule,
                        std::string citation, std::uint64_t cause) {
    ev::NoticeIssued n;
    n.notice = NoticeId(next_id++);
    n.kind = std::move(kind);
    n.template_key = std::move(key);
    n.to = std::move(to);
    n.on = today;
    n.due = due;
    n.rule = rule;
    n.citation = std::move(citation);
    n.cause = cause;
    out.emplace_back(std::move(n));
    return std::get<ev::NoticeIssued>(out.back());
  }
  static void put(ev::NoticeIssued& n, const char* name, std::string value) {
    if (!value.empty()) n.data.push_back(NoticeValue{name, std::move(value)});
  }
  static void put(ev::NoticeIssued& n, const char* name, const Date& d) {
    if (!d.is_special()) n.data.push_back(NoticeValue{name, format_date(d)});
  }
  static NoticeRecipient role_of(const char* role, UnitId unit) { return NoticeRecipient{role, unit, {}, {}, {}}; }
  static NoticeRecipient agency(AgencyId a, UnitId unit) { return NoticeRecipient{"agency", unit, a, {}, {}}; }
  // The raiser of an item's opinion, as a recipient; false when it has none (anonymous).
  bool raiser_of(ItemId item, NoticeRecipient& to, std::string& name) const {
    const ItemRec& r = s.items[item.value];
    const OpinionRec& op = s.opinions[r.opinion];
    to = NoticeRecipient{"raiser", r.unit, {}, op.raised_by, op.raised_by_org};
    if (op.raised_by && s.has_person(op.raised_by)) name = s.persons[op.raised_by.value].value.name;
    else if (op.raised_by_org && s.has_org(op.raised_by_org)) name = s.organizations[op.raised_by_org.value].name;
    else return false;
    return true;
  }
  void about_item(ev::NoticeIssued& n, ItemId item) const {
    n.item = item;
    n.opinion = OpinionId(s.items[item.value].opinion);
  }
  bool notice_applies(UnitId u) const {
    const auto& lv = p.public_notice_levels;
    return lv.empty() || std::find(lv.begin(), lv.end(), s.units[u.value].value.level) != lv.end();
  }

  // R10: a reply that counts (written without review, or approved) goes to every recipient.
  void reply(ItemId item, const std::string& number, const Date& date, AgencyId ag, std::uint64_t cause) {
    if (!s.has_item(item)) return;
    const ItemRec& r = s.items[item.value];
    const Date due = r.deadline != kNoDay ? std::max(date_of(r.deadline), date) : date;
    const std::string key = template_key(p, TemplateKind::reply, topic_of(item), "reply");
    for (Recipient rc : p.reply_recipients) {
      NoticeRecipient to;
      std::string raiser;
      if (rc == Recipient::raiser) {
        if (!raiser_of(item, to, raiser)) continue;
      } else {
        to = role_of(to_string(rc).data(), r.unit);
      }
      auto& n = add("reply", key, to, due, "R10", p.deadlines.reply.citation, cause);
      about_item(n, item);
      put(n, "number", number);
      put(n, "date", date);
      put(n, "agency", agency_name(ag));
      put(n, "unit", unit_name(r.unit));
      put(n, "topic", topic_of(item));
      put(n, "raiser", raiser);
    }
  }

  void operator()(const ev::ReplyWritten& e, std::uint64_t cause) {
    if (e.draft && *e.draft) return;  // a draft is told once approved
    reply(e.item, e.number, e.date, e.agency, cause);
  }
  void operator()(const ev::ReplyApproved& e, std::uint64_t cause) {
    if (!s.has_item(e.item) || !s.items[e.item.value].reply) return;
    const ReplyRec& d = s.replies[s.items[e.item.value].reply - 1];
    reply(e.item, s.text().str(d.number), date_of(d.date), d.agency, cause);
  }
  // R08: the conclusion notice to the agencies concerned (those the conference's items are
  // assigned to), else to the office.
  void operator()(const ev::ConclusionNoticeIssued& e, std::uint64_t cause) {
    if (!s.has_conference(e.conference)) return;
    const ConferenceRec& k = s.conferences[e.conference.value];
    std::set<std::uint32_t> agencies;
    for (OpinionId o : k.opinions) {
      const OpinionRec& op = s.opinions[o.value];
      for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i)
        if (s.items[i].agency) agencies.insert(s.items[i].agency.value);
    }
    std::vector<NoticeRecipient> to;
    for (std::uint32_t a : agencies) to.push_back(agency(AgencyId(a), s.agencies[a].unit));
    if (to.empty()) to.push_back(role_of("office", k.value.unit));
    const std::string key = template_key(p, TemplateKind::conclusion_notice, "", "conclusion_notice");
    for (auto& t : to) {
      auto& n = add("conclusion_notice", key, t, e.due, "R08", p.deadlines.conclusion_notice.citation, cause);
      n.conference = e.conference;
      put(n, "number", e.number);
      put(n, "date", e.issued_on);
      put(n, "unit", unit_name(k.value.unit));
      if (k.value.held_on) put(n, "conference_date", *k.value.held_on);
      put(n, "notice_deadline", e.due);
      put(n, "agency", agency_name(t.agency));
    }
  }
  // R12: the raiser is told of an extension, with the new time and the responsible agency.
  void operator()(const ev::ItemExtended& e, std::uint64_t cause) {
    if (!s.has_item(e.item)) return;
    NoticeRecipient to;
    std::string raiser;
    if (!raiser_of(e.item, to, raiser)) return;
    const ItemRec& r = s.items[e.item.value];
    const std::string key = template_key(p, TemplateKind::extension_notice, topic_of(e.item), "extension_notice");
    std::string citation = p.deadlines.reply.citation;
    for (const auto& l : p.extension_limits)
      if (!l.citation.empty()) {
        citation = l.citation;
        break;
      }
    auto& n = add("extension_notice", key, to, e.notice_date.is_special() ? e.on : e.notice_date, "R12", citation, cause);
    about_item(n, e.item);
    put(n, "notice_number", e.notice_number);
    put(n, "notice_date", e.notice_date);
    put(n, "new_deadline", e.deadline);
    if (r.deadline != kNoDay) put(n, "deadline", date_of(r.deadline));
    put(n, "agency", agency_name(e.agency));
    put(n, "reason", e.reason);
    put(n, "unit", unit_name(r.unit));
    put(n, "raiser", raiser);
  }
  // R11: the raiser is told of an escalation, a refusal, a transfer or a redirection.
  void operator()(const ev::ItemEscalated& e, std::uint64_t cause) {
    if (!s.has_item(e.item)) return;
    NoticeRecipient to;
    std::string raiser;
    if (!raiser_of(e.item, to, raiser)) return;
    auto& n = add("escalation_notice", "escalation_notice", to,
                  e.raiser_notified_on.is_special() ? e.on : e.raiser_notified_on, "R11", p.citation, cause);
    about_item(n, e.item);
    put(n, "to_unit", unit_name(e.to_unit));
    put(n, "agency", agency_name(e.to_agency));
    put(n, "date", e.on);
    put(n, "new_deadline", e.deadline);
    put(n, "unit", unit_name(s.items[e.item.value].unit));
    put(n, "raiser", raiser);
  }
  void operator()(const ev::IntakeDecided& e, std::uint64_t cause) {
    if (!s.has_item(e.item) || e.outcome == Outcome::accepted || e.outcome == Outcome::more_time) return;
    NoticeRecipient to;
    std::string raiser;
    if (!raiser_of(e.item, to, raiser)) return;
    const bool refused = e.outcome == Outcome::refused;
    const std::string kind = refused ? "refusal" : "transfer";
    const std::string key = template_key(p, refused ? TemplateKind::refusal : TemplateKind::transfer,
                                         topic_of(e.item), kind);
    auto& n = add(kind, key, to, e.raiser_notified_on.is_special() ? e.on : e.raiser_notified_on, "R11", p.citation,
                  cause);
    about_item(n, e.item);
    put(n, "outcome", std::string(to_string(e.outcome)));
    put(n, "reason", e.reason);
    put(n, "target", e.target);
    put(n, "date", e.on);
    put(n, "unit", unit_name(s.items[e.item.value].unit));
    put(n, "raiser", raiser);
  }
  // R03: the residents of a commune (the levels the profile names) are told of a conference
  // at least the public notice's days before it.
  void operator()(const ev::ConferencePlanned& e, std::uint64_t cause) {
    if (!s.has_unit(e.unit) || !notice_applies(e.unit)) return;
    const DeadlineRule& rule = p.deadlines.public_notice;
    Date due = e.planned_on - boost::gregorian::date_duration(rule.days);
    for (int guard = 0; guard < 60 && cal.deadline(due, rule) > e.planned_on; ++guard)
      due -= boost::gregorian::date_duration(1);
    auto& n = add("conference_notice", "conference_notice", role_of("residents", e.unit), due, "R03", rule.citation, cause);
    n.conference = e.conference;
    put(n, "unit", unit_name(e.unit));
    put(n, "planned_on", e.planned_on);
    put(n, "kind", std::string(to_string(e.kind)));
    put(n, "audience", e.audience);
    put(n, "topic", e.topic);
    put(n, "format", std::string(to_string(e.format)));
    put(n, "cluster", e.cluster);
    put(n, "plan_ref", e.plan_ref);
  }
  // R13: the public is told the results within the publication days of the conference.
  void operator()(const ev::ConferenceHeld& e, std::uint64_t cause) {
    if (!s.has_conference(e.conference)) return;
    const ConferenceRec& k = s.conferences[e.conference.value];
    const Date due = cal.deadline(e.held_on, p.deadlines.publication);
    auto& n = add("conference_results", "conference_results", role_of("public", k.value.unit), due, "R13",
                  p.deadlines.publication.citation, cause);
    n.conference = e.conference;
    put(n, "unit", unit_name(k.value.unit));
    put(n, "conference_date", e.held_on);
    put(n, "attendance", std::to_string(e.attendance));
    put(n, "reply_deadline", e.reply_due);
  }
  template <class E>
  void operator()(const E&, std::uint64_t) {}
};

std::string reminder_key(const ev::NoticeIssued& n) {
  return n.kind + "|" + std::to_string(n.item.value) + "|" + std::to_string(n.conference.value) + "|" + n.to.role +
         "|" + std::to_string(n.to.agency.value) + "|" + std::to_string(day_of(n.on));
}
bool is_reminder(const std::string& kind) {
  return kind.size() > 9 && kind.compare(kind.size() - 9, 9, "_reminder") == 0;
}

}  // namespace

void add_required_notices(const DecideInput& in, Decision& out, std::uint64_t first_seq) {
  if (!outbox_enabled(in.profile) || out.events.empty()) return;
  Builder b{in.state, in.profile, in.calendar, local_date(in.now, in.profile.zone_offset_minutes),
            static_cast<std::uint32_t>(in.state.outbox.notices.size()), {}};
  const std::size_t n = out.events.size();
  for (std::size_t i = 0; i < n; ++i)
    std::visit([&](const auto& e) { b(e, first_seq + i); }, out.events[i]);
  for (auto& e : b.out) out.events.push_back(std::move(e));
}

// ---- the commands ----

void decide_view_command(const DecideInput& in, const cmd::IssueReminders& c, Decision& out) {
  const StateImpl& s = in.state;
  const Profile& p = in.profile;
  const Date today = local_date(in.now, p.zone_offset_minutes);
  const Date on = c.on.is_special() ? today : c.on;
  check_date(on, "on");
  if (c.limit < 1 || c.limit > 10000)
    invalid("limit must be 1..10000 (got " + std::to_string(c.limit) + ")");
  // The units whose reminders the actor may issue: every one for the system actor.
  std::vector<UnitId> roots;
  if (in.actor != kSystemActor) {
    for (const auto& g : s.persons[in.actor.value].grants)
      if (g.role == Role::party_head || g.role == Role::government_head || g.role == Role::office)
        roots.push_back(g.unit);
    if (roots.empty()) deny("only the system, or a head or the office of a unit, may issue reminders");
  }
  auto in_scope = [&](UnitId u) {
    if (roots.empty()) return true;
    for (UnitId r : roots)
      if (s.unit_in_subtree(u, r)) return true;
    return false;
  };
  Builder b{s, p, in.calendar, on, static_cast<std::uint32_t>(s.outbox.notices.size()), {}};
  std::set<std::string> keys;  // issued in this batch
  auto fresh = [&](const ev::NoticeIssued& n) {
    const std::string k = reminder_key(n);
    if (s.outbox.reminders.count(k) || !keys.insert(k).second) {
      b.out.pop_back();
      --b.next_id;
      return false;
    }
    return true;
  };
  const int days = reply_due_days(p);
  const Date horizon = on + boost::gregorian::date_duration(days);
  auto full = [&] { return b.out.size() >= c.limit; };
  // Replies due within the days, and overdue items: the deadline index, earliest first.
  for (const auto& [day, ends] : s.by_deadline) {
    if (full() || day > day_of(horizon)) break;
    for (std::uint32_t id = ends.first; id && !full(); id = s.items[id].dl_next) {
      const ItemRec& r = s.items[id];
      if (is_resolved(r.status) || r.status == ItemStatus::merged || !in_scope(r.unit)) continue;
      const ItemId item(id);
      if (day >= day_of(on)) {
        // The agency owes the reply; once written, the office owes its deliveries (R10).
        NoticeRecipient to = r.agency && r.status == ItemStatus::assigned ? Builder::agency(r.agency, r.unit)
                                                                          : Builder::role_of("office", r.unit);
        auto& n = b.add("reply_due_reminder", "reply_due_reminder", to, date_of(day), "R09", p.deadlines.reply.citation, 0);
        b.about_item(n, item);
        if (!fresh(n)) continue;
        Builder::put(n, "deadline", date_of(day));
        Builder::put(n, "agency", b.agency_name(r.agency));
        Builder::put(n, "unit", b.unit_name(r.unit));
        Builder::put(n, "topic", b.topic_of(item));
      } else {
        for (const char* role : {"party_head", "government_head"}) {
          if (full()) break;
          auto& n = b.add("overdue_reminder", "overdue_reminder", Builder::role_of(role, r.unit), on, "R15",
                          p.deadlines.reply.citation, 0);
          b.about_item(n, item);
          if (!fresh(n)) continue;
          Builder::put(n, "deadline", date_of(day));
          Builder::put(n, "days_overdue", std::to_string(day_of(on) - day));
          Builder::put(n, "agency", b.agency_name(r.agency));
          Builder::put(n, "unit", b.unit_name(r.unit));
          Builder::put(n, "topic", b.topic_of(item));
        }
      }
    }
  }
  // Conferences: the public notice (R03) not yet delivered, and results not yet published (R13).
  std::map<std::uint32_t, bool> noticed;  // conference -> its R03 notice delivered
  for (std::size_t i = 1; i < s.outbox.notices.size(); ++i) {
    const NoticeRec& n = s.outbox.notices[i];
    if (n.issued.kind == "conference_notice" && n.issued.conference)
      noticed[n.issued.conference.value] = noticed[n.issued.conference.value] || n.delivered_on != kNoDay;
  }
  for (std::size_t i = 1; i < s.conferences.size() && !full(); ++i) {
    const Conference& k = s.conferences[i].value;
    if (!in_scope(k.unit)) continue;
    const ConferenceId cid(static_cast<std::uint32_t>(i));
    if (k.status == ConferenceStatus::planned && k.planned_on >= on) {
      auto it = noticed.find(cid.value);
      if (it == noticed.end() || it->second) continue;  // no notice required, or delivered
      const Date due = k.planned_on - boost::gregorian::date_duration(p.deadlines.public_notice.days);
      if (due > horizon) continue;
      auto& n = b.add("public_notice_reminder", "public_notice_reminder", Builder::role_of("office", k.unit), due, "R03",
                      p.deadlines.public_notice.citation, 0);
      n.conference = cid;
      if (!fresh(n)) continue;
      Builder::put(n, "planned_on", k.planned_on);
      Builder::put(n, "unit", b.unit_name(k.unit));
    } else if (k.held_on && s.view.results_published_on(cid.value) == kNoDay) {
      const Date due = in.calendar.deadline(*k.held_on, p.deadlines.publication);
      if (due > horizon) continue;
      auto& n = b.add("results_publication_reminder", "results_publication_reminder", Builder::role_of("office", k.unit),
                      due, "R13", p.deadlines.publication.citation, 0);
      n.conference = cid;
      if (!fresh(n)) continue;
      Builder::put(n, "conference_date", *k.held_on);
      Builder::put(n, "unit", b.unit_name(k.unit));
    }
  }
  for (auto& e : b.out) out.events.push_back(std::move(e));
  out.result.id = out.events.empty() ? 0 : std::get<ev::NoticeIssued>(out.events.front()).notice.value;
}

void decide_view_command(const DecideInput& in, const cmd::AcknowledgeNotice& c, Decision& out) {
  const StateImpl& s = in.state;
  if (!c.notice || c.notice.value >= s.outbox.notices.size())
    throw Error(ErrorCode::not_found, "no notice with id " + std::to_string(c.notice.value));
  if (c.outcome != "delivered" && c.outcome != "failed")
    invalid("outcome must be \"delivered\" or \"failed\" (got '" + c.outcome + "')");
  check_text(c.detail, "detail", kMaxTextBytes, false);
  const NoticeRec& n = s.outbox.notices[c.notice.value];
  if (in.actor != kSystemActor) {
    const UnitId u = n.issued.to.unit;
    if (!u || !s.is_head_or_office(in.actor, u))
      deny("only the system, or a head or the office of the notice's unit, may acknowledge it");
  }
  const Date today = local_date(in.now, in.profile.zone_offset_minutes);
  Date on = c.on.is_special() ? today : c.on;
  check_date(on, "on");
  if (on > today) invalid("on " + format_date(on) + " is in the future");
  if (on < n.issued.on) invalid("on " + format_date(on) + " is before the notice was issued");
  if (n.delivered_on != kNoDay) return;  // delivered already: nothing to record
  out.events.push_back(ev::NoticeAcknowledged{c.notice, c.outcome, c.detail, on});
  out.result.id = c.notice.value;
}

// ---- apply and check ----

void apply_outbox_event(StateImpl& s, const ev::NoticeIssued& e) {
  NoticeRec r;
  r.issued = e;
  r.seq = s.last_seq + 1;
  s.outbox.notices.push_back(std::move(r));
  s.outbox.pending.insert(e.notice.value);
  if (is_reminder(e.kind)) s.outbox.reminders.insert(reminder_key(e));
}

void apply_outbox_event(StateImpl& s, const ev::NoticeAcknowledged& e) {
  NoticeRec& r = s.outbox.notices[e.notice.value];
  r.last_detail = e.detail;
  if (e.outcome == "delivered") {
    r.delivered_on = day_of(e.on);
    s.outbox.pending.erase(e.notice.value);
  } else {
    ++r.failed;
  }
}

std::string check_outbox_event(const StateImpl& s, const ev::NoticeIssued& e) {
  if (e.notice.value != s.outbox.notices.size())
    return "notice " + std::to_string(e.notice.value) + " is not the next notice id";
  if (e.item && !s.has_item(e.item)) return "item " + std::to_string(e.item.value) + " does not exist";
  if (e.conference && !s.has_conference(e.conference))
    return "conference " + std::to_string(e.conference.value) + " does not exist";
  if (e.opinion && !s.has_opinion(e.opinion)) return "opinion " + std::to_string(e.opinion.value) + " does not exist";
  if (e.to.unit && !s.has_unit(e.to.unit)) return "unit " + std::to_string(e.to.unit.value) + " does not exist";
  if (e.to.agency && !s.has_agency(e.to.agency)) return "agency " + std::to_string(e.to.agency.value) + " does not exist";
  if (e.to.person && !s.has_person(e.to.person)) return "person " + std::to_string(e.to.person.value) + " does not exist";
  if (e.to.organization && !s.has_org(e.to.organization))
    return "organization " + std::to_string(e.to.organization.value) + " does not exist";
  if (e.cause > s.last_seq) return "its cause is not before it";
  if (e.on.is_special() || e.due.is_special()) return "a notice needs its day and due date";
  return {};
}

std::string check_outbox_event(const StateImpl& s, const ev::NoticeAcknowledged& e) {
  if (!e.notice || e.notice.value >= s.outbox.notices.size())
    return "notice " + std::to_string(e.notice.value) + " does not exist";
  if (e.outcome != "delivered" && e.outcome != "failed") return "outcome '" + e.outcome + "' is not known";
  if (s.outbox.notices[e.notice.value].delivered_on != kNoDay) return "the notice was delivered already";
  if (e.on.is_special()) return "an acknowledgement needs its day";
  return {};
}

void rebuild_outbox_index(OutboxData& o) {
  o.pending.clear();
  o.reminders.clear();
  if (o.notices.empty()) o.notices.resize(1);
  for (std::size_t i = 1; i < o.notices.size(); ++i) {
    const NoticeRec& n = o.notices[i];
    if (n.issued.notice.value != i) throw Error(ErrorCode::corruption, "snapshot notice out of order");
    if (n.delivered_on == kNoDay) o.pending.insert(static_cast<std::uint32_t>(i));
    if (is_reminder(n.issued.kind)) o.reminders.insert(reminder_key(n.issued));
  }
}

void check_outbox_section(const nlohmann::json& j) {
  if (!j.is_object()) invalid("profile $.outbox: expected an object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "reply_due_days") invalid("profile $.outbox." + it.key() + ": unknown field");
  if (j.contains("reply_due_days")) {
    const auto& d = j["reply_due_days"];
    if (!d.is_number_integer() || d.get<std::int64_t>() < 0 || d.get<std::int64_t>() > 365)
      invalid("profile $.outbox.reply_due_days: expected an integer 0..365");
  }
}

}  // namespace doithoai::detail

// ---- the public reads (doithoai/outbox.h) ----
namespace doithoai {

using detail::date_of;
using detail::kNoDay;

namespace {
Notice notice_value(const detail::NoticeRec& r, Date as_of);
}  // namespace
Notice detail::notice_of(const detail::StateImpl& s, std::uint32_t id, Date as_of) {
  return notice_value(s.outbox.notices[id], as_of);
}
namespace {
Notice notice_value(const detail::NoticeRec& r, Date as_of) {
  Notice n;
  const ev::NoticeIssued& e = r.issued;
  n.id = e.notice;
  n.kind = e.kind;
  n.template_key = e.template_key;
  n.to = e.to;
  for (const auto& v : e.data) n.data[v.name] = v.value;
  n.issued_on = e.on;
  n.due = e.due;
  n.rule = e.rule;
  n.citation = e.citation;
  n.item = e.item;
  n.conference = e.conference;
  n.opinion = e.opinion;
  n.cause = e.cause;
  n.seq = r.seq;
  n.failed_attempts = r.failed;
  n.last_detail = r.last_detail;
  if (r.delivered_on != kNoDay) {
    n.status = "delivered";
    n.delivered_on = date_of(r.delivered_on);
    n.late = *n.delivered_on > e.due;
  } else {
    n.status = "pending";
    n.late = !as_of.is_special() && as_of > e.due;
  }
  return n;
}
}  // namespace

std::vector<Notice> outbox_notices(const State& state, const OutboxQuery& q) {
  if (q.limit < 1 || q.limit > 100000)
    throw Error(ErrorCode::invalid_argument, "limit must be 1..100000 (got " + std::to_string(q.limit) + ")");
  if (!q.status.empty() && q.status != "pending" && q.status != "delivered" && q.status != "late" && q.status != "failed")
    throw Error(ErrorCode::invalid_argument,
                "status must be \"\", \"pending\", \"delivered\", \"late\" or \"failed\" (got '" + q.status + "')");
  const detail::StateImpl& s = detail::StateAccess::impl(state);
  if (q.unit && !s.has_unit(q.unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(q.unit.value));
  const Date as_of = q.as_of.is_special() ? state.last_date() : q.as_of;
  std::vector<Notice> out;
  for (std::size_t i = q.after.value + 1; i < s.outbox.notices.size() && out.size() < q.limit; ++i) {
    const detail::NoticeRec& r = s.outbox.notices[i];
    if (q.unit && (!r.issued.to.unit || !s.unit_in_subtree(r.issued.to.unit, q.unit))) continue;
    Notice n = notice_value(r, as_of);
    if ((q.status == "pending" && n.status != "pending") || (q.status == "delivered" && n.status != "delivered") ||
        (q.status == "late" && !n.late) || (q.status == "failed" && n.failed_attempts == 0))
      continue;
    out.push_back(std::move(n));
  }
  return out;
}

OutboxCounts outbox_counts(const State& state, UnitId unit, Date as_of) {
  const detail::StateImpl& s = detail::StateAccess::impl(state);
  detail::require_answers_for(s, as_of, "as_of");
  if (unit && !s.has_unit(unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(unit.value));
  OutboxCounts c;
  const std::int32_t day = detail::day_of(as_of);
  for (std::size_t i = 1; i < s.outbox.notices.size(); ++i) {
    const detail::NoticeRec& r = s.outbox.notices[i];
    if (unit && (!r.issued.to.unit || !s.unit_in_subtree(r.issued.to.unit, unit))) continue;
    ++c.issued;
    c.failed_attempts += r.failed;
    const std::int32_t due = detail::day_of(r.issued.due);
    if (r.delivered_on != kNoDay) {
      ++c.delivered;
      if (r.delivered_on > due) ++c.late;
    } else {
      ++c.pending;
      if (day > due) ++c.late;
    }
  }
  return c;
}

nlohmann::json notice_to_json(const Notice& n) {
  auto id = [](std::uint32_t v) { return v ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json to = {{"role", n.to.role}, {"unit", id(n.to.unit.value)}, {"agency", id(n.to.agency.value)},
                       {"person", id(n.to.person.value)}, {"organization", id(n.to.organization.value)}};
  return {{"id", n.id.value},
          {"kind", n.kind},
          {"template_key", n.template_key},
          {"to", to},
          {"data", n.data},
          {"issued_on", format_date(n.issued_on)},
          {"due", format_date(n.due)},
          {"rule", n.rule},
          {"citation", n.citation},
          {"item", id(n.item.value)},
          {"conference", id(n.conference.value)},
          {"opinion", id(n.opinion.value)},
          {"cause", n.cause},
          {"seq", n.seq},
          {"status", n.status},
          {"delivered_on", n.delivered_on ? nlohmann::json(format_date(*n.delivered_on)) : nlohmann::json(nullptr)},
          {"late", n.late},
          {"failed_attempts", n.failed_attempts},
          {"last_detail", n.last_detail}};
}

nlohmann::json outbox_counts_to_json(const OutboxCounts& c) {
  return {{"issued", c.issued}, {"delivered", c.delivered}, {"late", c.late}, {"pending", c.pending},
          {"failed_attempts", c.failed_attempts}};
}

}  // namespace doithoai
