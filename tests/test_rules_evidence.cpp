// Evidence attachments (issue 14): R04 opinions, R10 written replies, R13 publication, R14
// findings, R16 reports, R20 verification; the attachment stores. Code: src/rules/evidence.cpp,
// src/attachments.cpp.
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binary.h"
#include "json_text.h"
#include "doithoai/json.h"
#include "fixture.h"
#include "state_access.h"
#include "store_support.h"

using namespace doithoai;
using fx::World;
using nlohmann::json;

namespace {

struct Evidence {
  std::shared_ptr<MemoryAttachmentStore> store = std::make_shared<MemoryAttachmentStore>();
  World w;
  explicit Evidence(Profile p = builtin_profile("hanoi-2200")) : w(std::move(p), options(store)) {}
  static EngineOptions options(std::shared_ptr<AttachmentStore> s) {
    EngineOptions o;
    o.attachments = std::move(s);
    return o;
  }
  Attachment put(const std::string& bytes, const std::string& name, bool publishable = true,
                 const std::string& type = "image/jpeg") {
    return Attachment{name, type, bytes.size(), store->put(bytes), publishable};
  }
  // An item assigned to the land agency.
  ItemId assigned() { return w.assigned_item(); }
  void reply(ItemId i, std::vector<Attachment> a) {
    w.run(w.land_officer, cmd::WriteReply{i, "12/TB-UBND", Date(2022, 10, 5), w.land_officer, "Đã xử lý", std::move(a)});
  }
  void deliver_all(ItemId i) {
    for (Recipient r : {Recipient::party_head, Recipient::government_head, Recipient::front_chair, Recipient::raiser})
      w.run(w.office, cmd::RecordDelivery{i, r, Date(2022, 10, 5)});
  }
};

std::string bytes_of(std::size_t n, char c) { return std::string(n, c); }

// A store whose bytes a test can damage behind the engine's back.
struct DamageableStore final : AttachmentStore {
  std::map<std::string, std::string> blobs;
  std::string put(std::string_view b) override {
    std::string h = sha256_hex(b);
    blobs.emplace(h, std::string(b));
    return h;
  }
  std::string get(std::string_view h) const override {
    auto it = blobs.find(std::string(h));
    if (it == blobs.end()) throw Error(ErrorCode::not_found, "no attachment");
    return it->second;
  }
  bool has(std::string_view h) const override { return blobs.count(std::string(h)) > 0; }
  std::optional<std::uint64_t> size(std::string_view h) const override {
    auto it = blobs.find(std::string(h));
    return it == blobs.end() ? std::nullopt : std::optional<std::uint64_t>(it->second.size());
  }
};

}  // namespace

TEST_CASE("R10 a written reply carries evidence: metadata in the event, bytes in the store") {
  Evidence e;
  const ItemId i = e.assigned();
  e.w.set_day(2022, 10, 5);
  const Attachment photo = e.put("JPEG bytes of the cleared pavement", "vỉa hè sau xử lý.jpg");
  const Attachment pdf = e.put("%PDF-1.4 decision", "quyết định.pdf", false, "application/pdf");
  e.reply(i, {photo, pdf});
  const Item it = e.w.engine->item(i);
  REQUIRE(it.reply);
  REQUIRE(it.reply->attachments.size() == 2);
  CHECK(it.reply->attachments[0].sha256 == sha256_hex("JPEG bytes of the cleared pavement"));
  CHECK(it.reply->attachments[0].name == "vỉa hè sau xử lý.jpg");
  CHECK_FALSE(it.reply->attachments[1].publishable);
  // The event holds the metadata; JSON of the item shows it.
  const auto h = e.w.engine->history(i);
  const auto& written = std::get<ev::ReplyWritten>(h.back().event);
  CHECK(written.attachments.size() == 2);
  const json ej = event_to_json(h.back().event);
  CHECK(ej["attachments"][0]["sha256"] == photo.sha256);
  CHECK(ej["attachments"][1]["media_type"] == "application/pdf");
  json ij;
  to_json(ij, it);
  CHECK(ij["reply"]["attachments"].size() == 2);
  // A reply without evidence has no "attachments" field at all (old logs keep their bytes).
  const ItemId j2 = e.w.letter(e.w.resident);
  e.w.run(e.w.office, cmd::Assign{j2, e.w.land, std::nullopt});
  e.reply(j2, {});
  const auto h2 = e.w.engine->history(j2);
  CHECK_FALSE(event_to_json(h2.back().event).contains("attachments"));
  json ij2;
  to_json(ij2, e.w.engine->item(j2));
  CHECK_FALSE(ij2["reply"].contains("attachments"));
  CHECK_FALSE(command_to_json(cmd::WriteReply{j2, "1", Date(), e.w.land_officer, "x"}).contains("attachments"));
  // The JSON command form round-trips.
  const json cj = command_to_json(cmd::WriteReply{i, "1", Date(), e.w.land_officer, "x", {photo}});
  const auto back = std::get<cmd::WriteReply>(command_from_json(cj));
  REQUIRE(back.attachments.size() == 1);
  CHECK(back.attachments[0].sha256 == photo.sha256);
  CHECK(back.attachments[0].publishable);
}

