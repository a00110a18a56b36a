// Rules of supervision: R14 findings, reopening and closing, and R13/R14 review of a reply before publication.
// Tests: tests/test_rules_supervision.cpp. Shared checks: decider.h.
#include "rules/decider.h"

namespace doithoai::detail::rules {

// ---- supervision ----
void Decider::operator()(const cmd::RecordFinding& c) {
  const ItemRec& r = item(c.item);
  supervises(r.unit, "record findings");
  text(c.text, "text");
  const Date on = when(c.on, "on");
  evidence(c.attachments);  // issue 14, R14
  emit(ev::FindingRecorded{c.item, c.text, c.satisfactory, on, c.attachments});
}
void Decider::operator()(const cmd::Reopen& c) {
  const ItemRec& r = item(c.item);
  supervises(r.unit, "reopen items");
  if (r.status == ItemStatus::closed) transition("a closed item is closed for good (R14)");
  if (!is_resolved(r.status)) transition("only a resolved item can be reopened");
  if (r.outcome == Outcome::escalated)
    transition("an escalated item is followed through its proposal in the higher unit");
  text(c.reason, "reason");
  const Date on = when(c.on, "on");
  Date dl = deadline_from(on, p.deadlines.reopen);
  if (c.deadline) {
    check_date(*c.deadline, "deadline");
    if (*c.deadline < today) invalid("the new deadline is in the past");
    dl = *c.deadline;
  }
  emit(ev::ItemReopened{c.item, c.reason, dl, on, r.agency ? ItemStatus::assigned : ItemStatus::open});
}
void Decider::operator()(const cmd::CloseItem& c) {
  const ItemRec& r = item(c.item);
  supervises(r.unit, "close items");
  if (r.status == ItemStatus::closed) transition("the item is already closed");
  if (r.status == ItemStatus::merged) transition("a duplicate follows its original; close the original");
  if (!is_resolved(r.status))
    transition("the item is " + std::string(to_string(r.status)) + "; only a resolved item can be closed (R14)");
  text(c.note, "note", false);
  emit(ev::ItemClosed{c.item, c.note, when(c.on, "on")});
}

// ---- review before publication (R13, R14; profile "reply_review", issue 15) ----
// The reviewer the profile names: the heads or office of the item's unit, or the front of
// the unit or above (its chair or officers). A draft written while the profile asked for
// review stays reviewable by the office if the profile later drops the review.
void Decider::reviewer_of(const ItemRec& r, const char* action) const {
  const Role who = p.reply_review ? p.reply_review->reviewer : Role::office;
  if (who == Role::front_chair) {
    if (!s.holds_in_ancestry(actor, Role::front_chair, r.unit) && !s.holds_in_ancestry(actor, Role::front_officer, r.unit))
      deny(std::string("only the front of unit ") + id_str(r.unit.value) + " or above may " + action +
           " (R13, R14, R19" + (p.reply_review ? ": " + p.reply_review->citation : std::string()) + ")");
  } else if (!s.is_head_or_office(actor, r.unit)) {
    deny(std::string("only the heads of unit ") + id_str(r.unit.value) + " or their office may " + action +
         " (R13, R14, R19" + (p.reply_review ? ": " + p.reply_review->citation : std::string()) + ")");
  }
}
const ReplyRec& Decider::draft_of(const ItemRec& r) const {
  if (r.status == ItemStatus::reply_written && r.reply && s.replies[r.reply - 1].review == 1)
    return s.replies[r.reply - 1];
  if (r.reply && s.replies[r.reply - 1].review == 2)
    transition("the reply is already approved (R13, R14)");
  if (r.status == ItemStatus::reply_written || r.status == ItemStatus::replied)
    transition("the reply is not a draft awaiting review (the profile asked for no review when it was written)");
  transition("the item is " + std::string(to_string(r.status)) + "; it has no draft reply awaiting review (R13, R14)");
}
void Decider::operator()(const cmd::ApproveReply& c) {
  const ItemRec& r = item(c.item);
  reviewer_of(r, "approve replies");
  const ReplyRec& d = draft_of(r);
  text(c.note, "note", false);
  const Date on = when(c.on, "on");
  if (on < date_of(d.date)) invalid("approved before the reply was written");
  emit(ev::ReplyApproved{c.item, c.note, on});
}
void Decider::operator()(const cmd::ReturnReply& c) {
  const ItemRec& r = item(c.item);
  reviewer_of(r, "return replies");
  const ReplyRec& d = draft_of(r);
  text(c.reason, "reason");
  const Date on = when(c.on, "on");
  if (on < date_of(d.date)) invalid("returned before the reply was written");
  emit(ev::ReplyReturned{c.item, d.agency, c.reason, on});
}

}  // namespace doithoai::detail::rules
