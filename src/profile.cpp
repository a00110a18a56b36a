#include "doithoai/profile.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "doithoai/error.h"
#include "outbox.h"
#include "profile_check.h"
#include "doithoai/json.h"
#include "doithoai/templates.h"
#include "doithoai/vietnam_calendar.h"
#include "text.h"
#include "views/profile_sections.h"

namespace doithoai {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& builtin_profile_texts();
const std::vector<std::pair<std::string_view, std::string_view>>& builtin_template_texts();
}

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) { detail::profile_bad(path, what); }

const json& need(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end()) bad(path + "." + key, "missing");
  return *it;
}

std::string str(const json& j, const std::string& path, bool required = true) {
  if (!j.is_string()) bad(path, "expected a string");
  std::string s = j.get<std::string>();
  if (required && s.empty()) bad(path, "must not be empty");
  if (!detail::valid_utf8(s)) bad(path, "not valid UTF-8");
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) bad(path, "contains a control character");
  return s;
}

// An integer in lo..hi, whether nlohmann holds it signed or unsigned.
int int_in(const json& j, const std::string& path, long long lo, long long hi) {
  bool ok = false;
  if (j.is_number_unsigned()) {
    const auto u = j.get<unsigned long long>();
    ok = hi >= 0 && u <= static_cast<unsigned long long>(hi) && (lo <= 0 || u >= static_cast<unsigned long long>(lo));
  } else if (j.is_number_integer()) {
    const auto v = j.get<long long>();
    ok = v >= lo && v <= hi;
  }
  if (!ok) bad(path, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<int>(j.get<long long>());
}

DeadlineRule rule(const json& j, const std::string& path) {
  if (!j.is_object()) bad(path, "expected an object {days, day_type, end_rule, citation}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "days" && it.key() != "day_type" && it.key() != "end_rule" && it.key() != "citation")
      bad(path + "." + it.key(), "unknown field");
  DeadlineRule r;
  r.days = int_in(need(j, "days", path), path + ".days", 0, 3660);
  const std::string t = str(need(j, "day_type", path), path + ".day_type");
  if (t == "calendar") r.day_type = DayType::calendar;
  else if (t == "working") r.day_type = DayType::working;
  else bad(path + ".day_type", "expected \"calendar\" or \"working\"");
  const std::string e = j.contains("end_rule") ? str(j["end_rule"], path + ".end_rule") : "keep";
  if (e == "keep") r.end_rule = EndRule::keep;
  else if (e == "next_working_day") r.end_rule = EndRule::next_working_day;
  else bad(path + ".end_rule", "expected \"keep\" or \"next_working_day\"");
  r.citation = str(need(j, "citation", path), path + ".citation");
  return r;
}

json rule_json(const DeadlineRule& r) {
  return {{"days", r.days},
          {"day_type", r.day_type == DayType::working ? "working" : "calendar"},
          {"end_rule", r.end_rule == EndRule::next_working_day ? "next_working_day" : "keep"},
          {"citation", r.citation}};
}

std::vector<Label> labels(const json& j, const std::string& path) {
  if (!j.is_array()) bad(path, "expected an array of {code, label}");
  std::vector<Label> v;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (!j[i].is_object()) bad(p, "expected {code, label}");
    for (auto it = j[i].begin(); it != j[i].end(); ++it)
      if (it.key() != "code" && it.key() != "label") bad(p + "." + it.key(), "unknown field");
    Label l{str(need(j[i], "code", p), p + ".code"), str(need(j[i], "label", p), p + ".label")};
    for (const auto& x : v)
      if (x.code == l.code) bad(p + ".code", "duplicate code '" + l.code + "'");
    v.push_back(std::move(l));
  }
  return v;
}

std::vector<std::string> strings(const json& j, const std::string& path) {
  if (!j.is_array()) bad(path, "expected an array of strings");
  std::vector<std::string> v;
  for (std::size_t i = 0; i < j.size(); ++i) v.push_back(str(j[i], path + "[" + std::to_string(i) + "]"));
  return v;
}

// Strings without repeats (level lists).
std::vector<std::string> unique_strings(const json& j, const std::string& path) {
  std::vector<std::string> v = strings(j, path);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) != v.begin() + static_cast<std::ptrdiff_t>(i))
      bad(path + "[" + std::to_string(i) + "]", "duplicate '" + v[i] + "'");
  return v;
}

