package vn.doithoai;

/**
 * One issue of an opinion: its topic (a topic code of the profile, e.g. "land"), text, and
 * optionally its own place (issue 14, R04), which overrides the opinion's for this item and is
 * recorded as an item_placed event; null: the item inherits the opinion's place, if any.
 */
public record ItemSpec(String topic, String text, Place place) {
  public ItemSpec {
    if (topic == null) throw new InvalidArgumentException("ItemSpec: topic is null");
    if (text == null) throw new InvalidArgumentException("ItemSpec: text is null");
  }

  /** An issue without a place of its own. */
  public ItemSpec(String topic, String text) {
    this(topic, text, null);
  }
}
