// The /v1 routes driven in-process through the Router (no transport): statuses, bodies, the
// key's actor and unit scope, idempotent replays, past-date reads, hostile input.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "service.h"

using nlohmann::json;
using namespace doithoaid;

namespace {

struct World {
  dt_engine* raw = nullptr;
  Config config;
  std::unique_ptr<Context> ctx;
  Router router;
  std::int64_t hn = 0, lb = 0, bd = 0, gl = 0, agency_bd = 0, office_bd = 0, office_gl = 0, party_head = 0,
               gov_head = 0, officer = 0, citizen = 0, consenting = 0, conf = 0;
  ApiKey ward, other_ward, district, all, bootstrap;

  World() {
    dt_error* err = nullptr;
    REQUIRE(dt_engine_open(R"({"store": ":memory:", "clock": "2022-09-30T08:00:00+07:00"})", &raw, &err) == DT_OK);
    ctx = std::make_unique<Context>(Context{config, EngineRef(raw)});
    add_v1_routes(router, *ctx);
    hn = sys({{"type", "create_unit"}, {"name", "Thành phố Hà Nội"}, {"level", "tinh"}, {"code", "HN"}});
    lb = sys({{"type", "create_unit"}, {"name", "Quận Long Biên"}, {"level", "huyen"}, {"parent", hn}});
    bd = sys({{"type", "create_unit"}, {"name", "Phường Bồ Đề"}, {"level", "xa"}, {"parent", lb}});
    gl = sys({{"type", "create_unit"}, {"name", "Phường Gia Thụy"}, {"level", "xa"}, {"parent", lb}});
    agency_bd = sys({{"type", "create_agency"}, {"unit", bd}, {"name", "Bộ phận Địa chính"}});
    office_bd = person("Văn phòng phường Bồ Đề", "office", bd);
    office_gl = person("Văn phòng phường Gia Thụy", "office", gl);
    party_head = person("Bí thư Đảng ủy", "party_head", bd);
    gov_head = person("Chủ tịch UBND", "government_head", bd);
    officer = person("Trưởng bộ phận Địa chính", "agency_head", bd, agency_bd);
    citizen = person("Nguyễn Văn Bí Mật", "resident", bd);
    consenting = sys({{"type", "register_person"}, {"name", "Lò Văn Tùng"}, {"consent_public", true}});

    ward.name = "bode-portal";
    ward.units = {bd};
    ward.actor = office_bd;
    other_ward.name = "giathuy-portal";
    other_ward.units = {gl};
    other_ward.actor = office_gl;
    district.name = "longbien-portal";
    district.units = {lb};
    district.may_assert_actor = true;
    all.name = "city";
    all.all_units = true;
    all.may_assert_actor = true;
    bootstrap.name = "bootstrap";
    bootstrap.system = true;
  }
  ~World() { dt_engine_close(raw); }

  std::int64_t sys(const json& command) {
    const json id = json::parse(ctx->engine.execute(json{{"actor", "system"}, {"command", command}}.dump()))["id"];
    return id.is_null() ? 0 : id.get<std::int64_t>();
  }
  std::int64_t person(const std::string& name, const char* role, std::int64_t unit, std::int64_t agency = 0) {
    const std::int64_t p = sys({{"type", "register_person"}, {"name", name}});
    json grant = {{"type", "grant_role"}, {"person", p}, {"role", role}, {"unit", unit}};
    if (agency) grant["agency"] = agency;
    sys(grant);
    return p;
  }
  void set_day(const std::string& day) {
    ctx->engine.call("set_clock", json{{"now", day + "T08:00:00+07:00"}}.dump());
  }
  std::uint64_t last_seq() { return json::parse(ctx->engine.call("last_seq", "{}")).get<std::uint64_t>(); }

  static Request request(const std::string& method, const std::string& path, const ApiKey* key,
                         std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {},
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = method;
    r.path = path;
    r.target = path;
    r.query = std::move(query);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.key = key;
    return r;
  }
  Response send(const std::string& method, const std::string& path, const ApiKey* key,
                std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r = request(method, path, key, std::move(query), std::move(body), std::move(headers));
    return router.handle(r);
  }
  Response get(const std::string& path, const ApiKey* key, std::vector<std::pair<std::string, std::string>> query = {},
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    return send("GET", path, key, std::move(query), {}, std::move(headers));
  }
  Response post(const ApiKey* key, const json& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return send("POST", "/v1/commands", key, {}, body.dump(), std::move(headers));
  }
  // A command that must succeed; returns the result.
  json ok(const ApiKey* key, const json& body) {
    const Response r = post(key, body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return json::parse(r.body);
  }

  // The Bồ Đề conference: planned 30/9 for 10/10, held, two items raised by a resident who
  // did not consent to publication; on 12/10 both assigned, the first replied, delivered and
  // published.
  std::int64_t item1 = 0, item2 = 0;
  void conference() {
    conf = ok(&ward, {{"command", {{"type", "plan_conference"}, {"unit", bd}, {"kind", "periodic"},
                                   {"audience", "all_residents"}, {"planned_on", "2022-10-10"}}}})["id"];
    set_day("2022-10-10");
    ok(&ward, {{"command", {{"type", "hold_conference"}, {"conference", conf}, {"chairs", {party_head, gov_head}}}}});
    const json r = ok(&ward, {{"command", {{"type", "submit_opinion"}, {"unit", bd}, {"conference", conf},
                                           {"channel", "at_conference"}, {"raised_by", citizen},
                                           {"items", {{{"topic", "land"}, {"text", "Ông Nguyễn Văn Bí Mật hỏi về sổ đỏ, điện thoại 0912345678"}},
                                                      {{"topic", "urban_order"}, {"text", "Nội bộ: rác tồn đọng tổ 9 chưa công bố"}}}}}}});
    item1 = r["items"][0];
    item2 = r["items"][1];
    set_day("2022-10-12");
    ok(&ward, {{"command", {{"type", "assign"}, {"item", item1}, {"agency", agency_bd}}}});
    ok(&ward, {{"command", {{"type", "assign"}, {"item", item2}, {"agency", agency_bd}}}});
    ok(&district, {{"actor", officer}, {"command", {{"type", "write_reply"}, {"item", item1}, {"number", "12/UBND"},
                                                    {"signer", officer}, {"text", "Đã cấp sổ cho ông Nguyễn Văn Bí Mật"}}}});
    for (const char* who : {"party_head", "government_head", "front_chair", "raiser"})
      ok(&ward, {{"command", {{"type", "record_delivery"}, {"item", item1}, {"recipient", who}}}});
    ok(&ward, {{"command", {{"type", "publish_reply"}, {"item", item1}}}});
  }
};

json body(const Response& r) { return json::parse(r.body); }
// The report CSV's rows after the header, each row's cells by column name (quoted cells
// unquoted; BOM and CRLF as served).
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += text[++i];
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      ++i;
      if (i + 1 < text.size()) rows.emplace_back();
    } else {
      cell += c;
    }
  }
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == rows[0].size());
    std::map<std::string, std::string> m;
    for (std::size_t c = 0; c < rows[0].size(); ++c) m[rows[0][c]] = rows[r][c];
    out.push_back(std::move(m));
  }
  return out;
}
std::string code(const Response& r) { return body(r)["error"]["code"].get<std::string>(); }

}  // namespace