void only(const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  detail::profile_only(j, path, allowed);
}

std::vector<std::string> level_list(const json& j, const std::string& path, const Profile& p) {
  std::vector<std::string> v = strings(j, path);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), v[i]) == p.levels.end())
      bad(path + "[" + std::to_string(i) + "]", "level '" + v[i] + "' is not in $.levels");
    if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) != v.begin() + static_cast<std::ptrdiff_t>(i))
      bad(path + "[" + std::to_string(i) + "]", "duplicate level '" + v[i] + "'");
  }
  return v;
}

template <class E>
E enum_at(const json& j, const std::string& path) {
  try {
    return parse_enum<E>(str(j, path));
  } catch (const Error& e) {
    bad(path, e.what());
  }
}

const std::vector<std::string>& report_period_names() {
  static const std::vector<std::string> v = {"month", "quarter", "first_quarter", "six_months", "nine_months", "year"};
  return v;
}

CommuneDialogueRule commune_dialogue(const json& j, const Profile& p) {
  const std::string path = "$.commune_dialogue";
  only(j, path, {"levels", "formats", "co_chair_required", "citation"});
  CommuneDialogueRule r;
  if (j.contains("levels")) r.levels = level_list(j["levels"], path + ".levels", p);
  if (j.contains("formats")) {
    const json& f = j["formats"];
    if (!f.is_array()) bad(path + ".formats", "expected an array of formats");
    for (std::size_t i = 0; i < f.size(); ++i) {
      const auto x = enum_at<ConferenceFormat>(f[i], path + ".formats[" + std::to_string(i) + "]");
      if (std::find(r.formats.begin(), r.formats.end(), x) != r.formats.end())
        bad(path + ".formats[" + std::to_string(i) + "]", "duplicate format");
      r.formats.push_back(x);
    }
  }
  if (j.contains("co_chair_required") && !j["co_chair_required"].is_null())
    r.co_chair_required = enum_at<Role>(j["co_chair_required"], path + ".co_chair_required");
  r.citation = str(need(j, "citation", path), path + ".citation");
  return r;
}

std::vector<ReceptionRule> reception(const json& j, const Profile& p) {
  if (!j.is_array()) bad("$.reception", "expected an array of rules");
  std::vector<ReceptionRule> v;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string path = "$.reception[" + std::to_string(i) + "]";
    only(j[i], path, {"role", "levels", "min_days_per_month", "enabled", "citation"});
    ReceptionRule r;
    r.role = enum_at<Role>(need(j[i], "role", path), path + ".role");
    if (r.role != Role::party_head && r.role != Role::government_head && r.role != Role::agency_head)
      bad(path + ".role", "expected \"party_head\", \"government_head\" or \"agency_head\"");
    if (j[i].contains("levels")) r.levels = level_list(j[i]["levels"], path + ".levels", p);
    r.min_days_per_month = int_in(need(j[i], "min_days_per_month", path), path + ".min_days_per_month", 1, 31);
    if (j[i].contains("enabled")) {
      if (!j[i]["enabled"].is_boolean()) bad(path + ".enabled", "expected true or false");
      r.enabled = j[i]["enabled"].get<bool>();
    }
    r.citation = str(need(j[i], "citation", path), path + ".citation");
    v.push_back(std::move(r));
  }
  return v;
}

