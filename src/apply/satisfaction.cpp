// Apply for the satisfaction follow-up (issue 14; R10, R14): the latest rating of an item
// in the side table StateImpl::satisfaction; not_satisfied waits for the front (R14) until
// it records a finding, reopens or closes the item. See applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::operator()(const ev::SatisfactionRecorded& e) {
  SatisfactionRec r;
  r.comment = s.text().add(e.comment);
  r.reply = s.items[e.item.value].reply;
  r.on = day_of(e.on);
  r.rating = e.rating;
  r.awaiting_front = e.rating == Satisfaction::not_satisfied;
  s.satisfaction[e.item.value] = r;
}

void Applier::front_acted(std::uint32_t item) {
  if (s.satisfaction.empty()) return;
  auto it = s.satisfaction.find(item);
  if (it != s.satisfaction.end()) it->second.awaiting_front = false;
}

}  // namespace doithoai::detail
