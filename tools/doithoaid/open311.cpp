// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the engine's C ABI.
// docs/service.md, "Open311 GeoReport v2", states the mapping; in short:
//   jurisdiction_id = a unit's code; service_code = a topic of the profile;
//   a request = one opinion holding one item; service_request_id = the item id;
//   reads are the public view (export_items format "open311", visibility "public_view"):
//   published items only, redacted; POST needs a key whose scope covers the unit.
// Errors are the spec's list of {code, description} in the format the path asked for,
// with the same HTTP status, so Open311 clients (FixMyStreet's Open311.pm, ...) read them.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <unordered_map>

#include "config.h"
#include "v1_util.h"  // valid_utf8

namespace doithoaid {
namespace {

using json = nlohmann::json;

enum class Format { json, xml };

// An Open311 error: HTTP status and the description the client shows.
struct Open311Error {
  int status;
  std::string description;
};
[[noreturn]] void fail(int status, std::string description) { throw Open311Error{status, std::move(description)}; }

// ---- text ----

// Valid UTF-8 with every character XML 1.0 allows; anything else becomes U+FFFD. Bytes that
// came from the engine are valid already; error messages may quote the client's input.
std::string clean_text(std::string_view in, std::size_t max_bytes = std::string::npos) {
  std::string out;
  out.reserve(std::min(in.size(), max_bytes));
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::size_t i = 0;
  while (i < in.size() && out.size() < max_bytes) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) n = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
    bool ok = n > 0 && i + n <= in.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const unsigned char d = static_cast<unsigned char>(in[i + k]);
      ok = (d & 0xC0) == 0x80;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF; then what XML 1.0 forbids.
    if (ok) ok = !((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF);
    if (ok) ok = (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') && cp != 0xFFFE && cp != 0xFFFF;
    if (ok) {
      out.append(in.data() + i, n);
      i += n;
    } else {
      out += kReplacement;
      i += n > 0 && i + n <= in.size() ? n : 1;
    }
  }
  if (i < in.size()) out += "...";
  return out;
}

// The client's value in an error message: short and printable.
std::string quote(std::string_view v) { return "'" + clean_text(v, 100) + "'"; }

void xml_text(std::string& out, std::string_view v) {
  for (const char c : clean_text(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // kept: a parser would turn a raw CR into LF
      default: out += c;
    }
  }
}

// <name>value</name>; null becomes the empty element <name/>.
void xml_element(std::string& out, const char* name, const json& v) {
  if (v.is_null()) {
    out += '<';
    out += name;
    out += "/>";
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (v.is_string()) xml_text(out, v.get_ref<const std::string&>());
  else if (v.is_boolean()) out += v.get<bool>() ? "true" : "false";
  else xml_text(out, v.dump());
  out += "</";
  out += name;
  out += '>';
}

const char kXmlDeclaration[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

// A list of flat objects: <root><item><field>..</field>...</item>...</root>, fields in the
// spec's order (those an object lacks are left out, as in its JSON form).
std::string xml_list_items(const char* item, const json& list, const std::vector<const char*>& fields) {
  std::string out;
  for (const json& x : list) {
    out += '<';
    out += item;
    out += '>';
    for (const char* f : fields)
      if (const auto it = x.find(f); it != x.end()) xml_element(out, f, *it);
    out += "</";
    out += item;
    out += '>';
  }
  return out;
}

std::string xml_list(const char* root, const char* item, const json& list, const std::vector<const char*>& fields) {
  std::string out = kXmlDeclaration;
  out += '<';
  out += root;
  out += '>';
  out += xml_list_items(item, list, fields);
  out += "</";
  out += root;
  out += ">\n";
  return out;
}

// The fields of a request, in the spec's order (those the engine has: no media yet; lat and
// long only for an item with a place, issue 14).
const std::vector<const char*> kRequestFields = {
    "service_request_id", "status",           "status_notes",    "service_name",      "service_code", "description",
    "agency_responsible", "service_notice",   "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "lat",                "long"};

Response respond(int status, Format f, std::string body) {
  Response r;
  r.status = status;
  r.content_type = f == Format::json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::string json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response errors(Format f, int status, const std::string& description) {
  const json list = json::array({{{"code", status}, {"description", clean_text(description)}}});
  if (f == Format::json) return respond(status, f, json_text(list));
  return respond(status, f, xml_list("errors", "error", list, {"code", "description"}));
}

// ---- parameters ----

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte; a malformed escape is refused.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  auto decode = [](std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        o += ' ';
      } else if (s[i] == '%') {
        if (i + 2 >= s.size()) fail(400, "malformed percent-escape in the form body");
        const int h = hex(s[i + 1]), l = hex(s[i + 2]);
        if (h < 0 || l < 0) fail(400, "malformed percent-escape in the form body");
        o += static_cast<char>(h * 16 + l);
        i += 2;
      } else {
        o += s[i];
      }
    }
    return o;
  };
  std::size_t i = 0;
  while (i <= body.size()) {
    std::size_t j = body.find('&', i);
    if (j == std::string_view::npos) j = body.size();
    const std::string_view pair = body.substr(i, j - i);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      out.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1)));
    }
    i = j + 1;
  }
  return out;
}

