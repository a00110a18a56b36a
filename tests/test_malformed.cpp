// The malformed-input suite (issue 11): inputs that must be refused, at every C++ door, each
// with its documented ErrorCode, and after each the log and the whole state unchanged.
//
// Cases are data where they can be: tests/data/malformed/{scene,requests,profiles}.json are
// read here and by python/tests/test_malformed.py, so both doors are proven on the same
// inputs. Per-field cases are generated from the commands' field lists (src/reflect.h):
// every field of every command gets wrong types, out-of-range and unknown values.
// A failing case names itself (INFO "case: ..."); the total is printed at the end of each
// test case ("[malformed] N cases").
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"
#include "reflect.h"
#include "require_error.h"
#include "snapshot.h"
#include "store_support.h"

namespace mx {
namespace {

using namespace doithoai;
using nlohmann::json;

json load(const std::string& name) {
  std::ifstream f(std::string(DOITHOAI_SOURCE_DIR) + "/tests/data/malformed/" + name, std::ios::binary);
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str());
}

const json& scene_doc() {
  static const json d = load("scene.json");
  return d;
}

ErrorCode code_of(const std::string& name) {
  for (ErrorCode c : {ErrorCode::not_found, ErrorCode::permission_denied, ErrorCode::invalid_transition,
                      ErrorCode::invalid_argument, ErrorCode::conflict, ErrorCode::storage, ErrorCode::corruption,
                      ErrorCode::unsupported})
    if (to_string(c) == name) return c;
  FAIL("unknown error code in the data: " << name);
  return ErrorCode::invalid_argument;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// Everything a caller can observe of an engine: the log (every event as JSON), the last
// sequence number, and the whole projection (the snapshot image of the state).
struct Observed {
  std::uint64_t last_seq = 0;
  std::string log;
  std::string state;
};

Observed observe(const Engine& e) {
  Observed o;
  o.last_seq = e.last_seq();
  for (const Recorded& r : e.events(1, std::numeric_limits<std::size_t>::max())) o.log += recorded_to_json(r).dump() + "\n";
  e.read([&](const State& s) {
    detail::write_snapshot(detail::StateAccess::impl(s), {}, o.state);
    return 0;
  });
  return o;
}

std::size_t g_cases = 0;

// Runs f, which must throw Error(code); the engine's log and state must be as before.
// Returns false when f was accepted (the caller then rebuilds what it changed).
template <class F>
bool refused(const Engine& e, const std::string& name, ErrorCode code, F&& f) {
  ++g_cases;
  INFO("case: " << name);
  const Observed before = observe(e);
  bool accepted = false;
  try {
    f();
    accepted = true;
    FAIL_CHECK("accepted; expected " << to_string(code));
  } catch (const Error& err) {
    INFO("message: " << err.what());
    CHECK(to_string(err.code()) == to_string(code));
  } catch (const std::exception& x) {
    FAIL_CHECK("foreign exception: " << x.what());
  }
  const Observed after = observe(e);
  CHECK(after.last_seq == before.last_seq);
  const bool same_log = after.log == before.log, same_state = after.state == before.state;
  CHECK(same_log);
  CHECK(same_state);
  return !accepted;
}

// A function that must throw Error(code) with no engine involved (parsing, profiles).
template <class F>
void refused_alone(const std::string& name, ErrorCode code, F&& f) {
  ++g_cases;
  INFO("case: " << name);
  try {
    f();
    FAIL_CHECK("accepted; expected " << to_string(code));
  } catch (const Error& err) {
    INFO("message: " << err.what());
    CHECK(to_string(err.code()) == to_string(code));
  } catch (const std::exception& x) {
    FAIL_CHECK("foreign exception: " << x.what());
  }
}

// The world of scene.json: its profile, clock and setup requests.
struct Scene {
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Engine> engine;

  explicit Scene(std::unique_ptr<EventStore> store = nullptr) {
    const json& d = scene_doc();
    clock = std::make_shared<ManualClock>(parse_instant(d["clock"].get<std::string>()));
    EngineOptions o;
    o.clock = clock;
    Profile p = builtin_profile(d["profile"].get<std::string>());
    if (d.contains("profile_with")) {  // sections laid over the built-in profile (reply_review)
      json j = profile_to_json(p);
      j.update(d["profile_with"]);
      p = load_profile(j);
    }
    engine = store ? std::make_unique<Engine>(std::move(p), std::move(store), o) : std::make_unique<Engine>(std::move(p), o);
    for (const json& step : d["setup"]) {
      if (step.contains("clock")) {
        clock->set(parse_instant(step["clock"].get<std::string>()));
        continue;
      }
      json req = step;
      req.erase("expect_id");
      INFO("setup: " << req.dump());
      const json r = engine->execute_json(req);
      if (step.contains("expect_id")) REQUIRE(r["id"] == step["expect_id"]);
    }
  }
  json execute(const json& request) { return engine->execute_json(request); }
};

// ---- per-field mutations, from the reflected field lists ----

template <class T>
struct is_id : std::false_type {};
template <class Tag>
struct is_id<Id<Tag>> : std::true_type {};

struct Mutation {
  std::string what;
  json value;
  ErrorCode code;
};

const std::string kHuge(kMaxTextBytes + 1, 'a');

template <class F>
std::vector<Mutation> mutations_for() {
  const ErrorCode bad = ErrorCode::invalid_argument;
  std::vector<Mutation> m = {{"an object", json::object({{"x", 1}}), bad}};
  if constexpr (is_id<F>::value) {
    m.insert(m.end(), {{"a string id", "1", bad}, {"a float id", 1.5, bad}, {"a whole float id", 1.0, bad},
                       {"a boolean id", true, bad}, {"id -1", -1, bad}, {"id 4294967295", 4294967295ull, bad},
                       {"id 2^32+1", 4294967297ull, bad}, {"id 2^64-1", std::numeric_limits<std::uint64_t>::max(), bad},
                       {"id -2^63", std::numeric_limits<std::int64_t>::min(), bad}, {"an array id", json::array({1}), bad},
                       {"unknown id", 999999, ErrorCode::not_found}, {"unknown id 4294967294", 4294967294ull, ErrorCode::not_found}});
  } else if constexpr (std::is_same_v<F, std::vector<PersonId>>) {
    m.insert(m.end(), {{"a string list", "1,2", bad}, {"a list of strings", json::array({"1"}), bad},
                       {"a list with -1", json::array({-1}), bad}, {"a list with 2^32", json::array({4294967296ull}), bad},
                       {"a list with null (no person)", json::array({nullptr}), ErrorCode::not_found},
                       {"a list with an unknown person", json::array({999999}), ErrorCode::not_found}});
  } else if constexpr (std::is_same_v<F, std::uint32_t>) {
    m.insert(m.end(), {{"count -1", -1, bad}, {"count 2^32", 4294967296ull, bad}, {"count 1.5", 1.5, bad},
                       {"count 10.0", 10.0, bad}, {"a string count", "5", bad}, {"a boolean count", true, bad},
                       {"a null count", nullptr, bad}});
  } else if constexpr (std::is_same_v<F, Date> || std::is_same_v<F, std::optional<Date>>) {
    m.insert(m.end(), {{"date 2022-02-30", "2022-02-30", bad}, {"date 1899-12-31", "1899-12-31", bad},
                       {"date 2200-01-01", "2200-01-01", bad}, {"date 2022-9-30", "2022-9-30", bad},
                       {"an integer date", 20220930, bad}, {"an empty date", "", bad},
                       {"a datetime", "2022-09-30T09:00:00Z", bad}, {"date with NUL", std::string("2022-09-30\0", 11), bad}});
  } else if constexpr (std::is_same_v<F, std::string>) {
    m.insert(m.end(), {{"a number for text", 7, bad}, {"null for text", nullptr, bad}, {"a list for text", json::array({"a"}), bad},
                       {"text of 16385 bytes", kHuge, bad}, {"text with NUL", std::string("ab\0c", 4), bad},
                       {"text with a BEL", "ab\x07", bad}});
  } else if constexpr (std::is_enum_v<F>) {
    m.insert(m.end(), {{"an unknown name", "no_such_value", bad}, {"a number for a name", 1, bad},
                       {"null for a name", nullptr, bad}, {"a name in capitals", "SHOUTING", bad},
                       {"an empty name", "", bad}});
  } else if constexpr (std::is_same_v<F, bool>) {
    m.insert(m.end(), {{"1 for a boolean", 1, bad}, {"a string boolean", "true", bad}, {"null for a boolean", nullptr, bad}});
  } else if constexpr (std::is_same_v<F, std::vector<ItemSpec>>) {
    m.insert(m.end(), {{"a string for items", "x", bad}, {"a list of numbers", json::array({1}), bad},
                       {"an item without text", json::array({{{"topic", "land"}}}), bad},
                       {"an item with a NUL text", json::array({{{"topic", "land"}, {"text", std::string("a\0", 2)}}}), bad},
                       {"an item of 16385 bytes", json::array({{{"topic", "land"}, {"text", kHuge}}}), bad},
                       {"an item with an unknown topic", json::array({{{"topic", "weather"}, {"text", "x"}}}), bad},
                       // issue 14: an item's own place
                       {"an item place at lat 91", json::array({{{"topic", "land"}, {"text", "x"}, {"place", {{"lat", 91}, {"long", 1}}}}}), bad},
                       {"an item place of strings", json::array({{{"topic", "land"}, {"text", "x"}, {"place", {{"lat", "1"}, {"long", "2"}}}}}), bad},
                       {"an item place without long", json::array({{{"topic", "land"}, {"text", "x"}, {"place", {{"lat", 1}}}}}), bad}});
  } else if constexpr (std::is_same_v<F, Place>) {  // issue 14: place_item's place
    m.insert(m.end(), {{"lat 91", json{{"lat", 91}, {"long", 1}}, bad}, {"long -180.5", json{{"lat", 1}, {"long", -180.5}}, bad},
                       {"lat 1e308", json{{"lat", 1e308}, {"long", 1}}, bad}, {"a string lat", json{{"lat", "21"}, {"long", 1}}, bad},
                       {"no long", json{{"lat", 1}}, bad}, {"null for a place", nullptr, bad}, {"a string place", "21,105", bad},
                       {"an address of 513 bytes", json{{"lat", 1}, {"long", 1}, {"address", std::string(513, 'a')}}, bad},
                       {"an unknown place field", json{{"lat", 1}, {"long", 1}, {"alt", 3}}, bad}});
  }
  return m;
}

template <class T, class Fn>
void each_field(Fn&& fn) {
  T probe{};
  detail::Reflect<T>::each(probe, [&](const char* name, auto& f) { fn(name, f); });
}

}  // namespace

TEST_CASE("malformed: the scene and every base request are valid", "[malformed]") {
  const json& d = scene_doc();
  std::size_t n = 0;
  for (auto it = d["bases"].begin(); it != d["bases"].end(); ++it) {
    INFO("base: " << it.key());
    Scene s;
    CHECK(it.value()["command"]["type"] == it.key());
    CHECK_NOTHROW(s.execute(it.value()));
    ++n;
  }
  CHECK(n == std::variant_size_v<Command>);
}

TEST_CASE("malformed: JSON text and requests (requests.json)", "[malformed]") {
  g_cases = 0;
  Scene s;
  const json doc = load("requests.json");
  for (const json& c : doc["cases"]) {
    const std::string name = c["name"];
    const ErrorCode code = code_of(c["code"]);
    const std::string text = c.contains("hex") ? unhex(c["hex"]) : c["text"].get<std::string>();
    if (c["door"] == "parse") {
      refused(*s.engine, name, code, [&] { (void)parse_json(text); });
    } else {
      if (!refused(*s.engine, name, code, [&] { s.execute(parse_json(text)); })) s = Scene();
    }
  }
  std::cout << "[malformed] requests.json: " << g_cases << " cases\n";
  CHECK(g_cases >= 160);
}

TEST_CASE("malformed: every field of every command (execute_json)", "[malformed]") {
  g_cases = 0;
  Scene s;
  const json& bases = scene_doc()["bases"];
  for (auto it = bases.begin(); it != bases.end(); ++it) {
    const json& base = it.value();
    const Command probe = command_from_json(base["command"]);
    std::visit([&](const auto& x) {
      using T = std::decay_t<decltype(x)>;
      auto run = [&](const std::string& name, const json& req, ErrorCode code) {
        if (!refused(*s.engine, it.key() + ": " + name, code, [&] { s.execute(req); })) s = Scene();
      };
      each_field<T>([&](const char* field, auto& f) {
        using F = std::decay_t<decltype(f)>;
        const json& overrides = scene_doc()["unknown_id_codes"];
        const std::string key = it.key() + "." + field;
        for (const Mutation& m : mutations_for<F>()) {
          json req = base;
          req["command"][field] = m.value;
          const bool unknown = m.code == ErrorCode::not_found && m.what.rfind("unknown id", 0) == 0;
          run(std::string(field) + " = " + m.what, req,
              unknown && overrides.contains(key) ? code_of(overrides[key]) : m.code);
        }
      });
      json req = base;
      req["command"]["bogus"] = 1;
      run("an unknown field", req, ErrorCode::invalid_argument);
      req = base;
      req["command"]["Type"] = it.key();
      run("a field differing in case", req, ErrorCode::invalid_argument);
      req = base;
      req["idempotency_key"] = std::string(kMaxNameBytes + 1, 'k');
      run("an idempotency key of 513 bytes", req, ErrorCode::invalid_argument);
    }, probe);
  }
  std::cout << "[malformed] command fields (JSON): " << g_cases << " cases\n";
  CHECK(g_cases >= 500);
}

TEST_CASE("malformed: text fields through Engine::execute (invalid UTF-8, with and without a key)", "[malformed]") {
  g_cases = 0;
  Scene s;
  const json& bases = scene_doc()["bases"];
  const std::vector<std::pair<std::string, std::string>> bad_texts = {
      {"byte FF", "ab\xff"}, {"a lone continuation byte", "\x80"}, {"an overlong slash", "\xc0\xaf"},
      {"an encoded surrogate", "\xed\xa0\x80"}, {"a truncated sequence", "\xe1\xbb"}};
  for (auto it = bases.begin(); it != bases.end(); ++it) {
    const json& base = it.value();
    const PersonId actor = base["actor"].is_string() ? kSystemActor : PersonId(base["actor"].get<std::uint32_t>());
    const Command command = command_from_json(base["command"]);
    std::visit([&](const auto& x) {
      using T = std::decay_t<decltype(x)>;
      each_field<T>([&](const char* field, auto& probe_field) {
        using F = std::decay_t<decltype(probe_field)>;
        if constexpr (std::is_same_v<F, std::string> || std::is_same_v<F, std::vector<ItemSpec>>) {
          for (const auto& bad : bad_texts)  // not a structured binding: lambdas below use it
            for (const char* key : {"", "malformed-key"}) {
              const auto& what = bad.first;
              const auto& text = bad.second;
              T c = x;
              detail::Reflect<T>::each(c, [&](const char* n, auto& f) {
                using G = std::decay_t<decltype(f)>;
                if (std::string_view(n) != field) return;
                if constexpr (std::is_same_v<G, std::string>) f = text;
                else if constexpr (std::is_same_v<G, std::vector<ItemSpec>>) f.at(0).text = text;
              });
              const std::string name = it.key() + ": " + field + " = " + what + (*key ? " (with a key)" : "");
              if (!refused(*s.engine, name, ErrorCode::invalid_argument, [&] { s.engine->execute(actor, c, key); }))
                s = Scene();
            }
        }
      });
    }, command);
  }
  // The idempotency key itself (a JSON request built in C++ may hold any bytes).
  const json cmd = {{"type", "register_person"}, {"name", "A"}};
  for (const auto& bad : std::vector<std::pair<std::string, std::string>>{
           {"invalid UTF-8", "k\xff"}, {"NUL", std::string("k\0", 2)}, {"a control character", "k\x1b"},
           {"513 bytes", std::string(513, 'k')}}) {
    const std::string& what = bad.first;
    const std::string& key = bad.second;  // not a structured binding: the lambdas below use it
    if (!refused(*s.engine, "idempotency key with " + what, ErrorCode::invalid_argument,
                 [&] { s.engine->execute(kSystemActor, cmd::RegisterPerson{"A"}, key); }))
      s = Scene();
    if (!refused(*s.engine, "execute_json idempotency key with " + what, ErrorCode::invalid_argument,
                 [&] { s.execute({{"actor", "system"}, {"idempotency_key", key}, {"command", cmd}}); }))
      s = Scene();
  }
  std::cout << "[malformed] text fields (C++ door): " << g_cases << " cases\n";
  CHECK(g_cases >= 100);
}

TEST_CASE("malformed: wrong roles and invalid transitions (scene.json refusals)", "[malformed]") {
  g_cases = 0;
  Scene s;
  for (const json& c : scene_doc()["refusals"])
    if (!refused(*s.engine, c["name"], code_of(c["code"]), [&] { s.execute(c["request"]); })) s = Scene();
  // A key used once is bound to its request; reused for another it is a conflict.
  s.execute({{"actor", "system"}, {"idempotency_key", "k-1"}, {"command", {{"type", "register_person"}, {"name", "A"}}}});
  refused(*s.engine, "an idempotency key reused for another command", ErrorCode::conflict, [&] {
    s.execute({{"actor", "system"}, {"idempotency_key", "k-1"}, {"command", {{"type", "register_person"}, {"name", "B"}}}});
  });
  refused(*s.engine, "an idempotency key reused by another actor", ErrorCode::conflict, [&] {
    s.execute({{"actor", 3}, {"idempotency_key", "k-1"}, {"command", {{"type", "register_person"}, {"name", "A"}}}});
  });
  std::cout << "[malformed] roles and transitions: " << g_cases << " cases\n";
}

namespace {

// Applies an RFC 6902 patch of replace/add/remove operations (nlohmann's json::patch).
json patched(const json& doc, const json& ops) {
  json out = doc;
  for (const json& op : ops) {
    const std::string path = op["path"];
    if (path.empty()) {
      out = op["value"];
      continue;
    }
    out = out.patch(json::array({op}));
  }
  return out;
}

}  // namespace

TEST_CASE("malformed: profiles (profiles.json and every node of a profile retyped)", "[malformed]") {
  g_cases = 0;
  const json doc = profile_to_json(builtin_profile("hanoi-2200"));
  REQUIRE_NOTHROW(load_profile(doc));
  const json cases = load("profiles.json");
  for (const json& c : cases["cases"])
    refused_alone(c["name"], code_of(c["code"]), [&] { (void)load_profile(patched(doc, c["patch"])); });
  // Every node replaced by a value of another JSON type.
  const json flat = doc.flatten();
  std::vector<std::string> pointers;
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    std::string p = it.key();
    while (!p.empty()) {  // the leaf and each container above it
      pointers.push_back(p);
      p = p.substr(0, p.rfind('/'));
    }
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  for (const std::string& p : pointers) {
    const json::json_pointer ptr(p);
    const json& v = doc.at(ptr);
    const json other = v.is_string() ? json(7) : v.is_number() ? json("7") : v.is_boolean() ? json("yes")
                     : v.is_array() ? json::object() : v.is_object() ? json::array() : json(7);
    json d = doc;
    d[ptr] = other;
    refused_alone("profile " + p + " as " + other.dump(), ErrorCode::invalid_argument, [&] { (void)load_profile(d); });
  }
  std::cout << "[malformed] profiles: " << g_cases << " cases\n";
  CHECK(g_cases >= 150);
}

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
  INFO("sql: " << statements << ": " << (err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// JSON Lines of the scene's log, rehashed from line `from` on after a change.
void rehash(std::vector<json>& lines, std::size_t from) {
  Hash prev = from == 0 ? Hash{} : hash_from_hex(lines[from - 1]["hash"].get<std::string>());
  for (std::size_t i = from; i < lines.size(); ++i) {
    json& l = lines[i];
    StoredEvent e;
    e.seq = l["seq"];
    e.at_us = to_micros(parse_instant(l["at"]));
    e.actor = l["actor"].is_string() ? kSystemActor.value : l["actor"].get<std::uint32_t>();
    e.partition = l["partition"];
    e.type = l["type"];
    e.version = l["v"];
    e.idempotency_key = l.value("idempotency_key", "");
    e.payload = l["data"].dump();
    e.prev_hash = prev;
    l["prev_hash"] = to_hex(prev);
    prev = event_hash(e);
    l["hash"] = to_hex(prev);
  }
}

}  // namespace

TEST_CASE("malformed: JSON Lines imports", "[malformed]") {
  g_cases = 0;
  sx::TempDir dir;
  std::vector<json> lines;
  {
    Scene s(std::make_unique<SqliteStore>(dir.file("scene.db")));
    std::stringstream out;
    export_jsonl(dynamic_cast<const DurableStore&>(s.engine->store()), out);
    std::string line;
    while (std::getline(out, line)) lines.push_back(json::parse(line));
  }
  REQUIRE(lines.size() > 10);
  {  // the unchanged export imports (the cases below differ from it in one thing)
    std::stringstream in;
    for (const json& l : lines) in << l.dump() << "\n";
    SqliteStore ok(dir.file("ok.db"));
    CHECK(import_jsonl(in, ok) == lines.size());
  }
  struct Case {
    std::string name;
    std::function<std::string(std::vector<json>&)> change;  // returns the text to import
    ErrorCode code;
  };
  auto text_of = [](const std::vector<json>& ls) {
    std::string t;
    for (const json& l : ls) t += l.dump() + "\n";
    return t;
  };
  auto edit = [&](std::function<void(std::vector<json>&)> f, bool rehashed) {
    return [f, rehashed, text_of](std::vector<json>& ls) {
      f(ls);
      if (rehashed) rehash(ls, 0);
      return text_of(ls);
    };
  };
  const ErrorCode bad = ErrorCode::invalid_argument, corrupt = ErrorCode::corruption;
  std::vector<Case> cases = {
      {"a changed hash", edit([](std::vector<json>& ls) { std::string h = ls[3]["hash"]; h[0] = h[0] == '0' ? '1' : '0'; ls[3]["hash"] = h; }, false), corrupt},
      {"a changed prev_hash", edit([](std::vector<json>& ls) { std::string h = ls[3]["prev_hash"]; h[5] = h[5] == '0' ? '1' : '0'; ls[3]["prev_hash"] = h; }, false), corrupt},
      {"a changed payload, hash kept", edit([](std::vector<json>& ls) { ls[2]["data"]["name"] = "Đổi"; }, false), corrupt},
      {"a changed actor, hash kept", edit([](std::vector<json>& ls) { ls[2]["actor"] = 3; }, false), corrupt},
      {"a changed time, hash kept", edit([](std::vector<json>& ls) { ls[2]["at"] = "2022-09-21T02:00:00.000000Z"; }, false), corrupt},
      {"a line left out", edit([](std::vector<json>& ls) { ls.erase(ls.begin() + 3); }, false), corrupt},
      {"two lines swapped", edit([](std::vector<json>& ls) { std::swap(ls[3], ls[4]); }, false), corrupt},
      {"first seq 2", edit([](std::vector<json>& ls) { ls.erase(ls.begin()); }, false), ErrorCode::conflict},
      {"seq 0", edit([](std::vector<json>& ls) { ls[0]["seq"] = 0; }, true), ErrorCode::conflict},
      {"a hash of 63 hex digits", edit([](std::vector<json>& ls) { ls[3]["hash"] = ls[3]["hash"].get<std::string>().substr(1); }, false), bad},
      {"a hash that is not hex", edit([](std::vector<json>& ls) { std::string h = ls[3]["hash"]; h[0] = 'g'; ls[3]["hash"] = h; }, false), bad},
      {"a hash that is a number", edit([](std::vector<json>& ls) { ls[3]["hash"] = 7; }, false), bad},
      {"no hash", edit([](std::vector<json>& ls) { ls[3].erase("hash"); }, false), bad},
      {"no seq", edit([](std::vector<json>& ls) { ls[3].erase("seq"); }, false), bad},
      {"seq as a string", edit([](std::vector<json>& ls) { ls[3]["seq"] = "4"; }, false), bad},
      {"seq -4", edit([](std::vector<json>& ls) { ls[3]["seq"] = -4; }, false), bad},
      {"partition 2^32 (rehashed)", edit([](std::vector<json>& ls) { ls[3]["partition"] = 4294967296ull; }, false), bad},
      {"partition -1", edit([](std::vector<json>& ls) { ls[3]["partition"] = -1; }, false), bad},
      {"partition as a string", edit([](std::vector<json>& ls) { ls[3]["partition"] = "1"; }, false), bad},
      {"actor 2^32", edit([](std::vector<json>& ls) { ls[3]["actor"] = 4294967296ull; }, false), bad},
      {"actor -1", edit([](std::vector<json>& ls) { ls[3]["actor"] = -1; }, false), bad},
      {"a naive time", edit([](std::vector<json>& ls) { ls[3]["at"] = "2022-09-20T02:00:00"; }, false), bad},
      {"a time that is not one", edit([](std::vector<json>& ls) { ls[3]["at"] = "yesterday"; }, false), bad},
      {"an unknown event type (rehashed)", edit([](std::vector<json>& ls) { ls[3]["type"] = "unit_exploded"; }, true), bad},
      {"a command type as event type (rehashed)", edit([](std::vector<json>& ls) { ls[3]["type"] = "create_unit"; }, true), bad},
      {"version 99 (rehashed)", edit([](std::vector<json>& ls) { ls[3]["v"] = 99; }, true), bad},
      {"an unknown payload field (rehashed)", edit([](std::vector<json>& ls) { ls[3]["data"]["colour"] = "red"; }, true), bad},
      {"a payload field of the wrong type (rehashed)", edit([](std::vector<json>& ls) { ls[3]["data"]["unit"] = "3"; }, true), bad},
      {"a payload id out of range (rehashed)", edit([](std::vector<json>& ls) { ls[3]["data"]["unit"] = 4294967296ull; }, true), bad},
      {"a payload date out of range (rehashed)", edit([](std::vector<json>& ls) { ls[3]["data"]["on"] = "2200-01-01"; }, true), bad},
      {"a payload text with NUL (rehashed)", edit([](std::vector<json>& ls) { ls[0]["data"]["name"] = std::string("H\0N", 3); }, true), bad},
      {"a payload that is an array (rehashed)", edit([](std::vector<json>& ls) { ls[3]["data"] = json::array(); }, true), bad},
      {"an unknown line field", edit([](std::vector<json>& ls) { ls[3]["colour"] = 1; }, false), bad},
      {"a line that is not JSON", [&](std::vector<json>& ls) { return text_of(ls) + "{not json\n"; }, bad},
      {"a line that is an array", [&](std::vector<json>& ls) { return text_of(ls) + "[1,2]\n"; }, bad},
      {"a line of invalid UTF-8", [&](std::vector<json>& ls) { return text_of(ls) + "{\"seq\": \"\xff\"}\n"; }, bad},
      {"a line nested 100 deep", [&](std::vector<json>& ls) { return text_of(ls) + std::string(100, '[') + std::string(100, ']') + "\n"; }, bad},
  };
  for (Case& c : cases) {
    ++g_cases;
    INFO("case: " << c.name);
    std::vector<json> ls = lines;
    std::stringstream in(c.change(ls));
    const std::string path = dir.file("target.db");
    {
      SqliteStore target(path);
      const std::string before = file_bytes(path);
      try {
        import_jsonl(in, target);
        FAIL_CHECK("accepted");
      } catch (const Error& e) {
        INFO("message: " << e.what());
        CHECK(to_string(e.code()) == to_string(c.code));
      } catch (const std::exception& x) {
        FAIL_CHECK("foreign exception: " << x.what());
      }
      CHECK(target.last_seq() == 0);
      CHECK(target.head_hash() == Hash{});
      CHECK(target.verify().ok);
      CHECK(file_bytes(path) == before);
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
  std::cout << "[malformed] JSON Lines imports: " << g_cases << " cases\n";
}

TEST_CASE("malformed: store files", "[malformed]") {
  g_cases = 0;
  sx::TempDir dir;
  const std::string good = dir.file("good.db");
  { Scene s(std::make_unique<SqliteStore>(good)); }
  REQUIRE(!std::filesystem::exists(good + "-wal"));  // checkpointed on close
  const std::string good_bytes = file_bytes(good);
  struct Case {
    std::string name;
    std::function<void(const std::string&)> make;
    ErrorCode code;
    SqliteOptions options;
  };
  auto write = [](const std::string& bytes) {
    return [bytes](const std::string& p) { std::ofstream(p, std::ios::binary) << bytes; };
  };
  auto tampered = [&](const std::string& statements) {
    return [&, statements](const std::string& p) {
      std::ofstream(p, std::ios::binary) << good_bytes;
      sql(p, statements);
    };
  };
  SqliteOptions no_create;
  no_create.create = false;
  std::vector<Case> cases = {
      {"a text file", write("hello, this is not a database\n"), ErrorCode::storage, {}},
      {"random bytes", write(std::string(4096, '\x5a')), ErrorCode::storage, {}},
      {"a SQLite header and nothing more", write(std::string("SQLite format 3\0", 16)), ErrorCode::storage, {}},
      {"a truncated store (first 1024 bytes)", write(good_bytes.substr(0, 1024)), ErrorCode::storage, {}},
      {"a truncated store (half)", write(good_bytes.substr(0, good_bytes.size() / 2)), ErrorCode::storage, {}},
      {"another application's SQLite file", [](const std::string& p) { sql(p, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine');"); },
       ErrorCode::invalid_argument, {}},
      {"missing events table", tampered("DROP TABLE events;"), ErrorCode::corruption, {}},
      {"missing replay table", tampered("DROP TABLE replay;"), ErrorCode::corruption, {}},
      {"a changed replay cache row", tampered("UPDATE replay SET bin = x'00' WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a replay cache row with another actor", tampered("UPDATE replay SET actor = 3 WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a missing replay cache row", tampered("DELETE FROM replay WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a changed payload", tampered("UPDATE events SET payload = replace(payload, 'Long', 'Short') WHERE seq = 2;"), ErrorCode::corruption, {}},
      {"a changed hash", tampered("UPDATE events SET hash = zeroblob(32) WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a deleted event", tampered("DELETE FROM events WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a changed actor", tampered("UPDATE events SET actor = 3 WHERE seq = 3;"), ErrorCode::corruption, {}},
      {"a missing file without create", [](const std::string&) {}, ErrorCode::storage, no_create},
  };
  for (Case& c : cases) {
    ++g_cases;
    INFO("case: " << c.name);
    const std::string path = dir.file("case.db");
    c.make(path);
    const bool existed = std::filesystem::exists(path);
    const std::string before = existed ? file_bytes(path) : std::string();
    try {
      SqliteStore store(path, c.options);
      Engine e(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(path, c.options));
      FAIL_CHECK("opened");
    } catch (const Error& e) {
      INFO("message: " << e.what());
      CHECK(to_string(e.code()) == to_string(c.code));
    } catch (const std::exception& x) {
      FAIL_CHECK("foreign exception: " << x.what());
    }
    CHECK(std::filesystem::exists(path) == existed);
    if (existed) CHECK(file_bytes(path) == before);
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
  std::cout << "[malformed] store files: " << g_cases << " cases\n";
}

}  // namespace mx
