// tools/cli/report.cpp: the plain text and CSV forms of a periodic report (R16) that the
// library does not render itself (it gives JSON and HTML). Text: Vietnamese labels, columns
// padded by characters (not bytes), for a terminal or a plain e-mail; it shows what the JSON
// form shows, issue 14's figures included (anonymous and name-withheld opinions, replies with
// evidence, satisfaction as section 7 when some reply was rated). CSV: the JSON form
// (schemas/report.schema.json) flattened to key,value rows, so every figure is there under
// a stable key (arrays indexed: by_topic.0.tally.items), UTF-8 with BOM and CRLF as the
// item export writes CSV.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli.h"

using namespace doithoai;

namespace doithoai_cli {

std::string cut(const std::string& s, std::size_t n) {
  std::size_t chars = 0, i = 0;
  for (; i < s.size() && chars < n; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++chars;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  std::string r = s.substr(0, i);
  for (; chars < n; ++chars) r += ' ';
  return r;
}

namespace {

std::string right(const std::string& s, std::size_t n) {
  std::size_t chars = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  return chars >= n ? s : std::string(n - chars, ' ') + s;
}
std::string num(std::uint64_t n) { return std::to_string(n); }
std::string rate(const Tally& t) {
  const auto r = t.on_time_rate();
  if (!r) return "—";
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", *r * 100);
  return b;
}
// n of `of` as a percentage with one decimal, rounded as the JSON report rounds
// (satisfied_percent); "—" when `of` is 0.
std::string percent(std::uint64_t n, std::uint64_t of) {
  if (!of) return "—";
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", std::round(1000.0 * static_cast<double>(n) / static_cast<double>(of)) / 10);
  return b;
}
std::string dmy(const std::optional<Date>& d) { return d ? format_date(*d) : "—"; }
std::string change(const Change& c) {
  std::string s = num(c.previous) + " → " + num(c.current) + " (" + (c.delta >= 0 ? "+" : "") + std::to_string(c.delta);
  if (c.percent) {
    char b[24];
    std::snprintf(b, sizeof b, ", %+.1f%%", *c.percent);
    s += b;
  }
  return s + ")";
}

void tally_row(std::ostringstream& o, const std::string& label, const Tally& t) {
  o << "  " << cut(label, 40) << right(num(t.items), 6) << right(num(t.resolved), 8) << right(num(t.not_yet_due), 9)
    << right(num(t.overdue), 8) << right(num(t.on_time), 9) << right(num(t.late), 8) << right(rate(t), 9) << "\n";
}
void tally_header(std::ostringstream& o, const std::string& first) {
  o << "  " << cut(first, 40) << right("Tổng", 6) << right("Đã GQ", 8) << right("Chưa hạn", 9) << right("Quá hạn", 8)
    << right("Đúng hạn", 9) << right("Trễ hạn", 8) << right("Tỷ lệ", 9) << "\n";
}
// Issue 14 (R16): the raisers' ratings of the replies.
void satisfaction_header(std::ostringstream& o, const std::string& first) {
  o << "  " << cut(first, 40) << right("Đánh giá", 9) << right("Hài lòng", 9) << right("Một phần", 9)
    << right("Không HL", 9) << right("Tỷ lệ HL", 9) << right("Tỷ lệ KHL", 10) << "\n";
}
void satisfaction_row(std::ostringstream& o, const std::string& label, const SatisfactionTally& t) {
  o << "  " << cut(label, 40) << right(num(t.rated), 9) << right(num(t.satisfied), 9)
    << right(num(t.partly_satisfied), 9) << right(num(t.not_satisfied), 9) << right(percent(t.satisfied, t.rated), 9)
    << right(percent(t.not_satisfied, t.rated), 10) << "\n";
}
void counts(std::ostringstream& o, const char* label, const std::vector<Count>& v) {
  if (v.empty()) return;
  o << "  " << label << ":";
  const char* sep = " ";
  for (const auto& c : v) {
    o << sep << (c.label.empty() ? c.code : c.label) << " " << c.n;
    sep = "; ";
  }
  o << "\n";
}

void flatten(const nlohmann::json& j, const std::string& key, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), key.empty() ? it.key() : key + "." + it.key(), out);
  } else if (j.is_array()) {
    if (j.empty()) out.emplace_back(key, "");
    for (std::size_t i = 0; i < j.size(); ++i) flatten(j[i], key + "." + std::to_string(i), out);
  } else if (j.is_string()) {
    out.emplace_back(key, j.get<std::string>());
  } else if (j.is_null()) {
    out.emplace_back(key, "");
  } else {
    out.emplace_back(key, j.dump());
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string r = "\"";
  for (const char c : s) r += c == '"' ? std::string("\"\"") : std::string(1, c);
  return r + "\"";
}

}  // namespace