// The request's arguments: the query, and for a POST the form body (later values win for
// single-valued fields; multi-valued ones gather every occurrence).
struct Params {
  std::vector<std::pair<std::string, std::string>> all;
  // "Optional" arguments: empty counts as absent (spec, Definitions).
  std::optional<std::string> get(std::string_view name) const {
    std::optional<std::string> v;
    for (const auto& [k, x] : all)
      if (k == name && !x.empty()) v = x;
    return v;
  }
  // Declared several times and/or comma delimited; blanks dropped.
  std::vector<std::string> list(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, x] : all) {
      if (k != name) continue;
      std::size_t i = 0;
      while (i <= x.size()) {
        std::size_t j = x.find(',', i);
        if (j == std::string::npos) j = x.size();
        std::string v = x.substr(i, j - i);
        const auto b = v.find_first_not_of(" \t");
        const auto e = v.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(v.substr(b, e - b + 1));
        i = j + 1;
      }
    }
    return out;
  }
};

std::uint32_t parse_id(std::string_view v, const char* what) {
  std::uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 10;
  for (const char c : v) ok = ok && c >= '0' && c <= '9';
  if (ok)
    for (const char c : v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  if (!ok || n == 0 || n > 4294967294ULL) fail(400, std::string(what) + " " + quote(v) + " is not a request id (an integer from 1)");
  return static_cast<std::uint32_t>(n);
}

// ---- time (W3C datetime, http://www.w3.org/TR/NOTE-datetime) ----

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Seconds since 1970 (UTC). Forms: YYYY-MM-DD (the local day: its start, or with end_of_day
// its last second, in the profile's zone) and YYYY-MM-DDThh:mm[:ss[.s+]]TZD with TZD Z or
// +hh:mm/-hh:mm (the spec requires the zone on a time). Anything else: nullopt.
std::optional<std::int64_t> parse_w3c(std::string_view v, int zone_minutes, bool end_of_day) {
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > v.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      out = out * 10 + (v[i] - '0');
    }
    return true;
  };
  int y, mo, d;
  if (!num(0, 4, y) || v.size() < 10 || v[4] != '-' || !num(5, 2, mo) || v[7] != '-' || !num(8, 2, d)) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && leap(y))) return std::nullopt;
  const std::int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400;
  if (v.size() == 10) return day - zone_minutes * 60 + (end_of_day ? 86399 : 0);
  int h, mi, s = 0;
  if (v[10] != 'T' || !num(11, 2, h) || v.size() < 16 || v[13] != ':' || !num(14, 2, mi)) return std::nullopt;
  std::size_t i = 16;
  if (i < v.size() && v[i] == ':') {
    if (!num(i + 1, 2, s)) return std::nullopt;
    i += 3;
    if (i < v.size() && v[i] == '.') {
      std::size_t j = i + 1;
      while (j < v.size() && v[j] >= '0' && v[j] <= '9') ++j;
      if (j == i + 1) return std::nullopt;
      i = j;  // fractions of a second do not matter at this grain
    }
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  int offset = 0;
  if (i + 1 == v.size() && v[i] == 'Z') {
    offset = 0;
  } else if (i + 6 == v.size() && (v[i] == '+' || v[i] == '-') && v[i + 3] == ':') {
    int oh, om;
    if (!num(i + 1, 2, oh) || !num(i + 4, 2, om) || oh > 14 || om > 59) return std::nullopt;
    offset = (v[i] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  return day + h * 3600 + mi * 60 + s - offset * 60;
}

// ---- settings (the config's "open311" section) ----

struct Settings {
  std::string base_path = "/open311/v2";
  std::optional<std::string> default_jurisdiction;  // a unit code used when a request names none
  std::optional<std::int64_t> raiser;                // a registered person; none: the key's actor
  std::string channel = "online_portal";
  std::string contact;
  std::string key_service;
  std::string base_url;  // the endpoint's public URL for discovery; empty: from the Host header
  std::string changeset = "2026-12-02T00:00:00+07:00";
  std::size_t max_requests = 1000;  // the spec's default cap of GET requests
  int max_days = 90;                // the spec's default and widest date range
};

Settings read_settings(const json& j) {
  Settings s;
  if (j.is_null()) return s;
  auto bad = [](const std::string& why) { throw ServiceError(DT_INVALID_ARGUMENT, "config open311." + why); };
  if (!j.is_object()) bad(": expected an object");
  auto str = [&](const char* k) {
    const json& v = j.at(k);
    if (!v.is_string()) bad(std::string(k) + ": expected a string");
    return v.get<std::string>();
  };
  for (const auto& [k, v] : j.items()) {
    if (k == "base_path") {
      s.base_path = str("base_path");
      if (s.base_path.empty() || s.base_path.front() != '/') bad("base_path: must start with '/'");
      while (s.base_path.size() > 1 && s.base_path.back() == '/') s.base_path.pop_back();
    } else if (k == "default_jurisdiction") {
      s.default_jurisdiction = str("default_jurisdiction");
    } else if (k == "raiser") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1) bad("raiser: expected a person id (an integer from 1)");
      s.raiser = v.get<std::int64_t>();
    } else if (k == "channel") {
      s.channel = str("channel");
    } else if (k == "contact") {
      s.contact = str("contact");
    } else if (k == "key_service") {
      s.key_service = str("key_service");
    } else if (k == "base_url") {
      s.base_url = str("base_url");
      while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
    } else if (k == "changeset") {
      s.changeset = str("changeset");
      if (!parse_w3c(s.changeset, 0, false)) bad("changeset: expected a W3C datetime such as 2026-12-02T00:00:00+07:00");
    } else if (k == "max_requests") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 100000)
        bad("max_requests: expected an integer in 1..100000");
      s.max_requests = v.get<std::size_t>();
    } else if (k == "max_days") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 3660)
        bad("max_days: expected an integer in 1..3660");
      s.max_days = v.get<int>();
    } else {
      bad(k + ": unknown field");
    }
  }
  return s;
}