TEST_CASE("v1 commands: created, replayed by Idempotency-Key, conflicting reuse refused", "[service][v1]") {
  World w;
  const json plan = {{"command", {{"type", "plan_conference"}, {"unit", w.bd}, {"kind", "periodic"},
                                  {"audience", "all_residents"}, {"planned_on", "2022-10-10"}}}};
  Response first = w.post(&w.ward, plan, {{"idempotency-key", "plan-1"}});
  REQUIRE(first.status == 201);
  CHECK(first.content_type.rfind("application/json", 0) == 0);
  const json a = body(first);
  CHECK(a["replayed"] == false);
  CHECK(a["id"].is_number_integer());
  const auto seq = w.last_seq();

  Response again = w.post(&w.ward, plan, {{"idempotency-key", "plan-1"}});
  REQUIRE(again.status == 200);
  CHECK(body(again)["replayed"] == true);
  CHECK(body(again)["id"] == a["id"]);
  CHECK(w.last_seq() == seq);

  // The body's key and the header's key are one key.
  json with_key = plan;
  with_key["idempotency_key"] = "plan-1";
  CHECK(w.post(&w.ward, with_key).status == 200);
  CHECK(w.post(&w.ward, with_key, {{"idempotency-key", "plan-1"}}).status == 200);
  Response differ = w.post(&w.ward, with_key, {{"idempotency-key", "plan-2"}});
  CHECK(differ.status == 400);
  CHECK(code(differ) == "invalid_argument");

  json other = plan;
  other["command"]["planned_on"] = "2022-10-11";
  Response conflict = w.post(&w.ward, other, {{"idempotency-key", "plan-1"}});
  CHECK(conflict.status == 409);
  CHECK(code(conflict) == "conflict");
  CHECK(w.last_seq() == seq);
}

TEST_CASE("v1 commands: the key decides the actor", "[service][v1]") {
  World w;
  const json plan = {{"type", "plan_conference"}, {"unit", w.bd}, {"kind", "periodic"},
                     {"audience", "all_residents"}, {"planned_on", "2022-10-10"}};
  const auto seq = w.last_seq();
  // A key with its own person may name only that person.
  CHECK(w.post(&w.ward, {{"actor", w.party_head}, {"command", plan}}).status == 403);
  CHECK(code(w.post(&w.ward, {{"actor", w.party_head}, {"command", plan}})) == "forbidden");
  CHECK(w.post(&w.ward, {{"actor", "system"}, {"command", plan}}).status == 403);
  CHECK(w.post(&w.ward, {{"actor", "nobody"}, {"command", plan}}).status == 400);
  CHECK(w.post(&w.ward, {{"actor", -3}, {"command", plan}}).status == 400);
  CHECK(w.post(&w.ward, {{"actor", 1.5}, {"command", plan}}).status == 400);
  // No actor anywhere.
  Response none = w.post(&w.district, {{"command", plan}});
  CHECK(none.status == 400);
  CHECK(code(none) == "invalid_argument");
  CHECK(w.last_seq() == seq);
  // The engine's own rule (R19) still applies to a named person.
  Response denied = w.post(&w.district, {{"actor", w.citizen}, {"command", plan}});
  CHECK(denied.status == 403);
  CHECK(code(denied) == "permission_denied");
  CHECK(w.last_seq() == seq);
  // Naming one's own person is fine; a key that may assert names anyone.
  CHECK(w.post(&w.ward, {{"actor", w.office_bd}, {"command", plan}}).status == 201);
  json plan2 = plan;
  plan2["planned_on"] = "2022-10-11";
  CHECK(w.post(&w.district, {{"actor", w.office_bd}, {"command", plan2}}).status == 201);
}

