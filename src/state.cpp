#include "doithoai/state.h"

#include <algorithm>

#include "doithoai/error.h"
#include "state_access.h"
#include "apply/applier.h"
#include "state_check.h"
#include "state_impl.h"
#include "views/track.h"

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

bool StateImpl::attachment_public(std::uint32_t reply_index1, const Attachment& a) const {
  if (!a.publishable) return false;
  auto it = attachments.replies.find(reply_index1);
  if (it == attachments.replies.end()) return false;
  const std::uint32_t item = it->second.item;
  if (item == 0 || item >= items.size() || items[item].reply != reply_index1) return false;  // superseded
  if (replies[reply_index1 - 1].review == 1) return false;  // a draft is never public
  return view.reply_published_on(item) != INT32_MIN;
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
    if (p.review == 2) {
      const auto a = approvals.find(r.reply - 1);
      if (a != approvals.end()) {
        rep.approved_on = opt_date(a->second.on);
        rep.approved_by = a->second.by;
      }
    }
    if (!attachments.replies.empty()) rep.attachments = AttachmentTables::of(attachments.replies, r.reply);
    v.reply = std::move(rep);
  }
  v.closed_on = opt_date(r.closed_on);
  for (std::uint32_t f = r.finding; f; f = findings[f - 1].prev) {
    const FindingRec& x = findings[f - 1];
    v.findings.insert(v.findings.begin(), Finding{x.by, date_of(x.on), text().str(x.text), x.satisfactory,
                                                  attachments.findings.empty() ? std::vector<Attachment>{}
                                                                               : AttachmentTables::of(attachments.findings, f)});
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
    impl.approvals[impl.items[a->item.value].reply - 1].by = r.actor;
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
  if (!impl_->attachments.opinions.empty()) v.attachments = detail::AttachmentTables::of(impl_->attachments.opinions, id.value);
  v.name_withheld = detail::name_withheld(o);
  v.anonymous = detail::is_anonymous(o);
  v.tracking_code = detail::tracking_code_of(*impl_, id.value);
  return v;
}
std::size_t State::opinion_count() const { return impl_->opinions.size() - 1; }
Item State::item(ItemId id) const {
  if (!impl_->has_item(id)) missing("item", id.value);
  return impl_->item_value(id.value);
}
std::size_t State::item_count() const { return impl_->items.size() - 1; }
bool State::attachment_public(std::string_view sha256) const {
  for (const auto& [k, owned] : impl_->attachments.replies)
    for (const Attachment& a : owned.list)
      if (a.sha256 == sha256 && impl_->attachment_public(k, a)) return true;
  return false;
}
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
