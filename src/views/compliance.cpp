// R17: which units missed the dialogues their profile requires in a period.
#include <algorithm>
#include <map>
#include <tuple>

#include "common.h"
#include "doithoai/error.h"
#include "doithoai/views.h"
#include "profile_sections.h"

namespace doithoai {
using namespace detail;

std::string_view to_string(Requirement r) {
  switch (r) {
    case Requirement::periodic_yearly: return "periodic_yearly";
    case Requirement::before_council_session: return "before_council_session";
    case Requirement::voter_request: return "voter_request";
    case Requirement::reception_days: return "reception_days";
  }
  return "";
}

namespace {

bool level_in(const std::vector<std::string>& levels, const std::string& l) {
  return levels.empty() || std::find(levels.begin(), levels.end(), l) != levels.end();
}

// Unit -> its held conferences (own dialogues of its heads, not departments'), by day.
struct HeldIndex {
  std::vector<std::vector<std::pair<std::int32_t, std::uint32_t>>> by_unit;
  HeldIndex(const StateImpl& s) : by_unit(s.units.size()) {
    for (std::size_t i = 1; i < s.conferences.size(); ++i) {
      const auto& c = s.conferences[i].value;
      if (!c.held_on || c.department) continue;
      by_unit[c.unit.value].push_back({day_of(*c.held_on), static_cast<std::uint32_t>(i)});
    }
    for (auto& v : by_unit) std::sort(v.begin(), v.end());
  }
  // Conferences of unit u held in [a, b] and accepted by ok(conference id).
  template <class Ok>
  std::vector<std::uint32_t> in(UnitId u, std::int32_t a, std::int32_t b, Ok ok) const {
    std::vector<std::uint32_t> out;
    const auto& v = by_unit[u.value];
    for (auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(a, 0u)); it != v.end() && it->first <= b; ++it)
      if (ok(it->second)) out.push_back(it->second);
    return out;
  }
};

}  // namespace

