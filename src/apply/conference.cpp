// Apply for conferences: R02/R03 conferences, R08 conclusion notices, R06 answers on the spot, R07 duplicates.
// Each function records an event the Decider (src/rules/) made or a checked log holds;
// see applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::operator()(const ev::ConferencePlanned& e) {
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
void Applier::operator()(const ev::ConferenceHeld& e) {
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
void Applier::operator()(const ev::ConclusionNoticeIssued& e) {
  ConferenceRec& c = s.conferences[e.conference.value];
  c.value.status = ConferenceStatus::concluded;
  c.value.notice = ConclusionNotice{e.number, e.issued_on, e.due, e.text, e.issued_on <= e.due};
}
void Applier::operator()(const ev::ConferenceClosed& e) {
  ConferenceRec& c = s.conferences[e.conference.value];
  c.value.status = ConferenceStatus::closed;
  c.value.closed_on = e.on;
}
void Applier::operator()(const ev::ItemAnswered& e) {
  ItemRec& r = s.items[e.item.value];
  r.status = ItemStatus::answered;
  r.resolved_on = day_of(e.on);
  s.cold_mut(e.item.value).answer = SpotAnswer{e.answered_by, e.gist, e.on};
  s.reindex(e.item.value);
}
void Applier::operator()(const ev::ItemMerged& e) {
  ItemRec& r = s.items[e.item.value];
  r.status = ItemStatus::merged;
  s.cold_mut(e.item.value).merged_into = e.into;
  s.cold_mut(e.into.value).duplicates.push_back(e.item);
  s.reindex(e.item.value);
}

}  // namespace doithoai::detail
