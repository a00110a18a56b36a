// src/c/c_api.cpp: the C ABI (include/doithoai/c.h, docs/c-abi.md) over the C++ engine.
//
// Every exported function runs its body inside guard(): doithoai::Error becomes its code,
// std::bad_alloc DT_OUT_OF_MEMORY, JSON library errors DT_INVALID_ARGUMENT, anything else
// DT_INTERNAL; nothing is thrown across the boundary. Arguments of dt_call are checked
// against each method's field list (unknown fields are refused, as everywhere in the library).
// Built into libdoithoai_c only (not libdoithoai): src/c/ is excluded from the library glob.
#include "doithoai/c.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "doithoai/doithoai.h"
#include "doithoai/durable.h"
#include "doithoai/json.h"
#include "doithoai/sqlite_store.h"
#include "doithoai/views.h"
#include "csv_import.h"
#include "json_text.h"
#include "no_wait.h"
#ifdef DOITHOAI_C_POSTGRES
#include "doithoai/postgres_attachments.h"
#include "doithoai/postgres_store.h"
#endif

#ifndef DOITHOAI_VERSION_STRING
#define DOITHOAI_VERSION_STRING "0.0.0"
#endif

using nlohmann::json;
using namespace doithoai;

struct dt_error {
  int code;
  std::string message;
};

struct dt_engine {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<ManualClock> manual_clock;  // set when opened with "clock"
};

struct dt_subscription {
  Subscription sub;
};

namespace {

// Handed out when even the error object cannot be allocated; dt_error_free ignores it.
dt_error g_out_of_memory{DT_OUT_OF_MEMORY, "out of memory"};

// The schema version of the events this build writes (docs/json.md: every type at 1).
constexpr int kEventSchemaVersion = 1;

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::invalid_argument, message); }

int fail(dt_error** err, int code, const std::string& message) noexcept {
  if (err) {
    try {
      *err = new dt_error{code, printable_message(message)};
    } catch (...) {
      *err = &g_out_of_memory;
    }
  }
  return code;
}

template <class F>
int guard(dt_error** err, F&& f) noexcept {
  if (err) *err = nullptr;
  try {
    f();
    return DT_OK;
  } catch (const Error& e) {
    return fail(err, static_cast<int>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return fail(err, DT_OUT_OF_MEMORY, "out of memory");
  } catch (const json::exception& e) {
    return fail(err, DT_INVALID_ARGUMENT, std::string("JSON: ") + e.what());
  } catch (const std::exception& e) {
    return fail(err, DT_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(err, DT_INTERNAL, "internal error: an unknown exception");
  }
}

// A copy of s on the C heap (freed with dt_free).
char* c_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse_object(const char* text, const char* what) {
  if (!text || !*text) return json::object();
  json j = parse_json(text);
  if (!j.is_object()) invalid(std::string(what) + " must be a JSON object");
  return j;
}

// ---- Arguments ---------------------------------------------------------------------------

// The arguments of one dt_call: a JSON object whose fields are checked against the
// method's list.
class Args {
 public:
  Args(const json& j, std::string method) : j_(j), method_(std::move(method)) {}

  void allow(std::initializer_list<const char*> names) const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool ok = false;
      for (const char* n : names) ok = ok || it.key() == n;
      if (!ok) {
        std::string list;
        for (const char* n : names) list += std::string(list.empty() ? "" : ", ") + n;
        invalid(method_ + ": unknown argument '" + it.key() + "' (known: " + (list.empty() ? "none" : list) + ")");
      }
    }
  }
  bool has(const char* k) const { return j_.contains(k) && !j_.at(k).is_null(); }
  const json& at(const char* k) const {
    if (!has(k)) invalid(method_ + ": argument '" + std::string(k) + "' is required");
    return j_.at(k);
  }
  std::uint64_t count(const char* k, std::uint64_t def, std::uint64_t max = std::numeric_limits<std::uint32_t>::max()) const {
    if (!has(k)) return def;
    const json& v = j_.at(k);
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= max) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && static_cast<std::uint64_t>(v.get<std::int64_t>()) <= max)
      return static_cast<std::uint64_t>(v.get<std::int64_t>());
    invalid(method_ + ": argument '" + k + "' must be an integer in 0.." + std::to_string(max));
  }
  std::int64_t integer(const char* k, std::int64_t def, std::int64_t lo, std::int64_t hi) const {
    if (!has(k)) return def;
    const json& v = j_.at(k);
    if (v.is_number_integer() && v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi) return v.get<std::int64_t>();
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi) && lo <= 0)
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    invalid(method_ + ": argument '" + k + "' must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  template <class IdT>
  IdT id(const char* k, bool required = false) const {
    if (required) at(k);
    return IdT(static_cast<std::uint32_t>(count(k, 0, std::numeric_limits<std::uint32_t>::max() - 1)));
  }
  PersonId actor(const char* k) const {
    if (has(k) && j_.at(k).is_string() && j_.at(k).get<std::string>() == "system") return kSystemActor;
    return id<PersonId>(k, true);
  }
  std::string text(const char* k, const std::string& def = {}) const {
    if (!has(k)) return def;
    if (!j_.at(k).is_string()) invalid(method_ + ": argument '" + std::string(k) + "' must be a string");
    return j_.at(k).get<std::string>();
  }
  // A file path: a string without NUL bytes (the operating system would cut it there and
  // open another file).
  std::string path(const char* k, const std::string& def = {}) const {
    std::string p = text(k, def);
    if (p.find('\0') != std::string::npos)
      invalid(method_ + ": argument '" + std::string(k) + "' may not contain a NUL byte");
    return p;
  }
  bool flag(const char* k, bool def) const {
    if (!has(k)) return def;
    if (!j_.at(k).is_boolean()) invalid(method_ + ": argument '" + std::string(k) + "' must be true or false");
    return j_.at(k).get<bool>();
  }
  Date date(const char* k, bool required = false) const {
    if (!has(k)) {
      if (required) at(k);
      return Date();
    }
    const Date d = parse_date(text(k));
    check_date(d, k);
    return d;
  }
  Instant instant(const char* k) const {
    if (!has(k)) return Instant();
    return parse_instant(text(k));
  }
  // A JSON number (issue 14: degrees, metres); range checks are the query's.
  double number(const char* k) const {
    const json& v = at(k);
    if (!v.is_number()) invalid(method_ + ": argument '" + std::string(k) + "' must be a number");
    return v.get<double>();
  }
  template <class E>
  std::optional<E> enumeration(const char* k) const {
    if (!has(k)) return std::nullopt;
    return parse_enum<E>(text(k));
  }
  const std::string& method() const { return method_; }

 private:
  const json& j_;
  std::string method_;
};

