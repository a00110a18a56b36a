package vn.doithoai;

import java.util.ArrayList;
import java.util.List;

/**
 * The report of a bulk import (dt_call "import_opinions"): rows read, opinions submitted,
 * rows failed (listed in errors when skipping), items created and the new opinion ids.
 */
public record ImportReport(long rows, long submitted, long failed, long items, List<Long> opinions, List<RowError> errors) {
  /** A row that failed in "skip" mode: its number (from 1), code and message. */
  public record RowError(long row, ErrorCode code, String message) {}

  static ImportReport parse(String text) {
    var m = Json.obj(Json.parse(text), "import report");
    List<RowError> errors = new ArrayList<>();
    for (Object o : Json.arr(m.get("errors"), "errors")) {
      var e = Json.obj(o, "error");
      String name = Json.str(e, "code");
      ErrorCode code = ErrorCode.INTERNAL;
      for (ErrorCode c : ErrorCode.values())
        if (c.wireName().equals(name)) code = c;
      errors.add(new RowError(Json.lng(e, "row"), code, Json.str(e, "message")));
    }
    return new ImportReport(Json.lng(m, "rows"), Json.lng(m, "submitted"), Json.lng(m, "failed"), Json.lng(m, "items"),
        Json.ids(m.get("opinions"), "opinions"), List.copyOf(errors));
  }
}
