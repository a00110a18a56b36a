#include "doithoai/state.h"

#include <algorithm>

#include "doithoai/error.h"
#include "outbox.h"
#include "state_access.h"
#include "state_check.h"
#include "state_impl.h"

namespace doithoai {
namespace detail {

bool StateImpl::holds(PersonId p, Role r, UnitId u) const {
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if (g.role == r && g.unit == u) return true;
  return false;
}

bool StateImpl::holds_in_ancestry(PersonId p, Role r, UnitId u) const {
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if (g.role == r && unit_in_subtree(u, g.unit)) return true;
  return false;
}

bool StateImpl::is_agency_staff(PersonId p, AgencyId a) const {
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if ((g.role == Role::agency_officer || g.role == Role::agency_head) && g.agency == a) return true;
  return false;
}

bool StateImpl::is_agency_head(PersonId p, AgencyId a) const {
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if (g.role == Role::agency_head && g.agency == a) return true;
  return false;
}

bool StateImpl::is_org_rep(PersonId p, OrganizationId o) const {
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if (g.role == Role::organization_rep && g.organization == o) return true;
  return false;
}

bool StateImpl::is_official_of(PersonId p, UnitId u) const {
  if (is_head_or_office(p, u)) return true;
  if (!has_person(p)) return false;
  for (const auto& g : persons[p.value].grants)
    if ((g.role == Role::agency_head || g.role == Role::agency_officer) &&
        (g.unit == u || unit_in_subtree(u, g.unit)))
      return true;
  return false;
}

std::vector<char> StateImpl::subtree_mask(UnitId root) const {
  std::vector<char> mask(units.size(), 0);
  if (!root) {
    std::fill(mask.begin() + 1, mask.end(), 1);
    return mask;
  }
  std::vector<UnitId> stack{root};
  while (!stack.empty()) {
    const UnitId u = stack.back();
    stack.pop_back();
    if (mask[u.value]) continue;
    mask[u.value] = 1;
    for (UnitId c : units[u.value].children) stack.push_back(c);
  }
  return mask;
}

void StateImpl::index_remove(std::uint32_t id) {
  ItemRec& r = items[id];
  if (r.indexed_day == kNoDay) return;
  auto it = by_deadline.find(r.indexed_day);
  if (r.dl_prev) items[r.dl_prev].dl_next = r.dl_next;
  if (r.dl_next) items[r.dl_next].dl_prev = r.dl_prev;
  if (it != by_deadline.end()) {
    if (it->second.first == id) it->second.first = r.dl_next;
    if (it->second.second == id) it->second.second = r.dl_prev;
    if (it->second.first == 0) by_deadline.erase(it);
  }
  r.dl_prev = r.dl_next = 0;
  r.indexed_day = kNoDay;
}

void StateImpl::index_insert(std::uint32_t id) {
  ItemRec& r = items[id];
  auto [it, fresh] = by_deadline.try_emplace(r.deadline, id, id);
  if (!fresh) {
    items[it->second.second].dl_next = id;
    r.dl_prev = it->second.second;
    r.dl_next = 0;
    it->second.second = id;
  } else {
    r.dl_prev = r.dl_next = 0;
  }
  r.indexed_day = r.deadline;
}

Item StateImpl::item_value(std::uint32_t id) const {
  const ItemRec& r = items[id];
  const OpinionRec& o = opinions[r.opinion];
  Item v;
  v.id = ItemId(id);
  v.opinion = OpinionId(r.opinion);
  v.unit = r.unit;
  v.raised_in = r.raised_in;
  v.conference = o.conference;
  v.topic = topics[r.topic];
  v.text = text().str(r.text);
  v.status = r.status;
  v.raised_on = date_of(r.raised_on);
  v.agency = r.agency;
  v.deadline = opt_date(r.deadline);
  v.original_deadline = opt_date(r.original_deadline);
  v.resolved_on = opt_date(r.resolved_on);
  v.outcome = r.outcome;
  v.returned = r.returned;
  if (r.reply) {
    const ReplyRec& p = replies[r.reply - 1];
    Reply rep;
    rep.number = text().str(p.number);
    rep.date = date_of(p.date);
    rep.signer = p.signer;
    rep.agency = p.agency;
    rep.text = text().str(p.text);
    for (int k = 0; k < 4; ++k)
      if (p.delivered & (1u << k))
        rep.deliveries.push_back({static_cast<Recipient>(k + 1), date_of(p.delivered_on[k])});
    std::sort(rep.deliveries.begin(), rep.deliveries.end(),
              [](const Delivery& a, const Delivery& b) { return a.on < b.on; });
    rep.completed_on = opt_date(p.completed_on);
    rep.draft = p.review == 1;
    rep.approved_on = opt_date(p.approved_on);
    rep.approved_by = p.approved_by;
    v.reply = std::move(rep);
  }
  v.closed_on = opt_date(r.closed_on);
  for (std::uint32_t f = r.finding; f; f = findings[f - 1].prev) {
    const FindingRec& x = findings[f - 1];
    v.findings.insert(v.findings.begin(), Finding{x.by, date_of(x.on), text().str(x.text), x.satisfactory});
  }
  if (const ItemCold* c = cold_of(id)) {
    v.answer = c->answer;
    v.extensions = c->extensions;
    v.duplicates = c->duplicates;
    v.merged_into = c->merged_into;
    v.escalated_to = c->escalated_to;
    v.escalated_from = c->escalated_from;
    v.outcome_reason = c->outcome_reason;
    v.outcome_due = c->outcome_due;
    v.raiser_notified_on = c->raiser_notified_on;
    v.reopened = c->reopened;
  }
  return v;
}

// ---- Schema version 1 path: outcomes of events written before they were recorded ----
// Events of earlier releases do not say which items a held conference gave its reply
// deadline, which items followed a merged unit, or which status an intake decision or a
// reopening left an item in: apply computed them from the state. For those events it still
// does, with these functions, which are FROZEN: they are the meaning of those old events, so
// they never change, whatever the rules (src/rules.cpp) decide for new events (changing one
// would rewrite the past on replay; tests/golden/ holds logs that catch it). Events that
// carry the outcome are applied from it alone.
namespace {
namespace v1 {

// conference_held: every item of the conference's opinions without a deadline, unsettled and
// not a duplicate, in opinion order.
std::vector<ItemId> deadline_items(const StateImpl& s, ConferenceId conference) {
  std::vector<ItemId> out;
  for (OpinionId o : s.conferences[conference.value].opinions) {
    const OpinionRec& op = s.opinions[o.value];
    for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i) {
      const ItemRec& r = s.items[i];
      if (r.deadline == kNoDay && !is_resolved(r.status) && r.status != ItemStatus::merged) out.push_back(ItemId(i));
    }
  }
  return out;
}

// unit_merged: every item of the unit that is not closed, in id order.
std::vector<ItemId> moved_items(const StateImpl& s, UnitId unit) {
  std::vector<ItemId> out;
  for (std::size_t i = 1; i < s.items.size(); ++i) {
    const ItemRec& r = s.items[i];
    if (r.unit == unit && r.status != ItemStatus::closed) out.push_back(ItemId(static_cast<std::uint32_t>(i)));
  }
  return out;
}

// intake_decided: an outcome other than accepted or more_time hands the item on.
ItemStatus intake_status(const ItemRec& r, Outcome outcome) {
  return outcome != Outcome::accepted && outcome != Outcome::more_time ? ItemStatus::handed_on : r.status;
}

// item_reopened: back to its agency if it has one.
ItemStatus reopened_status(const ItemRec& r) { return r.agency ? ItemStatus::assigned : ItemStatus::open; }

}  // namespace v1
}  // namespace

// ---- apply: one function per event; StateAccess::apply checks the event first (state_check.cpp),
// so these index without checks and never throw halfway ----
struct Applier {
  StateImpl& s;

