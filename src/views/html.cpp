// The HTML report: one self-contained file, inline SVG charts, print CSS; Vietnamese by
// default, English on request. No script, no external resource.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common.h"
#include "doithoai/views.h"

namespace doithoai {
using namespace detail;

namespace {

std::string esc(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

struct Text {
  bool en;
  const char* t(const char* vi, const char* eng) const { return en ? eng : vi; }
  std::string num(std::uint64_t v) const {
    std::string d = std::to_string(v), o;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i && (d.size() - i) % 3 == 0) o += en ? ',' : '.';
      o += d[i];
    }
    return o;
  }
  std::string pct(std::optional<double> r) const {
    if (!r) return "—";
    char b[32];
    std::snprintf(b, sizeof b, "%.1f%%", *r * 100.0);
    std::string s = b;
    if (!en) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }
  std::string date(const Date& d) const {
    if (d.is_special()) return "—";
    char b[32];
    if (en) return format_date(d);
    std::snprintf(b, sizeof b, "%02d/%02d/%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                  static_cast<int>(d.year()));
    return b;
  }
};

std::string f1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

const char* kGreen = "#2e7d32";
const char* kAmber = "#f9a825";
const char* kRed = "#c62828";
const char* kBlue = "#1565c0";

// Stacked bars per topic: resolved, not yet due, overdue.
std::string chart_topics(const Report& r, const Text& T) {
  const double W = 760, label_w = 250, row = 26, top = 30;
  const double H = top + row * std::max<std::size_t>(r.by_topic.size(), 1) + 30;
  std::uint64_t mx = 1;
  for (const auto& t : r.by_topic) mx = std::max(mx, t.tally.items);
  std::string s = "<svg id=\"chart-topics\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + f1(W) + " " + f1(H) +
                  "\" width=\"100%\" role=\"img\" aria-label=\"" +
                  T.t("Nội dung theo lĩnh vực và tình trạng", "Items by topic and status") + "\">";
  s += "<title>" + std::string(T.t("Nội dung theo lĩnh vực và tình trạng", "Items by topic and status")) + "</title>";
  // legend
  const char* names[] = {T.t("Đã giải quyết", "Resolved"), T.t("Chưa đến hạn", "Not yet due"), T.t("Quá hạn", "Overdue")};
  const char* colors[] = {kGreen, kAmber, kRed};
  for (int k = 0; k < 3; ++k) {
    const double x = label_w + k * 150;
    s += "<rect class=\"legend\" x=\"" + f1(x) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + colors[k] + "\"/>";
    s += "<text x=\"" + f1(x + 16) + "\" y=\"17\" font-size=\"12\">" + names[k] + "</text>";
  }
  if (r.by_topic.empty())
    s += "<text x=\"10\" y=\"" + f1(top + 18) + "\" font-size=\"13\">" + T.t("Không có dữ liệu", "No data") + "</text>";
  double y = top;
  const double bw = W - label_w - 60;
  for (const auto& t : r.by_topic) {
    s += "<text x=\"" + f1(label_w - 8) + "\" y=\"" + f1(y + 16) + "\" font-size=\"12\" text-anchor=\"end\">" +
         esc(t.label) + "</text>";
    double x = label_w;
    const std::uint64_t parts[] = {t.tally.resolved, t.tally.not_yet_due, t.tally.overdue};
    for (int k = 0; k < 3; ++k) {
      const double w = bw * static_cast<double>(parts[k]) / static_cast<double>(mx);
      if (parts[k])
        s += "<rect class=\"bar\" x=\"" + f1(x) + "\" y=\"" + f1(y + 4) + "\" width=\"" + f1(w) +
             "\" height=\"16\" fill=\"" + colors[k] + "\"><title>" + esc(t.label) + ": " + names[k] + " " +
             T.num(parts[k]) + "</title></rect>";
      x += w;
    }
    s += "<text x=\"" + f1(x + 6) + "\" y=\"" + f1(y + 16) + "\" font-size=\"12\">" + T.num(t.tally.items) + "</text>";
    y += row;
  }
  s += "</svg>";
  return s;
}

// On-time rate per agency, 0–100 %.
std::string chart_agencies(const Report& r, const Text& T) {
  const double W = 760, label_w = 250, row = 26, top = 30;
  const double H = top + row * std::max<std::size_t>(r.by_agency.size(), 1) + 30;
  const double bw = W - label_w - 70;
  std::string s = "<svg id=\"chart-agencies\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + f1(W) + " " +
                  f1(H) + "\" width=\"100%\" role=\"img\" aria-label=\"" +
                  T.t("Tỷ lệ giải quyết đúng hạn theo cơ quan", "On-time rate by agency") + "\">";
  s += "<title>" + std::string(T.t("Tỷ lệ giải quyết đúng hạn theo cơ quan", "On-time rate by agency")) + "</title>";
  for (int k = 0; k <= 4; ++k) {
    const double x = label_w + bw * k / 4.0;
    s += "<line x1=\"" + f1(x) + "\" y1=\"" + f1(top - 6) + "\" x2=\"" + f1(x) + "\" y2=\"" + f1(H - 24) +
         "\" stroke=\"#bbb\" stroke-width=\"0.5\"/>";
    s += "<text x=\"" + f1(x) + "\" y=\"" + f1(top - 10) + "\" font-size=\"11\" text-anchor=\"middle\">" +
         std::to_string(k * 25) + "%</text>";
  }
  if (r.by_agency.empty())
    s += "<text x=\"10\" y=\"" + f1(top + 18) + "\" font-size=\"13\">" + T.t("Không có dữ liệu", "No data") + "</text>";
  double y = top;
  for (const auto& a : r.by_agency) {
    const auto rate = a.tally.on_time_rate();
    s += "<text x=\"" + f1(label_w - 8) + "\" y=\"" + f1(y + 16) + "\" font-size=\"12\" text-anchor=\"end\">" +
         esc(a.name) + "</text>";
    const double w = bw * (rate ? *rate : 0.0);
    const char* color = !rate ? "#999" : *rate >= 0.9 ? kGreen : *rate >= 0.7 ? kAmber : kRed;
    s += "<rect class=\"bar\" x=\"" + f1(label_w) + "\" y=\"" + f1(y + 4) + "\" width=\"" + f1(w) +
         "\" height=\"16\" fill=\"" + color + "\"><title>" + esc(a.name) + ": " + T.pct(rate) + "</title></rect>";
    s += "<text x=\"" + f1(label_w + w + 6) + "\" y=\"" + f1(y + 16) + "\" font-size=\"12\">" + T.pct(rate) + "</text>";
    y += row;
  }
  s += "</svg>";
  return s;
}

// Items raised (bars) and resolved (line) month by month.
std::string chart_trend(const Report& r, const Text& T) {
  const double W = 760, H = 260, left = 50, right = 20, top = 30, bottom = 40;
  const std::size_t n = std::max<std::size_t>(r.trend.size(), 1);
  std::uint64_t mx = 1;
  for (const auto& m : r.trend) mx = std::max({mx, m.items, m.resolved});
  const double pw = W - left - right, ph = H - top - bottom, step = pw / static_cast<double>(n);
  auto ys = [&](std::uint64_t v) { return top + ph - ph * static_cast<double>(v) / static_cast<double>(mx); };
  std::string s = "<svg id=\"chart-trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + f1(W) + " " + f1(H) +
                  "\" width=\"100%\" role=\"img\" aria-label=\"" + T.t("Diễn biến theo tháng", "Month-by-month trend") +
                  "\">";
  s += "<title>" + std::string(T.t("Diễn biến theo tháng", "Month-by-month trend")) + "</title>";
  s += "<rect class=\"legend\" x=\"" + f1(left) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + kBlue + "\"/>";
  s += "<text x=\"" + f1(left + 16) + "\" y=\"17\" font-size=\"12\">" + T.t("Nội dung tiếp nhận", "Items raised") + "</text>";
  s += "<line x1=\"" + f1(left + 180) + "\" y1=\"12\" x2=\"" + f1(left + 200) + "\" y2=\"12\" stroke=\"" + kGreen +
       "\" stroke-width=\"3\"/>";
  s += "<text x=\"" + f1(left + 206) + "\" y=\"17\" font-size=\"12\">" + T.t("Nội dung giải quyết xong", "Items resolved") +
       "</text>";
  s += "<line x1=\"" + f1(left) + "\" y1=\"" + f1(top + ph) + "\" x2=\"" + f1(W - right) + "\" y2=\"" + f1(top + ph) +
       "\" stroke=\"#333\"/>";
  s += "<text x=\"" + f1(left - 6) + "\" y=\"" + f1(top + 4) + "\" font-size=\"11\" text-anchor=\"end\">" + T.num(mx) +
       "</text>";
  std::string line;
  const std::size_t every = std::max<std::size_t>(1, r.trend.size() / 12);
  for (std::size_t i = 0; i < r.trend.size(); ++i) {
    const auto& m = r.trend[i];
    const double x = left + step * static_cast<double>(i);
    const double y = ys(m.items);
    s += "<rect class=\"bar\" x=\"" + f1(x + step * 0.15) + "\" y=\"" + f1(y) + "\" width=\"" + f1(step * 0.7) +
         "\" height=\"" + f1(top + ph - y) + "\" fill=\"" + kBlue + "\"><title>" + std::to_string(m.month) + "/" +
         std::to_string(m.year) + ": " + T.num(m.items) + "</title></rect>";
    line += (line.empty() ? "" : " ") + f1(x + step / 2) + "," + f1(ys(m.resolved));
    if (i % every == 0)
      s += "<text x=\"" + f1(x + step / 2) + "\" y=\"" + f1(top + ph + 16) + "\" font-size=\"10\" text-anchor=\"middle\">" +
           std::to_string(m.month) + "/" + std::to_string(m.year % 100) + "</text>";
  }
  if (!line.empty())
    s += "<polyline class=\"line\" points=\"" + line + "\" fill=\"none\" stroke=\"" + kGreen + "\" stroke-width=\"2.5\"/>";
  s += "</svg>";
  return s;
}

std::string counts_table(const std::vector<Count>& v, const Text& T, const char* head_vi, const char* head_en,
                         bool translate_levels = false) {
  std::string s = "<table><thead><tr><th>" + std::string(T.t(head_vi, head_en)) + "</th><th class=\"n\">" +
                  T.t("Số lượng", "Count") + "</th></tr></thead><tbody>";
  for (const auto& c : v)
    s += "<tr><td>" + esc(translate_levels ? level_label(c.code, T.en ? "en" : "vi") : (T.en ? c.code : c.label)) +
         "</td><td class=\"n\">" + T.num(c.n) + "</td></tr>";
  return s + "</tbody></table>";
}

std::string tally_cells(const Tally& t, const Text& T) {
  return "<td class=\"n\">" + T.num(t.items) + "</td><td class=\"n\">" + T.num(t.resolved) + "</td><td class=\"n\">" +
         T.num(t.not_yet_due) + "</td><td class=\"n\">" + T.num(t.overdue) + "</td><td class=\"n\">" +
         T.pct(t.on_time_rate()) + "</td><td class=\"n\">" + T.num(t.extensions) + "</td>";
}
std::string tally_head(const Text& T, const char* first_vi, const char* first_en) {
  return "<thead><tr><th>" + std::string(T.t(first_vi, first_en)) + "</th><th class=\"n\">" + T.t("Nội dung", "Items") +
         "</th><th class=\"n\">" + T.t("Đã giải quyết", "Resolved") + "</th><th class=\"n\">" +
         T.t("Chưa đến hạn", "Not yet due") + "</th><th class=\"n\">" + T.t("Quá hạn", "Overdue") +
         "</th><th class=\"n\">" + T.t("Đúng hạn", "On time") + "</th><th class=\"n\">" + T.t("Gia hạn", "Extensions") +
         "</th></tr></thead>";
}

}  // namespace

std::string report_html(const Report& r, const HtmlOptions& o) {
  const Text T{o.lang == "en"};
  const std::string period = period_label(r.period, T.en ? "en" : "vi");
  const std::string title =
      !o.title.empty() ? o.title
                       : std::string(T.t("Báo cáo kết quả đối thoại và giải quyết ý kiến, kiến nghị",
                                         "Report on dialogue conferences and the resolution of opinions")) +
                             (r.unit_name.empty() ? "" : " — " + r.unit_name) + " — " + period;
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"" + std::string(T.en ? "en" : "vi") + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + esc(title) + "</title>\n";
  h += R"(<style>
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;color:#222;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:2px solid #1565c0;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555}.grid{display:flex;flex-wrap:wrap;gap:.6em}.card{border:1px solid #ccc;border-radius:6px;padding:.5em .8em;min-width:9em}
.card b{display:block;font-size:1.4em}table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#eef3fb}td.n,th.n{text-align:right}figure{margin:1em 0;page-break-inside:avoid;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:.3em}
footer{margin-top:2em;font-size:.85em;color:#555}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{page-break-after:avoid;break-after:avoid}table,figure,.grid{page-break-inside:avoid;break-inside:avoid}
th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
@page{size:A4;margin:15mm}
</style>
</head>
<body>
)";
  h += "<header><h1>" + esc(title) + "</h1><p class=\"meta\">" + T.t("Kỳ báo cáo", "Period") + ": " + esc(period) + " (" +
       T.date(r.period.from) + " – " + T.date(r.period.to) + "). " + T.t("Số liệu tính đến ngày", "Figures as of") + " " +
       T.date(r.as_of) + ".</p></header>\n";

  h += "<section id=\"summary\"><h2>" + std::string(T.t("Tổng hợp", "Summary")) + "</h2><div class=\"grid\">";
  auto card = [&](const char* vi, const char* en, const std::string& v) {
    h += "<div class=\"card\">" + std::string(T.t(vi, en)) + "<b>" + v + "</b></div>";
  };
  card("Hội nghị đối thoại", "Conferences", T.num(r.conferences));
  card("Ý kiến, kiến nghị", "Opinions", T.num(r.opinions));
  card("Ý kiến ẩn danh", "Anonymous opinions", T.num(r.opinions_anonymous));
  card("Ý kiến giữ kín tên", "Name withheld", T.num(r.opinions_name_withheld));
  card("Nội dung", "Items", T.num(r.items.items));
  card("Đã giải quyết", "Resolved", T.num(r.items.resolved));
  card("Còn tồn", "Outstanding", T.num(r.items.outstanding));
  card("Chưa đến hạn", "Not yet due", T.num(r.items.not_yet_due));
  card("Quá hạn", "Overdue", T.num(r.items.overdue));
  card("Tỷ lệ đúng hạn", "On-time rate", T.pct(r.items.on_time_rate()));
  card("Lượt gia hạn", "Extensions", T.num(r.items.extensions));
  card("Đề xuất cấp trên", "Escalated", T.num(r.items.escalated));
  h += "</div></section>\n";

  h += "<section id=\"conferences\"><h2>" + std::string(T.t("Hội nghị đối thoại", "Conferences")) + "</h2>";
  h += counts_table(r.conferences_by_level, T, "Cấp", "Level", true);
  std::vector<Count> kinds = r.conferences_by_kind;
  if (T.en)
    for (auto& k : kinds) k.label = k.code;
  h += counts_table(kinds, T, "Hình thức", "Kind");
  h += counts_table(r.conferences_by_audience, T, "Đối tượng", "Audience");
  h += "</section>\n";

  h += "<section id=\"charts\"><h2>" + std::string(T.t("Biểu đồ", "Charts")) + "</h2>";
  h += "<figure><figcaption>" + std::string(T.t("Nội dung theo lĩnh vực và tình trạng", "Items by topic and status")) +
       "</figcaption>" + chart_topics(r, T) + "</figure>\n";
  h += "<figure><figcaption>" + std::string(T.t("Tỷ lệ giải quyết đúng hạn theo cơ quan", "On-time rate by agency")) +
       "</figcaption>" + chart_agencies(r, T) + "</figure>\n";
  h += "<figure><figcaption>" + std::string(T.t("Diễn biến theo tháng", "Month-by-month trend")) + "</figcaption>" +
       chart_trend(r, T) + "</figure>\n</section>\n";

  h += "<section id=\"topics\"><h2>" + std::string(T.t("Theo lĩnh vực", "By topic")) + "</h2><table>" +
       tally_head(T, "Lĩnh vực", "Topic") + "<tbody>";
  for (const auto& t : r.by_topic)
    h += "<tr><td>" + esc(T.en ? t.topic : t.label) + "</td>" + tally_cells(t.tally, T) + "</tr>";
  h += "</tbody></table></section>\n";
  // Replies returned for rework (R13, R14 review): a column only where the profile's review
  // returned some, so reports of units without review keep their shape.
  const bool returns = std::any_of(r.by_agency.begin(), r.by_agency.end(), [](const auto& a) { return a.returned > 0; });
  // Evidence (issue 14, R16): written replies in force and the share carrying an attachment,
  // wherever the period has a written reply (0% is what the reader needs to see too).
  const bool evidence =
      std::any_of(r.by_agency.begin(), r.by_agency.end(), [](const auto& a) { return a.written_replies > 0; });
  std::string agency_head = tally_head(T, "Cơ quan", "Agency");
  std::string extra_head;
  if (returns) extra_head += "<th class=\"n\">" + std::string(T.t("Trả lại để hoàn thiện", "Returned for rework")) + "</th>";
  if (evidence)
    extra_head += "<th class=\"n\">" + std::string(T.t("Trả lời bằng văn bản", "Written replies")) + "</th><th class=\"n\">" +
                  std::string(T.t("Có tài liệu chứng minh", "With evidence")) + "</th>";
  agency_head.insert(agency_head.size() - std::string("</tr></thead>").size(), extra_head);
  h += "<section id=\"agencies\"><h2>" + std::string(T.t("Theo cơ quan giải quyết", "By agency")) + "</h2><table>" +
       agency_head + "<tbody>";
  for (const auto& a : r.by_agency) {
    h += "<tr><td>" + esc(a.name) + "</td>" + tally_cells(a.tally, T) +
         (returns ? "<td class=\"n\">" + T.num(a.returned) + "</td>" : std::string());
    if (evidence) {
      h += "<td class=\"n\">" + T.num(a.written_replies) + "</td><td class=\"n\">" + T.num(a.replies_with_evidence);
      if (a.written_replies)  // rounded as the satisfaction rates are
        h += " (" + std::to_string((a.replies_with_evidence * 1000 / a.written_replies + 5) / 10) + "%)";
      h += "</td>";
    }
    h += "</tr>";
  }
  h += "</tbody></table></section>\n";
  // Issue 14: the raisers' ratings of the replies, only when some were recorded in the period.
  if (r.satisfaction.rated) {
    auto row = [&](const std::string& name, const SatisfactionTally& t) {
      const std::string pct = std::to_string((t.satisfied * 1000 / t.rated + 5) / 10) + "%";
      return "<tr><td>" + esc(name) + "</td><td>" + T.num(t.rated) + "</td><td>" + T.num(t.satisfied) + "</td><td>" +
             T.num(t.partly_satisfied) + "</td><td>" + T.num(t.not_satisfied) + "</td><td>" + pct + "</td></tr>";
    };
    h += "<section id=\"satisfaction\"><h2>" + std::string(T.t("Mức độ hài lòng với văn bản trả lời", "Satisfaction with the replies")) +
         "</h2><table><thead><tr><th></th><th>" + T.t("Đã đánh giá", "Rated") + "</th><th>" + T.t("Hài lòng", "Satisfied") +
         "</th><th>" + T.t("Hài lòng một phần", "Partly") + "</th><th>" + T.t("Không hài lòng", "Not satisfied") +
         "</th><th>" + T.t("Tỷ lệ hài lòng", "Satisfied rate") + "</th></tr></thead><tbody>";
    h += row(T.t("Tổng số", "Total"), r.satisfaction);
    for (const auto& l : r.satisfaction_by_agency) h += row(l.name, l.tally);
    for (const auto& l : r.satisfaction_by_topic) h += row(T.en ? l.code : l.name, l.tally);
    for (const auto& l : r.satisfaction_by_unit) h += row(l.name, l.tally);
    h += "</tbody></table></section>\n";
  }

  h += "<section id=\"change\"><h2>" + std::string(T.t("So với kỳ trước", "Change from the previous period")) + " (" +
       esc(period_label(r.previous, T.en ? "en" : "vi")) + ")</h2><table><thead><tr><th></th><th class=\"n\">" +
       T.t("Kỳ trước", "Previous") + "</th><th class=\"n\">" + T.t("Kỳ này", "Current") + "</th><th class=\"n\">" +
       T.t("Tăng/giảm", "Change") + "</th></tr></thead><tbody>";
  auto change_row = [&](const char* vi, const char* en, const Change& c) {
    h += "<tr><td>" + std::string(T.t(vi, en)) + "</td><td class=\"n\">" + T.num(c.previous) + "</td><td class=\"n\">" +
         T.num(c.current) + "</td><td class=\"n\">" + (c.delta >= 0 ? "+" : "−") +
         T.num(static_cast<std::uint64_t>(c.delta >= 0 ? c.delta : -c.delta)) +
         (c.percent ? " (" + T.pct(*c.percent / 100.0) + ")" : std::string()) + "</td></tr>";
  };
  change_row("Hội nghị", "Conferences", r.change_conferences);
  change_row("Ý kiến", "Opinions", r.change_opinions);
  change_row("Nội dung", "Items", r.change_items);
  change_row("Giải quyết xong trong kỳ", "Resolved in the period", r.change_resolved_in_period);
  h += "</tbody></table></section>\n";

  h += "<footer>";
  if (!r.recipients.empty()) {
    h += "<p id=\"recipients\">" + std::string(T.t("Nơi nhận", "Recipients")) + ":</p><ul>";
    for (const auto& x : r.recipients) h += "<li>" + esc(x) + "</li>";
    h += "</ul>";
  }
  h += "<p>" + std::string(T.t("Căn cứ", "Rules applied")) + ":</p><ul>";
  for (const auto& c : r.citations)
    if (!c.empty()) h += "<li>" + esc(c) + "</li>";
  h += "</ul></footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace doithoai
