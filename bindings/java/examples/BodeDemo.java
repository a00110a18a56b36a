// The Bồ Đề ward dialogue conference of 30/9/2022, end to end, in Java: the same commands,
// idempotency keys and clock as examples/bode_demo.cpp, so it prints the same tables (the
// ctest java_demo compares the two outputs line by line, store path aside).
//
// Usage: java -cp doithoai.jar:jna.jar:. BodeDemo [database.db | --memory]
//        (the library: -Ddoithoai.library.path=build or DOITHOAI_LIBRARY_PATH)
// Evidence bytes go to the directory <database.db>.attachments (a temporary one with --memory).
// Every command carries an idempotency key, so running the demo again on the same file
// continues it: nothing is appended twice.
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vn.doithoai.*;

public final class BodeDemo {
  record Group(String name, String topic, int agency, List<String> issues) {}

  // The four groups named in the conclusion, 41 issues in all (12 + 13 + 8 + 8).
  static final List<Group> GROUPS = List.of(
      new Group("Quản lý đất đai và GPMB", "land", 0, List.of(
          "Tiến độ cấp giấy chứng nhận quyền sử dụng đất tổ 3", "Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài",
          "Đất tái định cư cho các hộ di dời", "Xử lý lấn chiếm đất công ven đê", "Đo đạc lại ranh giới thửa đất tổ 7",
          "Quỹ đất xây nhà văn hóa tổ 12", "Thủ tục tách thửa còn chậm", "Hồ sơ đất dịch vụ chưa được giao",
          "Bãi đất trống bị đổ trộm phế thải", "Giá bồi thường cây trồng, vật kiến trúc", "Công khai quy hoạch sử dụng đất",
          "Đất nông nghiệp xen kẹt trong khu dân cư")),
      new Group("TTĐT, TTXD, VSMT, hạ tầng dân sinh", "urban_order", 1, List.of(
          "Lấn chiếm vỉa hè phố Bồ Đề", "Công trình xây dựng không phép ngõ 100", "Rác thải tồn đọng tại điểm tập kết",
          "Ngập úng ngõ 30 khi mưa lớn", "Đèn chiếu sáng ngõ 58 hỏng", "Mặt đường ngõ 172 xuống cấp",
          "Tiếng ồn công trình ban đêm", "Thoát nước khu tập thể", "Bãi trông giữ xe tự phát", "Cây xanh đổ nghiêng",
          "Nắp cống vỡ trên phố Nguyễn Văn Cừ", "Vệ sinh chợ tạm", "Biển quảng cáo sai phép")),
      new Group("An ninh trật tự", "security", 2, List.of(
          "Trộm cắp xe máy ban đêm", "Tụ tập thanh thiếu niên gây mất trật tự", "Camera an ninh khu dân cư",
          "Tạm trú, tạm vắng tại nhà cho thuê", "Đua xe trên đường đê", "Phòng cháy chữa cháy nhà ống",
          "Hàng rong lấn chiếm lòng đường", "Lừa đảo qua điện thoại")),
      new Group("Văn hóa - xã hội", "culture_society", 3, List.of(
          "Sân chơi cho trẻ em", "Chế độ cho người có công", "Trợ cấp hộ nghèo, cận nghèo", "Nhà văn hóa tổ 5 xuống cấp",
          "Học bơi cho học sinh", "Bảo hiểm y tế người cao tuổi", "Thông tin chính sách cho hộ kinh doanh",
          "Tiêm chủng cho trẻ em")));

  final Engine engine;
  int counter = 0;
  long replayed = 0;

  BodeDemo(Engine engine) {
    this.engine = engine;
  }

  Result run(long actor, Command c) {
    Result r = engine.execute(actor == 0 ? Actor.SYSTEM : Actor.person(actor), c, "bode-2022/" + (++counter));
    if (r.replayed()) ++replayed;
    return r;
  }

  long sys(Command c) {
    return run(0, c).id();
  }

