package vn.doithoai;

/** How an opinion reached the unit (R04). */
public enum Channel implements Json.Wire {
  COLLECTED_IN_ADVANCE("collected_in_advance"),
  AT_CONFERENCE("at_conference"),
  MAILBOX("mailbox"),
  VOTER_MEETING("voter_meeting"),
  CITIZEN_RECEPTION("citizen_reception"),
  POLICE_FORUM("police_forum"),
  LETTER("letter"),
  ONLINE_PORTAL("online_portal"),
  ESCALATION("escalation");

  private final String wireName;

  Channel(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static Channel fromWire(String s) {
    for (Channel v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown Channel \"" + s + "\"");
  }
}