TEST_CASE("v1 commands: scope by unit, directory commands for system keys", "[service][v1]") {
  World w;
  w.conference();
  const auto seq = w.last_seq();
  const json plan_gl = {{"type", "plan_conference"}, {"unit", w.gl}, {"kind", "periodic"},
                        {"audience", "all_residents"}, {"planned_on", "2022-10-25"}};
  // Another ward's unit, item and conference are out of the ward key's scope.
  Response r = w.post(&w.ward, {{"actor", w.office_bd}, {"command", plan_gl}});
  CHECK(r.status == 403);
  CHECK(code(r) == "forbidden");
  CHECK(w.post(&w.other_ward, {{"command", {{"type", "close_item"}, {"item", w.item1}, {"note", "x"}}}}).status == 403);
  CHECK(w.post(&w.other_ward, {{"command", {{"type", "close_conference"}, {"conference", w.conf}}}}).status == 403);
  CHECK(w.post(&w.other_ward, {{"command", {{"type", "submit_opinion"}, {"unit", w.gl}, {"conference", w.conf},
                                            {"channel", "letter"}, {"raised_by", w.citizen},
                                            {"items", {{{"topic", "land"}, {"text", "x"}}}}}}})
            .status == 403);
  CHECK(w.post(&w.ward, {{"command", {{"type", "create_unit"}, {"name", "Phường mới"}, {"level", "xa"}, {"parent", w.lb}}}})
            .status == 403);
  CHECK(w.post(&w.ward, {{"command", {{"type", "merge_unit"}, {"unit", w.bd}, {"into", w.gl}}}}).status == 403);
  CHECK(w.post(&w.ward, {{"command", {{"type", "no_such_command"}}}}).status == 400);
  CHECK(w.post(&w.ward, {{"command", {{"type", "close_item"}, {"item", "7"}}}}).status == 400);
  CHECK(w.post(&w.ward, {{"command", {{"type", "close_item"}, {"item", 999999}}}}).status == 404);
  CHECK(w.last_seq() == seq);
  // The district key reaches its wards (descendants).
  CHECK(w.post(&w.district, {{"actor", w.office_gl}, {"command", plan_gl}}).status == 201);
  // A system key bootstraps the directory as the system actor, anywhere...
  Response root = w.post(&w.bootstrap, {{"actor", "system"}, {"command", {{"type", "create_unit"}, {"name", "Tỉnh mới"}, {"level", "tinh"}}}});
  CHECK(root.status == 201);
  CHECK(w.post(&w.bootstrap, {{"actor", "system"}, {"command", {{"type", "create_agency"}, {"unit", w.gl}, {"name", "Tổ"}}}})
            .status == 201);
  // ...but its other commands are still scoped (it has no units).
  const auto seq2 = w.last_seq();
  CHECK(w.post(&w.bootstrap, {{"actor", "system"}, {"command", {{"type", "close_item"}, {"item", w.item1}, {"note", "x"}}}})
            .status == 403);
  CHECK(w.last_seq() == seq2);
}

TEST_CASE("v1 commands: hostile bodies are refused and change nothing", "[service][v1]") {
  World w;
  const auto seq = w.last_seq();
  auto raw = [&](const std::string& b, std::vector<std::pair<std::string, std::string>> h = {}) {
    Response r = w.send("POST", "/v1/commands", &w.ward, {}, b, std::move(h));
    INFO(b.substr(0, 80) << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(code(r) == "invalid_argument");
    CHECK(body(r)["error"]["message"].is_string());
  };
  raw("");
  raw("{");
  raw("[]");
  raw("{\"command\": 5}");
  raw("{\"command\": {}}");
  raw("{\"command\": {\"type\": \"plan_conference\"}, \"extra\": 1}");
  raw(std::string("{\"command\": {\"type\": \"register_person\", \"name\": \"\xC3\x28\"}}"));
  raw(std::string("{\"command\": {\"type\": \"register_person\", \"name\": \"\xED\xA0\x80\"}}"));  // a surrogate
  raw(std::string(100000, '[') + std::string(100000, ']'));
  raw("{\"command\": {\"type\": \"register_person\", \"name\": " + std::string(200, '[') + std::string(200, ']') + "}}");
  raw("{\"command\": {\"type\": \"submit_opinion\", \"unit\": " + std::to_string(w.bd) +
      ", \"channel\": \"letter\", \"raised_by\": " + std::to_string(w.citizen) +
      ", \"items\": [{\"topic\": \"land\", \"text\": \"" + std::string(20000, 'a') + "\"}]}}");
  raw("{\"command\": {\"type\": \"register_person\", \"name\": \"x\"}}", {{"content-type", "text/plain"}});
  raw("{\"command\": {\"type\": \"register_person\", \"name\": \"x\"}}", {{"idempotency-key", std::string("\xFF")}});
  raw("{\"command\": {\"type\": \"register_person\", \"name\": \"x\", \"unknown\": true}}");
  raw("{\"command\": {\"type\": \"plan_conference\", \"unit\": " + std::to_string(w.bd) +
      ", \"kind\": \"periodic\", \"audience\": \"all_residents\", \"planned_on\": \"2022-02-30\"}}");
  CHECK(w.last_seq() == seq);
  // No key: 401; another method: 405; another path: 404.
  CHECK(w.send("POST", "/v1/commands", nullptr, {}, "{}").status == 401);
  CHECK(code(w.send("POST", "/v1/commands", nullptr, {}, "{}")) == "unauthenticated");
  CHECK(w.get("/v1/commands", &w.ward).status == 405);
  CHECK(w.get("/v1/nothing", &w.ward).status == 404);
  CHECK(w.last_seq() == seq);
}

TEST_CASE("v1 reads: directory, items, history, scoped by unit", "[service][v1]") {
  World w;
  w.conference();
  Response units = w.get("/v1/units", &w.ward);
  REQUIRE(units.status == 200);
  REQUIRE(body(units)["units"].size() == 1);
  CHECK(body(units)["units"][0]["id"] == w.bd);
  CHECK(body(units)["next_after"].is_null());
  Response dist = w.get("/v1/units", &w.district, {{"limit", "2"}});
  REQUIRE(body(dist)["units"].size() == 2);
  CHECK(body(dist)["units"][0]["id"] == w.lb);
  CHECK(body(dist)["next_after"] == w.bd);
  Response dist2 = w.get("/v1/units", &w.district, {{"limit", "2"}, {"after", std::to_string(w.bd)}});
  REQUIRE(body(dist2)["units"].size() == 1);
  CHECK(body(dist2)["units"][0]["id"] == w.gl);
  CHECK(w.get("/v1/units", &w.all).status == 200);
  CHECK(body(w.get("/v1/units", &w.all))["units"].size() == 4);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd), &w.ward).status == 200);
  CHECK(w.get("/v1/units/" + std::to_string(w.gl), &w.ward).status == 403);
  CHECK(w.get("/v1/units/999", &w.ward).status == 404);
  CHECK(w.get("/v1/units/abc", &w.ward).status == 404);
  CHECK(w.get("/v1/units", nullptr).status == 401);

  Response confs = w.get("/v1/conferences", &w.ward);
  REQUIRE(body(confs)["conferences"].size() == 1);
  CHECK(body(confs)["conferences"][0]["status"] == "held");
  CHECK(body(w.get("/v1/conferences", &w.other_ward))["conferences"].empty());
  CHECK(w.get("/v1/conferences", &w.other_ward, {{"unit", std::to_string(w.bd)}}).status == 403);
  CHECK(w.get("/v1/conferences/" + std::to_string(w.conf), &w.ward).status == 200);
  CHECK(w.get("/v1/conferences/" + std::to_string(w.conf), &w.other_ward).status == 403);

  Response items = w.get("/v1/items", &w.ward);
  REQUIRE(items.status == 200);
  REQUIRE(body(items)["items"].size() == 2);
  CHECK(body(items)["items"][0]["id"] == w.item1);
  CHECK(body(items)["items"][0]["status"] == "replied");
  CHECK(body(w.get("/v1/items", &w.other_ward))["items"].empty());
  CHECK(body(w.get("/v1/items", &w.district))["items"].size() == 2);
  CHECK(body(w.get("/v1/items", &w.all))["items"].size() == 2);
  // Paging and filters.
  Response p1 = w.get("/v1/items", &w.ward, {{"limit", "1"}});
  REQUIRE(body(p1)["items"].size() == 1);
  CHECK(body(p1)["next_after"] == w.item1);
  Response p2 = w.get("/v1/items", &w.ward, {{"limit", "1"}, {"after", std::to_string(w.item1)}});
  REQUIRE(body(p2)["items"].size() == 1);
  CHECK(body(p2)["items"][0]["id"] == w.item2);
  CHECK(body(p2)["next_after"].is_null());
  CHECK(body(w.get("/v1/items", &w.ward, {{"status", "assigned"}}))["items"].size() == 1);
  CHECK(body(w.get("/v1/items", &w.ward, {{"topic", "land"}}))["items"].size() == 1);
  CHECK(body(w.get("/v1/items", &w.ward, {{"unit", std::to_string(w.bd)}, {"agency", std::to_string(w.agency_bd)}}))["items"].size() == 2);
  CHECK(w.get("/v1/items", &w.other_ward, {{"unit", std::to_string(w.bd)}}).status == 403);

  Response one = w.get("/v1/items/" + std::to_string(w.item1), &w.ward);
  REQUIRE(one.status == 200);
  CHECK(body(one)["text"].get<std::string>().find("Bí Mật") != std::string::npos);  // internal: unredacted
  CHECK(w.get("/v1/items/" + std::to_string(w.item1), &w.other_ward).status == 403);
  CHECK(w.get("/v1/items/4000000000", &w.ward).status == 404);
  CHECK(w.get("/v1/items/99999999999", &w.ward).status == 404);
  Response op = w.get("/v1/opinions/1", &w.ward);
  REQUIRE(op.status == 200);
  CHECK(body(op)["items"] == json::array({w.item1, w.item2}));
  CHECK(w.get("/v1/opinions/1", &w.other_ward).status == 403);
  Response hist = w.get("/v1/items/" + std::to_string(w.item1) + "/history", &w.ward);
  REQUIRE(hist.status == 200);
  CHECK(body(hist)["events"].back()["type"] == "reply_published");
  CHECK(w.get("/v1/items/" + std::to_string(w.item1) + "/history", &w.other_ward).status == 403);
}

