// Exports: items as JSON, CSV (Excel/LibreOffice-friendly), Open311 GeoReport v2 requests,
// and an agency's deadlines as iCalendar (RFC 5545). docs/reports.md lists the fields.
#include <charconv>
#include <cstring>
#include <functional>

#include "common.h"
#include "track.h"
#include "doithoai/error.h"
#include "doithoai/views.h"

namespace doithoai {
using nlohmann::json;
using namespace detail;

namespace detail {
std::int32_t public_since(const StateImpl& s, std::uint32_t id);
std::string raiser_public(const StateImpl& s, const Redactor& red, std::uint32_t item);
}  // namespace detail

namespace {

struct Selection {
  const StateImpl& s;
  const Profile& p;
  const ExportOptions& o;
  std::vector<char> mask;  // by unit: in the subtree (unfiltered exports only)
  std::size_t lo = 1, hi = 0;  // the item ids [lo, hi) the export looks at
  std::int32_t as_of;
  Instant stamp;
  bool pub;
  std::optional<Redactor> red;

  Selection(const State& st, const Profile& prof, const ExportOptions& opt, bool absent_item_empty)
      : s(detail::StateAccess::impl(st)), p(prof), o(opt), pub(opt.visibility == Visibility::public_view) {
    if (o.unit && !s.has_unit(o.unit)) throw Error(ErrorCode::not_found, "no unit with id " + std::to_string(o.unit.value));
    if (!o.as_of.is_special()) require_answers_for(s, o.as_of, "as_of");
    if (o.item) {
      // One item: no pass over the items or the units (in_scope walks up from its unit).
      if (s.has_item(o.item)) {
        lo = o.item.value;
        hi = lo + 1;
      } else if (!absent_item_empty) {
        throw Error(ErrorCode::not_found, "no item with id " + std::to_string(o.item.value));
      }
    } else {
      mask = s.subtree_mask(o.unit);
      hi = s.items.size();
    }
    as_of = day_of(o.as_of.is_special() ? state_date(s, p) : o.as_of);
    stamp = !o.generated_at.is_special() ? o.generated_at
            : s.last_at.is_special()     ? Instant(Date(1970, 1, 1))
                                         : s.last_at;
    if (pub) red.emplace(st);  // the state's shared tables: built once per persons version
  }
  bool in_scope(UnitId u) const { return o.item ? !o.unit || s.unit_in_subtree(u, o.unit) : mask[u.value] != 0; }
  // The items an export holds, in id order; published_on is kNoDay when not public.
  template <class F>
  void each(F&& f) const {
    for (std::size_t i = lo; i < hi; ++i) {
      const ItemRec& r = s.items[i];
      if (!in_scope(r.unit) || r.raised_on > as_of) continue;
      const std::int32_t since = public_since(s, static_cast<std::uint32_t>(i));
      if (pub && (since == kNoDay || since > as_of)) continue;
      f(static_cast<std::uint32_t>(i), since);
    }
  }
  std::uint32_t eff(std::uint32_t id) const {
    return s.items[id].status == ItemStatus::merged ? s.root_of(id) : id;
  }
  Standing standing(std::uint32_t id) const {
    const std::uint32_t e = eff(id);
    if (resolved_as_of(s, e, as_of)) return Standing::resolved;
    const std::int32_t dl = s.items[e].deadline;
    return dl == kNoDay || dl >= as_of ? Standing::not_yet_due : Standing::overdue;
  }
  std::string text(std::uint32_t id, std::string_view t) const { return pub ? public_text(s, *red, id, t) : std::string(t); }
  std::string raiser(std::uint32_t id) const {
    if (pub) return raiser_public(s, *red, id);
    const OpinionRec& op = s.opinions[s.items[id].opinion];
    if (op.raised_by_org) return s.organizations[op.raised_by_org.value].name;
    if (op.raised_by) return s.persons[op.raised_by.value].value.name;
    if (op.from_unit) return s.units[op.from_unit.value].value.name;
    return {};
  }
  // The reply a reader of this export may see: published ones only in public view.
  const ReplyRec* reply(std::uint32_t id) const {
    const ItemRec& r = s.items[id];
    if (!r.reply) return nullptr;
    if (pub && s.view.reply_published_on(id) == kNoDay) return nullptr;
    return &s.replies[r.reply - 1];
  }
};

json jday(std::int32_t d) { return d == kNoDay ? json(nullptr) : json(iso_day(d)); }

std::string zone(int minutes) {
  const int a = minutes < 0 ? -minutes : minutes;
  char b[16];
  std::snprintf(b, sizeof b, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return b;
}

}  // namespace

// ---- JSON ----
json export_items_json(const State& state, const Profile& profile, const ExportOptions& o) {
  return detail::export_items_json(state, profile, o, false);
}
json detail::export_items_json(const State& state, const Profile& profile, const ExportOptions& o, bool absent_item_empty) {
  Selection sel(state, profile, o, absent_item_empty);
  const StateImpl& s = sel.s;
  json items = json::array();
  sel.each([&](std::uint32_t id, std::int32_t since) {
    const ItemRec& r = s.items[id];
    const OpinionRec& op = s.opinions[r.opinion];
    json x;
    x["id"] = id;
    x["opinion"] = r.opinion;
    x["conference"] = op.conference ? json(op.conference.value) : json(nullptr);
    x["unit"] = {{"id", r.unit.value}, {"code", s.units[r.unit.value].value.code}, {"name", s.units[r.unit.value].value.name}};
    x["raised_in"] = s.units[r.raised_in.value].value.name;
    x["channel"] = std::string(to_string(op.channel));
    x["raised_by"] = sel.raiser(id);
    x["topic"] = s.topics[r.topic];
    x["topic_label"] = label_of(profile.topics, s.topics[r.topic]);
    x["text"] = sel.text(id, s.text().view(r.text));
    x["status"] = std::string(to_string(r.status));
    x["standing"] = std::string(to_string(sel.standing(id)));
    x["raised_on"] = jday(r.raised_on);
    x["agency"] = r.agency ? json{{"id", r.agency.value}, {"code", s.agencies[r.agency.value].code},
                                  {"name", s.agencies[r.agency.value].name}}
                           : json(nullptr);
    x["deadline"] = jday(r.deadline);
    x["original_deadline"] = jday(r.original_deadline);
    x["extensions"] = r.extensions;
    x["resolved_on"] = jday(r.resolved_on);
    x["reopened"] = r.reopened;
    // Replies returned for rework (R13, R14 review) are the office's business: internal only.
    if (!sel.pub) x["returned"] = r.returned;
    if (const ReplyRec* rep = sel.reply(id)) {
      x["reply"] = {{"number", s.text().str(rep->number)}, {"date", jday(rep->date)},
                    {"agency", rep->agency ? s.agencies[rep->agency.value].name : std::string()},
                    {"text", sel.text(id, s.text().view(rep->text))}};
      // Evidence (issue 14): public exports list the public attachments only (R13), names
      // redacted; internal ones every attachment with its publishable flag. Absent when none.
      if (!s.attachments.replies.empty()) {
        json at = json::array();
        for (const Attachment& a : AttachmentTables::of(s.attachments.replies, r.reply)) {
          if (sel.pub && !s.attachment_public(r.reply, a)) continue;
          json t = {{"name", sel.text(id, a.name)}, {"media_type", a.media_type}, {"size", a.size}, {"sha256", a.sha256}};
          if (!sel.pub) t["publishable"] = a.publishable;
          at.push_back(std::move(t));
        }
        if (!at.empty()) x["reply"]["attachments"] = std::move(at);
      }
    } else
      x["reply"] = nullptr;
    x["published_on"] = jday(since);
    items.push_back(std::move(x));
  });
  json j;
  j["schema"] = "doithoai.items/1";
  j["generated_at"] = format_instant(sel.stamp);
  j["as_of"] = iso_day(sel.as_of);
  j["profile"] = profile.name;
  j["visibility"] = sel.pub ? "public" : "internal";
  j["unit"] = o.unit ? json{{"id", o.unit.value}, {"name", s.units[o.unit.value].value.name}} : json(nullptr);
  j["items"] = std::move(items);
  return j;
}

// ---- CSV ----
const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> c = {
      "item_id",      "opinion_id",   "conference_id", "unit_code",   "unit_name",   "raised_in",
      "channel",      "raised_by",    "topic",         "topic_label", "text",        "status",
      "standing",     "raised_on",    "agency_code",   "agency_name", "deadline",    "original_deadline",
      "extensions",   "resolved_on",  "reply_number",  "reply_date",  "reply_text",  "published_on",
      "reopened",     "returned"};
  return c;
}

namespace {
struct CsvWriter {
  std::string& out;
  bool first = true;
  void sep() {
    if (!first) out += ',';
    first = false;
  }
  void end_row() {
    out += "\r\n";
    first = true;
  }
  // RFC 4180: quote fields holding a comma, quote, CR or LF; double inner quotes. Free text
  // starting with = + - @ gets a leading apostrophe so spreadsheets never run it as a formula.
  void text(std::string_view v, bool free_text = false) {
    sep();
    const bool formula = free_text && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
    bool quote = false;
    for (const char c : v)
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        quote = true;
        break;
      }
    if (!quote && !formula) {
      out.append(v.data(), v.size());
      return;
    }
    out += '"';
    if (formula) out += '\'';
    for (std::size_t i = 0;;) {
      const std::size_t q = v.find('"', i);
      if (q == std::string_view::npos) {
        out.append(v.data() + i, v.size() - i);
        break;
      }
      out.append(v.data() + i, q + 1 - i);
      out += '"';
      i = q + 1;
    }
    out += '"';
  }
  void num(std::uint64_t v) {
    sep();
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    out.append(b, r.ptr);
  }
  void id(std::uint32_t v) {
    if (v) num(v);
    else sep();
  }
  void day(std::int32_t d) {
    sep();
    if (d == kNoDay) return;
    char b[10];
    put_iso_day(d, b);
    out.append(b, 10);
  }
};
}  // namespace

