package vn.doithoai;

/** A role a person holds in a unit (R19). */
public enum Role implements Json.Wire {
  ADMINISTRATOR("administrator"),
  PARTY_HEAD("party_head"),
  GOVERNMENT_HEAD("government_head"),
  OFFICE("office"),
  FRONT_CHAIR("front_chair"),
  FRONT_OFFICER("front_officer"),
  COUNCIL_MEMBER("council_member"),
  AGENCY_HEAD("agency_head"),
  AGENCY_OFFICER("agency_officer"),
  ORGANIZATION_REP("organization_rep"),
  RESIDENT("resident"),
  COUNCIL_STANDING("council_standing");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static Role fromWire(String s) {
    for (Role v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown Role \"" + s + "\"");
  }
}
