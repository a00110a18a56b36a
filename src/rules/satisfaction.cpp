// Rules of the satisfaction follow-up (issue 14; R10, R14, R19): the raiser's rating of a
// delivered written reply. Tests: tests/test_rules_satisfaction.cpp. Shared checks: decider.h.
#include "rules/decider.h"
#include "views/profile_sections.h"

namespace doithoai::detail::rules {

// By the raiser (the person, or a representative of the raising organization), or on their
// behalf by the front (chair or officer) of the item's unit or a unit above it. Only on a
// replied item (every delivery recorded, R10), within the profile's window after the reply
// was completed, once per reply: a rating is not revised (a reopened item, replied again,
// is rated again). A comment is required unless satisfied.
void Decider::operator()(const cmd::RecordSatisfaction& c) {
  const ItemRec& r = item(c.item);
  const OpinionRec& o = s.opinions[r.opinion];
  const bool raiser = (o.raised_by && actor == o.raised_by) || (o.raised_by_org && s.is_org_rep(actor, o.raised_by_org));
  const bool front = s.holds_in_ancestry(actor, Role::front_chair, r.unit) ||
                     s.holds_in_ancestry(actor, Role::front_officer, r.unit);
  if (!raiser && !front)
    deny("only the person or organization who raised item " + id_str(c.item.value) +
         ", or on their behalf the front of its unit or above, may record satisfaction (R19)");
  if (c.rating != Satisfaction::satisfied && c.rating != Satisfaction::partly_satisfied &&
      c.rating != Satisfaction::not_satisfied)
    invalid("rating is one of satisfied, partly_satisfied, not_satisfied");
  text(c.comment, "comment", c.rating != Satisfaction::satisfied);
  if (r.status != ItemStatus::replied || !r.reply || s.replies[r.reply - 1].completed_on == kNoDay)
    transition("item " + id_str(c.item.value) + " is " + std::string(to_string(r.status)) +
               "; satisfaction is recorded once its written reply is delivered (replied, R10)");
  const auto it = s.satisfaction.find(c.item.value);
  if (it != s.satisfaction.end() && it->second.reply == r.reply)
    transition("the reply of item " + id_str(c.item.value) + " was already rated " +
               std::string(to_string(it->second.rating)) + " on " + format_date(date_of(it->second.on)) +
               "; a rating is not revised");
  const Date on = when(c.on, "on");
  const std::int32_t done = s.replies[r.reply - 1].completed_on;
  if (day_of(on) < done)
    invalid("on " + format_date(on) + " is before the reply was delivered (" + format_date(date_of(done)) + ")");
  const SatisfactionRules rules = satisfaction_rules(p);
  if (day_of(on) - done > rules.window_days)
    transition("the window for rating item " + id_str(c.item.value) + " closed " +
               format_date(date_of(done + rules.window_days)) + " (" + std::to_string(rules.window_days) +
               " days after the reply was delivered; " + rules.citation + ")");
  emit(ev::SatisfactionRecorded{c.item, c.rating, c.comment, on});
}

}  // namespace doithoai::detail::rules