  void operator()(const ev::UnitCreated& e) {
    UnitRec r;
    r.value.id = e.unit;
    r.value.code = e.code;
    r.value.name = e.name;
    r.value.level = e.level;
    r.value.parent = e.parent;
    r.value.created_on = e.on;
    r.value.remote = e.remote;
    r.value.names.push_back({e.on, e.name});
    s.units.resize(std::max<std::size_t>(s.units.size(), e.unit.value + 1));
    s.units[e.unit.value] = std::move(r);
    if (e.parent) s.units[e.parent.value].children.push_back(e.unit);
    if (!e.code.empty()) s.unit_codes[e.code] = e.unit;
  }
  void operator()(const ev::UnitRenamed& e) {
    Unit& u = s.units[e.unit.value].value;
    u.name = e.name;
    u.names.push_back({e.on, e.name});
  }
  void operator()(const ev::UnitMerged& e) {
    UnitRec& from = s.units[e.unit.value];
    UnitRec& into = s.units[e.into.value];
    from.value.status = UnitStatus::merged;
    from.value.successor = e.into;
    from.value.ended_on = e.on;
    for (UnitId c : from.children) {
      s.units[c.value].value.parent = e.into;
      into.children.push_back(c);
    }
    from.children.clear();
    for (AgencyId a : from.agencies) {
      s.agencies[a.value].unit = e.into;
      into.agencies.push_back(a);
    }
    from.agencies.clear();
    for (OrganizationId o : from.organizations) {
      s.organizations[o.value].unit = e.into;
      into.organizations.push_back(o);
    }
    from.organizations.clear();
    if (e.moved_items) {
      for (ItemId i : *e.moved_items) s.items[i.value].unit = e.into;
    } else {
      for (ItemId i : v1::moved_items(s, e.unit)) s.items[i.value].unit = e.into;
    }
  }
  void operator()(const ev::UnitDissolved& e) {
    Unit& u = s.units[e.unit.value].value;
    u.status = UnitStatus::dissolved;
    u.ended_on = e.on;
  }
  void operator()(const ev::AgencyCreated& e) {
    s.agencies.resize(std::max<std::size_t>(s.agencies.size(), e.agency.value + 1));
    s.agencies[e.agency.value] = Agency{e.agency, e.unit, e.code, e.name, e.department};
    s.units[e.unit.value].agencies.push_back(e.agency);
    if (!e.code.empty()) s.agency_codes[e.code] = e.agency;
  }
  void operator()(const ev::OrganizationCreated& e) {
    s.organizations.resize(std::max<std::size_t>(s.organizations.size(), e.organization.value + 1));
    s.organizations[e.organization.value] = Organization{e.organization, e.unit, e.code, e.name, e.kind};
    s.units[e.unit.value].organizations.push_back(e.organization);
    if (!e.code.empty()) s.organization_codes[e.code] = e.organization;
  }
  void operator()(const ev::PersonRegistered& e) {
    s.persons.resize(std::max<std::size_t>(s.persons.size(), e.person.value + 1));
    PersonRec& p = s.persons[e.person.value];
    p.value = Person{e.person, e.code, e.name, e.phone, e.citizen_id, e.address, e.consent_public};
    if (!e.code.empty()) s.person_codes[e.code] = e.person;
    ++s.persons_version;  // what is derived from the persons (the Redactor's tables) is stale
  }
  void operator()(const ev::RoleGranted& e) {
    s.persons[e.person.value].grants.push_back(
        RoleGrant{e.person, e.role, e.unit, e.agency, e.organization});
  }
  void operator()(const ev::RoleRevoked& e) {
    auto& g = s.persons[e.person.value].grants;
    g.erase(std::remove_if(g.begin(), g.end(),
                           [&](const RoleGrant& x) {
                             return x.role == e.role && x.unit == e.unit && x.agency == e.agency &&
                                    x.organization == e.organization;
                           }),
            g.end());
  }
  void operator()(const ev::ConferencePlanned& e) {
    s.conferences.resize(std::max<std::size_t>(s.conferences.size(), e.conference.value + 1));
    ConferenceRec& c = s.conferences[e.conference.value];
    c.value.id = e.conference;
    c.value.unit = e.unit;
    c.value.code = e.code;
    c.value.kind = e.kind;
    c.value.audience = e.audience;
    c.value.department = e.department;
    c.value.topic = e.topic;
    c.value.plan_ref = e.plan_ref;
    c.value.planned_on = e.planned_on;
    c.value.noticed_on = e.noticed_on;
    c.value.format = e.format;
    c.value.cluster = e.cluster;
    if (!e.code.empty()) s.conference_codes[e.code] = e.conference;
  }
  void operator()(const ev::ConferenceHeld& e) {
    ConferenceRec& c = s.conferences[e.conference.value];
    c.value.status = ConferenceStatus::held;
    c.value.held_on = e.held_on;
    c.value.chairs = e.chairs;
    c.value.co_chairs = e.co_chairs;
    c.value.attendance = e.attendance;
    c.value.report = e.report;
    c.value.reply_due = e.reply_due;
    c.notice_due = e.notice_due;
    const std::int32_t due = day_of(e.reply_due);
    auto give = [&](ItemId i) {
      ItemRec& r = s.items[i.value];
      r.deadline = r.original_deadline = due;
      s.reindex(i.value);
    };
    if (e.deadline_items) {
      for (ItemId i : *e.deadline_items) give(i);
    } else {
      for (ItemId i : v1::deadline_items(s, e.conference)) give(i);
    }
  }
  void operator()(const ev::ConclusionNoticeIssued& e) {
    ConferenceRec& c = s.conferences[e.conference.value];
    c.value.status = ConferenceStatus::concluded;
    c.value.notice = ConclusionNotice{e.number, e.issued_on, e.due, e.text, e.issued_on <= e.due};
  }
  void operator()(const ev::ConferenceClosed& e) {
    ConferenceRec& c = s.conferences[e.conference.value];
    c.value.status = ConferenceStatus::closed;
    c.value.closed_on = e.on;
  }
  void operator()(const ev::OpinionSubmitted& e) {
    OpinionRec o;
    o.unit = e.unit;
    o.conference = e.conference;
    o.raised_by = e.raised_by;
    o.raised_by_org = e.raised_by_org;
    o.from_unit = e.from_unit;
    o.raised_on = day_of(e.raised_on);
    o.first_item = e.first_item.value;
    o.item_count = static_cast<std::uint32_t>(e.items.size());
    o.topic = s.topic_id(e.topic);
    o.channel = e.channel;
    if (s.opinions.size() <= e.opinion.value) {
      reserve_big(s.opinions, e.opinion.value + 1);
      s.opinions.resize(e.opinion.value + 1);
    }
    s.opinions[e.opinion.value] = o;
    if (e.conference) s.conferences[e.conference.value].opinions.push_back(e.opinion);
    const std::int32_t dl = day_of(e.deadline);
    if (s.items.size() < e.first_item.value + e.items.size()) {
      reserve_big(s.items, e.first_item.value + e.items.size());
      s.items.resize(e.first_item.value + e.items.size());
    }
    for (std::size_t k = 0; k < e.items.size(); ++k) {
      const std::uint32_t id = e.first_item.value + static_cast<std::uint32_t>(k);
      ItemRec& r = s.items[id];
      r = ItemRec{};
      r.opinion = e.opinion.value;
      r.unit = r.raised_in = e.unit;
      r.text = s.text().add(e.items[k].text);
      r.topic = s.topic_id(e.items[k].topic);
      r.raised_on = o.raised_on;
      r.deadline = r.original_deadline = dl;
      if (dl != kNoDay) s.index_insert(id);
    }
  }
  void operator()(const ev::ItemAnswered& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = ItemStatus::answered;
    r.resolved_on = day_of(e.on);
    s.cold_mut(e.item.value).answer = SpotAnswer{e.answered_by, e.gist, e.on};
    s.reindex(e.item.value);
  }
  void operator()(const ev::ItemMerged& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = ItemStatus::merged;
    s.cold_mut(e.item.value).merged_into = e.into;
    s.cold_mut(e.into.value).duplicates.push_back(e.item);
    s.reindex(e.item.value);
  }
  void operator()(const ev::ItemAssigned& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = ItemStatus::assigned;
    r.agency = e.agency;
    r.deadline = day_of(e.deadline);
    if (r.original_deadline == kNoDay) r.original_deadline = r.deadline;
    s.reindex(e.item.value);
  }
  void operator()(const ev::ReplyWritten& e) {
    ItemRec& r = s.items[e.item.value];
    ReplyRec p;
    p.number = s.text().add(e.number);
    p.text = s.text().add(e.text);
    p.date = day_of(e.date);
    p.signer = e.signer;
    p.agency = e.agency;
    if (e.draft && *e.draft) p.review = 1;  // a draft awaiting review (R13, R14)
    reserve_big(s.replies, s.replies.size() + 1);
    s.replies.push_back(p);
    r.reply = static_cast<std::uint32_t>(s.replies.size());
    r.status = ItemStatus::reply_written;
  }
  void operator()(const ev::ReplyDelivered& e) {
    ItemRec& r = s.items[e.item.value];
    ReplyRec& p = s.replies[r.reply - 1];
    const int k = static_cast<int>(e.recipient) - 1;
    p.delivered |= static_cast<std::uint8_t>(1u << k);
    p.delivered_on[k] = day_of(e.on);
    if (e.completes) {
      p.completed_on = day_of(e.on);
      r.status = ItemStatus::replied;
      r.resolved_on = p.completed_on;
      s.reindex(e.item.value);
    }
  }
  void operator()(const ev::ItemEscalated& e) {
    ItemRec& r = s.items[e.item.value];
    const OpinionRec src = s.opinions[r.opinion];
    const UnitId from = r.unit;
    const std::uint16_t topic = r.topic;
    r.status = ItemStatus::handed_on;
    r.outcome = Outcome::escalated;
    r.resolved_on = day_of(e.on);
    ItemCold& c = s.cold_mut(e.item.value);
    c.escalated_to = e.new_item;
    c.raiser_notified_on = e.raiser_notified_on;
    s.reindex(e.item.value);

    OpinionRec o;
    o.unit = e.to_unit;
    o.raised_by = src.raised_by;
    o.raised_by_org = src.raised_by_org;
    o.from_unit = from;
    o.raised_on = day_of(e.on);
    o.first_item = e.new_item.value;
    o.item_count = 1;
    o.topic = topic;
    o.channel = Channel::escalation;
    if (s.opinions.size() <= e.opinion.value) {
      reserve_big(s.opinions, e.opinion.value + 1);
      s.opinions.resize(e.opinion.value + 1);
    }
    s.opinions[e.opinion.value] = o;
    if (s.items.size() <= e.new_item.value) {
      reserve_big(s.items, e.new_item.value + 1);
      s.items.resize(e.new_item.value + 1);
    }
    ItemRec& n = s.items[e.new_item.value];
    n = ItemRec{};
    n.opinion = e.opinion.value;
    n.unit = n.raised_in = e.to_unit;
    n.text = s.text().add(e.proposal);
    n.topic = topic;
    n.raised_on = day_of(e.on);
    n.deadline = n.original_deadline = day_of(e.deadline);
    if (e.to_agency) {
      n.agency = e.to_agency;
      n.status = ItemStatus::assigned;
    }
    s.cold_mut(e.new_item.value).escalated_from = e.item;
    s.reindex(e.new_item.value);
  }
  void operator()(const ev::IntakeDecided& e) {
    ItemRec& r = s.items[e.item.value];
    r.outcome = e.outcome;
    ItemCold& c = s.cold_mut(e.item.value);
    c.outcome_reason = e.reason.empty() ? e.target : (e.target.empty() ? e.reason : e.reason + " — " + e.target);
    if (!e.due.is_special()) c.outcome_due = e.due;
    if (!e.raiser_notified_on.is_special()) c.raiser_notified_on = e.raiser_notified_on;
    const ItemStatus status = e.status ? *e.status : v1::intake_status(r, e.outcome);
    if (status == ItemStatus::handed_on) {  // else it keeps its status (the check allows no other)
      r.status = ItemStatus::handed_on;
      r.resolved_on = day_of(e.on);
      s.reindex(e.item.value);
    }
  }
  void operator()(const ev::ItemExtended& e) {
    ItemRec& r = s.items[e.item.value];
    ItemCold& c = s.cold_mut(e.item.value);
    c.extensions.push_back(Extension{date_of(r.deadline), e.deadline, e.notice_number,
                                     e.notice_date, e.agency, e.reason});
    if (r.extensions < 255) ++r.extensions;
    r.deadline = day_of(e.deadline);
    s.reindex(e.item.value);
  }
  void operator()(const ev::FindingRecorded& e) {
    ItemRec& r = s.items[e.item.value];
    FindingRec f;
    f.text = s.text().add(e.text);
    f.prev = r.finding;
    f.on = day_of(e.on);
    f.satisfactory = e.satisfactory;
    reserve_big(s.findings, s.findings.size() + 1);
    s.findings.push_back(f);
    r.finding = static_cast<std::uint32_t>(s.findings.size());
  }
  void operator()(const ev::ItemReopened& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = e.status ? *e.status : v1::reopened_status(r);
    r.reply = 0;  // the old reply stays in the log and the item's history
    r.resolved_on = kNoDay;
    if (r.outcome != Outcome::escalated) r.outcome = Outcome::none;
    r.deadline = day_of(e.deadline);
    if (r.reopened < 255) ++r.reopened;
    ItemCold& c = s.cold_mut(e.item.value);
    ++c.reopened;
    c.answer.reset();
    s.reindex(e.item.value);
  }
  void operator()(const ev::ItemClosed& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = ItemStatus::closed;
    if (r.resolved_on == kNoDay) r.resolved_on = day_of(e.on);
    r.closed_on = day_of(e.on);
    s.reindex(e.item.value);
  }
  // ---- review before publication (R13, R14; issue 15) ----
  void operator()(const ev::ReplyApproved& e) {
    ReplyRec& p = s.replies[s.items[e.item.value].reply - 1];
    p.review = 2;
    p.approved_on = day_of(e.on);  // approved_by: from the envelope (StateAccess::apply)
  }
  void operator()(const ev::ReplyReturned& e) {
    ItemRec& r = s.items[e.item.value];
    r.status = ItemStatus::assigned;
    r.reply = 0;  // the returned reply stays in the log and the item's history
    if (r.returned < 255) ++r.returned;
  }
  // The notification outbox (issue 15): src/outbox.cpp.
  void operator()(const ev::NoticeIssued& e) { apply_outbox_event(s, e); }
  void operator()(const ev::NoticeAcknowledged& e) { apply_outbox_event(s, e); }
  // Events of the views layer (publication, council sessions, voter requests): src/views/.
  template <class E>
  void operator()(const E& e) {
    apply_view_event(s, e);
  }
};

}  // namespace detail

