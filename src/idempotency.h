// Internal: the digest kept with an idempotency key, so that a key reused for a different
// request is told apart from a retry of the same one.
#pragma once

#include <string>
#include <string_view>

#include "doithoai/commands.h"
#include "doithoai/ids.h"

namespace doithoai::detail {

// SHA-256 (32 raw bytes) of "doithoai.request.v1", the actor (u32, big-endian) and the
// command's canonical JSON (command_to_json(c).dump(): keys sorted, no spaces).
// Throws Error(invalid_argument) when c holds text that is not valid UTF-8 (no digest, and
// no command, can be made of it).
std::string request_digest(PersonId actor, const Command& c);

// An idempotency key is an identifier kept in the log and written to JSON exports: at most
// kMaxNameBytes bytes of valid UTF-8 with no control character. Throws Error(invalid_argument).
void check_idempotency_key(std::string_view key);

}  // namespace doithoai::detail
