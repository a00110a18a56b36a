// R18: candidates for an unscheduled conference, each with its reason.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common.h"
#include "doithoai/error.h"
#include "doithoai/views.h"
#include "profile_sections.h"

namespace doithoai {
using namespace detail;

std::string_view to_string(TriggerReason r) {
  switch (r) {
    case TriggerReason::overdue: return "overdue";
    case TriggerReason::reopened: return "reopened";
    case TriggerReason::many_on_one_matter: return "many_on_one_matter";
    case TriggerReason::not_satisfied: return "not_satisfied";
  }
  return "";
}

std::vector<TriggerCandidate> unscheduled_triggers(const State& state, const Profile& profile, UnitId root, Date as_of) {
  const StateImpl& s = detail::StateAccess::impl(state);
  if (root && !s.has_unit(root)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(root.value));
  require_answers_for(s, as_of, "as_of");
  const TriggerRules r = trigger_rules(profile);
  const std::vector<char> mask = s.subtree_mask(root);
  const std::int32_t d = day_of(as_of);
  std::map<std::uint32_t, std::vector<ItemId>> overdue, reopened;
  std::map<std::pair<std::uint32_t, std::uint16_t>, std::vector<ItemId>> matter;
  std::map<std::uint16_t, std::vector<std::uint32_t>> placed_matter;  // issue 14: by topic, items with a place
  std::map<std::uint32_t, std::vector<ItemId>> not_satisfied;
  const bool by_place = r.matter_place_radius_m > 0 && !s.places.of_item.empty();
  for (std::size_t i = 1; i < s.items.size(); ++i) {
    const ItemRec& it = s.items[i];
    if (!mask[it.unit.value] || it.raised_on > d) continue;
    const std::uint32_t eff = it.status == ItemStatus::merged ? s.root_of(static_cast<std::uint32_t>(i))
                                                              : static_cast<std::uint32_t>(i);
    const bool resolved = resolved_as_of(s, eff, d);
    if (r.overdue_min_items && !resolved && it.status != ItemStatus::merged) {
      const std::int32_t dl = s.items[eff].deadline;
      if (dl != kNoDay && d - dl >= *r.overdue_min_days) overdue[it.unit.value].push_back(ItemId(static_cast<std::uint32_t>(i)));
    }
    if (r.reopened_min_items && it.reopened && !resolved)
      reopened[it.unit.value].push_back(ItemId(static_cast<std::uint32_t>(i)));
    if (r.matter_min_items && it.raised_on >= d - *r.matter_window_days && mask[it.raised_in.value]) {
      if (by_place && s.places.of_item.count(static_cast<std::uint32_t>(i)))
        placed_matter[it.topic].push_back(static_cast<std::uint32_t>(i));
      else
        matter[{it.raised_in.value, it.topic}].push_back(ItemId(static_cast<std::uint32_t>(i)));
    }
  }
  // Issue 14 (R14): the raiser not satisfied, the front yet to act.
  if (r.not_satisfied_min_items)
    for (const auto& [id, sr] : s.satisfaction)
      if (sr.awaiting_front && sr.on <= d && mask[s.items[id].unit.value])
        not_satisfied[s.items[id].unit.value].push_back(ItemId(id));
  std::vector<TriggerCandidate> out;
  auto add = [&](std::uint32_t unit, TriggerReason why, std::vector<ItemId>& items, std::string topic, std::string detail) {
    TriggerCandidate c;
    c.unit = UnitId(unit);
    c.unit_name = s.units[unit].value.name;
    c.reason = why;
    c.topic = std::move(topic);
    c.items = std::move(items);
    c.detail = std::move(detail);
    out.push_back(std::move(c));
  };
  for (auto& [u, v] : overdue)
    if (v.size() >= static_cast<std::size_t>(*r.overdue_min_items))
      add(u, TriggerReason::overdue, v, "",
          std::to_string(v.size()) + " nội dung quá hạn từ " + std::to_string(*r.overdue_min_days) +
              " ngày trở lên (ngưỡng " + std::to_string(*r.overdue_min_items) + "; " + r.overdue_citation + ")");
  for (auto& [u, v] : reopened)
    if (v.size() >= static_cast<std::size_t>(*r.reopened_min_items))
      add(u, TriggerReason::reopened, v, "",
          std::to_string(v.size()) + " nội dung đã giải quyết nhưng chưa dứt điểm, MTTQ yêu cầu giải quyết lại (ngưỡng " +
              std::to_string(*r.reopened_min_items) + "; " + r.reopened_citation + ")");
  for (auto& [k, v] : matter)
    if (v.size() >= static_cast<std::size_t>(*r.matter_min_items)) {
      const std::string topic = s.topics[k.second];
      add(k.first, TriggerReason::many_on_one_matter, v, topic,
          std::to_string(v.size()) + " nội dung cùng lĩnh vực '" + label_of(profile.topics, topic) + "' trong " +
              std::to_string(*r.matter_window_days) + " ngày (ngưỡng " + std::to_string(*r.matter_min_items) + "; " +
              r.matter_citation + ")");
    }
  // Issue 14: items with a place count together when within place_radius_m of a centre item
  // (any unit of the subtree): the item with most such neighbours first, greedily; an item
  // counts once. Items without a place keep the grouping by unit above.
  for (auto& [topic_id, ids] : placed_matter) {
    if (ids.size() < static_cast<std::size_t>(*r.matter_min_items)) continue;
    const double radius = r.matter_place_radius_m;
    const double cell_lat = radius / 111195.0;  // degrees of latitude per cell
    double max_abs_lat = 0;
    for (std::uint32_t id : ids) max_abs_lat = std::max(max_abs_lat, std::abs(from_e7(s.places.of_item.at(id).lat7)));
    const double cell_lon = cell_lat / std::max(0.01, std::cos(std::min(89.0, max_abs_lat + cell_lat) * 3.14159265358979323846 / 180));
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::size_t>> grid;
    std::vector<std::pair<double, double>> at(ids.size());
    std::vector<std::pair<std::int64_t, std::int64_t>> cell_of(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const PlaceRec& p = s.places.of_item.at(ids[k]);
      at[k] = {from_e7(p.lat7), from_e7(p.lon7)};
      cell_of[k] = {static_cast<std::int64_t>(std::floor(at[k].first / cell_lat)),
                    static_cast<std::int64_t>(std::floor(at[k].second / cell_lon))};
      grid[cell_of[k]].push_back(k);
    }
    auto neighbours = [&](std::size_t k, const std::vector<char>& taken) {
      std::vector<std::size_t> v;
      for (std::int64_t dr = -1; dr <= 1; ++dr)
        for (std::int64_t dc = -1; dc <= 1; ++dc) {
          auto g = grid.find({cell_of[k].first + dr, cell_of[k].second + dc});
          if (g == grid.end()) continue;
          for (std::size_t m : g->second)
            if (!taken[m] && distance_m(at[k].first, at[k].second, at[m].first, at[m].second) <= radius) v.push_back(m);
        }
      std::sort(v.begin(), v.end());
      return v;
    };
    std::vector<char> taken(ids.size(), 0);
    for (;;) {
      std::size_t best = ids.size(), best_n = 0;
      for (std::size_t k = 0; k < ids.size(); ++k) {
        if (taken[k]) continue;
        const std::size_t n = neighbours(k, taken).size();
        if (n > best_n) best = k, best_n = n;
      }
      if (best == ids.size() || best_n < static_cast<std::size_t>(*r.matter_min_items)) break;
      std::vector<ItemId> v;
      for (std::size_t m : neighbours(best, taken)) {
        taken[m] = 1;
        v.push_back(ItemId(ids[m]));
      }
      const std::string topic = s.topics[topic_id];
      const std::size_t n = v.size();
      char centre[64];
      std::snprintf(centre, sizeof centre, "%.5f, %.5f", at[best].first, at[best].second);
      add(s.items[ids[best]].raised_in.value, TriggerReason::many_on_one_matter, v, topic,
          std::to_string(n) + " nội dung cùng lĩnh vực '" + label_of(profile.topics, topic) + "' trong bán kính " +
              std::to_string(r.matter_place_radius_m) + " m quanh (" + centre + ") trong " +
              std::to_string(*r.matter_window_days) + " ngày (ngưỡng " + std::to_string(*r.matter_min_items) + "; " +
              r.matter_citation + ")");
      Place c;
      c.lat = at[best].first;
      c.lon = at[best].second;
      out.back().place = c;
    }
  }
  for (auto& [u, v] : not_satisfied)
    if (v.size() >= static_cast<std::size_t>(*r.not_satisfied_min_items)) {
      std::sort(v.begin(), v.end());
      add(u, TriggerReason::not_satisfied, v, "",
          std::to_string(v.size()) + " nội dung người nêu không hài lòng với văn bản trả lời, chờ MTTQ giám sát (ngưỡng " +
              std::to_string(*r.not_satisfied_min_items) + "; " + r.not_satisfied_citation + ")");
    }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.items.size() > b.items.size(); });
  return out;
}

}  // namespace doithoai
