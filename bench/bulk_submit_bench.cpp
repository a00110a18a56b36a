// bench/bulk_submit_bench.cpp: the C++ rate the Python bulk import is compared against
// (bench/python_bench.py runs this). The same commands as the Python benchmark: N opinions
// of one item each, submitted by the ward office through Engine::execute in a plain loop.
//   bulk_submit_bench [N=100000]
#include <algorithm>
#include <chrono>
#include <memory>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <doithoai/doithoai.h>

using namespace doithoai;

namespace {

struct World {
  std::unique_ptr<Engine> engine;
  UnitId ward;
  PersonId office, resident;
};

World make_world() {
  auto clock = std::make_shared<ManualClock>(parse_instant("2022-08-10T02:00:00Z"));
  EngineOptions o;
  o.clock = clock;
  auto owned = std::make_unique<Engine>(builtin_profile("hanoi-2200"), o);
  Engine& e = *owned;
  const UnitId city(e.execute(kSystemActor, cmd::CreateUnit{"Thành phố Hà Nội", "tinh"}).id);
  const UnitId district(e.execute(kSystemActor, cmd::CreateUnit{"Quận Long Biên", "huyen", city}).id);
  const UnitId ward(e.execute(kSystemActor, cmd::CreateUnit{"Phường Bồ Đề", "xa", district}).id);
  const PersonId office(e.execute(kSystemActor, cmd::RegisterPerson{"Văn phòng"}).id);
  e.execute(kSystemActor, cmd::GrantRole{office, Role::office, ward, {}, {}});
  const PersonId resident(e.execute(kSystemActor, cmd::RegisterPerson{"Ông A"}).id);
  return World{std::move(owned), ward, office, resident};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  World w = make_world();
  const UnitId ward = w.ward;
  const PersonId resident = w.resident;

  // Built before timing, as the Python side builds its rows before calling import_opinions.
  std::vector<cmd::SubmitOpinion> cmds(n);
  for (std::size_t k = 0; k < n; ++k) {
    cmds[k].unit = ward;
    cmds[k].channel = Channel::mailbox;
    cmds[k].raised_by = resident;
    cmds[k].items.push_back(ItemSpec{"land", "Nội dung số " + std::to_string(k)});
  }
  // Best of three runs on fresh engines, as python_bench.py does.
  double s = 1e30;
  for (int run = 0; run < 3; ++run) {
    w = make_world();
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& c : cmds) w.engine->execute(w.office, c);
    s = std::min(s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  Engine& e = *w.engine;
  std::printf("cpp_submit_items %zu\ncpp_submit_seconds %.6f\ncpp_submit_per_sec %.0f\n", n, s, n / s);

  // A cheap query from C++ for reference (the Python per-call figure adds the binding).
  const std::size_t q = 1000000;
  std::uint64_t sink = 0;
  const auto t1 = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < q; ++k)
    sink += static_cast<std::uint64_t>(e.read([&](const State& st) { return st.status(ItemId(1 + k % n)); }));
  const double qs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("cpp_item_status_ns %.1f\n(sink %llu)\n", qs / q * 1e9, static_cast<unsigned long long>(sink));
}
