package vn.doithoai;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of an evidence attachment (issue 14; docs/json.md "Evidence attachments") on
 * submit_opinion, write_reply and record_finding ({@link Command#attachments}). The bytes go
 * first into the engine's attachment store ({@link Engine#putAttachment}, which returns the
 * sha256). The library checks the rest when the command runs: name 1..512 bytes, a media type
 * the profile allows, size 1..the profile's limit, 64 lowercase hex digits, content present in
 * the store (else NotFoundException).
 *
 * @param publishable whether it may be shown publicly once the reply is published (R13)
 */
public record Attachment(String name, String mediaType, long size, String sha256, boolean publishable)
    implements Json.Value {
  public Attachment {
    Command.need(name, "name");
    Command.need(mediaType, "mediaType");
    Command.need(sha256, "sha256");
  }

  /** Metadata for these bytes (put them with {@link Engine#putAttachment}): size and SHA-256 computed here. */
  public static Attachment of(String name, String mediaType, byte[] bytes, boolean publishable) {
    Command.need(bytes, "bytes");
    return new Attachment(name, mediaType, bytes.length, sha256Hex(bytes), publishable);
  }

  /** The SHA-256 of the bytes as 64 lowercase hex digits (the key of an attachment). */
  public static String sha256Hex(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(Command.need(bytes, "bytes"));
      StringBuilder b = new StringBuilder(64);
      for (byte x : d) b.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new UnsupportedException("this JVM has no SHA-256");
    }
  }

  /** {"name", "media_type", "size", "sha256", "publishable"} */
  @Override
  public Object jsonValue() {
    Map<String, Object> m = new LinkedHashMap<>(8);
    m.put("name", name);
    m.put("media_type", mediaType);
    m.put("size", size);
    m.put("sha256", sha256);
    m.put("publishable", publishable);
    return m;
  }

  static Attachment parse(Object v) {
    var m = Json.obj(v, "attachment");
    return new Attachment(Json.str(m, "name"), Json.str(m, "media_type"), Json.lng(m, "size"), Json.str(m, "sha256"),
        m.get("publishable") != null && Json.bool(m, "publishable"));
  }

  /** The attachments of an entity's "attachments" field (absent or null: none). */
  static List<Attachment> list(Object v) {
    if (v == null) return List.of();
    List<Object> a = Json.arr(v, "attachments");
    List<Attachment> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(parse(o));
    return Collections.unmodifiableList(out);
  }

}
