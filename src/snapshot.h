// Internal: the engine's snapshot image, the whole projection (StateImpl) plus the
// idempotency map, in a versioned binary format. The log stays the truth: an image that
// is damaged, of another format, or anchored to a log that changed is ignored and the
// log replayed (stores check the checksum and anchor; read_snapshot checks the rest).
//
// Image: "DTSNAP" | u8 format | varint fields of StateImpl in declaration order (text as
// bytes, hash maps sorted by key) | idempotency entries sorted by key | "END!".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "doithoai/commands.h"
#include "state_impl.h"

namespace doithoai::detail {

// Bump when StateImpl or the encoding changes; older images are then ignored.
inline constexpr std::uint8_t kSnapshotFormat = 3;  // 2: compact findings; 3: views data (publication, sessions, requests)

void write_snapshot(const StateImpl& s, const std::unordered_map<std::string, Result>& idempotency,
                    std::string& out);
// Throws Error(corruption) when the image is malformed or of another format.
void read_snapshot(std::string_view image, StateImpl& s, std::unordered_map<std::string, Result>& idempotency);

}  // namespace doithoai::detail
