// Internal: an event's JSON payload text, written directly (the store's append path).
#pragma once

#include <string>

#include "doithoai/events.h"

namespace doithoai::detail {

// Equal, byte for byte, to event_to_json(e).dump(); tests/test_json.cpp checks it on
// every event type and on texts with escapes and non-ASCII letters.
std::string event_json_text(const Event& e);

}  // namespace doithoai::detail
