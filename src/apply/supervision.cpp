// Apply for supervision: R14 findings, reopening and closing, R13/R14 review of replies.
// Each function records an event the Decider (src/rules/) made or a checked log holds;
// see applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::operator()(const ev::FindingRecorded& e) {
  ItemRec& r = s.items[e.item.value];
  FindingRec f;
  f.text = s.text().add(e.text);
  f.prev = r.finding;
  f.on = day_of(e.on);
  f.satisfactory = e.satisfactory;
  reserve_big(s.findings, s.findings.size() + 1);
  s.findings.push_back(f);
  r.finding = static_cast<std::uint32_t>(s.findings.size());
  front_acted(e.item.value);
  if (!e.attachments.empty()) s.attachments.findings[r.finding] = {e.item.value, e.attachments};  // issue 14
}
void Applier::operator()(const ev::ItemReopened& e) {
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
  front_acted(e.item.value);
}
void Applier::operator()(const ev::ItemClosed& e) {
  ItemRec& r = s.items[e.item.value];
  r.status = ItemStatus::closed;
  if (r.resolved_on == kNoDay) r.resolved_on = day_of(e.on);
  r.closed_on = day_of(e.on);
  s.reindex(e.item.value);
  front_acted(e.item.value);
}
// ---- review before publication (R13, R14; issue 15) ----
void Applier::operator()(const ev::ReplyApproved& e) {
  const std::uint32_t reply = s.items[e.item.value].reply - 1;
  s.replies[reply].review = 2;
  s.approvals[reply].on = day_of(e.on);  // by: from the envelope (StateAccess::apply)
}
void Applier::operator()(const ev::ReplyReturned& e) {
  ItemRec& r = s.items[e.item.value];
  r.status = ItemStatus::assigned;
  r.reply = 0;  // the returned reply stays in the log and the item's history
  if (r.returned < 255) ++r.returned;
}

}  // namespace doithoai::detail
