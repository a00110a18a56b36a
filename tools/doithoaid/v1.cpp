// The /v1 REST API of doithoaid (docs/service.md, "/v1 API"; docs/openapi.json): shared
// helpers and registration. Commands: v1_commands.cpp; reads and public views: v1_reads.cpp.
#include <algorithm>
#include <regex>

#include "config.h"
#include "v1_util.h"

namespace doithoaid {
namespace v1 {

void bad(const std::string& message) { throw ServiceError(DT_INVALID_ARGUMENT, message); }

bool valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

json parse_body(const std::string& body) {
  if (!valid_utf8(body)) bad("the request body is not valid UTF-8");
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) bad("the request body nests deeper than " + std::to_string(kMaxDepth) + " levels");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    bad(std::string("malformed JSON in the request body: ") + e.what());
  }
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response json_response(const json& j, int status) {
  Response r;
  r.status = status;
  r.body = dump(j);
  return r;
}

// ---- Query parameters ------------------------------------------------------------------------

Query::Query(const Request& req, std::initializer_list<const char*> allowed) : req_(req) {
  std::set<std::string> seen;
  for (const auto& [k, v] : req.query) {
    if (!valid_utf8(k) || !valid_utf8(v)) bad("a query parameter is not valid UTF-8");
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
      std::string names;
      for (const char* a : allowed) names += std::string(names.empty() ? "" : ", ") + a;
      bad("unknown query parameter '" + k + "'" + (names.empty() ? " (this resource takes none)" : " (allowed: " + names + ")"));
    }
    if (!seen.insert(k).second) bad("query parameter '" + k + "' is given twice");
  }
}

bool Query::has(const char* name) const { return req_.query_value(name).has_value(); }

std::optional<std::string> Query::text(const char* name) const { return req_.query_value(name); }

namespace {
std::optional<std::uint64_t> digits(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}
}  // namespace

std::optional<std::uint64_t> Query::id(const char* name) const {
  const auto t = text(name);
  if (!t) return std::nullopt;
  const auto v = digits(*t);
  if (!v || *v < 1 || *v > kMaxId) bad("query parameter '" + std::string(name) + "' must be an id in 1.." + std::to_string(kMaxId));
  return v;
}

std::uint64_t Query::limit(std::uint64_t def, std::uint64_t max) const {
  const auto t = text("limit");
  if (!t) return def;
  const auto v = digits(*t);
  if (!v || *v < 1 || *v > max) bad("query parameter 'limit' must be an integer in 1.." + std::to_string(max));
  return *v;
}