TEST_CASE("v1 reads: bad query parameters are refused", "[service][v1]") {
  World w;
  using Q = std::vector<std::pair<std::string, std::string>>;
  for (const Q& q : {Q{{"limit", "0"}}, Q{{"limit", "1001"}}, Q{{"limit", "abc"}}, Q{{"limit", "-1"}},
                     Q{{"limit", "99999999999999999999999"}}, Q{{"after", "0"}}, Q{{"after", "4294967295"}},
                     Q{{"unit", "1.0"}}, Q{{"as_of", "2022-13-45"}}, Q{{"as_of", "20221010"}}, Q{{"as_of", "2022-02-30"}},
                     Q{{"as_of", "1800-01-01"}}, Q{{"status", "nope"}}, Q{{"standing", "late"}}, Q{{"colour", "red"}},
                     Q{{"limit", "1"}, {"limit", "2"}}, Q{{"topic", std::string("\xC0\xAF")}}}) {
    Response r = w.get("/v1/items", &w.ward, q);
    INFO(q[0].first << "=" << q[0].second << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(code(r) == "invalid_argument");
  }
  CHECK(w.get("/v1/units/" + std::to_string(w.bd) + "/accounting", &w.ward, {{"as_of", "2022-9-1"}}).status == 400);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd) + "/report", &w.ward, {{"period", "2022-Q5"}}).status == 400);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd) + "/report", &w.ward).status == 400);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd) + "/report", &w.ward, {{"period", "2022"}, {"format", "pdf"}}).status == 400);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd) + "/compliance", &w.ward, {{"period", "1200"}}).status == 400);
  CHECK(w.get("/v1/units/" + std::to_string(w.bd), &w.ward, {{"x", "1"}}).status == 400);
  CHECK(w.get("/v1/public/feed", nullptr, {{"limit", "100000"}}).status == 400);
}

