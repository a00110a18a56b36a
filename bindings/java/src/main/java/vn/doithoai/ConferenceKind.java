package vn.doithoai;

/** The kind of a dialogue conference (R02). */
public enum ConferenceKind implements Json.Wire {
  PERIODIC("periodic"),
  UNSCHEDULED("unscheduled"),
  THEMATIC("thematic");

  private final String wireName;

  ConferenceKind(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static ConferenceKind fromWire(String s) {
    for (ConferenceKind v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown ConferenceKind \"" + s + "\"");
  }
}
