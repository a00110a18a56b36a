package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 14 and 15 through the typed API: places on opinions and the place queries (R04),
 * tracking codes, anonymous opinions and withheld names (R04, R13), evidence attachments with
 * the attachment store (R10, R13, R20), satisfaction ratings and the supervision list (R10,
 * R14), the notification outbox. Hostile values (lat 91, NaN, dates out of range, unknown ids,
 * unknown enum names through the raw level) each get their typed exception with the stable
 * code and change nothing.
 */
class FollowupTest {
  static final double LAT = 21.0405, LON = 105.8747;
  static final byte[] JPEG = "\u00ff\u00d8 ảnh vỉa hè sau xử lý".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  Engine e;
  TestSupport.Ward w;
  long front, officer;

  @BeforeEach
  void open() {
    Map<String, Object> profile;
    try (Engine plain = Engine.open()) {  // hanoi-2200 with an outbox (issue 15)
      profile = new java.util.LinkedHashMap<>(Json.obj(plain.query("profile", null), "profile"));
    }
    profile.put("outbox", Map.of("reply_due_days", 3));
    e = Engine.open(Options.memory().profileJson(Json.write(profile)).clock(TestSupport.local(2022, 9, 1))
        .attachments(dir.resolve("att").toString()));
    w = TestSupport.ward(e);
    front = person("Chủ tịch MTTQ", Role.FRONT_CHAIR);
    officer = e.execute(Actor.SYSTEM, Command.registerPerson("Trưởng bộ phận")).id();
    e.execute(Actor.SYSTEM, Command.grantAgencyRole(officer, Role.AGENCY_HEAD, w.unit(), w.agency()));
    person("Bí thư", Role.PARTY_HEAD);
    person("Chủ tịch UBND", Role.GOVERNMENT_HEAD);
  }

  @AfterEach
  void close() {
    e.close();
  }

  long person(String name, Role role) {
    long p = e.execute(Actor.SYSTEM, Command.registerPerson(name)).id();
    e.execute(Actor.SYSTEM, Command.grantRole(p, role, w.unit()));
    return p;
  }

  Result submit(Command c) {
    return e.execute(Actor.person(w.office()), c);
  }

  Command letter(String text) {
    return Command.submitOpinion(w.unit(), 0, Channel.LETTER, w.resident(), List.of(new ItemSpec("land", text)));
  }

  /** Assigned, replied with the attachments and delivered to everyone. */
  long replied(List<Attachment> evidence) {
    long item = submit(letter("Lấn chiếm vỉa hè")).items().get(0);
    e.execute(Actor.person(w.office()), Command.assign(item, w.agency()));
    e.execute(Actor.person(officer), Command.writeReply(item, "1/TL-UBND", officer, "Đã xử lý").attachments(evidence));
    for (Recipient r : Recipient.values()) e.execute(Actor.person(w.office()), Command.recordDelivery(item, r));
    return item;
  }

  <T extends DoithoaiException> void refused(Class<T> type, ErrorCode code, Executable what) {
    long before = e.lastSeq();
    T x = assertThrows(type, what);
    assertEquals(code, x.code());
    assertFalse(x.getMessage().isEmpty());
    assertEquals(before, e.lastSeq(), "a refused call appended events");
  }

  void invalid(Executable what) {
    refused(InvalidArgumentException.class, ErrorCode.INVALID_ARGUMENT, what);
  }

  void notFound(Executable what) {
    refused(NotFoundException.class, ErrorCode.NOT_FOUND, what);
  }

