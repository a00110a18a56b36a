#include "apply/applier.h"

namespace doithoai::detail {

// ---- Schema version 1 path: outcomes of events written before they were recorded ----
// Events of earlier releases do not say which items a held conference gave its reply
// deadline, which items followed a merged unit, or which status an intake decision or a
// reopening left an item in: apply computed them from the state. For those events it still
// does, with these functions, which are FROZEN: they are the meaning of those old events, so
// they never change, whatever the rules (src/rules/) decide for new events (changing one
// would rewrite the past on replay; tests/golden/ holds logs that catch it). Events that
// carry the outcome are applied from it alone.
namespace v1 {

// conference_held: every item of the conference's opinions without a deadline, unsettled and
// not a duplicate, in opinion order.
std::vector<ItemId> deadline_items(const StateImpl& s, ConferenceId conference) {
  std::vector<ItemId> out;
  for (OpinionId o : s.conferences[conference.value].opinions) {
    const OpinionRec& op = s.opinions[o.value];
    for (std::uint32_t i = op.first_item; i < op.first_item + op.item_count; ++i) {
      const ItemRec& r = s.items[i];
      if (r.deadline == kNoDay && !is_resolved(r.status) && r.status != ItemStatus::merged) out.push_back(ItemId(i));
    }
  }
  return out;
}

// unit_merged: every item of the unit that is not closed, in id order.
std::vector<ItemId> moved_items(const StateImpl& s, UnitId unit) {
  std::vector<ItemId> out;
  for (std::size_t i = 1; i < s.items.size(); ++i) {
    const ItemRec& r = s.items[i];
    if (r.unit == unit && r.status != ItemStatus::closed) out.push_back(ItemId(static_cast<std::uint32_t>(i)));
  }
  return out;
}

// intake_decided: an outcome other than accepted or more_time hands the item on.
ItemStatus intake_status(const ItemRec& r, Outcome outcome) {
  return outcome != Outcome::accepted && outcome != Outcome::more_time ? ItemStatus::handed_on : r.status;
}

// item_reopened: back to its agency if it has one.
ItemStatus reopened_status(const ItemRec& r) { return r.agency ? ItemStatus::assigned : ItemStatus::open; }

}  // namespace v1

}  // namespace doithoai::detail
