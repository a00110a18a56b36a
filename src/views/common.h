// Internal helpers shared by the views: labels, fast date formatting, subtree masks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "doithoai/profile.h"
#include "doithoai/views.h"
#include "../state_access.h"
#include "../state_impl.h"

namespace doithoai::detail {

// "2022-09-30" written into buf (10 chars) from a day number; no allocation.
inline void put_iso_day(std::int32_t day, char* buf) {
  // Civil-from-days (Howard Hinnant), day 0 = 1970-01-01.
  std::int64_t z = static_cast<std::int64_t>(day) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  const auto yy = static_cast<unsigned>(y);
  buf[0] = static_cast<char>('0' + yy / 1000 % 10);
  buf[1] = static_cast<char>('0' + yy / 100 % 10);
  buf[2] = static_cast<char>('0' + yy / 10 % 10);
  buf[3] = static_cast<char>('0' + yy % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
}

inline std::string iso_day(std::int32_t day) {
  if (day == kNoDay) return {};
  char b[10];
  put_iso_day(day, b);
  return std::string(b, 10);
}

inline std::string label_of(const std::vector<Label>& labels, const std::string& code) {
  for (const auto& l : labels)
    if (l.code == code) return l.label;
  return code;
}

std::string level_label(std::string_view level, std::string_view lang = "vi");
std::string kind_label(ConferenceKind k, std::string_view lang = "vi");
std::string channel_label(Channel c);
std::string status_label(ItemStatus s, std::string_view lang = "vi");

// The date a State is "at": the local date of its last event (or 1970-01-01 when empty).
Date state_date(const StateImpl& s, const Profile& p);

// True when item id is resolved as of day d (status resolved and resolved_on <= d).
inline bool resolved_as_of(const StateImpl& s, std::uint32_t eff, std::int32_t d) {
  const ItemRec& r = s.items[eff];
  return is_resolved(r.status) && (r.resolved_on == kNoDay || r.resolved_on <= d);
}

// The State exports (views.h) with one difference: with absent_item_empty, an ExportOptions::item
// the state does not hold gives an empty export instead of not_found. The Engine overloads
// (as_of.cpp) use it on the state of a past day, once the id is known to the live state: an
// item created after that day was not there yet, as an item raised after as_of is left out.
nlohmann::json export_items_json(const State& state, const Profile& profile, const ExportOptions& o,
                                 bool absent_item_empty);
std::size_t export_items_csv(const State& state, const Profile& profile, const ExportOptions& o,
                             const std::function<void(std::string_view)>& sink, bool absent_item_empty);
nlohmann::json export_open311(const State& state, const Profile& profile, const ExportOptions& o,
                              bool absent_item_empty);
std::string export_ical(const State& state, const Profile& profile, AgencyId agency, const ExportOptions& o,
                        bool absent_item_empty);

}  // namespace doithoai::detail
