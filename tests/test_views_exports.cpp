// Exports (JSON + schemas, CSV, Open311, iCalendar) and the HTML report in headless Chromium.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "require_error.h"
#include "schema_check.h"
#include "views_world.h"

using namespace views_test;
using nlohmann::json;

namespace {

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A ward with a conference, a non-consenting raiser, items in every state, a published reply.
struct Ward {
  World w{"hanoi-2200", D(2022, 8, 1)};
  UnitId ward;
  Heads h;
  AgencyId agency, agency2;
  PersonId officer, officer2, an;
  ConferenceId conf;
  std::vector<ItemId> items;
  Ward() {
    const UnitId hanoi = w.unit("Thành phố Hà Nội", "tinh");
    const UnitId quan = w.unit("Quận Long Biên", "huyen", hanoi);
    ward = w.unit("Phường Bồ Đề", "xa", quan);
    h = w.heads(ward);
    std::tie(agency, officer) = w.agency(ward, "Bộ phận Địa chính - Xây dựng", false, "DCXD");
    std::tie(agency2, officer2) = w.agency(ward, "Công an phường", false, "CA");
    an = w.person("Nguyễn Văn An", false, "0912 345 678", "001089012345", "Số 12 ngõ 34 phố Bồ Đề");
    w.at(D(2022, 9, 9));
    conf = w.plan(h, ward, D(2022, 9, 30));
    w.hold(h, conf, D(2022, 9, 30));
    items = w.raise(h, ward, conf, D(2022, 9, 30), an,
                    {{"land", "Ông Nguyễn Văn An (0912 345 678) hỏi: đất \"lấn chiếm\", bồi thường ra sao?\nXin trả lời sớm."},
                     {"security", "=Tuần tra ban đêm, ngõ 34"},
                     {"urban_order", "Vỉa hè, lòng đường bị chiếm dụng; đề nghị xử lý dứt điểm trước Tết Nguyên đán"},
                     {"culture_society", "Nhà văn hóa tổ dân phố xuống cấp"}});
    w.at(D(2022, 10, 3));
    for (int i = 0; i < 3; ++i) w.assign(h, items[i], i == 1 ? agency2 : agency);
    w.at(D(2022, 10, 15));
    w.reply(h, items[0], officer, "Trả lời ông Nguyễn Văn An: đã xử lý; liên hệ 0912345678.");
    w.run(h.office, cmd::PublishReply{items[0], {}});
    cmd::Extend e;
    e.item = items[2];
    e.deadline = D(2022, 11, 30);
    e.notice_number = "TB-15";
    e.notice_date = w.today();
    e.reason = "Liên quan nhiều ngành";
    w.run(h.office, e);
  }
  ExportOptions opts(Visibility v) {
    ExportOptions o;
    o.unit = ward;
    o.visibility = v;
    o.as_of = D(2022, 11, 5);
    o.generated_at = parse_instant("2022-11-05T02:00:00Z");
    return o;
  }
  template <class F>
  auto read(F&& f) {
    return w.engine.read([&](const State& s) { return f(s, w.engine.profile()); });
  }
};

// RFC 4180 parser for the test: fields, quotes doubled, CRLF row ends.
std::vector<std::vector<std::string>> parse_csv(const std::string& s, bool& crlf_only) {
  std::vector<std::vector<std::string>> rows(1);
  std::string f;
  bool q = false, started = false;
  crlf_only = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (q) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') f += '"', ++i;
      else if (c == '"') q = false;
      else f += c;
    } else if (c == '"' && !started) {
      q = started = true;
    } else if (c == ',') {
      rows.back().push_back(f), f.clear(), started = false;
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      rows.back().push_back(f), f.clear(), started = false, ++i;
      rows.emplace_back();
    } else {
      if (c == '\n' || c == '\r') crlf_only = false;
      f += c, started = true;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("exports: items, report, Open311 and compliance JSON validate against schemas/*.json") {
  Ward s;
  const auto items_schema = schema_check::load("items.schema.json");
  for (Visibility v : {Visibility::public_view, Visibility::internal}) {
    const auto doc = s.read([&](const State& st, const Profile& p) { return export_items_json(st, p, s.opts(v)); });
    CHECK(schema_check::errors(items_schema, doc).empty());
    CHECK(doc["items"].size() == (v == Visibility::internal ? 4u : 1u));
  }
  ReportRequest q;
  q.unit = s.ward;
  q.period = Period::year(2022);
  q.as_of = D(2022, 11, 5);
  const auto report = report_to_json(make_report(s.w.engine, q));
  const auto rs = schema_check::load("report.schema.json");
  const auto e = schema_check::errors(rs, report);
  CHECK(e.empty());
  for (const auto& m : e) WARN(m);
  const auto o311 = s.read([&](const State& st, const Profile& p) { return export_open311(st, p, s.opts(Visibility::internal)); });
  CHECK(schema_check::errors(schema_check::load("open311-requests.schema.json"), o311).empty());
  const auto comp = s.read([&](const State& st, const Profile& p) {
    return compliance_to_json(compliance(st, p, s.ward, Period::year(2022), D(2023, 1, 5)));
  });
  CHECK(schema_check::errors(schema_check::load("compliance.schema.json"), comp).empty());
  // The validator is not a rubber stamp.
  auto broken = report;
  broken["items"]["items"] = -1;
  broken["conferences"]["list"][0]["kind"] = "weekly";
  broken["period"].erase("from");
  broken["surprise"] = true;
  CHECK(schema_check::errors(rs, broken).size() == 4);
  auto bad311 = o311;
  bad311[0]["status"] = "pending";
  bad311[0]["requested_datetime"] = "2022-09-30";
  CHECK(schema_check::errors(schema_check::load("open311-requests.schema.json"), bad311).size() == 2);
}

TEST_CASE("exports: CSV is UTF-8 with BOM, CRLF, RFC 4180 quoting, one row per item, stable columns") {
  Ward s;
  std::string csv;
  const std::size_t rows = s.read([&](const State& st, const Profile& p) {
    return export_items_csv(st, p, s.opts(Visibility::internal), csv);
  });
  CHECK(rows == 4);
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  bool crlf_only = false;
  const auto t = parse_csv(csv.substr(3), crlf_only);
  CHECK(crlf_only);
  REQUIRE(t.size() == 5);
  CHECK(t[0] == csv_columns());
  CHECK(csv_columns().front() == "item_id");
  CHECK(csv_columns().size() == 26);
  for (const auto& r : t) CHECK(r.size() == csv_columns().size());
  auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(csv_columns().begin(), csv_columns().end(), name) - csv_columns().begin());
  };
  // Text with a quote, a comma and a newline survives the round trip; Vietnamese intact.
  CHECK(t[1][col("text")] == "Ông Nguyễn Văn An (0912 345 678) hỏi: đất \"lấn chiếm\", bồi thường ra sao?\nXin trả lời sớm.");
  CHECK(t[1][col("raised_by")] == "Nguyễn Văn An");  // internal export
  CHECK(t[1][col("topic_label")] == "Quản lý đất đai");
  CHECK(t[1][col("status")] == "replied");
  CHECK(t[1][col("reply_number")] == "TL-" + std::to_string(s.items[0].value));
  CHECK(t[1][col("published_on")] == "2022-10-15");
  // A cell that a spreadsheet would run as a formula is defused.
  CHECK(t[2][col("text")] == "'=Tuần tra ban đêm, ngõ 34");
  CHECK(t[3][col("deadline")] == "2022-11-30");
  CHECK(t[3][col("original_deadline")] == "2022-10-30");
  CHECK(t[3][col("extensions")] == "1");
  CHECK(t[4][col("agency_name")].empty());
  CHECK(t[4][col("standing")] == "overdue");  // never assigned, yet due with the conference's replies (R09)
  CHECK(t[4][col("deadline")] == "2022-10-30");
  CHECK(t[2][col("standing")] == "overdue");      // due 30/10, as of 5/11
  // The public CSV holds the published item only, redacted.
  std::string pub;
  CHECK(s.read([&](const State& st, const Profile& p) { return export_items_csv(st, p, s.opts(Visibility::public_view), pub); }) == 1);
  CHECK_FALSE(has(pub, "Nguyễn Văn An"));
  CHECK_FALSE(has(pub, "0912"));
}