ReportingRule reporting(const json& j, const Profile& p) {
  const std::string path = "$.reporting";
  only(j, path, {"periods", "recipients", "citation"});
  ReportingRule r;
  r.periods = strings(need(j, "periods", path), path + ".periods");
  if (r.periods.empty()) bad(path + ".periods", "expected at least one period");
  const auto& names = report_period_names();
  for (std::size_t i = 0; i < r.periods.size(); ++i) {
    const std::string pp = path + ".periods[" + std::to_string(i) + "]";
    if (std::find(names.begin(), names.end(), r.periods[i]) == names.end())
      bad(pp, "expected one of month, quarter, first_quarter, six_months, nine_months, year");
    if (std::find(r.periods.begin(), r.periods.begin() + static_cast<std::ptrdiff_t>(i), r.periods[i]) !=
        r.periods.begin() + static_cast<std::ptrdiff_t>(i))
      bad(pp, "duplicate period");
  }
  if (j.contains("recipients")) {
    const json& rc = j["recipients"];
    if (!rc.is_object()) bad(path + ".recipients", "expected an object {level: [recipient, ...]}");
    for (auto it = rc.begin(); it != rc.end(); ++it)
      if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), it.key()) == p.levels.end())
        bad(path + ".recipients." + it.key(), "level '" + it.key() + "' is not in $.levels");
    // In the order of $.levels (then any others, when the profile names no levels).
    std::vector<std::string> order = p.levels;
    for (auto it = rc.begin(); it != rc.end(); ++it)
      if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
    for (const auto& l : order) {
      auto it = rc.find(l);
      if (it == rc.end()) continue;
      const std::string lp = path + ".recipients." + l;
      std::vector<std::string> who = strings(*it, lp);
      if (who.empty()) bad(lp, "expected at least one recipient");
      r.recipients.emplace_back(l, std::move(who));
    }
  }
  r.citation = str(need(j, "citation", path), path + ".citation");
  return r;
}

// ---- R12 extension caps (issue 15): "extension_limits" ----
std::vector<ExtensionLimit> extension_limits(const json& j, const Profile& p) {
  if (!j.is_array()) bad("$.extension_limits", "expected an array of limits");
  std::vector<ExtensionLimit> v;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string path = "$.extension_limits[" + std::to_string(i) + "]";
    only(j[i], path, {"topics", "max_count", "max_days", "day_type", "citation"});
    ExtensionLimit l;
    if (j[i].contains("topics")) {
      l.topics = unique_strings(j[i]["topics"], path + ".topics");
      for (std::size_t t = 0; t < l.topics.size(); ++t)
        if (!p.topics.empty() && !p.has_topic(l.topics[t]))
          bad(path + ".topics[" + std::to_string(t) + "]", "topic '" + l.topics[t] + "' is not in $.topics");
    }
    if (j[i].contains("max_count")) l.max_count = int_in(j[i]["max_count"], path + ".max_count", 0, 100);
    if (j[i].contains("max_days")) l.max_days = int_in(j[i]["max_days"], path + ".max_days", 1, 3660);
    if (!l.max_count && !l.max_days) bad(path, "expected max_count, max_days or both");
    if (j[i].contains("day_type")) {
      if (!l.max_days) bad(path + ".day_type", "only with max_days");
      const std::string t = str(j[i]["day_type"], path + ".day_type");
      if (t == "calendar") l.day_type = DayType::calendar;
      else if (t == "working") l.day_type = DayType::working;
      else bad(path + ".day_type", "expected \"calendar\" or \"working\"");
    }
    l.citation = str(need(j[i], "citation", path), path + ".citation");
    v.push_back(std::move(l));
  }
  return v;
}

// ---- Review before publication (R13, R14; issue 15): "reply_review" ----
ReplyReviewRule reply_review(const json& j) {
  const std::string path = "$.reply_review";
  only(j, path, {"reviewer", "citation"});
  ReplyReviewRule r;
  const std::string who = str(need(j, "reviewer", path), path + ".reviewer");
  if (who == "office") r.reviewer = Role::office;
  else if (who == "front") r.reviewer = Role::front_chair;
  else bad(path + ".reviewer", "expected \"office\" or \"front\"");
  r.citation = str(need(j, "citation", path), path + ".citation");
  return r;
}
// ---- end review before publication ----