TEST_CASE("R04 an opinion and R14 a finding carry evidence") {
  Evidence e;
  const Attachment a = e.put("photo of the encroachment", "../../etc/passwd");
  const auto r = e.w.run(e.w.resident, cmd::SubmitOpinion{e.w.ward, ConferenceId(), Channel::letter, e.w.resident,
                                                          OrganizationId(), Date(), "", {{"urban_order", "Lấn chiếm"}}, std::nullopt, {a}});
  const Opinion o = e.w.engine->opinion(OpinionId(r.id));
  REQUIRE(o.attachments.size() == 1);
  CHECK(o.attachments[0].name == "../../etc/passwd");  // a label, never a path
  json oj;
  to_json(oj, o);
  CHECK(oj["attachments"][0]["name"] == "../../etc/passwd");
  const Attachment f = e.put("photo at the inspection", "kiểm tra.png", false, "image/png");
  e.w.run(e.w.front_officer, cmd::RecordFinding{r.items[0], "Vẫn lấn chiếm", false, Date(), {f}});
  const Item it = e.w.engine->item(r.items[0]);
  REQUIRE(it.findings.size() == 1);
  REQUIRE(it.findings[0].attachments.size() == 1);
  CHECK(it.findings[0].attachments[0].sha256 == f.sha256);
}

TEST_CASE("R10 attachments beyond the profile's limits are refused and nothing is recorded") {
  auto pj = profile_to_json(builtin_profile("hanoi-2200"));
  pj["attachments"] = {{"max_bytes", 100}, {"max_count", 2}, {"media_types", {"image/jpeg", "application/pdf"}}};
  Evidence e(load_profile(pj));
  CHECK(e.w.engine->profile().attachments.max_bytes == 100);
  const ItemId i = e.assigned();
  e.w.set_day(2022, 10, 5);
  const Attachment ok = e.put("small", "a.jpg");
  const std::uint64_t before = e.w.engine->last_seq();
  auto refused = [&](ErrorCode code, std::vector<Attachment> v) {
    try {
      e.reply(i, std::move(v));
      FAIL("accepted");
    } catch (const Error& x) {
      CHECK(x.code() == code);
      INFO(x.what());
    }
    CHECK(e.w.engine->last_seq() == before);
  };
  refused(ErrorCode::invalid_argument, {e.put(bytes_of(101, 'x'), "big.jpg")});                      // oversized
  refused(ErrorCode::invalid_argument, {ok, e.put("b", "b.jpg"), e.put("c", "c.jpg")});               // too many
  refused(ErrorCode::invalid_argument, {e.put("exe", "a.exe", true, "application/x-msdownload")});    // type
  refused(ErrorCode::invalid_argument, {ok, ok});                                                    // twice
  Attachment bad = ok;
  bad.sha256 = "ABC";
  refused(ErrorCode::invalid_argument, {bad});
  bad.sha256 = std::string(64, 'G');
  refused(ErrorCode::invalid_argument, {bad});
  bad = ok;
  bad.name = "";
  refused(ErrorCode::invalid_argument, {bad});
  bad.name = "\xff\xfe.jpg";
  refused(ErrorCode::invalid_argument, {bad});
  bad.name = std::string(kMaxNameBytes + 1, 'a');
  refused(ErrorCode::invalid_argument, {bad});
  bad = ok;
  bad.size = 0;
  refused(ErrorCode::invalid_argument, {bad});
  bad.size = 6;  // the store holds 5 bytes under that hash
  refused(ErrorCode::invalid_argument, {bad});
  // Bytes not in the engine's store: refused with not_found (put them first).
  bad = ok;
  bad.sha256 = sha256_hex("never stored");
  refused(ErrorCode::not_found, {bad});
  e.reply(i, {ok});
  CHECK(e.w.engine->item(i).reply->attachments.size() == 1);
  // Bad profile sections are refused by name.
  for (const json& sec : {json{{"max_bytes", 0}}, json{{"max_bytes", -1}}, json{{"max_count", "3"}},
                          json{{"media_types", {"Image/JPEG"}}}, json{{"media_types", {"jpeg"}}}, json{{"maxbytes", 3}},
                          json{{"max_bytes", 1.5}}}) {
    pj["attachments"] = sec;
    REQUIRE_ERROR(invalid_argument, load_profile(pj));
  }
  // Defaults when the section is absent: 20 MiB, 10 files.
  CHECK(builtin_profile("hanoi-2200").attachments.max_bytes == 20u * 1024 * 1024);
  CHECK(builtin_profile("hanoi-2200").attachments.max_count == 10u);
  CHECK_FALSE(profile_to_json(builtin_profile("hanoi-2200")).contains("attachments"));
}

