// tests/c/c_abi_cpp_test.cpp: what the C test cannot do. The header compiles as C++; a
// subscriber callback written in C++ throws (std::runtime_error, std::bad_alloc, an int) and
// the exception stays inside the library (counted, later events still delivered); a callback
// unsubscribes itself; several threads execute and query one engine at once; a subscription
// outlives its engine. Exit status 0 when every check passed.
#include "doithoai/c.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

int checks = 0, failures = 0;
#define CHECK(cond)                                                                   \
  do {                                                                                \
    ++checks;                                                                         \
    if (!(cond)) {                                                                    \
      ++failures;                                                                     \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                                 \
  } while (0)

std::string take(char* p) {
  std::string s = p ? p : "";
  dt_free(p);
  return s;
}

std::string call(dt_engine* e, const char* method, const char* args) {
  char* out = nullptr;
  dt_error* err = nullptr;
  if (dt_call(e, method, args, &out, &err) != DT_OK) {
    std::fprintf(stderr, "%s: %s\n", method, dt_error_message(err));
    dt_error_free(err);
    ++failures;
    return "";
  }
  return take(out);
}

int execute(dt_engine* e, const std::string& request) {
  char* out = nullptr;
  const int rc = dt_execute(e, request.c_str(), &out, nullptr);
  dt_free(out);
  return rc;
}

std::string create_unit(int k) {
  return "{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"Phường " + std::to_string(k) +
         "\", \"level\": \"xa\"}}";
}

struct Thrower {
  std::atomic<int> calls{0};
};

void throwing_callback(void* user, const char*, size_t) {
  auto* t = static_cast<Thrower*>(user);
  const int n = t->calls.fetch_add(1);
  if (n % 3 == 0) throw std::runtime_error("subscriber failed");
  if (n % 3 == 1) throw std::bad_alloc();
  throw 7;
}

struct SelfStop {
  dt_subscription* sub = nullptr;
  std::atomic<int> calls{0};
};

void self_stopping_callback(void* user, const char*, size_t) {
  auto* s = static_cast<SelfStop*>(user);
  if (s->calls.fetch_add(1) == 1) dt_unsubscribe(s->sub);  // from inside: does not wait for itself
}

std::atomic<int> counted{0};
void counting_callback(void*, const char*, size_t) { counted.fetch_add(1); }

}  // namespace

