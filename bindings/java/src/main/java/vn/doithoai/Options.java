package vn.doithoai;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to open an {@link Engine} (the options of dt_engine_open, docs/c-abi.md "Opening").
 *
 * <pre>{@code
 * Options.store("bode.db").profile("hanoi-2200").clock(OffsetDateTime.parse("2022-09-30T08:00:00+07:00"))
 * }</pre>
 *
 * Store: {@code ":memory:"} (the default), a SQLite file path, {@code "sqlite:PATH"} or a
 * {@code postgresql://} URI. Profile: a built-in profile's name (default "hanoi-2200") or a
 * profile document as JSON text. Clock: a manual clock starting at that instant (move it with
 * {@link Engine#setClock}); by default the system clock. Attachments: where evidence bytes live
 * ({@link #attachments}). {@link #set} passes any other option
 * (snapshot_every, max_conflict_retries, past_states_cached, sqlite, import_jsonl).
 */
public final class Options {
  private final LinkedHashMap<String, Object> map = new LinkedHashMap<>();

  private Options() {}

  /** An engine on a store in memory. */
  public static Options memory() {
    return store(":memory:");
  }

  /** An engine on a store: ":memory:", a SQLite path, "sqlite:PATH" or "postgresql://...". */
  public static Options store(String store) {
    Options o = new Options();
    o.map.put("store", Command.need(store, "store"));
    return o;
  }

  /** A built-in profile by name. */
  public Options profile(String name) {
    map.put("profile", Command.need(name, "profile"));
    return this;
  }

  /** A profile document (docs/profiles.md) as JSON text; it must be a JSON object. */
  public Options profileJson(String json) {
    Object doc = Json.parse(Command.need(json, "profile JSON"));
    if (!(doc instanceof Map)) throw new InvalidArgumentException("a profile document is a JSON object");
    map.put("profile", new Json.Raw(json));
    return this;
  }

  /** A manual clock starting at this instant. */
  public Options clock(Instant start) {
    map.put("clock", Command.need(start, "clock"));
    return this;
  }

  /** A manual clock starting at this instant. */
  public Options clock(OffsetDateTime start) {
    return clock(Command.need(start, "clock").toInstant());
  }

  /** Opens the SQLite store read-only (writes fail with a StorageException). */
  public Options readOnly() {
    Object s = map.get("sqlite");
    @SuppressWarnings("unchecked")
    Map<String, Object> sqlite = s instanceof Map ? new LinkedHashMap<>((Map<String, Object>) s) : new LinkedHashMap<>();
    sqlite.put("read_only", true);
    map.put("sqlite", sqlite);
    return this;
  }

  /**
   * Evidence attachments (issue 14): a directory for their bytes (content-addressed by
   * SHA-256, created when missing) or a "postgresql://..." URI (builds with PostgreSQL). Without
   * it {@link Engine#putAttachment} is an UnsupportedException.
   */
  public Options attachments(String store) {
    map.put("attachments", Command.need(store, "attachments"));
    return this;
  }

  /** Any other option of dt_engine_open, with a value {@link Json#write} accepts. */
  public Options set(String option, Object value) {
    map.put(Command.need(option, "option"), value);
    return this;
  }

  /** The options as the JSON object dt_engine_open reads. */
  public String toJson() {
    return Json.write(map);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