TEST_CASE("R10 without an attachment store the engine records metadata as given") {
  World w;
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 5);
  const Attachment a{"x.jpg", "image/jpeg", 3, sha256_hex("abc"), true};
  w.run(w.land_officer, cmd::WriteReply{i, "1", Date(), w.land_officer, "x", {a}});
  CHECK(w.engine->item(i).reply->attachments.size() == 1);
  CHECK_FALSE(w.engine->attachment_store());
  REQUIRE_ERROR(unsupported, w.engine->verify_attachments());
  REQUIRE_ERROR(unsupported, w.engine->public_attachment(a.sha256));
  // verify against a store given later reports what is missing.
  MemoryAttachmentStore later;
  const auto rep = w.engine->read([&](const State& s) { return verify_attachments(s, later); });
  CHECK_FALSE(rep.ok);
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::missing);
  CHECK(rep.problems[0].owner == "reply");
  CHECK(rep.problems[0].id == i.value);
}

TEST_CASE("R13 an attachment is public only when its reply is published and it was marked publishable") {
  Evidence e;
  const ItemId i = e.assigned();
  e.w.set_day(2022, 10, 5);
  const Attachment pub = e.put("public photo", "ảnh công khai.jpg", true);
  const Attachment priv = e.put("private document of Trần Văn Bình", "hồ sơ.pdf", false, "application/pdf");
  e.reply(i, {pub, priv});
  e.deliver_all(i);
  // Not yet published: nothing is public.
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(pub.sha256));
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(priv.sha256));
  REQUIRE_ERROR(invalid_argument, e.w.engine->public_attachment("../../etc/passwd"));
  e.w.set_day(2022, 10, 6);
  e.w.run(e.w.office, cmd::PublishReply{i, {}});
  CHECK(e.w.engine->public_attachment(pub.sha256) == "public photo");
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(priv.sha256));  // not publishable
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(sha256_hex("unknown")));
  // The public feed lists only the publishable one; public exports likewise.
  const auto feed = e.w.engine->read([&](const State& s) { return public_feed(s, e.w.engine->profile(), e.w.ward); });
  REQUIRE(feed.size() == 1);
  REQUIRE(feed[0].reply);
  REQUIRE(feed[0].reply->attachments.size() == 1);
  CHECK(feed[0].reply->attachments[0].sha256 == pub.sha256);
  const json fj = public_feed_to_json(feed);
  CHECK(fj["items"][0]["reply"]["attachments"][0]["size"] == pub.size);
  ExportOptions o;
  const json pubx = e.w.engine->read([&](const State& s) { return export_items_json(s, e.w.engine->profile(), o); });
  REQUIRE(pubx["items"][0]["reply"]["attachments"].size() == 1);
  CHECK_FALSE(pubx["items"][0]["reply"]["attachments"][0].contains("publishable"));
  o.visibility = Visibility::internal;
  const json inx = e.w.engine->read([&](const State& s) { return export_items_json(s, e.w.engine->profile(), o); });
  REQUIRE(inx["items"][0]["reply"]["attachments"].size() == 2);
  CHECK(inx["items"][0]["reply"]["attachments"][1]["publishable"] == false);
  // As of the day before publication it was not public (crossing with state_as_of).
  CHECK_FALSE(e.w.engine->state_as_of(Date(2022, 10, 5)).attachment_public(pub.sha256));
  CHECK(e.w.engine->state_as_of(Date(2022, 10, 6)).attachment_public(pub.sha256));
  // Reopened by the front: the reply is no longer in force, its evidence no longer public.
  e.w.run(e.w.front_chair, cmd::Reopen{i, "Chưa dứt điểm"});
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(pub.sha256));
}