  @Test
  void r04ItemsWithTheirOwnPlaceAndPlaceItem() {
    Place lane = new Place(LAT, LON, "Ngõ 30 Bồ Đề");
    Place market = new Place(21.0505, 105.8847);
    Result r = submit(Command.submitOpinion(w.unit(), 0, Channel.LETTER, w.resident(),
        List.of(new ItemSpec("land", "Ngõ 30 ngập", market), new ItemSpec("land", "Chợ bẩn"))).place(lane));
    long own = r.items().get(0), inherits = r.items().get(1);
    assertEquals(market, e.itemPlace(own).orElseThrow());
    assertEquals(lane, e.itemPlace(inherits).orElseThrow());
    e.execute(Actor.person(w.office()), Command.placeItem(inherits, market));
    assertEquals(market, e.itemPlace(inherits).orElseThrow());
    assertEquals(List.of(own, inherits), e.itemsNear(market.lat(), market.lon(), 10).stream().map(PlacedItem::item).toList());
    // Bad places and unknown items: typed exceptions, nothing appended.
    invalid(() -> submit(Command.submitOpinion(w.unit(), 0, Channel.LETTER, w.resident(),
        List.of(new ItemSpec("land", "x", new Place(91, LON))))));
    invalid(() -> e.execute(Actor.person(w.office()), Command.placeItem(own, new Place(LAT, Double.NaN))));
    invalid(() -> e.execute(Actor.person(w.office()), Command.placeItem(own, null)));
    notFound(() -> e.execute(Actor.person(w.office()), Command.placeItem(999_999, market)));
    refused(PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED,
        () -> e.execute(Actor.person(w.resident()), Command.placeItem(own, lane)));
  }

  @Test
  void r04PlacesAndPlaceQueries() {
    long a = submit(letter("Ngõ 30").place(new Place(LAT, LON, "Ngõ 30 Bồ Đề"))).items().get(0);
    long b = submit(letter("Ngập úng").with("place", new Place(LAT + 0.001, LON))).items().get(0);
    long none = submit(letter("Không có địa điểm")).items().get(0);
    assertEquals(new Place(LAT, LON, "Ngõ 30 Bồ Đề"), e.itemPlace(a).orElseThrow());
    assertTrue(e.itemPlace(none).isEmpty());
    List<PlacedItem> near = e.itemsNear(LAT, LON, 200);
    assertEquals(List.of(a, b), near.stream().map(PlacedItem::item).toList());
    assertEquals(111.2, near.get(1).distanceM(), 0.5);
    assertEquals(ItemStatus.OPEN, near.get(0).status());
    assertEquals(List.of(a), e.itemsNear(LAT, LON, 1000, w.unit(), null, null, 1).stream().map(PlacedItem::item).toList());
    assertTrue(e.itemsNear(LAT, LON, 1000, 0, ItemStatus.ASSIGNED, null, 100).isEmpty());
    assertEquals(2, e.itemsInBox(21, 105, 22, 106).size());
    e.setClock(TestSupport.local(2022, 9, 5));
    submit(letter("Sau").place(new Place(LAT, LON)));
    assertEquals(List.of(a), e.itemsNear(LAT, LON, 10, 0, null, LocalDate.of(2022, 9, 1), 100).stream().map(PlacedItem::item).toList());
    assertEquals(2, e.itemsNear(LAT, LON, 10).size());

    invalid(() -> submit(letter("x").place(new Place(91, LON))));
    invalid(() -> submit(letter("x").place(new Place(LAT, -180.5))));
    invalid(() -> submit(letter("x").place(new Place(Double.NaN, LON))));
    invalid(() -> submit(letter("x").place(new Place(LAT, Double.POSITIVE_INFINITY))));
    invalid(() -> submit(letter("x").place(new Place(LAT, LON, "a".repeat(513)))));
    invalid(() -> submit(letter("x").with("place", Map.of("lat", "21", "long", LON))));
    invalid(() -> submit(letter("x").with("place", List.of(LAT, LON))));
    invalid(() -> submit(letter("x").place(null)));
    invalid(() -> e.itemsNear(LAT, LON, 0));
    invalid(() -> e.itemsNear(Double.NaN, LON, 10));
    invalid(() -> e.itemsNear(91, LON, 10));
    invalid(() -> e.itemsNear(LAT, LON, 10, 0, null, null, 0));
    invalid(() -> e.itemsNear(LAT, LON, 10, 0, null, LocalDate.of(2200, 1, 1), 10));
    invalid(() -> e.itemsInBox(10, 0, 5, 1));
    notFound(() -> e.itemsNear(LAT, LON, 10, 999, null, null, 10));
    notFound(() -> e.itemPlace(999));
  }