// ---- Evidence attachments (issue 14): "attachments" ----
AttachmentRule attachment_rule(const json& j) {
  const std::string path = "$.attachments";
  only(j, path, {"max_bytes", "max_count", "media_types"});
  AttachmentRule r;
  if (j.contains("max_bytes")) {
    const json& m = j["max_bytes"];
    if (!m.is_number_integer() || (!m.is_number_unsigned() && m.get<std::int64_t>() < 1) ||
        m.get<std::uint64_t>() < 1 || m.get<std::uint64_t>() > (1ull << 32))
      bad(path + ".max_bytes", "expected an integer in 1..4294967296");
    r.max_bytes = m.get<std::uint64_t>();
  }
  if (j.contains("max_count")) r.max_count = static_cast<std::uint32_t>(int_in(j["max_count"], path + ".max_count", 0, 1000));
  if (j.contains("media_types")) {
    r.media_types = unique_strings(j["media_types"], path + ".media_types");
    for (std::size_t i = 0; i < r.media_types.size(); ++i) {
      const std::string& t = r.media_types[i];
      const auto slash = t.find('/');
      bool ok = slash != std::string::npos && slash > 0 && slash + 1 < t.size() && t.size() <= 255;
      for (char c : t)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '+' || c == '-');
      if (!ok) bad(path + ".media_types[" + std::to_string(i) + "]", "expected a lower-case media type such as \"image/jpeg\"");
    }
  }
  return r;
}
// ---- end evidence attachments ----

// ---- Anonymous opinions (R04, R10; issue 14): "anonymous" ----
AnonymousRule anonymous_rule(const json& j) {
  const std::string path = "$.anonymous";
  if (!j.is_object()) bad(path, "expected an object");
  only(j, path, {"channels", "delivery", "citation"});
  AnonymousRule r;
  const json& ch = need(j, "channels", path);
  if (!ch.is_array()) bad(path + ".channels", "expected an array of channel names");
  for (std::size_t i = 0; i < ch.size(); ++i) {
    const std::string at = path + ".channels[" + std::to_string(i) + "]";
    const Channel c = enum_at<Channel>(ch[i], at);
    if (c == Channel::escalation) bad(at, "escalation opinions have no raiser of their own");
    if (std::find(r.channels.begin(), r.channels.end(), c) != r.channels.end()) bad(at, "listed twice");
    r.channels.push_back(c);
  }
  const std::string d = str(need(j, "delivery", path), path + ".delivery");
  if (d == "posted") r.delivery = AnonymousDelivery::posted;
  else if (d == "not_required") r.delivery = AnonymousDelivery::not_required;
  else bad(path + ".delivery", "expected \"posted\" or \"not_required\"");
  r.citation = str(need(j, "citation", path), path + ".citation");
  return r;
}
// ---- end anonymous opinions ----

json extension_limits_json(const std::vector<ExtensionLimit>& v) {
  json a = json::array();
  for (const auto& l : v) {
    json x = {{"topics", l.topics}, {"citation", l.citation}};
    if (l.max_count) x["max_count"] = *l.max_count;
    if (l.max_days) {
      x["max_days"] = *l.max_days;
      x["day_type"] = l.day_type == DayType::working ? "working" : "calendar";
    }
    a.push_back(std::move(x));
  }
  return a;
}
// ---- end R12 extension caps ----

}  // namespace

bool AttachmentRule::allows(std::string_view media_type) const {
  return std::find(media_types.begin(), media_types.end(), media_type) != media_types.end();
}

bool AnonymousRule::allows(Channel c) const {
  return std::find(channels.begin(), channels.end(), c) != channels.end();
}
bool ExtensionLimit::applies_to(std::string_view topic) const {
  return topics.empty() || std::find(topics.begin(), topics.end(), topic) != topics.end();
}

bool Profile::has_topic(std::string_view code) const {
  return topics.empty() ||
         std::any_of(topics.begin(), topics.end(), [&](const Label& l) { return l.code == code; });
}
bool Profile::has_audience(std::string_view code) const {
  return audiences.empty() ||
         std::any_of(audiences.begin(), audiences.end(), [&](const Label& l) { return l.code == code; });
}
bool Profile::supervised_by(Supervisor s) const {
  return std::find(supervisors.begin(), supervisors.end(), s) != supervisors.end();
}
bool Profile::requires_recipient(Recipient r) const {
  return std::find(reply_recipients.begin(), reply_recipients.end(), r) != reply_recipients.end();
}
const CommuneDialogueRule* Profile::commune_dialogue_for(std::string_view level) const {
  if (!commune_dialogue) return nullptr;
  const auto& lv = commune_dialogue->levels;
  return lv.empty() || std::find(lv.begin(), lv.end(), level) != lv.end() ? &*commune_dialogue : nullptr;
}