TEST_CASE("v1 reads: every date-taking read answers for the past", "[service][v1]") {
  World w;
  w.conference();  // raised 10/10, assigned and replied 12/10
  const std::string bd = std::to_string(w.bd);
  // Items as of 10/10: both open, though both were assigned later.
  Response past = w.get("/v1/items", &w.ward, {{"as_of", "2022-10-10"}});
  REQUIRE(past.status == 200);
  REQUIRE(body(past)["items"].size() == 2);
  CHECK(body(past)["as_of"] == "2022-10-10");
  for (const json& it : body(past)["items"]) CHECK(it["status"] == "open");
  CHECK(body(w.get("/v1/items", &w.ward, {{"as_of", "2022-10-10"}, {"status", "assigned"}}))["items"].empty());
  CHECK(body(w.get("/v1/items", &w.ward, {{"as_of", "2022-10-09"}}))["items"].empty());
  // Before the ward existed: nothing in the key's scope, and the ward itself is not found.
  Response before = w.get("/v1/items", &w.ward, {{"as_of", "2022-09-29"}});
  CHECK(before.status == 200);
  CHECK(body(before)["items"].empty());
  CHECK(w.get("/v1/items", &w.ward, {{"as_of", "2022-09-29"}, {"unit", std::to_string(w.bd)}}).status == 404);
  CHECK(w.get("/v1/items", &w.ward, {{"agency", "999"}}).status == 404);
  CHECK(w.get("/v1/items", &w.ward, {{"conference", "999"}}).status == 404);
  CHECK(w.get("/v1/items", &w.ward, {{"raised_by", "999"}}).status == 404);
  CHECK(body(w.get("/v1/items", &w.ward, {{"status", "assigned"}}))["items"].size() == 1);

  Response acc_past = w.get("/v1/units/" + bd + "/accounting", &w.ward, {{"as_of", "2022-10-10"}});
  REQUIRE(acc_past.status == 200);
  CHECK(body(acc_past)["as_of"] == "2022-10-10");
  CHECK(body(acc_past)["items"] == 2);
  CHECK(body(acc_past)["replied"] == 0);
  Response acc_now = w.get("/v1/units/" + bd + "/accounting", &w.ward);
  CHECK(body(acc_now)["as_of"] == "2022-10-12");
  CHECK(body(acc_now)["replied"] == 1);
  CHECK(w.get("/v1/units/" + std::to_string(w.gl) + "/accounting", &w.ward).status == 403);

  // Overdue: the deadline is 9/11; on 20/11 the unreplied item is overdue, on 11/10 nothing.
  Response late = w.get("/v1/overdue", &w.ward, {{"as_of", "2022-11-20"}});
  REQUIRE(late.status == 200);
  REQUIRE(body(late)["items"].size() == 1);
  CHECK(body(late)["items"][0]["id"] == w.item2);
  CHECK(body(w.get("/v1/overdue", &w.ward, {{"as_of", "2022-10-11"}}))["items"].empty());
  CHECK(body(w.get("/v1/overdue", &w.other_ward, {{"as_of", "2022-11-20"}}))["items"].empty());

  // Reports and triggers as of a past day.
  Response rep_past = w.get("/v1/units/" + bd + "/report", &w.ward, {{"period", "2022-Q4"}, {"as_of", "2022-10-10"}});
  REQUIRE(rep_past.status == 200);
  CHECK(body(rep_past)["items"]["items"] == 2);
  CHECK(body(rep_past)["items"]["replied"] == 0);
  Response rep_now = w.get("/v1/units/" + bd + "/report", &w.ward, {{"period", "2022-Q4"}});
  CHECK(body(rep_now)["items"]["replied"] == 1);
  Response trig = w.get("/v1/units/" + bd + "/triggers", &w.ward, {{"as_of", "2022-10-10"}});
  REQUIRE(trig.status == 200);
  CHECK(body(trig)["schema"] == "doithoai.triggers/1");
  Response comp = w.get("/v1/units/" + bd + "/compliance", &w.ward, {{"period", "2022"}, {"as_of", "2022-10-10"}});
  REQUIRE(comp.status == 200);
  CHECK(body(comp)["schema"] == "doithoai.compliance/1");
  CHECK(body(comp)["as_of"] == "2022-10-10");
}

TEST_CASE("v1 reports: JSON, CSV and HTML by format or Accept", "[service][v1]") {
  World w;
  w.conference();
  const std::string path = "/v1/units/" + std::to_string(w.bd) + "/report";
  Response j = w.get(path, &w.ward, {{"period", "2022-10"}});
  REQUIRE(j.status == 200);
  CHECK(body(j)["schema"] == "doithoai.report/1");
  CHECK(body(j)["period"]["kind"] == "month");
  Response csv = w.get(path, &w.ward, {{"period", "2022-10"}, {"format", "csv"}});
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(csv.body.rfind("\xEF\xBB\xBFsection,code,label,items,", 0) == 0);
  CHECK(csv.body.find("\r\nall,,,2,1,") != std::string::npos);
  CHECK(csv.body.find("\r\ntopic,land,") != std::string::npos);
  CHECK(csv.body.find(",escalated,returned,written_replies,replies_with_evidence,evidence_share,rated,satisfied,"
                      "partly_satisfied,not_satisfied,satisfied_percent,not_satisfied_percent\r\n") != std::string::npos);
  // returned (R13, R14 review) and the evidence of the replies (issue 14) are an agency row's
  // counts; the other rows leave them empty. Nothing rated: the satisfaction cells are empty.
  const auto rows = csv_rows(csv.body);
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0].at("section") == "all");
  CHECK(rows[0].at("returned").empty());
  CHECK(rows[0].at("written_replies").empty());
  CHECK(rows[0].at("rated").empty());
  bool agency = false;
  for (const auto& row : rows) {
    if (row.at("section") != "agency") continue;
    agency = true;
    CHECK(row.at("returned") == "0");
    CHECK(!row.at("written_replies").empty());
    CHECK(row.at("replies_with_evidence") == "0");
    CHECK(row.at("rated").empty());
    CHECK(row.at("satisfied_percent").empty());
  }
  CHECK(agency);
  Response html = w.get(path, &w.ward, {{"period", "2022-10"}}, {{"accept", "text/html,application/xhtml+xml;q=0.9"}});
  REQUIRE(html.status == 200);
  CHECK(html.content_type == "text/html; charset=utf-8");
  CHECK(html.body.find("<html") != std::string::npos);
  CHECK(w.get(path, &w.ward, {{"period", "2022-10"}}, {{"accept", "text/csv"}}).content_type == "text/csv; charset=utf-8");
  CHECK(w.get(path, &w.ward, {{"period", "2022-10"}}, {{"accept", "*/*"}}).content_type.rfind("application/json", 0) == 0);
  Response no = w.get(path, &w.ward, {{"period", "2022-10"}}, {{"accept", "image/png"}});
  CHECK(no.status == 406);
  CHECK(code(no) == "not_acceptable");
  CHECK(w.get(path, &w.ward, {{"period", "2022-10"}}, {{"accept", "text/html;q=0, application/json"}}).content_type.rfind("application/json", 0) == 0);
  // Every period form.
  const std::vector<std::pair<std::string, std::string>> periods = {
      {"2022", "year"}, {"2022-Q4", "quarter"}, {"2022-H1", "six_months"}, {"2022-9M", "nine_months"},
      {"2022-10-01..2022-10-31", "range"}};
  for (const auto& [p, kind] : periods) {
    Response r = w.get(path, &w.ward, {{"period", p}, {"as_of", "2022-10-12"}});
    INFO(p << " -> " << r.body.substr(0, 200));
    REQUIRE(r.status == 200);
    CHECK(body(r)["period"]["kind"] == kind);
  }
  CHECK(w.get(path, &w.other_ward, {{"period", "2022"}}).status == 403);
}