  @Test
  void r04R13TrackingCodesAnonymousOpinionsAndWithheldNames() {
    Result op = submit(letter("Xin giữ kín tên").withholdName());
    String code = e.trackingCode(op.id());
    assertTrue(code.matches("BD-2022-\\d+"), code);
    Tracking t = e.track(code);
    assertEquals(op.id(), t.opinion());
    assertEquals(op.items(), t.items().stream().map(Tracking.TrackedItem::id).toList());
    assertEquals(Channel.LETTER, t.channel());
    assertEquals(ItemStatus.OPEN, t.items().get(0).status());
    assertFalse(t.json().toString().contains("Ông A"), "the withheld name is not shown");
    assertEquals(Boolean.TRUE, Json.obj(e.query("opinion", Map.of("id", op.id())), "o").get("name_withheld"));
    e.setClock(TestSupport.local(2022, 9, 5));
    assertEquals(op.id(), e.track(code, LocalDate.of(2022, 9, 1)).opinion());
    notFound(() -> e.track(code, LocalDate.of(2022, 8, 31)));
    notFound(() -> e.track("BD-2022-999999"));
    invalid(() -> e.track("not a code"));
    invalid(() -> e.track("BD-2022-1\0"));
    invalid(() -> e.track(code, LocalDate.of(1899, 12, 31)));
    notFound(() -> e.trackingCode(999));

    Result anon = submit(Command.submitAnonymousOpinion(w.unit(), 0, Channel.MAILBOX, List.of(new ItemSpec("land", "Thư không ký tên"))));
    assertEquals(Boolean.TRUE, Json.obj(e.query("opinion", Map.of("id", anon.id())), "o").get("anonymous"));
    assertEquals(anon.id(), e.track(e.trackingCode(anon.id())).opinion());
    invalid(() -> submit(Command.submitAnonymousOpinion(w.unit(), 0, Channel.LETTER, List.of(new ItemSpec("land", "x")))));
    invalid(() -> submit(letter("x").with("withhold_name", "yes")));
  }

  @Test
  void r10R13R20EvidenceAttachments() {
    String sha = e.putAttachment(JPEG);
    assertEquals(Attachment.sha256Hex(JPEG), sha);
    assertEquals(sha, e.putAttachment(JPEG), "putting existing content is a no-op");
    Attachment photo = Attachment.of("vỉa hè.jpg", "image/jpeg", JPEG, true);
    byte[] pdf = "%PDF-1.4 hồ sơ".getBytes(StandardCharsets.UTF_8);
    e.putAttachment(pdf);
    Attachment priv = Attachment.of("hồ sơ.pdf", "application/pdf", pdf, false);
    long op = submit(letter("Kèm ảnh").attachments(photo)).id();
    assertEquals(List.of(photo), Attachment.list(Json.obj(e.query("opinion", Map.of("id", op)), "o").get("attachments")));

    long item = submit(letter("Vỉa hè")).items().get(0);
    e.execute(Actor.person(w.office()), Command.assign(item, w.agency()));
    Command reply = Command.writeReply(item, "1/TL", officer, "Đã xử lý");
    Actor by = Actor.person(officer);
    refused(NotFoundException.class, ErrorCode.NOT_FOUND,
        () -> e.execute(by, reply.attachments(new Attachment("x.jpg", "image/jpeg", 3, "0".repeat(64), false))));
    invalid(() -> e.execute(by, reply.attachments(Attachment.of("x.exe", "application/x-msdownload", JPEG, false))));
    invalid(() -> e.execute(by, reply.attachments(new Attachment("x.jpg", "image/jpeg", -1, sha, false))));
    invalid(() -> e.execute(by, reply.attachments(new Attachment("", "image/jpeg", JPEG.length, sha, false))));
    invalid(() -> e.execute(by, reply.attachments(new Attachment("x.jpg", "image/jpeg", JPEG.length, "XYZ", false))));
    invalid(() -> reply.attachments(new Attachment[] {null}));
    invalid(() -> new Attachment(null, "image/jpeg", 1, sha, false));
    e.execute(by, reply.attachments(List.of(photo, priv)));
    assertEquals(List.of(photo, priv), e.item(item).replyAttachments());
    for (Recipient r : Recipient.values()) e.execute(Actor.person(w.office()), Command.recordDelivery(item, r));
    notFound(() -> e.publicAttachment(sha));
    e.execute(Actor.person(w.office()), Command.of("publish_reply").with("item", item));
    assertArrayEquals(JPEG, e.publicAttachment(sha), "the bytes of a public attachment");
    notFound(() -> e.publicAttachment(priv.sha256()));
    invalid(() -> e.publicAttachment("nope"));
    invalid(() -> e.putAttachment(new byte[0]));
    invalid(() -> e.putAttachment(null));
    AttachmentReport rep = e.verifyAttachments();
    assertTrue(rep.ok());
    assertEquals(3, rep.references());
    assertTrue(rep.problems().isEmpty());
    try (Engine plain = TestSupport.memory()) {
      assertThrows(UnsupportedException.class, () -> plain.putAttachment(JPEG));
      assertThrows(UnsupportedException.class, plain::verifyAttachments);
    }
  }