using detail::date_of;
using detail::day_of;
using detail::kNoDay;

State::State() : impl_(std::make_unique<detail::StateImpl>()) {}
State detail::StateAccess::sharing(std::shared_ptr<TextPool> pool) {
  State s;
  if (pool) s.impl_->text_pool = std::move(pool);
  return s;
}
State::~State() = default;
State::State(State&&) noexcept = default;
State& State::operator=(State&&) noexcept = default;

void detail::StateAccess::apply(State& s, const Recorded& r) {
  StateImpl& impl = *s.impl_;
  // A log's hashes prove nothing about its events (anyone can compute them): check each
  // against the state before touching it, so a forged log is corruption, never UB.
  detail::check_event(impl, r);
  // Findings carry their author from the envelope.
  std::visit(detail::Applier{impl}, r.event);
  if (std::holds_alternative<ev::FindingRecorded>(r.event)) impl.findings.back().by = r.actor;
  // So do approvals of replies (R13, R14).
  if (const auto* a = std::get_if<ev::ReplyApproved>(&r.event))
    impl.replies[impl.items[a->item.value].reply - 1].approved_by = r.actor;
  impl.last_seq = r.seq;
  impl.last_at = r.at;
}

std::uint64_t State::last_seq() const { return impl_->last_seq; }
Instant State::last_at() const { return impl_->last_at; }
Date State::last_date() const {
  return impl_->last_at.is_special() ? Date() : local_date(impl_->last_at, impl_->zone_minutes);
}
bool State::answers_for(Date d) const {
  const Date last = last_date();
  return last.is_special() || (!d.is_special() && d >= last);
}
void State::set_zone_offset_minutes(int minutes) {
  if (minutes < -14 * 60 || minutes > 14 * 60)
    throw Error(ErrorCode::invalid_argument, "zone offset " + std::to_string(minutes) + " minutes is out of range");
  impl_->zone_minutes = minutes;
}
int State::zone_offset_minutes() const { return impl_->zone_minutes; }

