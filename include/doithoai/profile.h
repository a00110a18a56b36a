// doithoai/profile.h: rule profiles, the data every rule's numbers come from.
//
// A profile is a JSON document (see docs/profiles.md): deadlines, each with its day type,
// end rule and citation; reply recipients; supervising bodies; unit levels; topics and
// audiences. Built-in profiles ship as JSON files in profiles/ and are compiled into the
// library. load_profile validates everything and throws Error(invalid_argument) naming
// the offending JSON path. A Profile is an immutable value once loaded.
#pragma once

#include <string>
#include <string_view>
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

  nlohmann::json source;  // the document it was loaded from, for sections other layers read

  bool has_topic(std::string_view code) const;
  bool has_audience(std::string_view code) const;
  bool supervised_by(Supervisor s) const;
  bool requires_recipient(Recipient r) const;
};

// Validates and loads a profile document. Throws Error(invalid_argument).
DOITHOAI_API Profile load_profile(const nlohmann::json& document);
DOITHOAI_API Profile load_profile_file(const std::string& path);
// The profiles compiled into the library: "hanoi-2200", "national-default".
DOITHOAI_API std::vector<std::string> builtin_profile_names();
DOITHOAI_API Profile builtin_profile(std::string_view name);  // not_found if unknown
DOITHOAI_API nlohmann::json profile_to_json(const Profile& p);

}  // namespace doithoai
