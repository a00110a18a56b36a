// Issue 14: queries by place (R04, R18) over StateImpl::places, and the satisfaction views
// (R10, R14): an item's rating and the front's supervision list. See doithoai/place.h.
#include "doithoai/place.h"

#include <algorithm>
#include <cmath>

#include "common.h"
#include "doithoai/error.h"

namespace doithoai {
using namespace detail;

namespace {

constexpr double kMetresPerDegree = 6371008.8 * 3.14159265358979323846 / 180.0;

void need_limit(std::size_t limit) {
  if (limit < 1 || limit > 10000) throw Error(ErrorCode::invalid_argument, "limit must be in 1..10000");
}
void need_coord(double v, double lo, double hi, const char* what) {
  if (!std::isfinite(v) || v < lo || v > hi)
    throw Error(ErrorCode::invalid_argument, std::string(what) + " must be a finite number in [" +
                                                 std::to_string(static_cast<int>(lo)) + ", " +
                                                 std::to_string(static_cast<int>(hi)) + "]");
}

struct Scan {
  const StateImpl& s;
  const PlaceFilter& f;
  std::vector<char> mask;
  Scan(const StateImpl& st, const PlaceFilter& fl) : s(st), f(fl) {
    if (f.unit && !s.has_unit(f.unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(f.unit.value));
    if (!f.as_of.is_special()) require_answers_for(s, f.as_of, "as_of");
    need_limit(f.limit);
    if (f.unit) mask = s.subtree_mask(f.unit);
  }
  bool keep(std::uint32_t id) const {
    const ItemRec& r = s.items[id];
    if (f.unit && !mask[r.unit.value]) return false;
    if (f.status && r.status != *f.status) return false;
    return true;
  }
  PlacedItem make(std::uint32_t id, const PlaceRec& p, double dist) const {
    const ItemRec& r = s.items[id];
    PlacedItem out;
    out.item = ItemId(id);
    out.unit = r.unit;
    out.status = r.status;
    out.topic = s.topics[r.topic];
    out.place.lat = from_e7(p.lat7);
    out.place.lon = from_e7(p.lon7);
    out.place.address = std::string(s.text().view(p.address));
    out.distance_m = dist;
    return out;
  }
  // Calls fn(id, place) for each kept item in grid rows [r0, r1] and the column ranges.
  template <class Fn>
  void cells(std::int32_t r0, std::int32_t r1, const std::vector<std::pair<std::int32_t, std::int32_t>>& cols,
             Fn&& fn) const {
    const PlaceIndex& g = s.places;
    std::uint64_t n = 0;
    for (const auto& c : cols) n += static_cast<std::uint64_t>(r1 - r0 + 1) * static_cast<std::uint64_t>(c.second - c.first + 1);
    auto visit = [&](const std::vector<std::uint32_t>& ids) {
      for (std::uint32_t id : ids)
        if (keep(id)) fn(id, g.of_item.at(id));
    };
    if (n > g.grid.size()) {  // a wide area: walk the occupied cells instead
      for (const auto& [cell, ids] : g.grid) {
        const auto row = static_cast<std::int32_t>(cell / PlaceIndex::kCols);
        const auto col = static_cast<std::int32_t>(cell % PlaceIndex::kCols);
        if (row < r0 || row > r1) continue;
        bool in = false;
        for (const auto& c : cols) in = in || (col >= c.first && col <= c.second);
        if (in) visit(ids);
      }
      return;
    }
    for (std::int32_t r = r0; r <= r1; ++r)
      for (const auto& c : cols)
        for (std::int32_t col = c.first; col <= c.second; ++col) {
          auto it = g.grid.find(PlaceIndex::cell(r, col));
          if (it != g.grid.end()) visit(it->second);
        }
  }
};

// Grid column ranges covering longitudes [west, east] (west > east: across the antimeridian).
std::vector<std::pair<std::int32_t, std::int32_t>> col_ranges(double west, double east) {
  auto col = [](double lon) { return PlaceIndex::col_of(to_e7(std::clamp(lon, -180.0, 180.0))); };
  if (west <= east) return {{col(west), col(east)}};
  return {{col(west), col(180.0)}, {col(-180.0), col(east)}};
}

}  // namespace

std::optional<Place> item_place(const State& state, ItemId item) {
  const StateImpl& s = StateAccess::impl(state);
  if (!s.has_item(item)) throw Error(ErrorCode::not_found, "no item with id " + std::to_string(item.value));
  auto it = s.places.of_item.find(item.value);
  if (it == s.places.of_item.end()) return std::nullopt;
  Place p;
  p.lat = from_e7(it->second.lat7);
  p.lon = from_e7(it->second.lon7);
  p.address = std::string(s.text().view(it->second.address));
  return p;
}

std::vector<PlacedItem> items_near(const State& state, double lat, double lon, double radius_m, const PlaceFilter& f) {
  need_coord(lat, -90, 90, "lat");
  need_coord(lon, -180, 180, "long");
  if (!std::isfinite(radius_m) || radius_m <= 0 || radius_m > 1000000)
    throw Error(ErrorCode::invalid_argument, "radius must be a finite number of metres in (0, 1000000]");
  const Scan scan(StateAccess::impl(state), f);
  std::vector<PlacedItem> out;
  if (scan.s.places.of_item.empty()) return out;
  const double dlat = radius_m / kMetresPerDegree;
  const double south = std::max(-90.0, lat - dlat), north = std::min(90.0, lat + dlat);
  const double c = std::min(std::cos(south * 3.14159265358979323846 / 180), std::cos(north * 3.14159265358979323846 / 180));
  std::vector<std::pair<std::int32_t, std::int32_t>> cols;
  if (c <= 1e-9 || dlat / c >= 180) {
    cols = col_ranges(-180, 180);
  } else {
    double west = lon - dlat / c, east = lon + dlat / c;
    if (west < -180) west += 360;
    if (east > 180) east -= 360;
    cols = col_ranges(west, east);
  }
  std::vector<std::pair<double, std::uint32_t>> hits;
  scan.cells(PlaceIndex::row_of(to_e7(south)), PlaceIndex::row_of(to_e7(north)), cols,
             [&](std::uint32_t id, const PlaceRec& p) {
               const double d = distance_m(lat, lon, from_e7(p.lat7), from_e7(p.lon7));
               if (d <= radius_m) hits.emplace_back(d, id);
             });
  const std::size_t n = std::min(f.limit, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end());
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(scan.make(hits[i].second, scan.s.places.of_item.at(hits[i].second), hits[i].first));
  return out;
}

std::vector<PlacedItem> items_in_box(const State& state, double south, double west, double north, double east,
                                     const PlaceFilter& f) {
  need_coord(south, -90, 90, "south");
  need_coord(north, -90, 90, "north");
  need_coord(west, -180, 180, "west");
  need_coord(east, -180, 180, "east");
  if (south > north) throw Error(ErrorCode::invalid_argument, "south must not be above north");
  const Scan scan(StateAccess::impl(state), f);
  std::vector<PlacedItem> out;
  if (scan.s.places.of_item.empty()) return out;
  const std::int32_t s7 = to_e7(south), n7 = to_e7(north), w7 = to_e7(west), e7 = to_e7(east);
  std::vector<std::uint32_t> hits;
  scan.cells(PlaceIndex::row_of(s7), PlaceIndex::row_of(n7), col_ranges(west, east),
             [&](std::uint32_t id, const PlaceRec& p) {
               if (p.lat7 < s7 || p.lat7 > n7) return;
               const bool in = w7 <= e7 ? (p.lon7 >= w7 && p.lon7 <= e7) : (p.lon7 >= w7 || p.lon7 <= e7);
               if (in) hits.push_back(id);
             });
  const std::size_t n = std::min(f.limit, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end());
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(scan.make(hits[i], scan.s.places.of_item.at(hits[i]), 0));
  return out;
}

std::vector<PlacedItem> items_near(const Engine& engine, double lat, double lon, double radius_m, const PlaceFilter& f) {
  if (f.as_of.is_special()) return engine.read([&](const State& s) { return items_near(s, lat, lon, radius_m, f); });
  return engine.read_as_of(f.as_of, [&](const State& s) { return items_near(s, lat, lon, radius_m, f); });
}
std::vector<PlacedItem> items_in_box(const Engine& engine, double south, double west, double north, double east,
                                     const PlaceFilter& f) {
  if (f.as_of.is_special())
    return engine.read([&](const State& s) { return items_in_box(s, south, west, north, east, f); });
  return engine.read_as_of(f.as_of, [&](const State& s) { return items_in_box(s, south, west, north, east, f); });
}

std::vector<SimilarItem> similar_items_near(const Engine& engine, UnitId unit, std::string_view text,
                                            const Place& place, std::size_t limit) {
  check_place(place);
  if (limit < 1 || limit > 100) throw Error(ErrorCode::invalid_argument, "limit must be in 1..100");
  std::vector<SimilarItem> found = engine.similar_items(unit, text, 100);
  std::vector<std::pair<double, SimilarItem>> ranked;
  engine.read([&](const State& st) {
    const StateImpl& s = StateAccess::impl(st);
    for (const SimilarItem& x : found) {
      double boost = 0;
      if (auto it = s.places.of_item.find(x.item.value); it != s.places.of_item.end())
        boost = 0.5 * std::exp(-distance_m(place.lat, place.lon, from_e7(it->second.lat7), from_e7(it->second.lon7)) / 500.0);
      ranked.emplace_back(x.score * (1 + boost), x);
    }
  });
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second.item < b.second.item;
  });
  std::vector<SimilarItem> out;
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i) out.push_back(ranked[i].second);
  return out;
}