namespace detail {
void require_answers_for(const StateImpl& s, const Date& d, const char* what) {
  check_date(d, what);
  if (s.last_at.is_special()) return;
  const Date last = local_date(s.last_at, s.zone_minutes);
  if (d < last)
    throw Error(ErrorCode::invalid_argument,
                std::string(what) + " " + format_date(d) + " is before " + format_date(last) +
                    ", the day of this state's last event: a state answers only for its own days; ask the "
                    "Engine, which rebuilds that day from the log, or query Engine::state_as_of(that day)");
}
}  // namespace detail

namespace {
[[noreturn]] void missing(const char* what, std::uint32_t id) {
  throw Error(ErrorCode::not_found, std::string("no ") + what + " with id " + std::to_string(id));
}
}  // namespace

Unit State::unit(UnitId id) const {
  if (!impl_->has_unit(id)) missing("unit", id.value);
  return impl_->units[id.value].value;
}
std::optional<UnitId> State::find_unit(std::string_view code) const {
  auto it = impl_->unit_codes.find(std::string(code));
  if (it == impl_->unit_codes.end()) return std::nullopt;
  return it->second;
}
std::vector<UnitId> State::units() const {
  std::vector<UnitId> v;
  for (std::size_t i = 1; i < impl_->units.size(); ++i) v.push_back(UnitId(static_cast<std::uint32_t>(i)));
  return v;
}
std::vector<UnitId> State::children(UnitId id) const {
  if (!impl_->has_unit(id)) missing("unit", id.value);
  return impl_->units[id.value].children;
}
bool State::in_subtree(UnitId unit, UnitId root) const {
  if (!impl_->has_unit(unit)) missing("unit", unit.value);
  return impl_->unit_in_subtree(unit, root);
}
Agency State::agency(AgencyId id) const {
  if (!impl_->has_agency(id)) missing("agency", id.value);
  return impl_->agencies[id.value];
}
std::optional<AgencyId> State::find_agency(std::string_view code) const {
  auto it = impl_->agency_codes.find(std::string(code));
  if (it == impl_->agency_codes.end()) return std::nullopt;
  return it->second;
}
std::vector<AgencyId> State::agencies(UnitId unit) const {
  if (!impl_->has_unit(unit)) missing("unit", unit.value);
  return impl_->units[unit.value].agencies;
}
Organization State::organization(OrganizationId id) const {
  if (!impl_->has_org(id)) missing("organization", id.value);
  return impl_->organizations[id.value];
}
std::vector<OrganizationId> State::organizations(UnitId unit) const {
  if (!impl_->has_unit(unit)) missing("unit", unit.value);
  return impl_->units[unit.value].organizations;
}
Person State::person(PersonId id) const {
  if (!impl_->has_person(id)) missing("person", id.value);
  return impl_->persons[id.value].value;
}
std::optional<PersonId> State::find_person(std::string_view code) const {
  auto it = impl_->person_codes.find(std::string(code));
  if (it == impl_->person_codes.end()) return std::nullopt;
  return it->second;
}
std::vector<RoleGrant> State::roles_of(PersonId id) const {
  if (!impl_->has_person(id)) missing("person", id.value);
  return impl_->persons[id.value].grants;
}
std::vector<PersonId> State::holders(Role role, UnitId unit) const {
  std::vector<PersonId> v;
  for (std::size_t i = 1; i < impl_->persons.size(); ++i)
    for (const auto& g : impl_->persons[i].grants)
      if (g.role == role && g.unit == unit) {
        v.push_back(PersonId(static_cast<std::uint32_t>(i)));
        break;
      }
  return v;
}

