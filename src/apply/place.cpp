// Apply for places (issue 14; R04, R18): an opinion's place is every item's, in the side
// table StateImpl::places (no ItemRec growth), unless the item has its own (item_placed),
// which replaces the entry: the table holds each item's effective place. See applier.h.
#include "apply/applier.h"

namespace doithoai::detail {

void Applier::place_items(std::uint32_t first, std::size_t n, const Place& p) {
  PlaceRec r;
  r.lat7 = to_e7(p.lat);
  r.lon7 = to_e7(p.lon);
  r.address = s.text().add(p.address);
  for (std::size_t k = 0; k < n; ++k) s.places.add(first + static_cast<std::uint32_t>(k), r);
}

void Applier::copy_place(std::uint32_t from, std::uint32_t to) {
  if (s.places.of_item.empty()) return;
  auto it = s.places.of_item.find(from);
  if (it == s.places.of_item.end()) return;
  const PlaceRec r = it->second;
  s.places.add(to, r);
}

void Applier::operator()(const ev::ItemPlaced& e) {
  PlaceRec r;
  r.lat7 = to_e7(e.place.lat);
  r.lon7 = to_e7(e.place.lon);
  r.address = s.text().add(e.place.address);
  s.places.add(e.item.value, r);  // moves it out of its former grid cell, if any
}

}  // namespace doithoai::detail
