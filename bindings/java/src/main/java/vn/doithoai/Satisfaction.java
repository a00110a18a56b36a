package vn.doithoai;

/** The raiser's rating of a delivered reply (issue 14, R10; record_satisfaction). */
public enum Satisfaction implements Json.Wire {
  SATISFIED("satisfied"),
  PARTLY_SATISFIED("partly_satisfied"),
  NOT_SATISFIED("not_satisfied");

  private final String wireName;

  Satisfaction(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static Satisfaction fromWire(String s) {
    for (Satisfaction v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown Satisfaction \"" + s + "\"");
  }
}
