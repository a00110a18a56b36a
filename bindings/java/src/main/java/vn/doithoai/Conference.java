package vn.doithoai;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A conference as the typed API shows it (dates null when none); {@code notice} is null until
 * the conclusion notice is issued. {@code json} holds every field (docs/json.md).
 */
public record Conference(long id, long unit, ConferenceKind kind, ConferenceStatus status, LocalDate plannedOn,
    LocalDate heldOn, List<Long> chairs, LocalDate replyDue, LocalDate closedOn, Notice notice, Map<String, Object> json) {
  /** The conclusion notice (R05): its number, issue day, due day and whether it was on time. */
  public record Notice(String number, LocalDate issuedOn, LocalDate due, boolean onTime) {}

  static Conference parse(String text) {
    var m = Json.obj(Json.parse(text), "conference");
    Notice n = null;
    if (m.get("notice") != null) {
      var j = Json.obj(m.get("notice"), "notice");
      n = new Notice(Json.str(j, "number"), Json.date(j, "issued_on"), Json.date(j, "due"), Json.bool(j, "on_time"));
    }
    return new Conference(Json.lng(m, "id"), Json.id(m, "unit"), ConferenceKind.fromWire(Json.str(m, "kind")),
        ConferenceStatus.fromWire(Json.str(m, "status")), Json.date(m, "planned_on"), Json.date(m, "held_on"),
        Json.ids(m.get("chairs"), "chairs"), Json.date(m, "reply_due"), Json.date(m, "closed_on"), n, m);
  }
}