TEST_CASE("R13 a draft reply's evidence is not public while it awaits review") {
  auto pj = profile_to_json(builtin_profile("hanoi-2200"));
  pj["reply_review"] = {{"reviewer", "office"}, {"citation", "test"}};
  Evidence e(load_profile(pj));
  const ItemId i = e.assigned();
  e.w.set_day(2022, 10, 5);
  const Attachment a = e.put("photo", "a.jpg");
  e.reply(i, {a});
  CHECK_FALSE(e.w.engine->read([&](const State& s) { return s.attachment_public(a.sha256); }));
  REQUIRE_ERROR(not_found, e.w.engine->public_attachment(a.sha256));
}

TEST_CASE("R20 verify finds a missing and a corrupted attachment") {
  auto store = std::make_shared<DamageableStore>();
  World w(builtin_profile("hanoi-2200"), Evidence::options(store));
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 5);
  const Attachment a{"1.jpg", "image/jpeg", 9, store->put("photo one"), true};
  const Attachment b{"2.jpg", "image/jpeg", 9, store->put("photo two"), true};
  w.run(w.land_officer, cmd::WriteReply{i, "1", Date(), w.land_officer, "x", {a, b}});
  auto rep = w.engine->verify_attachments();
  CHECK(rep.ok);
  CHECK(rep.checked == 2);
  CHECK(rep.references == 2);
  store->blobs[b.sha256] = "photo twX";  // same size, other bytes
  rep = w.engine->verify_attachments();
  CHECK_FALSE(rep.ok);
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::corrupt);
  CHECK(rep.problems[0].sha256 == b.sha256);
  store->blobs[a.sha256] = "photo one, longer";  // another size
  store->blobs.erase(b.sha256);
  rep = w.engine->verify_attachments();
  REQUIRE(rep.problems.size() == 2);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::corrupt);
  CHECK(rep.problems[1].kind == AttachmentProblemKind::missing);
  CHECK(to_string(rep.problems[0].kind) == "corrupt");
}

TEST_CASE("R20 verify finds a corrupted attachment in the directory store") {
  sx::TempDir dir;
  auto store = std::make_shared<DirectoryAttachmentStore>(dir.file("att"));
  World w(builtin_profile("hanoi-2200"), Evidence::options(store));
  const ItemId i = w.assigned_item();
  w.set_day(2022, 10, 5);
  const std::string bytes = "photo bytes";
  const Attachment a{"a.jpg", "image/jpeg", bytes.size(), store->put(bytes), true};
  w.run(w.land_officer, cmd::WriteReply{i, "1", Date(), w.land_officer, "x", {a}});
  CHECK(w.engine->verify_attachments().ok);
  {
    std::ofstream f(store->path_of(a.sha256), std::ios::binary | std::ios::trunc);
    f << "photo bytez";
  }
  auto rep = w.engine->verify_attachments();
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::corrupt);
  std::filesystem::remove(store->path_of(a.sha256));
  rep = w.engine->verify_attachments();
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == AttachmentProblemKind::missing);
}