Period period_of(const json& p, const std::string& method) {
  if (!p.is_object()) invalid(method + ": 'period' must be an object");
  Args a(p, method + ".period");
  const std::string kind = a.text("kind");
  if (kind == "range") {
    a.allow({"kind", "from", "to", "label"});
    return Period::range(a.date("from", true), a.date("to", true));
  }
  const int year = static_cast<int>(a.integer("year", 0, 1900, 2199));
  if (!a.has("year")) a.at("year");
  if (kind == "month") {
    a.allow({"kind", "year", "month"});
    return Period::month(year, static_cast<int>(a.integer("month", 0, 1, 12)));
  }
  if (kind == "quarter") {
    a.allow({"kind", "year", "quarter"});
    return Period::quarter(year, static_cast<int>(a.integer("quarter", 0, 1, 4)));
  }
  a.allow({"kind", "year"});
  if (kind == "six_months") return Period::six_months(year);
  if (kind == "nine_months") return Period::nine_months(year);
  if (kind == "year") return Period::year(year);
  invalid(method + ": period kind must be month, quarter, six_months, nine_months, year or range, got '" + kind + "'");
}

// ---- Answers -----------------------------------------------------------------------------

json id_json(std::uint32_t v) { return v ? json(v) : json(nullptr); }
template <class IdT>
json ids_json(const std::vector<IdT>& v) {
  json a = json::array();
  for (const IdT& x : v) a.push_back(x.value);
  return a;
}
json date_json(const Date& d) { return d.is_special() ? json(nullptr) : json(format_date(d)); }
json opt_date(const std::optional<Date>& d) { return d ? date_json(*d) : json(nullptr); }

json accounting_json(const Accounting& a) {
  return {{"unit", id_json(a.unit.value)}, {"as_of", date_json(a.as_of)}, {"opinions", a.opinions},
          {"items", a.items}, {"resolved", a.resolved}, {"outstanding", a.outstanding},
          {"not_yet_due", a.not_yet_due}, {"overdue", a.overdue}, {"answered_on_spot", a.answered_on_spot},
          {"replied", a.replied}, {"replied_on_time", a.replied_on_time}, {"replied_late", a.replied_late},
          {"handed_on", a.handed_on}, {"escalated", a.escalated}, {"closed", a.closed},
          {"extended_items", a.extended_items}, {"extensions", a.extensions},
          {"reopened_items", a.reopened_items}, {"merged", a.merged},
          {"received_by_escalation", a.received_by_escalation}};
}

json reconciliation_json(const Reconciliation& r) {
  json dups = json::array();
  for (const auto& [d, o] : r.duplicates) dups.push_back({{"duplicate", d.value}, {"original", o.value}});
  return {{"conference", r.conference.value}, {"collected_in_advance", ids_json(r.collected_in_advance)},
          {"raised_at_conference", ids_json(r.raised_at_conference)}, {"answered", ids_json(r.answered)},
          {"unanswered", ids_json(r.unanswered)}, {"duplicates", dups}};
}

json deadline_basis_json(const DeadlineBasis& b) {
  json j = {{"item", b.item.value}, {"deadline", opt_date(b.deadline)},
            {"original_deadline", opt_date(b.original_deadline)}, {"source", b.source}, {"rule", b.rule},
            {"given", b.given}, {"event", date_json(b.event)}, {"notice_number", b.notice_number},
            {"follows", id_json(b.follows.value)}, {"text_vi", b.text_vi}, {"computation", nullptr}};
  if (b.computation) {
    const DeadlineExplanation& c = *b.computation;
    j["computation"] = {{"event", date_json(c.event)}, {"first_day", date_json(c.first_day)},
                        {"computed_end", date_json(c.computed_end)}, {"deadline", date_json(c.deadline)},
                        {"calendar", c.calendar_name}, {"skipped_days", c.skipped.size()},
                        {"moved", c.moved}, {"kept_on_day_off", c.kept_on_day_off}, {"text_vi", c.text_vi}};
  }
  return j;
}

json recorded_list(const std::vector<Recorded>& v) {
  json a = json::array();
  for (const Recorded& r : v) a.push_back(recorded_to_json(r));
  return a;
}

json role_grants_json(const std::vector<RoleGrant>& v) {
  json a = json::array();
  for (const RoleGrant& g : v) a.push_back(g);
  return a;
}

json results_publication_json(const std::vector<ResultsPublication>& v) {
  json a = json::array();
  for (const ResultsPublication& r : v)
    a.push_back({{"conference", r.conference.value}, {"unit", id_json(r.unit.value)}, {"unit_name", r.unit_name},
                 {"held_on", date_json(r.held_on)}, {"due", date_json(r.due)},
                 {"published_on", opt_date(r.published_on)}, {"days_late", r.days_late}, {"late", r.late}});
  return a;
}

json verify_json(const VerifyReport& r) {
  return {{"ok", r.ok}, {"checked", r.checked}, {"first_bad", r.first_bad}, {"problem", r.problem},
          {"head", to_hex(r.head)}};
}

template <class T>
json opt_id(const std::optional<T>& v) {
  return v ? json(v->value) : json(nullptr);
}

ExportOptions export_options(const Args& a) {
  ExportOptions o;
  o.unit = a.id<UnitId>("unit");
  const std::string vis = a.text("visibility", "public_view");
  if (vis == "public_view") o.visibility = Visibility::public_view;
  else if (vis == "internal") o.visibility = Visibility::internal;
  else invalid(a.method() + ": visibility must be \"public_view\" or \"internal\", got '" + vis + "'");
  o.as_of = a.date("as_of");
  o.generated_at = a.instant("generated_at");
  // An item id from 1 (0 is no item: refused rather than read as "every item").
  if (a.has("item")) o.item = ItemId(static_cast<std::uint32_t>(a.integer("item", 0, 1, std::numeric_limits<std::uint32_t>::max() - 1)));
  return o;
}