std::size_t export_items_csv(const State& state, const Profile& profile, const ExportOptions& o, std::string& out) {
  return export_items_csv(state, profile, o, [&](std::string_view chunk) { out.append(chunk.data(), chunk.size()); });
}

std::size_t export_items_csv(const State& state, const Profile& profile, const ExportOptions& o,
                             const std::function<void(std::string_view)>& sink) {
  return detail::export_items_csv(state, profile, o, sink, false);
}
std::size_t detail::export_items_csv(const State& state, const Profile& profile, const ExportOptions& o,
                                     const std::function<void(std::string_view)>& sink, bool absent_item_empty) {
  Selection sel(state, profile, o, absent_item_empty);
  std::string out;
  out.reserve(o.item ? 4096 : 1 << 21);  // one row, or rows sent in ~1 MiB chunks
  const StateImpl& s = sel.s;
  CsvWriter w{out};
  out += "\xEF\xBB\xBF";  // UTF-8 BOM: Excel then reads the Vietnamese text as UTF-8
  for (const auto& c : csv_columns()) w.text(c);
  w.end_row();
  // Labels by topic, looked up once (a filtered export looks up its item's only).
  std::vector<std::string> topic_labels(o.item ? 0 : s.topics.size());
  for (std::size_t t = 0; t < topic_labels.size(); ++t) topic_labels[t] = label_of(profile.topics, s.topics[t]);
  std::size_t rows = 0;
  std::string scratch;
  sel.each([&](std::uint32_t id, std::int32_t since) {
    const ItemRec& r = s.items[id];
    const OpinionRec& op = s.opinions[r.opinion];
    const Unit& u = s.units[r.unit.value].value;
    w.num(id);
    w.num(r.opinion);
    w.id(op.conference.value);
    w.text(u.code);
    w.text(u.name);
    w.text(s.units[r.raised_in.value].value.name);
    w.text(to_string(op.channel));
    if (sel.pub) {
      w.text(sel.raiser(id), true);
    } else {
      const OpinionRec& o2 = op;
      w.text(o2.raised_by_org ? std::string_view(s.organizations[o2.raised_by_org.value].name)
             : o2.raised_by   ? std::string_view(s.persons[o2.raised_by.value].value.name)
             : o2.from_unit   ? std::string_view(s.units[o2.from_unit.value].value.name)
                              : std::string_view(),
             true);
    }
    w.text(s.topics[r.topic]);
    w.text(o.item ? label_of(profile.topics, s.topics[r.topic]) : topic_labels[r.topic]);
    if (sel.pub) {
      scratch = sel.text(id, s.text().view(r.text));
      w.text(scratch, true);
    } else {
      w.text(s.text().view(r.text), true);
    }
    w.text(to_string(r.status));
    w.text(to_string(sel.standing(id)));
    w.day(r.raised_on);
    if (r.agency) {
      w.text(s.agencies[r.agency.value].code);
      w.text(s.agencies[r.agency.value].name);
    } else {
      w.sep();
      w.sep();
    }
    w.day(r.deadline);
    w.day(r.original_deadline);
    w.num(r.extensions);
    w.day(r.resolved_on);
    if (const ReplyRec* rep = sel.reply(id)) {
      w.text(s.text().view(rep->number));
      w.day(rep->date);
      if (sel.pub) {
        scratch = sel.text(id, s.text().view(rep->text));
        w.text(scratch, true);
      } else {
        w.text(s.text().view(rep->text), true);
      }
    } else {
      w.sep();
      w.sep();
      w.sep();
    }
    w.day(since);
    w.num(r.reopened);
    if (sel.pub)
      w.sep();  // returned: internal only (R13, R14 review)
    else
      w.num(r.returned);
    w.end_row();
    ++rows;
    if (out.size() >= (1 << 20)) {
      sink(out);
      out.clear();
    }
  });
  if (!out.empty()) sink(out);
  return rows;
}

