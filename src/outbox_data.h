// Internal: what the notification outbox keeps in the projection (issue 15; doithoai/outbox.h).
// StateImpl holds one OutboxData, a side table (no field of ItemRec): the notices by id, as
// issued, with their delivery record. `pending` and `reminders` are derived from `notices`
// (rebuilt after a snapshot is read: src/outbox.cpp, rebuild_outbox_index).
#pragma once

#include <climits>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "doithoai/events.h"

namespace doithoai::detail {

struct NoticeRec {
  ev::NoticeIssued issued;
  std::uint64_t seq = 0;                  // of the notice_issued event
  std::int32_t delivered_on = INT32_MIN;  // day number; INT32_MIN: not delivered
  std::uint32_t failed = 0;               // failed attempts
  std::string last_detail;
};

struct OutboxData {
  std::vector<NoticeRec> notices{1};       // by id; slot 0 unused
  std::set<std::uint32_t> pending;         // ids not delivered, in order
  std::unordered_set<std::string> reminders;  // reminder keys issued (kind|subject|recipient|day)
};

}  // namespace doithoai::detail
