package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error code reaches Java as its own exception class with its code and message, and
 * wrong or hostile values (nulls, negative and huge ids, dates out of range, invalid text,
 * malformed and deeply nested JSON) are refused with the right code, changing nothing, never
 * a JVM crash, a raw JNA error or a NullPointerException.
 */
class ErrorsTest {
  @TempDir Path dir;
  Engine e;
  TestSupport.Ward w;

  @BeforeEach
  void open() {
    e = TestSupport.memory();
    w = TestSupport.ward(e);
  }

  @AfterEach
  void close() {
    e.close();
  }

  /** Runs what, expecting exception class type with code; checks the message and that nothing was appended. */
  <T extends DoithoaiException> T refused(Class<T> type, ErrorCode code, Executable what) {
    long before = e.isClosed() ? 0 : e.lastSeq();
    T x = assertThrows(type, what);
    assertEquals(code, x.code());
    assertEquals(code.value(), x.status());
    assertTrue(x.getMessage() != null && !x.getMessage().isEmpty());
    if (!e.isClosed()) assertEquals(before, e.lastSeq(), "a refused call appended events");
    return x;
  }

  <T extends DoithoaiException> T refused(Class<T> type, Executable what) {
    return refused(type, codeOf(type), what);
  }

  static ErrorCode codeOf(Class<? extends DoithoaiException> type) {
    return switch (type.getSimpleName()) {
            case "NotFoundException" -> ErrorCode.NOT_FOUND;
            case "PermissionDeniedException" -> ErrorCode.PERMISSION_DENIED;
            case "InvalidTransitionException" -> ErrorCode.INVALID_TRANSITION;
            case "InvalidArgumentException" -> ErrorCode.INVALID_ARGUMENT;
            case "ConflictException" -> ErrorCode.CONFLICT;
            case "StorageException" -> ErrorCode.STORAGE;
            case "CorruptionException" -> ErrorCode.CORRUPTION;
            case "UnsupportedException" -> ErrorCode.UNSUPPORTED;
            case "OutOfMemoryException" -> ErrorCode.OUT_OF_MEMORY;
            case "InternalException" -> ErrorCode.INTERNAL;
            default -> throw new AssertionError(type);
          };
  }

  // ------------------------------------------------------------------ every code, from the library

  @Test
  void everyStatusMapsToItsClass() {
    Map<Integer, Class<? extends DoithoaiException>> expected = Map.of(1, NotFoundException.class, 2,
        PermissionDeniedException.class, 3, InvalidTransitionException.class, 4, InvalidArgumentException.class, 5,
        ConflictException.class, 6, StorageException.class, 7, CorruptionException.class, 8, UnsupportedException.class,
        64, OutOfMemoryException.class, 65, InternalException.class);
    assertEquals(10, ErrorCode.values().length);
    for (ErrorCode c : ErrorCode.values()) {
      DoithoaiException x = DoithoaiException.of(c.value(), "m");
      assertEquals(expected.get(c.value()), x.getClass());
      assertEquals(c, x.code());
      assertEquals("m", x.getMessage());
      assertEquals(c, ErrorCode.of(c.value()));
    }
    DoithoaiException unknown = DoithoaiException.of(12345, "m");
    assertInstanceOf(InternalException.class, unknown);
    assertTrue(unknown.getMessage().contains("12345"));
    assertNull(ErrorCode.of(0));
  }

  @Test
  void notFound() {
    refused(NotFoundException.class, () -> e.item(999_999));
    refused(NotFoundException.class, () -> e.standing(999_999, LocalDate.of(2022, 12, 31)));
    refused(NotFoundException.class, () -> e.execute(Actor.person(w.office()), Command.assign(999_999, w.agency())));
    refused(NotFoundException.class, () -> Engine.open(Options.memory().profile("no-such-profile")));
  }

  @Test
  void permissionDenied() {
    long item = e.execute(Actor.person(w.office()), w.opinion("Đất")).items().get(0);
    // a resident may not assign (R19)
    refused(PermissionDeniedException.class, () -> e.execute(Actor.person(w.resident()), Command.assign(item, w.agency())));
    assertEquals(ItemStatus.OPEN, e.itemStatus(item));
  }