ComplianceReport compliance(const State& state, const Profile& profile, UnitId root, const Period& period, Date as_of) {
  const StateImpl& s = detail::StateAccess::impl(state);
  if (root && !s.has_unit(root)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(root.value));
  require_answers_for(s, as_of, "as_of");
  const ComplianceRules rules = compliance_rules(profile);
  ComplianceReport rep;
  rep.unit = root;
  rep.period = period;
  rep.as_of = as_of;
  const std::vector<char> mask = s.subtree_mask(root);
  const HeldIndex held(s);
  const std::int32_t asof = day_of(as_of);

  auto file = [&](ComplianceCase c, const std::vector<std::uint32_t>& found, std::size_t need) {
    const Unit& u = s.units[c.unit.value].value;
    c.unit_name = u.name;
    c.level = u.level;
    if (found.size() >= need) {
      c.met_by = ConferenceId(found[need - 1]);
      rep.met.push_back(std::move(c));
    } else if (c.window_to >= as_of) {
      rep.pending.push_back(std::move(c));
    } else {
      rep.missed.push_back(std::move(c));
    }
  };

  if (rules.periodic_yearly) {
    const PeriodicRule& r = *rules.periodic_yearly;
    for (int y = period.from.year(); y <= period.to.year(); ++y) {
      const Date jan1(y, 1, 1), dec31(y, 12, 31);
      for (std::size_t i = 1; i < s.units.size(); ++i) {
        const Unit& u = s.units[i].value;
        if (!mask[i] || !level_in(r.levels, u.level)) continue;
        if (u.created_on > dec31 || (u.ended_on && *u.ended_on <= dec31)) continue;
        ComplianceCase c;
        c.unit = u.id;
        c.requirement = Requirement::periodic_yearly;
        c.window_from = std::max(jan1, u.created_on);
        c.window_to = dec31;
        c.reference = std::to_string(y);
        c.citation = r.citation;
        const auto found = held.in(u.id, day_of(c.window_from), std::min(day_of(dec31), asof), [&](std::uint32_t k) {
          return std::find(r.kinds.begin(), r.kinds.end(), s.conferences[k].value.kind) != r.kinds.end();
        });
        file(std::move(c), found, static_cast<std::size_t>(r.min_per_year));
      }
    }
  }

  if (rules.before_council_session) {
    const CouncilRule& r = *rules.before_council_session;
    std::vector<CouncilSessionRec> sessions = s.view.council_sessions;
    std::sort(sessions.begin(), sessions.end(),
              [](const auto& a, const auto& b) { return a.unit < b.unit || (a.unit == b.unit && a.day < b.day); });
    for (std::size_t k = 0; k < sessions.size(); ++k) {
      const CouncilSessionRec& x = sessions[k];
      if (x.day < day_of(period.from) || x.day > day_of(period.to)) continue;
      std::int32_t from = x.day - r.lookback_days;
      if (k > 0 && sessions[k - 1].unit == x.unit) from = std::max(from, sessions[k - 1].day + 1);
      for (UnitId w : s.units[x.unit.value].children) {
        const Unit& u = s.units[w.value].value;
        if (!mask[w.value] || !level_in(r.levels, u.level)) continue;
        if (u.status != UnitStatus::active && u.ended_on && day_of(*u.ended_on) <= x.day) continue;
        if (day_of(u.created_on) > x.day) continue;
        ComplianceCase c;
        c.unit = w;
        c.requirement = Requirement::before_council_session;
        c.window_from = date_of(from);
        c.window_to = date_of(x.day);
        c.reference = "Kỳ họp HĐND " + s.units[x.unit.value].value.name + " ngày " + iso_day(x.day) +
                      (x.reference.empty() ? "" : " (" + x.reference + ")");
        c.citation = r.citation;
        file(std::move(c), held.in(w, from, std::min(x.day, asof), [](std::uint32_t) { return true; }), 1);
      }
    }
  }

  if (rules.voter_request) {
    const VoterRule& r = *rules.voter_request;
    for (const auto& x : s.view.voter_requests) {
      if (x.day < day_of(period.from) || x.day > day_of(period.to) || !mask[x.unit.value]) continue;
      const Unit& u = s.units[x.unit.value].value;
      if (!level_in(r.levels, u.level)) continue;
      // Integer arithmetic: requesters / voters >= threshold%.
      if (static_cast<std::uint64_t>(x.requesters) * 100 < static_cast<std::uint64_t>(r.threshold_percent) * x.voters)
        continue;
      ComplianceCase c;
      c.unit = x.unit;
      c.requirement = Requirement::voter_request;
      c.window_from = date_of(x.day);
      c.window_to = date_of(x.day + r.within_days);
      c.reference = std::to_string(x.requesters) + "/" + std::to_string(x.voters) + " cử tri đề nghị ngày " +
                    iso_day(x.day) + (x.reference.empty() ? "" : " (" + x.reference + ")");
      c.citation = r.citation;
      file(std::move(c), held.in(x.unit, x.day, std::min(x.day + r.within_days, asof), [](std::uint32_t) { return true; }), 1);
    }
  }
  // Citizen reception days (Regulation 11-QĐi/TW as amended by Conclusion 215-KL/TW; Citizen
  // Reception Law 2013 art. 18): distinct days recorded per unit (agency) and role, per month.
  if (!profile.reception.empty()) {
    std::map<std::tuple<std::uint32_t, std::uint8_t, std::uint32_t>, std::vector<std::int32_t>> days;
    for (const auto& x : s.view.receptions)
      days[{x.unit.value, static_cast<std::uint8_t>(x.role), x.agency.value}].push_back(x.day);
    for (auto& [k, v] : days) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    }
    auto count = [&](UnitId u, Role role, AgencyId a, std::int32_t from, std::int32_t to) {
      auto it = days.find({u.value, static_cast<std::uint8_t>(role), a.value});
      if (it == days.end() || to < from) return std::uint32_t(0);
      return static_cast<std::uint32_t>(std::upper_bound(it->second.begin(), it->second.end(), to) -
                                        std::lower_bound(it->second.begin(), it->second.end(), from));
    };
    for (const ReceptionRule& r : profile.reception) {
      if (!r.enabled) continue;
      for (Date m(period.from.year(), period.from.month(), 1); m <= period.to && m <= as_of;
           m = m + boost::gregorian::months(1)) {
        const Date end = m.end_of_month();
        auto one = [&](const Unit& u, AgencyId a, const std::string& agency_name) {
          if (u.created_on > end || (u.ended_on && *u.ended_on <= end)) return;
          ComplianceCase c;
          c.unit = u.id;
          c.unit_name = u.name;
          c.level = u.level;
          c.requirement = Requirement::reception_days;
          c.window_from = std::max(m, u.created_on);
          c.window_to = end;
          c.citation = r.citation;
          c.role = r.role;
          c.agency = a;
          c.agency_name = agency_name;
          c.required_days = static_cast<std::uint32_t>(r.min_days_per_month);
          c.days = count(u.id, r.role, a, day_of(c.window_from), std::min(day_of(end), asof));
          const char* who = r.role == Role::party_head        ? "Bí thư cấp ủy"
                            : r.role == Role::government_head ? "Chủ tịch UBND"
                                                              : "Thủ trưởng cơ quan";
          c.reference = std::string(who) + (agency_name.empty() ? "" : " " + agency_name) + " tiếp công dân tháng " +
                        std::to_string(m.month().as_number()) + "/" + std::to_string(m.year()) + ": " +
                        std::to_string(c.days) + "/" + std::to_string(c.required_days) + " ngày";
          if (c.days >= c.required_days)
            rep.met.push_back(std::move(c));
          else if (c.window_to >= as_of)
            rep.pending.push_back(std::move(c));
          else
            rep.missed.push_back(std::move(c));
        };
        if (r.role == Role::agency_head) {
          for (std::size_t i = 1; i < s.agencies.size(); ++i) {
            const Agency& a = s.agencies[i];
            const Unit& u = s.units[a.unit.value].value;
            if (!mask[a.unit.value] || !level_in(r.levels, u.level)) continue;
            one(u, a.id, a.name);
          }
        } else {
          for (std::size_t i = 1; i < s.units.size(); ++i) {
            const Unit& u = s.units[i].value;
            if (!mask[i] || !level_in(r.levels, u.level)) continue;
            one(u, AgencyId(), "");
          }
        }
      }
    }
  }
  return rep;
}

}  // namespace doithoai