TEST_CASE("v1 public views: published and redacted only, no key", "[service][v1]") {
  World w;
  w.conference();
  Response feed = w.get("/v1/public/feed", nullptr);
  REQUIRE(feed.status == 200);
  const json f = body(feed);
  CHECK(f["schema"] == "doithoai.public_feed/1");
  REQUIRE(f["items"].size() == 1);  // the published reply only
  CHECK(f["items"][0]["id"] == w.item1);
  CHECK(f["items"][0]["raised_by"] == "Người dân (ẩn danh)");
  // Neither the raiser's name nor phone, nor the unpublished item, anywhere in the answer.
  CHECK(feed.body.find("Bí Mật") == std::string::npos);
  CHECK(feed.body.find("0912345678") == std::string::npos);
  CHECK(feed.body.find("Nội bộ") == std::string::npos);
  CHECK(body(w.get("/v1/public/feed", nullptr, {{"unit", std::to_string(w.gl)}}))["items"].empty());
  CHECK(w.get("/v1/public/feed", nullptr, {{"unit", "999"}}).status == 404);
  CHECK(w.get("/v1/public/feed", nullptr, {{"visibility", "internal"}}).status == 400);

  Response page = w.get("/v1/public/units/" + std::to_string(w.bd) + "/report.html", nullptr, {{"period", "2022-Q4"}});
  REQUIRE(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("Bí Mật") == std::string::npos);
  CHECK(page.body.find("Nội bộ") == std::string::npos);
  CHECK(w.get("/v1/public/units/" + std::to_string(w.bd) + "/report.html", nullptr, {{"lang", "en"}}).status == 200);
  CHECK(w.get("/v1/public/units/999/report.html", nullptr).status == 404);
  CHECK(w.get("/v1/public/units/" + std::to_string(w.bd) + "/report.html", nullptr, {{"lang", "fr"}}).status == 400);
}

TEST_CASE("v1 reads on the I/O thread: try_handle answers the keyed reads as handle does, and gives way to everything else", "[service][v1]") {
  World w;
  w.conference();
  auto request = [](const std::string& method, const std::string& path, const ApiKey* key,
                    std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {}) {
    return World::request(method, path, key, std::move(query), std::move(body));
  };
  const std::string item = "/v1/items/" + std::to_string(w.item1);
  const std::string unit = "/v1/units/" + std::to_string(w.bd);
  // The same answers, whatever the status (200, 403 out of scope, 404, 401 without a key, 400).
  const std::vector<std::pair<std::string, const ApiKey*>> reads = {
      {item, &w.ward}, {item, &w.other_ward}, {item, nullptr}, {"/v1/items/99999999999", &w.ward},
      {unit, &w.ward}, {unit, &w.other_ward}, {unit + "/accounting", &w.ward}, {unit + "/accounting", &w.other_ward},
      {"/v1/opinions/1", &w.ward}, {"/v1/conferences/" + std::to_string(w.conf), &w.district},
      {"/v1/units/abc", &w.ward}};
  for (const auto& [path, key] : reads) {
    INFO(path);
    Request a = request("GET", path, key), b = request("GET", path, key);
    const std::optional<Response> inline_answer = w.router.try_handle(a);
    REQUIRE(inline_answer);
    const Response worker_answer = w.router.handle(b);
    CHECK(inline_answer->status == worker_answer.status);
    CHECK(inline_answer->body == worker_answer.body);
    CHECK(a.route_index == b.route_index);
  }
  Request bad = request("GET", item, &w.ward, {{"colour", "red"}});
  const auto refused = w.router.try_handle(bad);
  REQUIRE(refused);
  CHECK(refused->status == 400);

  // Lists, history and commands are never tried there: nothing is done.
  const std::uint64_t seq = w.last_seq();
  for (auto r : {request("GET", "/v1/items", &w.ward), request("GET", item + "/history", &w.ward),
                 request("POST", "/v1/commands", &w.ward, {},
                         json{{"command", {{"type", "assign"}, {"item", w.item2}, {"agency", w.agency_bd}}}}.dump()),
                 request("GET", "/v1/nowhere", &w.ward)})
    CHECK_FALSE(w.router.try_handle(r));
  CHECK(w.last_seq() == seq);

  // A past day the engine has not cached would be rebuilt from the store: a worker's job.
  // Once a worker has asked for it, the I/O thread answers it too, the same.
  Request past = request("GET", unit + "/accounting", &w.ward, {{"as_of", "2022-10-11"}});
  CHECK_FALSE(w.router.try_handle(past));
  const Response rebuilt = w.router.handle(past);
  REQUIRE(rebuilt.status == 200);
  CHECK(body(rebuilt)["items"] == 2);
  Request again = request("GET", unit + "/accounting", &w.ward, {{"as_of", "2022-10-11"}});
  const auto cached = w.router.try_handle(again);
  REQUIRE(cached);
  CHECK(cached->body == rebuilt.body);
}