Conference State::conference(ConferenceId id) const {
  if (!impl_->has_conference(id)) missing("conference", id.value);
  return impl_->conferences[id.value].value;
}
std::vector<ConferenceId> State::conferences(UnitId subtree) const {
  std::vector<ConferenceId> v;
  for (std::size_t i = 1; i < impl_->conferences.size(); ++i)
    if (!subtree || impl_->unit_in_subtree(impl_->conferences[i].value.unit, subtree))
      v.push_back(ConferenceId(static_cast<std::uint32_t>(i)));
  return v;
}
Opinion State::opinion(OpinionId id) const {
  if (!impl_->has_opinion(id)) missing("opinion", id.value);
  const auto& o = impl_->opinions[id.value];
  Opinion v;
  v.id = id;
  v.unit = o.unit;
  v.conference = o.conference;
  v.channel = o.channel;
  v.raised_by = o.raised_by;
  v.raised_by_org = o.raised_by_org;
  v.from_unit = o.from_unit;
  v.raised_on = date_of(o.raised_on);
  v.topic = impl_->topics[o.topic];
  for (std::uint32_t i = o.first_item; i < o.first_item + o.item_count; ++i) v.items.push_back(ItemId(i));
  return v;
}
std::size_t State::opinion_count() const { return impl_->opinions.size() - 1; }
Item State::item(ItemId id) const {
  if (!impl_->has_item(id)) missing("item", id.value);
  return impl_->item_value(id.value);
}
std::size_t State::item_count() const { return impl_->items.size() - 1; }
ItemStatus State::status(ItemId id) const {
  if (!impl_->has_item(id)) missing("item", id.value);
  return impl_->items[id.value].status;
}
Standing State::standing(ItemId id, Date as_of) const {
  detail::require_answers_for(*impl_, as_of, "as_of");
  if (!impl_->has_item(id)) missing("item", id.value);
  return impl_->standing_of(id.value, day_of(as_of));
}

