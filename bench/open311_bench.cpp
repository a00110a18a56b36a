// The cost of doithoaid's Open311 routes in-process (no HTTP): POST requests (form-encoded, one
// opinion each) and GET requests.json/.xml over a ward with N published items and P registered
// persons (citizens who did not consent to publication: redaction must hide them). The GETs
// "after a write" follow either a command that files an opinion (the persons unchanged) or one
// that registers a person (what redaction derives from the persons must be rebuilt).
//   build/bench/open311_bench [published_items=10000] [persons=2000]
// Figures: docs/design-notes.md, "Open311 GeoReport v2 routes".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"

using nlohmann::json;
using namespace doithoaid;
using Clock = std::chrono::steady_clock;

namespace {
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int persons = argc > 2 ? std::atoi(argv[2]) : 2000;
  dt_engine* raw = nullptr;
  if (dt_engine_open(R"({"store": ":memory:", "clock": "2022-09-30T08:00:00+07:00"})", &raw, nullptr) != DT_OK) return 1;
  Config config;
  Context ctx{config, EngineRef(raw)};
  auto exec = [&](json actor, json cmd) {
    return json::parse(ctx.engine.execute(json{{"actor", actor}, {"command", cmd}}.dump()));
  };
  const auto unit = exec("system", {{"type", "create_unit"}, {"name", "Phường Bồ Đề"}, {"level", "xa"}, {"code", "bode"}})["id"];
  const auto agency = exec("system", {{"type", "create_agency"}, {"unit", unit}, {"name", "Phòng QLĐT"}, {"code", "qldt"}})["id"];
  const auto office = exec("system", {{"type", "register_person"}, {"name", "Văn phòng"}, {"code", "vp"}})["id"];
  const auto officer = exec("system", {{"type", "register_person"}, {"name", "Cán bộ"}, {"code", "cb"}})["id"];
  exec("system", {{"type", "grant_role"}, {"person", office}, {"role", "office"}, {"unit", unit}});
  exec("system", {{"type", "grant_role"}, {"person", officer}, {"role", "agency_officer"}, {"unit", unit}, {"agency", agency}});
  for (int i = 0; i < persons; ++i)
    exec("system", {{"type", "register_person"},
                    {"name", "Nguyễn Văn Dân " + std::to_string(i)},
                    {"phone", "09" + std::to_string(10000000 + i)},
                    {"address", "Số " + std::to_string(i) + " ngõ " + std::to_string(i % 97) + " phố Bồ Đề"}});
  ApiKey key;
  key.name = "bench";
  key.units = {unit.get<std::int64_t>()};
  key.actor = office.get<std::int64_t>();
  Router router;
  add_open311_routes(router, ctx);