// ---- Imports -----------------------------------------------------------------------------

// Submits the commands one by one (each its own command, committed on its own), from row
// start_row on; rows[i] is the row number (JSON: index + 1; CSV: file line) of cmds[i].
// The commands are moved into the engine one by one (a copy of each cost as much as its
// decoding).
json run_import(Engine& engine, const Args& a, std::vector<cmd::SubmitOpinion>& cmds,
                const std::vector<std::size_t>& rows) {
  const PersonId actor = a.actor("actor");
  const std::string on_error = a.text("on_error", "raise");
  if (on_error != "raise" && on_error != "skip") invalid(a.method() + ": on_error is \"raise\" or \"skip\"");
  const std::string prefix = a.text("idempotency_prefix");
  const std::uint64_t start = a.count("start_row", 1, std::numeric_limits<std::uint64_t>::max());
  json report = {{"rows", 0}, {"submitted", 0}, {"failed", 0}, {"items", 0}, {"opinions", json::array()},
                 {"errors", json::array()}};
  json& opinions = report["opinions"];
  std::uint64_t submitted = 0, failed = 0, items = 0, n = 0;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const std::size_t row = rows[i];
    if (row < start) continue;
    ++n;
    try {
      const Result r =
          engine.execute(actor, Command(std::move(cmds[i])), prefix.empty() ? std::string() : prefix + std::to_string(row));
      ++submitted;
      items += r.items.size();
      opinions.push_back(r.id);
    } catch (const Error& e) {
      if (on_error == "raise")
        throw Error(e.code(), a.method() + ": row " + std::to_string(row) + ": " + e.what() + " (" +
                                  std::to_string(submitted) + " rows before it are committed, nothing from it on; "
                                  "fix it and resume with start_row " + std::to_string(row) + ")");
      ++failed;
      report["errors"].push_back({{"row", row}, {"code", std::string(to_string(e.code()))}, {"message", e.what()}});
    }
  }
  report["rows"] = n;
  report["submitted"] = submitted;
  report["failed"] = failed;
  report["items"] = items;
  return report;
}

// import_opinions' rows were decoded while its arguments were read (dt_call, below:
// detail::decode_opinion_rows): every row before any is submitted, so a malformed row
// commits nothing. `rows` is null when the arguments had no "rows" array.
json import_opinions(Engine& engine, const Args& a, std::vector<cmd::SubmitOpinion>* rows) {
  a.allow({"actor", "rows", "on_error", "idempotency_prefix", "start_row"});
  a.actor("actor");
  if (!rows) {
    if (!a.at("rows").is_array()) invalid("import_opinions: 'rows' must be an array");
    invalid("import_opinions: 'rows' was not read");  // not reached: an array is decoded
  }
  std::vector<std::size_t> numbers(rows->size());
  for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = i + 1;
  return run_import(engine, a, *rows, numbers);
}

// The CSV reading of the Python package's Engine.import_csv (src/csv_import.h).
json import_csv(Engine& engine, const Args& a) {
  a.allow({"actor", "path", "unit", "conference", "channel", "raised_on", "on_error", "idempotency_prefix",
           "start_row"});
  a.actor("actor");
  const std::string path = a.path("path");
  if (path.empty()) invalid("import_csv: argument 'path' is required");
  detail::CsvDefaults defaults;
  defaults.unit = a.id<UnitId>("unit");
  defaults.conference = a.id<ConferenceId>("conference");
  if (auto ch = a.enumeration<Channel>("channel")) defaults.channel = *ch;
  defaults.raised_on = a.date("raised_on");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::not_found, "import_csv: cannot open CSV file " + path);
  std::ostringstream text;
  text << f.rdbuf();
  detail::CsvOpinions read =
      engine.read([&](const State& s) { return detail::read_opinions_csv(s, text.str(), defaults); });
  return run_import(engine, a, read.commands, read.lines);
}

// ---- Methods -----------------------------------------------------------------------------

using Method = std::function<json(dt_engine&, const Args&)>;

