package vn.doithoai;

/** The outcome of a delivery attempt of an outbox notice (issue 15; outbox_ack, acknowledge_notice). */
public enum DeliveryOutcome implements Json.Wire {
  DELIVERED("delivered"),
  FAILED("failed");

  private final String wireName;

  DeliveryOutcome(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static DeliveryOutcome fromWire(String s) {
    for (DeliveryOutcome v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown DeliveryOutcome \"" + s + "\"");
  }
}