  @Test
  void r10R14SatisfactionAndTheSupervisionList() {
    long item = replied(List.of());
    long unreplied = submit(letter("Chưa trả lời")).items().get(0);
    Actor resident = Actor.person(w.resident());
    refused(PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED,
        () -> e.execute(Actor.person(w.office()), Command.recordSatisfaction(item, Satisfaction.SATISFIED, null)));
    invalid(() -> e.execute(resident, Command.recordSatisfaction(item, Satisfaction.NOT_SATISFIED, null)));
    invalid(() -> e.execute(resident, Command.of("record_satisfaction").with("item", item).with("rating", "very")));
    invalid(() -> e.execute(resident, Command.recordSatisfaction(item, Satisfaction.SATISFIED, null).with("on", LocalDate.of(2200, 1, 1))));
    invalid(() -> Command.recordSatisfaction(item, null, "x"));
    notFound(() -> e.execute(resident, Command.recordSatisfaction(999, Satisfaction.SATISFIED, null)));
    refused(InvalidTransitionException.class, ErrorCode.INVALID_TRANSITION,
        () -> e.execute(resident, Command.recordSatisfaction(unreplied, Satisfaction.SATISFIED, null)));
    assertTrue(e.satisfaction(item).isEmpty());

    e.setClock(TestSupport.local(2022, 9, 8));
    e.execute(resident, Command.recordSatisfaction(item, Satisfaction.NOT_SATISFIED, "Vỉa hè vẫn bị lấn chiếm"));
    SatisfactionRating r = e.satisfaction(item).orElseThrow();
    assertEquals(new SatisfactionRating(item, Satisfaction.NOT_SATISFIED, "Vỉa hè vẫn bị lấn chiếm", LocalDate.of(2022, 9, 8), true), r);
    LocalDate d8 = LocalDate.of(2022, 9, 8);
    List<SupervisionEntry> list = e.supervisionList(w.unit(), d8);
    assertEquals(List.of(item), list.stream().map(SupervisionEntry::item).toList());
    assertEquals(w.agency(), list.get(0).agency());
    assertEquals(d8, list.get(0).ratedOn());
    assertTrue(e.supervisionList(LocalDate.of(2022, 9, 7)).isEmpty(), "not on the list the day before");
    invalid(() -> e.supervisionList(LocalDate.of(1899, 12, 31)));
    invalid(() -> e.supervisionList(null));
    notFound(() -> e.supervisionList(999, d8));

    e.setClock(TestSupport.local(2022, 9, 9));
    String sha = e.putAttachment(JPEG);
    e.execute(Actor.person(front), Command.recordFinding(item, "Đã làm việc với người dân", false)
        .attachments(Attachment.of("biên bản.jpg", "image/jpeg", JPEG, false)));
    assertTrue(e.supervisionList(LocalDate.of(2022, 9, 9)).isEmpty(), "a finding takes it off the list");
    assertEquals(1, e.supervisionList(d8).size(), "the past stays as it was");
    assertFalse(e.satisfaction(item).orElseThrow().awaitingFront());
    assertTrue(e.item(item).json().toString().contains(sha), "the finding carries its evidence");
  }