const std::unordered_map<std::string, Method>& methods() {
  static const std::unordered_map<std::string, Method> m = [] {
    std::unordered_map<std::string, Method> t;
    // Entities by id.
    t["unit"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      return json(e.engine->unit(a.id<UnitId>("id", true)));
    };
    t["agency"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      const AgencyId id = a.id<AgencyId>("id", true);
      return e.engine->read([&](const State& s) { return json(s.agency(id)); });
    };
    t["organization"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      const OrganizationId id = a.id<OrganizationId>("id", true);
      return e.engine->read([&](const State& s) { return json(s.organization(id)); });
    };
    t["person"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      return json(e.engine->person(a.id<PersonId>("id", true)));
    };
    t["conference"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      return json(e.engine->conference(a.id<ConferenceId>("id", true)));
    };
    t["opinion"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      return json(e.engine->opinion(a.id<OpinionId>("id", true)));
    };
    t["item"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      return json(e.engine->item(a.id<ItemId>("id", true)));
    };
    t["item_status"] = [](dt_engine& e, const Args& a) {
      a.allow({"id"});
      const ItemId id = a.id<ItemId>("id", true);
      return json(std::string(to_string(e.engine->read([&](const State& s) { return s.status(id); }))));
    };
    // Directory look-ups.
    t["find_unit"] = [](dt_engine& e, const Args& a) {
      a.allow({"code"});
      const std::string code = a.text("code");
      return opt_id(e.engine->read([&](const State& s) { return s.find_unit(code); }));
    };
    t["find_agency"] = [](dt_engine& e, const Args& a) {
      a.allow({"code"});
      const std::string code = a.text("code");
      return opt_id(e.engine->read([&](const State& s) { return s.find_agency(code); }));
    };
    t["find_person"] = [](dt_engine& e, const Args& a) {
      a.allow({"code"});
      const std::string code = a.text("code");
      return opt_id(e.engine->read([&](const State& s) { return s.find_person(code); }));
    };
    t["units"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return ids_json(e.engine->read([&](const State& s) { return s.units(); }));
    };
    t["children"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit"});
      const UnitId u = a.id<UnitId>("unit", true);
      return ids_json(e.engine->read([&](const State& s) { return s.children(u); }));
    };
    t["agencies"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit"});
      const UnitId u = a.id<UnitId>("unit", true);
      return ids_json(e.engine->read([&](const State& s) { return s.agencies(u); }));
    };
    t["organizations"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit"});
      const UnitId u = a.id<UnitId>("unit", true);
      return ids_json(e.engine->read([&](const State& s) { return s.organizations(u); }));
    };
    t["conferences"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit"});
      const UnitId u = a.id<UnitId>("unit");
      return ids_json(e.engine->read([&](const State& s) { return s.conferences(u); }));
    };
    t["roles_of"] = [](dt_engine& e, const Args& a) {
      a.allow({"person"});
      const PersonId p = a.id<PersonId>("person", true);
      return role_grants_json(e.engine->read([&](const State& s) { return s.roles_of(p); }));
    };
    t["holders"] = [](dt_engine& e, const Args& a) {
      a.allow({"role", "unit"});
      a.at("role");
      const Role r = *a.enumeration<Role>("role");
      const UnitId u = a.id<UnitId>("unit", true);
      return ids_json(e.engine->read([&](const State& s) { return s.holders(r, u); }));
    };
    t["can_view"] = [](dt_engine& e, const Args& a) {
      a.allow({"person", "item"});
      const PersonId p = a.id<PersonId>("person", true);
      const ItemId i = a.id<ItemId>("item", true);
      return json(e.engine->read([&](const State& s) { return s.can_view(p, i); }));
    };
    // Items and deadlines (R15); every date is exact as of the end of that day.
    t["items"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "status", "standing", "as_of", "agency", "topic", "conference", "raised_by", "visible_to",
               "after", "limit", "expand"});
      ItemQuery q;
      q.unit = a.id<UnitId>("unit");
      q.status = a.enumeration<ItemStatus>("status");
      q.standing = a.enumeration<Standing>("standing");
      q.as_of = a.date("as_of");
      q.agency = a.id<AgencyId>("agency");
      q.topic = a.text("topic");
      q.conference = a.id<ConferenceId>("conference");
      q.raised_by = a.id<PersonId>("raised_by");
      q.visible_to = a.id<PersonId>("visible_to");
      q.after = a.id<ItemId>("after");
      if (a.has("limit")) q.limit = a.count("limit", 0, std::numeric_limits<std::uint64_t>::max());
      if (!a.flag("expand", false)) return ids_json(e.engine->items(q));
      // Items themselves, read from the same state the query ran on.
      auto expand = [&](const State& s) {
        json out = json::array();
        for (ItemId id : s.items(q)) out.push_back(json(s.item(id)));
        return out;
      };
      return q.as_of.is_special() ? e.engine->read(expand) : e.engine->read_as_of(q.as_of, expand);
    };
    t["standing"] = [](dt_engine& e, const Args& a) {
      a.allow({"item", "as_of"});
      return json(std::string(to_string(e.engine->standing(a.id<ItemId>("item", true), a.date("as_of", true)))));
    };
    t["overdue"] = [](dt_engine& e, const Args& a) {
      a.allow({"as_of", "limit"});
      return ids_json(e.engine->overdue(a.date("as_of", true), a.count("limit", 100)));
    };
    t["due_within"] = [](dt_engine& e, const Args& a) {
      a.allow({"from", "days", "limit"});
      a.at("days");
      return ids_json(e.engine->due_within(a.date("from", true), static_cast<int>(a.integer("days", 0, 0, 36500)),
                                           a.count("limit", 1000)));
    };
    t["due_between"] = [](dt_engine& e, const Args& a) {
      a.allow({"from", "to", "limit"});
      return ids_json(e.engine->due_between(a.date("from", true), a.date("to", true), a.count("limit", 1000)));
    };
    t["accounting"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "as_of"});
      return accounting_json(e.engine->accounting(a.id<UnitId>("unit"), a.date("as_of", true)));
    };
    t["reconciliation"] = [](dt_engine& e, const Args& a) {
      a.allow({"conference"});
      return reconciliation_json(e.engine->reconciliation(a.id<ConferenceId>("conference", true)));
    };
    // The notification outbox (issue 15; doithoai/outbox.h).
    t["outbox_fetch"] = [](dt_engine& e, const Args& a) {
      a.allow({"limit", "lease_seconds"});
      json out = json::array();
      for (const Notice& n : e.engine->outbox_fetch(static_cast<std::size_t>(a.integer("limit", 10, 1, 1000)),
                                                    std::chrono::seconds(a.integer("lease_seconds", 60, 1, 86400))))
        out.push_back(notice_to_json(n));
      return out;
    };
    t["outbox_ack"] = [](dt_engine& e, const Args& a) {
      a.allow({"notice", "outcome", "detail", "on"});
      if (!a.has("outcome")) invalid("outbox_ack: outcome is required");
      return result_to_json(e.engine->outbox_ack(a.id<NoticeId>("notice", true), a.text("outcome"),
                                                 a.has("detail") ? a.text("detail") : std::string(), a.date("on")));
    };
    t["outbox"] = [](dt_engine& e, const Args& a) {
      a.allow({"as_of", "status", "unit", "after", "limit"});
      OutboxQuery q;
      q.as_of = a.date("as_of");
      if (a.has("status")) q.status = a.text("status");
      q.unit = a.id<UnitId>("unit");
      q.after = a.id<NoticeId>("after");
      q.limit = static_cast<std::size_t>(a.integer("limit", 1000, 1, 100000));
      json out = json::array();
      for (const Notice& n : e.engine->outbox(q)) out.push_back(notice_to_json(n));
      return out;
    };
    t["outbox_counts"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "as_of"});
      return outbox_counts_to_json(e.engine->outbox_counts(a.id<UnitId>("unit"), a.date("as_of", true)));
    };
    t["similar_items"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "text", "limit", "lat", "long"});
      if (!a.has("text")) invalid("similar_items: text is required");
      const UnitId unit = a.id<UnitId>("unit", true);
      const auto limit = static_cast<std::size_t>(a.integer("limit", 10, 1, 100));
      if (a.has("lat") != a.has("long")) invalid("similar_items: lat and long go together");
      // Issue 14: with a place, items nearby rank higher (similar_items_near, place.h).
      const std::vector<SimilarItem> v =
          a.has("lat") ? similar_items_near(*e.engine, unit, a.text("text"), Place{a.number("lat"), a.number("long"), ""}, limit)
                       : e.engine->similar_items(unit, a.text("text"), limit);
      json out = json::array();
      for (const SimilarItem& x : v) out.push_back({{"item", x.item.value}, {"score", x.score}});
      return out;
    };
    t["explain_deadline"] = [](dt_engine& e, const Args& a) {
      a.allow({"item"});
      return deadline_basis_json(e.engine->explain_deadline(a.id<ItemId>("item", true)));
    };
    // Reply templates (templates.h, docs/templates.md): listed, and rendered from the state.
    // Rendering records nothing; the caller passes the text to the command that records it.
    t["templates"] = [](dt_engine& e, const Args& a) {
      a.allow({"kind", "topic"});
      const Profile& p = e.engine->profile();
      std::vector<ReplyTemplate> v;
      if (a.has("kind")) v = templates_for(p, parse_template_kind(a.text("kind")), a.text("topic"));
      else if (a.has("topic")) invalid("templates: topic needs kind");
      else v = profile_templates(p);
      json out = json::array();
      for (const auto& x : v) out.push_back(template_to_json(x));
      return out;
    };
    t["render_template"] = [](dt_engine& e, const Args& a) {
      a.allow({"key", "item", "conference", "values"});
      RenderRequest rq;
      rq.key = a.text("key");
      if (rq.key.empty()) invalid("render_template: argument 'key' is required");
      rq.item = a.id<ItemId>("item");
      rq.conference = a.id<ConferenceId>("conference");
      if (a.has("values")) {
        const json& v = a.at("values");
        if (!v.is_object()) invalid("render_template: values must be an object of strings");
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (!it.value().is_string()) invalid("render_template: value '" + it.key() + "' must be a string");
          rq.values[it.key()] = it.value().get<std::string>();
        }
      }
      return rendered_to_json(render_template(*e.engine, rq));
    };
    // History (R20).
    t["history"] = [](dt_engine& e, const Args& a) {
      a.allow({"item", "opinion", "conference"});
      const int given = a.has("item") + a.has("opinion") + a.has("conference");
      if (given != 1) invalid("history needs exactly one of item, opinion, conference");
      if (a.has("item")) return recorded_list(e.engine->history(a.id<ItemId>("item")));
      if (a.has("opinion")) return recorded_list(e.engine->history(a.id<OpinionId>("opinion")));
      return recorded_list(e.engine->history(a.id<ConferenceId>("conference")));
    };
    t["events"] = [](dt_engine& e, const Args& a) {
      a.allow({"from", "limit"});
      return recorded_list(e.engine->events(a.count("from", 1, std::numeric_limits<std::uint64_t>::max()),
                                            a.count("limit", 1000)));
    };
    // Reports and views (R13, R16-R18).
    t["report"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "period", "as_of", "format", "lang", "title"});
      ReportRequest rq;
      rq.unit = a.id<UnitId>("unit");
      rq.period = period_of(a.at("period"), "report");
      rq.as_of = a.date("as_of");
      const std::string format = a.text("format", "json");
      if (format != "json" && format != "html") invalid("report: format is \"json\" or \"html\"");
      const Report r = make_report(*e.engine, rq);
      if (format == "json") return report_to_json(r);
      HtmlOptions h;
      h.lang = a.text("lang", "vi");
      h.title = a.text("title");
      return json(report_html(r, h));
    };
    t["compliance"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "period", "as_of"});
      const Period p = period_of(a.at("period"), "compliance");
      const Date as_of = a.has("as_of") ? a.date("as_of") : p.to;
      return compliance_to_json(compliance(*e.engine, a.id<UnitId>("unit"), p, as_of));
    };
    t["triggers"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "as_of"});
      return triggers_to_json(unscheduled_triggers(*e.engine, a.id<UnitId>("unit"), a.date("as_of", true)));
    };
    // Issue 14: places (R04) and the satisfaction follow-up (R10, R14).
    auto place_filter = [](const Args& a) {
      PlaceFilter f;
      f.unit = a.id<UnitId>("unit");
      if (const auto st = a.enumeration<ItemStatus>("status")) f.status = *st;
      f.as_of = a.date("as_of");
      f.limit = static_cast<std::size_t>(a.integer("limit", 100, 1, 10000));
      return f;
    };
    t["items_near"] = [place_filter](dt_engine& e, const Args& a) {
      a.allow({"lat", "long", "radius_m", "unit", "status", "as_of", "limit"});
      return placed_items_to_json(items_near(*e.engine, a.number("lat"), a.number("long"), a.number("radius_m"), place_filter(a)));
    };
    t["items_in_box"] = [place_filter](dt_engine& e, const Args& a) {
      a.allow({"south", "west", "north", "east", "unit", "status", "as_of", "limit"});
      return placed_items_to_json(items_in_box(*e.engine, a.number("south"), a.number("west"), a.number("north"),
                                               a.number("east"), place_filter(a)));
    };
    t["item_place"] = [](dt_engine& e, const Args& a) {
      a.allow({"item"});
      const ItemId i = a.id<ItemId>("item", true);
      const auto p = e.engine->read([&](const State& s) { return item_place(s, i); });
      return p ? place_to_json(*p) : json(nullptr);
    };
    t["satisfaction"] = [](dt_engine& e, const Args& a) {
      a.allow({"item"});
      const ItemId i = a.id<ItemId>("item", true);
      const auto r = e.engine->read([&](const State& s) { return satisfaction_of(s, i); });
      if (!r) return json(nullptr);
      return json{{"item", r->item.value}, {"rating", std::string(to_string(r->rating))}, {"comment", r->comment},
                  {"on", format_date(r->on)}, {"awaiting_front", r->awaiting_front}};
    };
    t["supervision_list"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "as_of"});
      return supervision_list_to_json(supervision_list(*e.engine, a.id<UnitId>("unit"), a.date("as_of", true)));
    };
    t["public_feed"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "limit"});
      const UnitId u = a.id<UnitId>("unit");
      const std::size_t limit = a.count("limit", 100);
      return e.engine->read([&](const State& s) { return public_feed_to_json(public_feed(s, e.engine->profile(), u, limit)); });
    };
    // Issue 14: the public status of an opinion by its tracking code (as_of: a past day).
    t["track"] = [](dt_engine& e, const Args& a) {
      a.allow({"code", "as_of"});
      if (!a.has("code")) invalid("track: code is required");
      const std::string code = a.text("code");
      return tracking_to_json(a.has("as_of") ? track(*e.engine, code, a.date("as_of"))
                                             : track(*e.engine, code));
    };
    t["results_publication"] = [](dt_engine& e, const Args& a) {
      a.allow({"unit", "as_of"});
      return results_publication_json(results_publication(*e.engine, a.id<UnitId>("unit"), a.date("as_of", true)));
    };
    // Exports (docs/reports.md): JSON documents as JSON, CSV and iCalendar as a JSON string.
    t["export_items"] = [](dt_engine& e, const Args& a) {
      a.allow({"format", "unit", "visibility", "as_of", "generated_at", "agency", "item"});
      const std::string format = a.text("format", "json");
      const ExportOptions o = export_options(a);
      if (format == "json") return export_items_json(*e.engine, o);
      if (format == "open311") return export_open311(*e.engine, o);
      if (format == "csv") {
        std::string out;
        export_items_csv(*e.engine, o, out);
        return json(std::move(out));
      }
      if (format == "ical") return json(export_ical(*e.engine, a.id<AgencyId>("agency", true), o));
      invalid("export_items: format is \"json\", \"csv\", \"open311\" or \"ical\", got '" + format + "'");
    };
    t["csv_columns"] = [](dt_engine&, const Args& a) {
      a.allow({});
      return json(csv_columns());
    };
    // Imports.
    // Its arguments are read by dt_call itself (streaming, without a JSON tree).
    t["import_opinions"] = [](dt_engine& e, const Args& a) { return import_opinions(*e.engine, a, nullptr); };
    t["import_csv"] = [](dt_engine& e, const Args& a) { return import_csv(*e.engine, a); };
    // The store.
    t["verify"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      const auto* d = dynamic_cast<const DurableStore*>(&e.engine->store());
      if (!d) throw Error(ErrorCode::unsupported, "verify: the engine's store is not durable (it is in memory)");
      return verify_json(d->verify());
    };
    // Evidence attachments (issue 14).
    t["verify_attachments"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      const AttachmentReport r = e.engine->verify_attachments();
      json problems = json::array();
      for (const auto& p : r.problems)
        problems.push_back({{"kind", std::string(to_string(p.kind))}, {"sha256", p.sha256}, {"name", p.name},
                            {"owner", p.owner}, {"id", p.id}});
      return json({{"ok", r.ok}, {"checked", r.checked}, {"references", r.references}, {"problems", problems}});
    };
    t["export_jsonl"] = [](dt_engine& e, const Args& a) {
      a.allow({"path"});
      const std::string path = a.path("path");
      if (path.empty()) invalid("export_jsonl: argument 'path' is required");
      const auto* d = dynamic_cast<const DurableStore*>(&e.engine->store());
      if (!d) throw Error(ErrorCode::unsupported, "export_jsonl: the engine's store is not durable (it is in memory)");
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      if (!out) throw Error(ErrorCode::storage, "export_jsonl: cannot write " + path);
      const std::uint64_t n = export_jsonl(*d, out);
      out.flush();
      if (!out) throw Error(ErrorCode::storage, "export_jsonl: writing " + path + " failed");
      return json({{"events", n}});
    };
    t["snapshot"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return json(e.engine->snapshot());
    };
    t["catch_up"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      e.engine->catch_up();
      return json(e.engine->last_seq());
    };
    t["last_seq"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return json(e.engine->last_seq());
    };
    t["today"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return date_json(e.engine->today());
    };
    t["profile"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return profile_to_json(e.engine->profile());
    };
    t["set_clock"] = [](dt_engine& e, const Args& a) {
      a.allow({"now"});
      if (!e.manual_clock)
        throw Error(ErrorCode::unsupported, "set_clock: the engine runs on the system clock (open it with \"clock\")");
      a.at("now");
      e.manual_clock->set(a.instant("now"));
      return json(format_instant(e.manual_clock->now()));
    };
    // Subscribers.
    t["flush_subscribers"] = [](dt_engine& e, const Args& a) {
      a.allow({"timeout_ms"});
      if (!a.has("timeout_ms")) {
        e.engine->flush_subscribers();
        return json(true);
      }
      return json(e.engine->flush_subscribers(std::chrono::milliseconds(a.count("timeout_ms", 0))));
    };
    t["subscriber_stats"] = [](dt_engine& e, const Args& a) {
      a.allow({});
      return json({{"callback_errors", e.engine->callback_errors()}, {"undelivered", e.engine->undelivered()}});
    };
    // Test hook: throws the named exception inside the library, to show that every kind
    // comes back as a status ("error": doithoai::Error(storage), "bad_alloc", "runtime_error",
    // "json": a JSON library exception, "int": a non-std exception).
    t["debug_throw"] = [](dt_engine&, const Args& a) -> json {
      a.allow({"what"});
      const std::string what = a.text("what");
      if (what == "error") throw Error(ErrorCode::storage, "debug_throw: injected store failure");
      if (what == "bad_alloc") throw std::bad_alloc();
      if (what == "runtime_error") throw std::runtime_error("debug_throw: injected");
      if (what == "json") return json::parse("{");
      if (what == "int") throw 42;
      invalid("debug_throw: what is error, bad_alloc, runtime_error, json or int");
    };
    return t;
  }();
  return m;
}

