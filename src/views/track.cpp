// Tracking codes, names withheld and anonymous opinions (issue 14; R04, R10, R13): the
// public lookup by code and the helpers decide and the views share (track.h).
#include "track.h"

#include <algorithm>
#include <cstdio>

#include "common.h"
#include "doithoai/error.h"
#include "doithoai/views.h"
#include "../text.h"

namespace doithoai {
namespace detail {

const char* const kWithheldLabel = "Người dân (ẩn danh)";

std::string tracking_code_of(const StateImpl& s, UnitId unit, std::int32_t raised_on, std::uint32_t opinion) {
  std::string out;
  const std::string& code = s.units[unit.value].value.code;
  out = code.empty() ? std::to_string(unit.value) : code;
  char buf[32];
  const int year = raised_on == kNoDay ? 0 : static_cast<int>(date_of(raised_on).year());
  std::snprintf(buf, sizeof buf, "-%04d-%06u", year, static_cast<unsigned>(opinion));
  out += buf;
  return out;
}

std::uint32_t parse_tracking_code(std::string_view code) {
  auto bad = [](const std::string& m) -> std::uint32_t {
    throw Error(ErrorCode::invalid_argument, "tracking code: " + m);
  };
  if (code.empty()) return bad("empty");
  if (code.size() > 200) return bad("longer than 200 bytes");
  if (!valid_utf8(code)) return bad("not valid UTF-8");
  for (unsigned char ch : code)
    if (ch < 0x20 || ch == 0x7f) return bad("control characters");
  const auto last = code.rfind('-');
  if (last == std::string_view::npos || last == 0) return bad("expected <unit>-<year>-<number>, e.g. BD-2024-000123");
  const auto mid = code.rfind('-', last - 1);
  if (mid == std::string_view::npos || mid == 0) return bad("expected <unit>-<year>-<number>, e.g. BD-2024-000123");
  const std::string_view year = code.substr(mid + 1, last - mid - 1), number = code.substr(last + 1);
  const auto digits = [](std::string_view v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (year.size() != 4 || !digits(year)) return bad("the year is four digits");
  if (!digits(number) || number.size() > 10) return bad("the number is 1 to 10 digits");
  const unsigned long long n = std::stoull(std::string(number));
  if (n == 0 || n > 0xFFFFFFFFull) return bad("the number is out of range");
  return static_cast<std::uint32_t>(n);
}

bool same_code(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

DeliveryNeed delivery_need(const StateImpl& s, const Profile& p, std::uint32_t item) {
  DeliveryNeed n;
  for (Recipient x : p.reply_recipients) n.recipients |= static_cast<std::uint8_t>(1u << (static_cast<int>(x) - 1));
  const OpinionRec& o = s.opinions[s.items[item].opinion];
  const std::uint8_t raiser = 1u << (static_cast<int>(Recipient::raiser) - 1);
  if (is_anonymous(o) && (n.recipients & raiser)) {
    n.recipients = static_cast<std::uint8_t>(n.recipients & ~raiser);
    n.posting = !p.anonymous || p.anonymous->delivery == AnonymousDelivery::posted;
  }
  return n;
}

std::string raiser_public(const StateImpl& s, const Redactor& red, std::uint32_t item);
std::int32_t public_since(const StateImpl& s, std::uint32_t id);

}  // namespace detail

using namespace detail;

Tracking track(const State& state, const Profile& profile, std::string_view code) {
  const std::uint32_t id = parse_tracking_code(code);
  const StateImpl& s = StateAccess::impl(state);
  if (!s.has_opinion(OpinionId(id)) || !same_code(tracking_code_of(s, id), code))
    throw Error(ErrorCode::not_found, "no opinion with tracking code '" + std::string(code) + "'");
  const OpinionRec& o = s.opinions[id];
  Tracking t;
  t.code = tracking_code_of(s, id);
  t.opinion = OpinionId(id);
  t.unit = o.unit;
  t.unit_name = s.units[o.unit.value].value.name;
  t.channel = o.channel;
  t.raised_on = date_of(o.raised_on);
  const Redactor red(state);
  t.raised_by = raiser_public(s, red, o.first_item);
  for (std::uint32_t i = o.first_item; i < o.first_item + o.item_count; ++i) {
    const ItemRec& r = s.items[i];
    TrackedItem x;
    x.id = ItemId(i);
    x.topic = s.topics[r.topic];
    x.topic_label = label_of(profile.topics, x.topic);
    x.status = r.status;
    x.deadline = opt_date(r.deadline);
    if (r.agency) x.agency = s.agencies[r.agency.value].name;
    const std::int32_t since = public_since(s, i);
    if (since != kNoDay) {
      x.published_on = date_of(since);
      x.text = public_text(s, red, i, s.text().view(r.text));
      if (r.reply && s.view.reply_published_on(i) != kNoDay) {
        const ReplyRec& rep = s.replies[r.reply - 1];
        PublicReply pr;
        pr.number = s.text().str(rep.number);
        pr.date = date_of(rep.date);
        pr.agency = rep.agency ? s.agencies[rep.agency.value].name : std::string();
        pr.text = public_text(s, red, i, s.text().view(rep.text));
        x.reply = std::move(pr);
      }
      if (const ItemCold* c = s.cold_of(i); c && c->answer) x.answer = public_text(s, red, i, c->answer->gist);
    }
    t.items.push_back(std::move(x));
  }
  return t;
}

Tracking track(const Engine& engine, std::string_view code, std::optional<Date> as_of) {
  parse_tracking_code(code);  // a malformed code is invalid_argument before any read
  if (!as_of) return engine.read([&](const State& s) { return track(s, engine.profile(), code); });
  return engine.read_as_of(*as_of, [&](const State& s) { return track(s, engine.profile(), code); });
}

nlohmann::json tracking_to_json(const Tracking& t) {
  using nlohmann::json;
  auto d = [](const std::optional<Date>& x) { return x ? json(format_date(*x)) : json(nullptr); };
  json items = json::array();
  for (const auto& x : t.items) {
    json j = {{"id", x.id.value}, {"topic", x.topic}, {"topic_label", x.topic_label},
              {"status", std::string(to_string(x.status))}, {"status_label", status_label(x.status)},
              {"deadline", d(x.deadline)}, {"agency", x.agency}, {"published_on", d(x.published_on)},
              {"text", x.text}, {"answer", x.answer}};
    j["reply"] = x.reply ? json{{"number", x.reply->number}, {"date", format_date(x.reply->date)},
                                {"agency", x.reply->agency}, {"text", x.reply->text}}
                         : json(nullptr);
    items.push_back(std::move(j));
  }
  return {{"schema", "doithoai.tracking/1"}, {"code", t.code}, {"opinion", t.opinion.value},
          {"unit", t.unit.value}, {"unit_name", t.unit_name}, {"channel", std::string(to_string(t.channel))},
          {"raised_on", format_date(t.raised_on)}, {"raised_by", t.raised_by}, {"items", items}};
}

}  // namespace doithoai