TEST_CASE("exports: Open311 GeoReport v2 requests carry status, deadline and the published address") {
  Ward s;
  const auto a = s.read([&](const State& st, const Profile& p) { return export_open311(st, p, s.opts(Visibility::internal)); });
  REQUIRE(a.size() == 4);
  CHECK(a[0]["service_request_id"] == std::to_string(s.items[0].value));
  CHECK(a[0]["status"] == "closed");
  CHECK(has(a[0]["status_notes"], "Văn bản số TL-"));
  CHECK(a[0]["service_code"] == "land");
  CHECK(a[0]["service_name"] == "Quản lý đất đai");
  CHECK(a[0]["agency_responsible"] == "Bộ phận Địa chính - Xây dựng");
  CHECK(a[0]["requested_datetime"] == "2022-09-30T00:00:00+07:00");
  CHECK(a[0]["updated_datetime"] == "2022-10-15T00:00:00+07:00");
  CHECK(a[0]["expected_datetime"] == "2022-10-30T23:59:59+07:00");
  CHECK(a[0]["address"] == "Phường Bồ Đề");
  CHECK(has(a[0]["service_notice"], "30 ngày"));
  CHECK(a[2]["status"] == "open");
  CHECK(a[2]["expected_datetime"] == "2022-11-30T23:59:59+07:00");  // the extended deadline
  CHECK(a[3]["agency_responsible"].is_null());
  const auto pub = s.read([&](const State& st, const Profile& p) { return export_open311(st, p, s.opts(Visibility::public_view)); });
  REQUIRE(pub.size() == 1);
  CHECK_FALSE(has(pub.dump(), "Nguy"));
  CHECK_FALSE(has(pub.dump(), "0912"));
}