TEST_CASE("v1 duplicate suggestions: the unit's open items most like a text, scoped by the key", "[service][v1]") {
  World w;
  w.conference();  // item1 (replied, published) and item2 (assigned) in Bồ Đề
  const std::string path = "/v1/units/" + std::to_string(w.bd) + "/similar";
  Response r = w.get(path, &w.ward, {{"text", "noi bo rac ton dong to 9"}});
  REQUIRE(r.status == 200);
  const json s = body(r)["similar"];
  REQUIRE(s.size() == 1);  // item1 is replied: not open
  CHECK(s[0]["item"] == w.item2);
  CHECK(s[0]["score"].get<double>() > 0.5);
  CHECK(body(w.get(path, &w.ward, {{"text", "hưu trí"}}))["similar"].empty());
  CHECK(w.get(path, &w.other_ward, {{"text", "rác"}}).status == 403);
  CHECK(w.get("/v1/units/999/similar", &w.ward, {{"text", "rác"}}).status == 404);
  CHECK(w.get(path, nullptr, {{"text", "rác"}}).status == 401);
  for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {}, {{"text", ""}}, {{"text", "rác"}, {"limit", "0"}}, {{"text", "rác"}, {"limit", "101"}},
           {{"text", "rác"}, {"limit", "x"}}, {{"text", "rác"}, {"colour", "red"}}, {{"text", "r\xC3"}}})
    CHECK(w.get(path, &w.ward, query).status == 400);
}

TEST_CASE("v1 reply templates: listed, rendered for an item or conference of the key's scope, recording nothing", "[service][v1]") {
  World w;
  w.conference();  // item2 assigned to the Bồ Đề agency
  Response r = w.get("/v1/templates", &w.ward, {{"kind", "reply"}});
  REQUIRE(r.status == 200);
  const json list = body(r)["templates"];
  REQUIRE_FALSE(list.empty());
  for (const json& t : list) CHECK(t["kind"] == "reply");
  CHECK(body(w.get("/v1/templates", &w.ward))["templates"].size() > list.size());
  // The caller's placeholders of the first template get values; the engine fills the rest.
  const json& t = list[0];
  const std::vector<std::string> caller = {"signer", "number", "date", "answer", "reason", "target", "new_deadline", "to_unit"};
  json values = json::object();
  for (const json& p : t["placeholders"])
    if (std::find(caller.begin(), caller.end(), p.get<std::string>()) != caller.end()) values[p.get<std::string>()] = "Nội dung " + p.get<std::string>();
  const json ask = {{"key", t["key"]}, {"item", w.item2}, {"values", values}};
  const std::uint64_t seq = w.last_seq();
  r = w.send("POST", "/v1/templates/render", &w.ward, {}, ask.dump(), {{"content-type", "application/json"}});
  REQUIRE(r.status == 200);
  const json out = body(r);
  CHECK(out["key"] == t["key"]);
  CHECK(out["kind"] == "reply");
  CHECK(out["text"].get<std::string>().find("{{") == std::string::npos);
  CHECK(w.last_seq() == seq);  // a read
  // Scope: another ward's key may not render Bồ Đề's item; no key at all is 401.
  CHECK(w.send("POST", "/v1/templates/render", &w.other_ward, {}, ask.dump()).status == 403);
  CHECK(w.send("POST", "/v1/templates/render", nullptr, {}, ask.dump()).status == 401);
  // A missing caller placeholder names itself; unknown templates, items and fields are refused.
  if (!values.empty()) {
    json short_of = ask;
    short_of["values"].erase(short_of["values"].begin());
    r = w.send("POST", "/v1/templates/render", &w.ward, {}, short_of.dump());
    CHECK(r.status == 400);
    CHECK(body(r)["error"]["message"].get<std::string>().find(values.begin().key()) != std::string::npos);
  }
  json unknown = ask;
  unknown["key"] = "no-such-template";
  CHECK(w.send("POST", "/v1/templates/render", &w.ward, {}, unknown.dump()).status == 404);
  json missing_item = ask;
  missing_item["item"] = 999;
  CHECK(w.send("POST", "/v1/templates/render", &w.ward, {}, missing_item.dump()).status == 404);
  for (const std::string& bad_body :
       {std::string("{"), std::string("[]"), json{{"key", t["key"]}, {"item", -1}}.dump(),
        json{{"key", t["key"]}, {"item", "x"}}.dump(), json{{"key", t["key"]}, {"item", 4294967295ull}}.dump(),
        json{{"key", t["key"]}, {"item", w.item2}, {"colour", "red"}}.dump(),
        json{{"key", t["key"]}, {"item", w.item2}, {"values", {{"signer", 5}}}}.dump(),
        std::string("{\"key\": \"r\xC3\", \"item\": 1}"), std::string(5000, '[') + std::string(5000, ']')})
    CHECK(w.send("POST", "/v1/templates/render", &w.ward, {}, bad_body).status == 400);
  CHECK(w.send("POST", "/v1/templates/render", &w.ward, {}, ask.dump(), {{"content-type", "text/plain"}}).status == 400);
  for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"kind", "poem"}}, {{"colour", "red"}}, {{"kind", "r\xC3"}}})
    CHECK(w.get("/v1/templates", &w.ward, query).status == 400);
  CHECK(w.last_seq() == seq);
}

