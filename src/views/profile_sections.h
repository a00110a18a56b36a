// Internal: the profile sections the views read from Profile::source ("compliance",
// "triggers"), validated when read; a malformed section is Error(invalid_argument) naming
// its JSON path, like load_profile.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doithoai/model.h"
#include "doithoai/profile.h"

namespace doithoai::detail {

struct PeriodicRule {
  std::vector<std::string> levels;
  std::vector<ConferenceKind> kinds;
  int min_per_year = 1;
  std::string citation;
};
struct CouncilRule {
  std::vector<std::string> levels;
  int lookback_days = 90;
  std::string citation;
};
struct VoterRule {
  std::vector<std::string> levels;
  int threshold_percent = 10;
  int within_days = 30;
  std::string citation;
};
struct ComplianceRules {
  std::optional<PeriodicRule> periodic_yearly;
  std::optional<CouncilRule> before_council_session;
  std::optional<VoterRule> voter_request;
};
struct TriggerRules {
  std::optional<int> overdue_min_items, overdue_min_days;
  std::string overdue_citation;
  std::optional<int> reopened_min_items;
  std::string reopened_citation;
  std::optional<int> matter_min_items, matter_window_days;
  std::string matter_citation;
  // Issue 14: items with a place count together when within this many metres of each
  // other (many_on_one_matter.place_radius_m); 0: by unit only, as before.
  int matter_place_radius_m = 0;
  // Issue 14 (R14): items the raiser rated not_satisfied, awaiting the front ("not_satisfied").
  std::optional<int> not_satisfied_min_items;
  std::string not_satisfied_citation;
};
// Issue 14 (R10, R14): the "satisfaction" section. Absent: a 30-day window, the library's
// own default (DOMAIN.md names no law for it).
struct SatisfactionRules {
  int window_days = 30;
  std::string citation = "Mặc định của thư viện: 30 ngày sau khi trả lời bằng văn bản (không có quy định pháp luật)";
};

ComplianceRules compliance_rules(const Profile& p);
TriggerRules trigger_rules(const Profile& p);
SatisfactionRules satisfaction_rules(const Profile& p);

}  // namespace doithoai::detail