std::string report_text(const Report& r) {
  std::ostringstream o;
  o << "BÁO CÁO KẾT QUẢ ĐỐI THOẠI VÀ GIẢI QUYẾT Ý KIẾN, KIẾN NGHỊ\n"
    << "Đơn vị: " << (r.unit ? r.unit_name : "Tất cả đơn vị") << "\n"
    << "Kỳ báo cáo: " << period_label(r.period) << " (" << format_date(r.period.from) << " – "
    << format_date(r.period.to) << ")\n"
    << "Số liệu tính đến ngày: " << format_date(r.as_of) << "\n\n";

  o << "1. Hội nghị đối thoại: " << r.conferences;
  if (r.department_dialogues) o << " (trong đó " << r.department_dialogues << " của cơ quan chuyên môn)";
  o << "\n";
  counts(o, "Theo cấp", r.conferences_by_level);
  counts(o, "Theo hình thức", r.conferences_by_kind);
  counts(o, "Theo đối tượng", r.conferences_by_audience);
  for (const auto& c : r.conference_list)
    o << "  - " << format_date(c.held_on) << " " << c.unit_name << ": " << c.opinions << " ý kiến, " << c.items
      << " nội dung; thông báo kết luận hạn " << dmy(c.notice_due) << ", ban hành " << dmy(c.notice_issued_on)
      << "; hạn trả lời " << dmy(c.reply_due) << "; công khai kết quả hạn " << dmy(c.results_due) << ", ngày "
      << dmy(c.results_published_on) << (c.results_late ? " (trễ)" : "") << "\n";
  o << "  Công khai kết quả: đúng hạn " << r.results_published_on_time << ", trễ hạn " << r.results_published_late
    << ", quá hạn chưa công khai " << r.results_unpublished_overdue << "\n\n";

  o << "2. Ý kiến, kiến nghị: " << r.opinions << " ý kiến, " << r.items.items << " nội dung\n";
  counts(o, "Theo kênh tiếp nhận", r.opinions_by_channel);
  o << "  Ẩn danh " << r.opinions_anonymous << " ý kiến (" << r.items_anonymous << " nội dung); giữ kín tên người nêu "
    << r.opinions_name_withheld << " ý kiến (" << r.items_name_withheld << " nội dung)\n";
  o << "  Đã giải quyết " << r.items.resolved << " (trả lời tại hội nghị " << r.answered_on_spot << ", trả lời bằng văn bản "
    << r.replied << ", chuyển cấp trên " << r.handed_on << ", kết thúc " << r.closed << "); còn tồn "
    << r.items.outstanding << " (chưa đến hạn " << r.items.not_yet_due << ", quá hạn " << r.items.overdue << ")\n"
    << "  Đúng hạn " << r.items.on_time << ", trễ hạn " << r.items.late << ", tỷ lệ đúng hạn " << rate(r.items) << "\n"
    << "  Gia hạn " << r.items.extensions << " lần (" << r.items.extended_items << " nội dung); mở lại "
    << r.reopened_items << "; gộp trùng " << r.merged << "; nhận từ cấp dưới " << r.received_by_escalation << "\n"
    << "  Giải quyết trong kỳ (mọi thời điểm tiếp nhận): " << r.resolved_in_period << "; tồn từ kỳ trước: "
    << r.backlog_outstanding << "\n\n";

  o << "3. Theo lĩnh vực\n";
  tally_header(o, "Lĩnh vực");
  for (const auto& t : r.by_topic) tally_row(o, t.label.empty() ? t.topic : t.label, t.tally);
  o << "\n4. Theo cơ quan giải quyết\n";
  tally_header(o, "Cơ quan");
  for (const auto& a : r.by_agency) tally_row(o, a.name, a.tally);
  // Issue 14 (R16): replies with evidence (an attachment), per agency that wrote replies.
  std::uint64_t written = 0, with_evidence = 0;
  for (const auto& a : r.by_agency) {
    written += a.written_replies;
    with_evidence += a.replies_with_evidence;
  }
  o << "  Văn bản trả lời kèm tài liệu chứng minh: " << with_evidence << "/" << written << " ("
    << percent(with_evidence, written) << ")\n";
  if (written) {
    o << "  " << cut("Cơ quan", 40) << right("Văn bản", 9) << right("Kèm TL", 9) << right("Tỷ lệ", 9) << "\n";
    for (const auto& a : r.by_agency)
      if (a.written_replies)
        o << "  " << cut(a.name, 40) << right(num(a.written_replies), 9) << right(num(a.replies_with_evidence), 9)
          << right(percent(a.replies_with_evidence, a.written_replies), 9) << "\n";
  }

  o << "\n5. Diễn biến theo tháng\n  " << cut("Tháng", 10) << right("Hội nghị", 9) << right("Ý kiến", 8)
    << right("Nội dung", 9) << right("Đã GQ", 8) << "\n";
  for (const auto& m : r.trend) {
    char b[16];
    std::snprintf(b, sizeof b, "%02d/%04d", m.month, m.year);
    o << "  " << cut(b, 10) << right(num(m.conferences), 9) << right(num(m.opinions), 8) << right(num(m.items), 9)
      << right(num(m.resolved), 8) << "\n";
  }

  o << "\n6. So với kỳ trước (" << period_label(r.previous) << ")\n"
    << "  Hội nghị: " << change(r.change_conferences) << "\n"
    << "  Ý kiến: " << change(r.change_opinions) << "\n"
    << "  Nội dung: " << change(r.change_items) << "\n"
    << "  Giải quyết trong kỳ: " << change(r.change_resolved_in_period) << "\n";
  // Issue 14 (R16): only when some reply was rated in the period, as the JSON and HTML forms.
  if (r.satisfaction.rated) {
    const auto& t = r.satisfaction;
    o << "\n7. Mức độ hài lòng của người nêu với văn bản trả lời\n"
      << "  Đã đánh giá " << t.rated << ": hài lòng " << t.satisfied << ", hài lòng một phần " << t.partly_satisfied
      << ", không hài lòng " << t.not_satisfied << "; tỷ lệ hài lòng " << percent(t.satisfied, t.rated)
      << ", không hài lòng " << percent(t.not_satisfied, t.rated) << "\n";
    satisfaction_header(o, "Cơ quan");
    for (const auto& l : r.satisfaction_by_agency) satisfaction_row(o, l.name, l.tally);
    satisfaction_header(o, "Lĩnh vực");
    for (const auto& l : r.satisfaction_by_topic) satisfaction_row(o, l.name.empty() ? l.code : l.name, l.tally);
    satisfaction_header(o, "Đơn vị");
    for (const auto& l : r.satisfaction_by_unit) satisfaction_row(o, l.name, l.tally);
  }
  if (!r.recipients.empty()) {
    o << "\nNơi nhận:\n";
    for (const auto& x : r.recipients) o << "  - " << x << "\n";
  }
  if (!r.citations.empty()) {
    o << "\nCăn cứ:\n";
    for (const auto& x : r.citations) o << "  - " << x << "\n";
  }
  return o.str();
}

std::string report_csv(const Report& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  flatten(report_to_json(r), "", rows);
  std::string out = "\xEF\xBB\xBFkey,value\r\n";
  for (const auto& [k, v] : rows) out += csv_field(k) + "," + csv_field(v) + "\r\n";
  return out;
}

}  // namespace doithoai_cli
