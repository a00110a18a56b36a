// doithoai/place.h: where items are, and how their raisers rated the replies (issue 14).
//
// Place (R04, R18, Open311): an opinion may carry a Place (model.h); its items inherit it.
// items_near and items_in_box find placed items by distance or by box, over a grid of
// 0.01-degree cells (src/views/place.cpp), with the unit subtree and status filters.
// Satisfaction (R10, R14, R16): the raiser's rating of a delivered reply
// (cmd::RecordSatisfaction); not_satisfied puts the item on the front's supervision list
// until the front records a finding, reopens or closes it.
//
// As in views.h: the State overloads refuse (invalid_argument) an as_of before the day of
// the state's last event; the Engine overloads answer any as_of exactly (a past one on the
// state of that day). Errors: not_found (unit, item), invalid_argument (a coordinate or
// radius that is not finite or out of range, a limit out of 1..10000).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doithoai/engine.h"
#include "doithoai/export.h"
#include "doithoai/model.h"
#include "doithoai/state.h"

namespace doithoai {

// ---- Place ---------------------------------------------------------------------------------

struct PlaceFilter {
  UnitId unit;                       // the unit and its whole subtree; none: every unit
  std::optional<ItemStatus> status;  // only items of this status
  Date as_of;                        // default: the state as it is
  std::size_t limit = 100;           // 1..10000
};

struct PlacedItem {
  ItemId item;
  UnitId unit;
  ItemStatus status = ItemStatus::open;
  std::string topic;
  Place place;
  double distance_m = 0;  // from the query's point (items_near); 0 for items_in_box
};

// The item's place, if it has one (not_found: no such item).
DOITHOAI_API std::optional<Place> item_place(const State& state, ItemId item);
// Placed items within radius_m (0 < radius_m <= 1,000,000) of (lat, lon), nearest first
// (ties by id), at most f.limit.
DOITHOAI_API std::vector<PlacedItem> items_near(const State& state, double lat, double lon, double radius_m,
                                                const PlaceFilter& f = {});
DOITHOAI_API std::vector<PlacedItem> items_near(const Engine& engine, double lat, double lon, double radius_m,
                                                const PlaceFilter& f = {});
// Placed items with south <= lat <= north and lon in [west, east] (west > east: the box
// crosses the antimeridian), by id, at most f.limit.
DOITHOAI_API std::vector<PlacedItem> items_in_box(const State& state, double south, double west, double north,
                                                  double east, const PlaceFilter& f = {});
DOITHOAI_API std::vector<PlacedItem> items_in_box(const Engine& engine, double south, double west, double north,
                                                  double east, const PlaceFilter& f = {});
// R07 at intake with a place: Engine::similar_items(unit, text, 100) reranked by
//   score x (1 + 0.5 e^(-d / 500 m))
// where d is the distance from `place` to the item's place (items without one: no boost), at
// most `limit` (1..100). Each SimilarItem keeps its text score; only the order changes, so a
// duplicate on the same street comes before an equally worded item across the city.
// Errors: those of similar_items, and invalid_argument for a bad place.
DOITHOAI_API std::vector<SimilarItem> similar_items_near(const Engine& engine, UnitId unit, std::string_view text,
                                                         const Place& place, std::size_t limit = 10);
DOITHOAI_API nlohmann::json place_to_json(const Place& p);
DOITHOAI_API nlohmann::json placed_items_to_json(const std::vector<PlacedItem>& v);

// ---- Satisfaction --------------------------------------------------------------------------

struct SatisfactionRating {
  ItemId item;
  Satisfaction rating = Satisfaction::satisfied;
  std::string comment;
  Date on;
  bool awaiting_front = false;  // not_satisfied and the front has not acted yet (R14)
};
// The latest rating of the item's replies, if any (not_found: no such item).
DOITHOAI_API std::optional<SatisfactionRating> satisfaction_of(const State& state, ItemId item);

// R14: items of the unit's subtree whose raiser was not satisfied with the reply, and on
// which the front has not since recorded a finding, reopened or closed; by rating date, then id.
struct SupervisionEntry {
  ItemId item;
  UnitId unit;
  AgencyId agency;
  std::string topic;
  ItemStatus status = ItemStatus::replied;
  Date rated_on;
  std::string comment;
};
DOITHOAI_API std::vector<SupervisionEntry> supervision_list(const State& state, UnitId unit, Date as_of);
DOITHOAI_API std::vector<SupervisionEntry> supervision_list(const Engine& engine, UnitId unit, Date as_of);
DOITHOAI_API nlohmann::json supervision_list_to_json(const std::vector<SupervisionEntry>& v);

}  // namespace doithoai