Profile load_profile(const json& j) {
  if (!j.is_object()) bad("$", "a profile must be a JSON object");
  check_json_depth(j, "profile $");
  // Every field is known: a misspelt one would otherwise be ignored in silence.
  only(j, "$", {"name", "title", "citation", "zone_offset_minutes", "calendar", "calendar_arrangements",
                "deadlines", "reply_recipients", "supervisors", "levels", "public_notice_levels", "topics",
                "audiences", "compliance", "triggers", "commune_dialogue", "reception", "reporting",
                "templates", "extension_limits", "reply_review", "satisfaction", "attachments", "outbox", "anonymous"});
  Profile p;
  p.name = str(need(j, "name", "$"), "$.name");
  p.title = j.contains("title") ? str(j["title"], "$.title") : p.name;
  p.citation = str(need(j, "citation", "$"), "$.citation");
  if (j.contains("zone_offset_minutes")) {
    p.zone_offset_minutes = int_in(j["zone_offset_minutes"], "$.zone_offset_minutes", -14 * 60, 14 * 60);
  }
  if (j.contains("calendar")) {
    p.calendar = str(j["calendar"], "$.calendar");
    if (p.calendar != "weekend" && p.calendar != "vietnam")
      bad("$.calendar", "expected \"weekend\" or \"vietnam\"");
  }
  const json& d = need(j, "deadlines", "$");
  if (!d.is_object()) bad("$.deadlines", "expected an object");
  auto& D = p.deadlines;
  const std::pair<const char*, DeadlineRule*> rules[] = {
      {"conclusion_notice", &D.conclusion_notice}, {"reply", &D.reply},
      {"public_notice", &D.public_notice}, {"publication", &D.publication},
      {"reopen", &D.reopen}, {"complaint", &D.complaint},
      {"complaint_complex", &D.complaint_complex}, {"complaint_remote", &D.complaint_remote},
      {"complaint_remote_complex", &D.complaint_remote_complex},
      {"denunciation", &D.denunciation}};
  for (auto it = d.begin(); it != d.end(); ++it) {
    bool known = false;
    for (const auto& r : rules) known = known || it.key() == r.first;
    if (!known) bad("$.deadlines." + it.key(), "unknown deadline");
  }
  for (const auto& r : rules) *r.second = rule(need(d, r.first, "$.deadlines"), std::string("$.deadlines.") + r.first);

  const json& rr = need(j, "reply_recipients", "$");
  if (!rr.is_array() || rr.empty()) bad("$.reply_recipients", "expected a non-empty array");
  for (std::size_t i = 0; i < rr.size(); ++i) {
    const std::string path = "$.reply_recipients[" + std::to_string(i) + "]";
    Recipient r;
    try {
      r = parse_enum<Recipient>(str(rr[i], path));
    } catch (const Error& e) {
      bad(path, e.what());
    }
    if (p.requires_recipient(r)) bad(path, "duplicate recipient");
    p.reply_recipients.push_back(r);
  }
  const json& sv = need(j, "supervisors", "$");
  if (!sv.is_array() || sv.empty()) bad("$.supervisors", "expected a non-empty array");
  for (std::size_t i = 0; i < sv.size(); ++i) {
    const std::string path = "$.supervisors[" + std::to_string(i) + "]";
    try {
      const auto x = parse_enum<Supervisor>(str(sv[i], path));
      if (p.supervised_by(x)) bad(path, "duplicate supervisor");
      p.supervisors.push_back(x);
    } catch (const Error& e) {
      if (std::string_view(e.what()).rfind("profile ", 0) == 0) throw;
      bad(path, e.what());
    }
  }
  if (!p.supervised_by(Supervisor::front)) bad("$.supervisors", "the front always supervises (R14)");
  if (j.contains("calendar_arrangements")) {
    if (!j["calendar_arrangements"].is_object())
      bad("$.calendar_arrangements", "expected an arrangement document (docs/calendar.md)");
    try {
      (void)VietnamCalendar::from_json(j["calendar_arrangements"]);
    } catch (const Error& e) {
      bad("$.calendar_arrangements", e.what());
    }
  }
  if (j.contains("levels")) {
    p.levels = unique_strings(j["levels"], "$.levels");
    if (p.levels.empty()) bad("$.levels", "expected at least one level (leave the field out for any level)");
  }
  if (j.contains("public_notice_levels"))
    p.public_notice_levels = unique_strings(j["public_notice_levels"], "$.public_notice_levels");
  for (const auto& l : p.public_notice_levels)
    if (!p.levels.empty() && std::find(p.levels.begin(), p.levels.end(), l) == p.levels.end())
      bad("$.public_notice_levels", "level '" + l + "' is not in $.levels");
  if (j.contains("topics")) p.topics = labels(j["topics"], "$.topics");
  if (j.contains("audiences")) p.audiences = labels(j["audiences"], "$.audiences");
  if (j.contains("commune_dialogue")) p.commune_dialogue = commune_dialogue(j["commune_dialogue"], p);
  if (j.contains("reception")) p.reception = reception(j["reception"], p);
  if (j.contains("reporting")) p.reporting = reporting(j["reporting"], p);
  if (j.contains("extension_limits")) p.extension_limits = extension_limits(j["extension_limits"], p);  // R12 caps
  if (j.contains("reply_review")) p.reply_review = reply_review(j["reply_review"]);  // R13, R14 review
  if (j.contains("attachments")) p.attachments = attachment_rule(j["attachments"]);  // issue 14 evidence
  if (j.contains("outbox")) detail::check_outbox_section(j["outbox"]);  // issue 15: read from source
  if (j.contains("anonymous")) p.anonymous = anonymous_rule(j["anonymous"]);  // R04, R10 anonymous opinions
  p.source = j;
  // The sections the views read later, validated now (a bad one would fail only in a report).
  (void)detail::compliance_rules(p);
  (void)detail::trigger_rules(p);
  (void)detail::satisfaction_rules(p);  // issue 14: the rating window
  (void)profile_templates(p);  // reply templates (templates.h): placeholders checked now
  return p;
}

