package vn.doithoai;

/** The result of verifying a durable store's hash chain (dt_call "verify"): head is hex, firstBad 0 when ok. */
public record VerifyReport(boolean ok, long checked, long firstBad, String problem, String head) {
  static VerifyReport parse(String text) {
    var m = Json.obj(Json.parse(text), "verify");
    return new VerifyReport(Json.bool(m, "ok"), Json.lng(m, "checked"), Json.id(m, "first_bad"),
        Json.str(m, "problem"), Json.str(m, "head"));
  }
}
