// Internal: an event's JSON payload text, written directly (the store's append path).
#pragma once

#include <string>

#include "doithoai/events.h"

namespace doithoai::detail {

// Equal, byte for byte, to event_to_json(e).dump(); tests/test_json_text.cpp checks it on
// every event type and on texts with escapes and non-ASCII letters. Where dump() would throw
// nlohmann's type_error (a string that is not valid UTF-8), throws Error(invalid_argument).
std::string event_json_text(const Event& e);

// The text rules commands apply, on an event from outside (an import): every string valid
// UTF-8 without control characters and within kMaxNameBytes (kMaxTextBytes for the long
// texts: text, report, gist, proposal, reason, note), every date in range. Ids and enum
// values are already checked by event_from_json. Throws Error(invalid_argument).
void check_event_fields(const Event& e);

}  // namespace doithoai::detail