bool State::can_view(PersonId viewer, ItemId id) const {
  const auto& s = *impl_;
  if (!s.has_item(id)) missing("item", id.value);
  if (viewer == kSystemActor) return true;
  if (!s.has_person(viewer)) return false;
  const detail::ItemRec& r = s.items[id.value];
  const detail::OpinionRec& o = s.opinions[r.opinion];
  if (o.raised_by == viewer) return true;
  for (const auto& g : s.persons[viewer.value].grants) {
    switch (g.role) {
      case Role::administrator:
      case Role::party_head:
      case Role::government_head:
      case Role::office:
      case Role::front_chair:
      case Role::front_officer:
      case Role::council_member:
      case Role::council_standing:
        if (s.unit_in_subtree(r.unit, g.unit) || s.unit_in_subtree(r.raised_in, g.unit)) return true;
        // R11: the lower unit follows the progress of what it escalated.
        if (o.from_unit && s.unit_in_subtree(o.from_unit, g.unit)) return true;
        break;
      case Role::agency_head:
      case Role::agency_officer:
        if (r.agency == g.agency) return true;
        break;
      case Role::organization_rep:
        if (o.raised_by_org == g.organization) return true;
        break;
      case Role::resident:
        break;
    }
  }
  return false;
}

std::vector<ItemId> State::items(const ItemQuery& q) const {
  const auto& s = *impl_;
  std::vector<ItemId> out;
  std::vector<char> mask;
  if (q.unit) {
    if (!s.has_unit(q.unit)) missing("unit", q.unit.value);
    mask = s.subtree_mask(q.unit);
  }
  std::int32_t topic = -1;
  if (!q.topic.empty()) {
    auto it = s.topic_ids.find(q.topic);
    if (it == s.topic_ids.end()) return out;
    topic = it->second;
  }
  if (!q.as_of.is_special()) detail::require_answers_for(s, q.as_of, "as_of");
  const std::int32_t as_of = day_of(q.as_of.is_special() ? local_date(s.last_at.is_special() ? Instant(Date(1970, 1, 1)) : s.last_at, s.zone_minutes) : q.as_of);
  for (std::size_t i = q.after.value + 1; i < s.items.size() && out.size() < q.limit; ++i) {
    const detail::ItemRec& r = s.items[i];
    if (q.unit && !mask[r.unit.value]) continue;
    if (q.status && r.status != *q.status) continue;
    if (q.agency && r.agency != q.agency) continue;
    if (topic >= 0 && r.topic != topic) continue;
    if (q.conference && s.opinions[r.opinion].conference != q.conference) continue;
    if (q.raised_by && s.opinions[r.opinion].raised_by != q.raised_by) continue;
    if (q.standing && s.standing_of(static_cast<std::uint32_t>(i), as_of) != *q.standing) continue;
    if (q.visible_to && !can_view(q.visible_to, ItemId(static_cast<std::uint32_t>(i)))) continue;
    out.push_back(ItemId(static_cast<std::uint32_t>(i)));
  }
  return out;
}