  static OffsetDateTime local(int y, int m, int d, int hour) {
    return OffsetDateTime.of(y, m, d, hour, 0, 0, 0, ZoneOffset.ofHours(7));
  }

  void day(int y, int m, int d) {
    engine.setClock(local(y, m, d, 9));
  }

  static String dmy(LocalDate d) {
    return d == null ? "—" : String.format("%02d/%02d/%04d", d.getDayOfMonth(), d.getMonthValue(), d.getYear());
  }

  /** Pads or cuts text to n characters (code points), as the C++ demo's cut(). */
  static String cut(String s, int n) {
    int chars = s.codePointCount(0, s.length());
    if (chars > n) return s.substring(0, s.offsetByCodePoints(0, n));
    return s + " ".repeat(n - chars);
  }

  /** printf's %-ns: pads to n bytes of UTF-8 (what the C++ demo's printf does). */
  static String padBytes(String s, int n) {
    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
    return bytes >= n ? s : s + " ".repeat(n - bytes);
  }

  long person(String name, Role role, long unit) {
    long p = sys(Command.registerPerson(name));
    run(0, Command.grantRole(p, role, unit));
    return p;
  }

  long agencyPerson(String name, long unit, long agency) {
    long p = sys(Command.registerPerson(name));
    run(0, Command.grantAgencyRole(p, Role.AGENCY_HEAD, unit, agency));
    return p;
  }