// ---- the routes ----

class Open311 {
 public:
  Open311(Context& ctx, Settings s) : ctx_(ctx), s_(std::move(s)) {}

  static void add_routes(const std::shared_ptr<Open311>& self, Router& router) {
    const std::string b = self->s_.base_path == "/" ? std::string() : self->s_.base_path;
    for (const Format f : {Format::json, Format::xml}) {
      const std::string ext = f == Format::json ? ".json" : ".xml";
      auto add = [&](const char* method, const std::string& path, Response (Open311::*h)(Request&, Format)) {
        // Open: POST checks its key itself, so a refusal comes in the spec's error format.
        router.add(method, b + path + ext, Access::open, [self, h, f](Request& r) { return self->guard(r, f, h); });
      };
      add("GET", "/discovery", &Open311::discovery);
      add("GET", "/services", &Open311::services);
      add("GET", "/services/{code}", &Open311::service_definition);
      add("GET", "/requests", &Open311::requests);
      add("POST", "/requests", &Open311::post_request);
      add("GET", "/requests/{id}", &Open311::request);
    }
  }

 private:
  Response guard(Request& r, Format f, Response (Open311::*h)(Request&, Format)) {
    try {
      // Arguments end up in JSON (commands, lookups): bytes that are not UTF-8 are the client's
      // error (400), never a serializer's exception (found by tests/service/test_faults.py).
      for (const auto& [k, v] : r.query)
        if (!v1::valid_utf8(k) || !v1::valid_utf8(v)) fail(400, "a query parameter is not valid UTF-8");
      for (const auto& [k, v] : r.params)
        if (!v1::valid_utf8(v)) fail(400, "the path is not valid UTF-8");
      return (this->*h)(r, f);
    } catch (const Open311Error& e) {
      return errors(f, e.status, e.description);
    } catch (const ServiceError& e) {
      return errors(f, http_status(e.code), e.what());
    } catch (const std::bad_alloc&) {
      return errors(f, 503, "out of memory");
    } catch (const std::exception& e) {
      return errors(f, 500, std::string("internal error: ") + e.what());
    } catch (...) {
      return errors(f, 500, "internal error");
    }
  }