TEST_CASE("R20 events with attachments round-trip through JSON, the binary row and a snapshot") {
  const Attachment a{"ảnh.jpg", "image/jpeg", 3, sha256_hex("abc"), true};
  for (const Event& ev : {Event(ev::ReplyWritten{ItemId(1), "1", Date(2022, 10, 5), PersonId(2), AgencyId(3), "x", std::nullopt, {a}}),
                          Event(ev::ReplyWritten{ItemId(1), "1", Date(2022, 10, 5), PersonId(2), AgencyId(3), "x", true, {a}}),
                          Event(ev::FindingRecorded{ItemId(1), "x", false, Date(2022, 10, 5), {a, a}}),
                          Event(ev::ReplyWritten{ItemId(1), "1", Date(2022, 10, 5), PersonId(2), AgencyId(3), "x", std::nullopt, {}})}) {
    const json j = event_to_json(ev);
    const Event back = event_from_json(event_type(ev), 1, j);
    CHECK(event_to_json(back) == j);
    std::string row;
    detail::encode_event(ev, row);
    detail::BinReader r(row.data() + 1, row.data() + row.size());
    const Event b2 = detail::decode_event(r, static_cast<unsigned char>(row[0]));
    CHECK(event_to_json(b2) == j);
  }
  // Without attachments an event has the bytes it had before they existed.
  std::string plain, with;
  detail::encode_event(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5)}), plain);
  detail::encode_event(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5), {a}}), with);
  CHECK(with.size() > plain.size());
  CHECK(with.compare(0, plain.size(), plain) == 0);
  CHECK(detail::event_json_text(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5)})) ==
        R"({"item":1,"on":"2022-10-05","satisfactory":true,"text":"x"})");

  // A hostile log's attachment names are checked as every other name is (durable.cpp).
  Attachment hostile = a;
  hostile.name = "\xff\xfe";
  REQUIRE_ERROR(invalid_argument,
                detail::check_event_fields(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5), {hostile}})));
  hostile.name = std::string(kMaxNameBytes + 1, 'a');
  REQUIRE_ERROR(invalid_argument,
                detail::check_event_fields(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5), {hostile}})));
  detail::check_event_fields(Event(ev::FindingRecorded{ItemId(1), "x", true, Date(2022, 10, 5), {a}}));

  // A snapshot carries the side table.
  sx::TempDir dir;
  auto store = std::make_shared<MemoryAttachmentStore>();
  auto clock = std::make_shared<ManualClock>(fx::at(2022, 9, 20));
  std::string image;
  {
    EngineOptions o = Evidence::options(store);
    o.clock = clock;
    Engine eng(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(dir.file("log.db")), o);
    const auto d = sx::build_directory(eng);
    const auto r = eng.execute(d.resident, cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                               OrganizationId(), Date(), "", {{"urban_order", "x"}},
                                                               std::nullopt, {Attachment{"a.jpg", "image/jpeg", 3, store->put("abc"), false}}});
    CHECK(eng.snapshot() == eng.last_seq());
    image = sx::image_of(eng);
    (void)r;
  }
  EngineOptions o = Evidence::options(store);
  o.clock = clock;
  Engine again(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(dir.file("log.db")), o);
  CHECK(sx::image_of(again) == image);
  CHECK(again.read([](const State& s) { return detail::StateAccess::impl(s).attachments.opinions.size(); }) == 1u);
}

TEST_CASE("R16 the report gives the share of written replies with evidence by agency") {
  Evidence e;
  const ItemId i1 = e.assigned();
  const ItemId i2 = e.w.letter(e.w.resident);
  const ItemId i3 = e.w.letter(e.w.resident2);
  e.w.run(e.w.office, cmd::Assign{i2, e.w.land, std::nullopt});
  e.w.run(e.w.office, cmd::Assign{i3, e.w.urban, std::nullopt});
  e.w.set_day(2022, 10, 5);
  e.reply(i1, {e.put("p", "p.jpg")});
  e.reply(i2, {});
  const Report r = make_report(*e.w.engine, ReportRequest{e.w.ward, Period::year(2022), Date()});
  bool saw_land = false;
  for (const auto& row : r.by_agency) {
    if (row.agency == e.w.land) {
      saw_land = true;
      CHECK(row.written_replies == 2);
      CHECK(row.replies_with_evidence == 1);
      CHECK(*row.evidence_share() == Approx(0.5));
    } else {
      CHECK(row.written_replies == 0);
      CHECK_FALSE(row.evidence_share());
    }
  }
  CHECK(saw_land);
  const json j = report_to_json(r);
  for (const auto& row : j["by_agency"])
    CHECK(row.contains("evidence_share"));
  // The HTML report shows it too, by agency: 2 written replies, 1 with evidence (50%).
  const std::string html = report_html(r);
  CHECK(html.find("Có tài liệu chứng minh") != std::string::npos);
  CHECK(html.find("<td class=\"n\">2</td><td class=\"n\">1 (50%)</td>") != std::string::npos);
  (void)i3;
}