  long orgPerson(String name, long unit, long org) {
    long p = sys(Command.registerPerson(name));
    run(0, Command.grantOrganizationRep(p, unit, org));
    return p;
  }

  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : "bode-2022.db";
    boolean memory = path.equals("--memory");
    Options options = (memory ? Options.memory() : Options.store(path)).profile("hanoi-2200").clock(local(2022, 8, 15, 9));
    try {
      if (memory) {
        java.nio.file.Path dir = Files.createTempDirectory("bode-attachments");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          } catch (IOException ignored) {
            // a temporary directory left behind is harmless
          }
        }));
        options.attachments(dir.toString());
      } else {
        options.attachments(path + ".attachments");
      }
    } catch (IOException e) {
      System.err.println("bode_demo: cannot make a directory for the attachments: " + e);
      System.exit(1);
    }
    int status;
    try (Engine engine = Engine.open(options)) {
      status = new BodeDemo(engine).play(memory ? "in memory" : path, !memory);
    } catch (DoithoaiException e) {
      System.err.println("bode_demo: " + e.code().wireName() + ": " + e.getMessage());
      status = 1;
    }
    System.exit(status);
  }

  int play(String where, boolean durable) {
    final long storedBefore = engine.lastSeq();
    // ---- Directory (R01, R19) ----
    final long hanoi = sys(Command.createUnit("Thành phố Hà Nội", "tinh").with("code", "HN"));
    final long longbien = sys(Command.createUnit("Quận Long Biên", "huyen", hanoi, "HN-LB"));
    final long bode = sys(Command.createUnit("Phường Bồ Đề", "xa", longbien, "HN-LB-BD"));
    final long[] agencies = {
        sys(Command.createAgency(bode, "Bộ phận Địa chính - Xây dựng phường", false, "BD-DC")),
        sys(Command.createAgency(bode, "Đội Trật tự đô thị phường", false, "BD-TTDT")),
        sys(Command.createAgency(bode, "Công an phường Bồ Đề", false, "BD-CA")),
        sys(Command.createAgency(bode, "Bộ phận Văn hóa - Xã hội phường", false, "BD-VHXH"))};
    final long districtLand = sys(Command.createAgency(longbien, "Phòng Tài nguyên và Môi trường quận Long Biên", true, "LB-TNMT"));
    final long women = sys(Command.createOrganization(bode, "Hội Liên hiệp Phụ nữ phường", "women_union"));
    final long veterans = sys(Command.createOrganization(bode, "Hội Cựu chiến binh phường", "veterans_association"));
    final long partyHead = person("Nguyễn Thị Thanh Hằng", Role.PARTY_HEAD, bode);
    final long govHead = person("Nguyễn Văn Luyện", Role.GOVERNMENT_HEAD, bode);
    final long office = person("Văn phòng Đảng ủy - UBND phường Bồ Đề", Role.OFFICE, bode);
    final long front = person("Chủ tịch Ủy ban MTTQ phường Bồ Đề", Role.FRONT_CHAIR, bode);
    final long[] officers = new long[agencies.length];
    for (int k = 0; k < agencies.length; ++k) {
      String name = (String) ((Map<?, ?>) engine.query("agency", Map.of("id", agencies[k]))).get("name");
      officers[k] = agencyPerson("Trưởng " + name, bode, agencies[k]);
    }
    final long districtOfficer = agencyPerson("Trưởng phòng TN-MT quận Long Biên", longbien, districtLand);
    final long districtOffice = person("Văn phòng Quận ủy - UBND quận Long Biên", Role.OFFICE, longbien);
    final long districtFront = person("Chủ tịch Ủy ban MTTQ quận Long Biên", Role.FRONT_CHAIR, longbien);
    final long womenRep = orgPerson("Chủ tịch Hội LHPN phường", bode, women);
    final long veteransRep = orgPerson("Chủ tịch Hội CCB phường", bode, veterans);
    final List<Long> residents = new ArrayList<>();
    for (int k = 1; k <= 14; ++k) residents.add(person("Đại diện Nhân dân tổ dân phố " + k, Role.RESIDENT, bode));

    // ---- Plan (R02, R03): public notice on 20/9 for 30/9 ----
    day(2022, 9, 20);
    final long conf = run(office, Command.planConference(bode, ConferenceKind.PERIODIC, "all_residents",
        LocalDate.of(2022, 9, 30), "Kế hoạch 131-KH/QU ngày 09/8/2022 của Quận ủy Long Biên")).id();
    // Opinions collected in advance through the organizations (R04).
    day(2022, 9, 23);
    final Result adv1 = run(womenRep, Command.submitOpinionByOrganization(bode, conf, Channel.COLLECTED_IN_ADVANCE, women,
        List.of(new ItemSpec("culture_society", "Sân chơi cho trẻ em khu tập thể"),
            new ItemSpec("urban_order", "Rác thải tồn đọng tại điểm tập kết tổ 9"))));
    final Result adv2 = run(veteransRep, Command.submitOpinionByOrganization(bode, conf, Channel.COLLECTED_IN_ADVANCE, veterans,
        List.of(new ItemSpec("social_policy", "Chế độ cho cựu chiến binh có hoàn cảnh khó khăn"),
            new ItemSpec("security", "Trộm cắp xe máy ban đêm ở tổ 11"))));

    // ---- Hold (R02, R03): 30/9/2022, chaired by the two heads ----
    engine.setClock(local(2022, 9, 30, 14));
    run(office, Command.holdConference(conf, List.of(partyHead, govHead),
        "Báo cáo tóm tắt công tác xây dựng Đảng, KTXH, ANQP 9 tháng đầu năm 2022"));
    // 14 opinions holding the 41 issues, dealt round-robin over the four groups.
    final List<long[]> issues = new ArrayList<>();  // {item, group}
    {
      List<int[]> flat = new ArrayList<>();  // {group, issue}
      for (int g = 0, more = 1; more != 0; ++g) {
        more = 0;
        for (int gr = 0; gr < GROUPS.size(); ++gr)
          if (g < GROUPS.get(gr).issues().size()) {
            flat.add(new int[] {gr, g});
            more = 1;
          }
      }
      int next = 0;
      for (int o = 0; o < 14; ++o) {
        int n = o < 13 ? 3 : flat.size() - next;  // 13 × 3 + 2 = 41
        List<ItemSpec> specs = new ArrayList<>();
        for (int k = 0; k < n; ++k, ++next) {
          Group gr = GROUPS.get(flat.get(next)[0]);
          specs.add(new ItemSpec(gr.topic(), gr.issues().get(flat.get(next)[1])));
        }
        Result r = run(office, Command.submitOpinion(bode, conf, Channel.AT_CONFERENCE, residents.get(o), specs));
        for (int k = 0; k < r.items().size(); ++k) issues.add(new long[] {r.items().get(k), flat.get(next - n + k)[0]});
      }
    }
    // R07: two advance items duplicate issues raised in the room.
    final Map<String, Long> byText = new LinkedHashMap<>();
    for (long[] is : issues) byText.putIfAbsent(engine.item(is[0]).text(), is[0]);
    run(office, Command.mergeDuplicate(adv1.items().get(1), byText.get("Rác thải tồn đọng tại điểm tập kết")));
    run(office, Command.mergeDuplicate(adv2.items().get(1), byText.get("Trộm cắp xe máy ban đêm")));
    // R06: the chairs answer 14 issues directly (every third one).
    for (int k = 0; k < issues.size(); k += 3)
      run(office, Command.answerOnSpot(issues.get(k)[0], k % 2 != 0 ? govHead : partyHead,
          "Chủ tọa trả lời trực tiếp, thống nhất hướng giải quyết tại hội nghị"));

    // ---- After the conference (R08, R09, R11) ----
    day(2022, 10, 3);
    final long escalated = byText.get("Bồi thường GPMB dự án đường Ngô Gia Tự kéo dài");
    final long complex = byText.get("Đất tái định cư cho các hộ di dời");
    final long reopened = byText.get("Ngập úng ngõ 30 khi mưa lớn");
    final long late = byText.get("Đèn chiếu sáng ngõ 58 hỏng");
    run(office, Command.escalate(escalated, longbien, districtLand,
        "Đề nghị UBND quận xem xét đơn giá bồi thường GPMB (vượt thẩm quyền phường)", LocalDate.of(2022, 10, 3)));
    final List<Long> assigned = new ArrayList<>();
    for (int k = 0; k < issues.size(); ++k) {
      long id = issues.get(k)[0];
      int g = (int) issues.get(k)[1];
      if (k % 3 == 0 || id == escalated) continue;
      run(office, Command.assign(id, agencies[GROUPS.get(g).agency()]));
      assigned.add(id);
    }
    run(office, Command.assign(adv1.items().get(0), agencies[3]));
    run(office, Command.assign(adv2.items().get(0), agencies[3]));
    // Issue 14 (R04): an unsigned letter from the ward's suggestion mailbox, entered by the office
    // (the profile's "anonymous" section allows the mailbox channel), assigned to the police.
    day(2022, 10, 5);
    final Result anon = run(office, Command.submitAnonymousOpinion(bode, 0, Channel.MAILBOX,
        List.of(new ItemSpec("security", "Thư không ký tên: quán karaoke tổ 14 hát sau 22 giờ"))));
    final long anonymous = anon.items().get(0);
    run(office, Command.assign(anonymous, agencies[2]));
    day(2022, 10, 7);
    run(office, Command.issueConclusionNotice(conf, "Thông báo kết luận số 125-TB/ĐU",
        "Kết luận của người đứng đầu cấp ủy, chính quyền phường tại hội nghị đối thoại năm 2022"));
    // R12: the complex issue gets a later deadline with a written notice to the raiser.
    day(2022, 10, 25);
    run(office, Command.extend(complex, LocalDate.of(2022, 11, 30), "Thông báo 210/TB-UBND", LocalDate.of(2022, 10, 25),
        "Liên quan nhiều ngành, cần thời gian xác minh quỹ đất"));

    // ---- Written replies (R10): four deliveries each ----
    final class Replier {
      void reply(long id, String number, int y, int m, int d) {
        reply(id, number, y, m, d, List.of());
      }

      void reply(long id, String number, int y, int m, int d, List<Attachment> evidence) {
        day(y, m, d);
        Item it = engine.item(id);
        long officer = 0;
        for (int k = 0; k < agencies.length; ++k)
          if (agencies[k] == it.agency()) officer = officers[k];
        if (it.agency() == districtLand) officer = districtOfficer;
        run(officer, Command.writeReply(id, number, officer, "Trả lời bằng văn bản: " + it.text()).attachments(evidence));
        for (Recipient r : new Recipient[] {Recipient.PARTY_HEAD, Recipient.GOVERNMENT_HEAD, Recipient.FRONT_CHAIR, Recipient.RAISER})
          run(it.agency() == districtLand ? districtOffice : office, Command.recordDelivery(id, r));
      }
    }
    Replier rep = new Replier();
    int number = 300;
    // The day from the number before the increment, as bode_demo.cpp does.
    for (long id : assigned)
      if (id != complex && id != late) {
        int before = number;
        rep.reply(id, (++number) + "/UBND-VP", 2022, 10, 20 + before % 8);
      }
    rep.reply(adv1.items().get(0), (++number) + "/UBND-VP", 2022, 10, 28);
    rep.reply(adv2.items().get(0), (++number) + "/UBND-VP", 2022, 10, 28);
    // The anonymous letter has no raiser to deliver to: its reply reaches them by public posting
    // (R10, R13; the profile's anonymous.delivery "posted"), which completes it.
    day(2022, 10, 28);
    run(officers[2], Command.writeReply(anonymous, "88/CAP-TH", officers[2],
        "Công an phường đã kiểm tra, lập biên bản và yêu cầu cơ sở karaoke chấm dứt hoạt động sau 22 giờ"));
    for (Recipient r : new Recipient[] {Recipient.PARTY_HEAD, Recipient.GOVERNMENT_HEAD, Recipient.FRONT_CHAIR})
      run(office, Command.recordDelivery(anonymous, r));
    day(2022, 10, 31);
    run(office, Command.of("publish_reply").with("item", anonymous));
    // The late reply carries its evidence (issue 14; R10, R13): the bytes go to the attachment
    // store first (content-addressed: putting them again on a rerun changes nothing), the event
    // records only name, media type, size and SHA-256. Published, so the evidence is public.
    final byte[] record = ("BIÊN BẢN NGHIỆM THU\nSửa chữa, thay thế 06 bộ đèn chiếu sáng ngõ 58 phố Bồ Đề.\n"
        + "Ngày 01/11/2022, đại diện Đội Trật tự đô thị phường, Tổ dân phố và đơn vị thi công kiểm tra:\n"
        + "các bộ đèn đã sáng bình thường từ 18 giờ.\n").getBytes(StandardCharsets.UTF_8);
    final Attachment evidence = new Attachment("bien-ban-nghiem-thu-den-ngo-58.txt", "text/plain", record.length,
        engine.putAttachment(record), true);
    rep.reply(late, (++number) + "/UBND-VP", 2022, 11, 2, List.of(evidence));  // two days late
    run(office, Command.of("publish_reply").with("item", late));
    rep.reply(engine.item(escalated).escalatedTo(), "1520/UBND-TNMT", 2022, 10, 31);
    // ---- Satisfaction (issue 14; R10, R14): the raiser of the flooded lane is not satisfied ----
    final long floodedRaiser =
        ((Number) ((Map<?, ?>) engine.query("opinion", Map.of("id", engine.item(reopened).opinion()))).get("raised_by")).longValue();
    day(2022, 11, 10);
    run(floodedRaiser, Command.recordSatisfaction(reopened, Satisfaction.NOT_SATISFIED, "Ngõ 30 vẫn ngập sau trận mưa ngày 08/11"));
    rep.reply(complex, (++number) + "/UBND-VP", 2022, 11, 25);

    // ---- Supervision (R14): the Front checks, reopens one, closes the rest ----
    day(2022, 11, 28);
    run(front, Command.recordFinding(reopened, "Ngõ 30 vẫn ngập khi mưa ngày 26/11; chưa giải quyết dứt điểm", false));
    run(front, Command.reopen(reopened, "Kết quả giải quyết chưa thỏa đáng"));
    rep.reply(reopened, (++number) + "/UBND-VP", 2022, 12, 15);
    day(2022, 12, 18);
    run(floodedRaiser, Command.recordSatisfaction(reopened, Satisfaction.SATISFIED, "Đã nạo vét cống, ngõ hết ngập"));
    day(2022, 12, 20);
    final List<Long> all = engine.items(bode);
    for (long id : all)
      if (id != adv1.items().get(1) && id != adv2.items().get(1))  // duplicates follow their originals
        run(front, Command.closeItem(id, "MTTQ phường giám sát: đã giải quyết"));
    run(districtFront, Command.closeItem(engine.item(escalated).escalatedTo(), "MTTQ quận giám sát: đã giải quyết"));
    run(office, Command.closeConference(conf));

    // ---- Print ----
    StringBuilder out = new StringBuilder();
    out.append("Hội nghị đối thoại phường Bồ Đề, 30/9/2022 — store: ").append(where).append('\n');
    if (storedBefore != 0)
      out.append("(continued an existing store of ").append(storedBefore).append(" events; ").append(replayed)
          .append(" commands were recognised by their idempotency keys and appended nothing)\n");
    Conference c = engine.conference(conf);
    out.append("Chủ trì: Bí thư Đảng ủy và Chủ tịch UBND phường; thông báo kết luận ").append(c.notice().number())
        .append(" ngày ").append(dmy(c.notice().issuedOn())).append(" (hạn ").append(dmy(c.notice().due()))
        .append(c.notice().onTime() ? ", đúng hạn" : ", trễ hạn").append("); hạn trả lời ").append(dmy(c.replyDue()))
        .append("; trạng thái: ").append(c.status().wireName()).append("\n\n");
    Reconciliation rc = engine.reconciliation(conf);
    out.append("Đối chiếu (R07): ").append(rc.raisedAtConference().size()).append(" nội dung nêu tại hội nghị, ")
        .append(rc.collectedInAdvance().size()).append(" nội dung tổng hợp trước hội nghị, ")
        .append(rc.duplicates().size()).append(" trùng lặp đã gộp\n\n");

    out.append("Bảng theo dõi giải quyết (R09–R14)\n");
    out.append(cut("Số", 4)).append(' ').append(cut("Nội dung", 34)).append(' ').append(cut("Cơ quan", 30)).append(' ')
        .append(cut("Hạn", 10)).append(' ').append(cut("Hạn gốc", 10)).append(' ').append(cut("Văn bản", 14)).append(' ')
        .append(cut("Ngày TL", 10)).append(" Tình trạng\n");
    Map<Long, String> agencyNames = new TreeMap<>();
    for (long u : new long[] {bode, longbien})
      for (long a : engine.agencies(u))
        agencyNames.put(a, (String) ((Map<?, ?>) engine.query("agency", Map.of("id", a))).get("name"));
    List<Long> shown = new ArrayList<>(all);
    shown.add(engine.item(escalated).escalatedTo());
    for (long id : shown) {
      Item it = engine.item(id);
      StringBuilder state = new StringBuilder(it.status().wireName());
      if (it.mergedInto() != 0) state.append(" → #").append(it.mergedInto());
      if (it.escalatedTo() != 0) state.append(" → quận #").append(it.escalatedTo());
      if (it.reopened() != 0) state.append(" (mở lại)");
      if (it.extensions() != 0) state.append(" (gia hạn)");
      if (it.replyCompletedOn() != null && it.deadline() != null && it.replyCompletedOn().isAfter(it.deadline()))
        state.append(" (trễ hạn)");
      String agency = it.agency() != 0 ? agencyNames.get(it.agency()) : (it.answeredOnSpot() ? "trả lời tại hội nghị" : "—");
      boolean replied = it.replyNumber() != null;
      out.append(padBytes(Long.toString(id), 4)).append(' ').append(cut(it.text(), 34)).append(' ')
          .append(cut(agency, 30)).append(' ').append(padBytes(dmy(it.deadline()), 10)).append(' ')
          .append(padBytes(dmy(it.originalDeadline()), 10)).append(' ').append(padBytes(replied ? it.replyNumber() : "", 14))
          .append(' ').append(padBytes(replied ? dmy(it.replyCompletedOn()) : "", 10)).append(' ').append(state).append('\n');
    }

    out.append("\nThống kê theo nội dung (R15), phường Bồ Đề\n");
    for (String h : new String[] {"Tính đến  ", "  Tổng", "  Đã GQ", "  Còn tồn", "  Chưa đến hạn", "  Quá hạn", "  Đúng hạn", "  Trễ hạn"})
      out.append(cut(h, h.equals("Tính đến  ") ? 12 : 11));
    out.append('\n');
    for (LocalDate d : new LocalDate[] {LocalDate.of(2022, 9, 30), LocalDate.of(2022, 10, 10), LocalDate.of(2022, 10, 30),
             LocalDate.of(2022, 11, 1), LocalDate.of(2022, 11, 30), LocalDate.of(2022, 12, 31)}) {
      Accounting a = engine.accounting(bode, d);
      out.append(String.format("%-12s %6d %10d %10d %10d %10d %10d %10d%n", dmy(d), a.items(), a.resolved(), a.outstanding(),
          a.notYetDue(), a.overdue(), a.repliedOnTime(), a.repliedLate()));
    }

    Map<?, ?> report = (Map<?, ?>) engine.query("report", Map.of("unit", bode,
        "period", Map.of("kind", "year", "year", 2022), "as_of", LocalDate.of(2022, 12, 31)));
    Map<?, ?> ri = (Map<?, ?>) report.get("items");
    out.append("\nBáo cáo năm 2022 gửi MTTQ (R16): ").append(((Map<?, ?>) report.get("conferences")).get("total"))
        .append(" hội nghị, ").append(((Map<?, ?>) report.get("opinions")).get("total")).append(" ý kiến, ")
        .append(ri.get("items")).append(" nội dung; đã giải quyết ").append(ri.get("resolved")).append(", còn tồn ")
        .append(ri.get("outstanding")).append("; gia hạn ").append(ri.get("extensions")).append("; đề xuất cấp trên ")
        .append(ri.get("escalated")).append('\n');
    for (Object t : (List<?>) report.get("by_topic")) {
      Map<?, ?> tm = (Map<?, ?>) t;
      out.append("  ").append(cut((String) tm.get("label"), 44)).append(' ').append(tm.get("items"))
          .append(" nội dung, đã giải quyết ").append(tm.get("resolved")).append('\n');
    }
    out.append("  Ý kiến không ký tên (R04): ").append(((Map<?, ?>) report.get("opinions")).get("anonymous"))
        .append(" ý kiến, ").append(ri.get("anonymous")).append(" nội dung\n");
    Map<?, ?> st = report.get("satisfaction") instanceof Map<?, ?> m ? m : Map.of();
    out.append("  Mức độ hài lòng với văn bản trả lời (đánh giá sau cùng): ").append(st.get("rated") == null ? 0 : st.get("rated"))
        .append(" đánh giá, hài lòng ").append(st.get("satisfied") == null ? 0 : st.get("satisfied"))
        .append(", hài lòng một phần ").append(st.get("partly_satisfied") == null ? 0 : st.get("partly_satisfied"))
        .append(", không hài lòng ").append(st.get("not_satisfied") == null ? 0 : st.get("not_satisfied")).append('\n');
    for (Object a : (List<?>) report.get("by_agency")) {
      Map<?, ?> am = (Map<?, ?>) a;
      if (((Number) am.get("replies_with_evidence")).longValue() != 0)
        out.append("  Văn bản trả lời có minh chứng: ").append(cut((String) am.get("name"), 34)).append(' ')
            .append(am.get("replies_with_evidence")).append('/').append(am.get("written_replies")).append('\n');
    }

    // Issue 14 as the citizen sees it: the tracking code of the unsigned letter, looked up as a
    // visitor would (the public status only), on the day of its posting and at the year's end.
    final String code = engine.trackingCode(anon.id());
    out.append("\nThư không ký tên, mã tra cứu ").append(code).append(" (R04, R10, R13):");
    final LocalDate yearEnd = LocalDate.of(2022, 12, 31);
    for (LocalDate d : new LocalDate[] {LocalDate.of(2022, 10, 5), LocalDate.of(2022, 10, 31), yearEnd}) {
      Tracking.TrackedItem ti = engine.track(code, d).items().get(0);
      out.append(' ').append(dmy(d)).append(' ').append(ti.status().wireName());
      if (ti.replyNumber() != null) out.append(" (").append(ti.replyNumber()).append(')');
      if (!d.equals(yearEnd)) out.append(';');
    }
    out.append('\n');
    // The reply with evidence: what the event records, and the bytes checked against the store (R20).
    boolean isPublic;
    try {
      isPublic = java.util.Arrays.equals(engine.publicAttachment(evidence.sha256()), record);
    } catch (NotFoundException e) {
      isPublic = false;
    }
    out.append("Minh chứng kèm văn bản ").append(engine.item(late).replyNumber()).append(": ").append(evidence.name())
        .append(" (").append(evidence.mediaType()).append(", ").append(evidence.size()).append(" byte, SHA-256 ")
        .append(evidence.sha256()).append("), công khai: ").append(isPublic ? "có" : "không");
    AttachmentReport ar = engine.verifyAttachments();
    out.append("; kiểm tra kho minh chứng: ").append(ar.checked()).append(" tệp, ").append(ar.ok() ? "khớp mã băm" : "LỖI")
        .append('\n');
    // R14: the Front's supervision list before and after it reopened the item.
    out.append("Danh sách giám sát của MTTQ (người nêu không hài lòng, R14):");
    final LocalDate reopenDay = LocalDate.of(2022, 11, 28);
    for (LocalDate d : new LocalDate[] {LocalDate.of(2022, 11, 9), LocalDate.of(2022, 11, 10), reopenDay}) {
      List<SupervisionEntry> list = engine.supervisionList(bode, d);
      out.append(' ').append(dmy(d)).append(": ");
      if (list.isEmpty()) out.append("trống");
      for (SupervisionEntry e : list) out.append('#').append(e.item()).append(' ').append(e.comment());
      if (!d.equals(reopenDay)) out.append(';');
    }
    out.append('\n');
    boolean chainOk = true;
    if (durable) {
      VerifyReport v = engine.verify();
      chainOk = v.ok();
      out.append("\nNhật ký (R20): ").append(v.checked()).append(" sự kiện, chuỗi băm ")
          .append(v.ok() ? "hợp lệ" : "HỎNG: " + v.problem()).append(", đầu chuỗi ").append(v.head(), 0, 16)
          .append("…\n");
    }
    System.out.print(out);
    System.out.flush();
    // The demo checks its own outcome, as the C++ one does.
    Accounting end = engine.accounting(bode, LocalDate.of(2022, 12, 31));
    Conference fin = engine.conference(conf);
    List<SupervisionEntry> flagged = engine.supervisionList(bode, LocalDate.of(2022, 11, 10));
    boolean citizensOk = ((Number) ((Map<?, ?>) report.get("opinions")).get("anonymous")).longValue() == 1 && ar.ok()
        && ar.checked() == 1 && flagged.size() == 1 && flagged.get(0).item() == reopened
        && engine.supervisionList(bode, reopenDay).isEmpty() && st.get("rated") instanceof Long rated && rated == 1
        && st.get("satisfied") instanceof Long sat && sat == 1 && engine.itemStatus(anonymous) == ItemStatus.CLOSED;
    boolean ok = chainOk && citizensOk && fin.status() == ConferenceStatus.CLOSED && ((Number) ri.get("items")).longValue() == 46
        && end.outstanding() == 0 && end.repliedLate() == 1
        && LocalDate.of(2022, 10, 30).equals(engine.item(complex).originalDeadline())
        && engine.item(reopened).reopened() == 1 && fin.notice().onTime();
    if (!ok) System.err.println("bode_demo: the replayed conference does not end as the seed says");
    return ok ? 0 : 1;
  }
}
