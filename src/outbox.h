// Internal: the notification outbox (issue 15; the contract is doithoai/outbox.h).
//
// add_required_notices is the pure function (state before, new events, profile, calendar) ->
// notices the engine calls after decide(): it appends the notice_issued events the new events
// require to the same decision, so they are committed in the same store append. The two
// outbox commands are decided here (rules.cpp's Decider forwards commands it does not handle
// itself to decide_view_command), their events applied and checked here (src/apply/applier.h and
// state_check.cpp forward to apply_outbox_event and check_outbox_event).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "doithoai/commands.h"
#include "doithoai/events.h"
#include "doithoai/outbox.h"

namespace doithoai {
struct Profile;
}

namespace doithoai::detail {

struct StateImpl;
struct DecideInput;
struct Decision;
struct OutboxData;

// Appends to out.events the notices its events require (nothing for a profile without an
// "outbox" section). first_seq: the seq the first of out.events will get.
void add_required_notices(const DecideInput& in, Decision& out, std::uint64_t first_seq);

// The outbox commands (Decider's catch-all forwards them here).
void decide_view_command(const DecideInput& in, const cmd::IssueReminders& c, Decision& out);
void decide_view_command(const DecideInput& in, const cmd::AcknowledgeNotice& c, Decision& out);

// Apply (s.last_seq is still the previous event's) and check (empty: fine; else why not).
void apply_outbox_event(StateImpl& s, const ev::NoticeIssued& e);
void apply_outbox_event(StateImpl& s, const ev::NoticeAcknowledged& e);
std::string check_outbox_event(const StateImpl& s, const ev::NoticeIssued& e);
std::string check_outbox_event(const StateImpl& s, const ev::NoticeAcknowledged& e);

// The public value of notice `id` of s, lateness judged as of `as_of` (none: not judged).
Notice notice_of(const StateImpl& s, std::uint32_t id, Date as_of);

// After a snapshot is read: the derived indexes of the outbox from its notices.
void rebuild_outbox_index(OutboxData& o);

// The profile's "outbox" section: {"reply_due_days": 0..365}. Throws Error(invalid_argument).
void check_outbox_section(const nlohmann::json& j);

}  // namespace doithoai::detail