int main() {
  dt_engine* e = nullptr;
  CHECK(dt_engine_open("{\"profile\": \"hanoi-2200\"}", &e, nullptr) == DT_OK);

  // A throwing subscriber: every exception is caught and counted; the engine goes on.
  Thrower thrower;
  dt_subscription* bad = nullptr;
  CHECK(dt_subscribe(e, throwing_callback, &thrower, &bad, nullptr) == DT_OK);
  for (int k = 0; k < 6; ++k) CHECK(execute(e, create_unit(k)) == DT_OK);
  CHECK(call(e, "flush_subscribers", nullptr) == "true");
  CHECK(thrower.calls.load() == 6);
  CHECK(call(e, "subscriber_stats", nullptr).find("\"callback_errors\":6") != std::string::npos);
  CHECK(dt_unsubscribe(bad) == DT_OK);

  // A callback that unsubscribes itself on its second event gets no third.
  SelfStop stop;
  CHECK(dt_subscribe(e, self_stopping_callback, &stop, &stop.sub, nullptr) == DT_OK);
  for (int k = 0; k < 4; ++k) CHECK(execute(e, create_unit(100 + k)) == DT_OK);
  CHECK(call(e, "flush_subscribers", nullptr) == "true");
  CHECK(stop.calls.load() == 2);

  // Threads: four writers and four readers on one engine.
  dt_subscription* count = nullptr;
  CHECK(dt_subscribe(e, counting_callback, nullptr, &count, nullptr) == DT_OK);
  std::atomic<int> bad_status{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 50; ++k)
        if (execute(e, create_unit(1000 * (t + 1) + k)) != DT_OK) bad_status.fetch_add(1);
    });
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        char* out = nullptr;
        if (dt_call(e, "units", nullptr, &out, nullptr) != DT_OK) bad_status.fetch_add(1);
        dt_free(out);
        if (dt_call(e, "unit", "{\"id\": 999999}", &out, nullptr) != DT_NOT_FOUND) bad_status.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();
  CHECK(bad_status.load() == 0);
  CHECK(call(e, "last_seq", nullptr) == std::to_string(6 + 4 + 200));
  CHECK(call(e, "flush_subscribers", "{\"timeout_ms\": 10000}") == "true");
  CHECK(counted.load() == 200);

  // A subscription outlives its engine: closing delivers what was committed, then stops.
  CHECK(execute(e, create_unit(9999)) == DT_OK);
  CHECK(dt_engine_close(e) == DT_OK);
  CHECK(counted.load() == 201);
  CHECK(dt_unsubscribe(count) == DT_OK);

  // A path with a NUL byte (JSON \u0000) is refused, not cut short to another file.
  {
    char dir[] = "/tmp/c-abi-nul-XXXXXX";
    CHECK(mkdtemp(dir) != nullptr);
    const std::string a = std::string(dir) + "/a.db";
    dt_engine* cut = nullptr;
    dt_error* err = nullptr;
    CHECK(dt_engine_open(("{\"store\": \"" + a + "\\u0000x\"}").c_str(), &cut, &err) == DT_INVALID_ARGUMENT);
    CHECK(cut == nullptr);
    CHECK(err && std::string(dt_error_message(err)).find("NUL") != std::string::npos);
    dt_error_free(err);
    CHECK(::access(a.c_str(), F_OK) != 0);  // no a.db was created
    dt_engine* m = nullptr;
    CHECK(dt_engine_open(nullptr, &m, nullptr) == DT_OK);
    char* out = nullptr;
    CHECK(dt_call(m, "import_csv", ("{\"actor\": \"system\", \"path\": \"" + a + "\\u0000.csv\"}").c_str(), &out,
                  nullptr) == DT_INVALID_ARGUMENT);
    CHECK(out == nullptr);
    // import_opinions reads its arguments in one streaming pass: the same errors as any method.
    CHECK(dt_call(m, "import_opinions", "{\"actor\": \"system\"}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "import_opinions", "{\"actor\": \"system\", \"rows\": 5}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "import_opinions", "[1]", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "import_opinions", "{\"rows\": [], \"colour\": 1, \"actor\": \"system\"}", &out, nullptr) ==
          DT_INVALID_ARGUMENT);
    err = nullptr;
    CHECK(dt_call(m, "import_opinions", "{\"actor\": \"system\", \"rows\": [{}, {\"unit\": -1}]}", &out, &err) ==
          DT_INVALID_ARGUMENT);
    CHECK(err && std::string(dt_error_message(err)).find("import_opinions: row 2: ") == 0);
    dt_error_free(err);
    CHECK(call(m, "import_opinions", "{\"actor\": \"system\", \"rows\": []}").find("\"submitted\":0") !=
          std::string::npos);
    CHECK(call(m, "last_seq", nullptr) == "0");  // nothing of it changed anything
    CHECK(dt_engine_close(m) == DT_OK);
    ::rmdir(dir);
  }

  // dt_try_call: the reads dt_call answers, never waiting; everything else gives way.
  {
    dt_engine* m = nullptr;
    CHECK(dt_engine_open(nullptr, &m, nullptr) == DT_OK);
    CHECK(execute(m, create_unit(1)) == DT_OK);
    char* out = nullptr;
    dt_error* err = nullptr;
    CHECK(dt_try_call(m, "unit", "{\"id\": 1}", &out, nullptr) == DT_OK);
    CHECK(take(out) == call(m, "unit", "{\"id\": 1}"));
    out = nullptr;
    CHECK(dt_try_call(m, "unit", "{\"id\": 999999}", &out, nullptr) == DT_NOT_FOUND);
    CHECK(out == nullptr);
    CHECK(dt_try_call(m, "no_such_method", nullptr, &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_try_call(m, "unit", "{\"id\": ", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_try_call(m, "unit", "{\"id\": 1, \"colour\": 2}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_try_call(nullptr, "unit", nullptr, &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_try_call(m, nullptr, nullptr, &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_try_call(m, "unit", nullptr, nullptr, nullptr) == DT_INVALID_ARGUMENT);
    // What may wait (imports, store scans, maintenance) is not even started.
    CHECK(dt_try_call(m, "import_opinions", "{\"actor\": \"system\", \"rows\": [{\"unit\": 1, \"items\": [{\"topic\": \"land\", \"text\": \"x\"}]}]}",
                      &out, &err) == DT_WOULD_BLOCK);
    CHECK(out == nullptr);
    CHECK(err && dt_error_code(err) == DT_WOULD_BLOCK &&
          std::string(dt_error_message(err)).find("would wait") != std::string::npos);
    dt_error_free(err);
    for (const char* method : {"history", "events", "verify", "snapshot", "catch_up", "flush_subscribers"})
      CHECK(dt_try_call(m, method, nullptr, &out, nullptr) == DT_WOULD_BLOCK);
    CHECK(call(m, "last_seq", nullptr) == "1");  // nothing was imported
    CHECK(std::string(dt_status_name(DT_WOULD_BLOCK)) == "would_block");
    // track (issue 14; R04, R13): hostile codes and arguments, nothing changed.
    CHECK(dt_call(m, "track", "{}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": 5}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-22-1\"}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-2022-99999999999\"}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-2022-000001\\u0000\"}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-2022-000001\", \"extra\": 1}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-2022-000001\", \"as_of\": \"2022-13-01\"}", &out, nullptr) ==
          DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "track", "{\"code\": \"1-2022-999999\"}", &out, nullptr) == DT_NOT_FOUND);
    CHECK(call(m, "last_seq", nullptr) == "1");
    // similar_items (R07 at intake): a unit without items suggests nothing; bad arguments.
    CHECK(call(m, "similar_items", "{\"unit\": 1, \"text\": \"Đường ngõ 5\"}") == "[]");
    CHECK(dt_call(m, "similar_items", "{\"unit\": 99, \"text\": \"x\"}", &out, nullptr) == DT_NOT_FOUND);
    CHECK(dt_call(m, "similar_items", "{\"unit\": 1}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "similar_items", "{\"unit\": 1, \"text\": \"\"}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "similar_items", "{\"unit\": 1, \"text\": 5}", &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "similar_items", "{\"unit\": 1, \"text\": \"x\", \"limit\": 0}", &out, nullptr) ==
          DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "similar_items", "{\"unit\": 1, \"text\": \"x\", \"limit\": 101}", &out, nullptr) ==
          DT_INVALID_ARGUMENT);
    CHECK(out == nullptr);
    // Issue 14: places (R04) and the supervision list (R14); hostile numbers are refused.
    CHECK(call(m, "items_near", "{\"lat\": 21.04, \"long\": 105.87, \"radius_m\": 500}") == "[]");
    CHECK(call(m, "items_in_box", "{\"south\": 21, \"west\": 105, \"north\": 22, \"east\": 106, \"unit\": 1}") == "[]");
    CHECK(call(m, "supervision_list", "{\"unit\": 1, \"as_of\": \"2030-01-01\"}") == "[]");
    for (const char* bad : {"{\"lat\": \"21\", \"long\": 105, \"radius_m\": 5}", "{\"lat\": 1e308, \"long\": 105, \"radius_m\": 5}",
                            "{\"lat\": 21, \"long\": 105, \"radius_m\": -5}", "{\"lat\": 21, \"long\": 105}",
                            "{\"lat\": 21, \"long\": 105, \"radius_m\": 5, \"limit\": 0}",
                            "{\"lat\": 21, \"long\": 105, \"radius_m\": 5, \"status\": \"pending\"}",
                            "{\"lat\": 21, \"long\": 105, \"radius_m\": 5, \"colour\": 1}"})
      CHECK(dt_call(m, "items_near", bad, &out, nullptr) == DT_INVALID_ARGUMENT);
    CHECK(dt_call(m, "items_near", "{\"lat\": 21, \"long\": 105, \"radius_m\": 5, \"unit\": 99}", &out, nullptr) == DT_NOT_FOUND);
    CHECK(dt_call(m, "supervision_list", "{\"unit\": 1}", &out, nullptr) == DT_INVALID_ARGUMENT);  // as_of required
    CHECK(dt_call(m, "satisfaction", "{\"item\": 99}", &out, nullptr) == DT_NOT_FOUND);
    CHECK(out == nullptr);
    // A submit_opinion whose place is hostile: refused whole, nothing recorded (issue 14).
    std::string raiser;  // a person who submits for themself
    {
      char* res = nullptr;
      CHECK(dt_execute(m, "{\"actor\": \"system\", \"command\": {\"type\": \"register_person\", \"name\": \"Người dân\"}}", &res, nullptr) == DT_OK);
      const std::string r = take(res);
      const auto at = r.find("\"id\":") + 5;
      raiser = r.substr(at, r.find_first_of(",}", at) - at);
    }
    const std::string seq_before = call(m, "last_seq", nullptr);
    auto submit = [&](const std::string& place) {
      return execute(m, "{\"actor\": " + raiser + ", \"command\": {\"type\": \"submit_opinion\", \"unit\": 1, "
                        "\"channel\": \"letter\", \"raised_by\": " + raiser + ", \"items\": [{\"topic\": \"land\", \"text\": \"x\"}], "
                        "\"place\": " + place + "}}");
    };
    CHECK(submit("{\"lat\": 21.04, \"long\": 105.87}") == DT_OK);  // the same, well formed, is recorded
    const std::string seq_placed = call(m, "last_seq", nullptr);
    for (const std::string& place : {std::string("{\"lat\": \"21\", \"long\": 105}"), std::string("{\"lat\": 1e308, \"long\": 105}"),
                                    std::string("{\"lat\": 1e400, \"long\": 105}"), std::string("{\"lat\": 21}"),
                                    std::string("{\"lat\": 21, \"long\": 105, \"address\": \"\xC3\x28\"}"),
                                    std::string("{\"lat\": 21, \"long\": 105, \"address\": 7}")})
      CHECK(submit(place) == DT_INVALID_ARGUMENT);
    CHECK(call(m, "last_seq", nullptr) == seq_placed);
    CHECK(seq_placed != seq_before);
    // An item's own place (issue 14) through the same JSON dispatcher: recorded as item_placed,
    // found at its own place; place_item reaches the rules (the raiser may not place it).
    CHECK(execute(m, "{\"actor\": " + raiser + ", \"command\": {\"type\": \"submit_opinion\", \"unit\": 1, "
                     "\"channel\": \"letter\", \"raised_by\": " + raiser + ", \"place\": {\"lat\": 21.04, \"long\": 105.87}, "
                     "\"items\": [{\"topic\": \"land\", \"text\": \"y\", \"place\": {\"lat\": 10.77, \"long\": 106.7}}]}}") == DT_OK);
    const std::string seq_item_placed = call(m, "last_seq", nullptr);
    CHECK(std::stoull(seq_item_placed) == std::stoull(seq_placed) + 2);
    CHECK(call(m, "items_near", "{\"lat\": 10.77, \"long\": 106.7, \"radius_m\": 10}").find("\"lat\":10.77") != std::string::npos);
    auto place_item = [&](const std::string& place) {
      return execute(m, "{\"actor\": " + raiser + ", \"command\": {\"type\": \"place_item\", \"item\": 2, \"place\": " + place + "}}");
    };
    CHECK(place_item("{\"lat\": 21, \"long\": 105}") == DT_PERMISSION_DENIED);
    for (const char* bad : {"{\"lat\": \"21\", \"long\": 105}", "{\"lat\": 1e400, \"long\": 105}", "{\"long\": 105}",
                            "null", "{\"lat\": 21, \"long\": 105, \"address\": \"\xC3\x28\"}"})
      CHECK(place_item(bad) == DT_INVALID_ARGUMENT);
    CHECK(call(m, "last_seq", nullptr) == seq_item_placed);
    // Under concurrent commands every answer is the read's or DT_WOULD_BLOCK, nothing else.
    std::atomic<int> odd{0}, answered{0};
    std::thread writer([&] {
      for (int k = 0; k < 300; ++k)
        if (execute(m, create_unit(5000 + k)) != DT_OK) odd.fetch_add(1);
    });
    std::thread reader([&] {
      for (int k = 0; k < 3000; ++k) {
        char* o = nullptr;
        const int rc = dt_try_call(m, "unit", "{\"id\": 1}", &o, nullptr);
        if (rc == DT_OK && o && std::string(o).find("\"id\":1") != std::string::npos) answered.fetch_add(1);
        else if (rc != DT_WOULD_BLOCK || o != nullptr) odd.fetch_add(1);
        dt_free(o);
      }
    });
    writer.join();
    reader.join();
    CHECK(odd.load() == 0);
    CHECK(answered.load() > 0);
    CHECK(dt_engine_close(m) == DT_OK);
  }

  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
