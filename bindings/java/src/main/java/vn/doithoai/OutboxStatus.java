package vn.doithoai;

/** Which notices {@link Engine#outbox} lists (issue 15): pending, delivered, late (past due), or with a failed attempt. */
public enum OutboxStatus implements Json.Wire {
  PENDING("pending"),
  DELIVERED("delivered"),
  LATE("late"),
  FAILED("failed");

  private final String wireName;

  OutboxStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static OutboxStatus fromWire(String s) {
    for (OutboxStatus v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown OutboxStatus \"" + s + "\"");
  }
}
