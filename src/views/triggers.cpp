// R18: candidates for an unscheduled conference, each with its reason.
#include <algorithm>
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
    if (r.matter_min_items && it.raised_on >= d - *r.matter_window_days && mask[it.raised_in.value])
      matter[{it.raised_in.value, it.topic}].push_back(ItemId(static_cast<std::uint32_t>(i)));
  }
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
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.items.size() > b.items.size(); });
  return out;
}

}  // namespace doithoai