std::optional<std::string> Query::date(const char* name) const {
  const auto t = text(name);
  if (!t) return std::nullopt;
  static const std::regex iso("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  if (!std::regex_match(*t, iso)) bad("query parameter '" + std::string(name) + "' must be a date YYYY-MM-DD");
  return t;
}

std::uint64_t path_id(const Request& req, const char* name) {
  const auto it = req.params.find(name);
  const auto v = it == req.params.end() ? std::nullopt : digits(it->second);
  if (!v || *v < 1 || *v > kMaxId) throw ServiceError(kNoRoute, "'" + (it == req.params.end() ? std::string() : it->second) + "' is not an id");
  return *v;
}

json period_of(const std::string& t) {
  static const std::regex year("^([0-9]{4})$"), month("^([0-9]{4})-([0-9]{2})$"), quarter("^([0-9]{4})-Q([1-4])$"),
      half("^([0-9]{4})-H1$"), nine("^([0-9]{4})-9M$"), range("^([0-9]{4}-[0-9]{2}-[0-9]{2})\\.\\.([0-9]{4}-[0-9]{2}-[0-9]{2})$");
  std::smatch m;
  if (std::regex_match(t, m, year)) return {{"kind", "year"}, {"year", std::stoi(m[1])}};
  if (std::regex_match(t, m, month)) return {{"kind", "month"}, {"year", std::stoi(m[1])}, {"month", std::stoi(m[2])}};
  if (std::regex_match(t, m, quarter)) return {{"kind", "quarter"}, {"year", std::stoi(m[1])}, {"quarter", std::stoi(m[2])}};
  if (std::regex_match(t, m, half)) return {{"kind", "six_months"}, {"year", std::stoi(m[1])}};
  if (std::regex_match(t, m, nine)) return {{"kind", "nine_months"}, {"year", std::stoi(m[1])}};
  if (std::regex_match(t, m, range)) return {{"kind", "range"}, {"from", m[1].str()}, {"to", m[2].str()}};
  bad("query parameter 'period' must be YYYY, YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-9M or YYYY-MM-DD..YYYY-MM-DD");
}

// ---- Scope -----------------------------------------------------------------------------------

json Scope::entity(const char* method, std::uint64_t id) const {
  return json::parse(ctx_.engine.call(method, dump(json{{"id", id}})));
}

std::uint64_t Scope::unit_of(const char* method, std::uint64_t id) const {
  const json e = entity(method, id);
  const json& u = e.at("unit");
  return u.is_number_unsigned() ? u.get<std::uint64_t>() : 0;
}

bool Scope::covers(std::uint64_t unit) const {
  if (key_.all_units) return true;
  // Units nest a handful of levels (province, district, commune); the bound only guards
  // against a cycle that the engine never makes.
  std::uint64_t u = unit;
  for (int steps = 0; u != 0 && steps < 64; ++steps) {
    if (std::find(key_.units.begin(), key_.units.end(), static_cast<std::int64_t>(u)) != key_.units.end()) return true;
    const json e = entity("unit", u);
    const json& parent = e.at("parent");
    u = parent.is_number_unsigned() ? parent.get<std::uint64_t>() : 0;
  }
  return false;
}

void Scope::require(std::uint64_t unit) const {
  if (unit == 0) {
    if (key_.all_units) return;
    throw ServiceError(kForbidden, "this API key's scope does not cover the whole directory");
  }
  if (!covers(unit)) throw ServiceError(kForbidden, "unit " + std::to_string(unit) + " is outside this API key's scope");
}

std::vector<std::uint64_t> Scope::roots() const {
  std::vector<std::uint64_t> out;
  for (std::int64_t u : key_.units) {
    if (u <= 0) continue;
    // A key unit below another key unit adds nothing.
    bool nested = false;
    json e;
    try {
      e = entity("unit", static_cast<std::uint64_t>(u));
    } catch (const ServiceError& err) {
      if (err.code == DT_NOT_FOUND) continue;  // configured before the unit was created
      throw;
    }
    json parent = e.at("parent");
    for (int steps = 0; parent.is_number_unsigned() && steps < 64 && !nested; ++steps) {
      const auto p = parent.get<std::int64_t>();
      nested = std::find(key_.units.begin(), key_.units.end(), p) != key_.units.end();
      parent = entity("unit", static_cast<std::uint64_t>(p)).at("parent");
    }
    if (!nested) out.push_back(static_cast<std::uint64_t>(u));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> Scope::units() const {
  std::vector<std::uint64_t> out;
  if (key_.all_units) {
    for (const json& u : json::parse(ctx_.engine.call("units", "{}"))) out.push_back(u.get<std::uint64_t>());
    return out;
  }
  std::vector<std::uint64_t> todo = roots();
  while (!todo.empty()) {
    const std::uint64_t u = todo.back();
    todo.pop_back();
    out.push_back(u);
    for (const json& c : json::parse(ctx_.engine.call("children", dump(json{{"unit", u}}))))
      todo.push_back(c.get<std::uint64_t>());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace v1

void add_v1_routes(Router& router, Context& context) {
  v1::add_v1_command_routes(router, context);
  v1::add_v1_read_routes(router, context);
  v1::add_v1_attachment_routes(router, context);
}

}  // namespace doithoaid
