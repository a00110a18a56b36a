package vn.doithoai;

/** The lifecycle status of a conference. */
public enum ConferenceStatus implements Json.Wire {
  PLANNED("planned"),
  HELD("held"),
  CONCLUDED("concluded"),
  CLOSED("closed");

  private final String wireName;

  ConferenceStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static ConferenceStatus fromWire(String s) {
    for (ConferenceStatus v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown ConferenceStatus \"" + s + "\"");
  }
}
