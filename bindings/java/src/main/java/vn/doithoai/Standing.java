package vn.doithoai;

/** An item's standing on a day (R15). */
public enum Standing implements Json.Wire {
  RESOLVED("resolved"),
  NOT_YET_DUE("not_yet_due"),
  OVERDUE("overdue");

  private final String wireName;

  Standing(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static Standing fromWire(String s) {
    for (Standing v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown Standing \"" + s + "\"");
  }
}
