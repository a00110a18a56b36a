package vn.doithoai;

/**
 * An item found by place (issue 14; dt_call "items_near", "items_in_box").
 *
 * @param distanceM metres from the point asked (items_near; 0 for items_in_box)
 */
public record PlacedItem(long item, long unit, ItemStatus status, String topic, Place place, double distanceM) {
  static PlacedItem parse(Object v) {
    var m = Json.obj(v, "placed item");
    return new PlacedItem(Json.lng(m, "item"), Json.id(m, "unit"), ItemStatus.fromWire(Json.str(m, "status")),
        Json.str(m, "topic"), Place.parse(m.get("place")), m.get("distance_m") == null ? 0 : Json.dbl(m, "distance_m"));
  }
}
