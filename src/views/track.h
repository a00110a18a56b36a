// Internal: names withheld, anonymous opinions and tracking codes (issue 14; R04, R10, R13).
// Shared by decide (src/rules/followup.cpp, src/views/view_events.cpp), the event checks
// (src/state_check.cpp), the state's values (src/state.cpp) and the views.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "doithoai/profile.h"
#include "../state_impl.h"

namespace doithoai {
class Redactor;  // doithoai/views.h
}
namespace doithoai::detail {

// ---- tracking code: FROZEN formula (docs/rules.md "Tracking code") ----
// "<unit>-<year>-<number>": <unit> is the code the opinion's unit was created with (unit
// codes never change; merges keep the opinion's unit), or its id in decimal when it has no
// code; <year> the four-digit year of raised_on; <number> the opinion id, zero-padded to at
// least six digits. Unique (the id is), so unique per unit and year. Never change it: the
// codes of every stored opinion are this function of its event (like src/apply/v1.cpp).
std::string tracking_code_of(const StateImpl& s, UnitId unit, std::int32_t raised_on, std::uint32_t opinion);
inline std::string tracking_code_of(const StateImpl& s, std::uint32_t opinion) {
  const OpinionRec& o = s.opinions[opinion];
  return tracking_code_of(s, o.unit, o.raised_on, opinion);
}
// The opinion a well-formed code names, with no look-up: Error(invalid_argument) for a code
// that is not "<unit>-<yyyy>-<digits>" (at most 200 bytes of printable ASCII or UTF-8).
std::uint32_t parse_tracking_code(std::string_view code);
// ASCII case-insensitive equality (citizens type codes in either case).
bool same_code(std::string_view a, std::string_view b);

// ---- R10 for anonymous opinions ----
// The recipients (bits 1 << (Recipient - 1)) whose delivery completes the item's reply, and
// whether the reply's public posting is needed besides (profile "anonymous".delivery = posted;
// a profile without the section is read as posted).
struct DeliveryNeed {
  std::uint8_t recipients = 0;
  bool posting = false;
};
DeliveryNeed delivery_need(const StateImpl& s, const Profile& p, std::uint32_t item);

// The raiser as the public sees them (R13): an organization by name, a person by name with
// consent, the anonymous label otherwise or when the name is withheld on this opinion (the
// opinion wins over a general consent), an escalated proposal by the unit that proposed it.
extern const char* const kWithheldLabel;
// Text of `item` for the public: red.redact(text), and where the raiser withheld their name on
// the item's opinion, their registered name and address removed too (src/views/redact.cpp).
std::string public_text(const StateImpl& s, const Redactor& red, std::uint32_t item, std::string_view text);
}  // namespace doithoai::detail