std::unique_ptr<EventStore> open_store_c(const std::string& uri, const SqliteOptions& o) {
  if (uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0) {
#ifdef DOITHOAI_C_POSTGRES
    return std::make_unique<PostgresStore>(uri);
#else
    throw Error(ErrorCode::unsupported, "this build of libdoithoai_c has no PostgreSQL store");
#endif
  }
  return open_store(uri, o);
}

SqliteOptions sqlite_options(const json& j) {
  SqliteOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) invalid("dt_engine_open: 'sqlite' must be an object");
  Args a(j, "dt_engine_open.sqlite");
  a.allow({"sync", "read_only", "create", "open_check", "busy_timeout_ms"});
  const std::string sync = a.text("sync", "full");
  if (sync == "full") o.sync = SqliteOptions::Sync::full;
  else if (sync == "normal") o.sync = SqliteOptions::Sync::normal;
  else invalid("dt_engine_open: sqlite.sync is \"full\" or \"normal\"");
  o.read_only = a.flag("read_only", false);
  o.create = a.flag("create", true);
  const std::string check = a.text("open_check", "since_snapshot");
  if (check == "since_snapshot") o.open_check = SqliteOptions::OpenCheck::since_snapshot;
  else if (check == "full") o.open_check = SqliteOptions::OpenCheck::full;
  else invalid("dt_engine_open: sqlite.open_check is \"since_snapshot\" or \"full\"");
  o.busy_timeout_ms = static_cast<int>(a.integer("busy_timeout_ms", 10000, 0, 3600000));
  return o;
}

}  // namespace

