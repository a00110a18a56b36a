// Engine benchmark (issue 2 targets), in memory, one core:
//   - full lifecycle of N items (submit, assign, reply, four deliveries, finding, close):
//     commands per second;
//   - memory per item (peak RSS growth, less the text bytes);
//   - the first 100 overdue items, and status accounting of the province subtree, at N items.
// Usage: engine_bench [items=1000000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "doithoai/doithoai.h"
#include "lifecycle.h"

using namespace doithoai;
using Clock_ = std::chrono::steady_clock;

static long rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}
static long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
static double secs(Clock_::time_point a, Clock_::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  auto clock = std::make_shared<ManualClock>(Instant(Date(2024, 3, 4), boost::posix_time::hours(2)));
  Engine engine(builtin_profile("hanoi-2200"), EngineOptions{nullptr, clock});

  // A province with 10 districts of 10 wards, each ward with heads, office, one agency.
  const benchlife::Province prov = benchlife::build_province(engine);
  const UnitId province = prov.unit;
  const auto& wards = prov.wards;
  using Ward = benchlife::Ward;
  const long rss0 = rss_kb();
  std::size_t text_bytes = 0;

  benchlife::Lifecycle life(engine, prov);
  cmd::SubmitOpinion submit{UnitId(), ConferenceId(), Channel::online_portal, PersonId(), OrganizationId(), Date(), "", {{"land", ""}}};
  const auto t0 = Clock_::now();
  std::uint64_t commands = 0;
  for (std::size_t i = 0; i < n; ++i) {
    text_bytes += life.run(i);
    commands += benchlife::Lifecycle::kCommands;
  }
  const auto t1 = Clock_::now();
  const long rss1 = rss_kb();

  const double per_item = (static_cast<double>(rss1 - rss0) * 1024.0 - static_cast<double>(text_bytes)) / static_cast<double>(n);

  // Outstanding work for the queries: 10% more items, assigned, then overdue.
  for (std::size_t i = 0; i < n / 10; ++i) {
    const Ward& w = wards[i % wards.size()];
    submit.unit = w.unit;
    submit.raised_by = w.resident;
    submit.items[0].text = "Kiến nghị chưa giải quyết " + std::to_string(i);
    const ItemId item = engine.execute(w.resident, submit).items[0];
    engine.execute(w.office, cmd::Assign{item, w.agency, std::nullopt});
  }
  clock->advance(boost::posix_time::hours(24 * 60));
  const Date today = engine.today();

  double best_overdue = 1e9, best_accounting = 1e9;
  std::size_t got = 0;
  Accounting acc;
  for (int rep = 0; rep < 20; ++rep) {
    auto a = Clock_::now();
    got = engine.overdue(today, 100).size();
    auto b = Clock_::now();
    best_overdue = std::min(best_overdue, secs(a, b));
    a = Clock_::now();
    acc = engine.accounting(province, today);
    b = Clock_::now();
    best_accounting = std::min(best_accounting, secs(a, b));
  }

  std::printf("items (full lifecycle)        %zu\n", n);
  std::printf("commands                      %llu in %.2f s\n", static_cast<unsigned long long>(commands), secs(t0, t1));
  std::printf("commands per second           %.0f   (target >= 1,000,000)\n", commands / secs(t0, t1));
  std::printf("RSS growth per item           %.0f bytes besides text (text %.1f MB; target <= 300)\n", per_item, text_bytes / 1e6);
  std::printf("peak RSS                      %.1f MB\n", peak_rss_kb() / 1024.0);
  std::printf("first 100 overdue (%zu found)  %.3f ms   (target < 1 ms)\n", got, best_overdue * 1e3);
  std::printf("accounting of province        %.2f ms over %llu items (target < 50 ms)\n", best_accounting * 1e3,
              static_cast<unsigned long long>(acc.items));
  std::printf("   resolved %llu, outstanding %llu (not yet due %llu, overdue %llu)\n",
              static_cast<unsigned long long>(acc.resolved), static_cast<unsigned long long>(acc.outstanding),
              static_cast<unsigned long long>(acc.not_yet_due), static_cast<unsigned long long>(acc.overdue));
  return acc.resolved + acc.outstanding == acc.items ? 0 : 1;
}
