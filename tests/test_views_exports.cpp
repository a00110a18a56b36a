// Exports (JSON + schemas, CSV, Open311, iCalendar) and the HTML report in headless Chromium.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "schema_check.h"
#include "views_world.h"

using namespace views_test;

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
  CHECK(csv_columns().size() == 25);
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
