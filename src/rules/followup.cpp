// Rules of intake and follow-up: R04/R05 opinions and their items, R09 assignment, R10 written replies and their deliveries, R11 escalation and intake decisions, R12 extensions.
// Tests: tests/test_rules_followup.cpp. Shared checks: decider.h.
#include "rules/decider.h"
#include "views/track.h"

namespace doithoai::detail::rules {

// ---- opinions and items ----
void Decider::operator()(const cmd::SubmitOpinion& c) {
  active_unit(c.unit);
  if (c.channel == Channel::escalation) invalid("escalation opinions are created by Escalate only");
  const bool anonymous = !c.raised_by && !c.raised_by_org;
  if (c.raised_by && c.raised_by_org)
    invalid("an opinion is raised by exactly one person or one organization (R04)");
  if (anonymous) anonymous_channel(c.channel);
  if (c.raised_by) person(c.raised_by, "person");
  if (c.raised_by_org && !s.has_org(c.raised_by_org)) missing("organization", c.raised_by_org.value);
  // R04/R19: the heads, office and front of the opinion's unit or of any unit above it enter
  // an opinion for its raiser (a district's reception desk hears ward residents; the front
  // supervises its subtree). Not agencies, council members, lower or sibling units.
  bool on_behalf = false;
  if (s.has_person(actor))
    for (const auto& g : s.persons[actor.value].grants)
      on_behalf = on_behalf || ((g.role == Role::party_head || g.role == Role::government_head ||
                                 g.role == Role::office || g.role == Role::front_chair ||
                                 g.role == Role::front_officer) &&
                                s.unit_in_subtree(c.unit, g.unit));
  const bool self = (c.raised_by && actor == c.raised_by) ||
                    (c.raised_by_org && s.is_org_rep(actor, c.raised_by_org));
  bool org_collects = false;
  if (c.channel == Channel::collected_in_advance && s.has_person(actor))
    for (const auto& g : s.persons[actor.value].grants)
      org_collects = org_collects || (g.role == Role::organization_rep && s.unit_in_subtree(c.unit, g.unit));
  if (!on_behalf && !self && !org_collects)
    deny("only the raiser, or on their behalf the heads, office or front of the unit or a unit above it, may "
         "submit an opinion (R19)");
  if (c.items.empty()) invalid("an opinion holds at least one item (R05)");
  if (c.items.size() > 1000) invalid("an opinion holds at most 1000 items");
  for (const auto& it : c.items) {
    name(it.topic, "item topic");
    if (!p.has_topic(it.topic)) invalid("topic '" + it.topic + "' is not in profile " + p.name);
    text(it.text, "item text");
  }
  const std::optional<Place> place = c.place ? std::optional<Place>(checked_place(*c.place)) : std::nullopt;
  evidence(c.attachments);  // issue 14
  const std::string topic = c.topic.empty() ? c.items.front().topic : c.topic;
  name(topic, "topic");
  if (!p.has_topic(topic)) invalid("topic '" + topic + "' is not in profile " + p.name);
  const Date raised = when(c.raised_on, "raised_on");
  Date deadline;
  if (c.conference) {
    const ConferenceRec& k = conference(c.conference);
    if (k.value.unit != c.unit) invalid("the conference belongs to another unit");
    if (c.channel == Channel::at_conference) {
      if (k.value.status == ConferenceStatus::planned) transition("the conference has not been held yet");
      if (k.value.status == ConferenceStatus::closed) transition("the conference is closed");
      if (raised != *k.value.held_on) invalid("an opinion raised at the conference is dated the day it was held");
      deadline = *k.value.reply_due;
    } else {
      if (k.value.status != ConferenceStatus::planned)
        transition("opinions are collected in advance only before the conference is held (R03)");
    }
  } else if (c.channel == Channel::at_conference || c.channel == Channel::collected_in_advance) {
    invalid(std::string("channel ") + std::string(to_string(c.channel)) + " needs its conference (R04)");
  } else {
    deadline = deadline_from(raised, p.deadlines.reply);
  }
  const OpinionId id(static_cast<std::uint32_t>(s.opinions.size()));
  const ItemId first(static_cast<std::uint32_t>(s.items.size()));
  out.result.id = id.value;
  for (std::size_t k = 0; k < c.items.size(); ++k)
    out.result.items.push_back(ItemId(first.value + static_cast<std::uint32_t>(k)));
  ev::OpinionSubmitted e{id, first, c.unit, c.conference, c.channel, c.raised_by, c.raised_by_org,
                        UnitId(), raised, topic, c.items, deadline, place, c.attachments};
  if (c.withhold_name.value_or(false) && !anonymous) e.name_withheld = true;
  // The tracking code is the frozen formula's (views/track.h, Decider::tracking_code): a
  // function of this event's own fields, so it is not recorded (it would add ~16 bytes to every
  // opinion of the log; docs/design-notes.md "Tracking codes").
  emit(std::move(e));
  item_places(c, first, raised);  // issue 14: items with their own place (src/rules/place.cpp)
}

// ---- follow-up ----
Date Decider::default_deadline(const ItemRec& r) const {
  if (r.deadline != kNoDay) return date_of(r.deadline);
  return deadline_from(date_of(r.raised_on), p.deadlines.reply);
}
void Decider::conference_held_for(const ItemRec& r) const {
  const OpinionRec& o = s.opinions[r.opinion];
  if (o.conference && s.conferences[o.conference.value].value.status == ConferenceStatus::planned)
    transition("the item's conference has not been held yet; items are assigned after it (R09)");
}
void Decider::operator()(const cmd::Assign& c) {
  const ItemRec& r = item(c.item);
  heads_or_office(r.unit, "assign items");
  if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
    transition("the item is " + std::string(to_string(r.status)) + "; only open or assigned items are assigned");
  conference_held_for(r);
  if (!s.has_agency(c.agency)) missing("agency", c.agency.value);
  if (s.agencies[c.agency.value].unit != r.unit)
    invalid("agency " + id_str(c.agency.value) + " does not belong to the item's unit; escalate instead (R11)");
  const Date def = default_deadline(r);
  Date dl = def;
  if (c.deadline) {
    check_date(*c.deadline, "deadline");
    if (*c.deadline > def)
      invalid("a deadline later than " + format_date(def) + " needs an extension with a notice (R12)");
    if (*c.deadline < today) invalid("the deadline is in the past");
    dl = *c.deadline;
  }
  emit(ev::ItemAssigned{c.item, c.agency, dl, today});
}
void Decider::operator()(const cmd::WriteReply& c) {
  const ItemRec& r = item(c.item);
  if (r.status != ItemStatus::assigned)
    transition("the item is " + std::string(to_string(r.status)) + "; a reply needs an assigned item (R10)");
  if (!s.is_agency_staff(actor, r.agency))
    deny("only an officer of agency " + id_str(r.agency.value) + ", to which the item is assigned, may reply (R19)");
  name(c.number, "number");
  text(c.text, "text");
  person(c.signer, "signer");
  if (!s.is_agency_staff(c.signer, r.agency) && !s.is_head(c.signer, r.unit))
    invalid("the signer must be an officer of the assigned agency or a head of the unit");
  const Date d = when(c.date, "date");
  if (d < date_of(r.raised_on)) invalid("the reply is dated before the item was raised");
  evidence(c.attachments);  // issue 14, R10
  // Where the profile asks for review (R13, R14), the reply is a draft until approved.
  emit(ev::ReplyWritten{c.item, c.number, d, c.signer, r.agency, c.text,
                        p.reply_review ? std::optional<bool>(true) : std::nullopt, c.attachments});
}
void Decider::operator()(const cmd::RecordDelivery& c) {
  const ItemRec& r = item(c.item);
  if (!s.is_head_or_office(actor, r.unit) && !s.is_agency_staff(actor, r.agency))
    deny("only the office or the replying agency records deliveries (R19)");
  if (r.status != ItemStatus::reply_written)
    transition(r.status == ItemStatus::replied ? "the reply was already delivered to every recipient"
                                               : "the item has no reply to deliver");
  if (!p.requires_recipient(c.recipient))
    invalid("profile " + p.name + " does not send replies to " + std::string(to_string(c.recipient)));
  const ReplyRec& rep = s.replies[r.reply - 1];
  if (rep.review == 1)
    transition("the reply is a draft awaiting review (R13, R14); only an approved reply is delivered");
  const auto bit = static_cast<std::uint8_t>(1u << (static_cast<int>(c.recipient) - 1));
  if (rep.delivered & bit) transition("the reply was already delivered to " + std::string(to_string(c.recipient)));
  const Date on = when(c.on, "on");
  if (on < date_of(rep.date)) invalid("delivered before the reply was written");
  // R10 for anonymous opinions (issue 14): no raiser to deliver to; the profile's
  // "anonymous".delivery says whether the reply's public posting stands for it.
  const DeliveryNeed need = delivery_need(s, p, c.item.value);
  if (c.recipient == Recipient::raiser && is_anonymous(s.opinions[r.opinion]))
    invalid("item " + id_str(c.item.value) + " comes from an anonymous opinion: there is no raiser to deliver to (" +
            (need.posting ? "its reply reaches the raiser by public posting: PublishReply" : "the profile requires no delivery to the raiser") +
            ", R10)");
  const bool posted = !need.posting || s.view.reply_published_on(c.item.value) != kNoDay;
  emit(ev::ReplyDelivered{c.item, c.recipient, on, ((rep.delivered | bit) & need.recipients) == need.recipients && posted});
}
void Decider::operator()(const cmd::Escalate& c) {
  const ItemRec& r = item(c.item);
  heads_or_office(r.unit, "escalate items");
  if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
    transition("the item is " + std::string(to_string(r.status)) + "; only unsettled items are escalated");
  conference_held_for(r);
  active_unit(c.to_unit);
  if (c.to_unit == r.unit || !s.unit_in_subtree(r.unit, c.to_unit))
    invalid("escalation goes to a higher unit of the item's unit (R11)");
  if (c.to_agency) {
    if (!s.has_agency(c.to_agency)) missing("agency", c.to_agency.value);
    if (s.agencies[c.to_agency.value].unit != c.to_unit)
      invalid("agency " + id_str(c.to_agency.value) + " does not belong to unit " + id_str(c.to_unit.value));
  }
  text(c.proposal, "proposal");
  const Date on = when(c.on, "on");
  // R11 for anonymous opinions (issue 14): there is no one to tell, so the date is optional
  // (given: when the outcome was posted publicly, as the profile's "anonymous".delivery says).
  const bool anonymous = is_anonymous(s.opinions[r.opinion]);
  if (c.raiser_notified_on.is_special() && !anonymous)
    invalid("the raiser must be told of the escalation (R11): raiser_notified_on");
  Date told;
  if (!c.raiser_notified_on.is_special()) told = when(c.raiser_notified_on, "raiser_notified_on");
  const OpinionId op(static_cast<std::uint32_t>(s.opinions.size()));
  const ItemId ni(static_cast<std::uint32_t>(s.items.size()));
  emit(ev::ItemEscalated{c.item, c.to_unit, c.to_agency, op, ni, c.proposal, on,
                         deadline_from(on, p.deadlines.reply), told});
  out.result.id = ni.value;
  out.result.items.push_back(ni);
}
void Decider::operator()(const cmd::DecideIntake& c) {
  const ItemRec& r = item(c.item);
  heads_or_office(r.unit, "decide on intake");
  if (r.status != ItemStatus::open && r.status != ItemStatus::assigned)
    transition("the item is " + std::string(to_string(r.status)) + "; intake decisions apply to unsettled items");
  if (c.outcome == Outcome::none || c.outcome == Outcome::escalated)
    invalid("use Escalate to hand an item to a higher unit; outcome must be accepted, more_time, refused, transferred or redirected_*");
  const bool hands_on = c.outcome != Outcome::accepted && c.outcome != Outcome::more_time;
  text(c.reason, "reason", c.outcome == Outcome::refused || c.outcome == Outcome::more_time);
  name(c.target, "target", c.outcome == Outcome::transferred);
  const Date on = when(c.on, "on");
  Date told;
  // As for Escalate: an anonymous opinion's raiser cannot be told, so the date is optional.
  if (hands_on && !is_anonymous(s.opinions[r.opinion])) {
    if (c.raiser_notified_on.is_special()) invalid("the raiser must be told of this outcome (R11): raiser_notified_on");
    told = when(c.raiser_notified_on, "raiser_notified_on");
  } else if (!c.raiser_notified_on.is_special()) {
    told = when(c.raiser_notified_on, "raiser_notified_on");
  }
  Date due;
  if (c.outcome == Outcome::redirected_complaint) {
    const bool remote = s.units[r.unit.value].value.remote;
    const auto& D = p.deadlines;
    due = deadline_from(on, remote ? (c.complex ? D.complaint_remote_complex : D.complaint_remote)
                                   : (c.complex ? D.complaint_complex : D.complaint));
  } else if (c.outcome == Outcome::redirected_denunciation) {
    due = deadline_from(on, p.deadlines.denunciation);
  }
  emit(ev::IntakeDecided{c.item, c.outcome, c.reason, c.target, on, due, told,
                         hands_on ? ItemStatus::handed_on : r.status});
}
void Decider::operator()(const cmd::Extend& c) {
  const ItemRec& r = item(c.item);
  heads_or_office(r.unit, "extend deadlines");
  if (r.status != ItemStatus::assigned && r.status != ItemStatus::open)
    transition("the item is " + std::string(to_string(r.status)) + "; only unsettled items are extended");
  if (r.deadline == kNoDay) transition("the item has no deadline yet");
  if (c.deadline.is_special()) invalid("the new deadline is required");
  check_date(c.deadline, "deadline");
  if (c.deadline <= date_of(r.deadline)) invalid("an extension must move the deadline later (R12)");
  name(c.notice_number, "notice_number");
  if (c.notice_date.is_special()) invalid("an extension needs the date of its written notice to the raiser (R12)");
  const Date nd = when(c.notice_date, "notice_date");
  const AgencyId a = c.agency ? c.agency : r.agency;
  if (!a) invalid("the notice must name the responsible agency (R12)");
  if (!s.has_agency(a)) missing("agency", a.value);
  text(c.reason, "reason", false);
  extension_caps(r, c.deadline);
  emit(ev::ItemExtended{c.item, c.deadline, c.notice_number, nd, a, c.reason, today});
}
// R12 caps (profile "extension_limits", issue 15): every limit applying to the item's
// topic must allow one more extension (count: invalid_transition, the item has used its
// extensions) and this one's length (invalid_argument, a shorter one would do). Only new
// decisions are judged: item_extended events already recorded are never re-checked.
void Decider::extension_caps(const ItemRec& r, const Date& deadline) const {
  const std::string& topic = s.topics[r.topic];
  for (const ExtensionLimit& l : p.extension_limits) {
    if (!l.applies_to(topic)) continue;
    if (l.max_count && r.extensions >= *l.max_count)
      transition("item has had " + std::to_string(r.extensions) + " extension" + (r.extensions == 1 ? "" : "s") +
                 "; profile " + p.name + " allows at most " + std::to_string(*l.max_count) +
                 (l.topics.empty() ? "" : " for topic '" + topic + "'") + " (R12: " + l.citation + ")");
    if (l.max_days) {
      const Date prev = date_of(r.deadline);
      const Date latest = cal.deadline(prev, DeadlineRule{*l.max_days, l.day_type, EndRule::keep, l.citation});
      if (deadline > latest)
        invalid("an extension moves the deadline at most " + std::to_string(*l.max_days) +
                (l.day_type == DayType::working ? " working" : "") + " days, from " + format_date(prev) +
                " to " + format_date(latest) + " at the latest" +
                (l.topics.empty() ? "" : " for topic '" + topic + "'") + " (R12: " + l.citation + ")");
    }
  }
}

}  // namespace doithoai::detail::rules