namespace {
// Reply templates (templates.h) kept beside a profile file, as the built-in ones are:
// <dir>/templates/<stem>.json is the "templates" section of <dir>/<stem>.json when the
// document has none of its own.
void with_sibling_templates(json& j, const std::string& path) {
  if (!j.is_object() || j.contains("templates")) return;
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  std::string stem = slash == std::string::npos ? path : path.substr(slash + 1);
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
  const std::string tpath = dir + "templates/" + stem + ".json";
  std::ifstream in(tpath, std::ios::binary);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    j["templates"] = parse_json(ss.str());
  } catch (const Error& e) {
    throw Error(ErrorCode::invalid_argument, "profile templates " + tpath + ": " + e.what());
  }
}
}  // namespace

Profile load_profile_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::not_found, "cannot open profile file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = parse_json(ss.str());
  } catch (const Error& e) {
    throw Error(ErrorCode::invalid_argument, "profile " + path + ": " + e.what());
  }
  with_sibling_templates(j, path);
  return load_profile(j);
}

std::vector<std::string> builtin_profile_names() {
  std::vector<std::string> v;
  for (const auto& [name, text] : detail::builtin_profile_texts()) v.emplace_back(name);
  return v;
}

Profile builtin_profile(std::string_view name) {
  for (const auto& [n, text] : detail::builtin_profile_texts())
    if (n == name) {
      json j = parse_json(text);
      // Reply templates ship beside the profile (profiles/templates/<name>.json).
      for (const auto& [tn, tt] : detail::builtin_template_texts())
        if (tn == name && !j.contains("templates")) j["templates"] = parse_json(tt);
      return load_profile(j);
    }
  throw Error(ErrorCode::not_found, "no built-in profile named '" + std::string(name) + "'");
}

