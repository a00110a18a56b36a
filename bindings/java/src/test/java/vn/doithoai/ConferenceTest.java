package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bồ Đề ward conference of 30/9/2022 end to end on a SQLite file through the typed API
 * (the request sequence of tests/c/c_abi_test.c): directory, plan, opinions collected ahead
 * and raised in the room, answers on the spot, a duplicate, an escalation, assignment, the
 * conclusion notice, an extension, written replies with four deliveries, a late reply,
 * supervision with a reopen and a close; deadlines, standing, overdue lists and accounting as
 * of past days; a listener sees every event; then the file is reopened read-only.
 */
class ConferenceTest {
  @TempDir Path dir;

  Engine e;

  long exec(long actor, Command c) {
    return e.execute(actor == 0 ? Actor.SYSTEM : Actor.person(actor), c).id();
  }

  List<Long> items(long actor, Command c) {
    return e.execute(Actor.person(actor), c).items();
  }

  void day(int y, int m, int d) {
    e.setClock(TestSupport.local(y, m, d));
  }

  long person(String name, Role role, long unit) {
    long p = exec(0, Command.registerPerson(name));
    exec(0, Command.grantRole(p, role, unit));
    return p;
  }

  void reply(long officer, long office, long item, String number) {
    exec(officer, Command.writeReply(item, number, officer, "Trả lời bằng văn bản"));
    for (Recipient r : Recipient.values()) exec(office, Command.recordDelivery(item, r));
  }