// ---- Open311 GeoReport v2 ----
json export_open311(const State& state, const Profile& profile, const ExportOptions& o) {
  return detail::export_open311(state, profile, o, false);
}
json detail::export_open311(const State& state, const Profile& profile, const ExportOptions& o, bool absent_item_empty) {
  Selection sel(state, profile, o, absent_item_empty);
  const StateImpl& s = sel.s;
  const std::string tz = zone(profile.zone_offset_minutes);
  auto at = [&](std::int32_t d, const char* time) {
    return d == kNoDay ? json(nullptr) : json(iso_day(d) + "T" + time + tz);
  };
  const std::string notice = "Thời hạn trả lời bằng văn bản: " + std::to_string(profile.deadlines.reply.days) +
                             (profile.deadlines.reply.day_type == DayType::working ? " ngày làm việc" : " ngày") +
                             " (" + profile.deadlines.reply.citation + ")";
  json a = json::array();
  sel.each([&](std::uint32_t id, std::int32_t since) {
    const ItemRec& r = s.items[id];
    const Standing st = sel.standing(id);
    json x;
    x["service_request_id"] = std::to_string(id);
    x["status"] = st == Standing::resolved ? "closed" : "open";
    std::string notes = status_label(s.items[sel.eff(id)].status);
    if (const ReplyRec* rep = sel.reply(id))
      notes = "Văn bản số " + s.text().str(rep->number) + " ngày " + iso_day(rep->date) + ": " +
              sel.text(id, s.text().view(rep->text));
    else if (const ItemCold* c = s.cold_of(id); c && c->answer && (!sel.pub || since != kNoDay))
      notes = "Đã trả lời tại hội nghị: " + sel.text(id, c->answer->gist);
    x["status_notes"] = notes;
    x["service_name"] = label_of(profile.topics, s.topics[r.topic]);
    x["service_code"] = s.topics[r.topic];
    x["description"] = sel.text(id, s.text().view(r.text));
    x["agency_responsible"] = r.agency ? json(s.agencies[r.agency.value].name) : json(nullptr);
    x["service_notice"] = notice;
    x["requested_datetime"] = at(r.raised_on, "00:00:00");
    std::int32_t upd = r.raised_on;
    for (std::int32_t d : {r.resolved_on, since}) if (d != kNoDay && d <= sel.as_of) upd = std::max(upd, d);
    if (r.reply) upd = std::max(upd, std::min(s.replies[r.reply - 1].date, sel.as_of));
    x["updated_datetime"] = at(upd, "00:00:00");
    x["expected_datetime"] = at(s.items[sel.eff(id)].deadline, "23:59:59");
    x["address"] = s.units[r.raised_in.value].value.name;
    // Issue 14: the item's place (never a person's address field, R13). Its address text
    // is redacted like any public text; a place whose address names a person's registered
    // address (their home) is left out of a public export altogether.
    if (!s.places.of_item.empty())
      if (auto pl = s.places.of_item.find(id); pl != s.places.of_item.end()) {
        const std::string_view raw = s.text().view(pl->second.address);
        const std::string shown = sel.text(id, raw);
        if (shown == raw) {
          x["lat"] = from_e7(pl->second.lat7);
          x["long"] = from_e7(pl->second.lon7);
          if (!raw.empty()) x["address"] = shown;
        }
      }
    a.push_back(std::move(x));
  });
  return a;
}

