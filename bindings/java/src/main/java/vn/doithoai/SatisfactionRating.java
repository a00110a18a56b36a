package vn.doithoai;

import java.time.LocalDate;

/**
 * The latest rating of an item's reply (issue 14, R10; dt_call "satisfaction").
 *
 * @param awaitingFront rated not satisfied and no supervision finding recorded since (R14)
 */
public record SatisfactionRating(long item, Satisfaction rating, String comment, LocalDate on, boolean awaitingFront) {
  static SatisfactionRating parse(Object v) {
    var m = Json.obj(v, "satisfaction");
    return new SatisfactionRating(Json.lng(m, "item"), Satisfaction.fromWire(Json.str(m, "rating")),
        Json.str(m, "comment"), Json.date(m, "on"), Json.bool(m, "awaiting_front"));
  }
}
