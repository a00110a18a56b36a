package vn.doithoai;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notice of the notification outbox (issue 15; docs/json.md "The notification outbox"; dt_call
 * "outbox_fetch", "outbox"). Ids are 0 when none, dates null when none.
 *
 * @param templateKey the profile's template that fits, else the kind
 * @param data the resolved placeholder values, name to value
 * @param rule the rule that requires it ("R03", "R08", ... "R15")
 * @param cause the seq of the event that required it (0 for reminders)
 * @param seq the seq of its notice_issued event
 * @param status "pending" or "delivered"
 * @param late delivered after due, or pending past it as of the day asked
 */
public record OutboxNotice(long id, String kind, String templateKey, To to, Map<String, String> data, LocalDate issuedOn,
    LocalDate due, String rule, String citation, long item, long conference, long opinion, long cause, long seq,
    String status, LocalDate deliveredOn, boolean late, long failedAttempts, String lastDetail, Map<String, Object> json) {
  /**
   * Who the notice is for: a role ("party_head", "government_head", "front_chair", "office",
   * "agency", "raiser", "residents", "public") in a unit, with the agency, person or
   * organization it names (0 when none).
   */
  public record To(String role, long unit, long agency, long person, long organization) {}

  static OutboxNotice parse(Object v) {
    var m = Json.obj(v, "notice");
    var t = Json.obj(m.get("to"), "to");
    var d = Json.obj(m.get("data"), "data");
    Map<String, String> data = new LinkedHashMap<>();
    for (var e : d.entrySet()) data.put(e.getKey(), Json.str(d, e.getKey()));
    return new OutboxNotice(Json.lng(m, "id"), Json.str(m, "kind"), Json.str(m, "template_key"),
        new To(Json.str(t, "role"), Json.id(t, "unit"), Json.id(t, "agency"), Json.id(t, "person"), Json.id(t, "organization")),
        java.util.Collections.unmodifiableMap(data), Json.date(m, "issued_on"), Json.date(m, "due"), Json.str(m, "rule"),
        Json.str(m, "citation"), Json.id(m, "item"), Json.id(m, "conference"), Json.id(m, "opinion"), Json.id(m, "cause"),
        Json.id(m, "seq"), Json.str(m, "status"), Json.date(m, "delivered_on"), Json.bool(m, "late"),
        Json.lng(m, "failed_attempts"), Json.str(m, "last_detail"), m);
  }
}