// ---- the directory store -----------------------------------------------------------------

TEST_CASE("R20 the directory store is content-addressed, fans out, and never uses a name as a path") {
  sx::TempDir dir;
  DirectoryAttachmentStore s(dir.file("att"), 1000);
  const std::string h = s.put("hello");
  CHECK(h == sha256_hex("hello"));
  CHECK(h == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  CHECK(s.path_of(h) == dir.file("att") + "/2c/f2/" + h);
  CHECK(std::filesystem::exists(s.path_of(h)));
  CHECK(s.put("hello") == h);  // a no-op
  CHECK(s.get(h) == "hello");
  CHECK(s.has(h));
  CHECK(*s.size(h) == 5);
  CHECK_FALSE(s.has(sha256_hex("other")));
  REQUIRE_ERROR(not_found, s.get(sha256_hex("other")));
  for (const char* bad : {"../../etc/passwd", "", "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824",
                          "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982/"}) {
    REQUIRE_ERROR(invalid_argument, s.get(bad));
    REQUIRE_ERROR(invalid_argument, s.has(bad));
  }
  REQUIRE_ERROR(invalid_argument, s.put(""));
  REQUIRE_ERROR(invalid_argument, s.put(std::string(1001, 'x')));
  // Nothing but the fan-out directories and tmp/ under the root.
  for (const auto& p : std::filesystem::directory_iterator(dir.file("att"))) {
    const auto n = p.path().filename().string();
    CHECK((n == "tmp" || n == "2c"));
  }
  CHECK(std::filesystem::is_empty(dir.file("att") + "/tmp"));
}

TEST_CASE("R20 two processes and many threads put the same content into one directory store") {
  sx::TempDir dir;
  const std::string root = dir.file("att");
  DirectoryAttachmentStore s(root);
  const std::string bytes(256 * 1024, 'z');
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int rc = 0;
    try {
      DirectoryAttachmentStore c(root);
      for (int k = 0; k < 50; ++k)
        if (c.put(bytes) != sha256_hex(bytes)) rc = 1;
    } catch (...) {
      rc = 2;
    }
    _exit(rc);
  }
  std::vector<std::thread> ts;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int k = 0; k < 25; ++k)
        if (s.put(bytes) != sha256_hex(bytes) || s.get(sha256_hex(bytes)) != bytes) ++wrong;
    });
  for (auto& t : ts) t.join();
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(wrong == 0);
  CHECK(s.get(sha256_hex(bytes)) == bytes);
  CHECK(std::filesystem::is_empty(root + "/tmp"));
}

TEST_CASE("R20 a put that fails half-way leaves no torn file behind") {
  sx::TempDir dir;
  const std::string root = dir.file("att");
  DirectoryAttachmentStore s(root);
  const std::string bytes(1 << 20, 'q');
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Writes beyond 64 KiB fail (EFBIG) in this process only.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &lim);
    int rc = 3;
    try {
      DirectoryAttachmentStore c(root);
      c.put(bytes);
      rc = 1;  // should have failed
    } catch (const Error& e) {
      rc = e.code() == ErrorCode::storage ? 0 : 2;
    } catch (...) {
      rc = 4;
    }
    _exit(rc);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const std::string h = sha256_hex(bytes);
  CHECK_FALSE(s.has(h));
  CHECK_FALSE(std::filesystem::exists(s.path_of(h)));
  CHECK(std::filesystem::is_empty(root + "/tmp"));
  // The next put succeeds whole.
  CHECK(s.put(bytes) == h);
  CHECK(s.get(h) == bytes);
}