nlohmann::json place_to_json(const Place& p) {
  nlohmann::json j{{"lat", p.lat}, {"long", p.lon}};
  j["address"] = p.address;
  return j;
}

nlohmann::json placed_items_to_json(const std::vector<PlacedItem>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : v)
    a.push_back({{"item", x.item.value},
                 {"unit", x.unit.value},
                 {"status", std::string(to_string(x.status))},
                 {"topic", x.topic},
                 {"place", place_to_json(x.place)},
                 {"distance_m", std::round(x.distance_m * 10) / 10}});
  return a;
}

// ---- satisfaction ----

std::optional<SatisfactionRating> satisfaction_of(const State& state, ItemId item) {
  const StateImpl& s = StateAccess::impl(state);
  if (!s.has_item(item)) throw Error(ErrorCode::not_found, "no item with id " + std::to_string(item.value));
  auto it = s.satisfaction.find(item.value);
  if (it == s.satisfaction.end()) return std::nullopt;
  SatisfactionRating r;
  r.item = item;
  r.rating = it->second.rating;
  r.comment = std::string(s.text().view(it->second.comment));
  r.on = date_of(it->second.on);
  r.awaiting_front = it->second.awaiting_front;
  return r;
}

std::vector<SupervisionEntry> supervision_list(const State& state, UnitId unit, Date as_of) {
  const StateImpl& s = StateAccess::impl(state);
  if (unit && !s.has_unit(unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(unit.value));
  require_answers_for(s, as_of, "as_of");
  const std::vector<char> mask = s.subtree_mask(unit);
  std::vector<SupervisionEntry> out;
  for (const auto& [id, r] : s.satisfaction) {
    if (!r.awaiting_front || r.on > day_of(as_of)) continue;
    const ItemRec& it = s.items[id];
    if (!mask[it.unit.value]) continue;
    SupervisionEntry e;
    e.item = ItemId(id);
    e.unit = it.unit;
    e.agency = it.agency;
    e.topic = s.topics[it.topic];
    e.status = it.status;
    e.rated_on = date_of(r.on);
    e.comment = std::string(s.text().view(r.comment));
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.rated_on != b.rated_on ? a.rated_on < b.rated_on : a.item < b.item;
  });
  return out;
}

std::vector<SupervisionEntry> supervision_list(const Engine& engine, UnitId unit, Date as_of) {
  return engine.read_as_of(as_of, [&](const State& s) { return supervision_list(s, unit, as_of); });
}

nlohmann::json supervision_list_to_json(const std::vector<SupervisionEntry>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : v)
    a.push_back({{"item", x.item.value},
                 {"unit", x.unit.value},
                 {"agency", x.agency ? nlohmann::json(x.agency.value) : nlohmann::json(nullptr)},
                 {"topic", x.topic},
                 {"status", std::string(to_string(x.status))},
                 {"rated_on", format_date(x.rated_on)},
                 {"comment", x.comment}});
  return a;
}

}  // namespace doithoai
