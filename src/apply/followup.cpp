// Apply for intake and follow-up: R04/R05 opinions and items, R09 assignment, R10 replies and deliveries, R11 escalation and intake decisions, R12 extensions.
// Each function records an event the Decider (src/rules/) made or a checked log holds;
// see applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::operator()(const ev::OpinionSubmitted& e) {
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
  if (e.name_withheld.value_or(false)) o.flags |= kOpinionNameWithheld;  // issue 14
  // The tracking code is the frozen formula's (views/track.h): nothing to store.
  if (s.opinions.size() <= e.opinion.value) {
    reserve_big(s.opinions, e.opinion.value + 1);
    s.opinions.resize(e.opinion.value + 1);
  }
  s.opinions[e.opinion.value] = o;
  if (!e.attachments.empty()) s.attachments.opinions[e.opinion.value] = {0, e.attachments};  // issue 14
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
  if (e.place) place_items(e.first_item.value, e.items.size(), *e.place);
}
void Applier::operator()(const ev::ItemAssigned& e) {
  ItemRec& r = s.items[e.item.value];
  r.status = ItemStatus::assigned;
  r.agency = e.agency;
  r.deadline = day_of(e.deadline);
  if (r.original_deadline == kNoDay) r.original_deadline = r.deadline;
  s.reindex(e.item.value);
}
void Applier::operator()(const ev::ReplyWritten& e) {
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
  if (!e.attachments.empty()) s.attachments.replies[r.reply] = {e.item.value, e.attachments};  // issue 14
}
void Applier::operator()(const ev::ReplyDelivered& e) {
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
void Applier::operator()(const ev::ItemEscalated& e) {
  ItemRec& r = s.items[e.item.value];
  const OpinionRec src = s.opinions[r.opinion];
  const UnitId from = r.unit;
  const std::uint16_t topic = r.topic;
  r.status = ItemStatus::handed_on;
  r.outcome = Outcome::escalated;
  r.resolved_on = day_of(e.on);
  ItemCold& c = s.cold_mut(e.item.value);
  c.escalated_to = e.new_item;
  if (!e.raiser_notified_on.is_special()) c.raiser_notified_on = e.raiser_notified_on;  // anonymous: none (R11)
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
  copy_place(e.item.value, e.new_item.value);  // the proposal is about the same place
}
void Applier::operator()(const ev::IntakeDecided& e) {
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
void Applier::operator()(const ev::ItemExtended& e) {
  ItemRec& r = s.items[e.item.value];
  ItemCold& c = s.cold_mut(e.item.value);
  c.extensions.push_back(Extension{date_of(r.deadline), e.deadline, e.notice_number,
                                   e.notice_date, e.agency, e.reason});
  if (r.extensions < 255) ++r.extensions;
  r.deadline = day_of(e.deadline);
  s.reindex(e.item.value);
}

}  // namespace doithoai::detail
