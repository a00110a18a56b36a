// Rules of places (issue 14; R04): an opinion may carry where its matter is, and each item
// its own (ItemSpec::place, cmd::PlaceItem: an item_placed event). The checks of a place;
// its queries are in src/views/place.cpp.
// Tests: tests/test_rules_place.cpp. Shared checks: decider.h.
#include <cmath>

#include "rules/decider.h"

namespace doithoai::detail::rules {

// Valid WGS84 degrees and an address of at most kMaxNameBytes (check_place), rounded to
// 1e-7 degree (about 1 cm: what the state keeps) so the event records what is kept.
Place Decider::checked_place(const Place& p) {
  check_place(p, "place");
  Place out = p;
  out.lat = std::round(p.lat * 1e7) / 1e7;
  out.lon = std::round(p.lon * 1e7) / 1e7;
  return out;
}

}  // namespace doithoai::detail::rules

namespace doithoai::detail::rules {

// Issue 14: items of a SubmitOpinion with their own place. The opinion_submitted just
// emitted keeps its items' topics and texts only (its binary and JSON forms stay as they
// were); each placed item gets an item_placed right after it, in the same batch, dated the
// day the opinion was raised.
void Decider::item_places(const cmd::SubmitOpinion& c, ItemId first, const Date& raised) {
  bool any = false;
  for (const ItemSpec& it : c.items) any = any || it.place.has_value();
  if (!any) return;
  std::vector<std::pair<std::size_t, Place>> placed;
  for (std::size_t k = 0; k < c.items.size(); ++k) {
    if (!c.items[k].place) continue;
    const std::string field = "items[" + std::to_string(k) + "].place";
    check_place(*c.items[k].place, field.c_str());
    placed.emplace_back(k, checked_place(*c.items[k].place));
  }
  auto& e = std::get<ev::OpinionSubmitted>(out.events.back());
  for (ItemSpec& it : e.items) it.place.reset();
  for (auto& [k, pl] : placed)
    emit(ev::ItemPlaced{ItemId(first.value + static_cast<std::uint32_t>(k)), std::move(pl), raised});
}

// Sets or corrects one item's place (cmd::PlaceItem in commands.h says who and when).
void Decider::operator()(const cmd::PlaceItem& c) {
  const ItemRec& r = item(c.item);
  const bool agency_on_it = (r.status == ItemStatus::assigned || r.status == ItemStatus::reply_written) &&
                            r.agency && s.is_agency_staff(actor, r.agency);
  if (!agency_on_it && !s.is_head_or_office(actor, r.unit))
    deny("only the heads of unit " + id_str(r.unit.value) + " or their office, or an officer of the agency the item "
         "is assigned to, may place an item (R19)");
  if (r.status == ItemStatus::merged)
    transition("the item was merged into item " + id_str(s.root_of(c.item.value)) + "; place that item (R07)");
  if (r.status == ItemStatus::closed)
    transition("the item is closed for good (R14); its record, place included, stands as closed");
  const Place pl = checked_place(c.place);
  const Date on = when(c.on, "on");
  if (on < date_of(r.raised_on)) invalid("on " + format_date(on) + " is before the item was raised");
  if (auto it = s.places.of_item.find(c.item.value); it != s.places.of_item.end() &&
                                                     it->second.lat7 == to_e7(pl.lat) &&
                                                     it->second.lon7 == to_e7(pl.lon) &&
                                                     s.text().view(it->second.address) == pl.address)
    return;  // already there: nothing to record
  emit(ev::ItemPlaced{c.item, pl, on});
}

}  // namespace doithoai::detail::rules
