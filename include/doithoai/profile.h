// doithoai/profile.h: rule profiles, the data every rule's numbers come from.
//
// A profile is a JSON document (see docs/profiles.md): deadlines, each with its day type,
// end rule and citation; reply recipients; supervising bodies; unit levels; topics and
// audiences. Built-in profiles ship as JSON files in profiles/ and are compiled into the
// library. load_profile validates everything and throws Error(invalid_argument) naming
// the offending JSON path. A Profile is an immutable value once loaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doithoai/calendar.h"
#include "doithoai/export.h"
#include "doithoai/model.h"

namespace doithoai {

struct Label {
  std::string code;   // stable machine name used in commands and JSON
  std::string label;  // Vietnamese label shown to people
};

// "commune_dialogue": the commune dialogue of the Local Government Law 2025 art. 43.
// Applies to conferences of the unit's own heads (not departments' dialogues) at `levels`.
struct CommuneDialogueRule {
  std::vector<std::string> levels;         // empty: every level
  std::vector<ConferenceFormat> formats;   // formats a conference may take; empty: any
  std::optional<Role> co_chair_required;   // holding it needs a co-chair with this role
  std::string citation;
};

// "reception": citizen reception days a head owes each month (R17). Regulation 11-QĐi/TW
// as amended by Conclusion 215-KL/TW (party heads), Citizen Reception Law 2013 art. 18
// (agency heads).
struct ReceptionRule {
  Role role = Role::party_head;  // party_head, government_head (of a unit) or agency_head
  std::vector<std::string> levels;  // of the unit (the agency's unit); empty: every level
  int min_days_per_month = 1;
  bool enabled = true;           // a disabled rule is kept as data but checks nothing
  std::string citation;
};

// "reporting": which periodic reports the heads owe (R16) and to whom.
struct ReportingRule {
  // "month", "quarter", "first_quarter", "six_months", "nine_months", "year", in profile order
  std::vector<std::string> periods;
  // Recipients of the reports of a unit, by the unit's level, in the order of $.levels.
  std::vector<std::pair<std::string, std::vector<std::string>>> recipients;
  std::string citation;
};

// ---- R12 extension caps (issue 15) ----
// "extension_limits": how far the law lets a deadline be extended (R12). Each limit applies
// to the items whose topic is in `topics` (empty: every item); an Extend that would exceed
// any applicable limit is refused. A profile without limits extends without a cap. Checked
// when an extension is decided only: recorded item_extended events are never re-judged.
struct ExtensionLimit {
  std::vector<std::string> topics;  // topic codes of the profile; empty: every item
  std::optional<int> max_count;     // extensions per item, over its whole life; none: any
  std::optional<int> max_days;      // each extension moves the deadline at most this far
  DayType day_type = DayType::calendar;  // how max_days are counted from the previous deadline
  std::string citation;
  bool applies_to(std::string_view topic) const;
};

// ---- Review before publication (R13, R14; issue 15) ----
// "reply_review": a written reply is a draft until the reviewer approves it (or returns it
// for rework). reviewer: Role::office (the heads or office of the item's unit) or
// Role::front_chair (the front of the item's unit or above: its chair or officers).
// Absent: replies count as written, as before.
struct ReplyReviewRule {
  Role reviewer = Role::office;
  std::string citation;
};

// ---- Evidence attachments (issue 14): "attachments" ----
// Limits on the attachments of one command (an opinion, a written reply, a finding): at most
// max_count of them, each of 1..max_bytes bytes and of a media type in media_types (compared
// exactly, lower case). A profile without the section gets these defaults, the library's own
// choice (not the law's): 20 MiB, 10 files, common photo, document, audio and video types.
struct AttachmentRule {
  std::uint64_t max_bytes = 20ull * 1024 * 1024;
  std::uint32_t max_count = 10;
  std::vector<std::string> media_types = {"image/jpeg", "image/png", "image/webp", "image/heic",
                                          "application/pdf", "text/plain", "audio/mpeg", "video/mp4"};
  bool allows(std::string_view media_type) const;
};

// ---- Anonymous opinions (R04, R10; issue 14) ----
// "anonymous": the channels through which an opinion with no raiser (no person, no
// organization) is accepted, and how R10's delivery "to the person who raised it" is met for
// its items: posted (the reply's public posting, R13, stands for it) or not_required (the
// other recipients suffice). Absent: no anonymous opinion is accepted.
enum class AnonymousDelivery : std::uint8_t { posted = 1, not_required = 2 };
struct AnonymousRule {
  std::vector<Channel> channels;
  AnonymousDelivery delivery = AnonymousDelivery::posted;
  std::string citation;
  bool allows(Channel c) const;
};

struct Profile {
  std::string name;      // e.g. "hanoi-2200"
  std::string title;     // Vietnamese title
  std::string citation;  // the regulation the profile encodes
  int zone_offset_minutes = 420;  // local dates are taken in this zone (Vietnam: UTC+7)
  std::string calendar = "vietnam";  // "vietnam" (holidays and swaps; the default) or "weekend" (Mon–Fri)

