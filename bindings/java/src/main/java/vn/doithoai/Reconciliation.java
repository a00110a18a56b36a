package vn.doithoai;

import java.util.ArrayList;
import java.util.List;

/** The reconciliation of a conference's items (R07; dt_call "reconciliation"). */
public record Reconciliation(long conference, List<Long> collectedInAdvance, List<Long> raisedAtConference,
    List<Long> answered, List<Long> unanswered, List<Duplicate> duplicates) {
  /** An item merged into the original it duplicates. */
  public record Duplicate(long duplicate, long original) {}

  static Reconciliation parse(String text) {
    var m = Json.obj(Json.parse(text), "reconciliation");
    List<Duplicate> d = new ArrayList<>();
    for (Object o : Json.arr(m.get("duplicates"), "duplicates")) {
      var j = Json.obj(o, "duplicate");
      d.add(new Duplicate(Json.lng(j, "duplicate"), Json.lng(j, "original")));
    }
    return new Reconciliation(Json.lng(m, "conference"), Json.ids(m.get("collected_in_advance"), "collected_in_advance"),
        Json.ids(m.get("raised_at_conference"), "raised_at_conference"), Json.ids(m.get("answered"), "answered"),
        Json.ids(m.get("unanswered"), "unanswered"), List.copyOf(d));
  }
}
