package vn.doithoai;

/** The workflow status of an item. */
public enum ItemStatus implements Json.Wire {
  OPEN("open"),
  ASSIGNED("assigned"),
  REPLY_WRITTEN("reply_written"),
  REPLIED("replied"),
  ANSWERED("answered"),
  HANDED_ON("handed_on"),
  MERGED("merged"),
  CLOSED("closed");

  private final String wireName;

  ItemStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name of the JSON forms. */
  @Override
  public String wireName() {
    return wireName;
  }

  /** The value of a wire name; an unknown name is an InternalException (the library sent it). */
  public static ItemStatus fromWire(String s) {
    for (ItemStatus v : values())
      if (v.wireName.equals(s)) return v;
    throw new InternalException("unknown ItemStatus \"" + s + "\"");
  }
}
