package vn.doithoai;

import java.time.LocalDate;
import java.util.Map;

/**
 * An item (one issue of an opinion) as the typed API shows it; ids are 0 when none, dates
 * null when none. {@code json} holds every field of the entity (docs/json.md, Entities).
 *
 * @param replyNumber the written reply's number, null when there is no reply
 * @param replyCompletedOn the day the reply's last required delivery completed it, or null
 * @param answeredOnSpot whether a chair answered it at the conference (R06)
 * @param extensions how many times its deadline was extended (R12)
 */
public record Item(long id, long opinion, long unit, long conference, String topic, String text, ItemStatus status,
    long agency, LocalDate deadline, LocalDate originalDeadline, LocalDate resolvedOn, boolean answeredOnSpot,
    String replyNumber, LocalDate replyCompletedOn, int reopened, long mergedInto, long escalatedTo,
    long escalatedFrom, int extensions, Map<String, Object> json) {
  /** The evidence attachments of the item's reply (issue 14; empty when none or no reply). */
  public java.util.List<Attachment> replyAttachments() {
    Object reply = json.get("reply");
    return reply == null ? java.util.List.of() : Attachment.list(Json.obj(reply, "reply").get("attachments"));
  }

  static Item parse(String text) {
    var m = Json.obj(Json.parse(text), "item");
    var reply = m.get("reply") == null ? null : Json.obj(m.get("reply"), "reply");
    return new Item(Json.lng(m, "id"), Json.id(m, "opinion"), Json.id(m, "unit"), Json.id(m, "conference"),
        Json.str(m, "topic"), Json.str(m, "text"), ItemStatus.fromWire(Json.str(m, "status")), Json.id(m, "agency"),
        Json.date(m, "deadline"), Json.date(m, "original_deadline"), Json.date(m, "resolved_on"), m.get("answer") != null,
        reply == null ? null : Json.str(reply, "number"), reply == null ? null : Json.date(reply, "completed_on"),
        (int) Json.lng(m, "reopened"), Json.id(m, "merged_into"), Json.id(m, "escalated_to"),
        Json.id(m, "escalated_from"), Json.arr(m.get("extensions"), "extensions").size(), m);
  }
}