  @Test
  void bodeConferenceEndToEnd() {
    String path = dir.resolve("bode.db").toString();
    AtomicLong lastSeq = new AtomicLong();
    AtomicInteger events = new AtomicInteger();
    AtomicInteger deliveries = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    e = Engine.open(Options.store(path).profile("hanoi-2200").clock(TestSupport.local(2022, 8, 15)));
    Subscription sub = e.subscribe(ev -> {
      if (ev.seq() != lastSeq.get() + 1) outOfOrder.incrementAndGet();
      lastSeq.set(ev.seq());
      events.incrementAndGet();
      if (ev.type().equals("reply_delivered")) deliveries.incrementAndGet();
    });

    // Directory (R01, R19)
    long hanoi = exec(0, Command.createUnit("Thành phố Hà Nội", "tinh").with("code", "HN"));
    long longbien = exec(0, Command.createUnit("Quận Long Biên", "huyen", hanoi, "HN-LB"));
    long bode = exec(0, Command.createUnit("Phường Bồ Đề", "xa", longbien, "HN-LB-BD"));
    assertTrue(hanoi > 0 && longbien > hanoi && bode > longbien);
    long land = exec(0, Command.createAgency(bode, "Bộ phận Địa chính - Xây dựng phường", false, "BD-DC"));
    long urban = exec(0, Command.createAgency(bode, "Đội Trật tự đô thị phường", false, "BD-TTDT"));
    long districtLand = exec(0, Command.createAgency(longbien, "Phòng Tài nguyên và Môi trường quận Long Biên", true, "LB-TNMT"));
    long women = exec(0, Command.createOrganization(bode, "Hội Liên hiệp Phụ nữ phường", "women_union"));
    long partyHead = person("Nguyễn Thị Thanh Hằng", Role.PARTY_HEAD, bode);
    long govHead = person("Nguyễn Văn Luyện", Role.GOVERNMENT_HEAD, bode);
    long office = person("Văn phòng Đảng ủy - UBND phường Bồ Đề", Role.OFFICE, bode);
    long front = person("Chủ tịch Ủy ban MTTQ phường Bồ Đề", Role.FRONT_CHAIR, bode);
    long officerLand = exec(0, Command.registerPerson("Trưởng bộ phận Địa chính"));
    exec(0, Command.grantAgencyRole(officerLand, Role.AGENCY_HEAD, bode, land));
    long officerUrban = exec(0, Command.registerPerson("Đội trưởng Trật tự đô thị"));
    exec(0, Command.grantAgencyRole(officerUrban, Role.AGENCY_HEAD, bode, urban));
    long districtOfficer = exec(0, Command.registerPerson("Trưởng phòng TN-MT quận Long Biên"));
    exec(0, Command.grantAgencyRole(districtOfficer, Role.AGENCY_HEAD, longbien, districtLand));
    long womenRep = exec(0, Command.registerPerson("Chủ tịch Hội LHPN phường"));
    exec(0, Command.grantOrganizationRep(womenRep, bode, women));
    long[] residents = new long[6];
    for (int i = 0; i < 6; ++i) residents[i] = person("Đại diện Nhân dân tổ dân phố " + (i + 1), Role.RESIDENT, bode);
    assertEquals(bode, e.findUnit("HN-LB-BD").orElseThrow());
    assertTrue(e.findUnit("no-such-code").isEmpty());

    // Plan (R02, R03): notice on 20/9 for 30/9; opinions collected in advance (R04)
    day(2022, 9, 20);
    long conf = exec(office, Command.planConference(bode, ConferenceKind.PERIODIC, "all_residents", LocalDate.of(2022, 9, 30),
        "Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên"));
    assertEquals(ConferenceStatus.PLANNED, e.conference(conf).status());
    day(2022, 9, 23);
    List<Long> adv = items(womenRep, Command.submitOpinionByOrganization(bode, conf, Channel.COLLECTED_IN_ADVANCE, women,
        List.of(new ItemSpec("culture_society", "Sân chơi cho trẻ em khu tập thể"),
            new ItemSpec("urban_order", "Rác thải tồn đọng tại điểm tập kết tổ 9"))));
    assertEquals(2, adv.size());

    // Hold on 30/9/2022; six opinions raised in the room, two issues each
    day(2022, 9, 30);
    exec(office, Command.holdConference(conf, List.of(partyHead, govHead), "Báo cáo 9 tháng đầu năm 2022"));
    Conference held = e.conference(conf);
    assertEquals(ConferenceStatus.HELD, held.status());
    assertEquals(LocalDate.of(2022, 10, 30), held.replyDue());
    assertEquals(List.of(partyHead, govHead), held.chairs());
    String[][] texts = {{"land", "Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3"},
        {"land", "Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài"}, {"land", "Đất tái định cư cho các hộ di dời"},
        {"urban_order", "Lấn chiếm vỉa hè phố Bồ Đề"}, {"urban_order", "Rác thải tồn đọng tại điểm tập kết"},
        {"urban_order", "Ngập úng ngõ 30 khi mưa lớn"}, {"urban_order", "Đèn chiếu sáng ngõ 58 hỏng"},
        {"land", "Thủ tục tách thửa còn chậm"}, {"urban_order", "Mặt đường ngõ 172 xuống cấp"},
        {"land", "Công khai quy hoạch sử dụng đất"}, {"urban_order", "Thoát nước khu tập thể"},
        {"land", "Đo đạc lại ranh giới thửa đất tổ 7"}};
    List<Long> items = new ArrayList<>();
    for (int i = 0; i < 6; ++i) {
      List<Long> got = items(office, Command.submitOpinion(bode, conf, Channel.AT_CONFERENCE, residents[i],
          List.of(new ItemSpec(texts[2 * i][0], texts[2 * i][1]), new ItemSpec(texts[2 * i + 1][0], texts[2 * i + 1][1]))));
      assertEquals(2, got.size());
      items.addAll(got);
    }
    long escalated = items.get(1), complex = items.get(2), reopened = items.get(5), late = items.get(6);
    // R07: the advance item on rubbish duplicates the one raised in the room; R06: answers on the spot
    exec(office, Command.mergeDuplicate(adv.get(1), items.get(4)));
    exec(office, Command.answerOnSpot(items.get(9), partyHead, "Chủ tọa trả lời trực tiếp tại hội nghị"));
    exec(office, Command.answerOnSpot(items.get(11), govHead, "Chủ tọa trả lời trực tiếp tại hội nghị"));
    Reconciliation rc = e.reconciliation(conf);
    assertEquals(List.of(new Reconciliation.Duplicate(adv.get(1), items.get(4))), rc.duplicates());
    assertEquals(12, rc.raisedAtConference().size());
    assertEquals(ItemStatus.ANSWERED, e.itemStatus(items.get(9)));
    assertTrue(e.item(items.get(9)).answeredOnSpot());

    // After the conference (R08, R09, R11)
    day(2022, 10, 3);
    long newItem = e.execute(Actor.person(office), Command.escalate(escalated, longbien, districtLand,
        "Đề nghị UBND quận xem xét đơn giá bồi thường GPMB", LocalDate.of(2022, 10, 3))).id();
    assertTrue(newItem > 0);
    assertEquals(newItem, e.item(escalated).escalatedTo());
    assertEquals(escalated, e.item(newItem).escalatedFrom());
    for (int i = 0; i < items.size(); ++i) {
      if (i == 1 || i == 9 || i == 11) continue;
      exec(office, Command.assign(items.get(i), i % 2 != 0 ? urban : land));
    }
    exec(office, Command.assign(adv.get(0), urban));
    Item first = e.item(items.get(0));
    assertEquals(ItemStatus.ASSIGNED, first.status());
    assertEquals(land, first.agency());
    assertEquals(LocalDate.of(2022, 10, 30), first.deadline());
    assertEquals(LocalDate.of(2022, 10, 30), e.deadline(items.get(0)).orElseThrow());
    day(2022, 10, 7);
    exec(office, Command.issueConclusionNotice(conf, "Thông báo kết luận số 125-TB/ĐU",
        "Kết luận của người đứng đầu cấp ủy, chính quyền phường"));
    Conference.Notice notice = e.conference(conf).notice();
    assertNotNull(notice);
    assertEquals(LocalDate.of(2022, 10, 7), notice.issuedOn());
    assertEquals(LocalDate.of(2022, 10, 10), notice.due());
    assertTrue(notice.onTime());
    // R12: the complex issue gets a later deadline with a written notice
    day(2022, 10, 25);
    exec(office, Command.extend(complex, LocalDate.of(2022, 11, 30), "Thông báo 210/TB-UBND", LocalDate.of(2022, 10, 25),
        "Liên quan nhiều ngành, cần thời gian xác minh quỹ đất"));
    Item ext = e.item(complex);
    assertEquals(LocalDate.of(2022, 11, 30), ext.deadline());
    assertEquals(LocalDate.of(2022, 10, 30), ext.originalDeadline());
    assertEquals(1, ext.extensions());
    Map<?, ?> why = (Map<?, ?>) e.query("explain_deadline", Map.of("item", complex));
    assertEquals("extension", why.get("source"));

    // Written replies (R10), four deliveries each; the street light's is late
    int k = 0;
    for (int i = 0; i < items.size(); ++i) {
      if (i == 1 || i == 9 || i == 11 || i == 2 || i == 6) continue;
      day(2022, 10, 20 + k % 8);
      reply(i % 2 != 0 ? officerUrban : officerLand, office, items.get(i), (300 + k) + "/UBND-VP");
      ++k;
    }
    List<Long> overdue = e.overdue(LocalDate.of(2022, 11, 1));
    assertTrue(overdue.contains(late) && overdue.contains(adv.get(0)), overdue.toString());
    assertEquals(List.of(), e.overdue(LocalDate.of(2022, 10, 30)));
    day(2022, 11, 2);
    reply(officerLand, office, late, "350/UBND-VP");
    assertEquals(Standing.OVERDUE, e.standing(late, LocalDate.of(2022, 11, 1)));
    assertEquals(Standing.RESOLVED, e.standing(late, LocalDate.of(2022, 11, 2)));
    assertEquals(Standing.NOT_YET_DUE, e.standing(complex, LocalDate.of(2022, 11, 2)));
    Item lateItem = e.item(late);
    assertEquals("350/UBND-VP", lateItem.replyNumber());
    assertEquals(LocalDate.of(2022, 11, 2), lateItem.replyCompletedOn());
    assertTrue(lateItem.replyCompletedOn().isAfter(lateItem.deadline()));
    day(2022, 11, 25);
    reply(officerLand, office, complex, "400/UBND-VP");
    assertEquals(ItemStatus.REPLIED, e.itemStatus(complex));

    // Supervision (R14): the Front reopens one and closes another
    day(2022, 11, 28);
    exec(front, Command.recordFinding(reopened, "Ngõ 30 vẫn ngập khi mưa ngày 26/11", false));
    exec(front, Command.reopen(reopened, "Kết quả giải quyết chưa thỏa đáng"));
    Item again = e.item(reopened);
    assertEquals(ItemStatus.ASSIGNED, again.status());
    assertEquals(1, again.reopened());
    exec(front, Command.closeItem(items.get(0), "MTTQ phường giám sát: đã giải quyết"));
    assertEquals(ItemStatus.CLOSED, e.itemStatus(items.get(0)));

    // Accounting as of past days (R15)
    Accounting nov1 = e.accounting(bode, LocalDate.of(2022, 11, 1));
    assertEquals(14, nov1.items());
    assertEquals(2, nov1.overdue());  // the street light and the advance playground item
    assertEquals(nov1.items(), nov1.resolved() + nov1.outstanding());
    assertEquals(LocalDate.of(2022, 11, 1), nov1.asOf());
    Accounting oct30 = e.accounting(bode, LocalDate.of(2022, 10, 30));
    assertEquals(0, oct30.overdue());
    Accounting end = e.accounting(bode, LocalDate.of(2022, 12, 31));
    assertEquals(1, end.repliedLate());
    assertEquals(1, end.reopenedItems());
    assertEquals(1, end.extendedItems());
    assertEquals(2, e.items(bode, ItemStatus.ASSIGNED).size());  // reopened, and the playground never replied

    // Report (R16) and an export through the raw level
    String report = e.call("report", "{\"unit\":" + bode + ",\"period\":{\"kind\":\"year\",\"year\":2022},\"as_of\":\"2022-12-31\"}");
    Map<?, ?> rep = (Map<?, ?>) Json.parse(report);
    assertEquals("doithoai.report/1", rep.get("schema"));
    assertEquals(14L, ((Map<?, ?>) rep.get("items")).get("items"));
    String csv = (String) Json.parse(e.call("export_items", "{\"format\":\"csv\",\"unit\":" + bode + ",\"visibility\":\"internal\"}"));
    assertTrue(csv.startsWith("\uFEFF") && csv.contains("Ngập úng ngõ 30"));

    // The listener saw every event, in order, once; four deliveries for each of nine replies
    assertTrue(e.flushSubscribers());
    assertEquals(e.lastSeq(), lastSeq.get());
    assertEquals(e.lastSeq(), events.get());
    assertEquals(0, outOfOrder.get());
    assertEquals(4 * 9, deliveries.get());
    assertEquals(0, sub.listenerErrors());
    assertEquals(events.get(), sub.delivered());
    sub.close();

    // The hash chain on the file
    VerifyReport v = e.verify();
    assertTrue(v.ok());
    assertEquals(e.lastSeq(), v.checked());
    long seq = e.lastSeq();
    e.close();

    // Reopened read-only: the whole conference is there (replayed from SQLite), writes refused
    try (Engine ro = Engine.open(Options.store(path).readOnly())) {
      assertEquals(seq, ro.lastSeq());
      assertEquals(15, ro.accounting(hanoi, LocalDate.of(2022, 11, 1)).items());  // with the district's item
      assertEquals(LocalDate.of(2022, 11, 30), ro.item(complex).deadline());
      assertEquals(v.head(), ro.verify().head());
      DoithoaiException x = assertThrows(DoithoaiException.class,
          () -> ro.execute(Actor.SYSTEM, Command.createUnit("Phường mới", "xa")));
      assertTrue(x.code() == ErrorCode.STORAGE || x.code() == ErrorCode.UNSUPPORTED, x.toString());
      assertEquals(seq, ro.lastSeq());
    }
    assertFalse(sub.isActive());
  }
}