  struct Deadlines {
    DeadlineRule conclusion_notice;  // R08: after the conference
    DeadlineRule reply;              // R09: written reply after the conference or intake
    DeadlineRule public_notice;      // R03: minimum notice before a conference
    DeadlineRule publication;        // R13: publish conference results after it is held
    DeadlineRule reopen;             // R14: new deadline of a reopened item
    DeadlineRule complaint;          // R11: Complaints Law 2011 art. 28
    DeadlineRule complaint_complex;
    DeadlineRule complaint_remote;   // remote areas
    DeadlineRule complaint_remote_complex;
    DeadlineRule denunciation;       // Denunciation Law 2018 art. 30
  } deadlines;

  std::vector<Recipient> reply_recipients;  // R10: every one must receive the reply
  std::vector<Supervisor> supervisors;      // R14: who supervises and closes
  std::vector<std::string> levels;          // unit levels, top first (data, not code: R01)
  std::vector<std::string> public_notice_levels;  // levels R03's notice applies to; empty: all
  std::vector<Label> topics;                // empty: any topic accepted
  std::vector<Label> audiences;             // empty: any audience accepted
  std::optional<CommuneDialogueRule> commune_dialogue;  // art. 43 checks; none: not checked
  std::vector<ReceptionRule> reception;                 // R17 reception days; empty: none
  std::optional<ReportingRule> reporting;               // R16 report periods and recipients
  std::vector<ExtensionLimit> extension_limits;         // R12 caps; empty: no cap
  std::optional<ReplyReviewRule> reply_review;          // R13/R14 review; none: no review
  AttachmentRule attachments;                           // issue 14 evidence limits (defaults when absent)
  std::optional<AnonymousRule> anonymous;               // R04/R10 anonymous opinions; none: refused

  nlohmann::json source;  // the document it was loaded from, for sections other layers read

  bool has_topic(std::string_view code) const;
  bool has_audience(std::string_view code) const;
  bool supervised_by(Supervisor s) const;
  bool requires_recipient(Recipient r) const;
  // The commune_dialogue rule when it applies to a unit of this level, else nullptr.
  const CommuneDialogueRule* commune_dialogue_for(std::string_view level) const;
};

// Validates and loads a profile document. Throws Error(invalid_argument).
DOITHOAI_API Profile load_profile(const nlohmann::json& document);
DOITHOAI_API Profile load_profile_file(const std::string& path);
// The profiles compiled into the library: "hanoi-2200", "national-default" (three levels,
// before the 2025 reform) and "vn-2025" (two-tier local government from 1 July 2025).
DOITHOAI_API std::vector<std::string> builtin_profile_names();
DOITHOAI_API Profile builtin_profile(std::string_view name);  // not_found if unknown
DOITHOAI_API nlohmann::json profile_to_json(const Profile& p);

}  // namespace doithoai
