package vn.doithoai;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An opinion's public status by its tracking code (issue 14; dt_call "track",
 * "doithoai.tracking/1"), redacted (R13): {@code raisedBy} is a display name (withheld or
 * anonymous raisers are not named); an item's text, answer and reply are empty until it is
 * public. {@code json} holds every field (docs/json.md).
 */
public record Tracking(String code, long opinion, long unit, String unitName, Channel channel, LocalDate raisedOn,
    String raisedBy, List<TrackedItem> items, Map<String, Object> json) {
  /**
   * One item of a tracked opinion; publishedOn and replyNumber null, text and answer empty while
   * it is not public.
   */
  public record TrackedItem(long id, String topic, String topicLabel, ItemStatus status, String statusLabel,
      LocalDate deadline, String agency, LocalDate publishedOn, String text, String answer, String replyNumber) {}

  static Tracking parse(String text) {
    var m = Json.obj(Json.parse(text), "tracking");
    List<Object> a = Json.arr(m.get("items"), "items");
    List<TrackedItem> items = new ArrayList<>(a.size());
    for (Object o : a) {
      var i = Json.obj(o, "tracked item");
      items.add(new TrackedItem(Json.lng(i, "id"), Json.str(i, "topic"), Json.str(i, "topic_label"),
          ItemStatus.fromWire(Json.str(i, "status")), Json.str(i, "status_label"), Json.date(i, "deadline"),
          Json.str(i, "agency"), Json.date(i, "published_on"), Json.str(i, "text"), Json.str(i, "answer"),
          i.get("reply") == null ? null : Json.str(Json.obj(i.get("reply"), "reply"), "number")));
    }
    return new Tracking(Json.str(m, "code"), Json.lng(m, "opinion"), Json.id(m, "unit"), Json.str(m, "unit_name"),
        Channel.fromWire(Json.str(m, "channel")), Json.date(m, "raised_on"), Json.str(m, "raised_by"),
        Collections.unmodifiableList(items), m);
  }
}