  json call(const std::string& method, const json& args) const { return json::parse(ctx_.engine.call(method, args.dump())); }

  const json& profile() {
    std::call_once(profile_once_, [&] { profile_ = call("profile", json::object()); });
    return profile_;
  }
  int zone() { return profile().value("zone_offset_minutes", 420); }
  // The profile's topics as {code: label}; an empty profile list accepts any topic.
  const json& topics() { return profile().at("topics"); }
  bool known_topic(const std::string& code) {
    if (topics().empty()) return true;
    for (const json& t : topics())
      if (t.at("code") == code) return true;
    return false;
  }

  // jurisdiction_id = a unit's code. Required (this endpoint serves many units) unless the
  // configuration names a default.
  struct Unit {
    std::int64_t id;
    std::string code;
  };
  Unit jurisdiction(const Params& p) {
    std::optional<std::string> code = p.get("jurisdiction_id");
    if (!code) code = s_.default_jurisdiction;
    if (!code) fail(400, "jurisdiction_id was not provided (the code of a unit)");
    json id;
    try {
      id = call("find_unit", {{"code", *code}});
    } catch (const ServiceError& e) {
      if (e.code != DT_INVALID_ARGUMENT) throw;
      id = nullptr;  // not a valid code: no unit has it
    }
    if (id.is_null()) fail(404, "jurisdiction_id " + quote(*code) + " was not found");
    return Unit{id.get<std::int64_t>(), *code};
  }

  static Params query_params(const Request& r) { return Params{r.query}; }

  // ---- GET discovery ----
  Response discovery(Request& r, Format f) {
    std::string url = s_.base_url;
    if (url.empty()) url = "http://" + r.header("host").value_or("localhost") + s_.base_path;
    const json endpoint = {{"specification", "http://wiki.open311.org/GeoReport_v2"},
                           {"url", url},
                           {"changeset", s_.changeset},
                           {"type", "production"},
                           {"formats", {"text/xml", "application/json"}}};
    if (f == Format::json)
      return respond(200, f, json_text({{"changeset", s_.changeset}, {"contact", s_.contact}, {"key_service", s_.key_service},
                                        {"endpoints", json::array({endpoint})}}));
    std::string out = kXmlDeclaration;
    out += "<discovery>";
    xml_element(out, "changeset", s_.changeset);
    xml_element(out, "contact", s_.contact);
    xml_element(out, "key_service", s_.key_service);
    out += "<endpoints><endpoint>";
    for (const char* k : {"specification", "url", "changeset", "type"}) xml_element(out, k, endpoint.at(k));
    out += "<formats>";
    for (const json& x : endpoint.at("formats")) xml_element(out, "format", x);
    out += "</formats></endpoint></endpoints></discovery>\n";
    return respond(200, f, std::move(out));
  }

