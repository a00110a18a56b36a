package vn.doithoai;

/** One issue of an opinion: its topic (a topic code of the profile, e.g. "land") and text. */
public record ItemSpec(String topic, String text) {
  public ItemSpec {
    if (topic == null) throw new InvalidArgumentException("ItemSpec: topic is null");
    if (text == null) throw new InvalidArgumentException("ItemSpec: text is null");
  }
}
