// The cost of the C ABI (include/doithoai/c.h) per call, against the same calls in C++.
// Two engines in memory with the same world (a ward, an agency, an office, `items` items);
// each measurement runs `batches` batches of `per_batch` calls, interleaved with the calls it
// is compared with, and reports the median thread CPU time per call over the batches.
//   - point query: dt_call "item_status" / "item" (JSON in, JSON out) vs State::status /
//     Engine::item (C++ values) and Engine::item + to_json + dump (the same JSON work in C++);
//   - command: dt_execute of a register_person request vs Engine::execute_json on the parsed
//     text (+ dump of the result) and Engine::execute of the command value.
// Usage: c_abi_bench [items=1000] [batches=41] [per_batch=2000]
#include <time.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "doithoai/c.h"
#include "doithoai/doithoai.h"
#include "doithoai/json.h"

using namespace doithoai;

namespace {

// CPU time of the calling thread (every call measured runs on it): on a shared machine the
// wall clock also counts the time other processes held the core.
double thread_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Medians per call of several calls measured in interleaved batches (batch b of each in turn),
// so that what remains of other processes' load (caches, frequency) falls on all alike.
template <std::size_t N>
std::array<double, N> medians_ns(int batches, int per_batch, const std::array<std::function<void(int)>, N>& fs) {
  std::array<std::vector<double>, N> v;
  for (int b = 0; b < batches; ++b)
    for (std::size_t k = 0; k < N; ++k) {
      const double t0 = thread_ns();
      for (int i = 0; i < per_batch; ++i) fs[k](b * per_batch + i);
      v[k].push_back((thread_ns() - t0) / per_batch);
    }
  std::array<double, N> out{};
  for (std::size_t k = 0; k < N; ++k) {
    std::sort(v[k].begin(), v[k].end());
    out[k] = v[k][v[k].size() / 2];
  }
  return out;
}

void must(int rc, dt_error* err, const char* what) {
  if (rc == DT_OK) return;
  std::fprintf(stderr, "%s: %s\n", what, dt_error_message(err));
  std::exit(1);
}

// The world as requests, run through both engines.
std::vector<std::string> world(int items) {
  std::vector<std::string> r;
  auto sys = [&](const std::string& c) { r.push_back("{\"actor\": \"system\", \"command\": " + c + "}"); };
  sys(R"({"type": "create_unit", "name": "Phường Bồ Đề", "level": "xa", "code": "BD"})");  // unit 1
  sys(R"({"type": "create_agency", "unit": 1, "name": "Bộ phận Địa chính", "code": "BD-DC"})");  // agency 1
  sys(R"({"type": "register_person", "name": "Văn phòng phường"})");  // person 1
  sys(R"({"type": "grant_role", "person": 1, "role": "office", "unit": 1})");
  sys(R"({"type": "register_person", "name": "Trần Văn Bình"})");  // person 2, who raises the opinions
  for (int k = 0; k < items; ++k)
    r.push_back(R"({"actor": 1, "command": {"type": "submit_opinion", "unit": 1, "channel": "online_portal", )"
                R"("raised_by": 2, "raised_on": "2024-03-04", "items": [{"topic": "land", "text": "Ý kiến số )" +
                std::to_string(k) + R"("}]}})");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int items = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int batches = argc > 2 ? std::atoi(argv[2]) : 41;
  const int per_batch = argc > 3 ? std::atoi(argv[3]) : 2000;
  const std::vector<std::string> setup = world(items);

  auto clock = std::make_shared<ManualClock>(Instant(Date(2024, 3, 4), boost::posix_time::hours(2)));
  Engine cpp(builtin_profile("hanoi-2200"), EngineOptions{nullptr, clock});
  for (const auto& r : setup) cpp.execute_json(parse_json(r));

  dt_engine* c = nullptr;
  dt_error* err = nullptr;
  must(dt_engine_open(R"({"profile": "hanoi-2200", "clock": "2024-03-04T09:00:00+07:00"})", &c, &err), err, "open");
  for (const auto& r : setup) {
    char* out = nullptr;
    must(dt_execute(c, r.c_str(), &out, &err), err, "setup");
    dt_free(out);
  }

  std::vector<std::string> status_args, item_args;
  for (int k = 1; k <= items; ++k) {
    status_args.push_back("{\"id\": " + std::to_string(k) + "}");
    item_args.push_back(status_args.back());
  }
  std::size_t sink = 0;

  const auto status = medians_ns<2>(batches, per_batch, {
      [&](int i) {
        char* out = nullptr;
        dt_call(c, "item_status", status_args[i % items].c_str(), &out, nullptr);
        sink += out[1];
        dt_free(out);
      },
      [&](int i) {
        const ItemId id(static_cast<std::uint32_t>(i % items + 1));
        sink += static_cast<std::size_t>(cpp.read([&](const State& s) { return s.status(id); }));
      }});
  const auto item = medians_ns<3>(batches, per_batch, {
      [&](int i) {
        char* out = nullptr;
        dt_call(c, "item", item_args[i % items].c_str(), &out, nullptr);
        sink += out[1];
        dt_free(out);
      },
      [&](int i) { sink += cpp.item(ItemId(static_cast<std::uint32_t>(i % items + 1))).text.size(); },
      [&](int i) {
        const nlohmann::json args = parse_json(item_args[i % items]);
        const nlohmann::json j = cpp.item(ItemId(args.at("id").get<std::uint32_t>()));
        sink += j.dump().size();
      }});
  const std::string person = R"({"actor": "system", "command": {"type": "register_person", "name": "Người dân"}})";
  const auto exec = medians_ns<3>(batches, per_batch, {
      [&](int) {
        char* out = nullptr;
        dt_execute(c, person.c_str(), &out, nullptr);
        sink += out[1];
        dt_free(out);
      },
      [&](int) { sink += cpp.execute_json(parse_json(person)).dump().size(); },
      [&](int) { sink += cpp.execute(kSystemActor, cmd::RegisterPerson{"Người dân"}).id; }});
  const double c_status = status[0], cpp_status = status[1];
  const double c_item = item[0], cpp_item = item[1], cpp_item_json = item[2];
  const double c_exec = exec[0], cpp_exec_json = exec[1], cpp_exec = exec[2];
  dt_engine_close(c);

  std::printf("c_abi_bench: %d items, median of %d batches of %d calls (thread CPU ns per call)\n", items, batches, per_batch);
  std::printf("  point query  item_status: C ABI %8.0f   C++ State::status %8.0f   ratio %.1fx\n", c_status, cpp_status,
              c_status / cpp_status);
  std::printf("  point query  item:        C ABI %8.0f   C++ Engine::item %8.0f   ratio %.1fx;  C++ item+JSON %8.0f   ratio %.2fx\n",
              c_item, cpp_item, c_item / cpp_item, cpp_item_json, c_item / cpp_item_json);
  std::printf("  command      register_person: C ABI dt_execute %8.0f   C++ execute_json %8.0f   ratio %.2fx;  C++ execute %8.0f   ratio %.2fx\n",
              c_exec, cpp_exec_json, c_exec / cpp_exec_json, cpp_exec, c_exec / cpp_exec);
  return sink == 42 ? 2 : 0;
}