std::vector<ItemId> State::overdue(Date as_of, std::size_t limit) const {
  const auto& s = *impl_;
  detail::require_answers_for(s, as_of, "as_of");
  const std::int32_t d = day_of(as_of);
  std::vector<ItemId> out;
  for (auto it = s.by_deadline.begin(); it != s.by_deadline.end() && it->first < d && out.size() < limit; ++it)
    for (std::uint32_t i = it->second.first; i && out.size() < limit; i = s.items[i].dl_next)
      out.push_back(ItemId(i));
  return out;
}

std::vector<ItemId> State::due_between(Date from, Date to, std::size_t limit) const {
  const auto& s = *impl_;
  detail::require_answers_for(s, from, "from");
  check_date(to, "to");
  std::vector<ItemId> out;
  const std::int32_t a = day_of(from), b = day_of(to);
  for (auto it = s.by_deadline.lower_bound(a); it != s.by_deadline.end() && it->first <= b && out.size() < limit; ++it)
    for (std::uint32_t i = it->second.first; i && out.size() < limit; i = s.items[i].dl_next)
      out.push_back(ItemId(i));
  return out;
}

Accounting State::accounting(UnitId root, Date as_of) const {
  const auto& s = *impl_;
  detail::require_answers_for(s, as_of, "as_of");
  if (root && !s.has_unit(root)) missing("unit", root.value);
  Accounting a;
  a.unit = root;
  a.as_of = as_of;
  const std::int32_t d = day_of(as_of);
  const std::vector<char> mask = s.subtree_mask(root);
  for (std::size_t i = 1; i < s.opinions.size(); ++i) {
    const auto& o = s.opinions[i];
    if (mask[o.unit.value] && o.raised_on <= d) ++a.opinions;
  }
  const detail::ItemRec* items = s.items.data();
  const std::size_t n = s.items.size();
  for (std::size_t i = 1; i < n; ++i) {
    const detail::ItemRec& r = items[i];
    if (!mask[r.unit.value] || r.raised_on > d) continue;
    ++a.items;
    std::uint32_t root_id = static_cast<std::uint32_t>(i);
    if (r.status == ItemStatus::merged) {
      ++a.merged;
      root_id = s.root_of(root_id);
    }
    const detail::ItemRec& eff = items[root_id];
    if (is_resolved(eff.status)) {
      ++a.resolved;
      if (eff.status == ItemStatus::closed) ++a.closed;
      switch (detail::resolution_of(s, root_id)) {
        case detail::Resolution::answered: ++a.answered_on_spot; break;
        case detail::Resolution::handed_on:
          ++a.handed_on;
          if (eff.outcome == Outcome::escalated) ++a.escalated;
          break;
        case detail::Resolution::replied: {
          const detail::ReplyRec& p = s.replies[eff.reply - 1];
          ++a.replied;
          if (eff.deadline == kNoDay || p.completed_on <= eff.deadline)
            ++a.replied_on_time;
          else
            ++a.replied_late;
          break;
        }
        case detail::Resolution::none: break;
      }
    } else {
      ++a.outstanding;
      const std::int32_t dl = r.status == ItemStatus::merged ? eff.deadline : r.deadline;
      if (dl == kNoDay || dl >= d)
        ++a.not_yet_due;
      else
        ++a.overdue;
    }
    if (r.extensions) {
      ++a.extended_items;
      a.extensions += r.extensions;
    }
    if (r.reopened) ++a.reopened_items;
    if (s.opinions[r.opinion].channel == Channel::escalation) ++a.received_by_escalation;
  }
  return a;
}

Reconciliation State::reconciliation(ConferenceId id) const {
  const auto& s = *impl_;
  if (!s.has_conference(id)) missing("conference", id.value);
  Reconciliation rc;
  rc.conference = id;
  for (OpinionId o : s.conferences[id.value].opinions) {
    const auto& op = s.opinions[o.value];
    for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i) {
      const ItemId item(i);
      (op.channel == Channel::at_conference ? rc.raised_at_conference : rc.collected_in_advance).push_back(item);
      const auto& r = s.items[i];
      if (r.status == ItemStatus::merged) {
        const auto* c = s.cold_of(i);
        rc.duplicates.emplace_back(item, c ? c->merged_into : ItemId());
      } else if (const auto* c = s.cold_of(i); c && c->answer) {
        rc.answered.push_back(item);
      } else if (!is_resolved(r.status)) {
        rc.unanswered.push_back(item);
      }
    }
  }
  return rc;
}

}  // namespace doithoai
