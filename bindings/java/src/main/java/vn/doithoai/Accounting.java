package vn.doithoai;

import java.time.LocalDate;

/** The accounting of a unit's items as of the end of a day (R15; dt_call "accounting"). */
public record Accounting(long unit, LocalDate asOf, long opinions, long items, long resolved, long outstanding,
    long notYetDue, long overdue, long answeredOnSpot, long replied, long repliedOnTime, long repliedLate,
    long handedOn, long escalated, long closed, long extendedItems, long extensions, long reopenedItems, long merged,
    long receivedByEscalation) {
  static Accounting parse(String text) {
    var m = Json.obj(Json.parse(text), "accounting");
    return new Accounting(Json.lng(m, "unit"), Json.date(m, "as_of"), Json.lng(m, "opinions"), Json.lng(m, "items"),
        Json.lng(m, "resolved"), Json.lng(m, "outstanding"), Json.lng(m, "not_yet_due"), Json.lng(m, "overdue"),
        Json.lng(m, "answered_on_spot"), Json.lng(m, "replied"), Json.lng(m, "replied_on_time"),
        Json.lng(m, "replied_late"), Json.lng(m, "handed_on"), Json.lng(m, "escalated"), Json.lng(m, "closed"),
        Json.lng(m, "extended_items"), Json.lng(m, "extensions"), Json.lng(m, "reopened_items"), Json.lng(m, "merged"),
        Json.lng(m, "received_by_escalation"));
  }
}
