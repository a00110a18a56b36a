// Rules of names withheld, anonymous opinions and tracking codes (issue 14; R04, R10, R13).
// Tests: tests/test_rules_public.cpp. Shared checks: decider.h; formula: views/track.h.
#include "rules/decider.h"
#include "views/track.h"

namespace doithoai::detail::rules {

// R04: an opinion with no raiser comes only through the channels the profile allows.
void Decider::anonymous_channel(Channel c) const {
  if (!p.anonymous)
    invalid("an opinion is raised by exactly one person or one organization (R04); profile " + p.name +
            " accepts no anonymous opinion");
  if (!p.anonymous->allows(c)) {
    std::string allowed;
    for (Channel x : p.anonymous->channels) allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(x));
    invalid("an anonymous opinion (no raised_by, no raised_by_org) is accepted only through " + allowed +
            " in profile " + p.name + ", not through " + std::string(to_string(c)) + " (R04)");
  }
}

std::string Decider::tracking_code(UnitId unit, const Date& raised_on, OpinionId id) const {
  return tracking_code_of(s, unit, day_of(raised_on), id.value);
}

}  // namespace doithoai::detail::rules