  // ---- GET services ----
  Response services(Request& r, Format f) {
    jurisdiction(query_params(r));
    json list = json::array();
    for (const json& t : topics())
      list.push_back({{"service_code", t.at("code")},
                      {"service_name", t.at("label")},
                      {"description", t.at("label")},
                      {"metadata", false},
                      {"type", "realtime"},
                      {"keywords", ""},
                      {"group", ""}});
    if (f == Format::json) return respond(200, f, json_text(list));
    return respond(200, f,
                   xml_list("services", "service", list,
                            {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}));
  }

  // ---- GET services/{code}: no service has extra attributes (metadata false) ----
  Response service_definition(Request& r, Format f) {
    jurisdiction(query_params(r));
    const std::string& code = r.params.at("code");
    if (topics().empty() || !known_topic(code)) fail(404, "service_code " + quote(code) + " was not found");
    if (f == Format::json) return respond(200, f, json_text({{"service_code", code}, {"attributes", json::array()}}));
    std::string out = kXmlDeclaration;
    out += "<service_definition>";
    xml_element(out, "service_code", code);
    out += "<attributes/></service_definition>\n";
    return respond(200, f, std::move(out));
  }

  // ---- GET requests, requests/{id} ----
  // The public view of a jurisdiction's subtree (published items only, redacted: R13), as
  // export_items gives it, indexed and pre-serialized. Building it costs the export (tens of
  // microseconds an item: redaction); it is kept while the engine's last sequence and today
  // stay the same (the export depends on nothing else), so reads between writes only filter.
  // The paths that name their requests (requests/{id}, service_request_id=) never rebuild it:
  // when it is not current they export just those items (export_items with "item"), which
  // gives the very entries the rebuilt snapshot would hold.
  struct Published {
    std::int64_t at;  // requested_datetime, seconds since 1970
    std::uint32_t id;
    bool open;
    std::string code;
    std::string as_json;  // the request's object
    std::string as_xml;   // <request>...</request>
  };
  struct Snapshot {
    std::string today;
    std::vector<Published> items;  // most recent first, then the highest id
    std::unordered_map<std::uint32_t, std::size_t> by_id;
  };
  struct Cached {
    std::uint64_t seq;
    std::shared_ptr<const Snapshot> snapshot;
  };
  // What a snapshot is current for: the engine's last sequence and today.
  struct Version {
    std::uint64_t seq;
    std::string today;
  };
  // The snapshot's order: most recent first, then the highest id.
  static bool before(const Published& a, const Published& b) { return a.at != b.at ? a.at > b.at : a.id > b.id; }

  // The sequence is read before any export: a write in between makes an entry newer than
  // its key, never older, and the next read re-exports.
  Version version() {
    const auto seq = call("last_seq", json::object()).get<std::uint64_t>();
    return Version{seq, call("today", json::object()).get<std::string>()};
  }