TEST_CASE("R04 v1 items near a point and in a box; R14 the supervision list; scoped by the key", "[service][v1]") {
  World w;
  w.conference();  // item1 replied to the citizen (who did not rate it); item2 assigned
  const std::string unit = "/v1/units/" + std::to_string(w.bd);
  // An opinion with a place, entered by the ward's office for the citizen.
  const json r = w.ok(&w.ward, {{"command", {{"type", "submit_opinion"}, {"unit", w.bd}, {"channel", "letter"},
                                             {"raised_by", w.citizen}, {"items", {{{"topic", "urban_order"}, {"text", "Ổ gà"}}}},
                                             {"place", {{"lat", 21.0405}, {"long", 105.8747}, {"address", "Ngõ 30"}}}}}});
  const std::int64_t placed = r["items"][0];
  Response n = w.get(unit + "/near", &w.ward, {{"lat", "21.0406"}, {"long", "105.8747"}, {"radius", "100"}});
  REQUIRE(n.status == 200);
  const json items = body(n)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["item"] == placed);
  CHECK(items[0]["place"]["address"] == "Ngõ 30");
  CHECK(items[0]["distance_m"].get<double>() == Approx(11.1).margin(0.2));
  CHECK(body(w.get(unit + "/near", &w.ward, {{"lat", "10.8"}, {"long", "106.7"}}))["items"].empty());
  CHECK(body(w.get(unit + "/box", &w.ward, {{"south", "21"}, {"west", "105"}, {"north", "22"}, {"east", "106"}}))["items"].size() == 1);
  CHECK(w.get(unit + "/near", &w.other_ward, {{"lat", "21"}, {"long", "105"}}).status == 403);
  // R07 with a place (issue 14): the similar route takes lat and long together.
  const json sim = body(w.get(unit + "/similar", &w.ward, {{"text", "Ổ gà"}, {"lat", "21.0405"}, {"long", "105.8747"}}))["similar"];
  REQUIRE(sim.size() == 1);
  CHECK(sim[0]["item"] == placed);
  CHECK(w.get(unit + "/similar", &w.ward, {{"text", "Ổ gà"}, {"lat", "21.04"}}).status == 400);
  CHECK(w.get(unit + "/similar", &w.ward, {{"text", "Ổ gà"}, {"lat", "nan"}, {"long", "105"}}).status == 400);
  CHECK(w.get("/v1/units/999/near", &w.ward, {{"lat", "21"}, {"long", "105"}}).status == 404);
  for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {}, {{"lat", "21"}}, {{"lat", "nan"}, {"long", "105"}}, {{"lat", "1e308"}, {"long", "105"}},
           {{"lat", "21"}, {"long", "105"}, {"radius", "-1"}}, {{"lat", "21"}, {"long", "105"}, {"radius", "inf"}},
           {{"lat", "twenty"}, {"long", "105"}}, {{"lat", "21"}, {"long", "105"}, {"limit", "0"}},
           {{"lat", "21"}, {"long", "105"}, {"status", "pending"}}, {{"lat", "21\xC3"}, {"long", "105"}},
           {{"lat", "21"}, {"long", "105"}, {"colour", "red"}}})
    CHECK(w.get(unit + "/near", &w.ward, query).status == 400);
  // Satisfaction through /v1/commands, then the front's supervision list.
  const std::int64_t front = w.person("Chủ tịch UBMTTQ phường", "front_chair", w.bd);
  w.ok(&w.district, {{"actor", front}, {"command", {{"type", "record_satisfaction"}, {"item", w.item1},
                                                     {"rating", "not_satisfied"}, {"comment", "Người dân chưa đồng ý"}}}});
  const json list = body(w.get(unit + "/supervision", &w.ward))["items"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["item"] == w.item1);
  CHECK(body(w.get(unit + "/supervision", &w.ward, {{"as_of", "2022-10-11"}}))["items"].empty());
  CHECK(w.get(unit + "/supervision", &w.other_ward).status == 403);
  CHECK(w.post(&w.other_ward, {{"command", {{"type", "record_satisfaction"}, {"item", w.item1}, {"rating", "satisfied"}}}}).status == 403);
  // R16 (issue 14): the report CSV carries the rating on the all, topic, agency and unit rows.
  Response csv = w.get(unit + "/report", &w.ward, {{"period", "2022"}, {"format", "csv"}});
  REQUIRE(csv.status == 200);
  const json rep = body(w.get(unit + "/report", &w.ward, {{"period", "2022"}}));
  REQUIRE(rep.contains("satisfaction"));
  std::map<std::string, int> rated;
  for (const auto& row : csv_rows(csv.body)) {
    if (row.at("rated").empty()) continue;
    ++rated[row.at("section")];
    CHECK(row.at("rated") == "1");
    CHECK(row.at("not_satisfied") == "1");
    CHECK(row.at("satisfied") == "0");
    CHECK(row.at("not_satisfied_percent") == "100.0");
    if (row.at("section") == "agency") CHECK(row.at("code") == std::to_string(rep["satisfaction"]["by_agency"][0]["agency"].get<std::int64_t>()));
    if (row.at("section") == "unit") CHECK(row.at("code") == std::to_string(w.bd));
  }
  CHECK(rated == std::map<std::string, int>{{"agency", 1}, {"all", 1}, {"topic", 1}, {"unit", 1}});
}

TEST_CASE("v1 outbox: the unit's notices and counts as of a day, scoped by the key", "[service][v1]") {
  World w;
  w.conference();  // hanoi-2200 has no "outbox" section: nothing issued
  const std::string path = "/v1/units/" + std::to_string(w.bd) + "/outbox";
  Response r = w.get(path, &w.ward, {{"as_of", "2022-10-10"}});
  REQUIRE(r.status == 200);
  const json b = body(r);
  CHECK(b["as_of"] == "2022-10-10");
  CHECK(b["notices"].empty());
  CHECK(b["counts"]["issued"] == 0);
  CHECK(b["next_after"].is_null());
  CHECK(w.get(path, &w.other_ward, {}).status == 403);
  CHECK(w.get("/v1/units/999/outbox", &w.ward, {}).status == 404);
  CHECK(w.get(path, nullptr, {}).status == 401);
  for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"status", "lost"}}, {{"limit", "0"}}, {{"limit", "1001"}}, {{"as_of", "10/10/2022"}}, {{"colour", "red"}}})
    CHECK(w.get(path, &w.ward, query).status == 400);
}