  @Test
  void invalidTransition() {
    Actor office = Actor.person(w.office());
    long conf = e.execute(office, Command.planConference(w.unit(), ConferenceKind.PERIODIC, "all_residents",
        LocalDate.of(2022, 10, 10), null)).id();
    // a conference that was never held cannot get a conclusion notice, and cannot be held twice
    refused(InvalidTransitionException.class, () -> e.execute(office, Command.issueConclusionNotice(conf, "1/TB", "x")));
    e.setClock(TestSupport.local(2022, 10, 10));
    long head = e.execute(Actor.SYSTEM, Command.registerPerson("Bí thư")).id();
    e.execute(Actor.SYSTEM, Command.grantRole(head, Role.PARTY_HEAD, w.unit()));
    e.execute(office, Command.holdConference(conf, List.of(head), null));
    refused(InvalidTransitionException.class, () -> e.execute(office, Command.holdConference(conf, List.of(head), null)));
  }

  @Test
  void invalidArgumentFromTheLibrary() {
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": \"system\", \"command\": "));
    refused(InvalidArgumentException.class, () -> e.execute("[1, 2]"));
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": \"system\", \"command\": {\"type\": \"no_such_command\"}}"));
    refused(InvalidArgumentException.class, () -> e.call("no_such_method", "{}"));
    refused(InvalidArgumentException.class, () -> e.call("item", "{\"id\": 1, \"colour\": \"red\"}"));
    refused(InvalidArgumentException.class, () -> e.call("item", "{\"id\": \"one\"}"));
    refused(InvalidArgumentException.class, () -> e.call("item", "{}"));
    refused(InvalidArgumentException.class, () -> e.call("overdue", "{\"as_of\": \"2022-02-30\"}"));
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.of("create_unit").with("name", "X")
        .with("level", "xa").with("colour", "red")));
    refused(InvalidArgumentException.class, () -> Engine.open(Options.memory().set("stor", ":memory:")));
    refused(InvalidArgumentException.class, () -> e.call("debug_throw", "{\"what\": \"json\"}"));
  }

  @Test
  void conflict() {
    e.execute(Actor.person(w.office()), w.opinion("Một"), "portal-1");
    Result again = e.execute(Actor.person(w.office()), w.opinion("Một"), "portal-1");
    assertTrue(again.replayed());
    // the same key for another request
    refused(ConflictException.class, () -> e.execute(Actor.person(w.office()), w.opinion("Hai"), "portal-1"));
  }

  @Test
  void storage() {
    refused(StorageException.class, () -> e.call("debug_throw", "{\"what\": \"error\"}"));
    refused(StorageException.class, () -> Engine.open(Options.store("/nonexistent-dir/x/y.db")));
  }

  @Test
  void corruption() throws Exception {
    String path = dir.resolve("c.db").toString();
    try (Engine f = Engine.open(TestSupport.manual(Options.store(path)))) {
      TestSupport.ward(f);
    }
    // Remove the replay table behind the library's back: the store has lost data it needs
    Process p = new ProcessBuilder("sqlite3", path, "DROP TABLE replay;").redirectErrorStream(true).start();
    assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    refused(CorruptionException.class, () -> Engine.open(Options.store(path)));
  }

  @Test
  void unsupported() {
    refused(UnsupportedException.class, () -> e.verify());  // a memory store has no hash chain
    try (Engine sys = Engine.open(Options.memory())) {  // the system clock
      refused(UnsupportedException.class, () -> sys.setClock(Instant.parse("2022-09-30T00:00:00Z")));
    }
    refused(UnsupportedException.class, () -> Engine.open(Options.memory().set("import_jsonl", "x.jsonl")));
  }

  @Test
  void outOfMemoryAndInternal() {
    refused(OutOfMemoryException.class, () -> e.call("debug_throw", "{\"what\": \"bad_alloc\"}"));
    refused(InternalException.class, () -> e.call("debug_throw", "{\"what\": \"runtime_error\"}"));
    refused(InternalException.class, () -> e.call("debug_throw", "{\"what\": \"int\"}"));
    // the engine works on after each
    assertEquals(ItemStatus.OPEN, e.itemStatus(e.execute(Actor.person(w.office()), w.opinion("x")).items().get(0)));
  }

  // ------------------------------------------------------------------ hostile values from Java

  @Test
  void nullArguments() {
    List<Executable> calls = new ArrayList<>(List.of(
        () -> e.execute((String) null), () -> e.call(null, "{}"), () -> e.execute(null, Command.registerPerson("A")),
        () -> e.execute(Actor.SYSTEM, null), () -> e.accounting(w.unit(), null), () -> e.standing(1, null),
        () -> e.overdue(null), () -> e.setClock((Instant) null), () -> e.subscribe(null), () -> e.findUnit(null),
        () -> e.importOpinions(null, List.of()), () -> e.importOpinions(Actor.SYSTEM, null),
        () -> e.importOpinions(Actor.person(w.office()), java.util.Arrays.asList(w.opinion("a"), null)),
        () -> e.items(w.unit(), null), () -> Engine.open((Options) null), () -> Engine.open((String) null),
        () -> Command.registerPerson(null), () -> Command.createUnit(null, "xa"), () -> Command.grantRole(1, null, 1),
        () -> Command.submitOpinion(1, 0, Channel.MAILBOX, 1, null),
        () -> Command.submitOpinion(1, 0, null, 1, List.of()), () -> Command.assign(1, 1, null),
        () -> Command.holdConference(1, java.util.Arrays.asList(1L, null), null), () -> Command.of(null),
        () -> Command.of("x").with(null, 1), () -> new ItemSpec(null, "t"), () -> new ItemSpec("land", null),
        () -> Options.store(null), () -> Options.memory().profile(null), () -> Options.memory().profileJson(null),
        () -> Json.parse(null)));
    for (Executable c : calls) refused(InvalidArgumentException.class, c);
    // null argument JSON means {}
    assertEquals(e.lastSeq(), Json.parse(e.call("last_seq", null)));
  }

  @Test
  void outOfRangeIds() {
    refused(InvalidArgumentException.class, () -> Actor.person(-1));
    refused(InvalidArgumentException.class, () -> Actor.person(0));
    refused(InvalidArgumentException.class, () -> Actor.person(4294967295L));
    refused(InvalidArgumentException.class, () -> Actor.person(Long.MAX_VALUE));
    for (long bad : new long[] {-1, Long.MIN_VALUE, 1L << 32, 4294967295L + 1, Long.MAX_VALUE}) {
      refused(InvalidArgumentException.class, () -> e.item(bad));
      refused(InvalidArgumentException.class, () -> e.itemStatus(bad));
      refused(InvalidArgumentException.class, () -> e.accounting(bad, LocalDate.of(2022, 10, 1)));
      refused(InvalidArgumentException.class, () -> e.execute(Actor.person(w.office()), Command.assign(bad, w.agency())));
      refused(InvalidArgumentException.class, () -> e.execute(Actor.person(w.office()), Command.assign(1, bad)));
      refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("X", "xa", bad, null)));
      refused(InvalidArgumentException.class, () -> e.overdue(LocalDate.of(2022, 10, 1), bad));
    }
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": -1, \"command\": {\"type\": \"create_unit\", \"name\": \"X\", \"level\": \"xa\"}}"));
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": 99999999999999999999999, \"command\": {\"type\": \"create_unit\", \"name\": \"X\", \"level\": \"xa\"}}"));
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.of("create_unit").with("name", "X")
        .with("level", "xa").with("parent", new java.math.BigInteger("123456789012345678901234567890"))));
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.of("create_unit").with("name", "X")
        .with("level", "xa").with("parent", 1.5)));
  }

  @Test
  void datesOutOfRange() {
    for (LocalDate bad : new LocalDate[] {LocalDate.MIN, LocalDate.MAX, LocalDate.of(1899, 12, 31), LocalDate.of(2200, 1, 1),
        LocalDate.of(-5, 1, 1), LocalDate.of(99999, 1, 1)}) {
      refused(InvalidArgumentException.class, () -> e.accounting(w.unit(), bad));
      refused(InvalidArgumentException.class, () -> e.overdue(bad));
      refused(InvalidArgumentException.class, () -> e.execute(Actor.person(w.office()),
          Command.planConference(w.unit(), ConferenceKind.PERIODIC, "all_residents", bad, null)));
    }
    for (Instant bad : new Instant[] {Instant.MIN, Instant.MAX, Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("1399-12-31T00:00:00Z")}) {
      refused(InvalidArgumentException.class, () -> e.setClock(bad));
      refused(InvalidArgumentException.class, () -> Engine.open(Options.memory().clock(bad)));
    }
  }

  @Test
  void invalidText() {
    String lone = "Ph\uD800ường";
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit(lone, "xa")));
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"" + lone + "\", \"level\": \"xa\"}}"));
    refused(InvalidArgumentException.class, () -> e.findUnit("\uDC00"));
    refused(InvalidArgumentException.class, () -> e.call("find_unit\uD800", "{}"));
    // a NUL character: C would cut the text there, so the binding refuses it
    refused(InvalidArgumentException.class, () -> e.execute("{\"actor\": \"system\", \"command\": {}}\u0000garbage"));
    refused(InvalidArgumentException.class, () -> e.call("last_seq\u0000", "{}"));
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("X", "xa"), "key\u0000"));
    // inside a JSON string it is escaped and reaches the library, which refuses control characters in names
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("A\u0000B", "xa")));
    // too long: texts up to 16,384 bytes, names up to 512
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("x".repeat(100_000), "xa")));
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("X", "xa"), "k".repeat(600)));
    // Vietnamese, emoji and quotes are fine, and come back unchanged
    String name = "Phường \"Bồ Đề\" \\ 😀\ttab";
    long u = e.execute(Actor.SYSTEM, Command.createUnit(name, "xa")).id();
    assertEquals(name, ((Map<?, ?>) e.query("unit", Map.of("id", u))).get("name"));
  }

  @Test
  void malformedAndDeepRawJson() {
    for (String bad : new String[] {"", "{", "nul", "{\"actor\": \"system\",}", "\"just a string\"", "{} {}"}) {
      refused(InvalidArgumentException.class, () -> e.execute(bad));
    }
    refused(InvalidArgumentException.class, () -> e.call("item", "{"));
    refused(InvalidArgumentException.class, () -> e.call("item", "[1]"));
    String deep = "[".repeat(100) + "]".repeat(100);
    refused(InvalidArgumentException.class, () -> e.execute(deep));
    String deeper = "{\"a\":".repeat(1_000_000) + "1" + "}".repeat(1_000_000);
    refused(InvalidArgumentException.class, () -> e.call("item", deeper));
    Object nested = List.of();
    for (int k = 0; k < 100; ++k) nested = List.of(nested);
    Object n = nested;
    refused(InvalidArgumentException.class, () -> e.execute(Actor.SYSTEM, Command.createUnit("X", "xa").with("code", n)));
    refused(InvalidArgumentException.class, () -> Options.memory().profileJson("{\"a\":"));
    refused(InvalidArgumentException.class, () -> Options.memory().profileJson("[]"));
  }

  @Test
  void wrongRowsForImport() {
    refused(InvalidArgumentException.class, () -> e.importOpinions(Actor.person(w.office()), List.of(Command.registerPerson("A"))));
    // a row the library cannot decode imports nothing
    refused(InvalidArgumentException.class, () -> e.importOpinions(Actor.person(w.office()),
        List.of(w.opinion("a"), Command.of("submit_opinion").with("unit", w.unit()).with("colour", 1))));
    // raise mode: the first failing row stops the import, the rows before it stay committed
    long before = e.lastSeq();
    Command unknownUnit = Command.submitOpinion(999_999, 0, Channel.LETTER, w.resident(), List.of(new ItemSpec("land", "b")));
    NotFoundException x = assertThrows(NotFoundException.class,
        () -> e.importOpinions(Actor.person(w.office()), List.of(w.opinion("a"), unknownUnit)));
    assertEquals(before + 1, e.lastSeq());
    assertTrue(x.getMessage().contains("row 2"), x.getMessage());
    // skip mode: the failing row is listed, the others committed
    ImportReport r = e.importOpinions(Actor.person(w.office()), List.of(w.opinion("c"), unknownUnit, w.opinion("d")), true, null);
    assertEquals(3, r.rows());
    assertEquals(2, r.submitted());
    assertEquals(1, r.failed());
    assertEquals(2, r.opinions().size());
    assertEquals(List.of(new ImportReport.RowError(2, ErrorCode.NOT_FOUND, r.errors().get(0).message())), r.errors());
  }

  @Test
  void exceptionsAreUncheckedAndCarryTheirCode() {
    Supplier<DoithoaiException> s = () -> assertThrows(DoithoaiException.class, () -> e.item(424242));
    DoithoaiException x = s.get();
    assertInstanceOf(RuntimeException.class, x);
    assertInstanceOf(NotFoundException.class, x);
    assertTrue(x.getMessage().contains("424242"), x.getMessage());
  }

  @Test
  void rawJsonInABulkImportIsHeldToWhatStringsAre() {
    Actor office = Actor.person(w.office());
    long before = e.lastSeq();
    // A Raw value that would end the request early at its NUL (C reads to the first NUL), or
    // that holds a lone surrogate (UTF-8 would turn it into '?'), is refused before C sees it.
    Command early = w.opinion("x").with("topic", new Json.Raw("\"land\"}]}\u0000"));
    refused(InvalidArgumentException.class, () -> e.importOpinions(office, List.of(w.opinion("a"), early, w.opinion("b"))));
    Command surrogate = w.opinion("x").with("topic", new Json.Raw("\"\ud800\""));
    refused(InvalidArgumentException.class, () -> e.importOpinions(office, List.of(surrogate)));
    assertEquals(before, e.lastSeq());
    // A valid Raw goes through.
    assertEquals(1, e.importOpinions(office, List.of(w.opinion("c").with("topic", new Json.Raw("\"land\"")))).submitted());
  }
}