TEST_CASE("exports: iCalendar of an agency's deadlines follows RFC 5545 (CRLF, 75-octet folding, all-day events)") {
  Ward s;
  const std::string ics = s.read([&](const State& st, const Profile& p) {
    return export_ical(st, p, s.agency, s.opts(Visibility::public_view));
  });
  // Every line ends in CRLF and is at most 75 octets; folding never splits a UTF-8 sequence.
  std::size_t pos = 0, lines = 0;
  while (pos < ics.size()) {
    const std::size_t end = ics.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    CHECK(end - pos <= 75);
    if (end - pos > 0) CHECK((static_cast<unsigned char>(ics[pos]) & 0xC0) != 0x80);
    pos = end + 2;
    ++lines;
  }
  for (std::size_t i = 0; i < ics.size(); ++i)
    if (ics[i] == '\n') CHECK((i > 0 && ics[i - 1] == '\r'));
  // Unfold (CRLF + space) and read the content lines.
  std::string unfolded;
  for (std::size_t i = 0; i < ics.size(); ++i) {
    if (ics.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += ics[i];
  }
  CHECK(has(unfolded, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//doithoai//views//VI\r\n"));
  CHECK(has(unfolded, "END:VCALENDAR\r\n"));
  // Items 0 (replied) and 1 (another agency) are not in it; item 2 is, with its extended deadline.
  std::size_t events = 0;
  for (std::size_t p = unfolded.find("BEGIN:VEVENT"); p != std::string::npos; p = unfolded.find("BEGIN:VEVENT", p + 1)) ++events;
  CHECK(events == 1);
  CHECK(has(unfolded, "UID:doithoai-item-" + std::to_string(s.items[2].value) + "@hanoi-2200\r\n"));
  CHECK(has(unfolded, "DTSTAMP:20221105T020000Z\r\n"));
  CHECK(has(unfolded, "DTSTART;VALUE=DATE:20221130\r\n"));
  CHECK(has(unfolded, "DTEND;VALUE=DATE:20221201\r\n"));
  CHECK(has(unfolded, "SUMMARY:Hạn trả lời nội dung #" + std::to_string(s.items[2].value) + ": Trật tự đô thị\\, trật tự xây dựng\r\n"));
  CHECK(has(unfolded, "Vỉa hè\\, lòng đường bị chiếm dụng\\; đề nghị"));
  CHECK(has(unfolded, "\\nHạn ban đầu: 2022-10-30"));
  CHECK(lines > 15);
  CHECK_THROWS_AS(s.read([&](const State& st, const Profile& p) { return export_ical(st, p, AgencyId(99), s.opts(Visibility::internal)); }), Error);
}

TEST_CASE("R16 the HTML report renders in headless Chromium with its three SVG charts, in Vietnamese and English") {
  Ward s;
  s.w.at(D(2022, 12, 20));
  s.w.reply(s.h, s.items[2], s.officer);
  ReportRequest q;
  q.unit = s.ward;
  q.period = Period::year(2022);
  const Report r = make_report(s.w.engine, q);
  const std::string vi = report_html(r);
  const std::string en = report_html(r, HtmlOptions{"en", ""});
  CHECK(has(vi, "<html lang=\"vi\">"));
  CHECK(has(vi, "Tỷ lệ giải quyết đúng hạn theo cơ quan"));
  CHECK(has(en, "On-time rate by agency"));
  CHECK(has(vi, "@media print"));
  CHECK_FALSE(has(vi, "<script"));
  std::string no_ns = vi;
  for (std::size_t p; (p = no_ns.find("xmlns=\"http://www.w3.org/2000/svg\"")) != std::string::npos;) no_ns.erase(p, 34);
  CHECK_FALSE(has(no_ns, "http://"));
  CHECK_FALSE(has(vi, "src="));

  // Headless Chromium must be installed (scripts/setup.sh): its absence is a failure.
  REQUIRE(std::system("command -v chromium >/dev/null 2>&1") == 0);
  char tmpl[] = "/tmp/doithoai-html-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  for (const auto& [name, html] : {std::pair<std::string, std::string>{"report_vi", vi}, {"report_en", en}}) {
    const std::string file = dir + "/" + name + ".html";
    std::ofstream(file, std::ios::binary) << html;
    const std::string flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                              "--disable-background-networking --disable-component-update --disable-sync "
                              "--user-data-dir=" + dir + "/profile-" + name;
    const std::string dom = dir + "/" + name + ".dom";
    const int rc = std::system(("timeout 120 chromium " + flags + " --dump-dom file://" + file + " >" + dom +
                                " 2>" + dir + "/" + name + ".log").c_str());
    CHECK(rc == 0);
    const std::string out = slurp(dom);
    INFO(name << " DOM bytes: " << out.size() << "; log: " << slurp(dir + "/" + name + ".log").substr(0, 400));
    CHECK(has(out, "<svg id=\"chart-topics\""));
    CHECK(has(out, "<svg id=\"chart-agencies\""));
    CHECK(has(out, "<svg id=\"chart-trend\""));
    CHECK(has(out, "class=\"bar\""));
    CHECK(has(out, "<polyline"));
    const std::string png = name + "_screenshot.png";  // left in the test's working directory to look at
    const int rc2 = std::system(("timeout 120 chromium " + flags + "-shot --window-size=1100,2200 --hide-scrollbars "
                                 "--screenshot=" + png + " file://" + file + " >/dev/null 2>&1").c_str());
    CHECK(rc2 == 0);
    const std::string img = slurp(png);
    REQUIRE(img.size() > 20000);
    CHECK(img.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("R13 public exports never hold personal data of people who did not consent; internal ones do") {
  Ward s;
  std::string pub_csv, int_csv;
  const auto pub_json = s.read([&](const State& st, const Profile& p) { return export_items_json(st, p, s.opts(Visibility::public_view)); }).dump();
  const auto int_json = s.read([&](const State& st, const Profile& p) { return export_items_json(st, p, s.opts(Visibility::internal)); }).dump();
  s.read([&](const State& st, const Profile& p) { return export_items_csv(st, p, s.opts(Visibility::public_view), pub_csv); });
  s.read([&](const State& st, const Profile& p) { return export_items_csv(st, p, s.opts(Visibility::internal), int_csv); });
  const std::string ics = s.read([&](const State& st, const Profile& p) { return export_ical(st, p, s.agency, s.opts(Visibility::public_view)); });
  for (const std::string* pub : std::vector<const std::string*>{&pub_json, &pub_csv, &ics}) {
    CHECK_FALSE(has(*pub, "Nguyễn Văn An"));
    CHECK_FALSE(has(*pub, "0912"));
    CHECK_FALSE(has(*pub, "001089012345"));
    CHECK_FALSE(has(*pub, "Số 12 ngõ 34"));
  }
  CHECK(has(int_json, "Nguyễn Văn An"));
  CHECK(has(int_csv, "0912 345 678"));
}

namespace {
// The Ward with more kinds of items for the item filter: answered on the spot at a
// conference whose results were published (its gist names a person registered later), a
// duplicate merged into an open item, an item published in another ward.
struct Filtered : Ward {
  UnitId quan, other;
  ItemId spot, dup, elsewhere;
  Filtered() {
    quan = w.engine.unit(ward).parent;
    other = w.unit("Phường Gia Thụy", "xa", quan);
    const Heads h2 = w.heads(other);
    const auto [agency3, officer3] = w.agency(other, "Bộ phận Văn hóa - Xã hội", false, "VHXH");
    w.at(D(2022, 10, 15));
    const ConferenceId conf2 = w.plan(h, ward, D(2022, 10, 30));
    w.hold(h, conf2, D(2022, 10, 30));
    const auto raised = w.raise(h, ward, conf2, D(2022, 10, 30), an,
                                {{"security", "Đề nghị chiếu sáng ngõ 34"}, {"urban_order", "Vỉa hè bị chiếm dụng (nêu lại)"}});
    spot = raised[0];
    dup = raised[1];
    w.run(h.party, cmd::AnswerOnSpot{spot, h.party, "Đã giao bà Trần Thị Hoa, tổ trưởng, lắp đèn trong tháng 11."});
    w.run(h.office, cmd::MergeDuplicate{dup, items[2]});
    w.run(h.office, cmd::PublishConferenceResults{conf2, {}});
    cmd::SubmitOpinion letter;
    letter.unit = other;
    letter.channel = Channel::letter;
    letter.raised_by = an;
    letter.items = {{"culture_society", "Sân chơi thiếu nhi xuống cấp"}};
    elsewhere = w.run(h2.office, letter).items.front();
    w.assign(h2, elsewhere, agency3);
    w.reply(h2, elsewhere, officer3, "Đã sửa sân chơi.");
    w.run(h2.office, cmd::PublishReply{elsewhere, {}});
  }
  std::uint32_t count() { return static_cast<std::uint32_t>(w.engine.read([](const State& st) { return st.item_count(); })); }
};

// The entries of an unfiltered list whose `key` is id: what the filtered export must hold.
json entries_of(const json& list, const char* key, const json& id) {
  json out = json::array();
  for (const json& x : list)
    if (x.at(key) == id) out.push_back(x);
  return out;
}

// The VEVENT blocks of a calendar, and what comes before and after them.
struct Ics {
  std::string head, tail;
  std::vector<std::string> events;
};
Ics split_ics(const std::string& ics) {
  Ics out;
  std::size_t p = ics.find("BEGIN:VEVENT");
  const std::size_t end = ics.find("END:VCALENDAR");
  out.head = ics.substr(0, std::min(p, end));
  while (p != std::string::npos) {
    const std::size_t q = ics.find("END:VEVENT\r\n", p) + 12;
    out.events.push_back(ics.substr(p, q - p));
    p = ics.find("BEGIN:VEVENT", q);
  }
  out.tail = ics.substr(end);
  return out;
}
}  // namespace

TEST_CASE("exports: the item filter gives the item's entry of the whole export, byte for byte, or nothing") {
  Filtered s;
  const std::uint32_t n = s.count();
  REQUIRE(n == 7);
  for (Visibility v : {Visibility::public_view, Visibility::internal}) {
    for (UnitId unit : {s.ward, s.quan, UnitId()}) {
      ExportOptions all = s.opts(v);
      all.unit = unit;
      const json whole = s.read([&](const State& st, const Profile& p) { return export_items_json(st, p, all); });
      const json o311 = s.read([&](const State& st, const Profile& p) { return export_open311(st, p, all); });
      std::string csv;
      s.read([&](const State& st, const Profile& p) { return export_items_csv(st, p, all, csv); });
      bool crlf = false;
      const auto rows = parse_csv(csv.substr(3), crlf);
      const Ics ics = split_ics(s.read([&](const State& st, const Profile& p) { return export_ical(st, p, s.agency, all); }));
      std::size_t shown = 0;
      for (std::uint32_t id = 1; id <= n; ++id) {
        INFO("visibility " << static_cast<int>(v) << ", unit " << unit.value << ", item " << id);
        ExportOptions one = all;
        one.item = ItemId(id);
        // JSON: the same document with only that item's entry.
        json doc = s.read([&](const State& st, const Profile& p) { return export_items_json(st, p, one); });
        json expected = whole;
        expected["items"] = entries_of(whole["items"], "id", id);
        CHECK(doc.dump() == expected.dump());
        shown += doc["items"].size();
        // Open311: the entry, serialized alike.
        const json req = s.read([&](const State& st, const Profile& p) { return export_open311(st, p, one); });
        CHECK(req.dump() == entries_of(o311, "service_request_id", std::to_string(id)).dump());
        // CSV: the header and that row, the same bytes.
        std::string one_csv;
        const std::size_t r = s.read([&](const State& st, const Profile& p) { return export_items_csv(st, p, one, one_csv); });
        std::vector<std::vector<std::string>> want{rows[0]};
        for (std::size_t k = 1; k < rows.size(); ++k)
          if (rows[k][0] == std::to_string(id)) want.push_back(rows[k]);
        CHECK(r == want.size() - 1);
        CHECK(parse_csv(one_csv.substr(3), crlf) == want);
        CHECK(crlf);
        // iCalendar: the calendar with that item's event only.
        std::string ics_want = ics.head;
        for (const auto& e : ics.events)
          if (has(e, "UID:doithoai-item-" + std::to_string(id) + "@")) ics_want += e;
        ics_want += ics.tail;
        CHECK(s.read([&](const State& st, const Profile& p) { return export_ical(st, p, s.agency, one); }) == ics_want);
      }
      CHECK(shown == whole["items"].size());  // every entry found by its id
    }
  }
  // What the filter hides: unpublished items in public view (items[1], the merged
  // duplicate), an item outside the unit's subtree; what it shows: the spot answer.
  auto o311 = [&](Visibility v, UnitId unit, ItemId item) {
    ExportOptions o = s.opts(v);
    o.unit = unit;
    o.item = item;
    return s.read([&](const State& st, const Profile& p) { return export_open311(st, p, o); });
  };
  CHECK(o311(Visibility::public_view, s.ward, s.items[1]).empty());
  CHECK(o311(Visibility::public_view, s.ward, s.dup).empty());
  CHECK(o311(Visibility::internal, s.ward, s.dup).size() == 1);
  CHECK(o311(Visibility::public_view, s.ward, s.elsewhere).empty());
  CHECK(o311(Visibility::public_view, s.quan, s.elsewhere).size() == 1);
  REQUIRE(o311(Visibility::public_view, s.ward, s.spot).size() == 1);
  // An id no state holds: not_found, from every export.
  ExportOptions bad = s.opts(Visibility::public_view);
  bad.item = ItemId(n + 1);
  s.read([&](const State& st, const Profile& p) {
    REQUIRE_ERROR(not_found, export_items_json(st, p, bad));
    REQUIRE_ERROR(not_found, export_open311(st, p, bad));
    std::string out;
    REQUIRE_ERROR(not_found, export_items_csv(st, p, bad, out));
    REQUIRE_ERROR(not_found, export_ical(st, p, s.agency, bad));
    return 0;
  });
  REQUIRE_ERROR(not_found, export_open311(s.w.engine, bad));
}

TEST_CASE("exports: the item filter on the engine, for a past as_of too") {
  Filtered s;
  s.w.at(D(2022, 11, 20));
  cmd::SubmitOpinion letter;
  letter.unit = s.ward;
  letter.channel = Channel::letter;
  letter.raised_by = s.an;
  letter.items = {{"land", "Đề nghị cấp giấy chứng nhận"}};
  const ItemId later = s.w.run(s.h.office, letter).items.front();
  const std::uint32_t n = s.count();
  // 5 November is before the live state's last day: the engine rebuilds that day's state.
  for (Visibility v : {Visibility::public_view, Visibility::internal}) {
    const ExportOptions all = s.opts(v);
    const json whole = export_items_json(s.w.engine, all);
    const json o311 = export_open311(s.w.engine, all);
    std::string csv;
    export_items_csv(s.w.engine, all, csv);
    bool crlf = false;
    const auto rows = parse_csv(csv.substr(3), crlf);
    for (std::uint32_t id = 1; id <= n; ++id) {
      INFO("visibility " << static_cast<int>(v) << ", item " << id);
      ExportOptions one = all;
      one.item = ItemId(id);
      json expected = whole;
      expected["items"] = entries_of(whole["items"], "id", id);
      CHECK(export_items_json(s.w.engine, one).dump() == expected.dump());
      CHECK(export_open311(s.w.engine, one).dump() == entries_of(o311, "service_request_id", std::to_string(id)).dump());
      std::string one_csv;
      export_items_csv(s.w.engine, one, one_csv);
      std::size_t want = 0;
      for (std::size_t k = 1; k < rows.size(); ++k) want += rows[k][0] == std::to_string(id);
      CHECK(parse_csv(one_csv.substr(3), crlf).size() == 1 + want);
    }
  }
  // The item raised after 5 November was not there yet: not in that day's export, in today's.
  ExportOptions o = s.opts(Visibility::internal);
  o.item = later;
  CHECK(export_items_json(s.w.engine, o)["items"].empty());
  CHECK(export_open311(s.w.engine, o).empty());
  CHECK(export_ical(s.w.engine, s.agency, o) == split_ics(export_ical(s.w.engine, s.agency, s.opts(Visibility::internal))).head +
                                                    "END:VCALENDAR\r\n");
  o.as_of = Date();
  o.generated_at = Instant();
  REQUIRE(export_open311(s.w.engine, o).size() == 1);
  CHECK(export_open311(s.w.engine, o)[0]["service_request_id"] == std::to_string(later.value));
  // Unknown to the engine: not_found, for any date.
  o.item = ItemId(n + 1);
  REQUIRE_ERROR(not_found, export_items_json(s.w.engine, o));
  o.as_of = D(2022, 11, 5);
  REQUIRE_ERROR(not_found, export_items_json(s.w.engine, o));
  std::string out;
  REQUIRE_ERROR(not_found, export_items_csv(s.w.engine, o, out));
  REQUIRE_ERROR(not_found, export_ical(s.w.engine, s.agency, o));
}

TEST_CASE("R13 redaction tables kept with the state follow every person registered") {
  Filtered s;
  // The spot answer names "Trần Thị Hoa", not yet registered: a name after an honorific
  // that no consenting person bears is hidden anyway; written alone, it shows.
  ExportOptions o = s.opts(Visibility::public_view);
  o.item = s.spot;
  auto notes = [&] {
    return s.read([&](const State& st, const Profile& p) { return export_open311(st, p, o); }).at(0).at("status_notes").get<std::string>();
  };
  const std::string before = notes();
  CHECK(has(before, "Đã giao bà [họ tên đã ẩn], tổ trưởng"));
  // Registering her with consent shows the name after the honorific: the tables were rebuilt.
  s.w.person("Trần Thị Hoa", true);
  CHECK(has(notes(), "Đã giao bà Trần Thị Hoa, tổ trưởng"));
  // A namesake who did not consent: the name is hidden again.
  s.w.person("Trần Thị Hoa", false);
  CHECK(has(notes(), "Đã giao bà [họ tên đã ẩn], tổ trưởng"));
  // Redactors made on the same state share the tables.
  s.w.engine.read([&](const State& st) {
    const Redactor a(st), b(st);
    CHECK(a.redact("Trần Thị Hoa gọi") == "[họ tên đã ẩn] gọi");
    CHECK(b.redact("Trần Thị Hoa gọi") == "[họ tên đã ẩn] gọi");
    CHECK(a.public_name(s.an) == "Người dân (ẩn danh)");
    return 0;
  });
}

TEST_CASE("exports: public exports from several threads while persons are registered") {
  Filtered s;
  ExportOptions o = s.opts(Visibility::public_view);
  o.as_of = Date();
  o.generated_at = parse_instant("2022-11-05T02:00:00Z");
  o.item = s.items[0];
  const std::string expected = export_open311(s.w.engine, o).dump();
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!done) {
        try {
          const json a = export_open311(s.w.engine, o);
          // The text names only people registered before: the same answer whatever is added.
          if (a.size() != 1 || a.dump() != expected) ++bad;
        } catch (...) {
          ++bad;
        }
      }
    });
  for (int i = 0; i < 200; ++i) s.w.person("Người thứ " + std::to_string(i), i % 2 == 0);
  done = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
}
