// Internal: decide(state, actor, command, now, profile, calendar) -> events. Pure: it reads
// the state and never changes it. Every rule of DOMAIN.md that a command can break is
// checked here; apply (src/apply/) then records the outcome without checks.
#pragma once

#include <vector>

#include "doithoai/attachments.h"
#include "doithoai/calendar.h"
#include "doithoai/commands.h"
#include "doithoai/events.h"
#include "doithoai/profile.h"
#include "outbox.h"  // the outbox commands, decided in src/outbox.cpp
#include "state_impl.h"

namespace doithoai::detail {

struct DecideInput {
  const StateImpl& state;
  const Profile& profile;
  const Calendar& calendar;
  PersonId actor;
  Instant now;
  // Evidence (issue 14): the engine's attachment store, if any (src/rules/evidence.cpp).
  const AttachmentStore* attachments = nullptr;
};

struct Decision {
  std::vector<Event> events;
  Result result;
};

// Throws Error (permission_denied, not_found, invalid_argument, invalid_transition);
// on success fills out.events (never empty) and out.result.id/items.
void decide(const DecideInput& in, const Command& command, Decision& out);

}  // namespace doithoai::detail