json profile_to_json(const Profile& p) {
  json j = p.source.is_object() ? p.source : json::object();
  j["name"] = p.name;
  j["title"] = p.title;
  j["citation"] = p.citation;
  j["zone_offset_minutes"] = p.zone_offset_minutes;
  j["calendar"] = p.calendar;
  const auto& D = p.deadlines;
  j["deadlines"] = {{"conclusion_notice", rule_json(D.conclusion_notice)},
                    {"reply", rule_json(D.reply)},
                    {"public_notice", rule_json(D.public_notice)},
                    {"publication", rule_json(D.publication)},
                    {"reopen", rule_json(D.reopen)},
                    {"complaint", rule_json(D.complaint)},
                    {"complaint_complex", rule_json(D.complaint_complex)},
                    {"complaint_remote", rule_json(D.complaint_remote)},
                    {"complaint_remote_complex", rule_json(D.complaint_remote_complex)},
                    {"denunciation", rule_json(D.denunciation)}};
  json rr = json::array();
  for (auto r : p.reply_recipients) rr.push_back(std::string(to_string(r)));
  j["reply_recipients"] = rr;
  json sv = json::array();
  for (auto s : p.supervisors) sv.push_back(std::string(to_string(s)));
  j["supervisors"] = sv;
  if (p.levels.empty()) j.erase("levels");  // any level
  else j["levels"] = p.levels;
  j["public_notice_levels"] = p.public_notice_levels;
  json t = json::array();
  for (const auto& l : p.topics) t.push_back({{"code", l.code}, {"label", l.label}});
  j["topics"] = t;
  json a = json::array();
  for (const auto& l : p.audiences) a.push_back({{"code", l.code}, {"label", l.label}});
  j["audiences"] = a;
  // The art. 43, reception and reporting sections from the typed fields (a profile built in
  // code carries them too); absent ones are left out.
  j.erase("commune_dialogue");
  if (p.commune_dialogue) {
    const auto& c = *p.commune_dialogue;
    json f = json::array();
    for (auto x : c.formats) f.push_back(std::string(to_string(x)));
    j["commune_dialogue"] = {{"levels", c.levels}, {"formats", f}, {"citation", c.citation}};
    if (c.co_chair_required) j["commune_dialogue"]["co_chair_required"] = std::string(to_string(*c.co_chair_required));
  }
  j.erase("reception");
  if (!p.reception.empty()) {
    json rv = json::array();
    for (const auto& r : p.reception)
      rv.push_back({{"role", std::string(to_string(r.role))}, {"levels", r.levels},
                    {"min_days_per_month", r.min_days_per_month}, {"enabled", r.enabled},
                    {"citation", r.citation}});
    j["reception"] = rv;
  }
  j.erase("reporting");
  if (p.reporting) {
    json rc = json::object();
    for (const auto& [level, who] : p.reporting->recipients) rc[level] = who;
    j["reporting"] = {{"periods", p.reporting->periods}, {"recipients", rc}, {"citation", p.reporting->citation}};
  }
  // R12 extension caps (issue 15)
  j.erase("extension_limits");
  if (!p.extension_limits.empty()) j["extension_limits"] = extension_limits_json(p.extension_limits);
  // R13, R14 review before publication (issue 15)
  j.erase("reply_review");
  if (p.reply_review)
    j["reply_review"] = {{"reviewer", p.reply_review->reviewer == Role::front_chair ? "front" : "office"},
                         {"citation", p.reply_review->citation}};
  // Evidence attachments (issue 14): written when given or not the defaults.
  {
    const AttachmentRule d;
    const bool given = j.contains("attachments");
    j.erase("attachments");
    if (given || p.attachments.max_bytes != d.max_bytes || p.attachments.max_count != d.max_count ||
        p.attachments.media_types != d.media_types)
      j["attachments"] = {{"max_bytes", p.attachments.max_bytes}, {"max_count", p.attachments.max_count},
                          {"media_types", p.attachments.media_types}};
  }
  // R04, R10 anonymous opinions (issue 14)
  j.erase("anonymous");
  if (p.anonymous) {
    json ch = json::array();
    for (Channel c : p.anonymous->channels) ch.push_back(std::string(to_string(c)));
    j["anonymous"] = {{"channels", ch},
                      {"delivery", p.anonymous->delivery == AnonymousDelivery::posted ? "posted" : "not_required"},
                      {"citation", p.anonymous->citation}};
  }
  return j;
}

}  // namespace doithoai