  // The cached snapshot of the unit if it is current, else null; never rebuilds.
  std::shared_ptr<const Snapshot> current(std::int64_t unit, const Version& v) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (const auto it = cache_.find(unit); it != cache_.end() && it->second.seq == v.seq && it->second.snapshot->today == v.today)
      return it->second.snapshot;
    return nullptr;
  }

  // One entry of export_items open311, serialized as the snapshot keeps it.
  Published entry(json& x) {
    Published e;
    e.at = parse_w3c(x.at("requested_datetime").get<std::string>(), zone(), false).value_or(0);
    e.id = static_cast<std::uint32_t>(std::stoul(x.at("service_request_id").get<std::string>()));
    e.open = x.at("status") == "open";
    e.code = x.at("service_code").get<std::string>();
    e.as_json = json_text(x);
    e.as_xml = xml_list_items("request", json::array({std::move(x)}), kRequestFields);
    return e;
  }

  std::shared_ptr<const Snapshot> published(std::int64_t unit) {
    const Version v = version();
    if (auto snap = current(unit, v)) return snap;
    // One rebuild at a time: under mixed load every GET after a write misses, and workers
    // exporting the same subtree at once multiplied the cost (bench/service_soak.sh). While
    // one worker rebuilds, the others answer from the previous snapshot of the same day (at
    // most one rebuild behind the log: a public view, not a place to confirm a write) instead
    // of queueing behind it; with no previous snapshot they wait and find the fresh entry.
    std::unique_lock<std::mutex> building(build_mutex_, std::try_to_lock);
    if (!building.owns_lock()) {
      {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        if (const auto it = cache_.find(unit); it != cache_.end() && it->second.snapshot->today == v.today)
          return it->second.snapshot;
      }
      building.lock();
    }
    if (auto snap = current(unit, v)) return snap;
    auto snap = std::make_shared<Snapshot>();
    snap->today = v.today;
    json list = call("export_items", {{"format", "open311"}, {"unit", unit}, {"visibility", "public_view"}});
    snap->items.reserve(list.size());
    for (json& x : list) snap->items.push_back(entry(x));
    std::sort(snap->items.begin(), snap->items.end(), before);
    for (std::size_t i = 0; i < snap->items.size(); ++i) snap->by_id.emplace(snap->items[i].id, i);
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() >= 64) cache_.clear();  // a bound, not a policy: jurisdictions are few
    cache_[unit] = Cached{v.seq, snap};
    return snap;
  }

  // The public requests among ids (ascending), in the snapshot's order. From the snapshot
  // when it is current; otherwise one export per id, which costs what one item costs
  // whatever the jurisdiction's size (the library's item filter: no pass over the items,
  // redaction tables kept with the state). An id the public view does not show (unknown,
  // unpublished, outside the jurisdiction) is left out.
  struct Found {
    std::shared_ptr<const Snapshot> snapshot;  // holds the entries list points to, if from it
    std::vector<Published> exported;           // or these
    std::vector<const Published*> list;
  };
  Found find(std::int64_t unit, const std::vector<std::uint32_t>& ids) {
    Found out;
    const Version v = version();
    if ((out.snapshot = current(unit, v))) {
      if (ids.size() == 1) {
        if (const auto it = out.snapshot->by_id.find(ids[0]); it != out.snapshot->by_id.end())
          out.list.push_back(&out.snapshot->items[it->second]);
        return out;
      }
      for (const Published& x : out.snapshot->items)
        if (std::binary_search(ids.begin(), ids.end(), x.id)) out.list.push_back(&x);
      return out;
    }
    out.exported.reserve(ids.size());
    for (const std::uint32_t id : ids) {
      json list;
      try {
        list = call("export_items", {{"format", "open311"}, {"unit", unit}, {"visibility", "public_view"}, {"item", id}});
      } catch (const ServiceError& e) {
        if (e.code != DT_NOT_FOUND) throw;
        continue;  // no item with that id
      }
      for (json& x : list) out.exported.push_back(entry(x));
    }
    std::sort(out.exported.begin(), out.exported.end(), before);
    for (const Published& x : out.exported) out.list.push_back(&x);
    return out;
  }

  static Response request_list(Format f, const std::vector<const Published*>& list) {
    std::string out;
    if (f == Format::json) {
      out += '[';
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        out += list[i]->as_json;
      }
      out += ']';
    } else {
      out = kXmlDeclaration;
      out += "<service_requests>";
      for (const Published* p : list) out += p->as_xml;
      out += "</service_requests>\n";
    }
    return respond(200, f, std::move(out));
  }

  Response requests(Request& r, Format f) {
    const Params p = query_params(r);
    const std::int64_t unit = jurisdiction(p).id;
    std::vector<const Published*> out;
    // service_request_id overrides every other argument (spec).
    if (const auto ids = p.list("service_request_id"); !ids.empty()) {
      if (ids.size() > s_.max_requests) fail(400, "at most " + std::to_string(s_.max_requests) + " service_request_id values");
      std::set<std::uint32_t> wanted;
      for (const auto& id : ids) wanted.insert(parse_id(id, "service_request_id"));
      return request_list(f, find(unit, std::vector<std::uint32_t>(wanted.begin(), wanted.end())).list);
    }
    const auto codes = p.list("service_code");
    for (const auto& c : codes)
      if (!known_topic(c)) fail(404, "service_code " + quote(c) + " was not found");
    bool want_open = true, want_closed = true;
    if (const auto st = p.list("status"); !st.empty()) {
      want_open = want_closed = false;
      for (const auto& s : st) {
        if (s == "open") want_open = true;
        else if (s == "closed") want_closed = true;
        else fail(400, "status " + quote(s) + " is not open or closed");
      }
    }
    // Dates: the range defaults to the most recent max_days days and may not span more.
    const std::int64_t span = static_cast<std::int64_t>(s_.max_days) * 86400;
    auto date = [&](const char* name, bool end) -> std::optional<std::int64_t> {
      const auto v = p.get(name);
      if (!v) return std::nullopt;
      const auto t = parse_w3c(*v, zone(), end);
      if (!t) fail(400, std::string(name) + " " + quote(*v) + " is not a W3C datetime such as 2022-10-01T00:00:00+07:00");
      return t;
    };
    std::optional<std::int64_t> from = date("start_date", false), to = date("end_date", true);
    const auto snap = published(unit);
    if (!from && !to) to = *parse_w3c(snap->today, zone(), true);
    if (!from) from = *to - span + 1;
    if (!to) to = *from + span - 1;
    if (*to < *from) fail(400, "end_date is before start_date");
    if (*to - *from >= span) fail(400, "start_date to end_date may not span more than " + std::to_string(s_.max_days) + " days");
    // Most recent first (the snapshot's order), at most max_requests.
    for (const Published& x : snap->items) {
      if (out.size() >= s_.max_requests || x.at < *from) break;
      if (x.at > *to || !(x.open ? want_open : want_closed)) continue;
      if (!codes.empty() && std::find(codes.begin(), codes.end(), x.code) == codes.end()) continue;
      out.push_back(&x);
    }
    return request_list(f, out);
  }

  Response request(Request& r, Format f) {
    const Params p = query_params(r);
    const std::int64_t unit = jurisdiction(p).id;
    const std::uint32_t id = parse_id(r.params.at("id"), "service_request_id");
    const Found found = find(unit, {id});
    // Unpublished items answer as unknown ones: the public view does not show that they exist.
    if (found.list.empty()) fail(404, "service_request_id " + quote(r.params.at("id")) + " was not found");
    return request_list(f, found.list);
  }

  // ---- POST requests ----
  // Does the key's scope cover the unit (one of its units or a unit above it)?
  bool in_scope(const ApiKey& key, std::int64_t unit) {
    if (key.all_units) return true;
    std::int64_t u = unit;
    for (int depth = 0; depth < 64 && u > 0; ++depth) {
      if (std::find(key.units.begin(), key.units.end(), u) != key.units.end()) return true;
      const json rec = call("unit", {{"id", u}});
      const json& parent = rec.at("parent");
      u = parent.is_number_integer() ? parent.get<std::int64_t>() : 0;
    }
    return false;
  }

  static std::optional<double> coordinate(const std::optional<std::string>& v, double limit) {
    if (!v) return std::nullopt;
    const char* b = v->c_str();
    char* e = nullptr;
    const double d = std::strtod(b, &e);
    if (e == b || *e != '\0' || !std::isfinite(d) || d < -limit || d > limit) return std::nullopt;
    return d;
  }

  Response post_request(Request& r, Format f) {
    Params p{r.query};
    const std::string type = r.header("content-type").value_or("application/x-www-form-urlencoded");
    std::string media = type.substr(0, type.find(';'));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    for (char& c : media) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);  // case-insensitive (RFC 9110)
    if (!r.body.empty()) {
      if (media != "application/x-www-form-urlencoded")
        fail(415, "send the request as application/x-www-form-urlencoded (got " + quote(type) + ")");
      for (auto& kv : parse_form(r.body)) p.all.push_back(std::move(kv));
    }
    for (const auto& [k, v] : p.all)  // the form's fields (the query's were checked by guard)
      if (!v1::valid_utf8(k) || !v1::valid_utf8(v)) fail(400, "a form field is not valid UTF-8");
    // The key: sent as api_key (form or query), X-Api-Key or a Bearer token; the transport
    // verified it and set r.key.
    if (!r.key) fail(401, "api_key was not provided or is not a valid key");
    const ApiKey& key = *r.key;
    const Unit j = jurisdiction(p);
    const std::int64_t unit = j.id;
    if (!in_scope(key, unit)) fail(403, "this api_key may not submit requests in jurisdiction " + quote(j.code));
    const auto code = p.get("service_code");
    if (!code) fail(400, "service_code was not provided");
    if (!known_topic(*code)) fail(404, "service_code " + quote(*code) + " was not found");
    // Location (spec: lat & long, or address_string, or address_id). lat & long are the
    // opinion's place (issue 14), with address_string as its address; an address alone is
    // checked, then not stored (a place needs its coordinates).
    const auto lat_text = p.get("lat"), long_text = p.get("long");
    if (static_cast<bool>(lat_text) != static_cast<bool>(long_text)) fail(400, "lat and long must be sent together");
    const auto lat = coordinate(lat_text, 90), lon = coordinate(long_text, 180);
    if (lat_text && !lat) fail(400, "lat " + quote(*lat_text) + " is not a WGS84 latitude (-90..90)");
    if (long_text && !lon) fail(400, "long " + quote(*long_text) + " is not a WGS84 longitude (-180..180)");
    if (!lat_text && !p.get("address_string") && !p.get("address_id"))
      fail(400, "a location was not provided: send lat and long, address_string or address_id");
    const auto description = p.get("description");
    if (!description) fail(400, "description was not provided (it is the text of the opinion's item)");
    if (!key.actor) fail(403, "this api_key acts as no person: give it an actor in the configuration");
    // first_name, last_name, email, phone, device_id, account_id, media_url and attribute[...]
    // are not stored: the engine has no place for them, and personal data the public view
    // could leak is best never kept (docs/service.md).
    const std::int64_t raiser = s_.raiser.value_or(*key.actor);
    json req = {{"actor", *key.actor},
                {"command",
                 {{"type", "submit_opinion"},
                  {"unit", unit},
                  {"channel", s_.channel},
                  {"raised_by", raiser},
                  {"topic", *code},
                  {"items", json::array({{{"topic", *code}, {"text", *description}}})}}}};
    if (lat && lon) {
      json place = {{"lat", *lat}, {"long", *lon}};
      if (const auto a = p.get("address_string"); a && !a->empty()) place["address"] = *a;
      req["command"]["place"] = std::move(place);
    }
    // A portal retrying after a timeout sends the same Idempotency-Key: nothing is filed twice.
    if (const auto k = r.header("idempotency-key"); k && !k->empty()) req["idempotency_key"] = "open311:" + key.name + ":" + *k;
    const json result = json::parse(ctx_.engine.execute(req.dump()));
    const std::int64_t item = result.at("items").at(0).get<std::int64_t>();
    const json rec = call("item", {{"id", item}});
    json notice = nullptr;
    if (const auto it = rec.find("deadline"); it != rec.end() && it->is_string())
      notice = "Hạn trả lời bằng văn bản: " + it->get<std::string>();
    const json list = json::array({{{"service_request_id", std::to_string(item)}, {"service_notice", notice}, {"account_id", nullptr}}});
    if (f == Format::json) return respond(200, f, json_text(list));
    return respond(200, f, xml_list("service_requests", "request", list, {"service_request_id", "service_notice", "account_id"}));
  }

  Context& ctx_;
  Settings s_;
  std::once_flag profile_once_;
  json profile_;
  std::mutex cache_mutex_;
  std::mutex build_mutex_;  // held while a snapshot is rebuilt (published())
  std::unordered_map<std::int64_t, Cached> cache_;  // by unit
};

}  // namespace

void add_open311_routes(Router& router, Context& context) {
  auto api = std::make_shared<Open311>(context, read_settings(context.config.open311));
  Open311::add_routes(api, router);
}

}  // namespace doithoaid
