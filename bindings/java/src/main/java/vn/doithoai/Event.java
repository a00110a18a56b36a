package vn.doithoai;

import java.time.Instant;
import java.util.Map;

/**
 * One committed event, as delivered to an {@link EventListener}: its sequence number, when it
 * was recorded, who caused it, its type ("item_assigned", ...), schema version, its data
 * (parsed JSON, docs/json.md) and the JSON text as the library sent it.
 */
public record Event(long seq, Instant at, Actor actor, String type, int version, Map<String, Object> data, String json) {
  static Event parse(String json) {
    var m = Json.obj(Json.parse(json), "event");
    Object a = m.get("actor");
    Actor actor = "system".equals(a) ? Actor.SYSTEM : Actor.person(Json.lng(a, "actor"));
    return new Event(Json.lng(m, "seq"), Json.instant(m, "at"), actor, Json.str(m, "type"),
        (int) Json.lng(m, "v"), Json.obj(m.get("data"), "data"), json);
  }
}
