package vn.doithoai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What verifying the attachments found (R20, issue 14; dt_call "verify_attachments"): every
 * attachment the log references, checked against the store's bytes.
 */
public record AttachmentReport(boolean ok, long checked, long references, List<Problem> problems) {
  /**
   * An attachment missing from the store or whose bytes no longer match their SHA-256.
   *
   * @param kind "missing" or "corrupt"
   * @param owner "opinion", "reply" or "finding"
   * @param id the opinion id, or the item id of a reply or finding
   */
  public record Problem(String kind, String sha256, String name, String owner, long id) {}

  static AttachmentReport parse(String text) {
    var m = Json.obj(Json.parse(text), "verify_attachments");
    List<Object> a = Json.arr(m.get("problems"), "problems");
    List<Problem> problems = new ArrayList<>(a.size());
    for (Object o : a) {
      var p = Json.obj(o, "problem");
      problems.add(new Problem(Json.str(p, "kind"), Json.str(p, "sha256"), Json.str(p, "name"), Json.str(p, "owner"),
          Json.lng(p, "id")));
    }
    return new AttachmentReport(Json.bool(m, "ok"), Json.lng(m, "checked"), Json.lng(m, "references"),
        Collections.unmodifiableList(problems));
  }
}
