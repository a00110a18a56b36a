#include "profile_sections.h"

#include <algorithm>

#include "doithoai/error.h"
#include "../profile_check.h"
#include "text.h"

namespace doithoai::detail {
using nlohmann::json;
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) { detail::profile_bad(path, what); }
const json* section(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
void only(const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  detail::profile_only(j, path, allowed);
}
// Text a person reads: valid UTF-8 without control characters.
std::string text(const json& v, const std::string& path) {
  if (!v.is_string()) bad(path, "expected a string");
  const std::string s = v.get<std::string>();
  if (!valid_utf8(s)) bad(path, "not valid UTF-8");
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) bad(path, "contains a control character");
  return s;
}
int integer(const json& j, const char* key, const std::string& path, int def, int lo, int hi) {
  const json* v = section(j, key);
  if (!v) return def;
  if (!v->is_number_integer() || v->get<long long>() < lo || v->get<long long>() > hi)
    bad(path + "." + key, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v->get<int>();
}
std::string citation(const json& j, const std::string& path) {
  const json* v = section(j, "citation");
  if (!v || !v->is_string() || v->get<std::string>().empty()) bad(path + ".citation", "a rule needs its citation");
  return text(*v, path + ".citation");
}
std::vector<std::string> levels(const json& j, const std::string& path, const Profile& p) {
  std::vector<std::string> out;
  const json* v = section(j, "levels");
  if (!v) return out;  // empty: every level
  if (!v->is_array()) bad(path + ".levels", "expected an array of level names");
  for (const auto& x : *v) {
    if (!x.is_string()) bad(path + ".levels", "expected an array of level names");
    const std::string l = text(x, path + ".levels");
    if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), l) == p.levels.end())
      bad(path + ".levels", "level '" + l + "' is not in $.levels");
    if (std::find(out.begin(), out.end(), l) != out.end()) bad(path + ".levels", "duplicate level '" + l + "'");
    out.push_back(l);
  }
  return out;
}

}  // namespace

ComplianceRules compliance_rules(const Profile& p) {
  ComplianceRules r;
  const json* c = section(p.source, "compliance");
  if (!c) return r;
  only(*c, "$.compliance", {"periodic_yearly", "before_council_session", "voter_request"});
  if (const json* s = section(*c, "periodic_yearly")) {
    const std::string path = "$.compliance.periodic_yearly";
    only(*s, path, {"levels", "kinds", "min_per_year", "citation"});
    PeriodicRule x;
    x.levels = levels(*s, path, p);
    x.min_per_year = integer(*s, "min_per_year", path, 1, 1, 366);
    x.citation = citation(*s, path);
    if (const json* k = section(*s, "kinds")) {
      if (!k->is_array()) bad(path + ".kinds", "expected an array of conference kinds");
      for (const auto& v : *k) {
        if (!v.is_string()) bad(path + ".kinds", "expected an array of conference kinds");
        try {
          x.kinds.push_back(parse_enum<ConferenceKind>(v.get<std::string>()));
        } catch (const Error& e) {
          bad(path + ".kinds", e.what());
        }
      }
    } else {
      x.kinds = {ConferenceKind::periodic};
    }
    r.periodic_yearly = x;
  }
  if (const json* s = section(*c, "before_council_session")) {
    const std::string path = "$.compliance.before_council_session";
    only(*s, path, {"levels", "lookback_days", "citation"});
    CouncilRule x;
    x.levels = levels(*s, path, p);
    x.lookback_days = integer(*s, "lookback_days", path, 90, 1, 3660);
    x.citation = citation(*s, path);
    r.before_council_session = x;
  }
  if (const json* s = section(*c, "voter_request")) {
    const std::string path = "$.compliance.voter_request";
    only(*s, path, {"levels", "threshold_percent", "within_days", "citation"});
    VoterRule x;
    x.levels = levels(*s, path, p);
    x.threshold_percent = integer(*s, "threshold_percent", path, 10, 1, 100);
    x.within_days = integer(*s, "within_days", path, 30, 0, 3660);
    x.citation = citation(*s, path);
    r.voter_request = x;
  }
  return r;
}

TriggerRules trigger_rules(const Profile& p) {
  TriggerRules r;
  const json* t = section(p.source, "triggers");
  if (!t) return r;
  only(*t, "$.triggers", {"overdue", "reopened", "many_on_one_matter", "not_satisfied"});
  if (const json* s = section(*t, "overdue")) {
    const std::string path = "$.triggers.overdue";
    only(*s, path, {"min_items", "min_days_overdue", "citation"});
    r.overdue_min_items = integer(*s, "min_items", path, 1, 1, 1000000);
    r.overdue_min_days = integer(*s, "min_days_overdue", path, 1, 1, 3660);
    r.overdue_citation = citation(*s, path);
  }
  if (const json* s = section(*t, "reopened")) {
    const std::string path = "$.triggers.reopened";
    only(*s, path, {"min_items", "citation"});
    r.reopened_min_items = integer(*s, "min_items", path, 1, 1, 1000000);
    r.reopened_citation = citation(*s, path);
  }
  if (const json* s = section(*t, "many_on_one_matter")) {
    const std::string path = "$.triggers.many_on_one_matter";
    only(*s, path, {"min_items", "window_days", "place_radius_m", "citation"});
    r.matter_min_items = integer(*s, "min_items", path, 5, 2, 1000000);
    r.matter_window_days = integer(*s, "window_days", path, 90, 1, 3660);
    r.matter_place_radius_m = integer(*s, "place_radius_m", path, 0, 0, 100000);
    r.matter_citation = citation(*s, path);
  }
  if (const json* s = section(*t, "not_satisfied")) {
    const std::string path = "$.triggers.not_satisfied";
    only(*s, path, {"min_items", "citation"});
    r.not_satisfied_min_items = integer(*s, "min_items", path, 1, 1, 1000000);
    r.not_satisfied_citation = citation(*s, path);
  }
  return r;
}

SatisfactionRules satisfaction_rules(const Profile& p) {
  SatisfactionRules r;
  const json* t = section(p.source, "satisfaction");
  if (!t) return r;
  const std::string path = "$.satisfaction";
  only(*t, path, {"window_days", "citation"});
  r.window_days = integer(*t, "window_days", path, 30, 1, 3660);
  r.citation = citation(*t, path);
  return r;
}

}  // namespace doithoai::detail
