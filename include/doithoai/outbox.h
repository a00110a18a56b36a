// doithoai/outbox.h: the notification outbox (issue 15): who must be told what, by when, why.
//
// Notices are events. When a command's events require a notice (R03 residents before a
// commune conference, R08 the agencies concerned by the conclusion notice, R10 the recipients
// of a written reply, R11 the raiser of an escalated, refused or transferred item, R12 the
// raiser of an extension, R13 the public after a conference), the engine appends
// `notice_issued` events in the same batch as the events that require them: the store's one
// atomic append is the transaction (a transactional outbox), and a command that fails writes
// no notice. Replay never recomputes notices; the log holds them (docs/design-notes.md,
// "The notification outbox"). The command IssueReminders adds reminders (replies due soon,
// overdue items, conferences whose public notice or results publication is due).
//
// Consumption is at least once: Engine::outbox_fetch hands out the pending notices (not
// delivered, not under a live lease), each leased for a while; the integrator delivers them
// through its own channel and acknowledges each with Engine::outbox_ack, which records a
// `notice_acknowledged` event (delivered, or failed: the notice stays pending). Leases live in
// the engine's memory only: when one expires, or the process restarts, every unacknowledged
// notice is handed out again, so a notice may be delivered twice (deduplicate by id where it
// matters); acknowledging a delivered notice again changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "doithoai/events.h"
#include "doithoai/export.h"
#include "doithoai/ids.h"
#include "doithoai/time.h"

namespace doithoai {

class State;

// One notice as of a day.
struct Notice {
  NoticeId id;
  std::string kind;          // "reply", "conclusion_notice", "reply_due_reminder", ...
  std::string template_key;  // the profile's template that fits, else the kind
  NoticeRecipient to;
  std::map<std::string, std::string> data;  // placeholder values, resolved when issued
  Date issued_on;
  Date due;                  // by when the rule wants it delivered
  std::string rule;          // "R08", "R10", ...
  std::string citation;      // the profile's legal basis for it
  ItemId item;               // what it concerns (any of them may be none)
  ConferenceId conference;
  OpinionId opinion;
  std::uint64_t cause = 0;   // seq of the event that required it (0: a reminder)
  std::uint64_t seq = 0;     // seq of its notice_issued event
  std::string status;        // "pending" or "delivered"
  std::optional<Date> delivered_on;
  bool late = false;         // delivered after due (counts against the rule's deadline)
  std::uint32_t failed_attempts = 0;
  std::string last_detail;   // the detail of the last acknowledgement
};

// Engine::outbox: notices as of the end of a day (none: the live state), oldest first.
struct OutboxQuery {
  Date as_of;
  // "" (all), "pending", "delivered", "late" (delivered after due, or pending past due as of
  // the day), "failed" (at least one failed attempt).
  std::string status;
  UnitId unit;         // only notices whose recipient's unit is in this unit's subtree
  NoticeId after;      // only ids after this one (paging)
  std::size_t limit = 1000;  // 1..100000
};

struct OutboxCounts {
  std::uint64_t issued = 0;
  std::uint64_t delivered = 0;
  std::uint64_t late = 0;      // delivered after due, plus pending past due
  std::uint64_t pending = 0;
  std::uint64_t failed_attempts = 0;
};

// Counts as of the end of day as_of, on a state that answers for it (State::answers_for), of
// the notices whose recipient's unit is in the subtree of `unit` (none: all).
DOITHOAI_API OutboxCounts outbox_counts(const State& state, UnitId unit, Date as_of);
// Notices of a state (as of its last event) matching q (q.as_of only decides lateness).
DOITHOAI_API std::vector<Notice> outbox_notices(const State& state, const OutboxQuery& q);

DOITHOAI_API nlohmann::json notice_to_json(const Notice& n);
DOITHOAI_API nlohmann::json outbox_counts_to_json(const OutboxCounts& c);

}  // namespace doithoai
