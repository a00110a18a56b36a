// Internal: the check State::apply makes before folding an event in (issue 16).
//
// A log read from a store or imported from JSON Lines is only as trustworthy as its hash
// chain, which anyone can recompute (docs/store.md). Apply indexes its records by the ids
// an event names, so every event is checked against the state first: the ids it creates
// are the next ones, the ids it names exist, the item or conference is in a status the
// event can follow, counters stay in range. These are invariants decide has always kept,
// so the engine's own events pass; a failing event throws Error(corruption) naming its
// sequence number and leaves the state as it was.
#pragma once

#include "doithoai/events.h"

namespace doithoai::detail {

struct StateImpl;

// Throws Error(corruption) unless r can be applied to s (see above). Cheap: range checks,
// a status or two, a hash lookup for the codes of directory events.
void check_event(const StateImpl& s, const Recorded& r);

}  // namespace doithoai::detail
