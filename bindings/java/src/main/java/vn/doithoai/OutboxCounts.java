package vn.doithoai;

/** The outbox's counts as of the end of a day (issue 15; dt_call "outbox_counts"). */
public record OutboxCounts(long issued, long delivered, long late, long pending, long failedAttempts) {
  static OutboxCounts parse(String text) {
    var m = Json.obj(Json.parse(text), "outbox_counts");
    return new OutboxCounts(Json.lng(m, "issued"), Json.lng(m, "delivered"), Json.lng(m, "late"), Json.lng(m, "pending"),
        Json.lng(m, "failed_attempts"));
  }
}