extern "C" {

int dt_version(const char** library, int* abi, int* event_schema) {
  if (library) *library = DOITHOAI_VERSION_STRING;
  if (abi) *abi = DT_ABI_VERSION;
  if (event_schema) *event_schema = kEventSchemaVersion;
  return DT_OK;
}

const char* dt_status_name(int status) {
  switch (status) {
    case DT_OK: return "ok";
    case DT_NOT_FOUND: return "not_found";
    case DT_PERMISSION_DENIED: return "permission_denied";
    case DT_INVALID_TRANSITION: return "invalid_transition";
    case DT_INVALID_ARGUMENT: return "invalid_argument";
    case DT_CONFLICT: return "conflict";
    case DT_STORAGE: return "storage";
    case DT_CORRUPTION: return "corruption";
    case DT_UNSUPPORTED: return "unsupported";
    case DT_OUT_OF_MEMORY: return "out_of_memory";
    case DT_INTERNAL: return "internal";
    case DT_WOULD_BLOCK: return "would_block";
    default: return "unknown";
  }
}

int dt_error_code(const dt_error* err) { return err ? err->code : DT_INVALID_ARGUMENT; }

const char* dt_error_message(const dt_error* err) { return err ? err->message.c_str() : ""; }

void dt_error_free(dt_error* err) {
  if (err && err != &g_out_of_memory) delete err;
}

void dt_free(void* buffer) { std::free(buffer); }

int dt_engine_open(const char* options_json, dt_engine** engine, dt_error** err) {
  return guard(err, [&] {
    if (!engine) invalid("dt_engine_open: engine (the out-parameter) is NULL");
    *engine = nullptr;
    const json o = parse_object(options_json, "dt_engine_open: options");
    Args a(o, "dt_engine_open");
    a.allow({"store", "profile", "clock", "snapshot_every", "max_conflict_retries", "past_states_cached", "sqlite",
             "import_jsonl", "attachments"});
    Profile profile = builtin_profile("hanoi-2200");
    if (a.has("profile")) {
      const json& p = o.at("profile");
      if (p.is_string()) profile = builtin_profile(p.get<std::string>());
      else if (p.is_object()) profile = load_profile(p);
      else invalid("dt_engine_open: 'profile' is a built-in profile's name or a profile document");
    }
    auto handle = std::make_unique<dt_engine>();
    EngineOptions eo;
    if (a.has("clock")) {
      handle->manual_clock = std::make_shared<ManualClock>(a.instant("clock"));
      eo.clock = handle->manual_clock;
    }
    eo.snapshot_every = a.count("snapshot_every", 0, std::numeric_limits<std::uint64_t>::max());
    eo.max_conflict_retries = static_cast<int>(a.integer("max_conflict_retries", 16, 0, 1000000));
    eo.past_states_cached = a.count("past_states_cached", 2, 1024);
    if (a.has("attachments")) {  // evidence bytes (issue 14)
      const json& at = o.at("attachments");
      if (at.is_string() && (at.get<std::string>().rfind("postgresql://", 0) == 0 ||
                             at.get<std::string>().rfind("postgres://", 0) == 0)) {
#ifdef DOITHOAI_C_POSTGRES
        eo.attachments = std::make_shared<PostgresAttachmentStore>(at.get<std::string>());  // a table
#else
        throw Error(ErrorCode::unsupported, "dt_engine_open: this build has no PostgreSQL support (attachments)");
#endif
      } else if (at.is_string()) {
        eo.attachments = std::make_shared<DirectoryAttachmentStore>(at.get<std::string>());
      } else if (at.is_object()) {
        Args aa(at, "dt_engine_open: attachments");
        aa.allow({"directory", "max_bytes"});
        const std::string dir = aa.path("directory");
        if (dir.empty()) invalid("dt_engine_open: attachments.directory is required");
        eo.attachments = std::make_shared<DirectoryAttachmentStore>(
            dir, aa.count("max_bytes", DirectoryAttachmentStore::kDefaultMaxBytes, std::uint64_t(1) << 32));
      } else {
        invalid("dt_engine_open: 'attachments' is a directory path or {\"directory\", \"max_bytes\"}");
      }
    }
    const SqliteOptions so = sqlite_options(a.has("sqlite") ? o.at("sqlite") : json());
    std::unique_ptr<EventStore> store = open_store_c(a.path("store", ":memory:"), so);
    if (a.has("import_jsonl")) {
      auto* d = dynamic_cast<DurableStore*>(store.get());
      if (!d) throw Error(ErrorCode::unsupported, "dt_engine_open: import_jsonl needs a durable store (a file or URI)");
      const std::string path = a.text("import_jsonl");
      std::ifstream in(path, std::ios::binary);
      if (!in) throw Error(ErrorCode::not_found, "dt_engine_open: cannot open " + path);
      import_jsonl(in, *d);
    }
    handle->engine = std::make_unique<Engine>(std::move(profile), std::move(store), eo);
    *engine = handle.release();
  });
}

int dt_attachment_put(dt_engine* engine, const void* data, size_t length, char** sha256, dt_error** err) {
  return guard(err, [&] {
    if (!sha256) invalid("dt_attachment_put: sha256 (the out-parameter) is NULL");
    *sha256 = nullptr;
    if (!engine) invalid("dt_attachment_put: engine is NULL");
    if (!data && length) invalid("dt_attachment_put: data is NULL");
    auto store = engine->engine->attachment_store();
    if (!store) throw Error(ErrorCode::unsupported, "dt_attachment_put: the engine has no attachment store");
    *sha256 = c_string(store->put(std::string_view(static_cast<const char*>(data), length)));
  });
}

int dt_public_attachment(dt_engine* engine, const char* sha256, char** data, size_t* length, dt_error** err) {
  return guard(err, [&] {
    if (!data || !length) invalid("dt_public_attachment: data and length (the out-parameters) are required");
    *data = nullptr;
    *length = 0;
    if (!engine) invalid("dt_public_attachment: engine is NULL");
    if (!sha256) invalid("dt_public_attachment: sha256 is NULL");
    const std::string bytes = engine->engine->public_attachment(sha256);
    *data = c_string(bytes);
    *length = bytes.size();
  });
}

int dt_engine_close(dt_engine* engine) {
  // ~Engine delivers what was committed and joins its delivery thread; it does not throw.
  delete engine;
  return DT_OK;
}

int dt_execute(dt_engine* engine, const char* request_json, char** result_json, dt_error** err) {
  return guard(err, [&] {
    if (!result_json) invalid("dt_execute: result_json (the out-parameter) is NULL");
    *result_json = nullptr;
    if (!engine) invalid("dt_execute: engine is NULL");
    if (!request_json) invalid("dt_execute: request_json is NULL");
    const json request = parse_json(request_json);
    *result_json = c_string(dump(engine->engine->execute_json(request)));
  });
}

namespace {
// What dt_call and dt_try_call check first, in this order: the out-parameter (cleared), the
// engine, the method's name and that the method exists. Returns the method's entry.
auto checked_method(const char* fn, dt_engine* engine, const char* method, char** result_json) {
  if (!result_json) invalid(std::string(fn) + ": result_json (the out-parameter) is NULL");
  *result_json = nullptr;
  if (!engine) invalid(std::string(fn) + ": engine is NULL");
  if (!method) invalid(std::string(fn) + ": method is NULL");
  const auto it = methods().find(method);
  if (it == methods().end())
    invalid(std::string(fn) + ": unknown method '" + method + "' (docs/c-abi.md lists them)");
  return it;
}
}  // namespace

int dt_call(dt_engine* engine, const char* method, const char* args_json, char** result_json, dt_error** err) {
  return guard(err, [&] {
    const auto it = checked_method("dt_call", engine, method, result_json);
    if (std::strcmp(method, "import_opinions") == 0 && args_json && *args_json) {
      // A bulk import: its rows are decoded as they are parsed, not through a JSON tree
      // (design-notes.md, "Bulk imports through the C ABI").
      json rest;
      std::vector<cmd::SubmitOpinion> rows;
      bool have_rows = false;
      try {
        have_rows = detail::decode_opinion_rows(args_json, rest, rows);
      } catch (const Error& e) {
        const std::string why = e.what();
        if (why.rfind("row ", 0) == 0)
          throw Error(e.code(), "import_opinions: " + why + " (nothing was imported)");
        if (why.rfind("the arguments must", 0) == 0) invalid("dt_call: args must be a JSON object");
        throw;
      }
      const Args a(rest, method);
      *result_json = c_string(dump(import_opinions(*engine->engine, a, have_rows ? &rows : nullptr)));
      return;
    }
    const json args = parse_object(args_json, "dt_call: args");
    const Args a(args, method);
    *result_json = c_string(dump(it->second(*engine, a)));
  });
}

namespace {
// The methods dt_try_call runs: reads answered from the engine's memory (a past date only
// from the cached past states). Everything else may wait by its nature (commands, imports,
// store scans such as history and events, verification, flushing subscribers).
bool never_waits(const char* method) {
  static const std::unordered_map<std::string, bool> reads = [] {
    std::unordered_map<std::string, bool> m;
    for (const char* name :
         {"unit", "agency", "organization", "person", "conference", "opinion", "item", "item_status", "find_unit",
          "find_agency", "find_person", "units", "children", "agencies", "organizations", "conferences", "roles_of",
          "holders", "can_view", "items", "standing", "overdue", "due_within", "due_between", "accounting",
          "reconciliation", "explain_deadline", "report", "compliance", "triggers", "public_feed",
          "results_publication", "export_items", "csv_columns", "last_seq", "today", "profile", "similar_items",
          "items_near", "items_in_box", "item_place", "satisfaction", "supervision_list"})
      m.emplace(name, true);
    return m;
  }();
  return reads.count(method) != 0;
}
}  // namespace

int dt_try_call(dt_engine* engine, const char* method, const char* args_json, char** result_json, dt_error** err) {
  bool blocked = false;
  const int status = guard(err, [&] {
    const auto it = checked_method("dt_try_call", engine, method, result_json);
    if (!never_waits(method)) {
      blocked = true;
      return;
    }
    const json args = parse_object(args_json, "dt_try_call: args");
    const Args a(args, method);
    detail::NoWaitScope no_wait;
    try {
      *result_json = c_string(dump(it->second(*engine, a)));
    } catch (const detail::WouldBlock&) {
      blocked = true;
    }
  });
  if (status == DT_OK && blocked)
    return fail(err, DT_WOULD_BLOCK, std::string("dt_try_call: '") + method + "' would wait; call dt_call");
  return status;
}

int dt_subscribe(dt_engine* engine, dt_event_callback callback, void* user, dt_subscription** subscription,
                 dt_error** err) {
  return guard(err, [&] {
    if (!subscription) invalid("dt_subscribe: subscription (the out-parameter) is NULL");
    *subscription = nullptr;
    if (!engine) invalid("dt_subscribe: engine is NULL");
    if (!callback) invalid("dt_subscribe: callback is NULL");
    auto handle = std::make_unique<dt_subscription>();
    // An exception here (bad_alloc while encoding) is caught and counted by the engine.
    handle->sub = engine->engine->subscribe([callback, user](const Recorded& r) {
      const std::string text = dump(recorded_to_json(r));
      callback(user, text.c_str(), text.size());
    });
    *subscription = handle.release();
  });
}

int dt_unsubscribe(dt_subscription* subscription) {
  delete subscription;  // Subscription::reset: waits for a call in progress unless called from it
  return DT_OK;
}

}  // extern "C"
