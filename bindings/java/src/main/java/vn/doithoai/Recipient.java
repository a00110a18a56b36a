package vn.doithoai;

/** Who must receive a written reply (R10). */
public enum Recipient implements Json.Wire {
  PARTY_HEAD("party_head"),
  GOVERNMENT_HEAD("government_head"),
  FRONT_CHAIR("front_chair"),
  RAISER("raiser");

  private final String wireName;

  Recipient(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static Recipient fromWire(String s) {
    for (Recipient v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown Recipient \"" + s + "\"");
  }
}
