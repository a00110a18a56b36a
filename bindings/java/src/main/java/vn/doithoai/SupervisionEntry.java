package vn.doithoai;

import java.time.LocalDate;

/** An item rated not satisfied that awaits the Front's supervision (R14; dt_call "supervision_list"). */
public record SupervisionEntry(long item, long unit, long agency, String topic, ItemStatus status, LocalDate ratedOn,
    String comment) {
  static SupervisionEntry parse(Object v) {
    var m = Json.obj(v, "supervision entry");
    return new SupervisionEntry(Json.lng(m, "item"), Json.id(m, "unit"), Json.id(m, "agency"), Json.str(m, "topic"),
        ItemStatus.fromWire(Json.str(m, "status")), Json.date(m, "rated_on"), Json.str(m, "comment"));
  }
}
