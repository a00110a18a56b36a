// GET routes of /v1: directory, items, deadlines, accounting, reports, compliance, triggers
// (key required, scoped by unit) and the public views (no key). docs/service.md, "/v1 API".
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "config.h"
#include "v1_util.h"

namespace doithoaid::v1 {
namespace {

json call(const Context& ctx, const char* method, const json& args) {
  return json::parse(ctx.engine.call(method, dump(args)));
}

// The engine's answer as the response body, as the C ABI wrote it (compact JSON, the same
// bytes json_response would give after a parse): one parse and one dump fewer a request.
Response text_response(std::string text) {
  Response r;
  r.body = std::move(text);
  return r;
}

std::string today(const Context& ctx) { return call(ctx, "today", json::object()).get<std::string>(); }

// One page of ids: those after `after`, at most `limit`, and the cursor of the next page.
json page_of(const std::vector<std::uint64_t>& ids, std::uint64_t after, std::uint64_t limit,
             const std::function<json(std::uint64_t)>& expand, const char* field) {
  json list = json::array();
  json next = nullptr;
  for (std::uint64_t id : ids) {
    if (id <= after) continue;
    if (list.size() == limit) {
      next = list.back().at("id");
      break;
    }
    list.push_back(expand(id));
  }
  return {{field, list}, {"next_after", next}};
}

// ---- Directory -------------------------------------------------------------------------------

Response get_units(Context& ctx, Request& req) {
  const Query q(req, {"limit", "after"});
  const Scope scope(ctx, *req.key);
  return json_response(page_of(scope.units(), q.id("after").value_or(0), q.limit(),
                               [&](std::uint64_t id) { return scope.entity("unit", id); }, "units"));
}

Response get_unit(Context& ctx, Request& req) {
  const Query q(req, {});
  const std::uint64_t id = path_id(req, "id");
  const Scope scope(ctx, *req.key);
  std::string unit = ctx.engine.call("unit", dump(json{{"id", id}}));  // 404 before 403: ids are not secrets
  scope.require(id);
  return text_response(std::move(unit));
}

Response get_conferences(Context& ctx, Request& req) {
  const Query q(req, {"unit", "limit", "after"});
  const Scope scope(ctx, *req.key);
  std::vector<std::uint64_t> ids;
  auto add = [&](std::optional<std::uint64_t> unit) {
    json args = json::object();
    if (unit) args["unit"] = *unit;
    for (const json& c : call(ctx, "conferences", args)) ids.push_back(c.get<std::uint64_t>());
  };
  if (const auto unit = q.id("unit")) {
    scope.entity("unit", *unit);
    scope.require(*unit);
    add(unit);
  } else if (scope.all()) {
    add(std::nullopt);
  } else {
    for (std::uint64_t root : scope.roots()) add(root);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return json_response(page_of(ids, q.id("after").value_or(0), q.limit(),
                               [&](std::uint64_t id) { return scope.entity("conference", id); }, "conferences"));
}

// An entity read by id, scoped by the unit it belongs to.
Response get_owned(Context& ctx, Request& req, const char* method) {
  const Query q(req, {});
  const std::uint64_t id = path_id(req, "id");
  const Scope scope(ctx, *req.key);
  std::string text = ctx.engine.call(method, dump(json{{"id", id}}));
  const json e = json::parse(text);
  scope.require(e.at("unit").is_number_unsigned() ? e.at("unit").get<std::uint64_t>() : 0);
  return text_response(std::move(text));
}

Response get_history(Context& ctx, Request& req, const char* method) {
  const Query q(req, {});
  const std::uint64_t id = path_id(req, "id");
  const Scope scope(ctx, *req.key);
  scope.require(scope.unit_of(method, id));
  return json_response({{"events", call(ctx, "history", {{method, id}})}});
}

// ---- Items -----------------------------------------------------------------------------------

// Runs the engine's `items` over the key's scope: one query for the unit asked (checked), or
// one per root unit of the key, merged in id order. Items come back expanded, as of `as_of`.
json scoped_items(const Context& ctx, const Scope& scope, json args, std::optional<std::uint64_t> unit,
                  std::uint64_t after, std::uint64_t limit) {
  args["expand"] = true;
  args["limit"] = limit + 1;  // one more tells whether a next page exists
  if (after) args["after"] = after;
  std::vector<json> found;
  auto run = [&](std::optional<std::uint64_t> u) {
    json a = args;
    if (u) a["unit"] = *u;
    for (json& it : call(ctx, "items", a)) found.push_back(std::move(it));
  };
  if (unit) {
    scope.require(*unit);
    run(unit);
  } else if (scope.all()) {
    run(std::nullopt);
  } else {
    // A key's unit that did not exist yet on `as_of` holds no items then (the filters' own
    // ids were checked by the caller, so not_found here can only be the unit).
    for (std::uint64_t root : scope.roots()) {
      try {
        run(root);
      } catch (const ServiceError& e) {
        if (e.code != DT_NOT_FOUND || !args.contains("as_of")) throw;
      }
    }
  }
  std::sort(found.begin(), found.end(), [](const json& a, const json& b) { return a.at("id") < b.at("id"); });
  found.erase(std::unique(found.begin(), found.end(), [](const json& a, const json& b) { return a.at("id") == b.at("id"); }),
              found.end());
  json list = json::array();
  json next = nullptr;
  for (json& it : found) {
    if (list.size() == limit) {
      next = list.back().at("id");
      break;
    }
    list.push_back(std::move(it));
  }
  return {{"items", list}, {"next_after", next}};
}

Response get_items(Context& ctx, Request& req) {
  const Query q(req, {"unit", "status", "standing", "as_of", "agency", "topic", "conference", "raised_by", "limit", "after"});
  const Scope scope(ctx, *req.key);
  json args = json::object();
  for (const char* t : {"status", "standing", "topic"})
    if (const auto v = q.text(t)) args[t] = *v;
  for (const char* i : {"agency", "conference", "raised_by"})
    if (const auto v = q.id(i)) args[i] = *v;
  // Filters naming nothing are 404 whatever the scope (checked on today's directory).
  if (args.contains("agency")) call(ctx, "agency", {{"id", args["agency"]}});
  if (args.contains("conference")) call(ctx, "conference", {{"id", args["conference"]}});
  if (args.contains("raised_by")) call(ctx, "person", {{"id", args["raised_by"]}});
  if (const auto d = q.date("as_of")) args["as_of"] = *d;
  const auto unit = q.id("unit");
  if (unit) scope.entity("unit", *unit);  // 404 for a unit that does not exist
  json out = scoped_items(ctx, scope, args, unit, q.id("after").value_or(0), q.limit());
  if (args.contains("as_of")) out["as_of"] = args["as_of"];
  return json_response(out);
}

Response get_overdue(Context& ctx, Request& req) {
  const Query q(req, {"unit", "as_of", "limit", "after"});
  const Scope scope(ctx, *req.key);
  const std::string as_of = q.date("as_of").value_or(today(ctx));
  const auto unit = q.id("unit");
  if (unit) scope.entity("unit", *unit);
  json out = scoped_items(ctx, scope, {{"standing", "overdue"}, {"as_of", as_of}}, unit, q.id("after").value_or(0), q.limit());
  out["as_of"] = as_of;
  return json_response(out);
}

// ---- Unit views ------------------------------------------------------------------------------

std::uint64_t scoped_unit(const Context& ctx, const Request& req) {
  const std::uint64_t id = path_id(req, "id");
  const Scope scope(ctx, *req.key);
  scope.entity("unit", id);
  scope.require(id);
  return id;
}

Response get_accounting(Context& ctx, Request& req) {
  const Query q(req, {"as_of"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  return text_response(
      ctx.engine.call("accounting", dump(json{{"unit", unit}, {"as_of", q.date("as_of").value_or(today(ctx))}})));
}

double number_param(const Query& q, const char* name);  // below (issue 14)

// R07 at intake: the unit's open items most like a new text (Engine::similar_items).
Response get_similar(Context& ctx, Request& req) {
  const Query q(req, {"text", "limit", "lat", "long"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  const auto text = q.text("text");
  if (!text) bad("query parameter 'text' is required");
  json args = {{"unit", unit}, {"text", *text}, {"limit", q.limit(10, 100)}};
  if (q.has("lat") || q.has("long")) {  // issue 14: nearby items rank higher
    args["lat"] = number_param(q, "lat");
    args["long"] = number_param(q, "long");
  }
  return json_response({{"similar", call(ctx, "similar_items", args)}});
}

// Issue 14 (R04): a query parameter as a finite number (degrees, metres); the engine checks ranges.
double number_param(const Query& q, const char* name) {
  const auto v = q.text(name);
  if (!v) bad(std::string("query parameter '") + name + "' is required");
  const char* b = v->c_str();
  char* e = nullptr;
  const double d = std::strtod(b, &e);
  if (e == b || *e != '\0' || !std::isfinite(d)) bad(std::string("query parameter '") + name + "' must be a finite number");
  return d;
}
json place_args(const Query& q, std::uint64_t unit) {
  json args = {{"unit", unit}, {"limit", q.limit(100, 10000)}};
  if (const auto st = q.text("status")) args["status"] = *st;
  if (const auto d = q.date("as_of")) args["as_of"] = *d;
  return args;
}
// Items of the unit's subtree within radius metres (default 500) of lat/long, nearest first.
Response get_near(Context& ctx, Request& req) {
  const Query q(req, {"lat", "long", "radius", "status", "as_of", "limit"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  json args = place_args(q, unit);
  args["lat"] = number_param(q, "lat");
  args["long"] = number_param(q, "long");
  args["radius_m"] = q.has("radius") ? number_param(q, "radius") : 500.0;
  return json_response({{"items", call(ctx, "items_near", args)}});
}
// Items of the unit's subtree in a box (south, west, north, east in degrees), by id.
Response get_box(Context& ctx, Request& req) {
  const Query q(req, {"south", "west", "north", "east", "status", "as_of", "limit"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  json args = place_args(q, unit);
  for (const char* k : {"south", "west", "north", "east"}) args[k] = number_param(q, k);
  return json_response({{"items", call(ctx, "items_in_box", args)}});
}
// R14 (issue 14): items whose raiser was not satisfied, awaiting the front.
Response get_supervision(Context& ctx, Request& req) {
  const Query q(req, {"as_of"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  return json_response(
      {{"items", call(ctx, "supervision_list", {{"unit", unit}, {"as_of", q.date("as_of").value_or(today(ctx))}})}});
}

// Reply templates (issue 15, docs/templates.md): the profile's templates, and one rendered for
// an item or a conference of the key's scope. Rendering records nothing: the client puts the
// text into its write_reply, extend, escalate or issue_conclusion_notice command.
Response get_templates(Context& ctx, Request& req) {
  const Query q(req, {"kind", "topic"});
  json args = json::object();
  if (const auto kind = q.text("kind")) args["kind"] = *kind;
  if (const auto topic = q.text("topic")) args["topic"] = *topic;
  return json_response({{"templates", call(ctx, "templates", args)}});
}

Response post_render_template(Context& ctx, Request& req) {
  const Query q(req, {});
  const auto content_type = req.header("content-type");
  if (content_type && content_type->rfind("application/json", 0) != 0) bad("the request body must be application/json");
  const json body = parse_body(req.body);
  if (!body.is_object()) bad("the request body must be a JSON object {\"key\", \"item\" or \"conference\", \"values\"}");
  for (const auto& [k, v] : body.items())
    if (k != "key" && k != "item" && k != "conference" && k != "values") bad("unknown field '" + k + "' in the request");
  const Scope scope(ctx, *req.key);
  // The subject must be in the key's scope (checked before rendering: its data is the unit's).
  for (const char* subject : {"item", "conference"}) {
    const auto it = body.find(subject);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() < 1 || it->get<std::uint64_t>() > kMaxId)
      bad(std::string("'") + subject + "' must be an id in 1.." + std::to_string(kMaxId));
    scope.require(scope.unit_of(subject, it->get<std::uint64_t>()));
  }
  return text_response(ctx.engine.call("render_template", dump(body)));
}

// The notification outbox of the unit's subtree (issue 15): notices as of a day and the counts.
Response get_outbox(Context& ctx, Request& req) {
  const Query q(req, {"as_of", "status", "limit", "after"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  const std::string as_of = q.date("as_of").value_or(today(ctx));
  json args = {{"unit", unit}, {"as_of", as_of}, {"limit", q.limit(100, 1000)}};
  if (auto s = q.text("status")) args["status"] = *s;
  if (auto a = q.id("after")) args["after"] = *a;
  json notices = call(ctx, "outbox", args);
  const json next = notices.empty() ? json(nullptr) : notices.back()["id"];
  return json_response({{"as_of", as_of},
                        {"counts", call(ctx, "outbox_counts", {{"unit", unit}, {"as_of", as_of}})},
                        {"notices", std::move(notices)},
                        {"next_after", next}});
}

Response get_triggers(Context& ctx, Request& req) {
  const Query q(req, {"as_of"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  return json_response(call(ctx, "triggers", {{"unit", unit}, {"as_of", q.date("as_of").value_or(today(ctx))}}));
}

Response get_compliance(Context& ctx, Request& req) {
  const Query q(req, {"period", "as_of"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  const auto period = q.text("period");
  if (!period) bad("query parameter 'period' is required");
  json args = {{"unit", unit}, {"period", period_of(*period)}};
  if (const auto d = q.date("as_of")) args["as_of"] = *d;
  return json_response(call(ctx, "compliance", args));
}

std::string csv_cell(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The report's tallies as CSV: one row for all items, one per topic, one per agency, then
// (issue 14) one per unit with satisfaction ratings. UTF-8 with BOM and CRLF, as the engine's
// CSV exports (docs/reports.md), so spreadsheets read it. Issue 14 columns (R16): the evidence
// of the written replies (agency rows, as `returned`) and the raisers' ratings of the replies,
// taken from the JSON `satisfaction` object (the `all` row its total, a topic, agency or unit
// row its line there); a cell is empty where the JSON form has no figure (nothing rated).
std::string report_csv(const json& report) {
  static const char* const cols[] = {"items", "resolved", "outstanding", "not_yet_due", "overdue", "on_time",
                                     "late", "on_time_rate", "extended_items", "extensions", "escalated",
                                     "returned",  // returned: agency rows (R13, R14 review)
                                     "written_replies", "replies_with_evidence", "evidence_share"};  // agency rows
  static const char* const sat_cols[] = {"rated", "satisfied", "partly_satisfied", "not_satisfied",
                                         "satisfied_percent", "not_satisfied_percent"};
  const json none = json::object();
  const json& sat = report.contains("satisfaction") ? report.at("satisfaction") : none;
  // The satisfaction line of a topic, agency or unit: the row of sat[list] whose key is id.
  auto line = [&](const char* list, const char* key, const json& id) -> const json& {
    if (sat.contains(list))
      for (const json& l : sat.at(list))
        if (l.value(key, json()) == id) return l;
    return none;
  };
  std::ostringstream out;
  out << "\xEF\xBB\xBF" << "section,code,label";
  for (const char* c : cols) out << ',' << c;
  for (const char* c : sat_cols) out << ',' << c;
  out << "\r\n";
  auto row = [&](const char* section, const json& code, const json& label, const json& tally, const json& rating) {
    out << section << ',' << csv_cell(code) << ',' << csv_cell(label);
    for (const char* c : cols) out << ',' << csv_cell(tally.value(c, json()));
    for (const char* c : sat_cols) out << ',' << csv_cell(rating.value(c, json()));
    out << "\r\n";
  };
  row("all", "", "", report.at("items"), sat);
  for (const json& t : report.at("by_topic"))
    row("topic", t.at("topic"), t.at("label"), t, line("by_topic", "topic", t.at("topic")));
  for (const json& a : report.at("by_agency"))
    row("agency", a.at("agency"), a.at("name"), a, line("by_agency", "agency", a.at("agency")));
  if (sat.contains("by_unit"))
    for (const json& u : sat.at("by_unit")) row("unit", u.at("unit"), u.at("name"), none, u);
  return out.str();
}

// format=json|csv|html, else the Accept header (first acceptable type in the client's order;
// q=0 excludes), else JSON.
std::string report_format(const Query& q, const Request& req) {
  if (const auto f = q.text("format")) {
    if (*f != "json" && *f != "csv" && *f != "html") bad("query parameter 'format' is json, csv or html");
    return *f;
  }
  const auto accept = req.header("accept");
  if (!accept || accept->empty()) return "json";
  std::istringstream in(*accept);
  std::string part;
  while (std::getline(in, part, ',')) {
    std::string type = part.substr(0, part.find(';'));
    type.erase(0, type.find_first_not_of(" \t"));
    type.erase(type.find_last_not_of(" \t") + 1);
    std::string params = part.find(';') == std::string::npos ? "" : part.substr(part.find(';'));
    params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
    if (params.find("q=0") != std::string::npos && params.find("q=0.") == std::string::npos) continue;
    if (type == "application/json" || type == "*/*" || type == "application/*") return "json";
    if (type == "text/csv") return "csv";
    if (type == "text/html" || type == "text/*") return "html";
  }
  throw ServiceError(kNotAcceptable, "the report is served as application/json, text/csv or text/html");
}

Response report_response(const Context& ctx, std::uint64_t unit, const std::string& period, const Query& q,
                         const std::string& format) {
  json args = {{"unit", unit}, {"period", period_of(period)}};
  if (const auto d = q.date("as_of")) args["as_of"] = *d;
  if (format == "html") {
    args["format"] = "html";
    if (const auto lang = q.text("lang")) {
      if (*lang != "vi" && *lang != "en") bad("query parameter 'lang' is vi or en");
      args["lang"] = *lang;
    }
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = call(ctx, "report", args).get<std::string>();
    return r;
  }
  if (q.has("lang")) bad("query parameter 'lang' applies to the HTML report only");
  json report = call(ctx, "report", args);
  if (format == "json") return json_response(report);
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = report_csv(report);
  return r;
}

Response get_report(Context& ctx, Request& req) {
  const Query q(req, {"period", "as_of", "format", "lang"});
  const std::uint64_t unit = scoped_unit(ctx, req);
  const std::string format = report_format(q, req);
  const auto period = q.text("period");
  if (!period) bad("query parameter 'period' is required");
  Response r = report_response(ctx, unit, *period, q, format);
  r.headers.emplace_back("Vary", "Accept");
  return r;
}

// ---- Public (no key) ---------------------------------------------------------------------------

// The engine's public feed (R13): published items only, redacted, raisers by name only with
// consent. Nothing else is added here.
// The public feed's answers, kept while the engine's last sequence and today are unchanged:
// the engine builds the feed from every published item of the unit (redacting each), about
// 1 ms for a ward of 1,500 published items, while a page served from here costs microseconds
// (bench/service_load.py). The sequence is read before the feed is built, so an entry never
// holds an older state than its tag says; a commit or a catch-up changes the sequence.
struct FeedCache {
  struct Entry {
    std::string seq, today, body;
  };
  std::mutex mutex;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Entry> entries;  // (unit or 0, limit)
};

Response get_public_feed(Context& ctx, Request& req, FeedCache& cache) {
  const Query q(req, {"unit", "limit"});
  json args = {{"limit", q.limit()}};
  const std::string seq = ctx.engine.call("last_seq", "{}");
  const std::string day = ctx.engine.call("today", "{}");
  const auto unit = q.id("unit");
  const std::pair<std::uint64_t, std::uint64_t> key{unit.value_or(0), q.limit()};
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    const auto it = cache.entries.find(key);
    if (it != cache.entries.end() && it->second.seq == seq && it->second.today == day) {
      Response r;
      r.body = it->second.body;
      return r;
    }
  }
  if (unit) {
    call(ctx, "unit", {{"id", *unit}});
    args["unit"] = *unit;
  }
  Response r = json_response(call(ctx, "public_feed", args));
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.entries.size() >= 1024) cache.entries.clear();  // bounded: (unit, limit) pairs asked
  cache.entries[key] = FeedCache::Entry{seq, day, r.body};
  return r;
}

// The printable report: aggregate counts and the conference list, no item texts or people.
Response get_public_report(Context& ctx, Request& req) {
  const Query q(req, {"period", "as_of", "lang"});
  const std::uint64_t unit = path_id(req, "id");
  call(ctx, "unit", {{"id", unit}});
  const std::string period = q.text("period").value_or(today(ctx).substr(0, 4));
  return report_response(ctx, unit, period, q, "html");
}

// Issue 14 (R04, R13): an opinion's public status by its tracking code, with no key, redacted
// like the public feed (the engine's track; docs/rules.md "Tracking code"). as_of: a past day.
// A malformed code is 400, an unknown one 404.
Response get_public_track(Context& ctx, Request& req) {
  const Query q(req, {"as_of"});
  const auto it = req.params.find("code");
  const std::string code = it == req.params.end() ? std::string() : it->second;
  if (!valid_utf8(code)) bad("tracking code: not valid UTF-8");
  json args = {{"code", code}};
  if (const auto d = q.date("as_of")) args["as_of"] = *d;
  return json_response(call(ctx, "track", args));
}

}  // namespace

void add_v1_read_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  // Mode::try_inline: a handful of engine reads by id and no other waiting; tried on the I/O
  // thread (service.h). Lists, reports and history stay on workers (their size or the store).
  auto key = [&router, c](const char* pattern, Response (*h)(Context&, Request&), Mode mode = Mode::worker) {
    router.add("GET", pattern, Access::key, [c, h](Request& req) { return h(*c, req); }, mode);
  };
  key("/v1/units", get_units);
  key("/v1/units/{id}", get_unit, Mode::try_inline);
  key("/v1/units/{id}/accounting", get_accounting, Mode::try_inline);
  key("/v1/units/{id}/report", get_report);
  key("/v1/units/{id}/compliance", get_compliance);
  key("/v1/units/{id}/triggers", get_triggers);
  key("/v1/units/{id}/similar", get_similar);
  key("/v1/units/{id}/near", get_near);          // issue 14: places (R04)
  key("/v1/units/{id}/box", get_box);
  key("/v1/units/{id}/supervision", get_supervision);  // issue 14: not satisfied, awaiting the front (R14)
  key("/v1/units/{id}/outbox", get_outbox);
  key("/v1/conferences", get_conferences);
  key("/v1/templates", get_templates);
  router.add("POST", "/v1/templates/render", Access::key, [c](Request& req) { return post_render_template(*c, req); });
  key("/v1/items", get_items);
  key("/v1/overdue", get_overdue);
  router.add("GET", "/v1/conferences/{id}", Access::key, [c](Request& req) { return get_owned(*c, req, "conference"); },
             Mode::try_inline);
  router.add("GET", "/v1/opinions/{id}", Access::key, [c](Request& req) { return get_owned(*c, req, "opinion"); },
             Mode::try_inline);
  router.add("GET", "/v1/items/{id}", Access::key, [c](Request& req) { return get_owned(*c, req, "item"); },
             Mode::try_inline);
  router.add("GET", "/v1/items/{id}/history", Access::key, [c](Request& req) { return get_history(*c, req, "item"); });
  auto feed_cache = std::make_shared<FeedCache>();
  router.add("GET", "/v1/public/feed", Access::open,
             [c, feed_cache](Request& req) { return get_public_feed(*c, req, *feed_cache); });
  router.add("GET", "/v1/public/units/{id}/report.html", Access::open,
             [c](Request& req) { return get_public_report(*c, req); });
  router.add("GET", "/v1/public/track/{code}", Access::open, [c](Request& req) { return get_public_track(*c, req); });
}

}  // namespace doithoaid::v1