  // POST: n requests as an Open311 client sends them.
  const std::string body =
      "api_key=k&jurisdiction_id=bode&service_code=urban_order&lat=21.04&long=105.87&email=a%40b.vn&first_name=An"
      "&description=L%E1%BA%A5n+chi%E1%BA%BFm+v%E1%BB%89a+h%C3%A8+ng%C3%B5+12+ph%E1%BB%91+B%E1%BB%93+%C4%90%E1%BB%81";
  std::vector<std::int64_t> ids;
  auto t = Clock::now();
  for (int i = 0; i < n; ++i) {
    Request r;
    r.method = "POST";
    r.path = "/open311/v2/requests.json";
    r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
    r.body = body;
    r.key = &key;
    const Response res = router.handle(r);
    if (res.status != 200) {
      std::fprintf(stderr, "POST: %d %s\n", res.status, res.body.c_str());
      return 1;
    }
    ids.push_back(std::stoll(json::parse(res.body)[0]["service_request_id"].get<std::string>()));
  }
  const double post_ms = ms_since(t);
  for (auto id : ids) {
    exec(office, {{"type", "assign"}, {"item", id}, {"agency", agency}});
    exec(officer, {{"type", "write_reply"}, {"item", id}, {"number", "1/UBND"}, {"signer", officer}, {"text", "Đã xử lý."}});
    for (const char* to : {"party_head", "government_head", "front_chair", "raiser"})
      exec(office, {{"type", "record_delivery"}, {"item", id}, {"recipient", to}});
    exec(office, {{"type", "publish_reply"}, {"item", id}});
  }
  // After a write (the snapshot is not current) or unchanged. Writes: "opinion" files a
  // letter (the persons unchanged), "person" registers someone.
  enum class Write { none, opinion, person };
  int writes = 0;
  auto write = [&](Write w) {
    if (w == Write::opinion)
      exec(office, {{"type", "submit_opinion"}, {"unit", unit}, {"channel", "letter"}, {"raised_by", office},
                    {"items", json::array({{{"topic", "urban_order"}, {"text", "Phản ánh số " + std::to_string(++writes)}}})}});
    else if (w == Write::person)
      exec("system", {{"type", "register_person"}, {"name", "Người thứ " + std::to_string(++writes)}});
  };
  auto get = [&](const std::string& path, const std::string& query_id, Write w) {
    std::vector<double> times;
    std::size_t bytes = 0;
    for (int k = 0; k < 15; ++k) {
      Request r;
      r.method = "GET";
      r.path = path;
      r.query = {{"jurisdiction_id", "bode"}};
      if (!query_id.empty()) r.query.emplace_back("service_request_id", query_id);
      write(w);
      const auto s = Clock::now();
      const Response res = router.handle(r);
      times.push_back(ms_since(s));
      if (res.status != 200) {
        std::fprintf(stderr, "GET: %d %s\n", res.status, res.body.c_str());
        std::exit(1);
      }
      bytes = res.body.size();
    }
    return std::make_pair(median(times), bytes);
  };
  const std::string one = std::to_string(ids[ids.size() / 2]);
  const std::string one_path = "/open311/v2/requests/" + one + ".json";
  std::string ten;
  for (std::size_t k = 0; k < 10; ++k) ten += (k ? "," : "") + std::to_string(ids[k * ids.size() / 10]);
  const auto js_cold = get("/open311/v2/requests.json", "", Write::opinion);
  const auto js = get("/open311/v2/requests.json", "", Write::none);
  const auto xs = get("/open311/v2/requests.xml", "", Write::none);
  const auto one_opinion = get(one_path, "", Write::opinion);
  const auto one_person = get(one_path, "", Write::person);
  const auto q1_opinion = get("/open311/v2/requests.json", one, Write::opinion);
  const auto q10_opinion = get("/open311/v2/requests.json", ten, Write::opinion);
  get("/open311/v2/requests.json", "", Write::none);  // the snapshot current again
  const auto one_warm = get(one_path, "", Write::none);
  const auto q10_warm = get("/open311/v2/requests.json", ten, Write::none);
  std::printf("published items: %d; persons: %d\n", n, persons);
  std::printf("POST requests.json: %.1f us each (%.0f/s)\n", post_ms * 1000 / n, n / (post_ms / 1000));
  std::printf("GET requests.json (<= 1000 of %d) after a write: %.1f ms\n", n, js_cold.first);
  std::printf("GET requests.json (<= 1000 of %d) unchanged: %.2f ms, %zu bytes\n", n, js.first, js.second);
  std::printf("GET requests.xml  (<= 1000 of %d) unchanged: %.2f ms, %zu bytes\n", n, xs.first, xs.second);
  std::printf("GET requests/{id}.json after a write (an opinion): %.3f ms; (a person): %.3f ms; unchanged: %.3f ms\n",
              one_opinion.first, one_person.first, one_warm.first);
  std::printf("GET requests.json?service_request_id=<1 id> after a write: %.3f ms\n", q1_opinion.first);
  std::printf("GET requests.json?service_request_id=<10 ids> after a write: %.3f ms; unchanged: %.3f ms\n",
              q10_opinion.first, q10_warm.first);
  dt_engine_close(raw);
  return 0;
}