// ---- iCalendar ----
namespace {
std::string ical_text(std::string_view v) {
  std::string o;
  for (char c : v) {
    if (c == '\\' || c == ';' || c == ',') {
      o += '\\';
      o += c;
    } else if (c == '\n') {
      o += "\\n";
    } else if (c != '\r') {
      o += c;
    }
  }
  return o;
}
// RFC 5545 3.1: lines longer than 75 octets are folded with CRLF + space, never inside a
// UTF-8 sequence.
void ical_line(std::string& out, const std::string& line) {
  std::size_t i = 0, limit = 75;
  while (line.size() - i > limit) {
    std::size_t cut = i + limit;
    while (cut > i && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line, i, cut - i);
    out += "\r\n ";
    i = cut;
    limit = 74;  // the leading space counts
  }
  out.append(line, i, std::string::npos);
  out += "\r\n";
}
std::string compact_day(std::int32_t d) {
  std::string s = iso_day(d);
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
}
}  // namespace

std::string export_ical(const State& state, const Profile& profile, AgencyId agency, const ExportOptions& o) {
  return detail::export_ical(state, profile, agency, o, false);
}
std::string detail::export_ical(const State& state, const Profile& profile, AgencyId agency, const ExportOptions& o,
                                bool absent_item_empty) {
  Selection sel(state, profile, o, absent_item_empty);
  const StateImpl& s = sel.s;
  if (!s.has_agency(agency)) throw Error(ErrorCode::not_found, "no agency with id " + std::to_string(agency.value));
  const Agency& ag = s.agencies[agency.value];
  const std::string stamp = [&] {
    const std::string iso = format_instant(sel.stamp);  // 2022-09-30T03:00:00.000000Z
    return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
           iso.substr(17, 2) + "Z";
  }();
  std::string out;
  ical_line(out, "BEGIN:VCALENDAR");
  ical_line(out, "VERSION:2.0");
  ical_line(out, "PRODID:-//doithoai//views//VI");
  ical_line(out, "CALSCALE:GREGORIAN");
  ical_line(out, "METHOD:PUBLISH");
  ical_line(out, "X-WR-CALNAME:" + ical_text("Hạn trả lời - " + ag.name));
  // Every item assigned to the agency and outstanding as of as_of, whatever the visibility:
  // the agency's own calendar; the text is redacted unless the export is internal.
  for (std::size_t i = sel.lo; i < sel.hi; ++i) {
    const ItemRec& r = s.items[i];
    if (r.agency != agency || r.status == ItemStatus::merged || r.deadline == kNoDay) continue;
    if (!sel.in_scope(r.unit) || r.raised_on > sel.as_of) continue;
    if (resolved_as_of(s, static_cast<std::uint32_t>(i), sel.as_of)) continue;
    const std::string topic = label_of(profile.topics, s.topics[r.topic]);
    ical_line(out, "BEGIN:VEVENT");
    ical_line(out, "UID:doithoai-item-" + std::to_string(i) + "@" + profile.name);
    ical_line(out, "DTSTAMP:" + stamp);
    ical_line(out, "DTSTART;VALUE=DATE:" + compact_day(r.deadline));
    ical_line(out, "DTEND;VALUE=DATE:" + compact_day(r.deadline + 1));
    ical_line(out, "SUMMARY:" + ical_text("Hạn trả lời nội dung #" + std::to_string(i) + ": " + topic));
    std::string desc = sel.text(static_cast<std::uint32_t>(i), s.text().view(r.text)) + "\nĐơn vị: " + s.units[r.raised_in.value].value.name;
    if (r.original_deadline != kNoDay && r.original_deadline != r.deadline)
      desc += "\nHạn ban đầu: " + iso_day(r.original_deadline) + "; đã gia hạn " + std::to_string(r.extensions) + " lần";
    ical_line(out, "DESCRIPTION:" + ical_text(desc));
    ical_line(out, "CATEGORIES:" + ical_text(topic));
    ical_line(out, "TRANSP:TRANSPARENT");
    ical_line(out, "END:VEVENT");
  }
  ical_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace doithoai