  @Test
  void r09R10R15TheNotificationOutbox() {
    replied(List.of());
    submit(letter("Chưa trả lời: nhắc hạn"));
    List<OutboxNotice> pending = e.outbox(null, OutboxStatus.PENDING, 0, 0, 1000);
    assertFalse(pending.isEmpty());
    OutboxNotice reply = pending.stream().filter(n -> n.kind().equals("reply")).findFirst().orElseThrow();
    assertEquals("R10", reply.rule());
    assertEquals("1/TL-UBND", reply.data().get("number"));
    assertEquals(LocalDate.of(2022, 9, 1), reply.issuedOn());
    List<OutboxNotice> got = e.outboxFetch(2, Duration.ofSeconds(30));
    assertEquals(2, got.size());
    assertTrue(e.outboxFetch(100, Duration.ofMinutes(1)).stream().noneMatch(n -> n.id() == got.get(0).id() || n.id() == got.get(1).id()),
        "leased notices are not fetched twice");
    assertTrue(e.outboxAck(got.get(0).id(), DeliveryOutcome.DELIVERED, "250 OK", null).firstSeq() > 0);
    assertEquals(0, e.outboxAck(got.get(0).id(), DeliveryOutcome.DELIVERED).firstSeq(), "delivered already: nothing recorded");
    e.execute(Actor.SYSTEM, Command.acknowledgeNotice(got.get(1).id(), DeliveryOutcome.FAILED, "bounce"));
    assertEquals(List.of(got.get(1).id()), e.outbox(null, OutboxStatus.FAILED, 0, 0, 100).stream().map(OutboxNotice::id).toList());
    OutboxCounts c = e.outboxCounts(w.unit(), LocalDate.of(2022, 9, 1));
    assertEquals(1, c.delivered());
    assertEquals(1, c.failedAttempts());
    assertEquals(c.issued(), c.delivered() + c.pending());
    assertEquals(0, e.outboxCounts(LocalDate.of(2022, 8, 31)).issued(), "counts as of a past day");
    e.setClock(TestSupport.local(2022, 9, 28));
    assertTrue(e.execute(Actor.SYSTEM, Command.issueReminders()).firstSeq() > 0);
    assertEquals(0, e.execute(Actor.SYSTEM, Command.issueReminders().with("on", LocalDate.of(2022, 9, 28))).firstSeq(), "once a day");
    assertTrue(e.outbox().stream().anyMatch(n -> n.kind().equals("reply_due_reminder")));
    assertEquals(1, e.outbox(null, null, 0, 0, 1).size());

    long failed = got.get(1).id();
    invalid(() -> e.outboxFetch(0, Duration.ofSeconds(30)));
    invalid(() -> e.outboxFetch(1001, Duration.ofSeconds(30)));
    invalid(() -> e.outboxFetch(1, Duration.ofMillis(500)));
    invalid(() -> e.outboxFetch(1, Duration.ofDays(2)));
    invalid(() -> e.outboxFetch(1, null));
    invalid(() -> e.outboxAck(failed, null));
    invalid(() -> e.outbox(null, null, 0, 0, 0));
    invalid(() -> e.outboxCounts(LocalDate.of(2200, 1, 1)));
    invalid(() -> e.execute(Actor.SYSTEM, Command.issueReminders().with("limit", 0)));
    invalid(() -> e.execute(Actor.SYSTEM, Command.of("acknowledge_notice").with("notice", failed).with("outcome", "maybe")));
    notFound(() -> e.outboxAck(99999, DeliveryOutcome.DELIVERED));
    notFound(() -> e.outbox(null, null, 999, 0, 10));
    refused(PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED,
        () -> e.execute(Actor.person(w.resident()), Command.acknowledgeNotice(failed, DeliveryOutcome.DELIVERED, null)));
  }
}
