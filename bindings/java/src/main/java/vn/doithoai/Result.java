package vn.doithoai;

import java.util.List;

/**
 * What a command did: the sequence numbers of the events it appended, the entity it created
 * ({@code id}, 0 when none), the items it created, and whether its idempotency key had been
 * seen (then nothing was appended).
 */
public record Result(long firstSeq, long lastSeq, long id, List<Long> items, boolean replayed) {
  static Result parse(String json) {
    var m = Json.obj(Json.parse(json), "result");
    return new Result(Json.lng(m, "first_seq"), Json.lng(m, "last_seq"), Json.id(m, "id"),
        Json.ids(m.get("items"), "items"), Json.bool(m, "replayed"));
  }
}
