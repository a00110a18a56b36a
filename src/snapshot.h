// Internal: the engine's snapshot image, the whole projection (StateImpl) plus the
// idempotency map, in a versioned binary format. The log stays the truth: an image that
// is damaged, of another format, or anchored to a log that changed is ignored and the
// log replayed (stores check the checksum and anchor; read_snapshot checks the rest).
//
// Image: "DTSNAP" | u8 format | layout (u32 0x01020304 in native order, then u32 sizeof
// ItemRec, OpinionRec, ReplyRec, FindingRec and the text pool's chunk size) | text pool:
// varint chunk count, each chunk as varint length + raw bytes | StateImpl's fields in
// declaration order: the item, opinion, reply and finding vectors as varint count + raw
// record bytes, TextRefs as their varint value, everything else varint-encoded (hash maps
// sorted by key) | idempotency entries sorted by key | "END!".
// Opening is mostly memcpy; an image from a machine with another byte order or record
// layout is refused (and the log replayed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "doithoai/commands.h"
#include "state_impl.h"

namespace doithoai::detail {

// Bump when StateImpl or the encoding changes; older images are then ignored.
// 2: compact findings; 3: views data (publication, sessions, requests); 4: raw records and text pool;
// 5: conference format, cluster and co-chairs (art. 43), citizen reception days;
// 6: reply review (draft, approval) and returned counts (issue 15);
// 7: approvals in a side table (ReplyRec back to 56 bytes: memory per item within its target);
// 8: issue 14 places, satisfaction and evidence attachments (StateImpl::attachments);
// and the notification outbox (issue 15: StateImpl::outbox)
inline constexpr std::uint8_t kSnapshotFormat = 8;

void write_snapshot(const StateImpl& s, const std::unordered_map<std::string, Result>& idempotency,
                    std::string& out);
// Throws Error(corruption) when the image is malformed or of another format.
void read_snapshot(std::string_view image, StateImpl& s, std::unordered_map<std::string, Result>& idempotency);

}  // namespace doithoai::detail
