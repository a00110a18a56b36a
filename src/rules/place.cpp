// Rules of places (issue 14; R04): an opinion may carry where its matter is. The checks
// of a place; its queries are in src/views/place.cpp.
// Tests: tests/test_rules_place.cpp. Shared checks: decider.h.
#include <cmath>

#include "rules/decider.h"

namespace doithoai::detail::rules {

// Valid WGS84 degrees and an address of at most kMaxNameBytes (check_place), rounded to
// 1e-7 degree (about 1 cm: what the state keeps) so the event records what is kept.
Place Decider::checked_place(const Place& p) {
  check_place(p, "place");
  Place out = p;
  out.lat = std::round(p.lat * 1e7) / 1e7;
  out.lon = std::round(p.lon * 1e7) / 1e7;
  return out;
}

}  // namespace doithoai::detail::rules
