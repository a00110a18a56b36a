// Internal: an event's JSON payload text, written directly (the store's append path).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doithoai/commands.h"
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

// The arguments of a bulk import of opinions (the C ABI's import_opinions), read in one
// streaming pass instead of through a JSON tree: a JSON object whose "rows" array holds
// submit_opinion commands ("type" may be left out; one given must be "submit_opinion"),
// each decoded into `rows` as it is read, by command_from_json's rules (the same field
// decoders); every other field goes into `rest` (an object) as JSON. Returns whether "rows"
// was an array; when it was not (absent, null, another type), it is left in `rest` for the
// caller's own error. Duplicate keys: the last wins, as in parse_json's tree. Throws
// Error(invalid_argument): malformed JSON, a NUL byte or nesting deeper than kMaxJsonDepth
// (as parse_json), arguments that are not an object, and a bad row, as "row N: why" (N from 1).
// A tree of 100,000 rows cost four times the decoding itself (building, walking and freeing
// it): design-notes.md, "Bulk imports through the C ABI".
DOITHOAI_API bool decode_opinion_rows(std::string_view text, nlohmann::json& rest,
                                      std::vector<cmd::SubmitOpinion>& rows);

}  // namespace doithoai::detail
