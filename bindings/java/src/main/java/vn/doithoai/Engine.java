package vn.doithoai;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A doithoai engine over the C ABI (libdoithoai_c, include/doithoai/c.h): commands in, events
 * and views out, on a store in memory, a SQLite file or PostgreSQL.
 *
 * <pre>{@code
 * try (Engine e = Engine.open(Options.store("bode.db").clock(OffsetDateTime.parse("2022-09-30T08:00:00+07:00")))) {
 *   long ward = e.execute(Actor.SYSTEM, Command.createUnit("Phường Bồ Đề", "xa")).id();
 *   Accounting a = e.accounting(ward, LocalDate.of(2022, 11, 1));
 * }
 * }</pre>
 *
 * <p><b>Two levels.</b> The raw level, {@link #execute(String)} and {@link #call(String, String)},
 * passes JSON text to dt_execute and dt_call and reaches every command and method of
 * docs/json.md and docs/c-abi.md. The typed level builds that JSON from {@link Command},
 * ids ({@code long}, 0 meaning none), {@link LocalDate} and {@link Instant}, and reads the
 * answers into records ({@link Result}, {@link Item}, {@link Accounting}, ...).
 *
 * <p><b>Errors.</b> Every failure is a {@link DoithoaiException} subclass chosen by its stable
 * code; a failing command changes nothing. Null arguments, strings with a NUL character or a
 * lone surrogate, and malformed JSON are InvalidArgumentExceptions; out-of-range ids and
 * dates are refused by the library with the same code.
 *
 * <p><b>Threads.</b> An Engine is thread-safe: any number of threads may execute and query at
 * once (queries run concurrently, commands are serialized by the library). {@link #close()}
 * waits for calls in progress; calls after it throw {@link EngineClosedException}.
 * Listeners run on the engine's delivery thread (see {@link #subscribe}).
 */
public final class Engine implements AutoCloseable {
  /** The listener's engine while a listener runs on this thread (close() from there is refused). */
  static final ThreadLocal<Engine> DELIVERING = new ThreadLocal<>();

  private volatile long handle;
  private volatile boolean closed;
  private final AtomicLong inFlight = new AtomicLong();
  final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

  private Engine(long handle) {
    this.handle = handle;
  }

  // ---------------------------------------------------------------- opening and closing

  /** Opens an engine (dt_engine_open); see {@link Options}. */
  public static Engine open(Options options) {
    Command.need(options, "options");
    DtNative.ensureLoaded();
    byte[] json = DtNative.cstr(options.toJson(), "options");
    long[] out = new long[1];
    long[] err = new long[1];
    int rc = DtNative.dt_engine_open(json, out, err);
    if (rc != 0) throw DtNative.error(rc, err[0]);
    if (out[0] == 0) throw new InternalException("dt_engine_open succeeded without an engine");
    return new Engine(out[0]);
  }

  /** An engine on a new store in memory, the default profile and the system clock. */
  public static Engine open() {
    return open(Options.memory());
  }

  /** An engine on a store (":memory:", a SQLite path, "postgresql://..."), default profile and clock. */
  public static Engine open(String store) {
    return open(Options.store(store));
  }

  /** The version of the native library loaded ("0.1.0"). */
  public static String libraryVersion() {
    DtNative.ensureLoaded();
    long[] lib = new long[1];
    DtNative.dt_version(lib, null, null);
    return lib[0] == 0 ? "" : new com.sun.jna.Pointer(lib[0]).getString(0, "UTF-8");
  }

  /**
   * Closes the engine: waits for calls in progress on other threads, delivers what was
   * committed to listeners, stops the subscriptions and frees the native engine. Idempotent.
   * From inside one of this engine's listeners it is refused (InvalidTransitionException):
   * the delivery thread cannot wait for itself.
   */
  @Override
  public synchronized void close() {
    if (handle == 0) return;
    if (DELIVERING.get() == this)
      throw new InvalidTransitionException("Engine.close() called from inside one of its listeners");
    closed = true;
    while (inFlight.get() != 0) LockSupport.parkNanos(50_000);
    long h = handle;
    handle = 0;
    DtNative.dt_engine_close(h);
    for (Subscription s : subscriptions) s.close();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  private long enter() {
    inFlight.incrementAndGet();
    if (closed) {
      inFlight.decrementAndGet();
      throw new EngineClosedException("the engine is closed");
    }
    return handle;
  }

  private void exit() {
    inFlight.decrementAndGet();
  }

  // ---------------------------------------------------------------- raw JSON level

  /**
   * Executes one command from its JSON request, {"actor": 12 | "system", "idempotency_key": ...,
   * "command": {"type": ..., ...}} (dt_execute), and returns the result as JSON text.
   */
  public String execute(String requestJson) {
    byte[] req = DtNative.cstr(requestJson, "request JSON");
    long h = enter();
    try {
      long[] out = new long[1];
      long[] err = new long[1];
      int rc = DtNative.dt_execute(h, req, out, err);
      if (rc != 0) throw DtNative.error(rc, err[0]);
      return DtNative.take(out[0]);
    } finally {
      exit();
    }
  }

  /**
   * Runs one method of dt_call (docs/c-abi.md lists them) with its arguments as a JSON object
   * (null means {}), and returns the answer as JSON text.
   */
  public String call(String method, String argsJson) {
    return call(DtNative.cstr(method, "method"), argsJson == null ? null : DtNative.cstr(argsJson, "arguments JSON"));
  }

  /** dt_call with the method and arguments as NUL-terminated UTF-8. */
  private String call(byte[] m, byte[] a) {
    long h = enter();
    try {
      long[] out = new long[1];
      long[] err = new long[1];
      int rc = DtNative.dt_call(h, m, a, out, err);
      if (rc != 0) throw DtNative.error(rc, err[0]);
      return DtNative.take(out[0]);
    } finally {
      exit();
    }
  }

  /**
   * Runs a dt_call method with arguments given as a map (values as {@link Json#write} takes:
   * numbers, strings, LocalDate, Instant, enums, lists, maps) and returns the parsed answer
   * ({@link Json#parse}).
   */
  public Object query(String method, Map<String, ?> args) {
    return Json.parse(call(method, args == null ? null : Json.write(args)));
  }

  // ---------------------------------------------------------------- commands

  /** Executes a command as actor. */
  public Result execute(Actor actor, Command command) {
    return execute(actor, command, null);
  }

  /**
   * Executes a command as actor with an idempotency key (null: none). The same key with the
   * same request replays (nothing appended, {@code replayed()} true); with another request it
   * is a ConflictException.
   */
  public Result execute(Actor actor, Command command, String idempotencyKey) {
    Command.need(actor, "actor");
    Command.need(command, "command");
    StringBuilder b = new StringBuilder(128);
    b.append("{\"actor\":").append(actor.json());
    if (idempotencyKey != null) {
      b.append(",\"idempotency_key\":");
      Json.quote(b, idempotencyKey);
    }
    b.append(",\"command\":");
    command.appendJson(b);
    b.append('}');
    return Result.parse(execute(b.toString()));
  }

  /**
   * Submits many opinions in one call (dt_call "import_opinions"): each row is one command,
   * committed on its own; the first failing row throws its exception (the rows before it stay
   * committed, the message names the row to resume from).
   */
  public ImportReport importOpinions(Actor actor, List<Command> rows) {
    return importOpinions(actor, rows, false, null);
  }

  /**
   * Bulk import with options: skipErrors lists failing rows in the report instead of stopping;
   * idempotencyPrefix (null: none) gives row k the key prefix + k, so running it again is safe.
   */
  public ImportReport importOpinions(Actor actor, List<Command> rows, boolean skipErrors, String idempotencyPrefix) {
    Command.need(actor, "actor");
    Command.need(rows, "rows");
    StringBuilder b = new StringBuilder(64 + 128 * rows.size());
    b.append("{\"actor\":").append(actor.json());
    if (skipErrors) b.append(",\"on_error\":\"skip\"");
    if (idempotencyPrefix != null) {
      b.append(",\"idempotency_prefix\":");
      Json.quote(b, idempotencyPrefix);
    }
    b.append(",\"rows\":[");
    boolean first = true;
    for (Command c : rows) {
      Command.need(c, "a row of rows");
      if (!"submit_opinion".equals(c.type()))
        throw new InvalidArgumentException("importOpinions: rows are submit_opinion commands, not " + c.type());
      if (!first) b.append(',');
      first = false;
      c.appendJson(b, false);  // "type" is implied: less JSON for the library to parse
    }
    b.append("]}");
    // Json.quote wrote every string (it refuses lone surrogates and escapes NUL), so the text
    // needs no second scan by cstr: plain UTF-8 bytes with a terminating NUL.
    return ImportReport.parse(call(DtNative.cstr("import_opinions", "method"), DtNative.utf8z(b.toString())));
  }

  // ---------------------------------------------------------------- typed queries

  private static String idArgs(String key, long id) {
    return "{\"" + key + "\":" + id + "}";
  }

  private static String date(LocalDate d, String what) {
    return Json.write(Command.need(d, what));
  }

  /** The item's status (the cheapest query). */
  public ItemStatus itemStatus(long item) {
    return ItemStatus.fromWire((String) Json.parse(call("item_status", idArgs("id", item))));
  }

  /** The item. */
  public Item item(long id) {
    return Item.parse(call("item", idArgs("id", id)));
  }

  /** The item's current deadline (empty when it has none). */
  public Optional<LocalDate> deadline(long item) {
    return Optional.ofNullable(item(item).deadline());
  }

  /** The item's standing at the end of a day (R15). */
  public Standing standing(long item, LocalDate asOf) {
    String args = "{\"item\":" + item + ",\"as_of\":" + date(asOf, "asOf") + "}";
    return Standing.fromWire((String) Json.parse(call("standing", args)));
  }

  /** The accounting of a unit's items as of the end of a day, however far back (R15). */
  public Accounting accounting(long unit, LocalDate asOf) {
    return Accounting.parse(call("accounting", "{\"unit\":" + unit + ",\"as_of\":" + date(asOf, "asOf") + "}"));
  }

  /** Items outstanding past their deadline at the end of a day, earliest first (at most 100). */
  public List<Long> overdue(LocalDate asOf) {
    return overdue(asOf, 100);
  }

  /** Items outstanding past their deadline at the end of a day, earliest first (at most limit). */
  public List<Long> overdue(LocalDate asOf, long limit) {
    String args = "{\"as_of\":" + date(asOf, "asOf") + ",\"limit\":" + limit + "}";
    return Json.ids(Json.parse(call("overdue", args)), "overdue");
  }

  /** The ids of a unit's items (every status). */
  public List<Long> items(long unit) {
    return Json.ids(Json.parse(call("items", idArgs("unit", unit))), "items");
  }

  /** The ids of a unit's items with a status. */
  public List<Long> items(long unit, ItemStatus status) {
    String args = "{\"unit\":" + unit + ",\"status\":" + Json.write(Command.need(status, "status")) + "}";
    return Json.ids(Json.parse(call("items", args)), "items");
  }

  /** The conference. */
  public Conference conference(long id) {
    return Conference.parse(call("conference", idArgs("id", id)));
  }

  /** The reconciliation of a conference's items (R07). */
  public Reconciliation reconciliation(long conference) {
    return Reconciliation.parse(call("reconciliation", idArgs("conference", conference)));
  }

  /** The agencies of a unit. */
  public List<Long> agencies(long unit) {
    return Json.ids(Json.parse(call("agencies", idArgs("unit", unit))), "agencies");
  }

  /** The id of the unit with this code, if any. */
  public Optional<Long> findUnit(String code) {
    Object v = Json.parse(call("find_unit", "{\"code\":" + Json.write(Command.need(code, "code")) + "}"));
    return v == null ? Optional.empty() : Optional.of(Json.lng(v, "find_unit"));
  }

  /** The sequence number of the last event. */
  public long lastSeq() {
    return Json.lng(Json.parse(call("last_seq", null)), "last_seq");
  }

  /** The engine's local date (the profile's zone). */
  public LocalDate today() {
    return LocalDate.parse((String) Json.parse(call("today", null)));
  }

  /** Moves the manual clock (engines opened with {@link Options#clock}; otherwise UnsupportedException). */
  public void setClock(Instant now) {
    call("set_clock", "{\"now\":" + Json.write(Command.need(now, "now")) + "}");
  }

  /** Moves the manual clock. */
  public void setClock(OffsetDateTime now) {
    setClock(Command.need(now, "now").toInstant());
  }

  /** Verifies the hash chain of a durable store (UnsupportedException on a memory store). */
  public VerifyReport verify() {
    return VerifyReport.parse(call("verify", null));
  }

  /** Reads what other writers appended to the store; returns the new last sequence number. */
  public long catchUp() {
    return Json.lng(Json.parse(call("catch_up", null)), "catch_up");
  }

  /** Events with seq >= from, at most limit. */
  public List<Event> events(long from, long limit) {
    List<Object> a = Json.arr(Json.parse(call("events", "{\"from\":" + from + ",\"limit\":" + limit + "}")), "events");
    List<Event> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(Event.parse(Json.write(o)));
    return out;
  }

  // ---------------------------------------------------------------- issue 14: tracking, places, satisfaction

  /** The opinion's tracking code (issue 14), e.g. "BD-2022-000001": what the raiser gives to {@link #track}. */
  public String trackingCode(long opinion) {
    return Json.str(Json.obj(Json.parse(call("opinion", idArgs("id", opinion))), "opinion"), "tracking_code");
  }

  /**
   * An opinion's public status by its tracking code (issue 14), redacted (R13). A malformed
   * code is an InvalidArgumentException, an unknown one a NotFoundException.
   */
  public Tracking track(String code) {
    return Tracking.parse(call("track", "{\"code\":" + Json.write(Command.need(code, "code")) + "}"));
  }

  /** {@link #track(String)} as of the end of a past day (NotFoundException before the opinion existed). */
  public Tracking track(String code, LocalDate asOf) {
    return Tracking.parse(call("track", "{\"code\":" + Json.write(Command.need(code, "code")) + ",\"as_of\":"
        + date(asOf, "asOf") + "}"));
  }

  /** The item's place (issue 14, R04), empty when its opinion has none. */
  public Optional<Place> itemPlace(long item) {
    Object v = Json.parse(call("item_place", idArgs("item", item)));
    return v == null ? Optional.empty() : Optional.of(Place.parse(v));
  }

  /** Items within radiusM metres (0 < radiusM ≤ 1,000,000) of a point, nearest first (at most 100). */
  public List<PlacedItem> itemsNear(double lat, double lon, double radiusM) {
    return itemsNear(lat, lon, radiusM, 0, null, null, 100);
  }

  /**
   * Items within radiusM metres of a point, nearest first (issue 14): unit 0 for every unit
   * (else its subtree), status null for any, asOf null for today (else the end of that day),
   * limit 1..10000. Out-of-range or non-finite numbers are InvalidArgumentExceptions.
   */
  public List<PlacedItem> itemsNear(double lat, double lon, double radiusM, long unit, ItemStatus status, LocalDate asOf,
      int limit) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("lat", lat);
    args.put("long", lon);
    args.put("radius_m", radiusM);
    return placed("items_near", args, unit, status, asOf, limit);
  }

  /** Items placed in a box of degrees (west > east crosses the antimeridian), by id (at most 100). */
  public List<PlacedItem> itemsInBox(double south, double west, double north, double east) {
    return itemsInBox(south, west, north, east, 0, null, null, 100);
  }

  /** Items placed in a box of degrees, with the filters of {@link #itemsNear(double, double, double, long, ItemStatus, LocalDate, int)}. */
  public List<PlacedItem> itemsInBox(double south, double west, double north, double east, long unit, ItemStatus status,
      LocalDate asOf, int limit) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("south", south);
    args.put("west", west);
    args.put("north", north);
    args.put("east", east);
    return placed("items_in_box", args, unit, status, asOf, limit);
  }

  private List<PlacedItem> placed(String method, Map<String, Object> args, long unit, ItemStatus status, LocalDate asOf,
      int limit) {
    if (unit != 0) args.put("unit", unit);
    if (status != null) args.put("status", status);
    if (asOf != null) args.put("as_of", asOf);
    args.put("limit", limit);
    List<Object> a = Json.arr(Json.parse(call(method, Json.write(args))), method);
    List<PlacedItem> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(PlacedItem.parse(o));
    return out;
  }

  /** The latest rating of the item's reply (issue 14, R10), empty when it has none. */
  public Optional<SatisfactionRating> satisfaction(long item) {
    Object v = Json.parse(call("satisfaction", idArgs("item", item)));
    return v == null ? Optional.empty() : Optional.of(SatisfactionRating.parse(v));
  }

  /** Items rated not satisfied and awaiting the Front at the end of a day, in every unit (R14). */
  public List<SupervisionEntry> supervisionList(LocalDate asOf) {
    return supervisionList(0, asOf);
  }

  /** Items of a unit's subtree (0: every unit) rated not satisfied and awaiting the Front at the end of a day (R14). */
  public List<SupervisionEntry> supervisionList(long unit, LocalDate asOf) {
    String args = "{" + (unit != 0 ? "\"unit\":" + unit + "," : "") + "\"as_of\":" + date(asOf, "asOf") + "}";
    List<Object> a = Json.arr(Json.parse(call("supervision_list", args)), "supervision_list");
    List<SupervisionEntry> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(SupervisionEntry.parse(o));
    return out;
  }

  // ---------------------------------------------------------------- issue 14: evidence attachments

  /**
   * Puts bytes (at least one) into the engine's attachment store ({@link Options#attachments})
   * and returns their SHA-256 (64 lowercase hex digits); putting existing content is a no-op.
   * UnsupportedException when the engine has no attachment store.
   */
  public String putAttachment(byte[] data) {
    Command.need(data, "data");
    long h = enter();
    try {
      long[] out = new long[1];
      long[] err = new long[1];
      int rc = DtNative.dt_attachment_put(h, data, data.length, out, err);
      if (rc != 0) throw DtNative.error(rc, err[0]);
      return DtNative.take(out[0]);
    } finally {
      exit();
    }
  }

  /** The bytes of a public attachment (R13: publishable, its reply published); anything else is a NotFoundException. */
  public byte[] publicAttachment(String sha256) {
    byte[] hash = DtNative.cstr(sha256, "sha256");
    long h = enter();
    try {
      long[] out = new long[1];
      long[] len = new long[1];
      long[] err = new long[1];
      int rc = DtNative.dt_public_attachment(h, hash, out, len, err);
      if (rc != 0) throw DtNative.error(rc, err[0]);
      if (out[0] == 0) throw new InternalException("dt_public_attachment succeeded without bytes");
      try {
        if (len[0] < 0 || len[0] > Integer.MAX_VALUE - 8)
          throw new UnsupportedException("an attachment of " + len[0] + " bytes does not fit a Java array");
        return new com.sun.jna.Pointer(out[0]).getByteArray(0, (int) len[0]);
      } finally {
        DtNative.dt_free(out[0]);
      }
    } finally {
      exit();
    }
  }

  /** Checks every attachment the log references against the store's bytes (R20); UnsupportedException without a store. */
  public AttachmentReport verifyAttachments() {
    return AttachmentReport.parse(call("verify_attachments", null));
  }

  // ---------------------------------------------------------------- issue 15: the notification outbox

  /**
   * Up to limit (1..1000) pending notices, each leased for lease (1 s..1 day, whole seconds) so
   * that another worker does not fetch it meanwhile. Acknowledge each with {@link #outboxAck}.
   */
  public List<OutboxNotice> outboxFetch(int limit, java.time.Duration lease) {
    Command.need(lease, "lease");
    return notices(call("outbox_fetch", "{\"limit\":" + limit + ",\"lease_seconds\":" + lease.getSeconds() + "}"), "outbox_fetch");
  }

  /** Acknowledges a delivery attempt of a fetched notice, today. */
  public Result outboxAck(long notice, DeliveryOutcome outcome) {
    return outboxAck(notice, outcome, null, null);
  }

  /**
   * Acknowledges a delivery attempt of a fetched notice; detail (null: none), on (null: today).
   * A notice delivered already records nothing (the result's firstSeq is 0).
   */
  public Result outboxAck(long notice, DeliveryOutcome outcome, String detail, LocalDate on) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("notice", notice);
    args.put("outcome", Command.need(outcome, "outcome"));
    if (detail != null) args.put("detail", detail);
    if (on != null) args.put("on", on);
    return Result.parse(call("outbox_ack", Json.write(args)));
  }

  /** Every notice as of today (at most 1000). */
  public List<OutboxNotice> outbox() {
    return outbox(null, null, 0, 0, 1000);
  }

  /**
   * The notices as of the end of a day (null: today): status null for all, unit 0 for every
   * unit (else its subtree), after a notice id to page from (0: the start), limit 1..100000.
   */
  public List<OutboxNotice> outbox(LocalDate asOf, OutboxStatus status, long unit, long after, int limit) {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    if (asOf != null) args.put("as_of", asOf);
    if (status != null) args.put("status", status);
    if (unit != 0) args.put("unit", unit);
    if (after != 0) args.put("after", after);
    args.put("limit", limit);
    return notices(call("outbox", Json.write(args)), "outbox");
  }

  /** The outbox's counts in every unit as of the end of a day. */
  public OutboxCounts outboxCounts(LocalDate asOf) {
    return outboxCounts(0, asOf);
  }

  /** The outbox's counts in a unit's subtree (0: every unit) as of the end of a day. */
  public OutboxCounts outboxCounts(long unit, LocalDate asOf) {
    String args = "{" + (unit != 0 ? "\"unit\":" + unit + "," : "") + "\"as_of\":" + date(asOf, "asOf") + "}";
    return OutboxCounts.parse(call("outbox_counts", args));
  }

  private static List<OutboxNotice> notices(String text, String what) {
    List<Object> a = Json.arr(Json.parse(text), what);
    List<OutboxNotice> out = new ArrayList<>(a.size());
    for (Object o : a) out.add(OutboxNotice.parse(o));
    return out;
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Calls listener for every event committed after this call, exactly once, in sequence order,
   * on the engine's delivery thread. Close the returned Subscription to stop (it waits for a
   * call in progress). Closing the engine delivers what was committed, then ends every
   * subscription.
   */
  public Subscription subscribe(EventListener listener) {
    Command.need(listener, "listener");
    long h = enter();
    try {
      return Subscription.open(this, h, listener);
    } finally {
      exit();
    }
  }

  /**
   * Waits until every event committed before this call was delivered to the listeners; false
   * on timeout or when called from inside a listener.
   */
  public boolean flushSubscribers() {
    return Boolean.TRUE.equals(Json.parse(call("flush_subscribers", null)));
  }

  /** Waits at most timeoutMillis for {@link #flushSubscribers()}. */
  public boolean flushSubscribers(long timeoutMillis) {
    return Boolean.TRUE.equals(Json.parse(call("flush_subscribers", "{\"timeout_ms\":" + timeoutMillis + "}")));
  }
}
